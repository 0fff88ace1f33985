"""Time-phased purchase suggestions: when to order, how much, and one sentence why.

For each SKU the projected inventory position is walked day by day over the horizon (day 0 is
``as_of``):

    position(k) = on hand + held stock + all open PO units − backlog
                  − forecast demand on days 1..k + suggested orders already placed

On each review day (0, R, 2R, ...; every day when R = 0) the buyer orders when the position
expected at the next review, position(k) − forecast over days k+1..k+R, is at or below the
reorder point; the order brings the position up to the order-up-to level (rounded to whole
units), then is rounded up to the MOQ and to whole case packs. It reaches the dock at the date
engine/arrival.py gives (order date + lead time; a PO's is its latest line's) and is sellable
dock-to-stock days later. Made-to-order SKUs order exactly what the backlog lacks (no safety
stock, no forecast) on day 0; inactive SKUs never order.

Lines are grouped into one suggested PO per supplier and order date. Minimum order value rule
(pull forward): when a supplier's PO is below its minimum, the supplier's next suggested PO is
pulled forward and merged into it, repeatedly, until the minimum is met; arrivals only get
earlier, so no SKU is left short by it. A PO that stays below the minimum with nothing left to
pull forward is kept and its note says by how much it falls short.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from planner.engine.arrival import arrival_dates, due_now, lead_days
from planner.engine.price_breaks import BreakTable, break_table, bump_to_breaks
from planner.engine.supply import format_day

LINE_COLUMNS = ["sku", "supplier", "order_date", "expected_arrival", "quantity", "unit_cost",
                "value", "raw_quantity", "rounding_note", "reason", "unit_cost_supplier_currency",
                "value_supplier_currency", "price_break_note"]
BY_SKU_COLUMNS = ["order_by", "suggested_order_qty", "expected_arrival", "sellable_date",
                  "inventory_position",
                  "stockout_date_after_orders", "stockout_date", "days_of_cover",
                  "orders_in_horizon", "why"]

_DAY = np.timedelta64(1, "D")


@dataclass
class PurchasePlan:
    """Suggested order lines, the per-SKU summary and one suggested PO per supplier and date."""

    lines: pd.DataFrame
    by_sku: pd.DataFrame
    suggestions: list[dict[str, Any]] = field(default_factory=list)


# ---------------------------------------------------------------- small helpers

def _column(frame: pd.DataFrame, name: str, default: Any, dtype: Any = float) -> np.ndarray:
    if name not in frame.columns:
        return np.full(len(frame), default, dtype=dtype)
    values = frame[name]
    if dtype is bool:
        return values.fillna(default).astype(bool).to_numpy()
    if dtype is float:
        return pd.to_numeric(values, errors="coerce").fillna(default).to_numpy(dtype=float)
    return values.fillna(default).astype(str).to_numpy()


def _units(value: float) -> str:
    return f"{value:,.0f}"


def _rate(per_day: float) -> str:
    if per_day >= 10:
        return f"{per_day:,.0f}"
    if per_day >= 1:
        return f"{per_day:.1f}"
    return f"{per_day:.2g}"


def round_order_quantity(raw: np.ndarray, moq: np.ndarray,
                         case_pack: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Round whole-unit quantities up to the MOQ, then up to whole case packs; say what changed."""
    raw = np.asarray(raw, dtype=float)
    moq = np.nan_to_num(np.asarray(moq, dtype=float))
    case = np.maximum(np.nan_to_num(np.asarray(case_pack, dtype=float), nan=1.0), 1.0)
    lifted = np.maximum(raw, moq)
    quantity = np.ceil(lifted / case - 1e-9) * case
    by_moq = lifted > raw
    by_case = quantity > lifted
    code = by_moq.astype(int) * 2 + by_case.astype(int)
    texts = {0: "", 1: "case {c}", 2: "MOQ {m}", 3: "MOQ {m}, case {c}"}
    cache: dict[tuple[int, float, float], str] = {}
    notes = np.full(raw.shape, "", dtype=object)
    idx = np.flatnonzero(code)
    notes[idx] = [
        cache.get(key) or cache.setdefault(key, texts[key[0]].format(m=_units(key[1]),
                                                                     c=_units(key[2])))
        for key in zip(code[idx].tolist(), moq[idx].tolist(), case[idx].tolist(), strict=True)]
    return quantity, notes


