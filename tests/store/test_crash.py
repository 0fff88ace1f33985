"""Crash safety: an import killed with SIGKILL at random moments never leaves a damaged or
half-written workspace.

A runner process loads Planner once, then forks one child per trial; the child opens the
workspace, takes the automatic backup and imports a large sales file, and the test kills it at
a random moment spread over the import's calibrated duration. After each kill the workspace must
open (clearing the dead child's lock), pass PRAGMA integrity_check and hold exactly the rows it
held before. Before that, every read command (info, plan, backorders, forecast, export-pdf) and
the app, each on its own copy of the workspace exactly as the kill left it (hot journal, WAL and
all), must open it and show exactly what they show on the workspace before the import: a reader
undoes the interrupted write as a writer would, instead of calling the file damaged.
bench/bench_crash.py runs the same trials on millions of lines.
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
import tempfile
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

#: Every read command and the app, run on a copy of a workspace; one JSON line per workspace.
_READER = textwrap.dedent("""
    import contextlib, io, json, os, shutil, sys, tempfile, time
    from pathlib import Path
    from PySide6.QtCore import QEventLoop, QSettings, QTimer
    state = Path(tempfile.mkdtemp(prefix="planner-crash-app-"))
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(state / "qt"))
    import datetime as dt
    from planner.cli import main
    from planner.ui import errors
    from planner.ui.app import application
    from planner.ui.main_window import MainWindow
    AS_OF = sys.argv[1]
    errors.modal_dialogs = False
    app = application()
    window = MainWindow(as_of=dt.date.fromisoformat(AS_OF))

    def cli(argv):
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                status = main(argv)
            except BaseException as exc:
                status, err = 1, io.StringIO(f"{type(exc).__name__}: {exc}")
        if status != 0:
            raise RuntimeError(f"exit {status}: {err.getvalue().strip()[-400:]}")
        return out.getvalue()

    def wait(signals, seconds):
        loop, got = QEventLoop(), []
        for signal in signals:
            signal.connect(lambda *a, s=signal: (got.append((s, a)), loop.quit()))
        QTimer.singleShot(int(seconds * 1000), loop.quit)
        loop.exec()
        for signal in signals:
            signal.disconnect()
        if not got:
            raise RuntimeError("timed out")
        return got[0]

    def open_app(path):
        session = window.session
        if not window.open_workspace(path):
            raise RuntimeError("the app could not open it")
        signal, args = wait([session.workspace_opened, session.open_failed], 120)
        if signal is session.open_failed:
            raise RuntimeError(f"open failed: {args[0]}")
        signal, args = wait([session.plan_ready, session.plan_failed], 240)
        if signal is session.plan_failed:
            raise RuntimeError(f"plan failed: {args[0]}")
        plan = args[0]
        counts = {t: session.db.execute(f"SELECT count(*) FROM [{t}]").fetchone()[0]
                  for t in sorted(session.db.table_names())}
        for _ in range(6000):
            if not window.tasks.busy:
                break
            app.processEvents()
            time.sleep(0.01)
        session.close()
        return {"rows": counts, "skus": len(plan.skus),
                "backorder_units": plan.kpis["backorder_units"],
                "suggestions": len(plan.purchase_suggestions)}

    def export_pdf(path):
        out = path.parent / "pdf"
        cli(["export-pdf", str(path), "--out", str(out), "--as-of", AS_OF])
        return sorted(f.name for f in out.iterdir() if f.stat().st_size > 0)

    COMMANDS = {
        "info": lambda p: cli(["info", str(p)]),
        "plan": lambda p: json.loads(cli(["plan", str(p), "--as-of", AS_OF, "--json", "-"])),
        "backorders": lambda p: json.loads(cli(["backorders", str(p), "--as-of", AS_OF,
                                                "--json", "-"])),
        "forecast": lambda p: cli(["forecast", str(p), "--as-of", AS_OF, "--csv", "-"]),
        "export-pdf": export_pdf,
        "app": open_app,
    }

    for line in sys.stdin:
        source = Path(line.strip())
        results = {}
        for name, command in COMMANDS.items():
            target = source.parent / f"{source.name}-{name}"
            shutil.rmtree(target, ignore_errors=True)
            target.mkdir()
            for file in source.iterdir():
                if file.is_file():
                    shutil.copy2(file, target / file.name)
            try:
                results[name] = {"ok": True, "result": command(target / "shop.db")}
            except Exception as exc:
                results[name] = {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:600]}
            shutil.rmtree(target, ignore_errors=True)
        print(json.dumps(results, default=str), flush=True)
    window.close()
    shutil.rmtree(state, ignore_errors=True)
