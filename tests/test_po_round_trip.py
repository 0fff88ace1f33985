"""The purchase-order round trip, end to end: approve a suggestion → send the supplier's XLSX →
the supplier fills it in (one line short, one date later) → import it → the plan and the moved
customers are as a hand calculation says → receive part of it → the next plan is right."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import json
import subprocess
import sys

import openpyxl
import pytest

from planner.planning import confirmation_moves, load_planning_data, run_plan
from planner.store import open_workspace, po_life
from planner.store.importers import import_files

D = dt.date
AS_OF = D(2025, 3, 10)


class _Session:
    """What ApprovePurchaseOrders needs of the app's session."""

    def __init__(self, db):
        self.db, self.as_of = db, AS_OF

    def edited(self):
        pass


def _write(path, text):
    path.write_text(text, encoding="utf-8")
    return path


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "planner", *map(str, args)],
                          capture_output=True, text=True, timeout=300)


@pytest.fixture
def shop(workspace_path, tmp_path):
    """Nothing in stock (counted on as-of), no sales history: customers wait for 60 mugs (Ann
    30, Bob 30) and 20 bowls (Cat); Acme needs 30 days, dock to stock 2 days."""
    db = open_workspace(workspace_path)
    import_files(db, [
        _write(tmp_path / "suppliers.csv", "supplier,email,currency,lead_time_days\n"
                                           "Acme,orders@acme.example,USD,30\n"),
        _write(tmp_path / "products.csv", "sku,name,supplier,unit_cost,unit_price\n"
                                          "MUG,Mug,Acme,2,5\nBOWL,Bowl,Acme,3,8\n"),
        _write(tmp_path / "inventory.csv", "sku,on_hand,snapshot_date\n"
                                           "MUG,0,2025-03-10\nBOWL,0,2025-03-10\n"),
        _write(tmp_path / "backorders.csv", "order_id,sku,quantity,order_date,customer\n"
                                            "A1,MUG,30,2025-03-01,Ann\nB1,MUG,30,2025-03-02,Bob\n"
                                            "C1,BOWL,20,2025-03-03,Cat\n")])
    db.execute("UPDATE settings SET value = '0' WHERE key = 'review_period_days'")
    yield db
    db.conn.close()


def _ships(db, as_of=AS_OF):
    plan = run_plan(load_planning_data(db, as_of))
    lines = plan.backorder_lines.set_index("order_id")
    return plan, {o: (None if r.projected_ship_date is None or str(r.projected_ship_date) == "NaT"
                      else str(r.projected_ship_date)[:10]) for o, r in lines.iterrows()}


