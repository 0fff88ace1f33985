"""Whole-process forecast speed: `planner forecast --csv` against a statsforecast AutoETS script.

Both start a fresh Python process, read the same workspace (SQLite), fit, and write a weekly
forecast CSV with an 80 % interval for every SKU; the time is wall clock from process start to
exit, on the same machine, one after the other (best of --repeat runs).

  ours      `planner forecast WS --as-of D --horizon-weeks 26 --csv out.csv` in the app's
            environment (pandas 3)
  baseline  a plain script in the bench environment (pandas < 3, statsforecast): reads
            daily_demand and the active products with pandas, sums 7-day weeks ending on the
            as-of date from each SKU's first sale, AutoETS(season_length=52) with
            level=[80] (Naive where a series is too short to fit), n_jobs=1, writes the CSV

The workspace is `planner demo --skus N --years 2` (cached). Bundles: ours forecasts their
demand on their components (the spec), the baseline forecasts the bundle SKUs' own series as
well; the series counts are printed.

  /work/bench-venv/bin/python bench/bench_forecast_vs_statsforecast.py [--skus 5000]
      [--ours-python /work/main/.venv/bin/python] [--repeat 2] [--jobs 1]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CACHE = Path("/tmp/forecast-bench-cache")
AS_OF = "2026-12-02"
HORIZON_WEEKS = 26

BASELINE = r'''
import sys, time, warnings
started = time.perf_counter()
import numpy as np
import pandas as pd
import sqlite3
from statsforecast import StatsForecast
from statsforecast.models import AutoETS, Naive

path, as_of, horizon, out, jobs = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], int(sys.argv[5])
imported = time.perf_counter()
con = sqlite3.connect(path)
daily = pd.read_sql_query("SELECT sku, date, quantity FROM daily_demand WHERE date <= ?", con,
                          params=[as_of])
active = pd.read_sql_query("SELECT sku FROM products WHERE active", con)["sku"]
con.close()
read = time.perf_counter()
daily = daily[daily["sku"].isin(set(active))]
days_back = (pd.Timestamp(as_of) - pd.to_datetime(daily["date"])).dt.days
daily = daily.assign(week=(days_back // 7).to_numpy())
weekly = daily.groupby(["sku", "week"], as_index=False)["quantity"].sum()
first = weekly.groupby("sku")["week"].max()
rows = []
for sku, oldest in first.items():
    weeks = np.arange(oldest, -1, -1)
    rows.append(pd.DataFrame({"unique_id": sku, "week": weeks}))
frame = pd.concat(rows, ignore_index=True).merge(
    weekly.rename(columns={"sku": "unique_id"}), on=["unique_id", "week"], how="left")
frame["y"] = frame["quantity"].fillna(0.0).astype(float)
frame["ds"] = pd.Timestamp(as_of) - pd.to_timedelta(frame["week"] * 7, unit="D")
frame = frame[["unique_id", "ds", "y"]]
prepared = time.perf_counter()
sf = StatsForecast(models=[AutoETS(season_length=52)], freq="7D", n_jobs=jobs,
                   fallback_model=Naive())
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    fc = sf.forecast(df=frame, h=horizon, level=[80])
if "unique_id" not in fc.columns:
    fc = fc.reset_index()
fitted = time.perf_counter()
fc = fc.rename(columns={"ds": "week_start", "AutoETS": "forecast", "AutoETS-lo-80": "lower",
                        "AutoETS-hi-80": "upper"})
fc["sku"] = fc["unique_id"]
for c in ("forecast", "lower", "upper"):
    fc[c] = fc[c].clip(lower=0).round(3)
fc["week_start"] = pd.to_datetime(fc["week_start"]).dt.strftime("%Y-%m-%d")
fc[["sku", "week_start", "forecast", "lower", "upper"]].to_csv(out, index=False)
done = time.perf_counter()
print(f"series {frame['unique_id'].nunique()} rows {len(daily)} import {imported - started:.2f} "
      f"read {read - imported:.2f} prepare {prepared - read:.2f} fit {fitted - prepared:.2f} "
      f"write {done - fitted:.2f}", file=sys.stderr)
'''

#: ours, phase by phase, in one process (where the time goes)
PHASES = r'''
import sys, time
started = time.perf_counter()
import datetime as dt
from planner.cli import main
imported = time.perf_counter()
from planner.planning import active_products, forecast_active, load_planning_data
from planner.store import open_workspace
db = open_workspace(sys.argv[1], read_only=True)
data = load_planning_data(db, dt.date.fromisoformat(sys.argv[2]))
read = time.perf_counter()
_, products = active_products(data)
result = forecast_active(data, products, horizon_days=int(sys.argv[3]) * 7 + 7)
fitted = time.perf_counter()
print(f"series {len(products)} rows {len(data.daily_demand)} import {imported - started:.2f} "
      f"read {read - imported:.2f} fit {fitted - read:.2f}", file=sys.stderr)
'''


def _run(command: list[str], env: dict[str, str] | None = None) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command[:3])} failed:\n{done.stderr[-3000:]}")
    return seconds, done.stderr.strip().splitlines()[-1] if done.stderr.strip() else ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--skus", type=int, default=5000)
    parser.add_argument("--ours-python", default="/work/main/.venv/bin/python")
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--jobs", type=int, default=1, help="statsforecast n_jobs")
    args = parser.parse_args()
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    CACHE.mkdir(exist_ok=True)
    workspace = CACHE / f"demo-{args.skus}.db"
    if not workspace.exists():
        _run([args.ours_python, "-m", "planner", "demo", str(workspace), "--skus",
              str(args.skus), "--years", "2", "--as-of", AS_OF], env)
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "baseline.py"
        script.write_text(BASELINE)
        phases = Path(tmp) / "phases.py"
        phases.write_text(PHASES)
        ours_csv, base_csv = Path(tmp) / "ours.csv", Path(tmp) / "autoets.csv"
        ours, base = [], []
        for _ in range(args.repeat):
            ours.append(_run([args.ours_python, "-m", "planner", "forecast", str(workspace),
                              "--as-of", AS_OF, "--horizon-weeks", str(HORIZON_WEEKS),
                              "--csv", str(ours_csv)], env)[0])
            seconds, detail = _run([sys.executable, str(script), str(workspace), AS_OF,
                                    str(HORIZON_WEEKS), str(base_csv), str(args.jobs)])
            base.append((seconds, detail))
        _, our_detail = _run([args.ours_python, str(phases), str(workspace), AS_OF,
                              str(HORIZON_WEEKS)], env)
        ours_rows = sum(1 for _ in open(ours_csv)) - 1
        base_rows = sum(1 for _ in open(base_csv)) - 1
    best_base = min(base)
    print(f"workspace: planner demo --skus {args.skus} --years 2 --as-of {AS_OF}; "
          f"{HORIZON_WEEKS} weeks ahead; best of {args.repeat}")
    print("| process | wall clock (s) | CSV rows | where the time goes (s) |")
    print("|---|---|---|---|")
    print(f"| `planner forecast --csv` | {min(ours):.1f} | {ours_rows:,} | {our_detail} "
          "(then the CSV) |")
    print(f"| statsforecast AutoETS script (n_jobs={args.jobs}) | {best_base[0]:.1f} | "
          f"{base_rows:,} | {best_base[1]} |")


if __name__ == "__main__":
    main()
