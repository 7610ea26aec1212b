"""Long CBS OData CSVs (83582NED whole table, 83631NED births): the reader, the regional tables, the SBI sums.

Real files from data/raw; generated long CSVs (hypothesis) and planted faults in copies are synthetic test data.
"""

from __future__ import annotations

import re
import shutil
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ccresearch.errors import InputError
from ccresearch.sources import cbs, sbi
from ccresearch.sources.catalog import write_sidecar

JOBS = "cbs/83582NED/83582NED_corop.csv"
BIRTHS = "cbs/83631NED/83631NED_corop_T001081_N_77-82.csv"
WIDE = "cbs/83582NED/cbs_83582NED_corop_banen_total_N_2010_2024_wide.csv"
HEADER = "ID,BedrijfstakkenBranchesSBI2008,RegioS,Perioden,BanenVanWerknemersInDecember_1"
THOUSANDS = cbs.ReadingNotes("jobs", "x 1 000", 1000.0, 1, None, None)
FIVES = cbs.ReadingNotes("births", "number", 1.0, 0, Decimal(5), None)


def _write(path: Path, rows: list[str], header: str = HEADER) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def _edit_line(path: Path, pattern: str, new_value: str) -> int:
    """Set the value of the one line matching ``pattern`` (a regex on the line), refresh the sidecar; returns the
    line number (the header is line 1)."""
    lines = path.read_text(encoding="utf-8").split("\n")
    [at] = [i for i, line in enumerate(lines) if re.match(pattern, line)]
    lines[at] = ",".join([*lines[at].split(",")[:-1], new_value])
    path.write_text("\n".join(lines), encoding="utf-8")
    write_sidecar(path)
    return at + 1


# --- the reader on the real files -------------------------------------------------------------------------


def test_the_real_jobs_file_reads_whole(raw_dir: Path) -> None:
    table = cbs.read_long_csv(raw_dir / JOBS)
    data = table.data
    assert len(data) == 17_220 and table.blanks == 1_582
    assert table.measure_key == "BanenVanWerknemersInDecember_1" and table.dimensions == [
        "BedrijfstakkenBranchesSBI2008",
        "RegioS",
    ]
    assert data["BedrijfstakkenBranchesSBI2008"].nunique() == 28 and data["RegioS"].nunique() == 41
    assert (data["year"].min(), data["year"].max()) == (2010, 2024)
    assert not data["RegioS"].str.contains(" ").any()  # 'CR39  ' stripped
    cr39 = data[(data["RegioS"] == "CR39") & (data["BedrijfstakkenBranchesSBI2008"] == "410200")]
    series = cr39.set_index("year")["value"]
    assert (series[2010], series[2024]) == (25_500.0, 29_700.0)  # x 1 000 multiplied out
    assert table.labels["BedrijfstakkenBranchesSBI2008"]["300003"] == "B-F Nijverheid en energie"
    assert table.notes.precision == 100.0


def test_the_real_births_file_reads_whole(raw_dir: Path) -> None:
    table = cbs.read_long_csv(raw_dir / BIRTHS)
    data = table.data
    assert len(data) == 6_384 and table.notes.precision == 5.0
    assert set(data["RegioS"]) == {*(f"CR{i:02d}" for i in range(1, 41)), "CR98", "CR99"}
    cr39 = data[(data["RegioS"] == "CR39") & (data["BedrijfstakkenBranchesSBI2008"] == "415900")]
    # the series the shared README gives for CR39, division 82, 2007-2025
    assert cr39.sort_values("year")["value"].tolist() == [
        10, 15, 15, 40, 60, 55, 50, 50, 55, 60, 45, 50, 75, 115, 110, 150, 190, 205, 150
    ]  # fmt: skip
    total = data[data["BedrijfstakkenBranchesSBI2008"] == "T001081"]
    assert total.loc[total["year"] < 2015, "value"].isna().all()
    assert data.loc[data["RegioS"] == "CR98", "value"].isna().all()


def test_regional_births_table(raw_dir: Path) -> None:
    births = cbs.regional_births(raw_dir)
    assert list(births.columns) == cbs.measure_columns("births")
    assert set(births["sector"]) == {"total", "N", "77", "78", "79", "80", "81", "82"}
    assert "CR98" not in set(births["region_code"])  # blank throughout: no published cell
    assert set(births["region_level"]) == {"corop", "unclassified"}
    assert births.loc[births["sector"] == "total", "year"].min() == 2015
    assert (births["precision"] == 5).all() and (births["births"] % 5 == 0).all()
    assert births["births"].notna().all() and not births.duplicated(["region_code", "sbi_key", "year"]).any()
    blanks = pd.DataFrame(births.attrs["blanks"])
    assert blanks["cells"].sum() == 480
    assert blanks.groupby("region_level")["cells"].sum().to_dict() == {
        "corop": 320,
        "other": 152,
        "unclassified": 8,
    }


