"""Numbers for new purchase orders, by the workspace's `po_number_pattern` setting."""

from __future__ import annotations

import datetime as dt
import re
import string

from sqlite_utils import Database

#: what each field of a pattern may stand for in numbers already written
_FIELD_PATTERNS = {"year": r"\d{4}", "month": r"\d{2}", "day": r"\d{2}", "date": r"\d{8}",
                   "seq": r"(\d+)"}


def _fields(as_of: dt.date, seq: int) -> dict[str, object]:
    return {"year": as_of.year, "month": f"{as_of.month:02d}", "day": f"{as_of.day:02d}",
            "date": as_of.strftime("%Y%m%d"), "seq": seq}


def check_pattern(pattern: str) -> bool:
    """True when a pattern uses only the known fields, has one ``{seq}`` and formats."""
    try:
        parts = list(string.Formatter().parse(pattern))
        names = [name for _text, name, _spec, _conv in parts if name is not None]
        pattern.format(**_fields(dt.date(2026, 1, 31), 1))
    except (ValueError, KeyError, IndexError):
        return False
    return names.count("seq") == 1 and set(names) <= set(_FIELD_PATTERNS)


def _matcher(pattern: str) -> re.Pattern[str]:
    """A regex matching every number the pattern can write; group 1 is the sequence."""
    out = []
    for text, name, _spec, _conv in string.Formatter().parse(pattern):
        out.append(re.escape(text))
        if name is not None:
            out.append(_FIELD_PATTERNS[name])
    return re.compile("".join(out))


def next_po_numbers(db: Database, count: int, *, as_of: dt.date, pattern: str) -> list[str]:
    """``count`` free PO numbers by ``pattern``: ``{seq}`` continues the highest sequence number
    of the workspace's POs written by the same pattern (whatever their year or date), and a
    number already taken is skipped."""
    matcher = _matcher(pattern)
    taken = {row[0] for row in db.execute("SELECT po_number FROM purchase_orders")}
    used = [int(m.group(1)) for number in taken if (m := matcher.fullmatch(number))]
    numbers: list[str] = []
    seq = max(used, default=0)
    while len(numbers) < count:
        seq += 1
        number = pattern.format(**_fields(as_of, seq))
        if number not in taken:
            numbers.append(number)
    return numbers
