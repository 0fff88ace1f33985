"""Learning a supplier's real lead time and lateness from received PO lines."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from planner.engine.lead_time import (
    effective_lead_times,
    learn_supplier_lead_times,
    stated_lead_times,
)

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


def test_a_products_own_lead_time_wins_then_its_suppliers_then_the_default():
    products = pd.DataFrame({"sku": ["A", "B", "C", "D"],
                             "supplier": ["Acme", "Acme", "Bolt", None],
                             "lead_time_days": [20.0, np.nan, np.nan, np.nan],
                             "lead_time_std_days": [np.nan, np.nan, 4.0, np.nan]})
    suppliers = pd.DataFrame({"supplier": ["Acme", "Bolt"], "lead_time_days": [30.0, np.nan],
                              "lead_time_std_days": [3.0, np.nan]})
    stated = stated_lead_times(products, suppliers, default_days=45)
    assert list(stated["lead_time_source"]) == ["product", "supplier", "default", "default"]
    assert list(stated["lead_time_days"]) == [20.0, 30.0, 45.0, 45.0]
    # the spread: the product's own, else the supplier's, else none
    assert list(stated["lead_time_std_days"]) == [3.0, 3.0, 4.0, 0.0]


def test_receipts_correct_a_stated_lead_time_by_the_suppliers_lateness():
    products = pd.DataFrame({"sku": ["A", "B", "C"], "supplier": ["Acme", "Acme", "Few"],
                             "lead_time_days": [30.0, 45.0, 30.0],
                             "lead_time_std_days": [2.0, 0.0, 3.0],
                             "lead_time_source": ["supplier", "default", "supplier"]})
    learned = pd.DataFrame({"received_lines": [4, 2], "lead_time_days_learned": [36.0, 50.0],
                            "lead_time_std_days_learned": [5.0, 9.0],
                            "lateness_days_mean": [6.0, 20.0]},
                           index=pd.Index(["Acme", "Few"], name="supplier"))
    out = effective_lead_times(products, learned)
    # stated 30 + 6 days late on average; nothing stated: the learned 36; too few receipts: as is
    assert list(out["lead_time_days"]) == [36.0, 36.0, 30.0]
    assert list(out["lead_time_days_stated"]) == [30.0, 45.0, 30.0]
    assert list(out["lead_time_std_days"][:2]) == [5.0, 5.0]  # the learned spread


def test_lead_time_learning_ignores_outliers_and_caps_against_the_stated_lead_time():
    rows = [(f"PO-{k}", "A", "Acme", "2024-01-01", 10, "2024-01-31", 10, received, "received")
            for k, received in enumerate(["2024-01-30", "2024-02-02", "2024-01-31", "2024-02-01",
                                          "2029-01-01", "1900-01-01"])]
    lines = pd.DataFrame(rows, columns=["po_number", "sku", "supplier", "order_date", "quantity",
                                        "expected_date", "received_quantity", "received_date",
                                        "status"])
    for column in ("order_date", "expected_date", "received_date"):
        lines[column] = pd.to_datetime(lines[column])
    learned = learn_supplier_lead_times(lines, as_of="2030-01-01")
    acme = learned.loc["Acme"]
    assert acme["ignored_receipts"] == 2 and acme["received_lines"] == 4
    assert 29 <= acme["lead_time_days_learned"] <= 32
    assert acme["lead_time_std_days_learned"] < 3
    # however wild the receipts look, the stated 30 days moves within [15, 90]
    wild = learned.copy()
    wild.loc["Acme", ["lateness_days_mean", "lead_time_std_days_learned"]] = [4_000.0, 4_543.0]
    products = pd.DataFrame({"sku": ["A"], "supplier": ["Acme"], "lead_time_days": [30.0],
                             "lead_time_std_days": [2.0], "lead_time_source": ["supplier"]})
    out = effective_lead_times(products, wild)
    assert out.loc[0, "lead_time_days"] == 90.0 and out.loc[0, "lead_time_std_days"] <= 90.0
    wild.loc["Acme", "lateness_days_mean"] = -4_000.0
    assert effective_lead_times(products, wild).loc[0, "lead_time_days"] == 15.0


def test_a_supplier_with_too_few_receipts_keeps_the_stated_spread():
    """Issue 23, item 2: one open PO line in the workspace gave every SKU of a supplier with
    fewer than three receipts a spread equal to its whole lead time ("35 ± 35 days")."""
    products = pd.DataFrame({"sku": ["A", "B"], "supplier": ["Acme", "Bolt"],
                             "lead_time_days": [35.0, 7.0], "lead_time_std_days": [3.0, np.nan]})
    suppliers = pd.DataFrame({"supplier": ["Acme", "Bolt"], "lead_time_days": [np.nan, np.nan],
                              "lead_time_std_days": [np.nan, np.nan]})
    stated = stated_lead_times(products, suppliers, default_days=30)
    # Bolt has only open lines (no receipt), Acme a single receipt: neither may learn yet
    lines = _lines([
        ("PO-1", "A", "Acme", "2024-03-01", 100, "2024-03-31", 100, "2024-04-05", "received"),
        ("PO-2", "B", "Bolt", "2024-05-10", 10, "2024-06-20", 0, None, "open"),
    ])
    effective = effective_lead_times(stated, learn_supplier_lead_times(lines, as_of=AS_OF))
    assert effective["lead_time_days"].tolist() == [35.0, 7.0]
    assert effective["lead_time_std_days"].tolist() == [3.0, 0.0]
