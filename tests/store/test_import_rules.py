"""The key / replace rules of docs/reference.md, idempotent re-imports and all-or-nothing writes."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from planner.store import open_workspace
from planner.store.importers import ImportRejected, import_files, importing, writers
from planner.store.workspace import WorkspaceError

FIXTURES = Path(__file__).parent / "fixtures"
GOOD = FIXTURES / "good"
TABLES = ["products", "suppliers", "sales", "daily_demand", "inventory", "purchase_orders",
          "po_lines", "backorders", "forecast_overrides"]


def snapshot(db) -> dict[str, list[tuple]]:
    """Every row of every data table (not the import log), in a stable order."""
    return {t: sorted(tuple(r) for r in db.execute(f"SELECT * FROM {t}")) for t in TABLES}


def _write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


ALL_FILES = (sorted(GOOD.glob("*.csv")) + sorted((FIXTURES / "messy").glob("*"))
             + [FIXTURES / "shopify" / "orders_export.csv",
                FIXTURES / "shopify" / "inventory_export.csv"])


def test_importing_twice_is_importing_once(db):
    import_files(db, ALL_FILES)
    once = snapshot(db)
    again = import_files(db, ALL_FILES)
    assert snapshot(db) == once
    assert all(s.inserted == 0 and s.updated == 0 for s in again)
    assert sum(s.unchanged for s in again) > 0
    assert db.execute("SELECT count(*) FROM import_log").fetchone()[0] == 2 * len(ALL_FILES)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_rejected_import_leaves_the_workspace_byte_for_byte(workspace_path):
    db = open_workspace(workspace_path)
    import_files(db, sorted(GOOD.glob("*.csv")))
    db.conn.close()
    before = _sha256(workspace_path)
    db = open_workspace(workspace_path)
    with pytest.raises(ImportRejected):
        import_files(db, [GOOD / "sales.csv", FIXTURES / "bad" / "sales_quantities.csv"])
    db.conn.close()
    assert _sha256(workspace_path) == before


def test_a_write_that_fails_half_way_rolls_everything_back(workspace_path, monkeypatch):
    db = open_workspace(workspace_path)
    import_files(db, [GOOD / "products.csv", GOOD / "suppliers.csv"])
    db.conn.close()
    before = _sha256(workspace_path)

    def disk_full(*args, **kwargs):
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(importing, "_log", disk_full)  # after every table was written
    db = open_workspace(workspace_path)
    # a full disk is not a problem with the files: it is said as such, naming the disk
    with pytest.raises(WorkspaceError, match="the disk holding .* is full"):
        import_files(db, [GOOD / "sales.csv", GOOD / "inventory.csv"])
    assert db.execute("SELECT count(*) FROM sales").fetchone()[0] == 0
    db.conn.close()
    assert _sha256(workspace_path) == before


def test_products_upsert_keeps_columns_the_file_does_not_have(db, tmp_path):
    import_files(db, [GOOD / "suppliers.csv", GOOD / "products.csv"])
    path = _write(tmp_path / "prices.csv", "sku,unit_price\nMUG-01,15.50\nNEW-1,3\n")
    [summary] = import_files(db, [path])
    assert (summary.inserted, summary.updated) == (1, 1)
    assert db.execute("SELECT name, supplier, unit_cost, unit_price, moq FROM products WHERE "
                      "sku = 'MUG-01'").fetchone() == ("Stoneware mug", "Acme Ltd", 4.2, 15.5,
                                                      100)


def test_suppliers_upsert_by_name(db, tmp_path):
    import_files(db, [GOOD / "suppliers.csv"])
    path = _write(tmp_path / "suppliers.csv", "supplier,lead_time_days\nAcme Ltd,42\n")
    [summary] = import_files(db, [path])
    assert (summary.inserted, summary.updated) == (0, 1)
    assert db.execute("SELECT lead_time_days, email FROM suppliers WHERE supplier = 'Acme Ltd'"
                      ).fetchone() == (42.0, "orders@acme.example")


def test_sales_with_order_ids_upsert_by_order_sku_and_date(db, tmp_path):
    import_files(db, [GOOD / "sales.csv"])
    path = _write(tmp_path / "sales.csv", "date,sku,quantity,order_id\n"
                  "2025-01-06,MUG-01,3,SO-1001\n2025-01-09,MUG-01,1,SO-1005\n")
    [summary] = import_files(db, [path])
    assert (summary.inserted, summary.updated, summary.unchanged) == (1, 1, 0)
    assert db.execute("SELECT count(*), sum(quantity) FROM sales").fetchone() == (6, 12)
    assert db.execute("SELECT quantity FROM daily_demand WHERE sku = 'MUG-01' AND "
                      "date = '2025-01-06'").fetchone() == (3,)


def test_sales_without_order_ids_replace_their_date_range_for_their_skus(db, tmp_path):
    first = _write(tmp_path / "daily.csv", "date,sku,quantity\n"
                   "2025-01-01,A,5\n2025-01-02,A,6\n2025-01-03,A,7\n2025-01-02,B,1\n")
    import_files(db, [first, GOOD / "sales.csv"])
    second = _write(tmp_path / "daily2.csv", "date,sku,quantity\n"
                    "2025-01-02,A,6\n2025-01-03,A,9\n2025-01-03,A,1\n")
    [summary] = import_files(db, [second])
    assert (summary.inserted, summary.updated, summary.unchanged) == (0, 2, 1)
    rows = db.execute("SELECT date, sku, quantity FROM sales WHERE order_id IS NULL "
                      "ORDER BY sku, date, quantity").fetchall()
    assert [tuple(r) for r in rows] == [
        ("2025-01-01", "A", 5),                       # before the file's range: kept
        ("2025-01-02", "A", 6),                       # same day, same lines: untouched
        ("2025-01-03", "A", 1), ("2025-01-03", "A", 9),
        ("2025-01-02", "B", 1)]                       # another SKU: kept
    assert db.execute("SELECT count(*) FROM sales WHERE order_id IS NOT NULL").fetchone()[0] == 5
    assert db.execute("SELECT quantity, order_lines FROM daily_demand WHERE sku = 'A' AND "
                      "date = '2025-01-03'").fetchone() == (10, 2)
    [again] = import_files(db, [second])
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 3)


def test_inventory_snapshot_replaces_the_previous_one(db, tmp_path):
    import_files(db, [GOOD / "inventory.csv"])
    path = _write(tmp_path / "stock.csv", "sku,on_hand\nMUG-01,90\n")
    [summary] = import_files(db, [path])
    assert db.execute("SELECT sku, location, on_hand, on_hold FROM inventory").fetchall() == [
        ("MUG-01", "", 90, 0)]
    assert any("removed 4 inventory rows" in note for note in summary.notes)


def test_inventory_files_of_one_import_together_form_the_snapshot(db, tmp_path):
    main = _write(tmp_path / "main.csv", "sku,on_hand,location\nA,5,Main\n")
    shop = _write(tmp_path / "shop.csv", "sku,on_hand,location\nA,2,Shop\n")
    import_files(db, [main, shop])
    assert db.execute("SELECT count(*), sum(on_hand) FROM inventory").fetchone() == (2, 7)


def test_purchase_order_lines_upsert_and_the_po_keeps_its_supplier(db, tmp_path):
    import_files(db, [GOOD / "purchase_orders.csv"])
    path = _write(tmp_path / "receipts.csv", "po_number,sku,quantity,expected_date,"
                  "received_quantity,received_date,status\n"
                  "PO-501,MUG-01,600,2025-02-15,600,2025-02-17,\n")
    [summary] = import_files(db, [path])
    assert (summary.inserted, summary.updated) == (0, 1)
    assert db.execute("SELECT received_quantity, received_date, status FROM po_lines WHERE "
                      "po_number = 'PO-501' AND sku = 'MUG-01'").fetchone() == (
        600, "2025-02-17", "received")  # a blank status follows the receipt
    assert db.execute("SELECT supplier, order_date FROM purchase_orders WHERE "
                      "po_number = 'PO-501'").fetchone() == ("Acme Ltd", "2025-01-02")


def test_backorders_snapshot_replaces_the_open_set(db, tmp_path):
    import_files(db, [GOOD / "backorders.csv"])
    path = _write(tmp_path / "open.csv", "order_id,sku,quantity,order_date\n"
                  "SO-0995,MUG-02,1,2025-01-03\nSO-1010,LAMP-9,0,2025-01-09\n")
    [summary] = import_files(db, [path])
    assert db.execute("SELECT order_id FROM backorders").fetchall() == [("SO-0995",)]
    assert summary.skipped_reasons == {"open order lines with quantity 0 (nothing owed)": 1}
    assert summary.updated == 1  # the customer column was dropped from the snapshot


def test_forecast_overrides_upsert_by_sku(db, tmp_path):
    import_files(db, [GOOD / "forecast_overrides.csv"])
    path = _write(tmp_path / "overrides.csv", "sku,demand_per_day\nMUG-02,3\n")
    [summary] = import_files(db, [path])
    assert (summary.inserted, summary.updated) == (0, 1)
    assert db.execute("SELECT count(*) FROM forecast_overrides").fetchone() == (2,)


def _order_lines(path: Path, lines: int, seed: int, *, skus: int = 40,
                 order_ids: bool = True) -> Path:
    rng = np.random.default_rng(seed)
    days = np.sort(rng.integers(0, 60, lines))
    frame = pd.DataFrame({
        "date": (np.datetime64("2025-01-01") + days).astype(str),
        "sku": [f"{i:05d}" for i in rng.integers(0, skus, lines)],
        "quantity": rng.integers(0, 5, lines),
        "order_id": [f"SO{i}" for i in range(lines)],
        "unit_price": np.round(rng.uniform(1, 50, lines), 2),
    })
    frame.drop(columns=[] if order_ids else ["order_id"]).to_csv(path, index=False)
    return path


def _journal_during_bulk_load(monkeypatch) -> list[str]:
    """The journal mode the bulk write ran in, recorded as it ends."""
    seen: list[str] = []
    end = importing._end_bulk_load

    def recording(db):
        seen.append(db.execute("PRAGMA journal_mode").fetchone()[0])
        end(db)

    monkeypatch.setattr(importing, "_end_bulk_load", recording)
    return seen


@pytest.mark.parametrize("skus, order_ids", [(40, True), (40, False), (2500, True)],
                         ids=["few SKUs", "no order ids", "mostly distinct SKUs"])
def test_a_bulk_load_stores_exactly_what_a_normal_import_stores(tmp_path, monkeypatch, skus,
                                                                order_ids):
    path = _order_lines(tmp_path / "sales.csv", 3000, seed=3, skus=skus, order_ids=order_ids)
    normal = open_workspace(tmp_path / "normal.db")
    import_files(normal, [path])
    monkeypatch.setattr(writers, "BULK_MIN_ROWS", 100)
    journal = _journal_during_bulk_load(monkeypatch)
    bulk = open_workspace(tmp_path / "bulk.db")
    [summary] = import_files(bulk, [path])
    assert journal == ["delete"]
    assert summary.inserted == 3000
    assert snapshot(bulk) == snapshot(normal)
    assert bulk.execute("PRAGMA foreign_keys").fetchone() == (1,)
    assert bulk.execute("PRAGMA foreign_key_check").fetchall() == []
    indexes = {r[0] for r in bulk.execute("SELECT name FROM sqlite_master WHERE type = 'index' "
                                          "AND tbl_name = 'sales'")}
    assert "sales_line" in indexes
    # The bulk write used a rollback journal; the workspace is back on its write-ahead log.
    assert bulk.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    assert bulk.execute("PRAGMA synchronous").fetchone() == (1,)
    assert not (tmp_path / "bulk.db-journal").exists()
    assert bulk.execute("SELECT sum(order_lines), sum(quantity) FROM daily_demand").fetchone() \
        == bulk.execute("SELECT count(*), sum(quantity) FROM sales").fetchone()
    [again] = import_files(bulk, [path])
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 3000)


def test_a_bulk_load_while_another_connection_reads_keeps_the_log(tmp_path, monkeypatch):
    path = _order_lines(tmp_path / "sales.csv", 3000, seed=4)
    monkeypatch.setattr(writers, "BULK_MIN_ROWS", 100)
    db = open_workspace(tmp_path / "bulk.db")
    reader = sqlite3.connect(tmp_path / "bulk.db")
    assert reader.execute("SELECT count(*) FROM sales").fetchone() == (0,)
    journal = _journal_during_bulk_load(monkeypatch)
    [summary] = import_files(db, [path])
    assert summary.inserted == 3000
    assert journal == ["wal"]
    assert reader.execute("SELECT count(*) FROM sales").fetchone() == (3000,)
    assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    reader.close()
