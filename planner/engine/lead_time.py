"""Supplier lead time and lateness learned from received purchase-order lines.

A received line (a received date on or before ``as_of`` and units received) tells how long the
supplier really took (received − ordered) and how late it was against its promise
(received − expected). An open line past its expected date is late right now.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

LEARNED_COLUMNS = ["received_lines", "lead_time_days_learned", "lead_time_std_days_learned",
                   "lateness_days_mean", "lateness_days_std", "on_time_share", "late_open_lines",
                   "ignored_receipts"]

#: A receipt whose lead time is further than this many robust spreads (1.4826 × MAD) from its
#: supplier's median is ignored as an outlier (a typo'd date, a line received years later).
OUTLIER_SPREADS = 5.0
#: ... but never for being within this share of the median, or this many days, of it.
OUTLIER_MIN_SHARE = 0.5
OUTLIER_MIN_DAYS = 14.0

_DAY = pd.Timedelta(days=1)


def _days(later: pd.Series, earlier: pd.Series) -> pd.Series:
    return (pd.to_datetime(later) - pd.to_datetime(earlier)) / _DAY


def learn_supplier_lead_times(po_lines: pd.DataFrame, *, as_of: Any) -> pd.DataFrame:
    """Per supplier: received lines, learned lead time (mean, std), lateness and late open lines.

    Lines are counted once per (PO, SKU); cancelled lines are ignored. A line is on time when it
    was received on or before its expected date.
    """
    as_of = pd.Timestamp(as_of).normalize()
    if po_lines is None or len(po_lines) == 0:
        return pd.DataFrame(columns=LEARNED_COLUMNS, index=pd.Index([], name="supplier"))
    lines = po_lines.copy()
    lines["supplier"] = lines["supplier"].fillna("").astype(str)
    status = lines.get("status", pd.Series("", index=lines.index)).fillna("").astype(str)
    status = status.str.lower()
    received_qty = pd.to_numeric(lines.get("received_quantity"), errors="coerce").fillna(0.0)
    quantity = pd.to_numeric(lines["quantity"], errors="coerce").fillna(0.0)
    received_date = pd.to_datetime(lines["received_date"])
    cancelled = status.eq("cancelled")

    received = (~cancelled & received_date.notna() & (received_date <= as_of)
                & ((received_qty > 0) | status.eq("received")))
    lead_days = _days(received_date, lines["order_date"]).where(received)
    ignored = received & _implausible(lead_days, lines["supplier"])
    received = received & ~ignored
    lead_days = lead_days.where(received)
    lateness = _days(received_date, lines["expected_date"]).where(received)
    on_time = (lateness <= 0).astype(float).where(lateness.notna())
    still_owed = ~cancelled & ~status.eq("received") & (quantity > received_qty)
    late_open = still_owed & (pd.to_datetime(lines["expected_date"]) < as_of)

    frame = pd.DataFrame({"supplier": lines["supplier"], "received": received.astype(int),
                          "lead": lead_days, "late": lateness, "on_time": on_time,
                          "late_open": late_open.astype(int),
                          "ignored": ignored.astype(int)})
    grouped = frame.groupby("supplier", sort=True)
    learned = pd.DataFrame({
        "received_lines": grouped["received"].sum().astype(int),
        "lead_time_days_learned": grouped["lead"].mean(),
        "lead_time_std_days_learned": grouped["lead"].std(ddof=1),
        "lateness_days_mean": grouped["late"].mean(),
        "lateness_days_std": grouped["late"].std(ddof=1),
        "on_time_share": grouped["on_time"].mean(),
        "late_open_lines": grouped["late_open"].sum().astype(int),
        "ignored_receipts": grouped["ignored"].sum().astype(int),
    })
    learned.index.name = "supplier"
    return learned[LEARNED_COLUMNS]


def _implausible(lead_days: pd.Series, supplier: pd.Series) -> pd.Series:
    """Receipts not to learn from: received before ordered, or a lead time far outside its
    supplier's others (median ± OUTLIER_SPREADS robust spreads, with a floor)."""
    negative = lead_days < 0
    valid = lead_days.where(~negative)
    median = valid.groupby(supplier).transform("median")
    mad = (valid - median).abs().groupby(supplier).transform("median")
    allowed = np.fmax(OUTLIER_SPREADS * 1.4826 * mad,
                      np.fmax(OUTLIER_MIN_SHARE * median.abs(), OUTLIER_MIN_DAYS))
    outlier = (valid - median).abs() > allowed
    return (negative | outlier).fillna(False).astype(bool)


