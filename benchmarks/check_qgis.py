"""Open a run's project.qgz and every .qml style in QGIS itself, headless, and print what QGIS
made of them (optional: needs QGIS's Python bindings, e.g. Debian's python3-qgis).

Usage: QT_QPA_PLATFORM=offscreen /usr/bin/python3 benchmarks/check_qgis.py RUN_FOLDER

Run it with the system Python that has ``qgis`` (not the project's environment). For each layer
of the project: whether QGIS could open its data source (relative paths resolved from the
project), and the renderer QGIS built from the XML against the one econet wrote; then each
``.qml`` loaded onto its product. Exits 1 when a layer is invalid, a renderer differs or a style
does not load.
"""

from __future__ import annotations

import sys
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET


def written_renderers(project: Path) -> dict[str, str]:
    """Layer id -> the renderer type econet wrote into the project."""
    with zipfile.ZipFile(project) as z:
        text = z.read(z.namelist()[0]).decode("utf-8")
    root = ET.fromstring(text.split("\n", 1)[1])
    out = {}
    for m in root.iter("maplayer"):
        r = m.find("pipe/rasterrenderer")
        if r is None:
            r = m.find("renderer-v2")
        out[m.findtext("id")] = None if r is None else r.get("type")  # None: a table
    return out


def product_layer(qml: Path):
    """The layer a style belongs to, by econet's names: ``<file>.qml`` (a GeoPackage's first
    layer, else the raster), ``<file>_raster.qml``, ``<file>_<layer>.qml``."""
    from qgis.core import QgsRasterLayer, QgsVectorLayer

    parts = qml.stem.split("_")
    for k in range(len(parts), 0, -1):
        stem, rest = "_".join(parts[:k]), "_".join(parts[k:])
        gpkg, tif = qml.parent / f"{stem}.gpkg", qml.parent / f"{stem}.tif"
        if rest == "" and gpkg.exists():
            return QgsVectorLayer(str(gpkg), stem, "ogr")
        if rest in ("", "raster") and tif.exists():
            return QgsRasterLayer(str(tif), stem)
        if rest and gpkg.exists():
            return QgsVectorLayer(f"{gpkg}|layername={rest}", rest, "ogr")
    return None


def main() -> int:
    from qgis.core import QgsApplication, QgsProject

    folder = Path(sys.argv[1]).resolve()
    app = QgsApplication([], False)
    app.initQgis()
    failures = 0
    project = QgsProject.instance()
    if not project.read(str(folder / "project.qgz")):
        print(f"QGIS could not read {folder / 'project.qgz'}: {project.error()}")
        return 1
    expected = written_renderers(folder / "project.qgz")
    layers = project.mapLayers()
    print(f"project.qgz: {len(layers)} layers (econet wrote {len(expected)}), CRS {project.crs().authid()}")
    for lid, layer in sorted(layers.items()):
        renderer = layer.renderer() if hasattr(layer, "renderer") else None
        got = renderer.type() if renderer is not None else None
        ok = layer.isValid() and got == expected.get(lid)
        failures += not ok
        print(f"  {'ok ' if ok else 'BAD'} {layer.name():<40} valid={layer.isValid()} renderer={got}")
    failures += len(expected) != len(layers)
    for qml in sorted(folder.rglob("*.qml")):
        layer = product_layer(qml)
        if layer is None:
            print(f"  BAD {qml.name}: no product beside it")
            failures += 1
            continue
        message, loaded = layer.loadNamedStyle(str(qml))
        failures += not loaded
        print(f"  {'ok ' if loaded else 'BAD'} {qml.relative_to(folder)}: {message or 'loaded'}")
    print(f"{failures} problem(s)")
    app.exitQgis()
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
