"""The chart builders the PDF and the app share: plain frames in, a Figure out."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from planner.reports.charts import backorder_book_figure, projected_stock_figure


def _png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=60)
    return buffer.getvalue()


def test_the_book_chart_shows_todays_queue_and_what_happens_without_orders(plan):
    figure = backorder_book_figure(plan.book, currency="EUR")
    today, if_nothing, today_value, if_nothing_value = figure.axes
    [queue] = today.collections
    assert queue.get_paths()[0].vertices[:, 1].max() == plan.book["existing_units"].max()
    stacked = if_nothing.collections
    assert len(stacked) == 2  # open orders today, projected new backorders
    top = stacked[1].get_paths()[0].vertices[:, 1].max()
    assert top == (plan.book["existing_units"] + plan.book["new_units"]).max()
    assert np.allclose(today_value.lines[0].get_ydata(), plan.book["existing_value"])
    assert np.allclose(if_nothing_value.lines[0].get_ydata(), plan.book["total_value"])
    labels = [text.get_text() for text in figure.legends[0].get_texts()]
    assert labels == ["open orders today", "value (EUR)", "projected new backorders"]
    assert _png(figure).startswith(b"\x89PNG")


def test_an_empty_book_draws_an_empty_chart():
    empty = pd.DataFrame(columns=["date", "existing_units", "new_units", "total_value"])
    assert _png(backorder_book_figure(empty)).startswith(b"\x89PNG")


def test_projected_stock_shows_policy_lines_and_receipts(plan):
    sku = plan.projected_on_hand.index[1]
    stock = plan.projected_on_hand.loc[sku]
    receipts = pd.DataFrame({"date": [stock.index[10], stock.index[400 % len(stock)]],
                             "quantity": [50, 80]})
    suggested = pd.DataFrame({"date": [stock.index[30]], "quantity": [120]})
    figure = projected_stock_figure(stock, sku=sku, name="Crème brûlée torch",
                                    safety_stock=12.0, reorder_point=40.0,
                                    receipts=receipts, suggested=suggested)
    [ax] = figure.axes
    levels = sorted(line.get_ydata()[0] for line in ax.lines
                    if line.get_label() in {"safety stock", "reorder point"})
    assert levels == [12.0, 40.0]
    labels = {text.get_text() for text in figure.legends[0].get_texts()}
    assert labels == {"projected stock", "safety stock", "reorder point", "PO receipt",
                      "suggested receipt"}
    assert _png(figure).startswith(b"\x89PNG")


def test_user_text_is_never_mathtext_and_long_names_are_cut(plan):
    stock = plan.projected_on_hand.iloc[0]
    figure = projected_stock_figure(stock, sku="$x^2$", name="深圳 " + "very long name " * 10)
    title = figure.axes[0]._left_title
    shown, is_math = title._preprocess_math(title.get_text())
    assert not is_math and shown.startswith("$x^2$ · 深圳")
    assert shown.endswith("…") and len(shown) < 80
    assert _png(figure).startswith(b"\x89PNG")
