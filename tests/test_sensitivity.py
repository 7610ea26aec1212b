"""Intervals, robustness checks and the specification curve of the regional analysis (issue: effects with
intervals, robustness the reader can see). Real CBS panel; the planted effects are synthetic and named so."""

from __future__ import annotations

import json
import math
import re

import numpy as np
import pytest

from ccresearch.analysis import sensitivity as sens
from ccresearch.report import regional as rr
from tests.test_regional import analyse, cr39, real_jobs


def test_to_jobs_converts_index_and_log_points_monotonely():
    assert sens.to_jobs(10.0, "index", 27_200) == pytest.approx(2_720)
    assert sens.to_jobs(0.1, "jobs", 27_200, log=True) == pytest.approx((math.exp(0.1) - 1) * 27_200)
    assert sens.to_jobs(-math.inf, "index", 27_200) == -math.inf
    assert sens.to_jobs(500.0, "jobs", 27_200) == 500.0


def test_specification_curve_holds_every_method_start_year_and_outcome():
    a = cr39()
    s = a.sensitivity
    specs = s.specifications
    grid = specs[~specs["variant"].str.startswith("without:")]
    assert set(grid["method"]) == set(sens.METHODS)
    assert sorted(grid["start_year"].unique()) == [2010, 2011, 2012, 2013]  # up to two years before 2015
    assert set(grid["outcome"]) == {"index", "jobs"}
    # DiD and synthetic control for every variant; penalised SC and synthetic DiD for the report's own set-up
    assert len(grid) == 2 * 4 * 2 + 2 and grid["baseline"].sum() == 4
    # the baseline rows are the report's own numbers
    base = grid[grid["baseline"]].set_index("method")
    assert base.loc["did", "estimate"] == pytest.approx(a.did.estimate)
    assert base.loc["did", "interval_low"] == pytest.approx(a.did.interval_low)
    assert base.loc["synth", "estimate"] == pytest.approx(a.synth_post_gap())
    jobs_2014 = float(a.jobs.loc[2014, "CR39"])
    assert base.loc["did", "estimate_jobs"] == pytest.approx(a.did.estimate * jobs_2014 / 100)
    # leave-one-out: one row per donor with weight, no interval
    loo = specs[specs["variant"].str.startswith("without:")]
    assert len(loo) == len(s.leave_one_out.table) >= 2 and loo["low_jobs"].isna().all()
    # intervals contain their estimates
    bounded = specs.dropna(subset=["low_jobs"])
    assert (bounded["low_jobs"] <= bounded["estimate_jobs"] + 1e-9).all()
    assert (bounded["estimate_jobs"] <= bounded["high_jobs"] + 1e-9).all()


def test_results_carry_intervals_beside_the_estimates():
    a = cr39()
    out = json.loads(json.dumps(a.to_dict()))
    assert (
        set(out["did"]["interval"]) == {"low", "high"}
        and out["did"]["interval"]["low"] < out["did"]["estimate"]
    )
    synth = out["synth"]
    assert synth["estimate"] == pytest.approx(a.synth_post_gap())
    assert set(synth["interval"]) == {"low", "high"} and synth["level"] == 0.9
    high = synth["interval"]["high"]
    assert high is not None and high > synth["estimate"]  # None = unbounded on that side
    assert set(synth["interval_by_year"]) == {str(y) for y in range(2015, 2025)}
    assert out["sdid"]["interval"]["low"] < out["sdid"]["estimate"] < out["sdid"]["interval"]["high"]
    r = out["robustness"]
    assert r["gap_range"]["low"] <= synth["estimate"] <= r["gap_range"]["high"]
    assert r["in_time_placebo"]["fake_year"] == 2012 and 0 < r["in_time_placebo"]["p_value"] <= 1
    mde = r["minimum_detectable_effect"]["synth"]
    assert mde["jobs"] == pytest.approx(mde["index"] * float(a.jobs.loc[2014, "CR39"]) / 100)
    assert r["specifications"]["n"] == len(a.sensitivity.specifications)
    assert set(out["effects_jobs"]) == {"did", "synth", "sdid"}
    pen = r["penalised"]
    assert pen["penalty"] > 0 and sum(pen["weights"].values()) == pytest.approx(1.0, abs=1e-3)
    assert 1 / 40 <= pen["p_value"] <= 1 and pen["interval"]["high"] > pen["estimate"]


def test_minimum_detectable_effect_is_the_placebo_quantile():
    a = cr39()
    gaps = a.placebo.gaps
    post = gaps.loc[gaps.index >= 2015].drop(columns=["CR39"]).mean().abs()
    assert a.sensitivity.mde["synth"]["outcome"] == pytest.approx(float(np.quantile(post, 0.9)))


