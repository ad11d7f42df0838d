"""Solvers for the budgeted PC-numerator problem (Hamonic, Albert, Couëtoux & Vaxès, "Optimizing
the ecological connectivity of landscapes with generalized flow models and preprocessing",
Networks 2023, arXiv 2109.06622): greedy incremental and decremental, and an exact mixed-integer
programme (generalized flows, one per target node) solved with HiGHS after removing the arcs
that can never lie on a best path.

Every reported value is recomputed from the chosen options by most-reliable-path searches
(:meth:`Instance.pc_num`), never taken from the solver's arithmetic.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from econet.errors import EconetError
from econet.planner.instance import Instance

ALGORITHMS = ("mip", "greedy-incremental", "greedy-decremental")
_BUDGET_RTOL = 1e-9  # a plan may exceed the budget by this share (rounding of summed costs)
_TIGHT = 1e-12  # relative slack under which an arc counts as on a best path
_PER_SOURCE_MAX = 4_000_000  # largest sources × arcs block of the per-source rule, per target
# the share of PCnum the MIP's preprocessing may neglect (arcs whose whole possible
# contribution is below it); 100 times below HiGHS's feasibility tolerance
NEGLECT = 1e-9
_CAP_FLOOR = 1e-6  # smallest flow bound given to HiGHS (qualities scaled to at most 1)


@dataclass(frozen=True, eq=False)
class Solution:
    """Chosen options (bool per option), the PC numerator they give (area units squared), their
    cost, the algorithm, wall time (s), and for the MIP the proven relative gap (0 when
    optimal; None for a heuristic), the upper bound and HiGHS's status."""

    chosen: np.ndarray
    value: float
    cost: float
    algorithm: str
    time_s: float
    gap: float | None = None
    bound: float | None = None
    status: str = ""

    @property
    def eca(self) -> float:
        return float(np.sqrt(self.value))


def check_budget(budget: float) -> float:
    b = float(budget)
    if not np.isfinite(b) or b < 0:
        raise EconetError(f"budget {budget!r} must be a number >= 0 (in the cost units of the options)")
    return b


def _limit(budget: float) -> float:
    return budget * (1 + _BUDGET_RTOL) + 1e-12


def _solution(inst: Instance, chosen, algorithm: str, t0: float, **kw) -> Solution:
    chosen = np.asarray(chosen, dtype=bool)
    return Solution(chosen, inst.pc_num(chosen), inst.total_cost(chosen), algorithm, time.perf_counter() - t0, **kw)


