"""Crash safety: an import killed with SIGKILL at random moments never leaves a damaged or
half-written workspace.

A runner process loads Planner once, then forks one child per trial; the child opens the
workspace, takes the automatic backup and imports a large sales file, and the test kills it at
a random moment spread over the import's calibrated duration. After each kill the workspace must
open (clearing the dead child's lock), pass PRAGMA integrity_check and hold exactly the rows it
held before. bench/bench_crash.py runs the same trials on millions of lines.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import select
import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from planner.demo import write_demo
from planner.store import open_workspace

ROOT = Path(__file__).resolve().parents[2]

_RUNNER = textwrap.dedent("""
    import os, sys
    from planner.store import open_workspace
    from planner.store.backup import before_write
    from planner.store.importers import import_files
    workspace, csv_path = sys.argv[1], sys.argv[2]

    def child():
        def say(text):
            os.write(1, (text + "\\n").encode())
        db = open_workspace(workspace)
        say("started")
        before_write(db, reason="import " + os.path.basename(csv_path))
        say("p backup-done")
        [summary] = import_files(db, [csv_path], progress=lambda f: say(f"p {f:.3f}"))
        db.conn.close()
        say(f"done {summary.inserted}")

    for line in sys.stdin:
        pid = os.fork()
        if pid == 0:
            try:
                child()
                os._exit(0)
            except BaseException as exc:
                os.write(1, f"error {type(exc).__name__}: {exc}\\n".encode())
                os._exit(1)
        os.write(1, f"pid {pid}\\n".encode())
        _, status = os.waitpid(pid, 0)
        os.write(1, f"exit {status}\\n".encode())
""")


def table_digests(path: Path) -> dict[str, tuple[int, str]]:
    """(row count, SHA-256 of every row in order) per table."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        out = {}
        for (table,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                     "ORDER BY name"):
            digest = hashlib.sha256()
            count = 0
            for row in conn.execute(f'SELECT * FROM "{table}" ORDER BY 1, 2'):
                digest.update(repr(row).encode())
                count += 1
            out[table] = (count, digest.hexdigest())
        return out
    finally:
        conn.close()


def without_log_times(digests: dict[str, tuple[int, str]]) -> dict[str, tuple[int, str]]:
    """The digests with import_log reduced to its row count (its rows carry the import time)."""
    return {t: (d if t != "import_log" else (d[0], "")) for t, d in digests.items()}


def make_workspace(path: Path, *, empty_sales: bool = False) -> list[str]:
    """A demo workspace (without its order lines when ``empty_sales``: the import then takes
    the bulk path, with a rollback journal); returns its SKUs."""
    db = open_workspace(path)
    write_demo(db, skus=20, years=1, seed=5, as_of=dt.date(2025, 6, 2))
    if empty_sales:
        with db.conn:
            db.execute("DELETE FROM sales")
            db.execute("DELETE FROM daily_demand")
    skus = [r[0] for r in db.execute("SELECT sku FROM products ORDER BY sku")]
    db.conn.close()
    return skus


def write_sales_csv(path: Path, skus: list[str], lines: int, seed: int = 11) -> None:
    """Order lines for known SKUs, each with a new order id (so every line is inserted)."""
    rng = np.random.default_rng(seed)
    days = rng.integers(0, 365, lines)
    frame = pd.DataFrame({
        "date": (np.datetime64("2024-06-01") + days).astype("datetime64[D]").astype(str),
        "sku": np.asarray(skus)[rng.integers(0, len(skus), lines)],
        "quantity": rng.integers(1, 6, lines),
        "order_id": np.char.add("CRASH-", np.arange(lines).astype(str)),
        "unit_price": np.round(rng.uniform(5, 90, lines), 2),
    })
    frame.to_csv(path, index=False)


class Runner:
    """The forking runner process and its line protocol."""

    def __init__(self, workspace: Path, csv_path: Path):
        self.proc = subprocess.Popen([sys.executable, "-c", _RUNNER, str(workspace),
                                      str(csv_path)], cwd=ROOT, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, bufsize=0)
        self.buffer = b""

    def readline(self, timeout: float | None = None) -> str | None:
        deadline = None if timeout is None else time.monotonic() + timeout
        while b"\n" not in self.buffer:
            left = None if deadline is None else max(0.0, deadline - time.monotonic())
            ready, _, _ = select.select([self.proc.stdout], [], [], left)
            if not ready:
                return None
            chunk = os.read(self.proc.stdout.fileno(), 65536)
            if not chunk:
                raise RuntimeError("the runner process ended")
            self.buffer += chunk
        line, self.buffer = self.buffer.split(b"\n", 1)
        return line.decode()

    def start(self) -> int:
        self.proc.stdin.write(b"go\n")
        line = self.readline(120)
        assert line and line.startswith("pid "), line
        return int(line.split()[1])

    def close(self) -> None:
        self.proc.stdin.close()
        self.proc.wait(timeout=60)


