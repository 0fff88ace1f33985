"""Demand forecast per SKU: classify, borrow seasonality, backtest candidates, pick, spread.

Weekly buckets (seven days ending on as_of) feed whole-array kernels; the chosen method per
SKU is the one with the smallest error on the lead-time + review-period total over rolling
origins of its own history. Daily rates, Monday-week totals with 80% intervals and a record of
why each method was chosen come out. Manual overrides win within their dates.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from planner.engine.forecasting import adjust, explain, gbm, ratios
from planner.engine.forecasting.backtest import WEEKLY, Selection, select_and_forecast
from planner.engine.forecasting.classify import PATTERNS, adi_cv2, classify_demand, pattern_codes
from planner.engine.forecasting.history import (
    NO_SALE,
    WeeklyHistory,
    bucket_positions,
    day_number,
    history_weekly_frame,
    weekly_history,
)
from planner.engine.forecasting.seasonality import (
    SOURCE_NONE,
    weekday_shares,
    yearly_profiles,
)
from planner.engine.forecasting.spread import count_interval, shrink_to_poisson

__all__ = ["CatalogProfiles", "ForecastResult", "classify_demand", "forecast_demand"]

NEW_ITEM_WEEKS = 8
DEAD_AFTER_WEEKS = 26


@dataclass
class CatalogProfiles:
    """Pooled patterns learnt from the whole catalog, reusable when forecasting a few SKUs."""

    group_keys: list[object]
    group_yearly: NDArray[np.float64]       # group x 52 week-of-year indices
    group_has_own: NDArray[np.bool_]        # the group had SKUs with two full seasons
    catalog_yearly: NDArray[np.float64]     # 52 indices
    catalog_weekday: NDArray[np.float64]    # Mon..Sun shares
    ratios: ratios.PooledRatios | None = None  # seasonal-ratio paths of the catalog and groups
    #: the global model's weight per class (smooth, erratic, intermittent, lumpy, retiring) and
    #: the backtest WAPE without / with it (None when it was not run)
    global_weights: NDArray[np.float64] | None = None
    global_wape: NDArray[np.float64] | None = None


@dataclass
class ForecastResult:
    """Per-SKU model record, daily and weekly forecasts, and weekly history for charts."""

    models: pd.DataFrame
    daily: pd.DataFrame
    weekly: pd.DataFrame
    history_weekly: pd.DataFrame
    catalog_profiles: CatalogProfiles | None = field(default=None, repr=False)


def forecast_demand(daily_demand: pd.DataFrame, *, as_of: dt.date, horizon_days: int,
                    skus: Sequence[str], lead_time_days: pd.Series, review_period_days: int,
                    groups: pd.Series | None = None, made_to_order: pd.Series | None = None,
                    overrides: pd.DataFrame | None = None, first_sale: pd.Series | None = None,
                    catalog_profiles: CatalogProfiles | None = None,
                    history_weeks: int = 156, missing_days: pd.DataFrame | None = None,
                    events: pd.DataFrame | None = None,
                    like: pd.DataFrame | None = None, seasonal_ratios: bool = True,
                    robust_pooling: bool = True, global_model: bool | float = False,
                    prices: pd.Series | None = None) -> ForecastResult:
    """Forecast each SKU's demand from its daily history (see the module docstring).

    ``catalog_profiles`` (from an earlier result over the whole catalog) lets a call for a
    few SKUs keep the group and catalog seasonality it would otherwise have to relearn.
    ``missing_days`` (sku, day number: days with nothing to sell) are read as missing, not as
    zero demand; ``events`` (one row per SKU: sku, start_date, end_date, uplift_pct,
    uplift_units) are taken out of the history and laid on the forecast; ``like`` (sku,
    like_sku, like_factor) lets a new SKU borrow a reference's history.
    ``seasonal_ratios`` blends in the per-SKU seasonal-ratio forecast (forecasting/ratios.py)
    where last year's same season backtests say it earns it; ``robust_pooling`` cleans the
    pooled group and catalog series with robust STL first (both off: the forecast before them).
    ``global_model`` blends in a LightGBM model trained across the catalog (forecasting/gbm.py)
    where the same season-back backtest per class says it earns it (skipped under 30 SKUs or a
    year of history; off by default: see bench/README_forecast.md); a number in (0, 1] instead
    of True blends it at that fixed weight into every modelled SKU that is not retiring.
    ``prices`` (per SKU, e.g. unit price) is one of its features.
    """
    sku_index = pd.Index(list(skus), name="sku")
    n, t_len = len(sku_index), int(history_weeks)
    events = events if events is not None else adjust.event_rows(None, pd.DataFrame())
    daily_demand = adjust.remove_past_events(daily_demand, events)
    daily_demand, borrowed = adjust.splice_like_skus(daily_demand, like, as_of)
    hist = weekly_history(daily_demand, sku_index, as_of, t_len, first_sale)
    excluded = adjust.fill_missing_days(hist, missing_days, sku_index, as_of)
    window_days = _window_days(lead_time_days, sku_index, review_period_days)
    lead_weeks = np.maximum(np.ceil(window_days / 7.0), 1).astype(np.int64)
    n_days = int(max(horizon_days, 1, np.ceil(window_days.max()) if n else 1))
    n_future = int(max(np.ceil(n_days / 7), lead_weeks.max() if n else 1)) + 1
    positions = bucket_positions(as_of, t_len, n_future)
    status = _status(hist)
    adi, cv2 = adi_cv2(hist.demand, hist.start)
    patterns = pattern_codes(adi, cv2)

    codes, group_keys, known = _group_codes(groups, sku_index, catalog_profiles)
    fit = yearly_profiles(hist.demand, hist.start, positions[:t_len], 52, codes, len(group_keys),
                          **known)
    season = fit.profile[:, positions]

    weekly_mean = np.zeros((n, n_future))
    weekly_var = np.zeros((n, n_future))
    lead_var = np.zeros(n)
    modelled = status.modelled
    recent_origin = (max(t_len - int(lead_weeks.max()), 1) if global_model and n else None)
    sel = select_and_forecast(hist.demand[modelled], hist.start[modelled], lead_weeks[modelled],
                              season[modelled], patterns[modelled], n_future, WEEKLY,
                              recent_origin=recent_origin)
    _spread_modelled(sel, hist.demand[modelled], hist.start[modelled], lead_weeks[modelled],
                     modelled, weekly_mean, weekly_var, lead_var)
    _spread_young(hist.demand, hist.start, status.history_days, season, t_len, lead_weeks,
                  status.young & status.has_sales, weekly_mean, weekly_var, lead_var)
    peak, pooled_ratios, ratio_weight = None, None, np.zeros(n)
    if seasonal_ratios:
        peak, pooled_ratios = ratios.seasonal_ratio_forecast(
            hist.demand, hist.start, lead_weeks, codes, len(group_keys), n_future,
            robust=robust_pooling,
            pooled=catalog_profiles.ratios if catalog_profiles is not None else None)
        if pooled_ratios is not None:
            if pooled_ratios.class_weights is None:
                klass = np.where(peak.retiring, RETIRING_CLASS, patterns)[modelled]
                pooled_ratios.class_weights, pooled_ratios.class_wape = _blend_weights(
                    klass, peak.yearback_forecast[modelled], sel.yearback_forecast,
                    sel.yearback_actual)
            ratio_weight = _blend_ratios(peak, modelled, patterns, pooled_ratios.class_weights,
                                         lead_weeks, weekly_mean, weekly_var, lead_var)
    klass = (np.where(peak.retiring, RETIRING_CLASS, patterns) if peak is not None
             else patterns)
    global_fit, global_weight, global_wape = None, np.zeros(n), None
    global_class_weights = None
    if global_model:
        price = (pd.to_numeric(prices.reindex(sku_index), errors="coerce").to_numpy(float)
                 if prices is not None else None)
        global_fit = gbm.global_forecast(hist.demand, hist.start, lead_weeks, codes,
                                         len(group_keys), patterns, positions, season, n_future,
                                         modelled, price, recent_origin=recent_origin)
        if global_fit.usable.any():
            global_wape, class_weights = _global_weights(
                global_fit, sel, peak, pooled_ratios, hist.demand, hist.start, lead_weeks,
                codes, len(group_keys), patterns, modelled, n_future, recent_origin)
            if global_model is not True:
                # A fixed weight leaves retiring SKUs to their decay (the ratios' rule).
                class_weights = np.full(len(CLASS_NAMES), float(np.clip(global_model, 0, 1)))
                class_weights[RETIRING_CLASS] = 0.0
            global_class_weights = class_weights
            weight = np.where(global_fit.usable, class_weights[klass], 0.0)
            global_weight = _blend_in(global_fit.forecast, weight, lead_weeks, weekly_mean,
                                      weekly_var, lead_var)

    if catalog_profiles is not None:
        weekday_prior = catalog_profiles.catalog_weekday
    else:
        total = hist.weekday_units.sum(axis=0)
        weekday_prior = (total + 1.0) / (total.sum() + 7.0)
    shares = weekday_shares(hist.weekday_units, weekday_prior)
    day = np.arange(1, n_days + 1)
    bucket, weekday = (day - 1) // 7, (day_number(as_of) + day + 3) % 7
    daily_mean = weekly_mean[:, bucket] * shares[:, weekday]
    daily_var = weekly_var[:, bucket] * shares[:, weekday]
    lifted = adjust.add_future_events(daily_mean, daily_var, events, sku_index, as_of)
    stat_sigma = np.sqrt(lead_var / (7.0 * lead_weeks))

    override_days = np.zeros((n, n_days), dtype=bool)
    override_var = np.zeros((n, n_days))
    if overrides is not None and len(overrides):
        _apply_overrides(overrides, sku_index, as_of, daily_mean, daily_var, override_days,
                         override_var, stat_sigma, _window_rate(daily_mean, window_days))
    overridden_share = _window_rate(override_days.astype(float), window_days)
    override_sigma2 = (_window_rate(override_var, window_days)
                       / np.maximum(overridden_share, 1e-12))
    demand_std = np.sqrt((1 - overridden_share) * stat_sigma**2
                         + overridden_share * override_sigma2)

    models = _model_table(
        sku_index, status, _expand(sel, modelled, n), patterns, adi, cv2, fit.source,
        _bool_series(made_to_order, sku_index), lead_weeks, overridden_share, overrides)
    models.insert(5, "demand_per_day", _window_rate(daily_mean, window_days))
    models.insert(6, "demand_std_per_day", demand_std)
    models["stockout_days_excluded"] = excluded
    models["like_sku"] = borrowed.reindex(sku_index).to_numpy(object)
    models["event_uplift"] = lifted
    if peak is not None and pooled_ratios is not None:
        _explain_ratios(models, peak, ratio_weight, np.where(peak.retiring, RETIRING_CLASS,
                                                             patterns), pooled_ratios)
    if peak is not None:
        _explain_retiring(models, peak, ratio_weight)
    models["global_model_weight"] = global_weight
    if global_fit is not None:
        _explain_global(models, global_fit, global_weight, klass, global_wape,
                        global_model is True)
    _explain_adjustments(models)

    dates = pd.DatetimeIndex(pd.Timestamp(as_of) + pd.to_timedelta(day, unit="D"))
    daily = pd.DataFrame(daily_mean[:, :horizon_days], index=sku_index,
                         columns=dates[:horizon_days])
    weekly = _monday_weeks(daily_mean[:, :horizon_days], daily_var[:, :horizon_days], sku_index,
                           as_of)
    history_frame = history_weekly_frame(hist, sku_index, as_of, t_len)
    profiles = CatalogProfiles(list(group_keys), fit.group_profiles, fit.group_has_own,
                               fit.catalog_profile, np.asarray(weekday_prior, dtype=float),
                               pooled_ratios, global_class_weights, global_wape)
    return ForecastResult(models, daily, weekly, history_frame, profiles)


#: Weights of the seasonal-ratio forecast tried against the backtested method, per demand
#: class, on last year's same weeks; a class needs this many SKUs with that origin to choose.
BLEND_WEIGHTS = (0.0, 0.25, 0.5, 0.75, 1.0)
MIN_CLASS_SKUS = 20
RETIRING_CLASS = 4
CLASS_NAMES = ("smooth", "erratic", "intermittent", "lumpy", "retiring")


def _blend_weights(klass: np.ndarray, ratio_fc: np.ndarray, method_fc: np.ndarray,
                   actual: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per class (4 demand patterns + retiring): the ratio forecast's weight that did best on
    the H-week totals from a year back, and the WAPE of the methods alone and of that blend."""
    both = np.isfinite(ratio_fc) & np.isfinite(method_fc) & np.isfinite(actual)
    weights = np.full(len(CLASS_NAMES), np.nan)
    wape = np.full((len(CLASS_NAMES), 2), np.nan)
    grid = np.asarray(BLEND_WEIGHTS)
    for c in range(len(CLASS_NAMES)):
        rows = both & (klass == c)
        if rows.sum() < MIN_CLASS_SKUS or actual[rows].sum() <= 0:
            continue
        blend = grid[:, None] * ratio_fc[rows] + (1 - grid[:, None]) * method_fc[rows]
        errors = np.abs(blend - actual[rows]).sum(axis=1) / actual[rows].sum()
        best = int(np.argmin(errors))
        weights[c], wape[c] = grid[best], (errors[0], errors[best])
    if both.sum() >= MIN_CLASS_SKUS and actual[both].sum() > 0:
        blend = grid[:, None] * ratio_fc[both] + (1 - grid[:, None]) * method_fc[both]
        overall = grid[int(np.argmin(np.abs(blend - actual[both]).sum(axis=1)))]
    else:
        overall = 0.0
    return np.where(np.isfinite(weights), weights, overall), wape


