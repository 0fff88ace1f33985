"""Buying abroad in the app: the Suppliers page shows currency, rate, landed-cost parts, cycle
and container; the Purchase plan page shows container fill and the offers, each decision
undoable (docs/reference.md, issue 17)."""

from __future__ import annotations

import re

import pytest

from tests.ui.conftest import wait_idle


def _supplier_row(window, name: str) -> dict[str, str]:
    model = window.pages["suppliers"].model
    row = model.model_row_of("supplier", name)
    assert row is not None, name
    return {column.key: model.text(row, i) for i, column in enumerate(model.columns)}


def test_the_suppliers_page_shows_currency_rate_landed_parts_cycle_and_container(planned, qtbot):
    planned.show_page("suppliers")
    wait_idle(qtbot, planned)
    qtbot.waitUntil(lambda: planned.pages["suppliers"].model.rowCount() == 5)
    porto = _supplier_row(planned, "Tecelagem do Porto, Lda.")
    # the newest EUR rate on or before as-of (2026-12-02) is the one dated the 1st
    assert porto["fx_text"] == "EUR 1.13 (2026-12-01)"
    assert (porto["currency_resolved"], porto["freight_pct"], porto["duty_pct"]) == \
        ("EUR", "5.0", "4.0")
    assert porto["landed_factor"] == "1.090"
    assert porto["cycle_text"] == "every 21 days" and porto["container_text"] == ""
    assert porto["min_order_text"] == "EUR 1,300.00"
    guangzhou = _supplier_row(planned, "Guangzhou Brewware Ltd.")
    assert guangzhou["fx_text"] == "CNY 0.1389 (2026-12-01)"
    assert guangzhou["container_text"] == "33 m³, max 21,700 kg"
    assert guangzhou["cycle_text"] == "every 28 days"
    home = _supplier_row(planned, "Cascade Coffee Roasters")
    assert (home["fx_text"], home["cycle_text"], home["container_text"]) == ("—", "", "")
    # open value is in the workspace currency, labelled
    model = planned.pages["suppliers"].model
    column = model.column_index("open_value")
    assert "(USD)" in model.headerData(column, _horizontal())


def _horizontal():
    from PySide6.QtCore import Qt

    return Qt.Orientation.Horizontal


def _plan_page(planned, qtbot):
    planned.show_page("purchase_plan")
    wait_idle(qtbot, planned)
    return planned.pages["purchase_plan"]


def _quantities(view) -> dict[str, int]:
    frame = view.model.frame
    return dict(zip(frame["sku"], frame["quantity"].astype(int), strict=True))


def test_a_container_order_shows_its_fill_and_a_top_up_accept_is_undone(planned, qtbot):
    view = _plan_page(planned, qtbot)
    rows = [i for i, s in enumerate(view.suggestions)
            if any(o["kind"] == "top_up" for o in s.get("container_options") or [])]
    assert rows, "the demo's container suppliers get top-up offers"
    row = rows[0]
    view.select(row)
    s = view.suggestions[row]
    assert view.container_row.isVisibleTo(view)
    assert view.container_label.text().startswith(f"{s['containers']} container")
    # the page recomputes the fill from the lines it shows: the plan's figure, to the percent
    shown = float(re.search(r"([\d.]+) % full", view.container_label.text()).group(1))
    assert abs(shown - s["container_fill_pct"]) <= 1.0
    assert abs(view.container_bar.value() - s["container_fill_pct"]) <= 1.0
    before = _quantities(view)
    option = next(o for o in s["container_options"] if o["kind"] == "top_up")
    label = view.offer_buttons["top_up"][2].text()
    assert "USD" in label and "Top up" in label  # money labelled in the workspace currency

    accept = view.offer_buttons["top_up"][0]
    accept.click()
    after = _quantities(view)
    pulled: dict[str, int] = {}
    for x in option["lines"]:
        pulled[x["sku"]] = pulled.get(x["sku"], 0) + int(x["quantity"])
    for sku, units in pulled.items():
        assert after[sku] == before.get(sku, 0) + units, sku
    assert view.decisions[(row, "top_up")] == "accepted"
    assert view.container_bar.value() >= round(s["container_fill_pct"])
    # the units come off the later orders they were pulled from
    first = option["lines"][0]
    later = next(i for i, t in enumerate(view.suggestions) if t["supplier"] == s["supplier"]
                 and t["order_date"] == first["from_order_date"])
    assert view.quantity(later, first["sku"]) < next(
        int(line["quantity"]) for line in view.suggestions[later]["lines"]
        if line["sku"] == first["sku"])
    edited = view.edited_suggestions()[row]
    assert sum(line["quantity"] for line in edited["lines"]) == sum(after.values())

    planned.session.undo_stack.undo()
    assert _quantities(view) == before
    assert view.edits == {} and view.added == {} and view.decisions == {}
    planned.session.undo_stack.redo()
    assert _quantities(view) == after


def test_a_price_break_decline_sets_the_quantity_without_the_break_and_undo_restores_it(
        planned, qtbot):
    view = _plan_page(planned, qtbot)
    found = [(i, o) for i in range(len(view.suggestions)) for o in view.offers(i)
             if o["kind"] == "price_break"]
    if not found:
        pytest.skip("no price break near a suggested quantity in this small demo")
    row, offer = found[0]
    view.select(row)
    before = _quantities(view)
    view.offer_buttons[offer["id"]][1].click()  # decline: order the smaller quantity
    assert _quantities(view)[offer["sku"]] == offer["smaller"]
    view.offer_buttons[offer["id"]][0].click()  # accept: order up to the break
    assert _quantities(view)[offer["sku"]] == offer["bigger"]
    planned.session.undo_stack.undo()
    planned.session.undo_stack.undo()
    assert _quantities(view) == before and view.decisions == {}
