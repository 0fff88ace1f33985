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


#: A PO number's pattern is at most this long, and no field of it is wider than MAX_WIDTH (a
#: width of 20,000,000,000 would ask for 20 GB of memory for each number).
MAX_PATTERN_LENGTH = 100
MAX_WIDTH = 32


def check_pattern(pattern: str) -> bool:
    """True when a pattern uses only the known fields, has one ``{seq}``, no width or precision
    over MAX_WIDTH, and formats."""
    if len(pattern) > MAX_PATTERN_LENGTH:
        return False
    try:
        parts = list(string.Formatter().parse(pattern))
        names = [name for _text, name, _spec, _conv in parts if name is not None]
        specs = [spec or "" for _text, name, spec, _conv in parts if name is not None]
        if any("{" in spec or any(int(n) > MAX_WIDTH for n in re.findall(r"\d+", spec))
               for spec in specs):
            return False
        pattern.format(**_fields(dt.date(2026, 1, 31), 1))
    except (ValueError, KeyError, IndexError, OverflowError, MemoryError):
        return False
    return names.count("seq") == 1 and set(names) <= set(_FIELD_PATTERNS)


def stored_pattern_problem(db: Database) -> str | None:
    """Why the workspace's stored po_number_pattern cannot be used (Planner then numbers by
    the default, which approving must not do silently), or None when it can."""
    row = (db.execute("SELECT value FROM settings WHERE key = 'po_number_pattern'").fetchone()
           if db["settings"].exists() else None)
    if row is None or row[0] is None or check_pattern(str(row[0])):
        return None
    shown = str(row[0]) if len(str(row[0])) <= 60 else str(row[0])[:60] + "…"
    return (f"the workspace's po_number_pattern {shown!r} cannot number POs (one {{seq}}, "
            f"widths up to {MAX_WIDTH}, at most {MAX_PATTERN_LENGTH} characters); set one with "
            "planner config PATH po_number_pattern 'PO-{year}-{seq:04d}' or in Settings")


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
    number already taken is skipped. SettingError when the pattern (or the stored one, which
    Planner would otherwise silently replace by the default) cannot be used."""
    from planner.store.settings import SettingError

    problem = stored_pattern_problem(db)
    if problem is None and not check_pattern(pattern):
        problem = f"po_number_pattern {pattern!r} cannot number POs"
    if problem:
        raise SettingError(problem)
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
