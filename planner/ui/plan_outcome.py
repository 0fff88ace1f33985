"""A plan for the app: load the workspace and run planning.run_plan, on the calling thread.

Qt-free; the app runs it in its planning process (plan_process.py) or, when that cannot start,
on a worker thread.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from planner.planning import PlanningData, PlanResult, ProgressFn, WhatIfSession
from planner.ui.plan_index import SkuIndex


@dataclass
class PlanOutcome:
    """A plan and the frames it was computed from (what-if reuses the frames)."""

    data: PlanningData
    plan: PlanResult
    seconds: float
    index: SkuIndex | None = None
    #: the what-if session on this plan; None until it is needed (Session.what_if builds it)
    what_if: WhatIfSession | None = None


def plan_workspace(path: str | Path, as_of: dt.date, progress: ProgressFn, *,
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


def compact_plan(plan: PlanResult) -> None:
    """Big string columns as categories: unpickling them is then a memory copy, not a million
    string objects made while holding the GIL."""
    for name in ("history_weekly", "forecast_weekly"):
        frame = getattr(plan, name)
        if len(frame) and not isinstance(frame["sku"].dtype, pd.CategoricalDtype):
            setattr(plan, name, frame.assign(sku=frame["sku"].astype("category")))
