"""A study of several epochs (``[series]``): each year run into ``DIR/<year>/``, then the change
between them written to ``DIR/series/`` (docs/methods/series.md).

Each epoch is the study with that year's inputs (``Study.epochs``), run by the one pipeline
with ``reuse`` set to the folders of the earlier epochs: a stage whose inputs did not change
since an earlier year is linked from it, not run again. The comparison reads each epoch's
stage results: the land cover and the sources' labels (transitions, sources matched by
overlap), the corridors (gained and lost), the measures of
``econet.scenarios.validation.network_measures`` with the topology summary and the mean of each
indicator (trajectories), the nodes' topology and the correlations between node indicators.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from econet.config import Study
from econet.errors import LayerError, Problem, StudyError
from econet.pipeline import StudyRun, run_study
from econet.scenarios.validation import network_measures
from econet.series import (
    changes,
    correlation_change,
    corridor_changes,
    landscape_means,
    match_sources,
    trajectory_table,
    transition_matrix,
)
from econet.series.transitions import long_form

# Node metrics drawn per epoch (Tong et al. 2025, Figure 9: degree, betweenness and closeness
# centrality and the clustering coefficient).
TOPOLOGY = ("degree_centrality", "betweenness", "closeness", "clustering")


@dataclass
class Epoch:
    """What the comparison keeps of one epoch's run (its full results stay in its folder)."""

    year: int
    path: Path
    measures: dict
    landcover: np.ndarray
    valid: np.ndarray
    labels: np.ndarray
    sources: pd.DataFrame
    corridors: pd.DataFrame
    nodes: pd.DataFrame
    correlations: pd.DataFrame
    stages: dict

    @classmethod
    def of(cls, year: int, run: StudyRun) -> Epoch:
        r, L = run.results, run.landscape
        measures = network_measures(
            r["sources"], r["corridors"], r["connectivity"], r["network"], r["robustness"], r.get("summaries")
        )
        topology = {f"network_{k}": v for k, v in r["network"].summary.items() if isinstance(v, (int, float))}
        valid = L.valid_mask()
        means = landscape_means(r["indicators"].rasters, valid) if "indicators" in r else {}
        nodes = r["network"].network.node_table()
        return cls(
            year=year,
            path=run.path,
            measures={**measures, **topology, **means},
            landcover=L.landcover(),
            valid=valid,
            labels=r["sources"].labels,
            sources=r["sources"].table,
            corridors=r["corridors"].paths,
            nodes=nodes[["id"] + [c for c in TOPOLOGY if c in nodes]],
            correlations=r["network"].correlations,
            stages=run.folder.manifest.get("stages", {}),
        )

    def stages_run(self) -> list[str]:
        """The stages this epoch computed itself (not linked from an earlier epoch or its cache)."""
        return [n for n, e in self.stages.items() if not e.get("cached") and not e.get("skipped")]


@dataclass
class Interval:
    """The change from one epoch to the next."""

    before: int
    after: int
    transitions: pd.DataFrame  # km², from (rows) x to (columns)
    matching: object  # econet.series.matching.Matching
    corridors: pd.DataFrame  # econet.series.corridor_changes

    @property
    def name(self) -> str:
        return f"{self.before}_{self.after}"


@dataclass
class SeriesRun:
    """A finished series: its folder, the epochs in order, the intervals between them, the
    trajectory and change tables and the correlations per epoch with their change."""

    path: Path
    title: str
    classes: tuple
    grid: object
    epochs: list[Epoch] = field(default_factory=list)
    intervals: list[Interval] = field(default_factory=list)
    trajectories: pd.DataFrame | None = None
    changes: pd.DataFrame | None = None
    correlations: pd.DataFrame | None = None


def compare(before: Epoch, after: Epoch, cell_area_km2: float, tolerance: float = 0.05) -> Interval:
    """The change from ``before`` to ``after``: land-cover transitions over the cells both
    epochs cover, sources matched by overlap and corridors gained and lost."""
    transitions = transition_matrix(before.landcover, after.landcover, before.valid & after.valid, cell_area_km2)
    matching = match_sources(before.labels, after.labels, cell_area_km2, tolerance)
    corridors = corridor_changes(
        before.corridors, after.corridors, matching.event_of("before"), matching.event_of("after")
    )
    return Interval(before.year, after.year, transitions, matching, corridors)


def epoch_problems(study: Study, out_dir=None) -> list[Problem]:
    """What ``econet validate`` and a run check in every epoch before any stage runs: its
    layers (as ``data_problems``, each problem tagged with its year), the room a run needs,
    and one grid for all epochs (the comparison is cell by cell)."""
    from econet.config import data_problems, landscape_of
    from econet.io.run import room_problems

    problems, first = [], None
    for year, epoch in study.epochs().items():
        try:
            landscape = landscape_of(epoch)
        except StudyError as exc:
            problems += [Problem(f"{p.where} ({year})", p.message) for p in exc.problems]
            continue
        except LayerError as exc:
            problems.append(Problem(f"layers.{exc.layer} ({year})", str(exc)))
            continue
        grid = landscape.grid
        if first is None:
            first = grid
            room = [Problem("study.cell_size_m", p) for p in room_problems(grid.height * grid.width, out_dir)]
            if room:  # before reading any data onto a grid too large for memory
                return room
        elif grid.to_dict() != first.to_dict():
            template = study.study.template
            problems.append(
                Problem(
                    f"series.layers.{year}.{template}",
                    f"the template layer of {year} gives another grid ({grid.width} x {grid.height} cells of "
                    f"{grid.cell_size_m:g} m) than the first year's ({first.width} x {first.height} of "
                    f"{first.cell_size_m:g} m); epochs are compared cell by cell: give every year's land cover on "
                    "one grid, or set study.cell_size_m and a template that does not change",
                )
            )
            continue
        problems += [Problem(f"{p.where} ({year})", p.message) for p in data_problems(epoch, landscape)]
    return problems


