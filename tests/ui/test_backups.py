"""Backups from the app: back up now, restore one (and undo the restore), read-only when locked."""

from __future__ import annotations

from PySide6.QtWidgets import QInputDialog, QMessageBox

from planner.store import open_workspace
from planner.store.backup import list_backups
from planner.ui import dialogs
from tests.ui.conftest import open_and_wait, wait_idle


def _products(window) -> int:
    return window.session.db.execute("SELECT count(*) FROM products").fetchone()[0]


def test_back_up_now_then_restore_it_after_a_bad_edit(window, demo_path, qtbot, monkeypatch):
    told: list[str] = []
    monkeypatch.setattr(QMessageBox, "information",
                        lambda _parent, title, text: told.append(f"{title}: {text}"))
    open_and_wait(qtbot, window, demo_path)
    wait_idle(qtbot, window, timeout=90_000)
    before = _products(window)
    window.actions_by_id["backup_now"].trigger()
    qtbot.waitUntil(lambda: any(t.startswith("Backup written") for t in told), timeout=30_000)
    assert len(list_backups(demo_path)) == 1

    # a careless edit the buyer wants to take back
    with window.session.db.atomic():
        window.session.db.execute("DELETE FROM forecast_overrides")
        window.session.db.execute("INSERT INTO products(sku, name) VALUES ('OOPS', 'typo')")
    assert _products(window) == before + 1

    monkeypatch.setattr(QInputDialog, "getItem",
                        lambda _p, _t, _l, items, *_a: (items[0], True))
    with qtbot.waitSignal(window.session.workspace_opened, timeout=30_000):
        window.actions_by_id["restore_backup"].trigger()
    assert _products(window) == before
    assert any(t.startswith("Backup restored") and "undo" in t for t in told)
    # the state before the restore was kept, so the restore itself can be undone
    assert len(list_backups(demo_path)) == 2


def test_a_workspace_open_elsewhere_is_offered_read_only(window, demo_path, qtbot, monkeypatch):
    import subprocess
    import sys
    import textwrap

    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import sys, time
        from planner.store import open_workspace
        db = open_workspace({str(demo_path)!r})
        print("open", flush=True)
        sys.stdin.read()
    """)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "open"
        asked: list[str] = []
        monkeypatch.setattr(dialogs, "ask", lambda _p, _t, text, **_k: (
            asked.append(text), True)[1])
        open_and_wait(qtbot, window, demo_path)
        assert len(asked) == 1 and "open for writing" in asked[0]  # asked once
        assert _products(window) > 0
        before = open_workspace(demo_path, read_only=True).execute(
            "SELECT count(*) FROM products").fetchone()[0]
        assert before == _products(window)
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)
        holder.stdout.close()
