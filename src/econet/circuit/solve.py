"""Solvers for grounded Laplacian systems: a direct factorisation reused for every right-hand
side, or algebraic-multigrid preconditioned conjugate gradients for grids too large to factor.

Direct: Intel MKL PARDISO through ``pypardiso`` (wheels on x86-64; symmetric positive definite
mode, nested-dissection ordering, many right-hand sides in one call). CHOLMOD would be faster
(4.2 s against ~8 s to factor a 1000 x 1000 grid; docs/methods/circuit.md#solvers) but scikit-sparse has no
wheels and needs the system SuiteSparse, so it is not a dependency. Where pypardiso is missing
(other CPUs) scipy's SuperLU is the fallback: correct, but far slower on big grids.
AMG: ``pyamg`` smoothed aggregation as the preconditioner of CG (Circuitscape's ``cg+amg``), stopped at
a relative residual of ``tol`` (1e-6 by default, as Circuitscape.jl).
``choose_method`` picks by node count and available memory; every entry point takes ``method=``
to override.
"""

from __future__ import annotations

import os

import numpy as np
import scipy.sparse as sp

# A direct factor is always used up to this many nodes; above it only while its memory fits
# in DIRECT_MEMORY_SHARE of the memory available now. Measured peaks (8 neighbours, PARDISO):
# 2.2 GB for 1e6 nodes, 8.6 GB for 4e6, so ~2.6 kB per node is a safe estimate. AMG needs about
# half and scales linearly, but takes ~6 s per solve at 4e6 nodes against PARDISO's one factor.
DIRECT_MAX_NODES = 1_500_000
DIRECT_BYTES_PER_NODE = 2600
DIRECT_MEMORY_SHARE = 0.6
# PARDISO's sums depend on how many threads share them, so econet fixes the count (as for cost
# distance, econet.corridors.costdistance.DEFAULT_THREADS): the same bits on any machine.
PARDISO_THREADS = 2
METHODS = ("auto", "direct", "pardiso", "splu", "amg")


def choose_method(n_nodes: int, method: str = "auto") -> str:
    """The concrete solver for a system of ``n_nodes`` unknowns: 'pardiso', 'splu' or 'amg'."""
    if method not in METHODS:
        raise ValueError(f"solver must be one of {', '.join(METHODS)}, not {method!r}")
    if method == "auto":
        fits = n_nodes * DIRECT_BYTES_PER_NODE < DIRECT_MEMORY_SHARE * _available_bytes()
        method = "direct" if n_nodes <= DIRECT_MAX_NODES or fits else "amg"
    if method == "direct":
        method = "pardiso" if _has_pardiso() else "splu"
    return method


def _available_bytes() -> float:
    """Memory available to a new allocation now (0 if unknown)."""
    from econet.io.run import available_memory

    return float(available_memory() or 0)


def _fixed_threads(solver) -> None:
    """Run MKL (PARDISO) on PARDISO_THREADS threads from this thread on."""
    import ctypes

    set_local = getattr(solver.libmkl, "MKL_Set_Num_Threads_Local", None)  # the C entry point; the
    if set_local is None:  # lower-case name is the Fortran one, which takes a pointer
        return
    set_local.argtypes, set_local.restype = [ctypes.c_int], ctypes.c_int
    set_local(PARDISO_THREADS)


def _has_pardiso() -> bool:
    try:
        import pypardiso  # noqa: F401
    except Exception:  # ImportError, or MKL failing to load
        return False
    return True


