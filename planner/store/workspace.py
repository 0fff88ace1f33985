"""Opening, creating and migrating a workspace file, safely.

On open: a file that is not a Planner workspace, or a damaged one, is never written to (the
error says so and names the newest good backup); a workspace from a newer Planner is refused
for writing and can be opened read-only; a writer takes the workspace's lock (one writer per
workspace, see lock.py); a verified backup is written before every migration; environment
failures (disk full, read-only folder, permission denied, locked file) become a WorkspaceError
that says what to do, and a workspace that could not be created completely is removed again.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sqlite3
import urllib.parse
import weakref
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from planner.errors import UserError
from planner.store import lock as locking
from planner.store.schema import SCHEMA_VERSION, migrations

#: PRAGMA application_id of Planner workspaces ("PLNR").
APPLICATION_ID = 0x504C4E52
_SQLITE_MAGIC = b"SQLite format 3\x00"
_COMPANION_SUFFIXES = ("-wal", "-shm", "-journal")
_BUSY_TIMEOUT_S = 10
_SQLITE_READONLY_ROLLBACK = 776  # (SQLITE_READONLY | 3 << 8): a hot journal on a read-only open


class WorkspaceError(UserError):
    """A workspace that cannot be opened, with a message that says how to fix it."""

    #: Whether opening the same workspace with ``read_only=True`` would work.
    read_only_possible = False


class WorkspaceLocked(WorkspaceError):
    """Another process writes this workspace; it can be opened read-only."""

    read_only_possible = True

    def __init__(self, message: str, holder: locking.LockHolder | None = None):
        super().__init__(message)
        self.holder = holder


class WorkspaceTooNew(WorkspaceError):
    """Written by a newer Planner: refused for writing, readable with ``read_only=True``."""

    read_only_possible = True


class WorkspaceReadOnly(WorkspaceError):
    """The file or its folder cannot be written by this user; it can be opened read-only."""

    read_only_possible = True


class WorkspaceNeedsRecovery(WorkspaceError):
    """A write that a crash interrupted must be undone before the workspace can be read, and
    the file or its folder cannot be written here: neither reading nor writing works until then."""


class WorkspaceDamaged(WorkspaceError):
    """A damaged or foreign file, left untouched; ``newest_backup`` is the newest good backup."""

    def __init__(self, message: str, newest_backup: Path | None = None):
        super().__init__(message)
        self.newest_backup = newest_backup


class WorkspaceConnection(sqlite3.Connection):
    """A workspace's connection: knows its file, whether it is read-only, and its lock."""

    workspace_path: Path | None = None
    read_only_reason: str | None = None
    #: Who held the lock left behind when this writer opened (a Planner that crashed), if any.
    stale_lock: locking.LockHolder | None = None
    _release_lock: Callable[[], None] | None = None

    def close(self) -> None:
        try:
            super().close()
        finally:
            if self._release_lock is not None:
                self._release_lock()


# ---------------------------------------------------------------------------------------------
# Small public helpers

def schema_version(db: Database) -> int:
    """The workspace's schema version (PRAGMA user_version)."""
    return int(db.execute("PRAGMA user_version").fetchone()[0])


def workspace_file(db: Database) -> Path | None:
    """The file behind ``db``'s main database; None for an in-memory database."""
    path = getattr(db.conn, "workspace_path", None)
    if path is not None:
        return Path(path)
    for _seq, name, file in db.execute("PRAGMA database_list").fetchall():
        if name == "main":
            return Path(file) if file else None
    return None


def stale_lock(db: Database) -> locking.LockHolder | None:
    """The holder of a lock left behind by a Planner that did not close (crashed), which this
    writer cleared on opening; None normally. The workspace passed its integrity check."""
    return getattr(db.conn, "stale_lock", None)


def read_only_reason(db: Database) -> str | None:
    """Why ``db`` was opened read-only (a sentence for the user), or None when writable."""
    return getattr(db.conn, "read_only_reason", None)


def file_fingerprint(path: str | os.PathLike[str]) -> tuple[Any, ...]:
    """Sizes, modification times and WAL salts of a database file and its WAL: changes with
    every committed write, so equal fingerprints mean unchanged content."""
    parts: list[object] = []
    for suffix in ("", "-wal"):
        target = f"{os.fspath(path)}{suffix}"
        try:
            info = os.stat(target)
        except FileNotFoundError:
            parts.append(None)
            continue
        salts = b""
        if suffix and info.st_size >= 32:
            with open(target, "rb") as handle:
                salts = handle.read(32)[16:24]
        parts.append((info.st_size, info.st_mtime_ns, info.st_ino, salts))
    return tuple(parts)


