"""Every table: Ctrl+C copies, the rows shown export to CSV and XLSX, columns can be hidden,
and the key column stays in view."""

from __future__ import annotations

import openpyxl
import pandas as pd
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from planner.ui.views.table_tools import columns_menu, export_shown, table_menu

PAGES = ["products", "backorders", "purchase_orders", "purchase_plan", "suppliers"]


def _table(window, page):
    view = window.pages[page]
    for name in ("table", "line_table", "po_table"):
        table = getattr(view, name, None)
        if table is not None and hasattr(table, "frozen_column"):
            return view, table
    raise AssertionError(f"no table on {page}")


@pytest.mark.parametrize("page", PAGES)
def test_every_table_page_has_the_tools(planned, page):
    planned.show_page(page)
    _view, table = _table(planned, page)
    assert table.contextMenuPolicy() == Qt.ContextMenuPolicy.CustomContextMenu
    assert any(a.shortcut().toString() == "Ctrl+C" for a in table.actions())
    assert table.frozen_column.isVisible() or table.model().columnCount() == 0


def test_the_rows_shown_are_exported_as_the_user_sees_them(planned, tmp_path, qtbot):
    planned.show_page("products")
    view = planned.pages["products"]
    view.backordered.setChecked(True)
    shown = view.proxy.rowCount()
    assert 0 < shown < len(view.model.frame)
    csv_rows = export_shown(view.table, view.proxy, tmp_path / "products.csv")
    frame = pd.read_csv(tmp_path / "products.csv")
    assert csv_rows == shown == len(frame)
    assert list(frame.columns[:3]) == ["SKU", "Name", "Supplier"]
    assert set(frame["SKU"]) == {view.model.text(view.proxy.mapToSource(
        view.proxy.index(r, 0)).row(), 0) for r in range(shown)}
    assert (frame["Backordered"] > 0).all()  # numbers stay numbers
    export_shown(view.table, view.proxy, tmp_path / "products.xlsx")
    sheet = openpyxl.load_workbook(tmp_path / "products.xlsx").active
    assert sheet.max_row == shown + 1 and sheet.cell(1, 1).value == "SKU"


def test_hidden_columns_are_not_exported_and_the_key_column_cannot_be_hidden(planned, tmp_path):
    planned.show_page("products")
    view = planned.pages["products"]
    menu = columns_menu(view.table, view.proxy)
    actions = {a.text(): a for a in menu.actions()}
    assert not actions["SKU"].isEnabled()
    actions["Supplier"].setChecked(False)
    assert view.table.isColumnHidden(view.model.column_index("supplier"))
    export_shown(view.table, view.proxy, tmp_path / "p.csv")
    assert "Supplier" not in pd.read_csv(tmp_path / "p.csv").columns
    assert "Export the" in table_menu(view.table, view.proxy, view.table.actions()[0]).actions()[3].text()


def test_ctrl_c_copies_the_selected_row_with_its_header(planned, qtbot):
    planned.show_page("backorders")
    view = planned.pages["backorders"]
    view.table.setFocus()
    view.table.selectRow(0)
    qtbot.keyClick(view.table, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    text = QApplication.clipboard().text()
    header, row = text.splitlines()[:2]
    assert header.startswith("Order\t") and row.split("\t")[0] == view.model.text(
        view.proxy.mapToSource(view.proxy.index(0, 0)).row(), 0)


def test_the_key_column_stays_in_view_when_the_table_scrolls_sideways(planned, qtbot):
    planned.resize(1280, 720)
    planned.show_page("products")
    view = planned.pages["products"]
    table = view.table
    qtbot.waitUntil(lambda: table.frozen_column.isVisible(), timeout=5000)
    table.horizontalScrollBar().setValue(table.horizontalScrollBar().maximum())
    frozen = table.frozen_column
    assert frozen.geometry().left() <= table.frameWidth()
    assert frozen.width() == table.columnWidth(0) + 1
    assert frozen.model() is table.model()


def test_a_po_line_keeps_its_po_and_sku_in_view(planned, qtbot):
    planned.resize(1280, 720)
    planned.show_page("purchase_orders")
    table = planned.pages["purchase_orders"].table
    qtbot.waitUntil(lambda: table.frozen_column.isVisible(), timeout=5000)
    frozen = table.frozen_column
    shown = [c for c in range(frozen.model().columnCount()) if not frozen.isColumnHidden(c)]
    model = planned.pages["purchase_orders"].model
    assert [model.columns[c].key for c in shown] == ["po_number", "sku"]
    assert frozen.width() == table.columnWidth(0) + table.columnWidth(1) + 1


def _noisy_table(qtbot):
    """A table of one priced, counted, dated row and one with no dates."""
    from planner.ui.models import FrameTableModel
    from planner.ui.models.frame_model import Column
    from planner.ui.views.common import make_table

    model = FrameTableModel([Column("sku", "SKU"), Column("value", "Value", "money"),
                             Column("units", "Units", "int"), Column("cover", "Cover", "float"),
                             Column("share", "Share", "pct"), Column("due", "Due", "date")])
    model.set_frame(pd.DataFrame({
        "sku": ["A-1", "B-2"], "value": [442.32377504753083, 7.0049999],
        "units": [11.6, 3.0], "cover": [12.345678, 0.04], "share": [0.123456, 1.0],
        "due": [pd.Timestamp("2025-06-20"), pd.NaT]}))
    view, proxy = make_table(model)
    qtbot.addWidget(view)
    return view, proxy


def test_an_exported_csv_holds_the_numbers_as_shown_and_no_dash_for_a_missing_date(qtbot,
                                                                                  tmp_path):
    view, proxy = _noisy_table(qtbot)
    export_shown(view, proxy, tmp_path / "t.csv")
    lines = (tmp_path / "t.csv").read_text(encoding="utf-8").splitlines()
    assert lines[0] == "SKU,Value (USD),Units,Cover,Share,Due"
    assert lines[1] == "A-1,442.32,12,12.3,0.12,2025-06-20"
    assert lines[2] == "B-2,7.0,3,0.0,1.0,"
    assert "—" not in "".join(lines)


def test_an_exported_workbook_stores_dates_as_dates(qtbot, tmp_path):
    import datetime as dt

    view, proxy = _noisy_table(qtbot)
    export_shown(view, proxy, tmp_path / "t.xlsx")
    sheet = openpyxl.load_workbook(tmp_path / "t.xlsx").active
    header = [c.value for c in sheet[1]]
    due = sheet.cell(2, header.index("Due") + 1)
    assert isinstance(due.value, dt.datetime) and due.value.date() == dt.date(2025, 6, 20)
    assert due.number_format.lower() == "yyyy-mm-dd"
    assert sheet.cell(3, header.index("Due") + 1).value is None
    assert sheet.cell(2, 2).value == 442.32 and sheet.cell(2, 3).value == 12
