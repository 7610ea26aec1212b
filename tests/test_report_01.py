"""Report 01 (the evidence base) built in-process, without a kernel: words, figures, conflicts, events, filters,
escaping. The data are the session's processed tables (built from data/raw); the planted markup is synthetic
and lives only in these tests."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from ccresearch.analysis import evidence as ev
from ccresearch.report import evidence as present
from ccresearch.report.language import catalogue

# English function words that never occur in Dutch prose ("is", "of", "in", "de" are Dutch words too)
ENGLISH = {
    "the", "and", "with", "from", "which", "are", "not", "this", "that", "these", "those", "for", "by",
    "was", "were", "has", "have", "been", "than", "its", "their", "there", "to", "an", "or", "but", "into",
}  # fmt: skip


@pytest.fixture(scope="module")
def tables(processed_dir: Path) -> dict[str, Any]:
    from ccresearch.build import loaders

    return {
        "facts": loaders.load_facts(processed_dir),
        "sources": loaders.load_sources(processed_dir),
        "conflicts": loaders.load_conflicts(processed_dir),
        "events": loaders.load_events(processed_dir),
    }


@pytest.fixture(scope="module")
def result(tables: dict[str, Any], processed_dir: Path) -> ev.EvidenceBase:
    return ev.summarise(**tables, processed=processed_dir)


@pytest.fixture(scope="module")
def html_nl(result: ev.EvidenceBase) -> str:
    return present.report(result, language="nl").html()


class _Visible(HTMLParser):
    """The text a reader sees, without quoted material in another language (``lang`` other than ``nl``),
    code (ids, field names) and the source list (publishers and titles as published)."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[bool] = []
        self.words: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        skip = (a.get("lang") not in (None, "nl")) or tag in ("code", "style", "script")
        skip = skip or (tag == "ol" and "sources" in (a.get("class") or ""))
        if tag in ("img", "br", "source", "meta", "link", "input", "hr"):
            return
        self.stack.append(skip or (bool(self.stack) and self.stack[-1]))

    def handle_endtag(self, tag: str) -> None:
        if tag in ("img", "br", "source", "meta", "link", "input", "hr"):
            return
        if self.stack:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        if not (self.stack and self.stack[-1]):
            self.words.extend(re.findall(r"[A-Za-z]+", data))


def _visible_words(html: str) -> list[str]:
    parser = _Visible()
    parser.feed(html)
    return parser.words


def test_dutch_report_has_no_english_function_words(html_nl: str) -> None:
    found = sorted({w for w in _visible_words(html_nl) if w.lower() in ENGLISH})
    assert found == []


def test_english_report_builds_and_speaks_english(result: ev.EvidenceBase) -> None:
    html = present.report(result, language="en").html()
    words = {w.lower() for w in _visible_words(html)}
    assert {"the", "sources", "figures"} <= words
    assert "Key findings" in html and "Kernpunten" not in html


def test_every_figure_has_a_caption_a_source_line_and_alt_text(html_nl: str) -> None:
    figures = re.findall(r'<figure id="fig-[^"]+" class="figure">(.*?)</figure>', html_nl, flags=re.S)
    assert len(figures) >= 4  # coverage, events, qualifiers, intervals
    for body in figures:
        alt = re.search(r'<img [^>]*alt="([^"]*)"', body)
        assert alt and len(alt.group(1)) > 40, "alt text says what the figure shows"
        assert re.search(r"\d", alt.group(1)), "alt text carries the computed numbers"
        assert "<figcaption>" in body and 'class="source"' in body


def test_figures_are_drawn_narrow_for_phones(html_nl: str) -> None:
    assert html_nl.count('<source media="(max-width: 560px)"') == html_nl.count('class="figure"')