# ---------------------------------------------------------------- the walk

@dataclass
class _Orders:
    sku_index: np.ndarray
    day: np.ndarray
    raw: np.ndarray
    quantity: np.ndarray
    note: np.ndarray
    position: np.ndarray      # position on the order day before ordering
    lookahead: np.ndarray     # forecast from the order day to the next review
    made_to_order: np.ndarray
    price_note: np.ndarray    # what ordering up to the next price break would save (or not)


@dataclass
class _Breaks:
    """What the walk needs to weigh price breaks (see price_breaks.bump_to_breaks)."""

    table: BreakTable
    base_cost: np.ndarray
    multiplier: np.ndarray
    holding_cost_rate: float
    currency: np.ndarray
    home_currency: str


def review_days_of(review: np.ndarray, horizon: int) -> list[int]:
    """The days 0 … horizon-1 on which any SKU reviews (every day for a review period of 0)."""
    days: set[int] = set()
    for period in np.unique(review).tolist():
        days.update(range(0, horizon, int(period) or 1))
    return sorted(days)


def _walk(*, horizon: int, review: np.ndarray, ip_now: np.ndarray, cum_forecast: np.ndarray,
          demand_per_day: np.ndarray, reorder_point: np.ndarray, order_up_to: np.ndarray,
          ordering: np.ndarray, moq: np.ndarray, case: np.ndarray,
          breaks: _Breaks | None = None, not_before: np.ndarray | None = None) -> _Orders:
    """Place orders on each SKU's review days (its supplier's order cycle), whole-array over
    SKUs: all SKUs of a supplier share its cycle's dates, so they are ordered together.
    ``not_before`` (day per SKU, the purchase budget's funded date): no order before it, and
    that day is a review day of the SKU."""
    placed = np.zeros(ip_now.size)
    parts: list[tuple[np.ndarray, ...]] = []
    last = horizon - 1
    review = np.broadcast_to(np.asarray(review, dtype=int), ip_now.shape)
    continuous = review == 0
    period = np.maximum(review, 1)
    blocked = np.zeros(ip_now.size, dtype=int) if not_before is None else np.asarray(
        not_before, dtype=int)
    days = sorted(set(review_days_of(review, horizon))
                  | {d for d in np.unique(blocked).tolist() if 0 < d < horizon})
    for k in days:
        due = (continuous | (k % period == 0) | (blocked == k)) & (blocked <= k)
        position = ip_now - cum_forecast[:, k] + placed
        ahead = k + review
        lookahead = np.where(
            continuous, 0.0,
            cum_forecast[np.arange(ip_now.size), np.minimum(ahead, last)] - cum_forecast[:, k]
            + demand_per_day * np.maximum(ahead - last, 0))
        raw = np.floor(order_up_to - position + 0.5)
        trigger = due & ordering & (position - lookahead <= reorder_point + 1e-9) & (raw >= 1)
        if not trigger.any():
            continue
        idx = np.flatnonzero(trigger)
        quantity, notes = round_order_quantity(raw[idx], moq[idx], case[idx])
        price_notes = np.full(idx.size, "", dtype=object)
        if breaks is not None and breaks.table.any:
            quantity, price_notes = bump_to_breaks(
                table=breaks.table, rows=idx, quantity=quantity, base_cost=breaks.base_cost,
                multiplier=breaks.multiplier, case_pack=case, demand_per_day=demand_per_day,
                holding_cost_rate=breaks.holding_cost_rate, currency=breaks.currency,
                home_currency=breaks.home_currency)
        placed[idx] += quantity
        parts.append((idx, np.full(idx.size, k), raw[idx], quantity, notes, position[idx],
                      lookahead[idx], np.zeros(idx.size, dtype=bool), price_notes))
    return _concat(parts)


