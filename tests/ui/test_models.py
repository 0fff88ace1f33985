"""The table models behave as Qt expects and sort and filter the way a buyer reads them."""

from __future__ import annotations

import numpy as np
import pandas as pd
from PySide6.QtCore import Qt

from planner.ui.models import Column, FrameFilterProxy, FrameTableModel

COLUMNS = [
    Column("sku", "SKU"),
    Column("on_hand", "On hand", "int"),
    Column("demand_per_day", "Demand/day", "float", decimals=2),
    Column("value", "Value", "money"),
    Column("stockout_date", "Stockout", "date"),
    Column("made_to_order", "Made to order", "bool"),
]


def _frame(n: int = 50) -> pd.DataFrame:
    rng = np.random.default_rng(3)
    return pd.DataFrame({
        "sku": [f"SKU-{i:03d}" for i in range(n)],
        "on_hand": rng.integers(0, 500, n),
        "demand_per_day": np.where(rng.random(n) < 0.2, np.nan, rng.random(n) * 10),
        "value": rng.random(n) * 1000,
        "stockout_date": pd.to_datetime(
            np.where(rng.random(n) < 0.5, None, "2025-03-01")) + pd.to_timedelta(
            rng.integers(0, 90, n), unit="D"),
        "made_to_order": rng.random(n) < 0.1,
    })


def test_frame_model_passes_qt_model_tester(qtmodeltester):
    model = FrameTableModel(COLUMNS)
    model.set_frame(_frame())
    qtmodeltester.check(model, force_py=True)


def test_filtered_and_sorted_proxy_passes_qt_model_tester(qtmodeltester):
    model = FrameTableModel(COLUMNS)
    model.set_frame(_frame())
    proxy = FrameFilterProxy()
    proxy.setSourceModel(model)
    proxy.set_filter(lambda f: f["on_hand"].to_numpy() > 100)
    proxy.sort(1, Qt.SortOrder.DescendingOrder)
    qtmodeltester.check(proxy, force_py=True)


def test_sorting_puts_missing_values_last_both_ways():
    model = FrameTableModel(COLUMNS)
    model.set_frame(_frame())
    col = model.column_index("demand_per_day")
    for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder):
        model.sort(col, order)
        shown = [model.data(model.index(r, col), FrameTableModel.SortRole)
                 for r in range(model.rowCount())]
        present = [v for v in shown if v is not None]
        assert shown[len(present):] == [None] * (len(shown) - len(present))
        assert present == sorted(present, reverse=order == Qt.SortOrder.DescendingOrder)


def test_filter_keeps_only_matching_rows_and_survives_a_new_frame():
    model = FrameTableModel(COLUMNS)
    proxy = FrameFilterProxy()
    proxy.setSourceModel(model)
    proxy.set_filter(lambda f: f["made_to_order"].to_numpy(bool))
    frame = _frame()
    model.set_frame(frame)
    assert proxy.rowCount() == int(frame["made_to_order"].sum())
    bigger = _frame(120)
    model.set_frame(bigger)
    assert proxy.rowCount() == int(bigger["made_to_order"].sum())
    proxy.set_filter(None)
    assert proxy.rowCount() == 120


def test_cells_read_like_a_buyer_expects():
    model = FrameTableModel(COLUMNS)
    model.set_frame(pd.DataFrame({"sku": ["A"], "on_hand": [1240], "demand_per_day": [2.345],
                                  "value": [1999.6], "stockout_date": [pd.Timestamp("2025-03-14")],
                                  "made_to_order": [True]}))
    row = [model.data(model.index(0, c)) for c in range(model.columnCount())]
    assert row == ["A", "1,240", "2.35", "1,999.60", "2025-03-14", "yes"]
    assert model.headerData(3, Qt.Orientation.Horizontal) == "Value\n(USD)"  # as narrow as its numbers