def describe_environment_error(exc: BaseException) -> str:
    """A short sentence for an OS or SQLite failure: disk full, read-only, locked, no access."""
    text = str(exc).lower()
    code = getattr(exc, "errno", None)
    sqlite_code = getattr(exc, "sqlite_errorcode", None)
    if code in (errno.ENOSPC, getattr(errno, "EDQUOT", -1)) or "disk is full" in text \
            or sqlite_code == sqlite3.SQLITE_FULL:
        return "the disk is full (or the workspace reached its size limit); free some space"
    if code == errno.EROFS or "readonly" in text or "read-only" in text:
        return "the file or its folder is read-only"
    if code in (errno.EACCES, errno.EPERM) or sqlite_code == sqlite3.SQLITE_PERM:
        return "permission denied"
    if "locked" in text or "busy" in text or sqlite_code in (sqlite3.SQLITE_BUSY,
                                                              sqlite3.SQLITE_LOCKED):
        return "another program is writing it (the file is locked); try again when it is done"
    if "unable to open" in text or code == errno.ENOENT:
        return "the file cannot be opened (missing folder, or no permission to write there)"
    if "i/o" in text or code == errno.EIO:
        return "the disk reported an input/output error"
    return str(exc)


@contextlib.contextmanager
def environment_errors(path: str | os.PathLike[str], doing: str) -> Iterator[None]:
    """Turn OS and SQLite failures inside the block into a WorkspaceError naming ``doing``."""
    try:
        yield
    except WorkspaceError:
        raise
    except (sqlite3.OperationalError, OSError) as exc:
        raise WorkspaceError(f"cannot {doing} {path}: {describe_environment_error(exc)}; "
                             "nothing was changed") from exc


# ---------------------------------------------------------------------------------------------
# Opening

def open_workspace(path: str | os.PathLike[str], *, create: bool = True, read_only: bool = False,
                   lock: bool = True, check: bool = True) -> Database:
    """Open (and create or migrate when needed) the workspace at ``path``.

    ``read_only=True`` opens an existing workspace for reading only (even one written by a newer
    Planner or open for writing elsewhere); ``read_only_reason(db)`` then says why. A writer takes
    the workspace's lock (``lock=False`` skips it) and gets WorkspaceLocked when another process
    holds it. ``check`` runs PRAGMA quick_check once per process and file.
    """
    path = Path(path)
    # -- issue 18 item 10 (backup.py): a restore a kill interrupted is finished or undone first
    from planner.store.backup import finish_interrupted_restore

    finish_interrupted_restore(path)
    # --
    if path.is_dir():
        raise WorkspaceError(f"{path} is a folder; give the path of a workspace file, "
                             f"e.g. {path / 'planner.db'}")
    if read_only:
        return _open_read_only(path, check=check)
    exists = path.exists() and path.stat().st_size > 0
    if not exists and not create:
        raise WorkspaceError(f"{path}: no such workspace; create one with `planner demo {path}` "
                             "or import data into it with `planner import`")
    if exists:
        _check_header(path)
        if not os.access(path, os.R_OK):
            raise WorkspaceError(f"cannot open {path}: permission denied (it belongs to another "
                                 "user); ask them to share a backup copy")
        if not os.access(path, os.W_OK):
            if _has_journal(path):
                recover_interrupted_write(path)  # says plainly why it cannot be undone here
            raise WorkspaceReadOnly(f"{path} is read-only for you; open it read-only to look at "
                                    "it, or copy it somewhere you can write")
    _make_folder(path.parent)
    release, first_open, stale = _take_lock(path, exists) if lock else (None, True, None)
    created = False
    conn: WorkspaceConnection | None = None
    try:
        if not exists:
            created = _create_file(path)
        else:
            blocked = _make_companions_writable(path)
            if blocked:
                raise WorkspaceReadOnly(
                    f"{path} cannot be written: {' and '.join(blocked)} (left by another user "
                    "who read it) cannot be written by you; ask them to remove it, or open the "
                    "workspace read-only")
            if _has_journal(path):
                recover_interrupted_write(path)
        conn = _connect(path)
        conn.workspace_path = path
        conn.stale_lock = stale
        db = Database(conn)
        _check_planner_file(db, path, new=not exists)
        version = schema_version(db)
        if version > SCHEMA_VERSION:
            raise WorkspaceTooNew(
                f"{path} was written by a newer version of Planner (schema {version}, this one "
                f"understands up to {SCHEMA_VERSION}); upgrade Planner to change it, or open it "
                "read-only to look at it")
        if exists and check and first_open:
            _quick_check(db, path)
        with environment_errors(path, "prepare"):
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
        if exists and version <= SCHEMA_VERSION:  # -- issue 18 item 11: a foreign schema
            from planner.store.schema_check import check_schema  # is refused before it runs

            check_schema(conn, path)
        _migrate(db, path, version, exists)
        with contextlib.suppress(OSError):
            os.chmod(path, 0o600)
    except BaseException:
        if conn is not None:
            sqlite3.Connection.close(conn)
        if release is not None:
            release()
        if created:
            _remove_with_companions(path)
        raise
    if release is not None:
        conn._release_lock = release
        weakref.finalize(conn, release)
    return db