def _blend_ratios(peak: ratios.RatioForecast, modelled: np.ndarray,
                  patterns: np.ndarray, class_weights: np.ndarray, lead_weeks: np.ndarray,
                  weekly_mean: np.ndarray, weekly_var: np.ndarray,
                  lead_var: np.ndarray) -> np.ndarray:
    """Blend the seasonal-ratio forecast into the modelled SKUs' forecast; its weight per SKU."""
    klass = np.where(peak.retiring, RETIRING_CLASS, patterns)
    weight = np.where(modelled & peak.usable, class_weights[klass], 0.0)
    return _blend_in(peak.forecast, weight, lead_weeks, weekly_mean, weekly_var, lead_var)


def _blend_in(forecast: np.ndarray, weight: np.ndarray, lead_weeks: np.ndarray,
              weekly_mean: np.ndarray, weekly_var: np.ndarray, lead_var: np.ndarray
              ) -> np.ndarray:
    """weekly_mean becomes (1 - w) · itself + w · forecast where w > 0; the weekly and
    lead-time variances scale with the mean (Poisson where there was none)."""
    rows = np.flatnonzero(weight > 0)
    if not rows.size:
        return weight
    w = weight[rows, None]
    old = weekly_mean[rows]
    new = (1.0 - w) * old + w * forecast[rows]
    scale = np.where(old > 0, new / np.maximum(old, 1e-12), 1.0)
    weekly_var[rows] = np.where(old > 0, weekly_var[rows] * scale, np.maximum(new, 0.0))
    at = lead_weeks[rows] - 1
    old_total = np.cumsum(old, axis=1)[np.arange(rows.size), at]
    new_total = np.cumsum(new, axis=1)[np.arange(rows.size), at]
    lead_var[rows] = np.where(old_total > 0, lead_var[rows] * new_total
                              / np.maximum(old_total, 1e-12), new_total)
    weekly_mean[rows] = new
    return weight


