"""The empty workspace's checklist: what to import, in which order, with a template for each."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from planner.store.importers.kinds import get_kind
from planner.store.importers.templates import write_template
from planner.ui import dialogs, paths
from planner.ui.views.common import note

#: the checklist, in import order: step label, import kind, what it gives the plan
STEPS = [
    ("Products", "products", "SKUs, supplier, unit cost, lead time, MOQ and case pack"),
    ("Suppliers", "suppliers", "lead times, minimum order value, order cycle, currency"),
    ("Sales", "sales", "order lines by date: the history every forecast learns from"),
    ("Inventory", "inventory", "stock on hand per SKU (and location) today"),
    ("Purchase orders", "purchase_orders", "open PO lines and when they are expected"),
    ("Backorders", "backorders", "open customer order lines still waiting to ship"),
]
#: Shopify's own exports, imported as they come instead of sales, backorders and inventory
SHOPIFY_STEPS = [
    ("Shopify orders export", "shopify_orders",
     "Admin ▸ Orders ▸ Export: gives sales and the unfulfilled lines as backorders"),
    ("Shopify inventory export", "shopify_inventory",
     "Admin ▸ Products ▸ Inventory ▸ Export: gives inventory"),
]


class FirstRunChecklist(QWidget):
    """Numbered import steps, each with a "Save template…" button; demo and Import buttons."""

    demo_requested = Signal()
    import_requested = Signal()
    #: the template files written (kind, path)
    template_saved = Signal(str, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("first_run")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 8)
        buttons = QHBoxLayout()
        demo = QPushButton("Fill with demo data")
        demo.setObjectName("fill_demo")
        demo.setToolTip("Try the planner on a made-up business (in this workspace)")
        demo.clicked.connect(self.demo_requested.emit)
        imp = QPushButton("Import your files…")
        imp.setObjectName("import_files")
        imp.clicked.connect(self.import_requested.emit)
        buttons.addWidget(demo)
        buttons.addWidget(imp)
        buttons.addStretch(1)
        layout.addLayout(buttons)

        layout.addWidget(QLabel("<b>What to import, in this order</b>"))
        layout.addWidget(note("Save a template, replace its example row with your data (CSV or "
                              "Excel, one header row), then import it on the Import page. "
                              "Several files can be imported at once; the order below is the "
                              "one that makes each file's references known."))
        grid = QGridLayout()
        grid.setHorizontalSpacing(12)
        grid.setColumnStretch(2, 1)
        self.template_buttons: dict[str, QPushButton] = {}
        row = 0
        for number, (label, kind, what) in enumerate(STEPS, start=1):
            self._add_step(grid, row, f"{number}. {label}", kind, what)
            row += 1
        grid.addWidget(QLabel("<b>Selling on Shopify?</b>"), row, 0, 1, 3)
        row += 1
        for label, kind, what in SHOPIFY_STEPS:
            self._add_step(grid, row, label, kind, what)
            row += 1
        layout.addLayout(grid)

    def _add_step(self, grid: QGridLayout, row: int, label: str, kind: str, what: str) -> None:
        name = QLabel(label)
        required = ", ".join(get_kind(kind).required)
        explain = note(f"{what} (needs {required})")
        button = QPushButton("Save template…")
        button.setObjectName(f"template_{kind}")
        button.setToolTip(f"Write a CSV file with the {kind} import header and an example row")
        button.clicked.connect(lambda _c=False, k=kind: self.save_template(k))
        self.template_buttons[kind] = button
        grid.addWidget(name, row, 0)
        grid.addWidget(button, row, 1)
        grid.addWidget(explain, row, 2)

    def save_template(self, kind: str) -> Path | None:
        """Ask where, then write the kind's template there; None when the user cancels."""
        start = str(paths.documents_dir() / f"{kind}.csv")
        target, _ = QFileDialog.getSaveFileName(self, f"Save the {kind} template", start,
                                                "CSV (*.csv)")
        if not target:
            return None
        try:
            written = write_template(kind, target)
        except OSError as exc:
            from planner.ui.errors import show_error

            show_error(self, "Cannot save the template", exc)
            return None
        dialogs.tell(self, "Template saved",
                     f"The {kind} template is at {written}. Replace the example row with your "
                     "data, then import the file on the Import page.")
        self.template_saved.emit(kind, str(written))
        return written
