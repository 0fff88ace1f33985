"""The internal plan report, read back: KPIs, orders with reasons, exceptions and charts."""

from __future__ import annotations

import pandas as pd
import pytest
from plan_factory import (
    CHINESE_SUPPLIER,
    HOSTILE_SUPPLIER,
    PLAIN_SUPPLIER,
    SECRET_CUSTOMERS,
    make_plan,
)
from pypdf import PdfReader

from planner.formatting import format_money, format_quantity
from planner.reports.internal_report import MAX_EXCEPTION_ROWS, build_internal_report, top_skus
from tests.reports.conftest import pdf_pages, squash


def _text(path):
    return "\n".join(pdf_pages(path))


def test_the_report_leads_with_the_kpis(plan, exported):
    first = pdf_pages(exported["report"])[0]
    assert "Plan report" in first and "INTERNAL — not for suppliers" in first
    assert "As of 2025-03-03" in first
    k = plan.kpis
    assert f"{format_quantity(k['backorder_units'])}\nunits on backorder" in first
    assert format_money(k["backorder_value"], "USD", decimals=0) in first
    assert format_money(k["backorder_value_at_risk"], "USD", decimals=0) in first
    assert f"{k['uncovered_backorder_lines']}\nbackorder lines no supply covers" in first
    assert f"{k['skus_below_reorder_point']}\nSKUs below reorder point" in first


def test_every_suggested_order_is_listed_and_the_next_ones_in_detail(plan, exported):
    text = _text(exported["report"])
    for s in plan.purchase_suggestions:
        assert f"{s['order_date']}\n{s['expected_arrival']}" in text or (
            s["order_date"] in text and s["expected_arrival"] in text)
    squashed = squash(text)
    next_order = min((s for s in plan.purchase_suggestions if s["supplier"] == PLAIN_SUPPLIER),
                     key=lambda s: s["order_date"])
    for line in next_order["lines"]:
        assert line["sku"] in text
        assert squash(line["reason"]) in squashed  # each line's why
        for order_id in line["clears_backorders"]:
            assert order_id in text  # the backorders the line clears
    assert "Rounding: case 6" in text
    due = [s for s in plan.purchase_suggestions if s.get("order_now")]
    assert f"Order now: {len(due):,} orders" in squash(text) or \
        squash(f"Order now: {len(due):,} orders") in squashed
    assert squash(f"planned later: {len(plan.purchase_suggestions) - len(due):,} orders") \
        in squashed


def test_exceptions_list_uncovered_late_overdue_and_rounding(plan, exported):
    text = _text(exported["report"])
    lines = plan.backorder_lines
    for order_id in lines.loc[lines["uncovered"], "order_id"]:
        assert order_id in text
    for order_id in lines.loc[lines["late"] & ~lines["uncovered"], "order_id"]:
        assert order_id in text
    assert any(c in text for c in SECRET_CUSTOMERS)  # internal: customers are named here
    po = plan.open_po_lines
    for number in po.loc[po["overdue"], "po_number"]:
        assert number in text
    assert "Overdue PO lines (4)" in text
    assert squash("raised to the supplier's minimum of USD 500") in squash(text)


def test_rounding_excess_counts_units_beyond_what_the_plan_needs(plan, exported):
    text = _text(exported["report"])
    section = text[text.index("MOQ and case-pack excess"):text.index("Projected stock of")]
    rounded = [(s, x) for s in plan.purchase_suggestions for x in s["lines"]
               if x["quantity"] > x["raw_quantity"]]
    assert f"MOQ and case-pack excess ({len(rounded)})" in section
    s, x = max(rounded, key=lambda sx: (sx[1]["quantity"] - sx[1]["raw_quantity"])
               * sx[1]["unit_cost"])
    excess = x["quantity"] - x["raw_quantity"]
    first_row = section.split("Rule\n", 1)[1].split("\n")
    assert x["sku"] in first_row[:3]
    assert format_money(excess * x["unit_cost"], "USD") in section


