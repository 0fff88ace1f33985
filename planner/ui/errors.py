"""Clear error dialogs, and an excepthook so no failure stays a traceback in the terminal."""

from __future__ import annotations

import sys
import traceback
from types import TracebackType

from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from planner.errors import UserError

#: False in tests and the smoke test: error dialogs are shown without blocking.
modal_dialogs = True


def _is_user_error(exc: BaseException) -> bool:
    """Whether the message already tells the user what is wrong and how to fix it: an error of
    the one root class for those (planner.errors.UserError), decided by type."""
    return isinstance(exc, UserError)


def describe(exc: BaseException) -> str:
    """One readable sentence for an exception (no traceback)."""
    name = type(exc).__name__
    text = str(exc).strip()
    if text and _is_user_error(exc):
        return text  # WorkspaceDamaged, BackupError, KindError ... say what to do already
    if isinstance(exc, PermissionError):
        return (f"Permission denied: {exc.filename or text}. Check that the file and folder "
                "are writable.")
    if isinstance(exc, FileNotFoundError):
        return f"File not found: {exc.filename or text}."
    if isinstance(exc, OSError) and "No space left" in text:
        return "The disk is full; nothing was written. Free some space and try again."
    # not one of ours: say so in words; the class name and traceback go to the details
    return (f"Something unexpected went wrong: {text}" if text
            else f"Something unexpected went wrong ({name}).")


def show_error(parent: QWidget | None, title: str, exc: BaseException, details: str = "", *,
               headline: str = "") -> None:
    """Show an error with a plain message and the technical details folded away. The window
    title stays short (a title bar cuts a long one); ``headline`` (what could not be done)
    opens the message instead."""
    message = f"{headline}\n\n{describe(exc)}" if headline else describe(exc)
    print(f"{headline or title}: {describe(exc)}", file=sys.stderr)
    if details:
        print(details, file=sys.stderr)
    if QApplication.instance() is None:
        return
    box = QMessageBox(QMessageBox.Icon.Critical, title, message,
                      parent=parent or _active_window())
    if not details and not _is_user_error(exc):
        details = f"{type(exc).__name__}: {exc}"  # for a bug report, out of the way
    if details:
        box.setDetailedText(details)
    box.setObjectName("error_dialog")
    from planner.ui.dialogs import fit_title

    fit_title(box)
    if modal_dialogs:
        box.exec()
    else:
        _open_boxes.append(box)  # keep it alive while it is on screen
        box.finished.connect(lambda _r, b=box: _open_boxes.remove(b) if b in _open_boxes else None)
        box.show()


_open_boxes: list[QMessageBox] = []


def _active_window() -> QWidget | None:
    app = QApplication.instance()
    return app.activeWindow() if isinstance(app, QApplication) else None


def install_excepthook() -> None:
    """Show uncaught exceptions on the GUI thread in a dialog as well as on stderr."""

    def hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, exc, tb)
            return
        details = "".join(traceback.format_exception(kind, exc, tb))
        show_error(None, "Something went wrong", exc, details)

    sys.excepthook = hook