def test_approve_send_confirm_receive(shop, workspace_path, tmp_path):
    from planner.ui.commands import ApprovedLine, ApprovedOrder, ApprovePurchaseOrders

    plan, ships = _ships(shop)
    assert ships == {"A1": None, "B1": None, "C1": None}  # nothing covers them yet
    [suggestion] = [s for s in plan.purchase_suggestions if s["order_date"] <= "2025-03-10"]
    quantities = {line["sku"]: line["quantity"] for line in suggestion["lines"]}
    assert quantities["MUG"] >= 60 and quantities["BOWL"] >= 20
    # approve it as the buyer would in the app, quantities as suggested: due 9 April (30 days)
    order = ApprovedOrder(supplier="Acme", order_date=AS_OF, expected_date=D(2025, 4, 9),
                          lines=[ApprovedLine(sku, int(q), None) for sku, q in
                                 sorted(quantities.items())])
    command = ApprovePurchaseOrders(_Session(shop), [order])
    command.redo()
    [po] = command.po_numbers
    assert po == "PO-2025-0001" and po_life.state_of(shop, po) == "draft"
    plan, ships = _ships(shop)
    # hand calculation: everything arrives 9 April, sellable 11 April (dock to stock 2 days)
    assert ships == {"A1": "2025-04-11", "B1": "2025-04-11", "C1": "2025-04-11"}

    # send: the PDF, the XLSX and an e-mail draft; the PO is now sent
    from planner.po_documents import write_po_documents

    out = tmp_path / "out"
    out.mkdir()
    [sent] = write_po_documents(shop, None, out, eml=True, today=AS_OF)  # every draft PO
    assert sent.marked_sent and sent.po_number == po
    assert {p.name for p in out.iterdir()} == {f"{po}.pdf", f"{po}.xlsx", f"{po}.eml"}
    assert po_life.state_of(shop, po) == "sent"
    mail = email.message_from_bytes((out / f"{po}.eml").read_bytes(), policy=email.policy.default)
    assert mail["To"] == "orders@acme.example"
    assert sorted(p.get_filename() for p in mail.iter_attachments()) == [f"{po}.pdf",
                                                                         f"{po}.xlsx"]
    assert (out / f"{po}.pdf").read_bytes().startswith(b"%PDF")

    # the supplier fills the spreadsheet in: 20 mugs short, the bowls a week later
    book = openpyxl.load_workbook(out / f"{po}.xlsx")
    sheet = book.active
    header = [c.value for c in sheet[1]]
    assert header[:2] == ["po_number", "sku"] and "confirmed_quantity" in header
    col = {name: i + 1 for i, name in enumerate(header)}
    rows = {sheet.cell(r, col["sku"]).value: r for r in range(2, sheet.max_row + 1)}
    assert sheet.cell(rows["MUG"], col["currency"]).value == "USD"
    mug_qty = sheet.cell(rows["MUG"], col["quantity"]).value
    bowl_qty = sheet.cell(rows["BOWL"], col["quantity"]).value
    sheet.cell(rows["MUG"], col["confirmed_quantity"]).value = mug_qty - 20
    sheet.cell(rows["MUG"], col["confirmed_date"]).value = dt.datetime(2025, 4, 9)
    sheet.cell(rows["MUG"], col["supplier_comment"]).value = "20 short: glaze"
    sheet.cell(rows["BOWL"], col["confirmed_quantity"]).value = bowl_qty
    sheet.cell(rows["BOWL"], col["confirmed_date"]).value = dt.datetime(2025, 4, 16)
    book.save(tmp_path / "answer.xlsx")

    # importing it (its kind is detected) confirms the PO
    [summary] = import_files(shop, [tmp_path / "answer.xlsx"])
    assert summary.kind == "purchase_orders" and summary.updated == 2
    assert po_life.state_of(shop, po) == "confirmed"
    diff = po_life.confirmation_differences(shop, po).set_index("sku")
    assert diff.loc["MUG", "quantity_difference"] == -20
    assert diff.loc["BOWL", "days_later"] == 7

    plan, ships = _ships(shop)
    # hand calculation: mugs mug_qty - 20 on 11 April: Ann's 30 ships then; Bob's 30 get what
    # is left (mug_qty - 50), nothing when the suggestion was exactly the 60 waiting
    mug_left = mug_qty - 20 - 30
    assert ships["A1"] == "2025-04-11"
    assert ships["B1"] == ("2025-04-11" if mug_left >= 30 else None)
    assert ships["C1"] == "2025-04-18"  # 16 April + 2 days dock to stock
    moves = confirmation_moves(load_planning_data(shop, AS_OF)).set_index("order_id")
    assert sorted(moves.index) == (["B1", "C1"] if mug_left < 30 else ["C1"])
    assert moves.loc["C1", "customer"] == "Cat" and moves.loc["C1", "days_later"] == 7

    # receive 25 mugs on 10 April; the next plan, on 12 April (the stock count is older)
    from planner.ui.commands import ReceivePoLine

    ReceivePoLine(_Session(shop), po, "MUG", 25, D(2025, 4, 10)).redo()
    assert po_life.state_of(shop, po) == "partly received"
    plan, ships = _ships(shop, D(2025, 4, 12))
    mug = plan.skus.set_index("sku").loc["MUG"]
    # 25 received after the 10 March count are on hand; mug_qty - 20 - 25 are still on order,
    # overdue (due 9 April) so assumed to arrive on as-of: sellable 14 April
    assert (mug["on_hand"], mug["on_order"]) == (25, mug_qty - 45)
    assert ships["A1"] == "2025-04-14"
    assert ships["C1"] == "2025-04-18"

    # the export re-imports without changing anything
    from planner.po_documents import export_pos

    rows = shop.execute("SELECT * FROM po_lines ORDER BY sku").fetchall()
    export_pos(shop, tmp_path / "pos.csv")
    [summary] = import_files(shop, [tmp_path / "pos.csv"])
    assert (summary.inserted, summary.updated) == (0, 0)
    assert rows == shop.execute("SELECT * FROM po_lines ORDER BY sku").fetchall()


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_exported_pos_re_import_without_a_change(shop, workspace_path, tmp_path, suffix):
    import_files(shop, [_write(tmp_path / "po.csv",
                               "po_number,sku,quantity,expected_date,supplier,order_date,"
                               "received_quantity,received_date,status,unit_cost,"
                               "confirmed_quantity,confirmed_date\n"
                               "PO-7,MUG,100,2025-04-01,Acme,2025-03-01,40,2025-03-05,open,2.5,"
                               "90,2025-04-03\n"
                               "PO-7,BOWL,10,2025-04-01,Acme,2025-03-01,10,2025-03-04,received,"
                               ",,\n"
                               "PO-8,MUG,5,2025-05-01,Acme,2025-03-02,0,,cancelled,2,,\n")])
    before = shop.execute("SELECT * FROM po_lines ORDER BY po_number, sku").fetchall()
    out = tmp_path / f"pos{suffix}"
    shop.conn.close()
    run = _cli("export-pos", workspace_path, "--out", out)
    assert run.returncode == 0 and "3 PO lines" in run.stdout, run.stderr
    run = _cli("send-po", workspace_path, "PO-7", "--out", tmp_path / "docs")
    assert run.returncode == 0, run.stderr
    assert sorted(p.name for p in (tmp_path / "docs").iterdir()) == ["PO-7.pdf", "PO-7.xlsx"]
    shop = open_workspace(workspace_path)
    [summary] = import_files(shop, [out])
    assert summary.kind == "purchase_orders"
    assert (summary.inserted, summary.updated) == (0, 0)
    assert shop.execute("SELECT * FROM po_lines ORDER BY po_number, sku").fetchall() == before
    assert json.dumps(before)  # plain values only
    shop.conn.close()


def test_a_line_break_in_a_suppliers_address_names_the_po_and_writes_nothing(shop, tmp_path):
    """Issue 26, item 21: a CR/LF in a supplier's e-mail gave a bare "Header values may not
    contain linefeed" naming neither PO nor supplier, and left the first PO's files behind."""
    from planner.po_documents import write_po_documents
    from planner.ui.commands import ApprovedLine, ApprovedOrder, ApprovePurchaseOrders

    orders = [ApprovedOrder(supplier="Acme", order_date=AS_OF, expected_date=D(2025, 4, 9),
                            lines=[ApprovedLine(sku, 10, None)]) for sku in ("MUG", "BOWL")]
    command = ApprovePurchaseOrders(_Session(shop), orders)
    command.redo()
    shop.execute("UPDATE suppliers SET email = ? WHERE supplier = 'Acme'",
                  ["orders@acme.example\r\nBcc: someone@else.example"])
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(ValueError, match=r"PO-2025-0001: the e-mail address of supplier 'Acme'"):
        write_po_documents(shop, None, out, eml=True, today=AS_OF)
    assert not list(out.iterdir())
    assert {po_life.state_of(shop, po) for po in command.po_numbers} == {"draft"}
