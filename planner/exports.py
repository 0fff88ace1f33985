"""Output files: CSV exports that are safe to open in a spreadsheet, and ``output_file``, the
one way every output is written (whole or not at all)."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import pandas as pd

from planner.errors import UserError


class OutputError(UserError):
    """An output file that cannot be written (a folder, a missing folder, a read-only place, a
    full disk); any previous file of that name is kept as it was."""


@contextlib.contextmanager
def output_file(target: str | Path, *, binary: bool = False,
                mode: int | None = None) -> Iterator[IO[Any]]:
    """A handle to write ``target`` through: the data goes to a temporary file in the same
    folder, which replaces ``target`` only once complete and on disk, so a failed write (a full
    disk, a kill) leaves the previous file as it was and no partial one. ``mode``: the new
    file's permissions (default: the previous file's, else the usual for a new file).
    OutputError, saying what is wrong, when it cannot be written."""
    path = Path(target)
    if path.is_symlink():
        path = Path(os.path.realpath(path))  # write where the link points; keep the link
    if path.is_dir():
        raise OutputError(f"cannot write {target}: it is a folder; give a file name in it")
    folder = path.absolute().parent
    if not folder.is_dir():
        raise OutputError(f"cannot write {target}: folder {folder} does not exist")
    kept = " (the previous file is kept)" if path.exists() else ""
    try:
        fd, temporary = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".partial")
    except OSError as exc:
        raise _output_error(target, exc, kept) from None
    try:
        with open(fd, "wb" if binary else "w", encoding=None if binary else "utf-8",
                  newline=None if binary else "") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, _new_mode(path, mode))
        os.replace(temporary, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        if isinstance(exc, OSError) and not isinstance(exc, BrokenPipeError):
            raise _output_error(target, exc, kept) from None
        raise


def _new_mode(path: Path, mode: int | None) -> int:
    if mode is not None:
        return mode
    with contextlib.suppress(OSError):
        return stat.S_IMODE(os.stat(path).st_mode)
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _output_error(target: str | Path, exc: OSError, kept: str) -> OutputError:
    import errno

    from planner.store.workspace import describe_environment_error

    reason = ("the file grew larger than this system lets a file grow (a full disk or a "
              "quota)" if exc.errno == errno.EFBIG else describe_environment_error(exc))
    return OutputError(f"cannot write {target}: {reason}{kept}")

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise_cell(value: object) -> object:
    """Prefix text that a spreadsheet would run as a formula with an apostrophe; line breaks
    inside a cell become LF so the CSV writer quotes the cell. Text that already starts with
    apostrophes before such a character gets one more, so that importing the file takes exactly
    one off (``unneutralise``) and gives back the text as it was."""
    if isinstance(value, str) and "\r" in value:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    if isinstance(value, str) and value.lstrip("'").startswith(_FORMULA_START):
        if value.startswith("'"):
            return "'" + value
        try:
            float(value)
            return value  # a plain negative number such as "-3" stays a number
        except ValueError:
            return "'" + value
    return value


def is_neutralised(text: str) -> bool:
    """Whether a cell's text is neutralise_cell's: apostrophes before a formula character."""
    return text.startswith("'") and text.lstrip("'").startswith(_FORMULA_START)


def unneutralise(text: str) -> str:
    """A cell's text as it was before neutralise_cell (one apostrophe off), else unchanged."""
    return text[1:] if is_neutralised(text) else text


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
