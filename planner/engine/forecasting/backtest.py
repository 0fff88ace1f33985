"""Choose a forecasting method per SKU by rolling-origin backtest of the lead-time total.

For every SKU and candidate the kernels give the state after each period; the forecast of the
next H periods from every origin follows in closed form, so all origins cost one pass. The
score is the mean absolute error of the H-period total (H = lead time + review period in
periods) over the last ``max_origins`` origins, times a small penalty for complex methods.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from planner.engine.forecasting import methods

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

SMOOTH, ERRATIC, INTERMITTENT, LUMPY = 0, 1, 2, 3
REGULAR = (SMOOTH, ERRATIC)
SPORADIC = (INTERMITTENT, LUMPY)
ALL = REGULAR + SPORADIC


@dataclass(frozen=True)
class Candidate:
    """One method with fixed parameters."""

    name: str             # e.g. "ETS(A,Ad,N)", "SBA", "moving average 8w"
    family: str           # ses, holt, croston, sba, tsb, ma, snaive
    detail: str           # the parameters, for the explanation
    level_alpha: float    # how fast the level moves (widens intervals with the horizon)
    penalty: float        # score multiplier: complex methods must win clearly
    patterns: tuple[int, ...]
    seasonal_name: str = ""  # name when a yearly profile is applied

    def label(self, seasonal: bool) -> str:
        """Display name, with the seasonal form when a yearly profile is applied."""
        return self.seasonal_name if seasonal and self.seasonal_name else self.name


@dataclass(frozen=True)
class MethodGrid:
    """Candidate methods, their parameter grids and the backtest settings."""

    season_length: int = 52
    period_suffix: str = "w"
    ses_alphas: tuple[float, ...] = (0.05, 0.1, 0.2, 0.3, 0.5)
    holt_alphas: tuple[float, ...] = (0.1, 0.3)
    holt_betas: tuple[float, ...] = (0.05, 0.15)
    holt_phis: tuple[float, ...] = (0.9, 0.98, 1.0)
    croston_alphas: tuple[float, ...] = (0.05, 0.1, 0.2, 0.3)
    tsb_size_alphas: tuple[float, ...] = (0.1, 0.3)
    tsb_probability_alphas: tuple[float, ...] = (0.02, 0.05, 0.1, 0.2)
    ma_windows: tuple[int, ...] = (4, 8, 13, 26)
    max_origins: int = 52
    warmup_periods: int = 6
    damped_penalty: float = 1.03
    trend_penalty: float = 1.06
    seasonal_naive_penalty: float = 1.05
    sparse_default: str = "tsb:α=0.1, β=0.1"
    regular_default: str = "ses:α=0.2"
    sparse_default_margin: float = 0.2
    candidates: tuple[Candidate, ...] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "candidates", tuple(_build_candidates(self)))


def _build_candidates(grid: MethodGrid) -> list[Candidate]:
    out = [Candidate("ETS(A,N,N)", "ses", f"α={a:g}", a, 1.0, ALL, "ETS(A,N,M)")
           for a in grid.ses_alphas]
    for a in grid.holt_alphas:
        for b in grid.holt_betas:
            for phi in grid.holt_phis:
                damped = phi < 1.0
                name = "ETS(A,Ad,N)" if damped else "ETS(A,A,N)"
                detail = f"α={a:g}, β={b:g}" + (f", φ={phi:g}" if damped else "")
                penalty = grid.damped_penalty if damped else grid.trend_penalty
                out.append(Candidate(name, "holt", detail, a, penalty, REGULAR,
                                     name.replace(",N)", ",M)")))
    for family, label in (("croston", "Croston"), ("sba", "SBA")):
        out += [Candidate(label, family, f"α={a:g}", a, 1.0, SPORADIC, f"{label} × seasonal")
                for a in grid.croston_alphas]
    out += [Candidate("TSB", "tsb", f"α={a:g}, β={b:g}", b, 1.0, SPORADIC, "TSB × seasonal")
            for a in grid.tsb_size_alphas for b in grid.tsb_probability_alphas]
    out += [Candidate(f"moving average {w}{grid.period_suffix}", "ma", "",
                      2.0 / (w + 1.0), 1.0, ALL, f"moving average {w}{grid.period_suffix} × seasonal")
            for w in grid.ma_windows]
    out.append(Candidate("seasonal naive", "snaive", "", 1.0,
                         grid.seasonal_naive_penalty, ALL))
    return out


MONTHLY = MethodGrid(season_length=12, period_suffix="m", ma_windows=(3, 6, 12),
                     max_origins=24, warmup_periods=6)
WEEKLY = MethodGrid()


def default_candidate(grid: MethodGrid, pattern: int) -> int:
    """The method a SKU gets when it is too young to backtest: TSB (α=0.1, β=0.1) for sparse
    demand, SES α=0.2 for regular demand. For sparse demand, other methods must also beat it
    by ``sparse_default_margin`` on the SKU's own backtest."""
    wanted = grid.sparse_default if pattern in SPORADIC else grid.regular_default
    family, detail = wanted.split(":")
    for i, c in enumerate(grid.candidates):
        if c.family == family and c.detail == detail:
            return i
    return 0


