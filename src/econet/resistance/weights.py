"""Factor weights: AHP, the entropy weight method, PCA loadings, or given (docs/methods/resistance.md).

AHP follows Saaty (1980, *The Analytic Hierarchy Process*; 1990, EJOR 48:9-26): the weights are
the principal right eigenvector of the pairwise comparison matrix, CI = (λmax - n)/(n - 1) and
CR = CI / RI with Saaty's random index RI. The entropy weight method (the Xuzhou SEEC
preprint) and the PCA weights (Feng et al. 2024, as SPSS users compute them) work on a sample
of cells x factors.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np

# Saaty's random consistency index by matrix order n (Saaty 1980; 1 and 2 are always consistent).
SAATY_RI = {1: 0.0, 2: 0.0, 3: 0.58, 4: 0.90, 5: 1.12, 6: 1.24, 7: 1.32, 8: 1.41, 9: 1.45, 10: 1.49}
SAATY_RI.update({11: 1.51, 12: 1.48, 13: 1.56, 14: 1.57, 15: 1.59})


def parse_judgement(value) -> float:
    """A pairwise judgement as a number: 3, 0.2 or a string fraction such as "1/3"."""
    if isinstance(value, str):
        try:
            return float(Fraction(value.strip()))
        except (ValueError, ZeroDivisionError):
            raise ValueError(f"judgement {value!r} is not a number or a fraction like '1/3'") from None
    return float(value)


@dataclass(frozen=True)
class AHPResult:
    weights: np.ndarray  # sums to 1
    lambda_max: float
    ci: float
    ri: float
    cr: float  # 0 when n <= 2

    def inconsistent(self, matrix: np.ndarray, names: list[str], top: int = 3) -> list[str]:
        """The judgements furthest from what the weights imply, worst first (|ln(a_ij w_j / w_i)|)."""
        a = np.asarray(matrix, dtype=np.float64)
        w = self.weights
        dev = np.abs(np.log(a * w[None, :] / w[:, None]))
        iu = np.triu_indices(len(w), 1)
        order = np.argsort(-dev[iu])[:top]
        out = []
        for k in order:
            i, j = iu[0][k], iu[1][k]
            out.append(f"{names[i]} vs {names[j]} = {_judgement_text(a[i, j])} but the weights imply {w[i] / w[j]:.2f}")
        return out


def _judgement_text(v: float) -> str:
    return f"1/{1 / v:.3g}" if v < 1 else f"{v:.3g}"


def ahp(matrix) -> AHPResult:
    """AHP weights from a positive reciprocal pairwise matrix (a_ij = importance of i over j).

    Raises ValueError when the matrix is not square, not positive, has a diagonal other than 1 or
    is not reciprocal within 2 % (judgements written as 0.33 for 1/3 are accepted).
    """
    a = np.array([[parse_judgement(x) for x in row] for row in matrix], dtype=np.float64)
    n = a.shape[0]
    if a.ndim != 2 or a.shape != (n, n) or n == 0:
        raise ValueError(f"the pairwise matrix must be square, got shape {a.shape}")
    if not np.all(np.isfinite(a)) or np.any(a <= 0):
        raise ValueError("every judgement must be a positive number (Saaty's 1/9..9 scale)")
    if not np.allclose(np.diag(a), 1.0):
        raise ValueError("the diagonal of the pairwise matrix must be 1 (a factor compared with itself)")
    bad = np.argwhere(np.abs(a * a.T - 1.0) > 0.02)
    if len(bad):
        i, j = bad[0]
        raise ValueError(f"the matrix is not reciprocal: a[{i}][{j}] = {a[i, j]:.4g} but a[{j}][{i}] = {a[j, i]:.4g}")
    vals, vecs = np.linalg.eig(a)
    k = int(np.argmax(vals.real))
    w = np.abs(vecs[:, k].real)
    w = w / w.sum()
    lam = float(vals[k].real)
    ci = (lam - n) / (n - 1) if n > 2 else 0.0
    if n > max(SAATY_RI):
        raise ValueError(f"Saaty's random index is tabulated up to n = {max(SAATY_RI)} factors, got {n}")
    ri = SAATY_RI[n]
    cr = ci / ri if ri > 0 else 0.0
    return AHPResult(weights=w, lambda_max=lam, ci=ci, ri=ri, cr=max(cr, 0.0))


def aggregate_judgements(matrices) -> np.ndarray:
    """Several experts' pairwise matrices combined into one by the element-wise geometric mean
    (Aczél & Saaty 1983, the aggregation of individual judgements, AIJ), which keeps the result
    reciprocal: a_ij = (Π_k a_ij^(k))^(1/K)."""
    mats = [np.array([[parse_judgement(x) for x in row] for row in m], dtype=np.float64) for m in matrices]
    if not mats:
        raise ValueError("no judgement matrix to aggregate")
    shapes = {m.shape for m in mats}
    if len(shapes) != 1:
        raise ValueError(f"the experts' matrices differ in size: {sorted(shapes)}")
    if any(np.any(~(m > 0)) for m in mats):
        raise ValueError("every judgement must be a positive number (Saaty's 1/9..9 scale)")
    return np.exp(np.mean([np.log(m) for m in mats], axis=0))


def ahp_checked(matrix, names: list[str], max_cr: float = 0.1) -> AHPResult:
    """:func:`ahp`, raising ValueError when CR >= ``max_cr`` with the most inconsistent judgements."""
    if len(names) != len(matrix):
        raise ValueError(f"{len(names)} factor names for a {len(matrix)} x {len(matrix)} matrix")
    short = [i + 1 for i, row in enumerate(matrix) if len(row) != len(matrix)]
    if short:
        raise ValueError(
            f"the matrix must be {len(matrix)} x {len(matrix)} (one row and one column per factor); "
            f"row(s) {short} have another length"
        )
    res = ahp(matrix)
    if res.cr >= max_cr:
        a = np.array([[parse_judgement(x) for x in row] for row in matrix])
        worst = "; ".join(res.inconsistent(a, names))
        raise ValueError(
            f"the pairwise judgements are inconsistent: CR = {res.cr:.3f} >= {max_cr} "
            f"(lambda_max {res.lambda_max:.3f}, CI {res.ci:.3f}, RI {res.ri}). Revise the most "
            f"inconsistent judgements first: {worst}"
        )
    return res


def entropy_weights(x: np.ndarray) -> np.ndarray:
    """Entropy weight method on an (n samples x m factors) matrix whose larger values mean more
    resistance (graded factors are). Each column is min-max standardised, p_ij = x'_ij / Σ_i x'_ij,
    e_j = -Σ_i p_ij ln p_ij / ln n (0 ln 0 = 0), weights ∝ 1 - e_j.

    A constant column carries no information (weight 0); all-constant input is an error.
    """
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 2 or x.shape[0] < 2:
        raise ValueError("the entropy weight method needs at least two samples of every factor")
    lo, hi = x.min(axis=0), x.max(axis=0)
    span = hi - lo
    constant = span == 0
    z = (x - lo) / np.where(constant, 1.0, span)
    col = z.sum(axis=0)
    p = z / np.where(col == 0, 1.0, col)
    with np.errstate(divide="ignore", invalid="ignore"):
        plogp = np.where(p > 0, p * np.log(p), 0.0)
    e = -plogp.sum(axis=0) / np.log(x.shape[0])
    d = np.where(constant, 0.0, 1.0 - e)
    if d.sum() <= 0:
        raise ValueError("every factor is constant over the sample; the entropy weight method cannot rank them")
    return d / d.sum()


def pca_weights(x: np.ndarray, min_variance_share: float = 0.85) -> tuple[np.ndarray, np.ndarray]:
    """PCA weights from an (n samples x m factors) matrix, as computed with SPSS by Feng et al. (2024).

    Columns are standardised (z-scores); principal components of the correlation matrix are kept
    while their cumulative variance share is below ``min_variance_share`` (at least one, and
    all with eigenvalue > 1, Kaiser). Each factor's coefficient in component k is
    |loading_jk| / sqrt(λ_k) (the component-score coefficient); the factor's score is the mean
    of those coefficients weighted by the components' variance shares; weights are the scores
    normalised to sum to 1. Returns (weights, explained variance share of each kept component).
    """
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 2 or x.shape[0] < 3:
        raise ValueError("PCA weights need at least three samples of every factor")
    sd = x.std(axis=0)
    if np.any(sd == 0):
        raise ValueError(f"factor column(s) {np.flatnonzero(sd == 0).tolist()} are constant; PCA cannot use them")
    z = (x - x.mean(axis=0)) / sd
    corr = (z.T @ z) / x.shape[0]
    vals, vecs = np.linalg.eigh(corr)
    order = np.argsort(vals)[::-1]
    vals, vecs = np.clip(vals[order], 0.0, None), vecs[:, order]
    share = vals / vals.sum()
    keep = max(int(np.searchsorted(np.cumsum(share), min_variance_share) + 1), int((vals > 1).sum()), 1)
    keep = min(keep, len(vals))
    loadings = vecs[:, :keep] * np.sqrt(vals[:keep])
    coef = np.abs(loadings) / np.sqrt(np.where(vals[:keep] > 0, vals[:keep], 1.0))
    score = coef @ share[:keep] / share[:keep].sum()
    return score / score.sum(), share[:keep]


@dataclass(frozen=True)
class Adequacy:
    """Sampling adequacy of a factor matrix for PCA: Kaiser-Meyer-Olkin's measure (overall and per
    variable) and Bartlett's test of sphericity (chi², degrees of freedom, p-value)."""

    kmo: float
    kmo_per_variable: np.ndarray
    bartlett_chi2: float
    bartlett_df: int
    bartlett_p: float


