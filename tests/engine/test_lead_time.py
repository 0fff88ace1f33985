"""Learning a supplier's real lead time and lateness from received PO lines."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from planner.engine.lead_time import learn_supplier_lead_times, resolve_lead_times

AS_OF = dt.date(2024, 6, 1)


def _lines(rows):
    frame = pd.DataFrame(rows, columns=["po_number", "sku", "supplier", "order_date", "quantity",
                                        "expected_date", "received_quantity", "received_date",
                                        "status"])
    for column in ("order_date", "expected_date", "received_date"):
        frame[column] = pd.to_datetime(frame[column])
    return frame


LINES = _lines([
    # Acme: ordered 1 Mar, promised 31 Mar (30 days), received 5 Apr (35 days, 5 late)
    ("PO-1", "A", "Acme", "2024-03-01", 100, "2024-03-31", 100, "2024-04-05", "received"),
    # ordered 1 Apr, promised 1 May, received 28 Apr (27 days, 3 early)
    ("PO-2", "A", "Acme", "2024-04-01", 100, "2024-05-01", 100, "2024-04-28", "received"),
    # ordered 10 Apr, promised 10 May, received 22 May (42 days, 12 late), partly
    ("PO-3", "B", "Acme", "2024-04-10", 50, "2024-05-10", 40, "2024-05-22", "open"),
    # open, promised 20 May, nothing yet: late on 1 Jun
    ("PO-4", "A", "Acme", "2024-04-20", 80, "2024-05-20", 0, None, "open"),
    # cancelled: ignored even though overdue
    ("PO-5", "A", "Acme", "2024-04-20", 80, "2024-05-01", 0, None, "cancelled"),
    # Bolt: received after as_of -> not yet known
    ("PO-6", "C", "Bolt", "2024-05-01", 10, "2024-05-25", 10, "2024-06-03", "received"),
    # Bolt: open, due later -> not late
    ("PO-7", "C", "Bolt", "2024-05-10", 10, "2024-06-20", 0, None, "open"),
])


def test_learns_mean_and_spread_of_real_lead_time_and_lateness():
    learned = learn_supplier_lead_times(LINES, as_of=AS_OF)
    acme = learned.loc["Acme"]
    assert acme["received_lines"] == 3
    assert acme["lead_time_days_learned"] == pytest.approx((35 + 27 + 42) / 3)
    assert acme["lead_time_std_days_learned"] == pytest.approx(np.std([35, 27, 42], ddof=1))
    assert acme["lateness_days_mean"] == pytest.approx((5 - 3 + 12) / 3)
    assert acme["lateness_days_std"] == pytest.approx(np.std([5, -3, 12], ddof=1))
    assert acme["on_time_share"] == pytest.approx(1 / 3)
    # PO-3 still owes 10 units past its date, PO-4 owes all of it; the cancelled line does not count
    assert acme["late_open_lines"] == 2


def test_receipts_after_as_of_are_not_known_yet():
    learned = learn_supplier_lead_times(LINES, as_of=AS_OF)
    bolt = learned.loc["Bolt"]
    assert bolt["received_lines"] == 0
    assert np.isnan(bolt["lead_time_days_learned"])
    assert bolt["late_open_lines"] == 0
    later = learn_supplier_lead_times(LINES, as_of=dt.date(2024, 6, 30))
    assert later.loc["Bolt", "received_lines"] == 1
    assert later.loc["Bolt", "lead_time_days_learned"] == 33
    assert later.loc["Bolt", "lateness_days_mean"] == 9
    assert later.loc["Bolt", "late_open_lines"] == 1  # PO-7 was due 20 Jun


def test_no_lines_gives_an_empty_table():
    learned = learn_supplier_lead_times(LINES.iloc[:0], as_of=AS_OF)
    assert learned.empty
    assert "lead_time_days_learned" in learned.columns


def test_resolution_order_product_supplier_learned_default():
    resolved = resolve_lead_times(
        product_days=[20, np.nan, np.nan, np.nan, np.nan],
        product_std_days=[np.nan, np.nan, np.nan, np.nan, np.nan],
        supplier_days=[30, 30, np.nan, np.nan, np.nan],
        supplier_std_days=[np.nan, 3, np.nan, np.nan, np.nan],
        learned_days=[34.7, 34.7, 34.7, 34.7, np.nan],
        learned_std_days=[7.5, 7.5, 7.5, 7.5, np.nan],
        received_lines=[3, 3, 3, 1, 0], default_days=45)
    assert list(resolved["lead_time_source"]) == ["product", "supplier", "learned", "default",
                                                   "default"]
    assert list(resolved["lead_time_days"]) == [20, 30, 34.7, 45, 45]
    # a stated lead time without a spread borrows the learned spread
    assert list(resolved["lead_time_std_days"]) == [7.5, 3, 7.5, 0, 0]


def test_learned_can_win_over_what_the_supplier_states():
    resolved = resolve_lead_times(
        product_days=[np.nan, 15], product_std_days=[np.nan, np.nan], supplier_days=[30, 30],
        supplier_std_days=[np.nan, np.nan], learned_days=[38.0, 38.0],
        learned_std_days=[6.0, 6.0], received_lines=[5, 5], default_days=45,
        prefer_learned=True)
    assert list(resolved["lead_time_source"]) == ["learned", "product"]
    assert list(resolved["lead_time_days"]) == [38.0, 15]
