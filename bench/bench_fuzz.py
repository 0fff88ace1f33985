"""Fuzz run over every importer kind: random bytes, CSV-ish text, mutated CSV and XLSX files.

    python bench/bench_fuzz.py [--seconds 60] [--seed 1]

Uses the generators of tests/store/test_safety_fuzz.py with a seeded random source, imports
each input into one workspace and counts the outcomes. A failure is any exception other than
ImportRejected, or a rejected input that changed the workspace; distinct failures are listed
with the input that caused them (saved under --keep).
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import random
import sys
import tempfile
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "store"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", default=os.path.join(tempfile.gettempdir(), "planner-fuzz"),
                        help="folder for the inputs that failed")
    args = parser.parse_args()
    from test_safety_fuzz import GENERATORS, KINDS, attempt, fresh_workspace, known_bug

    rng = random.Random(args.seed)
    keep = Path(args.keep)
    keep.mkdir(parents=True, exist_ok=True)
    outcomes: collections.Counter[tuple[str, str]] = collections.Counter()
    failures: dict[str, dict] = {}
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="planner-fuzz-") as folder:
        db = fresh_workspace(Path(folder))
        tried = 0
        while time.perf_counter() - started < args.seconds:
            generator = rng.choice(list(GENERATORS))
            kind = rng.choice(list(KINDS))
            data, suffix = GENERATORS[generator](rng, kind)
            give = kind if rng.random() < 0.5 else None
            tried += 1
            try:
                outcome = attempt(db, Path(folder), data, suffix, give)
            except Exception as exc:  # noqa: BLE001 - counting every kind of failure
                frame = traceback.extract_tb(exc.__traceback__)[-1]
                where = f"{type(exc).__name__} at {Path(frame.filename).name}:{frame.lineno}"
                if known_bug(exc):
                    where += f" (known: {known_bug(exc)})"
                if where not in failures:
                    saved = keep / f"failure-{len(failures) + 1}{suffix}"
                    saved.write_bytes(data)
                    failures[where] = {"count": 0, "example": str(saved), "kind": give,
                                       "generator": generator, "message": str(exc)[:200]}
                failures[where]["count"] += 1
                outcome = "FAILED"
                if db.conn.in_transaction:
                    db.execute("ROLLBACK")
            outcomes[(generator, outcome)] += 1
        db.conn.close()
    seconds = time.perf_counter() - started
    print(f"{tried:,} inputs in {seconds:.0f} s (load average {os.getloadavg()[0]:.1f})")
    for (generator, outcome), count in sorted(outcomes.items()):
        print(f"  {generator:14s} {outcome:9s} {count:6,}")
    print(f"distinct failures: {len(failures)}")
    print(json.dumps(failures, indent=1))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
