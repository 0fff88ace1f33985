"""Questions and notices to the user, in one place: blocking in the app, recorded in tests."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QGridLayout, QMessageBox, QSizePolicy, QSpacerItem, QWidget

from planner.ui import errors

#: what the tests' non-blocking dialogs answer, and what they were asked or told last
auto_answer = True
last_question: str = ""
last_notice: str = ""
_open_boxes: list[QMessageBox] = []


#: what a window title bar spends besides the title (icon, close/minimise buttons, margins)
_TITLE_BAR_EXTRA = 160


def fit_title(box: QMessageBox) -> QMessageBox:
    """Make a message box wide enough for its whole title: a title bar cuts a title wider
    than the box ("Something we…ong"). Titles stay short; the detail goes in the body."""
    wanted = box.fontMetrics().horizontalAdvance(box.windowTitle()) + _TITLE_BAR_EXTRA
    layout = box.layout()
    if isinstance(layout, QGridLayout):
        layout.addItem(QSpacerItem(wanted, 0, QSizePolicy.Policy.Minimum,
                                   QSizePolicy.Policy.Expanding),
                       layout.rowCount(), 0, 1, layout.columnCount())
    return box


def ask(parent: QWidget | None, title: str, text: str, *, yes: str = "OK") -> bool:
    """Ask to go ahead with ``yes`` (or Cancel); True when the user agrees."""
    global last_question
    last_question = text
    if not errors.modal_dialogs:
        return auto_answer
    box = QMessageBox(QMessageBox.Icon.Question, title, text, parent=parent)
    box.setObjectName("question_dialog")
    go = box.addButton(yes, QMessageBox.ButtonRole.AcceptRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(go)
    fit_title(box)
    box.exec()
    return box.clickedButton() is go


def tell(parent: QWidget | None, title: str, text: str, *,
         action: tuple[str, Callable[[], None]] | None = None) -> QMessageBox:
    """Say what was done (the window stays usable while the note is on screen); ``action`` adds
    a button (its label and what it does) beside OK."""
    global last_notice
    last_notice = text
    box = QMessageBox(QMessageBox.Icon.Information, title, text, parent=parent)
    box.setObjectName("notice_dialog")
    fit_title(box)
    if action is not None:
        box.addButton(QMessageBox.StandardButton.Ok)
        extra = box.addButton(action[0], QMessageBox.ButtonRole.ActionRole)
        extra.clicked.connect(action[1])
    _open_boxes.append(box)
    box.finished.connect(lambda _r, b=box: _open_boxes.remove(b) if b in _open_boxes else None)
    if errors.modal_dialogs:
        box.open()
    else:
        box.show()
    return box
