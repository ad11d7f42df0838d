"""The report's pieces: the one number formatter, column labels, the products that exist, the
parameters table generated from the study model, embedded images."""

import base64

import pandas as pd
import pytest

from econet.config import Study, parse_study
from econet.errors import StudyError
from econet.report import ReportSection
from econet.report.html import embed_images, report_page
from econet.report.methods import parameters, unit_of
from econet.report.tables import html_table, label, number
from econet.stages.report import written_products


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (21480.3, "21,480"),  # the diameter 2.148e+04
        (3804741.237, "3,804,741"),
        (0.5, "0.5"),
        (0.087188, "0.08719"),
        (-0.0413, "−0.0413"),
        (12500.0, "12,500"),
        (2.0, "2"),
        (1.5e-5, "1.5 × 10⁻⁵"),
        (2.1e16, "2.1 × 10¹⁶"),
        (0.0, "0"),
        (-0.00001, "−1 × 10⁻⁵"),
        (12345, "12,345"),
        (True, "yes"),
        (None, "–"),
        (float("nan"), "–"),
        (float("inf"), "∞"),
        ("forest", "forest"),
    ],
)
def test_number_never_uses_e_notation_for_ordinary_numbers(value, text):
    assert number(value) == text


def test_labels_carry_units_and_tables_scroll_in_their_own_box():
    assert label("area_km2") == "area (km²)"
    assert label("foreground_share_pct") == "foreground share (%)"
    assert label("carbon_sink_t_a") == "carbon sink (t/a)"
    assert label("first_below_0_1") == "first removal below 0.1"
    out = html_table(pd.DataFrame({"id": [1001.0], "diameter_length_m": [21480.3], "name": ["a<b"]}))
    assert out.startswith('<div class="table"><table')
    assert "<th>diameter length (m)</th>" in out and "<td>21,480</td>" in out
    assert "<td>1001</td>" in out and "a&lt;b" in out  # ids as they are; text escaped


def test_products_table_lists_only_what_the_run_wrote():
    declared = {
        "indicator_<name>.tif": "one raster per indicator",
        "services_level.tif": "service levels (when services are a rule)",
        "resistance_grades/": "one grade raster per factor",
        "sources.csv": "the patch table",
    }
    written = ["sources.csv", "indicator_ndvi.tif", "indicator_rsei.tif", "resistance_grades/slope.tif"]
    assert written_products(declared, written) == {
        "indicator_ndvi.tif": "one raster per indicator",
        "indicator_rsei.tif": "one raster per indicator",
        "resistance_grades/": "one grade raster per factor",
        "sources.csv": "the patch table",
    }


def test_parameters_come_from_the_study_model_with_units():
    study = Study.model_validate({"layers": {}, "corridors": {"max_cost": 25000}, "robustness": {"random_repeats": 7}})
    corridors = parameters("corridors", study.corridors).set_index("key")
    assert corridors.loc["corridors.max_cost", "value"] == 25000
    assert corridors.loc["corridors.max_cost", "unit"] == "resistance × m"
    assert corridors.loc["corridors.pairs", "value"] == "allocation_adjacency"
    assert corridors.loc["corridors.regional_width_m", "unit"] == "m"
    assert "corridors.roads" not in corridors.index  # unset options are left out
    # every key of the section is there: a new parameter cannot be forgotten
    set_keys = {k for k, v in study.corridors.model_dump().items() if v is not None}
    assert {k.split(".", 1)[1].split(".")[0] for k in corridors.index} == set_keys
    robustness = parameters("robustness", study.robustness).set_index("key")
    assert robustness.loc["robustness.random_repeats", "value"] == 7
    assert robustness.loc["robustness.random_repeats", "unit"] == "repetitions"
    weights = parameters("resistance", study.resistance).set_index("key")
    assert weights.filter(like="resistance.weights.", axis=0)["unit"].eq("weight").all()
    assert unit_of("sources.min_area_km2") == "km²" and unit_of("sources.mspa.edge_width_px") == "cells"


def test_embedded_images_make_one_self_contained_page(tmp_path):
    png = b"\x89PNG\r\n\x1a\nfake"
    (tmp_path / "map.png").write_bytes(png)
    page = report_page("t", "s", [ReportSection("A", ["<img src='map.png' alt='m'>"], ["map.png"])], {})
    assert "src='map.png'" in page
    inline = embed_images(page, tmp_path)
    assert f"src='data:image/png;base64,{base64.b64encode(png).decode()}'" in inline
    assert embed_images("<img src='missing.png'>", tmp_path) == "<img src='missing.png'>"


def test_report_key_in_the_study():
    assert Study.model_validate({"layers": {}}).report.embed_images is False
    assert Study.model_validate({"layers": {}, "report": {"embed_images": True}}).report.embed_images is True
    with pytest.raises(StudyError) as bad:  # a typo is an error, not a silent default
        parse_study({"layers": {}, "report": {"embed_image": True}}, check_files=False)
    assert "report.embed_image" in [p.where for p in bad.value.problems]
