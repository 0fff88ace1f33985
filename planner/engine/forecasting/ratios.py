"""Seasonal ratios per SKU: last year's coming weeks over the weeks before them, times today's level.

A SKU's own ratio (the coming weeks a year ago / the same-length window before them) is noisy
for a small seller, so it is shrunk toward its group's ratio, and the group's toward the
catalog's, by empirical-Bayes weights (the spread between ratios against each ratio's Poisson
noise). The pooled group and catalog weekly series go through statsmodels' robust STL first,
so a one-off bulk order or a launch spike does not become a season. The forecast is the
SKU's recent level (seasonally aligned with the base window) times the shrunk ratio, along its
group's weekly path. A retiring SKU (its last 8 weeks credibly below its own history, see
RETIRE_WEEKS) keeps its
recent, decaying level and is not lifted by the season.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

SEASON_WEEKS = 52
#: Base window: the weeks before the target window, this year (the level) and a year ago.
MIN_BASE_WEEKS, MAX_BASE_WEEKS = 4, 26
#: A SKU needs this many weeks of its own before its level is read (younger: other methods).
MIN_LEVEL_WEEKS = 4
#: Retiring, on evidence: the last RETIRE_WEEKS (or the last LATEST_WEEKS) sold less than
#: RETIRE_SHARE of what the REFERENCE_WEEKS before the last RETIRE_WEEKS predict, and by more
#: than RETIRE_Z standard deviations of that count given the SKU's own week-to-week
#: variability (its dispersion over Poisson, so an intermittent SKU's quiet spell is not a
#: retirement); with a year of history, also below the same weeks a year ago scaled by this
#: year's level (a seasonal trough is not a retirement); and not while its last RESUMED_WEEKS
#: sell at RESUMED_SHARE of its usual pace (a pause that ended).
LATEST_WEEKS = 4
RETIRE_WEEKS = 8
REFERENCE_WEEKS = 26
MIN_REFERENCE_WEEKS = 13
RETIRE_SHARE = 0.7
RETIRE_Z = 3.0
RESUMED_WEEKS = 2
RESUMED_SHARE = 0.7
#: Weekly decay of a retiring SKU's level, measured between its last 4 weeks and the 4 weeks
#: RECENT_GAP weeks earlier, kept within these bounds.
RECENT_GAP = 9
MIN_DECAY, MAX_DECAY = 0.8, 1.0
MIN_RATIO, MAX_RATIO = 0.05, 20.0


@dataclass
class RatioForecast:
    """Weekly forecast from seasonal ratios, and what it was made of (per SKU)."""

    forecast: FloatArray        # SKU x future week (NaN rows where ``usable`` is False)
    usable: BoolArray           # a level and a ratio could be read
    ratio: FloatArray           # shrunk ratio of the target window's rate to the base window's
    own_ratio: FloatArray       # the SKU's own ratio (NaN without a year of history)
    own_weight: FloatArray      # weight of the own ratio in ``ratio`` (0 without one)
    group_ratio: FloatArray     # its group's (shrunk toward the catalog's) ratio
    retiring: BoolArray
    retire_units: FloatArray    # units of the latest weeks (the retirement evidence)
    retire_expected: FloatArray  # what its history predicted for them
    retire_weeks: FloatArray    # the window (weeks) that showed it
    decay: FloatArray           # weekly decay factor of a retiring SKU's level (1 otherwise)
    base_weeks: IntArray
    yearback_forecast: FloatArray  # H-week total from a year ago with the group ratio (NaN if none)
    yearback_actual: FloatArray


def pooled_ratio_paths(pooled: FloatArray, cleaned: FloatArray, base_weeks: int,
                       n_future: int) -> tuple[FloatArray, FloatArray]:
    """Per pooled series (rows): last year's weekly index over the base window's mean for the
    next ``n_future`` weeks (from the cleaned series), and the units in last year's base window.
    """
    t_len = pooled.shape[1]
    ly = t_len - SEASON_WEEKS
    base = cleaned[:, ly - base_weeks:ly].mean(axis=1)
    future = np.arange(n_future)
    idx = np.minimum(ly + future, t_len - 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        path = np.where(base[:, None] > 0, cleaned[:, idx] / base[:, None], np.nan)
    base_units = pooled[:, ly - base_weeks:ly].sum(axis=1)
    return np.clip(path, MIN_RATIO, MAX_RATIO), base_units


def robust_clean(pooled: FloatArray) -> FloatArray:
    """Each row with the residuals STL(robust=True) downweights taken out (observed − (1 − w)·r)."""
    from statsmodels.tsa.seasonal import STL

    out = pooled.copy()
    for r in range(pooled.shape[0]):
        series = pooled[r]
        first = int(np.argmax(series > 0)) if (series > 0).any() else series.size
        if series.size - first < SEASON_WEEKS + MIN_BASE_WEEKS:
            continue
        part = series[first:]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fit = STL(part, period=SEASON_WEEKS, robust=True).fit()
        out[r, first:] = np.maximum(part - (1.0 - fit.weights) * fit.resid, 0.0)
    return out


def _spread_beyond_noise(raw: FloatArray, noise: FloatArray, prior: FloatArray) -> float:
    """tau²: the variance of true ratios around their priors, by weighted moments iterated
    (each ratio weighted 1 / (noise + tau²)², so a few tiny sellers' wild ratios cannot
    inflate it)."""
    excess = (raw - prior) ** 2 - noise
    tau2 = 1e-2
    for _ in range(8):
        w = 1.0 / (noise + tau2) ** 2
        tau2 = max(float((w * excess).sum() / w.sum()), 1e-4)
    return tau2


def _shrink(raw: FloatArray, noise: FloatArray, prior: FloatArray,
            has: BoolArray) -> tuple[FloatArray, FloatArray]:
    """Empirical-Bayes: raw ratios shrunk toward their prior by tau² / (tau² + noise)."""
    tau2 = (_spread_beyond_noise(raw[has], noise[has], prior[has]) if has.sum() >= 2
            else 1e-4)
    weight = np.where(has, tau2 / (tau2 + np.where(has, noise, np.inf)), 0.0)
    return np.where(has, weight * raw + (1.0 - weight) * prior, prior), weight


@dataclass
class PooledRatios:
    """What the catalog and its groups say about the coming weeks, reusable for a few SKUs."""

    base_weeks: int
    catalog_path: FloatArray      # future week: last year's index over the base window's mean
    group_paths: FloatArray       # group x future week (shrunk toward the catalog's)
    catalog_trailing: FloatArray  # m = 1..base_weeks: the last m base weeks' index sum
    group_trailing: FloatArray    # group x m
    sku_tau2: float               # spread of SKUs' own ratios around their group's, beyond noise
    class_weights: FloatArray | None = None  # the ratio forecast's weight per demand class
    class_wape: FloatArray | None = None     # class x (methods alone, chosen blend), a year back


def pool_ratios(y: FloatArray, start: IntArray, group_codes: IntArray, n_groups: int,
                base_weeks: int, n_future: int, robust: bool = True) -> PooledRatios | None:
    """Pooled ratio paths of the catalog and each group (None without a year + base window)."""
    n, t_len = y.shape
    ly = t_len - SEASON_WEEKS
    if n == 0 or ly - base_weeks < 0:
        return None
    eligible = start <= ly - base_weeks           # saw last year's base and target windows
    pools = np.zeros((n_groups + 1, t_len))
    pools[0] = y[eligible].sum(axis=0)
    in_group = eligible & (group_codes >= 0)
    np.add.at(pools, group_codes[in_group] + 1, y[in_group])
    cleaned = robust_clean(pools) if robust else pools
    path, base_units = pooled_ratio_paths(pools, cleaned, base_weeks, max(n_future, 1))
    if not np.isfinite(path[0]).all():
        return None
    catalog_path, group_raw = path[0], path[1:]
    c_ratio = float(catalog_path[:base_weeks].mean())
    has_group = np.isfinite(group_raw).all(axis=1) & (base_units[1:] > 0)
    with np.errstate(invalid="ignore"):
        g_ratio = np.where(has_group, np.nan_to_num(group_raw)[:, :base_weeks].mean(axis=1),
                           c_ratio)
    g_noise = c_ratio**2 * (1.0 / np.maximum(base_units[1:], 0.5)
                            + 1.0 / np.maximum(base_units[1:] * c_ratio, 0.5))
    _, g_weight = _shrink(g_ratio, g_noise, np.full(n_groups, c_ratio), has_group)
    # A group's weekly path: its own shape as far as believed, the catalog's otherwise.
    group_paths = (g_weight[:, None] * np.nan_to_num(group_raw, nan=1.0)
                   + (1.0 - g_weight[:, None]) * catalog_path[None, :])
    trailing = _trailing_index_sums(cleaned, base_weeks)
    group_trailing = (g_weight[:, None] * trailing[1:]
                      + (1.0 - g_weight[:, None]) * trailing[0][None, :])
    pooled = PooledRatios(base_weeks, catalog_path, group_paths, trailing[0], group_trailing,
                          1e-4)
    own, noise, prior, _ = _own_ratios(y, start, np.full(n, base_weeks), group_codes, pooled)
    has = np.isfinite(own)
    if has.sum() >= 2:
        pooled.sku_tau2 = _spread_beyond_noise(own[has], noise[has], prior[has])
    return pooled


def _sku_paths(pooled: PooledRatios, group_codes: IntArray, n_future: int
               ) -> tuple[FloatArray, FloatArray]:
    """Each SKU's weekly path (its group's, else the catalog's) and trailing index sums."""
    def fit(path: FloatArray) -> FloatArray:
        if path.shape[-1] >= n_future:
            return path[..., :n_future]
        pad = [(0, 0)] * (path.ndim - 1) + [(0, n_future - path.shape[-1])]
        return np.pad(path, pad, mode="edge")

    has = group_codes >= 0
    code = np.maximum(group_codes, 0)
    if len(pooled.group_paths):
        path = np.where(has[:, None], fit(pooled.group_paths)[code],
                        fit(pooled.catalog_path)[None, :])
        trailing = np.where(has[:, None], pooled.group_trailing[code],
                            pooled.catalog_trailing[None, :])
    else:
        path = np.broadcast_to(fit(pooled.catalog_path), (group_codes.size, n_future))
        trailing = np.broadcast_to(pooled.catalog_trailing,
                                   (group_codes.size, pooled.base_weeks))
    return path, trailing


