"""Benchmark: SIGKILL an import of millions of sales lines at random moments.

    python bench/bench_crash.py [--lines 2000000] [--kills 20] [--seed 1] [--path both|bulk|normal]

Runs the trials of tests/store/test_crash.py on a bigger file, on both import paths (the bulk
load into an empty sales table, with a rollback journal, and the normal path into stored sales,
with the write-ahead log). After each kill, every read command (info, plan, backorders,
forecast, export-pdf) and the app (offscreen) each run on a copy of the workspace exactly as the
kill left it and must show exactly what they show before the import; then the workspace opens
for writing, passes PRAGMA integrity_check and holds exactly the rows it held before. Prints the
tally per path as JSON: kills survived / tried, read commands that showed the pre-import data,
kills that left a hot journal, where in the import the kills landed, the import's duration.
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
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=2_000_000)
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--path", choices=("both", "bulk", "normal"), default="both",
                        help="bulk: into empty sales (rollback journal); normal: into stored sales")
    parser.add_argument("--no-reads", action="store_true",
                        help="skip the read commands and the app after each kill")
    args = parser.parse_args()
    from test_crash import READ_COMMANDS, run_crash_trials

    paths = {"bulk": True, "normal": False}
    chosen = list(paths) if args.path == "both" else [args.path]
    summary = []
    for name in chosen:
        started = time.perf_counter()
        with tempfile.TemporaryDirectory(prefix="planner-crash-") as folder:
            tally = run_crash_trials(Path(folder), lines=args.lines, kills=args.kills,
                                     seed=args.seed, empty_sales=paths[name],
                                     read_commands=not args.no_reads)
        tally["path"] = name
        tally["wall_seconds"] = round(time.perf_counter() - started, 1)
        tally["load_average"] = round(os.getloadavg()[0], 2)
        print(json.dumps(tally, indent=1), flush=True)
        line = (f"{name} path: survived {tally['survived']} / {tally['tried']} kills "
                f"({tally['hot_journal_left']} left a hot journal; "
                f"+{tally['finished_before_kill']} runs finished before their kill moment and "
                "were tried again with an earlier one)")
        if "reads" in tally:
            line += "; reads with the pre-import data: " + ", ".join(
                f"{command} {tally['reads'][command]}/{tally['tried']}"
                for command in READ_COMMANDS)
        summary.append(line)
    print("\n".join(summary))


if __name__ == "__main__":
    main()
