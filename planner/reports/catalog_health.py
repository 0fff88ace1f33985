"""The internal report's catalog-health section: excess and dead stock, the ABC / XYZ matrix and
the purchase budget month by month (issue 14)."""

from __future__ import annotations

from typing import Any

import pandas as pd
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, KeepTogether, Paragraph, Spacer

from planner.engine.budget import budget_by_month
from planner.engine.catalog import ABC_CUTS, XYZ_CUTS, tied_up_stock
from planner.formatting import MISSING, format_amount, format_money, format_quantity
from planner.planning import abc_xyz_matrix
from planner.reports.fonts import BODY, BOLD
from planner.reports.styles import (
    INK,
    WARN,
    SectionMarker,
    Styles,
    long_table,
    scaled_widths,
    table_style,
    wrap_cell,
)

#: excess and dead-stock lines listed (largest money tied up first)
TOP_EXCESS_LINES = 15


def _header(styles: Styles, titles: list[str], numeric: range) -> list[Paragraph]:
    """Column titles that wrap inside their column (numbers' titles right-aligned)."""
    return [Paragraph(t, styles.head_right if i in numeric else styles.head)
            for i, t in enumerate(titles)]


def _weeks(value: Any) -> str:
    return MISSING if pd.isna(value) else f"{float(value):,.1f}"


def excess_section(styles: Styles, plan: Any, currency: str, width: float) -> list[Any]:
    """Totals, then the SKUs holding the most money beyond what the plan needs."""
    k = plan.kpis
    rows = tied_up_stock(plan.skus)
    out: list[Any] = [
        Paragraph("Excess and dead stock", styles.h2),
        Paragraph(
            f"Excess {format_money(k.get('excess_inventory_value', 0), currency)} in "
            f"{format_quantity(k.get('excess_skus', 0))} SKUs: stock and open POs above the "
            "order-up-to level plus the demand expected before an order placed today could "
            f"arrive. Dead stock {format_money(k.get('dead_stock_value', 0), currency)} in "
            f"{format_quantity(k.get('dead_stock_skus', 0))} SKUs: stock with no sale for "
            f"{plan.settings.get('dead_after_days', 180)} days. Landed cost, {currency}.",
            styles.small), Spacer(1, 1.5 * mm)]
    if rows.empty:
        return out + [Paragraph("No excess or dead stock.", styles.body), Spacer(1, 2 * mm)]
    shown = rows.head(TOP_EXCESS_LINES)
    widths = scaled_widths([24, 44, 13, 13, 20, 14, 20, 15], width)
    header = _header(styles, ["SKU", "Name", "On hand", "Excess units",
                              f"Excess value ({currency})", "Days since last sale",
                              f"Dead stock ({currency})", "Weeks to clear"], range(2, 8))
    body = []
    for r in shown.to_dict(orient="records"):
        since = r.get("days_since_last_sale")
        body.append([
            wrap_cell(r["sku"], styles.cell, widths[0], max_chars=60),
            wrap_cell(r.get("name"), styles.cell, widths[1], max_chars=80),
            format_quantity(r["on_hand"]), format_quantity(r["excess_units"]),
            format_amount(r["excess_value"], currency),
            "never sold" if pd.isna(since) else format_quantity(since),
            (format_amount(r["dead_stock_value"], currency)
             if r["dead_stock"] else ""),
            _weeks(r["weeks_to_clear"])])
    body.append(["Total", f"{len(rows):,} SKUs", "", "",
                 format_amount(k.get("excess_inventory_value", 0), currency),
                 "", format_amount(k.get("dead_stock_value", 0), currency), ""])
    out.append(long_table([header] + body, colWidths=widths, repeatRows=1, style=table_style(
        numeric_from_col=2, extra=[("FONT", (0, -1), (-1, -1), BOLD, 8, 10),
                                   ("LINEABOVE", (0, -1), (-1, -1), 0.8, INK),
                                   ("TEXTCOLOR", (6, 1), (6, -2), WARN)])))
    if len(rows) > len(shown):
        out.append(Paragraph(f"… and {len(rows) - len(shown):,} more SKUs with excess or dead "
                             "stock (the app's Excess & dead stock page lists them all).",
                             styles.small))
    out.append(Paragraph("Weeks to clear: the units tied up (the excess, or a dead SKU's whole "
                         "stock when larger) in weeks of forecast demand; a dash: no forecast "
                         "demand, selling will not clear it.", styles.small))
    return out + [Spacer(1, 3 * mm)]