class _State:
    """The chosen options with their node qualities, arc probabilities and best-path matrix,
    updated exactly as options are added (an improved arc uv gives P*(s, t) = max(P*(s, t),
    P*(s, u) p'_uv P*(v, t)); a best path uses it at most once) or removed (rows whose best
    tree uses a weakened arc are searched again)."""

    def __init__(self, inst: Instance, chosen):
        self.inst = inst
        self.chosen = np.asarray(chosen, dtype=bool).copy()
        self.q, self.p = inst.applied(self.chosen)
        self.P = inst.best_paths(self.p)
        self.value = float(self.q @ self.P @ self.q)

    def _with(self, o: int):
        nodes, gains, arcs, probs = self.inst.effects(o)
        q = self.q.copy()
        np.add.at(q, nodes, gains)
        P = self.P
        for a, pa in zip(arcs, probs):
            if pa > self.p[a]:
                u, v = self.inst.tail[a], self.inst.head[a]
                cand = np.outer(P[:, u], P[v, :]) * pa
                if np.any(cand > P):
                    P = np.maximum(P, cand)
        return q, P

    def _quality_change(self, nodes, gains) -> float:
        """(q+d)ᵀP(q+d) - qᵀPq = dᵀPq + qᵀPd + dᵀPd, O(n) per changed node."""
        d = np.zeros(self.inst.n)
        np.add.at(d, nodes, gains)
        nz = np.flatnonzero(d)
        dn = d[nz]
        return float(dn @ (self.P[nz] @ self.q) + (self.q @ self.P[:, nz]) @ dn + dn @ self.P[np.ix_(nz, nz)] @ dn)

    def gain_of_adding(self, o: int) -> float:
        nodes, gains, arcs, probs = self.inst.effects(o)
        if not np.any(probs > self.p[arcs]):
            return self._quality_change(nodes, gains)
        q, P = self._with(o)
        return float(q @ P @ q) - self.value

    def add(self, o: int):
        self.q, self.P = self._with(o)
        _, _, arcs, probs = self.inst.effects(o)
        np.maximum.at(self.p, arcs, probs)
        self.chosen[o] = True
        self.value = float(self.q @ self.P @ self.q)

    def _without(self, o: int, rows_needed=None):
        """The state without option ``o``; only the best-path rows in ``rows_needed`` (bool per
        node; all by default) are brought up to date."""
        chosen = self.chosen.copy()
        chosen[o] = False
        q, p = self.inst.applied(chosen)
        weakened = np.flatnonzero(p < self.p)
        P = self.P
        if len(weakened):
            t, h = self.inst.tail[weakened], self.inst.head[weakened]
            # sources s whose best path to some node runs through a weakened arc (tight arc)
            on_tree = (self.P[:, t] * self.p[weakened] >= self.P[:, h] * (1 - _TIGHT)) & (self.P[:, h] > 0)
            rows = on_tree.any(axis=1)
            if rows_needed is not None:
                rows &= rows_needed
            rows = np.flatnonzero(rows)
            if len(rows):
                P = P.copy()
                P[rows] = self.inst.best_paths(p, rows)
        return chosen, q, p, P

    def loss_of_removing(self, o: int) -> float:
        nodes, gains, arcs, _ = self.inst.effects(o)
        chosen = self.chosen.copy()
        chosen[o] = False
        if not len(arcs) or np.all(self.inst.applied(chosen)[1][arcs] >= self.p[arcs]):
            return -self._quality_change(nodes, -gains)
        # rows of nodes without quality add nothing to qᵀPq: leave them stale
        _, q, _, P = self._without(o, rows_needed=self.q > 0)
        return self.value - float(q @ P @ q)

    def remove(self, o: int):
        self.chosen, self.q, self.p, self.P = self._without(o)
        self.value = float(self.q @ self.P @ self.q)


def _ratio(delta: float, cost: float) -> float:
    if cost > 0:
        return delta / cost
    return np.inf if delta > 0 else (-np.inf if delta < 0 else 0.0)


def _fill(state: _State, cost: np.ndarray, limit: float, allowed: np.ndarray):
    """Add the affordable option of best gain per unit cost (ties: lowest index) while one adds
    something."""
    while True:
        spent = cost[state.chosen].sum()
        best, best_r = -1, 0.0
        for o in np.flatnonzero(~state.chosen & allowed & (cost <= limit - spent)):
            delta = state.gain_of_adding(int(o))
            if delta <= 0:
                continue
            r = _ratio(delta, cost[o])
            if best < 0 or r > best_r:
                best, best_r = int(o), r
        if best < 0:
            return
        state.add(best)


def greedy_incremental(inst: Instance, budget: float, *, forbidden=None) -> Solution:
    """Start with no option; repeatedly add the affordable option with the largest PCnum gain per
    unit cost until none fits or adds anything (GECOT's greedy incremental)."""
    t0 = time.perf_counter()
    limit = _limit(check_budget(budget))
    allowed = _allowed(inst, forbidden)
    state = _State(inst, np.zeros(inst.n_options, bool))
    _fill(state, inst.cost, limit, allowed)
    return _solution(inst, state.chosen, "greedy-incremental", t0)


def greedy_decremental(inst: Instance, budget: float, *, forbidden=None) -> Solution:
    """Start with every option; repeatedly drop the option with the smallest PCnum loss per unit
    cost until the plan fits the budget, then spend what is left as the incremental greedy does
    (GECOT's greedy decremental)."""
    t0 = time.perf_counter()
    limit = _limit(check_budget(budget))
    allowed = _allowed(inst, forbidden)
    cost = inst.cost
    state = _State(inst, allowed)
    while cost[state.chosen].sum() > limit:
        best, best_r = -1, 0.0
        for o in np.flatnonzero(state.chosen):
            r = _ratio(state.loss_of_removing(int(o)), cost[o]) if cost[o] > 0 else np.inf
            if best < 0 or r < best_r:
                best, best_r = int(o), r
        state.remove(best)
    _fill(state, cost, limit, allowed)
    return _solution(inst, state.chosen, "greedy-decremental", t0)


