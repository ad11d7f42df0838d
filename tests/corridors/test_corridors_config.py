"""The [corridors] section: options, defaults and cross-checks against [vectors]."""

from __future__ import annotations

import pytest

from econet.config import parse_study
from econet.errors import StudyError

LAYERS = {"landcover": {"path": "x", "kind": "categorical"}, "dem": {"path": "y"}}
LC = {"table": "globeland30"}


def test_defaults_and_options():
    s = parse_study({"layers": LAYERS, "landcover": LC}, check_files=False)
    c = s.corridors
    assert c.pairs == "allocation_adjacency" and c.drop_through_sources and c.width_cost is None
    assert (c.regional_width_m, c.subregional_width_m, c.local_width_m) == (400.0, 200.0, 100.0)
    s = parse_study(
        {
            "layers": LAYERS,
            "landcover": LC,
            "corridors": {"pairs": "all", "n_nearest": 3, "max_euclid_m": 5000, "width_cost": 2000},
        },
        check_files=False,
    )
    assert s.corridors.pairs == "all" and s.corridors.n_nearest == 3


def test_bad_corridor_keys_reported_together():
    with pytest.raises(StudyError) as err:
        parse_study(
            {
                "layers": LAYERS,
                "vectors": {"roads": {"path": "r.gpkg"}},
                "corridors": {"pairs": "nearest", "n_nearest": 0, "mines": "pits", "roads": "roads"},
            },
            check_files=False,
        )
    where = {p.where for p in err.value.problems}
    assert {"corridors.pairs", "corridors.n_nearest", "corridors.mines"} <= where
    assert "corridors.roads" not in where
