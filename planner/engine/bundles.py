"""Bundles (kits): a bundle is sold as one SKU and shipped as its components.

- ``flatten_bundles`` resolves bundles of bundles to leaf components (quantities multiply);
- ``explode_demand`` turns a bundle's daily sales into demand on each component × quantity on
  the same days (the bundle keeps no history of its own, so it gets no forecast);
- ``explode_backorders`` turns each open bundle line into one line per component, with the
  bundle line's order id, date and priority, so each sits in its component's queue in queue
  order with that component's own lines. Its value is split over the components by their
  share of the bundle's price (unit price × quantity; evenly when no prices are known);
- ``collapse_bundle_lines`` gives each bundle line back, shipping on the day its last
  component ships (uncovered when any component is): the components reserved for it are held,
  as the strict queue holds stock for the head of a queue.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from planner.engine.orders import multi_line_orders
from planner.engine.projection import Projection, _flag_reasons, _line_facts
from planner.engine.supply import as_day

__all__ = ["flatten_bundles", "explode_demand", "explode_backorders", "collapse_bundle_lines",
           "bundle_skus"]

FLAT_COLUMNS = ["bundle_sku", "component_sku", "quantity"]


#: Whole units up to this size are kept as int64; beyond it (a bundle quantity × its sales that
#: no int64 holds) they stay float, never wrapped around to a negative or zero demand.
_INT64_SAFE = 2.0**62


def _whole_units(values: Any, dtype: Any = np.int64) -> Any:
    """Units computed in float, rounded: as ``dtype`` when every value fits it, else float."""
    rounded = np.round(np.asarray(values, dtype=float))
    if rounded.size and not (np.abs(rounded[np.isfinite(rounded)]) < _INT64_SAFE).all():
        return rounded
    return rounded.astype(dtype)


def bundle_skus(flat: pd.DataFrame | None) -> set[str]:
    """The SKUs that are bundles."""
    return set() if flat is None or flat.empty else set(flat["bundle_sku"].astype(str))


def flatten_bundles(bundles: pd.DataFrame) -> pd.DataFrame:
    """Each bundle's leaf components (not themselves bundles) and units per bundle.

    ValueError when a bundle contains itself (the importer refuses such files)."""
    if bundles is None or bundles.empty:
        return pd.DataFrame({c: pd.Series(dtype=object if c != "quantity" else float)
                             for c in FLAT_COLUMNS})
    flat = bundles[FLAT_COLUMNS].astype({"bundle_sku": str, "component_sku": str,
                                         "quantity": float})
    named = set(flat["bundle_sku"])
    inner = flat.rename(columns={"bundle_sku": "component_sku", "component_sku": "leaf",
                                 "quantity": "inner_quantity"})
    for _ in range(len(named) + 1):
        nested = flat["component_sku"].isin(named).to_numpy()
        if not nested.any():
            return flat.sort_values(["bundle_sku", "component_sku"]).reset_index(drop=True)
        deeper = flat[nested].merge(inner, on="component_sku")
        deeper = pd.DataFrame({"bundle_sku": deeper["bundle_sku"],
                               "component_sku": deeper["leaf"],
                               "quantity": deeper["quantity"] * deeper["inner_quantity"]})
        if (deeper["bundle_sku"] == deeper["component_sku"]).any():
            break
        flat = (pd.concat([flat[~nested], deeper], ignore_index=True)
                .groupby(["bundle_sku", "component_sku"], as_index=False)["quantity"].sum())
    raise ValueError("a bundle contains itself; re-import the bundles file to fix it")


def explode_demand(daily_demand: pd.DataFrame, flat: pd.DataFrame) -> pd.DataFrame:
    """Daily demand with every bundle's rows replaced by its components' (sku, date, quantity)."""
    if flat.empty or daily_demand.empty:
        return daily_demand
    is_bundle = daily_demand["sku"].isin(bundle_skus(flat)).to_numpy()
    if not is_bundle.any():
        return daily_demand
    sold = daily_demand.loc[is_bundle, ["sku", "date", "quantity"]].merge(
        flat, left_on="sku", right_on="bundle_sku", suffixes=("", "_per_bundle"))
    components = pd.DataFrame({"sku": sold["component_sku"], "date": sold["date"],
                               "quantity": sold["quantity"] * sold["quantity_per_bundle"]})
    rest = daily_demand.loc[~is_bundle]
    touched = rest["sku"].isin(components["sku"].unique()).to_numpy()
    merged = (pd.concat([rest.loc[touched, ["sku", "date", "quantity"]], components],
                        ignore_index=True)
              .groupby(["sku", "date"], as_index=False, sort=False)["quantity"].sum())
    out = pd.concat([rest.loc[~touched, ["sku", "date", "quantity"]], merged], ignore_index=True)
    if daily_demand["quantity"].dtype.kind in "iu":
        out["quantity"] = _whole_units(out["quantity"], daily_demand["quantity"].dtype)
    return out


def explode_backorders(backorders: pd.DataFrame, flat: pd.DataFrame,
                       products: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(the open lines with bundle lines as component lines, the bundle lines themselves).

    Component lines carry ``bundle_ref`` (the bundle line's row in the second frame); the
    others have it missing."""
    frame = backorders.assign(bundle_ref=np.nan)
    if flat.empty or backorders.empty:
        return frame, frame.iloc[0:0]
    is_bundle = backorders["sku"].isin(bundle_skus(flat)).to_numpy()
    if not is_bundle.any():
        return frame, frame.iloc[0:0]
    lines = frame.loc[is_bundle].reset_index(drop=True)
    lines["bundle_ref"] = np.arange(len(lines), dtype=float)
    parts = lines.merge(flat, left_on="sku", right_on="bundle_sku",
                        suffixes=("", "_per_bundle"))
    price = products.drop_duplicates("sku").set_index("sku")["unit_price"]
    weight = (parts["component_sku"].map(price).astype(float).fillna(0.0)
              * parts["quantity_per_bundle"])
    total = weight.groupby(parts["bundle_ref"]).transform("sum")
    count = parts.groupby("bundle_ref")["component_sku"].transform("count")
    share = np.where(total > 0, weight / total.where(total > 0, 1.0), 1.0 / count)
    line_value = parts["quantity"].astype(float) * parts["unit_price"].astype(float)
    parts["quantity"] = _whole_units(parts["quantity"].astype(float)
                                     * parts["quantity_per_bundle"].astype(float))
    with np.errstate(divide="ignore", invalid="ignore"):
        parts["unit_price"] = np.where(parts["quantity"] > 0,
                                       line_value * share / parts["quantity"], 0.0)
    parts["sku"] = parts["component_sku"]
    parts = parts[list(frame.columns)]
    out = pd.concat([frame.loc[~is_bundle], parts], ignore_index=True)
    return out, lines


