"""Shopify Admin's Orders and Inventory exports, written by hand in Shopify's column layout.

orders_export.csv holds: #1001 two lines, fulfilled; #1002 unfulfilled; #1003 cancelled;
#1004 refunded after shipping; #1005 a mug, a card without SKU and a tip; #1006 partly
fulfilled; #1007 a gift card and an unfulfilled lamp. Later rows of an order leave the
order-level columns blank, as Shopify writes them.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from planner.store.importers import import_files

SHOPIFY = Path(__file__).parent / "fixtures" / "shopify"
ORDERS = SHOPIFY / "orders_export.csv"


@pytest.fixture
def imported(db):
    [summary] = import_files(db, [ORDERS])
    return db, summary


def _sales(db) -> dict[tuple[str, str], tuple]:
    return {(r[0], r[1]): r[2:] for r in db.execute(
        "SELECT order_id, sku, date, quantity, unit_price, channel FROM sales")}


def _open_lines(db) -> dict[tuple[str, str], tuple]:
    return {(r[0], r[1]): r[2:] for r in db.execute(
        "SELECT order_id, sku, quantity, order_date, customer FROM backorders")}


def test_the_fixture_uses_shopifys_column_layout():
    header = next(csv.reader(io.StringIO(ORDERS.read_text())))
    assert header[:5] == ["Name", "Email", "Financial Status", "Paid at", "Fulfillment Status"]
    assert len(header) == 79 and header[-1] == "Payment References"


def test_line_items_become_sales_at_the_local_order_date(imported):
    db, summary = imported
    sales = _sales(db)
    assert sales[("#1001", "MUG-01")] == ("2024-03-01", 2, 14.0, "shopify")
    assert sales[("#1001", "MUG-02")] == ("2024-03-01", 1, 22.0, "shopify")  # a later row
    # 23:50 at -05:00 is already the 6th in UTC; the order date is the date as written.
    assert sales[("#1005", "MUG-01")][0] == "2024-03-05"
    assert summary.inserted == 9 and summary.rows_read == 13


def test_cancelled_orders_are_not_demand(imported):
    db, summary = imported
    assert not any(order == "#1003" for order, _ in _sales(db))
    assert summary.skipped_reasons["line items of cancelled orders (not demand)"] == 2
    assert any("#1003" in note for note in summary.notes)


def test_refunded_orders_stay_demand_but_owe_nothing(imported):
    db, summary = imported
    assert ("#1004", "MUG-02") in _sales(db)
    assert not any(order == "#1004" for order, _ in _open_lines(db))
    assert any("refunded order kept as demand: #1004" in note for note in summary.notes)


def test_tips_and_gift_cards_are_skipped_and_counted(imported):
    db, summary = imported
    skus = {sku for _, sku in _sales(db)}
    assert "Tip" not in skus and "Gift Card $50" not in skus
    assert summary.skipped_reasons["line items that need no shipping (tips, gift cards)"] == 2
    assert summary.skipped == 4


def test_a_line_item_without_sku_is_keyed_by_its_name(imported):
    db, summary = imported
    assert _sales(db)[("#1005", "Handmade card")][1:3] == (1, 8.0)
    assert any("'Handmade card'" in note for note in summary.notes)
    assert db.execute("SELECT name FROM products WHERE sku = 'Handmade card'").fetchone() == (
        "Handmade card",)


def test_unfulfilled_lines_of_live_orders_are_open_order_lines(imported):
    db, _ = imported
    assert _open_lines(db) == {
        ("#1002", "LAMP-9"): (1, "2024-03-02", "Ben Okafor"),
        ("#1005", "MUG-01"): (1, "2024-03-05", "Ed Moss"),
        ("#1005", "Handmade card"): (1, "2024-03-05", "Ed Moss"),
        ("#1006", "MUG-02"): (1, "2024-03-06", "Fi Berg"),  # the unfulfilled half of #1006
        ("#1007", "LAMP-9"): (1, "2024-03-07", "Gu Lee"),   # blank status, order unfulfilled
    }


def test_daily_demand_follows_the_shopify_sales(imported):
    db, _ = imported
    assert db.execute("SELECT quantity FROM daily_demand WHERE sku = 'MUG-01' AND "
                      "date = '2024-03-06'").fetchone() == (2,)


def test_reimporting_the_export_changes_nothing(imported):
    db, _ = imported
    before = (_sales(db), _open_lines(db))
    [again] = import_files(db, [ORDERS])
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 9)
    assert (_sales(db), _open_lines(db)) == before


def test_a_later_export_updates_its_orders_and_leaves_other_backorders_alone(db, tmp_path):
    import_files(db, [Path(__file__).parent / "fixtures" / "good" / "backorders.csv"])
    import_files(db, [ORDERS])
    # #1002 ships and #1005 is cancelled in a later export that holds only those two orders.
    rows = list(csv.reader(io.StringIO(ORDERS.read_text())))
    header, body = rows[0], rows[1:]
    col = {name: i for i, name in enumerate(header)}
    later = [r for r in body if r[0] in ("#1002", "#1005")]
    for r in later:
        if r[0] == "#1002":
            r[col["Lineitem fulfillment status"]] = "fulfilled"
            if r[col["Fulfillment Status"]]:
                r[col["Fulfillment Status"]] = "fulfilled"
        elif r[col["Created at"]]:
            r[col["Cancelled at"]] = "2024-03-08 10:00:00 -0500"
    path = tmp_path / "orders_export_later.csv"
    with open(path, "w", newline="") as handle:
        csv.writer(handle).writerows([header, *later])
    [summary] = import_files(db, [path])
    open_lines = _open_lines(db)
    assert ("#1002", "LAMP-9") not in open_lines
    assert not any(order == "#1005" for order, _ in open_lines)
    assert ("#1006", "MUG-02") in open_lines and ("SO-0990", "MUG-02") in open_lines
    assert not any(order == "#1005" for order, _ in _sales(db))  # cancelled: no longer demand
    assert ("#1002", "LAMP-9") in _sales(db)
    assert any("no longer open" in note for note in summary.notes)


def test_inventory_is_summed_over_locations(db):
    [summary] = import_files(db, [SHOPIFY / "inventory_export.csv"])
    stock = {r[0]: r[1:] for r in db.execute(
        "SELECT sku, location, on_hand, on_hold FROM inventory")}
    # On hand includes unavailable units: sellable = On hand - Unavailable, held = Unavailable.
    assert stock["MUG-01"] == ("", 13 + 5, 2)
    assert stock["LAMP-9"] == ("", 6 + 2, 1)
    assert stock["MUG-02"] == ("", 0, 0)  # oversold (Available -2) and "not stocked" elsewhere
    assert stock["Handmade card"] == ("", 30, 0)
    assert summary.kind == "shopify_inventory" and summary.inserted == 4
    assert "stock summed over 2 locations" in summary.notes


def test_an_available_only_export_replaces_the_snapshot(db):
    import_files(db, [SHOPIFY / "inventory_export.csv"])
    [summary] = import_files(db, [SHOPIFY / "inventory_export_available_only.csv"])
    stock = {r[0]: r[1:] for r in db.execute("SELECT sku, on_hand, on_hold FROM inventory")}
    assert stock == {"MUG-01": (14, 0), "LAMP-9": (8, 0)}
    assert any("removed 2 inventory rows" in note for note in summary.notes)
