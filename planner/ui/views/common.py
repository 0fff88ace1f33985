"""Small building blocks the views share: tables, KPI tiles, headings, filter bars."""

from __future__ import annotations

from typing import Any

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from planner.ui.models import FrameFilterProxy, FrameTableModel
from planner.ui.views.table_tools import TEXT_FLOOR, install_table_tools

#: text colours that read on light and dark backgrounds
WARNING = QColor("#d97706")
DANGER = QColor("#dc2626")
GOOD = QColor("#16a34a")


def make_table(model: FrameTableModel, *, sortable: bool = True, parent: QWidget | None = None,
               freeze_key_column: bool = True,
               key_columns: int = 1) -> tuple[QTableView, FrameFilterProxy]:
    """A read-only, row-selecting table over a model through a filter proxy, with the table
    tools (copy, export what is shown, columns, the key column kept in view)."""
    proxy = FrameFilterProxy(parent)
    proxy.setSourceModel(model)
    view = QTableView(parent)
    view.setModel(proxy)
    # no sort until the user clicks a header: rows keep the order they were given in
    view.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
    view.setSortingEnabled(sortable)
    view.horizontalHeader().setSortIndicatorShown(sortable)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.verticalHeader().setVisible(False)
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 8)
    view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    header = view.horizontalHeader()
    header.setHighlightSections(False)
    header.setStretchLastSection(True)
    header.setResizeContentsPrecision(200)
    header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    view.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                         | QAbstractItemView.EditTrigger.EditKeyPressed
                         | QAbstractItemView.EditTrigger.AnyKeyPressed)
    install_table_tools(view, proxy, freeze_key_column=freeze_key_column,
                        key_columns=key_columns)
    return view, proxy


#: text columns that name one thing exactly (a SKU, an order, a PO): never cut to fit
IDENTIFIERS = frozenset({"sku", "order_id", "po_number", "filled_from", "supplier_sku"})


def fit_columns(view: QTableView, *, max_width: int = 320, sample: int = 60) -> None:
    """Size columns to their header and a sample of their cells, never wider than ``max_width``,
    then fit them in the table's width (text columns give up width first, see ColumnFitter).

    Measures text with the font metrics over an even sample of rows (Qt's own
    resizeColumnsToContents asks the model for every role of hundreds of cells).
    """
    proxy = view.model()
    model = proxy.sourceModel() if isinstance(proxy, FrameFilterProxy) else proxy
    if not isinstance(model, FrameTableModel):
        view.resizeColumnsToContents()
        return
    rows = model.rowCount()
    picks = sorted(set(np.linspace(0, rows - 1, min(rows, sample)).astype(int))) if rows else []
    body = view.fontMetrics()
    header = view.horizontalHeader()
    head = header.fontMetrics()
    padding = 10  # the style's text margins and a little air
    fitter = getattr(view, "column_fitter", None)
    keys = fitter.key_columns if fitter is not None else 1
    ideal: dict[int, int] = {}
    floor: dict[int, int] = {}
    for c, column in enumerate(model.columns):
        title = str(model.headerData(c, Qt.Orientation.Horizontal) or "")
        # the header's own margins and its sort arrow
        width = max(head.horizontalAdvance(line) for line in title.split("\n")) + 20
        title_width = width
        for r in picks:
            width = max(width, body.horizontalAdvance(model.text(r, c)) + padding)
        ideal[c] = min(width, max_width)
        squeezable = column.kind == "text" and c >= keys and column.key not in IDENTIFIERS
        floor[c] = max(title_width, min(ideal[c], TEXT_FLOOR)) if squeezable else ideal[c]
    if fitter is not None:
        fitter.set_ideal(ideal, floor)
    else:
        for c, width in ideal.items():
            header.resizeSection(c, width)


def fit_columns_once(view: QTableView, *, rows: int, max_width: int) -> None:
    """Size the columns to their content the first time the table has rows; later the user's
    own column widths are kept."""
    if rows and not view.property("columns_fitted"):
        fit_columns(view, max_width=max_width)
        view.setProperty("columns_fitted", True)


def search_mask(frame: Any, box: QLineEdit) -> np.ndarray:
    """Rows whose lower-case ``_search`` text contains what is typed in ``box``."""
    text = box.text().strip().lower()
    if not text:
        return np.ones(len(frame), dtype=bool)
    hits = frame["_search"].astype("string").str.contains(text, regex=False)
    # a fresh, writable array: callers narrow it in place with the page's filters (pandas 3's
    # copy-on-write hands out read-only views otherwise)
    return hits.to_numpy(dtype=bool, na_value=False, copy=True)


