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
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from sqlite_utils import Database

from planner import clock
from planner.errors import InputError

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
    return clock.now().isoformat(timespec="seconds")


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


def line_skus(db: Database, po_number: str, *, open_only: bool = False) -> list[str]:
    """The SKUs of a PO's lines (only its open ones with ``open_only``), sorted."""
    where = " AND status = 'open'" if open_only else ""
    return [str(r[0]) for r in db.execute(
        f"SELECT sku FROM po_lines WHERE po_number = ?{where} ORDER BY sku", [po_number])]


def receive(db: Database, po_number: str, sku: str, quantity: int,
            received_date: dt.date, *, not_in_count: bool = False) -> int:
    """Record one delivery of a PO line: adds to its received units, and the line is received
    once they reach the (confirmed, else ordered) quantity. Its moment is now (the stock rule
    below); ``not_in_count``: the buyer says the stock count of its day does not hold it.
    Returns the receipt's id."""
    quantity = int(quantity)
    if quantity <= 0:
        raise ValueError("a receipt needs a quantity of at least 1")
    ordered, received, last, status, confirmed = line_values(db, po_number, sku)
    if status == "cancelled":
        raise ValueError(f"{po_number} / {sku} is cancelled: a cancelled line cannot be "
                         "received (undo the cancellation first)")
    total = int(received) + quantity
    due = int(confirmed) if confirmed is not None else int(ordered)
    if total > MAX_RECEIVED_TIMES * due:
        raise InputError(f"{po_number} / {sku}: {total:,} received would be more than "
                         f"{MAX_RECEIVED_TIMES} times the {due:,} units due; a typo? (a bigger "
                         "delivery is a new PO)")
    day = received_date.isoformat()
    db.execute("UPDATE po_lines SET received_quantity = ?, received_date = ?, status = ? "
               "WHERE po_number = ? AND sku = ?",
               [total, max(day, last or day), "received" if total >= due else "open",
                po_number, sku])
    cursor = db.execute("INSERT INTO po_receipts(po_number, sku, received_date, quantity, at, "
                        "user, not_in_count) VALUES (?, ?, ?, ?, ?, ?, ?)",
                        [po_number, sku, day, quantity, clock.stamp(), current_user(),
                         int(not_in_count)])
    record(db, po_number, "received",
           f"{quantity:,} received on {day} ({total:,} of {due:,})"
           + (" (not in the stock count)" if not_in_count else ""), sku=sku)
    return int(cursor.lastrowid or 0)


def _status(received: int, ordered: int, confirmed: Any) -> str:
    """An open line's status from its received units against its confirmed, else ordered,
    quantity."""
    due = int(confirmed) if confirmed is not None else int(ordered)
    return "received" if int(received) > 0 and int(received) >= due else "open"


def undo_receipt(db: Database, receipt_id: int, before: tuple[Any, ...]) -> None:
    """Take a receipt back: only its own units come off the line (what a file or another
    receipt added since stays); refused when the line no longer holds them."""
    row = db.execute("SELECT po_number, sku, quantity, received_date FROM po_receipts "
                     "WHERE id = ?", [receipt_id]).fetchone()
    if row is None:
        return
    po_number, sku, quantity, day = row
    ordered, received, last, status, confirmed = line_values(db, po_number, sku)
    remaining = int(received) - int(quantity)
    if remaining < 0:
        raise InputError(f"{po_number} / {sku} holds only {int(received):,} received now (it "
                         f"changed since, by an import or another edit): the receipt of "
                         f"{int(quantity):,} cannot be taken back; correct the line instead")
    db.execute("DELETE FROM po_receipts WHERE id = ?", [receipt_id])
    if remaining == 0:
        last = None
    elif last == day and int(received) - int(before[1]) == int(quantity):
        # nothing but this receipt changed the line since: its date goes back with it
        others = db.execute("SELECT max(received_date) FROM po_receipts WHERE po_number = ? "
                            "AND sku = ?", [po_number, sku]).fetchone()[0]
        last = max([d for d in (others, before[2]) if d], default=last)
    if status != "cancelled":
        status = _status(remaining, ordered, confirmed)
    db.execute("UPDATE po_lines SET received_quantity = ?, received_date = ?, status = ? "
               "WHERE po_number = ? AND sku = ?", [remaining, last, status, po_number, sku])
    record(db, po_number, "undo", f"receipt of {int(quantity):,} taken back "
           f"({remaining:,} received now)", sku=sku)