def _take_lock(path: Path, exists: bool
               ) -> tuple[Callable[[], None], bool, locking.LockHolder | None]:
    first_open = not locking.holds_lock(path)
    try:
        release, stale = locking.acquire(path, program="Planner")
    except locking.LockHeld as exc:
        who = exc.holder.describe() if exc.holder else "another program"
        raise WorkspaceLocked(
            f"{path} is open for writing in {who}; close it there first, or open it read-only "
            "to look at it without changes", exc.holder) from None
    except OSError as exc:
        raise _folder_error(path, exc, exists=exists) from None
    return release, first_open, stale


def _folder_error(path: Path, exc: OSError, *, exists: bool = True) -> WorkspaceError:
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS) and not exists:
        return WorkspaceError(f"cannot create {path}: folder {path.parent} is not writable "
                              f"({describe_environment_error(exc)}); choose a folder you can write")
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return WorkspaceReadOnly(
            f"cannot write in folder {path.parent} ({describe_environment_error(exc)}); Planner "
            "needs to write next to the workspace (its journal, lock and backups). Open it "
            "read-only, or move it to a folder you can write")
    return WorkspaceError(f"cannot open {path}: {describe_environment_error(exc)}; "
                          "nothing was changed")


def _make_folder(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise WorkspaceError(f"cannot create folder {folder}: "
                             f"{describe_environment_error(exc)}") from None


def _create_file(path: Path) -> bool:
    """Create an empty workspace file readable by its owner only; True if we created it."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0),
                     0o600)
    except FileExistsError:
        return False
    except OSError as exc:
        raise _folder_error(path, exc, exists=False) from None
    os.close(fd)
    return True


def _remove_with_companions(path: Path) -> None:
    for suffix in ("", *_COMPANION_SUFFIXES):
        with contextlib.suppress(OSError):
            Path(f"{path}{suffix}").unlink()


def _connect(path: Path, *, uri: str | None = None) -> WorkspaceConnection:
    try:
        return sqlite3.connect(uri or str(path), timeout=_BUSY_TIMEOUT_S, isolation_level=None,
                               uri=uri is not None, factory=WorkspaceConnection)
    except sqlite3.Error as exc:
        raise WorkspaceError(f"cannot open {path}: {describe_environment_error(exc)}") from None


def _check_header(path: Path) -> None:
    """Refuse, untouched, a file that does not even start like an SQLite database."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(100)
    except OSError as exc:
        raise WorkspaceError(f"cannot read {path}: {describe_environment_error(exc)}") from None
    if len(head) < 100 or not head.startswith(_SQLITE_MAGIC):
        raise _damaged(path, "it is not an SQLite database")


def _damaged(path: Path, why: str) -> WorkspaceDamaged:
    from planner.store.backup import newest_good_backup

    try:
        newest = newest_good_backup(path)
    except (OSError, sqlite3.Error):
        newest = None
    if newest is None:
        return WorkspaceDamaged(f"{path} is not a Planner workspace or is damaged ({why}); "
                                "it was left untouched")
    return WorkspaceDamaged(
        f"{path} is not a Planner workspace or is damaged ({why}); it was left untouched. "
        f"The newest good backup is {newest.path} from {newest.created:%Y-%m-%d %H:%M}: "
        f"restore it with `planner restore {path} {newest.path}`", newest.path)


def _check_planner_file(db: Database, path: Path, *, new: bool) -> None:
    """Refuse a readable SQLite file that is not a Planner workspace (and never write to it)."""
    try:
        tables = set(db.table_names())
        app_id = int(db.execute("PRAGMA application_id").fetchone()[0])
    except sqlite3.DatabaseError as exc:
        raise _damaged(path, describe_environment_error(exc)) from None
    if new or app_id == APPLICATION_ID:
        return
    if app_id != 0:
        raise _damaged(path, f"it belongs to another program (application id {app_id:#x})")
    if not tables:
        if schema_version(db) != 0:
            raise _damaged(path, "an SQLite file of another program")
        return  # an empty SQLite file: fine to set up as a workspace
    if not {"settings", migrations.migrations_table} <= tables:
        raise _damaged(path, "an SQLite file of another program")


def _quick_check(db: Database, path: Path) -> None:
    try:
        rows = db.execute("PRAGMA quick_check(5)").fetchall()
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            raise WorkspaceError(f"cannot open {path}: {describe_environment_error(exc)}") from None
        raise _damaged(path, str(exc)) from None
    except sqlite3.DatabaseError as exc:
        raise _damaged(path, str(exc)) from None
    problems = [str(r[0]) for r in rows if str(r[0]) != "ok"]
    if problems:
        raise _damaged(path, "integrity check: " + "; ".join(problems)[:300])


def _migrate(db: Database, path: Path, version: int, exists: bool) -> None:
    """Apply pending migrations; a verified backup first when the workspace has data."""
    pending = migrations.pending(db)
    if not pending and version == SCHEMA_VERSION:
        if int(db.execute("PRAGMA application_id").fetchone()[0]) != APPLICATION_ID:
            with environment_errors(path, "prepare"):
                db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        return
    if pending and exists and version > 0:
        from planner.store.backup import create_backup

        create_backup(db, reason=f"before upgrade from schema {version} to {SCHEMA_VERSION}")
    with environment_errors(path, "set up" if not exists else "upgrade"):
        migrations.apply(db)
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        db.execute(f"PRAGMA application_id = {APPLICATION_ID}")


# ---------------------------------------------------------------------------------------------
# Read-only

def _read_only_uri(path: Path, *, immutable: bool = False) -> str:
    quoted = urllib.parse.quote(str(path.resolve()).replace(os.sep, "/"), safe="/:")
    if os.name == "nt" and not quoted.startswith("/"):  # pragma: no cover - Windows drive paths
        quoted = "/" + quoted
    return f"file:{quoted}?mode=ro" + ("&immutable=1" if immutable else "")


def _open_read_only(path: Path, *, check: bool) -> Database:
    if not path.exists() or path.stat().st_size == 0:
        raise WorkspaceError(f"{path}: no such workspace")
    _check_header(path)
    if not os.access(path, os.R_OK):
        raise WorkspaceError(f"cannot open {path}: permission denied")
    if _has_journal(path):
        recover_interrupted_write(path)
    conn = _connect(path, uri=_read_only_uri(path))
    try:
        db = Database(conn)
        try:
            db.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlite3.OperationalError as exc:
            sqlite3.Connection.close(conn)
            if _needs_rollback(exc) or _has_journal(path):
                # A writer crashed after this open began: undo its write, then read.
                recover_interrupted_write(path)
                conn = _connect(path, uri=_read_only_uri(path))
                db = Database(conn)
                _first_read(db, path)
            elif _is_busy(exc):
                raise WorkspaceError(
                    f"cannot open {path}: {describe_environment_error(exc)}") from None
            else:
                # A WAL workspace in a folder we cannot write: without a WAL file its content
                # is all in the main file, which can then be read as immutable.
                if Path(f"{path}-wal").exists() and Path(f"{path}-wal").stat().st_size > 0:
                    raise WorkspaceError(
                        f"cannot open {path} read-only: its recent changes are in {path}-wal and "
                        "the folder is not writable; open it once where the folder is "
                        "writable") from None
                conn = _connect(path, uri=_read_only_uri(path, immutable=True))
                db = Database(conn)
                _first_read(db, path)
        except sqlite3.DatabaseError as exc:
            raise _damaged(path, str(exc)) from None
        _make_companions_writable(path)
        conn.workspace_path = path
        _check_planner_file(db, path, new=False)
        version = schema_version(db)
        if check:
            _quick_check_cached(db, path)
        if version <= SCHEMA_VERSION:  # -- issue 18 item 11: a foreign schema is refused
            from planner.store.schema_check import check_schema

            check_schema(conn, path)
        conn.execute("PRAGMA query_only = ON")
        if version > SCHEMA_VERSION:
            conn.read_only_reason = (
                f"{path.name} was written by a newer version of Planner (schema {version}); it is "
                "open read-only. Upgrade Planner to change it")
        elif migrations.pending(db):
            conn.read_only_reason = (f"{path.name} is open read-only; it was written by an older "
                                     "Planner and is upgraded when opened for writing")
        else:
            holder = locking.current_holder(path)
            conn.read_only_reason = f"{path.name} is open read-only" + (
                f"; it is open for writing in {holder.describe()}" if holder else "")
    except BaseException:
        sqlite3.Connection.close(conn)
        raise
    return db


def _first_read(db: Database, path: Path) -> None:
    try:
        db.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.OperationalError as exc:
        raise WorkspaceError(f"cannot open {path} read-only: "
                             f"{describe_environment_error(exc)}") from None
    except sqlite3.DatabaseError as exc:
        raise _damaged(path, str(exc)) from None


# ---------------------------------------------------------------------------------------------
# An interrupted write

def _has_journal(path: Path) -> bool:
    """Whether a rollback journal lies next to the workspace (a write in progress, or one that
    a crash interrupted: a hot journal)."""
    try:
        return os.stat(f"{path}-journal").st_size > 0
    except OSError:
        return False


def _needs_rollback(exc: sqlite3.Error) -> bool:
    return getattr(exc, "sqlite_errorcode", None) == _SQLITE_READONLY_ROLLBACK


def _is_busy(exc: sqlite3.Error) -> bool:
    text = str(exc)
    code = (getattr(exc, "sqlite_errorcode", None) or 0) & 0xFF
    return code in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED) or "locked" in text \
        or "busy" in text


