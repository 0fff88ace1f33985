"""Imports against a hostile environment: a full disk, a locked file, a read-only workspace.
Each gives a clear error and writes nothing; the workspace keeps working afterwards."""

from __future__ import annotations

import datetime as dt
import hashlib
import sqlite3
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from planner.demo import write_demo
from planner.store import WorkspaceError, open_workspace
from planner.store.backup import before_write, restore
from planner.store.importers import ImportRejected, import_files


def digest(db) -> dict[str, tuple[int, str]]:
    out = {}
    for table in sorted(db.table_names()):
        rows = db.execute(f'SELECT * FROM "{table}" ORDER BY 1, 2').fetchall()
        out[table] = (len(rows), hashlib.sha256(repr(rows).encode()).hexdigest())
    return out


@pytest.fixture
def shop(tmp_path) -> Path:
    path = tmp_path / "shop.db"
    db = open_workspace(path)
    write_demo(db, skus=20, years=1, seed=3, as_of=dt.date(2025, 6, 2))
    db.conn.close()
    return path


def sales_csv(folder: Path, db, lines: int) -> Path:
    skus = [r[0] for r in db.execute("SELECT sku FROM products")]
    rng = np.random.default_rng(3)
    path = folder / "sales.csv"
    pd.DataFrame({
        "date": (np.datetime64("2025-01-01") + rng.integers(0, 150, lines)).astype(
            "datetime64[D]").astype(str),
        "sku": np.asarray(skus)[rng.integers(0, len(skus), lines)],
        "quantity": rng.integers(1, 4, lines),
        "order_id": np.char.add("NEW-", np.arange(lines).astype(str)),
    }).to_csv(path, index=False)
    return path


def test_an_import_that_fills_the_disk_says_so_and_writes_nothing(shop, tmp_path):
    db = open_workspace(shop)
    before = digest(db)
    csv_path = sales_csv(tmp_path, db, 40_000)
    pages = db.execute("PRAGMA page_count").fetchone()[0]
    db.execute(f"PRAGMA max_page_count = {pages + 40}")  # about 160 kB of room: SQLITE_FULL
    with pytest.raises(WorkspaceError) as caught:  # the disk, not the data, is the problem
        import_files(db, [csv_path])
    message = str(caught.value)
    assert "is full" in message and "nothing was imported" in message
    assert str(tmp_path) in message or str(shop.parent) in message  # and where
    assert digest(db) == before
    assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]

    db.execute("PRAGMA max_page_count = 1073741823")  # space again: the same import works
    [summary] = import_files(db, [csv_path])
    assert summary.inserted == 40_000
    db.conn.close()


def test_an_import_into_a_file_another_program_locked_writes_nothing(shop, tmp_path):
    db = open_workspace(shop)
    before = digest(db)
    csv_path = sales_csv(tmp_path, db, 1_000)
    other = sqlite3.connect(shop, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another program holds the write lock
    db.execute("PRAGMA busy_timeout = 200")
    try:
        with pytest.raises(ImportRejected, match="locked"):
            import_files(db, [csv_path])
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert digest(db) == before
    db.conn.close()


def test_a_read_only_workspace_refuses_an_import_and_stays_as_it_was(shop, tmp_path):
    db = open_workspace(shop, read_only=True)
    before = digest(db)
    csv_path = sales_csv(tmp_path, db, 500)
    with pytest.raises(ImportRejected, match="nothing was imported"):
        import_files(db, [csv_path])
    assert digest(db) == before
    db.conn.close()


def test_the_backup_before_an_import_undoes_it(shop, tmp_path):
    db = open_workspace(shop)
    before = digest(db)
    backup = before_write(db, reason="import sales.csv")
    import_files(db, [sales_csv(tmp_path, db, 2_000)])
    assert digest(db)["sales"] != before["sales"]
    db.conn.close()
    restore(shop, backup.path)
    db = open_workspace(shop)
    assert digest(db) == before
    db.conn.close()
