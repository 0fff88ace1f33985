"""Yearly seasonal indices (own, borrowed from the group, or the catalog) and weekday shares.

Indices are multiplicative, one per position in the year (52 weeks or 12 months), average 1.
They come from ratios to a centred yearly moving average, averaged per position and shrunk
toward a prior (the group's profile for a SKU, the catalog's for a
group, flat for the catalog) by how much of the pattern stands out from the noise. A SKU with
two seasons of its own takes its group's season only as far as its own history bears it out
(``borrowed_on_evidence``): a flat seller in a seasonal group stays flat.
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
SMOOTHING = np.array([1.0, 2.0, 1.0]) / 4.0  # weights of a position and its two neighbours
SIGNIFICANCE = 2.0  # a pattern must stand out at twice the noise before it is believed
BORROW_MAX = 1.5    # a SKU's own season at most this many times its group's


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


def profile_from_ratios(numerator: FloatArray, denominator: FloatArray, positions: IntArray,
                        season_length: int, prior: FloatArray) -> FloatArray:
    """Shrunk seasonal profile from demand / trend-level ratios (rows = series or pools).

    Ratios are numerator / denominator per period, averaged per position; NaN or non-positive
    denominators are ignored; weekly averages are lightly smoothed around the year (a week
    with its two neighbours, 1-2-1). A row's pattern is believed only where its spread around the
    prior exceeds twice the noise of the averages; then each position is shrunk toward the
    prior by its own James-Stein weight 1 - noise / deviation², which keeps a clear peak and
    flattens the small wiggles that are mostly noise; otherwise the prior is kept.
    """
    raw, noise, n_ratios = _raw_profile(numerator, denominator, positions, season_length,
                                        prior)
    return _shrink_profile(raw, noise, n_ratios, prior)


def _shrink_profile(raw: FloatArray, noise: FloatArray, n_ratios: FloatArray,
                    prior: FloatArray) -> FloatArray:
    """Each position of a believed pattern shrunk toward the prior (see profile_from_ratios)."""
    season_length = raw.shape[1]
    deviation = raw - prior
    spread = (deviation**2).mean(axis=1)
    believed = (spread > SIGNIFICANCE * noise) & (n_ratios >= season_length)
    with np.errstate(invalid="ignore", divide="ignore"):
        weight = np.clip(1.0 - noise[:, None] / deviation**2, 0.0, 1.0)
    weight = np.where(believed[:, None], np.nan_to_num(weight), 0.0)
    shrunk = np.maximum(prior + weight * deviation, MIN_INDEX)
    return shrunk / shrunk.mean(axis=1, keepdims=True)


def _raw_profile(numerator: FloatArray, denominator: FloatArray, positions: IntArray,
                 season_length: int, prior: FloatArray
                 ) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Per row: the averaged (and, weekly, smoothed) ratio profile of mean 1, the noise
    variance of one position's average, and how many ratios it rests on."""
    g, t_len = numerator.shape
    m = season_length
    valid = np.isfinite(denominator) & (denominator > 0) & np.isfinite(numerator)
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = np.where(valid, numerator / denominator, np.nan)
    rows = np.broadcast_to(np.arange(g)[:, None], (g, t_len))[valid]
    flat = rows * m + np.broadcast_to(positions[None, :], (g, t_len))[valid]
    sums = np.bincount(flat, weights=ratio[valid], minlength=g * m).reshape(g, m)
    counts = np.bincount(flat, minlength=g * m).reshape(g, m).astype(float)
    raw = np.where(counts > 0, sums / np.maximum(counts, 1.0), prior)
    raw /= raw.mean(axis=1, keepdims=True)
    n_ratios = counts.sum(axis=1)
    noise_var = _ratio_noise(ratio, valid, denominator, raw, counts, positions)
    with np.errstate(invalid="ignore", divide="ignore"):
        inverse_counts = np.where(counts > 0, 1.0 / np.maximum(counts, 1.0), 0.0).sum(axis=1)
        noise = noise_var * inverse_counts / np.maximum((counts > 0).sum(axis=1), 1)
    if m >= 26:  # neighbouring weeks share a season (months do not): smoothing halves noise
        raw = _smooth_around_year(raw)
        noise = noise * float((SMOOTHING**2).sum())
    return raw, noise, n_ratios