def test_conflicts_are_grouped_by_verdict_in_the_ledger_order(result: ev.EvidenceBase, html_nl: str) -> None:
    doc = present.report(result, language="nl")
    tables = {t.key: t for t in doc.tables()}
    ledger = result.conflicts
    for verdict in ev.VERDICTS:
        n = int((ledger["verdict"] == verdict).sum())
        key = f"conflicts-{verdict}"
        if n:
            assert len(tables[key].frame) == n
        else:
            assert key not in tables
    words = catalogue("nl")
    titles = [words[f"evidence.verdict.{v}.title"] for v in ev.VERDICTS]
    section = html_nl[html_nl.index('id="sec-conflicts"') : html_nl.index('id="sec-events"')]
    positions = [section.index(f"<h3>{t}</h3>") for t in titles]
    assert positions == sorted(positions)


def test_each_conflict_shows_both_figures_as_written_and_cites_both_sources(result: ev.EvidenceBase) -> None:
    doc = present.report(result, language="nl")
    html = doc.html()
    for c in result.conflicts.itertuples(index=False):
        assert f'href="#src-{c.source_id_a}"' in html and f'href="#src-{c.source_id_b}"' in html
        assert f'id="src-{c.source_id_a}"' in html and f'id="src-{c.source_id_b}"' in html
    row = doc.tables()[[t.key for t in doc.tables()].index("conflicts-incompatible")].frame.iloc[0]
    assert "<q lang=" in str(row["a"]) and "<q lang=" in str(row["b"])


def test_events_table_has_one_row_per_event(result: ev.EvidenceBase, tables: dict[str, Any]) -> None:
    doc = present.report(result, language="nl")
    events = next(t for t in doc.tables() if t.key == "events-table")
    assert len(events.frame) == len(tables["events"])
    assert "rond 1 augustus 2014" in set(events.frame["when"])  # an approximate date shown as such


def test_every_source_id_link_has_its_entry(html_nl: str) -> None:
    targets = set(re.findall(r'href="#(src-[^"]+)"', html_nl))
    anchors = set(re.findall(r'id="(src-[^"]+)"', html_nl))
    assert targets and targets <= anchors


def test_summary_states_no_filter_in_words(html_nl: str) -> None:
    summary = html_nl[html_nl.index('id="sec-summary"') : html_nl.index('id="sec-method"')]
    assert "alle bronnen van de bewijsbasis" in summary


def test_summary_states_the_filters_applied(tables: dict[str, Any], processed_dir: Path) -> None:
    result = ev.summarise(**tables, since_year=2016, source_kinds=["news"], processed=processed_dir)
    html = present.report(result, language="nl").html()
    summary = html[html.index('id="sec-summary"') : html.index('id="sec-method"')]
    assert "2016 of later" in summary and "nieuwsberichten" in summary
    left_out = len(tables["sources"]) - result.summary.n_sources
    assert f"Zo vallen {left_out} van de {len(tables['sources'])} bronnen weg" in summary


def test_summary_numbers_are_the_data_and_link_to_their_tables(result: ev.EvidenceBase, html_nl: str) -> None:
    summary = html_nl[html_nl.index('id="sec-summary"') : html_nl.index('id="sec-method"')]
    assert f"<strong>{result.summary.n_sources} bronnen</strong>" in summary
    assert f"<strong>{result.summary.n_facts} cijfers</strong>" in summary
    assert len(re.findall(r'href="#(?:tab|fig|sec)-', summary)) >= 6


def test_record_keeps_its_meaning(result: ev.EvidenceBase, tables: dict[str, Any]) -> None:
    recorded = result.record()
    assert recorded["n_sources"] == len(tables["sources"])
    assert recorded["n_facts"] == len(tables["facts"])
    assert recorded["n_conflicts"] == len(tables["conflicts"])
    assert sum(recorded["qualifiers"].values()) == len(tables["facts"])
    assert recorded["headline"] == {
        "sources": recorded["n_sources"],
        "facts": recorded["n_facts"],
        "conflicts": recorded["n_conflicts"],
    }


