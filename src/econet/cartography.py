"""Map furniture shared by every map econet draws: axes in the grid's CRS and units, a scale
bar, a north arrow, legends built from what was drawn, a colour-blind-safe palette and a font
with CJK coverage for titles and labels that need one.

The palette is Okabe & Ito's (2008) "Color Universal Design" set, distinguishable under the
common colour-vision deficiencies; continuous surfaces use viridis-family ramps (van der Walt &
Smith 2015, matplotlib 1.5), which are too.
"""

from __future__ import annotations

import functools
import math
import re
import warnings
from contextlib import nullcontext
from dataclasses import dataclass, field

import numpy as np

# Okabe & Ito (2008)
OKABE_ITO = {
    "orange": "#E69F00",
    "sky blue": "#56B4E9",
    "bluish green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish purple": "#CC79A7",
    "black": "#000000",
}
# Sources are filled in hues that no land-cover class uses (a forest source is not forest green),
# with a black outline; corridors are lines in the remaining hues, breakpoints black crosses.
SOURCE_COLOURS = {
    "forest": OKABE_ITO["reddish purple"],
    "shrub-grass": OKABE_ITO["yellow"],
    "wetland-water": OKABE_ITO["sky blue"],
    None: "#bbbbbb",
}
CORRIDOR_COLOURS = {"important": OKABE_ITO["vermillion"], "general": OKABE_ITO["blue"], "crossing": OKABE_ITO["orange"]}
TIER_WIDTHS = {"regional": 2.6, "sub-regional": 1.6, "local": 0.9}
BREAKPOINT_STYLE = {"marker": "X", "color": "black", "markersize": 6.5, "markeredgecolor": "white", "lw": 0}
LANDCOVER_ALPHA = 0.45  # land cover under sources and corridors: faded, so that they stand out


def faded(colour, alpha: float = LANDCOVER_ALPHA) -> tuple[float, float, float]:
    """The colour seen when ``colour`` is drawn with opacity ``alpha`` over white."""
    from matplotlib.colors import to_rgb

    return tuple(alpha * c + (1.0 - alpha) for c in to_rgb(colour))


@dataclass(frozen=True)
class LegendEntry:
    """One legend row: a ``label``, what it looks like (``kind`` "patch", "line" or "marker",
    with matplotlib ``style`` keywords) and how many features of it the map drew."""

    label: str
    kind: str
    count: int
    style: dict = field(default_factory=dict, hash=False, compare=False)


def legend_entries(entries) -> list[LegendEntry]:
    """The entries to list: those of which the map drew something, in drawing order, each label
    once (the first style wins)."""
    seen, out = set(), []
    for e in entries:
        if e.count > 0 and e.label not in seen:
            seen.add(e.label)
            out.append(e)
    return out


def legend_handles(entries) -> list:
    """Matplotlib handles for :func:`legend_entries` of ``entries``."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    handles = []
    for e in legend_entries(entries):
        if e.kind == "patch":
            handles.append(Patch(label=e.label, **e.style))
        elif e.kind == "line":
            handles.append(Line2D([], [], label=e.label, **e.style))
        else:
            handles.append(Line2D([], [], ls="none", label=e.label, **e.style))
    return handles


def size_steps(values, n: int = 3) -> list[float]:
    """At most ``n`` round values spanning ``values`` (for a marker-size legend): the smallest,
    the largest and the middle, each rounded to two significant figures, without repeats."""
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    if v.size == 0:
        return []
    lo, hi = float(v.min()), float(v.max())
    picks = np.linspace(lo, hi, n) if n > 1 else [hi]
    out = []
    for x in picks:
        r = _round_sig(x, 2)
        if r not in out:
            out.append(r)
    return out


def _round_sig(x: float, sig: int) -> float:
    if x == 0:
        return 0.0
    return round(x, sig - 1 - int(math.floor(math.log10(abs(x)))))


def scale_length(width_m: float) -> float:
    """A round scale-bar length (1, 2 or 5 times a power of ten metres) of at most a quarter of
    the map's width."""
    target = width_m / 4
    best = 1.0
    for exp in range(0, 8):
        for m in (1, 2, 5):
            if m * 10**exp <= target:
                best = float(m * 10**exp)
    return best


def crs_units(crs) -> tuple[str, float]:
    """The unit a map of ``crs`` is labelled in ("km" for a CRS in metres) and the factor from
    map units to it."""
    if crs is None:
        return "km", 1e-3
    info = _pyproj(crs).axis_info
    unit = info[0].unit_name if info else "metre"
    if unit in ("metre", "meter", "m"):
        return "km", 1e-3
    return unit, 1.0


def crs_name(crs) -> str:
    """A CRS's short name: "EPSG:4548", else its name; "" without a CRS."""
    if crs is None:
        return ""
    crs = _pyproj(crs)
    epsg = crs.to_epsg()
    return f"EPSG:{epsg}" if epsg else crs.name


def _pyproj(crs):
    """A pyproj CRS from a rasterio or pyproj one (or anything pyproj reads)."""
    from pyproj import CRS

    return CRS.from_user_input(crs)


def map_furniture(ax, grid, title: str | None = None) -> None:
    """Finish a map of ``grid``: the extent of the study area, axes in km labelled with the CRS,
    the title, a scale bar (lower left) and a north arrow (upper right; grid north)."""
    from matplotlib.ticker import FuncFormatter

    left, bottom, right, top = grid.bounds
    ax.set_xlim(left, right)
    ax.set_ylim(bottom, top)
    ax.set_aspect("equal")
    unit, factor = crs_units(grid.crs)
    name = crs_name(grid.crs)
    fmt = FuncFormatter(lambda v, _: f"{v * factor:.{_decimals(right - left, factor)}f}")
    ax.xaxis.set_major_formatter(fmt)
    ax.yaxis.set_major_formatter(fmt)
    ax.set_xlabel(f"easting ({unit}, {name})" if name else f"easting ({unit})")
    ax.set_ylabel(f"northing ({unit}, {name})" if name else f"northing ({unit})")
    ax.tick_params(labelsize=8)
    if title is not None:
        ax.set_title(title, fontsize=11)
    scale_bar(ax, right - left, factor, unit)
    north_arrow(ax)