def _allowed(inst: Instance, forbidden) -> np.ndarray:
    allowed = np.ones(inst.n_options, bool)
    if forbidden is not None:
        allowed &= ~np.asarray(forbidden, dtype=bool)
    return allowed


# ---------------------------------------------------------------------------------------------
# The exact model


@dataclass
class Preprocessing:
    """What the preprocessing kept: per target node, the arcs that may lie on a best path to it
    in some plan; ``arcs_total`` = targets × arcs before, ``arcs_kept`` after; ``neglected``:
    the most PCnum (area units²) the arcs dropped for a negligible contribution can carry in
    any plan (0 when only useless arcs were dropped); ``cap``: per target and kept arc, the
    most flow (area units) a best path toward the target carries over it, Σ q⁺_s P⁺(s, u) over
    the sources s for which it is not useless."""

    targets: np.ndarray
    keep: list[np.ndarray]
    cap: list[np.ndarray]
    arcs_total: int
    arcs_kept: int
    neglected: float = 0.0
    most: np.ndarray | None = None


def preprocess(
    inst: Instance, allowed=None, *, neglect: float = 0.0, budget: float | None = None
) -> tuple[Preprocessing, np.ndarray, np.ndarray, np.ndarray]:
    """Targets (nodes whose quality can be > 0) and, for each, the arcs that are not useless.

    P⁻ is the best-path matrix with no option, P⁺ with every option, p⁺ the arc probabilities
    with every option. An arc uv can never be on a best path to t (in any plan) when

    - even improved, and with every option applied beyond it, it does worse than u's path to t
      with no option: p⁺_uv P⁺(v, t) < P⁻(u, t) (Hamonic et al.'s useless arcs);
    - for every source s, any path through it does worse than s's own path with no option:
      P⁺(s, u) p⁺_uv P⁺(v, t) < P⁻(s, t);
    - another u-v path with no option beats it improved: P⁻(u, v) > p⁺_uv; then any best path
      can take that detour instead (this holds for every target);

    or when it leaves t or cannot carry anything (p⁺ = 0, t unreachable from v, u unreachable).

    ``neglect`` > 0 also drops the arcs whose largest possible contribution is negligible: a
    path s → t through uv is worth at most c = q⁺_s q⁺_t P⁺(s, u) p⁺_uv P⁺(v, t) to PCnum, and
    an arc is dropped for t when c < neglect × PCnum(no option) / |targets|² for every source.
    Without those arcs a pair (s, t) loses at most the largest c of its dropped arcs, so
    PCnum(x) − (model value of x) ≤ Σ_t Σ_s max c ≤ neglect × PCnum(no option) for every plan x;
    that sum is ``neglected`` and the MIP adds it to its bound.

    Returns the preprocessing, the qualities with every option (q⁺), P⁻ and P⁺."""
    allowed = np.ones(inst.n_options, bool) if allowed is None else allowed
    q_plus, p_plus = inst.applied(allowed)
    P_minus = inst.best_paths(inst.p)
    P_plus = inst.best_paths(p_plus)
    targets = np.flatnonzero(q_plus > 0)
    t_, h_ = inst.tail, inst.head
    sources = np.flatnonzero(q_plus > 0)
    reach = (q_plus[:, None] * P_plus).max(axis=0) > 0  # some source reaches the node
    # P⁻(u, v) > p⁺_uv ≥ p_uv: the best u-v path with no option is not the arc itself
    detour = P_minus[t_, h_] > p_plus * (1 + _TIGHT)
    base_ok = (p_plus > 0) & reach[t_] & ~detour
    threshold = neglect * float(inst.q @ P_minus @ inst.q) / max(len(targets), 1) ** 2
    into = q_plus @ P_plus  # Σ_s q⁺_s P⁺(s, u): the most that can reach u
    most = into if budget is None else np.minimum(into, _most_within(inst, allowed, P_plus, budget))
    keep, cap, neglected = [], [], 0.0
    for t in targets:
        ok = base_ok & (t_ != t) & (P_plus[h_, t] > 0)
        ok &= p_plus * P_plus[h_, t] >= P_minus[t_, t] * (1 - _TIGHT)
        cand = np.flatnonzero(ok)
        s = sources[sources != t]
        beyond = p_plus[cand] * P_plus[h_[cand], t]  # the best from u to t through the arc
        if len(s) * len(cand) <= _PER_SOURCE_MAX:  # the per-source rule costs |sources| × |arcs|
            via = P_plus[np.ix_(s, t_[cand])] * beyond[None, :]
            useful = (via >= P_minus[s, t][:, None] * (1 - _TIGHT)) & (via > 0)
            worth = np.where(useful, via * (q_plus[s] * q_plus[t])[:, None], 0.0)
            big = worth.max(axis=0, initial=0.0) >= threshold
            if neglect > 0:
                neglected += float(np.where(big[None, :], 0.0, worth).max(axis=1, initial=0.0).sum())
            kept = useful.any(axis=0) & big
            cand = cand[kept]
            reach_u = q_plus[s] @ np.where(useful[:, kept], P_plus[np.ix_(s, t_[cand])], 0.0)
            cap.append(np.minimum(reach_u, most[t_[cand]]))
        else:
            if neglect > 0:  # the sum over sources bounds the largest, and the loss by the sum over arcs
                worth = q_plus[t] * into[t_[cand]] * beyond
                small = worth < threshold / max(len(cand), 1) * len(s)
                neglected += float(worth[small].sum())
                cand = cand[~small]
            cap.append(most[t_[cand]])
        keep.append(cand)
    pre = Preprocessing(targets, keep, cap, len(targets) * len(t_), int(sum(len(k) for k in keep)), neglected, most)
    return pre, q_plus, P_minus, P_plus


