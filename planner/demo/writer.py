"""Writing a demo brand into a workspace, in one transaction."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sqlite_utils import Database

from planner import clock
from planner.demo.bundles import add_catalog_health, bundle_count
from planner.demo.catalog import (
    MADE_TO_ORDER_SKU,
    MIN_SKUS,
    OVERRIDE_SKU,
    SUPPLIERS,
    build_catalog,
    fx_rates,
    price_breaks,
)
from planner.demo.purchasing import build_purchase_orders
from planner.demo.sales import CHANNELS, OrderLines, daily_units, generate_order_lines
from planner.demo.stock import (
    build_backorders,
    build_inventory,
    ensure_split_order,
    out_of_stock_days,
)
from planner.errors import InputError
from planner.store.demand import rebuild_daily_demand
from planner.store.settings import parse_setting

#: Tables holding a business's data (settings and the import log are not "data" here).
DATA_TABLES = ("price_breaks", "fx_rates", "bundles", "quoted_dates", "backorders",
               "forecast_overrides", "po_lines", "purchase_orders", "inventory", "daily_demand",
               "sales", "products", "suppliers")
DEMO_SETTINGS = {
    "company_name": "Northwind Goods Co.",
    "company_address": "214 Alder Street, Portland, OR 97204, USA",
    "currency": "USD",
    "purchase_terms": "Net 30 from receipt. Please confirm ship dates within 3 working days "
                      "and mark every carton with our PO number.",
}
Progress = Callable[[float, str], None]
#: Page cache while writing (KiB): big enough that index building rarely touches the disk.
_CACHE_KIB = 256_000


@dataclass
class DemoData:
    """A generated demo brand, ready to write."""

    as_of: dt.date
    catalog: pd.DataFrame
    lines: OrderLines
    dates: pd.DatetimeIndex
    inventory: pd.DataFrame
    purchase_orders: pd.DataFrame
    po_lines: pd.DataFrame
    backorders: pd.DataFrame
    overrides: pd.DataFrame
    bundles: pd.DataFrame | None = None
    budget_per_month: float = 0.0


def generate_demo(*, skus: int = 60, years: float = 2.5, seed: int = 7,
                  as_of: dt.date | None = None, progress: Progress | None = None) -> DemoData:
    """Generate (without writing) a believable small brand's data up to ``as_of``."""
    if not 1.0 <= years <= 10.0:
        raise InputError(f"years must be from 1 to 10 (got {years})")
    report = progress or (lambda fraction, message: None)
    as_of = as_of or clock.today()
    if isinstance(as_of, dt.datetime):
        as_of = as_of.date()
    days = int(round(years * 365.25))
    dates = pd.date_range(end=pd.Timestamp(as_of), periods=days, freq="D")
    report(0.02, "catalogue")
    # `skus` products in all: some of them are gift sets (bundles) of the others, when the
    # catalogue keeps enough regular SKUs to tell its story
    kits = bundle_count(skus) if skus - bundle_count(skus) >= MIN_SKUS else 0
    catalog = build_catalog(skus - kits, days, np.random.default_rng([seed, 1]))
    report(0.05, "customer orders")
    lines = generate_order_lines(catalog, dates, np.random.default_rng([seed, 2]))
    stock_rng = np.random.default_rng([seed, 3])
    oos_days = out_of_stock_days(catalog, stock_rng)
    lines = ensure_split_order(lines, catalog, oos_days, days - 1)
    report(0.3, "stock and backorders")
    backorders = build_backorders(lines, catalog, oos_days, dates, stock_rng)
    units = daily_units(lines, len(catalog), days)
    inventory = build_inventory(catalog, units, pd.Timestamp(as_of), stock_rng)
    owed = backorders.groupby("sku")["quantity"].sum()
    mto = backorders[backorders["sku"] == MADE_TO_ORDER_SKU]
    week_ago = (pd.Timestamp(as_of) - pd.Timedelta(days=7)).strftime("%Y-%m-%d")
    mto_due = int(mto.loc[mto["order_date"] < week_ago, "quantity"].sum()) or int(
        mto["quantity"].sum())
    report(0.35, "purchase orders")
    purchase_orders, po_lines = build_purchase_orders(
        catalog, units, dates, owed, mto_due, np.random.default_rng([seed, 4]))
    overrides = pd.DataFrame(
        [{"sku": OVERRIDE_SKU, "demand_per_day": 1.4, "demand_std_per_day": 0.8,
          "start_date": as_of.isoformat(),
          "end_date": (as_of + dt.timedelta(days=90)).isoformat()}]
        if OVERRIDE_SKU in set(catalog["sku"]) else [],
        columns=["sku", "demand_per_day", "demand_std_per_day", "start_date", "end_date"])
    demo = DemoData(as_of=as_of, catalog=catalog, lines=lines, dates=dates, inventory=inventory,
                    purchase_orders=purchase_orders, po_lines=po_lines, backorders=backorders,
                    overrides=overrides)
    # gift sets (bundles), stock that stopped selling, a purchase budget that bites
    demo, bundles, budget = add_catalog_health(demo, np.random.default_rng([seed, 5]), kits)
    return dataclasses.replace(demo, bundles=bundles, budget_per_month=budget)


def _rows(frame: pd.DataFrame, columns: list[str]) -> list[tuple]:
    """Plain Python rows (None for missing values) for executemany."""
    part = frame[columns].astype(object)
    return list(part.where(part.notna(), None).itertuples(index=False, name=None))


def _insert(db: Database, table: str, frame: pd.DataFrame, columns: list[str]) -> int:
    marks = ", ".join("?" * len(columns))
    db.conn.executemany(f"INSERT INTO [{table}] ({', '.join(columns)}) VALUES ({marks})",
                        _rows(frame, columns))
    return len(frame)


