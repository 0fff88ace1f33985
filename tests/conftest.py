"""Shared fixtures: a fresh real workspace file per test, Qt offscreen."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("MPLBACKEND", "Agg")

import pytest  # noqa: E402

from planner.store import open_workspace  # noqa: E402


@pytest.fixture
def workspace_path(tmp_path):
    """Path of a new, empty workspace file."""
    path = tmp_path / "workspace.db"
    open_workspace(path).conn.close()
    return path


@pytest.fixture
def db(workspace_path):
    """An open connection to a new, empty workspace."""
    database = open_workspace(workspace_path)
    yield database
    database.conn.close()
