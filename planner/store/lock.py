"""One writer per workspace: a lock file next to it that says who holds it.

The lock file (``<workspace>.lock``) holds the writer's pid, host, user, program and start time.
While held, the writer also keeps an OS lock on it (``flock`` on POSIX, ``msvcrt.locking`` on
Windows), which the system drops when the process dies however it dies: a lock file left by a
crash is therefore recognised as stale and taken over, never mistaken for a live writer. On
file systems without OS locks the pid decides (a lock whose pid no longer runs on this host is
stale). Opening the same workspace twice in one process shares one lock (counted).

The lock is the file's, not the name's: the lock file sits next to the workspace's real path
(symlinks resolved), and a second lock keyed on the file's identity (device and inode, in the
system's temporary folder) stops a second writer that opens it by a hard link.
"""

from __future__ import annotations

import atexit
import contextlib
import datetime as dt
import errno
import getpass
import json
import os
import socket
import sys
import tempfile
import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

LOCK_SUFFIX = ".lock"
_WINDOWS_LOCK_OFFSET = 1 << 20  # lock a byte past the text so others can still read who holds it
_NO_OS_LOCKS = {errno.ENOLCK, errno.EOPNOTSUPP, errno.ENOSYS, errno.EINVAL}


@dataclass(frozen=True)
class LockHolder:
    """Who holds (or held) a workspace's write lock."""

    pid: int
    host: str
    user: str
    started: str
    program: str = ""

    def describe(self) -> str:
        """'Planner (pid 4242, user ann on host laptop) since 2025-06-02 09:14'."""
        program = self.program or "Planner"
        since = self.started.replace("T", " ")[:16]
        return f"{program} (pid {self.pid}, user {self.user} on host {self.host}) since {since}"

    def is_running(self) -> bool | None:
        """True/False when the pid can be checked on this host, None for another host."""
        if self.host != socket.gethostname():
            return None
        return pid_alive(self.pid)


class LockHeld(Exception):
    """The workspace is being written by another process (named in the message)."""

    def __init__(self, lock_path: Path, holder: LockHolder | None):
        self.lock_path = lock_path
        self.holder = holder
        who = holder.describe() if holder else "another program"
        super().__init__(f"it is open for writing in {who}")


def lock_path_for(workspace: str | os.PathLike[str]) -> Path:
    """The lock file's path: next to the workspace's real file (symlinks resolved), named
    after it."""
    path = Path(os.path.realpath(workspace))
    return path.with_name(path.name + LOCK_SUFFIX)


def _identity(workspace: str | os.PathLike[str]) -> tuple[int, int] | None:
    """(device, inode) of the workspace file, the same by every name; None before it exists."""
    try:
        info = os.stat(workspace)
    except OSError:
        return None
    return (info.st_dev, info.st_ino) if info.st_ino else None


def _identity_lock_path(identity: tuple[int, int]) -> Path | None:
    """The lock keyed on the file's identity, in the temporary folder (None if unusable)."""
    folder = Path(tempfile.gettempdir()) / "planner-locks"
    try:
        if not folder.is_dir():
            folder.mkdir(exist_ok=True)
            with contextlib.suppress(OSError):
                folder.chmod(0o1777)  # every user's Planner can lock here; sticky
    except OSError:
        return None
    return folder / f"{identity[0]}-{identity[1]}{LOCK_SUFFIX}"


def pid_alive(pid: int) -> bool:
    """Whether a process with this pid runs on this machine."""
    if pid <= 0:
        return False
    if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
        import ctypes

        handle = ctypes.windll.kernel32.OpenProcess(0x1000, False, pid)
        if not handle:
            return False
        ctypes.windll.kernel32.CloseHandle(handle)
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def read_holder(lock_path: str | os.PathLike[str]) -> LockHolder | None:
    """The holder written in a lock file; None when there is none or it cannot be read."""
    try:
        with open(lock_path, encoding="utf-8") as handle:
            return _parse_holder(handle.read(4096))
    except OSError:
        return None


def _parse_holder(text: str) -> LockHolder | None:
    try:
        data = json.loads(text)
        return LockHolder(int(data["pid"]), str(data["host"]), str(data.get("user", "")),
                          str(data.get("started", "")), str(data.get("program", "")))
    except (ValueError, KeyError, TypeError):
        return None


def _me(program: str) -> LockHolder:
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = str(os.getuid()) if hasattr(os, "getuid") else "?"
    return LockHolder(os.getpid(), socket.gethostname(), user,
                      dt.datetime.now().isoformat(timespec="seconds"), program)


# ---------------------------------------------------------------------------------------------
# OS locks

