"""One QUndoCommand per user edit of the workspace; each redo and undo is one transaction.

A command that fails on its first redo marks itself obsolete (Qt then drops it from the stack)
and shows why; nothing partial is written because each write is inside ``db.atomic()``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pandas as pd
from PySide6.QtGui import QUndoCommand

from planner import clock
from planner.errors import InputError
from planner.store import edits, po_life
from planner.store.edits import SUPPLIER_FIELDS, ApprovedLine, ApprovedOrder  # noqa: F401
from planner.ui.errors import show_error

#: the longest command description the Undo/Redo actions show (the toolbar must not jump)
ACTION_TEXT_CHARS = 44


def action_text(text: str) -> str:
    """A command's description for a menu or toolbar action: shortened, '&' shown as '&'."""
    short = text if len(text) <= ACTION_TEXT_CHARS else text[:ACTION_TEXT_CHARS - 1] + "…"
    return short.replace("&", "&&")


class WorkspaceCommand(QUndoCommand):
    """Base: run ``apply``/``revert`` in a transaction, then tell the session the data changed."""

    def __init__(self, session: Any, text: str) -> None:
        super().__init__()
        # text() is the full description (undo history, messages); the Undo/Redo menu and
        # toolbar get a short one with '&' doubled, so Qt shows it instead of underlining a letter
        self.setText(f"{text}\n{action_text(text)}")
        self.session = session
        self.failed: BaseException | None = None
        self._first = True

    def apply(self, db: Any) -> None:
        raise NotImplementedError

    def revert(self, db: Any) -> None:
        raise NotImplementedError

    def _run(self, step: Any) -> None:
        db = self.session.db
        try:
            with db.atomic():
                step(db)
        except Exception as exc:  # noqa: BLE001 - shown to the user; nothing was written
            self.failed = exc
            self.setObsolete(True)
            show_error(None, "Not changed", exc,
                       headline=f"Could not {self.text()[:1].lower() + self.text()[1:]}.")
            return
        self.session.edited()

    def redo(self) -> None:
        self._run(self.apply)
        self._first = False

    def undo(self) -> None:
        self._run(self.revert)


def _iso(value: Any) -> str | None:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    return pd.Timestamp(value).date().isoformat()


# --- purchase orders ---------------------------------------------------------------------------
class ApprovePurchaseOrders(WorkspaceCommand):
    """Create open POs from approved suggestions."""

    def __init__(self, session: Any, orders: list[ApprovedOrder]) -> None:
        n = len(orders)
        label = f"approve {n} suggested PO{'s' if n != 1 else ''}"
        if n == 1:
            label = f"approve the suggested PO for {orders[0].supplier}"
        super().__init__(session, label[:1].upper() + label[1:])
        self.orders = orders
        self.po_numbers: list[str] = []

    def apply(self, db: Any) -> None:
        # the store function `planner approve` calls too (one transaction, po_number_pattern)
        self.po_numbers = edits.add_approved_orders(db, self.orders, as_of=self.session.as_of,
                                                    po_numbers=self.po_numbers or None)

    def revert(self, db: Any) -> None:
        for po_number in self.po_numbers:
            edits.delete_draft_po(db, po_number)


@dataclass
class LineEdit:
    """New values for one PO line (None keeps the current value)."""

    po_number: str
    sku: str
    expected_date: dt.date | None = None
    quantity: int | None = None


class EditPoLines(WorkspaceCommand):
    """Change the expected date and/or quantity of PO lines."""

    def __init__(self, session: Any, edits: list[LineEdit], text: str = "") -> None:
        if not text:
            e = edits[0]
            text = (f"Edit {e.po_number} / {e.sku}" if len(edits) == 1
                    else f"Edit {len(edits)} PO lines")
        super().__init__(session, text)
        self.edits = edits
        self.before: list[tuple[str, str, str, int]] = []
        self.after: list[tuple[str, int]] = []

    def apply(self, db: Any) -> None:
        self.after = []
        if not self.before:
            for e in self.edits:
                old_date, old_qty = edits.po_line_date_and_quantity(db, e.po_number, e.sku)
                self.before.append((e.po_number, e.sku, old_date, old_qty))
        for e, (_po, _sku, old_date, old_qty) in zip(self.edits, self.before, strict=True):
            date = e.expected_date.isoformat() if e.expected_date else old_date
            quantity = int(e.quantity) if e.quantity is not None else old_qty
            self.after.append((date, quantity))
            edits.set_po_line(db, e.po_number, e.sku, expected_date=date, quantity=quantity,
                              action="edited",
                              detail=f"expected {old_date} → {date}, quantity {old_qty:,} → "
                                     f"{quantity:,} ({self.text().splitlines()[0]})")

    def revert(self, db: Any) -> None:
        for (po_number, sku, old_date, old_qty), new in zip(self.before, self.after,
                                                             strict=True):
            edits.undo_po_line_edit(db, po_number, sku, old=(old_date, old_qty), new=new)


