"""Supply events: when on-hand, held and purchase-order stock becomes sellable.

One row per event, with the day it becomes sellable. Rules (issue 3, docs/architecture.md):

- on hand (summed over locations) is sellable on day 0 (``as_of``); negative counts are read as 0;
- held stock is sellable at its ``hold_release_date``; no date means ``as_of + hold_release_days``;
  a release date already past means day 0;
- an open PO line supplies ``quantity - received_quantity`` (never below 0; the received part is
  already in on hand). Cancelled and received lines supply nothing. It becomes sellable
  ``dock_to_stock_days`` after its expected date. A line past due (expected before ``as_of``) and
  not fully received is *overdue* and assumed to arrive on ``as_of`` (so sellable at
  ``as_of + dock_to_stock_days``);
- realistic mode (``lateness_days`` given): every open line is assumed to arrive its supplier's
  mean learned lateness (rounded to whole days) after its expected date, and never before
  ``as_of``: arrival = max(expected + lateness, as_of) + dock-to-stock;
- optional extra supply (e.g. suggested orders) arrives on its own ``date``, which is already the
  sellable day; dates before ``as_of`` count as day 0;
- events after the horizon are kept, marked ``beyond_horizon``, so a line can still be told
  "PO-9 in 200 days"; a PO line without an expected date gets ``date`` NaT and is kept for the
  record but supplies nothing in the projection.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

#: the order of events that become sellable on the same day (first one is drawn down first)
KIND_RANK = {"on_hand": 0, "hold": 1, "po": 2, "suggested": 3}

SUPPLY_COLUMNS = ["sku", "date", "day", "quantity", "source", "kind", "po_number", "supplier",
                  "expected_date", "overdue", "beyond_horizon"]

_DAY = np.timedelta64(1, "D")


def as_day(value: Any) -> pd.Timestamp:
    """A date-like value as a midnight Timestamp."""
    return pd.Timestamp(value).normalize()


def _numbers(frame: pd.DataFrame, column: str) -> np.ndarray:
    """A numeric column as floats, missing and unreadable values as 0."""
    if column not in frame.columns:
        return np.zeros(len(frame))
    values = frame[column]
    if values.dtype.kind not in "fiub":
        values = pd.to_numeric(values, errors="coerce")
    return np.nan_to_num(values.to_numpy(dtype=float, na_value=np.nan))


def date_values(frame: pd.DataFrame, column: str) -> np.ndarray:
    """A date column as datetime64[ns] at midnight (NaT where missing)."""
    if column not in frame.columns:
        return np.full(len(frame), np.datetime64("NaT"), dtype="datetime64[ns]")
    values = frame[column]
    if values.dtype.kind != "M":
        values = pd.to_datetime(values)
    return values.to_numpy(dtype="datetime64[ns]").astype("datetime64[D]").astype(
        "datetime64[ns]")


def text_values(frame: pd.DataFrame, column: str) -> np.ndarray:
    """A text column as an object array of str, None where missing."""
    if column not in frame.columns:
        return np.full(len(frame), None, dtype=object)
    column_values = frame[column]
    values = column_values.to_numpy(dtype=object, na_value=None)
    if not isinstance(column_values.dtype, pd.StringDtype):
        values = np.array([None if v is None else str(v) for v in values], dtype=object)
    return values


def sorted_codes(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Codes of text values numbered in sorted order, and the sorted distinct values."""
    codes, uniques = pd.factorize(np.asarray(values, dtype=object))
    uniques = np.asarray(uniques, dtype=object)
    order = np.argsort(uniques.astype(str), kind="stable")  # fixed-width sort: fast
    rank = np.empty(len(uniques), dtype=np.int64)
    rank[order] = np.arange(len(uniques))
    return np.where(codes >= 0, rank[np.maximum(codes, 0)] if len(rank) else -1, -1), \
        uniques[order]  # missing values keep code -1