def _own_seasonal_factor(peak: ratios.RatioForecast) -> np.ndarray:
    """The SKU's shrunk seasonal ratio over its group's (the global model reads the group's)."""
    return np.where(peak.usable & (peak.own_weight > 0) & ~peak.retiring,
                    np.clip(peak.ratio / np.maximum(peak.group_ratio, 1e-9), 0.5, 2.0), 1.0)


def _global_weights(fit: gbm.GlobalForecast, sel: Selection, peak: ratios.RatioForecast | None,
                    pooled: ratios.PooledRatios | None, y: np.ndarray, start: np.ndarray,
                    lead_weeks: np.ndarray, codes: np.ndarray, n_groups: int,
                    patterns: np.ndarray, modelled: np.ndarray, n_future: int,
                    recent_origin: int | None) -> tuple[np.ndarray, np.ndarray]:
    """Per class, the global model's weight against the forecast so far (the methods blended
    with the seasonal ratios), chosen on the H-week totals from the origin a season back and
    from the latest origin; the SKU's own seasonal factor goes onto the model's forecasts."""
    m = modelled
    ratio_w = (pooled.class_weights if pooled is not None and pooled.class_weights is not None
               else np.zeros(len(CLASS_NAMES)))
    # A season back no SKU is read as retiring: its demand pattern's weights apply.
    yb_so_far = sel.yearback_forecast.copy()
    if peak is not None:
        w = np.where(peak.usable, ratio_w[patterns], 0.0)[m]
        ratio_yb = peak.yearback_forecast[m]
        yb_so_far = np.where((w > 0) & np.isfinite(ratio_yb),
                             (1 - w) * yb_so_far + w * ratio_yb, yb_so_far)
    recent_so_far, recent_gbm = sel.recent_forecast.copy(), fit.recent_forecast[m]
    recent_klass = patterns[m]
    if peak is not None and recent_origin is not None:
        then, _ = ratios.seasonal_ratio_forecast(y[:, :recent_origin], start, lead_weeks, codes,
                                                 n_groups, n_future, robust=False)
        recent_klass = np.where(then.retiring, RETIRING_CLASS, patterns)[m]
        at = np.clip(lead_weeks, 1, n_future) - 1
        ratio_then = np.cumsum(np.nan_to_num(then.forecast), axis=1)[np.arange(len(at)), at]
        w = np.where(then.usable, ratio_w[np.where(then.retiring, RETIRING_CLASS, patterns)],
                     0.0)[m]
        recent_so_far = np.where(w > 0, (1 - w) * recent_so_far + w * ratio_then[m],
                                 recent_so_far)
        recent_gbm = recent_gbm * _own_seasonal_factor(then)[m]
    if peak is not None:
        fit.forecast *= _own_seasonal_factor(peak)[:, None]
    weights, wape = _blend_weights(
        np.concatenate([patterns[m], recent_klass]),
        np.concatenate([fit.yearback_forecast[m], recent_gbm]),
        np.concatenate([yb_so_far, recent_so_far]),
        np.concatenate([sel.yearback_actual, sel.recent_actual]))
    return wape, weights


