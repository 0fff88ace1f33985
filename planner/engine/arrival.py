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


def date_suggestions(suggestions: list[dict[str, Any]], *, lead_by_sku: pd.Series,
                     dock_to_stock_days: int, as_of: dt.date) -> list[dict[str, Any]]:
    """Each suggested PO dated by the rule: its lines' dock dates from its order date and their
    SKUs' lead times, the PO's expected date the latest of them, each ``sellable_date``
    dock-to-stock later, ``order_now`` by ``due_now``; lines also say their ``lead_time_days``.
    (All lines at once: one array per field, not a loop per SKU.)"""
    if not suggestions:
        return []
    counts = np.array([len(s.get("lines") or []) for s in suggestions])
    skus = pd.Series([line.get("sku") for s in suggestions for line in (s.get("lines") or [])],
                     dtype=object)
    lead = pd.to_numeric(skus.map(lead_by_sku), errors="coerce").to_numpy(float)
    ordered = pd.to_datetime(pd.Series([s["order_date"] for s in suggestions])).to_numpy(
        "datetime64[ns]")
    dock, sellable = arrival_dates(np.repeat(ordered, counts), lead, dock_to_stock_days)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    group = np.repeat(np.arange(len(suggestions)), counts)
    # the PO's date: its latest line's (a PO without lines: its order date)
    latest = pd.Series(dock).groupby(group).max().reindex(
        range(len(suggestions))).fillna(pd.Series(ordered)).to_numpy("datetime64[ns]")
    days = lead_days(lead).tolist()
    line_dock = np.datetime_as_string(dock, unit="D").tolist()
    line_sellable = np.datetime_as_string(sellable, unit="D").tolist()
    po_dock = np.datetime_as_string(latest, unit="D").tolist()
    po_sellable = np.datetime_as_string(
        latest + np.timedelta64(int(dock_to_stock_days), "D"), unit="D").tolist()
    now = due_now(ordered, as_of).tolist()
    out = []
    for n, (suggestion, begin) in enumerate(zip(suggestions, starts.tolist(), strict=True)):
        out.append({**suggestion, "expected_arrival": po_dock[n], "sellable_date": po_sellable[n],
                    "order_now": bool(now[n]),
                    "lines": [{**line, "expected_arrival": line_dock[begin + k],
                               "sellable_date": line_sellable[begin + k],
                               "lead_time_days": days[begin + k]}
                              for k, line in enumerate(suggestion.get("lines") or [])]})
    return out