def _own_ratios(y: FloatArray, start: IntArray, lead: IntArray, group_codes: IntArray,
                pooled: PooledRatios) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """The SKU's own ratio of its H coming weeks a year ago to the base window before them,
    its Poisson noise, its prior (the group's ratio over those H weeks) and the base units."""
    n, t_len = y.shape
    b = pooled.base_weeks
    ly = t_len - SEASON_WEEKS
    h = np.clip(lead, 1, None).astype(np.int64)
    path, _ = _sku_paths(pooled, group_codes, int(h.max()) if n else 1)
    window = np.arange(path.shape[1])[None, :] < h[:, None]
    prior = (path * window).sum(axis=1) / h
    cum = np.zeros((n, t_len + 1))
    np.cumsum(y, axis=1, out=cum[:, 1:])
    base = cum[:, ly] - cum[:, ly - b]
    target = cum[np.arange(n), np.minimum(ly + h, t_len)] - cum[:, ly]
    with np.errstate(invalid="ignore", divide="ignore"):
        own = np.where((start <= ly - b) & (base > 0), (target / h) / (base / b), np.nan)
    expected_target = prior * base * h / b
    noise = prior**2 * (1.0 / np.maximum(expected_target, 0.5) + 1.0 / np.maximum(base, 0.5))
    return own, noise, prior, np.stack([base, target])


