"""The customer update list: open order lines whose customers need a message now.

A line is listed when a delay notice is owed (``notice_due``), its mid-wait update is due
(``update_due``), or its quoted date changed since the previous export (``previous_quotes``:
order_id, sku, quoted_date as last told; a line missing from it is new and not a change).
``old_date`` is what the customer was last told (the previous quote, else the promised date);
``new_date`` is the date to quote now (NaT when no known supply covers the line). An
``email`` column follows ``customer`` when the order lines carry addresses.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from planner.engine.supply import as_day, format_days

UPDATE_COLUMNS = ["order_id", "customer", "sku", "old_date", "new_date", "reason"]


def _keyed(frame: pd.DataFrame) -> pd.DataFrame:
    keyed = frame.assign(order_id=frame["order_id"].astype(str), sku=frame["sku"].astype(str))
    return keyed.assign(_nth=keyed.groupby(["order_id", "sku"]).cumcount())


def customer_updates(lines: pd.DataFrame, previous_quotes: pd.DataFrame | None, *,
                     as_of: Any) -> pd.DataFrame:
    """Lines whose customers need a message now, with old and new dates and the reason."""
    as_of = as_day(as_of)
    current = _keyed(lines)
    if previous_quotes is not None and len(previous_quotes):
        previous = _keyed(previous_quotes)[["order_id", "sku", "_nth", "quoted_date"]]
        previous = previous.rename(columns={"quoted_date": "previous_quote"})
        previous["previous_quote"] = pd.to_datetime(previous["previous_quote"]).dt.normalize()
        current = current.merge(previous.assign(_known=True), on=["order_id", "sku", "_nth"],
                                how="left")
        known = current["_known"].eq(True).to_numpy()
    else:
        current = current.assign(previous_quote=pd.NaT)
        known = np.zeros(len(current), dtype=bool)

    new = current["quoted_date"].to_numpy(dtype="datetime64[ns]")
    old = current["previous_quote"].to_numpy(dtype="datetime64[ns]")
    changed = known & ~((new == old) | (np.isnat(new) & np.isnat(old)))
    notice = current["notice_due"].to_numpy(dtype=bool)
    update = current["update_due"].to_numpy(dtype=bool)
    wanted = notice | update | changed
    picked = current.loc[wanted]
    reasons = _reasons(picked, notice[wanted], update[wanted], changed[wanted], as_of)
    old_date = np.where(known[wanted], old[wanted],
                        picked["promised_date"].to_numpy(dtype="datetime64[ns]"))
    result = pd.DataFrame({
        "order_id": picked["order_id"].to_numpy(dtype=object),
        "customer": picked["customer"].to_numpy(dtype=object),
        "sku": picked["sku"].to_numpy(dtype=object),
        "old_date": old_date.astype("datetime64[ns]"),
        "new_date": new[wanted], "reason": reasons,
    }, columns=UPDATE_COLUMNS)
    if "email" in picked and picked["email"].notna().any():  # the data has addresses
        result.insert(2, "email", picked["email"].to_numpy(dtype=object))
    return result.sort_values(["customer", "order_id", "sku"], na_position="last",
                              kind="stable").reset_index(drop=True)


def _reasons(picked: pd.DataFrame, notice: np.ndarray, update: np.ndarray, changed: np.ndarray,
             as_of: pd.Timestamp) -> np.ndarray:
    """Why each customer needs a message, in words they could be told."""
    projected = picked["projected_ship_date"].to_numpy(dtype="datetime64[ns]")
    promised = picked["promised_date"].to_numpy(dtype="datetime64[ns]")
    has_projection, has_promise = ~np.isnat(projected), ~np.isnat(promised)
    projected_text = format_days(projected, as_of)
    promised_text = format_days(promised, as_of)
    waited = (np.where(has_projection, projected, np.datetime64(as_of, "ns"))
              - picked["order_date"].to_numpy(dtype="datetime64[ns]")) // np.timedelta64(1, "D")
    notice_text = np.select(
        [~has_projection & has_promise, ~has_projection, has_promise],
        ["delay notice owed: no known supply, promised " + promised_text,
         np.full(len(picked), "delay notice owed: no known supply", dtype=object),
         "delay notice owed: projected " + projected_text + ", promised " + promised_text],
        "delay notice owed: projected " + projected_text + ", " + waited.astype(str).astype(object)
        + " days after the order with no promise")
    change_text = ("quoted date changed from "
                   + format_days(picked["previous_quote"], as_of) + " to "
                   + format_days(picked["quoted_date"], as_of))
    text = np.full(len(picked), "", dtype=object)
    for mask, piece in [(notice, notice_text), (update, "mid-wait update"),
                        (changed, change_text)]:
        if mask.any():
            addition = piece[mask] if isinstance(piece, np.ndarray) else piece
            text[mask] = np.where(text[mask] == "", "", text[mask] + "; ") + addition
    return text
