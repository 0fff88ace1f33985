"""The import kinds of docs/reference.md: their columns, and telling a file's kind from its header."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from planner.errors import UserError


@dataclass(frozen=True)
class Column:
    """One column of an import kind. ``type`` names a parser in parsing.py."""

    name: str
    type: str
    required: bool = False
    blank_ok: bool = False  # a required column whose cells may be empty


@dataclass(frozen=True)
class Kind:
    """An import kind: its columns, the key that identifies a row, and known-but-unused columns."""

    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()
    description: str = ""
    ignored: frozenset[str] = field(default_factory=frozenset)
    #: At least one of these columns must be in the header (and filled in each row).
    one_of: tuple[str, ...] = ()
    #: (pattern, replacement) rewrites of a normalized header name, for spellings the file's
    #: owner writes differently from ours (Shopify's "On hand (current)" is on_hand).
    rewrites: tuple[tuple[str, str], ...] = ()

    @property
    def required(self) -> list[str]:
        return [c.name for c in self.columns if c.required]

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    def header_key(self, name: object) -> str:
        """The column name a header cell means in a file of this kind."""
        return _rewrite(normalize_header(name), self.rewrites)


def normalize_header(name: object) -> str:
    """Header text as matched: case-insensitive, surrounding spaces ignored, inner spaces as '_'."""
    text = "" if name is None else str(name)
    text = text.replace("\ufeff", "").strip().lower()
    return re.sub(r"[\s\-]+", "_", text)


def _rewrite(key: str, rewrites: Iterable[tuple[str, str]]) -> str:
    for pattern, replacement in rewrites:
        key = re.sub(pattern, replacement, key)
    return key


def _c(name: str, type_: str, required: bool = False, blank_ok: bool = False) -> Column:
    return Column(name, type_, required, blank_ok)


SHOPIFY_ORDER_COLUMNS = [
    "Name", "Email", "Financial Status", "Paid at", "Fulfillment Status", "Fulfilled at",
    "Accepts Marketing", "Currency", "Subtotal", "Shipping", "Taxes", "Total", "Discount Code",
    "Discount Amount", "Shipping Method", "Created at", "Lineitem quantity", "Lineitem name",
    "Lineitem price", "Lineitem compare at price", "Lineitem sku", "Lineitem requires shipping",
    "Lineitem taxable", "Lineitem fulfillment status", "Billing Name", "Billing Street",
    "Billing Address1", "Billing Address2", "Billing Company", "Billing City", "Billing Zip",
    "Billing Province", "Billing Country", "Billing Phone", "Shipping Name", "Shipping Street",
    "Shipping Address1", "Shipping Address2", "Shipping Company", "Shipping City", "Shipping Zip",
    "Shipping Province", "Shipping Country", "Shipping Phone", "Notes", "Note Attributes",
    "Cancelled at", "Payment Method", "Payment Reference", "Refunded Amount", "Vendor",
    "Outstanding Balance", "Employee", "Location", "Device ID", "Id", "Tags", "Risk Level",
    "Source", "Lineitem discount", "Tax 1 Name", "Tax 1 Value", "Tax 2 Name", "Tax 2 Value",
    "Tax 3 Name", "Tax 3 Value", "Tax 4 Name", "Tax 4 Value", "Tax 5 Name", "Tax 5 Value",
    "Phone", "Receipt Number", "Duties", "Billing Province Name", "Shipping Province Name",
    "Payment ID", "Payment Terms Name", "Next Payment Due At", "Payment References",
]

#: Shopify Admin > Products > Inventory > Export, in its older header spelling.
SHOPIFY_INVENTORY_COLUMNS = [
    "Handle", "Title", "Option1 Name", "Option1 Value", "Option2 Name", "Option2 Value",
    "Option3 Name", "Option3 Value", "SKU", "HS Code", "COO", "Location", "Incoming",
    "Unavailable", "Committed", "Available", "On hand",
]

#: The same export as Shopify writes it now: a Bin name column, the quantities Shopify computes
#: marked "(not editable)", and On hand as the current count next to a column for a new one.
SHOPIFY_INVENTORY_COLUMNS_CURRENT = [
    *SHOPIFY_INVENTORY_COLUMNS[:12], "Bin name", "Incoming (not editable)",
    "Unavailable (not editable)", "Committed (not editable)", "Available (not editable)",
    "On hand (current)", "On hand (new)",
]

#: A parenthesised note after a Shopify quantity header: "(new)" names the column for a count
#: to be imported into Shopify (on_hand_new); any other note ("(not editable)", "(current)")
#: leaves the quantity it describes.
_SHOPIFY_SUFFIXES = ((r"^(.+?)_*\(_*new_*\)$", r"\1_new"), (r"^(.+?)_*\([^()]*\)$", r"\1"))

#: Shopify's quantity columns, any one of which tells a location's stock.
SHOPIFY_QUANTITIES = ("on_hand", "available", "on_hand_new", "available_new")

_KINDS = [
    Kind("products", (
        _c("sku", "key", True), _c("name", "text"), _c("supplier", "key"),
        _c("supplier_sku", "key"), _c("unit_cost", "money"), _c("unit_price", "money"),
        _c("lead_time_days", "number"), _c("lead_time_std_days", "number"), _c("moq", "units"),
        _c("case_pack", "pack"), _c("service_level", "fraction"), _c("made_to_order", "bool"),
        _c("active", "bool"), _c("like_sku", "key"), _c("like_factor", "number"),
        _c("unit_volume_m3", "number"), _c("unit_weight_kg", "number"),
    ), key=("sku",), description="your catalogue: one row per SKU"),
    Kind("suppliers", (
        _c("supplier", "key", True), _c("email", "text"), _c("lead_time_days", "number"),
        _c("lead_time_std_days", "number"), _c("min_order_value", "money"),
        _c("currency", "currency"), _c("contact", "text"), _c("address", "text"),
        _c("order_cycle_days", "units"), _c("freight_pct", "number"), _c("duty_pct", "number"),
        _c("container_m3", "positive"), _c("max_weight_kg", "positive"),
    ), key=("supplier",), description="one row per supplier"),
    Kind("sales", (
        _c("date", "date", True), _c("sku", "key", True), _c("quantity", "units", True),
        _c("order_id", "key"), _c("unit_price", "money"), _c("channel", "text"),
    ), key=("order_id", "sku", "date"), description="customer order lines at order date"),
    Kind("inventory", (
        _c("sku", "key", True), _c("on_hand", "units", True), _c("on_hold", "units"),
        _c("hold_release_date", "date"), _c("location", "text"), _c("snapshot_date", "date"),
    ), key=("sku", "location", "snapshot_date"),
        description="a stock snapshot dated snapshot_date (default today): replaces the snapshot "
                    "of that date; earlier ones are kept as stock history"),
    Kind("purchase_orders", (
        _c("po_number", "key", True), _c("sku", "key", True), _c("quantity", "units", True),
        _c("expected_date", "date", True), _c("supplier", "key"), _c("order_date", "date"),
        _c("received_quantity", "units"), _c("received_date", "date"),
        _c("status", "status"), _c("unit_cost", "money"),
        _c("confirmed_quantity", "units"), _c("confirmed_date", "date"),
        _c("supplier_comment", "text"),
    ), key=("po_number", "sku"), description="purchase order lines"),
    Kind("backorders", (
        _c("order_id", "key", True), _c("sku", "key", True), _c("quantity", "units", True),
        _c("order_date", "date", True), _c("promised_date", "date"), _c("unit_price", "money"),
        _c("priority", "signed"), _c("customer", "text"),
    ), key=("order_id", "sku"), description="open customer order lines: replaces the open set"),
    Kind("forecast_overrides", (
        _c("sku", "key", True), _c("demand_per_day", "number", True),
        _c("demand_std_per_day", "number"), _c("start_date", "date"), _c("end_date", "date"),
    ), key=("sku",), description="manual demand rates per SKU"),
    Kind("fx_rates", (
        _c("currency", "currency", True), _c("rate", "positive", True), _c("date", "date"),
    ), key=("currency", "date"),
        description="exchange rates: one unit of currency in the workspace currency"),
    Kind("price_breaks", (
        _c("sku", "key", True), _c("min_quantity", "units", True),
        _c("unit_cost", "money", True), _c("supplier", "key"),
    ), key=("sku", "supplier", "min_quantity"),
        description="quantity discounts: the unit cost from min_quantity units in one line"),
    Kind("bundles", (
        _c("bundle_sku", "key", True), _c("component_sku", "key", True),
        _c("quantity", "units", True),
    ), key=("bundle_sku", "component_sku"),
        description="bundles (kits): each bundle's components; replaces the bundles it names"),
    Kind("events", (
        _c("name", "key", True), _c("start_date", "date", True), _c("end_date", "date", True),
        _c("sku", "key"), _c("supplier", "key"), _c("uplift_pct", "signed"),
        _c("uplift_units", "signed"),
    ), key=("name", "sku", "supplier"),
        description="known demand events: uplift_pct % or uplift_units per day between the dates"),
    Kind("shopify_orders", (
        _c("name", "key", True), _c("created_at", "date", True),
        _c("lineitem_quantity", "units", True), _c("lineitem_name", "text", True),
        _c("lineitem_sku", "key"), _c("lineitem_price", "money"),
        _c("lineitem_requires_shipping", "bool"), _c("lineitem_fulfillment_status", "text"),
        _c("fulfillment_status", "text"), _c("financial_status", "text"),
        _c("cancelled_at", "text"), _c("billing_name", "text"), _c("email", "text"),
    ), description="Shopify Admin > Orders > Export",
        ignored=frozenset(normalize_header(c) for c in SHOPIFY_ORDER_COLUMNS)),
    Kind("shopify_inventory", (
        _c("handle", "text", True), _c("title", "text"), _c("option1_value", "text"),
        _c("option2_value", "text"), _c("option3_value", "text"),
        _c("sku", "key", True, blank_ok=True),
        _c("location", "text"), _c("unavailable", "count"), _c("committed", "count"),
        _c("available", "count"), _c("on_hand", "count"), _c("on_hand_new", "count"),
        _c("available_new", "count"),
    ), description="Shopify Admin > Products > Inventory > Export",
        ignored=frozenset(name for c in SHOPIFY_INVENTORY_COLUMNS + SHOPIFY_INVENTORY_COLUMNS_CURRENT
                          for name in (normalize_header(c),
                                       _rewrite(normalize_header(c), _SHOPIFY_SUFFIXES))),
        one_of=SHOPIFY_QUANTITIES, rewrites=_SHOPIFY_SUFFIXES),
]

#: Every import kind by name, in the order files are written within one import.
KINDS: dict[str, Kind] = {k.name: k for k in _KINDS}


class KindError(UserError, ValueError):
    """A file whose kind cannot be told from its header (or a kind name that does not exist)."""


def _needs(kind: Kind) -> str:
    needs = ", ".join(kind.required)
    if kind.one_of:
        needs += " and one of " + ", ".join(kind.one_of)
    return needs


def _describe(kinds: Iterable[Kind]) -> str:
    return "; ".join(f"{k.name} needs {_needs(k)}" for k in kinds)


def _fits(kind: Kind, header: set[str]) -> bool:
    return set(kind.required) <= header and (not kind.one_of or bool(header & set(kind.one_of)))


#: How alike a header name must be to a missing required column to be read as its misspelling
#: (difflib's ratio: "quanity" is 0.93 of "quantity").
NEAR_SPELLING = 0.8


def near_spellings(kind: Kind, names: Iterable[object]) -> dict[str, str]:
    """Each required column of ``kind`` missing from a header → the header name that is a near
    spelling of it (``quanity`` for ``quantity``), where there is one."""
    header = [kind.header_key(c) for c in names]
    present = set(header) - {""}
    strangers = [h for h in dict.fromkeys(header)
                 if h and h not in kind.column_names and h not in kind.ignored]
    found = {}
    for column in kind.required:
        if column not in present:
            close = difflib.get_close_matches(column, strangers, n=1, cutoff=NEAR_SPELLING)
            if close:
                found[column] = close[0]
    return found


def did_you_mean(near: dict[str, str]) -> str:
    """'did you mean `quantity` (not `quanity`)?' for each near spelling."""
    return "; ".join(f"did you mean `{column}` (the file says `{written}`)?"
                     for column, written in near.items())


def _near_kind(names: list[object], unexplained: set[str]) -> tuple[Kind, dict[str, str]] | None:
    """A kind that misses its required columns only by near spellings, one of which is left
    unexplained (by the kind otherwise chosen, when there is one)."""
    candidates = []
    for kind in _KINDS:
        header = {kind.header_key(c) for c in names} - {""}
        missing = [c for c in kind.required if c not in header]
        near = near_spellings(kind, names)
        if not missing or len(near) < len(missing) or not set(near.values()) & unexplained:
            continue
        if kind.one_of and not header & set(kind.one_of):
            continue
        explained = len(header & (set(kind.column_names) | kind.ignored)) + len(near)
        candidates.append((explained, kind, near))
    if not candidates:
        return None
    candidates.sort(key=lambda c: c[0], reverse=True)
    return candidates[0][1], candidates[0][2]


def detect_kind(columns: Iterable[object]) -> str:
    """The kind whose columns explain a header; KindError naming the candidates if unclear, or
    the near spelling when a header misses a kind's required column by one (spec "Import
    rules": never read as another kind)."""
    names = list(columns)
    scored = []
    for kind in _KINDS:
        header = {kind.header_key(c) for c in names} - {""}
        if _fits(kind, header):
            matched = len(header & (set(kind.column_names) | kind.ignored))
            scored.append((matched, len(kind.required) + bool(kind.one_of), kind, header))
    everything = {normalize_header(c) for c in names} - {""}
    scored.sort(key=lambda s: (s[0], s[1]), reverse=True)
    unexplained = (scored[0][3] - set(scored[0][2].column_names) - scored[0][2].ignored
                   if scored else everything)
    near = _near_kind(names, unexplained)
    if near is not None:
        kind, spellings = near
        instead = f", not {scored[0][2].name}" if scored else ""
        article = "an" if kind.name[0] in "aeiou" else "a"
        raise KindError(f"this looks like {article} {kind.name} file{instead}, but its required column "
                        + ", ".join(f"`{c}`" for c in spellings) + " is missing: "
                        + did_you_mean(spellings) + " Correct the header (or give --kind).")
    if not scored:
        raise KindError("cannot tell what kind of file this is from its header ("
                        + ", ".join(sorted(everything)) + "). The kinds and their required "
                        "columns: " + _describe(_KINDS) + ". Rename the header or give --kind.")
    best = [s for s in scored if s[:2] == scored[0][:2]]
    if len(best) > 1:
        raise KindError("the header fits several kinds equally well: "
                        + _describe(s[2] for s in best) + ". Give --kind to choose one.")
    return scored[0][2].name


def get_kind(name: str) -> Kind:
    """The kind called ``name``; KindError listing the kinds when there is none."""
    kind = KINDS.get(normalize_header(name))
    if kind is None:
        raise KindError(f"unknown kind {name!r}; the kinds are: {', '.join(KINDS)}")
    return kind
