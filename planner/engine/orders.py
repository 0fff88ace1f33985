"""Multi-line orders: ship the ready lines now, or hold the whole order until it is complete.

For each order with two or more open lines (rows of ``Projection.lines``):

- ``lines_shippable_now``: lines projected to ship on as_of;
- ``ship_partial_now_date``: the first day any line can ship (as_of when some can ship now);
- ``ship_complete_date``: the day the last line can ship (NaT when a line has no known supply);
- ``extra_shipments``: shipping each line as soon as it is covered takes one parcel per distinct
  ship date (lines without supply count as one more); extras = parcels − 1;
  ``extra_shipping_cost`` = extras × split_shipment_cost;
- ``value_waiting``: value of the lines that cannot ship now;
- ``value_kept_by_splitting``: expected revenue that shipping lines as they come keeps: for each
  line shipping before the complete date, value × (P(cancel by complete date) − P(cancel by its
  own date)), cancel probabilities compounding per day waited since the order date;
- ``recommendation``: "ship partial" when the kept value is at least the extra shipping cost, or
  when some line has no known supply (the whole order would wait indefinitely); otherwise
  "hold for complete".
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from planner.engine.supply import as_day, format_days, sorted_codes

ORDER_COLUMNS = ["order_id", "customer", "lines", "lines_shippable_now", "ship_partial_now_date",
                 "ship_complete_date", "extra_shipments", "extra_shipping_cost", "value_waiting",
                 "value_kept_by_splitting", "recommendation"]
_DAY = np.timedelta64(1, "D")
_NO_ORDERS = pd.DataFrame({
    "order_id": pd.Series(dtype=object), "customer": pd.Series(dtype=object),
    "lines": pd.Series(dtype=np.int64), "lines_shippable_now": pd.Series(dtype=np.int64),
    "ship_partial_now_date": pd.Series(dtype="datetime64[ns]"),
    "ship_complete_date": pd.Series(dtype="datetime64[ns]"),
    "extra_shipments": pd.Series(dtype=np.int64), "extra_shipping_cost": pd.Series(dtype=float),
    "value_waiting": pd.Series(dtype=float), "value_kept_by_splitting": pd.Series(dtype=float),
    "recommendation": pd.Series(dtype=object)})
_NEVER = np.iinfo(np.int64).max // 4


def multi_line_orders(lines: pd.DataFrame, *, as_of: Any, cancel_rate_per_day: float,
                      split_shipment_cost: float) -> pd.DataFrame:
    """One row per order with two or more open lines: the split-or-hold choice and its cost."""
    as_of64 = np.datetime64(as_day(as_of), "ns")
    all_codes, all_ids = sorted_codes(lines["order_id"].to_numpy(dtype=object))
    multi = np.bincount(all_codes, minlength=len(all_ids))[all_codes] >= 2
    if not multi.any():
        return _NO_ORDERS.copy()
    picked = lines.loc[multi]
    codes, kept_codes = pd.factorize(all_codes[multi], sort=True)
    n_orders = len(kept_codes)
    projected = picked["projected_ship_date"].to_numpy(dtype="datetime64[ns]")
    dated = ~np.isnat(projected)
    day = np.where(dated, (np.where(dated, projected, as_of64) - as_of64) // _DAY, -1)
    value = picked["value"].to_numpy(dtype=float)
    now = dated & (day == 0)

    first_day = np.full(n_orders, _NEVER)
    np.minimum.at(first_day, codes, np.where(dated, day, _NEVER))
    last_day = np.full(n_orders, -1)
    np.maximum.at(last_day, codes, day)
    undated = np.bincount(codes, weights=~dated, minlength=n_orders) > 0
    span = int(day.max()) + 1 if len(day) else 1
    parcels = np.unique(codes[dated].astype(np.int64) * span + day[dated])  # (order, day) pairs
    dated_parcels = np.bincount(parcels // span, minlength=n_orders)
    extra = np.maximum(dated_parcels + undated - 1, 0).astype(np.int64)
    complete_known = ~undated & (last_day >= 0)

    # expected revenue kept by not making early lines wait for the complete date
    keep_rate = 1.0 - float(cancel_rate_per_day)
    order_age = ((as_of64 - picked["order_date"].to_numpy(dtype="datetime64[ns]")) // _DAY)
    complete_day = last_day[codes]
    kept = value * (keep_rate ** np.maximum(order_age + day, 0)
                    - keep_rate ** np.maximum(order_age + complete_day, 0))
    kept = np.where(dated & complete_known[codes], np.maximum(kept, 0.0), 0.0)

    def date_of(days: np.ndarray, known: np.ndarray) -> np.ndarray:
        return np.where(known, as_of64 + np.where(known, days, 0) * _DAY,
                        np.datetime64("NaT", "ns"))

    first_customer = np.full(n_orders, None, dtype=object)
    first_customer[codes[::-1]] = picked["customer"].to_numpy(dtype=object)[::-1]
    orders = pd.DataFrame({
        "order_id": np.asarray(all_ids, dtype=object)[kept_codes],
        "customer": first_customer,
        "lines": np.bincount(codes, minlength=n_orders).astype(np.int64),
        "lines_shippable_now": np.bincount(codes, weights=now, minlength=n_orders).astype(np.int64),
        "ship_partial_now_date": date_of(first_day, first_day < _NEVER),
        "ship_complete_date": date_of(last_day, complete_known),
        "extra_shipments": extra,
        "extra_shipping_cost": extra * float(split_shipment_cost),
        "value_waiting": np.bincount(codes, weights=np.where(now, 0.0, value), minlength=n_orders),
        "value_kept_by_splitting": np.bincount(codes, weights=kept, minlength=n_orders),
    })
    orders["recommendation"] = _recommendations(orders, undated, as_of64)
    return orders[ORDER_COLUMNS]


def _recommendations(orders: pd.DataFrame, undated: np.ndarray, as_of64: np.datetime64) -> list[Any]:
    """A short sentence per order: what to do and why."""
    first = orders["ship_partial_now_date"].to_numpy(dtype="datetime64[ns]")
    when = np.where(first == as_of64, "now", np.char.add("on ", format_days(first, as_of64)
                                                          .astype(str)).astype(object))
    complete = format_days(orders["ship_complete_date"], as_of64)
    texts = []
    for has_first, when_text, complete_text, extra, no_date, kept, cost in zip(
            ~np.isnat(first), when, complete, orders["extra_shipments"], undated,
            orders["value_kept_by_splitting"], orders["extra_shipping_cost"], strict=True):
        if not has_first:
            texts.append("no line has known supply: nothing to ship yet")
        elif extra == 0:
            texts.append(f"ships complete {when_text}: no split needed")
        elif no_date:
            texts.append(f"ship partial {when_text}: the rest has no known supply")
        elif kept >= cost:
            texts.append(f"ship partial {when_text}: splitting keeps ~{kept:.2f} of expected "
                         f"revenue for {cost:.2f} extra shipping")
        else:
            texts.append(f"hold for complete on {complete_text}: splitting costs {cost:.2f}, "
                         f"keeps ~{kept:.2f}")
    return texts
