"""Cell text for the app's tables: money, units and dates come from ``planner.formatting``
(the one formatter the PDFs use too); plain numbers, percentages and flags are table-only."""

from __future__ import annotations

import math
from typing import Any

from planner.formatting import MISSING, format_amount, format_date, format_quantity, is_missing

__all__ = ["date", "is_missing", "money", "number", "percent", "units", "yes_no"]


def units(value: Any) -> str:
    """Whole units with thousands separators: 1,240."""
    return format_quantity(value)


def money(value: Any, currency: str = "USD") -> str:
    """An amount with the currency's decimals (the column header names the currency)."""
    return format_amount(value, currency)


def date(value: Any) -> str:
    """ISO date, the way the spec prints them."""
    return format_date(value)


def number(value: Any, decimals: int = 1) -> str:
    if is_missing(value):
        return MISSING
    if isinstance(value, float) and math.isinf(value):
        return "∞"
    text = f"{float(value):,.{decimals}f}"
    return text[1:] if text.startswith("-") and not text.strip("-0.,") else text


def percent(value: Any, decimals: int = 0) -> str:
    if is_missing(value):
        return MISSING
    return f"{float(value) * 100:.{decimals}f}%"


def yes_no(value: Any) -> str:
    if is_missing(value):
        return ""
    return "yes" if bool(value) else ""
