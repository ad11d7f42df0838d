"""Map furniture: legends from what was drawn, scale-bar lengths, size steps, faded swatches,
CRS units, and CJK titles drawn with a CJK font."""

from __future__ import annotations

import contextlib
import warnings

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from pyproj import CRS  # noqa: E402

import econet.cartography as carto  # noqa: E402
from econet.cartography import LegendEntry, legend_entries  # noqa: E402
from econet.landcover import LandCoverClass  # noqa: E402
from econet.report.maps import landcover_image  # noqa: E402


def test_legend_lists_only_what_was_drawn_once_in_order():
    drawn = [
        LegendEntry("source: forest", "patch", 3),
        LegendEntry("source: shrub-grass", "patch", 0),  # none drawn: not listed
        LegendEntry("important corridor", "line", 2),
        LegendEntry("source: forest", "patch", 5, {"facecolor": "red"}),  # same label again: once
        LegendEntry("breakpoint", "marker", 0),
        LegendEntry("roads", "line", 1),
    ]
    assert [e.label for e in legend_entries(drawn)] == ["source: forest", "important corridor", "roads"]
    assert legend_entries(drawn)[0].count == 3  # the first style wins
    assert legend_entries([LegendEntry("corridor", "line", 0)]) == []
    handles = carto.legend_handles(drawn)
    assert [h.get_label() for h in handles] == ["source: forest", "important corridor", "roads"]


def test_landcover_swatches_are_the_faded_colours_of_present_classes():
    classes = (
        LandCoverClass(10, "cultivated", False, None, 5.0, colour="#000000"),
        LandCoverClass(20, "forest", True, "forest", 1.0, colour="#ffffff"),
        LandCoverClass(60, "water", True, "wetland-water", 1.0, colour="#0000ff"),  # absent
    )
    lc = np.array([[10, 10], [20, 10]])
    rgb, entries = landcover_image(lc, classes, alpha=0.5)
    assert [e.label for e in entries] == ["10 cultivated", "20 forest"]
    assert [e.count for e in entries] == [3, 1]
    # black at 50 % over white is mid grey, on the map and in the legend alike
    assert entries[0].style["facecolor"] == (0.5, 0.5, 0.5)
    assert tuple(rgb[0, 0]) == (128, 128, 128) and tuple(rgb[1, 0]) == (255, 255, 255)
    assert carto.faded("#0000ff", 0.45) == pytest.approx((0.55, 0.55, 1.0))


def test_scale_length_and_size_steps():
    assert carto.scale_length(6_000) == 1_000  # a quarter of 6 km is 1.5 km: 1 km
    assert carto.scale_length(45_000) == 10_000
    assert carto.scale_length(3_000) == 500
    assert carto.scale_length(120_000) == 20_000
    assert carto.size_steps([1, 2, 3, 7]) == [1, 4, 7]
    assert carto.size_steps([1234, 5678]) == [1200, 3500, 5700]  # 3456 to two figures
    assert carto.size_steps([2, 2, 2]) == [2]
    assert carto.size_steps([np.nan]) == []


def test_crs_units_and_name():
    assert carto.crs_units(CRS.from_epsg(4548)) == ("km", 1e-3)
    assert carto.crs_name(CRS.from_epsg(4548)) == "EPSG:4548"
    assert carto.crs_units(CRS.from_epsg(4326)) == ("degree", 1.0)
    assert carto.crs_name(None) == ""


def test_has_cjk():
    assert carto.has_cjk("抚顺市") and carto.has_cjk("Fushun 抚顺") and carto.has_cjk("서울")
    assert not carto.has_cjk("Fushun, km²") and not carto.has_cjk("São Paulo")


def _missing_glyphs(title: str, use_fonts: bool) -> list[str]:
    """Draw a title and return matplotlib's missing-glyph warnings."""
    ctx = carto.fonts_for(title) if use_fonts else contextlib.nullcontext()
    with warnings.catch_warnings(record=True) as caught, ctx:
        warnings.simplefilter("always")
        fig, ax = plt.subplots(figsize=(3, 2))
        ax.set_title(title)
        fig.canvas.draw()
        plt.close(fig)
    return [str(w.message) for w in caught if "missing from" in str(w.message)]


@pytest.mark.skipif(carto.cjk_font() is None, reason="no CJK font on this machine; .ci/run installs fonts-wqy-microhei")
def test_chinese_study_name_renders_with_a_cjk_font():
    title = "抚顺市生态网络: sources"
    assert _missing_glyphs(title, use_fonts=False)  # the default font has no Chinese: empty boxes
    assert _missing_glyphs(title, use_fonts=True) == []  # every glyph found
    assert _missing_glyphs("Fushun", use_fonts=True) == []


def test_one_warning_without_a_cjk_font(monkeypatch):
    monkeypatch.setattr(carto, "cjk_font", lambda: None)
    monkeypatch.setattr(carto, "_warned", False)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        carto.fonts_for("抚顺")
        carto.fonts_for("抚顺")
        carto.fonts_for("Fushun")
    assert len(caught) == 1 and "fonts-noto-cjk" in str(caught[0].message)
