"""The purchase budget (open-to-buy) month by month: committed POs, planned orders, budget and
what is left; the lines it moved, and apart the orders no month can fund."""

from __future__ import annotations

from typing import Any

import pandas as pd
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

from planner.formatting import format_money
from planner.planning import budget_by_month
from planner.ui.models import Column, FrameTableModel
from planner.ui.views.common import DANGER, fit_columns, legend, make_table, note

COLUMNS = [
    Column("month", "Month"),
    Column("committed_value", "Committed", "money", "POs already placed this month (open, not "
           "yet received; by their order date, landed): they count first"),
    Column("planned_value", "Planned", "money", "Suggested orders this month within what the "
           "committed POs leave (deferred lines that land here included)"),
    Column("budget", "Budget", "money", "purchase_budget_per_month"),
    Column("left_value", "Left", "money", "Open-to-buy left: budget − committed − planned"),
    Column("suggested_value", "Without\nbudget", "money", "What the plan would order this month "
           "without a budget (landed)"),
    Column("deferred_out_value", "Deferred\nout", "money",
           "Value of the lines the budget pushed out of this month"),
    Column("deferred_lines", "Lines\ndeferred", "int",
           "Suggested lines first due this month that the budget moved to a later month"),
    Column("flagged_lines", "Clear back-\norders", "int",
           "Deferred or unfunded lines first due this month that clear existing customer "
           "backorders"),
]

UNFUNDED_COLUMNS = [
    Column("sku", "SKU"),
    Column("supplier", "Supplier"),
    Column("quantity", "Qty", "int"),
    Column("value", "Value", "money", "What the order would cost (landed)"),
    Column("order_date", "Wanted on", tooltip="When the plan would have ordered it"),
    Column("stockout_days", "Days out\nof stock", "int",
           "Days out of stock from when it would have arrived to the horizon's end"),
    Column("units_short", "Units\nshort", "int", "Demand not served over those days"),
    Column("revenue_at_risk", "Revenue\nat risk", "money", "Units short × price"),
]


def budget_line(budget: dict[str, Any], currency: str) -> str:
    """The open-to-buy in one sentence: per month, lines deferred, unfunded, flagged."""
    lines = budget.get("deferred_lines") or []
    unfunded = budget.get("unfunded") or []
    flagged = int(budget.get("flagged_lines", 0) or 0)
    text = (f"Purchase budget {format_money(budget.get('per_month', 0), currency, decimals=0)} "
            f"a month (open-to-buy: POs already placed count first): {len(lines):,} suggested "
            "lines deferred to a later month")
    if unfunded:
        text += (f", {len(unfunded):,} SKUs that no month within the horizon can fund "
                 f"({format_money(budget.get('unfunded_value', 0), currency, decimals=0)}, "
                 "left out of the suggestions: listed below)")
    if flagged:
        text += (f"; {flagged:,} of them {'clears' if flagged == 1 else 'clear'} existing "
                 "customer backorders (flagged: decide whether to find the money)")
    return text + "."


class BudgetSummary(QWidget):
    """A line and a small month-by-month table; hidden when no budget is set."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("purchase_budget")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.line = note("")
        self.line.setObjectName("budget_line")
        layout.addWidget(self.line)
        self.model = FrameTableModel(COLUMNS, self)
        self.model.foreground = self._foreground
        self.model.tooltip = self._tooltip
        self.table, self.proxy = make_table(self.model, sortable=False, parent=self,
                                            freeze_key_column=False)
        self.table.setObjectName("budget_table")
        self.table.setEditTriggers(self.table.EditTrigger.NoEditTriggers)
        row = QHBoxLayout()
        row.addWidget(self.table)
        self.legend = legend((DANGER, "red: POs already placed over the month's budget, or "
                                      "deferred lines that would clear customer backorders"))
        row.addWidget(self.legend, 1, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(row)
        self.unfunded_title = note("Unfunded: no month within the horizon can pay for these "
                                   "orders (not in any month's totals)")
        layout.addWidget(self.unfunded_title)
        self.unfunded = FrameTableModel(UNFUNDED_COLUMNS, self)
        self.unfunded_table, _ = make_table(self.unfunded, sortable=False, parent=self,
                                            freeze_key_column=False)
        self.unfunded_table.setObjectName("budget_unfunded")
        self.unfunded_table.setEditTriggers(self.unfunded_table.EditTrigger.NoEditTriggers)
        layout.addWidget(self.unfunded_table)
        self._notes: dict[str, str] = {}
        self.setVisible(False)

    def show_plan(self, plan: Any) -> None:
        budget = plan.budget or {}
        if not float(budget.get("per_month", 0) or 0):
            self.setVisible(False)
            return
        currency = str(plan.settings.get("currency", "USD"))
        self.model.currency = currency
        rows = budget_by_month(budget)
        self._notes = {}
        for line in budget.get("deferred_lines") or []:
            if line.get("flag"):
                month = str(line.get("from_order_date", ""))[:7]
                self._notes[month] = (self._notes.get(month, "") + f"{line['sku']}: "
                                      f"{line['flag']}. {line.get('note', '')}\n")
        self.model.set_frame(rows)
        self.line.setText(budget_line(budget, currency))
        unfunded = pd.DataFrame(budget.get("unfunded") or [],
                                columns=[c.key for c in UNFUNDED_COLUMNS])
        self.unfunded.currency = currency
        self.unfunded.set_frame(unfunded)
        for widget in (self.unfunded_title, self.unfunded_table):
            widget.setVisible(len(unfunded) > 0)
        if len(unfunded):
            fit_columns(self.unfunded_table, max_width=160)
            self.unfunded_table.setFixedHeight(
                self.unfunded_table.horizontalHeader().sizeHint().height() + min(len(unfunded), 3)
                * self.unfunded_table.verticalHeader().defaultSectionSize() + 4)
        fit_columns(self.table, max_width=160)
        rows_shown = min(len(rows), 3)  # compact (the page fits 720 px): the rest scroll
        header = self.table.horizontalHeader().sizeHint().height()
        self.table.horizontalHeader().setStretchLastSection(False)
        self.table.setFixedWidth(self.table.horizontalHeader().length()
                                 + self.table.verticalScrollBar().sizeHint().width() + 4)
        self.table.setFixedHeight(header + rows_shown * self.table.verticalHeader()
                                  .defaultSectionSize() + 4)
        self.setVisible(True)

    def _foreground(self, row: int, key: str) -> Any:
        frame = self.model.frame
        if key == "committed_value" and bool(frame.at[row, "over_budget"]):
            return DANGER, "Red: the POs already placed this month exceed the budget"
        if key == "flagged_lines" and frame.at[row, "flagged_lines"] > 0:
            return DANGER, "Red: deferred lines that would clear customer backorders"
        return None

    def _tooltip(self, row: int, key: str) -> str | None:
        if key == "flagged_lines":
            return self._notes.get(str(self.model.frame.at[row, "month"]), "").strip() or None
        return None
