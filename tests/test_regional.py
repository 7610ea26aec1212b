"""Panels and region x sector tables from the tidy regional jobs table (real CBS data and constructed data)."""

from __future__ import annotations

import functools
import json

import numpy as np
import pandas as pd
import pytest

from ccresearch import paths
from ccresearch.analysis import regional
from ccresearch.errors import InputError, ParameterError
from ccresearch.report import regional as rr

WIDE = "data/cbs/83582NED/cbs_83582NED_corop_banen_total_N_2010_2024_wide.csv"
SECTOR_OF_KEY = {"T001081": "total", "410200": "N", "300010": "M-N", "403300": "M"}


def real_jobs() -> pd.DataFrame:
    """The tidy regional jobs table: the library's loader when built, else the same frame from the shared CSV."""
    return _real_jobs().copy()


@functools.lru_cache(maxsize=1)
def _real_jobs() -> pd.DataFrame:
    try:
        import ccresearch

        jobs = ccresearch.load_regional_jobs()
        if not jobs.empty:
            return jobs
    except Exception:  # loader not built yet: fall back to the shared reference copy
        pass
    wide = pd.read_csv(paths.shared_dir() / WIDE, dtype={"sbi_key": str, "regio_code": str})
    long = wide.melt(id_vars=["sbi_key", "sbi_label", "regio_code"], var_name="year", value_name="jobs")
    long = long.rename(columns={"regio_code": "region_code"}).dropna(subset=["jobs"])
    long["year"] = long["year"].astype(int)
    long["jobs"] = long["jobs"] * 1000.0
    long["region_name"] = long["region_code"]
    long["region_level"] = np.where(long["region_code"] == "CR99", "unclassified", "corop")
    long["sector"] = long["sbi_key"].map(SECTOR_OF_KEY)
    long["source_table"] = "83582NED"
    return long.reset_index(drop=True)


def synthetic_jobs(
    sections: dict[str, float] | None = None, regions: int = 3, years: int = 4
) -> pd.DataFrame:
    """A constructed (synthetic) tidy jobs table with sections that add up to the total, plus an aggregate."""
    sections = sections or {"A": 10.0, "C": 50.0, "N": 40.0}
    rows = []
    for r in range(regions):
        for y in range(years):
            for s, base in sections.items():
                rows.append((f"CR{r + 1:02d}", s, 2010 + y, base * (r + 1) + y * (s == "N")))
    frame = pd.DataFrame(rows, columns=["region_code", "sector", "year", "jobs"])
    total = frame.groupby(["region_code", "year"], as_index=False)["jobs"].sum().assign(sector="total")
    agg = (
        frame[frame["sector"].isin(["A", "C"])].groupby(["region_code", "year"], as_index=False)["jobs"].sum()
    )
    frame = pd.concat([frame, total, agg.assign(sector="A-C")], ignore_index=True)
    frame["region_level"] = "corop"
    unclassified = total[total["region_code"] == "CR01"].assign(
        region_code="CR99", region_level="unclassified"
    )
    return pd.concat([frame, unclassified], ignore_index=True)


def test_panel_of_real_data_has_40_corop_regions_and_all_years():
    p = regional.panel(real_jobs(), sector="N")
    assert p.shape == (15, 40)
    assert list(p.columns[:2]) == ["CR01", "CR02"] and "CR99" not in p.columns
    assert p.loc[2019, "CR39"] == pytest.approx(34_500.0)
    assert p.loc[2014, "CR39"] == pytest.approx(27_200.0)


def test_index_panel_is_100_in_base_year():
    p = regional.panel(real_jobs(), sector="total", outcome="index", base_year=2014, years=(2012, 2020))
    assert list(p.index) == list(range(2012, 2021))
    assert np.allclose(p.loc[2014], 100.0)
    assert p.loc[2019, "CR39"] == pytest.approx(100 * 266_000 / 250_000, rel=1e-3)


def test_index_panel_without_base_year_is_refused():
    with pytest.raises(ParameterError, match="base year"):
        regional.panel(real_jobs(), outcome="index")


def test_unknown_sector_names_the_available_ones():
    with pytest.raises(ParameterError) as err:
        regional.panel(real_jobs(), sector="Q")
    assert "total" in str(err.value) and "'Q'" in str(err.value)


def test_duplicate_rows_are_an_input_error():
    jobs = real_jobs()
    with pytest.raises(InputError, match="more than one"):
        regional.panel(pd.concat([jobs, jobs.head(1)], ignore_index=True), sector=jobs["sector"].iloc[0])


