import sqlite3

import pytest

from planner.store import SettingError, WorkspaceError, load_settings, open_workspace, save_setting
from planner.store.schema import SCHEMA_VERSION


def test_new_workspace_has_spec_defaults(db):
    settings = load_settings(db)
    assert settings["service_level"] == 0.95
    assert settings["service_level_type"] == "cycle"
    assert settings["review_period_days"] == 7
    assert settings["horizon_days"] == 182
    assert settings["dock_to_stock_days"] == 2
    assert settings["hold_release_days"] == 7
    assert settings["cancel_rate_per_day"] == 0.02
    assert settings["promise_buffer_days"] == 3
    assert settings["currency"] == "USD"
    assert settings["company_name"] == ""


def test_settings_are_validated_and_kept(workspace_path):
    db = open_workspace(workspace_path)
    save_setting(db, "service_level", "0.98")
    with pytest.raises(SettingError, match="fill_rate"):
        save_setting(db, "service_level_type", "sometimes")
    db.conn.close()
    assert load_settings(open_workspace(workspace_path))["service_level"] == 0.98


@pytest.mark.parametrize("sql, params", [
    ("INSERT INTO products(sku, moq) VALUES (?, ?)", ["A", "lots"]),
    ("INSERT INTO sales(date, sku, quantity) VALUES (?, ?, ?)", ["2025-01-01", "A", -3]),
    ("INSERT INTO sales(date, sku, quantity) VALUES (?, ?, ?)", ["01/02/2025", "A", 3]),
    ("INSERT INTO inventory(sku, on_hand) VALUES (?, ?)", ["NOPE", 3]),
])
def test_bad_values_cannot_be_stored(db, sql, params):
    db.execute("INSERT INTO products(sku) VALUES ('A')")
    with pytest.raises(sqlite3.IntegrityError):
        db.execute(sql, params)


def test_workspace_from_a_newer_version_is_refused_untouched(workspace_path):
    conn = sqlite3.connect(workspace_path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    before = workspace_path.read_bytes()
    with pytest.raises(WorkspaceError, match="newer version"):
        open_workspace(workspace_path)
    assert workspace_path.read_bytes() == before


def test_foreign_file_is_refused(tmp_path):
    path = tmp_path / "notes.db"
    path.write_bytes(b"this is not a database at all" * 100)
    with pytest.raises(WorkspaceError, match="not a Planner workspace"):
        open_workspace(path)
    assert path.read_bytes() == b"this is not a database at all" * 100
