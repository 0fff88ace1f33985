"""Entry point of the frozen app: the `planner` command, which opens the desktop app by default.

Set PLANNER_STARTUP_PROBE=1 to print, once the event loop first runs with the main window shown,
"startup probe: window usable at <unix time>" (packaging/smoke_test.sh times cold start with it);
PLANNER_STARTUP_PROBE=exit also quits the app right then (bench/bench_packaging.py).
"""

from __future__ import annotations

import os
import sys
import time


def _quiet_streams() -> None:
    """A windowed Windows/macOS build has no console: give print() somewhere to go."""
    for name in ("stdout", "stderr"):
        if getattr(sys, name) is None:
            setattr(sys, name, open(os.devnull, "w", encoding="utf-8"))  # noqa: SIM115


def _install_startup_probe(*, then_quit: bool) -> None:
    """Report when the GUI event loop first turns (the window is drawn and answers input)."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])

    def report() -> None:
        print(f"startup probe: window usable at {time.time():.3f}", flush=True)
        if then_quit:
            app.quit()

    # Two turns: the first delivers the window's first expose and paint, the second reports.
    QTimer.singleShot(0, lambda: QTimer.singleShot(0, report))


def main() -> int:
    """Run the `planner` command line (GUI when no command is given)."""
    import multiprocessing

    # The app plans in a spawned child process: in a frozen build the child is this executable
    # again, and freeze_support() turns it into the worker (or the resource tracker) and exits.
    multiprocessing.freeze_support()
    _quiet_streams()
    probe = os.environ.get("PLANNER_STARTUP_PROBE", "")
    if probe:
        _install_startup_probe(then_quit=probe == "exit")
    from planner.cli import main as planner_main

    return planner_main()


if __name__ == "__main__":
    sys.exit(main())
