"""One arrival date and `planner approve` (issue 23, items 4, 8 and 9), through the command line.

Acme states 10 days; its SKU B states its own 24.5 days (whole days rounded up: 25); dock to
stock 2 days; a 7-day review. A line is expected at the dock order date + its lead time (A
2025-06-02 + 10 = 2025-06-12, B + 25 = 2025-06-27), sellable 2 days later; the PO when its
last line is, 2025-06-27. Lisboa (EUR) states 20 days: 2025-06-22. Customers wait for 30 C
(Lisboa) that no supply covers: ordered today they ship when C is sellable, 2025-06-24.
"""

from __future__ import annotations

import csv
import datetime as dt
import json

import openpyxl
import pytest

from tests.test_cli import AS_OF, planner, write_csv

D = dt.date.fromisoformat


@pytest.fixture
def shop(tmp_path):
    ws = tmp_path / "shop.db"
    files = [
        write_csv(tmp_path / "suppliers.csv", ["supplier", "currency", "lead_time_days"],
                  [["Acme", "", 10], ["Lisboa", "EUR", 20]]),
        write_csv(tmp_path / "fx.csv", ["currency", "rate", "date"], [["EUR", 1.10, ""]]),
        write_csv(tmp_path / "products.csv",
                  ["sku", "supplier", "unit_cost", "unit_price", "lead_time_days"],
                  [["A", "Acme", 2, 6, ""], ["B", "Acme", 5, 15, 24.5],
                   ["C", "Lisboa", 10, 30, ""]]),
        write_csv(tmp_path / "inventory.csv", ["sku", "on_hand", "snapshot_date"],
                  [["A", 20, AS_OF], ["B", 10, AS_OF], ["C", 0, AS_OF]]),
        write_csv(tmp_path / "overrides.csv", ["sku", "demand_per_day", "demand_std_per_day"],
                  [["A", 10, 0], ["B", 2, 0], ["C", 3, 0]]),
        write_csv(tmp_path / "backorders.csv", ["order_id", "sku", "quantity", "order_date"],
                  [["W1", "C", 30, "2025-05-30"]]),
    ]
    planner("import", str(ws), *map(str, files))
    planner("config", str(ws), "purchase_budget_per_month", "0")
    return ws


def _plan(ws, tmp_path, name="plan.json"):
    out = tmp_path / name
    planner("plan", str(ws), "--as-of", AS_OF, "--json", str(out))
    return json.loads(out.read_text())


def _days(later: str, earlier: str) -> int:
    return (D(later) - D(earlier)).days


def test_a_suggestion_its_lines_and_its_sku_say_one_dock_date_and_one_sellable_date(
        shop, tmp_path):
    plan = _plan(shop, tmp_path)
    acme = [s for s in plan["purchase_suggestions"] if s["supplier"] == "Acme"]
    first = acme[0]
    assert (first["order_date"], first["expected_arrival"], first["sellable_date"]) == \
        (AS_OF, "2025-06-27", "2025-06-29")
    assert {(x["sku"], x["expected_arrival"], x["sellable_date"]) for x in first["lines"]} == \
        {("A", "2025-06-12", "2025-06-14"), ("B", "2025-06-27", "2025-06-29")}
    lead = {"A": 10, "B": 25, "C": 20}
    for s in plan["purchase_suggestions"]:  # order date + lead time, never earlier
        for x in s["lines"]:
            assert _days(x["expected_arrival"], s["order_date"]) == lead[x["sku"]]
            assert _days(x["sellable_date"], x["expected_arrival"]) == 2
        assert s["expected_arrival"] == max(x["expected_arrival"] for x in s["lines"])
        assert _days(s["sellable_date"], s["expected_arrival"]) == 2
    skus = {x["sku"]: x for x in plan["skus"]}
    assert (skus["A"]["expected_arrival"], skus["A"]["sellable_date"]) == \
        ("2025-06-12", "2025-06-14")
    assert (skus["B"]["order_by"], skus["B"]["expected_arrival"], skus["B"]["sellable_date"]) \
        == (AS_OF, "2025-06-27", "2025-06-29")


def test_customers_with_no_supply_ship_when_an_order_placed_today_is_sellable(shop, tmp_path):
    out = tmp_path / "backorders.json"
    planner("backorders", str(shop), "--as-of", AS_OF, "--json", str(out))
    line = next(x for x in json.loads(out.read_text()) if x["order_id"] == "W1")
    lisboa = next(s for s in _plan(shop, tmp_path)["purchase_suggestions"]
                  if s["supplier"] == "Lisboa" and s["order_date"] == AS_OF)
    # 2025-06-02 + 20 days lead + 2 dock-to-stock: today's Lisboa suggestion's sellable date
    assert line["ships_if_ordered_today"] == lisboa["sellable_date"] == "2025-06-24"
    assert "ships about 2025-06-24 if you order today" in line["flag_reasons"]


