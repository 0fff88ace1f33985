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

from planner.store.importers import ImportRejected, detect_kind, import_files

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


# ---------------------------------------------------------------------------------------------
# The Inventory export in each of Shopify's layouts: the older header spelling and the current
# one (Bin name, "(not editable)" quantities, On hand (current) / On hand (new)), each in both
# quantity-type variants ("All quantity types" and "Only Available quantities").

CURRENT = SHOPIFY / "inventory_export_current.csv"

#: (sku → (on_hand, on_hold)) per layout: summed over locations, on_hand = On hand − Unavailable
#: (Available + Committed where the file has no On hand), on_hold = Unavailable.
STOCK_BY_LAYOUT = {
    "inventory_export.csv": {"MUG-01": (13 + 5, 2 + 0), "MUG-02": (0, 0), "LAMP-9": (6 + 2, 1),
                             "Handmade card": (30, 0)},
    "inventory_export_available_only.csv": {"MUG-01": (10 + 4, 0), "LAMP-9": (6 + 2, 0)},
    "inventory_export_current.csv": {"MUG-01": (13 + 5 + 0, 2 + 0 + 3), "MUG-02": (0, 0),
                                     "LAMP-9": (6 + 2 + 0, 1 + 0 + 1), "Handmade card": (30, 0)},
    "inventory_export_current_available_only.csv": {"MUG-01": (10 + 4 + 0, 0),
                                                    "LAMP-9": (6 + 2 + 0, 0)},
}


def _stock(db) -> dict[str, tuple[int, int]]:
    return {r[0]: (r[1], r[2]) for r in db.execute(
        "SELECT sku, on_hand, on_hold FROM inventory WHERE location = ''")}


def _write(path: Path, rows: list[list[str]]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    return path


def _rows(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))


def test_the_current_fixture_uses_shopifys_current_column_layout():
    header = _rows(CURRENT)[0]
    assert len(header) == 19 and header[11:] == [
        "Location", "Bin name", "Incoming (not editable)", "Unavailable (not editable)",
        "Committed (not editable)", "Available (not editable)", "On hand (current)",
        "On hand (new)"]


@pytest.mark.parametrize("name", list(STOCK_BY_LAYOUT))
def test_each_inventory_layout_imports_its_stock_per_sku(db, name):
    [summary] = import_files(db, [SHOPIFY / name])
    assert summary.kind == "shopify_inventory"
    assert _stock(db) == STOCK_BY_LAYOUT[name]
    assert summary.inserted == len(STOCK_BY_LAYOUT[name])
    assert summary.unknown_columns == []  # Bin name, HS Code, Incoming… are known, not used


@pytest.mark.parametrize("name", list(STOCK_BY_LAYOUT))
def test_reimporting_each_inventory_layout_changes_nothing(db, name):
    import_files(db, [SHOPIFY / name])
    before = _stock(db)
    [again] = import_files(db, [SHOPIFY / name])
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, len(before))
    assert _stock(db) == before


def test_the_current_export_sums_three_locations_and_reads_not_stocked_as_zero(db):
    [summary] = import_files(db, [CURRENT])
    assert "stock summed over 3 locations" in summary.notes
    assert _stock(db)["MUG-02"] == (0, 0)  # "not stocked" at two of its three locations


@pytest.mark.parametrize("spelling", [
    ["Unavailable", "Committed", "Available", "On hand"],
    ["Unavailable (not editable)", "Committed (not editable)", "Available (not editable)",
     "On hand (current)", "On hand (new)"],
    ["Available (not editable)"],
    ["Available"],
    ["Available (current)", "Available (new)"],
    ["Available (new)"],
    ["On hand (new)"],
    ["ON HAND (CURRENT)", " unavailable(not editable) "],
], ids=lambda s: " | ".join(s))
def test_shopifys_header_spellings_are_told_apart_from_our_inventory_kind(spelling):
    header = ["Handle", "Title", "SKU", "Location", "Bin name", *spelling]
    assert detect_kind(header) == "shopify_inventory"
    assert detect_kind(["Handle", "Title", "SKU", "Location", *spelling]) == "shopify_inventory"


