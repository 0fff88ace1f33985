"""What waiting customers with no known supply need to hear: how late they are already, and
when they could ship if the buyer ordered today."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from planner.engine.arrival import arrival_dates


def explain_uncovered(lines: pd.DataFrame, *, as_of: dt.date, lead_time_days: pd.Series,
                      dock_to_stock_days: int) -> pd.DataFrame:
    """Add ``days_overdue`` and ``ships_if_ordered_today`` to projected backorder lines.

    ``days_overdue`` = as-of − promised date for every line still waiting past its promise (so a
    line no supply covers no longer looks on time); ``ships_if_ordered_today`` = as-of + the
    SKU's lead time + dock-to-stock (engine/arrival.py) for the lines no known supply covers, and
    the flag reason says it. ``lead_time_days`` is indexed by SKU.
    """
    out = lines.copy()
    if out.empty:
        out["days_overdue"] = pd.Series(dtype=float)
        out["ships_if_ordered_today"] = pd.Series(dtype="datetime64[ns]")
        return out
    today = pd.Timestamp(as_of).normalize()
    promised = pd.to_datetime(out["promised_date"])
    overdue = (today - promised).dt.days
    out["days_overdue"] = overdue.where(overdue > 0)
    uncovered = out["uncovered"].fillna(False).to_numpy(bool)
    lead = pd.to_numeric(out["sku"].map(lead_time_days), errors="coerce").to_numpy(float)
    # the one arrival rule (engine/arrival.py): ordered today, at the dock the lead time later,
    # sellable dock-to-stock after that, and shipped that day
    _, sellable = arrival_dates(np.repeat(today.to_datetime64(), len(out)), lead,
                                dock_to_stock_days)
    ships = pd.DatetimeIndex(np.where(uncovered & np.isfinite(lead), sellable,
                                      np.datetime64("NaT")))
    out["ships_if_ordered_today"] = ships
    if "flag_reasons" in out:
        reasons = out["flag_reasons"].fillna("").astype(str)
        said = pd.Series(ships, index=out.index).dt.strftime("ships about %Y-%m-%d if you "
                                                               "order today")
        late = out["days_overdue"]
        late_text = late.map(lambda d: f"{int(d)} days late already" if pd.notna(d) else "")
        extra = [", ".join(p for p in parts if p)
                 for parts in zip(late_text.where(uncovered, ""), said.where(uncovered, "").fillna(""),
                                  strict=True)]
        out["flag_reasons"] = [f"{r}; {e}" if r and e else (r or e)
                               for r, e in zip(reasons, extra, strict=True)]
    return out
