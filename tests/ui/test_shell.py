"""The window shell: pages, menus, shortcuts, remembered layout, the empty workspace."""

from __future__ import annotations

from PySide6.QtWidgets import QMenu

from planner.ui import paths
from planner.ui.main_window import PAGES, MainWindow
from tests.ui.conftest import AS_OF, open_and_wait, wait_idle


def test_every_page_is_reachable_from_the_navigation(window):
    for row, (page_id, _label) in enumerate(PAGES):
        window.nav.setCurrentRow(row)
        assert window.current_page() == page_id


def test_menus_hold_the_file_edit_and_help_actions(window):
    # (by the menus themselves: QAction.menu() gives a dead wrapper on PySide6 6.6)
    menus = {m.title().replace("&", ""): m for m in window.menuBar().findChildren(QMenu)}
    assert {"File", "Edit", "Help"} <= set(menus)
    file_items = [a.text().replace("&", "") for a in menus["File"].actions()]
    for wanted in ("New workspace…", "Open workspace…", "Open recent", "Open demo workspace",
                   "Import files…", "Export purchase-plan PDFs…"):
        assert wanted in file_items
    edit_items = [a.objectName() for a in menus["Edit"].actions()]
    assert "action_undo" in edit_items and "action_redo" in edit_items
    assert not window.actions_by_id["replan"].shortcut().isEmpty()


def test_a_new_empty_workspace_offers_the_demo_and_import(window, tmp_path, qtbot):
    open_and_wait(qtbot, window, tmp_path / "new.db")
    dashboard = window.pages["dashboard"]
    assert window.current_page() == "dashboard"
    assert dashboard.empty.isVisible()
    assert "empty" in dashboard.subtitle.text()


def test_window_layout_and_last_workspace_are_remembered(qtbot, tmp_path):
    first = MainWindow(as_of=AS_OF)
    qtbot.addWidget(first)
    first.show()
    first.resize(first.width(), first.minimumSizeHint().height() + 23)
    height = first.height()
    open_and_wait(qtbot, first, tmp_path / "kept.db")
    first.show_page("suppliers")
    wait_idle(qtbot, first)
    first.close()
    assert paths.last_workspace() == (tmp_path / "kept.db").resolve()
    assert str((tmp_path / "kept.db").resolve()) in paths.recent_workspaces()
    second = MainWindow(as_of=AS_OF)
    qtbot.addWidget(second)
    assert second.height() == height
    second.close()


def test_a_file_that_is_not_a_workspace_is_explained_and_left_alone(window, tmp_path, qtbot):
    junk = tmp_path / "notes.db"
    junk.write_bytes(b"this is not sqlite" * 100)
    with qtbot.waitSignal(window.session.open_failed, timeout=10_000) as failure:
        window.open_workspace(junk)
    assert "not" in failure.args[0].lower()
    assert junk.read_bytes() == b"this is not sqlite" * 100
    assert window.session.db is None


def test_error_messages_speak_to_the_user_not_in_class_names():
    from planner.store.workspace import WorkspaceDamaged
    from planner.ui.errors import describe

    damaged = WorkspaceDamaged("shop.db is damaged; restore it with `planner restore shop.db`")
    assert describe(damaged) == "shop.db is damaged; restore it with `planner restore shop.db`"
    assert "ValueError" not in describe(ValueError("cannot convert 'x'"))
    assert "cannot convert 'x'" in describe(ValueError("cannot convert 'x'"))


def test_with_no_workspace_the_toolbar_shows_no_service_level(window, qtbot, tmp_path):
    assert window.service_level.text() == "—" and not window.service_level.isEnabled()
    open_and_wait(qtbot, window, tmp_path / "new.db")
    assert window.service_level.isEnabled()
    assert window.service_level.text() == "95.0 %"
