"""forecast_demand as a buyer sees it: holiday peaks, young SKUs, overrides, honest intervals."""

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from planner.engine.forecast import ForecastResult, forecast_demand

AS_OF = dt.date(2025, 10, 1)  # a Wednesday, two months before the holiday peak


def _days(years: float, as_of: dt.date = AS_OF) -> pd.DatetimeIndex:
    return pd.date_range(end=pd.Timestamp(as_of), periods=int(round(365 * years)), freq="D")


def _holiday(days: pd.DatetimeIndex, height: float = 2.0) -> np.ndarray:
    """Demand multiplier: a peak centred on 8 December, about four weeks wide."""
    doy = days.day_of_year.to_numpy()
    return 1 + height * np.exp(-0.5 * ((doy - 342) / 10.0) ** 2)


def _sales(sku: str, days: pd.DatetimeIndex, daily_rate: np.ndarray,
           rng: np.random.Generator) -> pd.DataFrame:
    qty = rng.poisson(daily_rate)
    keep = qty > 0
    return pd.DataFrame({"sku": sku, "date": days[keep], "quantity": qty[keep]})


def _forecast(daily: pd.DataFrame, skus: list[str], **kwargs) -> ForecastResult:
    lead = pd.Series(kwargs.pop("lead_time_days", 28.0), index=skus, dtype=float)
    return forecast_demand(daily, as_of=kwargs.pop("as_of", AS_OF),
                           horizon_days=kwargs.pop("horizon_days", 182), skus=skus,
                           lead_time_days=lead, review_period_days=7, **kwargs)


def _week_total(result: ForecastResult, sku: str, monday: str) -> float:
    weekly = result.weekly
    row = weekly[(weekly["sku"] == sku) & (weekly["week_start"] == pd.Timestamp(monday))]
    return float(row["forecast"].iloc[0])


def test_result_has_the_agreed_shape():
    rng = np.random.default_rng(0)
    days = _days(2)
    daily = pd.concat([_sales("A", days, np.full(len(days), 4.0), rng),
                       _sales("B", days[:200], np.full(200, 1.0), rng)])
    result = _forecast(daily, ["B", "A", "NEW"], horizon_days=30)
    models = result.models
    assert list(models.index) == ["B", "A", "NEW"]
    for column in ("forecast_model", "demand_class", "adi", "cv2", "history_days",
                   "demand_per_day", "demand_std_per_day", "backtest_mase", "backtest_wape",
                   "why_model"):
        assert column in models.columns
    assert list(result.daily.columns) == list(pd.date_range("2025-10-02", periods=30))
    assert list(result.daily.index) == ["B", "A", "NEW"]
    assert set(result.weekly.columns) == {"sku", "week_start", "forecast", "lower", "upper"}
    assert (result.weekly["week_start"].dt.day_of_week == 0).all()
    # The weekly rows add up to the daily forecast over the horizon.
    by_sku = result.weekly.groupby("sku")["forecast"].sum()
    assert by_sku["A"] == pytest.approx(result.daily.loc["A"].sum())
    assert (result.weekly["lower"] <= result.weekly["forecast"] + 1).all()
    assert (result.weekly["upper"] >= result.weekly["forecast"] - 1).all()
    history = result.history_weekly
    assert (history["week_start"].dt.day_of_week == 0).all()
    assert history["week_start"].max() == pd.Timestamp("2025-09-22")  # last complete week
    assert models.loc["NEW", "demand_class"] == "new"
    assert models.loc["NEW", "demand_per_day"] == 0
    assert models.loc["B", "demand_class"] == "dead"  # nothing sold for the last ~17 months
    assert models.loc["B", "demand_per_day"] == 0
    assert models.loc["A", "demand_per_day"] == pytest.approx(4.0, rel=0.15)
    assert models.loc["A", "history_days"] == 730
    assert models["why_model"].str.len().min() > 20