def recover_interrupted_write(path: str | os.PathLike[str]) -> None:
    """Undo a write that a crash interrupted (a hot rollback journal), as SQLite does when a
    writer opens the file: a plain read-write connection reads once and SQLite rolls the
    journal back under its exclusive lock. A live writer's journal is not hot and is left alone.

    Raises WorkspaceError, saying what to do, when the file or its folder cannot be written."""
    path = Path(path)
    interrupted = (f"{path} holds a change that was interrupted (Planner or the computer "
                   "stopped while writing it); it must be undone before the workspace can be read")
    try:
        conn = sqlite3.connect(_read_write_uri(path), uri=True, timeout=_BUSY_TIMEOUT_S,
                               isolation_level=None)
    except sqlite3.Error as exc:
        raise WorkspaceError(f"{interrupted}, and the file cannot be opened to undo it: "
                             f"{describe_environment_error(exc)}") from None
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.Error as exc:
        if _needs_rollback(exc) or not os.access(path, os.W_OK):
            raise WorkspaceNeedsRecovery(
                f"{interrupted}, which needs write access to the file, and it is read-only for "
                "you. Make it writable (or open it once as the user it belongs to) and Planner "
                "undoes the interrupted change; nothing in it is damaged") from None
        if not os.access(path.parent, os.W_OK):
            raise WorkspaceNeedsRecovery(
                f"{interrupted}, which needs write access to its folder {path.parent} (to remove "
                f"{path.name}-journal), and the folder is not writable for you. Open it once "
                "where the folder is writable, and Planner undoes the interrupted change") from None
        if _is_busy(exc):
            raise WorkspaceError(f"{interrupted}; {describe_environment_error(exc)}") from None
        if isinstance(exc, sqlite3.OperationalError):
            raise WorkspaceError(f"{interrupted}, and undoing it failed: "
                                 f"{describe_environment_error(exc)}") from None
        raise _damaged(path, str(exc)) from None
    finally:
        conn.close()
    _make_companions_writable(path)