def _concat(parts: list[tuple[np.ndarray, ...]]) -> _Orders:
    if not parts:
        empty = np.zeros(0)
        return _Orders(empty.astype(int), empty.astype(int), empty, empty,
                       empty.astype(object), empty, empty, empty.astype(bool),
                       empty.astype(object))
    columns = [np.concatenate(column) for column in zip(*parts, strict=True)]
    return _Orders(*columns)


def _made_to_order(ip_now: np.ndarray, mto: np.ndarray, moq: np.ndarray,
                   case: np.ndarray) -> tuple[np.ndarray, ...]:
    """Day-0 orders for exactly what the backlog lacks."""
    raw = np.ceil(np.maximum(-ip_now, 0.0) - 1e-9)
    idx = np.flatnonzero(mto & (raw >= 1))
    quantity, notes = round_order_quantity(raw[idx], moq[idx], case[idx])
    return (idx, np.zeros(idx.size, dtype=int), raw[idx], quantity, notes, ip_now[idx],
            np.zeros(idx.size), np.ones(idx.size, dtype=bool), np.full(idx.size, "", dtype=object))


# ---------------------------------------------------------------- minimum order value

def _pull_forward(lines: pd.DataFrame,
                  minimums: pd.Series) -> tuple[pd.DataFrame, dict[tuple[str, pd.Timestamp], str]]:
    """Merge a supplier's next PO into one below its minimum value; notes per (supplier, date)."""
    notes: dict[tuple[str, pd.Timestamp], str] = {}
    if lines.empty:
        return lines, notes
    totals = lines.groupby(["supplier", "order_date"], sort=True)["value"].sum()
    target_date: dict[tuple[str, pd.Timestamp], pd.Timestamp] = {}
    for supplier, group in totals.groupby(level=0, sort=False):
        minimum = float(minimums.get(supplier, 0.0) or 0.0)
        dates = [date for _, date in group.index]
        values = list(group.to_numpy())
        i = 0
        while i < len(dates):
            head, total, pulled = dates[i], values[i], []
            target_date[(supplier, head)] = head
            j = i + 1
            while minimum > 0 and total < minimum - 1e-9 and j < len(dates):
                target_date[(supplier, dates[j])] = head
                total += values[j]
                pulled.append(dates[j])
                j += 1
            notes[(supplier, head)] = _minimum_note(minimum, total, pulled)
            i = j
    mapping = pd.Series(list(target_date.values()),
                        index=pd.MultiIndex.from_tuples(list(target_date.keys())))
    wanted = pd.MultiIndex.from_arrays([lines["supplier"], lines["order_date"]])
    new_date = pd.Series(pd.to_datetime(mapping.reindex(wanted).to_numpy()), index=lines.index)
    lines = lines.copy()
    lines["expected_arrival"] = lines["expected_arrival"] + (new_date - lines["order_date"])
    lines["order_date"] = new_date
    return lines, notes


def _minimum_note(minimum: float, total: float, pulled: list[pd.Timestamp]) -> str:
    if minimum <= 0:
        return ""
    text = f"minimum order value {minimum:,.2f}"
    if pulled:
        dates = ", ".join(d.date().isoformat() for d in pulled)
        text = f"pulled forward the suggested order(s) of {dates} to reach the {text}"
    if total < minimum - 1e-9:
        return (f"{text}: still below it by {minimum - total:,.2f}, with no later suggested "
                "order to pull forward (add units or ask the supplier)")
    return text if pulled else f"meets the {text}"


def _group_starts(*keys: np.ndarray) -> np.ndarray:
    """Start positions of runs of equal keys in sorted arrays."""
    change = np.zeros(keys[0].size, dtype=bool)
    if keys[0].size:
        change[0] = True
    for key in keys:
        change[1:] |= key[1:] != key[:-1]
    return np.flatnonzero(change)


