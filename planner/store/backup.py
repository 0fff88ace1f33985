"""Verified backups of a workspace, their rotation, and restore (which can itself be undone).

Backups are written with SQLite's backup API (a consistent snapshot, never a file copy of a live
database) to ``<workspace>.backups/<timestamp>.db`` beside a small JSON note (reason, schema
version, SHA-256 of the file). Each is checked (PRAGMA quick_check) before it takes its final
name, so a backup that exists is complete. Files are readable by their owner only.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import hashlib
import json
import os
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from planner.store import lock as locking
from planner.store.schema import SCHEMA_VERSION
from planner.store.workspace import (
    WorkspaceError,
    WorkspaceLocked,
    describe_environment_error,
    file_fingerprint,
    workspace_file,
)

BACKUP_FOLDER_SUFFIX = ".backups"
MANUAL = "manual"
_STAMP = "%Y%m%d-%H%M%S-%f"


class BackupError(WorkspaceError):
    """A backup that could not be written, checked or restored; nothing was changed."""


@dataclass(frozen=True)
class RotationPolicy:
    """Which automatic backups are kept; manual backups are never removed.

    Kept: the ``keep_recent`` newest, plus the newest of each of the ``keep_daily`` most recent
    days that have a backup, plus the newest of each of the ``keep_weekly`` most recent ISO weeks
    that have one."""

    keep_recent: int = 10
    keep_daily: int = 7
    keep_weekly: int = 8


DEFAULT_POLICY = RotationPolicy()


@dataclass(frozen=True)
class BackupInfo:
    """One backup file and what its note says about it."""

    path: Path
    created: dt.datetime
    reason: str
    size_bytes: int
    schema_version: int | None = None
    sha256: str | None = None
    source_fingerprint: str | None = None

    @property
    def manual(self) -> bool:
        return self.reason == MANUAL


@dataclass(frozen=True)
class RestoreResult:
    """What a restore did: the backup restored and how to undo it."""

    workspace: Path
    restored_from: BackupInfo
    #: A backup of the workspace as it was (restore it to undo), or None when there was none.
    undo_backup: Path | None
    #: Where a damaged or foreign file that stood at the workspace's path was moved to.
    moved_aside: Path | None = None


# ---------------------------------------------------------------------------------------------
# Listing

def backup_folder(workspace: str | os.PathLike[str]) -> Path:
    """The folder of a workspace's automatic backups: ``<workspace>.backups`` beside it."""
    path = Path(workspace)
    return path.with_name(path.name + BACKUP_FOLDER_SUFFIX)


def _note_path(backup: Path) -> Path:
    return backup.with_suffix(".json")


def _note_paths(backup: Path) -> tuple[Path, Path]:
    """Where a backup's note may be: ``<stem>.json``, else (when that name was taken by a file
    of the user's) ``<name>.note.json``."""
    return _note_path(backup), backup.with_name(backup.name + ".note.json")


def _free_note_path(target: Path) -> Path:
    """A name for ``target``'s note that no file has yet; BackupError when both are taken."""
    for candidate in _note_paths(target):
        if not os.path.lexists(candidate):
            return candidate
    first, second = _note_paths(target)
    raise BackupError(f"{first} and {second} already exist and a backup never replaces a file "
                      "you did not name; choose another file name")


def _place_new(source: Path, target: Path) -> None:
    """Give ``source`` the name ``target``, refusing (FileExistsError) when ``target`` exists
    (a hard link, never a replace; os.replace only where links are not supported)."""
    try:
        os.link(source, target)
    except FileExistsError:
        raise
    except OSError:  # pragma: no cover - file systems without hard links (FAT, some shares)
        if os.path.lexists(target):
            raise FileExistsError(target) from None
        os.replace(source, target)
        return
    os.unlink(source)


