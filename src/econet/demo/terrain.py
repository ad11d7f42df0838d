"""Terrain and hydrology of the demo city: the river, hills, lakes and the DEM.

Part of the generator of :mod:`econet.demo.city`; pure, no I/O."""

from __future__ import annotations

import math

import numpy as np
import shapely
import shapely.affinity
from shapely.geometry import LineString, Point, box

from econet.demo._base import (
    _best_point,
    _blob,
    _burn,
    _count,
    _distance_m,
    _ellipse_e,
    _Fields,
    _Hill,
    _hill_polys,
    _longest,
    _Plan,
    _uniform,
    _window,
)
from econet.grid import Grid


def _meander(rng, p0, p1, s: float, fixed_end: bool = False) -> LineString:
    """A river course from p0 to p1 (m) meandering with wavelengths of 2-15 km (times ``s``).

    Amplitude grows with wavelength, as in real meander trains; ``fixed_end`` pins p1 (a
    confluence) by fading the meanders out over the last 3 km.
    """
    p0, p1 = np.asarray(p0, float), np.asarray(p1, float)
    d = p1 - p0
    length = float(np.hypot(*d))
    u = np.arange(0.0, length, 60.0)
    off = np.zeros_like(u)
    for lam in rng.uniform(2000.0, 15000.0, 7) * s:
        off += 0.075 * lam * rng.normal() * np.sin(2 * math.pi * u / lam + rng.uniform(0, 2 * math.pi))
    off += 0.03 * length * np.sin(math.pi * u / length + rng.uniform(0, math.pi))
    if fixed_end:
        off *= np.clip((length - u) / 3000.0, 0, 1)
    nrm = np.array([-d[1], d[0]]) / length
    return LineString(p0 + (u / length)[:, None] * d + off[:, None] * nrm)


def _plan_river(rng, plan: _Plan, namer):
    left, bottom, right, top = plan.bounds
    L = plan.extent_m
    clip = box(left - 1, bottom - 1, right + 1, top + 1)
    # Flows roughly west to east, bending south-east like the old Yellow River course.
    ang = rng.uniform(-0.6, 0.25)
    d = np.array([math.cos(ang), math.sin(ang)])
    n = np.array([-d[1], d[0]])
    c = np.array([(left + right) / 2, (top + bottom) / 2]) + n * rng.uniform(-0.12, 0.12) * L
    main = _longest(_meander(rng, c - 0.9 * L * d, c + 0.9 * L * d, plan.s).intersection(clip))
    plan.flow = (float(d[0]), float(d[1]))
    plan.rivers.append((main, f"{namer()} River", 220.0, True))
    # Tributaries join the main river from either side.
    for _ in range(_count(1.0, (L / 1000) ** 2, 1)):
        join = main.interpolate(rng.uniform(0.2, 0.8), normalized=True)
        side = 1 if rng.random() < 0.5 else -1
        edge_dir = n * side + d * rng.uniform(-0.8, 0.2)
        start = np.array([join.x, join.y]) + edge_dir / np.hypot(*edge_dir) * L
        trib = _longest(_meander(rng, start, (join.x, join.y), plan.s, fixed_end=True).intersection(clip))
        if trib is not None and trib.length > 0.1 * L:
            plan.rivers.append((trib, f"{namer()} River", 70.0, False))


