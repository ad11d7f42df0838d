"""Drawing an ensemble: Dirichlet weights, AHP judgements within their range, uniform thresholds,
the same draws for the same seed."""

from __future__ import annotations

import math

import numpy as np
import pytest

from econet.ensemble import SAATY_SCALE, Design, Threshold, WeightTable, ahp_matrices, dirichlet_weights, draw
from econet.ensemble.sampling import scale_index, stream
from econet.resistance.weights import ahp

MATRIX = [[1, 2, 3], [1 / 2, 1, 2], [1 / 3, 1 / 2, 1]]


def test_dirichlet_weights_sum_to_one_centred_on_the_given_ones():
    w = {"landcover": 0.5, "slope": 0.3, "roads": 0.2, "unused": 0.0}
    c, n = 50.0, 4000
    draws = dirichlet_weights(w, c, n, stream(0, "weights"))
    table = np.array([[d[k] for k in w] for d in draws])
    assert np.allclose(table.sum(axis=1), 1.0, atol=1e-12)
    assert (table[:, 3] == 0).all() and (table[:, :3] > 0).all()
    given = np.array([0.5, 0.3, 0.2])
    # Dirichlet(c w): mean w, variance w (1 - w) / (c + 1); the mean of n draws is within 4 standard errors
    sd = np.sqrt(given * (1 - given) / (c + 1))
    assert np.all(np.abs(table[:, :3].mean(axis=0) - given) < 4 * sd / np.sqrt(n))
    assert np.allclose(table[:, :3].std(axis=0), sd, rtol=0.08)


def test_ahp_judgements_move_at_most_the_steps_and_stay_consistent():
    mats = ahp_matrices(MATRIX, steps=1, max_cr=0.1, n=50, rng=stream(1, "ahp"))
    start = [scale_index(v) for v in (2, 3, 2)]
    for b in mats:
        iu = np.triu_indices(3, 1)
        moved = [scale_index(v) for v in b[iu]]
        assert all(abs(m - s) <= 1 for m, s in zip(moved, start))
        assert np.allclose(b * b.T, 1.0) and np.allclose(np.diag(b), 1.0)
        assert np.all(np.isin(np.round(b[iu], 12), np.round(SAATY_SCALE, 12)))
        assert ahp(b).cr < 0.1
    assert len({tuple(b.ravel()) for b in mats}) > 5  # they do vary
    # no step: the matrix as given (on the scale)
    same = ahp_matrices(MATRIX, steps=0, max_cr=0.1, n=3, rng=stream(1, "ahp"))
    assert all(np.allclose(b, np.array(MATRIX, dtype=float)) for b in same)


def test_ahp_draws_that_cannot_be_consistent_are_refused():
    assert 0.001 < ahp(MATRIX).cr < 0.1  # slightly inconsistent, and without a step it stays so
    with pytest.raises(ValueError, match="CR >="):
        ahp_matrices(MATRIX, steps=0, max_cr=0.001, n=1, rng=stream(0, "ahp"), max_tries=20)


def test_thresholds_stay_in_their_ranges_and_a_single_value_is_not_drawn():
    design = Design(
        thresholds=(
            Threshold("min_area_km2", "sources.min_area_km2", 0.5, 2.0),
            Threshold("max_cost", "corridors.max_cost", 1000.0, 1000.0),
            Threshold("edge_width_m", "sources.mspa.edge_width_m", 30.0, 90.0, unset=("sources.mspa.edge_width_px",)),
        )
    )
    d = draw(design, 200, seed=7)
    assert list(d.parameters.columns) == ["min_area_km2", "edge_width_m"]
    a = d.parameters["min_area_km2"]
    assert a.between(0.5, 2.0).all() and a.min() < 0.6 and a.max() > 1.9
    assert all("corridors.max_cost" not in o for o in d.overrides)
    assert all(o["sources.mspa.edge_width_px"] is None for o in d.overrides)
    assert [o["sources.min_area_km2"] for o in d.overrides] == a.tolist()


def test_the_same_seed_gives_the_same_draws_and_each_quantity_its_own_stream():
    w = {"landcover": 0.7, "slope": 0.3}
    t = Threshold("distance_m", "connectivity.distance_m", 4000.0, 6000.0)
    design = Design((WeightTable("resistance", "dirichlet", weights=w),), thresholds=(t,))
    one, two = draw(design, 5, seed=11), draw(design, 5, seed=11)
    assert one.parameters.equals(two.parameters) and one.overrides == two.overrides
    other = draw(design, 5, seed=12)
    assert not one.parameters.equals(other.parameters)
    # fixing the weights leaves the threshold's draws as they were
    alone = draw(Design(thresholds=(t,)), 5, seed=11)
    assert alone.parameters["distance_m"].equals(one.parameters["distance_m"])
    assert one.overrides[0]["resistance.weights"] == {
        "landcover": one.parameters["w_landcover"][1],
        "slope": one.parameters["w_slope"][1],
    }


def test_ahp_draws_override_the_matrix_and_report_the_weights():
    table = WeightTable("resistance", "ahp", factors=("a", "b", "c"), matrix=MATRIX, steps=1)
    d = draw(Design((table,)), 4, seed=0)
    assert list(d.parameters.columns) == ["w_a", "w_b", "w_c", "ahp_cr"]
    assert list(d.drawn.columns) == ["w_a", "w_b", "w_c"]  # the CR describes a draw, it sets no key
    assert np.allclose(d.parameters[["w_a", "w_b", "w_c"]].sum(axis=1), 1.0)
    for (_, row), o in zip(d.parameters.iterrows(), d.overrides):
        assert o["resistance.ahp.experts"] is None
        assert np.allclose(ahp(o["resistance.ahp.matrix"]).weights, row[["w_a", "w_b", "w_c"]].to_numpy(float))


def test_a_source_rule_keeps_the_total_of_its_weights():
    """A rule's score is classed by natural breaks, so its weights need not sum to 1: the draws
    keep the given total (here 2), and their columns are prefixed with the rule's name."""
    w = {"habitat_quality": 0.9, "soil_retention": 0.48, "water_yield": 0.42, "carbon": 0.2}
    table = WeightTable("sources.services", "dirichlet", weights=w, column="w_services_")
    d = draw(Design((table,), concentration=200.0), 6, seed=2)
    assert list(d.parameters.columns) == [f"w_services_{k}" for k in w]
    assert np.allclose(d.parameters.sum(axis=1), 2.0)
    assert all(set(o) == {"sources.services.weights"} for o in d.overrides)
    assert all(math.isclose(sum(o["sources.services.weights"].values()), 2.0) for o in d.overrides)
