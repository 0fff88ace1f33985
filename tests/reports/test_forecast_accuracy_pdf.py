"""The internal report's forecast-accuracy section, read back from the PDF."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from plan_factory import make_plan

from planner.engine.forecasting.accuracy import empty_accuracy, holdout_accuracy
from planner.reports.internal_report import build_internal_report
from tests.reports.conftest import pdf_pages, squash

ORIGIN = dt.date(2025, 1, 6)


def _accuracy():
    """Two SKUs over two weeks: A forecast 7 a week and sold 10 then 4 (error 6, WAPE 0.43);
    B forecast 14 a week, sold 28 then 28 (error 28, 50 % low)."""
    days = pd.date_range(pd.Timestamp(ORIGIN) + pd.Timedelta(days=1), periods=14)
    forecast = pd.DataFrame([[1.0] * 14, [2.0] * 14], index=["SKU-A", "SKU-B"], columns=days)
    rows = [("SKU-A", days[0], 10.0), ("SKU-A", days[7], 4.0)]
    rows += [("SKU-B", d, 4.0) for d in days]
    rows += [("SKU-A", pd.Timestamp(ORIGIN), 5.0), ("SKU-B", pd.Timestamp(ORIGIN), 9.0)]
    demand = pd.DataFrame(rows, columns=["sku", "date", "quantity"])
    models = pd.DataFrame({"demand_class": ["lumpy", "smooth"],
                           "forecast_model": ["TSB", "ETS(A,N,N)"],
                           "history_days": [40, 40], "lead_time_weeks": [2, 2]},
                          index=["SKU-A", "SKU-B"])
    return holdout_accuracy(forecast, models, demand, origin=ORIGIN, weeks=2)


def test_the_report_has_the_class_table_and_the_worst_skus_first(tmp_path):
    path = build_internal_report(tmp_path / "report.pdf", make_plan(), accuracy=_accuracy())

    pages = [p for p in pdf_pages(path) if "The SKUs the forecast missed" in p]
    assert pages, "no forecast-accuracy section"
    text = pages[0]
    section = squash(text[text.index("Forecast accuracy"):])
    assert squash("Smooth 1 28 56 0.50 0.50 0.50") in section
    assert squash("Lumpy 1 14 14 0.43 0.00 0.00") in section
    assert squash("All SKUs 2 42 70 0.49") in section
    assert squash("-50.0 %") in section
    worst = text[text.index("The SKUs the forecast missed"):]
    assert worst.index("SKU-B") < worst.index("SKU-A")  # 28 units missed before 6
    assert "2025-01-06" in text and "2025-01-20" in text


def test_too_little_history_is_said_in_the_report(tmp_path):
    nothing = empty_accuracy(ORIGIN, ORIGIN + dt.timedelta(days=91), 13,
                             "Too little history to score the forecast.")
    path = build_internal_report(tmp_path / "report.pdf", make_plan(), accuracy=nothing)

    text = "\n".join(pdf_pages(path))
    assert "Forecast accuracy" in text
    assert "Too little history to score the forecast." in text


def test_without_a_score_the_report_has_no_accuracy_section(tmp_path):
    path = build_internal_report(tmp_path / "report.pdf", make_plan())

    assert "The SKUs the forecast missed" not in "\n".join(pdf_pages(path))
