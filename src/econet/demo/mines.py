"""Mines of the demo city: coal fields, open pits, underground mines, waste dumps and subsidence.

Part of the generator of :mod:`econet.demo.city`; pure, no I/O."""

from __future__ import annotations

import math

import numpy as np
import shapely
import shapely.affinity
from shapely.geometry import Point

from econet.demo._base import _best_point, _blob, _count, _hill_polys, _Plan, _uniform


def _mine_status(rng) -> str:
    return "abandoned" if rng.random() < 0.35 else "producing"


def _plan_mines(rng, plan: _Plan, namer):
    L, s = plan.extent_m, plan.s
    area = (L / 1000) ** 2
    city = Point(plan.core["x"], plan.core["y"])
    hills = shapely.union_all(_hill_polys(plan))
    waters = shapely.union_all([w[0] for w in plan.water])
    rivers = shapely.union_all([r[0] for r in plan.rivers])
    # Coal fields: elongated belts away from the city and the hills.
    fields = []
    for _ in range(_count(2.0, area, 1)):
        xs, ys = _uniform(rng, plan.bounds, 2500 * s, 64)
        obstacles = [(city, plan.core["r"] + 3500 * s), (hills, 2500 * s)]
        obstacles += [(Point(fx, fy), 14000 * s) for fx, fy, *_ in fields]
        x, y = _best_point(xs, ys, obstacles)
        fields.append((x, y, 8000.0 * s, 3500.0 * s, rng.uniform(0, math.pi)))
    works: list = []  # (point, radius) of every mine, to keep mines apart

    def place(field_k, r):
        fx, fy, fa, fb, ft = fields[field_k % len(fields)]
        rr, tt = np.sqrt(rng.uniform(0, 1, 48)), rng.uniform(0, 2 * math.pi, 48)
        u, v = fa * rr * np.cos(tt), fb * rr * np.sin(tt)
        xs = fx + u * math.cos(ft) - v * math.sin(ft)
        ys = fy + u * math.sin(ft) + v * math.cos(ft)
        left, bottom, right, top = plan.bounds
        xs, ys = np.clip(xs, left + r, right - r), np.clip(ys, bottom + r, top - r)
        obstacles = [
            (city, plan.core["r"] + r + 800 * s),
            (hills, r + 300 * s),
            (waters, r + 300 * s),
            (rivers, r + 400 * s),
        ]
        obstacles += [(p, q + r + 1200 * s) for p, q in works]
        x, y = _best_point(xs, ys, obstacles)
        works.append((Point(x, y), r))
        return x, y

    n_under = _count(7.0, area, 1)
    n_pit = _count(4.0, area, 1)
    statuses = [_mine_status(rng) for _ in range(n_under + n_pit)]
    if len(statuses) > 1 and len(set(statuses)) == 1:  # always show both
        statuses[0] = "abandoned" if statuses[0] == "producing" else "producing"
    for k in range(n_under):
        a = rng.uniform(1300.0, 2100.0) * s
        x, y = place(k, a)
        theta = rng.uniform(0, math.pi)
        name = f"{namer()} Coal Mine"
        poly = _blob(rng, x, y, a, a * rng.uniform(0.6, 0.9), theta, rough=0.15)
        plan.mines.append(
            dict(
                geom=poly,
                name=name,
                mineral="coal",
                method="underground",
                status=statuses[k],
                depth_m=rng.uniform(4.0, 8.0),
            )
        )
        # Subsidence over the worked seams floods into lakes in the lowest part of the bowl.
        for j in range(int(rng.integers(1, 4))):
            r = rng.uniform(700.0, 1100.0) * plan.s_src
            ang = rng.uniform(0, 2 * math.pi)
            off = (0.0 if j == 0 else 0.6) * a
            lake = _blob(
                rng,
                x + off * math.cos(ang),
                y + off * math.sin(ang),
                r,
                r * rng.uniform(0.6, 0.9),
                rng.uniform(0, math.pi),
                rough=0.3,
            )
            plan.subsidence.append((lake, name))
        ang = rng.uniform(0, 2 * math.pi)
        sx, sy = x + 1.05 * a * math.cos(ang), y + 1.05 * a * math.sin(ang)
        plan.sites.append((_blob(rng, sx, sy, 260 * s, 180 * s, ang, rough=0.1), name))
    for k in range(n_pit):
        a = rng.uniform(900.0, 1500.0) * s
        x, y = place(k + 1, a + 900 * s)
        theta = rng.uniform(0, math.pi)
        status = statuses[n_under + k]
        name = f"{namer()} Open-pit Coal Mine"
        b = a * rng.uniform(0.55, 0.8)
        poly = _blob(rng, x, y, a, b, theta, rough=0.12)
        plan.mines.append(
            dict(
                geom=poly, name=name, mineral="coal", method="open_pit", status=status, depth_m=rng.uniform(40.0, 90.0)
            )
        )
        _plan_dumps(rng, plan, x, y, a, name, s, 1 + int(rng.random() < 0.6))
        if status == "abandoned":  # groundwater fills the bottom of a closed pit
            plan.pit_lakes.append(_blob(rng, x, y, 0.45 * a, 0.45 * b, theta, rough=0.2))
    # Quarries and an iron mine bite into the hill flanks.
    reserve = shapely.union_all([p for p, _ in plan.reserves])
    n_quarry = _count(3.0, area, 1)
    n_metal = _count(1.2, area, 0)
    flank_lines = shapely.get_exterior_ring(np.array(_hill_polys(plan, 0.85), dtype=object))
    for k in range(n_quarry + n_metal):
        metal = k >= n_quarry
        r = (rng.uniform(380.0, 520.0) if metal else rng.uniform(230.0, 420.0)) * s
        flanks = shapely.line_interpolate_point(
            flank_lines[rng.integers(0, len(flank_lines), 24)], rng.uniform(0, 1, 24), normalized=True
        )
        xs, ys = shapely.get_x(flanks), shapely.get_y(flanks)
        obstacles = [(reserve, r + 300 * s), (waters, r + 200 * s)] + [(p, q + r + 800 * s) for p, q in works]
        x, y = _best_point(xs, ys, obstacles)
        works.append((Point(x, y), r))
        theta = rng.uniform(0, math.pi)
        poly = _blob(rng, x, y, r, r * 0.7, theta, rough=0.2)
        name = f"{namer()} {'Iron Mine' if metal else 'Quarry'}"
        plan.mines.append(
            dict(
                geom=poly,
                name=name,
                mineral="metal" if metal else "building_material",
                method="open_pit",
                status="abandoned" if rng.random() < 0.5 else "producing",
                depth_m=rng.uniform(20.0, 45.0),
            )
        )
        if metal:
            _plan_dumps(rng, plan, x, y, r, name, s, 1)


def _plan_dumps(rng, plan: _Plan, x, y, a, name, s, n):
    for ang in rng.uniform(0, 2 * math.pi, n):
        r = rng.uniform(300.0, 520.0) * s
        dist = a + r + 120.0 * s
        plan.dumps.append(
            (
                _blob(
                    rng,
                    x + dist * math.cos(ang),
                    y + dist * math.sin(ang),
                    r,
                    0.75 * r,
                    rng.uniform(0, math.pi),
                    rough=0.18,
                ),
                name,
            )
        )
