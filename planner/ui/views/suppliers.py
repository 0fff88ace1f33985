"""Suppliers: contacts, stated and learned lead times, lateness, what is on order."""

from __future__ import annotations

from typing import Any

import pandas as pd
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from planner.formatting import format_money
from planner.ui import operations
from planner.ui.models import Column, FrameTableModel
from planner.ui.operations import Operation
from planner.ui.views.common import (
    DANGER,
    WARNING,
    fit_columns,
    heading,
    legend,
    make_table,
    note,
)

COLUMNS = [
    Column("supplier", "Supplier"),
    Column("email", "Email", tooltip="Where sent POs go (Edit supplier…)", hidden=True),
    Column("products", "SKUs", "int", "Products bought from this supplier"),
    # buying abroad: what a unit costs landed, how and how often it ships
    Column("currency_resolved", "Currency", tooltip="The currency the supplier bills in (the "
           "exchange rate names it too)", hidden=True),
    Column("fx_text", "Exchange\nrate",
           tooltip="What one unit of the supplier's currency is worth in the workspace currency: "
                   "the newest fx_rates row on or before as-of, and its date"),
    # freight and duty are in the landed factor; the Columns menu shows them apart
    Column("freight_pct", "Freight\n%", "float", "Added to the converted unit cost", decimals=1,
           hidden=True),
    Column("duty_pct", "Duty\n%", "float", "Added to the converted unit cost", decimals=1,
           hidden=True),
    Column("landed_factor", "Landed\n×", "float",
           "Landed unit cost = unit cost × exchange rate × this (1 + freight % + duty %)",
           decimals=3),
    Column("cycle_text", "Order\ncycle",
           tooltip="One joint order per cycle (order_cycle_days); blank: the review period"),
    Column("container_text", "Container",
           tooltip="One container's volume and weight limit; blank: no container planning"),
    Column("min_order_text", "Min\norder",
           tooltip="Minimum order value, in the supplier's own currency"),
    Column("lead_time_days", "Lead\nstated", "float",
           "Lead time in days, as the supplier states it", decimals=0),
    Column("lead_time_days_learned", "Lead\nlearned", "float",
           "Lead time in days from order to receipt on received POs", decimals=0),
    Column("days_late_avg", "Days\nlate", "float",
           "Received date minus expected date, averaged over the lines received by the "
           "plan's as-of date (receipts with impossible dates left out)", decimals=1),
    Column("late_share", "Late", "pct",
           "Share of the lines received by the plan's as-of date that came late"),
    Column("received_lines_all", "Received\nlines", "int", "PO lines received by the plan's "
           "as-of date (the learned lead time needs enough of them)", hidden=True),
    Column("open_lines", "Open\nlines", "int", "Open PO lines"),
    Column("open_value", "Open\nvalue", "money",
           "Open PO lines at the supplier's prices, converted and landed (freight and duty)"),
]


def _rate_text(currency: str, rate: Any, date: Any, home: str) -> str:
    """'EUR 1.13 (2025-06-01)'; the workspace currency needs none; a missing rate says so."""
    if currency == home:
        return "—"
    if rate is None or pd.isna(rate):
        return f"{currency}: no rate"
    number = f"{float(rate):.2f}" if float(rate) >= 1 else f"{float(rate):.4g}"
    dated = f" ({date})" if isinstance(date, str) and date else " (undated)"
    return f"{currency} {number}{dated}"


def _cycle_text(days: Any) -> str:
    return "" if days is None or pd.isna(days) or not days else f"every {int(days)} days"


def _container_text(volume: Any, weight: Any) -> str:
    if volume is None or pd.isna(volume):
        return ""
    text = f"{float(volume):g} m³"
    if weight is not None and pd.notna(weight):
        text += f", max {float(weight):,.0f} kg"
    return text


