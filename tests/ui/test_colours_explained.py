"""Every colour a table uses is explained: the coloured cell's tooltip says what it means, and a
legend under the table names each colour. The SKU page says which lead time the plan uses and
why; where a PO's date and the plan's arrival both show, the dock-to-stock days between them are
said."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from planner.ui.views.common import DANGER, GOOD, WARNING
from planner.ui.views.products import DAYS_OF_COVER

COLOUR_WORDS = {DANGER.name(): "Red", WARNING.name(): "Orange", GOOD.name(): "Green"}

#: page -> its coloured table's attribute
PAGES = {"products": "table", "backorders": "table", "purchase_orders": "table",
         "suppliers": "table", "excess": "table"}


def _coloured_cells(model, rows: int = 400):
    """(row, column, colour word) of every coloured cell in the first rows."""
    for r in range(min(model.rowCount(), rows)):
        for c in range(model.columnCount()):
            brush = model.data(model.index(r, c), Qt.ItemDataRole.ForegroundRole)
            if brush is not None:
                yield r, c, COLOUR_WORDS[brush.color().name()]


def _legend(page) -> QLabel:
    labels = [w for w in page.findChildren(QLabel, "legend") if w.isVisible()]
    assert labels, f"{type(page).__name__} has no legend on screen"
    return labels[0]


@pytest.mark.parametrize("page", list(PAGES))
def test_every_coloured_cell_says_what_its_colour_means(planned, qtbot, page):
    planned.show_page(page)
    view = planned.pages[page]
    table = getattr(view, PAGES[page])
    model = view.model
    qtbot.waitUntil(lambda: model.rowCount() > 0, timeout=10_000)
    cells = list(_coloured_cells(model))
    if page != "suppliers":  # the demo's suppliers may all be on time
        assert cells, f"the demo colours nothing on {page}"
    legend = _legend(view).text()
    for r, c, word in cells:
        tip = model.data(model.index(r, c), Qt.ItemDataRole.ToolTipRole)
        assert tip and tip.startswith(f"{word}:"), (page, model.columns[c].key, tip)
        assert word.lower() in legend, (page, word, legend)
    assert table.isVisible()


def test_a_backorder_with_no_supply_is_red_and_says_so(planned):
    planned.show_page("backorders")
    model = planned.pages["backorders"].model
    frame = model.frame
    row = next(r for r in range(model.rowCount()) if bool(frame.at[model.frame_row(r), "uncovered"]))
    column = model.column_index("flag_reasons")
    tip = model.data(model.index(row, column), Qt.ItemDataRole.ToolTipRole)
    assert tip.startswith("Red: no known supply covers this line")
    late = model.column_index("days_late_shown")
    days = frame.at[model.frame_row(row), "days_late_shown"]
    if pd.notna(days) and days > 0:
        assert f"already {int(days)} days past the promised date" in model.data(
            model.index(row, late), Qt.ItemDataRole.ToolTipRole)


def test_the_cover_column_and_the_sku_page_give_the_guides_formula(planned):
    from pathlib import Path

    model = planned.pages["products"].model
    column = model.column_index("days_of_cover")
    assert model.headerData(column, Qt.Orientation.Horizontal,
                            Qt.ItemDataRole.ToolTipRole) == DAYS_OF_COVER
    guide = (Path(__file__).resolve().parents[2] / "docs" / "user-guide.md").read_text("utf-8")
    assert "`= max(on hand + on hold − backordered, 0) ÷ demand per day`" in guide
    assert DAYS_OF_COVER.startswith(
        "Days of cover = max(on hand + on hold − backordered, 0) ÷ demand per day")
    planned.open_sku(str(planned.session.plan.skus["sku"].iloc[0]))
    assert planned.pages["sku"].fact_labels["cover"].toolTip() == DAYS_OF_COVER


def test_the_sku_page_says_which_lead_time_the_plan_uses_and_why(planned):
    skus = planned.session.plan.skus
    late = skus[skus["lead_time_days_learned"].notna() & (skus["lead_time_source"] != "default")
                & (skus["lateness_days"].abs() >= 0.5)].iloc[0]
    planned.open_sku(str(late["sku"]))
    text = planned.pages["sku"].fact_labels["lead_time"].text()
    # "58.2 ± 7 days: the plan uses 58.2 = stated 52 + 6.2 days, how late received POs came on
    # average (order to receipt took 58 days)"
    found = re.search(r"the plan uses ([\d.]+) = stated ([\d.]+) ([+−]) ([\d.]+) days, how late "
                      r"received POs came on average \(order to receipt took (\d+) days\)", text)
    assert found, text
    uses, stated, sign, lateness, learned = found.groups()
    assert float(uses) == pytest.approx(late["lead_time_days"], abs=0.05)
    assert float(stated) == pytest.approx(late["lead_time_days_stated"], abs=0.05)
    signed = float(lateness) * (1 if sign == "+" else -1)
    assert float(stated) + signed == pytest.approx(float(uses), abs=0.11)
    assert int(learned) == round(late["lead_time_days_learned"])
    assert text.startswith(f"{uses} ± ")


def test_the_plan_says_the_po_date_is_at_the_dock_and_when_it_is_sellable(planned, qtbot):
    planned.show_page("purchase_plan")
    view = planned.pages["purchase_plan"]
    dock = int(planned.session.plan.settings["dock_to_stock_days"])
    assert dock > 0
    now = next(i for i, s in enumerate(view.suggestions) if s.get("order_now"))
    view.select(now)
    s = view.suggestions[now]
    # the plan's expected_arrival is the dock date (engine/arrival.py), sellable_date later
    at_dock, sellable = pd.Timestamp(s["expected_arrival"]), pd.Timestamp(s["sellable_date"])
    assert sellable - at_dock == pd.Timedelta(days=dock)
    header = view.header.text()
    assert (f"at your dock {at_dock:%Y-%m-%d} (the PO's expected date), sellable "
            f"{sellable:%Y-%m-%d} after {dock} days dock-to-stock") in header
    with qtbot.waitSignal(planned.session.plan_ready, timeout=60_000):
        view.approve.click()
    from planner.ui import dialogs

    assert f"expected at your dock {at_dock:%Y-%m-%d}" in dialogs.last_question
    assert f"sellable {dock} days after it reaches your dock" in dialogs.last_question
    po = planned.pages["purchase_orders"]
    po.reload()
    qtbot.waitUntil(lambda: len(po.model.frame) > 0, timeout=10_000)
    tip = po.model.headerData(po.model.column_index("expected_date"), Qt.Orientation.Horizontal,
                              Qt.ItemDataRole.ToolTipRole)
    assert "dock-to-stock" in tip
