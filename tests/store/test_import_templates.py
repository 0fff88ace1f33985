"""The first-run templates: their example rows are values a founder can keep, and they import."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from planner.store import open_workspace
from planner.store.importers import KINDS, import_files
from planner.store.importers.templates import write_template


def _row(path: Path) -> dict[str, str]:
    with path.open(newline="", encoding="utf-8") as handle:
        return next(csv.DictReader(handle))


def test_every_template_imports_together_into_an_empty_workspace(tmp_path):
    paths = [write_template(kind, tmp_path / f"{kind}.csv") for kind in KINDS
             if not kind.startswith("shopify")]
    db = open_workspace(tmp_path / "new.db")
    try:
        import_files(db, paths)
        products = db.execute("SELECT active, unit_cost, unit_price FROM products "
                              "WHERE sku = 'EXAMPLE-SKU'").fetchall()
        skus = {sku for (sku,) in db.execute("SELECT sku FROM products")}
    finally:
        db.conn.close()
    assert products, "the products template brings a priced product"
    assert skus == {"EXAMPLE-SKU", "EXAMPLE-KIT"}  # every template names the same item
    assert all(active == 1 and price > cost for active, cost, price in products)


@pytest.mark.parametrize("kind", [k for k in KINDS if k.startswith("shopify")])
def test_a_shopify_template_imports_into_an_empty_workspace(tmp_path, kind):
    db = open_workspace(tmp_path / "new.db")
    try:
        import_files(db, [write_template(kind, tmp_path / f"{kind}.csv")])
    finally:
        db.conn.close()


def test_the_example_rows_are_values_a_founder_can_keep(tmp_path):
    product = _row(write_template("products", tmp_path / "products.csv"))
    supplier = _row(write_template("suppliers", tmp_path / "suppliers.csv"))
    assert product["active"] == "true" and product["made_to_order"] == "false"
    assert float(product["unit_price"]) > float(product["unit_cost"]) > 0
    assert 0 < float(product["unit_volume_m3"]) <= 0.01  # a parcel, not a cubic metre
    assert float(product["lead_time_std_days"] or 0) < float(product["lead_time_days"])
    assert float(supplier["container_m3"]) == 33  # a 20 ft container
    assert supplier["order_cycle_days"] in ("", "14")
    assert float(supplier["max_weight_kg"] or 1e9) > 10_000
    assert int(_row(write_template("bundles", tmp_path / "b.csv"))["quantity"]) <= 4
    breaks = _row(write_template("price_breaks", tmp_path / "pb.csv"))
    assert int(breaks["min_quantity"]) > 1 and float(breaks["unit_cost"]) < float(product["unit_cost"])
