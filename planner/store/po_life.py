"""A purchase order's life: draft → sent → confirmed → partly received → received / cancelled.

The PO's own state (``purchase_orders.state``) is draft, sent or confirmed; partly received,
received and cancelled follow from its lines (``po_lines.status`` keeps the import format's
open / received / cancelled). Every change is written to the audit trail ``po_events`` with who
and when; receipts are kept one per delivery in ``po_receipts``. Every state but received and
cancelled is open supply in the plan.
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
from typing import Any

import pandas as pd
from sqlite_utils import Database

#: the PO states a header can hold, in their order of life
HEADER_STATES = ("draft", "sent", "confirmed")
#: every state a PO can be in
STATES = (*HEADER_STATES, "partly received", "received", "cancelled")


def current_user() -> str | None:
    """The operating system's user name (who made a change), None when it cannot be told."""
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no user name is not an error
        return None


def _now() -> str:
    return dt.datetime.now().isoformat(timespec="seconds")


def record(db: Database, po_number: str, action: str, detail: str = "", *,
           sku: str | None = None, user: str | None = None) -> None:
    """Add one row to the audit trail."""
    db.execute("INSERT INTO po_events(at, user, po_number, sku, action, detail) "
               "VALUES (?, ?, ?, ?, ?, ?)",
               [_now(), user or current_user(), po_number, sku, action, detail or None])


def po_state(header_state: str, statuses: list[str], received: list[int]) -> str:
    """The state of a PO from its header state and its lines' statuses and received units."""
    live = [s for s in statuses if s != "cancelled"]
    if statuses and not live:
        return "cancelled"
    if live and all(s == "received" for s in live):
        return "received"
    if any(r > 0 for r in received) or any(s == "received" for s in live):
        return "partly received"
    return header_state if header_state in HEADER_STATES else "sent"


def header(db: Database, po_number: str) -> dict[str, Any]:
    """The PO's stored header (state, sent_date, supplier, order_date)."""
    row = db.execute("SELECT state, sent_date, supplier, order_date FROM purchase_orders "
                     "WHERE po_number = ?", [po_number]).fetchone()
    if row is None:
        raise ValueError(f"there is no purchase order {po_number}")
    return dict(zip(("state", "sent_date", "supplier", "order_date"), row, strict=True))


def state_of(db: Database, po_number: str) -> str:
    """The PO's state in its life (see STATES)."""
    head = header(db, po_number)
    rows = db.execute("SELECT status, received_quantity FROM po_lines WHERE po_number = ?",
                      [po_number]).fetchall()
    return po_state(head["state"], [r[0] for r in rows], [int(r[1]) for r in rows])


def set_state(db: Database, po_number: str, state: str, *, sent_date: str | None = None,
              detail: str = "", action: str | None = None) -> None:
    """Set the header state (draft / sent / confirmed) and, for sent, the day it was sent."""
    if state not in HEADER_STATES:
        raise ValueError(f"a PO's own state is one of {', '.join(HEADER_STATES)}, not {state!r}")
    before = header(db, po_number)
    db.execute("UPDATE purchase_orders SET state = ?, sent_date = ? WHERE po_number = ?",
               [state, sent_date if sent_date is not None else before["sent_date"], po_number])
    record(db, po_number, action or state,
           detail or f"{before['state']} → {state}" + (f" on {sent_date}" if sent_date else ""))


def restore_header(db: Database, po_number: str, before: dict[str, Any], why: str) -> None:
    """Put a header's state and sent date back (an undo), recording it."""
    db.execute("UPDATE purchase_orders SET state = ?, sent_date = ? WHERE po_number = ?",
               [before["state"], before["sent_date"], po_number])
    record(db, po_number, "undo", f"{why}: back to {before['state']}")


def mark_sent(db: Database, po_numbers: list[str], *, on: dt.date, how: str) -> list[str]:
    """Mark draft POs sent on a day (ones already sent or further keep their state); returns
    the ones that changed."""
    changed = []
    for po_number in po_numbers:
        if header(db, po_number)["state"] == "draft":
            set_state(db, po_number, "sent", sent_date=on.isoformat(),
                      detail=f"draft → sent on {on.isoformat()} ({how})")
            changed.append(po_number)
    return changed


def line_values(db: Database, po_number: str, sku: str) -> tuple[Any, ...]:
    """(quantity, received_quantity, received_date, status, confirmed_quantity) of a line."""
    row = db.execute("SELECT quantity, received_quantity, received_date, status, "
                     "confirmed_quantity FROM po_lines WHERE po_number = ? AND sku = ?",
                     [po_number, sku]).fetchone()
    if row is None:
        raise ValueError(f"{po_number} has no line for {sku}")
    return tuple(row)


