"""Settlements and roads of the demo city: the city core, towns, villages, roads and townships.

Part of the generator of :mod:`econet.demo.city`; pure, no I/O."""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import shapely
import shapely.affinity
from affine import Affine
from rasterio import features
from scipy import ndimage as ndi
from scipy.sparse.csgraph import minimum_spanning_tree
from scipy.spatial import cKDTree
from shapely.geometry import LineString, Point, box

from econet.demo._base import (
    REF_AREA_KM2,
    REF_EXTENT_M,
    _best_point,
    _blob,
    _count,
    _ellipse_e,
    _gdf,
    _hill_polys,
    _longest,
    _noise,
    _Plan,
    _uniform,
    _wiggly,
    _window,
)
from econet.grid import Grid


def _plan_city(rng, plan: _Plan, namer):
    main = plan.rivers[0][0]
    L = plan.extent_m
    R = 8500.0 * float(np.clip(L / REF_EXTENT_M, 0.22, 1.0))
    p = main.interpolate(rng.uniform(0.38, 0.62), normalized=True)
    fx, fy = plan.flow
    side = rng.uniform(-0.25, 0.25) * R
    x, y = p.x - fy * side, p.y + fx * side
    plan.centres.append(dict(x=x, y=y, r=R, strength=1.0, name=f"{namer()} City", core=True))
    # An old town plus new districts of different sizes make an irregular built-up area.
    plan.city_blobs.append((x, y, 0.62 * R))
    for ang in rng.uniform(0, 2 * math.pi, 5):
        dist = rng.uniform(0.35, 0.7) * R
        plan.city_blobs.append((x + dist * math.cos(ang), y + dist * math.sin(ang), rng.uniform(0.28, 0.48) * R))


def _plan_towns(rng, plan: _Plan, namer):
    L, s = plan.extent_m, plan.s
    area = (L / 1000) ** 2
    n = _count(12.0, area, 2)
    spacing = 0.6 * math.sqrt(area / (n + 3)) * 1000
    city = Point(plan.core["x"], plan.core["y"])
    hills = shapely.union_all(_hill_polys(plan))
    waters = shapely.union_all([w[0] for w in plan.water] + [p for p, _ in plan.subsidence])
    rivers = shapely.union_all([r[0] for r in plan.rivers])
    mines = shapely.union_all([m["geom"] for m in plan.mines] + [p for p, _ in plan.dumps])
    # Maps larger than the reference also hold county seats: small cities of their own.
    n_county = max(0, int(round(area / REF_AREA_KM2)) - 1)
    for k in range(n + n_county):
        county = k < n_county
        r = rng.uniform(3000.0, 4200.0) if county else rng.uniform(700.0, 1500.0) * s
        xs, ys = _uniform(rng, plan.bounds, 1.5 * r, 48)
        obstacles = [
            (city, plan.core["r"] + 2200 * s + r),
            (hills, 200 + r),
            (waters, 300 + r),
            (rivers, 150 + r),
            (mines, 600 * s + r),
        ]
        obstacles += [(Point(c["x"], c["y"]), spacing) for c in plan.centres[1:]]
        x, y = _best_point(xs, ys, obstacles)
        plan.centres.append(
            dict(
                x=x,
                y=y,
                r=r,
                strength=rng.uniform(0.25, 0.45) + 0.3 * county,
                name=f"{namer()} {'County' if county else 'Town'}",
                core=False,
            )
        )
        plan.city_blobs.append((x, y, 0.7 * r))
        for ang in rng.uniform(0, 2 * math.pi, int(rng.integers(1, 4))):
            dist = rng.uniform(0.3, 0.6) * r
            plan.city_blobs.append((x + dist * math.cos(ang), y + dist * math.sin(ang), rng.uniform(0.35, 0.55) * r))


