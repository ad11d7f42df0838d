"""Land use of the demo city: parks, farmland, wetlands, and painting the plan onto the land-cover grid.

Part of the generator of :mod:`econet.demo.city`; pure, no I/O."""

from __future__ import annotations

import math

import numpy as np
import shapely
import shapely.affinity
from scipy import ndimage as ndi
from shapely.geometry import Point, box

from econet.demo._base import (
    ROAD_WIDTH_M,
    _best_point,
    _blob,
    _blur,
    _burn,
    _count,
    _Fields,
    _hill_polys,
    _Plan,
    _uniform,
)
from econet.demo.settlements import _urban_fields
from econet.demo.terrain import _terrain
from econet.grid import Grid


def _plan_landuse(rng, plan: _Plan):
    """Floodplain meadows, fish-pond clusters, marshes and industrial parks."""
    L, s = plan.extent_m, plan.s
    area = (L / 1000) ** 2
    main = plan.rivers[0][0]
    rivers = shapely.union_all([r[0] for r in plan.rivers])
    settled = shapely.union_all(
        [Point(c["x"], c["y"]).buffer(c["r"] * (0.8 if c["core"] else 1.3)) for c in plan.centres]
    )
    waters = shapely.union_all([w[0] for w in plan.water] + [p for p, _ in plan.subsidence])
    mines = shapely.union_all([m["geom"] for m in plan.mines] + [p for p, _ in plan.dumps])
    hills = shapely.union_all(_hill_polys(plan, 0.9))
    taken: list = []
    for _ in range(_count(3.0, area, 1)):
        r = rng.uniform(800.0, 1200.0) * plan.s_src
        on = shapely.line_interpolate_point(main, rng.uniform(0.03, 0.97, 32), normalized=True)
        xs, ys = shapely.get_x(on), shapely.get_y(on)
        obstacles = [(settled, r), (waters, 0.5 * r), (mines, r)] + [(p, q + r) for p, q in taken]
        x, y = _best_point(xs, ys, obstacles)
        taken.append((Point(x, y), r))
        t = main.project(Point(x, y), normalized=True)
        p, q = main.interpolate(t - 0.003, normalized=True), main.interpolate(t + 0.003, normalized=True)
        theta = math.atan2(q.y - p.y, q.x - p.x)
        plan.meadows.append(_blob(rng, x, y, r, 0.55 * r, theta, rough=0.25))
    # Fish ponds cluster on low ground near rivers and lakes.
    near_water = shapely.union_all([rivers.buffer(1500.0 * s), waters.buffer(1200.0 * s)])
    for _ in range(_count(8.0, area, 1)):
        r = rng.uniform(600.0, 1000.0) * s
        xs, ys = _uniform(rng, plan.bounds, r, 64)
        inside = shapely.intersects_xy(near_water, xs, ys)
        xs, ys = (xs[inside], ys[inside]) if inside.any() else (xs, ys)
        obstacles = [(settled, r + 200), (waters, r + 100), (rivers, r + 120), (mines, r + 300), (hills, r)]
        obstacles += [(p, q + r) for p, q in taken]
        x, y = _best_point(xs, ys, obstacles)
        taken.append((Point(x, y), r))
        plan.ponds.append(_blob(rng, x, y, r, r * rng.uniform(0.5, 0.9), rng.uniform(0, math.pi), rough=0.2))
    # Marshes in low ground: reed beds with pools.
    for _ in range(_count(4.0, area, 1)):
        r = rng.uniform(900.0, 1300.0) * s
        xs, ys = _uniform(rng, plan.bounds, r, 64)
        obstacles = [(settled, r + 300), (waters, r + 300), (rivers, r + 300), (mines, r + 500), (hills, r + 300)]
        obstacles += [(p, q + r + 300) for p, q in taken]
        x, y = _best_point(xs, ys, obstacles)
        taken.append((Point(x, y), r))
        plan.marshes.append(_blob(rng, x, y, r, r * rng.uniform(0.55, 0.85), rng.uniform(0, math.pi), rough=0.3))
    # Industrial parks on the edge of the city (three) and, on bigger maps, of the towns.
    for k in range(_count(3.0, area, 1)):
        c = plan.core if k < 3 or len(plan.centres) == 1 else plan.centres[1 + k % (len(plan.centres) - 1)]
        small = 1.0 if c["core"] else 0.6
        a, b = rng.uniform(900.0, 1400.0) * s * small, rng.uniform(500.0, 800.0) * s * small
        ang = rng.uniform(0, 2 * math.pi, 24)
        dist = c["r"] * rng.uniform(0.95, 1.25, 24) + (0 if c["core"] else a)
        obstacles = [(hills, a), (waters, a), (rivers, a), (mines, a)] + [(p, q + a) for p, q in taken]
        x, y = _best_point(c["x"] + dist * np.cos(ang), c["y"] + dist * np.sin(ang), obstacles)
        taken.append((Point(x, y), a))
        turn = math.atan2(y - c["y"], x - c["x"]) + rng.normal(0, 0.3)
        plan.industry.append(shapely.affinity.rotate(box(x - a, y - b, x + a, y + b), turn, use_radians=True))


