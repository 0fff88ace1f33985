"""Issue 25 item 7: the purchase plan's lines edit their Order qty by F2 or a double-click on
any cell and never leave the page by accident; "Cancel PO" asks first, naming what it cancels."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QAbstractItemView, QApplication

from planner.formatting import format_money
from planner.ui import dialogs
from tests.ui.conftest import wait_idle


def _plan_lines(window, qtbot):
    window.show_page("purchase_plan")
    page = window.pages["purchase_plan"]
    wait_idle(qtbot, window)
    assert page.proxy.rowCount() > 0
    return page


def _editing(table) -> bool:
    return table.state() == QAbstractItemView.State.EditingState


def test_f2_edits_the_order_qty_of_the_selected_line(planned, qtbot):
    page = _plan_lines(planned, qtbot)
    table = page.table
    table.setFocus()
    table.setCurrentIndex(page.proxy.index(0, 0))  # the SKU cell
    qtbot.keyClick(table, Qt.Key.Key_F2)
    assert _editing(table)
    assert table.currentIndex().column() == page.model.column_index("quantity")


def test_a_double_click_on_any_cell_edits_the_order_qty_and_stays_on_the_page(planned, qtbot):
    page = _plan_lines(planned, qtbot)
    table, opened = page.table, []
    page.sku_requested.connect(opened.append)
    for key in ("sku", "name") if "name" in page.model.frame else ("sku",):
        column = page.model.column_index(key)
        if table.isColumnHidden(column):
            continue
        table.doubleClicked.emit(page.proxy.index(0, column))
        QApplication.processEvents()
        assert not opened
        assert planned.pages["purchase_plan"].isVisible()
        assert _editing(table)
        assert table.currentIndex().column() == page.model.column_index("quantity")
        table.closePersistentEditor(table.currentIndex())
        table.setFocus()
        qtbot.keyClick(table, Qt.Key.Key_Escape)


def test_cancel_po_asks_first_naming_the_po_its_open_lines_and_value(planned, qtbot,
                                                                      monkeypatch):
    planned.show_page("purchase_orders")
    page = planned.pages["purchase_orders"]
    wait_idle(qtbot, planned)
    frame = page.model.frame
    open_lines = frame[frame["status"] == "open"]
    po_number = str(open_lines["po_number"].iloc[0])
    sku = str(open_lines["sku"].iloc[0])
    assert page.select(po_number, sku)
    ours = open_lines[open_lines["po_number"].astype(str) == po_number]
    monkeypatch.setattr(dialogs, "auto_answer", False)  # the buyer presses Cancel
    page.cancel_button.click()
    question = dialogs.last_question
    assert po_number in question
    n = len(ours)
    assert f"{n} open line{'' if n == 1 else 's'}" in question
    assert format_money(ours["open_value"].sum(), page.model.currency) in question
    rows = planned.session.db.execute(
        "SELECT COUNT(*) FROM po_lines WHERE po_number = ? AND status = 'open'",
        [po_number]).fetchone()[0]
    assert rows == n  # nothing was cancelled
    monkeypatch.setattr(dialogs, "auto_answer", True)
    page.cancel_button.click()
    wait_idle(qtbot, planned)
    assert planned.session.db.execute(
        "SELECT COUNT(*) FROM po_lines WHERE po_number = ? AND status = 'open'",
        [po_number]).fetchone()[0] == 0


# --- issue 25 item 9: words and sorting ------------------------------------------------------
def test_days_late_is_never_negative_and_an_early_line_says_early(planned, qtbot):
    lines = planned.session.plan.backorder_lines
    early = lines[lines["days_late"] < 0]
    assert len(early), "the demo has lines projected before their promise"
    planned.show_page("backorders")
    page = planned.pages["backorders"]
    column = page.model.column_index("days_late_shown")
    shown = [page.model.text(r, column) for r in range(page.model.rowCount())]
    assert not [t for t in shown if t.startswith("-") or t.startswith("−")]
    order_id, sku = str(early["order_id"].iloc[0]), str(early["sku"].iloc[0])
    frame = page.model.frame
    pos = int(((frame["order_id"].astype(str) == order_id)
               & (frame["sku"].astype(str) == sku)).to_numpy().nonzero()[0][0])
    days = int(-early["days_late"].iloc[0])
    assert page._tooltip(pos, "days_late_shown") == (
        f"Early: projected {days} day{'' if days == 1 else 's'} before the promised date")
    planned.open_sku(sku)
    detail = planned.pages["sku"]
    late = detail.bo_model.column_index("days_late")
    assert all(not detail.bo_model.text(r, late).startswith("-")
               for r in range(detail.bo_model.rowCount()))


def test_a_money_column_sorts_largest_first_on_the_first_click(planned, qtbot):
    planned.show_page("backorders")
    page = planned.pages["backorders"]
    table, column = page.table, page.model.column_index("value")
    header = table.horizontalHeader()
    qtbot.waitUntil(lambda: not table.isColumnHidden(column) and header.sectionSize(column) > 0)
    table.scrollTo(page.proxy.index(0, column))
    at = QPoint(header.sectionViewportPosition(column) + header.sectionSize(column) // 2,
                header.height() // 2)
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=at)
    assert header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
    values = [page.model.data(page.model.index(r, column), page.model.SortRole)
              for r in range(page.model.rowCount())]
    values = [v for v in values if v is not None]
    assert values[0] == max(values) and values == sorted(values, reverse=True)
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=at)
    assert header.sortIndicatorOrder() == Qt.SortOrder.AscendingOrder  # the next click flips


def test_a_suppliers_days_late_is_never_negative(planned, qtbot, monkeypatch):
    from dataclasses import replace

    plan = planned.session.plan
    learned = plan.suppliers.copy()
    learned.loc[learned.index[0], "lateness_days_mean"] = -2.5  # early on average
    early_supplier = str(learned["supplier"].iloc[0])
    monkeypatch.setattr(planned.session, "plan", replace(plan, suppliers=learned))
    planned.show_page("suppliers")
    page = planned.pages["suppliers"]
    page._merge_plan()
    column = page.model.column_index("days_late_avg")
    shown = [page.model.text(r, column) for r in range(page.model.rowCount())]
    assert shown and not [t for t in shown if t.startswith("-")]
    pos = int((page.model.frame["supplier"] == early_supplier).to_numpy().nonzero()[0][0])
    assert page.model._mark(pos, "days_late_avg")[1] == (
        "Early: received POs came 2.5 days early on average")
