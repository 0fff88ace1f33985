"""Text that looks finished: dialog titles short enough for a title bar (the detail is in the
body); a data file opened as a workspace is offered for import; a workspace open elsewhere asks
once."""

from __future__ import annotations

import ast
import subprocess
import sys
import textwrap
from pathlib import Path

from PySide6.QtWidgets import QMessageBox

from planner.ui import dialogs, errors, paths
from tests.ui.conftest import wait_idle

UI = Path(__file__).resolve().parents[2] / "planner" / "ui"
#: the calls that put up a message box, and the position of their title argument
TITLED = {"ask": 1, "tell": 1, "show_error": 1, "warning": 1, "information": 1, "question": 1,
          "critical": 1}


def _titles():
    """(file:line, title node) of every message box the app's code puts up."""
    for source in UI.rglob("*.py"):
        tree = ast.parse(source.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "attr", getattr(node.func, "id", ""))
            if name in TITLED and len(node.args) > TITLED[name] and (
                    name in ("ask", "tell", "show_error")
                    or getattr(node.func.value, "id", "") == "QMessageBox"):
                yield f"{source.name}:{node.lineno}", node.args[TITLED[name]]


def test_every_dialog_title_is_short_and_fixed():
    found = list(_titles())
    assert len(found) >= 15
    for where, title in found:
        if isinstance(title, ast.Name) and title.id == "title":
            continue  # dialogs.py / errors.py pass their caller's title on
        assert isinstance(title, ast.Constant), f"{where}: a title built from data can grow long"
        assert len(title.value) <= 26, f"{where}: {title.value!r} is too long for a title bar"


def test_a_message_box_is_as_wide_as_its_title(qtbot):
    box = dialogs.tell(None, "Purchase orders created", "Done.")
    qtbot.addWidget(box)
    needed = box.fontMetrics().horizontalAdvance(box.windowTitle()) + 100
    assert box.sizeHint().width() >= needed
    box.close()


def test_an_error_says_what_failed_in_its_body_under_a_short_title(qtbot):
    errors.show_error(None, "Not done", ValueError("the file has no header row"),
                      headline="Writing the customer update list failed.")
    box = errors._open_boxes[-1]
    qtbot.addWidget(box)
    assert box.windowTitle() == "Not done"
    assert box.text().startswith("Writing the customer update list failed.\n\n")
    box.close()


def _holder(path: Path) -> subprocess.Popen:
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import sys
        from planner.store import open_workspace
        db = open_workspace({str(path)!r})
        print("open", flush=True)
        sys.stdin.read()
    """)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "open"
    return holder


def test_a_workspace_open_elsewhere_asks_once_and_no_means_no_more_boxes(window, demo_path,
                                                                         qtbot, monkeypatch):
    holder = _holder(demo_path)
    try:
        asked: list[str] = []
        monkeypatch.setattr(dialogs, "ask", lambda _p, title, text, **_k: (
            asked.append(title), False)[1])
        before = list(errors._open_boxes)  # other tests' boxes may still be open
        with qtbot.waitSignal(window.session.open_failed, timeout=30_000):
            window.open_workspace(demo_path)
        wait_idle(qtbot, window)
        assert asked == ["Open read-only?"]
        assert not [b for b in window.findChildren(QMessageBox) if b.isVisible()]
        assert [b for b in errors._open_boxes if b not in before] == []  # no second box
        assert window.session.path is None
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)
        holder.stdout.close()


def _products_csv(folder: Path) -> Path:
    path = folder / "products.csv"
    path.write_text("sku,name,supplier,unit_cost\nNEW-1,New mug,Acme,2.50\n", encoding="utf-8")
    return path


def test_opening_a_csv_as_a_workspace_offers_to_import_it_into_the_default_one(window, tmp_path,
                                                                               qtbot):
    data = _products_csv(tmp_path)
    with qtbot.waitSignal(window.session.workspace_opened, timeout=30_000):
        assert window.open_workspace(data)
    assert "products.csv is a data file, not a Planner workspace" in dialogs.last_question
    assert window.session.path == paths.default_workspace_path().resolve()
    assert window.current_page() == "import"
    assert window.pages["import"].files == [str(data)]
    wait_idle(qtbot, window)


def test_opening_a_csv_with_a_workspace_open_imports_into_that_one(planned, tmp_path, qtbot):
    data = _products_csv(tmp_path)
    before = planned.session.path
    assert planned.open_workspace(data)
    assert str(before) in dialogs.last_question
    assert planned.session.path == before and planned.current_page() == "import"
    assert planned.pages["import"].files == [str(data)]
    wait_idle(qtbot, planned)
