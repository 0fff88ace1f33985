"""The `planner` command end to end, through the interface in docs/reference.md only."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

AS_OF = "2025-06-02"  # a Monday


def planner(*args: str, check: bool = True,
            today: str | None = None) -> subprocess.CompletedProcess:
    """Run `planner`; ``today`` fixes the day it dates things by default ($PLANNER_TODAY)."""
    env = dict(os.environ, PLANNER_TODAY=today) if today else None
    result = subprocess.run([sys.executable, "-m", "planner", *args], capture_output=True,
                            text=True, timeout=300, env=env)
    if check:
        assert result.returncode == 0, result.stderr
    return result


def write_csv(path: Path, header: list[str], rows: list[list[object]]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


@pytest.fixture
def scenario(tmp_path) -> Path:
    """A hand-built workspace: one SKU with two POs and four open order lines."""
    ws = tmp_path / "shop.db"
    products = write_csv(tmp_path / "products.csv",
                         ["sku", "name", "supplier", "unit_cost", "unit_price", "lead_time_days",
                          "moq", "case_pack"],
                         [["MUG-01", "Stoneware mug", "Kiln & Co", 4, 20, 28, 0, 1]])
    inventory = write_csv(tmp_path / "inventory.csv", ["sku", "on_hand", "on_hold",
                                                       "hold_release_date", "snapshot_date"],
                          [["MUG-01", 5, 4, "2025-06-10", "2025-05-01"]])
    pos = write_csv(tmp_path / "pos.csv",
                    ["po_number", "sku", "quantity", "expected_date", "supplier", "order_date"],
                    [["PO-1", "MUG-01", 10, "2025-06-20", "Kiln & Co", "2025-05-01"],
                     ["PO-2", "MUG-01", 30, "2025-07-15", "Kiln & Co", "2025-05-20"]])
    backorders = write_csv(
        tmp_path / "backorders.csv",
        ["order_id", "sku", "quantity", "order_date", "promised_date", "unit_price", "customer"],
        [["#1001", "MUG-01", 4, "2025-05-20", "2025-06-05", 20, "Ada"],
         ["#1002", "MUG-01", 3, "2025-05-21", "2025-06-05", 20, "Bo"],
         ["#1003", "MUG-01", 8, "2025-05-25", "2025-06-30", 20, "Cy"],
         ["#1004", "MUG-01", 12, "2025-05-28", "", 20, "Di"]])
    planner("import", str(ws), str(products), str(inventory), str(pos), str(backorders))
    planner("config", str(ws), "dock_to_stock_days", "2")
    return ws


def test_backorder_queue_is_drawn_down_fifo_by_stock_hold_and_pos(scenario, tmp_path):
    out = tmp_path / "queue.json"
    planner("backorders", str(scenario), "--as-of", AS_OF, "--json", str(out))
    lines = {row["order_id"]: row for row in json.loads(out.read_text())}
    # on hand 5: #1001 (4) ships today; #1002 (3) needs 2 more: hold of 4 released 10 Jun.
    # 2 left; PO-1 (10) sellable 22 Jun (20 Jun + 2 days dock-to-stock): 12 -> #1003 (8) ships
    # 22 Jun, 4 left. #1004 (12) needs 8 more: PO-2 sellable 17 Jul.
    expected = {
        "#1001": ("2025-06-02", "on_hand"),
        "#1002": ("2025-06-10", "hold"),
        "#1003": ("2025-06-22", "PO-1"),
        "#1004": ("2025-07-17", "PO-2"),
    }
    for order_id, (ship, source) in expected.items():
        assert lines[order_id]["projected_ship_date"] == ship, order_id
        assert lines[order_id]["filled_from"] == source, order_id
    assert lines["#1002"]["days_late"] == 5
    assert lines["#1003"]["days_late"] == -8
    assert lines["#1004"]["days_late"] is None
    assert lines["#1004"]["quoted_date"] == "2025-07-20"
    # 2%/day compounding over the 13 days #1001 waited (20 May -> 2 Jun = 13 days)
    assert lines["#1001"]["days_waiting"] == 13
    assert lines["#1001"]["cancel_probability"] == pytest.approx(1 - 0.98 ** 13, abs=1e-3)
    assert lines["#1001"]["value"] == pytest.approx(80.0)


def test_plan_json_has_the_spec_shape(scenario, tmp_path):
    out = tmp_path / "plan.json"
    planner("plan", str(scenario), "--as-of", AS_OF, "--json", str(out))
    plan = json.loads(out.read_text())
    assert plan["as_of"] == AS_OF
    assert plan["settings"]["service_level"] == 0.95
    (mug,) = plan["skus"]
    for key in ("sku", "forecast_model", "demand_per_day", "demand_std_per_day", "lead_time_days",
                "safety_stock", "reorder_point", "order_up_to", "on_hand", "on_hold", "on_order",
                "backordered", "inventory_position", "days_of_cover", "stockout_date",
                "suggested_order_qty", "order_by", "expected_arrival", "why"):
        assert key in mug, key
    assert mug["on_hand"] == 5 and mug["on_hold"] == 4 and mug["on_order"] == 40
    assert mug["backordered"] == 27
    assert mug["inventory_position"] == 5 + 4 + 40 - 27
    for key in ("backorder_units", "backorder_value", "backorder_value_at_risk",
                "uncovered_backorder_lines", "late_backorder_lines", "skus_below_reorder_point",
                "stockouts_within_30_days", "inventory_value"):
        assert key in plan["kpis"], key
    assert plan["kpis"]["backorder_units"] == 27
    assert plan["kpis"]["backorder_value"] == pytest.approx(540.0)
    assert plan["kpis"]["inventory_value"] == pytest.approx(36.0)
    assert plan["kpis"]["uncovered_backorder_lines"] == 0


def test_a_bad_file_is_refused_with_every_problem_and_nothing_written(tmp_path):
    ws = tmp_path / "shop.db"
    bad = write_csv(tmp_path / "sales.csv", ["date", "sku", "quantity"],
                    [["2025-01-03", "A", 2], ["2025-13-40", "B", 1], ["2025-01-05", "C", "lots"]])
    result = planner("import", str(ws), str(bad), check=False)
    assert result.returncode != 0
    assert "row 3" in result.stderr and "date" in result.stderr
    assert "row 4" in result.stderr and "quantity" in result.stderr and "lots" in result.stderr
    info = planner("info", str(ws)).stdout
    assert "sales_rows: 0" in info and "products_rows: 0" in info


def test_config_prints_sets_and_refuses(tmp_path):
    ws = str(tmp_path / "shop.db")
    assert "service_level = 0.95" in planner("config", ws).stdout
    planner("config", ws, "cancel_rate_per_day", "0.03")
    assert planner("config", ws, "cancel_rate_per_day").stdout.strip() == "0.03"
    bad = planner("config", ws, "service_level_type", "often", check=False)
    assert bad.returncode != 0 and "fill_rate" in bad.stderr
    assert planner("config", ws, "forecast_global_model").stdout.strip() == "off"
    planner("config", ws, "forecast_global_model", "by_class")
    assert planner("config", ws, "forecast_global_model").stdout.strip() == "by_class"
    bad = planner("config", ws, "forecast_global_model", "yes", check=False)
    assert bad.returncode != 0 and "off, blend or by_class" in bad.stderr


def test_demo_forecast_plan_and_pdfs(tmp_path):
    ws = str(tmp_path / "demo.db")
    planner("demo", ws, "--skus", "25", "--years", "2", "--seed", "3", "--as-of", AS_OF)
    forecast = planner("forecast", ws, "--as-of", AS_OF, "--horizon-weeks", "8", "--csv", "-").stdout
    rows = list(csv.DictReader(forecast.splitlines()))
    assert list(rows[0].keys()) == ["sku", "week_start", "forecast", "lower", "upper"]
    assert rows[0]["week_start"] == "2025-06-09"
    per_sku = {}
    for row in rows:
        per_sku.setdefault(row["sku"], []).append(row)
        assert float(row["lower"]) <= float(row["forecast"]) <= float(row["upper"])
    assert all(len(weeks) == 8 for weeks in per_sku.values())
    plan = json.loads(planner("plan", ws, "--as-of", AS_OF, "--json", "-").stdout)
    assert plan["purchase_suggestions"], "the demo needs something to order"
    for suggestion in plan["purchase_suggestions"]:
        total = sum(line["value"] for line in suggestion["lines"])
        assert suggestion["total_value"] == pytest.approx(total, rel=1e-6)
    queue = json.loads(planner("backorders", ws, "--as-of", AS_OF, "--json", "-").stdout)
    assert any(row["projected_ship_date"] is None for row in queue), "demo has an uncovered line"
    out = tmp_path / "pdfs"
    planner("export-pdf", ws, "--out", str(out), "--as-of", AS_OF)
    assert len(list(out.glob("*.pdf"))) >= 2


def test_rows_dated_after_as_of_are_left_out_and_reported(scenario, tmp_path):
    # PO-2 was ordered on 20 May: planned as of 19 May it does not exist yet, nor do the order
    # lines taken from 20 May on (#1001 … #1004 but none before). Nothing vanishes silently.
    out = tmp_path / "plan.json"
    result = planner("plan", str(scenario), "--as-of", "2025-05-19", "--json", str(out))
    plan = json.loads(out.read_text())
    warnings = {w["kind"]: w for w in plan["warnings"]}
    assert warnings["po_ordered_after_as_of"]["count"] == 1
    assert "ordered after 2025-05-19" in warnings["po_ordered_after_as_of"]["message"]
    assert warnings["backorder_after_as_of"]["count"] == 4
    [mug] = plan["skus"]
    assert mug["on_order"] == 10 and mug["backordered"] == 0
    [line] = [x for x in result.stderr.splitlines() if "left out" in x]
    assert "1 PO line of 1 purchase order" in line and "4 open order lines" in line
    # as of the day PO-2 was ordered, it is supply and nothing is reported
    result = planner("plan", str(scenario), "--as-of", "2025-05-28", "--json", str(out))
    plan = json.loads(out.read_text())
    assert plan["warnings"] == [] and plan["skus"][0]["on_order"] == 40
    assert "left out" not in result.stderr


def test_a_suppliers_confirmation_replaces_the_ordered_quantity_and_date(scenario, tmp_path):
    # The supplier confirms PO-1 short and late: 6 units on 27 Jun instead of 10 on 20 Jun.
    # After #1002 takes the hold, 2 units are left; PO-1's 6 make 8, sellable 29 Jun (+2 days
    # dock-to-stock): exactly #1003's 8. #1004 still waits for PO-2 (17 Jul).
    answer = write_csv(tmp_path / "confirmed.csv",
                       ["po_number", "sku", "quantity", "expected_date", "confirmed_quantity",
                        "confirmed_date"],
                       [["PO-1", "MUG-01", 10, "2025-06-20", 6, "2025-06-27"]])
    result = planner("import", str(scenario), str(answer))
    assert "purchase_orders" in result.stdout
    out = tmp_path / "queue.json"
    planner("backorders", str(scenario), "--as-of", AS_OF, "--json", str(out))
    lines = {row["order_id"]: row for row in json.loads(out.read_text())}
    assert (lines["#1003"]["projected_ship_date"], lines["#1003"]["filled_from"]) == (
        "2025-06-29", "PO-1")
    assert (lines["#1004"]["projected_ship_date"], lines["#1004"]["filled_from"]) == (
        "2025-07-17", "PO-2")
    plan = tmp_path / "plan.json"
    planner("plan", str(scenario), "--as-of", AS_OF, "--json", str(plan))
    [mug] = json.loads(plan.read_text())["skus"]
    assert mug["on_order"] == 36
    # the same file again changes nothing
    again = planner("import", str(scenario), str(answer))
    assert "0 inserted, 0 updated" in again.stdout or "unchanged" in again.stdout


def test_inventory_snapshots_are_dated_and_a_plan_uses_the_newest_on_or_before_as_of(
        scenario, tmp_path):
    # The 1 May snapshot (5 on hand) stays as history when a 30 May one (2 on hand) comes in,
    # and a 10 Jun one (50 on hand) is ignored by a plan as of 2 Jun, and said so.
    later = write_csv(tmp_path / "stock_may30.csv", ["sku", "on_hand", "snapshot_date"],
                      [["MUG-01", 2, "2025-05-30"]])
    future = write_csv(tmp_path / "stock_jun10.csv", ["sku", "on_hand", "snapshot_date"],
                       [["MUG-01", 50, "2025-06-10"]])
    planner("import", str(scenario), str(later), str(future))
    out = tmp_path / "plan.json"

    def plan_as_of(day: str) -> dict:
        result = planner("plan", str(scenario), "--as-of", day, "--json", str(out))
        return json.loads(out.read_text()) | {"stderr": result.stderr}

    plan = plan_as_of(AS_OF)
    assert plan["skus"][0]["on_hand"] == 2
    [warning] = [w for w in plan["warnings"] if w["kind"] == "inventory_snapshot_after_as_of"]
    assert warning["count"] == 1 and "snapshot of 2025-05-30" in warning["message"]
    assert "inventory snapshot" in plan["stderr"]
    assert plan_as_of("2025-05-29")["skus"][0]["on_hand"] == 5
    assert plan_as_of("2025-06-10")["skus"][0]["on_hand"] == 50
    # a file for an existing date replaces that date's snapshot; importing it again changes
    # nothing
    fixed = write_csv(tmp_path / "stock_may30_fixed.csv", ["sku", "on_hand", "snapshot_date"],
                      [["MUG-01", 3, "2025-05-30"]])
    first = planner("import", str(scenario), str(fixed))
    assert "1 updated" in first.stdout
    again = planner("import", str(scenario), str(fixed))
    assert "0 inserted, 0 updated" in again.stdout
    assert plan_as_of(AS_OF)["skus"][0]["on_hand"] == 3
    assert plan_as_of("2025-05-29")["skus"][0]["on_hand"] == 5
    assert "stockout_days_excluded" in plan["skus"][0]


def test_a_snapshot_without_a_date_is_dated_the_day_of_the_import(tmp_path):
    import sqlite3

    ws = tmp_path / "shop.db"
    stock = write_csv(tmp_path / "stock.csv", ["sku", "on_hand"], [["MUG-01", 7]])
    planner("import", str(ws), str(stock), today="2025-03-14")
    with sqlite3.connect(ws) as db:
        assert db.execute("SELECT sku, on_hand, snapshot_date FROM inventory").fetchall() == [
            ("MUG-01", 7, "2025-03-14")]
    # a plan as of a day before the snapshot does not use it, and says so
    out = tmp_path / "plan.json"
    planner("plan", str(ws), "--as-of", "2025-01-06", "--json", str(out))
    plan = json.loads(out.read_text())
    assert plan["skus"][0]["on_hand"] == 0
    assert "no snapshot is dated on or before it" in " ".join(w["message"]
                                                               for w in plan["warnings"])


def test_events_import_and_lift_the_forecast_between_their_dates(tmp_path):
    ws = tmp_path / "shop.db"
    days = [f"2025-{m:02d}-{d:02d}" for m in (3, 4, 5) for d in range(1, 29)]
    sales = write_csv(tmp_path / "sales.csv", ["date", "sku", "quantity"],
                      [[day, "MUG-01", 10] for day in days])
    events = write_csv(tmp_path / "events.csv",
                       ["name", "start_date", "end_date", "sku", "supplier", "uplift_pct",
                        "uplift_units"],
                       [["Summer push", "2025-06-09", "2025-06-15", "MUG-01", "", 50, ""]])
    planner("import", str(ws), str(sales), str(events))
    again = planner("import", str(ws), str(events))
    assert "0 inserted, 0 updated" in again.stdout
    weeks = list(csv.DictReader(planner("forecast", str(ws), "--as-of", AS_OF,
                                        "--horizon-weeks", "3", "--csv", "-").stdout
                                .splitlines()))
    by_week = {row["week_start"]: float(row["forecast"]) for row in weeks}
    # the SKU sells about 10 a day (a little less: the 29th-31st of each month sold nothing);
    # the event week of 9 June is half as much again
    assert by_week["2025-06-09"] == pytest.approx(1.5 * by_week["2025-06-16"], rel=0.02)
    bad = write_csv(tmp_path / "bad_events.csv", ["name", "start_date", "end_date", "uplift_pct"],
                    [["Oops", "2025-06-15", "2025-06-09", 10], ["Nothing", "2025-06-01",
                                                               "2025-06-02", ""]])
    refused = planner("import", str(ws), str(bad), check=False)
    assert refused.returncode != 0
    assert "bad_events.csv, row 2, column end_date" in refused.stderr
    assert "bad_events.csv, row 3, column uplift_pct" in refused.stderr


def test_a_mistyped_folder_is_refused_and_a_new_file_says_it_was_created(tmp_path):
    products = write_csv(tmp_path / "products.csv", ["sku", "name"], [["MUG-01", "Mug"]])
    typo = tmp_path / "Dokuments" / "shop.db"
    result = planner("import", str(typo), str(products), check=False)
    assert result.returncode != 0
    assert "does not exist" in result.stderr and not typo.parent.exists()
    fresh = tmp_path / "shop.db"
    result = planner("import", str(fresh), str(products))
    assert f"created a new workspace at {fresh}" in result.stderr
    again = planner("import", str(fresh), str(products))
    assert "created a new workspace" not in again.stderr


def test_every_option_of_every_command_has_help(tmp_path):
    from planner.cli import build_parser

    parser = build_parser()
    [sub] = [a for a in parser._actions if a.dest == "command"]
    for name, command in sub.choices.items():
        for action in command._actions:
            if action.dest in ("help", "smoke_test"):
                continue
            assert action.help, f"planner {name} {action.dest} has no help text"


def test_csv_numbers_are_rounded_and_the_text_output_reads_well(scenario, tmp_path):
    out = tmp_path / "plan.csv"
    planner("plan", str(scenario), "--as-of", AS_OF, "--csv", str(out))
    with open(out, encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    numbers = [v for row in rows for v in row.values() if v.replace(".", "", 1).isdigit()]
    assert numbers and all(len(v.partition(".")[2]) <= 4 for v in numbers)
    text = planner("backorders", str(scenario), "--as-of", "2025-05-20").stdout
    assert text.startswith("1 open order line,") and "from -" not in text


def test_accuracy_scores_the_forecast_made_13_weeks_ago(tmp_path):
    """One SKU sold 2 a day for a year, then 4 a day in the last 13 weeks: the forecast made
    13 weeks ago (14 a week) missed half of what sold, 50 % low."""
    import datetime as dt

    ws = tmp_path / "shop.db"
    as_of = dt.date.fromisoformat(AS_OF)
    origin = as_of - dt.timedelta(days=91)
    products = write_csv(tmp_path / "products.csv", ["sku", "name", "lead_time_days"],
                         [["MUG-01", "Stoneware mug", 21]])
    days = [as_of - dt.timedelta(days=k) for k in range(364)]
    sales = write_csv(tmp_path / "sales.csv", ["date", "sku", "quantity"],
                      [[d.isoformat(), "MUG-01", 4 if d > origin else 2] for d in days])
    planner("import", str(ws), str(products), str(sales))

    text = planner("accuracy", str(ws), "--as-of", AS_OF).stdout
    assert f"forecast as of {origin.isoformat()}" in text
    document = json.loads(planner("accuracy", str(ws), "--as-of", AS_OF, "--json", "-").stdout)
    assert (document["origin"], document["weeks"]) == (origin.isoformat(), 13)
    [sku] = document["skus"]
    assert sku["sku"] == "MUG-01" and sku["wape"] == pytest.approx(0.5)
    assert sku["bias_pct"] == pytest.approx(-50.0)
    assert [w["actual"] for w in sku["weeks"]] == [28.0] * 13
    assert document["classes"][-1]["demand_class"] == "all"
    rows = list(csv.DictReader(planner("accuracy", str(ws), "--as-of", AS_OF, "--weeks", "4",
                                       "--csv", "-").stdout.splitlines()))
    assert rows[0]["sku"] == "MUG-01" and float(rows[0]["actual_units"]) == 4 * 28
    bad = planner("accuracy", str(ws), "--weeks", "0", check=False)
    assert bad.returncode != 0 and "--weeks" in bad.stderr


def test_config_takes_a_share_as_the_app_shows_it_and_refuses_loose_numbers(tmp_path):
    """Issue 25, item 11: the toolbar takes 98 %, so `config service_level 98` must too; ABC
    levels take "A=98%"; `1_0` is not ten days."""
    ws = tmp_path / "ws.db"
    planner("demo", str(ws), "--skus", "20", "--years", "1", "--as-of", AS_OF)
    planner("config", str(ws), "service_level", "98")
    planner("config", str(ws), "abc_service_levels", "A=98%,B=95,C=0.9")
    planner("config", str(ws), "cancel_rate_per_day", "2 %")
    shown = planner("config", str(ws)).stdout
    assert "service_level = 0.98" in shown or "service_level: 0.98" in shown \
        or "0.98" in planner("config", str(ws), "service_level").stdout
    assert "A=0.98,B=0.95,C=0.9" in planner("config", str(ws), "abc_service_levels").stdout
    for key, value in (("review_period_days", "1_0"), ("split_shipment_cost", "inf"),
                       ("service_level", "150")):
        result = planner("config", str(ws), key, value, check=False)
        assert result.returncode != 0 and key in result.stderr


def test_import_help_lists_every_kind_it_reads():
    from planner.store.importers import KINDS

    text = planner("import", "--help").stdout
    for name, kind in KINDS.items():
        assert name in text and kind.description.split(":")[0] in text


def test_accuracy_help_says_what_each_output_holds_and_how_to_read_the_scores():
    text = " ".join(planner("accuracy", "--help").stdout.split())  # unwrapped
    assert "CSV: per SKU) as JSON" not in text and "(JSON:" not in text
    assert "--json FILE write the scores per demand class and per SKU, with their weeks" in text
    assert "--csv FILE write one row per SKU" in text
    assert "WAPE" in text and "0.25" in text  # a plain reading of the main score


def test_backorders_prints_money_with_its_currency(scenario):
    first = planner("backorders", str(scenario), "--as-of", AS_OF).stdout.splitlines()[0]
    assert "value USD 540.00, at risk USD " in first


def test_the_update_list_summary_counts_customers_not_lines(scenario, tmp_path):
    out = tmp_path / "updates.csv"
    text = planner("backorders", str(scenario), "--as-of", AS_OF, "--updates", str(out)).stdout
    with open(out, encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    customers = len({row["customer"] for row in rows})
    assert rows and "email" not in rows[0]  # the backorders file has no e-mail column
    line_word = "line" if len(rows) == 1 else "lines"
    assert text.startswith(f"{len(rows)} order {line_word} for {customers} customer")
    from planner.planning import UpdateList

    assert str(UpdateList(lines=198, customers=143)) == (
        "198 order lines for 143 customers need a message")
    assert str(UpdateList(lines=1, customers=1)) == "1 order line for 1 customer needs a message"
