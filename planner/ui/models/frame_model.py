"""A read-mostly table model over a pandas frame, fast at tens of thousands of rows.

Values are held as one numpy array per column and formatted only for the cells on screen.
Sorting and filtering are whole-array numpy operations in the source model: a Python
``lessThan`` per comparison, or a Python ``filterAcceptsRow`` per row, costs seconds at tens of
thousands of rows. The sort/filter proxy views see forwards both to the source model, so it
maps rows one to one in C++.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor

from planner.ui import formatting as fmt

Index = QModelIndex | QPersistentModelIndex
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_LEFT = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
_NUMERIC_KINDS = {"int", "float", "money", "pct"}


@dataclass(frozen=True)
class Column:
    """One column: the frame's key, its header, how its values read."""

    key: str
    header: str
    #: text, int (units), float, money, date, bool, pct
    kind: str = "text"
    tooltip: str = ""
    #: digits after the point; None: 1 for float, 0 for percentages (money: the currency's)
    decimals: int | None = None
    editable: bool = False
    #: left out until chosen in the table's Columns menu (what another column already says)
    hidden: bool = False


class FrameTableModel(QAbstractTableModel):
    """Rows of a frame; ``SortRole`` gives raw values, ``RowRole`` a row's position in it."""

    SortRole = Qt.ItemDataRole.UserRole
    RowRole = Qt.ItemDataRole.UserRole + 1

    #: a cell edit: (frame row, column key, new value); the owner decides what to do with it
    edited = Signal(int, str, object)

    def __init__(self, columns: list[Column], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.columns = list(columns)
        self.currency = "USD"
        self.frame = pd.DataFrame(columns=[c.key for c in self.columns])
        self._values: list[np.ndarray] = []
        self._dates: dict[int, np.ndarray] = {}
        self._order = np.arange(0)  # frame positions of the rows shown, in display order
        self._sorted = np.arange(0)  # every frame position in sort order
        self._mask: np.ndarray | None = None  # per frame position: shown?
        self._mask_fn: Callable[[pd.DataFrame], np.ndarray | None] | None = None
        self._sort: tuple[int, Qt.SortOrder] | None = None
        #: optional: (frame row, column key) -> colour for the text (warnings, flags), or
        #: (colour, what it means): the meaning is the cell's tooltip, so no colour goes unsaid
        self.foreground: Callable[[int, str], QColor | tuple[QColor, str] | None] | None = None
        #: optional: (frame row, column key) -> tooltip text
        self.tooltip: Callable[[int, str], str | None] | None = None
        self._brushes: dict[str, QBrush] = {}
        self._load(self.frame)

    # --- data in -------------------------------------------------------------------------
    def set_frame(self, frame: pd.DataFrame) -> None:
        """Replace every row (the current sort and filter are kept)."""
        self.beginResetModel()
        self._load(frame.reset_index(drop=True))
        self._sorted = (self._sorted_order(*self._sort) if self._sort is not None
                        else np.arange(len(self.frame)))
        self._compute_mask()
        self._apply()
        self.endResetModel()

    def set_filter(self, mask_fn: Callable[[pd.DataFrame], np.ndarray | None] | None) -> None:
        """Show only the frame rows where ``mask_fn(frame)`` is true (None: every row)."""
        self.beginResetModel()
        self._mask_fn = mask_fn
        self._compute_mask()
        self._apply()
        self.endResetModel()

    def _compute_mask(self) -> None:
        mask = self._mask_fn(self.frame) if self._mask_fn is not None and len(self.frame) else None
        self._mask = None if mask is None else np.asarray(mask, dtype=bool)

    def _apply(self) -> None:
        self._order = self._sorted if self._mask is None else self._sorted[self._mask[self._sorted]]

    def _load(self, frame: pd.DataFrame) -> None:
        self.frame = frame
        n = len(frame)
        self._values = []
        self._dates = {}
        for i, column in enumerate(self.columns):
            if column.key in frame.columns:
                series = frame[column.key]
            else:
                series = pd.Series([None] * n, dtype=object)
            if column.kind == "date":
                parsed = pd.to_datetime(series, errors="coerce")
                self._dates[i] = parsed.dt.strftime("%Y-%m-%d").fillna(fmt.MISSING).to_numpy(object)
                self._values.append(parsed.to_numpy())
            elif column.kind in _NUMERIC_KINDS:
                self._values.append(pd.to_numeric(series, errors="coerce").to_numpy(float))
            else:
                self._values.append(series.to_numpy(object))
        self._order = np.arange(n)
        self._sorted = np.arange(n)

    def set_value(self, frame_row: int, key: str, value: Any) -> None:
        """Change one cell in place (after an accepted edit) and repaint it."""
        col = self.column_index(key)
        self.frame.loc[frame_row, key] = value
        self._values[col][frame_row] = value
        where = np.flatnonzero(self._order == frame_row)
        if len(where):
            idx = self.index(int(where[0]), col)
            self.dataChanged.emit(idx, idx)

    # --- lookups -------------------------------------------------------------------------
    def column_index(self, key: str) -> int:
        for i, column in enumerate(self.columns):
            if column.key == key:
                return i
        raise KeyError(key)

    def frame_row(self, model_row: int) -> int:
        """Position in ``frame`` of the row shown at ``model_row``."""
        return int(self._order[model_row])

    def model_row(self, frame_row: int) -> int | None:
        """The model row showing a frame position (None when filtered out)."""
        where = np.flatnonzero(self._order == frame_row)
        return int(where[0]) if len(where) else None

    def text(self, model_row: int, column: int) -> str:
        """What a cell shows."""
        return self._display(column, int(self._order[model_row]))

    def row(self, model_row: int) -> pd.Series:
        return self.frame.iloc[self.frame_row(model_row)]

    def model_row_of(self, key: str, value: Any) -> int | None:
        """The model row whose ``key`` column equals ``value``."""
        if key not in self.frame.columns:
            return None
        hits = np.flatnonzero(self.frame[key].to_numpy(object) == value)
        if not len(hits):
            return None
        where = np.flatnonzero(self._order == hits[0])
        return int(where[0]) if len(where) else None

    # --- Qt model API --------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._order)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        r, c = index.row(), index.column()
        if not (0 <= r < len(self._order) and 0 <= c < len(self.columns)):
            return None
        pos = int(self._order[r])
        column = self.columns[c]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(c, pos)
        if role == Qt.ItemDataRole.EditRole:
            value = self._values[c][pos]
            if column.kind in _NUMERIC_KINDS:
                return None if fmt.is_missing(value) else (
                    int(value) if column.kind == "int" else float(value))
            return self._display(c, pos)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _RIGHT if column.kind in _NUMERIC_KINDS else _LEFT
        if role == self.SortRole:
            value = self._values[c][pos]
            if fmt.is_missing(value):
                return None
            return float(value) if column.kind in _NUMERIC_KINDS else str(value)
        if role == self.RowRole:
            return pos
        if role == Qt.ItemDataRole.ForegroundRole and self.foreground is not None:
            colour, _meaning = self._mark(pos, column.key)
            return QBrush(colour) if colour is not None else None
        if role == Qt.ItemDataRole.ToolTipRole:
            tips = [self._mark(pos, column.key)[1]]
            if self.tooltip is not None:
                tips.append(self._safely(self.tooltip, pos, column.key))
            tips = [t for t in tips if t]
            if tips:
                return "\n".join(dict.fromkeys(tips))
            if column.kind == "text":
                text = self._display(c, pos)
                return text if len(text) > 12 else None  # a narrow column cuts it
        return None

    def _mark(self, pos: int, key: str) -> tuple[QColor | None, str | None]:
        """A cell's colour and what it means (either may be None)."""
        if self.foreground is None:
            return None, None
        mark = self._safely(self.foreground, pos, key)
        if isinstance(mark, tuple):
            return mark[0], mark[1]
        return mark, None

    def _safely(self, hook: Callable[[int, str], Any], pos: int, key: str) -> Any:
        """A view's colour or tooltip hook; a bug in one must not break painting the table."""
        try:
            return hook(pos, key)
        except Exception as exc:  # noqa: BLE001 - reported once, then the cell is plain
            if not self._hook_failed:
                self._hook_failed = True
                print(f"table {type(self).__name__}: {key}: {exc!r}", file=sys.stderr)
            return None

    _hook_failed = False

    def _display(self, c: int, pos: int) -> str:
        column = self.columns[c]
        if column.kind == "date":
            return str(self._dates[c][pos])
        value = self._values[c][pos]
        if column.kind == "int":
            return fmt.units(value)
        if column.kind == "float":
            return fmt.number(value, 1 if column.decimals is None else column.decimals)
        if column.kind == "money":
            return fmt.money(value, self.currency)
        if column.kind == "pct":
            return fmt.percent(value, column.decimals or 0)
        if column.kind == "bool":
            return fmt.yes_no(value)
        return "" if fmt.is_missing(value) else str(value)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.columns):
            return None
        column = self.columns[section]
        if role == Qt.ItemDataRole.DisplayRole:
            if column.kind != "money":
                return column.header
            # the currency on a line of its own under a one-word header ("Value\n(USD)"), so
            # the column is no wider than its numbers
            joint = " " if "\n" in column.header else "\n"
            return f"{column.header}{joint}({self.currency})"
        if role == Qt.ItemDataRole.ToolTipRole:
            return column.tooltip or None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _RIGHT if column.kind in _NUMERIC_KINDS else _LEFT
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        flags = super().flags(index)
        if index.isValid() and self.columns[index.column()].editable:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if (not index.isValid() or role != Qt.ItemDataRole.EditRole
                or not self.columns[index.column()].editable):
            return False
        self.edited.emit(self.frame_row(index.row()), self.columns[index.column()].key, value)
        return True

    # --- sorting -------------------------------------------------------------------------
    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort rows by a column with numpy; missing values always go last."""
        if not 0 <= column < len(self.columns):
            return
        self._sort = (column, order)
        self.layoutAboutToBeChanged.emit()
        old_order = self._order
        self._sorted = self._sorted_order(column, order)
        self._apply()
        # the same rows in a new order: move the persistent indexes (selection, current row)
        new_row_of_pos = np.full(len(self.frame), -1, dtype=np.int64)
        new_row_of_pos[self._order] = np.arange(len(self._order))
        persistent = self.persistentIndexList()
        moved = [self.index(int(new_row_of_pos[old_order[i.row()]]), i.column())
                 if 0 <= i.row() < len(old_order) else QModelIndex() for i in persistent]
        self.changePersistentIndexList(persistent, moved)
        self.layoutChanged.emit()

    def _sorted_order(self, column: int, order: Qt.SortOrder) -> np.ndarray:
        values = self._values[column]
        ascending = order == Qt.SortOrder.AscendingOrder
        series = pd.Series(values)
        if series.dtype == object:
            series = series.map(lambda v: None if fmt.is_missing(v) else str(v).lower())
        ranked = series.sort_values(ascending=ascending, na_position="last", kind="stable")
        return ranked.index.to_numpy(np.int64)


class FrameFilterProxy(QSortFilterProxyModel):
    """The proxy views use: sorting and filtering are forwarded to the frame model (numpy)."""

    def source(self) -> FrameTableModel:
        model = self.sourceModel()
        assert isinstance(model, FrameTableModel)
        return model

    def set_filter(self, mask_fn: Callable[[pd.DataFrame], np.ndarray | None] | None) -> None:
        """Show only the frame rows where ``mask_fn(frame)`` is true (None shows every row)."""
        self.source().set_filter(mask_fn)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.source().sort(column, order)

    def source_frame_row(self, proxy_row: int) -> int:
        """Frame position of a visible row."""
        return self.source().frame_row(self.mapToSource(self.index(proxy_row, 0)).row())
