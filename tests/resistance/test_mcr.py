"""The Xuzhou SEEC preprint's modified MCR: per-source energy factors k_j = N_j · A_j · N_j(r)
scaling cost distances."""

from __future__ import annotations

import numpy as np
import pytest

from econet.resistance.mcr import energy_factors, index_r, modified_mcr, source_means


def test_energy_factors_by_hand():
    labels = np.array([[1, 1, 0, 2], [1, 0, 0, 2]])
    light = np.array([[2.0, 4.0, 9.0, 1.0], [6.0, 9.0, 9.0, np.nan]])
    ndvi = np.array([[0.5, 0.7, 0.0, -0.2], [0.6, 0.0, 0.0, -0.4]])
    mndwi = np.array([[-0.5, -0.5, 0.0, 0.4], [-0.5, 0.0, 0.0, 0.6]])
    assert np.allclose(source_means(light, labels, [1, 2]), [4.0, 1.0])  # NaN ignored
    # Source 1 is forest (r = 1, NDVI), source 2 water (r = 2, MNDWI); areas 3 and 2 km².
    r = index_r(["forest", "wetland-water"])
    assert r.tolist() == [1, 2]
    k = energy_factors(labels, [1, 2], [3.0, 2.0], light, {1: ndvi, 2: mndwi}, r, normalise=False)
    assert np.allclose(k, [4.0 * 3.0 * 0.6, 1.0 * 2.0 * 0.5])
    kn = energy_factors(labels, [1, 2], [3.0, 2.0], light, {1: ndvi, 2: mndwi}, [1, 2])
    assert np.allclose(kn, k / k.mean())
    with pytest.raises(ValueError, match=r"source\(s\) \[2\]"):
        energy_factors(labels, [1, 2], [3.0, 2.0], light, {1: ndvi}, [1, 1])  # NDVI of water < 0


def test_modified_mcr_takes_the_least_scaled_cost():
    cd1 = np.array([[0.0, 10.0, 20.0, 30.0]])
    cd2 = np.array([[30.0, 20.0, 10.0, np.inf]])
    v, alloc = modified_mcr([(1, cd1), (2, cd2)], {1: 2.0, 2: 0.5})
    assert np.allclose(v, [[0.0, 10.0, 5.0, 60.0]]) and alloc.tolist() == [[1, 2, 2, 1]]


def test_modified_mcr_over_the_cost_distance_kernel_by_hand():
    # A 1 x 7 strip of resistance 1 (10 m cells) with source 1 at the west end and source 2 at the
    # east end: CD_1 = 10 j, CD_2 = 10 (6 - j); with k_1 = 2 and k_2 = 0.5,
    # V = min(20 j, 5 (6 - j)): 0, 20, 20, 15, 10, 5, 0, the second source taking j >= 2.
    from econet.corridors.network import per_source_costs

    surface = np.ones((1, 7), dtype=np.float32)
    labels = np.array([[1, 0, 0, 0, 0, 0, 2]], dtype=np.int32)
    v, alloc = modified_mcr(per_source_costs(surface, labels, [1, 2], 10.0), {1: 2.0, 2: 0.5})
    assert np.allclose(v, [[0, 20, 20, 15, 10, 5, 0]])
    assert alloc.tolist() == [[1, 1, 2, 2, 2, 2, 2]]
