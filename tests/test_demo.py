"""The demo brand: deterministic, complete, consistent, and exportable in the import formats."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib

import pytest

from planner.demo import write_demo, write_demo_csvs
from planner.store import load_settings, open_workspace

AS_OF = dt.date(2025, 6, 2)
SPEC_HEADERS = {
    "products.csv": ["sku", "name", "supplier", "unit_cost", "unit_price", "lead_time_days",
                     "lead_time_std_days", "moq", "case_pack", "service_level", "made_to_order",
                     "active", "unit_volume_m3", "unit_weight_kg"],
    "suppliers.csv": ["supplier", "email", "lead_time_days", "lead_time_std_days",
                      "min_order_value", "currency", "order_cycle_days", "freight_pct",
                      "duty_pct", "container_m3", "max_weight_kg"],
    "sales.csv": ["date", "sku", "quantity", "order_id", "unit_price", "channel"],
    "inventory.csv": ["sku", "on_hand", "on_hold", "hold_release_date", "location",
                      "snapshot_date"],
    "purchase_orders.csv": ["po_number", "sku", "quantity", "expected_date", "supplier",
                            "order_date", "received_quantity", "received_date", "status",
                            "unit_cost"],
    "backorders.csv": ["order_id", "sku", "quantity", "order_date", "promised_date",
                       "unit_price", "priority", "customer"],
    "forecast_overrides.csv": ["sku", "demand_per_day", "demand_std_per_day", "start_date",
                               "end_date"],
    "fx_rates.csv": ["currency", "rate", "date"],
    "price_breaks.csv": ["sku", "min_quantity", "unit_cost", "supplier"],
}
TABLES = ["settings", "suppliers", "products", "sales", "daily_demand", "inventory",
          "purchase_orders", "po_lines", "backorders", "forecast_overrides", "fx_rates",
          "price_breaks"]


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The default demo brand (60 SKUs, 2.5 years) as of a fixed Monday."""
    db = open_workspace(tmp_path_factory.mktemp("demo") / "demo.db")
    counts = write_demo(db, as_of=AS_OF)
    yield db, counts
    db.conn.close()


def rows(db, sql, params=()):
    return db.execute(sql, list(params)).fetchall()


def one(db, sql, params=()):
    return db.execute(sql, list(params)).fetchone()[0]


def fingerprint(db) -> dict[str, str]:
    """A checksum of every table's content, in a stable order."""
    digests = {}
    for table in TABLES:
        columns = [c for c in db[table].columns_dict if c != "id"]
        data = rows(db, f"SELECT {', '.join(columns)} FROM [{table}] ORDER BY "
                        f"{', '.join(columns)}")
        digests[table] = hashlib.sha256(repr(data).encode()).hexdigest()
    return digests


def test_same_seed_gives_the_same_workspace_and_another_seed_does_not(tmp_path):
    prints = []
    for name, seed in (("a.db", 11), ("b.db", 11), ("c.db", 12)):
        db = open_workspace(tmp_path / name)
        write_demo(db, skus=25, years=2, seed=seed, as_of=AS_OF)
        prints.append(fingerprint(db))
        db.conn.close()
    assert prints[0] == prints[1]
    assert prints[0]["sales"] != prints[2]["sales"]


def test_counts_match_the_workspace(demo):
    db, counts = demo
    for table, count in counts.items():
        assert one(db, f"SELECT count(*) FROM [{table}]") == count, table
    assert counts["products"] == 60  # six of them gift sets (bundles) of the others
    assert one(db, "SELECT count(DISTINCT bundle_sku) FROM bundles") == 6


def test_every_reference_is_valid_and_daily_demand_agrees_with_sales(demo):
    db, _ = demo
    assert rows(db, "PRAGMA foreign_key_check") == []
    assert one(db, "PRAGMA integrity_check") == "ok"
    assert one(db, "SELECT sum(quantity) FROM sales") == one(
        db, "SELECT sum(quantity) FROM daily_demand")
    assert one(db, "SELECT count(*) FROM sales") == one(
        db, "SELECT sum(order_lines) FROM daily_demand")


def test_three_to_six_suppliers_with_different_lead_times_and_terms(demo):
    db, _ = demo
    suppliers = rows(db, "SELECT lead_time_days, currency, min_order_value FROM suppliers")
    assert 3 <= len(suppliers) <= 6
    assert len({lead for lead, _, _ in suppliers}) >= 3
    # costs are stored in the currency each supplier invoices in: dollars, euros and yuan
    assert {currency for _, currency, _ in suppliers} == {"USD", "EUR", "CNY"}
    assert one(db, "SELECT count(*) FROM products WHERE moq > 0 AND case_pack > 1") >= 40
    assert one(db, "SELECT count(*) FROM products WHERE lead_time_days IS NOT NULL") >= 2
    assert one(db, "SELECT count(*) FROM products WHERE lead_time_days IS NULL") >= 40
    assert one(db, "SELECT count(*) FROM products WHERE service_level IS NOT NULL") >= 2
    assert "Northwind" in load_settings(db)["company_name"]


