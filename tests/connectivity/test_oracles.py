"""Every oracle case of tests/fixtures/connectivity (see its PROVENANCE.md): Conefor 2.7.3 runs,
Graphab 2.0.6 unit-test values and Makurhini vignette values."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from econet.connectivity import Links, centroid_points, iic_indices, pc_indices
from econet.connectivity.conefor import conefor_tables, read_connection_file, read_node_file

ORACLES = Path(__file__).parents[1] / "fixtures" / "connectivity"
CONEFOR = ORACLES / "conefor_2.7.3_runs"
GRAPHAB = ORACLES / "graphab_2.0.6_testproject"
MAKURHINI = ORACLES / "makurhini_tmvs404"

# (folder, node file, connection file, Conefor arguments, node table, overall table)
CONEFOR_RUNS = {
    "tiny5": ("tiny5", "nodes_tiny.txt", "dist_tiny.txt", "all", (200, 0.5), 100, 100,
              "tiny_node_importances.txt", "overall_indices.txt"),
    "graphab152_euclid_all": ("graphab152_euclid_all", "nodes_graphab.txt", "distances_euclid_all.txt.gz", "all",
                              (1000, 0.05), 1000, 195981593.78423053, "geuclid_node_importances.txt",
                              "overall_indices.txt"),
    "graphab152_costgraph": ("graphab152_costgraph", "nodes_graphab.txt", "distances_graphab.txt", "notall",
                             (1000, 0.05), 1000000, 195981593.78423053, "gtest_node_importances.txt",
                             "overall_indices.txt"),
    "spain50": ("spain_makurhini", "nodes_50.txt", "dist_50.txt", "all", (980966.64, 0.5), 980966.64, None,
                "spain50_node_importances.txt", "overall_indices_50.txt"),
    "spain359": ("spain_makurhini", "nodes_359.txt", "dist_359.txt.gz", "all", (980966.64, 0.5), 980966.64, None,
                 "spain359_node_importances.txt", "overall_indices_359.txt"),
}  # fmt: skip


def read_conefor_nodes(path) -> pd.DataFrame:
    t = pd.read_csv(path, sep="\t")
    return t.loc[:, ~t.columns.str.startswith("Unnamed")]


def read_conefor_overall(path) -> dict:
    return dict(pd.read_csv(path, sep="\t", header=None).itertuples(index=False, name=None))


@pytest.mark.parametrize("case", list(CONEFOR_RUNS))
def test_conefor_273_runs(case):
    folder, nfile, cfile, _mode, prob, adj, area, node_out, overall_out = CONEFOR_RUNS[case]
    d = CONEFOR / folder
    nodes = read_node_file(d / nfile)
    links = read_connection_file(d / cfile, nodes.id)
    table, overall = conefor_tables(nodes, links, conf_prob=prob, conf_adj=adj, pc=True, iic=True, land_area=area)
    want = read_conefor_nodes(d / node_out)
    assert list(table) == list(want.columns)
    np.testing.assert_array_equal(table["Node"], want["Node"])
    # Conefor prints 6 significant digits, and its removal sums carry round-off up to about 1e-9 of
    # num (connector values like 1.2e-07 % where the exact value is 0: in tiny5, node 4 ties with
    # a direct link, 700 = 600 + 100), hence an absolute tolerance of 1e-8 of num.
    for col in want.columns[1:]:
        scale = 1e-6 if col.startswith("d") else 1e-8 * max(abs(overall[0][1]), abs(overall[6][1]))
        if col.startswith("var") and area:
            scale /= area**2
        np.testing.assert_allclose(table[col], want[col], rtol=1e-5, atol=scale, err_msg=f"{case} {col}")
    got = dict(overall)
    want_overall = read_conefor_overall(d / overall_out)
    assert set(got) == set(want_overall)
    for key, value in want_overall.items():
        if key.endswith("step(%)") or key.endswith("direct(%)"):
            np.testing.assert_allclose(got[key], value, rtol=1e-5, atol=1e-5, err_msg=key)
        else:
            np.testing.assert_allclose(got[key], value, rtol=1e-5, err_msg=key)


def _graphab_links(name: str, max_dist: float = np.inf):
    patches = pd.read_csv(GRAPHAB / "patches.csv")
    t = pd.read_csv(GRAPHAB / f"{name}-links.csv")
    t = t[t["Dist"] <= max_dist]
    index = pd.Series(np.arange(len(patches)), index=patches["Id"])
    links = Links(index[t["ID1"]].to_numpy(), index[t["ID2"]].to_numpy(), t["Dist"].to_numpy(float))
    return patches, links


GRAPHAB_AREA = 13998.903636200004 * 13999.781617000233


@pytest.mark.parametrize(
    ("graph", "links", "max_dist", "pc", "iic"),
    [
        ("comp_cout10_500_nopath", "comp_cout10_500_nopath", np.inf, 3.2880609909219453e-4, 4.885949077592436e-4),
        ("comp_euclid_1000_nointra", "comp_euclid", 1000, 9.581715576493942e-5, 1.6148035259804173e-4),
        ("plan_euclid", "plan_euclid", np.inf, None, 3.5701558731321767e-4),
        ("plan_cout1_len", "plan_cout1_len", np.inf, None, 3.5384810593771507e-4),
    ],
)
def test_graphab_206_global_metrics(graph, links, max_dist, pc, iic):
    patches, lk = _graphab_links(links, max_dist)
    cap = patches["Capacity"].to_numpy()
    got_iic, _ = iic_indices(cap, lk, np.inf, GRAPHAB_AREA, node_importance=False)
    assert got_iic["IIC"] == pytest.approx(iic, rel=1e-9)
    if pc is not None:
        got_pc, _ = pc_indices(cap, lk, 1000, 0.05, GRAPHAB_AREA, node_importance=False)
        assert got_pc["PC"] == pytest.approx(pc, rel=1e-9)


@pytest.mark.parametrize(
    ("graph", "links", "max_dist"),
    [("comp_cout10_500_nopath", "comp_cout10_500_nopath", np.inf), ("comp_euclid_1000_nointra", "comp_euclid", 1000)],
)
def test_graphab_206_dpc_fractions(graph, links, max_dist):
    patches, lk = _graphab_links(links, max_dist)
    _, nodes = pc_indices(patches["Capacity"].to_numpy(), lk, 1000, 0.05, GRAPHAB_AREA)
    for part, col in (("Intra", "dPCintra"), ("Flux", "dPCflux"), ("Con", "dPCconnector")):
        want = patches[f"d_dPC_d1000_p0.05_beta1|PC{part}_graph_{graph}"].to_numpy()
        np.testing.assert_allclose(nodes[col] / 100, want, rtol=0, atol=1e-12, err_msg=col)
    recomputed = pd.read_csv(GRAPHAB / f"expected_dPC_fractions_graph_{graph}.csv")
    np.testing.assert_allclose(nodes["dPC"] / 100, recomputed["dPC"], rtol=0, atol=1e-12)


def _tmvs_distances():
    t = pd.read_csv(MAKURHINI / "habitat_nodes_404_centroids.csv")
    xy = t[["x", "y"]].to_numpy()
    d = np.sqrt(((xy[:, None, :] - xy[None, :, :]) ** 2).sum(-1))
    return t, d


TMVS_LA_HA = 2761373.4943


def test_makurhini_vignette_published_values():
    t, d = _tmvs_distances()
    overall, nodes = pc_indices(t["area_ha"].to_numpy(), d, 10000, 0.5, TMVS_LA_HA)
    assert overall["PCnum"] == pytest.approx(2.136028e11, rel=1e-6)
    assert overall["EC(PC)"] == pytest.approx(4.621718e05, rel=1e-6)
    assert overall["PC"] == pytest.approx(2.801281e-02, rel=1e-6)
    dpc = [0.0016597, 0.0052722, 0.1965744, 0.0038579, 0.0044296, 0.0007537, 0.0012423, 0.0016418, 0.0055884, 0.8901452]
    flux = [
        0.0016563,
        0.0052495,
        0.1397214,
        0.0038510,
        0.0044136,
        0.0007534,
        0.0012414,
        0.0016403,
        0.0055690,
        0.4843738,
    ]
    np.testing.assert_allclose(nodes["dPC"][:10], dpc, rtol=1e-4, atol=5e-8)
    np.testing.assert_allclose(nodes["dPCflux"][:10], flux, rtol=1e-4, atol=5e-8)
    assert np.abs(nodes["dPCconnector"][:10]).max() < 1e-10


def test_makurhini_derived_all_thresholds():
    t, d = _tmvs_distances()
    derived = pd.read_csv(MAKURHINI / "derived_overall_PC_p0.5.csv")
    for row in derived.itertuples(index=False):
        overall, _ = pc_indices(t["area_ha"].to_numpy(), d, row.distance_threshold_m, 0.5, TMVS_LA_HA,
                                node_importance=False)  # fmt: skip
        assert overall["PCnum"] == pytest.approx(row.PCnum_ha2, rel=1e-9)
        assert overall["PC"] == pytest.approx(row.PC_LA_TMVS, rel=1e-9)
    _, nodes = pc_indices(t["area_ha"].to_numpy(), d, 10000, 0.5, TMVS_LA_HA)
    want = pd.read_csv(MAKURHINI / "derived_dPC_d10000_p0.5.csv")
    # The csv keeps 10 significant digits of x, y and of the values: agreement to ~1e-7 relative.
    for col in ("dPC", "dPCintra", "dPCflux", "dPCconnector"):
        np.testing.assert_allclose(nodes[col], want[col], rtol=1e-6, atol=1e-12, err_msg=col)


def test_makurhini_inside_points():
    """The centroid, or a point on the surface where the centroid falls outside the polygon."""
    import shapely

    # A C-shaped polygon whose centroid lies in its notch, and a square.
    c_shape = shapely.Polygon([(0, 0), (10, 0), (10, 2), (2, 2), (2, 8), (10, 8), (10, 10), (0, 10)])
    square = shapely.box(20, 0, 22, 2)
    pts = centroid_points([c_shape, square])
    assert shapely.contains(c_shape, pts[0])
    assert shapely.equals(pts[1], shapely.Point(21, 1))
    assert not shapely.contains(c_shape, shapely.centroid(c_shape))
