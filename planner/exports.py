"""CSV exports that are safe to open in a spreadsheet."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pandas as pd

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise_cell(value: object) -> object:
    """Prefix text that a spreadsheet would run as a formula with an apostrophe; line breaks
    inside a cell become LF so the CSV writer quotes the cell."""
    if isinstance(value, str) and "\r" in value:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        try:
            float(value)
            return value  # a plain negative number such as "-3" stays a number
        except ValueError:
            return "'" + value
    return value


def safe_csv_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with dates as ISO text and formula-like text neutralised."""
    out = frame.copy()
    for column in out.columns:
        series = out[column]
        if pd.api.types.is_datetime64_any_dtype(series):
            out[column] = series.dt.strftime("%Y-%m-%d")
        elif series.dtype == object or pd.api.types.is_string_dtype(series):
            out[column] = series.map(neutralise_cell)
    return out


def match_workspace_mode(path: str | Path, workspace: str | Path | None) -> None:
    """Give an output file that holds the workspace's data (customers' names, prices) the
    workspace's own permissions (0600 stays 0600), never more than read-write."""
    if workspace is None:
        return
    try:
        mode = stat.S_IMODE(os.stat(workspace).st_mode) & 0o666
        os.chmod(path, mode | stat.S_IRUSR | stat.S_IWUSR)
    except OSError:
        pass
