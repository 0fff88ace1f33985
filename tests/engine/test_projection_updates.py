"""The customer update list: who needs a message now, with old and new dates and why."""

from __future__ import annotations

import pandas as pd
from backorder_frames import AS_OF, backorders, inventory, po_lines, products, project

from planner.engine.projection import customer_updates


def lines() -> pd.DataFrame:
    # MUG: PO-1 (3) on 12 Jun; BOWL: PO-2 (1) on 5 Jun; CUP: 5 on hand. Quote = ship + 3 days.
    return project(
        stock=inventory(("CUP", 5)),
        pos=po_lines(("PO-1", "MUG", 3, "2025-06-12"), ("PO-2", "BOWL", 1, "2025-06-05")),
        catalogue=products(("MUG", 20.0), ("BOWL", 12.0), ("CUP", 8.0)),
        queue=backorders(("#late", "MUG", 1, "2025-05-25", "2025-06-05", None, "ada@example.com"),
                         ("#slipped", "MUG", 2, "2025-05-26", "2025-06-20", None, "bo@example.com"),
                         ("#update", "BOWL", 1, "2025-05-20", None, None, "cy@example.com"),
                         ("#none", "BOWL", 1, "2025-05-29", None, None, "di@example.com"),
                         ("#fine", "CUP", 1, "2025-05-29", None, None, "ed@example.com"))
    ).lines


def test_first_export_lists_notices_and_mid_wait_updates():
    updates = customer_updates(lines(), None, as_of=AS_OF)
    assert updates.columns.tolist() == ["order_id", "customer", "sku", "old_date", "new_date",
                                        "reason"]
    rows = {row.order_id: row for row in updates.itertuples()}
    assert set(rows) == {"#late", "#update", "#none"}
    assert rows["#late"].reason == "delay notice owed: projected 12 Jun, promised 5 Jun"
    assert rows["#late"].old_date == pd.Timestamp("2025-06-05")   # the promise
    assert rows["#late"].new_date == pd.Timestamp("2025-06-15")
    assert rows["#update"].reason == "mid-wait update"
    assert rows["#none"].reason == "delay notice owed: no known supply"
    assert pd.isna(rows["#none"].new_date)


def test_a_changed_quote_since_the_last_export_is_listed():
    previous = pd.DataFrame({"order_id": ["#late", "#slipped", "#fine", "#update"],
                             "sku": ["MUG", "MUG", "CUP", "BOWL"],
                             "quoted_date": pd.to_datetime(["2025-06-15", "2025-06-10",
                                                            "2025-06-05", "2025-06-08"])})
    updates = customer_updates(lines(), previous, as_of=AS_OF).set_index("order_id")
    assert updates.loc["#slipped", "reason"] == "quoted date changed from 10 Jun to 15 Jun"
    assert updates.loc["#slipped", "old_date"] == pd.Timestamp("2025-06-10")
    assert updates.loc["#slipped", "customer"] == "bo@example.com"
    # #late: same quote as last time, but the notice is still owed
    assert updates.loc["#late", "reason"].startswith("delay notice owed")
    # #fine: quoted 5 Jun last time, ships today (quote 5 Jun): nothing to say
    assert "#fine" not in updates.index


def test_nothing_owed_means_an_empty_list():
    quiet = project(stock=inventory(("MUG", 5)),
                    queue=backorders(("#1", "MUG", 1, "2025-05-30"))).lines
    updates = customer_updates(quiet, None, as_of=AS_OF)
    assert updates.empty
    assert list(updates.columns)[-1] == "reason"


def test_an_email_column_is_listed_when_the_order_lines_have_one():
    with_email = lines().assign(email=lambda f: f["customer"], customer="a customer")
    updates = customer_updates(with_email, None, as_of=AS_OF)
    assert updates.columns.tolist()[:4] == ["order_id", "customer", "email", "sku"]
    assert set(updates["email"]) == {"ada@example.com", "cy@example.com", "di@example.com"}
    blank = lines().assign(email=None)  # a column with no address in it adds nothing
    assert "email" not in customer_updates(blank, None, as_of=AS_OF).columns