def _plan_roads(rng, plan: _Plan):
    L, s = plan.extent_m, plan.s
    left, bottom, right, top = plan.bounds
    extent = box(left, bottom, right, top)
    c = plan.core
    # Local roads never cross water, pits, dumps or the reserve; main roads avoid them and hill cores.
    hard = shapely.union_all(
        [w[0] for w in plan.water]
        + [p for p, _ in plan.subsidence]
        + [p for p, _ in plan.dumps]
        + [m["geom"] for m in plan.mines if m["method"] == "open_pit"]
        + [p for p, _ in plan.reserves]
        + plan.meadows
        + plan.ponds
        + plan.marshes
    )
    hill_cores = shapely.union_all(_hill_polys(plan, 0.55))
    avoid = shapely.union(hard, hill_cores)
    shapely.prepare(hard)
    shapely.prepare(hill_cores)

    def penalty(line):
        return shapely.intersection(line, avoid).length

    def choose(cands):
        return cands[int(np.argmin([penalty(g) for g in cands]))]

    # Expressways: few, long, nearly straight, bypassing the core.
    n_exp = max(1, int(round(2 * L / REF_EXTENT_M)))  # long lines: their number grows with the side
    base = rng.uniform(0, math.pi)
    numbers = rng.permutation(np.arange(1, 100))
    for i in range(n_exp):
        cands = []
        for _ in range(8):
            ang = base + i * math.pi / n_exp + rng.normal(0, 0.12)
            d = np.array([math.cos(ang), math.sin(ang)])
            off = rng.uniform(0.65, 1.15) * c["r"] * (1 if rng.random() < 0.5 else -1)
            p = np.array([c["x"], c["y"]]) + off * np.array([-d[1], d[0]])
            if i >= 2 and L > 1.5 * REF_EXTENT_M:  # on big maps the others cross the region anywhere
                p = np.array([rng.uniform(left, right), rng.uniform(bottom, top)]) * 0.7 + 0.15 * np.array(
                    [left + right, bottom + top]
                )
            line = _wiggly(rng, p - 1.5 * L * d, p + 1.5 * L * d, amp_frac=0.012, step_m=300.0, harmonics=3)
            cands.append(_longest(line.intersection(extent)))
        cands = [g for g in cands if g is not None]
        if cands:
            plan.roads.append((choose(cands), "expressway", f"G{int(numbers[i])} Expressway"))
    # First-class highways join the city and towns (spanning tree plus loops), and leave the map.
    nodes = np.array([[ct["x"], ct["y"]] for ct in plan.centres])
    dist = np.hypot(*(nodes[:, None, :] - nodes[None, :, :]).transpose(2, 0, 1))
    mst = minimum_spanning_tree(dist).toarray()
    edges = sorted({(min(i, j), max(i, j)) for i, j in zip(*np.nonzero(mst), strict=True)})
    med = float(np.median([dist[i, j] for i, j in edges])) if edges else L
    for i in range(len(nodes)):
        order = np.argsort(dist[i])
        for j in order[1:3]:
            e = (min(i, int(j)), max(i, int(j)))
            if e not in edges and dist[e] < 1.5 * med:
                edges.append(e)
    edges.sort()
    segs = [(nodes[i], nodes[j]) for i, j in edges]
    for i, (x, y) in enumerate(nodes):
        gaps = [x - left, right - x, y - bottom, top - y]
        k = int(np.argmin(gaps))
        if i == 0 or gaps[k] < 0.22 * L:
            target = [(left - 10, y), (right + 10, y), (x, bottom - 10), (x, top + 10)][k]
            segs.append((nodes[i], np.array(target)))
    highway_no = 200 + rng.permutation(100)
    for k, (p0, p1) in enumerate(segs):
        cands = [_wiggly(rng, p0, p1, amp_frac=0.05, step_m=200.0) for _ in range(5)]
        line = _longest(choose(cands).intersection(extent))
        if line is not None:
            plan.roads.append((line, "highway", f"S{int(highway_no[k % 100])}"))
    # Local roads: a jittered, gappy grid of county and village roads over the whole map.
    sp = 2200.0
    phi = rng.normal(0, 0.08)
    n_side = int(math.ceil(1.5 * L / sp)) + 1
    ii, jj = np.meshgrid(np.arange(n_side), np.arange(n_side), indexing="ij")
    u = (jj - n_side / 2) * sp + rng.uniform(-0.25, 0.25, ii.shape) * sp
    v = (ii - n_side / 2) * sp + rng.uniform(-0.25, 0.25, ii.shape) * sp
    gx = (left + right) / 2 + u * math.cos(phi) - v * math.sin(phi)
    gy = (top + bottom) / 2 + u * math.sin(phi) + v * math.cos(phi)
    city_disc = Point(c["x"], c["y"]).buffer(0.8 * c["r"])
    local = []
    for i in range(n_side):
        for j in range(n_side):
            for di, dj, tag in ((0, 1, "row"), (1, 0, "col")):
                if i + di >= n_side or j + dj >= n_side:
                    continue
                # (Both draws are made for every segment, so the stream does not depend on the map.)
                keep = rng.random() < 0.82
                over_hill = rng.random() < 0.7  # some roads climb over the hills
                if not keep:
                    continue
                seg = LineString([(gx[i, j], gy[i, j]), (gx[i + di, j + dj], gy[i + di, j + dj])])
                if not seg.intersects(extent) or seg.intersects(city_disc) or seg.intersects(hard):
                    continue
                if seg.intersects(hill_cores) and not over_hill:
                    continue
                line = _longest(seg.intersection(extent))
                if line is not None:
                    num = i if tag == "row" else j
                    local.append((line, "local", f"X{(100 if tag == 'row' else 300) + num:03d}"))
    # Streets: a denser grid inside the city core.
    sp_c = 800.0 * max(s, 0.6)
    m = int(math.ceil(c["r"] / sp_c)) + 1
    disc = Point(c["x"], c["y"]).buffer(0.85 * c["r"])
    psi = phi + rng.normal(0, 0.1)
    for k in range(-m, m + 1):
        for horizontal in (True, False):
            a = np.array([-c["r"], k * sp_c]) if horizontal else np.array([k * sp_c, -c["r"]])
            b = np.array([c["r"], k * sp_c]) if horizontal else np.array([k * sp_c, c["r"]])
            rot = np.array([[math.cos(psi), -math.sin(psi)], [math.sin(psi), math.cos(psi)]])
            p0, p1 = rot @ a + (c["x"], c["y"]), rot @ b + (c["x"], c["y"])
            line = _longest(LineString([p0, p1]).intersection(disc).intersection(extent))
            if line is not None:
                kind = "East Road" if horizontal else "North Road"
                local.append((line, "local", f"{c['name'].removesuffix(' City')} {kind} {k + m + 1}"))
    plan.roads.extend(local)


