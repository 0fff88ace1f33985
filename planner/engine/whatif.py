"""What-if on purchase orders: re-project only the SKUs a PO change touches, in memory.

Nothing here reads or writes a workspace: the caller passes the frames it already loaded
(``ProjectionInputs``) and gets a new ``Projection`` for the affected SKUs. For a GUI that
recomputes while the user drags a date, build a ``WhatIfSession`` once: it indexes every frame by
SKU so each recompute touches only that SKU's rows.

The result covers the affected SKUs only: its book is their book (compare it with
``WhatIfSession.baseline(skus)`` to show what a slip does), and its multi-line orders see only the
lines of those SKUs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from planner.engine.projection import Projection, project_backorders
from planner.engine.supply import as_day, build_supply


@dataclass(frozen=True)
class POChange:
    """One edit to a purchase-order line (or, with ``add``, a new line)."""

    po_number: str
    #: the line's SKU; None = every line of the PO (not allowed with ``add``)
    sku: str | None = None
    new_expected_date: dt.date | pd.Timestamp | str | None = None
    #: the new ordered quantity (the open quantity is this minus what was already received)
    new_quantity: float | None = None
    cancel: bool = False
    add: bool = False
    #: supplier of an added line (default: the PO's existing supplier)
    supplier: str | None = None


@dataclass(frozen=True)
class ProjectionInputs:
    """Everything one backorder projection needs (settings as plain arguments)."""

    as_of: dt.date | pd.Timestamp
    horizon_days: int
    inventory: pd.DataFrame
    po_lines: pd.DataFrame
    backorders: pd.DataFrame
    products: pd.DataFrame
    demand_daily: pd.DataFrame | None = None
    dock_to_stock_days: int = 2
    hold_release_days: int = 7
    lateness_days: pd.Series | None = None
    extra_supply: pd.DataFrame | None = None
    cancel_rate_per_day: float = 0.02
    promise_buffer_days: int = 3
    split_shipment_cost: float = 14.0


def supply_of(inputs: ProjectionInputs) -> pd.DataFrame:
    """The supply events (stock, holds, POs) the inputs make."""
    return build_supply(inputs.inventory, inputs.po_lines, as_of=inputs.as_of,
                        horizon_days=inputs.horizon_days,
                        dock_to_stock_days=inputs.dock_to_stock_days,
                        hold_release_days=inputs.hold_release_days,
                        lateness_days=inputs.lateness_days, extra_supply=inputs.extra_supply)


def project(inputs: ProjectionInputs, supply: pd.DataFrame) -> Projection:
    """The backorder queue projected against ``supply`` (from ``supply_of(inputs)``)."""
    return project_backorders(as_of=inputs.as_of, horizon_days=inputs.horizon_days, supply=supply,
                              backorders=inputs.backorders, products=inputs.products,
                              demand_daily=inputs.demand_daily,
                              cancel_rate_per_day=inputs.cancel_rate_per_day,
                              promise_buffer_days=inputs.promise_buffer_days,
                              split_shipment_cost=inputs.split_shipment_cost,
                              dock_to_stock_days=inputs.dock_to_stock_days)


def run_projection(inputs: ProjectionInputs) -> Projection:
    """Build supply from the inputs and project the backorder queue."""
    return project(inputs, supply_of(inputs))


def _line_mask(po_lines: pd.DataFrame, change: POChange) -> pd.Series:
    mask = po_lines["po_number"].astype(str) == str(change.po_number)
    if change.sku is not None:
        mask &= po_lines["sku"].astype(str) == str(change.sku)
    return mask


def apply_po_changes(po_lines: pd.DataFrame, changes: Iterable[POChange]) -> pd.DataFrame:
    """A copy of the PO lines with the changes applied (in order); the input is left alone."""
    result = po_lines.copy()
    for change in changes:
        mask = _line_mask(result, change)
        if change.add:
            if change.sku is None or change.new_quantity is None or \
                    change.new_expected_date is None:
                raise ValueError(f"adding a line to {change.po_number} needs a SKU, a quantity "
                                 "and an expected date")
            if mask.any():
                raise ValueError(f"{change.po_number} already has a line for {change.sku}")
            result = pd.concat([result, _new_line(result, change)], ignore_index=True)
            continue
        if not mask.any():
            what = f" line for {change.sku}" if change.sku is not None else ""
            raise ValueError(f"no PO {change.po_number}{what} to change")
        if change.cancel:
            result.loc[mask, "status"] = "cancelled"
        if change.new_expected_date is not None:
            result.loc[mask, "expected_date"] = as_day(change.new_expected_date)
        if change.new_quantity is not None:
            result.loc[mask, "quantity"] = change.new_quantity
    return result


def _new_line(po_lines: pd.DataFrame, change: POChange) -> pd.DataFrame:
    same_po = po_lines.loc[po_lines["po_number"].astype(str) == str(change.po_number)]
    supplier = change.supplier
    if supplier is None and len(same_po) and "supplier" in same_po.columns:
        supplier = same_po["supplier"].iloc[0]
    row: dict[str, Any] = {column: [None] for column in po_lines.columns}
    row.update({
        "po_number": [str(change.po_number)], "sku": [str(change.sku)], "supplier": [supplier],
        "order_date": [same_po["order_date"].iloc[0] if len(same_po) and "order_date"
                       in same_po.columns else pd.NaT],
        "quantity": [change.new_quantity], "expected_date": [as_day(change.new_expected_date)],
        "received_quantity": [0], "received_date": [pd.NaT], "status": ["open"],
    })
    line = pd.DataFrame(row)
    for column in ("order_date", "expected_date", "received_date"):
        line[column] = pd.to_datetime(line[column])
    return line


def affected_skus(po_lines: pd.DataFrame, changes: Iterable[POChange]) -> list[str]:
    """The SKUs whose projection a list of PO changes can move."""
    found: set[str] = set()
    for change in changes:
        if change.sku is not None:
            found.add(str(change.sku))
        else:
            found.update(po_lines.loc[_line_mask(po_lines, change), "sku"].astype(str))
    return sorted(found)


def _positions(frame: pd.DataFrame | None) -> dict[str, np.ndarray]:
    if frame is None or len(frame) == 0:
        return {}
    return {str(k): v for k, v in frame.groupby(frame["sku"].astype(str), sort=False)
            .indices.items()}


def _take(frame: pd.DataFrame | None, index: dict[str, np.ndarray],
          skus: Sequence[str]) -> pd.DataFrame | None:
    if frame is None:
        return None
    parts = [index[s] for s in skus if s in index]
    rows = np.sort(np.concatenate(parts)) if parts else np.zeros(0, dtype=np.int64)
    return frame.iloc[rows]


class WhatIfSession:
    """Inputs indexed by SKU once, for fast repeated what-ifs on a few SKUs."""

    def __init__(self, inputs: ProjectionInputs) -> None:
        self.inputs = inputs
        self._index = {name: _positions(getattr(inputs, name)) for name in
                       ("inventory", "po_lines", "backorders", "products", "extra_supply")}
        demand = inputs.demand_daily
        self._demand_rows = ({} if demand is None else
                             {str(s): i for i, s in enumerate(demand.index)})

    def subset(self, skus: Sequence[str]) -> ProjectionInputs:
        """The inputs restricted to some SKUs."""
        skus = [str(s) for s in skus]
        taken = {name: _take(getattr(self.inputs, name), index, skus)
                 for name, index in self._index.items()}
        demand = self.inputs.demand_daily
        if demand is not None:
            rows = [self._demand_rows[s] for s in skus if s in self._demand_rows]
            demand = demand.iloc[rows]
        return replace(self.inputs, demand_daily=demand, **taken)  # type: ignore[arg-type]

    def baseline(self, skus: Sequence[str]) -> Projection:
        """The unchanged projection of some SKUs (to compare a what-if against)."""
        return run_projection(self.subset(skus))

    def run(self, changes: Sequence[POChange], skus: Sequence[str] | None = None) -> Projection:
        """The projection of the SKUs the changes touch (plus ``skus``), with the changes applied."""
        po_lines = self.inputs.po_lines
        wanted = sorted(set(affected_skus(po_lines, changes)) | {str(s) for s in skus or []})
        inputs = self.subset(wanted)
        return run_projection(replace(inputs,
                                      po_lines=apply_po_changes(inputs.po_lines, changes)))