def _plan_hills(rng, plan: _Plan, namer):
    L, s = plan.extent_m, plan.s
    area = (L / 1000) ** 2
    city = Point(plan.core["x"], plan.core["y"])
    rivers = shapely.union_all([r[0] for r in plan.rivers])
    R_region = 10000.0 * s
    main_hills = []
    for _ in range(_count(2.0, area, 1)):
        obstacles = [(city, plan.core["r"] + R_region * 0.5 + 1000 * s), (rivers, 0.35 * R_region + 800 * s)]
        obstacles += [(Point(rx, ry), rr + R_region) for rx, ry, rr in plan.regions]
        xs, ys = _uniform(rng, plan.bounds, 0.55 * R_region, 64)
        x, y = _best_point(xs, ys, obstacles)
        plan.regions.append((x, y, R_region))
        trend = rng.uniform(0.35, 1.2)  # ranges strike north-east, as around Xuzhou
        n_bodies = max(3, int(round(rng.integers(8, 12) * s * s)))
        n_forest = 0
        for j in range(n_bodies):
            du, dv = rng.uniform(-0.85, 0.85) * R_region, rng.normal(0, 0.3 * R_region)
            if j == 0:
                du, dv = du * 0.2, dv * 0.2
            hx = x + du * math.cos(trend) - dv * math.sin(trend)
            hy = y + du * math.sin(trend) + dv * math.cos(trend)
            # The main hill (the reserve's) keeps its size on small maps so it still holds a source.
            a = rng.uniform(2000.0, 3600.0) * (1.3 * plan.s_src if j == 0 else s)
            b = a * rng.uniform(0.4, 0.62)
            forested = j == 0 or (rng.random() < 0.55 and not (j == n_bodies - 1 and n_forest == j))
            n_forest += forested
            plan.hills.append(
                _Hill(hx, hy, a, b, trend + rng.normal(0, 0.3), rng.uniform(90.0, 260.0), forested, f"{namer()} Hills")
            )
            if j == 0:
                main_hills.append(plan.hills[-1])
    # Isolated low hills rise from the plain, mostly under grass and shrub.
    for k in range(_count(8.0, area, 1)):
        a = rng.uniform(1500.0, 2300.0) * plan.s_src  # big enough to hold a source on small maps
        xs, ys = _uniform(rng, plan.bounds, 0.8 * a, 48)
        obstacles = [(city, plan.core["r"] + a + 1000 * s), (rivers, a + 900 * s)]
        obstacles += [(shapely.union_all(_hill_polys(plan)), a + 1200 * s)]
        x, y = _best_point(xs, ys, obstacles)
        plan.hills.append(
            _Hill(
                x,
                y,
                a,
                a * rng.uniform(0.5, 0.7),
                rng.uniform(0, math.pi),
                rng.uniform(40.0, 110.0),
                bool(rng.random() < 0.3) and k > 0,
                f"{namer()} Hill",
            )
        )
    # Nature reserves protect the core of the main (forested) hill of the first ranges.
    for h in main_hills[: _count(1.0, area, 1)]:
        plan.reserves.append(
            (
                _blob(rng, h.x, h.y, 0.72 * h.a, 0.72 * h.b, h.theta, rough=0.1),
                f"{h.name.removesuffix(' Hills')} Mountain Nature Reserve",
            )
        )


def _plan_lakes(rng, plan: _Plan, namer):
    L, s = plan.extent_m, plan.s
    area = (L / 1000) ** 2
    main = plan.rivers[0][0]
    city = Point(plan.core["x"], plan.core["y"])
    hills = shapely.union_all(_hill_polys(plan, 0.9))
    placed = []
    for _ in range(_count(4.0, area, 1)):
        r = rng.uniform(900.0, 1600.0) * s
        ts = rng.uniform(0.05, 0.95, 32)
        on = shapely.line_interpolate_point(main, ts, normalized=True)
        obstacles = [(city, plan.core["r"] + r), (hills, r)] + [(p, q + r + 2500 * s) for p, q in placed]
        px, py = _best_point(shapely.get_x(on), shapely.get_y(on), obstacles)
        t = main.project(Point(px, py), normalized=True)
        p, q = main.interpolate(t - 0.003, normalized=True), main.interpolate(t + 0.003, normalized=True)
        theta = math.atan2(q.y - p.y, q.x - p.x)
        side = 1 if rng.random() < 0.5 else -1
        off = side * r * rng.uniform(0.45, 0.8)
        cx, cy = px - off * math.sin(theta), py + off * math.cos(theta)
        poly = _blob(rng, cx, cy, r, r * rng.uniform(0.55, 0.85), theta + rng.normal(0, 0.3), rough=0.25)
        placed.append((Point(cx, cy), r))
        plan.water.append((poly, "lake", f"{namer()} Lake"))
    # A scenic lake on the edge of the city core, as many Chinese cities have.
    c = plan.core
    fx, fy = plan.flow
    side = 1 if rng.random() < 0.5 else -1
    ang = math.atan2(fx * side, -fy * side) + rng.normal(0, 0.4)  # away from the river
    r = 1300.0 * plan.s_src
    lx, ly = c["x"] + 0.75 * c["r"] * math.cos(ang), c["y"] + 0.75 * c["r"] * math.sin(ang)
    plan.water.append((_blob(rng, lx, ly, r, 0.7 * r, rng.uniform(0, math.pi), rough=0.2), "lake", f"{namer()} Lake"))
    # Each hill range dams a reservoir at the foot of its main hill.
    for x, y, _ in plan.regions:
        h = min(plan.hills, key=lambda h: (h.x - x) ** 2 + (h.y - y) ** 2)
        r = rng.uniform(550.0, 900.0) * s
        side = 1 if rng.random() < 0.5 else -1
        ox, oy = -math.sin(h.theta) * side, math.cos(h.theta) * side
        rx, ry = h.x + ox * (h.b + 0.3 * r), h.y + oy * (h.b + 0.3 * r)
        plan.water.append((_blob(rng, rx, ry, r, 0.6 * r, h.theta, rough=0.3), "reservoir", f"{namer()} Reservoir"))


