"""The internal plan report the buyer reads and signs off: KPIs, suggested orders with their
reasons and the backorders they clear, exceptions, and the charts the app shows."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, KeepTogether, Paragraph, Spacer, Table

from planner.formatting import (
    MISSING,
    format_amount,
    format_date,
    format_money,
    format_quantity,
    format_total,
)
from planner.reports.catalog_health import catalog_health_section
from planner.reports.charts import backorder_book_figure, projected_stock_figure
from planner.reports.fonts import BODY, clean_text, markup
from planner.reports.forecast_accuracy import accuracy_section
from planner.reports.styles import (
    ACCENT,
    ACCENT_LIGHT,
    INK,
    RULE,
    SectionMarker,
    Styles,
    figure_image,
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

#: each exception list shows at most this many lines (the CLI's CSV exports list them all)
MAX_EXCEPTION_ROWS = 200
#: order ids listed per suggested line before "+N more"
MAX_ORDER_IDS = 8
#: SKUs whose projected stock is charted
TOP_SKUS = 6


def _kpi_tiles(styles: Styles, plan: Any, currency: str, width: float) -> Table:
    k = plan.kpis
    suggestions = plan.purchase_suggestions
    n_lines = sum(len(s.get("lines", [])) for s in suggestions)
    overdue = _overdue_pos(plan)
    tiles: list[tuple[str, str, str]] = []

    def add(key: str, label: str, kind: str = "count", note: str = "", *,
            unknown: str = "", noun: str = "PO") -> None:
        if key not in k or k[key] is None:
            return
        value = k[key]
        text = (format_money(value, currency, decimals=0) if kind == "money"
                else format_quantity(value))
        count = int(k.get(unknown) or 0) if unknown else 0
        if count:  # money without an exchange rate: named, never counted as 0 (issue 23)
            note = format_total(value, currency, unknown_count=count, noun=noun,
                                unknown_currencies=k.get("currencies_without_rate", []))
            if float(value) == 0:  # nothing known: unknown, never "USD 0"
                text, note = MISSING, note[len(MISSING) + 2:-1]
            else:
                note = "+ " + note.split(" + ", 1)[-1]
        tiles.append((text, label, note))

    add("backorder_units", "units on backorder",
        note=f"{format_quantity(k.get('backorder_lines', 0))} lines, oldest "
             f"{format_quantity(k.get('oldest_backorder_days', 0))} days"
        if "backorder_lines" in k else "")
    add("backorder_value", "backorder book value", "money")
    add("backorder_value_at_risk", "value at risk of cancellation", "money")
    add("uncovered_backorder_lines", "backorder lines no supply covers")
    add("late_backorder_lines", "backorder lines late vs promise")
    add("notice_due_lines", "delay notices due")
    add("skus_below_reorder_point", "SKUs below reorder point")
    add("stockouts_within_30_days", "stockouts within 30 days")
    add("inventory_value", "inventory value (cost)", "money",
        unknown="inventory_skus_without_rate", noun="SKU")
    add("on_order_value", "on order (cost)", "money", unknown="on_order_pos_without_rate")
    tiles.append((format_quantity(len(suggestions)), "suggested orders",
                  f"{format_quantity(n_lines)} lines"))
    tiles.append((format_quantity(len(overdue)), "overdue PO lines", ""))
    columns = 4
    cells = []
    for value, label, note in tiles:
        block = [Paragraph(value, styles.kpi_value), Paragraph(label, styles.kpi_label)]
        if note:
            block.append(Paragraph(note, styles.kpi_label))
        cells.append(block)
    while len(cells) % columns:
        cells.append("")
    rows = [cells[i:i + columns] for i in range(0, len(cells), columns)]
    return layout_table(rows, colWidths=[width / columns] * columns, style=[
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("BOX", (0, 0), (-1, -1), 0.5, RULE), ("INNERGRID", (0, 0), (-1, -1), 0.5, RULE),
        ("TOPPADDING", (0, 0), (-1, -1), 5), ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
        ("LEFTPADDING", (0, 0), (-1, -1), 6)])


def _supplier_info(plan: Any) -> dict[str, dict[str, Any]]:
    frame = plan.suppliers if plan.suppliers is not None else pd.DataFrame()
    if frame is None or frame.empty or "supplier" not in frame:
        return {}
    return {str(row["supplier"]): row for row in frame.to_dict(orient="records")}


def _overview(styles: Styles, plan: Any, info: Mapping[str, Mapping[str, Any]],
              width: float) -> Table:
    widths = scaled_widths([40, 19, 19, 10, 13, 29, 13, 36], width)
    rows: list[list[Any]] = [["Supplier", "Order by", "Arrives", "Lines", "Units", "Value",
                              "Clears\n(units)", "Note"]]
    for s in sorted(plan.purchase_suggestions,
                    key=lambda s: (str(s.get("order_date")), str(s.get("supplier")))):
        lines = s.get("lines", [])
        # the plan's values are landed, in the workspace currency (never the supplier's)
        currency = str(plan.settings.get("currency") or "USD")
        rows.append([
            wrap_cell(s.get("supplier"), styles.cell, widths[0], max_chars=120),
            format_date(s.get("order_date")), format_date(s.get("expected_arrival")),
            f"{len(lines):,}", format_quantity(sum(float(x.get("quantity") or 0) for x in lines)),
            _suggestion_value(s, currency),
            format_quantity(sum(int(x.get("clears_backorder_units") or 0) for x in lines)),
            wrap_cell(s.get("min_order_value_note") or "", styles.cell_small, widths[7]),
        ])
    return long_table(rows, colWidths=widths, repeatRows=1, style=table_style(extra=[
        ("ALIGN", (3, 0), (6, -1), "RIGHT"), ("FONT", (7, 1), (7, -1), BODY, 7, 8.5)]))


def _suggestion_value(suggestion: Mapping[str, Any], currency: str) -> str:
    """The suggestion's landed value in the workspace currency; without an exchange rate "—"
    and its value in the supplier's currency (never that amount under the workspace's code)."""
    value = suggestion.get("total_value")
    if value is not None:
        return format_money(value, currency)
    own = suggestion.get("total_value_supplier_currency")
    code = str(suggestion.get("currency") or "")
    if own is None or not code:
        return MISSING
    return f"{MISSING} ({format_money(own, code)}, no rate)"


def _clears_text(line: Mapping[str, Any]) -> str:
    ids = [clean_text(i) for i in (line.get("clears_backorders") or [])]
    units = int(line.get("clears_backorder_units") or 0)
    if not ids and not units:
        return ""
    shown = ", ".join(ids[:MAX_ORDER_IDS])
    more = f" +{len(ids) - MAX_ORDER_IDS} more" if len(ids) > MAX_ORDER_IDS else ""
    return f"{units:,} {'unit' if units == 1 else 'units'}: {shown}{more}"


def _line_why(line: Mapping[str, Any], why_by_sku: Mapping[str, str]) -> str:
    """The SKU's why sentence, plus the line's own reason when it says more than "reorder"."""
    why = clean_text(why_by_sku.get(str(line.get("sku")), "")).strip()
    reason = clean_text(line.get("reason")).strip()
    if reason and reason != "reorder" and reason not in why:
        why = f"{why}\n{reason[:1].upper()}{reason[1:]}" if why else reason
    return why


def _why_by_sku(plan: Any) -> dict[str, str]:
    skus = plan.skus
    if skus is None or skus.empty or "why" not in skus:
        return {}
    return dict(zip(skus["sku"].astype(str), skus["why"].fillna("").astype(str), strict=False))


def _suggestion_detail(styles: Styles, suggestion: Mapping[str, Any], currency: str,
                       why_by_sku: Mapping[str, str], width: float) -> list[Any]:
    """One suggested order line by line; pages it continues on name it in their header."""
    widths = scaled_widths([24, 31, 10, 10, 21, 56, 27], width)
    lines = sorted(suggestion.get("lines", []), key=lambda x: -float(x.get("value") or 0))
    band = (f"<b>{markup(suggestion.get('supplier'), max_chars=200)}</b> · order by "
            f"{format_date(suggestion.get('order_date'))} · arrives "
            f"{format_date(suggestion.get('expected_arrival'))} · {len(lines):,} lines · "
            f"{_suggestion_value(suggestion, currency)}")
    note = clean_text(suggestion.get("min_order_value_note")).strip()
    if note:
        band += f"<br/>Minimum order value: {markup(note, max_chars=400)}"
    rows: list[list[Any]] = [["SKU", "Name", "Qty", "Cases", f"Value ({currency})", "Why",
                              "Clears\nbackorders"]]
    for x in lines:
        why = _line_why(x, why_by_sku)
        rounding = clean_text(x.get("rounding_note")).strip()
        if rounding and rounding not in why:
            why = f"{why}\nRounding: {rounding}" if why else f"Rounding: {rounding}"
        cases = x.get("cases")
        rows.append([
            wrap_cell(x.get("sku"), styles.cell, widths[0], max_chars=60),
            wrap_cell(x.get("name"), styles.cell, widths[1], max_chars=160),
            format_quantity(x.get("quantity")),
            MISSING if cases is None or pd.isna(cases) else f"{float(cases):,.4g}",
            format_amount(x.get("value"), currency),
            wrap_cell(why, styles.cell_small, widths[5], max_chars=600),
            wrap_cell(_clears_text(x), styles.cell_small, widths[6], max_chars=300),
        ])
    table = long_table(rows, colWidths=widths, repeatRows=1, style=table_style(extra=[
        ("ALIGN", (2, 0), (4, -1), "RIGHT"), ("FONT", (5, 1), (6, -1), BODY, 7, 8.5)]))
    banner = layout_table([[Paragraph(band, styles.cell)]], colWidths=[width], style=[
        ("BACKGROUND", (0, 0), (-1, -1), ACCENT_LIGHT), ("TOPPADDING", (0, 0), (-1, -1), 4),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4)])
    section = (f"{clean_text(suggestion.get('supplier'))[:80]}, order by "
               f"{format_date(suggestion.get('order_date'))} (continued)")
    return [CondPageBreak(35 * mm), SectionMarker(section), banner, table, Spacer(1, 5 * mm)]


def _detail_suggestions(plan: Any) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Orders to sign off now (each supplier's next order, and any due within the review
    period) and the later ones, which the overview table already lists."""
    review = int(plan.settings.get("review_period_days", 7) or 0)
    due_by = pd.Timestamp(plan.as_of) + pd.Timedelta(days=max(review, 0))
    first: dict[str, pd.Timestamp] = {}
    for s in plan.purchase_suggestions:
        when = pd.Timestamp(s.get("order_date"))
        key = str(s.get("supplier"))
        first[key] = min(first.get(key, when), when)
    now, later = [], []
    for s in sorted(plan.purchase_suggestions,
                    key=lambda s: (str(s.get("supplier")), str(s.get("order_date")))):
        when = pd.Timestamp(s.get("order_date"))
        (now if when <= due_by or when == first[str(s.get("supplier"))] else later).append(s)
    return now, later


