"""Notebook 03 on a second outcome: establishment births (CBS 83631NED), any SBI code the table holds, the
precision of that table (CBS rounds births to 5), and the parameters checked before a kernel starts."""

from __future__ import annotations

import math

import pytest

from ccresearch.analysis import regional
from ccresearch.errors import ParameterError
from ccresearch.report import regional as rr
from ccresearch.runner import domains
from tests.test_regional import _evidence


def births(region: str = "CR39", sector: str = "82", **kw) -> regional.RegionalAnalysis:
    facts, sources, status = _evidence()
    kw.setdefault("start_year", 2007)
    kw.setdefault("end_year", 2025)
    return regional.analyse_region(
        region, sector=sector, measure="births", facts=facts, sources=sources, status=status, **kw
    )


@pytest.fixture(scope="module")
def b82() -> regional.RegionalAnalysis:
    return births()


def test_births_of_division_82_are_read_at_their_own_precision(b82):
    assert b82.measure == "births" and b82.data_table == "83631NED" and b82.precision_jobs == 5.0
    # CR39, division 82, as in the shared README: 2007 10 ... 2014 50, 2015 55 ... 2025 150
    assert (
        b82.jobs.loc[2007, "CR39"] == 10
        and b82.jobs.loc[2014, "CR39"] == 50
        and b82.jobs.loc[2025, "CR39"] == 150
    )
    assert b82.provisional_years == (2025,)
    # the rounding floor follows the table's step: 5 / 2 / sqrt(3) births, in index points of the base year
    assert b82.synth_inference.loc["CR39", "pre_rmspe_floor"] == pytest.approx(100 * (2.5 / 3**0.5) / 50)
    assert b82.shift_share is None and b82.targets.empty  # no section structure; the targets are jobs


def test_regions_with_zero_births_in_the_base_year_are_left_out_and_named(b82):
    assert b82.excluded and all(b82.jobs.loc[2014, r] == 0 for r in b82.excluded)
    assert not set(b82.excluded) & set(b82.donors)
    assert b82.summary()["excluded_regions"] == list(b82.excluded)


def test_the_triple_difference_of_a_division_compares_it_with_its_section(b82):
    assert b82.triple is not None and b82.triple.within == "N"
    s = b82.summary()
    assert s["triple"]["within"] == "N" and 1 / 40 <= s["triple"]["p_value"] <= 1
    assert math.isfinite(s["did"]["estimate"]) and 1 / 40 <= s["synth"]["p_value"] <= 1


def test_the_births_report_speaks_of_births_and_cites_its_table(b82):
    for language, noun, title in (
        ("nl", "oprichtingen", "Oprichtingen van vestigingen"),
        ("en", "births", "Establishment births"),
    ):
        html = rr.report(b82, language).html()
        assert title in html and f" {noun}" in html
        summary = html.split('id="sec-summary"')[1].split("</section>")[0]
        assert ("banen" if language == "nl" else " jobs") not in summary.replace("geen banen", "")
        assert 'id="src-cbs-83631ned"' in html and "83582NED" not in html
        assert "82.2" in html  # division 82 named as a proxy for call centres


def test_sector_and_measure_are_checked_against_the_data_before_a_kernel():
    with pytest.raises(ParameterError) as err:
        domains.check_all({"region": "CR39", "measure": "births", "sector": "Q"}, given=["measure", "sector"])
    assert err.value.field == "sector" and "82" in (err.value.expected or "")
    assert domains.check_all({"region": "CR39", "measure": "births", "sector": "82"})["sector"] == "82"
    with pytest.raises(ParameterError, match="year outside"):
        domains.check_all(
            {"region": "CR39", "measure": "jobs", "sector": "N", "start_year": 2007}, given=["start_year"]
        )
    assert (
        domains.check_all({"region": "CR39", "measure": "births", "start_year": 2007})["start_year"] == 2007
    )
    assert "M-N" in domains.measure_sectors("jobs") and "82" not in domains.measure_sectors("jobs")


def test_a_region_with_zero_counts_is_refused_with_a_way_out():
    with pytest.raises(ParameterError) as err:
        births("CR02", "82")
    assert err.value.field == "region" and "another sector" in (err.value.expected or "")