def test_a_seasonal_sku_with_two_years_gets_its_holiday_peak():
    rng = np.random.default_rng(1)
    days = _days(2.5)
    daily = _sales("SCARF", days, 3.0 * _holiday(days), rng)
    result = _forecast(daily, ["SCARF"])
    assert result.models.loc["SCARF", "seasonality"] == "own"
    october = _week_total(result, "SCARF", "2025-10-13")
    december = _week_total(result, "SCARF", "2025-12-08")
    assert october == pytest.approx(21, rel=0.35)
    assert december > 1.7 * october  # the true peak is 2.9 times October
    assert "seasonality from its own history" in result.models.loc["SCARF", "why_model"]


def test_a_young_sku_in_a_seasonal_group_still_gets_the_holiday_peak():
    rng = np.random.default_rng(2)
    days = _days(3)
    frames = [_sales(f"OLD{i}", days, 2.0 * _holiday(days), rng) for i in range(8)]
    young_days = days[-30 * 7:]  # 30 weeks: launched in March, never saw a December
    frames.append(_sales("YOUNG", young_days, 5.0 * _holiday(young_days), rng))
    frames.append(_sales("LONER", young_days, 5.0 * _holiday(young_days), rng))
    skus = [f"OLD{i}" for i in range(8)] + ["YOUNG", "LONER"]
    groups = pd.Series(["Knitwear"] * 9 + ["Socks"], index=skus)
    result = _forecast(pd.concat(frames), skus, groups=groups)
    models = result.models
    assert models.loc["YOUNG", "history_days"] == 210
    assert models.loc["YOUNG", "seasonality"] == "group"
    october = _week_total(result, "YOUNG", "2025-10-13")
    december = _week_total(result, "YOUNG", "2025-12-08")
    assert october == pytest.approx(35, rel=0.35)
    assert december > 1.7 * october  # the true peak is 2.9 times October
    # A young SKU whose group has no history of its own falls back on the whole catalog.
    assert models.loc["LONER", "seasonality"] == "catalog"
    assert _week_total(result, "LONER", "2025-12-08") > 1.5 * _week_total(result, "LONER",
                                                                         "2025-10-13")


def test_forecasting_one_sku_with_the_catalog_profiles_matches_the_full_run():
    rng = np.random.default_rng(3)
    days = _days(3)
    frames = [_sales(f"OLD{i}", days, 2.0 * _holiday(days), rng) for i in range(6)]
    frames.append(_sales("YOUNG", days[-140:], 4.0 * _holiday(days[-140:]), rng))
    daily = pd.concat(frames)
    skus = [f"OLD{i}" for i in range(6)] + ["YOUNG"]
    groups = pd.Series("Knitwear", index=skus)
    full = _forecast(daily, skus, groups=groups)
    alone = _forecast(daily[daily["sku"] == "YOUNG"], ["YOUNG"], groups=groups,
                      catalog_profiles=full.catalog_profiles)
    pd.testing.assert_series_equal(alone.models.loc["YOUNG"], full.models.loc["YOUNG"])
    np.testing.assert_allclose(alone.daily.loc["YOUNG"], full.daily.loc["YOUNG"])


def test_an_override_replaces_the_forecast_within_its_dates_only():
    rng = np.random.default_rng(4)
    days = _days(2)
    daily = _sales("MUG", days, np.full(len(days), 5.0), rng)
    overrides = pd.DataFrame({
        "sku": ["MUG"], "demand_per_day": [20.0], "demand_std_per_day": [np.nan],
        "start_date": [pd.Timestamp("2025-10-11")], "end_date": [pd.Timestamp("2025-10-20")]})
    plain = _forecast(daily, ["MUG"])
    result = _forecast(daily, ["MUG"], overrides=overrides)
    row = result.daily.loc["MUG"]
    inside = (row.index >= "2025-10-11") & (row.index <= "2025-10-20")
    assert (row[inside] == 20.0).all()
    np.testing.assert_allclose(row[~inside], plain.daily.loc["MUG"][~inside])
    # 10 of the 35 days of lead time + review now run at 20 a day.
    stat = plain.models.loc["MUG", "demand_per_day"]
    expected = (plain.daily.loc["MUG"].iloc[:35][~inside[:35]].sum() + 10 * 20.0) / 35
    assert result.models.loc["MUG", "demand_per_day"] == pytest.approx(expected)
    assert result.models.loc["MUG", "demand_per_day"] > stat
    assert result.models.loc["MUG", "forecast_model"].endswith("+ override")
    assert "override of 20/day from 2025-10-11 to 2025-10-20" in result.models.loc["MUG", "why_model"].lower()