def _frame(plan: Any, name: str) -> pd.DataFrame:
    value = getattr(plan, name, None)
    return value if isinstance(value, pd.DataFrame) else pd.DataFrame()


def _overdue_pos(plan: Any) -> pd.DataFrame:
    po = _frame(plan, "open_po_lines")
    if po.empty:
        return po
    if "overdue" in po:
        return po[po["overdue"].fillna(False).astype(bool)]
    expected = pd.to_datetime(po.get("expected_date"), errors="coerce")
    return po[expected < pd.Timestamp(plan.as_of)]


def _capped(styles: Styles, frame: pd.DataFrame, build_rows, header: list[str],
            widths: list[float], what: str, extra: list[tuple]) -> list[Any]:
    if frame.empty:
        return [Paragraph(f"No {what}.", styles.body), Spacer(1, 2 * mm)]
    shown = frame.head(MAX_EXCEPTION_ROWS)
    rows = [header] + build_rows(shown)
    out: list[Any] = [long_table(rows, colWidths=widths, repeatRows=1,
                            style=table_style(extra=extra))]
    if len(frame) > len(shown):
        out.append(Paragraph(f"… and {len(frame) - len(shown):,} more {what} not shown here "
                             "(the app and the CSV exports list them all).", styles.small))
    out.append(Spacer(1, 3 * mm))
    return out


