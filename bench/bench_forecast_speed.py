"""Time forecast_demand on a synthetic catalog: 10,000 / 1,000 SKUs and one SKU.

Usage: python bench/bench_forecast_speed.py [--skus 10000] [--years 2] [--repeat 3] [--profile]

The catalog mixes smooth, seasonal (holiday peak), trending, intermittent and lumpy SKUs over
50 suppliers; a third launched during the period (young), a few stopped selling (dead).
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import pstats
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from planner.engine.forecast import forecast_demand  # noqa: E402

AS_OF = dt.date(2025, 10, 15)


def synthetic_catalog(n_skus: int, years: float = 2.0, seed: int = 7) -> dict:
    """Daily demand (long, only days with demand) plus the per-SKU inputs."""
    rng = np.random.default_rng(seed)
    n_days = int(round(365 * years))
    dates = pd.date_range(end=pd.Timestamp(AS_OF), periods=n_days, freq="D")
    doy = dates.day_of_year.to_numpy()
    weekday = dates.day_of_week.to_numpy()
    t = np.arange(n_days) / 365.0
    kind = rng.choice(5, size=n_skus, p=[0.3, 0.2, 0.1, 0.25, 0.15])
    base = np.where(kind <= 2, rng.gamma(2.0, 3.0, n_skus), rng.uniform(0.02, 0.3, n_skus))
    peak = 1 + 1.8 * np.exp(-0.5 * ((doy - 335) / 12.0) ** 2)
    weekly = np.array([1.1, 1.0, 1.0, 1.0, 1.1, 0.9, 0.9])[weekday]
    rate = base[:, None] * weekly[None, :]
    rate = np.where((kind == 1)[:, None], rate * peak[None, :], rate)
    growth = rng.uniform(-0.5, 1.5, n_skus)
    rate = np.where((kind == 2)[:, None], rate * np.maximum(1 + growth[:, None] * t, 0.1), rate)
    launch = np.where(rng.random(n_skus) < 0.33, rng.integers(0, n_days - 14, n_skus), 0)
    stop = np.where(rng.random(n_skus) < 0.03, rng.integers(n_days // 2, n_days - 200, n_skus),
                    n_days)
    day = np.arange(n_days)[None, :]
    rate = np.where((day >= launch[:, None]) & (day < stop[:, None]), rate, 0.0)
    qty = rng.poisson(rate)
    lumpy = (kind == 4)[:, None] & (qty > 0)
    qty = np.where(lumpy, qty * rng.geometric(0.25, qty.shape), qty)
    r, c = np.nonzero(qty)
    skus = np.array([f"SKU-{i:05d}" for i in range(n_skus)], dtype=object)
    daily = pd.DataFrame({"sku": skus[r], "date": dates[c], "quantity": qty[r, c]})
    index = pd.Index(skus)
    return {
        "daily_demand": daily,
        "skus": list(skus),
        "lead_time_days": pd.Series(rng.choice([21.0, 35.0, 49.0, 70.0], n_skus), index=index),
        "groups": pd.Series([f"Supplier {i % 50}" for i in range(n_skus)], index=index),
        "made_to_order": pd.Series(rng.random(n_skus) < 0.02, index=index),
    }


def run(catalog: dict, skus: list[str] | None = None, **extra) -> float:
    """Seconds for one forecast_demand call."""
    started = time.perf_counter()
    forecast_demand(catalog["daily_demand"], as_of=AS_OF, horizon_days=182,
                    skus=skus or catalog["skus"], lead_time_days=catalog["lead_time_days"],
                    review_period_days=7, groups=catalog["groups"],
                    made_to_order=catalog["made_to_order"], **extra)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--skus", type=int, default=10_000)
    parser.add_argument("--years", type=float, default=2.0)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--global-model", action="store_true",
                        help="with the global LightGBM model (forecast_demand(global_model=True))")
    args = parser.parse_args()
    extra = {"global_model": True} if args.global_model else {}

    catalogs = {}
    for n in sorted({args.skus, 1_000}, reverse=True):
        started = time.perf_counter()
        catalog = catalogs[n] = synthetic_catalog(n, args.years)
        print(f"{n:>6} SKUs: {len(catalog['daily_demand']):,} daily rows "
              f"(synthesised in {time.perf_counter() - started:.1f} s)")
        times = [run(catalog, **extra) for _ in range(args.repeat)]
        print(f"{n:>6} SKUs: forecast_demand best {min(times):.2f} s, "
              f"median {np.median(times):.2f} s over {args.repeat} runs")
        if args.profile and n == args.skus:
            profiler = cProfile.Profile()
            profiler.enable()
            run(catalog, **extra)
            profiler.disable()
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)

    catalog = catalogs[args.skus]
    full = forecast_demand(catalog["daily_demand"], as_of=AS_OF, horizon_days=182,
                           skus=catalog["skus"], lead_time_days=catalog["lead_time_days"],
                           review_period_days=7, groups=catalog["groups"])
    one = catalog["skus"][1]
    own_rows = catalog["daily_demand"][catalog["daily_demand"]["sku"] == one]
    single = {"own rows only + catalog_profiles":
              lambda: run({**catalog, "daily_demand": own_rows}, [one],
                          catalog_profiles=full.catalog_profiles),
              "own rows only, no profiles": lambda: run({**catalog, "daily_demand": own_rows},
                                                        [one]),
              f"whole frame ({len(catalog['daily_demand']):,} rows) + catalog_profiles":
              lambda: run(catalog, [one], catalog_profiles=full.catalog_profiles)}
    for label, call in single.items():
        times = [call() for _ in range(max(args.repeat, 5))]
        print(f"     1 SKU, {label}: best {min(times) * 1000:.0f} ms, "
              f"median {np.median(times) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