def _combine_same_sku(lines: pd.DataFrame, start: pd.Timestamp) -> pd.DataFrame:
    """One line per SKU per suggested PO; say which orders were pulled forward into it."""
    if lines.empty:
        return lines[LINE_COLUMNS]
    lines = lines.sort_values(["supplier", "order_date", "sku", "planned_date"], kind="stable")
    supplier, sku = lines["supplier"].to_numpy(), lines["sku"].to_numpy()
    order_date = lines["order_date"].to_numpy()
    starts = _group_starts(supplier, order_date, sku)
    group = np.cumsum(np.isin(np.arange(len(lines)), starts)) - 1
    planned = lines["planned_date"].to_numpy()
    moved = planned != order_date
    labels = np.full(len(lines), "", dtype=object)
    labels[moved] = [format_day(d, start) + ", " for d in planned[moved]]
    pulled = np.array([text[:-2] for text in np.add.reduceat(labels, starts)], dtype=object)
    notes = lines["rounding_note"].replace("", np.nan).groupby(group).first().fillna("")
    price_notes = lines["price_break_note"].replace("", np.nan).groupby(group).first().fillna("")
    reason = lines["reason"].to_numpy()[starts].astype(object)
    has_pulled = pulled != ""
    reason[has_pulled] = [f"{r}; includes the order of {d} pulled forward to reach the minimum "
                          "order value" for r, d in zip(reason[has_pulled], pulled[has_pulled],
                                                        strict=True)]

    def total(column: str) -> np.ndarray:
        return np.add.reduceat(lines[column].to_numpy(float), starts)

    arrival = np.minimum.reduceat(lines["expected_arrival"].to_numpy("datetime64[ns]")
                                  .astype(np.int64), starts).astype("datetime64[ns]")
    return pd.DataFrame({
        "sku": sku[starts], "supplier": supplier[starts], "order_date": order_date[starts],
        "expected_arrival": arrival, "quantity": total("quantity"),
        "unit_cost": lines["unit_cost"].to_numpy(float)[starts], "value": total("value"),
        "raw_quantity": total("raw_quantity"), "rounding_note": notes.to_numpy(dtype=object),
        "reason": reason,
        "unit_cost_supplier_currency": lines["unit_cost_supplier_currency"].to_numpy(float)[starts],
        "value_supplier_currency": total("value_supplier_currency"),
        "price_break_note": price_notes.to_numpy(dtype=object),
    })[LINE_COLUMNS]


# ---------------------------------------------------------------- main entry

