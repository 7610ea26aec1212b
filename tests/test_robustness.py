"""Robustness functions on a constructed panel (named synthetic): leave-one-out, in-time placebo, MDE."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest

from ccresearch.analysis.methods import (
    difference_in_differences,
    in_time_placebo,
    leave_one_out,
    minimum_detectable_effect,
    placebo_test,
    post_gap_range,
)
from ccresearch.errors import ParameterError


def synthetic_panel(effect: float = 0.0, seed: int = 2) -> pd.DataFrame:
    """Constructed panel 1990-2009: T = 0.5 A + 0.5 B (+ noise) plus ``effect`` from 2005; 10 more donors."""
    rng = np.random.default_rng(seed)
    years = np.arange(1990, 2010)
    cols = ["A", "B", *[f"D{i}" for i in range(10)]]
    frame = pd.DataFrame(
        100 + np.cumsum(rng.normal(0, 1, (len(years), len(cols))), axis=0),
        index=pd.Index(years, name="year"),
        columns=cols,
    )
    treated = 0.5 * frame["A"] + 0.5 * frame["B"] + rng.normal(0, 0.1, len(years)) + effect * (years >= 2005)
    frame.insert(0, "T", treated)
    return frame


def test_leave_one_out_refits_without_each_weighted_donor():
    res = leave_one_out(synthetic_panel(effect=3.0), "T", 2005)
    assert {"A", "B"} <= set(res.table.index)
    assert (res.table["weight"] > 0.001).all()
    low, high = res.gap_range
    assert low <= res.full.mean_post_gap <= high
    json.dumps(res.to_dict())
    assert 1 <= len(repr(res).splitlines()) <= 3


def test_in_time_placebo_uses_only_the_pre_period_and_finds_nothing():
    panel = synthetic_panel(effect=3.0)
    res = in_time_placebo(panel, "T", 2005, 2000)
    assert res.gaps.index.max() == 2004 and res.treatment_year == 2000
    assert abs(res.result.mean_post_gap) < 1.0  # no fake "effect" near the real one (3.0)
    with pytest.raises(ParameterError) as err:
        in_time_placebo(panel, "T", 2005, 2006)
    assert err.value.field == "fake_year"


def test_minimum_detectable_effect_is_a_quantile_of_the_placebo_gaps():
    panel = synthetic_panel()
    pl = placebo_test(panel, "T", 2005)
    mde = minimum_detectable_effect(pl, 0.9)
    gaps = pl.gaps.loc[pl.gaps.index >= 2005].drop(columns="T").mean().abs()
    assert mde == pytest.approx(float(np.quantile(gaps, 0.9)))
    did = difference_in_differences(panel, "T", 2005)
    assert minimum_detectable_effect(did) == pytest.approx(
        float(np.quantile(np.abs(did.placebo_estimates), 0.9))
    )
    assert math.isfinite(mde) and mde > 0
    with pytest.raises(ParameterError):
        minimum_detectable_effect(difference_in_differences(panel, "T", 2005, placebo=False))


def test_post_gap_range_spans_the_weightings_that_fit_equally_well():
    panel = synthetic_panel()
    panel["T"] = 0.5 * panel["A"] + 0.5 * panel["B"]  # exact in every year: no effect
    # a donor equal to T before 2005 and 6 higher after: weight on it fits the pre-period as well
    panel["C"] = panel["T"] + 6.0 * (panel.index >= 2005)
    res = post_gap_range(panel, "T", 2005)
    assert res.low == pytest.approx(-6.0, abs=1e-6) and res.high == pytest.approx(0.0, abs=1e-6)
    assert not res.unique
    assert res.weights_low["C"] == pytest.approx(1.0, abs=1e-6)
    json.dumps(res.to_dict())
    unique = post_gap_range(synthetic_panel(effect=2.0), "T", 2005)
    assert unique.unique and unique.low == pytest.approx(unique.estimate)


def test_synthetic_did_recovers_a_constructed_effect_with_placebo_inference():
    from ccresearch.analysis.methods import synthetic_did

    panel = synthetic_panel(effect=3.0)
    res = synthetic_did(panel, "T", 2005)
    assert res.estimate == pytest.approx(3.0, abs=0.5)
    assert res.unit_weights.sum() == pytest.approx(1.0) and res.time_weights.sum() == pytest.approx(1.0)
    assert res.interval_low < 3.0 < res.interval_high
    assert res.p_value <= 2 / 13 + 1e-12  # at most one of 12 placebos as large
    json.dumps(res.to_dict())
    none = synthetic_did(synthetic_panel(effect=0.0), "T", 2005)
    assert abs(none.estimate) < 0.5 and none.p_value > 0.1
