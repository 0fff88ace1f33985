"""The demo's purchase orders: a buyer's rhythm per supplier, receipts (some late) and the
open POs that cover today's backorders."""

from __future__ import annotations

import numpy as np
import pandas as pd

from planner.demo.catalog import (
    GUANGZHOU,
    LATENESS_DAYS,
    PO_CYCLE_DAYS,
    PORTO,
    SAIGON,
    SUPPLIERS,
)

_STORY_ZERO = ("hero", "covered", "uncovered", "mto")


def _ceil_to(quantity: np.ndarray, case_pack: np.ndarray) -> np.ndarray:
    return (np.ceil(quantity / case_pack) * case_pack).astype(np.int64)


def lead_days(catalog: pd.DataFrame) -> np.ndarray:
    """Whole lead-time days per SKU: the product's own, else its supplier's."""
    supplier_lead = SUPPLIERS["lead_time_days"].to_numpy()[catalog["supplier_idx"]]
    own = catalog["lead_time_days"].to_numpy(dtype=float)
    return np.round(np.where(np.isnan(own), supplier_lead, own)).astype(int)


def _supplier_lines(catalog: pd.DataFrame, units: np.ndarray, supplier: int, lead: np.ndarray,
                    rng: np.random.Generator) -> pd.DataFrame:
    """Every PO line to one supplier: one PO per review cycle, each SKU every m-th cycle."""
    rows = np.nonzero(catalog["supplier_idx"].to_numpy() == supplier)[0]
    if not len(rows):
        return pd.DataFrame()
    days = units.shape[1]
    as_of_day = days - 1
    cycle = int(PO_CYCLE_DAYS[supplier])
    lead_s = lead[rows][:, None]
    launch = catalog["launch_day"].to_numpy()[rows][:, None]
    end = catalog["end_day"].to_numpy()[rows][:, None]
    end = np.where(end >= as_of_day, 10**6, end)  # still selling: keep ordering
    moq = catalog["moq"].to_numpy()[rows][:, None].astype(float)
    case = catalog["case_pack"].to_numpy()[rows][:, None].astype(float)

    phase = int(rng.integers(0, cycle))
    order_days = np.arange(as_of_day - phase, -int(lead_s.max()) - cycle, -cycle)[::-1]
    alive_days = np.maximum(1, np.minimum(end[:, 0], as_of_day) - np.maximum(launch[:, 0], 0) + 1)

    per_day = units[rows].sum(axis=1) / alive_days
    every = np.clip(np.ceil(np.maximum(moq[:, 0], case[:, 0])
                            / np.maximum(per_day * cycle, 1e-9)), 1, 8).astype(int)
    offset = rng.integers(0, every)
    j = np.arange(len(order_days))[None, :]
    include = ((j + offset[:, None]) % every[:, None] == 0)
    include &= order_days[None, :] >= launch - lead_s - cycle
    include &= order_days[None, :] + lead_s <= end

    # Quantity: demand expected over the cycles this order covers, from the arrival on.
    cum = np.concatenate([np.zeros((len(rows), 1)), np.cumsum(units[rows], axis=1)], axis=1)
    cover = (every * cycle)[:, None]
    w_start = np.clip(order_days[None, :] + lead_s, 0, max(days - 28, 0))
    w_end = np.minimum(w_start + np.maximum(cover, 28), days)
    row_ix = np.arange(len(rows))[:, None]
    rate = (cum[row_ix, w_end] - cum[row_ix, w_start]) / np.maximum(w_end - w_start, 1)
    rate = np.maximum(rate, 0.5 * per_day[:, None])
    quantity = rate * cover * rng.uniform(0.9, 1.3, rate.shape)
    quantity = _ceil_to(np.maximum(np.maximum(quantity, moq), 1), case)

    mean_late, sd_late = LATENESS_DAYS[supplier]
    late = np.clip(np.round(rng.normal(mean_late, sd_late, len(order_days))), -3, 40).astype(int)
    r, c = np.nonzero(include)
    expected = order_days[c] + lead_s[r, 0]
    return pd.DataFrame({
        "supplier_idx": supplier, "order_day": order_days[c], "sku_idx": rows[r],
        "quantity": quantity[r, c], "expected_day": expected, "arrival_day": expected + late[c],
        "partial": False, "cancelled": False,
    })


