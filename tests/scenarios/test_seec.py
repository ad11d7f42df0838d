"""The SEEC generator (the Xuzhou SEEC preprint, §3.2, §3.5, §4.3) on constructed landscapes."""

from types import SimpleNamespace

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from affine import Affine
from rasterio.crs import CRS

from econet.errors import EconetError
from econet.grid import Grid
from econet.habitat.sources import Sources, patch_table
from econet.landcover import LandCoverClass
from econet.scenarios import Baseline, edits, seec_scenarios, weak_nodes
from econet.scenarios.seec import bridge_links, tail_count

CELL = 30.0
N = 30
GRID = Grid(CRS.from_epsg(4548), Affine(CELL, 0, 500_000.0, 0, -CELL, 3_800_000.0), (N, N))
CLASSES = (LandCoverClass(1, "forest", True, "forest", 1.0), LandCoverClass(2, "cropland", False, None, 5.0))


def blocks(*boxes) -> np.ndarray:
    """Labels 1..n of rectangles (r0, r1, c0, c1), inclusive bounds."""
    labels = np.zeros((N, N), np.int32)
    for k, (r0, r1, c0, c1) in enumerate(boxes, start=1):
        labels[r0 : r1 + 1, c0 : c1 + 1] = k
    return labels


def baseline(sources, islets, nodes, links=(), surface=None) -> Baseline:
    """A baseline of ``sources`` and ``islets`` (label rasters), node values ``nodes``
    (id -> (rsei, dIIC, carbon t/a)) and baseline corridors ``links`` ((a, b, length_m, cost))."""
    landcover = np.where((sources > 0) | (islets > 0), 1, 2).astype(np.int32)
    table = patch_table(sources, landcover, GRID, CLASSES)
    stones = Sources(table=patch_table(islets, landcover, GRID, CLASSES), labels=islets)
    paths = gpd.GeoDataFrame(
        {
            "from_id": [x[0] for x in links],
            "to_id": [x[1] for x in links],
            "length_m": [float(x[2]) for x in links],
            "cost": [float(x[3]) for x in links],
        },
        geometry=[shapely.LineString([(0, 0), (1, 1)]) for _ in links],
        crs=GRID.crs,
    )
    ids = sorted(nodes)
    node_table = pd.DataFrame(
        {
            "id": ids,
            "rsei_mean": [nodes[i][0] for i in ids],
            "dIIC": [nodes[i][1] for i in ids],
            "carbon_sink_t_a": [nodes[i][2] for i in ids],
        }
    )
    if surface is None:
        surface = np.where(sources > 0, 1.0, 5.0)
    return Baseline(
        grid=GRID,
        landcover=landcover,
        classes=CLASSES,
        sources=Sources(table=table, labels=sources, stepping_stones=stones),
        surface=surface,
        corridors=SimpleNamespace(paths=paths),
        connectivity=None,
        nodes=node_table,
        distance_m=400.0,
        probability=0.5,
        landscape_area_m2=N * N * CELL * CELL,
    )


# ---- weak nodes ------------------------------------------------------------------------------


def test_weak_node_is_the_lowest_rsei_times_diic():
    # Node 1 has the lowest RSEI and node 2 the lowest dIIC, but node 3 the lowest product.
    ids = np.arange(1, 11)
    rsei = np.array([0.10, 0.90, 0.30, 0.60, 0.70, 0.50, 0.80, 0.40, 0.65, 0.55])
    diic = np.array([40.0, 0.5, 1.0, 10.0, 20.0, 30.0, 25.0, 15.0, 50.0, 12.0])
    carbon = np.linspace(100.0, 1000.0, 10)
    t = weak_nodes(ids, rsei, diic, carbon)
    product = rsei * diic
    assert int(ids[np.argmin(product)]) == 3  # 0.3 x 1 = 0.3 < 0.45 (node 2), 4.0 (node 1)
    weak = t.loc[t["weak_function"], "id"].tolist()
    assert weak == [3]
    # Normalised by the maximum, the coupling is the product over max(RSEI) x max(dIIC).
    np.testing.assert_allclose(t["coupling"], product / (0.9 * 50.0))
    np.testing.assert_allclose(t["rsei_norm"], rsei / 0.9)
    assert t.set_index("id").loc[3, "coupling_rank"] == 1
    # The strong node is the highest product: node 9 (0.65 x 50 = 32.5).
    assert t.loc[t["strong_function"], "id"].tolist() == [9]


