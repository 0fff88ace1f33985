"""The whole forecast chain on series whose truth is known (issue 24).

Builds the known-truth catalog of tests/engine/known_truth.py (Poisson 50 and 2 a day, normal,
intermittent 1.5 a day, rising trend, true season, a pause that ended, real retirements) at
``--scale`` times the suite's 40 SKUs, forecasts it as a plan does (each global-model
setting), sets the policy for a 95 % cycle service level and simulates the first cycle after
as-of on fresh draws of the true process. Per kind: achieved cycle service level, fill rate,
forecast over the true rate, WAPE of the lead-time + review total and of the 13-week total
against the true means, and how many SKUs were labelled retiring or given a seasonal ratio.

  PYTHONPATH=. python bench/bench_known_truth.py [--scale 10] [--seed 24]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.engine import known_truth as kt  # noqa: E402

SETTINGS = {"off": False, "blend": 0.5, "by_class": True}


def table(catalog: kt.Catalog, planned: pd.DataFrame) -> pd.DataFrame:
    achieved = kt.simulate(catalog, planned["order_up_to"].to_numpy())
    said = planned["forecast_model"].astype(str) + " " + planned["why_model"].astype(str)
    first = kt.HISTORY_DAYS
    window = int(kt.LEAD_MEAN) + kt.REVIEW
    true_lead = catalog.rate[:, first:first + window].sum(axis=1)
    true_13 = catalog.rate[:, first:first + 91].sum(axis=1)
    fc_lead = planned["demand_per_day"].to_numpy(float) * window
    fc_13 = planned["next_13_weeks"].to_numpy(float)
    frame = pd.DataFrame({
        "kind": catalog.kind, "cycle_service": achieved["cycle_service"].to_numpy(),
        "fill_rate": achieved["fill_rate"].to_numpy(),
        "fc_over_true": fc_lead / true_lead,
        "err_lead": np.abs(fc_lead - true_lead), "true_lead": true_lead,
        "err_13": np.abs(fc_13 - true_13), "true_13": true_13,
        "retiring": said.str.contains("retiring").to_numpy(),
        "seasonal_ratio": said.str.contains("seasonal ratio").to_numpy()})
    g = frame.groupby("kind", sort=False)
    out = g[["cycle_service", "fill_rate", "fc_over_true"]].mean()
    out["wape_lead"] = g["err_lead"].sum() / g["true_lead"].sum()
    out["wape_13w"] = g["err_13"].sum() / g["true_13"].sum()
    out["retiring"] = g["retiring"].sum().astype(int)
    out["seasonal_ratio"] = g["seasonal_ratio"].sum().astype(int)
    out["skus"] = g.size()
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=int, default=10)
    parser.add_argument("--seed", type=int, default=24)
    parser.add_argument("--only", choices=tuple(SETTINGS))
    args = parser.parse_args()
    catalog = kt.make_catalog({k: v * args.scale for k, v in kt.KINDS.items()}, seed=args.seed)
    pd.set_option("display.width", 200)
    for name, weight in SETTINGS.items():
        if args.only and name != args.only:
            continue
        started = time.process_time()
        planned = kt.plan(catalog, global_model=weight)
        seconds = time.process_time() - started
        out = table(catalog, planned)
        five = out.loc[["poisson50", "poisson2", "normal", "intermittent", "trend", "seasonal"]]
        print(f"\nglobal model {name}: {len(catalog.skus)} SKUs, forecast + policy "
              f"{seconds:.1f} s CPU; target cycle service {kt.TARGET}")
        print(out.round(3).to_string())
        print(f"mean over the flat and seasonal kinds: cycle {five['cycle_service'].mean():.3f}"
              f", fill {five['fill_rate'].mean():.3f}")


if __name__ == "__main__":
    main()
