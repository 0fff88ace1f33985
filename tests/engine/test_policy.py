"""Safety stock, reorder points and order-up-to levels against published textbook answers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from planner.engine.policy import (
    estimated_demand_days_share,
    expected_order_quantity,
    inventory_policy,
    normal_loss,
)


def _policy(**overrides):
    args = dict(demand_per_day=[100.0], demand_std_per_day=[20.0], lead_time_days=[10.0],
                lead_time_std_days=[0.0], review_period_days=0, service_level=0.95,
                service_level_type="cycle")
    args.update(overrides)
    return inventory_policy(**args)


def test_normal_loss_table_values():
    # Standard normal loss table: G(0) = 0.3989, G(1) = 0.0833, G(2) = 0.0085.
    assert normal_loss([0.0, 1.0, 2.0]) == pytest.approx([0.3989, 0.0833, 0.0085], abs=1e-4)


def test_fill_rate_target_gives_back_the_textbook_reorder_point():
    # The same case run forwards: a 95.6% fill rate with Q = 1,000 needs a reorder point ≈ 600.
    table = _policy(demand_per_day=[250 / 7], demand_std_per_day=[150 / np.sqrt(7)],
                    lead_time_days=[14.0], service_level=0.95614, service_level_type="fill_rate",
                    order_quantity=[1_000.0])
    row = table.iloc[0]
    assert row["reorder_point"] == pytest.approx(600, abs=1.0)
    assert row["safety_stock"] == pytest.approx(100, abs=1.0)
    assert row["distribution"] == "normal"
    assert row["order_up_to"] == pytest.approx(row["reorder_point"] + 1_000)


def test_cycle_service_97_percent_textbook_case():
    # Lead-time demand mean 50, σ 5, 97% cycle service -> z = 1.88, safety stock 9.4.
    row = _policy(demand_per_day=[50.0], demand_std_per_day=[5.0], lead_time_days=[1.0],
                  service_level=0.97).iloc[0]
    assert row["safety_stock"] == pytest.approx(9.4, abs=0.05)
    assert row["z"] == pytest.approx(1.88, abs=0.005)
    assert row["reorder_point"] == pytest.approx(59.4, abs=0.05)


def test_lead_time_variability_enters_the_safety_stock():
    # d = 100/day, σ_d = 20, L = 10 days, σ_L = 2 days, 95%:
    # SS = 1.645 · sqrt(10·20² + 100²·2²) = 1.645 · 209.8 ≈ 345; ROP = 1,000 + 345.
    row = _policy(lead_time_std_days=[2.0]).iloc[0]
    assert row["safety_stock"] == pytest.approx(345.0, abs=0.5)
    assert row["reorder_point"] == pytest.approx(1_345.0, abs=0.5)
    assert row["lead_time_demand_std"] == pytest.approx(np.sqrt(44_000), abs=1e-6)
    # Not the naive "base stock + variability × lead time" some articles print.
    naive = stats.norm.ppf(0.95) * (20 * 10 + 100 * 2)
    assert abs(row["safety_stock"] - naive) > 100


def test_weekly_review_protects_lead_time_plus_review_period():
    row = _policy(review_period_days=7, lead_time_std_days=[2.0]).iloc[0]
    sigma = np.sqrt(17 * 20**2 + 100**2 * 2**2)
    assert row["protection_days"] == 17
    assert row["safety_stock"] == pytest.approx(1.6449 * sigma, rel=1e-3)
    assert row["order_up_to"] == pytest.approx(100 * 17 + row["safety_stock"])
    # The reorder point is what an order placed now must cover: lead time demand + SS.
    assert row["reorder_point"] == pytest.approx(100 * 10 + row["safety_stock"])


def test_higher_targets_need_more_safety_stock_and_fill_rate_needs_less_than_cycle():
    table = _policy(demand_per_day=[100.0] * 3, demand_std_per_day=[20.0] * 3,
                    lead_time_days=[10.0] * 3, lead_time_std_days=[2.0] * 3,
                    review_period_days=7, service_level=[0.90, 0.95, 0.99])
    assert table["safety_stock"].is_monotonic_increasing
    fill = _policy(review_period_days=7, lead_time_std_days=[2.0],
                   service_level_type="fill_rate").iloc[0]
    assert fill["safety_stock"] < table["safety_stock"].iloc[1]


def test_fill_rate_is_met_by_the_policy_it_returns():
    # Weekly review, default Q = one week of demand: the two-term shortage at the returned level.
    row = _policy(review_period_days=7, lead_time_std_days=[2.0], service_level=0.98,
                  service_level_type="fill_rate").iloc[0]
    mean_p, sd_p = 1_700.0, np.sqrt(17 * 400 + 10_000 * 4)
    mean_l, sd_l = 1_000.0, np.sqrt(10 * 400 + 10_000 * 4)
    level = row["order_up_to"]
    shortage = sd_p * normal_loss((level - mean_p) / sd_p) - sd_l * normal_loss(
        (level - mean_l) / sd_l)
    assert 1 - shortage / 700 == pytest.approx(0.98, abs=1e-6)


def test_slow_item_uses_a_poisson_quantile_not_the_normal():
    # 0.2/day over 20 days: Poisson(4); its 95% quantile is 8 units.
    row = _policy(demand_per_day=[0.2], demand_std_per_day=[np.nan], lead_time_days=[20.0],
                  demand_days_share=[1.0]).iloc[0]
    assert row["distribution"] == "poisson"
    assert row["reorder_point"] == 8
    assert row["safety_stock"] == pytest.approx(4.0)
    assert np.isnan(row["z"])


def test_slow_item_cycle_counts_the_demand_that_triggered_the_order():
    # Orders follow a sale, so the cycle must also cover that sale: one more unit here.
    row = _policy(demand_per_day=[0.2], demand_std_per_day=[np.nan],
                  lead_time_days=[20.0]).iloc[0]
    assert row["reorder_point"] == 9


def test_lumpy_item_uses_a_negative_binomial_with_whole_units():
    row = _policy(demand_per_day=[0.6], demand_std_per_day=[3.8], lead_time_days=[21.0],
                  lead_time_std_days=[4.0], review_period_days=7,
                  demand_class=["lumpy"]).iloc[0]
    assert row["distribution"] == "negative binomial"
    assert row["order_up_to"] == np.floor(row["order_up_to"])
    assert row["order_up_to"] > row["lead_time_demand_mean"] + 1.645 * row["lead_time_demand_std"]


def test_count_fill_rate_level_is_the_smallest_that_meets_the_target():
    kwargs = dict(demand_per_day=[0.5], demand_std_per_day=[1.5], lead_time_days=[14.0],
                  review_period_days=7, service_level_type="fill_rate",
                  demand_class=["intermittent"])
    low = _policy(service_level=0.90, **kwargs).iloc[0]
    high = _policy(service_level=0.99, **kwargs).iloc[0]
    assert low["order_up_to"] < high["order_up_to"]
    assert low["order_up_to"] == np.floor(low["order_up_to"])


def test_nonsense_inputs_give_zeros_not_negatives():
    table = _policy(demand_per_day=[0.0, np.nan, 50.0, 50.0],
                    demand_std_per_day=[0.0, np.nan, 5.0, 5.0],
                    lead_time_days=[10.0, 10.0, np.nan, 10.0],
                    lead_time_std_days=[np.nan, 0.0, 0.0, 0.0],
                    service_level=[0.95, 0.95, 0.95, 0.30])
    assert (table[["safety_stock", "reorder_point", "order_up_to"]].iloc[:2] == 0).all().all()
    assert (table["safety_stock"] >= 0).all()
    assert table["safety_stock"].iloc[3] == 0  # a 30% target never means negative safety stock
    assert table["reorder_point"].iloc[2] == pytest.approx(0.0)  # no lead time, steady demand


def test_accepts_series_and_per_sku_target_types():
    table = inventory_policy(
        demand_per_day=pd.Series([100.0, 100.0]), demand_std_per_day=pd.Series([20.0, 20.0]),
        lead_time_days=pd.Series([10.0, 10.0]), lead_time_std_days=pd.Series([2.0, 2.0]),
        review_period_days=7, service_level=pd.Series([0.95, 0.95]),
        service_level_type=np.array(["cycle", "fill_rate"], dtype=object))
    assert table["safety_stock"].iloc[1] < table["safety_stock"].iloc[0]
    with pytest.raises(ValueError, match="cycle"):
        _policy(service_level_type="fillrate")


def test_demand_days_share_guess_from_moments():
    # Unit Poisson demand -> 1 - exp(-d); demand with big lumps -> far fewer days with demand.
    share = estimated_demand_days_share([0.5, 0.6, 20.0], [np.sqrt(0.5), np.sqrt(14.3), 5.0])
    assert share[0] == pytest.approx(1 - np.exp(-0.5))
    assert share[1] == pytest.approx(0.05, abs=0.01)
    assert share[2] == pytest.approx(1.0)


def test_fill_rate_uses_the_real_lot_when_the_moq_forces_larger_orders():
    # Chopra's HP case: d = 250/wk, σ = 150/wk, L = 2 wk, and the MOQ makes every order 1,000.
    # Its ROP of 600 (SS 100, k = 0.47) gives a 95.6% fill rate; for exactly 95% the loss
    # function gives G(k) = 0.05 × 1,000 / 212 → k ≈ 0.385, SS ≈ 82.
    d, sigma = 250 / 7, 150 / np.sqrt(7)
    lot = expected_order_quantity(d, 7, moq=1_000, case_pack=1)
    assert lot == pytest.approx(1_000)
    args = dict(demand_per_day=[d], demand_std_per_day=[sigma], lead_time_days=[14.0],
                service_level_type="fill_rate")
    hp = _policy(**args, service_level=0.95614, expected_lot_units=lot).iloc[0]
    assert hp["safety_stock"] == pytest.approx(100, abs=1.5)
    assert hp["z"] == pytest.approx(0.47, abs=0.01)
    at_95 = _policy(**args, service_level=0.95, expected_lot_units=lot).iloc[0]
    assert at_95["z"] == pytest.approx(0.385, abs=0.01)
    assert at_95["safety_stock"] == pytest.approx(82, abs=1.5)
    # Assuming one day's demand per order (continuous review, no lot known) needs far more.
    assumed = _policy(**args, service_level=0.95).iloc[0]
    assert assumed["safety_stock"] > 3 * at_95["safety_stock"]
    # A lot smaller than a review period's demand changes nothing; cycle service ignores it.
    small = _policy(**args, service_level=0.95, expected_lot_units=[1.0]).iloc[0]
    assert small["safety_stock"] == pytest.approx(assumed["safety_stock"])
    cycle = dict(args, service_level_type="cycle")
    assert _policy(**cycle, service_level=0.95, expected_lot_units=lot).iloc[0][
        "safety_stock"] == pytest.approx(_policy(**cycle, service_level=0.95).iloc[0][
            "safety_stock"])


def test_expected_order_quantity_is_a_cycle_of_demand_at_least_the_moq_in_whole_cases():
    lots = expected_order_quantity([10.0, 10.0, 10.0, 0.0], [7, 28, 7, 7],
                                   moq=[0, 0, 100, 0], case_pack=[1, 12, 12, 1])
    assert lots.tolist() == [70.0, 288.0, 108.0, 0.0]