def cancel(db: Database, po_number: str) -> list[tuple[str, str]]:
    """Cancel a PO's lines that are still open; returns (sku, status before) to undo it."""
    header(db, po_number)
    rows = db.execute("SELECT sku, status FROM po_lines WHERE po_number = ? AND status = 'open'",
                      [po_number]).fetchall()
    if not rows:
        raise ValueError(f"{po_number} has no open lines to cancel (it is "
                         f"{state_of(db, po_number)})")
    db.execute("UPDATE po_lines SET status = 'cancelled' WHERE po_number = ? AND status = 'open'",
               [po_number])
    record(db, po_number, "cancelled", f"{len(rows):,} open lines cancelled")
    return [(r[0], r[1]) for r in rows]


def cancel_line(db: Database, po_number: str, sku: str) -> list[tuple[str, str]]:
    """Cancel one open line of a PO; returns (sku, status before) to undo it (undo_cancel)."""
    header(db, po_number)
    status = line_values(db, po_number, sku)[3]
    if status != "open":
        raise ValueError(f"{po_number} / {sku} is {status}: only an open line can be cancelled")
    db.execute("UPDATE po_lines SET status = 'cancelled' WHERE po_number = ? AND sku = ?",
               [po_number, sku])
    record(db, po_number, "cancelled", "line cancelled", sku=sku)
    return [(sku, status)]


def undo_cancel(db: Database, po_number: str, before: list[tuple[str, str]]) -> None:
    """Take a cancellation (of a PO or of one line) back: the lines still cancelled open again
    (received when their received units reach the quantity due); refused when none is
    cancelled any more (a file changed them since)."""
    rows = db.execute("SELECT sku, quantity, received_quantity, confirmed_quantity FROM "
                      "po_lines WHERE po_number = ? AND status = 'cancelled' AND sku IN "
                      "(SELECT value FROM json_each(?))",
                      [po_number, json.dumps([sku for sku, _ in before])]).fetchall()
    if not rows:
        raise InputError(f"{po_number} is no longer cancelled (an import or another edit "
                         "changed it since): there is no cancellation to take back")
    db.conn.executemany("UPDATE po_lines SET status = ? WHERE po_number = ? AND sku = ?",
                        [(_status(received, ordered, confirmed), po_number, sku)
                         for sku, ordered, received, confirmed in rows])
    record(db, po_number, "undo", f"cancellation taken back ({len(rows):,} lines open again)")


# --- the supplier's answer ---------------------------------------------------------------------
@dataclass(frozen=True)
class Answer:
    """What a supplier confirmed for one PO line (None: as before / as ordered)."""

    sku: str
    quantity: int | None = None
    date: dt.date | None = None
    comment: str | None = None


@dataclass
class BeforeAnswer:
    """A PO's header and lines before a supplier's answer was recorded (to undo it)."""

    header: dict[str, Any]
    #: (sku, confirmed_quantity, confirmed_date, supplier_comment, status) per line answered
    lines: list[tuple[Any, ...]] = field(default_factory=list)
    #: (confirmed_quantity, confirmed_date, supplier_comment) the answer set, per line
    set_to: list[tuple[Any, ...]] = field(default_factory=list)


def _answer_detail(ordered: int, expected: str, answer: Answer) -> str:
    parts = []
    if answer.quantity is not None:
        parts.append(f"quantity {int(answer.quantity):,} (ordered {int(ordered):,})")
    if answer.date is not None:
        parts.append(f"date {answer.date.isoformat()} (expected {expected})")
    text = ", ".join(parts) or "as ordered"
    return text + (f": {answer.comment}" if answer.comment else "")


#: a receipt that would take a line above this many times its quantity due is refused (a typo)
MAX_RECEIVED_TIMES = 10
#: the most units one PO line can be confirmed for (more is a typo)
MAX_LINE_UNITS = 1_000_000_000


def _check_answer(po_number: str, head: dict[str, Any], answer: Answer) -> None:
    """Refuse an impossible answer: more than MAX_LINE_UNITS, or dated before the order."""
    if answer.quantity is not None and int(answer.quantity) > MAX_LINE_UNITS:
        raise InputError(f"{po_number} / {answer.sku}: a confirmed quantity of "
                         f"{int(answer.quantity):,} is more than {MAX_LINE_UNITS:,} units; "
                         "a typo?")
    ordered = head.get("order_date")
    if answer.date is not None and ordered and answer.date.isoformat() < str(ordered)[:10]:
        raise InputError(f"{po_number} / {answer.sku}: confirmed for {answer.date.isoformat()}, "
                         f"before the PO was ordered ({str(ordered)[:10]}); a typo?")