def test_panel_warns_and_leaves_out_a_region_with_a_missing_year():
    jobs = real_jobs()
    gap = (jobs["region_code"] == "CR05") & (jobs["sector"] == "N") & (jobs["year"] == 2016)
    with pytest.warns(UserWarning, match="CR05"):
        p = regional.panel(jobs[~gap], sector="N")
    assert "CR05" not in p.columns and p.shape == (15, 39)


def test_netherlands_is_the_sum_of_corop_regions_without_cr99():
    jobs = real_jobs()
    nl = regional.netherlands(jobs, sector="N")
    assert nl.loc[2019] == pytest.approx(regional.panel(jobs, sector="N").loc[2019].sum())
    # 2019 national N jobs in 83583NED are 1,094.4k; the COROP sum lacks CR99 (5.5k) only
    assert nl.loc[2019] == pytest.approx(1_094_400 - 5_500, abs=2_000)


def test_region_sector_table_with_total_and_n_gives_n_and_rest():
    table = regional.region_sector_table(real_jobs())
    assert sorted(table["sector"].unique()) == ["N", "rest"]
    assert table["region_code"].nunique() == 40
    cr39 = table[(table["region_code"] == "CR39") & (table["year"] == 2019)].set_index("sector")["jobs"]
    assert cr39["N"] == pytest.approx(34_500) and cr39["rest"] == pytest.approx(266_000 - 34_500)


def test_region_sector_table_of_synthetic_full_table_uses_sections_not_aggregates():
    table = regional.region_sector_table(synthetic_jobs())
    assert sorted(table["sector"].unique()) == ["A", "C", "N"]  # sections add up: no rest, no A-C
    assert "CR99" not in set(table["region_code"])


def test_region_sector_table_adds_rest_when_sections_do_not_cover_total():
    jobs = synthetic_jobs()
    jobs.loc[jobs["sector"] == "total", "jobs"] += 5.0
    table = regional.region_sector_table(jobs)
    rest = table[table["sector"] == "rest"]["jobs"]
    assert sorted(table["sector"].unique()) == ["A", "C", "N", "rest"]
    assert np.allclose(rest, 5.0)


def test_caveats_for_n_say_it_is_a_broad_proxy():
    text = " ".join(regional.caveats("N"))
    assert "793.0k of 1,094.4k" in text and "82.2" in text
    assert regional.caveats("total") and all(isinstance(c, str) for c in regional.caveats("M"))


# --- the whole analysis of one region --------------------------------------------------------------------


def _finite_numbers(value, path="summary"):
    """Every number in a nested summary, with its path; fails on NaN, infinity or None."""
    import math

    if isinstance(value, dict):
        for k, v in value.items():
            _finite_numbers(v, f"{path}.{k}")
    elif isinstance(value, list | tuple):
        for i, v in enumerate(value):
            _finite_numbers(v, f"{path}[{i}]")
    elif isinstance(value, float):
        assert math.isfinite(value), path
    else:
        assert value is not None, path


def test_analysis_of_zuid_limburg_n_records_consistent_numbers():
    a = regional.analyse_region(
        real_jobs(), "CR39", sector="N", treatment_year=2015, start_year=2010, end_year=2024
    )
    s = a.summary()
    _finite_numbers(s)
    ss = s["shift_share"]
    assert ss["actual"] == pytest.approx(29_700 - 27_200)
    assert ss["national"] + ss["industry_mix"] + ss["regional"] == pytest.approx(ss["actual"], abs=1e-6)
    assert sum(s["synth"]["weights"].values()) == pytest.approx(1.0)
    assert 1 / 40 <= s["synth"]["p_value"] <= 1 and 1 / 40 <= s["did"]["placebo_p_value"] <= 1
    assert a.base_year == 2014 and np.allclose(a.panel.loc[2014], 100.0)
    assert json.loads(json.dumps(a.to_dict()))["caveats"] == a.caveats
    assert a.trends().loc[2014].drop(["donors_p10", "donors_p90"]).tolist() == pytest.approx([100.0] * 3)


@pytest.mark.slow  # a synthetic control with placebos for each of 40 regions (~25 s of CPU)
def test_every_corop_region_as_treated_gives_a_summary_without_nan():
    jobs = real_jobs()
    for region in regional.region_codes(jobs):
        _finite_numbers(regional.analyse_region(jobs, region, "N", 2015, 2010, 2024).summary(), region)
    for region in ("CR02", "CR17", "CR23", "CR39"):  # smallest, mid, largest, the treated one
        summary = regional.analyse_region(jobs, region, "total", 2015, 2010, 2024, outcome="jobs").summary()
        _finite_numbers(summary, region)
        assert summary["did"]["log"] is True