#: A supplier's receipts correct its lead time once it has this many received lines.
MIN_RECEIVED_LINES_TO_LEARN = 3
#: How far learned lateness may move a stated lead time, as multiples of it.
LEARNED_LEAD_TIME_RANGE = (0.5, 3.0)


def stated_lead_times(products: pd.DataFrame, suppliers: pd.DataFrame, *,
                      default_days: float) -> pd.DataFrame:
    """The lead time the workspace states per product: its own, else its supplier's, else
    ``default_days``; the spread its own, else its supplier's, else 0.

    Returns ``products`` with lead_time_days, lead_time_std_days and lead_time_source
    ("product" | "supplier" | "default").
    """
    out = products.copy()
    sup = suppliers.set_index("supplier")
    out["lead_time_source"] = np.where(
        out["lead_time_days"].notna(), "product",
        np.where(out["supplier"].map(sup["lead_time_days"]).notna() if len(sup) else False,
                 "supplier", "default"))
    for column in ("lead_time_days", "lead_time_std_days"):
        from_supplier = out["supplier"].map(sup[column]) if len(sup) else np.nan
        out[column] = out[column].fillna(from_supplier)
    out["lead_time_days"] = out["lead_time_days"].fillna(float(default_days)).astype(float)
    out["lead_time_std_days"] = out["lead_time_std_days"].fillna(0.0).astype(float)
    return out


def effective_lead_times(products: pd.DataFrame, learned: pd.DataFrame) -> pd.DataFrame:
    """Stated lead times (stated_lead_times) corrected by what the supplier's received POs show
    (learn_supplier_lead_times): the one lead-time rule the plan uses.

    Adds lead_time_days_stated, lead_time_days_learned and lateness_days; lead_time_days becomes
    stated + mean lateness (never below zero) when the supplier has at least
    MIN_RECEIVED_LINES_TO_LEARN received lines, and the learned lead time where nothing was
    stated at all. Learning moves a stated lead time only within LEARNED_LEAD_TIME_RANGE of it
    (and at least 28 days up), and a learned spread is at most the lead time.
    """
    out = products.copy()
    out["lead_time_days_stated"] = out["lead_time_days"]
    if learned is None or learned.empty:
        out["lead_time_days_learned"] = np.nan
        out["lateness_days"] = 0.0
        return out
    enough = learned[learned["received_lines"] >= MIN_RECEIVED_LINES_TO_LEARN]
    lt_learned = out["supplier"].map(enough["lead_time_days_learned"])
    lt_std_learned = out["supplier"].map(enough["lead_time_std_days_learned"])
    lateness = out["supplier"].map(enough["lateness_days_mean"]).fillna(0.0)
    out["lead_time_days_learned"] = lt_learned
    out["lateness_days"] = lateness
    stated = out["lead_time_source"] != "default"
    stated_days = out["lead_time_days"].to_numpy(float)
    corrected = np.where(stated, stated_days + lateness.to_numpy(float),
                         lt_learned.fillna(out["lead_time_days"]).to_numpy(float))
    # what receipts show moves a stated lead time within [stated / 2, max(stated × 3, stated +
    # 28 days)], never further
    low, high = LEARNED_LEAD_TIME_RANGE
    corrected = np.where(stated, np.clip(corrected, stated_days * low,
                                         np.fmax(stated_days * high, stated_days + 28.0)),
                         corrected)
    out["lead_time_days"] = np.maximum(corrected.astype(float), 0.0)
    # a learned spread never exceeds the lead time itself (a stated spread is kept as stated)
    # (np.minimum, not np.fmin: a supplier with too few receipts has no learned spread (NaN),
    # and fmin would read that as "the whole lead time"; fmax then keeps the stated spread)
    learned_spread = np.minimum(lt_std_learned.to_numpy(float),
                                out["lead_time_days"].to_numpy(float))
    out["lead_time_std_days"] = np.fmax(out["lead_time_std_days"].to_numpy(float),
                                        learned_spread)
    return out
