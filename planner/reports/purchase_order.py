"""One purchase order as the supplier gets it: a PDF in the purchase plan's look, and an XLSX
the supplier fills in (confirmed quantity, confirmed date, a comment) that imports back as
``purchase_orders``.

Only what a supplier may see goes in (as in supplier_plan.py): item codes, descriptions,
quantities, unit costs in the supplier's currency, totals, delivery dates and the terms.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, Spacer

from planner.formatting import format_date
from planner.reports.fonts import clean_text
from planner.reports.styles import (
    Styles,
    make_document,
    numbered_canvas,
    page_furniture,
    page_size,
    para,
)
from planner.reports.supplier_plan import (
    _header,
    _lines_table,
    _parties,
    _schedule,
    _sign_off,
    plan_currency,
)

#: the XLSX's columns: the purchase_orders import format, then what the supplier fills in
XLSX_COLUMNS = ["po_number", "sku", "supplier_sku", "name", "supplier", "order_date", "quantity",
                "expected_date", "unit_cost", "currency", "confirmed_quantity",
                "confirmed_date", "supplier_comment"]
#: the columns the supplier fills in (highlighted)
SUPPLIER_FILLS = ("confirmed_quantity", "confirmed_date", "supplier_comment")


def _frame(lines: pd.DataFrame, order_date: Any) -> pd.DataFrame:
    """The PO's lines in the shape the purchase plan's tables take."""
    quantity = pd.to_numeric(lines["quantity"]).astype(float)
    unit_cost = pd.to_numeric(lines["unit_cost"], errors="coerce")
    return pd.DataFrame({
        "sku": lines["sku"], "supplier_sku": lines.get("supplier_sku"), "name": lines.get("name"),
        "quantity": quantity, "unit_cost": unit_cost,
        "value": (quantity * unit_cost.fillna(0.0)).astype(float),
        "case_pack": lines.get("case_pack"), "cases": None,
        "deliver_by": pd.to_datetime(lines["expected_date"]),
        "order_date": pd.Timestamp(order_date) if order_date else pd.NaT,
    }).sort_values(["deliver_by", "sku"], kind="stable").reset_index(drop=True)


def build_purchase_order_pdf(path: Path, *, po_number: str, supplier: str,
                             order_date: dt.date, lines: pd.DataFrame,
                             supplier_info: Mapping[str, Any] | None,
                             settings: Mapping[str, Any]) -> Path:
    """Write one PO as a PDF: its number, the lines with their delivery dates, the terms."""
    styles = Styles()
    info = dict(supplier_info or {})
    currency = plan_currency(info, settings)
    frame = _frame(lines, order_date)
    company = clean_text(settings.get("company_name")).strip()
    later_header, footer = page_furniture(
        page_size(settings), header_left=f"Purchase order {po_number} · {clean_text(supplier)}",
        header_right=f"Order date {format_date(order_date)}",
        footer_left=f"{company} · {po_number}" if company else po_number)
    doc = make_document(str(path), settings=settings, title=f"Purchase order {po_number}",
                        author=company or "Planner",
                        subject=f"Purchase order {po_number} for {clean_text(supplier)}",
                        on_later_pages=later_header)
    width = doc.width
    story: list[Any] = [
        _header(styles, settings, po_number, order_date, currency, frame, width,
                title="Purchase order", date_label="Order date", reference_label="PO number"),
        Spacer(1, 4 * mm), _parties(styles, settings, supplier, info, width), Spacer(1, 4 * mm),
        Paragraph(f"Please supply the items below by the delivery dates shown, quoting "
                  f"<b>{clean_text(po_number)}</b> on every document. Confirm each line's quantity "
                  "and delivery date in the enclosed spreadsheet (columns confirmed_quantity, "
                  "confirmed_date and supplier_comment) and send it back.", styles.body),
        Spacer(1, 3 * mm), Paragraph("Delivery schedule", styles.h1),
        _schedule(frame, currency, width * 0.75, placed_label="Ordered"), Spacer(1, 3 * mm),
        Paragraph("Lines", styles.h1), _lines_table(styles, frame, currency, width)]
    terms = clean_text(settings.get("purchase_terms")).strip()
    tail: list[Any] = [Spacer(1, 5 * mm)]
    if terms:
        tail += [Paragraph("Terms", styles.h1), para(terms, styles.body), Spacer(1, 5 * mm)]
    story.append(KeepTogether(tail + [_sign_off(styles, settings, supplier, width)]))
    doc.build(story, canvasmaker=numbered_canvas(footer))
    return Path(path)


def build_purchase_order_xlsx(path: Path, *, po_number: str, supplier: str,
                              order_date: dt.date, lines: pd.DataFrame, currency: str) -> Path:
    """Write one PO as a spreadsheet for the supplier: one row per line in the purchase_orders
    import format (header in row 1, dates as dates), the columns to fill in highlighted."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    from planner.exports import neutralise_cell

    book = Workbook()
    sheet = book.active
    sheet.title = "Purchase order"
    sheet.append(XLSX_COLUMNS)
    fill = PatternFill("solid", fgColor="FFF4C2")
    for line in lines.sort_values(["expected_date", "sku"], kind="stable").itertuples(index=False):
        unit_cost = getattr(line, "unit_cost", None)
        sheet.append([
            po_number, neutralise_cell(str(line.sku)),
            neutralise_cell(getattr(line, "supplier_sku", None) or None),
            neutralise_cell(getattr(line, "name", None) or None), neutralise_cell(supplier),
            order_date, int(line.quantity), pd.Timestamp(line.expected_date).date(),
            None if unit_cost is None or pd.isna(unit_cost) else float(unit_cost), currency,
            None, None, None])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for column, name in enumerate(XLSX_COLUMNS, start=1):
        letter = sheet.cell(row=1, column=column).column_letter
        sheet.column_dimensions[letter].width = max(12, len(name) + 2)
        for row in range(1, sheet.max_row + 1):
            cell = sheet.cell(row=row, column=column)
            if name in ("order_date", "expected_date", "confirmed_date") and row > 1:
                cell.number_format = "yyyy-mm-dd"
            if name in SUPPLIER_FILLS:
                cell.fill = fill
    sheet.column_dimensions["D"].width = 36
    sheet.column_dimensions["M"].width = 40
    last = sheet.max_row
    if last > 1:
        whole = DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0",
                               allow_blank=True, error="A whole number of units, 0 or more")
        day = DataValidation(type="date", operator="greaterThan", formula1="1",
                             allow_blank=True, error="A date")
        sheet.add_data_validation(whole)
        sheet.add_data_validation(day)
        whole.add(f"K2:K{last}")
        day.add(f"L2:L{last}")
    sheet.freeze_panes = "C2"
    book.save(path)
    return Path(path)
