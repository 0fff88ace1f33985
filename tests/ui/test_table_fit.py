"""On a 1280x720 laptop every column a buyer needs is on screen: no table scrolls sideways,
names and reasons give up width first, the key column stays frozen, and what is left out is one
click away in the Columns menu."""

from __future__ import annotations

import pandas as pd
import pytest
from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QMouseEvent

from planner.ui.views.table_tools import columns_menu, visible_columns

#: page -> (its table's attribute, the headers that must be on screen)
NEEDED = {
    "products": ("table", ["SKU", "Name", "On hand", "Cover", "Stockout", "Order by",
                           "Suggested qty"]),
    "backorders": ("table", ["Order", "Customer", "SKU", "Promised", "Projected ship",
                             "Days late", "Cancel risk", "Value", "At risk", "Flags"]),
    "purchase_plan": ("table", ["SKU", "Suggested", "Order qty", "Unit cost", "Value", "Why"]),
    "suppliers": ("table", ["Supplier", "Exchange rate", "Landed", "Order cycle", "Container",
                            "Min order", "Lead stated", "Lead learned", "Open value"]),
    "purchase_orders": ("table", ["PO", "SKU", "Supplier", "Expected", "Open value",
                                  "PO state", "Confirmed date", "Comment"]),
}


def _header(table, column: int) -> str:
    text = str(table.model().headerData(column, Qt.Orientation.Horizontal))
    return text.replace("\n", " ").replace("- ", "")


def _on_screen(qtbot, window, page):
    window.resize(1280, 720)
    window.show_page(page)
    table = getattr(window.pages[page], NEEDED[page][0])
    qtbot.waitUntil(lambda: table.model().rowCount() > 0, timeout=10_000)
    qtbot.wait(50)  # the resize reaches the table
    return table


@pytest.mark.parametrize("page", list(NEEDED))
def test_every_needed_column_is_on_screen_at_1280x720(planned, qtbot, page):
    table = _on_screen(qtbot, planned, page)
    header = table.horizontalHeader()
    width = table.viewport().width()
    shown = {_header(table, c): c for c in visible_columns(table)}
    for name in NEEDED[page][1]:
        column = next((c for h, c in shown.items() if h.startswith(name)), None)
        assert column is not None, f"{page}: no {name!r} column among {list(shown)}"
        left = header.sectionViewportPosition(column)
        assert 0 <= left and left + header.sectionSize(column) <= width, \
            f"{page}: {name!r} at {left}+{header.sectionSize(column)}, viewport {width}"
    last = visible_columns(table)[-1]  # nothing is past the right edge: no sideways scrolling
    assert header.sectionViewportPosition(last) + header.sectionSize(last) <= width
    assert table.horizontalScrollBar().maximum() == 0


def test_the_key_column_keeps_its_width_and_names_give_way(planned, qtbot):
    table = _on_screen(qtbot, planned, "backorders")
    model = planned.pages["backorders"].model
    frozen = table.frozen_column
    assert frozen.isVisible() and frozen.width() == table.columnWidth(0) + 1
    sku = model.column_index("sku")
    longest = max(table.fontMetrics().horizontalAdvance(s) for s in model.frame["sku"])
    assert table.columnWidth(sku) >= longest  # a SKU is never cut
    customer = model.column_index("customer")
    cut = next(r for r in range(model.rowCount())
               if table.fontMetrics().horizontalAdvance(model.text(r, customer)) + 10
               > table.columnWidth(customer))
    index = model.index(cut, customer)
    assert model.data(index, Qt.ItemDataRole.ToolTipRole) == model.text(cut, customer)


def test_wider_screens_give_the_names_their_width_and_the_optional_columns_back(planned, qtbot):
    table = _on_screen(qtbot, planned, "backorders")
    customer = planned.pages["backorders"].model.column_index("customer")
    narrow = table.columnWidth(customer)
    ordered = planned.pages["backorders"].model.column_index("order_date")
    assert table.isColumnHidden(ordered)  # no room on a laptop: the Days waiting tooltip says it
    planned.resize(1920, 1080)
    qtbot.waitUntil(lambda: table.columnWidth(customer) > narrow, timeout=5000)
    assert not table.isColumnHidden(ordered)  # room for it on a desktop
    assert table.horizontalScrollBar().maximum() == 0


