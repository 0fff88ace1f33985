"""The purchase budget by hand: which lines a month keeps, which move and what moving costs."""

import datetime as dt

import pandas as pd

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
    # per dollar), C 40 × 5 = 200 for 400 (0.5): A + B = 900, C does not fit → 1 July.
    # July: D protects 1,000 for 800 (1.25) before C (0.5): D = 800, C does not fit → 1 August.
    suggestions, budget, moved = _plan(1000.0)
    by_date = {(s["order_date"]): sorted(line["sku"] for line in s["lines"])
               for s in suggestions}
    assert by_date == {"2025-06-02": ["A", "B"], "2025-07-07": ["D"], "2025-08-01": ["C"]}
    months = {m["month"]: (m["suggested_value"], m["planned_value"]) for m in budget["months"]}
    assert months["2025-06"] == (1300.0, 900.0)
    assert months["2025-07"] == (800.0, 800.0)
    assert months["2025-08"] == (0.0, 400.0)
    [line] = budget["deferred_lines"]
    assert (line["sku"], line["from_order_date"], line["to_order_date"]) == (
        "C", "2025-06-02", "2025-08-01")
    # C stocks out on 20 June; it was to arrive 2 July, now 60 days later (31 August):
    # 60 more days out of stock × 2 a day = 120 more units backordered
    assert line["extra_stockout_days"] == 60
    assert line["extra_backorder_units"] == 120
    assert line["flag"] == ""
    moved_order = next(s for s in suggestions if s["order_date"] == "2025-08-01")
    assert moved_order["expected_arrival"] == "2025-08-31"
    assert moved_order["total_value"] == 400.0
    assert moved_order["order_now"] is False
    assert "deferred by the purchase budget" in moved_order["lines"][0]["why"]


def test_no_budget_changes_nothing_but_still_shows_the_spend_per_month():
    suggestions, budget, moved = _plan(0.0)
    assert [len(s["lines"]) for s in suggestions] == [3, 1]
    assert moved.empty and budget["deferred_lines"] == []
    months = {m["month"]: m["planned_value"] for m in budget["months"]}
    assert months["2025-06"] == 1300.0 and months["2025-07"] == 800.0
    assert all(m["budget"] is None for m in budget["months"])


def test_a_line_no_month_can_fund_is_left_out_and_listed_unfunded_flagged():
    # 500 a month: A (600) never fits in a month: it is left out of the suggestions, listed in
    # budget.unfunded (flagged: it clears customer backorders), never in a month's planned spend
    suggestions, budget, moved = _plan(500.0)
    assert "A" not in {line["sku"] for s in suggestions for line in s["lines"]}
    [unfunded] = [u for u in budget["unfunded"] if u["sku"] == "A"]
    assert (unfunded["quantity"], unfunded["value"], unfunded["order_date"]) == (
        100, 600.0, "2025-06-02")
    assert "backordered units of existing customer orders" in unfunded["flag"]
    assert budget["flagged_lines"] >= 1
    assert all(m["committed_value"] + m["planned_value"] <= 500.0 for m in budget["months"])
    assert moved.set_index("sku").at["A", "status"] == "unfunded"