def _terrain(plan: _Plan, grid: Grid, nz: _Fields):
    """DEM (m) and the hill fields that decide vegetation: height above plain and a veg rank."""
    h, w = grid.shape
    cell = grid.cell_size_m
    left, bottom, right, top = plan.bounds
    cx, cy = (left + right) / 2, (top + bottom) / 2
    xs = (left + (np.arange(w) + 0.5) * cell - cx).astype(np.float32)
    ys = (top - (np.arange(h) + 0.5) * cell - cy).astype(np.float32)
    fx, fy = plan.flow
    main = [r[0] for r in plan.rivers if r[3]]
    tribs = [r[0] for r in plan.rivers if not r[3]]
    d_main = _distance_m(_burn(grid, [(g, 1) for g in main], all_touched=True).astype(bool), cell)
    d_trib = _distance_m(_burn(grid, [(g, 1) for g in tribs], all_touched=True).astype(bool), cell)
    # The plain falls gently downstream (about 12 m across half the map); relief noise fades
    # towards the river so that the channel keeps falling.
    slope = np.float32(-12.0 / (plan.extent_m / 2))
    plain = (xs[None, :] * np.float32(fx) + ys[:, None] * np.float32(fy)) * slope + np.float32(36.0)
    plain += np.float32(3.0) * nz["relief"] * (1 - np.exp(-((d_main / np.float32(1500.0)) ** 2)))
    plain -= np.float32(6.0) * np.exp(-((d_main / np.float32(1000.0)) ** 2))
    plain -= np.float32(3.0) * np.exp(-((d_trib / np.float32(500.0)) ** 2))
    plain += np.float32(0.6) * nz["micro"]
    hill_h = np.zeros(grid.shape, np.float32)
    veg_rank = np.zeros(grid.shape, np.uint8)  # 0 none, 1 grass, 2 shrub, 3 forest
    ridge = np.clip(1 - np.abs(nz["ridge"]), 0, 1)
    veg = nz["veg"]
    for hill in plan.hills:
        win = _window(grid, hill.x, hill.y, hill.a)
        if win is None:
            continue
        sl, wx, wy = win
        # Smooth noise on the normalised distance makes outlines lobed rather than elliptic.
        e = _ellipse_e(wx, wy, hill.a, hill.b, hill.theta) * (1 + np.float32(0.3) * nz["edge"][sl])
        rel = np.clip(1 - e, 0, 1) ** 2 * (0.45 + 0.55 * ridge[sl])
        hill_h[sl] = np.maximum(hill_h[sl], np.float32(hill.height_m) * rel)
        v = veg[sl]
        # Forest on the upper slopes of forested hills; shrub and grass lower down, and on the
        # drier hills shrub and grass only.
        t_forest = 0.12 + 0.07 * v if hill.forested else 2.0
        t_shrub = 0.07 + 0.04 * v if hill.forested else 0.30 + 0.12 * v
        rank = np.where(rel > t_forest, 3, np.where(rel > t_shrub, 2, np.where(rel > 0.025 + 0.015 * v, 1, 0)))
        veg_rank[sl] = np.maximum(veg_rank[sl], rank.astype(np.uint8))
    return plain, hill_h, veg_rank, d_main, d_trib