def test_weak_node_three_classes():
    # 20 nodes: the bottom 10 % is 2 nodes of each tail. Coupling order (weakest first): 5, 7,
    # then the rest; carbon order (lowest first): 7, 11, then the rest. Node 7 is weak in both.
    ids = np.arange(1, 21)
    rsei = np.full(20, 0.5)
    diic = np.arange(10.0, 30.0)  # node i: 9 + i
    diic[4], diic[6] = 1.0, 2.0  # nodes 5 and 7
    carbon = np.arange(500.0, 520.0)
    carbon[6], carbon[10] = 1.0, 2.0  # nodes 7 and 11
    t = weak_nodes(ids, rsei, diic, carbon).set_index("id")
    assert t.loc[7, "class"] == "weak both"
    assert t.loc[5, "class"] == "weak function"
    assert t.loc[11, "class"] == "weak carbon"
    # Top 10 % of the coupling: nodes 19 and 20 (dIIC 28, 29).
    assert sorted(t.index[t["class"] == "strong function"]) == [19, 20]
    assert (t["class"] == "general").sum() == 20 - 5
    assert sorted(t.index[t["strong_carbon"]]) == [19, 20]


def test_weak_node_ties_and_nan():
    # Equal couplings: the lower id is the weaker; a NaN RSEI is never in a tail.
    t = weak_nodes([4, 2, 9, 7], [0.5, 0.5, np.nan, 0.9], [1.0, 1.0, 0.1, 5.0], [10.0, 20.0, 30.0, 40.0]).set_index(
        "id"
    )
    assert t.loc[2, "class"] == "weak function"
    assert t.loc[4, "class"] == "weak carbon"  # lowest carbon; its coupling ties node 2's, the lower id wins
    assert t.loc[9, "coupling_rank"] == 0 and t.loc[9, "class"] == "general"
    assert t.loc[7, "class"] == "strong function"


def test_tail_count_rounds_half_up_with_at_least_one():
    assert tail_count(81, 10.0) == 8  # the preprint: 8 strong and 8 weak of 81
    assert tail_count(15, 10.0) == 2  # 1.5 rounds up
    assert tail_count(14, 10.0) == 1
    assert tail_count(9, 10.0) == 1
    assert tail_count(3, 10.0) == 1
    assert tail_count(2, 10.0) == 0
    assert tail_count(4, 90.0) == 2  # never more than half: the tails do not overlap


def test_negative_values_cannot_be_coupled():
    with pytest.raises(ValueError, match="RSEI"):
        weak_nodes([1, 2, 3], [-0.1, 0.5, 0.6], [1.0, 2.0, 3.0], [1.0, 2.0, 3.0])


# ---- stepping stones -------------------------------------------------------------------------

# W (1, weak in function) on the left, S (2) on the right, X (3) far in the top-right corner,
# 600 m between W and S. Node values: W's coupling is the lowest; X's carbon sink the lowest.
NODES = {1: (0.2, 1.0, 300.0), 2: (0.8, 50.0, 400.0), 3: (0.7, 40.0, 100.0)}
WSX = dict(w=(10, 19, 0, 4), s=(10, 19, 25, 29), x=(0, 3, 25, 29))


def test_stepping_stone_is_the_compact_islet_next_to_the_weak_node():
    src = blocks(WSX["w"], WSX["s"], WSX["x"])
    # 1: compact 4 x 4 square 90 m from W; 2: elongated 2 x 15 strip about 95 m from W;
    # 3: the same compact square but 330 m from W. All three lie between W and S.
    islets = blocks((13, 16, 8, 11), (5, 6, 6, 20), (13, 16, 16, 19))
    base = baseline(src, islets, NODES)
    (sc,) = seec_scenarios(base, stepping_stones_per_node=1, links_per_node=0)
    stones = sc.details["stepping_stones"]
    assert stones[["node", "islet", "tier", "toward"]].values.tolist() == [[1, 1, 0, 2]]
    assert stones["distance_m"].iat[0] == pytest.approx(90.0)
    (a,) = sc.actions
    assert a.kind == "stepping_stone" and a.source
    np.testing.assert_array_equal(a.cells, np.flatnonzero(islets.ravel() == 1))
    assert edits(sc.actions, base.landcover).include.sum() == 2 * 16  # 2 marks a stepping stone
    # Two per node: the far compact square comes before the nearer elongated strip.
    (sc2,) = seec_scenarios(base, stepping_stones_per_node=2, links_per_node=0)
    assert sc2.details["stepping_stones"]["islet"].tolist() == [1, 3]
    # Beyond search_m (default the connectivity distance, 400 m) an islet is not a candidate:
    # at 200 m the far square drops out, and the square, 390 m from S, no longer bridges W and S,
    # while the strip (150 m from S) does and now comes first.
    (sc3,) = seec_scenarios(base, stepping_stones_per_node=3, links_per_node=0, search_m=200.0)
    assert sc3.details["stepping_stones"][["islet", "tier"]].values.tolist() == [[2, 0], [1, 2]]
    # max_lsi drops the strip (LSI 1.75) even when more stones are asked for.
    (sc4,) = seec_scenarios(base, stepping_stones_per_node=3, links_per_node=0, max_lsi=1.5)
    assert sc4.details["stepping_stones"]["islet"].tolist() == [1, 3]


