"""What an ensemble says, on hand-computed cases: frequencies, spread, Spearman's rho."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from econet.ensemble import frequency, rank_correlations, spearman, spread, strongest


def test_spearman_by_hand():
    assert spearman([1, 2, 3, 4], [1, 4, 9, 16]) == 1.0  # monotone, not linear
    assert spearman([1, 2, 3, 4], [8, 4, 2, 1]) == -1.0
    # ties share their mean rank: x ranks 1, 2.5, 2.5, 4; rho = 4.5 / sqrt(4.5 * 5)
    assert math.isclose(spearman([1, 2, 2, 3], [1, 2, 3, 4]), 4.5 / math.sqrt(22.5))
    assert math.isnan(spearman([1, 1, 1, 1], [1, 2, 3, 4]))  # a constant parameter moves nothing
    assert math.isnan(spearman([1, 2], [1, 2]))
    # a slope of -1 that differs only by rounding does not move: no rank correlation with it
    assert math.isnan(spearman([1, 2, 3, 4], [-1.0, -1.0 + 2**-52, -1.0, -1.0 + 2**-52]))


def test_rank_correlations_and_the_strongest_parameter():
    params = pd.DataFrame({"a": [1.0, 2, 3, 4, 5], "b": [5.0, 3, 4, 1, 2]}, index=pd.RangeIndex(1, 6, name="sample"))
    table = pd.DataFrame({"ECA_km2": [10.0, 20, 30, 40, 50], "PC": [1.0] * 5}, index=params.index)
    rho = rank_correlations(params, table)
    assert list(rho.index) == ["ECA_km2", "PC"] and list(rho.columns) == ["a", "b"]
    assert rho.loc["ECA_km2", "a"] == 1.0 and math.isclose(rho.loc["ECA_km2", "b"], -0.8)
    best = strongest(rho).set_index("measure")
    assert best.loc["ECA_km2", "parameter"] == "a" and best.loc["PC", "parameter"] == ""


def test_spread_by_hand():
    table = pd.DataFrame({"ECA_km2": [1.0, 2.0, 3.0, 4.0], "PC": [np.nan] * 4})
    s = spread(table, {"ECA_km2": 2.0}).set_index("measure")
    assert list(s.index) == ["ECA_km2"]  # PC never measured
    row = s.loc["ECA_km2"]
    assert row["mean"] == 2.5 and row["baseline"] == 2.0 and row["min"] == 1.0 and row["max"] == 4.0
    assert math.isclose(row["sd"], math.sqrt(5 / 3)) and math.isclose(row["cv"], math.sqrt(5 / 3) / 2.5)
    assert math.isclose(row["p05"], 1.15) and row["median"] == 2.5
    # a slope of -1 computed as -1 + 2**-52 in one sample does not spread
    flat = spread(pd.DataFrame({"PC": [-1.0, -1.0 + 2**-52, -1.0]})).iloc[0]
    assert flat["sd"] == 0 and flat["min"] == flat["max"] == -1.0


def test_frequency_is_a_share_with_nan_outside_the_land():
    counts = np.array([[0, 1], [3, 4]], dtype=np.uint32)
    valid = np.array([[True, True], [True, False]])
    f = frequency(counts, 4, valid)
    assert f.dtype == np.float32 and np.isnan(f[1, 1])
    assert f[0, 0] == 0 and f[0, 1] == 0.25 and f[1, 0] == 0.75
