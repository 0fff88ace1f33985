"""Read-only questions about a workspace."""

from __future__ import annotations

from typing import Any

import pandas as pd
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


def product_count(db: Database) -> int:
    """How many products the workspace holds (0: an empty workspace)."""
    return int(db.execute("SELECT count(*) FROM products").fetchone()[0])


def po_line_rows(db: Database) -> pd.DataFrame:
    """Every PO line with its PO's supplier, dates and state, open quantity (of the confirmed,
    else the ordered quantity) and value (at the line's unit cost, else the product's), open
    lines first, then by expected date."""
    return pd.read_sql_query("""
SELECT l.po_number, h.supplier, h.order_date, l.sku, p.name, l.quantity, l.received_quantity,
       max(COALESCE(l.confirmed_quantity, l.quantity) - l.received_quantity, 0) AS open_quantity,
       l.expected_date, l.received_date, l.status, COALESCE(l.unit_cost, p.unit_cost) AS unit_cost,
       max(COALESCE(l.confirmed_quantity, l.quantity) - l.received_quantity, 0)
           * COALESCE(l.unit_cost, p.unit_cost) AS open_value,
       h.state AS po_state, l.confirmed_quantity, l.confirmed_date, l.supplier_comment,
       l.confirmed_quantity - l.quantity AS quantity_difference
FROM po_lines l JOIN purchase_orders h USING (po_number)
LEFT JOIN products p ON p.sku = l.sku
ORDER BY l.status = 'open' DESC, l.expected_date, l.po_number, l.sku
""", db.conn)


def po_line_fields(db: Database, columns: list[str]) -> pd.DataFrame:
    """Some columns of every PO line (names from the po_lines table)."""
    return pd.read_sql_query(f"SELECT {', '.join(f'[{c}]' for c in columns)} FROM po_lines",
                             db.conn)


def supplier_rows(db: Database) -> pd.DataFrame:
    """Every supplier with its active products, open PO lines and their value at its own prices
    (how late it delivers is learned by the engine, as of the plan's date: see plan.suppliers)."""
    return pd.read_sql_query("""
SELECT s.supplier, s.email, s.contact, s.currency, s.lead_time_days, s.lead_time_std_days,
       s.min_order_value, s.order_cycle_days, s.freight_pct, s.duty_pct, s.container_m3,
       s.max_weight_kg,
       (SELECT count(*) FROM products p WHERE p.supplier = s.supplier AND p.active) AS products,
       (SELECT count(*) FROM po_lines l JOIN purchase_orders h USING (po_number)
         WHERE h.supplier = s.supplier AND l.status = 'open') AS open_lines,
       (SELECT sum(max(COALESCE(l.confirmed_quantity, l.quantity) - l.received_quantity, 0)
                   * COALESCE(l.unit_cost, p.unit_cost, 0))
          FROM po_lines l JOIN purchase_orders h USING (po_number)
          LEFT JOIN products p ON p.sku = l.sku
         WHERE h.supplier = s.supplier AND l.status = 'open') AS open_value_supplier
FROM suppliers s ORDER BY s.supplier
""", db.conn)