def _paint(plan: _Plan, grid: Grid, nz: _Fields):
    """Land cover, DEM and the masks the other layers are derived from."""
    cell = grid.cell_size_m
    plain, hill_h, veg_rank, d_main, d_trib = _terrain(plan, grid, nz)
    lc = np.full(grid.shape, 10, np.uint8)
    # Scattered woods and grassy plots in the cropland matrix: islets, not sources.
    lc[nz["patch"] > 2.5] = 20
    lc[nz["patch"] < -2.6] = 30
    lc = np.where(veg_rank > 0, np.array([10, 30, 40, 20], np.uint8)[veg_rank], lc)
    # Floodplain belts of reed wetland, grass and poplar stands along the rivers.
    edge = nz["edge"]
    belt = (d_main < 700.0 * (1 + 0.4 * edge)) | (d_trib < 220.0 * (1 + 0.4 * edge))
    wet = nz["wet"]
    lc[belt & (wet > 0.1)] = 50
    lc[belt & (wet <= 0.1) & (wet > -0.9)] = 30
    lc[belt & (wet < -1.3)] = 20
    del belt
    built, U = _urban_fields(plan, grid, edge)
    lc[built] = 80
    del built
    # Subsidence bowls over underground workings, benched open pits and waste-dump mounds.
    under = [m for m in plan.mines if m["method"] == "underground"]
    pits = [m for m in plan.mines if m["method"] == "open_pit"]
    # (Clipped at zero: FFT round-off would otherwise leave +-1e-7 m everywhere, and the benches
    # would turn it into 8 m steps.)
    bowl = np.maximum(_blur(_burn(grid, [(m["geom"], m["depth_m"]) for m in under], dtype=np.float32), 350.0, cell), 0)
    pit = np.maximum(_blur(_burn(grid, [(m["geom"], m["depth_m"]) for m in pits], dtype=np.float32), 120.0, cell), 0)
    pit = np.floor(pit / np.float32(8.0)) * np.float32(8.0)
    mound = np.maximum(_blur(_burn(grid, [(p, 35.0) for p, _ in plan.dumps], dtype=np.float32), 110.0, cell), 0)
    dem = plain + hill_h - bowl - pit + np.minimum(mound * np.float32(1.4), np.float32(35.0))
    lc[(bowl > 3.0) & (wet > -0.2) & (lc == 10)] = 50  # waterlogged subsidence ground
    # Polygons, in painting order (later wins).
    lakes = [w[0] for w in plan.water]
    rings = [p.buffer(180.0).difference(p) for p in lakes]
    ring = _burn(grid, [(r, 1) for r in rings]).astype(bool) & (wet > -0.5)
    shapes = [(p, c) for p, c in plan.parks] + [(p, 90) for p in plan.construction]
    shapes += [(p, 30) for p in plan.meadows] + [(p, 50) for p in plan.marshes]
    shapes += [(p, 80) for p in plan.villages + plan.industry]
    lc_poly = _burn(grid, shapes)
    lc = np.where(lc_poly > 0, lc_poly, lc)
    lc[(lc_poly == 30) & (nz["veg"] > 0.7)] = 40  # shrubby patches in the meadows
    lc[(lc_poly == 50) & (wet > 0.6)] = 60  # open pools in the marshes
    lc[ring] = 50
    # Fish ponds: ~120 x 60 m basins between one-cell dykes.
    pw, ph = max(2, int(round(150.0 / cell))), max(2, int(round(90.0 / cell)))
    in_ponds = _burn(grid, [(p, 1) for p in plan.ponds]).astype(bool)
    basin = ((np.arange(grid.height) % ph) < ph - 1)[:, None] & ((np.arange(grid.width) % pw) < pw - 1)[None, :]
    lc[in_ponds & basin] = 60
    del in_ponds, basin
    rivers = [r[0].buffer(r[2] / 2, cap_style="flat") for r in plan.rivers]
    sub_rims = [p.buffer(90.0).difference(p) for p, _ in plan.subsidence]
    shapes = [(p, 60) for p in lakes + rivers] + [(p, 50) for p in sub_rims]
    shapes += [(p, 60) for p, _ in plan.subsidence] + [(p, 80) for p, _ in plan.sites]
    # Dumps of closed mines have been reclaimed to grass; working ones are bare gangue.
    status = {m["name"]: m["status"] for m in plan.mines}
    shapes += [(p, 30 if status[n] == "abandoned" else 90) for p, n in plan.dumps]
    shapes += [(m["geom"], 90) for m in pits]
    shapes += [(p, 20) for p in plan.reclaimed]
    shapes += [(p, 60) for p in plan.pit_lakes]
    lc_poly = _burn(grid, shapes)
    lc = np.where(lc_poly > 0, lc_poly, lc)
    # Still water lies flat at the level of its lowest cell; channels sit below the plain.
    still = lakes + [p for p, _ in plan.subsidence] + plan.pit_lakes
    ids = _burn(grid, [(p, i + 1) for i, p in enumerate(still)], dtype=np.int32)
    if still:
        level = ndi.minimum(dem, ids, index=np.arange(1, len(still) + 1))
        table = np.concatenate([[0.0], np.nan_to_num(np.asarray(level, float))]).astype(np.float32)
        dem = np.where(ids > 0, table[ids] - np.float32(0.5), dem)
    channel = _burn(grid, [(p, 1) for p in rivers]).astype(bool)
    dem[channel] -= np.float32(2.5)
    # Roads last, with a width by class; the centre line is burnt touching every cell it
    # crosses so that even one-cell roads are 4-connected and split 8-connected habitat.
    road_polys, road_lines = [], []
    for line, cls, _ in plan.roads:
        width = max(1, int(round(ROAD_WIDTH_M[cls] / cell))) * cell
        road_polys.append((line.buffer(width / 2, cap_style="flat"), 1))
        road_lines.append((line, 1))
    roads = (_burn(grid, road_polys) | _burn(grid, road_lines, all_touched=True)).astype(bool)
    lc[roads] = 80
    mine_works = _burn(
        grid, [(m["geom"], 1) for m in pits] + [(p, 1) for p, _ in plan.dumps] + [(p, 1) for p, _ in plan.sites]
    ).astype(bool)
    mineral = {m["name"]: m["mineral"] for m in plan.mines}
    coal = _burn(
        grid,
        [(m["geom"], 1) for m in pits if m["mineral"] == "coal"]
        + [(p, 1) for p, name in plan.dumps if mineral[name] == "coal"],
    ).astype(bool) & (lc == 90)
    return dict(
        lc=lc,
        dem=np.round(dem, 2).astype(np.float32),
        plain=plain,
        U=U,
        roads=roads,
        mine_works=mine_works,
        coal=coal,
        d_main=d_main,
    )
