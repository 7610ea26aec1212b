"""Triple difference: a sector-specific effect is recovered, a region-wide shock is not read as one, the null
is not rejected too often; equal to the three-way fixed-effects regression; real CBS data (CR39, section N)."""

from __future__ import annotations

import json
import math
import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from ccresearch.analysis.methods import difference_in_differences, triple_difference
from ccresearch.errors import InputError, ParameterError

YEARS = np.arange(2010, 2021)


def synthetic_sector_table(
    effect: float = 0.0,
    region_shock: float = 0.0,
    n_regions: int = 12,
    seed: int = 1,
    sector: str = "N",
    within: str = "total",
    value: str = "jobs",
    noise: float = 0.02,
) -> pd.DataFrame:
    """Constructed (synthetic) loaders'-style long table: per region the sector and the aggregate holding it.

    Log values = region level + common year trend (own per group) + noise; from 2015 the treated region R00
    gets ``effect`` log points in the sector only and ``region_shock`` log points in every sector."""
    rng = np.random.default_rng(seed)
    rows = []
    post = YEARS >= 2015
    for i in range(n_regions):
        region = f"R{i:02d}"
        level_sector = rng.normal(np.log(5_000), 0.3)
        level_rest = rng.normal(np.log(80_000), 0.3)
        log_sector = level_sector + np.linspace(0, 0.3, len(YEARS)) + rng.normal(0, noise, len(YEARS))
        log_rest = level_rest + np.linspace(0, 0.1, len(YEARS)) + rng.normal(0, noise, len(YEARS))
        if i == 0:
            log_sector = log_sector + (effect + region_shock) * post
            log_rest = log_rest + region_shock * post
        sector_values, rest_values = np.exp(log_sector), np.exp(log_rest)
        for year, s, r in zip(YEARS, sector_values, rest_values, strict=True):
            name = f"Region {i}"
            rows.append((region, name, "corop", sector, int(year), s))
            rows.append((region, name, "corop", within, int(year), s + r))
    rows.append(("R99", "not a region", "unclassified", within, 2015, 1.0))
    return pd.DataFrame(rows, columns=["region_code", "region_name", "region_level", "sector", "year", value])


def test_recovers_a_sector_specific_effect_with_a_small_p_value():
    res = triple_difference(synthetic_sector_table(effect=0.2, n_regions=25), "R00", "N", 2015)
    assert res.estimate == pytest.approx(0.2, abs=0.03)
    assert res.placebo_p_value == pytest.approx(1 / 25)  # the treated estimate is the largest of 25
    assert res.p_value == res.placebo_p_value
    # 24 placebos are enough for a finite 90 % Conley-Taber interval
    assert 0 < res.interval_low < 0.2 < res.interval_high < 0.3
    assert res.estimate == pytest.approx(res.did_sector - res.did_rest, abs=1e-12)
    assert len(res.donors) == 24 and "R99" not in res.donors and res.n_obs == 2 * 11 * 25
    assert (res.start_year, res.end_year) == (2010, 2020)
    data = json.loads(json.dumps(res.to_dict()))
    assert data["estimate"] == pytest.approx(res.estimate) and data["value"] == "jobs"


def test_a_region_wide_shock_cancels_while_the_plain_did_shows_it():
    shocked = triple_difference(synthetic_sector_table(region_shock=0.15, seed=4), "R00", "N", 2015)
    calm = triple_difference(synthetic_sector_table(region_shock=0.0, seed=4), "R00", "N", 2015)
    # the shock multiplies both groups of R00 by the same factor: in logs it cancels exactly
    assert shocked.estimate == pytest.approx(calm.estimate, abs=1e-9)
    assert abs(shocked.estimate) < 0.03
    assert shocked.did_sector == pytest.approx(0.15, abs=0.03)  # a plain DiD reads the shock as an effect
    assert shocked.did_rest == pytest.approx(0.15, abs=0.03)
    plain = difference_in_differences(
        synthetic_sector_table(region_shock=0.15, seed=4)
        .query("sector == 'N' and region_level == 'corop'")
        .pivot(index="year", columns="region_code", values="jobs"),
        "R00",
        2015,
        log=True,
    )
    assert plain.estimate == pytest.approx(shocked.did_sector, abs=1e-9)
    assert plain.placebo_p_value == pytest.approx(1 / 12)


def test_no_effect_is_not_rejected_in_most_draws():
    # under no effect the placebo p-value is uniform on 1/12, 2/12, ..., 1: P(p <= 0.1) = 1/12
    p_values = [
        triple_difference(synthetic_sector_table(seed=s), "R00", "N", 2015).p_value for s in range(60)
    ]
    assert sum(p > 0.1 for p in p_values) >= 45
    assert 0.35 < float(np.mean(p_values)) < 0.7
    assert all(1 / 12 - 1e-12 <= p <= 1 for p in p_values)