def borrowed_on_evidence(raw: FloatArray, noise: FloatArray,
                         borrowed: FloatArray) -> FloatArray:
    """The group's (or catalog's) season as far as a SKU's own two seasons bear it out.

    ``raw`` and ``noise`` are the SKU's own averaged profile and its noise (``_raw_profile``).
    The SKU's own profile is regressed on the borrowed one's deviations from flat: the slope
    (how much of that season the SKU itself shows) is kept only where it stands out from the
    noise of its own averages at SIGNIFICANCE standard errors, shrunk by its uncertainty and
    capped at BORROW_MAX; a flat seller in a seasonal group so stays flat.
    """
    shape = borrowed - 1.0
    ss = (shape**2).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        slope = np.where(ss > 0, ((raw - 1.0) * shape).sum(axis=1) / ss, 0.0)
        se2 = np.where(ss > 0, noise / ss, np.inf)
        kept = np.clip(slope * (1.0 - se2 / slope**2), 0.0, BORROW_MAX)
    slope = np.where(slope > SIGNIFICANCE * np.sqrt(se2), np.nan_to_num(kept), 0.0)
    return np.maximum(1.0 + slope[:, None] * shape, MIN_INDEX)


def _smooth_around_year(values: FloatArray) -> FloatArray:
    return sum(w * np.roll(values, shift, axis=1)
               for w, shift in zip(SMOOTHING, (-1, 0, 1), strict=True))


def _ratio_noise(ratio: FloatArray, valid: NDArray[np.bool_], level: FloatArray,
                 raw: FloatArray, counts: FloatArray, positions: IntArray) -> FloatArray:
    """Variance of one ratio's noise, per row, never below Poisson's 1 / level.

    With repeated seasons (half the positions seen twice or more): the spread of the ratios
    of the same position in different years, which a sharp but stable peak does not inflate.
    Otherwise: the mean square of the ratios around a lightly smoothed profile (ramps toward a
    peak are signal, not noise), corrected for each ratio's share in its own smooth value.
    """
    g, m = raw.shape
    rows = np.broadcast_to(np.arange(g)[:, None], ratio.shape)[valid]
    flat = rows * m + np.broadcast_to(positions[None, :], ratio.shape)[valid]
    squares = np.bincount(flat, weights=ratio[valid] ** 2, minlength=g * m).reshape(g, m)
    within = np.where(counts >= 2, squares - counts * raw_means(ratio, valid, flat, g, m) ** 2,
                      0.0).sum(axis=1)
    repeats = np.maximum(counts - 1, 0).sum(axis=1)
    kernel = SMOOTHING
    smooth = _smooth_around_year(raw)
    residual = np.where(valid, ratio - smooth[:, positions], 0.0)
    n_ratios = valid.sum(axis=1)
    per_position = np.maximum(n_ratios / m, 1.0)
    own_share = np.clip(1.0 - (2.0 * kernel[1] - (kernel**2).sum()) / per_position, 0.2, 1.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        around_smooth = (residual**2).sum(axis=1) / n_ratios / own_share
        year_over_year = within / repeats
        poisson = np.where(valid, 1.0 / level, 0.0).sum(axis=1) / n_ratios
    estimate = np.where(repeats >= m / 2, year_over_year, around_smooth)
    return np.fmax(np.nan_to_num(estimate), np.nan_to_num(poisson))


def raw_means(ratio: FloatArray, valid: NDArray[np.bool_], flat: IntArray, g: int,
              m: int) -> FloatArray:
    """Plain mean ratio per row and position (before any normalising)."""
    sums = np.bincount(flat, weights=ratio[valid], minlength=g * m).reshape(g, m)
    counts = np.bincount(flat, minlength=g * m).reshape(g, m)
    return np.where(counts > 0, sums / np.maximum(counts, 1), 0.0)


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
        raw, noise, n_ratios = _raw_profile(num[mature], den[mature], positions, m,
                                            borrowed[mature])
        prior = borrowed_on_evidence(raw, noise, borrowed[mature])
        own = _shrink_profile(raw, noise, n_ratios, prior)
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