def _explain_global(models: pd.DataFrame, fit: gbm.GlobalForecast, weight: np.ndarray,
                    klass: np.ndarray, wape: np.ndarray | None, chosen: bool) -> None:
    """Name the global model's share in forecast_model and say in why_model what it scored."""
    rows = np.flatnonzero(weight > 0)
    if not rows.size:
        return
    label = models["forecast_model"].to_numpy(object).copy()
    why = models["why_model"].to_numpy(object).copy()
    wape = wape if wape is not None else np.full((len(CLASS_NAMES), 2), np.nan)
    what = (f"global model (LightGBM across {fit.training_skus} SKUs, "
            f"{fit.training_rows:,} windows of their history)")
    for i in rows:
        c, w = int(klass[i]), float(weight[i])
        label[i] = "global model" if w >= 1.0 else f"{label[i]} + global model {w:.0%}"
        scored = (f"from a season back and from the latest origin, {CLASS_NAMES[c]} SKUs "
                  f"scored WAPE {wape[c, 1]:.2f} with it against {wape[c, 0]:.2f} without"
                  if np.isfinite(wape[c]).all() else "")
        if not chosen:
            score = ", at the weight set for it" + (f" ({scored})" if scored else "")
        else:
            score = f": {scored}" if scored else ""
        why[i] = f"{why[i]} Blended {w:.0%} with a {what}{score}."
    models["forecast_model"] = label
    models["why_model"] = why


