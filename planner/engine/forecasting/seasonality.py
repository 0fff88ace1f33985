"""Yearly seasonal indices (own, borrowed from the group, or the catalog) and weekday shares.

Indices are multiplicative, one per position in the year (52 weeks or 12 months), average 1.
They come from ratios to a centred yearly moving average, averaged per position, smoothed
around the year and shrunk toward a prior (the group's profile for a SKU, the catalog's for a
group, flat for the catalog) by how much of the pattern stands out from the noise.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

SOURCE_NONE, SOURCE_OWN, SOURCE_GROUP, SOURCE_CATALOG = 0, 1, 2, 3
SOURCE_NAMES = ("none", "own", "group", "catalog")
MIN_INDEX = 0.1
FLAT_TOLERANCE = 0.03


@dataclass
class YearlyFit:
    """Per-SKU yearly indices plus the pooled profiles they may have borrowed from."""

    profile: FloatArray          # SKU x position
    source: IntArray             # SOURCE_* per SKU
    group_profiles: FloatArray   # group x position (the catalog's where a group has none)
    group_has_own: NDArray[np.bool_]  # group had mature SKUs of its own
    catalog_profile: FloatArray  # position
    catalog_has_own: bool


def centered_moving_average(y: FloatArray, start: IntArray, season_length: int) -> FloatArray:
    """Centred moving average over one season (2 x m for even m); NaN where the window is
    not entirely inside the SKU's history."""
    n, t_len = y.shape
    m = season_length
    cum = np.zeros((n, t_len + 1))
    np.cumsum(y, axis=1, out=cum[:, 1:])
    out = np.full((n, t_len), np.nan)
    half = m // 2
    t = np.arange(half, t_len - half)
    if t.size == 0:
        return out
    if m % 2:
        total = cum[:, t + half + 1] - cum[:, t - half]
    else:
        inner = cum[:, t + half] - cum[:, t - half + 1]
        total = inner + 0.5 * (y[:, t - half] + y[:, t + half])
    avg = total / m
    ok = (t - half)[None, :] >= start[:, None]
    out[:, t] = np.where(ok, avg, np.nan)
    return out


def _smoothing_kernel(season_length: int) -> FloatArray:
    half = season_length // 40
    kernel = np.concatenate([np.arange(1, half + 2), np.arange(half, 0, -1)]).astype(float)
    return kernel / kernel.sum()


def _smooth_circular(values: FloatArray, kernel: FloatArray) -> FloatArray:
    half = kernel.size // 2
    out = np.zeros_like(values)
    for offset, weight in zip(range(-half, half + 1), kernel, strict=True):
        out += weight * np.roll(values, offset, axis=1)
    return out


