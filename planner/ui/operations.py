"""The app's background operations: an :class:`Operation` (work plus what to do with its
outcome, run by workers.TaskManager) and the work itself, as plain functions with no widgets.

Each opens its own connection to the workspace (the GUI thread keeps its own for small edits).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from planner.errors import InputError
from planner.store.queries import product_count
from planner.ui.workers import ProgressFn, worker_db


@dataclass
class Operation:
    """Work for a background thread and what to do with its outcome on the GUI thread."""

    title: str
    work: Callable[[ProgressFn], Any]
    on_success: Callable[[Any], None] | None = None
    #: called with the exception and its formatted traceback; None shows the error dialog
    on_failure: Callable[[BaseException, str], None] | None = None
    on_cancel: Callable[[], None] | None = None
    cancellable: bool = True
    #: "dialog" (window-modal progress dialog), "status" (status-bar progress), or "none"
    progress: str = "dialog"


def po_lines(path: str | Path, as_of: dt.date) -> pd.DataFrame:
    """Every PO line, with the projection's ``overdue`` as of ``as_of``."""
    from planner.planning import purchase_order_lines

    with worker_db(path) as db:
        return purchase_order_lines(db, as_of)


def po_history(path: str | Path, po_number: str) -> pd.DataFrame:
    """A PO's audit trail, newest first."""
    from planner.store import po_life

    with worker_db(path) as db:
        return po_life.history(db, po_number)


def po_line_fields(path: str | Path, columns: list[str]) -> pd.DataFrame:
    """Some columns of every PO line."""
    from planner.store.queries import po_line_fields as fields

    with worker_db(path) as db:
        return fields(db, columns)


def supplier_rows(path: str | Path) -> pd.DataFrame:
    """Every supplier with its product and open-PO counts (store.queries.supplier_rows)."""
    from planner.store.queries import supplier_rows as rows

    with worker_db(path) as db:
        return rows(db)


def fill_with_demo(path: str | Path, skus: int, progress: ProgressFn,
                   as_of: dt.date | None = None, years: float | None = None) -> None:
    """Write the demo business into an empty workspace."""
    from planner.demo import write_demo

    progress(0.05, f"writing a demo business with {skus} products")
    kwargs: dict[str, Any] = {"skus": skus, "as_of": as_of,
                              "progress": lambda f, what: progress(0.05 + 0.9 * f, what)}
    if years is not None:
        kwargs["years"] = years
    with worker_db(path) as db:
        if product_count(db):
            raise InputError(f"{path} already holds data; the demo only fills an empty workspace")
        write_demo(db, **kwargs)
    progress(1.0, "done")


def import_into(path: str | Path, files: list[str], progress: ProgressFn,
                kind: str | None = None, date_format: str | None = None) -> list[Any]:
    """Import files into the workspace (all or nothing per the importers' rules)."""
    import getpass

    from planner.store.importers import import_files

    progress(0.02, f"checking {len(files)} file(s)")
    with worker_db(path) as db:
        return import_files(db, [Path(f) for f in files], kind=kind, date_format=date_format,
                            user=getpass.getuser(),
                            progress=lambda f: progress(0.02 + 0.96 * f, "importing"))


@dataclass
class FilePreview:
    """The importer's view of a file: its kind (None: not recognised), first rows, problems."""

    kind: str | None
    rows: pd.DataFrame
    problems: list[Any]


def preview(files: list[str], kind: str | None = None,
            date_format: str | None = None) -> list[FilePreview | Exception]:
    """What each file looks like to the importer; a file that cannot be read gives its error."""
    from planner.store.importers import preview_file

    out: list[FilePreview | Exception] = []
    for f in files:
        try:
            found, rows, problems = preview_file(Path(f), kind=kind, date_format=date_format)
            out.append(FilePreview(found, rows, list(problems)))
        except Exception as exc:  # noqa: BLE001 - a preview problem is shown next to the file
            out.append(exc)
    return out


def compute_accuracy(path: str | Path, as_of: dt.date, weeks: int, progress: ProgressFn,
                     data: Any = None) -> Any:
    """Score the forecast on the last ``weeks`` weeks (planning.forecast_accuracy); ``data``
    (the plan's PlanningData for the same as-of) saves reading the workspace again, unless the
    plan worker left its demand out (compact outcomes do)."""
    from planner.planning import forecast_accuracy, load_planning_data

    if data is None or data.as_of != as_of or not len(data.daily_demand):
        progress(0.02, "reading the workspace")
        with worker_db(path) as db:
            data = load_planning_data(db, as_of)
    return forecast_accuracy(data, weeks=weeks,
                             progress=lambda f, what: progress(0.1 + 0.9 * f, what))


def replay_span(path: str | Path, start: dt.date, end: dt.date, every: int,
                progress: ProgressFn) -> Any:
    """Replay the plan from ``start`` to ``end`` (planning.replay); Cancel stops it between
    reviews (the progress call raises)."""
    from planner.planning import replay

    progress(0.01, "reading the workspace")
    with worker_db(path) as db:
        return replay(db, start, end, every, progress=progress)
