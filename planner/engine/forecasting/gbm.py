"""A global gradient-boosted model (LightGBM) across the catalog, for the lead-time total.

One model learns from every SKU at once: windows are cut at weekly origins through the whole
history (so last year's peak is in the training set), and the target is the mean weekly demand
of the next H weeks (H = the SKU's lead time + review period in weeks) over the SKU's scale
(its mean weekly demand over the 26 weeks before the origin). Features, all built as whole
SKU x origin arrays: rolling means over 4/8/13/26 weeks and the share of weeks with a sale
(over the scale), weeks since the last sale, age, the same window a year ago and its ratio to
the 13 weeks before it, the week of year of the target, the catalog's and the SKU's group's
ratio of the target weeks to the 13 before them (pooled over the SKUs that saw both; at the
forecast origin, last year's, as the seasonal ratios read it), the ratio of the SKU's yearly
seasonal indices over the same weeks, price, demand class, group (supplier) as a category,
H and the scale itself. Loss: Tweedie on the normalised target, rows weighted by the scale (so
the fit is on units, as the totals are scored).

The weights it gets per demand class come from backtests at the origin a season back and at
the latest origin whose window is complete, made by a second model that never saw a window
overlapping the weeks it forecasts. The same weeks a year ago are features only when last
year's windows at the same point had them as well. Deterministic: fixed seed, one thread (two
OpenMP threads on a busy 2-core machine ran 10x slower), ``deterministic=True``, column-wise
histograms.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

SEASON_WEEKS = 52
BASE_WEEKS = 13            # the window before the target a ratio is read against
SCALE_WEEKS = 26
MAX_H = 26
MIN_AGE_WEEKS = 8          # a SKU's windows count once it has sold this long
#: Skip the model with fewer SKUs than this, or less history than a year + base + 1 window.
MIN_SKUS = 30
MIN_HISTORY_WEEKS = SEASON_WEEKS + BASE_WEEKS + 1
#: Origins are thinned (every k-th week, the season-back origin always in) to stay under this.
MAX_ROWS = 120_000
EPS = 0.05                 # units a week added to the scale
CAP_SIGMA = 6.0            # a SKU's week above mean + 6 sd (and 5x mean) is capped in pools
NUM_ROUNDS = 100
PARAMS = {
    "objective": "tweedie", "tweedie_variance_power": 1.2, "learning_rate": 0.06,
    "num_leaves": 31, "min_data_in_leaf": 40, "feature_fraction": 0.9, "lambda_l2": 1.0,
    "max_bin": 63, "num_threads": 1, "deterministic": True, "force_col_wise": True,
    "seed": 19, "verbose": -1,
}
FEATURES = ("mean4", "mean8", "mean13", "mean26", "sold_share26", "weeks_since_sale", "age",
            "year_ago", "year_ago_ratio", "week_of_year", "catalog_ratio", "group_ratio",
            "profile_ratio", "log_price", "demand_class", "group", "horizon", "log_scale")
CATEGORICAL = ("demand_class", "group")


@dataclass
class GlobalForecast:
    """The global model's forecasts (NaN where it did not forecast) and its record."""

    forecast: FloatArray           # SKU x future week
    usable: BoolArray
    yearback_forecast: FloatArray  # H-week total from the origin a season back, out of fold
    yearback_actual: FloatArray
    recent_forecast: FloatArray    # the same from ``recent_origin`` (NaN without it)
    recent_actual: FloatArray
    training_rows: int
    training_skus: int
    skipped: str = ""              # why the model was not fitted ("" when it was)


def _skip(n: int, n_future: int, why: str) -> GlobalForecast:
    nan = np.full(n, np.nan)
    return GlobalForecast(np.full((n, n_future), np.nan), np.zeros(n, dtype=bool), nan, nan,
                          nan, nan, 0, 0, why)


def _cum(y: FloatArray) -> FloatArray:
    cum = np.zeros((y.shape[0], y.shape[1] + 1))
    np.cumsum(y, axis=1, out=cum[:, 1:])
    return cum


def _window(cum: FloatArray, start: IntArray, o: IntArray, k: IntArray | int
            ) -> tuple[FloatArray, FloatArray]:
    """Units and weeks seen (since start) in the k weeks before origin o (rows x origins)."""
    rows = np.arange(cum.shape[0])[:, None]
    lo = np.maximum(np.maximum(o - k, 0), start[:, None])
    lo = np.minimum(lo, o)
    return cum[rows, o] - cum[rows, lo], (o - lo).astype(float)


