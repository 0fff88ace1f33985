"""A catalog of SKUs whose true demand process is known, run through the whole forecast chain.

Each kind's daily demand is drawn from a process we know (Poisson, normal, intermittent,
a rising trend, a true yearly season, a pause that ended, a real retirement). Its history
is forecast by ``forecast_demand`` as a plan does (lead time 21 days, weekly review), the
policy is set by ``inventory_policy`` for a 95 % cycle service level, and the first
replenishment cycle after as-of is simulated on fresh draws from the TRUE process, lead time
drawn per order: an order placed at as-of brings the position up to the order-up-to level S;
the cycle is served when demand over the lead time + review period stays within S.

Used by tests/engine/test_known_truth.py (small) and bench/bench_known_truth.py (large).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from planner.engine.forecast import forecast_demand
from planner.engine.policy import inventory_policy

AS_OF = dt.date(2025, 10, 31)
HISTORY_DAYS = 730
LEAD_MEAN, LEAD_STD, REVIEW = 21.0, 4.0, 7
TARGET = 0.95
#: kind: SKUs in the small catalog (40 in all)
KINDS = {"poisson50": 4, "poisson2": 4, "normal": 6, "intermittent": 6, "trend": 6,
         "seasonal": 6, "pause": 4, "retiring": 4}


@dataclass
class Catalog:
    skus: list[str]
    kind: np.ndarray            # per SKU
    rate: np.ndarray            # SKU x day: true mean per day, history then the future
    params: np.ndarray          # per SKU: the kind's scale (its true base rate)
    daily: pd.DataFrame         # sku, date, quantity: the history
    days: pd.DatetimeIndex      # history then future days


FUTURE_DAYS = 120


def true_rate(kind: str, base: float, t: np.ndarray, doy: np.ndarray) -> np.ndarray:
    """True mean demand per day on day offsets t (0 = the first history day)."""
    end = HISTORY_DAYS
    if kind == "trend":      # from base to 3 x base over the two years, rising on
        return base * (1.0 + 2.0 * t / end)
    if kind == "seasonal":   # a yearly wave, peak in early winter
        return base * (1.0 + 0.7 * np.cos(2 * np.pi * (doy - 330) / 365.25))
    if kind == "retiring":   # sold at base until 20 weeks ago, then fades to ~5 % of it
        fade = np.clip((t - (end - 140)) / 140.0, 0.0, None)
        return base * np.exp(-3.0 * fade)
    return np.full(t.shape, float(base))


def draw(kind: str, rate: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Daily units from the kind's process (rows of ``rate`` are independent series)."""
    if kind == "normal":
        return np.maximum(np.round(rng.normal(rate, 0.3 * rate)), 0.0)
    if kind == "intermittent":   # demand on 30 % of days, 1 + Poisson(size - 1) units
        size = rate / 0.3
        units = 1.0 + rng.poisson(np.maximum(size - 1.0, 0.0))
        return np.where(rng.random(rate.shape) < 0.3, units, 0.0)
    return rng.poisson(rate).astype(float)


def _base(kind: str, rng: np.random.Generator) -> float:
    return {"poisson50": 50.0, "poisson2": 2.0, "normal": float(rng.uniform(10, 30)),
            "intermittent": 1.5, "trend": float(rng.uniform(3, 8)),
            "seasonal": float(rng.uniform(5, 20)), "pause": float(rng.uniform(5, 15)),
            "retiring": float(rng.uniform(5, 15))}[kind]


def make_catalog(kinds: dict[str, int] = KINDS, seed: int = 24) -> Catalog:
    """Draw every SKU's true rate and its two years of history."""
    rng = np.random.default_rng(seed)
    days = pd.date_range(end=pd.Timestamp(AS_OF), periods=HISTORY_DAYS).append(
        pd.date_range(pd.Timestamp(AS_OF) + pd.Timedelta(days=1), periods=FUTURE_DAYS))
    t = np.arange(len(days), dtype=float)
    doy = days.day_of_year.to_numpy()
    skus, kind, rates, params, sold = [], [], [], [], []
    for name, count in kinds.items():
        for j in range(count):
            base = _base(name, rng)
            rate = true_rate(name, base, t, doy)
            history = draw(name, rate[None, :HISTORY_DAYS], rng)[0]
            if name == "pause":   # six weeks with no sales that ended eight weeks ago
                history[HISTORY_DAYS - 98:HISTORY_DAYS - 56] = 0.0
            skus.append(f"{name}-{j}")
            kind.append(name)
            rates.append(rate)
            params.append(base)
            sold.append(history)
    sold_arr = np.array(sold)
    r, c = np.nonzero(sold_arr)
    daily = pd.DataFrame({"sku": np.array(skus)[r], "date": days[c], "quantity": sold_arr[r, c]})
    return Catalog(skus, np.array(kind), np.array(rates), np.array(params), daily, days)