def _most_within(inst: Instance, allowed: np.ndarray, P_plus: np.ndarray, budget: float) -> np.ndarray:
    """Per node u, the most flow that can reach it in a plan within ``budget``:
    Σ_s q_s P⁺(s, u) plus the fractional-knapsack bound on the gains, each option worth
    Σ g P⁺(node, u) over its gains at the cost of the option (Dantzig 1957)."""
    vn, vo, vg = inst.node_gain
    ok = allowed[vo]
    worth = np.zeros((inst.n_options, inst.n))
    np.add.at(worth, vo[ok], vg[ok, None] * P_plus[vn[ok]])
    out = inst.q @ P_plus
    cost = inst.cost
    free = allowed & (cost <= 0)
    out += worth[free].sum(axis=0)
    paid = np.flatnonzero(allowed & (cost > 0))
    if not len(paid):
        return out
    w, c = worth[paid], cost[paid]
    order = np.argsort(-(w / c[:, None]), axis=0, kind="stable")
    ws, cs = np.take_along_axis(w, order, axis=0), c[order]
    spent = np.cumsum(cs, axis=0)
    whole = spent <= budget
    out += (ws * whole).sum(axis=0)
    nxt = whole.sum(axis=0)  # the first item that does not fit whole, per node
    part = np.flatnonzero(nxt < len(paid))
    left = budget - np.where(nxt[part] > 0, spent[np.maximum(nxt[part] - 1, 0), part], 0.0)
    out[part] += ws[nxt[part], part] * np.clip(left / cs[nxt[part], part], 0.0, 1.0)
    return out


