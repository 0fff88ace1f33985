"""Currencies and landed cost: supplier prices in the workspace currency, freight and duty on top.

A supplier bills in its own currency (blank = the workspace currency). ``fx_rates`` says what one
unit of a currency is worth in the workspace currency from a date on; the newest rate on or before
as-of applies (a rate without a date applies from the beginning). The landed unit cost is

    unit cost × rate × (1 + freight_pct/100 + duty_pct/100)

in the workspace currency. A supplier whose currency has no rate gets NaN rates and landed costs:
its values are unknown in the workspace currency, so they are left out of every total and the
plan says so in a warning rather than adding foreign money as if it were local.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd

SUPPLIER_COLUMNS = ["fx_rate", "fx_rate_date", "landed_factor", "currency_resolved"]


def latest_rates(fx_rates: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """Per currency, the newest rate dated on or before ``as_of`` (index currency; rate, date)."""
    if fx_rates is None or fx_rates.empty:
        return pd.DataFrame({"rate": pd.Series(dtype=float), "date": pd.Series(dtype=object)},
                            index=pd.Index([], name="currency"))
    frame = fx_rates.copy()
    frame["date"] = frame["date"].fillna("").astype(str)
    frame = frame[frame["date"] <= as_of.isoformat()]
    frame = frame.sort_values(["currency", "date"], kind="stable")
    newest = frame.groupby("currency").tail(1).set_index("currency")
    return newest[["rate", "date"]].astype({"rate": float})


def supplier_costs(suppliers: pd.DataFrame, fx_rates: pd.DataFrame, *, as_of: dt.date,
                   currency: str) -> pd.DataFrame:
    """The suppliers with ``currency_resolved`` (blank → workspace currency), ``fx_rate`` to the
    workspace currency (1 for it, NaN when no rate is known), ``fx_rate_date`` and
    ``landed_factor`` (1 + freight_pct/100 + duty_pct/100)."""
    out = suppliers.copy()
    home = currency.upper()
    own = out["currency"].fillna("").astype(str).str.strip().str.upper() if len(out) else \
        pd.Series(dtype=object)
    out["currency_resolved"] = own.where(own != "", home)
    rates = latest_rates(fx_rates, as_of)
    rate = out["currency_resolved"].map(rates["rate"]).astype(float)
    out["fx_rate"] = np.where(out["currency_resolved"] == home, 1.0, rate)
    out["fx_rate_date"] = np.where(out["currency_resolved"] == home, None,
                                   out["currency_resolved"].map(rates["date"]))
    freight = pd.to_numeric(out.get("freight_pct"), errors="coerce") if "freight_pct" in out \
        else pd.Series(0.0, index=out.index)
    duty = pd.to_numeric(out.get("duty_pct"), errors="coerce") if "duty_pct" in out \
        else pd.Series(0.0, index=out.index)
    out["landed_factor"] = 1.0 + freight.fillna(0.0) / 100.0 + duty.fillna(0.0) / 100.0
    return out


def product_costs(products: pd.DataFrame, suppliers: pd.DataFrame, *,
                  currency: str) -> pd.DataFrame:
    """Adds ``currency`` (the supplier's), ``fx_rate``, ``landed_factor`` and
    ``landed_unit_cost`` (workspace currency; NaN when the supplier's currency has no rate) to
    the products; ``suppliers`` comes from supplier_costs."""
    out = products.copy()
    by_supplier = suppliers.set_index("supplier") if len(suppliers) else None
    home = currency.upper()
    if by_supplier is None:
        out["currency"] = home
        out["fx_rate"] = 1.0
        out["landed_factor"] = 1.0
    else:
        out["currency"] = out["supplier"].map(by_supplier["currency_resolved"]).fillna(home)
        out["fx_rate"] = out["supplier"].map(by_supplier["fx_rate"]).astype(float)
        out.loc[out["currency"] == home, "fx_rate"] = 1.0
        out["landed_factor"] = out["supplier"].map(by_supplier["landed_factor"]).fillna(1.0)
    out["landed_multiplier"] = out["fx_rate"] * out["landed_factor"]
    out["landed_unit_cost"] = out["unit_cost"].astype(float) * out["landed_multiplier"]
    return out


def missing_rate_warning(suppliers: pd.DataFrame, products: pd.DataFrame,
                         currency: str) -> dict[str, Any] | None:
    """The plan warning for suppliers whose currency has no rate (None when all have one)."""
    if suppliers.empty:
        return None
    missing = suppliers[suppliers["fx_rate"].isna()]
    if products is not None and len(products) and "active" in products:
        used = set(products.loc[products["active"].astype(bool), "supplier"].dropna())
        missing = missing[missing["supplier"].isin(used)]
    if missing.empty:
        return None
    names = ", ".join(f"{s} ({c})" for s, c in zip(missing["supplier"],
                                                   missing["currency_resolved"], strict=True))
    currencies = ", ".join(sorted(set(missing["currency_resolved"])))
    return {
        "kind": "fx_rate_missing", "count": int(len(missing)),
        "message": (f"no exchange rate to {currency.upper()} on or before as-of for "
                    f"{currencies}: the values of {names} are unknown in {currency.upper()} "
                    "and left out of inventory value and order totals (import fx_rates)"),
    }
