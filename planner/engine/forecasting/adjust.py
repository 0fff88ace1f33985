"""History made honest before fitting, and known events laid on the forecast.

- Days a SKU had nothing to sell (stock history: a zero snapshot until stock or a sale came
  back; for histories without snapshots, zero runs implausible for the SKU's selling rate) are
  read as missing, not as zero demand.
- Past events (promotions, pushes) are taken out of the history; coming ones lift the forecast.
- A new SKU with a like-SKU borrows the reference's history × factor until it has its own.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from planner.engine.forecasting.history import WeeklyHistory, day_number

#: A new SKU borrows its like-SKU's history until it has this many days of its own.
LIKE_UNTIL_DAYS = 364
#: Zero runs shorter than this are never called stockouts without stock history.
MIN_GAP_DAYS = 14
#: A zero run is implausible when a SKU selling on this share of days around it would go
#: that long without a sale with less than this probability (sales days cluster, so the
#: independent-days chance is taken with a large margin), and only for regular sellers.
GAP_PROBABILITY = 1e-6
MIN_SELLING_SHARE = 0.25
LOCAL_DAYS = 56
#: A week with fewer observed days than this is imputed from its neighbours, not scaled up.
MIN_OBSERVED_DAYS = 3


def _day(values: pd.Series | NDArray[Any]) -> NDArray[np.int64]:
    return np.asarray(values).astype("datetime64[D]").astype(np.int64)


def event_rows(events: pd.DataFrame | None, products: pd.DataFrame) -> pd.DataFrame:
    """Events resolved to one row per SKU they apply to: sku, start, end, pct, units.

    An event names one SKU, or a supplier (its SKUs), or neither (every SKU).
    """
    columns = ["sku", "start_date", "end_date", "uplift_pct", "uplift_units"]
    if events is None or not len(events):
        return pd.DataFrame(columns=columns)
    parts = []
    for event in events.itertuples(index=False):
        sku = getattr(event, "sku", "") or ""
        supplier = getattr(event, "supplier", "") or ""
        if sku:
            skus = [sku]
        elif supplier:
            skus = products.loc[products["supplier"] == supplier, "sku"].tolist()
        else:
            skus = products["sku"].tolist()
        if skus:
            parts.append(pd.DataFrame({
                "sku": skus, "start_date": pd.Timestamp(event.start_date),
                "end_date": pd.Timestamp(event.end_date),
                "uplift_pct": float(event.uplift_pct) if pd.notna(event.uplift_pct) else 0.0,
                "uplift_units": (float(event.uplift_units) if pd.notna(event.uplift_units)
                                 else 0.0)}))
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=columns)


def remove_past_events(daily: pd.DataFrame, events: pd.DataFrame) -> pd.DataFrame:
    """Daily demand with each past event's lift taken out: (q − units) / (1 + pct/100)."""
    if not len(events) or not len(daily):
        return daily
    rows = daily.reset_index(drop=True)
    hits = rows[["sku", "date"]].reset_index().merge(events, on="sku")
    hits = hits[(hits["date"] >= hits["start_date"]) & (hits["date"] <= hits["end_date"])]
    if not len(hits):
        return daily
    by_row = hits.groupby("index").agg(
        units=("uplift_units", "sum"),
        factor=("uplift_pct", lambda pct: float(np.prod(1.0 + pct.to_numpy() / 100.0))))
    qty = rows["quantity"].to_numpy(dtype=float).copy()
    at = by_row.index.to_numpy()
    qty[at] = np.maximum((qty[at] - by_row["units"].to_numpy()) / by_row["factor"].to_numpy(),
                         0.0)
    return rows.assign(quantity=qty)