@dataclass
class Selection:
    """The chosen method per SKU, its forecast and its backtest record."""

    candidate: IntArray          # index into grid.candidates
    forecast: FloatArray         # SKU x future period: expected demand
    mae: FloatArray              # of the lead-time total, per origin
    rmse: FloatArray
    mase: FloatArray
    wape: FloatArray
    origins: IntArray
    one_step_rmse: FloatArray
    runner_up: IntArray          # best candidate of another method (-1 if none)
    runner_up_mae: FloatArray
    candidates_tried: IntArray
    yearback_forecast: FloatArray  # the chosen method's H-period total from a season ago (NaN)
    yearback_actual: FloatArray    # what sold in those H periods (NaN without that origin)
    recent_forecast: FloatArray    # the same from ``recent_origin`` (NaN without one)
    recent_actual: FloatArray


@dataclass
class _Family:
    indices: list[int]
    levels: FloatArray                 # period x k x SKU (state after the period)
    trends: FloatArray | None = None
    phis: FloatArray | None = None
    factor: FloatArray | None = None   # SBA's (1 - α/2)


def _families(grid: MethodGrid, adjusted: FloatArray, occurred: NDArray[np.bool_],
              start: IntArray) -> list[_Family]:
    cands = grid.candidates
    idx: dict[str, list[int]] = {}
    for i, c in enumerate(cands):
        idx.setdefault(c.family, []).append(i)
    fams: list[_Family] = []
    fams.append(_Family(idx["ses"], methods.ses_levels(adjusted, start, grid.ses_alphas)))
    a, b, p = zip(*[(x, y, z) for x in grid.holt_alphas for y in grid.holt_betas
                    for z in grid.holt_phis], strict=True)
    lv, tr = methods.holt_states(adjusted, start, a, b, p)
    fams.append(_Family(idx["holt"], lv, tr, np.asarray(p)))
    rates = methods.croston_rates(adjusted, occurred, start, grid.croston_alphas)
    fams.append(_Family(idx["croston"], rates))
    fams.append(_Family(idx["sba"], rates,
                        factor=1.0 - np.asarray(grid.croston_alphas) / 2.0))
    sa, pa = zip(*[(x, y) for x in grid.tsb_size_alphas for y in grid.tsb_probability_alphas],
                 strict=True)
    fams.append(_Family(idx["tsb"], methods.tsb_rates(adjusted, occurred, start, sa, pa)))
    fams.append(_Family(idx["ma"], methods.moving_average_levels(adjusted, start,
                                                                 grid.ma_windows)))
    return fams


def _phi_sums(phi: float, horizon: int) -> FloatArray:
    """Φ_h = φ + φ² + … + φ^h for h = 1..horizon."""
    return np.cumsum(phi ** np.arange(1, horizon + 1))


def select_and_forecast(history: FloatArray, start: IntArray, lead_periods: IntArray,
                        season: FloatArray, patterns: IntArray, forecast_periods: int,
                        grid: MethodGrid = WEEKLY, chunk_size: int = 1500,
                        recent_origin: int | None = None) -> Selection:
    """Backtest every candidate allowed for each SKU's pattern, keep the best, forecast.

    history: SKU x period demand (zeros before ``start``); season: SKU x (periods +
    forecast_periods) multiplicative indices; lead_periods: backtest horizon per SKU.
    ``recent_origin`` (periods observed) also keeps each chosen method's H-period total from
    that origin, as the season-back one is kept.
    """
    n = history.shape[0]
    if n == 0:
        empty_f, empty_i = np.zeros(0), np.zeros(0, dtype=np.int64)
        return Selection(empty_i, np.zeros((0, forecast_periods)), empty_f, empty_f, empty_f,
                         empty_f, empty_i, empty_f, empty_i, empty_f, empty_i, empty_f, empty_f,
                         empty_f, empty_f)
    parts = [_select_chunk(history[s:s + chunk_size], start[s:s + chunk_size],
                           lead_periods[s:s + chunk_size], season[s:s + chunk_size],
                           patterns[s:s + chunk_size], forecast_periods, grid, recent_origin)
             for s in range(0, n, chunk_size)]
    return Selection(*[np.concatenate([getattr(p, f) for p in parts])
                       for f in Selection.__dataclass_fields__])


