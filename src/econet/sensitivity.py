"""``econet sensitivity``: the study run many times with its weights and thresholds drawn within
stated ranges, and what the runs say together (docs/methods/sensitivity.md).

The study runs once as it is, into ``DIR/baseline/``. Each sample is the study with the drawn
values written over its keys (``econet.config.overrides.with_overrides``; ranges from
``[sensitivity]``), run by the one pipeline into ``DIR/samples/<i>/`` and reusing every stage of
the baseline whose inputs the draw does not reach. Of a finished sample only its measures
(``econet.scenarios.validation.network_measures``, as ``econet optimise`` validates scenarios)
and its source and corridor cells (added to per-cell counts) are kept, so memory does not grow
with the number of samples. Every draw is made before the first run, from streams seeded by the
seed, so the same seed gives the same ensemble.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from econet.config import Study
from econet.config.overrides import with_overrides
from econet.config.sensitivity import THRESHOLDS, SensitivitySection
from econet.ensemble import Design, Draws, Threshold, WeightTable, draw
from econet.ensemble.aggregate import corridor_mask, frequency, rank_correlations, source_mask, spread, strongest
from econet.errors import Problem, StudyError
from econet.pipeline import StudyRun, landscape_of, run_study
from econet.scenarios.validation import network_measures
from econet.stages import STAGES

# Samples leave out the report (the ensemble's report covers them) and the circuit stage, as
# scenarios do: no measure of the ensemble reads it, and it is the slowest stage.
_NOT_IN_SAMPLES = ("report", "circuit")


@dataclass
class EnsembleRun:
    """A finished ensemble: the drawn ``parameters`` and each sample's ``measures`` (one row per
    sample), the baseline's measures, the ``spread`` of the measures, their rank correlations
    with the parameters and the strongest of them per measure, and the frequency maps (share of
    the samples in which a cell is a source, or on a corridor; NaN outside the land cover)."""

    path: Path
    parameters: pd.DataFrame
    measures: pd.DataFrame
    baseline: dict
    spread: pd.DataFrame
    correlations: pd.DataFrame
    strongest: pd.DataFrame
    source_frequency: np.ndarray
    corridor_frequency: np.ndarray
    seconds: dict = field(default_factory=dict)


def settings_of(study: Study) -> SensitivitySection:
    """The study's ``[sensitivity]``, or its defaults."""
    return study.sensitivity if study.sensitivity is not None else SensitivitySection()


def design_of(study: Study, cell_size_m: float) -> Design:
    """What the ensemble draws for ``study`` (see ``SensitivitySection``); raises StudyError at
    ``sensitivity.weights`` when a table's weights cannot be drawn that way."""
    cfg = settings_of(study)
    tables = []
    for key in cfg.weight_tables if cfg.weights != "fixed" else ():
        node = study.section(key)
        if node is not None:
            tables += _weight_table(key, node, cfg)
    return Design(tuple(tables), cfg.concentration, tuple(_thresholds(study, cfg, cell_size_m)))


def _weight_table(key: str, node, cfg: SensitivitySection) -> list[WeightTable]:
    """The draw of one table of weights (``node``: the resistance section or a source rule)."""
    from econet.resistance.weights import ahp, parse_judgement

    mode = cfg.weights
    if mode == "auto":
        mode = {"ahp": "ahp", "given": "dirichlet"}.get(node.weighting)
        if mode is None:  # entropy and PCA weights come from the data
            return []
    # the resistance weights keep the plain column names; a source rule's are prefixed
    short = "" if key == "resistance" else key.split(".")[-1] + "_"
    names = {"column": f"w_{short}", "cr_column": f"ahp_cr_{short}".rstrip("_")}
    if node.weighting not in ("given", "ahp"):
        raise StudyError(
            [
                Problem(
                    "sensitivity.weights",
                    f"{key}.weighting = '{node.weighting}' computes the weights from the "
                    "data, so there are none to draw around; use weights = 'auto' (it leaves them fixed) or "
                    "'fixed', or leave the table out of sensitivity.weight_tables",
                )
            ]
        )
    judgements = None
    if node.weighting == "ahp":
        judgements = [[parse_judgement(x) for x in row] for row in node.ahp.judgements()]
    if mode == "ahp":
        if judgements is None:
            raise StudyError(
                [
                    Problem(
                        "sensitivity.weights",
                        f"'ahp' draws an AHP matrix, but {key}.weighting = "
                        f"'{node.weighting}'; use 'auto' or 'dirichlet'",
                    )
                ]
            )
        return [
            WeightTable(
                key,
                "ahp",
                factors=tuple(node.ahp.factors),
                matrix=judgements,
                steps=cfg.ahp_steps,
                max_cr=node.ahp.max_cr,
                **names,
            )
        ]
    if judgements is None:
        weights = node.resolved_weights() if key == "resistance" else dict(node.weights)
        extra = {}
    else:  # Dirichlet draws around AHP weights replace the matrix
        weights = dict(zip(node.ahp.factors, ahp(judgements).weights.tolist()))
        extra = {f"{key}.weighting": "given", f"{key}.ahp": None}
    return [WeightTable(key, "dirichlet", weights=weights, extra=extra, **names)]


