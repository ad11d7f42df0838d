"""Remote-sensing ecological index (RSEI; Xu 2013; the Xuzhou SEEC preprint, §3.4; docs/methods/indicators.md).

RSEI is the first principal component of four indicators, each min-max normalised to 0..1:
greenness (NDVI), wetness (tasselled-cap WET), dryness (NDBSI) and heat (LST). The component
is oriented so that higher is better (greenness loads positively), then rescaled to 0..1.
For big rasters the covariance matrix is estimated on a seeded random sample of cells, and
the component is then applied to every cell.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from econet import windows as win
from econet.errors import EconetError
from econet.rasterops import minmax

INDICATORS = ("ndvi", "wet", "ndbsi", "lst")
# The sign each indicator should have on a "higher is better" component: greenness and wetness
# help, dryness and heat harm. Used to orient the component and to check it.
EXPECTED_SIGN = {"ndvi": 1.0, "wet": 1.0, "ndbsi": -1.0, "lst": -1.0}


@dataclass
class RSEIResult:
    """``rsei`` (float32 0..1, NaN outside the valid cells), the raw oriented first component
    ``pc1``, the ``loadings`` table (indicators x components, plus eigenvalue and percent of
    variance rows) and how many cells estimated the covariance (``sample_cells``)."""

    rsei: np.ndarray
    pc1: np.ndarray
    loadings: pd.DataFrame
    sample_cells: int
    indicators: tuple[str, ...]

    @property
    def pc1_variance_percent(self) -> float:
        return float(self.loadings.loc["variance_percent", "PC1"])


def rsei(
    ndvi: np.ndarray,
    wet: np.ndarray,
    ndbsi: np.ndarray,
    lst: np.ndarray | None = None,
    *,
    without_lst: bool = False,
    mask: np.ndarray | None = None,
    sample_cells: int = 1_000_000,
    seed: int = 0,
    window: int | None = None,
) -> RSEIResult:
    """RSEI from the four indicators (float arrays on one grid).

    ``mask``: cells to use (for example land only: Xu masks water with MNDWI, because water
    dominates WET and LST). Without ``lst`` the index is refused unless ``without_lst=True``,
    which builds a three-indicator RSEI (greenness, wetness, dryness) and says so in the table.
    ``sample_cells``: at most this many valid cells estimate the covariance (seeded with ``seed``).
    ``window``: the side of the windows it works on (None: the whole grid); the minima, maxima
    and the sample are gathered over the windows, so every window size gives the same index.
    """
    if lst is None and not without_lst:
        raise EconetError(
            "RSEI needs land surface temperature (heat), and no LST was given: add a thermal band or an LST "
            "raster (indicators.rsei.lst_layer), or set indicators.rsei.without_lst = true to build a "
            "three-indicator RSEI from NDVI, WET and NDBSI"
        )
    layers = {"ndvi": ndvi, "wet": wet, "ndbsi": ndbsi}
    if lst is not None and not without_lst:
        layers["lst"] = lst
    shape = np.shape(ndvi)
    for name, arr in layers.items():
        if np.shape(arr) != shape:
            raise EconetError(f"RSEI indicator '{name}' has shape {np.shape(arr)}, expected {shape} (one grid)")
    tiles = win.windows(shape, window)
    names = tuple(layers)

    def usable(w):
        ok = np.ones(w.shape, bool) if mask is None else np.asarray(mask[w.slices], bool).copy()
        for arr in layers.values():
            ok &= np.isfinite(arr[w.slices])
        return ok

    n_valid = sum(int(np.count_nonzero(usable(w))) for w in tiles)
    if n_valid < len(layers) + 1:
        raise EconetError(f"RSEI needs more than {len(layers)} valid cells with every indicator; found {n_valid}")
    bounds = {
        k: win.finite_min_max(lambda v=v: ((w, np.where(usable(w), v[w.slices], np.nan)) for w in tiles))[:2]
        for k, v in layers.items()
    }

    def normalised(w, ok):
        return {k: minmax(v[w.slices], ok, bounds=bounds[k]) for k, v in layers.items()}

    def cells():
        for w in tiles:
            ok = usable(w)
            norm = normalised(w, ok)
            yield w, ok, np.stack([norm[k] for k in names], axis=-1)

    X = win.sample_cells(cells, shape, sample_cells, seed)
    # PCA on the covariance matrix of the normalised indicators (as ENVI / Xu 2013).
    cov = np.cov(X, rowvar=False)
    eigval, eigvec = np.linalg.eigh(cov)
    order = np.argsort(eigval)[::-1]
    eigval, eigvec = eigval[order], eigvec[:, order]
    expected = np.array([EXPECTED_SIGN[k] for k in names])
    for j in range(eigvec.shape[1]):  # orient every component so it agrees with "higher is better"
        if float(expected @ eigvec[:, j]) < 0:
            eigvec[:, j] = -eigvec[:, j]
    pcs = [f"PC{j + 1}" for j in range(len(names))]
    table = pd.DataFrame(eigvec, index=list(names), columns=pcs)
    total = eigval.sum()
    table.loc["eigenvalue"] = eigval
    table.loc["variance_percent"] = 100 * eigval / total if total > 0 else np.zeros_like(eigval)
    wts = eigvec[:, 0].astype(np.float32)
    pc1 = np.zeros(shape, np.float32)
    for w in tiles:
        ok = usable(w)
        norm, block = normalised(w, ok), pc1[w.slices]
        for k, wk in zip(names, wts):
            block += wk * np.nan_to_num(norm[k])
        block[~ok] = np.nan
    pc1_bounds = win.finite_min_max(lambda: ((w, pc1[w.slices]) for w in tiles))[:2]
    out = np.empty(shape, np.float32)
    for w in tiles:
        out[w.slices] = minmax(pc1[w.slices], usable(w), bounds=pc1_bounds)
    return RSEIResult(rsei=out, pc1=pc1, loadings=table, sample_cells=len(X), indicators=names)


__all__ = ["EXPECTED_SIGN", "INDICATORS", "RSEIResult", "rsei"]