def _decimals(width: float, factor: float) -> int:
    """Tick decimals so that neighbouring ticks differ (a 6 km map needs no decimals, a 600 m one one)."""
    return 0 if width * factor >= 5 else 1 if width * factor >= 0.5 else 2


def scale_bar(ax, width: float, factor: float = 1e-3, unit: str = "km") -> None:
    """A black-and-white scale bar in the lower left of a map ``width`` map units wide (drawn in
    data coordinates, so it is true to scale however the figure is laid out)."""
    from matplotlib.patches import Rectangle

    length = scale_length(width)  # map units
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    h = 0.012 * (y1 - y0)
    bx, by = x0 + 0.04 * (x1 - x0), y0 + 0.05 * (y1 - y0)
    ax.add_patch(
        Rectangle(
            (bx - 0.015 * (x1 - x0), by - 0.025 * (y1 - y0)),
            length + 0.05 * (x1 - x0),
            h + 0.07 * (y1 - y0),
            fc="white",
            ec="none",
            alpha=0.75,
            zorder=20,
        )
    )
    for k in range(4):
        ax.add_patch(
            Rectangle(
                (bx + k * length / 4, by),
                length / 4,
                h,
                fc="black" if k % 2 == 0 else "white",
                ec="black",
                lw=0.7,
                zorder=21,
            )
        )
    for x in (0, length / 2, length):
        ax.text(bx + x, by + 1.6 * h, f"{x * factor:g}", ha="center", va="bottom", fontsize=7.5, zorder=22)
    ax.text(bx + length, by - 0.4 * h, unit, ha="right", va="top", fontsize=7.5, zorder=22)


def north_arrow(ax) -> None:
    """An arrow and "N" in the upper right corner of a map in a projected CRS (grid north)."""
    ax.annotate(
        "N",
        xy=(0.95, 0.96),
        xytext=(0.95, 0.87),
        xycoords="axes fraction",
        ha="center",
        va="center",
        fontsize=11,
        fontweight="bold",
        arrowprops=dict(arrowstyle="-|>", color="black", lw=1.5),
        bbox=dict(boxstyle="circle,pad=0.15", fc="white", ec="none", alpha=0.75),
        zorder=22,
    )


# CJK fonts, most preferred first: Noto Sans CJK / Source Han Sans (Debian fonts-noto-cjk),
# WenQuanYi (fonts-wqy-microhei, fonts-wqy-zenhei), and those of Windows and macOS.
CJK_FONTS = (
    "Noto Sans CJK SC",
    "Noto Sans CJK JP",
    "Noto Sans SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "Microsoft YaHei",
    "SimHei",
    "PingFang SC",
    "Heiti SC",
    "AR PL UMing CN",
)
_CJK = re.compile(r"[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]")
INSTALL_HINT = "install a CJK font (Debian/Ubuntu: apt-get install fonts-noto-cjk or fonts-wqy-microhei)"


def has_cjk(text) -> bool:
    """Whether ``text`` holds Chinese, Japanese or Korean characters (or full-width forms)."""
    return bool(_CJK.search(str(text)))


@functools.cache
def cjk_font() -> str | None:
    """The family name of an installed font with CJK coverage (:data:`CJK_FONTS` order), or None.

    Matplotlib lists the fonts it found when it built its cache; a font installed since is
    found among the system's font files (by file name) and added."""
    from matplotlib import font_manager

    def known():
        installed = {f.name for f in font_manager.fontManager.ttflist}
        return next((name for name in CJK_FONTS if name in installed), None)

    if (name := known()) is not None:
        return name
    hints = ("cjk", "wqy", "sourcehan", "msyh", "simhei", "pingfang", "uming")
    for path in font_manager.findSystemFonts():
        flat = path.lower().replace("-", "").replace("_", "").rsplit("/", 1)[-1]
        if any(h in flat for h in hints):
            try:
                font_manager.fontManager.addfont(path)
            except (OSError, RuntimeError, ValueError):
                continue
    return known()


_warned = False


def fonts_for(*texts):
    """A context (``with fonts_for(title, *labels): ...`` around drawing and saving a figure) in
    which text falls back to a CJK font when any of ``texts`` needs one; without such a font,
    a one-time warning says which package to install."""
    global _warned
    if not any(has_cjk(t) for t in texts):
        return nullcontext()
    font = cjk_font()
    if font is None:
        if not _warned:
            _warned = True
            warnings.warn(
                f"a map title or label has CJK characters but no CJK font is installed, so they show as "
                f"empty boxes; {INSTALL_HINT}",
                stacklevel=2,
            )
        return nullcontext()
    import matplotlib

    # Matplotlib (>= 3.6) draws each glyph in the first family of the list that has it.
    return matplotlib.rc_context({"font.family": ["DejaVu Sans", font]})


__all__ = [
    "CJK_FONTS",
    "CORRIDOR_COLOURS",
    "LANDCOVER_ALPHA",
    "OKABE_ITO",
    "SOURCE_COLOURS",
    "TIER_WIDTHS",
    "LegendEntry",
    "cjk_font",
    "crs_name",
    "crs_units",
    "faded",
    "fonts_for",
    "has_cjk",
    "legend_entries",
    "legend_handles",
    "map_furniture",
    "north_arrow",
    "scale_bar",
    "scale_length",
    "size_steps",
]
