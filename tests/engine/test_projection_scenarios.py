"""Hand-computed backorder drawdowns: who ships when, from what.

As of Monday 2 June 2025 unless said otherwise. Each test has the table a buyer would check by
hand: order -> (projected ship date, what fills it).
"""

from __future__ import annotations

import pandas as pd
import pytest
from backorder_frames import (
    AS_OF,
    backorders,
    demand,
    inventory,
    po_lines,
    products,
    project,
    ship_table,
)


def test_fifo_across_stock_hold_and_two_pos_with_dock_to_stock():
    # on hand 5: #1001 (4) ships today, 1 left; #1002 (3) needs 2 more: the hold of 4 released
    # 10 Jun; 2 left. PO-1 (10) is sellable 22 Jun (20 Jun + 2 days): 12 -> #1003 (8), 4 left.
    # #1004 (12) needs 8 more: PO-2 sellable 17 Jul.
    projection = project(
        stock=inventory(("MUG", 5, 4, "2025-06-10")),
        pos=po_lines(("PO-1", "MUG", 10, "2025-06-20"), ("PO-2", "MUG", 30, "2025-07-15")),
        queue=backorders(("#1001", "MUG", 4, "2025-05-20", "2025-06-05"),
                         ("#1002", "MUG", 3, "2025-05-21", "2025-06-05"),
                         ("#1003", "MUG", 8, "2025-05-25", "2025-06-30"),
                         ("#1004", "MUG", 12, "2025-05-28")),
        dock_to_stock_days=2)
    assert ship_table(projection) == {
        "#1001": ("2025-06-02", "on_hand"),
        "#1002": ("2025-06-10", "hold"),
        "#1003": ("2025-06-22", "PO-1"),
        "#1004": ("2025-07-17", "PO-2"),
    }
    lines = projection.lines.set_index("order_id")
    assert lines.loc["#1002", "days_late"] == 5
    assert lines.loc["#1003", "days_late"] == -8
    assert pd.isna(lines.loc["#1004", "days_late"])
    assert lines.loc["#1004", "quoted_date"] == pd.Timestamp("2025-07-20")
    assert list(lines["queue_position"]) == [1, 2, 3, 4]


def test_queue_is_by_order_date_not_by_row_order_across_three_pos():
    # PO-A 5 on 5 Jun, PO-B 5 on 12 Jun, PO-C 10 on 20 Jun; cumulative supply 5, 10, 20.
    # queue by order date: #1 3 (cum 3), #2 4 (7), #3 2 (9), #4 6 (15), #5 1 (16)
    projection = project(
        pos=po_lines(("PO-C", "MUG", 10, "2025-06-20"), ("PO-A", "MUG", 5, "2025-06-05"),
                     ("PO-B", "MUG", 5, "2025-06-12")),
        queue=backorders(("#4", "MUG", 6, "2025-05-04"), ("#1", "MUG", 3, "2025-05-01"),
                         ("#5", "MUG", 1, "2025-05-05"), ("#3", "MUG", 2, "2025-05-03"),
                         ("#2", "MUG", 4, "2025-05-02")))
    assert ship_table(projection) == {
        "#1": ("2025-06-05", "PO-A"),
        "#2": ("2025-06-12", "PO-B"),
        "#3": ("2025-06-12", "PO-B"),
        "#4": ("2025-06-20", "PO-C"),
        "#5": ("2025-06-20", "PO-C"),
    }
    assert list(projection.lines["order_id"]) == ["#1", "#2", "#3", "#4", "#5"]


def test_priority_lines_go_first_lower_number_first():
    # queue: #2 (priority 1), #3 (priority 2), then #1 and #4 by order date.
    # on hand 4 covers #2 (2) and #3 (1); #1 (cum 6) and #4 (cum 8) wait for PO-1 on 16 Jun.
    projection = project(
        stock=inventory(("MUG", 4)),
        pos=po_lines(("PO-1", "MUG", 10, "2025-06-16")),
        queue=backorders(("#1", "MUG", 3, "2025-05-01"),
                         ("#2", "MUG", 2, "2025-05-10", None, 1),
                         ("#3", "MUG", 1, "2025-05-05", None, 2),
                         ("#4", "MUG", 2, "2025-05-02")))
    assert ship_table(projection) == {
        "#2": ("2025-06-02", "on_hand"),
        "#3": ("2025-06-02", "on_hand"),
        "#1": ("2025-06-16", "PO-1"),
        "#4": ("2025-06-16", "PO-1"),
    }
    assert list(projection.lines["order_id"]) == ["#2", "#3", "#1", "#4"]


