"""The CBS client, tested offline: a loopback server replays the real recorded OData parts of 83583NED."""

from __future__ import annotations

import http.server
import json
import math
import shutil
import threading
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from ccresearch.cli import main
from ccresearch.errors import InputError
from ccresearch.sources import cbs, statline
from ccresearch.sources.catalog import verify_all

RECORDED = "cbs/83583NED"
PAGE = 2500


def _records(frame: pd.DataFrame) -> list[dict]:
    out = []
    for rec in frame.to_dict("records"):
        out.append({k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in rec.items()})
    return out


class _Replay:
    """Serves the recorded table as the StatLine OData feed does (paged TypedDataSet, code lists, metadata)."""

    def __init__(self, raw: Path) -> None:
        table = cbs.read_table(raw / RECORDED)
        self.parts: dict[str, list[dict]] = {
            "TableInfos": [table.info],
            "DataProperties": _records(table.properties),
            "TypedDataSet": _records(table.data),
            "UntypedDataSet": _records(table.data.astype(str)),
        }
        for name, frame in table.dimensions.items():
            self.parts[name] = _records(frame)
        self.requests: list[str] = []
        self.fail: set[str] = set()


@pytest.fixture
def replay(raw_dir: Path) -> Iterator[tuple[str, _Replay]]:
    state = _Replay(raw_dir)

    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            url = urllib.parse.urlparse(self.path)
            state.requests.append(self.path)
            query = urllib.parse.parse_qs(url.query)
            part = url.path.rstrip("/").split("/")[-1]
            base = f"http://127.0.0.1:{self.server.server_address[1]}/ODataFeed/odata/83583NED/"
            if part in state.fail:
                self.send_error(500)
                return
            if part == "83583NED":
                body = {"value": [{"name": n, "url": base + n} for n in state.parts]}
            elif part in state.parts:
                rows = state.parts[part]
                skip = int(query.get("$skip", ["0"])[0])
                body = {"value": rows[skip : skip + PAGE]}
                if skip + PAGE < len(rows):
                    body["odata.nextLink"] = f"{base}{part}?$format=json&$skip={skip + PAGE}"
            else:
                self.send_error(404)
                return
            data = json.dumps(body).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", state
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(autouse=True)
def _https_restored() -> Iterator[None]:
    import cbsodata

    before = cbsodata.options.use_https
    yield
    cbsodata.options.use_https = before


@pytest.mark.slow  # a loopback HTTP server
def test_fetch_keeps_codes_pages_and_writes_verified_sidecars(
    tmp_path: Path, replay: tuple[str, _Replay]
) -> None:
    url, state = replay
    folder = statline.fetch_table("83583NED", out=tmp_path, catalog_url=url)
    assert folder == tmp_path / "83583NED"
    assert (folder / "TypedDataSet.json").exists()
    data_requests = [r for r in state.requests if "TypedDataSet" in r]
    assert len(data_requests) == math.ceil(7440 / PAGE)  # followed odata.nextLink to the end
    sidecars = verify_all(tmp_path)
    assert "83583NED/TypedDataSet.json" in sidecars
    assert "CC BY 4.0" in sidecars["83583NED/TypedDataSet.json"].licence
    table = cbs.read_table(folder)
    assert set(table.data["BedrijfstakkenBranchesSBI2008"]) >= {
        "T001081",
        "410200",
        "415900",
    }  # codes, not titles
    jobs = cbs.jobs_from_odata(table, folder=folder)
    nl = jobs.set_index(["sbi_key", "year"])["jobs"]
    assert nl[("T001081", 2010)] == pytest.approx(7_888_200)
    assert nl[("410200", 2019)] == pytest.approx(1_094_400)
    assert nl[("415900", 2019)] > 0


