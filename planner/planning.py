"""The one path from a workspace to a plan: load frames from the store, run the engine."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd
from sqlite_utils import Database

from planner import clock
from planner.engine.budget import budget_by_month  # noqa: F401
from planner.engine.bundles import (
    bundle_sku_rows,
    bundle_skus,
    collapse_bundle_lines,
    explode_backorders,
    explode_demand,
    flatten_bundles,
)
from planner.engine.catalog import ABC_CUTS, XYZ_CUTS, tied_up_stock  # noqa: F401
from planner.engine.forecasting.accuracy import OVERALL as ACCURACY_OVERALL  # noqa: F401
from planner.engine.landed import missing_rate_warning, product_costs, supplier_costs
from planner.engine.lead_time import (  # noqa: F401 (the SKU page says how they are used)
    LEARNED_LEAD_TIME_RANGE,
    MIN_RECEIVED_LINES_TO_LEARN,
    effective_lead_times,
    learn_supplier_lead_times,
    stated_lead_times,
)
from planner.engine.price_breaks import break_table  # noqa: F401
from planner.engine.whatif import POChange, ProjectionInputs, WhatIfSession  # noqa: F401
from planner.store.importers.ranges import clear_unplannable
from planner.store.settings import GLOBAL_MODEL_WEIGHTS, load_settings


@dataclass
class PlanningData:
    """Everything the engine needs, as plain frames (see docs/architecture.md)."""

    as_of: dt.date
    settings: dict[str, Any]
    products: pd.DataFrame
    suppliers: pd.DataFrame
    daily_demand: pd.DataFrame
    inventory: pd.DataFrame
    po_lines: pd.DataFrame
    backorders: pd.DataFrame
    overrides: pd.DataFrame
    #: bundle_sku, component_sku, quantity: each bundle's leaf components (engine/bundles.py)
    bundles: pd.DataFrame = field(default_factory=pd.DataFrame)
    #: the open order lines of bundles as imported (``backorders`` holds their components)
    bundle_lines: pd.DataFrame = field(default_factory=pd.DataFrame)
    #: input the plan leaves out or doubts, as ``{kind, count, message}`` (see ignored_after_as_of)
    warnings: list[dict[str, Any]] = field(default_factory=list)
    #: sku, snapshot_date, on_hand (summed over locations): every snapshot on or before as_of
    stock_history: pd.DataFrame | None = None
    #: the events table as stored (name, start_date, end_date, sku, supplier, uplift_pct, ...)
    events: pd.DataFrame | None = None
    #: currency, rate, date ('' = from the beginning): every stored exchange rate
    fx_rates: pd.DataFrame = field(default_factory=pd.DataFrame)
    #: sku, supplier ('' = any), min_quantity, unit_cost (supplier's currency)
    price_breaks: pd.DataFrame = field(default_factory=pd.DataFrame)


def _dates(frame: pd.DataFrame, *columns: str) -> pd.DataFrame:
    """Parse ISO date text columns; each distinct date is parsed once (years of rows share a few
    hundred dates)."""
    for column in columns:
        codes, uniques = pd.factorize(frame[column], use_na_sentinel=True)
        parsed = pd.to_datetime(pd.Series(uniques, dtype=object), format="%Y-%m-%d",
                                errors="coerce").to_numpy("datetime64[ns]")
        values = np.full(len(codes), np.datetime64("NaT"), dtype="datetime64[ns]")
        found = codes >= 0
        values[found] = parsed[codes[found]]
        frame[column] = values
    return frame


def _read(db: Database, sql: str, params: list[Any] | None = None) -> pd.DataFrame:
    return pd.read_sql_query(sql, db.conn, params=params or [])


def load_planning_data(db: Database, as_of: dt.date | None = None) -> PlanningData:
    """Read a workspace's planning frames as of a date (later-dated data is left out)."""
    as_of = as_of or clock.today()
    iso = as_of.isoformat()
    settings = load_settings(db)

    suppliers = _read(db, "SELECT supplier, email, lead_time_days, lead_time_std_days, "
                          "min_order_value, currency, contact, address, order_cycle_days, "
                          "freight_pct, duty_pct, container_m3, max_weight_kg FROM suppliers")
    unplannable = clear_unplannable(suppliers, "suppliers", "supplier")  # issue 18, item 6
    fx_rates = _read(db, "SELECT currency, rate, date FROM fx_rates")
    price_breaks = _read(db, "SELECT sku, supplier, min_quantity, unit_cost FROM price_breaks "
                             "ORDER BY sku, supplier, min_quantity")
    suppliers = supplier_costs(suppliers, fx_rates, as_of=as_of,
                               currency=str(settings["currency"]))
    products = _read(db, "SELECT * FROM products ORDER BY sku")
    unplannable += clear_unplannable(products, "products", "sku")
    for column in ("made_to_order", "active"):
        products[column] = products[column].astype(bool)
    products = stated_lead_times(products, suppliers,
                                 default_days=float(settings["default_lead_time_days"]))
    products["service_level_own"] = products["service_level"].notna()
    products["service_level"] = products["service_level"].fillna(
        float(settings["service_level"])).astype(float)
    products["moq"] = products["moq"].fillna(0).astype(int)
    products["case_pack"] = products["case_pack"].fillna(1).astype(int)
    products["unit_cost"] = products["unit_cost"].astype(float)
    products["unit_price"] = products["unit_price"].astype(float)
    # currency, fx_rate, landed_factor and landed_unit_cost (workspace currency; NaN: no rate)
    products = product_costs(products, suppliers, currency=str(settings["currency"]))

    daily_demand = _dates(_read(db, "SELECT sku, date, quantity FROM daily_demand WHERE date <= ?",
                                [iso]), "date")
    inventory, stock_history = _stock_as_of(db, iso)
    inventory = with_receipts_since_snapshot(db, inventory, as_of)
    po_lines = _dates(_read(db, """
        SELECT l.po_number, l.sku, COALESCE(h.supplier, p.supplier) AS supplier, h.order_date,
               l.quantity, l.expected_date, l.received_quantity, l.received_date, l.status,
               COALESCE(l.unit_cost, p.unit_cost) AS unit_cost,
               l.confirmed_quantity, l.confirmed_date
        FROM po_lines l JOIN purchase_orders h USING (po_number)
        LEFT JOIN products p ON p.sku = l.sku
        WHERE h.order_date IS NULL OR h.order_date <= ?""", [iso]),
        "order_date", "expected_date", "received_date", "confirmed_date")
    po_lines = supplier_confirmed(po_lines)
    # A receipt dated after as_of has not happened yet as far as this plan is concerned.
    future_receipt = po_lines["received_date"] > pd.Timestamp(as_of)
    po_lines.loc[future_receipt, ["received_quantity"]] = 0
    po_lines.loc[future_receipt, "received_date"] = pd.NaT
    po_lines.loc[future_receipt & (po_lines["status"] == "received"), "status"] = "open"

    backorders = _dates(_read(db, """
        SELECT b.order_id, b.sku, b.quantity, b.order_date, b.promised_date,
               COALESCE(b.unit_price, p.unit_price) AS unit_price, b.priority, b.customer
        FROM backorders b LEFT JOIN products p USING (sku)
        WHERE b.order_date <= ?""", [iso]), "order_date", "promised_date")
    overrides = _dates(_read(db, "SELECT * FROM forecast_overrides"), "start_date", "end_date")
    # bundles: their sales and open lines become demand on their components (engine/bundles.py)
    bundles = flatten_bundles(_read(db, "SELECT bundle_sku, component_sku, quantity FROM bundles")
                              if db["bundles"].exists() else pd.DataFrame())
    daily_demand = explode_demand(daily_demand, bundles)
    backorders, bundle_lines = explode_backorders(backorders, bundles, products)
    warnings = ignored_after_as_of(db, as_of, future_receipts=int(future_receipt.sum()))
    warnings.extend(unplannable)
    doubtful = count_day_warning(db, as_of)  # issue 23, item 1
    if doubtful:
        warnings.append(doubtful)
    no_rate = missing_rate_warning(suppliers, products, str(settings["currency"]))
    if no_rate:
        warnings.append(no_rate)
    data_events = _read(db, "SELECT * FROM events") if db["events"].exists() else None
    return PlanningData(stock_history=stock_history, events=data_events,
                        bundles=bundles, bundle_lines=bundle_lines,
                        as_of=as_of, settings=settings, products=products, suppliers=suppliers,
                        daily_demand=daily_demand, inventory=inventory, po_lines=po_lines,
                        backorders=backorders, overrides=overrides, warnings=warnings,
                        fx_rates=fx_rates, price_breaks=price_breaks)


def supplier_confirmed(po_lines: pd.DataFrame) -> pd.DataFrame:
    """PO lines as the supplier confirmed them: a confirmed quantity or date replaces the ordered
    one (kept as ``ordered_quantity`` / ``ordered_expected_date``) in everything planned."""
    po_lines["ordered_quantity"] = po_lines["quantity"]
    po_lines["ordered_expected_date"] = po_lines["expected_date"]
    confirmed_quantity = pd.to_numeric(po_lines["confirmed_quantity"], errors="coerce")
    po_lines["quantity"] = confirmed_quantity.fillna(po_lines["quantity"]).astype(
        po_lines["quantity"].dtype)
    po_lines["expected_date"] = po_lines["confirmed_date"].fillna(po_lines["expected_date"])
    return po_lines


#: the location of on-hand units received after the stock count (see po_life.py's stock rule)
RECEIVED_SINCE_COUNT = "received since the stock count"


def with_receipts_since_snapshot(db: Database, inventory: pd.DataFrame,
                                 as_of: dt.date) -> pd.DataFrame:
    """The stock plus what PO receipts recorded after its count (and dated on or before as-of)
    added: a receipt whose moment is not after the count's is held by the count."""
    from planner.store.po_life import received_since_snapshot

    if not db["po_receipts"].exists():
        return inventory
    received = received_since_snapshot(db, as_of)  # by moments: see po_life.py's stock rule
    if received.empty:
        return inventory
    extra = pd.DataFrame({"sku": received["sku"], "location": RECEIVED_SINCE_COUNT,
                          "on_hand": received["quantity"].astype(int), "on_hold": 0,
                          "hold_release_date": pd.NaT})
    return pd.concat([inventory, extra.astype({"hold_release_date": "datetime64[ns]"})],
                     ignore_index=True)


