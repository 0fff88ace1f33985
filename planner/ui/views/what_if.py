"""What-if: move a PO's date or change its quantities and see whose orders move, before committing.

Recomputed in memory on every change (the engine's what-if re-projects only the PO's SKUs);
Apply writes the changes as one undoable edit, Discard forgets them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
from PySide6.QtCore import QDate, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from planner.formatting import format_money, format_quantity
from planner.reports import charts as shared
from planner.ui.charts import ChartView
from planner.ui.models import Column, FrameTableModel
from planner.ui.views.common import (
    DANGER,
    GOOD,
    KpiTile,
    fit_columns,
    fit_columns_once,
    heading,
    legend,
    make_table,
    note,
    shift_colour,
)

#: what the date editor applies to
ALL_LINES, ONE_LINE = "all", "one"

LINE_COLUMNS = [
    Column("sku", "SKU"),
    Column("name", "Name"),
    Column("open_quantity", "Open qty", "int"),
    Column("new_quantity", "New qty", "int", "Double-click to change the ordered quantity",
           editable=True),
    Column("expected_date", "Expected", "date"),
    Column("new_expected_date", "New expected", "date"),
]
CUSTOMER_COLUMNS = [
    Column("order_id", "Order"),
    Column("customer", "Customer"),
    Column("sku", "SKU"),
    Column("quantity", "Qty", "int"),
    Column("promised_date", "Promised", "date"),
    Column("ship_before", "Ships (now)", "date"),
    Column("ship_after", "Ships (what-if)", "date"),
    Column("shift_days", "Moves by", "int", "Days later (+) or earlier (−)"),
    Column("quoted_after", "Quote (what-if)", "date"),
    Column("risk_before", "Risk now", "money", "Value at risk of cancellation now"),
    Column("risk_after", "Risk what-if", "money", "Value at risk with the what-if"),
]


def compare_lines(before: pd.DataFrame, after: pd.DataFrame) -> pd.DataFrame:
    """Each open order line's ship date and value at risk before and after, moved lines first."""
    keys = ["order_id", "sku"]
    b = before.assign(_n=before.groupby(keys).cumcount())
    a = after.assign(_n=after.groupby(keys).cumcount())
    merged = b[keys + ["_n", "customer", "quantity", "promised_date", "projected_ship_date",
                       "value_at_risk", "late", "uncovered"]].merge(
        a[keys + ["_n", "projected_ship_date", "quoted_date", "value_at_risk", "late",
                  "uncovered"]], on=keys + ["_n"], suffixes=("_before", "_after"), how="outer")
    out = pd.DataFrame({
        "order_id": merged["order_id"], "customer": merged["customer"], "sku": merged["sku"],
        "quantity": merged["quantity"], "promised_date": merged["promised_date"],
        "ship_before": merged["projected_ship_date_before"],
        "ship_after": merged["projected_ship_date_after"],
        "quoted_after": merged["quoted_date"],
        "risk_before": merged["value_at_risk_before"], "risk_after": merged["value_at_risk_after"],
        "late_after": merged["late_after"].fillna(False).astype(bool),
        "uncovered_after": merged["uncovered_after"].fillna(False).astype(bool),
    })
    shift = (pd.to_datetime(out["ship_after"]) - pd.to_datetime(out["ship_before"])).dt.days
    out["shift_days"] = shift
    out["moved"] = (shift.fillna(0) != 0) | (out["ship_before"].isna() != out["ship_after"].isna())
    return out.sort_values(["moved", "ship_after"], ascending=[False, True], na_position="last",
                           kind="stable").reset_index(drop=True)


