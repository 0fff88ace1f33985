"""The seasonal peak: per-SKU seasonal ratios, retiring SKUs, shrinkage of small sellers."""

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from planner.engine.forecast import forecast_demand
from planner.engine.forecasting.ratios import seasonal_ratio_forecast

AS_OF = dt.date(2025, 9, 26)
WINDOW_DAYS = 91  # 84 days lead time + 7 review: the 13 weeks before Christmas


def _catalog(n_skus: int = 40) -> tuple[list[str], pd.DataFrame]:
    """Every SKU sells 2 a day, and 4 a day in the 13 weeks after as-of a year ago."""
    days = pd.date_range("2024-01-01", AS_OF)
    last_year = pd.Timestamp(AS_OF) - pd.Timedelta(days=364)
    peak = (days > last_year) & (days <= last_year + pd.Timedelta(days=WINDOW_DAYS))
    qty = np.where(peak, 4.0, 2.0)
    skus = [f"S{i:02d}" for i in range(n_skus)]
    daily = pd.DataFrame({"sku": np.repeat(skus, len(days)), "date": np.tile(days, n_skus),
                          "quantity": np.tile(qty, n_skus)})
    return skus, daily


def _forecast(skus: list[str], daily: pd.DataFrame, **options):
    return forecast_demand(daily, as_of=AS_OF, horizon_days=WINDOW_DAYS, skus=skus,
                           lead_time_days=pd.Series(84.0, index=skus), review_period_days=7,
                           **options)


def test_a_seasonal_sku_forecasts_the_peak_weeks_at_last_years_ratio():
    skus, daily = _catalog()
    models = _forecast(skus, daily).models
    # Last year the 13 weeks sold twice the 13 before them: today's 2 a day becomes 4.
    assert models.loc["S00", "demand_per_day"] == pytest.approx(4.0, rel=0.03)
    assert "seasonal ratio" in models.loc["S00", "forecast_model"]
    assert "ratio 2.00" in models.loc["S00", "why_model"]
    # Without the ratios the backtested method carries today's level on: half the peak.
    before = _forecast(skus, daily, seasonal_ratios=False).models
    assert before.loc["S00", "demand_per_day"] == pytest.approx(2.0, rel=0.03)


def test_a_retiring_sku_decays_instead_of_being_lifted_by_the_season():
    skus, daily = _catalog()
    fading = daily[daily["sku"] == "S00"].assign(sku="OLD")
    recent = fading["date"] > pd.Timestamp(AS_OF) - pd.Timedelta(days=70)
    fading.loc[recent, "quantity"] = 0.5     # sold 2 a day, for ten weeks only 0.5
    models = _forecast(skus + ["OLD"], pd.concat([daily, fading])).models
    old = models.loc["OLD"]
    assert old["demand_per_day"] <= 0.5
    assert "retiring" in old["forecast_model"]
    assert models.loc["S01", "demand_per_day"] == pytest.approx(4.0, rel=0.03)


def test_a_tiny_skus_ratio_is_shrunk_toward_the_catalogs_and_a_big_one_keeps_its_own():
    t_len, lead = 70, 13                      # a year ago: weeks 18-30, the base weeks 5-17
    y = np.full((52, t_len), 100.0)
    y[:, 18:31] = 200.0                        # the catalog's ratio: 2
    y[0, 18:31] = 300.0                        # one big seller's own ratio: 3
    tiny = np.zeros(t_len)
    tiny[10], tiny[20] = 1.0, 10.0             # 1 unit before, 10 in the window: own ratio 10
    tiny[-13:] = 1.0                           # sells 1 a week now
    y = np.vstack([y, tiny])
    n = y.shape[0]
    fit, _ = seasonal_ratio_forecast(y, np.zeros(n, dtype=np.int64), np.full(n, lead),
                                     np.full(n, -1, dtype=np.int64), 0, lead, robust=False)
    assert fit.own_ratio[-1] == pytest.approx(10.0)
    assert fit.ratio[-1] == pytest.approx(2.0, abs=0.1)     # barely moved by 11 units
    assert fit.own_weight[0] > 0.7 and fit.ratio[0] > 2.7    # 2,600 units: believed
    # The tiny SKU's coming 13 weeks: its 1 a week times the catalog's ratio.
    assert fit.forecast[-1, :lead].sum() == pytest.approx(13 * 2.0, rel=0.06)
