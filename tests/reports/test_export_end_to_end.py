"""From a demo workspace to PDFs: the store, the engine and the reports together."""

from __future__ import annotations

import datetime as dt

import pytest

from planner.demo import write_demo
from planner.formatting import format_money, format_quantity
from planner.planning import load_planning_data, run_plan
from planner.reports.export import export_pdfs
from tests.reports.conftest import pdf_pages, squash

AS_OF = dt.date(2025, 3, 3)


@pytest.fixture(scope="module")
def demo_export(tmp_path_factory):
    from planner.store import open_workspace

    folder = tmp_path_factory.mktemp("demo")
    db = open_workspace(folder / "demo.db", create=True)
    write_demo(db, skus=40, years=1.5, seed=7, as_of=AS_OF)
    plan = run_plan(load_planning_data(db, AS_OF))
    db.conn.close()
    return plan, export_pdfs(plan, folder / "pdfs")


@pytest.mark.slow
def test_demo_plan_exports_a_pdf_per_supplier_that_matches_the_plan(demo_export):
    plan, paths = demo_export
    suppliers = sorted({s["supplier"] for s in plan.purchase_suggestions})
    assert len(suppliers) >= 3 and len(paths) == len(suppliers) + 1
    currency = dict(zip(plan.suppliers["supplier"], plan.suppliers["currency"], strict=True))
    # (a customer who shares a name with a supplier's contact person is not a leak)
    contacts = set(plan.suppliers["contact"].dropna()) if "contact" in plan.suppliers else set()
    customers = set(plan.backorder_lines["customer"].dropna()) - contacts
    order_ids = set(plan.backorder_lines["order_id"])
    for supplier, path in zip(suppliers, paths[:-1], strict=True):
        pages = pdf_pages(path)
        text = "\n".join(pages)
        assert squash(supplier) in squash(text)
        assert plan.settings["company_name"] in text
        lines = [x for s in plan.purchase_suggestions if s["supplier"] == supplier
                 for x in s["lines"]]
        for line in lines:
            assert squash(line["sku"]) in squash(text)
        assert f"Total: {len(lines)} lines" in text
        assert format_quantity(sum(x["quantity"] for x in lines)) in text
        # the supplier's PDF is in the supplier's currency, at its own prices (not landed)
        assert format_money(sum(x.get("value_supplier_currency", x["value"]) for x in lines),
                            currency[supplier] or "USD") in text
        for number, page in enumerate(pages, start=1):
            assert f"Page {number} of {len(pages)}" in page
        assert not [c for c in customers if c in text]
        assert not [o for o in order_ids if o in text]
        assert "reorder point" not in text and "forecast" not in text


@pytest.mark.slow
def test_demo_plan_report_carries_kpis_orders_and_exceptions(demo_export):
    plan, paths = demo_export
    text = "\n".join(pdf_pages(paths[-1]))
    assert f"{format_quantity(plan.kpis['backorder_units'])}\nunits on backorder" in text
    for supplier in {s["supplier"] for s in plan.purchase_suggestions}:
        assert squash(supplier) in squash(text)
    uncovered = plan.backorder_lines[plan.backorder_lines["uncovered"]]
    assert f"Uncovered backorders ({len(uncovered)})" in text
    for order_id in uncovered["order_id"].head(20):
        assert squash(order_id) in squash(text)
    assert "Projected stock of the top SKUs" in text


def test_demo_plan_report_has_the_cash_and_catalog_health_section(demo_export):
    from pypdf import PdfReader

    plan, paths = demo_export
    text = "\n".join(page.extract_text() for page in PdfReader(paths[-1]).pages)
    for title in ("Cash and catalog health", "Excess and dead stock", "ABC / XYZ",
                  "Purchase budget by month"):
        assert title in text
    k = plan.kpis
    assert k["dead_stock_value"] > 0 and k["excess_inventory_value"] > 0
    assert squash(f"Dead stock {format_money(k['dead_stock_value'], 'USD')}") in squash(text)
    for sku in plan.skus.loc[plan.skus["dead_stock"], "sku"]:
        assert squash(sku) in squash(text)
    assert plan.budget["per_month"] > 0
    for month in plan.budget["months"]:
        assert month["month"] in text
    assert f"Budget {format_money(plan.budget['per_month'], 'USD', decimals=0)} a month" in text