def suggest_purchases(*, as_of: dt.date, horizon_days: int, review_period_days: int,
                      dock_to_stock_days: int, skus: pd.DataFrame, supply_daily: np.ndarray,
                      backlog_units: np.ndarray, demand_daily: np.ndarray,
                      suppliers: pd.DataFrame | None = None,
                      po_notes: list[str] | None = None,
                      price_breaks: pd.DataFrame | None = None,
                      holding_cost_rate: float = 0.25,
                      currency: str = "",
                      not_before_days: np.ndarray | None = None) -> PurchasePlan:
    """Time-phased purchase suggestions over the horizon for SKUs in ``skus`` order.

    Money: ``skus.unit_cost`` is the supplier's price in its currency, ``landed_multiplier``
    (exchange rate × (1 + freight + duty), default 1) turns it into the landed cost in the
    workspace currency; line ``unit_cost``/``value`` are landed, ``*_supplier_currency`` the
    supplier's price. Minimum order values are the supplier's, in its currency. A
    ``review_period_days`` column (the supplier's order cycle) overrides ``review_period_days``.
    ``not_before_days`` (per SKU): the first day it may order (the purchase budget's re-plan).
    """
    horizon, dock = int(horizon_days), int(dock_to_stock_days)
    default_review = max(int(review_period_days), 0)
    n = len(skus)
    review = np.maximum(np.round(_column(skus, "review_period_days", default_review)),
                        0).astype(int)
    supply = np.asarray(supply_daily, dtype=float).reshape(n, horizon)
    demand = np.asarray(demand_daily, dtype=float).reshape(n, horizon)
    backlog = np.nan_to_num(np.asarray(backlog_units, dtype=float).reshape(n))
    start = pd.Timestamp(as_of).normalize()

    sku = _column(skus, "sku", "", str)
    supplier = _column(skus, "supplier", "", str)
    unit_cost = _column(skus, "unit_cost", 0.0)
    moq = _column(skus, "moq", 0.0)
    case = np.maximum(_column(skus, "case_pack", 1.0), 1.0)
    lead = lead_days(_column(skus, "lead_time_days", 0.0))
    reorder_point = _column(skus, "reorder_point", 0.0)
    order_up_to = np.maximum(_column(skus, "order_up_to", 0.0), reorder_point)
    mto = _column(skus, "made_to_order", False, bool)
    active = _column(skus, "active", True, bool)
    per_day = np.maximum(_column(skus, "demand_per_day", 0.0), 0.0)
    multiplier = _column(skus, "landed_multiplier", 1.0)
    if "landed_multiplier" in skus.columns:
        multiplier = np.where(skus["landed_multiplier"].isna(), np.nan, multiplier)
    sku_currency = (skus["currency"].fillna(currency).astype(str).to_numpy(object)
                    if "currency" in skus.columns else np.full(n, currency, dtype=object))
    table = break_table(price_breaks, sku, supplier)
    breaks = _Breaks(table, unit_cost, multiplier, float(holding_cost_rate), sku_currency,
                     currency)

    cum_forecast = np.cumsum(demand, axis=1)
    ip_now = supply.sum(axis=1) - backlog
    walk = _walk(horizon=horizon, review=review, ip_now=ip_now, cum_forecast=cum_forecast,
                 demand_per_day=per_day, reorder_point=reorder_point, order_up_to=order_up_to,
                 ordering=active & ~mto, moq=moq, case=case, breaks=breaks,
                 not_before=not_before_days)
    mto_orders = _made_to_order(ip_now, active & mto, moq, case)
    if not_before_days is not None:  # the budget's re-plan: made-to-order waits for its money
        day = np.asarray(not_before_days, dtype=int)[mto_orders[0]]
        keep = day < horizon
        mto_orders = (mto_orders[0][keep], day[keep], *(c[keep] for c in mto_orders[2:]))
    orders = _concat([tuple(getattr(walk, f) for f in walk.__dataclass_fields__), mto_orders])

    i = orders.sku_index
    order_date = start + pd.to_timedelta(orders.day, unit="D")
    tier_cost = table.unit_cost_at(i, orders.quantity, unit_cost[i])
    lines = pd.DataFrame({
        "sku": sku[i], "supplier": supplier[i], "order_date": order_date,
        "expected_arrival": arrival_dates(order_date, lead[i], dock)[0],
        "quantity": orders.quantity, "unit_cost": tier_cost,
        # the supplier's money until the lines are final: minimum order values are the supplier's
        "value": orders.quantity * tier_cost, "raw_quantity": orders.raw,
        "rounding_note": orders.note,
        "reason": np.where(orders.made_to_order, "made to order: backlog", "reorder"),
        "unit_cost_supplier_currency": tier_cost,
        "value_supplier_currency": orders.quantity * tier_cost,
        "price_break_note": orders.price_note,
    })[LINE_COLUMNS]
    minimums = (suppliers.set_index("supplier")["min_order_value"].astype(float)
                if suppliers is not None and len(suppliers) and "min_order_value" in suppliers
                else pd.Series(dtype=float))
    lines["planned_date"] = lines["order_date"]
    lines, minimum_notes = _pull_forward(lines, minimums.fillna(0.0))
    lines = _combine_same_sku(lines, start)
    lines = _with_sellable_date(lines, dock)
    lines = lines.sort_values(["supplier", "order_date", "sku"], kind="stable")
    lines = lines.reset_index(drop=True)
    lines = _priced(lines, sku=sku, table=table, unit_cost=unit_cost, multiplier=multiplier)

    by_sku = _summaries(lines=lines, sku=sku, start=start, horizon=horizon, supply=supply,
                        demand=demand, backlog=backlog, ip_now=ip_now, per_day=per_day)
    by_sku["why"] = _explain(
        orders=orders, by_sku=by_sku, sku=sku, supply=supply, backlog=backlog,
        ip_now=ip_now, cum_forecast=cum_forecast, per_day=per_day, lead=lead, dock=dock,
        review=review, reorder_point=reorder_point, order_up_to=order_up_to, mto=mto,
        active=active, start=start, po_notes=po_notes)
    cycle = pd.Series(review, index=pd.Index(supplier)).groupby(level=0).max()
    return PurchasePlan(lines=lines, by_sku=by_sku[BY_SKU_COLUMNS],
                        suggestions=_suggestions(lines, minimum_notes, start=start,
                                                 review_by_supplier=cycle,
                                                 currency_by_supplier=pd.Series(
                                                     sku_currency, index=pd.Index(supplier))
                                                 .groupby(level=0).first()))