def collapse_bundle_lines(projection: Projection, bundle_lines: pd.DataFrame, *, as_of: Any,
                          horizon_days: int, products: pd.DataFrame,
                          cancel_rate_per_day: float, promise_buffer_days: int,
                          split_shipment_cost: float) -> Projection:
    """The projection with each bundle line in place of its component lines (see module)."""
    lines = projection.lines
    if "bundle_ref" not in lines.columns:
        return projection
    is_part = lines["bundle_ref"].notna().to_numpy()
    own = lines.loc[~is_part].drop(columns="bundle_ref")
    if not is_part.any() or bundle_lines.empty:
        return _with_lines(projection, own, as_of, horizon_days, cancel_rate_per_day,
                           split_shipment_cost)
    parts = lines.loc[is_part]
    ref = parts["bundle_ref"].to_numpy(dtype=float).astype(np.int64)
    n = len(bundle_lines)
    day = parts["days_until_ship"].to_numpy(dtype=float, na_value=np.nan)
    uncovered_part = np.isnan(day)
    covered = np.bincount(ref, weights=uncovered_part, minlength=n) == 0
    # the binding component: the one that ships last (uncovered ones bind first)
    rank = np.where(uncovered_part, np.inf, day)
    order = np.lexsort((rank, ref))
    last = np.r_[ref[order][1:] != ref[order][:-1], True]
    binding = order[last]
    ship_day = np.zeros(n, dtype=np.int64)
    ship_day[ref[binding]] = np.where(np.isinf(rank[binding]), 0, rank[binding]).astype(np.int64)
    filled = np.full(n, None, dtype=object)
    kind = np.full(n, None, dtype=object)
    filled[ref[binding]] = np.where(covered[ref[binding]],
                                    parts["filled_from"].to_numpy(object)[binding], None)
    kind[ref[binding]] = np.where(covered[ref[binding]],
                                  parts["filled_from_kind"].to_numpy(object)[binding], None)
    overdue = np.bincount(ref, weights=parts["overdue_po"].to_numpy(bool), minlength=n) > 0

    prices = products.drop_duplicates("sku").set_index("sku")
    sku = bundle_lines["sku"].astype(str).to_numpy(object)
    unit_price = bundle_lines["unit_price"].to_numpy(dtype=float, na_value=np.nan)
    unit_price = np.nan_to_num(np.where(np.isnan(unit_price),
                                        pd.Series(sku).map(prices["unit_price"]).to_numpy(float),
                                        unit_price))
    made_to_order = pd.Series(sku).map(prices["made_to_order"]).fillna(False).to_numpy(bool)
    as_of64 = np.datetime64(as_day(as_of), "ns")
    priority = bundle_lines["priority"].to_numpy(dtype=float, na_value=np.nan)
    order_date = bundle_lines["order_date"].to_numpy("datetime64[ns]")
    queue = {
        "order_id": bundle_lines["order_id"].astype(str).to_numpy(object), "sku": sku,
        "customer": bundle_lines["customer"].to_numpy(object) if "customer" in bundle_lines
        else np.full(n, None, dtype=object),
        "quantity": bundle_lines["quantity"].to_numpy(dtype=float),
        "order_date": np.where(np.isnat(order_date), as_of64, order_date),
        "promised_date": bundle_lines["promised_date"].to_numpy("datetime64[ns]"),
        "priority": priority, "unit_price": unit_price,
    }
    facts = _line_facts(queue, as_of64, int(horizon_days), covered, ship_day, unit_price,
                        made_to_order, cancel_rate_per_day, promise_buffer_days)
    facts["filled_from"], facts["filled_from_kind"], facts["overdue_po"] = filled, kind, overdue
    queue_key = pd.DataFrame({"sku": sku, "p": np.where(np.isnan(priority), np.inf, priority),
                              "d": queue["order_date"], "o": queue["order_id"]})
    queue_key = queue_key.sort_values(["sku", "p", "d", "o"], kind="stable")
    facts["queue_position"] = (queue_key.groupby("sku").cumcount() + 1).reindex(
        range(n)).to_numpy(np.int64)
    facts["flag_reasons"] = _flag_reasons(facts, covered)
    for name in ("days_until_ship", "days_late"):
        facts[name] = pd.arrays.IntegerArray(facts[name], facts[name + "_missing"])
    facts["quantity"] = queue["quantity"].astype(np.int64)
    kits = pd.DataFrame({name: facts[name] for name in own.columns})
    combined = pd.concat([own, kits], ignore_index=True)
    combined = combined.sort_values(["sku", "queue_position"], kind="stable").reset_index(
        drop=True)
    return _with_lines(projection, combined, as_of, horizon_days, cancel_rate_per_day,
                       split_shipment_cost)


