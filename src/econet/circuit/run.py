"""Runs a Circuitscape .ini end to end: read inputs, solve, write Circuitscape's outputs."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from econet.circuit import ini
from econet.circuit.currents import branch_currents, node_currents
from econet.circuit.graph import Graph, conductance_from, network_graph, raster_graph
from econet.circuit.ini import NODATA, CircuitscapeError, Options
from econet.circuit.modes import EMPTY, advanced, one_to_all, pairwise, pairwise_regions
from econet.errors import LayerError


@dataclass
class RunSummary:
    mode: str
    nodes: int
    solver: str
    written: list[Path] = field(default_factory=list)


def run_circuitscape(path, solver: str = "auto") -> RunSummary:
    """Run the .ini at ``path`` (relative paths inside it resolve from the working directory)."""
    opts = ini.read_ini(path)
    if solver == "ini":
        solver = "direct" if opts.get("solver", "cg+amg").lower() in ("cholmod", "pardiso", "mkl_pardiso") else "amg"
    if opts.data_type == "network":
        return _run_network(opts, solver)
    return _run_raster(opts, solver)


# ---------------------------------------------------------------- raster
def _habitat(opts: Options):
    hpath = opts.path("habitat_file")
    if hpath is None:
        raise CircuitscapeError("habitat_file is not set in the .ini")
    vals, nodata, header = ini.read_grid(hpath, "habitat_file")
    g = conductance_from(vals, nodata, opts.flag("habitat_map_is_resistances", True), "habitat_file")
    if opts.flag("use_mask"):
        mpath = opts.path("mask_file")
        if mpath is None:
            raise CircuitscapeError("use_mask = True but mask_file is not set")
        m, mnod, _ = ini.read_grid(mpath, "mask_file")
        _same_shape(m, g, "mask_file")
        g = np.where(mnod | (m <= 0), 0.0, g)
    return g, header


def _same_shape(a, g, key):
    if a.shape != g.shape:
        raise LayerError(key, f"grid is {a.shape[0]} x {a.shape[1]}, the habitat grid {g.shape[0]} x {g.shape[1]}")


def _polygon_groups(opts: Options, g) -> list[np.ndarray]:
    if not opts.flag("use_polygons"):
        return []
    ppath = opts.path("polygon_file")
    if ppath is None:
        raise CircuitscapeError("use_polygons = True but polygon_file is not set")
    poly, pnod, _ = ini.read_grid(ppath, "polygon_file")
    _same_shape(poly, g, "polygon_file")
    flat = np.where(pnod | (poly <= 0), 0, poly).ravel()
    cells = np.nonzero(flat)[0]
    order = np.argsort(flat[cells], kind="stable")
    cells = cells[order]
    _, starts = np.unique(flat[cells], return_index=True)
    return [c for c in np.split(cells, starts[1:]) if c.size > 1]


def _run_raster(opts: Options, solver: str) -> RunSummary:
    g, header = _habitat(opts)
    groups = _polygon_groups(opts, g)
    base = opts.output_base
    scen = opts.scenario
    if scen == "advanced":
        return _raster_advanced(opts, g, header, groups, base, solver)
    ppath = opts.path("point_file")
    if ppath is None:
        raise CircuitscapeError(f"point_file is not set; {scen} mode needs focal nodes")
    points = ini.focal_points(ppath, g, header)
    if not points:
        raise LayerError("point_file", f"{ppath} holds no focal node with a positive ID inside the grid")
    four = opts.flag("connect_four_neighbors_only")
    avg_r = opts.flag("connect_using_avg_resistances")

    def build(extra):
        return raster_graph(g, four_neighbours=four, average_resistance=avg_r, groups=groups + extra)

    if scen == "pairwise" and opts.flag("use_included_pairs"):
        ipath = opts.path("included_pairs_file")
        if ipath is None:
            raise CircuitscapeError("use_included_pairs = True but included_pairs_file is not set")
        if not ipath.exists():
            raise LayerError("included_pairs_file", f"{ipath} does not exist")
        keep = ini.listed_ids(ipath)
        if keep is not None:
            points = {i: c for i, c in points.items() if i in keep}
    ids = np.array(sorted(points), dtype=np.int64)
    cells = [points[i] for i in ids]
    regions = [c for c in cells if c.size > 1]
    # one-to-all and all-to-one short-circuit every focal region at once; pairwise only the pair's
    graph = build(regions)
    cur_maps = opts.flag("write_cur_maps")
    volt_maps = opts.flag("write_volt_maps")
    cum_only = opts.flag("write_cum_cur_map_only")
    compress = opts.flag("compress_grids")
    null_cur = opts.flag("set_null_currents_to_nodata")
    null_volt = opts.flag("set_null_voltages_to_nodata")
    log_maps = opts.flag("log_transform_maps")
    max_maps = opts.flag("write_max_cur_maps")
    summary = RunSummary(f"raster {scen}", graph.n, "")

    def finish_cur(grid, has_node):
        out = np.where(has_node, grid, NODATA if null_cur else 0.0)
        if log_maps:
            with np.errstate(divide="ignore", invalid="ignore"):
                out = np.where(out > 0, np.log10(np.where(out > 0, out, 1.0)), NODATA)
        return out

    def cur_grid(node_vals, gr=graph):
        return finish_cur(gr.to_grid(node_vals), gr.node_of_cell >= 0)

    def volt_grid(node_vals, gr=graph):
        return gr.to_grid(node_vals, NODATA if null_volt else 0.0)

    if scen == "pairwise":
        included = None
        if opts.flag("use_included_pairs"):
            ipath = opts.path("included_pairs_file")
            if ipath is None:
                raise CircuitscapeError("use_included_pairs = True but included_pairs_file is not set")
            included = ini.included_pairs(ipath, ids)

        def on_pair(i, j, volts, amps, gr=graph):
            a, b = ids[i], ids[j]
            if cur_maps:
                grid = cur_grid(amps, gr)
                summary.written.append(ini.write_asc(f"{base}_curmap_{a}_{b}.asc", grid, header, compress))
            if volt_maps:
                grid = volt_grid(volts, gr)
                summary.written.append(ini.write_asc(f"{base}_voltmap_{a}_{b}.asc", grid, header, compress))

        hook = on_pair if (cur_maps or volt_maps) and not cum_only else None
        if regions:
            out = pairwise_regions(build, ids, cells, included, solver, cur_maps, max_maps, hook)
            has_node = graph.node_of_cell >= 0
            cum = None if out.cumulative is None else finish_cur(out.cumulative, has_node)
            mx = None if out.maximum is None else finish_cur(out.maximum, has_node)
        else:
            nodes = graph.node_of_cell.ravel()
            fnodes = np.array([nodes[c[0]] for c in cells], dtype=np.int64)
            out = pairwise(graph, ids, fnodes, included, solver, cur_maps, max_maps, hook)
            cum = None if out.cumulative is None else cur_grid(out.cumulative)
            mx = None if out.maximum is None else cur_grid(out.maximum)
        summary.solver = out.solver
        summary.written += ini.write_resistances(base, ids, out.resistance)
        if cur_maps:
            cum = cur_grid(np.zeros(graph.n)) if cum is None else cum
            summary.written.append(ini.write_asc(f"{base}_cum_curmap.asc", cum, header, compress))
            if max_maps:
                mx = cur_grid(np.zeros(graph.n)) if mx is None else mx
                summary.written.append(ini.write_asc(f"{base}_max_curmap.asc", mx, header, compress))
        return summary

    nodes = graph.node_of_cell.ravel()
    fnodes = np.array([nodes[c[0]] for c in cells], dtype=np.int64)
    strengths = _variable_strengths(opts, ids)

    def on_id(i, volts, amps):
        if cur_maps and not cum_only:
            summary.written.append(ini.write_asc(f"{base}_curmap_{ids[i]}.asc", cur_grid(amps), header, compress))
        if volt_maps and not cum_only:
            summary.written.append(ini.write_asc(f"{base}_voltmap_{ids[i]}.asc", volt_grid(volts), header, compress))

    out = one_to_all(graph, ids, fnodes, strengths, all_to_one=scen == "all-to-one", method=solver, on_id=on_id)
    summary.solver = solver
    summary.written.append(ini.write_two_columns(f"{base}_resistances.out", ids, out.resistance))
    if cur_maps:
        summary.written.append(ini.write_asc(f"{base}_cum_curmap.asc", cur_grid(out.cumulative), header, compress))
    return summary


def _variable_strengths(opts: Options, ids: np.ndarray):
    if not opts.flag("use_variable_source_strengths"):
        return None
    vpath = opts.path("variable_source_file")
    if vpath is None:
        raise CircuitscapeError("use_variable_source_strengths = True but variable_source_file is not set")
    tab = ini.read_table(vpath, "variable_source_file")
    given = {int(r[0]): float(r[1]) for r in tab}
    return np.array([given.get(int(i), 1.0) for i in ids])


def _sources_grounds(opts: Options, src: np.ndarray, gnd: np.ndarray):
    """Apply use_unit_currents, use_direct_grounds and remove_src_or_gnd (values per node or cell)."""
    if opts.flag("use_unit_currents"):
        src = np.where(src != 0, 1.0, 0.0)
    if opts.flag("use_direct_grounds"):
        gnd = np.where(gnd > 0, np.inf, 0.0)
    both = (src != 0) & (gnd > 0)
    rule = opts.get("remove_src_or_gnd", "keepall").lower()
    if np.any(both):
        if rule in ("rmvsrc", "rmvall"):
            src = np.where(both, 0.0, src)
        if rule in ("rmvgnd", "rmvall"):
            gnd = np.where(both, 0.0, gnd)
    return src, gnd


def _ground_conductance(vals, is_resistance):
    with np.errstate(divide="ignore"):
        if is_resistance:
            return np.where(vals < 0, 0.0, np.where(vals == 0, np.inf, 1.0 / np.where(vals == 0, 1.0, vals)))
        return np.where(vals > 0, vals, 0.0)


def _raster_advanced(opts, g, header, groups, base, solver) -> RunSummary:
    spath, gpath = opts.path("source_file"), opts.path("ground_file")
    if spath is None or gpath is None:
        raise CircuitscapeError("advanced mode needs source_file and ground_file")
    s, snod, _ = ini.read_grid(spath, "source_file")
    gr, gnod, _ = ini.read_grid(gpath, "ground_file")
    _same_shape(s, g, "source_file")
    _same_shape(gr, g, "ground_file")
    s = np.where(snod, 0.0, s)
    gc = np.where(gnod, 0.0, _ground_conductance(np.where(gnod, -1.0, gr), opts.flag("ground_file_is_resistances")))
    s, gc = _sources_grounds(opts, s, gc)
    # sources and grounds on cells without habitat carry nothing (a short-circuit polygon over
    # NODATA keeps its node, but not the current or ground placed there: mgVerify1)
    s = np.where(g > 0, s, 0.0)
    gc = np.where(g > 0, gc, 0.0)
    graph = raster_graph(
        g,
        four_neighbours=opts.flag("connect_four_neighbors_only"),
        average_resistance=opts.flag("connect_using_avg_resistances"),
        groups=groups,
    )
    nodes = graph.node_of_cell.ravel()
    on = nodes >= 0
    src = np.zeros(graph.n)
    np.add.at(src, nodes[on], s.ravel()[on])
    gnd = np.zeros(graph.n)
    np.add.at(gnd, nodes[on], gc.ravel()[on])
    out = advanced(graph, src, gnd, method=solver)
    summary = RunSummary("raster advanced", graph.n, out.solver)
    compress = opts.flag("compress_grids")
    if opts.flag("write_cur_maps"):
        grid = graph.to_grid(out.current, NODATA if opts.flag("set_null_currents_to_nodata") else 0.0)
        summary.written.append(ini.write_asc(f"{base}_curmap.asc", grid, header, compress))
    if opts.flag("write_volt_maps"):
        grid = graph.to_grid(out.voltage, NODATA if opts.flag("set_null_voltages_to_nodata") else 0.0)
        summary.written.append(ini.write_asc(f"{base}_voltmap.asc", grid, header, compress))
    return summary


# ---------------------------------------------------------------- network
def _run_network(opts: Options, solver: str) -> RunSummary:
    hpath = opts.path("habitat_file")
    if hpath is None:
        raise CircuitscapeError("habitat_file (the graph edge list) is not set in the .ini")
    tab = ini.read_table(hpath, "habitat_file")
    if tab.shape[1] < 3:
        raise LayerError("habitat_file", f"{hpath}: expected lines 'node1 node2 value'")
    graph, node_ids = network_graph(tab[:, 0], tab[:, 1], tab[:, 2], opts.flag("habitat_map_is_resistances", True))
    index = {float(x): k for k, x in enumerate(node_ids)}
    base = opts.output_base
    summary = RunSummary(f"network {opts.scenario}", graph.n, "")
    if opts.scenario == "advanced":
        src = np.zeros(graph.n)
        gnd = np.zeros(graph.n)
        for r in ini.read_table(opts.path("source_file"), "source_file"):
            if float(r[0]) in index:
                src[index[float(r[0])]] += r[1]
        gvals = ini.read_table(opts.path("ground_file"), "ground_file")
        gcond = _ground_conductance(gvals[:, 1], opts.flag("ground_file_is_resistances"))
        for r, gv in zip(gvals, gcond):
            if float(r[0]) in index:
                gnd[index[float(r[0])]] += gv
        src, gnd = _sources_grounds(opts, src, gnd)
        out = advanced(graph, src, gnd, method=solver)
        summary.solver = out.solver
        summary.written.append(ini.write_two_columns(f"{base}_voltages.txt", node_ids, out.voltage))
        summary.written.append(ini.write_two_columns(f"{base}_node_currents.txt", node_ids, out.current))
        bc = branch_currents(graph.u, graph.v, graph.w, out.voltage)
        summary.written.append(_branch_file(f"{base}_branch_currents.txt", graph, node_ids, bc))
        return summary
    if opts.scenario != "pairwise":
        raise CircuitscapeError(f"network mode supports pairwise and advanced, not {opts.scenario}")
    focal = ini.read_table(opts.path("point_file"), "point_file")[:, 0]
    ids = np.unique(focal)
    fnodes = np.array([index.get(float(i), -1) for i in ids], dtype=np.int64)
    cum_b = np.zeros(graph.u.size)
    cum_n = np.zeros(graph.n)
    cur_maps, volt_maps = opts.flag("write_cur_maps"), opts.flag("write_volt_maps")

    label = graph.components()

    def on_pair(i, j, volts, amps):
        a, b = _tag(ids[i]), _tag(ids[j])
        bc = branch_currents(graph.u, graph.v, graph.w, volts)
        cum_b[:] += bc
        cum_n[:] += amps
        mine = label == label[fnodes[i]]  # per-pair tables list the pair's component only
        if cur_maps:
            summary.written.append(_branch_file(f"{base}_branch_currents_{a}_{b}.txt", graph, node_ids, bc))
            path = f"{base}_node_currents_{a}_{b}.txt"
            summary.written.append(ini.write_two_columns(path, node_ids[mine], amps[mine]))
        if volt_maps:
            path = f"{base}_voltages_{a}_{b}.txt"
            summary.written.append(ini.write_two_columns(path, node_ids[mine], volts[mine]))

    out = pairwise(graph, ids, fnodes, method=solver, currents=False, on_pair=on_pair)
    summary.solver = out.solver
    summary.written += ini.write_resistances(base, ids, out.resistance)
    if cur_maps:
        summary.written.append(_branch_file(f"{base}_branch_currents_cum.txt", graph, node_ids, cum_b))
        summary.written.append(ini.write_two_columns(f"{base}_node_currents_cum.txt", node_ids, cum_n))
    return summary


def _tag(x) -> str:
    x = float(x)
    return str(int(x)) if x == int(x) else repr(x)


def _branch_file(path, graph: Graph, node_ids, currents) -> Path:
    """Branches carrying current (|I| below 1e-8 of the largest are dropped, as Circuitscape does)."""
    top = currents.max() if currents.size else 0.0
    keep = currents > 1e-8 * top if top > 0 else np.zeros(currents.size, dtype=bool)
    return ini.write_branches(path, node_ids[graph.u[keep]], node_ids[graph.v[keep]], currents[keep])


__all__ = ["RunSummary", "run_circuitscape", "node_currents", "EMPTY"]
