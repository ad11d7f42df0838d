"""The report stage: one HTML page of the sections every stage that ran contributes.

It consumes every stage that ran (derived by the pipeline, not listed here), so the report is
rebuilt whenever any of them changes and always shows all of them. Its compute draws each
stage's section (figures are PNG files beside the page); its write puts the page together.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from econet.report import ReportSection, write_report
from econet.stages.base import Context, Stage


@dataclass
class Report:
    """The sections of the report, in pipeline order, and the products table (file -> content)."""

    sections: list[ReportSection]
    products: dict[str, str]


def compute(ctx: Context, **results) -> Report:
    sections, products = [], {}
    for stage in ctx.plan:
        if stage.name not in results:
            continue
        products.update(stage.products)
        if stage.report is not None:
            sections.append(stage.report(ctx, results[stage.name]))
    products["manifest.json"] = "inputs with checksums, resolved study, versions, stage timings"
    return Report(sections, products)


def write(ctx: Context, report: Report) -> list[str]:
    from econet import __version__

    grid = ctx.landscape.grid
    # The stages that ran; whether each was reused and its seconds stay in manifest.json, so the
    # same study gives the same report, byte for byte, however often and wherever it ran.
    timings = pd.DataFrame(
        [{"stage": k} for k, v in ctx.run.manifest.get("stages", {}).items() if not v.get("skipped")]
    )
    subtitle = (
        f"econet {__version__} · grid {grid.width} x {grid.height} cells at {grid.cell_size_m:g} m · "
        f"{grid.area_km2:,.1f} km² · {grid.crs.to_string()}"
    )
    write_report(
        ctx.run.product("report.html"), ctx.study.study.name, subtitle, report.sections, report.products, timings
    )
    return ["report.html", *(f for s in report.sections for f in s.figures), *_qgis(ctx)]


def _qgis(ctx: Context) -> list[str]:
    """A QGIS style beside every raster and GeoPackage of the run and project.qgz with all of them
    and the study's inputs (econet.report.gis)."""
    from matplotlib import colormaps
    from matplotlib.colors import to_hex

    from econet.habitat.mspa import MSPA_CLASSES, mspa_class_name
    from econet.report.gis import style_run

    L = ctx.landscape
    classes = {c.code: (c.name, c.colour or to_hex(colormaps["tab10"](i % 10))) for i, c in enumerate(L.classes)}
    inputs = [
        (name, spec.path, "raster", None, classes if name == L.landcover_layer else None)
        for name, spec in L.layers.items()
    ]
    inputs += [(name, spec.path, "vector", spec.layer, None) for name, spec in L.vectors.items()]
    mspa = {c: mspa_class_name(c) for c in [*MSPA_CLASSES, *(c + 100 for c in MSPA_CLASSES)]}
    return style_run(
        ctx.run.path, L.grid.crs, L.grid.bounds, ctx.study.study.name, inputs, class_names={"mspa.tif": mspa}
    )


STAGE = Stage(
    name="report",
    title="Report",
    reads=("study",),
    compute=compute,
    write=write,
    consumes_all=True,
    products={
        "report.html": "this report; figures beside it as PNG",
        "project.qgz": "a QGIS project: every raster and vector product and the inputs, grouped and styled; "
        "a .qml style beside each raster and GeoPackage (QGIS loads it with the file)",
    },
)
