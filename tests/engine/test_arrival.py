"""The one arrival rule (engine/arrival.py), by hand."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from planner.engine.arrival import arrival_dates, date_suggestions, due_now

AS_OF = dt.date(2025, 6, 2)


def test_the_dock_date_is_the_order_date_plus_the_lead_time_rounded_up():
    dock, sellable = arrival_dates(np.repeat(np.datetime64("2025-06-02"), 4),
                                   [10.0, 24.5, 9.0000000001, 0.0], 2)
    assert np.datetime_as_string(dock, unit="D").tolist() == [
        "2025-06-12", "2025-06-27", "2025-06-11", "2025-06-02"]
    assert np.datetime_as_string(sellable, unit="D").tolist() == [
        "2025-06-14", "2025-06-29", "2025-06-13", "2025-06-04"]


def test_due_now_is_this_reviews_orders_only():
    assert due_now(pd.to_datetime(["2025-06-01", "2025-06-02", "2025-06-03", "2025-06-09"]),
                   AS_OF).tolist() == [True, True, False, False]


def test_a_po_is_in_when_its_last_line_is_and_each_line_keeps_its_date():
    suggestions = [{"order_date": "2025-06-02", "lines": [{"sku": "A"}, {"sku": "B"}]},
                   {"order_date": "2025-06-09", "lines": []},
                   {"order_date": "2025-06-09", "lines": [{"sku": "B"}]}]
    dated = date_suggestions(suggestions, lead_by_sku=pd.Series({"A": 10.0, "B": 24.5}),
                             dock_to_stock_days=2, as_of=AS_OF)
    assert [(s["expected_arrival"], s["sellable_date"], s["order_now"]) for s in dated] == [
        ("2025-06-27", "2025-06-29", True), ("2025-06-09", "2025-06-11", False),
        ("2025-07-04", "2025-07-06", False)]
    assert [(x["sku"], x["expected_arrival"], x["sellable_date"], x["lead_time_days"])
            for x in dated[0]["lines"]] == [("A", "2025-06-12", "2025-06-14", 10),
                                            ("B", "2025-06-27", "2025-06-29", 25)]
