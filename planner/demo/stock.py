"""The demo's stock today: the open order lines (backorders) and the inventory snapshot."""

from __future__ import annotations

import numpy as np
import pandas as pd

from planner.demo.catalog import HOLDS, OUT_OF_STOCK_DAYS, PROMISE_DAYS
from planner.demo.sales import SHOPIFY, WHOLESALE, OrderLines, add_line

LOCATION = "Main warehouse"
_FIRST = ["Olivia", "Liam", "Emma", "Noah", "Ava", "Mateo", "Sofia", "Lucas", "Mia", "Ethan",
          "Chloe", "Aiden", "Grace", "Hiro", "Priya", "Omar", "Lena", "Jonas", "Zoe", "Diego",
          "Nora", "Kai", "Ines", "Felix", "Maya", "Theo", "Amara", "Leo", "Hannah", "Sam"]
_LAST = ["Nguyen", "Smith", "Garcia", "Kim", "Johnson", "Patel", "Müller", "Rossi", "Brown",
         "Silva", "Okafor", "Lee", "Martin", "Haddad", "Kowalski", "Tanaka", "Moreau", "Clark",
         "Sato", "Andersen", "Lopez", "Walsh", "Cohen", "Ibrahim", "Fischer", "Ortiz", "Byrne"]
_SHOPS = ["Juniper & Co. (wholesale)", "The Good Cup Café (wholesale)",
          "Harbor Home Store (wholesale)", "Little Kiln Gallery (wholesale)",
          "Foxglove Market (wholesale)", "Second Crack Coffee (wholesale)"]


def out_of_stock_days(catalog: pd.DataFrame, rng: np.random.Generator) -> np.ndarray:
    """Days each SKU has been at zero (0 for SKUs in stock)."""
    days = np.where(catalog["stock"].to_numpy() == "zero", rng.integers(2, 15, len(catalog)), 0)
    story = catalog["sku"].map(OUT_OF_STOCK_DAYS)
    return np.where(story.notna(), story.fillna(0), days).astype(int)


def open_line_mask(lines: OrderLines, oos_days: np.ndarray, as_of_day: int) -> np.ndarray:
    """Order lines not shipped yet: those of SKUs at zero, ordered since they ran out."""
    window = oos_days[lines.sku]
    return (window > 0) & (lines.day > as_of_day - window)


def ensure_split_order(lines: OrderLines, catalog: pd.DataFrame, oos_days: np.ndarray,
                       as_of_day: int) -> OrderLines:
    """Make sure one open order mixes a backordered line with a line that ships from stock."""
    open_mask = open_line_mask(lines, oos_days, as_of_day)
    if not open_mask.any():
        return lines
    in_stock = (oos_days == 0) & (catalog["stock"].to_numpy() != "zero")
    shares_order = np.isin(lines.order, lines.order[open_mask]) & ~open_mask
    if (shares_order & in_stock[lines.sku]).any():
        return lines
    shop = open_mask & (lines.channel == SHOPIFY)
    candidates = np.nonzero(shop if shop.any() else open_mask)[0]
    line = candidates[-1]
    regulars = catalog.index[(catalog["role"] == "regular").to_numpy() & in_stock]
    partner = int(catalog.loc[regulars, "lines_per_day"].idxmax())
    return add_line(lines, day=int(lines.day[line]), sku=partner, quantity=1,
                    unit_price=float(catalog["unit_price"].iloc[partner]),
                    channel=int(lines.channel[line]), order=int(lines.order[line]))


def _customer_names(order: np.ndarray, channel: np.ndarray) -> np.ndarray:
    """A stable customer per order: the same name on every line of it."""
    first = np.array(_FIRST, dtype=object)[(order * 7) % len(_FIRST)]
    last = np.array(_LAST, dtype=object)[(order * 13 + 5) % len(_LAST)]
    people = first + " " + last
    shops = np.array(_SHOPS, dtype=object)[order % len(_SHOPS)]
    return np.where(channel == WHOLESALE, shops, people)


