"""The supplier-facing purchase plan: what we plan to order from one supplier, and when.

Only what a supplier may see goes in: item codes, descriptions, quantities, cases, unit costs,
totals and requested delivery dates. Never sell prices, margins, customers, backorders or the
planner's reasons (those are in the internal report).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.platypus import (
    CondPageBreak,
    Image,
    KeepTogether,
    Paragraph,
    Spacer,
    Table,
)

from planner.formatting import (
    MISSING,
    cost_decimals,
    format_amount,
    format_date,
    format_money,
    format_quantity,
    format_unit_cost,
)
from planner.reports.fonts import BODY, BOLD, clean_text, markup
from planner.reports.styles import (
    ACCENT,
    ACCENT_LIGHT,
    INK,
    MUTED,
    RULE,
    Styles,
    layout_table,
    long_table,
    make_document,
    numbered_canvas,
    page_furniture,
    page_size,
    para,
    scaled_widths,
    table_style,
    wrap_cell,
)

#: descriptions longer than this are cut with an ellipsis (a row must fit on one page)
MAX_DESCRIPTION_CHARS = 1200
#: names (company, supplier, contact) and address blocks are cut at these lengths
MAX_NAME_CHARS = 200
MAX_BLOCK_CHARS = 600
LOGO_MAX_WIDTH = 50 * mm
LOGO_MAX_HEIGHT = 18 * mm


def supplier_plan_reference(supplier: str, as_of: dt.date) -> str:
    """A deterministic reference for one supplier's plan on one date: PP-20250303-ACMEWIDG-1A2B."""
    ascii_name = unicodedata.normalize("NFKD", str(supplier)).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^A-Za-z0-9]", "", ascii_name).upper()[:8]
    digest = hashlib.sha1(str(supplier).encode("utf-8")).hexdigest()[:4].upper()
    return f"PP-{as_of:%Y%m%d}-{slug}-{digest}" if slug else f"PP-{as_of:%Y%m%d}-{digest}"


def plan_currency(supplier_info: Mapping[str, Any] | None, settings: Mapping[str, Any]) -> str:
    """The supplier's currency, else the workspace currency."""
    value = clean_text((supplier_info or {}).get("currency")).strip().upper()
    return value if len(value) == 3 and value.isalpha() else str(settings.get("currency") or "USD")


def _logo(path_text: str) -> Image | None:
    """The company logo scaled to fit the header, or None when unset, missing or unreadable."""
    if not path_text:
        return None
    path = Path(path_text).expanduser()
    try:
        width, height = ImageReader(str(path)).getSize()
    except Exception:  # noqa: BLE001 - any unreadable file just means "no logo"
        return None
    scale = min(LOGO_MAX_WIDTH / width, LOGO_MAX_HEIGHT / height)
    return Image(str(path), width=width * scale, height=height * scale)


def _lines_frame(suggestions: Sequence[Mapping[str, Any]]) -> pd.DataFrame:
    """All suggested lines for one supplier, one row each, with delivery and order dates."""
    rows = []
    for suggestion in suggestions:
        for line in suggestion.get("lines", []):
            quantity = float(line.get("quantity") or 0)
            # the supplier's own price in its currency (the plan's unit_cost is landed, in the
            # workspace currency: freight, duty and the exchange rate are not the supplier's)
            own = "unit_cost_supplier_currency" in line
            unit_cost = line.get("unit_cost_supplier_currency") if own else line.get("unit_cost")
            value = line.get("value_supplier_currency") if own else line.get("value")
            if value is None or pd.isna(value):
                value = quantity * float(unit_cost or 0)
            rows.append({
                "sku": line.get("sku"), "supplier_sku": line.get("supplier_sku"),
                "name": line.get("name"), "quantity": quantity, "unit_cost": unit_cost,
                "value": float(value), "case_pack": line.get("case_pack"),
                "cases": line.get("cases"),
                "deliver_by": pd.Timestamp(line.get("expected_arrival")
                                           or suggestion.get("expected_arrival")),
                "order_date": pd.Timestamp(suggestion.get("order_date")),
            })
    frame = pd.DataFrame(rows, columns=["sku", "supplier_sku", "name", "quantity", "unit_cost",
                                        "value", "case_pack", "cases", "deliver_by",
                                        "order_date"])
    return frame.sort_values(["deliver_by", "sku"], kind="stable").reset_index(drop=True)


