"""A purchase order's life in the store: states, receipts, the audit trail, the stock rule."""

from __future__ import annotations

import datetime as dt

import pytest

from planner.planning import load_planning_data, run_plan
from planner.store import po_life
from planner.store.importers import import_files

D = dt.date


def _write(path, text):
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def shop(db, tmp_path):
    """One SKU, 10 in stock counted on 1 March, one PO of 100 due 20 March (sent)."""
    import_files(db, [_write(tmp_path / "products.csv",
                             "sku,supplier,unit_cost,unit_price,lead_time_days\n"
                             "MUG,Acme,2,5,30\n"),
                      _write(tmp_path / "inventory.csv",
                             "sku,on_hand,snapshot_date\nMUG,10,2025-03-01\n"),
                      _write(tmp_path / "po.csv",
                             "po_number,sku,quantity,expected_date,supplier,order_date\n"
                             "PO-1,MUG,100,2025-03-20,Acme,2025-02-01\n")])
    return db


def _stock(db, as_of):
    data = load_planning_data(db, as_of)
    sku = run_plan(data).skus.set_index("sku").loc["MUG"]
    return int(sku["on_hand"]), int(sku["on_order"])


def test_a_po_from_a_file_is_sent_and_one_receipt_makes_it_partly_received(shop):
    assert po_life.state_of(shop, "PO-1") == "sent"
    with shop.atomic():
        po_life.receive(shop, "PO-1", "MUG", 30, D(2025, 3, 5))
    assert po_life.state_of(shop, "PO-1") == "partly received"
    with shop.atomic():
        po_life.receive(shop, "PO-1", "MUG", 70, D(2025, 3, 6))
    assert po_life.state_of(shop, "PO-1") == "received"
    assert shop.execute("SELECT received_quantity, received_date, status FROM po_lines"
                        ).fetchone() == (100, "2025-03-06", "received")
    trail = po_life.history(shop, "PO-1")
    assert list(trail["action"]) == ["received", "received", "created"]
    assert trail["detail"].iloc[0] == "70 received on 2025-03-06 (100 of 100)"


def test_a_receipt_after_the_stock_count_adds_to_on_hand_until_a_newer_count(shop, tmp_path):
    assert _stock(shop, D(2025, 3, 10)) == (10, 100)
    with shop.atomic():
        po_life.receive(shop, "PO-1", "MUG", 30, D(2025, 3, 5))  # after the 1 March count
    assert _stock(shop, D(2025, 3, 10)) == (40, 70)
    # a count on 8 March already has the 30 in it: they are not added twice
    import_files(shop, [_write(tmp_path / "count.csv",
                               "sku,on_hand,snapshot_date\nMUG,38,2025-03-08\n")])
    assert _stock(shop, D(2025, 3, 10)) == (38, 70)


def test_a_receipt_on_or_before_the_stock_count_is_in_it_already(shop):
    with shop.atomic():
        po_life.receive(shop, "PO-1", "MUG", 30, D(2025, 3, 1))  # the count's own day
    assert _stock(shop, D(2025, 3, 10)) == (10, 70)


def test_a_receipt_file_dates_its_units_by_received_date(shop, tmp_path):
    import_files(shop, [_write(tmp_path / "receipt.csv",
                               "po_number,sku,quantity,expected_date,received_quantity,"
                               "received_date\nPO-1,MUG,100,2025-03-20,25,2025-03-04\n")])
    assert _stock(shop, D(2025, 3, 10)) == (35, 75)
    assert po_life.state_of(shop, "PO-1") == "partly received"
    assert po_life.history(shop, "PO-1")["action"].iloc[0] == "received"


