"""Properties of the one arrival rule and of approving (issue 23, items 4, 8, 9), on generated
small workspaces: for every suggestion line, SKU row, created PO line and document, the expected
date is the order date + lead time (never earlier; a PO's is its latest line's) and the same
everywhere; at most one order due now per supplier, counted as approving approves; approving
every order due now and planning again on the same as-of suggests nothing new now."""

from __future__ import annotations

import datetime as dt
import math
import tempfile
from pathlib import Path

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.planning import approve_suggestions, load_planning_data, run_plan
from planner.po_documents import po_lines_for_supplier
from planner.reports.supplier_plan import _lines_frame
from planner.store import edits, open_workspace
from planner.store.importers import import_files

AS_OF = dt.date(2025, 6, 2)
#: generated workspaces per property (about 1 s each on a busy 2-core machine)
EXAMPLES = 16

_lead = st.one_of(st.integers(0, 60).map(float), st.floats(0.1, 60.0).map(lambda x: round(x, 2)))
_product = st.fixed_dictionaries({
    "lead": st.one_of(st.none(), _lead), "moq": st.sampled_from([0, 0, 25, 100]),
    "case": st.sampled_from([1, 1, 6, 12]), "rate": st.sampled_from([0.0, 0.5, 3.0, 12.0]),
    "on_hand": st.integers(0, 150), "waiting": st.sampled_from([0, 0, 5, 40]),
    "made_to_order": st.sampled_from([False, False, False, True])})
_supplier = st.fixed_dictionaries({
    "lead": _lead, "cycle": st.sampled_from([None, None, 14]),
    "minimum": st.sampled_from([0, 0, 500]),
    "products": st.lists(_product, min_size=1, max_size=3)})
_workspace = st.fixed_dictionaries({
    "review": st.sampled_from([0, 7, 14]), "dock": st.integers(0, 4),
    "suppliers": st.lists(_supplier, min_size=1, max_size=3)})


def _csv(path: Path, header: list[str], rows: list[list[object]]) -> Path:
    text = "\n".join(",".join("" if v is None else str(v) for v in row)
                     for row in [header, *rows])
    path.write_text(text + "\n", encoding="utf-8")
    return path


def _build(folder: Path, spec: dict) -> object:
    """A workspace from a generated spec: suppliers, products, stock, demand rates, waiters."""
    db = open_workspace(folder / "w.db")
    suppliers, products, stock, rates, waiting = [], [], [], [], []
    for i, s in enumerate(spec["suppliers"]):
        name = f"S{i}"
        suppliers.append([name, s["lead"], s["cycle"], s["minimum"]])
        for j, p in enumerate(s["products"]):
            sku = f"{name}-P{j}"
            products.append([sku, name, 2 + j, 9, p["lead"], p["moq"], p["case"],
                             str(p["made_to_order"]).lower()])
            stock.append([sku, p["on_hand"], AS_OF])
            rates.append([sku, p["rate"], 0])
            if p["waiting"]:
                waiting.append([f"O-{sku}", sku, p["waiting"], "2025-05-28"])
    files = [
        _csv(folder / "suppliers.csv", ["supplier", "lead_time_days", "order_cycle_days",
                                        "min_order_value"], suppliers),
        _csv(folder / "products.csv", ["sku", "supplier", "unit_cost", "unit_price",
                                       "lead_time_days", "moq", "case_pack", "made_to_order"],
             products),
        _csv(folder / "inventory.csv", ["sku", "on_hand", "snapshot_date"], stock),
        _csv(folder / "overrides.csv", ["sku", "demand_per_day", "demand_std_per_day"], rates)]
    if waiting:
        files.append(_csv(folder / "backorders.csv", ["order_id", "sku", "quantity",
                                                      "order_date"], waiting))
    import_files(db, files)
    for key, value in (("review_period_days", spec["review"]),
                       ("dock_to_stock_days", spec["dock"]),
                       ("purchase_budget_per_month", 0), ("horizon_days", 120)):
        edits.store_setting(db, key, str(value))
    return db


def _day(text: object) -> dt.date:
    return pd.Timestamp(text).date()


def _lead_days(plan) -> dict[str, int]:
    lead = plan.skus.set_index("sku")["lead_time_days"]
    return {str(k): max(math.ceil(float(v) - 1e-9), 0) for k, v in lead.items()}