def test_the_full_jobs_table_agrees_with_the_transcription_in_every_cell(raw_dir: Path) -> None:
    jobs = cbs.regional_jobs(raw_dir)
    [overlap] = [o for o in jobs.attrs["overlaps"] if o["dropped_file"] == WIDE]
    assert (overlap["cells"], overlap["cells_that_agree"], overlap["cells_that_differ"]) == (1320, 1320, 0)
    blanks = pd.DataFrame(jobs.attrs["blanks"])
    assert blanks["cells"].sum() == 1_582
    by_level = blanks.groupby("region_level")["cells"].sum().to_dict()
    assert by_level == {"corop": 1_364, "unclassified": 218}
    by_code = blanks.groupby("sector")["cells"].sum()
    assert (by_code["B"], by_code["D"], by_code["E"], by_code["C"], by_code["P"], by_code["O"]) == (
        415, 384, 215, 119, 93, 87
    )  # the counts the shared README gives  # fmt: skip


# --- generated long CSVs ---------------------------------------------------------------------------------

_codes = st.sampled_from(["T001081", "410200", "300010", "403300"])
_regions = st.sampled_from([f"CR{i:02d}" for i in range(1, 6)] + ["CR99"])
_pads = st.text(alphabet=" ", max_size=3)
_tenths = st.one_of(
    st.none(), st.integers(min_value=0, max_value=99_999).map(lambda n: Decimal(n).scaleb(-1))
)


@st.composite
def _long_cells(draw: st.DrawFn) -> list[tuple[str, str, int, Decimal | None, str, str]]:
    keys = draw(
        st.lists(st.tuples(_codes, _regions, st.integers(1995, 2030)), min_size=1, max_size=40, unique=True)
    )
    return [(k, r, y, draw(_tenths), draw(_pads), draw(_pads)) for k, r, y in keys]


@given(_long_cells())
def test_generated_long_csvs_round_trip(tmp_path_factory: pytest.TempPathFactory, cells: list) -> None:
    """Synthetic long CSVs: padding stripped, years parsed, x 1 000 multiplied out, blanks kept and counted."""
    rows = [
        f"{i},{k}{pk},{r}{pr},{y}JJ00,{'' if v is None else v}"
        for i, (k, r, y, v, pk, pr) in enumerate(cells)
    ]
    path = _write(tmp_path_factory.mktemp("long") / "T" / "synthetic.csv", rows)
    table = cbs.read_long_csv(path, notes=THOUSANDS)
    data = table.data
    assert table.blanks == sum(c[3] is None for c in cells)
    assert data["BedrijfstakkenBranchesSBI2008"].tolist() == [c[0] for c in cells]
    assert data["RegioS"].tolist() == [c[1] for c in cells]
    assert data["year"].tolist() == [c[2] for c in cells]
    assert data["line"].tolist() == list(range(2, len(cells) + 2))
    for got, (_, _, _, v, _, _) in zip(data["value"], cells, strict=True):
        assert (pd.isna(got) and v is None) or got == pytest.approx(float(v) * 1000, abs=1e-6)


@given(st.lists(st.one_of(st.none(), st.integers(0, 5_000)), min_size=1, max_size=30), st.booleans())
def test_values_rounded_to_five_are_read_and_others_refused(
    tmp_path_factory: pytest.TempPathFactory, counts: list[int | None], with_point: bool
) -> None:
    rows = [
        f"{i},410200 ,CR{i % 40 + 1:02d}  ,{2000 + i}JJ00,{'' if n is None else (f'{n}.0' if with_point else n)}"
        for i, n in enumerate(counts)
    ]
    path = _write(
        tmp_path_factory.mktemp("births") / "T" / "b.csv", rows, HEADER.replace("Banen", "Oprichtingen")
    )
    if all(n is None or n % 5 == 0 for n in counts):
        data = cbs.read_long_csv(path, notes=FIVES).data
        assert data["value"].isna().sum() == counts.count(None)
    else:
        first = next(i for i, n in enumerate(counts) if n is not None and n % 5)
        with pytest.raises(InputError, match="multiple") as err:
            cbs.read_long_csv(path, notes=FIVES)
        assert err.value.row == first + 2


