"""``[study] area`` and ``buffer_m``: cells outside the area are not habitat, cells beyond the
buffer do not take part, the buffer lets corridors leave the area instead of hugging its edge,
and A_L (PC, IIC) is the study area, not the grid's bounding box."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
from shapely.geometry import box

from econet.config import load_study
from econet.errors import StudyError
from econet.pipeline import run_study
from tests.landscapes.build import CELL, FOREST, ORIGIN, cropland, write_study


def cells(r0, r1, c0, c1):
    """The polygon of rows r0..r1 and columns c0..c1 (end-exclusive) in map coordinates."""
    x0, y0 = ORIGIN
    return box(x0 + c0 * CELL, y0 - r1 * CELL, x0 + c1 * CELL, y0 - r0 * CELL)


def u_shaped(tmp_path, buffer_m: float):
    """A U-shaped study area (two 40-column arms joined by a strip along the bottom) with a
    forest block in each arm and a third forest block in the gap between the arms, outside the
    area: the direct route between the two sources crosses the gap, the route inside the area
    goes round by the strip."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    lc = cropland(100)
    lc[10:40, 5:35] = FOREST
    lc[10:40, 65:95] = FOREST
    lc[10:40, 43:57] = FOREST  # outside the area: never a source
    area = gpd.GeoDataFrame(
        {"name": ["U"]},
        geometry=[cells(0, 100, 0, 40).union(cells(0, 100, 60, 100)).union(cells(85, 100, 40, 60))],
        crs="EPSG:32650",
    )
    area.to_file(tmp_path / "area.gpkg", layer="area")
    study = f'area = "area"\nbuffer_m = {buffer_m}\n[vectors.area]\npath = "{(tmp_path / "area.gpkg").as_posix()}"\n'
    path = write_study(
        tmp_path, lc, study=study, extra="[connectivity]\ndistance_m = 1000\n[corridors]\ncap_by_dispersal = false\n"
    )
    return run_study(load_study(path), tmp_path / "run", quiet=True)


@pytest.mark.parametrize("buffer_m", [0.0, 400.0])
def test_sources_inside_the_area_and_a_l_is_the_area(tmp_path, buffer_m):
    run = u_shaped(tmp_path, buffer_m)
    sources = run.results["sources"]
    assert len(sources.table) == 2  # the block in the gap is outside the area: not habitat
    assert not sources.labels[:, 40:60].any()
    conn = run.results["connectivity"].overall
    assert conn["landscape_area_km2"] == pytest.approx((40 * 100 + 40 * 100 + 20 * 15) * CELL**2 / 1e6)
    res = run.results["resistance"].surface
    assert np.isfinite(res[:, :40]).all() and np.isfinite(res[85:, 40:60]).all()
    gap = res[:70, 47:53]  # the middle of the gap: 7 cells (210 m) from either arm
    if buffer_m == 0:
        assert np.isnan(gap).all()  # outside the area nothing takes part
    else:
        assert np.isfinite(gap).all()  # inside the buffer: corridors may cross


def test_buffer_lets_the_corridor_leave_the_area(tmp_path):
    tight = u_shaped(tmp_path / "tight", 0.0).results["corridors"].paths
    loose = u_shaped(tmp_path / "loose", 400.0).results["corridors"].paths
    assert len(tight) == len(loose) == 1
    # without a buffer the path goes round by the strip (down 45+ rows and back); with it, it
    # crosses the 900 m gap straight
    assert tight["length_m"].iloc[0] > 2 * 45 * CELL
    assert loose["length_m"].iloc[0] < 40 * CELL


def test_buffer_without_area_is_refused(tmp_path):
    path = write_study(tmp_path, cropland(20), study="buffer_m = 500")
    with pytest.raises(StudyError, match="study.buffer_m: a buffer needs a study area"):
        load_study(path)