def add_future_events(daily_mean: NDArray[Any], daily_var: NDArray[Any], events: pd.DataFrame,
                      skus: pd.Index, as_of: dt.date) -> NDArray[np.bool_]:
    """Lift the daily forecast (day 1 = as_of + 1) by each coming event; rows it touched."""
    touched = np.zeros(len(skus), dtype=bool)
    if not len(events):
        return touched
    n_days = daily_mean.shape[1]
    today = day_number(as_of)
    rows = skus.get_indexer(events["sku"])
    first = _day(events["start_date"]) - today
    last = _day(events["end_date"]) - today
    for i, r in enumerate(rows):
        lo, hi = max(int(first[i]), 1), min(int(last[i]), n_days)
        if r < 0 or hi < lo:
            continue
        span = slice(lo - 1, hi)
        factor = 1.0 + events["uplift_pct"].iat[i] / 100.0
        units = events["uplift_units"].iat[i]
        daily_mean[r, span] = np.maximum(daily_mean[r, span] * factor + units, 0.0)
        daily_var[r, span] = daily_var[r, span] * factor**2 + max(units, 0.0)
        touched[r] = True
    return touched


def splice_like_skus(daily: pd.DataFrame, like: pd.DataFrame | None,
                     as_of: dt.date) -> tuple[pd.DataFrame, pd.Series]:
    """Give each SKU with a like_sku (and under LIKE_UNTIL_DAYS of its own history) the
    reference's daily demand × like_factor before its own first sale; which SKUs borrowed."""
    borrowed = pd.Series(dtype=object)
    if like is None or not len(like):
        return daily, borrowed
    like = like[like["like_sku"].notna() & (like["like_sku"] != "")
                & (like["like_sku"] != like["sku"])]
    if not len(like):
        return daily, borrowed
    today = pd.Timestamp(as_of)
    selling = daily[daily["quantity"] > 0]
    first_own = selling.groupby("sku")["date"].min()
    parts, who = [daily], {}
    by_sku = {sku: frame for sku, frame in daily.groupby("sku", sort=False)
              if sku in set(like["like_sku"])}
    for sku, ref, factor in zip(like["sku"], like["like_sku"], like["like_factor"], strict=True):
        first = first_own.get(sku, pd.NaT)
        if pd.notna(first) and (today - first).days + 1 >= LIKE_UNTIL_DAYS:
            continue
        source = by_sku.get(ref)
        if source is None or not len(source):
            continue
        factor = 1.0 if pd.isna(factor) else float(factor)
        before = source[source["date"] < first] if pd.notna(first) else source
        if not len(before):
            continue
        parts.append(before.assign(sku=sku, quantity=before["quantity"].astype(float) * factor))
        who[sku] = ref
    if len(parts) == 1:
        return daily, borrowed
    return pd.concat(parts, ignore_index=True), pd.Series(who, dtype=object)