def _read_write_uri(path: Path) -> str:
    return _read_only_uri(path).replace("?mode=ro", "?mode=rw")


def _make_companions_writable(path: Path) -> list[str]:
    """Give the owner write access to the WAL and shared-memory files SQLite created with the
    workspace's own mode: a reader of a read-only (0400) workspace must not leave files that
    keep a later writer from writing once the workspace itself is writable again. Returns the
    companion files that stay unwritable for this user (another user's)."""
    blocked = []
    for suffix in ("-wal", "-shm"):
        companion = f"{path}{suffix}"
        try:
            info = os.stat(companion)
        except OSError:
            continue
        if not info.st_mode & 0o200 and info.st_uid == getattr(os, "geteuid", lambda: -1)():
            with contextlib.suppress(OSError):
                os.chmod(companion, (info.st_mode & 0o666) | 0o600)
        if not os.access(companion, os.W_OK):
            blocked.append(companion)
    return blocked


_CHECKED: dict[str, tuple[Any, ...]] = {}


def _quick_check_cached(db: Database, path: Path) -> None:
    key = os.path.realpath(path)
    fingerprint = file_fingerprint(path)
    if _CHECKED.get(key) == fingerprint:
        return
    _quick_check(db, path)
    _CHECKED[key] = fingerprint
