"""Data safety, round three (issue 26 items 2, 5, 8, 11): undo, re-imports and audit rows of
purchase orders changed both in the app and by files."""

from __future__ import annotations

import datetime as dt

import pytest

from planner.errors import UserError
from planner.store import po_life
from planner.store.importers import import_files

D = dt.date


def _write(path, text):
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def shop(db, tmp_path):
    """One SKU, one sent PO of 200 units ordered 1 February."""
    import_files(db, [_write(tmp_path / "products.csv",
                             "sku,supplier,unit_cost,unit_price,lead_time_days\n"
                             "MUG,Acme Ltd,2,5,30\n"),
                      _write(tmp_path / "po.csv",
                             "po_number,sku,quantity,expected_date,supplier,order_date\n"
                             "PO-1,MUG,200,2025-03-20,Acme Ltd,2025-02-01\n")])
    return db


def _line(db):
    return db.execute("SELECT received_quantity, received_date, status FROM po_lines "
                      "WHERE po_number = 'PO-1' AND sku = 'MUG'").fetchone()


def _import(db, tmp_path, row, header="po_number,sku,quantity,expected_date,received_quantity,"
                                      "received_date", name="receipts.csv"):
    return import_files(db, [_write(tmp_path / name, f"{header}\n{row}\n")])


# --- item 2: an undo reverses only its own change ----------------------------------------------
def test_undoing_a_receipt_after_an_import_keeps_the_imports_units(shop, tmp_path):
    with shop.atomic():
        before = po_life.line_values(shop, "PO-1", "MUG")
        receipt = po_life.receive(shop, "PO-1", "MUG", 50, D(2025, 3, 5))
    _import(shop, tmp_path, "PO-1,MUG,200,2025-03-20,160,2025-03-10")
    assert _line(shop) == (160, "2025-03-10", "open")
    with shop.atomic():
        po_life.undo_receipt(shop, receipt, before)
    assert _line(shop) == (110, "2025-03-10", "open")  # the file's 110 units stay
    assert shop.execute("SELECT COUNT(*) FROM po_receipts").fetchone() == (0,)


def test_undoing_the_receipt_that_completed_a_line_opens_it_again(shop):
    with shop.atomic():
        po_life.receive(shop, "PO-1", "MUG", 50, D(2025, 3, 5))
        before = po_life.line_values(shop, "PO-1", "MUG")
        receipt = po_life.receive(shop, "PO-1", "MUG", 150, D(2025, 3, 9))
    assert _line(shop) == (200, "2025-03-09", "received")
    with shop.atomic():
        po_life.undo_receipt(shop, receipt, before)
    assert _line(shop) == (50, "2025-03-05", "open")


def test_undoing_a_receipt_the_line_no_longer_holds_is_refused(shop):
    with shop.atomic():
        before = po_life.line_values(shop, "PO-1", "MUG")
        receipt = po_life.receive(shop, "PO-1", "MUG", 50, D(2025, 3, 5))
    shop.execute("UPDATE po_lines SET received_quantity = 20")  # changed since, by other means
    with pytest.raises(UserError, match="holds only 20 received"), shop.atomic():
        po_life.undo_receipt(shop, receipt, before)
    assert _line(shop)[0] == 20


def test_undoing_a_cancellation_after_an_import_received_the_line_keeps_it_received(
        shop, tmp_path):
    with shop.atomic():
        before = po_life.cancel(shop, "PO-1")
    _import(shop, tmp_path, "PO-1,MUG,200,2025-03-20,200,2025-03-10,received",
            header="po_number,sku,quantity,expected_date,received_quantity,received_date,status")
    with pytest.raises(UserError, match="no longer cancelled"), shop.atomic():
        po_life.undo_cancel(shop, "PO-1", before)
    assert _line(shop) == (200, "2025-03-10", "received")


def test_undoing_an_answer_after_a_confirmation_file_keeps_the_files_answer(shop, tmp_path):
    with shop.atomic():
        before = po_life.confirm(shop, "PO-1", [po_life.Answer("MUG", quantity=180)])
    _import(shop, tmp_path, "PO-1,MUG,200,2025-03-20,150,2025-03-25",
            header="po_number,sku,quantity,expected_date,confirmed_quantity,confirmed_date")
    with shop.atomic():
        po_life.undo_confirm(shop, "PO-1", before)
    assert shop.execute("SELECT confirmed_quantity, confirmed_date FROM po_lines").fetchone() \
        == (150, "2025-03-25")


def test_undoing_a_line_edit_after_an_import_changed_the_line_is_refused(shop, tmp_path):
    from planner.store import edits
    with shop.atomic():
        edits.set_po_line(shop, "PO-1", "MUG", expected_date="2025-03-25", quantity=220,
                          action="edited", detail="")
    _import(shop, tmp_path, "PO-1,MUG,240,2025-03-20",
            header="po_number,sku,quantity,expected_date")
    with pytest.raises(UserError, match="changed since"), shop.atomic():
        edits.undo_po_line_edit(shop, "PO-1", "MUG", old=("2025-03-20", 200),
                                new=("2025-03-25", 220))
    assert shop.execute("SELECT expected_date, quantity FROM po_lines").fetchone() \
        == ("2025-03-20", 240)


