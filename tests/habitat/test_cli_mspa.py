"""``econet mspa`` as a GWB user runs it: GWB coding or land cover plus habitat classes."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import rasterio
from affine import Affine
from rasterio.crs import CRS
from typer.testing import CliRunner

from econet.cli import app
from econet.habitat import mspa

FIX = Path(__file__).parents[1] / "fixtures" / "mspa"
runner = CliRunner()


def _write(path, arr, nodata=None, crs="EPSG:32650", cell=30.0):
    profile = dict(driver="GTiff", width=arr.shape[1], height=arr.shape[0], count=1, dtype=arr.dtype, nodata=nodata)
    profile.update(crs=CRS.from_user_input(crs), transform=Affine(cell, 0, 500000, 0, -cell, 4000000))
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(arr, 1)
    return path


def _grid(name="demo"):
    data = np.load(FIX / "small_grids.npz")
    return data[f"input|{name}"], data


def test_gwb_coded_input(tmp_path):
    grid, data = _grid()
    src = _write(tmp_path / "demo.tif", grid)
    res = runner.invoke(app, ["mspa", str(src), str(tmp_path / "out.tif")])
    assert res.exit_code == 0, res.output
    with rasterio.open(tmp_path / "out.tif") as ds:
        out = ds.read(1)
        assert ds.dtypes[0] == "uint8" and ds.crs.to_epsg() == 32650
        assert ds.colormap(1)[17][:3] == (0, 200, 0) and ds.colormap(1)[3][:3] == (0, 0, 0)
        assert "8_1_1_1" in ds.descriptions[0]
    np.testing.assert_array_equal(out, data["demo|v24_c8_ew1_t1_i1"])
    text = (tmp_path / "out.txt").read_text()
    fg = int(np.count_nonzero(grid == 2))
    assert f"demo (MSPA: 8_1_1_1, FG_area: {fg}," in text and "CORE(m) [green]:" in text


def test_landcover_input_with_habitat_classes_and_parameters(tmp_path):
    grid, data = _grid()
    lc = np.choose(grid, [255, 82, 41]).astype(np.uint8)  # missing -> nodata, background -> crops, fg -> forest
    lc[(grid == 2) & (np.arange(grid.size).reshape(grid.shape) % 2 == 0)] = 43  # mixed forest is habitat too
    src = _write(tmp_path / "lc.tif", lc, nodata=255)
    out = tmp_path / "lc_mspa.tif"
    res = runner.invoke(app, ["mspa", str(src), str(out), "--habitat", "41,43", "-c", "4", "--no-stats"])
    assert res.exit_code == 0, res.output
    with rasterio.open(out) as ds:
        np.testing.assert_array_equal(ds.read(1), data["demo|v24_c4_ew1_t1_i1"])
    assert not out.with_suffix(".txt").exists()


def test_edge_width_in_metres_is_rounded_to_cells(tmp_path):
    grid, data = _grid()
    src = _write(tmp_path / "demo.tif", grid, cell=30.0)
    out = tmp_path / "ew.tif"
    res = runner.invoke(app, ["mspa", str(src), str(out), "--edge-width-m", "50"])  # 50 / 30 = 1.67 -> 2 cells
    assert res.exit_code == 0, res.output
    with rasterio.open(out) as ds:
        np.testing.assert_array_equal(ds.read(1), mspa(grid, edge_width_px=2))
        assert "8_2_1_1" in ds.descriptions[0]


def test_bad_inputs_exit_2_with_a_message(tmp_path):
    grid, _ = _grid()
    floaty = _write(tmp_path / "f.tif", grid.astype(np.float32))
    res = runner.invoke(app, ["mspa", str(floaty), str(tmp_path / "o.tif")])
    assert res.exit_code == 2 and "--habitat" in res.output
    geo = _write(tmp_path / "geo.tif", grid, crs="EPSG:4326", cell=0.001)
    res = runner.invoke(app, ["mspa", str(geo), str(tmp_path / "o.tif"), "--edge-width-m", "60"])
    assert res.exit_code == 2 and "pixels" in res.output
    res = runner.invoke(app, ["mspa", str(_write(tmp_path / "c.tif", grid + 1)), str(tmp_path / "o.tif")])
    assert res.exit_code == 2 and "coded 0 missing" in res.output
    assert not (tmp_path / "o.tif").exists()
