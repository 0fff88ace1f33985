"""Data safety, round two (issue 18): what an adversarial test of the landed app broke."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from planner.demo import write_demo
from planner.store import open_workspace
from planner.store.backup import BackupError, create_backup, read_backup_info, verify_backup


@pytest.fixture
def demo_path(tmp_path) -> Path:
    path = tmp_path / "shop.db"
    db = open_workspace(path)
    write_demo(db, skus=20, years=1, seed=3, as_of=dt.date(2025, 6, 2))
    db.conn.close()
    return path


# ---------------------------------------------------------------------------------------------
# 1. A backup never replaces a file the user did not name

def test_backup_to_plan_db_leaves_the_users_plan_json_alone(demo_path, tmp_path):
    plan_json = tmp_path / "plan.json"
    plan_json.write_text('{"mine": true}')
    db = open_workspace(demo_path, read_only=True)
    info = create_backup(db, to=tmp_path / "plan.db")
    assert plan_json.read_text() == '{"mine": true}'
    assert verify_backup(info.path) is None
    assert read_backup_info(info.path).sha256  # its note is found under the free name
    note = json.loads((tmp_path / "plan.db.note.json").read_text())
    assert note["reason"] == "manual"
    # both note names taken: refused, nothing written, nothing replaced
    (tmp_path / "other.json").write_text("a")
    (tmp_path / "other.db.note.json").write_text("b")
    with pytest.raises(BackupError, match="never replaces a file"):
        create_backup(db, to=tmp_path / "other.db")
    db.conn.close()
    assert not (tmp_path / "other.db").exists()
    assert (tmp_path / "other.json").read_text() == "a"
    assert sorted(p.name for p in tmp_path.iterdir() if "partial" in p.name) == []
