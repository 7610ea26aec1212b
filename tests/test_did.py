"""Difference-in-differences and event study: known effects in constructed panels, real CBS data, all regions."""

from __future__ import annotations

import json
import math

import matplotlib
import numpy as np
import pandas as pd
import pytest
from test_regional import real_jobs

from ccresearch.analysis import regional
from ccresearch.analysis.methods.did import difference_in_differences, event_study
from ccresearch.errors import ParameterError
from ccresearch.report import methods as rm

matplotlib.use("Agg")


def synthetic_panel(
    effect: float = 5.0, pre_trend: float = 0.0, n_regions: int = 12, seed: int = 1
) -> pd.DataFrame:
    """Constructed year x region panel: region and year effects, noise, and ``effect`` for R00 from 2015 on.

    ``pre_trend`` adds a linear trend to R00 before 2014 (so the parallel-trend test should reject it).
    """
    rng = np.random.default_rng(seed)
    years = np.arange(2010, 2021)
    regions = [f"R{i:02d}" for i in range(n_regions)]
    values = rng.normal(0, 0.2, (len(years), n_regions))
    values += rng.normal(100, 10, n_regions)[None, :] + np.linspace(0, 8, len(years))[:, None]
    values[:, 0] += effect * (years >= 2015)
    values[:, 0] += pre_trend * np.minimum(years - 2014, 0)
    return pd.DataFrame(values, index=pd.Index(years, name="year"), columns=regions)


def test_did_recovers_a_constructed_effect():
    res = difference_in_differences(synthetic_panel(effect=5.0), "R00", 2015)
    assert res.estimate == pytest.approx(5.0, abs=0.6)
    assert res.ci_low < res.estimate < res.ci_high
    assert res.n_obs == 11 * 12 and res.n_clusters == 12
    assert res.placebo_p_value == pytest.approx(1 / 12)  # the treated estimate is the largest of 12


def test_did_point_estimate_equals_difference_of_mean_changes():
    panel = synthetic_panel(effect=2.0, seed=7)
    res = difference_in_differences(panel, "R00", 2015, placebo=False)
    post = panel.index >= 2015
    change = panel[post].mean() - panel[~post].mean()
    assert res.estimate == pytest.approx(change["R00"] - change.drop("R00").mean(), abs=1e-9)


def test_did_with_no_effect_is_not_extreme_among_placebos():
    res = difference_in_differences(synthetic_panel(effect=0.0, seed=3), "R00", 2015)
    assert abs(res.estimate) < 1.0
    assert res.placebo_p_value > 0.1


def test_log_outcome_gives_log_points():
    panel = synthetic_panel(effect=0.0)
    scaled = panel.copy()
    scaled.loc[2015:, "R00"] *= 1.10
    res = difference_in_differences(scaled, "R00", 2015, log=True, placebo=False)
    base = difference_in_differences(panel, "R00", 2015, log=True, placebo=False)
    assert res.estimate - base.estimate == pytest.approx(math.log(1.10), abs=1e-9)


def test_event_study_flat_pre_period_passes_the_pretrend_test():
    res = event_study(synthetic_panel(effect=5.0), "R00", 2015)
    coefs = res.coefficients
    assert coefs.loc[-1, "coef"] == 0.0 and coefs.loc[-1, "year"] == 2014
    assert list(coefs.index) == list(range(-5, 6))
    assert coefs.loc[0:, "coef"].mean() == pytest.approx(5.0, abs=0.7)
    assert res.n_pre == 4 and res.pretrend_placebo_p_value > 0.1


def test_clustered_pretrend_test_rejects_too_often_with_one_treated_region():
    """No pre-trend was built in; the clustered F test leaves out the treated region's noise."""
    rejections = [event_study(synthetic_panel(seed=s), "R00", 2015).pretrend_p_value < 0.05 for s in range(5)]
    placebo = [event_study(synthetic_panel(seed=s), "R00", 2015).pretrend_placebo_p_value for s in range(5)]
    assert sum(rejections) >= 3  # far more than the nominal 5%: the documented caveat
    assert min(placebo) > 0.05


