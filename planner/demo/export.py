"""A workspace's data written back out as CSV files in the import formats of docs/reference.md."""

from __future__ import annotations

import csv
import os
from pathlib import Path

from sqlite_utils import Database


def _number(column: str) -> str:
    """A REAL column as text-friendly SQL: whole numbers without a trailing '.0'."""
    alias = column.split(".")[-1]
    return (f"CASE WHEN {column} = CAST({column} AS INTEGER) THEN CAST({column} AS INTEGER) "
            f"ELSE {column} END AS {alias}")


def _flag(column: str) -> str:
    return f"CASE {column} WHEN 1 THEN 'true' ELSE 'false' END AS {column}"


#: File name → (header in spec order, SELECT producing exactly those columns).
EXPORTS: dict[str, tuple[list[str], str]] = {
    "suppliers.csv": (
        ["supplier", "email", "lead_time_days", "lead_time_std_days", "min_order_value",
         "currency", "order_cycle_days", "freight_pct", "duty_pct", "container_m3",
         "max_weight_kg"],
        f"SELECT supplier, email, {_number('lead_time_days')}, {_number('lead_time_std_days')}, "
        f"{_number('min_order_value')}, currency, order_cycle_days, {_number('freight_pct')}, "
        f"{_number('duty_pct')}, {_number('container_m3')}, {_number('max_weight_kg')} "
        "FROM suppliers ORDER BY supplier"),
    "products.csv": (
        ["sku", "name", "supplier", "unit_cost", "unit_price", "lead_time_days",
         "lead_time_std_days", "moq", "case_pack", "service_level", "made_to_order", "active",
         "unit_volume_m3", "unit_weight_kg"],
        f"SELECT sku, name, supplier, {_number('unit_cost')}, {_number('unit_price')}, "
        f"{_number('lead_time_days')}, {_number('lead_time_std_days')}, moq, case_pack, "
        f"{_number('service_level')}, {_flag('made_to_order')}, {_flag('active')}, "
        f"{_number('unit_volume_m3')}, {_number('unit_weight_kg')} "
        "FROM products ORDER BY sku"),
    "sales.csv": (
        ["date", "sku", "quantity", "order_id", "unit_price", "channel"],
        f"SELECT date, sku, quantity, order_id, {_number('unit_price')}, channel FROM sales "
        "ORDER BY date, id"),
    "inventory.csv": (
        ["sku", "on_hand", "on_hold", "hold_release_date", "location", "snapshot_date"],
        "SELECT sku, on_hand, on_hold, hold_release_date, location, snapshot_date FROM inventory "
        "ORDER BY sku, location"),
    "purchase_orders.csv": (
        ["po_number", "sku", "quantity", "expected_date", "supplier", "order_date",
         "received_quantity", "received_date", "status", "unit_cost"],
        "SELECT l.po_number, l.sku, l.quantity, l.expected_date, h.supplier, h.order_date, "
        f"l.received_quantity, l.received_date, l.status, {_number('l.unit_cost')} "
        "FROM po_lines l JOIN purchase_orders h USING (po_number) ORDER BY l.po_number, l.sku"),
    "backorders.csv": (
        ["order_id", "sku", "quantity", "order_date", "promised_date", "unit_price", "priority",
         "customer"],
        f"SELECT order_id, sku, quantity, order_date, promised_date, {_number('unit_price')}, "
        f"{_number('priority')}, customer FROM backorders ORDER BY order_date, order_id, sku"),
    "forecast_overrides.csv": (
        ["sku", "demand_per_day", "demand_std_per_day", "start_date", "end_date"],
        f"SELECT sku, {_number('demand_per_day')}, {_number('demand_std_per_day')}, start_date, "
        "end_date FROM forecast_overrides ORDER BY sku"),
    "fx_rates.csv": (
        ["currency", "rate", "date"],
        f"SELECT currency, {_number('rate')}, date FROM fx_rates ORDER BY currency, date"),
    "price_breaks.csv": (
        ["sku", "min_quantity", "unit_cost", "supplier"],
        f"SELECT sku, min_quantity, {_number('unit_cost')}, supplier FROM price_breaks "
        "ORDER BY sku, supplier, min_quantity"),
}
#: Files written only when their table has rows.
OPTIONAL = {"forecast_overrides.csv": "forecast_overrides", "fx_rates.csv": "fx_rates",
            "price_breaks.csv": "price_breaks"}


def write_demo_csvs(db: Database, directory: str | os.PathLike[str]) -> list[Path]:
    """Write the workspace's data as import-format CSV files into ``directory``; returns them.

    forecast_overrides.csv, fx_rates.csv and price_breaks.csv are written only when the
    workspace has such rows.
    """
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, (header, sql) in EXPORTS.items():
        if name in OPTIONAL and not db.execute(
                f"SELECT EXISTS (SELECT 1 FROM [{OPTIONAL[name]}])").fetchone()[0]:
            continue
        path = folder / name
        with open(path, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(header)
            cursor = db.conn.execute(sql)
            while rows := cursor.fetchmany(50_000):
                writer.writerows(rows)
        written.append(path)
    return written
