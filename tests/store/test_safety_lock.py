"""One writer per workspace: a second writer is told who holds it; a crashed writer's lock is
cleared; readers are never blocked."""

from __future__ import annotations

import gc
import json
import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from planner.store import open_workspace
from planner.store.lock import current_holder, lock_path_for, read_holder
from planner.store.workspace import WorkspaceLocked, read_only_reason, stale_lock

ROOT = Path(__file__).resolve().parents[2]

_WRITER = textwrap.dedent("""
    import sys, time
    from planner.store import open_workspace
    db = open_workspace(sys.argv[1])
    db.execute("INSERT INTO products(sku) VALUES ('FROM-CHILD')")
    print("holding", flush=True)
    time.sleep(120)
""")

_SECOND = textwrap.dedent("""
    import json, sys
    from planner.store import open_workspace
    from planner.store.workspace import WorkspaceLocked, read_only_reason, stale_lock
    out = {}
    try:
        open_workspace(sys.argv[1])
        out["writer"] = "opened"
    except WorkspaceLocked as exc:
        out["writer"] = str(exc)
        out["read_only_possible"] = exc.read_only_possible
    db = open_workspace(sys.argv[1], read_only=True)
    out["products"] = db["products"].count
    out["reason"] = read_only_reason(db)
    print(json.dumps(out))
""")


def start_writer(path: Path) -> subprocess.Popen:
    child = subprocess.Popen([sys.executable, "-c", _WRITER, str(path)], cwd=ROOT,
                             stdout=subprocess.PIPE, text=True)
    assert child.stdout.readline().strip() == "holding"
    return child


def test_a_second_writer_is_told_who_holds_the_workspace_and_offered_read_only(workspace_path):
    holder = start_writer(workspace_path)
    try:
        with pytest.raises(WorkspaceLocked) as caught:
            open_workspace(workspace_path)
        message = str(caught.value)
        assert f"pid {holder.pid}" in message and socket.gethostname() in message
        assert "read-only" in message and caught.value.read_only_possible
        assert caught.value.holder.pid == holder.pid

        db = open_workspace(workspace_path, read_only=True)
        assert db["products"].count == 1
        assert f"pid {holder.pid}" in read_only_reason(db)
        db.conn.close()

        other = subprocess.run([sys.executable, "-c", _SECOND, str(workspace_path)], cwd=ROOT,
                               capture_output=True, text=True, timeout=60)
        out = json.loads(other.stdout)
        assert f"pid {holder.pid}" in out["writer"] and out["read_only_possible"]
        assert out["products"] == 1
    finally:
        holder.terminate()
        holder.wait()


def test_a_lock_left_by_a_killed_writer_is_cleared(workspace_path):
    holder = start_writer(workspace_path)
    holder.send_signal(signal.SIGKILL)
    holder.wait()
    assert read_holder(lock_path_for(workspace_path)).pid == holder.pid  # left behind
    assert current_holder(workspace_path) is None  # ... and recognised as stale

    db = open_workspace(workspace_path)
    assert stale_lock(db).pid == holder.pid  # the app can say: Planner did not close last time
    assert db.execute("SELECT sku FROM products").fetchall() == [("FROM-CHILD",)]
    assert read_holder(lock_path_for(workspace_path)).pid == os.getpid()
    db.conn.close()
    assert not lock_path_for(workspace_path).exists()


def test_a_lock_file_naming_a_dead_process_does_not_block(workspace_path):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    lock_path_for(workspace_path).write_text(json.dumps(
        {"pid": dead.pid, "host": socket.gethostname(), "user": "ann",
         "started": "2025-01-01T09:00:00", "program": "Planner"}))
    db = open_workspace(workspace_path)
    assert read_holder(lock_path_for(workspace_path)).pid == os.getpid()
    db.conn.close()


def test_opening_twice_in_one_process_shares_the_lock(workspace_path):
    first = open_workspace(workspace_path)
    assert stale_lock(first) is None
    second = open_workspace(workspace_path)
    first.conn.close()
    assert lock_path_for(workspace_path).exists()
    second.execute("INSERT INTO products(sku) VALUES ('A')")
    second.conn.close()
    assert not lock_path_for(workspace_path).exists()


def test_a_forgotten_connection_releases_its_lock(workspace_path):
    db = open_workspace(workspace_path)
    assert lock_path_for(workspace_path).exists()
    del db
    gc.collect()
    deadline = time.monotonic() + 5
    while lock_path_for(workspace_path).exists() and time.monotonic() < deadline:
        gc.collect()
        time.sleep(0.05)
    assert not lock_path_for(workspace_path).exists()


def test_a_refused_open_leaves_the_holders_lock_alone(workspace_path):
    holder = start_writer(workspace_path)
    try:
        for _ in range(3):
            with pytest.raises(WorkspaceLocked):
                open_workspace(workspace_path)
        assert read_holder(lock_path_for(workspace_path)).pid == holder.pid
        assert current_holder(workspace_path).pid == holder.pid
    finally:
        holder.terminate()
        holder.wait()
