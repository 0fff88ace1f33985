"""The app's edits of a workspace, one function per kind of change (the SQL the undoable commands
in planner/ui/commands.py run; a command calls these inside one ``db.atomic()`` per redo/undo).

Receipts, cancellations and PO states are in po_life; this module holds the rest: approving
suggested orders as drafts, editing PO lines, forecast overrides, settings and supplier details.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlite_utils import Database

from planner.errors import InputError
from planner.store import po_life

#: the supplier fields the app edits
SUPPLIER_FIELDS = ("email", "lead_time_days", "lead_time_std_days", "min_order_value", "currency",
                   "contact", "address")


@dataclass(frozen=True)
class DraftLine:
    """One line of an approved order: quantity, due date at the dock, unit cost (None: none)."""

    sku: str
    quantity: int
    expected_date: dt.date
    unit_cost: float | None


@dataclass
class ApprovedLine:
    """One line of an approved suggestion: quantity, the supplier's unit cost, dock date."""

    sku: str
    quantity: int
    unit_cost: float | None
    #: when the line is due at the dock (None: the order's expected date)
    expected_date: dt.date | None = None


@dataclass
class ApprovedOrder:
    """A suggested PO as the buyer approved it (quantities possibly edited)."""

    supplier: str
    order_date: dt.date
    expected_date: dt.date
    lines: list[ApprovedLine] = field(default_factory=list)
    note: str = ""


# --- purchase orders ---------------------------------------------------------------------------
def add_approved_orders(db: Database, orders: Sequence[ApprovedOrder], *, as_of: dt.date,
                        po_numbers: Sequence[str] | None = None) -> list[str]:
    """Write approved orders as draft POs in one transaction, numbered by the workspace's
    ``po_number_pattern`` (or by ``po_numbers``, a redo's own); returns the numbers in order."""
    from planner.store.po_numbers import next_po_numbers
    from planner.store.settings import load_settings

    with db.atomic():
        numbers = list(po_numbers or next_po_numbers(
            db, len(orders), as_of=as_of, pattern=str(load_settings(db)["po_number_pattern"])))
        for po_number, order in zip(numbers, orders, strict=True):
            lines = [line for line in order.lines if line.quantity > 0]
            if not lines:
                continue
            add_draft_po(db, po_number, supplier=order.supplier or None,
                         order_date=order.order_date, note=order.note or "approved in Planner",
                         lines=[DraftLine(line.sku, int(line.quantity),
                                          line.expected_date or order.expected_date,
                                          _cost(line.unit_cost)) for line in lines])
    return numbers


def _cost(value: Any) -> float | None:
    """A unit cost as stored: None for none (or NaN)."""
    if value is None:
        return None
    cost = float(value)
    return None if cost != cost else cost


def add_draft_po(db: Database, po_number: str, *, supplier: str | None, order_date: dt.date,
                 note: str, lines: Sequence[DraftLine]) -> None:
    """A new draft PO with its lines (the buyer's approval of a suggestion)."""
    db.execute("INSERT INTO purchase_orders(po_number, supplier, order_date, note, state) "
               "VALUES (?, ?, ?, ?, 'draft')", [po_number, supplier, order_date.isoformat(), note])
    po_life.record(db, po_number, "approved",
                   f"draft of {len(lines):,} lines from the plan's suggestion")
    db.conn.executemany(
        "INSERT INTO po_lines(po_number, sku, quantity, expected_date, received_quantity, "
        "status, unit_cost) VALUES (?, ?, ?, ?, 0, 'open', ?)",
        [(po_number, line.sku, int(line.quantity), line.expected_date.isoformat(),
          line.unit_cost) for line in lines])


def delete_draft_po(db: Database, po_number: str) -> None:
    """Take an approval back: the draft and its lines go (the audit trail says so)."""
    db.execute("DELETE FROM po_lines WHERE po_number = ?", [po_number])
    db.execute("DELETE FROM purchase_orders WHERE po_number = ?", [po_number])
    po_life.record(db, po_number, "undo", "approval taken back: the draft is deleted")


def po_line_date_and_quantity(db: Database, po_number: str, sku: str) -> tuple[str, int]:
    """A PO line's expected date (ISO) and ordered quantity."""
    row = db.execute("SELECT expected_date, quantity FROM po_lines WHERE po_number = ? AND sku = ?",
                     [po_number, sku]).fetchone()
    if row is None:
        raise InputError(f"{po_number} has no line for {sku} any more")
    return str(row[0]), int(row[1])


