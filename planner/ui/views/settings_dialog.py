"""The workspace's settings (docs/reference.md) and the company details printed on PDFs.

Everything the dialog shows of a setting (label, tab, choices, range, unit) is declared with the
setting in planner/store/settings.py.
"""

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

from planner.store.settings import SETTINGS, Setting, SettingError, parse_setting
from planner.ui.views.common import DANGER

#: percentages are shown with this many decimals (95.0 %), as the toolbar shows them
PERCENT_DECIMALS = 1


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
            form = company_form if setting.group == "company" else planning_form
            form.addRow(setting.label or key.replace("_", " ").capitalize(),
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

    def _editor(self, key: str, setting: Setting, value: Any) -> Any:
        if setting.choices:
            box = QComboBox()
            for choice, label in setting.choices:
                box.addItem(label, choice)
            box.setCurrentIndex(max(box.findData(str(value)), 0))
            return box
        if setting.multiline:
            text = QPlainTextEdit(str(value))
            text.setFixedHeight(70)
            return text
        suffix = " days" if setting.unit == "days" else ""
        if setting.whole:
            spin = QSpinBox()
            low, high = _range(setting, 0, 100_000, step=1)
            spin.setRange(int(low), int(high))
            spin.setValue(int(value))
            spin.setSuffix(suffix)
            return spin
        if setting.unit == "percent":
            spin = QDoubleSpinBox()
            spin.setDecimals(PERCENT_DECIMALS)
            low, high = _range(setting, 0.0, 1.0, step=10.0 ** -(PERCENT_DECIMALS + 2))
            spin.setRange(low * 100, high * 100)
            spin.setSingleStep(0.5)
            spin.setSuffix(" %")
            spin.setValue(float(value) * 100)
            return spin
        if setting.numeric:
            spin = QDoubleSpinBox()
            decimals = 4 if value is not None and float(value) < 1 else 2
            spin.setDecimals(decimals)
            low, high = _range(setting, 0.0, 1e9, step=10.0 ** -decimals)
            spin.setRange(low, high)
            spin.setSingleStep(0.01 if float(value) < 1 else 1)
            spin.setValue(float(value))
            spin.setSuffix(suffix)
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
            return str(editor.currentData())
        if isinstance(editor, QPlainTextEdit):
            return editor.toPlainText()
        if SETTINGS[key].unit == "percent":
            return str(round(editor.value() / 100, 6))
        if isinstance(editor, (QSpinBox, QDoubleSpinBox)):
            return str(editor.value())
        return editor.text()

    def set_value(self, key: str, value: Any) -> None:
        """Put a value in an editor (tests)."""
        editor = self.editors[key]
        if isinstance(editor, QComboBox):
            editor.setCurrentIndex(editor.findData(str(value)))
        elif isinstance(editor, QPlainTextEdit):
            editor.setPlainText(str(value))
        elif SETTINGS[key].unit == "percent":
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


def _range(setting: Setting, low: float, high: float, *, step: float) -> tuple[float, float]:
    """A spin box's range: the setting's declared one (an excluded maximum one step below it),
    else ``low`` to ``high``."""
    lowest = low if setting.minimum is None else float(setting.minimum)
    if setting.maximum is None:
        return lowest, high
    return lowest, float(setting.maximum) - (step if setting.below else 0.0)
