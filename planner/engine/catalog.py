"""Catalog health: which SKUs matter (ABC), how steady they sell (XYZ), and where money sits
idle (excess and dead stock). Whole arrays, one row per SKU.

- **ABC** ranks SKUs by the annual landed value of their demand: the units sold over the last
  365 days (annualised when the first sale is more recent) × landed unit cost. In descending
  order, a SKU is A while the value ranked before it is under 80 % of the total (so the SKU
  that crosses 80 % is still A), B while under 95 %, C otherwise; no demand value is C. A SKU
  whose value is unknown (its supplier's currency has no exchange rate) has no class (None)
  and is left out of the ranking: never ranked as if its price were in the workspace currency.
- **XYZ** reads the coefficient of variation (population standard deviation / mean) of weekly
  demand: the last 52 weeks counted back from as-of (week 0 is as_of − 6 … as_of), or the weeks
  since the first sale when that is more recent. X: CV ≤ 0.5; Y: 0.5 < CV ≤ 1.0; Z: CV > 1.0
  or no demand.
- **Excess** is what the inventory position (on hand + on hold + on order − backordered)
  holds above the order-up-to level plus the demand expected before the next possible arrival
  (an order placed today, sellable after lead time + dock-to-stock); valued at landed cost.
- **Dead** stock is stock (on hand + on hold) of a SKU without a sale for ``dead_after_days``
  (a SKU never sold counts as dead when it has stock).
- A SKU that **stocks out within its lead time** (the projection runs out before an order
  placed today could be sellable: lead time + dock-to-stock, and at least 7 days) is short, not
  in excess: its excess is 0 whatever its open POs bring later (never both, issue 23).
- A **dead** SKU (as above, or without a sale for ``dead_after_days``) with units still on open
  POs gets the advice "cancel or hold" for each of those POs (an overdue one first: the
  supplier is late, the easiest moment to cancel): more of what does not sell.
- Values of a SKU whose landed cost is unknown (no exchange rate) are NaN, never 0.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

ABC_CUTS = (0.80, 0.95)
XYZ_CUTS = (0.5, 1.0)
WEEKS = 52


def _rows_days(daily_demand: pd.DataFrame, skus: list[str], as_of: dt.date
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per demand row: the SKU's row (−1 if not planned), days before as_of, quantity."""
    index = pd.Index(skus)
    rows = index.get_indexer(daily_demand["sku"])
    days = ((np.datetime64(as_of, "D") - daily_demand["date"].to_numpy("datetime64[D]"))
            .astype(np.int64))
    quantity = daily_demand["quantity"].to_numpy(dtype=float)
    keep = (rows >= 0) & (days >= 0) & (quantity > 0)
    return rows[keep], days[keep], quantity[keep]


def days_since_last_sale(daily_demand: pd.DataFrame, skus: list[str],
                         as_of: dt.date) -> np.ndarray:
    """Days from each SKU's last day with demand to as_of (NaN when it never sold)."""
    rows, days, _ = _rows_days(daily_demand, skus, as_of)
    last = np.full(len(skus), np.inf)
    np.minimum.at(last, rows, days.astype(float))
    return np.where(np.isinf(last), np.nan, last)


def annual_demand_units(daily_demand: pd.DataFrame, skus: list[str], as_of: dt.date,
                        window_days: int = 365) -> np.ndarray:
    """Units sold over the last year, annualised from the first sale when that is more recent."""
    rows, days, quantity = _rows_days(daily_demand, skus, as_of)
    first = np.zeros(len(skus))
    np.maximum.at(first, rows, days.astype(float))
    recent = days < window_days
    units = np.bincount(rows[recent], weights=quantity[recent], minlength=len(skus))
    span = np.minimum(first + 1, window_days)
    return units * window_days / span


def abc_classes(annual_value: np.ndarray) -> np.ndarray:
    """'A', 'B' or 'C' per SKU by its share of the total annual value (see the module); None
    where the value is unknown (NaN)."""
    raw = np.asarray(annual_value, dtype=float)
    value = np.nan_to_num(raw).clip(min=0)
    out = np.full(len(value), "C", dtype=object)
    out[np.isnan(raw)] = None
    total = value.sum()
    if total <= 0:
        return out
    order = np.argsort(-value, kind="stable")
    before = (np.cumsum(value[order]) - value[order]) / total
    before = before + 1e-9  # a share exactly on a cut-off is past it (no float noise)
    ranked = np.where(before < ABC_CUTS[0], "A", np.where(before < ABC_CUTS[1], "B", "C"))
    ranked[value[order] <= 0] = "C"
    out[order] = ranked
    out[np.isnan(raw)] = None
    return out


