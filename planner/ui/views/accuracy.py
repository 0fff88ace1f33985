"""Forecast accuracy: the forecast made N weeks ago against what sold since, per demand class
and per SKU, with the selected SKU's weeks on a chart (planning.forecast_accuracy)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from PySide6.QtCore import QModelIndex, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSpinBox, QSplitter, QWidget

from planner.planning import ACCURACY_OVERALL as OVERALL
from planner.ui import operations
from planner.ui.charts import ChartView, forecast_vs_actual_figure
from planner.ui.models import Column, FrameTableModel
from planner.ui.operations import Operation
from planner.ui.views.common import (
    DANGER,
    WARNING,
    PlanPage,
    fit_columns,
    fit_columns_once,
    make_table,
    note,
    page_header,
)
from planner.ui.workers import Task

CLASS_NAMES = {"smooth": "Smooth", "erratic": "Erratic", "intermittent": "Intermittent",
               "lumpy": "Lumpy", "new": "New", "dead": "Dead",
               "made_to_order": "Made to order", OVERALL: "All SKUs"}

CLASS_COLUMNS = [
    Column("class_label", "Demand class"),
    Column("skus", "SKUs", "int"),
    Column("forecast_units", "Forecast\nunits", "int"),
    Column("actual_units", "Sold\nunits", "int"),
    Column("wape", "WAPE", "float",
           "Weekly errors: Σ |forecast − sold| over the weeks and SKUs ÷ Σ sold (0 is perfect)",
           decimals=2),
    Column("wape_total", "WAPE of\ntotals", "float",
           "On each SKU's total over the weeks (a SKU's over- and under-shoots offset)",
           decimals=2),
    Column("wape_lead", "WAPE of lead-\ntime totals", "float",
           "On each SKU's total over its lead time + review period (what safety stock covers)",
           decimals=2),
    Column("mase", "MASE", "float",
           "Σ |weekly error| ÷ Σ (weeks × the SKU's usual week-to-week change before): below 1 "
           "beats repeating last week's sales", decimals=2),
    Column("bias", "Bias", "pct",
           "(forecast − sold) ÷ sold: negative means the forecast was low", decimals=1),
]

SKU_COLUMNS = [
    Column("sku", "SKU"),
    Column("name", "Name"),
    Column("class_label", "Demand class"),
    Column("forecast_model", "Forecast model", tooltip="The model the forecast used then"),
    Column("forecast_units", "Forecast\nunits", "float", decimals=0),
    Column("actual_units", "Sold\nunits", "int"),
    Column("abs_error", "Absolute\nerror", "float", "Σ |forecast − sold| over the weeks",
           decimals=0),
    Column("wape", "WAPE", "float", "Σ |weekly error| ÷ units sold (blank: nothing sold)",
           decimals=2),
    Column("bias", "Bias", "pct", "(forecast − sold) ÷ sold", decimals=1),
    Column("mase", "MASE", "float",
           "Mean |weekly error| ÷ its usual week-to-week change before (blank: it never changed)",
           decimals=2),
]


def class_rows(classes: pd.DataFrame) -> pd.DataFrame:
    """The class table as shown: readable class names, bias as a fraction."""
    return classes.assign(
        class_label=classes["demand_class"].map(CLASS_NAMES).fillna(classes["demand_class"]),
        bias=classes["bias_pct"] / 100.0)


def sku_rows(skus: pd.DataFrame, names: pd.Series | None) -> pd.DataFrame:
    """The per-SKU table as shown: the largest absolute error first."""
    rows = skus.assign(
        class_label=skus["demand_class"].map(CLASS_NAMES).fillna(skus["demand_class"]),
        bias=skus["bias_pct"] / 100.0,
        name=(skus["sku"].map(names).fillna("") if names is not None else ""))
    return rows.sort_values("abs_error", ascending=False, kind="stable").reset_index(drop=True)


def summary_text(result: Any) -> str:
    """One sentence for the page's head: the whole catalog's scores and the window."""
    overall = result.classes.set_index("demand_class").loc[OVERALL]
    bias = overall["bias_pct"]
    direction = "low" if bias < 0 else "high"
    return (f"Forecast made as of {result.origin.isoformat()} for the {result.weeks} weeks to "
            f"{result.as_of.isoformat()}, against what sold: WAPE {overall['wape']:.2f}, "
            f"MASE {overall['mase']:.2f}, {abs(bias):.1f} % {direction} overall, "
            f"{int(overall['skus']):,} SKUs.")


class AccuracyView(PlanPage):
    """Backtest scores per demand class and per SKU; double-click (or Enter) opens a SKU."""

    sku_requested = Signal(str)
    #: emitted when a result (or the empty state) is on screen
    computed = Signal()

    def __init__(self, session: Any, parent: QWidget | None = None) -> None:
        super().__init__(session, parent)
        layout, top, self.count = page_header(self, "Forecast accuracy")
        top.addWidget(QLabel("Weeks held out"))
        self.weeks = QSpinBox()
        self.weeks.setObjectName("accuracy_weeks")
        self.weeks.setRange(1, 52)
        self.weeks.setValue(13)
        self.weeks.setSuffix(" weeks")
        self.weeks.setKeyboardTracking(False)
        self.weeks.setToolTip("Forecast as of this many weeks before the plan's date, from the "
                              "history up to then, and compare with what sold since")
        self.weeks.valueChanged.connect(lambda _v: self.recompute())
        top.addWidget(self.weeks)
        layout.addLayout(top)
        self.summary = note("Nothing scored yet: open a workspace with sales history.")
        self.summary.setObjectName("accuracy_summary")
        layout.addWidget(self.summary)
        self.empty_state = note("")
        self.empty_state.setObjectName("accuracy_empty")
        self.empty_state.setVisible(False)
        layout.addWidget(self.empty_state)

        self.class_model = FrameTableModel(CLASS_COLUMNS, self)
        self.class_table, _ = make_table(self.class_model, parent=self, sortable=False)
        self.class_table.setObjectName("accuracy_classes")
        self.class_table.setEditTriggers(self.class_table.EditTrigger.NoEditTriggers)
        self.class_table.setToolTip("Select a class to list its SKUs below")
        self.class_model.foreground = self._bias_colour(self.class_model)
        self.class_table.horizontalHeader().setStretchLastSection(False)
        rows_high = self.class_table.verticalHeader().defaultSectionSize()
        self.class_table.setFixedHeight(rows_high * 10 + 8)
        layout.addWidget(self.class_table)

        splitter = QSplitter()
        self.sku_model = FrameTableModel(SKU_COLUMNS, self)
        self.sku_model.foreground = self._bias_colour(self.sku_model)
        self.sku_table, self.sku_proxy = make_table(self.sku_model, parent=self)
        self.sku_table.setObjectName("accuracy_skus")
        self.sku_table.setEditTriggers(self.sku_table.EditTrigger.NoEditTriggers)
        splitter.addWidget(self.sku_table)
        self.chart = ChartView(min_height=240)
        self.chart.setMinimumWidth(360)
        splitter.addWidget(self.chart)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([760, 480])
        layout.addWidget(splitter, 1)
        row = QHBoxLayout()
        self.explain = note(
            "Each SKU's forecast is the one the plan would have made on the earlier date "
            "(without manual forecasts), from the sales up to then; SKUs that had not sold "
            "by then are left out.")
        row.addWidget(self.explain)
        layout.addLayout(row)

        self.result: Any = None
        self.task: Task | None = None
        self._key: tuple[Any, ...] | None = None
        self._scored_plan: Any = None  # the plan the result (or the running task) belongs to
        self._generation = 0  # a late outcome of an earlier request is dropped
        self.sku_table.doubleClicked.connect(self._open)
        self.sku_table.activated.connect(self._open)
        self.sku_table.selectionModel().currentRowChanged.connect(lambda *_: self._show_chart())
        self.class_table.selectionModel().currentRowChanged.connect(
            lambda *_: self._filter_class())

    # --- computing ---------------------------------------------------------------------------
    def show_plan(self, plan: Any) -> None:
        self.recompute()

    def recompute(self) -> None:
        """Score the forecast for the session's workspace, as-of and the weeks chosen (in the
        background; the status bar shows progress and Cancel)."""
        session = self.session
        if session.path is None or session.plan is None:
            return
        plan = session.plan
        weeks, as_of = int(self.weeks.value()), plan.as_of
        key = (str(session.path), as_of, weeks)
        if (key == self._key and plan is self._scored_plan
                and (self.result is not None or self.task is not None)):
            return
        if self.task is not None:
            self.task.cancel()
        self._key, self._scored_plan, self.result = key, plan, None
        self._generation += 1
        generation = self._generation
        path, data = session.path, session.data
        self.summary.setText(f"Scoring the forecast made {weeks} weeks before "
                             f"{as_of.isoformat()}…")

        def done(result: Any) -> None:
            if generation == self._generation:
                self.task = None
                self.show_result(result)

        def cancelled() -> None:
            if generation == self._generation:
                self.task, self._key = None, None
                self.summary.setText("Cancelled. Change the weeks or replan to score again.")

        def failed(exc: BaseException, details: str) -> None:
            if generation == self._generation:
                self.task, self._key = None, None
                self.summary.setText(f"The forecast could not be scored: {exc}")

        self.task = session.tasks.run(Operation(
            title="Scoring the forecast", progress="status", on_success=done,
            on_cancel=cancelled, on_failure=failed,
            work=lambda progress: operations.compute_accuracy(path, as_of, weeks, progress,
                                                              data)))

    def show_result(self, result: Any) -> None:
        """Fill the page from a planning.forecast_accuracy result."""
        self.result = result
        empty = result.empty
        self.empty_state.setVisible(empty)
        for widget in (self.class_table, self.sku_table, self.chart):
            widget.setVisible(not empty)
        if empty:
            self.empty_state.setText(result.empty_reason)
            self.summary.setText("")
            self.count.setText("")
            self.class_model.set_frame(class_rows(result.classes))
            self.sku_model.set_frame(sku_rows(result.skus, None))
            self.computed.emit()
            return
        plan = self.session.plan
        names = (plan.skus.set_index("sku")["name"] if plan is not None and "name" in plan.skus
                 else None)
        self.summary.setText(summary_text(result))
        self.class_model.set_frame(class_rows(result.classes))
        self.sku_proxy.set_filter(None)
        self.sku_model.set_frame(sku_rows(result.skus, names))
        self.count.setText(f"{len(result.skus):,} SKUs")
        fit_columns(self.class_table, max_width=200)
        fit_columns_once(self.sku_table, rows=len(result.skus), max_width=220)
        if self.sku_model.rowCount():
            self.sku_table.selectRow(0)
        self._show_chart()
        self.computed.emit()

    def current_result(self) -> Any:
        """The latest result if it was scored on the session's current plan, else None."""
        plan = self.session.plan
        if self.result is None or plan is None or self.task is not None:
            return None
        return self.result if plan is self._scored_plan else None

    # --- interaction ---------------------------------------------------------------------
    def selected_sku(self) -> str | None:
        index = self.sku_table.selectionModel().currentIndex()
        if not index.isValid() or not self.sku_model.rowCount():
            return None
        row = self.sku_proxy.source_frame_row(index.row())
        return str(self.sku_model.frame.at[row, "sku"])

    def _show_chart(self) -> None:
        sku = self.selected_sku()
        if self.result is None or sku is None:
            return
        weekly = self.result.weekly[self.result.weekly["sku"] == sku]
        model = self.result.skus.loc[self.result.skus["sku"] == sku, "forecast_model"]
        label = str(model.iloc[0]) if len(model) else ""
        self.chart.show_chart(lambda: forecast_vs_actual_figure(sku=sku, weekly=weekly,
                                                                model=label))

    def _filter_class(self) -> None:
        index = self.class_table.selectionModel().currentIndex()
        if not index.isValid():
            return
        klass = str(self.class_model.frame.at[
            self.class_table.model().source_frame_row(index.row()), "demand_class"])
        if klass == OVERALL:
            self.sku_proxy.set_filter(None)
        else:
            self.sku_proxy.set_filter(lambda frame: (frame["demand_class"] == klass).to_numpy())
        self.count.setText(f"{self.sku_model.rowCount():,} SKUs")

    def _open(self, index: QModelIndex) -> None:
        if index.isValid():
            row = self.sku_proxy.source_frame_row(index.row())
            self.sku_requested.emit(str(self.sku_model.frame.at[row, "sku"]))

    @staticmethod
    def _bias_colour(model: FrameTableModel) -> Any:
        def colour(row: int, key: str) -> Any:
            if key != "bias":
                return None
            value = model.frame.at[row, "bias"]
            if not np.isfinite(value):
                return None
            return DANGER if value <= -0.2 else WARNING if value >= 0.2 else None
        return colour