# --- item 5: a file never lowers received units below the app's receipts ----------------------
def test_an_older_file_lowering_received_below_the_apps_receipts_is_refused(shop, tmp_path):
    from planner.store.importers import ImportRejected
    with shop.atomic():
        po_life.receive(shop, "PO-1", "MUG", 50, D(2025, 3, 5))
        po_life.receive(shop, "PO-1", "MUG", 110, D(2025, 3, 8))
    with pytest.raises(ImportRejected) as caught:
        _import(shop, tmp_path, "PO-1,MUG,200,2025-03-20,50,2025-03-05", name="old.csv")
    assert str(caught.value) == (
        "old.csv, row 2, column received_quantity: this file says 50 received, but the "
        "workspace has 160 received in the app (receipts on 2025-03-05, 2025-03-08): correct "
        "the file or take the receipts back in the app")
    assert _line(shop) == (160, "2025-03-08", "open")


def test_a_file_at_or_above_the_apps_receipts_imports(shop, tmp_path):
    with shop.atomic():
        po_life.receive(shop, "PO-1", "MUG", 50, D(2025, 3, 5))
    _import(shop, tmp_path, "PO-1,MUG,200,2025-03-20,50,2025-03-05")
    assert _line(shop) == (50, "2025-03-05", "open")
    _import(shop, tmp_path, "PO-1,MUG,200,2025-03-20,70,2025-03-09")
    assert _line(shop) == (70, "2025-03-09", "open")


# --- item 8: every change an import makes to a PO line is in the audit trail ------------------
def _trail(db):
    return [(a, d) for a, d in db.execute(
        "SELECT action, detail FROM po_events WHERE po_number = 'PO-1' ORDER BY id")][1:]


def test_a_line_cancelled_in_the_app_stays_cancelled_when_the_file_gives_no_status(
        shop, tmp_path):
    with shop.atomic():
        po_life.cancel(shop, "PO-1")
    _import(shop, tmp_path, "PO-1,MUG,200,2025-03-20,0,,",
            header="po_number,sku,quantity,expected_date,received_quantity,received_date,status")
    assert _line(shop)[2] == "cancelled"
    assert po_life.state_of(shop, "PO-1") == "cancelled"


def test_a_file_that_says_open_reopens_a_cancelled_line_and_says_so(shop, tmp_path):
    with shop.atomic():
        po_life.cancel(shop, "PO-1")
    [summary] = _import(shop, tmp_path, "PO-1,MUG,200,2025-03-20,open",
                        header="po_number,sku,quantity,expected_date,status")
    assert _line(shop)[2] == "open"
    assert any("PO-1 / MUG: cancelled in the workspace, open again because receipts.csv says "
               "status open" in n for n in summary.notes), summary.notes
    assert _trail(shop)[-1] == ("reopened", "cancelled → open by import of receipts.csv")


def test_quantity_date_cancel_and_lowered_receipts_by_import_are_audited(shop, tmp_path):
    header = "po_number,sku,quantity,expected_date,received_quantity,received_date,status"
    _import(shop, tmp_path, "PO-1,MUG,200,2025-03-20,160,2025-03-10,open", header=header)
    _import(shop, tmp_path, "PO-1,MUG,240,2025-03-25,60,2025-03-10,open", header=header)
    _import(shop, tmp_path, "PO-1,MUG,240,2025-03-25,60,2025-03-10,cancelled", header=header)
    assert _trail(shop) == [
        ("received", "160 received by import of receipts.csv"),
        ("edited", "quantity 200 → 240, expected 2025-03-20 → 2025-03-25 by import of "
                   "receipts.csv"),
        ("received lowered", "received 160 → 60 by import of receipts.csv"),
        ("cancelled", "line cancelled by import of receipts.csv"),
    ]


# --- item 11: a supplier spelled differently is refused, never a new stub supplier -----------
@pytest.mark.parametrize("spelling", ["acme ltd", "Acme ltd", "ACME  LTD"])
def test_a_confirmation_spelling_the_supplier_differently_is_refused(shop, tmp_path, spelling):
    from planner.store.importers import ImportRejected
    with pytest.raises(ImportRejected) as caught:
        _import(shop, tmp_path, f'PO-1,MUG,200,2025-03-20,"{spelling}",150',
                header="po_number,sku,quantity,expected_date,supplier,confirmed_quantity",
                name="answer.csv")
    assert "answer.csv, row 2, column supplier" in str(caught.value)
    assert "did you mean 'Acme Ltd'?" in str(caught.value)
    assert shop.execute("SELECT supplier FROM purchase_orders").fetchall() == [("Acme Ltd",)]
    assert shop.execute("SELECT supplier FROM suppliers").fetchall() == [("Acme Ltd",)]