class _Pools:
    """Pooled ratios of the target window to the base window, per origin and horizon: the
    catalog (row 0) and each group, over the SKUs that had sold BASE_WEEKS before the origin."""

    def __init__(self, y: FloatArray, start: IntArray, codes: IntArray, n_groups: int) -> None:
        mean = y.sum(axis=1) / np.maximum(y.shape[1] - np.minimum(start, y.shape[1]), 1)
        cap = np.maximum(5.0 * mean, mean + CAP_SIGMA * np.sqrt(mean) + 3.0)
        self.cum = _cum(np.minimum(y, cap[:, None]))
        self.start, self.n_groups = start, n_groups
        n = len(codes)
        self.member = np.zeros((n_groups + 1, n))
        self.member[0] = 1.0
        has = codes >= 0
        self.member[codes[has] + 1, np.flatnonzero(has)] = 1.0
        self.row = np.where(codes >= 0, codes + 1, 0)

    def ratio(self, o: IntArray, h: IntArray) -> tuple[FloatArray, FloatArray]:
        """Per SKU x origin column: (catalog ratio, group ratio), NaN where unreadable."""
        n, t_len = self.cum.shape[0], self.cum.shape[1] - 1
        rows = np.arange(n)[:, None]
        ok = (o - BASE_WEEKS >= 0) & (o + h <= t_len)
        oc = np.clip(o, BASE_WEEKS, t_len)
        hc = np.minimum(oc + h, t_len)
        seen = self.start[:, None] <= oc - BASE_WEEKS
        target = np.where(seen, (self.cum[rows, hc] - self.cum[rows, oc])
                          / np.maximum(hc - oc, 1), 0.0)
        base = np.where(seen, (self.cum[rows, oc] - self.cum[rows, oc - BASE_WEEKS])
                        / BASE_WEEKS, 0.0)
        # Columns are origins shared by all SKUs (h may differ per SKU: rates are mixed).
        t_sum, b_sum = self.member @ target, self.member @ base
        with np.errstate(invalid="ignore", divide="ignore"):
            pooled = np.where(b_sum > 0, t_sum / b_sum, np.nan)
        catalog = np.where(ok, pooled[0][None, :], np.nan)
        group = pooled[self.row]           # the group's row, the catalog's without a group
        return catalog, np.where(ok, group, np.nan)

    def path(self, origin: int, h: IntArray, n_future: int) -> FloatArray:
        """Each SKU's group (else catalog) weekly path from ``origin`` (a season back), over
        the mean of its first h weeks: the shape of the forecast along the future weeks."""
        t_len = self.cum.shape[1] - 1
        seen = (self.start <= origin - BASE_WEEKS).astype(float)
        weeks = np.minimum(origin + np.arange(n_future), t_len - 1)
        weekly = np.diff(self.cum, axis=1)[:, weeks] * seen[:, None]
        pooled = self.member @ weekly
        per_sku = pooled[self.row]
        per_sku = np.where(per_sku.sum(axis=1, keepdims=True) > 0, per_sku, pooled[0][None, :])
        window = np.arange(n_future)[None, :] < h[:, None]
        mean = (per_sku * window).sum(axis=1) / np.maximum(h, 1)
        with np.errstate(invalid="ignore", divide="ignore"):
            shape = np.where(mean[:, None] > 0, per_sku / mean[:, None], 1.0)
        return np.clip(shape, 0.0, 20.0)


