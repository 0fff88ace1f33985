"""A workspace's schema compared with the one this Planner writes, before anything runs in it.

Workspace copies travel between people; a trigger planted in one (say AFTER INSERT ON
import_log: DELETE FROM sales) would run inside every import, and a dropped CHECK would let
bad rows in. The expected schema is built by applying this version's migrations, up to the ones
the workspace records as applied, to an in-memory database (cached), and compared object by
object: every table with its columns and constraints (its CREATE statement, spacing aside),
every index, and no triggers or views at all (Planner writes none). Tables Planner does not know
are left alone. A workspace from a newer Planner is not compared (it is refused or read-only).
"""

from __future__ import annotations

import functools
import re
import sqlite3
from pathlib import Path

from sqlite_utils import Database

from planner.store.schema import migrations
from planner.store.workspace import WorkspaceError


class ForeignSchema(WorkspaceError):
    """The workspace's schema is not one this Planner writes; it is not opened."""


def _normalized(sql: str | None) -> str:
    text = re.sub(r"\s+", " ", sql or "").strip()
    text = re.sub(r"\s*([(),])\s*", r"\1", text)
    return text.rstrip(";")


def _objects(conn: sqlite3.Connection) -> dict[tuple[str, str], tuple[str, str]]:
    """{(type, name): (table it belongs to, normalized SQL)} of the main schema, SQLite's own
    objects (sqlite_*, automatic indexes) left out."""
    rows = conn.execute("SELECT type, name, tbl_name, sql FROM main.sqlite_master").fetchall()
    return {(kind, name): (table, _normalized(sql)) for kind, name, table, sql in rows
            if not name.startswith("sqlite_")}


def _applied(conn: sqlite3.Connection) -> tuple[str, ...] | None:
    """The migrations the workspace records as applied, in this Planner's order; None when it
    records one this Planner does not know (a newer Planner's)."""
    table = migrations.migrations_table
    if not conn.execute("SELECT 1 FROM main.sqlite_master WHERE type = 'table' AND name = ?",
                        [table]).fetchone():
        return ()
    names = {r[0] for r in conn.execute(f"SELECT name FROM [{table}] WHERE migration_set = ?",
                                        [migrations.name])}
    known = [m.name for m in migrations._migrations]
    if names - set(known):
        return None
    return tuple(name for name in known if name in names)


@functools.cache
def expected_objects(applied: tuple[str, ...]) -> dict[tuple[str, str], tuple[str, str]]:
    """The schema objects this Planner's migrations ``applied`` (in order) create."""
    db = Database(memory=True)
    known = [m.name for m in migrations._migrations]
    pending = [name for name in known if name not in applied]
    migrations.apply(db, stop_before=pending[0] if pending else None)
    try:
        return _objects(db.conn)
    finally:
        db.conn.close()


def schema_differences(conn: sqlite3.Connection) -> list[str]:
    """What in the workspace's schema differs from the one this Planner writes ([] = none)."""
    applied = _applied(conn)
    if applied is None or not applied:
        return []  # a newer Planner's workspace, or one not yet created by migrations
    expected = expected_objects(applied)
    found = _objects(conn)
    ours = {name for kind, name in expected if kind == "table"}
    problems: list[str] = []
    for (kind, name), (_table, sql) in sorted(expected.items()):
        if (kind, name) not in found:
            problems.append(f"{kind} {name} is missing")
        elif found[(kind, name)][1] != sql:
            what = ("its columns or constraints differ" if kind == "table"
                    else "it is defined differently")
            problems.append(f"{kind} {name}: {what}")
    for (kind, name), (table, _sql) in sorted(found.items()):
        if (kind, name) in expected:
            continue
        if kind in ("trigger", "view"):
            problems.append(f"a {kind} {name} that Planner never writes"
                            + (f" (on {table})" if kind == "trigger" else ""))
        elif kind == "index" and table in ours:
            problems.append(f"an index {name} on {table} that Planner never writes")
    return problems


def check_schema(conn: sqlite3.Connection, path: str | Path) -> None:
    """Raise ForeignSchema, saying what differs and how to recover the data, when the
    workspace's schema is not one this Planner writes."""
    problems = schema_differences(conn)
    if not problems:
        return
    shown = "; ".join(problems[:6]) + (f"; and {len(problems) - 6} more" if len(problems) > 6
                                        else "")
    raise ForeignSchema(
        f"{path} was changed outside Planner and is not opened, so nothing in it runs ({shown}). "
        "To recover its data, export its tables (for example `sqlite3 -header -csv "
        f"{path} \"SELECT * FROM products\" > products.csv`, likewise suppliers, sales, "
        "inventory, purchase_orders with po_lines, backorders) and import them into a new "
        "workspace with `planner import NEW.db products.csv ...`")