def test_a_planted_effect_moves_every_estimate_and_the_intervals():
    """Synthetic: 30% more section-N jobs in CR39 from 2015 on (real panel otherwise)."""
    jobs = real_jobs()
    rows = (jobs["region_code"] == "CR39") & (jobs["sector"] == "N") & (jobs["year"] >= 2015)
    base = float(
        jobs.loc[
            (jobs["region_code"] == "CR39") & (jobs["sector"] == "N") & (jobs["year"] == 2014), "jobs"
        ].iloc[0]
    )
    planted = jobs.copy()
    planted.loc[rows, "jobs"] *= 1.3
    a0, a1 = cr39(), analyse("CR39", "N", 2015, 2010, 2024, jobs=planted)
    e0 = a0.sensitivity.specifications.set_index(["method", "outcome", "start_year", "variant"])
    e1 = a1.sensitivity.specifications.set_index(["method", "outcome", "start_year", "variant"])
    grid = [k for k in e0.index if not k[3].startswith("without:") and k in e1.index]
    moved = (e1.loc[grid, "estimate_jobs"] - e0.loc[grid, "estimate_jobs"]).to_numpy()
    assert (moved > 0.1 * base).all()  # every specification sees more jobs
    did = a1.sensitivity.specifications.query("baseline and method == 'did'").iloc[0]
    assert did["low_jobs"] > 0  # a 30% effect is far outside the placebo spread of the DiD
    assert a1.did.p_value < a0.did.p_value and a1.did.p_value <= 2 / 40
    assert a1.placebo.p_value < a0.placebo.p_value


def test_report_reads_the_intervals_in_both_languages():
    a = cr39()
    nl, en = rr.report(a, "nl").html(), rr.report(a, "en").html()
    summary_nl = nl.split('id="sec-summary"')[1].split("</section>")[0]
    summary_en = en.split('id="sec-summary"')[1].split("</section>")[0]
    assert "verenigbaar met effecten tussen" in summary_nl and "consistent with effects between" in summary_en
    assert "(naar beneden niet begrensd)" in summary_nl  # the conformal interval of CR39 is open below
    assert 'href="#fig-spec-curve"' in summary_nl and "Kleinste aantoonbare effect" in summary_nl
    assert not re.search(r"p-(value|waarde)( van)? 0[.,]000", en + nl)  # p < 0.001, never 0.000
    for key in ("chernozhukov-wuthrich-zhu-2021", "arkhangelsky-2021", "conley-taber-2011"):
        assert f'id="lit-{key}"' in nl, key
    assert "Specificatiecurve" in nl and "Specification curve" in en


def test_sensitivity_refuses_start_years_too_close_to_treatment():
    from ccresearch.errors import ParameterError

    with pytest.raises(ParameterError, match="start years"):
        sens.sensitivity(cr39(), start_years=[2014])


def test_a_region_wide_shock_moves_the_did_but_not_the_triple_difference():
    """Synthetic: every sector of CR39 (the total too) 20% higher from 2015 on, real panel otherwise."""
    jobs = real_jobs()
    shocked = jobs.copy()
    rows = (shocked["region_code"] == "CR39") & (shocked["year"] >= 2015)
    shocked.loc[rows, "jobs"] *= 1.2
    # log jobs: a proportional shock to every sector of the region cancels exactly in the triple difference
    a0 = analyse("CR39", "N", 2015, 2010, 2024, outcome="jobs", jobs=jobs, robustness=False)
    a1 = analyse("CR39", "N", 2015, 2010, 2024, outcome="jobs", jobs=shocked, robustness=False)
    assert a1.did.estimate - a0.did.estimate == pytest.approx(
        np.log(1.2), rel=1e-6
    )  # the DiD reads it as an effect
    assert a1.triple.estimate == pytest.approx(a0.triple.estimate, abs=1e-9)
    s = a1.summary()["triple"]
    assert s["interval"]["low"] < s["estimate"] < s["interval"]["high"] and 1 / 40 <= s["p_value"] <= 1


def test_shift_share_by_start_year_is_in_the_results_and_the_report():
    a = cr39()
    years = a.shift_share_years
    assert list(years["start_year"]) == list(range(2010, 2024))
    row = years.set_index("start_year").loc[2014]
    assert row["regional"] == pytest.approx(a.shift_share.summary("N")["regional"])
    identity = years["national"] + years["industry_mix"] + years["regional"] - years["actual"]
    assert identity.abs().max() < 1e-6
    html = rr.report(a, "en").html()
    assert 'id="fig-shift-share-years"' in html and "depends on the start year" in html