def test_an_open_ended_override_with_a_spread_wins_outright():
    rng = np.random.default_rng(5)
    days = _days(1)
    daily = _sales("LAMP", days, np.full(len(days), 2.0), rng)
    overrides = pd.DataFrame({"sku": ["LAMP"], "demand_per_day": [9.0],
                              "demand_std_per_day": [4.0], "start_date": [pd.NaT],
                              "end_date": [pd.NaT]})
    result = _forecast(daily, ["LAMP"], overrides=overrides)
    models = result.models.loc["LAMP"]
    assert models["forecast_model"] == "override"
    assert models["demand_per_day"] == pytest.approx(9.0)
    assert models["demand_std_per_day"] == pytest.approx(4.0)
    assert (result.daily.loc["LAMP"] == 9.0).all()


def _weekly_sales(sku: str, weekly: np.ndarray, end: dt.date = AS_OF) -> pd.DataFrame:
    """One sale day per week (the week's last day), so weekly totals are exact."""
    dates = pd.date_range(end=pd.Timestamp(end), periods=len(weekly), freq="7D")
    keep = weekly > 0
    return pd.DataFrame({"sku": sku, "date": dates[keep], "quantity": weekly[keep]})


def test_the_backtest_picks_a_trend_model_for_a_growing_sku_and_a_level_model_for_a_flat_one():
    rng = np.random.default_rng(6)
    weeks = np.arange(104)
    frames, skus = [], []
    for i in range(4):
        frames.append(_weekly_sales(f"RISING{i}", np.round(20 + 2.0 * weeks
                                                           + rng.normal(0, 6, 104))))
        frames.append(_weekly_sales(f"FLAT{i}", np.round(60 + rng.normal(0, 8, 104))))
        skus += [f"RISING{i}", f"FLAT{i}"]
    result = _forecast(pd.concat(frames), skus, lead_time_days=42.0)
    models = result.models["forecast_model"]
    for i in range(4):
        assert models[f"RISING{i}"].startswith(("ETS(A,A,", "ETS(A,Ad,")), models[f"RISING{i}"]
        assert not models[f"FLAT{i}"].startswith(("ETS(A,A,", "ETS(A,Ad,")), models[f"FLAT{i}"]
        # The growing SKU's next weeks continue the climb (last actual level is ~226/week).
        first_full_week = _week_total(result, f"RISING{i}", "2025-10-06")
        assert first_full_week > 215


def test_intermittent_skus_get_intermittent_methods_and_unbiased_rates():
    rng = np.random.default_rng(7)
    skus = [f"SPARE{i}" for i in range(30)]
    # Demand in one week out of four, 1-7 units: 1 unit a week, 1/7 a day on average.
    frames = [_weekly_sales(sku, np.where(rng.random(104) < 0.25, rng.integers(1, 8, 104), 0)
                            .astype(float)) for sku in skus]
    result = _forecast(pd.concat(frames), skus)
    models = result.models
    assert models["demand_class"].isin(["intermittent", "lumpy"]).all()
    assert (models["adi"] > 1.32).all()
    assert models["forecast_model"].isin(["TSB", "SBA", "Croston"]).mean() >= 0.8
    assert models["backtest_mase"].notna().all()
    assert models["demand_per_day"].mean() == pytest.approx(1 / 7, rel=0.2)


