"""The report stage: one HTML page of the sections every stage that ran contributes.

It consumes every stage that ran (derived by the pipeline, not listed here), so the report is
rebuilt whenever any of them changes and always shows all of them. Its compute draws each
stage's section (figures are PNG files beside the page); its write puts the page together.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from fnmatch import fnmatch

from econet.report import ReportSection, write_report
from econet.report.methods import methods_parts
from econet.stages.base import Context, Stage

QGIS_PROJECT = (
    "a QGIS project: every raster and vector product and the inputs, grouped and styled; a .qml style "
    "beside each raster and GeoPackage (QGIS loads it with the file)"
)


@dataclass
class Report:
    """The sections of the report, in pipeline order, and the products the stages declare (file
    or pattern -> content; the page lists those the run wrote)."""

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
    read = dict.fromkeys(section for stage in ctx.plan for section in stage.reads if section != "report")
    sections.append(ReportSection("Methods and parameters", methods_parts({s: ctx.study.section(s) for s in read})))
    products["manifest.json"] = "inputs with checksums, resolved study, versions, stage timings"
    products["project.qgz"] = QGIS_PROJECT
    return Report(sections, products)


def written_products(declared: dict[str, str], written: list[str]) -> dict[str, str]:
    """The products table: each file the run wrote, in the declared order, with the declared
    content of its name, of a pattern it matches (``indicator_<name>.tif``) or of its folder
    (``resistance_grades/``, listed once). Declared files the run did not write are left out."""
    out: dict[str, str] = {}
    for key, content in declared.items():
        if key.endswith("/"):
            if any(f.startswith(key) for f in written):
                out[key] = content
        elif "<" in key:
            pattern = key[: key.index("<")] + "*" + key[key.index(">") + 1 :]
            out.update({f: content for f in written if fnmatch(f, pattern) and f not in out})
        elif key in written:
            out[key] = content
    return out


def write(ctx: Context, report: Report) -> list[str]:
    from econet import __version__

    grid = ctx.landscape.grid
    stages = ctx.run.manifest.get("stages", {})
    figures = [f for s in report.sections for f in s.figures]
    ran = [s.name for s in ctx.plan if s.name in stages and not stages[s.name].get("skipped")]
    # This run's entries (the report's own, still the last run's, would list its old figures).
    written = [f for name in ran if name != "report" for f in stages[name].get("products", [])]
    gis = _qgis(ctx)  # before the page, whose products table lists the project
    written += figures + gis + ["report.html", "manifest.json"]
    products = written_products(report.products, written)
    # The stages that ran; whether each was reused and its seconds stay in manifest.json, so the
    # same study gives the same report, byte for byte, however often and wherever it ran.
    titles = [s.title for s in ctx.plan if s.name in ran]
    run = [
        f"<p>Stages that ran, in order: {html.escape(', '.join(titles))}. Their times, the inputs' checksums "
        "and the versions of econet and its libraries are in <a href='manifest.json'>manifest.json</a>.</p>"
    ]
    subtitle = (
        f"econet {__version__} · grid {grid.width:,} x {grid.height:,} cells of {grid.cell_size_m:g} m · "
        f"{grid.area_km2:,.1f} km² · {grid.crs.to_string()}"
    )
    write_report(
        ctx.run.product("report.html"),
        ctx.study.study.name,
        subtitle,
        report.sections,
        products,
        run,
        embed=ctx.study.report.embed_images,
    )
    return ["report.html", *figures, *gis]


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
    reads=("study", "report"),
    compute=compute,
    write=write,
    consumes_all=True,
    products={
        "report.html": "this report; figures beside it as PNG",
        "project.qgz": QGIS_PROJECT,
    },
)
