"""A buyer's first hour: the empty workspace's checklist and templates, dashboard tiles that open
their lists filtered, the user guide inside the app, the View menu, and PDF exports."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMenu, QMessageBox

from planner.formatting import format_money
from planner.store import open_workspace
from planner.store.importers.importing import check_files, import_files
from planner.store.importers.kinds import KINDS
from planner.ui import dialogs
from planner.ui.main_window import PAGES
from planner.ui.views import first_run
from tests.ui.conftest import open_and_wait, wait_idle

ROOT = Path(__file__).resolve().parents[2]


# --- first run -------------------------------------------------------------------------------
def test_an_empty_workspace_lists_what_to_import_in_order_and_no_blank_charts(window, tmp_path,
                                                                               qtbot):
    open_and_wait(qtbot, window, tmp_path / "new.db")
    dashboard = window.pages["dashboard"]
    checklist = dashboard.empty
    assert checklist.isVisible()
    steps = [kind for _label, kind, _what in first_run.STEPS]
    assert steps == ["products", "suppliers", "sales", "inventory", "purchase_orders",
                     "backorders"]
    assert {"shopify_orders", "shopify_inventory"} <= set(checklist.template_buttons)
    assert all(b.isVisible() and b.text() == "Save template…"
               for b in checklist.template_buttons.values())
    for chart in (dashboard.book_chart, dashboard.arrivals_chart, dashboard.risk_chart):
        assert "once" in chart._failed and "imported" in chart._failed  # text, not a blank box


@pytest.mark.parametrize("kind", [k for _l, k, _w in first_run.STEPS + first_run.SHOPIFY_STEPS])
def test_save_template_writes_the_kinds_header_and_re_imports_as_that_kind(
        window, tmp_path, qtbot, monkeypatch, kind):
    open_and_wait(qtbot, window, tmp_path / "new.db")
    target = tmp_path / "templates" / f"my-{kind}.csv"
    target.parent.mkdir()
    monkeypatch.setattr(first_run.QFileDialog, "getSaveFileName",
                        lambda *_a, **_k: (str(target), "CSV (*.csv)"))
    button = window.pages["dashboard"].empty.template_buttons[kind]
    qtbot.waitUntil(lambda: button.height() > 0)  # laid out on screen
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    with target.open(encoding="utf-8", newline="") as handle:
        header = next(csv.reader(handle))
    assert header == KINDS[kind].column_names
    assert str(target) in dialogs.last_notice
    (parsed,) = check_files([target])  # the kind is told from the header alone
    assert parsed.kind.name == kind and len(parsed.frame) == 1
    db = open_workspace(tmp_path / "scratch.db")
    try:
        import_files(db, [target])
    finally:
        db.conn.close()


# --- dashboard tiles -------------------------------------------------------------------------
def _click_tile(window, qtbot, tile_id: str) -> None:
    window.show_page("dashboard")
    qtbot.mouseClick(window.pages["dashboard"].tiles[tile_id], Qt.MouseButton.LeftButton)


@pytest.mark.parametrize(("tile_id", "kpi"), [
    ("backorder_book", "backorder_lines"),
    ("uncovered", "uncovered_backorder_lines"),
    ("late", "late_backorder_lines"),
])
def test_a_backorder_tile_opens_exactly_the_lines_it_counts(planned, qtbot, tile_id, kpi):
    expected = planned.session.plan.kpis[kpi]
    _click_tile(planned, qtbot, tile_id)
    page = planned.pages["backorders"]
    assert planned.current_page() == "backorders"
    assert page.proxy.rowCount() == expected
    assert page.summary.text().startswith(f"{expected:,} of ")
    wait_idle(qtbot, planned)


def test_the_uncovered_tile_filters_out_the_covered_lines(planned, qtbot):
    plan = planned.session.plan
    assert 0 < plan.kpis["uncovered_backorder_lines"] < len(plan.backorder_lines)
    _click_tile(planned, qtbot, "uncovered")
    page = planned.pages["backorders"]
    assert page.flag.currentText() == "Uncovered"
    shown = [page.proxy.source_frame_row(r) for r in range(page.proxy.rowCount())]
    assert page.model.frame.loc[shown, "uncovered"].astype(bool).all()
    wait_idle(qtbot, planned)


def test_the_value_at_risk_tile_opens_the_lines_that_add_up_to_it(planned, qtbot):
    _click_tile(planned, qtbot, "value_at_risk")
    page = planned.pages["backorders"]
    shown = [page.proxy.source_frame_row(r) for r in range(page.proxy.rowCount())]
    assert page.model.frame.loc[shown, "value_at_risk"].sum() == pytest.approx(
        planned.session.plan.kpis["backorder_value_at_risk"], abs=0.01)
    assert (page.model.frame.loc[shown, "value_at_risk"] > 0).all()
    wait_idle(qtbot, planned)


@pytest.mark.parametrize(("tile_id", "kpi"), [
    ("below_rop", "skus_below_reorder_point"),
    ("stockouts", "stockouts_within_30_days"),
    ("inventory_value", "active_skus"),
])
def test_a_product_tile_opens_exactly_the_skus_it_counts(planned, qtbot, tile_id, kpi):
    products = planned.pages["products"]
    products.search.setText("zz-no-such-sku")  # a filter left from before is cleared
    expected = planned.session.plan.kpis[kpi]
    _click_tile(planned, qtbot, tile_id)
    assert planned.current_page() == "products"
    assert products.proxy.rowCount() == expected
    assert products.count.text().startswith(f"{expected:,} of ")
    wait_idle(qtbot, planned)


def test_the_suggested_pos_tile_opens_the_purchase_plan(planned, qtbot):
    _click_tile(planned, qtbot, "suggested")
    assert planned.current_page() == "purchase_plan"
    wait_idle(qtbot, planned)


def test_a_short_value_at_risk_chart_says_why_it_shows_fewer_than_ten():
    from planner.ui.charts import value_at_risk_figure

    lines = pd.DataFrame({"sku": ["A", "B", "C", "D"], "value_at_risk": [30.0, 20.0, 10.0, 0.0]})
    title = value_at_risk_figure(lines).axes[0].get_title(loc="left")
    assert title == "SKUs by value at risk (3 of 4 backordered SKUs have any)"
    title = value_at_risk_figure(lines.iloc[:3]).axes[0].get_title(loc="left")
    assert title == "SKUs by value at risk (only 3 SKUs are backordered)"


def test_a_new_empty_workspace_shows_no_numbers_from_the_one_before(planned, tmp_path, qtbot):
    open_and_wait(qtbot, planned, tmp_path / "new.db")
    tiles = planned.pages["dashboard"].tiles
    assert {tile.value.text() for tile in tiles.values()} == {"—"}


# --- purchase plan and PO totals -------------------------------------------------------------
def test_editing_an_order_quantity_updates_the_supplier_row_and_the_page_total(planned, qtbot):
    planned.show_page("purchase_plan")
    page = planned.pages["purchase_plan"]
    item = page._items[page.current]
    supplier_before, total_before = item.parent().text(2), page.total.text()
    line = page.model.frame.iloc[0]
    page.set_quantity(str(line["sku"]), int(line["quantity"]) + 500)
    assert item.parent().text(2) != supplier_before
    assert page.total.text() != total_before
    rows = range(len(page.suggestions))
    now = sum(page._row_value(r) for r in rows if page.suggestions[r].get("order_now"))
    later = sum(page._row_value(r) for r in rows if not page.suggestions[r].get("order_now"))
    assert format_money(now, page.model.currency) in page.total.text()
    assert format_money(later, page.model.currency) in page.total.text()
    wait_idle(qtbot, planned)


def test_the_po_pages_open_value_follows_its_filter(planned, qtbot):
    planned.show_page("purchase_orders")
    page = planned.pages["purchase_orders"]
    wait_idle(qtbot, planned)
    page.search.setText(str(page.model.frame["po_number"].iloc[0]))
    wait_idle(qtbot, planned)
    mask = page._mask(page.model.frame)
    shown = page.model.frame[mask]
    value = shown.loc[shown["status"] == "open", "open_value"].sum()
    assert f"open value {format_money(value, planned.session.currency)}" in page.summary.text()


# --- help and navigation ---------------------------------------------------------------------
def test_the_packaged_user_guide_is_the_one_in_docs():
    packaged = (ROOT / "planner" / "resources" / "user-guide.md").read_text(encoding="utf-8")
    assert packaged == (ROOT / "docs" / "user-guide.md").read_text(encoding="utf-8"), (
        "copy docs/user-guide.md to planner/resources/user-guide.md (the app shows that copy)")


def test_f1_shows_the_user_guide_inside_the_app(window, qtbot):
    first_heading = next(line[2:].strip() for line in
                         (ROOT / "docs" / "user-guide.md").read_text(encoding="utf-8").splitlines()
                         if line.startswith("# "))
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window, Qt.Key.Key_F1)
    guide = window.guide
    assert guide.isVisible()
    assert first_heading in guide.browser.toPlainText()
    assert guide.scroll_to_heading("start-with-the-demo")  # the contents line's links work
    guide.close()


def test_the_view_menu_lists_every_page_with_its_shortcut(window):
    # (by the menus themselves: QAction.menu() gives a dead wrapper on PySide6 6.6)
    menus = {m.title().replace("&", ""): m for m in window.menuBar().findChildren(QMenu)}
    actions = menus["View"].actions()
    assert [a.text() for a in actions] == [label for _p, label in PAGES]
    for number, (action, (page_id, _label)) in enumerate(zip(actions, PAGES, strict=True),
                                                         start=1):
        # Ctrl+1 … Ctrl+9: the pages after the ninth have none
        assert action.shortcut().toString() == (f"Ctrl+{number}" if number <= 9 else "")
        action.trigger()
        assert window.current_page() == page_id


def test_pdfs_export_into_a_new_folder_and_offer_to_open_it(planned, qtbot, tmp_path,
                                                            opened_folders):
    folder = tmp_path / "not" / "there yet"
    task = planned.export_pdfs(str(folder))
    qtbot.waitUntil(lambda: task.done, timeout=60_000)
    assert sorted(folder.glob("*.pdf"))
    assert f"written to {folder}" in dialogs.last_notice
    (box,) = [b for b in planned.findChildren(QMessageBox) if "written to" in b.text()]
    assert box.isVisible()
    (open_button,) = [b for b in box.buttons() if b.text() == "Open folder"]
    assert opened_folders == []
    qtbot.mouseClick(open_button, Qt.MouseButton.LeftButton)
    assert opened_folders == [str(folder)]


def test_a_guide_picture_that_is_not_shipped_shows_its_caption(tmp_path):
    from planner.ui.help import with_pictures_found

    (tmp_path / "here.png").write_bytes(b"")
    text = "See ![the page](here.png) and ![the other page](gone.png)."
    assert with_pictures_found(text, tmp_path) == (
        "See ![the page](here.png) and *(Picture: the other page)*.")
