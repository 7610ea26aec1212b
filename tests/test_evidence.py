"""Evidence base, second pass: period kinds, event dates, plausible ranges, closed lists, the conflict ledger, the
researcher's path (malformed CSV, sidecars, check), the data package and the language-free analysis results."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

import ccresearch.build.pipeline as build_mod
from ccresearch.analysis import evidence as ev
from ccresearch.cli import main
from ccresearch.errors import InputError
from ccresearch.sources.catalog import read_sidecar, sidecar_path, write_sidecar


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def _edit_csv(path: Path, change: Callable[[list[dict[str, str]], list[str]], list[str] | None]) -> None:
    """Edit a raw CSV as a researcher would, then refresh its sidecar so only the content is wrong."""
    with open(path, encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        fields = list(reader.fieldnames or [])
        rows = list(reader)
    fields = change(rows, fields) or fields
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=fields, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    write_sidecar(path)


def _set_where(key: str, ident: str, **values: str) -> Callable[[list[dict[str, str]], list[str]], None]:
    def change(rows: list[dict[str, str]], fields: list[str]) -> None:
        hit = [r for r in rows if r[key] == ident]
        assert hit, ident
        hit[0].update(values)

    return change


def _row_of(path: Path, key: str, ident: str) -> int:
    with open(path, encoding="utf-8", newline="") as handle:
        for i, rec in enumerate(csv.DictReader(handle)):
            if rec[key] == ident:
                return i + 2
    raise AssertionError(ident)


@pytest.fixture
def built(raw_copy: Path, tmp_path: Path) -> tuple[Path, Path]:
    out = tmp_path / "out"
    build_mod.build(raw_copy, out)
    return raw_copy, out


def _rejected(
    raw: Path, out: Path, capsys: pytest.CaptureFixture, *needles: str, command: str = "build"
) -> str:
    before = _snapshot(out)
    args = (
        ["build", "--raw", str(raw), "--out", str(out)]
        if command == "build"
        else ["check", "--raw", str(raw)]
    )
    status = main(args)
    err = capsys.readouterr().err
    assert status == 2, err
    assert "Traceback" not in err
    for needle in needles:
        assert needle in err, err
    assert _snapshot(out) == before  # the built data is untouched
    return err


# --- period kinds -------------------------------------------------------------------------------------------


def test_each_fact_has_a_period_kind_and_the_build_respects_it(processed_dir: Path) -> None:
    facts = pd.read_parquet(processed_dir / "facts.parquet").set_index("fact_id")
    assert list(facts.columns).index("period_kind") == list(facts.columns).index("period_end") + 1
    # 'voor twee jaar' is a length of time: not anchored at the news date
    assert facts.loc["fsp-01", ["period_start", "period_end"]].isna().all()
    # cumulative counts without a stated start: up to the source date, the start open
    for fact_id in ("f001-09", "f001-19", "fsp-28"):
        assert facts.loc[fact_id, "period_kind"] == "cumulative"
        assert pd.isna(facts.loc[fact_id, "period_start"]) and not pd.isna(facts.loc[fact_id, "period_end"])
    assert facts.loc["fsp-28", "period_end"] == pd.Timestamp("2016-08-31")
    # 'since 2010' states the start of a cumulative count
    assert facts.loc["fsz-16", "period_start"] == pd.Timestamp("2010-01-01")
    # 'dit jaar (per medio juni)': from 1 January up to mid-June
    assert tuple(facts.loc["f001-28", ["period_start", "period_end"]]) == (
        pd.Timestamp("2022-01-01"),
        pd.Timestamp("2022-06-15"),
    )
    # a relative period of an undated source has no anchor
    assert facts.loc["fcsv-08", ["period_start", "period_end"]].isna().all()


def test_an_unknown_period_kind_names_file_row_field_and_the_list(
    built: tuple[Path, Path], capsys: pytest.CaptureFixture
) -> None:
    raw, out = built
    path = raw / "facts/web_sectorplannen.csv"
    _edit_csv(path, _set_where("fact_id", "fsp-01", period_kind="stok"))
    err = _rejected(raw, out, capsys, "web_sectorplannen.csv", "row 2", "period_kind", "'stok'", "cumulative")
    assert "to mend" in err


def test_a_value_outside_the_measures_range_is_refused(
    built: tuple[Path, Path], capsys: pytest.CaptureFixture
) -> None:
    raw, out = built
    measures = raw / "measures.csv"
    _edit_csv(measures, _set_where("measure", "years_active", min="0", max="200"))
    path = next(p for p in sorted((raw / "facts").glob("*.csv")) if "years_active" in p.read_text())
    fact_id = next(
        r["fact_id"] for r in csv.DictReader(path.open(encoding="utf-8")) if r["measure"] == "years_active"
    )
    # a start year written as a duration: 'at least 1994 years'
    _edit_csv(path, _set_where("fact_id", fact_id, value_text="ruim 1994 jaar"))
    row = _row_of(path, "fact_id", fact_id)
    err = _rejected(
        raw, out, capsys, path.name, f"row {row}", "value_text", "1994", "from 0 to 200", "to mend"
    )
    assert "measures.csv" in err


def test_a_malformed_range_in_measures_is_an_error(
    built: tuple[Path, Path], capsys: pytest.CaptureFixture
) -> None:
    raw, out = built
    _edit_csv(raw / "measures.csv", _set_where("measure", "jobs", min="veel"))
    _rejected(raw, out, capsys, "measures.csv", "field 'min'", "'veel'")


# --- events ---------------------------------------------------------------------------------------------------


def test_event_dates_keep_their_qualifier_and_precision(processed_dir: Path) -> None:
    events = pd.read_parquet(processed_dir / "events.parquet").set_index("event_id")
    around = events.loc["e000-04"]  # 'rond 1 augustus 2014'
    assert around["date_qualifier"] == "approximate" and around["date_start"] == pd.Timestamp("2014-08-01")
    early = events.loc["e004-03"]  # 'begin 2007': the first part of 2007, not the whole year
    assert (early["date_qualifier"], early["precision"]) == ("early", "quarter")
    assert (early["date_start"], early["date_end"]) == (
        pd.Timestamp("2007-01-01"),
        pd.Timestamp("2007-03-31"),
    )
    assert set(events["precision"]) <= set(ev.TIMELINE_COLUMNS) | {
        "day",
        "month",
        "quarter",
        "half",
        "year",
        "span",
    }


def test_an_unknown_event_kind_is_an_error(built: tuple[Path, Path], capsys: pytest.CaptureFixture) -> None:
    raw, out = built
    _edit_csv(raw / "events.csv", _set_where("event_id", "e000-01", event="aplication_submitted"))
    _rejected(
        raw, out, capsys, "events.csv", "row 2", "field 'event'", "aplication_submitted", "event_kinds.csv"
    )


# --- the conflict ledger --------------------------------------------------------------------------------------


def test_noted_conflicts_need_a_known_kind_and_verdict(
    built: tuple[Path, Path], capsys: pytest.CaptureFixture
) -> None:
    raw, out = built
    _edit_csv(raw / "noted_conflicts.csv", _set_where("note_id", "n001", verdict="maybe"))
    _rejected(raw, out, capsys, "noted_conflicts.csv", "row 2", "field 'verdict'", "'maybe'", "same_term")


def test_conflict_ids_are_stable_when_another_conflict_is_added(
    built: tuple[Path, Path], tmp_path: Path
) -> None:
    raw, out = built
    before = pd.read_parquet(out / "conflicts.parquet").set_index("conflict_id")

    def add(rows: list[dict[str, str]], fields: list[str]) -> None:
        rows.insert(
            0,
            {
                "note_id": "n000",
                "kind": "values",
                "verdict": "compatible",
                "item_a": "f000-01",
                "item_b": "f000-02",
                "explanation": "synthetic test row",
            },
        )

    _edit_csv(raw / "noted_conflicts.csv", add)
    build_mod.build(raw, out)
    after = pd.read_parquet(out / "conflicts.parquet").set_index("conflict_id")
    assert set(after.index) == set(before.index) | {"f000-01/f000-02"}
    shared = list(before.index)
    assert after.loc[shared, ["kind", "verdict", "reason"]].equals(
        before.loc[shared, ["kind", "verdict", "reason"]]
    )


# --- the researcher's path --------------------------------------------------------------------------------------


def test_an_unquoted_comma_in_sources_is_exit_2_naming_file_and_line(
    built: tuple[Path, Path], capsys: pytest.CaptureFixture
) -> None:
    raw, out = built
    path = raw / "sources.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[3] = lines[3].replace(
        "Customer Service Valley in aantocht", "Customer Service Valley, in aantocht", 1
    )
    assert "Valley, in" in lines[3]
    # the title was quoted only when it held a comma: a researcher's edit without quotes
    path.write_text("".join(lines), encoding="utf-8")
    write_sidecar(path)
    _rejected(raw, out, capsys, "sources.csv", "row 4", "wrong number of fields", "double quotes")
    _rejected(raw, out, capsys, "sources.csv", "row 4", command="check")


def test_a_short_row_in_a_facts_file_is_exit_2_naming_file_and_line(
    built: tuple[Path, Path], capsys: pytest.CaptureFixture
) -> None:
    raw, out = built
    path = sorted((raw / "facts").glob("*.csv"))[0]
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[2] = "f000-99,cf-2014-05-19-sectorplan,sectorplan,project_cost_total_eur,5\n"  # a row cut short
    path.write_text("".join(lines), encoding="utf-8")
    write_sidecar(path)
    _rejected(raw, out, capsys, path.name, "row 3", "wrong number of fields", "where the header has")


def test_an_unclosed_quote_is_exit_2(built: tuple[Path, Path], capsys: pytest.CaptureFixture) -> None:
    raw, out = built
    path = raw / "events.csv"
    path.write_text(path.read_text(encoding="utf-8") + 'e999,x,"unclosed\n', encoding="utf-8")
    write_sidecar(path)
    _rejected(raw, out, capsys, "events.csv", "malformed CSV")


def test_sidecar_keeps_recorded_fields_unless_told_to_replace(
    raw_copy: Path, capsys: pytest.CaptureFixture
) -> None:
    path = raw_copy / "events.csv"
    side = sidecar_path(path)
    before = read_sidecar(path)
    # refreshing without options keeps every field and says nothing changed
    assert main(["sidecar", str(path)]) == 0
    assert "unchanged" in capsys.readouterr().out
    assert read_sidecar(path) == before
    # a different origin on a file that has one needs --replace
    assert main(["sidecar", str(path), "--origin", "somewhere else"]) == 2
    err = capsys.readouterr().err
    assert "origin" in err and "--replace" in err
    assert read_sidecar(path) == before
    # the same origin again is fine
    assert main(["sidecar", str(path), "--origin", before.origin]) == 0
    capsys.readouterr()
    # with --replace the field changes, and the command prints what changed; the others are kept
    path.write_text(path.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert main(["sidecar", str(path), "--origin", "somewhere else", "--replace"]) == 0
    printed = capsys.readouterr().out
    assert "origin" in printed and "somewhere else" in printed and "sha256" in printed
    after = read_sidecar(path)
    assert after.origin == "somewhere else"
    assert (after.licence, after.retrieved, after.description) == (
        before.licence,
        before.retrieved,
        before.description,
    )
    assert side.exists()


def test_sidecar_for_a_new_file_needs_origin_and_licence(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    path = tmp_path / "new.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    assert main(["sidecar", str(path)]) == 2
    assert "--origin" in capsys.readouterr().err
    assert main(["sidecar", str(path), "--origin", "test", "--licence", "CC0"]) == 0
    assert "new sidecar" in capsys.readouterr().out


def test_check_validates_raw_without_building(
    raw_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    assert main(["check", "--raw", str(raw_copy)]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1 and "valid" in out[0] and "facts" in out[0]
    assert not (raw_copy.parent / "processed").exists()
    target = raw_copy / "events.csv"
    target.write_text(target.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert main(["check", "--raw", str(raw_copy)]) == 2
    err = capsys.readouterr().err
    assert "checksum" in err and "ccresearch sidecar" in err


def test_inputerror_says_how_to_mend() -> None:
    err = InputError("bad", file="x.csv", row=3, field="f", value="v", expected="w", mend="do this")
    assert str(err) == "x.csv, row 3, field 'f': bad; found 'v'; expected w; to mend: do this"
    assert err.mend == "do this"


# --- the data package -------------------------------------------------------------------------------------------


def test_the_data_package_describes_every_table_and_is_valid(processed_dir: Path) -> None:
    frictionless = pytest.importorskip("frictionless")
    package = json.loads((processed_dir / "datapackage.json").read_text(encoding="utf-8"))
    names = [r["name"] for r in package["resources"]]
    assert names == list(build_mod.TABLES)
    facts = next(r for r in package["resources"] if r["name"] == "facts")
    assert facts["schema"]["primaryKey"] == ["fact_id"]
    assert {"fields": ["source_id"], "reference": {"resource": "sources", "fields": ["source_id"]}} in facts[
        "schema"
    ]["foreignKeys"]
    assert all(f.get("description") for r in package["resources"] for f in r["schema"]["fields"])
    assert package["licenses"] and package["sources"]
    assert all(s["licence"] for s in package["sources"])
    report = frictionless.Package(str(processed_dir / "datapackage.json")).validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:10]


def test_the_data_package_catches_a_broken_foreign_key(processed_dir: Path, tmp_path: Path) -> None:
    frictionless = pytest.importorskip("frictionless")
    import shutil

    copy = tmp_path / "pkg"
    shutil.copytree(processed_dir, copy)
    facts = copy / "facts.csv"
    lines = facts.read_text(encoding="utf-8").splitlines(keepends=True)
    first = lines[1].split(",")
    first[1] = "no-such-source"
    lines[1] = ",".join(first)
    facts.write_text("".join(lines), encoding="utf-8")
    report = frictionless.Package(str(copy / "datapackage.json")).validate()
    assert not report.valid


def test_the_data_dictionary_is_built_from_the_package(processed_dir: Path) -> None:
    dictionary = ev.data_dictionary(processed_dir)
    assert list(dictionary.columns) == ["table", "field", "type", "unit", "description"]
    facts = pd.read_parquet(processed_dir / "facts.parquet")
    assert list(dictionary.loc[dictionary.table == "facts", "field"]) == list(facts.columns)
    value = dictionary[(dictionary.table == "facts") & (dictionary.field == "value")].iloc[0]
    assert value["type"] == "number" and "no point" in value["description"]


# --- analysis results -----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def tables(processed_dir: Path) -> dict[str, pd.DataFrame]:
    return {
        n: pd.read_parquet(processed_dir / f"{n}.parquet")
        for n in ("facts", "sources", "conflicts", "events")
    }


def test_summary_defaults_keep_every_source_and_filters_are_stated(tables: dict[str, pd.DataFrame]) -> None:
    t = tables
    full = ev.evidence_summary(t["facts"], t["sources"], t["conflicts"], t["events"])
    assert full.n_sources == len(t["sources"]) == full.n_sources_total
    assert full.n_facts == len(t["facts"]) and full.n_events == len(t["events"])
    assert not full.filters.active
    assert sum(full.conflicts_by_verdict.values()) == full.n_conflicts == len(t["conflicts"])
    assert full.source_years is not None and full.source_years[0] < 2000 + 10  # sources before 2010 shown
    assert full.n_facts_without_value == int(t["facts"]["value"].isna().sum()) > 0
    since = ev.evidence_summary(t["facts"], t["sources"], t["conflicts"], t["events"], since_year=2015)
    assert since.filters.since_year == 2015 and since.n_sources < full.n_sources
    assert since.n_undated_sources == full.n_undated_sources  # undated sources are kept
    assert "since_year=2015" in repr(since) and len(repr(since)) < 200
    news = ev.evidence_summary(t["facts"], t["sources"], t["conflicts"], t["events"], source_kinds=["news"])
    assert set(news.sources_by_kind) == {"news"}


def test_timeline_has_every_dated_event_in_order(tables: dict[str, pd.DataFrame]) -> None:
    line = ev.timeline(tables["events"], tables["sources"])
    assert list(line.columns) == ev.TIMELINE_COLUMNS
    assert len(line) == len(tables["events"])
    assert line["date_start"].is_monotonic_increasing
    assert line.attrs["filters"]["since_year"] is None
    later = ev.timeline(tables["events"], tables["sources"], since_year=2010)
    years = {
        s: ev.source_year(d)
        for s, d in zip(tables["sources"]["source_id"], tables["sources"]["date"], strict=True)
    }
    assert len(later) < len(line) and all(years[s] is None or years[s] >= 2010 for s in later["source_id"])
    assert later.attrs["filters"]["since_year"] == 2010


def test_conflict_ledger_is_grouped_by_verdict_with_both_sides(tables: dict[str, pd.DataFrame]) -> None:
    ledger = ev.conflict_ledger(tables["conflicts"], tables["sources"])
    assert list(ledger.columns) == ev.CONFLICT_LEDGER_COLUMNS
    order = [ev.VERDICTS.index(v) for v in ledger["verdict"]]
    assert order == sorted(order)
    assert ledger["value_text_a"].notna().all() and ledger["value_text_b"].notna().all()


def test_sources_coverage_and_qualifiers(tables: dict[str, pd.DataFrame]) -> None:
    t = tables
    table = ev.sources_table(t["sources"], t["facts"], t["events"])
    assert len(table) == len(t["sources"]) and table["n_facts"].sum() == len(t["facts"])
    assert table["year"].isna().sum() == t["sources"]["date"].eq("").sum()
    matrix = ev.coverage_matrix(t["facts"])
    assert list(matrix.columns)[-1] == "undated" or "undated" not in matrix.columns
    assert all(c == "undated" or c.isdigit() for c in matrix.columns)
    counts = ev.qualifier_counts(t["facts"])
    assert list(counts["qualifier"])[:5] == list(ev.QUALIFIERS)
    assert counts["n_facts"].sum() == len(t["facts"])
    assert (
        counts.set_index("qualifier").loc["range", "n_without_value"]
        == counts.set_index("qualifier").loc["range", "n_facts"]
    )
