"""Benchmark the backorder projection on a synthetic 10,000-SKU workspace.

Run: python bench/bench_projection.py [--skus 10000] [--lines 50000] [--po-lines 5000]
Prints timings (median of several runs) for build_supply + project_backorders, and for what-ifs
on one SKU. Figures go in bench/README_projection.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import time
from collections.abc import Callable

import numpy as np
import pandas as pd

from planner.engine.customer_updates import customer_updates
from planner.engine.projection import project_backorders
from planner.engine.supply import build_supply
from planner.engine.whatif import POChange, ProjectionInputs, WhatIfSession, what_if

AS_OF = dt.date(2024, 6, 3)


def _maybe(dates: pd.DatetimeIndex, keep: np.ndarray) -> np.ndarray:
    """The dates where keep is true, NaT elsewhere."""
    return pd.Series(dates).where(keep).to_numpy(dtype="datetime64[ns]")


def synthetic_inputs(n_skus: int, n_lines: int, n_po_lines: int, horizon_days: int,
                     seed: int = 7) -> ProjectionInputs:
    """A workspace-sized set of frames with realistic mixes of stock, holds, POs and orders."""
    rng = np.random.default_rng(seed)
    as_of = pd.Timestamp(AS_OF)
    skus = np.array([f"SKU-{i:05d}" for i in range(n_skus)], dtype=object)
    products = pd.DataFrame({"sku": skus, "unit_price": rng.uniform(5, 120, n_skus).round(2),
                             "made_to_order": rng.random(n_skus) < 0.03})
    held = rng.random(n_skus) < 0.1
    inventory = pd.DataFrame({
        "sku": skus, "location": "main",
        "on_hand": np.where(rng.random(n_skus) < 0.6, rng.poisson(40, n_skus), 0),
        "on_hold": np.where(held, rng.poisson(10, n_skus), 0),
        "hold_release_date": _maybe(as_of + pd.to_timedelta(rng.integers(-5, 30, n_skus), "D"),
                                    held & (rng.random(n_skus) < 0.5)),
    })
    po_sku = rng.choice(skus, n_po_lines)
    quantity = rng.integers(20, 400, n_po_lines)
    status = rng.choice(["open", "open", "open", "open", "received", "cancelled"], n_po_lines)
    received = np.where(rng.random(n_po_lines) < 0.1, quantity // 2, 0)
    po_lines = pd.DataFrame({
        "po_number": [f"PO-{i // 5:05d}" for i in range(n_po_lines)], "sku": po_sku,
        "supplier": [f"Supplier {i % 40}" for i in range(n_po_lines)],
        "order_date": as_of - pd.to_timedelta(rng.integers(10, 90, n_po_lines), "D"),
        "quantity": quantity,
        "expected_date": as_of + pd.to_timedelta(rng.integers(-20, 220, n_po_lines), "D"),
        "received_quantity": received, "received_date": pd.NaT, "status": status,
    })
    order_ids = np.array([f"#{i:06d}" for i in rng.integers(0, int(n_lines * 0.7), n_lines)])
    backorders = pd.DataFrame({
        "order_id": order_ids, "sku": rng.choice(skus[: n_skus // 2], n_lines),
        "quantity": rng.integers(1, 6, n_lines),
        "order_date": as_of - pd.to_timedelta(rng.integers(0, 60, n_lines), "D"),
        "promised_date": _maybe(as_of + pd.to_timedelta(rng.integers(-10, 40, n_lines), "D"),
                                rng.random(n_lines) < 0.5),
        "unit_price": np.nan,
        "priority": np.where(rng.random(n_lines) < 0.05, rng.integers(1, 4, n_lines), np.nan),
        "customer": [f"customer{i}@example.com" for i in rng.integers(0, n_lines, n_lines)],
    })
    dates = pd.date_range(as_of + pd.Timedelta(days=1), periods=horizon_days, freq="D")
    rate = rng.gamma(0.8, 1.5, n_skus)
    demand_daily = pd.DataFrame(rng.poisson(rate[:, None], (n_skus, horizon_days)).astype(float),
                                index=pd.Index(skus, name="sku"), columns=dates)
    return ProjectionInputs(as_of=AS_OF, horizon_days=horizon_days, inventory=inventory,
                            po_lines=po_lines, backorders=backorders, products=products,
                            demand_daily=demand_daily)


def timed(run: Callable[[], object], repeats: int) -> tuple[float, float, float]:
    """Median and best wall time, and median CPU time of this process, in milliseconds."""
    times, cpu = [], []
    for _ in range(repeats):
        start, start_cpu = time.perf_counter(), time.process_time()
        run()
        times.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    return statistics.median(times), min(times), statistics.median(cpu)


def report(name: str, figures: tuple[float, float, float]) -> None:
    median, best, cpu = figures
    print(f"  {name:<34} median {median:8.1f} ms   best {best:8.1f} ms   cpu {cpu:8.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--skus", type=int, default=10_000)
    parser.add_argument("--lines", type=int, default=50_000)
    parser.add_argument("--po-lines", type=int, default=5_000)
    parser.add_argument("--horizon-days", type=int, default=182)
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    inputs = synthetic_inputs(args.skus, args.lines, args.po_lines, args.horizon_days)

    def supply():
        return build_supply(inputs.inventory, inputs.po_lines, as_of=AS_OF,
                            horizon_days=inputs.horizon_days, dock_to_stock_days=2,
                            hold_release_days=7)

    events = supply()

    def projection():
        return project_backorders(as_of=AS_OF, horizon_days=inputs.horizon_days, supply=events,
                                  backorders=inputs.backorders, products=inputs.products,
                                  demand_daily=inputs.demand_daily)

    def both():
        return project_backorders(as_of=AS_OF, horizon_days=inputs.horizon_days, supply=supply(),
                                  backorders=inputs.backorders, products=inputs.products,
                                  demand_daily=inputs.demand_daily)

    result = both()
    print(f"{args.skus} SKUs, {len(inputs.backorders)} open order lines, {len(inputs.po_lines)} "
          f"PO lines ({len(events)} supply events), horizon {args.horizon_days} days")
    print(f"  covered lines {int((~result.lines['projected_ship_date'].isna()).sum())}, "
          f"multi-line orders {len(result.orders)}")
    for name, run in [("build_supply", supply), ("project_backorders", projection),
                      ("supply + projection", both)]:
        report(name, timed(run, args.repeats))
    report("customer_updates", timed(lambda: customer_updates(result.lines, None, as_of=AS_OF),
                                     args.repeats))

    open_po = inputs.po_lines[inputs.po_lines["status"] == "open"].iloc[0]
    move = [POChange(open_po["po_number"], open_po["sku"],
                     new_expected_date=open_po["expected_date"] + pd.Timedelta(days=14))]
    start = time.perf_counter()
    session = WhatIfSession(inputs)
    print(f"  {'WhatIfSession setup (once)':<34} {(time.perf_counter() - start) * 1000:8.1f} ms")
    report("what-if one SKU (session)", timed(lambda: session.run(move), args.repeats * 5))
    report("what-if one SKU (one-off what_if)", timed(lambda: what_if(inputs, move), args.repeats))

if __name__ == "__main__":
    main()