def profile_from_ratios(numerator: FloatArray, denominator: FloatArray, positions: IntArray,
                        season_length: int, prior: FloatArray) -> FloatArray:
    """Shrunk seasonal profile from demand / trend-level ratios (rows = series or pools).

    Ratios are Σ numerator / Σ denominator per position; NaN or non-positive denominators are
    ignored. Each row is shrunk toward its prior by signal / (signal + noise).
    """
    g, _ = numerator.shape
    m = season_length
    valid = np.isfinite(denominator) & (denominator > 0) & np.isfinite(numerator)
    rows = np.broadcast_to(np.arange(g)[:, None], numerator.shape)[valid]
    pos = np.broadcast_to(positions[None, :], numerator.shape)[valid]
    ratio = numerator[valid] / denominator[valid]
    flat = rows * m + pos
    sums = np.bincount(flat, weights=ratio, minlength=g * m).reshape(g, m)
    counts = np.bincount(flat, minlength=g * m).reshape(g, m).astype(float)
    raw = np.where(counts > 0, sums / np.maximum(counts, 1.0), prior)
    kernel = _smoothing_kernel(m)
    smooth = _smooth_circular(raw, kernel)
    smooth /= smooth.mean(axis=1, keepdims=True)
    residual = ratio - smooth[rows, pos]
    resid_var = np.bincount(rows, weights=residual**2, minlength=g)
    n_ratios = np.bincount(rows, minlength=g).astype(float)
    resid_var = resid_var / np.maximum(n_ratios - 1.0, 1.0)
    per_position = np.maximum(n_ratios / m, 1.0)
    noise = resid_var * float((kernel**2).sum()) / per_position
    deviation = smooth - prior
    spread = (deviation**2).mean(axis=1)
    signal = np.maximum(spread - noise, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        weight = np.where(spread > 0, signal / (signal + noise), 0.0)
    weight = np.where(n_ratios >= m, weight, 0.0)
    shrunk = np.maximum(prior + weight[:, None] * deviation, MIN_INDEX)
    return shrunk / shrunk.mean(axis=1, keepdims=True)


def _is_flat(profile: FloatArray) -> NDArray[np.bool_]:
    return np.abs(profile - 1.0).max(axis=-1) < FLAT_TOLERANCE


def yearly_profiles(y: FloatArray, start: IntArray, positions: IntArray, season_length: int,
                    group_codes: IntArray, n_groups: int, *,
                    known_groups: FloatArray | None = None,
                    known_group_has_own: NDArray[np.bool_] | None = None,
                    known_catalog: FloatArray | None = None) -> YearlyFit:
    """Yearly indices per SKU: own with two full seasons, else its group's, else the catalog's.

    ``group_codes`` is -1 for SKUs without a group. Pass ``known_*`` (from an earlier run over
    the whole catalog) to reuse pooled profiles when forecasting a few SKUs.
    """
    n, t_len = y.shape
    m = season_length
    trend = centered_moving_average(y, start, m)
    mature = (t_len - start) >= 2 * m
    usable = np.isfinite(trend) & mature[:, None]
    num = np.where(usable, y, 0.0)
    den = np.where(usable, trend, 0.0)
    ones = np.ones((1, m))
    if known_catalog is None:
        catalog = profile_from_ratios(num.sum(axis=0, keepdims=True),
                                      den.sum(axis=0, keepdims=True), positions, m, ones)[0]
        catalog_has_own = bool(mature.any())
        if not catalog_has_own:
            catalog = np.ones(m)
    else:
        catalog = np.asarray(known_catalog, dtype=float)
        catalog_has_own = not bool(_is_flat(catalog))
    if known_groups is None:
        in_group = group_codes >= 0
        pooled_num = np.zeros((n_groups, t_len))
        pooled_den = np.zeros((n_groups, t_len))
        np.add.at(pooled_num, group_codes[in_group], num[in_group])
        np.add.at(pooled_den, group_codes[in_group], den[in_group])
        group_has_own = np.bincount(group_codes[in_group & mature], minlength=n_groups) > 0
        prior = np.repeat(catalog[None, :], n_groups, axis=0)
        groups = profile_from_ratios(pooled_num, pooled_den, positions, m, prior)
        groups = np.where(group_has_own[:, None], groups, prior)
    else:
        groups = np.asarray(known_groups, dtype=float).reshape(n_groups, m)
        group_has_own = (np.zeros(n_groups, dtype=bool) if known_group_has_own is None
                         else np.asarray(known_group_has_own, dtype=bool))
    code = np.maximum(group_codes, 0)
    has_group = (group_codes >= 0) & (group_has_own[code] if n_groups else False)
    borrowed = np.where(has_group[:, None], groups[code] if n_groups else catalog, catalog)
    profile = borrowed.copy()
    source = np.where(has_group, SOURCE_GROUP, np.where(catalog_has_own, SOURCE_CATALOG,
                                                         SOURCE_NONE))
    if mature.any():
        own = profile_from_ratios(num[mature], den[mature], positions, m, borrowed[mature])
        profile[mature] = own
        source[mature] = SOURCE_OWN
    flat = _is_flat(profile)
    profile[flat] = 1.0
    source = np.where(flat, SOURCE_NONE, source).astype(np.int64)
    return YearlyFit(profile, source, groups, group_has_own, catalog, catalog_has_own)


def weekday_shares(units_by_weekday: FloatArray, prior: FloatArray | None = None,
                   strength: float = 50.0) -> FloatArray:
    """Share of a week's demand per weekday (Mon..Sun), shrunk toward the prior by
    ``strength`` pseudo-units so a SKU with little history keeps the catalog's pattern."""
    units = np.asarray(units_by_weekday, dtype=float)
    if prior is None:
        total = units.sum(axis=0)
        prior = (total + 1.0) / (total.sum() + 7.0)
    shares = (units + strength * prior[None, :]) / (units.sum(axis=1, keepdims=True) + strength)
    return shares / shares.sum(axis=1, keepdims=True)
