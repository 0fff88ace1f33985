"""The import page speaks to someone with a mouse: date formats to choose, bad cells in red,
Clear forgets everything."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush

from planner.ui.views.import_view import DATE_FORMATS
from tests.ui.conftest import open_and_wait, wait_idle

AMBIGUOUS = "sku,on_hand,snapshot_date\nMUG-01,4,03/04/2026\nMUG-02,5,05/06/2026\n"


def _previewing(window, qtbot, tmp_path, name: str, text: str):
    """The import page of a new workspace, previewing one file with ``text``."""
    open_and_wait(qtbot, window, tmp_path / "shop.db")
    window.show_page("import")
    view = window.pages["import"]
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    view.add_files([str(path)])
    wait_idle(qtbot, window)
    return view


def test_ambiguous_dates_offer_a_choice_and_the_preview_follows_it(window, qtbot, tmp_path):
    view = _previewing(window, qtbot, tmp_path, "inventory.csv", AMBIGUOUS)
    text = view.preview_label.text()
    assert "day-first or month-first" in text and "--date-format" not in text
    assert "Dates above" in text
    day_first = next(label for label, pattern in DATE_FORMATS if pattern == "%d/%m/%Y")
    view.date_format.setCurrentText(day_first)
    assert view.chosen_date_format() == "%d/%m/%Y"
    qtbot.waitUntil(lambda: "day-first" not in view.preview_label.text(), timeout=10_000)
    wait_idle(qtbot, window)
    frame = view.preview_model.frame
    assert list(frame["snapshot_date"]) == ["2026-04-03", "2026-06-05"]
    view.date_format.setCurrentText("%m/%d/%Y")  # a pattern typed by hand
    assert view.chosen_date_format() == "%m/%d/%Y"


def test_a_bad_cell_shows_what_the_file_says_in_red(window, qtbot, tmp_path):
    from planner.ui.views.common import DANGER

    view = _previewing(window, qtbot, tmp_path, "products.csv",
                       "sku,name,unit_cost\nMUG-01,Mug,4.50\nMUG-02,Cup,four\n")
    model = view.preview_model
    column = model.column_index("unit_cost")
    assert model.text(1, column) == "four"
    foreground = Qt.ItemDataRole.ForegroundRole
    colour = model.data(model.index(1, column), role=foreground)
    assert colour is not None and QBrush(colour).color() == DANGER
    assert model.data(model.index(0, column), role=foreground) is None


def test_clear_forgets_the_last_problems_too(window, qtbot, tmp_path):
    view = _previewing(window, qtbot, tmp_path, "products.csv", "sku,unit_cost\nMUG-01,four\n")
    view.run_import()
    wait_idle(qtbot, window)
    assert view.problem_model.rowCount() == 1 and "Nothing was imported" in view.result_label.text()
    view.clear()
    assert view.problem_model.rowCount() == 0 and view.preview_model.rowCount() == 0
    assert view.result_label.text() == "" and view.preview_label.text() == ""