def _explain_ratios(models: pd.DataFrame, peak: ratios.RatioForecast, weight: np.ndarray,
                    klass: np.ndarray, pooled: ratios.PooledRatios) -> None:
    """Name the seasonal-ratio blend in forecast_model and say in why_model what it rests on."""
    rows = np.flatnonzero(weight > 0)
    if not rows.size:
        return
    label = models["forecast_model"].to_numpy(object).copy()
    why = models["why_model"].to_numpy(object).copy()
    wape = pooled.class_wape if pooled.class_wape is not None else np.full((5, 2), np.nan)
    for i in rows:
        c, w = int(klass[i]), float(weight[i])
        what = ("decaying recent level (retiring)" if peak.retiring[i] else "seasonal ratio")
        label[i] = what if w >= 1.0 else f"{label[i]} + {what} {w:.0%}"
        if peak.retiring[i]:
            basis = (f"{_retire_evidence(peak, int(i))}, so its level "
                     f"{peak.decay[i]:.2f}× a week is carried on and not lifted by the season")
        else:
            own = (f"its own ratio {peak.own_ratio[i]:.2f} weighted {peak.own_weight[i]:.0%}"
                   if peak.own_weight[i] > 0 else "no own year to read")
            basis = (f"ratio {peak.ratio[i]:.2f} of the coming weeks to the {pooled.base_weeks} "
                     f"before them a year ago ({own}, its group's {peak.group_ratio[i]:.2f}) "
                     f"times its recent level")
        score = (f"; on last year's same weeks {CLASS_NAMES[c]} SKUs scored WAPE "
                 f"{wape[c, 1]:.2f} with it against {wape[c, 0]:.2f} without"
                 if np.isfinite(wape[c]).all() else "")
        why[i] = f"{why[i]} Blended {w:.0%} with a {what}: {basis}{score}."
    models["forecast_model"] = label
    models["why_model"] = why