def receive(db: Database, po_number: str, sku: str, quantity: int,
            received_date: dt.date) -> int:
    """Record one delivery of a PO line: adds to its received units, and the line is received
    once they reach the (confirmed, else ordered) quantity. Returns the receipt's id."""
    quantity = int(quantity)
    if quantity <= 0:
        raise ValueError("a receipt needs a quantity of at least 1")
    ordered, received, last, status, confirmed = line_values(db, po_number, sku)
    if status == "cancelled":
        raise ValueError(f"{po_number} / {sku} is cancelled")
    total = int(received) + quantity
    due = int(confirmed) if confirmed is not None else int(ordered)
    day = received_date.isoformat()
    db.execute("UPDATE po_lines SET received_quantity = ?, received_date = ?, status = ? "
               "WHERE po_number = ? AND sku = ?",
               [total, max(day, last or day), "received" if total >= due else "open",
                po_number, sku])
    cursor = db.execute("INSERT INTO po_receipts(po_number, sku, received_date, quantity, at, "
                        "user) VALUES (?, ?, ?, ?, ?, ?)",
                        [po_number, sku, day, quantity, _now(), current_user()])
    record(db, po_number, "received",
           f"{quantity:,} received on {day} ({total:,} of {due:,})", sku=sku)
    return int(cursor.lastrowid or 0)


def undo_receipt(db: Database, receipt_id: int, before: tuple[Any, ...]) -> None:
    """Take a receipt back: the line gets its values from before it."""
    row = db.execute("SELECT po_number, sku, quantity FROM po_receipts WHERE id = ?",
                     [receipt_id]).fetchone()
    if row is None:
        return
    po_number, sku, quantity = row
    _ordered, received, last, status, _confirmed = before
    db.execute("DELETE FROM po_receipts WHERE id = ?", [receipt_id])
    db.execute("UPDATE po_lines SET received_quantity = ?, received_date = ?, status = ? "
               "WHERE po_number = ? AND sku = ?", [received, last, status, po_number, sku])
    record(db, po_number, "undo", f"receipt of {int(quantity):,} taken back", sku=sku)


def cancel(db: Database, po_number: str) -> list[tuple[str, str]]:
    """Cancel a PO's lines that are still open; returns (sku, status before) to undo it."""
    rows = db.execute("SELECT sku, status FROM po_lines WHERE po_number = ? AND status = 'open'",
                      [po_number]).fetchall()
    db.execute("UPDATE po_lines SET status = 'cancelled' WHERE po_number = ? AND status = 'open'",
               [po_number])
    record(db, po_number, "cancelled", f"{len(rows):,} open lines cancelled")
    return [(r[0], r[1]) for r in rows]


def undo_cancel(db: Database, po_number: str, before: list[tuple[str, str]]) -> None:
    db.conn.executemany("UPDATE po_lines SET status = ? WHERE po_number = ? AND sku = ?",
                        [(status, po_number, sku) for sku, status in before])
    record(db, po_number, "undo", f"cancellation taken back ({len(before):,} lines open again)")


# --- imports -----------------------------------------------------------------------------------
_LINE_FIELDS = ("po_number", "sku", "confirmed_quantity", "confirmed_date", "received_quantity")


def lines_before_import(db: Database, po_numbers: list[str]) -> pd.DataFrame:
    """The stored lines of the POs a file names (to tell afterwards what it changed)."""
    return pd.read_sql_query(
        f"SELECT {', '.join(_LINE_FIELDS)} FROM po_lines WHERE po_number IN "
        "(SELECT value FROM json_each(?))", db.conn, params=[json.dumps(po_numbers)])


def after_import(db: Database, before: pd.DataFrame, po_numbers: list[str], file: str) -> list[str]:
    """Record what a purchase_orders file did to the POs (created, confirmed, received) and move
    a draft or sent PO whose lines the file confirmed to 'confirmed'; returns notes."""
    after = lines_before_import(db, po_numbers)
    known = set(before["po_number"])
    merged = after.merge(before, on=["po_number", "sku"], how="left", suffixes=("", "_before"))
    notes = []
    confirmed_pos = []
    for po_number, lines in merged.groupby("po_number", sort=True):
        if po_number not in known:
            record(db, po_number, "created", f"{len(lines):,} lines by import of {file}")
            continue
        newly = lines[(lines["confirmed_quantity"].notna() | lines["confirmed_date"].notna())
                      & ((lines["confirmed_quantity"].astype(object)
                          != lines["confirmed_quantity_before"].astype(object))
                         | (lines["confirmed_date"].astype(object)
                            != lines["confirmed_date_before"].astype(object)))]
        if len(newly):
            record(db, po_number, "supplier answer",
                   f"{len(newly):,} lines confirmed by import of {file}")
            if header(db, po_number)["state"] in ("draft", "sent"):
                set_state(db, po_number, "confirmed", detail=f"confirmed by import of {file}")
                confirmed_pos.append(po_number)
        more = lines[lines["received_quantity"].fillna(0)
                     > lines["received_quantity_before"].fillna(0)]
        for line in more.itertuples(index=False):
            gained = int(line.received_quantity) - int(line.received_quantity_before or 0)
            record(db, po_number, "received", f"{gained:,} received by import of {file}",
                   sku=line.sku)
    if confirmed_pos:
        notes.append(f"confirmed by the supplier: {', '.join(confirmed_pos)}")
    return notes