def read_backup_info(path: str | os.PathLike[str]) -> BackupInfo:
    """A backup file with its note (or, without a note, its file times)."""
    path = Path(path)
    stat = path.stat()
    note: dict[str, Any] = {}
    for candidate in _note_paths(path):
        with contextlib.suppress(OSError, ValueError):
            loaded = json.loads(candidate.read_text(encoding="utf-8"))
            if isinstance(loaded, dict) and "sha256" in loaded:
                note = loaded
                break
    created = None
    with contextlib.suppress(KeyError, TypeError, ValueError):
        created = dt.datetime.fromisoformat(note["created"])
    if created is None:
        created = dt.datetime.fromtimestamp(stat.st_mtime)
    version = note.get("schema_version")
    return BackupInfo(path, created, str(note.get("reason", "unknown")), stat.st_size,
                      int(version) if isinstance(version, int) else None, note.get("sha256"),
                      note.get("source_fingerprint"))


def list_backups(workspace: str | os.PathLike[str]) -> list[BackupInfo]:
    """The backups in the workspace's backup folder, newest first."""
    folder = backup_folder(workspace)
    if not folder.is_dir():
        return []
    found = []
    for path in folder.glob("*.db"):
        with contextlib.suppress(OSError):
            found.append(read_backup_info(path))
    return sorted(found, key=lambda b: (b.created, b.path.name), reverse=True)


def verify_backup(path: str | os.PathLike[str]) -> str | None:
    """What is wrong with a backup file, or None when it is a good Planner workspace copy."""
    path = Path(path)
    try:
        info = read_backup_info(path)
        with open(path, "rb") as handle:
            if not handle.read(16).startswith(b"SQLite format 3"):
                return "not an SQLite database"
        if info.sha256 and _sha256(path) != info.sha256:
            return "its content changed since it was written (checksum differs)"
        uri = f"file:{_quote(path)}?mode=ro&immutable=1"
        conn = sqlite3.connect(uri, uri=True)
        try:
            rows = conn.execute("PRAGMA quick_check(5)").fetchall()
            problems = [str(r[0]) for r in rows if str(r[0]) != "ok"]
            if problems:
                return "integrity check: " + "; ".join(problems)[:300]
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master "
                                                  "WHERE type = 'table'")}
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        finally:
            conn.close()
    except (OSError, sqlite3.Error) as exc:
        return describe_environment_error(exc)
    if "settings" not in tables:
        return "not a Planner workspace"
    if version > SCHEMA_VERSION:
        return f"written by a newer Planner (schema {version})"
    return None


def newest_good_backup(workspace: str | os.PathLike[str]) -> BackupInfo | None:
    """The newest backup of ``workspace`` that passes verify_backup."""
    for info in list_backups(workspace):
        if verify_backup(info.path) is None:
            return info
    return None


# ---------------------------------------------------------------------------------------------
# Writing

#: Name endings of a workspace's working files (SQLite's journals, the lock, a restore or a
#: copy in progress): a file so named is tidied away or replayed by the next command.
WORKING_FILE_SUFFIXES = ("-wal", "-shm", "-journal", ".lock", ".restoring", ".partial")


def _working_file_suffix(name: str) -> str | None:
    return next((s for s in WORKING_FILE_SUFFIXES if name.lower().endswith(s)), None)


