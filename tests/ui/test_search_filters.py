"""Search combined with every filter on every table page: the rows shown are those that match both."""

from __future__ import annotations

import pytest


def _shown(view) -> set[int]:
    """Frame positions of the rows the page's table shows now."""
    return {view.proxy.source_frame_row(row) for row in range(view.proxy.rowCount())}


def _filters(view, page: str):
    """(label, set, reset) for each filter a page offers."""
    if page == "products":
        for index in range(view.supplier.count()):
            yield (f"supplier {view.supplier.itemText(index)}",
                   lambda i=index: view.supplier.setCurrentIndex(i),
                   lambda: view.supplier.setCurrentIndex(0))
        for box in (view.below_rop, view.backordered, view.uncovered, view.made_to_order):
            yield box.text(), lambda b=box: b.setChecked(True), lambda b=box: b.setChecked(False)
    else:
        combo = view.flag if page == "backorders" else view.status
        first = combo.currentIndex()
        for index in range(combo.count()):
            yield (combo.itemText(index), lambda i=index, c=combo: c.setCurrentIndex(i),
                   lambda c=combo: c.setCurrentIndex(first))


def _search_term(view) -> str:
    """A search text that matches some but not all rows: the start of the first row's SKU."""
    return str(view.model.frame["sku"].iloc[0])[:4].lower()


@pytest.mark.parametrize("page", ["products", "backorders", "purchase_orders"])
def test_search_with_each_filter_shows_the_rows_matching_both(planned, qtbot, page):
    planned.show_page(page)
    view = planned.pages[page]
    frame = view.model.frame
    assert len(frame)
    term = _search_term(view)
    matching = {i for i, text in enumerate(frame["_search"]) if term in str(text)}
    assert 0 < len(matching)
    for label, set_filter, reset in _filters(view, page):
        view.search.clear()
        set_filter()
        filtered = _shown(view)
        view.search.setText(term)  # typing into the box filters at once
        assert _shown(view) == filtered & matching, label
        view.search.setText(term.upper())  # case does not matter
        assert _shown(view) == filtered & matching, label
        view.search.clear()
        assert _shown(view) == filtered, label
        reset()


def test_the_default_open_filter_on_purchase_orders_narrows_with_search(planned, qtbot):
    planned.show_page("purchase_orders")
    view = planned.pages["purchase_orders"]
    assert view.status.currentText() == "Open"
    before = view.proxy.rowCount()
    qtbot.keyClicks(view.search, "zz-no-such-po")
    assert view.proxy.rowCount() == 0 < before
    view.search.clear()
    assert view.proxy.rowCount() == before
