"""The one CSV writer (econet.io.write_csv): full precision, UTF-8 with a byte-order mark."""

import numpy as np
import pandas as pd

from econet.io import write_csv


def test_floats_round_trip_exactly_and_coordinates_keep_millimetres(tmp_path):
    x = np.array([3804741.237, 512345.0049, 0.1 + 0.2, 1e-12, 2.5e20])
    table = pd.DataFrame({"id": [1, 2, 3, 4, 5], "x_m": x, "y32": x.astype(np.float32)})
    path = write_csv(tmp_path / "t.csv", table)
    back = pd.read_csv(path, encoding="utf-8-sig")
    assert back["x_m"].tolist() == x.tolist()  # bit for bit, not to 6 significant digits
    assert back["y32"].astype(np.float32).tolist() == x.astype(np.float32).tolist()
    rows = path.read_text(encoding="utf-8-sig").splitlines()
    assert [r.split(",")[1] for r in rows[1:3]] == ["3804741.237", "512345.0049"]


def test_utf8_with_bom_so_excel_reads_units(tmp_path):
    path = write_csv(tmp_path / "t.csv", pd.DataFrame({"area_km²": [1.5], "name": ["抚顺"]}))
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the byte-order mark
    assert raw[3:].decode("utf-8") == "area_km²,name\n1.5,抚顺\n"
    assert list(pd.read_csv(path).columns) == ["area_km²", "name"]  # pandas drops the mark itself


def test_same_table_same_bytes(tmp_path):
    table = pd.DataFrame({"v": np.linspace(0, 1, 7)})
    assert write_csv(tmp_path / "a.csv", table).read_bytes() == write_csv(tmp_path / "b.csv", table).read_bytes()
