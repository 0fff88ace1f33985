"""One SKU: the chart, how its numbers came about, a manual forecast, its POs and backorders."""

from __future__ import annotations

from typing import Any

import pandas as pd
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from planner.formatting import format_date, format_quantity
from planner.ui.charts import ChartView, forecast_vs_actual_figure, sku_detail_figure
from planner.ui.models import Column, FrameTableModel
from planner.ui.views.common import fit_columns, heading, make_table, note

PO_COLUMNS = [
    Column("po_number", "PO"),
    Column("supplier", "Supplier"),
    Column("order_date", "Ordered", "date"),
    Column("quantity", "Qty", "int"),
    Column("received_quantity", "Received", "int"),
    Column("expected_date", "Expected", "date"),
    Column("received_date", "Received on", "date"),
    Column("status", "Status"),
]
BACKORDER_COLUMNS = [
    Column("order_id", "Order"),
    Column("customer", "Customer"),
    Column("quantity", "Qty", "int"),
    Column("order_date", "Ordered", "date"),
    Column("promised_date", "Promised", "date"),
    Column("projected_ship_date", "Projected ship", "date"),
    Column("filled_from", "Filled from"),
    Column("days_late", "Days late", "float", decimals=0),
    Column("value_at_risk", "Value at risk", "money"),
    Column("flag_reasons", "Flags"),
]


def _number(value: Any, decimals: int = 1) -> str:
    if value is None or pd.isna(value):
        return "—"
    return f"{float(value):,.{decimals}f}"


def _days(value: float) -> str:
    """Whole days, or one decimal when it is not whole (a mean lateness)."""
    return _number(value, 0 if abs(value - round(value)) < 0.05 else 1)


def lead_time_text(row: pd.Series) -> str:
    """The lead time the plan uses and where it comes from (planning.effective_lead_times):
    stated, stated plus the received POs' mean lateness, learned, or the default setting."""
    from planner.planning import LEARNED_LEAD_TIME_RANGE, MIN_RECEIVED_LINES_TO_LEARN

    if bool(row.get("is_bundle")) is True:
        return "— (a bundle: each component has its own lead time)"
    lead = float(row["lead_time_days"])
    text = f"{_days(lead)} ± {_number(row['lead_time_std_days'], 0)} days"
    stated, learned = row.get("lead_time_days_stated"), row.get("lead_time_days_learned")
    source = row.get("lead_time_source")
    nothing_stated = source == "default"
    if learned is None or pd.isna(learned):
        if nothing_stated:
            return text + (": the default_lead_time_days setting (no lead time stated for the "
                           "product or its supplier)")
        return text + (f", as stated (learned once the supplier has "
                       f"{MIN_RECEIVED_LINES_TO_LEARN} received PO lines)")
    if nothing_stated:
        return text + (f": the plan uses the learned {_number(learned, 0)} (order to receipt on "
                       "received POs; none stated)")
    lateness = row.get("lateness_days")
    lateness = float(lead - stated) if lateness is None or pd.isna(lateness) else float(lateness)
    if abs(lateness) < 0.05:
        return text + (f": the plan uses the stated {_days(lead)}; received POs came on time on "
                       f"average (order to receipt took {_number(learned, 0)} days)")
    sign = "+" if lateness >= 0 else "−"
    text += (f": the plan uses {_days(lead)} = stated {_days(float(stated))} {sign} "
             f"{_days(abs(lateness))} days, how late received POs came on average")
    if abs(float(stated) + lateness - lead) > 0.5:
        low, high = LEARNED_LEAD_TIME_RANGE
        text += (f", kept between {low:g}× and {high:g}× the stated (or stated + 28 days)")
    return text + f" (order to receipt took {_number(learned, 0)} days)"


