"""Replay (issue 30): the plan run at each review date of a past span on the data known that day,
its orders placed, and the actual demand that followed drawing the simulated stock down.

Every review's plan is the one path: ``data_as_of`` (nothing dated after the review) then
``run_plan``, with the simulation's stock, open orders and backlog in place of the real ones.
Reached through ``planning.replay`` (the CLI and the app never import this module's engine).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd
from sqlite_utils import Database

from planner import clock
from planner.engine import replay as sim
from planner.engine.lead_time import MIN_RECEIVED_LINES_TO_LEARN, learn_supplier_lead_times
from planner.planning import (
    PlanningData,
    Progress,
    _json_ready,
    _landed_costs,
    _report,
    _stock_as_of,
    active_products,
    data_as_of,
    load_planning_data,
    run_plan,
    with_receipts_since_snapshot,
)

#: PO numbers of the orders the replay places
SIMULATED_PO = "REPLAY-{date}-{n}"


class ReplayCancelled(Exception):
    """The replay was cancelled before it finished."""


@dataclass
class ReplayResult:
    """What following the plan would have done over a span, beside what really happened."""

    start: dt.date
    end: dt.date
    every: int
    review_dates: list[dt.date]
    #: per SKU: sku, name, supplier, then the figures (engine/replay.FIGURES)
    skus: pd.DataFrame
    overall: dict[str, Any]
    #: per SKU: the same figures from the real history (NaN where it does not tell)
    actual_skus: pd.DataFrame
    actual_overall: dict[str, Any]
    #: the orders the replay placed: po_number, supplier, sku, order_date, quantity,
    #: dock_date, sellable_date, unit_cost (landed), value
    orders: pd.DataFrame
    #: index sku, columns dates start+1 … end: simulated end-of-day sellable stock
    stock: pd.DataFrame
    #: index sku, columns snapshot dates in the span: the real stock
    actual_stock: pd.DataFrame
    notes: list[str] = field(default_factory=list)
    settings: dict[str, Any] = field(default_factory=dict)
    settings_note: str = ""
    summary: str = ""


def review_dates(start: dt.date, end: dt.date, every: int) -> list[dt.date]:
    """start, start + every, … before end (the last review leaves days to see its effect)."""
    step = max(int(every), 1)
    days = max((end - start).days, 1)
    return [start + dt.timedelta(days=k) for k in range(0, days, step)]


def replay(db_or_data: Database | PlanningData, start: dt.date, end: dt.date | None = None,
           every: int | None = None, progress: Progress = None,
           cancel: Callable[[], bool] | None = None) -> ReplayResult:
    """Replay the plan from ``start`` to ``end`` (default today), a review every ``every`` days
    (default review_period_days). ``db_or_data``: a workspace, or its data loaded as of ``end``
    (then the stock on ``start`` is the newest snapshot on or before it)."""
    end = end or clock.today()
    if end <= start:
        raise ValueError(f"the replay needs --to after --from ({start} to {end})")
    _report(progress, 0.0, "reading the workspace")
    if isinstance(db_or_data, PlanningData):
        base = db_or_data
        on_hand_start = _stock_from_history(base, start)
    else:
        base = load_planning_data(db_or_data, end)
        inventory, _ = _stock_as_of(db_or_data, start.isoformat())
        inventory = with_receipts_since_snapshot(db_or_data, inventory, start)
        on_hand_start = inventory
    settings = base.settings
    every = int(every if every is not None else settings["review_period_days"]) or 1
    dock = int(settings["dock_to_stock_days"])
    _, products = active_products(base)
    skus = products["sku"].astype(str).tolist()
    n = len(skus)
    n_days = (end - start).days
    t0 = pd.Timestamp(start)
    cost = _landed_costs(products).to_numpy(float)
    lead = _real_lead_days(products, base.po_lines, end)
    demand = sim.demand_matrix(base.daily_demand, skus, t0, n_days)
    # stockout days count for SKUs sold in the span, never made-to-order ones (their customers
    # wait by design)
    counted = (demand.sum(axis=1) > 0) & ~products["made_to_order"].fillna(False).to_numpy(bool)
    dates = review_dates(start, end, every)
    review_days = [(d - start).days for d in dates]

    counts = sim.stock_counts(base.stock_history, skus, t0, n_days)
    receipts = _real_receipts(base.po_lines, skus, t0, n_days)
    stock, notes = _starting_stock(base, start, on_hand_start, skus, counts, receipts, demand)
    start_stock = stock.copy()
    book = _orders_open_on(base, start, end, skus, dock, on_hand_start,
                           int(settings["hold_release_days"]))
    backlog = _backlog_on(base, start, skus)
    start_backlog = backlog.copy()
    path = sim.Days(np.zeros((n, n_days)), np.zeros((n, n_days)), np.zeros((n, n_days)))
    placed: list[pd.DataFrame] = []
    orders_count = 0
    for i, day in enumerate(dates):
        if cancel is not None and cancel():
            raise ReplayCancelled(f"replay cancelled at {day.isoformat()}")
        _report(progress, 0.02 + 0.96 * i / len(dates), f"planning as of {day.isoformat()}")
        plan_data = _data_for_review(base, day, skus, stock, backlog, book, dock)
        plan = run_plan(plan_data)
        new, count = _orders_due(plan.purchase_suggestions, day, skus, lead, dock, cost, t0)
        orders_count += count
        if len(new):
            placed.append(new)
            book = pd.concat([book, new], ignore_index=True)
        first = review_days[i] + 1
        last = review_days[i + 1] if i + 1 < len(dates) else n_days
        arrivals = sim.arrivals_between(book["sku_index"].to_numpy(int),
                                        book["sellable_day"].to_numpy(int),
                                        book["quantity"].to_numpy(float), n, first,
                                        last - first + 1)
        days = sim.walk_days(stock, backlog, demand[:, first - 1:last], arrivals)
        span = slice(first - 1, last)
        path.stock[:, span], path.short[:, span], path.backlog[:, span] = \
            days.stock, days.short, days.backlog
        if days.stock.shape[1]:
            stock, backlog = days.stock[:, -1].copy(), days.backlog[:, -1].copy()
    _report(progress, 0.98, "comparing with what happened")
    orders = (pd.concat(placed, ignore_index=True) if placed
              else _empty_orders())
    per_sku = sim.simulated_figures(path, demand, unit_cost=cost, counted=counted,
                                    review_days=review_days, orders=orders,
                                    reach_days=lead + dock)
    overall = sim.overall_figures(per_sku, orders_placed=orders_count)
    # what really happened: the same day-by-day walk with the real receipts, set to each count
    real = sim.walk_days(start_stock, start_backlog, demand, receipts, counts)
    real_pos, order_notes = _real_orders(base, start, end)
    real_orders = _empty_orders() if real_pos is None else pd.DataFrame({
        "sku_index": pd.Index(skus).get_indexer(real_pos["sku"]),
        "value": pd.to_numeric(real_pos["quantity"]).to_numpy(float)}).query("sku_index >= 0")
    if len(real_orders):
        real_orders["value"] *= cost[real_orders["sku_index"].to_numpy(int)]
    actual = sim.simulated_figures(real, demand, unit_cost=cost, counted=counted,
                                   review_days=review_days, orders=real_orders,
                                   reach_days=lead + dock)
    if real_pos is None:
        actual[["orders_placed", "order_value"]] = np.nan
    stock_known = base.stock_history is not None and len(base.stock_history) > 0
    if not stock_known:
        actual[["stockout_days", "units_short", "fill_rate", "cycle_service_level",
                "cycle_service_level_after_lead_time", "average_stock",
                "average_stock_value"]] = np.nan
    actual = actual.drop(columns=["demand_units"]).assign(demand_units=per_sku["demand_units"])
    notes += _actual_notes(counts, stock_known) + order_notes
    if (~counted & (demand.sum(axis=1) > 0)).any():
        notes.append("made-to-order SKUs are left out of stockout_days and cycle_service_level "
                     "(their customers wait for the order by design)")
    actual_overall = sim.overall_figures(
        actual, orders_placed=(int(real_pos["po_number"].nunique())
                               if real_pos is not None else None))
    names = products[["sku", "name", "supplier"]].reset_index(drop=True)
    dates_index = pd.date_range(t0 + pd.Timedelta(days=1), periods=n_days, freq="D")
    result = ReplayResult(
        start=start, end=end, every=every, review_dates=dates,
        skus=pd.concat([names, per_sku], axis=1),
        overall=overall, actual_skus=pd.concat([names, actual], axis=1),
        actual_overall=actual_overall,
        orders=orders.assign(sku=[skus[k] for k in orders["sku_index"]]).drop(
            columns=["sku_index", "sellable_day"]),
        stock=pd.DataFrame(path.stock, index=pd.Index(skus, name="sku"), columns=dates_index),
        actual_stock=pd.DataFrame(real.stock, index=pd.Index(skus, name="sku"),
                                  columns=dates_index),
        notes=notes, settings=dict(settings), settings_note=_settings_note(settings, every))
    result.summary = replay_summary(result)
    _report(progress, 1.0, "done")
    return result


def _stock_from_history(base: PlanningData, start: dt.date) -> pd.DataFrame:
    """The stock on ``start`` from the stock history: the newest snapshot on or before it."""
    history = base.stock_history
    if history is None or not len(history):
        return pd.DataFrame({"sku": pd.Series(dtype=object), "on_hand": pd.Series(dtype=float)})
    known = history[history["snapshot_date"] <= pd.Timestamp(start)]
    if not len(known):
        return known[["sku", "on_hand"]]
    return known[known["snapshot_date"] == known["snapshot_date"].max()][["sku", "on_hand"]]


def _real_lead_days(products: pd.DataFrame, po_lines: pd.DataFrame, end: dt.date) -> np.ndarray:
    """Per SKU, whole days from order to the dock: its supplier's lead time as learned from all
    receipts up to ``end`` (enough of them), else the stated one."""
    learned = learn_supplier_lead_times(po_lines, as_of=end)
    if len(learned):
        enough = learned[learned["received_lines"] >= MIN_RECEIVED_LINES_TO_LEARN]
        real = products["supplier"].map(enough["lead_time_days_learned"])
    else:
        real = pd.Series(np.nan, index=products.index)
    stated = products.get("lead_time_days_stated", products["lead_time_days"])
    return np.maximum(np.round(real.fillna(stated).to_numpy(float)), 0).astype(int)


def _empty_orders() -> pd.DataFrame:
    return pd.DataFrame({
        "po_number": pd.Series(dtype=object), "supplier": pd.Series(dtype=object),
        "sku_index": pd.Series(dtype=int), "order_date": pd.Series(dtype="datetime64[ns]"),
        "quantity": pd.Series(dtype=float), "dock_date": pd.Series(dtype="datetime64[ns]"),
        "sellable_date": pd.Series(dtype="datetime64[ns]"), "sellable_day": pd.Series(dtype=int),
        "unit_cost": pd.Series(dtype=float), "value": pd.Series(dtype=float),
        "placed": pd.Series(dtype=bool)})


def _orders_open_on(base: PlanningData, start: dt.date, end: dt.date, skus: list[str],
                    dock: int, inventory: pd.DataFrame, hold_days: int) -> pd.DataFrame:
    """The supply already on its way on ``start``: real PO lines ordered by then and not yet
    received, arriving as they really did (received then), else at their expected date; and
    held stock, sellable at its release date."""
    t0 = pd.Timestamp(start)
    po = base.po_lines
    rows = pd.Index(skus).get_indexer(po["sku"]) if len(po) else np.zeros(0, dtype=int)
    known = po[(rows >= 0) & (po["order_date"].isna() | (po["order_date"] <= t0))
               & (po["status"].fillna("") != "cancelled")] if len(po) else po
    parts = []
    if len(known):
        got = known["received_date"] > t0
        received = known[got]
        parts.append(pd.DataFrame({
            "po_number": received["po_number"], "supplier": received["supplier"],
            "sku": received["sku"], "order_date": received["order_date"],
            "quantity": pd.to_numeric(received["received_quantity"]).fillna(0.0),
            "sellable_date": received["received_date"]}))
        owed = (pd.to_numeric(known["quantity"]).fillna(0.0)
                - pd.to_numeric(known["received_quantity"]).fillna(0.0))
        still = known[(known["status"].fillna("open") != "received") & (owed > 0)
                      & known["expected_date"].notna()]
        expected = still["expected_date"].where(still["expected_date"] > t0, t0)
        parts.append(pd.DataFrame({
            "po_number": still["po_number"], "supplier": still["supplier"], "sku": still["sku"],
            "order_date": still["order_date"], "quantity": owed[still.index],
            "sellable_date": expected + pd.Timedelta(days=dock)}))
    if "on_hold" in inventory and len(inventory):
        held = inventory[pd.to_numeric(inventory["on_hold"]).fillna(0) > 0]
        release = pd.to_datetime(held["hold_release_date"]).fillna(
            t0 + pd.Timedelta(days=hold_days))
        parts.append(pd.DataFrame({
            "po_number": "on hold", "supplier": "", "sku": held["sku"], "order_date": t0,
            "quantity": pd.to_numeric(held["on_hold"]).astype(float),
            "sellable_date": release.where(release > t0, t0 + pd.Timedelta(days=1))}))
    if not parts:
        return _empty_orders()
    book = pd.concat(parts, ignore_index=True)
    book = book[book["quantity"] > 0]
    sellable = pd.to_datetime(book["sellable_date"])
    return pd.DataFrame({
        "po_number": book["po_number"].astype(str).to_numpy(object),
        "supplier": book["supplier"].fillna("").astype(str).to_numpy(object),
        "sku_index": pd.Index(skus).get_indexer(book["sku"]),
        "order_date": pd.to_datetime(book["order_date"]).to_numpy(),
        "quantity": book["quantity"].to_numpy(float),
        "dock_date": (sellable - pd.Timedelta(days=dock)).to_numpy(),
        "sellable_date": sellable.to_numpy(),
        "sellable_day": ((sellable - t0) / pd.Timedelta(days=1)).to_numpy(float).astype(int),
        "unit_cost": np.nan, "value": np.nan, "placed": False})


def _backlog_on(base: PlanningData, start: dt.date, skus: list[str]) -> np.ndarray:
    """Units owed to customers on ``start``: the open order lines ordered by then."""
    lines = base.backorders
    if not len(lines):
        return np.zeros(len(skus))
    lines = lines[lines["order_date"] <= pd.Timestamp(start)]
    return lines.groupby("sku")["quantity"].sum().reindex(skus).fillna(0.0).to_numpy(float)


def _data_for_review(base: PlanningData, day: dt.date, skus: list[str], stock: np.ndarray,
                     backlog: np.ndarray, book: pd.DataFrame, dock: int) -> PlanningData:
    """The data known on ``day`` (data_as_of), with the simulation's stock, open orders and
    backlog in place of the real ones; the planner's forecast overrides kept (settings and
    overrides in force are today's)."""
    past = data_as_of(base, day)
    cut = pd.Timestamp(day)
    inventory = pd.DataFrame({
        "sku": skus, "location": "", "on_hand": np.round(stock).astype(int), "on_hold": 0,
        "hold_release_date": pd.Series(pd.NaT, index=range(len(skus)),
                                       dtype="datetime64[ns]")})
    po = past.po_lines
    # the real lines only as lead-time history (received or cancelled by then), never as supply
    history = po[po["received_date"].notna() | (po["status"].fillna("") == "cancelled")].copy() \
        if len(po) else po.copy()
    if len(history):
        history.loc[history["status"].fillna("") != "cancelled", "status"] = "received"
    coming = book[book["sellable_date"] > cut]
    coming = coming[coming["po_number"] != "on hold"]
    open_lines = pd.DataFrame({
        "po_number": coming["po_number"].to_numpy(object),
        "sku": [skus[k] for k in coming["sku_index"]],
        "supplier": coming["supplier"].to_numpy(object),
        "order_date": coming["order_date"].to_numpy(),
        "quantity": coming["quantity"].round().astype(int).to_numpy(),
        "expected_date": coming["dock_date"].to_numpy(),
        "received_quantity": 0, "received_date": pd.NaT, "status": "open",
        "unit_cost": coming["unit_cost"].to_numpy(float),
        "confirmed_quantity": np.nan, "confirmed_date": pd.NaT})
    open_lines["ordered_quantity"] = open_lines["quantity"]
    open_lines["ordered_expected_date"] = open_lines["expected_date"]
    for column in ("received_date", "confirmed_date"):
        open_lines[column] = pd.to_datetime(open_lines[column])
    po_lines = pd.concat([history, open_lines], ignore_index=True) if len(history) \
        else open_lines
    owed = np.round(backlog).astype(int)
    has = owed > 0
    backorders = pd.DataFrame({
        "order_id": [f"replay backlog {s}" for s in np.asarray(skus, dtype=object)[has]],
        "sku": np.asarray(skus, dtype=object)[has], "quantity": owed[has],
        "order_date": cut, "promised_date": pd.NaT,
        "unit_price": np.nan, "priority": np.nan, "customer": ""})
    held = book[(book["po_number"] == "on hold") & (book["sellable_date"] > cut)]
    if len(held):
        extra = pd.DataFrame({"sku": [skus[k] for k in held["sku_index"]], "location": "",
                              "on_hand": 0, "on_hold": held["quantity"].round().astype(int)
                              .to_numpy(), "hold_release_date": held["sellable_date"]
                              .to_numpy()})
        inventory = pd.concat([inventory, extra], ignore_index=True)
    backorders = backorders.astype({"order_date": "datetime64[ns]",
                                    "promised_date": "datetime64[ns]"})
    return replace(past, inventory=_with_columns_of(inventory, past.inventory),
                   po_lines=_with_columns_of(po_lines, past.po_lines),
                   backorders=_with_columns_of(backorders, past.backorders),
                   overrides=base.overrides, bundle_lines=base.bundle_lines.iloc[0:0])


