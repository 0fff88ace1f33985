"""Computing a plan for the app, with no Qt: in a worker thread or in a separate process.

The app computes plans in a child process (``PlanProcess``): the engine's pandas work holds
Python's GIL for up to a second at a time, which would freeze the window if it ran on a thread
of the GUI's own interpreter. The child sends back a compact outcome (no daily history, big
string columns as categories, per-SKU frames sorted by SKU), so unpickling it is mostly memory
copies.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

ProgressFn = Callable[[float, str], None]


class SkuIndex:
    """A SKU's rows of the plan's long frames without a scan.

    Per frame: the row numbers grouped by SKU (one int array) and where each SKU's group starts.
    Small to send between processes and quick to unpickle (no per-SKU objects but one dict).
    """

    FRAMES = ("history_weekly", "forecast_weekly", "backorder_lines", "open_po_lines")

    def __init__(self, plan: Any, po_lines: pd.DataFrame | None = None) -> None:
        sources = {name: getattr(plan, name, None) for name in self.FRAMES}
        sources["po_lines"] = po_lines
        sources = {k: v for k, v in sources.items()
                   if v is not None and "sku" in getattr(v, "columns", [])}
        every = pd.Index(np.unique(np.concatenate(
            [v["sku"].astype(str).to_numpy() for v in sources.values()] or [np.array([], str)])))
        self._code = {sku: i for i, sku in enumerate(every.tolist())}
        self._frames: dict[str, pd.DataFrame] = {}
        self._groups: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        for name, frame in sources.items():
            codes = every.get_indexer(frame["sku"].astype(str).to_numpy())
            order = np.argsort(codes, kind="stable").astype(np.int64)
            starts = np.searchsorted(codes[order], np.arange(len(every) + 1)).astype(np.int64)
            self._frames[name] = frame
            self._groups[name] = (order, starts)

    def __getstate__(self) -> dict[str, Any]:
        # the frames travel with the plan; attach() puts them back
        return {"_code": self._code, "_groups": self._groups,
                "_frames": dict.fromkeys(self._frames)}

    def attach(self, plan: Any, po_lines: pd.DataFrame | None) -> SkuIndex:
        """Point the index at the plan's frames (after unpickling)."""
        self._frames = {name: (po_lines if name == "po_lines" else getattr(plan, name))
                        for name in self._frames}
        return self

    def rows(self, name: str, sku: str) -> pd.DataFrame:
        """One SKU's rows of a frame, in their original order (empty when none)."""
        frame = self._frames.get(name)
        if frame is None:
            return pd.DataFrame()
        code = self._code.get(str(sku))
        if code is None:
            return frame.iloc[0:0]
        order, starts = self._groups[name]
        return frame.iloc[order[starts[code]:starts[code + 1]]]


@dataclass
class PlanOutcome:
    """A plan and the frames it was computed from (what-if reuses the frames)."""

    data: Any  # planner.planning.PlanningData
    plan: Any  # planner.planning.PlanResult
    seconds: float
    index: SkuIndex | None = None
    what_if: Any = None  # planner.engine.whatif.WhatIfSession


def compute_plan(path: str | Path, as_of: dt.date, progress: ProgressFn, *,
                 compact: bool = False) -> PlanOutcome:
    """Load the workspace's frames and run the full plan (here, on this thread).

    ``compact`` makes the outcome cheap to send to another process (see ``compact_plan``).
    """
    from planner.planning import load_planning_data, run_plan, what_if_session
    from planner.store import open_workspace

    start = time.perf_counter()
    progress(0.0, "reading the workspace")
    db = open_workspace(path, read_only=True, check=False)
    try:
        data = load_planning_data(db, as_of)
    finally:
        db.conn.close()
    plan = run_plan(data, progress=lambda f, what: progress(0.05 + 0.9 * f, what))
    progress(0.97, "indexing the plan")
    if compact:
        compact_plan(plan)
        data = replace(data, daily_demand=data.daily_demand.iloc[0:0])
        session = None  # built where it is used (Session.what_if, planning.what_if_session)
    else:
        session = what_if_session(data, plan)
    index = SkuIndex(plan, data.po_lines)
    return PlanOutcome(data=data, plan=plan, seconds=time.perf_counter() - start, index=index,
                       what_if=session)


