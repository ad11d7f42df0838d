"""The one grading function: right-closed bounds, direction, NaN and output type."""

from __future__ import annotations

import numpy as np
import pytest

from econet.classify import grade
from econet.landcover import landcover_values


def test_grade_is_right_closed_and_open_ended():
    got = grade(np.array([1.0, 2.0, 2.5, 3.0, 99.0]), [2.0, 3.0], [10, 20, 30])
    assert got.tolist() == [10, 10, 20, 20, 30] and got.dtype == np.float32


def test_grade_decreasing_gives_the_first_level_to_the_highest_values():
    assert grade(np.array([1.0, 2.5, 99.0]), [2.0, 3.0], [10, 20, 30], "decreasing").tolist() == [30, 20, 10]


def test_grade_nodata_and_integer_classes():
    got = grade(np.array([np.nan, 0.0, 7.0]), [5.0], [1, 2], nodata=0, dtype=np.int16)
    assert got.tolist() == [0, 1, 2] and got.dtype == np.int16
    assert np.isnan(grade(np.array([np.nan]), [5.0], [1, 2])[0])


def test_grade_compares_in_the_layers_precision():
    # float32(0.2) > 0.2 in float64; compared in float32 it is the bound itself.
    assert grade(np.array([0.2], np.float32), [0.2], [1, 2]).tolist() == [1]


def test_grade_refuses_bad_tables():
    with pytest.raises(ValueError, match="one more entry"):
        grade(np.ones(2), [1.0, 2.0], [1, 2])
    with pytest.raises(ValueError, match="increase strictly"):
        grade(np.ones(2), [2.0, 2.0], [1, 2, 3])
    with pytest.raises(ValueError, match="direction"):
        grade(np.ones(2), [1.0], [1, 2], "up")


def test_landcover_values_by_code():
    got = landcover_values(np.array([[10, 20], [30, 5]]), {20: 1.5, 10: 4.0})
    assert got.dtype == np.float32 and got[0].tolist() == [4.0, 1.5] and np.isnan(got[1]).all()
