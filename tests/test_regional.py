"""Panels and region x sector tables from the tidy regional jobs table (real CBS data and constructed data); the
analysis of one region (typed result, no words); the report built from it in-process (no kernel)."""

from __future__ import annotations

import dataclasses
import functools
import json
import re

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


@functools.lru_cache(maxsize=1)
def _evidence() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    import ccresearch
    from ccresearch.build.loaders import load_cbs_status

    return ccresearch.load_facts(), ccresearch.load_sources(), load_cbs_status()


def analyse(region, *args, **kw) -> regional.RegionalAnalysis:
    """``analyse_region`` on the real data with the evidence base loaded once."""
    facts, sources, status = _evidence()
    kw.setdefault("jobs", real_jobs())
    return regional.analyse_region(region, *args, facts=facts, sources=sources, status=status, **kw)


@functools.lru_cache(maxsize=1)
def cr39() -> regional.RegionalAnalysis:
    """The default analysis (Zuid-Limburg, section N, 2015, index), computed once."""
    return analyse("CR39", "N", 2015, 2010, 2024)


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
        regional.panel(real_jobs(), sector="X")
    assert "total" in str(err.value) and "'X'" in str(err.value) and "'M-N'" in str(err.value)


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


def test_region_sector_table_of_the_full_cbs_table_uses_sections_and_rest():
    table = regional.region_sector_table(real_jobs(), years=(2014, 2019))
    sectors = set(table["sector"].unique())
    assert "rest" in sectors and {"N", "C", "G", "Q"} <= sectors
    assert all(len(x) == 1 for x in sectors - {"rest"})  # sections only: no groups (M-N, B-F), no total
    assert table["region_code"].nunique() == 40
    cr39 = table[(table["region_code"] == "CR39") & (table["year"] == 2019)].set_index("sector")["jobs"]
    assert cr39["N"] == pytest.approx(34_500) and cr39.sum() == pytest.approx(266_000)


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


def test_caveat_figures_come_from_the_data():
    # the old test pinned the caveat TEXT "793.0k of 1,094.4k" written in the code; the figures now come from
    # the national rows of CBS table 83583NED in the processed table, the words from the report catalogue
    share = regional.agency_share(real_jobs())
    assert share is not None and (share.division, share.section, share.year) == ("78", "N", 2019)
    assert share.division_jobs == pytest.approx(793_000) and share.section_jobs == pytest.approx(1_094_400)
    assert share.table == "83583NED" and share.share == pytest.approx(793.0 / 1094.4)
    cr99 = regional.unclassified(real_jobs(), range(2010, 2025))
    assert cr99.years_absent == tuple(range(2012, 2019))
    assert (cr99.first_year, cr99.first_jobs, cr99.last_year, cr99.last_jobs) == (2010, 3_700, 2024, 27_600)
    assert regional.agency_share(synthetic_jobs()) is None


def test_provisional_years_come_from_the_status_file():
    from ccresearch.build.loaders import load_cbs_status

    status = load_cbs_status()
    assert list(status.columns) == ["table_id", "period", "status", "source"]
    assert regional.provisional_years(status, "83582NED") == (2024,)
    assert regional.provisional_years(status, "83583NED") == ()
    assert cr39().provisional_years == (2024,)
    assert cr39().key_years().set_index("year")["provisional"].to_dict() == {
        2010: False,
        2014: False,
        2015: False,
        2024: True,
    }


def test_status_file_errors_name_file_row_and_field(tmp_path):
    from ccresearch.build.loaders import load_cbs_status
    from ccresearch.sources.catalog import write_sidecar

    (tmp_path / "cbs").mkdir()
    path = tmp_path / "cbs" / "status.csv"
    path.write_text("table_id,period,status,source\n83582NED,2024,maybe,test\n", encoding="utf-8")
    write_sidecar(path, origin="constructed for a test", licence="none")
    with pytest.raises(InputError) as err:
        load_cbs_status(tmp_path)
    text = str(err.value)
    assert "status.csv" in text and "status" in text and "maybe" in text and "2" in text


