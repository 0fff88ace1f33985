"""Kill `planner restore` of a damaged workspace at random moments, then run every read command.

    python bench/bench_restore_kills.py --kills 20 --skus 300 --years 2

A demo workspace is backed up, then damaged (its file cut in half, as a full disk or a bad copy
would leave it). `planner restore` is started and SIGKILLed after a random delay, 20 times. After
each kill a workspace must still be there: `info`, `plan`, `backorders` and `forecast` either
show exactly the backup's data (the restore finished, or the next open finished it) or refuse
the damaged file as damaged (never "no such workspace"), and a second `planner restore` then
gives the backup's data. Run from the repository folder (`PYTHONPATH=.`).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

AS_OF = "2025-06-02"
READS = ("info", "plan", "backorders", "forecast")


def planner(*args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "planner", *args], capture_output=True,
                          text=True, timeout=timeout)


def counts(path: Path) -> dict[str, int]:
    import sqlite3

    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
        return {t: conn.execute(f"SELECT count(*) FROM [{t}]").fetchone()[0] for t in tables}
    finally:
        conn.close()


def read_all(path: Path) -> dict[str, str]:
    """Each read command's outcome: 'ok', 'damaged' (refused as damaged) or what went wrong."""
    out = {}
    for command in READS:
        extra = [] if command == "info" else ["--as-of", AS_OF]
        if command == "plan":
            extra += ["--json", os.devnull]
        if command == "backorders":
            extra += ["--json", os.devnull]
        if command == "forecast":
            extra += ["--csv", os.devnull]
        result = planner(command, str(path), *extra)
        if result.returncode == 0:
            out[command] = "ok"
        elif "damaged" in result.stderr:
            out[command] = "damaged"
        else:
            out[command] = result.stderr.strip().splitlines()[-1] if result.stderr else "failed"
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--skus", type=int, default=300)
    parser.add_argument("--years", type=float, default=2.0)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    root = Path(tempfile.mkdtemp(prefix="planner-restore-kills-"))
    template = root / "template.db"
    assert planner("demo", str(template), "--skus", str(args.skus), "--years", str(args.years),
                   "--as-of", AS_OF).returncode == 0
    started = time.perf_counter()
    restore_seconds = 1.0
    survived = 0
    for trial in range(1, args.kills + 1):
        folder = root / f"t{trial}"
        folder.mkdir()
        ws = folder / "shop.db"
        shutil.copy2(template, ws)
        backup = planner("backup", str(ws))
        assert backup.returncode == 0, backup.stderr
        expected = counts(ws)
        size = ws.stat().st_size
        with open(ws, "r+b") as handle:  # damaged: the second half of the file is gone
            handle.truncate(size // 2)
        if trial == 1:  # how long an uninterrupted restore of this workspace takes
            probe = folder.parent / "probe"
            shutil.copytree(folder, probe)
            t0 = time.perf_counter()
            planner("restore", str(probe / "shop.db"))
            restore_seconds = time.perf_counter() - t0
            shutil.rmtree(probe)
        delay = rng.uniform(0.05, max(0.1, restore_seconds * 0.95))
        child = subprocess.Popen([sys.executable, "-m", "planner", "restore", str(ws)],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        killed = child.poll() is None
        if killed:
            os.kill(child.pid, signal.SIGKILL)
        child.wait()
        reads = read_all(ws)
        states = set(reads.values())
        restored = states == {"ok"} and counts(ws) == expected
        refused = states == {"damaged"}
        again = planner("restore", str(ws)) if not restored else None
        ok_after = (restored or (again is not None and again.returncode == 0
                                 and counts(ws) == expected and set(read_all(ws).values()) == {"ok"}))
        good = (restored or refused) and ok_after
        survived += good
        print(json.dumps({"trial": trial, "killed": killed, "after_s": round(delay, 2),
                          "reads": reads, "restored_by_open": restored,
                          "second_restore_ok": ok_after, "good": good}), flush=True)
    print(f"{survived}/{args.kills} kills left a workspace every command could read or refuse as "
          f"damaged, and restore completed afterwards; restore takes {restore_seconds:.2f} s; "
          f"{time.perf_counter() - started:.0f} s in all")
    shutil.rmtree(root, ignore_errors=True)
    return 0 if survived == args.kills else 1


if __name__ == "__main__":
    sys.exit(main())
