"""The one parser for dates, numbers and yes/no cells of import files.

Every function works on a whole column at once, and callers hand it the column's distinct
values (a sales file of millions of lines has a few hundred distinct dates and quantities), so
nothing here loops over rows in Python.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

# ---------------------------------------------------------------------------------------------
# Numbers

_SPACES = " \u00a0\u202f"


def _thousands(decimal: str) -> str:
    return ("," if decimal == "." else ".") + _SPACES + "'"


def decimal_evidence(values: pd.Series) -> tuple[int, int]:
    """(decimal-comma votes, decimal-point votes) among number-like cells such as 12,5 or 12.5.

    Cells like 1,234 or 1.234 could be either (thousands or decimals) and do not vote.
    """
    text = values.astype(str)
    comma = text.str.contains(r"^[+-]?[$€£]?\d*,(?:\d{1,2}|\d{4,})%?$|\d\.\d{3},\d", regex=True)
    point = text.str.contains(r"^[+-]?[$€£]?\d*\.(?:\d{1,2}|\d{4,})%?$|\d,\d{3}\.\d", regex=True)
    return int(comma.sum()), int(point.sum())


def decide_decimal(samples: Iterable[pd.Series], delimiter: str | None) -> str:
    """The file's decimal separator, from its number cells; a ';' file defaults to ','."""
    comma = point = 0
    for values in samples:
        c, p = decimal_evidence(values)
        comma, point = comma + c, point + p
    if delimiter == ",":
        return "."
    if comma != point:
        return "," if comma > point else "."
    return "," if delimiter == ";" else "."


_SIGN = r"^[+-]?[$€£¥]?"
#: A cell that can only mean a decimal comma: 12,5 / 0,125 / ,5 / 1.234,5 / 1.234.567
_ONLY_COMMA = (rf"{_SIGN}\d*,(?:\d{{1,2}}|\d{{4,}})%?$|{_SIGN}0?,\d+%?$|\d\.\d{{3}},\d"
               rf"|{_SIGN}\d{{1,3}}(?:\.\d{{3}}){{2,}}$|{_SIGN}\d{{4,}},\d+%?$")
#: ... or a decimal point: 12.5 / 0.125 / .5 / 1,234.5 / 1,234,567
_ONLY_POINT = (rf"{_SIGN}\d*\.(?:\d{{1,2}}|\d{{4,}})%?$|{_SIGN}0?\.\d+%?$|\d,\d{{3}}\.\d"
               rf"|{_SIGN}\d{{1,3}}(?:,\d{{3}}){{2,}}$|{_SIGN}\d{{4,}}\.\d+%?$")
#: A cell that reads either way: 1.250 (1.25 or 1250), 12,500
_EITHER = rf"{_SIGN}[1-9]\d{{0,2}}[.,]\d{{3}}%?$"


@dataclass
class DecimalChoice:
    """Each number column's decimal separator, and the columns no evidence decides."""

    by_column: dict[str, str]
    #: column -> a cell that reads either way (e.g. '1.250'), when nothing in the file tells
    ambiguous: dict[str, str]


def column_decimal_evidence(values: pd.Series, *,
                            whole: bool = False) -> tuple[int, int, str | None]:
    """(cells only a decimal comma reads, cells only a decimal point reads, a cell either
    reads) of one column's distinct values. In a column of ``whole`` units, 1.500 can only be
    fifteen hundred: its '.' is a thousands separator, which is a vote for decimal commas."""
    text = values.astype(str).str.strip()
    comma = text.str.contains(_ONLY_COMMA, regex=True).to_numpy(dtype=bool)
    point = text.str.contains(_ONLY_POINT, regex=True).to_numpy(dtype=bool)
    either = text.str.fullmatch(_EITHER).to_numpy(dtype=bool)
    if whole and either.any():
        dotted = text.str.contains(".", regex=False).to_numpy(dtype=bool)
        comma, point = comma | (either & dotted), point | (either & ~dotted)
        either = np.zeros(len(text), dtype=bool)
    example = str(text[either].iloc[0]) if either.any() else None
    return int(comma.sum()), int(point.sum()), example


