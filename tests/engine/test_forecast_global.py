"""The global model (LightGBM across the catalog): a shared peak, determinism, the skip path."""

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from planner.engine.forecast import forecast_demand

AS_OF = dt.date(2025, 9, 26)
WINDOW_DAYS = 91  # 84 days lead time + 7 review: the 13 weeks up to Christmas
LAUNCH = pd.Timestamp("2024-12-30")  # after last year's peak: the newcomers never saw one


def _catalog(n_skus: int = 60, first_day: str = "2024-01-01") -> tuple[list[str], pd.DataFrame,
                                                                        pd.Series]:
    """Poisson sellers at 1-5 a day, twice that in the 13 weeks after as-of a year ago; every
    other SKU launched after that peak. Returns the SKUs, daily rows and the true daily rate
    of the coming 13 weeks (the peak again)."""
    rng = np.random.default_rng(7)
    days = pd.date_range(first_day, AS_OF)
    last_year = pd.Timestamp(AS_OF) - pd.Timedelta(days=364)
    peak = (days > last_year) & (days <= last_year + pd.Timedelta(days=WINDOW_DAYS))
    skus = [f"S{i:02d}" for i in range(n_skus)]
    rate = rng.uniform(1.0, 5.0, n_skus)
    qty = rng.poisson(rate[:, None] * np.where(peak, 2.0, 1.0)[None, :]).astype(float)
    launched = np.arange(n_skus) % 2 == 1
    qty[launched[:, None] & (days < LAUNCH)[None, :]] = 0.0
    r, c = np.nonzero(qty)
    daily = pd.DataFrame({"sku": np.array(skus)[r], "date": days[c], "quantity": qty[r, c]})
    return skus, daily, pd.Series(2.0 * rate, index=skus)


def _forecast(skus: list[str], daily: pd.DataFrame, **options):
    return forecast_demand(daily, as_of=AS_OF, horizon_days=WINDOW_DAYS, skus=skus,
                           lead_time_days=pd.Series(84.0, index=skus), review_period_days=7,
                           **options).models


def test_the_global_model_learns_a_peak_the_newcomers_never_saw():
    skus, daily, truth = _catalog()
    newcomers = skus[1::2]
    # Per-SKU history alone: the methods carry today's level on, half the coming peak.
    alone = _forecast(skus, daily, seasonal_ratios=False)
    alone_error = (alone.loc[newcomers, "demand_per_day"] / truth[newcomers] - 1).abs()
    assert alone_error.median() > 0.35
    # Trained across the catalog, the model reads the peak off the SKUs that saw it.
    models = _forecast(skus, daily, seasonal_ratios=False, global_model=1.0)
    rates = models.loc[newcomers, "demand_per_day"]
    error = (rates / truth[newcomers] - 1).abs()
    assert error.median() < 0.15
    assert abs(rates.sum() / truth[newcomers].sum() - 1) < 0.10
    assert (error < alone_error).mean() > 0.8
    assert (models["global_model_weight"] == 1.0).all()
    assert models.loc["S01", "forecast_model"] == "global model"
    assert "LightGBM across 60 SKUs" in models.loc["S01", "why_model"]


def test_blended_at_a_fixed_weight_the_record_names_it():
    skus, daily, _ = _catalog()
    models = _forecast(skus, daily, global_model=0.5)
    # At a fixed weight a retiring SKU keeps its decay.
    retiring = models["forecast_model"].str.contains("retiring")
    assert (models.loc[retiring, "global_model_weight"] == 0).all()
    assert (models.loc[~retiring, "global_model_weight"] == 0.5).all()
    assert models.loc[~retiring, "forecast_model"].str.endswith("+ global model 50%").all()
    assert "at the weight set for it" in models.loc["S00", "why_model"]


def test_two_runs_give_the_same_forecast():
    skus, daily, _ = _catalog()
    first = _forecast(skus, daily, global_model=True)
    second = _forecast(skus, daily, global_model=True)
    pd.testing.assert_frame_equal(first, second)


@pytest.mark.parametrize("case", ["few SKUs", "short history"])
def test_a_tiny_catalog_or_short_history_skips_the_model(case):
    if case == "few SKUs":
        skus, daily, _ = _catalog(n_skus=20)
    else:
        skus, daily, _ = _catalog(first_day="2024-11-01")   # 47 weeks of history
    with_model = _forecast(skus, daily, global_model=1.0)
    without = _forecast(skus, daily)
    assert (with_model["global_model_weight"] == 0).all()
    assert not with_model["forecast_model"].str.contains("global model").any()
    pd.testing.assert_series_equal(with_model["demand_per_day"], without["demand_per_day"])