class ApplyWhatIf(EditPoLines):
    """Keep the PO changes tried in the what-if page."""

    def __init__(self, session: Any, edits: list[LineEdit]) -> None:
        pos = sorted({e.po_number for e in edits})
        super().__init__(session, edits, text=f"Apply what-if to {', '.join(pos)}")


class ReceivePoLine(WorkspaceCommand):
    """Record one delivery of a PO line (all of it or part): ``quantity`` units arrived on
    ``received_date`` (kept as a receipt of its own; the stock rule dates it)."""

    def __init__(self, session: Any, po_number: str, sku: str, quantity: int,
                 received_date: dt.date, text: str = "") -> None:
        super().__init__(session, text or f"Receive {int(quantity):,} of {po_number} / {sku}")
        self.key = (po_number, sku)
        self.quantity = int(quantity)
        self.received_date = received_date
        self.before: tuple[Any, ...] | None = None
        self.receipt_id: int | None = None

    def quantity_now(self, before: tuple[Any, ...]) -> int:
        return self.quantity

    def apply(self, db: Any) -> None:
        self.before = po_life.line_values(db, *self.key)
        quantity = self.quantity_now(self.before)
        if quantity <= 0:
            raise InputError(f"{self.key[0]} / {self.key[1]} has {int(self.before[1]):,} "
                             "received already: nothing more to receive")
        self.receipt_id = po_life.receive(db, *self.key, quantity, self.received_date)

    def revert(self, db: Any) -> None:
        assert self.before is not None and self.receipt_id is not None
        po_life.undo_receipt(db, self.receipt_id, self.before)


class MarkReceived(ReceivePoLine):
    """Record that a PO line's received units now total ``received_quantity`` (fully or
    partly received): the difference is one delivery on ``received_date``."""

    def __init__(self, session: Any, po_number: str, sku: str, received_quantity: int,
                 received_date: dt.date) -> None:
        super().__init__(session, po_number, sku, int(received_quantity), received_date,
                         text=f"Mark {po_number} / {sku} received")

    def quantity_now(self, before: tuple[Any, ...]) -> int:
        return self.quantity - int(before[1])


class SetPoState(WorkspaceCommand):
    """Move POs to draft, sent or confirmed (sent: dated ``on``)."""

    def __init__(self, session: Any, po_numbers: list[str], state: str,
                 on: dt.date | None = None, how: str = "in the app") -> None:
        what = po_numbers[0] if len(po_numbers) == 1 else f"{len(po_numbers)} POs"
        super().__init__(session, f"Mark {what} {state}")
        self.po_numbers = list(po_numbers)
        self.state = state
        self.on = on
        self.how = how
        self.before: dict[str, dict[str, Any]] = {}

    def apply(self, db: Any) -> None:
        for po_number in self.po_numbers:
            head = po_life.header(db, po_number)
            self.before[po_number] = head
            sent = (self.on or clock.today()).isoformat() if self.state == "sent" else None
            po_life.set_state(db, po_number, self.state, sent_date=sent,
                              detail=f"{head['state']} → {self.state} ({self.how})")

    def revert(self, db: Any) -> None:
        for po_number, head in self.before.items():
            po_life.restore_header(db, po_number, head, f"'{self.text().splitlines()[0]}' undone")


class CancelPurchaseOrder(WorkspaceCommand):
    """Cancel a PO's open lines (received ones stay received)."""

    def __init__(self, session: Any, po_number: str) -> None:
        super().__init__(session, f"Cancel {po_number}")
        self.po_number = po_number
        self.before: list[tuple[str, str]] = []

    def apply(self, db: Any) -> None:
        self.before = po_life.cancel(db, self.po_number)

    def revert(self, db: Any) -> None:
        po_life.undo_cancel(db, self.po_number, self.before)


class CancelPoLine(WorkspaceCommand):
    """Cancel one open line of a PO (the same store function as `planner cancel --sku`)."""

    def __init__(self, session: Any, po_number: str, sku: str) -> None:
        super().__init__(session, f"Cancel {po_number} / {sku}")
        self.key = (po_number, sku)
        self.before: list[tuple[str, str]] = []

    def apply(self, db: Any) -> None:
        self.before = po_life.cancel_line(db, *self.key)

    def revert(self, db: Any) -> None:
        po_life.undo_cancel(db, self.key[0], self.before)


class RecordSupplierAnswer(WorkspaceCommand):
    """The supplier's answer by phone or e-mail: per line the confirmed quantity and/or date and
    a comment (the same store function as `planner confirm`)."""

    def __init__(self, session: Any, po_number: str, answers: list[po_life.Answer]) -> None:
        super().__init__(session, f"Record {po_number} as the supplier confirmed it")
        self.po_number = po_number
        self.answers = list(answers)
        self.before: po_life.BeforeAnswer | None = None

    def apply(self, db: Any) -> None:
        self.before = po_life.confirm(db, self.po_number, self.answers, how="in the app")

    def revert(self, db: Any) -> None:
        assert self.before is not None
        po_life.undo_confirm(db, self.po_number, self.before)


