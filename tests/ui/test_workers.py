"""Background work: results come back on the GUI thread, cancel is immediate, failures are shown."""

from __future__ import annotations

import threading
import time

import pytest
from PySide6.QtCore import QThread
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from planner.ui.operations import Operation
from planner.ui.workers import Cancelled, TaskManager


@pytest.fixture
def tasks(qtbot):
    """A task manager owned by a window, as in the app (the window outlives its tasks)."""
    owner = QWidget()
    qtbot.addWidget(owner)
    manager = TaskManager(owner)
    yield manager
    manager.shutdown()


def test_results_and_progress_arrive_on_the_gui_thread(qtbot, tasks):
    seen: dict[str, object] = {}
    gui = QThread.currentThread()

    def work(progress):
        seen["worker_thread"] = threading.current_thread().name
        progress(0.5, "halfway")
        return 42

    def done(result):
        seen["result"] = result
        seen["on_gui_thread"] = QThread.currentThread() is gui

    task = tasks.run(Operation("Counting", work, on_success=done, progress="none"))
    task.progressed.connect(lambda f, text: seen.setdefault("progress", (f, text)))
    qtbot.waitUntil(lambda: task.done, timeout=5000)
    assert seen["result"] == 42 and seen["on_gui_thread"] is True
    assert seen["worker_thread"] != threading.main_thread().name


def test_cancel_is_immediate_and_a_late_result_is_dropped(qtbot, tasks):
    release = threading.Event()
    outcome: list[str] = []

    def work(progress):
        release.wait(5)
        progress(0.9, "still going")  # raises Cancelled: the work stops at its next checkpoint
        return "too late"

    task = tasks.run(Operation("Slow", work, on_success=outcome.append, progress="none",
                               on_cancel=lambda: outcome.append("cancelled")))
    task.cancel()
    assert outcome == ["cancelled"] and task.outcome == "cancelled"
    release.set()
    tasks.pool.waitForDone(5000)
    QApplication.processEvents()
    assert outcome == ["cancelled"]


def test_a_failure_reaches_the_caller_with_its_traceback(qtbot, tasks):
    errors: list[tuple[BaseException, str]] = []

    def work(_progress):
        raise ValueError("the file has no header row")

    task = tasks.run(Operation("Reading", work, progress="none",
                               on_failure=lambda exc, details: errors.append((exc, details))))
    qtbot.waitUntil(lambda: task.done, timeout=5000)
    assert isinstance(errors[0][0], ValueError) and "no header row" in errors[0][1]


def test_a_failure_without_a_handler_shows_an_error_dialog(qtbot, tasks):
    task = tasks.run(Operation("Exporting", lambda _p: 1 / 0, progress="none"))
    qtbot.waitUntil(lambda: task.done, timeout=5000)
    boxes = [w for w in QApplication.topLevelWidgets()
             if isinstance(w, QMessageBox) and w.objectName() == "error_dialog" and w.isVisible()]
    # a short title a title bar never cuts; what failed opens the message
    mine = [b for b in boxes if b.windowTitle() == "Not done"
            and b.text().startswith("Exporting failed.")]
    assert mine and "ZeroDivisionError" in mine[-1].detailedText()
    for box in boxes:
        box.close()


def test_the_progress_dialog_cancel_button_cancels(qtbot, tasks):
    from planner.ui.workers import ProgressDialog

    started = threading.Event()

    def work(progress):
        started.set()
        for _ in range(200):
            time.sleep(0.01)
            progress(0.1, "working")
        return "done"

    task = tasks.run(Operation("Long job", work, progress="none"))
    dialog = ProgressDialog(task, None)
    started.wait(5)
    from PySide6.QtWidgets import QPushButton

    dialog.findChild(QPushButton).click()
    assert task.outcome == "cancelled"


def test_uncaught_errors_on_the_gui_thread_are_shown(qtbot, tasks, monkeypatch):
    import sys

    from planner.ui import errors

    shown = []
    monkeypatch.setattr(errors, "show_error", lambda *args, **kw: shown.append(args))
    old = sys.excepthook
    try:
        errors.install_excepthook()
        try:
            raise RuntimeError("boom")
        except RuntimeError:
            sys.excepthook(*sys.exc_info())
    finally:
        sys.excepthook = old
    assert shown and shown[0][1] == "Something went wrong" and "boom" in shown[0][3]


def test_work_that_stops_early_with_cancelled_ends_cancelled_without_an_error(qtbot, tasks):
    calls: list[str] = []

    def work(progress):
        progress(0.2, "started")
        raise Cancelled()

    task = tasks.run(Operation("Stopping early", work, progress="none",
                               on_success=lambda _r: calls.append("success"),
                               on_failure=lambda _e, _d: calls.append("failure"),
                               on_cancel=lambda: calls.append("cancelled")))
    qtbot.waitUntil(lambda: task.done, timeout=5000)
    assert task.outcome == "cancelled" and calls == ["cancelled"]


@pytest.mark.parametrize("outcome", ["success", "failure"])
def test_the_progress_window_is_gone_before_the_result_is_shown(qtbot, tasks, outcome):
    # "Back up now" left a modal "Backing up… 10%" window on top of the "Backup written" box.
    from PySide6.QtWidgets import QProgressDialog

    tasks.dialog_parent = tasks.parent()
    tasks.parent().show()
    seen: dict[str, list[bool]] = {}

    def work(progress):
        progress(0.1, "copying")
        time.sleep(0.8)  # longer than the dialog's minimum duration: it is on screen
        if outcome == "failure":
            raise OSError("disk full")
        return "done"

    def progress_windows_on_screen(*_args):
        seen["visible"] = [w.isVisible() for w in QApplication.topLevelWidgets()
                           if isinstance(w, QProgressDialog)]

    task = tasks.run(Operation("Backing up", work, on_success=progress_windows_on_screen,
                               on_failure=progress_windows_on_screen, progress="dialog"))
    qtbot.waitUntil(lambda: any(w.isVisible() for w in QApplication.topLevelWidgets()
                                if isinstance(w, QProgressDialog)), timeout=5000)
    qtbot.waitUntil(lambda: task.done, timeout=5000)
    assert "visible" in seen and not any(seen["visible"])
