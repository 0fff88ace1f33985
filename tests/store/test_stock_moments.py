"""Stock counts and receipts compare moments, not dates (issue 23, item 1).

A count and a receipt each have a moment: when it was recorded in the workspace if that was on
its own date, else the end of its date. A receipt adds to the count's on-hand when it came after
it; receiving N always raises on-hand by N until a newer count; undoing it restores the plan.
"""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from planner.planning import COUNT_DAY_RECEIPTS, load_planning_data, run_plan
from planner.store import open_workspace, po_life
from planner.store.importers import import_files

D = dt.date
DAY = D(2026, 12, 7)


def _write(path, text):
    path.write_text(text, encoding="utf-8")
    return path


def _at(monkeypatch, moment: str) -> None:
    """Fix the moment things are recorded (and with it today)."""
    monkeypatch.setenv("PLANNER_NOW", moment)
    monkeypatch.delenv("PLANNER_TODAY", raising=False)


def _shop(db, tmp_path, *, count_date: str = "") -> None:
    """One SKU, 0 in stock counted (snapshot_date as given, else the day of the import), one
    PO of 440 due 10 December."""
    import_files(db, [_write(tmp_path / "products.csv",
                             "sku,supplier,unit_cost,unit_price,lead_time_days\n"
                             "MUG,Acme,2,5,30\n"),
                      _write(tmp_path / "po.csv",
                             "po_number,sku,quantity,expected_date,supplier,order_date\n"
                             "PO-1,MUG,440,2026-12-10,Acme,2026-11-01\n")])
    _count(db, tmp_path, 0, count_date)


def _count(db, tmp_path, on_hand: int, count_date: str = "") -> None:
    import_files(db, [_write(tmp_path / "count.csv",
                             f"sku,on_hand,snapshot_date\nMUG,{on_hand},{count_date}\n")])


def _on_hand(db, as_of: dt.date = DAY) -> tuple[int, int]:
    sku = run_plan(load_planning_data(db, as_of)).skus.set_index("sku").loc["MUG"]
    return int(sku["on_hand"]), int(sku["on_order"])


def _warning(db, as_of: dt.date = DAY) -> dict | None:
    found = [w for w in load_planning_data(db, as_of).warnings if w["kind"] == COUNT_DAY_RECEIPTS]
    return found[0] if found else None


def test_receiving_on_the_day_of_the_count_after_it_raises_on_hand_and_undo_restores(
        db, tmp_path, monkeypatch):
    _at(monkeypatch, "2026-12-07T08:30:00")
    _shop(db, tmp_path)  # the count imported in the morning
    assert _on_hand(db) == (0, 440)
    _at(monkeypatch, "2026-12-07T20:14:00")
    before = po_life.line_values(db, "PO-1", "MUG")
    with db.atomic():
        receipt = po_life.receive(db, "PO-1", "MUG", 400, DAY)
    assert _on_hand(db) == (400, 40)
    assert _warning(db) is None  # both moments are known: nothing to doubt
    with db.atomic():
        po_life.undo_receipt(db, receipt, before)
    assert _on_hand(db) == (0, 440)


def test_a_receipt_recorded_before_the_count_on_its_day_is_in_the_count(db, tmp_path,
                                                                        monkeypatch):
    _at(monkeypatch, "2026-12-06T18:00:00")
    _shop(db, tmp_path, count_date="2026-12-06")
    _at(monkeypatch, "2026-12-07T10:00:00")
    with db.atomic():
        po_life.receive(db, "PO-1", "MUG", 400, DAY)
    assert _on_hand(db) == (400, 40)
    _at(monkeypatch, "2026-12-07T17:00:00")
    _count(db, tmp_path, 395)  # the afternoon count has the morning's delivery in it
    assert _on_hand(db) == (395, 40)
    assert _warning(db) is None


def test_a_newer_count_holds_the_receipt(db, tmp_path, monkeypatch):
    _at(monkeypatch, "2026-12-07T08:30:00")
    _shop(db, tmp_path)
    _at(monkeypatch, "2026-12-07T20:14:00")
    with db.atomic():
        po_life.receive(db, "PO-1", "MUG", 400, DAY)
    _at(monkeypatch, "2026-12-08T07:00:00")
    _count(db, tmp_path, 390)
    assert _on_hand(db, D(2026, 12, 8)) == (390, 40)


def test_reimporting_the_same_count_later_does_not_swallow_a_receipt(db, tmp_path, monkeypatch):
    _at(monkeypatch, "2026-12-07T08:30:00")
    _shop(db, tmp_path)
    _at(monkeypatch, "2026-12-07T20:14:00")
    with db.atomic():
        po_life.receive(db, "PO-1", "MUG", 400, DAY)
    _at(monkeypatch, "2026-12-07T21:00:00")
    _count(db, tmp_path, 0)  # the same file again changes nothing, its moment included
    assert _on_hand(db) == (400, 40)


