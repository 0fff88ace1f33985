"""The purchase-order round trip on the Purchase orders page: send, mark confirmed, the history,
and the customers a supplier's answer moves."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pandas as pd

from planner.store import po_life
from tests.ui.conftest import AS_OF, wait_idle


def _approve_draft(window, qtbot) -> str:
    """A new draft PO for the first planned SKU (as Approve on the Purchase plan page makes)."""
    from planner.ui.commands import ApprovedLine, ApprovedOrder, ApprovePurchaseOrders

    skus = window.session.plan.skus
    row = skus[skus["supplier"].notna()].iloc[0]
    order = ApprovedOrder(supplier=str(row["supplier"]), order_date=AS_OF,
                          expected_date=AS_OF + dt.timedelta(days=30),
                          lines=[ApprovedLine(sku=str(row["sku"]), quantity=12, unit_cost=None)])
    command = ApprovePurchaseOrders(window.session, [order])
    window.session.undo_stack.push(command)
    wait_idle(qtbot, window)
    [po_number] = command.po_numbers
    return po_number


def _events(window, po_number):
    return window.session.db.execute("SELECT action, detail FROM po_events WHERE po_number = ? "
                                     "ORDER BY id", [po_number]).fetchall()


def test_sending_a_draft_writes_its_three_files_marks_it_sent_and_undo_makes_it_a_draft(
        planned, qtbot, tmp_path, monkeypatch):
    from planner.clock import TODAY_ENV
    from planner.ui import dialogs

    monkeypatch.setenv(TODAY_ENV, AS_OF.isoformat())  # the day the PO is sent

    po_number = _approve_draft(planned, qtbot)
    planned.show_page("purchase_orders")
    view = planned.pages["purchase_orders"]
    assert po_number in view.draft_po_numbers()
    out = tmp_path / "out"
    out.mkdir()
    with qtbot.waitSignal(view.sent, timeout=60_000):
        view.send_pos(str(out), [po_number], eml=True)
    assert {p.name for p in out.iterdir()} == {f"{po_number}.pdf", f"{po_number}.xlsx",
                                               f"{po_number}.eml"}
    db = planned.session.db
    assert po_life.state_of(db, po_number) == "sent"
    assert po_life.header(db, po_number)["sent_date"] == AS_OF.isoformat()
    assert f"Undo Mark {po_number} sent" in planned.undo_action.text()
    assert f"{po_number}.eml" in dialogs.last_notice and "Nothing was e-mailed" in dialogs.last_notice
    planned.undo_action.trigger()
    assert po_life.state_of(db, po_number) == "draft"
    assert [a for a, _d in _events(planned, po_number)] == ["approved", "sent", "undo"]
    wait_idle(qtbot, planned)


def test_marking_a_po_confirmed_is_undoable_and_its_history_shows_it(planned, qtbot):
    po_number = _approve_draft(planned, qtbot)
    planned.show_page("purchase_orders")
    view = planned.pages["purchase_orders"]
    view.status.setCurrentText("All")
    sku = str(planned.session.db.execute("SELECT sku FROM po_lines WHERE po_number = ?",
                                         [po_number]).fetchone()[0])
    with qtbot.waitSignal(view.history_loaded, timeout=30_000):
        assert view.select(po_number, sku)
    assert view.confirm_button.isEnabled()
    view.confirm_button.click()
    db = planned.session.db
    assert po_life.state_of(db, po_number) == "confirmed"
    assert _events(planned, po_number)[-1] == ("confirmed", "draft → confirmed (marked in the app)")
    wait_idle(qtbot, planned)
    # the page re-read the POs, kept the line selected and shows the new history, newest first
    assert view.selected_row()["po_state"] == "confirmed"
    history = view.history_model.frame
    assert list(history["action"]) == ["confirmed", "approved"]
    assert history["user"].iloc[0] == po_life.current_user()
    assert not view.confirm_button.isEnabled()
    planned.undo_action.trigger()
    assert po_life.state_of(db, po_number) == "draft"
    assert _events(planned, po_number)[-1][0] == "undo"
    wait_idle(qtbot, planned)


def _ship_dates(plan) -> dict[tuple[str, str, int], str]:
    lines = plan.backorder_lines
    n = lines.groupby(["order_id", "sku"]).cumcount()
    return {(str(o), str(s), int(i)): str(d)[:10]
            for o, s, i, d in zip(lines["order_id"], lines["sku"], n,
                                  lines["projected_ship_date"], strict=True)}


def test_importing_an_answer_with_one_line_short_lists_exactly_the_customers_it_moves(
        planned, qtbot, tmp_path, monkeypatch):
    from planner.po_documents import write_po_documents
    from planner.ui.views import backorders

    session = planned.session
    lines = session.plan.backorder_lines
    waiting = (lines[lines["filled_from"].notna()].groupby(["filled_from", "sku"])["quantity"]
               .sum().sort_values(ascending=False))
    (po_number, sku), units = waiting.index[0], int(waiting.iloc[0])
    # the supplier's spreadsheet, written as Send writes it, answered one line short
    [sent] = write_po_documents(session.db, [po_number], tmp_path, mark_sent=False)
    book = openpyxl.load_workbook(tmp_path / f"{po_number}.xlsx")
    sheet = book.active
    col = {c.value: i + 1 for i, c in enumerate(sheet[1])}
    [row] = [r for r in range(2, sheet.max_row + 1) if sheet.cell(r, col["sku"]).value == sku]
    sheet.cell(row, col["confirmed_quantity"]).value = units // 2
    sheet.cell(row, col["supplier_comment"]).value = "short: the rest next month"
    answer = tmp_path / "answer.xlsx"
    book.save(answer)

    before = _ship_dates(session.plan)
    page = planned.pages["import"]
    planned.show_page("import")
    page.add_files([str(answer)])
    view = planned.pages["purchase_orders"]
    with qtbot.waitSignal(view.moves_found, timeout=120_000) as found:
        page.run_import()
    wait_idle(qtbot, planned)
    assert po_life.state_of(session.db, po_number) == "confirmed"
    after = _ship_dates(session.plan)
    moved = {key[:2] for key in before if before[key] != after.get(key)}
    assert moved  # the short line leaves someone waiting longer
    moves = found.args[0]
    assert set(zip(moves["order_id"].astype(str), moves["sku"].astype(str), strict=True)) == moved
    dialog = view.moves_dialog
    assert dialog is not None and dialog.isVisible()
    shown = dialog.model.frame
    assert len(shown) == len(moves)
    assert (shown["shift_days"].fillna(1) > 0).all()  # a shortage only makes customers wait
    customers = lines.set_index(["order_id", "sku"])["customer"]
    assert set(shown["customer"]) == {customers.loc[key] for key in moved}
    # its export button writes the customer update list through the Backorders page
    target = tmp_path / "updates.csv"
    monkeypatch.setattr(backorders.QFileDialog, "getSaveFileName",
                        lambda *_a, **_k: (str(target), "CSV (*.csv)"))
    dialog.export.click()
    wait_idle(qtbot, planned)
    assert list(pd.read_csv(target).columns[:3]) == ["order_id", "customer", "sku"]
    dialog.close()


def test_a_suppliers_answer_by_phone_short_and_late_is_recorded_and_receive_uses_it(planned,
                                                                                      qtbot):
    """Issue 23, item 6: 'Supplier confirmed…' records another quantity and date; the page's
    open quantity and Receive's default are the confirmed 10, not the ordered 12; undo."""
    from planner.ui.views.purchase_orders import LineDialog

    po_number = _approve_draft(planned, qtbot)
    planned.show_page("purchase_orders")
    view = planned.pages["purchase_orders"]
    view.status.setCurrentText("All")
    db = planned.session.db
    sku = str(db.execute("SELECT sku FROM po_lines WHERE po_number = ?",
                         [po_number]).fetchone()[0])
    assert view.select(po_number, sku)
    assert view.answer_button.isEnabled()
    dialog = view.answer_dialog()
    [(line_sku, quantity, date, comment)] = dialog.rows
    assert line_sku == sku and quantity.value() == 12
    quantity.setValue(10)
    late = AS_OF + dt.timedelta(days=44)
    date.setDate(late)
    comment.setText("two short, a fortnight late")
    view.push_answer(dialog)
    assert db.execute("SELECT confirmed_quantity, confirmed_date, supplier_comment FROM po_lines "
                      "WHERE po_number = ?", [po_number]).fetchone() == (
        10, late.isoformat(), "two short, a fortnight late")
    assert po_life.state_of(db, po_number) == "confirmed"
    wait_idle(qtbot, planned)
    assert view.select(po_number, sku)
    row = view.selected_row()
    assert (int(row["quantity"]), int(row["open_quantity"])) == (12, 10)
    assert LineDialog(row, receive=True, parent=view).quantity.value() == 10
    planned.undo_action.trigger()
    assert db.execute("SELECT confirmed_quantity, confirmed_date FROM po_lines "
                      "WHERE po_number = ?", [po_number]).fetchone() == (None, None)
    assert po_life.state_of(db, po_number) == "draft"
    wait_idle(qtbot, planned)