def stockout_days(daily: pd.DataFrame, stock: pd.DataFrame | None, as_of: dt.date,
                  takes_backorders: set[str] | None = None,
                  receipts: pd.DataFrame | None = None) -> pd.DataFrame:
    """Days with nothing to sell, from stock history (sku, snapshot_date, on_hand summed over
    locations): from a zero snapshot until the next snapshot with stock, a PO receipt, the next
    sale or as_of, whichever comes first. SKUs taking backorders sell when out: none for them."""
    if stock is None or not len(stock):
        return pd.DataFrame({"sku": pd.Series(dtype=object), "day": pd.Series(dtype=np.int64)})
    takes_backorders = takes_backorders or set()
    out_skus = set(stock.loc[stock["on_hand"] <= 0, "sku"]) - takes_backorders
    if not out_skus:
        return pd.DataFrame({"sku": pd.Series(dtype=object), "day": pd.Series(dtype=np.int64)})
    stock = stock[stock["sku"].isin(out_skus)]
    daily = daily[daily["sku"].isin(out_skus)]
    today = day_number(as_of)
    # Whole arrays: (SKU code, day) pairs packed into one sortable key, one search per mark kind.
    names, codes = np.unique(stock["sku"].astype(str).to_numpy(), return_inverse=True)
    span_of_days = 1 << 32

    def keys(sku: pd.Series, day: pd.Series) -> NDArray[np.int64]:
        code = np.searchsorted(names, sku.astype(str).to_numpy())
        known = (code < names.size) & (names[np.minimum(code, names.size - 1)]
                                       == sku.astype(str).to_numpy())
        return np.sort(code[known].astype(np.int64) * span_of_days + _day(day)[known])

    def first_at_or_after(marks: NDArray[np.int64], at: NDArray[np.int64]) -> NDArray[np.int64]:
        """Per key in ``at``, the day of the first mark of the same SKU on or after it (or a
        day past every horizon)."""
        never = np.full(at.size, np.iinfo(np.int64).max)
        if not marks.size:
            return never
        i = np.searchsorted(marks, at, side="left")
        hit = i < marks.size
        found = marks[np.minimum(i, marks.size - 1)]
        same = hit & (found // span_of_days == at // span_of_days)
        return np.where(same, found % span_of_days, never)

    snap_day = _day(stock["snapshot_date"])
    snap_key = codes.astype(np.int64) * span_of_days + snap_day
    zero = stock["on_hand"].to_numpy(float) <= 0
    selling = daily[daily["quantity"] > 0]
    sales = keys(selling["sku"], selling["date"])
    got = (receipts.dropna(subset=["received_date"]) if receipts is not None and len(receipts)
           else None)
    receipt = keys(got["sku"], got["received_date"]) if got is not None else \
        np.zeros(0, dtype=np.int64)
    restocked = np.sort(snap_key[~zero])
    zero_key = snap_key[zero]
    start = snap_day[zero].copy()
    # a sale on the zero snapshot's own day: the count came after it, the gap starts next day
    start += first_at_or_after(sales, zero_key) == snap_day[zero]
    code = zero_key // span_of_days
    start_key = code * span_of_days + start
    end = np.minimum.reduce([np.full(start.size, today + 1),
                             first_at_or_after(restocked, zero_key + 1),
                             first_at_or_after(sales, start_key),
                             first_at_or_after(receipt, start_key)])
    length = np.maximum(end - start, 0)
    if not length.sum():
        return pd.DataFrame({"sku": pd.Series(dtype=object), "day": pd.Series(dtype=np.int64)})
    row = np.repeat(np.arange(start.size), length)
    offset = np.arange(row.size) - np.repeat(np.cumsum(length) - length, length)
    found = pd.DataFrame({"sku": names[code[row]].astype(object), "day": start[row] + offset})
    return found.drop_duplicates(ignore_index=True)


def implausible_zero_runs(daily: pd.DataFrame, as_of: dt.date,
                          covered_from: pd.Series | None = None) -> pd.DataFrame:
    """Zero runs between two sales that a SKU selling as it did around them would hardly have
    had (a stockout nobody recorded); only before the SKU's stock history starts
    (``covered_from``: first snapshot date per SKU)."""
    empty = pd.DataFrame({"sku": pd.Series(dtype=object), "day": pd.Series(dtype=np.int64)})
    selling = daily[daily["quantity"] > 0]
    if not len(selling):
        return empty
    codes, skus = pd.factorize(selling["sku"])
    days = _day(selling["date"])
    keep = days <= day_number(as_of)
    codes, days = codes[keep], days[keep]
    key = codes.astype(np.int64) * 10_000_000 + days
    order = np.argsort(key, kind="stable")
    key, codes, days = key[order], codes[order], days[order]
    same = codes[1:] == codes[:-1]
    gap = days[1:] - days[:-1] - 1
    cand = np.flatnonzero(same & (gap >= MIN_GAP_DAYS))
    if not cand.size:
        return empty
    base = codes[cand].astype(np.int64) * 10_000_000
    left, right = days[cand], days[cand + 1]
    first_day = days[np.searchsorted(key, base)]
    before = (np.searchsorted(key, base + left, side="right")
              - np.searchsorted(key, base + left - LOCAL_DAYS + 1))
    span_before = np.minimum(LOCAL_DAYS, left - first_day + 1)
    after = (np.searchsorted(key, base + right + LOCAL_DAYS - 1, side="right")
             - np.searchsorted(key, base + right))
    span_after = np.minimum(LOCAL_DAYS, day_number(as_of) - right + 1)
    p = np.minimum(before / np.maximum(span_before, 1), after / np.maximum(span_after, 1))
    p = np.clip(p, 0.0, 0.999)
    enough = (span_before >= 14) & (span_after >= 7)
    with np.errstate(divide="ignore"):
        chance = np.where(p > 0, gap[cand] * np.log1p(-p), 0.0)
    bad = enough & (p >= MIN_SELLING_SHARE) & (chance < np.log(GAP_PROBABILITY))
    if covered_from is not None and len(covered_from):
        limit = pd.to_datetime(covered_from.reindex(skus[codes[cand]])).to_numpy()
        has = ~pd.isna(limit)
        limit_day = np.where(has, _day(np.where(has, limit, np.datetime64("1970-01-01"))),
                             np.iinfo(np.int64).max)
        bad &= right <= limit_day
    out_sku, out_day = [], []
    for i in np.flatnonzero(bad):
        span = np.arange(left[i] + 1, right[i])
        out_sku.append(np.full(span.size, skus[codes[cand[i]]], dtype=object))
        out_day.append(span)
    if not out_sku:
        return empty
    return pd.DataFrame({"sku": np.concatenate(out_sku), "day": np.concatenate(out_day)})


def fill_missing_days(hist: WeeklyHistory, missing: pd.DataFrame, skus: pd.Index,
                      as_of: dt.date) -> NDArray[np.int64]:
    """Read missing days as missing in the weekly history: a partly missing week is scaled to
    seven days, a mostly missing one is interpolated from its neighbours. Returns the number of
    missing days per SKU since its first sale (``stockout_days_excluded``)."""
    n, t_len = hist.demand.shape
    excluded = np.zeros(n, dtype=np.int64)
    if missing is None or not len(missing):
        return excluded
    rows = skus.get_indexer(missing["sku"])
    days_ago = day_number(as_of) - missing["day"].to_numpy(np.int64)
    col = t_len - 1 - days_ago // 7
    first = hist.first_sale_days_ago
    ok = (rows >= 0) & (days_ago >= 0) & (col >= 0)
    ok &= days_ago <= np.where(rows >= 0, first[np.maximum(rows, 0)], -1)
    rows, col = rows[ok], col[ok]
    if not rows.size:
        return excluded
    excluded = np.bincount(rows, minlength=n).astype(np.int64)
    count = np.bincount(rows * t_len + col, minlength=n * t_len).reshape(n, t_len)
    observed = 7 - np.minimum(count, 7)
    affected = np.flatnonzero(count.any(axis=1))
    y = hist.demand[affected].astype(float)
    obs = observed[affected]
    scaled = np.where(obs >= MIN_OBSERVED_DAYS, y * 7.0 / np.maximum(obs, 1), np.nan)
    inside = np.arange(t_len)[None, :] >= hist.start[affected, None]
    frame = pd.DataFrame(np.where(inside, scaled, np.nan))
    filled = frame.interpolate(axis=1, limit_direction="both").fillna(0.0).to_numpy()
    hist.demand[affected] = np.where(inside, filled, 0.0)
    return excluded


def missing_days(daily: pd.DataFrame, stock: pd.DataFrame | None, as_of: dt.date, *,
                 takes_backorders: set[str] | None = None,
                 receipts: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every day (sku, day number) the forecast reads as missing: stockouts the stock history
    shows, and before it starts, implausible zero runs."""
    from_stock = stockout_days(daily, stock, as_of, takes_backorders, receipts)
    covered = (stock.groupby("sku")["snapshot_date"].min()
               if stock is not None and len(stock) else None)
    runs = implausible_zero_runs(daily, as_of, covered)
    if takes_backorders:
        runs = runs[~runs["sku"].isin(takes_backorders)]
    both = pd.concat([from_stock, runs], ignore_index=True)
    return both.drop_duplicates(ignore_index=True)