def _check_plan_dates(plan) -> None:
    """Every line: dock = order date + its lead time; a suggestion's the latest of its lines';
    sellable = dock + dock-to-stock."""
    lead, dock = _lead_days(plan), int(plan.settings["dock_to_stock_days"])
    for s in plan.purchase_suggestions:
        ordered, arrival = _day(s["order_date"]), _day(s["expected_arrival"])
        assert (arrival - ordered).days == max(lead[x["sku"]] for x in s["lines"])
        assert (_day(s["sellable_date"]) - arrival).days == dock
        for x in s["lines"]:
            line = _day(x["expected_arrival"])
            assert (line - ordered).days == lead[x["sku"]]
            assert (_day(x["sellable_date"]) - line).days == dock
        # what the supplier's purchase-plan PDF says: deliver by the same dates
        frame = _lines_frame([s])
        assert dict(zip(frame["sku"], frame["deliver_by"].dt.date, strict=True)) == {
            x["sku"]: _day(x["expected_arrival"]) for x in s["lines"]}
    for row in plan.skus.itertuples():
        if pd.notna(row.order_by) and row.sku in lead:
            assert (_day(row.expected_arrival) - _day(row.order_by)).days >= lead[row.sku]
    lines = plan.backorder_lines
    for row in lines[lines["uncovered"].fillna(False).astype(bool)].itertuples():
        if row.sku in lead:
            assert (_day(row.ships_if_ordered_today) - AS_OF).days == lead[row.sku] + dock


def _check_due_now(plan) -> None:
    now = [s for s in plan.purchase_suggestions if s["order_now"]]
    suppliers = [s["supplier"] for s in now]
    assert len(suppliers) == len(set(suppliers))  # at most one PO due now per supplier
    assert all(_day(s["order_date"]) <= AS_OF for s in now)
    assert plan.kpis["to_order_now_orders"] == len(now)


@settings(max_examples=EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(spec=_workspace)
def test_every_date_is_order_date_plus_lead_time_and_approving_keeps_it(spec):
    with tempfile.TemporaryDirectory() as folder:
        db = _build(Path(folder), spec)
        plan = run_plan(load_planning_data(db, AS_OF))
        _check_plan_dates(plan)
        _check_due_now(plan)
        by_key = {(s["supplier"], s["order_date"]): s for s in plan.purchase_suggestions}
        created = approve_suggestions(db, plan, through=AS_OF + dt.timedelta(days=60))
        assert len(created) == sum(1 for s in plan.purchase_suggestions
                                   if _day(s["order_date"]) <= AS_OF + dt.timedelta(days=60))
        lead = _lead_days(plan)
        for po in created:
            order = po.order
            assert order.order_date == AS_OF
            assert order.expected_date == AS_OF + dt.timedelta(
                days=max(lead[x.sku] for x in order.lines))
            for x in order.lines:
                assert x.expected_date == AS_OF + dt.timedelta(days=lead[x.sku])
            # a PO approved on its suggested day has the suggestion's dates exactly
            same_day = by_key.get((order.supplier, AS_OF.isoformat()))
            if same_day is not None and {x.sku for x in order.lines} == {
                    x["sku"] for x in same_day["lines"]}:
                assert order.expected_date == _day(same_day["expected_arrival"])
                assert {x.sku: x.expected_date for x in order.lines} == {
                    x["sku"]: _day(x["expected_arrival"]) for x in same_day["lines"]}
            # and the PO's document lines (PDF, XLSX) carry them
            document = po_lines_for_supplier(db, po.po_number)
            assert dict(zip(document["sku"], document["expected_date"], strict=True)) == {
                x.sku: x.expected_date.isoformat() for x in order.lines}
        db.close()


@settings(max_examples=EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(spec=_workspace)
def test_approving_every_order_due_now_leaves_nothing_new_due_now(spec):
    with tempfile.TemporaryDirectory() as folder:
        db = _build(Path(folder), spec)
        plan = run_plan(load_planning_data(db, AS_OF))
        due = [s for s in plan.purchase_suggestions if s["order_now"]]
        created = approve_suggestions(db, plan)  # --now
        assert len(created) == len(due) == plan.kpis["to_order_now_orders"]
        again = run_plan(load_planning_data(db, AS_OF))
        assert [s for s in again.purchase_suggestions if s["order_now"]] == []
        assert again.kpis["to_order_now_orders"] == 0
        db.close()
