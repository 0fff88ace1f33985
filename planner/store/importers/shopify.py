"""Shopify Admin's Orders and Inventory exports turned into sales, open order lines and stock.

Orders export: one row per line item; an order's later rows leave order-level columns blank.
Rules (docs/reference.md): Name is the order_id; line items are sales at the order's local date; lines of
cancelled orders are not demand; lines that need no shipping (tips, gift cards) are skipped; a
physical line without SKU is keyed by its line-item name; unfulfilled lines of orders that are
not cancelled are open order lines. Refunded orders stay demand (the customer did order), but a
fully refunded order owes nothing, so its unfulfilled lines are not open order lines.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from planner.store.importers.loading import Cells, ParsedFile
from planner.store.importers.problems import plural

#: Columns Shopify writes only on an order's first row.
ORDER_LEVEL = ("created_at", "cancelled_at", "fulfillment_status", "financial_status",
               "billing_name", "email")
_OPEN_LINE = {"pending", "unfulfilled", "partial", "partially_fulfilled"}
_NOT_OWED = {"refunded", "voided"}
SKIP_CANCELLED = "line items of cancelled orders (not demand)"
SKIP_NO_SHIPPING = "line items that need no shipping (tips, gift cards)"
SKIP_ZERO = "line items with quantity 0"


def carry_order_columns(cells: dict[str, Cells]) -> dict[str, Cells]:
    """Give every row of an order its order-level values (the first filled one, by Name)."""
    if "name" not in cells:
        return cells
    order = cells["name"].codes
    out = dict(cells)
    for column in ORDER_LEVEL:
        if column not in cells:
            continue
        codes = pd.Series(np.where(cells[column].codes < 0, np.nan, cells[column].codes))
        first = codes.groupby(order).transform("first").to_numpy()
        filled = np.where(np.isnan(first), -1, first).astype(np.int64)
        out[column] = Cells(np.where(order < 0, cells[column].codes, filled),
                            cells[column].uniques)
    return out


@dataclass
class ShopifyOrders:
    """What one Orders export means for the workspace."""

    sales: pd.DataFrame          # order_id, sku, date, quantity, unit_price, channel
    backorders: pd.DataFrame     # order_id, sku, quantity, order_date, unit_price, customer
    order_ids: list[str]         # every order in the file (their lines are replaced)
    product_names: dict[str, str]
    skipped_reasons: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def _lower(frame: pd.DataFrame, column: str) -> pd.Series:
    if column not in frame:
        return pd.Series("", index=frame.index)
    return frame[column].fillna("").astype(str).str.strip().str.lower()


def _weighted_price(frame: pd.DataFrame, keys: list[str], first: tuple[str, ...] = ()
                    ) -> pd.DataFrame:
    """Sum quantities per key; the unit price is the quantity-weighted mean of its lines; other
    columns (``first``) take the key's first line's value. Rows keep the file's order."""
    quantity = frame["quantity"].astype(float)
    priced = frame["unit_price"].notna()
    work = frame.assign(_value=(frame["unit_price"] * quantity).where(priced, 0.0),
                        _priced=quantity.where(priced, 0.0))
    spec = {"quantity": ("quantity", "sum"), "_value": ("_value", "sum"),
            "_priced": ("_priced", "sum"), "_first": ("_row", "min"),
            **{c: (c, "first") for c in first}}
    grouped = work.groupby(keys, sort=False).agg(**spec)
    has_price = grouped["_priced"] > 0
    grouped["unit_price"] = (grouped["_value"] / grouped["_priced"].where(has_price)).round(6)
    return (grouped.reset_index().sort_values("_first")
            .drop(columns=["_value", "_priced", "_first"]).reset_index(drop=True))