def test_order_now_is_one_po_per_supplier_and_its_count_is_what_approve_approves(
        shop, tmp_path):
    plan = _plan(shop, tmp_path)
    now = [s for s in plan["purchase_suggestions"] if s["order_now"]]
    # the 7-day review orders again on 2025-06-09: that order is the next review's, not now
    assert sorted(s["supplier"] for s in now) == ["Acme", "Lisboa"]
    assert all(s["order_date"] == AS_OF for s in now)
    assert plan["kpis"]["to_order_now_orders"] == 2
    assert plan["kpis"]["to_order_now_value"] == pytest.approx(sum(s["total_value"] for s in now))
    result = planner("approve", str(shop), "--as-of", AS_OF)
    assert len(result.stdout.splitlines()) == plan["kpis"]["to_order_now_orders"]


def test_approve_creates_the_pos_the_plan_suggests_dated_by_the_same_rule(shop, tmp_path):
    plan = _plan(shop, tmp_path)
    now = {s["supplier"]: s for s in plan["purchase_suggestions"] if s["order_now"]}
    result = planner("approve", str(shop), "--as-of", AS_OF)
    acme, lisboa = now["Acme"], now["Lisboa"]
    acme_value = sum(x["value_supplier_currency"] for x in acme["lines"])
    assert result.stdout.splitlines() == [
        f"PO-2025-0001  Acme  2 lines  USD {acme_value:,.2f}  expected 2025-06-27",
        f"PO-2025-0002  Lisboa  1 line  EUR {lisboa['total_value_supplier_currency']:,.2f} "
        f"(USD {lisboa['total_value']:,.2f} landed)  expected 2025-06-22"]
    # the PO's lines, the export and the supplier's spreadsheet carry the plan's dock date
    export = tmp_path / "pos.csv"
    planner("export-pos", str(shop), "--out", str(export))
    with export.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert {(r["po_number"], r["sku"], r["order_date"], r["expected_date"]) for r in rows} == {
        ("PO-2025-0001", "A", AS_OF, "2025-06-12"), ("PO-2025-0001", "B", AS_OF, "2025-06-27"),
        ("PO-2025-0002", "C", AS_OF, "2025-06-22")}
    assert {(r["sku"], int(r["quantity"])) for r in rows} == {
        (x["sku"], x["quantity"]) for s in (acme, lisboa) for x in s["lines"]}
    out = tmp_path / "sent"
    planner("send-po", str(shop), "PO-2025-0001", "--out", str(out))
    sheet = openpyxl.load_workbook(next(out.glob("*.xlsx"))).active
    header = [c.value for c in sheet[1]]
    dates = {(row[header.index("sku")], row[header.index("expected_date")].date().isoformat())
             for row in sheet.iter_rows(min_row=2, values_only=True) if row[0]}
    assert dates == {("A", "2025-06-12"), ("B", "2025-06-27")}


def test_approving_everything_due_now_then_planning_again_suggests_nothing_new_now(
        shop, tmp_path):
    before = _plan(shop, tmp_path)
    approved = {x["sku"] for s in before["purchase_suggestions"] if s["order_now"]
                for x in s["lines"]}
    assert approved == {"A", "B", "C"}
    planner("approve", str(shop), "--as-of", AS_OF, "--now")
    after = _plan(shop, tmp_path, "after.json")
    assert [s for s in after["purchase_suggestions"] if s["order_now"]] == []
    assert after["kpis"]["to_order_now_orders"] == 0
    on_order = {x["sku"]: x["on_order"] for x in after["skus"]}
    assert on_order == {x["sku"]: x["quantity"] for s in before["purchase_suggestions"]
                        if s["order_now"] for x in s["lines"]}
    # approving again finds nothing and says so
    again = planner("approve", str(shop), "--as-of", AS_OF)
    assert again.stdout == "" and "nothing to approve" in again.stderr


def test_approve_through_a_date_for_one_supplier_orders_them_all_today(shop, tmp_path):
    plan = _plan(shop, tmp_path)
    through = "2025-06-16"
    wanted = [s for s in plan["purchase_suggestions"]
              if s["supplier"] == "Acme" and s["order_date"] <= through]
    assert len(wanted) >= 2
    result = planner("approve", str(shop), "--as-of", AS_OF, "--supplier", "Acme",
                     "--through", through)
    lines = result.stdout.splitlines()
    assert len(lines) == len(wanted) and all("  Acme  " in line for line in lines)
    # ordered today, so at the dock the lead time from today, whatever the suggestion's date
    for printed, s in zip(lines, wanted, strict=True):
        slowest = "2025-06-27" if any(y["sku"] == "B" for y in s["lines"]) else "2025-06-12"
        assert printed.endswith(f"expected {slowest}")


def test_approve_refuses_an_unknown_supplier_and_both_now_and_through(shop):
    result = planner("approve", str(shop), "--as-of", AS_OF, "--supplier", "Nobody", check=False)
    assert result.returncode != 0 and "Nobody" in result.stderr and "Acme" in result.stderr
    result = planner("approve", str(shop), "--now", "--through", AS_OF, check=False)
    assert result.returncode != 0
