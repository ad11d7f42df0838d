"""The zones stage: where sources, corridors, pinch points and barriers lie by zone (township,
lithology, land use), and indicator means per pinch point and barrier. Optional: runs only when
the study has a ``[zones]`` section."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from econet.circuit.corridors import CorridorCircuits
from econet.corridors.network import Corridors
from econet.errors import LayerError
from econet.habitat.sources import Sources
from econet.io import write_csv
from econet.rasterops import rasterize
from econet.report import ReportSection
from econet.report.tables import html_table
from econet.stages.base import Context, Stage
from econet.zonal import zonal_mean, zone_shares


@dataclass
class ZoneTables:
    """``by_zone``: one row per zoning, product and zone (zone_shares' columns); ``means``: per
    product ("pinchpoints", "barriers") a table of id and ``mean_<layer>``."""

    by_zone: pd.DataFrame
    means: dict[str, pd.DataFrame] = field(default_factory=dict)


def _polygon_labels(gdf, grid) -> np.ndarray:
    """Raster of each polygon's row number + 1 (0 outside), by cell centres."""
    if gdf is None or len(gdf) == 0:
        return np.zeros(grid.shape, dtype=np.int32)
    return rasterize(zip(gdf.geometry, range(1, len(gdf) + 1)), grid, dtype=np.int32)


def _zoning(ctx: Context, z) -> tuple[np.ndarray, dict[int, str]]:
    L = ctx.landscape
    if z.vector:
        gdf = L.vector(z.vector)
        if z.field and z.field not in gdf.columns:
            raise LayerError(
                z.vector, f"zones.by.{z.name}.field = '{z.field}' is not an attribute; it has {list(gdf.columns)}"
            )
        names = {
            i + 1: (str(v) if z.field else str(i + 1)) for i, v in enumerate(gdf[z.field] if z.field else gdf.index)
        }
        return _polygon_labels(gdf, L.grid), names
    values = L.raster(z.layer)
    codes = np.where(np.isfinite(values), values, 0).astype(np.int64)
    names = {}
    if z.layer == L.landcover_layer:
        names = {c.code: c.name for c in L.classes}
    return codes, names


def compute(
    ctx: Context, sources: Sources, corridors: Corridors, circuit: CorridorCircuits | None = None
) -> ZoneTables:
    cfg, L = ctx.study.zones, ctx.landscape
    grid = L.grid
    products: dict[str, np.ndarray] = {}
    if "sources" in cfg.products:
        products["sources"] = sources.labels
    if "corridors" in cfg.products:
        tiers = corridors.tiers
        products["corridors"] = _polygon_labels(tiers, grid) if tiers is not None else np.zeros(grid.shape, np.int32)
    polys = {}
    if circuit is not None:
        polys = {"pinchpoints": circuit.pinchpoints, "barriers": circuit.barriers}
    for name in ("pinchpoints", "barriers"):
        if name in cfg.products and polys.get(name) is not None:
            products[name] = _polygon_labels(polys[name], grid)
    frames = []
    for z in cfg.by:
        codes, names = _zoning(ctx, z)
        for product, labels in products.items():
            t = zone_shares(codes, labels, grid.cell_area_m2, names, window=ctx.window)
            t.insert(0, "product", product)
            t.insert(0, "zoning", z.name)
            frames.append(t)
    by_zone = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    means = {}
    for name, gdf in polys.items():
        if gdf is None or not cfg.means_of:
            continue
        labels = _polygon_labels(gdf, grid)
        table = pd.DataFrame({"id": gdf["id"].to_numpy() if "id" in gdf.columns else np.arange(1, len(gdf) + 1)})
        if "area_ha" in gdf.columns:
            table["area_ha"] = gdf["area_ha"].to_numpy()
        for layer in cfg.means_of:
            table[f"mean_{layer}"] = zonal_mean(labels, L.raster(layer), len(gdf) + 1)[1:]
        means[name] = table
    return ZoneTables(by_zone, means)


def write(ctx: Context, res: ZoneTables) -> list[str]:
    out = []
    if len(res.by_zone):
        write_csv(ctx.run.product("zones.csv"), res.by_zone)
        out.append("zones.csv")
    for name, table in res.means.items():
        write_csv(ctx.run.product(f"{name}_means.csv"), table)
        out.append(f"{name}_means.csv")
    return out


def report(ctx: Context, res: ZoneTables) -> ReportSection:
    parts = []
    if len(res.by_zone):
        for (zoning, product), t in res.by_zone.groupby(["zoning", "product"], sort=False):
            cols = ["zone", "features", "area_ha", "share_pct", "zone_share_pct"]
            parts += [f"<h3>{product} by {zoning}</h3>", html_table(t[cols].head(15))]
    for name, table in res.means.items():
        parts += [f"<h3>Indicator means per {name[:-1]} (first 15)</h3>", html_table(table.head(15))]
    return ReportSection("Products by zone", parts)


STAGE = Stage(
    name="zones",
    title="Products by zone",
    reads=("landcover", "zones"),
    consumes={
        "sources": ("labels",),
        "corridors": ("tiers",),
        "circuit": ("pinchpoints", "barriers"),
    },
    compute=compute,
    write=write,
    report=report,
    enabled=lambda study: study.zones is not None,
    products={
        "zones.csv": "per zoning, product and zone: features, cells, area_ha, share_pct (sums to 100 per zoning "
        "and product), zone_share_pct (of the zone's area)",
        "pinchpoints_means.csv": "mean of each zones.means_of raster over each pinch-point patch",
        "barriers_means.csv": "mean of each zones.means_of raster over each barrier patch",
    },
)
