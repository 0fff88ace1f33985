"""Questions and notices to the user, in one place: blocking in the app, recorded in tests."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QMessageBox, QWidget

from planner.ui import errors

#: what the tests' non-blocking dialogs answer, and what they were asked or told last
auto_answer = True
last_question: str = ""
last_notice: str = ""
_open_boxes: list[QMessageBox] = []


def ask(parent: QWidget | None, title: str, text: str, *, yes: str = "OK") -> bool:
    """Ask to go ahead with ``yes`` (or Cancel); True when the user agrees."""
    global last_question
    last_question = text
    if not errors.modal_dialogs:
        return auto_answer
    box = QMessageBox(QMessageBox.Icon.Question, title, text, parent=parent)
    go = box.addButton(yes, QMessageBox.ButtonRole.AcceptRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(go)
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
