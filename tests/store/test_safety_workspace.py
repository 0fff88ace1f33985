"""Opening a workspace safely: damaged, foreign, newer and unwritable files are never harmed."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import stat
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import pytest

from planner.demo import write_demo
from planner.store import WorkspaceError, open_workspace
from planner.store.backup import create_backup, newest_good_backup
from planner.store.schema import SCHEMA_VERSION
from planner.store.workspace import (
    APPLICATION_ID,
    WorkspaceDamaged,
    WorkspaceTooNew,
    describe_environment_error,
    read_only_reason,
)

ROOT = Path(__file__).resolve().parents[2]


def demo_workspace(path: Path) -> Path:
    db = open_workspace(path)
    write_demo(db, skus=20, years=1, seed=3, as_of=dt.date(2025, 6, 2))
    db.conn.close()
    return path


def corrupt_middle(path: Path, pages: int = 6) -> None:
    """Overwrite a few pages in the middle of a closed database with garbage."""
    size = path.stat().st_size
    page = 4096
    start = (size // page // 2) * page
    with open(path, "r+b") as handle:
        handle.seek(start)
        handle.write(bytes(range(7, 256)) * (pages * page // 249))


def files_in(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}


def test_a_new_workspace_and_its_companions_are_private(tmp_path):
    path = tmp_path / "shop.db"
    db = open_workspace(path)
    db.execute("INSERT INTO products(sku) VALUES ('MUG')")
    for name in ("shop.db", "shop.db-wal", "shop.db-shm", "shop.db.lock"):
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o600, name
    backup = create_backup(db)
    assert stat.S_IMODE(backup.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(backup.path.parent.stat().st_mode) == 0o700
    db.conn.close()
    assert not (tmp_path / "shop.db.lock").exists()


def test_a_damaged_workspace_is_kept_and_the_newest_good_backup_is_named(tmp_path):
    path = demo_workspace(tmp_path / "shop.db")
    db = open_workspace(path)
    good = create_backup(db, reason="before import")
    db.conn.close()
    corrupt_middle(path)
    damaged = path.read_bytes()
    with pytest.raises(WorkspaceDamaged) as caught:
        open_workspace(path)
    message = str(caught.value)
    assert "left untouched" in message
    assert str(good.path) in message and "planner restore" in message
    assert caught.value.newest_backup == good.path
    assert path.read_bytes() == damaged
    assert not Path(f"{path}-wal").exists()


def test_a_damaged_backup_is_not_offered(tmp_path):
    path = demo_workspace(tmp_path / "shop.db")
    db = open_workspace(path)
    older = create_backup(db, reason="older")
    newer = create_backup(db, reason="newer")
    db.conn.close()
    with open(newer.path, "r+b") as handle:
        handle.seek(5000)
        handle.write(b"\x00garbage\x00" * 50)
    assert newest_good_backup(path).path == older.path


@pytest.mark.parametrize("content", [
    b"this is not a database at all" * 100,
    b"SQLite format 3\x00" + b"\xff" * 4000,
    b"",  # an empty file is a new workspace: set up, not refused
])
def test_a_foreign_file_is_refused_and_never_written(tmp_path, content):
    path = tmp_path / "notes.db"
    path.write_bytes(content)
    if not content:
        open_workspace(path).conn.close()
        return
    with pytest.raises(WorkspaceError, match="not a Planner workspace"):
        open_workspace(path)
    assert path.read_bytes() == content
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.db"]


def test_another_programs_sqlite_file_is_refused_untouched(tmp_path):
    path = tmp_path / "other.sqlite"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
    conn.execute("INSERT INTO notes(body) VALUES ('keep me')")
    conn.execute("PRAGMA user_version = 1")  # looks like schema 1: must not be mistaken for ours
    conn.commit()
    conn.close()
    before = path.read_bytes()
    for read_only in (False, True):
        with pytest.raises(WorkspaceDamaged, match="another program"):
            open_workspace(path, read_only=read_only)
    assert path.read_bytes() == before


def test_workspaces_are_marked_as_planner_files(workspace_path):
    conn = sqlite3.connect(workspace_path)
    assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    conn.close()


def test_a_newer_workspace_opens_read_only_with_a_message(tmp_path):
    path = demo_workspace(tmp_path / "shop.db")
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    before = path.read_bytes()
    with pytest.raises(WorkspaceTooNew, match="newer version") as caught:
        open_workspace(path)
    assert caught.value.read_only_possible
    db = open_workspace(path, read_only=True)
    assert "newer version" in read_only_reason(db)
    assert db["products"].count == 20
    with pytest.raises(sqlite3.OperationalError):
        db.execute("DELETE FROM products")
    db.conn.close()
    assert path.read_bytes() == before


def test_read_only_open_never_writes(tmp_path):
    path = demo_workspace(tmp_path / "shop.db")
    before = path.read_bytes()
    db = open_workspace(path, read_only=True)
    assert read_only_reason(db) == "shop.db is open read-only"
    with pytest.raises(sqlite3.OperationalError, match="readonly|read-only|query_only"):
        db.execute("INSERT INTO suppliers(supplier) VALUES ('X')")
    db.conn.close()
    assert path.read_bytes() == before
    assert not Path(f"{path}.lock").exists()


def test_a_workspace_that_cannot_be_set_up_is_not_left_half_made(tmp_path):
    folder = tmp_path / "not-a-folder"
    folder.write_text("a file where a folder should be")
    with pytest.raises(WorkspaceError, match="cannot create folder"):
        open_workspace(folder / "sub" / "shop.db")
    assert folder.read_text() == "a file where a folder should be"


def test_environment_failures_read_as_sentences():
    full = sqlite3.OperationalError("database or disk is full")
    assert "disk is full" in describe_environment_error(full)
    assert "locked" in describe_environment_error(sqlite3.OperationalError("database is locked"))
    assert "read-only" in describe_environment_error(OSError(30, "Read-only file system"))
    assert "permission denied" in describe_environment_error(PermissionError(13, "denied"))


# ---------------------------------------------------------------------------------------------
# A read-only folder. chmod does not stop root, so as root a child process gives up root
# (setuid to nobody) after importing Planner, then tries.

_PROBE = textwrap.dedent("""
    import json, os, sys
    from planner.store import open_workspace
    from planner.store.workspace import WorkspaceError, read_only_reason
    import sqlite_utils
    sqlite_utils.Database(memory=True)  # loads its plugins (files root can read) before dropping
    if len(sys.argv) > 2:
        os.setgroups([]); os.setgid(65534); os.setuid(65534)
    folder = sys.argv[1]
    out = {}
    for name in ("shop.db", "new.db"):
        try:
            open_workspace(os.path.join(folder, name)).conn.close()
            out[name] = "opened for writing"
        except WorkspaceError as exc:
            out[name] = f"{type(exc).__name__}: {exc} | read-only possible: {exc.read_only_possible}"
    db = open_workspace(os.path.join(folder, "shop.db"), read_only=True)
    out["read_only"] = [db["products"].count, read_only_reason(db)]
    print(json.dumps(out))
