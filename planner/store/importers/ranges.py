"""The range every imported number must fall in, so that only finite, plannable values are
stored (a lead time of 100,000 days or a cost of 1e309 is a typo that would break every plan).

A column named in COLUMN_RANGES has its own range; any other number column has its type's.
The lower bounds of most types are also checked by loading (negative units, a case pack
below 1, ...); the ranges here add the upper bounds, and say both in the message.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

#: (lowest, highest) allowed, inclusive, by parser type (see kinds.Column.type).
TYPE_RANGES: dict[str, tuple[float, float]] = {
    "units": (0, 1e12), "count": (0, 1e12), "pack": (1, 1e9), "money": (0, 1e12),
    "number": (0, 1e12), "positive": (0, 1e12), "signed": (-1e12, 1e12),
}

#: Narrower ranges for columns that count days or are multiplied into a plan.
COLUMN_RANGES: dict[str, tuple[float, float]] = {
    "lead_time_days": (0, 730),
    "lead_time_std_days": (0, 365),
    "order_cycle_days": (0, 365),
    "freight_pct": (0, 1000),
    "duty_pct": (0, 1000),
    "like_factor": (0, 1000),
    "uplift_pct": (-100, 10_000),
    "demand_per_day": (0, 1e9),
    "demand_std_per_day": (0, 1e9),
    "unit_volume_m3": (0, 1e6),
    "unit_weight_kg": (0, 1e6),
    "container_m3": (0, 1e6),
    "max_weight_kg": (0, 1e9),
}


#: Ranges of one kind's column (a bundle's quantity is multiplied into every sale of it).
KIND_COLUMN_RANGES: dict[tuple[str, str], tuple[float, float]] = {
    ("bundles", "quantity"): (0, 100_000),
    # a PO line of more than a billion units is a typo (a confirmation of 1e12 units was taken)
    ("purchase_orders", "quantity"): (0, 1e9),
    ("purchase_orders", "confirmed_quantity"): (0, 1e9),
    ("purchase_orders", "received_quantity"): (0, 1e9),
    # an exchange rate outside a millionth to a million is a typo (1e-300 and 1e12 were taken)
    ("fx_rates", "rate"): (1e-6, 1e6),
}


def allowed_range(column: str, type_: str, kind: str | None = None
                  ) -> tuple[float, float] | None:
    """(lowest, highest) for a column of this name and type (in this kind of file), or None for
    no numeric range."""
    if kind is not None and (kind, column) in KIND_COLUMN_RANGES:
        return KIND_COLUMN_RANGES[kind, column]
    return COLUMN_RANGES.get(column, TYPE_RANGES.get(type_))


def _number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:g}"


def range_text(column: str, type_: str, kind: str | None = None) -> str:
    """The allowed range in words, e.g. 'a finite number from 0 to 730'."""
    low, high = allowed_range(column, type_, kind) or (-np.inf, np.inf)
    return f"a finite number from {_number(low)} to {_number(high)} ({column}'s allowed range)"


def out_of_range(column: str, type_: str, numbers: np.ndarray,
                 kind: str | None = None) -> np.ndarray:
    """Which parsed numbers (NaN = empty or not a number: not flagged here) are infinite or
    above the column's range; below it only for a signed column without a range of its own
    (other low values are flagged by their type's own check, once)."""
    numbers = np.asarray(numbers, dtype=float)
    bounds = allowed_range(column, type_, kind)
    bad = np.isinf(numbers)
    if bounds is not None:
        low, high = bounds
        with np.errstate(invalid="ignore"):
            bad |= numbers > high
            if type_ == "signed" and column not in COLUMN_RANGES:
                bad |= numbers < low
            if low > 0 and (kind, column) in KIND_COLUMN_RANGES:  # a floor of its own
                bad |= numbers < low
    return bad


def clear_unplannable(frame: pd.DataFrame, kind: str, key: str) -> list[dict[str, Any]]:
    """Blank (in place) every stored number of ``frame`` (rows of import kind ``kind``) that is
    infinite or outside its import range: written by an older Planner or by hand, it would
    break every plan. Returns a plan warning naming the rows, or an empty list."""
    from planner.store.importers.kinds import KINDS

    found: dict[str, list[str]] = {}
    for column in KINDS[kind].columns:
        if column.name not in frame or allowed_range(column.name, column.type) is None:
            continue
        numbers = pd.to_numeric(frame[column.name], errors="coerce").to_numpy(dtype=float)
        low, high = allowed_range(column.name, column.type) or (-np.inf, np.inf)
        with np.errstate(invalid="ignore"):
            bad = np.isinf(numbers) | (numbers > high) | (numbers < min(low, 0))
        if bad.any():
            frame.loc[bad, column.name] = np.nan
            for name in frame.loc[bad, key].astype(str):
                found.setdefault(name, []).append(column.name)
    if not found:
        return []
    names = "; ".join(f"{name}: {', '.join(columns)}" for name, columns in list(found.items())[:10])
    more = f" and {len(found) - 10} more" if len(found) > 10 else ""
    return [{"kind": f"unplannable_{kind}_number", "count": len(found),
             "message": f"{len(found):,} {kind} with a stored number outside its allowed range, "
                        f"planned as if it were empty ({names}{more}); import them again with "
                        "values in range"}]