def decide_decimals(columns: dict[str, pd.Series], delimiter: str | None,
                    given: str | None = None, *,
                    whole: Iterable[str] = ()) -> DecimalChoice:
    """Each number column's decimal separator from the whole file's evidence.

    ``given`` (the user's word: '.' or ',') decides every column. Otherwise a column's own
    cells decide it (0.125 or 12.5 can only be decimal points; 1.234,5 or 0,5 only commas);
    a column whose cells read either way (1.250) follows the rest of the file when the file's
    other columns agree, a ',' delimited file means decimal points, and a column nothing
    decides is listed as ambiguous (the caller refuses it and asks which it is). Columns in
    ``whole`` hold whole units (see column_decimal_evidence).
    """
    if given is not None:
        return DecimalChoice({name: given for name in columns}, {})
    whole = set(whole)
    evidence = {name: column_decimal_evidence(values, whole=name in whole)
                for name, values in columns.items()}
    comma_total = sum(c for c, _, _ in evidence.values())
    point_total = sum(p for _, p, _ in evidence.values())
    if comma_total and not point_total:
        file_choice: str | None = ","
    elif point_total and not comma_total:
        file_choice = "."
    elif delimiter == ",":
        file_choice = "."
    else:
        file_choice = None
    by_column: dict[str, str] = {}
    ambiguous: dict[str, str] = {}
    for name, (comma, point, example) in evidence.items():
        if comma != point:
            by_column[name] = "," if comma > point else "."
        elif delimiter == ",":
            by_column[name] = "."
        elif file_choice is not None:
            by_column[name] = file_choice
        elif example is not None:
            ambiguous[name] = example
            by_column[name] = "."
        else:  # whole numbers only: either separator reads them the same
            by_column[name] = "," if delimiter == ";" else "."
    return DecimalChoice(by_column, ambiguous)