def _features(y: FloatArray, cum: FloatArray, start: IntArray, o: IntArray, h: IntArray,
              positions: IntArray, season: FloatArray, pools: _Pools, ratio_origin: IntArray,
              price: FloatArray, patterns: IntArray, codes: IntArray, year_ago: bool
              ) -> tuple[FloatArray, FloatArray]:
    """Feature matrix (SKU x origin x feature) and the scale (SKU x origin); the year-ago
    features stay missing unless ``year_ago``."""
    n, t_len = y.shape
    rows = np.arange(n)[:, None]
    units, weeks = _window(cum, start, o, SCALE_WEEKS)
    scale = units / np.maximum(weeks, 1.0) + EPS
    out = np.full((n, o.shape[1], len(FEATURES)), np.nan)
    for j, k in enumerate((4, 8, 13, 26)):
        u, w = _window(cum, start, o, k)
        out[:, :, j] = np.where(w > 0, u / np.maximum(w, 1.0), np.nan) / scale
    sold = np.maximum.accumulate(np.where(y > 0, np.arange(t_len)[None, :], -1), axis=1)
    sold_cum = _cum((y > 0).astype(float))
    su, sw = _window(sold_cum, start, o, SCALE_WEEKS)
    out[:, :, 4] = np.where(sw > 0, su / np.maximum(sw, 1.0), np.nan)
    last = sold[rows, np.clip(o - 1, 0, t_len - 1)]
    out[:, :, 5] = np.where(last >= 0, np.minimum(o - 1 - last, 52), 52)
    out[:, :, 6] = np.minimum(o - start[:, None], 104)
    ly = o - SEASON_WEEKS
    ly_ok = (ly - BASE_WEEKS >= start[:, None]) & year_ago
    lyc = np.clip(ly, BASE_WEEKS, t_len)
    ly_end = np.minimum(lyc + h, t_len)
    ly_rate = (cum[rows, ly_end] - cum[rows, lyc]) / np.maximum(ly_end - lyc, 1)
    ly_base = (cum[rows, lyc] - cum[rows, lyc - BASE_WEEKS]) / BASE_WEEKS
    out[:, :, 7] = np.where(ly_ok, ly_rate / scale, np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        out[:, :, 8] = np.where(ly_ok & (ly_base > 0), ly_rate / ly_base, np.nan)
    out[:, :, 9] = positions[np.minimum(o + h // 2, positions.size - 1)]
    catalog, group = pools.ratio(ratio_origin, h)
    out[:, :, 10], out[:, :, 11] = catalog, group
    s_cum = _cum(season)
    s_end = np.minimum(o + h, season.shape[1])
    target_index = (s_cum[rows, s_end] - s_cum[rows, o]) / np.maximum(s_end - o, 1)
    ob = np.maximum(o - BASE_WEEKS, 0)
    base_index = (s_cum[rows, o] - s_cum[rows, ob]) / np.maximum(o - ob, 1)
    out[:, :, 12] = target_index / np.maximum(base_index, 1e-9)
    out[:, :, 13] = np.log(price)[:, None]
    out[:, :, 14] = patterns[:, None]
    out[:, :, 15] = np.where(codes >= 0, codes, np.nan)[:, None]
    out[:, :, 16] = h
    out[:, :, 17] = np.log(scale)
    return out, scale


def _season_ratio(x: FloatArray) -> FloatArray:
    """The pooled ratio the target is read against: the group's, else the catalog's, else 1."""
    group, catalog = x[..., FEATURES.index("group_ratio")], x[..., FEATURES.index("catalog_ratio")]
    ratio = np.where(np.isfinite(group), group, np.where(np.isfinite(catalog), catalog, 1.0))
    return np.clip(ratio, 0.05, 20.0)


def _train(x: FloatArray, target: FloatArray, weight: FloatArray) -> Any:
    """A LightGBM booster (typed Any: lightgbm ships no type information)."""
    import lightgbm as lgb

    cats = [FEATURES.index(c) for c in CATEGORICAL]
    data = lgb.Dataset(x, label=target, weight=weight, categorical_feature=cats,
                       feature_name=list(FEATURES), free_raw_data=True,
                       params={"max_bin": PARAMS["max_bin"], "verbose": -1})
    return lgb.train(PARAMS, data, num_boost_round=NUM_ROUNDS)


def global_forecast(y: FloatArray, start: IntArray, lead_weeks: IntArray, codes: IntArray,
                    n_groups: int, patterns: IntArray, positions: IntArray, season: FloatArray,
                    n_future: int, modelled: BoolArray, price: FloatArray | None = None,
                    recent_origin: int | None = None) -> GlobalForecast:
    """Fit the global model on every SKU's history and forecast the modelled SKUs.

    y: SKU x week (zeros before ``start``), the last column the week ending on as-of;
    positions: week of year of every history and future week; season: SKU x (history +
    future) yearly indices; lead_weeks: the H-week window that is scored. The forecasts from
    the origin a season back and from ``recent_origin`` (weeks observed) come from a model
    trained without the windows that overlap the weeks they forecast; the recent one reads the
    pooled ratios of a year before it, as today's forecast does.
    """
    n, t_len = y.shape
    if n < MIN_SKUS or modelled.sum() == 0:
        return _skip(n, n_future, f"fewer than {MIN_SKUS} SKUs")
    if t_len < MIN_HISTORY_WEEKS or (start <= t_len - MIN_HISTORY_WEEKS).sum() < MIN_SKUS:
        return _skip(n, n_future, "less than a year of history")
    lead = np.clip(lead_weeks, 1, n_future).astype(np.int64)
    h = np.minimum(lead, MAX_H)
    price = (np.ones(n) if price is None
             else np.where(np.isfinite(price) & (price > 0), price, np.nan))
    price = np.where(np.isfinite(price), price, np.nanmedian(price) if np.isfinite(price).any()
                     else 1.0)
    cum = _cum(y)
    pools = _Pools(y, start, codes, n_groups)
    yb = t_len - SEASON_WEEKS
    # The same weeks a year ago are read only when the windows at last year's same point (the
    # peak's) had them too: otherwise they were missing in nearly all training windows and
    # present in every forecast, and the trees extrapolate from a handful.
    at_yb = start <= yb - MIN_AGE_WEEKS
    year_ago = bool((start[at_yb] <= yb - SEASON_WEEKS - BASE_WEEKS).mean() >= 0.5)

    # Training origins: every stride-th week through the history, the season-back one in.
    sold = start < t_len
    first = max(BASE_WEEKS, int(start[sold].min()) + MIN_AGE_WEEKS if sold.any() else 0)
    all_origins = np.arange(first, t_len - 1)
    stride = max(1, int(np.ceil(n * all_origins.size / MAX_ROWS)))
    origins = np.arange(yb - ((yb - first) // stride) * stride, t_len - 1, stride)
    o = np.broadcast_to(origins[None, :], (n, origins.size))
    hh = np.broadcast_to(h[:, None], o.shape)
    x, scale = _features(y, cum, start, o, hh, positions, season, pools, o, price, patterns,
                         codes, year_ago)
    rows = np.arange(n)[:, None]
    end = np.minimum(o + hh, t_len)
    season_ratio = _season_ratio(x)
    target = (cum[rows, end] - cum[rows, o]) / hh / scale / season_ratio
    valid = (o - start[:, None] >= MIN_AGE_WEEKS) & (o + hh <= t_len)
    # Backtests: a model that never saw a window overlapping the weeks it forecasts.
    col = int(np.flatnonzero(origins == yb)[0])
    apart = (o + hh <= yb) | (o >= yb + hh)
    if recent_origin is not None:
        apart &= o + hh <= recent_origin
    if (valid & apart).sum() < 200 or not valid[:, col].any():
        return _skip(n, n_future, "too few training windows")
    held_out = _train(x[valid & apart], target[valid & apart],
                      (scale * season_ratio)[valid & apart])
    yb_rows = valid[:, col]
    yb_pred = np.full(n, np.nan)
    yb_pred[yb_rows] = (held_out.predict(x[yb_rows, col]) * scale[yb_rows, col]
                        * season_ratio[yb_rows, col] * lead[yb_rows])
    yb_actual = np.where(yb_rows, (cum[np.arange(n), np.minimum(yb + h, t_len)] - cum[:, yb]),
                         np.nan)
    recent_pred, recent_actual = np.full(n, np.nan), np.full(n, np.nan)
    if recent_origin is not None and BASE_WEEKS <= recent_origin < t_len:
        at = np.full((n, 1), recent_origin)
        ratio_at = at - SEASON_WEEKS if recent_origin - SEASON_WEEKS >= BASE_WEEKS else at
        xr, sr = _features(y, cum, start, at, h[:, None], positions, season, pools, ratio_at,
                           price, patterns, codes, year_ago)
        ok = (recent_origin - start >= MIN_AGE_WEEKS) & (recent_origin + lead <= t_len)
        recent_pred[ok] = (held_out.predict(xr[ok, 0]) * sr[ok, 0]
                           * _season_ratio(xr)[ok, 0] * lead[ok])
        recent_actual = np.where(ok, cum[np.arange(n), np.minimum(recent_origin + lead, t_len)]
                                 - cum[:, recent_origin], np.nan)
    model = _train(x[valid], target[valid], (scale * season_ratio)[valid])

    # Today: the group ratios come from last year's same weeks.
    now = np.full((n, 1), t_len)
    xf, sf = _features(y, cum, start, now, h[:, None], positions, season, pools, now - 52,
                       price, patterns, codes, year_ago)
    rate = (model.predict(xf[:, 0]) * sf[:, 0]
            * _season_ratio(xf)[:, 0])
    shape = pools.path(yb, h, n_future)
    forecast = np.where(modelled[:, None], np.maximum(rate, 0.0)[:, None] * shape, np.nan)
    return GlobalForecast(forecast, modelled.copy(), yb_pred, yb_actual, recent_pred,
                          recent_actual, int(valid.sum()), int(valid.any(axis=1).sum()))