def test_without_raw_quantities_the_rounded_lines_of_the_next_orders_are_listed(tmp_path):
    plan = make_plan(n_skus=12)
    for s in plan.purchase_suggestions:
        for x in s["lines"]:
            del x["raw_quantity"]
    text = _text(build_internal_report(tmp_path / "r.pdf", plan, stock_charts=0))
    assert "MOQ and case-pack rounding (" in text
    assert squash("the plan does not say how many units were needed") in squash(text)


def test_charts_are_drawn_for_the_book_and_the_top_skus(plan, exported):
    reader = PdfReader(str(exported["report"]))
    images = sum(len(page.images) for page in reader.pages)
    assert images == 1 + len(top_skus(plan))
    assert len(top_skus(plan)) == 6
    assert "Projected stock of the top SKUs" in _text(exported["report"])


def test_names_in_any_script_and_markup_print_literally(exported):
    text = _text(exported["report"])
    assert CHINESE_SUPPLIER in text
    assert squash(HOSTILE_SUPPLIER) in squash(text)
    assert "Северный Ветер" in text and "Công ty TNHH Sản xuất Đồng Nai" in text


def test_page_numbers_and_running_header(exported):
    pages = pdf_pages(exported["report"])
    assert len(pages) >= 2
    for number, text in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in text
    for text in pages[1:]:
        assert "INTERNAL — not for suppliers" in text


def test_long_exception_lists_are_capped_with_a_count(tmp_path):
    plan = make_plan(n_skus=12)
    many = pd.concat([plan.backorder_lines.iloc[[0]]] * (MAX_EXCEPTION_ROWS + 30),
                     ignore_index=True)
    many["order_id"] = [f"#U{i}" for i in range(len(many))]
    many["uncovered"], many["late"] = True, False
    plan.backorder_lines = many
    text = _text(build_internal_report(tmp_path / "r.pdf", plan, stock_charts=0))
    assert "#U0" in text and f"#U{MAX_EXCEPTION_ROWS - 1}\n" in text
    assert f"#U{MAX_EXCEPTION_ROWS}\n" not in text
    assert "… and 30 more uncovered backorder lines" in text


def test_a_plan_with_nothing_to_do_still_reports(tmp_path):
    plan = make_plan(n_skus=6, suggestion_share=0.0, settings={"page_size": "Letter"})
    plan.backorder_lines = plan.backorder_lines.iloc[0:0]
    plan.open_po_lines = plan.open_po_lines.iloc[0:0]
    path = build_internal_report(tmp_path / "quiet.pdf", plan, stock_charts=1)
    text = _text(path)
    assert "No purchases are suggested within the horizon." in text
    assert "No uncovered backorder lines." in text and "No overdue PO lines." in text
    assert round(float(PdfReader(str(path)).pages[0].mediabox.width)) == 612


def test_the_supplier_plan_never_shows_what_the_report_does(plan, exported):
    supplier_text = _text(exported[PLAIN_SUPPLIER])
    report_text = _text(exported["report"])
    next_order = min((s for s in plan.purchase_suggestions if s["supplier"] == PLAIN_SUPPLIER),
                     key=lambda s: s["order_date"])
    reason = next_order["lines"][0]["reason"]
    assert squash(reason) in squash(report_text)
    assert squash(reason) not in squash(supplier_text)


@pytest.mark.slow
def test_an_order_that_runs_over_pages_is_named_in_their_header(tmp_path):
    plan = make_plan(n_skus=150)
    pages = pdf_pages(build_internal_report(tmp_path / "r.pdf", plan, stock_charts=0))
    continued = [p for p in pages if f"{PLAIN_SUPPLIER}, order by 2025-03-03 (continued)" in p]
    assert continued
    for text in continued:
        assert "SKU\nName\nQty" in text  # the column titles repeat too
