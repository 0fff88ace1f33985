"""How numbers, money and dates read on screen (one formatter of each)."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "CNY": "¥", "AUD": "A$", "CAD": "C$"}


def is_missing(value: Any) -> bool:
    """None, NaN and NaT."""
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def units(value: Any) -> str:
    """Whole units with thousands separators: 1,240."""
    if is_missing(value):
        return ""
    return f"{round(float(value)):,}"


def number(value: Any, decimals: int = 1) -> str:
    if is_missing(value):
        return ""
    if isinstance(value, float) and math.isinf(value):
        return "∞"
    return f"{float(value):,.{decimals}f}"


def money(value: Any, currency: str = "USD", decimals: int = 0) -> str:
    """$1,240 (or 1,240 EUR-style with the symbol when known)."""
    if is_missing(value):
        return ""
    symbol = _SYMBOLS.get(currency.upper())
    amount = float(value)
    sign = "-" if amount < 0 else ""
    text = f"{abs(amount):,.{decimals}f}"
    return f"{sign}{symbol}{text}" if symbol else f"{sign}{text} {currency.upper()}"


def date(value: Any) -> str:
    """ISO date, the way the spec prints them."""
    if is_missing(value):
        return ""
    if isinstance(value, str):
        return value[:10]
    return pd.Timestamp(value).date().isoformat()


def percent(value: Any, decimals: int = 0) -> str:
    if is_missing(value):
        return ""
    return f"{float(value) * 100:.{decimals}f}%"


def yes_no(value: Any) -> str:
    if is_missing(value):
        return ""
    return "yes" if bool(value) else ""
