"""The purchase budget by hand: which lines a month keeps, which move and what moving costs."""

import datetime as dt

import pandas as pd
import pytest

from planner.engine.budget import apply_budget

AS_OF = dt.date(2025, 6, 2)


def _line(sku, quantity, value, clears=()):
    return {"sku": sku, "quantity": quantity, "unit_cost": value / quantity, "value": value,
            "clears_backorders": list(clears), "clears_backorder_units": 10 if clears else 0}


def _suggestion(order_date, arrival, *lines):
    return {"supplier": "Kiln", "order_date": order_date, "expected_arrival": arrival,
            "total_value": sum(line["value"] for line in lines), "lines": list(lines),
            "order_now": order_date == "2025-06-02"}


SKUS = pd.DataFrame({
    "unit_price": [10.0, 20.0, 5.0, 10.0], "demand_per_day": [1.0, 1.0, 2.0, 1.0],
    "stockout_date": pd.to_datetime(["2025-06-10", "2025-06-15", "2025-06-20", None]),
    "shortfall_units": [100.0, 50.0, 40.0, 100.0],
}, index=pd.Index(["A", "B", "C", "D"], name="sku"))
QUEUE = pd.DataFrame({"sku": ["A"], "order_id": ["#1"], "value_at_risk": [30.0]})


def _plan(budget):
    suggestions = [
        _suggestion("2025-06-02", "2025-07-02", _line("A", 100, 600.0, ["#1"]),
                    _line("B", 50, 300.0), _line("C", 40, 400.0)),
        _suggestion("2025-07-07", "2025-08-06", _line("D", 100, 800.0)),
    ]
    return apply_budget(suggestions, budget_per_month=budget, as_of=AS_OF, horizon_days=182,
                        review_period_days=7, skus=SKUS, queue=QUEUE, currency="USD")


def test_a_tight_budget_keeps_the_backorder_line_then_the_best_revenue_per_dollar():
    # June (1,000): A clears backorders (first, 600), B protects 50 × 20 = 1,000 for 300 (3.3
    # per dollar), C 40 × 5 = 200 for 400 (0.5) gets what is left: 100 → 10 units (cut); its
    # other 30 move to 1 July. July: D protects 1,000 for 800 (1.25) before C's 30 (150 for
    # 300, 0.5): D = 800, C 20 with the 200 left; its last 10 move to 1 August.
    suggestions, budget, moved = _plan(1000.0)
    by_date = {s["order_date"]: sorted((line["sku"], line["quantity"]) for line in s["lines"])
               for s in suggestions}
    assert by_date == {"2025-06-02": [("A", 100), ("B", 50), ("C", 10)],
                       "2025-07-01": [("C", 20)], "2025-07-07": [("D", 100)],
                       "2025-08-01": [("C", 10)]}
    months = {m["month"]: (m["suggested_value"], m["planned_value"]) for m in budget["months"]}
    assert months["2025-06"] == (1300.0, 1000.0)
    assert months["2025-07"] == (800.0, 1000.0)
    assert months["2025-08"] == (0.0, 100.0)
    assert budget["unfunded"] == []
    deferred = [(d["sku"], d["quantity"], d["from_order_date"], d["to_order_date"],
                 d["extra_stockout_days"], d["extra_backorder_units"])
                for d in budget["deferred_lines"]]
    # C stocks out on 20 June; it was to arrive 2 July: the 20 now arrive 31 July (29 more days
    # × 2 a day = 58 units), the last 10 on 31 August (60 days, 120 units)
    assert deferred == [("C", 20, "2025-06-02", "2025-07-01", 29, 58),
                        ("C", 10, "2025-06-02", "2025-08-01", 60, 120)]
    june_c = next(line for line in suggestions[0]["lines"] if line["sku"] == "C")
    assert june_c["budget_status"] == "cut" and june_c["value"] == 100.0
    moved_order = next(s for s in suggestions if s["order_date"] == "2025-08-01")
    assert moved_order["expected_arrival"] == "2025-08-31"
    assert moved_order["total_value"] == 100.0
    assert moved_order["order_now"] is False
    assert "deferred by the purchase budget" in moved_order["lines"][0]["why"]


def test_no_budget_changes_nothing_but_still_shows_the_spend_per_month():
    suggestions, budget, moved = _plan(0.0)
    assert [len(s["lines"]) for s in suggestions] == [3, 1]
    assert moved.empty and budget["deferred_lines"] == []
    months = {m["month"]: m["planned_value"] for m in budget["months"]}
    assert months["2025-06"] == 1300.0 and months["2025-07"] == 800.0
    assert all(m["budget"] is None for m in budget["months"])


def test_what_no_month_can_fund_is_left_out_and_listed_unfunded_flagged():
    # 100 a month over 6 months (600) against 2,100 of orders: A (clears backorders) is funded
    # first each month; what is left at the horizon's end is listed unfunded, never in a month
    suggestions, budget, moved = _plan(100.0)
    assert all(m["planned_value"] <= 100.0 for m in budget["months"])
    assert {u["sku"] for u in budget["unfunded"]} >= {"B", "C", "D"}
    funded = {}
    for s in suggestions:
        for line in s["lines"]:
            funded[line["sku"]] = funded.get(line["sku"], 0) + line["quantity"]
    wanted = {"A": 100, "B": 50, "C": 40, "D": 100}
    for entry in budget["unfunded"]:  # every unit is either funded or listed unfunded
        funded[entry["sku"]] = funded.get(entry["sku"], 0) + entry["quantity"]
        assert entry["value"] > 0 and entry["order_date"] >= "2025-06-02"
    assert funded == wanted
    assert budget["flagged_lines"] >= 1
    assert set(moved["status"]) <= {"deferred", "unfunded"}
    assert moved.set_index("sku").at["B", "status"] == "unfunded"


def test_placed_pos_count_what_is_still_owed_and_unknown_money_is_named_not_zero():
    """A PO confirmed short counts its confirmed units; a line in a currency without a rate is
    not read as 0 spent: it is listed, so the plan can say the month's room is not known."""
    from planner.engine.budget import committed_by_month, uncounted_commitments

    lines = pd.DataFrame({
        "po_number": ["PO-1", "PO-2", "PO-3"], "sku": ["A", "B", "C"],
        "status": ["open", "open", "open"],
        "order_date": pd.to_datetime(["2025-06-02", "2025-06-10", "2025-07-01"]),
        "quantity": [440, 100, 50], "confirmed_quantity": [400, None, None],
        "received_quantity": [100, 0, 0], "unit_cost": [10.0, 5.0, 2.0]})
    multiplier = pd.Series({"A": 1.1, "B": float("nan"), "C": 1.0})
    committed = committed_by_month(lines, multiplier)
    # June: (400 confirmed − 100 received) × 10 × 1.1 = 3,300 (B has no rate: not counted here)
    assert committed.to_dict() == pytest.approx({"2025-06": 3300.0, "2025-07": 100.0})
    unknown = uncounted_commitments(lines, multiplier)
    assert unknown[["po_number", "units"]].values.tolist() == [["PO-2", 100.0]]
