"""Replay: what following the plan would have done on the buyer's own history (issue 30).

The simulation is whole arrays over SKUs, one step per day: stock that becomes sellable that day
comes in, the simulated backlog (owed units) is served first, then the day's actual demand; what
stock cannot serve is short that day and joins the backlog. The figures compare the simulated
days with the buyer's real ones (stock snapshots, purchase orders) where those are known.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

#: the figures reported per SKU and overall, simulated and actual alike
FIGURES = ["stockout_days", "units_short", "fill_rate", "cycle_service_level", "average_stock",
           "average_stock_value", "orders_placed", "order_value"]


@dataclass
class Days:
    """A stretch of simulated days: end-of-day sellable stock, units short (demand not served
    from stock on its day) and the backlog left, each (n_skus, n_days)."""

    stock: np.ndarray
    short: np.ndarray
    backlog: np.ndarray


def walk_days(on_hand: np.ndarray, backlog: np.ndarray, demand: np.ndarray,
              arrivals: np.ndarray, counts: np.ndarray | None = None) -> Days:
    """Walk the days of ``demand`` (n_skus, n_days): each day the arrivals become sellable, the
    backlog is served first, then the day's demand; the unserved part is short and owed.
    ``counts`` (NaN where none): a stock count that day sets the end-of-day stock."""
    stock = np.asarray(on_hand, dtype=float).copy()
    owed = np.asarray(backlog, dtype=float).copy()
    n, days = demand.shape
    out = Days(np.zeros((n, days)), np.zeros((n, days)), np.zeros((n, days)))
    for d in range(days):
        stock += arrivals[:, d]
        served = np.minimum(stock, owed)
        stock -= served
        owed -= served
        sold = np.minimum(stock, demand[:, d])
        stock -= sold
        short = demand[:, d] - sold
        owed += short
        if counts is not None:
            counted = ~np.isnan(counts[:, d])
            stock[counted] = counts[counted, d]
        out.stock[:, d], out.short[:, d], out.backlog[:, d] = stock, short, owed
    return out


def arrivals_between(sku_index: np.ndarray, sellable_day: np.ndarray, quantity: np.ndarray,
                     n_skus: int, first_day: int, n_days: int) -> np.ndarray:
    """(n_skus, n_days) units becoming sellable on days first_day … first_day + n_days − 1."""
    out = np.zeros((n_skus, n_days))
    offset = np.asarray(sellable_day, dtype=int) - first_day
    inside = (offset >= 0) & (offset < n_days)
    np.add.at(out, (np.asarray(sku_index, dtype=int)[inside], offset[inside]),
              np.asarray(quantity, dtype=float)[inside])
    return out


def demand_matrix(daily_demand: pd.DataFrame, skus: list[str], start: pd.Timestamp,
                  n_days: int) -> np.ndarray:
    """(n_skus, n_days) actual demand on days start + 1 … start + n_days."""
    out = np.zeros((len(skus), n_days))
    if not len(daily_demand) or not n_days:
        return out
    day = ((pd.to_datetime(daily_demand["date"]) - start) / pd.Timedelta(days=1)).to_numpy(float)
    row = pd.Index(skus).get_indexer(daily_demand["sku"])
    keep = (row >= 0) & (day >= 1) & (day <= n_days)
    np.add.at(out, (row[keep], day[keep].astype(int) - 1),
              daily_demand["quantity"].to_numpy(float)[keep])
    return out


def period_of_day(review_days: list[int], n_days: int) -> np.ndarray:
    """For span days 1 … n_days, the index of the review period each falls in (a period runs
    from the day after its review to its next review, inclusive)."""
    day = np.arange(1, n_days + 1)
    return np.searchsorted(np.asarray(review_days, dtype=int), day, side="left") - 1


def _cycle_level(out_days: np.ndarray, period: np.ndarray, periods: int,
                 first_period: np.ndarray | None = None) -> np.ndarray:
    """Per SKU, the share of review periods without a stockout day (NaN: no period);
    ``first_period``: per SKU, the first period counted (earlier ones are left out)."""
    if not periods or not out_days.shape[1]:
        return np.full(out_days.shape[0], np.nan)
    hit = np.zeros((out_days.shape[0], periods), dtype=bool)
    for p in range(periods):
        hit[:, p] = out_days[:, period == p].any(axis=1)
    if first_period is None:
        return 1.0 - hit.mean(axis=1)
    used = np.arange(periods)[None, :] >= np.asarray(first_period)[:, None]
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(used.any(axis=1),
                        1.0 - (hit & used).sum(axis=1) / used.sum(axis=1), np.nan)


def simulated_figures(days: Days, demand: np.ndarray, *, unit_cost: np.ndarray,
                      counted: np.ndarray, review_days: list[int],
                      orders: pd.DataFrame, reach_days: np.ndarray | None = None
                      ) -> pd.DataFrame:
    """Per SKU (rows in the simulation's order): the replay's figures. ``counted``: SKUs with
    demand in the span (stockout days are counted only for them); ``orders``: sku_index,
    quantity, value of the orders the replay placed; ``reach_days``: per SKU, days from an
    order to sellable stock (``cycle_service_level_after_lead_time`` counts only the review
    periods starting once the first review's order could be sold)."""
    n, n_days = demand.shape
    out_days = (days.stock <= 0) & counted[:, None]
    period = period_of_day(review_days, n_days)
    total = demand.sum(axis=1)
    short = days.short.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        fill = np.where(total > 0, 1.0 - short / total, np.nan)
    average = days.stock.mean(axis=1) if n_days else np.zeros(n)
    index = orders["sku_index"].to_numpy(int) if len(orders) else np.zeros(0, dtype=int)
    placed = np.bincount(index, minlength=n)
    value = np.bincount(index, weights=orders["value"].to_numpy(float) if len(orders)
                        else np.zeros(0), minlength=n)
    return pd.DataFrame({
        "stockout_days": out_days.sum(axis=1).astype(int), "units_short": short,
        "fill_rate": fill,
        "cycle_service_level": np.where(counted, _cycle_level(out_days, period,
                                                              len(review_days)), np.nan),
        "cycle_service_level_after_lead_time": np.where(
            counted, _cycle_level(out_days, period, len(review_days), None if reach_days is None
                                  else np.searchsorted(np.asarray(review_days), reach_days)),
            np.nan),
        "average_stock": average, "average_stock_value": average * unit_cost,
        "orders_placed": placed.astype(int), "order_value": value,
        "demand_units": total})


def overall_figures(skus: pd.DataFrame, *, orders_placed: int | None) -> dict[str, Any]:
    """The figures over all SKUs: sums, the fill rate of all demand, the cycle level of all
    SKU-periods (the mean of the SKUs'), and ``orders_placed`` as orders (supplier and date)."""
    demand = float(skus["demand_units"].sum()) if "demand_units" in skus else np.nan
    short = skus["units_short"]
    fill = (1.0 - float(short.sum()) / demand if demand and demand > 0 and short.notna().all()
            else None)
    level = skus["cycle_service_level"].dropna()
    later = skus.get("cycle_service_level_after_lead_time", pd.Series(dtype=float)).dropna()
    return {
        "stockout_days": _sum_or_none(skus["stockout_days"]),
        "units_short": _sum_or_none(short),
        "fill_rate": fill,
        "cycle_service_level": float(level.mean()) if len(level) else None,
        "cycle_service_level_after_lead_time": float(later.mean()) if len(later) else None,
        "average_stock": _sum_or_none(skus["average_stock"]),
        "average_stock_value": _sum_or_none(skus["average_stock_value"]),
        "orders_placed": orders_placed,
        "order_value": _sum_or_none(skus["order_value"]),
    }


def _sum_or_none(values: pd.Series) -> float | None:
    """The sum, or None when any SKU's figure is unknown."""
    if values.isna().any() or not len(values):
        return None if values.isna().any() else 0.0
    return float(values.sum())


def stock_counts(stock_history: pd.DataFrame | None, skus: list[str], start: pd.Timestamp,
                 n_days: int) -> np.ndarray:
    """(n_skus, n_days) the counted stock on days start + 1 … start + n_days (NaN: no count
    that day), from the dated stock snapshots."""
    out = np.full((len(skus), n_days), np.nan)
    if stock_history is None or not len(stock_history) or not n_days:
        return out
    day = ((pd.to_datetime(stock_history["snapshot_date"]) - start)
           / pd.Timedelta(days=1)).to_numpy(float)
    row = pd.Index(skus).get_indexer(stock_history["sku"])
    inside = (day >= 1) & (day <= n_days)
    taken = np.unique(day[inside]).astype(int)
    out[:, taken - 1] = 0.0  # a SKU missing from a count had none
    keep = inside & (row >= 0)
    np.add.at(out, (row[keep], day[keep].astype(int) - 1),
              stock_history["on_hand"].to_numpy(float)[keep])
    return out


def stock_before(count: np.ndarray, receipts: np.ndarray, demand: np.ndarray) -> np.ndarray:
    """The stock a later count implies for an earlier day: the count, less what was received
    since, plus what sold since (never below zero)."""
    return np.maximum(count - receipts + demand, 0.0)