def test_more_than_two_years_of_daily_order_lines_ending_at_as_of(demo):
    db, _ = demo
    first, last = rows(db, "SELECT min(date), max(date) FROM sales")[0]
    assert last == AS_OF.isoformat()
    assert dt.date.fromisoformat(first) <= AS_OF - dt.timedelta(days=2 * 365)
    shop_lines = one(db, "SELECT count(*) FROM sales WHERE channel = 'shopify'")
    assert one(db, "SELECT count(*) FROM sales WHERE channel = 'shopify' AND quantity <= 3") \
        > 0.9 * shop_lines
    assert {c for (c,) in rows(db, "SELECT DISTINCT channel FROM sales")} == {
        "shopify", "amazon", "wholesale"}
    multi = one(db, "SELECT count(*) FROM (SELECT order_id FROM sales WHERE order_id LIKE '#%' "
                    "GROUP BY order_id HAVING count(*) > 1)")
    assert multi > 1000, "multi-line Shopify orders share their order number"


def test_weekends_and_the_holidays_sell_more(demo):
    db, _ = demo
    by_weekday = dict(rows(db, "SELECT strftime('%w', date), count(*) FROM sales "
                               "WHERE channel = 'shopify' GROUP BY 1"))
    weekend = (by_weekday["0"] + by_weekday["6"]) / 2
    weekday = sum(by_weekday[d] for d in "12345") / 5
    assert weekend > 1.2 * weekday
    december = one(db, "SELECT sum(quantity) FROM sales WHERE date BETWEEN '2024-12-01' AND "
                       "'2024-12-31'")
    march = one(db, "SELECT sum(quantity) FROM sales WHERE date BETWEEN '2024-03-01' AND "
                    "'2024-03-31'")
    assert december > 1.4 * march
    summer = dict(rows(db, "SELECT substr(date, 6, 2), sum(quantity) FROM sales "
                           "WHERE sku = 'NW-CB-BTL' AND date LIKE '2024-%' GROUP BY 1"))
    assert summer["07"] > 2 * summer["01"], "cold brew sells in summer"


def test_growing_and_declining_products(demo):
    db, _ = demo

    def year_units(sku, year):
        return one(db, "SELECT sum(quantity) FROM sales WHERE sku = ? AND date LIKE ?",
                   [sku, f"{year}-%"])

    assert year_units("NW-GRN-HND", 2024) > 1.4 * year_units("NW-GRN-HND", 2023)
    assert year_units("NW-FROTH", 2024) < 0.8 * year_units("NW-FROTH", 2023)


def test_intermittent_slow_movers_by_average_demand_interval(demo):
    db, _ = demo
    adi = rows(db, """
        SELECT d.sku, (julianday(max(d.date)) - julianday(min(d.date)) + 1) / count(*)
        FROM daily_demand d JOIN products p USING (sku) WHERE p.active = 1
        GROUP BY d.sku""")
    intermittent = [sku for sku, interval in adi if interval > 1.32]
    assert len(intermittent) >= 3
    lumpy = rows(db, "SELECT count(*), avg(quantity) FROM sales WHERE sku = '0460'")[0]
    assert lumpy[1] >= 12, "the wholesale espresso blend sells in big, rare orders"


def test_hero_launch_spike_new_products_and_a_discontinued_one(demo):
    db, _ = demo
    first_sale = dict(rows(db, "SELECT sku, min(date) FROM sales GROUP BY sku"))
    launched = {sku: (AS_OF - dt.date.fromisoformat(day)).days for sku, day in first_sale.items()}
    hero = "NW-DRIP-SPK"
    assert 100 <= launched[hero] <= 200
    launch = dt.date.fromisoformat(first_sale[hero])
    first_two_weeks = one(db, "SELECT sum(quantity) FROM sales WHERE sku = ? AND date < ?",
                          [hero, (launch + dt.timedelta(days=14)).isoformat()])
    last_two_weeks = one(db, "SELECT sum(quantity) FROM sales WHERE sku = ? AND date > ?",
                         [hero, (AS_OF - dt.timedelta(days=14)).isoformat()])
    assert first_two_weeks > 2 * last_two_weeks
    assert sum(1 for days in launched.values() if days < 122) >= 2, "new SKUs, months of history"
    inactive = rows(db, "SELECT sku FROM products WHERE active = 0")
    assert inactive
    for (sku,) in inactive:
        last = one(db, "SELECT max(date) FROM sales WHERE sku = ?", [sku])
        assert last < (AS_OF - dt.timedelta(days=180)).isoformat()


