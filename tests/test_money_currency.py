"""Every money figure carries its currency; a value in a supplier's currency without a rate to the
workspace currency is unknown ("—", null), never 0 and never read as workspace money (issue 23,
item 5). A founder's workspace with a CNY supplier, with and without an fx_rates row."""

from __future__ import annotations

import csv
import json

import pytest

from planner.formatting import format_total
from planner.formatting import is_missing as row_is_missing
from planner.planning import (
    load_planning_data,
    open_value_summary,
    plan_to_json,
    purchase_order_lines,
    run_plan,
)
from planner.po_documents import export_pos
from planner.store import open_workspace
from planner.store.importers.importing import import_files
from tests.money_workspace import (
    AS_OF,
    CNY_PO,
    CNY_PO_UNITS,
    CNY_RATE,
    CNY_UNIT_COST,
    USD_PO,
    USD_PO_UNITS,
    USD_UNIT_COST,
    money_workspace,
)


@pytest.fixture(scope="module", params=[True, False], ids=["with_rate", "without_rate"])
def workspace(request, tmp_path_factory):
    path = money_workspace(tmp_path_factory.mktemp("money"), with_rate=request.param)
    db = open_workspace(path)
    plan = run_plan(load_planning_data(db, AS_OF))
    yield request.param, db, plan
    db.conn.close()


def test_the_po_page_converts_at_the_rate_and_says_what_has_none(workspace):
    with_rate, db, _plan = workspace
    lines = purchase_order_lines(db, AS_OF).set_index("po_number")
    cny = lines.loc[CNY_PO]
    # the supplier's amount stays in its currency: CNY 20,000.00
    assert cny["currency"] == "CNY"
    assert cny["open_value_supplier_currency"] == CNY_PO_UNITS * CNY_UNIT_COST
    assert lines.loc[USD_PO, "currency"] == "USD"
    assert lines.loc[USD_PO, "open_value"] == USD_PO_UNITS * USD_UNIT_COST
    total = open_value_summary(lines.reset_index())
    text = format_total(total["known"], "USD", unknown_count=total["unknown_pos"],
                        unknown_currencies=total["unknown_currencies"])
    if with_rate:
        # CNY 20,000 × 0.14 = USD 2,800.00 (never "USD 20,000.00")
        assert cny["open_value"] == pytest.approx(CNY_PO_UNITS * CNY_UNIT_COST * CNY_RATE)
        assert text == "USD 3,200.00"
    else:
        assert cny["open_value"] != cny["open_value"]  # NaN: unknown
        assert text == "USD 400.00 + 1 PO in CNY without a rate"


def test_the_dashboard_kpis_never_count_unknown_money_as_zero(workspace):
    with_rate, _db, plan = workspace
    k = plan.kpis
    if with_rate:
        assert k["on_order_value"] == pytest.approx(400 + 2800)
        assert k["on_order_pos_without_rate"] == 0 and k["inventory_skus_without_rate"] == 0
    else:
        # the USD PO is known, the CNY PO is not: said so beside the known part
        assert k["on_order_value"] == 400.0
        assert (k["on_order_pos_without_rate"], k["inventory_skus_without_rate"]) == (1, 1)
        assert k["currencies_without_rate"] == ["CNY"]
        text = format_total(k["on_order_value"], "USD", unknown_count=1,
                            unknown_currencies=k["currencies_without_rate"])
        assert text == "USD 400.00 + 1 PO in CNY without a rate"


def test_abc_never_ranks_a_supplier_price_as_workspace_money(workspace):
    with_rate, _db, plan = workspace
    skus = plan.skus.set_index("sku")
    # P-US: 5 a day × 365 × USD 4 = USD 7,300 a year; P-CN: 2 × 365 × CNY 20 = CNY 14,600
    if with_rate:
        assert skus.loc["P-CN", "annual_demand_value"] == pytest.approx(2 * 365 * 20 * 0.14,
                                                                        rel=0.01)
        assert skus.loc["P-US", "abc_class"] == "A"
    else:
        # unknown: no class, no value (never CNY 14,600 ranked as USD 14,600 above P-US)
        assert skus.loc["P-CN", "annual_demand_value"] != skus.loc["P-CN", "annual_demand_value"]
        assert row_is_missing(skus.loc["P-CN", "abc_class"])
        assert skus.loc["P-US", "abc_class"] == "A"
        document = plan_to_json(plan)
        row = next(s for s in document["skus"] if s["sku"] == "P-CN")
        assert row["annual_demand_value"] is None and row["landed_unit_cost"] is None
        assert row["abc_class"] is None
        matrix_value = sum(cell["annual_demand_value"] for cell in document["abc_xyz"])
        assert matrix_value == pytest.approx(skus.loc["P-US", "annual_demand_value"])