def test_made_to_order_skus_are_still_forecast_but_marked():
    rng = np.random.default_rng(8)
    days = _days(2)
    daily = _sales("BESPOKE", days, np.full(len(days), 1.5), rng)
    result = _forecast(daily, ["BESPOKE"], made_to_order=pd.Series({"BESPOKE": True}))
    models = result.models.loc["BESPOKE"]
    assert models["demand_class"] == "made_to_order"
    assert models["demand_per_day"] == pytest.approx(1.5, rel=0.25)
    assert models["why_model"].startswith("Made to order;")


def _stationary_demand(kind: str, *, seed: int, n_skus: int, days: int, future_days: int):
    """Daily demand at steady rates (Poisson, or normal around the rate), ending ``future_days``
    after AS_OF: (all days, the days up to AS_OF, quantities SKU × day, SKUs, the history as
    daily rows)."""
    rng = np.random.default_rng(seed)
    dates = pd.date_range(end=pd.Timestamp(AS_OF) + pd.Timedelta(days=future_days),
                          periods=days)
    history_days = dates[dates <= pd.Timestamp(AS_OF)]
    rates = rng.uniform(0.5, 12.0, n_skus)
    if kind == "poisson":
        qty = rng.poisson(rates[:, None], size=(n_skus, len(dates)))
    else:
        noise = rng.normal(0, 1, size=(n_skus, len(dates))) * (0.6 * rates[:, None] + 1)
        qty = np.maximum(np.round(rates[:, None] + noise), 0)
    skus = [f"S{i}" for i in range(n_skus)]
    past = qty[:, : len(history_days)]
    r, c = np.nonzero(past)
    daily = pd.DataFrame({"sku": np.array(skus)[r], "date": history_days[c],
                          "quantity": past[r, c]})
    return dates, history_days, qty, skus, daily


@pytest.mark.parametrize("kind", ["poisson", "normal"])
def test_eighty_percent_intervals_hold_about_eighty_percent_of_what_happens_next(kind):
    n_skus = 150
    days, history_days, qty, skus, daily = _stationary_demand(
        kind, seed=9 if kind == "poisson" else 10, n_skus=n_skus, days=912, future_days=182)
    result = _forecast(daily, skus)
    future = pd.DataFrame(qty[:, len(history_days):], index=skus,
                          columns=days[len(history_days):])
    long = future.stack().rename("actual").reset_index()
    long.columns = ["sku", "date", "actual"]
    long["week_start"] = long["date"] - pd.to_timedelta(long["date"].dt.day_of_week, unit="D")
    actual = long.groupby(["sku", "week_start"])["actual"].agg(["sum", "count"]).reset_index()
    actual = actual[actual["count"] == 7]  # whole weeks inside the horizon
    joined = actual.merge(result.weekly, on=["sku", "week_start"])
    inside = (joined["sum"] >= joined["lower"]) & (joined["sum"] <= joined["upper"])
    assert len(joined) > 20 * n_skus
    assert 0.75 <= inside.mean() <= 0.89, inside.mean()


@pytest.mark.parametrize("kind", ["poisson", "normal"])
def test_the_lead_time_spread_covers_the_next_lead_time_like_a_95_percent_policy_expects(kind):
    window = 35  # 28 days lead time + 7 review
    _days, history_days, qty, skus, daily = _stationary_demand(
        kind, seed=11 if kind == "poisson" else 12, n_skus=300, days=765, future_days=window)
    models = _forecast(daily, skus).models
    actual = qty[:, len(history_days):].sum(axis=1)
    mean = models["demand_per_day"].to_numpy() * window
    sigma = models["demand_std_per_day"].to_numpy() * np.sqrt(window)
    covered = (actual <= mean + 1.645 * sigma).mean()
    assert 0.90 <= covered <= 0.985, covered  # 95 % target; ±0.013 is one binomial sd
    assert np.median(sigma / np.sqrt(window * qty.var(axis=1))) == pytest.approx(1.0, abs=0.2)