def test_a_partially_received_po_supplies_only_what_is_still_open():
    # PO-1 ordered 10, 6 already received (in on hand): 4 open on 9 Jun. PO-2 8 on 23 Jun.
    # #1 2 from stock; #2 4 (cum 6) exactly PO-1's open 4; #3 1 (cum 7) must wait for PO-2.
    projection = project(
        stock=inventory(("MUG", 2)),
        pos=po_lines(("PO-1", "MUG", 10, "2025-06-09", 6), ("PO-2", "MUG", 8, "2025-06-23")),
        queue=backorders(("#1", "MUG", 2, "2025-05-01"), ("#2", "MUG", 4, "2025-05-02"),
                         ("#3", "MUG", 1, "2025-05-03")))
    assert ship_table(projection) == {
        "#1": ("2025-06-02", "on_hand"),
        "#2": ("2025-06-09", "PO-1"),
        "#3": ("2025-06-23", "PO-2"),
    }


def test_cancelled_and_received_po_lines_supply_nothing():
    # PO-0 is received (its stock is in on hand, which is 0), PO-1 was cancelled: only PO-2 (5).
    projection = project(
        pos=po_lines(("PO-0", "MUG", 10, "2025-05-20", 10, "received"),
                     ("PO-1", "MUG", 20, "2025-06-05", 0, "cancelled"),
                     ("PO-2", "MUG", 5, "2025-06-25")),
        queue=backorders(("#1", "MUG", 3, "2025-05-01"), ("#2", "MUG", 4, "2025-05-02")))
    assert ship_table(projection) == {
        "#1": ("2025-06-25", "PO-2"),
        "#2": (None, None),
    }
    assert projection.lines.set_index("order_id").loc["#2", "uncovered"]


def test_an_overdue_po_is_assumed_to_arrive_today_plus_dock_to_stock():
    # PO-1 was due 20 May and has not arrived: assumed sellable 4 Jun (today + 2 days).
    pos = po_lines(("PO-1", "MUG", 6, "2025-05-20"), ("PO-2", "MUG", 10, "2025-06-10"))
    queue = backorders(("#1", "MUG", 4, "2025-05-01"), ("#2", "MUG", 5, "2025-05-02"))
    projection = project(pos=pos, queue=queue, dock_to_stock_days=2)
    assert ship_table(projection) == {
        "#1": ("2025-06-04", "PO-1"),
        "#2": ("2025-06-12", "PO-2"),
    }
    lines = projection.lines.set_index("order_id")
    assert lines.loc["#1", "overdue_po"] and not lines.loc["#2", "overdue_po"]
    assert "overdue PO" in lines.loc["#1", "flag_reasons"]

    # realistic mode: Kiln & Co is 5 days late on average. PO-1 is already later than that
    # (still today + 2); PO-2 moves to 15 Jun + 2 days.
    realistic = project(pos=pos, queue=queue, dock_to_stock_days=2,
                        lateness_days=pd.Series({"Kiln & Co": 5.0}))
    assert ship_table(realistic) == {
        "#1": ("2025-06-04", "PO-1"),
        "#2": ("2025-06-17", "PO-2"),
    }


def test_held_stock_is_supply_at_its_release_date():
    # location A: 1 on hand + 3 held until 9 Jun; B: 2 held with no date (today + 10 days
    # = 12 Jun); C: 1 held with a release date already past (available today).
    # #1 2: on hand 1 + past hold 1 today -> the hold completes it. #2 3 (cum 5): 9 Jun.
    # #3 2 (cum 7): the undated hold, 12 Jun.
    projection = project(
        stock=inventory(("MUG", 1, 3, "2025-06-09", "A"), ("MUG", 0, 2, None, "B"),
                        ("MUG", 0, 1, "2025-05-20", "C")),
        queue=backorders(("#1", "MUG", 2, "2025-05-01"), ("#2", "MUG", 3, "2025-05-02"),
                         ("#3", "MUG", 2, "2025-05-03")),
        hold_release_days=10)
    assert ship_table(projection) == {
        "#1": ("2025-06-02", "hold"),
        "#2": ("2025-06-09", "hold"),
        "#3": ("2025-06-12", "hold"),
    }


