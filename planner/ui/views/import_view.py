"""Import: drop or pick files, preview them, import all or nothing, see every problem."""

from __future__ import annotations

import re
from dataclasses import asdict, is_dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QPalette
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from planner.store.importers.kinds import KINDS as IMPORT_KINDS
from planner.ui import operations
from planner.ui.formatting import is_missing
from planner.ui.models import Column, FrameTableModel
from planner.ui.operations import Operation
from planner.ui.views.common import DANGER, GOOD, fit_columns, heading, make_table, note

KINDS = list(IMPORT_KINDS)  # every import kind the store declares
PROBLEM_COLUMNS = [
    Column("file", "File"),
    Column("row", "Row", "int"),
    Column("column", "Column"),
    Column("value", "Value"),
    Column("expected", "Expected"),
]
SUMMARY_COLUMNS = [
    Column("file", "File"),
    Column("kind", "Kind"),
    Column("rows_read", "Rows read", "int"),
    Column("inserted", "Inserted", "int"),
    Column("updated", "Updated", "int"),
    Column("unchanged", "Unchanged", "int"),
    Column("skipped", "Skipped", "int"),
    Column("notes", "Notes"),
]


def _record(item: Any, fields: list[str]) -> dict[str, Any]:
    if is_dataclass(item):
        return asdict(item)
    if isinstance(item, dict):
        return dict(item)
    if isinstance(item, (tuple, list)):
        return dict(zip(fields, item, strict=False))
    return {f: getattr(item, f, None) for f in fields}


#: (what the Dates box shows, the strftime pattern it stands for)
DATE_FORMATS = [
    ("Detect (ISO, or the file's own format)", None),
    ("Day first: 31/12/2026", "%d/%m/%Y"),
    ("Month first: 12/31/2026", "%m/%d/%Y"),
    ("Day first with dots: 31.12.2026", "%d.%m.%Y"),
    ("Day first with dashes: 31-12-2026", "%d-%m-%Y"),
    ("Day first, short year: 31/12/26", "%d/%m/%y"),
    ("Month first, short year: 12/31/26", "%m/%d/%y"),
]


def for_the_app(text: str) -> str:
    """An importer message in the app's words: choices on this page, not command options."""
    return re.sub(r"give --date-format, e\.g\. [^;.)]*", "choose day first or month first under "
                  "Dates above", str(text))


def problems_frame(exc: Any) -> pd.DataFrame:
    """Every problem of a rejected import, one row each."""
    fields = [c.key for c in PROBLEM_COLUMNS]
    rows = [_record(p, fields) for p in getattr(exc, "problems", []) or []]
    frame = pd.DataFrame(rows, columns=fields) if rows else pd.DataFrame(columns=fields)
    frame["file"] = frame["file"].map(lambda f: Path(str(f)).name if f is not None else "")
    frame["value"] = frame["value"].map(lambda v: "" if is_missing(v) else str(v))
    if "expected" in frame:
        frame["expected"] = frame["expected"].map(for_the_app)
    return frame


def summaries_frame(summaries: list[Any]) -> pd.DataFrame:
    """What each imported file did to the workspace."""
    rows = []
    for s in summaries:
        notes = []
        for reason, count in (getattr(s, "skipped_reasons", None) or {}).items():
            notes.append(f"skipped {count}: {reason}")
        unknown = getattr(s, "unknown_columns", None) or []
        if unknown:
            notes.append("ignored columns: " + ", ".join(map(str, unknown)))
        notes.extend(str(n) for n in (getattr(s, "notes", None) or []))
        rows.append({"file": Path(str(s.file)).name, "kind": s.kind, "rows_read": s.rows_read,
                     "inserted": s.inserted, "updated": s.updated,
                     "unchanged": getattr(s, "unchanged", 0), "skipped": s.skipped,
                     "notes": "; ".join(notes)})
    return pd.DataFrame(rows, columns=[c.key for c in SUMMARY_COLUMNS])


class DropZone(QFrame):
    """A framed area that takes dropped files."""

    dropped = Signal(list)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAcceptDrops(True)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.setBackgroundRole(QPalette.ColorRole.Base)
        self.setMinimumHeight(70)
        layout = QVBoxLayout(self)
        label = QLabel("Drop CSV or Excel files here")
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        layout.addWidget(label)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt name
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 - Qt name
        files = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
        if files:
            self.dropped.emit(files)
            event.acceptProposedAction()


