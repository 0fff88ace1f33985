"""The two CSV readers (pyarrow's fast one, pandas' forgiving one) give the same cells and row
numbers for every file both accept; files only pandas accepts still import."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from planner.store.importers import import_files
from planner.store.importers.reading import (
    _known_names,
    _read_csv_arrow,
    _read_csv_chunks,
    _wanted_positions,
    read_header,
)

FIXTURES = Path(__file__).parent / "fixtures"
CSV_FIXTURES = sorted(p for p in FIXTURES.rglob("*")
                      if p.suffix in (".csv", ".tsv") and p.stat().st_size > 0)

WRITTEN = {
    "quoted_newlines": b'date,sku,quantity,channel\n2025-01-01,A,1,"web\nshop"\n'
                       b'2025-01-02,"B ""big""",2,web\n',
    "blank_lines_between": b"date,sku,quantity\n2025-01-01,A,1\n\n,,\n2025-01-02,B,2\n\n\n",
    "no_final_newline": b"date,sku,quantity\r\n2025-01-01,A,1\r\n2025-01-02,B,2",
    "spaces_kept": b"date,sku,quantity\n 2025-01-01 , 00123 ,1\n",
    "non_ascii": "date,sku,quantity,channel\n2025-01-01,Ä-1,1,Café\n".encode(),
}


def _cells(table) -> dict[str, list]:
    out = {}
    for name, (codes, uniques) in table.columns.items():
        values = np.append(uniques.astype(object), None)[codes]
        out[name] = ["" if v is None else v for v in values.tolist()]
    return out


def _both(path: Path):
    head = read_header(path)
    positions = _wanted_positions(head.header, _known_names())
    fast = _read_csv_arrow(head, positions) if head.header_row == 1 else None
    forgiving = _read_csv_chunks(head, positions, None, None, only_wanted=False)
    return fast, forgiving


def _assert_same(fast, forgiving):
    assert fast.rows.tolist() == forgiving.rows.tolist()
    assert _cells(fast) == _cells(forgiving)


@pytest.mark.parametrize("path", CSV_FIXTURES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_the_readers_agree_on_every_fixture(path):
    fast, forgiving = _both(path)
    if fast is not None:
        _assert_same(fast, forgiving)


@pytest.mark.parametrize("name", sorted(WRITTEN))
def test_the_readers_agree_on_awkward_but_regular_files(tmp_path, name):
    path = tmp_path / f"{name}.csv"
    path.write_bytes(WRITTEN[name])
    fast, forgiving = _both(path)
    assert fast is not None, "pyarrow should read this file"
    _assert_same(fast, forgiving)


@pytest.mark.parametrize("block_bytes, order_ids_as_text", [(4096, False), (8 * 1024 * 1024, True)],
                         ids=["many small blocks", "one block"])
def test_the_readers_agree_on_thousands_of_lines(tmp_path, monkeypatch, block_bytes,
                                                 order_ids_as_text):
    """Repetitive columns are encoded block by block, mostly distinct ones (order ids, when the
    first block is big enough to tell) once at the end; both ways give pandas' cells."""
    from planner.store.importers import reading

    monkeypatch.setattr(reading, "_ARROW_BLOCK_BYTES", block_bytes)
    as_text = []
    unified = reading._unified

    def recording(chunks, *, encoded):
        as_text.append(not encoded)
        return unified(chunks, encoded=encoded)

    monkeypatch.setattr(reading, "_unified", recording)
    rng = np.random.default_rng(7)
    lines = ["date,sku,quantity,order_id,channel"] + [
        f"2025-01-{rng.integers(1, 29):02d},SKU-{rng.integers(0, 50)},{rng.integers(0, 9)},"
        f"SO{i - (i % 4 == 3)},{'web' if rng.random() < 0.7 else ''}" for i in range(6000)]
    path = tmp_path / "many.csv"
    path.write_text("\n".join(lines) + "\n")
    fast, forgiving = _both(path)
    assert fast is not None
    _assert_same(fast, forgiving)
    assert len(fast.columns["order_id"][1]) == 4500
    assert as_text == [False, False, False, order_ids_as_text, False]


def test_the_fast_reader_reads_a_quoted_newline_as_one_cell(tmp_path):
    path = tmp_path / "q.csv"
    path.write_bytes(WRITTEN["quoted_newlines"])
    fast, _ = _both(path)
    assert _cells(fast)["channel"] == ["web\nshop", "web"]
    assert _cells(fast)["sku"] == ["A", 'B "big"']
    assert fast.rows.tolist() == [2, 3]


def test_rows_of_uneven_length_fall_back_to_the_forgiving_reader(tmp_path):
    path = tmp_path / "uneven.csv"
    path.write_text("date,sku,quantity,note\n2025-01-01,A,1\n2025-01-02,B,2,extra,cells\n")
    head = read_header(path)
    assert _read_csv_arrow(head, _wanted_positions(head.header, _known_names())) is None
    db_path = tmp_path / "shop.db"
    from planner.store import open_workspace

    db = open_workspace(db_path)
    [summary] = import_files(db, [path])
    assert (summary.rows_read, summary.inserted) == (2, 2)
    assert db.execute("SELECT sku, quantity FROM sales ORDER BY date").fetchall() == [
        ("A", 1), ("B", 2)]


def test_without_pyarrow_the_same_files_import_to_the_same_workspace(tmp_path, monkeypatch):
    from planner.store import open_workspace
    from planner.store.importers import reading

    files = sorted((FIXTURES / "good").glob("*.csv")) + [FIXTURES / "shopify" / "orders_export.csv"]
    tables = ["products", "suppliers", "sales", "daily_demand", "inventory", "po_lines",
              "backorders", "forecast_overrides"]

    # the moment a row was recorded (a count's, a receipt's) is when the import ran, not data
    moments = {"recorded_at", "received_at"}

    def imported(name):
        db = open_workspace(tmp_path / name)
        import_files(db, files)
        out = {}
        for t in tables:
            columns = [c.name for c in db[t].columns if c.name not in moments]
            out[t] = sorted(map(tuple, db.execute(f"SELECT {', '.join(columns)} FROM {t}")))
        return out

    fast = imported("fast.db")
    monkeypatch.setattr(reading, "arrow_available", lambda: False)
    assert imported("forgiving.db") == fast
    assert fast["sales"] and fast["backorders"]
