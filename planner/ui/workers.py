"""Background operations: work runs on a thread pool; results and errors come back on the GUI
thread.

An :class:`~planner.ui.operations.Operation` is plain work (a function taking a progress
callback) plus what to do with its outcome. The work never touches widgets and opens its own SQLite connection
(:func:`worker_db`); callbacks run on the GUI thread. Cancelling is cooperative: the progress
callback raises :class:`Cancelled` at the work's next checkpoint, and the caller hears about the
cancel at once (a late result is dropped).
"""

from __future__ import annotations

import contextlib
import threading
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal, Slot
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QProgressDialog,
    QPushButton,
    QWidget,
)

from planner.planning import ProgressFn

if TYPE_CHECKING:
    from planner.ui.operations import Operation


class Cancelled(Exception):
    """The user cancelled a background operation."""


@contextlib.contextmanager
def worker_db(path: str | Path) -> Iterator[Any]:
    """A connection of the worker's own to an existing workspace, closed afterwards; read-only
    when the workspace can only be read (open for writing elsewhere, or from a newer Planner),
    so reads work and writes fail with a clear error."""
    from planner.store import WorkspaceError, open_workspace

    try:
        db = open_workspace(path, create=False)
    except WorkspaceError as exc:
        if not getattr(exc, "read_only_possible", False):
            raise
        db = open_workspace(path, read_only=True, check=False)
    try:
        yield db
    finally:
        db.conn.close()


class _Emitter(QObject):
    """Signals emitted from the worker thread; Qt's queued connections deliver them to the GUI."""

    progressed = Signal(float, str)
    succeeded = Signal(object)
    failed = Signal(object, str)
    cancelled = Signal()


class _Runnable(QRunnable):
    def __init__(self, work: Callable[[ProgressFn], Any], emitter: _Emitter,
                 cancel_event: threading.Event) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._work = work
        self._emitter = emitter
        self._cancel = cancel_event

    def _progress(self, fraction: float, text: str) -> None:
        if self._cancel.is_set():
            raise Cancelled()
        try:
            self._emitter.progressed.emit(float(fraction), str(text))
        except RuntimeError:
            raise Cancelled() from None

    def run(self) -> None:
        try:
            if self._cancel.is_set():
                raise Cancelled()
            result = self._work(self._progress)
        except Cancelled:
            self._emit(self._emitter.cancelled)
        except BaseException as exc:  # noqa: BLE001 - every failure goes back to the GUI thread
            self._emit(self._emitter.failed, exc, traceback.format_exc())
        else:
            self._emit(self._emitter.succeeded, result)

    def _emit(self, signal: Any, *args: Any) -> None:
        try:
            signal.emit(*args)
        except RuntimeError:
            pass  # the app is closing and its objects are gone: nobody is waiting for this


