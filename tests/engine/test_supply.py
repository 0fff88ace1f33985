"""Supply events: what becomes sellable when, from stock, holds, POs and suggested orders."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from backorder_frames import AS_OF, inventory, po_lines

from planner.engine.supply import build_supply, format_day, open_po_lines, supply_matrix


def supply(stock=None, pos=None, **kwargs):
    settings = {"as_of": AS_OF, "horizon_days": 60, "dock_to_stock_days": 2,
                "hold_release_days": 7, **kwargs}
    return build_supply(stock if stock is not None else inventory(),
                        pos if pos is not None else po_lines(), **settings)


def events(frame: pd.DataFrame) -> list[tuple]:
    return [(row.sku, row.date.date().isoformat(), row.quantity, row.source)
            for row in frame.itertuples()]


def test_stock_is_summed_over_locations_and_holds_are_released_on_their_dates():
    stock = inventory(("MUG", 3, 2, "2025-06-20", "shop"), ("MUG", 4, 0, None, "3PL"),
                      ("MUG", 0, 5, None, "returns"), ("CUP", -2, 1, "2025-05-01", "shop"))
    assert events(supply(stock)) == [
        ("CUP", "2025-06-02", 1.0, "hold"),      # release date already past: today
        ("MUG", "2025-06-02", 7.0, "on_hand"),   # 3 + 4; CUP's negative count supplies nothing
        ("MUG", "2025-06-09", 5.0, "hold"),      # no release date: today + 7 days
        ("MUG", "2025-06-20", 2.0, "hold"),
    ]


def test_po_lines_supply_their_open_quantity_after_dock_to_stock():
    pos = po_lines(("PO-1", "MUG", 10, "2025-06-10", 4),            # 6 open
                   ("PO-2", "MUG", 10, "2025-06-12", 10),           # fully received, still open
                   ("PO-3", "MUG", 8, "2025-06-14", 0, "cancelled"),
                   ("PO-4", "MUG", 8, "2025-05-14", 8, "received"),
                   ("PO-5", "MUG", 5, "2025-05-25"))                # overdue
    frame = supply(pos=pos)
    assert events(frame) == [
        ("MUG", "2025-06-04", 5.0, "PO-5"),
        ("MUG", "2025-06-12", 6.0, "PO-1"),
    ]
    assert list(frame["overdue"]) == [True, False]
    assert list(frame["kind"]) == ["po", "po"]
    assert list(frame["expected_date"].dt.date.astype(str)) == ["2025-05-25", "2025-06-10"]


def test_realistic_mode_shifts_open_pos_by_the_suppliers_learned_lateness():
    pos = po_lines(("PO-1", "MUG", 10, "2025-06-10", 0, "open", "Slow Ltd"),
                   ("PO-2", "MUG", 10, "2025-06-10", 0, "open", "Quick Co"),
                   ("PO-3", "MUG", 10, "2025-05-30", 0, "open", "Slow Ltd"))
    frame = supply(pos=pos, lateness_days=pd.Series({"Slow Ltd": 6.4, "Quick Co": -2.0}))
    assert events(frame) == [
        ("MUG", "2025-06-07", 10.0, "PO-3"),  # due 30 May + 6 = 5 Jun, + 2 days dock-to-stock
        ("MUG", "2025-06-10", 10.0, "PO-2"),  # 2 days early: 8 Jun + 2
        ("MUG", "2025-06-18", 10.0, "PO-1"),  # 10 Jun + 6 + 2
    ]


def test_supply_after_the_horizon_is_kept_and_marked():
    frame = supply(pos=po_lines(("PO-9", "MUG", 10, "2025-12-17")))
    assert events(frame) == [("MUG", "2025-12-19", 10.0, "PO-9")]
    assert frame["beyond_horizon"].tolist() == [True]
    assert frame["day"].tolist() == [200]


def test_suggested_orders_are_extra_supply_on_their_own_date():
    extra = pd.DataFrame({"sku": ["MUG", "MUG"], "quantity": [12.0, 0.0],
                          "date": pd.to_datetime(["2025-07-01", "2025-07-08"])})
    frame = supply(extra_supply=extra)
    assert events(frame) == [("MUG", "2025-07-01", 12.0, "suggested")]
    assert frame["kind"].tolist() == ["suggested"]


def test_same_day_events_are_ordered_stock_hold_po():
    stock = inventory(("MUG", 1, 1, "2025-05-01"))
    frame = supply(stock, po_lines(("PO-1", "MUG", 1, "2025-05-01")), dock_to_stock_days=0)
    assert frame["source"].tolist() == ["on_hand", "hold", "PO-1"]


def test_supply_matrix_counts_units_per_sku_and_day_inside_the_horizon():
    stock = inventory(("MUG", 3), ("CUP", 2, 4, "2025-06-04"))
    pos = po_lines(("PO-1", "MUG", 5, "2025-06-03"), ("PO-2", "MUG", 7, "2025-09-01"))
    matrix = supply_matrix(supply(stock, pos, dock_to_stock_days=0), ["MUG", "BOWL", "CUP"],
                           as_of=AS_OF, horizon_days=4)
    assert matrix.shape == (3, 4)
    np.testing.assert_array_equal(matrix, [[3, 5, 0, 0], [0, 0, 0, 0], [2, 0, 4, 0]])


def test_open_po_lines_lists_what_is_still_coming():
    table = open_po_lines(po_lines(("PO-1", "MUG", 10, "2025-05-20", 4)), as_of=AS_OF,
                          dock_to_stock_days=3)
    row = table.iloc[0]
    assert row["open_quantity"] == 6 and row["overdue"]
    assert row["sellable_date"] == pd.Timestamp("2025-06-05")


def test_nothing_in_nothing_out():
    frame = supply()
    assert frame.empty and list(frame.columns)[:4] == ["sku", "date", "day", "quantity"]


@pytest.mark.parametrize(("value", "text"), [("2025-03-01", "1 Mar"), ("2026-01-12", "12 Jan 2026"),
                                             (None, "no date")])
def test_dates_are_written_the_way_a_buyer_writes_them(value, text):
    assert format_day(None if value is None else pd.Timestamp(value), AS_OF) == text


def test_a_po_line_is_overdue_when_still_owed_and_expected_before_as_of():
    from planner.engine.supply import overdue_po_lines

    lines = pd.DataFrame({
        "po_number": ["PO-1", "PO-2", "PO-3", "PO-4", "PO-5"],
        "sku": ["A"] * 5,
        "quantity": [10, 10, 10, 10, 10],
        "received_quantity": [0, 10, 0, 4, 0],
        "expected_date": ["2025-05-20", "2025-05-20", "2025-05-20", "2025-05-30", "2025-06-10"],
        "status": ["open", "open", "cancelled", "open", "open"],
    })
    # late and owed; fully received; cancelled; partly received and late; not due yet
    assert overdue_po_lines(lines, as_of="2025-06-02").tolist() == [True, False, False, True, False]