# --- reading -----------------------------------------------------------------------------------
def purchase_orders(db: Database) -> pd.DataFrame:
    """One row per PO: supplier, dates, state, lines, units ordered / confirmed / received."""
    frame = pd.read_sql_query("""
        SELECT h.po_number, h.supplier, h.order_date, h.state AS header_state, h.sent_date,
               COUNT(l.sku) AS lines, SUM(l.quantity) AS ordered_units,
               SUM(COALESCE(l.confirmed_quantity, l.quantity)) AS confirmed_units,
               SUM(l.received_quantity) AS received_units,
               MIN(COALESCE(l.confirmed_date, l.expected_date)) AS expected_date,
               group_concat(l.status, ',') AS statuses,
               group_concat(l.received_quantity, ',') AS received
        FROM purchase_orders h LEFT JOIN po_lines l USING (po_number)
        GROUP BY h.po_number ORDER BY h.po_number""", db.conn)
    frame["state"] = [po_state(h, (s or "").split(",") if s else [],
                               [int(x) for x in (r or "").split(",") if x])
                      for h, s, r in zip(frame["header_state"], frame["statuses"],
                                         frame["received"], strict=True)]
    return frame.drop(columns=["statuses", "received"])


def confirmation_differences(db: Database, po_number: str | None = None) -> pd.DataFrame:
    """Each PO line as ordered beside what the supplier confirmed, with the differences."""
    where = "WHERE l.po_number = ?" if po_number else ""
    frame = pd.read_sql_query(f"""
        SELECT l.po_number, h.supplier, l.sku, l.quantity AS ordered_quantity,
               l.confirmed_quantity, l.expected_date AS ordered_date, l.confirmed_date,
               l.supplier_comment
        FROM po_lines l JOIN purchase_orders h USING (po_number) {where}
        ORDER BY l.po_number, l.sku""", db.conn, params=[po_number] if po_number else [])
    confirmed = pd.to_numeric(frame["confirmed_quantity"], errors="coerce")
    frame["quantity_difference"] = confirmed - frame["ordered_quantity"]
    frame["days_later"] = (pd.to_datetime(frame["confirmed_date"])
                           - pd.to_datetime(frame["ordered_date"])).dt.days
    return frame


def history(db: Database, po_number: str | None = None) -> pd.DataFrame:
    """The audit trail (newest first), of one PO or all."""
    where = "WHERE po_number = ?" if po_number else ""
    return pd.read_sql_query(f"SELECT at, user, po_number, sku, action, detail FROM po_events "
                             f"{where} ORDER BY id DESC", db.conn,
                             params=[po_number] if po_number else [])


# --- the stock rule ----------------------------------------------------------------------------
def received_since_snapshot(db: Database, as_of: dt.date) -> pd.DataFrame:
    """Units received after the newest inventory snapshot on or before as-of (and on or before
    as-of), per SKU: not in that count yet, so they add to on-hand. A receipt dated on or before
    the snapshot is in it already; with no snapshot at all nothing is added. Each delivery
    recorded in the app is dated on its own; received units a file set without deliveries are
    dated by the line's received_date (none: counted in the snapshot)."""
    iso = as_of.isoformat()
    snapshot = db.execute("SELECT max(snapshot_date) FROM inventory WHERE snapshot_date <= ?",
                          [iso]).fetchone()[0]
    if snapshot is None:
        return pd.DataFrame({"sku": pd.Series(dtype=object), "quantity": pd.Series(dtype=int)})
    return pd.read_sql_query("""
        WITH logged AS (SELECT po_number, sku, SUM(quantity) AS quantity FROM po_receipts
                        GROUP BY po_number, sku),
        dated AS (
            SELECT sku, received_date, quantity FROM po_receipts
            UNION ALL
            SELECT l.sku, l.received_date, l.received_quantity - COALESCE(g.quantity, 0)
            FROM po_lines l LEFT JOIN logged g USING (po_number, sku)
            WHERE l.received_date IS NOT NULL
              AND l.received_quantity - COALESCE(g.quantity, 0) > 0)
        SELECT sku, SUM(quantity) AS quantity FROM dated
        WHERE received_date > ? AND received_date <= ?
        GROUP BY sku HAVING SUM(quantity) > 0 ORDER BY sku""", db.conn, params=[snapshot, iso])