def build_backorders(lines: OrderLines, catalog: pd.DataFrame, oos_days: np.ndarray,
                     dates: pd.DatetimeIndex, rng: np.random.Generator) -> pd.DataFrame:
    """The open order lines: customer, promised date and a couple of priorities."""
    as_of_day = len(dates) - 1
    idx = np.nonzero(open_line_mask(lines, oos_days, as_of_day))[0]
    sku_codes = catalog["sku"].to_numpy()
    order_dates = dates[lines.day[idx]]
    promise_days = catalog["sku"].map(PROMISE_DAYS).fillna(14).to_numpy()[lines.sku[idx]]
    promised = order_dates + pd.to_timedelta(promise_days, unit="D")
    has_promise = rng.random(len(idx)) < 0.85
    frame = pd.DataFrame({
        "order_id": lines.order_ids[lines.order[idx]],
        "sku": sku_codes[lines.sku[idx]],
        "quantity": lines.quantity[idx],
        "order_date": order_dates.strftime("%Y-%m-%d"),
        "promised_date": np.where(has_promise, promised.strftime("%Y-%m-%d"), None),
        "unit_price": lines.unit_price[idx],
        "priority": np.nan,
        "customer": _customer_names(lines.order[idx], lines.channel[idx]),
    })
    # A wholesale account served first, and one customer the team promised to look after.
    wholesale = np.nonzero(lines.channel[idx] == WHOLESALE)[0]
    first = int(wholesale[0]) if len(wholesale) else 0
    if len(frame):
        frame.loc[first, "priority"] = 1.0
    if len(frame) > 1:
        frame.loc[len(frame) - 1 if first != len(frame) - 1 else 0, "priority"] = 2.0
    return frame


def build_inventory(catalog: pd.DataFrame, units: np.ndarray, as_of: pd.Timestamp,
                    rng: np.random.Generator) -> pd.DataFrame:
    """The stock snapshot: healthy, low, zero or too much cover against recent demand."""
    n = len(catalog)
    recent_per_day = units[:, -28:].sum(axis=1) / 28
    stock = catalog["stock"].to_numpy()
    cover_days = np.select(
        [stock == "healthy", stock == "low", stock == "overstock"],
        [rng.uniform(30, 100, n), rng.uniform(3, 12, n), rng.uniform(150, 300, n)], 0.0)
    on_hand = np.round(recent_per_day * cover_days).astype(np.int64)
    on_hand = np.where(stock == "healthy", np.maximum(on_hand, rng.integers(4, 20, n)), on_hand)
    on_hand = np.where(stock == "low", np.maximum(on_hand, 1), on_hand)
    on_hand = np.where(stock == "overstock", np.maximum(on_hand, 40), on_hand)
    dead = ~catalog["active"].to_numpy()
    on_hand = np.where(dead, rng.integers(0, 10, n), on_hand)

    on_hold = np.zeros(n, dtype=np.int64)
    release = np.full(n, None, dtype=object)
    generated_hold = (np.arange(n) >= 60) & (rng.random(n) < 0.01) & (stock != "zero")
    on_hold[generated_hold] = rng.integers(1, 30, int(generated_hold.sum()))
    release[generated_hold] = (as_of + pd.Timedelta(days=7)).strftime("%Y-%m-%d")
    for sku, (units_held, release_in_days) in HOLDS.items():
        where = catalog["sku"].to_numpy() == sku
        on_hold[where] = units_held
        if release_in_days is not None:
            release[where] = (as_of + pd.Timedelta(days=release_in_days)).strftime("%Y-%m-%d")
    return pd.DataFrame({"sku": catalog["sku"], "location": LOCATION, "on_hand": on_hand,
                         "on_hold": on_hold, "hold_release_date": release,
                         "snapshot_date": as_of.strftime("%Y-%m-%d")})