def test_the_cbs_reader_ignores_the_status_file(tmp_path):
    import shutil

    from ccresearch.sources.cbs import regional_jobs

    raw = tmp_path / "raw"
    for folder in ("cbs", "regions"):
        shutil.copytree(paths.raw_dir() / folder, raw / folder)
    with_status = regional_jobs(raw)
    (raw / "cbs" / "status.csv").unlink()
    (raw / "cbs" / "status.csv.meta.yaml").unlink()
    without = regional_jobs(raw)
    pd.testing.assert_frame_equal(with_status.reset_index(drop=True), without.reset_index(drop=True))


def test_case_definition_is_data():
    case = regional.case()
    assert case["target"]["entities"] == ["customer-service-valley", "klantcontact", "contactcenters"]
    assert (case["target"]["count_measure"], case["target"]["target_measure"]) == ("jobs", "jobs_target")
    assert case["status_table"] == "83582NED" and case["agency_share"]["division"] == "78"


# --- the whole analysis of one region --------------------------------------------------------------------


def _finite_numbers(value, path="summary"):
    """Every number in a nested summary, with its path; fails on NaN, infinity or None, except at the end of an
    interval, where infinity (None in JSON) means the data do not bound the interval on that side."""
    import math

    if path.endswith((".interval.low", ".interval.high")) and (value is None or math.isinf(value)):
        return
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
    a = cr39()
    s = a.summary()
    _finite_numbers(s)
    ss = s["shift_share"]
    assert ss["actual"] == pytest.approx(29_700 - 27_200)
    assert ss["national"] + ss["industry_mix"] + ss["regional"] == pytest.approx(ss["actual"], abs=1e-6)
    assert sum(s["synth"]["weights"].values()) == pytest.approx(1.0)
    assert 1 / 40 <= s["synth"]["p_value"] <= 1 and 1 / 40 <= s["did"]["placebo_p_value"] <= 1
    assert a.base_year == 2014 and np.allclose(a.panel.loc[2014], 100.0)
    assert json.loads(json.dumps(a.to_dict()))["caveats"] == list(a.caveats)
    assert "agency_share" in a.caveats and all(c.isidentifier() for c in a.caveats)  # ids, not words
    assert a.trends().loc[2014].drop(["donors_p10", "donors_p90"]).tolist() == pytest.approx([100.0] * 3)


@pytest.mark.slow  # a synthetic control with placebos for each of 40 regions (~25 s of CPU)
def test_every_corop_region_as_treated_gives_a_summary_without_nan():
    jobs = real_jobs()
    for region in regional.region_codes(jobs):
        _finite_numbers(analyse(region, "N", 2015, 2010, 2024).summary(), region)
    for region in ("CR02", "CR17", "CR23", "CR39"):  # smallest, mid, largest, the treated one
        summary = analyse(region, "total", 2015, 2010, 2024, outcome="jobs").summary()
        _finite_numbers(summary, region)
        assert summary["did"]["log"] is True


def test_synth_ratio_floor_keeps_exact_pre_fits_finite():
    a = cr39()
    inf = a.synth_inference
    assert (inf["pre_rmspe_floor"] > 0).all() and np.isfinite(inf["ratio"]).all()
    # the floor is the rounding error of one CBS cell (100 jobs) in index points of the region's base year
    assert inf.loc["CR39", "pre_rmspe_floor"] == pytest.approx(100 * (50 / 3**0.5) / 27_200)
    assert a.summary()["synth"]["n_exact_pre_fits"] >= 1