def _exceptions(styles: Styles, plan: Any, currency: str, width: float) -> list[Any]:
    lines = _frame(plan, "backorder_lines")
    out: list[Any] = [CondPageBreak(50 * mm), SectionMarker("Exceptions"),
                      Paragraph("Exceptions", styles.h1)]

    def flag(column: str) -> pd.Series:
        if lines.empty or column not in lines:
            return pd.Series(False, index=lines.index)
        return lines[column].fillna(False).astype(bool)

    order_widths = scaled_widths([29, 25, 30, 8, 17, 17, 19, 33], width)

    def order_rows(frame: pd.DataFrame, last: str) -> list[list[Any]]:
        rows = []
        for r in frame.to_dict(orient="records"):
            rows.append([
                wrap_cell(r.get("order_id"), styles.cell, order_widths[0], max_chars=40),
                wrap_cell(r.get("sku"), styles.cell, order_widths[1], max_chars=60),
                wrap_cell(r.get("customer") or "", styles.cell, order_widths[2], max_chars=120),
                format_quantity(r.get("quantity")), format_date(r.get("order_date")),
                format_date(r.get("promised_date")), format_amount(r.get("value"), currency),
                wrap_cell(last_text(r, last), styles.cell_small, order_widths[7]),
            ])
        return rows

    def last_text(r: Mapping[str, Any], last: str) -> str:
        if last == "late":
            return (f"ships {format_date(r.get('projected_ship_date'))}, "
                    f"{format_quantity(r.get('days_late'))} days late")
        return clean_text(r.get("flag_reasons") or "no known supply")

    header = ["Order", "SKU", "Customer", "Qty", "Ordered", "Promised", f"Value ({currency})",
              "Status"]
    extra = [("ALIGN", (3, 0), (3, -1), "RIGHT"), ("ALIGN", (6, 0), (6, -1), "RIGHT"),
             ("FONT", (7, 1), (7, -1), BODY, 7, 8.5)]
    uncovered = lines[flag("uncovered")] if not lines.empty else lines
    if not uncovered.empty and "value" in uncovered:
        uncovered = uncovered.sort_values("value", ascending=False, kind="stable")
    out += [Paragraph(f"Uncovered backorders ({len(uncovered):,}): no open PO covers them",
                      styles.h2)]
    out += _capped(styles, uncovered, lambda f: order_rows(f, "uncovered"), header,
                   order_widths, "uncovered backorder lines", extra)

    late = lines[flag("late") & ~flag("uncovered")] if not lines.empty else lines
    if not late.empty and "days_late" in late:
        late = late.sort_values("days_late", ascending=False, kind="stable",
                                key=lambda s: pd.to_numeric(s, errors="coerce"))
    out += [Paragraph(f"Late backorders ({len(late):,}): projected after the promised date",
                      styles.h2)]
    out += _capped(styles, late, lambda f: order_rows(f, "late"), header, order_widths,
                   "late backorder lines", extra)

    overdue = _overdue_pos(plan)
    po_widths = scaled_widths([26, 26, 46, 14, 18, 14, 24], width)

    def po_rows(frame: pd.DataFrame) -> list[list[Any]]:
        rows = []
        for r in frame.to_dict(orient="records"):
            expected = pd.to_datetime(r.get("expected_date"), errors="coerce")
            days = (pd.Timestamp(plan.as_of) - expected).days if pd.notna(expected) else None
            qty = r.get("quantity", r.get("open_quantity"))
            rows.append([wrap_cell(r.get("po_number") or r.get("source"), styles.cell,
                                   po_widths[0], max_chars=40),
                         wrap_cell(r.get("sku"), styles.cell, po_widths[1], max_chars=60),
                         wrap_cell(r.get("supplier") or "", styles.cell, po_widths[2],
                                   max_chars=120),
                         format_quantity(qty), format_date(expected),
                         format_quantity(days) if days is not None else MISSING,
                         format_date(r.get("date", r.get("sellable_date")))])
        return rows

    if not overdue.empty and "expected_date" in overdue:
        overdue = overdue.sort_values("expected_date", kind="stable")
    out += [Paragraph(f"Overdue PO lines ({len(overdue):,}): expected date has passed",
                      styles.h2)]
    out += _capped(styles, overdue, po_rows,
                   ["PO", "SKU", "Supplier", "Open qty", "Expected", "Days over",
                    "Assumed sellable"], po_widths, "overdue PO lines",
                   [("ALIGN", (3, 0), (3, -1), "RIGHT"), ("ALIGN", (5, 0), (5, -1), "RIGHT")])

    out += _rounding_excess(styles, plan, width)
    return out


