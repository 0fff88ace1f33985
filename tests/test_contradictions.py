"""Numbers that never contradict each other (issue 23, item 8 a, b): a SKU that stocks out within
its lead time is never listed as excess; a dead SKU with units on an overdue PO is told to cancel
or hold that PO, in its why and on the PO's line."""

from __future__ import annotations

import csv
import datetime as dt

import pytest

from planner.planning import load_planning_data, run_plan
from planner.store import open_workspace
from planner.store.importers.importing import import_files
from tests.money_workspace import AS_OF, money_workspace


def _csv(path, header, rows):
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def test_a_sku_that_stocks_out_within_its_lead_time_is_never_excess(tmp_path):
    # P-CN: 30 on hand at 2 a day runs out on 18 Jun; the 1,000 on PO-CN-1 land 20 Jun (+2 dock),
    # well inside its 40-day lead time. Before: 844 units "excess" beside a stockout in 16 days.
    db = open_workspace(money_workspace(tmp_path, with_rate=True))
    plan = run_plan(load_planning_data(db, AS_OF))
    row = plan.skus.set_index("sku").loc["P-CN"]
    assert str(row["stockout_date"])[:10] == "2025-06-18"
    assert bool(row["stocks_out_within_lead_time"])
    assert (row["excess_units"], row["excess_value"]) == (0, 0.0)
    assert plan.kpis["excess_inventory_value"] == 0.0
    db.conn.close()


@pytest.fixture
def dead_workspace(tmp_path):
    """The workspace of write_dead_workspace."""
    return write_dead_workspace(tmp_path)


def write_dead_workspace(tmp_path):
    """DEAD last sold 458 days before as-of, 40 on hand, 600 on PO-7 (due 20 May: overdue);
    LIVE sells 2 a day."""
    sales = [["2024-03-01", "DEAD", 3]] + [
        [(AS_OF - dt.timedelta(days=i)).isoformat(), "LIVE", 2] for i in range(1, 200)]
    files = [
        _csv(tmp_path / "products.csv", ["sku", "supplier", "unit_cost", "unit_price",
                                         "lead_time_days"],
             [["DEAD", "Acme", 5, 12, 30], ["LIVE", "Acme", 5, 12, 30]]),
        _csv(tmp_path / "sales.csv", ["date", "sku", "quantity"], sales),
        _csv(tmp_path / "inventory.csv", ["sku", "on_hand", "snapshot_date"],
             [["DEAD", 40, "2025-06-01"], ["LIVE", 100, "2025-06-01"]]),
        _csv(tmp_path / "pos.csv", ["po_number", "sku", "quantity", "expected_date", "supplier",
                                    "order_date"],
             [["PO-7", "DEAD", 600, "2025-05-20", "Acme", "2025-04-01"],
              ["PO-8", "LIVE", 100, "2025-06-20", "Acme", "2025-05-01"]]),
    ]
    path = tmp_path / "dead.db"
    db = open_workspace(path)
    import_files(db, files)
    db.conn.close()
    return path


def test_a_dead_sku_with_an_overdue_po_is_told_to_cancel_or_hold_it(dead_workspace):
    db = open_workspace(dead_workspace)
    plan = run_plan(load_planning_data(db, AS_OF))
    skus = plan.skus.set_index("sku")
    advice = "cancel or hold PO-7 (600 units, overdue): no sale in 458 days"
    assert skus.loc["DEAD", "po_advice"] == advice
    assert skus.loc["DEAD", "why"].endswith(f"Dead stock: {advice}.")
    assert skus.loc["LIVE", "po_advice"] == ""  # a selling SKU's PO is left alone
    from planner.planning import plan_to_json

    row = next(s for s in plan_to_json(plan)["skus"] if s["sku"] == "DEAD")
    assert row["po_advice"] == advice
    db.conn.close()
