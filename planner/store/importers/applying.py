"""What each import kind does to the workspace (the key / replace rules of docs/reference.md)."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sqlite_utils import Database

from planner import clock
from planner.store import po_life
from planner.store.importers import shopify
from planner.store.importers.loading import ParsedFile
from planner.store.importers.problems import ImportRejected, Problem, plural
from planner.store.importers.writers import (
    Counts,
    ensure_products,
    ensure_suppliers,
    remove_missing,
    remove_order_lines,
    upsert,
    write_sales,
)

Progress = Callable[[float], None] | None


@dataclass
class Run:
    """State shared by the files of one import: snapshot keys and SKUs whose sales changed."""

    snapshot_keys: dict[str, list[pd.DataFrame]] = field(default_factory=dict)
    snapshots: set[str] = field(default_factory=set)
    changed_skus: set[str] = field(default_factory=set)
    #: The sales table was empty before this import: every stored line is this import's.
    sales_were_empty: bool = False


@dataclass
class Outcome:
    """What writing one file did."""

    counts: Counts
    notes: list[str] = field(default_factory=list)
    skipped_reasons: dict[str, int] = field(default_factory=dict)


def _listing(items: list[str], limit: int = 10) -> str:
    shown = ", ".join(items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


def _stub_notes(products: list[str], suppliers: Sequence[str] = ()) -> list[str]:
    notes = []
    if products:
        notes.append(f"created {plural(len(products), 'product')} for unknown SKUs "
                     "(active, nothing but the SKU known yet): " + _listing(products))
    if suppliers:
        notes.append(f"created {plural(len(suppliers), 'supplier')} for unknown supplier "
                     "names: " + _listing(list(suppliers)))
    return notes


def _columns(parsed: ParsedFile, wanted: list[str]) -> pd.DataFrame:
    """The file's columns among ``wanted`` (in that order)."""
    return parsed.frame[[c for c in wanted if c in parsed.frame]].copy()


def _all_columns(parsed: ParsedFile, wanted: list[str]) -> pd.DataFrame:
    """Every column in ``wanted``; ones the file lacks are empty (snapshots set everything)."""
    frame = parsed.frame.reindex(columns=wanted)
    return frame.astype({c: object for c in wanted if c not in parsed.frame})


def products(db: Database, parsed: ParsedFile, run: Run, progress: Progress) -> Outcome:
    """Upsert by sku; columns absent from the file keep their stored values."""
    frame = _columns(parsed, parsed.kind.column_names)
    for column, default in (("made_to_order", False), ("active", True)):
        if column in frame:
            frame[column] = frame[column].fillna(default)
    suppliers = ensure_suppliers(db, frame["supplier"].dropna()) if "supplier" in frame else []
    counts = upsert(db, "products", frame, ["sku"], progress=progress)
    return Outcome(counts, _stub_notes([], suppliers))


def suppliers(db: Database, parsed: ParsedFile, run: Run, progress: Progress) -> Outcome:
    """Upsert by supplier."""
    frame = _columns(parsed, parsed.kind.column_names)
    return Outcome(upsert(db, "suppliers", frame, ["supplier"], progress=progress))


def sales(db: Database, parsed: ParsedFile, run: Run, progress: Progress) -> Outcome:
    """Order lines at order date; see writers.write_sales for the key / replace rule."""
    wanted = ["date", "sku", "quantity", "order_id", "unit_price", "channel"]
    frame = parsed.frame[[c for c in wanted if c in parsed.frame]]  # sorted by (sku, date)
    stubs = ensure_products(db, pd.unique(frame["sku"]))
    counts, changed = write_sales(db, frame, progress, presorted=True, none_for_missing=True)
    run.changed_skus |= changed
    notes = _stub_notes(stubs)
    if counts.removed:
        notes.append(f"removed {plural(counts.removed, 'stored line')} without order_id in the "
                     "file's date range and SKUs that the file no longer has")
    return Outcome(counts, notes)


def inventory(db: Database, parsed: ParsedFile, run: Run, progress: Progress) -> Outcome:
    """A snapshot dated snapshot_date (default: today): rows are upserted by (sku, location,
    snapshot_date); rows of the same date not in it go at the end; other dates are kept."""
    frame = _all_columns(parsed, ["sku", "location", "on_hand", "on_hold", "hold_release_date",
                                  "snapshot_date"])
    frame["location"] = frame["location"].fillna("")
    frame["on_hold"] = frame["on_hold"].fillna(0)
    return _stock(db, frame, run, progress, {})