def order_lines(parsed: ParsedFile) -> ShopifyOrders:
    """Sales and open order lines of a checked Shopify Orders export."""
    f = parsed.frame.copy()
    f["quantity"] = f["lineitem_quantity"].astype("Int64")
    f["unit_price"] = (f["lineitem_price"] if "lineitem_price" in f
                       else pd.Series(np.nan, index=f.index)).astype(float)
    requires = (f["lineitem_requires_shipping"].fillna(True).astype(bool)
                if "lineitem_requires_shipping" in f else pd.Series(True, index=f.index))
    cancelled = (f["cancelled_at"].notna() if "cancelled_at" in f
                 else pd.Series(False, index=f.index))
    given_sku = f["lineitem_sku"] if "lineitem_sku" in f else pd.Series(None, index=f.index)
    named = given_sku.isna() & requires & ~cancelled
    f["sku"] = given_sku.where(given_sku.notna(), f["lineitem_name"])
    f["order_id"] = f["name"]
    zero = f["quantity"].fillna(0) == 0
    skipped = {SKIP_CANCELLED: int(cancelled.sum()),
               SKIP_NO_SHIPPING: int((~cancelled & ~requires).sum()),
               SKIP_ZERO: int((~cancelled & requires & zero).sum())}
    demand = (~cancelled & requires & ~zero).to_numpy()
    lines = f[demand]
    sales = _weighted_price(lines.assign(date=lines["created_at"]),
                            ["order_id", "sku", "date"]).assign(channel="shopify")
    line_status = _lower(lines, "lineitem_fulfillment_status")
    order_status = _lower(lines, "fulfillment_status")
    financial = _lower(lines, "financial_status")
    open_line = (line_status.isin(_OPEN_LINE)
                 | ((line_status == "") & ~order_status.isin({"fulfilled", "restocked"})))
    open_line &= ~financial.isin(_NOT_OWED)
    waiting = lines[open_line.to_numpy()]
    customer = (waiting["billing_name"] if "billing_name" in waiting
                else pd.Series(None, index=waiting.index)).astype(object)
    if "email" in waiting:
        customer = customer.where(customer.notna(), waiting["email"].astype(object))
    backorders = _weighted_price(
        waiting.assign(order_date=waiting["created_at"], customer=customer),
        ["order_id", "sku"], first=("order_date", "customer"))

    notes = []
    name_keys = sorted(set(f.loc[named, "sku"].dropna()))
    if name_keys:
        notes.append(f"{plural(len(name_keys), 'line item')} without SKU keyed by "
                     "line-item name: " + ", ".join(repr(k) for k in name_keys))
    refunded = sorted(set(lines.loc[financial.isin({"refunded", "partially_refunded"})
                                    .to_numpy(), "order_id"]))
    if refunded:
        notes.append(f"{plural(len(refunded), 'refunded order')} kept as demand: "
                     + ", ".join(refunded))
    cancelled_orders = sorted(set(f.loc[cancelled, "order_id"]))
    if cancelled_orders:
        notes.append(f"{plural(len(cancelled_orders), 'cancelled order')} not counted as "
                     "demand: " + ", ".join(cancelled_orders))
    names = f[~cancelled & requires].drop_duplicates("sku")
    return ShopifyOrders(
        sales=sales[["order_id", "sku", "date", "quantity", "unit_price", "channel"]],
        backorders=backorders[["order_id", "sku", "quantity", "order_date", "unit_price",
                               "customer"]],
        order_ids=sorted(set(f["order_id"].dropna())),
        product_names=dict(zip(names["sku"], names["lineitem_name"], strict=True)),
        skipped_reasons={k: v for k, v in skipped.items() if v},
        notes=notes)


@dataclass
class ShopifyStock:
    """What one Inventory export means for the workspace: one stock row per SKU."""

    inventory: pd.DataFrame      # sku, location, on_hand, on_hold
    product_names: dict[str, str]
    notes: list[str] = field(default_factory=list)


def _variant_name(f: pd.DataFrame) -> pd.Series:
    """Shopify's line-item name for a variant: 'Title - Option1 / Option2' (or just Title)."""
    title = f["title"].fillna(f["handle"]) if "title" in f else f["handle"]
    variant = pd.Series("", index=f.index, dtype=object)
    for column in ("option1_value", "option2_value", "option3_value"):
        if column not in f:
            continue
        value = f[column].fillna("").replace("Default Title", "")
        variant = variant.where(value == "", variant.where(variant == "", variant + " / ") + value)
    return title.where(variant == "", title + " - " + variant)


def _first_given(f: pd.DataFrame, *names: str) -> pd.Series:
    """Per row, the first of the columns that is in the file and filled (else missing)."""
    out = pd.Series(pd.NA, index=f.index, dtype="Int64")
    for name in names:
        if name in f:
            out = out.fillna(f[name])
    return out


def stock_levels(parsed: ParsedFile) -> ShopifyStock:
    """Per SKU, summed over locations: on_hand = On hand - Unavailable, on_hold = Unavailable.

    On hand is Shopify's current count (``On hand`` or ``On hand (current)``; ``On hand (new)``
    when that is all a row gives); without one, on_hand = Available + Committed. A 'not
    stocked' cell was read as 0.
    """
    f = parsed.frame
    unavailable = _first_given(f, "unavailable").fillna(0)
    committed = _first_given(f, "committed").fillna(0)
    on_hand = _first_given(f, "on_hand", "on_hand_new")
    sellable = _first_given(f, "available", "available_new").fillna(0) + committed
    sellable = (on_hand - unavailable).where(on_hand.notna(), sellable)
    names = _variant_name(f)
    sku = f["sku"].where(f["sku"].notna(), names)
    stock = pd.DataFrame({"sku": sku, "on_hand": sellable.astype("int64"),
                          "on_hold": unavailable.astype("int64")})
    per_sku = stock.groupby("sku", sort=False).sum().reset_index()
    notes = []
    keyed = sorted(set(names[f["sku"].isna()]))
    if keyed:
        notes.append(f"{plural(len(keyed), 'variant')} without SKU keyed by product and "
                     "variant name: " + ", ".join(repr(k) for k in keyed))
    negative = per_sku["on_hand"] < 0
    if negative.any():
        notes.append(f"{plural(int(negative.sum()), 'SKU')} oversold (negative stock) "
                     "imported with on_hand 0: " + ", ".join(per_sku.loc[negative, "sku"]))
        per_sku.loc[negative, "on_hand"] = 0
    per_sku["on_hold"] = per_sku["on_hold"].clip(lower=0)
    locations = f["location"].nunique() if "location" in f else 1
    if locations > 1:
        notes.append(f"stock summed over {locations} locations")
    per_sku["location"] = ""
    first_names = pd.DataFrame({"sku": sku, "name": names}).drop_duplicates("sku")
    return ShopifyStock(per_sku[["sku", "location", "on_hand", "on_hold"]],
                        dict(zip(first_names["sku"], first_names["name"], strict=True)), notes)
