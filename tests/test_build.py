"""The build: deterministic, atomic, and strict about bad input (exit status 2 with file, row, field, value)."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

import ccresearch.build.pipeline as build_mod
from ccresearch.cli import main
from ccresearch.errors import ChecksumMismatch, InputError
from ccresearch.sources.catalog import sha256_of, write_sidecar


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def _first_facts_file(raw: Path) -> Path:
    return sorted((raw / "facts").glob("*.csv"))[0]


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


def test_build_writes_every_table_as_parquet_and_csv_with_a_manifest(processed_dir: Path) -> None:
    for name in build_mod.TABLES:
        assert (processed_dir / f"{name}.parquet").exists()
        assert (processed_dir / f"{name}.csv").exists()
    manifest = json.loads((processed_dir / "manifest.json").read_text())
    assert "sources.csv" in manifest["inputs"] and "reference/basque.csv" in manifest["inputs"]
    for name, digest in manifest["outputs"].items():
        assert sha256_of(processed_dir / name) == digest
    assert manifest["summary"]["regional_jobs_years"] == [2010, 2024]
    assert manifest["summary"]["years_without_cr99"] == list(range(2012, 2019))
    assert manifest["summary"]["regional_births_years"] == [2007, 2025]
    assert "CR98" not in manifest["summary"]["regional_births_regions"]  # blank throughout


def test_two_builds_give_byte_identical_outputs(raw_dir: Path, tmp_path: Path, processed_dir: Path) -> None:
    again = tmp_path / "again"
    build_mod.build(raw_dir, again)
    assert _snapshot(again) == _snapshot(processed_dir)


def test_facts_have_the_required_columns_and_intervals(processed_dir: Path) -> None:
    facts = pd.read_parquet(processed_dir / "facts.parquet")
    for col in [
        "source_id",
        "entity",
        "entity_name",
        "measure",
        "value_text",
        "value",
        "low",
        "high",
        "unit",
        "period_start",
        "period_end",
        "region_code",
    ]:
        assert col in facts.columns
    stated = facts.dropna(subset=["value"])
    assert (stated["low"] <= stated["value"]).all() and (stated["value"] <= stated["high"]).all()
    assert (facts["low"] <= facts["high"]).all()
    # a range or a vague magnitude states no point: value empty, the interval carries the figure
    vague = facts[facts["qualifier"].eq("range") | facts["value_text"].str.contains("tientallen|honderden")]
    assert len(vague) and vague["value"].isna().all()
    assert set(facts["period_kind"]) <= {"stock", "flow", "cumulative", "target"}
    assert facts["fact_id"].is_unique
    sources = pd.read_parquet(processed_dir / "sources.parquet")
    assert set(facts["source_id"]) <= set(sources["source_id"])
    assert len(set(facts["source_id"])) == len(sources)  # every source contributes figures


def test_every_seed_article_contributes_figures(processed_dir: Path) -> None:
    facts = pd.read_parquet(processed_dir / "facts.parquet")
    sources = pd.read_parquet(processed_dir / "sources.parquet")
    seeds = sources[sources["note"].str.contains("seed", case=False, na=False)]
    assert len(seeds) == 5
    counts = facts[facts["source_id"].isin(seeds["source_id"])].groupby("source_id").size()
    assert len(counts) == 5 and (counts > 0).all()


def test_qualifiers_set_the_interval(processed_dir: Path) -> None:
    facts = pd.read_parquet(processed_dir / "facts.parquet").set_index("value_text", drop=False)
    lower = facts[facts["value_text"].str.startswith("ruim")]
    assert len(lower) and (lower["high"] == float("inf")).all() and (lower["low"] == lower["value"]).all()
    upper = facts[facts["value_text"].str.startswith("bijna")]
    assert len(upper) and (upper["high"] == upper["value"]).all()


def test_known_conflicts_are_findings(processed_dir: Path) -> None:
    conflicts = pd.read_parquet(processed_dir / "conflicts.parquet").set_index("conflict_id", drop=False)
    assert conflicts["conflict_id"].is_unique
    assert set(conflicts["kind"]) <= {"values", "sum", "dates", "names", "scope"}
    assert set(conflicts["verdict"]) <= {"incompatible", "compatible", "same_term", "different_scope"}
    assert conflicts["reason"].str.len().gt(0).all()
    companies = conflicts[(conflicts.kind == "values") & (conflicts.measure == "companies_count")]
    assert len(companies) >= 1 and (companies["verdict"] == "incompatible").all()
    texts = set(companies["value_text_a"]) | set(companies["value_text_b"])
    assert any("twintig" in t for t in texts) and any("dertig" in t for t in texts)
    # 1,400 + 170 is not 1,600 (Ecabo 2006), but within the qualifiers' intervals
    total = conflicts[(conflicts["kind"] == "sum") & conflicts["value_text_a"].str.contains("1.600")]
    assert list(total["verdict"]) == ["compatible"] and bool(total["intervals_overlap"].iloc[0])
    # detected 'values' conflicts are incompatible only when their intervals do not overlap
    detected_values = conflicts[(conflicts.kind == "values") & conflicts.detected & conflicts.note_id.isna()]
    assert (detected_values["verdict"].eq("incompatible") == ~detected_values["intervals_overlap"]).all()
    # the project end: one term written two ways; the noted row overrides the detected date conflict
    end = conflicts.loc["e000-03/efs-02"]
    assert (end["kind"], end["verdict"], bool(end["detected"])) == ("dates", "same_term", True)
    assert end["period_a"] == "2016-04-30" and end["period_b"] == "2016-05-01"  # both sides kept
    # monitoring totals of different scope are not a fall of a cumulative count
    assert conflicts.loc["fsp-28/fsp-33", "verdict"] == "different_scope"


def test_regional_jobs_table_is_tidy_and_absolute(processed_dir: Path) -> None:
    jobs = pd.read_parquet(processed_dir / "regional_jobs.parquet")
    row = jobs[(jobs.region_code == "CR01") & (jobs.sbi_key == "T001081") & (jobs.year == 2010)]
    assert row["jobs"].iloc[0] == 47_700.0
    assert row["source_table"].iloc[0] == "83582NED"
    assert row["sbi_label"].iloc[0] == "A-U Alle economische activiteiten"


def test_regional_births_table_and_the_precision_of_each_measure(processed_dir: Path) -> None:
    from ccresearch.build.loaders import load_regional_births, load_regional_jobs, measure_precision

    births = load_regional_births(processed_dir)
    assert list(births.columns[:7]) == list(load_regional_jobs(processed_dir).columns[:7])
    assert "births" in births.columns and "jobs" not in births.columns
    cr39 = births[(births.region_code == "CR39") & (births.sector == "82")].set_index("year")["births"]
    assert (cr39[2007], cr39[2024], cr39[2025]) == (10, 205, 150)
    assert measure_precision("regional_jobs", processed_dir) == 100.0
    assert measure_precision("regional_births", processed_dir) == 5.0
    assert measure_precision(births) == 5.0


def test_the_build_report_counts_the_cbs_checks(processed_dir: Path) -> None:
    report = json.loads((processed_dir / "build_report.json").read_text(encoding="utf-8"))
    blanks: dict[tuple[str, str], int] = {}
    for b in report["blank_cells"]:
        blanks[(b["measure"], b["region_level"])] = (
            blanks.get((b["measure"], b["region_level"]), 0) + b["cells"]
        )
    assert blanks == {
        ("jobs", "corop"): 1_364,
        ("jobs", "unclassified"): 218,
        ("births", "corop"): 320,
        ("births", "unclassified"): 8,
        ("births", "other"): 152,
    }
    assert report["national_sum_counts"]["jobs"] == {
        "ok": 50, "mismatch": 0, "no_unclassified": 90, "no_national": 120, "incomplete": 160
    }  # fmt: skip
    sums = {(c["measure"], c["source_table"], c["relation"]): c for c in report["sbi_sum_checks"]}
    assert sums[("births", "83631NED", "N = 77 + 78 + 79 + 80 + 81 + 82")]["checked"] == 779
    assert sums[("jobs", "83582NED", "R-U >= R + S")]["kind"] == ">="
    assert report["sbi_sum_warnings"] == []
    [overlap] = report["cbs_overlaps"]
    assert (overlap["cells"], overlap["cells_that_agree"]) == (1320, 1320)
    lines = build_mod.BuildReport(out="x", **report).lines()
    assert any(
        line.startswith("SBI sum jobs 83582NED A-U = A + B-F + G-N + O-U: 596 region-years checked")
        for line in lines
    )
    assert any("blank (unpublished) cells, jobs: 1582" in line for line in lines)
    assert any(
        "COROP + CR99 = national total (jobs, per SBI code and year): 50 ok, 0 mismatches" in line
        for line in lines
    )


def test_check_runs_the_cbs_checks_without_writing(raw_dir: Path) -> None:
    summary = build_mod.check(raw_dir)
    assert "16878 regional_jobs rows" in summary and "5904 regional_births rows" in summary
    assert "jobs 50 ok" in summary and "0 beyond rounding" in summary and "2062 blank cells" in summary


def _set_long_value(path: Path, pattern: str, value: str) -> None:
    """Set the value of the one line of a long CBS CSV matching ``pattern``; refresh the sidecar."""
    lines = path.read_text(encoding="utf-8").split("\n")
    [at] = [i for i, line in enumerate(lines) if re.match(pattern, line)]
    lines[at] = ",".join([*lines[at].split(",")[:-1], value])
    path.write_text("\n".join(lines), encoding="utf-8")
    write_sidecar(path)


def test_a_transcription_that_disagrees_with_its_download_stops_the_build(
    built: tuple[Path, Path], capsys: pytest.CaptureFixture
) -> None:
    raw, out = built
    # planted fault in the download: CR39, N, 2019 (also in the transcription)
    _set_long_value(raw / "cbs/83582NED/83582NED_corop.csv", r"^\d+,410200 *,CR39 +,2019JJ00,", "99.9")
    err = _assert_rejected(
        raw, out, capsys, "CR39 410200 2019 (jobs)", "83582NED_corop.csv", "_wide.csv", "99900"
    )
    assert main(["check", "--raw", str(raw)]) == 2
    assert "CR39 410200 2019" in capsys.readouterr().err and err


def test_a_sum_beyond_rounding_is_a_listed_warning(built: tuple[Path, Path], tmp_path: Path) -> None:
    raw, _ = built
    # planted fault: M in CR01, 2019 raised by 1,000 jobs (M is in no transcription): M-N = M + N breaks
    path = raw / "cbs/83582NED/83582NED_corop.csv"
    line = next(
        x
        for x in path.read_text(encoding="utf-8").split("\n")
        if re.match(r"^\d+,403300 *,CR01 +,2019JJ00,", x)
    )
    _set_long_value(path, r"^\d+,403300 *,CR01 +,2019JJ00,", f"{float(line.split(',')[-1]) + 1:.1f}")
    report = build_mod.build(raw, tmp_path / "again")
    [warning] = report.sbi_sum_warnings
    assert (warning["relation"], warning["region_code"], warning["year"]) == ("M-N = M + N", "CR01", 2019)
    assert warning["residual"] == pytest.approx(-1000) and warning["tolerance"] == 150
    assert any(
        line.startswith("warning: SBI sum beyond rounding: jobs 83582NED M-N = M + N in CR01 2019")
        for line in report.lines()
    )


def test_is_stale_follows_inputs(raw_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert build_mod.is_stale(raw_copy, out)
    build_mod.build(raw_copy, out)
    assert not build_mod.is_stale(raw_copy, out)
    assert build_mod.ensure_built(raw_copy, out) is None
    _edit_csv(raw_copy / "sources.csv", lambda rows, f: None)  # same content, rewritten: still not stale?
    target = raw_copy / "regions/regions_reference.csv"
    target.write_text(target.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    write_sidecar(target)
    assert build_mod.is_stale(raw_copy, out)


# --- bad input: exit 2, message names the place, output folder untouched ---------------------------------


def _assert_rejected(raw: Path, out: Path, capsys: pytest.CaptureFixture, *needles: str) -> str:
    before = _snapshot(out)
    status = main(["build", "--raw", str(raw), "--out", str(out)])
    err = capsys.readouterr().err
    assert status == 2, err
    for needle in needles:
        assert needle in err, err
    assert _snapshot(out) == before  # atomic: nothing already built is lost or half-written
    assert [p.name for p in out.parent.iterdir() if p.name.startswith(".out.new")] == []
    return err


@pytest.fixture
def built(raw_copy: Path, tmp_path: Path) -> tuple[Path, Path]:
    out = tmp_path / "out"
    build_mod.build(raw_copy, out)
    return raw_copy, out


def test_checksum_mismatch_names_the_file(built: tuple[Path, Path], capsys: pytest.CaptureFixture) -> None:
    raw, out = built
    target = raw / "regions/regions_reference.csv"
    target.write_text(
        target.read_text(encoding="utf-8").replace("Zuid-Limburg", "Zuid Limburg"), encoding="utf-8"
    )
    other = raw / "sources.csv"
    other.write_text(other.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    # every changed file is listed, with the command that refreshes the sidecars
    err = _assert_rejected(raw, out, capsys, "regions_reference.csv", "sources.csv", "checksum", "2 file(s)")
    assert "ccresearch sidecar" in err and str(other) in err and str(target) in err
    with pytest.raises(ChecksumMismatch):
        build_mod.build(raw, out)


def test_missing_column(built: tuple[Path, Path], capsys: pytest.CaptureFixture) -> None:
    raw, out = built
    path = _first_facts_file(raw)
    _edit_csv(path, lambda rows, f: [c for c in f if c != "unit"])
    _assert_rejected(raw, out, capsys, path.name, "missing column", "unit")


def test_extra_column(built: tuple[Path, Path], capsys: pytest.CaptureFixture) -> None:
    raw, out = built
    path = _first_facts_file(raw)

    def add(rows: list[dict[str, str]], fields: list[str]) -> list[str]:
        for r in rows:
            r["comment"] = "x"
        return [*fields, "comment"]

    _edit_csv(path, add)
    _assert_rejected(raw, out, capsys, path.name, "unexpected column", "comment")


def _set(field: str, value: str, row: int = 0) -> Callable[[list[dict[str, str]], list[str]], None]:
    def change(rows: list[dict[str, str]], fields: list[str]) -> None:
        rows[row][field] = value

    return change


@pytest.mark.parametrize(
    ("field", "value", "needle"),
    [
        ("value_text", "ruim ### euro", "value_text"),
        ("value_text", "-5", "negative"),
        ("region", "Atlantis", "Atlantis"),
        ("entity", "Acme Callcenters BV", "Acme Callcenters BV"),
        ("source_id", "no-such-source", "unknown source"),
        ("measure", "no_such_measure", "unknown measure"),
    ],
)
def test_bad_field_names_file_row_field_and_value(
    built: tuple[Path, Path], capsys: pytest.CaptureFixture, field: str, value: str, needle: str
) -> None:
    raw, out = built
    path = _first_facts_file(raw)
    _edit_csv(path, _set(field, value))
    err = _assert_rejected(raw, out, capsys, path.name, "row 2", needle)
    assert value in err


def test_end_before_start(built: tuple[Path, Path], capsys: pytest.CaptureFixture) -> None:
    raw, out = built
    path = _first_facts_file(raw)

    def change(rows: list[dict[str, str]], fields: list[str]) -> None:
        rows[0].update(period_text="", period_start="2016-01-01", period_end="2015-01-01")

    _edit_csv(path, change)
    _assert_rejected(raw, out, capsys, path.name, "row 2", "period_end", "ends before it starts")


def test_duplicate_id(built: tuple[Path, Path], capsys: pytest.CaptureFixture) -> None:
    raw, out = built
    path = _first_facts_file(raw)

    def change(rows: list[dict[str, str]], fields: list[str]) -> None:
        rows[1]["fact_id"] = rows[0]["fact_id"]

    _edit_csv(path, change)
    _assert_rejected(raw, out, capsys, path.name, "row 3", "duplicate id")


def test_file_that_is_not_utf8(built: tuple[Path, Path], capsys: pytest.CaptureFixture) -> None:
    raw, out = built
    path = raw / "sources.csv"
    path.write_bytes(
        path.read_bytes().replace("ë".encode(), "ë".encode("latin-1"), 1) + "café\n".encode("latin-1")
    )
    write_sidecar(path)
    _assert_rejected(raw, out, capsys, "sources.csv", "not UTF-8")


def test_noted_conflict_with_an_unknown_fact_is_an_error(
    built: tuple[Path, Path], capsys: pytest.CaptureFixture
) -> None:
    raw, out = built
    _edit_csv(raw / "noted_conflicts.csv", _set("item_b", "f999-99"))
    _assert_rejected(raw, out, capsys, "noted_conflicts.csv", "row 2", "item_b", "f999-99")


def test_unused_mapping_rows_are_reported_not_fatal(built: tuple[Path, Path]) -> None:
    raw, out = built
    path = raw / "mappings/organisations.csv"

    def add(rows: list[dict[str, str]], fields: list[str]) -> None:
        rows.append(
            {"name_as_written": "Nobody BV", "canonical_id": "nobody", "canonical_name": "Nobody", "note": ""}
        )

    _edit_csv(path, add)
    report = build_mod.build(raw, out)
    assert any(u["name_as_written"] == "Nobody BV" for u in report.unused_mappings)
    assert any("Nobody BV" in line for line in report.lines())


def test_inputerror_carries_the_parts(built: tuple[Path, Path]) -> None:
    raw, out = built
    path = _first_facts_file(raw)
    _edit_csv(path, _set("region", "Atlantis"))
    with pytest.raises(InputError) as err:
        build_mod.build(raw, out)
    assert err.value.file == str(path) and err.value.row == 2 and err.value.value == "Atlantis"
