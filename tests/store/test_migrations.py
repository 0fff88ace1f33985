"""Upgrading a workspace written by an older version: backed up first, data kept, rules kept."""

import sqlite3

import pytest
from sqlite_utils import Database

from planner.store import open_workspace
from planner.store.backup import list_backups
from planner.store.demand import rebuild_daily_demand
from planner.store.importers import import_files
from planner.store.schema import SCHEMA_VERSION, migrations
from planner.store.workspace import APPLICATION_ID

LINES = [
    ("2025-03-01", "A-1", 2, "SO1", 9.5, "web"),
    ("2025-03-01", "B-2", 1, "SO1", 4.0, "web"),
    ("2025-03-02", "A-1", 5, "SO2", 9.5, "wholesale"),
    ("2025-03-02", "A-1", 1, None, None, None),
    ("2025-03-02", "A-1", 1, None, None, None),
]


def _schema_1_workspace(path):
    """A workspace as version 1 of Planner left it: first migration only, with order lines."""
    db = Database(path)
    migrations.apply(db, stop_before="0002_sales_line_index")
    db.execute("PRAGMA user_version = 1")
    db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    with db.conn:
        db.conn.executemany("INSERT INTO products(sku) VALUES (?)", [("A-1",), ("B-2",)])
        db.conn.executemany("INSERT INTO sales(date, sku, quantity, order_id, unit_price, "
                            "channel) VALUES (?, ?, ?, ?, ?, ?)", LINES)
        rebuild_daily_demand(db)
    db.conn.close()


def _sales(db):
    return db.execute("SELECT date, sku, quantity, order_id, unit_price, channel FROM sales "
                      "ORDER BY id").fetchall()


def _sales_indexes(db):
    return {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'index' "
                                     "AND tbl_name = 'sales' AND sql IS NOT NULL")}


def test_a_schema_1_workspace_is_backed_up_then_upgraded_with_its_order_lines(tmp_path):
    path = tmp_path / "shop.db"
    _schema_1_workspace(path)
    db = open_workspace(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 6
    assert _sales(db) == LINES
    assert _sales_indexes(db) == {"sales_line"}
    [backup] = list_backups(path)
    assert backup.reason == "before upgrade from schema 1 to 6"
    old = sqlite3.connect(backup.path)
    assert old.execute("PRAGMA user_version").fetchone()[0] == 1
    assert old.execute("SELECT date, sku, quantity, order_id, unit_price, channel FROM sales "
                       "ORDER BY id").fetchall() == LINES
    old.close()
    db.conn.close()
    again = open_workspace(path)  # nothing left to do: no second backup
    assert len(list_backups(path)) == 1
    again.conn.close()


def test_the_upgraded_key_still_refuses_a_repeated_order_line(tmp_path):
    path = tmp_path / "shop.db"
    _schema_1_workspace(path)
    db = open_workspace(path)
    with pytest.raises(sqlite3.IntegrityError, match="UNIQUE"):
        db.execute("INSERT INTO sales(date, sku, quantity, order_id) "
                   "VALUES ('2025-03-02', 'A-1', 7, 'SO2')")
    # Lines without an order id never clash (one customer can buy twice on a day).
    db.execute("INSERT INTO sales(date, sku, quantity) VALUES ('2025-03-02', 'A-1', 3)")
    assert db.execute("SELECT count(*) FROM sales WHERE order_id IS NULL").fetchone()[0] == 3


def test_importing_into_an_upgraded_workspace_updates_lines_by_their_key(tmp_path):
    path = tmp_path / "shop.db"
    _schema_1_workspace(path)
    db = open_workspace(path)
    csv = tmp_path / "sales.csv"
    csv.write_text("date,sku,quantity,order_id,unit_price,channel\n"
                   "2025-03-01,A-1,2,SO1,9.5,web\n"     # unchanged
                   "2025-03-02,A-1,6,SO2,9.5,wholesale\n"  # quantity 5 -> 6
                   "2025-03-03,B-2,4,SO3,4.0,web\n")    # new
    [summary] = import_files(db, [csv])
    assert (summary.inserted, summary.updated, summary.unchanged) == (1, 1, 1)
    assert db.execute("SELECT quantity FROM sales WHERE order_id = 'SO2'").fetchone()[0] == 6
    assert db.execute("SELECT quantity FROM daily_demand WHERE sku = 'A-1' "
                      "AND date = '2025-03-02'").fetchone()[0] == 6 + 1 + 1


def test_schema_3_adds_the_buying_and_catalog_tables_to_an_upgraded_workspace(tmp_path):
    path = tmp_path / "shop.db"
    _schema_1_workspace(path)
    db = open_workspace(path)
    tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"bundles", "events", "fx_rates", "price_breaks"} <= tables
    columns = {r[1] for r in db.execute("PRAGMA table_info(suppliers)")}
    assert {"order_cycle_days", "freight_pct", "duty_pct", "container_m3",
            "max_weight_kg"} <= columns
    assert {r[1] for r in db.execute("PRAGMA table_info(po_lines)")} >= {
        "confirmed_quantity", "confirmed_date"}
    # the new tables refuse impossible values like the old ones
    with pytest.raises(sqlite3.IntegrityError):
        db.execute("INSERT INTO fx_rates (currency, rate) VALUES ('EUR', 0)")
    with pytest.raises(sqlite3.IntegrityError):
        db.execute("INSERT INTO bundles VALUES ('GIFT', 'MUG', 0)")


