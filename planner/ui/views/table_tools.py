"""What every table of the app can do: copy (Ctrl+C), export what is shown (CSV, XLSX), choose
its columns, keep its key column in view, all from a right-click menu; and fit its columns in
the width it has (a 1280x720 laptop shows every column without scrolling sideways).

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
            values = _as_shown([model.data(model.index(r, c), FrameTableModel.SortRole)
                                for r in source_rows], column, model.currency)
        elif numbers_as_numbers and column.kind == "date":  # real dates; none when missing
            values = list(pd.to_datetime(pd.Series(
                [model.data(model.index(r, c), FrameTableModel.SortRole) for r in source_rows],
                dtype=object), errors="coerce"))
        else:
            values = [model.text(r, c) for r in source_rows]
        data[header] = values
    return pd.DataFrame(data)


def _as_shown(values: list[Any], column: Any, currency: str) -> list[Any]:
    """Numbers rounded as the column shows them: money to the currency's decimals, units
    whole, percentages as fractions to the shown digits; missing ones stay empty."""
    from planner.formatting import currency_decimals

    if column.kind == "int":
        return [None if v is None else round(v) for v in values]
    places = {"money": currency_decimals(currency),
              "pct": (column.decimals or 0) + 2}.get(
        column.kind, 1 if column.decimals is None else column.decimals)
    return [None if v is None else round(v, places) for v in values]


def export_shown(view: QTableView, proxy: FrameFilterProxy, path: str | Path) -> int:
    """Write what the table shows to a .csv or .xlsx file; returns the number of rows. Numbers
    as shown (no float noise), dates as dates in a workbook and ISO text in a CSV."""
    from planner.exports import safe_csv_frame

    target = Path(path)
    shown = shown_frame(view, proxy)
    frame = safe_csv_frame(shown)  # formula-like text neutralised, dates as ISO text
    if target.suffix.lower() == ".xlsx":
        dates = shown.select_dtypes(include="datetime").columns
        for column in dates:  # date cells (Excel's date numbers), shown as dates
            frame[column] = [None if pd.isna(d) else d.date() for d in shown[column]]
        with pd.ExcelWriter(target, engine="openpyxl", date_format="YYYY-MM-DD",
                            datetime_format="YYYY-MM-DD") as writer:
            frame.to_excel(writer, index=False,
                           sheet_name=(view.objectName() or "table")[:31])
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


#: the narrowest a text column (a name, a customer, the reasons) is squeezed to; the cell's
#: tooltip shows the whole text
TEXT_FLOOR = 80


class ColumnFitter(QObject):
    """Fits a table's columns in its width, and again whenever that width changes.

    Each column has the width its content wants (``set_ideal``). When they do not all fit, the
    text columns (names, customers, reasons) give up width, widest first, down to their floor;
    the key columns, numbers and dates keep theirs, so every column stays on screen and the
    last one (the reasons) stretches over what is left. Once the user drags a column's edge,
    their widths are kept. Optional columns (what another column already says) are shown only
    while everything else fits with them, until the user shows or hides one in the Columns
    menu.
    """

    def __init__(self, view: QTableView, key_columns: int) -> None:
        super().__init__(view)
        self._view = view
        #: the first columns (the key: SKU, order, PO) are never squeezed
        self.key_columns = key_columns
        self.ideal: dict[int, int] = {}
        self.floor: dict[int, int] = {}
        self.user_sized = False
        #: columns shown only when there is room (the user has not chosen for them)
        self.optional: set[int] = set()
        self._fitting = False
        self._pressed = False
        header = view.horizontalHeader()
        header.sectionResized.connect(self._resized)
        self._header_area = header.viewport()
        self._table_area = view.viewport()
        self._header_area.installEventFilter(self)
        self._table_area.installEventFilter(self)

    def set_ideal(self, ideal: dict[int, int], floor: dict[int, int]) -> None:
        """The widths the columns want and the least each may be given; fit them now."""
        self.ideal = dict(ideal)
        self.floor = {c: min(floor.get(c, w), w) for c, w in ideal.items()}
        self.user_sized = False
        self.fit()

    def widths(self, available: int) -> dict[int, int]:
        """Column widths that fit ``available`` pixels where the floors allow (visible columns)."""
        view = self._view
        shown = [c for c in visible_columns(view) if c in self.ideal]
        if not shown:
            return {}
        want = {c: self.ideal[c] for c in shown}
        excess = sum(want.values()) - available
        # the last column (the reasons, mostly) gives up width like the others, then
        # stretches over whatever is left
        squeezable = [c for c in shown if self.floor[c] < want[c]]
        if excess > 0 and squeezable:
            # the widest text columns give up width first: one cap for all of them
            low, high = 0, max(want[c] for c in squeezable)
            while low < high:
                cap = (low + high + 1) // 2
                saved = sum(want[c] - max(min(want[c], cap), self.floor[c]) for c in squeezable)
                if saved >= excess:
                    low = cap
                else:
                    high = cap - 1
            for c in squeezable:
                want[c] = max(min(want[c], low), self.floor[c])
        return want

    def _show_optional(self, available: int) -> None:
        """Show the optional columns, in their order, while all the columns' widths fit."""
        view = self._view
        for c in sorted(self.optional):
            view.setColumnHidden(c, True)
        for c in sorted(self.optional):
            if c not in self.ideal:
                continue
            shown = [k for k in visible_columns(view) if k in self.ideal]
            if sum(self.ideal[k] for k in shown) + self.ideal[c] <= available:
                view.setColumnHidden(c, False)

    def fit(self) -> None:
        """Give the columns widths that fit the table's current width."""
        if not self.ideal or self.user_sized:
            return
        header = self._view.horizontalHeader()
        self._fitting = True
        try:
            if self.optional:
                self._show_optional(self._view.viewport().width())
            for c, width in self.widths(self._view.viewport().width()).items():
                if header.sectionSize(c) != width:
                    header.resizeSection(c, width)
        finally:
            self._fitting = False

    def _resized(self, section: int, old: int, new: int) -> None:
        if self._fitting:
            return
        if self._pressed and old and new:
            self.user_sized = True  # the user dragged a column's edge
        elif not old or not new:
            self.fit()  # a column was hidden or shown: the others make room or take it

    def eventFilter(self, watched: Any, event: Any) -> bool:  # noqa: N802 - Qt name
        kind = event.type()
        if kind == QEvent.Type.Resize and watched is self._table_area:
            self.fit()
        elif watched is self._header_area:
            if kind in (QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonDblClick):
                self._pressed = True
            elif kind == QEvent.Type.MouseButtonRelease:
                self._pressed = False
        return False


