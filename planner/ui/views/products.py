"""Products: one row per SKU from the plan, with search, filters and sorting."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from PySide6.QtCore import QModelIndex, Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QLabel, QWidget

from planner.ui.models import Column, FrameTableModel
from planner.ui.views.common import (
    DANGER,
    WARNING,
    PlanPage,
    fit_columns_once,
    legend,
    make_table,
    page_header,
    search_box,
    search_mask,
)

#: the user guide's formula (How each number is computed), word for word
DAYS_OF_COVER = ("Days of cover = max(on hand + on hold − backordered, 0) ÷ demand per day: how "
                 "long the stock in the building lasts once the waiting customers are served")

COLUMNS = [
    Column("sku", "SKU"),
    Column("name", "Name"),
    Column("supplier", "Supplier"),
    Column("on_hand", "On\nhand", "int", "Sellable units in the building"),
    Column("on_order", "On\norder", "int", "Open quantity on purchase orders"),
    Column("backordered", "Back-\nordered", "int", "Units on open customer order lines"),
    Column("demand_per_day", "Demand\nper day", "float", "Forecast demand per day", decimals=2),
    Column("days_of_cover", "Cover\n(days)", "float", DAYS_OF_COVER, decimals=0),
    Column("safety_stock", "Safety\nstock", "float", decimals=0),
    Column("reorder_point", "Reorder\npoint", "float", decimals=0),
    Column("stockout_date", "Stockout", "date",
           "Projected stockout date (none: not within the horizon)"),
    Column("order_by", "Order\nby", "date", "Order by this date to arrive in time"),
    Column("suggested_order_qty", "Suggested\nqty", "int", "Suggested order quantity"),
]


def product_rows(plan: Any) -> pd.DataFrame:
    """The plan's SKU table plus what the filters need."""
    table = plan.skus.copy()
    lines = plan.backorder_lines
    if len(lines) and "uncovered" in lines:
        uncovered = lines[lines["uncovered"].astype(bool)].groupby("sku").size()
        table["uncovered_lines"] = table["sku"].map(uncovered).fillna(0).astype(int)
    else:
        table["uncovered_lines"] = 0
    # the dashboard's "Stockouts within 30 days" counts these
    horizon = pd.Timestamp(plan.as_of) + pd.Timedelta(days=30)
    table["stockout_30_days"] = (pd.to_datetime(table["stockout_date"]) <= horizon).to_numpy(bool)
    table["_search"] = (table["sku"].astype(str) + "\n" + table["name"].fillna("").astype(str)
                        + "\n" + table["supplier"].fillna("").astype(str)).str.lower()
    return table


