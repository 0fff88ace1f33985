"""Read-only questions about a workspace."""

from __future__ import annotations

from typing import Any

from sqlite_utils import Database

from planner.store.workspace import schema_version

_DATED = {
    "sales": "date",
    "backorders": "order_date",
    "po_lines": "expected_date",
}


def workspace_info(db: Database) -> dict[str, Any]:
    """Row counts, date ranges and the schema version."""
    info: dict[str, Any] = {"schema_version": schema_version(db)}
    for table in ("products", "suppliers", "sales", "inventory", "purchase_orders", "po_lines",
                  "backorders", "forecast_overrides", "import_log"):
        info[f"{table}_rows"] = db.execute(f"SELECT count(*) FROM [{table}]").fetchone()[0]
    for table, column in _DATED.items():
        first, last = db.execute(f"SELECT min([{column}]), max([{column}]) FROM [{table}]").fetchone()
        info[f"{table}_dates"] = f"{first} .. {last}" if first else "none"
    return info
