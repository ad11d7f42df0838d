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
) -> RSEIResult:
    """RSEI from the four indicators (float arrays on one grid).

    ``mask``: cells to use (for example land only: Xu masks water with MNDWI, because water
    dominates WET and LST). Without ``lst`` the index is refused unless ``without_lst=True``,
    which builds a three-indicator RSEI (greenness, wetness, dryness) and says so in the table.
    ``sample_cells``: at most this many valid cells estimate the covariance (seeded with ``seed``).
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
    valid = np.ones(shape, bool) if mask is None else np.asarray(mask, bool).copy()
    for arr in layers.values():
        valid &= np.isfinite(arr)
    n_valid = int(valid.sum())
    if n_valid < len(layers) + 1:
        raise EconetError(f"RSEI needs more than {len(layers)} valid cells with every indicator; found {n_valid}")
    names = tuple(layers)
    norm = {k: minmax(v, valid) for k, v in layers.items()}
    idx = np.flatnonzero(valid.ravel())
    if len(idx) > sample_cells:
        idx = np.sort(np.random.default_rng(seed).choice(idx, size=sample_cells, replace=False))
    X = np.column_stack([norm[k].ravel()[idx].astype(np.float64) for k in names])
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
    w = eigvec[:, 0].astype(np.float32)
    pc1 = np.zeros(shape, np.float32)
    for k, wk in zip(names, w):
        pc1 += wk * np.nan_to_num(norm[k])
    pc1[~valid] = np.nan
    return RSEIResult(rsei=minmax(pc1, valid), pc1=pc1, loadings=table, sample_cells=len(idx), indicators=names)


__all__ = ["EXPECTED_SIGN", "INDICATORS", "RSEIResult", "rsei"]