def mip(
    inst: Instance,
    budget: float,
    *,
    time_limit: float = 600.0,
    gap: float = 0.0,
    warm_start=None,
    forbidden=None,
    at_least: list[tuple[np.ndarray, float]] = (),
    threads: int | None = None,
    log: bool = False,
    highs_options: dict | None = None,
    neglect: float = NEGLECT,
) -> Solution:
    """The exact plan: a mixed-integer programme solved by HiGHS (Hamonic et al. 2023).

    For each target t, a generalized flow carries each node's quality toward t, multiplied by an
    arc's probability as it crosses it; its best value is Σ_s q_s P*(s, t). An improved arc is a
    parallel arc with the improved probability whose flow is zero unless its option is chosen;
    every arc's flow is bounded by what its useful sources can bring (the preprocessing's
    ``cap``). A quality gain adds supply when chosen; q_t(x)² is linear in x up to the products
    of two gains of t, and each gain g_r's product x_r (inflow_t + the other gains of t) is one
    variable psi_r ≤ that, psi_r ≤ M x_r (M: the most it can be). Maximising
    Σ_t q_t(x) (q_t(x) + inflow_t) under the budget gives the optimum PCnum.

    ``time_limit`` (s) and ``gap`` (relative) stop HiGHS early: the result then carries the
    proven gap. ``warm_start``: a plan (bool per option) HiGHS starts from, e.g. greedy's.
    ``at_least``: extra constraints (weights per option, minimum) such as a carbon floor,
    for the epsilon-constraint front. ``highs_options``: further HiGHS options by name.
    ``neglect``: the preprocessing may drop arcs that together carry at most this share of
    PCnum (see :func:`preprocess`); the bound and the gap include what they could carry, so
    a proven optimum is optimal to within that share (0: the full model)."""
    import highspy
    import scipy.sparse as sp

    t0 = time.perf_counter()
    budget = check_budget(budget)
    allowed = _allowed(inst, forbidden)
    pre, q_plus, P_minus, P_plus = preprocess(inst, allowed, neglect=neglect, budget=budget)
    k = inst.n_options
    scale = float(q_plus.max()) if len(q_plus) and q_plus.max() > 0 else 1.0
    q = inst.q / scale
    vn, vo, vg = inst.node_gain
    keep_g = allowed[vo] & (vg > 0)
    vn, vo, vg = vn[keep_g], vo[keep_g], vg[keep_g] / scale
    an, ao, ap = inst.arc_gain
    keep_a = allowed[ao] & (ap > inst.p[an])
    an, ao, ap = an[keep_a], ao[keep_a], ap[keep_a]
    inf = highspy.kHighsInf
    # q_t(x)² = q_t² + Σ_r (2 q_t g_r + g_r²) x_r + the products of two gains of t (in psi)
    x_cost = np.zeros(k)
    np.add.at(x_cost, vo, 2 * q[vn] * vg + vg**2)
    # columns: x (one per option), then per target its flows, iota and psi; rows: the budget,
    # the floors, then per target its blocks. Built as arrays (one block per target).
    col_cost = [x_cost]
    col_hi = [allowed.astype(float)]
    row_lo, row_hi, ri, ci, vals = [], [], [], [], []
    ncol, nrow = k, 0

    def rows(lo_, hi_):
        nonlocal nrow
        row_lo.append(np.broadcast_to(np.asarray(lo_, dtype=float), np.shape(hi_) or np.shape(lo_)).ravel())
        row_hi.append(np.asarray(hi_, dtype=float).ravel())
        start = nrow
        nrow += len(row_hi[-1])
        return start

    def entries(r, c, v):
        ri.append(np.asarray(r, dtype=np.int64).ravel())
        ci.append(np.asarray(c, dtype=np.int64).ravel())
        vals.append(np.asarray(v, dtype=float).ravel())

    def cols(cost, count, hi_=inf):
        nonlocal ncol
        col_cost.append(np.broadcast_to(np.asarray(cost, dtype=float), (count,)).copy())
        col_hi.append(np.broadcast_to(np.asarray(hi_, dtype=float), (count,)).copy())
        start = ncol
        ncol += count
        return start + np.arange(count)

    paid = np.flatnonzero(inst.cost > 0)
    r = rows([-inf], [1.0 if budget > 0 else 0.0])
    entries(np.full(len(paid), r), paid, inst.cost[paid] / (budget if budget > 0 else 1.0))
    for weights, floor in at_least:
        w = np.asarray(weights, dtype=float)
        nz = np.flatnonzero(w)
        r = rows([float(floor)], [inf])
        entries(np.full(len(nz), r), nz, w[nz])

    kept = np.zeros(len(inst.arc_ids), bool)
    cap_of = np.zeros(len(inst.arc_ids))
    rowmap = np.full(inst.n, -1, np.int64)
    for t, arcs, caps in zip(pre.targets, pre.keep, pre.cap):
        t = int(t)
        kept[:] = False
        kept[arcs] = True
        # caps below HiGHS's tolerances are raised (a looser cap is still valid): tiny bounds
        # and coefficients upset its presolve
        cap_of[arcs] = np.maximum(caps / scale, _CAP_FLOOR)
        base = arcs[inst.p[arcs] > 0]
        sel = kept[an]
        c_arc = np.concatenate([base, an[sel]])
        c_p = np.concatenate([inst.p[base], ap[sel]])
        c = cols(0.0, len(c_arc), cap_of[c_arc])
        u, v = inst.tail[c_arc], inst.head[c_arc]
        # conservation at every other node: out - p × in - chosen gains ≤ q_v
        nodes = np.unique(u)
        rowmap[nodes] = rows(-inf, q[nodes]) + np.arange(len(nodes))
        entries(rowmap[u], c, np.ones(len(c)))
        into_row = rowmap[v] >= 0
        entries(rowmap[v[into_row]], c[into_row], -c_p[into_row])
        g_row = rowmap[vn] >= 0
        entries(rowmap[vn[g_row]], vo[g_row], -vg[g_row])
        rowmap[nodes] = -1
        # an improved arc's flow only if its option is chosen: f - cap x ≤ 0
        imp = c[len(base) :]
        r = rows(-inf, np.zeros(len(imp))) + np.arange(len(imp))
        entries(
            np.concatenate([r, r]),
            np.concatenate([imp, ao[sel]]),
            np.concatenate([np.ones(len(imp)), -cap_of[an[sel]]]),
        )
        # iota_t = what arrives at t, worth q_t iota_t
        iota = cols(q[t], 1)[0]
        r = rows([0.0], [0.0])
        at_t = v == t
        entries(np.full(1 + at_t.sum(), r), np.concatenate([[iota], c[at_t]]), np.concatenate([[1.0], -c_p[at_t]]))
        # gain g_r × x_r × (iota_t + the other gains of t): psi_r ≤ that, psi_r ≤ M x_r
        mine = np.flatnonzero(vn == t)
        if len(mine):
            m_in = float(min(q_plus @ P_plus[:, t], pre.most[t]) - inst.q[t]) / scale  # the most iota_t can be
            psi = cols(vg[mine], len(mine))
            for j, r_ in enumerate(mine):
                others = mine[mine != r_]
                r = rows(-inf, [0.0])
                entries(np.full(2 + len(others), r), np.concatenate([[psi[j], iota], vo[others]]),
                        np.concatenate([[1.0, -1.0], -vg[others]]))  # fmt: skip
                r = rows(-inf, [0.0])
                entries([r, r], [psi[j], vo[r_]], [1.0, -(m_in + vg[others].sum())])

    cost = np.concatenate(col_cost)
    hi = np.concatenate(col_hi)
    lo = np.zeros(ncol)
    rows_lo, rows_hi = np.concatenate(row_lo), np.concatenate(row_hi)
    integ = np.zeros(ncol, bool)
    integ[:k] = True
    A = sp.csc_matrix((np.concatenate(vals), (np.concatenate(ri), np.concatenate(ci))), shape=(nrow, ncol))
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = ncol, nrow
    lp.col_cost_ = np.asarray(cost)
    lp.col_lower_ = np.asarray(lo)
    lp.col_upper_ = np.asarray(hi)
    lp.row_lower_ = np.asarray(rows_lo)
    lp.row_upper_ = np.asarray(rows_hi)
    lp.sense_ = highspy.ObjSense.kMaximize
    lp.offset_ = float(q @ q)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = A.indptr
    lp.a_matrix_.index_ = A.indices
    lp.a_matrix_.value_ = A.data
    lp.integrality_ = [highspy.HighsVarType.kInteger if i else highspy.HighsVarType.kContinuous for i in integ]
    h = _highs(highspy, log)
    h.setOptionValue("random_seed", 0)
    h.setOptionValue("mip_rel_gap", float(gap))
    h.setOptionValue("mip_abs_gap", 0.0)
    h.setOptionValue("time_limit", float(max(time_limit - (time.perf_counter() - t0), 1.0)))
    # HiGHS 1.16's free-column substitution and column stuffing declare bounded flow models
    # infeasible when they are not (zero flow always is feasible): leave those rules out
    h.setOptionValue("presolve_rule_off", (1 << 8) | (1 << 19))
    if threads:
        h.setOptionValue("threads", int(threads))
    for key, value in (highs_options or {}).items():
        h.setOptionValue(key, value)
    h.passModel(lp)
    if warm_start is not None:
        ws = np.asarray(warm_start, dtype=bool) & allowed
        h.setSolution(k, np.arange(k, dtype=np.int32), ws.astype(float))
    h.run()
    status = h.modelStatusToString(h.getModelStatus())
    info = h.getInfo()
    if info.primal_solution_status < 2:  # no feasible point: the empty plan always is one
        chosen = np.zeros(k, bool)
    else:
        chosen = np.asarray(h.getSolution().col_value[:k]) > 0.5
    bound = float(info.mip_dual_bound) * scale * scale + pre.neglected
    if inst.total_cost(chosen) > _limit(budget):  # rounding within HiGHS's tolerances overspent
        chosen = np.zeros(k, bool)
    sol = _solution(inst, chosen, "mip", t0, bound=bound, status=status)
    if warm_start is not None:
        ws = _solution(inst, np.asarray(warm_start, dtype=bool) & allowed, "mip", t0)
        if ws.value > sol.value and ws.cost <= _limit(budget):
            sol = ws
    # HiGHS's own gap when it proved optimality (its primal value is the recomputed one to
    # within its tolerances); else the gap of the recomputed value to the proven bound
    if status == "Optimal":
        g = max(0.0, float(info.mip_gap)) + (pre.neglected / sol.value if sol.value > 0 else 0.0)
    else:
        g = max(0.0, (bound - sol.value) / sol.value) if sol.value > 0 else float("inf")
    return Solution(sol.chosen, sol.value, sol.cost, "mip", time.perf_counter() - t0, g, bound, status)