def create_backup(db: Database, *, reason: str = MANUAL, to: str | os.PathLike[str] | None = None,
                  policy: RotationPolicy | None = DEFAULT_POLICY) -> BackupInfo:
    """Write a verified backup of ``db`` (to ``to``, else into the backup folder, then rotate it
    with ``policy`` unless None). Raises BackupError and leaves nothing behind when it fails."""
    if db.conn.in_transaction:
        raise BackupError("a backup cannot be taken inside an open transaction")
    source = workspace_file(db)
    if to is None and source is None:
        raise BackupError("an in-memory database has no backup folder; give a target file")
    fingerprint = repr(file_fingerprint(source)) if source else None
    created = dt.datetime.now()
    if to is not None:
        target = Path(to)
        if os.path.lexists(target):
            raise BackupError(f"{target} already exists; choose another file name")
        working = _working_file_suffix(target.name)
        if working:
            raise BackupError(f"{target.name} ends in {working!r}, the name Planner and SQLite "
                              "give a workspace's working files, which the next command may "
                              "remove or replay; choose a name such as backup.db")
        note_target = _free_note_path(target)
    else:
        assert source is not None  # no target and no file was refused above
        target = backup_folder(source) / f"{created.strftime(_STAMP)}.db"
        note_target = _note_path(target)
    partial = target.with_name(target.name + ".partial")
    note_partial = note_target.with_name(note_target.name + ".partial")
    try:
        _make_private_folder(target.parent, own=to is None)
        _write_copy(db.conn, partial)
        problem = verify_backup(partial)
        if problem:
            raise BackupError(f"the backup copy failed its check ({problem}); nothing was kept")
        version = _user_version(partial)
        digest = _sha256(partial)
        note = {"created": created.isoformat(), "reason": reason, "schema_version": version,
                "sha256": digest, "source": str(source) if source else None,
                "source_fingerprint": fingerprint}
        _write_private(note_partial, json.dumps(note, indent=1).encode())
        try:
            _place_new(partial, target)
        except FileExistsError:
            raise BackupError(f"{target} appeared while the backup was written; it was left "
                              "alone and nothing was kept") from None
        try:
            _place_new(note_partial, note_target)
        except FileExistsError:
            _remove(target)
            raise BackupError(f"{note_target} appeared while the backup was written; it was "
                              "left alone and nothing was kept") from None
        _fsync_folder(target.parent)
    except BackupError:
        _remove(partial, note_partial, *_companions(partial))
        raise
    except (OSError, sqlite3.Error) as exc:
        _remove(partial, note_partial, *_companions(partial))
        raise BackupError(f"cannot write a backup of {source or 'the workspace'} to {target}: "
                          f"{_why_not_written(exc, target.parent, source)}; nothing was "
                          "changed") from exc
    if to is None and policy is not None and source is not None:
        rotate_backups(source, policy)
    return BackupInfo(target, created, reason, target.stat().st_size, version, digest,
                      fingerprint)


def _companions(path: Path) -> list[Path]:
    """The journal files SQLite may leave beside a copy it was writing."""
    return [Path(f"{path}{suffix}") for suffix in ("-wal", "-shm", "-journal")]


def disk_full_message(folder: Path, needed_bytes: int | None = None) -> str | None:
    """'the disk holding FOLDER is full (N MB free ...)' when it is (or has less room than
    ``needed_bytes``), else None."""
    import shutil

    try:
        free = shutil.disk_usage(folder).free
    except OSError:
        return None
    if free > max(needed_bytes or 0, 1024**2):
        return None
    return (f"the disk holding {folder} is full ({free / 1024**2:,.1f} MB free"
            + (f", {needed_bytes / 1024**2:,.1f} MB needed" if needed_bytes else "")
            + "); free some space there and try again")


def _why_not_written(exc: BaseException, folder: Path, source: Path | None) -> str:
    """Why a copy could not be written: a full disk said as such (SQLite often reports one as an
    input/output error), else describe_environment_error's sentence."""
    described = describe_environment_error(exc)
    needed = None
    with contextlib.suppress(OSError, TypeError):
        needed = source.stat().st_size if source else None
    full = disk_full_message(folder, needed)
    if full and ("disk is full" in described or "input/output" in described
                 or getattr(exc, "errno", None) in (errno.ENOSPC, errno.EFBIG)):
        return full
    if getattr(exc, "errno", None) == errno.EFBIG:  # a file size limit: as good as full
        return f"the disk holding {folder} has no room for the file (file too large)"
    if "disk is full" in described:
        return f"the disk holding {folder} is full; free some space there and try again"
    return described


def before_write(db: Database, *, reason: str, within_minutes: float = 60.0) -> BackupInfo | None:
    """The automatic backup before an import or another big write.

    Skipped (None) when the workspace holds no data yet, or when the newest backup was taken from
    the identical file content within the last ``within_minutes``. Raises BackupError when a
    needed backup cannot be written: the caller must then not write either."""
    source = workspace_file(db)
    if source is None or not _has_data(db):
        return None
    newest = next(iter(list_backups(source)), None)
    if newest is not None and newest.source_fingerprint == repr(file_fingerprint(source)):
        if dt.datetime.now() - newest.created <= dt.timedelta(minutes=within_minutes):
            return None
    return create_backup(db, reason=reason)