""")


def test_a_read_only_folder_gives_a_clear_error_and_writes_nothing():
    as_root = os.geteuid() == 0
    folder = Path(tempfile.mkdtemp(prefix="planner-ro-"))
    try:
        demo_workspace(folder / "shop.db")
        if as_root:
            for p in [folder, *folder.iterdir()]:
                os.chown(p, 65534, 65534)
        os.chmod(folder, 0o500)
        before = files_in(folder)
        if not as_root:
            probe = [sys.executable, "-c", _PROBE, str(folder)]
        else:
            probe = [sys.executable, "-c", _PROBE, str(folder), "drop-root"]
        done = subprocess.run(probe, capture_output=True, text=True, cwd=ROOT, timeout=120)
        if as_root and done.returncode != 0 and "Operation not permitted" in done.stderr:
            pytest.skip("running as root without the right to drop to user nobody")
        assert done.returncode == 0, done.stderr
        import json

        out = json.loads(done.stdout.strip().splitlines()[-1])
        assert out["shop.db"].startswith("WorkspaceReadOnly: cannot write in folder")
        assert "read-only possible: True" in out["shop.db"]
        assert out["new.db"].startswith("WorkspaceError: cannot create")
        assert "choose a folder you can write" in out["new.db"]
        assert out["read_only"][0] == 20
        assert files_in(folder) == before
    finally:
        os.chmod(folder, 0o700)
        for p in folder.iterdir():
            p.unlink()
        folder.rmdir()


# ---------------------------------------------------------------------------------------------
# A write that a crash interrupted (a hot rollback journal), a truncated file, a 0400 workspace

_KILLED_WRITER = textwrap.dedent("""
    import os, signal, sqlite3, sys
    conn = sqlite3.connect(sys.argv[1], isolation_level=None)
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.execute("PRAGMA foreign_keys = OFF")
    conn.execute("PRAGMA cache_size = 5")  # spill pages into the file before the commit
    conn.execute("BEGIN")
    conn.execute("DELETE FROM backorders")
    conn.executemany("INSERT INTO sales (date, sku, quantity, order_id) VALUES (?, ?, ?, ?)",
                     [("2025-01-02", "X", 1, f"KILLED-{i}") for i in range(30000)])
    os.kill(os.getpid(), signal.SIGKILL)
