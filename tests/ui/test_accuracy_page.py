"""The forecast-accuracy page: what a buyer sees after the forecast is scored on a holdout."""

from __future__ import annotations

import datetime as dt

from planner import planning
from planner.store import open_workspace
from planner.store.importers import import_files
from tests.ui.conftest import AS_OF, wait_idle

ORIGIN = AS_OF - dt.timedelta(days=7 * 13)


def _column(model, key: str) -> int:
    return [c.key for c in model.columns].index(key)


def _texts(model, key: str) -> list[str]:
    c = _column(model, key)
    return [model.text(r, c) for r in range(model.rowCount())]


def _handmade(tmp_path, days_of_history: int = 364):
    """STEADY sells 2 a day; STEP 2 a day until the origin, then 4; LATE starts after it."""
    path = tmp_path / "handmade.db"
    db = open_workspace(path)
    (tmp_path / "products.csv").write_text(
        "sku,name,supplier,lead_time_days\nSTEADY,Steady mug,Acme,21\nSTEP,Step mug,Acme,21\n"
        "LATE,Late mug,Acme,21\n")
    lines = ["date,sku,quantity"]
    for k in range(days_of_history):
        day = AS_OF - dt.timedelta(days=k)
        lines.append(f"{day.isoformat()},STEADY,2")
        lines.append(f"{day.isoformat()},STEP,{4 if day > ORIGIN else 2}")
        if day > ORIGIN + dt.timedelta(days=20):
            lines.append(f"{day.isoformat()},LATE,3")
    (tmp_path / "sales.csv").write_text("\n".join(lines) + "\n")
    import_files(db, [tmp_path / "products.csv", tmp_path / "sales.csv"])
    db.conn.close()
    return path


def _open_and_score(qtbot, window, path):
    with qtbot.waitSignal(window.session.plan_ready, timeout=60_000):
        window.session.open(path, background=False)
    page = window.pages["accuracy"]
    with qtbot.waitSignal(page.computed, timeout=60_000):
        window.show_page("accuracy")
    return page


def test_a_sku_whose_sales_doubled_shows_half_missed_and_low(qtbot, window, tmp_path):
    page = _open_and_score(qtbot, window, _handmade(tmp_path))

    skus = page.sku_model
    assert _texts(skus, "sku") == ["STEP", "STEADY"]  # the largest error first
    assert _texts(skus, "name") == ["Step mug", "Steady mug"]
    assert _texts(skus, "wape") == ["0.50", "0.00"]
    assert _texts(skus, "bias") == ["-50.0%", "0.0%"]
    assert _texts(skus, "actual_units") == ["364", "182"]
    classes = page.class_model
    assert _texts(classes, "class_label")[-1] == "All SKUs"
    c = _column(classes, "wape")
    assert classes.text(classes.rowCount() - 1, c) == "0.33"  # 182 missed of 546 sold
    assert classes.text(classes.rowCount() - 1, _column(classes, "bias")) == "-33.3%"
    assert ORIGIN.isoformat() in page.summary.text()
    assert "low overall" in page.summary.text()
    assert not page.empty_state.isVisible()
    # the chart shows the selected SKU's weeks
    qtbot.waitUntil(lambda: page.chart.figure is not None, timeout=30_000)
    assert "STEP" in page.chart.figure.axes[0].get_title(loc="left")
    wait_idle(qtbot, window)

    # the SKU's own page says the same
    window.open_sku("STEP")
    assert window.pages["sku"].fact_labels["accuracy"].text() == (
        "last 13 weeks: 182 forecast, 364 sold, WAPE 0.50, -50 %")
    wait_idle(qtbot, window)


def test_each_demand_class_gets_a_row_with_the_engines_numbers(qtbot, planned):
    window = planned
    page = window.pages["accuracy"]
    with qtbot.waitSignal(page.computed, timeout=120_000):
        window.show_page("accuracy")
    expected = planning.forecast_accuracy(window.session.data, weeks=13)

    classes = page.class_model
    assert classes.rowCount() == len(expected.classes)
    assert [classes.frame.at[i, "demand_class"] for i in range(classes.rowCount())] == \
        expected.classes["demand_class"].tolist()
    for i, row in expected.classes.iterrows():
        assert classes.text(i, _column(classes, "skus")) == f"{int(row['skus']):,}"
        assert classes.text(i, _column(classes, "wape")) == f"{row['wape']:.2f}"
    assert page.sku_model.rowCount() == len(expected.skus)

    # choosing a class lists only its SKUs; the whole-catalog row lists them all again
    first_class = expected.classes["demand_class"].iloc[0]
    page.class_table.selectRow(0)
    assert page.sku_model.rowCount() == int((expected.skus["demand_class"] == first_class).sum())
    page.class_table.selectRow(classes.rowCount() - 1)
    assert page.sku_model.rowCount() == len(expected.skus)

    # a double-click opens the SKU's own page
    page.sku_table.selectRow(0)
    sku = page.selected_sku()
    assert sku is not None
    page.sku_table.doubleClicked.emit(page.sku_table.currentIndex())
    assert window.current_page() == "sku" and window.pages["sku"].sku == sku
    wait_idle(qtbot, window)


def test_changing_the_weeks_scores_again(qtbot, planned):
    window = planned
    page = window.pages["accuracy"]
    with qtbot.waitSignal(page.computed, timeout=120_000):
        window.show_page("accuracy")
    with qtbot.waitSignal(page.computed, timeout=120_000):
        page.weeks.setValue(4)
    assert page.result.weeks == 4
    assert "the 4 weeks to" in page.summary.text()
    wait_idle(qtbot, window)


def test_too_little_history_says_why_instead_of_a_table(qtbot, window, tmp_path):
    page = _open_and_score(qtbot, window, _handmade(tmp_path, days_of_history=30))

    assert page.empty_state.isVisible()
    assert "Too little history" in page.empty_state.text()
    assert not page.sku_table.isVisible() and not page.class_table.isVisible()
    wait_idle(qtbot, window)



def test_scoring_can_be_cancelled_from_the_status_bar(qtbot, window, tmp_path):
    with qtbot.waitSignal(window.session.plan_ready, timeout=60_000):
        window.session.open(_handmade(tmp_path), background=False)
    window.show_page("accuracy")
    page = window.pages["accuracy"]
    assert page.task is not None and window.status_progress.isVisible()

    window.status_progress.cancel_button.click()

    assert "Cancelled" in page.summary.text()
    assert page.result is None and page.task is None
    wait_idle(qtbot, window)
    assert page.result is None  # the late result is dropped