def _story_open_line(lines: pd.DataFrame, catalog: pd.DataFrame, lead: np.ndarray, sku: int,
                     quantity: int, as_of_day: int, earliest_in_days: int) -> pd.DataFrame:
    """An open line for a story SKU on its supplier's next PO (or a new one)."""
    supplier = int(catalog["supplier_idx"].iloc[sku])
    mine = lines[(lines["supplier_idx"] == supplier)
                 & (lines["order_day"] + lead[sku] >= as_of_day + earliest_in_days)
                 & (lines["order_day"] <= as_of_day)]
    order_day = (int(mine["order_day"].min()) if len(mine)
                 else as_of_day - int(lead[sku]) + earliest_in_days + 7)
    expected = order_day + int(lead[sku])
    return pd.DataFrame([{"supplier_idx": supplier, "order_day": order_day, "sku_idx": sku,
                          "quantity": quantity, "expected_day": expected,
                          "arrival_day": as_of_day + 10_000, "partial": False,
                          "cancelled": False}])


def _po_numbers(lines: pd.DataFrame, start: pd.Timestamp) -> pd.DataFrame:
    heads = lines[["order_day", "supplier_idx"]].drop_duplicates().sort_values(
        ["order_day", "supplier_idx"]).reset_index(drop=True)
    year = (start + pd.to_timedelta(heads["order_day"], unit="D")).dt.year
    heads["po_number"] = ("PO-" + year.astype(str) + "-"
                          + (heads.groupby(year).cumcount() + 1).map("{:04d}".format))
    return heads


def _make_one_overdue(lines: pd.DataFrame, ordinary: pd.Series,
                      as_of_day: int) -> tuple[int, int] | None:
    """The latest PO of the slowest supplier that was due lately has not arrived: overdue."""
    supplier_lead = SUPPLIERS["lead_time_days"].to_numpy()[lines["supplier_idx"]]
    due = lines["order_day"] + supplier_lead
    due_lately = ordinary & (due < as_of_day - 2) & (due > as_of_day - 30)
    for supplier in (SAIGON, GUANGZHOU, PORTO):
        candidates = lines[due_lately & (lines["supplier_idx"] == supplier)]
        if len(candidates):
            order_day = int(candidates["order_day"].max())
            late = ordinary & (lines["supplier_idx"] == supplier) & (
                lines["order_day"] == order_day)
            lines.loc[late, "arrival_day"] = as_of_day + 9
            return supplier, order_day
    return None


def _mark_partial_and_cancelled(lines: pd.DataFrame, received: pd.Series,
                                as_of_day: int) -> None:
    """The latest Porto receipt came in part; a year ago one kettle-maker line was cancelled."""
    for supplier in (PORTO, GUANGZHOU, SAIGON):
        got = lines[received & (lines["supplier_idx"] == supplier)]
        if len(got):
            latest = got[got["arrival_day"] == got["arrival_day"].max()]
            lines.loc[latest["quantity"].idxmax(), "partial"] = True
            break
    for supplier in (GUANGZHOU, SAIGON, PORTO):
        got = lines[received & (lines["supplier_idx"] == supplier) & ~lines["partial"]]
        if len(got):
            lines.loc[(got["order_day"] - (as_of_day - 365)).abs().idxmin(), "cancelled"] = True
            break