class SkuDetailView(QWidget):
    """Everything about one product on one page."""

    back_requested = Signal()
    what_if_requested = Signal(str, str)

    def __init__(self, session: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.sku: str | None = None
        #: gives the forecast-accuracy page's latest result for the current plan (or None)
        self.accuracy_source: Any = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        top = QHBoxLayout()
        back = QPushButton("← Back")
        back.setShortcut("Alt+Left")
        back.clicked.connect(self.back_requested.emit)
        self.title = heading("")
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.what_if = QPushButton("What-if on its PO…")
        self.what_if.setObjectName("sku_what_if")
        self.what_if.clicked.connect(self._what_if)
        top.addWidget(back)
        top.addWidget(self.title, 1)
        top.addWidget(self.what_if)
        layout.addLayout(top)
        self.subtitle = note("")
        layout.addWidget(self.subtitle)

        splitter = QSplitter(Qt.Orientation.Vertical)
        upper = QWidget()
        upper_row = QHBoxLayout(upper)
        upper_row.setContentsMargins(0, 0, 0, 0)
        self.chart = ChartView(min_height=280)
        self.chart.setMinimumWidth(480)
        upper_row.addWidget(self.chart, 1)
        facts = QScrollArea()
        facts.setWidgetResizable(True)
        facts.setFrameShape(QScrollArea.Shape.NoFrame)
        facts.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        facts.setWidget(self._facts_panel())
        facts.setFixedWidth(380)
        upper_row.addWidget(facts)
        splitter.addWidget(upper)

        tabs = QTabWidget()
        self.po_model = FrameTableModel(PO_COLUMNS, self)
        self.po_table, _ = make_table(self.po_model, parent=self)
        self.po_table.setEditTriggers(self.po_table.EditTrigger.NoEditTriggers)
        self.po_table.doubleClicked.connect(self._po_double_clicked)
        self.bo_model = FrameTableModel(BACKORDER_COLUMNS, self)
        self.bo_table, _ = make_table(self.bo_model, parent=self)
        self.bo_table.setEditTriggers(self.bo_table.EditTrigger.NoEditTriggers)
        tabs.addTab(self.bo_table, "Backorders")
        tabs.addTab(self.po_table, "Purchase orders")
        self.accuracy_chart = ChartView(min_height=180)
        tabs.addTab(self.accuracy_chart, "Forecast vs sold")
        self.tabs = tabs
        splitter.addWidget(tabs)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 1)
        layout.addWidget(splitter, 1)
        session.plan_ready.connect(self._on_plan)

    def _facts_panel(self) -> QWidget:
        panel = QWidget()
        column = QVBoxLayout(panel)
        column.setContentsMargins(8, 0, 0, 0)
        facts = QGroupBox("Numbers")
        form = QFormLayout(facts)
        self.fact_labels: dict[str, QLabel] = {}
        for key, label in [("forecast", "Forecast"), ("error", "Backtest error"),
                           ("lead_time", "Lead time"), ("policy", "Safety stock / ROP"),
                           ("stock", "On hand / hold / order"), ("position", "Inventory position"),
                           ("cover", "Days of cover"), ("stockout", "Stockout"),
                           ("suggestion", "Suggestion"),
                           ("stockout_days", "Stockout days excluded"),
                           ("accuracy", "Forecast vs sold")]:
            value = QLabel("—")
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.fact_labels[key] = value
            form.addRow(label, value)
        self.fact_labels["stockout_days"].setObjectName("stockout_days_excluded")
        from planner.ui.views.products import DAYS_OF_COVER

        self.fact_labels["cover"].setToolTip(DAYS_OF_COVER)
        self.fact_labels["lead_time"].setObjectName("lead_time_fact")
        self.fact_labels["accuracy"].setObjectName("sku_accuracy")
        column.addWidget(facts)
        self.why = note("")
        self.why.setObjectName("sku_why")
        column.addWidget(self.why)

        override = QGroupBox("Manual forecast")
        o = QFormLayout(override)
        self.override_rate = QDoubleSpinBox()
        self.override_rate.setObjectName("override_rate")
        self.override_rate.setRange(0, 1_000_000)
        self.override_rate.setDecimals(2)
        self.override_rate.setSuffix(" units/day")
        self.override_std = QDoubleSpinBox()
        self.override_std.setRange(0, 1_000_000)
        self.override_std.setDecimals(2)
        self.override_std.setSpecialValueText("from history")
        self.override_std.setSuffix(" units/day")
        buttons = QHBoxLayout()
        self.save_override = QPushButton("Use this rate")
        self.save_override.setObjectName("save_override")
        self.clear_override = QPushButton("Back to statistical")
        self.save_override.clicked.connect(self._save_override)
        self.clear_override.clicked.connect(self._clear_override)
        buttons.addWidget(self.save_override)
        buttons.addWidget(self.clear_override)
        o.addRow("Demand", self.override_rate)
        o.addRow("Spread (std)", self.override_std)
        o.addRow(buttons)
        self.override_note = note("")
        o.addRow(self.override_note)
        column.addWidget(override)
        column.addStretch(1)
        return panel

    # --- showing a SKU -------------------------------------------------------------------
    def _on_plan(self, _plan: Any) -> None:
        if self.sku is not None and self.isVisible():
            self.show_sku(self.sku)

    def on_shown(self) -> None:
        if self.sku is not None and self._shown_plan is not self.session.plan:
            self.show_sku(self.sku)

    _shown_plan: Any = None

    def show_sku(self, sku: str) -> None:
        """Fill the page for one SKU from the current plan."""
        self.sku = sku
        plan, index = self.session.plan, self.session.index
        self._shown_plan = plan
        if plan is None or index is None:
            self.title.setText(sku)
            self.subtitle.setText("No plan yet: replan to see this SKU.")
            return
        rows = plan.skus[plan.skus["sku"] == sku]
        if rows.empty:
            self.title.setText(sku)
            self.subtitle.setText(f"{sku} is not an active product in this plan.")
            return
        row = rows.iloc[0]
        self.title.setText(f"{sku} · {row['name'] or ''}")
        mto = " · made to order" if bool(row.get("made_to_order", False)) else ""
        self.subtitle.setText(f"Supplier {row['supplier'] or '—'} · unit cost "
                              f"{_number(row.get('unit_cost'), 2)} · price "
                              f"{_number(row.get('unit_price'), 2)}{mto}")
        self._fill_facts(row)
        receipts = index.rows("open_po_lines", sku)
        receipts = pd.DataFrame({"date": receipts.get("date", pd.Series(dtype="datetime64[ns]")),
                                 "quantity": receipts.get("quantity", pd.Series(dtype=float)),
                                 "label": receipts.get("source", pd.Series(dtype=object))})
        on_hand = (plan.projected_on_hand.loc[sku] if sku in plan.projected_on_hand.index else None)
        new_bo = (plan.projected_new_backorders.loc[sku]
                  if sku in plan.projected_new_backorders.index else None)
        self.chart.show_chart(lambda: sku_detail_figure(
            sku=sku, history_weekly=index.rows("history_weekly", sku),
            forecast_weekly=index.rows("forecast_weekly", sku), projected_on_hand=on_hand,
            projected_backorders=new_bo, receipts=receipts,
            safety_stock=float(row["safety_stock"]), reorder_point=float(row["reorder_point"]),
            as_of=plan.as_of))
        self.po_model.set_frame(index.rows("po_lines", sku).sort_values(
            "expected_date", ascending=False, kind="stable"))
        self.bo_model.currency = str(plan.settings.get("currency", "USD"))
        backorders = index.rows("backorder_lines", sku)
        if "days_late" in backorders:  # an early line is 0 days late, never -7
            backorders = backorders.assign(days_late=backorders["days_late"].clip(lower=0))
        self.bo_model.set_frame(backorders)
        self.tabs.setTabText(0, f"Backorders ({self.bo_model.rowCount()})")
        self.tabs.setTabText(1, f"Purchase orders ({self.po_model.rowCount()})")
        fit_columns(self.po_table)
        fit_columns(self.bo_table)
        open_lines = index.rows("open_po_lines", sku)
        self.what_if.setEnabled(len(open_lines) > 0)
        self._fill_override(sku, row)
        self.show_accuracy()

    def show_accuracy(self) -> None:
        """The last weeks' forecast against what sold, from the accuracy page's latest result
        (the holdout is scored there, for the whole catalog at once)."""
        result = self.accuracy_source() if self.accuracy_source is not None else None
        label, sku = self.fact_labels["accuracy"], self.sku
        if result is None or sku is None:
            label.setText("not scored yet: open Forecast accuracy")
            self.accuracy_chart.show_message(
                "Open the Forecast accuracy page to compare the forecast with what sold.")
            return
        if result.empty or sku not in set(result.skus["sku"]):
            label.setText(result.empty_reason or
                          f"no sales by {result.origin.isoformat()} to forecast from")
            self.accuracy_chart.show_message(label.text())
            return
        row = result.skus[result.skus["sku"] == sku].iloc[0]
        bias = row["bias_pct"]
        bias_text = "" if pd.isna(bias) else f", {bias:+.0f} %"
        wape = "" if pd.isna(row["wape"]) else f", WAPE {row['wape']:.2f}"
        label.setText(f"last {result.weeks} weeks: {row['forecast_units']:,.0f} forecast, "
                      f"{row['actual_units']:,.0f} sold{wape}{bias_text}")
        weekly = result.weekly[result.weekly["sku"] == sku]
        model = str(row["forecast_model"])
        self.accuracy_chart.show_chart(lambda: forecast_vs_actual_figure(
            sku=sku, weekly=weekly, model=model))

    def _fill_facts(self, row: pd.Series) -> None:
        f = self.fact_labels
        f["forecast"].setText(f"{_number(row['demand_per_day'], 2)} ± "
                              f"{_number(row['demand_std_per_day'], 2)} units/day "
                              f"({row.get('forecast_model', '—')}, {row.get('demand_class', '—')})")
        mase = row.get("backtest_mase")
        f["error"].setText("—" if mase is None or pd.isna(mase) else
                           f"MASE {float(mase):.2f} (below 1 beats the naive forecast)")
        f["lead_time"].setText(lead_time_text(row))
        f["policy"].setText(f"{_number(row['safety_stock'], 0)} / "
                            f"{_number(row['reorder_point'], 0)}"
                            f" (order up to {_number(row.get('order_up_to'), 0)})")
        f["stock"].setText(f"{format_quantity(row['on_hand'])} / {format_quantity(row['on_hold'])}"
                           f" / {format_quantity(row['on_order'])}; "
                           f"{format_quantity(row['backordered'])} backordered")
        f["position"].setText(format_quantity(row["inventory_position"]))
        f["cover"].setText(_number(row["days_of_cover"], 0))
        f["stockout"].setText(format_date(row["stockout_date"]) if pd.notna(row["stockout_date"])
                              else "not within the horizon")
        qty = int(row["suggested_order_qty"])
        plan = self.session.plan
        dock = int(plan.settings.get("dock_to_stock_days", 0)) if plan is not None else 0
        arrival = row["expected_arrival"]  # the dock date; sellable_date adds dock-to-stock
        sellable = row.get("sellable_date")
        if dock and pd.notna(arrival) and sellable is not None and pd.notna(sellable):
            arriving = (f"at your dock {format_date(arrival)} (the PO's expected date), sellable "
                        f"{format_date(sellable)} after {dock} days dock-to-stock")
        else:
            arriving = f"arriving {format_date(arrival)}"
        f["suggestion"].setText(f"order {format_quantity(qty)} by {format_date(row['order_by'])}, "
                                f"{arriving}" if qty > 0 else "nothing to order now")
        excluded = row.get("stockout_days_excluded")
        excluded = 0 if excluded is None or pd.isna(excluded) else int(excluded)
        f["stockout_days"].setText(
            f"{excluded} days with nothing to sell, read as missing demand, not zero"
            if excluded else "none")
        why = str(row.get("why") or "")
        model_why = str(row.get("forecast_why") or "")
        self.why.setText("\n".join(t for t in (f"Why: {why}" if why else "",
                                               f"Forecast: {model_why}" if model_why else "") if t))

    def _fill_override(self, sku: str, row: pd.Series) -> None:
        data = self.session.data
        override = None
        if data is not None and len(data.overrides):
            hits = data.overrides[data.overrides["sku"] == sku]
            override = hits.iloc[0] if len(hits) else None
        if override is not None:
            self.override_rate.setValue(float(override["demand_per_day"]))
            std = override.get("demand_std_per_day")
            self.override_std.setValue(0 if std is None or pd.isna(std) else float(std))
            self.override_note.setText("A manual forecast is in use for this SKU.")
            self.clear_override.setEnabled(True)
        else:
            self.override_rate.setValue(float(row["demand_per_day"]))
            self.override_std.setValue(0)
            self.override_note.setText("The statistical forecast is in use.")
            self.clear_override.setEnabled(False)

    # --- edits ---------------------------------------------------------------------------
    def _save_override(self) -> None:
        from planner.ui.commands import SetForecastOverride

        if self.sku is None:
            return
        std = self.override_std.value() or None
        self.session.undo_stack.push(SetForecastOverride(self.session, self.sku,
                                                         self.override_rate.value(), std))

    def _clear_override(self) -> None:
        from planner.ui.commands import SetForecastOverride

        if self.sku is not None:
            self.session.undo_stack.push(SetForecastOverride(self.session, self.sku, None))

    def _what_if(self) -> None:
        index = self.session.index
        if self.sku is None or index is None:
            return
        lines = index.rows("open_po_lines", self.sku)
        if len(lines):
            self.what_if_requested.emit(str(lines.iloc[0]["po_number"]), self.sku)

    def _po_double_clicked(self, index: Any) -> None:
        if not index.isValid() or self.sku is None:
            return
        row = self.po_model.frame.iloc[self.po_table.model().source_frame_row(index.row())]
        if row.get("status") == "open":
            self.what_if_requested.emit(str(row["po_number"]), self.sku)
