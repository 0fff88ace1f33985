"""Data safety, round two (issue 18): what an adversarial test of the landed app broke."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from planner.store import open_workspace
from planner.store.backup import BackupError, create_backup, read_backup_info, verify_backup

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


# ---------------------------------------------------------------------------------------------
# 2. One impossible receipt date does not move a supplier's lead time

def _plan(path: Path):
    from planner.planning import load_planning_data, run_plan

    db = open_workspace(path, read_only=True)
    try:
        return run_plan(load_planning_data(db, dt.date(2025, 6, 2)))
    finally:
        db.conn.close()


def test_a_receipt_dated_1900_leaves_the_reorder_points_alone(demo_path):
    before = _plan(demo_path).skus.set_index("sku")
    db = open_workspace(demo_path)
    po_number, sku, supplier = db.execute(
        "SELECT l.po_number, l.sku, h.supplier FROM po_lines l JOIN purchase_orders h "
        "USING (po_number) WHERE l.received_date IS NOT NULL "
        "AND h.supplier = 'Cascade Coffee Roasters' LIMIT 1").fetchone()
    # as an older Planner would have stored it (today's import refuses the date)
    db.execute("UPDATE po_lines SET received_date = '1900-01-01' WHERE po_number = ? AND sku = ?",
               [po_number, sku])
    db.conn.commit()
    db.conn.close()
    plan = _plan(demo_path)
    after = plan.skus.set_index("sku")
    theirs = before.index[before["supplier"] == supplier]
    assert len(theirs) > 0
    for column in ("reorder_point", "lead_time_days", "lead_time_std_days"):
        assert after.loc[theirs, column].to_numpy() == pytest.approx(
            before.loc[theirs, column].to_numpy(), rel=0.1, abs=1.0), column
    notes = [w for w in plan.warnings if w["kind"] == "receipt_ignored_for_lead_time"]
    assert notes and notes[0]["count"] == 1 and supplier in notes[0]["message"]


def _problems(tmp_path: Path, name: str, text: str | bytes, **kwargs) -> list[str]:
    """The problems check_files finds in a file with this content (none: [])."""
    from planner.store.importers import ImportRejected
    from planner.store.importers.importing import check_files

    path = tmp_path / name
    if isinstance(text, str):
        path.write_text(text, encoding="utf-8")
    else:
        path.write_bytes(text)
    try:
        check_files([path], **kwargs)
    except ImportRejected as exc:
        return [str(p) for p in exc.problems]
    return []


def test_impossible_po_dates_are_refused_at_import(tmp_path):
    found = _problems(tmp_path, "po.csv", (
        "po_number,sku,quantity,order_date,expected_date,received_date,received_quantity\n"
        "PO-1,A,10,2024-03-01,2024-03-31,1900-01-01,10\n"     # before the sane range
        "PO-1,B,10,,2024-02-01,,\n"                             # expected before ordered
        "PO-2,A,10,2024-03-01,2024-03-31,2024-02-27,10\n"     # received before ordered
        "PO-3,A,10,2024-03-01,2300-03-31,,\n"                   # after the sane range
        "PO-4,A,10,2024-03-01,2024-03-31,2024-03-30,10\n"))   # fine
    assert len(found) == 4, found
    assert "row 2, column received_date" in found[0] and "1970-01-01 to 2099-12-31" in found[0]
    assert "row 3, column expected_date" in found[1] and "before it was ordered" in found[1]
    assert "row 4, column received_date" in found[2] and "before it was ordered" in found[2]
    assert "row 5, column expected_date" in found[3] and "2099-12-31" in found[3]


# ---------------------------------------------------------------------------------------------
# 6. Every number has a range; one bad stored value never takes the plan down

def test_numbers_out_of_range_or_infinite_are_refused_naming_the_range(tmp_path):
    found = _problems(tmp_path, "products.csv", (
        "sku,unit_cost,lead_time_days,lead_time_std_days\n"
        "A,1e309,100000,1e308\n"
        "B,2.5,1e308,3\n"
        "C,2.5,730,365\n"))
    assert len(found) == 4, found
    # refused, cell named (pandas 3 reads 1e309 as infinity, pandas 2.2 not as a number at all)
    assert "row 2, column unit_cost: '1e309'" in found[0]
    assert "finite" in found[0] or "not a number" in found[0]
    assert "row 2, column lead_time_days: '100000'" in found[1] and "from 0 to 730" in found[1]
    assert "lead_time_std_days: '1e308'" in found[2] and "from 0 to 365" in found[2]
    assert "row 3, column lead_time_days: '1e308'" in found[3]


def test_plan_backorders_and_pdfs_survive_a_stored_lead_time_of_1e308(demo_path, tmp_path):
    import math
    import sqlite3

    from planner.cli import main

    conn = sqlite3.connect(demo_path)
    sku = conn.execute("SELECT sku FROM products ORDER BY sku LIMIT 1").fetchone()[0]
    conn.execute("UPDATE products SET lead_time_days = 1e308, lead_time_std_days = 1e308, "
                 "unit_cost = 9e999 WHERE sku = ?", [sku])
    conn.execute("UPDATE suppliers SET lead_time_days = 100000")
    conn.commit()
    conn.close()
    plan = _plan(demo_path)
    row = plan.skus.set_index("sku").loc[sku]
    assert math.isfinite(row["reorder_point"]) and row["lead_time_days"] <= 730
    assert {w["kind"] for w in plan.warnings} >= {"unplannable_products_number",
                                                  "unplannable_suppliers_number"}
    assert main(["backorders", str(demo_path), "--as-of", "2025-06-02",
                 "--json", str(tmp_path / "q.json")]) == 0
    assert main(["export-pdf", str(demo_path), "--as-of", "2025-06-02",
                 "--out", str(tmp_path / "pdf")]) == 0


# ---------------------------------------------------------------------------------------------
# 3. Decimal and thousands separators, per column, from the whole file



def _costs(tmp_path: Path, text: str, **kwargs) -> list[tuple]:
    from planner.store.importers import import_files

    path = tmp_path / "products.csv"
    path.write_text(text, encoding="utf-8")
    db = open_workspace(tmp_path / "costs.db")
    try:
        import_files(db, [path], **kwargs)
        return db.execute("SELECT sku, unit_cost, unit_price FROM products ORDER BY sku").fetchall()
    finally:
        db.conn.close()


def test_a_semicolon_file_with_decimal_points_is_read_as_written(tmp_path):
    assert _costs(tmp_path, "sku;unit_cost;unit_price\n0454;0.125;1.250\n") == [
        ("0454", 0.125, 1.25)]


def test_decimal_commas_and_thousands_points_per_column(tmp_path):
    assert _costs(tmp_path, "sku;unit_cost;unit_price\nA;0,125;1.250\nB;2,5;1.250,5\n") == [
        ("A", 0.125, 1250.0), ("B", 2.5, 1250.5)]


def test_a_column_nothing_decides_is_refused_by_name_until_the_user_says(tmp_path):
    found = _problems(tmp_path, "p.csv", "sku;unit_cost;unit_price\nA;1.125;1.250\nB;3;4\n")
    assert len(found) == 2, found
    assert "column unit_cost" in found[0] and "--decimal" in found[0]
    assert "column unit_price" in found[1] and "'1.250'" in found[1]
    text = "sku;unit_cost;unit_price\nA;1.125;1.250\n"
    assert _costs(tmp_path, text, decimal=".") == [("A", 1.125, 1.25)]
    assert _costs(tmp_path, text, decimal=",") == [("A", 1125.0, 1250.0)]


def test_cli_import_takes_the_decimal_separator(tmp_path):
    from planner.cli import main

    path = tmp_path / "p.csv"
    path.write_text("sku;unit_cost;unit_price\nA;1.125;1.250\n")
    assert main(["import", str(tmp_path / "cli.db"), str(path)]) != 0
    assert main(["import", str(tmp_path / "cli.db"), str(path), "--decimal", "."]) == 0


# ---------------------------------------------------------------------------------------------
# 4. One Windows-1252 byte in a UTF-8 file: the file stays UTF-8, the cell is named

def test_one_windows_1252_byte_in_a_utf8_file_is_refused_by_row_and_column(tmp_path):
    rows = ["sku,name"] + [f"A{i},Mug 12 oz – Sage é {i}" for i in range(16)]
    data = "\n".join(rows).encode("utf-8") + b"\nB1,Caf\xe9 noir\n"
    found = _problems(tmp_path, "products.csv", data)
    assert len(found) == 1, found
    assert "row 18, column name" in found[0] and "UTF-8" in found[0]


def test_a_windows_1252_file_is_still_read_as_windows_1252(tmp_path):
    from planner.store.importers.importing import check_files

    path = tmp_path / "products.csv"
    path.write_bytes("sku,name\nA,Café – noir\n".encode("cp1252"))
    [parsed] = check_files([path])
    assert parsed.frame["name"].tolist() == ["Café – noir"]


# ---------------------------------------------------------------------------------------------
# 8. Old Mac line endings (CR only)

def test_a_cr_only_csv_is_read(tmp_path):
    from planner.store.importers.importing import check_files

    path = tmp_path / "products.csv"
    path.write_bytes(b"sku,name,unit_cost\r" + b"".join(
        f"A{i},Mug {i},1.5\r".encode() for i in range(20_000)))
    [parsed] = check_files([path])
    assert len(parsed.frame) == 20_000 and parsed.frame["sku"].iat[-1] == "A19999"


# ---------------------------------------------------------------------------------------------
# 5. An XLSX whose shared strings unpack to far more than any export, at a modest ratio

def test_a_workbook_with_huge_shared_strings_is_refused_unread(tmp_path):
    import io
    import zipfile

    from openpyxl import Workbook

    from planner.store.importers.guards import HostileFile, check_file

    book = Workbook()
    book.active.append(["sku", "on_hand"])
    out = io.BytesIO()
    book.save(out)
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(io.BytesIO(out.getvalue())) as source, \
            zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item, source.read(item))
        strings = b"".join(b"<si><t>ORD-%09d-%x</t></si>" % (i, i * 7919)
                           for i in range(1_300_000))
        target.writestr("xl/sharedStrings.xml", b'<sst xmlns="http://schemas.openxmlformats.org'
                        b'/spreadsheetml/2006/main">' + strings + b"</sst>")
    info = zipfile.ZipFile(path).getinfo("xl/sharedStrings.xml")
    assert info.file_size > 32 * 1024**2 and info.file_size / info.compress_size < 200
    with pytest.raises(HostileFile, match="shared text"):
        check_file(path)


# ---------------------------------------------------------------------------------------------
# 10. A kill while restoring a damaged workspace never leaves no workspace

def _damage(path: Path) -> bytes:
    damaged = b"SQLite format 3\x00" + b"\x13" * 50_000
    path.write_bytes(damaged)
    return damaged


def test_a_restore_killed_before_its_last_rename_is_finished_on_open(demo_path, monkeypatch,
                                                                     capsys):
    import os

    from planner.cli import main
    from planner.store import backup as backups

    db = open_workspace(demo_path)
    good = create_backup(db)
    count = db["products"].count
    db.conn.close()
    damaged = _damage(demo_path)
    real_replace = os.replace

    def killed(source, target):
        if str(source).endswith(".restoring") and Path(target) == demo_path:
            raise KeyboardInterrupt  # the kill, just before the copy takes the workspace's name
        return real_replace(source, target)

    monkeypatch.setattr(backups.os, "replace", killed)
    with pytest.raises(KeyboardInterrupt):
        backups.restore(demo_path, good.path)
    monkeypatch.setattr(backups.os, "replace", real_replace)
    assert demo_path.read_bytes() == damaged  # the workspace is still there, as it was
    assert Path(f"{demo_path}.restoring").exists()
    assert main(["info", str(demo_path)]) == 0  # finishes the restore instead of "no such"
    assert not Path(f"{demo_path}.restoring").exists()
    reopened = open_workspace(demo_path, read_only=True)
    assert reopened["products"].count == count
    reopened.conn.close()
    assert [p for p in demo_path.parent.iterdir() if ".damaged-" in p.name
            and p.read_bytes() == damaged]


def test_the_leftover_of_an_older_planners_killed_restore_is_finished(demo_path):
    import shutil

    from planner.cli import main

    db = open_workspace(demo_path)
    count = db["products"].count
    db.conn.close()
    # what the old restore left: the damaged file moved aside, the finished copy not renamed
    shutil.copy2(demo_path, f"{demo_path}.restoring")
    demo_path.rename(f"{demo_path}.damaged-20250101-000000-000000")
    assert main(["info", str(demo_path)]) == 0
    reopened = open_workspace(demo_path)
    assert reopened["products"].count == count
    reopened.conn.close()


def test_an_incomplete_restoring_copy_beside_a_healthy_workspace_is_removed(demo_path):
    Path(f"{demo_path}.restoring").write_bytes(b"SQLite format 3\x00" + b"\x00" * 100)
    before = demo_path.read_bytes()
    open_workspace(demo_path).conn.close()
    assert not Path(f"{demo_path}.restoring").exists()
    assert open_workspace(demo_path, read_only=True)["products"].count > 0
    assert len(before) > 0


# ---------------------------------------------------------------------------------------------
# 11. A workspace whose schema Planner did not write is refused, with a way to recover the data

def _tamper(path: Path, sql: str) -> None:
    import sqlite3

    conn = sqlite3.connect(path)
    conn.executescript(sql)
    conn.close()


def test_a_planted_trigger_is_refused_before_it_can_run(demo_path, tmp_path):
    from planner.cli import main
    from planner.store.importers import import_files
    from planner.store.schema_check import ForeignSchema

    _tamper(demo_path, "CREATE TRIGGER wipe AFTER INSERT ON import_log BEGIN "
                       "DELETE FROM sales; END;")
    sales = _count(demo_path, "sales")
    path = tmp_path / "products.csv"
    path.write_text("sku,name\nNEW-1,New\n")
    with pytest.raises(ForeignSchema, match="trigger wipe") as refused:
        db = open_workspace(demo_path)
        import_files(db, [path])
    assert "import them into a new workspace" in str(refused.value)
    assert _count(demo_path, "sales") == sales
    with pytest.raises(ForeignSchema):
        open_workspace(demo_path, read_only=True)
    assert main(["info", str(demo_path)]) != 0


def _count(path: Path, table: str) -> int:
    import sqlite3

    conn = sqlite3.connect(path)
    try:
        return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    finally:
        conn.close()


def test_a_removed_check_constraint_is_refused(demo_path):
    from planner.store.schema_check import ForeignSchema

    sql = _sql_of(demo_path, "backorders")
    loose = sql.replace("CHECK (quantity > 0)", "").replace("CHECK(quantity > 0)", "")
    assert loose != sql
    import sqlite3

    conn = sqlite3.connect(demo_path, isolation_level=None)
    conn.execute("PRAGMA writable_schema = ON")
    conn.execute("UPDATE sqlite_master SET sql = ? WHERE name = 'backorders'", [loose])
    conn.execute("PRAGMA writable_schema = OFF")
    conn.close()
    with pytest.raises(ForeignSchema, match="backorders: its columns or constraints differ"):
        open_workspace(demo_path)


def _sql_of(path: Path, table: str) -> str:
    import sqlite3

    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT sql FROM sqlite_master WHERE name = ?", [table]).fetchone()[0]
    finally:
        conn.close()


def test_a_workspace_from_the_first_schema_upgrades_and_passes(tmp_path):
    from sqlite_utils import Database

    from planner.store.schema import migrations
    from planner.store.schema_check import schema_differences

    path = tmp_path / "old.db"
    old = Database(path)
    names = [m.name for m in migrations._migrations]
    migrations.apply(old, stop_before=names[1])  # as Planner with schema 1 wrote it
    old.execute("PRAGMA user_version = 1")
    old.conn.close()
    db = open_workspace(path)  # upgrades
    assert schema_differences(db.conn) == []
    db.conn.close()
    open_workspace(path, read_only=True).conn.close()


# ---------------------------------------------------------------------------------------------
# 12. Disk full said as such; nothing left behind; no terminal escapes; private outputs

def test_a_full_disk_during_an_import_is_called_a_full_disk_and_where(demo_path, tmp_path):
    """SQLite says 'database or disk is full' (SQLITE_FULL) when a write finds no room; a
    max_page_count just above the workspace's size makes it say so here."""
    from planner.store.importers import import_files
    from planner.store.workspace import WorkspaceError

    sales = tmp_path / "sales.csv"
    sku = _sql_value(demo_path, "SELECT sku FROM products LIMIT 1")
    sales.write_text("date,sku,quantity,order_id\n" + "".join(
        f"2025-0{1 + k % 5}-{1 + k % 28:02d},{sku},1,X-{k}\n" for k in range(30_000)))
    db = open_workspace(demo_path)
    create_backup(db, reason="import")  # a fresh backup: the import's own one is skipped
    pages = db.execute("PRAGMA page_count").fetchone()[0]
    db.execute(f"PRAGMA max_page_count = {pages + 5}")
    with pytest.raises(WorkspaceError) as failed:
        import_files(db, [sales])
    db.conn.close()
    message = str(failed.value)
    assert f"the disk holding {demo_path.parent}" in message and "is full" in message
    assert "nothing was imported" in message and "fix these problems" not in message


