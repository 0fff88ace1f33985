"""What customers were last told: kept so the update list can say when a quoted date changed."""

from __future__ import annotations

import datetime as dt

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