def test_stepping_stone_between_sources_beats_a_more_compact_one_behind():
    src = blocks((10, 19, 6, 10), WSX["s"], WSX["x"])
    # 1: compact 3 x 3 square 60 m behind W (left); 2: a 2 x 6 strip 60 m from W towards S.
    islets = blocks((13, 15, 1, 3), (14, 15, 13, 18))
    base = baseline(src, islets, NODES)
    (sc,) = seec_scenarios(base, stepping_stones_per_node=1, links_per_node=0)
    assert sc.details["stepping_stones"][["islet", "tier"]].values.tolist() == [[2, 0]]
    (sc2,) = seec_scenarios(base, stepping_stones_per_node=2, links_per_node=0)
    assert sc2.details["stepping_stones"][["islet", "tier"]].values.tolist() == [[2, 0], [1, 2]]


def test_stepping_stone_on_a_short_corridor_ranks_below_a_long_or_missing_link():
    src = blocks(WSX["w"], WSX["s"], WSX["x"])
    islets = blocks((13, 16, 8, 11))
    # W-S linked by a corridor shorter than the mean (100 m < 550 m): tier 1, not 0.
    base = baseline(src, islets, NODES, links=[(1, 2, 100.0, 500.0), (2, 3, 1000.0, 5000.0)])
    (sc,) = seec_scenarios(base, stepping_stones_per_node=1, links_per_node=0)
    assert sc.details["stepping_stones"][["islet", "tier", "toward"]].values.tolist() == [[1, 1, 2]]
    base = baseline(src, islets, NODES, links=[(1, 2, 1000.0, 5000.0), (2, 3, 100.0, 500.0)])
    (sc,) = seec_scenarios(base, stepping_stones_per_node=1, links_per_node=0)
    assert sc.details["stepping_stones"]["tier"].tolist() == [0]


# ---- bridging corridors ----------------------------------------------------------------------

# W (1) in the middle; A (2) 90 m to its right, linked already; B (3) 120 m to its left and C (4)
# 180 m below, not linked. W has the lowest carbon sink; C the weakest function (no islets).
BRIDGE = dict(w=(12, 17, 12, 17), a=(12, 17, 21, 26), b=(12, 17, 2, 7), c=(24, 29, 12, 17))
BRIDGE_NODES = {1: (0.8, 50.0, 10.0), 2: (0.7, 40.0, 300.0), 3: (0.6, 30.0, 200.0), 4: (0.1, 1.0, 100.0)}


def bridge_base(corridor_cost=5000.0):
    src = blocks(BRIDGE["w"], BRIDGE["a"], BRIDGE["b"], BRIDGE["c"])
    return src, baseline(src, np.zeros((N, N), np.int32), BRIDGE_NODES, links=[(1, 2, 90.0, corridor_cost)])


def test_weak_carbon_node_gets_a_link_to_its_nearest_unlinked_source():
    src, base = bridge_base()
    (sc,) = seec_scenarios(base, links_per_node=1, corridor_width_m=60.0)
    wn = sc.details["weak_nodes"].set_index("id")
    assert wn.loc[1, "class"] == "weak carbon" and wn.loc[4, "class"] == "weak function"
    links = sc.details["links"]
    assert links[["from_id", "to_id"]].values.tolist() == [[1, 3]]
    # Uniform resistance 5 in the 4-cell gap: the path steps 5 cells of 30 m from W's edge to B's.
    assert links["length_m"].iat[0] == pytest.approx(5 * CELL)
    assert links["cost"].iat[0] == pytest.approx(CELL * (0.5 * 1 + 4 * 5 + 0.5 * 1))
    (a,) = sc.actions
    assert a.kind == "corridor" and a.resistance == pytest.approx(1.0)  # the lowest resistance
    w_poly = base.sources.table.geometry.iat[0]
    b_poly = base.sources.table.geometry.iat[2]
    assert w_poly.contains(shapely.Point(a.link[0])) and b_poly.contains(shapely.Point(a.link[1]))
    # The path runs along a row of the 4-cell gap (columns 8-11, rows 12-17); the footprint is
    # the cells a 60 m band about it touches, outside the sources: the gap cells on its row,
    # those beside them, and no source cell.
    rows, cols = np.divmod(a.cells, N)
    gap = (cols >= 8) & (cols <= 11)
    cells = set(a.cells.tolist())
    on_row = [r for r in range(12, 18) if all(r * N + c in cells for c in range(8, 12))]
    assert len(on_row) >= 1
    assert rows.min() >= on_row[0] - 1 and rows.max() <= on_row[-1] + 1
    assert cols.min() >= 6 and cols.max() <= 13 and gap.sum() >= 8
    assert (src.ravel()[a.cells] == 0).all()
    e = edits(sc.actions, base.landcover)
    assert e.links == [a.link]
    assert np.nanmax(e.lower_to) == pytest.approx(1.0)


