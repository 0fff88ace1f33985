"""Quantity price breaks: the unit cost of an order line follows its quantity tier, and when
ordering up to the next break is worth it.

A SKU's breaks are (min_quantity, unit_cost) pairs in the supplier's currency: from min_quantity
units in one order line the unit cost is unit_cost; below the first break it is the product's
unit cost. Breaks named for the SKU's supplier win over breaks without a supplier.

Ordering up to the next break (in whole case packs) is suggested when what it saves on the units
that were needed anyway exceeds the holding cost of the extra units:

    saving  = q × (c(q) − c(q')) × m
    holding = (q' − q) × c(q') × m × holding_cost_rate × days_held / 365
    days_held = (q + (q' − q) / 2) / demand_per_day

where q is the quantity the policy asked for, q' the quantity at the next break, m the landed
multiplier (exchange rate × (1 + freight + duty)), so money is landed and in the workspace
currency. The extra units are the last of the order to sell: they wait while the q units sell,
then sell themselves (half their own cover on average).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass
class BreakTable:
    """Per SKU (rows in SKU order), breaks padded with inf quantity: (n, B) arrays."""

    min_quantity: np.ndarray
    unit_cost: np.ndarray

    @property
    def any(self) -> bool:
        return self.min_quantity.shape[1] > 0

    def unit_cost_at(self, rows: np.ndarray, quantity: np.ndarray,
                     base_cost: np.ndarray) -> np.ndarray:
        """The unit cost of ``quantity`` units in one line of SKU ``rows``."""
        if not self.any or rows.size == 0:
            return np.asarray(base_cost, dtype=float).copy()
        reached = self.min_quantity[rows] <= np.asarray(quantity, float)[:, None] + 1e-9
        tier = reached.sum(axis=1)
        cost = self.unit_cost[rows, np.maximum(tier - 1, 0)]
        return np.where(tier > 0, cost, base_cost)

    def next_break(self, rows: np.ndarray, quantity: np.ndarray) -> np.ndarray:
        """The min_quantity of the first break above ``quantity`` (inf when none)."""
        if not self.any or rows.size == 0:
            return np.full(rows.size, np.inf)
        above = self.min_quantity[rows] > np.asarray(quantity, float)[:, None] + 1e-9
        first = np.where(above.any(axis=1), above.argmax(axis=1), 0)
        return np.where(above.any(axis=1), self.min_quantity[rows, first], np.inf)


def break_table(price_breaks: pd.DataFrame | None, skus: np.ndarray,
                suppliers: np.ndarray) -> BreakTable:
    """The breaks of each SKU (for its own supplier, else those without a supplier)."""
    n = len(skus)
    if price_breaks is None or price_breaks.empty:
        return BreakTable(np.zeros((n, 0)), np.zeros((n, 0)))
    frame = price_breaks.copy()
    frame["supplier"] = frame["supplier"].fillna("").astype(str)
    supplier_of = pd.Series(np.asarray(suppliers, dtype=object), index=pd.Index(skus))
    supplier_of = supplier_of[~supplier_of.index.duplicated()]
    frame["own"] = frame["supplier"] == frame["sku"].map(supplier_of)
    frame = frame[frame["own"] | (frame["supplier"] == "")]
    has_own = frame.groupby("sku")["own"].transform("any")
    frame = frame[frame["own"] | ~has_own]
    row = pd.Index(skus).get_indexer(frame["sku"])
    frame = frame.assign(row=row)[row >= 0].sort_values(["row", "min_quantity"])
    if frame.empty:
        return BreakTable(np.zeros((n, 0)), np.zeros((n, 0)))
    position = frame.groupby("row").cumcount().to_numpy()
    width = int(position.max()) + 1
    quantity = np.full((n, width), np.inf)
    cost = np.full((n, width), np.nan)
    quantity[frame["row"].to_numpy(), position] = frame["min_quantity"].to_numpy(float)
    cost[frame["row"].to_numpy(), position] = frame["unit_cost"].to_numpy(float)
    return BreakTable(quantity, cost)


def _money(value: float) -> str:
    return f"{value:,.2f}"


def bump_to_breaks(*, table: BreakTable, rows: np.ndarray, quantity: np.ndarray,
                   base_cost: np.ndarray, multiplier: np.ndarray, case_pack: np.ndarray,
                   demand_per_day: np.ndarray, holding_cost_rate: float,
                   currency: np.ndarray, home_currency: str) -> tuple[np.ndarray, np.ndarray]:
    """(new quantities, notes) for order lines of SKU ``rows``: each raised to its next break
    (whole case packs) where that saves more than the extra holding costs; the note says what was
    weighed either way (empty when no break lies above)."""
    quantity = np.asarray(quantity, dtype=float)
    notes = np.full(quantity.size, "", dtype=object)
    if not table.any or rows.size == 0:
        return quantity, notes
    target = table.next_break(rows, quantity)
    candidate = np.isfinite(target) & (quantity > 0)
    if not candidate.any():
        return quantity, notes
    case = np.maximum(np.nan_to_num(case_pack[rows], nan=1.0), 1.0)
    bumped = np.where(candidate, np.ceil(np.where(candidate, target, 0) / case - 1e-9) * case,
                      quantity)
    now_cost = table.unit_cost_at(rows, quantity, base_cost[rows])
    new_cost = table.unit_cost_at(rows, bumped, base_cost[rows])
    mult = np.nan_to_num(multiplier[rows], nan=1.0)
    extra = bumped - quantity
    per_day = demand_per_day[rows]
    with np.errstate(divide="ignore", invalid="ignore"):
        days_held = np.where(per_day > 0, (quantity + extra / 2) / per_day, np.inf)
    saving = quantity * (now_cost - new_cost) * mult
    with np.errstate(invalid="ignore"):  # no extra units held forever (0 × inf): no cost
        holding = extra * new_cost * mult * holding_cost_rate * days_held / 365.0
    holding = np.where(extra > 0, holding, 0.0)
    worth = candidate & (saving > holding + 1e-9)
    out = np.where(worth, bumped, quantity)
    for j in np.flatnonzero(candidate).tolist():
        code = f" {currency[rows[j]]}" if currency[rows[j]] != home_currency else ""
        words = (f"from {_money(now_cost[j])} to {_money(new_cost[j])}{code}")
        weighed = (f"saves {_money(saving[j])} against {_money(holding[j])} extra holding "
                   f"({holding_cost_rate:.0%}/year over {days_held[j]:,.0f} days)")
        if worth[j]:
            notes[j] = (f"ordering {bumped[j]:,.0f} instead of {quantity[j]:,.0f} drops the unit "
                        f"cost {words}: {weighed}")
        else:
            notes[j] = (f"the price break at {target[j]:,.0f} ({_money(new_cost[j])}{code}) is "
                        f"not worth it: ordering {bumped[j]:,.0f} instead of {quantity[j]:,.0f} "
                        f"{weighed}")
    return out, notes
