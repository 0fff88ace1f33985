"""What every table of the app can do: copy (Ctrl+C), export what is shown (CSV, XLSX), choose
its columns, keep its key column in view, all from a right-click menu.

``make_table`` in views/common.py installs these on every table, so a page gets them by
building its table the usual way.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import QAbstractItemView, QFileDialog, QHeaderView, QMenu, QTableView

from planner.ui.models import FrameTableModel
from planner.ui.models.frame_model import FrameFilterProxy

_NUMERIC = {"int", "float", "money", "pct"}


def _model(proxy: FrameFilterProxy) -> FrameTableModel:
    return proxy.source()


def visible_columns(view: QTableView) -> list[int]:
    """The model columns the view shows, in the order it shows them."""
    header = view.horizontalHeader()
    columns = [header.logicalIndex(v) for v in range(header.count())]
    return [c for c in columns if not view.isColumnHidden(c)]


def shown_frame(view: QTableView, proxy: FrameFilterProxy, *, rows: list[int] | None = None,
                numbers_as_numbers: bool = True) -> pd.DataFrame:
    """The rows (all shown ones, or the given proxy rows) and columns the table shows, as the
    user sees them; numbers stay numbers (for a spreadsheet), headers on one line."""
    model = _model(proxy)
    columns = visible_columns(view)
    wanted = range(proxy.rowCount()) if rows is None else rows
    source_rows = [proxy.mapToSource(proxy.index(r, 0)).row() for r in wanted]
    data: dict[str, list[Any]] = {}
    for c in columns:
        column = model.columns[c]
        header = str(model.headerData(c, Qt.Orientation.Horizontal)).replace("\n", " ")
        header = header.replace("- ", "")  # "Back- ordered" -> "Backordered"
        if numbers_as_numbers and column.kind in _NUMERIC:
            values = [model.data(model.index(r, c), Qt.ItemDataRole.EditRole)
                      for r in source_rows]
        else:
            values = [model.text(r, c) for r in source_rows]
        data[header] = values
    return pd.DataFrame(data)


def export_shown(view: QTableView, proxy: FrameFilterProxy, path: str | Path) -> int:
    """Write what the table shows to a .csv or .xlsx file; returns the number of rows."""
    from planner.exports import safe_csv_frame

    target = Path(path)
    frame = safe_csv_frame(shown_frame(view, proxy))  # formula-like text neutralised
    if target.suffix.lower() == ".xlsx":
        frame.to_excel(target, index=False, sheet_name=(view.objectName() or "table")[:31])
    else:
        frame.to_csv(target, index=False, lineterminator="\n", encoding="utf-8")
    return len(frame)


def copy_selection(view: QTableView, proxy: FrameFilterProxy) -> str:
    """Copy the selected rows (with the header) as tab-separated text; returns the text."""
    rows = sorted({index.row() for index in view.selectionModel().selectedRows()})
    if not rows and view.currentIndex().isValid():
        rows = [view.currentIndex().row()]
    if not rows:
        return ""
    frame = shown_frame(view, proxy, rows=rows, numbers_as_numbers=False)
    text = frame.to_csv(sep="\t", index=False, lineterminator="\n")
    QGuiApplication.clipboard().setText(text)
    return text


class FrozenKeyColumn(QTableView):
    """The table's first ``columns`` columns drawn over its left edge, so the key (SKU, order,
    PO and SKU) stays in view while the others scroll sideways (Qt's frozen-column pattern)."""

    def __init__(self, view: QTableView, columns: int = 1) -> None:
        super().__init__(view)
        self._view = view
        self._count = max(1, columns)
        self.setObjectName(f"{view.objectName() or 'table'}_frozen")
        self.setModel(view.model())
        self.setSelectionModel(view.selectionModel())
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setSelectionBehavior(view.selectionBehavior())
        self.setSelectionMode(view.selectionMode())
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setAlternatingRowColors(view.alternatingRowColors())
        self.setWordWrap(False)
        self.verticalHeader().hide()
        self.verticalHeader().setDefaultSectionSize(view.verticalHeader().defaultSectionSize())
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.horizontalHeader().setDefaultAlignment(view.horizontalHeader().defaultAlignment())
        self.horizontalHeader().setSortIndicatorShown(view.horizontalHeader().isSortIndicatorShown())
        self.setSortingEnabled(False)
        self.horizontalHeader().sectionClicked.connect(self._sort_like_the_view)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setStyleSheet("QTableView { border: none; border-right: 1px solid palette(mid); }")
        self.doubleClicked.connect(view.doubleClicked.emit)
        self.activated.connect(view.activated.emit)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(
            lambda pos: view.customContextMenuRequested.emit(
                view.viewport().mapFromGlobal(self.viewport().mapToGlobal(pos))))
        view.verticalScrollBar().valueChanged.connect(self.verticalScrollBar().setValue)
        self.verticalScrollBar().valueChanged.connect(view.verticalScrollBar().setValue)
        view.horizontalHeader().sectionResized.connect(self._resized)
        view.model().modelReset.connect(self._sync_columns)
        view.model().layoutChanged.connect(self._sync_columns)
        self._sync_columns()
        self.show()

    def _sort_like_the_view(self, section: int) -> None:
        header = self._view.horizontalHeader()
        order = (Qt.SortOrder.DescendingOrder
                 if header.sortIndicatorSection() == section
                 and header.sortIndicatorOrder() == Qt.SortOrder.AscendingOrder
                 else Qt.SortOrder.AscendingOrder)
        header.setSortIndicator(section, order)

    def _sync_columns(self) -> None:
        model = self.model()
        for c in range(model.columnCount() if model is not None else 0):
            self.setColumnHidden(c, c >= self._count)
            if c < self._count:
                self.setColumnWidth(c, self._view.columnWidth(c))
        self.place()

    def _resized(self, section: int, _old: int, new: int) -> None:
        if section < self._count:
            self.setColumnWidth(section, new)
            self.place()

    def frozen_width(self) -> int:
        """How wide the frozen columns are on the view."""
        return sum(self._view.columnWidth(c) for c in range(self._count)
                   if not self._view.isColumnHidden(c))

    def place(self) -> None:
        """Lay the frozen column exactly over the view's first column."""
        view = self._view
        frame = view.frameWidth()
        # the same header height as the view's (two-line headers), so the rows line up
        self.horizontalHeader().setFixedHeight(view.horizontalHeader().height())
        self.setGeometry(frame, frame, self.frozen_width() + 1,
                         view.viewport().height() + view.horizontalHeader().height())
        self.setVisible(self.frozen_width() > 0)


def install_table_tools(view: QTableView, proxy: FrameFilterProxy, *,
                        freeze_key_column: bool = True, key_columns: int = 1) -> None:
    """Right-click menu (copy, export, columns), Ctrl+C, and the first ``key_columns`` columns
    frozen on ``view``."""
    copy = QAction("Copy", view)
    copy.setShortcut(QKeySequence(QKeySequence.StandardKey.Copy))
    copy.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
    copy.triggered.connect(lambda: copy_selection(view, proxy))
    view.addAction(copy)
    view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
    view.customContextMenuRequested.connect(
        lambda pos: table_menu(view, proxy, copy).popup(view.viewport().mapToGlobal(pos)))
    header = view.horizontalHeader()
    header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
    header.customContextMenuRequested.connect(
        lambda pos: columns_menu(view, proxy).popup(header.mapToGlobal(pos)))
    if freeze_key_column:
        frozen = FrozenKeyColumn(view, key_columns)
        view.frozen_column = frozen  # type: ignore[attr-defined]
        view.installEventFilter(_Placer(frozen, view))


class _Placer(QObject):
    """Keeps the frozen column in place when the table is resized (an event filter)."""

    def __init__(self, frozen: FrozenKeyColumn, view: QTableView) -> None:
        super().__init__(view)
        self._frozen = frozen

    def eventFilter(self, watched: Any, event: Any) -> bool:  # noqa: N802 - Qt name
        if event.type() in (QEvent.Type.Resize, QEvent.Type.Show, QEvent.Type.LayoutRequest):
            self._frozen.place()
        return False


def table_menu(view: QTableView, proxy: FrameFilterProxy, copy: QAction) -> QMenu:
    """The right-click menu of a table."""
    menu = QMenu(view)
    menu.addAction(copy)
    select_all = menu.addAction("Select all rows")
    select_all.triggered.connect(view.selectAll)
    menu.addSeparator()
    export = menu.addAction(f"Export the {proxy.rowCount():,} rows shown…")
    export.triggered.connect(lambda: choose_export(view, proxy))
    menu.addSeparator()
    menu.addMenu(columns_menu(view, proxy))
    return menu


def columns_menu(view: QTableView, proxy: FrameFilterProxy) -> QMenu:
    """Show or hide columns (the key column always stays)."""
    model = _model(proxy)
    menu = QMenu("Columns", view)
    for c, column in enumerate(model.columns):
        action = menu.addAction(column.header.replace("\n", " ").replace("- ", ""))
        action.setCheckable(True)
        action.setChecked(not view.isColumnHidden(c))
        action.setEnabled(c != 0)
        action.toggled.connect(lambda shown, c=c: set_column_shown(view, c, shown))
    return menu


def set_column_shown(view: QTableView, column: int, shown: bool) -> None:
    view.setColumnHidden(column, not shown)
    frozen = getattr(view, "frozen_column", None)
    if frozen is not None:
        frozen.place()


def choose_export(view: QTableView, proxy: FrameFilterProxy) -> Path | None:
    """Ask where to write the shown rows (CSV or XLSX) and write them."""
    from planner.ui import dialogs, paths

    name = (view.objectName() or "table").removesuffix("_table")
    start = str(paths.documents_dir() / f"{name}.csv")
    target, chosen = QFileDialog.getSaveFileName(view, "Export the rows shown", start,
                                                 "CSV (*.csv);;Excel workbook (*.xlsx)")
    if not target:
        return None
    path = Path(target)
    if not path.suffix:
        path = path.with_suffix(".xlsx" if "xlsx" in chosen else ".csv")
    rows = export_shown(view, proxy, path)
    dialogs.tell(view, "Exported", f"{rows:,} rows written to {path}")
    return path
