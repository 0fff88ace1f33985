"""The per-SKU record a buyer reads: which method, and one sentence on why."""

from __future__ import annotations

import numpy as np
import pandas as pd

from planner.engine.forecasting.backtest import WEEKLY, Candidate
from planner.engine.forecasting.seasonality import SOURCE_NAMES

_SEASON_CLAUSE = {
    0: "",
    1: "; yearly seasonality from its own history",
    2: "; yearly seasonality borrowed from its group",
    3: "; yearly seasonality from the whole catalog",
}


def _what(candidate: Candidate, seasonal: bool) -> str:
    label = candidate.label(seasonal)
    return f"{label} ({candidate.detail})" if candidate.detail else label


def _lower_first(text: str) -> str:
    """Lower-case a sentence's first word unless it is a name such as ETS(A,N,N) or SBA."""
    return text[0].lower() + text[1:] if text[1:2].islower() else text


def source_names(source: np.ndarray) -> np.ndarray:
    """Where each SKU's yearly seasonality came from: own / group / catalog / none."""
    return np.array(SOURCE_NAMES, dtype=object)[source]


def model_labels(sel: dict[str, np.ndarray], modelled: np.ndarray, young: np.ndarray,
                 has_sales: np.ndarray, seasonal: np.ndarray,
                 overridden_share: np.ndarray) -> np.ndarray:
    """forecast_model per SKU."""
    cands = WEEKLY.candidates
    labels = np.empty(len(modelled), dtype=object)
    for i in range(len(modelled)):
        if modelled[i]:
            labels[i] = cands[sel["candidate"][i]].label(bool(seasonal[i]))
        elif young[i] and has_sales[i]:
            labels[i] = "average since first sale" + (" × seasonal" if seasonal[i] else "")
        elif young[i]:
            labels[i] = "none (no sales yet)"
        else:
            labels[i] = "zero (no demand in 26 weeks)"
        if overridden_share[i] >= 0.999:
            labels[i] = "override"
        elif overridden_share[i] > 0:
            labels[i] = f"{labels[i]} + override"
    return labels


def _override_notes(overrides: pd.DataFrame | None, skus: pd.Index) -> dict[int, str]:
    if overrides is None or not len(overrides):
        return {}
    notes: dict[int, str] = {}
    rows = skus.get_indexer(overrides["sku"])
    for r, (_, o) in zip(rows, overrides.iterrows(), strict=True):
        if r < 0:
            continue
        start, end = o.get("start_date"), o.get("end_date")
        when = (f" from {pd.Timestamp(start).date()}" if pd.notna(start) else "") + (
            f" to {pd.Timestamp(end).date()}" if pd.notna(end) else "")
        notes[int(r)] = f"override of {float(o['demand_per_day']):g}/day{when}"
    return notes


def why_sentences(sel: dict[str, np.ndarray], modelled: np.ndarray, young: np.ndarray,
                  has_sales: np.ndarray, made_to_order: np.ndarray, history_days: np.ndarray,
                  lead_weeks: np.ndarray, source: np.ndarray, patterns: np.ndarray,
                  overridden_share: np.ndarray, overrides: pd.DataFrame | None,
                  skus: pd.Index) -> list[str]:
    """One sentence per SKU: why this method (or why none)."""
    cands = WEEKLY.candidates
    notes = _override_notes(overrides, skus)
    out: list[str] = []
    for i in range(len(modelled)):
        season = _SEASON_CLAUSE[int(source[i])]
        if modelled[i] and sel["origins"][i] > 0:
            chosen = cands[sel["candidate"][i]]
            mase = sel["mase"][i]
            error = f"MASE {mase:.2f}" if np.isfinite(mase) else f"MAE {sel['mae'][i]:.3g}"
            what = _what(chosen, source[i] > 0)
            if sel["runner_up"][i] >= 0:
                rival = cands[sel["runner_up"][i]].label(source[i] > 0)
                others = max(int(sel["candidates_tried"][i]) - 2, 0)
                text = (f"{what} beat {rival} and {others} other candidates on the "
                        f"{lead_weeks[i]}-week lead-time total over {sel['origins'][i]} rolling "
                        f"origins ({error}){season}")
            else:
                text = (f"{what} was the best of the candidates on the {lead_weeks[i]}-week "
                        f"lead-time total over {sel['origins'][i]} rolling origins ({error})"
                        f"{season}")
        elif modelled[i]:
            chosen = cands[sel["candidate"][i]]
            text = (f"{history_days[i]} days of history is too short to backtest a "
                    f"{lead_weeks[i]}-week lead time, so {_what(chosen, source[i] > 0)}, "
                    f"the default for {patterns[i]} demand{season}")
        elif young[i] and has_sales[i]:
            text = (f"Only {history_days[i]} days of sales: the average rate since the first "
                    f"sale{season}")
        elif young[i]:
            text = "No sales yet: forecast 0 until sales come in or an override is entered"
        else:
            text = "No demand in the last 26 weeks: forecast 0"
        if made_to_order[i]:
            text = "Made to order; " + _lower_first(text)
        if overridden_share[i] > 0 and i in notes:
            share = overridden_share[i]
            scope = ("all" if share >= 0.999 else f"{share:.0%}")
            text = (f"{notes[i][0].upper()}{notes[i][1:]} replaces the statistical forecast for "
                    f"{scope} of the lead time + review (statistically: {_lower_first(text)})")
        elif i in notes:
            text += f"; {notes[i]} applies later in the horizon"
        out.append(text[0].upper() + text[1:] + ".")
    return out
