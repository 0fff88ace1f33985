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
    return dt.date.fromisoformat(fixed) if fixed else dt.date.today()