class SupplierDialog(QDialog):
    """Edit the details Planner uses: email, stated lead time, minimum order value."""

    def __init__(self, row: pd.Series, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Supplier {row['supplier']}")
        form = QFormLayout(self)
        self.email = QLineEdit(str(row.get("email") or ""))
        self.contact = QLineEdit(str(row.get("contact") or ""))
        self.lead = QDoubleSpinBox()
        self.lead.setRange(0, 730)
        self.lead.setSuffix(" days")
        self.lead.setSpecialValueText("not stated")
        self.lead.setValue(0 if pd.isna(row.get("lead_time_days"))
                           else float(row["lead_time_days"]))
        self.lead_std = QDoubleSpinBox()
        self.lead_std.setRange(0, 365)
        self.lead_std.setSuffix(" days")
        self.lead_std.setValue(0 if pd.isna(row.get("lead_time_std_days"))
                               else float(row["lead_time_std_days"]))
        self.min_order = QDoubleSpinBox()
        self.min_order.setRange(0, 1e9)
        self.min_order.setDecimals(2)
        self.min_order.setValue(0 if pd.isna(row.get("min_order_value"))
                                else float(row["min_order_value"]))
        currency = str(row.get("currency_resolved") or row.get("currency") or "").strip()
        if currency:
            self.min_order.setPrefix(f"{currency} ")
        form.addRow("Email", self.email)
        form.addRow("Contact", self.contact)
        form.addRow("Lead time", self.lead)
        form.addRow("Lead time spread (std)", self.lead_std)
        form.addRow("Minimum order value", self.min_order)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def values(self) -> dict[str, Any]:
        return {"email": self.email.text().strip() or None,
                "contact": self.contact.text().strip() or None,
                "lead_time_days": self.lead.value() or None,
                "lead_time_std_days": self.lead_std.value() or None,
                "min_order_value": self.min_order.value() or None}


class SuppliersView(QWidget):
    """One row per supplier; lateness from their received POs."""

    def __init__(self, session: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        top = QHBoxLayout()
        top.addWidget(heading("Suppliers"))
        top.addStretch(1)
        self.edit_button = QPushButton("Edit supplier…")
        self.edit_button.clicked.connect(self.edit_supplier)
        top.addWidget(self.edit_button)
        layout.addLayout(top)
        layout.addWidget(note("Learned lead times come from received purchase orders (order to "
                              "receipt). Once a supplier has 3 received lines, the plan adds "
                              "their average lateness to the stated lead time (or uses the "
                              "learned one where none is stated). Values are in the workspace "
                              "currency: each "
                              "supplier's prices converted at its exchange rate, with freight "
                              "and duty on top (landed); minimum orders are in the supplier's "
                              "own currency."))
        self.model = FrameTableModel(COLUMNS, self)
        self.model.foreground = self._foreground
        self.table, self.proxy = make_table(self.model, parent=self)
        self.table.setObjectName("suppliers_table")
        self.table.setEditTriggers(self.table.EditTrigger.NoEditTriggers)
        self.table.doubleClicked.connect(lambda _i: self.edit_supplier())
        layout.addWidget(self.table)
        layout.addWidget(legend((DANGER, "red: more than 7 days late on average, or no exchange "
                                         "rate"),
                                (WARNING, "orange: 3 to 7 days late on average")))
        self.count = QLabel("")
        layout.addWidget(self.count)
        session.data_changed.connect(self.reload)
        session.plan_ready.connect(lambda _p: self.isVisible() and self._merge_plan())

    def on_shown(self) -> None:
        if self._merged_plan is not self.session.plan:
            self._merge_plan()

    _merged_plan: Any = None

    def reload(self) -> None:
        path = self.session.path
        if path is None:
            return
        self.session.tasks.run(Operation(
            title="Reading suppliers", progress="none",
            work=lambda _p: operations.supplier_rows(path), on_success=self._show))

    def _show(self, frame: pd.DataFrame) -> None:
        self._base = frame
        self._merge_plan()

    _base: pd.DataFrame | None = None

    def _merge_plan(self) -> None:
        self._merged_plan = self.session.plan
        if self._base is None:
            return
        frame = self._base.copy()
        plan = self.session.plan
        # learned by the engine from the receipts up to the plan's as-of (engine/lead_time.py)
        learned = getattr(plan, "suppliers", None) if plan is not None else None
        has = set(getattr(learned, "columns", []))
        by_name = learned.set_index("supplier") if learned is not None and has else None
        for key, source in (("lead_time_days_learned", "lead_time_days_learned"),
                            ("days_late_avg", "lateness_days_mean"),
                            ("late_share", "on_time_share"),
                            ("received_lines_all", "received_lines")):
            frame[key] = (frame["supplier"].map(by_name[source]).astype(float)
                          if by_name is not None and source in has else float("nan"))
        frame["late_share"] = 1.0 - frame["late_share"]
        # early on average is 0 days late (the cell's tooltip says how early), never -2.5
        frame["days_early_avg"] = (-frame["days_late_avg"]).clip(lower=0)
        frame["days_late_avg"] = frame["days_late_avg"].clip(lower=0)
        self._money_columns(frame, plan)
        self.model.currency = self.session.currency
        self.model.set_frame(frame)
        fit_columns(self.table, max_width=180)
        self.count.setText(f"{len(frame)} suppliers")

    def _money_columns(self, frame: pd.DataFrame, plan: Any) -> None:
        """Currency, exchange rate, landed factor (from the plan: its as-of picks the rate);
        open value converted and landed; the minimum order in the supplier's own currency."""
        home = str(self.session.currency or "USD").upper()
        own = frame["currency"].fillna("").astype(str).str.strip().str.upper()
        frame["currency_resolved"] = own.where(own != "", home)
        costs = getattr(plan, "suppliers", None) if plan is not None else None
        if costs is not None and "fx_rate" in getattr(costs, "columns", []):
            by_name = costs.set_index("supplier")
            frame["fx_rate"] = frame["supplier"].map(by_name["fx_rate"]).astype(float)
            frame["fx_rate_date"] = frame["supplier"].map(by_name["fx_rate_date"])
            frame["landed_factor"] = frame["supplier"].map(by_name["landed_factor"]).astype(float)
        else:  # no plan yet: the workspace currency's suppliers are known, others wait for it
            frame["fx_rate"] = (frame["currency_resolved"] == home).map({True: 1.0,
                                                                         False: float("nan")})
            frame["fx_rate_date"] = None
            frame["landed_factor"] = 1.0 + (frame["freight_pct"].fillna(0.0)
                                            + frame["duty_pct"].fillna(0.0)) / 100.0
        frame["fx_text"] = [
            _rate_text(c, r, d, home) if plan is not None or c == home else f"{c}: …"
            for c, r, d in zip(frame["currency_resolved"], frame["fx_rate"],
                               frame["fx_rate_date"], strict=True)]
        frame["open_value"] = (frame["open_value_supplier"].astype(float) * frame["fx_rate"]
                               * frame["landed_factor"])
        frame["cycle_text"] = [_cycle_text(d) for d in frame["order_cycle_days"]]
        frame["container_text"] = [_container_text(v, w) for v, w in
                                   zip(frame["container_m3"], frame["max_weight_kg"],
                                       strict=True)]
        frame["min_order_text"] = [format_money(v, c) if pd.notna(v) else ""
                                   for v, c in zip(frame["min_order_value"],
                                                   frame["currency_resolved"], strict=True)]

    def _foreground(self, row: int, key: str) -> Any:
        if key == "fx_text" and "no rate" in str(self.model.frame.at[row, "fx_text"]):
            return DANGER, ("Red: no exchange rate on or before the as-of date: this supplier's "
                            "values in the workspace currency are unknown (import fx_rates)")
        if key == "days_late_avg":
            late = self.model.frame.at[row, "days_late_avg"]
            if pd.notna(late) and late > 7:
                return DANGER, f"Red: received POs came {late:.1f} days late on average " \
                               "(more than 7)"
            if pd.notna(late) and late > 2:
                return WARNING, f"Orange: received POs came {late:.1f} days late on average"
            early = self.model.frame.at[row, "days_early_avg"]
            if pd.notna(early) and early > 0:
                return None, f"Early: received POs came {early:.1f} days early on average"
        return None

    def edit_supplier(self) -> None:
        from planner.ui.commands import EditSupplier

        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return
        row = self.model.frame.iloc[self.proxy.source_frame_row(rows[0].row())]
        dialog = SupplierDialog(row, self)
        if dialog.exec():
            self.session.undo_stack.push(EditSupplier(self.session, str(row["supplier"]),
                                                      dialog.values()))
