"""Cost ratios as intervals: selection, arithmetic with provenance, gross-to-net, and the cases of notebook 02.

Unit tests use small synthetic fact tables (named ``synthetic_*``); the case tests use the real evidence base
(built once per session by the ``processed_dir`` fixture) and compare with values worked out by hand from
the cited figures. The report tests (``test_report_*``) build the Document in-process, without a kernel.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from ccresearch.analysis import spend as m
from ccresearch.core.interval import Interval
from ccresearch.errors import ParameterError
from ccresearch.report import spend as present
from ccresearch.report import spend as rs
from ccresearch.report.document import Document

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
    assert rs.describe_interval(Interval.exact(921.19), "nl") == "€\u00a0921"


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
    assert len(planned) == 6
    qs4 = "seo-2016-08-quickscan-4"
    assert planned[qs4].ratio.value == pytest.approx(325e6 / 382_231)
    assert realised[qs4].ratio.value == pytest.approx(325e6 / 268_413)
    assert planned["seo-quickscan-1"].ratio.value == pytest.approx(326e6 / 322_560)
    assert (
        realised["seo-quickscan-1"].ratio is None
    )  # no realised count in quickscan 1: unknown, not filled in
    assert realised["seo-quickscan-1"].missing == ("realised",)  # a code; the report words it
    assert "realised participants" in realised["seo-quickscan-1"].record_reason  # the results file's text
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


def test_inflow_programmes_show_spend_as_unknown(result: m.SpendResult) -> None:
    assert len(result.inflow.programmes) == len(m.cases()["inflow"]["programmes"]) == 6
    assert result.inflow.spend_known == ()
    table = _table(present.report(result, language="en"), "inflow_table").frame.set_index("programme")
    assert set(table["spend"]) == {"unknown"}
    aan_zet = table.loc["Aan Zet (VANAD Academy)"]
    assert "zo'n 170" in aan_zet["participants"] and "99,9%" in aan_zet["pass"]


# --- the analysis as one call, and its case definitions -------------------------------------------------


@pytest.fixture(scope="module")
def sources(processed_dir: Path) -> pd.DataFrame:
    return pd.read_parquet(processed_dir / "sources.parquet")


@pytest.fixture(scope="module")
def result(facts: pd.DataFrame, sources: pd.DataFrame) -> m.SpendResult:
    return m.analyse(facts, sources)


def _table(doc: Document, key: str) -> Any:
    return next(t for t in doc.tables() if t.key == key)


def test_analyse_records_the_headline_numbers_of_the_old_notebook(result: m.SpendResult) -> None:
    record = result.to_record()
    assert record["headline"]["sectorplan_grant_per_planned_participant"] == pytest.approx(900_000 / 977)
    assert round(record["headline"]["sectorplan_grant_per_planned_participant"], 2) == 921.19
    assert record["headline"]["csv_total_per_additional_job"] == pytest.approx(435.0)
    assert record["additionality_factor"] == 1.0
    assert len(record["cost_ratios"]) == 6 + 5 + 6  # sector plan, Customer Service Valley, national reports
    missing = record["cost_ratios"]["national_cofinancing_per_planned_participant__seo-tussenevaluatie-2018"]
    assert (
        missing["value"] is None
        and missing["missing"] == "not in this source: co-financing, intended participants"
    )
    assert "SpendResult(" in repr(result) and len(repr(result)) < 200


def test_analyse_is_loadable_from_the_facade() -> None:
    import ccresearch

    assert ccresearch.analyse_spend is m.analyse


def test_a_missing_case_key_names_the_file_and_the_key() -> None:
    from ccresearch.errors import InputError

    spec = {k: v for k, v in m.cases().items() if k != "valley"}
    with pytest.raises(InputError, match=r"cases\.yaml.*spend\.valley\.municipality"):
        m.case_value(spec, "valley.municipality")


def test_sector_plan_caveats_are_computed_from_the_figures(result: m.SpendResult) -> None:
    plan = result.plan
    # hires, certificates and education places may be the same people: at least the largest count (740)
    assert (plan.people.low, plan.people.high) == (740, 977)
    assert plan.grant_per_person.low == pytest.approx(900_000 / 977)
    assert plan.grant_per_person.high == pytest.approx(900_000 / 740)
    # the grant (October 2014) is subtracted from the application's total cost (May 2014)
    assert (plan.grant_date, plan.total_cost_date) == ("2014-10-03", "2014-05-19")
    assert plan.days_apart == 137


def test_national_series_is_in_date_order_and_places_undated_reports_by_title(result: m.SpendResult) -> None:
    points = result.national.points
    assert [p.source_id for p in points] == [
        "seo-quickscan-1",
        "seo-2015-03-quickscan-2",
        "seo-2015-09-quickscan-3",
        "seo-2016-08-quickscan-4",
        "kpwi-2018-07-tussenevaluatie-2017",
        "seo-tussenevaluatie-2018",
    ]
    placed = {p.source_id: (p.placement, p.neighbour) for p in result.national.placed}
    assert placed == {
        "seo-quickscan-1": ("title_before", "seo-2015-03-quickscan-2"),
        "seo-tussenevaluatie-2018": ("title_after", "kpwi-2018-07-tussenevaluatie-2017"),
    }
    falls = [(f.earlier, f.later) for f in result.national.falls]
    assert falls == [("seo-2016-08-quickscan-4", "kpwi-2018-07-tussenevaluatie-2017")]


def test_order_reports_uses_the_period_then_the_title_then_last() -> None:
    titles = {
        "a": "Synthetic scan 2",
        "b": "Synthetic scan 1",
        "c": "Synthetic other",
        "d": "Synthetic scan 3",
    }
    dates = {"a": "2015-03", "b": "", "c": "", "d": ""}
    import datetime as dt

    periods = {"a": None, "b": None, "c": None, "d": dt.date(2014, 1, 1)}
    order = m._order_reports(["a", "b", "c", "d"], titles, dates, periods)
    assert order == [
        ("d", "period", None),
        ("b", "title_before", "a"),
        ("a", "date", None),
        ("c", "last", None),
    ]


def test_a_new_monitoring_report_in_data_raw_joins_the_series_without_code_change(
    raw_copy: Path, tmp_path: Path
) -> None:
    import csv

    from ccresearch.build.pipeline import build
    from ccresearch.sources.catalog import write_sidecar

    with (raw_copy / "sources.csv").open(encoding="utf-8") as fh:
        header = next(csv.reader(fh))
    row = {k: "" for k in header}
    row |= {
        "source_id": "synthetic-2017-01-monitoring",
        "publisher": "Synthetic publisher",
        "title": "Synthetic monitoring report",
        "date": "2017-01",
        "language": "nl",
        "kind": "evaluation",
        "note": "synthetic: test only",
    }
    with (raw_copy / "sources.csv").open("a", encoding="utf-8", newline="") as fh:
        csv.DictWriter(fh, header).writerow(row)
    write_sidecar(raw_copy / "sources.csv")
    facts_file = raw_copy / "facts" / "web_sectorplannen.csv"
    with facts_file.open(encoding="utf-8") as fh:
        fheader = next(csv.reader(fh))
    new = raw_copy / "facts" / "synthetic_monitoring.csv"
    with new.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fheader)
        writer.writeheader()
        for i, (measure, text, unit) in enumerate(
            [("cofinancing_eur", "€ 100 mln", "EUR"), ("participants_intended", "100.000", "persons")], 1
        ):
            fact = {k: "" for k in fheader} | {
                "fact_id": f"fsyn-{i}",
                "source_id": "synthetic-2017-01-monitoring",
                "entity": "sectorplannen",
                "measure": measure,
                "value_text": text,
                "unit": unit,
            }
            if "period_kind" in fheader:
                fact["period_kind"] = "stock"
            writer.writerow(fact)
    write_sidecar(new, origin="synthetic test data", licence="CC0 (synthetic)")
    out = tmp_path / "processed"
    build(raw_copy, out)
    series = m.national_series(
        pd.read_parquet(out / "facts.parquet"), "planned", pd.read_parquet(out / "sources.parquet")
    )
    ids = [p.source_id for p in series]
    assert ids.index("seo-2016-08-quickscan-4") < ids.index("synthetic-2017-01-monitoring")
    assert ids.index("synthetic-2017-01-monitoring") < ids.index("kpwi-2018-07-tussenevaluatie-2017")
    point = {p.source_id: p for p in series}["synthetic-2017-01-monitoring"]
    assert point.ratio is not None and point.ratio.value == pytest.approx(1_000.0)


# --- the report (built in-process, no kernel) -------------------------------------------------------------

# English words that are not also Dutch words ('is', 'of', 'was', 'in', 'per' are both)
ENGLISH_FUNCTION_WORDS = {
    "the", "and", "with", "for", "from", "this", "that", "which", "are", "not", "by", "at", "or", "than",
    "to", "its", "their", "been", "has", "have", "were", "it", "a", "an", "these", "those", "where",
}  # fmt: skip


@pytest.fixture(scope="module")
def nl_doc(result: m.SpendResult) -> tuple[Document, str]:
    doc = present.report(result, language="nl")
    return doc, doc.html()


@pytest.fixture(scope="module")
def en_html(result: m.SpendResult) -> str:
    return present.report(result, language="en").html()


def _visible_text(html: str, *, drop_sources: bool = True) -> str:
    """The words a reader sees: tags removed; the source list (titles as published) left out."""
    import re

    if drop_sources:
        html = re.sub(r'<section aria-labelledby="sec-sources">.*?</section>', "", html, flags=re.S)
    html = re.sub(r'<img [^>]*alt="([^"]*)"[^>]*>', r" \1 ", html)  # alt text is read too
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", html)
    import html as _html

    return _html.unescape(text)


def test_report_in_dutch_has_no_english_function_words(nl_doc: tuple[Document, str]) -> None:
    import re

    html = nl_doc[1]
    words = re.findall(r"[a-zA-Z']+", _visible_text(html).lower())
    # quoted source titles stay as published (the one English title of the evidence base is quickscan 3's)
    english = sorted({w for w in words if w in ENGLISH_FUNCTION_WORDS})
    assert english == [], english


def test_report_in_english_has_the_english_words(en_html: str) -> None:
    text = _visible_text(en_html)
    assert "Key findings" in text and "What these data cannot show" in text and "at least €2,661" in text


def test_report_has_key_findings_first_then_method_limitations_glossary_and_sources(
    result: m.SpendResult, nl_doc: tuple[Document, str]
) -> None:
    doc, html = nl_doc
    keys = [s.key for s in doc.sections]
    assert keys[0] == "summary" and keys[1] == "method"
    assert {"limitations", "annex", "glossary", "sources"} <= set(keys)
    assert 'id="lit-additionality-guide-2014"' in html
    for sid in result.sources["source_id"]:
        assert f'id="src-{sid}"' in html
    summary = _visible_text(html.split('id="sec-summary"', 1)[1].split("</section>", 1)[0])
    assert "€\u00a0921" in summary and "minstens €\u00a02.661" in summary and "tabel 3" in summary


def test_report_figures_have_captions_and_alt_text_and_tables_captions_and_units(
    nl_doc: tuple[Document, str],
) -> None:
    import re

    doc, html = nl_doc
    figures = re.findall(r'<figure id="fig-[^"]*" class="figure">.*?</figure>', html, flags=re.S)
    assert len(figures) == 4
    for fig in figures:
        assert "<figcaption>" in fig
        alt = re.search(r'alt="([^"]*)"', fig)
        assert alt and len(alt.group(1)) > 20
    assert "het grootste is Totale projectkosten per geplande deelnemer: minstens €\u00a03.582" in html
    tables = doc.tables()
    assert len(tables) == 7
    for table in tables:
        assert str(table.caption).strip()
        assert any(c.unit for c in table.columns)
        assert all(c.unit for c in table.columns if c.numeric)


def test_report_escapes_script_in_data_strings(facts: pd.DataFrame, sources: pd.DataFrame) -> None:
    planted = facts.copy()
    hit = planted["fact_id"] == "fsp-01"  # the grant, shown as written in Table 1
    planted.loc[hit, "value_text"] = "900.000<script>alert(1)</script>"
    planted_sources = sources.copy()
    qs2 = planted_sources["source_id"] == "seo-2015-03-quickscan-2"
    planted_sources.loc[qs2, "title"] = "Quickscan 2 <script>alert(2)</script>"
    html = present.report(m.analyse(planted, planted_sources), language="nl").html()
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)" in html and "&lt;script&gt;alert(2)" in html


def test_report_says_cumulative_counts_up_to_their_date_and_labels_no_year_it_was_not_given(
    facts: pd.DataFrame, sources: pd.DataFrame
) -> None:
    def ocaro(frame: pd.DataFrame, language: str) -> str:
        doc = present.report(m.analyse(frame, sources), language=language)
        return (
            _table(doc, "inflow_table")
            .frame.set_index("programme")
            .loc["Erkend talent (Ocaro)", "participants"]
        )

    # the evidence base says f001-09 is a cumulative count: up to the source's date
    assert ocaro(facts, "en") == "‘bijna 200’ trained and placed (up to 2022)"
    # without period kinds no year is put on it: '(2022)' would be the source's year, not the count's
    assert ocaro(facts.drop(columns="period_kind"), "en") == "‘bijna 200’ trained and placed"
    with_kind = facts.copy()
    with_kind["period_kind"] = "stock"
    with_kind.loc[with_kind["fact_id"] == "f001-09", "period_kind"] = "cumulative"
    assert ocaro(with_kind, "en") == "‘bijna 200’ trained and placed (up to 2022)"
    assert ocaro(with_kind, "nl") == "‘bijna 200’ opgeleid en geplaatst (tot 2022)"


def test_describe_interval_uses_the_bounds_when_there_is_no_stated_value() -> None:
    from types import SimpleNamespace

    assert rs.describe_interval(SimpleNamespace(low=30, value=None, high=40), kind="count") == "30 to 40"  # type: ignore[arg-type]
    assert (
        rs.describe_interval(SimpleNamespace(low=500, value=None, high=INF), "nl", kind="count")
        == "minstens 500"
    )  # type: ignore[arg-type]
    assert (
        rs.describe_interval(SimpleNamespace(low=0, value=None, high=800), "nl", kind="count")
        == "hoogstens 800"
    )  # type: ignore[arg-type]
    assert rs.describe_interval(Interval(900, 950, 1000), "nl") == "€\u00a0950 (€\u00a0900 tot €\u00a01.000)"


def test_period_words_say_years_months_and_spans() -> None:
    ts = pd.Timestamp
    assert rs.period_words(ts("2020-01-01"), ts("2020-12-31"), "nl") == "2020"
    assert rs.period_words(ts("2018-01-01"), ts("2022-12-31"), "nl") == "2018 tot en met 2022"
    assert rs.period_words(ts("2015-03-01"), ts("2015-03-31"), "en") == "March 2015"
    assert rs.period_words(pd.NaT, pd.NaT, "en") == ""