def _os_lock(fd: int) -> bool:
    """Take the OS lock without waiting: True if taken, False if another process holds it.

    Raises OSError (errno in _NO_OS_LOCKS) when the file system has no locks."""
    if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
        import msvcrt

        os.lseek(fd, _WINDOWS_LOCK_OFFSET, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    except OSError as exc:
        if exc.errno in (errno.EAGAIN, errno.EACCES):
            return False
        raise
    return True


def _read_fd(fd: int) -> str:
    os.lseek(fd, 0, os.SEEK_SET)
    return os.read(fd, 4096).decode("utf-8", errors="replace")


def _write_fd(fd: int, holder: LockHolder) -> None:
    data = json.dumps(asdict(holder)).encode()
    os.lseek(fd, 0, os.SEEK_SET)
    os.ftruncate(fd, 0)
    os.write(fd, data)
    os.fsync(fd)


def _same_file(fd: int, path: Path) -> bool:
    try:
        a, b = os.fstat(fd), os.stat(path)
    except FileNotFoundError:
        return False
    return (a.st_dev, a.st_ino) == (b.st_dev, b.st_ino)


# ---------------------------------------------------------------------------------------------
# Taking and releasing

@dataclass
class _Held:
    fd: int
    count: int
    path: Path
    identity: tuple[int, int] | None = None
    identity_fd: int | None = None
    identity_path: Path | None = None


_HELD: dict[str, _Held] = {}
_GUARD = threading.Lock()


def _take(lock_path: Path, me: LockHolder) -> tuple[int, LockHolder | None]:
    """Open and lock the lock file; (fd, stale holder found in it or None). Raises LockHeld."""
    flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
    for _attempt in range(10):
        fd = os.open(lock_path, flags, 0o600)
        try:
            try:
                locked = _os_lock(fd)
            except OSError as exc:
                if exc.errno not in _NO_OS_LOCKS:
                    raise
                locked = _pid_decides(fd, lock_path)
            if not locked:
                raise LockHeld(lock_path, _parse_holder(_read_fd(fd)))
            if not _same_file(fd, lock_path):  # released and removed meanwhile: try again
                os.close(fd)
                continue
            previous = _parse_holder(_read_fd(fd))
            _write_fd(fd, me)
            return fd, previous
        except BaseException:
            with contextlib.suppress(OSError):
                os.close(fd)
            raise
    raise LockHeld(lock_path, read_holder(lock_path))


def _pid_decides(fd: int, lock_path: Path) -> bool:
    """Without OS locks: free when empty, ours, or its pid no longer runs on this host."""
    holder = _parse_holder(_read_fd(fd))
    if holder is None:
        return True
    running = holder.is_running()
    return running is False or bool(running and holder.pid == os.getpid())


def acquire(workspace: str | os.PathLike[str], *,
            program: str = "") -> tuple[Callable[[], None], LockHolder | None]:
    """Take the write lock of ``workspace``: (release function, stale holder cleared or None).

    Raises LockHeld naming the holder when another process writes the workspace, and OSError
    when the lock file cannot be created (read-only folder, permission denied)."""
    lock_path = lock_path_for(workspace)
    identity = _identity(workspace)
    with _GUARD:
        found = _held_key(lock_path, identity)
        key = found or os.path.realpath(lock_path)
        stale = None
        if found is not None:
            _HELD[found].count += 1
        else:
            me = _me(program)
            fd, stale = _take(lock_path, me)
            if stale is not None and stale.pid == os.getpid() and stale.host == socket.gethostname():
                stale = None  # our own earlier lock (e.g. before a fork or an unclean close)
            _HELD[key] = _Held(fd, 1, lock_path, identity)
            try:
                _take_identity(_HELD[key], me)
            except BaseException:
                _HELD[key].count = 1
                _release_locked(key)
                raise
    released = threading.Event()

    def release() -> None:
        if released.is_set():
            return
        released.set()
        _release(key)

    return release, stale


def _held_key(lock_path: Path, identity: tuple[int, int] | None) -> str | None:
    """The key of this process's lock on the workspace, by its real path or its identity."""
    key = os.path.realpath(lock_path)
    if key in _HELD:
        return key
    if identity is not None:
        for other, held in _HELD.items():
            if held.identity == identity:
                return other
    return None


def _take_identity(held: _Held, me: LockHolder) -> None:
    """Take the lock keyed on the workspace file's identity (LockHeld when another process
    writes the same file under another name). Skipped where it cannot be made."""
    if held.identity is None:
        return
    path = _identity_lock_path(held.identity)
    if path is None:
        return
    try:
        held.identity_fd, _stale = _take(path, me)
    except LockHeld:
        raise
    except OSError:
        return  # e.g. another user's lock file of a reused inode: the path lock still holds
    held.identity_path = path


def _release(key: str) -> None:
    with _GUARD:
        _release_locked(key)


def _release_locked(key: str) -> None:
    held = _HELD.get(key)
    if held is None:
        return
    held.count -= 1
    if held.count > 0:
        return
    del _HELD[key]
    if held.identity_fd is not None and held.identity_path is not None:
        _drop(held.identity_fd, held.identity_path)
    _drop(held.fd, held.path)


def _drop(fd: int, path: Path) -> None:
    """Remove a lock file we hold and close it."""
    if sys.platform == "win32":  # pragma: no cover - Windows cannot remove an open file
        with contextlib.suppress(OSError):
            os.close(fd)
        with contextlib.suppress(OSError):
            path.unlink()
        return
    # Remove while still locked, then close: a process that opened the old file notices
    # (its file is no longer the one at the path) and tries again.
    if _same_file(fd, path):
        with contextlib.suppress(OSError):
            path.unlink()
    with contextlib.suppress(OSError):
        os.close(fd)


def holds_lock(workspace: str | os.PathLike[str]) -> bool:
    """Whether this process holds the write lock of ``workspace``."""
    with _GUARD:
        return _held_key(lock_path_for(workspace), _identity(workspace)) is not None


def current_holder(workspace: str | os.PathLike[str]) -> LockHolder | None:
    """Who holds the write lock of ``workspace`` now; None when nobody (a stale file is nobody)."""
    lock_path = lock_path_for(workspace)
    if holds_lock(workspace):
        return read_holder(lock_path)
    try:
        fd = os.open(lock_path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return None
    try:
        holder = _parse_holder(_read_fd(fd))
        if sys.platform != "win32":
            import fcntl

            try:
                fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
            except BlockingIOError:
                return holder
            except OSError:
                return holder if holder and holder.is_running() is not False else None
            return None  # nobody holds the OS lock: stale
        return holder if holder and holder.is_running() is not False else None
    finally:
        os.close(fd)


@atexit.register
def _release_all() -> None:
    for key in list(_HELD):
        held = _HELD.get(key)
        if held is not None:
            held.count = 1
            _release(key)
