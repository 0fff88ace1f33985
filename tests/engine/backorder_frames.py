"""Small builders for the frames the backorder projection takes (engine tests only)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from planner.engine.projection import Projection
from planner.engine.whatif import ProjectionInputs, run_projection

AS_OF = dt.date(2025, 6, 2)  # a Monday


def day(text: str | None) -> pd.Timestamp:
    """'2025-06-10' as a Timestamp (None -> NaT)."""
    return pd.NaT if text is None else pd.Timestamp(text)


def inventory(*rows: tuple) -> pd.DataFrame:
    """Rows of (sku, on_hand[, on_hold[, hold_release_date[, location]]])."""
    full = [(r + (0, None, "main")[len(r) - 2:])[:5] for r in rows]
    frame = pd.DataFrame(full, columns=["sku", "on_hand", "on_hold", "hold_release_date",
                                        "location"])
    frame["hold_release_date"] = pd.to_datetime(frame["hold_release_date"])
    return frame


def po_lines(*rows: tuple) -> pd.DataFrame:
    """Rows of (po_number, sku, quantity, expected_date[, received_quantity[, status[, supplier]]])."""
    defaults = (0, "open", "Kiln & Co")
    full = [r + defaults[len(r) - 4:] for r in rows]
    frame = pd.DataFrame(full, columns=["po_number", "sku", "quantity", "expected_date",
                                        "received_quantity", "status", "supplier"])
    frame["expected_date"] = pd.to_datetime(frame["expected_date"])
    frame["order_date"] = pd.Timestamp("2025-04-01")
    frame["received_date"] = pd.NaT
    return frame


def backorders(*rows: tuple) -> pd.DataFrame:
    """Rows of (order_id, sku, quantity, order_date[, promised_date[, priority[, customer]]])."""
    defaults = (None, np.nan, None)
    full = [r + defaults[len(r) - 4:] for r in rows]
    frame = pd.DataFrame(full, columns=["order_id", "sku", "quantity", "order_date",
                                        "promised_date", "priority", "customer"])
    frame["customer"] = frame["customer"].fillna(frame["order_id"])
    for column in ("order_date", "promised_date"):
        frame[column] = pd.to_datetime(frame[column])
    frame["priority"] = frame["priority"].astype(float)
    frame["unit_price"] = np.nan
    return frame


def products(*rows: tuple) -> pd.DataFrame:
    """Rows of (sku, unit_price[, made_to_order])."""
    full = [r + (False,)[len(r) - 2:] for r in rows]
    return pd.DataFrame(full, columns=["sku", "unit_price", "made_to_order"])


def inputs(*, stock: pd.DataFrame | None = None, pos: pd.DataFrame | None = None,
           queue: pd.DataFrame | None = None, catalogue: pd.DataFrame | None = None,
           **settings) -> ProjectionInputs:
    """Projection inputs with quiet defaults: 60-day horizon, no dock-to-stock, no forecast."""
    settings = {"horizon_days": 60, "dock_to_stock_days": 0, **settings}
    return ProjectionInputs(
        as_of=settings.pop("as_of", AS_OF),
        inventory=stock if stock is not None else inventory(),
        po_lines=pos if pos is not None else po_lines(),
        backorders=queue if queue is not None else backorders(),
        products=catalogue if catalogue is not None else products(("MUG", 20.0)),
        **settings)


def project(**kwargs) -> Projection:
    """Build the inputs and run the projection."""
    return run_projection(inputs(**kwargs))


def ship_table(projection: Projection) -> dict[str, tuple[str | None, str | None]]:
    """order_id -> (projected ship date as ISO text or None, filled_from or None)."""
    table = {}
    for row in projection.lines.itertuples():
        ship = None if pd.isna(row.projected_ship_date) else row.projected_ship_date.date().isoformat()
        source = None if pd.isna(row.filled_from) else row.filled_from
        table[row.order_id] = (ship, source)
    return table


def demand(per_day: dict[str, float], *, days: int = 60, as_of: dt.date = AS_OF) -> pd.DataFrame:
    """A flat daily forecast per SKU from as_of + 1."""
    dates = pd.date_range(pd.Timestamp(as_of) + pd.Timedelta(days=1), periods=days, freq="D")
    return pd.DataFrame({d: list(per_day.values()) for d in dates},
                        index=pd.Index(list(per_day), name="sku"), dtype=float)