def matrix_section(styles: Styles, plan: Any, currency: str, width: float) -> list[Any]:
    """The 3 × 3 ABC × XYZ matrix: SKUs, annual demand value and stock value per cell."""
    if "abc_class" not in plan.skus:
        return [Paragraph("ABC / XYZ", styles.h2),
                Paragraph("This plan carries no ABC / XYZ classes.", styles.body)]
    cells = {(c["abc_class"], c["xyz_class"]): c for c in abc_xyz_matrix(plan.skus)}
    a, b = (round(100 * c) for c in ABC_CUTS)
    x, y = XYZ_CUTS
    header = _header(styles, ["", "X: steady", "Y: variable", "Z: erratic", "Total"], range(0))
    body = []
    for abc, label in (("A", "A: top value"), ("B", "B: middle"), ("C", "C: the tail")):
        row: list[Any] = [label]
        for xyz in "XYZ":
            c = cells[(abc, xyz)]
            if not c["skus"]:
                row.append(Paragraph("0 SKUs", styles.cell_small))
                continue
            row.append(Paragraph(
                f"<b>{c['skus']:,} SKUs</b><br/>"
                f"{format_money(c['annual_demand_value'], currency, decimals=0)}/yr<br/>"
                f"stock {format_money(c['stock_value'], currency, decimals=0)}", styles.cell))
        line = [cells[(abc, xyz)] for xyz in "XYZ"]
        row.append(Paragraph(
            f"<b>{sum(c['skus'] for c in line):,} SKUs</b><br/>"
            f"{format_money(sum(c['annual_demand_value'] for c in line), currency, decimals=0)}"
            "/yr", styles.cell))
        body.append(row)
    widths = scaled_widths([22, 26, 26, 26, 26], min(width, 150 * mm))
    return [KeepTogether([
        Paragraph("ABC / XYZ", styles.h2),
        Paragraph(f"ABC by annual landed value of demand: A the SKUs making the first {a} % of "
                  f"it, B the next {b - a} %, C the last {100 - b} % (and SKUs without demand). "
                  "XYZ by the coefficient of variation of weekly demand over the last 52 weeks: "
                  f"X ≤ {x:g} < Y ≤ {y:g} < Z (no demand: Z). Bundles are not classed: their demand "
                  "counts on their components.", styles.small), Spacer(1, 1.5 * mm),
        long_table([header] + body, colWidths=widths, repeatRows=1,
                   style=table_style(extra=[("FONT", (0, 1), (0, -1), BOLD, 8, 10)]))]),
        Spacer(1, 3 * mm)]