@pytest.mark.parametrize("kind, text", [
    ("products", "sku,supplier\nMUG,acme ltd\n"),
    ("price_breaks", "sku,min_quantity,unit_cost,supplier\nMUG,100,1.5,acme ltd\n"),
    ("events", "name,start_date,end_date,supplier,uplift_pct\nSale,2025-04-01,2025-04-07,"
               "acme ltd,20\n"),
])
def test_every_supplier_column_matches_like_skus(shop, tmp_path, kind, text):
    from planner.store.importers import ImportRejected
    with pytest.raises(ImportRejected, match="did you mean 'Acme Ltd'"):
        import_files(shop, [_write(tmp_path / f"{kind}.csv", text)])
    assert shop.execute("SELECT supplier FROM suppliers").fetchall() == [("Acme Ltd",)]


def test_the_exact_supplier_and_a_new_one_still_import(shop, tmp_path):
    import_files(shop, [_write(tmp_path / "products.csv",
                               "sku,supplier\nMUG,Acme Ltd\nCUP,Bolt Co\n")])
    assert shop.execute("SELECT supplier FROM suppliers ORDER BY 1").fetchall() == [
        ("Acme Ltd",), ("Bolt Co",)]


# --- item 10: the impossible is refused, naming the row ----------------------------------------
def _refusal(db, tmp_path, text, name="file.csv"):
    from planner.store.importers import ImportRejected
    with pytest.raises(ImportRejected) as caught:
        import_files(db, [_write(tmp_path / name, text)])
    return str(caught.value)


PO_HEADER = "po_number,sku,quantity,expected_date,order_date,"


@pytest.mark.parametrize("columns, cells, expected", [
    ("confirmed_quantity", "1000000000000", "file.csv, row 2, column confirmed_quantity"),
    ("confirmed_date", "2025-01-15", "a line cannot be confirmed before it was ordered"),
    ("received_quantity", "100000", "more than 10 times the line's 160 units"),
])
def test_an_impossible_purchase_order_row_is_refused(shop, tmp_path, columns, cells, expected):
    message = _refusal(shop, tmp_path, f"{PO_HEADER}{columns}\n"
                                       f"PO-2,MUG,160,2025-03-20,2025-02-01,{cells}\n")
    assert expected in message, message
    assert shop.execute("SELECT COUNT(*) FROM po_lines WHERE po_number = 'PO-2'").fetchone() \
        == (0,)


@pytest.mark.parametrize("rate", ["1e-300", "0.0000001", "1000000000000", "2000000"])
def test_an_fx_rate_outside_a_millionth_to_a_million_is_refused(shop, tmp_path, rate):
    message = _refusal(shop, tmp_path, f"currency,rate,date\nUSD,{rate},2025-03-01\n")
    assert "file.csv, row 2, column rate" in message, message


def test_a_receipt_or_answer_in_the_app_beyond_reason_is_refused(shop):
    from planner.errors import InputError
    with pytest.raises(InputError, match="more than 10 times"), shop.atomic():
        po_life.receive(shop, "PO-1", "MUG", 100_000, D(2025, 3, 5))
    with pytest.raises(InputError, match="before the PO was ordered"), shop.atomic():
        po_life.confirm(shop, "PO-1", [po_life.Answer("MUG", date=D(2025, 1, 5))])
    with pytest.raises(InputError, match="1,000,000,000"), shop.atomic():
        po_life.confirm(shop, "PO-1", [po_life.Answer("MUG", quantity=10**12)])
    assert _line(shop) == (0, None, "open")


# --- item 10: the implausible is imported with a note naming the row ---------------------------
def _notes(db, tmp_path, text, name="file.csv"):
    [summary] = import_files(db, [_write(tmp_path / name, text)])
    return "\n".join(summary.notes)


def test_an_over_delivery_is_imported_with_a_note(shop, tmp_path):
    notes = _notes(shop, tmp_path, f"{PO_HEADER}received_quantity\n"
                                   "PO-2,MUG,160,2025-03-20,2025-02-01,400\n")
    assert "row 2: 400 received against 160 due (confirmed, else ordered)" in notes, notes


def test_an_fx_rate_ten_times_off_the_stored_one_is_imported_with_a_note(shop, tmp_path):
    _notes(shop, tmp_path, "currency,rate,date\nTHB,0.026,2025-01-01\n")
    notes = _notes(shop, tmp_path, "currency,rate,date\nTHB,38.5,2025-03-01\n")
    assert "row 2: THB 38.5 is more than 10 times off its other rate (0.026 on 2025-01-01)" \
        in notes, notes


def test_zero_cost_and_rising_price_breaks_are_imported_with_a_note(shop, tmp_path):
    notes = _notes(shop, tmp_path, "sku,min_quantity,unit_cost,supplier\n"
                                   "MUG,100,1.8,Acme Ltd\nMUG,500,1.9,Acme Ltd\n"
                                   "MUG,1000,0,Acme Ltd\n")
    assert "row 3: MUG costs 1.9 from 500 units, more than 1.8 from 100" in notes, notes
    assert "row 4: MUG costs 0 from 1,000 units" in notes, notes
