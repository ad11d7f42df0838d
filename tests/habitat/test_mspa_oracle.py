"""MSPA is byte-identical to the JRC engine's expectations and GWB's statistics table."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
import rasterio

from econet.habitat.mspa import format_gwb_statistics, gwb_statistics, mspa

FIX = Path(__file__).parents[1] / "fixtures" / "mspa"
KEY = re.compile(r"v24_c(\d)_ew(\d+)_t(\d)_i(\d)")


def _params(key: str):
    c, ew, t, i = map(int, KEY.fullmatch(key).groups())
    return dict(connectivity=c, edge_width_px=ew, transition=bool(t), intext=bool(i))


def _cases():
    example = np.load(FIX / "example_expected.npz")
    for key in example.files:
        if key.startswith("v24"):
            yield pytest.param(example["input"], example[key], key, id=f"example-{key}")
    for pack in ("small_grids.npz", "random_grids.npz"):
        data = np.load(FIX / pack)
        inputs = {k.split("|")[0 if k.endswith("|input") else 1]: data[k] for k in data.files if "input" in k}
        for k in data.files:
            name, key = k.split("|")
            if key.startswith("v24"):
                yield pytest.param(inputs[name], data[k], key, id=f"{name}-{key}")


CASES = list(_cases())


def test_every_v24_expectation_is_covered():
    assert len(CASES) == 3 + 8 * 2 + 30 * 2


@pytest.mark.parametrize("grid,expected,key", CASES)
def test_mspa_byte_identical_to_pyguidos_v24(grid, expected, key):
    out = mspa(grid, **_params(key))
    assert out.dtype == np.uint8
    np.testing.assert_array_equal(out, expected)


def test_transition_changes_no_byte():
    data = np.load(FIX / "small_grids.npz")
    grid = data["input|demo"]
    np.testing.assert_array_equal(mspa(grid, transition=False), mspa(grid, transition=True))


def test_example_tif_reads_as_gwb_input():
    with rasterio.open(FIX / "example.tif") as src:
        arr = src.read(1)
    np.testing.assert_array_equal(arr, np.load(FIX / "example_expected.npz")["input"])
    assert np.bincount(arr.ravel()).tolist() == [270, 571240, 428490]


def _tokens(text: str) -> list[list[str]]:
    return [line.split() for line in text.strip().splitlines()]


def test_gwb_statistics_table_of_example_matches_published():
    # GWB's table was made with miallib v2.3, whose result the fixture holds.
    result = np.load(FIX / "example_expected.npz")["v23_c8_ew1_t1_i1"]
    stats = gwb_statistics(result, 8, True)
    assert stats.fg_area == 428490 and stats.ifg_area == 485606
    assert round(stats.row("CORE(m) [green]").data_pct, 2) == 32.19
    assert round(stats.row("EDGE [black]").data_pct, 2) == 5.80
    text = format_gwb_statistics(stats, "example", 8, 1, True, True)
    assert _tokens(text) == _tokens((FIX / "example_8_1_1_1_stats.txt").read_text())


def test_gwb_statistics_v24_differs_only_by_three_corner_pixels():
    data = np.load(FIX / "example_expected.npz")
    stats = gwb_statistics(mspa(data["input"]), 8, True)
    assert stats.fg_area == 428490
    assert (
        stats.row("CORE(m) [green]").pixels - 3
        == gwb_statistics(data["v23_c8_ew1_t1_i1"]).row("CORE(m) [green]").pixels
    )
    assert round(stats.row("CORE(m) [green]").data_pct, 2) == 32.19
    assert round(stats.porosity_pct, 2) == 1.50


def test_missing_next_to_foreground_is_not_edge():
    grid = np.ones((12, 12), np.uint8)
    grid[2:10, 2:10] = 2
    grid[2:10, 10:] = 0  # missing block touching the right side of the patch
    out = mspa(grid)
    assert (out[grid == 0] == 129).all()
    assert (out[3:9, 9] == 17).all()  # core runs up to the missing cells
    assert (out[2:10, 2] == 3).all()  # edge towards background


@pytest.mark.parametrize(
    "grid,match",
    [
        (np.full((5, 5), 3, np.uint8), "coded 0 missing"),
        (np.ones((5, 5), np.uint8), "no foreground"),
        (np.full((5, 5), 2, np.uint8), "no background"),
    ],
)
def test_rejects_what_gwb_rejects(grid, match):
    with pytest.raises(ValueError, match=match):
        mspa(grid)


def test_edge_width_range_is_gwbs():
    grid = np.ones((5, 5), np.uint8)
    grid[1:4, 1:4] = 2
    with pytest.raises(ValueError, match=r"\[1, 100\]"):
        mspa(grid, edge_width_px=101)


def test_gwb_statistics_without_intext_has_no_openings():
    grid = np.load(FIX / "small_grids.npz")["input|demo"]
    out = mspa(grid, intext=False)
    assert not np.isin(out, [100, 220]).any() and (out < 100).sum() == (out != 129).sum()
    stats = gwb_statistics(out, 8, False)
    assert stats.ifg_area == stats.fg_area == int((grid == 2).sum())
    text = format_gwb_statistics(stats, "demo", 8, 1, True, False)
    assert "(MSPA: 8_1_1_0," in text
    assert [line.split()[-1] for line in text.splitlines()[-3:]] == ["--/--", "--/--", "--/--"]