def _highs(highspy, log: bool):
    """A HiGHS instance; its constructor prints a banner on the C-level standard output, which
    would mix into a command's output, so that descriptor points to /dev/null meanwhile."""
    import os
    import sys

    if log:
        return highspy.Highs()
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "wb") as null:
            os.dup2(null.fileno(), 1)
            h = highspy.Highs()
    finally:
        os.dup2(saved, 1)
        os.close(saved)
    h.setOptionValue("output_flag", False)
    return h


def solve(inst: Instance, budget: float, algorithm: str = "mip", **kw) -> Solution:
    """Run one algorithm of :data:`ALGORITHMS`. ``mip`` starts from the better greedy plan."""
    if algorithm == "greedy-incremental":
        return greedy_incremental(inst, budget, forbidden=kw.get("forbidden"))
    if algorithm == "greedy-decremental":
        return greedy_decremental(inst, budget, forbidden=kw.get("forbidden"))
    if algorithm == "mip":
        t0 = time.perf_counter()
        start = kw.pop("warm_start", None)
        if start is None:
            start = greedy_incremental(inst, budget, forbidden=kw.get("forbidden")).chosen
        sol = mip(inst, budget, warm_start=start, **kw)
        return Solution(
            sol.chosen, sol.value, sol.cost, "mip", time.perf_counter() - t0, sol.gap, sol.bound, sol.status
        )
    raise EconetError(f"unknown solver {algorithm!r}; use one of {', '.join(ALGORITHMS)}")


__all__ = [
    "ALGORITHMS",
    "Preprocessing",
    "Solution",
    "greedy_decremental",
    "greedy_incremental",
    "mip",
    "preprocess",
    "solve",
]
