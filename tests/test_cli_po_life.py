"""A PO's life from the command line (issue 23, items 1, 6 and 9): `planner confirm`, `receive`
and `cancel`, each one transaction through the store functions the app's commands call."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys

import pytest

from planner.planning import load_planning_data, run_plan
from planner.store import open_workspace, po_life
from tests.test_cli import write_csv

DAY = dt.date(2026, 12, 7)


def planner(*args: str, now: str, check: bool = True) -> subprocess.CompletedProcess:
    """Run `planner` at a fixed moment ($PLANNER_NOW; today is its date)."""
    env = {k: v for k, v in os.environ.items() if k != "PLANNER_TODAY"}
    env["PLANNER_NOW"] = now
    result = subprocess.run([sys.executable, "-m", "planner", *args], capture_output=True,
                            text=True, timeout=300, env=env)
    if check:
        assert result.returncode == 0, result.stderr
    return result


def _plan(ws, as_of: dt.date = DAY) -> dict[str, tuple[int, int]]:
    """(on_hand, on_order) per SKU, planned as of ``as_of``."""
    db = open_workspace(ws, read_only=True)
    try:
        skus = run_plan(load_planning_data(db, as_of)).skus.set_index("sku")
        return {sku: (int(row["on_hand"]), int(row["on_order"])) for sku, row in skus.iterrows()}
    finally:
        db.conn.close()


def _states(ws) -> tuple[str, list[tuple]]:
    db = open_workspace(ws, read_only=True)
    try:
        lines = db.execute("SELECT sku, quantity, confirmed_quantity, confirmed_date, "
                           "received_quantity, status FROM po_lines ORDER BY sku").fetchall()
        return po_life.state_of(db, "PO-1"), [tuple(r) for r in lines]
    finally:
        db.conn.close()


@pytest.fixture
def shop(tmp_path):
    """MUG (none in stock) and CUP (5), counted the morning of 7 December; PO-1 sent to Acme
    for 440 MUG and 100 CUP, due 20 December."""
    ws = tmp_path / "shop.db"
    files = [
        write_csv(tmp_path / "products.csv",
                  ["sku", "supplier", "unit_cost", "unit_price", "lead_time_days"],
                  [["MUG", "Acme", 2, 5, 30], ["CUP", "Acme", 1, 3, 30]]),
        write_csv(tmp_path / "po.csv",
                  ["po_number", "sku", "quantity", "expected_date", "supplier", "order_date"],
                  [["PO-1", "MUG", 440, "2026-12-20", "Acme", "2026-11-01"],
                   ["PO-1", "CUP", 100, "2026-12-20", "Acme", "2026-11-01"]]),
        write_csv(tmp_path / "inventory.csv", ["sku", "on_hand"], [["MUG", 0], ["CUP", 5]]),
    ]
    planner("import", str(ws), *map(str, files), now="2026-12-07T08:30:00")
    return ws


def test_confirm_short_receive_on_the_count_day_and_cancel_a_line(shop):
    assert _plan(shop) == {"CUP": (5, 100), "MUG": (0, 440)}
    result = planner("confirm", str(shop), "PO-1", "--sku", "MUG", "--quantity", "400",
                     "--date", "2026-12-27", "--comment", "short of glaze",
                     now="2026-12-07T11:00:00")
    assert "PO-1 / MUG: confirmed 400 (ordered 440), at your dock 2026-12-27" in result.stdout
    assert "PO-1 is confirmed" in result.stdout
    assert _plan(shop)["MUG"] == (0, 400)  # the projection owes the confirmed 400
    # the goods come in that evening, after the morning's count: on-hand rises by 400
    result = planner("receive", str(shop), "PO-1", "--sku", "MUG", "--quantity", "400",
                     now="2026-12-07T20:14:00")
    assert "400 of 400: the line is received" in result.stdout
    assert _plan(shop) == {"CUP": (5, 100), "MUG": (400, 0)}
    assert _states(shop) == ("partly received", [
        ("CUP", 100, None, None, 0, "open"), ("MUG", 440, 400, "2026-12-27", 400, "received")])
    result = planner("cancel", str(shop), "PO-1", "--sku", "CUP", now="2026-12-07T20:20:00")
    assert "PO-1 / CUP cancelled; PO-1 is received" in result.stdout
    assert _plan(shop) == {"CUP": (5, 0), "MUG": (400, 0)}
    db = open_workspace(shop, read_only=True)
    trail = po_life.history(db, "PO-1")
    db.conn.close()
    assert trail["action"].tolist()[:4] == ["cancelled", "received", "confirmed",
                                            "supplier answer"]


def test_confirm_without_a_sku_confirms_every_open_line_and_cancel_the_whole_po(shop):
    planner("confirm", str(shop), "PO-1", "--date", "2026-12-24", now="2026-12-07T11:00:00")
    state, lines = _states(shop)
    assert state == "confirmed"
    assert [line[3] for line in lines] == ["2026-12-24", "2026-12-24"]
    result = planner("cancel", str(shop), "PO-1", now="2026-12-07T12:00:00")
    assert "2 open lines cancelled; PO-1 is cancelled" in result.stdout
    assert _plan(shop) == {"CUP": (5, 0), "MUG": (0, 0)}


@pytest.mark.parametrize("args, message", [
    (["receive", "PO-9", "--sku", "MUG", "--quantity", "5"], "there is no purchase order PO-9"),
    (["receive", "PO-1", "--sku", "BOWL", "--quantity", "5"],
     "PO-1 has no line for SKU BOWL; its lines: CUP, MUG"),
    (["receive", "PO-1", "--sku", "MUG", "--quantity", "0"], "must be at least 1"),
    (["receive", "PO-1", "--sku", "MUG"], "--quantity N"),
    (["receive", "PO-1", "--sku", "MUG", "--quantity", "5", "--date", "2026-12-08"],
     "after today"),
    (["confirm", "PO-1", "--quantity", "400"], "say which one the quantity is for with --sku"),
    (["confirm", "PO-1", "--sku", "MUG", "--quantity", "-3"], "must be at least 1"),
    (["cancel", "PO-8"], "there is no purchase order PO-8"),
])
def test_a_wrong_po_sku_or_quantity_is_refused_and_changes_nothing(shop, args, message):
    before = _states(shop)
    result = planner(args[0], str(shop), *args[1:], now="2026-12-07T12:00:00", check=False)
    assert result.returncode != 0
    assert message in result.stderr
    assert _states(shop) == before


def test_a_cancelled_line_cannot_be_received_or_confirmed(shop):
    planner("cancel", str(shop), "PO-1", "--sku", "CUP", now="2026-12-07T12:00:00")
    before = _states(shop)
    for args in (["receive", "PO-1", "--sku", "CUP", "--quantity", "5"],
                 ["confirm", "PO-1", "--sku", "CUP", "--quantity", "5"],
                 ["cancel", "PO-1", "--sku", "CUP"]):
        result = planner(args[0], str(shop), *args[1:], now="2026-12-07T12:30:00", check=False)
        assert result.returncode != 0 and "CUP is cancelled" in result.stderr, result.stderr
    assert _states(shop) == before


def test_not_in_the_count_from_the_command_line(shop, tmp_path):
    # received in the evening of the 7th; a corrected count file dated the 7th (3 mugs found)
    # is imported on the 8th: a date only, so its moment is the end of the 7th
    planner("receive", str(shop), "PO-1", "--sku", "MUG", "--quantity", "400",
            now="2026-12-07T20:14:00")
    count = write_csv(tmp_path / "count.csv", ["sku", "on_hand", "snapshot_date"],
                      [["MUG", 3, "2026-12-07"], ["CUP", 5, "2026-12-07"]])
    planner("import", str(shop), str(count), now="2026-12-08T09:00:00")
    later = dt.date(2026, 12, 8)
    assert _plan(shop, later)["MUG"] == (3, 40)  # a date-only count holds its day's receipts
    result = planner("plan", str(shop), "--as-of", "2026-12-08", "--json", "-",
                     now="2026-12-08T09:05:00")
    assert "the day of the stock count" in result.stderr
    planner("receive", str(shop), "PO-1", "--sku", "MUG", "--not-in-count",
            now="2026-12-08T09:10:00")
    assert _plan(shop, later)["MUG"] == (403, 40)