class ProductsView(PlanPage):
    """The product table; double-click (or Enter) opens a SKU."""

    sku_requested = Signal(str)

    def __init__(self, session: Any, parent: QWidget | None = None) -> None:
        super().__init__(session, parent)
        layout, top, self.count = page_header(self, "Products")
        layout.addLayout(top)

        filters = QHBoxLayout()
        self.search = search_box("Search SKU, name or supplier (Ctrl+F)")
        self.supplier = QComboBox()
        self.supplier.setObjectName("supplier_filter")
        self.supplier.setMinimumContentsLength(14)
        self.below_rop = QCheckBox("Below reorder point")
        self.backordered = QCheckBox("Backordered")
        self.uncovered = QCheckBox("Uncovered")
        self.uncovered.setToolTip("SKUs with backorder lines that no known supply covers")
        self.made_to_order = QCheckBox("Made to order")
        self.stockout_30_days = QCheckBox("Stockout within 30 days")
        self.stockout_30_days.setToolTip("SKUs projected to run out within 30 days of the as-of date")
        filters.addWidget(self.search, 2)
        filters.addWidget(QLabel("Supplier"))
        filters.addWidget(self.supplier, 1)
        layout.addLayout(filters)
        checks = QHBoxLayout()
        for box in self.check_boxes():
            checks.addWidget(box)
        checks.addStretch(1)
        layout.addLayout(checks)

        self.model = FrameTableModel(COLUMNS, self)
        self.model.foreground = self._foreground
        self.table, self.proxy = make_table(self.model, parent=self)
        self.table.setObjectName("products_table")
        self.table.setEditTriggers(self.table.EditTrigger.NoEditTriggers)
        layout.addWidget(self.table)
        layout.addWidget(legend(
            (DANGER, "red: a stockout date, or backorders no supply covers"),
            (WARNING, "orange: at or below the reorder point (on hand, reorder point)")))
        self.table.doubleClicked.connect(self._open)
        self.table.activated.connect(self._open)

        self.search.textChanged.connect(self.apply_filters)
        self.supplier.currentIndexChanged.connect(self.apply_filters)
        for box in self.check_boxes():
            box.toggled.connect(self.apply_filters)

    def check_boxes(self) -> tuple[QCheckBox, ...]:
        return (self.below_rop, self.backordered, self.uncovered, self.stockout_30_days,
                self.made_to_order)

    def show_filtered(self, name: str) -> None:
        """Show only the SKUs of one check box ("below_rop", "stockout_30_days", "uncovered",
        …; "" for all SKUs), with the search and supplier cleared."""
        boxes = {"below_rop": self.below_rop, "backordered": self.backordered,
                 "uncovered": self.uncovered, "stockout_30_days": self.stockout_30_days,
                 "made_to_order": self.made_to_order}
        for box in self.check_boxes():
            box.blockSignals(True)
            box.setChecked(box is boxes.get(name))
            box.blockSignals(False)
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)
        self.supplier.blockSignals(True)
        self.supplier.setCurrentIndex(0)
        self.supplier.blockSignals(False)
        self.apply_filters()

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def show_plan(self, plan: Any) -> None:
        self.model.currency = str(plan.settings.get("currency", "USD"))
        rows = product_rows(plan)
        current = self.supplier.currentText()
        suppliers = sorted({str(s) for s in rows["supplier"].dropna()})
        self.supplier.blockSignals(True)
        self.supplier.clear()
        self.supplier.addItem("All suppliers")
        self.supplier.addItems(suppliers)
        if current in suppliers:
            self.supplier.setCurrentText(current)
        self.supplier.blockSignals(False)
        self.model.set_frame(rows)
        self.apply_filters()
        fit_columns_once(self.table, rows=len(rows), max_width=170)

    def _mask(self, frame: pd.DataFrame) -> np.ndarray | None:
        if frame.empty:
            return None
        mask = search_mask(frame, self.search)
        if self.supplier.currentIndex() > 0:
            mask &= (frame["supplier"] == self.supplier.currentText()).to_numpy(bool)
        if self.below_rop.isChecked():
            mask &= frame["below_reorder_point"].to_numpy(bool)
        if self.backordered.isChecked():
            mask &= frame["backordered"].to_numpy() > 0
        if self.uncovered.isChecked():
            mask &= frame["uncovered_lines"].to_numpy() > 0
        if self.stockout_30_days.isChecked():
            mask &= frame["stockout_30_days"].to_numpy(bool)
        if self.made_to_order.isChecked():
            mask &= frame["made_to_order"].to_numpy(bool)
        return mask

    def apply_filters(self) -> None:
        """Re-filter the table from the search box, supplier and check boxes."""
        self.proxy.set_filter(self._mask)
        self.count.setText(f"{self.proxy.rowCount():,} of {len(self.model.frame):,} SKUs")

    def _foreground(self, row: int, key: str) -> Any:
        frame = self.model.frame
        if key == "stockout_date" and pd.notna(frame.at[row, "stockout_date"]):
            return DANGER, "Red: the plan sees this SKU running out on this date (open POs " \
                           "counted, suggested orders not)"
        if key == "backordered" and frame.at[row, "uncovered_lines"] > 0:
            lines = int(frame.at[row, "uncovered_lines"])
            return DANGER, (f"Red: {lines} backorder line{'s' if lines != 1 else ''} that no "
                            "known supply covers")
        if key in ("on_hand", "reorder_point") and bool(frame.at[row, "below_reorder_point"]):
            return WARNING, ("Orange: the inventory position (on hand + on hold + on order − "
                             "backordered) is at or below the reorder point: time to order")
        return None

    def _open(self, index: QModelIndex) -> None:
        if index.isValid():
            row = self.proxy.source_frame_row(index.row())
            self.sku_requested.emit(str(self.model.frame.at[row, "sku"]))
