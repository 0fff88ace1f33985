"""Frozen app size and start-up time to a usable window, cold and warm.

    python bench/bench_packaging.py [--app build/dist/planner/planner] [--runs 5]

Build the app first (packaging/smoke_test.sh does). Each run starts ``planner gui WORKSPACE`` on
a 30-SKU demo workspace with PLANNER_STARTUP_PROBE=exit: the app prints the moment its event loop
first turns with the main window shown, then quits. Wall time is measured from just before the
process starts; CPU time (user + system of the app and of the planning process it starts) is
less sensitive to other work on the machine. "Cold" runs first drop the app's files from the
page cache (posix_fadvise).
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PROBE = re.compile(r"^startup probe: window usable at ([0-9.]+)$", re.MULTILINE)


def folder_size_bytes(folder: Path) -> tuple[int, int]:
    """Apparent size in bytes and file count of a folder (symlinks not followed)."""
    total = count = 0
    for path in folder.rglob("*"):
        if path.is_file() and not path.is_symlink():
            total += path.stat().st_size
            count += 1
    return total, count


def evict(folder: Path) -> None:
    """Ask the kernel to drop a folder's files from the page cache (no root needed)."""
    os.sync()
    for path in folder.rglob("*"):
        if path.is_file() and not path.is_symlink():
            fd = os.open(path, os.O_RDONLY)
            try:
                os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
            finally:
                os.close(fd)


def start_once(app: Path, workspace: Path, env: dict[str, str]) -> tuple[float, float]:
    """Seconds to a usable window (wall) and CPU seconds of the app and its planning process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.time()
    done = subprocess.run([str(app), "gui", str(workspace)], env=env, capture_output=True,
                          text=True, timeout=180)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    found = PROBE.search(done.stdout)
    if done.returncode != 0 or not found:
        raise SystemExit(f"the app did not come up (status {done.returncode}):\n"
                         f"{done.stdout}{done.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return float(found[1]) - started, cpu


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--app", type=Path, default=ROOT / "build" / "dist" / "planner" / "planner")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    app_dir = args.app.parent
    size, files = folder_size_bytes(app_dir)
    print(f"frozen app {app_dir}: {size / 2**20:.1f} MB in {files} files")
    with tempfile.TemporaryDirectory(prefix="planner-bench-") as sandbox:
        env = dict(os.environ, HOME=f"{sandbox}/home", XDG_CONFIG_HOME=f"{sandbox}/config",
                   XDG_DATA_HOME=f"{sandbox}/data", XDG_CACHE_HOME=f"{sandbox}/cache",
                   PLANNER_DATA_DIR=f"{sandbox}/data/Planner", TMPDIR=sandbox,
                   QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"),
                   PLANNER_STARTUP_PROBE="exit")
        workspace = Path(sandbox) / "demo.db"
        subprocess.run([str(args.app), "demo", str(workspace), "--skus", "30"], env=env,
                       check=True, capture_output=True)
        for label, cold in (("cold", True), ("warm", False)):
            walls, cpus = [], []
            for _ in range(args.runs):
                if cold:
                    evict(app_dir)
                wall, cpu = start_once(args.app, workspace, env)
                walls.append(wall)
                cpus.append(cpu)
            print(f"{label}: to a usable window median {statistics.median(walls):.2f} s "
                  f"(min {min(walls):.2f}, max {max(walls):.2f}); CPU median "
                  f"{statistics.median(cpus):.2f} s over {args.runs} runs")
    load = os.getloadavg()
    print(f"load average during the runs: {load[0]:.1f} (1 min), {load[1]:.1f} (5 min) "
          f"on {os.cpu_count()} cores")
    return 0


if __name__ == "__main__":
    sys.exit(main())
