"""``[circuit] mode = "omniscape"``: checked keys, and the stage on the Raleigh data."""

from __future__ import annotations

import numpy as np
import pytest
import rasterio

from econet.circuit.omniscape import omniscape, source_from_resistance
from econet.config import load_study, parse_study
from econet.errors import StudyError
from econet.pipeline import run_study
from tests.conftest import raleigh_study_text

LAYERS = {"landcover": {"path": "x", "kind": "categorical"}, "dem": {"path": "y"}}


def _problems(circuit: dict) -> dict[str, str]:
    with pytest.raises(StudyError) as err:
        parse_study({"layers": LAYERS, "landcover": {"table": "globeland30"}, "circuit": circuit}, check_files=False)
    return {p.where: p.message for p in err.value.problems}


def test_omniscape_keys_are_checked_together():
    got = _problems({"mode": "omniscape", "block_size": 4, "source_strength": "nowhere"})
    assert "radius_m = 3000" in got["circuit.radius_m"]
    assert "use 5" in got["circuit.block_size"]
    assert "circuit.source_strength" in got  # not a layer
    got = _problems({"radius_m": 900})  # an Omniscape key in corridor mode
    assert 'set mode = "omniscape"' in got["circuit.radius_m"]
    s = parse_study(
        {"layers": LAYERS, "landcover": {"table": "globeland30"}, "circuit": {"mode": "omniscape", "radius_m": 75}},
        check_files=False,
    )
    assert s.circuit.radius_cells(30.0) == 3  # 2.5 cells, half up
    assert s.circuit.source_strength == "inverse_resistance" and s.circuit.block_size == 1


def test_omniscape_stage_on_raleigh_on_a_coarser_grid(tmp_path, monkeypatch):
    import econet.stages.circuit as stage
    from econet.rasterops import coarsen, refine

    calls = []

    def recorded(*args, **kwargs):
        calls.append((args, kwargs, omniscape(*args, **kwargs)))
        return calls[-1][2]

    monkeypatch.setattr(stage, "omniscape", recorded)
    study_path = tmp_path / "raleigh.toml"
    study_path.write_text(
        raleigh_study_text(min_area_km2=2.0)
        + '\n[circuit]\nmode = "omniscape"\nradius_m = 600\nblock_size = 15\nsource_threshold = 0.02\n'
        + "cell_size_m = 57\n"  # two study cells of 28.5 m
    )
    out = tmp_path / "run"
    run_study(load_study(study_path), out, quiet=True, study_path=str(study_path))
    # the stage's inputs: the run's resistance surface averaged over 2 x 2 blocks, 1/R above the
    # threshold summed over them, and 600 m = 10.5 coarse cells -> 11
    (surface, strength), kwargs, result = calls[0]
    with rasterio.open(out / "resistance.tif") as src:
        fine = src.read(1).astype(np.float64)
    np.testing.assert_allclose(surface, coarsen(fine, 2, "mean"), rtol=1e-6)
    inverse = source_from_resistance(fine)
    np.testing.assert_allclose(strength, coarsen(np.where(inverse >= 0.02, inverse, 0.0), 2, "sum"), rtol=1e-6)
    assert kwargs["radius"] == 11 and kwargs["block_size"] == 15 and kwargs["buffer"] == 0
    # its products: the coarse maps repeated onto the study grid, NaN where the resistance is
    for name, coarse in [
        ("omniscape_current.tif", result.cumulative),
        ("omniscape_normalized_current.tif", result.normalized),
    ]:
        with rasterio.open(out / name) as src:
            got = src.read(1)
        want = refine(coarse, 2, fine.shape)
        want[np.isnan(fine)] = np.nan
        np.testing.assert_array_equal(np.isnan(got), np.isnan(want))
        np.testing.assert_array_equal(got[np.isfinite(got)], want[np.isfinite(want)].astype(np.float32))
    assert np.nanmax(result.cumulative) > 0
    assert not (out / "pinchpoint_current.tif").exists()
    assert "Omniscape" in (out / "report.html").read_text()


def test_a_coarser_grid_averages_resistance_and_sums_strength():
    from econet.rasterops import coarsen, refine

    v = np.array([[1.0, 3.0, 5.0], [np.nan, 2.0, np.nan], [4.0, 4.0, 4.0]])
    np.testing.assert_array_equal(coarsen(v, 2, "mean"), [[2.0, 5.0], [4.0, 4.0]])
    np.testing.assert_array_equal(coarsen(v, 2, "sum"), [[6.0, 5.0], [8.0, 4.0]])
    np.testing.assert_array_equal(
        refine(np.array([[1.0, 2.0], [3.0, 4.0]]), 2, (3, 3)), [[1, 1, 2], [1, 1, 2], [3, 3, 4]]
    )
    s = parse_study(
        {
            "layers": LAYERS,
            "landcover": {"table": "globeland30"},
            "circuit": {"mode": "omniscape", "radius_m": 3000, "cell_size_m": 150},
        },
        check_files=False,
    )
    assert s.circuit.coarsening(30.0) == 5 and s.circuit.radius_cells(150.0) == 20
    assert "omniscape" in _problems({"cell_size_m": 150})["circuit.cell_size_m"]
