"""Purchase orders: every PO line in the workspace; edit, mark received, what-if."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd
from PySide6.QtCore import QDate, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from planner import clock
from planner.ui import dialogs, operations
from planner.ui.models import Column, FrameTableModel
from planner.ui.operations import Operation
from planner.ui.views import po_round_trip
from planner.ui.views.common import (
    DANGER,
    fit_columns,
    fit_columns_once,
    legend,
    make_table,
    note,
    page_header,
    search_box,
    search_mask,
)

COLUMNS = [
    Column("po_number", "PO"),
    Column("sku", "SKU"),
    Column("supplier", "Supplier"),
    # what another column already says: in the Columns menu
    Column("name", "Name", hidden=True),
    Column("order_date", "Ordered", "date"),
    Column("expected_date", "Expected", "date", "When the goods reach your dock; the plan counts "
           "them sellable dock-to-stock days later (the purchase plan's 'sellable' date)"),
    Column("overdue", "Over-\ndue", "bool", "Expected before the as-of date and not received "
           "(the expected date is red)", hidden=True),
    Column("quantity", "Qty", "int"),
    Column("received_quantity", "Re-\nceived", "int", "Received so far (ordered minus open)",
           hidden=True),
    Column("open_quantity", "Open", "int"),
    Column("open_value", "Open\nvalue", "money", "The open units at the PO's price, converted to "
           "the workspace currency at the newest exchange rate; — when the supplier's currency "
           "has no rate (import fx_rates)"),
    # shown where the screen has room, else in the Columns menu (the Open value cell's tooltip
    # always says the amount in the supplier's currency)
    Column("currency", "Cur-\nrency", tooltip="The supplier's currency: the PO's prices are in it",
           hidden=True),
    Column("open_value_supplier_currency", "Open value\n(supplier's)", "float",
           "The open units at the PO's price, in the supplier's currency", decimals=2,
           hidden=True),
    Column("customers_waiting", "Back-\norders", "int",
           "Backorder lines this PO line is projected to fill"),
    Column("status", "Status"),
    Column("po_state", "PO state", tooltip="draft, sent or confirmed (see the user guide)"),
    Column("confirmed_quantity", "Con-\nfirmed", "int", "The supplier's confirmed quantity"),
    Column("quantity_difference", "Diff", "int", "Confirmed minus ordered", hidden=True),
    Column("confirmed_date", "Confirmed\ndate", "date", "The supplier's confirmed date"),
    Column("supplier_comment", "Comment", tooltip="The supplier's comment on their confirmation"),
    Column("advice", "Advice", tooltip="What the plan advises for this line, e.g. cancel or hold "
           "a PO that brings more of a dead SKU (no sale for the dead-stock days)", hidden=True),
]
STATUS_FILTERS = ["Open", "All", "Received", "Cancelled", "Overdue"]


def line_advice(lines: pd.DataFrame, skus: pd.DataFrame) -> list[str]:
    """Per open PO line, the plan's advice on its PO (the SKU's po_advice part naming it)."""
    if "po_advice" not in skus or lines.empty:
        return [""] * len(lines)
    by_sku = dict(zip(skus["sku"].astype(str), skus["po_advice"].fillna("").astype(str),
                      strict=False))
    out = []
    for po, sku, status in zip(lines["po_number"].astype(str), lines["sku"].astype(str),
                               lines["status"], strict=True):
        parts = [p for p in by_sku.get(sku, "").split("; ")
                 if status == "open" and p.startswith(f"cancel or hold {po} (")]
        out.append(parts[0] if parts else "")
    return out


class LineDialog(QDialog):
    """Edit a PO line's expected date and quantity, or record a receipt."""

    def __init__(self, row: pd.Series, *, receive: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"{'Receive' if receive else 'Edit'} {row['po_number']} / {row['sku']}")
        form = QFormLayout(self)
        self.date = QDateEdit()
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("yyyy-MM-dd")
        self.quantity = QSpinBox()
        self.quantity.setRange(0, 10_000_000)
        if receive:
            self.date.setDate(QDate.currentDate())
            self.quantity.setValue(int(row["open_quantity"]))
            form.addRow("Received on", self.date)
            form.addRow("Received now (this delivery)", self.quantity)
        else:
            self.date.setDate(QDate(pd.Timestamp(row["expected_date"]).date()))
            self.quantity.setValue(int(row["quantity"]))
            form.addRow("Expected date", self.date)
            form.addRow("Ordered quantity", self.quantity)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def values(self) -> tuple[dt.date, int]:
        return self.date.date().toPython(), int(self.quantity.value())


