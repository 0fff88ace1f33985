"""Inventory policy per SKU: safety stock, reorder point and order-up-to level.

All functions are vectorised over SKUs (numpy arrays or pandas Series aligned by position).

The policy (one rule for continuous and periodic review):

- The buyer reviews every ``R = review_period_days`` (``R = 0``: continuous review, every day).
- The *protection interval* is ``P = L + R`` days: an order placed now must carry the SKU until the
  order placed at the next review arrives. Lead-time demand over ``P`` has
  mean ``d·P`` and variance ``P·σ_d² + d²·σ_L²`` (demand *and* lead-time variability).
- ``safety_stock`` SS = the protection level minus ``d·P``: ``z·σ_P`` for a cycle service target,
  ``k·σ_P`` from the normal loss function for a fill-rate target, or a count-data quantile minus
  the mean for slow and intermittent items.
- ``order_up_to`` S = ``d·(L+R) + SS``: at a review that orders, the order brings the inventory
  position up to S.
- ``reorder_point`` s = ``d·L + SS`` = S − d·R: the level at which an order placed now arrives just
  as stock falls to safety stock. At a review the buyer orders when the position *expected at the
  next review* (position − demand over the next R days) is at or below s, i.e. when waiting for
  the next review would be too late. For flat demand that is "position ≤ S" (a base-stock rule
  at each review); for continuous review (R = 0) s = S and the rule is plain "position ≤ s".
- ``order_quantity`` Q given (e.g. an EOQ lot): S = s + max(Q, d·R), the (s, S) rule with lot Q.

Cycle service (probability of no stockout in a replenishment cycle, from one receipt to the
next) takes the service-level quantile of demand over P. An order is only placed after demand, so
the R days (one day for continuous review) before the order that ends a cycle are known to hold
demand: the quantile is taken of demand over P *given* demand in those days. That matters for
intermittent items only; ``demand_days_share`` (the share of days with any demand) drives it.

Fill rate (share of demand served from stock) chooses the level whose expected shortage per cycle
equals ``(1 − β)·Q``, with Q = d·max(R, 1) by default (one review period of demand). The expected
shortage per cycle is the two-term loss ``E(D_P − S)⁺ − E(D_{P−c} − S)⁺`` (c = max(R, 1) days;
the second term is shortage that already existed when the cycle began), or
``E(D_P − S)⁺ − E(D_P − S − Q)⁺`` when Q is given; with the normal it is σ·G(k), G the normal
loss function, solved for k by bisection.

Smooth items use the normal. Erratic, intermittent, lumpy and slow items (mean demand over P
below 20 units, or no spread known) use a count distribution fitted by moments (negative binomial
when variance > mean, else Poisson) and whole-unit levels: skewed demand under-covers with the
normal (tests/engine/test_simulation.py measures both).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

#: demand classes that use a count-data lead-time demand distribution
COUNT_CLASSES = frozenset({"intermittent", "lumpy", "slow", "erratic"})

#: mean lead-time demand below which the normal approximation is not trusted
COUNT_BELOW_MEAN_UNITS = 20.0

POLICY_COLUMNS = ["safety_stock", "reorder_point", "order_up_to", "lead_time_demand_mean",
                  "lead_time_demand_std", "z", "distribution", "service_level",
                  "protection_days"]


def normal_loss(z: Any) -> np.ndarray:
    """Standard normal loss G(z) = φ(z) − z·(1 − Φ(z)): expected shortage per unit σ."""
    z = np.asarray(z, dtype=float)
    return stats.norm.pdf(z) - z * stats.norm.sf(z)


def _expected_shortage_normal(level: np.ndarray, mean: np.ndarray, std: np.ndarray) -> np.ndarray:
    """E(D − level)⁺ for D ~ Normal(mean, std); std 0 means D = mean."""
    safe = np.where(std > 0, std, 1.0)
    spread = safe * normal_loss((level - mean) / safe)
    return np.where(std > 0, spread, np.maximum(mean - level, 0.0))


# ---------------------------------------------------------------- count-data lead-time demand

def _count_params(mean: np.ndarray, var: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Negative binomial (r, p) by moments where variance > mean; Poisson elsewhere."""
    nb = var > mean * (1 + 1e-9)
    excess = np.where(nb, var - mean, 1.0)
    r = np.where(nb, mean**2 / excess, np.inf)
    r = np.where(nb & (r <= 0), 1e-9, r)
    p = np.where(nb, mean / np.where(nb, var, 1.0), 1.0)
    return nb, r, p


