"""``econet mspa INPUT.tif OUTPUT.tif``: GuidosToolbox Workbench's GWB_MSPA as one command.

Takes GWB's input coding (byte 0 missing, 1 background, 2 foreground) or, with ``--habitat``, a
land-cover raster whose listed classes are foreground (its nodata is missing). Writes the
byte-coded MSPA GeoTIFF with GTB's colour table and, unless ``--no-stats``, GWB's statistics
table beside it (OUTPUT with a .txt suffix).
"""

from __future__ import annotations

from pathlib import Path

import typer

from econet.cli._common import done, user_errors
from econet.errors import LayerError

NAME = "mspa"


def _codes(text: str, option: str = "--habitat") -> list[int]:
    try:
        codes = [int(c) for c in text.replace(";", ",").split(",") if c.strip()]
    except ValueError:
        codes = []
    if not codes:
        raise LayerError(option, f"expected class codes separated by commas, e.g. 20,30,50; got {text!r}")
    return codes


def main(
    input: Path = typer.Argument(
        ...,
        help="GWB-coded byte GeoTIFF (0 missing, 1 background, 2 foreground), or a land-cover raster with --habitat",
    ),
    output: Path = typer.Argument(..., help="MSPA GeoTIFF to write (GTB byte codes and colour table)"),
    connectivity: int = typer.Option(8, "--connectivity", "-c", help="foreground connectivity: 8 (GWB default) or 4"),
    edge_width: int | None = typer.Option(
        None, "--edge-width", "-e", help="EdgeWidth in pixels, 1-100 (GWB default 1)"
    ),
    edge_width_m: float | None = typer.Option(
        None, "--edge-width-m", help="EdgeWidth in metres; rounded to the nearest whole number of cells, at least 1"
    ),
    transition: int = typer.Option(
        1, "--transition", "-t", min=0, max=1, help="Transition 1 (default) or 0: only the palette changes"
    ),
    intext: int = typer.Option(
        1, "--intext", "-i", min=0, max=1, help="IntExt 1 (default) or 0: +100 for features inside core holes"
    ),
    habitat: str | None = typer.Option(
        None, "--habitat", help="land-cover codes that are foreground, e.g. 41,42,43,90,95"
    ),
    missing: str | None = typer.Option(None, "--missing", help="extra land-cover codes to treat as missing data"),
    stats: bool = typer.Option(True, "--stats/--no-stats", help="write GWB's statistics table (OUTPUT with .txt)"),
) -> None:
    """MSPA of a raster with GWB's parameters; writes the GTB-coded GeoTIFF and GWB's statistics."""
    import math
    import warnings

    import numpy as np
    from affine import Affine

    from econet.grid import Grid
    from econet.habitat.mspa import format_gwb_statistics, gwb_statistics, mspa, mspa_binary, mspa_colormap
    from econet.io.atomic import write_text
    from econet.io.raster import crs_is_projected_metres, read_raster, write_raster
    from econet.rasterops import nodata_mask

    with user_errors():
        if connectivity not in (4, 8):
            raise LayerError("--connectivity", "must be 8 or 4")
        if edge_width is not None and edge_width_m is not None:
            raise LayerError("--edge-width", "give --edge-width (pixels) or --edge-width-m, not both")
        if edge_width is not None and not 1 <= edge_width <= 100:
            raise LayerError("--edge-width", f"must be 1 to 100 pixels (GWB's range), got {edge_width}")
        if edge_width_m is not None and not edge_width_m > 0:
            raise LayerError("--edge-width-m", f"must be > 0 metres, got {edge_width_m:g}")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # a plain, non-georeferenced TIFF is fine for GWB too
            data, crs, transform, nodata = read_raster(input, input.name)
        if transform.b != 0 or transform.d != 0 or transform.e >= 0:
            transform = Affine(1, 0, 0, 0, -1, 0)  # no georeferencing: pixel units
        grid = Grid(crs, transform, data.shape)
        if edge_width_m is not None:
            if crs is None or not crs_is_projected_metres(crs):
                raise LayerError(input.name, "is not in a projected CRS in metres; give --edge-width in pixels")
            width = max(1, int(math.floor(edge_width_m / grid.cell_size_m + 0.5)))
        else:
            width = 1 if edge_width is None else edge_width
        if habitat is not None:
            codes = _codes(habitat)
            miss = nodata_mask(data, nodata)
            if np.issubdtype(data.dtype, np.floating):
                miss |= ~np.isfinite(data)
                if np.any(data[~miss] != np.rint(data[~miss])):
                    raise LayerError(
                        input.name,
                        "holds non-integer values; --habitat takes the class codes of a land-cover raster",
                    )
            if missing:
                miss |= np.isin(data, _codes(missing, "--missing"))
            present = np.unique(data[~miss])
            if not np.isin(codes, present).any():
                shown = ", ".join(f"{c:g}" for c in present[:20]) + (", ..." if present.size > 20 else "")
                raise LayerError(
                    "--habitat",
                    f"none of the codes {codes} occurs in {input.name} (its codes: {shown or 'none, all nodata'}); "
                    "give the land-cover classes that are habitat",
                )
            binary = mspa_binary(data, codes, miss)
        else:
            if data.dtype != np.uint8:
                raise LayerError(
                    input.name,
                    f"is {data.dtype}, not byte; GWB coding is 0 missing / 1 background / 2 foreground. "
                    "For a land-cover raster give --habitat with the foreground classes",
                )
            binary = data
        try:
            result = mspa(binary, connectivity, width, bool(transition), bool(intext))
        except ValueError as exc:
            hint = "" if habitat is not None else " (for a land-cover raster give --habitat CODES)"
            raise LayerError(input.name, f"{exc}{hint}") from None
        params = f"{connectivity}_{width}_{transition}_{intext}"
        write_raster(
            output,
            result,
            grid,
            colormap=mspa_colormap(bool(transition)),
            description=f"GTB_MSPA, https://forest.jrc.ec.europa.eu/en/activities/lpa/gtb/ {params}",
        )
        done(f"MSPA {params} of {input.name}: {output}", err=True)
        if stats:
            table = gwb_statistics(result, connectivity, bool(intext))
            text = format_gwb_statistics(table, input.stem, connectivity, width, bool(transition), bool(intext))
            txt = output.with_suffix(".txt")
            write_text(txt, text)
            done(f"statistics: {txt}", err=True)
