"""Catalog health by hand: ABC / XYZ on a small catalog, excess and dead stock, bundles."""

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from planner.engine import catalog
from planner.engine.bundles import explode_backorders, explode_demand, flatten_bundles

AS_OF = dt.date(2025, 6, 2)


def test_abc_the_sku_that_crosses_80_percent_is_still_a():
    # values 500, 300, 100, 60, 40 of 1000: before-shares 0, .5, .8, .9, .96
    value = np.array([100, 500, 40, 300, 60], dtype=float)
    assert catalog.abc_classes(value).tolist() == ["B", "A", "C", "A", "B"]


def test_abc_without_value_is_c():
    assert catalog.abc_classes(np.array([0.0, 0.0])).tolist() == ["C", "C"]
    assert catalog.abc_classes(np.array([10.0, 0.0])).tolist() == ["A", "C"]


def _weekly(sku: str, quantities: list[int]) -> pd.DataFrame:
    """One sale a week on as_of − 7·w for week w = 0, 1, …"""
    dates = [pd.Timestamp(AS_OF) - pd.Timedelta(days=7 * w) for w in range(len(quantities))]
    return pd.DataFrame({"sku": sku, "date": dates, "quantity": quantities})


def test_xyz_by_the_coefficient_of_variation_of_weekly_demand():
    demand = pd.concat([
        _weekly("STEADY", [10, 10, 10, 10]),     # CV 0
        _weekly("WOBBLY", [15, 5, 15, 5]),       # mean 10, std 5: CV 0.5 (X, on the cut-off)
        _weekly("LUMPY", [0, 20, 0, 20]),        # mean 10, std 10: CV 1.0 (Y, on the cut-off)
        _weekly("RARE", [0, 0, 0, 40]),          # mean 10, std 17.3: CV 1.73: Z
    ])
    demand = demand[demand["quantity"] > 0]
    skus = ["STEADY", "WOBBLY", "LUMPY", "RARE", "NEVER"]
    cv = catalog.weekly_cv(demand, skus, AS_OF)
    assert cv[:4] == pytest.approx([0.0, 0.5, 1.0, np.sqrt(3.0)])
    assert np.isnan(cv[4])  # never sold
    assert catalog.xyz_classes(cv).tolist() == ["X", "X", "Y", "Z", "Z"]


def test_xyz_reads_only_the_weeks_since_the_first_sale():
    demand = _weekly("NEW", [10, 30])  # first sold a week ago: two weeks, 10 and 30
    cv = catalog.weekly_cv(demand, ["NEW"], AS_OF)
    assert cv[0] == pytest.approx(0.5)  # mean 20, std 10


def test_annual_units_are_annualised_from_a_recent_first_sale():
    demand = pd.DataFrame({"sku": ["A", "A", "B"],
                           "date": pd.to_datetime(["2025-06-02", "2025-03-05", "2024-01-01"]),
                           "quantity": [10, 10, 99]})
    units = catalog.annual_demand_units(demand, ["A", "B"], AS_OF)
    # A: 20 units over 90 days (Mar 5 … Jun 2) → 20 × 365 / 90; B: nothing in the last year
    assert units[0] == pytest.approx(20 * 365 / 90)
    assert units[1] == 0
    assert catalog.days_since_last_sale(demand, ["A", "B", "C"], AS_OF)[:2].tolist() == [0, 518]


def test_excess_is_position_above_order_up_to_and_demand_until_the_next_arrival():
    # position 300, order-up-to 100, demand 2/day over 30 days to the next arrival = 60:
    # excess 140 units at 5.00 = 700; 140 / 14 a week = 10 weeks to clear.
    demand = np.zeros((1, 60))
    demand[0, 1:] = 2.0
    before = catalog.demand_within(demand, np.array([30.0]))
    assert before[0] == 60
    out = catalog.excess_and_dead(
        position=np.array([300.0, 50.0, 20.0]), stock=np.array([280.0, 50.0, 20.0]),
        order_up_to=np.array([100.0, 100.0, 0.0]),
        demand_before_arrival=np.array([60.0, 0.0, 0.0]),
        landed_unit_cost=np.array([5.0, 3.0, 2.5]),
        days_since_sale=np.array([3.0, 200.0, np.nan]), dead_after_days=180,
        demand_per_day=np.array([2.0, 0.0, 0.0]))
    assert out["excess_units"].tolist() == [140, 0, 20]
    assert out["excess_value"].tolist() == [700.0, 0.0, 50.0]
    assert out["weeks_to_clear"].iloc[0] == pytest.approx(10.0)
    # dead: 50 units not sold for 200 days (≥ 180) and 20 never sold
    assert out["dead_stock"].tolist() == [False, True, True]
    assert out["dead_stock_value"].tolist() == [0.0, 150.0, 50.0]


def test_bundles_of_bundles_resolve_to_leaf_components():
    bundles = pd.DataFrame({"bundle_sku": ["DUO", "DUO", "BIG", "BIG"],
                            "component_sku": ["MUG", "TEA", "DUO", "TEA"],
                            "quantity": [1, 2, 3, 1]})
    flat = flatten_bundles(bundles)
    got = {(b, c): q for b, c, q in flat.itertuples(index=False)}
    assert got == {("BIG", "MUG"): 3, ("BIG", "TEA"): 7, ("DUO", "MUG"): 1, ("DUO", "TEA"): 2}


def test_a_bundle_containing_itself_is_refused():
    bundles = pd.DataFrame({"bundle_sku": ["A", "B"], "component_sku": ["B", "A"],
                            "quantity": [1, 1]})
    with pytest.raises(ValueError, match="contains itself"):
        flatten_bundles(bundles)


def test_bundle_sales_are_component_demand_on_the_same_day():
    flat = flatten_bundles(pd.DataFrame({"bundle_sku": ["GIFT", "GIFT"],
                                         "component_sku": ["MUG", "TEA"], "quantity": [1, 2]}))
    day = pd.Timestamp("2025-05-01")
    demand = pd.DataFrame({"sku": ["GIFT", "MUG", "OTHER"], "date": [day] * 3,
                           "quantity": [3, 5, 1]})
    out = explode_demand(demand, flat).set_index("sku")["quantity"].to_dict()
    assert out == {"MUG": 8, "TEA": 6, "OTHER": 1}


def test_bundle_lines_become_component_lines_that_keep_the_bundle_value():
    flat = flatten_bundles(pd.DataFrame({"bundle_sku": ["GIFT", "GIFT"],
                                         "component_sku": ["MUG", "TEA"], "quantity": [1, 2]}))
    products = pd.DataFrame({"sku": ["MUG", "TEA", "GIFT"], "unit_price": [20.0, 10.0, 35.0]})
    lines = pd.DataFrame({"order_id": ["#2"], "sku": ["GIFT"], "quantity": [2],
                          "order_date": [pd.Timestamp("2025-05-21")], "unit_price": [35.0]})
    parts, kits = explode_backorders(lines, flat, products)
    assert parts.set_index("sku")["quantity"].to_dict() == {"MUG": 2, "TEA": 4}
    # 70 split by list price: MUG 20 × 1, TEA 10 × 2 → half each
    value = (parts["quantity"] * parts["unit_price"]).tolist()
    assert value == pytest.approx([35.0, 35.0])
    assert len(kits) == 1 and kits["bundle_ref"].iloc[0] == 0
