"""The real evidence base as transcribed (second pass): every row is read, none is dropped or changed.

These tests pin the readings the second pass of the transcriptions needed: German and research sources, figures
written as words (``zo'n dertienhonderd``, ``one-quarter``, ``rund 380``, ``ein Viertel``), persons and a conflict
of names, and the periods each kind of fact gets when the text states none.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest


@pytest.fixture(scope="module")
def facts(processed_dir: Path) -> pd.DataFrame:
    return pd.read_parquet(processed_dir / "facts.parquet").set_index("fact_id")


def _raw_rows(raw: Path, name: str) -> list[dict[str, str]]:
    with open(raw / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_every_raw_fact_is_built_with_its_figure_as_written(raw_dir: Path, facts: pd.DataFrame) -> None:
    files = sorted((raw_dir / "facts").glob("*.csv"))
    raw = {r["fact_id"]: r for p in files for r in _raw_rows(raw_dir, f"facts/{p.name}")}
    assert set(raw) == set(facts.index)
    for fact_id, row in raw.items():
        assert facts.loc[fact_id, "value_text"] == row["value_text"], fact_id
        assert facts.loc[fact_id, "period_kind"] == row["period_kind"], fact_id


@pytest.mark.parametrize(
    ("fact_id", "low", "value", "high", "qualifier", "unit"),
    [
        ("fme-04", 1170, 1300, 1430, "approximate", "persons"),  # zo'n dertienhonderd
        ("fsz-24", 0.25, 0.25, 0.25, "exact", "share"),  # one-quarter
        ("fme-05", 342, 380, 418, "approximate", "persons"),  # rund 380 (German)
        ("fme-06", 0.25, 0.25, 0.25, "exact", "share"),  # ein Viertel (German)
    ],
)
def test_figures_written_as_words_are_read(
    facts: pd.DataFrame, fact_id: str, low: float, value: float, high: float, qualifier: str, unit: str
) -> None:
    row = facts.loc[fact_id]
    assert (row["low"], row["value"], row["high"]) == pytest.approx((low, value, high))
    assert (row["qualifier"], row["unit"]) == (qualifier, unit)


def test_german_and_research_sources_are_accepted(processed_dir: Path) -> None:
    sources = pd.read_parquet(processed_dir / "sources.parquet").set_index("source_id")
    assert sources.loc["radio700-2023-02-10-mercedes", "language"] == "de"
    assert sources.loc["cornell-ilr-globalcallcenter-netherlands", "kind"] == "research"


def test_persons_are_names_as_written_and_their_conflict_is_in_the_ledger(processed_dir: Path) -> None:
    persons = pd.read_parquet(processed_dir / "persons.parquet").set_index("person_id")
    assert persons.loc["p002-01", "name_as_written"] == "Aarts"
    assert persons.loc["pcsv-01", "name_as_written"] == "Willems"
    conflicts = pd.read_parquet(processed_dir / "conflicts.parquet")
    names = conflicts[conflicts["kind"] == "names"]
    pair = names[(names["fact_id_a"] == "p002-01") & (names["fact_id_b"] == "pcsv-01")]
    assert len(pair) == 1
    row = pair.iloc[0]
    assert (row["value_text_a"], row["value_text_b"]) == ("Aarts", "Willems")
    assert row["verdict"] == "incompatible" and row["note_id"] == "n004"
    assert pd.isna(row["value_a"]) and pd.isna(row["value_b"])  # names are not figures


def _period(facts: pd.DataFrame, fact_id: str) -> tuple[object, object]:
    start, end = facts.loc[fact_id, ["period_start", "period_end"]]
    return (None if pd.isna(start) else start, None if pd.isna(end) else end)


def test_default_periods_by_kind(facts: pd.DataFrame) -> None:
    # a flow without a stated period has none (not the source date)
    assert facts.loc["fme-05", "period_kind"] == "flow" and _period(facts, "fme-05") == (None, None)
    # a target without a date has none
    assert facts.loc["fsp-11", "period_kind"] == "target" and _period(facts, "fsp-11") == (None, None)
    # a cumulative count runs from an open start to the source date; an undated source gives no date
    assert _period(facts, "fsp-33") == (None, pd.Timestamp("2018-07-31"))
    assert _period(facts, "fsp-35") == (None, None)
    # a stock without a period is at the source date
    assert _period(facts, "fme-06") == (pd.Timestamp("2023-02-10"),) * 2


def test_period_texts_of_the_second_pass(facts: pd.DataFrame) -> None:
    # 'over twee jaar' (two years from the news of 23 April 2002) is a day, the target's date
    assert _period(facts, "fsz-35") == (pd.Timestamp("2004-04-23"),) * 2
    # 'date not stated': a figure for an earlier time the source does not name
    for fact_id in ("fsz-40", "fsz-43"):
        assert facts.loc[fact_id, "period_text"] == "date not stated"
        assert _period(facts, fact_id) == (None, None)
    # 'voor twee jaar' is a length only: no period, the length kept as written
    assert _period(facts, "fsp-01") == (None, None)
    assert facts.loc["fsp-01", "period_text"] == "voor twee jaar"
    # a relative period of an undated source: missing, not an error
    assert _period(facts, "fcsv-08") == (None, None)