def test_synth_headline_p_value_ranks_the_ratio_with_the_pre_fit_floored_at_the_rounding():
    """Changed on purpose (issue: inference that responds to the effect): a region matched to within CBS rounding
    no longer gets an infinite ratio that ties at the top (the headline was stuck at 0.55 for CR39); its pre-period
    fit counts as the rounding error, so a departure after treatment still ranks."""
    a = cr39()
    s = a.summary()["synth"]
    inf = a.synth_inference
    within = inf.index[inf["pre_rmspe"] <= inf["pre_rmspe_floor"]]
    assert set(a.placebo.exact_fits) == set(within) and s["n_exact_pre_fits"] == len(within)
    assert s["exact_pre_fit"] is True
    assert s["p_value"] == pytest.approx(regional.synth_p_value(inf, "CR39"))
    assert s["p_value"] < len(within) / s["n_units"]
    assert "still shows in the ratio" in rr.report(a, language="en").html()


def test_analysis_refuses_years_outside_the_data_and_unknown_donors():
    with pytest.raises(ParameterError, match="years"):
        analyse("CR39", treatment_year=2010, synth=False)
    with pytest.raises(ParameterError, match="two years before"):
        analyse("CR39", treatment_year=2015, start_year=2014, synth=False)
    with pytest.raises(ParameterError, match="years"):
        analyse("CR39", end_year=2030, synth=False)
    with pytest.raises(ParameterError, match="comparison regions"):
        analyse("CR39", donors=["CR39"], synth=False)
    with pytest.raises(ParameterError, match="region"):
        analyse("CR77", synth=False)


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
    a = cr39()
    check = regional.target_check(a, facts)
    assert len(check) == 1 and check.loc[0, "source_id"] == "src-a, src-b"
    row = check.loc[0]
    assert row["promised_change"] == 1000 and row["target_year"] == 2020
    assert row["sector_jobs_baseline"] == pytest.approx(a.jobs.loc[2015, "CR39"])
    assert row["observed_change"] == pytest.approx(a.jobs.loc[2020, "CR39"] - a.jobs.loc[2015, "CR39"])
    assert np.isfinite(row["synth_gap_jobs"]) and row["placebo_gap_jobs_p90"] > 0
    assert regional.later_claims(a, facts)["value_text"].tolist() == ["ruim 7000"]
    shown = dataclasses.replace(
        a, target_facts=facts, targets=check, later=regional.later_claims(a, facts), target_region="CR39"
    )
    text = rr.report(shown, language="en").html()
    assert "+1,000 jobs" in text and "ruim 7000" in text
    other = analyse("CR17", "N", 2015, 2010, 2024, synth=False)
    assert regional.target_check(other, facts).empty
    shown = dataclasses.replace(
        other, target_facts=facts, targets=regional.target_check(other, facts), target_region="CR39"
    )
    assert "concern Zuid-Limburg (CR39)" in rr.report(shown, language="en").html()


# --- the new API: names, the loaders' tables, typed results --------------------------------------------


def test_region_and_donor_names_are_accepted_where_codes_are():
    a = analyse("Zuid-Limburg", "N", 2015, donors=["Utrecht", "CR18", "Flevoland"], synth=False)
    assert a.region == "CR39" and a.donors == ["CR17", "CR18", "CR40"]
    assert a.region_name == "Zuid-Limburg" and a.name("CR18") == "Kop van Noord-Holland"
    with pytest.raises(ParameterError, match="unknown region"):
        analyse("Zuid-Limbrug", synth=False)


def test_the_facade_call_loads_the_tables_and_gives_the_numbers_of_the_report():
    import ccresearch

    a = ccresearch.analyse_region("CR39", sector="N", treatment_year=2015)
    assert a.record() == cr39().record()
    # the headline numbers of results.json, as before this layer split (same methods, same precision)
    r = a.record()
    assert r["shift_share"]["actual"] == pytest.approx(2_500)
    assert r["did"]["estimate"] == pytest.approx(11.2215, abs=1e-3)
    # changed on purpose: the placebo estimates are rescaled to the region's size (Ferman & Pinto 2019), since
    # their spread grows as regions get smaller (was 0.45 without the correction)
    assert (
        r["did"]["placebo_p_value"] == pytest.approx(0.40)
        and r["did"]["p_value"] == r["did"]["placebo_p_value"]
    )
    assert r["did"]["interval"]["low"] < r["did"]["estimate"] < r["did"]["interval"]["high"]
    # changed on purpose: the floored-ratio statistic (was 0.55, every exact fit tied at the top)
    assert r["synth"]["p_value"] == pytest.approx(0.40) and r["synth"]["n_exact_pre_fits"] == 22
    assert r["headline"] == {
        "jobs_change": pytest.approx(2_500),
        "did_placebo_p_value": pytest.approx(0.40),
        "synth_placebo_p_value": pytest.approx(0.40),
    }
    json.dumps(r)