def test_stock_is_healthy_low_zero_or_on_hold(demo):
    db, _ = demo
    cover = rows(db, """
        SELECT i.sku, i.on_hand, (SELECT sum(quantity) / 28.0 FROM sales s WHERE s.sku = i.sku
                                  AND s.date > date(?, '-28 days'))
        FROM inventory i JOIN products p USING (sku) WHERE p.active = 1""", [AS_OF.isoformat()])
    days = [on_hand / rate for _, on_hand, rate in cover if rate]
    assert sum(1 for d in days if d >= 30) >= 20
    assert sum(1 for d in days if 0 < d < 14) >= 3
    assert sum(1 for d in days if d == 0) >= 3
    holds = rows(db, "SELECT sku, on_hold, hold_release_date FROM inventory WHERE on_hold > 0")
    assert any(release and release > AS_OF.isoformat() for _, _, release in holds)
    assert any(release is None for _, _, release in holds)


OPEN_SUPPLY = """SELECT coalesce(sum(quantity - received_quantity), 0) FROM po_lines
                 WHERE sku = ? AND status = 'open'"""


def test_backordered_skus_with_and_without_a_covering_po(demo):
    db, _ = demo
    booked = rows(db, """
        SELECT b.sku, sum(b.quantity), i.on_hand, i.on_hold, p.made_to_order
        FROM backorders b JOIN inventory i USING (sku) JOIN products p USING (sku)
        GROUP BY b.sku""")
    assert all(on_hand < owed for _, owed, on_hand, _, _ in booked), "backorders mean no stock"
    covered = [sku for sku, owed, _, _, mto in booked
               if not mto and one(db, OPEN_SUPPLY, [sku]) >= owed]
    uncovered = [sku for sku, _, _, on_hold, mto in booked
                 if not mto and on_hold == 0 and one(db, OPEN_SUPPLY, [sku]) == 0]
    assert len(covered) >= 2
    assert len(uncovered) == 1
    assert one(db, "SELECT count(*) FROM po_lines WHERE sku = ?", [uncovered[0]]) > 0, \
        "it was bought before, nobody reordered it"


def test_backorders_are_order_lines_with_customers_promises_and_priorities(demo):
    db, _ = demo
    lines = one(db, "SELECT count(*) FROM backorders")
    assert lines >= 30
    matched = one(db, """SELECT count(*) FROM backorders b JOIN sales s
                         ON s.order_id = b.order_id AND s.sku = b.sku AND s.date = b.order_date
                         AND s.quantity = b.quantity""")
    assert matched == lines, "every open line is also a sale at its order date"
    assert one(db, "SELECT count(*) FROM backorders WHERE promised_date IS NOT NULL") > 0.7 * lines
    assert one(db, "SELECT count(*) FROM backorders WHERE priority IS NOT NULL") >= 2
    assert one(db, "SELECT count(*) FROM backorders WHERE customer IS NULL") == 0
    assert one(db, "SELECT count(*) FROM backorders WHERE promised_date < ?",
               [AS_OF.isoformat()]) >= 1, "some promises are already broken"


def test_a_split_order_has_one_line_in_stock_and_one_backordered(demo):
    db, _ = demo
    shipped_partners = one(db, """
        SELECT count(*) FROM sales s JOIN inventory i USING (sku)
        WHERE s.order_id IN (SELECT order_id FROM backorders)
          AND NOT EXISTS (SELECT 1 FROM backorders b WHERE b.order_id = s.order_id
                          AND b.sku = s.sku)
          AND i.on_hand > 0""")
    assert shipped_partners >= 1


def test_made_to_order_sku_has_its_expected_backorders(demo):
    db, _ = demo
    mto = rows(db, "SELECT sku FROM products WHERE made_to_order = 1")
    assert len(mto) == 1
    sku = mto[0][0]
    assert one(db, "SELECT count(*) FROM backorders WHERE sku = ?", [sku]) >= 3
    assert one(db, "SELECT on_hand FROM inventory WHERE sku = ?", [sku]) == 0


