"""Benchmark: import a 10,000-SKU x 2-year sales CSV (millions of order lines).

    python bench/bench_import.py [--skus 10000] [--days 730] [--data DIR] [--reimport] [--repeat 3]

Generates the CSV once with numpy (deterministic for --seed; cached in --data), then imports it
into a fresh workspace in a child process through the public API (planner.store.importers.
import_files) and through `python -m planner import`, --repeat times each (alternating, the disk
synced before each run), reporting every run's order lines per second, the medians and the
children's peak RSS. Target (issue 2): >= 200,000 lines/s, peak RSS < 1.5 GB.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]


def generate_sales_csv(path: Path, *, skus: int, days: int, seed: int,
                       lines_per_sku_day: float = 0.55) -> int:
    """Order lines with weekly and yearly seasonality, skewed SKU rates, multi-line orders."""
    rng = np.random.default_rng(seed)
    base = rng.lognormal(np.log(lines_per_sku_day) - 0.5, 1.0, skus)
    day = np.arange(days)
    season = (1 + 0.25 * np.sin(2 * np.pi * day / 365.25)) * (1 + 0.15 * np.isin(day % 7, [4, 5]))
    counts = rng.poisson(np.outer(season, base))
    d_idx, s_idx = np.nonzero(counts)
    reps = counts[d_idx, s_idx]
    d, s = np.repeat(d_idx, reps), np.repeat(s_idx, reps)
    n = d.size
    order = np.lexsort((rng.random(n), d))
    d, s = d[order], s[order]
    # About a third of lines join the previous line's order (never twice the same SKU).
    join = rng.random(n) < 0.35
    join[1:] &= (d[1:] == d[:-1]) & (s[1:] != s[:-1])
    join[0] = False
    join[1:] &= ~join[:-1]
    order_no = np.cumsum(~join) + 100000
    frame = pd.DataFrame({
        "date": (np.datetime64("2023-01-01") + d).astype("datetime64[D]").astype(str),
        "sku": np.char.add("SKU-", np.char.zfill(np.arange(skus).astype(str), 5))[s],
        "quantity": rng.geometric(0.6, n),
        "order_id": np.char.add("SO", order_no.astype(str)),
        "unit_price": np.round(rng.uniform(5, 120, skus), 2)[s],
        "channel": np.where(rng.random(n) < 0.8, "web", "wholesale"),
    })
    frame.to_csv(path, index=False)
    return n


def _run_api(csv_path: str, workspace: str, reimport: bool) -> None:
    """Child process: import through the public API and print timings as JSON."""
    sys.path.insert(0, str(ROOT))
    from planner.store import open_workspace
    from planner.store.importers import import_files

    db = open_workspace(workspace)
    started, cpu = time.perf_counter(), time.process_time()
    [summary] = import_files(db, [csv_path], user="bench")
    seconds = time.perf_counter() - started
    result = {"seconds": seconds, "cpu_seconds": time.process_time() - cpu,
              "lines": summary.rows_read, "inserted": summary.inserted}
    if reimport:
        started = time.perf_counter()
        [again] = import_files(db, [csv_path], user="bench")
        result.update(reimport_seconds=time.perf_counter() - started,
                      reimport_unchanged=again.unchanged)
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    db.conn.close()
    print(json.dumps(result))


def _fresh_workspace(folder: Path, name: str) -> Path:
    path = folder / name
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skus", type=int, default=10_000)
    parser.add_argument("--days", type=int, default=730)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--data", default=os.path.join(tempfile.gettempdir(), "planner-bench"))
    parser.add_argument("--reimport", action="store_true", help="also time a second import")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each (median reported)")
    parser.add_argument("--run-api", nargs=2, metavar=("CSV", "WORKSPACE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run_api:
        _run_api(*args.run_api, reimport=args.reimport)
        return

    folder = Path(args.data)
    folder.mkdir(parents=True, exist_ok=True)
    csv_path = folder / f"sales-{args.skus}x{args.days}-s{args.seed}.csv"
    if not csv_path.exists():
        started = time.perf_counter()
        lines = generate_sales_csv(csv_path, skus=args.skus, days=args.days, seed=args.seed)
        print(f"generated {lines:,} lines in {time.perf_counter() - started:.1f} s: {csv_path}")
    size_mb = csv_path.stat().st_size / 1e6
    print(f"file: {csv_path} ({size_mb:.0f} MB); load average {os.getloadavg()[0]:.2f}")

    cli_runs, api_runs = [], []
    for _ in range(args.repeat):
        # Dirty pages of the previous run's 500 MB workspace would otherwise be written back
        # to disk during the next run's commit; each run starts from a synced disk.
        os.sync()
        workspace = _fresh_workspace(folder, "bench-cli.db")
        started = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "planner", "import", str(workspace),
                               str(csv_path)], cwd=ROOT, capture_output=True, text=True)
        if done.returncode != 0:
            raise SystemExit(f"`python -m planner import` failed ({done.returncode}): "
                             f"{done.stderr.strip()}")
        cli_runs.append(time.perf_counter() - started)
        os.sync()
        workspace = _fresh_workspace(folder, "bench-api.db")
        command = [sys.executable, __file__, "--run-api", str(csv_path), str(workspace)]
        output = subprocess.run(command + (["--reimport"] if args.reimport else []),
                                check=True, capture_output=True, text=True).stdout
        api_runs.append(json.loads(output.strip().splitlines()[-1]))
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    lines = api_runs[0]["lines"]
    for number, (cli, api) in enumerate(zip(cli_runs, api_runs, strict=True), start=1):
        print(f"run {number}: API {api['seconds']:.1f} s = {lines / api['seconds']:,.0f} lines/s "
              f"(CPU {api['cpu_seconds']:.1f} s); `python -m planner import` {cli:.1f} s = "
              f"{lines / cli:,.0f} lines/s (process start and exit included)")
        if args.reimport:
            print(f"       re-import (nothing changes): {api['reimport_seconds']:.1f} s, "
                  f"{api['reimport_unchanged']:,} unchanged")
    api_median = statistics.median(r["seconds"] for r in api_runs)
    cli_median = statistics.median(cli_runs)
    print(f"median of {args.repeat}: API {lines / api_median:,.0f} lines/s, "
          f"`python -m planner import` {lines / cli_median:,.0f} lines/s; "
          f"peak RSS of any child {peak_mb:.0f} MB")
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
