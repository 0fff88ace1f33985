"""Importing files into a workspace: check every file, then write them all in one transaction."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pandas as pd
from sqlite_utils import Database

from planner.store.backup import before_write
from planner.store.demand import rebuild_daily_demand
from planner.store.importers import writers
from planner.store.importers.applying import APPLY, WRITE_ORDER, Run, finish_snapshots
from planner.store.importers.kinds import get_kind
from planner.store.importers.loading import ParsedFile, load_file
from planner.store.importers.problems import ImportRejected, Problem
from planner.store.importers.sku_match import near_sku_problems, near_supplier_problems

#: Page cache while writing an import (KiB, negative as SQLite wants): big enough for the
#: indexes of a multi-million-line sales table.
_IMPORT_CACHE_KIB = 256 * 1024


@dataclass
class ImportSummary:
    """What importing one file did."""

    file: str
    kind: str
    rows_read: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    skipped_reasons: dict[str, int] = field(default_factory=dict)
    unknown_columns: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _scaled(progress: Callable[[float], None] | None, start: float,
            span: float) -> Callable[[float], None] | None:
    if progress is None:
        return None
    return lambda fraction: progress(min(1.0, start + span * max(0.0, min(fraction, 1.0))))


def _labels(paths: Sequence[Path]) -> list[str]:
    """File names as problems show them; the full path where two files share a name."""
    names = [p.name for p in paths]
    return [str(p) if names.count(p.name) > 1 else p.name for p in paths]


def check_files(paths: Sequence[str | Path], *, kind: str | None = None,
                date_format: str | None = None,
                progress: Callable[[float], None] | None = None,
                decimal: str | None = None) -> list[ParsedFile]:
    """Read and check every file; ImportRejected listing every problem of every file.
    ``decimal`` ('.' or ','): the files' decimal separator, when the user says which."""
    if kind is not None:
        get_kind(kind)  # an unknown kind name is a usage error (KindError), not a file problem
    files = [Path(p) for p in paths]
    sizes = [max(p.stat().st_size, 1) if p.is_file() else 1 for p in files]
    total = float(sum(sizes)) or 1.0
    parsed, done = [], 0.0
    for path, label, size in zip(files, _labels(files), sizes, strict=True):
        parsed.append(load_file(path, kind=kind, date_format=date_format, label=label,
                                decimal=decimal,
                                progress=_scaled(progress, done / total, size / total)))
        done += size
    problems = [p for f in parsed for p in f.problems]
    if problems:
        raise ImportRejected(problems)
    return parsed


def import_files(db: Database, paths: Sequence[str | Path], *, kind: str | None = None,
                 date_format: str | None = None, user: str | None = None,
                 progress: Callable[[float], None] | None = None,
                 decimal: str | None = None) -> list[ImportSummary]:
    """Import CSV / XLSX files: all are checked first and, if any has a problem, ImportRejected
    lists every problem and nothing is written; otherwise all are written in one transaction,
    with an import_log row per file. Returns one summary per file, in the order given."""
    parsed = check_files(paths, kind=kind, date_format=date_format,
                         progress=_scaled(progress, 0.0, 0.5), decimal=decimal)
    near = near_sku_problems(db, parsed) + near_supplier_problems(db, parsed)
    if near:
        raise ImportRejected(near)
    # A verified copy of the workspace as it was, before anything is written (skipped when an
    # identical recent one exists or the workspace is still empty).
    before_write(db, reason="import " + ", ".join(f.label for f in parsed))
    order = sorted(range(len(parsed)), key=lambda i: WRITE_ORDER.index(parsed[i].kind.name))
    weights = [max(len(f.frame), 1) for f in parsed]
    total = float(sum(weights))
    summaries: dict[int, ImportSummary] = {}
    run = Run(sales_were_empty=writers.sales_table_empty(db))
    cache = db.execute("PRAGMA cache_size").fetchone()[0]
    threads = db.execute("PRAGMA threads").fetchone()[0]
    db.execute(f"PRAGMA cache_size = {-_IMPORT_CACHE_KIB}")
    db.execute("PRAGMA threads = 2")  # index builds sort on a second core
    bulk = _bulk_load(db, parsed, run)
    try:
        with db.atomic():
            done = 0.0
            for i in order:
                file = parsed[i]
                step = _scaled(progress, 0.5 + 0.45 * done / total, 0.45 * weights[i] / total)
                summaries[i] = _write(db, file, run, step)
                done += weights[i]
            _finish(db, run, parsed, summaries)
            if bulk:
                _check_references(db)
            for i in order:
                _log(db, parsed[i], summaries[i], user)
    except sqlite3.Error as exc:
        _refuse_if_disk_full(db, exc)
        raise ImportRejected([Problem(", ".join(f.label for f in parsed), None, None, None,
                                      f"the workspace refused the data ({exc}); nothing was "
                                      "imported")]) from exc
    finally:
        db.execute(f"PRAGMA cache_size = {cache}")
        db.execute(f"PRAGMA threads = {threads}")
        if bulk:
            _end_bulk_load(db)
    if progress:
        progress(1.0)
    return [summaries[i] for i in range(len(parsed))]


