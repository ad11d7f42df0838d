"""Class tables are exactly what the study says: the user's own classes are not merged with
GlobeLand30, and a code the table lacks is an error naming it."""

from __future__ import annotations

import numpy as np
import pytest

from econet.config import load_study
from econet.errors import EconetError
from econet.pipeline import run_study
from tests.landscapes.build import write_tif

OWN = """
[study]
name = "own classes"
[layers.landcover]
path = "{lc}"
kind = "categorical"
[landcover]
[[landcover.classes]]
code = 1
name = "woodland"
habitat = true
source_type = "forest"
resistance = 1
[[landcover.classes]]
code = 2
name = "arable"
habitat = false
resistance = 5
{extra}
[sources]
min_area_km2 = 0.5
[resistance]
weights = {{ landcover = 1.0 }}
[robustness]
random_repeats = 3
"""


def _landcover(tmp_path, third_code=None):
    lc = np.full((60, 60), 2, dtype=np.uint8)
    lc[5:35, 5:35] = 1
    if third_code is not None:
        lc[50:55, 50:55] = third_code
    return write_tif(tmp_path / "lc.tif", lc)


def test_own_table_alone_is_used(tmp_path):
    path = tmp_path / "study.toml"
    path.write_text(OWN.format(lc=_landcover(tmp_path), extra=""))
    study = load_study(path)
    assert [c.code for c in study.landcover.resolved()] == [1, 2]
    run = run_study(study, tmp_path / "run", quiet=True)
    res = run.results["resistance"].surface
    assert set(np.unique(res).tolist()) == {1.0, 5.0}


def test_a_code_missing_from_the_table_is_named(tmp_path):
    # code 20 is GlobeLand30's forest: it must not be taken from GlobeLand30 silently
    path = tmp_path / "study.toml"
    path.write_text(OWN.format(lc=_landcover(tmp_path, third_code=20), extra=""))
    with pytest.raises(EconetError, match=r"class codes \[20\] are not in the class table \(\[1, 2\]\)"):
        run_study(load_study(path), tmp_path / "run", quiet=True)


def test_a_factor_table_missing_a_code_is_named():
    from econet.config import parse_study
    from econet.grid import Grid
    from econet.resistance.build import factor_values

    study = parse_study(
        {
            "layers": {"landcover": {"path": "x", "kind": "categorical"}, "soil": {"path": "s"}},
            "landcover": {"table": "globeland30"},
            "resistance": {
                "factors": [{"name": "soil", "kind": "categorical", "layer": "soil", "table": {"1": 3, "2": 5}}],
                "weights": {"soil": 1.0},
            },
        },
        check_files=False,
    )
    spec = study.resistance.factors[0]
    soil = np.array([[1.0, 2.0], [7.0, np.nan]])
    grid = Grid.from_bounds("EPSG:32650", 0, 0, 60, 60, 30)
    with pytest.raises(
        EconetError, match=r"class code\(s\) \[7\] of layer soil have no value in the table \(\[1, 2\]\)"
    ):
        factor_values(spec, lambda name: soil, None, grid, "landcover", ())
