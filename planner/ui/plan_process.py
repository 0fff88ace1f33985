"""The app's planning process: a child Python process that computes plans, so that the
engine's pandas work (which holds Python's GIL for up to a second at a time) never freezes the
window. The child sends back a compact outcome (no daily history, big string columns as
categories), in pieces (plan_transfer.py).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import sys
import threading
import traceback
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from planner.planning import ProgressFn
from planner.ui.plan_outcome import PlanOutcome, plan_workspace
from planner.ui.plan_transfer import from_pieces, to_pieces


def serve(conn: Any) -> None:
    """The child process: compute plans for (path, as_of) requests until told to stop."""
    import os

    if hasattr(os, "nice"):
        os.nice(5)  # background work: the window's own process gets the CPU first
    from planner.planning import import_engine

    import_engine()  # warm up: the first plan should not pay for imports

    conn.send(("ready",))
    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError):
            return
        if request is None:
            return
        path, as_of = request
        try:
            outcome = plan_workspace(path, as_of, lambda f, w: conn.send(("progress", f, w)),
                                     compact=True)
            for name, blob in to_pieces(outcome):
                conn.send(("piece", name, blob))
            conn.send(("done",))
        except BaseException as exc:  # noqa: BLE001 - every failure goes back to the app
            details = traceback.format_exc()
            try:
                conn.send(("error", exc, details))
            except Exception:  # noqa: BLE001 - an exception that does not pickle
                conn.send(("error", RuntimeError(f"{type(exc).__name__}: {exc}"), details))


@contextlib.contextmanager
def _main_module_hidden() -> Iterator[None]:
    """Start children without re-running the parent's main script in them.

    A spawned child normally imports the parent's ``__main__`` (a script, ``python -m planner``,
    pytest...); the planning process needs only this module, and a main script without the
    ``if __name__ == "__main__"`` guard would start the app again. A frozen app still needs
    ``multiprocessing.freeze_support()`` at the top of its entry point.
    """
    main = sys.modules.get("__main__")
    saved = {name: getattr(main, name) for name in ("__spec__", "__file__") if hasattr(main, name)}
    try:
        if main is not None:
            main.__spec__ = None
            if hasattr(main, "__file__"):
                del main.__file__
        yield
    finally:
        for name, value in saved.items():
            setattr(main, name, value)


class PlanProcessUnavailable(RuntimeError):
    """The planning process could not be started (the caller plans on a thread instead)."""


class PlanProcess:
    """A child Python process that computes plans; started on first use, killed on cancel.

    ``plan`` is called from a worker thread and blocks it (not the GUI thread) until the plan
    arrives; ``progress`` is called about five times a second and may raise to cancel, which
    kills the child (a fresh one is started for the next plan).
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._process: Any = None
        self._conn: Any = None

    def warm_up(self) -> None:
        """Start the child now so the first plan does not wait for its imports."""
        with self._lock:
            self._ensure()

    def _ensure(self) -> None:
        if self._process is not None and self._process.is_alive():
            return
        import multiprocessing

        try:
            context = multiprocessing.get_context("spawn")
            parent, child = context.Pipe()
            process = context.Process(target=serve, args=(child,), name="planner-plans",
                                      daemon=True)
            with _main_module_hidden():
                process.start()
        except (OSError, RuntimeError, ValueError) as exc:
            raise PlanProcessUnavailable(f"cannot start the planning process: {exc}") from exc
        child.close()
        self._process, self._conn = process, parent

    def plan(self, path: str | Path, as_of: dt.date, progress: ProgressFn) -> PlanOutcome:
        """A plan, computed in the child."""
        with self._lock:
            self._ensure()
            fraction, what = 0.0, "starting the planning process"
            pieces: list[tuple[str, bytes]] = []
            self._conn.send((str(path), as_of))
            while True:
                try:
                    progress(fraction, what)
                except BaseException:
                    self._kill()
                    raise
                if not self._conn.poll(0.2):
                    if not self._process.is_alive():
                        self._kill()
                        raise RuntimeError("the planning process stopped unexpectedly")
                    continue
                message = self._conn.recv()
                if message[0] == "ready":
                    what = "reading the workspace"
                elif message[0] == "progress":
                    fraction, what = message[1], message[2]
                elif message[0] == "piece":
                    pieces.append((message[1], message[2]))
                    what = "receiving the plan"
                elif message[0] == "done":
                    return from_pieces(pieces)
                elif message[0] == "error":
                    exc, details = message[1], message[2]
                    exc.planner_details = details  # the child's traceback, for the dialog
                    raise exc

    def _kill(self) -> None:
        if self._process is not None:
            self._process.kill()
            self._process.join(5)
        if self._conn is not None:
            self._conn.close()
        self._process, self._conn = None, None

    def stop(self) -> None:
        """End the child (at exit)."""
        with self._lock:
            if self._conn is not None:
                try:
                    self._conn.send(None)
                except OSError:
                    pass
            if self._process is not None:
                self._process.join(2)
            self._kill()


_plan_process: PlanProcess | None = None


def plan_process() -> PlanProcess:
    """The app's one planning process."""
    global _plan_process
    if _plan_process is None:
        import atexit

        _plan_process = PlanProcess()
        atexit.register(_plan_process.stop)
    return _plan_process
