"""What-if sees stockouts, not only today's backorders (issue 23, item 7): stockout days, units
short and revenue lost over the horizon, from the forecast demand, before and after."""

from __future__ import annotations

import pytest

from planner.engine.whatif import POChange, WhatIfSession
from tests.engine.backorder_frames import demand, inputs, inventory, po_lines, products


def _session():
    # MUG sells 2 a day (USD 20 each); 14 on hand last 7 days; PO-1's 100 land on day 14
    return WhatIfSession(inputs(stock=inventory(("MUG", 14)),
                                pos=po_lines(("PO-1", "MUG", 100, "2025-06-16")),
                                catalogue=products(("MUG", 20.0)), horizon_days=30,
                                demand_daily=demand({"MUG": 2.0}, days=30)))


def test_a_po_moved_a_week_later_shows_the_stockout_it_makes_longer():
    session = _session()
    before = session.baseline(["MUG"]).shortage.loc["MUG"]
    # days 8 … 13 end with demand unserved: 6 days, 12 units, USD 240
    assert (before["stockout_days"], before["units_short"], before["revenue_short"]) == \
        (6, 12.0, 240.0)
    after = session.run([POChange("PO-1", "MUG", new_expected_date="2025-06-23")]).shortage
    # days 8 … 20: 13 days, 26 units, USD 520 (USD 280 more lost)
    assert tuple(after.loc["MUG", ["stockout_days", "units_short", "revenue_short"]]) == \
        (13, 26.0, 520.0)
    earlier = session.run([POChange("PO-1", "MUG", new_expected_date="2025-06-09")]).shortage
    # lands on day 7: nothing short
    assert tuple(earlier.loc["MUG", ["stockout_days", "units_short", "revenue_short"]]) == \
        (0, 0.0, 0.0)


def test_the_shortage_needs_no_backorders_to_be_seen():
    session = _session()
    projection = session.baseline(["MUG"])
    assert projection.lines.empty  # nobody is waiting today: the old tiles all read 0
    assert projection.shortage.loc["MUG", "units_short"] == pytest.approx(12.0)
