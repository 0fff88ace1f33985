"""Invariants of the drawdown on generated workspaces (hypothesis)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.engine.supply import build_supply
from planner.engine.whatif import POChange, ProjectionInputs, apply_po_changes, run_projection

AS_OF = dt.date(2025, 6, 2)
HORIZON_DAYS = 45
SKUS = ["MUG", "CUP", "TEE"]


def _date(offset: int) -> pd.Timestamp:
    return pd.Timestamp(AS_OF) + pd.Timedelta(days=offset)


@st.composite
def workspaces(draw) -> ProjectionInputs:
    """A few SKUs with random stock, holds, PO lines (any status), open lines and demand."""
    skus = draw(st.lists(st.sampled_from(SKUS), min_size=1, max_size=3, unique=True))
    stock_rows, po_rows, line_rows = [], [], []
    for sku in skus:
        for location in range(draw(st.integers(0, 2))):
            release = draw(st.one_of(st.none(), st.integers(-5, 60)))
            stock_rows.append((sku, f"L{location}", draw(st.integers(0, 12)),
                               draw(st.integers(0, 6)), None if release is None else _date(release)))
        for _ in range(draw(st.integers(0, 4))):
            quantity = draw(st.integers(1, 15))
            po_rows.append((f"PO-{len(po_rows)}", sku, quantity,
                            _date(draw(st.integers(-15, 80))),
                            draw(st.integers(0, quantity)),
                            draw(st.sampled_from(["open", "open", "open", "cancelled",
                                                  "received"]))))
        for _ in range(draw(st.integers(0, 8))):
            line_rows.append((f"#{draw(st.integers(1, 6))}", sku, draw(st.integers(1, 8)),
                              _date(draw(st.integers(-40, 0))),
                              draw(st.one_of(st.none(), st.integers(-5, 30))),
                              draw(st.one_of(st.just(np.nan), st.integers(1, 3)))))
    inventory = pd.DataFrame(stock_rows, columns=["sku", "location", "on_hand", "on_hold",
                                                  "hold_release_date"])
    inventory["hold_release_date"] = pd.to_datetime(inventory["hold_release_date"])
    po_lines = pd.DataFrame(po_rows, columns=["po_number", "sku", "quantity", "expected_date",
                                              "received_quantity", "status"])
    po_lines["expected_date"] = pd.to_datetime(po_lines["expected_date"])
    po_lines["supplier"] = "Kiln & Co"
    backorders = pd.DataFrame(line_rows, columns=["order_id", "sku", "quantity", "order_date",
                                                  "promised_in_days", "priority"])
    backorders["order_date"] = pd.to_datetime(backorders["order_date"])
    backorders["promised_date"] = backorders["promised_in_days"].map(
        lambda days: pd.NaT if pd.isna(days) else _date(int(days)))
    backorders["promised_date"] = pd.to_datetime(backorders["promised_date"])
    backorders["priority"] = backorders["priority"].astype(float)
    backorders["unit_price"] = np.nan
    backorders["customer"] = "someone"
    rates = draw(st.lists(st.sampled_from([0.0, 0.3, 1.0, 2.5]), min_size=len(skus),
                          max_size=len(skus)))
    dates = pd.date_range(_date(1), periods=HORIZON_DAYS, freq="D")
    demand = pd.DataFrame(np.repeat(np.array(rates)[:, None], HORIZON_DAYS, axis=1),
                          index=pd.Index(skus, name="sku"), columns=dates)
    products = pd.DataFrame({"sku": skus, "unit_price": 10.0,
                             "made_to_order": [draw(st.booleans()) for _ in skus]})
    return ProjectionInputs(as_of=AS_OF, horizon_days=HORIZON_DAYS, inventory=inventory,
                            po_lines=po_lines, backorders=backorders, products=products,
                            demand_daily=demand, dock_to_stock_days=draw(st.integers(0, 3)),
                            hold_release_days=7)


def _supply(inputs: ProjectionInputs) -> pd.DataFrame:
    return build_supply(inputs.inventory, inputs.po_lines, as_of=inputs.as_of,
                        horizon_days=inputs.horizon_days,
                        dock_to_stock_days=inputs.dock_to_stock_days,
                        hold_release_days=inputs.hold_release_days)


def _reference_ship_days(inputs: ProjectionInputs, lines: pd.DataFrame) -> list[float]:
    """An independent, slow, day-by-day strict-FIFO simulation: ship day per line (inf = never)."""
    supply = _supply(inputs)
    result = []
    for sku, queue in lines.groupby("sku", sort=False):
        events = supply[supply["sku"] == sku]
        arrivals: dict[int, float] = {}
        for event in events.itertuples():
            arrivals[int(event.day)] = arrivals.get(int(event.day), 0.0) + event.quantity
        available, head, days = 0.0, 0, {}
        quantities = queue["quantity"].tolist()
        for day in sorted(arrivals):
            available += arrivals[day]
            while head < len(quantities) and quantities[head] <= available + 1e-9:
                available -= quantities[head]
                days[head] = day
                head += 1
        result.extend(days.get(i, np.inf) for i in range(len(quantities)))
    return result


def _ship_days(lines: pd.DataFrame) -> np.ndarray:
    return lines["days_until_ship"].astype(float).fillna(np.inf).to_numpy()


COMMON = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
pytestmark = pytest.mark.slow


@COMMON
@given(workspaces())
def test_ship_days_match_a_day_by_day_strict_fifo_simulation(inputs):
    lines = run_projection(inputs).lines
    np.testing.assert_array_equal(_ship_days(lines), _reference_ship_days(inputs, lines))


@COMMON
@given(workspaces())
def test_no_unit_ships_twice_or_before_it_exists(inputs):
    projection = run_projection(inputs)
    supply = _supply(inputs)
    lines = projection.lines
    for sku, queue in lines.groupby("sku"):
        events = supply[supply["sku"] == sku]
        ship = _ship_days(queue)
        assert np.all(ship[1:] >= ship[:-1]), "queue order is kept"
        for day in np.unique(ship[np.isfinite(ship)]):
            shipped_by_then = queue["quantity"].to_numpy()[ship <= day].sum()
            supplied_by_then = events.loc[events["day"].astype(int) <= day, "quantity"].sum()
            assert shipped_by_then <= supplied_by_then + 1e-9
        # what fills a line became sellable on the day the line ships
        for row in queue[np.isfinite(ship) & queue["filled_from"].notna().to_numpy()].itertuples():
            source_days = events.loc[events["source"] == row.filled_from, "day"].astype(int)
            assert row.days_until_ship in set(source_days)
    # stock never goes negative: queue + new demand never take more than has arrived
    assert (projection.on_hand.to_numpy() >= -1e-9).all()
    assert (projection.new_backorders.to_numpy() >= 0).all()
    # the book counts exactly the lines not yet shipped at the end of each day
    day = np.arange(inputs.horizon_days)
    open_units = (lines["quantity"].to_numpy()[:, None] * (_ship_days(lines)[:, None] > day)).sum(0)
    np.testing.assert_allclose(projection.book["existing_units"], open_units)


@COMMON
@given(workspaces(), st.data())
def test_moving_a_po_later_never_moves_any_line_earlier(inputs, data):
    if inputs.po_lines.empty:
        return
    row = data.draw(st.integers(0, len(inputs.po_lines) - 1))
    delay = data.draw(st.integers(1, 60))
    line = inputs.po_lines.iloc[row]
    change = POChange(line["po_number"], line["sku"],
                      new_expected_date=line["expected_date"] + pd.Timedelta(days=delay))
    before = run_projection(inputs)
    after = run_projection(replace(inputs, po_lines=apply_po_changes(inputs.po_lines, [change])))
    assert (_ship_days(after.lines) >= _ship_days(before.lines)).all()
    assert (after.book["existing_units"].to_numpy() >= before.book["existing_units"].to_numpy()
            - 1e-9).all()
    assert (after.new_backorders.to_numpy() >= before.new_backorders.to_numpy() - 1e-9).all()
