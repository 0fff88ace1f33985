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
    tip: str = ""
    #: actions that need an open workspace are disabled without one
    needs_workspace: bool = False


ACTIONS: list[ActionSpec] = [
    ActionSpec("new_workspace", "&New workspace…", "on_new_workspace",
               (QKeySequence.StandardKey.New,), "Create an empty workspace file"),
    ActionSpec("open_workspace", "&Open workspace…", "on_open_workspace",
               (QKeySequence.StandardKey.Open,), "Open a workspace file"),
    ActionSpec("open_demo", "Open &demo workspace", "on_open_demo", (),
               "A realistic demo business to try the planner on"),
    ActionSpec("import_files", "&Import files…", "on_import_files", ("Ctrl+I",),
               "Import CSV or Excel files", needs_workspace=True),
    ActionSpec("export_pdf", "&Export purchase-plan PDFs…", "on_export_pdf", ("Ctrl+E",),
               "One PDF per supplier plus the internal plan report", needs_workspace=True),
    ActionSpec("settings", "Se&ttings…", "on_settings",
               (QKeySequence.StandardKey.Preferences, "Ctrl+,"),
               "Service level, horizon, company details for PDFs", needs_workspace=True),
    ActionSpec("backup_now", "&Back up now", "on_backup_now", (),
               "Write a checked copy of the workspace to its backup folder",
               needs_workspace=True),
    ActionSpec("restore_backup", "&Restore a backup…", "on_restore_backup", (),
               "Replace the workspace with a backup (the current state is kept, so it can be "
               "undone)", needs_workspace=True),
    ActionSpec("quit", "&Quit", "on_quit", (QKeySequence.StandardKey.Quit, "Ctrl+Q")),
    ActionSpec("replan", "&Replan", "on_replan", ("F5", "Ctrl+R"),
               "Recompute forecasts, the backorder queue and purchase suggestions",
               needs_workspace=True),
    ActionSpec("find", "&Find product…", "on_find", (QKeySequence.StandardKey.Find,),
               "Search products by SKU, name or supplier", needs_workspace=True),
    ActionSpec("user_guide", "&User guide", "on_user_guide",
               (QKeySequence.StandardKey.HelpContents, "F1")),
    ActionSpec("about", "&About Planner", "on_about", ()),
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