def compact_plan(plan: Any) -> None:
    """Big string columns as categories: unpickling them is then a memory copy, not a million
    string objects made while holding the GIL."""
    for name in ("history_weekly", "forecast_weekly"):
        frame = getattr(plan, name)
        if len(frame) and not isinstance(frame["sku"].dtype, pd.CategoricalDtype):
            setattr(plan, name, frame.assign(sku=frame["sku"].astype("category")))


# --- sending an outcome in pieces ---------------------------------------------------------------
#: frames are cut into pieces of this many rows; suggestions into lists of this many
PIECE_ROWS = 10_000
PIECE_SUGGESTIONS = 25


def _frame_fields(holder: Any) -> list[str]:
    return [f.name for f in fields(holder) if isinstance(getattr(holder, f.name), pd.DataFrame)]


def _has_text(frame: pd.DataFrame) -> bool:
    return any(pd.api.types.is_object_dtype(dtype) or pd.api.types.is_string_dtype(dtype)
               for dtype in frame.dtypes if not isinstance(dtype, pd.CategoricalDtype))


def to_pieces(outcome: PlanOutcome) -> Iterator[tuple[str, bytes]]:
    """An outcome as separately pickled pieces (every frame cut by rows): unpickling them one
    by one, with the GIL free in between, never stalls the receiving app's GUI thread for long."""
    import pickle

    def dump(value: Any) -> bytes:
        return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)

    emptied: dict[str, dict[str, Any]] = {"data": {}, "plan": {}}
    for owner, holder in (("data", outcome.data), ("plan", outcome.plan)):
        for name in _frame_fields(holder):
            frame = getattr(holder, name)
            # numbers, dates and categories unpickle as memory copies: one piece; text columns
            # make an object per cell: cut by rows
            step = PIECE_ROWS if _has_text(frame) else max(len(frame), 1)
            for first in range(0, max(len(frame), 1), step):
                yield f"{owner}.{name}", dump(frame.iloc[first:first + step])
            emptied[owner][name] = None
    suggestions = outcome.plan.purchase_suggestions
    for first in range(0, len(suggestions), PIECE_SUGGESTIONS):
        yield "plan.purchase_suggestions", dump(suggestions[first:first + PIECE_SUGGESTIONS])
    rest = replace(outcome, index=None, data=replace(outcome.data, **emptied["data"]),
                   plan=replace(outcome.plan, purchase_suggestions=None, **emptied["plan"]))
    yield "rest", dump(rest)
    yield "index", dump(outcome.index)


def from_pieces(pieces: Iterable[tuple[str, bytes]]) -> PlanOutcome:
    """The outcome back from ``to_pieces``; the SKU index is pointed at the new frames.

    The pieces come only from this app's own planning process (over its pipe), never from a
    file. Python's cyclic garbage collector is paused while they are unpickled, so that it does
    not scan the hundreds of thousands of new objects mid-way; it runs again normally after
    (old plans are collected like anything else).
    """
    import gc

    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _from_pieces(pieces)
    finally:
        if was_enabled:
            gc.enable()


def _from_pieces(pieces: Iterable[tuple[str, bytes]]) -> PlanOutcome:
    import pickle

    parts: dict[str, list[Any]] = {}
    for name, blob in pieces:
        parts.setdefault(name, []).append(pickle.loads(blob))
        time.sleep(0)  # let the GUI thread have the GIL between pieces
    outcome = parts.pop("rest")[0]
    index = parts.pop("index")[0]
    suggestions = [s for chunk in parts.pop("plan.purchase_suggestions", []) for s in chunk]
    frames: dict[str, dict[str, pd.DataFrame]] = {"data": {}, "plan": {}}
    for dotted, chunks in parts.items():
        owner, name = dotted.split(".")
        frames[owner][name] = chunks[0] if len(chunks) == 1 else pd.concat(chunks)
        time.sleep(0)
    data = replace(outcome.data, **frames["data"])
    plan = replace(outcome.plan, purchase_suggestions=suggestions, **frames["plan"])
    return replace(outcome, data=data, plan=plan,
                   index=index.attach(plan, data.po_lines) if index is not None else None)


# --- the planning process ----------------------------------------------------------------------
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
            outcome = compute_plan(path, as_of, lambda f, w: conn.send(("progress", f, w)),
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

    ``compute`` is called from a worker thread and blocks it (not the GUI thread) until the plan
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

    def compute(self, path: str | Path, as_of: dt.date, progress: ProgressFn) -> PlanOutcome:
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
