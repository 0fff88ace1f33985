"""Charts in the app: matplotlib figures, drawn with Agg on a background thread.

The figure builders are shared with the PDF report (``planner.reports.charts``): the app never
draws a chart the report also draws. The builders below are the app-only charts; they use the
report's colours and axis style so both look alike. ``ChartView`` builds and rasterises a figure
off the GUI thread (FigureCanvasQTAgg draws on the GUI thread: 0.2-0.6 s per chart here, which
froze the window on every replan), recoloured to the platform palette (dark mode), and shows
the image; clicks are mapped back to data coordinates through the figure's transforms.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import matplotlib
import numpy as np
import pandas as pd
import shiboken6
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.text import Text
from matplotlib.ticker import FuncFormatter
from PySide6.QtCore import QEvent, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QImage, QMouseEvent, QPainter, QPaintEvent, QPalette, QResizeEvent
from PySide6.QtWidgets import QApplication, QSizePolicy, QWidget

from planner.formatting import format_amount
from planner.reports import charts as shared
from planner.ui.operations import Operation
from planner.ui.workers import TaskManager

matplotlib.rcParams["svg.fonttype"] = "none"


def _axes(figure: Figure, fontsize: float):
    ax = figure.add_subplot()
    shared._style_axes(ax, fontsize=fontsize)
    return ax


def _title(ax, text: str, fontsize: float) -> None:
    ax.set_title(shared.literal(text), loc="left",
                 **shared._text(fontsize + 1, fontweight="bold"))


def _money_axis(axis, currency: str) -> None:
    axis.set_major_formatter(FuncFormatter(lambda v, _p: format_amount(v, currency).split(".")[0]))


def _empty(ax, message: str, fontsize: float) -> None:
    ax.text(0.5, 0.5, message, transform=ax.transAxes, ha="center", va="center",
            **shared._text(fontsize, color=shared.MUTED))
    ax.set_xticks([])
    ax.set_yticks([])


def po_arrivals_figure(open_po_lines: pd.DataFrame, *, as_of: Any, currency: str = "USD",
                       weeks: int = 13, figsize: tuple[float, float] = (5.0, 2.6),
                       fontsize: float = 7.5) -> Figure:
    """Value (quantity x unit_cost) of open PO lines becoming sellable per week over the next
    ``weeks`` weeks; overdue lines, assumed to arrive now, are stacked in red."""
    figure = shared._new_figure(figsize)
    ax = _axes(figure, fontsize)
    _title(ax, f"Upcoming PO arrivals (next {weeks} weeks)", fontsize)
    start = pd.Timestamp(as_of).normalize()
    week0 = start - pd.Timedelta(days=start.weekday())
    buckets = pd.date_range(week0, periods=weeks, freq="7D")
    if open_po_lines is None or open_po_lines.empty:
        _empty(ax, "no open purchase orders", fontsize)
        return figure
    lines = open_po_lines.copy()
    when = pd.to_datetime(lines["date"]).dt.normalize()
    lines["week"] = when - pd.to_timedelta(when.dt.day_of_week, unit="D")
    cost = (pd.to_numeric(lines["unit_cost"], errors="coerce")
            if "unit_cost" in lines else pd.Series(0.0, index=lines.index))
    # a line whose supplier's currency has no rate has no value here: said so, never drawn as 0
    unknown = cost.isna()
    lines = lines[cost.notna()].copy()
    lines["value"] = pd.to_numeric(lines["quantity"], errors="coerce").fillna(0) * cost
    if unknown.any():
        codes = sorted(set(open_po_lines.loc[unknown, "currency"].astype(str))) \
            if "currency" in open_po_lines else []
        pos = open_po_lines.loc[unknown, "po_number"].nunique() \
            if "po_number" in open_po_lines else int(unknown.sum())
        what = (f"{pos} PO{'' if pos == 1 else 's'} in {', '.join(codes) or 'a currency'} "
                f"without a rate to {currency}: not shown")
        if lines.empty:
            _empty(ax, what, fontsize)
            return figure
        ax.text(0.0, -0.28, what, transform=ax.transAxes,
                **shared._text(fontsize, color=shared.MUTED))
    weekly = lines.groupby("week")["value"].sum().reindex(buckets, fill_value=0.0)
    overdue = lines.get("overdue", pd.Series(False, index=lines.index)).fillna(False).astype(bool)
    late = lines[overdue].groupby("week")["value"].sum().reindex(buckets, fill_value=0.0)
    ax.bar(buckets, weekly.to_numpy() - late.to_numpy(), width=5, color=shared.RECEIPT,
           label="on time", align="edge")
    ax.bar(buckets, late.to_numpy(), width=5, bottom=weekly.to_numpy() - late.to_numpy(),
           color=shared.SAFETY, label="overdue (assumed now)", align="edge")
    _money_axis(ax.yaxis, currency)
    ax.set_ylabel(f"value ({shared.literal(currency)})", **shared._text(fontsize))
    if late.sum() > 0:
        ax.legend(loc="upper right", frameon=False, prop={"size": fontsize})
    return figure


def value_at_risk_figure(backorder_lines: pd.DataFrame, *, currency: str = "USD", top: int = 10,
                         figsize: tuple[float, float] = (5.0, 2.6),
                         fontsize: float = 7.5) -> Figure:
    """The SKUs with the most backorder value at risk of cancellation."""
    figure = shared._new_figure(figsize)
    ax = figure.add_subplot()
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.tick_params(colors=shared.MUTED, labelsize=fontsize, length=2)
    ax.grid(True, axis="x", color=shared.GRID, linewidth=0.6)
    ax.set_axisbelow(True)
    _title(ax, f"Top {top} SKUs by value at risk", fontsize)
    if backorder_lines is None or backorder_lines.empty:
        _empty(ax, "no open backorders", fontsize)
        return figure
    by_sku = (backorder_lines.groupby("sku")["value_at_risk"].sum()
              .sort_values(ascending=False).head(top))
    by_sku = by_sku[by_sku > 0]
    if by_sku.empty:
        _empty(ax, "nothing at risk", fontsize)
        return figure
    backordered = backorder_lines["sku"].nunique()
    if len(by_sku) < top:  # say why the list is short
        why = (f"only {backordered} SKUs are backordered" if len(by_sku) == backordered
               else f"{len(by_sku)} of {backordered} backordered SKUs have any")
        _title(ax, f"SKUs by value at risk ({why})", fontsize)
    labels = [shared.literal(s) for s in by_sku.index[::-1]]
    ax.barh(labels, by_sku.to_numpy()[::-1], color=shared.VALUE)
    _money_axis(ax.xaxis, currency)
    ax.set_xlabel(f"value at risk ({shared.literal(currency)})", **shared._text(fontsize))
    return figure


def sku_detail_figure(*, sku: str, history_weekly: pd.DataFrame, forecast_weekly: pd.DataFrame,
                      projected_on_hand: pd.Series | None, projected_backorders: pd.Series | None,
                      receipts: pd.DataFrame | None, safety_stock: float | None,
                      reorder_point: float | None, as_of: Any, history_weeks: int = 52,
                      figsize: tuple[float, float] = (9.0, 4.2), fontsize: float = 8.0) -> Figure:
    """One SKU: weekly history and forecast (80% band) on top; projected stock, PO receipts,
    safety stock, reorder point and projected backorders below, on the same dates."""
    figure = shared._new_figure(figsize)
    demand_ax, stock_ax = figure.subplots(2, 1, sharex=True, height_ratios=[1, 1.15])
    for ax in (demand_ax, stock_ax):
        shared._style_axes(ax, fontsize=fontsize)
    as_of_ts = pd.Timestamp(as_of).normalize()
    first = as_of_ts - pd.Timedelta(weeks=history_weeks)
    history = history_weekly[pd.to_datetime(history_weekly["week_start"]) >= first]
    demand_ax.step(pd.to_datetime(history["week_start"]), history["quantity"].astype(float),
                   where="post", color=shared.MUTED, linewidth=1.1, label="sold per week")
    if len(forecast_weekly):
        weeks = pd.to_datetime(forecast_weekly["week_start"])
        demand_ax.fill_between(weeks, forecast_weekly["lower"].astype(float),
                               forecast_weekly["upper"].astype(float), step="post",
                               color=shared.EXISTING, alpha=0.18, linewidth=0, label="80% range")
        demand_ax.step(weeks, forecast_weekly["forecast"].astype(float), where="post",
                       color=shared.EXISTING, linewidth=1.4, label="forecast")
    demand_ax.axvline(as_of_ts, color=shared.MUTED, linewidth=0.8, linestyle=":")
    demand_ax.set_ylabel("units / week", **shared._text(fontsize))
    peaks = [history["quantity"].max() if len(history) else 0,
             forecast_weekly["upper"].max() if len(forecast_weekly) else 0]
    demand_ax.set_ylim(0, max(float(np.nanmax(peaks)), 1.0) * 1.3)
    demand_ax.legend(loc="upper left", frameon=False, ncols=3, prop={"size": fontsize - 0.5})

    if projected_on_hand is not None and len(projected_on_hand):
        dates = pd.to_datetime(projected_on_hand.index)
        stock_ax.step(dates, projected_on_hand.to_numpy(float), where="post", color=shared.STOCK,
                      linewidth=1.4, label="projected stock")
        if projected_backorders is not None and projected_backorders.to_numpy(float).any():
            stock_ax.fill_between(dates, 0, -projected_backorders.to_numpy(float), step="post",
                                  color=shared.NEW, alpha=0.55, linewidth=0,
                                  label="projected new backorders")
    if safety_stock is not None and np.isfinite(safety_stock):
        stock_ax.axhline(safety_stock, color=shared.SAFETY, linewidth=0.9, linestyle="--",
                         label="safety stock")
    if reorder_point is not None and np.isfinite(reorder_point):
        stock_ax.axhline(reorder_point, color=shared.REORDER, linewidth=0.9, linestyle="-.",
                         label="reorder point")
    if receipts is not None and len(receipts):
        when = pd.to_datetime(receipts["date"])
        qty = receipts["quantity"].astype(float).to_numpy()
        stock_ax.vlines(when, 0, qty, color=shared.RECEIPT, linewidth=1.8, alpha=0.85)
        stock_ax.plot(when, qty, "^", color=shared.RECEIPT, markersize=5, linestyle="none",
                      label="PO receipt")
        for x, y, label in zip(when, qty, receipts.get("label", [""] * len(qty)), strict=False):
            if label:
                stock_ax.annotate(shared.literal(label), (x, y), xytext=(3, 2),
                                  textcoords="offset points",
                                  **shared._text(fontsize - 1, color=shared.RECEIPT))
    stock_ax.axvline(as_of_ts, color=shared.MUTED, linewidth=0.8, linestyle=":")
    stock_ax.axhline(0, color=shared.MUTED, linewidth=0.6)
    stock_ax.set_ylabel("units", **shared._text(fontsize))
    tops = [1.0, safety_stock or 0.0, reorder_point or 0.0]
    if projected_on_hand is not None and len(projected_on_hand):
        tops.append(float(np.nanmax(projected_on_hand.to_numpy(float))))
    if receipts is not None and len(receipts):
        tops.append(float(receipts["quantity"].max()))
    bottom = stock_ax.get_ylim()[0]
    stock_ax.set_ylim(bottom, max(t for t in tops if np.isfinite(t)) * 1.35)
    stock_ax.legend(loc="upper left", frameon=False, ncols=3, prop={"size": fontsize - 0.5})
    _title(demand_ax, f"{sku}: demand and projected stock", fontsize)
    return figure


def forecast_vs_actual_figure(*, sku: str, weekly: pd.DataFrame, model: str = "",
                              figsize: tuple[float, float] = (6.0, 2.6),
                              fontsize: float = 8.0) -> Figure:
    """One SKU's holdout: what was forecast for each week against what sold (accuracy page and
    the SKU page); ``weekly`` has week_end, forecast, actual."""
    figure = shared._new_figure(figsize)
    ax = _axes(figure, fontsize)
    if not len(weekly):
        _empty(ax, "No forecast to compare for this SKU", fontsize)
        return figure
    weeks = pd.to_datetime(weekly["week_end"])
    actual = weekly["actual"].astype(float).to_numpy()
    forecast = weekly["forecast"].astype(float).to_numpy()
    ax.bar(weeks, actual, width=5.0, color=shared.MUTED, alpha=0.45, label="sold")
    ax.plot(weeks, forecast, color=shared.EXISTING, linewidth=1.6, marker="o", markersize=3,
            label="forecast")
    ax.set_ylabel("units / week", **shared._text(fontsize))
    ax.set_ylim(0, max(float(np.nanmax(np.concatenate([actual, forecast]))), 1.0) * 1.3)
    ax.legend(loc="upper left", frameon=False, ncols=2, prop={"size": fontsize - 0.5})
    sold, made = actual.sum(), forecast.sum()
    title = f"{sku}: forecast {made:,.0f} vs sold {sold:,.0f} over {len(weekly)} weeks"
    _title(ax, title + (f" ({model})" if model else ""), fontsize)
    return figure


# --- embedding --------------------------------------------------------------------------------
def palette_colours(palette: QPalette) -> dict[str, str]:
    """The colours a chart needs from a palette, as plain text (safe to hand to a worker)."""
    return {
        "base": palette.color(QPalette.ColorRole.Base).name(),
        "text": palette.color(QPalette.ColorRole.Text).name(),
        "muted": palette.color(QPalette.ColorRole.PlaceholderText).name(),
        "grid": palette.color(QPalette.ColorRole.Mid).name(),
    }


def apply_palette(figure: Figure, colours: dict[str, str]) -> None:
    """Recolour a report-styled figure to the app's palette (light or dark)."""
    bg = colours["base"]
    figure.patch.set_facecolor(bg)
    for ax in figure.axes:
        ax.set_facecolor(bg)
    if matplotlib.colors.rgb_to_hsv(matplotlib.colors.to_rgb(bg))[2] > 0.6:
        return  # light: the report's own colours read fine
    ink, muted, grid = colours["text"], colours["muted"], colours["grid"]
    mapping = {shared.INK.lower(): ink, shared.MUTED.lower(): muted, "#000000": ink}
    for ax in figure.axes:
        ax.tick_params(colors=muted)
        for spine in ax.spines.values():
            if matplotlib.colors.to_hex(spine.get_edgecolor()).lower() in mapping:
                spine.set_edgecolor(muted)
        for line in ax.get_xgridlines() + ax.get_ygridlines():
            line.set_color(grid)
        legend = ax.get_legend()
        if legend is not None:
            for text in legend.get_texts():
                text.set_color(ink)
    for text in figure.findobj(Text):
        colour = matplotlib.colors.to_hex(text.get_color()).lower()
        if colour in mapping:
            text.set_color(mapping[colour])