def test_cancel_line_cancels_one_line_and_is_undoable(planned, qtbot):
    po_number = _approve_draft(planned, qtbot)
    planned.show_page("purchase_orders")
    view = planned.pages["purchase_orders"]
    view.status.setCurrentText("All")
    db = planned.session.db
    sku = str(db.execute("SELECT sku FROM po_lines WHERE po_number = ?",
                         [po_number]).fetchone()[0])
    assert view.select(po_number, sku)
    view.cancel_line_button.click()
    assert po_life.line_values(db, po_number, sku)[3] == "cancelled"
    wait_idle(qtbot, planned)
    planned.undo_action.trigger()
    assert po_life.line_values(db, po_number, sku)[3] == "open"
    wait_idle(qtbot, planned)


def test_a_receipt_the_count_holds_by_convention_is_flagged_and_not_in_the_count_adds_it(
        planned, qtbot):
    """Issue 23, item 1: the demo's count has a date only (the end of its day); a delivery
    received in the app dated that day is held by it, the plan warns, and 'Not in the count'
    adds it to on hand (undoable)."""
    from planner.planning import COUNT_DAY_RECEIPTS
    from planner.ui.commands import ReceivePoLine

    db = planned.session.db
    count_day = db.execute("SELECT max(snapshot_date) FROM inventory WHERE snapshot_date <= ?",
                           [AS_OF.isoformat()]).fetchone()[0]
    po_number, sku = db.execute("SELECT po_number, sku FROM po_lines WHERE status = 'open' "
                                "AND quantity - received_quantity > 5 ORDER BY po_number, sku"
                                ).fetchone()

    def on_hand() -> int:
        return int(planned.session.plan.skus.set_index("sku").at[sku, "on_hand"])

    start = on_hand()
    with qtbot.waitSignal(planned.session.plan_ready, timeout=120_000):
        planned.session.undo_stack.push(ReceivePoLine(
            planned.session, po_number, sku, 5, dt.date.fromisoformat(count_day)))
    wait_idle(qtbot, planned)
    assert on_hand() == start  # the count of that day holds it, by convention
    warning = next(w for w in planned.session.plan.warnings if w["kind"] == COUNT_DAY_RECEIPTS)
    assert f"{po_number} / {sku}" in warning["message"]
    assert planned.plan_banner.isVisible() and "not in the count" in planned.banner_text()
    planned.show_page("purchase_orders")
    view = planned.pages["purchase_orders"]
    view.status.setCurrentText("All")
    wait_idle(qtbot, planned)
    assert view.select(po_number, sku)
    assert view.not_in_count_button.isEnabled()
    with qtbot.waitSignal(planned.session.plan_ready, timeout=120_000):
        view.not_in_count_button.click()
    wait_idle(qtbot, planned)
    assert on_hand() == start + 5
    assert not any(w["kind"] == COUNT_DAY_RECEIPTS for w in planned.session.plan.warnings)
    with qtbot.waitSignal(planned.session.plan_ready, timeout=120_000):
        planned.undo_action.trigger()
    wait_idle(qtbot, planned)
    assert on_hand() == start


