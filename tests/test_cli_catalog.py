"""Bundles, ABC/XYZ, excess and dead stock and the purchase budget through `planner` (docs/reference.md)."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import pytest

from tests.test_cli import AS_OF, planner, write_csv  # noqa: F401 - the CLI helpers


def plan_json(ws: Path, tmp_path: Path) -> dict:
    out = tmp_path / "plan.json"
    planner("plan", str(ws), "--as-of", AS_OF, "--json", str(out))
    return json.loads(out.read_text())


@pytest.fixture
def gift_set(tmp_path) -> Path:
    """GIFT = 1 MUG + 2 TEA; MUG 3 on hand + PO-M1 10 (sellable 22 Jun), TEA 10 on hand + PO-T1
    20 (sellable 12 Jun); backorders on the bundle and on both components."""
    ws = tmp_path / "shop.db"
    files = [
        write_csv(tmp_path / "products.csv",
                  ["sku", "name", "supplier", "unit_cost", "unit_price", "lead_time_days"],
                  [["MUG", "Mug", "Kiln", 4, 20, 28], ["TEA", "Tea", "Leaf", 2, 10, 28],
                   ["GIFT", "Gift set", "", "", 35, ""]]),
        write_csv(tmp_path / "bundles.csv", ["bundle_sku", "component_sku", "quantity"],
                  [["GIFT", "MUG", 1], ["GIFT", "TEA", 2]]),
        write_csv(tmp_path / "inventory.csv", ["sku", "on_hand", "snapshot_date"],
                  [["MUG", 3, "2025-06-01"], ["TEA", 10, "2025-06-01"]]),
        write_csv(tmp_path / "pos.csv",
                  ["po_number", "sku", "quantity", "expected_date", "supplier", "order_date"],
                  [["PO-M1", "MUG", 10, "2025-06-20", "Kiln", "2025-05-01"],
                   ["PO-T1", "TEA", 20, "2025-06-10", "Leaf", "2025-05-01"]]),
        write_csv(tmp_path / "backorders.csv",
                  ["order_id", "sku", "quantity", "order_date", "unit_price"],
                  [["#1", "MUG", 2, "2025-05-20", 20], ["#2", "GIFT", 2, "2025-05-21", 35],
                   ["#3", "TEA", 8, "2025-05-22", 10], ["#4", "GIFT", 1, "2025-05-25", 35],
                   ["#5", "MUG", 1, "2025-05-26", 20]]),
    ]
    planner("import", str(ws), *map(str, files))
    return ws


def test_bundle_lines_ship_when_every_component_is_there_in_queue_order(gift_set, tmp_path):
    # MUG queue: #1 (2) from the 3 on hand; #2 needs 2 MUG (cum 4 > 3) → PO-M1 on 22 Jun;
    # #4 needs 1 (cum 5) → PO-M1; #5 (cum 6) → PO-M1.
    # TEA queue: #2 needs 4 (cum 4 ≤ 10 on hand); #3 8 (cum 12 > 10) → PO-T1 on 12 Jun;
    # #4 needs 2 (cum 14) → PO-T1. A bundle line ships when its last component does.
    out = tmp_path / "queue.json"
    planner("backorders", str(gift_set), "--as-of", AS_OF, "--json", str(out))
    lines = {line["order_id"]: line for line in json.loads(out.read_text())}
    got = {oid: (line["sku"], line["quantity"], line["projected_ship_date"], line["filled_from"])
           for oid, line in lines.items()}
    assert got == {
        "#1": ("MUG", 2, "2025-06-02", "on_hand"),
        "#2": ("GIFT", 2, "2025-06-22", "PO-M1"),
        "#3": ("TEA", 8, "2025-06-12", "PO-T1"),
        "#4": ("GIFT", 1, "2025-06-22", "PO-M1"),
        "#5": ("MUG", 1, "2025-06-22", "PO-M1"),
    }
    assert lines["#2"]["value"] == 70.0  # the bundle's own price
    assert lines["#2"]["quoted_date"] == "2025-06-25"  # + promise buffer 3


def test_a_bundle_is_planned_as_its_components(gift_set, tmp_path):
    plan = plan_json(gift_set, tmp_path)
    skus = {s["sku"]: s for s in plan["skus"]}
    assert skus["GIFT"]["suggested_order_qty"] == 0 and skus["GIFT"]["order_by"] is None
    assert skus["GIFT"]["backordered"] == 3
    # the components carry the bundle's open lines: MUG 2 + 1 + 2×1 + 1×1, TEA 8 + 2×2 + 1×2
    assert skus["MUG"]["backordered"] == 6 and skus["TEA"]["backordered"] == 14
    ordered = {line["sku"] for s in plan["purchase_suggestions"] for line in s["lines"]}
    assert "GIFT" not in ordered
    assert plan["kpis"]["backorder_value"] == 2 * 20 + 2 * 35 + 8 * 10 + 35 + 20


def test_bundle_sales_forecast_on_the_components_and_the_bundle_has_no_row(tmp_path):
    ws = tmp_path / "shop.db"
    start = dt.date(2025, 6, 2) - dt.timedelta(days=181)
    sales = [[(start + dt.timedelta(days=d)).isoformat(), "GIFT", 2, f"#{d}"]
             for d in range(182)]
    planner("import", str(ws),
            str(write_csv(tmp_path / "bundles.csv", ["bundle_sku", "component_sku", "quantity"],
                          [["GIFT", "MUG", 1], ["GIFT", "TEA", 2]])),
            str(write_csv(tmp_path / "sales.csv", ["date", "sku", "quantity", "order_id"],
                          sales)))
    out = tmp_path / "forecast.csv"
    planner("forecast", str(ws), "--as-of", AS_OF, "--csv", str(out))
    with out.open() as handle:
        rows = list(csv.DictReader(handle))
    assert {r["sku"] for r in rows} == {"MUG", "TEA"}
    first = {r["sku"]: float(r["forecast"]) for r in rows if r["week_start"] == "2025-06-09"}
    assert first["MUG"] == pytest.approx(14, rel=0.05)  # 2 gift sets a day × 1 × 7 days
    assert first["TEA"] == pytest.approx(28, rel=0.05)  # × 2


def test_a_bundle_that_contains_itself_is_refused(gift_set, tmp_path):
    loop = write_csv(tmp_path / "loop.csv", ["bundle_sku", "component_sku", "quantity"],
                     [["MUG", "GIFT", 1]])
    result = planner("import", str(gift_set), str(loop), check=False)
    assert result.returncode != 0
    assert "loop.csv, row 2, column component_sku: 'GIFT'" in result.stderr
    assert "MUG → GIFT → MUG" in result.stderr
    itself = write_csv(tmp_path / "itself.csv", ["bundle_sku", "component_sku", "quantity"],
                       [["DUO", "DUO", 1]])
    result = planner("import", str(gift_set), str(itself), check=False)
    assert result.returncode != 0 and "cannot contain itself" in result.stderr
    # a re-import of the same file changes nothing; a new list replaces the bundle's components
    again = planner("import", str(gift_set), str(tmp_path / "bundles.csv"))
    assert "0 inserted, 0 updated, 2 unchanged" in again.stdout
    new = write_csv(tmp_path / "new.csv", ["bundle_sku", "component_sku", "quantity"],
                    [["GIFT", "MUG", 2]])
    assert "1 updated" in planner("import", str(gift_set), str(new)).stdout
    plan = plan_json(gift_set, tmp_path)
    assert {s["sku"]: s["backordered"] for s in plan["skus"]}["TEA"] == 8


def _weeks(sku: str, pattern) -> list[list[object]]:
    """52 weekly sales on as_of − 7·w, w = 0 … 51, quantity pattern(w)."""
    as_of = dt.date(2025, 6, 2)
    return [[(as_of - dt.timedelta(days=7 * w)).isoformat(), sku, pattern(w), f"{sku}-{w}"]
            for w in range(52) if pattern(w)]


def test_abc_xyz_on_a_small_catalog_and_class_service_levels(tmp_path):
    # 520 units a year each; landed costs 50, 30, 10, 5, 5 → value shares .50 .30 .10 .05 .05:
    # before-shares 0, .5, .8, .9, .95 → A, A, B, B, C.
    # Weekly: A1, A2 steady (CV 0, X); B1 20 every other week (CV 1.0, Y); B2 5/15 (CV .5, X);
    # C1 40 every fourth week (CV √3, Z).
    ws = tmp_path / "shop.db"
    products = write_csv(tmp_path / "products.csv",
                         ["sku", "supplier", "unit_cost", "unit_price", "service_level"],
                         [["A1", "S", 50, 80, ""], ["A2", "S", 30, 50, 0.9],
                          ["B1", "S", 10, 20, ""], ["B2", "S", 5, 9, ""], ["C1", "S", 5, 9, ""]])
    sales = (_weeks("A1", lambda w: 10) + _weeks("A2", lambda w: 10)
             + _weeks("B1", lambda w: 20 if w % 2 else 0)
             + _weeks("B2", lambda w: 15 if w % 2 else 5)
             + _weeks("C1", lambda w: 40 if w % 4 == 3 else 0))
    planner("import", str(ws), str(products),
            str(write_csv(tmp_path / "sales.csv", ["date", "sku", "quantity", "order_id"], sales)))
    planner("config", str(ws), "abc_service_levels", "A=0.99,C=0.8")
    plan = plan_json(ws, tmp_path)
    skus = {s["sku"]: s for s in plan["skus"]}
    assert {k: (s["abc_class"], s["xyz_class"]) for k, s in skus.items()} == {
        "A1": ("A", "X"), "A2": ("A", "X"), "B1": ("B", "Y"), "B2": ("B", "X"),
        "C1": ("C", "Z")}
    # class defaults where the product sets none; A2's own 0.9 wins; B has no class default
    assert {k: s["service_level"] for k, s in skus.items()} == {
        "A1": 0.99, "A2": 0.9, "B1": 0.95, "B2": 0.95, "C1": 0.8}
    cells = {(c["abc_class"], c["xyz_class"]): c["skus"] for c in plan["abc_xyz"]}
    assert cells[("A", "X")] == 2 and cells[("B", "Y")] == 1 and cells[("C", "Z")] == 1
    assert sum(cells.values()) == 5
    bad = planner("config", str(ws), "abc_service_levels", "A=1.5", check=False)
    assert bad.returncode != 0 and "A=0.98,B=0.95,C=0.90" in bad.stderr


def test_excess_and_dead_stock_values(tmp_path):
    # IDLE: never sold, 40 on hand + 20 on order at 2.50 → all 60 excess (nothing to sell);
    # 40 in stock and no sale ever → dead (100.00). OLD: last sold 200 days ago, 10 on hand at
    # 3.00 → dead (30.00). NEW: sold yesterday → not dead.
    ws = tmp_path / "shop.db"
    sold = [["2024-11-14", "OLD", 1, "o1"], ["2025-06-01", "NEW", 1, "n1"]]
    planner("import", str(ws),
            str(write_csv(tmp_path / "products.csv", ["sku", "supplier", "unit_cost"],
                          [["IDLE", "S", 2.5], ["OLD", "S", 3], ["NEW", "S", 1]])),
            str(write_csv(tmp_path / "inventory.csv", ["sku", "on_hand", "snapshot_date"],
                          [["IDLE", 40, AS_OF], ["OLD", 10, AS_OF], ["NEW", 5, AS_OF]])),
            str(write_csv(tmp_path / "pos.csv",
                          ["po_number", "sku", "quantity", "expected_date", "order_date"],
                          [["PO-1", "IDLE", 20, "2025-07-01", "2025-05-01"]])),
            str(write_csv(tmp_path / "sales.csv", ["date", "sku", "quantity", "order_id"], sold)))
    plan = plan_json(ws, tmp_path)
    skus = {s["sku"]: s for s in plan["skus"]}
    assert (skus["IDLE"]["excess_units"], skus["IDLE"]["excess_value"]) == (60, 150.0)
    assert skus["IDLE"]["days_since_last_sale"] is None
    assert skus["OLD"]["days_since_last_sale"] == 200
    assert skus["NEW"]["days_since_last_sale"] == 1
    assert {k: s["dead_stock_value"] for k, s in skus.items()} == {
        "IDLE": 100.0, "OLD": 30.0, "NEW": 0.0}
    assert plan["kpis"]["dead_stock_value"] == 130.0
    assert plan["kpis"]["excess_inventory_value"] == pytest.approx(
        sum(s["excess_value"] for s in plan["skus"]))
    planner("config", str(ws), "dead_after_days", "250")
    assert plan_json(ws, tmp_path)["kpis"]["dead_stock_value"] == 100.0


def test_a_budget_defers_exactly_the_line_it_cannot_pay_for_and_flags_it(tmp_path):
    # X: 10 backordered at cost 50 (500), price 100; Y: 30 backordered at cost 10 (300), price
    # 40. Both clear backorders; Y protects 1,200 × p for 300, X 1,000 × p for 500 (p the same
    # cancel probability): Y first. June's 600 pays for Y; X (500 > 300 left) gets what is
    # left: 6 units (300) in June, its other 4 move to 1 July, flagged because they clear
    # customer backorders.
    ws = tmp_path / "shop.db"
    planner("import", str(ws),
            str(write_csv(tmp_path / "products.csv",
                          ["sku", "supplier", "unit_cost", "unit_price", "lead_time_days"],
                          [["X", "North", 50, 100, 30], ["Y", "South", 10, 40, 30]])),
            str(write_csv(tmp_path / "backorders.csv",
                          ["order_id", "sku", "quantity", "order_date", "unit_price"],
                          [["#1", "X", 10, "2025-05-20", 100], ["#2", "Y", 30, "2025-05-20", 40]])))
    planner("config", str(ws), "purchase_budget_per_month", "600")
    plan = plan_json(ws, tmp_path)
    orders = {(s["supplier"], s["order_date"]): [(line["sku"], line["quantity"])
                                                 for line in s["lines"]]
              for s in plan["purchase_suggestions"]}
    assert orders == {("South", "2025-06-02"): [("Y", 30)], ("North", "2025-06-02"): [("X", 6)],
                      ("North", "2025-07-01"): [("X", 4)]}
    months = {m["month"]: m for m in plan["budget"]["months"]}
    assert (months["2025-06"]["suggested_value"], months["2025-06"]["planned_value"]) == (800, 600)
    assert (months["2025-06"]["committed_value"], months["2025-06"]["left_value"]) == (0, 0)
    assert months["2025-07"]["planned_value"] == 200
    [deferred] = plan["budget"]["deferred_lines"]
    assert deferred["sku"] == "X" and deferred["to_order_date"] == "2025-07-01"
    assert deferred["quantity"] == 4 and "clears 10 backordered units" in deferred["flag"]
    skus = {s["sku"]: s for s in plan["skus"]}
    assert skus["X"]["order_by"] == "2025-06-02" and "deferred by the purchase budget" in \
        skus["X"]["why"]
    assert any(w["kind"] == "budget_defers_backorders" for w in plan["warnings"])
    assert plan["kpis"]["to_order_now_value"] == 600