#: the warning kind of receipts on the count's day that the count holds by convention only
COUNT_DAY_RECEIPTS = "receipt_on_count_day"


def count_day_warning(db: Database, as_of: dt.date) -> dict[str, Any] | None:
    """A warning for the receipts dated the day of the current stock count that the rule of
    moments puts in the count where the data cannot tell (a file's date without a time, a count
    file with a date only); the buyer can say "not in the count"."""
    from planner.store.po_life import count_day_receipts

    if not db["po_receipts"].exists():
        return None
    doubtful = count_day_receipts(db, as_of)
    if doubtful.empty:
        return None
    day = str(doubtful["received_date"].iloc[0])
    lines = (doubtful["po_number"] + " / " + doubtful["sku"]).drop_duplicates().tolist()
    shown = ", ".join(lines[:5]) + (f" and {len(lines) - 5:,} more" if len(lines) > 5 else "")
    units = int(doubtful["quantity"].sum())
    return {"kind": COUNT_DAY_RECEIPTS, "count": len(doubtful),
            "message": f"{_plural(len(doubtful), 'receipt')} ({_plural(units, 'unit')}: {shown}) "
                       f"dated {day}, the day of the stock count, taken as in the count; if "
                       "they came in after it, mark them 'not in the count' (Purchase orders "
                       "page, or `planner receive PATH PO --sku SKU --not-in-count`)"}