def test_a_line_no_supply_covers_is_flagged_and_later_lines_do_not_jump_the_queue():
    # 3 on hand + PO-1 4 = 7 known. #1 5 ships with PO-1; #2 4 (cum 9) is uncovered. #3 needs
    # only 1 and 2 units are left over, but it may not jump ahead of #2: uncovered too.
    projection = project(
        stock=inventory(("MUG", 3)),
        pos=po_lines(("PO-1", "MUG", 4, "2025-06-16")),
        queue=backorders(("#1", "MUG", 5, "2025-05-01"), ("#2", "MUG", 4, "2025-05-02"),
                         ("#3", "MUG", 1, "2025-05-03")))
    assert ship_table(projection) == {
        "#1": ("2025-06-16", "PO-1"),
        "#2": (None, None),
        "#3": (None, None),
    }
    lines = projection.lines.set_index("order_id")
    assert list(lines["uncovered"]) == [False, True, True]
    assert list(lines["notice_due"]) == [True, True, True]  # #1: 46 days, nothing promised
    assert lines.loc["#2", "flag_reasons"].startswith("no known supply")
    assert pd.isna(lines.loc["#2", "quoted_date"]) and pd.isna(lines.loc["#2", "days_until_ship"])
    # the 3 units on hand stay on the shelf for #1 until PO-1 lands
    assert projection.on_hand.loc["MUG", pd.Timestamp("2025-06-02")] == 3
    assert projection.on_hand.loc["MUG", pd.Timestamp("2025-06-16")] == 2


def test_made_to_order_lines_wait_without_alarms_unless_a_promise_passes():
    # TEE is made to order: PO-9 (2 units) lands 20 Jul. #1 ships then after 96 days without a
    # promise: no notice. #2 has no supply and its promise (1 Jun) has passed: late + notice.
    # #3 has no supply but is promised for 30 Aug: nothing to flag.
    projection = project(
        catalogue=products(("TEE", 30.0, True)),
        pos=po_lines(("PO-9", "TEE", 2, "2025-07-20")),
        queue=backorders(("#1", "TEE", 2, "2025-04-15"),
                         ("#2", "TEE", 1, "2025-04-20", "2025-06-01"),
                         ("#3", "TEE", 1, "2025-04-25", "2025-08-30")))
    assert ship_table(projection) == {
        "#1": ("2025-07-20", "PO-9"),
        "#2": (None, None),
        "#3": (None, None),
    }
    flags = projection.lines.set_index("order_id")[["uncovered", "late", "notice_due"]]
    assert flags.to_dict("index") == {
        "#1": {"uncovered": False, "late": False, "notice_due": False},
        "#2": {"uncovered": False, "late": True, "notice_due": True},
        "#3": {"uncovered": False, "late": False, "notice_due": False},
    }
    assert projection.lines["made_to_order"].all()


def test_dock_to_stock_days_delay_po_stock_but_not_stock_on_hand():
    stock = inventory(("MUG", 1))
    pos = po_lines(("PO-1", "MUG", 5, "2025-06-10"))
    queue = backorders(("#1", "MUG", 1, "2025-05-01"), ("#2", "MUG", 2, "2025-05-02"))
    assert ship_table(project(stock=stock, pos=pos, queue=queue, dock_to_stock_days=0)) == {
        "#1": ("2025-06-02", "on_hand"), "#2": ("2025-06-10", "PO-1")}
    assert ship_table(project(stock=stock, pos=pos, queue=queue, dock_to_stock_days=5)) == {
        "#1": ("2025-06-02", "on_hand"), "#2": ("2025-06-15", "PO-1")}


def test_cancel_probability_and_value_at_risk_by_hand():
    # #1 ordered 23 May (10 days ago), ships 12 Jun (in 10 days): 20 days waited.
    # 1 - 0.98^20 = 0.332392; value 2 x 20.00 = 40.00; at risk 13.2957.
    # #2 has no supply: counted to the last horizon day, 31 Jul (10 + 59 = 69 days).
    projection = project(
        pos=po_lines(("PO-1", "MUG", 2, "2025-06-12")),
        queue=backorders(("#1", "MUG", 2, "2025-05-23"), ("#2", "MUG", 1, "2025-05-23")))
    lines = projection.lines.set_index("order_id")
    assert lines.loc["#1", "days_waiting"] == 10
    assert lines.loc["#1", "days_until_ship"] == 10
    assert lines.loc["#1", "cancel_probability"] == pytest.approx(0.332392, abs=1e-6)
    assert lines.loc["#1", "value"] == pytest.approx(40.0)
    assert lines.loc["#1", "value_at_risk"] == pytest.approx(13.29568, abs=1e-4)
    assert lines.loc["#2", "cancel_probability"] == pytest.approx(1 - 0.98 ** 69)
    assert lines.loc["#2", "value_at_risk"] == pytest.approx(20 * (1 - 0.98 ** 69))
    faster = project(pos=po_lines(("PO-1", "MUG", 2, "2025-06-12")),
                     queue=backorders(("#1", "MUG", 2, "2025-05-23")), cancel_rate_per_day=0.05)
    assert faster.lines["cancel_probability"].iloc[0] == pytest.approx(1 - 0.95 ** 20)


