"""Daily demand per SKU, derived from sales order lines: what the engine reads."""

from __future__ import annotations

from collections.abc import Iterable

from sqlite_utils import Database


def rebuild_daily_demand(db: Database, skus: Iterable[str] | None = None) -> None:
    """Recompute daily totals from sales, for the given SKUs or all. Call inside the writer's
    transaction so the totals never disagree with the order lines."""
    if skus is None:
        db.execute("DELETE FROM daily_demand")
        db.execute(
            "INSERT INTO daily_demand(sku, date, quantity, order_lines) "
            "SELECT sku, date, sum(quantity), count(*) FROM sales GROUP BY sku, date")
        return
    db.execute("CREATE TEMP TABLE IF NOT EXISTS _touched_skus (sku TEXT PRIMARY KEY)")
    db.execute("DELETE FROM _touched_skus")
    db.conn.executemany("INSERT OR IGNORE INTO _touched_skus(sku) VALUES (?)",
                        ((s,) for s in skus))
    db.execute("DELETE FROM daily_demand WHERE sku IN (SELECT sku FROM _touched_skus)")
    db.execute(
        "INSERT INTO daily_demand(sku, date, quantity, order_lines) "
        "SELECT sku, date, sum(quantity), count(*) FROM sales "
        "WHERE sku IN (SELECT sku FROM _touched_skus) GROUP BY sku, date")
    db.execute("DELETE FROM _touched_skus")
