"""Excess & dead stock: the SKUs holding money the plan does not need, and what would clear it."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from PySide6.QtCore import QModelIndex, Signal
from PySide6.QtWidgets import QWidget

from planner.formatting import format_money
from planner.planning import tied_up_stock
from planner.ui.models import Column, FrameTableModel
from planner.ui.views.common import (
    DANGER,
    PlanPage,
    fit_columns_once,
    legend,
    make_table,
    note,
    page_header,
)

COLUMNS = [
    Column("sku", "SKU"),
    Column("name", "Name"),
    Column("supplier", "Supplier"),
    Column("on_hand", "On\nhand", "int", "Sellable units in the building"),
    Column("excess_units", "Excess\nunits", "int",
           "Stock and open POs above the order-up-to level plus the demand expected before an "
           "order placed today could arrive"),
    Column("excess_value", "Excess\nvalue", "money", "Excess units at landed cost"),
    Column("days_since_last_sale", "Days since\nlast sale", "float",
           "Days from the last day with a sale to the plan's date (blank: never sold)",
           decimals=0),
    Column("dead", "Dead", tooltip="Stock and no sale for the dead_after_days setting"),
    Column("dead_stock_value", "Dead stock\nvalue", "money",
           "All the stock of a dead SKU at landed cost"),
    Column("weeks_to_clear", "Weeks to\nclear", "float",
           "Weeks of forecast demand the units tied up stand for (the excess, or a dead SKU's "
           "whole stock when larger); blank: no forecast demand, selling will not clear it",
           decimals=1),
]


def excess_rows(skus: pd.DataFrame) -> pd.DataFrame:
    """The SKUs with excess or dead stock, the most money tied up first (engine/catalog.py)."""
    rows = tied_up_stock(skus)
    rows["dead"] = np.where(rows["dead_stock"].astype(bool), "yes", "no")
    return rows


def tied_up_summary(kpis: dict[str, Any], currency: str) -> str:
    """The money tied up, in words: excess and dead stock with their SKU counts."""
    return (f"Excess {format_money(kpis.get('excess_inventory_value', 0), currency)} in "
            f"{int(kpis.get('excess_skus', 0)):,} SKUs · dead stock "
            f"{format_money(kpis.get('dead_stock_value', 0), currency)} in "
            f"{int(kpis.get('dead_stock_skus', 0)):,} SKUs")


class ExcessView(PlanPage):
    """SKUs with excess or dead stock; double-click (or Enter) opens a SKU."""

    sku_requested = Signal(str)

    def __init__(self, session: Any, parent: QWidget | None = None) -> None:
        super().__init__(session, parent)
        layout, top, self.count = page_header(self, "Excess & dead stock")
        layout.addLayout(top)
        self.summary = note("")
        self.summary.setObjectName("excess_summary")
        layout.addWidget(self.summary)
        self.model = FrameTableModel(COLUMNS, self)
        self.model.foreground = self._foreground
        self.table, self.proxy = make_table(self.model, parent=self)
        self.table.setObjectName("excess_table")
        self.table.setEditTriggers(self.table.EditTrigger.NoEditTriggers)
        layout.addWidget(self.table, 1)
        layout.addWidget(legend((DANGER, "red: dead stock (no sale for the dead_after_days "
                                         "setting)")))
        self.table.doubleClicked.connect(self._open)
        self.table.activated.connect(self._open)

    def show_plan(self, plan: Any) -> None:
        currency = str(plan.settings.get("currency", "USD"))
        self.model.currency = currency
        rows = excess_rows(plan.skus)
        self.model.set_frame(rows)
        self.count.setText(f"{len(rows):,} SKUs")
        dead_after = plan.settings.get("dead_after_days", 180)
        self._dead_after = dead_after
        self.summary.setText(
            f"Money tied up: {tied_up_summary(plan.kpis, currency)}. Dead: stock and no sale for "
            f"{dead_after} days. Excess: stock and open POs above what the plan needs until an "
            "order placed today could arrive (landed cost).")
        fit_columns_once(self.table, rows=len(rows), max_width=220)

    def _foreground(self, row: int, key: str) -> Any:
        if key in ("dead", "dead_stock_value") and self.model.frame.at[row, "dead"] == "yes":
            return DANGER, (f"Red: dead stock: stock and no sale for {self._dead_after} days or "
                            "more (the dead_after_days setting)")
        return None

    _dead_after: Any = 180

    def _open(self, index: QModelIndex) -> None:
        if index.isValid():
            row = self.proxy.source_frame_row(index.row())
            self.sku_requested.emit(str(self.model.frame.at[row, "sku"]))