def test_every_suggestion_names_its_currency_and_an_unknown_value_is_null(workspace):
    with_rate, _db, plan = workspace
    document = json.loads(json.dumps(plan_to_json(plan)))
    assert document["purchase_suggestions"]
    for suggestion in document["purchase_suggestions"]:
        assert suggestion["currency"] in ("USD", "CNY")
        if suggestion["currency"] == "CNY" and not with_rate:
            assert suggestion["total_value"] is None
            assert all(line["value"] is None for line in suggestion["lines"])
        else:
            assert suggestion["total_value"] is not None


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_export_pos_names_each_lines_currency_and_re_imports_without_a_change(
        tmp_path, suffix):
    path = money_workspace(tmp_path / "ws", with_rate=False)
    db = open_workspace(path)
    tables = ("SELECT * FROM po_lines ORDER BY po_number, sku",
              "SELECT * FROM purchase_orders ORDER BY po_number")
    before = [db.execute(sql).fetchall() for sql in tables]
    out = tmp_path / f"pos{suffix}"
    assert export_pos(db, out) == 2
    if suffix == ".csv":
        with open(out, encoding="utf-8") as handle:
            rows = {row["po_number"]: row for row in csv.DictReader(handle)}
    else:
        from openpyxl import load_workbook

        sheet = load_workbook(out).active
        values = list(sheet.values)
        rows = {row[0]: dict(zip(values[0], row, strict=True)) for row in values[1:]}
    assert (rows[CNY_PO]["currency"], rows[USD_PO]["currency"]) == ("CNY", "USD")
    assert float(rows[CNY_PO]["unit_cost"]) == CNY_UNIT_COST  # in CNY, as the column says
    assert rows[CNY_PO]["state"] == db.execute(
        "SELECT state FROM purchase_orders WHERE po_number = ?", [CNY_PO]).fetchone()[0]
    [summary] = import_files(db, [out])
    assert summary.kind == "purchase_orders"
    assert (summary.inserted, summary.updated) == (0, 0)
    assert [db.execute(sql).fetchall() for sql in tables] == before
    db.conn.close()


@pytest.mark.parametrize("with_rate", [True, False], ids=["with_rate", "without_rate"])
def test_the_pdfs_show_a_cny_order_in_cny_and_never_as_dollars(tmp_path, with_rate):
    from pypdf import PdfReader

    from planner.reports.export import export_pdfs

    db = open_workspace(money_workspace(tmp_path / "ws", with_rate=with_rate, cny_po=False))
    plan = run_plan(load_planning_data(db, AS_OF))
    db.conn.close()
    shenzhen = [s for s in plan.purchase_suggestions if s["supplier"] == "Shenzhen"]
    assert shenzhen and shenzhen[0]["order_now"]
    first = shenzhen[0]
    own = first["total_value_supplier_currency"]
    paths = export_pdfs(plan, tmp_path / "pdf")

    def text(path) -> str:
        return "\n".join(page.extract_text() for page in PdfReader(path).pages)

    supplier_pdf = text(next(p for p in paths if "SHENZHEN" in p.name.upper()))
    # the supplier reads its own currency and prices, rate or not
    assert "Currency\nCNY" in supplier_pdf and f"{own:,.2f}" in supplier_pdf
    assert "USD" not in supplier_pdf
    report = text(next(p for p in paths if p.name.startswith("plan-report")))
    if with_rate:
        assert f"USD {first['total_value']:,.2f}" in report
    else:
        # the internal report: unknown in USD, with the amount in CNY beside it
        assert f"— (CNY {own:,.2f}, no rate)" in report
        assert f"USD {own:,.2f}" not in report


def test_a_total_says_what_it_leaves_out():
    assert format_total(84210, "USD") == "USD 84,210.00"
    assert format_total(84210, "USD", unknown_count=2, unknown_currencies=["CNY", "cny"]) == \
        "USD 84,210.00 + 2 POs in CNY without a rate"
    # nothing known: never "USD 0.00 on order"
    assert format_total(0.0, "USD", unknown_count=1, unknown_currencies=["CNY"]) == \
        "— (1 PO in CNY without a rate)"
    assert format_total(None, "EUR", unknown_count=3, noun="SKU",
                        unknown_currencies=["CNY", "JPY"]) == "— (3 SKUs in CNY, JPY without a rate)"
