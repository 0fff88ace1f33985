"""What-if on a PO whose lines are due on different days: each line moves by exactly N days."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from planner.store import open_workspace
from planner.store.importers import import_files
from tests.ui.conftest import AS_OF, wait_idle

FILES = {
    "products.csv": "sku,name,supplier,unit_cost,unit_price,lead_time_days\n"
                    "KETTLE,Kettle,Acme,10,40,30\nTEAPOT,Teapot,Acme,8,30,30\n",
    "inventory.csv": "sku,on_hand\nKETTLE,0\nTEAPOT,0\n",
    # one PO, two lines due a week apart
    "purchase_orders.csv": "po_number,sku,quantity,expected_date,supplier,order_date\n"
                           "PO-7,KETTLE,10,2026-12-20,Acme,2026-11-01\n"
                           "PO-7,TEAPOT,10,2026-12-27,Acme,2026-11-01\n",
    "backorders.csv": "order_id,sku,quantity,order_date,promised_date\n"
                      "#1,KETTLE,2,2026-11-20,2026-12-24\n#2,KETTLE,3,2026-11-21,\n"
                      "#3,TEAPOT,1,2026-11-22,2026-12-31\n",
}


@pytest.fixture
def two_line_po(window, tmp_path, qtbot):
    """The window on a workspace whose PO-7 has a kettle line (20 Dec) and a teapot line (27 Dec)."""
    paths = []
    for name, text in FILES.items():
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    workspace = tmp_path / "two_lines.db"
    db = open_workspace(workspace, create=True)
    import_files(db, paths)
    db.conn.close()
    with qtbot.waitSignal(window.session.plan_ready, timeout=60_000):
        window.session.open(workspace, background=False)
    wait_idle(qtbot, window)
    what_if = window.pages["what_if"]
    window.show_page("what_if")
    what_if.start("PO-7", "KETTLE")
    return what_if


def _tried(what_if) -> dict[str, str]:
    lines = what_if.lines
    return dict(zip(lines["sku"], pd.to_datetime(lines["new_expected_date"]).dt.strftime("%Y-%m-%d"),
                    strict=True))


def _ship_shift(what_if) -> dict[str, int]:
    moved = what_if.comparison
    return dict(zip(moved["order_id"], moved["shift_days"], strict=True))


def test_two_weeks_later_moves_every_line_and_every_customer_by_fourteen_days(two_line_po, qtbot):
    assert two_line_po.session.as_of == AS_OF
    assert _tried(two_line_po) == {"KETTLE": "2026-12-20", "TEAPOT": "2026-12-27"}
    with qtbot.waitSignal(two_line_po.recomputed, timeout=5000):
        two_line_po.shift(14)
    assert _tried(two_line_po) == {"KETTLE": "2027-01-03", "TEAPOT": "2027-01-10"}
    assert _ship_shift(two_line_po) == {"#1": 14, "#2": 14, "#3": 14}
    with qtbot.waitSignal(two_line_po.recomputed, timeout=5000):
        two_line_po.shift(-7)
    assert _tried(two_line_po) == {"KETTLE": "2026-12-27", "TEAPOT": "2027-01-03"}
    assert _ship_shift(two_line_po) == {"#1": 7, "#2": 7, "#3": 7}


def test_applying_a_move_saves_each_line_moved_by_the_same_days(two_line_po, qtbot):
    window_session = two_line_po.session
    with qtbot.waitSignal(two_line_po.recomputed, timeout=5000):
        two_line_po.shift(14)
    two_line_po.apply_button.click()
    rows = dict(window_session.db.execute(
        "SELECT sku, expected_date FROM po_lines WHERE po_number = 'PO-7'").fetchall())
    assert rows == {"KETTLE": "2027-01-03", "TEAPOT": "2027-01-10"}
    window_session.undo_stack.undo()
    rows = dict(window_session.db.execute(
        "SELECT sku, expected_date FROM po_lines WHERE po_number = 'PO-7'").fetchall())
    assert rows == {"KETTLE": "2026-12-20", "TEAPOT": "2026-12-27"}


def test_an_explicit_date_says_whether_it_is_for_one_line_or_all(two_line_po, qtbot):
    scope = two_line_po.date_scope
    assert [scope.itemText(i) for i in range(scope.count())] == ["every line", "the selected line"]
    with qtbot.waitSignal(two_line_po.recomputed, timeout=5000):
        two_line_po.set_expected_date(dt.date(2027, 1, 5), every_line=False)
    # only the line the what-if was opened on (the kettle) moves
    assert _tried(two_line_po) == {"KETTLE": "2027-01-05", "TEAPOT": "2026-12-27"}
    assert _ship_shift(two_line_po) == {"#1": 16, "#2": 16, "#3": 0}
    with qtbot.waitSignal(two_line_po.recomputed, timeout=5000):
        two_line_po.set_expected_date(dt.date(2027, 1, 9), every_line=True)
    assert _tried(two_line_po) == {"KETTLE": "2027-01-09", "TEAPOT": "2027-01-09"}
