"""A buyer's week, end to end through the `planner` command only, by hand-computed numbers.

import → plan → approve all due now → plan again (nothing new due now) → send the PO → the
supplier confirms short and late → a new stock count, then the delivery received the same day →
plan. Every step is checked against numbers worked out by hand below, so that the features agree
where they meet (issue 23).

The shop: one mug from one USD supplier, 21 days' lead time (no spread), 2 days dock-to-stock,
a weekly review, a planner's fixed demand of 10 a day with no spread (so safety stock is 0 and
the plan is arithmetic), 100 mugs counted on Monday 2 June 2025.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.test_cli import planner, write_csv

MONDAY = "2025-06-02"


def at_moment(moment: str, *args: str) -> None:
    """Run `planner` at a fixed moment ($PLANNER_NOW): when a count and a receipt of the same
    day were recorded must not depend on how fast the machine runs them (or a faked clock)."""
    env = dict(os.environ, PLANNER_NOW=moment)
    env.pop("PLANNER_TODAY", None)
    result = subprocess.run([sys.executable, "-m", "planner", *args], capture_output=True,
                            text=True, timeout=300, env=env)
    assert result.returncode == 0, result.stderr


def _plan(ws, tmp_path, as_of, today=None):
    out = tmp_path / f"plan-{as_of}.json"
    planner("plan", str(ws), "--as-of", as_of, "--json", str(out), today=today or as_of)
    plan = json.loads(out.read_text(encoding="utf-8"))
    return plan, {s["sku"]: s for s in plan["skus"]}


@pytest.fixture
def shop(tmp_path):
    ws = tmp_path / "shop.db"
    files = [
        write_csv(tmp_path / "suppliers.csv", ["supplier", "currency", "lead_time_days",
                                               "lead_time_std_days"],
                  [["Kiln & Co", "USD", 21, 0]]),
        write_csv(tmp_path / "products.csv", ["sku", "name", "supplier", "unit_cost",
                                              "unit_price", "moq", "case_pack"],
                  [["MUG-01", "Stoneware mug", "Kiln & Co", 10, 30, 0, 1]]),
        write_csv(tmp_path / "inventory.csv", ["sku", "on_hand", "snapshot_date"],
                  [["MUG-01", 100, MONDAY]]),
        write_csv(tmp_path / "overrides.csv", ["sku", "demand_per_day", "demand_std_per_day"],
                  [["MUG-01", 10, 0]]),
    ]
    planner("import", str(ws), *map(str, files), today=MONDAY)
    planner("config", str(ws), "dock_to_stock_days", "2")
    planner("config", str(ws), "review_period_days", "7")
    return ws


def test_a_buyers_week(shop, tmp_path):
    # --- Monday: plan. Order-up-to = 10/day × (21 lead + 2 dock + 7 review) = 300, position
    # 100 → order 200 today, at the dock 21 days later (23 June), sellable 2 days after (25 June)
    plan, skus = _plan(shop, tmp_path, MONDAY)
    mug = skus["MUG-01"]
    assert (mug["on_hand"], mug["on_order"], mug["safety_stock"]) == (100, 0, 0)
    assert mug["order_up_to"] == pytest.approx(300)
    now = [s for s in plan["purchase_suggestions"] if s["order_now"]]
    assert len(now) == 1, "one supplier, one PO due now"
    first = now[0]
    assert (first["order_date"], first["expected_arrival"]) == (MONDAY, "2025-06-23")
    assert [(x["sku"], x["quantity"]) for x in first["lines"]] == [("MUG-01", 200)]
    assert first["total_value"] == pytest.approx(2000.0)
    assert (mug["order_by"], mug["suggested_order_qty"]) == (MONDAY, 200)
    assert mug["expected_arrival"] == "2025-06-23" and mug["sellable_date"] == "2025-06-25"
    assert plan["kpis"]["to_order_now_value"] == pytest.approx(2000.0)

    # --- approve all due now: one PO, ordered today, expected at the dock on 23 June
    approved = planner("approve", str(shop), "--as-of", MONDAY, "--now", today=MONDAY).stdout
    assert "PO-2025-0001" in approved and "Kiln & Co" in approved
    assert "2025-06-23" in approved and "2,000.00" in approved and "USD" in approved

    # --- plan again on the same day: nothing new is due now; the PO is on order
    plan, skus = _plan(shop, tmp_path, MONDAY)
    assert not [s for s in plan["purchase_suggestions"] if s["order_now"]]
    assert skus["MUG-01"]["on_order"] == 200
    assert skus["MUG-01"]["inventory_position"] == 300
    assert plan["kpis"]["to_order_now_value"] == 0

    # --- send it: the supplier's PDF carries the same dock date
    out = tmp_path / "sent"
    planner("send-po", str(shop), "--out", str(out), "PO-2025-0001", today=MONDAY)
    from pypdf import PdfReader

    pdf = next(out.glob("*.pdf"))
    text = " ".join(page.extract_text() for page in PdfReader(pdf).pages)
    assert "PO-2025-0001" in text and "2025-06-23" in text and "200" in text

    # --- Wednesday, by phone: the supplier can ship 180, on 30 June
    planner("confirm", str(shop), "PO-2025-0001", "--quantity", "180", "--date", "2025-06-30",
            "--comment", "short on glaze", today="2025-06-04")
    plan, skus = _plan(shop, tmp_path, "2025-06-04")
    mug = skus["MUG-01"]
    # 100 counted, 2 days of 10 sold since → the count still says 100 (no new count); on order
    # is what the supplier confirmed, not what was ordered
    assert mug["on_order"] == 180

    # --- Monday 30 June: a new count in the morning finds 0 (the shelf ran dry), the delivery
    # of 180 is received in the evening of the same day: it is not in the count, so on-hand
    # is 180, the PO is closed, and nothing is on order
    write_csv(tmp_path / "count.csv", ["sku", "on_hand", "snapshot_date"],
              [["MUG-01", 0, "2025-06-30"]])
    at_moment("2025-06-30T08:30:00", "import", str(shop), str(tmp_path / "count.csv"))
    at_moment("2025-06-30T20:14:00", "receive", str(shop), "PO-2025-0001", "--sku", "MUG-01",
              "--quantity", "180", "--date", "2025-06-30")
    plan, skus = _plan(shop, tmp_path, "2025-06-30")
    mug = skus["MUG-01"]
    assert (mug["on_hand"], mug["on_order"]) == (180, 0)
    # position 180 against an order-up-to of 300 → 120 to order today, at the dock 21 July
    now = [s for s in plan["purchase_suggestions"] if s["order_now"]]
    assert [(s["order_date"], s["expected_arrival"], s["lines"][0]["quantity"]) for s in now] \
        == [("2025-06-30", "2025-07-21", 120)]
