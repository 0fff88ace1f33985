"""Forecast spread: variances from backtest errors, and 80% intervals for counts."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from scipy import stats

FloatArray = NDArray[np.float64]

PRIOR_ORIGINS = 4.0  # weight of the Poisson prior (variance = mean), in backtest origins


def shrink_to_poisson(mse: FloatArray, mean: FloatArray, samples: FloatArray) -> FloatArray:
    """Error variance from backtest errors, leaning on a Poisson prior (variance = mean) when
    few independent errors were seen, and (given three or more independent lead-time windows)
    never below what the errors themselves showed.

    The backtest's mean square is raised by 1 / samples for the optimism of picking the best
    of many candidates on the same errors.
    """
    mse = np.where(np.isfinite(mse), mse, 0.0)
    samples = np.where(np.isfinite(samples), np.maximum(samples, 0.0), 0.0)
    blended = (samples * mse + PRIOR_ORIGINS * np.maximum(mean, 0.0)) / (samples + PRIOR_ORIGINS)
    with np.errstate(divide="ignore", invalid="ignore"):
        seen = np.where(samples > 0, mse * (1.0 + 1.0 / np.maximum(samples, 1.0)), 0.0)
    # With fewer than about three independent windows (a young SKU whose few origins all sit in
    # its launch spike) the errors are one overlapping episode, not a spread to insist on: the
    # floor fades in from one window to three.
    trust = np.clip((samples - 1.0) / 2.0, 0.0, 1.0)
    return np.maximum(blended, trust * seen)


def count_interval(mean: FloatArray, variance: FloatArray,
                   coverage: float = 0.8) -> tuple[FloatArray, FloatArray]:
    """Central interval of a count distribution with this mean and variance.

    Negative binomial when the variance exceeds the mean, Poisson otherwise: no negative lower
    bounds, skewed upward for slow movers. Exact quantiles (by the pmf recurrence) up to
    ``EXACT_LIMIT`` units; beyond that the matching gamma's (Wilson-Hilferty).
    """
    mean = np.maximum(np.asarray(mean, dtype=float), 0.0)
    variance = np.maximum(np.asarray(variance, dtype=float), mean)
    lo_q, hi_q = (1 - coverage) / 2, 1 - (1 - coverage) / 2
    z_lo, z_hi = stats.norm.ppf([lo_q, hi_q])
    lower, upper = _gamma_quantile(mean, variance, z_lo), _gamma_quantile(mean, variance, z_hi)
    exact = (mean > 0) & (mean + 6 * np.sqrt(variance) <= EXACT_LIMIT)
    if exact.any():
        lower[exact], upper[exact] = _exact_quantiles(mean[exact], variance[exact], lo_q, hi_q)
    return lower, upper


EXACT_LIMIT = 60


def _gamma_quantile(mean: FloatArray, variance: FloatArray, z: float) -> FloatArray:
    """Quantile of the gamma with this mean and variance (Wilson-Hilferty), rounded to a count
    with a continuity correction; within a unit or so of the negative binomial's."""
    with np.errstate(invalid="ignore", divide="ignore"):
        shape = np.where(variance > 0, mean * mean / variance, np.inf)
        cube = np.maximum(1 - 1 / (9 * shape) + z * np.sqrt(1 / (9 * shape)), 0.0) ** 3
        value = np.where(variance > 0, mean * cube, mean)
    return np.maximum(np.ceil(value - 0.5), 0.0)


def _exact_quantiles(mean: FloatArray, variance: FloatArray, lo_q: float,
                     hi_q: float) -> tuple[FloatArray, FloatArray]:
    """Smallest k with CDF(k) >= q, walking the Poisson / negative binomial pmf upward."""
    over = variance > mean * 1.0001
    size = np.where(over, mean**2 / np.where(over, variance - mean, 1.0), 0.0)
    fail = np.where(over, 1.0 - mean / variance, 0.0)   # 1 - p in scipy's nbinom
    pmf = np.where(over, np.exp(size * np.log(np.where(over, mean / variance, 1.0))),
                   np.exp(-mean))
    cdf = pmf.copy()
    lower = np.where(cdf >= lo_q, 0.0, np.nan)
    upper = np.where(cdf >= hi_q, 0.0, np.nan)
    todo = np.flatnonzero(np.isnan(upper))
    pmf, cdf, over, size, fail, lam = (pmf[todo], cdf[todo], over[todo], size[todo],
                                       fail[todo], mean[todo])
    k = 0
    while todo.size and k < EXACT_LIMIT:
        pmf = pmf * np.where(over, (k + size) / (k + 1) * fail, lam / (k + 1))
        cdf = cdf + pmf
        k += 1
        low_now = np.isnan(lower[todo]) & (cdf >= lo_q)
        lower[todo[low_now]] = k
        done = cdf >= hi_q
        if done.any():
            upper[todo[done]] = k
            keep = ~done
            todo, pmf, cdf, over, size, fail, lam = (todo[keep], pmf[keep], cdf[keep],
                                                     over[keep], size[keep], fail[keep],
                                                     lam[keep])
    return np.nan_to_num(lower, nan=float(k)), np.nan_to_num(upper, nan=float(k))
