"""The rules where features meet, as properties over generated workspaces (issue 23).

Marked slow (each example imports and plans a workspace a few times): CI runs them once.

Each example builds a small workspace from CSV files through `planner import` (one to four SKUs,
suppliers in USD, EUR and CNY with or without an exchange rate, stock, open POs, a planner's
demand rate, sometimes a monthly budget), then walks it through the `planner` command in this
process (the interface of docs/reference.md) and checks that the numbers agree:

- every suggestion, its lines and the PO approving it creates share one dock date, never earlier
  than the order date plus the SKU's lead time;
- per month, committed POs + planned orders ≤ the budget; what no month can fund is apart;
- approving every "order now" suggestion and planning again suggests nothing new now;
- recording a receipt of N raises on-hand by N, and the plan then sees N fewer on order;
- every money value names its currency, and a value without an exchange rate is unknown (null);
- a SKU is never both "stocks out within its lead time" and excess.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import json
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.cli import main as planner_main

AS_OF = dt.date(2025, 6, 2)
CURRENCIES = ("USD", "EUR", "CNY")
EXAMPLES = 25


@dataclass
class Sku:
    sku: str
    supplier: str
    unit_cost: int
    unit_price: int
    lead_time_days: int
    demand_per_day: int
    on_hand: int
    open_po: int  # units on an open PO placed before as-of (0: none)
    po_due_in_days: int


@dataclass
class Shop:
    skus: list[Sku]
    currencies: dict[str, str]  # supplier → currency
    rates: dict[str, float]  # currency → rate (missing: no rate)
    budget: int


@st.composite
def shops(draw: st.DrawFn) -> Shop:
    suppliers = draw(st.lists(st.sampled_from(["Kiln", "Loom", "Forge"]), min_size=1,
                              max_size=2, unique=True))
    currencies = {s: draw(st.sampled_from(CURRENCIES)) for s in suppliers}
    rates = {c: draw(st.sampled_from([0.14, 1.1])) for c in ("EUR", "CNY")
             if draw(st.booleans())}
    n = draw(st.integers(1, 4))
    skus = [Sku(sku=f"SKU-{i}", supplier=draw(st.sampled_from(suppliers)),
                unit_cost=draw(st.integers(1, 40)), unit_price=draw(st.integers(41, 90)),
                lead_time_days=draw(st.integers(3, 60)), demand_per_day=draw(st.integers(0, 30)),
                on_hand=draw(st.integers(0, 600)),
                open_po=draw(st.sampled_from([0, 0, 50, 300])),
                po_due_in_days=draw(st.integers(-5, 40)))
            for i in range(n)]
    budget = draw(st.sampled_from([0, 0, 2_000, 20_000]))
    return Shop(skus=skus, currencies=currencies, rates=rates, budget=budget)


@contextlib.contextmanager
def today(day: dt.date) -> Iterator[None]:
    before = os.environ.get("PLANNER_TODAY")
    os.environ["PLANNER_TODAY"] = day.isoformat()
    try:
        yield
    finally:
        if before is None:
            del os.environ["PLANNER_TODAY"]
        else:
            os.environ["PLANNER_TODAY"] = before


def planner(*args: str, day: dt.date = AS_OF) -> str:
    """Run `planner` in this process; returns what it printed (fails the test on an error)."""
    out, err = io.StringIO(), io.StringIO()
    with today(day), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = planner_main(list(args))
    assert status == 0, f"planner {' '.join(args)}: {err.getvalue()}"
    return out.getvalue()


def _csv(path: Path, header: list[str], rows: list[list[object]]) -> str:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return str(path)


def build(shop: Shop, folder: Path) -> str:
    """The workspace of ``shop``, imported from CSV files as a user would."""
    ws = str(folder / "shop.db")
    order_day = (AS_OF - dt.timedelta(days=20)).isoformat()
    files = [
        _csv(folder / "suppliers.csv", ["supplier", "currency", "lead_time_days"],
             [[s, c, 30] for s, c in shop.currencies.items()]),
        _csv(folder / "products.csv", ["sku", "supplier", "unit_cost", "unit_price",
                                       "lead_time_days", "lead_time_std_days", "moq",
                                       "case_pack"],
             [[k.sku, k.supplier, k.unit_cost, k.unit_price, k.lead_time_days, 0, 0, 1]
              for k in shop.skus]),
        _csv(folder / "inventory.csv", ["sku", "on_hand", "snapshot_date"],
             [[k.sku, k.on_hand, AS_OF.isoformat()] for k in shop.skus]),
        _csv(folder / "overrides.csv", ["sku", "demand_per_day", "demand_std_per_day"],
             [[k.sku, k.demand_per_day, k.demand_per_day / 3] for k in shop.skus]),
    ]
    if shop.rates:
        files.append(_csv(folder / "fx.csv", ["currency", "rate", "date"],
                          [[c, r, ""] for c, r in shop.rates.items()]))
    pos = [[f"PO-OLD-{i}", k.sku, k.open_po,
            (AS_OF + dt.timedelta(days=max(k.po_due_in_days, 1))).isoformat(), k.supplier,
            order_day] for i, k in enumerate(shop.skus) if k.open_po]
    if pos:
        files.append(_csv(folder / "pos.csv", ["po_number", "sku", "quantity", "expected_date",
                                               "supplier", "order_date"], pos))
    planner("import", ws, *files)
    planner("config", ws, "purchase_budget_per_month", str(shop.budget))
    return ws


def plan(ws: str, folder: Path, as_of: dt.date = AS_OF) -> dict:
    out = folder / "plan.json"
    planner("plan", ws, "--as-of", as_of.isoformat(), "--json", str(out), day=as_of)
    return json.loads(out.read_text(encoding="utf-8"))


def _day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def _run(shop: Shop, check) -> None:
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        ws = build(shop, folder)
        check(shop, ws, folder)


def check_one_arrival_date(shop: Shop, ws: str, folder: Path) -> None:
    result = plan(ws, folder)
    lead = {s["sku"]: s["lead_time_days"] for s in result["skus"]}
    for s in result["purchase_suggestions"]:
        # each line at the dock its own lead time after the order; the PO on its latest line's
        arrivals = [_day(line["expected_arrival"]) for line in s["lines"]]
        assert _day(s["expected_arrival"]) == max(arrivals)
        for line, arrival in zip(s["lines"], arrivals, strict=True):
            assert arrival >= _day(s["order_date"]) + dt.timedelta(days=lead[line["sku"]])
            assert _day(line["sellable_date"]) >= arrival
    for sku in result["skus"]:
        if sku["order_by"] is not None:
            assert _day(sku["expected_arrival"]) >= _day(sku["order_by"]) + dt.timedelta(
                days=sku["lead_time_days"])


def check_money_names_its_currency(shop: Shop, ws: str, folder: Path) -> None:
    result = plan(ws, folder)
    home = "USD"
    for s in result["purchase_suggestions"]:
        currency = shop.currencies[s["supplier"]]
        assert s["currency"] == currency
        known = currency == home or currency in shop.rates
        assert (s["total_value"] is not None) == known
        assert s["total_value_supplier_currency"] is not None
    export = folder / "pos.csv"
    planner("export-pos", ws, "--out", str(export))
    with open(export, encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        assert row["currency"] == shop.currencies[row["supplier"]]


def check_never_excess_and_short(shop: Shop, ws: str, folder: Path) -> None:
    result = plan(ws, folder)
    for s in result["skus"]:
        if s["stockout_date"] is None or not s["excess_units"]:
            continue
        short_within_lead = _day(s["stockout_date"]) <= AS_OF + dt.timedelta(
            days=round(s["lead_time_days"]))
        assert not short_within_lead, f"{s['sku']} is excess and stocks out within its lead time"


def check_approving_now_leaves_nothing_now(shop: Shop, ws: str, folder: Path) -> None:
    before = plan(ws, folder)
    due = [s for s in before["purchase_suggestions"] if s["order_now"]]
    planner("approve", ws, "--as-of", AS_OF.isoformat(), "--now")
    after = plan(ws, folder)
    assert not [s for s in after["purchase_suggestions"] if s["order_now"]]
    # what was approved is on order, at the dock on the suggestion's date
    ordered = sum(line["quantity"] for s in due for line in s["lines"])
    on_order = sum(s["on_order"] for s in after["skus"]) - sum(s["on_order"]
                                                                 for s in before["skus"])
    assert on_order == ordered


def check_a_receipt_of_n_adds_n(shop: Shop, ws: str, folder: Path) -> None:
    open_lines = [(f"PO-OLD-{i}", k) for i, k in enumerate(shop.skus) if k.open_po]
    if not open_lines:
        return
    po, sku = open_lines[0]
    before = {s["sku"]: s for s in plan(ws, folder)["skus"]}[sku.sku]
    received = min(sku.open_po, 40)
    planner("receive", ws, po, "--sku", sku.sku, "--quantity", str(received),
            "--date", AS_OF.isoformat())
    after = {s["sku"]: s for s in plan(ws, folder)["skus"]}[sku.sku]
    assert after["on_hand"] == before["on_hand"] + received
    assert after["on_order"] == before["on_order"] - received


def check_budget_is_an_open_to_buy(shop: Shop, ws: str, folder: Path) -> None:
    if not shop.budget:
        return
    planner("approve", ws, "--as-of", AS_OF.isoformat(), "--now")
    result = plan(ws, folder)
    for month in result["budget"]["months"]:
        # placed POs may exceed a month on their own; suggestions never add to that
        assert month["committed_value"] + month["planned_value"] <= shop.budget + 0.01 \
            or month["planned_value"] == 0, month
    # what no month can fund is apart: never also a suggestion, unless the suggestion is the
    # part of that order the money did reach (a cut line)
    unfunded = {(u["sku"], u["order_date"]) for u in result["budget"]["unfunded"]}
    suggested = {(line["sku"], s["order_date"]) for s in result["purchase_suggestions"]
                 for line in s["lines"] if line.get("budget_status") != "cut"}
    assert not unfunded & suggested


_SETTINGS = settings(max_examples=EXAMPLES, deadline=None,
                     suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.slow
@_SETTINGS
@given(shops())
def test_one_arrival_date_never_before_order_plus_lead_time(shop):
    _run(shop, check_one_arrival_date)


@pytest.mark.slow
@_SETTINGS
@given(shops())
def test_every_money_value_names_its_currency(shop):
    _run(shop, check_money_names_its_currency)


@pytest.mark.slow
@_SETTINGS
@given(shops())
def test_a_sku_is_never_both_excess_and_short_within_its_lead_time(shop):
    _run(shop, check_never_excess_and_short)


@pytest.mark.slow
@_SETTINGS
@given(shops())
def test_approving_everything_due_now_leaves_nothing_due_now(shop):
    _run(shop, check_approving_now_leaves_nothing_now)


@pytest.mark.slow
@_SETTINGS
@given(shops())
def test_a_receipt_of_n_raises_on_hand_by_n(shop):
    _run(shop, check_a_receipt_of_n_adds_n)


@pytest.mark.slow
@_SETTINGS
@given(shops())
def test_committed_and_planned_stay_within_the_budget(shop):
    _run(shop, check_budget_is_an_open_to_buy)