def _cases_text(cases: Any, case_pack: Any, quantity: float) -> str:
    try:
        pack = int(case_pack)
    except (TypeError, ValueError):
        return MISSING
    if pack <= 1:
        return MISSING
    if cases is None or pd.isna(cases):
        cases = quantity / pack
    cases = float(cases)
    count = f"{int(cases):,}" if cases.is_integer() else f"{cases:,.2f}"
    return f"{count} × {pack:,}"


def _header(styles: Styles, settings: Mapping[str, Any], reference: str, as_of: dt.date,
            currency: str, frame: pd.DataFrame, width: float, *, title: str = "Purchase plan",
            date_label: str = "Plan date", reference_label: str = "Reference") -> Table:
    left: list[Any] = []
    logo = _logo(clean_text(settings.get("company_logo")).strip())
    if logo is not None:
        logo.hAlign = "LEFT"
        left += [logo, Spacer(1, 2 * mm)]
    company = clean_text(settings.get("company_name")).strip()
    if company:
        left.append(para(company, styles.company, max_chars=MAX_NAME_CHARS))
    address = clean_text(settings.get("company_address")).strip()
    if address:
        left.append(para(address, styles.small, max_chars=MAX_BLOCK_CHARS))
    meta = [(reference_label, reference), (date_label, format_date(as_of)),
            ("Currency", currency), ("Lines", f"{len(frame):,}"),
            ("Deliveries", f"{frame['deliver_by'].nunique():,}")]
    meta_table = layout_table([[k, v] for k, v in meta], colWidths=[20 * mm, 58 * mm],
                              hAlign="RIGHT",
                       style=[("FONT", (0, 0), (0, -1), BOLD, 7.5, 10),
                              ("FONT", (1, 0), (1, -1), BODY, 8.5, 10),
                              ("TEXTCOLOR", (0, 0), (0, -1), MUTED),
                              ("LEFTPADDING", (0, 0), (-1, -1), 0),
                              ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                              ("TOPPADDING", (0, 0), (-1, -1), 1),
                              ("BOTTOMPADDING", (0, 0), (-1, -1), 1)])
    right = [Paragraph(title, styles.title), Spacer(1, 2 * mm), meta_table]
    return layout_table([[left or "", right]], colWidths=[width - 78 * mm, 78 * mm],
                 style=[("VALIGN", (0, 0), (-1, -1), "TOP"),
                        ("LEFTPADDING", (0, 0), (-1, -1), 0),
                        ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                        ("LINEBELOW", (0, 0), (-1, 0), 1.2, ACCENT),
                        ("BOTTOMPADDING", (0, 0), (-1, -1), 4 * mm)])


def _parties(styles: Styles, settings: Mapping[str, Any], supplier: str,
             info: Mapping[str, Any], width: float) -> Table:
    supplier_block: list[Any] = [Paragraph("SUPPLIER", styles.label),
                                 para(supplier, styles.h2, max_chars=MAX_NAME_CHARS)]
    for key in ("contact", "email", "address"):
        text = clean_text(info.get(key)).strip()
        if text:
            supplier_block.append(para(text, styles.body, max_chars=MAX_BLOCK_CHARS))
    buyer_block: list[Any] = [Paragraph("BUYER / DELIVER TO", styles.label)]
    company = clean_text(settings.get("company_name")).strip()
    buyer_block.append(para(company or "—", styles.h2, max_chars=MAX_NAME_CHARS))
    address = clean_text(settings.get("company_address")).strip()
    if address:
        buyer_block.append(para(address, styles.body, max_chars=MAX_BLOCK_CHARS))
    half = (width - 6 * mm) / 2
    return layout_table([[supplier_block, "", buyer_block]], colWidths=[half, 6 * mm, half],
                 style=[("VALIGN", (0, 0), (-1, -1), "TOP"),
                        ("BOX", (0, 0), (0, 0), 0.5, RULE), ("BOX", (2, 0), (2, 0), 0.5, RULE),
                        ("LEFTPADDING", (0, 0), (-1, -1), 3 * mm),
                        ("RIGHTPADDING", (0, 0), (-1, -1), 3 * mm),
                        ("TOPPADDING", (0, 0), (-1, -1), 2 * mm),
                        ("BOTTOMPADDING", (0, 0), (-1, -1), 3 * mm)])