class Task(QObject):
    """One running operation, seen from the GUI thread."""

    progressed = Signal(float, str)
    #: the work is over, before its callbacks run: progress windows close on it, so that a
    #: result box the callback shows is never under a progress window
    ended = Signal()
    finished = Signal()  # after any outcome and its callback, once

    def __init__(self, operation: Operation, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.operation = operation
        self.cancel_event = threading.Event()
        self.done = False
        self.outcome = ""  # "success", "failure" or "cancelled"
        self.error: BaseException | None = None
        self.result: Any = None
        self._emitter = _Emitter()
        self._emitter.progressed.connect(self._on_progress, Qt.ConnectionType.QueuedConnection)
        self._emitter.succeeded.connect(self._on_success, Qt.ConnectionType.QueuedConnection)
        self._emitter.failed.connect(self._on_failure, Qt.ConnectionType.QueuedConnection)
        self._emitter.cancelled.connect(self._on_cancelled, Qt.ConnectionType.QueuedConnection)

    def runnable(self) -> QRunnable:
        return _Runnable(self.operation.work, self._emitter, self.cancel_event)

    def cancel(self) -> None:
        """Ask the work to stop; the caller's on_cancel runs now and any late result is dropped."""
        if self.done:
            return
        self.cancel_event.set()
        self._on_cancelled()

    def _finish(self, outcome: str) -> bool:
        if self.done:
            return False
        self.done = True
        self.outcome = outcome
        return True

    @Slot(float, str)
    def _on_progress(self, fraction: float, text: str) -> None:
        if not self.done:
            self.progressed.emit(fraction, text)

    @Slot(object)
    def _on_success(self, result: Any) -> None:
        if not self._finish("success"):
            return
        self.ended.emit()
        self.result = result
        try:
            if self.operation.on_success is not None:
                self.operation.on_success(result)
        finally:
            self.finished.emit()

    @Slot(object, str)
    def _on_failure(self, exc: BaseException, details: str) -> None:
        if not self._finish("failure"):
            return
        self.ended.emit()
        self.error = exc
        try:
            if self.operation.on_failure is not None:
                self.operation.on_failure(exc, details)
            else:
                from planner.ui.errors import show_error

                show_error(None, "Not done", exc, details,
                           headline=f"{self.operation.title} failed.")
        finally:
            self.finished.emit()

    @Slot()
    def _on_cancelled(self) -> None:
        if not self._finish("cancelled"):
            return
        self.ended.emit()
        try:
            if self.operation.on_cancel is not None:
                self.operation.on_cancel()
        finally:
            self.finished.emit()


class ProgressDialog(QProgressDialog):
    """A window-modal progress dialog for one task, with a working Cancel button."""

    def __init__(self, task: Task, parent: QWidget | None) -> None:
        cancel_text = "Cancel" if task.operation.cancellable else ""
        super().__init__(task.operation.title + "…", cancel_text, 0, 1000, parent)
        self.setWindowTitle(task.operation.title)
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setMinimumDuration(400)
        self.setAutoClose(False)
        self.setAutoReset(False)
        self.setValue(0)
        if not task.operation.cancellable:
            self.setCancelButton(None)
        self._task = task
        task.progressed.connect(self._on_progress)
        task.ended.connect(self._on_finished)
        self.canceled.connect(task.cancel)

    @Slot(float, str)
    def _on_progress(self, fraction: float, text: str) -> None:
        self.setValue(int(max(0.0, min(1.0, fraction)) * 1000))
        if text:
            self.setLabelText(f"{self._task.operation.title}: {text}")

    @Slot()
    def _on_finished(self) -> None:
        self.canceled.disconnect(self._task.cancel)
        self.close()
        self.deleteLater()


class StatusProgress(QWidget):
    """A slim progress bar with a Cancel button in the status bar (the window stays usable)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.label = QLabel()
        self.bar = QProgressBar()
        self.bar.setRange(0, 1000)
        self.bar.setMaximumWidth(160)
        self.bar.setTextVisible(False)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setFlat(True)
        layout.addWidget(self.label)
        layout.addWidget(self.bar)
        layout.addWidget(self.cancel_button)
        self._task: Task | None = None
        self.cancel_button.clicked.connect(self._cancel)
        self.hide()

    def track(self, task: Task) -> None:
        self._task = task
        self.label.setText(task.operation.title + "…")
        self.bar.setValue(0)
        self.cancel_button.setVisible(task.operation.cancellable)
        task.progressed.connect(self._on_progress)
        task.ended.connect(lambda: self._on_finished(task))
        self.show()

    def _cancel(self) -> None:
        if self._task is not None:
            self._task.cancel()

    @Slot(float, str)
    def _on_progress(self, fraction: float, text: str) -> None:
        self.bar.setValue(int(max(0.0, min(1.0, fraction)) * 1000))
        if text and self._task is not None:
            self.label.setText(f"{self._task.operation.title}: {text}")

    def _on_finished(self, task: Task) -> None:
        if task is self._task:
            self._task = None
            self.hide()


class TaskManager(QObject):
    """Runs operations on its own thread pool and keeps them alive until they finish."""

    busy_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None, *, threads: int = 2) -> None:
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(threads)
        self._tasks: list[Task] = []
        self.status_progress: StatusProgress | None = None
        self.dialog_parent: QWidget | None = None

    @property
    def busy(self) -> bool:
        return bool(self._tasks)

    def run(self, operation: Operation) -> Task:
        """Start an operation; its callbacks run later on the GUI thread."""
        task = Task(operation, self)
        self._tasks.append(task)
        task.finished.connect(lambda: self._forget(task))
        if operation.progress == "dialog":
            ProgressDialog(task, self.dialog_parent)
        elif operation.progress == "status" and self.status_progress is not None:
            self.status_progress.track(task)
        if len(self._tasks) == 1:
            self.busy_changed.emit(True)
        self.pool.start(task.runnable())
        return task

    def _forget(self, task: Task) -> None:
        if task in self._tasks:
            self._tasks.remove(task)
            task.deleteLater()  # after the signals already queued to it; later ones are dropped
        if not self._tasks:
            self.busy_changed.emit(False)

    def cancel_all(self) -> None:
        for task in list(self._tasks):
            task.cancel()

    def shutdown(self, timeout_ms: int = 5000) -> None:
        """Cancel what is running and wait for the threads (on quit)."""
        self.cancel_all()
        self.pool.waitForDone(timeout_ms)