def _stock(db: Database, frame: pd.DataFrame, run: Run, progress: Progress,
           names: dict[str, str]) -> Outcome:
    stubs = ensure_products(db, pd.unique(frame["sku"]), names)
    if "snapshot_date" not in frame:
        frame = frame.assign(snapshot_date=None)
    today = clock.today().isoformat()
    frame["snapshot_date"] = frame["snapshot_date"].astype(object).where(
        frame["snapshot_date"].notna(), today)
    # the moment each new or changed row was recorded (po_life.py's stock rule)
    frame["recorded_at"] = clock.stamp()
    counts = upsert(db, "inventory", frame, ["sku", "location", "snapshot_date"],
                    progress=progress, stamped=["recorded_at"])
    run.snapshots.add("inventory")
    run.snapshot_keys.setdefault("inventory", []).append(
        frame[["sku", "location", "snapshot_date"]])
    return Outcome(counts, _stub_notes(stubs))


def purchase_orders(db: Database, parsed: ParsedFile, run: Run, progress: Progress) -> Outcome:
    """PO lines upserted by (po_number, sku); the PO itself holds supplier and order date."""
    frame = parsed.frame
    supplier_stubs = (ensure_suppliers(db, frame["supplier"].dropna())
                      if "supplier" in frame else [])
    stubs = ensure_products(db, pd.unique(frame["sku"]))
    header_columns = [c for c in ("supplier", "order_date") if c in frame]
    po_numbers = [str(n) for n in pd.unique(frame["po_number"])]
    before = po_life.lines_before_import(db, po_numbers)
    header = frame[["po_number", *header_columns]].groupby("po_number", sort=False).first()
    header = header.reset_index().reindex(columns=["po_number", *header_columns])
    head = upsert(db, "purchase_orders", header, ["po_number"],
                  keep_when_empty=["supplier", "order_date"])
    lines = _columns(parsed, ["po_number", "sku", "quantity", "expected_date",
                              "received_quantity", "received_date", "status", "unit_cost",
                              "confirmed_quantity", "confirmed_date", "supplier_comment"])
    if "received_quantity" in lines:
        lines["received_quantity"] = lines["received_quantity"].fillna(0)
        _refuse_fewer_than_receipts(db, parsed, lines)
    if "status" in lines:
        received = (lines.get("received_quantity", pd.Series(0, index=lines.index)).fillna(0)
                    >= lines["quantity"]) & (lines["quantity"] > 0)
        # a line cancelled in the workspace stays cancelled unless the file says a status
        stored = lines[["po_number", "sku"]].merge(before[["po_number", "sku", "status"]],
                                                   on=["po_number", "sku"], how="left")
        cancelled = (stored["status"] == "cancelled").to_numpy(dtype=bool)
        lines["status"] = lines["status"].where(
            lines["status"].notna(),
            np.where(cancelled, "cancelled", np.where(received, "received", "open")))
    counts = upsert(db, "po_lines", lines, ["po_number", "sku"], progress=progress)
    notes = _stub_notes(stubs, supplier_stubs) + _implausible(_over_deliveries(parsed))
    if head.inserted:
        notes.append(f"{plural(head.inserted, 'new purchase order')}")
    notes += po_life.after_import(db, before, po_numbers, parsed.label)
    return Outcome(counts, notes)


def _over_deliveries(parsed: ParsedFile) -> list[str]:
    """Rows received above their quantity due (confirmed, else ordered); ten times and more is
    refused when the file is checked."""
    frame = parsed.frame
    if "received_quantity" not in frame:
        return []
    due = frame["quantity"].astype(float)
    if "confirmed_quantity" in frame:
        due = frame["confirmed_quantity"].astype(float).fillna(due)
    received = frame["received_quantity"].astype(float)
    over = (received > due).fillna(False).to_numpy(dtype=bool)
    return [f"row {int(row)}: {got:,.0f} received against {want:,.0f} due (confirmed, else "
            "ordered)" for row, got, want in zip(frame["_row"][over], received[over], due[over],
                                                 strict=True)]


