"""Time the whole plan (load + forecast + policy + projection + purchasing) on a demo workspace.

    python bench/bench_plan.py --skus 10000 --years 2      # writes bench/out/demo-10000.db once

Prints the time of each step as run_plan reports progress, and the total wall and CPU time.
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import time
from pathlib import Path

from planner.demo import write_demo
from planner.planning import load_planning_data, run_plan
from planner.store import open_workspace

AS_OF = dt.date(2025, 6, 2)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--skus", type=int, default=10000)
    parser.add_argument("--years", type=float, default=2.0)
    parser.add_argument("--global-model", default=None, choices=["off", "blend", "by_class"],
                        help="plan with this forecast_global_model setting (default: the "
                             "workspace's)")
    args = parser.parse_args()
    path = Path(__file__).parent / "out" / f"demo-{args.skus}-{args.years:g}y.db"
    path.parent.mkdir(exist_ok=True)
    if not path.exists():
        started = time.perf_counter()
        write_demo(open_workspace(path), skus=args.skus, years=args.years, as_of=AS_OF)
        print(f"demo written in {time.perf_counter() - started:.1f} s")
    db = open_workspace(path)
    wall, cpu = time.perf_counter(), time.process_time()
    data = load_planning_data(db, AS_OF)
    if args.global_model:
        data.settings["forecast_global_model"] = args.global_model
    print(f"{time.perf_counter() - wall:6.2f} s  load ({len(data.daily_demand):,} daily rows)")
    marks: list[tuple[float, str]] = []
    start = time.perf_counter()
    plan = run_plan(data, progress=lambda _f, what: marks.append((time.perf_counter(), what)))
    previous, label = start, "start-up (imports)"
    for stamp, what in marks:
        print(f"{stamp - previous:6.2f} s  {label}")
        previous, label = stamp, what
    print(f"total {time.perf_counter() - wall:.2f} s wall, {time.process_time() - cpu:.2f} s CPU, "
          f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB; "
          f"{len(plan.skus):,} SKUs, {len(plan.backorder_lines):,} order lines, "
          f"{sum(len(s['lines']) for s in plan.purchase_suggestions):,} suggested lines")


if __name__ == "__main__":
    main()