def test_purchase_orders_received_late_overdue_partial_and_cancelled(demo):
    db, _ = demo
    iso = AS_OF.isoformat()
    received = rows(db, "SELECT expected_date, received_date FROM po_lines "
                        "WHERE status = 'received'")
    late = [1 for expected, got in received if got > expected]
    assert len(late) >= 20 and len(late) < len(received), "some receipts late, others on time"
    lateness_by_supplier = dict(rows(db, """
        SELECT h.supplier, avg(julianday(l.received_date) - julianday(l.expected_date))
        FROM po_lines l JOIN purchase_orders h USING (po_number) WHERE l.status = 'received'
        GROUP BY h.supplier"""))
    assert max(lateness_by_supplier.values()) - min(lateness_by_supplier.values()) > 3
    assert one(db, "SELECT count(*) FROM po_lines WHERE status = 'open' AND expected_date < ? "
                   "AND received_quantity = 0", [iso]) >= 1, "an overdue PO"
    assert one(db, "SELECT count(*) FROM po_lines WHERE status = 'open' AND "
                   "received_quantity > 0 AND received_quantity < quantity") >= 1
    assert one(db, "SELECT count(*) FROM po_lines WHERE status = 'cancelled'") == 1
    arriving = one(db, "SELECT count(DISTINCT po_number) FROM po_lines WHERE status = 'open' "
                       "AND expected_date BETWEEN ? AND date(?, '+42 days')", [iso, iso])
    assert arriving >= 3, "open POs land over the next weeks"
    assert one(db, "SELECT count(*) FROM po_lines WHERE status = 'received' AND "
                   "(received_date IS NULL OR received_date > ?)", [iso]) == 0


def test_a_forecast_override_is_set(demo):
    db, _ = demo
    assert one(db, "SELECT count(*) FROM forecast_overrides") == 1


def test_refuses_a_workspace_with_data_unless_replacing(demo, tmp_path):
    db = open_workspace(tmp_path / "w.db")
    write_demo(db, skus=20, years=1, as_of=AS_OF)
    before = fingerprint(db)
    with pytest.raises(ValueError, match="already holds data"):
        write_demo(db, skus=20, years=1, as_of=AS_OF)
    assert fingerprint(db) == before
    counts = write_demo(db, skus=25, years=1, as_of=AS_OF, replace=True)
    assert one(db, "SELECT count(*) FROM products") == counts["products"] == 25  # 2 of them gift sets
    assert one(db, "SELECT count(*) FROM sales") == counts["sales"]


def test_too_few_skus_is_refused_with_the_minimum(db):
    with pytest.raises(ValueError, match="at least 20"):
        write_demo(db, skus=5, as_of=AS_OF)


@pytest.mark.slow
def test_scales_to_two_thousand_skus(db):
    seen = []
    counts = write_demo(db, skus=2000, years=1, as_of=AS_OF,
                        progress=lambda fraction, message: seen.append(fraction))
    assert counts["products"] == 2000  # 200 of them gift sets
    assert one(db, "SELECT count(DISTINCT sku) FROM sales") > 1800
    assert one(db, "SELECT count(DISTINCT supplier) FROM products") == 5
    assert counts["sales"] > 100_000
    assert rows(db, "PRAGMA foreign_key_check") == []
    assert seen == sorted(seen) and seen[-1] == 1.0


def test_csv_export_uses_the_import_formats(demo, tmp_path):
    db, counts = demo
    paths = write_demo_csvs(db, tmp_path / "csv")
    assert {p.name for p in paths} == set(SPEC_HEADERS)
    expected_rows = {"products.csv": counts["products"], "suppliers.csv": counts["suppliers"],
                     "sales.csv": counts["sales"], "inventory.csv": counts["inventory"],
                     "purchase_orders.csv": counts["po_lines"],
                     "backorders.csv": counts["backorders"],
                     "forecast_overrides.csv": counts["forecast_overrides"],
                     "fx_rates.csv": counts["fx_rates"],
                     "price_breaks.csv": counts["price_breaks"]}
    for path in paths:
        with open(path, newline="", encoding="utf-8") as handle:
            table = list(csv.reader(handle))
        assert table[0] == SPEC_HEADERS[path.name], path.name
        assert len(table) - 1 == expected_rows[path.name], path.name
    with open(tmp_path / "csv" / "products.csv", newline="", encoding="utf-8") as handle:
        products = {row["sku"]: row for row in csv.DictReader(handle)}
    assert products["0451"]["name"].startswith("House Blend"), "SKU codes keep leading zeros"
    assert products["NW-BRD-WAL-ENG"]["made_to_order"] == "true"
    assert products["NW-MUG12-SAG"]["moq"] == "288"