""")


def killed_mid_write(path: Path) -> None:
    """Leave ``path`` as a writer killed in the middle of a big transaction leaves it: a hot
    journal and a half-written file."""
    subprocess.run([sys.executable, "-c", _KILLED_WRITER, str(path)], timeout=120)
    assert Path(f"{path}-journal").stat().st_size > 0


def counts(path: Path) -> dict[str, int]:
    db = open_workspace(path, read_only=True)
    try:
        return {t: db[t].count for t in ("sales", "backorders", "products")}
    finally:
        db.conn.close()


def test_a_read_only_open_undoes_an_interrupted_write_first(tmp_path):
    path = demo_workspace(tmp_path / "shop.db")
    before = counts(path)
    killed_mid_write(path)
    db = open_workspace(path, read_only=True)
    assert {t: db[t].count for t in before} == before
    assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    db.conn.close()
    assert not Path(f"{path}-journal").exists()


def test_every_command_reads_a_workspace_killed_mid_write_as_it_was(tmp_path, capsys):
    from planner.cli import main

    path = demo_workspace(tmp_path / "shop.db")
    killed_mid_write(path)
    for argv in (["info"], ["plan", "--as-of", "2025-06-02"],
                 ["backorders", "--as-of", "2025-06-02"], ["forecast", "--as-of", "2025-06-02"],
                 ["backup"]):
        assert main([argv[0], str(path), *argv[1:]]) == 0, capsys.readouterr().err
    assert "backorders_rows: 0" not in capsys.readouterr().out


_DROPPED = textwrap.dedent("""
    import json, os, sys
    from planner.store import open_workspace, save_setting
    from planner.store.workspace import WorkspaceError
    import planner.store.backup, planner.store.queries, sqlite_utils
    sqlite_utils.Database(memory=True)  # loads its plugins (files root can read) before dropping
    if os.geteuid() == 0:
        os.setgroups([]); os.setgid(65534); os.setuid(65534)
    out = {}
    for step in sys.argv[1:]:
        what, path = step.split("=", 1)
        try:
            if what == "read":
                db = open_workspace(path, read_only=True)
                out[step] = f"ok {db['products'].count}"
                db.conn.close()
            elif what == "chmod600":
                os.chmod(path, 0o600)
                out[step] = "ok"
            else:
                db = open_workspace(path)
                save_setting(db, "company_name", "Nobody & Co")
                db.conn.close()
                out[step] = "ok"
        except WorkspaceError as exc:
            out[step] = f"{type(exc).__name__}: {exc}"
        except Exception as exc:
            out[step] = f"crash {type(exc).__name__}: {exc}"
    print(json.dumps(out))
