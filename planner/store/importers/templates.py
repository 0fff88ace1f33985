"""Template files for the import kinds: the kind's header and one example row to replace."""

from __future__ import annotations

import csv
from pathlib import Path

from planner.store.importers.kinds import Column, get_kind

#: an example cell for each column type (kinds.py names the types)
_EXAMPLE_BY_TYPE = {
    "key": "EXAMPLE-1", "text": "example", "money": "4.20", "number": "1", "units": "1",
    "pack": "1", "fraction": "0.95", "bool": "false", "date": "2026-01-15", "currency": "USD",
    "positive": "1", "status": "open", "signed": "0", "count": "1",
}
#: example cells for columns whose type alone would make a confusing example
_EXAMPLE_BY_NAME = {
    "sku": "EXAMPLE-SKU", "lineitem_sku": "EXAMPLE-SKU", "component_sku": "EXAMPLE-SKU",
    "like_sku": "", "bundle_sku": "EXAMPLE-KIT", "supplier": "Example Supplier",
    "supplier_sku": "", "po_number": "PO-EXAMPLE-1", "order_id": "EXAMPLE-ORDER-1",
    "name": "Example item", "email": "", "address": "", "contact": "", "like_factor": "",
    "lead_time_days": "30", "quantity": "10", "on_hand": "10", "lineitem_quantity": "1",
    "expected_date": "2026-02-15", "received_quantity": "0", "received_date": "",
    "confirmed_quantity": "", "confirmed_date": "", "hold_release_date": "", "on_hold": "0",
    "end_date": "2026-01-31", "cancelled_at": "", "handle": "example-item",
    "on_hand_new": "", "available_new": "", "title": "Example item",
    "lineitem_name": "Example item", "created_at": "2026-01-15", "location": "",
    "unit_price": "12.00", "lineitem_price": "12.00", "active": "true", "unit_volume_m3": "0.002",
    "unit_weight_kg": "0.5", "lead_time_std_days": "5", "case_pack": "12", "moq": "",
    "container_m3": "33", "max_weight_kg": "21000", "order_cycle_days": "14",
    "min_order_value": "", "freight_pct": "8", "duty_pct": "0", "snapshot_date": "",
    "demand_per_day": "2", "demand_std_per_day": "", "uplift_pct": "30", "uplift_units": "",
}
#: example cells that differ by kind: a price break's quantity and cost, a bundle's component
#: count, and a rate for a foreign currency
_EXAMPLE_BY_KIND = {
    ("price_breaks", "min_quantity"): "500", ("price_breaks", "unit_cost"): "3.90",
    ("bundles", "quantity"): "2", ("fx_rates", "currency"): "EUR", ("fx_rates", "rate"): "1.08",
}


def template_header(kind: str) -> list[str]:
    """The column names a file of this import kind is read by, in their documented order."""
    return get_kind(kind).column_names


def _example(kind: str, column: Column) -> str:
    """The example cell of one column: values a founder could keep (active, priced above cost,
    a parcel's volume, a 20 ft container)."""
    if (kind, column.name) in _EXAMPLE_BY_KIND:
        return _EXAMPLE_BY_KIND[(kind, column.name)]
    return _EXAMPLE_BY_NAME.get(column.name, _EXAMPLE_BY_TYPE.get(column.type, ""))


def write_template(kind: str, path: str | Path) -> Path:
    """Write a CSV template for an import kind: its header and one example row to replace."""
    target = Path(path)
    with target.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(template_header(kind))
        writer.writerow([_example(kind, c) for c in get_kind(kind).columns])
    return target