@dataclass
class RenderedChart:
    figure: Figure
    image: QImage


def render(factory: Callable[[], Figure], width_px: int, height_px: int, ratio: float,
           colours: dict[str, str]) -> RenderedChart:
    """Build a figure and rasterise it with Agg at a widget's size (runs on a worker thread)."""
    figure = factory()
    apply_palette(figure, colours)
    dpi = 100.0
    figure.set_dpi(dpi * ratio)
    figure.set_size_inches(max(width_px, 10) / dpi, max(height_px, 10) / dpi)
    canvas = FigureCanvasAgg(figure)
    canvas.draw()
    buffer = canvas.buffer_rgba()
    height, width = buffer.shape[0], buffer.shape[1]
    image = QImage(bytes(buffer), width, height, 4 * width, QImage.Format.Format_RGBA8888).copy()
    image.setDevicePixelRatio(ratio)
    return RenderedChart(figure=figure, image=image)


_chart_tasks: TaskManager | None = None


def chart_tasks() -> TaskManager:
    """One background thread for all charts (matplotlib is not thread-safe across figures)."""
    global _chart_tasks
    if _chart_tasks is None:
        _chart_tasks = TaskManager(QApplication.instance(), threads=1)
    return _chart_tasks


class ChartView(QWidget):
    """One chart, drawn off the GUI thread and shown as an image; redrawn on resize and palette
    change. ``clicked`` gives the axes number and data coordinates of a click."""

    rendered = Signal()
    clicked = Signal(int, float, float)

    def __init__(self, parent: QWidget | None = None, *, min_height: int = 220) -> None:
        super().__init__(parent)
        self._factory: Callable[[], Figure] | None = None
        self._chart: RenderedChart | None = None
        self._generation = 0
        self._failed = ""
        self.setMinimumHeight(min_height)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self._resize_timer = QTimer(self)
        self._resize_timer.setSingleShot(True)
        self._resize_timer.setInterval(120)
        self._resize_timer.timeout.connect(self._render)

    @property
    def figure(self) -> Figure | None:
        """The figure on screen (None until the first one is drawn)."""
        return self._chart.figure if self._chart is not None else None

    @property
    def pending(self) -> bool:
        return self._factory is not None and (
            self._chart is None or self._chart_generation != self._generation)

    _chart_generation = -1

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt name
        return QSize(2 * self.minimumHeight(), self.minimumHeight())

    def show_chart(self, factory: Callable[[], Figure]) -> None:
        """Draw the figure a builder makes (called again on resize and palette change)."""
        self._factory, self._failed = factory, ""
        self._render()

    def show_message(self, text: str) -> None:
        """Text in place of a chart (an empty workspace has nothing to draw yet)."""
        self._generation += 1
        self._factory, self._chart, self._failed = None, None, text
        self.update()

    def show_figure(self, figure: Figure) -> None:
        """Draw a ready-made figure."""
        self.show_chart(lambda: figure)

    def _render(self) -> None:
        if self._factory is None:
            return
        self._generation += 1
        generation = self._generation
        factory, width, height = self._factory, self.width(), self.height()
        ratio = self.devicePixelRatioF()
        colours = palette_colours(QApplication.palette(self))

        def done(chart: RenderedChart) -> None:
            # a chart drawn for a widget closed meanwhile (its window is gone) is dropped
            if generation == self._generation and shiboken6.isValid(self):
                self._chart, self._chart_generation, self._failed = chart, generation, ""
                self.update()
                self.rendered.emit()

        def failed(exc: BaseException, details: str) -> None:
            print(f"chart failed: {exc!r}\n{details}", file=sys.stderr)
            if generation == self._generation and shiboken6.isValid(self):
                self._failed = f"This chart could not be drawn: {exc}"
                self._chart_generation = generation
                self.update()
                self.rendered.emit()

        chart_tasks().run(Operation(title="Drawing a chart", progress="none", on_success=done,
                                    on_failure=failed,
                                    work=lambda _p: render(factory, width, height, ratio, colours)))

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt name
        painter = QPainter(self)
        painter.fillRect(self.rect(), QApplication.palette(self).color(QPalette.ColorRole.Base))
        if self._failed:  # a failure, or the message shown in place of a chart
            painter.drawText(self.rect().adjusted(12, 8, -12, -8),
                             int(Qt.AlignmentFlag.AlignCenter) | int(Qt.TextFlag.TextWordWrap),
                             self._failed)
        elif self._chart is not None:
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
            painter.drawImage(self.rect(), self._chart.image)
        painter.end()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt name
        super().resizeEvent(event)
        if self._factory is not None:
            self._resize_timer.start()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt name
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange and self._factory is not None:
            self._render()

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt name
        figure = self.figure
        if figure is None or self.width() <= 0 or self.height() <= 0:
            return
        width_px, height_px = figure.bbox.width, figure.bbox.height
        x = event.position().x() / self.width() * width_px
        y = (1 - event.position().y() / self.height()) * height_px
        for number, ax in enumerate(figure.axes):
            if ax.bbox.contains(x, y):
                data_x, data_y = ax.transData.inverted().transform((x, y))
                self.clicked.emit(number, float(data_x), float(data_y))
                return


