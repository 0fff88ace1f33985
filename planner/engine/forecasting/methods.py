"""Whole-array smoothing kernels: one pass over time for every SKU and every parameter at once.

Every kernel takes a history matrix ``y`` laid out period x SKU (zeros before each SKU's
``start``) and returns the state *after* observing each period, laid out period x parameter
x SKU (contiguous per period, which is how the loop writes and the backtest reads it). The
forecast made at the end of period t for period t+h is read off that state (times the seasonal
index of t+h, which the caller applies). Nothing here loops over SKUs.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]


def _column(values: ArrayLike) -> FloatArray:
    return np.asarray(values, dtype=float).reshape(-1, 1)


def _first_period(start: IntArray, t_len: int) -> int:
    return int(min(start.min(), t_len)) if start.size else t_len


def initial_level(y: FloatArray, start: IntArray, periods: int = 4) -> FloatArray:
    """Mean of each SKU's first few periods (the usual simple start for a level)."""
    t_len, n = y.shape
    cum = np.zeros((t_len + 1, n))
    np.cumsum(y, axis=0, out=cum[1:])
    first = np.minimum(start, t_len)
    last = np.minimum(first + periods, t_len)
    cols = np.arange(n)
    return (cum[last, cols] - cum[first, cols]) / np.maximum(last - first, 1)


def ses_levels(y: FloatArray, start: IntArray, alphas: ArrayLike) -> FloatArray:
    """Simple exponential smoothing, ETS(A,N,N): level after each period for each alpha."""
    alpha = _column(alphas)
    t_len, n = y.shape
    out = np.empty((t_len, alpha.shape[0], n))
    level = np.repeat(initial_level(y, start)[None, :], alpha.shape[0], axis=0)
    t0 = _first_period(start, t_len)
    out[:t0] = level
    for t in range(t0, t_len):
        step = alpha * (y[t] - level)
        step *= start <= t
        level = level + step
        out[t] = level
    return out


def holt_states(y: FloatArray, start: IntArray, alphas: ArrayLike, betas: ArrayLike,
                phis: ArrayLike) -> tuple[FloatArray, FloatArray]:
    """Holt's (damped) trend, ETS(A,Ad,N) with phi < 1, ETS(A,A,N) with phi = 1.

    alphas, betas and phis are parallel arrays (one entry per parameter set). The trend
    update uses the level difference (Hyndman's beta*): b = beta*(l - l_prev) + (1-beta)*phi*b.
    """
    alpha, beta, phi = _column(alphas), _column(betas), _column(phis)
    t_len, n = y.shape
    k = alpha.shape[0]
    first = initial_level(y, start)
    second = initial_level(y, np.minimum(start + 4, t_len))
    trend0 = np.where((t_len - start) >= 8, (second - first) / 4.0, 0.0)
    level = np.repeat(first[None, :], k, axis=0)
    trend = np.repeat(trend0[None, :], k, axis=0)
    levels = np.empty((t_len, k, n))
    trends = np.empty((t_len, k, n))
    t0 = _first_period(start, t_len)
    levels[:t0], trends[:t0] = level, trend
    for t in range(t0, t_len):
        active = start <= t
        damped = phi * trend
        predicted = level + damped
        new_level = predicted + alpha * (y[t] - predicted)
        new_trend = beta * (new_level - level) + (1.0 - beta) * damped
        level = np.where(active, new_level, level)
        trend = np.where(active, new_trend, trend)
        levels[t] = level
        trends[t] = trend
    return levels, trends