def test_event_study_detects_a_constructed_pretrend():
    res = event_study(synthetic_panel(effect=0.0, pre_trend=3.0), "R00", 2015)
    assert res.pretrend_p_value < 0.001
    assert res.pretrend_placebo_p_value == pytest.approx(1 / 12)
    assert res.coefficients.loc[-5, "coef"] == pytest.approx(-12.0, abs=1.5)


def test_event_study_without_years_before_the_reference_reports_nan_pretrend():
    res = event_study(synthetic_panel().loc[2014:], "R00", 2015)
    assert res.n_pre == 0 and math.isnan(res.pretrend_p_value)
    assert json.loads(json.dumps(res.to_dict()))["pretrend_p_value"] is None


def test_real_zuid_limburg_n_index_has_caveat_and_finite_numbers():
    panel = regional.panel(real_jobs(), sector="N", outcome="index", base_year=2014)
    res = difference_in_differences(panel, "CR39", 2015)
    assert res.n_clusters == 40 and res.n_obs == 600 and len(res.donors) == 39
    assert all(math.isfinite(v) for v in (res.estimate, res.se, res.p_value, res.placebo_p_value))
    assert any("one treated region" in c.lower() for c in res.caveats)
    data = json.loads(json.dumps(res.to_dict()))
    assert data["estimate"] == pytest.approx(res.estimate)
    es = event_study(panel, "CR39", 2015)
    assert 0 <= es.pretrend_p_value <= 1 and es.n_pre == 4


def test_plots_draw_on_the_given_axis():
    import matplotlib.pyplot as plt

    panel = synthetic_panel()
    fig, (ax1, ax2) = plt.subplots(1, 2)
    rm.did_paths(difference_in_differences(panel, "R00", 2015, placebo=False), ax1)
    rm.event_study_coefficients(event_study(panel, "R00", 2015), ax2)
    assert len(ax1.lines) >= 2 and ax2.has_data()
    plt.close(fig)


def test_bad_parameters_are_named():
    panel = synthetic_panel()
    with pytest.raises(ParameterError, match="treated region"):
        difference_in_differences(panel, "R99", 2015)
    with pytest.raises(ParameterError, match="treatment year"):
        difference_in_differences(panel, "R00", 2030)
    with pytest.raises(ParameterError, match="comparison regions"):
        difference_in_differences(panel, "R00", 2015, donors=["R00"])
    with pytest.raises(ParameterError, match="log"):
        difference_in_differences(panel - 200, "R00", 2015, log=True)


def test_absorbed_fixed_effects_equal_the_dummy_variable_regression_in_statsmodels():
    import statsmodels.formula.api as smf

    from ccresearch.analysis.methods.did import _fit, prepare_panel

    panel = synthetic_panel(effect=1.0, n_regions=6, seed=5)
    long, _ = prepare_panel(panel, "R00", 2015)
    long["post_treated"] = long["is_treated"] * (long["year"] >= 2015)
    long["ev_m3"] = long["is_treated"] * (long["year"] == 2012)
    long["ev_m2"] = long["is_treated"] * (long["year"] == 2013)
    regs = ["post_treated", "ev_m3", "ev_m2"]
    ours = _fit(long, regs)
    groups = pd.factorize(long["region"])[0]
    ref = smf.ols("y ~ " + " + ".join(regs) + " + C(region) + C(year)", data=long).fit(
        cov_type="cluster", cov_kwds={"groups": groups}, use_t=True
    )
    for name in regs:
        assert ours.params[name] == pytest.approx(ref.params[name], rel=1e-9)
        assert ours.bse[name] == pytest.approx(ref.bse[name], rel=1e-9)
        assert ours.pvalues[name] == pytest.approx(ref.pvalues[name], rel=1e-7)
    assert ours.conf_int().loc["ev_m3", 0] == pytest.approx(ref.conf_int().loc["ev_m3", 0], rel=1e-9)
    f_value, p_value = ours.f_test_zero(["ev_m3", "ev_m2"])
    test = ref.f_test("ev_m3 = 0, ev_m2 = 0")
    assert f_value == pytest.approx(float(np.squeeze(test.fvalue)), rel=1e-7)
    assert p_value == pytest.approx(float(np.squeeze(test.pvalue)), rel=1e-7)