def test_exported_csvs_import_into_an_equal_workspace(demo, tmp_path):
    try:
        from planner.store.importers import import_files
    except ImportError:
        pytest.skip("planner.store.importers.import_files is not written yet")

    db, _ = demo
    paths = write_demo_csvs(db, tmp_path / "csv")
    copy = open_workspace(tmp_path / "copy.db")
    order = ["suppliers.csv", "products.csv", "fx_rates.csv", "price_breaks.csv", "sales.csv",
             "inventory.csv", "purchase_orders.csv", "backorders.csv", "forecast_overrides.csv"]
    import_files(copy, sorted(paths, key=lambda p: order.index(p.name)))
    queries = {
        "products": "SELECT sku, name, supplier, unit_cost, unit_price, lead_time_days, "
                    "lead_time_std_days, moq, case_pack, service_level, made_to_order, active, "
                    "unit_volume_m3, unit_weight_kg FROM products ORDER BY sku",
        "suppliers": "SELECT supplier, email, lead_time_days, lead_time_std_days, "
                     "min_order_value, currency, order_cycle_days, freight_pct, duty_pct, "
                     "container_m3, max_weight_kg FROM suppliers ORDER BY supplier",
        "fx_rates": "SELECT currency, rate, date FROM fx_rates ORDER BY 1, 3",
        "price_breaks": "SELECT sku, supplier, min_quantity, unit_cost FROM price_breaks "
                        "ORDER BY 1, 2, 3",
        "inventory": "SELECT sku, on_hand, on_hold, hold_release_date FROM inventory ORDER BY sku",
        "po_lines": "SELECT l.po_number, l.sku, l.quantity, l.expected_date, "
                    "l.received_quantity, l.received_date, l.status, l.unit_cost, h.supplier, "
                    "h.order_date FROM po_lines l JOIN purchase_orders h USING (po_number) "
                    "ORDER BY 1, 2",
        "backorders": "SELECT order_id, sku, quantity, order_date, promised_date, unit_price, "
                      "priority, customer FROM backorders ORDER BY 1, 2",
        "sales": "SELECT date, sku, quantity, order_id, unit_price, channel FROM sales "
                 "ORDER BY order_id, sku, date",
        "forecast_overrides": "SELECT * FROM forecast_overrides ORDER BY sku",
        "daily_demand": "SELECT sku, date, quantity FROM daily_demand ORDER BY 1, 2",
    }
    for name, sql in queries.items():
        assert rows(copy, sql) == rows(db, sql), name
    copy.conn.close()


def test_buying_abroad_a_eur_and_a_cny_supplier_with_rates_breaks_cycles_and_containers(demo):
    db, _ = demo
    suppliers = {r[0]: r[1:] for r in rows(
        db, "SELECT supplier, currency, order_cycle_days, freight_pct, duty_pct, container_m3 "
            "FROM suppliers")}
    assert suppliers["Tecelagem do Porto, Lda."][:2] == ("EUR", 21)
    assert suppliers["Guangzhou Brewware Ltd."][:2] == ("CNY", 28)
    # the two Asian suppliers ship by the 20 ft container (33 m³) and pay freight and duty
    for name in ("Saigon Ceramics Co.", "Guangzhou Brewware Ltd."):
        cycle, freight, duty, container = suppliers[name][1:]
        assert cycle == 28 and freight > 0 and duty > 0 and container == 33
    # rates dated the first of a month, the newest on or before as-of applies
    newest = dict(rows(db, "SELECT currency, rate FROM fx_rates f WHERE date = (SELECT max(date) "
                           "FROM fx_rates g WHERE g.currency = f.currency AND g.date <= ?)",
                       [AS_OF.isoformat()]))
    assert newest == {"EUR": 1.13, "CNY": 0.1389}
    # a Guangzhou kettle costs about 19.50 dollars: quoted in yuan
    assert one(db, "SELECT unit_cost FROM products WHERE sku = 'NW-KTL-BLK'") == \
        pytest.approx(19.5 / 0.1389, abs=0.01)
    assert one(db, "SELECT count(DISTINCT sku) FROM price_breaks") >= 3
    # every SKU of a container supplier has a volume and a weight; others none
    assert one(db, "SELECT count(*) FROM products p JOIN suppliers s USING (supplier) "
                   "WHERE s.container_m3 IS NOT NULL AND p.active AND (p.unit_volume_m3 IS NULL "
                   "OR p.unit_weight_kg IS NULL)") == 0
    assert one(db, "SELECT count(*) FROM products p JOIN suppliers s USING (supplier) "
                   "WHERE s.container_m3 IS NULL AND p.unit_volume_m3 IS NOT NULL") == 0