def test_on_hand_current_is_the_count_and_on_hand_new_stands_in_only_where_it_is_blank(
        db, tmp_path):
    rows = _rows(CURRENT)
    current, new = rows[0].index("On hand (current)"), rows[0].index("On hand (new)")
    rows[1][new] = "999"           # MUG-01 at the main warehouse: a count typed for Shopify
    rows[2][current] = ""          # MUG-01 at the pop-up shop: only the new count is given
    rows[2][new] = "6"
    import_files(db, [_write(tmp_path / "inventory_export.csv", rows)])
    assert _stock(db)["MUG-01"] == ((15 - 2) + 6 + (3 - 3), 5)


def test_a_blank_on_hand_new_column_changes_nothing(db, tmp_path):
    rows = _rows(CURRENT)
    new = rows[0].index("On hand (new)")
    for row in rows[1:]:
        row[new] = ""
    import_files(db, [_write(tmp_path / "inventory_export.csv", rows)])
    assert _stock(db) == STOCK_BY_LAYOUT["inventory_export_current.csv"]


def test_a_bad_quantity_in_the_current_layout_rejects_the_file_naming_row_column_value(
        db, tmp_path):
    rows = _rows(CURRENT)
    rows[4][rows[0].index("On hand (current)")] = "lots"
    path = _write(tmp_path / "inventory_export.csv", rows)
    with pytest.raises(ImportRejected) as caught:
        import_files(db, [path])
    [problem] = caught.value.problems
    assert (problem.file, problem.row, problem.column, problem.value) == (
        "inventory_export.csv", 5, "On hand (current)", "lots")
    assert "inventory_export.csv, row 5, column On hand (current): 'lots'" in str(problem)
    assert db.execute("SELECT count(*) FROM inventory").fetchone() == (0,)


def test_a_row_without_any_quantity_is_refused(db, tmp_path):
    rows = _rows(SHOPIFY / "inventory_export_current_available_only.csv")
    rows[2][-1] = ""
    with pytest.raises(ImportRejected) as caught:
        import_files(db, [_write(tmp_path / "inventory_export.csv", rows)])
    [problem] = caught.value.problems
    assert (problem.row, problem.column, problem.value) == (3, "Available (not editable)", None)
    assert db.execute("SELECT count(*) FROM inventory").fetchone() == (0,)


def test_an_inventory_export_without_a_quantity_column_says_which_it_needs(db, tmp_path):
    rows = [r[:13] for r in _rows(CURRENT)]
    with pytest.raises(ImportRejected, match="one of") as caught:
        import_files(db, [_write(tmp_path / "inventory_export.csv", rows)], kind="shopify_inventory")
    assert "on_hand" in str(caught.value) and "available" in str(caught.value)


# ---------------------------------------------------------------------------------------------
# The Orders export: Shopify adds columns over time, and older or trimmed exports lack some.

def test_an_orders_export_with_fewer_columns_imports_the_same_sales(db, tmp_path):
    rows = _rows(ORDERS)
    # The layout without the POS and tax columns (Employee, Location, Device ID, Tax 1..5,
    # Phone, Receipt Number, Duties), as some stores' exports are written.
    dropped = {"Employee", "Location", "Device ID", "Phone", "Receipt Number", "Duties",
               "Note Attributes"} | {f"Tax {i} {part}" for i in range(1, 6)
                                     for part in ("Name", "Value")}
    keep = [i for i, name in enumerate(rows[0]) if name not in dropped]
    path = _write(tmp_path / "orders_export_1.csv", [[r[i] for i in keep] for r in rows])
    [summary] = import_files(db, [path])
    assert summary.kind == "shopify_orders" and len(rows[0]) - len(keep) == 17
    reference = _sales(db)
    assert reference[("#1001", "MUG-01")] == ("2024-03-01", 2, 14.0, "shopify")
    assert summary.inserted == 9


def test_an_orders_export_with_columns_planner_does_not_know_imports_and_lists_them(db, tmp_path):
    rows = _rows(ORDERS)
    extra = ["Lineitem fulfillment service", "Customer ID"]
    rows = [r[:24] + ([*extra] if i == 0 else ["manual", "7001"]) + r[24:]
            for i, r in enumerate(rows)]
    [summary] = import_files(db, [_write(tmp_path / "orders_export.csv", rows)])
    assert summary.kind == "shopify_orders" and summary.inserted == 9
    assert summary.unknown_columns == extra
    assert detect_kind(rows[0][::-1]) == "shopify_orders"  # column order does not matter