""")

#: The demo workspace is written, and every read command plans, as of this date.
AS_OF = dt.date(2025, 6, 2)
READ_COMMANDS = ("info", "plan", "backorders", "forecast", "export-pdf", "app")


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
    write_demo(db, skus=20, years=1, seed=5, as_of=AS_OF)
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


class Reader:
    """A process with Planner and the app loaded that runs every read command on copies of a
    workspace (one copy per command) and reports what each showed."""

    def __init__(self):
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PLANNER_PLAN_IN_THREAD="1",
                   MPLBACKEND="Agg")
        self.folder = Path(tempfile.mkdtemp(prefix="planner-crash-reader-"))
        env["PLANNER_DATA_DIR"] = str(self.folder / "data")
        self.proc = subprocess.Popen([sys.executable, "-c", _READER, AS_OF.isoformat()], cwd=ROOT,
                                     env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     text=True, bufsize=1)

    def read(self, workspace: Path, files: tuple[str, ...] = ("", "-journal", "-wal", "-shm",
                                                              ".lock")) -> dict:
        """Every command's outcome on the workspace's files exactly as they are now."""
        state = self.folder / "state"
        shutil.rmtree(state, ignore_errors=True)
        state.mkdir()
        for suffix in files:
            source = Path(f"{workspace}{suffix}")
            if source.exists():
                shutil.copy2(source, state / f"shop.db{suffix}")
        self.proc.stdin.write(f"{state}\n")
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError("the reader process ended")
        return json.loads(line)

    def close(self) -> None:
        self.proc.stdin.close()
        self.proc.wait(timeout=120)
        shutil.rmtree(self.folder, ignore_errors=True)


def failed_reads(now: dict, before: dict) -> dict[str, str]:
    """The read commands that failed or showed something else than before the import."""
    problems = {}
    for name in READ_COMMANDS:
        outcome = now[name]
        if not outcome["ok"]:
            problems[name] = outcome["error"]
        elif outcome["result"] != before[name]["result"]:
            problems[name] = "showed other data than before the import"
    return problems


def run_crash_trials(folder: Path, *, lines: int, kills: int, seed: int = 1,
                     empty_sales: bool = False, during: str = "import",
                     read_commands: bool = True) -> dict:
    """Kill an import ``kills`` times; returns the tally (and asserts every workspace is good).

    The kill moments are random over the whole import (``during="import"``) or over the part
    that writes rows and commits (``during="writing"``). With ``read_commands``, every read
    command and the app run on a copy of each killed workspace first (see Reader)."""
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
    started = writing = None
    while True:
        line = runner.readline(600)
        if line == "started":
            started = time.monotonic()
        elif line.startswith("p ") and writing is None and line != "p backup-done" \
                and float(line[2:]) >= 0.5:
            writing = time.monotonic() - started
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
    if during == "writing":
        first = writing if writing is not None else 0.5 * duration
        moments = list(first + rng.uniform(0.05, 0.95, kills) * (duration - first))
    else:
        moments = list(rng.permutation(rng.uniform(0.02, 0.98, kills) * duration))
    reader = Reader() if read_commands else None
    tally = {"lines": lines, "import_seconds": round(duration, 1), "tried": 0, "survived": 0,
             "finished_before_kill": 0, "phases": {}, "hot_journal_left": 0}
    if reader is not None:
        before_reads = reader.read(pristine, files=("",))
        assert not failed_reads(before_reads, before_reads), before_reads
        assert before_reads["app"]["result"]["rows"]["sales"] == before["sales"][0]
        tally["reads"] = {name: 0 for name in READ_COMMANDS}
        tally["all_reads_good"] = 0
    runner = Runner(workspace, csv_path)
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
            hot_journal = Path(f"{workspace}-journal").exists()
            reads = reader.read(workspace) if reader is not None and not finished else None
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
            tally["hot_journal_left"] += hot_journal
            if reads is not None:
                problems = failed_reads(reads, before_reads)
                for name in READ_COMMANDS:
                    tally["reads"][name] += name not in problems
                tally["all_reads_good"] += not problems
                if problems:
                    tally.setdefault("read_failures", []).append(
                        {"moment": round(float(moment), 2), "phase": phase,
                         "hot_journal": hot_journal, "problems": problems})
                    continue
            tally["survived"] += 1
            tally.setdefault("kills", []).append([round(float(moment), 2), phase])
            bucket = _phase_bucket(phase)
            tally["phases"][bucket] = tally["phases"].get(bucket, 0) + 1
    finally:
        runner.close()
        if reader is not None:
            reader.close()
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


@pytest.mark.skipif(not hasattr(os, "fork"), reason="the runner forks one child per trial")
@pytest.mark.parametrize("empty_sales", [True, False],
                         ids=["bulk load into empty sales", "into stored sales"])
def test_after_a_killed_import_every_read_command_and_the_app_show_the_data_as_before(
        tmp_path, empty_sales):
    """Killed while writing rows (the bulk path leaves a hot rollback journal and a half-written
    file): info, plan, backorders, forecast, export-pdf and the app each open the workspace as
    the kill left it, undo the interrupted write, and show exactly the data before the import."""
    tally = run_crash_trials(tmp_path, lines=120_000, kills=3, seed=4, empty_sales=empty_sales,
                             during="writing")
    assert not tally.get("read_failures"), json.dumps(tally.get("read_failures"), indent=1)
    assert tally["tried"] == tally["survived"] == tally["all_reads_good"] == 3
    if empty_sales:
        assert tally["hot_journal_left"] >= 1, tally
