"""Forecast accuracy on a holdout: the forecast made at an origin against what sold after it.

The caller forecasts as of ``origin`` from the history up to it (the same path the plan uses)
and hands the daily forecast here with the demand that followed. Weeks are seven-day buckets
after the origin (week 1 = origin+1 .. origin+7), so N weeks end exactly on the as-of date.

Metrics (per SKU, per demand class and overall):
  WAPE     sum over weeks |forecast - actual| / sum actual (weekly errors)
  total WAPE  the same on each SKU's N-week total (over- and under-shoots in a SKU offset)
  lead WAPE   the same on its lead time + review period total (the number safety stock rests on)
  MASE     mean |weekly error| / the SKU's in-sample mean absolute weekly change before the
           origin; a class's MASE pools them: sum |error| / sum (weeks x scale)
  bias     (sum forecast - sum actual) / sum actual
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from planner.engine.forecasting.history import day_number, weekly_history

__all__ = ["OVERALL", "Accuracy", "empty_accuracy", "holdout_accuracy", "weekly_actuals"]

#: the label of the row that sums every class
OVERALL = "all"
#: weeks of history before the origin read for each SKU's MASE scale
SCALE_WEEKS = 156

_CLASS_ORDER = ("smooth", "erratic", "intermittent", "lumpy", "new", "dead", "made_to_order")


@dataclass
class Accuracy:
    """A holdout's results: per class, per SKU, and the weekly forecast against actual."""

    origin: dt.date
    as_of: dt.date
    weeks: int
    #: demand_class, skus, forecast_units, actual_units, wape, wape_total, wape_lead, mase,
    #: bias_pct; the last row is the whole catalog (``OVERALL``)
    classes: pd.DataFrame
    #: sku, demand_class, forecast_model, forecast_units, actual_units, abs_error, wape,
    #: bias_pct, mase, lead_weeks, lead_forecast, lead_actual
    skus: pd.DataFrame
    #: sku, week_end (the bucket's last day), forecast, actual
    weekly: pd.DataFrame
    #: why there is nothing to show (empty when there is)
    empty_reason: str = ""

    @property
    def empty(self) -> bool:
        return self.skus.empty


def weekly_actuals(daily_demand: pd.DataFrame, skus: pd.Index, origin: dt.date,
                   weeks: int) -> np.ndarray:
    """SKU x week units sold in the seven-day buckets after ``origin``."""
    out = np.zeros(len(skus) * weeks)
    after = (np.asarray(daily_demand["date"]).astype("datetime64[D]").astype(np.int64)
             - day_number(origin))
    inside = np.flatnonzero((after >= 1) & (after <= 7 * weeks))
    if inside.size:
        rows = skus.get_indexer(daily_demand["sku"].to_numpy()[inside])
        keep = rows >= 0
        col = (after[inside][keep] - 1) // 7
        np.add.at(out, rows[keep] * weeks + col,
                  daily_demand["quantity"].to_numpy(dtype=float)[inside][keep])
    return out.reshape(len(skus), weeks)


def _forecast_weeks(daily_forecast: pd.DataFrame, skus: pd.Index, weeks: int) -> np.ndarray:
    """SKU x week totals of the daily forecast (columns origin+1 ...)."""
    days = daily_forecast.reindex(skus).to_numpy(dtype=float)[:, :7 * weeks]
    days = np.nan_to_num(days, nan=0.0)
    if days.shape[1] < 7 * weeks:
        days = np.pad(days, ((0, 0), (0, 7 * weeks - days.shape[1])))
    return days.reshape(len(skus), weeks, 7).sum(axis=2)


def _scale(daily_demand: pd.DataFrame, skus: pd.Index, origin: dt.date) -> np.ndarray:
    """Each SKU's mean absolute week-to-week change since its first sale, up to the origin."""
    hist = weekly_history(daily_demand, skus, origin, SCALE_WEEKS)
    y = hist.demand
    inside = np.arange(1, y.shape[1])[None, :] > hist.start[:, None]
    changes = np.where(inside, np.abs(np.diff(y, axis=1)), 0.0).sum(axis=1)
    count = inside.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(count > 0, changes / count, np.nan)