def _count_cdf(x: np.ndarray, mean: np.ndarray, nb: np.ndarray, r: np.ndarray,
               p: np.ndarray) -> np.ndarray:
    x = np.floor(x)
    pois = stats.poisson.cdf(x, np.maximum(mean, 0.0))
    nbin = stats.nbinom.cdf(x, np.where(nb, r, 1.0), np.where(nb, p, 0.5))
    return np.where(x < 0, 0.0, np.where(nb, nbin, pois))


def _count_partial_mean_cdf(x: np.ndarray, mean: np.ndarray, nb: np.ndarray, r: np.ndarray,
                            p: np.ndarray) -> np.ndarray:
    """E[D·1{D ≤ x}] / mean: the cdf at x − 1 of the size-biased distribution."""
    y = np.floor(x) - 1
    pois = stats.poisson.cdf(y, np.maximum(mean, 0.0))
    nbin = stats.nbinom.cdf(y, np.where(nb, r + 1, 1.0), np.where(nb, p, 0.5))
    return np.where(y < 0, 0.0, np.where(nb, nbin, pois))


def _expected_shortage_count(level: np.ndarray, mean: np.ndarray, var: np.ndarray) -> np.ndarray:
    """E(D − level)⁺ for a moment-fitted count distribution and integer level ≥ 0."""
    nb, r, p = _count_params(mean, var)
    level = np.maximum(np.floor(level), 0.0)
    below = level * _count_cdf(level, mean, nb, r, p) - mean * _count_partial_mean_cdf(
        level, mean, nb, r, p)
    return np.maximum(mean - level + below, 0.0)


def _count_quantile(prob: np.ndarray, mean: np.ndarray, var: np.ndarray) -> np.ndarray:
    nb, r, p = _count_params(mean, var)
    pois = stats.poisson.ppf(prob, np.maximum(mean, 0.0))
    nbin = stats.nbinom.ppf(prob, np.where(nb, r, 1.0), np.where(nb, p, 0.5))
    return np.where(mean > 0, np.where(nb, nbin, pois), 0.0)


# ---------------------------------------------------------------- solving for the level

def _bisect_level(shortage_at: Any, target: np.ndarray, low: np.ndarray, high: np.ndarray,
                  *, integer: bool, steps: int = 60) -> np.ndarray:
    """Smallest level in [low, high] whose expected shortage per cycle is ≤ target."""
    low = low.astype(float).copy()
    high = high.astype(float).copy()
    if integer:
        low, high = np.floor(low) - 1, np.ceil(high)
    for _ in range(steps):
        if integer:
            if np.all(high - low <= 1):
                break
            mid = np.floor((low + high) / 2)
        else:
            mid = (low + high) / 2
        ok = shortage_at(mid) <= target
        high = np.where(ok, mid, high)
        low = np.where(ok, low, mid)
    return high


def _as_array(value: Any, n: int, dtype: Any = float) -> np.ndarray:
    if value is None:
        return np.full(n, np.nan)
    array = np.asarray(value.to_numpy() if isinstance(value, pd.Series) else value, dtype=dtype)
    return np.broadcast_to(array, (n,)).copy() if array.ndim == 0 else array.astype(dtype)


@dataclass
class _Demand:
    """Moments of demand over the protection interval and its parts (one entry per SKU)."""

    mean: np.ndarray        # over P = L + R
    var: np.ndarray
    mean_before: np.ndarray  # over the first P − c days (shortage carried into the cycle)
    var_before: np.ndarray
    mean_cycle: np.ndarray  # over P, given demand in the c days that triggered the order
    var_cycle: np.ndarray