def budget_section(styles: Styles, plan: Any, currency: str, width: float) -> list[Any]:
    """The open-to-buy month by month (committed, planned, budget, left), the deferred lines
    flagged for backorders, and apart the orders no month can fund."""
    budget = getattr(plan, "budget", None) or {}
    out: list[Any] = [Paragraph("Purchase budget by month", styles.h2)]
    per_month = float(budget.get("per_month", 0) or 0)
    if not per_month:
        return out + [Paragraph("No purchase budget is set (purchase_budget_per_month = 0): "
                                "every suggested order stays at its date.", styles.body),
                      Spacer(1, 2 * mm)]
    months = budget_by_month(budget)
    lines = budget.get("deferred_lines") or []
    unfunded = budget.get("unfunded") or []
    out += [Paragraph(f"Budget {format_money(per_month, currency, decimals=0)} a month, an "
                      "open-to-buy (landed value): POs already placed count first in their order "
                      f"date's month, suggested orders fill what is left. {len(lines):,} lines "
                      f"deferred to a later month; {len(unfunded):,} SKUs that no month within "
                      "the horizon can fund (left out of the suggestions, listed below); "
                      f"{int(budget.get('flagged_lines', 0)):,} of them clear existing customer "
                      "backorders (flagged).", styles.small), Spacer(1, 1.5 * mm)]
    header = _header(styles, ["Month", f"Committed ({currency})", f"Planned ({currency})",
                              f"Budget ({currency})", f"Left ({currency})",
                              f"Without budget ({currency})", "Lines deferred",
                              "Clearing backorders"], range(1, 8))
    body = []
    for r in months.to_dict(orient="records"):
        body.append([r["month"]] + [format_amount(r[key], currency) for key in
                                    ("committed_value", "planned_value", "budget", "left_value",
                                     "suggested_value")]
                    + [format_quantity(r["deferred_lines"]), format_quantity(r["flagged_lines"])])
    over = [("TEXTCOLOR", (1, i + 1), (1, i + 1), WARN)
            for i, r in enumerate(months.to_dict(orient="records")) if r["over_budget"]]
    widths = scaled_widths([16, 22, 22, 20, 20, 24, 16, 20], width)
    out.append(long_table([header] + body, colWidths=widths, repeatRows=1,
                          style=table_style(numeric_from_col=1, extra=over)))
    flagged = [line for line in lines if line.get("flag")]
    if flagged:
        out += [Spacer(1, 1.5 * mm), Paragraph("Flagged: deferred lines that clear customer "
                                                "backorders", styles.label)]
        fwidths = scaled_widths([30, 30, 16, 18, 15, 20, 71], width)
        rows: list[list[Any]] = [_header(styles, ["SKU", "Supplier", "Qty",
                                                  f"Value ({currency})", "Clears units",
                                                  "Order by", "What waiting costs"], range(2, 5))]
        for line in flagged:
            rows.append([wrap_cell(line["sku"], styles.cell, fwidths[0], max_chars=60),
                         wrap_cell(line.get("supplier"), styles.cell, fwidths[1], max_chars=80),
                         format_quantity(line["quantity"]),
                         format_amount(line["value"], currency),
                         format_quantity(line.get("clears_backorder_units", 0)),
                         line.get("to_order_date") or line.get("from_order_date"),
                         wrap_cell(line.get("note", ""), styles.cell_small, fwidths[6])])
        out.append(long_table(rows, colWidths=fwidths, repeatRows=1, style=table_style(
            extra=[("ALIGN", (2, 0), (4, -1), "RIGHT"), ("FONT", (-1, 1), (-1, -1), BODY, 7, 8.5)])))
    if unfunded:
        out += [Spacer(1, 1.5 * mm), Paragraph(
            "Unfunded: orders no month within the horizon can pay for (in no month's totals)",
            styles.label)]
        uwidths = scaled_widths([30, 30, 16, 20, 20, 16, 16, 22], width)
        urows: list[list[Any]] = [_header(styles, [
            "SKU", "Supplier", "Qty", f"Value ({currency})", "Wanted on", "Days out of stock",
            "Units short", f"Revenue at risk ({currency})"], range(2, 8))]
        for entry in unfunded:
            urows.append([wrap_cell(entry["sku"], styles.cell, uwidths[0], max_chars=60),
                          wrap_cell(entry.get("supplier"), styles.cell, uwidths[1], max_chars=80),
                          format_quantity(entry["quantity"]),
                          format_amount(entry["value"], currency), entry["order_date"],
                          format_quantity(entry["stockout_days"]),
                          format_quantity(entry["units_short"]),
                          format_amount(entry["revenue_at_risk"], currency)])
        out.append(long_table(urows, colWidths=uwidths, repeatRows=1,
                              style=table_style(numeric_from_col=2)))
    return out + [Spacer(1, 3 * mm)]


def catalog_health_section(styles: Styles, plan: Any, currency: str, width: float) -> list[Any]:
    """The whole section: a heading, then excess and dead stock, ABC / XYZ, the budget."""
    return [CondPageBreak(50 * mm), SectionMarker("Cash and catalog health"),
            Paragraph("Cash and catalog health", styles.h1),
            *excess_section(styles, plan, currency, width),
            *matrix_section(styles, plan, currency, width),
            *budget_section(styles, plan, currency, width)]
