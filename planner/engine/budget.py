"""A monthly purchase budget (open-to-buy) over the suggested orders.

Per calendar month (from as-of's month to the horizon's), the month's suggestion lines (landed
value, workspace currency) plus the lines deferred into it are ranked:

1. lines that clear existing customer backorders first (the backorder queue);
2. then by protected revenue per unit of money: (expected lost sales avoided + value at risk of
   the existing backorders it clears) / line value. Lost sales avoided = unit price × the units
   of the SKU's projected unserved demand (no new orders) this line covers, earlier lines of the
   same SKU covering first;
3. ties by order date, then SKU.

Down that ranking a line is kept when it fits what is left of the month's budget, else it is
deferred to the first day of the next month (where it competes again). A line no month within
the horizon can pay for stays at its own date marked ``over_budget``. A deferred or over-budget
line that clears existing customer backorders is flagged (and listed in ``flagged``), never
dropped. Each deferred line says what waiting costs: the extra days the SKU is out of stock
(its projected stockout date against the old and new arrival), the extra units backordered
(forecast demand per day × those days) and the customer orders that wait longer.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd

_MOVED_KEYS = ("lines", "order_date", "expected_arrival", "total_value",
               "total_value_supplier_currency", "order_now", "containers", "container_fill_pct")


def _month(day: pd.Timestamp) -> pd.Timestamp:
    return pd.Timestamp(day.year, day.month, 1)


def _next_month(day: pd.Timestamp) -> pd.Timestamp:
    return _month(day) + pd.offsets.MonthBegin(1)


def _line_table(suggestions: list[dict[str, Any]], skus: pd.DataFrame,
                queue_risk: dict[tuple[str, str], float]) -> pd.DataFrame:
    rows = []
    for number, suggestion in enumerate(suggestions):
        for position, line in enumerate(suggestion["lines"]):
            sku = line["sku"]
            cleared = line.get("clears_backorders") or []
            rows.append({
                "suggestion": number, "position": position, "sku": sku,
                "supplier": suggestion["supplier"],
                "order_date": pd.Timestamp(suggestion["order_date"]),
                "expected_arrival": pd.Timestamp(suggestion["expected_arrival"]),
                "quantity": float(line["quantity"]),
                "value": float(line.get("value") or 0.0),
                "clears_units": int(line.get("clears_backorder_units") or 0),
                "clears": list(cleared),
                "risk_avoided": float(sum(queue_risk.get((sku, oid), 0.0) for oid in cleared)),
            })
    frame = pd.DataFrame(rows)
    if frame.empty:
        return frame
    facts = skus.reindex(frame["sku"])
    frame["unit_price"] = np.nan_to_num(facts["unit_price"].to_numpy(float))
    frame["demand_per_day"] = np.nan_to_num(facts["demand_per_day"].to_numpy(float))
    frame["stockout_date"] = pd.to_datetime(facts["stockout_date"]).to_numpy()
    frame["shortfall"] = np.nan_to_num(facts["shortfall_units"].to_numpy(float))
    frame = frame.sort_values(["sku", "order_date"], kind="stable")
    earlier = frame.groupby("sku")["quantity"].cumsum() - frame["quantity"]
    covered = np.clip(frame["shortfall"] - earlier, 0.0, frame["quantity"])
    frame["lost_sales_avoided"] = covered * frame["unit_price"]
    frame["protected_revenue"] = frame["lost_sales_avoided"] + frame["risk_avoided"]
    with np.errstate(divide="ignore", invalid="ignore"):
        frame["protected_per_money"] = np.where(frame["value"] > 0,
                                                frame["protected_revenue"] / frame["value"],
                                                np.inf)
    return frame.sort_index()


def apply_budget(suggestions: list[dict[str, Any]], *, budget_per_month: float,
                 as_of: dt.date, horizon_days: int, review_period_days: int,
                 skus: pd.DataFrame, queue: pd.DataFrame | None = None,
                 currency: str = "") -> tuple[list[dict[str, Any]], dict[str, Any],
                                              pd.DataFrame]:
    """(suggestions within the budget, the ``budget`` summary, one row per moved line).

    ``skus`` is indexed by sku with unit_price, demand_per_day, stockout_date and
    shortfall_units; ``queue`` holds the open order lines (sku, order_id, value_at_risk)."""
    start = pd.Timestamp(as_of)
    last_month = _month(start + pd.Timedelta(days=int(horizon_days) - 1))
    queue_risk: dict[tuple[str, str], float] = {}
    if queue is not None and len(queue):
        risk = queue.groupby(["sku", "order_id"])["value_at_risk"].sum()
        queue_risk = {key: float(v) for key, v in risk.items()}
    lines = _line_table(suggestions, skus, queue_risk)
    budget = float(budget_per_month or 0.0)
    summary: dict[str, Any] = {"per_month": budget if budget > 0 else 0.0, "currency": currency,
                               "months": [], "deferred_lines": [], "flagged_lines": 0}
    if lines.empty:
        return suggestions, summary, pd.DataFrame()
    lines["month"] = lines["order_date"].map(_month)
    lines["new_date"] = lines["order_date"]
    lines["status"] = "kept"
    first_month = min(_month(start), lines["month"].min())
    months = pd.date_range(first_month, max(last_month, lines["month"].max()), freq="MS")
    planned = {m: 0.0 for m in months}
    deferred_in = {m: 0.0 for m in months}
    deferred_out = {m: 0.0 for m in months}
    suggested = lines.groupby("month")["value"].sum().to_dict()
    if budget > 0:
        month_of = lines["month"].to_numpy("datetime64[ns]")
        value_of = lines["value"].to_numpy(float)
        order_of = lines["order_date"].to_numpy("datetime64[ns]")
        # rank once: backorder lines first, then protected revenue per money, date, SKU
        rank = np.empty(len(lines), dtype=np.int64)
        rank[np.lexsort((lines["sku"].to_numpy(object).astype(str), order_of,
                         -lines["protected_per_money"].to_numpy(float),
                         ~(lines["clears_units"].to_numpy() > 0)))] = np.arange(len(lines))
        status = np.full(len(lines), "kept", dtype=object)
        new_date = order_of.copy()
        carried = np.array([], dtype=np.int64)
        for month in months:
            month64 = np.datetime64(month, "ns")
            pool = np.concatenate([np.flatnonzero(month_of == month64), carried])
            pool = pool[np.argsort(rank[pool], kind="stable")]
            fits = np.zeros(len(pool), dtype=bool)
            left = budget
            for position, index in enumerate(pool.tolist()):
                if value_of[index] <= left + 1e-9:
                    left -= value_of[index]
                    fits[position] = True
            kept, over = pool[fits], pool[~fits]
            planned[month] += float(value_of[kept].sum())
            came = kept[status[kept] == "deferred"]
            deferred_in[month] += float(value_of[came].sum())
            new_date[came] = np.maximum(month64, order_of[came])
            status[came] = "moved"
            deferred_out[month] += float(value_of[over].sum())
            if month < last_month:
                status[over] = "deferred"
                carried = over
            else:
                status[over] = "over_budget"
                carried = np.array([], dtype=np.int64)
        status[carried] = "over_budget"
        for index in np.flatnonzero(status == "over_budget").tolist():
            planned[_month(pd.Timestamp(order_of[index]))] += float(value_of[index])
        lines["status"] = status
        lines["new_date"] = pd.to_datetime(new_date)
    else:
        for month, value in suggested.items():
            planned[month] = value
    lines.loc[lines["status"] == "deferred", "status"] = "over_budget"

    summary["months"] = [{
        "month": month.strftime("%Y-%m"), "budget": budget if budget > 0 else None,
        "suggested_value": round(float(suggested.get(month, 0.0)), 2),
        "planned_value": round(planned[month], 2),
        "deferred_out_value": round(deferred_out[month], 2),
        "deferred_in_value": round(deferred_in[month], 2),
        "over_budget": bool(budget > 0 and planned[month] > budget + 1e-6),
    } for month in months]
    moved = lines[lines["status"].isin(["moved", "over_budget"])].copy()
    moved = _deferral_costs(moved)
    summary["deferred_lines"] = [{
        "sku": r.sku, "supplier": r.supplier, "quantity": int(r.quantity),
        "value": round(r.value, 2), "from_order_date": r.order_date.date().isoformat(),
        "to_order_date": (r.new_date.date().isoformat() if r.status == "moved" else None),
        "status": "deferred" if r.status == "moved" else "over_budget",
        "protected_revenue": round(r.protected_revenue, 2),
        "extra_stockout_days": int(r.extra_stockout_days),
        "extra_backorder_units": int(r.extra_backorder_units),
        "clears_backorders": list(r.clears), "clears_backorder_units": int(r.clears_units),
        "flag": r.flag, "note": r.note,
    } for r in moved.itertuples()]
    summary["flagged_lines"] = int((moved["flag"] != "").sum()) if len(moved) else 0
    out = _regroup(suggestions, lines, moved, start, int(review_period_days))
    return out, summary, moved


def _deferral_costs(moved: pd.DataFrame) -> pd.DataFrame:
    if moved.empty:
        return moved.assign(extra_stockout_days=[], extra_backorder_units=[], flag=[], note=[])
    days = (moved["new_date"] - moved["order_date"]).dt.days
    new_arrival = moved["expected_arrival"] + pd.to_timedelta(days, unit="D")
    stockout = pd.to_datetime(moved["stockout_date"])
    start = np.maximum(stockout.fillna(new_arrival), moved["expected_arrival"])
    extra = ((new_arrival - start).dt.days).clip(lower=0).where(stockout.notna(), 0)
    moved["extra_stockout_days"] = extra.astype(int)
    moved["extra_backorder_units"] = np.round(extra * moved["demand_per_day"]).astype(int)
    notes, flags = [], []
    for r in moved.itertuples():
        waiting = (f"; {len(r.clears)} customer order(s) ({r.clears_units} units) wait "
                   f"{(r.new_date - r.order_date).days} days longer" if r.clears_units else "")
        if r.status == "moved":
            note = (f"deferred by the purchase budget from {r.order_date.date().isoformat()} to "
                    f"{r.new_date.date().isoformat()}: about {r.extra_stockout_days} more days "
                    f"out of stock, {r.extra_backorder_units} more units backordered{waiting}")
        else:
            note = ("over the purchase budget: no month within the horizon has room for it; "
                    "kept at its date")
        notes.append(note)
        flags.append(f"clears {r.clears_units} backordered units of existing customer orders: "
                     + ("deferred by the budget" if r.status == "moved" else "over budget")
                     if r.clears_units else "")
    moved["note"] = notes
    moved["flag"] = flags
    return moved


def _regroup(suggestions: list[dict[str, Any]], lines: pd.DataFrame, moved: pd.DataFrame,
             as_of: pd.Timestamp, review_period_days: int) -> list[dict[str, Any]]:
    """Suggestions rebuilt per supplier and (new) order date; lines carry their budget status."""
    notes = {(r.suggestion, r.position): (r.note, r.flag, r.status, r.order_date,
                                          r.extra_stockout_days, r.extra_backorder_units)
             for r in moved.itertuples()}
    groups: dict[tuple[str, pd.Timestamp], dict[str, Any]] = {}
    for r in lines.itertuples():
        source = suggestions[r.suggestion]
        line = dict(source["lines"][r.position])
        shift = pd.Timedelta(days=int((r.new_date - r.order_date).days))
        if (r.suggestion, r.position) in notes:
            note, flag, status, old, stock_days, units = notes[(r.suggestion, r.position)]
            line.update(budget_status="deferred" if status == "moved" else "over_budget",
                        budget_note=note, budget_flag=flag or None,
                        deferred_from=old.date().isoformat() if status == "moved" else None,
                        extra_stockout_days=int(stock_days), extra_backorder_units=int(units))
            line["why"] = (str(line.get("why") or line.get("reason") or "") + " " + note).strip()
        else:
            line.update(budget_status="kept")
        key = (source["supplier"], r.new_date)
        if key not in groups:
            base = {k: v for k, v in source.items() if k not in _MOVED_KEYS}
            moved_group = r.new_date != r.order_date
            groups[key] = {
                **base, "order_date": r.new_date.date().isoformat() if moved_group
                else source["order_date"],
                "expected_arrival": (pd.Timestamp(source["expected_arrival"]) + shift)
                .date().isoformat() if moved_group else source["expected_arrival"],
                "order_now": (bool(r.new_date <= as_of + pd.Timedelta(days=review_period_days))
                              if moved_group else source.get("order_now", False)),
                "lines": [], "_sources": set()}
            for name in ("containers", "container_fill_pct"):
                if name in source and not moved_group:
                    groups[key][name] = source[name]
        groups[key]["lines"].append(line)
        groups[key]["_sources"].add(r.suggestion)
    out = []
    for group in groups.values():
        sources = group.pop("_sources")
        total = sum(float(line.get("value") or 0.0) for line in group["lines"])
        # no exchange rate for the supplier's currency: the landed total is unknown (None)
        unknown = any(line.get("value") is None for line in group["lines"])
        group["total_value"] = None if unknown else round(total, 2)
        original = [suggestions[i] for i in sources]
        if all("value_supplier_currency" in line for line in group["lines"]):
            group["total_value_supplier_currency"] = round(sum(
                float(line["value_supplier_currency"] or 0.0) for line in group["lines"]), 2)
        elif all("total_value_supplier_currency" in s for s in original):
            share = [total / float(s["total_value"]) if s.get("total_value") else 0.0
                     for s in original]
            group["total_value_supplier_currency"] = (
                round(float(original[0]["total_value_supplier_currency"] or 0.0) * share[0], 2)
                if len(original) == 1 else None)
        out.append(group)
    out.sort(key=lambda s: (s["order_date"], s["supplier"]))
    return out


def budget_by_month(summary: dict[str, Any]) -> pd.DataFrame:
    """One row per month of a ``budget`` summary with the lines deferred out of it
    (``deferred_lines``) and those of them that clear customer backorders (``flagged_lines``)."""
    months = pd.DataFrame(summary.get("months") or [], columns=[
        "month", "suggested_value", "planned_value", "budget", "deferred_out_value",
        "deferred_in_value", "over_budget"])
    lines = pd.DataFrame(summary.get("deferred_lines") or [],
                         columns=["from_order_date", "flag", "sku"])
    month = lines["from_order_date"].astype(str).str[:7]
    flagged = lines["flag"].fillna("").astype(str) != ""
    months["deferred_lines"] = months["month"].map(month.value_counts()).fillna(0).astype(int)
    months["flagged_lines"] = months["month"].map(
        month[flagged].value_counts()).fillna(0).astype(int)
    return months
