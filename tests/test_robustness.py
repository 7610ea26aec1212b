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
