"""Buying abroad, by hand: price breaks, order cycles with MOQ and minimum order value,
container fill with top up and trim."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from planner.engine.containers import plan_containers
from planner.engine.landed import product_costs, supplier_costs
from planner.engine.purchasing import suggest_purchases

AS_OF = dt.date(2025, 6, 2)
HORIZON = 60


def _sku(**values):
    row = dict(sku="A", supplier="Acme", unit_cost=4.10, moq=0, case_pack=1, lead_time_days=20,
               reorder_point=200.0, order_up_to=430.0, made_to_order=False, active=True,
               demand_per_day=10.0)
    row.update(values)
    return row


def _plan(rows, *, on_hand=None, review=7, suppliers=None, price_breaks=None,
          holding_cost_rate=0.25):
    skus = pd.DataFrame(rows)
    n = len(skus)
    demand = np.repeat(skus["demand_per_day"].to_numpy(float)[:, None], HORIZON, axis=1)
    demand[:, 0] = 0.0
    supply = np.zeros((n, HORIZON))
    supply[:, 0] = 0 if on_hand is None else on_hand
    return suggest_purchases(
        as_of=AS_OF, horizon_days=HORIZON, review_period_days=review, dock_to_stock_days=2,
        skus=skus, supply_daily=supply, backlog_units=np.zeros(n), demand_daily=demand,
        suppliers=suppliers, price_breaks=price_breaks, holding_cost_rate=holding_cost_rate,
        currency="USD")


BREAKS = pd.DataFrame({"sku": ["A"], "supplier": [""], "min_quantity": [500],
                       "unit_cost": [3.80]})


# Nothing on hand, order-up-to 430: the policy asks for 430 on day 0 at 4.10. The break at
# 500 units costs 3.80. Saving on the 430 needed anyway: 430 × 0.30 = 129.00. The 70 extra
# units wait while the 430 sell, then sell themselves: (430 + 70/2) / d days.
#   10/day:  46.5 days → holding 70 × 3.80 × 0.25 × 46.5 / 365 = 8.47   < 129 → order 500
#   0.5/day: 930 days  → holding 70 × 3.80 × 0.25 × 930 / 365 = 169.44 > 129 → keep 430

def test_ordering_up_to_the_price_break_is_suggested_when_it_saves_more_than_holding():
    plan = _plan([_sku()], price_breaks=BREAKS)
    first = plan.suggestions[0]
    line = first["lines"][0]
    assert (first["order_date"], line["quantity"]) == ("2025-06-02", 500)
    assert line["unit_cost"] == pytest.approx(3.80) and line["value"] == pytest.approx(1900.0)
    why = plan.by_sku.loc["A", "why"]
    assert ("ordering 500 instead of 430 drops the unit cost from 4.10 to 3.80: saves 129.00 "
            "against 8.47 extra holding") in why


def test_a_price_break_whose_extra_units_sit_too_long_is_not_taken():
    plan = _plan([_sku(demand_per_day=0.5)], price_breaks=BREAKS)
    line = plan.suggestions[0]["lines"][0]
    assert line["quantity"] == 430 and line["unit_cost"] == pytest.approx(4.10)
    assert line["value"] == pytest.approx(1763.0)
    why = plan.by_sku.loc["A", "why"]
    assert "the price break at 500 (3.80) is not worth it" in why
    assert "saves 129.00 against 169.44 extra holding" in why


def test_a_line_already_past_a_break_costs_the_break_price():
    breaks = pd.DataFrame({"sku": ["A", "A"], "supplier": ["", "Acme"],
                           "min_quantity": [100, 400], "unit_cost": [3.9, 3.5]})
    # the supplier's own break wins over the one for any supplier: 430 ≥ 400 → 3.50
    line = _plan([_sku()], price_breaks=breaks).suggestions[0]["lines"][0]
    assert line["quantity"] == 430 and line["unit_cost"] == pytest.approx(3.5)


# Joint order on a 14-day cycle (the supplier's order_cycle_days; the global review is 7).
# A: 10/day, reorder point 200, order-up-to 400, 150 on hand, 2.00 a unit.
# B: 2/day, reorder point 40, order-up-to 80, MOQ 100, 50 on hand, 5.00 a unit.
# Day 0: A 150 − 140 next cycle = 10 ≤ 200 → 400 − 150 = 250; B 50 − 28 = 22 ≤ 40 → 30 → MOQ
# 100. One PO: 250 × 2 + 100 × 5 = 1,000 < minimum 1,500, so the cycle's next POs are pulled
# forward: day 14, A at 150 + 250 − 140 = 260 (120 after the cycle) → 140 units = 280 (B at
# 122, 94 after: no order) → 1,280, still short; day 28, A again 140 = 280 → 1,560 ≥ 1,500.
def test_a_joint_order_per_cycle_meets_moq_and_the_minimum_order_value():
    rows = [_sku(sku="A", unit_cost=2.0, reorder_point=200.0, order_up_to=400.0,
                 review_period_days=14),
            _sku(sku="B", unit_cost=5.0, reorder_point=40.0, order_up_to=80.0, moq=100,
                 demand_per_day=2.0, review_period_days=14)]
    suppliers = pd.DataFrame({"supplier": ["Acme"], "min_order_value": [1500.0]})
    plan = _plan(rows, on_hand=np.array([150, 50]), suppliers=suppliers)
    first = plan.suggestions[0]
    assert first["order_date"] == "2025-06-02"
    assert {line["sku"]: line["quantity"] for line in first["lines"]} == {"A": 530, "B": 100}
    assert first["total_value"] == 1560.0
    assert "pulled forward the suggested order(s) of 2025-06-16, 2025-06-30" in \
        first["min_order_value_note"]
    assert first["order_now"] is True and first["review_period_days"] == 14
    # every order of the supplier falls on its cycle's dates (day 0, 14, 28, 42, 56)
    days = {(pd.Timestamp(s["order_date"]) - pd.Timestamp(AS_OF)).days
            for s in plan.suggestions}
    assert days <= {0, 14, 28, 42, 56}
    assert [s["order_now"] for s in plan.suggestions[1:]] == [False] * (len(plan.suggestions) - 1)


def test_landed_cost_converts_at_the_newest_rate_on_or_before_as_of():
    suppliers = supplier_costs(
        pd.DataFrame({"supplier": ["Lisboa", "Home", "Far"], "currency": ["EUR", None, "CNY"],
                      "freight_pct": [10.0, None, 8.0], "duty_pct": [5.0, None, None]}),
        pd.DataFrame({"currency": ["EUR", "EUR", "EUR"], "rate": [1.05, 1.10, 1.20],
                      "date": ["", "2025-01-01", "2025-07-01"]}),
        as_of=AS_OF, currency="USD")
    products = product_costs(pd.DataFrame({"sku": ["E", "U", "C"], "unit_cost": [10.0, 4.0, 20.0],
                                           "supplier": ["Lisboa", "Home", "Far"]}),
                             suppliers, currency="USD")
    landed = products.set_index("sku")["landed_unit_cost"]
    assert landed["E"] == pytest.approx(10 * 1.10 * 1.15)  # 12.65
    assert landed["U"] == 4.0 and np.isnan(landed["C"])


# Containers of 10 m³ and 1,000 kg. The order: 300 × A (0.02 m³, 1 kg) = 6 m³ and 100 × B
# (0.05 m³, 2 kg) = 5 m³: 11 m³, 500 kg → 2 containers, 55 % full.
# Top up: 9 m³ free; the next order (14 days later) holds C (due first: stockout 20 Jun) and A.
# C: 200 units × 0.04 = 8 m³ (all of its line) → 1 m³ left → A: 50 × 0.02. Landed 200 × 3.00 +
# 50 × 2.00 = 700.00 paid 14 days earlier: holding 700 × 0.25 × 14 / 365 = 6.71; 100 % full.
# Trim to one container: 1 m³ too much, taken from the stock that lasts longest (B never
# stocks out): 20 × B = 1 m³, 100.00 less; B's safety stock 15 takes 15, the 5 left are
# 5 / 2 per day = 2.5 stockout days.
def test_container_fill_with_top_up_and_trim_offers():
    skus = pd.DataFrame({
        "sku": ["A", "B", "C"], "unit_volume_m3": [0.02, 0.05, 0.04],
        "unit_weight_kg": [1.0, 2.0, 3.0], "case_pack": [1, 1, 10],
        "landed_unit_cost": [2.0, 5.0, 3.0], "demand_per_day": [10.0, 2.0, 5.0],
        "safety_stock": [50.0, 15.0, 20.0],
        "stockout_date": pd.to_datetime(["2025-07-01", None, "2025-06-20"])})
    suggestions = [
        {"supplier": "Far", "order_date": "2025-06-02", "lines": [
            {"sku": "A", "quantity": 300}, {"sku": "B", "quantity": 100}]},
        {"supplier": "Far", "order_date": "2025-06-16", "lines": [
            {"sku": "A", "quantity": 300}, {"sku": "C", "quantity": 200}]},
    ]
    suppliers = pd.DataFrame({"supplier": ["Far"], "container_m3": [10.0],
                              "max_weight_kg": [1000.0]})
    first = plan_containers(suggestions, skus=skus, suppliers=suppliers,
                            holding_cost_rate=0.25)[0]
    assert (first["containers"], first["container_fill_pct"]) == (2, 55.0)
    top_up, trim = first["container_options"]
    assert top_up["kind"] == "top_up"
    assert [(x["sku"], x["quantity"]) for x in top_up["lines"]] == [("C", 200), ("A", 50)]
    assert (top_up["extra_value"], top_up["holding_cost"], top_up["container_fill_pct"],
            top_up["stockout_days"]) == (700.0, 6.71, 100.0, 0.0)
    assert trim["kind"] == "trim" and trim["containers"] == 1
    assert [(x["sku"], x["quantity"]) for x in trim["lines"]] == [("B", -20)]
    assert (trim["extra_value"], trim["stockout_days"], trim["container_fill_pct"]) == \
        (-100.0, 2.5, 100.0)
    # offered, never applied: the order itself is unchanged and the why says so
    assert [line["quantity"] for line in first["lines"]] == [300, 100]
    assert "2 containers of 10 m³, 55 % full; not applied, choose: top up" in first["why"]
