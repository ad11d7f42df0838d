"""KMO and Bartlett's test against closed forms; AHP aggregation of experts by geometric mean
against hand computations; point density against the analytic kernel."""

from __future__ import annotations

import math

import numpy as np
import pytest
import shapely

from econet.grid import Grid
from econet.resistance.density import point_density_per_km2
from econet.resistance.weights import aggregate_judgements, ahp, kmo_bartlett


def _exact_sample(r: np.ndarray, n: int, seed: int = 0) -> np.ndarray:
    """n samples whose sample correlation matrix is exactly ``r``."""
    z = np.random.default_rng(seed).normal(size=(n, r.shape[0]))
    z -= z.mean(axis=0)
    z = z @ np.linalg.inv(np.linalg.cholesky(np.cov(z, rowvar=False)).T)  # identity sample covariance
    return z @ np.linalg.cholesky(r).T


@pytest.mark.parametrize("p,rho", [(3, 0.5), (4, 0.3), (6, 0.7)])
def test_kmo_and_bartlett_of_an_equicorrelation_matrix(p, rho):
    # R = (1-ρ)I + ρJ: every partial correlation is q = ρ / (1 + (p-2)ρ), so
    # KMO = ρ² / (ρ² + q²); ln|R| = (p-1) ln(1-ρ) + ln(1 + (p-1)ρ).
    r = (1 - rho) * np.eye(p) + rho * np.ones((p, p))
    n = 200
    res = kmo_bartlett(_exact_sample(r, n))
    q = rho / (1 + (p - 2) * rho)
    assert res.kmo == pytest.approx(rho**2 / (rho**2 + q**2), rel=1e-9)
    assert np.allclose(res.kmo_per_variable, res.kmo)
    logdet = (p - 1) * math.log(1 - rho) + math.log(1 + (p - 1) * rho)
    assert res.bartlett_chi2 == pytest.approx(-(n - 1 - (2 * p + 5) / 6) * logdet, rel=1e-9)
    assert res.bartlett_df == p * (p - 1) // 2
    assert res.bartlett_p < 1e-10


def test_kmo_of_two_variables_is_one_half():
    # With two variables the partial correlation equals the correlation: KMO = 0.5 always.
    x = _exact_sample(np.array([[1, 0.8], [0.8, 1]]), 50)
    assert kmo_bartlett(x).kmo == pytest.approx(0.5)


def test_kmo_needs_more_samples_than_variables():
    with pytest.raises(ValueError, match="more samples"):
        kmo_bartlett(np.ones((3, 3)))


def test_geometric_mean_of_experts_by_hand():
    e1 = [[1, 2, 4], ["1/2", 1, 2], ["1/4", "1/2", 1]]
    e2 = [[1, 8, 1], ["1/8", 1, "1/2"], [1, 2, 1]]
    agg = aggregate_judgements([e1, e2])
    # a12 = sqrt(2·8) = 4, a13 = sqrt(4·1) = 2, a23 = sqrt(2·½) = 1; reciprocal below the diagonal.
    expect = np.array([[1, 4, 2], [1 / 4, 1, 1], [1 / 2, 1, 1]])
    assert np.allclose(agg, expect)
    # Three experts: a12 = (2·4·8)^(1/3) = 4.
    assert aggregate_judgements([[[1, 2], [0.5, 1]], [[1, 4], [0.25, 1]], [[1, 8], [0.125, 1]]])[0, 1] == pytest.approx(
        4
    )
    # One consistent expert twice gives that expert's weights (4:2:1 -> 4/7, 2/7, 1/7).
    w = ahp(aggregate_judgements([e1, e1])).weights
    assert np.allclose(w, [4 / 7, 2 / 7, 1 / 7])


def test_experts_of_different_sizes_are_refused():
    with pytest.raises(ValueError, match="differ in size"):
        aggregate_judgements([[[1, 2], [0.5, 1]], [[1, 1, 1], [1, 1, 1], [1, 1, 1]]])


def test_point_density_of_a_lone_point_is_the_uniform_kernel():
    grid = Grid.from_bounds("EPSG:3857", 0, 0, 3000, 3000, 30.0)
    point = shapely.Point(1515, 1515)  # the centre of cell (49, 50)
    d = point_density_per_km2([point], grid, 300.0, "uniform")
    # Inside the radius the density is 10⁶ / (π r²) per km² (up to the kernel's sampling on the
    # grid, renormalised so that it integrates to one point).
    cells = int(np.count_nonzero(d))
    assert d.max() == pytest.approx(1e6 / (cells * 900.0), rel=1e-5)
    assert d.max() == pytest.approx(1e6 / (math.pi * 300.0**2), rel=0.03)
    assert float(d.sum() * 900.0 / 1e6) == pytest.approx(1.0, rel=1e-5)
    two = point_density_per_km2([point, point], grid, 300.0, "quartic")
    assert float(two.sum() * 900.0 / 1e6) == pytest.approx(2.0, rel=1e-5)