def _select_chunk(y_rows: FloatArray, start: IntArray, lead: IntArray, season_rows: FloatArray,
                  patterns: IntArray, n_future: int, grid: MethodGrid,
                  recent_origin: int | None = None) -> Selection:
    # Work period-major (period x SKU): kernels write and the backtest reads whole rows.
    c, t_len = y_rows.shape
    y = np.ascontiguousarray(y_rows.T)
    season = np.ascontiguousarray(season_rows.T)
    cands = grid.candidates
    k_all = len(cands)
    m = grid.season_length
    lead = np.clip(lead, 1, n_future).astype(np.int64)
    h_max = int(lead.max())
    cols = np.arange(c)[None, :]
    fams = _families(grid, y / season[:t_len], y > 0, start)

    # Origin o = periods observed; it forecasts periods o .. o+H-1 from the state after o-1.
    lo = max(1, t_len - h_max - grid.max_origins + 1)
    origins = np.arange(lo, t_len)
    o = origins[:, None]
    h = lead[None, :]
    valid = ((o >= start[None, :] + grid.warmup_periods)
             & (o >= t_len - h - grid.max_origins + 1) & (o + h <= t_len))
    n_valid = valid.sum(axis=0)
    one_valid = (o >= start[None, :] + grid.warmup_periods) & (o >= t_len - grid.max_origins)
    n_one = one_valid.sum(axis=0)
    cum = np.zeros((t_len + 1, c))
    np.cumsum(y, axis=0, out=cum[1:])
    actual = cum[np.minimum(o + h, t_len), cols] - cum[origins]
    season_cum = np.zeros((season.shape[0] + 1, c))
    np.cumsum(season, axis=0, out=season_cum[1:])
    season_total = season_cum[o + h, cols] - season_cum[origins]
    one_season = season[origins]
    one_actual = y[origins]
    future_season = season[t_len:t_len + n_future]
    trend_weight: dict[float, FloatArray] = {}
    # The origin a season back (the same point of last year): turning points show there.
    at_yb = np.flatnonzero(origins == t_len - m)
    yb_valid = valid[at_yb[0]] if at_yb.size else np.zeros(c, dtype=bool)
    yearback = np.full((k_all, c), np.nan)
    at_r = np.flatnonzero(origins == recent_origin) if recent_origin is not None else at_yb[:0]
    r_valid = valid[at_r[0]] if at_r.size else np.zeros(c, dtype=bool)
    recent = np.full((k_all, c), np.nan)

    mae = np.full((k_all, c), np.inf)
    mse = np.full((k_all, c), np.inf)
    mse1 = np.full((k_all, c), np.inf)
    abs_sum = np.zeros((k_all, c))
    future = np.zeros((k_all, n_future, c))
    with np.errstate(invalid="ignore", divide="ignore"):
        for fam in fams:
            at_origin_all = fam.levels[origins - 1]          # W x k x SKU
            trend_all = None if fam.trends is None else fam.trends[origins - 1]
            for j, k in enumerate(fam.indices):
                at_origin = at_origin_all[:, j, :]
                total = at_origin * season_total
                step = at_origin * one_season
                final = np.broadcast_to(fam.levels[-1, j, :], (n_future, c))
                if trend_all is not None and fam.trends is not None and fam.phis is not None:
                    phi = float(fam.phis[j])
                    if phi not in trend_weight:
                        trend_weight[phi] = _trend_weight(season, lead, origins, phi, h_max)
                    tr = trend_all[:, j, :]
                    total = total + tr * trend_weight[phi]
                    step = step + tr * (phi * one_season)
                    final = final + fam.trends[-1, j, :] * _phi_sums(phi, n_future)[:, None]
                if fam.factor is not None:
                    total = total * fam.factor[j]
                    step = step * fam.factor[j]
                    final = final * fam.factor[j]
                err = np.where(valid, np.maximum(total, 0.0) - actual, 0.0)
                if at_yb.size:
                    yearback[k] = np.where(yb_valid, np.maximum(total[at_yb[0]], 0.0), np.nan)
                if at_r.size:
                    recent[k] = np.where(r_valid, np.maximum(total[at_r[0]], 0.0), np.nan)
                abs_sum[k] = np.abs(err).sum(axis=0)
                mse[k] = (err * err).sum(axis=0) / n_valid
                err1 = np.where(one_valid, np.maximum(step, 0.0) - one_actual, 0.0)
                mse1[k] = (err1 * err1).sum(axis=0) / n_one
                future[k] = np.maximum(final * future_season, 0.0)
            mae[fam.indices] = abs_sum[fam.indices] / n_valid
        k_sn = k_all - 1
        if t_len > m:
            sn_total = cum[np.clip(o + h - m, 0, t_len), cols] - cum[np.maximum(origins - m, 0)]
            sn_ok = valid & (o - m >= start[None, :]) & (h <= m)
            usable = sn_ok.sum(axis=0) == n_valid
            err = np.where(valid, sn_total - actual, 0.0)
            if at_yb.size:
                yearback[k_sn] = np.where(yb_valid & usable, sn_total[at_yb[0]], np.nan)
            if at_r.size:
                recent[k_sn] = np.where(r_valid & usable, sn_total[at_r[0]], np.nan)
            abs_sum[k_sn] = np.abs(err).sum(axis=0)
            mae[k_sn] = np.where(usable, abs_sum[k_sn] / n_valid, np.inf)
            mse[k_sn] = np.where(usable, (err * err).sum(axis=0) / n_valid, np.inf)
            err1 = np.where(one_valid, y[np.maximum(origins - m, 0)] - one_actual, 0.0)
            mse1[k_sn] = (err1 * err1).sum(axis=0) / n_one
            future[k_sn] = y[t_len - m + (np.arange(n_future) % m)]

    allowed = np.array([[p in cand.patterns for cand in cands] for p in range(4)])[patterns].T
    penalty = np.array([cand.penalty for cand in cands])[:, None]
    score = np.where(allowed & np.isfinite(mae), mae * penalty, np.inf)
    pick = np.arange(c)
    # Sparse sellers give noisy backtests: keep their default unless clearly beaten.
    defaults = np.array([default_candidate(grid, p) for p in range(4)])[patterns]
    sparse = np.isin(patterns, SPORADIC)
    score[defaults[sparse], pick[sparse]] /= 1.0 + grid.sparse_default_margin
    chosen = np.argmin(score, axis=0)
    tested = np.isfinite(score[chosen, pick]) & (n_valid > 0)
    chosen = np.where(tested, chosen, defaults)

    names = np.array([cand.name for cand in cands], dtype=object)
    other_score = np.where(names[:, None] != names[chosen][None, :], score, np.inf)
    runner = np.argmin(other_score, axis=0)
    has_runner = np.isfinite(other_score[runner, pick]) & tested
    wape_den = np.where(valid, actual, 0.0).sum(axis=0)
    scale = _naive_scale(y, start)
    with np.errstate(invalid="ignore", divide="ignore"):
        chosen_mae = np.where(tested, mae[chosen, pick], np.nan)
        mase = chosen_mae / (lead * scale)
        wape = np.where(tested, abs_sum[chosen, pick], np.nan) / wape_den
        one_rmse = np.sqrt(np.where(np.isfinite(mse1[chosen, pick]), mse1[chosen, pick], np.nan))
    return Selection(
        candidate=chosen.astype(np.int64),
        forecast=future[chosen, :, pick],
        mae=chosen_mae,
        rmse=np.where(tested, np.sqrt(mse[chosen, pick]), np.nan),
        mase=np.where(np.isfinite(mase), mase, np.nan),
        wape=np.where(np.isfinite(wape), wape, np.nan),
        origins=np.where(tested, n_valid, 0).astype(np.int64),
        one_step_rmse=one_rmse,
        runner_up=np.where(has_runner, runner, -1).astype(np.int64),
        runner_up_mae=np.where(has_runner, mae[runner, pick], np.nan),
        candidates_tried=np.where(tested, np.isfinite(score).sum(axis=0), 0).astype(np.int64),
        yearback_forecast=yearback[chosen, pick],
        yearback_actual=(np.where(yb_valid, actual[at_yb[0]], np.nan) if at_yb.size
                         else np.full(c, np.nan)),
        recent_forecast=recent[chosen, pick],
        recent_actual=(np.where(r_valid, actual[at_r[0]], np.nan) if at_r.size
                       else np.full(c, np.nan)),
    )


def _trend_weight(season: FloatArray, lead: IntArray, origins: IntArray, phi: float,
                  h_max: int) -> FloatArray:
    """Σ_{h=1..H} Φ_h · s(o+h-1) for every origin and SKU: the trend's share of the total."""
    sums = _phi_sums(phi, h_max)
    out = np.zeros((origins.size, season.shape[1]))
    for step in range(1, h_max + 1):
        out += (sums[step - 1] * (step <= lead))[None, :] * season[origins + step - 1]
    return out


def _naive_scale(y: FloatArray, start: IntArray) -> FloatArray:
    """In-sample mean absolute one-period change since the SKU's start (the MASE scale)."""
    t = np.arange(1, y.shape[0])[:, None]
    inside = t > start[None, :]
    diff = np.where(inside, np.abs(np.diff(y, axis=0)), 0.0)
    count = inside.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        scale = diff.sum(axis=0) / count
    return np.where((count > 0) & (scale > 0), scale, np.nan)