def _plan_villages(rng, plan: _Plan):
    L, s = plan.extent_m, plan.s
    left, bottom, right, top = plan.bounds
    sp = 1150.0
    n = int(math.ceil(L / sp))
    ii, jj = np.meshgrid(np.arange(n), np.arange(n), indexing="ij")
    xs = left + (jj.ravel() + 0.5 + rng.uniform(-0.42, 0.42, ii.size)) * sp
    ys = top - (ii.ravel() + 0.5 + rng.uniform(-0.42, 0.42, ii.size)) * sp
    keep = rng.random(ii.size) < 0.85
    radius = np.clip(rng.lognormal(math.log(215.0), 0.3, ii.size), 120.0, 420.0)
    excl = shapely.union_all(
        [Point(ct["x"], ct["y"]).buffer(ct["r"] * (1.0 if ct["core"] else 1.25)) for ct in plan.centres]
        + _hill_polys(plan, 0.95)
        + [w[0].buffer(200) for w in plan.water]
        + [p.buffer(200) for p, _ in plan.subsidence]
        + [m["geom"].buffer(200) for m in plan.mines]
        + [p.buffer(150) for p, _ in plan.dumps]
        + [r[0].buffer(750 if r[3] else 300) for r in plan.rivers]
        + [p for p, _ in plan.reserves]
        + [p.buffer(100) for p in plan.meadows + plan.ponds + plan.marshes + plan.industry]
    )
    shapely.prepare(excl)
    keep &= ~shapely.intersects_xy(excl, xs, ys)
    keep &= (xs > left) & (xs < right) & (ys > bottom) & (ys < top)
    for x, y, r in zip(xs[keep], ys[keep], radius[keep], strict=True):
        plan.villages.append(_blob(rng, x, y, r, r * rng.uniform(0.55, 0.95), rng.uniform(0, math.pi), rough=0.35))
    # Urban parks (green space inside the core) and construction sites on its fringe.
    c = plan.core
    wet = shapely.union_all([w[0] for w in plan.water] + [r[0].buffer(r[2]) for r in plan.rivers])
    for k in range(6):
        ang = rng.uniform(0, 2 * math.pi, 16)
        dist = (rng.uniform(0.1, 0.6, 16) if k < 3 else rng.uniform(0.95, 1.1, 16)) * c["r"]
        r = (rng.uniform(250.0, 450.0) if k < 3 else rng.uniform(180.0, 320.0)) * s
        x, y = _best_point(c["x"] + dist * np.cos(ang), c["y"] + dist * np.sin(ang), [(wet, r)])
        blob = _blob(rng, x, y, r, 0.7 * r, rng.uniform(0, math.pi), rough=0.2)
        if k < 3:
            plan.parks.append((blob, 20 if rng.random() < 0.5 else 30))
        else:
            plan.construction.append(blob)