def run_series(study: Study, out_dir, *, quiet: bool = False, study_path: str | None = None) -> SeriesRun:
    """Run every epoch of ``study`` into ``out_dir/<year>/`` (each reusing the stages of the
    earlier ones whose inputs did not change), then compare them into ``out_dir/series/`` and
    write ``out_dir/report.html``. Every epoch's inputs are checked first."""
    out = Path(out_dir)
    problems = epoch_problems(study, out)
    if problems:
        raise StudyError(problems, "inputs")
    say = (lambda *a: None) if quiet else _printer()
    done: list[Path] = []
    result = None
    for year, epoch_study in study.epochs().items():
        say(f"epoch {year}")
        run = run_study(
            epoch_study, out / str(year), quiet=quiet, study_path=study_path, reuse=tuple(done), check_data=False
        )
        done.append(out / str(year))
        if result is None:
            result = SeriesRun(out, study.study.name, run.landscape.classes, run.landscape.grid)
        result.epochs.append(Epoch.of(year, run))
        del run
    cell_km2 = result.grid.cell_area_m2 / 1e6
    result.intervals = [compare(a, b, cell_km2) for a, b in zip(result.epochs, result.epochs[1:])]
    result.trajectories = trajectory_table({e.year: e.measures for e in result.epochs})
    result.changes = changes(result.trajectories)
    result.correlations = correlation_change({e.year: e.correlations for e in result.epochs})
    write_series(result)
    return result


def write_series(series: SeriesRun) -> dict[str, Path]:
    """The comparison's tables, vector layers and report (``series.path``/series/ and
    ``series.path``/report.html)."""
    from econet.io import write_csv, write_vector
    from econet.report.series import write_series_report

    out = series.path / "series"
    names = {c.code: c.name for c in series.classes}
    paths = {
        "trajectories": write_csv(out / "trajectories.csv", series.trajectories),
        "changes": write_csv(out / "changes.csv", series.changes),
        "correlations": write_csv(out / "correlations.csv", series.correlations),
    }
    transitions, sources, events, corridors, layers = [], [], [], [], {}
    for iv in series.intervals:
        head = {"from_year": iv.before, "to_year": iv.after}
        transitions.append(long_form(iv.transitions, names).assign(**head))
        m = iv.transitions.copy()
        m.index = [f"{c} {names.get(c, '')}".strip() for c in m.index]
        m.columns = [f"{c} {names.get(c, '')}".strip() for c in m.columns]
        paths[f"transitions_{iv.name}"] = write_csv(out / f"transitions_{iv.name}.csv", m.reset_index(names="from"))
        sources.append(iv.matching.sources.assign(**head))
        events.append(iv.matching.events.assign(**head))
        corridors.append(pd.DataFrame(iv.corridors.drop(columns="geometry")).assign(**head))
        layers[iv.name] = (source_change_layer(series, iv), iv.corridors)
    first = ["from_year", "to_year"]
    for name, parts in (("transitions", transitions), ("source_matching", sources), ("source_events", events)):
        table = pd.concat(parts, ignore_index=True)
        paths[name] = write_csv(out / f"{name}.csv", table[first + [c for c in table.columns if c not in first]])
    table = pd.concat(corridors, ignore_index=True)
    paths["corridor_changes"] = write_csv(
        out / "corridor_changes.csv", table[first + [c for c in table.columns if c not in first]]
    )
    paths["nodes"] = write_csv(
        out / "nodes.csv", pd.concat([e.nodes.assign(year=e.year) for e in series.epochs], ignore_index=True)
    )
    paths["sources_gpkg"] = write_vector(out / "sources_change.gpkg", {f"sources_{k}": v[0] for k, v in layers.items()})
    paths["corridors_gpkg"] = write_vector(
        out / "corridors_change.gpkg", {f"corridors_{k}": v[1] for k, v in layers.items()}
    )
    paths["report"] = write_series_report(series, layers, TOPOLOGY)
    return paths


def source_change_layer(series: SeriesRun, interval: Interval):
    """The sources of an interval for GIS: the later epoch's sources with their status and the
    earlier epoch's lost ones (``side`` says which), one polygon each."""
    import geopandas as gpd

    by_year = {e.year: e for e in series.epochs}
    parts = []
    for side, year in (("after", interval.after), ("before", interval.before)):
        table = by_year[year].sources[["id", "area_km2", "geometry"]]
        status = interval.matching.sources
        status = status[status["side"] == side][["id", "event", "status"]]
        part = table.merge(status, on="id", how="inner")
        if side == "before":
            part = part[part["status"] == "lost"]
        parts.append(part.assign(side=side, year=year))
    frame = pd.concat(parts, ignore_index=True)
    columns = ["side", "year", "id", "event", "status", "area_km2", "geometry"]
    return gpd.GeoDataFrame(frame[columns], geometry="geometry", crs=series.grid.crs)


def stage_runs(series: SeriesRun) -> dict[str, int]:
    """How many epochs computed each stage (the rest linked it from an earlier epoch)."""
    count: dict[str, int] = {}
    for e in series.epochs:
        for name, entry in e.stages.items():
            if not entry.get("skipped"):
                count[name] = count.get(name, 0) + (0 if entry.get("cached") else 1)
    return count


def _printer():
    from rich.console import Console
    from rich.markup import escape

    err = Console(stderr=True)
    return lambda text: err.print(f"[bold]series[/bold] {escape(text)}", highlight=False)


__all__ = ["Epoch", "Interval", "SeriesRun", "compare", "epoch_problems", "run_series", "stage_runs", "write_series"]