def test_an_old_style_call_with_the_table_first_is_refused_clearly():
    with pytest.raises(ParameterError, match="keyword"):
        regional.analyse_region(real_jobs(), "CR39")


def test_panels_carry_unit_names_and_precision_for_the_methods():
    a = cr39()
    assert a.panel.attrs["unit_names"]["CR39"] == "Zuid-Limburg"
    assert set(a.panel.attrs["unit_names"]) == set(a.panel.columns)
    precision = a.panel.attrs["precision"]
    assert precision["CR39"] == pytest.approx(100 * (50 / 3**0.5) / 27_200)
    pd.testing.assert_series_equal(
        precision, regional.rounding_floor(a.jobs.loc[2014], "index", list(a.panel))
    )


def test_event_study_placebo_coefficients_are_computed_from_the_panel():
    a = cr39()
    coef = a.event_study.coefficients.set_index("year")["coef"]
    assert np.allclose(a.event_placebos["CR39"].reindex(coef.index), coef, atol=1e-9)
    # a donor's coefficient: its change since 2014 minus the mean change of the other donors
    p = a.panel
    others = [c for c in a.donors if c != "CR01"]
    expected = (p["CR01"] - p.loc[2014, "CR01"]) - (p[others] - p.loc[2014, others]).mean(axis=1)
    assert np.allclose(a.event_placebos["CR01"], expected)
    band = a.event_band()
    assert list(band.columns) == [
        "year",
        "coef",
        "placebo_low",
        "placebo_high",
        "ci_low",
        "ci_high",
        "placebo_share",
    ]
    post = band[band["year"] > 2014]
    assert (post["placebo_high"] - post["placebo_low"] > post["ci_high"] - post["ci_low"]).all()


def test_tables_have_stable_column_ids():
    a = cr39()
    assert list(a.key_years().columns) == ["year", "region_jobs", "netherlands_jobs", "share", "provisional"]
    assert list(a.did_table()["statistic"]) == list(regional.DID_STATISTICS)
    assert list(a.weights_table().columns) == ["code", "name", "weight"]
    assert list(a.shift_share_table().columns) == [
        "sector",
        "jobs_start",
        "jobs_end",
        "national",
        "industry_mix",
        "regional",
        "actual",
    ]
    assert list(a.trends().columns) == ["region", "netherlands", "donors_mean", "donors_p10", "donors_p90"]


def test_result_has_a_short_repr_and_html():
    a = cr39()
    text = repr(a)
    assert text.startswith("RegionalAnalysis(CR39 'Zuid-Limburg'") and len(text) < 250 and "\n" not in text
    html = a._repr_html_()
    assert "<table>" in html and "Zuid-Limburg" in html


# --- the report, built in-process --------------------------------------------------------------------

#: English function words that are not Dutch words ("is", "of", "in", "was" are Dutch too)
ENGLISH = {
    "the",
    "and",
    "with",
    "which",
    "this",
    "that",
    "are",
    "from",
    "for",
    "not",
    "than",
    "after",
    "before",
    "between",
    "by",
    "where",
    "these",
    "their",
    "its",
    "to",
    "were",
    "has",
    "have",
    "been",
}


@functools.lru_cache(maxsize=4)
def _html(language: str) -> str:
    return rr.report(cr39(), language=language).html()


