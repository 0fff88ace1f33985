"""The open workspace as the app sees it: its file, its latest plan, its undo history."""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QUndoStack
from sqlite_utils import Database

from planner import clock
from planner.planning import (
    PlanningData,
    PlanResult,
    ProgressFn,
    WhatIfSession,
    what_if_session,
)
from planner.store.queries import product_count
from planner.ui.operations import Operation
from planner.ui.plan_index import SkuIndex
from planner.ui.plan_outcome import PlanOutcome, plan_workspace
from planner.ui.plan_process import PlanProcessUnavailable, plan_process
from planner.ui.workers import Task, TaskManager

#: set to 1 to compute plans on a worker thread of the app's own process, not in the planning
#: process (planner/ui/plan_process.py); read when a Session is made
PLAN_IN_THREAD_ENV = "PLANNER_PLAN_IN_THREAD"


def plan_in_the_background(path: Path, as_of: dt.date, progress: ProgressFn, *,
                           in_child_process: bool) -> PlanOutcome:
    """A plan for the workspace (called on a worker thread): from the planning process, or on
    this thread when asked or when that process cannot start."""
    if in_child_process:
        try:
            return plan_process().plan(path, as_of, progress)
        except PlanProcessUnavailable as exc:
            print(f"planning on a thread: {exc}", file=sys.stderr)
    return plan_workspace(path, as_of, progress)


class Session(QObject):
    """One open workspace: a GUI-thread connection for small edits, the plan, undo history."""

    opening = Signal(str)
    workspace_opened = Signal(str)
    open_failed = Signal(str)
    #: the workspace's rows changed (an edit, an import, the demo): store-backed views re-read
    data_changed = Signal()
    plan_started = Signal()
    plan_ready = Signal(object)  # PlanResult
    plan_failed = Signal(str)
    settings_changed = Signal()

    def __init__(self, tasks: TaskManager, parent: QObject | None = None, *,
                 as_of: dt.date | None = None) -> None:
        super().__init__(parent)
        self.tasks = tasks
        self.path: Path | None = None
        self.db: Database | None = None
        #: plans are as of this date (today unless the user, or a test, picks another)
        self.as_of: dt.date = as_of or clock.today()
        self.data: PlanningData | None = None
        self.plan: PlanResult | None = None
        self.plan_seconds: float = 0.0
        self.index: SkuIndex | None = None
        #: plans come from the planning process (else from a worker thread of this one)
        self.plan_in_child_process = os.environ.get(PLAN_IN_THREAD_ENV, "") in ("", "0")
        self._what_if: WhatIfSession | None = None
        self.undo_stack = QUndoStack(self)
        self._plan_task: Task | None = None
        self._replan_timer = QTimer(self)
        self._replan_timer.setSingleShot(True)
        self._replan_timer.setInterval(250)
        self._replan_timer.timeout.connect(self.replan)

    # --- workspace -----------------------------------------------------------------------
    def open(self, path: str | Path, *, replan: bool = True,
             background: bool = True) -> Task | None:
        """Open (creating when new) a workspace file.

        In the background (the default) the file's integrity check, and any migration with its
        backup, run on a worker: seconds for a large workspace. Errors go to ``open_failed`` and
        a dialog. ``background=False`` opens at once and raises WorkspaceError.
        """
        from planner.store import open_workspace

        target = Path(path).resolve()
        if not background:
            self._opened(target, open_workspace(target, create=True), replan)
            return None
        self.opening.emit(str(target))

        def work(progress: ProgressFn) -> None:
            progress(0.1, "checking the file")
            open_workspace(target, create=True).conn.close()

        def done(_result: Any) -> None:
            try:
                db = open_workspace(target, create=True, check=False)  # checked just now
            except Exception as exc:  # noqa: BLE001 - shown to the user
                failed(exc, "")
                return
            self._opened(target, db, replan)

        def failed(exc: BaseException, details: str) -> None:
            from planner.ui.backups import offer_read_only
            from planner.ui.errors import describe, show_error

            if getattr(exc, "read_only_possible", False):
                if not offer_read_only(None, exc):
                    # asked once, answered: no second box repeating why
                    self.open_failed.emit(describe(exc))
                    return
                try:
                    db = open_workspace(target, read_only=True, check=False)
                except Exception as again:  # noqa: BLE001 - shown to the user
                    exc = again
                else:
                    self._opened(target, db, replan)
                    return
            self.open_failed.emit(describe(exc))
            show_error(None, "Cannot open the workspace", exc, details)

        return self.tasks.run(Operation(title=f"Opening {target.name}", progress="status",
                                        cancellable=False, work=work, on_success=done,
                                        on_failure=failed))

    def _opened(self, path: Path, db: Database, replan: bool) -> None:
        self.close()
        self.path = path
        self.db = db
        self.data = None
        self.plan = None
        self.index = None
        self._what_if = None
        self.undo_stack.clear()
        self.workspace_opened.emit(str(self.path))
        self.data_changed.emit()
        if replan and not self.is_empty():
            self.replan()
        elif self.plan_in_child_process:
            plan_process().warm_up()

    def close(self) -> None:
        if self._plan_task is not None:
            self._plan_task.cancel()
        if self.db is not None:
            self.db.conn.close()
            self.db = None

    def is_empty(self) -> bool:
        return self.db is None or product_count(self.db) == 0

    @property
    def currency(self) -> str:
        return str(self.settings().get("currency", "USD"))

    def settings(self) -> dict[str, Any]:
        from planner.store import load_settings

        return load_settings(self.db) if self.db is not None else {}

    # --- edits ---------------------------------------------------------------------------
    def edited(self) -> None:
        """Called after every write to the workspace: views re-read, the plan is redone."""
        self.data_changed.emit()
        self.schedule_replan()

    # --- planning ------------------------------------------------------------------------
    def set_as_of(self, as_of: dt.date) -> None:
        if as_of != self.as_of:
            self.as_of = as_of
            self.schedule_replan()

    def schedule_replan(self) -> None:
        """Replan shortly (several quick edits make one replan)."""
        if self.path is not None:
            self._replan_timer.start()

    @property
    def what_if(self) -> WhatIfSession | None:
        """The engine's what-if session on the current plan (prepared on first use)."""
        if self._what_if is None and self.plan is not None and self.data is not None:
            self._what_if = what_if_session(self.data, self.plan)
        return self._what_if

    def show_outcome(self, outcome: PlanOutcome) -> None:
        """Make a computed plan the current one and tell the views."""
        self.data, self.plan, self.plan_seconds = outcome.data, outcome.plan, outcome.seconds
        self.index = outcome.index
        self._what_if = outcome.what_if
        self.plan_ready.emit(outcome.plan)

    def replan(self) -> Task | None:
        """Recompute the plan in the background; a plan already running is abandoned."""
        self._replan_timer.stop()
        if self.path is None:
            return None
        if self._plan_task is not None and not self._plan_task.done:
            self._plan_task.cancel()
        path, as_of, in_child = self.path, self.as_of, self.plan_in_child_process

        def done(outcome: PlanOutcome) -> None:
            if path == self.path:  # else the user opened another workspace meanwhile
                self.show_outcome(outcome)

        def failed(exc: BaseException, details: str) -> None:
            from planner.ui.errors import describe, show_error

            self.plan_failed.emit(describe(exc))
            show_error(None, "Replanning failed", exc, details)

        self.plan_started.emit()
        task = self.tasks.run(Operation(
            title="Replanning", progress="status", on_success=done, on_failure=failed,
            work=lambda progress: plan_in_the_background(path, as_of, progress,
                                                         in_child_process=in_child)))
        self._plan_task = task
        return task
