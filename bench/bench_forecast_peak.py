"""Forecast accuracy at the seasonal peak, on a simulated catalog shaped like the acceptance data.

The acceptance data (order lines of ~4,500 retail SKUs) forecast the 13 pre-Christmas weeks from
91 weeks of history. This catalog copies its shape: 91 weeks of daily Poisson demand before
as-of (2025-09-26) and the 13 weeks after it, a holiday peak in ISO weeks 47-52 (x2-3 on the
seasonal suppliers, each SKU's own factor scattered around its supplier's), most SKUs with one
season of history (launched 53-91 weeks ago), a fifth launched within the last year (they never
saw a peak), a sixth retiring (sales decaying since 6-30 weeks before as-of, and on through the
target weeks), one-off bulk orders (20-60 days' worth) on 3 % of SKUs, rates from 0.05 to 20
a day (so a third are intermittent), 40 suppliers as groups.

Scored on each SKU's 13-week total (lead time 84 days + review 7): WAPE (sum |error| / sum
actual), bias (sum error / sum actual) and MASE (|error| / (13 x the SKU's in-sample mean
absolute weekly change), averaged).

  PYTHONPATH=. python bench/bench_forecast_peak.py [--skus N] [--seed S]
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from planner.engine.forecast import forecast_demand  # noqa: E402

AS_OF = dt.date(2025, 9, 26)
HISTORY_WEEKS = 91
TARGET_WEEKS = 13


def simulate(n: int, rng: np.random.Generator, turning: bool = False) -> dict:
    """Daily demand before as-of (long frame), the true 13-week totals, groups, weekly history.

    ``turning``: a harder catalog of turning points: the peak's weeks and shape differ by group
    (early weeks 40-45, the usual 47-52, a slow ramp over weeks 38-51, or none), its size
    changes from last year to this one per group (x0.7-1.3), a third of the SKUs retire (from
    any time in the history, so last year's retirements are in the training windows) and a
    third launch within the last year.
    """
    n_days = 7 * (HISTORY_WEEKS + TARGET_WEEKS)
    days = pd.date_range(end=pd.Timestamp(AS_OF) + pd.Timedelta(days=7 * TARGET_WEEKS),
                         periods=n_days)
    week = days.isocalendar().week.to_numpy()
    n_groups = 40
    group = rng.integers(0, n_groups, n)
    group_peak = np.where(rng.random(n_groups) < 0.7, rng.uniform(2.0, 3.0, n_groups), 1.0)
    peak = np.maximum(1.0 + (group_peak[group] - 1.0) * rng.lognormal(0.0, 0.25, n), 1.0)
    in_peak = (week >= 47) & (week <= 52)
    ramp = (week == 45) | (week == 46)
    season = np.where(in_peak[None, :], peak[:, None],
                      np.where(ramp[None, :], 1.0 + 0.3 * (peak[:, None] - 1.0), 1.0))
    if turning:
        kind_g = rng.integers(0, 4, n_groups)          # early, usual, ramp, none
        shapes = np.stack([((week >= 40) & (week <= 45)).astype(float),
                           in_peak + 0.3 * ramp,
                           np.clip((week - 37) / 14.0, 0, 1) * (week <= 51),
                           np.zeros(week.size)])
        this_year = days > pd.Timestamp(AS_OF) - pd.Timedelta(days=150)
        change = np.where(this_year[None, :], rng.uniform(0.7, 1.3, n_groups)[group][:, None],
                          1.0)
        season = 1.0 + (peak[:, None] - 1.0) * change * shapes[kind_g[group]]
    rate = np.exp(rng.uniform(np.log(0.05), np.log(20.0), n))
    t = np.arange(n_days)[None, :]
    history_days = 7 * HISTORY_WEEKS
    kind = rng.random(n)
    launch = np.zeros(n, dtype=np.int64)
    one_season = kind < 0.55
    launch[one_season] = history_days - 7 * rng.integers(53, HISTORY_WEEKS, one_season.sum())
    young = (kind >= 0.55) & (kind < (0.88 if turning else 0.75))
    launch[young] = history_days - 7 * rng.integers(9, 52, young.sum())
    retiring = rng.random(n) < (1 / 3 if turning else 1 / 6)
    retire_from = history_days - 7 * rng.integers(6, 80 if turning else 31, n)
    half_life = 7 * rng.uniform(4, 12, n)
    decay = np.where(retiring[:, None] & (t >= retire_from[:, None]),
                     0.5 ** ((t - retire_from[:, None]) / half_life[:, None]), 1.0)
    trend = 1.0 + rng.normal(0, 0.15, n)[:, None] * (t / n_days)
    mean = rate[:, None] * season * decay * np.maximum(trend, 0.2) * (t >= launch[:, None])
    demand = rng.poisson(mean)
    # One-off bulk orders (3 % of SKUs, 20-60 days' worth on one day): not a season.
    bulk = np.flatnonzero(rng.random(n) < 0.03)
    bulk_day = rng.integers(0, history_days, bulk.size)
    demand[bulk, bulk_day] += rng.poisson(rate[bulk] * rng.uniform(20, 60, bulk.size))
    sold = demand[:, :history_days]
    skus = np.array([f"P{i:05d}" for i in range(n)], dtype=object)
    r, c = np.nonzero(sold)
    daily = pd.DataFrame({"sku": skus[r], "date": days[c], "quantity": sold[r, c].astype(float)})
    weekly = sold.reshape(n, HISTORY_WEEKS, 7).sum(axis=2).astype(float)
    return {"skus": list(skus), "daily": daily, "actual": demand[:, history_days:].sum(axis=1),
            "groups": pd.Series([f"G{g}" for g in group], index=skus), "weekly": weekly,
            "launch_week": launch // 7, "retiring": retiring, "young": young}


def scores(forecast: np.ndarray, actual: np.ndarray, weekly: np.ndarray,
           start: np.ndarray) -> dict[str, float]:
    """WAPE and bias of the 13-week totals, MASE against each SKU's weekly naive scale."""
    inside = np.arange(weekly.shape[1])[None, 1:] > start[:, None]
    diffs = np.where(inside, np.abs(np.diff(weekly, axis=1)), 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        scale = diffs.sum(axis=1) / inside.sum(axis=1)
        mase = np.abs(forecast - actual) / (TARGET_WEEKS * scale)
    ok = np.isfinite(mase) & (scale > 0)
    return {"WAPE": float(np.abs(forecast - actual).sum() / actual.sum()),
            "bias": float((forecast.sum() - actual.sum()) / actual.sum()),
            "MASE": float(mase[ok].mean())}


def _line(name: str, s: dict[str, float], extra: str = "") -> str:
    return (f"| {name} | {s['WAPE']:.3f} | {s['bias']:+.1%} | {s['MASE']:.3f} |{extra}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--skus", type=int, default=4500)
    parser.add_argument("--seed", type=int, default=19)
    parser.add_argument("--turning", action="store_true",
                        help="the harder catalog of turning points (see simulate)")
    args = parser.parse_args()
    sim = simulate(args.skus, np.random.default_rng(args.seed), turning=args.turning)
    skus, actual, weekly = sim["skus"], sim["actual"], sim["weekly"]
    start = np.maximum(sim["launch_week"], 0)
    lead = pd.Series(7.0 * TARGET_WEEKS - 7, index=skus)
    print(f"{args.skus} SKUs x {HISTORY_WEEKS} weeks ({len(sim['daily']):,} daily rows), "
          f"13-week totals after {AS_OF}")
    print("| forecast | WAPE | bias | MASE | retiring: WAPE, bias | launched < 1 year: WAPE, "
          "bias | seconds |\n|---|---|---|---|---|---|---|")
    ma13 = weekly[:, -13:].sum(axis=1)
    print(_line("13-week moving average", scores(ma13, actual, weekly, start)))
    variants = {
        "before: backtest selection only": dict(seasonal_ratios=False),
        "seasonal ratios, pooled series raw": dict(robust_pooling=False),
        "seasonal ratios, pooled series robust STL (default)": {},
        "+ global model (LightGBM), weight per class by backtests a season back and latest":
            dict(global_model=True),
        "+ global model, fixed weight 50 %": dict(global_model=0.5),
        "+ global model, fixed weight 100 % (retiring SKUs excepted)": dict(global_model=1.0),
    }
    result = chosen = None
    for name, options in variants.items():
        started = time.perf_counter()
        result = forecast_demand(sim["daily"], as_of=AS_OF, horizon_days=7 * TARGET_WEEKS,
                                 skus=skus, lead_time_days=lead, review_period_days=7,
                                 groups=sim["groups"], **options)
        seconds = time.perf_counter() - started
        chosen = result if options.get("global_model") is True else chosen
        ours = result.models["demand_per_day"].to_numpy() * 7 * TARGET_WEEKS
        parts = ""
        for rows in (sim["retiring"], sim["young"]):
            s = scores(ours[rows], actual[rows], weekly[rows], start[rows])
            parts += f" {s['WAPE']:.3f}, {s['bias']:+.1%} |"
        print(_line(name, scores(ours, actual, weekly, start), parts + f" {seconds:.2f} |"))
    assert result is not None
    print("chosen:", result.models["forecast_model"].value_counts().head(8).to_dict())
    pooled = result.catalog_profiles.ratios if result.catalog_profiles is not None else None
    if pooled is not None and pooled.class_weights is not None:
        print("ratio weight per class (smooth, erratic, intermittent, lumpy, retiring):",
              pooled.class_weights.tolist(), "WAPE a year back without / with:",
              np.round(pooled.class_wape, 3).tolist())
    profiles = chosen.catalog_profiles if chosen is not None else None
    if profiles is not None and profiles.global_weights is not None:
        print("global model weight per class (chosen by backtest):", profiles.global_weights.tolist(),
              "backtest WAPE without / with:", np.round(profiles.global_wape, 3).tolist())
    print("e.g.", result.models["why_model"].iloc[0])


if __name__ == "__main__":
    main()
