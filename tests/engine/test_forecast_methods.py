"""The textbook methods behind the forecast: Croston, SBA, TSB and the demand classes."""

import numpy as np
import pandas as pd
import pytest

from planner.engine.forecast import classify_demand
from planner.engine.forecasting.methods import (
    croston_forecast,
    holt_states,
    sba_forecast,
    ses_levels,
    tsb_forecast,
)

# Monthly PBS prescription counts ("Scripts"), July 1991 - June 2008: the series sktime uses to
# check its Croston against R. Published R forecast::croston(y, h=10) outputs quoted in
# sktime/forecasting/tests/test_croston.py: alpha 0.1 -> 0.8688921, 0.5 -> 0.6754646,
# 0.05 -> 1.405808.
PBS_SCRIPTS = [int(v) for v in """
1 1 1 0 0 1 3 1 1 1 1 1 2 1 1 0 0 2 0 0 1 2 0 1 0 0 1 1 1 1 0 0 2 1 0 0 0 1 0 3 3 2 4 1 1 3 3 1
0 4 1 3 0 1 2 5 14 2 0 0 3 6 2 2 2 5 1 6 3 3 2 0 1 1 0 0 0 1 4 12 4 0 7 0 2 1 4 1 3 1 0 6 9 3 1
3 1 7 1 3 3 3 5 6 10 5 1 3 1 1 1 2 1 3 7 11 10 5 5 2 2 1 0 3 6 5 8 9 1 1 0 0 0 1 2 2 0 0 0 0 1
0 0 0 2 1 1 0 1 0 0 0 0 0 0 0 0 0 0 0 0 0 1 0 1 3""".split()] + [0] * 38


def test_pbs_series_is_the_published_one():
    assert len(PBS_SCRIPTS) == 204
    assert sum(PBS_SCRIPTS) == 331


@pytest.mark.parametrize("alpha, r_forecast", [(0.1, 0.8688921), (0.5, 0.6754646),
                                               (0.05, 1.405808)])
def test_croston_matches_r_forecast_croston_on_pbs(alpha, r_forecast):
    assert croston_forecast(PBS_SCRIPTS, alpha) == pytest.approx(r_forecast, abs=5e-7)


def test_croston_follows_the_textbook_recursion():
    # Demands of 5, 3, 6 in periods 2, 5 and 10; intervals 2, 3, 5. Both levels start at
    # their first value, then SES with alpha = 0.1:
    #   size     5 -> 5 + 0.1(3-5) = 4.8 -> 4.8 + 0.1(6-4.8) = 4.92
    #   interval 2 -> 2 + 0.1(3-2) = 2.1 -> 2.1 + 0.1(5-2.1) = 2.39
    demand = [0, 5, 0, 0, 3, 0, 0, 0, 0, 6]
    assert croston_forecast(demand, 0.1) == pytest.approx(4.92 / 2.39)
    # Trailing periods without demand do not move Croston's forecast.
    assert croston_forecast(demand + [0, 0, 0], 0.1) == pytest.approx(4.92 / 2.39)


def test_sba_is_croston_times_one_minus_half_alpha():
    for alpha in (0.05, 0.1, 0.2, 0.5):
        assert sba_forecast(PBS_SCRIPTS, alpha) == pytest.approx(
            croston_forecast(PBS_SCRIPTS, alpha) * (1 - alpha / 2))
    assert sba_forecast(PBS_SCRIPTS, 0.1) == pytest.approx(0.8688921 * 0.95, abs=5e-7)


def test_tsb_follows_its_recursion_and_decays_without_demand():
    # First demand (4) in period 2: size 4, probability 1/2. Then every period
    # p += 0.1 (hit - p); the size moves only on demand: 4 + 0.2 (2 - 4) = 3.6.
    #   p: 0.5 -> 0.45 -> 0.405 -> 0.4645 (demand) -> 0.41805
    demand = [0, 4, 0, 0, 2, 0]
    assert tsb_forecast(demand, alpha_demand=0.2, alpha_probability=0.1) == pytest.approx(
        0.41805 * 3.6)
    longer = tsb_forecast(demand + [0] * 20, 0.2, 0.1)
    assert longer == pytest.approx(0.41805 * 0.9**20 * 3.6)


def test_ses_and_holt_kernels_follow_their_recursions():
    y = np.array([10.0, 12.0, 11.0, 13.0, 20.0, 22.0, 21.0, 25.0, 30.0])
    start = np.zeros(1, dtype=np.int64)
    level = np.mean(y[:4])
    for value in y:
        level += 0.3 * (value - level)
    assert ses_levels(y[:, None], start, [0.3])[-1, 0, 0] == pytest.approx(level)

    lv, tr = np.mean(y[:4]), (np.mean(y[4:8]) - np.mean(y[:4])) / 4
    for value in y:
        new_level = (lv + 0.9 * tr) + 0.2 * (value - (lv + 0.9 * tr))
        tr = 0.1 * (new_level - lv) + 0.9 * 0.9 * tr
        lv = new_level
    levels, trends = holt_states(y[:, None], start, [0.2], [0.1], [0.9])
    assert levels[-1, 0, 0] == pytest.approx(lv)
    assert trends[-1, 0, 0] == pytest.approx(tr)


def test_kernels_run_many_skus_and_parameters_at_once():
    rng = np.random.default_rng(3)
    y = rng.poisson(0.4, size=(60, 5)).astype(float)
    start = np.array([0, 5, 10, 0, 30], dtype=np.int64)
    y[np.arange(60)[:, None] < start[None, :]] = 0.0
    from planner.engine.forecasting.methods import croston_rates
    batch = croston_rates(y, y > 0, start, [0.1, 0.3])
    for sku in range(5):
        for j, alpha in enumerate((0.1, 0.3)):
            assert batch[-1, j, sku] == pytest.approx(croston_forecast(y[start[sku]:, sku],
                                                                       alpha))


def test_constructed_series_fall_into_the_four_classes():
    n = 52
    period = np.arange(n)
    series = {
        "smooth": 10 + (period % 3),                                   # every week, steady
        "erratic": np.where(period % 2 == 0, 2, 30),                    # every week, wild sizes
        "intermittent": np.where(period % 3 == 0, 5 + (period % 2), 0),  # one week in three
        "lumpy": np.where(period % 3 == 0, np.where(period % 6 == 0, 1, 40), 0),
    }
    frame = pd.DataFrame(series).T.astype(float)
    result = classify_demand(frame)
    assert result["demand_class"].to_dict() == {name: name for name in series}
    assert result.loc["intermittent", "adi"] == pytest.approx(52 / 18)
    assert result.loc["smooth", "adi"] == 1.0
    assert result.loc["smooth", "cv2"] < 0.49 <= result.loc["erratic", "cv2"]


def test_classification_ignores_weeks_before_the_first_sale():
    young = np.full(52, np.nan)
    young[40:] = 8.0  # twelve steady weeks after a launch
    result = classify_demand(young)
    assert result.loc[0, "demand_class"] == "smooth"
    assert result.loc[0, "adi"] == 1.0
    never = classify_demand(np.zeros(10))
    assert never.loc[0, "demand_class"] == "dead"
