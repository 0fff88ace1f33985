"""The desktop app (PySide6): main window, views, table models, background workers."""
