"""Shared fixtures: paths to bundled data and small study files written on the fly."""

from __future__ import annotations

from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
RALEIGH = FIXTURES / "raleigh_nc"


def raleigh_study_text(min_area_km2: float = 0.5) -> str:
    return f"""
[study]
name = "Raleigh, NC"
[layers.landcover]
path = "{(RALEIGH / "landclass96.tif").as_posix()}"
kind = "categorical"
[layers.dem]
path = "{(RALEIGH / "elev_ned_30m.tif").as_posix()}"
kind = "continuous"
[landcover]
table = "nc_landclass96"
[sources]
min_area_km2 = {min_area_km2}
[robustness]
random_repeats = 20
"""


@pytest.fixture
def raleigh_study(tmp_path) -> Path:
    path = tmp_path / "raleigh.toml"
    path.write_text(raleigh_study_text())
    return path