def _urban_fields(plan: _Plan, grid: Grid, edge: np.ndarray):
    """Built-up land of the city and towns (bool) and urban intensity U (0..1, 1 downtown)."""
    built = np.zeros(grid.shape, bool)
    U = np.zeros(grid.shape, np.float32)
    for x, y, r in plan.city_blobs:
        # A smooth noise moves the edge by up to a third of the radius: ragged, not speckled.
        win = _window(grid, x, y, 1.6 * r)
        if win is not None:
            sl, wx, wy = win
            built[sl] |= np.sqrt(_ellipse_e(wx, wy, r, r, 0.0)) < 1 + np.float32(0.22) * edge[sl]
    for c in plan.centres:
        r = c["r"] * (0.9 if c["core"] else 1.2)
        win = _window(grid, c["x"], c["y"], 3 * r)
        if win is not None:
            sl, wx, wy = win
            U[sl] = np.maximum(U[sl], np.float32(c["strength"]) * np.exp(-_ellipse_e(wx, wy, r, r, 0.0)))
    return built, U


def _townships(rng, plan: _Plan) -> gpd.GeoDataFrame:
    """Township boundaries that tile the extent: warped nearest-seat regions, simplified together."""
    left, bottom, right, top = plan.bounds
    L = plan.extent_m
    n = int(np.clip(L / 150.0, 60, 400))
    cs = L / n
    c = plan.core
    seats = [(ct["x"], ct["y"], ct["name"], "town") for ct in plan.centres[1:]]
    m = max(2, int(round(4 * c["r"] / 7000.0)))
    for k, ang in enumerate(np.linspace(0, 2 * math.pi, m, endpoint=False) + rng.uniform(0, math.pi)):
        seats.insert(
            k,
            (
                c["x"] + 0.45 * c["r"] * math.cos(ang),
                c["y"] + 0.45 * c["r"] * math.sin(ang),
                f"{plan.namer()} Subdistrict",
                "subdistrict",
            ),
        )
    # Rural townships fill what the towns leave (best-candidate sampling).
    spacing = math.sqrt(L * L / max(len(seats), 1)) * 0.9
    for _ in range(4 * len(seats)):
        xs, ys = _uniform(rng, plan.bounds, 0.0, 32)
        pts = np.array([(sx, sy) for sx, sy, *_ in seats])
        dmin = cKDTree(pts).query(np.column_stack([xs, ys]))[0]
        i = int(np.argmax(dmin))
        if dmin[i] < spacing:
            break
        seats.append((float(xs[i]), float(ys[i]), f"{plan.namer()} Township", "township"))
    # Warp the plane smoothly before assigning each cell to its nearest seat, so that boundaries
    # wander like real ones.
    ccs = (np.arange(n) + 0.5) * cs
    gx, gy = np.meshgrid(left + ccs, top - ccs)
    warp = 0.18 * spacing
    dx = _noise(rng, (n, n), cs, 6000.0, 4.0) * np.float32(warp)
    dy = _noise(rng, (n, n), cs, 6000.0, 4.0) * np.float32(warp)
    tree = cKDTree(np.array([(sx, sy) for sx, sy, *_ in seats]))
    labels = tree.query(np.column_stack([(gx + dx).ravel(), (gy + dy).ravel()]))[1].reshape(n, n) + 1
    # A region split by the warp keeps its largest piece; stray pieces join their neighbours.
    for k in range(1, len(seats) + 1):
        comp, nc = ndi.label(labels == k)
        if nc > 1:
            sizes = np.bincount(comp.ravel())[1:]
            labels[(comp > 0) & (comp != int(np.argmax(sizes)) + 1)] = 0
    if (labels == 0).any():
        idx = ndi.distance_transform_edt(labels == 0, return_distances=False, return_indices=True)
        labels = labels[idx[0], idx[1]]
    transform = Affine(cs, 0, left, 0, -cs, top)
    polys: dict[int, list] = {}
    for geom, val in features.shapes(labels.astype(np.int32), transform=transform, connectivity=4):
        polys.setdefault(int(val), []).append(shapely.geometry.shape(geom))
    keys = sorted(polys)
    merged = [shapely.union_all(polys[k]) for k in keys]
    # Simplifying the polygons as one coverage keeps shared borders shared (shapely >= 2.1);
    # without it the staircase borders stay, which still tile.
    simplify = getattr(shapely, "coverage_simplify", None)
    simple = simplify(np.array(merged, dtype=object), tolerance=1.2 * cs) if simplify else merged
    rows = []
    for k, geom in zip(keys, simple, strict=True):
        geom = _longest(shapely.make_valid(geom))
        _, _, name, kind = seats[k - 1]
        rows.append(dict(name=name, kind=kind, geometry=geom))
    return _gdf(rows)