def _ratio(top: np.ndarray | pd.Series, bottom: np.ndarray | pd.Series) -> np.ndarray:
    top, bottom = np.asarray(top, dtype=float), np.asarray(bottom, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(bottom > 0, top / np.where(bottom > 0, bottom, 1.0), np.nan)


def holdout_accuracy(daily_forecast: pd.DataFrame, models: pd.DataFrame,
                     daily_demand: pd.DataFrame, *, origin: dt.date, weeks: int) -> Accuracy:
    """Score a forecast made at ``origin`` against the demand of the ``weeks`` weeks after it.

    ``daily_forecast`` is the forecast's daily matrix (index sku, columns origin+1 ...),
    ``models`` its per-SKU record (demand_class, forecast_model, history_days,
    lead_time_weeks), ``daily_demand`` the daily demand (sku, date, quantity) up to
    origin + 7 x weeks. SKUs that had sold nothing by the origin are left out.
    """
    as_of = origin + dt.timedelta(days=7 * weeks)
    had_history = pd.to_numeric(models.get("history_days", pd.Series(0, index=models.index)),
                                errors="coerce").fillna(0) > 0
    skus = pd.Index(models.index[had_history.to_numpy()], name="sku")
    if not len(skus):
        return empty_accuracy(origin, as_of, weeks,
                      f"No SKU had sold anything by {origin.isoformat()}, {weeks} weeks before "
                      f"{as_of.isoformat()}: there is too little history to score a forecast.")
    forecast = _forecast_weeks(daily_forecast, skus, weeks)
    actual = weekly_actuals(daily_demand, skus, origin, weeks)
    scale = _scale(daily_demand[daily_demand["date"] <= pd.Timestamp(origin)], skus, origin)
    error = np.abs(forecast - actual).sum(axis=1)
    f_total, a_total = forecast.sum(axis=1), actual.sum(axis=1)
    lead = pd.to_numeric(models["lead_time_weeks"].reindex(skus), errors="coerce")
    lead_weeks = np.clip(lead.fillna(weeks).to_numpy(dtype=np.int64), 1, weeks)
    rows = np.arange(len(skus))
    lead_forecast = np.cumsum(forecast, axis=1)[rows, lead_weeks - 1]
    lead_actual = np.cumsum(actual, axis=1)[rows, lead_weeks - 1]
    demand_class = models["demand_class"].reindex(skus).fillna("unknown").astype(str)
    per_sku = pd.DataFrame({
        "sku": skus.to_numpy(),
        "demand_class": demand_class.to_numpy(),
        "forecast_model": models["forecast_model"].reindex(skus).astype(str).to_numpy(),
        "forecast_units": f_total,
        "actual_units": a_total,
        "abs_error": error,
        "wape": _ratio(error, a_total),
        "bias_pct": 100.0 * _ratio(f_total - a_total, a_total),
        "mase": _ratio(error / weeks, scale),
        "lead_weeks": lead_weeks,
        "lead_forecast": lead_forecast,
        "lead_actual": lead_actual,
    })
    week_end = (np.datetime64(origin, "D") + 7 * np.arange(1, weeks + 1)).astype("datetime64[ns]")
    weekly = pd.DataFrame({
        "sku": np.repeat(skus.to_numpy(), weeks),
        "week_end": np.tile(week_end, len(skus)),
        "forecast": forecast.ravel(),
        "actual": actual.ravel(),
    })
    classes = _class_table(per_sku, scale * weeks)
    return Accuracy(origin, as_of, weeks, classes, per_sku, weekly)


def _class_table(per_sku: pd.DataFrame, scale_total: np.ndarray) -> pd.DataFrame:
    """Pooled metrics per demand class, then the whole catalog."""
    frame = per_sku.assign(
        total_error=(per_sku["forecast_units"] - per_sku["actual_units"]).abs(),
        lead_error=(per_sku["lead_forecast"] - per_sku["lead_actual"]).abs(),
        scaled_error=np.where(scale_total > 0, per_sku["abs_error"], 0.0),
        scale_total=np.where(scale_total > 0, scale_total, 0.0))
    sums = ["forecast_units", "actual_units", "abs_error", "total_error", "lead_error",
            "lead_actual", "scaled_error", "scale_total"]
    grouped = frame.groupby("demand_class", sort=False)[sums].sum()
    grouped["skus"] = frame.groupby("demand_class", sort=False).size()
    order = sorted(grouped.index, key=lambda c: (_CLASS_ORDER.index(c)
                                                 if c in _CLASS_ORDER else len(_CLASS_ORDER), c))
    grouped = grouped.loc[order]
    grouped.loc[OVERALL] = frame[sums].sum()
    grouped.loc[OVERALL, "skus"] = len(frame)
    return pd.DataFrame({
        "demand_class": grouped.index.to_numpy(object),
        "skus": grouped["skus"].to_numpy(np.int64),
        "forecast_units": grouped["forecast_units"].to_numpy(float),
        "actual_units": grouped["actual_units"].to_numpy(float),
        "wape": _ratio(grouped["abs_error"], grouped["actual_units"]),
        "wape_total": _ratio(grouped["total_error"], grouped["actual_units"]),
        "wape_lead": _ratio(grouped["lead_error"], grouped["lead_actual"]),
        "mase": _ratio(grouped["scaled_error"], grouped["scale_total"]),
        "bias_pct": 100.0 * _ratio(grouped["forecast_units"] - grouped["actual_units"],
                                   grouped["actual_units"]),
    })


def empty_accuracy(origin: dt.date, as_of: dt.date, weeks: int, reason: str) -> Accuracy:
    """A result with nothing to show and the reason why (too little history)."""
    classes = pd.DataFrame({c: pd.Series(dtype=float) for c in (
        "demand_class", "skus", "forecast_units", "actual_units", "wape", "wape_total",
        "wape_lead", "mase", "bias_pct")})
    skus = pd.DataFrame({c: pd.Series(dtype=float) for c in (
        "sku", "demand_class", "forecast_model", "forecast_units", "actual_units", "abs_error",
        "wape", "bias_pct", "mase", "lead_weeks", "lead_forecast", "lead_actual")})
    weekly = pd.DataFrame({"sku": pd.Series(dtype=object),
                           "week_end": pd.Series(dtype="datetime64[ns]"),
                           "forecast": pd.Series(dtype=float), "actual": pd.Series(dtype=float)})
    return Accuracy(origin, as_of, weeks, classes, skus, weekly, reason)

