"""Stray quotes: a '"' put at the start of a random cell of a valid CSV must never swallow rows.

    python bench/bench_stray_quotes.py [--trials 400] [--seed 26]

Writes the demo's import files (20 SKUs, 1 year), then, per trial, copies one of them (a kind
drawn at random, and in a second variant also saved as Windows-1252 so pandas' reader reads
it instead of pyarrow's), puts one '"' at the start of a random cell of a random data row, and
checks it with check_files. Outcomes: refused naming that very row; refused otherwise; read
with every row (the quote closed on its own line); or read with fewer rows than the file has
(a silent swallow: the failure this bench looks for).
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=400)
    parser.add_argument("--seed", type=int, default=26)
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()

    from planner.demo import write_demo
    from planner.demo.export import write_demo_csvs
    from planner.store import open_workspace
    from planner.store.importers import ImportRejected
    from planner.store.importers.importing import check_files

    rng = random.Random(args.seed)
    folder = Path(tempfile.mkdtemp(prefix="stray-quotes-"))
    db = open_workspace(folder / "demo.db")
    write_demo(db, skus=20, years=1, seed=3, as_of=dt.date(2025, 6, 2))
    files = [p for p in write_demo_csvs(db, folder / "csv") if p.stat().st_size < 2_000_000]
    db.conn.close()
    rows = {p: check_files([p])[0].rows_read for p in files}
    outcomes: collections.Counter[str] = collections.Counter()
    started = time.perf_counter()
    for trial in range(args.trials):
        source = rng.choice(files)
        lines = source.read_text(encoding="utf-8").split("\n")
        data = [i for i in range(1, len(lines)) if lines[i]]
        at = rng.choice(data)
        cells = lines[at].split(",")
        cell = rng.randrange(len(cells))
        cells[cell] = '"' + cells[cell]
        lines[at] = ",".join(cells)
        encoding = "cp1252" if trial % 2 else "utf-8"
        target = folder / f"trial{source.suffix}"
        # a 'sep=,' line before the header sends the file to pandas' reader
        prefix = "sep=,\n" if encoding == "cp1252" else ""
        target.write_bytes((prefix + "\n".join(lines)).encode(encoding, errors="replace"))
        reader = "pyarrow" if encoding == "utf-8" else "pandas"
        try:
            [parsed] = check_files([target], kind=source.stem)
            outcome = ("read with every row" if parsed.rows_read >= rows[source]
                       else "SWALLOWED ROWS")
            if args.verbose and outcome != "read with every row":
                print(source.name, at + 1, cell, lines[at][:200])
        except ImportRejected as exc:
            first = str(exc.problems[0])
            row = at + 1 + (1 if encoding == "cp1252" else 0)
            outcome = ("refused naming the row" if f"row {row}," in first and "quote" in first
                       else "refused otherwise")
            if outcome == "refused otherwise" and "quote" in first:
                outcome = "refused, quote named elsewhere"
            if args.verbose and outcome != "refused naming the row":
                print(source.name, at + 1, cell, first[:300])
        outcomes[f"{reader:8s} {outcome}"] += 1
    took = time.perf_counter() - started
    print(f"{args.trials} trials over {len(files)} files in {took:.1f} s")
    for key, count in sorted(outcomes.items()):
        print(f"  {key:45s} {count}")


if __name__ == "__main__":
    main()