def _retire_evidence(peak: ratios.RatioForecast, i: int) -> str:
    """Why SKU i reads as retiring, in numbers."""
    return (f"its last {peak.retire_weeks[i]:.0f} weeks sold {peak.retire_units[i]:.0f} units "
            f"where the {ratios.REFERENCE_WEEKS} weeks before the last {ratios.RETIRE_WEEKS} "
            f"predicted "
            f"{peak.retire_expected[i]:.0f}, a drop beyond its usual week-to-week variability "
            f"(and below the same weeks a year ago, when it has them)")


def _explain_retiring(models: pd.DataFrame, peak: ratios.RatioForecast,
                      weight: np.ndarray) -> None:
    """Say why a retiring SKU whose forecast did not take the decaying level reads as retiring."""
    rows = np.flatnonzero(peak.retiring & (weight <= 0))
    if not rows.size:
        return
    why = models["why_model"].to_numpy(object).copy()
    for i in rows:
        why[i] = (f"{why[i]} Reads as retiring: {_retire_evidence(peak, int(i))}; its own "
                  f"method's forecast is kept.")
    models["why_model"] = why


def _explain_adjustments(models: pd.DataFrame) -> None:
    """Add what was done to the history and the forecast to each SKU's why sentence."""
    notes = pd.Series("", index=models.index, dtype=object)
    days = models["stockout_days_excluded"]
    notes = notes.where(days <= 0, notes + " " + days.astype(str)
                        + " days with nothing to sell read as missing, not as zero demand.")
    like = models["like_sku"]
    notes = notes.where(like.isna(), notes + " New: borrows " + like.astype(str)
                        + "'s history before its own first sale.")
    notes = notes.where(~models["event_uplift"], notes + " Lifted by a coming event.")
    models["why_model"] = (models["why_model"].astype(str) + notes).str.strip()


@dataclass
class _Status:
    history_days: np.ndarray
    has_sales: np.ndarray
    young: np.ndarray      # fewer than 8 weeks since the first sale, or no sale yet
    dead: np.ndarray       # nothing sold for 26 weeks
    modelled: np.ndarray   # everything else: methods are backtested


def _status(hist: WeeklyHistory) -> _Status:
    history_days = np.where(hist.first_sale_days_ago >= 0, hist.first_sale_days_ago + 1, 0)
    has_sales = hist.last_sale_days_ago != NO_SALE
    quiet_days = np.where(has_sales, hist.last_sale_days_ago, history_days)
    young = ((history_days < 7 * NEW_ITEM_WEEKS)
             | (~has_sales & (quiet_days < 7 * DEAD_AFTER_WEEKS)))
    dead = ~young & (quiet_days >= 7 * DEAD_AFTER_WEEKS)
    return _Status(history_days, has_sales, young, dead, ~young & ~dead)


def _model_table(skus: pd.Index, status: _Status, sel: dict[str, np.ndarray],
                 patterns: np.ndarray, adi: np.ndarray, cv2: np.ndarray, source: np.ndarray,
                 made_to_order: np.ndarray, lead_weeks: np.ndarray,
                 overridden_share: np.ndarray, overrides: pd.DataFrame | None) -> pd.DataFrame:
    """The per-SKU record (demand_per_day and its spread are inserted by the caller)."""
    names = np.array(PATTERNS, dtype=object)[patterns]
    names = np.where(status.young, "new", np.where(status.dead, "dead", names))
    models = pd.DataFrame(index=skus)
    models["forecast_model"] = explain.model_labels(
        sel, status.modelled, status.young, status.has_sales, source != SOURCE_NONE,
        overridden_share)
    models["demand_class"] = np.where(made_to_order, "made_to_order", names)
    models["adi"] = adi
    models["cv2"] = cv2
    models["history_days"] = status.history_days.astype(np.int64)
    models["backtest_mase"] = sel["mase"]
    models["backtest_wape"] = sel["wape"]
    models["backtest_origins"] = sel["origins"].astype(np.int64)
    models["lead_time_weeks"] = lead_weeks
    models["demand_pattern"] = names
    models["seasonality"] = explain.source_names(source)
    models["why_model"] = explain.why_sentences(
        sel, status.modelled, status.young, status.has_sales, made_to_order,
        status.history_days, lead_weeks, source, names, overridden_share, overrides, skus)
    return models