def set_po_line(db: Database, po_number: str, sku: str, *, expected_date: str, quantity: int,
                action: str, detail: str) -> None:
    """Give a PO line a new expected date (ISO) and quantity; ``action`` and ``detail`` go to
    the audit trail."""
    db.execute("UPDATE po_lines SET expected_date = ?, quantity = ? WHERE po_number = ? AND sku = ?",
               [expected_date, int(quantity), po_number, sku])
    po_life.record(db, po_number, action, detail, sku=sku)


def undo_po_line_edit(db: Database, po_number: str, sku: str, *, old: tuple[str, int],
                      new: tuple[str, int]) -> None:
    """Take an edit of a PO line's (expected date, quantity) back from ``new`` to ``old``;
    refused when the line changed since (by an import or another edit)."""
    now = po_line_date_and_quantity(db, po_number, sku)
    if now != (new[0], int(new[1])):
        raise InputError(f"{po_number} / {sku} changed since the edit (now expected {now[0]}, "
                         f"quantity {now[1]:,}; the edit set {new[0]}, {int(new[1]):,}): it "
                         "cannot be taken back; edit the line instead")
    set_po_line(db, po_number, sku, expected_date=old[0], quantity=old[1], action="undo",
                detail=f"edit taken back: expected {old[0]}, quantity {int(old[1]):,}")


# --- forecasts and settings --------------------------------------------------------------------
#: a forecast override: demand_per_day, demand_std_per_day, start_date, end_date (ISO or None)
Override = tuple[float, float | None, str | None, str | None]


def forecast_override(db: Database, sku: str) -> Override | None:
    """A SKU's manual forecast, None when it has none."""
    row = db.execute("SELECT demand_per_day, demand_std_per_day, start_date, end_date "
                     "FROM forecast_overrides WHERE sku = ?", [sku]).fetchone()
    return None if row is None else (row[0], row[1], row[2], row[3])


def set_forecast_override(db: Database, sku: str, values: Override | None) -> None:
    """Replace a SKU's manual forecast (None: remove it)."""
    db.execute("DELETE FROM forecast_overrides WHERE sku = ?", [sku])
    if values is not None:
        db.execute("INSERT INTO forecast_overrides(sku, demand_per_day, demand_std_per_day, "
                   "start_date, end_date) VALUES (?, ?, ?, ?, ?)", [sku, *values])


def stored_setting(db: Database, key: str) -> str | None:
    """A setting's stored text, None when the workspace keeps the default."""
    row = db.execute("SELECT value FROM settings WHERE key = ?", [key]).fetchone()
    return None if row is None else str(row[0])


def store_setting(db: Database, key: str, text: str | None) -> None:
    """Store a setting's text as it is (None: back to the default); callers validate it first."""
    if text is None:
        db.execute("DELETE FROM settings WHERE key = ?", [key])
    else:
        db.execute("INSERT INTO settings(key, value) VALUES (?, ?) "
                   "ON CONFLICT(key) DO UPDATE SET value = excluded.value", [key, text])


# --- suppliers ---------------------------------------------------------------------------------
def _checked(fields: Sequence[str]) -> list[str]:
    unknown = set(fields) - set(SUPPLIER_FIELDS)
    if unknown:
        raise ValueError(f"unknown supplier fields: {sorted(unknown)}")
    return list(fields)


def supplier_values(db: Database, supplier: str, fields: Sequence[str]) -> dict[str, Any]:
    """Some of a supplier's fields (from SUPPLIER_FIELDS)."""
    names = _checked(fields)
    row = db.execute(f"SELECT {', '.join(f'[{k}]' for k in names)} FROM suppliers "
                     "WHERE supplier = ?", [supplier]).fetchone()
    if row is None:
        raise InputError(f"no supplier {supplier!r}")
    return dict(zip(names, row, strict=True))


def set_supplier_values(db: Database, supplier: str, values: dict[str, Any]) -> None:
    """Change some of a supplier's fields (from SUPPLIER_FIELDS)."""
    names = _checked(list(values))
    db.execute(f"UPDATE suppliers SET {', '.join(f'[{k}] = ?' for k in names)} WHERE supplier = ?",
               [*values.values(), supplier])