def _reader_text(html: str) -> str:
    """The words a reader reads (alt text included), without the source list (titles in their own language)."""
    body = html.split('id="sec-sources"')[0]
    alts = " ".join(re.findall(r'alt="([^"]*)"', body))
    body = re.sub(r"<[^>]+>", " ", body)
    return body + " " + alts


def test_dutch_report_has_no_english_function_words():
    words = set(re.findall(r"[a-z]+", _reader_text(_html("nl")).lower()))
    assert not words & ENGLISH, sorted(words & ENGLISH)
    assert {"de", "het", "en", "van"} <= words


def test_english_report_is_english():
    words = set(re.findall(r"[a-z]+", _reader_text(_html("en")).lower()))
    assert {"the", "and", "of"} <= words and "banen" not in words


def test_every_figure_has_a_caption_alt_text_and_source():
    for language in ("nl", "en"):
        html = _html(language)
        figures = re.findall(r'<figure id="fig-[^"]+" class="figure">(.*?)</figure>', html, re.S)
        assert len(figures) == 8  # + shift-share by start year, the specification curve
        for fig in figures:
            alt = re.search(r'alt="([^"]*)"', fig).group(1)
            assert len(alt) > 40 and "_" not in alt
            caption = re.search(r"<figcaption>(.*?)</figcaption>", fig, re.S).group(1)
            assert "83582NED" in caption and 'href="#src-cbs-83582ned"' in caption


def test_tables_show_names_units_precision_and_the_provisional_year():
    html = _html("nl")
    tables = re.findall(r'<figure id="tab-[^"]+" class="table">(.*?)</figure>', html, re.S)
    assert len(tables) == 8  # + conformal intervals per year, every specification
    cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", html, re.S)]
    assert not [c for c in cells if re.fullmatch(r"CR\d\d", c)]  # no bare codes
    assert "Kop van Noord-Holland (CR18)" in cells and "Zuid-Limburg" in html
    assert "2024*" in cells and "voorlopig cijfer" in html
    assert "27.200" in cells and "&lt;\u00a00,001" in cells  # jobs at 100; a p-value is never 0,000
    assert '<span class="unit">(banen)</span>' in html
    assert not re.search(r"\b[a-z]+_[a-z_]+\b", _reader_text(html))  # no snake_case ids


def test_summary_links_each_claim_to_its_figure_or_table():
    html = _html("nl")
    summary = html.split('id="sec-summary"')[1].split("</section>")[0]
    items = re.findall(r"<li>(.*?)</li>", summary, re.S)
    assert len(items) >= 6
    assert all('href="#fig-' in i or 'href="#tab-' in i for i in items[:-1])
    assert "Zuid-Limburg" in summary and "27.200" in summary and "0,40" in summary


def test_data_caveats_state_computed_figures():
    html = _html("nl")
    assert "793.000 van de 1.094.400 banen" in html and "72%" in html
    assert "3.700 banen (2010) tot 27.600 (2024)" in html and "2012–2018" in html
    assert "83583NED" in html


def test_report_for_another_region_with_donors_and_both_outcomes():
    for outcome, sector in (("index", "N"), ("jobs", "total")):
        a = analyse("Utrecht", sector, 2015, donors=["CR18", "CR24", "CR29", "CR33", "CR40"], outcome=outcome)
        for language in ("nl", "en"):
            html = rr.report(a, language=language).html()
            # eight figures and seven tables: no target of Customer Service Valley concerns Utrecht
            assert "Utrecht" in html and html.count("<figcaption") == 8 + 7
    a = analyse("CR17", "total", 2015, outcome="jobs", synth=False)
    html = rr.report(a, language="nl").html()
    assert "logpunten" in html and "Zuid-Limburg (CR39)" in html  # the targets concern another region


def test_both_catalogues_have_the_same_regional_and_glossary_keys():
    from ccresearch.report.language import catalogue

    def keys(language):
        return {k for k in catalogue(language) if k.startswith(("regional.", "glossary."))}

    assert keys("nl") == keys("en")
    for term in rr.GLOSSARY:
        assert f"glossary.{term}.term" in keys("nl")