def _rounding_excess(styles: Styles, plan: Any, width: float) -> list[Any]:
    """Lines that MOQ or case-pack rounding made bigger than needed, largest excess value first.

    Uses each line's raw_quantity (what the plan needed before rounding) when the plan carries it;
    without it, lists the rounded lines of the orders to sign off now."""
    rows = []
    have_raw = any("raw_quantity" in x for s in plan.purchase_suggestions
                   for x in s.get("lines", []))
    now = {id(s) for s in _detail_suggestions(plan)[0]}
    currency = str(plan.settings.get("currency") or "USD")  # line costs are landed, in it
    for s in plan.purchase_suggestions:
        for x in s.get("lines", []):
            note = clean_text(x.get("rounding_note")).strip()
            quantity = float(x.get("quantity") or 0)
            raw = _number(x.get("raw_quantity"))
            if have_raw:
                if raw is None or quantity - raw < 0.5:
                    continue
            elif not note or id(s) not in now:
                continue
            excess = quantity - raw if raw is not None else None
            unit_cost = _number(x.get("unit_cost")) or 0.0
            rows.append({"supplier": s.get("supplier"), "sku": x.get("sku"),
                         "order_date": s.get("order_date"), "needed": raw, "quantity": quantity,
                         "excess": excess, "currency": currency,
                         "excess_value": excess * unit_cost if excess is not None else None,
                         "note": note})
    frame = pd.DataFrame(rows)
    if not frame.empty:
        frame = frame.sort_values(["excess_value", "order_date"], ascending=[False, True],
                                  kind="stable", na_position="last")
    if have_raw:
        widths = scaled_widths([36, 24, 17, 13, 13, 12, 22, 31], width)
        header = ["Supplier", "SKU", "Order by", "Needed", "Ordered", "Excess", "Excess value",
                  "Rule"]
        title = (f"MOQ and case-pack excess ({len(frame):,}): lines rounded up beyond what "
                 "the plan needs")
    else:
        widths = scaled_widths([40, 26, 18, 14, 50], width)
        header = ["Supplier", "SKU", "Order by", "Ordered", "Rounded up by"]
        title = (f"MOQ and case-pack rounding ({len(frame):,}) in the orders to sign off now "
                 "(the plan does not say how many units were needed)")

    def build(shown: pd.DataFrame) -> list[list[Any]]:
        out = []
        for r in shown.to_dict(orient="records"):
            row = [wrap_cell(r["supplier"], styles.cell, widths[0], max_chars=120),
                   wrap_cell(r["sku"], styles.cell, widths[1], max_chars=60),
                   format_date(r["order_date"])]
            if have_raw:
                row += [format_quantity(r["needed"]), format_quantity(r["quantity"]),
                        format_quantity(r["excess"]),
                        format_money(r["excess_value"], r["currency"])]
            else:
                row += [format_quantity(r["quantity"])]
            out.append(row + [wrap_cell(r["note"], styles.cell_small, widths[-1])])
        return out

    last_number = len(header) - 2
    return [Paragraph(title, styles.h2),
            *_capped(styles, frame, build, header, widths, "rounded lines",
                     [("ALIGN", (3, 0), (last_number, -1), "RIGHT"),
                      ("FONT", (-1, 1), (-1, -1), BODY, 7, 8.5)])]


