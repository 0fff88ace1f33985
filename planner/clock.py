"""Today's date, for everything Planner dates by default (as-of, a stock count's day, a PO's sent
date): the system's, or the day in $PLANNER_TODAY (YYYY-MM-DD) to replay a day or test one."""

from __future__ import annotations

import datetime as dt
import os

from planner.errors import UserError

#: the environment variable that fixes "today"
TODAY_ENV = "PLANNER_TODAY"
#: The days Planner plans from (the range imports accept: pandas' own ends at 1677 and 2262,
#: and a plan looks years back and months ahead of its day).
FIRST_DAY, LAST_DAY = dt.date(1970, 1, 1), dt.date(2099, 12, 31)
RANGE_TEXT = f"{FIRST_DAY.isoformat()} to {LAST_DAY.isoformat()}"


class DateOutOfRange(UserError, ValueError):
    """A day Planner cannot plan from (not a date, or outside FIRST_DAY to LAST_DAY)."""


def checked_day(text: str, source: str) -> dt.date:
    """The date written in ``text`` (YYYY-MM-DD) when Planner can plan from it; DateOutOfRange
    naming ``source`` (where the text came from) otherwise."""
    try:
        day = dt.date.fromisoformat(text.strip())
    except ValueError:
        raise DateOutOfRange(f"{source} {text!r} is not a date; use YYYY-MM-DD") from None
    if not FIRST_DAY <= day <= LAST_DAY:
        raise DateOutOfRange(f"{source} {text!r} is outside the dates Planner plans from "
                             f"({RANGE_TEXT}); is the year mistyped?")
    return day


def today() -> dt.date:
    """The system's date, or $PLANNER_TODAY when it is set."""
    fixed = os.environ.get(TODAY_ENV, "").strip()
    if not fixed and os.environ.get(NOW_ENV, "").strip():
        return now().date()
    if not fixed:
        return dt.date.today()
    try:
        return checked_day(fixed, f"${TODAY_ENV}")
    except DateOutOfRange as exc:
        raise DateOutOfRange(f"{exc}; fix or unset ${TODAY_ENV}") from None


#: the environment variable that fixes "now" (YYYY-MM-DDTHH:MM[:SS]); its date is also today's
NOW_ENV = "PLANNER_NOW"


def now() -> dt.datetime:
    """The moment something is recorded in the workspace: $PLANNER_NOW when set, else today's
    date (see ``today``) at the system's time of day."""
    fixed = os.environ.get(NOW_ENV, "").strip()
    if fixed:
        return dt.datetime.fromisoformat(fixed)
    return dt.datetime.combine(today(), dt.datetime.now().time())


def stamp() -> str:
    """``now()`` as ISO text to the microsecond (moments compare as text)."""
    return now().isoformat(timespec="microseconds")
