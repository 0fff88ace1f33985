"""The main window: navigation, toolbar, menus, status bar; the pages do the rest."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, QSize, Qt, Signal
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QGuiApplication,
    QKeySequence,
)
from PySide6.QtWidgets import (
    QDateEdit,
    QDoubleSpinBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from planner import __version__
from planner.ui import dialogs, operations, paths
from planner.ui.actions import build_actions
from planner.ui.backups import BackupController
from planner.ui.errors import show_error
from planner.ui.operations import Operation
from planner.ui.session import Session
from planner.ui.workers import StatusProgress, Task, TaskManager

#: the navigation list: page id and label (Ctrl+1 … Ctrl+9 switch between them)
PAGES = [
    ("dashboard", "Dashboard"),
    ("products", "Products"),
    ("backorders", "Backorders"),
    ("purchase_plan", "Purchase plan"),
    ("purchase_orders", "Purchase orders"),
    ("excess", "Excess & dead stock"),
    ("accuracy", "Forecast accuracy"),
    ("suppliers", "Suppliers"),
    ("import", "Import"),
    ("replay", "Replay"),
]
IMPORTABLE = {".csv", ".xlsx", ".xlsm", ".txt", ".tsv"}
DEMO_SKUS = 60


#: the most characters the plan's warning banner shows on its one line (the rest on hover)
BANNER_CHARS = 150


class MainWindow(QMainWindow):
    """Planner's one window."""

    #: emitted after a PDF export: the files written
    pdfs_exported = Signal(list)

    def __init__(self, parent: QWidget | None = None, *, as_of: dt.date | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Planner")
        self.setObjectName("main_window")
        self.tasks = TaskManager(self)
        self.tasks.dialog_parent = self
        self.session = Session(self.tasks, self, as_of=as_of)
        self.backups = BackupController(self, self.session)
        self.actions_by_id = build_actions(self)
        self._build_undo_actions()
        self._build_pages()
        self._build_menus()
        self._build_toolbar()
        self._build_status_bar()
        self.setAcceptDrops(True)
        self.session.workspace_opened.connect(self._on_workspace_opened)
        self.session.plan_ready.connect(self._on_plan_ready)
        self.session.plan_started.connect(lambda: self.plan_status.setText("Replanning…"))
        self.session.plan_failed.connect(lambda msg: self.plan_status.setText("Plan failed"))
        self.session.settings_changed.connect(self._show_settings_in_toolbar)
        self.session.opening.connect(lambda p: self.workspace_label.setText(f"Opening {p}…"))
        self.session.open_failed.connect(lambda _m: self.workspace_label.setText(
            str(self.session.path) if self.session.path else "No workspace"))
        self._update_enabled()
        self._show_settings_in_toolbar()
        self._restore_layout()

    # --- construction --------------------------------------------------------------------
    def _build_undo_actions(self) -> None:
        stack = self.session.undo_stack
        self.undo_action = stack.createUndoAction(self, "&Undo")
        self.undo_action.setShortcuts(QKeySequence.keyBindings(QKeySequence.StandardKey.Undo))
        self.undo_action.setObjectName("action_undo")
        self.redo_action = stack.createRedoAction(self, "&Redo")
        self.redo_action.setShortcuts(QKeySequence.keyBindings(QKeySequence.StandardKey.Redo))
        self.redo_action.setObjectName("action_redo")

    def _build_pages(self) -> None:
        from planner.ui.views.accuracy import AccuracyView
        from planner.ui.views.backorders import BackordersView
        from planner.ui.views.dashboard import DashboardView
        from planner.ui.views.excess import ExcessView
        from planner.ui.views.import_view import ImportView
        from planner.ui.views.products import ProductsView
        from planner.ui.views.purchase_orders import PurchaseOrdersView
        from planner.ui.views.purchase_plan import PurchasePlanView
        from planner.ui.views.replay import ReplayView
        from planner.ui.views.sku_detail import SkuDetailView
        from planner.ui.views.suppliers import SuppliersView
        from planner.ui.views.what_if import WhatIfView

        s = self.session
        self.pages: dict[str, QWidget] = {
            "dashboard": DashboardView(s),
            "products": ProductsView(s),
            "backorders": BackordersView(s),
            "purchase_plan": PurchasePlanView(s),
            "purchase_orders": PurchaseOrdersView(s),
            "excess": ExcessView(s),
            "accuracy": AccuracyView(s),
            "suppliers": SuppliersView(s),
            "import": ImportView(s),
            "replay": ReplayView(s),
            "sku": SkuDetailView(s),
            "what_if": WhatIfView(s),
        }
        self.nav = QListWidget()
        self.nav.setObjectName("navigation")
        self.nav.setUniformItemSizes(True)
        for page_id, label in PAGES:
            item = QListWidgetItem(label)
            item.setData(Qt.ItemDataRole.UserRole, page_id)
            item.setSizeHint(QSize(0, self.fontMetrics().height() + 14))
            self.nav.addItem(item)
        widest = max(self.fontMetrics().horizontalAdvance(label) for _p, label in PAGES)
        self.nav.setFixedWidth(max(140, widest + 32))  # the rest is the tables'
        self.stack = QStackedWidget()
        for page in self.pages.values():
            self.stack.addWidget(page)
        self.nav.currentRowChanged.connect(lambda row: self.show_page(PAGES[row][0]))
        central = QWidget()
        row = QHBoxLayout(central)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        row.addWidget(self.nav)
        right = QVBoxLayout()
        right.setContentsMargins(0, 0, 0, 0)
        right.setSpacing(0)
        self.plan_banner = QLabel("")
        self.plan_banner.setObjectName("plan_banner")
        self.plan_banner.setWordWrap(True)
        self.plan_banner.setStyleSheet(
            "QLabel#plan_banner { background: #fef3c7; color: #78350f; padding: 6px 12px; "
            "border-bottom: 1px solid #f59e0b; }")
        self.plan_banner.setVisible(False)
        right.addWidget(self.plan_banner)
        right.addWidget(self.stack, 1)
        row.addLayout(right, 1)
        self.setCentralWidget(central)
        self.page_actions: list[QAction] = []  # the View menu lists them with their shortcuts
        for i, (page_id, label) in enumerate(PAGES):
            action = QAction(label, self)
            action.setObjectName(f"action_page_{page_id}")
            if i < 9:
                action.setShortcut(QKeySequence(f"Ctrl+{i + 1}"))
            action.triggered.connect(lambda _=False, p=page_id: self.show_page(p))
            self.addAction(action)
            self.page_actions.append(action)
        # navigation between pages
        self.pages["products"].sku_requested.connect(self.open_sku)
        self.pages["backorders"].sku_requested.connect(self.open_sku)
        self.pages["dashboard"].sku_requested.connect(self.open_sku)
        self.pages["dashboard"].page_requested.connect(self.show_page)
        self.pages["dashboard"].list_requested.connect(self.open_list)
        self.pages["dashboard"].demo_requested.connect(self.fill_demo)
        self.pages["purchase_plan"].sku_requested.connect(self.open_sku)
        self.pages["purchase_orders"].what_if_requested.connect(self.open_what_if)
        self.pages["purchase_orders"].sku_requested.connect(self.open_sku)
        self.pages["import"].finished.connect(self.pages["purchase_orders"].watch_import)
        self.pages["purchase_orders"].updates_export_requested.connect(
            self.pages["backorders"].choose_export)
        self.pages["excess"].sku_requested.connect(self.open_sku)
        self.pages["accuracy"].sku_requested.connect(self.open_sku)
        self.pages["replay"].sku_requested.connect(self.open_sku)
        self.pages["sku"].accuracy_source = self.pages["accuracy"].current_result
        self.pages["accuracy"].computed.connect(self.pages["sku"].show_accuracy)
        self.pages["sku"].what_if_requested.connect(self.open_what_if)
        self.pages["sku"].back_requested.connect(self.go_back)
        self.pages["what_if"].back_requested.connect(self.go_back)
        self.pages["purchase_plan"].export_requested.connect(self.export_pdfs)
        self._history: list[str] = []

    def _build_menus(self) -> None:
        a = self.actions_by_id
        file_menu = self.menuBar().addMenu("&File")
        file_menu.addAction(a["new_workspace"])
        file_menu.addAction(a["open_workspace"])
        self.recent_menu = file_menu.addMenu("Open &recent")
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        file_menu.addAction(a["open_demo"])
        file_menu.addSeparator()
        file_menu.addAction(a["import_files"])
        file_menu.addAction(a["export_pdf"])
        file_menu.addSeparator()
        file_menu.addAction(a["backup_now"])
        file_menu.addAction(a["restore_backup"])
        file_menu.addSeparator()
        file_menu.addAction(a["settings"])
        file_menu.addSeparator()
        file_menu.addAction(a["quit"])
        edit_menu = self.menuBar().addMenu("&Edit")
        edit_menu.addAction(self.undo_action)
        edit_menu.addAction(self.redo_action)
        edit_menu.addSeparator()
        edit_menu.addAction(a["find"])
        view_menu = self.menuBar().addMenu("&View")
        for action in self.page_actions:
            view_menu.addAction(action)
        plan_menu = self.menuBar().addMenu("&Plan")
        plan_menu.addAction(a["replan"])
        help_menu = self.menuBar().addMenu("&Help")
        help_menu.addAction(a["user_guide"])
        help_menu.addAction(a["about"])

    def _build_toolbar(self) -> None:
        bar = self.addToolBar("Plan")
        bar.setObjectName("plan_toolbar")
        bar.setMovable(False)
        bar.addWidget(QLabel(" As of "))
        self.as_of_edit = QDateEdit()
        self.as_of_edit.setObjectName("as_of")
        self.as_of_edit.setCalendarPopup(True)
        self.as_of_edit.setDisplayFormat("yyyy-MM-dd")
        self.as_of_edit.setDate(QDate(self.session.as_of))
        self.as_of_edit.setToolTip("Plan as of this date; data dated later is ignored")
        self.as_of_edit.dateChanged.connect(lambda d: self.session.set_as_of(d.toPython()))
        bar.addWidget(self.as_of_edit)
        bar.addWidget(QLabel("   Service level "))
        self.service_level = QDoubleSpinBox()
        self.service_level.setObjectName("service_level")
        # the one value below the settings' range reads "—": no workspace, no service level
        self.service_level.setRange(49.9, 99.9)
        self.service_level.setSpecialValueText("—")
        self.service_level.setValue(49.9)
        self.service_level.setDecimals(1)
        self.service_level.setSingleStep(0.5)
        self.service_level.setSuffix(" %")
        self.service_level.setKeyboardTracking(False)
        self.service_level.setToolTip("Target service level for products without their own")
        self.service_level.valueChanged.connect(self._on_service_level)
        bar.addWidget(self.service_level)
        bar.addWidget(QLabel("  "))
        bar.addAction(self.actions_by_id["replan"])
        bar.addSeparator()
        bar.addAction(self.undo_action)
        bar.addAction(self.redo_action)

    def _build_status_bar(self) -> None:
        status = self.statusBar()
        self.workspace_label = QLabel("No workspace")
        self.plan_status = QLabel("")
        self.status_progress = StatusProgress()
        self.tasks.status_progress = self.status_progress
        status.addWidget(self.workspace_label, 1)
        status.addPermanentWidget(self.plan_status)
        status.addPermanentWidget(self.status_progress)

    # --- layout memory -------------------------------------------------------------------
    def _restore_layout(self) -> None:
        settings = paths.app_settings()
        geometry = settings.value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(1280, 800)
        self._fit_screen()
        state = settings.value("window/state")
        if state is not None:
            self.restoreState(state)

    def _fit_screen(self) -> None:
        """The whole window, title bar and status bar included, on the screen it opens on: a
        1280×800 window on a 720-px laptop screen would hide the status bar (issue 25)."""
        screen = self.screen() or QGuiApplication.primaryScreen()
        if screen is None:
            return
        available = screen.availableGeometry()
        frame = self.frameGeometry().size() - self.geometry().size()
        width = min(self.width(), available.width() - frame.width())
        height = min(self.height(), available.height() - max(frame.height(), 30))
        if (width, height) != (self.width(), self.height()):
            self.resize(max(width, 640), max(height, 480))
        if not available.contains(self.frameGeometry().topLeft()):
            self.move(available.topLeft())

    def _save_layout(self) -> None:
        settings = paths.app_settings()
        settings.setValue("window/geometry", self.saveGeometry())
        settings.setValue("window/state", self.saveState())
        settings.setValue("window/page", self.current_page())

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt name
        self._save_layout()
        self.tasks.shutdown()
        self.session.close()
        super().closeEvent(event)

    # --- pages ---------------------------------------------------------------------------
    def current_page(self) -> str:
        widget = self.stack.currentWidget()
        return next((k for k, v in self.pages.items() if v is widget), "dashboard")

    def show_page(self, page_id: str) -> None:
        """Switch to a page (and remember where we came from for Back)."""
        current = self.current_page()
        if page_id != current:
            self._history.append(current)
            del self._history[:-20]
        self.stack.setCurrentWidget(self.pages[page_id])
        row = next((i for i, (p, _l) in enumerate(PAGES) if p == page_id), -1)
        self.nav.blockSignals(True)
        self.nav.setCurrentRow(row)
        self.nav.blockSignals(False)
        page = self.pages[page_id]
        if hasattr(page, "on_shown"):
            page.on_shown()

    def open_list(self, page_id: str, filter_name: str = "") -> None:
        """Show a page's list filtered the way a dashboard tile counts it ("" for all rows)."""
        self.show_page(page_id)
        page = self.pages[page_id]
        if hasattr(page, "show_filtered"):
            page.show_filtered(filter_name)

    def go_back(self) -> None:
        target = self._history.pop() if self._history else "products"
        self.show_page(target)
        if self._history and self._history[-1] == target:
            self._history.pop()

    def open_sku(self, sku: str) -> None:
        """Show one product's detail page."""
        self.pages["sku"].show_sku(sku)
        self.show_page("sku")

    def open_what_if(self, po_number: str, sku: str = "") -> None:
        """Open the what-if page on a purchase order (optionally one of its lines)."""
        self.pages["what_if"].start(po_number, sku or None)
        self.show_page("what_if")

    # --- workspace -----------------------------------------------------------------------
    def open_workspace(self, path: str | Path, *, background: bool = True) -> bool:
        """Open a workspace file (checked in the background unless ``background`` is False);
        a problem is explained in a dialog. False when it could not be opened at once. A data
        file (CSV, XLSX) is offered for import instead (``offer_import``)."""
        if Path(path).suffix.lower() in IMPORTABLE:
            return self.offer_import(Path(path), background=background)
        try:
            self.session.open(path, background=background)
        except Exception as exc:  # noqa: BLE001 - every failure is shown to the user
            show_error(self, "Cannot open the workspace", exc)
            return False
        return True

    def offer_import(self, data_file: Path, *, background: bool = True) -> bool:
        """A data file opened as a workspace (File ▸ Open, `planner gui file.csv`): offer to
        import it into the open workspace (else the last or the default one), on the Import
        page, which shows what the file holds before anything is written."""
        into = self.session.path or paths.last_workspace() or paths.default_workspace_path()
        wanted = dialogs.ask(
            self, "Import this file?",
            f"{data_file.name} is a data file, not a Planner workspace.\n\nImport it into "
            f"the workspace {into}? The Import page shows what it holds first; nothing is "
            "written until you choose Import.", yes="Go to Import")

        def show_import(_path: str = "") -> None:
            self.show_page("import")
            self.pages["import"].add_files([str(data_file)])

        if self.session.path is not None and self.session.path == Path(into).resolve():
            if wanted:
                show_import()
            return True
        if not wanted and self.session.path is not None:
            return False

        def once(path: str) -> None:
            self.session.workspace_opened.disconnect(once)
            if wanted:
                show_import(path)

        self.session.workspace_opened.connect(once)
        if not self.open_workspace(into, background=background):
            self.session.workspace_opened.disconnect(once)
            return False
        return True

    def _on_workspace_opened(self, path: str) -> None:
        paths.remember_workspace(path)
        self.setWindowTitle(f"{Path(path).name} — Planner")
        self.workspace_label.setText(path)
        self.plan_status.setText("")
        self._show_settings_in_toolbar()
        self._update_enabled()
        if self.session.is_empty():
            self.show_page("dashboard")
        else:
            last = str(paths.app_settings().value("window/page", "dashboard"))
            self.show_page(last if last in dict(PAGES) else "dashboard")

    def _on_plan_ready(self, plan: Any) -> None:
        k = plan.kpis
        when = f"{self.session.plan_seconds:.1f} s"
        self.plan_status.setText(
            f"Plan as of {plan.as_of.isoformat()}: {k.get('active_skus', len(plan.skus))} SKUs, "
            f"{len(plan.purchase_suggestions)} suggested POs ({when})")
        self._show_plan_warnings(plan.as_of, getattr(plan, "warnings", None) or [])
        self._update_enabled()

    def _show_plan_warnings(self, as_of: dt.date, warnings: list[dict[str, Any]]) -> None:
        """A banner above every page for the input this plan leaves out (data dated after as-of)."""
        from planner.planning import warnings_summary

        later = [w for w in warnings if str(w.get("kind", "")).endswith("_after_as_of")]
        other = [w for w in warnings if w not in later]
        parts = []
        if later:
            parts.append(f"This plan is as of {as_of.isoformat()}, so it leaves out: "
                         f"{warnings_summary(later)}. Pick a later date in the toolbar to "
                         "include them.")
        if other:
            parts.append(f"Check: {warnings_summary(other)}.")
        full = "\n".join(parts)
        # one line, so that every page keeps its height on a 720-px laptop; all of it on hover
        shown = full if len(full) <= BANNER_CHARS and "\n" not in full else (
            full.replace("\n", " ")[:BANNER_CHARS - 30].rsplit(" ", 1)[0]
            + " … (hover to read all)")
        self.plan_banner.setText(shown)
        self.plan_banner.setToolTip(full if shown != full else "")
        self.plan_banner.setVisible(bool(parts))

    def banner_text(self) -> str:
        """All the plan's warning banner says (its one line may end in "hover to read all")."""
        return self.plan_banner.toolTip() or self.plan_banner.text()

    def _update_enabled(self) -> None:
        open_ = self.session.db is not None
        for action in self.actions_by_id.values():
            if action.property("needs_workspace"):
                action.setEnabled(open_)
        self.actions_by_id["export_pdf"].setEnabled(self.session.plan is not None)

    def _show_settings_in_toolbar(self) -> None:
        self.service_level.setEnabled(self.session.db is not None)
        if self.session.db is None:
            self.service_level.blockSignals(True)
            self.service_level.setValue(self.service_level.minimum())
            self.service_level.blockSignals(False)
            return
        level = float(self.session.settings().get("service_level", 0.95))
        self.service_level.blockSignals(True)
        self.service_level.setValue(level * 100)
        self.service_level.blockSignals(False)

    def _on_service_level(self, percent: float) -> None:
        if self.session.db is None:
            return
        if percent < 50.0:  # stepped onto "—": 50 % is the lowest service level
            self.service_level.setValue(50.0)
            return
        from planner.ui.commands import SetSetting

        value = round(percent / 100, 4)
        if abs(float(self.session.settings()["service_level"]) - value) > 1e-9:
            self.session.undo_stack.push(SetSetting(self.session, "service_level", value))

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        recent = paths.recent_workspaces()
        if not recent:
            self.recent_menu.addAction("(none)").setEnabled(False)
        for path in recent:
            action = self.recent_menu.addAction(path)
            action.triggered.connect(lambda _=False, p=path: self.open_workspace(p))

    def fill_demo(self, skus: int = DEMO_SKUS, years: float | None = None) -> Task | None:
        """Write the demo business into the open (empty) workspace, then plan it."""
        if self.session.path is None:
            return None
        path, as_of = self.session.path, self.session.as_of

        def done(_result: Any) -> None:
            self.session.edited()
            self.session.replan()

        return self.tasks.run(Operation(
            title="Creating the demo workspace", on_success=done,
            work=lambda progress: operations.fill_with_demo(path, skus, progress, as_of=as_of,
                                                            years=years)))

    # --- actions -------------------------------------------------------------------------
    def on_new_workspace(self) -> None:
        target, _ = QFileDialog.getSaveFileName(
            self, "New workspace", str(paths.data_dir() / "new-workspace.db"),
            "Planner workspace (*.db);;All files (*)")
        if not target:
            return
        if Path(target).exists() and Path(target).stat().st_size > 0:
            QMessageBox.warning(self, "New workspace",
                                f"{target} already exists; open it with File ▸ Open instead.")
            return
        self.open_workspace(target)

    def on_open_workspace(self) -> None:
        start = str(self.session.path.parent if self.session.path else paths.data_dir())
        target, _ = QFileDialog.getOpenFileName(self, "Open workspace", start,
                                                "Planner workspace (*.db);;"
                                                "Data files to import (*.csv *.xlsx *.xlsm);;"
                                                "All files (*)")
        if target:
            self.open_workspace(target)

    def on_open_demo(self) -> None:
        target = (paths.data_dir() / "demo.db").resolve()

        def fill_when_open(path: str) -> None:
            self.session.workspace_opened.disconnect(fill_when_open)
            if Path(path) == target and self.session.is_empty():
                self.fill_demo()

        self.session.workspace_opened.connect(fill_when_open)
        if not self.open_workspace(target):
            self.session.workspace_opened.disconnect(fill_when_open)

    def on_import_files(self) -> None:
        self.show_page("import")
        self.pages["import"].choose_files()

    def on_backup_now(self) -> None:
        self.backups.backup_now()

    def on_restore_backup(self) -> None:
        self.backups.choose_and_restore()

    def on_export_pdf(self) -> None:
        start = str(self.session.path.parent if self.session.path else Path.home())
        folder = QFileDialog.getExistingDirectory(self, "Export PDFs to folder", start)
        if folder:
            self.export_pdfs(folder)

    def export_pdfs(self, folder: str, supplier: str | None = None,
                    plan: Any = None) -> Task | None:
        """Write the supplier purchase plans and the internal report to a folder (background)."""
        plan = plan if plan is not None else self.pages["purchase_plan"].edited_plan() \
            if self.session.plan is not None else None
        if plan is None:
            QMessageBox.information(self, "Export PDFs",
                                    "Replan first: there is no plan to export.")
            return None

        accuracy = self.pages["accuracy"].current_result()
        path, weeks = self.session.path, self.pages["accuracy"].weeks.value()
        data = self.session.data

        def work(progress: Any) -> list[Path]:
            from planner.reports.export import export_pdfs

            scored = accuracy
            if scored is None and path is not None:  # the report's forecast-accuracy section
                scored = operations.compute_accuracy(
                    path, plan.as_of, int(weeks), lambda f, what: progress(0.05 + 0.5 * f, what),
                    data)
            progress(0.6, "writing PDFs")
            return [Path(p) for p in export_pdfs(plan, Path(folder), supplier=supplier,
                                                 accuracy=scored)]

        def done(files: list[Path]) -> None:
            self.statusBar().showMessage(f"{len(files)} PDF(s) written to {folder}", 10000)
            self.pdfs_exported.emit([str(f) for f in files])
            noun = "PDF" if len(files) == 1 else "PDFs"
            dialogs.tell(self, "PDFs exported", f"{len(files)} {noun} written to {folder}.",
                         action=("Open folder", lambda: paths.open_folder(folder)))

        return self.tasks.run(Operation(title="Exporting PDFs", work=work, on_success=done,
                                        cancellable=False))

    def on_settings(self) -> None:
        from planner.ui.views.settings_dialog import SettingsDialog

        SettingsDialog(self.session, self).exec()

    def on_replan(self) -> None:
        self.session.replan()

    def on_find(self) -> None:
        self.show_page("products")
        self.pages["products"].focus_search()

    def on_quit(self) -> None:
        self.close()

    def on_user_guide(self) -> None:
        """Show the user guide in a window of its own (it ships inside the package)."""
        from planner.ui.help import GuideDialog

        if getattr(self, "guide", None) is None:
            self.guide = GuideDialog(self)
        if self.guide.isVisible():  # already open, perhaps behind the window
            self.guide.raise_()
        self.guide.show()
        self.guide.activateWindow()

    def on_about(self) -> None:
        QMessageBox.about(self, "About Planner",
                          f"<b>Planner {__version__}</b><p>Offline inventory, backorder and "
                          "purchase planning for small brands.</p><p>Your data stays in one "
                          "workspace file on this computer.</p>")

    # --- drag and drop -------------------------------------------------------------------
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt name
        if self.session.db is not None and any(
                Path(u.toLocalFile()).suffix.lower() in IMPORTABLE
                for u in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 - Qt name
        files = [u.toLocalFile() for u in event.mimeData().urls()
                 if Path(u.toLocalFile()).suffix.lower() in IMPORTABLE]
        if files:
            self.show_page("import")
            self.pages["import"].add_files(files)
            event.acceptProposedAction()
