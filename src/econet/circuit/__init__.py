"""Corridors by circuit theory (docs/methods/circuit.md): Circuitscape's engine and Linkage Mapper's tools."""

from econet._lazy import lazy_package

# public name -> the submodule defining it; loaded on first use, so importing one submodule
# (or the package for one name) does not import the others.
__all__ = lazy_package(
    __name__,
    {
        "CorridorCircuits": "corridors",
        "corridor_circuits": "corridors",
        "branch_currents": "currents",
        "node_currents": "currents",
        "Graph": "graph",
        "RasterGraph": "graph",
        "conductance_from": "graph",
        "network_graph": "graph",
        "raster_graph": "graph",
        "barriers": "linkage",
        "centrality": "linkage",
        "classify_top": "linkage",
        "pinchpoints": "linkage",
        "top_class_polygons": "linkage",
        "advanced": "modes",
        "one_to_all": "modes",
        "pairwise": "modes",
        "OmniscapeResult": "omniscape",
        "omniscape": "omniscape",
        "GroundedSolver": "solve",
        "choose_method": "solve",
    },
)
