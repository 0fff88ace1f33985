"""The internal report's forecast-accuracy section: the holdout per demand class and the SKUs
the forecast missed by the most units (planning.forecast_accuracy)."""

from __future__ import annotations

from typing import Any

import pandas as pd
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Paragraph, Spacer

from planner.engine.forecasting.accuracy import OVERALL
from planner.formatting import MISSING, format_quantity
from planner.reports.fonts import BOLD
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

#: SKUs listed, largest absolute error first
WORST_SKUS = 15

CLASS_LABELS = {"smooth": "Smooth", "erratic": "Erratic", "intermittent": "Intermittent",
                "lumpy": "Lumpy", "new": "New", "dead": "Dead",
                "made_to_order": "Made to order", OVERALL: "All SKUs"}


def _ratio(value: Any) -> str:
    return MISSING if pd.isna(value) else f"{float(value):.2f}"


def _pct(value: Any) -> str:
    return MISSING if pd.isna(value) else f"{float(value):+.1f} %"


def _header(styles: Styles, titles: list[str], first_numeric: int) -> list[Paragraph]:
    return [Paragraph(t, styles.head_right if i >= first_numeric else styles.head)
            for i, t in enumerate(titles)]


def accuracy_section(styles: Styles, accuracy: Any, width: float,
                     names: pd.Series | None = None) -> list[Any]:
    """Heading, how the holdout was made, the class table and the worst SKUs."""
    if accuracy is None:
        return []
    out: list[Any] = [CondPageBreak(50 * mm), SectionMarker("Forecast accuracy"),
                      Paragraph("Forecast accuracy", styles.h1)]
    if accuracy.empty:
        return out + [Paragraph(accuracy.empty_reason, styles.body), Spacer(1, 3 * mm)]
    out += [Paragraph(
        f"The forecast the plan would have made on {accuracy.origin.isoformat()} from the sales "
        f"up to then (no manual forecasts), against what sold in the {accuracy.weeks} weeks to "
        f"{accuracy.as_of.isoformat()}. WAPE: Σ |forecast − sold| ÷ Σ sold, on weekly errors, on "
        "each SKU's total over the weeks, and on its lead time + review period total. MASE: "
        "Σ |weekly error| ÷ Σ (weeks × the SKU's usual week-to-week change before), below 1 "
        "beats repeating last week. Bias: (forecast − sold) ÷ sold; negative is low.",
        styles.small), Spacer(1, 1.5 * mm)]
    header = _header(styles, ["Demand class", "SKUs", "Forecast units", "Sold units", "WAPE",
                              "WAPE of totals", "WAPE lead time", "MASE", "Bias"], 1)
    body = []
    classes = accuracy.classes.to_dict(orient="records")
    for r in classes:
        body.append([CLASS_LABELS.get(r["demand_class"], r["demand_class"]),
                     format_quantity(r["skus"]), format_quantity(round(r["forecast_units"])),
                     format_quantity(r["actual_units"]), _ratio(r["wape"]),
                     _ratio(r["wape_total"]), _ratio(r["wape_lead"]), _ratio(r["mase"]),
                     _pct(r["bias_pct"])])
    low = [("TEXTCOLOR", (8, i + 1), (8, i + 1), WARN) for i, r in enumerate(classes)
           if pd.notna(r["bias_pct"]) and abs(r["bias_pct"]) >= 20]
    widths = scaled_widths([28, 14, 20, 20, 14, 16, 16, 14, 16], width)
    out.append(long_table([header] + body, colWidths=widths, repeatRows=1, style=table_style(
        numeric_from_col=1, extra=[("FONT", (0, -1), (-1, -1), BOLD, 8, 10),
                                   ("LINEABOVE", (0, -1), (-1, -1), 0.8, INK), *low])))
    out += [Spacer(1, 3 * mm), Paragraph("The SKUs the forecast missed by the most units",
                                          styles.h2),
            Paragraph(f"Units over the {accuracy.weeks} weeks; error: Σ |forecast − sold| of "
                      "the weeks.", styles.small), Spacer(1, 1 * mm)]
    worst = accuracy.skus.sort_values("abs_error", ascending=False, kind="stable")
    shown = worst.head(WORST_SKUS)
    widths = scaled_widths([26, 34, 20, 24, 17, 12, 14, 12, 18], width)
    header = _header(styles, ["SKU", "Name", "Class", "Forecast model", "Forecast", "Sold",
                              "Error", "WAPE", "Bias"], 4)
    rows = []
    for r in shown.to_dict(orient="records"):
        name = names.get(r["sku"], "") if names is not None else ""
        rows.append([wrap_cell(r["sku"], styles.cell, widths[0], max_chars=60),
                     wrap_cell(name, styles.cell, widths[1], max_chars=80),
                     CLASS_LABELS.get(r["demand_class"], r["demand_class"]),
                     wrap_cell(r["forecast_model"], styles.cell_small, widths[3], max_chars=80),
                     format_quantity(round(r["forecast_units"])),
                     format_quantity(r["actual_units"]),
                     format_quantity(round(r["abs_error"])), _ratio(r["wape"]),
                     _pct(r["bias_pct"])])
    out.append(long_table([header] + rows, colWidths=widths, repeatRows=1,
                          style=table_style(numeric_from_col=4)))
    if len(worst) > len(shown):
        out.append(Paragraph(f"… and {len(worst) - len(shown):,} more SKUs (the app's Forecast "
                             "accuracy page and `planner accuracy` list them all).",
                             styles.small))
    return out + [Spacer(1, 3 * mm)]