def _sum_by(codes: np.ndarray, quantity: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct codes (sorted) and the quantity summed per code."""
    unique, inverse = np.unique(codes, return_inverse=True)
    return unique, np.bincount(inverse.ravel(), weights=quantity, minlength=len(unique))


def _events(sku: Any, date: Any, quantity: Any, source: Any, kind: str, po_number: Any = None,
            supplier: Any = None, expected: Any = None,
            overdue: Any = None) -> dict[str, np.ndarray]:
    n = len(sku)
    none = np.full(n, None, dtype=object)
    return {
        "sku": np.asarray(sku, dtype=object),
        "date": np.asarray(date, dtype="datetime64[ns]"),
        "quantity": np.asarray(quantity, dtype=float),
        "source": (np.asarray(source, dtype=object) if np.ndim(source)
                   else np.full(n, source, dtype=object)),
        "kind": np.full(n, kind, dtype=object),
        "po_number": none if po_number is None else np.asarray(po_number, dtype=object),
        "supplier": none if supplier is None else np.asarray(supplier, dtype=object),
        "expected_date": (np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]")
                          if expected is None else np.asarray(expected, dtype="datetime64[ns]")),
        "overdue": np.zeros(n, dtype=bool) if overdue is None else np.asarray(overdue, dtype=bool),
    }


def _stock_events(inventory: pd.DataFrame, as_of: np.datetime64,
                  hold_release_days: int) -> list[dict[str, np.ndarray]]:
    if inventory is None or len(inventory) == 0:
        return []
    sku_codes, sku_names = pd.factorize(text_values(inventory, "sku"), sort=True)
    sku_names = np.asarray(sku_names, dtype=object)
    on_hand = np.clip(_numbers(inventory, "on_hand"), 0.0, None)
    codes, totals = _sum_by(sku_codes, on_hand)
    stocked = totals > 0
    stock = _events(sku_names[codes[stocked]], np.full(stocked.sum(), as_of), totals[stocked],
                    "on_hand", "on_hand")

    on_hold = np.clip(_numbers(inventory, "on_hold"), 0.0, None)
    held = on_hold > 0
    release = date_values(inventory, "hold_release_date")[held]
    release = np.where(np.isnat(release), as_of + hold_release_days * _DAY, release)
    release_day = (np.maximum(release, as_of) - as_of) // _DAY
    span = int(release_day.max()) + 1 if held.any() else 1
    keys, quantity = _sum_by(sku_codes[held].astype(np.int64) * span + release_day, on_hold[held])
    dates = as_of + (keys % span) * _DAY
    hold = _events(sku_names[keys // span], dates, quantity, "hold", "hold", expected=dates)
    return [stock, hold]


def _lateness_shift_days(suppliers: np.ndarray, lateness_days: pd.Series | None) -> np.ndarray:
    if lateness_days is None:
        return np.zeros(len(suppliers), dtype=np.int64)
    lateness = pd.to_numeric(pd.Series(lateness_days), errors="coerce")
    lateness.index = lateness.index.astype(str)
    shift = pd.Series(suppliers, dtype=object).map(lateness).fillna(0.0).to_numpy(dtype=float)
    return np.rint(shift).astype(np.int64)


_CLOSED = {"cancelled", "canceled", "received", "closed"}


def _open_mask(po_lines: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Which lines still supply something (not closed, units still owed), and their open units."""
    status = text_values(po_lines, "status")
    status = np.where(status == None, "open", status).astype(str)  # noqa: E711 (element-wise)
    distinct, which = np.unique(status, return_inverse=True)
    closed = np.array([text.strip().lower() in _CLOSED for text in distinct], dtype=bool)
    open_qty = np.clip(_numbers(po_lines, "quantity") - _numbers(po_lines, "received_quantity"),
                       0.0, None)
    keep = ~closed[which.ravel()] & (open_qty > 0) if len(status) else open_qty > 0
    return keep, open_qty


def _overdue(expected: np.ndarray, as_of64: np.datetime64) -> np.ndarray:
    return ~np.isnat(expected) & (expected < as_of64)


def overdue_po_lines(po_lines: pd.DataFrame, *, as_of: Any) -> np.ndarray:
    """Per PO line: overdue (still owed, expected before ``as_of``), the projection's rule."""
    if po_lines is None or len(po_lines) == 0:
        return np.zeros(0 if po_lines is None else len(po_lines), dtype=bool)
    keep, _ = _open_mask(po_lines)
    as_of64 = np.datetime64(as_day(as_of), "ns")
    return keep & _overdue(date_values(po_lines, "expected_date"), as_of64)


def _open_po_arrays(po_lines: pd.DataFrame, as_of64: np.datetime64, dock_to_stock_days: int,
                    lateness_days: pd.Series | None) -> dict[str, np.ndarray]:
    keep, open_qty = _open_mask(po_lines)
    expected = date_values(po_lines, "expected_date")[keep]
    suppliers = text_values(po_lines, "supplier")[keep]
    shift = _lateness_shift_days(suppliers, lateness_days) * _DAY
    arrival = np.where(np.isnat(expected), expected, np.maximum(expected + shift, as_of64))
    return {
        "po_number": text_values(po_lines, "po_number")[keep],
        "sku": text_values(po_lines, "sku")[keep],
        "supplier": suppliers,
        "open_quantity": open_qty[keep],
        "expected_date": expected,
        "sellable_date": arrival + int(dock_to_stock_days) * _DAY,
        "overdue": _overdue(expected, as_of64),
    }


def open_po_lines(po_lines: pd.DataFrame, *, as_of: Any, dock_to_stock_days: int,
                  lateness_days: pd.Series | None = None) -> pd.DataFrame:
    """Open PO lines with their open quantity, assumed sellable date and overdue flag."""
    columns = ["po_number", "sku", "supplier", "open_quantity", "expected_date", "sellable_date",
               "overdue"]
    if po_lines is None or len(po_lines) == 0:
        return pd.DataFrame(columns=columns)
    arrays = _open_po_arrays(po_lines, np.datetime64(as_day(as_of), "ns"), dock_to_stock_days,
                             lateness_days)
    return pd.DataFrame(arrays, columns=columns)


def build_supply(inventory: pd.DataFrame, po_lines: pd.DataFrame, *, as_of: Any,
                 horizon_days: int, dock_to_stock_days: int, hold_release_days: int,
                 lateness_days: pd.Series | None = None,
                 extra_supply: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per supply event: sku, the day it becomes sellable, quantity and its source."""
    as_of64 = np.datetime64(as_day(as_of), "ns")
    parts = _stock_events(inventory, as_of64, hold_release_days)

    if po_lines is not None and len(po_lines):
        po = _open_po_arrays(po_lines, as_of64, dock_to_stock_days, lateness_days)
        parts.append(_events(po["sku"], po["sellable_date"], po["open_quantity"],
                             po["po_number"], "po", po_number=po["po_number"],
                             supplier=po["supplier"], expected=po["expected_date"],
                             overdue=po["overdue"]))

    if extra_supply is not None and len(extra_supply):
        quantity = _numbers(extra_supply, "quantity")
        wanted = quantity > 0
        extra = extra_supply.loc[wanted]
        dates = np.maximum(date_values(extra, "date"), as_of64)
        source = text_values(extra, "source")
        source = np.where(source == None, "suggested", source)  # noqa: E711 (element-wise)
        parts.append(_events(text_values(extra, "sku"), dates,
                             quantity[wanted], source, "suggested",
                             supplier=text_values(extra, "supplier"), expected=dates))

    parts = [p for p in parts if len(p["sku"])]
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype=_EMPTY_DTYPES[c]) for c in SUPPLY_COLUMNS})
    columns = {key: np.concatenate([p[key] for p in parts]) for key in parts[0]}
    known = ~np.isnat(columns["date"])
    day = (np.where(known, columns["date"], as_of64) - as_of64) // _DAY
    columns["day"] = np.where(known, day, -1).astype(np.int64)
    columns["beyond_horizon"] = known & (columns["day"] >= int(horizon_days))
    rank = np.array([*KIND_RANK.values(), len(KIND_RANK)])[
        pd.Index(list(KIND_RANK)).get_indexer(columns["kind"])]
    no_day = np.where(known, columns["day"], np.iinfo(np.int64).max)
    order = np.lexsort((columns["source"].astype(str), rank, no_day, columns["sku"].astype(str)))
    supply = {c: columns[c][order] for c in SUPPLY_COLUMNS}
    supply["day"] = pd.arrays.IntegerArray(supply["day"], ~known[order])
    return pd.DataFrame(supply)


_EMPTY_DTYPES = {"sku": object, "date": "datetime64[ns]", "day": "Int64", "quantity": float,
                 "source": object, "kind": object, "po_number": object, "supplier": object,
                 "expected_date": "datetime64[ns]", "overdue": bool, "beyond_horizon": bool}


def supply_matrix(supply: pd.DataFrame, skus: Sequence[str], *, as_of: Any,
                  horizon_days: int) -> np.ndarray:
    """Units becoming sellable per SKU (rows, in ``skus`` order) and day (columns) of the horizon."""
    horizon_days = int(horizon_days)
    matrix = np.zeros((len(skus), horizon_days))
    if supply is None or len(supply) == 0 or horizon_days == 0:
        return matrix
    row = pd.Index(list(skus)).get_indexer(supply["sku"].astype(str))
    day = supply_days(supply, as_of)
    inside = (row >= 0) & (day >= 0) & (day < horizon_days)
    flat = row[inside] * horizon_days + day[inside]
    counts = np.bincount(flat, weights=supply["quantity"].to_numpy(dtype=float)[inside],
                         minlength=len(skus) * horizon_days)
    return counts.reshape(len(skus), horizon_days)


def supply_days(supply: pd.DataFrame, as_of: Any) -> np.ndarray:
    """Each event's day number from ``as_of`` (0 = as_of); -1 for events without a date."""
    dates = pd.to_datetime(supply["date"]).to_numpy(dtype="datetime64[ns]")
    known = ~np.isnat(dates)
    as_of64 = np.datetime64(as_day(as_of), "ns")
    day = (np.where(known, dates, as_of64) - as_of64) // _DAY
    return np.where(known, np.maximum(day, 0), -1).astype(np.int64)


def horizon_dates(as_of: dt.date | pd.Timestamp, horizon_days: int) -> pd.DatetimeIndex:
    """The projection days as_of, as_of + 1, ..., as_of + horizon_days - 1."""
    return pd.date_range(as_day(as_of), periods=int(horizon_days), freq="D")


def format_day(value: Any, as_of: Any = None) -> str:
    """A date the way a buyer writes it: "12 Mar" (with the year when it differs from as_of's)."""
    if value is None or pd.isna(value):
        return "no date"
    day = pd.Timestamp(value)
    text = f"{day.day} {day:%b}"
    if as_of is not None and day.year != as_day(as_of).year:
        text += f" {day.year}"
    return text


def format_days(values: Any, as_of: Any = None) -> np.ndarray:
    """``format_day`` for many dates at once (each distinct date is formatted once)."""
    dates = pd.DatetimeIndex(pd.to_datetime(np.asarray(values, dtype="datetime64[ns]")))
    codes, uniques = pd.factorize(dates)
    texts = np.array([format_day(day, as_of) for day in uniques] + ["no date"], dtype=object)
    return texts[codes]  # code -1 (NaT) picks the trailing "no date"
