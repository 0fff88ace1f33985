"""Take the purchase-order round trip's screenshots (the guide's "The purchase-order round trip"):
a confirmed PO on the Purchase orders page and the customers a supplier's answer moves.

    python docs/screenshots/take_po_round_trip.py [--out DIR] [--skus N] [--as-of YYYY-MM-DD]

Same set-up as take_screenshots.py (a fresh demo, headless); it writes only po_confirmed.png and
po_moved_customers.png.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent))

from take_screenshots import (  # noqa: E402
    SIZES,
    demo_window,
    parse_args,
    save,
    wait_for,
)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv, __doc__.splitlines()[0])
    out = Path(args.out)
    app, window, scratch, workspace = demo_window(args, SIZES[0])
    import openpyxl

    session = window.session
    view = window.pages["purchase_orders"]

    # the PO most customers wait for, sent from the app (its documents written), then answered
    # by the supplier: that line two weeks later, another one short
    lines = session.plan.backorder_lines
    waiting = (lines[lines["filled_from"].notna() & ~lines["filled_from"].isin(["on_hand", "hold"])]
               .groupby(["filled_from", "sku"])["quantity"].sum().sort_values(ascending=False))
    po_number, sku = waiting.index[0]
    sent = scratch / "sent"
    sent.mkdir()
    window.show_page("purchase_orders")
    view.send_pos(str(sent), [po_number], eml=True)
    wait_for(lambda: not window.tasks.busy)
    for box in app.topLevelWidgets():
        if box.objectName() == "notice_dialog":
            box.close()
    book = openpyxl.load_workbook(sent / f"{po_number}.xlsx")
    sheet = book.active
    col = {c.value: i + 1 for i, c in enumerate(sheet[1])}
    short_done = False
    for r in range(2, sheet.max_row + 1):
        quantity = sheet.cell(r, col["quantity"]).value
        expected = sheet.cell(r, col["expected_date"]).value
        if isinstance(expected, str):
            expected = dt.datetime.fromisoformat(expected)
        later = sheet.cell(r, col["sku"]).value == sku
        short = not later and not short_done
        short_done = short_done or short
        sheet.cell(r, col["confirmed_quantity"]).value = quantity - 40 if short else quantity
        sheet.cell(r, col["confirmed_date"]).value = expected + dt.timedelta(days=14 * later)
        if later:
            sheet.cell(r, col["supplier_comment"]).value = "kettles ship two weeks later"
        elif short:
            sheet.cell(r, col["supplier_comment"]).value = "40 short: the rest next order"
    answer = scratch / f"{po_number}-answer.xlsx"
    book.save(answer)

    window.show_page("import")
    window.pages["import"].add_files([str(answer)])
    window.pages["import"].run_import()
    wait_for(lambda: view.moves_dialog is not None and view.moves_dialog.isVisible())
    dialog = view.moves_dialog
    save(dialog, out / "po_moved_customers.png")
    dialog.close()

    window.show_page("purchase_orders")
    view.search.setText(po_number)
    wait_for(lambda: not window.tasks.busy)
    view.select(po_number, sku)
    wait_for(lambda: view.history_model.rowCount() > 0 and not window.tasks.busy)
    bar = view.table.horizontalScrollBar()  # the ordered and confirmed columns side by side
    bar.setValue(bar.maximum())
    save(window, out / "po_confirmed.png")
    window.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
