"""The app's money in its currency (issue 23, item 5): the Purchase orders page and the
dashboard on a workspace with a CNY supplier, with and without a CNY → USD rate."""

from __future__ import annotations

import pytest

from tests.money_workspace import AS_OF, CNY_PO, USD_PO, money_workspace
from tests.ui.conftest import wait_idle


@pytest.fixture
def money_window(qtbot, tmp_path, request):
    from planner.ui.main_window import MainWindow
    from planner.ui.plan_outcome import plan_workspace

    path = money_workspace(tmp_path / "ws", with_rate=request.param)
    win = MainWindow(as_of=AS_OF)
    qtbot.addWidget(win)
    win.show()
    win.session.open(path, replan=False, background=False)
    win.show_page("products")
    win.session.show_outcome(plan_workspace(path, AS_OF, lambda _f, _w: None))
    wait_idle(qtbot, win)
    yield request.param, win
    from planner.ui.charts import chart_tasks

    chart_tasks().shutdown()
    win.tasks.shutdown()
    win.session.close()


def _cells(model, po_number: str) -> dict[str, str]:
    row = model.model_row_of("po_number", po_number)
    assert row is not None, po_number
    return {c.key: model.text(row, i) for i, c in enumerate(model.columns)}


@pytest.mark.parametrize("money_window", [True, False], ids=["with_rate", "without_rate"],
                         indirect=True)
def test_the_po_page_and_dashboard_show_money_in_its_currency(money_window, qtbot):
    with_rate, win = money_window
    page = win.pages["purchase_orders"]
    win.show_page("purchase_orders")
    page.status.setCurrentText("All")
    qtbot.waitUntil(lambda: page.model.rowCount() == 2, timeout=30_000)
    wait_idle(qtbot, win)
    cny = _cells(page.model, CNY_PO)
    assert (cny["currency"], cny["open_value_supplier_currency"]) == ("CNY", "20,000.00")
    assert _cells(page.model, USD_PO)["open_value"] == "400.00"
    win.show_page("dashboard")
    wait_idle(qtbot, win)
    dashboard = win.pages["dashboard"]
    qtbot.waitUntil(lambda: dashboard.arrivals_chart.figure is not None, timeout=20_000)
    arrivals = "\n".join(t.get_text() for t in dashboard.arrivals_chart.figure.axes[0].texts)
    tile = dashboard.tiles["inventory_value"]
    if with_rate:
        assert cny["open_value"] == "2,800.00"  # CNY 20,000 × 0.14, never "20,000.00" in USD
        assert "open value USD 3,200.00" in page.summary.text()
        assert tile.detail.text() == "USD 3,200.00 on order"
        assert dashboard.arrivals_chart.figure.axes[0].has_data() and "rate" not in arrivals
    else:
        assert cny["open_value"] == "—"
        assert "open value USD 400.00 + 1 PO in CNY without a rate" in page.summary.text()
        assert tile.detail.text() == "USD 400.00 + 1 PO in CNY without a rate on order"
        assert tile.value.text() == "USD 200.00 + 1 SKU in CNY without a rate"
        # the USD PO is drawn; the CNY one is named, not drawn as 0
        assert dashboard.arrivals_chart.figure.axes[0].has_data()
        assert "1 PO in CNY without a rate to USD: not shown" in arrivals
        unclassed = dashboard.abc_xyz.unclassed
        assert unclassed.text() == "1 SKU in CNY not classed: no exchange rate to USD"
        assert dashboard.abc_xyz.counts() == {"AX": 1} or sum(dashboard.abc_xyz.counts()
                                                              .values()) == 1


def test_the_po_page_advises_cancelling_or_holding_a_dead_skus_overdue_po(qtbot, tmp_path):
    from planner.ui.main_window import MainWindow
    from planner.ui.plan_outcome import plan_workspace
    from tests.test_contradictions import write_dead_workspace

    path = write_dead_workspace(tmp_path)
    win = MainWindow(as_of=AS_OF)
    qtbot.addWidget(win)
    win.show()
    try:
        win.session.open(path, replan=False, background=False)
        win.show_page("products")
        win.session.show_outcome(plan_workspace(path, AS_OF, lambda _f, _w: None))
        wait_idle(qtbot, win)
        page = win.pages["purchase_orders"]
        win.show_page("purchase_orders")
        qtbot.waitUntil(lambda: page.model.rowCount() == 2, timeout=30_000)
        wait_idle(qtbot, win)
        qtbot.waitUntil(lambda: _cells(page.model, "PO-7")["advice"] != "", timeout=10_000)
        assert _cells(page.model, "PO-7")["advice"] == (
            "cancel or hold PO-7 (600 units, overdue): no sale in 458 days")
        assert _cells(page.model, "PO-8")["advice"] == ""
        # the Advice column shows where there is room; the PO number says it anyway
        assert _tooltip(page.model, "PO-7", "po_number").startswith("Cancel or hold PO-7 (600")
    finally:
        from planner.ui.charts import chart_tasks

        chart_tasks().shutdown()
        win.tasks.shutdown()
        win.session.close()


def test_the_purchase_plan_total_names_the_orders_without_a_rate(qtbot, tmp_path):
    from planner.formatting import format_money
    from planner.ui.main_window import MainWindow
    from planner.ui.plan_outcome import plan_workspace

    path = money_workspace(tmp_path / "ws", with_rate=False, cny_po=False)
    win = MainWindow(as_of=AS_OF)
    qtbot.addWidget(win)
    win.show()
    try:
        win.session.open(path, replan=False, background=False)
        win.show_page("products")
        win.session.show_outcome(plan_workspace(path, AS_OF, lambda _f, _w: None))
        wait_idle(qtbot, win)
        win.show_page("purchase_plan")
        wait_idle(qtbot, win)
        suggestions = win.session.plan.purchase_suggestions
        now = [s for s in suggestions if s["order_now"]]
        cny = [s for s in now if s["currency"] == "CNY"]
        usd = sum(s["total_value"] for s in now if s["currency"] == "USD")
        assert cny and all(s["total_value"] is None for s in cny)
        text = win.pages["purchase_plan"].total.text()
        # before: the CNY orders were added in as USD 0.00 (here every PO due now is in CNY)
        # (one PO due now per supplier: the one ordered today)
        assert usd == 0 and len(cny) == len(now) == 1
        assert text.startswith("Order now: 1 PO, — (1 PO in CNY without a rate) · planned "
                               "later: "), text
        later_usd = sum(s["total_value"] or 0 for s in suggestions if not s["order_now"])
        assert f"{format_money(later_usd, 'USD')} + " in text
    finally:
        from planner.ui.charts import chart_tasks

        chart_tasks().shutdown()
        win.tasks.shutdown()
        win.session.close()


def _tooltip(model, po_number: str, key: str) -> str:
    from PySide6.QtCore import Qt

    row = model.model_row_of("po_number", po_number)
    return model.data(model.index(row, model.column_index(key)), Qt.ItemDataRole.ToolTipRole)


@pytest.mark.parametrize("money_window", [False], ids=["without_rate"], indirect=True)
def test_an_unknown_open_value_says_its_amount_in_the_suppliers_currency(money_window, qtbot):
    _with_rate, win = money_window
    page = win.pages["purchase_orders"]
    win.show_page("purchase_orders")
    qtbot.waitUntil(lambda: page.model.rowCount() == 2, timeout=30_000)
    assert _tooltip(page.model, CNY_PO, "open_value").startswith(
        "CNY 20,000.00 at the supplier's prices: no CNY rate to USD")
