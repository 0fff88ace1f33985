"""Today's date, for everything Planner dates by default (as-of, a stock count's day, a PO's sent
date): the system's, or the day in $PLANNER_TODAY (YYYY-MM-DD) to replay a day or test one."""

from __future__ import annotations

import datetime as dt
import os

#: the environment variable that fixes "today"
TODAY_ENV = "PLANNER_TODAY"


def today() -> dt.date:
    """The system's date, or $PLANNER_TODAY when it is set."""
    fixed = os.environ.get(TODAY_ENV, "").strip()
    if not fixed and os.environ.get(NOW_ENV, "").strip():
        return now().date()
    return dt.date.fromisoformat(fixed) if fixed else dt.date.today()


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