@pytest.mark.slow  # a loopback HTTP server
def test_fetch_passes_the_filter_to_the_server(tmp_path: Path, replay: tuple[str, _Replay]) -> None:
    url, state = replay
    statline.fetch_table("83583NED", out=tmp_path, catalog_url=url, filters="Perioden eq '2019JJ00'")
    typed = [r for r in state.requests if "TypedDataSet" in r]
    assert "%24filter=Perioden+eq+%272019JJ00%27" in typed[
        0
    ] or "$filter=Perioden" in urllib.parse.unquote_plus(typed[0])


@pytest.mark.slow  # a loopback HTTP server
def test_failed_download_leaves_the_previous_table_in_place(
    tmp_path: Path, replay: tuple[str, _Replay]
) -> None:
    url, state = replay
    folder = statline.fetch_table("83583NED", out=tmp_path, catalog_url=url)
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    state.fail.add("TypedDataSet")
    with pytest.raises(Exception, match="500"):
        statline.fetch_table("83583NED", out=tmp_path, catalog_url=url)
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["83583NED"]


@pytest.mark.slow  # a loopback HTTP server
def test_fetch_cbs_command_prints_the_folder(
    tmp_path: Path, replay: tuple[str, _Replay], capsys: pytest.CaptureFixture
) -> None:
    url, _ = replay
    assert main(["fetch-cbs", "83583NED", "--out", str(tmp_path), "--catalog-url", url]) == 0
    assert capsys.readouterr().out.strip() == str(tmp_path / "83583NED")