def test_line_price_overrides_the_product_price():
    queue = backorders(("#1", "MUG", 2, "2025-05-23"), ("#2", "MUG", 1, "2025-05-24"))
    queue.loc[0, "unit_price"] = 15.0
    lines = project(queue=queue).lines.set_index("order_id")
    assert lines.loc["#1", "value"] == pytest.approx(30.0)
    assert lines.loc["#2", "value"] == pytest.approx(20.0)


def test_the_book_comes_down_as_pos_land():
    # 18 units open (value 360): PO-1 (5) on 10 Jun ships #1; PO-2 (10) on 20 Jun ships #2 and
    # #3; #4 (3) has no supply and stays in the book.
    projection = project(
        pos=po_lines(("PO-1", "MUG", 5, "2025-06-10"), ("PO-2", "MUG", 10, "2025-06-20")),
        queue=backorders(("#1", "MUG", 5, "2025-05-01"), ("#2", "MUG", 4, "2025-05-02"),
                         ("#3", "MUG", 6, "2025-05-03"), ("#4", "MUG", 3, "2025-05-04")))
    book = projection.book.set_index("date")
    expected = {"2025-06-02": 18, "2025-06-09": 18, "2025-06-10": 13, "2025-06-19": 13,
                "2025-06-20": 3, "2025-07-31": 3}
    for date, units in expected.items():
        assert book.loc[pd.Timestamp(date), "existing_units"] == units, date
        assert book.loc[pd.Timestamp(date), "existing_value"] == pytest.approx(units * 20.0)
    assert len(book) == 60 and (book["new_units"] == 0).all()
    assert (book["total_units"] == book["existing_units"]).all()


def test_forecast_demand_takes_what_is_left_and_becomes_new_backorders():
    # 10 on hand, #1 takes 4: 6 free. Forecast 1 a day from 3 Jun: served until 8 Jun (day 6);
    # 9 Jun the first unserved unit -> stockout date. PO-1 (20) on 12 Jun clears the 3 new
    # backorders and that day's demand: 30 - 4 - 10 = 16 left at the end of 12 Jun.
    projection = project(
        stock=inventory(("MUG", 10)),
        pos=po_lines(("PO-1", "MUG", 20, "2025-06-12")),
        queue=backorders(("#1", "MUG", 4, "2025-05-20")),
        demand_daily=demand({"MUG": 1.0}))
    on_hand = projection.on_hand.loc["MUG"]
    new = projection.new_backorders.loc["MUG"]
    expected = {  # date: (on hand at end of day, new backorders open)
        "2025-06-02": (6, 0), "2025-06-07": (1, 0), "2025-06-08": (0, 0), "2025-06-09": (0, 1),
        "2025-06-11": (0, 3), "2025-06-12": (16, 0), "2025-06-13": (15, 0),
    }
    for date, (stock, backordered) in expected.items():
        assert on_hand[pd.Timestamp(date)] == pytest.approx(stock), date
        assert new[pd.Timestamp(date)] == pytest.approx(backordered), date
    assert projection.stockout_date["MUG"] == pd.Timestamp("2025-06-09")
    book = projection.book.set_index("date")
    assert book.loc[pd.Timestamp("2025-06-11"), "new_units"] == pytest.approx(3)
    assert book.loc[pd.Timestamp("2025-06-11"), "new_value"] == pytest.approx(60.0)
    assert ship_table(projection) == {"#1": ("2025-06-02", "on_hand")}


def test_new_demand_waits_behind_an_uncovered_line():
    # strict queue: the 2 on hand are held for #1 (needs 5, no PO), so forecast demand is
    # unserved from day 1 and the SKU is out of stock for new customers.
    projection = project(stock=inventory(("MUG", 2)),
                         queue=backorders(("#1", "MUG", 5, "2025-05-20")),
                         demand_daily=demand({"MUG": 0.5, "CUP": 0.0}))
    assert projection.stockout_date["MUG"] == pd.Timestamp("2025-06-03")
    assert pd.isna(projection.stockout_date["CUP"])
    assert projection.on_hand.loc["MUG"].iloc[-1] == 2


