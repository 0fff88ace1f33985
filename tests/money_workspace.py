"""A small founder's workspace in two currencies (issue 23, item 5): a USD supplier and a CNY
one, sales history, a stock count and an open PO each; with or without a CNY exchange rate."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from planner.store import open_workspace
from planner.store.importers.importing import import_files

AS_OF = dt.date(2025, 6, 2)
#: one CNY is worth this many USD (when the rate is imported)
CNY_RATE = 0.14
#: the CNY PO: 1,000 units at CNY 20.00 = CNY 20,000.00 = USD 2,800.00 at the rate
CNY_PO, CNY_PO_UNITS, CNY_UNIT_COST = "PO-CN-1", 1000, 20.0
#: the USD PO: 100 units at USD 4.00 = USD 400.00
USD_PO, USD_PO_UNITS, USD_UNIT_COST = "PO-US-1", 100, 4.0


def _csv(path: Path, header: list[str], rows: list[list[object]]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def money_workspace(folder: Path, *, with_rate: bool, cny_po: bool = True) -> Path:
    """Write the workspace (``with_rate``: a CNY → USD rate exists; ``cny_po`` False: no CNY
    PO, so the plan suggests buying P-CN now) and return its path."""
    folder.mkdir(parents=True, exist_ok=True)
    sales = []
    for back in range(1, 366):
        day = (AS_OF - dt.timedelta(days=back)).isoformat()
        sales.append([day, "P-US", 5])
        sales.append([day, "P-CN", 2])
    files = [
        _csv(folder / "suppliers.csv", ["supplier", "currency", "lead_time_days"],
             [["Home", "USD", 10], ["Shenzhen", "CNY", 40]]),
        _csv(folder / "products.csv", ["sku", "supplier", "unit_cost", "unit_price"],
             [["P-US", "Home", USD_UNIT_COST, 12], ["P-CN", "Shenzhen", CNY_UNIT_COST, 9]]),
        _csv(folder / "sales.csv", ["date", "sku", "quantity"], sales),
        _csv(folder / "inventory.csv", ["sku", "on_hand", "snapshot_date"],
             [["P-US", 50, AS_OF.isoformat()], ["P-CN", 30, AS_OF.isoformat()]]),
        _csv(folder / "pos.csv", ["po_number", "sku", "quantity", "expected_date", "supplier",
                                  "order_date", "unit_cost"],
             [[CNY_PO, "P-CN", CNY_PO_UNITS, "2025-06-20", "Shenzhen", "2025-05-10",
               CNY_UNIT_COST]] * cny_po +
             [[USD_PO, "P-US", USD_PO_UNITS, "2025-06-06", "Home", "2025-05-27",
               USD_UNIT_COST]]),
    ]
    if with_rate:
        files.append(_csv(folder / "fx.csv", ["currency", "rate", "date"],
                          [["CNY", CNY_RATE, "2025-01-01"]]))
    path = folder / "money.db"
    db = open_workspace(path)
    import_files(db, files)
    db.conn.close()
    return path
