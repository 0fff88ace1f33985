"""Customer order lines for the demo: daily rates with seasons and trends, grouped into orders."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from planner.demo.catalog import BULK, FLAT, GIFT, HOLIDAY, SUMMER, WINTER

SHOPIFY, AMAZON, WHOLESALE = range(3)
CHANNELS = np.array(["shopify", "amazon", "wholesale"], dtype=object)
#: Demand by weekday, Monday first: a DTC brand sells most at the weekend.
WEEKDAY_FACTOR = np.array([1.0, 0.88, 0.86, 0.86, 0.9, 1.2, 1.3])
#: Units per retail order line by quantity kind: values and their probabilities.
_QTY_VALUES = np.array([[1, 2, 3, 4, 6], [1, 2, 3, 4, 6], [1, 2, 4, 6, 8], [1, 2, 3, 4, 6]])
_QTY_PROBS = np.array([[.74, .16, .06, .025, .015], [.55, .25, .10, .06, .04],
                       [.35, .25, .25, .10, .05], [.74, .16, .06, .025, .015]])
#: Chance that an order line starts a new order (else it joins the previous line's order).
_NEW_ORDER_P = np.array([0.72, 0.9, 0.4])
_CHUNK_SKUS = 1000


@dataclass
class OrderLines:
    """Order lines as parallel arrays, sorted by order (and so by day)."""

    day: np.ndarray  # day index, 0 = first day of history
    sku: np.ndarray  # row in the catalogue
    quantity: np.ndarray
    unit_price: np.ndarray
    channel: np.ndarray
    order: np.ndarray  # order number, increasing with day
    order_ids: np.ndarray  # text order id per order number

    def __len__(self) -> int:
        return len(self.day)


def _black_friday_days(dates: pd.DatetimeIndex) -> np.ndarray:
    """True from Black Friday to Cyber Monday."""
    mask = np.zeros(len(dates), dtype=bool)
    for year in range(dates[0].year, dates[-1].year + 1):
        nov1 = dt.date(year, 11, 1)
        thanksgiving = nov1 + dt.timedelta(days=(3 - nov1.weekday()) % 7 + 21)
        friday = pd.Timestamp(thanksgiving + dt.timedelta(days=1))
        mask |= (dates >= friday) & (dates <= friday + pd.Timedelta(days=3))
    return mask


def _around(doy: np.ndarray, peak: float, width: float) -> np.ndarray:
    distance = (doy - peak + 182.5) % 365.25 - 182.5
    return np.exp(-0.5 * (distance / width) ** 2)


def season_profiles(dates: pd.DatetimeIndex) -> np.ndarray:
    """Yearly bumps per season kind (rows FLAT .. HOLIDAY), one column per day."""
    doy = dates.day_of_year.to_numpy().astype(float)
    bf = _black_friday_days(dates)
    profiles = np.zeros((5, len(dates)))
    profiles[GIFT] = _around(doy, 350, 16) + 0.7 * bf
    profiles[SUMMER] = _around(doy, 196, 38) - 0.25 * _around(doy, 15, 40)
    profiles[WINTER] = _around(doy, 345, 45) - 0.2 * _around(doy, 190, 40)
    profiles[HOLIDAY] = _around(doy, 345, 20) + 0.5 * bf
    profiles[FLAT] = 0.0
    return profiles


def _shared_day_factor(dates: pd.DatetimeIndex, rng: np.random.Generator) -> np.ndarray:
    """What moves every SKU on a day: weekday, Black Friday, email campaigns, the January lull."""
    n = len(dates)
    factor = WEEKDAY_FACTOR[dates.day_of_week.to_numpy()] * rng.lognormal(0.0, 0.1, n)
    campaign = (np.arange(n) % 14 == rng.integers(0, 14)) & (dates.day_of_week.to_numpy() < 5)
    factor *= 1 + 0.5 * campaign + 0.5 * _black_friday_days(dates)
    factor *= 1 - 0.15 * _around(dates.day_of_year.to_numpy().astype(float), 20, 12)
    return factor


def daily_rates(catalog: pd.DataFrame, dates: pd.DatetimeIndex, rows: slice,
                shared: np.ndarray, profiles: np.ndarray) -> np.ndarray:
    """Expected order lines per SKU (rows of the catalogue slice) and day."""
    part = catalog.iloc[rows]
    days = len(dates)
    t = np.arange(days)
    years_to_as_of = (t - (days - 1)) / 365.25
    season = profiles[part["season"].to_numpy()]
    amp = part["season_amp"].to_numpy()[:, None]
    holiday = (part["season"].to_numpy() == HOLIDAY)[:, None]
    season_factor = np.where(holiday, 0.04 + 1.3 * season, 1 + amp * season)
    rate = part["lines_per_day"].to_numpy()[:, None] * season_factor * shared
    rate *= np.exp(part["trend_per_year"].to_numpy()[:, None] * years_to_as_of)
    launch = part["launch_day"].to_numpy()[:, None]
    since_launch = t - launch
    rate *= 1 + part["spike"].to_numpy()[:, None] * np.exp(-np.clip(since_launch, 0, None) / 12)
    rate *= (since_launch >= 0) & (t <= part["end_day"].to_numpy()[:, None])
    lumpy = (part["qty_kind"].to_numpy() == BULK)[:, None]
    # Wholesale-only SKUs order on weekdays, without the shop's weekend swing.
    weekday = (dates.day_of_week.to_numpy() < 5) * 1.4
    return np.where(lumpy, rate / np.maximum(shared, 1e-9) * weekday, rate)


def _line_days_and_skus(catalog: pd.DataFrame, dates: pd.DatetimeIndex,
                        rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    shared = _shared_day_factor(dates, rng)
    profiles = season_profiles(dates)
    days_parts, sku_parts = [], []
    for first in range(0, len(catalog), _CHUNK_SKUS):
        rows = slice(first, min(first + _CHUNK_SKUS, len(catalog)))
        rate = daily_rates(catalog, dates, rows, shared, profiles)
        rate *= rng.gamma(4.0, 0.25, rate.shape)  # day-to-day noise beyond Poisson
        counts = rng.poisson(rate).astype(np.int32)
        sku_idx, day_idx = np.nonzero(counts)
        reps = counts[sku_idx, day_idx]
        days_parts.append(np.repeat(day_idx.astype(np.int32), reps))
        sku_parts.append(np.repeat((sku_idx + first).astype(np.int32), reps))
    return np.concatenate(days_parts), np.concatenate(sku_parts)


def _quantities(catalog: pd.DataFrame, sku: np.ndarray, channel: np.ndarray,
                rng: np.random.Generator) -> np.ndarray:
    kind = catalog["qty_kind"].to_numpy()[sku]
    u = rng.random(len(sku))
    pick = (u[:, None] > np.cumsum(_QTY_PROBS, axis=1)[kind][:, :-1]).sum(axis=1)
    qty = _QTY_VALUES[kind, pick]
    pack = catalog["wholesale_pack"].to_numpy()[sku]
    lumpy = kind == BULK
    cases = np.where(lumpy, rng.integers(2, 13, len(sku)), rng.integers(1, 4, len(sku)))
    return np.where(channel == WHOLESALE, pack * cases, qty).astype(np.int64)


def _prices(catalog: pd.DataFrame, sku: np.ndarray, day: np.ndarray, channel: np.ndarray,
            dates: pd.DatetimeIndex, rng: np.random.Generator) -> np.ndarray:
    price = catalog["unit_price"].to_numpy(dtype=float)[sku]
    bf = _black_friday_days(dates)[day]
    shop = channel == SHOPIFY
    factor = np.where(channel == WHOLESALE, 0.5, 1.0)
    factor = np.where(shop & bf, 0.8, factor)  # Black Friday sale
    factor = np.where(shop & ~bf & (rng.random(len(sku)) < 0.07), 0.9, factor)  # WELCOME10
    return np.round(price * factor, 2)


def _order_ids(order_channel: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Shopify's #10234, Amazon's 113-1234567-1234567 and wholesale W-5001, numbered by date."""
    ids = np.empty(len(order_channel), dtype=object)
    for channel in (SHOPIFY, AMAZON, WHOLESALE):
        where = np.nonzero(order_channel == channel)[0]
        rank = np.arange(len(where))
        if channel == SHOPIFY:
            ids[where] = [f"#{10001 + k}" for k in rank.tolist()]
        elif channel == AMAZON:
            middle = (rank * 7919 + 1234567) % 10_000_000
            tail = rng.integers(0, 10_000_000, len(rank))
            prefix = 111 + rank % 4
            ids[where] = [f"{p}-{m:07d}-{t:07d}" for p, m, t in
                          zip(prefix.tolist(), middle.tolist(), tail.tolist(), strict=True)]
        else:
            ids[where] = [f"W-{5001 + k}" for k in rank.tolist()]
    return ids


