"""What is wrong with an import file, said so that a user can fix it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from planner.errors import UserError

#: Rows listed one by one for the same problem in the same column; the rest are counted.
MAX_LISTED = 100


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one file: where (row as a spreadsheet shows it, column), the value
    found and what was expected. ``row`` is None for file- or column-wide problems."""

    file: str
    row: int | None
    column: str | None
    value: str | None
    expected: str

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column {self.column}")
        if self.value is None:
            return f"{', '.join(where)}: {self.expected}"
        return f"{', '.join(where)}: {self.value!r} is not {self.expected}"


def plural(count: int, word: str) -> str:
    """'1 order', '3 orders': counts in summaries and notes."""
    return f"{count} {word if count == 1 else word + 's'}"


class ImportRejected(UserError):
    """Nothing was imported because at least one file has problems; lists every one."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__(str(self))

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)


class ProblemList(list[Problem]):
    """The problems of one file, with helpers that add whole columns of bad cells at once."""

    def __init__(self, file: str):
        super().__init__()
        self.file = file

    def add(self, row: int | None, column: str | None, value: str | None, expected: str) -> None:
        self.append(Problem(self.file, row, column, value, expected))

    def add_cells(self, rows: np.ndarray, column: str, values: Iterable[object],
                  expected: str) -> None:
        """One problem per bad cell (rows and values aligned); beyond MAX_LISTED, a count."""
        rows = np.asarray(rows)
        if rows.size == 0:
            return
        for row, value in zip(rows[:MAX_LISTED].tolist(), values, strict=False):
            self.append(Problem(self.file, int(row), column,
                                None if value is None else str(value), expected))
        hidden = rows.size - MAX_LISTED
        if hidden > 0:
            self.append(Problem(
                self.file, None, column, None,
                f"{hidden:,} more rows (up to row {int(rows.max())}) have the same problem "
                f"({expected})"))