class SupplierAnswerDialog(QDialog):
    """The supplier's answer by phone or e-mail: per open line of a PO the confirmed quantity,
    the confirmed date at your dock and a comment (prefilled with what is known)."""

    def __init__(self, po_number: str, lines: pd.DataFrame, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.po_number = po_number
        self.setWindowTitle(f"Supplier confirmed {po_number}")
        self.setObjectName("supplier_answer")
        layout = QVBoxLayout(self)
        layout.addWidget(note("What the supplier confirmed for each line: the plan and Receive "
                              "then use the confirmed quantity and date instead of the ordered "
                              "ones (Edit → Undo takes it back)."))
        grid = QGridLayout()
        for column, title in enumerate(("SKU", "Ordered", "Expected", "Confirmed qty",
                                        "Confirmed date", "Comment")):
            grid.addWidget(QLabel(f"<b>{title}</b>"), 0, column)
        self.rows: list[tuple[str, QSpinBox, QDateEdit, QLineEdit]] = []
        for i, line in enumerate(lines.itertuples(index=False), start=1):
            expected = pd.Timestamp(line.expected_date).date()
            quantity = QSpinBox()
            quantity.setRange(1, 10_000_000)
            confirmed = getattr(line, "confirmed_quantity", None)
            quantity.setValue(int(line.quantity if pd.isna(confirmed) else confirmed))
            date = QDateEdit()
            date.setCalendarPopup(True)
            date.setDisplayFormat("yyyy-MM-dd")
            confirmed_date = getattr(line, "confirmed_date", None)
            date.setDate(QDate(expected if pd.isna(confirmed_date)
                               else pd.Timestamp(confirmed_date).date()))
            comment = QLineEdit("" if pd.isna(getattr(line, "supplier_comment", None))
                                else str(line.supplier_comment))
            comment.setPlaceholderText("e.g. short of glaze, rest in March")
            for column, widget in enumerate((QLabel(str(line.sku)),
                                             QLabel(f"{int(line.quantity):,}"),
                                             QLabel(expected.isoformat()), quantity, date,
                                             comment)):
                grid.addWidget(widget, i, column)
            self.rows.append((str(line.sku), quantity, date, comment))
        layout.addLayout(grid)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def answers(self) -> list[Any]:
        """One po_life.Answer per line, as entered."""
        from planner.store.po_life import Answer

        return [Answer(sku, int(quantity.value()), date.date().toPython(),
                       comment.text().strip() or None)
                for sku, quantity, date, comment in self.rows]


class PurchaseOrdersView(QWidget):
    """All PO lines, read from the workspace in the background."""

    what_if_requested = Signal(str, str)
    sku_requested = Signal(str)
    loaded = Signal()
    #: the PO documents were written and the drafts marked sent (the SentDocuments)
    sent = Signal(object)
    #: the customers a supplier's answer moves were found (the moves frame; tests wait on it)
    moves_found = Signal(object)
    #: the customer update list is wanted (the Backorders page writes it)
    updates_export_requested = Signal()
    history_loaded = Signal()

    def __init__(self, session: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        layout, top, self.summary = page_header(self, "Purchase orders")
        layout.addLayout(top)
        filters = QHBoxLayout()
        self.search = search_box("Search PO, supplier or SKU")
        self.status = QComboBox()
        self.status.addItems(STATUS_FILTERS)
        self.status.setObjectName("po_status_filter")
        filters.addWidget(self.search, 2)
        filters.addWidget(QLabel("Show"))
        filters.addWidget(self.status)
        filters.addStretch(1)
        self.edit_button = QPushButton("Edit line…")
        self.receive_button = QPushButton("Receive…")
        self.cancel_button = QPushButton("Cancel PO")
        self.cancel_button.setObjectName("po_cancel")
        self.send_button = QPushButton("Send…")
        self.send_button.setObjectName("po_send")
        self.send_button.setToolTip("Write the PO as a PDF and a spreadsheet for the supplier "
                                    "(and an e-mail draft), and mark it sent")
        self.confirm_button = QPushButton("Mark confirmed")
        self.confirm_button.setObjectName("po_confirm")
        self.confirm_button.setToolTip("The supplier confirmed the PO as ordered")
        self.answer_button = QPushButton("Supplier confirmed…")
        self.answer_button.setObjectName("po_supplier_answer")
        self.answer_button.setToolTip("Record the supplier's answer by phone or e-mail: the "
                                      "confirmed quantity and date of each line")
        self.cancel_line_button = QPushButton("Cancel line")
        self.cancel_line_button.setObjectName("po_cancel_line")
        self.cancel_line_button.setToolTip("Cancel only the selected line of its PO")
        self.not_in_count_button = QPushButton("Not in the count")
        self.not_in_count_button.setObjectName("po_not_in_count")
        self.not_in_count_button.setToolTip(
            "The stock count of the receipt's day was taken before these units came in: add "
            "them to on-hand (for a receipt dated the day of the current stock count)")
        self.what_if_button = QPushButton("What-if…")
        self.what_if_button.setObjectName("po_what_if")
        self.what_if_button.setToolTip("Try another date or quantity for this PO and see which "
                                       "customers it moves, before changing anything")
        # two rows, so that the page fits a 1280-px laptop: finding and the everyday actions
        # above, the supplier's answer and the corrections below
        for b in (self.edit_button, self.receive_button, self.send_button, self.what_if_button):
            filters.addWidget(b)
        layout.addLayout(filters)
        answers = QHBoxLayout()
        answers.addWidget(QLabel("The supplier's answer:"))
        for b in (self.confirm_button, self.answer_button):
            answers.addWidget(b)
        answers.addSpacing(16)
        answers.addWidget(QLabel("Corrections:"))
        for b in (self.cancel_button, self.cancel_line_button, self.not_in_count_button):
            answers.addWidget(b)
        answers.addStretch(1)
        layout.addLayout(answers)
        self.model = FrameTableModel(COLUMNS, self)
        self.model.foreground = self._foreground
        self.model.tooltip = self._tooltip
        # a PO line is its PO and its SKU: both stay in view
        self.table, self.proxy = make_table(self.model, parent=self, key_columns=2)
        self.table.setObjectName("po_table")
        self.table.setEditTriggers(self.table.EditTrigger.NoEditTriggers)
        self.table.doubleClicked.connect(lambda _i: self.edit_line())
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        table_box = QWidget(splitter)
        table_layout = QVBoxLayout(table_box)
        table_layout.setContentsMargins(0, 0, 0, 0)
        table_layout.addWidget(self.table)
        table_layout.addWidget(legend((DANGER, "red: overdue (expected before the as-of date, "
                                               "not received)")))
        splitter.addWidget(table_box)
        history = QWidget(splitter)
        history_layout = QVBoxLayout(history)
        history_layout.setContentsMargins(0, 4, 0, 0)
        self.history_label = note("Select a PO line to see its PO's history.")
        history_layout.addWidget(self.history_label)
        self.history_model = FrameTableModel(po_round_trip.HISTORY_COLUMNS, self)
        self.history_table, _proxy = make_table(self.history_model, sortable=False, parent=self,
                                                freeze_key_column=False)
        self.history_table.setObjectName("po_history")
        history_layout.addWidget(self.history_table)
        splitter.addWidget(history)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        layout.addWidget(splitter)
        self._history_po: str | None = None
        self._confirmations = pd.DataFrame(columns=po_round_trip.CONFIRMATIONS)
        self._answer_before: pd.DataFrame | None = None
        self._answer_stage = ""
        self.moves_dialog: po_round_trip.MovedCustomersDialog | None = None
        self.search.textChanged.connect(self.apply_filters)
        self.status.currentIndexChanged.connect(self.apply_filters)
        self.edit_button.clicked.connect(self.edit_line)
        self.receive_button.clicked.connect(self.receive_line)
        self.cancel_button.clicked.connect(self.cancel_po)
        self.send_button.clicked.connect(self.choose_send)
        self.confirm_button.clicked.connect(self.mark_confirmed)
        self.answer_button.clicked.connect(self.record_answer)
        self.cancel_line_button.clicked.connect(self.cancel_line)
        self.not_in_count_button.clicked.connect(self.not_in_count)
        self.what_if_button.clicked.connect(self._what_if)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        session.data_changed.connect(self.reload)
        session.plan_ready.connect(lambda _p: self.isVisible() and self._merge_plan())
        session.plan_started.connect(self._answer_replanning)
        session.plan_ready.connect(self._answer_planned)
        self._update_buttons()

    def on_shown(self) -> None:
        if self._merged_plan is not self.session.plan:
            self._merge_plan()

    _merged_plan: Any = None

    def reload(self) -> None:
        """Read the PO lines again (in the background)."""
        path = self.session.path
        if path is None:
            return
        as_of = self.session.as_of
        self.session.tasks.run(Operation(
            title="Reading purchase orders", progress="none",
            work=lambda _p: operations.po_lines(path, as_of),
            on_success=self._show))

    def _show(self, frame: pd.DataFrame) -> None:
        chosen = self.selected_row()
        self._confirmations = frame[po_round_trip.CONFIRMATIONS].copy()
        frame["overdue"] = frame["overdue"].astype(bool)
        frame["customers_waiting"] = 0
        frame["advice"] = ""
        frame["_search"] = (frame["po_number"].astype(str) + "\n"
                            + frame["supplier"].fillna("").astype(str) + "\n"
                            + frame["sku"].astype(str) + "\n"
                            + frame["name"].fillna("")).str.lower()
        self.model.currency = self.session.currency
        self.model.set_frame(frame)
        if self.isVisible():
            self._merge_plan()
        else:
            self._merged_plan = None
        self.apply_filters()
        fit_columns_once(self.table, rows=len(frame), max_width=170)
        if chosen is not None:
            self.select(str(chosen["po_number"]), str(chosen["sku"]))
        self._load_history()
        self.loaded.emit()

    def _merge_plan(self) -> None:
        self._merged_plan = self.session.plan
        plan = self.session.plan
        frame = self.model.frame
        if plan is None or frame.empty or "customers_waiting" not in frame:
            return
        lines = plan.backorder_lines
        counts = (lines.groupby(["filled_from", "sku"]).size().rename("_waiting")
                  if len(lines) else pd.Series(  # no backorders: an empty (PO, SKU) index
                      dtype=int, name="_waiting", index=pd.MultiIndex.from_arrays(
                          [[], []], names=["filled_from", "sku"])))
        joined = frame.merge(counts, how="left", left_on=["po_number", "sku"], right_index=True)
        frame["customers_waiting"] = joined["_waiting"].fillna(0).astype(int).to_numpy()
        frame["advice"] = line_advice(frame, plan.skus)
        self.model.set_frame(frame)

    def _mask(self, frame: pd.DataFrame) -> np.ndarray | None:
        if frame.empty:
            return None
        mask = search_mask(frame, self.search)
        choice = self.status.currentText()
        if choice == "Overdue":
            mask &= frame["overdue"].to_numpy(bool)
        elif choice != "All":
            mask &= (frame["status"] == choice.lower()).to_numpy(bool)
        return mask

    def apply_filters(self) -> None:
        self.proxy.set_filter(self._mask)
        frame = self.model.frame
        mask = self._mask(frame)  # the open value of the lines shown, as the filter leaves them
        shown = frame if mask is None else frame[mask]
        from planner.formatting import format_total
        from planner.planning import open_value_summary

        total = open_value_summary(shown) if len(shown) else {"known": 0.0, "unknown_pos": 0,
                                                               "unknown_currencies": []}
        text = format_total(total["known"], self.session.currency,
                            unknown_count=total["unknown_pos"],
                            unknown_currencies=total["unknown_currencies"])
        self.summary.setText(f"{self.proxy.rowCount():,} lines shown · open value {text}  ")
        self._update_buttons()

    def _foreground(self, row: int, key: str) -> Any:
        if key in ("expected_date", "overdue") and bool(self.model.frame.at[row, "overdue"]):
            return DANGER, ("Red: overdue: expected before the as-of date and not received; "
                            "the plan assumes it arrives on the as-of date (chase the supplier)")
        return None

    def _tooltip(self, row: int, key: str) -> str | None:
        """The open value in the supplier's currency; a line's advice on its PO and SKU."""
        frame = self.model.frame
        if key == "open_value" and "open_value_supplier_currency" in frame:
            from planner.formatting import format_money, is_missing

            own = frame.at[row, "open_value_supplier_currency"]
            currency = str(frame.at[row, "currency"])
            if is_missing(own):
                return None
            text = f"{format_money(own, currency)} at the supplier's prices"
            if is_missing(frame.at[row, "open_value"]):
                text += f": no {currency} rate to {self.session.currency} (import fx_rates)"
            return text
        if key in ("po_number", "sku") and "advice" in frame:
            advice = str(frame.at[row, "advice"] or "")
            return advice[:1].upper() + advice[1:] if advice else None
        return None

    def selected_row(self) -> pd.Series | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        return self.model.frame.iloc[self.proxy.source_frame_row(rows[0].row())]

    def select(self, po_number: str, sku: str) -> bool:
        """Select a PO line (tests and links from other pages)."""
        frame = self.model.frame
        hits = np.flatnonzero((frame["po_number"] == po_number).to_numpy()
                              & (frame["sku"] == sku).to_numpy())
        if not len(hits):
            return False
        row = self.model.model_row(int(hits[0]))
        if row is None:
            return False
        index = self.proxy.mapFromSource(self.model.index(row, 0))
        if not index.isValid():
            return False
        self.table.selectRow(index.row())
        self.table.scrollTo(index)
        return True

    def _update_buttons(self) -> None:
        row = self.selected_row()
        is_open = row is not None and row["status"] == "open"
        self.edit_button.setEnabled(is_open)
        self.receive_button.setEnabled(is_open)
        self.cancel_button.setEnabled(is_open)
        self.confirm_button.setEnabled(is_open and row["po_state"] in ("draft", "sent"))
        self.answer_button.setEnabled(is_open)
        self.cancel_line_button.setEnabled(is_open)
        self.not_in_count_button.setEnabled(row is not None
                                            and int(row["received_quantity"] or 0) > 0)
        self.send_button.setEnabled(self.session.path is not None and not self.model.frame.empty)
        self.what_if_button.setEnabled(is_open or self._open_in_plan(row))
        po_number = None if row is None else str(row["po_number"])
        if po_number != self._history_po:
            self._history_po = po_number
            self._load_history()

    def _open_in_plan(self, row: Any) -> bool:
        """Open supply as the plan sees it (a line received after the plan's as-of date is still
        on its way then): what-if works on the plan, not on today's status."""
        data = self.session.data
        if row is None or data is None:
            return False
        lines = data.po_lines
        hit = lines[(lines["po_number"].astype(str) == str(row["po_number"]))
                    & (lines["sku"].astype(str) == str(row["sku"]))]
        return bool(len(hit)) and bool((hit["status"] == "open").any())

    def edit_line(self) -> None:
        from planner.ui.commands import EditPoLines, LineEdit

        row = self.selected_row()
        if row is None or row["status"] != "open":
            return
        dialog = LineDialog(row, receive=False, parent=self)
        if dialog.exec():
            date, quantity = dialog.values()
            self.session.undo_stack.push(EditPoLines(self.session, [LineEdit(
                row["po_number"], row["sku"], expected_date=date, quantity=quantity)]))

    def receive_line(self) -> None:
        """Record one delivery of the selected line (all of it or part)."""
        from planner.ui.commands import ReceivePoLine

        row = self.selected_row()
        if row is None or row["status"] != "open":
            return
        dialog = LineDialog(row, receive=True, parent=self)
        if dialog.exec():
            date, quantity = dialog.values()
            if quantity > 0:
                self.session.undo_stack.push(ReceivePoLine(self.session, row["po_number"],
                                                           row["sku"], quantity, date))

    def cancel_po(self) -> None:
        """Cancel the selected line's PO (its open lines; undoable)."""
        from planner.ui.commands import CancelPurchaseOrder

        row = self.selected_row()
        if row is None or row["status"] != "open":
            return
        if dialogs.ask(self, "Cancel the PO?", self.cancel_question(str(row["po_number"])),
                       yes="Cancel PO"):
            self.session.undo_stack.push(CancelPurchaseOrder(self.session, row["po_number"]))

    def cancel_question(self, po_number: str) -> str:
        """What cancelling a PO does, in numbers: its supplier, open lines, units and value."""
        from planner.formatting import format_money

        frame = self.model.frame
        lines = frame[(frame["po_number"].astype(str) == po_number)
                      & (frame["status"] == "open")]
        n = len(lines)
        units = int(pd.to_numeric(lines["open_quantity"], errors="coerce").fillna(0).sum())
        values = pd.to_numeric(lines["open_value"], errors="coerce")
        value = ("value unknown (no exchange rate)" if values.isna().any()
                 else format_money(values.sum(), self.model.currency))
        supplier = str(lines["supplier"].iloc[0]) if n else ""
        return (f"Cancel {po_number}{f' from {supplier}' if supplier else ''}: its {n} open "
                f"line{'' if n == 1 else 's'}, {units:,} units, {value}? Received units stay "
                "received. Edit ▸ Undo brings it back.")

    def cancel_line(self) -> None:
        """Cancel only the selected line (undoable)."""
        from planner.ui.commands import CancelPoLine

        row = self.selected_row()
        if row is not None and row["status"] == "open":
            self.session.undo_stack.push(CancelPoLine(self.session, str(row["po_number"]),
                                                      str(row["sku"])))

    def answer_dialog(self) -> SupplierAnswerDialog | None:
        """The "Supplier confirmed…" dialog for the selected line's PO (its open lines)."""
        row = self.selected_row()
        if row is None or row["status"] != "open":
            return None
        frame = self.model.frame
        lines = frame[(frame["po_number"] == row["po_number"]) & (frame["status"] == "open")]
        return SupplierAnswerDialog(str(row["po_number"]), lines, self)

    def record_answer(self) -> None:
        """Ask for the supplier's answer for the selected line's PO, then record it."""
        dialog = self.answer_dialog()
        if dialog is not None and dialog.exec():
            self.push_answer(dialog)

    def push_answer(self, dialog: SupplierAnswerDialog) -> None:
        """Record the answer entered in ``dialog`` (undoable, one transaction)."""
        from planner.ui.commands import RecordSupplierAnswer

        self.session.undo_stack.push(RecordSupplierAnswer(self.session, dialog.po_number,
                                                          dialog.answers()))

    def not_in_count(self) -> None:
        """The selected line's receipts dated the current count's day are not in it."""
        from planner.ui.commands import MarkNotInCount

        row = self.selected_row()
        if row is not None:
            self.session.undo_stack.push(MarkNotInCount(self.session, str(row["po_number"]),
                                                        str(row["sku"]), self.session.as_of))

    def _what_if(self) -> None:
        row = self.selected_row()
        if row is not None:
            self.what_if_requested.emit(str(row["po_number"]), str(row["sku"]))

    # --- the round trip ----------------------------------------------------------------------
    def _load_history(self) -> None:
        """Show the selected PO's audit trail (read in the background)."""
        po_number, path = self._history_po, self.session.path
        if po_number is None or path is None:
            self.history_model.set_frame(pd.DataFrame(columns=[c.key for c in
                                                               po_round_trip.HISTORY_COLUMNS]))
            self.history_label.setText("Select a PO line to see its PO's history.")
            return

        def show(frame: pd.DataFrame) -> None:
            if po_number != self._history_po:
                return  # another PO was selected meanwhile
            frame["at"] = frame["at"].astype(str).str.replace("T", " ").str[:16]
            self.history_model.set_frame(frame)
            fit_columns(self.history_table, max_width=420)
            self.history_label.setText(f"History of {po_number}: {len(frame):,} changes, "
                                       "newest first")
            self.history_loaded.emit()

        self.session.tasks.run(Operation(
            title="Reading the PO's history", progress="none", on_success=show,
            work=lambda _p: operations.po_history(path, po_number)))

    def draft_po_numbers(self) -> list[str]:
        frame = self.model.frame
        if frame.empty:
            return []
        drafts = frame.loc[(frame["po_state"] == "draft") & (frame["status"] == "open"),
                           "po_number"]
        return sorted(set(drafts.astype(str)))

    def choose_send(self) -> None:
        """Ask which POs to send and where, then write their documents."""
        from planner.ui.paths import documents_dir

        row = self.selected_row()
        selected = None if row is None else str(row["po_number"])
        dialog = po_round_trip.SendDialog(selected, len(self.draft_po_numbers()), self)
        if not dialog.exec():
            return
        folder = QFileDialog.getExistingDirectory(self, "Write the PO documents to folder",
                                                  str(documents_dir()))
        if folder:
            numbers = [selected] if dialog.one.isChecked() and selected else None
            self.send_pos(folder, numbers, eml=dialog.eml.isChecked())

    def send_pos(self, folder: str, po_numbers: list[str] | None, *, eml: bool) -> Any:
        """Write the POs' PDF and XLSX (and .eml) in the background, then mark the drafts among
        them sent as one undoable step. No PO numbers: every draft."""
        path = self.session.path
        if path is None:
            return None
        return self.session.tasks.run(Operation(
            title="Writing the PO documents", cancellable=False, on_success=self._sent,
            work=lambda _p: po_round_trip.write_documents(path, po_numbers, folder, eml=eml)))

    def _sent(self, result: po_round_trip.SentDocuments) -> None:
        from planner.ui import dialogs
        from planner.ui.commands import SetPoState

        if result.drafts:
            self.session.undo_stack.push(SetPoState(self.session, result.drafts, "sent",
                                                    on=clock.today(),
                                                    how="documents written in the app"))
        names = "\n".join(f.name for f in result.files)
        marked = (f"{', '.join(result.drafts)} marked sent (Edit → Undo takes it back). "
                  if result.drafts else "")
        dialogs.tell(self, "PO documents written",
                     f"Written to {result.folder}:\n{names}\n\n{marked}Nothing was e-mailed: "
                     "open the e-mail draft in your mail program, or attach the files yourself.",
                     action=("Open folder", lambda: QDesktopServices.openUrl(
                         QUrl.fromLocalFile(str(result.folder)))))
        self.sent.emit(result)

    def mark_confirmed(self) -> None:
        """The supplier confirmed the selected line's PO as ordered (undoable)."""
        from planner.ui.commands import SetPoState

        row = self.selected_row()
        if row is not None and row["po_state"] in ("draft", "sent"):
            self.session.undo_stack.push(SetPoState(self.session, [str(row["po_number"])],
                                                    "confirmed", how="marked in the app"))

    def watch_import(self, ok: bool) -> None:
        """After an import: once the plan with it is ready, list the customers whose ship dates
        the suppliers' answers in it move."""
        if ok:
            self._answer_before = self._confirmations
            self._answer_stage = "imported"

    def _answer_replanning(self) -> None:
        if self._answer_stage == "imported":
            self._answer_stage = "replanning"

    def _answer_planned(self, _plan: Any) -> None:
        if self._answer_stage != "replanning" or self._answer_before is None:
            return
        self._answer_stage = ""
        before, path, data = self._answer_before, self.session.path, self.session.data
        self._answer_before = None
        if path is None or data is None:
            return

        def work(_progress: Any) -> tuple[list[str], pd.DataFrame]:
            from planner.planning import confirmation_moves

            answered = po_round_trip.answered_pos(path, before)
            return answered, (confirmation_moves(data, answered) if answered
                              else pd.DataFrame())

        self.session.tasks.run(Operation(title="Finding the customers the answer moves",
                                         progress="status", on_success=self._show_moves,
                                         work=work))

    def _show_moves(self, result: tuple[list[str], pd.DataFrame]) -> None:
        from planner.ui import dialogs

        answered, moves = result
        if not answered:
            return
        self.moves_found.emit(moves)
        if moves.empty:
            dialogs.tell(self, "The supplier's answer",
                         f"With {', '.join(answered)} as confirmed, no customer's ship date moves.")
            return
        if self.moves_dialog is not None:
            self.moves_dialog.close()
        self.moves_dialog = po_round_trip.MovedCustomersDialog(answered, moves,
                                                               self.session.currency, self)
        self.moves_dialog.export_requested.connect(self.updates_export_requested)
        self.moves_dialog.show()
