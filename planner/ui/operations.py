"""The work behind the app's background operations: plain functions, no widgets.

Each opens its own connection to the workspace (the GUI thread keeps its own for small edits).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from planner.ui.workers import ProgressFn, worker_db


class SkuIndex:
    """Row positions per SKU in the plan's long frames, so a SKU's rows are found without a scan."""

    FRAMES = ("history_weekly", "forecast_weekly", "backorder_lines", "open_po_lines")

    def __init__(self, plan: Any, po_lines: pd.DataFrame | None = None) -> None:
        self._frames: dict[str, pd.DataFrame] = {}
        self._rows: dict[str, dict[str, Any]] = {}
        sources = {name: getattr(plan, name, None) for name in self.FRAMES}
        sources["po_lines"] = po_lines
        for name, frame in sources.items():
            if frame is None or "sku" not in getattr(frame, "columns", []):
                continue
            self._frames[name] = frame
            self._rows[name] = frame.groupby(frame["sku"].astype(str), sort=False).indices

    def rows(self, name: str, sku: str) -> pd.DataFrame:
        """One SKU's rows of a frame (empty when none)."""
        frame = self._frames.get(name)
        if frame is None:
            return pd.DataFrame()
        positions = self._rows[name].get(str(sku))
        if positions is None:
            return frame.iloc[0:0]
        return frame.iloc[positions]


@dataclass
class PlanOutcome:
    """A plan and the frames it was computed from (what-if reuses the frames)."""

    data: Any  # planner.planning.PlanningData
    plan: Any  # planner.planning.PlanResult
    seconds: float
    index: SkuIndex | None = None
    what_if: Any = None  # planner.engine.whatif.WhatIfSession


def daily_from_weekly(forecast_weekly: pd.DataFrame, as_of: dt.date,
                      horizon_days: int) -> pd.DataFrame:
    """A SKU x date demand matrix from the weekly forecast (each week spread evenly over its days).

    Used only when the plan does not carry its daily forecast.
    """
    if forecast_weekly.empty:
        return pd.DataFrame()
    wide = forecast_weekly.pivot_table(index="sku", columns="week_start", values="forecast",
                                       aggfunc="sum").fillna(0.0)
    starts = pd.DatetimeIndex(pd.to_datetime(wide.columns))
    values = np.repeat(wide.to_numpy(float) / 7.0, 7, axis=1)
    dates = (np.repeat(starts.to_numpy("datetime64[D]"), 7)
             + np.tile(np.arange(7), len(starts)).astype("timedelta64[D]"))
    frame = pd.DataFrame(values, index=wide.index.astype(str), columns=pd.DatetimeIndex(dates))
    first, last = pd.Timestamp(as_of) + pd.Timedelta(days=1), pd.Timestamp(as_of) + pd.Timedelta(
        days=horizon_days - 1)
    return frame.loc[:, (frame.columns >= first) & (frame.columns <= last)]


def what_if_session(data: Any, plan: Any) -> Any:
    """The projection inputs behind a plan, indexed by SKU for fast what-ifs on PO lines."""
    from planner.engine.whatif import ProjectionInputs, WhatIfSession

    settings = plan.settings
    horizon = int(settings["horizon_days"])
    demand = getattr(plan, "demand_daily", None)
    if demand is None:
        demand = daily_from_weekly(plan.forecast_weekly, plan.as_of, horizon)
    products = plan.skus[["sku", "unit_price", "made_to_order"]]
    active = set(products["sku"].astype(str))
    backorders = data.backorders[data.backorders["sku"].astype(str).isin(active)]
    inputs = ProjectionInputs(
        as_of=plan.as_of, horizon_days=horizon, inventory=data.inventory, po_lines=data.po_lines,
        backorders=backorders, products=products, demand_daily=demand,
        dock_to_stock_days=int(settings["dock_to_stock_days"]),
        hold_release_days=int(settings["hold_release_days"]),
        cancel_rate_per_day=float(settings["cancel_rate_per_day"]),
        promise_buffer_days=int(settings["promise_buffer_days"]),
        split_shipment_cost=float(settings.get("split_shipment_cost", 14.0)))
    return WhatIfSession(inputs)


def compute_plan(path: str | Path, as_of: dt.date, progress: ProgressFn) -> PlanOutcome:
    """Load the workspace's frames and run the full plan."""
    import time

    from planner.planning import load_planning_data, run_plan

    start = time.perf_counter()
    progress(0.0, "reading the workspace")
    with worker_db(path) as db:
        data = load_planning_data(db, as_of)
    plan = run_plan(data, progress=lambda f, what: progress(0.05 + 0.9 * f, what))
    progress(0.97, "indexing the plan")
    index = SkuIndex(plan, data.po_lines)
    session = what_if_session(data, plan)
    return PlanOutcome(data=data, plan=plan, seconds=time.perf_counter() - start, index=index,
                       what_if=session)


def read_frame(path: str | Path, sql: str, params: list[Any] | None = None) -> pd.DataFrame:
    """One query's rows as a frame."""
    with worker_db(path) as db:
        return pd.read_sql_query(sql, db.conn, params=params or [])


def product_count(db: Any) -> int:
    return int(db.execute("SELECT count(*) FROM products").fetchone()[0])


def fill_with_demo(path: str | Path, skus: int, progress: ProgressFn,
                   as_of: dt.date | None = None, years: float | None = None) -> None:
    """Write the demo business into an empty workspace."""
    import inspect

    from planner.demo import write_demo

    progress(0.05, f"writing a demo business with {skus} products")
    kwargs: dict[str, Any] = {"skus": skus, "as_of": as_of}
    parameters = inspect.signature(write_demo).parameters
    if years is not None and "years" in parameters:
        kwargs["years"] = years
    if "progress" in parameters:
        kwargs["progress"] = lambda f, what: progress(0.05 + 0.9 * f, what)
    with worker_db(path) as db:
        if product_count(db):
            raise ValueError(f"{path} already holds data; the demo only fills an empty workspace")
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
