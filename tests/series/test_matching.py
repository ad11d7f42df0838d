"""Sources matched across epochs by overlap, on constructed label rasters."""

from __future__ import annotations

import numpy as np
import pytest

from econet.series.matching import counts, match_sources

KM2 = 0.0009  # a 30 m cell


def _events(m) -> dict:
    return {(e.before_ids, e.after_ids): e.status for e in m.events.itertuples()}


def test_split_merge_loss_and_new_are_labelled():
    before = np.zeros((10, 20), int)
    after = np.zeros((10, 20), int)
    before[0:4, 0:8] = 1  # splits into after's 1 and 2
    after[0:4, 0:3] = 1
    after[0:4, 5:8] = 2
    before[6:9, 0:3] = 2  # 2 and 3 merge into after's 3
    before[6:9, 5:8] = 3
    after[6:9, 0:8] = 3
    before[0:3, 12:15] = 4  # lost
    after[6:9, 12:15] = 4  # new
    before[0:2, 17:20] = 5  # kept: the same 6 cells
    after[0:2, 17:20] = 5
    m = match_sources(before, after, KM2)
    assert _events(m) == {
        ("1", "1 2"): "split",
        ("2 3", "3"): "merged",
        ("4", ""): "lost",
        ("5", "5"): "kept",
        ("", "4"): "new",
    }
    assert m.status("before") == {1: "split", 2: "merged", 3: "merged", 4: "lost", 5: "kept"}
    assert m.status("after") == {1: "split", 2: "split", 3: "merged", 4: "new", 5: "kept"}
    split = m.events.set_index("status").loc["split"]
    assert split["before_km2"] == pytest.approx(32 * KM2)
    assert split["after_km2"] == pytest.approx(24 * KM2)
    assert split["shared_km2"] == pytest.approx(24 * KM2)
    assert counts(m) == {
        "kept": 1,
        "grown": 0,
        "shrunk": 0,
        "split": 1,
        "merged": 1,
        "regrouped": 0,
        "lost": 1,
        "new": 1,
    }


def test_one_to_one_is_kept_within_the_tolerance_else_grown_or_shrunk():
    before = np.zeros((5, 40), int)
    before[0:5, 0:10] = 1  # 50 cells each
    before[0:5, 15:25] = 2
    before[0:5, 30:40] = 3
    after = np.zeros_like(before)
    after[0:5, 0:10] = 1
    after[0:2, 10] = 1  # +2 cells: 4 %, kept
    after[0:5, 15:27] = 2  # +10 cells: grown
    after[0:5, 30:35] = 3  # half: shrunk
    m = match_sources(before, after, KM2, tolerance=0.05)
    assert m.status("before") == {1: "kept", 2: "grown", 3: "shrunk"}


def test_several_on_both_sides_are_regrouped_and_identical_epochs_are_all_kept():
    before = np.zeros((4, 12), int)
    before[:, 0:4], before[:, 4:8], before[:, 8:12] = 1, 2, 3
    after = np.zeros_like(before)
    after[:, 0:6], after[:, 6:12] = 1, 2  # 1 and 2 -> 1; 2 and 3 -> 2: one component
    m = match_sources(before, after, KM2)
    assert list(m.events["status"]) == ["regrouped"]
    same = match_sources(before, before, KM2)
    assert set(same.events["status"]) == {"kept"} and len(same.events) == 3


def test_no_sources_in_either_epoch_gives_empty_tables():
    m = match_sources(np.zeros((3, 3), int), np.zeros((3, 3), int), KM2)
    assert len(m.events) == 0 and len(m.sources) == 0