""")


def as_nobody(*steps: str) -> dict[str, str]:
    """Run open steps in a child that is not root (drops to user nobody when we are root)."""
    import json

    done = subprocess.run([sys.executable, "-c", _DROPPED, *steps], capture_output=True,
                          text=True, cwd=ROOT, timeout=120)
    if os.geteuid() == 0 and done.returncode != 0 and "Operation not permitted" in done.stderr:
        pytest.skip("running as root without the right to drop to user nobody")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture
def shared_folder():
    """A folder user nobody can reach (pytest's own temporary folders are private to root)."""
    import shutil

    folder = Path(tempfile.mkdtemp(prefix="planner-perm-"))
    folder.chmod(0o755)
    yield folder
    for sub in [folder, *folder.rglob("*")]:
        if sub.is_dir():
            sub.chmod(0o755)
    shutil.rmtree(folder, ignore_errors=True)


def _give_to_nobody(*paths: Path) -> None:
    if os.geteuid() == 0:
        for p in paths:
            os.chown(p, 65534, 65534)


@pytest.mark.skipif(not hasattr(os, "geteuid"), reason="POSIX permissions")
def test_an_interrupted_write_that_cannot_be_undone_here_is_explained_not_called_damaged(
        shared_folder):
    tmp_path = shared_folder
    # the file is not writable for the user (someone else's, 0644), in a folder they may write
    shop = tmp_path / "theirs"
    shop.mkdir()
    killed_mid_write(demo_workspace(shop / "shop.db"))
    os.chmod(shop / "shop.db", 0o444)
    os.chmod(shop, 0o777)
    # the file is theirs, the folder is not writable for them
    folder = tmp_path / "fixed-folder"
    folder.mkdir()
    killed_mid_write(demo_workspace(folder / "shop.db"))
    _give_to_nobody(*[folder / n for n in os.listdir(folder) if not n.endswith("backups")])
    os.chmod(folder, 0o755)
    before = files_in(shop), None
    out = as_nobody(f"read={shop / 'shop.db'}", f"write={shop / 'shop.db'}",
                    f"read={folder / 'shop.db'}", f"write={folder / 'shop.db'}")
    for step, message in out.items():
        assert "or is damaged" not in message and not message.startswith("crash"), (step, message)
        assert message.startswith(("WorkspaceNeedsRecovery", "WorkspaceReadOnly")), message
    assert "holds a change that was interrupted" in out[f"read={shop / 'shop.db'}"]
    assert "read-only for you" in out[f"read={shop / 'shop.db'}"]
    assert "folder" in out[f"read={folder / 'shop.db'}"]
    assert "not writable" in out[f"read={folder / 'shop.db'}"]
    assert files_in(shop) == before[0]
    assert Path(f"{folder / 'shop.db'}-journal").exists()  # SQLite cannot finish without it
    os.chmod(folder, 0o777)
    assert as_nobody(f"read={folder / 'shop.db'}") == {f"read={folder / 'shop.db'}": "ok 20"}
    assert not Path(f"{folder / 'shop.db'}-journal").exists()


def test_a_truncated_workspace_is_called_damaged_by_every_command(tmp_path, capsys):
    from planner.cli import main

    path = demo_workspace(tmp_path / "shop.db")
    with open(path, "r+b") as handle:
        handle.truncate(path.stat().st_size // 2)
    for argv in (["info"], ["plan", "--as-of", "2025-06-02"],
                 ["backorders", "--as-of", "2025-06-02"], ["forecast", "--as-of", "2025-06-02"],
                 ["export-pdf", "--out", str(tmp_path / "pdf"), "--as-of", "2025-06-02"],
                 ["backup"], ["config"]):
        assert main([argv[0], str(path), *argv[1:]]) == 2, argv
        err = capsys.readouterr().err
        assert "is not a Planner workspace or is damaged" in err, (argv, err)
        assert "Traceback" not in err


@pytest.mark.skipif(not hasattr(os, "geteuid"), reason="POSIX permissions")
def test_a_reader_of_a_0400_workspace_leaves_nothing_that_blocks_a_later_writer(
        shared_folder):
    tmp_path = shared_folder / "shop"
    tmp_path.mkdir()
    path = demo_workspace(tmp_path / "shop.db")
    for suffix in ("-wal", "-shm"):
        assert not Path(f"{path}{suffix}").exists()
    _give_to_nobody(tmp_path, path)
    os.chmod(path, 0o400)
    tmp_path.chmod(0o777)
    out = as_nobody(f"read={path}", f"chmod600={path}", f"write={path}")
    assert list(out.values()) == ["ok 20", "ok", "ok"], out
    for suffix in ("-wal", "-shm"):
        companion = Path(f"{path}{suffix}")
        if companion.exists():
            assert companion.stat().st_mode & 0o200, oct(companion.stat().st_mode)
