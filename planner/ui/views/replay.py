"""Replay: what following the plan would have done over a past span, against what happened, per
demand class and per SKU, with the selected SKU's stock on a chart (planning.replay)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
from PySide6.QtCore import QDate, QModelIndex, Signal
from PySide6.QtWidgets import QDateEdit, QLabel, QPushButton, QSpinBox, QSplitter, QWidget

from planner.ui import operations
from planner.ui.charts import ChartView, replay_stock_figure
from planner.ui.models import Column, FrameTableModel
from planner.ui.operations import Operation
from planner.ui.views.common import (
    PlanPage,
    fit_columns,
    fit_columns_once,
    make_table,
    note,
    page_header,
)
from planner.ui.workers import Task

#: the replay's default span: half a year before the plan's date
DEFAULT_WEEKS = 26
ALL = "All SKUs"

CLASS_COLUMNS = [
    Column("demand_class", "Demand class"),
    Column("skus", "SKUs", "int"),
    Column("target", "Target", "pct", "The service level the plan aims for (mean)", decimals=1),
    Column("cycle_service_level", "Cycle level\nfollowing plan", "pct",
           "Share of review periods without a stockout day, following the plan", decimals=1),
    Column("actual_cycle_service_level", "Cycle level\nas it was", "pct",
           "The same from the real stock history", decimals=1),
    Column("cycle_service_level_after_lead_time", "Cycle level after\nfirst arrival", "pct",
           "Following the plan, counting only the review periods that start once the first "
           "review's order could be sold (earlier ones no order could help)", decimals=1),
    Column("fill_rate", "Fill rate\nfollowing plan", "pct",
           "Share of demand served from stock on its day", decimals=1),
    Column("stockout_days", "Stockout days\nfollowing plan", "int"),
    Column("actual_stockout_days", "Stockout days\nas it was", "int"),
]

SKU_COLUMNS = [
    Column("sku", "SKU"),
    Column("name", "Name"),
    Column("stockout_days", "Stockout days\nfollowing plan", "int"),
    Column("actual_stockout_days", "Stockout days\nas it was", "int"),
    Column("units_short", "Units short\nfollowing plan", "int"),
    Column("fill_rate", "Fill rate\nfollowing plan", "pct", decimals=1),
    Column("actual_fill_rate", "Fill rate\nas it was", "pct", decimals=1),
    Column("average_stock", "Average stock\nfollowing plan", "float", decimals=0),
    Column("actual_average_stock", "Average stock\nas it was", "float", decimals=0),
    Column("orders_placed", "Orders\nfollowing plan", "int"),
    Column("actual_orders_placed", "Orders\nas it was", "int"),
    Column("order_value", "Order value\nfollowing plan", "money"),
]


def sku_rows(result: Any) -> pd.DataFrame:
    """The per-SKU table: the replay's figures beside the real ones, most stockout days first."""
    actual = result.actual_skus.drop(columns=["name", "supplier"]).set_index("sku")
    rows = result.skus.join(actual.add_prefix("actual_"), on="sku")
    return rows.sort_values("stockout_days", ascending=False, kind="stable").reset_index(
        drop=True)


def class_rows(rows: pd.DataFrame, classes: pd.DataFrame | None) -> pd.DataFrame:
    """Per demand class (as the current plan classes the SKUs) and for all SKUs."""
    known = classes if classes is not None else pd.DataFrame(
        {"demand_class": pd.Series(dtype=object), "service_level": pd.Series(dtype=float)})
    frame = rows.join(known[["demand_class", "service_level"]], on="sku")
    frame["demand_class"] = frame["demand_class"].fillna("")
    parts = [(klass, part) for klass, part in frame.groupby("demand_class", sort=True)]
    parts.append((ALL, frame))
    out = []
    for klass, part in parts:
        demand = float(part["demand_units"].sum())
        out.append({
            "demand_class": klass, "skus": len(part), "target": part["service_level"].mean(),
            "cycle_service_level": part["cycle_service_level"].mean(),
            "actual_cycle_service_level": part["actual_cycle_service_level"].mean(),
            "cycle_service_level_after_lead_time":
                part["cycle_service_level_after_lead_time"].mean(),
            "fill_rate": 1 - float(part["units_short"].sum()) / demand if demand else None,
            "stockout_days": part["stockout_days"].sum(),
            "actual_stockout_days": part["actual_stockout_days"].sum()})
    return pd.DataFrame(out)


