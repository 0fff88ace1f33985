"""What-if on purchase orders: the new projection for the affected SKUs, in memory."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import pytest
from backorder_frames import backorders, inputs, inventory, po_lines, products, ship_table

from planner.engine.whatif import (
    POChange,
    WhatIfSession,
    affected_skus,
    apply_po_changes,
    run_projection,
)


def what_if(base, changes):
    """The projection of the SKUs the changes touch, changes applied (the app's what-if)."""
    return WhatIfSession(base).run(changes)


def shop():
    # MUG: 2 on hand, PO-1 (10) 10 Jun, PO-2 (10) 1 Jul. TEE: PO-3 (4) 16 Jun.
    return inputs(
        stock=inventory(("MUG", 2)),
        pos=po_lines(("PO-1", "MUG", 10, "2025-06-10"), ("PO-2", "MUG", 10, "2025-07-01"),
                     ("PO-3", "TEE", 4, "2025-06-16")),
        catalogue=products(("MUG", 20.0), ("TEE", 30.0)),
        queue=backorders(("#1", "MUG", 2, "2025-05-01"), ("#2", "MUG", 3, "2025-05-02"),
                         ("#3", "MUG", 4, "2025-05-03"), ("#4", "MUG", 3, "2025-05-04"),
                         ("#5", "TEE", 4, "2025-05-05")))


def test_a_po_that_slips_two_weeks_moves_these_three_backorders():
    base = shop()
    before = run_projection(base)
    slipped = what_if(base, [POChange("PO-1", "MUG", new_expected_date="2025-06-24")])
    assert ship_table(before) == {
        "#1": ("2025-06-02", "on_hand"), "#2": ("2025-06-10", "PO-1"),
        "#3": ("2025-06-10", "PO-1"), "#4": ("2025-06-10", "PO-1"),
        "#5": ("2025-06-16", "PO-3")}
    assert ship_table(slipped) == {
        "#1": ("2025-06-02", "on_hand"), "#2": ("2025-06-24", "PO-1"),
        "#3": ("2025-06-24", "PO-1"), "#4": ("2025-06-24", "PO-1")}
    # the book for MUG carries 10 units (200.00) two weeks longer
    book = slipped.book.set_index("date")
    assert book.loc[pd.Timestamp("2025-06-10"), "existing_units"] == 10
    assert book.loc[pd.Timestamp("2025-06-23"), "existing_value"] == pytest.approx(200.0)
    assert book.loc[pd.Timestamp("2025-06-24"), "existing_units"] == 0
    # the workspace frames are untouched
    assert base.po_lines.loc[0, "expected_date"] == pd.Timestamp("2025-06-10")


def test_cancelling_a_po_uncovers_its_lines_and_adding_one_covers_them():
    cancelled = what_if(shop(), [POChange("PO-3", cancel=True)])
    assert ship_table(cancelled) == {"#5": (None, None)}
    replaced = what_if(shop(), [POChange("PO-3", cancel=True),
                                POChange("PO-7", "TEE", new_quantity=6,
                                         new_expected_date="2025-06-30", add=True)])
    assert ship_table(replaced) == {"#5": ("2025-06-30", "PO-7")}


def test_a_smaller_po_leaves_the_tail_of_the_queue_for_the_next_one():
    # PO-1 cut to 5: 2 + 5 = 7 covers #2 (cum 5) but not #3 (cum 9): #3 and #4 wait for PO-2.
    smaller = what_if(shop(), [POChange("PO-1", "MUG", new_quantity=5)])
    assert ship_table(smaller) == {
        "#1": ("2025-06-02", "on_hand"), "#2": ("2025-06-10", "PO-1"),
        "#3": ("2025-07-01", "PO-2"), "#4": ("2025-07-01", "PO-2")}


def test_what_if_matches_a_full_projection_for_the_affected_skus():
    base = shop()
    changes = [POChange("PO-2", "MUG", new_expected_date="2025-06-05")]
    partial = what_if(base, changes)
    full = run_projection(replace(base, po_lines=apply_po_changes(base.po_lines, changes)))
    mug = full.lines[full.lines["sku"] == "MUG"].reset_index(drop=True)
    pd.testing.assert_frame_equal(partial.lines, mug)
    pd.testing.assert_frame_equal(partial.on_hand, full.on_hand.loc[["MUG"]])
    session = WhatIfSession(base)
    pd.testing.assert_frame_equal(session.run(changes).lines, partial.lines)
    pd.testing.assert_frame_equal(session.baseline(["MUG"]).lines,
                                  run_projection(base).lines.iloc[:4])


def test_apply_po_changes_edits_a_copy():
    pos = shop().po_lines
    changed = apply_po_changes(pos, [POChange("PO-1", "MUG", new_quantity=12,
                                              new_expected_date="2025-06-20"),
                                     POChange("PO-3", cancel=True),
                                     POChange("PO-1", "CUP", new_quantity=4,
                                              new_expected_date="2025-06-20", add=True)])
    rows = changed.set_index(["po_number", "sku"])
    assert rows.loc[("PO-1", "MUG"), "quantity"] == 12
    assert rows.loc[("PO-1", "MUG"), "expected_date"] == pd.Timestamp("2025-06-20")
    assert rows.loc[("PO-3", "TEE"), "status"] == "cancelled"
    assert rows.loc[("PO-1", "CUP"), "status"] == "open"
    assert rows.loc[("PO-1", "CUP"), "supplier"] == "Kiln & Co"
    assert len(pos) == 3 and pos.loc[0, "quantity"] == 10
    assert affected_skus(pos, [POChange("PO-1"), POChange("PO-9", "CUP", add=True)]) == [
        "CUP", "MUG"]


@pytest.mark.parametrize("change", [POChange("PO-404", new_quantity=3),
                                    POChange("PO-1", "TEE", new_quantity=3),
                                    POChange("PO-1", "MUG", new_quantity=3,
                                             new_expected_date="2025-07-01", add=True),
                                    POChange("PO-8", "MUG", add=True)])
def test_impossible_changes_are_refused(change):
    with pytest.raises(ValueError):
        apply_po_changes(shop().po_lines, [change])