def _refuse_fewer_than_receipts(db: Database, parsed: ParsedFile, lines: pd.DataFrame) -> None:
    """A file never sets a line's received units below what the app's receipts add up to (an
    older file would count the same units in on-hand and again on order): refuses the file,
    naming each such row."""
    receipts = pd.read_sql_query(
        "SELECT po_number, sku, SUM(quantity) AS in_app, group_concat(DISTINCT received_date) "
        "AS days FROM po_receipts WHERE po_number IN (SELECT value FROM json_each(?)) "
        "GROUP BY po_number, sku", db.conn,
        params=[json.dumps([str(n) for n in pd.unique(lines["po_number"])])])
    if receipts.empty:
        return
    merged = lines[["po_number", "sku", "received_quantity"]].assign(
        file_row=parsed.frame["_row"]).merge(receipts, on=["po_number", "sku"])
    short = merged[merged["received_quantity"] < merged["in_app"]]
    problems = [Problem(parsed.label, int(r.file_row), "received_quantity", None,
                        f"this file says {int(r.received_quantity):,} received, but the "
                        f"workspace has {int(r.in_app):,} received in the app (receipts on "
                        f"{', '.join(sorted(str(r.days).split(',')))}): correct the file or "
                        "take the receipts back in the app")
                for r in short.head(100).itertuples(index=False)]
    if problems:
        raise ImportRejected(problems)


def backorders(db: Database, parsed: ParsedFile, run: Run, progress: Progress) -> Outcome:
    """A snapshot of the open order lines: upserted by (order_id, sku); the rest go at the end."""
    frame = _all_columns(parsed, parsed.kind.column_names)
    zero = (frame["quantity"] == 0).to_numpy(dtype=bool)
    frame = frame[~zero]
    stubs = ensure_products(db, pd.unique(frame["sku"]))
    counts = upsert(db, "backorders", frame, ["order_id", "sku"], progress=progress)
    run.snapshots.add("backorders")
    run.snapshot_keys.setdefault("backorders", []).append(frame[["order_id", "sku"]])
    skipped = {"open order lines with quantity 0 (nothing owed)": int(zero.sum())}
    return Outcome(counts, _stub_notes(stubs), {k: v for k, v in skipped.items() if v})


def forecast_overrides(db: Database, parsed: ParsedFile, run: Run, progress: Progress) -> Outcome:
    """Upsert by sku."""
    frame = _columns(parsed, parsed.kind.column_names)
    stubs = ensure_products(db, pd.unique(frame["sku"]))
    return Outcome(upsert(db, "forecast_overrides", frame, ["sku"], progress=progress),
                   _stub_notes(stubs))


def _bundle_cycle(graph: dict[str, dict[str, int]], start: str) -> list[str] | None:
    """A path start → … → start through the bundles' components, or None."""
    stack: list[tuple[str, list[str]]] = [(start, [start])]
    seen: set[str] = set()
    while stack:
        sku, path = stack.pop()
        for component in graph.get(sku, {}):
            if component == start:
                return [*path, start]
            if component not in seen:
                seen.add(component)
                stack.append((component, [*path, component]))
    return None


def bundles(db: Database, parsed: ParsedFile, run: Run, progress: Progress) -> Outcome:
    """The file's bundles get exactly the file's component lists; other bundles are kept. A
    bundle that would contain itself through other bundles refuses the file."""
    frame = parsed.frame[["bundle_sku", "component_sku", "quantity", "_row"]]
    named = sorted(set(frame["bundle_sku"]))
    stored = pd.DataFrame(db.execute("SELECT bundle_sku, component_sku, quantity FROM bundles")
                          .fetchall(), columns=["bundle_sku", "component_sku", "quantity"])
    graph: dict[str, dict[str, int]] = {}
    for bundle, component, quantity in stored[~stored["bundle_sku"].isin(named)].itertuples(
            index=False):
        graph.setdefault(bundle, {})[component] = int(quantity)
    for bundle, component, quantity, _ in frame.itertuples(index=False):
        graph.setdefault(bundle, {})[component] = int(quantity)
    problems = []
    for bundle, component, _, row in frame.itertuples(index=False):
        cycle = _bundle_cycle({**graph, bundle: {component: 1}}, bundle)
        if cycle:
            problems.append(Problem(
                parsed.label, int(row), "component_sku", str(component),
                f"allowed here: bundle {bundle} would contain itself ({' → '.join(cycle)}); "
                "a bundle cannot contain itself, directly or through other bundles"))
    if problems:
        raise ImportRejected(problems)
    stubs = ensure_products(db, pd.concat([frame["bundle_sku"], frame["component_sku"]]))
    before = {(b, c): int(q) for b, c, q in stored[stored["bundle_sku"].isin(named)]
              .itertuples(index=False)}
    after = {(b, c): int(q) for b, c, q, _ in frame.itertuples(index=False)}
    counts = Counts(inserted=len(after.keys() - before.keys()),
                    updated=sum(1 for k in after.keys() & before.keys() if after[k] != before[k]),
                    unchanged=sum(1 for k in after.keys() & before.keys()
                                  if after[k] == before[k]),
                    removed=len(before.keys() - after.keys()))
    if counts.inserted or counts.updated or counts.removed:
        db.conn.executemany("DELETE FROM bundles WHERE bundle_sku = ?", [[b] for b in named])
        db.conn.executemany("INSERT INTO bundles(bundle_sku, component_sku, quantity) "
                            "VALUES (?, ?, ?)", [[b, c, q] for (b, c), q in after.items()])
    notes = _stub_notes(stubs)
    if counts.removed:
        notes.append(f"removed {plural(counts.removed, 'component')} that the file no longer "
                     "lists for its bundles")
    return Outcome(counts, notes)