def weekly_cv(daily_demand: pd.DataFrame, skus: list[str], as_of: dt.date,
              weeks: int = WEEKS) -> np.ndarray:
    """Coefficient of variation of weekly demand (NaN when there was none)."""
    rows, days, quantity = _rows_days(daily_demand, skus, as_of)
    week = days // 7
    first_week = np.full(len(skus), -1)
    np.maximum.at(first_week, rows, np.minimum(week, weeks - 1))
    inside = week < weeks
    grid = np.bincount(rows[inside] * weeks + week[inside], weights=quantity[inside],
                       minlength=len(skus) * weeks).reshape(len(skus), weeks)
    counted = np.arange(weeks)[None, :] <= first_week[:, None]
    n = counted.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = grid.sum(axis=1) / n
        var = (((grid - mean[:, None]) ** 2) * counted).sum(axis=1) / n
        cv = np.sqrt(var) / mean
    return np.where(mean > 0, cv, np.nan)


def xyz_classes(cv: np.ndarray) -> np.ndarray:
    """'X', 'Y' or 'Z' per SKU by the coefficient of variation of weekly demand."""
    cv = np.asarray(cv, dtype=float)
    return np.where(cv <= XYZ_CUTS[0], "X", np.where(cv <= XYZ_CUTS[1], "Y", "Z")).astype(object)


def class_service_levels(abc: np.ndarray, service_level: np.ndarray, own: np.ndarray,
                         by_class: dict[str, float]) -> np.ndarray:
    """Service levels with the class default where the product sets none of its own."""
    levels = np.asarray(service_level, dtype=float).copy()
    for name, level in by_class.items():
        levels[(np.asarray(abc) == name) & ~np.asarray(own, dtype=bool)] = float(level)
    return levels


def demand_within(demand_day0: np.ndarray, days: np.ndarray) -> np.ndarray:
    """Forecast units over days 1 … days (per SKU) of a (SKU, day from as_of) matrix."""
    if demand_day0.size == 0:
        return np.zeros(demand_day0.shape[0])
    cum = np.cumsum(demand_day0, axis=1)
    last = np.clip(np.ceil(np.asarray(days, dtype=float)), 0, demand_day0.shape[1] - 1)
    return cum[np.arange(len(cum)), last.astype(np.int64)]


def excess_and_dead(*, position: np.ndarray, stock: np.ndarray, order_up_to: np.ndarray,
                    demand_before_arrival: np.ndarray, landed_unit_cost: np.ndarray,
                    days_since_sale: np.ndarray, dead_after_days: int,
                    demand_per_day: np.ndarray,
                    stocks_out_soon: np.ndarray | None = None) -> pd.DataFrame:
    """excess_units, excess_value, dead_stock, dead_stock_units, dead_stock_value and
    weeks_to_clear (weeks of forecast demand the excess stands for; NaN without demand);
    ``stocks_out_soon`` (per SKU: stocks out within its lead time) has no excess."""
    cost = np.asarray(landed_unit_cost, dtype=float)  # NaN: unknown (no exchange rate)
    excess = np.maximum(np.asarray(position, float) - np.asarray(order_up_to, float)
                        - np.nan_to_num(demand_before_arrival), 0.0)
    excess = np.floor(excess + 1e-9)
    if stocks_out_soon is not None:
        excess = np.where(np.asarray(stocks_out_soon, dtype=bool), 0.0, excess)
    stock = np.maximum(np.asarray(stock, dtype=float), 0.0)
    since = np.asarray(days_since_sale, dtype=float)
    dead = (stock > 0) & (np.isnan(since) | (since >= int(dead_after_days)))
    weekly = np.asarray(demand_per_day, dtype=float) * 7.0
    with np.errstate(divide="ignore", invalid="ignore"):
        weeks = np.where(weekly > 0, excess / weekly, np.nan)
    return pd.DataFrame({
        "excess_units": excess.astype(np.int64),
        "excess_value": np.round(np.where(excess > 0, excess * cost, 0.0), 2),
        "weeks_to_clear": np.where(excess > 0, weeks, 0.0),
        "dead_stock": dead, "dead_stock_units": np.where(dead, stock, 0).astype(np.int64),
        "dead_stock_value": np.round(np.where(dead, stock * cost, 0.0), 2),
    })


