"""Multi-line orders: ship the ready lines now or hold the whole order."""

from __future__ import annotations

import pandas as pd
import pytest
from backorder_frames import backorders, inventory, po_lines, products, project


@pytest.fixture
def orders() -> pd.DataFrame:
    # MUG 10 on hand (everything MUG ships today), CUP 5 on hand. TEE: PO-T1 1 unit on 4 Jun,
    # PO-T2 5 units on 22 Jun. BOWL: nothing coming.
    projection = project(
        stock=inventory(("MUG", 10), ("CUP", 5)),
        pos=po_lines(("PO-T1", "TEE", 1, "2025-06-04"), ("PO-T2", "TEE", 5, "2025-06-22")),
        catalogue=products(("MUG", 20.0), ("TEE", 30.0), ("BOWL", 15.0), ("CUP", 10.0)),
        queue=backorders(("#A", "MUG", 1, "2025-05-26"), ("#A", "TEE", 1, "2025-05-26"),
                         ("#B", "MUG", 3, "2025-05-28"), ("#B", "TEE", 1, "2025-05-28"),
                         ("#C", "MUG", 1, "2025-05-29"), ("#C", "BOWL", 1, "2025-05-29"),
                         ("#D", "MUG", 1, "2025-05-30"), ("#D", "CUP", 1, "2025-05-30"),
                         ("#E", "MUG", 1, "2025-05-31")))
    return projection.orders.set_index("order_id")


def test_only_orders_with_several_lines_are_listed(orders):
    assert list(orders.index) == ["#A", "#B", "#C", "#D"]
    assert orders["lines"].tolist() == [2, 2, 2, 2]
    assert orders["lines_shippable_now"].tolist() == [1, 1, 1, 2]


def test_a_short_wait_is_not_worth_a_second_parcel(orders):
    # #A: the mug ships today, the tee in 2 days. Splitting keeps
    # 20 x (0.98^7 - 0.98^9) = 0.69 of expected revenue for 14.00 of shipping: hold.
    a = orders.loc["#A"]
    assert a["ship_partial_now_date"] == pd.Timestamp("2025-06-02")
    assert a["ship_complete_date"] == pd.Timestamp("2025-06-04")
    assert a["extra_shipments"] == 1 and a["extra_shipping_cost"] == pytest.approx(14.0)
    assert a["value_waiting"] == pytest.approx(30.0)
    assert a["value_kept_by_splitting"] == pytest.approx(20 * (0.98 ** 7 - 0.98 ** 9))
    assert a["recommendation"].startswith("hold for complete on 4 Jun")


def test_a_long_wait_for_one_line_makes_splitting_pay(orders):
    # #B: 3 mugs (60.00) ready now, the tee waits for PO-T2 on 22 Jun (20 days). Splitting keeps
    # 60 x (0.98^5 - 0.98^25) = 18.03 > 14.00: ship partial now.
    b = orders.loc["#B"]
    assert b["ship_complete_date"] == pd.Timestamp("2025-06-22")
    assert b["value_kept_by_splitting"] == pytest.approx(60 * (0.98 ** 5 - 0.98 ** 25))
    assert b["recommendation"].startswith("ship partial now")


def test_a_line_without_supply_means_ship_what_can_ship(orders):
    c = orders.loc["#C"]
    assert pd.isna(c["ship_complete_date"])
    assert c["extra_shipments"] == 1
    assert c["recommendation"] == "ship partial now: the rest has no known supply"


def test_an_order_that_ships_together_needs_no_decision(orders):
    d = orders.loc["#D"]
    assert d["extra_shipments"] == 0 and d["extra_shipping_cost"] == 0
    assert d["value_waiting"] == 0
    assert d["recommendation"] == "ships complete now: no split needed"


def test_split_shipment_cost_is_a_setting():
    projection = project(
        stock=inventory(("MUG", 1)), pos=po_lines(("PO-1", "TEE", 1, "2025-06-04")),
        catalogue=products(("MUG", 20.0), ("TEE", 30.0)), split_shipment_cost=0.5,
        queue=backorders(("#A", "MUG", 1, "2025-05-26"), ("#A", "TEE", 1, "2025-05-26")))
    row = projection.orders.iloc[0]
    assert row["extra_shipping_cost"] == pytest.approx(0.5)
    assert row["recommendation"].startswith("ship partial now")