def _refuse_if_disk_full(db: Database, exc: sqlite3.Error) -> None:
    """A full disk is not a problem with the files: say so, and which disk (WorkspaceError)."""
    from planner.store.backup import disk_full_message
    from planner.store.workspace import WorkspaceError, describe_environment_error, workspace_file

    if "disk is full" not in describe_environment_error(exc):
        return
    source = workspace_file(db)
    folder = source.parent if source else Path.cwd()
    said = disk_full_message(folder) or (f"the disk holding {folder} is full; free some space "
                                         "there and try again")
    raise WorkspaceError(f"{said}; nothing was imported (the workspace is as it was)") from exc


def _bulk_load(db: Database, parsed: list[ParsedFile], run: Run) -> bool:
    """Millions of order lines into an empty sales table: set the workspace up for one big
    write. True when it was (then _end_bulk_load must follow).

    - The per-row foreign-key lookup is off for this transaction: the importer creates a
      product for every SKU it writes, and _check_references verifies every other table before
      committing.
    - When no other connection has the workspace open, the transaction uses a rollback journal
      instead of the write-ahead log: pages appended to the file need no journal, so the new
      lines are written once instead of twice (to the log, then into the file), which saves
      about 3 s per 4 million lines. It is as crash-safe (synchronous = FULL meanwhile; a hot
      journal is rolled back on the next open), and the log is switched back on afterwards.
    """
    big = any(f.kind.name == "sales" and f.rows_read >= writers.BULK_MIN_ROWS for f in parsed)
    if not (big and run.sales_were_empty) or db.conn.in_transaction:
        return False
    if not db.execute("PRAGMA foreign_keys").fetchone()[0]:
        return False
    db.execute("PRAGMA foreign_keys = OFF")
    try:
        if db.execute("PRAGMA journal_mode = DELETE").fetchone()[0] == "delete":
            db.execute("PRAGMA synchronous = FULL")
    except sqlite3.OperationalError:
        pass  # another connection has the workspace open: keep the log
    return True


def _end_bulk_load(db: Database) -> None:
    db.execute("PRAGMA foreign_keys = ON")
    if db.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
        db.execute("PRAGMA synchronous = NORMAL")
        try:
            db.execute("PRAGMA journal_mode = WAL")
        except sqlite3.OperationalError:
            pass  # a reader came along meanwhile; open_workspace switches the log on again


def _check_references(db: Database) -> None:
    """Every reference written while foreign keys were off must hold (sales: by construction,
    each of its SKUs got a product before its lines were written)."""
    for table in ("products", "inventory", "purchase_orders", "po_lines", "backorders",
                  "forecast_overrides"):
        broken = db.execute(f"PRAGMA foreign_key_check([{table}])").fetchone()
        if broken:
            raise sqlite3.IntegrityError(f"FOREIGN KEY constraint failed ({table})")


def _write(db: Database, file: ParsedFile, run: Run,
           progress: Callable[[float], None] | None) -> ImportSummary:
    outcome = APPLY[file.kind.name](db, file, run, progress)
    skipped = dict(file.skipped_reasons) | outcome.skipped_reasons
    return ImportSummary(
        file=file.label, kind=file.kind.name, rows_read=file.rows_read,
        inserted=outcome.counts.inserted, updated=outcome.counts.updated,
        unchanged=outcome.counts.unchanged, skipped=sum(skipped.values()),
        skipped_reasons=skipped, unknown_columns=list(file.unknown_columns),
        notes=file.notes + outcome.notes)


def _finish(db: Database, run: Run, parsed: list[ParsedFile],
            summaries: dict[int, ImportSummary]) -> None:
    """Snapshot replaces, then daily demand totals for every SKU whose sales changed."""
    removed = finish_snapshots(db, run)
    snapshot_kinds = {"inventory": ("inventory", "shopify_inventory"),
                      "backorders": ("backorders",)}
    for table, count in removed.items():
        last = max(i for i, f in enumerate(parsed) if f.kind.name in snapshot_kinds[table])
        if count:
            summaries[last].notes.append(
                f"removed {count} {table} rows that were not in this snapshot")
    if run.changed_skus:
        # Into an empty sales table every SKU with sales changed: one pass over all is faster.
        rebuild_daily_demand(db, None if run.sales_were_empty else sorted(run.changed_skus))


def _log(db: Database, file: ParsedFile, summary: ImportSummary, user: str | None) -> None:
    db.execute(
        "INSERT INTO import_log (at, user, kind, file, rows_read, inserted, updated, skipped, "
        "summary) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [dt.datetime.now().isoformat(timespec="seconds"), user, summary.kind,
         str(file.path.resolve()), summary.rows_read, summary.inserted, summary.updated,
         summary.skipped, json.dumps(asdict(summary))])


def preview_file(path: str | Path, *, kind: str | None = None, date_format: str | None = None,
                 rows: int = 20) -> tuple[str | None, pd.DataFrame, list[Problem]]:
    """The detected kind (None when it cannot be told), the first ``rows`` rows as parsed (with
    their spreadsheet ``row``) and the problems found in them; writes nothing."""
    parsed = load_file(path, kind=kind, date_format=date_format, nrows=rows)
    known = not any(p.row is None and p.column is None for p in parsed.problems)
    frame = (parsed.frame.sort_values("_row").head(rows).reset_index(drop=True)
             .rename(columns={"_row": "row"}))
    return (parsed.kind.name if known else None), frame, list(parsed.problems)