def confirm(db: Database, po_number: str, answers: list[Answer] | None = None, *,
            how: str = "") -> BeforeAnswer:
    """Record a supplier's answer: per line the confirmed quantity and/or date and a comment
    (no answers: every open line as ordered); a draft or sent PO becomes confirmed, and a line
    whose received units reach its confirmed quantity is received. Returns what to undo."""
    before = BeforeAnswer(header(db, po_number))
    if answers is None:
        answers = [Answer(sku) for sku in line_skus(db, po_number, open_only=True)]
        if not answers:
            raise ValueError(f"{po_number} has no open lines to confirm (it is "
                             f"{state_of(db, po_number)})")
    for answer in answers:
        row = db.execute("SELECT quantity, expected_date, received_quantity, status, "
                         "confirmed_quantity, confirmed_date, supplier_comment FROM po_lines "
                         "WHERE po_number = ? AND sku = ?", [po_number, answer.sku]).fetchone()
        if row is None:
            raise ValueError(f"{po_number} has no line for SKU {answer.sku}")
        ordered, expected, received, status, old_qty, old_date, old_comment = row
        if status != "open":
            raise ValueError(f"{po_number} / {answer.sku} is {status}: only an open line can "
                             "be confirmed")
        _check_answer(po_number, before.header, answer)
        if answer.quantity is not None and int(answer.quantity) < 1:
            raise ValueError(f"a confirmed quantity must be at least 1 ({po_number} / "
                             f"{answer.sku}: {answer.quantity}); to take the line off, cancel it")
        before.lines.append((answer.sku, old_qty, old_date, old_comment, status))
        quantity = int(answer.quantity) if answer.quantity is not None else old_qty
        due = int(quantity) if quantity is not None else int(ordered)
        done = int(received) > 0 and int(received) >= due
        new = (quantity, answer.date.isoformat() if answer.date else old_date,
               answer.comment if answer.comment is not None else old_comment)
        before.set_to.append(new)
        db.execute("UPDATE po_lines SET confirmed_quantity = ?, confirmed_date = ?, "
                   "supplier_comment = ?, status = ? WHERE po_number = ? AND sku = ?",
                   [*new, "received" if done else status, po_number, answer.sku])
        record(db, po_number, "supplier answer",
               _answer_detail(ordered, expected, answer) + (f" ({how})" if how else ""),
               sku=answer.sku)
    if before.header["state"] in ("draft", "sent"):
        set_state(db, po_number, "confirmed",
                  detail=f"{before.header['state']} → confirmed ({how or 'supplier answer'})")
    return before


def undo_confirm(db: Database, po_number: str, before: BeforeAnswer) -> None:
    """Take a recorded supplier's answer back: each value it set goes back to what it was,
    unless a file or another edit changed it since (that value stays); a line's status
    follows its received units; the header goes back while it is still confirmed."""
    names = ("confirmed_quantity", "confirmed_date", "supplier_comment")
    for (sku, *old), new in zip(before.lines, before.set_to, strict=True):
        row = db.execute("SELECT confirmed_quantity, confirmed_date, supplier_comment, "
                         "quantity, received_quantity, status FROM po_lines "
                         "WHERE po_number = ? AND sku = ?", [po_number, sku]).fetchone()
        if row is None:
            continue
        values = [was if now == set_ else now
                  for now, set_, was in zip(row[:3], new[-3:], old[:3], strict=True)]
        status = row[5] if row[5] == "cancelled" else _status(row[4], row[3], values[0])
        db.execute(f"UPDATE po_lines SET {', '.join(f'{n} = ?' for n in names)}, status = ? "
                   "WHERE po_number = ? AND sku = ?", [*values, status, po_number, sku])
    if header(db, po_number)["state"] == "confirmed":
        restore_header(db, po_number, before.header, "supplier's answer taken back")
    else:
        record(db, po_number, "undo", "supplier's answer taken back")


# --- imports -----------------------------------------------------------------------------------
_LINE_FIELDS = ("po_number", "sku", "confirmed_quantity", "confirmed_date", "received_quantity",
                "quantity", "expected_date", "status")


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
    raised = merged[merged["received_quantity"].fillna(0)
                    > merged["received_quantity_before"].fillna(0)]
    if len(raised):  # the moment the file's receipts were recorded (the stock rule)
        db.conn.executemany("UPDATE po_lines SET received_at = ? WHERE po_number = ? AND sku = ?",
                            [(clock.stamp(), po, sku) for po, sku in
                             zip(raised["po_number"], raised["sku"], strict=True)])
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
        notes += _audit_line_changes(db, str(po_number), lines, file)
    if confirmed_pos:
        notes.append(f"confirmed by the supplier: {', '.join(confirmed_pos)}")
    return notes


