"""Demand patterns by Syntetos-Boylan: average inter-demand interval (ADI) and CV² of sizes."""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

ADI_CUTOFF = 1.32
CV2_CUTOFF = 0.49
PATTERNS = ("smooth", "erratic", "intermittent", "lumpy")


def adi_cv2(history: NDArray[np.float64], start: NDArray[np.int64],
            last_periods: int = 104) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """ADI (periods per demand) and CV² of the non-zero demand sizes over recent history.

    ``history`` is SKU x period; periods before ``start`` do not count. ADI is infinite for
    a SKU without demand, CV² is NaN then (and 0 for a single demand).
    """
    n, t_len = history.shape
    first = np.maximum(start, t_len - last_periods)
    period = np.arange(t_len)[None, :]
    counted = period >= first[:, None]
    periods = counted.sum(axis=1)
    nonzero = counted & (history > 0)
    demands = nonzero.sum(axis=1)
    sizes = np.where(nonzero, history, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        adi = np.where(demands > 0, periods / np.maximum(demands, 1), np.inf)
        mean = sizes.sum(axis=1) / demands
        var = (np.where(nonzero, (history - mean[:, None]) ** 2, 0.0)).sum(axis=1) / demands
        cv2 = np.where(demands > 0, var / mean**2, np.nan)
    return adi.astype(float), cv2.astype(float)


def pattern_codes(adi: NDArray[np.float64], cv2: NDArray[np.float64]) -> NDArray[np.int64]:
    """0 smooth, 1 erratic, 2 intermittent, 3 lumpy (cut-offs 1.32 and 0.49)."""
    sparse = adi >= ADI_CUTOFF
    variable = np.nan_to_num(cv2, nan=0.0) >= CV2_CUTOFF
    return (2 * sparse + variable).astype(np.int64)


def classify_demand(weekly_demand: pd.DataFrame | ArrayLike, *,
                    last_periods: int = 104) -> pd.DataFrame:
    """Classify each row's demand as smooth / erratic / intermittent / lumpy.

    Rows are SKUs, columns periods (oldest first); NaN before a SKU's first sale. A 1-D input
    is one series. Returns columns adi, cv2, demand_class (index = the input's rows).
    """
    if isinstance(weekly_demand, pd.DataFrame):
        index = weekly_demand.index
        values = weekly_demand.to_numpy(dtype=float)
    else:
        values = np.asarray(weekly_demand, dtype=float)
        values = values[None, :] if values.ndim == 1 else values
        index = pd.RangeIndex(values.shape[0])
    started = ~np.isnan(values)
    start = np.where(started.any(axis=1), started.argmax(axis=1), values.shape[1])
    adi, cv2 = adi_cv2(np.nan_to_num(values), start.astype(np.int64), last_periods)
    names = np.array(PATTERNS, dtype=object)[pattern_codes(adi, cv2)]
    names = np.where(np.isinf(adi), "dead", names)
    return pd.DataFrame({"adi": adi, "cv2": cv2, "demand_class": names}, index=index)
