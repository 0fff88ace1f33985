"""Time `write_demo` for a large brand: python bench/bench_demo.py [--skus N] [--years Y]."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import tempfile
import time
from pathlib import Path

from planner.demo import generate_demo, write_demo, write_demo_csvs
from planner.store import open_workspace


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--skus", type=int, default=10_000)
    parser.add_argument("--years", type=float, default=2.0)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--csv", action="store_true", help="also time the CSV export")
    args = parser.parse_args()
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    as_of = dt.date(2025, 6, 2)
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        generate_demo(skus=args.skus, years=args.years, seed=args.seed, as_of=as_of)
        generated = time.perf_counter() - started

        path = Path(tmp) / "bench.db"
        db = open_workspace(path)
        started, cpu_started = time.perf_counter(), time.process_time()
        counts = write_demo(db, skus=args.skus, years=args.years, seed=args.seed, as_of=as_of)
        total, cpu = time.perf_counter() - started, time.process_time() - cpu_started
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        size_mb = path.stat().st_size / 1e6
        print(f"write_demo {args.skus} SKUs x {args.years} years: {total:.1f} s wall, "
              f"{cpu:.1f} s CPU (generation alone {generated:.1f} s), file {size_mb:.0f} MB")
        for table, rows in counts.items():
            print(f"  {table}: {rows:,}")
        print(f"  sales rows/s overall: {counts['sales'] / total:,.0f}")
        if args.csv:
            started = time.perf_counter()
            files = write_demo_csvs(db, Path(tmp) / "csv")
            took = time.perf_counter() - started
            sales_mb = (Path(tmp) / "csv" / "sales.csv").stat().st_size / 1e6
            print(f"write_demo_csvs: {took:.1f} s for {len(files)} files "
                  f"(sales.csv {sales_mb:.0f} MB)")
        db.conn.close()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (max RSS): {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()
