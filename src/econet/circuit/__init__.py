"""Corridors by circuit theory (METHODS.md §6): Circuitscape's engine and Linkage Mapper's tools."""

from econet.circuit.currents import branch_currents, node_currents
from econet.circuit.graph import Graph, RasterGraph, conductance_from, network_graph, raster_graph
from econet.circuit.linkage import barriers, centrality, classify_top, pinchpoints, top_class_polygons
from econet.circuit.modes import advanced, one_to_all, pairwise
from econet.circuit.solve import GroundedSolver, choose_method

__all__ = [
    "Graph",
    "GroundedSolver",
    "RasterGraph",
    "advanced",
    "barriers",
    "centrality",
    "classify_top",
    "branch_currents",
    "choose_method",
    "conductance_from",
    "network_graph",
    "node_currents",
    "one_to_all",
    "pairwise",
    "pinchpoints",
    "raster_graph",
    "top_class_polygons",
]