def estimated_demand_days_share(demand_per_day: Any, demand_std_per_day: Any) -> np.ndarray:
    """Share of days with any demand, guessed from moments (compound Poisson, geometric sizes)."""
    d = np.maximum(np.nan_to_num(np.asarray(demand_per_day, dtype=float)), 0.0)
    std = np.asarray(demand_std_per_day, dtype=float)
    var = np.where(np.isnan(std), d, np.nan_to_num(std) ** 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        size = np.maximum((np.where(d > 0, var / d, 1.0) + 1.0) / 2.0, 1.0)
    return np.where(d > 0, 1.0 - np.exp(-d / size), 0.0)


def _demand_moments(d: np.ndarray, var_d: np.ndarray, lead: np.ndarray, lead_std: np.ndarray,
                    review: int, share: np.ndarray) -> _Demand:
    cycle_days = max(review, 1)
    protection = lead + review
    lead_var = d**2 * lead_std**2
    before = np.maximum(protection - cycle_days, 0.0)
    # An order is only placed after demand: the c days before it hold at least one demand day.
    first_days = np.minimum(cycle_days, protection)
    triggered = np.clip(1.0 - (1.0 - share) ** first_days, 1e-9, 1.0)
    first_mean = d * first_days / triggered
    first_var = np.maximum((first_days * var_d + (d * first_days) ** 2) / triggered
                           - first_mean**2, 0.0)
    rest = protection - first_days
    return _Demand(
        mean=d * protection, var=protection * var_d + lead_var,
        mean_before=d * before, var_before=before * var_d + np.where(before > 0, lead_var, 0.0),
        mean_cycle=first_mean + d * rest, var_cycle=first_var + rest * var_d + lead_var)


def _normal_cycle_level(demand: _Demand, target: np.ndarray) -> np.ndarray:
    """Cycle-service protection level from normal lead-time demand."""
    return demand.mean_cycle + stats.norm.ppf(target) * np.sqrt(demand.var_cycle)


def _normal_fill_level(demand: _Demand, target: np.ndarray, q: np.ndarray,
                       given_q: bool) -> np.ndarray:
    """Fill-rate protection level from normal lead-time demand (normal loss function)."""
    std = np.sqrt(demand.var)

    def shortage(x: np.ndarray) -> np.ndarray:
        carried = (_expected_shortage_normal(x + q, demand.mean, std) if given_q
                   else _expected_shortage_normal(x, demand.mean_before,
                                                  np.sqrt(demand.var_before)))
        return _expected_shortage_normal(x, demand.mean, std) - carried

    return _bisect_level(shortage, (1.0 - target) * q, demand.mean - 6 * std,
                         demand.mean + 8 * std + 1, integer=False)


def _count_cycle_level(demand: _Demand, target: np.ndarray) -> np.ndarray:
    """Cycle-service protection level from a moment-fitted negative binomial or Poisson."""
    return _count_quantile(target, demand.mean_cycle,
                           np.maximum(demand.var_cycle, demand.mean_cycle))


def _count_fill_level(demand: _Demand, target: np.ndarray, q: np.ndarray,
                      given_q: bool) -> np.ndarray:
    """Smallest whole-unit level meeting the fill rate, by the discrete loss function."""
    m, v = demand.mean, demand.var

    def shortage(x: np.ndarray) -> np.ndarray:
        carried = (_expected_shortage_count(x + q, m, v) if given_q
                   else _expected_shortage_count(x, demand.mean_before,
                                                 np.maximum(demand.var_before,
                                                            demand.mean_before)))
        return _expected_shortage_count(x, m, v) - carried

    top = _count_quantile(np.full(m.size, 1 - 1e-7), m, v) + 1
    return _bisect_level(shortage, (1.0 - target) * q, np.zeros(m.size), top, integer=True)


def _take(demand: _Demand, idx: np.ndarray) -> _Demand:
    return _Demand(*(getattr(demand, f.name)[idx] for f in fields(_Demand)))


def expected_order_quantity(demand_per_day: Any, cycle_days: Any, moq: Any = 0,
                            case_pack: Any = 1) -> np.ndarray:
    """The lot an order will really be: the demand of one order cycle, at least the MOQ,
    rounded up to whole case packs."""
    d = np.maximum(np.nan_to_num(np.asarray(demand_per_day, dtype=float)), 0.0)
    cycle = np.maximum(np.nan_to_num(np.asarray(cycle_days, dtype=float)), 1.0)
    lot = np.maximum(d * cycle, np.nan_to_num(np.asarray(moq, dtype=float)))
    pack = np.maximum(np.nan_to_num(np.asarray(case_pack, dtype=float), nan=1.0), 1.0)
    return np.where(pack > 1, np.ceil(lot / pack - 1e-9) * pack, lot)


def inventory_policy(*, demand_per_day: Any, demand_std_per_day: Any, lead_time_days: Any,
                     lead_time_std_days: Any, review_period_days: int, service_level: Any,
                     service_level_type: Any, order_quantity: Any = None,
                     demand_class: Any = None, demand_days_share: Any = None,
                     count_below_mean_units: float = COUNT_BELOW_MEAN_UNITS,
                     expected_lot_units: Any = None) -> pd.DataFrame:
    """Safety stock, reorder point and order-up-to level per SKU (rows in input order).

    ``service_level_type`` is "cycle" or "fill_rate" (one value or one per SKU).
    ``demand_days_share`` is the share of days with any demand (from history; estimated from
    the moments when not given). Lead-time demand columns describe the protection interval
    L + R (the lead time for continuous review). ``expected_lot_units`` is the quantity an
    order will really be (MOQ, case pack, the supplier's order cycle): where it is larger than
    one review period of demand, the fill-rate level is set for that lot (each cycle then serves
    a whole lot, so the same shortage is a smaller share of demand).
    """
    d = np.nan_to_num(_as_array(demand_per_day, np.size(demand_per_day)), nan=0.0)
    n = d.size
    d = np.maximum(d, 0.0)
    std_d = _as_array(demand_std_per_day, n)
    lead = np.maximum(np.nan_to_num(_as_array(lead_time_days, n), nan=0.0), 0.0)
    lead_std = np.maximum(np.nan_to_num(_as_array(lead_time_std_days, n), nan=0.0), 0.0)
    review = max(int(review_period_days), 0)
    target = np.clip(np.nan_to_num(_as_array(service_level, n), nan=0.95), 0.0, 0.999999)
    kind = np.broadcast_to(np.asarray(service_level_type, dtype=object), (n,))
    bad = ~np.isin(kind, ["cycle", "fill_rate"])
    if bad.any():
        raise ValueError(f"service_level_type must be 'cycle' or 'fill_rate', not {kind[bad][0]!r}")
    fill = kind == "fill_rate"
    classes = (np.broadcast_to(np.asarray(demand_class, dtype=object), (n,))
               if demand_class is not None else np.full(n, "", dtype=object))
    share = _as_array(demand_days_share, n)
    share = np.clip(np.where(np.isnan(share), estimated_demand_days_share(d, std_d), share),
                    0.0, 1.0)

    # A missing spread is read as Poisson-like (variance = mean).
    var_d = np.where(np.isnan(std_d), d, np.nan_to_num(std_d) ** 2)
    demand = _demand_moments(d, var_d, lead, lead_std, review, share)
    given_q = order_quantity is not None
    if given_q:  # a fixed lot: the cycle is judged on plain lead-time demand over P
        demand.mean_cycle, demand.var_cycle = demand.mean, demand.var
    cycle_units = d * max(review, 1)
    q = _as_array(order_quantity, n) if given_q else cycle_units
    q = np.where(np.isnan(q), cycle_units, np.maximum(q, 0.0))
    real_lot = np.zeros(n, dtype=bool)
    if expected_lot_units is not None and not given_q:
        lot_units = np.nan_to_num(_as_array(expected_lot_units, n), nan=0.0)
        real_lot = fill & (lot_units > cycle_units * (1 + 1e-9))
        q = np.where(real_lot, lot_units, q)

    counted = (np.isin(classes, list(COUNT_CLASSES)) | (demand.mean < count_below_mean_units)
               | np.isnan(std_d)) & (d > 0)
    normal = (d > 0) & ~counted
    level = np.zeros(n)
    for mask, cycle_level, fill_level in ((normal, _normal_cycle_level, _normal_fill_level),
                                          (counted, _count_cycle_level, _count_fill_level)):
        for by_fill, lot in ((False, False), (True, False), (True, True)):
            idx = np.flatnonzero(mask & (fill == by_fill) & (real_lot == lot))
            if idx.size == 0:
                continue
            part = _take(demand, idx)
            level[idx] = (fill_level(part, target[idx], q[idx], given_q or lot) if by_fill
                          else cycle_level(part, target[idx]))

    std_p = np.sqrt(demand.var)
    safety = np.where(d > 0, np.maximum(level - demand.mean, 0.0), 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(normal, safety / np.where(std_p > 0, std_p, np.nan), np.nan)
    protect = demand.mean + safety
    reorder_point = np.where(d > 0, protect - d * review, 0.0)
    lot = np.maximum(q, d * review) if given_q else d * review
    order_up_to = np.where(d > 0, reorder_point + lot, 0.0)
    nb = demand.var > demand.mean * (1 + 1e-9)
    distribution = np.where(normal, "normal",
                            np.where(counted & nb, "negative binomial", "poisson"))
    return pd.DataFrame({
        "safety_stock": safety,
        "reorder_point": reorder_point,
        "order_up_to": order_up_to,
        "lead_time_demand_mean": demand.mean,
        "lead_time_demand_std": std_p,
        "z": z,
        "distribution": distribution,
        "service_level": target,
        "protection_days": lead + review,
    })
