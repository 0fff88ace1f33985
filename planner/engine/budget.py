"""A monthly purchase budget as an open-to-buy over the suggested orders.

Per calendar month (from as-of's month to the horizon's; landed value, workspace currency):

1. POs already placed (open lines not yet received, by their order date's month) are
   committed first; what is left is the month's open-to-buy;
2. the month's suggestion lines then compete for it, each SKU's earliest line first, ranked:
   lines that clear existing customer backorders first (the backorder queue), then by protected
   revenue per unit of money: (expected lost sales avoided + value at risk of the existing
   backorders it clears) / line value. Lost sales avoided = unit price × the units of the SKU's
   projected unserved demand (no new orders) this line covers, earlier lines of the same SKU
   covering first; ties by the date the SKU was first wanted (its oldest deferral), then SKU;
3. down that ranking a line is funded when it fits what is left; a line that does not fit
   defers its SKU: the SKU's whole projection is re-planned (``replan``) with no order before the
   first day of the next month and its funded orders as supply, so its later orders are
   re-sized and re-dated, and a deferred line arrives its lead time after its new order date.

What no month within the horizon can fund is left out of the suggestions and listed in
``unfunded`` with what it costs in service: the days the SKU is out of stock from when it would
have arrived to the horizon's end, the units short and the revenue at risk (units × price).
In every month committed + planned ≤ budget (a month whose committed POs alone exceed it plans
nothing and is marked ``over_budget``). A deferred line that clears existing customer backorders
is flagged (``flagged``); so is an unfunded one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

#: (SKUs, the first day each may order (days from as-of), their funded lines: sku,
#: expected_arrival, quantity) → those SKUs' suggestions from that day on
Replan = Callable[[list[str], np.ndarray, pd.DataFrame], list[dict[str, Any]]]

_MOVED_KEYS = ("lines", "order_date", "expected_arrival", "total_value",
               "total_value_supplier_currency", "order_now", "containers", "container_fill_pct")


def _month(day: pd.Timestamp) -> pd.Timestamp:
    return pd.Timestamp(day.year, day.month, 1)


def _line_table(suggestions: list[dict[str, Any]], skus: pd.DataFrame,
                queue_risk: dict[tuple[str, str], float], first: int = 0) -> pd.DataFrame:
    """One row per suggestion line (``suggestion`` numbered from ``first``) with its SKU's facts."""
    rows = []
    for number, suggestion in enumerate(suggestions, start=first):
        for position, line in enumerate(suggestion["lines"]):
            sku = line["sku"]
            cleared = line.get("clears_backorders") or []
            rows.append({
                "suggestion": number, "position": position, "sku": sku,
                "supplier": suggestion["supplier"],
                "order_date": pd.Timestamp(suggestion["order_date"]),
                "expected_arrival": pd.Timestamp(line.get("expected_arrival")
                                                 or suggestion["expected_arrival"]),
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
    for name, default in (("moq", 0.0), ("case_pack", 1.0)):
        frame[name] = (np.nan_to_num(facts[name].to_numpy(float), nan=default)
                       if name in facts else default)
    frame["part_of"] = np.nan
    frame["protected_revenue"] = 0.0
    return frame


def committed_by_month(po_lines: pd.DataFrame, landed_multiplier: pd.Series) -> pd.Series:
    """Landed value of the open, not yet received PO units by their order date's month
    ("YYYY-MM"): (quantity − received) × the line's price × the SKU's landed multiplier
    (exchange rate × (1 + freight + duty)); a line without a rate or a cost is left out here and
    listed by uncounted_commitments."""
    if po_lines is None or po_lines.empty:
        return pd.Series(dtype=float)
    open_lines, value = _committed_lines(po_lines, landed_multiplier)
    month = pd.to_datetime(open_lines["order_date"]).dt.strftime("%Y-%m")
    return value.fillna(0.0).groupby(month).sum()


def uncounted_commitments(po_lines: pd.DataFrame, landed_multiplier: pd.Series) -> pd.DataFrame:
    """The open PO lines committed_by_month cannot value (no unit cost, or a currency without
    an exchange rate): po_number, sku, open units. Their money is unknown, never 0: the plan
    says so (a warning) rather than reading the month as that much emptier."""
    if po_lines is None or po_lines.empty:
        return pd.DataFrame(columns=["po_number", "sku", "units"])
    open_lines, value = _committed_lines(po_lines, landed_multiplier)
    units = _open_units(open_lines)
    unknown = value.isna() & (units > 0)
    return pd.DataFrame({"po_number": open_lines["po_number"][unknown],
                         "sku": open_lines["sku"][unknown], "units": units[unknown]})


def _open_units(lines: pd.DataFrame) -> pd.Series:
    """Units still owed on a line: the supplier's confirmed quantity, else the ordered one,
    less what came in."""
    ordered = pd.to_numeric(lines["quantity"], errors="coerce")
    if "confirmed_quantity" in lines:
        ordered = pd.to_numeric(lines["confirmed_quantity"], errors="coerce").fillna(ordered)
    received = pd.to_numeric(lines["received_quantity"], errors="coerce").fillna(0.0)
    return (ordered.fillna(0.0) - received).clip(lower=0.0)


def _committed_lines(po_lines: pd.DataFrame,
                     landed_multiplier: pd.Series) -> tuple[pd.DataFrame, pd.Series]:
    open_lines = po_lines[(po_lines["status"].astype(str) == "open")
                          & po_lines["order_date"].notna()]
    value = (_open_units(open_lines)
             * pd.to_numeric(open_lines["unit_cost"], errors="coerce").to_numpy(float)
             * open_lines["sku"].map(landed_multiplier).to_numpy(float))
    return open_lines, value


def _rank(lines: pd.DataFrame) -> np.ndarray:
    """Protected revenue per unit of money of every line, earlier lines of a SKU covering first."""
    frame = lines.sort_values(["sku", "order_date"], kind="stable")
    earlier = frame.groupby("sku")["quantity"].cumsum() - frame["quantity"]
    covered = np.clip(frame["shortfall"] - earlier, 0.0, frame["quantity"])
    protected = (covered * frame["unit_price"] + frame["risk_avoided"]).reindex(lines.index)
    lines["protected_revenue"] = protected
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(lines["value"] > 0, protected / lines["value"], np.inf)


class _OpenToBuy:
    """The month-by-month funding of the suggestion lines (see the module's docstring)."""

    def __init__(self, suggestions: list[dict[str, Any]], *, budget: float, start: pd.Timestamp,
                 months: pd.DatetimeIndex, skus: pd.DataFrame,
                 queue_risk: dict[tuple[str, str], float], committed: pd.Series,
                 replan: Replan | None) -> None:
        self.sources = list(suggestions)
        self.budget, self.start, self.months, self.skus = budget, start, months, skus
        self.queue_risk, self.replan = queue_risk, replan
        self.committed = {m: float(committed.get(m.strftime("%Y-%m"), 0.0)) for m in months}
        self.lines = _line_table(self.sources, skus, queue_risk)
        if not self.lines.empty:
            self.lines["state"] = "pending"
        self.wanted: dict[str, tuple[pd.Timestamp, pd.Timestamp]] = {}
        self.deferred: list[dict[str, Any]] = []
        self.unfunded: list[dict[str, Any]] = []
        self.deferred_out = {m: 0.0 for m in months}
        self.deferred_in = {m: 0.0 for m in months}
        self.parts: dict[int, float] = {}  # line → the units of it funded as a part

    def run(self) -> None:
        """Fund month by month; defer and re-plan what does not fit."""
        if self.lines.empty:
            return
        if self.budget <= 0:
            self.lines["state"] = "funded"
            return
        for number, month in enumerate(self.months):
            blocked = self._fund_month(month)
            if not blocked:
                continue
            last = number == len(self.months) - 1
            self._defer(blocked, month + pd.offsets.MonthBegin(1), last)
        self.lines = self.lines[self.lines["state"] == "funded"]

    def _fund_month(self, month: pd.Timestamp) -> dict[str, int]:
        """Fund the month's lines down the ranking; the SKUs whose next line did not fit."""
        lines = self.lines
        live = lines["state"] != "dropped"
        rank = np.zeros(len(lines))
        rank[live.to_numpy()] = _rank(lines[live].copy())
        lines["ppm"] = rank
        left = self.budget - self.committed[month]
        blocked: dict[str, int] = {}
        while True:
            lines = self.lines  # a part funded adds a row
            pending = lines[(lines["order_date"] < month + pd.offsets.MonthBegin(1))
                            & (lines["state"] == "pending") & ~lines["sku"].isin(list(blocked))]
            if pending.empty:
                return blocked
            heads = pending.sort_values("order_date", kind="stable").drop_duplicates("sku")
            # ties: the SKU wanted longest (its first deferred date), then the SKU
            wanted = [self.wanted.get(sku, (day, day))[0] for sku, day in
                      zip(heads["sku"], heads["order_date"], strict=True)]
            order = np.lexsort((heads["sku"].to_numpy(object).astype(str),
                                pd.DatetimeIndex(wanted).to_numpy("datetime64[ns]"),
                                -heads["ppm"].to_numpy(float),
                                ~(heads["clears_units"].to_numpy() > 0)))
            funded = []
            for index, sku, value in zip(heads.index[order].tolist(),
                                         heads["sku"].to_numpy(object)[order].tolist(),
                                         heads["value"].to_numpy(float)[order].tolist(),
                                         strict=True):
                if value <= left + 1e-6:
                    left -= value
                    funded.append(index)
                    self._funded(index, str(sku), value, month)
                    continue
                blocked[str(sku)] = index
                left -= self._fund_part(index, left, month)
            self.lines.loc[funded, "state"] = "funded"

    def _fund_part(self, index: int, left: float, month: pd.Timestamp) -> float:
        """Fund what is left of the month with part of a line that does not fit (whole case
        packs, at least the MOQ): the part is ordered at the line's date, the rest re-planned;
        the money spent."""
        lines = self.lines
        quantity, value = float(lines.at[index, "quantity"]), float(lines.at[index, "value"])
        case = max(float(lines.at[index, "case_pack"]), 1.0)
        unit = value / quantity if quantity > 0 else 0.0
        if unit <= 0 or left <= 0:
            return 0.0
        part = np.floor(left / unit / case + 1e-9) * case
        if part < max(float(lines.at[index, "moq"]), 1.0) or part >= quantity:
            return 0.0
        row = lines.loc[index].copy()
        row["quantity"], row["value"], row["part_of"] = part, round(part * unit, 2), quantity
        row["state"] = "funded"  # the part; the line itself waits (its SKU is blocked)
        new = int(lines.index.max()) + 1
        self.lines = pd.concat([lines, row.to_frame(new).T.astype(lines.dtypes.to_dict())])
        sku = str(row["sku"])
        waiting = self.wanted.get(sku)
        self._funded(new, sku, float(row["value"]), month)
        if waiting is not None:  # the rest still waits since the SKU was first deferred
            self.wanted[sku] = waiting
        self.parts[index] = part
        return float(row["value"])

    def _funded(self, index: int, sku: str, value: float, month: pd.Timestamp) -> None:
        """A funded line (its state set by the caller) ends its SKU's wait, if it was deferred."""
        if sku not in self.wanted:
            return
        first, old_arrival = self.wanted.pop(sku)
        self.deferred_in[month] += value
        self.deferred.append({"index": index, "from": first, "old_arrival": old_arrival})

    def _defer(self, blocked: dict[str, int], funded_from: pd.Timestamp, last: bool) -> None:
        """Drop the blocked SKUs' pending lines; re-plan them from ``funded_from`` (or list
        them as unfunded when no month is left)."""
        lines = self.lines
        skus = list(blocked)
        for index in blocked.values():  # what waits is the line less the part funded
            part = self.parts.pop(index, 0.0)
            whole = float(lines.at[index, "quantity"])
            if part and whole:
                lines.at[index, "value"] *= (whole - part) / whole
                lines.at[index, "quantity"] = whole - part
        for sku, index in blocked.items():
            self.wanted.setdefault(sku, (lines.at[index, "order_date"],
                                         lines.at[index, "expected_arrival"]))
        dropped = lines["sku"].isin(skus) & (lines["state"] == "pending")
        month = _month(funded_from - pd.Timedelta(days=1))
        self.deferred_out[month] += float(lines.loc[dropped & (lines["order_date"] < funded_from),
                                                    "value"].sum())
        if last:
            self._unfundable(lines[dropped & (lines["order_date"] < funded_from)])
            lines.loc[dropped, "state"] = "dropped"
            return
        if self.replan is None:  # no re-plan given: the SKU's lines move by the same shift
            shift = pd.Series({sku: funded_from - lines.at[i, "order_date"]
                               for sku, i in blocked.items()})
            moved = lines.loc[dropped, "sku"].map(shift)
            lines.loc[dropped, "order_date"] += moved
            lines.loc[dropped, "expected_arrival"] += moved
            return
        lines.loc[dropped, "state"] = "dropped"
        funded = lines[lines["sku"].isin(skus) & (lines["state"] == "funded")]
        day = int((funded_from - self.start).days)
        new = self.replan(skus, np.full(len(skus), day), funded[
            ["sku", "expected_arrival", "quantity"]].reset_index(drop=True))
        table = _line_table(new, self.skus, self.queue_risk, first=len(self.sources))
        self.sources.extend(new)
        if not table.empty:
            table["state"] = "pending"
            table.index = np.arange(len(table)) + (int(lines.index.max()) + 1)
            self.lines = pd.concat([lines, table])

    def _unfundable(self, lines: pd.DataFrame) -> None:
        """The blocked SKUs' lines of the last month: one unfunded entry per SKU."""
        if lines.empty:
            return
        per_sku = lines.groupby("sku", sort=True).agg(
            supplier=("supplier", "first"), quantity=("quantity", "sum"), value=("value", "sum"),
            order_date=("order_date", "min"), expected_arrival=("expected_arrival", "min"),
            clears=("clears_units", "max"), unit_price=("unit_price", "first"))
        for r in per_sku.itertuples():
            first, arrival = self.wanted.pop(str(r.Index), (r.order_date, r.expected_arrival))
            self.unfunded.append({
                "sku": str(r.Index), "supplier": str(r.supplier), "quantity": int(r.quantity),
                "value": round(float(r.value), 2), "order_date": first.date().isoformat(),
                "expected_arrival": arrival.date().isoformat(),
                "clears_backorder_units": int(r.clears), "unit_price": float(r.unit_price)})


def apply_budget(suggestions: list[dict[str, Any]], *, budget_per_month: float,
                 as_of: dt.date, horizon_days: int, review_period_days: int,
                 skus: pd.DataFrame, queue: pd.DataFrame | None = None,
                 currency: str = "", committed: pd.Series | None = None,
                 replan: Replan | None = None,
                 stock_path: pd.DataFrame | None = None) -> tuple[list[dict[str, Any]],
                                                                  dict[str, Any],
                                                                  pd.DataFrame]:
    """(suggestions within the open-to-buy, the ``budget`` summary, one row per SKU the budget
    moved or could not fund: sku, status, note).

    ``skus`` is indexed by sku with unit_price, demand_per_day, stockout_date and
    shortfall_units; ``queue`` holds the open order lines (sku, order_id, value_at_risk);
    ``committed`` the placed POs' value by month ("YYYY-MM", committed_by_month); ``replan``
    re-plans deferred SKUs (without it their lines shift whole); ``stock_path`` (sku × day
    from as-of) the projected stock with no new orders, for what unfunded lines cost."""
    start = pd.Timestamp(as_of)
    last_month = _month(start + pd.Timedelta(days=int(horizon_days) - 1))
    months = pd.date_range(_month(start), last_month, freq="MS")
    queue_risk: dict[tuple[str, str], float] = {}
    if queue is not None and len(queue):
        risk = queue.groupby(["sku", "order_id"])["value_at_risk"].sum()
        queue_risk = {key: float(v) for key, v in risk.items()}
    budget = max(float(budget_per_month or 0.0), 0.0)
    committed = committed if committed is not None else pd.Series(dtype=float)
    book = _OpenToBuy(suggestions, budget=budget, start=start, months=months, skus=skus,
                      queue_risk=queue_risk, committed=committed, replan=replan)
    original = book.lines.copy()
    book.run()
    funded = book.lines
    unfunded = _service_cost(book.unfunded, funded, stock_path, start)
    deferred = _deferral_costs(funded, book.deferred)
    suggested = (original.groupby(original["order_date"].map(_month))["value"].sum()
                 if len(original) else pd.Series(dtype=float))
    planned = (funded.groupby(funded["order_date"].map(_month))["value"].sum()
               if len(funded) else pd.Series(dtype=float))
    summary: dict[str, Any] = {
        "per_month": budget, "currency": currency,
        "months": [_month_row(m, budget, book.committed[m], float(planned.get(m, 0.0)),
                              float(suggested.get(m, 0.0)), book.deferred_out[m],
                              book.deferred_in[m]) for m in months],
        "committed_value": round(sum(book.committed.values()), 2),
        "deferred_lines": deferred, "unfunded": unfunded,
        "unfunded_value": round(sum(u["value"] for u in unfunded), 2),
        "flagged_lines": sum(1 for d in deferred + unfunded if d["flag"])}
    out = _regroup(book.sources, funded, deferred, start, int(review_period_days))
    notes = pd.DataFrame(
        [{"sku": d["sku"], "status": "deferred", "note": d["note"] + (
            f" ({d['flag']})" if d["flag"] else "")} for d in deferred]
        + [{"sku": u["sku"], "status": "unfunded", "note": u["note"] + (
            f" ({u['flag']})" if u["flag"] else "")} for u in unfunded],
        columns=["sku", "status", "note"])
    return out, summary, notes.drop_duplicates("sku")


def _month_row(month: pd.Timestamp, budget: float, committed: float, planned: float,
               suggested: float, deferred_out: float, deferred_in: float) -> dict[str, Any]:
    has_budget = budget > 0
    return {"month": month.strftime("%Y-%m"), "budget": budget if has_budget else None,
            "committed_value": round(committed, 2), "planned_value": round(planned, 2),
            "left_value": round(budget - committed - planned, 2) if has_budget else None,
            "suggested_value": round(suggested, 2),
            "deferred_out_value": round(deferred_out, 2),
            "deferred_in_value": round(deferred_in, 2),
            "over_budget": bool(has_budget and committed + planned > budget + 0.005)}


def _service_cost(unfunded: list[dict[str, Any]], funded: pd.DataFrame,
                  stock_path: pd.DataFrame | None, start: pd.Timestamp) -> list[dict[str, Any]]:
    """Per unfunded SKU: days out of stock from its would-be arrival to the horizon's end, the
    demand newly short over those days and the revenue at risk (units × price), with the
    funded orders counted."""
    out = []
    paths = stock_path.to_numpy(float) if stock_path is not None else np.zeros((0, 0))
    row_of = {sku: i for i, sku in enumerate(stock_path.index)} if stock_path is not None else {}
    mine = funded.groupby("sku").indices if len(funded) else {}
    arrive_all = ((funded["expected_arrival"] - start).dt.days).to_numpy(int) if len(
        funded) else np.zeros(0, dtype=int)
    quantity_all = funded["quantity"].to_numpy(float) if len(funded) else np.zeros(0)
    for entry in unfunded:
        sku = entry.pop("sku")
        price = entry.pop("unit_price")
        days = units = 0
        first = int((pd.Timestamp(entry["expected_arrival"]) - start).days)
        horizon_end = paths.shape[1] if stock_path is not None else first + 1
        if sku in row_of:
            path = paths[row_of[sku]].copy()
            horizon = path.size
            rows = mine.get(sku, np.zeros(0, dtype=int))
            for day, quantity in zip(arrive_all[rows].tolist(), quantity_all[rows].tolist(),
                                     strict=True):
                if day < horizon:
                    path[max(day, 0):] += quantity
            if first < horizon:
                short = np.maximum(-path, 0.0)  # units owed each day
                new_short = np.maximum(np.diff(short, prepend=0.0), 0.0)  # newly short
                days = int((path[max(first, 0):] < -1e-9).sum())
                units = int(round(float(new_short[max(first, 1):].sum())))
        flag = (f"clears {entry['clears_backorder_units']} backordered units of existing customer "
                "orders: no month can fund it" if entry["clears_backorder_units"] else "")
        cost = (f"about {days} days out of stock, {units:,} units short" if first < horizon_end
                else "it would arrive after the horizon's end")
        note = (f"not funded: no month within the horizon has room for it in the purchase "
                f"budget (wanted on {entry['order_date']}): {cost}")
        out.append({"sku": sku, **entry, "stockout_days": days, "units_short": units,
                    "revenue_at_risk": round(units * price, 2), "flag": flag, "note": note})
    return out


def _deferral_costs(funded: pd.DataFrame, deferred: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """What waiting costs per deferred line: extra days out of stock (the SKU's projected
    stockout date against the old and new arrival), extra units backordered, waiting orders."""
    out = []
    for entry in deferred:
        r = funded.loc[entry["index"]]
        first, old_arrival = entry["from"], entry["old_arrival"]
        stockout = r["stockout_date"]
        extra = 0
        if pd.notna(stockout):
            begin = max(pd.Timestamp(stockout), old_arrival)
            extra = max(int((r["expected_arrival"] - begin).days), 0)
        units = int(round(extra * float(r["demand_per_day"])))
        wait = int((r["order_date"] - first).days)
        waiting = (f"; {len(r['clears'])} customer order(s) ({int(r['clears_units'])} units) "
                   f"wait {wait} days longer" if r["clears_units"] else "")
        note = (f"deferred by the purchase budget from {first.date().isoformat()} to "
                f"{r['order_date'].date().isoformat()}: about {extra} more days out of stock, "
                f"{units} more units backordered{waiting}")
        flag = (f"clears {int(r['clears_units'])} backordered units of existing customer orders: "
                "deferred by the budget" if r["clears_units"] else "")
        out.append({
            "sku": r["sku"], "supplier": r["supplier"], "quantity": int(r["quantity"]),
            "value": round(float(r["value"]), 2), "from_order_date": first.date().isoformat(),
            "to_order_date": r["order_date"].date().isoformat(), "status": "deferred",
            "expected_arrival": r["expected_arrival"].date().isoformat(),
            "protected_revenue": round(float(r["protected_revenue"]), 2),
            "extra_stockout_days": extra, "extra_backorder_units": units,
            "clears_backorders": list(r["clears"]), "clears_backorder_units": int(r["clears_units"]),
            "flag": flag, "note": note, "_key": entry["index"]})
    return out


def _regroup(sources: list[dict[str, Any]], funded: pd.DataFrame, deferred: list[dict[str, Any]],
             as_of: pd.Timestamp, review_period_days: int) -> list[dict[str, Any]]:
    """The funded lines as suggestions per supplier and order date; lines carry their budget
    status. An untouched suggestion stays as it was."""
    notes = {d.pop("_key"): d for d in deferred}
    if funded.empty:
        return []
    whole = funded.groupby("suggestion").size()
    sizes = pd.Series({i: len(s["lines"]) for i, s in enumerate(sources)})
    groups: dict[tuple[str, pd.Timestamp], dict[str, Any]] = {}
    for r in funded.sort_values(["order_date", "supplier", "sku"], kind="stable").itertuples():
        source = sources[int(r.suggestion)]
        line = dict(source["lines"][int(r.position)])
        line["budget_status"] = "kept"
        line["expected_arrival"] = r.expected_arrival.date().isoformat()
        part = not np.isnan(float(r.part_of))
        if part or abs(float(r.quantity) - float(line["quantity"])) > 1e-9:
            _resize(line, float(r.quantity), float(r.value))
        if part:
            note = (f"cut from {float(r.part_of):,.0f} to {float(r.quantity):,.0f} units to fit "
                    "what was left of the month's purchase budget; the rest is re-planned from "
                    "the next month")
            line.update(budget_status="cut", budget_note=note)
            line["why"] = (str(line.get("why") or line.get("reason") or "") + " " + note).strip()
        if r.Index in notes:
            d = notes[r.Index]
            line.update(budget_status="deferred", budget_note=d["note"],
                        budget_flag=d["flag"] or None, deferred_from=d["from_order_date"],
                        extra_stockout_days=d["extra_stockout_days"],
                        extra_backorder_units=d["extra_backorder_units"])
            line["why"] = (str(line.get("why") or line.get("reason") or "") + " "
                           + d["note"]).strip()
        key = (str(r.supplier), r.order_date)
        if key not in groups:
            base = {k: v for k, v in source.items() if k not in _MOVED_KEYS}
            cycle = int(source.get("review_period_days", review_period_days) or 0)
            groups[key] = {**base, "order_date": r.order_date.date().isoformat(),
                           "order_now": bool(r.order_date <= as_of + pd.Timedelta(days=cycle)),
                           "lines": [], "_whole": int(r.suggestion)
                           if whole.get(r.suggestion) == sizes[r.suggestion]
                           and r.order_date == pd.Timestamp(source["order_date"]) else None}
        group = groups[key]
        if group["_whole"] != int(r.suggestion) or part:
            group["_whole"] = None
        group["lines"].append(line)
    out = []
    for group in groups.values():
        kept = group.pop("_whole")
        if kept is not None and len(group["lines"]) == len(sources[kept]["lines"]):
            out.append({**sources[kept], "lines": group["lines"]})
            continue
        values = [line.get("value") for line in group["lines"]]
        group["total_value"] = (None if any(v is None for v in values)
                                else round(sum(float(v) for v in values), 2))
        group["expected_arrival"] = max(str(line.get("expected_arrival") or "")
                                        for line in group["lines"]) or None
        own = [line.get("value_supplier_currency") for line in group["lines"]]
        group["total_value_supplier_currency"] = (
            None if any(v is None for v in own) else round(sum(float(v) for v in own), 2))
        out.append(group)
    out.sort(key=lambda s: (s["order_date"], s["supplier"]))
    return out


def _resize(line: dict[str, Any], quantity: float, value: float) -> None:
    """A line with the quantity the budget left it (its supplier-currency value in proportion)."""
    share = quantity / float(line["quantity"]) if float(line["quantity"]) else 0.0
    own = line.get("value_supplier_currency")
    case = int(line.get("case_pack") or 1)
    line.update(quantity=int(round(quantity)), value=round(value, 2),
                value_supplier_currency=None if own is None else round(float(own) * share, 2))
    if "cases" in line:
        line["cases"] = quantity / case if case > 1 else None


def budget_by_month(summary: dict[str, Any]) -> pd.DataFrame:
    """One row per month of a ``budget`` summary: committed, planned, budget and left, with the
    lines deferred out of it (``deferred_lines``), those of them and of the unfunded ones that
    clear customer backorders (``flagged_lines``) and the unfunded lines first wanted in it."""
    months = pd.DataFrame(summary.get("months") or [], columns=[
        "month", "committed_value", "planned_value", "budget", "left_value", "suggested_value",
        "deferred_out_value", "deferred_in_value", "over_budget"])
    lines = pd.DataFrame(summary.get("deferred_lines") or [],
                         columns=["from_order_date", "flag", "sku"])
    unfunded = pd.DataFrame(summary.get("unfunded") or [],
                            columns=["order_date", "flag", "sku", "value"])
    month = lines["from_order_date"].astype(str).str[:7]
    wanted = unfunded["order_date"].astype(str).str[:7]
    flagged = pd.concat([month[lines["flag"].fillna("").astype(str) != ""],
                         wanted[unfunded["flag"].fillna("").astype(str) != ""]])
    months["deferred_lines"] = months["month"].map(month.value_counts()).fillna(0).astype(int)
    months["unfunded_lines"] = months["month"].map(wanted.value_counts()).fillna(0).astype(int)
    months["flagged_lines"] = months["month"].map(flagged.value_counts()).fillna(0).astype(int)
    return months
