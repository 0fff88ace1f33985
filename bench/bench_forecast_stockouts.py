"""What reading stockout days as missing does to the forecast, on a simulated catalog.

Each SKU sells Poisson demand (rates 0.5-20 a day, a December peak) for two years; a third of
them run out of stock once or twice (14-60 days with nothing to sell, recorded by a zero
snapshot and a restocked one). The lead-time + review total (35 days) after as-of is scored
against the true demand, with and without the stockout days read as missing.

  python bench/bench_forecast_stockouts.py [--skus N] [--seed S]
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
from planner.engine.forecasting import adjust  # noqa: E402

AS_OF = dt.date(2025, 10, 31)
WINDOW = 35


def simulate(n: int, rng: np.random.Generator):
    days = pd.date_range(end=pd.Timestamp(AS_OF) + pd.Timedelta(days=WINDOW), periods=730 + WINDOW)
    doy = days.day_of_year.to_numpy()
    season = 1 + 1.0 * np.exp(-0.5 * ((doy - 345) / 12.0) ** 2)
    rate = rng.uniform(0.5, 20, n)[:, None] * season[None, :]
    demand = rng.poisson(rate)
    history = len(days) - WINDOW
    sold = demand[:, :history].copy()
    snaps = []
    for i in np.flatnonzero(rng.random(n) < 1 / 3):
        for _ in range(rng.integers(1, 3)):
            start = int(rng.integers(30, history - 20))
            length = int(rng.integers(14, 61))
            end = min(start + length, history)
            sold[i, start:end] = 0
            snaps.append((f"S{i}", days[start], 0))
            if end < history:
                snaps.append((f"S{i}", days[end], 50))
    skus = [f"S{i}" for i in range(n)]
    r, c = np.nonzero(sold)
    daily = pd.DataFrame({"sku": np.array(skus)[r], "date": days[c], "quantity": sold[r, c]})
    stock = pd.DataFrame(snaps, columns=["sku", "snapshot_date", "on_hand"])
    actual = demand[:, history:history + WINDOW].sum(axis=1)
    return skus, daily, stock, actual


def score(name: str, forecast: np.ndarray, actual: np.ndarray, out: np.ndarray) -> None:
    for label, rows in (("all SKUs", slice(None)), ("SKUs that ran out", out)):
        f, a = forecast[rows], actual[rows]
        print(f"  {name:28s} {label:18s} WAPE {np.abs(f - a).sum() / a.sum():.3f}  "
              f"bias {(f.sum() - a.sum()) / a.sum():+.1%}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--skus", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    skus, daily, stock, actual = simulate(args.skus, np.random.default_rng(args.seed))
    out = np.isin(skus, stock["sku"].unique())
    lead = pd.Series(28.0, index=skus)
    common = dict(as_of=AS_OF, horizon_days=WINDOW, skus=skus, lead_time_days=lead,
                  review_period_days=7)
    print(f"{args.skus} SKUs, {out.sum()} with stockouts; {WINDOW}-day totals after {AS_OF}")
    for name, kwargs in (("zeros as demand (before)", {}),
                         ("snapshots: days missing", {"stock": stock}),
                         ("no snapshots: zero runs", {"stock": None})):
        started = time.perf_counter()
        missing = None
        if kwargs:
            missing = adjust.missing_days(daily, kwargs["stock"], AS_OF)
        result = forecast_demand(daily, missing_days=missing, **common)
        seconds = time.perf_counter() - started
        total = result.daily.to_numpy().sum(axis=1)
        score(name, total, actual, out)
        print(f"  {'':28s} {seconds:.2f} s")


if __name__ == "__main__":
    main()
