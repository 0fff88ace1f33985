"""The one path from a workspace to a plan: load frames from the store, run the engine."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from sqlite_utils import Database

from planner.store.settings import load_settings


@dataclass
class PlanningData:
    """Everything the engine needs, as plain frames (see docs/architecture.md)."""

    as_of: dt.date
    settings: dict[str, Any]
    products: pd.DataFrame
    suppliers: pd.DataFrame
    daily_demand: pd.DataFrame
    inventory: pd.DataFrame
    po_lines: pd.DataFrame
    backorders: pd.DataFrame
    overrides: pd.DataFrame
    extras: dict[str, Any] = field(default_factory=dict)


def _dates(frame: pd.DataFrame, *columns: str) -> pd.DataFrame:
    for column in columns:
        frame[column] = pd.to_datetime(frame[column], format="%Y-%m-%d", errors="coerce")
    return frame


def _read(db: Database, sql: str, params: list[Any] | None = None) -> pd.DataFrame:
    return pd.read_sql_query(sql, db.conn, params=params or [])


def load_planning_data(db: Database, as_of: dt.date | None = None) -> PlanningData:
    """Read a workspace's planning frames as of a date (later-dated data is left out)."""
    as_of = as_of or dt.date.today()
    iso = as_of.isoformat()
    settings = load_settings(db)

    suppliers = _read(db, "SELECT supplier, email, lead_time_days, lead_time_std_days, "
                          "min_order_value, currency, contact, address FROM suppliers")
    products = _read(db, "SELECT * FROM products ORDER BY sku")
    for column in ("made_to_order", "active"):
        products[column] = products[column].astype(bool)
    sup = suppliers.set_index("supplier")
    for column in ("lead_time_days", "lead_time_std_days"):
        from_supplier = products["supplier"].map(sup[column]) if len(sup) else np.nan
        products[column] = products[column].fillna(from_supplier)
    products["lead_time_days"] = products["lead_time_days"].fillna(
        float(settings["default_lead_time_days"])).astype(float)
    products["lead_time_std_days"] = products["lead_time_std_days"].fillna(0.0).astype(float)
    products["service_level"] = products["service_level"].fillna(
        float(settings["service_level"])).astype(float)
    products["moq"] = products["moq"].fillna(0).astype(int)
    products["case_pack"] = products["case_pack"].fillna(1).astype(int)
    products["unit_cost"] = products["unit_cost"].astype(float)
    products["unit_price"] = products["unit_price"].astype(float)

    daily_demand = _dates(_read(db, "SELECT sku, date, quantity FROM daily_demand WHERE date <= ?",
                                [iso]), "date")
    inventory = _dates(_read(db, "SELECT sku, location, on_hand, on_hold, hold_release_date "
                                 "FROM inventory"), "hold_release_date")
    po_lines = _dates(_read(db, """
        SELECT l.po_number, l.sku, COALESCE(h.supplier, p.supplier) AS supplier, h.order_date,
               l.quantity, l.expected_date, l.received_quantity, l.received_date, l.status,
               COALESCE(l.unit_cost, p.unit_cost) AS unit_cost
        FROM po_lines l JOIN purchase_orders h USING (po_number)
        LEFT JOIN products p ON p.sku = l.sku
        WHERE h.order_date IS NULL OR h.order_date <= ?""", [iso]),
        "order_date", "expected_date", "received_date")
    # A receipt dated after as_of has not happened yet as far as this plan is concerned.
    future_receipt = po_lines["received_date"] > pd.Timestamp(as_of)
    po_lines.loc[future_receipt, ["received_quantity"]] = 0
    po_lines.loc[future_receipt, "received_date"] = pd.NaT
    po_lines.loc[future_receipt & (po_lines["status"] == "received"), "status"] = "open"

    backorders = _dates(_read(db, """
        SELECT b.order_id, b.sku, b.quantity, b.order_date, b.promised_date,
               COALESCE(b.unit_price, p.unit_price) AS unit_price, b.priority, b.customer
        FROM backorders b LEFT JOIN products p USING (sku)
        WHERE b.order_date <= ?""", [iso]), "order_date", "promised_date")
    overrides = _dates(_read(db, "SELECT * FROM forecast_overrides"), "start_date", "end_date")
    return PlanningData(as_of=as_of, settings=settings, products=products, suppliers=suppliers,
                        daily_demand=daily_demand, inventory=inventory, po_lines=po_lines,
                        backorders=backorders, overrides=overrides)