def run_crash_trials(folder: Path, *, lines: int, kills: int, seed: int = 1,
                     empty_sales: bool = False) -> dict:
    """Kill an import ``kills`` times; returns the tally (and asserts every workspace is good)."""
    workspace = folder / "shop.db"
    skus = make_workspace(workspace, empty_sales=empty_sales)
    csv_path = folder / "sales.csv"
    write_sales_csv(csv_path, skus, lines)
    before = table_digests(workspace)
    pristine = folder / "pristine.db"
    shutil.copyfile(workspace, pristine)

    # Calibration: one full import on a copy measures the duration and proves the import works.
    calibration = folder / "calibration.db"
    shutil.copyfile(workspace, calibration)
    runner = Runner(calibration, csv_path)
    runner.start()
    started = None
    while True:
        line = runner.readline(600)
        if line == "started":
            started = time.monotonic()
        elif line.startswith("done"):
            duration = time.monotonic() - started
            assert int(line.split()[1]) == lines
        elif line.startswith("error"):
            raise AssertionError(line)
        elif line.startswith("exit"):
            break
    runner.close()
    after = table_digests(calibration)
    assert after["sales"][0] == before["sales"][0] + lines

    rng = np.random.default_rng(seed)
    moments = list(rng.permutation(rng.uniform(0.02, 0.98, kills) * duration))
    runner = Runner(workspace, csv_path)
    tally = {"lines": lines, "import_seconds": round(duration, 1), "tried": 0, "survived": 0,
             "finished_before_kill": 0, "phases": {}}
    try:
        while moments:
            moment = moments.pop()
            pid = runner.start()
            line = runner.readline(120)
            assert line == "started", line
            t0 = time.monotonic()
            phase = "opened"
            finished = False
            while (left := t0 + moment - time.monotonic()) > 0:
                line = runner.readline(left)
                if line is None:
                    break
                if line.startswith("p "):
                    phase = line[2:]
                elif line.startswith(("done", "exit", "error")):
                    finished = True
                    assert not line.startswith("error"), line
                    break
            if not finished:
                os.kill(pid, signal.SIGKILL)
            while not (line := runner.readline(120)).startswith("exit"):
                if line.startswith("done"):
                    finished = True
            db = open_workspace(workspace)  # clears the dead child's lock
            assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
            db.conn.close()
            now = table_digests(workspace)
            if not finished and now != before and phase not in ("opened", "backup-done") \
                    and float(phase) >= 0.95:
                # killed between the commit and the child saying "done": all of it must be there
                finished = True
            if finished:  # the import committed before its kill moment: all of it is there
                tally["finished_before_kill"] += 1
                assert without_log_times(now) == without_log_times(after)
                shutil.copyfile(pristine, workspace)
                for suffix in ("-wal", "-shm", "-journal"):
                    Path(f"{workspace}{suffix}").unlink(missing_ok=True)
                moments.append(moment * 0.6)  # this run was quicker: kill it earlier instead
                continue
            tally["tried"] += 1
            assert now == before, f"killed at {moment:.2f} s ({phase}): data changed"
            tally["survived"] += 1
            tally.setdefault("kills", []).append([round(float(moment), 2), phase])
            bucket = _phase_bucket(phase)
            tally["phases"][bucket] = tally["phases"].get(bucket, 0) + 1
    finally:
        runner.close()
    return tally


def _phase_bucket(phase: str) -> str:
    if phase in ("opened", "backup-done"):
        return "opening / backup"
    fraction = float(phase)
    if fraction < 0.5:
        return "reading and checking"
    if fraction < 0.95:
        return "writing rows"
    return "daily demand and commit"


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(os, "fork"), reason="the runner forks one child per trial")
@pytest.mark.parametrize("empty_sales", [False, True],
                         ids=["into stored sales", "bulk load into empty sales"])
def test_an_import_killed_at_random_moments_leaves_the_workspace_as_it_was(tmp_path,
                                                                         empty_sales):
    lines = int(os.environ.get("PLANNER_CRASH_LINES", "250000"))
    kills = int(os.environ.get("PLANNER_CRASH_KILLS", "20"))
    tally = run_crash_trials(tmp_path, lines=lines, kills=kills, empty_sales=empty_sales)
    print(json.dumps(tally))
    assert tally["tried"] == tally["survived"] == kills
