"""CRS handling: a raster without a CRS gets one from the study (``layers.<name>.crs``), and a
local (engineering) CRS in metres is accepted as it is."""

from __future__ import annotations

import numpy as np
import pytest
import rasterio

from econet.config import landscape_of, load_study
from econet.errors import EconetError, StudyError
from econet.io.raster import crs_is_projected_metres
from econet.pipeline import run_study
from tests.landscapes.build import FOREST, cropland, study_text, write_tif

LOCAL = (
    'LOCAL_CS["Mine grid",LOCAL_DATUM["Arbitrary",0],UNIT["metre",1,AUTHORITY["EPSG","9001"]],'
    'AXIS["Easting",EAST],AXIS["Northing",NORTH]]'
)
LOCAL_FEET = LOCAL.replace('UNIT["metre",1,AUTHORITY["EPSG","9001"]]', 'UNIT["US survey foot",0.304800609601219]')


def two_forests(n=70):
    lc = cropland(n)
    lc[5:35, 5:35] = FOREST
    lc[40:68, 38:66] = FOREST
    return lc


def _with_layer_key(text: str, layer: str, line: str) -> str:
    head = f"[layers.{layer}]\n"
    return text.replace(head, head + line + "\n", 1)


def test_raster_without_crs_needs_the_key(tmp_path):
    lc_path = write_tif(tmp_path / "landcover.tif", two_forests(), crs=None)
    path = tmp_path / "study.toml"
    path.write_text(study_text(lc_path))
    with pytest.raises(StudyError, match=r"layers.landcover: .* has no CRS; give it with layers.landcover.crs"):
        landscape_of(load_study(path))
    path.write_text(_with_layer_key(study_text(lc_path), "landcover", 'crs = "EPSG:32650"'))
    landscape = landscape_of(load_study(path))
    assert landscape.grid.crs.to_epsg() == 32650 and landscape.grid.cell_size_m == 30.0
    run = run_study(load_study(path), tmp_path / "run", quiet=True)
    with rasterio.open(tmp_path / "run" / "sources.tif") as src:
        assert src.crs.to_epsg() == 32650
    assert len(run.results["sources"].table) == 2


def test_crs_key_does_not_override_a_files_own(tmp_path):
    lc_path = write_tif(tmp_path / "landcover.tif", two_forests(), crs="EPSG:32650")
    path = tmp_path / "study.toml"
    path.write_text(_with_layer_key(study_text(lc_path), "landcover", 'crs = "EPSG:32651"'))
    with pytest.raises(StudyError, match=r"layers.landcover.crs: the file already has a CRS"):
        landscape_of(load_study(path))
    path.write_text(_with_layer_key(study_text(lc_path), "landcover", 'crs = "not a crs"'))
    with pytest.raises(StudyError, match=r"layers.landcover.crs: is not a CRS"):
        landscape_of(load_study(path))


def test_local_metric_crs_is_accepted(tmp_path):
    assert crs_is_projected_metres(LOCAL) and not crs_is_projected_metres(LOCAL_FEET)
    assert not crs_is_projected_metres("EPSG:4326") and crs_is_projected_metres("EPSG:32650")
    lc = two_forests()
    lc_path = write_tif(tmp_path / "landcover.tif", lc, crs=LOCAL, origin=(1000.0, 5000.0))
    yy, xx = np.mgrid[:70, :70]
    dem_path = write_tif(
        tmp_path / "dem.tif", (50 + 0.2 * xx + 0.1 * yy).astype(np.float32), crs=LOCAL, origin=(1000.0, 5000.0)
    )
    path = tmp_path / "study.toml"
    path.write_text(study_text(lc_path, dem_path=dem_path))
    run = run_study(load_study(path), tmp_path / "run", quiet=True)
    assert len(run.results["sources"].table) == 2 and len(run.results["corridors"].paths) == 1
    # distances are metres on the local grid: the corridor is at least the gap between the blocks
    path_len = float(run.results["corridors"].paths["length_m"].iloc[0])
    assert 90.0 <= path_len < 30 * 70
    with rasterio.open(tmp_path / "run" / "resistance.tif") as src:
        assert not src.crs.is_projected and src.transform.c == 1000.0


def test_local_crs_in_feet_is_refused_with_the_reason(tmp_path):
    lc_path = write_tif(tmp_path / "landcover.tif", two_forests(), crs=LOCAL_FEET)
    path = tmp_path / "study.toml"
    path.write_text(study_text(lc_path))
    with pytest.raises(EconetError, match="is in a local CRS that is not in metres"):
        landscape_of(load_study(path))
