"""Hand-built PlanResults for the report tests and benchmarks (the engine's output shape).

Suppliers in China, Vietnam and Russia, a supplier whose name is markup, a 500-character
description, customers and sell prices that must never reach a supplier.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd

from planner.planning import PlanResult

AS_OF = dt.date(2025, 3, 3)
HOSTILE_SUPPLIER = '<b>Bold</b> & <img src="http://evil/x.png"/>'
CHINESE_SUPPLIER = "深圳市华强电子有限公司"
VIETNAMESE_SUPPLIER = "Công ty TNHH Sản xuất Đồng Nai"
CYRILLIC_SUPPLIER = "ООО «Северный Ветер»"
PLAIN_SUPPLIER = "Acme Widgets Ltd"
LONG_DESCRIPTION = ("Stainless steel insulated bottle, double wall, powder coated, leak-proof lid "
                    "with carry loop; ") * 6 + "end."
LONG_DESCRIPTION = LONG_DESCRIPTION[:497] + "END"  # exactly 500 characters
HOSTILE_NAME = '<i>Ital</i> & "quotes" <script>alert(1)</script> <para>x</para>'
SECRET_CUSTOMERS = ["Harriet Secretcustomer", "Zoë O'Brien-Privat", "Иван Тайный"]
#: sell prices nobody at a supplier may see
SELL_PRICES = [987.65, 1234.56, 777.77]

SUPPLIERS = pd.DataFrame({
    "supplier": [PLAIN_SUPPLIER, CHINESE_SUPPLIER, VIETNAMESE_SUPPLIER, HOSTILE_SUPPLIER,
                 CYRILLIC_SUPPLIER],
    "email": ["orders@acme.example", "sales@huaqiang.example", "xuatkhau@dongnai.example",
              "x@evil.example", None],
    "contact": ["Jane Doe", "王伟 (Wang Wei)", "Nguyễn Thị Hương", "<u>Eve</u>", "Пётр Иванов"],
    "address": ["12 Harbour Road\nPortsmouth PO1 2AB\nUnited Kingdom",
                "深圳市福田区华强北路1号\nShenzhen 518000, China",
                "Lô 5, KCN Biên Hòa 2\nĐồng Nai, Việt Nam",
                "<script>steal()</script>", "ул. Ленина, 1\nНовосибирск"],
    "currency": ["USD", "CNY", "VND", "EUR", None],
    "min_order_value": [500.0, 20000.0, 50_000_000.0, None, None],
    "lead_time_days": [30.0, 45.0, 60.0, 20.0, 35.0],
    "lead_time_std_days": [3.0, 6.0, 8.0, 2.0, 4.0],
    "lead_time_days_learned": [33.0, 52.0, np.nan, np.nan, np.nan],
    "lateness_days_mean": [3.0, 7.0, np.nan, np.nan, np.nan],
    "received_lines": [12, 8, 0, 0, 0],
})

SETTINGS: dict[str, Any] = {
    "service_level": 0.95, "service_level_type": "cycle", "review_period_days": 7,
    "horizon_days": 182, "dock_to_stock_days": 2, "hold_release_days": 7,
    "cancel_rate_per_day": 0.02, "promise_buffer_days": 3, "split_shipment_cost": 14.0,
    "default_lead_time_days": 30.0, "currency": "USD",
    "company_name": "Northwind Outdoor Co. & Sons <Ltd>",
    "company_address": "400 Market Street, Suite 12\nPortland, OR 97204\nUSA",
    "company_logo": "", "page_size": "A4",
    "purchase_terms": ("Prices FOB Shenzhen unless agreed otherwise. Please confirm quantities "
                       "and delivery dates within 5 working days. <Net 30> & no partial "
                       "shipments without approval."),
}

_UNIT_COST = {PLAIN_SUPPLIER: 4.25, CHINESE_SUPPLIER: 31.5, VIETNAMESE_SUPPLIER: 125_000.0,
              HOSTILE_SUPPLIER: 7.1, CYRILLIC_SUPPLIER: 2.35}


def _names(n: int) -> list[str]:
    special = [LONG_DESCRIPTION, HOSTILE_NAME, "Термокружка «Байкал» 350 мл",
               "蓝牙耳机 Bluetooth earbuds 降噪", "Nón lá truyền thống – Huế", "Crème brûlée torch"]
    names = [f"Trail product {i:05d} — {['blue', 'black', 'sand', 'olive'][i % 4]}"
             for i in range(n)]
    for i, text in enumerate(special[: n]):
        names[i] = text
    return names


def make_plan(*, n_skus: int = 25, as_of: dt.date = AS_OF, seed: int = 7,
              suggestion_share: float = 0.8, orders_per_supplier: int = 2,
              settings: dict[str, Any] | None = None) -> PlanResult:
    """A PlanResult over n_skus SKUs spread over five suppliers, with backorders and POs."""
    rng = np.random.default_rng(seed)
    horizon = 182
    suppliers = SUPPLIERS["supplier"].tolist()
    skus = [f"SKU-{i:05d}" for i in range(n_skus)]
    supplier_of = [suppliers[i % len(suppliers)] for i in range(n_skus)]
    unit_cost = np.array([_UNIT_COST[s] * (1 + (i % 7) / 10) for i, s in enumerate(supplier_of)])
    unit_price = np.round(unit_cost * 2.4 + 0.99, 2)
    unit_price[: len(SELL_PRICES)] = SELL_PRICES[: n_skus]
    demand = rng.gamma(2.0, 1.5, n_skus)
    lead = SUPPLIERS.set_index("supplier").loc[supplier_of, "lead_time_days"].to_numpy()
    safety = np.round(1.65 * np.sqrt(lead) * demand * 0.6, 1)
    reorder = np.round(demand * lead + safety, 1)
    on_hand = rng.integers(0, 120, n_skus)
    on_order = rng.integers(0, 3, n_skus) * 50
    backordered = np.where(np.arange(n_skus) % 3 == 0, rng.integers(1, 30, n_skus), 0)
    case_pack = np.array([[1, 6, 12, 24][i % 4] for i in range(n_skus)])
    table = pd.DataFrame({
        "sku": skus, "name": _names(n_skus), "supplier": supplier_of,
        "demand_per_day": demand, "lead_time_days": lead, "safety_stock": safety,
        "reorder_point": reorder, "order_up_to": reorder + demand * 7,
        "on_hand": on_hand, "on_hold": 0, "on_order": on_order, "backordered": backordered,
        "inventory_position": on_hand + on_order - backordered,
        "unit_cost": unit_cost, "unit_price": unit_price, "case_pack": case_pack,
        "supplier_sku": [f"V-{i * 37 % 1000:03d}-X" if i % 2 == 0 else None
                         for i in range(n_skus)],
    })
    table["below_reorder_point"] = table["inventory_position"] <= table["reorder_point"]
    table["why"] = ("Position " + table["inventory_position"].astype(str) + " is below the reorder "
                    "point " + table["reorder_point"].round().astype(int).astype(str)
                    + "; order up to cover lead time and the open backorders.")

    # --- the backorder queue: every third SKU has open customer lines
    rows = []
    today = pd.Timestamp(as_of)
    for i in np.flatnonzero(backordered):
        for k in range(1 + i % 3):
            rows.append({"order_id": f"#{1000 + len(rows)}", "sku": skus[i],
                         "customer": SECRET_CUSTOMERS[len(rows) % len(SECRET_CUSTOMERS)],
                         "quantity": int(1 + (i + k) % 4), "unit_price": unit_price[i],
                         "order_date": today - pd.Timedelta(days=int(3 + 5 * k + i % 9)),
                         "promised_date": today + pd.Timedelta(days=int(i % 11) - 4)})
    lines = pd.DataFrame(rows)
    if len(lines):
        lines["uncovered"] = np.arange(len(lines)) % 4 == 0
        shift = np.where(lines["uncovered"], 0, np.arange(len(lines)) % 9 - 2)
        ship = lines["promised_date"] + pd.to_timedelta(shift, "D")
        lines["projected_ship_date"] = ship.where(~lines["uncovered"])
        lines["days_late"] = (lines["projected_ship_date"] - lines["promised_date"]).dt.days
        lines["late"] = lines["days_late"].fillna(0) > 0
        lines["filled_from"] = np.where(lines["uncovered"], None, "PO-7001")
        lines["days_waiting"] = (pd.Timestamp(as_of) - lines["order_date"]).dt.days
        lines["value"] = lines["quantity"] * lines["unit_price"]
        lines["cancel_probability"] = 1 - 0.98 ** lines["days_waiting"]
        lines["value_at_risk"] = lines["value"] * lines["cancel_probability"]
        lines["quoted_date"] = lines["projected_ship_date"] + pd.Timedelta(days=3)
        lines["flag_reasons"] = np.where(lines["uncovered"], "no known supply",
                                         np.where(lines["late"], "late vs promise", ""))

    # --- the suggestions: per supplier, a few order dates; lines of that supplier's SKUs
    suggestions = []
    wanted = rng.random(n_skus) < suggestion_share
    ids_by_sku = lines.groupby("sku")["order_id"].agg(list).to_dict() if len(lines) else {}
    units_by_sku = lines.groupby("sku")["quantity"].sum().to_dict() if len(lines) else {}
    by_supplier: dict[str, list[int]] = {}
    for i in np.flatnonzero(wanted):
        by_supplier.setdefault(supplier_of[i], []).append(int(i))
    names = table["name"].tolist()
    codes = table["supplier_sku"].tolist()
    whys = table["why"].tolist()
    for s_index, supplier in enumerate(suppliers):
        mine = by_supplier.get(supplier, [])
        if not mine:
            continue
        for k in range(orders_per_supplier):
            order_date = pd.Timestamp(as_of) + pd.Timedelta(days=28 * k + s_index % 2)
            arrival = order_date + pd.Timedelta(days=int(SUPPLIERS["lead_time_days"][s_index]))
            s_lines = []
            for i in mine:
                pack = int(case_pack[i])
                rounded = pack > 1 and i % 5 == 0
                quantity = int(pack * max(1, round((demand[i] * 28 + backordered[i]) / pack)))
                clears = ids_by_sku.get(skus[i], []) if k == 0 else []
                s_lines.append({
                    "sku": skus[i], "quantity": quantity, "unit_cost": float(unit_cost[i]),
                    "value": round(quantity * float(unit_cost[i]), 2), "name": names[i],
                    "supplier_sku": codes[i], "case_pack": pack,
                    "cases": quantity / pack if pack > 1 else None,
                    "clears_backorders": clears,
                    "clears_backorder_units": units_by_sku.get(skus[i], 0) if clears else 0,
                    "raw_quantity": float(quantity - pack + 1 if rounded else quantity),
                    "rounding_note": f"case {pack}" if rounded else "",
                    "reason": whys[i],
                })
            total = round(sum(line["value"] for line in s_lines), 2)
            suggestion = {"supplier": supplier, "order_date": order_date.date().isoformat(),
                          "expected_arrival": arrival.date().isoformat(), "total_value": total,
                          "lines": s_lines}
            if supplier == PLAIN_SUPPLIER and k == 1:
                suggestion["min_order_value_note"] = "raised to the supplier's minimum of USD 500"
            suggestions.append(suggestion)

    dates = pd.date_range(pd.Timestamp(as_of), periods=horizon, freq="D")
    decay = np.exp(-np.arange(horizon) / 40)
    existing = float(lines["quantity"].sum()) if len(lines) else 0.0
    book = pd.DataFrame({"date": dates, "existing_units": np.round(existing * decay),
                         "new_units": np.round(8 * np.sin(np.arange(horizon) / 30) ** 2)})
    book["existing_value"] = book["existing_units"] * 55.0
    book["new_value"] = book["new_units"] * 55.0
    book["total_units"] = book["existing_units"] + book["new_units"]
    book["total_value"] = book["existing_value"] + book["new_value"]

    days = np.arange(horizon)
    stock = np.maximum(on_hand[:, None] - demand[:, None] * days[None, :], 0)
    po_day = (np.arange(n_skus) * 13) % 90 + 5
    stock = stock + np.where(days[None, :] >= po_day[:, None], on_order[:, None], 0)
    projected = pd.DataFrame(np.round(stock), index=pd.Index(skus, name="sku"), columns=dates)

    has_po = np.flatnonzero(on_order > 0)
    expected = pd.Timestamp(as_of) + pd.to_timedelta(po_day[has_po] - 2, "D")
    overdue = np.arange(len(has_po)) % 5 == 0
    expected = expected.where(~overdue, pd.Timestamp(as_of) - pd.Timedelta(days=6))
    open_po = pd.DataFrame({
        "sku": [skus[i] for i in has_po],
        "date": pd.Timestamp(as_of) + pd.to_timedelta(po_day[has_po], "D"),
        "day": po_day[has_po], "quantity": on_order[has_po].astype(float),
        "source": [f"PO-{7000 + i}" for i in has_po], "kind": "po",
        "po_number": [f"PO-{7000 + i}" for i in has_po],
        "supplier": [supplier_of[i] for i in has_po], "expected_date": expected,
        "overdue": overdue, "beyond_horizon": False,
    })
    kpis = {
        "backorder_units": int(lines["quantity"].sum()) if len(lines) else 0,
        "backorder_lines": len(lines),
        "backorder_value": round(float(lines["value"].sum()), 2) if len(lines) else 0.0,
        "backorder_value_at_risk": (round(float(lines["value_at_risk"].sum()), 2)
                                    if len(lines) else 0.0),
        "oldest_backorder_days": int(lines["days_waiting"].max()) if len(lines) else 0,
        "uncovered_backorder_lines": int(lines["uncovered"].sum()) if len(lines) else 0,
        "late_backorder_lines": int(lines["late"].sum()) if len(lines) else 0,
        "skus_below_reorder_point": int(table["below_reorder_point"].sum()),
        "stockouts_within_30_days": int(n_skus // 4),
        "inventory_value": round(float((on_hand * unit_cost).sum()), 2),
        "on_order_value": round(float((on_order * unit_cost).sum()), 2),
        "skus_with_suggested_orders": int(wanted.sum()),
        "active_skus": n_skus,
    }
    return PlanResult(
        as_of=as_of, settings={**SETTINGS, **(settings or {})}, skus=table,
        forecast_weekly=pd.DataFrame(), history_weekly=pd.DataFrame(), backorder_lines=lines,
        book=book, projected_on_hand=projected, projected_new_backorders=projected * 0,
        purchase_suggestions=suggestions, open_po_lines=open_po, suppliers=SUPPLIERS.copy(),
        orders=pd.DataFrame(), kpis=kpis)