def _schedule(frame: pd.DataFrame, currency: str, width: float, *,
              placed_label: str = "Order to be placed") -> Table:
    """Requested deliveries at a glance: one row per delivery date, then the overall total."""
    groups = frame.groupby("deliver_by", sort=True)
    rows: list[list[Any]] = [["Requested delivery", placed_label, "Lines", "Units",
                              f"Total ({currency})"]]
    for deliver_by, group in groups:
        placed = ", ".join(format_date(d) for d in sorted(group["order_date"].dropna().unique()))
        rows.append([format_date(deliver_by), placed or MISSING, f"{len(group):,}",
                     format_quantity(group["quantity"].sum()),
                     format_amount(group["value"].sum(), currency)])
    rows.append(["Overall", "", f"{len(frame):,}", format_quantity(frame["quantity"].sum()),
                 format_money(frame["value"].sum(), currency)])
    widths = scaled_widths([32, 36, 12, 18, 30], width)
    return layout_table(rows, colWidths=widths, repeatRows=1, hAlign="LEFT", style=table_style(
        numeric_from_col=2,
        extra=[("FONT", (0, -1), (-1, -1), BOLD, 8, 10),
               ("BACKGROUND", (0, -1), (-1, -1), ACCENT_LIGHT),
               ("LINEABOVE", (0, -1), (-1, -1), 0.8, ACCENT)]))


def _lines_table(styles: Styles, frame: pd.DataFrame, currency: str, width: float) -> Table:
    """Every line, grouped by requested delivery date with a subtotal after each group."""
    widths = scaled_widths([6, 34, 49, 13, 19, 18, 22, 18], width)
    decimals = cost_decimals(frame["unit_cost"], currency)
    rows: list[list[Any]] = [["#", "Item", "Description", "Qty", "Cases\n× pack",
                              f"Unit cost\n({currency})", f"Line total\n({currency})",
                              "Deliver by"]]
    extra: list[tuple] = []
    number = 0
    for deliver_by, group in frame.groupby("deliver_by", sort=True):
        for line in group.itertuples(index=False):
            number += 1
            rows.append([
                str(number),
                _item_cell(styles, line.sku, line.supplier_sku, widths[1]),
                wrap_cell(line.name, styles.cell, widths[2], max_chars=MAX_DESCRIPTION_CHARS),
                format_quantity(line.quantity),
                _cases_text(line.cases, line.case_pack, line.quantity),
                format_unit_cost(line.unit_cost, currency, decimals=decimals),
                format_amount(line.value, currency),
                format_date(deliver_by),
            ])
        rows.append([f"Delivery {format_date(deliver_by)}: {len(group):,} lines", "", "",
                     format_quantity(group["quantity"].sum()), "", "",
                     format_amount(group["value"].sum(), currency), ""])
        r = len(rows) - 1
        extra += [("FONT", (0, r), (-1, r), BOLD, 8, 10),
                  ("BACKGROUND", (0, r), (-1, r), ACCENT_LIGHT), ("ALIGN", (0, r), (0, r), "LEFT"),
                  ("TEXTCOLOR", (0, r), (0, r), INK)]
    rows.append([f"Total: {len(frame):,} lines", "", "", format_quantity(frame["quantity"].sum()),
                 "", "", format_money(frame["value"].sum(), currency), ""])
    r = len(rows) - 1
    extra += [("FONT", (0, r), (-1, r), BOLD, 8.5, 11), ("ALIGN", (0, r), (0, r), "LEFT"),
              ("TEXTCOLOR", (0, r), (0, r), INK),
              ("LINEABOVE", (0, r), (-1, r), 1, ACCENT),
              ("BACKGROUND", (0, r), (-1, r), ACCENT_LIGHT)]
    style = table_style(extra=[("ALIGN", (3, 0), (6, -1), "RIGHT"),
                               ("FONT", (1, 1), (1, -1), BOLD, 8, 10),
                               ("ALIGN", (0, 1), (0, -1), "RIGHT"),
                               ("TEXTCOLOR", (0, 1), (0, -1), MUTED), *extra])
    # subtotal labels and the grand total are short ASCII strings drawn across the empty cells
    # beside them (no SPAN: spans make page splits quadratic)
    return long_table(rows, colWidths=widths, repeatRows=1, style=style)


