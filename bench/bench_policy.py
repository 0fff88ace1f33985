"""Benchmark and figures for the inventory policy and purchase suggestions.

Run: /work/venv/bin/python bench/bench_policy.py [--quick]

Prints markdown tables: speed of ``inventory_policy`` and ``suggest_purchases`` on 10,000 SKUs ×
182 days, and the simulation figures per demand class (achieved cycle service and fill rate
against target, average stock against the exact policy), with variants of the lead-time process.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import importlib.util
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from planner.engine.policy import inventory_policy  # noqa: E402
from planner.engine.purchasing import suggest_purchases  # noqa: E402


def _simulation_module():
    path = ROOT / "tests" / "engine" / "test_simulation.py"
    spec = importlib.util.spec_from_file_location("policy_simulation", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules["policy_simulation"] = module
    spec.loader.exec_module(module)
    return module


def synthetic_catalog(n: int, horizon: int, seed: int = 1):
    """A catalog like a small brand's: mixed classes, MOQs, case packs, 40 suppliers."""
    rng = np.random.default_rng(seed)
    classes = rng.choice(["smooth", "erratic", "intermittent", "lumpy"], n, p=[.3, .2, .3, .2])
    per_day = np.where(np.isin(classes, ["smooth", "erratic"]), rng.gamma(2.0, 5.0, n),
                       rng.gamma(1.0, 0.4, n))
    std = np.sqrt(per_day * np.where(classes == "smooth", 1.5, 8.0))
    lead = rng.integers(10, 60, n).astype(float)
    suppliers = np.array([f"S{i:02d}" for i in range(40)])
    skus = pd.DataFrame({
        "sku": [f"SKU{i:05d}" for i in range(n)], "supplier": rng.choice(suppliers, n),
        "unit_cost": rng.gamma(2.0, 6.0, n).round(2), "moq": rng.choice([0, 50, 100, 300], n),
        "case_pack": rng.choice([1, 6, 12, 24], n), "lead_time_days": lead,
        "made_to_order": rng.random(n) < 0.02, "active": rng.random(n) > 0.03,
        "demand_per_day": per_day, "demand_class": classes, "demand_std_per_day": std,
    })
    supply = np.zeros((n, horizon))
    supply[:, 0] = rng.poisson(per_day * rng.uniform(5, 60, n))
    po_day = rng.integers(1, horizon, n)
    has_po = rng.random(n) < 0.4
    supply[np.flatnonzero(has_po), po_day[has_po]] = rng.poisson(per_day[has_po] * 30)
    backlog = np.where(rng.random(n) < 0.1, rng.poisson(per_day * 5), 0).astype(float)
    demand = np.repeat(per_day[:, None], horizon, axis=1)
    demand[:, 0] = 0.0
    vendor = pd.DataFrame({"supplier": suppliers,
                           "min_order_value": rng.choice([0.0, 500.0, 2_000.0, 5_000.0], 40)})
    return skus, supply, backlog, demand, vendor


def _best_of(fn, repeat: int = 3) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def bench_speed(n: int = 10_000, horizon: int = 182) -> None:
    skus, supply, backlog, demand, vendor = synthetic_catalog(n, horizon)
    print(f"## Speed: {n:,} SKUs × {horizon} days\n")
    print("| step | review | seconds (best of 3) | notes |")
    print("|---|---|---|---|")
    for review in (7, 0):
        for kind in ("cycle", "fill_rate"):
            seconds, policy = _best_of(lambda r=review, k=kind: inventory_policy(
                demand_per_day=skus["demand_per_day"], demand_std_per_day=skus["demand_std_per_day"],
                lead_time_days=skus["lead_time_days"] + 2, lead_time_std_days=skus["lead_time_days"] * 0.15,
                review_period_days=r, service_level=0.95, service_level_type=k,
                demand_class=skus["demand_class"]))
            counts = policy["distribution"].value_counts().to_dict()
            print(f"| inventory_policy ({kind}) | {review} | {seconds:.3f} | {counts} |")
        policy = inventory_policy(
            demand_per_day=skus["demand_per_day"], demand_std_per_day=skus["demand_std_per_day"],
            lead_time_days=skus["lead_time_days"] + 2, lead_time_std_days=skus["lead_time_days"] * 0.15,
            review_period_days=review, service_level=0.95, service_level_type="cycle",
            demand_class=skus["demand_class"])
        table = skus.assign(reorder_point=policy["reorder_point"].to_numpy(),
                            order_up_to=policy["order_up_to"].to_numpy())
        seconds, plan = _best_of(lambda t=table, r=review: suggest_purchases(
            as_of=dt.date(2024, 3, 1), horizon_days=horizon, review_period_days=r,
            dock_to_stock_days=2, skus=t, supply_daily=supply, backlog_units=backlog,
            demand_daily=demand, suppliers=vendor))
        print(f"| suggest_purchases | {review} | {seconds:.3f} | {len(plan.lines):,} lines, "
              f"{len(plan.suggestions):,} supplier POs |")
    print()


def _table(rows: list[dict], title: str) -> None:
    print(f"### {title}\n")
    print("| class | review | target | distribution | achieved | exact policy achieves "
          "| cycle service | fill rate | avg stock | exact avg stock | stock ratio |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        review = "weekly" if r["review_days"] else "continuous"
        print(f"| {r['class']} | {review} | {r['target_type']} {r['target']:.2f} | "
              f"{r['distribution']} | {r['achieved']:.3f} | {r['exact_achieved']:.3f} | "
              f"{r['cycle_service']:.3f} | {r['fill_rate']:.3f} | {r['average_stock']:.1f} | "
              f"{r['exact_average_stock']:.1f} | {r['stock_ratio']:.3f} |")
    misses = [r for r in rows if abs(r["achieved"] - r["target"]) > 0.02 or r["stock_ratio"] > 1.15]
    print(f"\n{len(misses)} of {len(rows)} cases outside ±2 points or above 1.15× stock.\n")


def bench_simulation(replications: int) -> None:
    sim = _simulation_module()
    print(f"## Simulation: {replications:,} replications × 1 year per case "
          f"(after {sim.WARMUP_DAYS} warm-up days)\n")
    for level in (0.90, 0.95, 0.98):
        cases = [dataclasses.replace(c, service_level=level) for c in sim.CASES]
        _table(sim.run_cases(cases, replications=replications),
               f"Target {level:.2f}, lead time per 28-day period (the test's process)")
    _table(sim.run_cases(sim.CASES, replications=replications, share_known=False),
           "Target 0.95, share of demand days guessed from the moments (not given)")
    _table(sim.run_cases(sim.CASES, replications=replications,
                         policy_options={"demand_class": None, "count_below_mean_units": 0.0,
                                         "demand_days_share": [1.0]}),
           "Target 0.95, ablation: normal lead-time demand for every class and no "
           "conditioning on the demand that triggered the order (what the policy would be "
           "without its count-data and cycle corrections)")
    _table(sim.run_cases(sim.CASES, replications=replications,
                         policy_options={"demand_days_share": [1.0]}),
           "Target 0.95, ablation: count data kept, cycle not conditioned on the triggering "
           "demand")
    for model, words in (("per_order_in_order", "a fresh lead time per order, delivered in order"),
                         ("per_order", "a fresh lead time per order, orders may overtake")):
        _table(sim.run_cases(sim.CASES, replications=replications, lead_model=model),
               f"Target 0.95, {words}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer replications")
    args = parser.parse_args()
    bench_speed()
    bench_simulation(500 if args.quick else 2_000)


if __name__ == "__main__":
    main()