def kmo_bartlett(x: np.ndarray) -> Adequacy:
    """KMO (Kaiser 1970, 1974) and Bartlett's (1950) sphericity test of an (n x p) sample, as SPSS's
    "KMO and Bartlett's test" reports them before a factor analysis (Feng et al. 2024).

    KMO = Σ r²ᵢⱼ / (Σ r²ᵢⱼ + Σ q²ᵢⱼ) over i ≠ j, with r the correlations and q the partial
    correlations (from the inverse correlation matrix); χ² = −(n − 1 − (2p + 5)/6) ln|R| with
    p(p − 1)/2 degrees of freedom. KMO ≥ 0.5 and p < 0.05 are the usual conditions for PCA.
    """
    from scipy import stats

    x = np.asarray(x, dtype=np.float64)
    n, p = x.shape
    if n <= p or p < 2:
        raise ValueError(f"KMO and Bartlett's test need more samples than variables (>= 2), got {n} x {p}")
    r = np.corrcoef(x, rowvar=False)
    if not np.all(np.isfinite(r)):
        raise ValueError("a variable is constant; its correlations are undefined")
    inv = np.linalg.pinv(r)
    d = np.sqrt(np.outer(np.diag(inv), np.diag(inv)))
    q = -inv / d
    off = ~np.eye(p, dtype=bool)
    r2, q2 = np.where(off, r**2, 0.0), np.where(off, q**2, 0.0)
    kmo = float(r2.sum() / (r2.sum() + q2.sum()))
    per = r2.sum(axis=0) / (r2.sum(axis=0) + q2.sum(axis=0))
    sign, logdet = np.linalg.slogdet(r)
    chi2 = float(-(n - 1 - (2 * p + 5) / 6.0) * logdet) if sign > 0 else float("inf")
    df = p * (p - 1) // 2
    return Adequacy(kmo, per, chi2, df, float(stats.chi2.sf(chi2, df)))


def check_given(weights: dict[str, float], tol: float = 1e-6) -> dict[str, float]:
    """Given weights must be non-negative and sum to 1 (within ``tol``)."""
    neg = [k for k, v in weights.items() if v < 0]
    if neg:
        raise ValueError(f"weights of {neg} are negative")
    total = float(sum(weights.values()))
    if abs(total - 1.0) > tol:
        raise ValueError(f"weights must sum to 1, they sum to {total:.6g}; rescale them")
    return dict(weights)


__all__ = [
    "AHPResult",
    "Adequacy",
    "SAATY_RI",
    "aggregate_judgements",
    "ahp",
    "ahp_checked",
    "check_given",
    "entropy_weights",
    "kmo_bartlett",
    "pca_weights",
]