class ReplayView(PlanPage):
    """Replay the plan over a span ending on the plan's date; Run starts it in the background."""

    sku_requested = Signal(str)
    #: emitted when a result is on screen
    computed = Signal()

    def __init__(self, session: Any, parent: QWidget | None = None) -> None:
        super().__init__(session, parent)
        layout, top, self.count = page_header(self, "Replay")
        top.addWidget(QLabel("From"))
        self.start = QDateEdit()
        self.start.setObjectName("replay_from")
        self.start.setCalendarPopup(True)
        self.start.setDisplayFormat("yyyy-MM-dd")
        self.start.setToolTip("The first review date; the replay runs to the plan's date")
        top.addWidget(self.start)
        top.addWidget(QLabel("Review every"))
        self.every = QSpinBox()
        self.every.setObjectName("replay_every")
        self.every.setRange(1, 91)
        self.every.setValue(7)
        self.every.setSuffix(" days")
        top.addWidget(self.every)
        self.run_button = QPushButton("Replay")
        self.run_button.setObjectName("replay_run")
        self.run_button.setToolTip("Plan at each review date with only what was known then, "
                                   "place its orders and let the real sales draw stock down")
        self.run_button.clicked.connect(self.run)
        top.addWidget(self.run_button)
        layout.addLayout(top)
        self.summary = note("Choose a start date and press Replay: what following the plan "
                            "would have done since, against what happened.")
        self.summary.setObjectName("replay_summary")
        layout.addWidget(self.summary)
        self.notes = note("")
        self.notes.setObjectName("replay_notes")
        layout.addWidget(self.notes)

        self.class_model = FrameTableModel(CLASS_COLUMNS, self)
        self.class_table, _ = make_table(self.class_model, parent=self, sortable=False)
        self.class_table.setObjectName("replay_classes")
        self.class_table.setEditTriggers(self.class_table.EditTrigger.NoEditTriggers)
        rows_high = self.class_table.verticalHeader().defaultSectionSize()
        self.class_table.setFixedHeight(rows_high * 9 + 8)
        layout.addWidget(self.class_table)

        splitter = QSplitter()
        self.sku_model = FrameTableModel(SKU_COLUMNS, self)
        self.sku_table, self.sku_proxy = make_table(self.sku_model, parent=self)
        self.sku_table.setObjectName("replay_skus")
        self.sku_table.setEditTriggers(self.sku_table.EditTrigger.NoEditTriggers)
        splitter.addWidget(self.sku_table)
        self.chart = ChartView(min_height=240)
        self.chart.setMinimumWidth(360)
        splitter.addWidget(self.chart)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout.addWidget(splitter, 1)

        self.result: Any = None
        self.task: Task | None = None
        self._generation = 0
        self.sku_table.doubleClicked.connect(self._open)
        self.sku_table.activated.connect(self._open)
        self.sku_table.selectionModel().currentRowChanged.connect(lambda *_: self._show_chart())

    def show_plan(self, plan: Any) -> None:
        """Offer the span ending on the plan's date (nothing runs until Replay is pressed)."""
        if plan is None:
            return
        if self.result is None and self.task is None:
            first = plan.as_of - dt.timedelta(weeks=DEFAULT_WEEKS)
            self.start.setDate(QDate(first.year, first.month, first.day))
            self.every.setValue(max(int(plan.settings.get("review_period_days", 7) or 7), 1))

    def span(self) -> tuple[dt.date, dt.date, int]:
        """The chosen first review date, the plan's date and the days between reviews."""
        chosen = self.start.date()
        start = dt.date(chosen.year(), chosen.month(), chosen.day())
        return start, self.session.plan.as_of, int(self.every.value())

    def run(self) -> None:
        """Replay in the background (the status bar shows progress and Cancel)."""
        session = self.session
        if session.path is None or session.plan is None:
            return
        start, end, every = self.span()
        if end <= start:
            self.summary.setText(f"Choose a start before the plan's date ({end.isoformat()}).")
            return
        if self.task is not None:
            self.task.cancel()
        self.result = None
        self._generation += 1
        generation = self._generation
        path = session.path
        self.summary.setText(f"Replaying the plan from {start.isoformat()} to "
                             f"{end.isoformat()}, a review every {every} days…")

        def done(result: Any) -> None:
            if generation == self._generation:
                self.task = None
                self.show_result(result)

        def cancelled() -> None:
            if generation == self._generation:
                self.task = None
                self.summary.setText("Cancelled. Press Replay to run it again.")

        def failed(exc: BaseException, details: str) -> None:
            if generation == self._generation:
                self.task = None
                self.summary.setText(f"The replay could not run: {exc}")

        self.task = session.tasks.run(Operation(
            title="Replaying the plan", progress="status", on_success=done,
            on_cancel=cancelled, on_failure=failed,
            work=lambda progress: operations.replay_span(path, start, end, every, progress)))

    def show_result(self, result: Any) -> None:
        """Fill the page from a planning.replay result."""
        self.result = result
        self.summary.setText(result.summary[:1].upper() + result.summary[1:] + ".")
        self.notes.setText(" ".join([result.settings_note, *result.notes]))
        rows = sku_rows(result)
        plan = self.session.plan
        classes = (plan.skus.set_index("sku")[["demand_class", "service_level"]]
                   if plan is not None and "demand_class" in plan.skus else None)
        self.class_model.set_frame(class_rows(rows, classes))
        self.sku_model.set_frame(rows)
        self.count.setText(f"{len(rows):,} SKUs, {len(result.review_dates)} reviews")
        fit_columns(self.class_table, max_width=200)
        fit_columns_once(self.sku_table, rows=len(rows), max_width=220)
        if self.sku_model.rowCount():
            self.sku_table.selectRow(0)
        self._show_chart()
        self.computed.emit()

    def selected_sku(self) -> str | None:
        index = self.sku_table.selectionModel().currentIndex()
        if not index.isValid() or not self.sku_model.rowCount():
            return None
        row = self.sku_proxy.source_frame_row(index.row())
        return str(self.sku_model.frame.at[row, "sku"])

    def _show_chart(self) -> None:
        sku = self.selected_sku()
        result = self.result
        if result is None or sku is None:
            return
        simulated, actual = result.stock.loc[sku], result.actual_stock.loc[sku]
        orders = result.orders[result.orders["sku"] == sku]
        self.chart.show_chart(lambda: replay_stock_figure(sku=sku, simulated=simulated,
                                                          actual=actual, orders=orders))

    def _open(self, index: QModelIndex) -> None:
        if index.isValid():
            row = self.sku_proxy.source_frame_row(index.row())
            self.sku_requested.emit(str(self.sku_model.frame.at[row, "sku"]))
