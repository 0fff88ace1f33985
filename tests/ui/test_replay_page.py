"""The Replay page: following the plan over the last weeks against what happened, with progress,
Cancel and the chosen SKU's stock on a chart."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate

from planner.store import open_workspace
from planner.store.importers import import_files
from planner.store.settings import save_setting
from tests.ui.conftest import AS_OF, wait_idle

START = AS_OF - dt.timedelta(days=21)


def _mugs(tmp_path):
    """tests/test_replay.py's mug three weeks before the app's date: 150 in stock, 12 sold a day,
    a planner's forecast of 10 a day, lead time 10 days, dock to stock 2, weekly reviews."""
    path = tmp_path / "mugs.db"
    db = open_workspace(path)
    (tmp_path / "suppliers.csv").write_text("supplier,lead_time_days\nKiln,10\n")
    (tmp_path / "products.csv").write_text(
        "sku,name,supplier,unit_cost,unit_price\nMUG,Stoneware mug,Kiln,4,20\n")
    (tmp_path / "inventory.csv").write_text(
        f"sku,on_hand,snapshot_date\nMUG,150,{START.isoformat()}\n")
    days = [START + dt.timedelta(days=k) for k in range(1, 22)]
    (tmp_path / "sales.csv").write_text(
        "date,sku,quantity\n" + "".join(f"{d.isoformat()},MUG,12\n" for d in days))
    (tmp_path / "overrides.csv").write_text("sku,demand_per_day,demand_std_per_day\nMUG,10,0\n")
    import_files(db, [tmp_path / f for f in ("suppliers.csv", "products.csv", "inventory.csv",
                                             "sales.csv", "overrides.csv")])
    save_setting(db, "dock_to_stock_days", "2")
    save_setting(db, "review_period_days", "7")
    db.conn.close()
    return path


def _open(qtbot, window, tmp_path):
    with qtbot.waitSignal(window.session.plan_ready, timeout=60_000):
        window.session.open(_mugs(tmp_path), background=False)
    window.show_page("replay")
    page = window.pages["replay"]
    page.start.setDate(QDate(START.year, START.month, START.day))
    return page


def test_a_replay_shows_the_plan_against_what_happened(qtbot, window, tmp_path):
    page = _open(qtbot, window, tmp_path)
    assert page.every.value() == 7
    with qtbot.waitSignal(page.computed, timeout=120_000):
        page.run_button.click()
    # the hand-computed replay of tests/test_replay.py: orders of 40, 84, 84 → 3 stockout days;
    # as it was, 150 and no receipt ran out on the 13th day: 9 stockout days
    assert "3 stockout days instead of 9" in page.summary.text()
    assert "settings in force now" in page.notes.text()
    skus = page.sku_model
    keys = [c.key for c in skus.columns]
    assert skus.text(0, keys.index("sku")) == "MUG"
    assert skus.text(0, keys.index("stockout_days")) == "3"
    assert skus.text(0, keys.index("actual_stockout_days")) == "9"
    assert skus.text(0, keys.index("orders_placed")) == "3"
    classes = page.class_model
    assert classes.text(classes.rowCount() - 1, 0) == "All SKUs"
    qtbot.waitUntil(lambda: page.chart.figure is not None, timeout=30_000)
    assert "MUG" in page.chart.figure.axes[0].get_title(loc="left")
    wait_idle(qtbot, window)


def test_a_replay_can_be_cancelled_from_the_status_bar(qtbot, window, tmp_path):
    page = _open(qtbot, window, tmp_path)
    page.run_button.click()
    assert page.task is not None and window.status_progress.isVisible()

    window.status_progress.cancel_button.click()

    assert "Cancelled" in page.summary.text()
    assert page.result is None and page.task is None
    wait_idle(qtbot, window, timeout=120_000)
    assert page.result is None  # the late result is dropped
