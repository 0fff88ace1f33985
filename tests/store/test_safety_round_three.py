"""Data safety, round three (issue 26): what an adversarial test of the new features broke."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from planner.store import open_workspace
from planner.store.importers import ImportRejected
from planner.store.importers.importing import check_files, import_files

AS_OF = dt.date(2025, 6, 2)


def _problems(path: Path, **kwargs) -> list[str]:
    """The problems check_files finds in a file (none: [])."""
    try:
        check_files([path], **kwargs)
    except ImportRejected as exc:
        return [str(p) for p in exc.problems]
    return []


# ---------------------------------------------------------------------------------------------
# 1. A stray quote never swallows the rest of a file

def _stock_rows(path: Path) -> list[tuple]:
    db = open_workspace(path, read_only=True)
    try:
        return db.execute("SELECT sku, on_hand, location, snapshot_date FROM inventory "
                          "ORDER BY 1, 2, 3, 4").fetchall()
    finally:
        db.conn.close()


def _snapshot_text(path: Path, *, encoding: str = "utf-8") -> tuple[Path, str]:
    """A 20-row snapshot of the demo's SKUs whose 4th row opens a quote that never closes."""
    db = open_workspace(path, read_only=True)
    skus = [r[0] for r in db.execute("SELECT sku FROM products ORDER BY sku LIMIT 20")]
    db.conn.close()
    lines = ["sku,on_hand,snapshot_date,location"]
    lines += [f"{sku},{7 + i},2025-06-02,main" for i, sku in enumerate(skus)]
    lines[4] = lines[4].replace(",main", ',"main')
    file = path.parent / "count.csv"
    file.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    return file, skus[3]


@pytest.mark.parametrize("encoding", ["utf-8", "cp1252"])  # pyarrow's reader, pandas' reader
def test_a_stray_quote_in_the_last_column_refuses_the_snapshot_and_names_the_row(
        demo_path, encoding):
    file, sku = _snapshot_text(demo_path, encoding=encoding)
    if encoding == "cp1252":  # one Windows-1252 byte sends the file to pandas' reader
        file.write_bytes(file.read_bytes().replace(b"main\n", b"main\xe9\n", 1))
    before = _stock_rows(demo_path)
    db = open_workspace(demo_path)
    with pytest.raises(ImportRejected) as caught:
        import_files(db, [file], kind="inventory")
    db.conn.close()
    message = str(caught.value)
    assert "count.csv, row 5, column location: a quote opens here and is never closed" in message
    assert _stock_rows(demo_path) == before


def test_a_stray_quote_closed_by_a_later_quoted_cell_is_refused_too(tmp_path):
    file = tmp_path / "products.csv"
    rows = [f"SKU-{i},Mug {i},Acme,{i}.5" for i in range(12)]
    rows[2] = 'SKU-2,"Mug 2,Acme,2.5'  # the stray quote
    rows[9] = 'SKU-9,Mug 9,"Tecelagem do Porto, Lda.",9.5'  # its quote closes the stray one
    file.write_text("sku,name,supplier,unit_cost\n" + "\n".join(rows) + "\n")
    found = _problems(file)
    assert len(found) == 1 and found[0].startswith(
        "products.csv, row 4, column name: a quote opens here and closes only 7 lines further "
        "on"), found


def test_cells_on_several_lines_still_import(tmp_path):
    file = tmp_path / "products.csv"
    file.write_text('sku,name,unit_cost\nA,"Mug\nlarge, blue",2.5\nB,"Say ""hi""",3\n'
                    'C,Plain 12" plate,4\n')
    parsed = check_files([file])
    assert parsed[0].frame["name"].tolist() == ["Mug\nlarge, blue", 'Say "hi"', 'Plain 12" plate']


def test_a_file_cut_off_in_its_last_line_is_refused(tmp_path):
    file = tmp_path / "count.csv"
    file.write_text("sku,on_hand,location\nA,3,main\nB,4,main\nC,1")
    found = _problems(file, kind="inventory")
    assert found and "row 4" in found[0] and "cut off" in found[0], found
    # a last line without a line end, but whole, is fine
    file.write_text("sku,on_hand,location\nA,3,main\nB,4,main\nC,1,main")
    assert _problems(file, kind="inventory") == []


