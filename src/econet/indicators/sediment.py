"""Sediment retention: RUSLE with InVEST's sediment delivery ratio (Feng et al. 2024, eq. 2;
docs/methods/indicators.md).

Follows InVEST SDR (D8 routing): depressions filled by pyflwdir (Wang & Liu 2006 priority flood;
every edge cell is an outlet), D8 by steepest descent with flats drained to their nearest outlet
(pygeoprocessing's rule); slope by Horn's method; LS after Desmet &
Govers with the square root of the contributing area (InVEST's choice), m by slope class;
RKLS = R K LS and USLE = RKLS C P off streams (cells whose flow accumulation exceeds the
threshold); connectivity IC = log10(D_up / D_dn) with D_up = W̄ S̄ √(A) and D_dn the sum of
1/(W S) down the flow path to the first stream cell (in cells, as InVEST); SDR =
SDR_max / (1 + exp((IC0 - IC)/k)), 1 on streams. Sediment retention is the erosion that
vegetation and practice avoid, times the share that would have reached a stream:
SR = RKLS (1 - C P) SDR (t/(ha·a)), InVEST's avoided export without its deposition term.
Cells whose flow never meets a stream have no SDR (NaN), as in InVEST.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass

import numba
import numpy as np
import pyflwdir

from econet.rasterops import slope_deg

_NODATA = -9999.0


@dataclass
class SedimentResult:
    """Per-cell RUSLE products (t/(ha·a)) and the SDR chain, float32, NaN where undefined."""

    rkls: np.ndarray  # potential soil loss R K LS (bare, no practice)
    usle: np.ndarray  # soil loss R K LS C P
    sdr: np.ndarray  # sediment delivery ratio
    sed_export: np.ndarray  # USLE x SDR
    avoided_erosion: np.ndarray  # RKLS - USLE
    retention: np.ndarray  # (RKLS - USLE) x SDR
    streams: np.ndarray  # bool
    flow_accumulation: np.ndarray  # cells draining through each cell, itself included


# The eight neighbours in InVEST's (pygeoprocessing's) order E, NE, N, NW, W, SW, S, SE, with
# their pyflwdir D8 codes.
_NEIGHBOURS = ((0, 1, 1), (-1, 1, 128), (-1, 0, 64), (-1, -1, 32), (0, -1, 16), (1, -1, 8), (1, 0, 4), (1, 1, 2))


_DR = np.array([n[0] for n in _NEIGHBOURS])
_DC = np.array([n[1] for n in _NEIGHBOURS])
_CODE = np.array([n[2] for n in _NEIGHBOURS], np.uint8)
# Elevations closer than this (m) are one flat: a filled depression's cells carry float32
# round-off from the fill (z1 + (z0 - z1)), far below any DEM's resolution.
FLAT_TOLERANCE_M = 1e-4


def d8_steepest(filled: np.ndarray, flood_d8: np.ndarray) -> np.ndarray:
    """D8 directions (pyflwdir codes) on a depression-filled DEM, as pygeoprocessing's D8 (which
    InVEST uses): steepest descent, the first neighbour in E, NE, N, NW, W, SW, S, SE order
    winning ties; a flat drains to its nearest outflowing cell along the shortest path in
    steps of 1 and √2. Flats with no outflowing cell keep pyflwdir's flood direction."""
    z = np.pad(filled.astype(np.float64), 1, constant_values=np.nan)
    h, w = filled.shape
    best = np.full((h, w), FLAT_TOLERANCE_M)
    out = flood_d8.copy()
    for dr, dc, code in _NEIGHBOURS:
        drop = z[1:-1, 1:-1] - z[1 + dr : 1 + dr + h, 1 + dc : 1 + dc + w]
        if dr and dc:
            drop = drop / np.sqrt(2.0)
        steeper = np.nan_to_num(drop, nan=-1.0) > best
        best = np.where(steeper, drop, best)
        out = np.where(steeper, np.uint8(code), out)
    has_dir = best > FLAT_TOLERANCE_M
    _drain_flats(filled.astype(np.float64), has_dir, out, _DR, _DC, _CODE, FLAT_TOLERANCE_M)
    return out


@numba.njit(cache=True)
def _drain_flats(z, has_dir, d8, dr, dc, code, tol):
    # Multi-source Dijkstra over each flat from its outflowing cells, moving only between cells
    # of (nearly) equal height; each flat cell then points one step towards its nearest outlet.
    h, w = z.shape
    dist = np.full((h, w), np.inf)
    heap = [(0.0, 0, 0)]
    heap.pop()
    for r in range(h):
        for c in range(w):
            if not has_dir[r, c] or not np.isfinite(z[r, c]):
                continue
            for k in range(8):
                rr, cc = r + dr[k], c + dc[k]
                if 0 <= rr < h and 0 <= cc < w and not has_dir[rr, cc] and abs(z[rr, cc] - z[r, c]) <= tol:
                    dist[r, c] = 0.0
                    heapq.heappush(heap, (0.0, r, c))
                    break
    while len(heap) > 0:
        d, r, c = heapq.heappop(heap)
        if d > dist[r, c]:
            continue
        for k in range(8):
            rr, cc = r + dr[k], c + dc[k]
            if rr < 0 or rr >= h or cc < 0 or cc >= w or has_dir[rr, cc]:
                continue
            if not abs(z[rr, cc] - z[r, c]) <= tol:
                continue
            nd = d + (1.4142135623730951 if k % 2 == 1 else 1.0)
            if nd < dist[rr, cc]:
                dist[rr, cc] = nd
                d8[rr, cc] = code[(k + 4) % 8]  # the opposite direction: from (rr, cc) back to (r, c)
                heapq.heappush(heap, (nd, rr, cc))