def _with_sellable_date(lines: pd.DataFrame, dock: int) -> pd.DataFrame:
    """Each line's ``sellable_date``: dock-to-stock after its dock date (engine/arrival.py)."""
    return lines.assign(sellable_date=lines["expected_arrival"] + pd.Timedelta(days=int(dock)))


def _priced(lines: pd.DataFrame, *, sku: np.ndarray, table: BreakTable, unit_cost: np.ndarray,
            multiplier: np.ndarray) -> pd.DataFrame:
    """Final line prices: the quantity tier's unit cost (supplier's currency) and, landed in the
    workspace currency, ``unit_cost`` and ``value`` (NaN when the currency has no rate)."""
    if lines.empty:
        return lines
    row = pd.Index(sku).get_indexer(lines["sku"])
    quantity = lines["quantity"].to_numpy(float)
    price = table.unit_cost_at(row, quantity, unit_cost[row])
    landed = np.round(price * multiplier[row], 6)
    return lines.assign(unit_cost_supplier_currency=price,
                        value_supplier_currency=np.round(quantity * price, 2),
                        unit_cost=landed, value=np.round(quantity * landed, 2))


def _first_negative_day(net: np.ndarray) -> np.ndarray:
    negative = net < -1e-9
    return np.where(negative.any(axis=1), negative.argmax(axis=1), -1)


