"""Sending a plan from the planning process to the app in pieces (pickled over the pipe between
the two, never written to or read from a file): the app unpickles them one by one, so its GUI
thread never waits long for the GIL."""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from dataclasses import fields, replace
from typing import Any

import pandas as pd

from planner.ui.plan_outcome import PlanOutcome

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
