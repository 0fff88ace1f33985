"""Store fixtures: a small real demo workspace per test."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from planner.demo import write_demo
from planner.store import open_workspace


@pytest.fixture
def demo_path(tmp_path) -> Path:
    """A 20-SKU, one-year demo workspace as of 2 June 2025, in this test's folder."""
    path = tmp_path / "shop.db"
    db = open_workspace(path)
    write_demo(db, skus=20, years=1, seed=3, as_of=dt.date(2025, 6, 2))
    db.conn.close()
    return path