def _window_days(lead_time_days: pd.Series, skus: pd.Index, review_days: int) -> np.ndarray:
    lead = pd.to_numeric(lead_time_days.reindex(skus), errors="coerce").to_numpy(dtype=float)
    window = np.nan_to_num(lead, nan=0.0) + max(float(review_days), 0.0)
    return np.where(window > 0, window, 7.0)


def _window_rate(daily: np.ndarray, window_days: np.ndarray) -> np.ndarray:
    """Average per day over the first window_days days (a fractional last day counts part)."""
    n, n_days = daily.shape
    cum = np.zeros((n, n_days + 1))
    np.cumsum(daily, axis=1, out=cum[:, 1:])
    whole = np.minimum(np.floor(window_days).astype(np.int64), n_days)
    part = np.where(whole < n_days, window_days - whole, 0.0)
    rows = np.arange(n)
    total = cum[rows, whole] + part * daily[rows, np.minimum(whole, n_days - 1)]
    return total / window_days


def _group_codes(groups: pd.Series | None, skus: pd.Index,
                 known: CatalogProfiles | None) -> tuple[np.ndarray, list[object], dict[str, Any]]:
    values = (groups.reindex(skus) if groups is not None
              else pd.Series(np.nan, index=skus, dtype=object))
    if known is None:
        codes, uniques = pd.factorize(values, use_na_sentinel=True)
        return codes.astype(np.int64), list(uniques), {}
    lookup = pd.Index(known.group_keys)
    codes = lookup.get_indexer(values) if len(lookup) else np.full(len(skus), -1)
    reuse = {"known_groups": known.group_yearly, "known_group_has_own": known.group_has_own,
             "known_catalog": known.catalog_yearly}
    return np.asarray(codes, dtype=np.int64), list(known.group_keys), reuse


def _bool_series(values: pd.Series | None, skus: pd.Index) -> np.ndarray:
    if values is None:
        return np.zeros(len(skus), dtype=bool)
    mapped = values.reindex(skus)
    return mapped.fillna(False).astype(bool).to_numpy()


def _spread_modelled(sel: Selection, y: np.ndarray, start: np.ndarray, lead_weeks: np.ndarray,
                     modelled: np.ndarray, weekly_mean: np.ndarray, weekly_var: np.ndarray,
                     lead_var: np.ndarray) -> None:
    """Weekly variance from one-step backtest errors; lead-time variance from H-week errors."""
    if not modelled.any():
        return
    t_len = y.shape[1]
    recent_from = np.maximum(start, t_len - 52)
    inside = np.arange(t_len)[None, :] >= recent_from[:, None]
    recent_mean = np.where(inside, y, 0.0).sum(axis=1) / np.maximum(inside.sum(axis=1), 1)
    alpha = np.array([c.level_alpha for c in WEEKLY.candidates])[sel.candidate]
    one_step = shrink_to_poisson(sel.one_step_rmse**2, recent_mean,
                                 sel.origins.astype(float))
    steps = np.arange(sel.forecast.shape[1])[None, :]
    growth = 1.0 + steps * alpha[:, None] ** 2
    level_ratio = np.clip(sel.forecast / np.maximum(recent_mean[:, None], 1e-9), 0.25, 4.0)
    weekly_mean[modelled] = sel.forecast
    weekly_var[modelled] = one_step[:, None] * growth * level_ratio
    rows = np.arange(len(lead_weeks))
    cum = np.cumsum(sel.forecast, axis=1)
    lead_total = cum[rows, lead_weeks - 1]
    samples = sel.origins / np.maximum(lead_weeks, 1)
    lead_var[modelled] = shrink_to_poisson(sel.rmse**2, lead_total, samples.astype(float))


def _spread_young(y: np.ndarray, start: np.ndarray, history_days: np.ndarray,
                  season: np.ndarray, t_len: int, lead_weeks: np.ndarray, young: np.ndarray,
                  weekly_mean: np.ndarray, weekly_var: np.ndarray, lead_var: np.ndarray) -> None:
    """A few weeks of sales: the average rate since the first sale, Poisson-like spread that
    widens for the uncertainty of that average."""
    if not young.any():
        return
    inside = np.arange(t_len)[None, :] >= start[young, None]
    units = np.where(inside, y[young], 0.0).sum(axis=1)
    seasons = np.where(inside, season[young, :t_len], 0.0).sum(axis=1)
    weeks = np.maximum(inside.sum(axis=1), 1)
    rate = units / history_days[young] * 7.0
    base = rate / np.maximum(seasons / weeks, 1e-9)
    mean = base[:, None] * season[young, t_len:]
    per_week = np.where(inside, y[young], 0.0)
    var_week = ((per_week - (units / weeks)[:, None]) ** 2 * inside).sum(axis=1) / weeks
    dispersion = np.maximum(var_week / np.maximum(units / weeks, 1e-9), 1.0)
    history_weeks = np.maximum(history_days[young] / 7.0, 1.0)
    weekly_mean[young] = mean
    weekly_var[young] = mean * dispersion[:, None] * (1.0 + 1.0 / history_weeks[:, None])
    rows = np.arange(young.sum())
    total = np.cumsum(mean, axis=1)[rows, lead_weeks[young] - 1]
    lead_var[young] = total * dispersion * (1.0 + lead_weeks[young] / history_weeks)