def _value(value: Any) -> Any:
    """A stored value as compared and shown: None for none, whole numbers as int."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    value = value.item() if hasattr(value, "item") else value  # numpy → Python
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _audit_line_changes(db: Database, po_number: str, lines: pd.DataFrame, file: str) -> list[str]:
    """Record what a file changed on a PO's existing lines besides confirmations and raised
    receipts (quantity, expected date, status, lowered receipts); returns notes on the
    cancelled lines it opened again."""
    notes = []
    by = f"by import of {file}"
    for line in lines[lines["quantity_before"].notna()].to_dict("records"):
        was, now = ({k: _value(line[k + suffix]) for k in ("quantity", "expected_date", "status",
                                                             "received_quantity")}
                    for suffix in ("_before", ""))
        sku = str(line["sku"])
        parts = [f"{label} {was[k]:,} → {now[k]:,}" if isinstance(now[k], int)
                 else f"{label} {was[k]} → {now[k]}"
                 for k, label in (("quantity", "quantity"), ("expected_date", "expected"))
                 if was[k] != now[k]]
        moved = {was["status"], now["status"]} == {"open", "received"}
        if moved:
            parts.append(f"status {was['status']} → {now['status']}")
        if parts:
            record(db, po_number, "edited", ", ".join(parts) + f" {by}", sku=sku)
        if (now["received_quantity"] or 0) < (was["received_quantity"] or 0):
            record(db, po_number, "received lowered",
                   f"received {was['received_quantity']:,} → {now['received_quantity'] or 0:,} "
                   f"{by}", sku=sku)
        if was["status"] == "cancelled" and now["status"] != "cancelled":
            record(db, po_number, "reopened", f"cancelled → {now['status']} {by}", sku=sku)
            notes.append(f"{po_number} / {sku}: cancelled in the workspace, open again because "
                         f"{file} says status {now['status']} (the file's status won)")
        elif now["status"] == "cancelled" and was["status"] != "cancelled":
            record(db, po_number, "cancelled", f"line cancelled {by}", sku=sku)
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
#: a moment at the end of a day ('2025-03-01' || END_OF_DAY): what a date without a time means
END_OF_DAY = "T23:59:59.999999"


def _moment(recorded: str, day: str) -> str:
    """SQL: the moment of a row dated ``day`` and recorded at ``recorded``: that moment when it
    was recorded on its own day, else the end of its day."""
    return (f"CASE WHEN substr({recorded}, 1, 10) = {day} THEN {recorded} "
            f"ELSE {day} || '{END_OF_DAY}' END")


def current_count_date(db: Database, as_of: dt.date) -> str | None:
    """The date of the current stock count: the newest snapshot on or before as-of."""
    row = db.execute("SELECT max(snapshot_date) FROM inventory WHERE snapshot_date <= ?",
                     [as_of.isoformat()]).fetchone()
    return None if row is None else row[0]


def receipts_since_count(db: Database, as_of: dt.date) -> pd.DataFrame:
    """Every receipt dated from the current count's day to as-of, and whether it adds to the
    count's on-hand (``added``) or the count holds it, by the rule of moments:

    a count (per SKU: its rows in the snapshot, else the snapshot's first) and a receipt each
    have a moment: when it was recorded in the workspace if that was on its own date, else the
    end of its date; a receipt adds when its moment is after the count's, or when the buyer
    said "not in the count" and it is dated on or after the count's day. A receipt dated the
    count's day that the rule puts in the count is ``ambiguous`` unless both moments are
    recorded times (a file's received date, or a count file dated another day, has none).
    Each app receipt is one row (source 'app'); received units a purchase_orders file set
    without app receipts are one row per line (source 'file', recorded when the file raised
    them)."""
    count_day = current_count_date(db, as_of)
    columns = ["po_number", "sku", "received_date", "quantity", "source", "receipt_id",
               "moment", "not_in_count", "count_moment", "added", "ambiguous"]
    if count_day is None:
        return pd.DataFrame(columns=columns)
    # a workspace of an older schema open read-only has no moments yet: dates only
    moments = "not_in_count" in db["po_receipts"].columns_dict
    recorded, line_at, line_flag, flag = (("recorded_at", "l.received_at",
                                            "l.received_not_in_count", "not_in_count")
                                           if moments else ("NULL", "NULL", "0", "0"))
    frame = pd.read_sql_query(f"""
        WITH counted AS (SELECT sku, {_moment(recorded, "snapshot_date")} AS moment
                         FROM inventory WHERE snapshot_date = :day),
        per_sku AS (SELECT sku, max(moment) AS moment FROM counted GROUP BY sku),
        logged AS (SELECT po_number, sku, SUM(quantity) AS quantity FROM po_receipts
                   GROUP BY po_number, sku),
        dated AS (
            SELECT po_number, sku, received_date, quantity, 'app' AS source, id AS receipt_id,
                   {_moment("at", "received_date")} AS moment, {flag} AS not_in_count
            FROM po_receipts
            UNION ALL
            SELECT l.po_number, l.sku, l.received_date,
                   l.received_quantity - COALESCE(g.quantity, 0), 'file', NULL,
                   {_moment(line_at, "l.received_date")}, {line_flag}
            FROM po_lines l LEFT JOIN logged g USING (po_number, sku)
            WHERE l.received_date IS NOT NULL
              AND l.received_quantity - COALESCE(g.quantity, 0) > 0)
        SELECT d.*, COALESCE(c.moment, (SELECT min(moment) FROM counted)) AS count_moment
        FROM dated d LEFT JOIN per_sku c USING (sku)
        WHERE d.received_date >= :day AND d.received_date <= :as_of
        ORDER BY d.received_date, d.po_number, d.sku""", db.conn,
        params={"day": count_day, "as_of": as_of.isoformat()})
    after = frame["moment"] > frame["count_moment"]
    flagged = frame["not_in_count"].astype(bool)
    frame["added"] = after | flagged
    guessed = (frame["source"].eq("file") | frame["moment"].str.endswith(END_OF_DAY)
               | frame["count_moment"].str.endswith(END_OF_DAY))
    frame["ambiguous"] = ~frame["added"] & frame["received_date"].eq(count_day) & guessed
    return frame.reindex(columns=columns)


def received_since_snapshot(db: Database, as_of: dt.date) -> pd.DataFrame:
    """Units received after the current stock count (receipts_since_count's rule), per SKU:
    not in that count, so they add to its on-hand. With no count at all nothing is added."""
    receipts = receipts_since_count(db, as_of)
    added = receipts[receipts["added"].astype(bool)]
    if added.empty:
        return pd.DataFrame({"sku": pd.Series(dtype=object), "quantity": pd.Series(dtype=int)})
    total = added.groupby("sku", sort=True)["quantity"].sum().astype(int)
    total = total[total > 0]
    return pd.DataFrame({"sku": total.index.astype(object), "quantity": total.to_numpy()})


def count_day_receipts(db: Database, as_of: dt.date) -> pd.DataFrame:
    """The receipts the current count holds by convention only (ambiguous): po_number, sku,
    received_date, quantity, source, receipt_id."""
    receipts = receipts_since_count(db, as_of)
    return receipts[receipts["ambiguous"].astype(bool)].reset_index(drop=True)


def set_not_in_count(db: Database, po_number: str, sku: str, as_of: dt.date,
                     value: bool = True) -> list[tuple[str, int | None, int]]:
    """Say that the current count (as of ``as_of``) does (False) or does not (True) hold a
    line's receipts dated its day; returns (source, receipt id, flag before) to undo it."""
    line_values(db, po_number, sku)
    day = current_count_date(db, as_of)
    if day is None:
        raise ValueError("there is no stock count: every receipt adds to on-hand already")
    receipts = receipts_since_count(db, as_of)
    mine = receipts[(receipts["po_number"] == po_number) & (receipts["sku"] == sku)
                    & (receipts["received_date"] == day)]
    if mine.empty:
        raise ValueError(f"{po_number} / {sku} has no receipt dated {day}, the day of the "
                         "stock count")
    before = [(str(r.source), None if pd.isna(r.receipt_id) else int(r.receipt_id),
               int(r.not_in_count)) for r in mine.itertuples(index=False)]
    _set_flags(db, po_number, sku, [(source, rid, int(value)) for source, rid, _ in before])
    record(db, po_number, "not in the count" if value else "in the count",
           f"receipts dated {day} {'are not' if value else 'are'} in the stock count of {day}",
           sku=sku)
    return before


def _set_flags(db: Database, po_number: str, sku: str,
               flags: list[tuple[str, int | None, int]]) -> None:
    for source, receipt_id, flag in flags:
        if source == "app":
            db.execute("UPDATE po_receipts SET not_in_count = ? WHERE id = ?", [flag, receipt_id])
        else:
            db.execute("UPDATE po_lines SET received_not_in_count = ? WHERE po_number = ? "
                       "AND sku = ?", [flag, po_number, sku])


def undo_not_in_count(db: Database, po_number: str, sku: str,
                      before: list[tuple[str, int | None, int]]) -> None:
    """Put the receipts' "not in the count" back as it was."""
    _set_flags(db, po_number, sku, before)
    record(db, po_number, "undo", "'not in the count' taken back", sku=sku)