def events(db: Database, parsed: ParsedFile, run: Run, progress: Progress) -> Outcome:
    """Upsert by (name, sku, supplier); a blank sku / supplier is stored as '' (all of them)."""
    frame = _all_columns(parsed, ["name", "start_date", "end_date", "sku", "supplier",
                                  "uplift_pct", "uplift_units"])
    for column in ("sku", "supplier"):
        frame[column] = frame[column].astype(object).where(frame[column].notna(), "")
    for column in ("uplift_pct", "uplift_units"):
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype(float)
    counts = upsert(db, "events", frame, ["name", "sku", "supplier"], progress=progress)
    known = {r[0] for r in db.execute("SELECT sku FROM products")}
    unknown = sorted(set(frame["sku"]) - known - {""})
    notes = (["events for SKUs not in the catalog (kept; they apply once the SKU exists): "
              + _listing(unknown)] if unknown else [])
    return Outcome(counts, notes)


def shopify_orders(db: Database, parsed: ParsedFile, run: Run, progress: Progress) -> Outcome:
    """Sales and open order lines of the orders in the file; other orders are left alone."""
    orders = shopify.order_lines(parsed)
    stubs = ensure_products(db, pd.concat([orders.sales["sku"], orders.backorders["sku"]]),
                            orders.product_names)
    counts, changed = write_sales(db, orders.sales, progress)
    removed, removed_skus = remove_order_lines(
        db, "sales", orders.order_ids, orders.sales[["order_id", "sku", "date"]],
        where="channel = 'shopify'")
    counts.removed += removed
    if removed:
        changed |= removed_skus
    run.changed_skus |= changed
    waiting = upsert(db, "backorders", orders.backorders, ["order_id", "sku"])
    gone, _ = remove_order_lines(db, "backorders", orders.order_ids,
                                 orders.backorders[["order_id", "sku"]])
    run.snapshot_keys.setdefault("backorders", []).append(orders.backorders[["order_id", "sku"]])
    notes = _stub_notes(stubs) + orders.notes
    notes.append(f"open order lines (backorders): {len(orders.backorders)} in the file, "
                 f"{waiting.inserted} new, {waiting.updated} updated, {gone} no longer open")
    if removed:
        notes.append(f"removed {plural(removed, 'stored line')} of these orders that the file "
                     "no longer has")
    return Outcome(counts, notes, orders.skipped_reasons)


def shopify_inventory(db: Database, parsed: ParsedFile, run: Run, progress: Progress) -> Outcome:
    """Stock per SKU summed over locations; a snapshot that replaces the inventory."""
    stock = shopify.stock_levels(parsed)
    frame = stock.inventory.assign(hold_release_date=None)
    outcome = _stock(db, frame, run, progress, stock.product_names)
    outcome.notes += stock.notes
    return outcome


def _implausible(items: list[str]) -> list[str]:
    """One note listing implausible rows that were imported (none: no note)."""
    if not items:
        return []
    more = f"; and {len(items) - 10:,} more" if len(items) > 10 else ""
    return [f"implausible, imported as they are (check them): {'; '.join(items[:10])}{more}"]


#: an exchange rate more than this many times off its currency's other rate is noted
FX_JUMP = 10.0


def fx_rates(db: Database, parsed: ParsedFile, run: Run, progress: Progress) -> Outcome:
    """Upsert by (currency, date); a rate without a date applies from the beginning ('')."""
    frame = _all_columns(parsed, ["currency", "date", "rate"])
    frame["date"] = frame["date"].fillna("")
    notes = _implausible(_fx_jumps(db, frame, parsed.frame["_row"]))
    return Outcome(upsert(db, "fx_rates", frame, ["currency", "date"], progress=progress), notes)