def generate_order_lines(catalog: pd.DataFrame, dates: pd.DatetimeIndex,
                         rng: np.random.Generator) -> OrderLines:
    """Every customer order line of the history, grouped into multi-line orders."""
    day, sku = _line_days_and_skus(catalog, dates, rng)
    n = len(day)
    weekday = dates.day_of_week.to_numpy()[day] < 5
    p_wholesale = catalog["p_wholesale"].to_numpy()[sku] * np.where(weekday, 1.4, 0.0)
    p_wholesale = np.where(catalog["qty_kind"].to_numpy()[sku] == BULK, 1.0, p_wholesale)
    u = rng.random(n)
    channel = np.where(u < p_wholesale, WHOLESALE,
                       np.where(u < p_wholesale + catalog["p_amazon"].to_numpy()[sku],
                                AMAZON, SHOPIFY)).astype(np.int8)

    # Orders: shuffle each (day, channel) group, then cut it into runs of lines.
    group = day.astype(np.int64) * 3 + channel
    order = np.argsort((group << 32) | rng.integers(0, 2**32, n, dtype=np.int64))
    day, sku, channel = day[order], sku[order], channel[order]
    starts = rng.random(n) < _NEW_ORDER_P[channel]
    if n:
        starts[0] = True
        starts[1:] |= (day[1:] != day[:-1]) | (channel[1:] != channel[:-1])
    order_no = np.cumsum(starts) - 1

    # One line per SKU in an order: lines that landed twice in the same order are merged.
    key = order_no.astype(np.int64) * len(catalog) + sku
    unique_key, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    quantity = np.bincount(inverse, weights=_quantities(catalog, sku, channel, rng),
                           minlength=len(unique_key)).astype(np.int64)
    day, sku, channel, order_no = day[first], sku[first], channel[first], order_no[first]
    unit_price = _prices(catalog, sku, day, channel, dates, rng)

    order_channel = np.zeros(int(order_no.max()) + 1 if n else 0, dtype=np.int8)
    order_channel[order_no] = channel
    return OrderLines(day=day, sku=sku, quantity=quantity, unit_price=unit_price,
                      channel=channel, order=order_no, order_ids=_order_ids(order_channel, rng))


def add_line(lines: OrderLines, *, day: int, sku: int, quantity: int, unit_price: float,
             channel: int, order: int) -> OrderLines:
    """The order lines with one more line, kept sorted by order then SKU."""
    parts = {
        "day": np.append(lines.day, day), "sku": np.append(lines.sku, sku),
        "quantity": np.append(lines.quantity, quantity),
        "unit_price": np.append(lines.unit_price, unit_price),
        "channel": np.append(lines.channel, channel), "order": np.append(lines.order, order),
    }
    keep = np.lexsort((parts["sku"], parts["order"]))
    return OrderLines(**{k: v[keep] for k, v in parts.items()}, order_ids=lines.order_ids)


def daily_units(lines: OrderLines, skus: int, days: int) -> np.ndarray:
    """Units ordered per SKU (rows) and day (columns)."""
    flat = np.bincount(lines.sku.astype(np.int64) * days + lines.day, weights=lines.quantity,
                       minlength=skus * days)
    return flat.reshape(skus, days)