def croston_rates(y: FloatArray, occurred: NDArray[np.bool_], start: IntArray,
                  alphas: ArrayLike) -> FloatArray:
    """Croston's demand rate per period (size level / interval level) after each period.

    As in R's forecast::croston: both levels start at their first observation (the first
    demand size; the first interval counted from the SKU's start), then simple exponential
    smoothing with the same alpha on the sizes and on the intervals between demands.
    Zero before the first demand. Multiply by (1 - alpha/2) for SBA.
    """
    alpha = _column(alphas)
    t_len, n = y.shape
    k = alpha.shape[0]
    size = np.zeros((k, n))
    interval = np.ones((k, n))
    last = start.astype(float) - 1.0
    seen = np.zeros(n, dtype=bool)
    out = np.zeros((t_len, k, n))
    rate = np.zeros((k, n))
    for t in range(_first_period(start, t_len), t_len):
        demand = occurred[t] & (start <= t)
        if demand.any():
            gap = t - last
            first = demand & ~seen
            later = demand & seen
            value = y[t]
            size = np.where(first, value, np.where(later, size + alpha * (value - size), size))
            interval = np.where(first, gap, np.where(later, interval + alpha * (gap - interval),
                                                     interval))
            last = np.where(demand, float(t), last)
            seen |= demand
            rate = np.where(seen, size / interval, 0.0)
        out[t] = rate
    return out


def tsb_rates(y: FloatArray, occurred: NDArray[np.bool_], start: IntArray,
              alpha_sizes: ArrayLike, alpha_probabilities: ArrayLike) -> FloatArray:
    """Teunter-Syntetos-Babai: demand probability x demand size, after each period.

    The probability is smoothed every period (so it decays while no demand comes), the size
    only when demand occurs. Both start at the first demand: size = that demand,
    probability = 1 / (periods from the SKU's start to it). Zero before the first demand.
    """
    a_size, a_prob = _column(alpha_sizes), _column(alpha_probabilities)
    t_len, n = y.shape
    k = a_size.shape[0]
    size = np.zeros((k, n))
    probability = np.zeros((k, n))
    seen = np.zeros(n, dtype=bool)
    out = np.zeros((t_len, k, n))
    for t in range(_first_period(start, t_len), t_len):
        active = start <= t
        demand = occurred[t] & active
        hit = demand.astype(float)
        value = y[t]
        update = seen & active
        probability = probability + (a_prob * (hit - probability)) * update
        size = size + (a_size * (value - size)) * (update & demand)
        first = demand & ~seen
        if first.any():
            periods = np.maximum(t - start + 1, 1).astype(float)
            probability = np.where(first, 1.0 / periods, probability)
            size = np.where(first, value, size)
            seen |= demand
        out[t] = probability * size
    return out


def moving_average_levels(y: FloatArray, start: IntArray, windows: ArrayLike) -> FloatArray:
    """Mean of the last w periods (fewer right after the start) after each period."""
    w = np.asarray(windows, dtype=int)
    t_len, n = y.shape
    cum = np.zeros((t_len + 1, n))
    np.cumsum(y, axis=0, out=cum[1:])
    t = np.arange(t_len)[:, None]
    cols = np.arange(n)[None, :]
    out = np.empty((t_len, w.shape[0], n))
    for j, window in enumerate(w):
        first = np.minimum(np.maximum(t - window + 1, start[None, :]), t)
        out[:, j, :] = (cum[1:] - cum[first, cols]) / (t - first + 1)
    return out


def _one_series(demand: ArrayLike) -> FloatArray:
    return np.asarray(demand, dtype=float).reshape(-1, 1)


def croston_forecast(demand: ArrayLike, alpha: float = 0.1) -> float:
    """Croston's forecast per period for one series (R forecast::croston, type "croston")."""
    y = _one_series(demand)
    start = np.zeros(1, dtype=np.int64)
    return float(croston_rates(y, y > 0, start, [alpha])[-1, 0, 0])


def sba_forecast(demand: ArrayLike, alpha: float = 0.1) -> float:
    """Syntetos-Boylan approximation: Croston x (1 - alpha/2)."""
    return croston_forecast(demand, alpha) * (1.0 - alpha / 2.0)


def tsb_forecast(demand: ArrayLike, alpha_demand: float = 0.1,
                 alpha_probability: float = 0.1) -> float:
    """TSB forecast per period for one series."""
    y = _one_series(demand)
    start = np.zeros(1, dtype=np.int64)
    return float(tsb_rates(y, y > 0, start, [alpha_demand], [alpha_probability])[-1, 0, 0])