def _thresholds(study: Study, cfg: SensitivitySection, cell_size_m: float):
    mspa = study.sources.mspa
    own = {
        "min_area_km2": study.sources.min_area_km2,
        "edge_width_m": mspa.edge_width_m or (mspa.edge_width_px or 1) * cell_size_m,
        "max_cost": study.corridors.max_cost,
        "distance_m": study.connectivity.distance_m,
    }
    for name, key in THRESHOLDS.items():
        given = getattr(cfg, name)
        if given is not None:
            low, high = given
        elif name == "edge_width_m" and cfg.relative_range > 0:
            # MSPA counts the edge in whole cells: a share of one cell would not change it
            low, high = max(cell_size_m, own[name] - cell_size_m), own[name] + cell_size_m
        elif own[name] is not None and cfg.relative_range > 0:
            low, high = own[name] * (1 - cfg.relative_range), own[name] * (1 + cfg.relative_range)
        else:
            continue
        unset = ("sources.mspa.edge_width_px",) if name == "edge_width_m" and mspa.edge_width_px else ()
        yield Threshold(name, key, float(low), float(high), unset)


def sample_studies(study: Study, draws: Draws) -> list[Study]:
    """Each sample's study, validated (a drawn value the schema refuses is reported at its key)."""
    return [with_overrides(study, o, source=f"sample {i}") for i, o in enumerate(draws.overrides, 1)]


def _outcome(run: StudyRun) -> tuple[dict, np.ndarray, np.ndarray]:
    """A run's measures and its source and corridor cells."""
    r = run.results
    measures = network_measures(
        r["sources"], r["corridors"], r["connectivity"], r["network"], r["robustness"], r.get("summaries")
    )
    grid = run.landscape.grid
    return measures, source_mask(r["sources"].labels), corridor_mask(r["corridors"].tiers, grid)


def sensitivity_study(
    study: Study,
    out_dir,
    *,
    samples: int | None = None,
    seed: int | None = None,
    quiet: bool = False,
    study_path: str | None = None,
) -> EnsembleRun:
    """Run the baseline and ``samples`` draws of ``study`` into ``out_dir`` and write the
    ensemble's products and report (see the module docstring); ``samples`` and ``seed`` default
    to ``[sensitivity]``'s."""
    from econet.io import write_csv, write_raster

    cfg = settings_of(study)
    n = cfg.samples if samples is None else samples
    seed = cfg.seed if seed is None else seed
    if n < 1:
        raise StudyError([Problem("--samples", f"needs at least one sample, got {n}")])
    if seed < 0:
        raise StudyError([Problem("--seed", f"needs a seed >= 0, got {seed}")])
    out = Path(out_dir)
    say = (lambda *a: None) if quiet else _printer()
    # Everything that can be wrong with the draws is found before the first run.
    grid = landscape_of(study).grid
    try:
        draws = draw(design_of(study, grid.cell_size_m), n, seed)
    except ValueError as exc:
        raise StudyError([Problem("sensitivity.ahp_steps", str(exc))]) from None
    studies = sample_studies(study, draws)
    varied = ", ".join(draws.parameters.columns) or "nothing (every range is a single value)"
    say(f"{n} sample(s), seed {seed}; drawn: {varied}")
    t0 = time.perf_counter()
    say("baseline")
    run = run_study(study, out / "baseline", quiet=quiet, study_path=study_path)
    valid = run.landscape.valid_mask()
    baseline, _, _ = _outcome(run)
    del run
    seconds = {"baseline": time.perf_counter() - t0}
    source_count = np.zeros(grid.shape, dtype=np.uint32)
    corridor_count = np.zeros(grid.shape, dtype=np.uint32)
    stages = tuple(s for s in STAGES if s.name not in _NOT_IN_SAMPLES)
    rows = []
    for i, s in enumerate(studies, 1):
        t1 = time.perf_counter()
        run = run_study(
            s,
            out / "samples" / f"{i:03d}",
            quiet=True,
            study_path=study_path,
            stages=stages,
            reuse=(out / "baseline",),
            check_data=False,  # the baseline read the same data
        )
        measures, sources, corridors = _outcome(run)
        del run
        source_count += sources
        corridor_count += corridors
        rows.append(measures)
        seconds[f"{i:03d}"] = time.perf_counter() - t1
        say(
            f"sample {i}/{n}: ECA {measures['ECA_km2']:.4g} km², {measures['corridors']} corridors, {seconds[f'{i:03d}']:.1f} s"
        )
    table = pd.DataFrame(rows, index=draws.parameters.index)
    correlations = rank_correlations(draws.drawn, table)
    result = EnsembleRun(
        path=out,
        parameters=draws.parameters,
        measures=table,
        baseline=baseline,
        spread=spread(table, baseline),
        correlations=correlations,
        strongest=strongest(correlations),
        source_frequency=frequency(source_count, n, valid),
        corridor_frequency=frequency(corridor_count, n, valid),
        seconds=seconds,
    )
    write_csv(out / "samples.csv", pd.concat([draws.parameters, table], axis=1).reset_index())
    write_csv(out / "spread.csv", result.spread)
    write_csv(out / "rank_correlations.csv", correlations.reset_index())
    write_csv(out / "strongest.csv", result.strongest)
    for name, data, what in (
        ("source_frequency.tif", result.source_frequency, "source"),
        ("corridor_frequency.tif", result.corridor_frequency, "on a corridor"),
    ):
        write_raster(
            out / name, data, grid, nodata=float("nan"), description=f"share of {n} samples in which the cell is {what}"
        )
    from econet.report.ensemble import write_ensemble_report

    write_ensemble_report(out, study.study.name, grid, result, seed=seed)
    return result


def _printer():
    from rich.console import Console
    from rich.markup import escape

    err = Console(stderr=True)
    return lambda text: err.print(f"[bold]sensitivity[/bold] {escape(text)}", highlight=False)


__all__ = ["EnsembleRun", "design_of", "sample_studies", "sensitivity_study", "settings_of"]
