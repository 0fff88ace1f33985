"""Backups: checked copies that restore every row exactly, a rotation that keeps what it says,
restores that can be undone, and `planner backup` / `planner restore`."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from planner.cli import CliError
from planner.cli_safety import register
from planner.store import open_workspace
from planner.store.backup import (
    BackupError,
    BackupInfo,
    RotationPolicy,
    backup_folder,
    backup_if_due,
    before_write,
    create_backup,
    list_backups,
    plan_rotation,
    restore,
    rotate_backups,
    verify_backup,
)
from planner.store.schema import SCHEMA_VERSION
from planner.store.workspace import WorkspaceLocked

ROOT = Path(__file__).resolve().parents[2]


def snapshot(path: Path) -> dict[str, list[tuple]]:
    """Every row of every table, in a stable order."""
    import sqlite3

    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        return {t: sorted(conn.execute(f'SELECT * FROM "{t}"').fetchall(), key=repr)
                for t in tables}
    finally:
        conn.close()


def scribble(db) -> None:
    """Changes a user might regret: deleted sales, a changed setting, a new product."""
    db.execute("DELETE FROM sales WHERE id % 3 = 0")
    db.execute("UPDATE settings SET value = '0.5' WHERE key = 'service_level'")
    db.execute("INSERT INTO products(sku, name) VALUES ('NEW-1', 'Regretted')")


def test_a_backup_restores_every_row_of_every_table_exactly(demo_path):
    before = snapshot(demo_path)
    assert sum(len(rows) for rows in before.values()) > 5_000  # a real demo: thousands of rows in many tables
    db = open_workspace(demo_path)
    backup = create_backup(db, reason="test")
    assert snapshot(backup.path) == before
    scribble(db)
    changed = snapshot(demo_path)
    assert changed != before

    result = restore(demo_path, backup.path)
    assert snapshot(demo_path) == before
    assert db.execute("SELECT count(*) FROM products WHERE sku = 'NEW-1'").fetchone()[0] == 0

    undo = restore(demo_path, result.undo_backup)  # the restore itself can be undone
    assert snapshot(demo_path) == changed
    assert undo.undo_backup is not None
    db.conn.close()
    reopened = open_workspace(demo_path)
    assert reopened["products"].count == 21
    reopened.conn.close()


def test_a_backup_is_a_single_checked_file_with_a_note(demo_path):
    db = open_workspace(demo_path)
    backup = create_backup(db, reason="before import sales.csv")
    db.conn.close()
    assert backup.path.parent == backup_folder(demo_path)
    assert sorted(p.name for p in backup.path.parent.iterdir()) == [
        backup.path.name, backup.path.with_suffix(".json").name]
    note = json.loads(backup.path.with_suffix(".json").read_text())
    assert note["reason"] == "before import sales.csv" and note["schema_version"] == SCHEMA_VERSION
    assert verify_backup(backup.path) is None
    assert [b.path for b in list_backups(demo_path)] == [backup.path]


def test_a_changed_backup_file_is_caught(demo_path):
    db = open_workspace(demo_path)
    backup = create_backup(db)
    db.conn.close()
    data = bytearray(backup.path.read_bytes())
    data[-100] ^= 0xFF  # one flipped byte in the last page
    backup.path.write_bytes(bytes(data))
    assert "checksum" in verify_backup(backup.path)
    with pytest.raises(BackupError, match="cannot be restored"):
        restore(demo_path, backup.path)


def test_before_write_backs_up_only_when_needed(tmp_path, demo_path):
    empty = open_workspace(tmp_path / "empty.db")
    assert before_write(empty, reason="import") is None  # nothing to protect yet
    empty.conn.close()

    db = open_workspace(demo_path)
    first = before_write(db, reason="import sales.csv")
    assert first is not None and first.reason == "import sales.csv"
    assert before_write(db, reason="import again") is None  # same content, minutes ago
    db.execute("INSERT INTO products(sku) VALUES ('ONE-MORE')")
    second = before_write(db, reason="import po.csv")
    assert second is not None and second.path != first.path
    assert before_write(db, reason="x", within_minutes=0) is not None
    db.conn.close()


def test_the_scheduled_backup_runs_when_due_and_the_workspace_changed(demo_path):
    db = open_workspace(demo_path)
    first = backup_if_due(db, every_minutes=60)
    assert first is not None and first.reason == "scheduled"
    assert backup_if_due(db, every_minutes=60) is None  # not due yet
    assert backup_if_due(db, every_minutes=0) is None  # due, but nothing changed
    db.execute("UPDATE products SET name = 'Renamed' WHERE rowid = 1")
    assert backup_if_due(db, every_minutes=0) is not None
    db.conn.close()


def test_restore_of_a_damaged_workspace_keeps_the_damaged_file(demo_path):
    db = open_workspace(demo_path)
    backup = create_backup(db)
    db.conn.close()
    good = snapshot(demo_path)
    demo_path.write_bytes(b"SQLite format 3\x00" + b"\x13" * 50_000)
    result = restore(demo_path)  # the newest good backup
    assert result.restored_from.path == backup.path
    assert result.moved_aside.read_bytes() == b"SQLite format 3\x00" + b"\x13" * 50_000
    assert snapshot(demo_path) == good
    open_workspace(demo_path).conn.close()


_HOLDER = textwrap.dedent("""
    import sys, time
    from planner.store import open_workspace
    db = open_workspace(sys.argv[1])
    print("holding", flush=True)
    time.sleep(60)
