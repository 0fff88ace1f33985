"""Chart builders shared by the PDFs and the app: plain frames in, a matplotlib Figure out.

No pyplot (no global state, safe off the GUI thread). The app embeds a Figure with
``FigureCanvasQTAgg(figure)``; the PDFs save it as PNG. User text is shown literally ($ does
not start mathtext) and CJK falls back to the packaged Droid Sans Fallback font.
"""

from __future__ import annotations

import functools
import logging
from pathlib import Path

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib import font_manager
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from planner.formatting import format_amount

_FONT_DIR = Path(__file__).resolve().parent / "fonts"
FONT_FAMILY = ["DejaVu Sans", "Droid Sans Fallback"]

INK = "#1f2933"
MUTED = "#616e7c"
GRID = "#e4e7eb"
EXISTING = "#1d4e89"
NEW = "#e8a33d"
VALUE = "#b44d12"
STOCK = "#1d4e89"
SAFETY = "#c23b22"
REORDER = "#e8a33d"
RECEIPT = "#2f8f5b"
SUGGESTED = "#7b61a8"


@functools.cache
def _register_fonts() -> None:
    cjk = _FONT_DIR / "DroidSansFallbackFull.ttf"
    if cjk.exists():
        font_manager.fontManager.addfont(str(cjk))
        # The CJK fallback has no bold face; matplotlib uses its regular weight for bold titles,
        # as intended, but says so on the terminal every run.
        logging.getLogger("matplotlib.font_manager").setLevel(logging.ERROR)


def literal(value: object) -> str:
    """User text that matplotlib draws as typed (no mathtext from $ signs)."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return str(value).replace("\\", "\\\\").replace("$", r"\$")


def _new_figure(figsize: tuple[float, float]) -> Figure:
    _register_fonts()
    figure = Figure(figsize=figsize, layout="constrained")
    return figure


def _style_axes(ax, *, fontsize: float) -> None:
    ax.grid(True, color=GRID, linewidth=0.6)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    for side in ("left", "bottom"):
        ax.spines[side].set_color(MUTED)
    ax.tick_params(colors=MUTED, labelsize=fontsize, length=2)
    locator = mdates.AutoDateLocator(minticks=3, maxticks=8)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))


def _text(fontsize: float, **kw) -> dict:
    return {"fontfamily": FONT_FAMILY, "fontsize": fontsize, "color": INK, **kw}


def _book_panel(ax, dates, layers, colours, labels, value, *, currency: str,
                fontsize: float, title: str) -> list:
    _style_axes(ax, fontsize=fontsize)
    ax.stackplot(dates, *layers, colors=colours, alpha=0.85, labels=labels, linewidth=0)
    ax.set_ylim(bottom=0)
    ax.set_ylabel("units", **_text(fontsize))
    ax.set_title(title, loc="left", **_text(fontsize + 0.5))
    twin = ax.twinx()
    twin.plot(dates, value, color=VALUE, linewidth=1.3, label=f"value ({literal(currency)})")
    twin.set_ylim(bottom=0)
    twin.yaxis.set_major_formatter(
        FuncFormatter(lambda v, _pos: format_amount(v, currency, decimals=0)))
    twin.tick_params(colors=VALUE, labelsize=fontsize, length=2)
    for side in ("top", "left", "bottom"):
        twin.spines[side].set_visible(False)
    twin.spines["right"].set_color(VALUE)
    return [*ax.get_legend_handles_labels()[0], *twin.get_legend_handles_labels()[0]]


def backorder_book_figure(book: pd.DataFrame, *, currency: str = "USD",
                          figsize: tuple[float, float] = (7.4, 2.6),
                          fontsize: float = 7.0) -> Figure:
    """The backorder book over time, from a frame with date, existing_units, existing_value,
    new_units, new_value: today's open orders draining as POs arrive (left) and, if nothing more
    is ordered, the projected new backorders on top (right). Units as areas, value as a line."""
    figure = _new_figure(figsize)
    left, right = figure.subplots(1, 2)
    dates = pd.to_datetime(book["date"]) if len(book) else pd.DatetimeIndex([])

    def column(name: str) -> np.ndarray:
        return np.asarray(book[name], dtype=float) if name in book else np.zeros(len(book))

    existing, new = column("existing_units"), column("new_units")
    existing_value = column("existing_value")
    total_value = (column("total_value") if "total_value" in book
                   else existing_value + column("new_value"))
    handles = _book_panel(left, dates, [existing], [EXISTING], ["open orders today"],
                          existing_value, currency=currency, fontsize=fontsize,
                          title="Today's backorders as POs arrive")
    more = _book_panel(right, dates, [existing, new], [EXISTING, NEW],
                       ["open orders today", "projected new backorders"], total_value,
                       currency=currency, fontsize=fontsize,
                       title="If nothing more is ordered")
    legend = {h.get_label(): h for h in [*handles, *more]}
    figure.legend(list(legend.values()), list(legend), loc="outside lower center", ncols=3,
                  frameon=False, prop={"family": FONT_FAMILY, "size": fontsize})
    return figure


def projected_stock_figure(on_hand: pd.Series, *, sku: str, name: str | None = None,
                           safety_stock: float | None = None,
                           reorder_point: float | None = None,
                           receipts: pd.DataFrame | None = None,
                           suggested: pd.DataFrame | None = None,
                           figsize: tuple[float, float] = (3.6, 2.3),
                           fontsize: float = 7.0) -> Figure:
    """Projected stock of one SKU (a date-indexed Series, no new orders) with its safety stock,
    reorder point, open PO receipts and suggested receipts (frames with date, quantity)."""
    figure = _new_figure(figsize)
    ax = figure.add_subplot()
    _style_axes(ax, fontsize=fontsize)
    dates = pd.to_datetime(on_hand.index)
    ax.step(dates, np.asarray(on_hand, dtype=float), where="post", color=STOCK, linewidth=1.3,
            label="projected stock")
    if safety_stock is not None and np.isfinite(safety_stock):
        ax.axhline(safety_stock, color=SAFETY, linewidth=0.9, linestyle="--",
                   label="safety stock")
    if reorder_point is not None and np.isfinite(reorder_point):
        ax.axhline(reorder_point, color=REORDER, linewidth=0.9, linestyle="-.",
                   label="reorder point")
    for frame, colour, label, marker in ((receipts, RECEIPT, "PO receipt", "^"),
                                         (suggested, SUGGESTED, "suggested receipt", "v")):
        if frame is None or len(frame) == 0:
            continue
        when = pd.to_datetime(frame["date"])
        inside = (when >= dates.min()) & (when <= dates.max()) if len(dates) else when.notna()
        if not inside.any():
            continue
        ax.vlines(when[inside], 0, np.asarray(frame["quantity"], dtype=float)[inside],
                  color=colour, linewidth=1.6, alpha=0.8)
        ax.plot(when[inside], np.asarray(frame["quantity"], dtype=float)[inside], marker,
                color=colour, markersize=3.5, linestyle="none", label=label)
    ax.set_ylim(bottom=0)
    title = str(sku) if not name else f"{sku} · {name}"
    room = int((figsize[0] - 0.5) * 72 / (fontsize * 0.62))  # characters that fit the width
    if len(title) > room:
        title = title[: room - 1].rstrip() + "…"
    ax.set_title(literal(title), loc="left", **_text(fontsize + 0.5))
    ax.set_ylabel("units", **_text(fontsize))
    figure.legend(loc="outside lower center", ncols=3, frameon=False,
                  prop={"family": FONT_FAMILY, "size": fontsize - 0.5})
    return figure
