"""Benchmark: SIGKILL an import of millions of sales lines at random moments.

    python bench/bench_crash.py [--lines 2000000] [--kills 20] [--seed 1] [--empty-sales]

Runs the trials of tests/store/test_crash.py (same checks: after each kill the workspace opens,
passes PRAGMA integrity_check and holds exactly the rows it held before the import) on a bigger
file and prints the tally as JSON: crashes survived / tried, where in the import the kills
landed, and the import's duration.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "store"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=2_000_000)
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--empty-sales", action="store_true",
                        help="import into a workspace without order lines (the bulk path)")
    args = parser.parse_args()
    from test_crash import run_crash_trials

    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="planner-crash-") as folder:
        tally = run_crash_trials(Path(folder), lines=args.lines, kills=args.kills,
                                 seed=args.seed, empty_sales=args.empty_sales)
    tally["wall_seconds"] = round(time.perf_counter() - started, 1)
    tally["load_average"] = round(os.getloadavg()[0], 2)
    print(json.dumps(tally, indent=1))
    print(f"crashes survived / tried: {tally['survived']} / {tally['tried']} "
          f"(+{tally['finished_before_kill']} runs finished before their kill moment and were "
          "tried again with an earlier one)")


if __name__ == "__main__":
    main()