def seasonal_ratio_forecast(y: FloatArray, start: IntArray, lead_weeks: IntArray,
                            group_codes: IntArray, n_groups: int, n_future: int, *,
                            robust: bool = True, lift_retiring: bool = False,
                            pooled: PooledRatios | None = None
                            ) -> tuple[RatioForecast, PooledRatios | None]:
    """Forecast every SKU's next ``n_future`` weeks from seasonal ratios (see the module doc).

    y: SKU x week (zeros before ``start``), the last column the week ending on as-of;
    group_codes: -1 for SKUs without a group; lead_weeks: the H-week window that is scored.
    ``pooled`` (from an earlier call over the whole catalog) is reused instead of relearnt.
    """
    n, t_len = y.shape
    lead = np.clip(lead_weeks, 1, n_future).astype(np.int64)
    if pooled is None:
        base_weeks = int(np.clip(int(np.median(lead)) if n else 13, MIN_BASE_WEEKS,
                                 MAX_BASE_WEEKS))
        pooled = pool_ratios(y, start, group_codes, n_groups, base_weeks, n_future, robust)
    nan = np.full(n, np.nan)
    ly = t_len - SEASON_WEEKS
    if pooled is None or n == 0 or ly - pooled.base_weeks < 0:
        return RatioForecast(np.full((n, n_future), np.nan), np.zeros(n, dtype=bool), nan, nan,
                             np.zeros(n), nan, np.zeros(n, dtype=bool), nan, nan, nan, np.ones(n),
                             np.zeros(n, dtype=np.int64), nan, nan), pooled
    base_weeks = pooled.base_weeks
    rows = np.arange(n)
    sku_path, trailing = _sku_paths(pooled, group_codes, n_future)
    own, noise, prior_ratio, (own_base, own_target) = _own_ratios(y, start, lead, group_codes,
                                                                  pooled)
    has_own = np.isfinite(own)
    tau2 = pooled.sku_tau2
    own_weight = np.where(has_own, tau2 / (tau2 + noise), 0.0)
    ratio = np.clip(np.where(has_own, own_weight * np.nan_to_num(own)
                             + (1.0 - own_weight) * prior_ratio, prior_ratio),
                    MIN_RATIO, MAX_RATIO)

    # Today's level, aligned with the base window: units of the last m weeks over the
    # seasonal index of the same calendar weeks a year ago (m = base window or its history).
    cum = np.zeros((n, t_len + 1))
    np.cumsum(y, axis=1, out=cum[:, 1:])
    weeks_seen = np.clip(t_len - start, 0, base_weeks)
    recent_units = cum[:, t_len] - cum[rows, t_len - weeks_seen]
    seen_index = trailing[rows, np.maximum(weeks_seen - 1, 0)]
    with np.errstate(invalid="ignore", divide="ignore"):
        level = np.where(weeks_seen > 0, recent_units / np.maximum(seen_index, 1e-9), 0.0)
    usable = weeks_seen >= MIN_LEVEL_WEEKS

    retiring, decay, latest, evidence = _retirement(y, cum, start, t_len)
    steps = np.arange(n_future)[None, :]
    shape = sku_path / np.maximum(prior_ratio, 1e-9)[:, None]       # H-week mean of 1
    lifted = level[:, None] * ratio[:, None] * shape
    decaying = latest[:, None] * decay[:, None] ** (steps + 2.5)
    if lift_retiring:
        decaying = decaying * ratio[:, None] * shape
    forecast = np.where(retiring[:, None], decaying, lifted)
    forecast = np.where(usable[:, None], np.maximum(forecast, 0.0), np.nan)

    # From a year ago: the base window's rate times the group's ratio (not the SKU's own,
    # which was read off those very weeks), against what then sold.
    seen_then = (start <= ly - base_weeks) & usable
    yb_fc = np.where(seen_then, own_base / base_weeks * prior_ratio * lead, np.nan)
    yb_actual = np.where(seen_then, own_target, np.nan)
    result = RatioForecast(forecast, usable, ratio, own, own_weight, prior_ratio, retiring,
                           evidence[0], evidence[1], evidence[2], decay,
                           np.full(n, base_weeks, dtype=np.int64), yb_fc, yb_actual)
    return result, pooled


