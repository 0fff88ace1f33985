"""The forecasting pipeline on a plain period matrix (no calendar): classify, seasonality, pick.

forecast_demand does the same on dated daily demand; this entry point serves data that comes
as periods already, such as the monthly M3 series in the accuracy benchmark.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from planner.engine.forecasting.backtest import WEEKLY, MethodGrid, Selection, select_and_forecast
from planner.engine.forecasting.classify import adi_cv2, pattern_codes
from planner.engine.forecasting.seasonality import yearly_profiles


@dataclass
class PeriodForecast:
    """Chosen method per series, its forecast and where its seasonality came from."""

    selection: Selection
    patterns: NDArray[np.int64]
    season_source: NDArray[np.int64]
    forecast: NDArray[np.float64]   # series x future period


def forecast_periods(history: NDArray[np.float64], *, lead_periods: NDArray[np.int64] | int,
                     forecast_periods: int, grid: MethodGrid = WEEKLY,
                     positions: NDArray[np.int64] | None = None,
                     groups: NDArray[np.int64] | None = None) -> PeriodForecast:
    """Forecast each row of ``history`` (series x period, NaN before a series starts).

    ``positions`` gives each period's place in the year (history then future periods; default
    period index mod season length, i.e. all series start at the same point of the year).
    """
    n, t_len = history.shape
    started = ~np.isnan(history)
    start = np.where(started.any(axis=1), started.argmax(axis=1), t_len).astype(np.int64)
    y = np.nan_to_num(history)
    lead = np.broadcast_to(np.asarray(lead_periods, dtype=np.int64), (n,)).copy()
    n_future = int(max(forecast_periods, lead.max() if n else 1)) + 1
    if positions is None:
        positions = np.arange(t_len + n_future) % grid.season_length
    codes = np.full(n, -1, dtype=np.int64) if groups is None else groups.astype(np.int64)
    n_groups = int(codes.max()) + 1 if n and codes.max() >= 0 else 0
    fit = yearly_profiles(y, start, positions[:t_len], grid.season_length, codes, n_groups)
    season = fit.profile[:, positions[:t_len + n_future]]
    adi, cv2 = adi_cv2(y, start, last_periods=2 * grid.season_length)
    patterns = pattern_codes(adi, cv2)
    selection = select_and_forecast(y, start, lead, season, patterns, n_future, grid)
    return PeriodForecast(selection, patterns, fit.source,
                          selection.forecast[:, :forecast_periods])