def _sql_value(path: Path, sql: str):
    import sqlite3

    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql).fetchone()[0]
    finally:
        conn.close()


def test_a_full_disk_during_a_backup_says_so_and_leaves_no_partial_files(demo_path,
                                                                        monkeypatch):
    import shutil
    import sqlite3
    from collections import namedtuple

    from planner.store import backup as backups

    def full_disk_copy(conn, target):  # as SQLite fails on ENOSPC: an I/O error, WAL files left
        Path(f"{target}-wal").write_bytes(b"x")
        Path(f"{target}-shm").write_bytes(b"x")
        raise sqlite3.OperationalError("disk I/O error")

    usage = namedtuple("usage", "total used free")
    monkeypatch.setattr(backups, "_write_copy", full_disk_copy)
    monkeypatch.setattr(shutil, "disk_usage", lambda _folder: usage(10**9, 10**9, 4096))
    db = open_workspace(demo_path)
    with pytest.raises(BackupError, match="the disk holding .* is full") as failed:
        backups.before_write(db, reason="import sales.csv")
    db.conn.close()
    assert "input/output" not in str(failed.value)
    assert list(backups.backup_folder(demo_path).iterdir()) == []


def test_terminal_escapes_in_an_order_id_are_not_printed(demo_path, tmp_path, capsys):
    from planner.cli import main

    sku = _sql_value(demo_path, "SELECT sku FROM products LIMIT 1")
    orders = tmp_path / "backorders.csv"
    orders.write_text("order_id,sku,quantity,order_date,customer\n"
                      f"\x1b]0;pwned\x07\x1b[2JSO-1,{sku},2,2025-05-30,\x1b[31mAda\n"
                      + "".join(f"SO-{k},{sku},1,2025-05-30,Customer number {k}\n"
                                for k in range(2, 60)), encoding="utf-8")
    assert main(["import", str(demo_path), str(orders)]) == 0
    capsys.readouterr()
    assert main(["backorders", str(demo_path), "--as-of", "2025-06-02"]) == 0
    out = capsys.readouterr().out
    assert "SO-1" in out and "\x1b" not in out and "\x07" not in out


def test_customer_updates_and_pdfs_get_the_workspaces_file_mode(demo_path, tmp_path):
    import os
    import stat

    from planner.cli import main

    os.chmod(demo_path, 0o600)
    old = os.umask(0o022)
    try:
        updates = tmp_path / "updates.csv"
        assert main(["backorders", str(demo_path), "--as-of", "2025-06-02",
                     "--updates", str(updates)]) == 0
        assert main(["export-pdf", str(demo_path), "--as-of", "2025-06-02",
                     "--out", str(tmp_path / "pdf")]) == 0
    finally:
        os.umask(old)
    written = [updates, *(tmp_path / "pdf").iterdir()]
    assert len(written) > 1
    assert {stat.S_IMODE(p.stat().st_mode) for p in written} == {0o600}