""")


def test_restore_waits_for_the_other_writer_to_close(demo_path):
    db = open_workspace(demo_path)
    backup = create_backup(db)
    db.conn.close()
    child = subprocess.Popen([sys.executable, "-c", _HOLDER, str(demo_path)], cwd=ROOT,
                             stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "holding"
        before = demo_path.read_bytes()
        with pytest.raises(WorkspaceLocked, match="close it there first"):
            restore(demo_path, backup.path)
        assert demo_path.read_bytes() == before
    finally:
        child.terminate()
        child.wait()


_FULL_DISK = textwrap.dedent("""
    import resource, signal, sys
    from planner.store import open_workspace
    from planner.store.backup import BackupError, create_backup
    db = open_workspace(sys.argv[1])
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (200_000, resource.RLIM_INFINITY))
    try:
        create_backup(db)
        print("written")
    except BackupError as exc:
        print(exc)
""")


def test_a_backup_that_does_not_fit_on_the_disk_leaves_nothing_behind(demo_path):
    """RLIMIT_FSIZE makes every write past 200 kB fail as a full disk would (EFBIG)."""
    done = subprocess.run([sys.executable, "-c", _FULL_DISK, str(demo_path)], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    assert done.stdout.startswith("cannot write a backup of"), done.stdout + done.stderr
    assert "nothing was changed" in done.stdout
    assert list(backup_folder(demo_path).iterdir()) == []


# ---------------------------------------------------------------------------------------------
# Rotation

def fake_backups(now: dt.datetime, days: int, per_day: int) -> list[BackupInfo]:
    out = []
    for day in range(days):
        for k in range(per_day):
            created = now - dt.timedelta(days=day, hours=3 * k)
            out.append(BackupInfo(Path(f"{created:%Y%m%d-%H%M%S}.db"), created, "import", 1))
    return out


def test_rotation_keeps_recent_daily_weekly_and_every_manual_backup():
    now = dt.datetime(2025, 6, 2, 22, 0)
    backups = fake_backups(now, days=120, per_day=3)
    manual = BackupInfo(Path("manual.db"), now - dt.timedelta(days=400), "manual", 1)
    policy = RotationPolicy(keep_recent=5, keep_daily=7, keep_weekly=4)
    kept = plan_rotation([*backups, manual], policy)
    kept_paths = {b.path for b in kept}

    newest_first = sorted(backups, key=lambda b: b.created, reverse=True)
    assert {b.path for b in newest_first[:5]} <= kept_paths
    days = sorted({b.created.date() for b in backups}, reverse=True)[:7]
    for day in days:
        newest_of_day = max((b for b in backups if b.created.date() == day),
                            key=lambda b: b.created)
        assert newest_of_day.path in kept_paths
    weeks = sorted({b.created.isocalendar()[:2] for b in backups}, reverse=True)[:4]
    for week in weeks:
        newest_of_week = max((b for b in backups if b.created.isocalendar()[:2] == week),
                             key=lambda b: b.created)
        assert newest_of_week.path in kept_paths
    assert manual.path in kept_paths
    # ... and nothing else: 5 recent + 7 days (the first 2 already among the recent) + up to
    # 4 weeks (the newest week's newest is today's) + the manual one.
    promised = ({b.path for b in newest_first[:5]}
                | {max((b for b in backups if b.created.date() == d), key=lambda b: b.created).path
                   for d in days}
                | {max((b for b in backups if b.created.isocalendar()[:2] == w),
                       key=lambda b: b.created).path for w in weeks}
                | {manual.path})
    assert kept_paths == promised
    assert len(kept) < 20


#: a fixed moment to date backups from (rotation groups them by day and week, whatever today is)
NOON = dt.datetime(2026, 3, 4, 12, 0)


def test_rotation_removes_files_it_does_not_keep(demo_path):
    db = open_workspace(demo_path)
    made = [create_backup(db, reason="import", policy=None) for _ in range(6)]
    manual = create_backup(db, reason="manual", policy=None)
    db.conn.close()
    # Spread the automatic ones over six days, newest first.
    for age_days, backup in enumerate(reversed(made)):
        note_path = backup.path.with_suffix(".json")
        note = json.loads(note_path.read_text())
        note["created"] = (NOON - dt.timedelta(days=age_days)).isoformat()
        note_path.write_text(json.dumps(note))
    removed = rotate_backups(demo_path, RotationPolicy(keep_recent=2, keep_daily=3,
                                                       keep_weekly=0))
    left = {b.path for b in list_backups(demo_path)}
    assert left == {made[-1].path, made[-2].path, made[-3].path, manual.path}
    assert set(removed) == {b.path for b in made[:3]}
    assert not any(p.with_suffix(".json").exists() for p in removed)


# ---------------------------------------------------------------------------------------------
# Command line

def run_cli(*argv: str) -> int:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command")
    handlers = register(sub)
    args = parser.parse_args(argv)
    return handlers[args.command](args)


def test_cli_backup_list_restore_and_undo(demo_path, tmp_path, capsys):
    original = snapshot(demo_path)
    assert run_cli("backup", str(demo_path)) == 0
    assert "backup written to" in capsys.readouterr().out
    copy = tmp_path / "elsewhere" / "copy.db"
    copy.parent.mkdir()
    assert run_cli("backup", str(demo_path), "--to", str(copy)) == 0
    assert snapshot(copy) == original
    capsys.readouterr()
    with pytest.raises(CliError, match="already exists"):
        run_cli("backup", str(demo_path), "--to", str(copy))

    db = open_workspace(demo_path)
    scribble(db)
    db.conn.close()
    changed = snapshot(demo_path)

    run_cli("restore", str(demo_path), "--list")
    listing = capsys.readouterr().out.splitlines()
    assert len(listing) == 1 and "manual" in listing[0]
    assert run_cli("restore", str(demo_path), "1") == 0
    out = capsys.readouterr().out
    assert snapshot(demo_path) == original
    undo_command = out.split("undo with `")[1].split("`")[0].split()
    assert undo_command[:2] == ["planner", "restore"]
    assert run_cli(*undo_command[1:]) == 0
    assert snapshot(demo_path) == changed
    with pytest.raises(CliError, match="no backup number 9"):
        run_cli("restore", str(demo_path), "9")


@pytest.mark.parametrize("name", ["ws.db-journal", "ws.db-wal", "ws.db.restoring", "x.lock",
                                  "copy.db.partial"])
def test_a_backup_is_never_written_under_a_working_file_name(demo_path, name):
    """Issue 26, item 20: `backup --to ws.db-journal` said "backup written … checked" and the
    next command deleted (or replayed) it. Such a name is refused, and nothing is written."""
    from planner.store.backup import BackupError, create_backup

    target = demo_path.parent / name
    db = open_workspace(demo_path, create=False, read_only=True)
    try:
        with pytest.raises(BackupError, match="working files"):
            create_backup(db, to=target)
    finally:
        db.conn.close()
    assert not target.exists()
    assert not list(demo_path.parent.glob(name + "*"))