def test_synth_ratio_floor_keeps_exact_pre_fits_finite():
    a = regional.analyse_region(real_jobs(), "CR39", "N", 2015, 2010, 2024)
    inf = a.synth_inference
    assert (inf["pre_rmspe_floor"] > 0).all() and np.isfinite(inf["ratio"]).all()
    # the floor is the rounding error of one CBS cell (100 jobs) in index points of the region's base year
    assert inf.loc["CR39", "pre_rmspe_floor"] == pytest.approx(100 * (50 / 3**0.5) / 27_200)
    assert a.summary()["synth"]["n_exact_pre_fits"] >= 1


def test_synth_p_value_counts_fits_within_rounding_as_exact():
    a = regional.analyse_region(real_jobs(), "CR39", "N", 2015, 2010, 2024)
    s = a.summary()["synth"]
    inf = a.synth_inference
    within = inf.index[inf["pre_rmspe"] <= inf["pre_rmspe_floor"]]
    assert set(a.placebo.exact_fits) == set(within) and s["n_exact_pre_fits"] == len(within)
    # CR39 is matched before 2015 to within CBS rounding: it ties with every such region
    assert s["exact_pre_fit"] is True
    assert s["p_value"] == pytest.approx(len(within) / s["n_units"])
    assert s["p_value"] >= s["p_value_floored"]
    assert "cannot single it out" in rr.synth_text(a, "Zuid-Limburg")


def test_analysis_refuses_years_outside_the_data_and_unknown_donors():
    jobs = real_jobs()
    with pytest.raises(ParameterError, match="years"):
        regional.analyse_region(jobs, "CR39", treatment_year=2010, synth=False)
    with pytest.raises(ParameterError, match="two years before"):
        regional.analyse_region(jobs, "CR39", treatment_year=2015, start_year=2014, synth=False)
    with pytest.raises(ParameterError, match="years"):
        regional.analyse_region(jobs, "CR39", end_year=2030, synth=False)
    with pytest.raises(ParameterError, match="comparison regions"):
        regional.analyse_region(jobs, "CR39", donors=["CR39"], synth=False)
    with pytest.raises(ParameterError, match="region"):
        regional.analyse_region(jobs, "CR77", synth=False)


def synthetic_facts() -> pd.DataFrame:
    """Constructed facts: a baseline and two targets for a gemeente in CR39, one stated by two sources."""
    rows = [
        ("src-a", "prog", "jobs", "5.000", 5000.0, "2015-01-01", "2015-12-31", "GM0935"),
        ("src-a", "prog", "jobs_target", "6.000", 6000.0, "2020-01-01", "2020-12-31", "GM0935"),
        ("src-b", "prog", "jobs", "5.000", 5000.0, "2015-01-01", "2015-12-31", None),
        ("src-b", "prog", "jobs_target", "6.000", 6000.0, "2020-01-01", "2020-12-31", None),
        ("src-c", "prog", "jobs", "ruim 7000", 7000.0, "2021-01-01", "2021-12-31", "CR39"),
        ("src-d", "other", "jobs", "10", 10.0, "2015-01-01", "2015-12-31", "CR17"),
    ]
    cols = [
        "source_id",
        "entity",
        "measure",
        "value_text",
        "value",
        "period_start",
        "period_end",
        "region_code",
    ]
    return pd.DataFrame(rows, columns=cols)


def test_target_check_sets_synthetic_facts_against_the_region_data():
    facts = regional.target_facts(synthetic_facts(), entities=["prog"])
    assert regional.target_region(facts) == "CR39"
    a = regional.analyse_region(real_jobs(), "CR39", "N", 2015, 2010, 2024)
    check = regional.target_check(a, facts)
    assert len(check) == 1 and check.loc[0, "source_id"] == "src-a, src-b"
    row = check.loc[0]
    assert row["promised_change"] == 1000 and row["target_year"] == 2020
    assert row["sector_jobs_baseline"] == pytest.approx(a.jobs.loc[2015, "CR39"])
    assert row["observed_change"] == pytest.approx(a.jobs.loc[2020, "CR39"] - a.jobs.loc[2015, "CR39"])
    assert np.isfinite(row["synth_gap_jobs"]) and row["placebo_gap_jobs_p90"] > 0
    assert regional.later_claims(a, facts)["value_text"].tolist() == ["ruim 7000"]
    text = rr.target_text(check, a, "Zuid-Limburg", facts)
    assert "+1,000 jobs" in text and "ruim 7000" in text
    other = regional.analyse_region(real_jobs(), "CR17", "N", 2015, 2010, 2024, synth=False)
    assert regional.target_check(other, facts).empty
    assert "concern CR39" in rr.target_text(regional.target_check(other, facts), other, "Utrecht", facts)