# ---------------------------------------------------------------------------------------------
# 15. A cell over 131,072 characters

def test_a_cell_over_131072_characters_is_read_not_a_traceback(tmp_path):
    file = tmp_path / "products.csv"
    long_name = "y" * 140_000
    file.write_text(f"sku,name\nA,{long_name}\nB,b\n")
    parsed = check_files([file])
    assert parsed[0].frame["name"].str.len().tolist() == [140_000, 1]
    file.write_text(f"# export\nsku,name\nA,{long_name}\nB,b\n")  # pandas' reader too
    found = _problems(file)
    assert not any("field limit" in p for p in found), found


# ---------------------------------------------------------------------------------------------
# 3. The write lock is the file's, whatever name it is opened by

@pytest.mark.parametrize("link", ["symlink", "hard link"])
@pytest.mark.parametrize("holder_opens", ["the file", "the link"])
def test_a_second_writer_through_a_link_is_refused(workspace_path, tmp_path, link,
                                                   holder_opens):
    from planner.store.workspace import WorkspaceLocked
    from tests.store.test_safety_lock import start_writer

    open_workspace(workspace_path).conn.close()
    other = tmp_path / "elsewhere" / "shop-link.db"
    other.parent.mkdir()
    if link == "symlink":
        other.symlink_to(workspace_path)
    else:
        os.link(workspace_path, other)
    first, second = ((workspace_path, other) if holder_opens == "the file"
                     else (other, workspace_path))
    holder = start_writer(first)
    try:
        with pytest.raises(WorkspaceLocked) as caught:
            open_workspace(second)
        assert f"is open for writing in Planner (pid {holder.pid}" in str(caught.value)
        assert caught.value.holder.pid == holder.pid
    finally:
        holder.terminate()
        holder.wait()
        holder.stdout.close()
    db = open_workspace(second)  # free again once the holder is gone
    again = open_workspace(first)  # the same file twice in one process: one shared lock
    again.conn.close()
    db.conn.close()


# ---------------------------------------------------------------------------------------------
# 4. One PO's documents never replace another's

def test_po_documents_of_similar_numbers_never_collide(demo_path, tmp_path):
    from planner.po_documents import write_po_documents

    db = open_workspace(demo_path)
    sku, supplier = db.execute("SELECT sku, supplier FROM products WHERE supplier IS NOT NULL "
                               "ORDER BY sku LIMIT 1").fetchone()
    numbers = ["PO.2025.1", "PO.2025.2", "PO/7", "PO:7", "PO_7", "po-8", "PO-8", ".hidden"]
    file = tmp_path / "pos.csv"
    file.write_text("po_number,sku,quantity,expected_date,supplier,order_date\n" + "".join(
        f'"{n}",{sku},{10 + i},2025-07-01,{supplier},2025-06-01\n' for i, n in enumerate(numbers)))
    import_files(db, [file], kind="purchase_orders")
    out = tmp_path / "out"
    out.mkdir()
    sent = write_po_documents(db, numbers, out, eml=True, today=AS_OF)
    db.conn.close()
    names = [p.name for s in sent for p in s.files]
    assert len({n.casefold() for n in names}) == len(names) == 3 * len(numbers), names
    assert len(list(out.iterdir())) == 3 * len(numbers)
    by_po = {s.po_number: s.files[0].name for s in sent}
    assert by_po["PO.2025.1"] == "PO.2025.1.pdf" and by_po["PO.2025.2"] == "PO.2025.2.pdf"
    assert not any(n.startswith(".") for n in names)
    assert all(s.po_number in s.files[2].read_text(errors="replace") for s in sent)  # .eml


# ---------------------------------------------------------------------------------------------
# 6. A bundle's quantity × its sales never wraps around

def test_an_absurd_bundle_quantity_is_refused_at_import(tmp_path):
    file = tmp_path / "bundles.csv"
    file.write_text("bundle_sku,component_sku,quantity\nKIT,A,2\nKIT,B,900000000000\n")
    found = _problems(file, kind="bundles")
    assert len(found) == 1 and "bundles.csv, row 3, column quantity: '900000000000'" in found[0]
    assert "100,000" in found[0], found