def _trailing_index_sums(cleaned: FloatArray, base_weeks: int) -> FloatArray:
    """Per pooled row, for m = 1..base_weeks: the sum of the last m base weeks' seasonal
    index a year ago (relative to the base window's mean, so m = base_weeks sums to it)."""
    ly = cleaned.shape[1] - SEASON_WEEKS
    window = cleaned[:, ly - base_weeks:ly]
    mean = window.mean(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        index = np.where(mean > 0, window / mean, 1.0)
    return np.cumsum(index[:, ::-1], axis=1)               # m = 1.. from the newest week


def _retirement(y: FloatArray, cum: FloatArray, start: IntArray, t_len: int
                ) -> tuple[BoolArray, FloatArray, FloatArray, FloatArray]:
    """Retiring SKUs (see RETIRE_WEEKS), their weekly decay factor, latest weekly rate (last
    4 weeks) and the evidence: units of the window that showed it and what was expected."""
    n = len(cum)
    rows = np.arange(n)
    recent_at = max(t_len - RETIRE_WEEKS, 0)
    latest = (cum[:, t_len] - cum[:, t_len - LATEST_WEEKS]) / LATEST_WEEKS
    ref_from = np.clip(np.maximum(start, recent_at - REFERENCE_WEEKS), 0, recent_at)
    ref_weeks = np.maximum(recent_at - ref_from, 0)
    ref_units = cum[:, recent_at] - cum[rows, ref_from]
    ref_rate = ref_units / np.maximum(ref_weeks, 1)
    # week-to-week dispersion over Poisson in the reference window (1 at least)
    week = np.arange(t_len)[None, :]
    inside = (week >= ref_from[:, None]) & (week < recent_at)
    sq = np.where(inside, (y - ref_rate[:, None]) ** 2, 0.0).sum(axis=1)
    var_week = sq / np.maximum(ref_weeks - 1, 1)
    dispersion = np.maximum(var_week / np.maximum(ref_rate, 1e-9), 1.0)
    ly = t_len - SEASON_WEEKS
    ly_ref_from = ref_from - SEASON_WEEKS
    year_seen = (ly - RETIRE_WEEKS >= 0) & (ly_ref_from >= start) & (ly_ref_from >= 0)
    ly_ref = np.where(year_seen, cum[:, max(ly - RETIRE_WEEKS, 0)]
                      - cum[rows, np.maximum(ly_ref_from, 0)], 0.0)

    def below(units: FloatArray, expected: FloatArray, weeks: int) -> BoolArray:
        spread = np.sqrt(np.maximum(dispersion * expected
                                    * (1.0 + weeks / np.maximum(ref_weeks, 1)), 1.0))
        return (units < RETIRE_SHARE * expected) & (expected - units > RETIRE_Z * spread)

    retiring = np.zeros(n, dtype=bool)
    evidence = np.full((3, n), np.nan)
    for weeks in (RETIRE_WEEKS, LATEST_WEEKS):   # the longer window's evidence is quoted
        units = cum[:, t_len] - cum[:, t_len - weeks]
        expected = ref_rate * weeks
        low = (ref_weeks >= MIN_REFERENCE_WEEKS) & below(units, expected, weeks)
        # with a year behind it: below the same weeks a year ago at this year's level too
        if ly - RETIRE_WEEKS >= 0:
            ly_units = cum[:, ly] - cum[:, ly - weeks]
            with np.errstate(invalid="ignore", divide="ignore"):
                seasonal = np.where(ly_ref > 0, ly_units * ref_units / ly_ref, expected)
            low &= np.where(year_seen, below(units, seasonal, weeks), True)
        new = low & ~retiring
        evidence[:, new] = np.stack([units, expected, np.full(n, float(weeks))])[:, new]
        retiring |= low
    resumed = ((cum[:, t_len] - cum[:, t_len - RESUMED_WEEKS])
               >= RESUMED_SHARE * ref_rate * RESUMED_WEEKS)
    retiring &= ~resumed
    earlier = (cum[:, t_len - RECENT_GAP] - cum[:, t_len - RECENT_GAP - LATEST_WEEKS]
               ) / LATEST_WEEKS
    with np.errstate(invalid="ignore", divide="ignore"):
        decay = np.where(earlier > 0, (np.maximum(latest, 1e-9) / earlier) ** (1 / RECENT_GAP),
                         1.0)
    decay = np.where(retiring, np.clip(decay, MIN_DECAY, MAX_DECAY), 1.0)
    return retiring, decay, latest, evidence
