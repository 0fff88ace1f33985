"""Invariants of issue 23 (items 5, 7, 8) on generated workspaces (hypothesis): small founders'
workspaces with a USD and a CNY supplier (with or without a rate), stock, demand, open POs (some
overdue) and waiting customers (some made to order).

- a SKU is never both "stocks out within its lead time" and excess (25 workspaces);
- every money value in the plan JSON's suggestions and in the PO export names its currency, and
  a value without a rate is null, never a number (25 workspaces);
- a what-if with no change equals the plan: its backorder lines and its shortage (25 workspaces).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import tempfile
from contextlib import contextmanager
from pathlib import Path

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.planning import load_planning_data, plan_to_json, run_plan, what_if_session
from planner.po_documents import po_export_frame
from planner.store import open_workspace
from planner.store.importers.importing import import_files

AS_OF = dt.date(2025, 6, 2)
CURRENCY = {"Home": "USD", "Shenzhen": "CNY"}
EXAMPLES = 25


@st.composite
def workspaces(draw):
    """The rows of a small workspace (see the module)."""
    n = draw(st.integers(1, 4))
    skus = []
    for i in range(n):
        skus.append({
            "sku": f"S{i}", "supplier": draw(st.sampled_from(sorted(CURRENCY))),
            "unit_cost": draw(st.integers(1, 50)), "unit_price": draw(st.integers(0, 90)),
            "lead": draw(st.integers(3, 60)), "on_hand": draw(st.integers(0, 300)),
            "demand": draw(st.integers(0, 12)), "made_to_order": draw(st.booleans()),
            "last_sale": draw(st.one_of(st.none(), st.integers(1, 400))),
            "pos": draw(st.lists(st.tuples(st.integers(1, 900), st.integers(-20, 90)),
                                 max_size=2)),
            "waiting": draw(st.lists(st.tuples(st.integers(1, 20), st.integers(0, 60),
                                               st.one_of(st.none(), st.integers(-10, 40))),
                                     max_size=2)),
        })
    return {"skus": skus, "with_rate": draw(st.booleans())}


def _csv(path: Path, header: list[str], rows: list[list[object]]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _day(offset: int) -> str:
    return (AS_OF + dt.timedelta(days=offset)).isoformat()


@contextmanager
def built(spec):
    """The workspace written and opened in a temporary folder."""
    with tempfile.TemporaryDirectory() as folder:
        d = Path(folder)
        s = spec["skus"]
        files = [
            _csv(d / "suppliers.csv", ["supplier", "currency", "lead_time_days"],
                 [[name, code, 30] for name, code in CURRENCY.items()]),
            _csv(d / "products.csv", ["sku", "supplier", "unit_cost", "unit_price",
                                      "lead_time_days", "made_to_order"],
                 [[x["sku"], x["supplier"], x["unit_cost"], x["unit_price"], x["lead"],
                   str(x["made_to_order"]).lower()] for x in s]),
            _csv(d / "inventory.csv", ["sku", "on_hand", "snapshot_date"],
                 [[x["sku"], x["on_hand"], _day(0)] for x in s]),
            _csv(d / "overrides.csv", ["sku", "demand_per_day", "demand_std_per_day"],
                 [[x["sku"], x["demand"], 0] for x in s]),
        ]
        sales = [[_day(-x["last_sale"]), x["sku"], 1] for x in s if x["last_sale"]]
        if sales:
            files.append(_csv(d / "sales.csv", ["date", "sku", "quantity"], sales))
        pos = [[f"PO-{x['sku']}-{k}", x["sku"], qty, _day(due), x["supplier"], _day(-30),
                x["unit_cost"]]
               for x in s for k, (qty, due) in enumerate(x["pos"])]
        if pos:
            files.append(_csv(d / "pos.csv", ["po_number", "sku", "quantity", "expected_date",
                                              "supplier", "order_date", "unit_cost"], pos))
        waiting = [[f"#{x['sku']}-{k}", x["sku"], qty, _day(-age),
                    "" if promise is None else _day(promise)]
                   for x in s for k, (qty, age, promise) in enumerate(x["waiting"])]
        if waiting:
            files.append(_csv(d / "backorders.csv", ["order_id", "sku", "quantity",
                                                     "order_date", "promised_date"], waiting))
        if spec["with_rate"]:
            files.append(_csv(d / "fx.csv", ["currency", "rate", "date"],
                              [["CNY", 0.14, "2025-01-01"]]))
        db = open_workspace(d / "ws.db")
        import_files(db, files)
        try:
            yield db
        finally:
            db.conn.close()


RUN = settings(max_examples=EXAMPLES, deadline=None,
               suppress_health_check=[HealthCheck.too_slow])


@RUN
@given(workspaces())
def test_a_sku_is_never_both_short_within_its_lead_time_and_excess(spec):
    with built(spec) as db:
        plan = run_plan(load_planning_data(db, AS_OF))
    dock = int(plan.settings["dock_to_stock_days"])
    skus = plan.skus
    days = (pd.to_datetime(skus["stockout_date"]) - pd.Timestamp(AS_OF)).dt.days
    window = (skus["lead_time_days"] + dock).clip(lower=7)
    short_soon = days.notna() & (days <= window)
    assert not (short_soon & (skus["excess_units"] > 0)).any(), skus[
        ["sku", "stockout_date", "lead_time_days", "excess_units"]]
    assert (skus["stocks_out_within_lead_time"].astype(bool) == short_soon).all()


@RUN
@given(workspaces())
def test_every_money_value_in_suggestions_and_po_exports_names_its_currency(spec):
    with built(spec) as db:
        document = json.loads(json.dumps(plan_to_json(run_plan(load_planning_data(db, AS_OF)))))
        export = po_export_frame(db)
    home = document["settings"]["currency"]
    for suggestion in document["purchase_suggestions"]:
        own = CURRENCY[suggestion["supplier"]]
        assert (suggestion["value_currency"], suggestion["currency"]) == (home, own)
        unknown = own != home and not spec["with_rate"]
        assert (suggestion["total_value"] is None) == unknown
        assert suggestion["total_value_supplier_currency"] is not None
        for line in suggestion["lines"]:
            assert (line["value_currency"], line["currency"]) == (home, own)
            assert (line["value"] is None) == unknown
            assert (line["unit_cost"] is None) == unknown
    sent = {x["sku"]: x["supplier"] for x in spec["skus"]}
    assert len(export) == sum(len(x["pos"]) for x in spec["skus"])
    for sku, currency, cost in zip(export["sku"], export["currency"], export["unit_cost"],
                                   strict=True):
        assert currency == CURRENCY[sent[sku]] and cost == cost  # a cost, in a named currency


@RUN
@given(workspaces())
def test_a_what_if_with_no_change_equals_the_plan(spec):
    with built(spec) as db:
        data = load_planning_data(db, AS_OF)
    plan = run_plan(data)
    skus = sorted(plan.skus["sku"].astype(str))
    baseline = what_if_session(data, plan).baseline(skus)
    columns = ["order_id", "sku", "projected_ship_date", "filled_from", "quoted_date",
               "cancel_probability", "value_at_risk"]
    key = ["order_id", "sku"]
    mine = plan.backorder_lines[columns].sort_values(key).reset_index(drop=True)
    theirs = baseline.lines[columns].sort_values(key).reset_index(drop=True)
    pd.testing.assert_frame_equal(mine, theirs, check_dtype=False)
    table = plan.skus.set_index("sku").reindex(skus)
    shortage = baseline.shortage.reindex(skus)
    for theirs_col, ours in (("stockout_days", "projected_stockout_days"),
                             ("units_short", "projected_units_short"),
                             ("revenue_short", "projected_revenue_short")):
        pd.testing.assert_series_equal(shortage[theirs_col].astype(float),
                                       table[ours].astype(float), check_names=False)
