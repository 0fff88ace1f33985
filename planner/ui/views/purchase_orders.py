"""Purchase orders: every PO line in the workspace; edit, mark received, what-if."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd
from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QWidget,
)

from planner.ui import operations
from planner.ui.models import Column, FrameTableModel
from planner.ui.views.common import (
    DANGER,
    fit_columns_once,
    make_table,
    page_header,
    search_box,
    search_mask,
)
from planner.ui.workers import Operation

PO_LINES_SQL = """
SELECT l.po_number, h.supplier, h.order_date, l.sku, p.name, l.quantity, l.received_quantity,
       max(l.quantity - l.received_quantity, 0) AS open_quantity, l.expected_date,
       l.received_date, l.status, COALESCE(l.unit_cost, p.unit_cost) AS unit_cost,
       max(l.quantity - l.received_quantity, 0) * COALESCE(l.unit_cost, p.unit_cost) AS open_value,
       (l.status = 'open' AND l.expected_date < ?) AS overdue,
       h.state AS po_state, l.confirmed_quantity, l.confirmed_date, l.supplier_comment,
       l.confirmed_quantity - l.quantity AS quantity_difference
FROM po_lines l JOIN purchase_orders h USING (po_number)
LEFT JOIN products p ON p.sku = l.sku
ORDER BY l.status = 'open' DESC, l.expected_date, l.po_number, l.sku
"""

COLUMNS = [
    Column("po_number", "PO"),
    Column("supplier", "Supplier"),
    Column("sku", "SKU"),
    Column("name", "Name"),
    Column("order_date", "Ordered", "date"),
    Column("expected_date", "Expected", "date"),
    Column("overdue", "Over-\ndue", "bool", "Expected before the as-of date and not received"),
    Column("quantity", "Qty", "int"),
    Column("received_quantity", "Re-\nceived", "int"),
    Column("open_quantity", "Open", "int"),
    Column("open_value", "Open\nvalue", "money"),
    Column("customers_waiting", "Customers\nwaiting", "int",
           "Backorder lines this PO line is projected to fill"),
    Column("status", "Status"),
    Column("po_state", "PO state", tooltip="draft, sent or confirmed (see the user guide)"),
    Column("confirmed_quantity", "Con-\nfirmed", "int", "The supplier's confirmed quantity"),
    Column("quantity_difference", "Diff", "int", "Confirmed minus ordered"),
    Column("confirmed_date", "Confirmed\ndate", "date", "The supplier's confirmed date"),
    Column("supplier_comment", "Supplier's comment"),
]
STATUS_FILTERS = ["Open", "All", "Received", "Cancelled", "Overdue"]


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


class PurchaseOrdersView(QWidget):
    """All PO lines, read from the workspace in the background."""

    what_if_requested = Signal(str, str)
    sku_requested = Signal(str)
    loaded = Signal()

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
        self.what_if_button = QPushButton("What-if…")
        self.what_if_button.setObjectName("po_what_if")
        self.what_if_button.setToolTip("Try another date or quantity for this PO and see which "
                                       "customers it moves, before changing anything")
        for b in (self.edit_button, self.receive_button, self.cancel_button, self.what_if_button):
            filters.addWidget(b)
        layout.addLayout(filters)
        self.model = FrameTableModel(COLUMNS, self)
        self.model.foreground = self._foreground
        self.table, self.proxy = make_table(self.model, parent=self)
        self.table.setObjectName("po_table")
        self.table.setEditTriggers(self.table.EditTrigger.NoEditTriggers)
        self.table.doubleClicked.connect(lambda _i: self.edit_line())
        layout.addWidget(self.table)
        self.search.textChanged.connect(self.apply_filters)
        self.status.currentIndexChanged.connect(self.apply_filters)
        self.edit_button.clicked.connect(self.edit_line)
        self.receive_button.clicked.connect(self.receive_line)
        self.cancel_button.clicked.connect(self.cancel_po)
        self.what_if_button.clicked.connect(self._what_if)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        session.data_changed.connect(self.reload)
        session.plan_ready.connect(lambda _p: self.isVisible() and self._merge_plan())
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
        as_of = self.session.as_of.isoformat()
        self.session.tasks.run(Operation(
            title="Reading purchase orders", progress="none",
            work=lambda _p: operations.read_frame(path, PO_LINES_SQL, [as_of]),
            on_success=self._show))

    def _show(self, frame: pd.DataFrame) -> None:
        frame["overdue"] = frame["overdue"].astype(bool)
        frame["customers_waiting"] = 0
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
        self.loaded.emit()

    def _merge_plan(self) -> None:
        self._merged_plan = self.session.plan
        plan = self.session.plan
        frame = self.model.frame
        if plan is None or frame.empty or "customers_waiting" not in frame:
            return
        lines = plan.backorder_lines
        counts = (lines.groupby(["filled_from", "sku"]).size().rename("_waiting")
                  if len(lines) else pd.Series(dtype=int, name="_waiting"))
        joined = frame.merge(counts, how="left", left_on=["po_number", "sku"], right_index=True)
        frame["customers_waiting"] = joined["_waiting"].fillna(0).astype(int).to_numpy()
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
        open_value = (float(frame.loc[frame["status"] == "open", "open_value"].sum())
                      if len(frame) else 0.0)
        from planner.formatting import format_money

        self.summary.setText(f"{self.proxy.rowCount():,} lines shown · open value "
                             f"{format_money(open_value, self.session.currency)}  ")
        self._update_buttons()

    def _foreground(self, row: int, key: str) -> Any:
        if key in ("expected_date", "overdue") and bool(self.model.frame.at[row, "overdue"]):
            return DANGER
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
        return True

    def _update_buttons(self) -> None:
        row = self.selected_row()
        is_open = row is not None and row["status"] == "open"
        self.edit_button.setEnabled(is_open)
        self.receive_button.setEnabled(is_open)
        self.cancel_button.setEnabled(is_open)
        self.what_if_button.setEnabled(is_open or self._open_in_plan(row))

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
        if row is not None and row["status"] == "open":
            self.session.undo_stack.push(CancelPurchaseOrder(self.session, row["po_number"]))

    def _what_if(self) -> None:
        row = self.selected_row()
        if row is not None:
            self.what_if_requested.emit(str(row["po_number"]), str(row["sku"]))