def top_skus(plan: Any, n: int = TOP_SKUS) -> list[str]:
    """The SKUs most worth a chart: most backorder units cleared, then backordered, then value."""
    score: dict[str, list[float]] = {}
    for s in plan.purchase_suggestions:
        for x in s.get("lines", []):
            entry = score.setdefault(str(x.get("sku")), [0.0, 0.0, 0.0])
            entry[0] += float(x.get("clears_backorder_units") or 0)
            entry[2] += float(x.get("value") or 0)
    skus = _frame(plan, "skus")
    if not skus.empty and "backordered" in skus:
        for sku, units in zip(skus["sku"].astype(str), skus["backordered"].fillna(0),
                              strict=False):
            if units > 0:
                score.setdefault(sku, [0.0, 0.0, 0.0])[1] = float(units)
    ranked = sorted(score, key=lambda k: (-score[k][0], -score[k][1], -score[k][2], k))
    projected = _frame(plan, "projected_on_hand")
    return [k for k in ranked if k in projected.index][:n]


def _stock_charts(styles: Styles, plan: Any, width: float, count: int) -> list[Any]:
    chosen = top_skus(plan, count) if count > 0 else []
    if not chosen:
        return []
    projected = plan.projected_on_hand
    skus = _frame(plan, "skus")
    by_sku = skus.set_index(skus["sku"].astype(str)) if not skus.empty else pd.DataFrame()
    po = _frame(plan, "open_po_lines")
    # drawn on the projected (sellable) stock: a suggested order counts from its sellable date
    suggested = pd.DataFrame([{"sku": str(x.get("sku")),
                               "date": s.get("sellable_date") or s.get("expected_arrival"),
                               "quantity": x.get("quantity")}
                              for s in plan.purchase_suggestions for x in s.get("lines", [])])
    images = []
    for sku in chosen:
        row = by_sku.loc[sku] if sku in by_sku.index else pd.Series(dtype=object)
        if isinstance(row, pd.DataFrame):
            row = row.iloc[0]
        receipts = po[po["sku"].astype(str) == sku] if not po.empty and "sku" in po else None
        if receipts is not None and "date" not in receipts and "sellable_date" in receipts:
            receipts = receipts.rename(columns={"sellable_date": "date"})
        if receipts is not None and "quantity" not in receipts and "open_quantity" in receipts:
            receipts = receipts.rename(columns={"open_quantity": "quantity"})
        mine = suggested[suggested["sku"] == sku] if not suggested.empty else None
        figure = projected_stock_figure(
            projected.loc[sku], sku=sku, name=clean_text(row.get("name")) or None,
            safety_stock=_number(row.get("safety_stock")),
            reorder_point=_number(row.get("reorder_point")),
            receipts=receipts, suggested=mine)
        images.append(figure_image(figure, width / 2 - 2 * mm, dpi=130))
    rows = [images[i:i + 2] + [""] * (2 - len(images[i:i + 2])) for i in range(0, len(images), 2)]
    grid = layout_table(rows, colWidths=[width / 2] * 2, style=[
        ("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 3 * mm)])
    return [CondPageBreak(70 * mm), SectionMarker("Projected stock"),
            Paragraph("Projected stock of the top SKUs", styles.h1),
            Paragraph("Stock at the end of each day with the open POs and no new orders; "
                      "triangles mark PO receipts (up) and suggested receipts (down).",
                      styles.small), Spacer(1, 2 * mm), grid]


def _number(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if np.isfinite(number) else None


def _settings_line(settings: Mapping[str, Any]) -> str:
    kind = "fill rate" if settings.get("service_level_type") == "fill_rate" else "cycle"
    level = settings.get("service_level")
    level_text = f"{float(level):.0%}" if _number(level) is not None else MISSING
    return (f"Service level {level_text} ({kind}) · review every "
            f"{settings.get('review_period_days', MISSING)} days · horizon "
            f"{settings.get('horizon_days', MISSING)} days · dock to stock "
            f"{settings.get('dock_to_stock_days', MISSING)} days · currency "
            f"{settings.get('currency', 'USD')}")


def build_internal_report(path: Path | str, plan: Any, *,
                          settings: Mapping[str, Any] | None = None,
                          stock_charts: int = TOP_SKUS, accuracy: Any = None) -> Path:
    """Write the internal plan report for a PlanResult to path and return the path;
    stock_charts is how many top SKUs get a projected-stock chart; ``accuracy`` (from
    planning.forecast_accuracy) adds the forecast-accuracy section."""
    settings = dict(plan.settings) | dict(settings or {})
    styles = Styles()
    currency = str(settings.get("currency") or "USD")
    company = clean_text(settings.get("company_name")).strip()
    size = page_size(settings)
    as_of_text = format_date(plan.as_of)
    later_header, footer = page_furniture(
        size, header_left=f"Plan report as of {as_of_text}" + (f" · {company}" if company else ""),
        header_right="INTERNAL — not for suppliers",
        footer_left=f"{company} · internal plan report {as_of_text}" if company
        else f"Internal plan report {as_of_text}")
    doc = make_document(str(path), settings=settings, title=f"Plan report {as_of_text}",
                        author=company or "Planner", subject="Internal purchase plan report",
                        on_later_pages=later_header)
    width = doc.width
    info = _supplier_info(plan)
    now, later = _detail_suggestions(plan)
    why = _why_by_sku(plan)

    story: list[Any] = [
        layout_table([[[Paragraph("Plan report", styles.title),
                        para(company, styles.company, max_chars=200)],
                 [Paragraph("INTERNAL — not for suppliers", styles.label_right),
                  Paragraph(f"As of {as_of_text}", styles.h2_right)]]],
              colWidths=[width - 60 * mm, 60 * mm],
              style=[("VALIGN", (0, 0), (-1, -1), "TOP"), ("ALIGN", (1, 0), (1, 0), "RIGHT"),
                     ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                     ("LINEBELOW", (0, 0), (-1, 0), 1.2, ACCENT),
                     ("BOTTOMPADDING", (0, 0), (-1, -1), 3 * mm)]),
        Spacer(1, 2 * mm), Paragraph(_settings_line(settings), styles.small), Spacer(1, 3 * mm),
        _kpi_tiles(styles, plan, currency, width), Spacer(1, 4 * mm),
    ]
    book = _frame(plan, "book")
    if not book.empty:
        story.append(figure_image(backorder_book_figure(book, currency=currency,
                                                        figsize=(7.4, 2.5)), width, dpi=150))
    story += [CondPageBreak(40 * mm), SectionMarker("Suggested orders"),
              Paragraph("Suggested orders", styles.h1)]
    if plan.purchase_suggestions:
        due = [s for s in plan.purchase_suggestions if s.get("order_now")]
        now_value = plan.kpis.get("to_order_now_value",
                                  sum(float(s.get("total_value") or 0) for s in due))
        story += [Paragraph(f"<b>Order now: {len(due):,} orders, "
                            f"{format_money(now_value, currency)}</b>; planned later: "
                            f"{len(plan.purchase_suggestions) - len(due):,} orders. "
                            f"{len(plan.purchase_suggestions):,} orders from "
                            f"{len({str(s.get('supplier')) for s in plan.purchase_suggestions}):,}"
                            f" suppliers over the horizon. Values in {currency}, landed: each "
                            "supplier's prices converted at the plan's exchange rates, with "
                            "freight and duty (a supplier whose currency has no rate shows none "
                            "and is in no total).",
                            styles.small), Spacer(1, 1.5 * mm),
                  _overview(styles, plan, info, width), Spacer(1, 4 * mm),
                  CondPageBreak(40 * mm), Paragraph("Orders to sign off now", styles.h1),
                  Paragraph("Each supplier's next order and every order due within the review "
                            "period, line by line with the reason and the customer backorders "
                            "the line clears." + (f" {len(later):,} later orders are in the "
                                                   "table above." if later else ""),
                            styles.small), Spacer(1, 2 * mm)]
        for suggestion in now:
            story += _suggestion_detail(styles, suggestion, currency, why, width)
    else:
        story.append(Paragraph("No purchases are suggested within the horizon.", styles.body))
    story += _exceptions(styles, plan, currency, width)
    story += catalog_health_section(styles, plan, currency, width)
    names = plan.skus.set_index("sku")["name"] if "name" in plan.skus else None
    story += accuracy_section(styles, accuracy, width, names)
    story += _stock_charts(styles, plan, width, stock_charts)
    story += [Spacer(1, 6 * mm), KeepTogether(_approval(styles, width))]
    doc.build(story, canvasmaker=numbered_canvas(footer))
    return Path(path)


def _approval(styles: Styles, width: float) -> list[Any]:
    line = layout_table([["Approved by", "Signature", "Date"]],
                 colWidths=[width * 0.4, width * 0.4, width * 0.2],
                 style=[("LINEABOVE", (0, 0), (-1, 0), 0.5, INK),
                        ("FONT", (0, 0), (-1, -1), BODY, 7, 9),
                        ("LEFTPADDING", (0, 0), (-1, -1), 0)])
    return [Paragraph("SIGN-OFF", styles.label),
            Paragraph("Orders above approved for placing with the suppliers.", styles.body),
            Spacer(1, 10 * mm), line]

