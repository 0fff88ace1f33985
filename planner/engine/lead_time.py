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


def resolve_lead_times(*, product_days: Any, product_std_days: Any, supplier_days: Any,
                       supplier_std_days: Any, learned_days: Any, learned_std_days: Any,
                       received_lines: Any, default_days: float, min_received_lines: int = 3,
                       prefer_learned: bool = False) -> pd.DataFrame:
    """Lead time per SKU: product, else supplier, else learned (enough receipts), else default.

    With ``prefer_learned`` a supplier's learned lead time (from at least ``min_received_lines``
    receipts) wins over the lead time the supplier states; a product's own lead time always wins.
    Returns columns lead_time_days, lead_time_std_days and lead_time_source
    ("product" | "supplier" | "learned" | "default"). The spread follows the same order, and
    falls back to the learned spread when the chosen source gives none.
    """
    def arr(value: Any) -> np.ndarray:
        return np.asarray(pd.to_numeric(pd.Series(value), errors="coerce"), dtype=float)

    product, supplier = arr(product_days), arr(supplier_days)
    enough = np.nan_to_num(arr(received_lines)) >= min_received_lines
    learned = np.where(enough, arr(learned_days), np.nan)
    learned_std = np.where(enough, arr(learned_std_days), np.nan)
    order = [("product", product), ("supplier", supplier), ("learned", learned)]
    if prefer_learned:
        order = [order[0], order[2], order[1]]
    source = np.select([~np.isnan(values) for _, values in order], [name for name, _ in order],
                       "default")
    days = np.select([source == "product", source == "supplier", source == "learned"],
                     [product, supplier, learned], float(default_days))
    std = np.select([source == "product", source == "supplier", source == "learned"],
                    [arr(product_std_days), arr(supplier_std_days), learned_std], np.nan)
    std = np.where(np.isnan(std), learned_std, std)
    return pd.DataFrame({"lead_time_days": days, "lead_time_std_days": np.nan_to_num(std),
                         "lead_time_source": source})
