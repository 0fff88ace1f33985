"""What customers were last told: kept so the update list can say when a quoted date changed."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
from sqlite_utils import Database


def previous_quotes(db: Database) -> pd.DataFrame:
    """order_id, sku, quoted_date (datetime64) of the last export."""
    frame = pd.read_sql_query("SELECT order_id, sku, quoted_date, exported_on FROM quoted_dates",
                              db.conn)
    frame["quoted_date"] = pd.to_datetime(frame["quoted_date"], errors="coerce")
    return frame


def remember_quotes(db: Database, lines: pd.DataFrame, *, as_of: dt.date) -> None:
    """Store the dates quoted now for every open line, in one transaction."""
    rows = [
        (str(r.order_id), str(r.sku),
         None if pd.isna(r.quoted_date) else pd.Timestamp(r.quoted_date).date().isoformat(),
         as_of.isoformat())
        for r in lines[["order_id", "sku", "quoted_date"]].itertuples(index=False)
    ]
    with db.atomic():
        db.execute("DELETE FROM quoted_dates")
        db.conn.executemany(
            "INSERT INTO quoted_dates(order_id, sku, quoted_date, exported_on) VALUES (?, ?, ?, ?)",
            rows)


def write_customer_updates(db: Database, plan: Any, target: str) -> int:
    """Write the customers who need a message now as CSV; returns how many lines."""
    import sys

    from planner.engine.projection import customer_updates
    from planner.exports import safe_csv_frame

    updates = customer_updates(plan.backorder_lines, previous_quotes(db), as_of=plan.as_of)
    frame = safe_csv_frame(updates)
    if target == "-":
        frame.to_csv(sys.stdout, index=False, lineterminator="\n")
    else:
        with open(target, "w", encoding="utf-8", newline="") as out:
            frame.to_csv(out, index=False, lineterminator="\n")
    remember_quotes(db, plan.backorder_lines, as_of=plan.as_of)
    return len(updates)
