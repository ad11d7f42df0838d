"""The Fushun plan (Feng et al. 2024, "Ecological network optimization"; docs/methods/scenarios.md).

Feng et al. (2024) close their Fushun study with three proposals: add ecological sources where
ecosystem services are high but no source was selected, upgrade general corridors, and restore
the "ecological breakpoints" where corridors cross expressways, first-class highways and mines.
``fushun_scenarios`` turns the three into one scenario, "fushun", read from a baseline run:

(a) new sources: patches of the top service-importance levels that hold no source cell yet;
(b) upgraded corridors: general corridors in the top share of general corridors by gravity,
    widened to the regional tier and lowered to the landscape's lowest resistance;
(c) crossings: every breakpoint, its crossing point buffered by its corridor's tier half-width.

The paper names places, not rules; the rules chosen where it is silent are documented in the
function's docstring and in docs/methods/scenarios.md.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd
from scipy import ndimage

from econet.errors import EconetError
from econet.habitat.selection import SIZE_CLASS_NAMES, service_importance, size_classes
from econet.habitat.sources import STRUCTURE, label_patches, patch_cells
from econet.scenarios.actions import Action, Scenario, action, footprint
from econet.scenarios.baseline import Baseline
from econet.zonal import majority

# Feng et al. (2024), Results: principal-component weights of the four InVEST services, keyed by
# the names econet's indicators give those rasters.
FENG_SERVICE_WEIGHTS = {
    "habitat_quality": 0.45,
    "sediment_retention": 0.24,
    "water_yield": 0.21,
    "carbon_storage": 0.10,
}
# Class names of built-up land, which a new source leaves out (see ``_built_up``).
BUILT_UP = re.compile(r"artificial|developed|urban|built|construct|impervious|settlement", re.IGNORECASE)
# Feng et al. (2024) size classes of the candidate patches: >= 7, 4, 1 km².
FENG_SIZE_CLASSES_KM2 = (7.0, 4.0, 1.0)


def fushun_scenarios(
    base: Baseline,
    *,
    new_sources: int | None = 3,
    min_new_source_km2: float = 1.0,
    importance_levels: int = 2,
    service_weights: dict[str, float] | None = None,
    service_block_m: float | None = 3000.0,
    service_levels: int = 5,
    restore_non_habitat: bool = True,
    restore_to_class: int | None = None,
    keep_classes: tuple[int, ...] | None = None,
    upgrade_share: float = 0.5,
    regional_width_m: float | None = None,
    patch_connectivity: int = 8,
) -> list[Scenario]:
    """The Fushun plan of Feng et al. (2024, PLoS ONE 19(6) e0303016, "Ecological network
    optimization") as one scenario, "fushun".

    (a) **New sources.** The service-importance levels are ``base.sources.rasters
    ["services_level"]`` when the study selected its sources from services (``candidates =
    ["services"]``); otherwise they are computed here with ``habitat.selection.service_importance``
    from the rasters of ``service_weights`` (default Feng et al.'s PCA weights: habitat_quality 0.45,
    sediment_retention 0.24, water_yield 0.21, carbon_storage 0.10; those the study did not compute
    are left out and named in the note) on ``service_block_m`` blocks in ``service_levels``
    natural-breaks levels. Cells in the top ``importance_levels`` levels ("very important" and
    "important") that are not source cells and not built-up land (``keep_classes``, default the
    class table's classes named artificial, developed, urban...: a city block is not re-greened)
    form patches (``patch_connectivity``): whole patches when the sources were selected from
    services, the parts outside the sources when they came from MSPA cores. Patches of at least
    ``min_new_source_km2`` (default 1 km², Feng et al.'s smallest size class above "small") are
    ranked separate ones first (a patch touching a source only enlarges it; Feng et al.'s new
    sources are new places), then largest size class (7 / 4 / 1 km²), then highest mean importance
    level, then largest area; the first ``new_sources`` (None: all; default 3, the three new sources
    Feng et al. propose) become kind "source" actions. With ``restore_non_habitat`` the action
    also restores the patch's non-habitat cells (cropland, bare land...; ``edits`` leaves its habitat
    cells as they are) to ``restore_to_class``, default the patch's dominant habitat class (the
    landscape's most common one when the patch has none): Feng et al. create the new sources by
    consolidating cropland and re-greening waste dumps.

    (b) **Upgraded corridors.** Feng et al. upgrade general corridors without a rule; here the
    gravity model decides: general corridors whose gravity G is at least the (1 -
    ``upgrade_share``) quantile of the general corridors' G are upgraded. The default 0.5 takes the
    general corridors at or above their median G, the sub-regional tier of
    ``corridors.widths.width_tiers``. Each becomes a kind "corridor" action: its least-cost path
    buffered by half the regional width (``regional_width_m``, default the width of the baseline's
    regional tier), lowered to ``base.lowest_resistance``, its two sources linked.

    (c) **Breakpoints restored.** Every breakpoint (road and mine crossings,
    ``base.corridors.breakpoints``) becomes a kind "crossing" action: the crossing point buffered
    by half its corridor's tier width (the regional width when (b) upgrades that corridor),
    lowered to ``base.lowest_resistance``. Breakpoints of several corridors at one place (within a
    cell) share one crossing, as wide as the widest of their corridors.

    ``details``: ``new_sources`` (every candidate patch with its rank and whether it was chosen),
    ``upgraded_corridors`` (every general corridor with its G and whether it was upgraded),
    ``crossings`` (every breakpoint with its crossing number and width)."""
    notes: list[str] = []
    source_actions, candidates = _new_sources(
        base,
        new_sources=new_sources,
        min_km2=min_new_source_km2,
        keep_levels=importance_levels,
        weights=service_weights or FENG_SERVICE_WEIGHTS,
        block_m=service_block_m,
        levels=service_levels,
        restore=restore_non_habitat,
        to_class=restore_to_class,
        keep_classes=_built_up(base) if keep_classes is None else tuple(keep_classes),
        connectivity=patch_connectivity,
        notes=notes,
    )
    regional = _regional_width(base, regional_width_m)
    corridor_actions, general = _upgrades(base, upgrade_share, regional)
    upgraded = set(general.loc[general["upgraded"], "corridor_id"].astype(int))
    crossing_actions, crossings = _crossings(base, upgraded, regional)

    n_new = int(candidates["chosen"].sum()) if len(candidates) else 0
    note = (
        f"Added {n_new} new source(s) from the top {importance_levels} service-importance levels "
        f"({len(candidates)} candidate patch(es) of at least {min_new_source_km2:g} km²), upgraded "
        f"{len(upgraded)} of {len(general)} general corridor(s) to the regional width and restored "
        f"{len(crossings)} breakpoint(s) with {len(crossing_actions)} crossing structure(s)."
    )
    if notes:
        note += " " + " ".join(notes)
    params = {
        "new_sources": new_sources,
        "min_new_source_km2": min_new_source_km2,
        "importance_levels": importance_levels,
        "service_weights": dict(service_weights or FENG_SERVICE_WEIGHTS),
        "service_block_m": service_block_m,
        "service_levels": service_levels,
        "restore_non_habitat": restore_non_habitat,
        "restore_to_class": restore_to_class,
        "keep_classes": list(_built_up(base) if keep_classes is None else keep_classes),
        "upgrade_share": upgrade_share,
        "regional_width_m": regional,
        "patch_connectivity": patch_connectivity,
    }
    return [
        Scenario(
            name="fushun",
            actions=tuple(source_actions + corridor_actions + crossing_actions),
            generator="fushun",
            note=note,
            params=params,
            details={"new_sources": candidates, "upgraded_corridors": general, "crossings": crossings},
        )
    ]


# ---- (a) new sources ---------------------------------------------------------------------------


def _importance_levels(base: Baseline, weights, block_m, levels, notes: list[str]) -> np.ndarray:
    """The service-importance level raster (0 = none, higher = more important)."""
    rasters = getattr(base.sources, "rasters", None) or {}
    if "services_level" in rasters:
        notes.append("Importance: the source stage's service levels.")
        return np.asarray(rasters["services_level"])
    have = {k: w for k, w in weights.items() if k in base.rasters}
    missing = sorted(set(weights) - set(have))
    if not have:
        raise EconetError(
            f"the Fushun plan's new sources need the service rasters {', '.join(sorted(weights))}: add their "
            '[indicators] models ("habitat_quality", "sediment", "water_yield", "carbon_storage" make Feng et '
            'al.\'s four) or select the sources from services (sources.candidates = ["services"])'
        )
    layers = {k: np.asarray(base.rasters[k], dtype=np.float64) for k in have}
    level, _ = service_importance(layers, have, base.grid.cell_size_m, block_m, levels, 1)
    note = "Importance computed from " + ", ".join(f"{k} ({w:g})" for k, w in have.items())
    if missing:
        note += "; not computed by the study, left out: " + ", ".join(missing)
    notes.append(note + ".")
    return level


def _built_up(base: Baseline) -> tuple[int, ...]:
    """Codes of the class table's built-up classes, found by name (GlobeLand30 "artificial
    surfaces", landclass96 "developed")."""
    return tuple(c.code for c in base.classes if not c.habitat and BUILT_UP.search(c.name))


def _new_sources(
    base,
    *,
    new_sources,
    min_km2,
    keep_levels,
    weights,
    block_m,
    levels,
    restore,
    to_class,
    keep_classes,
    connectivity,
    notes,
):
    level = _importance_levels(base, weights, block_m, levels, notes)
    valid = level > 0
    top = int(level.max()) if valid.any() else 0
    sources = np.asarray(base.sources.labels) > 0
    # The top levels' cells that are not source cells yet, as patches: whole patches where the
    # sources came from services (a source is a whole top-level patch), the parts outside the
    # sources where they came from MSPA cores or sensitivity.
    # Built-up land stays as it is: a new source is made of habitat and restorable land.
    lc = np.asarray(base.landcover)
    built = np.isin(lc, list(keep_classes)) | (lc < 0)
    labels, n = label_patches(valid & (level > top - keep_levels) & ~sources & ~built, connectivity)
    cols = [
        "patch",
        "area_km2",
        "size_class",
        "mean_level",
        "touches_source",
        "non_habitat_km2",
        "restore_to_class",
        "rank",
        "chosen",
    ]
    if n == 0:
        return [], pd.DataFrame(columns=cols)
    cell_km2 = base.grid.cell_area_m2 / 1e6
    cells = patch_cells(labels, n)[1:]
    near_source = ndimage.binary_dilation(sources, structure=STRUCTURE[connectivity]) & ~sources
    touches = np.bincount(labels[near_source], minlength=n + 1)[1:] > 0
    level_sum = np.bincount(labels.ravel(), weights=level.ravel().astype(np.float64), minlength=n + 1)[1:]
    area = cells * cell_km2
    ids = np.flatnonzero(area >= min_km2 - 1e-9) + 1
    table = pd.DataFrame(
        {
            "patch": ids,
            "area_km2": area[ids - 1],
            "size_class": size_classes(area[ids - 1], FENG_SIZE_CLASSES_KM2),
            "mean_level": level_sum[ids - 1] / cells[ids - 1],
            "touches_source": touches[ids - 1],
        }
    )
    # Separate patches first (a patch touching a source only enlarges it), then the largest size
    # class (Feng et al. select sources by size class), then the most important, then the largest.
    size_rank = table["size_class"].map({c: i for i, c in enumerate(SIZE_CLASS_NAMES)})
    order = np.lexsort(
        (
            table["patch"].to_numpy(),
            -table["area_km2"].to_numpy(),
            -np.round(table["mean_level"].to_numpy(), 9),
            size_rank.to_numpy(),
            table["touches_source"].to_numpy(),
        )
    )
    table = table.iloc[order].reset_index(drop=True)
    table["rank"] = np.arange(1, len(table) + 1)
    limit = len(table) if new_sources is None else max(0, int(new_sources))
    table["chosen"] = table["rank"] <= limit

    habitat = base.habitat_codes()
    landscape_habitat = majority(lc[np.isin(lc, habitat)])
    non_habitat = (lc >= 0) & ~np.isin(lc, habitat)
    order_cells = np.argsort(labels.ravel(), kind="stable")
    bounds = np.searchsorted(labels.ravel()[order_cells], np.arange(n + 2))
    nh_km2, classes, actions = [], [], []
    for rec in table.itertuples(index=False):
        cells_k = order_cells[bounds[rec.patch] : bounds[rec.patch + 1]]
        nh = cells_k[non_habitat.ravel()[cells_k]]
        codes = lc.ravel()[cells_k]
        cls = to_class if to_class is not None else majority(codes[np.isin(codes, habitat)], landscape_habitat)
        nh_km2.append(nh.size * cell_km2)
        classes.append(cls if restore and nh.size else None)
        if not rec.chosen:
            continue
        label = f"new source {rec.rank}: service patch {rec.patch} ({rec.area_km2:.2f} km², {rec.size_class})"
        # One action: its cells become a source and, with to_class, its degraded cells are
        # restored (``edits`` leaves habitat cells as they are).
        restored = cls if restore and nh.size else None
        actions.append(action("source", cells_k, to_class=restored, label=label))
    table["non_habitat_km2"] = nh_km2
    table["restore_to_class"] = pd.array(classes, dtype="Int64")
    return actions, table[cols]


# ---- (b) upgraded corridors --------------------------------------------------------------------


def _regional_width(base: Baseline, width_m: float | None) -> float:
    if width_m is not None:
        return float(width_m)
    tiers = base.corridors.tiers
    regional = tiers.loc[tiers["tier"] == "regional", "width_m"] if len(tiers) else []
    if len(regional):
        return float(regional.iloc[0])
    raise EconetError(
        "the Fushun plan upgrades corridors to the regional width, but the baseline has no regional "
        "corridor to take it from: pass regional_width_m (the study's corridors.regional_width_m)"
    )


def _source_point(base: Baseline, source_id: int) -> tuple[float, float]:
    t = base.sources.table
    row = t.loc[t["id"] == source_id].iloc[0]
    return (float(row["inside_x"]), float(row["inside_y"]))


def _upgrades(base: Baseline, share: float, width_m: float) -> tuple[list[Action], pd.DataFrame]:
    if not 0 <= share <= 1:
        raise EconetError(f"upgrade_share must lie in [0, 1], got {share}")
    paths = base.corridors.paths
    general = paths[paths["class"] == "general"]
    table = pd.DataFrame(
        {
            "corridor_id": general["id"].to_numpy(int),
            "from_id": general["from_id"].to_numpy(int),
            "to_id": general["to_id"].to_numpy(int),
            "length_m": general["length_m"].to_numpy(float),
            "gravity": general["gravity"].to_numpy(float),
            "tier": general["tier"].to_numpy(),
        }
    )
    g = table["gravity"].to_numpy()
    if len(g) and share > 0:
        threshold = float(np.quantile(g, 1.0 - share))
        table["upgraded"] = g >= threshold
    else:
        threshold = math.inf
        table["upgraded"] = np.zeros(len(g), dtype=bool)
    table["threshold"] = threshold
    actions = []
    by_id = paths.set_index("id")
    for rec in table[table["upgraded"]].itertuples(index=False):
        geom = by_id.geometry.loc[rec.corridor_id]
        cells = footprint([geom], base.grid, buffer_m=width_m / 2.0)
        link = (_source_point(base, rec.from_id), _source_point(base, rec.to_id))
        label = f"corridor {rec.corridor_id} ({rec.from_id}-{rec.to_id}) upgraded to regional, G = {rec.gravity:.3g}"
        actions.append(action("corridor", cells, lowest_resistance=base.lowest_resistance, link=link, label=label))
    table = table.sort_values(["gravity", "corridor_id"], ascending=[False, True]).reset_index(drop=True)
    return actions, table


# ---- (c) breakpoints ---------------------------------------------------------------------------


def _crossings(base: Baseline, upgraded: set[int], regional_m: float) -> tuple[list[Action], pd.DataFrame]:
    """One crossing per place: breakpoints of several corridors at the same spot (within a cell,
    as where two corridors cross one road together) share one structure, as wide as the widest of
    their corridors."""
    points = base.corridors.breakpoints
    tiers = base.corridors.tiers
    width = tiers.set_index("corridor_id")["width_m"] if len(tiers) else pd.Series(dtype=float)
    cols = ["crossing", "corridor_id", "from_id", "to_id", "kind", "road_class", "feature", "x", "y", "width_m"]
    rows, places = [], []
    for i, rec in enumerate(points.itertuples(index=False)):
        cid = int(rec.corridor_id)
        pt = points.geometry.iloc[i]
        w = regional_m if cid in upgraded else float(width.get(cid, regional_m))
        place = next((k for k, p in enumerate(places) if p.distance(pt) < base.grid.cell_size_m), None)
        if place is None:
            place = len(places)
            places.append(pt)
        rows.append(
            [place + 1, cid, int(rec.from_id), int(rec.to_id), rec.kind, rec.road_class, rec.feature, pt.x, pt.y, w]
        )
    table = pd.DataFrame(rows, columns=cols)
    actions = []
    for k, pt in enumerate(places, start=1):
        group = table[table["crossing"] == k]
        w = float(group["width_m"].max())
        first = group.iloc[0]
        feature = "" if pd.isna(first["feature"]) else f" {first['feature']}"
        on = ", ".join(f"{r.corridor_id} ({r.from_id}-{r.to_id})" for r in group.itertuples(index=False))
        label = f"{first['kind']} breakpoint{feature} on corridor(s) {on}"
        cells = footprint([pt], base.grid, buffer_m=w / 2.0)
        actions.append(action("crossing", cells, lowest_resistance=base.lowest_resistance, label=label))
    return actions, table


__all__ = ["FENG_SERVICE_WEIGHTS", "fushun_scenarios"]