def _summaries(*, lines: pd.DataFrame, sku: np.ndarray, start: pd.Timestamp, horizon: int,
               supply: np.ndarray, demand: np.ndarray, backlog: np.ndarray, ip_now: np.ndarray,
               per_day: np.ndarray) -> pd.DataFrame:
    n = sku.size
    row = pd.Index(sku).get_indexer(lines["sku"])
    arrival_day = ((lines["sellable_date"] - start) / pd.Timedelta(days=1)).to_numpy(int)
    inside = (row >= 0) & (arrival_day < horizon)
    arrivals = np.bincount(row[inside] * horizon + np.maximum(arrival_day[inside], 0),
                           weights=lines["quantity"].to_numpy(float)[inside],
                           minlength=n * horizon).reshape(n, horizon)
    stock_path = np.cumsum(supply - demand, axis=1) - backlog[:, None]
    dates = start + pd.to_timedelta(np.arange(horizon), unit="D")

    def day_to_date(day: np.ndarray) -> pd.DatetimeIndex:
        return pd.DatetimeIndex(np.where(day >= 0, dates[np.maximum(day, 0)], pd.NaT))

    first = lines.drop_duplicates("sku").set_index("sku")
    counts = lines.groupby("sku").size()
    usable_now = np.maximum(supply[:, 0] - backlog, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        cover = np.where(per_day > 0, usable_now / per_day, np.nan)
    index = pd.Index(sku, name="sku")
    frame = pd.DataFrame({
        "order_by": first["order_date"].reindex(index).to_numpy(),
        "suggested_order_qty": first["quantity"].reindex(index).fillna(0.0).to_numpy(),
        "expected_arrival": first["expected_arrival"].reindex(index).to_numpy(),
        "sellable_date": first["sellable_date"].reindex(index).to_numpy(),
        "inventory_position": ip_now,
        "stockout_date_after_orders": day_to_date(_first_negative_day(
            stock_path + np.cumsum(arrivals, axis=1))),
        "stockout_date": day_to_date(_first_negative_day(stock_path)),
        "days_of_cover": cover,
        "orders_in_horizon": counts.reindex(index).fillna(0).to_numpy(int),
    }, index=index)
    return frame


# ---------------------------------------------------------------- explanations

def _stock_words(supply: np.ndarray, backlog: np.ndarray, day_label: list[str],
                 po_notes: list[str] | None) -> list[str]:
    """"on hand 40, 120 on PO-1043 due 14 Mar, 65 backordered" per SKU."""
    later = supply[:, 1:].sum(axis=1)
    first_in = np.argmax(supply[:, 1:] > 0, axis=1) + 1
    notes = list(po_notes) if po_notes is not None else []
    words = []
    for i in range(supply.shape[0]):
        parts = [f"on hand {_units(supply[i, 0])}"]
        note = notes[i] if i < len(notes) else ""
        if note:
            parts.append(note)
        elif later[i] > 0:
            parts.append(f"{_units(later[i])} incoming from {day_label[first_in[i]]}")
        if backlog[i] > 0:
            parts.append(f"{_units(backlog[i])} backordered")
        words.append(", ".join(parts))
    return words


def _explain(*, orders: _Orders, by_sku: pd.DataFrame, sku: np.ndarray, supply: np.ndarray,
             backlog: np.ndarray, ip_now: np.ndarray, cum_forecast: np.ndarray,
             per_day: np.ndarray, lead: np.ndarray, dock: int, review: np.ndarray,
             reorder_point: np.ndarray, order_up_to: np.ndarray, mto: np.ndarray,
             active: np.ndarray, start: pd.Timestamp, po_notes: list[str] | None) -> list[str]:
    """One sentence per SKU that a buyer can check by hand."""
    horizon = cum_forecast.shape[1]
    day_label = [format_day(start + pd.Timedelta(days=k), start) for k in range(horizon)]
    first_order = np.full(sku.size, -1)
    ordered, first_at = np.unique(orders.sku_index, return_index=True)
    first_order[ordered] = first_at
    stock_words = _stock_words(supply, backlog, day_label, po_notes)
    count = by_sku["orders_in_horizon"].to_numpy()
    first_qty = by_sku["suggested_order_qty"].to_numpy(float)
    first_day = ((by_sku["order_by"] - start) / pd.Timedelta(days=1)).fillna(-1).to_numpy(int)
    end_position = ip_now - cum_forecast[:, -1]
    why = []
    for i in range(sku.size):
        stock, j = stock_words[i], int(first_order[i])
        position_now = f"position {_units(ip_now[i])}"
        if not active[i]:
            why.append(f"inactive: no orders suggested ({stock})")
        elif mto[i]:
            why.append(f"made to order: {stock} → {position_now} already covers the backlog;"
                       " nothing to order" if j < 0 else
                       f"made to order: {stock} → {position_now}, so order "
                       f"{_units(orders.raw[j])} for the backlog only (no safety stock)"
                       f"{_rounded(orders, j)}")
        elif j < 0 and per_day[i] <= 0 and ip_now[i] >= 0:
            why.append(f"no demand forecast and nothing owed ({stock}): nothing to order")
        else:
            timing = (f"{_rate(per_day[i])}/day over {lead[i]} days lead time + {dock} "
                      f"dock-to-stock" + (f" + {review[i]} review" if review[i] else "")
                      + f" → reorder point {_units(reorder_point[i])}, order-up-to "
                      f"{_units(order_up_to[i])}")
            if j < 0:
                why.append(f"{stock} → {position_now}; {timing}; the position stays above the "
                           f"reorder point through the horizon ({_units(end_position[i])} on "
                           f"{day_label[-1]})")
            else:
                why.append(_order_sentence(orders, j, stock, position_now, timing, day_label,
                                           cum_forecast[i], order_up_to[i], int(review[i]),
                                           count[i], first_qty[i], first_day[i]))
    return why


def _order_sentence(orders: _Orders, j: int, stock: str, position_now: str, timing: str,
                    day_label: list[str], cum_forecast: np.ndarray, order_up_to: float,
                    review: int, count: int, first_qty: float, first_day: int) -> str:
    day = int(orders.day[j])
    position = orders.position[j]
    when = (f", falling to {_units(position)} by {day_label[day]} after "
            f"{_units(cum_forecast[day])} forecast demand" if day > 0 else "")
    ahead = orders.lookahead[j]
    trigger = (f" ({_units(position - ahead)} after the {_units(ahead)} expected before the "
               "next review)" if review and ahead > 0 else "")
    more = count - 1
    tail = f"; {more} more order{'s' if more > 1 else ''} later in the horizon" if more > 0 else ""
    if first_qty != orders.quantity[j] or first_day != day:
        tail += (f"; with later orders pulled forward to reach the supplier's minimum order "
                 f"value: order {_units(first_qty)} on {day_label[first_day]}")
    price = f"; {orders.price_note[j]}" if orders.price_note[j] else ""
    return (f"{stock} → {position_now}{when}{trigger}; {timing}; {_units(order_up_to)} − "
            f"{_units(position)} → order {_units(orders.raw[j])}{_rounded(orders, j)} on "
            f"{day_label[day]}{price}{tail}")


def _rounded(orders: _Orders, j: int) -> str:
    if orders.quantity[j] == orders.raw[j] or not orders.note[j]:
        return ""  # unchanged, or raised to a price break (its own note says so)
    return f", rounded up to {_units(orders.quantity[j])} ({orders.note[j]})"


# ---------------------------------------------------------------- supplier POs

def _suggestions(lines: pd.DataFrame, notes: dict[tuple[str, pd.Timestamp], str], *,
                 start: pd.Timestamp | None = None,
                 review_by_supplier: pd.Series | None = None,
                 currency_by_supplier: pd.Series | None = None) -> list[dict[str, Any]]:
    """One dict per supplier and order date (lines are sorted by supplier, date, SKU).

    ``order_now``: the order goes out at this review (engine/arrival.due_now: ordered on or
    before as-of; the supplier's next review is its order cycle later).
    """
    if lines.empty:
        return []
    review_by_supplier = review_by_supplier if review_by_supplier is not None else pd.Series()
    currency_by_supplier = (currency_by_supplier if currency_by_supplier is not None
                            else pd.Series(dtype=object))
    own_price = lines["unit_cost_supplier_currency"].tolist()
    own_value = lines["value_supplier_currency"].tolist()
    price_note = lines["price_break_note"].tolist()
    supplier, order_date = lines["supplier"].to_numpy(), lines["order_date"].to_numpy()
    starts = _group_starts(supplier, order_date)
    ends = np.append(starts[1:], len(lines))
    arrival = lines["expected_arrival"].dt.strftime("%Y-%m-%d").tolist()
    sellable = lines["sellable_date"].dt.strftime("%Y-%m-%d").tolist()
    sku, quantity = lines["sku"].tolist(), lines["quantity"].tolist()
    unit_cost, value = lines["unit_cost"].tolist(), lines["value"].tolist()
    dates = pd.DatetimeIndex(order_date[starts])
    out = []
    first_day = start if start is not None else (dates.min() if len(dates) else None)
    for begin, end, day in zip(starts.tolist(), ends.tolist(), dates, strict=True):
        name = supplier[begin]
        cycle = int(review_by_supplier.get(name, 0) or 0)
        total = sum(value[begin:end])
        out.append({
            "supplier": name,
            "order_date": day.date().isoformat(),
            "expected_arrival": max(arrival[begin:end]),
            "sellable_date": max(sellable[begin:end]),
            # landed, workspace currency; None when the supplier's currency has no rate
            "total_value": round(float(total), 2) if np.isfinite(total) else None,
            "currency": currency_by_supplier.get(name),
            "total_value_supplier_currency": round(float(sum(own_value[begin:end])), 2),
            "order_now": bool(first_day is not None and due_now(day, first_day.date())[0]),
            "review_period_days": cycle,
            "lines": [{"sku": sku[k], "quantity": quantity[k],
                       "unit_cost": unit_cost[k] if np.isfinite(unit_cost[k]) else None,
                       "value": value[k] if np.isfinite(value[k]) else None,
                       "unit_cost_supplier_currency": own_price[k],
                       "value_supplier_currency": own_value[k],
                       "price_break_note": price_note[k],
                       "expected_arrival": arrival[k], "sellable_date": sellable[k]}
                      for k in range(begin, end)],
            "min_order_value_note": notes.get((name, day), ""),
        })
    return out