def stocks_out_within_lead_time(stockout_day: np.ndarray, lead_time_days: np.ndarray,
                                dock_to_stock_days: int, *, at_least_days: int = 7) -> np.ndarray:
    """Per SKU: the projection runs out (``stockout_day`` days after as-of; NaN: not within the
    horizon) before an order placed today is sellable (lead time + dock-to-stock, at least
    ``at_least_days``)."""
    day = np.asarray(stockout_day, dtype=float)
    window = np.maximum(np.asarray(lead_time_days, dtype=float) + dock_to_stock_days,
                        at_least_days)
    return ~np.isnan(day) & (day <= window)


def dead_po_advice(skus: list[str], dead: np.ndarray, days_since_sale: np.ndarray,
                   open_po: pd.DataFrame) -> pd.DataFrame:
    """Per open PO line (``open_po``: sku, source = PO number, quantity, overdue) of a dead SKU:
    sku, po_number, quantity, overdue and ``advice`` ("cancel or hold PO-7 (600 units, overdue):
    no sale in 400 days")."""
    columns = ["sku", "po_number", "quantity", "overdue", "advice"]
    if open_po is None or open_po.empty or not len(skus):
        return pd.DataFrame(columns=columns)
    is_dead = pd.Series(np.asarray(dead, dtype=bool), index=pd.Index(skus))
    since = pd.Series(np.asarray(days_since_sale, dtype=float), index=pd.Index(skus))
    lines = open_po[open_po["sku"].map(is_dead).fillna(False).astype(bool)
                    & (open_po["quantity"] > 0)]
    if lines.empty:
        return pd.DataFrame(columns=columns)
    grouped = lines.groupby(["sku", "source"], sort=True).agg(
        quantity=("quantity", "sum"), overdue=("overdue", "any")).reset_index()
    days = grouped["sku"].map(since)
    why = np.where(days.isna(), "never sold",
                   "no sale in " + days.fillna(0).astype(int).astype(str) + " days")
    grouped["advice"] = ("cancel or hold " + grouped["source"].astype(str) + " ("
                         + grouped["quantity"].astype(int).map("{:,}".format) + " units"
                         + np.where(grouped["overdue"], ", overdue", "") + "): " + why)
    return grouped.rename(columns={"source": "po_number"})[columns]


def tied_up_stock(skus: pd.DataFrame) -> pd.DataFrame:
    """The SKUs of a plan's SKU table with excess or dead stock, the most money tied up first;
    adds ``tied_up_units`` / ``tied_up_value`` (the larger of the excess and, for a dead SKU, its
    whole stock: open POs can make a dead SKU's excess the larger) and ``weeks_to_clear`` of those
    units at the forecast demand (NaN without demand)."""
    if skus.empty or "excess_value" not in skus:
        return skus.iloc[0:0].assign(tied_up_units=[], tied_up_value=[])
    dead = skus["dead_stock"].fillna(False).astype(bool)
    rows = skus[(skus["excess_units"] > 0) | dead].copy()
    dead_rows = dead.loc[rows.index].to_numpy(bool)
    rows["dead_stock"] = dead_rows
    rows["tied_up_units"] = np.maximum(np.where(dead_rows, rows["dead_stock_units"], 0),
                                       rows["excess_units"]).astype(np.int64)
    weekly = rows["demand_per_day"].to_numpy(float) * 7.0
    with np.errstate(divide="ignore", invalid="ignore"):
        rows["weeks_to_clear"] = np.where(weekly > 0, rows["tied_up_units"] / weekly, np.nan)
    rows["tied_up_value"] = np.maximum(np.where(dead_rows, rows["dead_stock_value"].fillna(0.0),
                                                0.0), rows["excess_value"].fillna(0.0))
    return rows.sort_values(["tied_up_value", "sku"], ascending=[False, True],
                            kind="stable").reset_index(drop=True)