def test_fetch_rejects_a_malformed_table_id(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not a CBS table id"):
        statline.fetch_table("83583 NED", out=tmp_path)
    assert main(["fetch-cbs", "nonsense", "--out", str(tmp_path)]) == 2


def test_recorded_parquet_table_reads_as_national_jobs(raw_dir: Path) -> None:
    folder = raw_dir / RECORDED
    jobs = cbs.jobs_from_odata(cbs.read_table(folder), folder=folder)
    assert set(jobs["region_code"]) == {"NL01"}
    assert jobs["year"].min() == 2010 and jobs["year"].max() == 2019
    total = jobs[(jobs.sbi_key == "T001081")].set_index("year")["jobs"]
    assert total[2011] == 7_937_700.0 and total[2019] == 8_560_500.0


def test_regional_jobs_strip_padding_and_multiply_out_the_unit(raw_dir: Path) -> None:
    jobs = cbs.regional_jobs(raw_dir)
    assert list(jobs.columns) == cbs.JOBS_COLUMNS
    cr39 = jobs[(jobs.region_code == "CR39") & (jobs.sector == "N")].set_index("year")["jobs"]
    assert cr39.index.min() == 2010 and cr39.index.max() == 2024
    assert all(v == round(v) for v in cr39)  # absolute counts, x 1 000 multiplied out
    assert jobs.loc[jobs.region_code == "CR39", "region_name"].iloc[0] == "Zuid-Limburg"
    assert set(jobs.loc[jobs.region_code == "CR99", "year"]) == {2010, 2011, *range(2019, 2025)}
    # the full download (83582NED_corop.csv): the total, the 21 published sections and the 7 section groups
    sections = {*"ABCDEFGHIJKLMNOPQRS"} - {"T", "U"}
    groups = {"B-F", "B-E", "G-N", "G-I", "M-N", "O-U", "O-Q", "R-U"}
    assert set(jobs.loc[jobs.region_code == "CR37", "sector"]) == {"total", *sections, *groups}
    assert (jobs.loc[jobs.source_table == "83582NED", "precision"] == 100).all()


def test_corop_plus_cr99_sum_to_the_national_total_where_both_exist(raw_dir: Path) -> None:
    checks = cbs.check_national_sums(cbs.regional_jobs(raw_dir))
    by = {(c.sbi_key, c.year): c for c in checks}
    assert by[("T001081", 2010)].status == "ok" and by[("T001081", 2010)].difference == 0
    assert {y for (k, y), c in by.items() if k == "T001081" and c.status == "ok"} == {2010, 2011, 2019}
    no_cr99 = {y for (k, y), c in by.items() if k == "T001081" and c.status == "no_unclassified"}
    assert no_cr99 == set(range(2012, 2019))
    assert not [c for c in checks if c.status == "mismatch"]
    # all 28 codes x 15 years of the full table, each with a status (50 code-years ok, as the shared README says)
    assert len(checks) == 28 * 15
    counts = {s: sum(c.status == s for c in checks) for s in cbs.NATIONAL_STATUSES}
    assert counts == {"ok": 50, "mismatch": 0, "no_unclassified": 90, "no_national": 120, "incomplete": 160}
    assert by[("305700", 2019)].status == "incomplete"  # B is suppressed in some COROP regions


def test_a_mismatching_national_total_is_reported() -> None:
    rows = [(f"CR{i:02d}", "corop", 1000.0) for i in range(1, 41)]
    rows += [("CR99", "unclassified", 100.0), ("NL01", "country", 50_000.0)]  # synthetic: 40,100 != 50,000
    synthetic = pd.DataFrame(
        [
            {
                "region_code": c,
                "region_level": lvl,
                "sbi_key": "T001081",
                "year": 2019,
                "jobs": v,
                "precision": 100.0,
            }
            for c, lvl, v in rows
        ]
    )
    [check] = cbs.check_national_sums(synthetic)
    assert check.status == "mismatch" and check.difference == pytest.approx(-9_900)
    assert check.tolerance == pytest.approx(50 * 42)  # half a rounding step per summed value


def test_wide_file_with_a_malformed_number_names_file_row_and_year(tmp_path: Path, raw_dir: Path) -> None:
    src = raw_dir / "cbs/83582NED/cbs_83582NED_corop_banen_total_N_2010_2024_wide.csv"
    folder = tmp_path / "83582NED"
    folder.mkdir()
    lines = src.read_text(encoding="utf-8").splitlines()
    cells = lines[3].split(",")
    cells[5] = "4x.1"  # the 2012 column of the third data row
    lines[3] = ",".join(cells)
    bad = folder / src.name
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    shutil.copy(src.with_name(src.name + ".meta.yaml"), folder)  # the sidecar says how to read the file
    with pytest.raises(InputError) as err:
        cbs.jobs_from_wide(bad)
    assert (err.value.row, err.value.field, err.value.value) == (4, "2012", "4x.1")
    assert err.value.file == str(bad)


@pytest.mark.slow  # a loopback HTTP server
def test_fetch_never_overwrites_raw_files_it_did_not_write(
    tmp_path: Path, replay: tuple[str, _Replay]
) -> None:
    url, state = replay
    folder = tmp_path / "83583NED"
    folder.mkdir()
    (folder / "transcription_wide.csv").write_text("a\n1\n", encoding="utf-8")
    with pytest.raises(InputError, match="never overwritten") as err:
        statline.fetch_table("83583NED", out=tmp_path, catalog_url=url)
    assert "transcription_wide.csv" in str(err.value)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["83583NED"]
    assert [p.name for p in folder.iterdir()] == ["transcription_wide.csv"]
    assert state.requests == []  # refused before any download


def _synthetic_download(folder: Path, rows: list[tuple[str, str, int, float]]) -> None:
    """A synthetic OData table (test data, shaped like a 83582NED download): region, sbi, year, value x 1 000."""
    folder.mkdir(parents=True)
    typed = [
        {
            "ID": i,
            "RegioS": f"{r}  ",
            "BedrijfstakkenBranchesSBI2008": f"{k} ",
            "Perioden": f"{y}JJ00",
            "BanenVanWerknemersInDecember_1": v,
        }
        for i, (r, k, y, v) in enumerate(rows)
    ]
    props = [
        {"Key": "BedrijfstakkenBranchesSBI2008", "Type": "Dimension", "Unit": None, "Decimals": None},
        {"Key": "RegioS", "Type": "GeoDimension", "Unit": None, "Decimals": None},
        {"Key": "Perioden", "Type": "TimeDimension", "Unit": None, "Decimals": None},
        {"Key": "BanenVanWerknemersInDecember_1", "Type": "Topic", "Unit": "x 1 000", "Decimals": 1},
    ]
    sbi = [{"Key": "T001081", "Title": "A-U Alle economische activiteiten"}]
    for name, data in [
        ("TypedDataSet", typed),
        ("DataProperties", props),
        ("BedrijfstakkenBranchesSBI2008", sbi),
    ]:
        (folder / f"{name}.json").write_text(json.dumps(data), encoding="utf-8")


def test_two_downloads_of_one_cell_keep_one_and_count_the_difference(raw_copy: Path) -> None:
    _synthetic_download(
        raw_copy / "cbs/fetched/83582NED",
        [
            ("CR01", "T001081", 2010, 47.7),
            ("CR01", "T001081", 2011, 99.9),
        ],  # synthetic: 2011 differs from the stored download (47.8), as a revised figure would
    )
    jobs = cbs.regional_jobs(raw_copy)
    cell = jobs[(jobs.region_code == "CR01") & (jobs.sbi_key == "T001081")].set_index("year")["jobs"]
    assert cell[2010] == 47_700 and cell[2011] == 47_800 and cell[2012] == 46_100
    assert not jobs.duplicated(["region_code", "sbi_key", "year"]).any()
    by_dropped = {o["dropped_file"]: o for o in jobs.attrs["overlaps"]}
    fetched = by_dropped["cbs/fetched/83582NED"]
    assert fetched["kept_file"] == "cbs/83582NED/83582NED_corop.csv"
    assert (fetched["cells"], fetched["cells_that_agree"], fetched["cells_that_differ"]) == (2, 1, 1)
    assert fetched["largest_difference"] == pytest.approx(52_100)
    wide = by_dropped["cbs/83582NED/cbs_83582NED_corop_banen_total_N_2010_2024_wide.csv"]
    assert (wide["cells"], wide["cells_that_agree"], wide["cells_that_differ"]) == (1320, 1320, 0)
    assert wide["dropped"] == "83582NED (transcription)" and wide["kept"] == "83582NED (download)"


def test_regions_the_project_does_not_list_take_their_name_from_the_download(raw_copy: Path) -> None:
    folder = raw_copy / "cbs/fetched/83582NED"
    _synthetic_download(folder, [("LD04", "T001081", 2010, 1.5), ("NL01", "T001081", 2010, 7888.2)])
    (folder / "RegioS.json").write_text(
        json.dumps(
            [{"Key": "LD04  ", "Title": "Zuid-Nederland (LD)"}, {"Key": "NL01  ", "Title": "Nederland"}]
        ),
        encoding="utf-8",
    )
    props = json.loads((folder / "DataProperties.json").read_text(encoding="utf-8"))
    jobs = cbs.regional_jobs(raw_copy)
    row = jobs[jobs.region_code == "LD04"].iloc[0]
    assert (row.region_name, row.region_level, row.jobs) == ("Zuid-Nederland (LD)", "landsdeel", 1_500)
    # NL01 2010 is also in the national table 83583NED: the regional download is kept, the overlap reported
    nl = jobs[(jobs.region_code == "NL01") & (jobs.sbi_key == "T001081") & (jobs.year == 2010)]
    assert len(nl) == 1 and nl["source_table"].iloc[0] == "83582NED"
    assert any(
        o["kept"] == "83582NED (download)" and "83583NED" in o["dropped"] for o in jobs.attrs["overlaps"]
    )
    assert props  # the synthetic table is shaped like the real one


def test_hidden_folders_are_not_raw_data(raw_copy: Path) -> None:
    _synthetic_download(raw_copy / "cbs/.83582NED.partial", [("CR01", "T001081", 2010, 1.0)])
    jobs = cbs.regional_jobs(raw_copy)
    assert [o["dropped_file"] for o in jobs.attrs["overlaps"]] == [
        "cbs/83582NED/cbs_83582NED_corop_banen_total_N_2010_2024_wide.csv"
    ]
    assert (raw_copy / "cbs/.83582NED.partial/TypedDataSet.json").exists()
    verify_all(raw_copy)  # no sidecar needed for a hidden leftover
