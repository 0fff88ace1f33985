"""Backups in the app: back up now, on a schedule while a workspace is open, restore (undoable)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QInputDialog, QMessageBox, QWidget

from planner.ui import dialogs
from planner.ui.operations import Operation

#: How often the open workspace is checked for a scheduled backup, and the backup's period.
CHECK_EVERY_MS = 5 * 60 * 1000
BACKUP_EVERY_MINUTES = 60


def _reader(path: Path) -> Any:
    from planner.store import open_workspace

    return open_workspace(path, read_only=True, check=False)


class BackupController(QObject):
    """Owns the backup timer and the File menu's backup and restore commands."""

    def __init__(self, window: QWidget, session: Any) -> None:
        super().__init__(window)
        self.window = window
        self.session = session
        self.timer = QTimer(self)
        self.timer.setInterval(CHECK_EVERY_MS)
        self.timer.timeout.connect(self.backup_if_due)
        self.timer.start()

    def _path(self) -> Path | None:
        return None if self.session.db is None else Path(self.session.path)

    def backup_if_due(self) -> None:
        """The scheduled backup, on a worker: only when the workspace changed since the last."""
        path = self._path()
        if path is None:
            return
        from planner.store.backup import backup_if_due

        def work(_progress: Any) -> Any:
            db = _reader(path)
            try:
                return backup_if_due(db, every_minutes=BACKUP_EVERY_MINUTES)
            finally:
                db.conn.close()

        self.session.tasks.run(Operation(title="Scheduled backup", work=work, progress="none",
                                         cancellable=False, on_failure=lambda *_: None))

    def backup_now(self) -> None:
        path = self._path()
        if path is None:
            return
        from planner.store.backup import create_backup

        def work(progress: Any) -> Any:
            progress(0.1, "copying the workspace")
            db = _reader(path)
            try:
                return create_backup(db)
            finally:
                db.conn.close()

        def done(info: Any) -> None:
            QMessageBox.information(self.window, "Backup written",
                                    f"A checked copy of {path.name} was written to\n{info.path}")

        self.session.tasks.run(Operation(title=f"Backing up {path.name}", work=work,
                                         on_success=done, cancellable=False))

    def choose_and_restore(self) -> None:
        """Pick a backup, restore it (the current state is backed up first) and reopen."""
        path = self._path()
        if path is None:
            return
        from planner.store.backup import list_backups, restore

        backups = list_backups(path)
        if not backups:
            QMessageBox.information(self.window, "No backups",
                                    f"{path.name} has no backups yet. Use File ▸ Back up now.")
            return
        labels = [f"{b.created:%Y-%m-%d %H:%M}  ·  {b.reason}  ·  {b.size_bytes / 1e6:.1f} MB"
                  for b in backups]
        label, ok = QInputDialog.getItem(self.window, "Restore a backup",
                                         "Replace the workspace with this backup:", labels, 0,
                                         False)
        if not ok:
            return
        chosen = backups[labels.index(label)]
        self.session.close()
        try:
            result = restore(path, chosen.path)
        except Exception:
            self.window.open_workspace(path)
            raise
        self.window.open_workspace(path)
        undo = (f"\n\nThe workspace as it was is kept as {result.undo_backup.name}; restore it "
                "the same way to undo." if result.undo_backup else "")
        QMessageBox.information(self.window, "Backup restored",
                                f"{path.name} now holds the backup from "
                                f"{chosen.created:%Y-%m-%d %H:%M}.{undo}")


def offer_read_only(parent: QWidget | None, exc: BaseException) -> bool:
    """Ask once whether to open read-only a workspace that cannot be written (open elsewhere,
    or written by a newer Planner); the reason says what is wrong, the buttons what to do."""
    return dialogs.ask(parent, "Open read-only?",
                       f"{str(exc).rstrip('.')}.\n\nRead-only, you can look at the plan and export PDFs; "
                       "changes wait until the workspace is free.", yes="Open read-only")