def test_schema_4_dates_the_stored_stock_by_its_last_import(tmp_path):
    path = tmp_path / "shop.db"
    _schema_1_workspace(path)
    db = Database(path)
    with db.conn:
        db.execute("INSERT INTO inventory (sku, location, on_hand) VALUES ('A-1', '', 7)")
        db.execute("INSERT INTO import_log (at, kind, file, rows_read, inserted, updated, "
                   "skipped) VALUES ('2025-03-04T10:00:00', 'inventory', 'stock.csv', 1, 1, 0, 0)")
    db.conn.close()
    db = open_workspace(path)
    assert db.execute("SELECT sku, on_hand, snapshot_date FROM inventory").fetchall() == [
        ("A-1", 7, "2025-03-04")]
    # a second snapshot of the same SKU and location on another day is stock history
    db.execute("INSERT INTO inventory (sku, location, on_hand, snapshot_date) "
               "VALUES ('A-1', '', 0, '2025-03-10')")
    with pytest.raises(sqlite3.IntegrityError):
        db.execute("INSERT INTO inventory (sku, location, on_hand, snapshot_date) "
                   "VALUES ('A-1', '', 1, '10/03/2025')")


def test_schema_6_gives_stored_counts_the_moment_of_their_days_last_stock_import(tmp_path):
    """Issue 23, item 1: a count stored before moments existed gets the moment of the last
    stock import on its own day (else none: the end of its date)."""
    path = tmp_path / "shop.db"
    _schema_1_workspace(path)
    db = Database(path)
    with db.conn:
        db.execute("INSERT INTO inventory (sku, location, on_hand) VALUES ('A-1', '', 7)")
        db.execute("INSERT INTO import_log (at, kind, file, rows_read, inserted, updated, "
                   "skipped) VALUES ('2025-03-04T10:00:00', 'inventory', 'stock.csv', 1, 1, 0, 0)")
    db.conn.close()
    db = open_workspace(path)
    assert db.execute("SELECT snapshot_date, recorded_at FROM inventory").fetchall() == [
        ("2025-03-04", "2025-03-04T10:00:00")]
    assert db.execute("SELECT received_at, received_not_in_count FROM po_lines").fetchall() == []
    assert "not_in_count" in db["po_receipts"].columns_dict