def what_if_figure(before: pd.DataFrame, after: pd.DataFrame, *, title: str, until: Any = None,
                   figsize: tuple[float, float] = (6.0, 2.4), fontsize: float = 7.5) -> Any:
    """Units on today's open customer orders still waiting, day by day, for the PO's SKUs: now
    (dashed) and with the what-if (solid), from two projections' backorder books."""
    figure = shared._new_figure(figsize)
    ax = figure.add_subplot()
    shared._style_axes(ax, fontsize=fontsize)
    for book, colour, label, style in ((before, shared.MUTED, "now", "--"),
                                       (after, shared.EXISTING, "what-if", "-")):
        if book is not None and len(book):
            if until is not None:
                book = book[pd.to_datetime(book["date"]) <= pd.Timestamp(until)]
            ax.step(pd.to_datetime(book["date"]), book["existing_units"].to_numpy(float),
                    where="post", color=colour, linestyle=style, linewidth=1.4, label=label)
    ax.set_ylim(bottom=0)
    ax.set_title(shared.literal(title), loc="left", **shared._text(fontsize + 1, fontweight="bold"))
    ax.set_ylabel("units still waiting", **shared._text(fontsize))
    ax.legend(loc="upper right", frameon=False, prop={"size": fontsize})
    return figure


class WhatIfView(QWidget):
    """Try another date or quantity on one purchase order."""

    back_requested = Signal()
    #: emitted after every recompute (tests wait on it)
    recomputed = Signal()

    def __init__(self, session: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.po_number: str | None = None
        self.focus_sku: str | None = None
        self.lines = pd.DataFrame()
        self.comparison = pd.DataFrame()
        self._baseline: Any = None
        self._after: Any = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        top = QHBoxLayout()
        back = QPushButton("← Back")
        back.clicked.connect(self.back_requested.emit)
        self.title = heading("What-if")
        top.addWidget(back)
        top.addWidget(self.title, 1)
        self.discard_button = QPushButton("Discard")
        self.apply_button = QPushButton("Apply to the workspace")
        self.apply_button.setObjectName("apply_what_if")
        self.discard_button.clicked.connect(self.discard)
        self.apply_button.clicked.connect(self.apply)
        top.addWidget(self.discard_button)
        top.addWidget(self.apply_button)
        layout.addLayout(top)
        layout.addWidget(note("Nothing is saved until you apply. The projection below is "
                              "recomputed for this PO's products as you change the date or "
                              "quantities; Edit ▸ Undo takes an applied change back."))
        controls = QHBoxLayout()
        controls.addWidget(QLabel("Move every line by"))
        for label, days in (("−1 week", -7), ("+1 week", 7), ("+2 weeks", 14)):
            button = QPushButton(label)
            button.setToolTip(f"Each line of this PO arrives {abs(days)} days "
                              f"{'earlier' if days < 0 else 'later'} than now tried")
            button.clicked.connect(lambda _=False, d=days: self.shift(d))
            controls.addWidget(button)
        controls.addSpacing(24)
        controls.addWidget(QLabel("Set the expected date of"))
        self.date_scope = QComboBox()
        self.date_scope.setObjectName("what_if_date_scope")
        self.date_scope.addItem("every line", ALL_LINES)
        self.date_scope.addItem("the selected line", ONE_LINE)
        self.date_scope.setToolTip("Which lines the date on the right applies to")
        self.date_scope.currentIndexChanged.connect(lambda _i: self._show_date())
        controls.addWidget(self.date_scope)
        self.date = QDateEdit()
        self.date.setObjectName("what_if_date")
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("yyyy-MM-dd")
        self.date.dateChanged.connect(self._date_changed)
        controls.addWidget(self.date)
        controls.addStretch(1)
        layout.addLayout(controls)

        tiles = QHBoxLayout()
        self.tiles = {key: KpiTile(label) for key, label in (
            ("risk", "Value at risk (these SKUs)"), ("late", "Late lines"),
            ("uncovered", "Uncovered lines"), ("moved", "Customers moved"),
            # forecast demand over the horizon the stock cannot serve (the plan's projection)
            ("stockout_days", "Stockout days"), ("units_short", "Units short"),
            ("revenue_short", "Revenue lost"))}
        self.tiles["stockout_days"].setToolTip(
            "Days over the horizon that end with forecast demand unserved, summed over these "
            "SKUs: now and with the what-if")
        self.tiles["units_short"].setToolTip(
            "Forecast demand over the horizon that stock cannot serve on its day")
        self.tiles["revenue_short"].setToolTip(
            "Units short × unit price: the revenue the stockouts cost, and what the what-if "
            "keeps or loses against now")
        for tile in self.tiles.values():
            tiles.addWidget(tile)
        layout.addLayout(tiles)

        splitter = QSplitter(Qt.Orientation.Vertical)
        upper = QWidget()
        upper_row = QHBoxLayout(upper)
        upper_row.setContentsMargins(0, 0, 0, 0)
        self.line_model = FrameTableModel(LINE_COLUMNS, self)
        self.line_model.edited.connect(self._quantity_edited)
        self.line_table, self.line_proxy = make_table(self.line_model, parent=self)
        self.line_table.setObjectName("what_if_lines")
        self.line_table.selectionModel().currentRowChanged.connect(lambda *_: self._show_date())
        upper_row.addWidget(self.line_table, 3)
        self.chart = ChartView(min_height=200)
        self.chart.setMinimumWidth(380)
        upper_row.addWidget(self.chart, 2)
        splitter.addWidget(upper)
        self.customer_model = FrameTableModel(CUSTOMER_COLUMNS, self)
        self.customer_model.foreground = self._customer_colour
        self.customer_table, _ = make_table(self.customer_model, parent=self)
        self.customer_table.setObjectName("what_if_customers")
        self.customer_table.setEditTriggers(self.customer_table.EditTrigger.NoEditTriggers)
        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        lower_layout.addWidget(self.customer_table)
        lower_layout.addWidget(legend((DANGER, "red: ships later, or no longer covered"),
                                      (GOOD, "green: ships earlier")))
        splitter.addWidget(lower)
        layout.addWidget(splitter, 1)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(80)
        self._timer.timeout.connect(self.recompute)
        session.plan_ready.connect(self._on_plan)

    # --- starting --------------------------------------------------------------------------
    def start(self, po_number: str, sku: str | None = None) -> None:
        """Show a PO's open lines as they are now."""
        self.po_number, self.focus_sku = po_number, sku
        data, plan = self.session.data, self.session.plan
        self.title.setText(f"What-if: {po_number}")
        if data is None or plan is None or self.session.what_if is None:
            self.lines = pd.DataFrame()
            return
        po = data.po_lines
        lines = po[(po["po_number"].astype(str) == po_number) & (po["status"] == "open")].copy()
        names = plan.skus.set_index("sku")["name"]
        lines["name"] = lines["sku"].map(names)
        lines["open_quantity"] = (lines["quantity"] - lines["received_quantity"]).clip(lower=0)
        lines["new_quantity"] = lines["quantity"].astype(int)
        lines["expected_date"] = pd.to_datetime(lines["expected_date"])
        lines["new_expected_date"] = lines["expected_date"]
        self.lines = lines.reset_index(drop=True)
        skus = sorted(self.lines["sku"].astype(str).unique())
        self._skus = skus
        self._baseline = self.session.what_if.baseline(skus)
        self.line_model.set_frame(self.lines)
        fit_columns(self.line_table, max_width=170)
        self._show_date()
        self.recompute()

    def _on_plan(self, _plan: Any) -> None:
        if self.po_number is not None and self.isVisible() and not self.changed():
            self.start(self.po_number, self.focus_sku)

    # --- changing --------------------------------------------------------------------------
    def _date_changed(self, date: QDate) -> None:
        if self.lines.empty:
            return
        rows = self._scope_rows()
        self.lines.loc[rows, "new_expected_date"] = pd.Timestamp(date.toPython())
        self.line_model.set_frame(self.lines)
        self._timer.start()

    def _scope_rows(self) -> list[int]:
        """The frame rows the date editor applies to: every line, or the selected one."""
        if self.date_scope.currentData() == ALL_LINES:
            return list(self.lines.index)
        return [self._selected_row()]

    def _selected_row(self) -> int:
        """The selected line's frame row; else the line the what-if was opened on; else the first."""
        current = self.line_table.currentIndex()
        if current.isValid():
            return self.line_model.frame_row(self.line_proxy.mapToSource(current).row())
        if self.focus_sku is not None:
            hits = self.lines.index[self.lines["sku"].astype(str) == str(self.focus_sku)]
            if len(hits):
                return int(hits[0])
        return int(self.lines.index[0])

    def _show_date(self) -> None:
        """Show the tried date of the line the editor speaks for (earliest line for 'every line')."""
        if self.lines.empty:
            return
        if self.date_scope.currentData() == ALL_LINES:
            shown = pd.Timestamp(self.lines["new_expected_date"].min())
        else:
            shown = pd.Timestamp(self.lines.at[self._selected_row(), "new_expected_date"])
        self.date.blockSignals(True)
        self.date.setDate(QDate(shown.date()) if pd.notna(shown) else QDate(self.session.as_of))
        self.date.blockSignals(False)

    def shift(self, days: int) -> None:
        """Move every line of the PO by exactly ``days`` from the dates now tried."""
        if self.lines.empty:
            return
        tried = pd.to_datetime(self.lines["new_expected_date"])
        self.lines["new_expected_date"] = tried + pd.Timedelta(days=days)
        self.line_model.set_frame(self.lines)
        self._show_date()
        self._timer.start()

    def set_expected_date(self, date: dt.date, *, every_line: bool = True) -> None:
        """Try one date for every line of the PO, or (``every_line=False``) the selected line."""
        self.date_scope.setCurrentIndex(self.date_scope.findData(ALL_LINES if every_line
                                                                  else ONE_LINE))
        if self.date.date().toPython() == date:
            self._date_changed(QDate(date))  # the editor shows it already: apply it anyway
        else:
            self.date.setDate(QDate(date))

    def _quantity_edited(self, frame_row: int, key: str, value: Any) -> None:
        try:
            quantity = int(value)
        except (TypeError, ValueError):
            return
        if quantity < 0:
            return
        self.lines.at[frame_row, "new_quantity"] = quantity
        self.line_model.set_frame(self.lines)
        self._timer.start()

    def changes(self) -> list[Any]:
        from planner.planning import POChange

        out = []
        for row in self.lines.itertuples(index=False):
            date_changed = row.new_expected_date != row.expected_date
            qty_changed = int(row.new_quantity) != int(row.quantity)
            if date_changed or qty_changed:
                out.append(POChange(
                    po_number=str(row.po_number), sku=str(row.sku),
                    new_expected_date=row.new_expected_date if date_changed else None,
                    new_quantity=float(row.new_quantity) if qty_changed else None))
        return out

    def changed(self) -> bool:
        return bool(len(self.lines)) and bool(self.changes())

    def recompute(self) -> None:
        """Re-project this PO's SKUs with the changes and show what moved."""
        self._timer.stop()
        if self.lines.empty or self._baseline is None:
            return
        changes = self.changes()
        after = self.session.what_if.run(changes, self._skus) if changes else self._baseline
        self._after = after
        self.comparison = compare_lines(self._baseline.lines, after.lines)
        self.customer_model.currency = self.session.currency
        self.customer_model.set_frame(self.comparison)
        fit_columns_once(self.customer_table, rows=max(len(self.comparison), 1), max_width=200)
        self._fill_tiles()
        before_book, after_book = self._baseline.book, after.book
        title = f"Today's backorders for {self.po_number}'s SKUs, still waiting"
        last = max(pd.Timestamp(self.lines["new_expected_date"].max()),
                   pd.Timestamp(self.lines["expected_date"].max()))
        until = last + pd.Timedelta(days=42)
        self.chart.show_chart(lambda: what_if_figure(before_book, after_book, title=title,
                                                     until=until))
        self.apply_button.setEnabled(bool(changes))
        self.discard_button.setEnabled(bool(changes))
        self.recomputed.emit()

    def _fill_tiles(self) -> None:
        b, a = self._baseline.lines, self._after.lines
        currency = self.session.currency
        risk_b, risk_a = float(b["value_at_risk"].sum()), float(a["value_at_risk"].sum())
        self.tiles["risk"].set_value(format_money(risk_a, currency),
                                     f"now {format_money(risk_b, currency)}",
                                     alarm=risk_a > risk_b + 0.005)
        for key, column in (("late", "late"), ("uncovered", "uncovered")):
            nb, na = int(b[column].sum()), int(a[column].sum())
            self.tiles[key].set_value(str(na), f"now {nb}", alarm=na > nb)
        moved = int(self.comparison["moved"].sum()) if len(self.comparison) else 0
        self.tiles["moved"].set_value(str(moved), "order lines with a new ship date")
        self._fill_shortage_tiles(currency)

    def shortage_until(self) -> pd.Timestamp:
        """The day both versions of this PO are sellable (the later expected date + dock to
        stock): the shortage tiles count to it, as later supply is the same in both."""
        last = max(pd.Timestamp(self.lines["new_expected_date"].max()),
                   pd.Timestamp(self.lines["expected_date"].max()))
        dock = int(self.session.plan.settings.get("dock_to_stock_days", 0)) \
            if self.session.plan is not None else 0
        return last + pd.Timedelta(days=dock)

    def shortage(self) -> tuple[dict[str, float], dict[str, float]]:
        """Stockout days, units short and revenue short until the PO lands: now, what-if."""
        from planner.planning import shortage_totals

        until = self.shortage_until()
        return (shortage_totals(self._baseline, until), shortage_totals(self._after, until))

    def _fill_shortage_tiles(self, currency: str) -> None:
        now, then = self.shortage()
        until = self.shortage_until().date().isoformat()
        for key, label in (("stockout_days", "Stockout days"), ("units_short", "Units short"),
                           ("revenue_short", "Revenue lost")):
            self.tiles[key].caption.setText(f"{label} to {until}")
        for key in ("stockout_days", "units_short"):
            nb, na = now[key], then[key]
            self.tiles[key].set_value(format_quantity(na), f"now {format_quantity(nb)}",
                                      alarm=na > nb + 0.5)
        lost_now, lost_then = now["revenue_short"], then["revenue_short"]
        change = lost_now - lost_then
        verb = "keeps" if change >= 0 else "loses"
        detail = f"now {format_money(lost_now, currency)}"
        if abs(change) >= 0.005:
            detail += f" · the what-if {verb} {format_money(abs(change), currency)}"
        self.tiles["revenue_short"].set_value(format_money(lost_then, currency), detail,
                                              alarm=lost_then > lost_now + 0.005)

    def _customer_colour(self, row: int, key: str) -> Any:
        if key not in ("ship_after", "shift_days", "risk_after"):
            return None
        frame = self.customer_model.frame
        return shift_colour(frame.at[row, "shift_days"], bool(frame.at[row, "uncovered_after"]),
                            gained=False)

    # --- committing ------------------------------------------------------------------------
    def apply(self) -> None:
        """Write the tried changes to the workspace as one undoable edit."""
        from planner.ui.commands import ApplyWhatIf, LineEdit

        edits = []
        for row in self.lines.itertuples(index=False):
            date_changed = row.new_expected_date != row.expected_date
            qty_changed = int(row.new_quantity) != int(row.quantity)
            if date_changed or qty_changed:
                edits.append(LineEdit(
                    str(row.po_number), str(row.sku),
                    expected_date=(pd.Timestamp(row.new_expected_date).date()
                                   if date_changed else None),
                    quantity=int(row.new_quantity) if qty_changed else None))
        if edits:
            self.session.undo_stack.push(ApplyWhatIf(self.session, edits))
            self.lines["expected_date"] = self.lines["new_expected_date"]
            self.lines["quantity"] = self.lines["new_quantity"]
            self.back_requested.emit()

    def discard(self) -> None:
        """Forget the tried changes."""
        if self.po_number is not None:
            self.start(self.po_number, self.focus_sku)

    def moved_lines(self) -> pd.DataFrame:
        """The customer lines whose ship date the what-if moves."""
        if self.comparison.empty:
            return self.comparison
        return self.comparison[self.comparison["moved"].to_numpy(bool)]

