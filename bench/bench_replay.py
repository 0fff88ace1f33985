"""Time a replay of the plan on a demo workspace, against one plan, and show what it achieved.

    PYTHONPATH=. python bench/bench_replay.py --skus 10000 --weeks 26   # writes the demo once

Prints one plan's time (load + run_plan as of the demo's last day), the replay's time (one load,
then one plan per weekly review), their ratio, the overall figures (simulated and actual), and
per demand class the achieved cycle service level and fill rate against the target.
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import time
from pathlib import Path

import pandas as pd

from planner.demo import write_demo
from planner.planning import load_planning_data, replay, run_plan
from planner.store import open_workspace

AS_OF = dt.date(2025, 6, 30)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--skus", type=int, default=10000)
    parser.add_argument("--years", type=float, default=2.0)
    parser.add_argument("--weeks", type=int, default=26)
    parser.add_argument("--every", type=int, default=7)
    args = parser.parse_args()
    path = Path(__file__).parent / "out" / f"replay-demo-{args.skus}-{args.years:g}y.db"
    path.parent.mkdir(exist_ok=True)
    if not path.exists():
        started = time.perf_counter()
        write_demo(open_workspace(path), skus=args.skus, years=args.years, as_of=AS_OF)
        print(f"demo written in {time.perf_counter() - started:.1f} s")
    db = open_workspace(path, read_only=True)
    wall = time.perf_counter()
    plan = run_plan(load_planning_data(db, AS_OF))
    one_plan = time.perf_counter() - wall
    print(f"one plan (load + run_plan): {one_plan:.1f} s wall, {len(plan.skus):,} SKUs")

    start = AS_OF - dt.timedelta(weeks=args.weeks)
    wall, cpu = time.perf_counter(), time.process_time()
    result = replay(db, start, AS_OF, args.every)
    took = time.perf_counter() - wall
    print(f"replay {start} to {AS_OF}, {len(result.review_dates)} reviews: {took:.1f} s wall, "
          f"{time.process_time() - cpu:.1f} s CPU ({took / one_plan:.1f} × one plan), "
          f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    print(result.summary)
    for note in result.notes:
        print(f"  note: {note}")
    rows = []
    for name, figures in (("replay", result.overall), ("actual", result.actual_overall)):
        rows.append({"": name, **figures})
    print(pd.DataFrame(rows).set_index("").round(3).T.to_string())
    classes = plan.skus.set_index("sku")[["demand_class", "service_level"]]
    skus = result.skus.set_index("sku").join(classes)
    by_class = skus.groupby("demand_class").agg(
        skus=("demand_units", "size"), target=("service_level", "mean"),
        cycle_level=("cycle_service_level", "mean"),
        after_lead=("cycle_service_level_after_lead_time", "mean"),
        units_short=("units_short", "sum"),
        demand=("demand_units", "sum"), stockout_days=("stockout_days", "sum"))
    by_class["fill_rate"] = 1 - by_class["units_short"] / by_class["demand"]
    print("per demand class (as the plan on the last day classes the SKUs):")
    print(by_class.round(3).to_string())


if __name__ == "__main__":
    main()
