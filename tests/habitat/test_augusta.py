"""Real data: Augusta, GA (NLCD 2011) with forest and wetland classes as habitat, through the MSPA
and sources stages, their products and their report sections."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import rasterio

from econet.config import load_study
from econet.io.run import RunFolder
from econet.stages import Context, landscape_of, mspa, sources

STUDY = Path(__file__).parents[1] / "fixtures" / "augusta_nlcd" / "study.toml"
HABITAT = {41, 42, 43, 90, 95}


@pytest.fixture(scope="module")
def augusta(tmp_path_factory):
    study = load_study(STUDY)
    ctx = Context(study, landscape_of(study), RunFolder(tmp_path_factory.mktemp("augusta")))
    out = {}
    res = mspa.STAGE.compute(ctx)
    out["mspa"] = (res, mspa.STAGE.write(ctx, res), mspa.STAGE.report(ctx, res))
    src = sources.STAGE.compute(ctx, mspa=res)
    out["sources"] = (src, sources.STAGE.write(ctx, src), sources.STAGE.report(ctx, src))
    return ctx, out


def test_mspa_on_augusta(augusta):
    ctx, out = augusta
    res, products, section = out["mspa"]
    lc = ctx.landscape.landcover()
    assert res.edge_width_px == 2  # 60 m at 30 m cells
    gwb = res.gwb
    assert gwb.fg_area == int(np.isin(lc, list(HABITAT)).sum()) == 204_202
    assert gwb.row("CORE(m) [green]")["count"] == 378
    text = (ctx.run.path / "mspa_stats.txt").read_text()
    assert "(MSPA: 8_2_1_1, FG_area: 204202, iFG_area: 218364)" in text
    with rasterio.open(ctx.run.path / "mspa.tif") as ds:
        assert ds.colormap(1)[17][:3] == (0, 200, 0)
        np.testing.assert_array_equal(ds.read(1), res.classes)
    assert "map_mspa.png" in section.figures and (ctx.run.path / "map_mspa.png").stat().st_size > 10_000


def test_sources_on_augusta_are_sensible(augusta):
    ctx, out = augusta
    src, products, section = out["sources"]
    t = src.table
    lc = ctx.landscape.landcover()
    # 378 core patches, 20 of them at least 1 km²; forest dominates Augusta's habitat.
    assert src.steps["patches"].tolist() == [378, 20]
    assert len(t) == 20 and t["id"].tolist() == list(range(1, 21))
    assert set(t["source_type"]) == {"forest"}
    assert t["area_km2"].min() >= 1.0 and t["area_km2"].is_monotonic_decreasing
    assert t["area_km2"].sum() == pytest.approx(75.2391, abs=1e-4)
    assert t["area_km2"].iloc[0] == pytest.approx(13.1346, abs=1e-4)
    assert t["size_class"].value_counts().to_dict() == {"medium": 14, "super-large": 4, "large": 2}
    # Every source cell is a habitat (core) cell; the label raster and the table agree.
    assert set(np.unique(lc[src.labels > 0]).tolist()) <= HABITAT
    cells = np.bincount(src.labels.ravel())[1:]
    assert np.allclose(cells * 900 / 1e6, t["area_km2"])
    assert (t["shape"] >= 1).all() and (t["lsi"] >= 2 / np.sqrt(np.pi) - 1e-9).all()
    # Stepping-stone islets: ranked most compact first.
    st = src.stepping_stones.table
    assert len(st) > 0 and st["lsi"].is_monotonic_increasing and (st["area_km2"] >= 0.01 - 1e-12).all()


def test_sources_products_and_report(augusta):
    ctx, out = augusta
    src, products, section = out["sources"]
    run = ctx.run.path
    assert set(products) == {
        "sources.gpkg",
        "sources.tif",
        "sources.csv",
        "sources_selection.csv",
        "stepping_stones.gpkg",
    }
    gpkg = gpd.read_file(run / "sources.gpkg", layer="sources")
    assert len(gpkg) == 20 and {"id", "source_type", "area_km2", "shape", "lsi", "inside_x"} <= set(gpkg.columns)
    assert gpkg.crs == ctx.landscape.grid.crs
    islets = gpd.read_file(run / "stepping_stones.gpkg", layer="islets")
    assert len(islets) == len(src.stepping_stones.table)
    csv = pd.read_csv(run / "sources.csv")
    assert np.allclose(csv["inside_x"], src.table["inside_x"], atol=0.01)  # coordinates keep their metres
    with rasterio.open(run / "sources.tif") as ds:
        np.testing.assert_array_equal(ds.read(1), src.labels)
    html = "\n".join(section.parts)
    assert section.figures == ["map_sources.png"] and (run / "map_sources.png").exists()
    assert "20 sources" in html and "Stepping-stone candidates" in html