def backup_if_due(db: Database, *, every_minutes: float = 60.0) -> BackupInfo | None:
    """The scheduled backup while the app is open: one when the newest is older than
    ``every_minutes`` and the workspace changed since."""
    source = workspace_file(db)
    if source is None or not _has_data(db):
        return None
    newest = next(iter(list_backups(source)), None)
    if newest is not None:
        if dt.datetime.now() - newest.created < dt.timedelta(minutes=every_minutes):
            return None
        if newest.source_fingerprint == repr(file_fingerprint(source)):
            return None
    return create_backup(db, reason="scheduled")


def _has_data(db: Database) -> bool:
    for table in db.table_names():
        if table.startswith("_sqlite") or table.startswith("sqlite_"):
            continue
        if db.execute(f'SELECT EXISTS (SELECT 1 FROM "{table}")').fetchone()[0]:
            return True
    return False


def _write_copy(conn: sqlite3.Connection, target: Path) -> None:
    """Copy ``conn``'s database into a new file ``target`` (mode 0600) with the backup API."""
    _write_private(target, b"")
    dest = sqlite3.connect(str(target), isolation_level=None)
    try:
        conn.backup(dest)
        dest.execute("PRAGMA journal_mode = DELETE")
    finally:
        dest.close()
    with open(target, "rb+") as handle:
        os.fsync(handle.fileno())


def _write_private(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)


def _make_private_folder(folder: Path, *, own: bool) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    if own:
        with contextlib.suppress(OSError):
            os.chmod(folder, 0o700)


def _fsync_folder(folder: Path) -> None:
    if os.name == "nt":  # pragma: no cover - folders cannot be opened on Windows
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _remove(*paths: Path) -> None:
    for path in paths:
        with contextlib.suppress(OSError):
            path.unlink()


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(4 * 1024 * 1024):
            digest.update(block)
    return digest.hexdigest()


def _user_version(path: Path) -> int:
    conn = sqlite3.connect(f"file:{_quote(path)}?mode=ro&immutable=1", uri=True)
    try:
        return int(conn.execute("PRAGMA user_version").fetchone()[0])
    finally:
        conn.close()


def _quote(path: Path) -> str:
    import urllib.parse

    text = str(Path(path).resolve()).replace(os.sep, "/")
    if os.name == "nt" and not text.startswith("/"):  # pragma: no cover - Windows drive paths
        text = "/" + text
    return urllib.parse.quote(text, safe="/:")


# ---------------------------------------------------------------------------------------------
# Rotation

def plan_rotation(backups: Sequence[BackupInfo], policy: RotationPolicy) -> list[BackupInfo]:
    """The backups ``policy`` keeps (manual ones always), newest first."""
    ordered = sorted(backups, key=lambda b: b.created, reverse=True)
    automatic = [b for b in ordered if not b.manual]
    keep = {b.path for b in ordered if b.manual}
    keep.update(b.path for b in automatic[:policy.keep_recent])
    buckets: tuple[tuple[int, Callable[[dt.datetime], object]], ...] = (
        (policy.keep_daily, lambda d: d.date()),
        (policy.keep_weekly, lambda d: d.isocalendar()[:2]))
    for count, bucket in buckets:
        seen: list[object] = []
        for backup in automatic:  # newest first: the first of each bucket is its newest
            key = bucket(backup.created)
            if key not in seen:
                seen.append(key)
                if len(seen) > count:
                    break
                keep.add(backup.path)
    return [b for b in ordered if b.path in keep]


def rotate_backups(workspace: str | os.PathLike[str],
                   policy: RotationPolicy = DEFAULT_POLICY) -> list[Path]:
    """Remove the automatic backups ``policy`` does not keep; returns the removed files."""
    backups = list_backups(workspace)
    kept = {b.path for b in plan_rotation(backups, policy)}
    removed = []
    folder = backup_folder(workspace)
    if folder.is_dir():  # copies a crash interrupted an hour or more ago
        hour_ago = dt.datetime.now().timestamp() - 3600
        for partial in folder.glob("*.partial"):
            with contextlib.suppress(OSError):
                if partial.stat().st_mtime < hour_ago:
                    partial.unlink()
    for backup in backups:
        if backup.path not in kept:
            _remove(backup.path, _note_path(backup.path))
            removed.append(backup.path)
    return removed