def _apply_overrides(overrides: pd.DataFrame, skus: pd.Index, as_of: dt.date,
                     daily_mean: np.ndarray, daily_var: np.ndarray, days_mask: np.ndarray,
                     override_var: np.ndarray, stat_sigma: np.ndarray,
                     stat_rate: np.ndarray) -> None:
    """Replace the statistical daily forecast by each override within its dates."""
    n_days = daily_mean.shape[1]
    rows = skus.get_indexer(overrides["sku"])
    today = pd.Timestamp(as_of)
    rate = pd.to_numeric(overrides["demand_per_day"], errors="coerce").to_numpy(dtype=float)
    std = (pd.to_numeric(overrides["demand_std_per_day"], errors="coerce").to_numpy(dtype=float)
           if "demand_std_per_day" in overrides else np.full(len(overrides), np.nan))
    starts = pd.to_datetime(overrides.get("start_date", pd.Series(pd.NaT, index=overrides.index)))
    ends = pd.to_datetime(overrides.get("end_date", pd.Series(pd.NaT, index=overrides.index)))
    first = ((starts - today).dt.days.fillna(1).clip(lower=1)).to_numpy(dtype=np.int64)
    last = ((ends - today).dt.days.fillna(n_days).clip(upper=n_days)).to_numpy(dtype=np.int64)
    for i, r in enumerate(rows):
        if r < 0 or not np.isfinite(rate[i]) or last[i] < first[i]:
            continue
        span = slice(first[i] - 1, last[i])
        if np.isfinite(std[i]):
            day_sigma = std[i]
        elif stat_rate[r] > 0 and stat_sigma[r] > 0:
            day_sigma = stat_sigma[r] * rate[i] / stat_rate[r]
        else:
            day_sigma = np.sqrt(max(rate[i], 0.0))
        daily_mean[r, span] = max(rate[i], 0.0)
        daily_var[r, span] = day_sigma**2
        days_mask[r, span] = True
        override_var[r, span] = day_sigma**2


def _expand(sel: Selection, modelled: np.ndarray, n: int) -> dict[str, np.ndarray]:
    out: dict[str, np.ndarray] = {}
    for name in ("candidate", "origins", "runner_up", "candidates_tried"):
        full = np.full(n, -1 if name in ("candidate", "runner_up") else 0, dtype=np.int64)
        full[modelled] = getattr(sel, name)
        out[name] = full
    for name in ("mae", "mase", "wape", "runner_up_mae"):
        full_f = np.full(n, np.nan)
        full_f[modelled] = getattr(sel, name)
        out[name] = full_f
    return out


def _monday_weeks(mean: np.ndarray, var: np.ndarray, skus: pd.Index,
                  as_of: dt.date) -> pd.DataFrame:
    """Sum the daily forecast into Monday weeks (the first and last may be partial)."""
    n, n_days = mean.shape
    first_day = day_number(as_of) + 1
    lead_in = (first_day + 3) % 7
    n_weeks = -(-(lead_in + n_days) // 7)
    padded = np.zeros((2, n, n_weeks * 7))
    padded[0, :, lead_in:lead_in + n_days] = mean
    padded[1, :, lead_in:lead_in + n_days] = var
    sums = padded.reshape(2, n, n_weeks, 7).sum(axis=3)
    lower, upper = count_interval(sums[0], sums[1])
    monday = np.datetime64(as_of, "D") + 1 - lead_in
    week_start = (monday + np.arange(n_weeks) * 7).astype("datetime64[ns]")
    return pd.DataFrame({
        "sku": np.repeat(skus.to_numpy(), n_weeks),
        "week_start": np.tile(week_start, n),
        "forecast": sums[0].ravel(),
        "lower": lower.ravel(),
        "upper": upper.ravel(),
    })
