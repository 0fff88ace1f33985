"""The workspace: one SQLite file of a business's planning data and settings."""

from planner.store.settings import SETTINGS, SettingError, load_settings, save_setting
from planner.store.workspace import WorkspaceError, open_workspace

__all__ = ["SETTINGS", "SettingError", "WorkspaceError", "load_settings", "open_workspace",
           "save_setting"]