@given(st.sampled_from(["KW01", "KW04", "MM07", "MM12"]), st.integers(0, 5))
def test_a_period_that_is_not_a_year_is_refused(
    tmp_path_factory: pytest.TempPathFactory, kind: str, at: int
) -> None:
    rows = [f"{i},T001081,CR01  ,{2010 + i}{kind if i == at else 'JJ00'},1.0" for i in range(6)]
    path = _write(tmp_path_factory.mktemp("periods") / "T" / "p.csv", rows)
    with pytest.raises(InputError, match="not a year") as err:
        cbs.read_long_csv(path, notes=THOUSANDS)
    assert (err.value.row, err.value.field, err.value.value) == (at + 2, "Perioden", f"{2010 + at}{kind}")


# --- errors name file, row, field and value ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("rows", "needle", "row", "field", "value"),
    [
        (["1,T001081,CR01  ,2010JJ00,47.7", "2,T001081,CR01  ,2011JJ00,4x.1"], "malformed number", 3,
         "BanenVanWerknemersInDecember_1", "4x.1"),
        (["1,T001081,CR01  ,2010JJ00,47.75"], "more decimals", 2, "BanenVanWerknemersInDecember_1", "47.75"),
        (["1,T001081,CR01  ,2010JJ00,47.7", "2,T001081,CR01,2010JJ00,47.7"], "cell given twice", 3,
         "Perioden", "2010JJ00"),
        (["1,T001081,CR01  ,2010JJ00,47.7", "1,T001081,CR02  ,2010JJ00,47.7"], "ID given twice", 3, "ID", "1"),
        (["1,T001081,CR01  ,2010-01,47.7"], "malformed period", 2, "Perioden", "2010-01"),
        (["1,999999 ,CR01  ,2010JJ00,47.7"], "code not in the code list", 2, "BedrijfstakkenBranchesSBI2008",
         "999999 "),
    ],
)  # fmt: skip
def test_bad_cells_name_file_row_field_and_value(
    tmp_path: Path, raw_dir: Path, rows: list[str], needle: str, row: int, field: str, value: str
) -> None:
    path = _write(tmp_path / "83582NED" / "bad.csv", rows)
    notes = cbs.ReadingNotes("jobs", "x 1 000", 1000.0, 1, None, "83583NED")  # code list of the real 83583NED
    with pytest.raises(InputError, match=needle) as err:
        cbs.read_long_csv(path, root=raw_dir / "cbs", notes=notes)
    assert (err.value.file, err.value.row, err.value.field, err.value.value) == (str(path), row, field, value)
    assert err.value.mend


def test_a_header_that_is_not_long_format_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path / "T" / "x.csv", ["1,CR01,2010JJ00,1.0"], "RegioS,ID,Perioden,Banen")
    with pytest.raises(InputError, match="not a long CBS OData CSV") as err:
        cbs.read_long_csv(path, notes=THOUSANDS)
    assert err.value.row == 1


def test_a_sidecar_without_unit_says_how_to_mend_it(raw_copy: Path) -> None:
    path = raw_copy / JOBS
    side = path.with_name(path.name + ".meta.yaml")
    side.write_text(re.sub(r"(?m)^unit: .*\n", "", side.read_text(encoding="utf-8")), encoding="utf-8")
    with pytest.raises(InputError, match="does not say how to read") as err:
        cbs.read_long_csv(path)
    assert (err.value.file, err.value.field) == (str(side), "unit")
    assert "ccresearch sidecar" in err.value.mend


# --- planted faults in a copy of data/raw --------------------------------------------------------------------


def test_a_changed_cell_in_the_transcription_is_an_error_naming_cell_values_and_files(raw_copy: Path) -> None:
    wide = raw_copy / WIDE
    text = wide.read_text(encoding="utf-8")
    line = next(
        x for x in text.split("\n") if x.startswith("T001081,A-U Alle economische activiteiten,CR01,")
    )
    cells = line.split(",")
    assert cells[5] == "46.1"  # CR01, 2012
    cells[5] = "46.2"  # planted fault
    wide.write_text(text.replace(line, ",".join(cells)), encoding="utf-8")
    write_sidecar(wide)
    with pytest.raises(InputError, match="different values for the same cell") as err:
        cbs.regional_jobs(raw_copy)
    assert err.value.file == str(wide)
    assert err.value.field == "CR01 T001081 2012 (jobs)"
    assert err.value.value == 46_200.0
    assert "46100.0" in err.value.expected and JOBS in err.value.expected


