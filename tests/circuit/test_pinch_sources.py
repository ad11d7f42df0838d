"""Pinch points between the sources, not on them: source cells are short-circuited focal regions
and carry every corridor's whole current, so they are left out of the maps and the classes."""

from __future__ import annotations

import numpy as np
import pytest
from affine import Affine
from rasterio.crs import CRS

from econet.circuit.corridors import corridor_circuits
from econet.grid import Grid


def bottleneck():
    """Two 9 x 6 sources joined by open ground (resistance 1) that a wall (resistance 1000)
    narrows to a three-cell gap at column 15: the gap is the pinch point."""
    res = np.ones((21, 31))
    res[:, 15] = 1000.0
    res[9:12, 15] = 1.0
    labels = np.zeros(res.shape, dtype=np.int32)
    labels[6:15, 1:7] = 1
    labels[6:15, 24:30] = 2
    grid = Grid(CRS.from_epsg(32650), Affine(30.0, 0, 500000.0, 0, -30.0, 4000000.0), res.shape)
    return res, labels, grid


@pytest.mark.parametrize("by", ["current", "current_x_resistance"])
def test_no_pinch_point_on_a_source(by):
    res, labels, grid = bottleneck()
    out = corridor_circuits(
        res,
        labels,
        grid,
        [(1, 2)],
        [1000.0],
        cutoff=1e9,
        average_resistance=True,
        barrier_radii_m=[30.0],
        pinchpoint_by=by,
    )
    on_source = labels > 0
    assert np.isnan(out.current[on_source]).all()  # source cells are not in the current map
    assert np.isnan(out.current_x_resistance[on_source]).all()
    assert (out.barrier_score[on_source] == 0).all()
    from rasterio import features

    pins = features.rasterize(
        [(g, 1) for g in out.pinchpoints.geometry], out_shape=res.shape, transform=grid.transform
    ).astype(bool)
    assert pins.any() and not (pins & on_source).any()
    if by == "current":
        assert pins[9:12, 15].all()  # the gap is in the top class
        assert not pins[0, 15] and not pins[20, 15]
    # nearly the whole 1 A crosses the three-cell gap; the wall leaks a little
    assert 0.9 < np.nansum(out.current[:, 15]) <= 1.0 + 1e-5
    # the overlay is the current times the resistance, cell by cell
    inside = np.isfinite(out.current)
    assert np.allclose(out.current_x_resistance[inside], (out.current * res)[inside], rtol=1e-6)


def test_current_x_resistance_puts_the_pinch_point_in_the_costly_gap():
    """With the gap paved (resistance 9), the overlay marks the gap even more clearly than the
    current alone: the same current times nine."""
    res, labels, grid = bottleneck()
    res[9:12, 15] = 9.0
    out = corridor_circuits(
        res, labels, grid, [(1, 2)], [1000.0], cutoff=1e9, barrier_radii_m=[], pinchpoint_by="current_x_resistance"
    )
    assert out.barrier_score is None
    gap = out.current_x_resistance[9:12, 15]
    assert np.nanmin(gap) > np.nanmax(np.delete(out.current_x_resistance, 15, axis=1))