def _fx_jumps(db: Database, frame: pd.DataFrame, rows: pd.Series) -> list[str]:
    """Rows whose rate is more than FX_JUMP times off the currency's rate of the nearest
    earlier date (else the nearest later one), stored or in the file (an inverted rate)."""
    stored = pd.DataFrame(db.execute("SELECT currency, date, rate FROM fx_rates").fetchall(),
                          columns=["currency", "date", "rate"])
    every = pd.concat([stored, frame[["currency", "date", "rate"]]]).drop_duplicates(
        ["currency", "date"], keep="last")
    found = []
    for currency, day, rate, row in zip(frame["currency"], frame["date"], frame["rate"], rows,
                                        strict=True):
        others = every[(every["currency"] == currency) & (every["date"] != day)].sort_values(
            "date")
        if others.empty or not rate or rate != rate:
            continue
        earlier = others[others["date"] < day]
        other = earlier.iloc[-1] if len(earlier) else others.iloc[0]
        ratio = float(rate) / float(other["rate"])
        if ratio > FX_JUMP or ratio < 1 / FX_JUMP:
            found.append(f"row {int(row)}: {currency} {float(rate):g} is more than "
                         f"{FX_JUMP:g} times off its other rate ({float(other['rate']):g} on "
                         f"{other['date'] or 'no date'}): inverted?")
    return found


def price_breaks(db: Database, parsed: ParsedFile, run: Run, progress: Progress) -> Outcome:
    """Upsert by (sku, supplier, min_quantity); a break without a supplier applies to any ('')."""
    frame = _all_columns(parsed, ["sku", "supplier", "min_quantity", "unit_cost"])
    frame["supplier"] = frame["supplier"].fillna("")
    stubs = ensure_products(db, pd.unique(frame["sku"]))
    notes = _implausible(_odd_breaks(frame.assign(row=parsed.frame["_row"])))
    return Outcome(upsert(db, "price_breaks", frame, ["sku", "supplier", "min_quantity"],
                          progress=progress), _stub_notes(stubs) + notes)


def _odd_breaks(frame: pd.DataFrame) -> list[str]:
    """A file's price breaks that cost nothing, or more than a smaller quantity's break of the
    same SKU and supplier (a break is a discount)."""
    ordered = frame.sort_values(["sku", "supplier", "min_quantity"])
    before = ordered.groupby(["sku", "supplier"], sort=False)[["unit_cost", "min_quantity"]].shift()
    found = []
    for line, cost, low in zip(ordered.itertuples(index=False), before["unit_cost"],
                               before["min_quantity"], strict=True):
        if line.unit_cost == 0:
            found.append((int(line.row), f"row {int(line.row)}: {line.sku} costs 0 from "
                                         f"{int(line.min_quantity):,} units (free?)"))
        elif cost == cost and line.unit_cost > cost:
            found.append((int(line.row), f"row {int(line.row)}: {line.sku} costs "
                                         f"{line.unit_cost:g} from {int(line.min_quantity):,} "
                                         f"units, more than {cost:g} from {int(low):,}"))
    return [text for _, text in sorted(found)]


APPLY: dict[str, Callable[[Database, ParsedFile, Run, Progress], Outcome]] = {
    "products": products, "suppliers": suppliers, "sales": sales, "inventory": inventory,
    "purchase_orders": purchase_orders, "backorders": backorders,
    "forecast_overrides": forecast_overrides, "shopify_orders": shopify_orders,
    "events": events,
    "shopify_inventory": shopify_inventory, "fx_rates": fx_rates, "price_breaks": price_breaks,
    "bundles": bundles,
}

#: Files are written in this order within one import, so referenced rows exist first.
WRITE_ORDER = ["suppliers", "fx_rates", "products", "price_breaks", "bundles",
               "forecast_overrides", "purchase_orders", "inventory",
               "shopify_inventory", "sales", "shopify_orders", "backorders",
               "events"]


def finish_snapshots(db: Database, run: Run) -> dict[str, int]:
    """Delete rows of snapshot tables that no file of this import had; rows removed per table."""
    removed = {}
    for table in sorted(run.snapshots):
        keep = pd.concat(run.snapshot_keys[table], ignore_index=True).drop_duplicates()
        within = "snapshot_date" if "snapshot_date" in keep else None
        removed[table] = remove_missing(db, table, keep, within=within)
    return removed