def test_a_count_with_a_date_only_holds_that_days_receipts_with_a_warning_and_not_in_count(
        db, tmp_path, monkeypatch):
    _at(monkeypatch, "2026-12-06T12:00:00")
    _shop(db, tmp_path, count_date="2026-12-06")
    _at(monkeypatch, "2026-12-07T20:14:00")
    with db.atomic():
        po_life.receive(db, "PO-1", "MUG", 20, DAY)
    assert _on_hand(db) == (20, 420)
    _at(monkeypatch, "2026-12-08T09:00:00")
    _count(db, tmp_path, 0, "2026-12-07")  # a count file dated the 7th, imported on the 8th
    later = D(2026, 12, 8)
    assert _on_hand(db, later) == (0, 420)  # its moment is the end of the 7th: it holds the 20
    warning = _warning(db, later)
    assert warning["count"] == 1 and "PO-1 / MUG" in warning["message"]
    assert "not in the count" in warning["message"]
    with db.atomic():
        before = po_life.set_not_in_count(db, "PO-1", "MUG", later)
    assert _on_hand(db, later) == (20, 420)
    assert _warning(db, later) is None
    with db.atomic():
        po_life.undo_not_in_count(db, "PO-1", "MUG", before)
    assert _on_hand(db, later) == (0, 420)


def test_a_file_receipt_dated_the_count_day_imported_before_the_count_warns(db, tmp_path,
                                                                           monkeypatch):
    _at(monkeypatch, "2026-12-06T12:00:00")
    _shop(db, tmp_path, count_date="2026-12-06")
    _at(monkeypatch, "2026-12-07T08:00:00")
    import_files(db, [_write(tmp_path / "receipt.csv",
                             "po_number,sku,quantity,expected_date,received_quantity,"
                             "received_date\nPO-1,MUG,440,2026-12-10,100,2026-12-07\n")])
    assert _on_hand(db) == (100, 340)  # after the count of the 6th
    _at(monkeypatch, "2026-12-07T09:00:00")
    _count(db, tmp_path, 100)
    assert _on_hand(db) == (100, 340)  # in the count of 9:00, by the rule
    assert _warning(db)["count"] == 1
    with db.atomic():
        po_life.set_not_in_count(db, "PO-1", "MUG", DAY)
    assert _on_hand(db) == (200, 340)


def test_a_file_receipt_imported_after_the_count_on_its_day_adds(db, tmp_path, monkeypatch):
    _at(monkeypatch, "2026-12-07T08:00:00")
    _shop(db, tmp_path)
    _at(monkeypatch, "2026-12-07T16:00:00")
    import_files(db, [_write(tmp_path / "receipt.csv",
                             "po_number,sku,quantity,expected_date,received_quantity,"
                             "received_date\nPO-1,MUG,440,2026-12-10,100,2026-12-07\n")])
    assert _on_hand(db) == (100, 340)
    assert _warning(db) is None


def _mugs(db, as_of: dt.date) -> int:
    stock = load_planning_data(db, as_of).inventory
    return int(stock.loc[stock["sku"] == "MUG", "on_hand"].sum())


@settings(max_examples=20, deadline=None)
@given(count_minute=st.integers(0, 24 * 60 - 1), offsets=st.lists(
    st.tuples(st.integers(1, 3 * 24 * 60), st.integers(1, 500)), min_size=1, max_size=4))
def test_recording_a_receipt_of_n_raises_on_hand_by_n_until_a_newer_count(
        tmp_path_factory, count_minute, offsets):
    """A count recorded on its own day at any time; receipts recorded after it, on that day or
    the next two, each dated the day it is recorded: each raises on-hand by its quantity, and
    undoing them takes it back off (20 generated workspaces)."""
    import os

    path = tmp_path_factory.mktemp("moments") / "shop.db"
    db = open_workspace(path)
    start = dt.datetime(2026, 12, 7) + dt.timedelta(minutes=count_minute)
    old = os.environ.get("PLANNER_NOW")
    try:
        os.environ["PLANNER_NOW"] = start.isoformat()
        _shop(db, path.parent)
        as_of = D(2026, 12, 10)
        expected = 0
        moment = start
        receipts: list = []
        for minutes, quantity in offsets:
            moment = moment + dt.timedelta(minutes=minutes)
            if moment.date() >= as_of:
                break
            os.environ["PLANNER_NOW"] = moment.isoformat()
            db.execute("UPDATE po_lines SET quantity = quantity + ?", [quantity])
            before = po_life.line_values(db, "PO-1", "MUG")
            with db.atomic():
                receipts.append((po_life.receive(db, "PO-1", "MUG", quantity, moment.date()),
                                 before, quantity))
            expected += quantity
            assert _mugs(db, as_of) == expected
        for receipt, before, quantity in reversed(receipts):  # undo restores, step by step
            with db.atomic():
                po_life.undo_receipt(db, receipt, before)
            expected -= quantity
            assert _mugs(db, as_of) == expected
        assert expected == 0
    finally:
        if old is None:
            os.environ.pop("PLANNER_NOW", None)
        else:
            os.environ["PLANNER_NOW"] = old
        db.conn.close()