def page_header(page: QWidget, title: str) -> tuple[QVBoxLayout, QHBoxLayout, QLabel]:
    """A page's outer layout and its title row (title, stretch, a summary label); the caller
    may add buttons to the row before adding it to the layout."""
    layout = QVBoxLayout(page)
    layout.setContentsMargins(16, 12, 16, 12)
    top = QHBoxLayout()
    top.addWidget(heading(title))
    top.addStretch(1)
    summary = QLabel("")
    top.addWidget(summary)
    return layout, top, summary


def heading(text: str, *, size_delta: int = 3) -> QLabel:
    label = QLabel(text)
    font = QFont(label.font())
    font.setPointSize(font.pointSize() + size_delta)
    font.setBold(True)
    label.setFont(font)
    return label


def note(text: str = "") -> QLabel:
    """Secondary text (explanations, empty states) in the palette's muted colour."""
    label = QLabel(text)
    label.setWordWrap(True)
    label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def shift_colour(shift_days: Any, lost: bool, *, gained: bool = True) -> Any:
    """A waiting line's ship date moved: red when later or no longer covered, green when
    earlier (or newly covered, when ``gained``), with what the colour means."""
    if shift_days is None or shift_days != shift_days:  # no shift: covered before or after only
        if lost:
            return DANGER, "Red: no longer covered by stock on the way: no ship date"
        return (GOOD, "Green: now covered: it gets a ship date") if gained else None
    if shift_days > 0:
        return DANGER, f"Red: ships {int(shift_days)} days later"
    if shift_days < 0:
        return GOOD, f"Green: ships {-int(shift_days)} days earlier"
    return None


def legend(*meanings: tuple[QColor, str]) -> QLabel:
    """A line under a table saying what its colours mean ("■ red: no known supply · ■ orange:
    late"); each coloured cell's tooltip says it for that cell."""
    parts = [f"<span style='color:{colour.name()}'>■</span> {text}" for colour, text in meanings]
    label = note("Colours: " + " &nbsp;·&nbsp; ".join(parts))
    label.setTextFormat(Qt.TextFormat.RichText)
    label.setObjectName("legend")
    return label


def search_box(placeholder: str) -> QLineEdit:
    box = QLineEdit()
    box.setPlaceholderText(placeholder)
    box.setClearButtonEnabled(True)
    box.setMinimumWidth(220)
    return box


class KpiTile(QFrame):
    """One number with its label, drawn with the palette (looks right in dark mode)."""

    def __init__(self, label: str, tooltip: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.setBackgroundRole(QPalette.ColorRole.Base)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.setSpacing(2)
        self.value = QLabel("—")
        font = QFont(self.value.font())
        font.setPointSize(font.pointSize() + 7)
        font.setBold(True)
        self.value.setFont(font)
        self.caption = QLabel(label)
        self.caption.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.caption.setWordWrap(True)
        self.detail = QLabel("")
        self.detail.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.detail.setWordWrap(True)  # a row of tiles must fit a 1280-px window
        layout.addWidget(self.value)
        layout.addWidget(self.caption)
        layout.addWidget(self.detail)
        if tooltip:
            self.setToolTip(tooltip)
        self.setObjectName("kpi_" + label.lower().replace(" ", "_"))

    def set_value(self, text: str, detail: str = "", *, alarm: bool = False) -> None:
        self.value.setText(text)
        self.detail.setText(detail)
        self.detail.setVisible(bool(detail))
        palette = self.value.palette()
        colour = DANGER if alarm else self.palette().color(QPalette.ColorRole.Text)
        palette.setColor(QPalette.ColorRole.WindowText, colour)
        self.value.setPalette(palette)


class PlanPage(QWidget):
    """A page showing the plan: refreshed at once when on screen, else the next time it is shown
    (so a replan updates one page, not all of them, on the GUI thread)."""

    def __init__(self, session: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self._shown_plan: Any = None
        session.plan_ready.connect(self._plan_ready)

    def _plan_ready(self, _plan: Any) -> None:
        if self.isVisible():
            self.refresh()

    def on_shown(self) -> None:
        if self.session.plan is not None and self.session.plan is not self._shown_plan:
            self.refresh()

    def refresh(self) -> None:
        """Show the session's current plan."""
        self._shown_plan = self.session.plan
        self.show_plan(self.session.plan)

    def show_plan(self, plan: Any) -> None:
        raise NotImplementedError