class ImportView(QWidget):
    """Pick files, check the preview, import."""

    #: after every import attempt: True when the files were imported
    finished = Signal(bool)

    def __init__(self, session: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.files: list[str] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addWidget(heading("Import"))
        layout.addWidget(note("Products, suppliers, sales, inventory, purchase orders, backorders, "
                              "forecast overrides, and Shopify order and inventory exports. The "
                              "kind is detected from the header. A file with any bad cell is "
                              "rejected whole, with every problem listed; nothing is written."))
        top = QHBoxLayout()
        self.drop = DropZone()
        self.drop.dropped.connect(self.add_files)
        top.addWidget(self.drop, 3)
        buttons = QVBoxLayout()
        choose = QPushButton("Choose files…")
        choose.clicked.connect(self.choose_files)
        clear = QPushButton("Clear")
        clear.clicked.connect(self.clear)
        buttons.addWidget(choose)
        buttons.addWidget(clear)
        top.addLayout(buttons, 1)
        layout.addLayout(top)

        options = QHBoxLayout()
        options.addWidget(QLabel("Kind"))
        self.kind = QComboBox()
        self.kind.addItem("detect from the header")
        self.kind.addItems(KINDS)
        self.kind.currentIndexChanged.connect(lambda _i: self.files and self._preview())
        options.addWidget(self.kind)
        options.addWidget(QLabel("Dates"))
        self.date_format = QComboBox()
        self.date_format.setObjectName("date_format")
        self.date_format.setEditable(True)  # or type your own pattern, such as %d %b %Y
        self.date_format.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        for label, _pattern in DATE_FORMATS:
            self.date_format.addItem(label)
        self.date_format.setToolTip("How the files write dates. Detect reads ISO dates and any "
                                    "format the file itself makes unambiguous; or type a "
                                    "pattern such as %d %b %Y")
        self._format_timer = QTimer(self)
        self._format_timer.setSingleShot(True)
        self._format_timer.setInterval(300)
        self._format_timer.timeout.connect(lambda: self.files and self._preview())
        self.date_format.currentTextChanged.connect(lambda _t: self._format_timer.start())
        options.addWidget(self.date_format, 1)
        self.import_button = QPushButton("Import")
        self.import_button.setObjectName("import_button")
        self.import_button.clicked.connect(self.run_import)
        options.addWidget(self.import_button)
        layout.addLayout(options)

        splitter = QSplitter(Qt.Orientation.Vertical)
        files_row = QSplitter(Qt.Orientation.Horizontal)
        self.file_list = QListWidget()
        self.file_list.setObjectName("import_files")
        self.file_list.currentRowChanged.connect(self._show_preview)
        files_row.addWidget(self.file_list)
        preview_box = QWidget()
        pv = QVBoxLayout(preview_box)
        pv.setContentsMargins(0, 0, 0, 0)
        self.preview_label = note("")
        pv.addWidget(self.preview_label)
        self.preview_model = FrameTableModel([], self)
        self.preview_table, _ = make_table(self.preview_model, sortable=False, parent=self)
        pv.addWidget(self.preview_table)
        files_row.addWidget(preview_box)
        files_row.setStretchFactor(0, 2)
        files_row.setStretchFactor(1, 3)
        splitter.addWidget(files_row)

        result_box = QWidget()
        rv = QVBoxLayout(result_box)
        rv.setContentsMargins(0, 0, 0, 0)
        self.result_label = QLabel("")
        self.result_label.setObjectName("import_result")
        self.result_label.setWordWrap(True)
        rv.addWidget(self.result_label)
        self.results = QStackedWidget()
        self.problem_model = FrameTableModel(PROBLEM_COLUMNS, self)
        self.problem_table, _ = make_table(self.problem_model, parent=self)
        self.problem_table.setObjectName("import_problems")
        self.summary_model = FrameTableModel(SUMMARY_COLUMNS, self)
        self.summary_table, _ = make_table(self.summary_model, parent=self)
        self.summary_table.setObjectName("import_summary")
        self.results.addWidget(self.summary_table)
        self.results.addWidget(self.problem_table)
        rv.addWidget(self.results)
        splitter.addWidget(result_box)
        layout.addWidget(splitter, 1)
        self._previews: list[Any] = []
        self._bad_cells: dict[tuple[int, str], str] = {}
        self._update_buttons()

    # --- files -----------------------------------------------------------------------------
    def choose_files(self) -> None:
        start = str(self.session.path.parent) if self.session.path else ""
        files, _ = QFileDialog.getOpenFileNames(self, "Import files", start,
                                                "Data files (*.csv *.xlsx *.xlsm *.txt);;"
                                                "All files (*)")
        if files:
            self.add_files(files)

    def add_files(self, files: list[str]) -> None:
        """Add files to the list and preview them (in the background)."""
        new = [f for f in files if f not in self.files]
        self.files.extend(new)
        self.file_list.clear()
        self.file_list.addItems([Path(f).name for f in self.files])
        self.result_label.setText("")
        self._update_buttons()
        self._preview()

    def _preview(self) -> None:
        files_now = list(self.files)
        kind = self.kind.currentText() if self.kind.currentIndex() > 0 else None
        date_format = self.chosen_date_format()
        self.session.tasks.run(Operation(
            title="Reading the files", progress="none",
            work=lambda _p: operations.preview(files_now, kind, date_format),
            on_success=lambda previews: self._got_previews(files_now, previews)))

    def _got_previews(self, files: list[str], previews: list[Any]) -> None:
        if files != self.files:
            return
        self._previews = previews
        for i, p in enumerate(previews):
            item = self.file_list.item(i)
            if isinstance(p, Exception):
                item.setText(f"{Path(files[i]).name} — cannot read")
                item.setForeground(DANGER)
            else:
                kind = p.kind or "kind not recognised"
                flag = f"\n{len(p.problems)} problem(s) in the first rows" if p.problems else ""
                item.setText(f"{Path(files[i]).name}\n{kind}{flag}")
                item.setToolTip(files[i])
                if p.problems or not p.kind:
                    item.setForeground(DANGER)
        self.file_list.setCurrentRow(0)
        self._show_preview(0)

    def _show_preview(self, row: int) -> None:
        if not 0 <= row < len(self._previews):
            return
        p = self._previews[row]
        if isinstance(p, Exception):
            from planner.ui.errors import describe

            self.preview_label.setText(describe(p))
            self.preview_model.columns = []
            self.preview_model.set_frame(pd.DataFrame())
            return
        frame = p.rows.drop(columns=[c for c in p.rows.columns if str(c).startswith("_")])
        shown = (frame.astype(object).where(frame.notna(), None).astype(str)
                 .replace({"None": "", "NaT": "", "nan": ""}))
        # a cell that could not be read shows what the file has, in red, with the problem
        self._bad_cells = {}
        positions = ({int(r): i for i, r in enumerate(frame["row"])} if "row" in frame
                     else {})
        for problem in p.problems:
            pos = positions.get(problem.row) if problem.row is not None else None
            if pos is not None and problem.column in shown.columns:
                shown.iat[pos, shown.columns.get_loc(problem.column)] = problem.value or ""
                self._bad_cells[(pos, problem.column)] = for_the_app(problem.expected)
        self.preview_model.columns = [Column(str(c), str(c)) for c in frame.columns]
        self.preview_model.foreground = self._bad_cell_colour
        self.preview_model.set_frame(shown)
        fit_columns(self.preview_table, max_width=200)
        parts = [f"Kind: {p.kind or 'not recognised (choose it above)'}",
                 f"first {len(frame)} rows as they will be read"]
        if p.problems:
            parts.append(f"{len(p.problems)} problem(s) already (in red): "
                         + "; ".join(for_the_app(str(x)) for x in p.problems[:3]))
        self.preview_label.setText(" · ".join(parts))

    def _bad_cell_colour(self, row: int, key: str) -> Any:
        return DANGER if (row, key) in self._bad_cells else None

    def clear(self) -> None:
        """Forget the files and what the last import said (its summary or its problems)."""
        self.files = []
        self._previews = []
        self.file_list.clear()
        self.preview_model.set_frame(pd.DataFrame())
        self.preview_label.setText("")
        self.problem_model.set_frame(pd.DataFrame())
        self.summary_model.set_frame(pd.DataFrame())
        self.results.setCurrentWidget(self.summary_table)
        self.result_label.setText("")
        self._update_buttons()

    def chosen_date_format(self) -> str | None:
        """The strftime pattern chosen (None: detect)."""
        text = self.date_format.currentText().strip()
        for label, pattern in DATE_FORMATS:
            if text == label:
                return pattern
        return text or None

    def _update_buttons(self) -> None:
        self.import_button.setEnabled(bool(self.files) and self.session.db is not None)

    # --- importing -------------------------------------------------------------------------
    def run_import(self) -> Any:
        """Import the listed files in the background; show a summary or every problem."""
        path = self.session.path
        if path is None or not self.files:
            return None
        files = list(self.files)
        kind = self.kind.currentText() if self.kind.currentIndex() > 0 else None
        date_format = self.chosen_date_format()
        self.import_button.setEnabled(False)
        return self.session.tasks.run(Operation(
            title="Importing", on_success=self._imported, on_failure=self._rejected,
            work=lambda progress: operations.import_into(path, files, progress, kind=kind,
                                                         date_format=date_format)))

    def _imported(self, summaries: list[Any]) -> None:
        frame = summaries_frame(summaries)
        self.summary_model.set_frame(frame)
        fit_columns(self.summary_table, max_width=300)
        self.results.setCurrentWidget(self.summary_table)
        self._say(f"Imported {len(summaries)} file(s): "
                  f"{int(frame['inserted'].sum()):,} rows added, "
                  f"{int(frame['updated'].sum()):,} updated.", GOOD)
        self.files = []
        self.file_list.clear()
        self._update_buttons()
        self.session.edited()
        self.finished.emit(True)

    def _rejected(self, exc: BaseException, details: str) -> None:
        self._update_buttons()
        if type(exc).__name__ == "ImportRejected":
            frame = problems_frame(exc)
            self.problem_model.set_frame(frame)
            fit_columns(self.problem_table, max_width=360)
            self.results.setCurrentWidget(self.problem_table)
            self._say(f"Nothing was imported: {len(frame)} problem(s) to fix. Correct the file "
                      "and import it again.", DANGER)
        else:
            from planner.ui.errors import describe

            self.problem_model.set_frame(pd.DataFrame())
            self.results.setCurrentWidget(self.problem_table)
            self._say(f"Nothing was imported: {describe(exc)}", DANGER)
        self.finished.emit(False)

    def _say(self, text: str, colour: Any) -> None:
        palette = self.result_label.palette()
        palette.setColor(QPalette.ColorRole.WindowText, colour)
        self.result_label.setPalette(palette)
        self.result_label.setText(text)
