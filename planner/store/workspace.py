"""Opening, creating and migrating a workspace file."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from pathlib import Path

from sqlite_utils import Database

from planner.store.schema import SCHEMA_VERSION, migrations


class WorkspaceError(Exception):
    """A workspace that cannot be opened, with a message that says how to fix it."""


def backup_to(db: Database, target: Path) -> Path:
    """Copy a live database with SQLite's backup API (never a file copy)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    dest = sqlite3.connect(str(target))
    try:
        db.conn.backup(dest)
    finally:
        dest.close()
    os.chmod(target, 0o600)
    return target


def schema_version(db: Database) -> int:
    return int(db.execute("PRAGMA user_version").fetchone()[0])


def open_workspace(path: str | os.PathLike[str], *, create: bool = True) -> Database:
    """Open (and create or migrate when needed) the workspace at ``path``.

    A workspace written by a newer Planner is refused; before migrating an existing workspace a
    backup copy is written next to it.
    """
    path = Path(path)
    exists = path.exists() and path.stat().st_size > 0
    if not exists and not create:
        raise WorkspaceError(f"{path}: no such workspace; create one with `planner demo {path}` "
                             "or import data into it with `planner import`")
    if path.is_dir():
        raise WorkspaceError(f"{path} is a folder; give the path of a workspace file, e.g. {path / 'planner.db'}")
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        conn = sqlite3.connect(str(path), timeout=10, isolation_level=None)
        if exists:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.DatabaseError as exc:
        raise WorkspaceError(f"{path} is not a Planner workspace ({exc}); it was left untouched") from None
    db = Database(conn)
    version = schema_version(db)
    if version > SCHEMA_VERSION:
        conn.close()
        raise WorkspaceError(
            f"{path} was written by a newer version of Planner (schema {version}, this one "
            f"understands up to {SCHEMA_VERSION}); upgrade Planner to open it")
    if exists and version == 0 and db.table_names() and "settings" not in db.table_names():
        conn.close()
        raise WorkspaceError(f"{path} is an SQLite file but not a Planner workspace; it was left untouched")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    if migrations.pending(db):
        if exists and version > 0:
            stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
            backup_to(db, path.with_name(f"{path.name}.v{version}-{stamp}.bak"))
        migrations.apply(db)
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    try:
        os.chmod(path, 0o600)
    except OSError:
        pass
    return db
