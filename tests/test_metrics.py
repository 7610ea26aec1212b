"""Cost ratios as intervals: selection, arithmetic with provenance, gross-to-net, and the cases of notebook 02.

Unit tests use small synthetic fact tables (named ``synthetic_*``); the case tests use the real evidence base
(built once per session by the ``processed_dir`` fixture) and compare with values worked out by hand from
the cited figures.
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from ccresearch.analysis import spend as m
from ccresearch.core.interval import Interval
from ccresearch.errors import ParameterError
from ccresearch.report import spend as rs

INF = math.inf


def synthetic_facts(rows: list[dict]) -> pd.DataFrame:
    """A facts table with the processed columns, from a few synthetic rows."""
    base = {
        "fact_id": "",
        "source_id": "synthetic-source",
        "entity": "synthetic-entity",
        "entity_name": "Synthetic entity",
        "entity_kind": "programme",
        "measure": "",
        "value_text": "",
        "value": 0.0,
        "low": 0.0,
        "high": 0.0,
        "qualifier": "exact",
        "unit": "persons",
        "per": None,
        "period_start": pd.NaT,
        "period_end": pd.NaT,
        "period_text": None,
        "region_code": None,
        "note": None,
        "file": "facts/synthetic.csv",
        "row": 2,
    }
    frame = pd.DataFrame([{**base, **r} for r in rows])
    for col in ("period_start", "period_end"):
        frame[col] = pd.to_datetime(frame[col])
    return frame


@pytest.fixture
def synthetic_two_sources() -> pd.DataFrame:
    return synthetic_facts(
        [
            {"fact_id": "s1", "measure": "budget", "value_text": "ruim 100", "value": 100, "low": 100, "high": INF},
            {"fact_id": "s2", "measure": "people", "value_text": "bijna 10", "value": 10, "low": 0, "high": 10},
            {"fact_id": "s3", "measure": "people", "value_text": "4", "value": 4, "low": 4, "high": 4,
             "source_id": "synthetic-other"},
        ]
    )  # fmt: skip


# --- selection ----------------------------------------------------------------------------------------------


def test_select_returns_the_one_fact_of_an_entity_and_measure(synthetic_two_sources: pd.DataFrame) -> None:
    fact = m.select(synthetic_two_sources, "synthetic-entity", "budget")
    assert fact["fact_id"] == "s1"
    assert m.interval_of(fact) == Interval(100, 100, INF)


def test_select_names_entity_measure_and_candidates_when_ambiguous(
    synthetic_two_sources: pd.DataFrame,
) -> None:
    with pytest.raises(
        m.FactSelectionError, match=r"2 facts for entity 'synthetic-entity', measure 'people'.*s2.*s3"
    ):
        m.select(synthetic_two_sources, "synthetic-entity", "people")
    assert (
        m.select(synthetic_two_sources, "synthetic-entity", "people", source_id="synthetic-other")["value"]
        == 4
    )


def test_select_lists_known_measures_when_the_measure_is_missing(synthetic_two_sources: pd.DataFrame) -> None:
    with pytest.raises(
        m.FactSelectionError, match=r"measure 'cost'.*known for 'synthetic-entity': budget, people"
    ):
        m.select(synthetic_two_sources, "synthetic-entity", "cost")
    with pytest.raises(m.FactSelectionError, match="no entity 'nobody'"):
        m.select(synthetic_two_sources, "nobody", "budget")


def test_find_returns_none_for_a_missing_figure(synthetic_two_sources: pd.DataFrame) -> None:
    assert m.find(synthetic_two_sources, "synthetic-entity", "spend") is None
    assert m.cite_optional(synthetic_two_sources, "synthetic-entity", "spend") is None


def test_cite_agreed_refuses_sources_that_disagree(synthetic_two_sources: pd.DataFrame) -> None:
    with pytest.raises(m.FactSelectionError, match="sources disagree"):
        m.cite_agreed(synthetic_two_sources, "synthetic-entity", "people")


# --- arithmetic ---------------------------------------------------------------------------------------------


def test_cost_per_a_lower_bound_amount_and_an_upper_bound_count_is_open_above() -> None:
    # 'ruim 100' / 'bijna 10' -> at least 10 per head, no upper bound
    assert m.cost_per(Interval(100, 100, INF), Interval(0.5, 10, 10)) == Interval(10, 10, INF)


def test_cited_arithmetic_keeps_bounds_sources_and_formula(synthetic_two_sources: pd.DataFrame) -> None:
    budget = m.cite(synthetic_two_sources, "synthetic-entity", "budget")
    people = m.cite(synthetic_two_sources, "synthetic-entity", "people", source_id="synthetic-other")
    ratio = (budget - 20) / people
    assert ratio.interval == Interval(20, 20, INF)
    assert ratio.fact_ids == ("s1", "s3")
    assert ratio.source_ids == ("synthetic-source", "synthetic-other")
    assert ratio.formula == "((ruim 100 - 20) / 4)"
    assert (3 * people).formula == "(3 × 4)"


def test_ratio_to_dict_keeps_inf_for_record_to_write_as_null() -> None:
    r = m.Ratio.from_cited("x", m.Cited(Interval(2, 2, INF), ("f1",), ("src",), "a / b"), "EUR/participant")
    d = r.to_dict()
    assert (d["low"], d["value"], d["high"], d["unit"], d["sources"]) == (
        2,
        2,
        INF,
        "EUR/participant",
        ["src"],
    )
    from ccresearch.runner.results import to_json

    assert to_json(d)["high"] is None


def test_net_cost_doubles_with_deadweight_one_half() -> None:
    assert m.net_cost(435.0, deadweight=0.5) == pytest.approx(870.0)
    assert m.net_cost(Interval(100, 100, INF), deadweight=0.5) == Interval(200, 200, INF)


def test_net_cost_multiplies_the_three_adjustments() -> None:
    assert m.additionality(0.2, 0.5, 0.25) == pytest.approx(0.8 * 0.5 * 0.75)
    assert m.net_cost(300.0, 0.2, 0.5, 0.25) == pytest.approx(300.0 / 0.3)
    assert m.net_cost(300.0) == 300.0


@pytest.mark.parametrize("bad", [-0.1, 1.0, 1.5, float("nan")])
def test_net_cost_rejects_shares_outside_zero_to_one(bad: float) -> None:
    with pytest.raises(ParameterError, match="displacement"):
        m.net_cost(100.0, displacement=bad)


def test_sensitivity_varies_one_share_and_keeps_the_others() -> None:
    frame = m.sensitivity(Interval.exact(100.0), deadweight=0.5, shares=[0.0, 0.5])
    dw = frame[frame["assumption"] == "deadweight"].set_index("share")["value"]
    dp = frame[frame["assumption"] == "displacement"].set_index("share")["value"]
    assert dw.to_dict() == pytest.approx({0.0: 100.0, 0.5: 200.0})
    assert dp.to_dict() == pytest.approx({0.0: 200.0, 0.5: 400.0})


def test_describe_interval_says_at_least_at_most_and_unknown() -> None:
    assert rs.describe_interval(Interval(2661.2, 2661.2, INF)) == "at least €2,661"
    assert rs.describe_interval(Interval(0, 800, 800), kind="count") == "at most 800"
    assert rs.describe_interval(Interval(0, 0.5, 0.5), kind="share") == "at most 50%"
    assert rs.describe_interval(Interval(153, 170, 187), kind="count") == "170 (153 to 187)"
    assert rs.describe_interval(None, "nl") == "onbekend"
    assert rs.describe_interval(Interval.exact(921.19), "nl") == "€ 921"


def test_period_years_counts_whole_years_of_a_period() -> None:
    fact = synthetic_facts(
        [
            {
                "fact_id": "p",
                "period_start": "2015-03-02",
                "period_end": "2018-03-01",
                "period_text": "drie jaren",
            }
        ]
    ).iloc[0]
    assert m.period_years(fact) == 3.0
    assert m.cited_years(fact).formula == "3 years ('drie jaren')"


# --- the cases, on the real evidence base -----------------------------------------------------------------


@pytest.fixture(scope="module")
def facts(processed_dir: Path) -> pd.DataFrame:
    return pd.read_parquet(processed_dir / "facts.parquet")


def test_sector_plan_grant_per_planned_participant_is_900000_over_977(facts: pd.DataFrame) -> None:
    case = m.sectorplan_case(facts)
    assert case.planned_total.interval == Interval.exact(183 + 740 + 29 + 6 + 19)
    r = case.ratios["sectorplan_grant_per_planned_participant"]
    assert (r.low, r.value, r.high) == pytest.approx((921.1873, 921.1873, 921.1873), abs=1e-3)
    assert r.value == pytest.approx(900_000 / 977)
    assert set(r.sources) == {"innofunding-2014-10-03-sectorplan", "factsheet-2014-09-26-sectorplan"}


def test_sector_plan_own_share_is_total_minus_grant_and_open_above(facts: pd.DataFrame) -> None:
    case = m.sectorplan_case(facts)
    assert case.own_share.interval == Interval(2_600_000, 2_600_000, INF)  # ruim 3,5 miljoen - 900.000
    own = case.ratios["sectorplan_own_share_per_planned_participant"]
    assert own.low == pytest.approx(2_600_000 / 977) and own.open_high
    total = case.ratios["sectorplan_total_cost_per_planned_participant"]
    assert total.value == pytest.approx(3_500_000 / 977) and total.open_high
    share = case.ratios["sectorplan_grant_share_of_applied"]  # 900.000 / ruim 1,8 miljoen: at most a half
    assert (share.low, share.value, share.high) == pytest.approx((0.0, 0.5, 0.5))


def test_national_series_switches_denominator_with_outcome(facts: pd.DataFrame) -> None:
    planned = {p.source_id: p for p in m.national_series(facts, "planned")}
    realised = {p.source_id: p for p in m.national_series(facts, "realised")}
    qs4 = "seo-2016-08-quickscan-4"
    assert planned[qs4].ratio.value == pytest.approx(325e6 / 382_231)
    assert realised[qs4].ratio.value == pytest.approx(325e6 / 268_413)
    assert planned["seo-quickscan-1"].ratio.value == pytest.approx(326e6 / 322_560)
    assert (
        realised["seo-quickscan-1"].ratio is None
    )  # no realised count in quickscan 1: unknown, not filled in
    assert "realised participants" in realised["seo-quickscan-1"].missing_reason()
    assert (
        planned["kpwi-2018-07-tussenevaluatie-2017"].ratio is None
    )  # no co-financing in the interim evaluation


def test_national_series_rejects_an_unknown_outcome(facts: pd.DataFrame) -> None:
    with pytest.raises(ParameterError, match="outcome"):
        m.national_series(facts, "hoped")  # type: ignore[arg-type]


def test_customer_service_valley_private_money_is_companies_times_amount_times_years(
    facts: pd.DataFrame,
) -> None:
    case = m.valley_case(facts)
    assert case.companies.value == 3 and case.public_years.value == 3
    assert case.private.interval == Interval.exact(3 * 15_000 * 3)
    assert case.extra_jobs.interval == Interval.exact(6_000 - 5_000)
    assert case.ratios["csv_public_per_promised_job"].value == pytest.approx(300.0)
    assert case.ratios["csv_total_per_promised_job"].value == pytest.approx(435.0)
    assert case.ratios["csv_total_per_additional_job"].value == pytest.approx(435.0)
    assert "cf-2015-03-02-csv" in case.private.source_ids


def test_customer_service_valley_deadweight_one_half_doubles_net_cost_per_job(facts: pd.DataFrame) -> None:
    gross = m.valley_case(facts).ratios["csv_total_per_additional_job"].value
    net = m.valley_case(facts, deadweight=0.5).ratios["csv_total_per_additional_job"].value
    assert net == pytest.approx(2 * gross)


def test_inflow_programmes_show_spend_as_unknown(facts: pd.DataFrame) -> None:
    table = rs.inflow_programmes(facts)
    assert len(table) == len(m.INFLOW_PROGRAMMES)
    assert set(table["Spend"]) == {"unknown"}
    aan_zet = table.set_index("Programme").loc["Aan Zet (VANAD Academy)"]
    assert "zo'n 170" in aan_zet["Participants"] and "99,9%" in aan_zet["Pass rate"]