def _sales_indexes(db: Database) -> list[tuple[str, str]]:
    return db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' "
                      "AND tbl_name = 'sales' AND sql IS NOT NULL").fetchall()


def _insert_sales(db: Database, demo: DemoData, report: Progress) -> int:
    """Bulk-load the order lines, SKU by SKU and date by date, building indexes afterwards."""
    lines = demo.lines
    order = np.lexsort((lines.order, lines.day, lines.sku))
    date_text = np.array(demo.dates.strftime("%Y-%m-%d"), dtype=object)
    sku_text = demo.catalog["sku"].to_numpy(dtype=object)
    columns = (date_text[lines.day[order]], sku_text[lines.sku[order]], lines.quantity[order],
               lines.order_ids[lines.order[order]], lines.unit_price[order],
               CHANNELS[lines.channel[order]])
    # Into an empty table it is much faster to index once at the end than row by row; the
    # indexes are recreated from their own stored SQL, inside the same transaction.
    empty = not db.execute("SELECT EXISTS (SELECT 1 FROM sales)").fetchone()[0]
    indexes = _sales_indexes(db) if empty else []
    for name, _ in indexes:
        db.execute(f"DROP INDEX [{name}]")
    sql = ("INSERT INTO sales(date, sku, quantity, order_id, unit_price, channel) "
           "VALUES (?, ?, ?, ?, ?, ?)")
    step = 250_000
    for first in range(0, len(lines), step):
        part = [column[first:first + step].tolist() for column in columns]
        db.conn.executemany(sql, zip(*part, strict=True))
        report(0.4 + 0.35 * min(1.0, (first + step) / max(len(lines), 1)), "writing sales")
    report(0.76, "indexing sales")
    for _, index_sql in indexes:
        db.execute(index_sql)
    return len(lines)


def workspace_has_data(db: Database) -> bool:
    """True when any business-data table holds a row."""
    return any(db.execute(f"SELECT EXISTS (SELECT 1 FROM [{table}])").fetchone()[0]
               for table in DATA_TABLES)


def write_demo(db: Database, *, skus: int = 60, years: float = 2.5, seed: int = 7,
               as_of: dt.date | None = None, replace: bool = False,
               progress: Progress | None = None) -> dict[str, int]:
    """Fill a workspace with a demo brand in one transaction; returns row counts per table.

    ``progress(fraction, message)`` is called as the work advances. A workspace that already
    holds data is refused unless ``replace`` is true (its data is then deleted first).
    """
    if not replace and workspace_has_data(db):
        raise InputError("this workspace already holds data; the demo only fills an empty "
                         "workspace (choose a new file, or replace its data with replace=True)")
    report = progress or (lambda fraction, message: None)
    demo = generate_demo(skus=skus, years=years, seed=seed, as_of=as_of, progress=report)
    counts: dict[str, int] = {}
    cache_size = db.execute("PRAGMA cache_size").fetchone()[0]
    db.execute(f"PRAGMA cache_size = {-_CACHE_KIB}")
    try:
        with db.atomic():
            _write(db, demo, replace, counts, report)
    finally:
        db.execute(f"PRAGMA cache_size = {int(cache_size)}")
    report(1.0, "done")
    return counts


def _write(db: Database, demo: DemoData, replace: bool, counts: dict[str, int],
           report: Progress) -> None:
    """Every table of the demo; the caller holds the transaction."""
    if replace:
        for table in DATA_TABLES:
            db.execute(f"DELETE FROM [{table}]")
    for key, value in DEMO_SETTINGS.items():
        db.execute("INSERT INTO settings(key, value) VALUES (?, ?) ON CONFLICT(key) "
                   "DO UPDATE SET value = excluded.value", [key, str(parse_setting(key, value))])
    counts["suppliers"] = _insert(db, "suppliers", SUPPLIERS, list(SUPPLIERS.columns))
    products = demo.catalog.assign(made_to_order=demo.catalog["made_to_order"].astype(int),
                                   active=demo.catalog["active"].astype(int))
    counts["products"] = _insert(db, "products", products, [
        "sku", "name", "supplier", "supplier_sku", "unit_cost", "unit_price", "lead_time_days",
        "lead_time_std_days", "moq", "case_pack", "service_level", "made_to_order", "active",
        "unit_volume_m3", "unit_weight_kg"])
    # buying abroad: the EUR and CNY suppliers' rates, quantity discounts on a few SKUs
    counts["fx_rates"] = _insert(db, "fx_rates", fx_rates(demo.as_of), ["currency", "rate", "date"])
    breaks = price_breaks(demo.catalog)
    counts["price_breaks"] = _insert(db, "price_breaks", breaks, list(breaks.columns))
    counts["sales"] = _insert_sales(db, demo, report)
    report(0.85, "daily demand")
    rebuild_daily_demand(db)
    for table, frame in (("inventory", demo.inventory),
                         ("purchase_orders", demo.purchase_orders),
                         ("po_lines", demo.po_lines), ("backorders", demo.backorders),
                         ("forecast_overrides", demo.overrides)):
        counts[table] = _insert(db, table, frame, list(frame.columns))
    if demo.bundles is not None and len(demo.bundles):
        counts["bundles"] = _insert(db, "bundles", demo.bundles, list(demo.bundles.columns))
    for key, value in (("purchase_budget_per_month", demo.budget_per_month),):
        db.execute("INSERT INTO settings(key, value) VALUES (?, ?) ON CONFLICT(key) "
                   "DO UPDATE SET value = excluded.value", [key, str(parse_setting(key, str(value)))])
    report(0.95, "committing")
