"""``econet costdistance`` as a user runs it: vector or raster sources, allocation, bad input."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import rasterio
from rasterio.features import rasterize
from typer.testing import CliRunner

from econet.cli import app
from econet.corridors import cost_distance

DEMO = Path(__file__).parents[1] / "fixtures" / "lm_demo_lp"
RES = DEMO / "lp_resistances.tif"


def _expected():
    with rasterio.open(RES) as src:
        data = src.read(1)
        res = np.where(data == src.nodata, np.nan, data)
        cores = gpd.read_file(DEMO / "lp_cores.shp")
        labels = rasterize(
            zip(cores.geometry, cores["core_id"]), out_shape=res.shape, transform=src.transform, all_touched=True
        )
    return cost_distance(res, labels.astype(np.int32), 270.0)


def test_vector_then_raster_sources(tmp_path):
    runner = CliRunner()
    out, alloc = tmp_path / "cost.tif", tmp_path / "alloc.tif"
    r = runner.invoke(
        app,
        [
            "costdistance",
            str(RES),
            str(DEMO / "lp_cores.shp"),
            str(out),
            "--allocation",
            str(alloc),
            "--id-field",
            "core_id",
        ],
    )
    assert r.exit_code == 0, r.output
    ref = _expected()
    with rasterio.open(out) as src:
        cost = src.read(1)
        assert src.crs.to_epsg() == 3310 and src.res == (270.0, 270.0)
    with rasterio.open(alloc) as src:
        a = src.read(1)
    reach = np.isfinite(ref.cost)
    assert np.array_equal(np.isfinite(cost), reach)
    assert np.allclose(cost[reach], ref.cost[reach], rtol=1e-7)
    assert np.array_equal(a, ref.allocation) and set(np.unique(a)) == {0, 1, 2, 3, 4, 5}
    # The allocation raster as sources: every reached cell is a source, so all costs are 0.
    out2 = tmp_path / "cost2.tif"
    r = runner.invoke(app, ["costdistance", str(RES), str(alloc), str(out2), "--max-cost", "1000"])
    assert r.exit_code == 0, r.output
    with rasterio.open(out2) as src:
        c2 = src.read(1)
    assert np.nanmax(c2) == 0.0 and np.array_equal(np.isfinite(c2), reach)


def test_bad_input_is_reported(tmp_path):
    runner = CliRunner()
    r = runner.invoke(
        app, ["costdistance", str(RES), str(DEMO / "lp_cores.shp"), str(tmp_path / "x.tif"), "--id-field", "nope"]
    )
    assert r.exit_code == 2 and "no field 'nope'" in r.output
    # A source raster on another grid is refused before any work.
    with rasterio.open(RES) as src:
        profile = src.profile
    profile.update(width=10, height=10, dtype="int32", nodata=0)
    small = tmp_path / "small.tif"
    with rasterio.open(small, "w", **profile) as dst:
        dst.write(np.ones((1, 10, 10), np.int32))
    r = runner.invoke(app, ["costdistance", str(RES), str(small), str(tmp_path / "y.tif")])
    assert r.exit_code == 2 and "not on the resistance grid" in r.output
    assert not (tmp_path / "y.tif").exists()
