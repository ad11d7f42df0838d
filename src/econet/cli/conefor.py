"""``econet conefor``: a drop-in for the Conefor 2.x command line (same files, options and tables).

Example (as Conefor):
    econet conefor -nodeFile nodes.txt -conFile distances.txt -t dist all \\
        -confProb 1000 0.5 -PC -confAdj 1000 -IIC -landArea 1e8 -prefix run1
"""

from __future__ import annotations

from pathlib import Path

import typer

from econet.cli._common import done, user_errors

NAME = "conefor"


def main(
    node_file: Path = typer.Option(..., "-nodeFile", help="node file: 'ID attribute' per line"),
    con_file: Path = typer.Option(..., "-conFile", help="connection file: 'ID1 ID2 value' per line"),
    conn_type: tuple[str, str] = typer.Option(
        ("dist", "all"), "-t", help="'dist|prob all|notall': distances or probabilities; all pairs or only some"
    ),
    conf_prob: tuple[float, float] | None = typer.Option(
        None, "-confProb", help="distance and the probability at that distance (PC)", show_default=False
    ),
    conf_adj: float = typer.Option(None, "-confAdj", help="distance threshold for a link (IIC: d <= threshold)"),
    pc: bool = typer.Option(False, "-PC", help="compute PC, EC(PC) and dPC"),
    iic: bool = typer.Option(False, "-IIC", help="compute IIC, EC(IIC) and dIIC"),
    land_area: float = typer.Option(None, "-landArea", help="landscape area A_L, in the attribute's units"),
    prefix: str = typer.Option("", "-prefix", help="prefix of the output file names"),
    out_dir: Path = typer.Option(Path("."), "--out-dir", help="folder for the result tables"),
) -> None:
    """Conefor-compatible PC/IIC run: writes <prefix>_node_importances.txt and <prefix>_overall_indices.txt."""
    from econet.connectivity.conefor import (
        check_connection_scope,
        conefor_tables,
        read_connection_file,
        read_node_file,
        write_node_importances,
        write_overall_indices,
    )

    with user_errors():
        kind, scope = conn_type
        nodes = read_node_file(node_file)
        links = read_connection_file(con_file, nodes.id, kind)
        check_connection_scope(links, nodes.id.size, kind, scope, con_file)
        table, overall = conefor_tables(
            nodes, links, kind=kind, conf_prob=conf_prob, conf_adj=conf_adj, pc=pc, iic=iic, land_area=land_area
        )
        stem = f"{prefix}_" if prefix else ""
        node_path = out_dir / f"{stem}node_importances.txt"
        overall_path = out_dir / f"{stem}overall_indices.txt"
        write_node_importances(node_path, table)
        write_overall_indices(overall_path, overall)
    for key, value in overall:
        typer.echo(f"{key}\t{value:.6g}")
    done(f"{nodes.id.size} nodes, {links.i.size} connections -> {node_path}, {overall_path}")