def test_a_blank_cell_is_left_out_and_counted(raw_copy: Path) -> None:
    before = cbs.regional_measures(raw_copy)["jobs"]
    row = _edit_line(raw_copy / JOBS, r"^\d+,391600 *,CR01 +,2019JJ00,", "")  # J, CR01, 2019 made blank
    after = cbs.regional_measures(raw_copy)["jobs"]
    assert row > 1
    cell = after.cells[(after.cells.region_code == "CR01") & (after.cells.sbi_key == "391600")]
    assert pd.isna(cell.set_index("year").loc[2019, "jobs"])  # kept as missing in the cells ...
    table = after.table()
    assert len(table) == len(before.table()) - 1  # ... and left out of the table
    count = {(b["sbi_key"], b["year"], b["region_level"]): b["cells"] for b in table.attrs["blanks"]}
    assert count[("391600", 2019, "corop")] == 1
    # sums over an incomplete set are not checkable, and counted
    divisions = sbi.read_divisions(raw_copy)
    sums = {(c["source_table"], c["relation"]): c for c in sbi.check_sums(after.cells, "jobs", divisions)[0]}
    old = {(c["source_table"], c["relation"]): c for c in sbi.check_sums(before.cells, "jobs", divisions)[0]}
    gn = ("83582NED", "G-N = G-I + J + K + L + M-N")
    assert sums[gn]["not_checkable"] == old[gn]["not_checkable"] + 1
    assert sums[gn]["checked"] == old[gn]["checked"] - 1
    national = {(c.sbi_key, c.year): c.status for c in cbs.check_national_sums(after.cells)}
    assert national[("391600", 2019)] == "incomplete"


def test_a_malformed_number_in_the_real_file_names_file_row_and_field(raw_copy: Path) -> None:
    path = raw_copy / BIRTHS
    row = _edit_line(path, r"^\d+,415900 ,CR39 +,2019JJ00,", "7S.0")
    with pytest.raises(InputError, match="malformed number") as err:
        cbs.regional_births(raw_copy)
    assert (err.value.file, err.value.row, err.value.field, err.value.value) == (
        str(path),
        row,
        "OprichtingenVanVestigingen_1",
        "7S.0",
    )


def test_a_region_with_values_that_no_list_names_is_an_error(raw_copy: Path) -> None:
    path = raw_copy / BIRTHS
    _edit_line(path, r"^\d+,415900 ,CR98 +,2019JJ00,", "5.0")  # CR98 is blank throughout in the real file
    with pytest.raises(InputError, match="no code list names") as err:
        cbs.regional_births(raw_copy)
    assert err.value.file == str(path) and err.value.value == ["CR98"]


# --- the SBI hierarchy from the labels -------------------------------------------------------------------


def test_relations_come_from_the_labels() -> None:
    labels = {
        "t": "A-U Alle economische activiteiten",
        "a": "A Landbouw",
        "bf": "B-F Nijverheid en energie",
        "be": "B-E Nijverheid (geen bouw) en energie",
        "f": "F Bouwnijverheid",
        "gu": "G-U Diensten",  # synthetic label
        "ru": "R-U Cultuur, recreatie, overige diensten",
        "r": "R Cultuur",
        "s": "S Overige",
        "x": "Zonder code",
    }
    got = {r.text: (r.total, r.parts) for r in sbi.relations(labels, {})}
    assert got == {
        "A-U = A + B-F + G-U": ("t", ("a", "bf", "gu")),
        "B-F = B-E + F": ("bf", ("be", "f")),
        "G-U >= R-U": ("gu", ("ru",)),
        "R-U >= R + S": ("ru", ("r", "s")),
    }


def test_divisions_belong_to_a_section_only_where_the_data_file_says_so(raw_dir: Path) -> None:
    section_of = sbi.read_divisions(raw_dir)
    assert section_of == dict.fromkeys(["77", "78", "79", "80", "81", "82"], "N")
    labels = {"n": "N Verhuur en overige zakelijke diensten", **{d: f"{d} division" for d in section_of}}
    [rel] = sbi.relations(labels, section_of)
    assert rel.text == "N = 77 + 78 + 79 + 80 + 81 + 82" and rel.complete
    del labels["80"]
    [rel] = sbi.relations(labels, section_of)
    assert rel.text == "N >= 77 + 78 + 79 + 81 + 82" and not rel.complete
    assert sbi.relations(labels, {}) == []  # without the data file a division belongs to no section
    groups = {"g": "69-71 Advies", "69": "69 Juridisch", "70": "70 Holdings", "71": "71 Architecten"}
    assert [r.text for r in sbi.relations(groups, {})] == ["69-71 = 69 + 70 + 71"]