# ---------------------------------------------------------------------------------------------
# Restore

def restore(workspace: str | os.PathLike[str], backup: str | os.PathLike[str] | None = None, *,
            policy: RotationPolicy = DEFAULT_POLICY) -> RestoreResult:
    """Put a backup (default: the newest good one) back as ``workspace``.

    The workspace as it was is backed up first (restoring that backup undoes this restore); a
    damaged or foreign file at the workspace's path is moved aside, never overwritten. The copy
    goes through SQLite, so a failure midway leaves the workspace as it was."""
    workspace = Path(workspace)
    chosen = _choose(workspace, backup)
    try:
        release, _stale = locking.acquire(workspace, program="Planner restore")
    except locking.LockHeld as exc:
        who = exc.holder.describe() if exc.holder else "another program"
        raise WorkspaceLocked(f"cannot restore {workspace}: it is open for writing in {who}; "
                              "close it there first", exc.holder) from None
    except OSError as exc:
        raise BackupError(f"cannot restore {workspace}: "
                          f"{describe_environment_error(exc)}; nothing was changed") from None
    try:
        result = _restore_locked(workspace, chosen)
    finally:
        release()
    rotate_backups(workspace, policy)
    return result


def _choose(workspace: Path, backup: str | os.PathLike[str] | None) -> BackupInfo:
    if backup is None:
        newest = newest_good_backup(workspace)
        if newest is None:
            raise BackupError(f"{workspace} has no good backup in {backup_folder(workspace)}")
        return newest
    path = Path(backup)
    if not path.is_file():
        raise BackupError(f"no such backup file: {path}")
    problem = verify_backup(path)
    if problem:
        raise BackupError(f"{path} cannot be restored: {problem}; nothing was changed")
    return read_backup_info(path)