def install_table_tools(view: QTableView, proxy: FrameFilterProxy, *,
                        freeze_key_column: bool = True, key_columns: int = 1) -> None:
    """Right-click menu (copy, export, columns), Ctrl+C, columns fitted to the table's width,
    and the first ``key_columns`` columns frozen on ``view``."""
    view.column_fitter = ColumnFitter(  # type: ignore[attr-defined]
        view, key_columns if freeze_key_column else 0)
    for c, column in enumerate(_model(proxy).columns):
        if column.hidden:  # until the fitter finds room for it
            view.setColumnHidden(c, True)
            view.column_fitter.optional.add(c)  # type: ignore[attr-defined]
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
    view.largest_first = LargestFirst(view, _model(proxy))  # type: ignore[attr-defined]
    if freeze_key_column:
        frozen = FrozenKeyColumn(view, key_columns)
        view.frozen_column = frozen  # type: ignore[attr-defined]
        view.installEventFilter(_Placer(frozen, view))


class LargestFirst(QObject):
    """A money column sorts largest first on its first click (the next click flips it), as a
    buyer looking for the big amounts expects; other columns start ascending."""

    def __init__(self, view: QTableView, model: FrameTableModel) -> None:
        super().__init__(view)
        self._header = view.horizontalHeader()
        self._model = model
        self._last = self._header.sortIndicatorSection()
        self._header.sortIndicatorChanged.connect(self._changed)

    def _changed(self, section: int, order: Qt.SortOrder) -> None:
        first = section != self._last
        self._last = section
        if (first and order == Qt.SortOrder.AscendingOrder
                and 0 <= section < len(self._model.columns)
                and self._model.columns[section].kind == "money"):
            self._header.setSortIndicator(section, Qt.SortOrder.DescendingOrder)


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
    """Show or hide a column as the user chose (no longer shown only when there is room)."""
    fitter = getattr(view, "column_fitter", None)
    if fitter is not None:
        fitter.optional.discard(column)
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
