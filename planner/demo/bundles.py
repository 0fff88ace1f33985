"""The demo brand's catalog-health story: gift sets (bundles), stock that stopped selling, and
a purchase budget tight enough to defer some orders."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd

from planner.demo.catalog import HERO_SKU, MADE_TO_ORDER_SKU, OVERRIDE_SKU

#: SKUs whose sales stop this many days before as-of (their stock is then dead)
DEAD_DAYS = 230
#: share of the catalogue sold as bundles too (gift sets of 2–3 regular products)
BUNDLE_SHARE = 0.10
#: the monthly budget as a share of the usual monthly purchase spend (at cost)
BUDGET_SHARE = 1.3
#: SKUs the user guide works through: their numbers stay as the guide prints them
_SPECIAL = {HERO_SKU, MADE_TO_ORDER_SKU, OVERRIDE_SKU, "NW-TMB-16", "NW-KTL-BLK"}


def _regulars(catalog: pd.DataFrame) -> np.ndarray:
    ok = ((catalog["role"] == "regular") & catalog["active"].astype(bool)
          & ~catalog["sku"].isin(_SPECIAL) & ~catalog["made_to_order"].astype(bool))
    return np.flatnonzero(ok.to_numpy())


def bundle_count(skus: int) -> int:
    """How many of a demo's ``skus`` are gift sets (none when the catalogue is at its minimum)."""
    return max(2, int(round(skus * BUNDLE_SHARE)))


def add_catalog_health(demo: Any, rng: np.random.Generator,
                       count: int) -> tuple[Any, pd.DataFrame, float]:
    """(the demo with ``count`` bundles and dead stock, the bundles table, the monthly budget)."""
    catalog, lines = demo.catalog, demo.lines
    days = len(demo.dates)
    regular = _regulars(catalog)
    owed = catalog["sku"].isin(set(demo.backorders["sku"])).to_numpy()
    # --- dead stock: a few regular SKUs stopped selling DEAD_DAYS ago but still hold stock
    quiet = regular[~owed[regular]]  # nobody is waiting for them
    dead_rows = rng.choice(quiet, size=min(len(quiet), max(2, len(catalog) // 30)),
                           replace=False)
    keep = ~(np.isin(lines.sku, dead_rows) & (lines.day > days - 1 - DEAD_DAYS))
    inventory = demo.inventory.copy()
    dead_skus = catalog["sku"].to_numpy()[dead_rows]
    dead_stock = inventory["sku"].isin(dead_skus)
    inventory.loc[dead_stock, "on_hand"] = np.maximum(inventory.loc[dead_stock, "on_hand"], 30)
    lines = replace(lines, **{name: getattr(lines, name)[keep]
                              for name in ("day", "sku", "quantity", "unit_price", "channel",
                                           "order")})
    # --- bundles: gift sets of two or three regular products, sold on their own lines
    candidates = np.setdiff1d(regular, dead_rows)
    rows, recipes = [], []
    for number in range(count):
        parts = rng.choice(candidates, size=int(rng.integers(2, 4)), replace=False)
        quantity = rng.choice([1, 1, 2], size=len(parts))
        sku = f"NW-KIT-{number + 1:03d}"
        names = " + ".join(catalog["name"].to_numpy()[parts][:3])
        price = float((catalog["unit_price"].to_numpy()[parts] * quantity).sum()) * 0.85
        rows.append({"sku": sku, "name": f"Gift set: {names}"[:80].rstrip(), "unit_price": round(price, 2),
                     "active": True, "made_to_order": False, "moq": 0, "case_pack": 1,
                     "role": "bundle", "stock": "zero"})
        recipes += [{"bundle_sku": sku, "component_sku": catalog["sku"].iat[int(p)],
                     "quantity": int(q)} for p, q in zip(parts, quantity, strict=True)]
    if not rows:  # a catalogue at its minimum size has no gift sets
        return replace(demo, lines=lines, inventory=inventory), pd.DataFrame(
            columns=["bundle_sku", "component_sku", "quantity"]), _budget(demo, catalog, lines)
    kits = pd.DataFrame(rows)
    first_kit = len(catalog)
    catalog = pd.concat([catalog, kits], ignore_index=True)
    rate = rng.uniform(0.3, 1.2, count)
    sold = rng.poisson(np.tile(rate[:, None], (1, days)))
    kit, day = np.nonzero(sold)
    next_order = len(lines.order_ids)
    order_ids = np.concatenate([lines.order_ids, np.array(
        [f"#K{n:06d}" for n in range(len(kit))], dtype=object)])
    lines = replace(
        lines,
        day=np.concatenate([lines.day, day]), sku=np.concatenate([lines.sku, first_kit + kit]),
        quantity=np.concatenate([lines.quantity, sold[kit, day]]).astype(lines.quantity.dtype),
        unit_price=np.concatenate([lines.unit_price, kits["unit_price"].to_numpy()[kit]]),
        channel=np.concatenate([lines.channel, np.zeros(len(kit), dtype=lines.channel.dtype)]),
        order=np.concatenate([lines.order, next_order + np.arange(len(kit))]),
        order_ids=order_ids)
    # (gift-set orders have all shipped: the backorder book stays the one the guide explains)
    return (replace(demo, catalog=catalog, lines=lines, inventory=inventory),
            pd.DataFrame(recipes), _budget(demo, catalog, lines))


def _budget(demo: Any, catalog: pd.DataFrame, lines: Any) -> float:
    """A monthly budget: the usual month's purchases at landed cost, cut to BUDGET_SHARE."""
    last_year = lines.day >= len(demo.dates) - 365
    # landed, in the workspace currency (the catalogue's costs are each supplier's own)
    landed = catalog["unit_cost"] * catalog.get("landed_multiplier", 1.0)
    cost = landed.to_numpy(float)[lines.sku[last_year]]
    monthly = float(np.nansum(cost * lines.quantity[last_year])) / 12.0
    return float(np.round(monthly * BUDGET_SHARE, -2)) or 100.0