@numba.njit(cache=True)
def _distance_down_to_stream(seq, idxs_ds, weight, stream, out):
    # seq runs from outlets upstream, so a cell's downstream neighbour is always done first.
    for i in seq:
        if stream[i]:
            out[i] = 0.0
        else:
            j = idxs_ds[i]
            out[i] = np.nan if j == i else out[j] + weight[i]


def ls_factor(slope_percent: np.ndarray, flow_accumulation: np.ndarray, cell_size_m: float, l_max: float):
    """InVEST's LS (Desmet & Govers 1996 with the S of McCool et al.), slope in percent."""
    cell_area = cell_size_m**2
    A = np.sqrt((flow_accumulation.astype(np.float64) - 1) * cell_area)
    theta = np.arctan(slope_percent.astype(np.float64) / 100)
    aspect = np.abs(np.sin(theta)) + np.abs(np.cos(theta))
    S = np.where(slope_percent < 9, 10.8 * np.sin(theta) + 0.03, 16.8 * np.sin(theta) - 0.5)
    beta = (np.sin(theta) / 0.0896) / (3 * np.sin(theta) ** 0.8 + 0.56)
    m = np.array([0.2, 0.3, 0.4, 0.5])[np.digitize(np.minimum(slope_percent, 9.0), [1.0, 3.5, 5.0, 9.0], right=True)]
    m = np.where(slope_percent > 9, beta / (1 + beta), m)
    L = ((A + cell_area) ** (m + 1) - A ** (m + 1)) / (cell_size_m ** (m + 2) * aspect**m * 22.13**m)
    return np.minimum(L, l_max) * S


def sediment_retention(
    dem: np.ndarray,
    erosivity: np.ndarray,
    erodibility: np.ndarray,
    usle_c: np.ndarray,
    usle_p: np.ndarray,
    cell_size_m: float,
    threshold_flow_accumulation: int = 1000,
    k: float = 2.0,
    ic0: float = 0.5,
    sdr_max: float = 0.8,
    l_max: float = 122.0,
) -> SedimentResult:
    """InVEST SDR per cell. ``erosivity`` R in MJ mm/(ha h a), ``erodibility`` K in t ha h/(ha MJ mm),
    ``usle_c`` and ``usle_p`` the class factors mapped on the grid; InVEST's defaults for the rest."""
    dem = np.asarray(dem, np.float32)
    valid = np.isfinite(dem)
    filled, d8 = pyflwdir.dem.fill_depressions(np.where(valid, dem, np.float32(_NODATA)), nodata=_NODATA)
    flw = pyflwdir.from_array(d8_steepest(filled, d8), ftype="d8", check_ftype=False)
    filled = np.where(valid, filled, np.nan).astype(np.float32)
    slope_pct = (np.tan(np.radians(slope_deg(filled, cell_size_m).astype(np.float64))) * 100).astype(np.float64)
    fa = flw.upstream_area(unit="cell").astype(np.float64)
    fa[~valid] = np.nan
    streams = valid & (fa > threshold_flow_accumulation)
    with np.errstate(invalid="ignore", divide="ignore"):
        ls = ls_factor(slope_pct, fa, cell_size_m, l_max)
    R, K = np.asarray(erosivity, np.float64), np.asarray(erodibility, np.float64)
    C, P = np.asarray(usle_c, np.float64), np.asarray(usle_p, np.float64)
    rkls = np.where(streams | ~valid, np.nan, ls * R * K)
    usle = rkls * C * P
    w = np.maximum(np.nan_to_num(C, nan=0.0), 0.001)
    s = np.clip(slope_pct / 100, 0.005, 1.0)
    w_bar = flw.accuflux(np.where(valid, w, 0.0)) / fa
    s_bar = flw.accuflux(np.where(valid, s, 0.0)) / fa
    d_up = w_bar * s_bar * np.sqrt(fa * cell_size_m**2)
    d_dn = np.full(dem.size, np.nan)
    _distance_down_to_stream(flw.idxs_seq, flw.idxs_ds, (1.0 / (w * s)).ravel(), streams.ravel(), d_dn)
    d_dn = d_dn.reshape(dem.shape)
    with np.errstate(invalid="ignore", divide="ignore"):
        ic = np.where((d_dn > 0) & (d_up > 0), np.log10(d_up / d_dn), np.nan)
        sdr = sdr_max / (1 + np.exp((ic0 - ic) / k))
    sdr = np.where(streams, 1.0, sdr)
    sdr[~valid] = np.nan
    avoided = rkls - usle
    f32 = np.float32
    return SedimentResult(
        rkls=rkls.astype(f32),
        usle=usle.astype(f32),
        sdr=sdr.astype(f32),
        sed_export=(usle * sdr).astype(f32),
        avoided_erosion=avoided.astype(f32),
        retention=(avoided * sdr).astype(f32),
        streams=streams,
        flow_accumulation=fa.astype(f32),
    )


__all__ = ["SedimentResult", "d8_steepest", "ls_factor", "sediment_retention"]