def test_bundle_demand_too_big_for_int64_is_never_wrapped_to_nothing():
    import numpy as np
    import pandas as pd

    from planner.engine.bundles import explode_backorders, explode_demand, flatten_bundles

    # as a crafted or older workspace may hold it: two levels of 3,000,000 each
    flat = flatten_bundles(pd.DataFrame({"bundle_sku": ["BIG", "MID"],
                                         "component_sku": ["MID", "A"],
                                         "quantity": [3_000_000, 3_000_000]}))
    demand = pd.DataFrame({"sku": ["BIG", "A"], "date": pd.to_datetime(["2025-05-01"] * 2),
                           "quantity": np.array([2_000_000, 5], dtype=np.int64)})
    out = explode_demand(demand, flat)
    total = float(out.loc[out["sku"] == "A", "quantity"].sum())
    assert total == pytest.approx(2_000_000 * 9e12 + 5)
    lines = pd.DataFrame({"order_id": ["O1"], "sku": ["BIG"],
                          "quantity": np.array([2_000_000], dtype=np.int64),
                          "order_date": pd.to_datetime(["2025-05-01"]),
                          "promised_date": [pd.NaT], "unit_price": [10.0], "priority": [np.nan],
                          "customer": [None]})
    products = pd.DataFrame({"sku": ["A"], "unit_price": [1.0]})
    parts, _ = explode_backorders(lines, flat, products)
    assert float(parts["quantity"].iloc[0]) == pytest.approx(2_000_000 * 9e12)


# ---------------------------------------------------------------------------------------------
# 12. A date outside the range Planner plans in: a message, not a traceback

def _planner(*args: str, today: str | None = None):
    import subprocess
    import sys

    env = dict(os.environ)
    env.pop("PLANNER_TODAY", None)
    if today is not None:
        env["PLANNER_TODAY"] = today
    return subprocess.run([sys.executable, "-m", "planner", *args], capture_output=True,
                          text=True, timeout=300, env=env)


@pytest.mark.parametrize("as_of, today", [("0202-06-02", None), ("2525-06-02", None),
                                          (None, "0202-06-02"), (None, "2025-13-01")])
def test_an_as_of_date_out_of_range_is_a_message_not_a_traceback(demo_path, as_of, today):
    args = ["plan", str(demo_path)] + (["--as-of", as_of] if as_of else [])
    result = _planner(*args, today=today)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert "1970-01-01 to 2099-12-31" in result.stderr or "YYYY-MM-DD" in result.stderr
    if today:
        assert "PLANNER_TODAY" in result.stderr


# ---------------------------------------------------------------------------------------------
# 13, 14. Output files: a folder, a missing folder or a full disk is a message, and the
# previous good file survives

def _file_size_limit(limit: int):
    """A subprocess pre-exec hook: files may not grow past ``limit`` bytes (EFBIG, as a full
    disk refuses a write)."""
    import resource
    import signal

    def limited() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return limited


@pytest.mark.parametrize("command, option", [
    ("plan", "--json"), ("plan", "--csv"), ("backorders", "--json"), ("backorders", "--csv"),
    ("backorders", "--updates"), ("forecast", "--csv"), ("accuracy", "--json")])
def test_an_output_that_cannot_be_written_is_a_message_and_the_old_file_survives(
        demo_path, tmp_path, command, option):
    import subprocess
    import sys

    base = [command, str(demo_path), "--as-of", "2025-06-02"]
    # a folder, and a folder that does not exist
    for target, said in ((tmp_path, "is a folder"), (tmp_path / "nope" / "out.json",
                                                      "does not exist")):
        result = _planner(*base, option, str(target))
        assert result.returncode == 2 and said in result.stderr, result.stderr
        assert "Traceback" not in result.stderr
    if option == "--updates":
        return  # it writes the workspace too, which a file size limit stops first
    # a disk that fills up during the write
    previous = tmp_path / "out.txt"
    previous.write_text("the previous good file\n")
    env = {k: v for k, v in os.environ.items() if k != "PLANNER_TODAY"}
    result = subprocess.run([sys.executable, "-m", "planner", *base, option, str(previous)],
                            capture_output=True, text=True, timeout=300, env=env,
                            preexec_fn=_file_size_limit(2_000))
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr and f"cannot write {previous}" in result.stderr
    assert "previous file is kept" in result.stderr
    assert previous.read_text() == "the previous good file\n"
    assert sorted(p.name for p in tmp_path.iterdir() if "partial" in p.name) == []


