"""The plan and every what-if are projected from the same inputs (planning.projection_inputs)."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from planner.demo import write_demo
from planner.planning import load_planning_data, run_plan, what_if_session
from planner.store import open_workspace

AS_OF = dt.date(2025, 6, 2)


def test_a_what_if_with_no_change_is_the_plan_itself(tmp_path):
    db = open_workspace(tmp_path / "demo.db")
    write_demo(db, skus=30, years=1.5, seed=11, as_of=AS_OF)
    db.execute("UPDATE settings SET value = '5' WHERE key = 'promise_buffer_days'")
    db.execute("INSERT OR REPLACE INTO settings (key, value) VALUES ('cancel_rate_per_day', "
               "'0.035')")
    data = load_planning_data(db, AS_OF)
    plan = run_plan(data)
    bundles = set(data.bundle_lines["bundle_sku"]) if len(getattr(data, "bundle_lines", [])) \
        else set()
    lines = plan.backorder_lines[~plan.backorder_lines["sku"].isin(bundles)]
    skus = sorted(lines["sku"].astype(str).unique())
    assert skus
    baseline = what_if_session(data, plan).baseline(skus).lines
    columns = ["order_id", "sku", "projected_ship_date", "filled_from", "quoted_date",
               "cancel_probability", "value_at_risk"]
    key = ["order_id", "sku"]
    mine = lines[columns].sort_values(key).reset_index(drop=True)
    theirs = baseline[columns].sort_values(key).reset_index(drop=True)
    pd.testing.assert_frame_equal(mine, theirs, check_dtype=False)


def test_a_what_if_with_no_change_has_the_plans_stockouts(tmp_path):
    """Stockout days, units short and revenue short (issue 23, item 7) are the plan's own
    projection: the what-if baseline of every SKU equals the plan's SKU columns."""
    db = open_workspace(tmp_path / "demo.db")
    write_demo(db, skus=30, years=1.5, seed=11, as_of=AS_OF)
    data = load_planning_data(db, AS_OF)
    plan = run_plan(data)
    kits = set(data.bundles["bundle_sku"].astype(str)) if len(data.bundles) else set()
    skus = sorted(set(plan.skus["sku"].astype(str)) - kits)  # a kit is its components
    shortage = what_if_session(data, plan).baseline(skus).shortage.reindex(skus)
    mine = plan.skus.set_index("sku").reindex(skus)
    assert mine["projected_units_short"].sum() > 0  # the demo has stockouts to compare
    for theirs, ours in (("stockout_days", "projected_stockout_days"),
                         ("units_short", "projected_units_short"),
                         ("revenue_short", "projected_revenue_short")):
        pd.testing.assert_series_equal(shortage[theirs].astype(float),
                                       mine[ours].astype(float), check_names=False)