def test_late_notice_and_update_flags():
    # promise buffer 3 days. Ship dates: #late 12 Jun (promised 6 Jun); #old 12 Jun, ordered
    # 1 May, no promise (42 days); #young 12 Jun, ordered 20 May (23 days): no notice.
    # #update ships 5 Jun, quoted 8 Jun (within 7 days), ordered 13 days ago: update due.
    # #fresh ships 5 Jun but was ordered 3 days ago: it was just quoted, no update.
    # #today ships today and was promised yesterday: late, but it gets its shipping notice.
    projection = project(
        stock=inventory(("CUP", 1)),
        pos=po_lines(("PO-1", "MUG", 3, "2025-06-12"), ("PO-2", "BOWL", 2, "2025-06-05")),
        catalogue=products(("MUG", 20.0), ("BOWL", 12.0), ("CUP", 8.0)),
        queue=backorders(("#late", "MUG", 1, "2025-05-02", "2025-06-06"),
                         ("#old", "MUG", 1, "2025-05-01"),
                         ("#young", "MUG", 1, "2025-05-20"),
                         ("#update", "BOWL", 1, "2025-05-20"),
                         ("#fresh", "BOWL", 1, "2025-05-30"),
                         ("#today", "CUP", 1, "2025-05-25", "2025-06-01")))
    lines = projection.lines.set_index("order_id")
    flags = lines[["late", "notice_due", "update_due"]].to_dict("index")
    assert flags == {
        "#late": {"late": True, "notice_due": True, "update_due": False},
        "#old": {"late": False, "notice_due": True, "update_due": False},
        "#young": {"late": False, "notice_due": False, "update_due": False},
        "#update": {"late": False, "notice_due": False, "update_due": True},
        "#fresh": {"late": False, "notice_due": False, "update_due": False},
        "#today": {"late": True, "notice_due": False, "update_due": False},
    }
    assert lines.loc["#late", "days_late"] == 6
    assert lines.loc["#update", "quoted_date"] == pd.Timestamp("2025-06-08")
    assert "late 6 d vs promise" in lines.loc["#late", "flag_reasons"]
    assert "over 30 d with no promise" in lines.loc["#old", "flag_reasons"]
    assert "mid-wait update due" in lines.loc["#update", "flag_reasons"]
    assert lines.loc["#young", "flag_reasons"] == ""


def test_supply_after_the_horizon_still_dates_the_line():
    # PO-9 lands 18 Dec 2025, 199 days out, past the 60-day horizon: the line gets the date.
    projection = project(pos=po_lines(("PO-9", "MUG", 5, "2025-12-18")),
                         queue=backorders(("#1", "MUG", 2, "2025-05-30")))
    lines = projection.lines.set_index("order_id")
    assert ship_table(projection) == {"#1": ("2025-12-18", "PO-9")}
    assert lines.loc["#1", "days_until_ship"] == 199
    assert lines.loc["#1", "beyond_horizon"] and not lines.loc["#1", "uncovered"]
    assert (projection.book["existing_units"] == 2).all()


def test_an_empty_workspace_projects_nothing():
    projection = project(catalogue=products())
    assert projection.lines.empty and projection.orders.empty
    assert len(projection.book) == 60 and (projection.book["total_units"] == 0).all()
    assert projection.on_hand.empty and projection.stockout_date.empty
    assert AS_OF.isoformat() == projection.book["date"].iloc[0].date().isoformat()


def test_a_po_line_without_a_date_and_a_sku_nobody_sells_are_handled():
    # PO-1 has no expected date: it is listed as supply but dates nothing. ZZZ is not in the
    # catalogue and has no supply: uncovered, valued at 0.
    projection = project(
        pos=po_lines(("PO-1", "MUG", 5, None), ("PO-2", "MUG", 5, "2025-06-10")),
        queue=backorders(("#1", "MUG", 2, "2025-05-01"), ("#2", "ZZZ", 1, "2025-05-01")))
    assert ship_table(projection) == {"#1": ("2025-06-10", "PO-2"), "#2": (None, None)}
    lines = projection.lines.set_index("order_id")
    assert lines.loc["#2", "uncovered"] and lines.loc["#2", "value"] == 0
