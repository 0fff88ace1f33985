"""The ABC / XYZ matrix: how many SKUs, and how much money, sit in each class pair."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QVBoxLayout, QWidget

from planner.formatting import format_money
from planner.planning import ABC_CUTS, XYZ_CUTS, abc_xyz_matrix
from planner.ui.views.common import heading, note

ABC_ROWS = {"A": "A: top value", "B": "B: middle", "C": "C: the tail"}
XYZ_COLUMNS = {"X": "X: steady", "Y": "Y: variable", "Z": "Z: erratic"}


def cut_offs_text() -> str:
    """How the classes are cut, in words (the numbers engine/catalog.py uses)."""
    a, b = (round(100 * c) for c in ABC_CUTS)
    x, y = XYZ_CUTS
    return (f"ABC by annual landed value of demand: A the SKUs making the first {a} % of it, "
            f"B the next {b - a} %, C the last {100 - b} % (and SKUs without demand). "
            f"XYZ by the coefficient of variation of weekly demand over the last 52 weeks: "
            f"X ≤ {x:g} < Y ≤ {y:g} < Z (no demand: Z).")


class AbcXyzMatrix(QFrame):
    """A 3 × 3 grid (A/B/C rows × X/Y/Z columns): SKUs and annual demand value per cell."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("abc_xyz_matrix")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(12, 8, 12, 8)
        outer.addWidget(heading("ABC / XYZ", size_delta=1))
        grid = QGridLayout()
        grid.setHorizontalSpacing(16)
        grid.setVerticalSpacing(4)
        for col, text in enumerate(XYZ_COLUMNS.values(), start=1):
            header = self._muted(text)
            header.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            grid.addWidget(header, 0, col)
        self.cells: dict[tuple[str, str], QLabel] = {}
        for row, (abc, text) in enumerate(ABC_ROWS.items(), start=1):
            grid.addWidget(self._muted(text), row, 0)
            for col, xyz in enumerate(XYZ_COLUMNS, start=1):
                cell = QLabel("—")
                cell.setObjectName(f"abc_xyz_{abc}{xyz}")
                cell.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.cells[(abc, xyz)] = cell
                grid.addWidget(cell, row, col)
        grid.setColumnStretch(4, 1)
        outer.addLayout(grid)
        self.cut_offs = note(cut_offs_text())
        outer.addWidget(self.cut_offs)
        #: SKUs left unclassed because their supplier's currency has no exchange rate
        self.unclassed = note("")
        self.unclassed.setObjectName("abc_xyz_unclassed")
        self.unclassed.setVisible(False)
        outer.addWidget(self.unclassed)
        self.setToolTip(cut_offs_text())

    @staticmethod
    def _muted(text: str) -> QLabel:
        label = QLabel(text)
        label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        return label

    def show_plan(self, plan: Any) -> None:
        """Fill the cells from a plan's SKU table."""
        currency = str(plan.settings.get("currency", "USD"))
        skus = plan.skus
        unknown = (skus[skus["annual_demand_value"].isna() & skus["currency"].notna()
                        & (skus["currency"].astype(str) != currency)]  # a kit has no currency
                   if {"annual_demand_value", "currency"} <= set(skus) else skus.iloc[0:0])
        if len(unknown):  # never ranked as if their prices were in the workspace currency
            codes = ", ".join(sorted(set(unknown["currency"].astype(str))))
            count = len(unknown)
            self.unclassed.setText(f"{count:,} SKU{'' if count == 1 else 's'} in {codes} not "
                                   f"classed: no exchange rate to {currency}")
        self.unclassed.setVisible(bool(len(unknown)))
        for cell in abc_xyz_matrix(plan.skus):
            label = self.cells[(cell["abc_class"], cell["xyz_class"])]
            skus = int(cell["skus"])
            label.setText(f"{skus:,} SKU{'' if skus == 1 else 's'} · "
                          f"{format_money(cell['annual_demand_value'], currency, decimals=0)}/yr")
            label.setToolTip(
                f"{cell['abc_class']}{cell['xyz_class']}: {skus:,} SKUs, annual demand "
                f"{format_money(cell['annual_demand_value'], currency, decimals=0)} at landed "
                f"cost, stock {format_money(cell['stock_value'], currency, decimals=0)}")

    def counts(self) -> dict[str, int]:
        """SKUs per cell as shown ('AX' → 5)."""
        return {abc + xyz: int(label.text().split(" ")[0].replace(",", "") or 0)
                for (abc, xyz), label in self.cells.items() if label.text() != "—"}