def replay_stock_figure(*, sku: str, simulated: pd.Series, actual: pd.Series,
                        orders: pd.DataFrame | None = None,
                        figsize: tuple[float, float] = (6.0, 2.6),
                        fontsize: float = 8.0) -> Figure:
    """One SKU's replay: the simulated end-of-day stock against the real one (Replay page);
    ``orders`` (sellable_date, quantity) marks when the replay's orders became sellable."""
    figure = shared._new_figure(figsize)
    ax = _axes(figure, fontsize)
    if not len(simulated):
        _empty(ax, "Nothing replayed for this SKU", fontsize)
        return figure
    ax.plot(pd.to_datetime(actual.index), actual.to_numpy(float), color=shared.MUTED,
            linewidth=1.2, label="what happened")
    ax.plot(pd.to_datetime(simulated.index), simulated.to_numpy(float), color=shared.EXISTING,
            linewidth=1.6, label="following the plan")
    if orders is not None and len(orders):
        for day in pd.to_datetime(orders["sellable_date"]):
            if simulated.index[0] <= day <= simulated.index[-1]:
                ax.axvline(day, color=shared.EXISTING, alpha=0.25, linewidth=0.8)
    ax.set_ylabel("units in stock", **shared._text(fontsize))
    ax.set_ylim(bottom=0)
    ax.legend(loc="upper left", frameon=False, ncols=2, prop={"size": fontsize - 0.5})
    _title(ax, f"{sku}: stock following the plan and as it was", fontsize)
    return figure