class GroundedSolver:
    """Solves L x = b for the Laplacian ``lap`` of one connected component with the nodes in
    ``fixed`` held at 0 V (grounded directly) and ``shunt`` added to the diagonal (finite grounds).

    ``solve`` takes right-hand sides over all nodes (n or n x m) and returns voltages over all
    nodes, 0 at the fixed ones. The factorisation (or AMG hierarchy) is built once.
    """

    def __init__(self, lap: sp.spmatrix, fixed, shunt=None, method: str = "auto", tol: float = 1e-6, order=None):
        n = lap.shape[0]
        keep = np.ones(n, dtype=bool)
        keep[np.asarray(fixed, dtype=np.int64)] = False
        self.n = n
        self.keep = keep
        a = sp.csr_matrix(lap)
        if shunt is not None:
            a = (a + sp.diags(np.asarray(shunt, dtype=np.float64))).tocsr()
        self.matrix = a[keep][:, keep].tocsr()
        self.method = choose_method(int(keep.sum()), method)
        self.tol = tol
        m = self.matrix
        # position of each kept node in a fill-reducing order, used by SuperLU (PARDISO's METIS
        # order was as good as a geometric nested dissection on 1000 x 1000 grids, so it keeps its own)
        self._pos = None
        if order is not None and m.shape[0] > 1:
            self._pos = np.empty(m.shape[0], dtype=np.int64)
            self._pos[np.argsort(np.asarray(order)[keep], kind="stable")] = np.arange(m.shape[0])
        if m.shape[0] == 0:
            self._impl = None
        elif self.method == "pardiso":
            import pypardiso

            self._upper = sp.triu(m, format="csr")
            self._upper.sort_indices()
            self._impl = pypardiso.PyPardisoSolver(mtype=2)  # real symmetric positive definite
            # pypardiso searches sys.prefix for MKL on every construction (~0.5 s); name the
            # library once found, so the many small solves of moving windows do not pay it again
            os.environ.setdefault("PYPARDISO_MKL_RT", self._impl.libmkl._name)
            _fixed_threads(self._impl)
            # iparm(1)=1: our settings; (2)=2: METIS ordering; (24)=1: two-level parallel
            # factorisation; (25)=2: parallel forward/backward solve (6x faster for many RHS)
            for key, val in {1: 1, 2: 2, 10: 8, 24: 1, 25: 2}.items():
                self._impl.set_iparm(key, val)
            self._impl.factorize(self._upper)
        elif self.method == "splu":
            from scipy.sparse.linalg import splu

            if self._pos is not None:
                inv = np.argsort(self._pos)
                mp = m[inv][:, inv].tocsc()
                self._impl = splu(mp, permc_spec="NATURAL", diag_pivot_thresh=0.0, options={"SymmetricMode": True})
            else:
                self._impl = splu(m.tocsc(), permc_spec="MMD_AT_PLUS_A")
        else:
            import pyamg

            self._impl = pyamg.smoothed_aggregation_solver(m, symmetry="symmetric", max_coarse=500)

    def solve(self, rhs: np.ndarray) -> np.ndarray:
        b = np.asarray(rhs, dtype=np.float64)
        one = b.ndim == 1
        b2 = b.reshape(self.n, -1)[self.keep]
        x = np.zeros((self.n, b2.shape[1]))
        if self._impl is not None and b2.shape[1]:
            x[self.keep] = self._solve_reduced(b2)
        return x[:, 0] if one else x

    def _solve_reduced(self, b: np.ndarray) -> np.ndarray:
        if self.method == "pardiso":
            return self._impl.solve(self._upper, np.asfortranarray(b)).reshape(b.shape)
        if self.method == "splu":
            if self._pos is None:
                return self._impl.solve(b)
            inv = np.argsort(self._pos)
            out = np.empty_like(b)
            out[inv] = self._impl.solve(np.ascontiguousarray(b[inv]))
            return out
        out = np.empty_like(b)
        for j in range(b.shape[1]):
            col = b[:, j]
            if not np.any(col):
                out[:, j] = 0.0
                continue
            out[:, j] = self._impl.solve(col, tol=self.tol, accel="cg", maxiter=2000)
        return out

    def free(self) -> None:
        if self.method == "pardiso" and self._impl is not None:
            self._impl.free_memory(everything=True)
        self._impl = None