def _with_columns_of(frame: pd.DataFrame, like: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with every column ``like`` has (missing ones empty), so the plan reads the
    simulation's rows as it reads the workspace's."""
    missing = [c for c in like.columns if c not in frame.columns]
    if not missing:
        return frame
    out = frame.reindex(columns=[*frame.columns, *missing])
    for column in missing:
        if like[column].dtype.kind == "M":
            out[column] = pd.to_datetime(out[column])
    return out


def _orders_due(suggestions: list[dict[str, Any]], day: dt.date, skus: list[str],
                lead: np.ndarray, dock: int, cost: np.ndarray,
                start: pd.Timestamp) -> tuple[pd.DataFrame, int]:
    """The plan's suggestions due on ``day`` (order date on or before it), placed that day:
    quantity as suggested, at the dock after the real lead time, sellable dock-to-stock later;
    and how many orders (supplier and date) that is."""
    rows: list[tuple[str, str, str, float]] = []
    count = 0
    for n, suggestion in enumerate(suggestions):
        if dt.date.fromisoformat(str(suggestion["order_date"])[:10]) > day:
            continue
        lines = [(str(line["sku"]), float(line["quantity"])) for line in suggestion["lines"]
                 if float(line["quantity"]) > 0]
        if lines:
            count += 1
        number = SIMULATED_PO.format(date=day.isoformat(), n=n + 1)
        rows += [(number, str(suggestion["supplier"]), sku, qty) for sku, qty in lines]
    if not rows:
        return _empty_orders(), 0
    frame = pd.DataFrame(rows, columns=["po_number", "supplier", "sku", "quantity"])
    index = pd.Index(skus).get_indexer(frame["sku"])
    frame = frame[index >= 0]
    index = index[index >= 0]
    t = pd.Timestamp(day)
    dock_date = t + pd.to_timedelta(lead[index], unit="D")
    sellable = dock_date + pd.Timedelta(days=dock)
    return pd.DataFrame({
        "po_number": frame["po_number"].to_numpy(object),
        "supplier": frame["supplier"].to_numpy(object), "sku_index": index,
        "order_date": t, "quantity": frame["quantity"].to_numpy(float),
        "dock_date": dock_date, "sellable_date": sellable,
        "sellable_day": ((sellable - start) / pd.Timedelta(days=1)).to_numpy(float).astype(int),
        "unit_cost": cost[index],
        "value": frame["quantity"].to_numpy(float) * cost[index], "placed": True,
    }), count


def _real_orders(base: PlanningData, start: dt.date,
                 end: dt.date) -> tuple[pd.DataFrame | None, list[str]]:
    """The PO lines the buyer really ordered in the span (not cancelled), or None with a note."""
    po = base.po_lines
    if not len(po) or po["order_date"].isna().all():
        return None, ["orders_placed and order_value: the workspace's purchase orders carry no "
                      "order dates, so the orders really placed in the span are unknown"]
    chosen = po[(po["order_date"] >= pd.Timestamp(start)) & (po["order_date"] < pd.Timestamp(end))
                & (po["status"].fillna("") != "cancelled")]
    notes = ["order_value (actual and simulated) is at today's landed unit cost, so the two "
             "compare quantities, not prices"]
    return chosen, notes


def _actual_notes(counts: np.ndarray, stock_known: bool) -> list[str]:
    """How the real figures were read from the history, in words."""
    if not stock_known:
        return ["stockout_days, units_short, fill_rate, cycle_service_level, average_stock and "
                "average_stock_value (actual): the workspace has no dated stock count, so the "
                "real stock is unknown and they are null"]
    taken = int((~np.isnan(counts)).any(axis=0).sum()) if counts.size else 0
    return [f"the actual stock path is rebuilt day by day from the stock on --from, the real "
            f"PO receipts and the sales, and set to each of the {taken} stock counts in the "
            "span; units_short and fill_rate (actual) are the sales that rebuilt stock could "
            "not cover (sales are recorded at order date, shipped or not), so they are "
            "estimates"]


def _real_receipts(po_lines: pd.DataFrame, skus: list[str], start: pd.Timestamp,
                   n_days: int) -> np.ndarray:
    """(n_skus, n_days) units the buyer really received on each day of the span."""
    if not len(po_lines):
        return np.zeros((len(skus), n_days))
    got = po_lines[po_lines["received_date"].notna()]
    day = ((got["received_date"] - start) / pd.Timedelta(days=1)).to_numpy(float).astype(int)
    rows = pd.Index(skus).get_indexer(got["sku"])
    keep = rows >= 0
    return sim.arrivals_between(rows[keep], day[keep],
                                pd.to_numeric(got["received_quantity"]).fillna(0.0)
                                .to_numpy(float)[keep], len(skus), 1, n_days)


def _starting_stock(base: PlanningData, start: dt.date, on_hand_start: pd.DataFrame,
                    skus: list[str], counts: np.ndarray, receipts: np.ndarray,
                    demand: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """The stock on ``start``: the count known that day (with receipts since), else the first
    count after it less what was received and plus what sold in between; and a note."""
    history = base.stock_history
    before = history is not None and bool((history["snapshot_date"]
                                           <= pd.Timestamp(start)).any())
    if before:
        stock = on_hand_start.groupby("sku")["on_hand"].sum().reindex(skus).fillna(0.0)
        return np.maximum(stock.to_numpy(float), 0.0), []
    taken = np.flatnonzero((~np.isnan(counts)).any(axis=0)) if counts.size else []
    if not len(taken):
        return np.zeros(len(skus)), [
            "no stock count is dated on or before --from or in the span: the replay starts "
            "from no stock"]
    first = int(taken[0])
    day = (start + dt.timedelta(days=first + 1)).isoformat()
    return sim.stock_before(counts[:, first], receipts[:, :first + 1].sum(axis=1),
                            demand[:, :first + 1].sum(axis=1)), [
        f"no stock count is dated on or before --from: the stock on --from is the count of "
        f"{day} less the receipts and plus the sales in between"]


def _settings_note(settings: dict[str, Any], every: int) -> str:
    return ("Every review was planned with the settings in force now (service level "
            f"{settings['service_level']} {settings['service_level_type']}, review period "
            f"{settings['review_period_days']} days, dock to stock "
            f"{settings['dock_to_stock_days']} days, horizon {settings['horizon_days']} days), "
            "today's products, suppliers and forecast overrides, and only the sales, stock and "
            f"purchase orders known on each review date; reviews every {every} days.")


def _number(value: Any, digits: int = 0) -> str:
    return "unknown" if value is None else f"{value:,.{digits}f}"


def replay_summary(result: ReplayResult) -> str:
    """Plain words: what following the plan did against what happened."""
    days = (result.end - result.start).days
    span = f"{days // 7} weeks" if days % 7 == 0 else f"{days} days"
    sim_, act = result.overall, result.actual_overall
    text = (f"over the {span} from {result.start.isoformat()} to {result.end.isoformat()}, "
            f"following the plan: {_number(sim_['stockout_days'])} stockout days")
    if act["stockout_days"] is not None:
        text += f" instead of {_number(act['stockout_days'])}"
    simulated_value, real_value = sim_["average_stock_value"], act["average_stock_value"]
    if simulated_value is not None and real_value:
        change = (simulated_value - real_value) / real_value * 100
        text += f", {abs(change):.0f} % {'less' if change <= 0 else 'more'} stock"
    text += (f"; fill rate {_percent(sim_['fill_rate'])}, {sim_['orders_placed']} orders worth "
             f"{_number(sim_['order_value'], 2)}")
    if act["orders_placed"] is not None:
        text += (f" (the buyer placed {act['orders_placed']} worth "
                 f"{_number(act['order_value'], 2)})")
    return text


def _percent(value: float | None) -> str:
    return "unknown" if value is None else f"{value * 100:.1f} %"


def replay_to_json(result: ReplayResult) -> dict[str, Any]:
    """The `planner replay --json` document (docs/reference.md)."""
    def rows(frame: pd.DataFrame) -> list[dict[str, Any]]:
        return [_json_ready(r, 4) for r in frame.to_dict(orient="records")]

    orders = result.orders.assign(
        order_date=result.orders["order_date"].dt.strftime("%Y-%m-%d"),
        dock_date=result.orders["dock_date"].dt.strftime("%Y-%m-%d"),
        sellable_date=result.orders["sellable_date"].dt.strftime("%Y-%m-%d"))
    return {
        "from": result.start.isoformat(), "to": result.end.isoformat(),
        "every_days": result.every,
        "review_dates": [d.isoformat() for d in result.review_dates],
        "summary": result.summary, "settings_note": result.settings_note,
        "settings": _json_ready(result.settings),
        "overall": _json_ready(result.overall, 4),
        "skus": rows(result.skus),
        "actual": {"overall": _json_ready(result.actual_overall, 4),
                   "skus": rows(result.actual_skus)},
        "notes": result.notes,
        "orders": rows(orders.drop(columns=["placed"], errors="ignore")),
    }