class MarkNotInCount(WorkspaceCommand):
    """Say the current stock count does not hold a line's receipts dated its day: they add to
    on-hand (po_life.set_not_in_count)."""

    def __init__(self, session: Any, po_number: str, sku: str, as_of: dt.date) -> None:
        super().__init__(session, f"{po_number} / {sku}: not in the stock count")
        self.key = (po_number, sku)
        self.as_of = as_of
        self.before: list[tuple[str, int | None, int]] = []

    def apply(self, db: Any) -> None:
        self.before = po_life.set_not_in_count(db, *self.key, self.as_of)

    def revert(self, db: Any) -> None:
        po_life.undo_not_in_count(db, *self.key, self.before)


# --- forecasts and settings --------------------------------------------------------------------
class SetForecastOverride(WorkspaceCommand):
    """Replace (or with ``demand_per_day`` None, remove) a SKU's manual forecast."""

    def __init__(self, session: Any, sku: str, demand_per_day: float | None,
                 demand_std_per_day: float | None = None, start_date: dt.date | None = None,
                 end_date: dt.date | None = None) -> None:
        text = (f"Clear the forecast override of {sku}" if demand_per_day is None
                else f"Override the forecast of {sku}")
        super().__init__(session, text)
        self.sku = sku
        self.new = (None if demand_per_day is None else
                    (float(demand_per_day),
                     None if demand_std_per_day is None else float(demand_std_per_day),
                     _iso(start_date), _iso(end_date)))
        self.old: edits.Override | None = None
        self._read = False

    def apply(self, db: Any) -> None:
        if not self._read:
            self.old = edits.forecast_override(db, self.sku)
            self._read = True
        edits.set_forecast_override(db, self.sku, self.new)

    def revert(self, db: Any) -> None:
        edits.set_forecast_override(db, self.sku, self.old)


class SetSetting(WorkspaceCommand):
    """Change one workspace setting (validated)."""

    def __init__(self, session: Any, key: str, value: Any) -> None:
        super().__init__(session, f"Set {key.replace('_', ' ')} to {value}")
        self.key = key
        self.value = value
        self.old: str | None = None
        self._read = False

    def apply(self, db: Any) -> None:
        from planner.store.settings import parse_setting

        if not self._read:
            self.old = edits.stored_setting(db, self.key)
            self._read = True
        typed = parse_setting(self.key, str(self.value))
        edits.store_setting(db, self.key, str(typed))

    def revert(self, db: Any) -> None:
        edits.store_setting(db, self.key, self.old)

    def _run(self, step: Any) -> None:
        super()._run(step)
        if self.failed is None:
            self.session.settings_changed.emit()


# --- suppliers ---------------------------------------------------------------------------------
class EditSupplier(WorkspaceCommand):
    """Change a supplier's contact details, stated lead time or minimum order."""

    def __init__(self, session: Any, supplier: str, values: dict[str, Any]) -> None:
        super().__init__(session, f"Edit supplier {supplier}")
        unknown = set(values) - set(SUPPLIER_FIELDS)
        if unknown:
            raise ValueError(f"unknown supplier fields: {sorted(unknown)}")
        self.supplier = supplier
        self.values = values
        self.old: dict[str, Any] | None = None

    def apply(self, db: Any) -> None:
        if self.old is None:
            self.old = edits.supplier_values(db, self.supplier, list(self.values))
        edits.set_supplier_values(db, self.supplier, self.values)

    def revert(self, db: Any) -> None:
        assert self.old is not None
        edits.set_supplier_values(db, self.supplier, self.old)


# --- the purchase plan page's offers -----------------------------------------------------------
class DecidePlanOffer(QUndoCommand):
    """Accept or decline an offer on the purchase plan page (a price break, a container top-up
    or trim): the page's order quantities change as a quantity edit would; the workspace does
    not (approving writes them). Undo restores the quantities the page had before."""

    def __init__(self, page: Any, row: int, offer_id: str, decision: str,
                 quantities: dict[tuple[int, str], int],
                 added: dict[tuple[int, str], dict[str, Any]], text: str) -> None:
        super().__init__()
        self.setText(f"{text}\n{action_text(text)}")
        self.page = page
        self.row = row
        self.offer_id = offer_id
        #: the plan's suggestions these rows index (a new plan makes the command a no-op)
        self.suggestions = page.suggestions
        self.after = (dict(quantities), dict(added), (offer_id, decision))
        self.before = ({key: page.edits.get(key) for key in quantities},
                       {key: page.added.get(key) for key in added},
                       (offer_id, page.decisions.get((row, offer_id))))

    def _apply(self, state: tuple[dict, dict, tuple[str, str | None]]) -> None:
        if self.page.suggestions is not self.suggestions:
            return  # the plan was recomputed since: its quantities are the plan's own again
        edits, added, decision = state
        self.page.apply_offer_state(self.row, edits, added, decision)

    def redo(self) -> None:
        self._apply(self.after)

    def undo(self) -> None:
        self._apply(self.before)
