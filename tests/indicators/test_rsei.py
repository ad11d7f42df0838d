"""RSEI: loadings on constructed cases whose principal components are known in closed form."""

import numpy as np
import pytest

from econet.errors import EconetError
from econet.indicators.rsei import rsei


def _grid(n_rows=40, n_cols=50):
    # a: 0 on even rows, 1 on odd rows (variance 1/4); b: linear 0..1 across columns.
    # Over the full grid a and b are exactly uncorrelated.
    a = np.repeat((np.arange(n_rows) % 2).astype(np.float32)[:, None], n_cols, axis=1)
    b = np.repeat(np.linspace(0, 1, n_cols, dtype=np.float32)[None, :], n_rows, axis=0)
    return a, b


def test_loadings_closed_form():
    a, b = _grid()
    n = a.shape[1]
    # ndvi, wet and (inverted) ndbsi carry a; lst carries b. The normalised covariance is
    # va [[1,1,-1,0],[1,1,-1,0],[-1,-1,1,0],[0,0,0,0]] + vb e4 e4^T, so PC1 = (1,1,-1,0)/sqrt(3)
    # with eigenvalue 3 va, PC2 = e4 with eigenvalue vb.
    res = rsei(a * 0.6 + 0.1, a * 0.2 - 0.3, 1 - a, b * 30 + 10)
    L = res.loadings
    s = 1 / np.sqrt(3)
    assert L.loc[["ndvi", "wet", "ndbsi", "lst"], "PC1"].to_numpy() == pytest.approx([s, s, -s, 0], abs=1e-6)
    assert abs(L.loc["lst", "PC2"]) == pytest.approx(1.0, abs=1e-6)
    N = a.size
    va = 0.25 * N / (N - 1)
    vb = (n + 1) / (12 * (n - 1)) * N / (N - 1)  # population variance of n even steps on [0, 1]
    assert L.loc["eigenvalue", "PC1"] == pytest.approx(3 * va, rel=1e-5)
    assert L.loc["eigenvalue", "PC2"] == pytest.approx(vb, rel=1e-5)
    assert res.pc1_variance_percent == pytest.approx(100 * 3 * va / (3 * va + vb), rel=1e-5)
    # PC1 is a monotone function of a only: RSEI is a itself (0 or 1), higher where greener.
    np.testing.assert_allclose(res.rsei, a, atol=1e-6)


def test_orientation_higher_is_better():
    a, b = _grid()
    # A hotter, drier, less green landscape must score low whatever the sign PCA returns.
    res = rsei(a, a, 1 - a, 1 - a)
    assert res.loadings.loc["ndvi", "PC1"] > 0 and res.loadings.loc["lst", "PC1"] < 0
    assert res.rsei[a == 1].min() == pytest.approx(1.0) and res.rsei[a == 0].max() == pytest.approx(0.0)
    assert res.loadings.loc["variance_percent", "PC1"] == pytest.approx(100.0)


def test_mask_and_nan_cells():
    a, b = _grid()
    lst = b.copy()
    lst[0, 0] = np.nan
    water = np.zeros(a.shape, bool)
    water[5:8, 5:8] = True
    res = rsei(a, a + b, 1 - b, lst, mask=~water)
    assert np.isnan(res.rsei[0, 0]) and np.isnan(res.rsei[water]).all()
    ok = np.isfinite(res.rsei)
    assert res.rsei[ok].min() == pytest.approx(0.0) and res.rsei[ok].max() == pytest.approx(1.0)


def test_sampled_pca_matches_full():
    rng = np.random.default_rng(3)
    a = rng.random((300, 300)).astype(np.float32)
    b = rng.random((300, 300)).astype(np.float32)
    args = (a + 0.3 * b, a, 1 - a + 0.2 * b, b)
    full = rsei(*args)
    part = rsei(*args, sample_cells=20_000, seed=1)
    assert part.sample_cells == 20_000 and full.sample_cells == a.size
    np.testing.assert_allclose(part.loadings["PC1"].iloc[:4], full.loadings["PC1"].iloc[:4], atol=0.02)
    assert np.corrcoef(part.rsei.ravel(), full.rsei.ravel())[0, 1] > 0.999


def test_missing_lst_refused_or_explicit():
    a, b = _grid()
    with pytest.raises(EconetError, match="without_lst = true"):
        rsei(a, a, 1 - b, None)
    res = rsei(a, a, 1 - a, None, without_lst=True)
    assert res.indicators == ("ndvi", "wet", "ndbsi")
    assert list(res.loadings.columns) == ["PC1", "PC2", "PC3"]
    np.testing.assert_allclose(res.rsei, a, atol=1e-6)
