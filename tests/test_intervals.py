"""Effects with intervals: Conley-Taber (DiD) and conformal (synthetic control), on constructed panels
(named synthetic) and, for coverage, on the real COROP panel built from the raw data."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from ccresearch.analysis import regional
from ccresearch.analysis.methods import (
    conformal_intervals,
    conformal_p_value,
    conley_taber_interval,
    difference_in_differences,
)
from ccresearch.errors import ParameterError


def synthetic_panel(effect: float = 0.0, n_units: int = 20, seed: int = 4) -> pd.DataFrame:
    """Constructed panel 1990-2009 (15 pre-years), unit T = mean of D0..D2 plus noise, ``effect`` from 2005."""
    rng = np.random.default_rng(seed)
    years = np.arange(1990, 2010)
    donors = 100 + np.cumsum(rng.normal(0, 1, (len(years), n_units)), axis=0)
    frame = pd.DataFrame(
        donors, index=pd.Index(years, name="year"), columns=[f"D{i}" for i in range(n_units)]
    )
    treated = (
        frame[["D0", "D1", "D2"]].mean(axis=1) + rng.normal(0, 0.3, len(years)) + effect * (years >= 2005)
    )
    frame.insert(0, "T", treated)
    return frame


@pytest.fixture(scope="module")
def corop(processed_dir: Path) -> tuple[pd.DataFrame, pd.Series]:
    from ccresearch.build.loaders import load_regional_jobs

    jobs = load_regional_jobs(processed_dir)
    window = regional.panel(jobs, sector="N", outcome="jobs")
    return window / window.loc[2014] * 100.0, window.loc[2014]


# -------------------------------------------------------------------------------------------------- DiD


def test_conley_taber_interval_is_the_estimate_minus_placebo_quantiles():
    placebos = pd.Series(np.arange(-9.5, 10.5, 1.0))  # 20 placebo estimates, symmetric about 0
    low, high = conley_taber_interval(3.0, placebos, 0.9)
    q_lo, q_hi = np.quantile(placebos, [0.05, 0.95])
    assert (low, high) == pytest.approx((3.0 - q_hi, 3.0 - q_lo))
    assert conley_taber_interval(3.0, placebos.iloc[:5], 0.9) == (-math.inf, math.inf)
    with pytest.raises(ParameterError):
        conley_taber_interval(3.0, placebos, 1.5)


def test_did_interval_covers_a_constructed_effect_and_to_dict_names_it():
    panel = synthetic_panel(effect=5.0)
    res = difference_in_differences(panel, "T", 2005)
    assert res.interval_low < 5.0 < res.interval_high
    assert res.interval_high - res.interval_low < 20
    out = res.to_dict()
    json.dumps(out)
    assert out["interval"] == {"low": res.interval_low, "high": res.interval_high} and out["level"] == 0.9


def test_ferman_pinto_rescales_placebos_to_the_treated_units_size():
    rng = np.random.default_rng(0)
    years = np.arange(2010, 2020)
    sizes = pd.Series(np.geomspace(100, 10_000, 30), index=[f"R{i:02d}" for i in range(30)])
    noise = rng.normal(0, 1, (len(years), 30)) * (50 / np.sqrt(sizes.to_numpy()))[None, :]
    panel = pd.DataFrame(100 + noise, index=years, columns=sizes.index)
    big = difference_in_differences(panel, "R29", 2015, unit_size=sizes)
    plain = difference_in_differences(panel, "R29", 2015)
    # the largest unit is the least noisy: its corrected interval is narrower than the uncorrected one
    assert big.interval_high - big.interval_low < 0.6 * (plain.interval_high - plain.interval_low)
    panel.attrs["unit_size"] = sizes.to_dict()
    assert difference_in_differences(panel, "R29", 2015).interval_low == big.interval_low
    with pytest.raises(ParameterError):
        difference_in_differences(panel, "R29", 2015, unit_size=sizes.iloc[:10])


# ---------------------------------------------------------------------------------------- conformal


def test_conformal_intervals_cover_a_constructed_effect_per_year_and_on_average():
    panel = synthetic_panel(effect=4.0)
    res = conformal_intervals(panel, "T", 2005, level=0.9)
    assert res.interval_low < 4.0 < res.interval_high
    assert math.isfinite(res.interval_low)  # the upper end may exceed the grid: the weights cannot follow
    assert list(res.by_year.index) == list(range(2005, 2010))
    covered = (res.by_year["interval_low"] <= 4.0) & (res.by_year["interval_high"] >= 4.0)
    assert covered.mean() >= 0.6
    # no effect: zero is inside, a large effect is outside
    assert conformal_p_value(panel, "T", 2005, 4.0) > 0.1
    assert conformal_p_value(panel, "T", 2005, 40.0) <= 0.1
    out = res.to_dict()
    json.dumps(out)
    assert set(out) >= {"estimate", "interval", "level"} and out["level"] == 0.9
    assert 1 <= len(repr(res).splitlines()) <= 3


def test_per_year_intervals_are_unbounded_when_the_pre_period_cannot_reject(corop):
    panel, _ = corop
    res = conformal_intervals(panel, "CR39", 2015, years=[2016], n_grid=41)
    # 5 pre-years: the per-year p-value is a rank among 6 periods, never below 1/6 > 0.1
    assert res.by_year.loc[2016, "interval_low"] == -math.inf
    assert res.by_year.loc[2016, "interval_high"] == math.inf


@pytest.mark.slow
def test_coverage_of_90_percent_intervals_on_the_real_panel(corop):
    """A known effect (10 index points) placed in each COROP region in turn: the share of the 40 draws in which
    the 90% interval covers it (figures in bench/README.md)."""
    panel, size = corop
    did, fp = [], []
    for unit in panel.columns:
        shifted = panel.copy()
        shifted.loc[shifted.index >= 2015, unit] += 10.0
        d = difference_in_differences(shifted, unit, 2015)
        did.append(d.interval_low <= 10.0 <= d.interval_high)
        d = difference_in_differences(shifted, unit, 2015, unit_size=size)
        fp.append(d.interval_low <= 10.0 <= d.interval_high)
    assert 0.85 <= np.mean(did) <= 0.95
    assert 0.85 <= np.mean(fp) <= 0.95
