"""Backorders: the queue with projected ship dates, sources and flags; the customer update list."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from PySide6.QtCore import QModelIndex, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QWidget,
)

from planner.formatting import format_date
from planner.ui.models import Column, FrameTableModel
from planner.ui.operations import Operation
from planner.ui.views.common import (
    DANGER,
    WARNING,
    PlanPage,
    fit_columns_once,
    legend,
    make_table,
    note,
    page_header,
    search_box,
    search_mask,
)
from planner.ui.workers import worker_db

COLUMNS = [
    Column("order_id", "Order"),
    Column("customer", "Customer"),
    Column("sku", "SKU"),
    Column("quantity", "Qty", "int"),
    # "Days waiting" says how long ago (its tooltip, the date); the Columns menu shows the date
    Column("order_date", "Ordered", "date", hidden=True),
    Column("promised_date", "Promised", "date"),
    Column("projected_ship_date", "Projected\nship", "date",
           "When known supply reaches this line (FIFO, priorities first)"),
    # the projected ship date's tooltip gives it; the Columns menu shows it as a column
    Column("quoted_date", "Quote\nnow", "date", "Projected date plus the promise buffer",
           hidden=True),
    Column("filled_from", "Filled\nfrom", tooltip="on hand, hold, or the PO that fills it"),
    Column("days_waiting", "Days\nwaiting", "int", "Days since the order"),
    Column("days_late_shown", "Days\nlate", "int",
           "Projected ship date minus promised date; for a line no supply covers, how late it "
           "is already (as-of minus promised date)"),
    Column("cancel_probability", "Cancel\nrisk", "pct",
           "Chance the customer cancels before it ships"),
    Column("value", "Value", "money"),
    Column("value_at_risk", "At risk", "money", "Value × cancel risk: what may be lost"),
    Column("flag_reasons", "Flags"),
]

#: filter label -> column that must be true (None: everything; "attention": any alarm flag)
FLAG_FILTERS = {
    "All lines": None,
    "Needs attention": "attention",
    "Uncovered": "uncovered",
    "Late": "late",
    "At risk of cancelling": "at_risk",
    "Delay notice due": "notice_due",
    "Update due": "update_due",
    "Made to order": "made_to_order",
}


def write_updates(path: Path, plan: Any, target: str) -> Any:
    """Write the customer update list for a plan (remembering the dates quoted)."""
    from planner.planning import write_customer_updates

    with worker_db(path) as db:
        return write_customer_updates(db, plan, target)


def _true(value: Any) -> bool:
    return value is True or value == 1


class BackordersView(PlanPage):
    """The open order lines, most urgent first."""

    sku_requested = Signal(str)

    def __init__(self, session: Any, parent: QWidget | None = None) -> None:
        super().__init__(session, parent)
        layout, top, self.summary = page_header(self, "Backorders")
        self.export = QPushButton("Export customer update list…")
        self.export.setObjectName("export_updates")
        self.export.setToolTip("Customers who need a message now: delay notices, mid-wait "
                               "updates, and quoted dates that changed since the last export")
        self.export.clicked.connect(self.choose_export)
        top.addWidget(self.export)
        layout.addLayout(top)

        filters = QHBoxLayout()
        self.search = search_box("Search order, customer or SKU")
        self.flag = QComboBox()
        self.flag.setObjectName("flag_filter")
        self.flag.addItems(list(FLAG_FILTERS))
        filters.addWidget(self.search, 2)
        filters.addWidget(QLabel("Show"))
        filters.addWidget(self.flag)
        filters.addStretch(1)
        layout.addLayout(filters)

        self.model = FrameTableModel(COLUMNS, self)
        self.model.foreground = self._foreground
        self.model.tooltip = self._tooltip
        self.table, self.proxy = make_table(self.model, parent=self)
        self.table.setObjectName("backorders_table")
        self.table.setEditTriggers(self.table.EditTrigger.NoEditTriggers)
        self.table.doubleClicked.connect(self._open)
        layout.addWidget(self.table)
        layout.addWidget(legend((DANGER, "red: no known supply covers the line"),
                                (WARNING, "orange: late against the date promised")))
        # the Flags column is narrow on a laptop: the chosen line's flags in full
        self.line_flags = note("")
        self.line_flags.setObjectName("line_flags")
        layout.addWidget(self.line_flags)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._show_flags())
        self.search.textChanged.connect(self.apply_filters)
        self.flag.currentIndexChanged.connect(self.apply_filters)

    def show_plan(self, plan: Any) -> None:
        lines = plan.backorder_lines.copy()
        if "days_overdue" in lines:  # no ship date: at least as late as it is already
            lines["days_late_shown"] = lines["days_late"].fillna(lines["days_overdue"])
        if "days_late_shown" in lines:  # an early line is 0 days late (its tooltip: how early)
            lines["days_late_shown"] = lines["days_late_shown"].clip(lower=0)
        if len(lines):
            lines["_search"] = (lines["order_id"].astype(str) + "\n"
                                + lines["customer"].fillna("").astype(str) + "\n"
                                + lines["sku"].astype(str)).str.lower()
            lines = lines.sort_values(["projected_ship_date", "order_date"], na_position="first",
                                      kind="stable")
        else:
            lines["_search"] = pd.Series(dtype=object)
        self.model.currency = str(plan.settings.get("currency", "USD"))
        self.model.set_frame(lines)
        self.apply_filters()
        fit_columns_once(self.table, rows=len(lines), max_width=180)

    def _mask(self, frame: pd.DataFrame) -> np.ndarray | None:
        if frame.empty:
            return None
        mask = search_mask(frame, self.search)
        flag = FLAG_FILTERS[self.flag.currentText()]
        if flag == "attention":
            attention = np.zeros(len(frame), dtype=bool)
            for column in ("uncovered", "late", "notice_due", "update_due"):
                if column in frame:
                    attention |= frame[column].fillna(False).to_numpy(bool)
            mask &= attention
        elif flag == "at_risk":
            mask &= frame["value_at_risk"].fillna(0).to_numpy(float) > 0
        elif flag is not None and flag in frame:
            mask &= frame[flag].fillna(False).to_numpy(bool)
        return mask

    def show_filtered(self, flag: str) -> None:
        """Show only the lines of one FLAG_FILTERS value ("" for all), the search cleared."""
        label = next((k for k, v in FLAG_FILTERS.items() if v == (flag or None)), "All lines")
        self.search.clear()
        self.flag.setCurrentText(label)
        self.apply_filters()

    def _show_flags(self) -> None:
        """The chosen line's flags (the first shown line's until one is chosen), in full."""
        if not self.proxy.rowCount():
            self.line_flags.setText("")
            return
        current = self.table.currentIndex()
        row = self.proxy.source_frame_row(current.row() if current.isValid() else 0)
        line = self.model.frame.iloc[row]
        flags = str(line.get("flag_reasons") or "") or "no flags"
        self.line_flags.setText(f"{line['order_id']} · {line['sku']}: {flags}")

    def apply_filters(self) -> None:
        self.proxy.set_filter(self._mask)
        self._show_flags()
        frame = self.model.frame
        shown = self.proxy.rowCount()
        units = 0
        if len(frame):
            mask = self._mask(frame)
            units = int(frame.loc[mask if mask is not None else slice(None), "quantity"].sum())
        self.summary.setText(f"{shown:,} of {len(frame):,} lines · {units:,} units  ")

    def _foreground(self, row: int, key: str) -> Any:
        frame = self.model.frame
        if key in ("projected_ship_date", "filled_from", "flag_reasons"):
            if _true(frame.at[row, "uncovered"]):
                return DANGER, ("Red: no known supply covers this line (no ship date until a "
                                "new PO is placed)")
            if _true(frame.at[row, "late"]):
                return WARNING, "Orange: projected to ship after the date promised"
        if key == "days_late_shown":
            late = frame.at[row, "days_late_shown"]
            if pd.notna(late) and late > 0:
                if _true(frame.at[row, "uncovered"]):
                    return DANGER, f"Red: already {int(late)} days past the promised date, " \
                                   "and no known supply covers it"
                return WARNING, f"Orange: projected {int(late)} days after the promised date"
        return None

    def _tooltip(self, row: int, key: str) -> str | None:
        """What a cell means beyond its text: the quote behind a ship date, the order date
        behind the days waiting (both columns are in the Columns menu too)."""
        frame = self.model.frame
        if key == "projected_ship_date" and pd.notna(frame.at[row, "quoted_date"]):
            return (f"Quote the customer {format_date(frame.at[row, 'quoted_date'])}: the "
                    "projected ship date plus the promise buffer")
        if key == "days_late_shown" and "days_late" in frame and frame.at[row, "days_late"] < 0:
            early = int(-frame.at[row, "days_late"])
            return (f"Early: projected {early} day{'' if early == 1 else 's'} before the "
                    "promised date")
        if key == "days_waiting" and pd.notna(frame.at[row, "order_date"]):
            return f"Ordered {format_date(frame.at[row, 'order_date'])}"
        return None

    def _open(self, index: QModelIndex) -> None:
        if index.isValid():
            row = self.proxy.source_frame_row(index.row())
            self.sku_requested.emit(str(self.model.frame.at[row, "sku"]))

    # --- export --------------------------------------------------------------------------
    def choose_export(self) -> None:
        if self.session.plan is None or self.session.path is None:
            return
        start = str(self.session.path.parent / f"customer-updates-{self.session.plan.as_of}.csv")
        target, _ = QFileDialog.getSaveFileName(self, "Export customer update list", start,
                                                "CSV (*.csv)")
        if target:
            self.export_updates(target)

    def export_updates(self, target: str) -> Any:
        """Write the customers who need a message now to a CSV file (in the background)."""
        plan, path = self.session.plan, self.session.path

        def done(listed: Any) -> None:
            window = self.window()
            if hasattr(window, "statusBar"):
                window.statusBar().showMessage(f"{listed}; list written to {target}", 10000)

        return self.session.tasks.run(Operation(
            title="Writing the customer update list", cancellable=False, on_success=done,
            work=lambda _progress: write_updates(path, plan, target)))
