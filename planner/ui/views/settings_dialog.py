"""The workspace's settings (docs/reference.md) and the company details printed on PDFs."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from planner.store.settings import SETTINGS, SettingError, parse_setting
from planner.ui.views.common import DANGER

CHOICES = {"service_level_type": ["cycle", "fill_rate"], "page_size": ["A4", "Letter"],
           "forecast_global_model": ["blend", "by_class", "off"]}
MULTILINE = {"company_address", "purchase_terms"}
COMPANY = {"company_name", "company_address", "company_logo", "page_size", "purchase_terms",
           "currency"}
LABELS = {
    "service_level": "Service level", "service_level_type": "Service level means",
    "review_period_days": "Review period", "horizon_days": "Planning horizon",
    "dock_to_stock_days": "Dock to stock", "hold_release_days": "Hold release (no date)",
    "cancel_rate_per_day": "Cancel rate per day of waiting",
    "promise_buffer_days": "Promise buffer", "split_shipment_cost": "Cost of a split shipment",
    "default_lead_time_days": "Default lead time", "currency": "Currency",
    "company_name": "Company name", "company_address": "Address", "company_logo": "Logo",
    "page_size": "Page size", "purchase_terms": "Terms and notes",
    "abc_service_levels": "Service level by ABC class", "dead_after_days": "Dead stock after",
    "purchase_budget_per_month": "Purchase budget per month",
    "holding_cost_rate": "Holding cost per year", "po_number_pattern": "PO numbers",
    "forecast_global_model": "Global forecast model",
}
#: shown and typed as percentages (95.0 %), stored as shares (0.95), as the toolbar shows them
PERCENT = {"service_level", "cancel_rate_per_day", "holding_cost_rate"}


class SettingsDialog(QDialog):
    """Edit settings; OK saves the changed ones as one undoable step."""

    def __init__(self, session: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self.setObjectName("settings_dialog")
        self.session = session
        self.current = session.settings()
        self.editors: dict[str, Any] = {}
        layout = QVBoxLayout(self)
        tabs = QTabWidget()
        planning, company = QWidget(), QWidget()
        planning_form, company_form = QFormLayout(planning), QFormLayout(company)
        for key, setting in SETTINGS.items():
            editor = self._editor(key, setting, self.current.get(key, setting.default))
            editor.setToolTip(f"{setting.help} ({setting.expected})" if setting.expected
                              else setting.help)
            self.editors[key] = editor
            form = company_form if key in COMPANY else planning_form
            form.addRow(LABELS.get(key, key.replace("_", " ").capitalize()),
                        self._with_picker(key, editor))
        tabs.addTab(planning, "Planning")
        tabs.addTab(company, "Company and PDFs")
        layout.addWidget(tabs)
        self.error = QLabel("")
        self.error.setWordWrap(True)
        palette = self.error.palette()
        palette.setColor(self.error.foregroundRole(), DANGER)
        self.error.setPalette(palette)
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _editor(self, key: str, setting: Any, value: Any) -> Any:
        if key in CHOICES:
            box = QComboBox()
            box.addItems(CHOICES[key])
            box.setCurrentText(str(value))
            return box
        if key in MULTILINE:
            text = QPlainTextEdit(str(value))
            text.setFixedHeight(70)
            return text
        if setting.cast is int:
            spin = QSpinBox()
            spin.setRange(0, 100_000)
            spin.setValue(int(value))
            spin.setSuffix(" days" if key.endswith("_days") else "")
            return spin
        if key in PERCENT:
            spin = QDoubleSpinBox()
            spin.setRange(0.0, 500.0)
            spin.setDecimals(1)
            spin.setSingleStep(0.5)
            spin.setSuffix(" %")
            spin.setValue(float(value) * 100)
            return spin
        if setting.cast is float:
            spin = QDoubleSpinBox()
            spin.setRange(0, 1e9)
            spin.setDecimals(4 if value is not None and float(value) < 1 else 2)
            spin.setSingleStep(0.01 if float(value) < 1 else 1)
            spin.setValue(float(value))
            spin.setSuffix(" days" if key.endswith("_days") else "")
            return spin
        return QLineEdit(str(value))

    def _with_picker(self, key: str, editor: Any) -> Any:
        if key != "company_logo":
            return editor
        row = QWidget()
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(editor, 1)
        pick = QPushButton("Choose…")
        pick.clicked.connect(lambda: self._pick_logo(editor))
        layout.addWidget(pick)
        return row

    def _pick_logo(self, editor: QLineEdit) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Logo for PDFs", "",
                                              "Images (*.png *.jpg *.jpeg)")
        if path:
            editor.setText(path)

    def value_of(self, key: str) -> str:
        editor = self.editors[key]
        if isinstance(editor, QComboBox):
            return editor.currentText()
        if isinstance(editor, QPlainTextEdit):
            return editor.toPlainText()
        if key in PERCENT:
            return str(round(editor.value() / 100, 6))
        if isinstance(editor, (QSpinBox, QDoubleSpinBox)):
            return str(editor.value())
        return editor.text()

    def set_value(self, key: str, value: Any) -> None:
        """Put a value in an editor (tests)."""
        editor = self.editors[key]
        if isinstance(editor, QComboBox):
            editor.setCurrentText(str(value))
        elif isinstance(editor, QPlainTextEdit):
            editor.setPlainText(str(value))
        elif key in PERCENT:
            editor.setValue(float(value) * 100)  # given as a share, shown as a percentage
        elif isinstance(editor, (QSpinBox, QDoubleSpinBox)):
            editor.setValue(value)
        else:
            editor.setText(str(value))

    def changed(self) -> dict[str, Any]:
        """Validated values that differ from the stored ones (SettingError on a bad one)."""
        out = {}
        for key in SETTINGS:
            typed = parse_setting(key, self.value_of(key))
            old = self.current.get(key)
            if isinstance(typed, float) and old is not None:
                if abs(typed - float(old)) < 1e-9:
                    continue
            elif typed == old:
                continue
            out[key] = typed
        return out

    def save(self) -> None:
        from planner.ui.commands import SetSetting

        try:
            changes = self.changed()
        except SettingError as exc:
            self.error.setText(str(exc))
            return
        if changes:
            stack = self.session.undo_stack
            stack.beginMacro("Change settings")
            for key, value in changes.items():
                stack.push(SetSetting(self.session, key, value))
            stack.endMacro()
        self.accept()
