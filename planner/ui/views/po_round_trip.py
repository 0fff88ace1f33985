"""The purchase-order round trip on the Purchase orders page: sending the supplier's documents,
a PO's history, and the customers a supplier's answer moves."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from planner.ui.models import Column, FrameTableModel
from planner.ui.views.common import DANGER, GOOD, fit_columns, legend, make_table, shift_colour
from planner.ui.workers import worker_db

HISTORY_COLUMNS = [
    Column("at", "When"),
    Column("user", "Who"),
    Column("action", "What"),
    Column("sku", "SKU"),
    Column("detail", "Detail"),
]
#: the what-if's customer table, with the PO as ordered for "now" and as confirmed for "what-if"
MOVE_COLUMNS = [
    Column("order_id", "Order"),
    Column("customer", "Customer"),
    Column("sku", "SKU"),
    Column("quantity", "Qty", "int"),
    Column("ship_before", "Ships (as ordered)", "date"),
    Column("ship_after", "Ships (as confirmed)", "date"),
    Column("shift_days", "Moves by", "int", "Days later (+) or earlier (−)"),
    Column("quoted_after", "Quote (as confirmed)", "date"),
    Column("filled_from", "Filled from", tooltip="The PO the line now waits for"),
]
CONFIRMATIONS = ["po_number", "sku", "confirmed_quantity", "confirmed_date"]


@dataclass
class SentDocuments:
    """What sending wrote: the folder, every file, and the POs that were drafts."""

    folder: Path
    files: list[Path]
    drafts: list[str]


def write_documents(path: str | Path, po_numbers: list[str] | None, folder: str | Path, *,
                    eml: bool) -> SentDocuments:
    """Write the POs' PDF and XLSX (and .eml) with the CLI's function; marking them sent is left
    to the caller's undoable step. No PO numbers: every draft."""
    from planner.po_documents import draft_po_numbers, write_po_documents
    from planner.store import po_life

    with worker_db(path) as db:
        numbers = list(po_numbers) if po_numbers else draft_po_numbers(db)
        drafts = [n for n in numbers if po_life.header(db, n)["state"] == "draft"]
        sent = write_po_documents(db, numbers or None, folder, eml=eml, mark_sent=False)
    return SentDocuments(Path(folder), [f for po in sent for f in po.files], drafts)


def answered_pos(path: str | Path, before: pd.DataFrame) -> list[str]:
    """The POs whose confirmations differ from ``before`` (what an import of answers changed)."""
    from planner.ui.operations import po_line_fields

    after = po_line_fields(path, CONFIRMATIONS)
    merged = after.merge(before.reindex(columns=CONFIRMATIONS), on=["po_number", "sku"],
                         how="left", suffixes=("", "_before"))
    changed = pd.Series(False, index=merged.index)
    for key in ("confirmed_quantity", "confirmed_date"):
        changed |= _comparable(merged[key], key) != _comparable(merged[f"{key}_before"], key)
    return sorted(set(merged.loc[changed.to_numpy(), "po_number"].astype(str)))


def _comparable(values: pd.Series, key: str) -> pd.Series:
    """Values as text that compare equal when they are the same answer (30 and 30.0; a date
    with or without a time)."""
    if key == "confirmed_quantity":
        return pd.to_numeric(values, errors="coerce").fillna(-1).astype(str)
    return values.where(values.notna(), "").astype(str).str[:10]


def moved_customers(moves: pd.DataFrame) -> pd.DataFrame:
    """planning.confirmation_moves as the what-if's customer table (later moves first)."""
    out = pd.DataFrame({
        "order_id": moves["order_id"], "customer": moves["customer"], "sku": moves["sku"],
        "quantity": moves["quantity"], "ship_before": moves["projected_ship_date_as_ordered"],
        "ship_after": moves["projected_ship_date_as_confirmed"],
        "shift_days": moves["days_later"], "quoted_after": moves["quoted_date_as_confirmed"],
        "filled_from": moves["filled_from_as_confirmed"]})
    return out.sort_values(["shift_days", "ship_after"], ascending=[False, True],
                           na_position="first", kind="stable").reset_index(drop=True)


class SendDialog(QDialog):
    """Which POs to send (the selected one or every draft) and whether to write an e-mail draft."""

    def __init__(self, selected: str | None, drafts: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Send purchase orders")
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Planner writes each PO as a PDF and a spreadsheet for the "
                                "supplier to fill in. Nothing is e-mailed: you send the files."))
        self.one = QRadioButton(f"The selected PO ({selected})" if selected else "The selected PO")
        self.all = QRadioButton(f"Every draft PO ({drafts})")
        self.one.setEnabled(selected is not None)
        self.all.setEnabled(drafts > 0)
        (self.one if selected is not None else self.all).setChecked(True)
        self.eml = QCheckBox("Also an e-mail draft (.eml) with both attached")
        self.eml.setChecked(True)
        for w in (self.one, self.all, self.eml):
            layout.addWidget(w)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        go = buttons.addButton("Choose folder…", QDialogButtonBox.ButtonRole.AcceptRole)
        go.setEnabled(selected is not None or drafts > 0)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)


class MovedCustomersDialog(QDialog):
    """The customers whose projected ship dates a supplier's answer moves."""

    export_requested = Signal()

    def __init__(self, po_numbers: list[str], moves: pd.DataFrame, currency: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("moved_customers")
        self.setWindowTitle("Customers the supplier's answer moves")
        self.resize(1080, 400)
        layout = QVBoxLayout(self)
        frame = moved_customers(moves)
        later = int((frame["shift_days"] > 0).sum())
        lost = int((frame["ship_after"].isna() & frame["ship_before"].notna()).sum())
        customers = frame["customer"].fillna("").replace("", None).dropna().nunique()
        self.summary = QLabel(
            f"With {', '.join(po_numbers)} as the supplier confirmed it, {len(frame):,} waiting "
            f"order lines ({customers:,} customers) get a new ship date: {later:,} later, "
            f"{lost:,} no longer covered by stock on the way (—), "
            f"{len(frame) - later - lost:,} earlier. Tell them with the customer update list.")
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.model = FrameTableModel(MOVE_COLUMNS, self)
        self.model.currency = currency
        self.model.foreground = self._colour
        self.table, self.proxy = make_table(self.model, parent=self)
        self.table.setObjectName("moved_customers_table")
        self.model.set_frame(frame)
        fit_columns(self.table, max_width=200)
        layout.addWidget(self.table)
        layout.addWidget(legend((DANGER, "red: ships later, or no longer covered"),
                                (GOOD, "green: ships earlier")))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.export = QPushButton("Export customer update list…")
        self.export.setObjectName("moved_export_updates")
        buttons.addButton(self.export, QDialogButtonBox.ButtonRole.ActionRole)
        self.export.clicked.connect(self.export_requested)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _colour(self, row: int, key: str) -> Any:
        if key not in ("ship_after", "shift_days"):
            return None
        return shift_colour(self.model.frame.at[row, "shift_days"],
                            pd.isna(self.model.frame.at[row, "ship_after"]))
