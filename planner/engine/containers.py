"""Container fill of suggested orders, and the two offers a buyer weighs: top up or trim.

For a supplier with ``container_m3`` (and optionally ``max_weight_kg``), a suggested order's
volume is Σ quantity × unit_volume_m3 and its weight Σ quantity × unit_weight_kg. It needs

    containers = ceil(max(volume / container_m3, weight / max_weight_kg))

and its fill is that ratio over the containers, as a percentage (the tighter of volume and
weight). Nothing here changes an order; two offers are attached to it:

- **top up** the last container with the units due soonest: lines of the supplier's later
  suggested orders, earliest first and, within an order, the SKUs whose stock runs out soonest,
  in whole case packs while space is left. Cost: the landed value paid earlier, and the holding
  cost of having it earlier (landed value × holding_cost_rate × days earlier / 365); it never
  adds stockout days.
- **trim** to one container less (when the order needs two or more): units come off the lines
  whose stock lasts longest, whole case packs, until the order fits. Cost: the landed value no
  longer bought, and the projected stockout days: units removed first eat the SKU's safety
  stock, what remains is short for (removed − safety stock) / demand per day days.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd


def _number(value: Any) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return math.nan
    return number


def _positive(value: Any) -> float:
    number = _number(value)
    return number if number > 0 else math.nan


def _load(quantities: dict[str, float], skus: dict[str, Any]) -> tuple[float, float]:
    volume = sum(q * skus[s]["volume"] for s, q in quantities.items() if s in skus)
    weight = sum(q * skus[s]["weight"] for s, q in quantities.items() if s in skus)
    return volume, weight


def _need(volume: float, weight: float, cap_m3: float, cap_kg: float) -> float:
    need = volume / cap_m3
    if not math.isnan(cap_kg):
        need = max(need, weight / cap_kg)
    return need


def _fill(need: float) -> tuple[int, float]:
    containers = max(math.ceil(need - 1e-9), 1) if need > 0 else 0
    return containers, (100.0 * need / containers if containers else 0.0)


def _money(value: float) -> str:
    return f"{value:,.2f}"


def plan_containers(suggestions: list[dict[str, Any]], *, skus: pd.DataFrame,
                    suppliers: pd.DataFrame, holding_cost_rate: float,
                    currency: str = "") -> list[dict[str, Any]]:
    """The suggestions with ``containers``, ``container_fill_pct``, ``volume_m3``,
    ``weight_kg`` and ``container_options`` (top up / trim offers, never applied) for suppliers
    that plan containers; ``why`` says it in words.

    ``skus``: sku, unit_volume_m3, unit_weight_kg, case_pack, landed_unit_cost, demand_per_day,
    safety_stock, stockout_date. ``suppliers``: supplier, container_m3, max_weight_kg.
    """
    if not suggestions or suppliers is None or "container_m3" not in suppliers:
        return suggestions
    caps = suppliers.set_index("supplier")
    caps = caps[pd.to_numeric(caps["container_m3"], errors="coerce") > 0]
    if caps.empty:
        return suggestions
    table = pd.DataFrame({
        "volume": pd.to_numeric(skus["unit_volume_m3"], errors="coerce").fillna(0.0).to_numpy(),
        "weight": pd.to_numeric(skus["unit_weight_kg"], errors="coerce").fillna(0.0).to_numpy(),
        "has_volume": pd.to_numeric(skus["unit_volume_m3"], errors="coerce").gt(0).to_numpy(),
        "case": np.maximum(pd.to_numeric(skus["case_pack"], errors="coerce").fillna(1.0), 1.0)
        .to_numpy(),
        "landed": pd.to_numeric(skus["landed_unit_cost"], errors="coerce").to_numpy(),
        "per_day": pd.to_numeric(skus["demand_per_day"], errors="coerce").fillna(0.0).to_numpy(),
        "safety": pd.to_numeric(skus["safety_stock"], errors="coerce").fillna(0.0).to_numpy(),
        # stockout as ns since the epoch; never within the horizon = the largest int
        "stockout": np.where(pd.isna(pd.to_datetime(skus["stockout_date"])),
                             np.iinfo(np.int64).max,
                             pd.to_datetime(skus["stockout_date"]).to_numpy("datetime64[ns]")
                             .astype(np.int64)),
    }, index=pd.Index(skus["sku"].to_numpy(object)))
    table = table[~table.index.duplicated()]
    info = table.to_dict("index")  # plain dicts: one lookup per line, not a pandas row
    out = [dict(s) for s in suggestions]
    for position, suggestion in enumerate(out):
        name = suggestion["supplier"]
        if name not in caps.index:
            continue
        cap_m3 = _positive(caps.at[name, "container_m3"])
        cap_kg = _positive(caps.at[name, "max_weight_kg"]) if "max_weight_kg" in caps else math.nan
        later = [s for s in out[position + 1:] if s["supplier"] == name]
        _one_order(suggestion, later, info, cap_m3, cap_kg, float(holding_cost_rate), currency)
    return out


def _one_order(suggestion: dict[str, Any], later: list[dict[str, Any]], table: dict[str, Any],
               cap_m3: float, cap_kg: float, rate: float, currency: str) -> None:
    quantities = {line["sku"]: float(line["quantity"]) for line in suggestion["lines"]}
    volume, weight = _load(quantities, table)
    need = _need(volume, weight, cap_m3, cap_kg)
    containers, fill = _fill(need)
    unknown = [s for s in quantities if s not in table or not table[s]["has_volume"]]
    suggestion.update({
        "containers": containers, "container_fill_pct": round(fill, 1),
        "volume_m3": round(volume, 3), "weight_kg": round(weight, 1), "container_m3": cap_m3,
        "max_weight_kg": None if math.isnan(cap_kg) else cap_kg,
        "lines_without_volume": unknown,
    })
    options = []
    top_up = _top_up(suggestion, later, table, volume, weight, containers, cap_m3, cap_kg, rate)
    if top_up:
        options.append(top_up)
    if containers >= 2:
        trim = _trim(suggestion, table, volume, weight, containers, cap_m3, cap_kg)
        if trim:
            options.append(trim)
    suggestion["container_options"] = options
    words = (f"{volume:,.1f} m³" + (f", {weight:,.0f} kg" if weight > 0 else "")
             + f" → {containers} container{'s' if containers != 1 else ''} of {cap_m3:g} m³, "
             f"{fill:.0f} % full")
    if unknown:
        words += f" ({len(unknown)} line(s) without unit_volume_m3 count as no space)"
    if options:
        words += "; not applied, choose: " + "; or ".join(o["text"] for o in options)
    suggestion["container_note"] = words
    previous = suggestion.get("why") or suggestion.get("min_order_value_note") or ""
    suggestion["why"] = f"{previous}; {words}" if previous else words


def _top_up(suggestion: dict[str, Any], later: list[dict[str, Any]], table: dict[str, Any],
            volume: float, weight: float, containers: int, cap_m3: float, cap_kg: float,
            rate: float) -> dict[str, Any] | None:
    free_m3 = containers * cap_m3 - volume
    free_kg = containers * cap_kg - weight if not math.isnan(cap_kg) else math.inf
    if free_m3 <= 1e-9 or free_kg <= 1e-9:
        return None
    today = pd.Timestamp(suggestion["order_date"])
    added: list[dict[str, Any]] = []
    value = holding = 0.0
    for order in later:
        when = pd.Timestamp(order["order_date"])
        lines = sorted(order["lines"], key=lambda line: (
            table[line["sku"]]["stockout"] if line["sku"] in table else np.iinfo(np.int64).max,
            line["sku"]))
        for line in lines:
            sku = line["sku"]
            if sku not in table or not table[sku]["has_volume"]:
                continue
            row = table[sku]
            room = free_m3 / row["volume"]
            if row["weight"] > 0:
                room = min(room, free_kg / row["weight"])
            units = min(float(line["quantity"]), math.floor(room / row["case"] + 1e-9) * row["case"])
            if units <= 0:
                continue
            free_m3 -= units * row["volume"]
            free_kg -= units * row["weight"]
            landed = row["landed"] if np.isfinite(row["landed"]) else 0.0
            value += units * landed
            holding += units * landed * rate * (when - today).days / 365.0
            added.append({"sku": sku, "quantity": int(units),
                          "from_order_date": when.date().isoformat()})
    if not added:
        return None
    new_volume = volume + sum(a["quantity"] * table[a["sku"]]["volume"] for a in added)
    new_weight = weight + sum(a["quantity"] * table[a["sku"]]["weight"] for a in added)
    _, fill = _fill(_need(new_volume, new_weight, cap_m3, cap_kg))
    fill = min(fill, 100.0)
    listed = ", ".join(f"{a['quantity']:,} × {a['sku']}" for a in added[:5])
    if len(added) > 5:
        listed += f" and {len(added) - 5} more"
    return {
        "kind": "top_up", "containers": containers, "container_fill_pct": round(fill, 1),
        "lines": added, "extra_value": round(value, 2), "holding_cost": round(holding, 2),
        "stockout_days": 0.0,
        "text": (f"top up the last container to {fill:.0f} % with {listed} pulled forward "
                 f"from later orders: {_money(value)} more now, {_money(holding)} holding for "
                 "having it earlier, no stockout days"),
    }


def _trim(suggestion: dict[str, Any], table: dict[str, Any], volume: float, weight: float,
          containers: int, cap_m3: float, cap_kg: float) -> dict[str, Any] | None:
    over_m3 = volume - (containers - 1) * cap_m3
    over_kg = weight - (containers - 1) * cap_kg if not math.isnan(cap_kg) else -math.inf
    lines = [line for line in suggestion["lines"]
             if line["sku"] in table and table[line["sku"]]["has_volume"]]
    # the stock that lasts longest gives first (never stocking out within the horizon = last)
    lines.sort(key=lambda line: (-table[line["sku"]]["stockout"], line["sku"]))
    removed: list[dict[str, Any]] = []
    value = stockout_days = 0.0
    for line in lines:
        if over_m3 <= 1e-9 and over_kg <= 1e-9:
            break
        row = table[line["sku"]]
        need = over_m3 / row["volume"] if over_m3 > 1e-9 else 0.0
        if over_kg > 1e-9 and row["weight"] > 0:
            need = max(need, over_kg / row["weight"])
        units = min(float(line["quantity"]), math.ceil(need / row["case"] - 1e-9) * row["case"])
        if units <= 0:
            continue
        over_m3 -= units * row["volume"]
        over_kg -= units * row["weight"]
        landed = row["landed"] if np.isfinite(row["landed"]) else 0.0
        value += units * landed
        short = max(units - row["safety"], 0.0)
        days = short / row["per_day"] if row["per_day"] > 0 else 0.0
        stockout_days += days
        removed.append({"sku": line["sku"], "quantity": -int(units),
                        "stockout_days": round(days, 1)})
    if not removed or over_m3 > 1e-9 or over_kg > 1e-9:
        return None
    new_volume = volume - sum(-r["quantity"] * table[r["sku"]]["volume"] for r in removed)
    new_weight = weight - sum(-r["quantity"] * table[r["sku"]]["weight"] for r in removed)
    fewer, fill = _fill(_need(new_volume, new_weight, cap_m3, cap_kg))
    listed = ", ".join(f"{-r['quantity']:,} × {r['sku']}" for r in removed[:5])
    if len(removed) > 5:
        listed += f" and {len(removed) - 5} more"
    return {
        "kind": "trim", "containers": fewer, "container_fill_pct": round(fill, 1),
        "lines": removed, "extra_value": round(-value, 2), "holding_cost": 0.0,
        "stockout_days": round(stockout_days, 1),
        "text": (f"trim to {fewer} container{'s' if fewer != 1 else ''} ({fill:.0f} % full) "
                 f"with {listed} fewer: {_money(value)} less, about {stockout_days:,.1f} "
                 "projected stockout days (the cut eats safety stock first)"),
    }
