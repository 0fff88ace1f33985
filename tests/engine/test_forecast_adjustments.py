"""What the forecast does with stockouts, events and new SKUs, on series with a known answer."""

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from planner.engine.forecast import ForecastResult, forecast_demand
from planner.engine.forecasting import adjust

AS_OF = dt.date(2025, 6, 30)  # a Monday
DAYS = pd.date_range(end=pd.Timestamp(AS_OF), periods=364, freq="D")


def _steady(sku: str, rate: int = 10, days: pd.DatetimeIndex = DAYS) -> pd.DataFrame:
    return pd.DataFrame({"sku": sku, "date": days, "quantity": rate})


def _forecast(daily: pd.DataFrame, skus: list[str], **kwargs) -> ForecastResult:
    lead = pd.Series(21.0, index=skus)
    return forecast_demand(daily, as_of=AS_OF, horizon_days=56, skus=skus,
                           lead_time_days=lead, review_period_days=7, **kwargs)


def _rate(result: ForecastResult, sku: str) -> float:
    return float(result.models.loc[sku, "demand_per_day"])


def _with_gap(first: str, last: str) -> pd.DataFrame:
    daily = _steady("MUG")
    gap = (daily["date"] >= first) & (daily["date"] <= last)
    return daily[~gap]


def test_a_stockout_the_snapshots_show_is_missing_demand_not_zero():
    # 10 a day, except five weeks with nothing on the shelf at the end of the history.
    daily = _with_gap("2025-05-26", "2025-06-30")
    stock = pd.DataFrame({"sku": "MUG", "snapshot_date": pd.to_datetime(
        ["2025-03-01", "2025-05-26"]), "on_hand": [40, 0]})
    naive = _forecast(daily, ["MUG"])
    missing = adjust.missing_days(daily, stock, AS_OF)
    assert len(missing) == 36  # 26 May .. 30 June
    honest = _forecast(daily, ["MUG"], missing_days=missing)
    assert _rate(naive, "MUG") < 5
    assert _rate(honest, "MUG") == pytest.approx(10, rel=0.05)
    assert honest.models.loc["MUG", "stockout_days_excluded"] == 36
    assert "nothing to sell" in honest.models.loc["MUG", "why_model"]


def test_a_sku_that_takes_backorders_sells_when_out_so_its_zeros_are_real():
    daily = _with_gap("2025-05-26", "2025-06-30")
    stock = pd.DataFrame({"sku": "MUG", "snapshot_date": pd.to_datetime(["2025-05-26"]),
                          "on_hand": [0]})
    assert adjust.stockout_days(daily, stock, AS_OF, takes_backorders={"MUG"}).empty


def test_a_stockout_ends_with_the_next_stocked_snapshot_or_receipt():
    daily = _with_gap("2025-03-01", "2025-03-31")
    stock = pd.DataFrame({"sku": "MUG", "snapshot_date": pd.to_datetime(
        ["2025-03-01", "2025-03-20"]), "on_hand": [0, 12]})
    days = adjust.stockout_days(daily, stock, AS_OF)
    assert len(days) == 19  # 1 .. 19 March; stock was back on the 20th
    receipts = pd.DataFrame({"sku": ["MUG"], "received_date": pd.to_datetime(["2025-03-10"])})
    assert len(adjust.stockout_days(daily, stock, AS_OF, receipts=receipts)) == 9


def test_without_snapshots_a_zero_run_implausible_for_a_daily_seller_is_a_stockout():
    daily = _with_gap("2025-03-01", "2025-03-31")
    runs = adjust.implausible_zero_runs(daily, AS_OF)
    assert len(runs) == 31
    # an occasional seller (once a fortnight) going a month without a sale is nothing unusual
    sparse = _steady("RARE", 3, DAYS[::14])
    assert adjust.implausible_zero_runs(sparse, AS_OF).empty
    honest = _forecast(daily, ["MUG"], missing_days=adjust.missing_days(daily, None, AS_OF))
    assert honest.models.loc["MUG", "stockout_days_excluded"] == 31


def test_a_coming_event_lifts_the_forecast_between_its_dates_only():
    daily = _steady("MUG")
    products = pd.DataFrame({"sku": ["MUG", "BOWL"], "supplier": ["Kiln", "Other"]})
    events = adjust.event_rows(pd.DataFrame({
        "name": ["push", "fair"], "start_date": ["2025-07-07", "2025-07-14"],
        "end_date": ["2025-07-13", "2025-07-20"], "sku": ["MUG", ""], "supplier": ["", "Kiln"],
        "uplift_pct": [50.0, np.nan], "uplift_units": [np.nan, 4.0]}), products)
    assert sorted(events["sku"]) == ["MUG", "MUG"]  # the supplier's event is the MUG's too
    result = _forecast(pd.concat([daily, _steady("BOWL")]), ["MUG", "BOWL"], events=events)
    day = result.daily.loc["MUG"]
    assert day[pd.Timestamp("2025-07-03")] == pytest.approx(10, rel=0.03)
    assert day[pd.Timestamp("2025-07-08")] == pytest.approx(15, rel=0.03)
    assert day[pd.Timestamp("2025-07-15")] == pytest.approx(14, rel=0.03)
    assert result.daily.loc["BOWL", pd.Timestamp("2025-07-15")] == pytest.approx(10, rel=0.03)


def test_a_past_event_is_taken_out_of_the_history():
    # Eight weeks ago a promotion doubled sales for two weeks; the base rate is 10.
    daily = _steady("MUG")
    promo = (daily["date"] >= "2025-06-02") & (daily["date"] <= "2025-06-15")
    daily.loc[promo, "quantity"] = 20
    events = pd.DataFrame({"sku": ["MUG"], "start_date": pd.to_datetime(["2025-06-02"]),
                           "end_date": pd.to_datetime(["2025-06-15"]), "uplift_pct": [100.0],
                           "uplift_units": [0.0]})
    cleaned = adjust.remove_past_events(daily, events)
    assert cleaned["quantity"].max() == 10
    assert _rate(_forecast(daily, ["MUG"], events=events), "MUG") == pytest.approx(10, rel=0.03)


def test_a_new_sku_borrows_its_like_skus_demand_times_the_factor():
    # The old mug sold 10 a day for a year and was retired; its successor has no sales yet.
    daily = _steady("MUG-OLD")
    like = pd.DataFrame({"sku": ["MUG-NEW"], "like_sku": ["MUG-OLD"], "like_factor": [0.6]})
    result = _forecast(daily, ["MUG-NEW"], like=like)
    assert _rate(result, "MUG-NEW") == pytest.approx(6, rel=0.05)
    assert result.models.loc["MUG-NEW", "like_sku"] == "MUG-OLD"
    # without the reference, a SKU with no sales has no forecast
    assert _rate(_forecast(daily, ["MUG-NEW"]), "MUG-NEW") == 0


def test_a_sku_with_a_year_of_its_own_history_no_longer_borrows():
    daily = pd.concat([_steady("MUG-OLD", 10), _steady("MUG-NEW", 3)])
    like = pd.DataFrame({"sku": ["MUG-NEW"], "like_sku": ["MUG-OLD"], "like_factor": [1.0]})
    result = _forecast(daily, ["MUG-NEW"], like=like)
    assert _rate(result, "MUG-NEW") == pytest.approx(3, rel=0.05)
    assert pd.isna(result.models.loc["MUG-NEW", "like_sku"])
