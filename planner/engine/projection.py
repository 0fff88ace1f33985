"""The backorder drawdown: supply events against the open order queue, then forecast demand.

Day ``k`` of the projection is ``as_of + k`` (k = 0 … horizon_days − 1). Quantities are units;
"end of day" frames are after that day's shipments.

How supply is drawn down, per SKU (whole-array: cumulative sums + searchsorted, no per-day loop):

1. **The queue.** Open order lines are ordered: lines with a priority first (lower number
   first), then by order date, ties by order_id, then by input row. A line ships, whole, on the
   first day cumulative supply covers its quantity plus everything queued ahead of it. The queue is
   *strict*: a small later line never jumps ahead of an earlier line still waiting, so stock that
   cannot yet cover the head of the queue stays on hand, reserved for it. Lines are therefore
   served in queue order and ship dates never decrease along the queue.
   ``filled_from`` is the event that completes the line (same-day events in the order on hand,
   hold, PO, suggested). Supply dated beyond the horizon still covers lines (a line may ship in
   200 days); a line that all known supply cannot cover is *uncovered* (no ship date).
2. **New demand.** Forecast demand (from day 1) queues behind every existing line: it is served
   from supply left after the whole existing queue, first come first served, and what is not
   served becomes projected new backorders that later supply serves.
   served_new(t) = min(cum_demand(t), max(cum_supply(t) − queue_total, 0)).

Per line (``Projection.lines``):

- ``days_waiting`` = as_of − order_date; ``days_until_ship`` = projected − as_of;
  ``days_late`` = projected − promised (negative = early) when both are known;
- ``cancel_probability`` = 1 − (1 − rate) ** (days the customer waits: from order date to the
  projected ship date; for a line no known supply covers, to the date it ships if the buyer
  orders today, as-of + lead time + dock-to-stock, the date the row quotes (the last horizon day
  only when the SKU's lead time is unknown)); a **made-to-order** line counts only the wait
  beyond its expected date: the promised date, else order date + lead time + dock-to-stock
  (waiting until then is what its customer expects); ``value`` = quantity × unit price (line
  price, else the product's, else 0); ``value_at_risk`` = value × cancel_probability;
- ``quoted_date`` = projected + promise buffer (NaT when uncovered);
- ``uncovered``: no known supply covers it; ``late``: projected after the promised date, or
  uncovered with the promised date already here (it cannot ship by then);
- ``notice_due`` (a delay notice with the option to cancel is owed): late, or nothing promised and
  projected more than 30 days after the order date, or uncovered;
- ``update_due`` (the mid-wait update, about a week before the quoted date): the line has a ship
  date after today, its quoted date falls within the next 7 days (as_of + 1 … as_of + 7), and the
  order is at least 7 days old (younger orders were just quoted at order time);
- a line that ships today gets its shipping confirmation, not a notice (``notice_due`` off);
- made-to-order SKUs are expected to wait: ``uncovered`` is off and ``notice_due`` is only raised
  when they pass an explicit promise (``late``); the mid-wait update still applies;
- a line with quantity 0 "ships" today with nothing filling it.

The book (``Projection.book``) counts units and value still open at the end of each day: the
existing queue (lines not yet shipped; uncovered lines stay in it) and projected new backorders
(forecast demand not yet served, valued at the product price).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from planner.engine.customer_updates import customer_updates
from planner.engine.orders import multi_line_orders
from planner.engine.supply import (
    KIND_RANK,
    as_day,
    date_values,
    horizon_dates,
    sorted_codes,
    supply_days,
    text_values,
)

__all__ = ["Projection", "project_backorders", "customer_updates", "LINE_COLUMNS", "BOOK_COLUMNS"]

#: days without a promise after which a delay notice is owed (FTC Mail Order Rule)
UNPROMISED_NOTICE_DAYS = 30
#: the mid-wait update is due when the quoted date is this many days away or fewer
UPDATE_WINDOW_DAYS = 7
_TOLERANCE = 1e-6
_DAY = np.timedelta64(1, "D")

LINE_COLUMNS = [
    "order_id", "sku", "customer", "quantity", "order_date", "promised_date", "priority",
    "unit_price", "projected_ship_date", "filled_from", "filled_from_kind", "days_waiting",
    "days_until_ship", "days_late", "cancel_probability", "value", "value_at_risk",
    "quoted_date", "queue_position", "uncovered", "late", "notice_due", "update_due",
    "made_to_order", "overdue_po", "beyond_horizon", "flag_reasons",
]
BOOK_COLUMNS = ["date", "existing_units", "existing_value", "new_units", "new_value",
                "total_units", "total_value"]


@dataclass
class Projection:
    """The backorder drawdown for a set of SKUs over the horizon."""

    #: one row per open order line, SKUs in order and queue order within a SKU (LINE_COLUMNS)
    lines: pd.DataFrame
    #: one row per day: units and value open at end of day, existing queue and projected new
    book: pd.DataFrame
    #: index sku, columns dates: sellable stock at end of day (includes stock held for the queue)
    on_hand: pd.DataFrame
    #: index sku, columns dates: projected new backordered units open at end of day
    new_backorders: pd.DataFrame
    #: index sku: first day forecast demand goes unserved (NaT if none within the horizon)
    stockout_date: pd.Series
    #: multi-line orders: ship partial now vs hold the whole order
    orders: pd.DataFrame
    #: index sku: stockout_days, units_short, revenue_short over the horizon, unit_price
    #: (see shortage())
    shortage: pd.DataFrame | None = None
    #: index sku, columns dates: forecast demand of the day its stock could not serve that day
    short_units: pd.DataFrame | None = None


def _exclusive_prefix(totals: np.ndarray) -> np.ndarray:
    prefix = np.zeros_like(totals)
    np.cumsum(totals[:-1], out=prefix[1:])
    return prefix


def _numbers(frame: pd.DataFrame, name: str) -> np.ndarray:
    if name not in frame.columns:
        return np.full(len(frame), np.nan)
    column = frame[name]
    if column.dtype.kind in "fiu":
        return column.to_numpy(dtype=float)
    return pd.to_numeric(column, errors="coerce").to_numpy(dtype=float, na_value=np.nan)


def _product_lookup(products: pd.DataFrame | None, skus: pd.Index) -> tuple[np.ndarray,
                                                                           np.ndarray,
                                                                           np.ndarray]:
    """Unit price, made-to-order and lead time (days) per SKU of ``skus`` (NaN / False / NaN
    for unknown SKUs)."""
    price = np.full(len(skus), np.nan)
    made_to_order = np.zeros(len(skus), dtype=bool)
    lead = np.full(len(skus), np.nan)
    if products is None or len(products) == 0:
        return price, made_to_order, lead
    rows = skus.get_indexer(products["sku"].astype(str))  # later duplicates win
    known = rows >= 0
    price[rows[known]] = _numbers(products, "unit_price")[known]
    lead[rows[known]] = _numbers(products, "lead_time_days")[known]
    if "made_to_order" in products.columns:
        flags = products["made_to_order"].fillna(False).to_numpy(dtype=bool)
        made_to_order[rows[known]] = flags[known]
    return price, made_to_order, lead


def _queue(backorders: pd.DataFrame, as_of64: np.datetime64,
           skus: pd.Index) -> dict[str, np.ndarray]:
    """Open order lines as arrays, in queue order within SKU (SKUs in ``skus`` order)."""
    order_date = date_values(backorders, "order_date")
    lines = {
        "order_id": text_values(backorders, "order_id"),
        "sku": text_values(backorders, "sku"),
        "customer": (backorders["customer"].to_numpy(dtype=object) if "customer" in
                     backorders.columns else np.full(len(backorders), None, dtype=object)),
        "quantity": np.clip(np.nan_to_num(_numbers(backorders, "quantity")), 0.0, None),
        "order_date": np.where(np.isnat(order_date), as_of64, order_date),
        "promised_date": date_values(backorders, "promised_date"),
        "priority": _numbers(backorders, "priority"),
        "unit_price": _numbers(backorders, "unit_price"),
    }
    if "bundle_ref" in backorders.columns:  # a bundle line's component (see engine/bundles.py)
        lines["bundle_ref"] = _numbers(backorders, "bundle_ref")
    priority_key = np.where(np.isnan(lines["priority"]), np.inf, lines["priority"])
    order = np.lexsort((np.arange(len(backorders)), sorted_codes(lines["order_id"])[0],
                        lines["order_date"].astype(np.int64), priority_key,
                        skus.get_indexer(lines["sku"])))
    return {name: values[order] for name, values in lines.items()}


def _demand_matrix(demand_daily: pd.DataFrame | None, skus: pd.Index, as_of: pd.Timestamp,
                   horizon_days: int) -> np.ndarray:
    matrix = np.zeros((len(skus), horizon_days))
    if demand_daily is None or demand_daily.size == 0:
        return matrix
    rows = skus.get_indexer(demand_daily.index.astype(str))
    columns = demand_daily.columns
    if not isinstance(columns, pd.DatetimeIndex):
        columns = pd.DatetimeIndex(pd.to_datetime(columns))
    days = (columns.to_numpy(dtype="datetime64[ns]").astype("datetime64[D]")
            - np.datetime64(as_of, "D")).astype(np.int64)
    keep_rows = rows >= 0
    keep_days = (days >= 1) & (days < horizon_days)  # forecast demand starts on day 1
    values = demand_daily.to_numpy(dtype=float)
    if not (keep_rows.all() and keep_days.all()):
        values = values[np.ix_(keep_rows, keep_days)]
    matrix[np.ix_(rows[keep_rows], days[keep_days])] = np.clip(np.nan_to_num(values), 0.0, None)
    return matrix


def _sku_universe(*groups: Any) -> pd.Index:
    found = np.concatenate([np.asarray(g, dtype=object) for g in groups])
    return pd.Index(sorted_codes(found)[1], name="sku", dtype=object)


def _day_matrix(rows: np.ndarray, days: np.ndarray, weights: np.ndarray, n_rows: int,
                horizon_days: int) -> np.ndarray:
    inside = (days >= 0) & (days < horizon_days)
    flat = rows[inside] * horizon_days + days[inside]
    counts = np.bincount(flat, weights=weights[inside], minlength=n_rows * horizon_days)
    return counts.reshape(n_rows, horizon_days)


def _supply_events(supply: pd.DataFrame, skus_of: Any, as_of: pd.Timestamp
                   ) -> dict[str, np.ndarray]:
    """Dated supply events as arrays in draw-down order: SKU, day, then kind."""
    quantity = supply["quantity"].to_numpy(dtype=float)
    day = supply_days(supply, as_of)
    dated = (day >= 0) & (quantity > 0)
    kind = text_values(supply, "kind")[dated]
    events = {
        "sku": skus_of(text_values(supply, "sku")[dated]),
        "day": day[dated],
        "quantity": quantity[dated],
        "source": text_values(supply, "source")[dated],
        "kind": kind,
        "overdue": (supply["overdue"].to_numpy(dtype=bool)[dated] if "overdue" in supply.columns
                    else np.zeros(len(kind), dtype=bool)),
    }
    rank = np.array([*KIND_RANK.values(), len(KIND_RANK)])  # unknown kinds (code -1) go last
    kind_rank = rank[pd.Index(list(KIND_RANK)).get_indexer(kind)]
    order = np.lexsort((np.arange(len(kind)), kind_rank, events["day"], events["sku"]))
    return {name: values[order] for name, values in events.items()}


def project_backorders(*, as_of: Any, horizon_days: int, supply: pd.DataFrame,
                       backorders: pd.DataFrame, products: pd.DataFrame,
                       demand_daily: pd.DataFrame | None = None,
                       cancel_rate_per_day: float = 0.02, promise_buffer_days: int = 3,
                       split_shipment_cost: float = 14.0,
                       dock_to_stock_days: int = 0) -> Projection:
    """Project the open order queue and forecast demand against supply, day by day
    (``products`` may carry ``lead_time_days``: the wait of lines no supply covers)."""
    as_of = as_day(as_of)
    horizon = int(horizon_days)
    as_of64 = np.datetime64(as_of, "ns")
    skus = _sku_universe(
        text_values(products, "sku") if products is not None else [],
        text_values(backorders, "sku"), text_values(supply, "sku"),
        demand_daily.index.astype(str) if demand_daily is not None else [])
    queue = _queue(backorders, as_of64, skus)
    n_skus = len(skus)
    ev = _supply_events(supply, skus.get_indexer, as_of)
    n_events = len(ev["sku"])
    sku_price, sku_made_to_order, sku_lead = _product_lookup(products, skus)

    # --- the queue: each line's first covering event (offset cumulative keys per SKU)
    supply_total = np.bincount(ev["sku"], weights=ev["quantity"], minlength=n_skus)
    cum_supply = np.cumsum(ev["quantity"]) - _exclusive_prefix(supply_total)[ev["sku"]]
    line_sku = skus.get_indexer(queue["sku"])
    line_qty = queue["quantity"]
    queue_total = np.bincount(line_sku, weights=line_qty, minlength=n_skus)
    cum_queue = np.cumsum(line_qty) - _exclusive_prefix(queue_total)[line_sku]
    offset = _exclusive_prefix(np.maximum(supply_total, queue_total) + 1.0)
    event_at = np.searchsorted(offset[ev["sku"]] + cum_supply,
                               offset[line_sku] + cum_queue - _TOLERANCE, side="left")
    pick = np.minimum(event_at, max(n_events - 1, 0))
    nothing_to_ship = line_qty <= 0
    has_event = np.zeros(len(line_sku), dtype=bool)
    if n_events:
        has_event = (event_at < n_events) & (ev["sku"][pick] == line_sku) & ~nothing_to_ship
    ship_day = np.where(has_event, ev["day"][pick] if n_events else 0, -1)
    ship_day[nothing_to_ship] = 0
    covered = has_event | nothing_to_ship

    # --- day matrices: supply, existing shipments, new demand
    cum_supply_day = np.cumsum(_day_matrix(ev["sku"], ev["day"], ev["quantity"], n_skus, horizon),
                               axis=1)
    shipped_existing = np.cumsum(_day_matrix(line_sku, ship_day, line_qty, n_skus, horizon), axis=1)
    demand_day = _demand_matrix(demand_daily, skus, as_of, horizon)
    cum_demand = np.cumsum(demand_day, axis=1)
    served_new = np.minimum(cum_demand, np.maximum(cum_supply_day - queue_total[:, None], 0.0))
    new_open = cum_demand - served_new
    new_open[new_open < _TOLERANCE] = 0.0
    on_hand = np.maximum(cum_supply_day - shipped_existing - served_new, 0.0)
    dates = horizon_dates(as_of, horizon)
    short = new_open > 0
    stockout = np.full(n_skus, np.datetime64("NaT"), dtype="datetime64[ns]")
    short_any = short.any(axis=1)
    stockout[short_any] = dates.to_numpy()[np.argmax(short[short_any], axis=1)]

    # --- per line
    unit_price = queue["unit_price"]
    unit_price = np.nan_to_num(np.where(np.isnan(unit_price), sku_price[line_sku], unit_price))
    facts = _line_facts(queue, as_of64, horizon, covered, ship_day, unit_price,
                        sku_made_to_order[line_sku], cancel_rate_per_day, promise_buffer_days,
                        lead_days=sku_lead[line_sku], dock_to_stock_days=dock_to_stock_days)
    none = np.full(len(line_sku), None, dtype=object)
    facts["filled_from"] = (np.where(has_event, ev["source"][pick], None)  # type: ignore[assignment]
                            if n_events else none)
    facts["filled_from_kind"] = (np.where(has_event, ev["kind"][pick], None)  # type: ignore[assignment]
                                 if n_events else none)
    facts["overdue_po"] = has_event & ev["overdue"][pick] if n_events else none.astype(bool)
    facts["queue_position"] = (np.arange(len(line_sku)) + 1
                               - _exclusive_prefix(np.bincount(line_sku, minlength=n_skus)
                                                   )[line_sku]).astype(np.int64)
    facts["flag_reasons"] = _flag_reasons(facts, covered)
    for name in ("days_until_ship", "days_late"):
        facts[name] = pd.arrays.IntegerArray(facts[name], facts[name + "_missing"])
    if np.array_equal(line_qty, np.round(line_qty)):
        facts["quantity"] = line_qty.astype(np.int64)  # whole units, as imported
    lines = pd.DataFrame({name: facts[name] for name in LINE_COLUMNS
                          + (["bundle_ref"] if "bundle_ref" in facts else [])})

    # --- the book over time (open at end of day)
    ship_bucket = np.where(covered & (ship_day < horizon), ship_day, horizon)
    shipped_units = np.bincount(ship_bucket, weights=line_qty, minlength=horizon + 1)[:horizon]
    shipped_value = np.bincount(ship_bucket, weights=facts["value"],
                                minlength=horizon + 1)[:horizon]
    existing_units = np.maximum(line_qty.sum() - np.cumsum(shipped_units), 0.0)
    existing_value = np.maximum(facts["value"].sum() - np.cumsum(shipped_value), 0.0)
    new_units = new_open.sum(axis=0)
    new_value = (new_open * np.nan_to_num(sku_price)[:, None]).sum(axis=0)
    book = pd.DataFrame({
        "date": dates, "existing_units": existing_units, "existing_value": existing_value,
        "new_units": new_units, "new_value": new_value, "total_units": existing_units + new_units,
        "total_value": existing_value + new_value,
    })

    return Projection(
        lines=lines,
        book=book,
        on_hand=pd.DataFrame(on_hand, index=skus, columns=dates),
        new_backorders=pd.DataFrame(new_open, index=skus, columns=dates),
        shortage=shortage(demand_day, new_open, sku_price, skus),
        short_units=pd.DataFrame(short_by_day(demand_day, new_open), index=skus, columns=dates),
        stockout_date=pd.Series(stockout, index=skus, name="stockout_date"),
        orders=multi_line_orders(lines, as_of=as_of, cancel_rate_per_day=cancel_rate_per_day,
                                 split_shipment_cost=split_shipment_cost),
    )


def _line_facts(queue: dict[str, np.ndarray], as_of64: np.datetime64, horizon: int,
                covered: np.ndarray, ship_day: np.ndarray, unit_price: np.ndarray,
                made_to_order: np.ndarray, cancel_rate_per_day: float,
                promise_buffer_days: int, *, lead_days: np.ndarray | None = None,
                dock_to_stock_days: int = 0) -> dict[str, np.ndarray]:
    """Dates, waits, risk, value and flags of each queued line (``lead_days``: per line, its
    SKU's lead time; NaN or None: unknown)."""
    facts = dict(queue)
    order_date, promised = queue["order_date"], queue["promised_date"]
    ship_or_today = as_of64 + np.where(covered, ship_day, 0) * _DAY  # NaT-free arithmetic
    not_a_time = np.datetime64("NaT", "ns")
    days_waiting = ((as_of64 - order_date) // _DAY).astype(np.int64)  # type: ignore[operator]
    promised_known = ~np.isnat(promised)
    days_late = (ship_or_today - np.where(promised_known, promised, as_of64)) // _DAY  # type: ignore[operator]
    waited = _customer_wait(covered, ship_day, days_waiting, horizon, made_to_order,
                            order_date, promised, lead_days, dock_to_stock_days)
    cancel = 1.0 - (1.0 - float(cancel_rate_per_day)) ** waited
    value = queue["quantity"] * unit_price

    late = (covered & promised_known & (days_late > 0)) | (
        ~covered & promised_known & (promised <= as_of64))
    unpromised_long = covered & ~promised_known & (
        (ship_or_today - order_date) // _DAY > UNPROMISED_NOTICE_DAYS)
    uncovered = ~covered & ~made_to_order
    quote_or_today = ship_or_today + int(promise_buffer_days) * _DAY
    days_to_quote = (quote_or_today - as_of64) // _DAY
    facts.update({
        "unit_price": unit_price,
        "projected_ship_date": np.where(covered, ship_or_today, not_a_time),
        "days_waiting": days_waiting,
        "days_until_ship": np.where(covered, ship_day, 0).astype(np.int64),
        "days_until_ship_missing": ~covered,
        "days_late": np.where(covered & promised_known, days_late, 0).astype(np.int64),
        "days_late_missing": ~(covered & promised_known),
        "cancel_probability": cancel,
        "value": value,
        "value_at_risk": value * cancel,
        "quoted_date": np.where(covered, quote_or_today, not_a_time),
        "uncovered": uncovered,
        "late": late,
        "notice_due": np.where(made_to_order, late, late | unpromised_long | uncovered)
                      & ~(covered & (ship_day == 0)),
        "update_due": (covered & (ship_day >= 1) & (days_to_quote >= 1)
                       & (days_to_quote <= UPDATE_WINDOW_DAYS)
                       & (days_waiting >= UPDATE_WINDOW_DAYS)),
        "made_to_order": made_to_order,
        "beyond_horizon": covered & (ship_day >= horizon),
    })
    return facts


def shortage(demand_day: np.ndarray, new_open: np.ndarray, unit_price: np.ndarray,
             skus: pd.Index) -> pd.DataFrame:
    """Per SKU over the horizon, from the forecast demand the projection could not serve on its
    day: ``stockout_days`` (days that end with forecast demand unserved), ``units_short`` (a day's
    demand is short by min(its demand, what is unserved at the end of it): first come, first
    served) and ``revenue_short`` = units_short × unit price (0 without a price)."""
    short = short_by_day(demand_day, new_open)
    units = short.sum(axis=1) if short.size else np.zeros(len(skus))
    days = (new_open > 0).sum(axis=1) if new_open.size else np.zeros(len(skus), dtype=np.int64)
    price = np.nan_to_num(np.asarray(unit_price, dtype=float))
    return pd.DataFrame({"stockout_days": days.astype(np.int64), "units_short": units,
                         "revenue_short": units * price, "unit_price": price},
                        index=pd.Index(skus, name="sku"))


def short_by_day(demand_day: np.ndarray, new_open: np.ndarray) -> np.ndarray:
    """Per SKU and day, the units of that day's forecast demand not served that day."""
    return np.minimum(demand_day, new_open).clip(min=0.0) if new_open.size else new_open


def _customer_wait(covered: np.ndarray, ship_day: np.ndarray, days_waiting: np.ndarray,
                   horizon: int, made_to_order: np.ndarray, order_date: np.ndarray,
                   promised: np.ndarray, lead_days: np.ndarray | None,
                   dock_to_stock_days: int) -> np.ndarray:
    """Days of waiting that count toward a line's cancel risk (see the module): to the projected
    ship date; uncovered, to the date it ships if ordered today (as-of + lead + dock, the date
    its row quotes); made to order, only the days beyond its expected date."""
    n = len(covered)
    lead = np.full(n, np.nan) if lead_days is None else np.asarray(lead_days, dtype=float)
    known = np.isfinite(lead)
    make_days = np.where(known, np.ceil(np.where(known, lead, 0.0)) + int(dock_to_stock_days), 0)
    ordered_today = np.where(known, make_days, horizon - 1)
    until_ship = np.where(covered, ship_day, ordered_today)
    waited = np.maximum(until_ship + days_waiting, 0)
    promised_known = ~np.isnat(promised)
    # days from order to promise (NaT-free arithmetic: an unknown promise counts 0 here)
    promised_wait = (np.where(promised_known, promised, order_date) - order_date) // _DAY
    expected = np.where(promised_known, promised_wait, make_days)
    return np.where(made_to_order, np.maximum(waited - expected, 0), waited).astype(np.int64)


def _flag_reasons(facts: dict[str, np.ndarray], covered: np.ndarray) -> np.ndarray:
    """Short text saying why a line is flagged ("" when it is not)."""
    text = np.full(len(covered), "", dtype=object)
    late_text = np.char.add(np.char.add("late ", facts["days_late"].astype(str)), " d vs promise")
    promised = ~np.isnat(facts["promised_date"])
    pieces = [
        (facts["uncovered"], "no known supply"),
        (facts["made_to_order"] & ~covered, "made to order: no supply yet"),
        (facts["late"] & covered, late_text),
        (facts["late"] & ~covered, "promise passed"),
        (facts["notice_due"] & ~facts["late"] & ~facts["uncovered"] & ~promised,
         f"over {UNPROMISED_NOTICE_DAYS} d with no promise"),
        (facts["notice_due"], "delay notice due"),
        (facts["update_due"], "mid-wait update due"),
        (facts["overdue_po"], "filled by an overdue PO"),
        (facts["beyond_horizon"], "ships after the horizon"),
    ]
    for mask, piece in pieces:
        if mask.any():
            addition = piece[mask].astype(object) if isinstance(piece, np.ndarray) else piece
            before = text[mask]
            text[mask] = np.where(before == "", "", before + "; ") + addition
    return text