def test_sums_beyond_rounding_are_warnings_and_blank_terms_not_checkable() -> None:
    def row(region: str, key: str, label: str, value: float | None) -> dict:
        return {"source_table": "SYN", "region_code": region, "year": 2020, "sbi_key": key, "sbi_label": label,
                "jobs": value, "precision": 100.0}  # fmt: skip

    cells = pd.DataFrame(
        [
            row("R1", "mn", "M-N Zakelijk", 1000.0),  # synthetic: 600 + 400, exact
            row("R1", "m", "M Spec", 600.0),
            row("R1", "n", "N Verhuur", 400.0),
            row("R2", "mn", "M-N Zakelijk", 1100.0),  # 600 + 400 + 100: within 150
            row("R2", "m", "M Spec", 600.0),
            row("R2", "n", "N Verhuur", 400.0),
            row("R3", "mn", "M-N Zakelijk", 1300.0),  # 300 beyond the tolerance of 150
            row("R3", "m", "M Spec", 600.0),
            row("R3", "n", "N Verhuur", 400.0),
            row("R4", "mn", "M-N Zakelijk", 1000.0),  # a blank part: not checkable
            row("R4", "m", "M Spec", None),
            row("R4", "n", "N Verhuur", 400.0),
        ]
    )
    [summary], warnings = sbi.check_sums(cells, "jobs", {})
    assert summary["relation"] == "M-N = M + N"
    assert {k: summary[k] for k in ("checked", "exact", "within_tolerance", "beyond_tolerance", "not_checkable")} == {
        "checked": 3, "exact": 1, "within_tolerance": 1, "beyond_tolerance": 1, "not_checkable": 1
    }  # fmt: skip
    assert (summary["largest_residual"], summary["largest_residual_at"], summary["tolerance"]) == (
        300.0,
        "R3 2020",
        150.0,
    )
    assert warnings == [
        {"measure": "jobs", "source_table": "SYN", "relation": "M-N = M + N", "region_code": "R3", "year": 2020,
         "residual": 300.0, "tolerance": 150.0}
    ]  # fmt: skip


def test_the_real_sums_hold_within_rounding(raw_dir: Path) -> None:
    measures = cbs.regional_measures(raw_dir)
    section_of = sbi.read_divisions(raw_dir)
    jobs, warnings = sbi.check_sums(measures["jobs"].cells, "jobs", section_of)
    births, more = sbi.check_sums(measures["births"].cells, "births", section_of)
    assert warnings == [] and more == []
    regional = {c["relation"]: c for c in jobs if c["source_table"] == "83582NED"}
    assert sorted(regional) == sorted([
        "A-U = A + B-F + G-N + O-U", "B-F = B-E + F", "B-E = B + C + D + E", "G-N = G-I + J + K + L + M-N",
        "G-I = G + H + I", "M-N = M + N", "O-U = O-Q + R-U", "O-Q = O + P + Q", "R-U >= R + S",
    ])  # fmt: skip
    for c in regional.values():
        assert c["checked"] + c["not_checkable"] == 41 * 15
        assert c["exact"] + c["within_tolerance"] == c["checked"]
    n = {c["relation"]: c for c in births}["N = 77 + 78 + 79 + 80 + 81 + 82"]
    # the shared README: N equals the sum of 77-82 within rounding in all 779 region-years, 421 exactly
    assert (n["checked"], n["exact"], n["within_tolerance"]) == (779, 421, 358)
    assert abs(n["largest_residual"]) <= 10


def test_measure_columns_and_precision(raw_dir: Path) -> None:
    jobs = cbs.regional_jobs(raw_dir)
    assert list(jobs.columns) == cbs.JOBS_COLUMNS == cbs.measure_columns("jobs")
    assert set(jobs["precision"]) == {100.0}  # 83582NED and 83583NED: thousands with one decimal
    assert list(cbs.empty_table("births").columns) == cbs.measure_columns("births")


def test_a_copy_without_the_births_file_still_reads_the_jobs(raw_copy: Path) -> None:
    shutil.rmtree(raw_copy / "cbs/83631NED")
    assert set(cbs.regional_measures(raw_copy)) == {"jobs"}
    assert cbs.regional_births(raw_copy).empty