def test_weak_carbon_node_links_in_order_of_least_cost():
    _, base = bridge_base()
    (sc,) = seec_scenarios(base, links_per_node=4)
    # Only B and C are unlinked; A is linked already and gets no second corridor.
    links = sc.details["links"]
    assert links[["from_id", "to_id"]].values.tolist() == [[1, 3], [1, 4]]
    assert links["cost"].tolist() == pytest.approx([CELL * 21, CELL * 31])  # 4 and 6 gap cells of 5
    # New links are no dearer than the costliest baseline corridor (default) or max_link_cost.
    (sc,) = seec_scenarios(base, links_per_node=4, max_link_cost=700.0)
    assert sc.details["links"]["to_id"].tolist() == [3]
    _, base = bridge_base(corridor_cost=800.0)
    (sc,) = seec_scenarios(base, links_per_node=4)
    assert sc.details["links"]["to_id"].tolist() == [3] and sc.params["max_link_cost"] == 800.0


def test_weak_carbon_link_goes_around_the_source_in_between():
    # W (1) - M (2) - R (3) in a row, W-M and M-R linked. The plain least-cost path W-R runs
    # through M (resistance 1 against 5 outside): the new corridor goes around it instead.
    src = blocks((12, 17, 8, 13), (12, 17, 17, 20), (12, 17, 24, 27))
    nodes = {1: (0.8, 50.0, 10.0), 2: (0.7, 40.0, 300.0), 3: (0.1, 1.0, 200.0)}
    base = baseline(src, np.zeros((N, N), np.int32), nodes, links=[(1, 2, 90.0, 5000.0), (2, 3, 90.0, 5000.0)])
    links = bridge_links(base, [1], per_node=4, search_m=400.0)
    assert links[["from_id", "to_id"]].values.tolist() == [[1, 3]]
    cells = links["path"].iat[0]
    on = src[cells[:, 0], cells[:, 1]]
    assert set(on.tolist()) == {0, 1, 3}
    assert ((cells[:, 0] < 12) | (cells[:, 0] > 17)).any()  # it leaves the sources' rows
    # The baseline surface is unchanged by the search.
    np.testing.assert_array_equal(base.surface, np.where(src > 0, 1.0, 5.0))
    (sc,) = seec_scenarios(base, links_per_node=4)
    (a,) = [x for x in sc.actions if x.kind == "corridor"]
    assert (src.ravel()[a.cells] == 0).all() and a.link is not None


def test_seec_is_deterministic():
    src = blocks(WSX["w"], WSX["s"], WSX["x"])
    islets = blocks((13, 16, 8, 11), (5, 6, 6, 20), (13, 16, 16, 19))
    base = baseline(src, islets, NODES)
    (a,) = seec_scenarios(base)
    (b,) = seec_scenarios(base)
    assert a.note == b.note and a.params == b.params
    assert [(x.kind, x.label, x.link) for x in a.actions] == [(x.kind, x.label, x.link) for x in b.actions]
    assert all(np.array_equal(x.cells, y.cells) for x, y in zip(a.actions, b.actions))
    for key in a.details:
        pd.testing.assert_frame_equal(a.details[key], b.details[key])
    # Two stones for W and, X being the weak-carbon node, two corridors from X: S first (cheaper).
    assert a.details["stepping_stones"]["islet"].tolist() == [1, 3]
    assert a.details["links"][["from_id", "to_id"]].values.tolist() == [[3, 2], [3, 1]]
    assert [x.kind for x in a.actions] == ["stepping_stone"] * 2 + ["corridor"] * 2


def test_missing_inputs_name_the_study_key():
    src = blocks(WSX["w"], WSX["s"], WSX["x"])
    base = baseline(src, np.zeros((N, N), np.int32), NODES)
    base.sources.stepping_stones = None
    with pytest.raises(EconetError, match=r"\[sources.islets\]"):
        seec_scenarios(base)
    base = baseline(src, np.zeros((N, N), np.int32), NODES)
    base.nodes = base.nodes.drop(columns="rsei_mean")
    with pytest.raises(EconetError, match='"rsei"'):
        seec_scenarios(base)
    base = baseline(src, np.zeros((N, N), np.int32), NODES)
    base.nodes = base.nodes.drop(columns="carbon_sink_t_a")
    with pytest.raises(EconetError, match='"carbon_sink"'):
        seec_scenarios(base)
