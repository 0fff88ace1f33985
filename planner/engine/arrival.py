"""When an order arrives, and which suggested orders are due now: one rule for every page and file.

- A line ordered on ``order_date`` reaches the dock ``order_date + lead time`` (the SKU's
  effective lead time, engine/lead_time.py, in whole days rounded up: never earlier than the lead
  time says) and is sellable ``dock_to_stock_days`` later.
- Each line of a purchase order (a suggestion, the PO approving it creates, its documents) is
  expected at its own dock date; the PO's expected date is the latest of its lines' (when the
  whole order is in). A line's date is the same on the suggestion, the PO and every document.
- A suggested order is *due now* when its order date is on or before as-of: the orders of this
  review (the walk orders on review days only, so the next ones are a review period away).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd

_DAY = np.timedelta64(1, "D")


def lead_days(lead_time_days: Any) -> np.ndarray:
    """Whole days from order to dock: the lead time rounded up (a missing one is 0)."""
    lead = np.nan_to_num(np.asarray(lead_time_days, dtype=float), nan=0.0)
    return np.maximum(np.ceil(lead - 1e-9), 0.0).astype(np.int64)


def arrival_dates(order_date: Any, lead_time_days: Any,
                  dock_to_stock_days: int) -> tuple[np.ndarray, np.ndarray]:
    """(dock date, sellable date) of lines ordered on ``order_date`` (datetime64[ns] arrays)."""
    ordered = np.asarray(pd.to_datetime(np.atleast_1d(order_date)), dtype="datetime64[ns]")
    dock = ordered + lead_days(lead_time_days) * _DAY
    return dock, dock + int(dock_to_stock_days) * _DAY


def due_now(order_date: Any, as_of: dt.date) -> np.ndarray:
    """True for orders to place at this review: order date on or before as-of."""
    ordered = np.asarray(pd.to_datetime(np.atleast_1d(order_date)), dtype="datetime64[ns]")
    return ordered <= np.datetime64(pd.Timestamp(as_of).normalize().to_datetime64(), "ns")


def _iso(day: Any) -> str:
    return str(np.datetime_as_string(np.datetime64(day, "D")))


def date_suggestions(suggestions: list[dict[str, Any]], *, lead_by_sku: pd.Series,
                     dock_to_stock_days: int, as_of: dt.date) -> list[dict[str, Any]]:
    """Each suggested PO dated by the rule: its lines' dock dates from its order date and their
    SKUs' lead times, the PO's expected date the latest of them, each ``sellable_date``
    dock-to-stock later, ``order_now`` by ``due_now``; lines also say their ``lead_time_days``."""
    out = []
    dock_days = np.timedelta64(int(dock_to_stock_days), "D")
    for suggestion in suggestions:
        lines = suggestion.get("lines") or []
        lead = pd.to_numeric(pd.Series([line.get("sku") for line in lines], dtype=object)
                             .map(lead_by_sku), errors="coerce").to_numpy(float)
        dock, _ = arrival_dates(np.repeat(pd.Timestamp(suggestion["order_date"]), len(lines)),
                                lead, dock_to_stock_days)
        latest = dock.max() if len(lines) else arrival_dates(
            suggestion["order_date"], 0, dock_to_stock_days)[0][0]
        days = lead_days(lead).tolist()
        out.append({**suggestion, "expected_arrival": _iso(latest),
                    "sellable_date": _iso(latest + dock_days),
                    "order_now": bool(due_now(suggestion["order_date"], as_of)[0]),
                    "lines": [{**line, "expected_arrival": _iso(dock[k]),
                               "sellable_date": _iso(dock[k] + dock_days),
                               "lead_time_days": days[k]}
                              for k, line in enumerate(lines)]})
    return out