def _with_lines(projection: Projection, lines: pd.DataFrame, as_of: Any, horizon_days: int,
                cancel_rate_per_day: float, split_shipment_cost: float) -> Projection:
    """The projection with new order lines: the book's existing part and the orders redone."""
    horizon = int(horizon_days)
    book = projection.book.copy()
    day = lines["days_until_ship"].to_numpy(dtype=float, na_value=np.nan)
    bucket = np.where(np.isnan(day) | (day >= horizon), horizon, day).astype(np.int64)
    quantity = lines["quantity"].to_numpy(dtype=float)
    value = lines["value"].to_numpy(dtype=float)
    shipped_units = np.bincount(bucket, weights=quantity, minlength=horizon + 1)[:horizon]
    shipped_value = np.bincount(bucket, weights=value, minlength=horizon + 1)[:horizon]
    book["existing_units"] = np.maximum(quantity.sum() - np.cumsum(shipped_units), 0.0)
    book["existing_value"] = np.maximum(value.sum() - np.cumsum(shipped_value), 0.0)
    book["total_units"] = book["existing_units"] + book["new_units"]
    book["total_value"] = book["existing_value"] + book["new_value"]
    orders = multi_line_orders(lines, as_of=as_day(as_of), cancel_rate_per_day=cancel_rate_per_day,
                               split_shipment_cost=split_shipment_cost)
    return Projection(lines=lines, book=book, on_hand=projection.on_hand,
                      new_backorders=projection.new_backorders,
                      stockout_date=projection.stockout_date, orders=orders,
                      shortage=projection.shortage, short_units=projection.short_units)