def test_strings_from_data_are_escaped(tables: dict[str, Any], processed_dir: Path) -> None:
    sources = tables["sources"].copy()
    facts = tables["facts"].copy()
    sources.loc[0, "title"] = "<script>alert('x')</script> and <b>bold</b>"  # synthetic, planted
    vague = facts.index[facts["qualifier"] != "exact"][0]
    facts.loc[vague, "value_text"] = "<b>ruim</b> <script>alert(1)</script>"  # synthetic, planted
    result = ev.summarise(
        facts=facts,
        sources=sources,
        conflicts=tables["conflicts"],
        events=tables["events"],
        processed=processed_dir,
    )
    html = present.report(result, language="nl").html()
    assert "<script>" not in html and "<b>" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html
    assert "&lt;b&gt;ruim&lt;/b&gt;" in html


def test_catalogue_names_every_kind_measure_and_event_kind(raw_dir: Path) -> None:
    import pandas as pd

    from ccresearch.evidence.tables import SOURCE_KINDS

    measures = pd.read_csv(raw_dir / "measures.csv")["measure"]
    event_kinds = pd.read_csv(raw_dir / "event_kinds.csv")["event_kind"]
    for language in ("nl", "en"):
        words = catalogue(language)
        missing = [m for m in measures if f"evidence.measure.{m}" not in words]
        missing += [k for k in event_kinds if f"evidence.event_kind.{k}" not in words]
        missing += [k for k in SOURCE_KINDS if f"evidence.source_kind.{k}.one" not in words]
        missing += [v for v in ev.VERDICTS if f"evidence.verdict.{v}.title" not in words]
        assert missing == [], language


def test_periods_in_words() -> None:
    assert present.span_words("2016-08-01", "2016-08-31", "nl") == "augustus 2016"
    assert present.span_words("2014-01-01", "2016-12-31", "nl") == "2014 tot en met 2016"
    assert present.span_words("2015-01-01", "2015-12-31", "en") == "2015"
    assert present.span_words("2014-05-01", "2016-04-30", "nl") == "mei 2014 tot en met april 2016"
    assert present.span_words("2014-05-02", "2016-04-30", "nl") == "2 mei 2014 tot en met 30 april 2016"
    assert present.period_text_words("..2016-08-31", "nl") == "tot en met 31 augustus 2016"
    assert present.period_text_words("undated", "en") == "no period stated"


def test_intervals_in_words() -> None:
    inf = float("inf")
    # the euro sign and the amount are held together by a no-break space
    assert present.interval_words(1.8e6, 1.8e6, inf, "EUR", "nl") == "minstens €\xa01.800.000"
    assert present.interval_words(0, 800, 800, "persons", "nl") == "hoogstens 800 personen"
    assert (
        present.interval_words(1440, 1600, 1760, "contact_centres", "en") == "1,440 to 1,760 contact centres"
    )
    assert present.interval_words(30, float("nan"), 40, "persons", "nl") == "30 tot 40 personen"


def test_unknown_source_kind_is_a_parameter_error(tables: dict[str, Any], processed_dir: Path) -> None:
    from ccresearch.errors import ParameterError

    with pytest.raises(ParameterError, match="nieuws"):
        ev.summarise(**tables, source_kinds=["nieuws"], processed=processed_dir)


@pytest.mark.parametrize("filters", [{"since_year": 2100}, {"source_kinds": ["statistics"]}])
def test_a_filter_that_leaves_little_or_nothing_still_makes_a_report(
    tables: dict[str, Any], processed_dir: Path, filters: dict[str, Any]
) -> None:
    result = ev.summarise(**tables, processed=processed_dir, **filters)
    html = present.report(result, language="nl").html()
    assert "Meegenomen bronnen" in html
    events = next(t for t in present.report(result, language="en").tables() if t.key == "events-table")
    assert len(events.frame) == result.summary.n_events
