"""The demo city as a series of epochs: the same city, years apart (docs/methods/series.md).

The city is planned once; each epoch edits that plan and paints it on the same noise fields, so
two epochs differ only where the city changed. With ``f`` the epoch's place between the first
year (0) and the last (1):

- open pits expand, from half their final size: a working pit grows until the last year; a pit
  that closes stops growing at f = 0.5, its dumps are grassed and its bottom floods, and from
  f = 0.75 the rest of the pit is replanted with forest (reclamation);
- the city grows along its roads: the districts around the old town spread from three quarters
  of their final radius, and built-up ribbons widen along the expressways and highways leaving
  it;
- subsidence lakes appear over the underground mines one after another (none in the first year,
  all in the last).

Pure and deterministic for a seed, as :func:`econet.demo.city.generate_city`.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator

import shapely
import shapely.affinity
from shapely.geometry import Point

from econet.demo._base import _Plan
from econet.demo.city import DemoCity, _assemble, _layout

CLOSE_AT, RECLAIM_AT = 0.5, 0.75  # where in the series pits that end abandoned close and are replanted
RIBBON_M = 350.0  # width (m) of the built-up ribbon along a road out of the city, in the last year


def epoch_plan(plan: _Plan, f: float) -> _Plan:
    """The plan of the epoch at ``f`` (0: the first year, 1: the last) of a city whose final
    plan is ``plan`` (not changed)."""
    p = copy.deepcopy(plan)
    _pits(p, f)
    _city(p, f)
    lakes = len(p.subsidence)
    p.subsidence = [lake for k, lake in enumerate(p.subsidence) if f > k / max(lakes, 1)]
    return p


def _pits(p: _Plan, f: float) -> None:
    closed = f >= CLOSE_AT
    lakes = list(p.pit_lakes)
    p.pit_lakes = []
    for m in p.mines:
        if m["method"] != "open_pit":
            continue
        ends_abandoned = m["status"] == "abandoned"
        grown = min(f / CLOSE_AT, 1.0) if ends_abandoned else f
        centre = m["geom"].centroid
        scale = 0.5 + 0.5 * grown
        full = m["geom"]
        m["geom"] = shapely.affinity.scale(full, scale, scale, origin=centre)
        if not ends_abandoned:
            continue
        m["status"] = "abandoned" if closed else "producing"
        own = [lake for lake in lakes if full.contains(lake.centroid)]
        if closed:
            p.pit_lakes += own
        if f >= RECLAIM_AT:
            p.reclaimed.append(m["geom"])


def _city(p: _Plan, f: float) -> None:
    seats = {(c["x"], c["y"]) for c in p.centres}
    k = 0.75 + 0.25 * f
    p.city_blobs = [(x, y, r if (x, y) in seats else k * r) for x, y, r in p.city_blobs]
    if f <= 0:
        return
    core = p.core
    centre = Point(core["x"], core["y"])
    reach = centre.buffer(core["r"] * (0.9 + 0.7 * f)).difference(centre.buffer(0.5 * core["r"]))
    width = RIBBON_M * f * p.s
    for line, cls, _ in p.roads:
        if cls not in ("expressway", "highway"):
            continue
        part = line.intersection(reach)
        if not part.is_empty:
            p.industry.append(part.buffer(width / 2, cap_style="flat"))


def generate_series(
    years, size: int = 1500, seed: int = 0, cell_size_m: float = 30.0
) -> Iterator[tuple[int, DemoCity]]:
    """The city in each of ``years`` (increasing, at least two), one epoch at a time: (year,
    :class:`DemoCity`) pairs, so that only one epoch's layers are held at once."""
    years = [int(y) for y in years]
    if len(years) < 2 or any(b <= a for a, b in zip(years, years[1:])):
        raise ValueError(f"years must be at least two, increasing; got {years}")
    layout = _layout(size, seed, cell_size_m)
    span = years[-1] - years[0]
    for y in years:
        yield y, _assemble(layout, epoch_plan(layout.plan, (y - years[0]) / span))


__all__ = ["CLOSE_AT", "RECLAIM_AT", "epoch_plan", "generate_series"]
