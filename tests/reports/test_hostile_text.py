"""User text at its worst: huge, mixed-script, with control characters and emoji."""

from __future__ import annotations

from plan_factory import PLAIN_SUPPLIER, make_plan

from planner.reports.export import export_pdfs
from tests.reports.conftest import pdf_pages


def test_absurd_user_text_cannot_break_the_layout(tmp_path):
    """5,000-character names, emoji, control characters and right-to-left text still give a
    well-formed plan and report; overlong text is cut with an ellipsis."""
    huge = ("Wörter " + "深圳" * 3 + " 😀 \x00\x07 مرحبا ") * 300
    plan = make_plan(n_skus=10, settings={"company_name": huge, "company_address": huge,
                                          "purchase_terms": huge})
    plan.suppliers.loc[0, ["contact", "address"]] = [huge, huge]
    for s in plan.purchase_suggestions:
        for line in s["lines"]:
            line.update(name=huge, supplier_sku=huge, sku=line["sku"] + "X" * 300,
                        reason=huge, clears_backorders=[huge] * 3)
    paths = export_pdfs(plan, tmp_path, supplier=PLAIN_SUPPLIER)
    for path in paths:
        pages = pdf_pages(path)
        assert f"Page 1 of {len(pages)}" in pages[0]
        assert "…" in "\n".join(pages)
