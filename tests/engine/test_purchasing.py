"""Time-phased purchase suggestions a buyer can check by hand."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from planner.engine.purchasing import round_order_quantity, suggest_purchases

AS_OF = dt.date(2024, 3, 1)
HORIZON = 60


def _sku(**values):
    row = dict(sku="A", supplier="Acme", unit_cost=5.0, moq=0, case_pack=1, lead_time_days=20,
               reorder_point=270.0, order_up_to=340.0, made_to_order=False, active=True,
               demand_per_day=10.0)
    row.update(values)
    return row


def _plan(rows, *, supply=None, backlog=None, demand=None, review=7, dock=2, suppliers=None,
          po_notes=None, horizon=HORIZON):
    skus = pd.DataFrame(rows, columns=list(_sku()))
    n = len(skus)
    if demand is None:
        demand = np.repeat(skus["demand_per_day"].to_numpy(float)[:, None], horizon, axis=1)
        demand[:, 0] = 0.0
    return suggest_purchases(
        as_of=AS_OF, horizon_days=horizon, review_period_days=review, dock_to_stock_days=dock,
        skus=skus, supply_daily=np.zeros((n, horizon)) if supply is None else supply,
        backlog_units=np.zeros(n) if backlog is None else np.asarray(backlog, float),
        demand_daily=demand, suppliers=suppliers, po_notes=po_notes)


def _supply_a():
    supply = np.zeros((1, HORIZON))
    supply[0, 0] = 200   # on hand
    supply[0, 10] = 100  # PO sellable on 11 Mar
    return supply


# Hand computation, SKU A: on hand 200, 100 on PO sellable on day 10, 30 backordered,
# 10/day forecast from day 1, lead 20 + dock 2 days, weekly review, reorder point 270,
# order-up-to 340, MOQ 300, case 24. Position now = 200 + 100 - 30 = 270.
#
# | day | date   | position | - next week's 70 | <= 270? | raw order   | rounded            |
# |-----|--------|----------|------------------|---------|-------------|--------------------|
# | 0   | 1 Mar  | 270      | 200              | yes     | 340-270=70  | 312 (MOQ 300, case 24) |
# | 7   | 8 Mar  | 512      | 442              | no      |             |                    |
# | 14  | 15 Mar | 442      | 372              | no      |             |                    |
# | 21  | 22 Mar | 372      | 302              | no      |             |                    |
# | 28  | 29 Mar | 302      | 232              | yes     | 340-302=38  | 312                |
# | 35  | 5 Apr  | 544      | 474              | no      |             |                    |
# | 42  | 12 Apr | 474      | 404              | no      |             |                    |
# | 49  | 19 Apr | 404      | 334              | no      |             |                    |
# | 56  | 26 Apr | 334      | 264              | yes     | 340-334=6   | 312                |
# At the dock 20 days later (the PO's expected date): 1 Mar + 20 = 21 Mar; 29 Mar + 20 = 18 Apr;
# 26 Apr + 20 = 16 May; sellable 2 days after that: 23 Mar, 20 Apr, 18 May.
# Stock without new orders: 170 - 10k (+100 from day 10) runs out on day 28 (29 Mar).
HAND_TABLE = [
    ("2024-03-01", "2024-03-21", 70, 312),
    ("2024-03-29", "2024-04-18", 38, 312),
    ("2024-04-26", "2024-05-16", 6, 312),
]


def test_single_sku_matches_the_hand_computed_table():
    plan = _plan([_sku(moq=300, case_pack=24)], supply=_supply_a(), backlog=[30])
    got = [(d.date().isoformat(), a.date().isoformat(), raw, q) for d, a, raw, q in zip(
        plan.lines["order_date"], plan.lines["expected_arrival"], plan.lines["raw_quantity"],
        plan.lines["quantity"], strict=True)]
    assert got == HAND_TABLE
    assert [d.date().isoformat() for d in plan.lines["sellable_date"]] == [
        "2024-03-23", "2024-04-20", "2024-05-18"]
    assert list(plan.lines["rounding_note"]) == ["MOQ 300, case 24"] * 3
    assert list(plan.lines["value"]) == [312 * 5.0] * 3
    row = plan.by_sku.loc["A"]
    assert row["order_by"] == pd.Timestamp("2024-03-01")
    assert row["suggested_order_qty"] == 312
    assert row["expected_arrival"] == pd.Timestamp("2024-03-21")
    assert row["sellable_date"] == pd.Timestamp("2024-03-23")
    assert row["inventory_position"] == 270
    assert row["stockout_date"] == pd.Timestamp("2024-03-29")
    assert pd.isna(row["stockout_date_after_orders"])
    assert row["orders_in_horizon"] == 3
    assert row["days_of_cover"] == pytest.approx(17.0)  # (200 - 30) / 10


def test_why_is_one_sentence_a_buyer_can_check():
    plan = _plan([_sku(moq=300, case_pack=24)], supply=_supply_a(), backlog=[30],
                 po_notes=["100 on PO-1043 due 9 Mar"])
    why = plan.by_sku.loc["A", "why"]
    assert why == (
        "on hand 200, 100 on PO-1043 due 9 Mar, 30 backordered → position 270 "
        "(200 after the 70 expected before the next review); 10/day over 20 days lead time "
        "+ 2 dock-to-stock + 7 review → reorder point 270, order-up-to 340; 340 − 270 → "
        "order 70, rounded up to 312 (MOQ 300, case 24) on 1 Mar; 2 more orders later in the "
        "horizon")
    assert "\n" not in why


def test_without_po_notes_the_why_still_names_incoming_stock():
    plan = _plan([_sku()], supply=_supply_a(), backlog=[30])
    assert plan.by_sku.loc["A", "why"].startswith(
        "on hand 200, 100 incoming from 11 Mar, 30 backordered → position 270")


def test_sku_well_stocked_gets_no_order_and_says_why():
    supply = np.zeros((1, HORIZON))
    supply[0, 0] = 1_500
    plan = _plan([_sku()], supply=supply)
    assert plan.lines.empty
    row = plan.by_sku.loc["A"]
    assert pd.isna(row["order_by"]) and row["suggested_order_qty"] == 0
    assert pd.isna(row["stockout_date"])
    # 1,500 - 59 days × 10 = 910 at the horizon end, still above 270
    assert row["why"].endswith("the position stays above the reorder point through the horizon "
                               "(910 on 29 Apr)")


def test_rounding_up_to_moq_and_case_pack_says_what_it_did():
    quantity, notes = round_order_quantity(np.array([70, 70, 70, 310, 300]),
                                           np.array([300, 0, 300, 300, 0]),
                                           np.array([24, 24, 1, 1, 1]))
    assert list(quantity) == [312, 72, 300, 310, 300]
    assert list(notes) == ["MOQ 300, case 24", "case 24", "MOQ 300", "", ""]


def test_arrival_is_order_date_plus_lead_time_and_sellable_dock_to_stock_later():
    plan = _plan([_sku(lead_time_days=35)], dock=3)
    first = plan.lines.iloc[0]
    assert first["order_date"] == pd.Timestamp("2024-03-01")
    assert first["expected_arrival"] == pd.Timestamp("2024-03-01") + pd.Timedelta(days=35)
    assert first["sellable_date"] == pd.Timestamp("2024-03-01") + pd.Timedelta(days=38)


def test_a_fractional_lead_time_is_rounded_up_and_a_po_is_in_with_its_slowest_line():
    # A 20.2 days → 21 (never earlier than the lead time): 1 Mar + 21 = 22 Mar; B 9.5 → 10 on
    # the same PO: 11 Mar; the PO is expected when its last line is, 22 Mar (sellable 24 Mar)
    plan = _plan([_sku(sku="A", lead_time_days=20.2), _sku(sku="B", lead_time_days=9.5)],
                 horizon=7)
    (po,) = plan.suggestions
    assert (po["expected_arrival"], po["sellable_date"]) == ("2024-03-22", "2024-03-24")
    assert {(x["sku"], x["expected_arrival"], x["sellable_date"]) for x in po["lines"]} == {
        ("A", "2024-03-22", "2024-03-24"), ("B", "2024-03-11", "2024-03-13")}
    assert "21 days lead time" in plan.by_sku.loc["A", "why"]


def test_an_sku_needing_two_orders_in_the_horizon_gets_both():
    # No MOQ: base-stock ordering every review once the position is below order-up-to.
    plan = _plan([_sku()], supply=_supply_a(), backlog=[30])
    dates = list(plan.lines["order_date"].dt.day)
    assert dates[:3] == [1, 8, 15] and len(dates) == 9  # every weekly review, 0..56
    assert list(plan.lines["quantity"].iloc[:2]) == [70, 70]


def test_continuous_review_orders_the_day_the_reorder_point_is_reached():
    supply = np.zeros((1, HORIZON))
    supply[0, 0] = 400
    plan = _plan([_sku(reorder_point=250.0, order_up_to=550.0)], supply=supply, review=0)
    # position 400 - 10k reaches 250 on day 15 -> order 550 - 250 = 300 on 16 Mar
    first = plan.lines.iloc[0]
    assert first["order_date"] == pd.Timestamp("2024-03-16")
    assert first["quantity"] == 300
    # then 550 - 10k' falls to 250 again 30 days later
    assert plan.lines["order_date"].iloc[1] == pd.Timestamp("2024-04-15")


def test_made_to_order_buys_exactly_the_backlog_shortfall():
    supply = np.zeros((2, HORIZON))
    supply[0, 0] = 10
    supply[1, 0] = 80
    plan = _plan([_sku(sku="MTO", made_to_order=True, case_pack=6),
                  _sku(sku="MTO2", made_to_order=True)], supply=supply, backlog=[45, 50])
    line = plan.lines.set_index("sku").loc["MTO"]
    assert line["raw_quantity"] == 35 and line["quantity"] == 36
    assert line["order_date"] == pd.Timestamp("2024-03-01")
    assert "MTO2" not in set(plan.lines["sku"])  # 80 on hand covers its 50 owed
    assert "no safety stock" in plan.by_sku.loc["MTO", "why"]
    assert "made to order" in plan.by_sku.loc["MTO2", "why"]


def test_inactive_skus_never_order():
    plan = _plan([_sku(active=False)], backlog=[100])
    assert plan.lines.empty
    assert plan.by_sku.loc["A", "why"].startswith("inactive")


def test_lines_group_into_one_po_per_supplier_and_order_date():
    rows = [_sku(sku="A"), _sku(sku="B", unit_cost=2.0), _sku(sku="C", supplier="Bolt")]
    plan = _plan(rows, horizon=7)
    assert len(plan.suggestions) == 2
    acme = next(s for s in plan.suggestions if s["supplier"] == "Acme")
    assert acme["order_date"] == "2024-03-01"
    assert (acme["expected_arrival"], acme["sellable_date"]) == ("2024-03-21", "2024-03-23")
    assert [line["sku"] for line in acme["lines"]] == ["A", "B"]
    assert acme["total_value"] == pytest.approx(340 * 5.0 + 340 * 2.0)
    assert acme["min_order_value_note"] == ""


def test_po_below_minimum_order_value_pulls_the_next_one_forward():
    # A orders 70 × 5 = 350 at each of 9 weekly reviews; Acme needs 1,200 per PO:
    # weeks 0-3 merge (1,400), weeks 4-7 merge (1,400), week 8 is left alone at 350.
    suppliers = pd.DataFrame({"supplier": ["Acme"], "min_order_value": [1_200.0]})
    plan = _plan([_sku()], supply=_supply_a(), backlog=[30], suppliers=suppliers)
    assert [s["order_date"] for s in plan.suggestions] == ["2024-03-01", "2024-03-29",
                                                           "2024-04-26"]
    first = plan.suggestions[0]
    assert first["total_value"] == pytest.approx(4 * 350)
    assert first["lines"][0]["quantity"] == 280
    assert first["min_order_value_note"] == (
        "pulled forward the suggested order(s) of 2024-03-08, 2024-03-15, 2024-03-22 to reach "
        "the minimum order value 1,200.00")
    last = plan.suggestions[-1]
    assert last["total_value"] == pytest.approx(350)
    assert "still below it by 850.00" in last["min_order_value_note"]
    # the merged line arrives with the earliest order
    merged = plan.lines.iloc[0]
    assert merged["expected_arrival"] == pd.Timestamp("2024-03-21")
    assert merged["reason"] == ("reorder; includes the order of 8 Mar, 15 Mar, 22 Mar pulled "
                                "forward to reach the minimum order value")
    assert "minimum order value" in plan.by_sku.loc["A", "why"]
    assert plan.lines["quantity"].sum() == 9 * 70  # nothing dropped, nothing added


def test_po_meeting_its_minimum_says_so():
    suppliers = pd.DataFrame({"supplier": ["Acme"], "min_order_value": [100.0]})
    plan = _plan([_sku()], horizon=7, suppliers=suppliers)
    assert plan.suggestions[0]["min_order_value_note"] == "meets the minimum order value 100.00"


def test_backlog_with_no_supply_and_no_forecast_is_still_bought():
    plan = _plan([_sku(reorder_point=0.0, order_up_to=0.0, demand_per_day=0.0)], backlog=[12])
    assert plan.lines["quantity"].tolist() == [12]


def test_seasonal_forecast_drives_the_timing():
    # Quiet for 30 days, then 30/day: the order waits until the peak comes within reach.
    demand = np.zeros((1, HORIZON))
    demand[0, 31:] = 30.0
    supply = np.zeros((1, HORIZON))
    supply[0, 0] = 300
    plan = _plan([_sku(reorder_point=200.0, order_up_to=400.0)], supply=supply, demand=demand)
    # day 21: nothing forecast in the next week, position 300 > 200: no order yet;
    # day 28: position 300, but days 31-35 bring 5 × 30 = 150 -> 150 <= 200 -> order 400 - 300
    assert plan.lines["order_date"].iloc[0] == pd.Timestamp("2024-03-29")
    assert plan.lines["quantity"].iloc[0] == 100


def test_an_empty_catalog_gives_an_empty_plan():
    plan = _plan([], horizon=14)
    assert plan.lines.empty and plan.by_sku.empty and plan.suggestions == []
    assert list(plan.lines.columns)[:4] == ["sku", "supplier", "order_date", "expected_arrival"]
