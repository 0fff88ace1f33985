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


STOCKOUT_FILES = {
    "products.csv": "sku,name,supplier,unit_cost,unit_price,lead_time_days\n"
                    "KETTLE,Kettle,Acme,10,40,30\n",
    "inventory.csv": "sku,on_hand,snapshot_date\nKETTLE,14,2026-12-02\n",
    "overrides.csv": "sku,demand_per_day,demand_std_per_day\nKETTLE,2,0\n",
    # sellable 18 Dec (16 Dec + 2 days dock-to-stock); the 14 on hand last until 9 Dec
    "purchase_orders.csv": "po_number,sku,quantity,expected_date,supplier,order_date\n"
                           "PO-9,KETTLE,100,2026-12-16,Acme,2026-11-01\n",
}


def test_moving_the_po_of_a_sku_that_stocks_out_in_a_week_shows_what_it_costs(
        window, tmp_path, qtbot):
    """No customer waits today, so the old tiles all said 0; the shortage tiles show the
    stockout the move makes longer (issue 23, item 7)."""
    paths = []
    for name, text in STOCKOUT_FILES.items():
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    workspace = tmp_path / "stockout.db"
    db = open_workspace(workspace, create=True)
    import_files(db, paths)
    db.conn.close()
    with qtbot.waitSignal(window.session.plan_ready, timeout=60_000):
        window.session.open(workspace, background=False)
    wait_idle(qtbot, window)
    what_if = window.pages["what_if"]
    window.show_page("what_if")
    with qtbot.waitSignal(what_if.recomputed, timeout=5000):
        what_if.start("PO-9", "KETTLE")
    tiles = what_if.tiles
    # counted until the PO is sellable in both versions (18 Dec now): days 8 … 15 end short
    # (8 days), 16 units, 16 × USD 40 = USD 640
    assert tiles["stockout_days"].caption.text() == "Stockout days to 2026-12-18"
    assert (tiles["stockout_days"].value.text(), tiles["units_short"].value.text(),
            tiles["revenue_short"].value.text()) == ("8", "16", "USD 640.00")
    with qtbot.waitSignal(what_if.recomputed, timeout=5000):
        what_if.shift(7)
    # a week later (sellable 25 Dec): days 8 … 22 short: 15 days, 30 units, USD 1,200
    assert tiles["stockout_days"].caption.text() == "Stockout days to 2026-12-25"
    assert (tiles["stockout_days"].value.text(), tiles["stockout_days"].detail.text()) == \
        ("15", "now 8")
    assert (tiles["units_short"].value.text(), tiles["units_short"].detail.text()) == \
        ("30", "now 16")
    assert tiles["revenue_short"].value.text() == "USD 1,200.00"
    assert tiles["revenue_short"].detail.text() == \
        "now USD 640.00 · the what-if loses USD 560.00"
    with qtbot.waitSignal(what_if.recomputed, timeout=5000):
        what_if.shift(-14)
    # a week earlier (sellable 11 Dec): day 8 short only (2 units); the window is to 18 Dec
    assert (tiles["stockout_days"].value.text(), tiles["units_short"].value.text()) == ("1", "2")
    assert tiles["revenue_short"].detail.text() == \
        "now USD 640.00 · the what-if keeps USD 560.00"
    # the plan's own columns are the same projection, over the whole horizon
    plan = window.session.plan.skus.set_index("sku").loc["KETTLE"]
    assert plan["projected_units_short"] >= 16