def test_equals_the_three_way_fixed_effects_regression_with_dummies():
    import statsmodels.formula.api as smf

    table = synthetic_sector_table(effect=0.05, n_regions=6, seed=11, noise=0.05)
    res = triple_difference(table, "R00", "N", 2015)
    wide = table[table["region_level"] == "corop"].pivot_table(
        index=["region_code", "year"], columns="sector", values="jobs"
    )
    long = pd.concat(
        {"sector": np.log(wide["N"]), "rest": np.log(wide["total"] - wide["N"])}, names=["group"]
    ).rename("y")
    long = long.reset_index()
    long["d"] = (
        (long["region_code"] == "R00") & (long["group"] == "sector") & (long["year"] >= 2015)
    ).astype(float)
    for a, b in (("region_code", "year"), ("group", "year"), ("region_code", "group")):
        long[f"{a}_{b}"] = long[a].astype(str) + "_" + long[b].astype(str)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the dummy design is rank-deficient by construction
        fit = smf.ols("y ~ d + C(region_code_year) + C(group_year) + C(region_code_group)", data=long).fit(
            cov_type="cluster", cov_kwds={"groups": pd.factorize(long["region_code"])[0]}
        )
    assert res.estimate == pytest.approx(fit.params["d"], abs=1e-9)
    # statsmodels' small-sample factor (N - 1) / (N - K) counts the redundant dummy columns in K; with K the
    # rank of the design (the number of free parameters) the standard errors agree
    n, k_columns, rank = len(long), fit.model.exog.shape[1], fit.model.rank
    se = fit.bse["d"] * math.sqrt((n - k_columns) / (n - rank))
    assert res.se_clustered == pytest.approx(se, rel=1e-9)
    p = 2 * stats.t.sf(abs(fit.params["d"] / se), 5)  # t with clusters - 1 degrees of freedom
    assert res.p_value_clustered == pytest.approx(p, rel=1e-9)
    assert res.n_obs == len(long)


def test_any_sector_code_and_a_births_column():
    table = synthetic_sector_table(effect=0.3, sector="82", within="N", value="births", seed=2)
    table["births"] = (table["births"] / 50).round() * 5  # CBS rounds births to 5
    res = triple_difference(table, "Region 0", "82", 2015, within="N")
    assert res.treated == "R00" and res.value == "births" and res.sector == "82" and res.within == "N"
    assert res.estimate == pytest.approx(0.3, abs=0.05)
    index = triple_difference(table, "R00", "82", 2015, within="N", outcome="index")
    assert index.base_year == 2014 and index.data.loc[2014, "treated_gap"] == pytest.approx(0.0)
    assert index.estimate > 20


def test_suppressed_cells_leave_a_region_out_and_errors_are_named():
    table = synthetic_sector_table(seed=5)
    blank = (table["region_code"] == "R03") & (table["sector"] == "N") & (table["year"] == 2012)
    table.loc[blank, "jobs"] = np.nan
    res = triple_difference(table, "R00", "N", 2015)
    assert res.left_out_regions == ["R03"] and "R03" not in res.donors
    with pytest.raises(ParameterError, match="missing"):
        triple_difference(table, "R00", "N", 2015, donors=["R01", "R03"])
    with pytest.raises(InputError, match="lacks the sector"):
        triple_difference(table, "R03", "N", 2015)
    with pytest.raises(ParameterError, match="same"):
        triple_difference(table, "R00", "N", 2015, within="N")
    with pytest.raises(ParameterError, match="sector not in the table"):
        triple_difference(table, "R00", "82", 2015)
    with pytest.raises(InputError, match="value column"):
        triple_difference(table.rename(columns={"jobs": "count"}), "R00", "N", 2015)
    with pytest.raises(ParameterError, match="years do not fit"):
        triple_difference(table, "R00", "N", 2010)
    with pytest.raises(ParameterError, match="outcome"):
        triple_difference(table, "R00", "N", 2015, outcome="levels")
    with pytest.raises(ParameterError, match="treated region not in"):
        triple_difference(table, "Nowhere", "N", 2015)


def test_window_and_long_panel_without_region_level():
    table = synthetic_sector_table(effect=0.2, seed=6)
    panel = table[table["region_level"] == "corop"].drop(columns=["region_level", "region_name"])
    res = triple_difference(panel, "R00", "N", 2015, start_year=2012, end_year=2018)
    assert (res.start_year, res.end_year) == (2012, 2018) and list(res.data.index) == list(range(2012, 2019))
    assert res.estimate == pytest.approx(0.2, abs=0.04)


@pytest.fixture(scope="module")
def full_jobs() -> pd.DataFrame:
    from cbs_full_jobs import full_jobs as load

    frame = load()
    if frame is None:
        pytest.skip("the full CBS table 83582NED is not in the shared folder")
    return frame


def test_real_cr39_section_n_from_2015(full_jobs):
    res = triple_difference(full_jobs, "CR39", "N", 2015)
    assert (
        len(res.donors) == 39
        and res.left_out_regions == []
        and (res.start_year, res.end_year) == (2010, 2024)
    )
    assert res.estimate == pytest.approx(0.1632, abs=5e-4)
    assert res.p_value == pytest.approx(0.2)  # 8 of 40 regions at least as extreme
    assert res.interval_low < res.estimate < res.interval_high
    assert res.estimate == pytest.approx(res.did_sector - res.did_rest, abs=1e-12)
    # the sector part is the plain DiD of log jobs in N
    n = full_jobs[(full_jobs["sector"] == "N") & (full_jobs["region_level"] == "corop")]
    plain = difference_in_differences(
        n.pivot(index="year", columns="region_code", values="jobs"), "CR39", 2015, log=True, placebo=False
    )
    assert res.did_sector == pytest.approx(plain.estimate, abs=1e-12)
    assert math.isfinite(res.p_value_clustered)


def test_real_births_division_82_within_section_n():
    from cbs_full_jobs import births

    table = births()
    if table is None:
        pytest.skip("the CBS births table 83631NED is not in the shared folder")
    res = triple_difference(table, "CR39", "82", 2015, end_year=2024, within="N")
    assert res.value == "births" and (res.start_year, res.end_year) == (2007, 2024)
    # regions with a year without births in 82 or in the other divisions have no log: left out, named
    assert res.left_out_regions == ["CR02", "CR05", "CR11", "CR31"] and len(res.donors) == 35
    assert res.estimate == pytest.approx(-0.0589, abs=5e-4)
    assert res.p_value == pytest.approx(25 / 36)
    assert res.interval_low < res.estimate < res.interval_high
