"""Where the app keeps things: the default workspace and the remembered window state."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QSettings

APP_NAME = "Planner"
#: Set to use another folder for the default workspace (tests, portable installs).
DATA_DIR_ENV = "PLANNER_DATA_DIR"
MAX_RECENT = 8


def data_dir() -> Path:
    """The user's data folder for Planner (platformdirs), or $PLANNER_DATA_DIR."""
    override = os.environ.get(DATA_DIR_ENV)
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def cache_dir() -> Path:
    """Where the app keeps copies it can recompute (the last plan of each workspace)."""
    override = os.environ.get(DATA_DIR_ENV)
    if override:
        return Path(override) / "cache"
    import platformdirs

    return Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False))


def default_workspace_path() -> Path:
    """The workspace a new user starts with when no path is given."""
    return data_dir() / "workspace.db"


def demo_workspace_path() -> Path:
    """The demo brand's own workspace (`planner gui --demo`): never the user's real one, so
    their imports do not mix with made-up data."""
    return data_dir() / "demo.db"


def documents_dir() -> Path:
    """Where file dialogs start: the user's Documents folder (never the hidden data folder)."""
    import platformdirs

    folder = Path(platformdirs.user_documents_dir())
    return folder if folder.is_dir() else Path.home()


def app_settings() -> QSettings:
    """The app's own preferences (window layout, recent workspaces), not the workspace's."""
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, APP_NAME, APP_NAME)


def recent_workspaces() -> list[str]:
    """Recently opened workspace files that still exist, newest first."""
    value = app_settings().value("recent_workspaces", [])
    if isinstance(value, str):
        value = [value]
    return [p for p in (value or []) if Path(p).exists()]


def remember_workspace(path: str | os.PathLike[str]) -> None:
    """Put a workspace at the top of the recent list and make it the one opened next time."""
    text = str(Path(path).resolve())
    recent = [text] + [p for p in recent_workspaces() if p != text]
    settings = app_settings()
    settings.setValue("recent_workspaces", recent[:MAX_RECENT])
    settings.setValue("last_workspace", text)


def last_workspace() -> Path | None:
    """The workspace open when the app last closed, if it still exists."""
    value = app_settings().value("last_workspace")
    if value and Path(str(value)).exists():
        return Path(str(value))
    return None


def open_folder(folder: str | Path) -> bool:
    """Show a folder in the system's file manager; False when there is none to ask."""
    from PySide6.QtCore import QUrl
    from PySide6.QtGui import QDesktopServices

    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))
