"""The main window's actions and shortcuts, declared as data."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget


@dataclass(frozen=True)
class ActionSpec:
    id: str
    text: str
    #: name of the main window's method called when triggered
    callback: str
    shortcuts: tuple[str | QKeySequence.StandardKey, ...] = ()
    menu: str = ""
    tip: str = ""
    #: actions that need an open workspace are disabled without one
    needs_workspace: bool = False


ACTIONS: list[ActionSpec] = [
    ActionSpec("new_workspace", "&New workspace…", "on_new_workspace",
               (QKeySequence.StandardKey.New,), "file", "Create an empty workspace file"),
    ActionSpec("open_workspace", "&Open workspace…", "on_open_workspace",
               (QKeySequence.StandardKey.Open,), "file", "Open a workspace file"),
    ActionSpec("open_demo", "Open &demo workspace", "on_open_demo", (), "file",
               "A realistic demo business to try the planner on"),
    ActionSpec("import_files", "&Import files…", "on_import_files", ("Ctrl+I",), "file",
               "Import CSV or Excel files", needs_workspace=True),
    ActionSpec("export_pdf", "&Export purchase-plan PDFs…", "on_export_pdf", ("Ctrl+E",), "file",
               "One PDF per supplier plus the internal plan report", needs_workspace=True),
    ActionSpec("settings", "Se&ttings…", "on_settings",
               (QKeySequence.StandardKey.Preferences, "Ctrl+,"), "file",
               "Service level, horizon, company details for PDFs", needs_workspace=True),
    ActionSpec("backup_now", "&Back up now", "on_backup_now", (), "file",
               "Write a checked copy of the workspace to its backup folder",
               needs_workspace=True),
    ActionSpec("restore_backup", "&Restore a backup…", "on_restore_backup", (), "file",
               "Replace the workspace with a backup (the current state is kept, so it can be "
               "undone)", needs_workspace=True),
    ActionSpec("quit", "&Quit", "on_quit", (QKeySequence.StandardKey.Quit, "Ctrl+Q"), "file"),
    ActionSpec("replan", "&Replan", "on_replan", ("F5", "Ctrl+R"), "plan",
               "Recompute forecasts, the backorder queue and purchase suggestions",
               needs_workspace=True),
    ActionSpec("find", "&Find product…", "on_find", (QKeySequence.StandardKey.Find,), "plan",
               "Search products by SKU, name or supplier", needs_workspace=True),
    ActionSpec("user_guide", "&User guide", "on_user_guide",
               (QKeySequence.StandardKey.HelpContents, "F1"), "help"),
    ActionSpec("about", "&About Planner", "on_about", (), "help"),
]


def build_actions(window: QWidget) -> dict[str, QAction]:
    """QActions for every spec, connected to the window's methods."""
    actions: dict[str, QAction] = {}
    for spec in ACTIONS:
        action = QAction(spec.text, window)
        action.setObjectName(f"action_{spec.id}")
        keys: list[QKeySequence] = []
        for shortcut in spec.shortcuts:
            if isinstance(shortcut, str):
                keys.append(QKeySequence(shortcut))
            else:
                keys.extend(QKeySequence.keyBindings(shortcut))
        unique = []
        for key in keys:
            if not key.isEmpty() and key not in unique:
                unique.append(key)
        action.setShortcuts(unique)
        if spec.tip:
            action.setStatusTip(spec.tip)
            action.setToolTip(spec.tip)
        action.setProperty("needs_workspace", spec.needs_workspace)
        action.triggered.connect(getattr(window, spec.callback))
        actions[spec.id] = action
    return actions