def bundle_sku_rows(table: pd.DataFrame, flat: pd.DataFrame, bundle_lines: pd.DataFrame,
                    products: pd.DataFrame) -> pd.DataFrame:
    """The plan's SKU table with a row per active bundle: never purchased (no suggestion, no
    policy of its own), on hand = the kits its components' stock can make, backordered = its
    own open lines, stockout date = its first component's."""
    if flat.empty:
        return table
    active = products[products["active"].astype(bool)].drop_duplicates("sku").set_index("sku")
    kits = flat[flat["bundle_sku"].isin(active.index)]
    if kits.empty:
        return table
    comp = table.set_index("sku")
    on_hand = kits["component_sku"].map(comp["on_hand"]).fillna(0.0) // kits["quantity"]
    cost = kits["component_sku"].map(comp["unit_cost"]).fillna(0.0) * kits["quantity"]
    stockout = pd.to_datetime(kits["component_sku"].map(comp["stockout_date"]))
    quantity = kits["quantity"].round().astype(int).astype(str)
    recipe = (quantity + " × " + kits["component_sku"]).groupby(kits["bundle_sku"]).agg(
        " + ".join)
    by_kit = pd.DataFrame({"on_hand": on_hand.groupby(kits["bundle_sku"]).min(),
                           "unit_cost": cost.groupby(kits["bundle_sku"]).sum(),
                           "stockout_date": stockout.groupby(kits["bundle_sku"]).min()})
    waiting = (bundle_lines.groupby("sku")["quantity"].sum() if len(bundle_lines)
               else pd.Series(dtype=float))
    skus = by_kit.index
    backordered = waiting.reindex(skus).fillna(0).astype(int)
    p = active.reindex(skus)
    rows = pd.DataFrame({
        "sku": skus, "name": p["name"].to_numpy(object), "supplier": p["supplier"].to_numpy(object),
        "forecast_model": "bundle", "demand_class": "bundle",
        "forecast_why": "planned as its components", "demand_per_day": 0.0,
        "demand_std_per_day": 0.0, "lead_time_days": 0.0, "safety_stock": 0.0,
        "reorder_point": 0.0, "order_up_to": 0.0,
        "on_hand": by_kit["on_hand"].astype(int).to_numpy(), "on_hold": 0, "on_order": 0,
        "backordered": backordered.to_numpy(),
        "inventory_position": (by_kit["on_hand"].astype(int) - backordered).to_numpy(),
        "stockout_date": by_kit["stockout_date"].to_numpy("datetime64[ns]"),
        "suggested_order_qty": 0, "order_by": pd.NaT, "expected_arrival": pd.NaT,
        "why": ("bundle of " + recipe.reindex(skus) + ": never purchased; its sales, "
                "backorders and forecast are planned on its components").to_numpy(object),
        "unit_cost": by_kit["unit_cost"].to_numpy(float),
        "unit_price": p["unit_price"].to_numpy(float),
        "made_to_order": p["made_to_order"].fillna(False).to_numpy(bool),
        "is_bundle": True, "below_reorder_point": False, "stock_value": 0.0,
    })
    table = table.assign(is_bundle=False)
    columns = list(table.columns)
    out = pd.concat([table, rows.reindex(columns=columns)], ignore_index=True)
    for column in columns:
        if table[column].dtype == bool:
            out[column] = out[column].fillna(False).astype(bool)
    return out.sort_values("sku", kind="stable").reset_index(drop=True)
