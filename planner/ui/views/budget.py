"""The purchase budget month by month: planned spend against the budget, and the lines it moved."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

from planner.formatting import format_money
from planner.planning import budget_by_month
from planner.ui.models import Column, FrameTableModel
from planner.ui.views.common import DANGER, fit_columns, legend, make_table, note

COLUMNS = [
    Column("month", "Month"),
    Column("suggested_value", "Suggested", "money", "What the plan would order this month "
           "without a budget (landed)"),
    Column("planned_value", "Planned\nspend", "money", "What is ordered this month within the "
           "budget, deferred lines that arrive here included"),
    Column("budget", "Budget", "money", "purchase_budget_per_month"),
    Column("deferred_out_value", "Deferred\nout", "money",
           "Value of the lines the budget pushed out of this month"),
    Column("deferred_lines", "Lines\ndeferred", "int",
           "Suggested lines first due this month that the budget moved (or could not pay for)"),
    Column("flagged_lines", "Clear back-\norders", "int",
           "Of those, lines that clear existing customer backorders: flagged, never dropped"),
]


def budget_line(budget: dict[str, Any], currency: str) -> str:
    """The budget in one sentence: per month, lines deferred, lines flagged."""
    lines = budget.get("deferred_lines") or []
    moved = sum(1 for line in lines if line.get("status") == "deferred")
    over = len(lines) - moved
    flagged = int(budget.get("flagged_lines", 0) or 0)
    text = (f"Purchase budget {format_money(budget.get('per_month', 0), currency, decimals=0)} "
            f"a month: {moved:,} suggested lines deferred to a later month")
    if over:
        text += f", {over:,} that no month within the horizon can pay for (kept at their dates)"
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
        self.legend = legend((DANGER, "red: a month over budget, or deferred lines that would "
                                      "clear customer backorders"))
        row.addWidget(self.legend, 1, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(row)
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
        fit_columns(self.table, max_width=160)
        rows_shown = min(len(rows), 4)  # compact: the rest scroll
        header = self.table.horizontalHeader().sizeHint().height()
        self.table.horizontalHeader().setStretchLastSection(False)
        self.table.setFixedWidth(self.table.horizontalHeader().length()
                                 + self.table.verticalScrollBar().sizeHint().width() + 4)
        self.table.setFixedHeight(header + rows_shown * self.table.verticalHeader()
                                  .defaultSectionSize() + 4)
        self.setVisible(True)

    def _foreground(self, row: int, key: str) -> Any:
        frame = self.model.frame
        if key == "planned_value" and bool(frame.at[row, "over_budget"]):
            return DANGER, ("Red: over budget: lines no month within the horizon can pay for "
                            "stay at their dates")
        if key == "flagged_lines" and frame.at[row, "flagged_lines"] > 0:
            return DANGER, "Red: deferred lines that would clear customer backorders"
        return None

    def _tooltip(self, row: int, key: str) -> str | None:
        if key == "flagged_lines":
            return self._notes.get(str(self.model.frame.at[row, "month"]), "").strip() or None
        return None
