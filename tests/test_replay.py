"""`planner replay`: the plan replayed on the workspace's own history (issue 30), by hand-computed
numbers, honest by construction (rows dated later change nothing), and the CLI's JSON keys."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from planner.planning import replay
from planner.store import open_workspace
from planner.store.importers.importing import import_files
from planner.store.settings import save_setting
from tests.test_cli import planner, write_csv

START, END = dt.date(2025, 6, 2), dt.date(2025, 6, 23)  # three weekly reviews: 2, 9 and 16 June


def _days(first: str, last: str) -> list[str]:
    day, stop = dt.date.fromisoformat(first), dt.date.fromisoformat(last)
    out = []
    while day <= stop:
        out.append(day.isoformat())
        day += dt.timedelta(days=1)
    return out


def _files(folder: Path, extra_sales: list[list[object]] | None = None,
           extra_pos: list[list[object]] | None = None) -> list[Path]:
    """One mug from Kiln (stated lead time 10 days, 4.00 a unit), a planner's forecast of 10 a
    day without spread, 150 in stock on 2 June and 12 sold every day after it; the buyer's own
    stock counts (40 on 9 June, 0 on 16 June, 5 on 23 June) and one real PO of 100 ordered
    5 June, received 20 June."""
    sales = [[day, "MUG", 12] for day in _days("2025-06-03", "2025-06-23")] + (extra_sales or [])
    pos = [["PO-9", "MUG", 100, "2025-06-18", "Kiln", "2025-06-05", 100, "2025-06-20",
            "received"]] + (extra_pos or [])
    return [
        write_csv(folder / "suppliers.csv", ["supplier", "lead_time_days"], [["Kiln", 10]]),
        write_csv(folder / "products.csv", ["sku", "name", "supplier", "unit_cost", "unit_price"],
                  [["MUG", "Stoneware mug", "Kiln", 4, 20]]),
        write_csv(folder / "inventory.csv", ["sku", "on_hand", "snapshot_date"],
                  [["MUG", 150, "2025-06-02"], ["MUG", 40, "2025-06-09"],
                   ["MUG", 0, "2025-06-16"], ["MUG", 5, "2025-06-23"]]),
        write_csv(folder / "sales.csv", ["date", "sku", "quantity"], sales),
        write_csv(folder / "purchase_orders.csv",
                  ["po_number", "sku", "quantity", "expected_date", "supplier", "order_date",
                   "received_quantity", "received_date", "status"], pos),
        write_csv(folder / "overrides.csv", ["sku", "demand_per_day", "demand_std_per_day"],
                  [["MUG", 10, 0]]),
    ]


def _workspace(folder: Path, **extra: list[list[object]]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "mugs.db"
    db = open_workspace(path)
    import_files(db, _files(folder, **extra))
    save_setting(db, "dock_to_stock_days", "2")
    save_setting(db, "review_period_days", "7")
    db.conn.close()
    return path


@pytest.fixture
def mugs(tmp_path) -> Path:
    return _workspace(tmp_path / "mugs")


def _replay(path: Path, start: dt.date = START, end: dt.date = END):
    db = open_workspace(path, read_only=True)
    try:
        return replay(db, start, end, 7)
    finally:
        db.conn.close()


def test_a_replay_by_hand(mugs):
    result = _replay(mugs)
    # policy: 10 a day, lead 10 + dock 2 days, review 7, no spread: reorder point 120,
    # order-up-to 10 × (10 + 2 + 7) = 190; the plan orders up to 190 at each review.
    # 2 Jun: position 150 → order 40, at the dock 12 Jun, sellable 14 Jun.
    #   3–9 Jun: 12 a day → 66 on 9 Jun.
    # 9 Jun: 66 + 40 on order = 106 → order 84, dock 19 Jun, sellable 21 Jun.
    #   10–16 Jun: 54, 42, 30, 18, 14 Jun +40 → 46, 34, 22.
    # 16 Jun: 22 + 84 on order = 106 → order 84, sellable 28 Jun (after the span).
    #   17–23 Jun: 10, 0 (2 short), 0 (12 short), 0 (12 short), 21 Jun +84 serves the 26 owed
    #   and the day's 12 → 46, 34, 22.
    orders = result.orders
    assert orders["order_date"].dt.strftime("%Y-%m-%d").tolist() == [
        "2025-06-02", "2025-06-09", "2025-06-16"]
    assert orders["quantity"].tolist() == [40, 84, 84]
    assert orders["sellable_date"].dt.strftime("%Y-%m-%d").tolist() == [
        "2025-06-14", "2025-06-21", "2025-06-28"]
    assert result.stock.loc["MUG"].tolist() == [
        138, 126, 114, 102, 90, 78, 66, 54, 42, 30, 18, 46, 34, 22, 10, 0, 0, 0, 46, 34, 22]
    mug = result.skus.set_index("sku").loc["MUG"]
    assert mug["stockout_days"] == 3  # 18, 19 and 20 June end with nothing to sell
    assert mug["units_short"] == 26
    assert mug["fill_rate"] == pytest.approx(1 - 26 / 252)  # 21 days × 12 sold
    assert mug["cycle_service_level"] == pytest.approx(2 / 3)  # the third week ran out
    # counted from the first week starting once the first order could be sold (12 days from
    # ordering: the week of 17–23 June), every week counted ran out
    assert mug["cycle_service_level_after_lead_time"] == 0
    assert mug["average_stock"] == pytest.approx((714 + 246 + 112) / 21)
    assert mug["average_stock_value"] == pytest.approx(4 * (714 + 246 + 112) / 21)
    assert (mug["orders_placed"], mug["order_value"]) == (3, 208 * 4)
    assert result.overall["orders_placed"] == 3 and result.overall["order_value"] == 832
    # what really happened, rebuilt day by day from 150 on 2 June, the real receipt (100 on
    # 20 June) and the sales, set to each count (40 on 9 June, 0 on 16 June, 5 on 23 June):
    #   3–8 Jun 138 … 78; 9 Jun 66 → counted 40; 28, 16, 4; 13–16 Jun 0 (8, 12, 12, 12 short)
    #   → counted 0; 17–19 Jun 0 (12 short each, 80 owed); 20 Jun +100: 80 owed, 12 sold → 8;
    #   21 Jun 0 (4 short), 22 Jun 0 (12 short), 23 Jun 0 (12 short) → counted 5.
    assert result.actual_stock.loc["MUG"].tolist() == [
        138, 126, 114, 102, 90, 78, 40, 28, 16, 4, 0, 0, 0, 0, 0, 0, 0, 8, 0, 0, 5]
    actual = result.actual_skus.set_index("sku").loc["MUG"]
    assert actual["stockout_days"] == 9
    assert actual["units_short"] == 108
    assert actual["fill_rate"] == pytest.approx(1 - 108 / 252, abs=1e-4)
    assert actual["average_stock"] == pytest.approx(749 / 21)
    assert actual["cycle_service_level"] == pytest.approx(1 / 3)
    # one PO of 100 × 4.00 ordered in the span
    assert (actual["orders_placed"], actual["order_value"]) == (1, 400)
    assert result.actual_overall["orders_placed"] == 1
    assert any("rebuilt day by day" in note for note in result.notes)
    assert "3 stockout days instead of 9" in result.summary


def _placed(result) -> list[tuple[str, str, float]]:
    orders = result.orders
    return list(zip(orders["order_date"].dt.strftime("%Y-%m-%d"), orders["sku"],
                    orders["quantity"], strict=True))


def test_rows_dated_after_the_span_change_nothing(tmp_path, mugs):
    """Sales, a PO with its receipt, and a stock count all dated after the replay's last day:
    the replay is the same, order for order and day for day."""
    planted = _workspace(
        tmp_path / "planted",
        extra_sales=[["2025-06-24", "MUG", 900], ["2025-07-01", "MUG", 900]],
        extra_pos=[["PO-10", "MUG", 500, "2025-06-25", "Kiln", "2025-06-24", 500, "2025-06-26",
                    "received"]])
    honest, leaky = _replay(mugs), _replay(planted)
    assert _placed(leaky) == _placed(honest)
    assert leaky.stock.equals(honest.stock)
    assert leaky.overall == honest.overall


@pytest.mark.parametrize("override", [True, False])
def test_a_review_never_sees_what_came_after_it(tmp_path, override):
    """Rows dated after the first review (a sales spike, a big PO ordered the next day) change
    what happens next, never the order placed on that review; also when the forecast is the
    statistical one, fitted on the sales history."""
    history = [[day, "MUG", 12] for day in _days("2025-01-01", "2025-06-02")]
    plain = _workspace(tmp_path / "plain", extra_sales=history)
    planted = _workspace(
        tmp_path / "planted", extra_sales=history + [["2025-06-04", "MUG", 300]],
        extra_pos=[["PO-10", "MUG", 500, "2025-06-06", "Kiln", "2025-06-03", "", "", "open"]])
    if not override:
        for path in (plain, planted):
            db = open_workspace(path)
            db.execute("DELETE FROM forecast_overrides")
            db.conn.commit()
            db.conn.close()
    honest, leaky = _replay(plain), _replay(planted)
    first = [order for order in _placed(honest) if order[0] == "2025-06-02"]
    assert first and [o for o in _placed(leaky) if o[0] == "2025-06-02"] == first
    # the planted spike did reach the following review (so the comparison could see a leak)
    assert _placed(leaky) != _placed(honest)


def test_the_cli_writes_the_spec_keys(mugs, tmp_path):
    out, table = tmp_path / "replay.json", tmp_path / "replay.csv"
    result = planner("replay", str(mugs), "--from", "2025-06-02", "--to", "2025-06-23",
                     "--every", "7", "--json", str(out), "--csv", str(table))
    document = json.loads(out.read_text())
    keys = {"stockout_days", "units_short", "fill_rate", "cycle_service_level", "average_stock",
            "average_stock_value", "orders_placed", "order_value"}
    assert keys <= set(document["overall"])
    assert [row["sku"] for row in document["skus"]] == ["MUG"]
    assert keys <= set(document["skus"][0])
    assert keys <= set(document["actual"]["overall"])
    assert keys <= set(document["actual"]["skus"][0])
    assert document["actual"]["overall"]["fill_rate"] == pytest.approx(1 - 108 / 252, abs=1e-4)
    assert document["notes"] and "settings in force now" in document["settings_note"]
    assert document["overall"]["stockout_days"] == 3
    assert document["review_dates"] == ["2025-06-02", "2025-06-09", "2025-06-16"]
    assert "over the 3 weeks from 2025-06-02 to 2025-06-23, following the plan: 3 stockout " \
        "days instead of 9" in result.stdout
    header = table.read_text().splitlines()[0].split(",")
    assert {"sku", "stockout_days", "actual_stockout_days"} <= set(header)
    # --to defaults to today ($PLANNER_TODAY); a span that does not move forward is refused
    today = planner("replay", str(mugs), "--from", "2025-06-02", "--json", "-",
                    today="2025-06-23")
    assert json.loads(today.stdout)["to"] == "2025-06-23"
    refused = planner("replay", str(mugs), "--from", "2025-06-23", "--to", "2025-06-02",
                      check=False)
    assert refused.returncode == 2 and "must be after --from" in refused.stderr


def test_a_replay_from_loaded_data_is_the_same_and_can_be_cancelled(mugs):
    from planner.planning import load_planning_data, replay_cancelled

    db = open_workspace(mugs, read_only=True)
    try:
        data = load_planning_data(db, END)
        assert _placed(replay(data, START, END, 7)) == _placed(_replay(mugs))
        seen: list[str] = []
        with pytest.raises(replay_cancelled()):
            replay(data, START, END, 7, progress=lambda _f, what: seen.append(what),
                   cancel=lambda: len(seen) > 2)
    finally:
        db.conn.close()
