"""The one way to show money, quantities and dates to people (PDFs and the app share it)."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

import pandas as pd

#: ISO 4217 minor units where they are not 2.
_MINOR_UNITS = {
    "BIF": 0, "CLP": 0, "DJF": 0, "GNF": 0, "ISK": 0, "JPY": 0, "KMF": 0, "KRW": 0, "PYG": 0,
    "RWF": 0, "UGX": 0, "UYI": 0, "VND": 0, "VUV": 0, "XAF": 0, "XOF": 0, "XPF": 0,
    "BHD": 3, "IQD": 3, "JOD": 3, "KWD": 3, "LYD": 3, "OMR": 3, "TND": 3,
}

MISSING = "—"


def currency_decimals(currency: str) -> int:
    """How many decimals amounts in this ISO currency are shown with (USD 2, JPY 0, KWD 3)."""
    return _MINOR_UNITS.get(str(currency or "").strip().upper(), 2)


def is_missing(value: Any) -> bool:
    """None, NaN, NaT and pandas' NA (a list or other container is not missing)."""
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def format_amount(amount: Any, currency: str = "USD", *, decimals: int | None = None) -> str:
    """An amount with thousands separators and the currency's decimals: 12,345.60 (no code);
    decimals=0 rounds to whole units (for headline figures)."""
    if is_missing(amount):
        return MISSING
    places = currency_decimals(currency) if decimals is None else decimals
    try:
        value = Decimal(str(float(amount))).quantize(Decimal(1).scaleb(-places),
                                                     rounding=ROUND_HALF_UP)
    except (InvalidOperation, TypeError, ValueError, OverflowError):
        return MISSING
    if value == 0:
        value = abs(value)  # never "-0.00"
    return f"{value:,.{places}f}"


def cost_decimals(amounts: Any, currency: str = "USD", *, max_decimals: int = 4) -> int:
    """Decimals that show every per-unit cost in a column exactly (the currency's decimals at
    least, max_decimals at most), so a column of unit costs lines up."""
    places = currency_decimals(currency)
    needed = places
    for amount in amounts if hasattr(amounts, "__iter__") else [amounts]:
        if is_missing(amount):
            continue
        try:
            exact = Decimal(str(float(amount))).quantize(Decimal(1).scaleb(-max_decimals),
                                                         rounding=ROUND_HALF_UP).normalize()
        except (InvalidOperation, TypeError, ValueError, OverflowError):
            continue
        if exact.is_finite():
            needed = max(needed, -int(exact.as_tuple().exponent))
    return min(needed, max(places, max_decimals))


def format_unit_cost(amount: Any, currency: str = "USD", *, decimals: int | None = None) -> str:
    """A per-unit cost: the currency's decimals, more (up to 4) when the cost has them
    (0.125 stays 0.125, 4.5 shows 4.50); pass decimals to line up a column."""
    if is_missing(amount):
        return MISSING
    try:
        return _grouped(amount, cost_decimals([amount], currency) if decimals is None else decimals)
    except (InvalidOperation, TypeError, ValueError, OverflowError):
        return MISSING


def _grouped(amount: Any, places: int) -> str:
    value = Decimal(str(float(amount))).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    if value == 0:
        value = abs(value)
    return f"{value:,.{places}f}"


def format_money(amount: Any, currency: str = "USD", *, decimals: int | None = None) -> str:
    """An amount with its ISO currency code in front: USD 12,345.60, JPY 1,200, EUR -3.50."""
    text = format_amount(amount, currency, decimals=decimals)
    if text == MISSING:
        return text
    return f"{str(currency or '').strip().upper() or 'USD'} {text}"


def format_quantity(quantity: Any) -> str:
    """Whole units with thousands separators: 1,200."""
    if is_missing(quantity):
        return MISSING
    return f"{round(float(quantity)):,}"


def format_date(value: Any) -> str:
    """A date as ISO YYYY-MM-DD (unambiguous for suppliers abroad); missing dates as a dash."""
    if is_missing(value):
        return MISSING
    if isinstance(value, str):
        return value[:10]
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    try:
        import pandas as pd

        stamp = pd.Timestamp(value)
    except (TypeError, ValueError):
        return str(value)
    if stamp is pd.NaT or pd.isna(stamp):
        return MISSING
    return stamp.date().isoformat()


def format_total(known: Any, currency: str = "USD", *, unknown_count: int = 0,
                 unknown_currencies: Any = (), noun: str = "PO") -> str:
    """A total whose parts may lack an exchange rate: "USD 84,210.00", "USD 84,210.00 + 2 POs
    in CNY without a rate", or "— (2 POs in CNY without a rate)" when no part is known
    (``known`` None, or 0: nothing known to add up). Unknown money is never added in as 0 nor
    as the workspace currency."""
    count = int(unknown_count or 0)
    if count <= 0:
        return format_money(0.0 if is_missing(known) else known, currency)
    codes = ", ".join(sorted({str(c).strip().upper() for c in unknown_currencies if c})) or "?"
    unknown = f"{count:,} {noun}{'' if count == 1 else 's'} in {codes} without a rate"
    if is_missing(known) or float(known) == 0:
        return f"{MISSING} ({unknown})"
    return f"{format_money(known, currency)} + {unknown}"