def test_the_suppliers_answer_confirms_the_po_and_is_in_the_trail(shop, tmp_path):
    with shop.atomic():
        po_life.set_state(shop, "PO-1", "draft")
        po_life.mark_sent(shop, ["PO-1"], on=D(2025, 2, 2), how="test")
    assert po_life.header(shop, "PO-1")["sent_date"] == "2025-02-02"
    import_files(shop, [_write(tmp_path / "answer.csv",
                               "po_number,sku,quantity,expected_date,confirmed_quantity,"
                               "confirmed_date,supplier_comment\n"
                               "PO-1,MUG,100,2025-03-20,80,2025-03-27,short of glaze\n")])
    assert po_life.state_of(shop, "PO-1") == "confirmed"
    diff = po_life.confirmation_differences(shop, "PO-1").iloc[0]
    assert (diff["quantity_difference"], diff["days_later"], diff["supplier_comment"]) == (
        -20, 7, "short of glaze")
    assert po_life.history(shop, "PO-1")["action"].iloc[:2].tolist() == [
        "confirmed", "supplier answer"]
    assert _stock(shop, D(2025, 3, 10)) == (10, 80)


def test_cancelling_a_po_leaves_received_lines_and_is_undone(shop):
    with shop.atomic():
        before = po_life.cancel(shop, "PO-1")
    assert po_life.state_of(shop, "PO-1") == "cancelled"
    with shop.atomic():
        po_life.undo_cancel(shop, "PO-1", before)
    assert po_life.state_of(shop, "PO-1") == "sent"


def test_a_short_confirmation_is_what_the_line_owes_and_receive_closes_it(shop):
    """Issue 23, item 6: confirmed 80 of 100 by phone: the plan owes 80, receiving 80 receives
    the line; undo takes the answer back."""
    with shop.atomic():
        before = po_life.confirm(shop, "PO-1", [po_life.Answer("MUG", 80, D(2025, 3, 27),
                                                               "short of glaze")], how="phone")
    assert po_life.state_of(shop, "PO-1") == "confirmed"
    assert _stock(shop, D(2025, 3, 10)) == (10, 80)
    trail = po_life.history(shop, "PO-1")
    assert trail["detail"].iloc[1] == ("quantity 80 (ordered 100), date 2025-03-27 (expected "
                                       "2025-03-20): short of glaze (phone)")
    with shop.atomic():
        po_life.receive(shop, "PO-1", "MUG", 80, D(2025, 3, 5))
    assert po_life.state_of(shop, "PO-1") == "received"
    assert _stock(shop, D(2025, 3, 10)) == (90, 0)
    shop.execute("DELETE FROM po_receipts")
    shop.execute("UPDATE po_lines SET received_quantity = 0, received_date = NULL, "
                 "status = 'open'")
    with shop.atomic():
        po_life.undo_confirm(shop, "PO-1", before)
    assert po_life.state_of(shop, "PO-1") == "sent"
    assert _stock(shop, D(2025, 3, 10)) == (10, 100)


def test_an_answer_is_refused_for_a_cancelled_line_or_a_quantity_below_one(shop):
    with pytest.raises(ValueError, match="at least 1"):
        with shop.atomic():
            po_life.confirm(shop, "PO-1", [po_life.Answer("MUG", 0)])
    with pytest.raises(ValueError, match="has no line for SKU CUP"):
        with shop.atomic():
            po_life.confirm(shop, "PO-1", [po_life.Answer("CUP", 5)])
    with shop.atomic():
        before = po_life.cancel_line(shop, "PO-1", "MUG")
    assert po_life.state_of(shop, "PO-1") == "cancelled"
    with pytest.raises(ValueError, match="MUG is cancelled"):
        with shop.atomic():
            po_life.confirm(shop, "PO-1", [po_life.Answer("MUG", 5)])
    with pytest.raises(ValueError, match="MUG is cancelled"):
        with shop.atomic():
            po_life.receive(shop, "PO-1", "MUG", 5, D(2025, 3, 5))
    with shop.atomic():
        po_life.undo_cancel(shop, "PO-1", before)
    assert po_life.state_of(shop, "PO-1") == "sent"
    assert po_life.confirmation_differences(shop, "PO-1")["confirmed_quantity"].isna().all()
