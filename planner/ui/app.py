"""Starting the desktop app: `planner gui [PATH] [--demo]` ends up in :func:`run_app`."""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from planner.ui import errors, paths, platform_check

#: the smoke test gives up (exit 1) after this long
SMOKE_TEST_TIMEOUT_S = 240
SMOKE_TEST_SKUS = 30


def application(argv: list[str] | None = None) -> QApplication:
    """The QApplication, created once with the app's names and icon."""
    app = QApplication.instance()
    if app is None:
        platform_check.exit_if_window_libraries_missing()
        app = QApplication(argv or sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName(paths.APP_NAME)
    app.setOrganizationName(paths.APP_NAME)
    app.setApplicationDisplayName(paths.APP_NAME)
    app.setDesktopFileName("planner")
    icon = Path(__file__).resolve().parents[1] / "resources" / "planner.svg"
    if icon.exists():
        app.setWindowIcon(QIcon(str(icon)))
    return app


def choose_workspace(path: str | None, *, demo: bool) -> Path:
    """The workspace to open: the given one, else the last one used, else the default one.

    ``--demo`` without a path means the demo's own workspace (filled when empty), never the
    user's default one.
    """
    if path:
        return Path(path).expanduser()
    if demo:
        return paths.demo_workspace_path()
    last = paths.last_workspace()
    if last is not None:
        return last
    return paths.default_workspace_path()


def run_app(path: str | None = None, *, demo: bool = False, smoke_test: bool = False) -> int:
    """Open the main window on a workspace and run until it closes; returns the exit status.

    ``demo`` fills an empty workspace with demo data first. ``smoke_test`` opens the window on a
    demo workspace (a temporary one when no path is given), replans, exports the PDFs to a
    temporary folder and exits 0, or 1 on any failure.
    """
    from planner.ui.main_window import MainWindow

    app = application()
    errors.install_excepthook()
    if smoke_test:
        errors.modal_dialogs = False
        target = Path(path) if path else Path(tempfile.mkdtemp(prefix="planner-smoke-")) / "demo.db"
    else:
        target = choose_workspace(path, demo=demo)
    window = MainWindow()
    window.show()
    if demo or smoke_test:
        def fill_when_empty(_path: str) -> None:
            window.session.workspace_opened.disconnect(fill_when_empty)
            if window.session.is_empty():
                window.fill_demo(skus=SMOKE_TEST_SKUS if smoke_test else 60)

        window.session.workspace_opened.connect(fill_when_empty)
    if smoke_test:
        window.session.open_failed.connect(lambda message: app.exit(1))
        SmokeTest(app, window).start()
    if not window.open_workspace(target):
        return 1 if smoke_test else 0
    return app.exec()


class SmokeTest:
    """Replan, export the PDFs, quit: proves a build can plan and print."""

    def __init__(self, app: QApplication, window: Any) -> None:
        self.app = app
        self.window = window
        self.started = time.perf_counter()
        self.out_dir = Path(tempfile.mkdtemp(prefix="planner-smoke-pdf-"))
        self.status = 1

    def start(self) -> None:
        session = self.window.session
        session.plan_ready.connect(self._planned)
        session.plan_failed.connect(lambda message: self._fail(f"replan failed: {message}"))
        QTimer.singleShot(SMOKE_TEST_TIMEOUT_S * 1000, lambda: self._fail("timed out"))


    def _planned(self, plan: Any) -> None:
        print(f"smoke test: window up, plan of {len(plan.skus)} SKUs in "
              f"{time.perf_counter() - self.started:.1f} s", flush=True)
        self.window.pdfs_exported.connect(self._exported)
        task = self.window.export_pdfs(str(self.out_dir))
        if task is None:
            self._fail("nothing to export")
            return
        task.finished.connect(lambda: task.outcome != "success" and self._fail(
            f"PDF export failed: {task.error}"))

    def _exported(self, files: list[str]) -> None:
        pdfs = [f for f in files if f.endswith(".pdf") and Path(f).stat().st_size > 0]
        if not pdfs:
            self._fail("no PDF written")
            return
        print(f"smoke test: {len(pdfs)} PDF(s) in {self.out_dir}; ok "
              f"({time.perf_counter() - self.started:.1f} s)", flush=True)
        self.status = 0
        self._quit()

    def _fail(self, why: str) -> None:
        if self.status == 0:
            return
        print(f"smoke test FAILED: {why}", file=sys.stderr, flush=True)
        self.status = 1
        self._quit()

    def _quit(self) -> None:
        self.window.close()
        self.app.exit(self.status)
