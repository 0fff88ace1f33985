"""A bulk load checks the workspace's CHECK constraints once per distinct value: every value
written still passes them, and a value that fails stops the load as SQLite would."""

from __future__ import annotations

import sqlite3

import pandas as pd
import pytest
from sqlite_utils import Database

from planner.store import open_workspace
from planner.store.importers import writers
from planner.store.importers.checks import checked_by_value, column_checks


def test_the_bulk_loaded_tables_have_one_column_checks(db):
    assert set(column_checks(db, "sales")) == {"date", "quantity", "unit_price"}
    assert set(column_checks(db, "daily_demand")) == {"date", "quantity", "order_lines"}


@pytest.mark.parametrize("sql", [
    "CREATE TABLE t (a INTEGER CHECK (a < b), b INTEGER)",           # names another column
    "CREATE TABLE t (a INTEGER, b INTEGER, CHECK (a < b))",          # a table constraint
    "CREATE TABLE t (a INTEGER CHECK (a > 0) CHECK (a < 9), b INTEGER)",  # two on one column
])
def test_checks_that_span_columns_keep_sqlites_per_row_checks(tmp_path, sql):
    db = Database(tmp_path / "t.db")
    db.execute(sql)
    assert column_checks(db, "t") is None
    frame = pd.DataFrame({"a": [10, 1], "b": [1, 2]})
    with db.conn, pytest.raises(sqlite3.IntegrityError):
        with checked_by_value(db, "t", frame):
            assert db.execute("PRAGMA ignore_check_constraints").fetchone() == (0,)
            writers.insert_rows(db, "t", frame)


def _lines(**changes) -> pd.DataFrame:
    frame = pd.DataFrame({"date": ["2025-01-01", "2025-01-02"] * 30_000,
                          "sku": ["A"] * 60_000, "quantity": [1, 2] * 30_000,
                          "order_id": [f"SO{i}" for i in range(60_000)],
                          "unit_price": [None, 2.5] * 30_000})
    for column, (row, value) in changes.items():
        frame[column] = frame[column].astype(object)
        frame.at[row, column] = value
    return frame


@pytest.mark.parametrize("column, value", [
    ("date", "01/02/2025"), ("quantity", -1), ("unit_price", -0.5),
    ("quantity", "-5"),  # text that the INTEGER column would store as -5: checked as stored
])
def test_a_bad_value_stops_a_bulk_load_and_nothing_is_written(db, column, value):
    db.execute("INSERT INTO products(sku) VALUES ('A')")
    with pytest.raises(sqlite3.IntegrityError, match=f"CHECK constraint failed.*{column}"):
        with db.conn:
            writers.write_sales(db, _lines(**{column: (41_234, value)}))
    assert db.execute("SELECT count(*) FROM sales").fetchone() == (0,)
    assert db.execute("PRAGMA ignore_check_constraints").fetchone() == (0,)


def test_a_bulk_load_of_good_lines_leaves_per_row_checks_on(tmp_path, monkeypatch):
    db = open_workspace(tmp_path / "shop.db")
    db.execute("INSERT INTO products(sku) VALUES ('A')")
    per_row_checks = []
    insert_rows = writers.insert_rows

    def recording(db, table, *args, **kwargs):
        per_row_checks.append((table, db.execute("PRAGMA ignore_check_constraints").fetchone()))
        insert_rows(db, table, *args, **kwargs)

    monkeypatch.setattr(writers, "insert_rows", recording)
    with db.conn:
        counts, _ = writers.write_sales(db, _lines())
    assert per_row_checks == [("sales", (1,)), ("daily_demand", (1,))]  # checked by value
    assert counts.inserted == 60_000
    assert db.execute("SELECT count(*), sum(quantity) FROM sales").fetchone() == (60_000, 90_000)
    assert db.execute("SELECT sum(quantity), sum(order_lines) FROM daily_demand").fetchone() \
        == (90_000, 60_000)
    assert db.execute("PRAGMA ignore_check_constraints").fetchone() == (0,)
    with pytest.raises(sqlite3.IntegrityError):
        db.execute("INSERT INTO sales(date, sku, quantity) VALUES ('2025-01-03', 'A', -4)")
