"""Desktop app speed on a large workspace (headless, Qt offscreen).

    python bench/bench_gui.py [--workspace PATH] [--skus 10000] [--years 2]

Measures, on a workspace of N demo SKUs (written first when PATH does not exist yet):
- start-up: a fresh process from launch to a usable window (shown, event loop running, workspace
  open), and to the plan on screen;
- the longest stall of the GUI thread while a full replan runs and its result is shown (a 10 ms
  QTimer on the GUI thread records the largest gap between its ticks);
- sorting and filtering the products table;
- opening a SKU's detail page (GUI-thread time, and until its chart is drawn).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

STARTED = time.perf_counter()
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def ensure_workspace(path: Path, skus: int, years: float) -> None:
    if path.exists():
        return
    from planner.demo import write_demo
    from planner.store import open_workspace

    print(f"writing a {skus}-SKU demo workspace to {path} …", flush=True)
    started = time.perf_counter()
    db = open_workspace(path)
    write_demo(db, skus=skus, years=years, seed=7)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.conn.close()
    print(f"  written in {time.perf_counter() - started:.0f} s", flush=True)


def spin_until(condition, timeout_s: float = 600, step_ms: int = 5) -> float:
    from PySide6.QtCore import QEventLoop, QTimer

    started = time.perf_counter()
    while not condition():
        loop = QEventLoop()
        QTimer.singleShot(step_ms, loop.quit)
        loop.exec()
        if time.perf_counter() - started > timeout_s:
            raise TimeoutError
    return time.perf_counter() - started


def settle(ms: int = 50) -> None:
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def new_window():
    from planner.ui import errors
    from planner.ui.app import application
    from planner.ui.main_window import MainWindow

    errors.modal_dialogs = False
    application()
    window = MainWindow()
    window.resize(1280, 800)
    return window


def probe_startup(path: Path) -> None:
    """Child process: print how long after launch the window was usable, then the plan shown."""
    from PySide6.QtCore import QSettings, QTimer

    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope,
                      str(Path(os.environ["BENCH_QT_DIR"])))
    window = new_window()
    window.show()
    window.open_workspace(path)
    ready: dict[str, float] = {}
    QTimer.singleShot(0, lambda: ready.setdefault("usable", time.perf_counter() - STARTED))
    spin_until(lambda: "usable" in ready)
    import resource

    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(f"USABLE {ready['usable']:.3f} {usage.ru_utime + usage.ru_stime:.3f}", flush=True)
    spin_until(lambda: window.session.plan is not None)
    print(f"PLAN {time.perf_counter() - STARTED:.3f} fresh", flush=True)
    spin_until(lambda: not window.tasks.busy)
    window.close()


class StallMonitor:
    """Records the longest gap between ticks of a 10 ms timer on the GUI thread."""

    def __init__(self, interval_ms: int = 10) -> None:
        from PySide6.QtCore import QTimer

        self.interval = interval_ms / 1000
        self.gaps: list[float] = []
        self._last = time.perf_counter()
        self.timer = QTimer()
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self._tick)

    def _tick(self) -> None:
        now = time.perf_counter()
        self.gaps.append(now - self._last)
        self.ends.append(now)
        self._last = now

    ends: list[float]

    def worst(self, count: int = 5) -> list[tuple[float, float]]:
        """The longest gaps: (length ms, when it ended, s since start)."""
        pairs = sorted(zip(self.gaps, self.ends, strict=True), reverse=True)[:count]
        return [(g * 1000, end - self._started) for g, end in pairs]

    def start(self) -> None:
        self._last = self._started = time.perf_counter()
        self.ends = []
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()

    @property
    def longest_stall_ms(self) -> float:
        return max(0.0, (max(self.gaps, default=0.0) - self.interval) * 1000)


def timed(action, done=lambda: True) -> float:
    started = time.perf_counter()
    action()
    spin_until(done, step_ms=1)
    from PySide6.QtWidgets import QApplication

    QApplication.processEvents()
    return (time.perf_counter() - started) * 1000


def startup(env: dict[str, str], workspace: Path) -> None:
    """Launch the app in a fresh process and print how long until it was usable."""
    launched = time.perf_counter()
    child = subprocess.Popen([sys.executable, __file__, "--probe-startup", "--workspace",
                              str(workspace)], stdout=subprocess.PIPE, text=True, env=env)
    marks: dict[str, float] = {}
    notes: dict[str, str] = {}
    for line in child.stdout:
        word, _, rest = line.strip().partition(" ")
        if word in ("USABLE", "PLAN"):
            marks[word] = time.perf_counter() - launched
            notes[word] = rest
    child.wait()
    cpu = notes.get("USABLE", "? ?").split()[-1]
    print(f"start-up to a usable window: {marks.get('USABLE', float('nan')):.2f} s wall, "
          f"{cpu} s CPU (launch to window shown, workspace opening, event loop running)")
    print(f"start-up to a plan on screen: {marks.get('PLAN', float('nan')):.1f} s")



def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workspace", type=Path,
                        default=Path(os.environ.get("TMPDIR", "/tmp")) / "planner-bench-gui.db")
    parser.add_argument("--skus", type=int, default=10_000)
    parser.add_argument("--years", type=float, default=2.0)
    parser.add_argument("--skip-startup", action="store_true", help="only the in-process parts")
    parser.add_argument("--probe-startup", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.probe_startup:
        probe_startup(args.workspace)
        return 0

    import tempfile

    ensure_workspace(args.workspace, args.skus, args.years)
    print(f"workspace {args.workspace}; load average "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}; {os.cpu_count()} CPUs")
    qt_dir = tempfile.mkdtemp(prefix="planner-bench-qt-")

    # --- start-up, in a fresh process -----------------------------------------------------
    env = dict(os.environ, BENCH_QT_DIR=qt_dir,
               PLANNER_DATA_DIR=tempfile.mkdtemp(prefix="planner-bench-data-"))
    os.environ["PLANNER_DATA_DIR"] = env["PLANNER_DATA_DIR"]
    for attempt in (("start-up",) if not args.skip_startup else ()):
        print(attempt)
        startup(env, args.workspace)
    # --- a full replan, watching the GUI thread --------------------------------------------
    from PySide6.QtCore import QSettings

    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, qt_dir)
    window = new_window()
    window.show()
    window.open_workspace(args.workspace)
    spin_until(lambda: window.session.plan is not None and not window.tasks.busy)
    from planner.ui.charts import chart_tasks

    window.show_page("dashboard")
    spin_until(lambda: not chart_tasks().busy)
    monitor = StallMonitor()
    events: list[tuple[float, str]] = []
    if os.environ.get("BENCH_GUI_DETAILS"):
        import gc
        import threading

        gc_started: dict[str, float] = {}

        def gc_watch(phase: str, info: dict) -> None:
            now = time.perf_counter()
            if phase == "start":
                gc_started["t"] = now
            elif now - gc_started.get("t", now) > 0.02:
                events.append((now - started, f"gc gen{info['generation']} "
                               f"{(now - gc_started['t']) * 1000:.0f} ms on "
                               f"{threading.current_thread().name}"))

        gc.callbacks.append(gc_watch)
    monitor.start()
    started = time.perf_counter()
    plan_before = window.session.plan
    window.session.plan_ready.connect(
        lambda _p: events.append((time.perf_counter() - started, "plan shown")))
    for name in ("book_chart", "arrivals_chart", "risk_chart"):
        getattr(window.pages["dashboard"], name).rendered.connect(
            lambda n=name: events.append((time.perf_counter() - started, f"{n} drawn")))
    task = window.session.replan()
    task.progressed.connect(
        lambda f, what: events.append((time.perf_counter() - started, f"progress {what}")))
    spin_until(lambda: window.session.plan is not plan_before and not window.tasks.busy)
    spin_until(lambda: not chart_tasks().busy)
    settle(100)
    monitor.stop()
    replan_s = time.perf_counter() - started
    gaps_ms = sorted(g * 1000 for g in monitor.gaps)
    print(f"full replan with the dashboard on screen: {replan_s:.1f} s; longest GUI-thread "
          f"stall {monitor.longest_stall_ms:.0f} ms (timer gaps: median "
          f"{statistics.median(gaps_ms):.0f} ms, 99th pct "
          f"{gaps_ms[int(len(gaps_ms) * .99)]:.0f} ms,"
          f" {len(gaps_ms)} ticks)")

    if os.environ.get("BENCH_GUI_DETAILS"):
        print("  longest gaps (ms, ended at s):",
              ", ".join(f"{g:.0f} @ {t:.2f}" for g, t in monitor.worst()))
        seen = set()
        for when, what in sorted(events):
            if what not in seen:
                seen.add(what)
                print(f"  {when:7.2f} s {what}")

    # --- products: sort and filter ---------------------------------------------------------
    plan = window.session.plan
    n = len(plan.skus)
    window.show_page("products")
    view = window.pages["products"]
    settle(100)
    from PySide6.QtCore import Qt

    sorts = []
    for key in ("days_of_cover", "supplier", "stockout_date", "name", "demand_per_day"):
        column = view.model.column_index(key)
        for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder):
            sorts.append(timed(lambda c=column, o=order: view.table.sortByColumn(c, o)))
    filters = []
    filters.append(timed(lambda: view.search.setText("mug")))
    filters.append(timed(lambda: view.search.setText("")))
    filters.append(timed(lambda: view.below_rop.setChecked(True)))
    filters.append(timed(lambda: view.backordered.setChecked(True)))
    filters.append(timed(lambda: (view.below_rop.setChecked(False),
                                  view.backordered.setChecked(False))))
    supplier = str(plan.skus["supplier"].dropna().iloc[0])
    filters.append(timed(lambda: view.supplier.setCurrentText(supplier)))
    filters.append(timed(lambda: view.supplier.setCurrentIndex(0)))
    print(f"products table ({n:,} rows): sort median {statistics.median(sorts):.0f} ms, "
          f"worst {max(sorts):.0f} ms; filter median {statistics.median(filters):.0f} ms, "
          f"worst {max(filters):.0f} ms (including the repaint)")

    # --- SKU detail ------------------------------------------------------------------------
    lines = plan.backorder_lines
    picks = list(lines["sku"].value_counts().index[:3]) + list(plan.skus["sku"].sample(
        5, random_state=1))
    page = window.pages["sku"]
    gui_ms, chart_ms = [], []
    for sku in picks:
        started = time.perf_counter()
        window.open_sku(str(sku))
        from PySide6.QtWidgets import QApplication

        QApplication.processEvents()
        gui_ms.append((time.perf_counter() - started) * 1000)
        spin_until(lambda: not page.chart.pending, step_ms=1)
        chart_ms.append((time.perf_counter() - started) * 1000)
        window.go_back()
    print(f"open a SKU's detail page: {statistics.median(gui_ms):.0f} ms median, "
          f"{max(gui_ms):.0f} ms worst on the GUI thread; chart drawn after "
          f"{statistics.median(chart_ms):.0f} ms median, {max(chart_ms):.0f} ms worst")
    window.close()
    sys.stdout.flush()
    os._exit(0)  # skip interpreter teardown (PySide6 6.12 can crash there; nothing to save)


if __name__ == "__main__":
    raise SystemExit(main())
