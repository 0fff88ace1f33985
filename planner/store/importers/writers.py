"""Writing checked import data into the workspace: upserts, snapshots and range replaces.

Every function runs inside the caller's transaction and reports what it changed. Rows are
upserted with ``INSERT ... ON CONFLICT DO UPDATE ... WHERE <something differs>``, so re-importing a
file writes nothing and counts every row as unchanged.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sqlite_utils import Database

from planner.store.importers.checks import checked_by_value

BATCH_ROWS = 200_000
#: Rows per INSERT statement in plain inserts: one statement with many rows costs CPython's
#: sqlite3 about a third of one statement per row (fewer Python round trips per row).
ROWS_PER_INSERT = 500
#: A sales file this large going into an empty sales table is loaded with the table's indexes
#: dropped and rebuilt afterwards (same definitions, same transaction): much faster.
BULK_MIN_ROWS = 50_000
_INDEX_SORT_KIB = 8 * 1024


@dataclass
class Counts:
    """What one write did, in rows."""

    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0

    def __iadd__(self, other: Counts) -> Counts:
        self.inserted += other.inserted
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.removed += other.removed
        return self


def object_values(values: pd.Series, *, none_for_missing: bool = False) -> np.ndarray:
    """A column as an object array of Python scalars with None for missing values (what
    sqlite3 binds).

    ``none_for_missing``: text columns already hold None (never NaN) for missing values, as the
    loader's columns do; skips a pass over them.
    """
    if isinstance(values.dtype, pd.CategoricalDtype):
        labels = np.append(values.cat.categories.to_numpy(dtype=object), None)  # type: ignore[call-overload]
        return labels[values.cat.codes.to_numpy()]
    if none_for_missing and values.dtype == object:
        return values.to_numpy()
    return values.to_numpy(dtype=object, na_value=None)


def _batches(frame: pd.DataFrame, columns: Sequence[str], none_for_missing: bool,
             progress: Callable[[float], None] | None) -> Iterator[Any]:
    """(rows × columns object array) per batch of rows: the Python values of one batch at most
    exist at once."""
    total = max(len(frame), 1)
    for start in range(0, len(frame), BATCH_ROWS):
        part = frame.iloc[start:start + BATCH_ROWS]
        block = np.empty((len(part), len(columns)), dtype=object)
        for j, column in enumerate(columns):
            block[:, j] = object_values(part[column], none_for_missing=none_for_missing)
        yield block
        if progress:
            progress(min((start + BATCH_ROWS) / total, 1.0))


def executemany(db: Database, sql: str, frame: pd.DataFrame, columns: Sequence[str],
                progress: Callable[[float], None] | None = None, *,
                none_for_missing: bool = False) -> None:
    """Run ``sql`` (one row's statement) for every row of the frame's ``columns``."""
    for block in _batches(frame, columns, none_for_missing, progress):
        db.conn.executemany(sql, block.tolist())


def insert_rows(db: Database, table: str, frame: pd.DataFrame,
                columns: Sequence[str] | None = None,
                progress: Callable[[float], None] | None = None, *,
                none_for_missing: bool = False) -> None:
    """INSERT the frame's ``columns`` (all by default) into ``table``, many rows per statement."""
    columns = list(frame.columns if columns is None else columns)
    width = len(columns)
    if not width or frame.empty:
        return
    limit = db.conn.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    per_statement = max(1, min(ROWS_PER_INSERT, limit // width))
    head = f"INSERT INTO {table} ({', '.join(f'[{c}]' for c in columns)}) VALUES "
    row = "(" + ", ".join("?" * width) + ")"
    many = head + ", ".join([row] * per_statement)
    for block in _batches(frame, columns, none_for_missing, progress):
        whole = len(block) - len(block) % per_statement
        if whole:
            db.conn.executemany(many, block[:whole].reshape(-1, width * per_statement).tolist())
        if whole < len(block):
            db.conn.executemany(head + row, block[whole:].tolist())


def _max_rowid(db: Database, table: str) -> int:
    return int(db.execute(f"SELECT coalesce(max(rowid), 0) FROM [{table}]").fetchone()[0])


def upsert(db: Database, table: str, frame: pd.DataFrame, key: Sequence[str], *,
           keep_when_empty: Iterable[str] = (),
           progress: Callable[[float], None] | None = None,
           none_for_missing: bool = False, stamped: Iterable[str] = ()) -> Counts:
    """Insert new rows and update changed ones (by ``key``); only the frame's columns are set.

    Columns in ``keep_when_empty`` keep their stored value where the frame has none. Columns in
    ``stamped`` (e.g. when a row was recorded) are written with a new or changed row but do not
    make a row changed themselves.
    """
    if frame.empty:
        return Counts()
    columns = list(frame.columns)
    keep = set(keep_when_empty)
    stamps = [c for c in columns if c in set(stamped)]
    values = [c for c in columns if c not in key]
    compared = [c for c in values if c not in stamps]
    names = ", ".join(f"[{c}]" for c in columns)
    marks = ", ".join("?" for _ in columns)

    def new(c: str) -> str:
        return f"coalesce(excluded.[{c}], [{table}].[{c}])" if c in keep else f"excluded.[{c}]"

    sql = f"INSERT INTO [{table}] ({names}) VALUES ({marks}) ON CONFLICT ({', '.join(key)})"
    if values:
        sql += (" DO UPDATE SET " + ", ".join(f"[{c}] = {new(c)}" for c in values)
                + " WHERE (" + ", ".join(f"[{table}].[{c}]" for c in compared) + ") IS NOT ("
                + ", ".join(new(c) for c in compared) + ")")
    else:
        sql += " DO NOTHING"
    first_new = _max_rowid(db, table)
    before = db.conn.total_changes
    executemany(db, sql, frame, columns, progress, none_for_missing=none_for_missing)
    changed = db.conn.total_changes - before
    inserted = int(db.execute(f"SELECT count(*) FROM [{table}] WHERE rowid > ?",
                              [first_new]).fetchone()[0])
    return Counts(inserted=inserted, updated=changed - inserted, unchanged=len(frame) - changed)


def temp_table(db: Database, name: str, frame: pd.DataFrame) -> None:
    """(Re)create TEMP table ``name`` holding the frame's rows."""
    db.execute(f"DROP TABLE IF EXISTS temp.[{name}]")
    db.execute(f"CREATE TEMP TABLE [{name}] ({', '.join(f'[{c}]' for c in frame.columns)})")
    insert_rows(db, f"temp.[{name}]", frame)


def drop_temp(db: Database, *names: str) -> None:
    for name in names:
        db.execute(f"DROP TABLE IF EXISTS temp.[{name}]")


# ---------------------------------------------------------------------------------------------
# Stubs for referenced keys

def ensure_products(db: Database, skus: Iterable[str],
                    names: dict[str, str] | None = None) -> list[str]:
    """Create a product stub (sku, active) for every SKU not yet known; returns those SKUs."""
    wanted = pd.Series(pd.unique(pd.Series(list(skus), dtype=object).dropna()), dtype=object)
    if wanted.empty:
        return []
    temp_table(db, "_skus", pd.DataFrame({"sku": wanted}))
    missing = [r[0] for r in db.execute(
        "SELECT sku FROM temp._skus WHERE sku NOT IN (SELECT sku FROM products)")]
    drop_temp(db, "_skus")
    if missing:
        names = names or {}
        db.conn.executemany("INSERT INTO products(sku, name) VALUES (?, ?)",
                            [(s, names.get(s)) for s in missing])
    return missing


def ensure_suppliers(db: Database, suppliers: Iterable[str]) -> list[str]:
    """Create a supplier stub for every supplier name not yet known; returns those names."""
    wanted = sorted({s for s in suppliers if isinstance(s, str) and s})
    known = {r[0] for r in db.execute("SELECT supplier FROM suppliers")}
    missing = [s for s in wanted if s not in known]
    db.conn.executemany("INSERT INTO suppliers(supplier) VALUES (?)", [(s,) for s in missing])
    return missing


# ---------------------------------------------------------------------------------------------
# Sales

SALES_COLUMNS = ["date", "sku", "quantity", "order_id", "unit_price", "channel"]


def _sorted_by_sku_date(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows ordered by (sku, date): the table and its indexes then fill in order."""
    sku_codes, _ = pd.factorize(frame["sku"].to_numpy(dtype=object), sort=True)
    date_codes, _ = pd.factorize(frame["date"].to_numpy(dtype=object), sort=True)
    return frame.iloc[np.lexsort((date_codes, sku_codes))]


def sales_table_empty(db: Database) -> bool:
    return not db.execute("SELECT EXISTS (SELECT 1 FROM sales)").fetchone()[0]


def write_sales(db: Database, frame: pd.DataFrame,
                progress: Callable[[float], None] | None = None, *,
                presorted: bool = False, none_for_missing: bool = False
                ) -> tuple[Counts, set[str]]:
    """Order lines: upsert by (sku, date, order_id); lines without order_id replace the
    file's date range for its SKUs. Returns the counts and the SKUs whose daily demand totals
    must be rebuilt (a bulk load writes its totals itself). ``presorted``: the frame is already
    ordered by (sku, date); ``none_for_missing``: see object_values."""
    if frame.empty:
        return Counts(), set()
    if not presorted:
        frame = _sorted_by_sku_date(frame)
    if len(frame) >= BULK_MIN_ROWS and sales_table_empty(db):
        _bulk_insert_sales(db, frame, progress, none_for_missing)
        _bulk_daily_demand(db, frame)
        return Counts(inserted=len(frame)), set()
    skus = set(pd.unique(frame["sku"]))
    counts = Counts()
    keyed = frame["order_id"].notna() if "order_id" in frame else pd.Series(False, frame.index)
    if keyed.any():
        counts += upsert(db, "sales", frame[keyed.to_numpy()], ["sku", "date", "order_id"],
                         progress=progress, none_for_missing=none_for_missing)
    if not keyed.all():
        loose = frame[~keyed.to_numpy()].drop(columns=["order_id"], errors="ignore")
        counts += replace_sales_range(db, loose)
    changed = counts.inserted + counts.updated + counts.removed > 0
    return counts, skus if changed else set()


def _bulk_insert_sales(db: Database, frame: pd.DataFrame,
                       progress: Callable[[float], None] | None,
                       none_for_missing: bool) -> None:
    indexes = db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' "
                         "AND tbl_name = 'sales' AND sql IS NOT NULL").fetchall()
    for name, _ in indexes:
        db.execute(f"DROP INDEX [{name}]")
    columns = [c for c in SALES_COLUMNS if c in frame]
    with checked_by_value(db, "sales", frame[columns]):
        insert_rows(db, "sales", frame, columns, progress, none_for_missing=none_for_missing)
    # A small sort buffer lets SQLite sort the index in runs on two threads (PRAGMA threads);
    # one big in-memory sort is about twice as slow here.
    cache = db.execute("PRAGMA cache_size").fetchone()[0]
    db.execute(f"PRAGMA cache_size = {-_INDEX_SORT_KIB}")
    try:
        for _, sql in indexes:
            db.execute(sql)
    finally:
        db.execute(f"PRAGMA cache_size = {cache}")


def _group_codes(column: pd.Series) -> np.ndarray:
    if isinstance(column.dtype, pd.CategoricalDtype):
        return column.cat.codes.to_numpy()
    return pd.factorize(column.to_numpy(dtype=object))[0]


def _bulk_daily_demand(db: Database, frame: pd.DataFrame) -> None:
    """Daily totals of the lines just bulk-loaded into the empty sales table, summed from the
    frame (ordered by sku, date) rather than read back from the table: what
    store.demand.rebuild_daily_demand would store, in half the time."""
    sku, date = _group_codes(frame["sku"]), _group_codes(frame["date"])
    starts = np.flatnonzero(np.r_[True, (sku[1:] != sku[:-1]) | (date[1:] != date[:-1])])
    quantity = frame["quantity"].to_numpy(dtype=np.int64)
    totals = pd.DataFrame({
        "sku": frame["sku"].iloc[starts].reset_index(drop=True),
        "date": frame["date"].iloc[starts].reset_index(drop=True),
        "quantity": np.add.reduceat(quantity, starts),
        "order_lines": np.diff(np.r_[starts, len(frame)]),
    })
    db.execute("DELETE FROM daily_demand")  # the sales table was empty: nothing here is valid
    with checked_by_value(db, "daily_demand", totals):
        insert_rows(db, "daily_demand", totals)


_SIGNATURE = """
    SELECT sku, date, count(*) AS n, group_concat(line, ';') AS sig FROM (
        SELECT sku, date, quantity || '|' || ifnull(unit_price, '') || '|' || ifnull(channel, '')
            AS line
        FROM {source} ORDER BY sku, date, line)
    GROUP BY sku, date"""


def replace_sales_range(db: Database, frame: pd.DataFrame) -> Counts:
    """Lines without order_id: they replace the stored lines without order_id of the same SKUs
    between the file's first and last date. Days whose lines are identical are left alone."""
    columns = ["sku", "date", "quantity", "unit_price", "channel"]
    stage = frame.reindex(columns=columns)
    temp_table(db, "_loose", stage)
    dates = frame["date"].astype(object)
    first, last = str(dates.min()), str(dates.max())
    db.execute("CREATE INDEX temp._loose_sku_date ON _loose(sku, date)")
    drop_temp(db, "_new_sig", "_old_sig", "_changed")
    db.execute("CREATE TEMP TABLE _new_sig AS " + _SIGNATURE.format(source="temp._loose"))
    db.execute(
        "CREATE TEMP TABLE _old_sig AS " + _SIGNATURE.format(
            source="(SELECT * FROM main.sales WHERE order_id IS NULL AND date BETWEEN ? AND ? "
                   "AND sku IN (SELECT sku FROM temp._loose))"), [first, last])
    counts = Counts()
    counts.inserted, counts.updated, counts.unchanged = (int(v or 0) for v in db.execute("""
        SELECT sum(CASE WHEN o.sku IS NULL THEN n.n END),
               sum(CASE WHEN o.sku IS NOT NULL AND o.sig <> n.sig THEN n.n END),
               sum(CASE WHEN o.sig = n.sig THEN n.n END)
        FROM temp._new_sig n LEFT JOIN temp._old_sig o USING (sku, date)""").fetchone())
    counts.removed = int(db.execute("""
        SELECT coalesce(sum(o.n), 0) FROM temp._old_sig o LEFT JOIN temp._new_sig n
        USING (sku, date) WHERE n.sku IS NULL""").fetchone()[0])
    db.execute("""
        CREATE TEMP TABLE _changed AS
        SELECT n.sku, n.date FROM temp._new_sig n LEFT JOIN temp._old_sig o USING (sku, date)
        WHERE o.sig IS NULL OR o.sig <> n.sig
        UNION SELECT o.sku, o.date FROM temp._old_sig o LEFT JOIN temp._new_sig n
        USING (sku, date) WHERE n.sku IS NULL""")
    db.execute("DELETE FROM main.sales WHERE order_id IS NULL "
               "AND (sku, date) IN (SELECT sku, date FROM temp._changed)")
    db.execute("INSERT INTO main.sales (date, sku, quantity, unit_price, channel) "
               "SELECT date, sku, quantity, unit_price, channel FROM temp._loose "
               "WHERE (sku, date) IN (SELECT sku, date FROM temp._changed) ORDER BY sku, date")
    drop_temp(db, "_loose", "_new_sig", "_old_sig", "_changed")
    return counts


def remove_order_lines(db: Database, table: str, order_ids: Sequence[str], keep: pd.DataFrame,
                       *, where: str = "") -> tuple[int, set[str]]:
    """Delete lines of the given orders that are not in ``keep`` (same key columns as the
    table's key); returns the number removed and their SKUs."""
    if not len(order_ids):
        return 0, set()
    temp_table(db, "_orders", pd.DataFrame({"order_id": list(order_ids)}))
    temp_table(db, "_keep", keep)
    key = ", ".join(keep.columns)
    condition = (f"order_id IN (SELECT order_id FROM temp._orders) "
                 f"AND ({key}) NOT IN (SELECT {key} FROM temp._keep)"
                 + (f" AND {where}" if where else ""))
    skus = {r[0] for r in db.execute(f"SELECT DISTINCT sku FROM [{table}] WHERE {condition}")}
    removed = db.execute(f"DELETE FROM [{table}] WHERE {condition}").rowcount
    drop_temp(db, "_orders", "_keep")
    return int(removed), skus


def remove_missing(db: Database, table: str, keep: pd.DataFrame, *,
                   within: str | None = None) -> int:
    """Snapshot replace: delete every row whose key is not in ``keep``; with ``within`` (a key
    column such as snapshot_date), only rows sharing a value of it with ``keep``."""
    key = ", ".join(keep.columns)
    temp_table(db, "_keep", keep)
    scope = (f" AND [{within}] IN (SELECT DISTINCT [{within}] FROM temp._keep)"
             if within else "")
    removed = db.execute(
        f"DELETE FROM [{table}] WHERE ({key}) NOT IN (SELECT {key} FROM temp._keep)"
        + scope).rowcount
    drop_temp(db, "_keep")
    return int(removed)
