"""Benchmark: what data safety costs on a large workspace.

    python bench/bench_safety.py [--lines 1000000] [--data DIR]

Builds (once, cached in --data) a workspace holding a sales file of --lines order lines, then
times: opening it for writing with its quick_check and without, opening it read-only, a verified
backup, before_write when an identical backup is fresh (skipped), a restore (with its undo
backup), and the hostile-input guard on the sales CSV itself.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "store"))


def timed(label: str, fn, repeat: int = 1):
    best = float("inf")
    result = None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - started)
    print(f"  {label:58s} {best:7.2f} s")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--data", default=os.path.join(tempfile.gettempdir(), "planner-bench"))
    args = parser.parse_args()
    from test_crash import make_workspace, write_sales_csv

    from planner.store import open_workspace
    from planner.store.backup import before_write, create_backup, restore
    from planner.store.importers import import_files

    folder = Path(args.data)
    folder.mkdir(parents=True, exist_ok=True)
    base = folder / f"safety-{args.lines}.db"
    csv_path = folder / f"safety-sales-{args.lines}.csv"
    if not base.exists():
        work = folder / "safety-building.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{work}{suffix}").unlink(missing_ok=True)
        skus = make_workspace(work)
        write_sales_csv(csv_path, skus, args.lines)
        db = open_workspace(work)
        import_files(db, [csv_path])
        db.conn.close()
        os.replace(work, base)
    size_mb = base.stat().st_size / 1e6
    print(f"workspace: {base} ({size_mb:.0f} MB, {args.lines:,} imported sales lines); "
          f"load average {os.getloadavg()[0]:.2f}")
    with tempfile.TemporaryDirectory(prefix="planner-safety-", dir=folder) as tmp:
        path = Path(tmp) / "shop.db"
        shutil.copyfile(base, path)

        def open_close(**kwargs):
            open_workspace(path, **kwargs).conn.close()

        timed("open for writing, with quick_check", lambda: open_close(), repeat=3)
        timed("open for writing, check=False", lambda: open_close(check=False), repeat=3)
        timed("open read-only (quick_check, then cached)", lambda: open_close(read_only=True),
              repeat=3)
        db = open_workspace(path)
        backup = timed("verified backup (backup API + quick_check + SHA-256)",
                       lambda: create_backup(db, reason="bench"))
        timed("before_write with an identical fresh backup (skipped)",
              lambda: before_write(db, reason="bench"), repeat=3)
        db.conn.close()
        timed("restore (undo backup of the current state + copy back)",
              lambda: restore(path, backup.path))
        if csv_path.exists():
            from planner.store.importers.guards import check_file

            print(f"  sales CSV: {csv_path.stat().st_size / 1e6:.0f} MB")
            timed("hostile-input guard on the sales CSV", lambda: check_file(csv_path), repeat=3)


if __name__ == "__main__":
    main()