def _restore_locked(workspace: Path, chosen: BackupInfo) -> RestoreResult:
    undo: Path | None = None
    moved: Path | None = None
    current = _open_healthy(workspace)
    try:
        if current is not None:
            undo = create_backup(Database(current), reason=f"before restore of {chosen.path.name}",
                                 policy=None).path
            _copy_into(chosen.path, current)
            return RestoreResult(workspace, chosen, undo)
    except (OSError, sqlite3.Error) as exc:
        raise BackupError(f"cannot restore {workspace}: {describe_environment_error(exc)}; "
                          "the workspace was left as it was") from exc
    finally:
        if current is not None:
            current.close()
    # The copy is written and checked beside the workspace first (``.restoring.partial``, then
    # ``.restoring`` once complete); the damaged file stays where it is, also linked under its
    # aside name, until one os.replace swaps the copy in. A kill at any point leaves either the
    # damaged workspace (and maybe a complete ``.restoring`` that the next open finishes with:
    # finish_interrupted_restore) or the restored one; never no workspace.
    ready = _restoring_path(workspace)
    partial = ready.with_name(ready.name + ".partial")
    try:
        _remove(partial, ready)
        _write_private(partial, b"")
        dest = sqlite3.connect(str(partial), isolation_level=None)
        try:
            _copy_into(chosen.path, dest)
            dest.execute("PRAGMA journal_mode = DELETE")
        finally:
            dest.close()
        with open(partial, "rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(partial, ready)
        _fsync_folder(workspace.parent)
        moved = _swap_in(ready, workspace)
    except (OSError, sqlite3.Error) as exc:
        _remove(partial)
        raise BackupError(f"cannot restore {workspace}: {describe_environment_error(exc)}"
                          + (f"; the file that was there is kept as {moved}" if moved else "")
                          ) from exc
    return RestoreResult(workspace, chosen, None, moved)


def _restoring_path(workspace: Path) -> Path:
    return workspace.with_name(workspace.name + ".restoring")


def _swap_in(ready: Path, workspace: Path) -> Path | None:
    """Put the complete copy ``ready`` in place of ``workspace`` with one rename; the file that
    was there is kept under an aside name (a hard link made before the swap, so the path always
    names a file). Its journal files are moved aside first: they belong to it, not the copy."""
    aside: Path | None = None
    if os.path.lexists(workspace):
        stamp = dt.datetime.now().strftime(_STAMP)
        aside = workspace.with_name(f"{workspace.name}.damaged-{stamp}")
        try:
            os.link(workspace, aside)
        except OSError:  # pragma: no cover - no hard links: copy the damaged file aside
            import shutil

            shutil.copy2(workspace, aside)
        for suffix in ("-wal", "-shm", "-journal"):
            source = Path(f"{workspace}{suffix}")
            if source.exists():
                os.replace(source, Path(f"{aside}{suffix}"))
    os.replace(ready, workspace)
    _fsync_folder(workspace.parent)
    return aside


def finish_interrupted_restore(workspace: str | os.PathLike[str]) -> str | None:
    """Finish or undo a restore a kill interrupted; called first thing when a workspace opens.

    A complete, checked copy (``<workspace>.restoring``) is swapped in when the workspace is
    missing or damaged (the restore was killed before its last rename); otherwise (the workspace
    is healthy, or the copy is incomplete or fails its check) the leftover copy is removed: the
    backup it came from is still in the backup folder. Returns what was done, or None."""
    workspace = Path(workspace)
    ready = _restoring_path(workspace)
    partial = ready.with_name(ready.name + ".partial")
    if not os.path.lexists(ready) and not os.path.lexists(partial):
        return None
    try:
        release, _stale = locking.acquire(workspace, program="Planner restore")
    except (locking.LockHeld, OSError):
        return None  # a restore is running right now, or the folder cannot be written
    try:
        _remove(partial)
        if not ready.exists():
            return None
        good = _restored_copy_ok(ready)
        current = _open_healthy(workspace) if workspace.exists() else None
        if current is not None:
            current.close()
        if good and current is None:
            _swap_in(ready, workspace)
            return f"finished an interrupted restore of {workspace}"
        _remove(ready)
        return f"undid an interrupted restore of {workspace} (left it as it was)"
    except OSError:
        return None
    finally:
        release()


def _restored_copy_ok(path: Path) -> bool:
    try:
        conn = sqlite3.connect(f"file:{_quote(path)}?mode=ro", uri=True)
    except sqlite3.Error:
        return False
    try:
        ok = [r[0] for r in conn.execute("PRAGMA quick_check(1)").fetchall()] == ["ok"]
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        return ok and "settings" in tables
    except sqlite3.Error:
        return False
    finally:
        conn.close()


def _open_healthy(workspace: Path) -> sqlite3.Connection | None:
    """A connection to the workspace when it is a healthy Planner workspace, else None."""
    if not workspace.exists() or workspace.stat().st_size == 0:
        return None
    try:
        with open(workspace, "rb") as handle:
            if not handle.read(16).startswith(b"SQLite format 3"):
                return None
        conn = sqlite3.connect(str(workspace), isolation_level=None, timeout=10)
    except (OSError, sqlite3.Error):
        return None
    try:
        ok = [r[0] for r in conn.execute("PRAGMA quick_check(1)").fetchall()] == ["ok"]
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if ok and "settings" in tables:
            return conn
    except sqlite3.Error:
        pass
    conn.close()
    return None


def _copy_into(backup: Path, dest: sqlite3.Connection) -> None:
    """Copy the backup's pages into ``dest`` in one SQLite transaction."""
    src = sqlite3.connect(f"file:{_quote(backup)}?mode=ro&immutable=1", uri=True)
    try:
        src.backup(dest)
    finally:
        src.close()
    dest.execute("PRAGMA journal_mode = WAL")
    problems = [r[0] for r in dest.execute("PRAGMA quick_check(1)").fetchall()]
    if problems != ["ok"]:
        raise sqlite3.DatabaseError(f"the restored workspace failed its check: {problems}")