def test_what_is_left_out_is_in_the_columns_menu(planned, qtbot):
    table = _on_screen(qtbot, planned, "backorders")
    view = planned.pages["backorders"]
    ordered = view.model.column_index("order_date")
    assert table.isColumnHidden(ordered)
    actions = {a.text(): a for a in columns_menu(table, view.proxy).actions()}
    assert not actions["Ordered"].isChecked()
    actions["Ordered"].setChecked(True)
    assert not table.isColumnHidden(ordered)
    assert table.horizontalScrollBar().maximum() == 0  # the others made room


def test_a_column_the_user_widened_stays_as_wide(planned, qtbot):
    table = _on_screen(qtbot, planned, "products")
    header = table.horizontalHeader()
    name = planned.pages["products"].model.column_index("name")
    press = QMouseEvent(QEvent.Type.MouseButtonPress, QPointF(5, 5), QPointF(5, 5),
                        Qt.MouseButton.LeftButton, Qt.MouseButton.LeftButton,
                        Qt.KeyboardModifier.NoModifier)
    table.column_fitter.eventFilter(header.viewport(), press)  # the user drags an edge
    header.resizeSection(name, 300)
    release = QMouseEvent(QEvent.Type.MouseButtonRelease, QPointF(5, 5), QPointF(5, 5),
                          Qt.MouseButton.LeftButton, Qt.MouseButton.NoButton,
                          Qt.KeyboardModifier.NoModifier)
    table.column_fitter.eventFilter(header.viewport(), release)
    planned.resize(1300, 740)
    qtbot.wait(50)
    assert table.columnWidth(name) == 300


def test_the_columns_left_out_are_told_in_tooltips(planned, qtbot):
    _on_screen(qtbot, planned, "backorders")
    model = planned.pages["backorders"].model
    frame = model.frame
    covered = next(r for r in range(model.rowCount())
                   if pd.notna(frame.at[model.frame_row(r), "quoted_date"]))
    ship = model.data(model.index(covered, model.column_index("projected_ship_date")),
                      Qt.ItemDataRole.ToolTipRole)
    quote = frame.at[model.frame_row(covered), "quoted_date"]
    assert ship.startswith(f"Quote the customer {pd.Timestamp(quote):%Y-%m-%d}")
    waiting = model.data(model.index(0, model.column_index("days_waiting")),
                         Qt.ItemDataRole.ToolTipRole)
    assert waiting == f"Ordered {pd.Timestamp(frame.at[model.frame_row(0), 'order_date']):%Y-%m-%d}"


def test_a_plan_lines_reason_shows_in_full_under_the_narrow_why_column(planned, qtbot):
    table = _on_screen(qtbot, planned, "purchase_plan")
    view = planned.pages["purchase_plan"]
    frame = view.model.frame
    first = view.proxy.source_frame_row(0)
    # with the line's own dock date (issue 23: order date + its lead time)
    dock = pd.Timestamp(frame.at[first, "expected_arrival"])
    assert view.line_why.text() == (f"Why {frame.at[first, 'sku']} (at your dock {dock:%Y-%m-%d}"
                                    f": order date + its lead time): {frame.at[first, 'why']}")
    if view.proxy.rowCount() > 1:
        table.setCurrentIndex(view.proxy.index(1, 0))
        second = view.proxy.source_frame_row(1)
        assert view.line_why.text().startswith(f"Why {frame.at[second, 'sku']} (at your dock ")


def test_a_backorder_lines_flags_show_in_full_under_the_narrow_flags_column(planned, qtbot):
    table = _on_screen(qtbot, planned, "backorders")
    view = planned.pages["backorders"]
    line = view.model.frame.iloc[view.proxy.source_frame_row(0)]
    assert view.line_flags.text() == f"{line['order_id']} · {line['sku']}: {line['flag_reasons']}"
    table.setCurrentIndex(view.proxy.index(3, 0))
    other = view.model.frame.iloc[view.proxy.source_frame_row(3)]
    assert view.line_flags.text().startswith(f"{other['order_id']} · {other['sku']}: ")
