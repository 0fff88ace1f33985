"""UI fixtures: the real main window on real workspace files in temporary folders."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest
from PySide6.QtCore import QSettings

from planner.store import open_workspace
from planner.ui import errors, paths

DEMO_SKUS = 30
DEMO_YEARS = 2.0
#: Every UI test plans as of this date, whatever the calendar says (the demo is written as of it).
AS_OF = dt.date(2026, 12, 2)


@pytest.fixture(autouse=True)
def isolated_app_state(tmp_path, monkeypatch):
    """Window layout, recent files and the default workspace live in the test's folder."""
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "qt"))
    monkeypatch.setenv("PLANNER_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setattr(errors, "modal_dialogs", False)
    yield


@pytest.fixture(autouse=True)
def opened_folders(monkeypatch):
    """The folders the app asked the file manager to show (in tests, none is opened)."""
    opened: list[str] = []
    monkeypatch.setattr(paths, "open_folder", opened.append)
    return opened


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory):
    """A small demo workspace written once per test run (copied for each test)."""
    from planner.demo import write_demo

    path = tmp_path_factory.mktemp("demo") / "demo.db"
    db = open_workspace(path)
    write_demo(db, skus=DEMO_SKUS, years=DEMO_YEARS, seed=7, as_of=AS_OF)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.conn.close()
    return path


@pytest.fixture
def demo_path(demo_template, tmp_path):
    """This test's own copy of the demo workspace."""
    target = tmp_path / "demo.db"
    shutil.copyfile(demo_template, target)
    return target


@pytest.fixture
def window(qtbot):
    """The main window, closed (and its workers stopped) after the test."""
    from planner.ui.main_window import MainWindow

    win = MainWindow(as_of=AS_OF)
    qtbot.addWidget(win)
    win.show()
    yield win
    from planner.ui.charts import chart_tasks

    chart_tasks().shutdown()
    win.tasks.shutdown()
    win.session.close()


@pytest.fixture(scope="session")
def demo_outcome(demo_template):
    """The demo's plan, computed once per run by the app's own worker function."""
    from planner.ui.plan_outcome import plan_workspace

    return plan_workspace(demo_template, AS_OF, lambda _f, _w: None)


@pytest.fixture
def planned(window, demo_path, demo_outcome, qtbot):
    """The window on this test's copy of the demo, showing the demo's plan.

    The plan is computed once per run (the same data); edits in a test replan for real.
    """
    window.session.open(demo_path, replan=False, background=False)
    window.show_page("products")  # the dashboard's charts are drawn only by the tests about them
    window.session.show_outcome(demo_outcome)
    wait_idle(qtbot, window)
    return window


def open_and_wait(qtbot, window, path, timeout: int = 30_000) -> None:
    """Open a workspace the way the app does (checked in the background) and wait for it."""
    with qtbot.waitSignal(window.session.workspace_opened, timeout=timeout):
        assert window.open_workspace(path)


def wait_idle(qtbot, window, timeout: int = 30_000) -> None:
    """Wait until no background work (plans, reads, charts) is running."""
    from planner.ui.charts import chart_tasks

    qtbot.waitUntil(lambda: not window.tasks.busy and not chart_tasks().busy, timeout=timeout)