def _stock_as_of(db: Database, iso: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The current stock (the newest snapshot on or before as-of) and the stock history (every
    snapshot up to then, per SKU summed over locations; a SKU missing from a snapshot had none)."""
    current = _dates(_read(db, """
        SELECT sku, location, on_hand, on_hold, hold_release_date FROM inventory
        WHERE snapshot_date = (SELECT max(snapshot_date) FROM inventory WHERE snapshot_date <= ?)
        """, [iso]), "hold_release_date")
    sparse = _read(db, """
        SELECT snapshot_date, sku, SUM(on_hand) AS on_hand FROM inventory
        WHERE snapshot_date <= ? GROUP BY snapshot_date, sku""", [iso])
    # every (snapshot, SKU) pair: a SKU missing from a snapshot had none (densified here, as a
    # SQL cross join of snapshots and SKUs took seconds at 10,000 SKUs)
    full = pd.MultiIndex.from_product(
        [np.sort(sparse["snapshot_date"].unique()), np.sort(sparse["sku"].unique())],
        names=["snapshot_date", "sku"])
    history = (sparse.set_index(["snapshot_date", "sku"])["on_hand"].astype("int64")
               .reindex(full, fill_value=0).reset_index())
    history = _dates(history, "snapshot_date")
    return current, history


def _plural(count: int, one: str, many: str | None = None) -> str:
    return f"{count:,} {one if count == 1 else (many or one + 's')}"


def ignored_after_as_of(db: Database, as_of: dt.date, *,
                        future_receipts: int = 0) -> list[dict[str, Any]]:
    """What a plan as of ``as_of`` leaves out because it is dated later, one warning per kind.

    The as-of date is the last day of known data: later rows are kept in the workspace and used by
    a later plan, never silently (the plan JSON lists them, the CLI and the app say so).
    """
    iso = as_of.isoformat()
    day = as_of.strftime("%Y-%m-%d")
    found: list[dict[str, Any]] = []

    def add(kind: str, count: int, message: str) -> None:
        if count:
            found.append({"kind": kind, "count": int(count), "message": message})

    po_lines, pos = db.execute(
        "SELECT COUNT(*), COUNT(DISTINCT po_number) FROM po_lines JOIN purchase_orders h "
        "USING (po_number) WHERE h.order_date > ?", [iso]).fetchone()
    add("po_ordered_after_as_of", po_lines,
        f"{_plural(po_lines, 'PO line')} of {_plural(pos, 'purchase order')} ordered after "
        f"{day} left out of supply")
    add("receipt_after_as_of", future_receipts,
        f"{_plural(future_receipts, 'PO receipt')} dated after {day} treated as not yet received")
    backorders = db.execute("SELECT COUNT(*) FROM backorders WHERE order_date > ?",
                            [iso]).fetchone()[0]
    add("backorder_after_as_of", backorders,
        f"{_plural(backorders, 'open order line')} ordered after {day} left out of the "
        "backorder queue")
    sales_days, units = db.execute(
        "SELECT COUNT(*), COALESCE(SUM(quantity), 0) FROM daily_demand WHERE date > ?",
        [iso]).fetchone()
    add("sales_after_as_of", sales_days,
        f"{_plural(int(units), 'unit')} of sales on {_plural(sales_days, 'SKU-day')} after "
        f"{day} left out of the demand history")
    snapshots, stock_rows = db.execute(
        "SELECT COUNT(DISTINCT snapshot_date), COUNT(*) FROM inventory WHERE snapshot_date > ?",
        [iso]).fetchone()
    current = db.execute("SELECT max(snapshot_date) FROM inventory WHERE snapshot_date <= ?",
                         [iso]).fetchone()[0]
    used = (f"the stock is the snapshot of {current}" if current
            else "no snapshot is dated on or before it, so the plan has no stock on hand")
    add("inventory_snapshot_after_as_of", stock_rows,
        f"{_plural(snapshots, 'inventory snapshot')} ({_plural(stock_rows, 'row')}) dated after "
        f"{day} left out; {used}")
    return found


def warnings_summary(warnings: list[dict[str, Any]]) -> str:
    """One line for a terminal or a banner: every warning's message, joined."""
    return "; ".join(w["message"] for w in warnings)


@dataclass
class PlanResult:
    """A complete plan for one as-of date: what the CLI prints, the app shows and the PDFs carry."""

    as_of: dt.date
    settings: dict[str, Any]
    #: one row per active SKU: the spec's plan columns plus name, supplier, unit_cost, unit_price,
    #: made_to_order, demand_class, backtest_mase, lead_time_std_days, below_reorder_point, ...
    skus: pd.DataFrame
    #: long: sku, week_start, forecast, lower, upper
    forecast_weekly: pd.DataFrame
    #: long: sku, week_start, quantity
    history_weekly: pd.DataFrame
    #: one row per open order line, the spec's backorder fields plus flags
    backorder_lines: pd.DataFrame
    #: one row per day: date, existing_units, existing_value, new_units, new_value, total_units, total_value
    book: pd.DataFrame
    #: index sku, columns dates: projected sellable stock at end of day (no new orders)
    projected_on_hand: pd.DataFrame
    #: index sku, columns dates: projected new backorders open at end of day
    projected_new_backorders: pd.DataFrame
    #: one per supplier and order date (spec shape); lines carry name, why, rounding notes, cases
    purchase_suggestions: list[dict[str, Any]]
    #: open PO lines with arrival (sellable) date and overdue flag
    open_po_lines: pd.DataFrame
    #: suppliers with learned lead time and lateness
    suppliers: pd.DataFrame
    #: multi-line orders: ship partial now vs hold
    orders: pd.DataFrame
    kpis: dict[str, Any]
    #: index sku, columns dates as_of+1 …: the daily forecast the projection used (for what-if)
    demand_daily: pd.DataFrame | None = None
    #: input the plan left out or doubted: ``{kind, count, message}`` (spec: plan ``warnings``)
    warnings: list[dict[str, Any]] = field(default_factory=list)
    #: month-by-month suggested spend against purchase_budget_per_month, and the moved lines
    budget: dict[str, Any] = field(default_factory=dict)


#: told the fraction done (0 to 1) and what is running
ProgressFn = Callable[[float, str], None]
Progress = ProgressFn | None


def _report(progress: Progress, fraction: float, what: str) -> None:
    if progress is not None:
        progress(fraction, what)


def lead_time_warnings(learned: pd.DataFrame) -> list[dict[str, Any]]:
    """A warning naming the suppliers whose receipts were not learned from (impossible dates,
    outliers), or none."""
    if learned is None or learned.empty or "ignored_receipts" not in learned:
        return []
    ignored = learned["ignored_receipts"].fillna(0).astype(int)
    ignored = ignored[ignored > 0]
    if ignored.empty:
        return []
    names = ", ".join(f"{name or '(no supplier)'} ({count})" for name, count in ignored.items())
    count = int(ignored.sum())
    return [{"kind": "receipt_ignored_for_lead_time", "count": count,
             "message": f"{_plural(count, 'PO receipt')} not used to learn lead times (received "
                        f"before ordered, or far from the supplier's other receipts): {names}"}]


def _shift_to_day0(daily: pd.DataFrame, skus: list[str], as_of: dt.date, horizon_days: int) -> np.ndarray:
    """Forecast frame (columns as_of+1 …) as an (n_skus, horizon_days) array with day 0 = as_of."""
    dates = pd.date_range(pd.Timestamp(as_of), periods=horizon_days, freq="D")
    frame = daily.reindex(index=skus, columns=dates).fillna(0.0)
    matrix = frame.to_numpy(dtype=float)
    matrix[:, 0] = 0.0
    return matrix


def _iso(value: Any) -> str | None:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    return pd.Timestamp(value).date().isoformat()


def active_products(data: PlanningData,
                    po_lines: pd.DataFrame | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Suppliers' learned lead times, and the active products with their effective lead times."""
    learned = learn_supplier_lead_times(data.po_lines if po_lines is None else po_lines,
                                        as_of=data.as_of)
    kits = bundle_skus(data.bundles)  # bundles are planned as their components
    active = data.products[data.products["active"] & ~data.products["sku"].isin(kits)
                           ].reset_index(drop=True)
    return learned, effective_lead_times(active, learned)


def forecast_active(data: PlanningData, products: pd.DataFrame, *, horizon_days: int) -> Any:
    """The demand forecast for ``products`` (from active_products) over ``horizon_days``."""
    from planner.engine.forecast import forecast_demand

    by_sku = products.set_index("sku")
    return forecast_demand(
        data.daily_demand, as_of=data.as_of, horizon_days=horizon_days,
        skus=by_sku.index.tolist(), lead_time_days=by_sku["lead_time_days"],
        review_period_days=int(data.settings["review_period_days"]),
        groups=by_sku["supplier"], made_to_order=by_sku["made_to_order"],
        overrides=data.overrides,
        global_model=GLOBAL_MODEL_WEIGHTS.get(
            str(data.settings.get("forecast_global_model", "off")), False),
        prices=by_sku["unit_price"] if "unit_price" in by_sku else None,
        **forecast_inputs(data))


def forecast_inputs(data: PlanningData) -> dict[str, Any]:
    """What the forecast needs besides demand: the days with nothing to sell (stock history,
    SKUs that take backorders sell when out), events per SKU and like-SKU references."""
    from planner.engine.forecasting import adjust

    products = data.products
    takes_backorders = (set(products.loc[products["made_to_order"], "sku"])
                        | set(data.backorders["sku"]))
    missing = adjust.missing_days(data.daily_demand, data.stock_history, data.as_of,
                                  takes_backorders=takes_backorders, receipts=data.po_lines)
    like = None
    if "like_sku" in products:
        like = products.loc[products["like_sku"].notna(), ["sku", "like_sku", "like_factor"]]
    return {"missing_days": missing, "events": adjust.event_rows(data.events, products),
            "like": like}


#: weeks held out by default when scoring the forecast (a quarter; the acceptance peak window)
ACCURACY_WEEKS = 13


def data_as_of(data: PlanningData, origin: dt.date) -> PlanningData:
    """The same workspace as it stood at an earlier ``origin``: demand, stock history and POs
    dated after it are left out (for a holdout; products and settings are today's)."""
    cut = pd.Timestamp(origin)
    stock = data.stock_history
    if stock is not None and len(stock):
        stock = stock[stock["snapshot_date"] <= cut]
    po = data.po_lines
    if len(po):
        po = po[po["order_date"].isna() | (po["order_date"] <= cut)].copy()
        later = po["received_date"] > cut
        po.loc[later, "received_quantity"] = 0
        po.loc[later, "received_date"] = pd.NaT
    return replace(data, as_of=origin, stock_history=stock, po_lines=po,
                   daily_demand=data.daily_demand[data.daily_demand["date"] <= cut],
                   overrides=data.overrides.iloc[0:0])


def forecast_accuracy(data: PlanningData, *, weeks: int = ACCURACY_WEEKS,
                      progress: Progress = None) -> Any:
    """Hold out the last ``weeks`` weeks: forecast as of as_of − weeks (the plan's forecast
    path on the history up to then, without manual overrides) and score it against what sold
    from then to as_of, per SKU and per demand class (engine/forecasting/accuracy.py)."""
    from planner.engine.forecasting.accuracy import empty_accuracy, holdout_accuracy

    weeks = max(int(weeks), 1)
    origin = data.as_of - dt.timedelta(days=7 * weeks)
    demand = data.daily_demand
    if not len(demand) or demand["date"].min() > pd.Timestamp(origin):
        first = "no sales at all" if not len(demand) else (
            f"the first sale is on {pd.Timestamp(demand['date'].min()).date().isoformat()}")
        return empty_accuracy(origin, data.as_of, weeks, (
            f"Too little history to score the forecast: it needs sales before "
            f"{origin.isoformat()} ({weeks} weeks before {data.as_of.isoformat()}) to forecast "
            f"from, and {first}."))
    _report(progress, 0.05, f"forecasting as of {origin.isoformat()}")
    past = data_as_of(data, origin)
    _, products = active_products(past)
    forecast = forecast_active(past, products, horizon_days=7 * weeks)
    _report(progress, 0.85, "comparing with what sold")
    result = holdout_accuracy(forecast.daily, forecast.models, demand, origin=origin,
                              weeks=weeks)
    _report(progress, 1.0, "done")
    return result


@dataclass(frozen=True)
class UpdateList:
    """What a customer update list holds: order lines, and the customers they belong to."""

    lines: int
    customers: int

    def __str__(self) -> str:
        """'198 order lines for 143 customers need a message'."""
        def count(n: int, word: str) -> str:
            return f"{n:,} {word}{'' if n == 1 else 's'}"
        verb = "needs" if self.customers == 1 else "need"
        return (f"{count(self.lines, 'order line')} for {count(self.customers, 'customer')} "
                f"{verb} a message")


def write_customer_updates(db: Database, plan: PlanResult, target: str) -> UpdateList:
    """Write the customers who need a message now as CSV (``-`` for standard output), then
    remember the dates quoted; returns how many lines and customers need a message."""
    import sys

    from planner.engine.projection import customer_updates
    from planner.exports import safe_csv_frame
    from planner.store.quotes import previous_quotes, remember_quotes

    updates = safe_csv_frame(customer_updates(plan.backorder_lines, previous_quotes(db),
                                              as_of=plan.as_of))
    if target == "-":
        updates.to_csv(sys.stdout, index=False, lineterminator="\n")
    else:
        from planner.exports import match_workspace_mode, output_file
        from planner.store.workspace import workspace_file

        with output_file(target, mode=0o600) as out:
            updates.to_csv(out, index=False, lineterminator="\n")
        match_workspace_mode(target, workspace_file(db))
    remember_quotes(db, plan.backorder_lines, as_of=plan.as_of)
    # a line without a customer's name is one customer of its own (its order's)
    who = updates["customer"].where(updates["customer"].notna(), "#" + updates["order_id"])
    return UpdateList(lines=len(updates), customers=int(who.nunique()))


def projection_inputs(data: PlanningData, *, products: pd.DataFrame,
                      demand_daily: pd.DataFrame | None, po_lines: pd.DataFrame | None = None,
                      lateness_days: pd.Series | None = None) -> ProjectionInputs:
    """What one backorder projection of these products needs, from the workspace's frames and
    settings: the plan and every what-if are projected from the same inputs."""
    settings = data.settings
    active = set(products["sku"].astype(str))
    return ProjectionInputs(
        as_of=data.as_of, horizon_days=int(settings["horizon_days"]),
        inventory=data.inventory, po_lines=data.po_lines if po_lines is None else po_lines,
        backorders=data.backorders[data.backorders["sku"].astype(str).isin(active)].copy(),
        products=products, demand_daily=demand_daily,
        dock_to_stock_days=int(settings["dock_to_stock_days"]),
        hold_release_days=int(settings["hold_release_days"]), lateness_days=lateness_days,
        cancel_rate_per_day=float(settings["cancel_rate_per_day"]),
        promise_buffer_days=int(settings["promise_buffer_days"]),
        split_shipment_cost=float(settings["split_shipment_cost"]))


def what_if_session(data: PlanningData, plan: PlanResult) -> WhatIfSession:
    """The plan's projection inputs indexed by SKU, for fast what-ifs on its PO lines."""
    products = plan.skus[["sku", "unit_price", "made_to_order", "lead_time_days"]]
    return WhatIfSession(projection_inputs(data, products=products,
                                           demand_daily=plan.demand_daily))


def run_plan(data: PlanningData, *, realistic: bool = False, progress: Progress = None,
             po_lines: pd.DataFrame | None = None) -> PlanResult:
    """Forecast, set policy, project the backorder queue and suggest purchases for every active SKU.

    ``po_lines`` replaces the workspace's PO lines (used by what-if); ``realistic`` shifts open POs
    by their supplier's learned lateness.
    """
    from planner.engine.containers import plan_containers
    from planner.engine.policy import expected_order_quantity, inventory_policy
    from planner.engine.purchasing import suggest_purchases
    from planner.engine.uncovered import explain_uncovered
    from planner.engine.whatif import project, supply_of

    settings = data.settings
    as_of = data.as_of
    horizon = int(settings["horizon_days"])
    review = int(settings["review_period_days"])
    dock = int(settings["dock_to_stock_days"])
    po = data.po_lines if po_lines is None else po_lines

    _report(progress, 0.02, "learning supplier lead times")
    learned, products = active_products(data, po)
    skus = products["sku"].tolist()
    by_sku = products.set_index("sku")

    _report(progress, 0.05, "forecasting demand")
    forecast = forecast_active(data, products, horizon_days=horizon)
    models = forecast.models.reindex(skus)
    health = demand_health(data, products)
    products = class_service_levels(products, health, settings)
    by_sku = products.set_index("sku")

    _report(progress, 0.55, "projecting supply and the backorder queue")
    lateness = None
    if realistic and not learned.empty:
        lateness = learned["lateness_days_mean"]
    inputs = projection_inputs(data, products=products, demand_daily=forecast.daily,
                               po_lines=po, lateness_days=lateness)
    supply = supply_of(inputs)
    backorders = inputs.backorders
    projection = project(inputs, supply)
    component_lines = projection.lines  # bundle lines still as their components
    projection = collapse_bundle_lines(
        projection, data.bundle_lines, as_of=as_of, horizon_days=horizon,
        products=data.products, cancel_rate_per_day=float(settings["cancel_rate_per_day"]),
        promise_buffer_days=int(settings["promise_buffer_days"]),
        split_shipment_cost=float(settings["split_shipment_cost"]))

    _report(progress, 0.70, "setting safety stock and reorder points")
    made_to_order = by_sku["made_to_order"].to_numpy(bool)
    demand_per_day = models["demand_per_day"].to_numpy(float)
    demand_std = models["demand_std_per_day"].to_numpy(float)
    # a supplier's order cycle is its SKUs' review period: protection interval = lead + cycle
    review_days = supplier_review_days(by_sku["supplier"], data.suppliers, review)
    share = demand_days_share(data.daily_demand, skus, as_of)
    lots = expected_order_quantity(demand_per_day, review_days, by_sku["moq"].to_numpy(float),
                                   by_sku["case_pack"].to_numpy(float))
    parts = []
    for period in np.unique(review_days).tolist():
        rows = np.flatnonzero(review_days == period)
        part = inventory_policy(
            expected_lot_units=lots[rows],
            demand_per_day=demand_per_day[rows], demand_std_per_day=demand_std[rows],
            # stock is sellable only after dock-to-stock: it is part of the replenishment lead time
            lead_time_days=by_sku["lead_time_days"].to_numpy(float)[rows] + dock,
            demand_days_share=share[rows],
            lead_time_std_days=by_sku["lead_time_std_days"].to_numpy(float)[rows],
            review_period_days=int(period),
            service_level=by_sku["service_level"].to_numpy(float)[rows],
            service_level_type=str(settings["service_level_type"]),
            demand_class=models["demand_class"].to_numpy(object)[rows])
        part.index = rows
        parts.append(part)
    policy = pd.concat(parts).sort_index() if parts else inventory_policy(
        demand_per_day=demand_per_day, demand_std_per_day=demand_std, lead_time_days=[],
        lead_time_std_days=[], review_period_days=review, service_level=[],
        service_level_type=str(settings["service_level_type"]))
    policy.index = pd.Index(skus, name="sku")

    _report(progress, 0.80, "suggesting purchases")
    inv = data.inventory.groupby("sku")[["on_hand", "on_hold"]].sum()
    on_hand = inv["on_hand"].reindex(skus).fillna(0).astype(int)
    on_hold = inv["on_hold"].reindex(skus).fillna(0).astype(int)
    open_supply = supply[supply["kind"] == "po"]
    on_order = open_supply.groupby("sku")["quantity"].sum().reindex(skus).fillna(0).astype(int)
    backordered = backorders.groupby("sku")["quantity"].sum().reindex(skus).fillna(0).astype(int)
    po_notes = _po_notes(open_supply, skus)
    plan_skus = pd.DataFrame({
        "sku": skus, "supplier": by_sku["supplier"].to_numpy(object),
        "unit_cost": by_sku["unit_cost"].fillna(0.0).to_numpy(float),
        "moq": by_sku["moq"].to_numpy(int), "case_pack": by_sku["case_pack"].to_numpy(int),
        "lead_time_days": by_sku["lead_time_days"].to_numpy(float),
        "reorder_point": policy["reorder_point"].to_numpy(float),
        "order_up_to": policy["order_up_to"].to_numpy(float),
        "made_to_order": made_to_order, "active": True,
        "demand_per_day": demand_per_day,
        "review_period_days": review_days,
        "landed_multiplier": by_sku["landed_multiplier"].to_numpy(float),
        "currency": by_sku["currency"].to_numpy(object),
    })
    walk_inputs: dict[str, Any] = dict(
        as_of=as_of, horizon_days=horizon, review_period_days=review, dock_to_stock_days=dock,
        skus=plan_skus,
        supply_daily=_supply_with_late_pos(supply, skus, as_of, horizon),
        backlog_units=backordered.to_numpy(float),
        demand_daily=_shift_to_day0(forecast.daily, skus, as_of, horizon),
        suppliers=data.suppliers, po_notes=po_notes, price_breaks=data.price_breaks,
        holding_cost_rate=float(settings["holding_cost_rate"]),
        currency=str(settings["currency"]))
    purchase = suggest_purchases(**walk_inputs)

    _report(progress, 0.92, "summing up")
    table = _sku_table(products, models, policy, purchase.by_sku, projection, on_hand, on_hold,
                       on_order, backordered, as_of)
    table = with_shortage(table, projection.shortage)
    suggestions = _enrich_suggestions(purchase.suggestions, purchase.lines, products, projection,
                                      queue=component_lines)
    table = with_catalog_health(table, health, _shift_to_day0(forecast.daily, skus, as_of,
                                                              horizon), settings, as_of)
    suggestions, budget, table = budget_suggestions(
        suggestions, table, projection, component_lines, settings, as_of,
        open_to_buy=OpenToBuyInputs(walk_inputs, products, po))
    suggestions = plan_containers(suggestions, skus=table, suppliers=data.suppliers,
                                  holding_cost_rate=float(settings["holding_cost_rate"]),
                                  currency=str(settings["currency"]))
    suggestions, table = dated_suggestions(suggestions, table, by_sku["lead_time_days"],
                                           dock=dock, as_of=as_of)
    table = with_dead_po_advice(table, supply[supply["kind"] == "po"], settings)
    table = bundle_sku_rows(table, data.bundles, data.bundle_lines, data.products)
    kpis = _kpis(table, projection, data, as_of)
    kpis.update(order_value_kpis(suggestions))
    kpis.update(catalog_kpis(table))
    open_po = supply[supply["kind"] == "po"].copy()
    suppliers = data.suppliers.set_index("supplier").join(learned, how="outer").reset_index()
    _report(progress, 1.0, "done")
    return PlanResult(
        as_of=as_of, settings=dict(settings), skus=table, forecast_weekly=forecast.weekly,
        history_weekly=forecast.history_weekly,
        backorder_lines=explain_uncovered(projection.lines, as_of=as_of,
                                          lead_time_days=by_sku["lead_time_days"],
                                          dock_to_stock_days=dock),
        book=projection.book, projected_on_hand=projection.on_hand,
        projected_new_backorders=projection.new_backorders,
        purchase_suggestions=suggestions, open_po_lines=open_po, suppliers=suppliers,
        orders=projection.orders, kpis=kpis, demand_daily=forecast.daily,
        warnings=list(data.warnings) + lead_time_warnings(learned) + budget_warnings(budget),
        budget=budget)


def supplier_review_days(supplier: pd.Series, suppliers: pd.DataFrame, review: int) -> np.ndarray:
    """Per SKU, its supplier's order_cycle_days, else the review_period_days setting."""
    cycle = (suppliers.set_index("supplier")["order_cycle_days"]
             if len(suppliers) and "order_cycle_days" in suppliers else pd.Series(dtype=float))
    days = pd.to_numeric(supplier.map(cycle), errors="coerce") if len(cycle) else \
        pd.Series(np.nan, index=supplier.index)
    return days.fillna(review).to_numpy(float).astype(int)


def demand_days_share(daily_demand: pd.DataFrame, skus: list[str], as_of: dt.date,
                      window_days: int = 365) -> np.ndarray:
    """Share of days with any demand over the last year (or since the first sale), per SKU."""
    end = pd.Timestamp(as_of)
    recent = daily_demand[(daily_demand["date"] > end - pd.Timedelta(days=window_days))
                          & (daily_demand["quantity"] > 0)]
    grouped = recent.groupby("sku")["date"]
    days_with_demand = grouped.count().reindex(skus)
    first = grouped.min().reindex(skus)
    span = ((end - first) / pd.Timedelta(days=1) + 1).clip(upper=window_days)
    return (days_with_demand / span).to_numpy(float)


def _supply_with_late_pos(supply: pd.DataFrame, skus: list[str], as_of: dt.date,
                          horizon: int) -> np.ndarray:
    """Supply per day over the horizon; open POs landing after it count on its last day, so
    they stay in the inventory position (they are on order now)."""
    from planner.engine.supply import supply_matrix

    matrix = supply_matrix(supply, skus, as_of=as_of, horizon_days=horizon)
    if "beyond_horizon" in supply.columns:
        late = supply[supply["beyond_horizon"].fillna(False).astype(bool)]
        if len(late):
            per_sku = late.groupby("sku")["quantity"].sum().reindex(skus).fillna(0.0)
            matrix[:, -1] += per_sku.to_numpy(float)
    return matrix


def _po_notes(open_supply: pd.DataFrame, skus: list[str]) -> list[str]:
    """Per SKU, e.g. "120 on PO-1043 due 14 Mar", for the why sentence."""
    if open_supply.empty:
        return ["" for _ in skus]
    text = (open_supply["quantity"].astype(int).astype(str) + " on "
            + open_supply["source"].astype(str) + " due "
            + pd.to_datetime(open_supply["date"]).dt.strftime("%d %b").str.lstrip("0"))
    joined = text.groupby(open_supply["sku"]).agg(", ".join)
    return [joined.get(s, "") for s in skus]


def _sku_table(products: pd.DataFrame, models: pd.DataFrame, policy: pd.DataFrame,
               purchase_by_sku: pd.DataFrame, projection: Any, on_hand: pd.Series,
               on_hold: pd.Series, on_order: pd.Series, backordered: pd.Series,
               as_of: dt.date) -> pd.DataFrame:
    skus = products["sku"].tolist()
    p = products.set_index("sku")
    buy = purchase_by_sku.reindex(skus)
    position = on_hand + on_hold + on_order - backordered
    demand = models["demand_per_day"].astype(float)
    available = (on_hand + on_hold - backordered).clip(lower=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        cover = np.where(demand > 0, available / demand, np.nan)
    table = pd.DataFrame({
        "sku": skus,
        "name": p["name"].to_numpy(object),
        "supplier": p["supplier"].to_numpy(object),
        "forecast_model": models["forecast_model"].to_numpy(object),
        "demand_class": models["demand_class"].to_numpy(object),
        "demand_per_day": demand.to_numpy(),
        "demand_std_per_day": models["demand_std_per_day"].astype(float).to_numpy(),
        "backtest_mase": models.get("backtest_mase", pd.Series(np.nan, index=skus)).to_numpy(),
        "forecast_why": models.get("why_model", pd.Series("", index=skus)).to_numpy(object),
        "stockout_days_excluded": models.get("stockout_days_excluded", pd.Series(
            0, index=skus)).fillna(0).astype(int).to_numpy(),
        "lead_time_days": p["lead_time_days"].to_numpy(float),
        "lead_time_std_days": p["lead_time_std_days"].to_numpy(float),
        "lead_time_days_stated": p["lead_time_days_stated"].to_numpy(float),
        "lead_time_days_learned": p["lead_time_days_learned"].to_numpy(float),
        # where the stated lead time came from (product, supplier, default) and the received
        # POs' mean lateness the plan added to it (see effective_lead_times)
        "lead_time_source": p["lead_time_source"].to_numpy(object),
        "lateness_days": p["lateness_days"].to_numpy(float),
        "service_level": p["service_level"].to_numpy(float),
        "safety_stock": policy["safety_stock"].to_numpy(float),
        "reorder_point": policy["reorder_point"].to_numpy(float),
        "order_up_to": policy["order_up_to"].to_numpy(float),
        "policy_distribution": policy["distribution"].to_numpy(object),
        "on_hand": on_hand.to_numpy(int),
        "on_hold": on_hold.to_numpy(int),
        "on_order": on_order.to_numpy(int),
        "backordered": backordered.to_numpy(int),
        "inventory_position": position.to_numpy(int),
        "days_of_cover": cover,
        "stockout_date": projection.stockout_date.reindex(skus).to_numpy(),
        "suggested_order_qty": buy["suggested_order_qty"].fillna(0).astype(int).to_numpy(),
        "order_by": buy["order_by"].to_numpy(),
        "expected_arrival": buy["expected_arrival"].to_numpy(),
        "sellable_date": buy["sellable_date"].to_numpy(),
        "why": buy["why"].fillna("").to_numpy(object),
        # money in the workspace currency: the supplier's price converted, and landed
        "unit_cost": (p["unit_cost"] * p["fx_rate"]).to_numpy(float),
        "landed_unit_cost": p["landed_unit_cost"].to_numpy(float),
        "currency": p["currency"].to_numpy(object),
        "unit_cost_supplier_currency": p["unit_cost"].to_numpy(float),
        "unit_volume_m3": p["unit_volume_m3"].to_numpy(float),
        "unit_weight_kg": p["unit_weight_kg"].to_numpy(float),
        "unit_price": p["unit_price"].to_numpy(float),
        "moq": p["moq"].to_numpy(int),
        "case_pack": p["case_pack"].to_numpy(int),
        "made_to_order": p["made_to_order"].to_numpy(bool),
    })
    table["below_reorder_point"] = table["inventory_position"] <= table["reorder_point"]
    # landed; NaN for a SKU whose supplier's currency has no rate (left out of the totals)
    table["stock_value"] = (table["on_hand"] + table["on_hold"]) * table["landed_unit_cost"]
    return table


def _enrich_suggestions(suggestions: list[dict[str, Any]], lines: pd.DataFrame,
                        products: pd.DataFrame, projection: Any,
                        queue: pd.DataFrame | None = None) -> list[dict[str, Any]]:
    """Add names, item codes, cases and the backorders each line clears to the suggested POs."""
    names = dict(zip(products["sku"], products["name"], strict=True))
    item_codes = dict(zip(products["sku"], products["supplier_sku"], strict=True))
    case_packs = dict(zip(products["sku"], products["case_pack"].astype(int), strict=True))
    detail: dict[tuple[str, pd.Timestamp], tuple[Any, Any, float]] = {}
    if not lines.empty:
        raw = lines["raw_quantity"] if "raw_quantity" in lines else pd.Series(np.nan, lines.index)
        for sku, day, note, reason, raw_qty in zip(
                lines["sku"], pd.to_datetime(lines["order_date"]), lines["rounding_note"],
                lines["reason"], raw, strict=True):
            detail.setdefault((sku, day), (note, reason, float(raw_qty)))
    # The queue per SKU: lines still waiting at a date are those shipping later (or never).
    queue = projection.lines if queue is None else queue  # bundle lines as their components
    waiting: dict[str, tuple[np.ndarray, list[str], np.ndarray]] = {}
    if len(queue):
        never = np.iinfo(np.int64).max
        ship = pd.to_datetime(queue["projected_ship_date"]).to_numpy("datetime64[ns]")
        ship_ns = np.where(np.isnat(ship), never, ship.astype(np.int64))
        for sku, index in queue.groupby("sku", sort=False).indices.items():
            waiting[sku] = (ship_ns[index], queue["order_id"].to_numpy(object)[index].tolist(),
                            queue["quantity"].to_numpy(float)[index])
    out = []
    for suggestion in suggestions:
        order_date = pd.Timestamp(suggestion["order_date"])
        arrival_ns = pd.Timestamp(suggestion.get("sellable_date")
                                  or suggestion["expected_arrival"]).value
        enriched_lines = []
        for line in suggestion["lines"]:
            sku = line["sku"]
            note, reason, raw_qty = detail.get((sku, order_date), ("", "", np.nan))
            case_pack = int(case_packs.get(sku, 1) or 1)
            cleared: list[str] = []
            cleared_units = 0
            if sku in waiting:
                ship_ns, order_ids, quantities = waiting[sku]
                later = ship_ns > arrival_ns
                cleared = [oid for oid, hit in zip(order_ids, later, strict=True) if hit]
                cleared_units = int(quantities[later].sum())
            enriched_lines.append({
                **line,
                "rounding_note": note, "reason": reason, "raw_quantity": raw_qty,
                "quantity": int(round(float(line["quantity"]))),
                "name": names.get(sku),
                "supplier_sku": item_codes.get(sku),
                "case_pack": case_pack,
                "cases": line["quantity"] / case_pack if case_pack > 1 else None,
                "clears_backorders": cleared,
                "clears_backorder_units": cleared_units,
            })
        out.append({**suggestion, "lines": enriched_lines})
    return out


def _kpis(table: pd.DataFrame, projection: Any, data: PlanningData, as_of: dt.date) -> dict[str, Any]:
    lines = projection.lines
    horizon_30 = pd.Timestamp(as_of) + pd.Timedelta(days=30)
    stockouts = pd.to_datetime(table["stockout_date"])
    recent = data.daily_demand[data.daily_demand["date"] > pd.Timestamp(as_of) - pd.Timedelta(days=30)]
    oldest = (pd.Timestamp(as_of) - lines["order_date"].min()).days if len(lines) else 0
    return {
        "backorder_units": int(lines["quantity"].sum()) if len(lines) else 0,
        "backorder_lines": int(len(lines)),
        "backorder_value": round(float(lines["value"].sum()), 2) if len(lines) else 0.0,
        "backorder_value_at_risk": round(float(lines["value_at_risk"].sum()), 2) if len(lines) else 0.0,
        "oldest_backorder_days": int(oldest),
        "uncovered_backorder_lines": int(lines["uncovered"].sum()) if len(lines) else 0,
        "late_backorder_lines": int(lines["late"].sum()) if len(lines) else 0,
        "notice_due_lines": int(lines["notice_due"].sum()) if len(lines) else 0,
        "skus_below_reorder_point": int(table["below_reorder_point"].sum()),
        "stockouts_within_30_days": int((stockouts <= horizon_30).sum()),
        "inventory_value": round(float(table["stock_value"].sum()), 2),
        "on_order_value": round(float((table["on_order"] * table["landed_unit_cost"]).sum()), 2),
        **_without_rate(table, data),
        "currency": str(data.settings["currency"]),
        "skus_with_suggested_orders": int((table["suggested_order_qty"] > 0).sum()),
        "order_lines_last_30_days": int(recent["quantity"].count()),
        "active_skus": int(len(table)),
    }


def _without_rate(table: pd.DataFrame, data: PlanningData) -> dict[str, Any]:
    """What the money KPIs leave out for want of an exchange rate (never counted as 0):
    ``on_order_pos_without_rate`` (open POs of SKUs whose supplier's currency has no rate),
    ``inventory_skus_without_rate`` and the currencies concerned."""
    home = str(data.settings["currency"]).upper()
    code = table["currency"]
    unknown = (table["landed_unit_cost"].isna() & code.notna()  # a kit row has no currency
               & (code.astype(str) != home)).to_numpy(bool)
    skus = set(table.loc[unknown & (table["on_order"] > 0).to_numpy(bool), "sku"])
    po = data.po_lines
    open_po = po[(po["status"] == "open") & po["sku"].isin(skus)] if len(po) else po
    stocked = unknown & ((table["on_hand"] + table["on_hold"]) > 0).to_numpy(bool)
    return {
        "on_order_pos_without_rate": int(open_po["po_number"].nunique()) if len(open_po) else 0,
        "inventory_skus_without_rate": int(stocked.sum()),
        "currencies_without_rate": sorted(set(table.loc[unknown, "currency"].astype(str))),
    }


def order_value_kpis(suggestions: list[dict[str, Any]]) -> dict[str, Any]:
    """Landed order totals (workspace currency): all suggestions, and those to order now (at
    this review). A supplier whose currency has no rate has no total_value and is left out;
    ``orders_without_rate`` counts those suggestions."""
    def total(items: list[dict[str, Any]]) -> float:
        return round(float(sum(s["total_value"] for s in items
                               if s.get("total_value") is not None)), 2)

    now = [s for s in suggestions if s.get("order_now")]
    return {
        "to_order_now_value": total(now),
        "to_order_now_orders": len(now),
        "suggested_order_value": total(suggestions),
        "orders_without_rate": sum(1 for s in suggestions if s.get("total_value") is None),
    }


def _json_ready(value: Any, digits: int | None = None) -> Any:
    """Nested lists/dicts with NaN/NaT/NA as null, numpy scalars as Python numbers (floats
    rounded to ``digits`` when given) and dates as ISO text."""
    if isinstance(value, dict):
        return {key: _json_ready(item, digits) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_ready(item, digits) for item in value]
    if isinstance(value, (pd.Timestamp, dt.datetime, np.datetime64)):
        return _iso(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, (float, np.floating)):
        if not np.isfinite(value):
            return None
        return float(value) if digits is None else round(float(value), digits)
    if value is pd.NaT or value is pd.NA:
        return None
    return value


def _records(frame: pd.DataFrame, columns: list[str] | None = None) -> list[dict[str, Any]]:
    """JSON-ready rows of a frame (numbers rounded to 4 decimals)."""
    frame = frame if columns is None else frame[[c for c in columns if c in frame.columns]]
    return [_json_ready(row, 4) for row in frame.to_dict(orient="records")]


def _named_currencies(suggestions: list[dict[str, Any]],
                      settings: dict[str, Any]) -> list[dict[str, Any]]:
    """Suggestions whose every money value names its currency: ``value_currency`` (the
    workspace's: total_value, value, unit_cost) beside ``currency`` (the supplier's: the
    ``*_supplier_currency`` values), on the suggestion and on each line."""
    home = str(settings.get("currency") or "USD").upper()
    return [{**s, "value_currency": home,
             "lines": [{**line, "value_currency": home, "currency": s.get("currency", home)}
                       for line in s.get("lines", [])]}
            for s in suggestions]


def plan_to_json(plan: PlanResult) -> dict[str, Any]:
    """The `planner plan --json` document (docs/reference.md, Outputs)."""
    return {
        "as_of": plan.as_of.isoformat(),
        "settings": plan.settings,
        "skus": _records(plan.skus),
        "purchase_suggestions": _json_ready(_named_currencies(plan.purchase_suggestions,
                                                             plan.settings)),
        "kpis": _json_ready(plan.kpis),
        "warnings": _json_ready(plan.warnings),
        "budget": _json_ready(plan.budget, 2),
        "abc_xyz": abc_xyz_matrix(plan.skus),
    }


BACKORDER_COLUMNS = [
    "order_id", "sku", "customer", "quantity", "order_date", "promised_date",
    "projected_ship_date", "filled_from", "days_waiting", "days_until_ship", "days_late",
    "cancel_probability", "value", "value_at_risk", "quoted_date", "queue_position", "priority",
    "days_overdue", "ships_if_ordered_today",
    "uncovered", "late", "notice_due", "update_due", "made_to_order", "flag_reasons",
]


def accuracy_to_json(accuracy: Any) -> dict[str, Any]:
    """The `planner accuracy --json` document: the holdout's window, the class table and each
    SKU's scores with its weekly forecast against what sold."""
    weekly = accuracy.weekly.assign(week_end=accuracy.weekly["week_end"].dt.strftime("%Y-%m-%d"))
    weeks_by_sku: dict[str, list[dict[str, Any]]] = {}
    for sku, part in weekly.groupby("sku", sort=False):
        weeks_by_sku[str(sku)] = _records(part, ["week_end", "forecast", "actual"])
    skus = _records(accuracy.skus)
    for row in skus:
        row["weeks"] = weeks_by_sku.get(str(row["sku"]), [])
    return {"as_of": accuracy.as_of.isoformat(), "origin": accuracy.origin.isoformat(),
            "weeks": int(accuracy.weeks), "empty_reason": accuracy.empty_reason or None,
            "classes": _records(accuracy.classes), "skus": skus}


def backorders_to_json(plan: PlanResult) -> list[dict[str, Any]]:
    """The `planner backorders --json` list (docs/reference.md, Outputs)."""
    return _records(plan.backorder_lines, BACKORDER_COLUMNS)


# --- catalog health: ABC / XYZ, excess and dead stock, the purchase budget (issue 14) --------

def _landed_costs(frame: pd.DataFrame) -> pd.Series:
    """Landed unit cost (workspace currency): NaN where the supplier's currency has no rate (an
    unknown value, never the supplier's price read as workspace money); a frame without
    landed costs uses its unit cost, else 0."""
    cost = pd.to_numeric(frame["unit_cost"], errors="coerce").fillna(0.0)
    if "landed_unit_cost" not in frame:
        return cost.astype(float)
    landed = pd.to_numeric(frame["landed_unit_cost"], errors="coerce")
    own = frame.get("unit_cost_supplier_currency", frame["unit_cost"])
    return landed.where(own.notna(), 0.0).astype(float)  # no cost given at all: 0


def demand_health(data: PlanningData, products: pd.DataFrame) -> pd.DataFrame:
    """Per planned SKU (index): annual demand units and landed value, ABC class, weekly CV,
    XYZ class and days since the last sale (engine/catalog.py)."""
    from planner.engine import catalog

    skus = products["sku"].tolist()
    units = catalog.annual_demand_units(data.daily_demand, skus, data.as_of)
    with np.errstate(invalid="ignore"):
        value = np.where(units > 0, units * _landed_costs(products).to_numpy(float), 0.0)
    cv = catalog.weekly_cv(data.daily_demand, skus, data.as_of)
    return pd.DataFrame({
        "annual_demand_units": units, "annual_demand_value": np.round(value, 2),
        "abc_class": catalog.abc_classes(value), "demand_cv_weekly": cv,
        "xyz_class": catalog.xyz_classes(cv),
        "days_since_last_sale": catalog.days_since_last_sale(data.daily_demand, skus,
                                                             data.as_of),
    }, index=pd.Index(skus, name="sku"))


def class_service_levels(products: pd.DataFrame, health: pd.DataFrame,
                         settings: dict[str, Any]) -> pd.DataFrame:
    """Products with the ``abc_service_levels`` default where they set no level of their own."""
    from planner.engine.catalog import class_service_levels as by_class
    from planner.store.settings import abc_service_levels

    levels = abc_service_levels(str(settings.get("abc_service_levels", "") or ""))
    if not levels:
        return products
    own = products.get("service_level_own", pd.Series(False, index=products.index))
    return products.assign(service_level=by_class(
        health["abc_class"].reindex(products["sku"]).to_numpy(object),
        products["service_level"].to_numpy(float), own.fillna(False).to_numpy(bool), levels))


def with_catalog_health(table: pd.DataFrame, health: pd.DataFrame, demand_day0: np.ndarray,
                        settings: dict[str, Any], as_of: dt.date | None = None) -> pd.DataFrame:
    """The SKU table with ABC/XYZ, excess (units, landed value, weeks to clear) and dead stock;
    with ``as_of``, ``stocks_out_within_lead_time`` (such a SKU has no excess)."""
    from planner.engine.catalog import demand_within, excess_and_dead, stocks_out_within_lead_time

    dock = int(settings["dock_to_stock_days"])
    found = health.reindex(table["sku"])
    landed = _landed_costs(table)
    arrival_days = table["lead_time_days"].to_numpy(float) + dock
    soon = None
    if as_of is not None:
        stockout_day = ((pd.to_datetime(table["stockout_date"]) - pd.Timestamp(as_of))
                        .dt.days.to_numpy(float))
        soon = stocks_out_within_lead_time(stockout_day, table["lead_time_days"].to_numpy(float),
                                           dock)
    stock = (table["on_hand"] + table["on_hold"]).to_numpy(float)
    extra = excess_and_dead(
        position=table["inventory_position"].to_numpy(float), stock=stock,
        order_up_to=table["order_up_to"].to_numpy(float),
        demand_before_arrival=demand_within(demand_day0, arrival_days),
        landed_unit_cost=landed.to_numpy(float),
        days_since_sale=found["days_since_last_sale"].to_numpy(float),
        dead_after_days=int(settings["dead_after_days"]),
        demand_per_day=table["demand_per_day"].to_numpy(float), stocks_out_soon=soon)
    extra.index = table.index
    out = table.assign(**{c: found[c].to_numpy() for c in health.columns})
    if soon is not None:
        out["stocks_out_within_lead_time"] = soon
    if "landed_unit_cost" not in out.columns:
        out["landed_unit_cost"] = landed.to_numpy(float)
    return out.assign(**{c: extra[c] for c in extra.columns})


SHORTAGE_COLUMNS = {"stockout_days": "projected_stockout_days",
                    "units_short": "projected_units_short",
                    "revenue_short": "projected_revenue_short"}


def with_shortage(table: pd.DataFrame, shortage: pd.DataFrame | None) -> pd.DataFrame:
    """The SKU table with the projection's shortage over the horizon (engine/projection.shortage):
    projected_stockout_days, projected_units_short, projected_revenue_short (units × price)."""
    found = (shortage.reindex(table["sku"].astype(str)) if shortage is not None
             else pd.DataFrame(index=table["sku"], columns=list(SHORTAGE_COLUMNS)))
    return table.assign(**{name: pd.to_numeric(found[column], errors="coerce").fillna(0.0)
                           .to_numpy(float) for column, name in SHORTAGE_COLUMNS.items()})


def shortage_totals(projection: Any, until: Any = None) -> dict[str, float]:
    """A projection's stockout_days (SKU-days), units_short and revenue_short summed over its
    SKUs, over the horizon or through ``until`` (the what-if counts them until the PO it moves
    is sellable in both versions: after that both have the same supply)."""
    shortage, short, open_new = (projection.shortage, projection.short_units,
                                 projection.new_backorders)
    if shortage is None or shortage.empty:
        return {"stockout_days": 0.0, "units_short": 0.0, "revenue_short": 0.0}
    if until is None or short is None:
        return {column: float(shortage[column].sum()) for column in SHORTAGE_COLUMNS}
    inside = pd.to_datetime(short.columns) <= pd.Timestamp(until)
    units = short.loc[:, inside].sum(axis=1)
    price = shortage["unit_price"].reindex(units.index).fillna(0.0)
    return {"stockout_days": float((open_new.loc[:, inside] > 0).to_numpy().sum()),
            "units_short": float(units.sum()), "revenue_short": float((units * price).sum())}


def with_dead_po_advice(table: pd.DataFrame, open_po: pd.DataFrame,
                        settings: dict[str, Any]) -> pd.DataFrame:
    """The SKU table with ``po_advice`` ("cancel or hold PO-… : no sale in … days" for each open
    PO of a dead SKU, engine/catalog.dead_po_advice), also said in its ``why``."""
    from planner.engine.catalog import dead_po_advice

    since = table["days_since_last_sale"].to_numpy(float)
    dead = (table["dead_stock"].fillna(False).astype(bool).to_numpy()
            | (since >= int(settings["dead_after_days"])))
    dead &= table["backordered"].to_numpy(float) <= 0  # a PO customers wait for is not idle
    advice = dead_po_advice(table["sku"].astype(str).tolist(), dead, since, open_po)
    said = advice.groupby("sku")["advice"].agg("; ".join) if len(advice) else pd.Series(
        dtype=object)
    text = table["sku"].map(said).astype(object).fillna("").astype(str)
    why = table["why"].fillna("").astype(str)
    lead = np.where(why == "", "", np.where(why.str.endswith("."), why + " ", why + ". "))
    joined = np.where(text != "", lead + "Dead stock: " + text + ".", why)
    return table.assign(po_advice=text.to_numpy(object), why=joined)


def catalog_kpis(table: pd.DataFrame) -> dict[str, Any]:
    """excess_inventory_value, dead_stock_value and their SKU counts."""
    excess = table.get("excess_value", pd.Series(dtype=float)).fillna(0.0)
    dead = table.get("dead_stock_value", pd.Series(dtype=float)).fillna(0.0)
    kit = table["currency"].isna() if "currency" in table else pd.Series(False, table.index)
    unknown = (table.get("excess_value", pd.Series(dtype=float)).isna()
               | table.get("dead_stock_value", pd.Series(dtype=float)).isna()) & ~kit
    return {"excess_inventory_value": round(float(excess.sum()), 2),
            "catalog_skus_without_rate": int(unknown.sum()),
            "excess_skus": int((excess > 0).sum()),
            "dead_stock_value": round(float(dead.sum()), 2),
            "dead_stock_skus": int(table.get("dead_stock", pd.Series(dtype=bool))
                                   .fillna(False).astype(bool).sum())}


def abc_xyz_matrix(table: pd.DataFrame) -> list[dict[str, Any]]:
    """The 3×3 ABC × XYZ matrix: SKUs, annual demand value and stock value per cell."""
    cells = []
    classed = table[table.get("abc_class", pd.Series(dtype=object)).notna()] \
        if "abc_class" in table else table.iloc[0:0]
    for abc in "ABC":
        for xyz in "XYZ":
            part = classed[(classed["abc_class"] == abc) & (classed["xyz_class"] == xyz)]
            cells.append({"abc_class": abc, "xyz_class": xyz, "skus": int(len(part)),
                          "annual_demand_value": round(float(part["annual_demand_value"].sum()),
                                                       2) if len(part) else 0.0,
                          "stock_value": round(float(part["stock_value"].sum()), 2)
                          if len(part) else 0.0})
    return cells


@dataclass
class OpenToBuyInputs:
    """What the purchase budget needs to re-plan the SKUs it defers: suggest_purchases' inputs,
    the products (for the lines' names) and the PO lines whose open value is committed."""

    walk: dict[str, Any]
    products: pd.DataFrame
    po_lines: pd.DataFrame


def _replanner(inputs: OpenToBuyInputs, projection: Any, queue: pd.DataFrame) -> Any:
    """suggest_purchases on the deferred SKUs' rows only: no order before the funded day, their
    funded lines as supply (engine/budget.Replan); the supplier minimum's pull-forward is left
    out of a re-plan."""
    from planner.engine.purchasing import suggest_purchases

    walk = inputs.walk
    index = pd.Index(walk["skus"]["sku"])
    start = pd.Timestamp(walk["as_of"])
    horizon = int(walk["horizon_days"])

    def replan(skus: list[str], not_before: np.ndarray,
               funded: pd.DataFrame) -> list[dict[str, Any]]:
        rows = index.get_indexer(skus)
        supply = np.asarray(walk["supply_daily"], dtype=float)[rows].copy()
        if len(funded):
            day = ((funded["expected_arrival"] - start).dt.days).clip(0, horizon - 1)
            np.add.at(supply, (pd.Index(skus).get_indexer(funded["sku"]), day.to_numpy(int)),
                      funded["quantity"].to_numpy(float))
        part = suggest_purchases(**{
            **walk, "skus": walk["skus"].iloc[rows].reset_index(drop=True),
            "supply_daily": supply, "backlog_units": np.asarray(walk["backlog_units"])[rows],
            "demand_daily": np.asarray(walk["demand_daily"], dtype=float)[rows],
            "suppliers": None, "po_notes": None, "not_before_days": not_before})
        return _enrich_suggestions(part.suggestions, part.lines, inputs.products, projection,
                                   queue=queue)
    return replan


def budget_suggestions(suggestions: list[dict[str, Any]], table: pd.DataFrame,
                       projection: Any, queue: pd.DataFrame, settings: dict[str, Any],
                       as_of: dt.date, open_to_buy: OpenToBuyInputs | None = None
                       ) -> tuple[list[dict[str, Any]], dict[str, Any], pd.DataFrame]:
    """Suggestions within ``purchase_budget_per_month``, an open-to-buy (engine/budget.py);
    a SKU the budget moved or could not fund follows its first funded line in the SKU table."""
    from planner.engine.budget import apply_budget, committed_by_month, uncounted_commitments

    facts = table.set_index("sku")[["unit_price", "demand_per_day", "stockout_date", "moq",
                                    "case_pack"]].copy()
    unserved = projection.new_backorders
    facts["shortfall_units"] = (unserved.iloc[:, -1].reindex(facts.index).fillna(0.0)
                                if unserved.shape[1] else 0.0)
    extra: dict[str, Any] = {}
    uncounted = pd.DataFrame(columns=["po_number", "sku", "units"])
    if open_to_buy is not None:
        walk = open_to_buy.walk
        path = (np.cumsum(np.asarray(walk["supply_daily"], dtype=float)
                          - np.asarray(walk["demand_daily"], dtype=float), axis=1)
                - np.asarray(walk["backlog_units"], dtype=float)[:, None])
        multiplier = walk["skus"].set_index("sku")["landed_multiplier"]
        uncounted = uncounted_commitments(open_to_buy.po_lines, multiplier)
        extra = {"committed": committed_by_month(open_to_buy.po_lines, multiplier),
                 "replan": _replanner(open_to_buy, projection, queue),
                 "stock_path": pd.DataFrame(path, index=walk["skus"]["sku"].to_numpy(object))}
    out, summary, moved = apply_budget(
        suggestions, budget_per_month=float(settings.get("purchase_budget_per_month", 0) or 0),
        as_of=as_of, horizon_days=int(settings["horizon_days"]),
        review_period_days=int(settings["review_period_days"]), skus=facts, queue=queue,
        currency=str(settings["currency"]), **extra)
    if len(uncounted) and summary:
        summary["uncounted_po_numbers"] = sorted(set(uncounted["po_number"].astype(str)))
    table = table.assign(budget_status="", budget_note="")
    if len(moved):
        rows = table.index[table["sku"].isin(moved["sku"])]
        note = table.loc[rows, "sku"].map(moved.set_index("sku")["note"])
        table.loc[rows, "budget_status"] = table.loc[rows, "sku"].map(
            moved.set_index("sku")["status"]).to_numpy(object)
        table.loc[rows, "budget_note"] = note.to_numpy(object)
        table.loc[rows, "why"] = (table.loc[rows, "why"].fillna("").astype(str) + " "
                                  + note).str.strip().to_numpy(object)
        # the SKU table follows the SKU's first funded line (none: nothing funded to order)
        lines = pd.DataFrame([(line["sku"], s["order_date"], line["quantity"],
                               line.get("expected_arrival") or s["expected_arrival"])
                              for s in out for line in s["lines"]],
                             columns=["sku", "order_by", "quantity", "expected_arrival"])
        first = lines.sort_values("order_by").drop_duplicates("sku").set_index("sku")
        skus = table.loc[rows, "sku"]
        table.loc[rows, "order_by"] = pd.to_datetime(skus.map(first["order_by"])).to_numpy()
        table.loc[rows, "expected_arrival"] = pd.to_datetime(
            skus.map(first["expected_arrival"])).to_numpy()
        table.loc[rows, "suggested_order_qty"] = skus.map(first["quantity"]).fillna(
            0).to_numpy(float)
    return out, summary, table


def dated_suggestions(suggestions: list[dict[str, Any]], table: pd.DataFrame,
                      lead_by_sku: pd.Series, *, dock: int, as_of: dt.date
                      ) -> tuple[list[dict[str, Any]], pd.DataFrame]:
    """The suggestions dated by the one arrival rule (engine/arrival.py) whatever moved them
    (minimum order value, budget, containers), and the SKU table's expected_arrival and
    sellable_date from each SKU's first suggested line."""
    from planner.engine.arrival import date_suggestions

    suggestions = date_suggestions(suggestions, lead_by_sku=lead_by_sku,
                                   dock_to_stock_days=dock, as_of=as_of)
    first: dict[str, tuple[str, str, str]] = {}
    for s in sorted(suggestions, key=lambda s: str(s["order_date"])):
        for line in s["lines"]:
            first.setdefault(str(line["sku"]), (s["order_date"], line["expected_arrival"],
                                                line["sellable_date"]))
    sku = table["sku"].astype(str)
    found = sku.isin(list(first))
    same = found & (pd.to_datetime(table["order_by"]).dt.strftime("%Y-%m-%d")
                    == sku.map(lambda k: first.get(k, ("",))[0]))
    table = table.copy()
    for k, column in ((1, "expected_arrival"), (2, "sellable_date")):
        table.loc[same, column] = pd.to_datetime(sku[same].map(lambda x, k=k: first[x][k]))
    return suggestions, table


def budget_warnings(budget: dict[str, Any]) -> list[dict[str, Any]]:
    """Warnings when the budget defers or cannot fund lines that clear customer backorders, and
    when it leaves orders unfunded."""
    out = []
    flagged = int(budget.get("flagged_lines", 0) or 0)
    if flagged:
        out.append({"kind": "budget_defers_backorders", "count": flagged,
                    "message": f"{_plural(flagged, 'suggested line')} clearing existing customer "
                               "backorders deferred or unfunded by the purchase budget (see "
                               "budget)"})
    uncounted = budget.get("uncounted_po_numbers") or []
    if uncounted:
        shown = ", ".join(uncounted[:5]) + (f" and {len(uncounted) - 5} more"
                                            if len(uncounted) > 5 else "")
        out.append({"kind": "budget_po_value_unknown", "count": len(uncounted),
                    "message": f"{_plural(len(uncounted), 'placed PO')} ({shown}) not counted "
                               "against the purchase budget: no unit cost, or no exchange rate "
                               "for its currency; add the rate (fx_rates) or the cost"})
    unfunded = budget.get("unfunded") or []
    if unfunded:
        at_risk = sum(float(u.get("revenue_at_risk") or 0.0) for u in unfunded)
        out.append({"kind": "budget_unfunded", "count": len(unfunded),
                    "message": f"{_plural(len(unfunded), 'SKU')} need orders no month within the "
                               f"horizon can fund in the purchase budget ({budget.get('currency')} "
                               f"{budget.get('unfunded_value', 0):,.0f}"
                               + (f"; about {budget.get('currency')} {at_risk:,.0f} of revenue at "
                                  "risk" if at_risk >= 0.5 else "")
                               + "): left out of the suggestions, see budget.unfunded"})
    return out


def confirmation_moves(data: PlanningData, po_numbers: list[str] | None = None) -> pd.DataFrame:
    """The customers whose projected ship dates the suppliers' confirmations move: the plan's
    backorder lines with the POs as ordered beside the plan with them as confirmed (the
    what-if's comparison, run_plan with other PO lines). ``po_numbers``: only these POs'
    confirmations (default: all)."""
    po = data.po_lines
    chosen = (po["po_number"].isin(po_numbers) if po_numbers is not None
              else pd.Series(True, index=po.index))
    ordered = po.copy()
    ordered.loc[chosen, "quantity"] = ordered.loc[chosen, "ordered_quantity"]
    ordered.loc[chosen, "expected_date"] = ordered.loc[chosen, "ordered_expected_date"]
    keys = ["order_id", "sku"]
    shown = ["customer", "quantity", "projected_ship_date", "filled_from", "quoted_date"]
    before = run_plan(data, po_lines=ordered).backorder_lines
    after = run_plan(data).backorder_lines
    both = before[keys + shown].merge(after[keys + shown], on=keys + ["customer", "quantity"],
                                      suffixes=("_as_ordered", "_as_confirmed"))
    a = pd.to_datetime(both["projected_ship_date_as_ordered"])
    b = pd.to_datetime(both["projected_ship_date_as_confirmed"])
    moved = ~((a == b) | (a.isna() & b.isna()))
    both["days_later"] = (b - a).dt.days
    return both[moved.to_numpy()].reset_index(drop=True)


# --- what the app's pages show beside the plan: the engine's rules, read once here -------------
# (planner/ui and the CLI call the engine only through this module, tests/test_layering.py; the
# imports marked F401 at the top are re-exported for them: budget_by_month, tied_up_stock, ABC_CUTS,
# XYZ_CUTS, break_table, POChange)


def purchase_order_lines(db: Database, as_of: dt.date) -> pd.DataFrame:
    """Every PO line (store.queries.po_line_rows) with ``overdue`` as the projection reads it."""
    from planner.engine.supply import overdue_po_lines
    from planner.store.queries import po_line_rows

    lines = po_line_rows(db)
    # as the projection reads a line: the supplier's confirmed quantity and date, when given
    confirmed = lines.assign(
        quantity=pd.to_numeric(lines["confirmed_quantity"], errors="coerce").fillna(
            lines["quantity"]),
        expected_date=lines["confirmed_date"].fillna(lines["expected_date"]))
    lines["overdue"] = overdue_po_lines(confirmed, as_of=as_of)
    return with_po_currency(db, lines, as_of)


def with_po_currency(db: Database, lines: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """PO lines with ``currency`` (their supplier's; blank = the workspace's), ``fx_rate`` to the
    workspace currency as of ``as_of`` (NaN: no rate), ``open_value_supplier_currency`` (what
    ``open_value`` was: open units × the line's cost in the supplier's currency) and
    ``open_value`` in the workspace currency (NaN when the currency has no rate: unknown)."""
    home = str(load_settings(db)["currency"]).upper()
    suppliers = supplier_costs(_read(db, "SELECT supplier, currency FROM suppliers"),
                               _read(db, "SELECT currency, rate, date FROM fx_rates"),
                               as_of=as_of, currency=home).set_index("supplier")
    supplier = lines["supplier"]
    out = lines.copy()
    out["currency"] = supplier.map(suppliers["currency_resolved"]).fillna(home).to_numpy(object)
    rate = supplier.map(suppliers["fx_rate"]).astype(float)
    out["fx_rate"] = np.where(out["currency"] == home, 1.0, rate)
    value = pd.to_numeric(lines["open_value"], errors="coerce").astype(float)
    out["open_value_supplier_currency"] = value
    out["open_value"] = value * out["fx_rate"]
    return out


def open_value_summary(lines: pd.DataFrame) -> dict[str, Any]:
    """The open value of open PO lines in the workspace currency: ``known`` (None when no line's
    value is known), ``unknown_pos`` (POs with a line in a currency without a rate) and
    ``unknown_currencies``; never an unknown value counted as 0."""
    open_lines = lines[(lines["status"] == "open")
                       & (pd.to_numeric(lines["open_quantity"], errors="coerce") > 0)]
    no_rate = open_lines["fx_rate"].isna() & open_lines["open_value_supplier_currency"].notna()
    unknown = open_lines[no_rate]
    known = open_lines[~no_rate & open_lines["open_value"].notna()]  # no cost at all: nothing
    return {"known": float(known["open_value"].sum()) if len(known) else None,
            "unknown_pos": int(unknown["po_number"].nunique()),
            "unknown_currencies": sorted(set(unknown["currency"].astype(str)))}


def import_engine() -> None:
    """Import the engine's heavy modules now (a planning process warms up before its first plan)."""
    from planner.engine import forecast, projection, purchasing  # noqa: F401


# --- approving suggestions: one path for the app's Approve and `planner approve` ---------------

def approvable(suggestions: list[dict[str, Any]], *, now: bool = True,
               through: dt.date | None = None, supplier: str | None = None) -> list[int]:
    """The suggestions to approve, by index: those due now (``order_now``, the one definition
    the KPI and the purchase plan count: engine/arrival.due_now), or with ``through`` those
    ordered on or before it; only ``supplier``'s when given."""
    chosen = []
    for i, s in enumerate(suggestions):
        if supplier is not None and str(s.get("supplier") or "") != supplier:
            continue
        if through is not None:
            if pd.Timestamp(s["order_date"]).date() <= through:
                chosen.append(i)
        elif not now or s.get("order_now"):
            chosen.append(i)
    return chosen


def approval_orders(suggestions: list[dict[str, Any]], rows: list[int], *, as_of: dt.date,
                    skus: pd.DataFrame, dock_to_stock_days: int) -> list[Any]:
    """The POs approving these suggestions creates: ordered on ``as_of`` (the day you approve),
    each line at the dock its SKU's lead time later and the PO on the latest of those, by the
    one arrival rule (engine/arrival.py); the supplier's own unit price."""
    from planner.engine.arrival import date_suggestions
    from planner.store.edits import ApprovedLine, ApprovedOrder

    lead = skus.set_index(skus["sku"].astype(str))["lead_time_days"] if len(skus) else \
        pd.Series(dtype=float)
    picked = [{**suggestions[r], "order_date": as_of.isoformat()}
              for r in rows if 0 <= r < len(suggestions)]
    orders = []
    for s in date_suggestions(picked, lead_by_sku=lead, dock_to_stock_days=dock_to_stock_days,
                              as_of=as_of):
        due = dt.date.fromisoformat(s["expected_arrival"])
        lines = [ApprovedLine(str(line["sku"]), int(line["quantity"]),
                              line.get("unit_cost_supplier_currency", line.get("unit_cost")),
                              dt.date.fromisoformat(line["expected_arrival"]))
                 for line in s["lines"] if int(line["quantity"]) > 0]
        orders.append(ApprovedOrder(supplier=s["supplier"], order_date=as_of, expected_date=due,
                                    lines=lines))
    return orders


@dataclass
class ApprovedPo:
    """One PO `approve_suggestions` created, with what the buyer is told of it."""

    po_number: str
    order: Any
    #: landed value in the workspace currency (None: the supplier's currency has no rate)
    value: float | None
    value_supplier_currency: float | None
    currency: str


def approve_suggestions(db: Database, plan: PlanResult, *, now: bool = True,
                        through: dt.date | None = None,
                        supplier: str | None = None) -> list[ApprovedPo]:
    """Turn the plan's suggestions (due now, or ordered through a date; of one supplier) into
    draft POs ordered on the plan's as-of, in one transaction (store.edits.add_approved_orders,
    numbered by po_number_pattern)."""
    from planner.store.edits import add_approved_orders

    suggestions = plan.purchase_suggestions
    rows = approvable(suggestions, now=now, through=through, supplier=supplier)
    orders = approval_orders(suggestions, rows, as_of=plan.as_of, skus=plan.skus,
                             dock_to_stock_days=int(plan.settings["dock_to_stock_days"]))
    kept = [(r, o) for r, o in zip(rows, orders, strict=True) if o.lines]
    if not kept:
        return []
    numbers = add_approved_orders(db, [o for _, o in kept], as_of=plan.as_of)
    home = str(plan.settings.get("currency") or "")
    return [ApprovedPo(number, order, suggestions[r].get("total_value"),
                       suggestions[r].get("total_value_supplier_currency"),
                       str(suggestions[r].get("currency") or home))
            for number, (r, order) in zip(numbers, kept, strict=True)]

# --- replay (issue 30): what following the plan would have done on the buyer's history -------
# (the orchestration is planner/replay_path.py, the simulation engine/replay.py)


def replay(db_or_data: Database | PlanningData, start: dt.date, end: dt.date | None = None,
           every: int | None = None, progress: Progress = None,
           cancel: Callable[[], bool] | None = None) -> Any:
    """Replay the plan on the workspace's own history (replay_path.replay): a ReplayResult."""
    from planner.replay_path import replay as replay_span

    return replay_span(db_or_data, start, end, every, progress=progress, cancel=cancel)


def replay_to_json(result: Any) -> dict[str, Any]:
    """The `planner replay --json` document."""
    from planner.replay_path import replay_to_json as to_json

    return to_json(result)


def replay_cancelled() -> type[Exception]:
    """The exception a cancelled replay raises."""
    from planner.replay_path import ReplayCancelled

    return ReplayCancelled