def test_undo_of_a_receipt_after_an_import_takes_back_only_its_own_units(planned, qtbot,
                                                                        tmp_path):
    from planner.store.importers import import_files
    from planner.ui.commands import ReceivePoLine

    po_number = _approve_draft(planned, qtbot)
    db = planned.session.db
    sku, expected = db.execute("SELECT sku, expected_date FROM po_lines WHERE po_number = ?",
                               [po_number]).fetchone()
    planned.session.undo_stack.push(ReceivePoLine(planned.session, po_number, sku, 5, AS_OF))
    wait_idle(qtbot, planned)
    file = tmp_path / "receipts.csv"
    file.write_text("po_number,sku,quantity,expected_date,received_quantity,received_date\n"
                    f"{po_number},{sku},12,{expected},9,{AS_OF.isoformat()}\n")
    import_files(db, [file])
    planned.undo_action.trigger()
    wait_idle(qtbot, planned)
    assert po_life.line_values(db, po_number, sku)[1:4] == (4, AS_OF.isoformat(), "open")


def test_undo_of_a_line_edit_after_an_import_changed_the_line_says_why_and_keeps_it(
        planned, qtbot, tmp_path):
    from planner.store.importers import import_files
    from planner.ui.commands import EditPoLines, LineEdit

    po_number = _approve_draft(planned, qtbot)
    db = planned.session.db
    sku, expected = db.execute("SELECT sku, expected_date FROM po_lines WHERE po_number = ?",
                               [po_number]).fetchone()
    command = EditPoLines(planned.session, [LineEdit(po_number, sku, quantity=20)])
    planned.session.undo_stack.push(command)
    wait_idle(qtbot, planned)
    file = tmp_path / "answer.csv"
    file.write_text("po_number,sku,quantity,expected_date\n"
                    f"{po_number},{sku},30,{expected}\n")
    import_files(db, [file])
    planned.undo_action.trigger()
    wait_idle(qtbot, planned)
    assert "changed since the edit" in str(command.failed)
    assert db.execute("SELECT quantity FROM po_lines WHERE po_number = ? AND sku = ?",
                      [po_number, sku]).fetchone() == (30,)
