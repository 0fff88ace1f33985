"""Forecast accuracy on a holdout: hand-made forecasts and workspaces with a known answer."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from planner import planning
from planner.engine.forecasting.accuracy import OVERALL, holdout_accuracy
from planner.store.importers import import_files

ORIGIN = dt.date(2026, 9, 2)
AS_OF = ORIGIN + dt.timedelta(days=7 * 13)


def _daily(rows: dict[str, list[tuple[dt.date, float]]]) -> pd.DataFrame:
    records = [(sku, pd.Timestamp(day), qty) for sku, days in rows.items() for day, qty in days]
    return pd.DataFrame(records, columns=["sku", "date", "quantity"])


def test_two_skus_two_weeks_score_as_worked_out_by_hand():
    origin = dt.date(2026, 1, 31)
    days = pd.date_range(pd.Timestamp(origin) + pd.Timedelta(days=1), periods=14)
    # A is forecast 1 a day (7 a week) and sold 10 then 4; B is forecast 2 a day and sold 14, 14
    forecast = pd.DataFrame([[1.0] * 14, [2.0] * 14], index=["A", "B"], columns=days)
    history = {  # before the origin, weekly 0, 6, 0, 6 for A (changes of 6): scale 6
        "A": [(origin - dt.timedelta(days=7 * k), 6.0) for k in (0, 2)],
        "B": [(origin - dt.timedelta(days=k), 2.0) for k in range(14)],
    }
    after = {"A": [(days[0].date(), 10.0), (days[7].date(), 4.0)],
             "B": [(d.date(), 2.0) for d in days]}
    demand = _daily({k: history[k] + after[k] for k in history})
    models = pd.DataFrame({"demand_class": ["lumpy", "smooth"], "forecast_model": ["TSB", "SES"],
                           "history_days": [30, 14], "lead_time_weeks": [1, 2]},
                          index=["A", "B"])

    result = holdout_accuracy(forecast, models, demand, origin=origin, weeks=2)

    a = result.skus.set_index("sku").loc["A"]
    assert a["forecast_units"] == 14 and a["actual_units"] == 14
    assert a["abs_error"] == 6  # |7-10| + |7-4|
    assert a["wape"] == pytest.approx(6 / 14)
    assert a["bias_pct"] == pytest.approx(0.0)
    assert a["mase"] == pytest.approx(3 / 6)  # mean weekly error 3 over a scale of 6
    assert (a["lead_forecast"], a["lead_actual"]) == (7, 10)
    assert a["forecast_model"] == "TSB"
    weekly_a = result.weekly[result.weekly["sku"] == "A"]
    assert weekly_a["forecast"].tolist() == [7, 7] and weekly_a["actual"].tolist() == [10, 4]
    assert weekly_a["week_end"].dt.date.tolist() == [origin + dt.timedelta(days=7),
                                                     origin + dt.timedelta(days=14)]
    classes = result.classes.set_index("demand_class")
    assert classes.index.tolist() == ["smooth", "lumpy", OVERALL]
    assert classes.loc["smooth", "wape"] == 0 and np.isnan(classes.loc["smooth", "mase"])
    assert classes.loc[OVERALL, "skus"] == 2
    assert classes.loc[OVERALL, "wape"] == pytest.approx(6 / 42)
    assert classes.loc[OVERALL, "wape_lead"] == pytest.approx(3 / 38)  # A's week 1, B's 2 weeks
    assert classes.loc[OVERALL, "mase"] == pytest.approx(6 / 12)  # B has no scale: A alone


def _workspace(db, tmp_path, sales: list[tuple[str, dt.date, int]]):
    (tmp_path / "products.csv").write_text(
        "sku,name,supplier,lead_time_days\nSTEADY,Steady,Acme,21\nSTEP,Step,Acme,21\n"
        "LATE,Late starter,Acme,21\n")
    lines = ["date,sku,quantity"] + [f"{d.isoformat()},{sku},{q}" for sku, d, q in sales]
    (tmp_path / "sales.csv").write_text("\n".join(lines) + "\n")
    import_files(db, [tmp_path / "products.csv", tmp_path / "sales.csv"])


def test_a_sku_whose_sales_double_after_the_origin_is_half_missed(db, tmp_path):
    year = [AS_OF - dt.timedelta(days=k) for k in range(364)]
    sales = [("STEADY", d, 2) for d in year]
    sales += [("STEP", d, 4 if d > ORIGIN else 2) for d in year]
    sales += [("LATE", d, 3) for d in year if d > ORIGIN + dt.timedelta(days=20)]
    _workspace(db, tmp_path, sales)

    result = planning.forecast_accuracy(planning.load_planning_data(db, AS_OF), weeks=13)

    assert result.origin == ORIGIN and result.as_of == AS_OF
    skus = result.skus.set_index("sku")
    assert sorted(skus.index) == ["STEADY", "STEP"]  # LATE had not sold by the origin
    assert skus.loc["STEADY", "wape"] == pytest.approx(0.0, abs=1e-6)
    assert skus.loc["STEP", "forecast_units"] == pytest.approx(13 * 14)
    assert skus.loc["STEP", "actual_units"] == 13 * 28
    assert skus.loc["STEP", "wape"] == pytest.approx(0.5)
    assert skus.loc["STEP", "bias_pct"] == pytest.approx(-50.0)
    overall = result.classes.set_index("demand_class").loc[OVERALL]
    assert overall["skus"] == 2
    assert overall["wape"] == pytest.approx(182 / 546)
    assert overall["bias_pct"] == pytest.approx(-100 / 3)


def test_too_little_history_says_so(db, tmp_path):
    _workspace(db, tmp_path, [("STEADY", AS_OF - dt.timedelta(days=k), 2) for k in range(30)])

    result = planning.forecast_accuracy(planning.load_planning_data(db, AS_OF), weeks=13)

    assert result.empty
    assert "Too little history" in result.empty_reason and ORIGIN.isoformat() in result.empty_reason
