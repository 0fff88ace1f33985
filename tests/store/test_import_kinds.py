"""Every import kind: its kind is told from the header, and a clean file lands where it should."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from planner.store.importers import KINDS, KindError, detect_kind, import_files, preview_file

FIXTURES = Path(__file__).parent / "fixtures"
GOOD = FIXTURES / "good"

HEADERS = {
    GOOD / "products.csv": "products",
    GOOD / "suppliers.csv": "suppliers",
    GOOD / "sales.csv": "sales",
    GOOD / "inventory.csv": "inventory",
    GOOD / "purchase_orders.csv": "purchase_orders",
    GOOD / "backorders.csv": "backorders",
    GOOD / "forecast_overrides.csv": "forecast_overrides",
    GOOD / "fx_rates.csv": "fx_rates",
    GOOD / "price_breaks.csv": "price_breaks",
    GOOD / "events.csv": "events",
    GOOD / "bundles.csv": "bundles",
    FIXTURES / "shopify" / "orders_export.csv": "shopify_orders",
    FIXTURES / "shopify" / "inventory_export.csv": "shopify_inventory",
    FIXTURES / "shopify" / "inventory_export_available_only.csv": "shopify_inventory",
    FIXTURES / "shopify" / "inventory_export_current.csv": "shopify_inventory",
    FIXTURES / "shopify" / "inventory_export_current_available_only.csv": "shopify_inventory",
}


def _header(path: Path) -> list[str]:
    with open(path, newline="", encoding="utf-8") as handle:
        return next(csv.reader(handle))


@pytest.mark.parametrize("path", list(HEADERS), ids=lambda p: p.name)
def test_kind_is_told_from_the_header(path):
    assert detect_kind(_header(path)) == HEADERS[path]


def test_every_kind_has_a_detection_case():
    assert set(HEADERS.values()) == set(KINDS)


def test_header_case_and_spaces_do_not_matter():
    assert detect_kind([" DATE", "Sku ", "Quantity", "Order ID"]) == "sales"
    assert detect_kind(["SKU", "On Hand", "On-Hold"]) == "inventory"


def test_a_products_file_with_a_supplier_column_is_products_not_suppliers():
    assert detect_kind(["sku", "name", "supplier", "unit_cost"]) == "products"


def test_an_unknown_header_lists_the_kinds_and_their_required_columns():
    with pytest.raises(KindError) as caught:
        detect_kind(["colour", "size"])
    message = str(caught.value)
    for kind in KINDS.values():
        assert f"{kind.name} needs {', '.join(kind.required)}" in message


def test_a_header_that_fits_two_kinds_equally_asks_for_a_kind():
    with pytest.raises(KindError, match="--kind"):
        detect_kind(["sku", "on_hand", "demand_per_day"])


def test_products_land_with_their_values(db):
    [summary] = import_files(db, [GOOD / "suppliers.csv", GOOD / "products.csv"])[1:]
    assert (summary.kind, summary.rows_read, summary.inserted) == ("products", 3, 3)
    rows = {r[0]: r[1:] for r in db.execute(
        "SELECT sku, name, supplier, unit_cost, moq, case_pack, service_level, made_to_order, "
        "active FROM products")}
    assert rows["MUG-01"] == ("Stoneware mug", "Acme Ltd", 4.2, 100, 12, 0.95, 0, 1)
    assert rows["MUG-02"][5:] == (None, 0, 1)  # blank service level, "no"/"yes"
    assert rows["LAMP-9"][5:] == (0.97, 1, 1)  # 97% is 0.97


def test_suppliers_land_with_their_values(db):
    [summary] = import_files(db, [GOOD / "suppliers.csv"])
    assert summary.inserted == 2
    assert db.execute("SELECT lead_time_days, lead_time_std_days, currency FROM suppliers "
                      "WHERE supplier = 'Brightware'").fetchone() == (21.0, None, "EUR")


def test_sales_land_as_order_lines_with_daily_totals(db):
    [summary] = import_files(db, [GOOD / "sales.csv"])
    assert (summary.rows_read, summary.inserted, summary.unchanged) == (5, 5, 0)
    assert db.execute("SELECT count(*) FROM sales").fetchone()[0] == 5
    assert db.execute("SELECT quantity, order_lines FROM daily_demand "
                      "WHERE sku = 'MUG-01' AND date = '2025-01-06'").fetchone() == (2, 1)
    assert db.execute("SELECT sum(quantity) FROM daily_demand").fetchone()[0] == 10


def test_unknown_skus_get_product_stubs_and_the_summary_says_so(db):
    [summary] = import_files(db, [GOOD / "sales.csv"])
    assert db.execute("SELECT count(*) FROM products WHERE active = 1").fetchone()[0] == 3
    assert any("3 products for unknown SKUs" in note for note in summary.notes)


def test_inventory_lands_per_location(db):
    [summary] = import_files(db, [GOOD / "inventory.csv"])
    assert summary.inserted == 4
    assert db.execute("SELECT on_hand, on_hold, hold_release_date FROM inventory "
                      "WHERE sku = 'MUG-01' AND location = 'Main'").fetchone() == (120, 6,
                                                                                "2025-01-20")
    assert db.execute("SELECT on_hold FROM inventory WHERE sku = 'LAMP-9'").fetchone() == (0,)


def test_purchase_orders_land_as_orders_and_lines(db):
    [summary] = import_files(db, [GOOD / "purchase_orders.csv"])
    assert summary.inserted == 3
    assert "2 new purchase orders" in summary.notes
    assert db.execute("SELECT supplier, order_date FROM purchase_orders WHERE po_number = "
                      "'PO-501'").fetchone() == ("Acme Ltd", "2025-01-02")
    assert db.execute("SELECT quantity, received_quantity, status FROM po_lines WHERE "
                      "po_number = 'PO-488'").fetchone() == (40, 40, "received")
    assert db.execute("SELECT received_quantity, status FROM po_lines WHERE po_number = "
                      "'PO-501' AND sku = 'MUG-02'").fetchone() == (0, "open")
    assert db.execute("SELECT count(*) FROM suppliers").fetchone()[0] == 2  # supplier stubs


def test_backorders_land_as_open_order_lines(db):
    [summary] = import_files(db, [GOOD / "backorders.csv"])
    assert summary.inserted == 3
    assert db.execute("SELECT quantity, promised_date, priority, customer FROM backorders "
                      "WHERE order_id = 'SO-0990'").fetchone() == (2, "2025-01-15", 1.0,
                                                                   "Ana Silva")


def test_forecast_overrides_land(db):
    [summary] = import_files(db, [GOOD / "forecast_overrides.csv"])
    assert summary.inserted == 2
    assert db.execute("SELECT demand_per_day, demand_std_per_day, start_date, end_date FROM "
                      "forecast_overrides WHERE sku = 'LAMP-9'").fetchone() == (
        0.8, 0.3, "2025-02-01", "2025-03-31")


def test_fx_rates_and_price_breaks_land_with_blank_date_and_supplier_as_empty(db):
    summaries = import_files(db, [GOOD / "fx_rates.csv", GOOD / "price_breaks.csv"])
    assert [(s.kind, s.inserted) for s in summaries] == [("fx_rates", 3), ("price_breaks", 3)]
    assert db.execute("SELECT currency, date, rate FROM fx_rates ORDER BY currency, date"
                      ).fetchall() == [("CNY", "2025-01-01", 0.14), ("EUR", "", 1.08),
                                       ("EUR", "2025-01-01", 1.10)]
    assert db.execute("SELECT sku, supplier, min_quantity, unit_cost FROM price_breaks "
                      "ORDER BY sku, min_quantity").fetchall() == [
        ("LAMP-9", "", 24, 11.0), ("MUG-01", "", 100, 3.8), ("MUG-01", "Kiln & Co", 500, 3.5)]
    again = import_files(db, [GOOD / "fx_rates.csv", GOOD / "price_breaks.csv"])
    assert [(s.inserted, s.updated, s.unchanged) for s in again] == [(0, 0, 3), (0, 0, 3)]


def test_events_land_with_blank_sku_and_supplier_as_all(db):
    [summary] = import_files(db, [GOOD / "events.csv"])
    assert (summary.kind, summary.inserted) == ("events", 3)
    rows = db.execute("SELECT name, sku, supplier, uplift_pct, uplift_units FROM events "
                      "ORDER BY start_date").fetchall()
    assert rows == [("Spring sale", "MUG-01", "", 25.0, None),
                    ("Trade fair", "", "Kiln & Co", None, 3.0),
                    ("Holiday push", "", "", 40.0, None)]
    [again] = import_files(db, [GOOD / "events.csv"])
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 3)


def test_inventory_snapshots_of_other_dates_are_kept_and_the_same_date_replaced(db, tmp_path):
    def snapshot(name, rows):
        path = tmp_path / name
        path.write_text("sku,on_hand,location,snapshot_date\n"
                        + "".join(f"{sku},{qty},{loc},{day}\n" for sku, qty, loc, day in rows))
        return path

    import_files(db, [snapshot("a.csv", [("MUG", 5, "A", "2025-05-01"),
                                         ("CUP", 2, "A", "2025-05-01")])])
    import_files(db, [snapshot("b.csv", [("MUG", 1, "A", "2025-06-01")])])
    [summary] = import_files(db, [snapshot("c.csv", [("MUG", 4, "A", "2025-05-01")])])
    assert summary.updated == 1
    assert db.execute("SELECT sku, on_hand, snapshot_date FROM inventory ORDER BY snapshot_date,"
                      " sku").fetchall() == [("MUG", 4, "2025-05-01"), ("MUG", 1, "2025-06-01")]
    # one SKU and location twice on one date is refused; on two dates it is history
    bad = snapshot("d.csv", [("MUG", 4, "A", "2025-07-01"), ("MUG", 5, "A", "2025-07-01"),
                             ("MUG", 6, "A", "2025-08-01")])
    with pytest.raises(Exception, match="row 2 has the same sku, location, snapshot_date"):
        import_files(db, [bad])


def test_all_kinds_in_one_import_write_one_log_row_each(db):
    files = sorted(GOOD.glob("*.csv"))
    summaries = import_files(db, files, user="buyer")
    assert [s.file for s in summaries] == [f.name for f in files]  # in the order given
    log = db.execute("SELECT kind, user, rows_read FROM import_log ORDER BY kind").fetchall()
    assert [r[0] for r in log] == sorted(s.kind for s in summaries)
    assert {r[1] for r in log} == {"buyer"}


def test_unknown_columns_are_ignored_and_listed(db, tmp_path):
    path = tmp_path / "sales.csv"
    path.write_text("date,sku,quantity,Colour,warehouse note\n2025-01-06,MUG-01,1,blue,x\n")
    [summary] = import_files(db, [path])
    assert summary.unknown_columns == ["Colour", "warehouse note"]
    assert summary.inserted == 1


def test_progress_runs_from_zero_to_one(db):
    seen: list[float] = []
    import_files(db, [GOOD / "sales.csv"], progress=seen.append)
    assert len(seen) >= 3 and seen[0] < 1.0  # it reports steps on the way, not only the end
    assert seen == sorted(seen) and seen[-1] == 1.0 and all(0.0 <= f <= 1.0 for f in seen)


def test_preview_shows_the_first_rows_as_parsed_without_writing(db):
    kind, frame, problems = preview_file(GOOD / "sales.csv", rows=3)
    assert kind == "sales" and problems == []
    assert list(frame["row"]) == [2, 3, 4]
    assert list(frame["quantity"]) == [2, 1, 1]
    assert db.execute("SELECT count(*) FROM sales").fetchone()[0] == 0


def test_preview_of_an_unknown_file_has_no_kind_and_says_why(tmp_path):
    path = tmp_path / "notes.csv"
    path.write_text("colour,size\nblue,L\n")
    kind, frame, problems = preview_file(path)
    assert kind is None and frame.empty
    assert "cannot tell what kind of file" in problems[0].expected
