"""Daily demand rows -> the weekly history matrix the methods read (whole-array, no groupby)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

NO_SALE = -1


@dataclass
class WeeklyHistory:
    """Seven-day buckets ending on as_of (the last column), one row per requested SKU."""

    demand: FloatArray           # SKU x bucket, zeros where nothing sold
    start: IntArray              # first bucket that counts (its first sale); = n_buckets if none
    first_sale_days_ago: IntArray  # NO_SALE when the SKU never sold
    last_sale_days_ago: IntArray
    weekday_units: FloatArray    # SKU x weekday (Mon..Sun), last 52 weeks
    rows: IntArray               # per kept daily row: SKU row
    days_ago: IntArray           # per kept daily row
    quantity: FloatArray         # per kept daily row


def _day_numbers(values: pd.Series | NDArray[Any]) -> IntArray:
    days = np.asarray(values).astype("datetime64[D]")
    return days.astype(np.int64)


def day_number(day: dt.date) -> int:
    """Days since 1970-01-01."""
    return int(np.datetime64(day, "D").astype(np.int64))


def weekly_history(daily_demand: pd.DataFrame, skus: pd.Index, as_of: dt.date,
                   n_buckets: int, first_sale: pd.Series | None = None) -> WeeklyHistory:
    """Bucket daily totals into seven-day periods ending on as_of, for the given SKUs."""
    n = len(skus)
    today = day_number(as_of)
    if len(daily_demand):
        rows = skus.get_indexer(daily_demand["sku"])
        days = today - _day_numbers(daily_demand["date"])
        qty = daily_demand["quantity"].to_numpy(dtype=float)
        keep = (rows >= 0) & (days >= 0) & (qty != 0)
        rows, days, qty = rows[keep].astype(np.int64), days[keep], qty[keep]
    else:
        rows = np.zeros(0, dtype=np.int64)
        days = np.zeros(0, dtype=np.int64)
        qty = np.zeros(0)
    first = np.full(n, NO_SALE, dtype=np.int64)
    last = np.full(n, np.iinfo(np.int64).max, dtype=np.int64)
    np.maximum.at(first, rows, days)
    np.minimum.at(last, rows, days)
    last = np.where(first == NO_SALE, NO_SALE, last)
    if first_sale is not None:
        given = pd.to_datetime(first_sale.reindex(skus)).to_numpy()
        has = ~pd.isna(given)
        if has.any():
            given_days = today - _day_numbers(given[has])
            first[has] = np.maximum(given_days, np.where(first[has] >= 0, first[has], 0))
    col = n_buckets - 1 - days // 7
    inside = col >= 0
    flat = rows[inside] * n_buckets + col[inside]
    demand = np.bincount(flat, weights=qty[inside], minlength=n * n_buckets)
    demand = demand.reshape(n, n_buckets).astype(float)
    start = np.where(first >= 0, np.maximum(n_buckets - 1 - first // 7, 0), n_buckets)
    recent = days < 364
    weekday = (today - days[recent] + 3) % 7
    units = np.bincount(rows[recent] * 7 + weekday, weights=qty[recent], minlength=n * 7)
    return WeeklyHistory(demand, start.astype(np.int64), first, last,  # type: ignore[arg-type]
                         units.reshape(n, 7), rows, days, qty)  # type: ignore[arg-type]


def bucket_positions(as_of: dt.date, n_buckets: int, n_future: int) -> IntArray:
    """Week-of-year position (0..51) of every bucket's middle day, history then future."""
    today = np.datetime64(as_of, "D")
    offsets = np.arange(-(n_buckets - 1), n_future + 1) * 7
    middle = today + offsets - 3
    years = middle.astype("datetime64[Y]")
    day_of_year = (middle - years).astype(np.int64)
    return np.minimum(day_of_year * 52 // 365, 51).astype(np.int64)


def history_weekly_frame(history: WeeklyHistory, skus: pd.Index, as_of: dt.date,
                         n_weeks: int) -> pd.DataFrame:
    """Complete Monday weeks of history per SKU since its first sale (at most n_weeks)."""
    today = day_number(as_of)
    weekday_today = (today + 3) % 7
    last_monday = today - weekday_today - (0 if weekday_today == 6 else 7)
    offset = (today - history.days_ago) - last_monday
    col = n_weeks - 1 + np.floor_divide(offset, 7)
    n = len(skus)
    inside = (col >= 0) & (offset <= 6)
    flat = history.rows[inside] * n_weeks + col[inside]
    qty = np.bincount(flat, weights=history.quantity[inside], minlength=n * n_weeks)
    qty = qty.reshape(n, n_weeks)
    first_offset = (today - history.first_sale_days_ago) - last_monday
    first_col = n_weeks - 1 + np.floor_divide(first_offset, 7)
    week_col = np.arange(n_weeks)[None, :]
    shown = (history.first_sale_days_ago[:, None] >= 0) & (week_col >= first_col[:, None])
    r, c = np.nonzero(shown)
    week_start = (last_monday - (n_weeks - 1 - c) * 7).astype("datetime64[D]")
    return pd.DataFrame({
        "sku": skus.to_numpy()[r],
        "week_start": week_start.astype("datetime64[ns]"),
        "quantity": qty[r, c],
    })