def test_a_setting_saved_on_a_full_disk_says_so(demo_path):
    from planner.store import save_setting
    from planner.store.workspace import WorkspaceError

    db = open_workspace(demo_path)
    pages = db.execute("PRAGMA page_count").fetchone()[0]
    db.execute(f"PRAGMA max_page_count = {pages}")
    with pytest.raises(WorkspaceError, match="the disk is full"):
        save_setting(db, "company_name", "Acme " * 3000)
    db.conn.close()


# ---------------------------------------------------------------------------------------------
# 16. po_number_pattern widths are bounded

@pytest.mark.parametrize("bad", ["PO-{seq:>9999999999}", "PO-{seq:0100d}", "{seq:.999999999}",
                                 "PO-{seq:{year}}", "X" * 200 + "{seq}"])
def test_a_po_number_pattern_with_an_absurd_width_is_refused(db, bad):
    from planner.store import SettingError, save_setting

    with pytest.raises(SettingError, match="po_number_pattern"):
        save_setting(db, "po_number_pattern", bad)


def test_a_workspace_holding_an_absurd_pattern_opens_and_approving_says_why(demo_path):
    from planner.store.po_numbers import next_po_numbers
    from planner.store.settings import load_settings

    db = open_workspace(demo_path)
    db.execute("INSERT INTO settings(key, value) VALUES ('po_number_pattern', "
               "'PO-{seq:>20000000000}') ON CONFLICT(key) DO UPDATE SET value = excluded.value")
    db.conn.commit()
    assert load_settings(db)["po_number_pattern"] == "PO-{year}-{seq:04d}"
    with pytest.raises(ValueError, match="po_number_pattern .*PO-{seq:>20000000000}.*planner "
                                         "config"):
        next_po_numbers(db, 1, as_of=AS_OF, pattern=load_settings(db)["po_number_pattern"])
    db.conn.close()
    result = _planner("config", str(demo_path))
    assert result.returncode == 0 and "po_number_pattern" in result.stderr, result.stderr
    assert _planner("config", str(demo_path), "po_number_pattern").returncode == 0


# ---------------------------------------------------------------------------------------------
# 9. export-pos then import changes nothing, whatever the text starts with

@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_exported_pos_with_formula_like_text_import_back_unchanged(demo_path, tmp_path, suffix):
    from planner.po_documents import export_pos, po_export_frame

    db = open_workspace(demo_path)
    sku, supplier = db.execute("SELECT sku, supplier FROM products WHERE supplier IS NOT NULL "
                               "ORDER BY sku LIMIT 1").fetchone()
    file = tmp_path / "pos.csv"
    # as a spreadsheet reads them, one leading apostrophe before a formula character marks text
    rows = [("+PO7", "=1+2"), ("@PO8", "-late"), ("-PO9", "''=kept"), ("=PO10", "'+1 day")]
    file.write_text("po_number,sku,quantity,expected_date,supplier,order_date,supplier_comment\n"
                    + "".join(f'"{n}",{sku},5,2025-07-01,{supplier},2025-06-01,"{c}"\n'
                              for n, c in rows))
    import_files(db, [file], kind="purchase_orders")
    before = po_export_frame(db)
    stored = dict(db.execute("SELECT po_number, supplier_comment FROM po_lines "
                             "WHERE po_number IN ('+PO7', '@PO8', '-PO9', '=PO10')").fetchall())
    assert stored == {"+PO7": "=1+2", "@PO8": "-late", "-PO9": "'=kept", "=PO10": "+1 day"}
    exported = tmp_path / f"pos{suffix}"
    export_pos(db, exported)
    [summary] = import_files(db, [exported], kind="purchase_orders")
    assert (summary.inserted, summary.updated) == (0, 0)
    assert summary.unchanged == len(before)
    assert po_export_frame(db).equals(before)
    db.conn.close()