def plan(catalog: Catalog, **forecast_options: object) -> pd.DataFrame:
    """Forecast (as a plan does) and set the policy for a 95 % cycle service level."""
    skus = catalog.skus
    lead = pd.Series(LEAD_MEAN, index=skus)
    result = forecast_demand(catalog.daily, as_of=AS_OF, horizon_days=FUTURE_DAYS, skus=skus,
                             lead_time_days=lead, review_period_days=REVIEW,
                             **forecast_options)  # type: ignore[arg-type]
    models = result.models.reindex(skus)
    hist = catalog.daily[catalog.daily["date"] > pd.Timestamp(AS_OF) - pd.Timedelta(days=365)]
    share = (hist.groupby("sku")["date"].nunique() / 365.0).reindex(skus).fillna(0.0)
    policy = inventory_policy(
        demand_per_day=models["demand_per_day"].to_numpy(float),
        demand_std_per_day=models["demand_std_per_day"].to_numpy(float),
        lead_time_days=np.full(len(skus), LEAD_MEAN),
        lead_time_std_days=np.full(len(skus), LEAD_STD), review_period_days=REVIEW,
        service_level=TARGET, service_level_type="cycle",
        demand_class=models["demand_class"].to_numpy(object),
        demand_days_share=share.to_numpy(float))
    policy.index = pd.Index(skus, name="sku")
    out = models.join(policy[["order_up_to", "reorder_point", "safety_stock"]])
    out["kind"] = catalog.kind
    out["true_base"] = catalog.params
    first = HISTORY_DAYS
    out["true_lead_rate"] = catalog.rate[:, first:first + int(LEAD_MEAN) + REVIEW].mean(axis=1)
    out["next_13_weeks"] = result.daily.reindex(skus).iloc[:, :91].sum(axis=1).to_numpy()
    return out


def lead_pmf() -> tuple[np.ndarray, np.ndarray]:
    days = np.arange(1, int(LEAD_MEAN + 6 * LEAD_STD) + 2)
    w = np.exp(-0.5 * ((days - LEAD_MEAN) / LEAD_STD) ** 2)
    return days, w / w.sum()


def simulate(catalog: Catalog, order_up_to: np.ndarray, replications: int = 2000,
             seed: int = 7) -> pd.DataFrame:
    """Per SKU: the achieved cycle service level and fill rate of the first cycle after as-of.

    The order placed at as-of lands after L days (L drawn per replication); the next review's
    order lands R days later; the cycle is served when demand over L + R is within S. Fill rate:
    1 - E[(D_{L+R} - S)+ - (D_L - S)+] / E[D_R].
    """
    rng = np.random.default_rng(seed)
    lead_days, w = lead_pmf()
    horizon = int(lead_days.max()) + REVIEW
    n = len(catalog.skus)
    lead = rng.choice(lead_days, size=replications, p=w)
    cycle, fill = np.zeros(n), np.zeros(n)
    steps = np.arange(horizon)[None, :]
    for i in range(n):
        rate = np.broadcast_to(catalog.rate[i, HISTORY_DAYS:HISTORY_DAYS + horizon],
                               (replications, horizon))
        demand = draw(str(catalog.kind[i]), np.array(rate), rng)
        cum = np.cumsum(demand, axis=1)
        rows = np.arange(replications)
        d_lr = cum[rows, lead + REVIEW - 1]
        d_l = cum[rows, lead - 1]
        s = order_up_to[i]
        cycle[i] = np.mean(d_lr <= s)
        short = np.maximum(d_lr - s, 0) - np.maximum(d_l - s, 0)
        served_in = np.where((steps >= lead[:, None]) & (steps < (lead + REVIEW)[:, None]),
                             demand, 0.0).sum(axis=1)
        fill[i] = 1.0 - short.sum() / max(served_in.sum(), 1e-9)
    return pd.DataFrame({"sku": catalog.skus, "kind": catalog.kind, "cycle_service": cycle,
                         "fill_rate": fill}).set_index("sku")


def by_kind(achieved: pd.DataFrame) -> pd.DataFrame:
    """Average achieved cycle service level and fill rate per kind."""
    return achieved.groupby("kind", sort=False)[["cycle_service", "fill_rate"]].mean()