def build_purchase_orders(catalog: pd.DataFrame, units: np.ndarray, dates: pd.DatetimeIndex,
                          backorder_units: pd.Series, made_to_order_due: int,
                          rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Purchase order headers and lines with receipts, the late, the overdue and the partial."""
    days = len(dates)
    as_of_day = days - 1
    lead = lead_days(catalog)
    lines = pd.concat([_supplier_lines(catalog, units, s, lead, rng)
                       for s in range(len(SUPPLIERS))], ignore_index=True)
    role = catalog["role"].to_numpy()
    story_zero = np.isin(role, _STORY_ZERO)
    line_role = role[lines["sku_idx"]]
    open_now = lines["arrival_day"] > as_of_day
    # Story SKUs at zero get their open supply below; nobody reordered the uncovered one.
    drop = story_zero[lines["sku_idx"]] & open_now
    drop |= (line_role == "uncovered") & (lines["order_day"] + lead[lines["sku_idx"]]
                                          > as_of_day - 25)
    lines = lines[~drop].reset_index(drop=True)
    ordinary = ~story_zero[lines["sku_idx"]]

    overdue_key = _make_one_overdue(lines, ordinary, as_of_day)
    received = (lines["arrival_day"] <= as_of_day) & ordinary
    _mark_partial_and_cancelled(lines, received, as_of_day)

    story = []
    case = catalog["case_pack"].to_numpy()
    moq = catalog["moq"].to_numpy()
    recent = units[:, -28:].sum(axis=1) / 28
    for sku in np.nonzero(np.isin(role, ("hero", "covered")))[0]:
        owed = int(backorder_units.get(catalog["sku"].iloc[sku], 0))
        qty = int(_ceil_to(np.array([max(moq[sku], owed + recent[sku] * 45, 1)]),
                           np.array([case[sku]]))[0])
        story.append(_story_open_line(lines, catalog, lead, sku, qty, as_of_day, 6))
    for sku in np.nonzero(role == "mto")[0]:
        if made_to_order_due > 0:
            story.append(_story_open_line(lines, catalog, lead, sku, made_to_order_due,
                                          as_of_day, 3))
    if story:
        lines = pd.concat([lines, *story], ignore_index=True)
    return _frames(lines, catalog, dates, overdue_key, rng)


def _frames(lines: pd.DataFrame, catalog: pd.DataFrame, dates: pd.DatetimeIndex,
            overdue_key: tuple[int, int] | None,
            rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame]:
    as_of_day = len(dates) - 1
    start = np.datetime64(dates[0].date(), "D")

    def iso(day: pd.Series) -> np.ndarray:
        return (start + day.to_numpy().astype("timedelta64[D]")).astype(str)

    heads = _po_numbers(lines, dates[0])
    lines = lines.merge(heads, on=["order_day", "supplier_idx"], how="left")
    received = lines["arrival_day"] <= as_of_day
    short = received & (rng.random(len(lines)) < 0.04)
    received_qty = np.where(short, np.floor(lines["quantity"] * rng.uniform(0.85, 0.98,
                                                                            len(lines))),
                            lines["quantity"])
    received_qty = np.where(lines["partial"], np.round(lines["quantity"] * 0.6), received_qty)
    received_qty = np.where(received & ~lines["cancelled"], received_qty, 0).astype(np.int64)
    status = np.select([lines["cancelled"], lines["partial"], received],
                       ["cancelled", "open", "received"], "open")
    received_date = np.where(received & ~lines["cancelled"], iso(lines["arrival_day"]), None)
    unit_cost = catalog["unit_cost"].to_numpy(dtype=float)[lines["sku_idx"]]
    unit_cost = np.round(np.where(lines["order_day"] < as_of_day - 365, unit_cost * 0.97,
                                  unit_cost), 2)
    po_lines = pd.DataFrame({
        "po_number": lines["po_number"], "sku": catalog["sku"].to_numpy()[lines["sku_idx"]],
        "quantity": lines["quantity"].astype(np.int64), "expected_date": iso(lines["expected_day"]),
        "received_quantity": received_qty, "received_date": received_date, "status": status,
        "unit_cost": unit_cost,
    }).sort_values(["po_number", "sku"], kind="stable").reset_index(drop=True)

    notes = np.full(len(heads), None, dtype=object)
    if overdue_key is not None:
        overdue = ((heads["supplier_idx"] == overdue_key[0])
                   & (heads["order_day"] == overdue_key[1])).to_numpy()
        notes[overdue] = "Container rolled to the next vessel; supplier has no new date yet"
    partial_po = lines.loc[lines["partial"], "po_number"]
    notes[heads["po_number"].isin(partial_po).to_numpy()] = "Part shipment; balance to follow"
    purchase_orders = pd.DataFrame({
        "po_number": heads["po_number"],
        "supplier": SUPPLIERS["supplier"].to_numpy()[heads["supplier_idx"]],
        "order_date": iso(heads["order_day"]), "note": notes,
    })
    return purchase_orders, po_lines
