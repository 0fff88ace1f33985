"""Dashboard: the plan's KPIs as tiles, the backorder book, PO arrivals and value at risk."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from planner.formatting import format_money, format_quantity, format_total
from planner.ui.charts import ChartView, po_arrivals_figure, value_at_risk_figure
from planner.ui.views.abc_xyz import AbcXyzMatrix
from planner.ui.views.common import KpiTile, PlanPage, heading, note
from planner.ui.views.first_run import FirstRunChecklist

#: tile id, label, tooltip, page opened on click
TILES = [
    ("backorder_book", "Backorder book", "Open customer order lines not yet shipped", "backorders"),
    ("value_at_risk", "Value at risk",
     "Expected revenue lost to cancellations while customers wait",
     "backorders"),
    ("uncovered", "Uncovered lines", "Backorder lines no known supply covers", "backorders"),
    ("late", "Late lines", "Backorder lines projected to ship after their promised date",
     "backorders"),
    ("below_rop", "Below reorder point", "SKUs whose inventory position is at or below the "
     "reorder point", "products"),
    ("stockouts", "Stockouts within 30 days", "SKUs projected to run out within 30 days",
     "products"),
    ("inventory_value", "Inventory value", "On hand and on hold at unit cost", "products"),
    ("suggested", "POs to order now", "Suggested purchase orders due now (ordered at this "
     "review, at most one per supplier: what Approve all due now approves); the later ones "
     "are on the Purchase plan page",
     "purchase_plan"),
]

#: tile id -> the filter its page opens with (the page's show_filtered names it); others show all
TILE_FILTERS = {
    "value_at_risk": "at_risk", "uncovered": "uncovered", "late": "late",
    "below_rop": "below_rop", "stockouts": "stockout_30_days",
}
#: what an empty workspace shows in place of each chart
EMPTY_CHARTS = {
    "book_chart": "The backorder book appears here once backorders (or Shopify orders) are "
                  "imported.",
    "arrivals_chart": "PO arrivals appear here once purchase orders are imported.",
    "risk_chart": "SKUs with value at risk appear here once backorders are imported.",
}


class DashboardView(PlanPage):
    """KPI tiles and three charts; an empty workspace gets a way in (demo or import)."""

    sku_requested = Signal(str)
    page_requested = Signal(str)
    #: a tile was clicked: open this page showing this filter (TILE_FILTERS)
    list_requested = Signal(str, str)
    demo_requested = Signal()

    def __init__(self, session: Any, parent: QWidget | None = None) -> None:
        super().__init__(session, parent)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        outer.addWidget(scroll)
        body = QWidget()
        scroll.setWidget(body)
        layout = QVBoxLayout(body)
        layout.setContentsMargins(16, 12, 16, 12)
        self.title = heading("Dashboard")
        self.subtitle = note("")
        layout.addWidget(self.title)
        layout.addWidget(self.subtitle)

        self.empty = FirstRunChecklist()
        self.empty.demo_requested.connect(self.demo_requested.emit)
        self.empty.import_requested.connect(lambda: self.page_requested.emit("import"))
        layout.addWidget(self.empty)

        grid = QGridLayout()
        grid.setSpacing(10)
        self.tiles: dict[str, KpiTile] = {}
        for i, (tile_id, label, tip, page) in enumerate(TILES):
            tile = KpiTile(label, tip)
            tile.setCursor(Qt.CursorShape.PointingHandCursor)
            tile.mousePressEvent = (  # type: ignore[method-assign]
                lambda _e, p=page, t=tile_id: self.list_requested.emit(p, TILE_FILTERS.get(t, "")))
            self.tiles[tile_id] = tile
            grid.addWidget(tile, i // 4, i % 4)
        layout.addLayout(grid)

        self.book_chart = ChartView(min_height=200)
        layout.addWidget(self.book_chart, 3)
        row = QHBoxLayout()
        self.arrivals_chart = ChartView(min_height=190)
        self.risk_chart = ChartView(min_height=190)
        row.addWidget(self.arrivals_chart, 1)
        row.addWidget(self.risk_chart, 1)
        layout.addLayout(row, 2)
        self.risk_chart.setToolTip("Click a bar to open the SKU")
        self.risk_chart.clicked.connect(self._on_risk_click)
        self.abc_xyz = AbcXyzMatrix()  # issue 14: SKUs and value per ABC / XYZ class
        layout.addWidget(self.abc_xyz)

        session.workspace_opened.connect(lambda _p: self._show_empty_state())
        session.data_changed.connect(self._show_empty_state)
        self._show_empty_state()

    def _show_empty_state(self) -> None:
        empty = self.session.db is not None and self.session.is_empty()
        self.empty.setVisible(empty)
        if self.session.plan is None:  # no plan (yet) for this workspace: no numbers from another
            for tile in self.tiles.values():
                tile.set_value("—")
        if empty or self.session.db is None:
            for chart, text in EMPTY_CHARTS.items():
                getattr(self, chart).show_message(
                    text if self.session.db is not None else "Open a workspace to see this chart.")
        if self.session.db is None:
            self.subtitle.setText("Open a workspace (File ▸ Open) or the demo workspace to start.")
        elif empty:
            self.subtitle.setText("This workspace is empty. Import your products, sales, stock and "
                                  "purchase orders, or fill it with a demo business to try things.")

    def show_plan(self, plan: Any) -> None:
        """Fill the tiles and charts from a new plan."""
        k = plan.kpis
        currency = str(plan.settings.get("currency", "USD"))
        self.subtitle.setText(f"Plan as of {plan.as_of.isoformat()} · {k.get('active_skus', 0)} "
                              "active SKUs · oldest backorder "
                              f"{k.get('oldest_backorder_days', 0)} days")
        t = self.tiles
        t["backorder_book"].set_value(
            f"{format_quantity(k['backorder_units'])} units",
            f"{format_money(k['backorder_value'], currency)} in "
            f"{k.get('backorder_lines', 0)} lines")
        t["value_at_risk"].set_value(format_money(k["backorder_value_at_risk"], currency),
                                     "expected cancellations at the projected ship dates",
                                     alarm=k["backorder_value_at_risk"] > 0)
        t["uncovered"].set_value(format_quantity(k["uncovered_backorder_lines"]),
                                 "no PO or stock covers them",
                                 alarm=k["uncovered_backorder_lines"] > 0)
        t["late"].set_value(format_quantity(k["late_backorder_lines"]),
                            f"{k.get('notice_due_lines', 0)} delay notices due",
                            alarm=k["late_backorder_lines"] > 0)
        t["below_rop"].set_value(format_quantity(k["skus_below_reorder_point"]), "SKUs")
        t["stockouts"].set_value(format_quantity(k["stockouts_within_30_days"]), "SKUs",
                                 alarm=k["stockouts_within_30_days"] > 0)
        # money without an exchange rate is unknown: said so, never added in as 0 (issue 23)
        codes = k.get("currencies_without_rate", [])
        t["inventory_value"].set_value(
            format_total(k["inventory_value"], currency, noun="SKU", unknown_currencies=codes,
                         unknown_count=k.get("inventory_skus_without_rate", 0)),
            format_total(k.get("on_order_value", 0), currency, unknown_currencies=codes,
                         unknown_count=k.get("on_order_pos_without_rate", 0)) + " on order")
        due = [s for s in plan.purchase_suggestions if s.get("order_now")]
        now_value = k.get("to_order_now_value", sum(s.get("total_value") or 0 for s in due))
        no_rate = [s for s in due if s.get("total_value") is None]
        now_text = format_total(now_value, currency, unknown_count=len(no_rate), noun="order",
                                unknown_currencies=[s.get("currency") for s in no_rate])
        t["suggested"].set_value(format_quantity(len(due)),
                                 f"{now_text} to order now · "
                                 f"{len(plan.purchase_suggestions) - len(due)} planned later")
        self.abc_xyz.show_plan(plan)
        self._draw_charts(plan, currency)

    def _draw_charts(self, plan: Any, currency: str) -> None:
        from planner.reports.charts import backorder_book_figure

        self.book_chart.show_chart(lambda: backorder_book_figure(
            plan.book, currency=currency, figsize=(9.0, 2.6), fontsize=8))
        arrivals = plan.open_po_lines.copy()
        by_sku = plan.skus.set_index("sku")
        arrivals["unit_cost"] = arrivals["sku"].map(by_sku["unit_cost"])
        if "currency" in by_sku:
            arrivals["currency"] = arrivals["sku"].map(by_sku["currency"])
        self.arrivals_chart.show_chart(lambda: po_arrivals_figure(arrivals, as_of=plan.as_of,
                                                                  currency=currency))
        self.risk_chart.show_chart(lambda: value_at_risk_figure(plan.backorder_lines,
                                                                currency=currency))

    def _on_risk_click(self, axes: int, _x: float, y: float) -> None:
        figure = self.risk_chart.figure
        if figure is None:
            return
        labels = [t.get_text() for t in figure.axes[axes].get_yticklabels()]
        row = int(round(y))
        if 0 <= row < len(labels) and labels[row]:
            self.sku_requested.emit(labels[row].replace("\\$", "$"))