def _item_cell(styles: Styles, sku: Any, supplier_sku: Any, width: float) -> Any:
    """Our SKU, and the supplier's own item code underneath when we know it."""
    code = clean_text(supplier_sku).strip()
    if not code:
        return wrap_cell(sku, styles.cell_bold, width, max_chars=60)
    return Paragraph(f"<b>{markup(sku, max_chars=60)}</b><br/><font size=\"7\" "
                     f"color=\"#616e7c\">Your code: {markup(code, max_chars=60)}</font>",
                     styles.cell)


def _sign_off(styles: Styles, settings: Mapping[str, Any], supplier: str, width: float) -> Table:
    company = clean_text(settings.get("company_name")).strip() or "the buyer"

    def block(title: str, who: str) -> list[Any]:
        return [Paragraph(title, styles.label), para(who, styles.body, max_chars=MAX_NAME_CHARS),
                Spacer(1, 9 * mm),
                layout_table([["Name", "Signature", "Date"]],
                      colWidths=[(width / 2 - 8 * mm) * f for f in (0.4, 0.4, 0.2)],
                      style=[("LINEABOVE", (0, 0), (-1, 0), 0.5, MUTED),
                             ("FONT", (0, 0), (-1, -1), BODY, 7, 9),
                             ("TEXTCOLOR", (0, 0), (-1, -1), MUTED),
                             ("LEFTPADDING", (0, 0), (-1, -1), 0)])]

    half = (width - 8 * mm) / 2
    return layout_table([[block("APPROVED FOR THE BUYER", company), "",
                   block("CONFIRMED BY THE SUPPLIER", supplier)]],
                 colWidths=[half, 8 * mm, half],
                 style=[("VALIGN", (0, 0), (-1, -1), "TOP"),
                        ("LEFTPADDING", (0, 0), (-1, -1), 0),
                        ("RIGHTPADDING", (0, 0), (-1, -1), 0)])


def build_supplier_plan(path: Path, *, supplier: str,
                        suggestions: Sequence[Mapping[str, Any]],
                        supplier_info: Mapping[str, Any] | None, as_of: dt.date,
                        settings: Mapping[str, Any]) -> Path:
    """Write one supplier's purchase plan PDF to path and return the path."""
    styles = Styles()
    info = dict(supplier_info or {})
    currency = plan_currency(info, settings)
    reference = supplier_plan_reference(supplier, as_of)
    frame = _lines_frame(suggestions)
    company = clean_text(settings.get("company_name")).strip()
    size = page_size(settings)

    later_header, footer = page_furniture(
        size, header_left=f"Purchase plan {reference} · {clean_text(supplier)}",
        header_right=f"Plan date {format_date(as_of)}",
        footer_left=f"{company} · {reference}" if company else reference)
    doc = make_document(str(path), settings=settings, title=f"Purchase plan {reference}",
                        author=company or "Planner",
                        subject=f"Purchase plan for {clean_text(supplier)}",
                        on_later_pages=later_header)
    width = doc.width

    story: list[Any] = [_header(styles, settings, reference, as_of, currency, frame, width),
                        Spacer(1, 4 * mm), _parties(styles, settings, supplier, info, width),
                        Spacer(1, 4 * mm)]
    if frame.empty:
        story.append(para("No purchases from you are planned at this time. We will send a new "
                          "plan when that changes.", styles.body))
    else:
        story += [
            Paragraph("These are the items we plan to order from you and the delivery date we "
                      "request for each. Please confirm quantities, unit costs and delivery "
                      "dates, or tell us what you can do instead. Purchase orders follow on the "
                      "dates shown.", styles.body),
            Spacer(1, 3 * mm), Paragraph("Delivery schedule", styles.h1),
            _schedule(frame, currency, width * 0.75), Spacer(1, 3 * mm),
            CondPageBreak(40 * mm), Paragraph("Lines", styles.h1),
            _lines_table(styles, frame, currency, width)]
    terms = clean_text(settings.get("purchase_terms")).strip()
    tail: list[Any] = [Spacer(1, 5 * mm)]
    if terms:
        tail += [Paragraph("Terms and notes", styles.h1), para(terms, styles.body),
                 Spacer(1, 5 * mm)]
    story.append(KeepTogether(tail + [_sign_off(styles, settings, supplier, width)]))

    doc.build(story, canvasmaker=numbered_canvas(footer))
    return Path(path)