def parse_numbers(values: pd.Series, decimal: str = ".", *, money: bool = False,
                  percent: bool = False) -> np.ndarray:
    """Numbers from text cells (float64, NaN where a cell is not a number).

    Accepts thousands separators (1,234 or 1.234,5 when the file uses decimal commas, spaces),
    a leading sign, scientific notation, currency symbols when ``money`` and a trailing % when
    ``percent`` (divided by 100).
    """
    text = values.astype(str)
    result = np.full(len(text), np.nan)
    if decimal == ".":
        fast = pd.to_numeric(text, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        result = np.where(np.isfinite(fast), fast, np.nan)
    todo = np.isnan(result)
    if not todo.any():
        return result
    rest = text[todo]
    scale = np.ones(len(rest))
    if money:
        rest = rest.str.replace(r"^([+-]?)\s*[$€£¥]\s*|\s*[$€£¥]$", r"\1", regex=True)
    if percent:
        has_pct = rest.str.endswith("%").to_numpy()
        scale = np.where(has_pct, 0.01, 1.0)
        rest = rest.str.replace(r"\s*%$", "", regex=True)
    d = re.escape(decimal)
    t = re.escape(_thousands(decimal))
    grouped = rest.str.fullmatch(rf"[+-]?\d{{1,3}}([{t}])\d{{3}}(?:\1\d{{3}})*(?:{d}\d*)?")
    plain = rest.str.fullmatch(rf"[+-]?(?:\d+(?:{d}\d*)?|{d}\d+)")
    scientific = rest.str.fullmatch(rf"[+-]?\d+(?:{d}\d+)?[eE][+-]?\d+")
    ok = (grouped | plain | scientific).to_numpy(dtype=bool)
    cleaned = rest.str.replace(rf"[{t}]", "", regex=True).str.replace(decimal, ".", regex=False)
    cleaned = cleaned.where(ok, "x")
    parsed = pd.to_numeric(cleaned, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    result[todo] = parsed * scale
    return result


def number_expectation(decimal: str) -> str:
    return "a number" + (" (this file uses decimal commas, e.g. 12,5)" if decimal == "," else "")


# ---------------------------------------------------------------------------------------------
# Booleans and codes

_TRUE = {"true", "yes", "y", "1", "1.0", "t", "x"}
_FALSE = {"false", "no", "n", "0", "0.0", "f"}


def parse_bools(values: pd.Series) -> np.ndarray:
    """True / False / None (not a yes-no value) per cell: true/false, yes/no, 1/0."""
    lowered = values.astype(str).str.lower()
    out = np.full(len(lowered), None, dtype=object)
    out[lowered.isin(_TRUE).to_numpy()] = True
    out[lowered.isin(_FALSE).to_numpy()] = False
    return out


PO_STATUSES = {"open": "open", "received": "received", "cancelled": "cancelled",
               "canceled": "cancelled"}


def parse_status(values: pd.Series) -> np.ndarray:
    """A PO line status (open / received / cancelled) per cell, None when it is none of them."""
    lowered = values.astype(str).str.lower()
    return lowered.map(PO_STATUSES).to_numpy(dtype=object, na_value=None)


# ---------------------------------------------------------------------------------------------
# Dates

_TAIL = r"(?:[T\s,].*)?"
_ISO = rf"(?P<y>\d{{4}})[-/.](?P<m>\d{{1,2}})[-/.](?P<d>\d{{1,2}}){_TAIL}"
_COMPACT = r"(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})"
_NUMERIC = rf"(?P<a>\d{{1,2}})[-/.](?P<b>\d{{1,2}})[-/.](?P<y>\d{{4}}|\d{{2}}){_TAIL}"
_SERIAL = r"(?P<n>\d{5})(?:\.\d+)?"
_DAY_MONTH = (rf"(?P<d>\d{{1,2}})[\s\-/.]*(?P<mon>[A-Za-z]{{3,9}})\.?[\s\-/.,]*"
              rf"(?P<y>\d{{4}}){_TAIL}")
_MONTH_DAY = (rf"(?P<mon>[A-Za-z]{{3,9}})\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+"
              rf"(?P<y>\d{{4}}){_TAIL}")
_EXCEL_EPOCH = np.datetime64("1899-12-30")
#: The dates an import accepts (a 1900 or 2300 date is a typo, and would wreck what is learned
#: from it): from FIRST_YEAR-01-01 to LAST_YEAR-12-31.
FIRST_YEAR, LAST_YEAR = 1970, 2099
DATE_RANGE_TEXT = f"from {FIRST_YEAR}-01-01 to {LAST_YEAR}-12-31"


@dataclass
class DateOrder:
    """How a file writes numeric dates such as 03/04/2025: day first, month first or unknown."""

    day_first: bool | None
    example: str | None = None  # an ambiguous cell, when the order is unknown


def date_order_evidence(values: pd.Series) -> tuple[int, int, str | None]:
    """(day-first votes, month-first votes, an ambiguous example) among numeric dates."""
    parts = values.astype(str).str.extract(f"^{_NUMERIC}$")
    a = pd.to_numeric(parts["a"], errors="coerce")
    b = pd.to_numeric(parts["b"], errors="coerce")
    day_first = int(((a > 12) & (b <= 12)).sum())
    month_first = int(((b > 12) & (a <= 12)).sum())
    ambiguous = (a <= 12) & (b <= 12) & (a != b)
    example = str(values[ambiguous.to_numpy()].iloc[0]) if ambiguous.any() else None
    return day_first, month_first, example


def decide_date_order(columns: Iterable[pd.Series]) -> DateOrder:
    """The file's own numeric date order, from every date cell that can only be read one way."""
    day = month = 0
    example = None
    for values in columns:
        d, m, ex = date_order_evidence(values)
        day, month, example = day + d, month + m, example or ex
    if day != month:
        return DateOrder(day_first=day > month)
    return DateOrder(day_first=None, example=example)


_FULL_MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august",
                "september", "october", "november", "december"]
#: Every accepted spelling of a month (three letters or more of its English name) → its number.
_MONTH_TOKENS = {name[:k]: i for i, name in enumerate(_FULL_MONTHS, 1)
                 for k in range(3, len(name) + 1)} | {"sept": 9}


def _month_number(names: pd.Series) -> pd.Series:
    return names.str.lower().map(_MONTH_TOKENS)


def parse_dates(values: pd.Series, order: DateOrder | None = None,
                date_format: str | None = None) -> tuple[np.ndarray, np.ndarray]:
    """ISO date text (or None) per cell, and a mask of cells that need a day/month order.

    Reads ISO dates (a time or offset after the date is ignored: the date as written), Excel
    serial day numbers, 31/01/2025-style dates in the given order, month names, and, when
    ``date_format`` (a strftime pattern) is given, that pattern.
    """
    text = values.astype(str).reset_index(drop=True)
    n = len(text)
    year = np.full(n, np.nan)
    month = np.full(n, np.nan)
    day = np.full(n, np.nan)
    needs_order = np.zeros(n, dtype=bool)

    def fill(mask: np.ndarray, y: pd.Series, m: pd.Series, d: pd.Series) -> None:
        take = mask & np.isnan(year)
        year[take] = pd.to_numeric(y, errors="coerce").to_numpy(dtype=float)[take]
        month[take] = pd.to_numeric(m, errors="coerce").to_numpy(dtype=float)[take]
        day[take] = pd.to_numeric(d, errors="coerce").to_numpy(dtype=float)[take]

    for pattern in (_ISO, _COMPACT):
        parts = text.str.extract(f"^{pattern}$")
        fill(parts["y"].notna().to_numpy(), parts["y"], parts["m"], parts["d"])

    parsed_iso = np.full(n, None, dtype=object)
    serial = text.str.extract(f"^{_SERIAL}$")["n"]
    serial_days = pd.to_numeric(serial, errors="coerce").to_numpy(dtype=float)
    is_serial = (serial_days >= 20000) & (serial_days < 80000) & np.isnan(year)
    if is_serial.any():
        dates = _EXCEL_EPOCH + serial_days[is_serial].astype("int64").astype("timedelta64[D]")
        parsed_iso[is_serial] = np.datetime_as_string(dates, unit="D")

    if date_format:
        todo = np.isnan(year) & ~is_serial
        if todo.any():
            stamps = pd.to_datetime(text[todo], format=date_format, errors="coerce", exact=False)
            good = stamps.notna().to_numpy()
            idx = np.flatnonzero(todo)[good]
            parsed_iso[idx] = stamps[good].dt.strftime("%Y-%m-%d").to_numpy()
            is_serial = is_serial.copy()
            is_serial[idx] = True  # already converted
    else:
        parts = text.str.extract(f"^{_NUMERIC}$")
        numeric = parts["a"].notna().to_numpy() & np.isnan(year)
        if numeric.any():
            a = pd.to_numeric(parts["a"], errors="coerce").to_numpy(dtype=float)
            b = pd.to_numeric(parts["b"], errors="coerce").to_numpy(dtype=float)
            y = pd.to_numeric(parts["y"], errors="coerce").to_numpy(dtype=float)
            y = np.where(y < 100, y + 2000, y)
            same = a == b
            if order is not None and order.day_first is not None:
                d, m = (a, b) if order.day_first else (b, a)
                use = numeric
            else:
                d, m = a, b
                use = numeric & same
                needs_order = numeric & ~same
            year[use], month[use], day[use] = y[use], m[use], d[use]
        for pattern in (_DAY_MONTH, _MONTH_DAY):
            parts = text.str.extract(f"^{pattern}$")
            found = parts["y"].notna().to_numpy() & np.isnan(year)
            if found.any():
                fill(found, parts["y"], _month_number(parts["mon"].fillna("")), parts["d"])

    have = ~np.isnan(year)
    if have.any():
        iso = pd.Series(np.full(n, "x", dtype=object))
        y, m, d = year[have].astype(int), month[have], day[have]
        ok = (m >= 1) & (m <= 12) & (d >= 1) & (d <= 31)
        iso_have = np.char.add(np.char.add(np.char.zfill(y.astype(str), 4), "-"), np.char.add(
            np.char.add(np.char.zfill(np.nan_to_num(m).astype(int).astype(str), 2), "-"),
            np.char.zfill(np.nan_to_num(d).astype(int).astype(str), 2)))
        iso_have = np.where(ok, iso_have, "x")
        iso[have] = iso_have
        stamps = pd.to_datetime(iso, format="%Y-%m-%d", errors="coerce")
        valid = stamps.notna().to_numpy() & have
        parsed_iso[valid] = iso[valid].to_numpy()
    years = pd.Series(parsed_iso).str[:4]
    in_range = pd.to_numeric(years, errors="coerce").between(FIRST_YEAR, LAST_YEAR).to_numpy()
    parsed_iso[~in_range] = None
    return parsed_iso, needs_order & np.equal(parsed_iso, None)  # type: ignore[call-overload]


def date_expectation(date_format: str | None, order: DateOrder | None) -> str:
    if date_format:
        return f"a date in the format {date_format} (or YYYY-MM-DD) {DATE_RANGE_TEXT}"
    if order is not None and order.day_first is not None:
        style = "DD/MM/YYYY" if order.day_first else "MM/DD/YYYY"
        return f"a date (YYYY-MM-DD, or {style} as elsewhere in this file) {DATE_RANGE_TEXT}"
    return f"a date (YYYY-MM-DD) {DATE_RANGE_TEXT}"
