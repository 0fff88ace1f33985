"""The supplier purchase plan, read back from the PDF as a supplier would see it."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from plan_factory import (
    CHINESE_SUPPLIER,
    CYRILLIC_SUPPLIER,
    HOSTILE_NAME,
    HOSTILE_SUPPLIER,
    LONG_DESCRIPTION,
    PLAIN_SUPPLIER,
    SECRET_CUSTOMERS,
    SELL_PRICES,
    VIETNAMESE_SUPPLIER,
    make_plan,
)
from pypdf import PdfReader

from planner.formatting import format_amount, format_money, format_quantity
from planner.reports.export import UnknownSupplierError, export_pdfs
from planner.reports.supplier_plan import supplier_plan_reference
from tests.reports.conftest import pdf_pages, squash


def _lines(plan, supplier):
    return [line for s in plan.purchase_suggestions if s["supplier"] == supplier
            for line in s["lines"]]


def test_one_purchase_plan_per_supplier_and_the_internal_report(plan, exported):
    suppliers = {s["supplier"] for s in plan.purchase_suggestions}
    assert set(exported) == suppliers | {"report"}
    for supplier in suppliers:
        assert exported[supplier].name == f"{supplier_plan_reference(supplier, plan.as_of)}.pdf"
        assert exported[supplier].read_bytes().startswith(b"%PDF")
    assert exported["report"].name == "plan-report-2025-03-03.pdf"


def test_every_line_quantity_and_total_is_on_the_plan(plan, exported):
    text = "\n".join(pdf_pages(exported[PLAIN_SUPPLIER]))
    lines = _lines(plan, PLAIN_SUPPLIER)
    for line in lines:
        row = re.search(rf"{line['sku']}\b.*?\n?.*?{format_quantity(line['quantity'])}\b", text,
                        re.S)
        assert row, f"{line['sku']} × {line['quantity']} missing"
    total = sum(line["value"] for line in lines)
    assert f"Total: {len(lines)} lines" in text
    assert format_money(total, "USD") in text
    assert format_quantity(sum(line["quantity"] for line in lines)) in text


def test_totals_per_requested_delivery_date(plan, exported):
    text = "\n".join(pdf_pages(exported[VIETNAMESE_SUPPLIER]))
    for s in plan.purchase_suggestions:
        if s["supplier"] != VIETNAMESE_SUPPLIER:
            continue
        value = sum(line["value"] for line in s["lines"])
        assert f"Delivery {s['expected_arrival']}: {len(s['lines'])} lines" in text
        assert format_amount(value, "VND") in text
    assert "VND 95,100,000" in text  # the dong has no minor unit: no ".00"
    assert "95,100,000.00" not in text


def test_page_numbers_count_the_pages(exported):
    for path in exported.values():
        pages = pdf_pages(path)
        for number, text in enumerate(pages, start=1):
            assert f"Page {number} of {len(pages)}" in text


def test_nothing_internal_reaches_a_supplier(plan, exported):
    order_ids = set(plan.backorder_lines["order_id"])
    for supplier in {s["supplier"] for s in plan.purchase_suggestions}:
        text = "\n".join(pdf_pages(exported[supplier]))
        for customer in SECRET_CUSTOMERS:
            assert customer not in text
        for price in SELL_PRICES:
            assert format_amount(price) not in text and str(price) not in text
        for order_id in order_ids:
            assert order_id not in text
        for internal in ("reorder point", "Rounding", "rounded up", "backorder", "minimum",
                         "margin", "why", "Position "):
            assert internal.lower() not in text.lower(), (supplier, internal)


def test_hostile_names_come_out_literally_and_inject_nothing(plan, exported):
    path = exported[HOSTILE_SUPPLIER]
    text = "\n".join(pdf_pages(path))
    assert squash(HOSTILE_SUPPLIER) in squash(text)
    assert squash("<u>Eve</u>") in squash(text)
    assert squash("<script>steal()</script>") in squash(text)
    assert squash("<Net 30> & no partial shipments") in squash(text)
    assert squash("Northwind Outdoor Co. & Sons <Ltd>") in squash(text)
    for page in PdfReader(str(path)).pages:  # the <img src=...> did not become an image
        resources = page.get("/Resources") or {}
        assert "/XObject" not in resources
    chinese = "\n".join(pdf_pages(exported[CHINESE_SUPPLIER]))
    assert squash(HOSTILE_NAME) in squash(chinese)


def test_a_500_character_description_is_printed_whole(exported):
    text = "\n".join(pdf_pages(exported[PLAIN_SUPPLIER]))
    assert len(LONG_DESCRIPTION) == 500
    assert squash(LONG_DESCRIPTION) in squash(text)


def test_chinese_vietnamese_and_cyrillic_names_keep_their_letters(exported):
    chinese = "\n".join(pdf_pages(exported[CHINESE_SUPPLIER]))
    assert CHINESE_SUPPLIER in chinese
    assert "深圳市福田区华强北路1号" in chinese and "王伟 (Wang Wei)" in chinese
    vietnamese = "\n".join(pdf_pages(exported[VIETNAMESE_SUPPLIER]))
    assert VIETNAMESE_SUPPLIER in vietnamese and "Nguyễn Thị Hương" in vietnamese
    cyrillic = "\n".join(pdf_pages(exported[CYRILLIC_SUPPLIER]))
    assert CYRILLIC_SUPPLIER in cyrillic and "Новосибирск" in cyrillic


def _font_names(path):
    names = set()
    for page in PdfReader(str(path)).pages:
        fonts = page["/Resources"].get("/Font") or {}
        for ref in fonts.values():
            names.add(str(ref.get_object()["/BaseFont"]))
    return names


def test_glyphs_come_from_embedded_fonts_that_have_them(exported):
    """CJK text is set in the packaged CJK font, the rest in DejaVu: both embedded, no boxes."""
    names = _font_names(exported[CHINESE_SUPPLIER])
    assert any("PlannerCJK" in n or "Droid" in n for n in names), names
    assert any("DejaVu" in n or "PlannerSans" in n for n in names), names
    reader = PdfReader(str(exported[CHINESE_SUPPLIER]))
    for page in reader.pages:
        for ref in (page["/Resources"].get("/Font") or {}).values():
            font = ref.get_object()
            descendant = font.get("/DescendantFonts")
            descriptor = (descendant[0].get_object() if descendant else font).get(
                "/FontDescriptor")
            assert descriptor is not None and "/FontFile2" in descriptor.get_object(), font


def test_headers_repeat_on_every_page_of_a_long_plan(tmp_path):
    plan = make_plan(n_skus=300, suggestion_share=1.0)
    [path] = export_pdfs(plan, tmp_path, supplier=PLAIN_SUPPLIER, include_report=False)
    pages = pdf_pages(path)
    line_pages = [text for text in pages if re.search(r"SKU-\d{5}", text)]
    assert len(line_pages) >= 3
    for text in line_pages[1:]:
        assert "Description" in text and "Deliver by" in text and "Line total" in text
        assert supplier_plan_reference(PLAIN_SUPPLIER, plan.as_of) in text  # running header
    lines = _lines(plan, PLAIN_SUPPLIER)
    assert f"Total: {len(lines)} lines" in pages[-1] or f"Total: {len(lines)} lines" in pages[-2]


@pytest.mark.parametrize(("page_size", "width", "height"), [("A4", 595, 842),
                                                             ("Letter", 612, 792)])
def test_page_size_follows_the_setting(tmp_path, page_size, width, height):
    plan = make_plan(n_skus=10, settings={"page_size": page_size})
    [path] = export_pdfs(plan, tmp_path, supplier=PLAIN_SUPPLIER, include_report=False)
    box = PdfReader(str(path)).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (width, height)


def test_the_company_logo_is_printed_and_a_missing_one_is_skipped(tmp_path):
    from PIL import Image

    logo = tmp_path / "logo.png"
    Image.new("RGB", (300, 100), (29, 78, 137)).save(logo)
    plan = make_plan(n_skus=10, settings={"company_logo": str(logo)})
    [with_logo] = export_pdfs(plan, tmp_path / "a", supplier=PLAIN_SUPPLIER,
                              include_report=False)
    assert "/XObject" in PdfReader(str(with_logo)).pages[0]["/Resources"]
    plan = make_plan(n_skus=10, settings={"company_logo": str(tmp_path / "gone.png")})
    [without] = export_pdfs(plan, tmp_path / "b", supplier=PLAIN_SUPPLIER,
                            include_report=False)
    assert "Purchase plan" in pdf_pages(without)[0]


def test_reference_numbers_are_stable_and_distinct(plan, exported):
    refs = {s: supplier_plan_reference(s, plan.as_of) for s in plan.suppliers["supplier"]}
    assert refs == {s: supplier_plan_reference(s, plan.as_of) for s in refs}
    assert len(set(refs.values())) == len(refs)
    assert refs[PLAIN_SUPPLIER].startswith("PP-20250303-ACMEWIDG-")
    assert re.fullmatch(r"PP-20250303-[0-9A-F]{4}", refs[CHINESE_SUPPLIER])
    assert refs[PLAIN_SUPPLIER] in pdf_pages(exported[PLAIN_SUPPLIER])[0]


def test_supplier_currency_else_the_workspace_currency(exported):
    first = pdf_pages(exported[CHINESE_SUPPLIER])[0]
    assert "Total (CNY)" in first and "CNY " in first
    cyrillic = "\n".join(pdf_pages(exported[CYRILLIC_SUPPLIER]))
    assert "Total (USD)" in cyrillic  # no currency on file: the workspace's


def test_one_supplier_by_name_any_case(plan, tmp_path):
    paths = export_pdfs(plan, tmp_path, supplier="acme widgets ltd", include_report=False)
    assert [p.name for p in paths] == [f"{supplier_plan_reference(PLAIN_SUPPLIER, plan.as_of)}.pdf"]


def test_a_known_supplier_with_nothing_to_order_gets_a_plan_that_says_so(plan, tmp_path):
    quiet = plan.suppliers.iloc[[0]].assign(supplier="Quiet Supplier GmbH")
    plan.suppliers = pd.concat([plan.suppliers, quiet], ignore_index=True)
    try:
        [path] = export_pdfs(plan, tmp_path, supplier="Quiet Supplier GmbH",
                             include_report=False)
    finally:
        plan.suppliers = plan.suppliers.iloc[:-1]
    assert "No purchases from you are planned" in "\n".join(pdf_pages(path))


def test_an_unknown_supplier_is_refused_with_the_known_names(plan, tmp_path):
    with pytest.raises(UnknownSupplierError, match="Acme Widgets Ltd"):
        export_pdfs(plan, tmp_path, supplier="Nobody Ltd")
    assert not list(tmp_path.glob("*.pdf"))

