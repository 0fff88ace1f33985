"""A backorder no supply covers says how late it is already and when ordering today ships it."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from planner.engine.uncovered import explain_uncovered

AS_OF = dt.date(2026, 12, 2)


def test_late_uncovered_lines_say_how_late_and_when_an_order_today_ships_them():
    lines = pd.DataFrame({
        "order_id": ["#covered", "#late-no-supply", "#unpromised"],
        "sku": ["MUG", "KETTLE", "KETTLE"],
        "promised_date": pd.to_datetime(["2026-11-30", "2026-11-22", None]),
        "uncovered": [False, True, True],
        "flag_reasons": ["ships after the promised date", "no known supply", "no known supply"],
    })
    lead = pd.Series({"MUG": 20.0, "KETTLE": 45.5})
    out = explain_uncovered(lines, as_of=AS_OF, lead_time_days=lead, dock_to_stock_days=2)
    by_id = out.set_index("order_id")
    assert by_id.at["#covered", "days_overdue"] == 2
    assert by_id.at["#late-no-supply", "days_overdue"] == 10
    assert pd.isna(by_id.at["#unpromised", "days_overdue"])
    # 46 days (45.5 rounded up) + 2 days dock-to-stock from 2 Dec: 19 Jan
    assert by_id.at["#late-no-supply", "ships_if_ordered_today"] == pd.Timestamp("2027-01-19")
    assert pd.isna(by_id.at["#covered", "ships_if_ordered_today"])
    assert by_id.at["#late-no-supply", "flag_reasons"] == (
        "no known supply; 10 days late already, ships about 2027-01-19 if you order today")
    assert by_id.at["#unpromised", "flag_reasons"] == (
        "no known supply; ships about 2027-01-19 if you order today")
    assert by_id.at["#covered", "flag_reasons"] == "ships after the promised date"


def test_no_lines_gives_the_columns_anyway():
    empty = pd.DataFrame(columns=["order_id", "sku", "promised_date", "uncovered", "flag_reasons"])
    out = explain_uncovered(empty, as_of=AS_OF, lead_time_days=pd.Series(dtype=float),
                            dock_to_stock_days=2)
    assert {"days_overdue", "ships_if_ordered_today"} <= set(out.columns) and out.empty
