"""The land-cover transition matrix: hand-counted cases and its invariants."""

from __future__ import annotations

import numpy as np
import pytest

from econet.series.transitions import long_form, transition_matrix, unchanged_km2

KM2 = 0.0009


def test_hand_counted_matrix():
    before = np.array([[10, 10, 20], [20, 60, 60]])
    after = np.array([[10, 80, 20], [10, 60, 90]])
    valid = np.ones(before.shape, bool)
    m = transition_matrix(before, after, valid, KM2)
    assert list(m.index) == [10, 20, 60, 80, 90] and list(m.columns) == [10, 20, 60, 80, 90]
    assert m.at[10, 10] == pytest.approx(KM2)
    assert m.at[10, 80] == pytest.approx(KM2)
    assert m.at[20, 20] == pytest.approx(KM2)
    assert m.at[20, 10] == pytest.approx(KM2)
    assert m.at[60, 60] == pytest.approx(KM2)
    assert m.at[60, 90] == pytest.approx(KM2)
    assert m.to_numpy().sum() == pytest.approx(6 * KM2)
    rows = long_form(m, {10: "cultivated land"})
    assert list(rows.columns) == ["from", "to", "from_class", "to_class", "km2"]
    assert len(rows) == 6 and list(rows["from"] == rows["to"])[-3:] == [True, True, True]


def test_matrix_sums_to_the_study_area_and_its_diagonal_is_the_unchanged_area():
    rng = np.random.default_rng(3)
    before = rng.choice([10, 20, 30, 50, 60, 80, 90], size=(60, 70))
    after = np.where(rng.random(before.shape) < 0.3, rng.choice([10, 20, 80], size=before.shape), before)
    valid = rng.random(before.shape) < 0.9  # cells outside the study area are left out
    m = transition_matrix(before, after, valid, KM2)
    assert m.to_numpy().sum() == pytest.approx(valid.sum() * KM2)
    assert unchanged_km2(m) == pytest.approx(((before == after) & valid).sum() * KM2)
    # Row sums are each class's area before, column sums its area after.
    for code in (10, 20, 80):
        assert m.loc[code].sum() == pytest.approx(((before == code) & valid).sum() * KM2)
        assert m[code].sum() == pytest.approx(((after == code) & valid).sum() * KM2)
