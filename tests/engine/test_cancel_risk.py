"""Cancel risk that agrees with what the row says (issue 23, item 8 c, d): an uncovered line's
risk is the wait to the date it ships if ordered today (the date the row quotes), not to an
arbitrary horizon; a made-to-order line's risk counts only the wait beyond its expected date."""

from __future__ import annotations

import pandas as pd
import pytest

from planner.engine.uncovered import explain_uncovered
from tests.engine.backorder_frames import AS_OF, backorders, po_lines, products, project


def _catalogue(sku: str, price: float, made_to_order: bool, lead: float) -> pd.DataFrame:
    return products((sku, price, made_to_order)).assign(lead_time_days=lead)


def test_an_uncovered_lines_risk_is_the_wait_to_the_date_it_quotes():
    # MUG: lead 30 + dock 2. #1 (ordered 23 May, 10 days ago) has no supply: ordering today it
    # ships 4 Jul, 42 days after its order: 1 − 0.98^42 = 57.2 %, not 1 − 0.98^(10 + 181) = 98 %
    projection = project(catalogue=_catalogue("MUG", 20.0, False, 30.0), horizon_days=182,
                         dock_to_stock_days=2,
                         queue=backorders(("#1", "MUG", 1, "2025-05-23")))
    lines = explain_uncovered(projection.lines, as_of=AS_OF,
                              lead_time_days=pd.Series({"MUG": 30.0}), dock_to_stock_days=2)
    line = lines.iloc[0]
    assert bool(line["uncovered"])
    assert line["ships_if_ordered_today"] == pd.Timestamp("2025-07-04")
    assert "ships about 2025-07-04 if you order today" in line["flag_reasons"]
    waited = (line["ships_if_ordered_today"] - line["order_date"]).days
    assert waited == 42
    assert line["cancel_probability"] == pytest.approx(1 - 0.98 ** 42)
    assert line["value_at_risk"] == pytest.approx(20 * (1 - 0.98 ** 42))


def test_a_made_to_order_lines_risk_counts_only_the_wait_beyond_its_expected_date():
    # TEE is made to order, lead 30 + dock 2 = 32 days to make.
    # #1: no promise, ordered 15 Apr, ships 20 Jul (PO-9): waits 96 days, expects 32: risk on 64.
    # #2: promised 1 Jun (passed), no supply: ships 4 Jul if ordered today, 75 days after its
    #     order; the promise was 42 days: risk on 33.
    # #3: promised 30 Aug, no supply: ships 4 Jul if ordered today, before its promise: no risk.
    projection = project(
        catalogue=_catalogue("TEE", 30.0, True, 30.0), horizon_days=182, dock_to_stock_days=0,
        pos=po_lines(("PO-9", "TEE", 2, "2025-07-20")),
        queue=backorders(("#1", "TEE", 2, "2025-04-15"),
                         ("#2", "TEE", 1, "2025-04-20", "2025-06-01"),
                         ("#3", "TEE", 1, "2025-04-25", "2025-08-30")))
    risk = projection.lines.set_index("order_id")["cancel_probability"]
    # dock_to_stock 0 here: 30 days to make
    assert risk["#1"] == pytest.approx(1 - 0.98 ** (96 - 30))
    assert risk["#2"] == pytest.approx(1 - 0.98 ** ((AS_OF - pd.Timestamp("2025-04-20").date())
                                                    .days + 30 - 42))
    assert risk["#3"] == 0.0
    # the same lines as ordinary stock lines would carry the whole wait
    plain = project(
        catalogue=_catalogue("TEE", 30.0, False, 30.0), horizon_days=182,
        pos=po_lines(("PO-9", "TEE", 2, "2025-07-20")),
        queue=backorders(("#1", "TEE", 2, "2025-04-15"))).lines
    assert plain["cancel_probability"].iloc[0] == pytest.approx(1 - 0.98 ** 96)
