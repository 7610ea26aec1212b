"""Running fixture notebooks: report folders, HTML, cache, failures, sweeps, Dask and the index page."""

from __future__ import annotations

import contextlib
import csv
import html
import io
import itertools
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ccresearch.cli import main as runner_main
from ccresearch.errors import InputError
from ccresearch.runner import cache, domains

FIXTURES = Path(__file__).parent / "fixtures" / "notebooks"
OK = FIXTURES / "ok.ipynb"
EXTERNAL = re.compile(
    r"""<(?:script|link|img|iframe|source)\b[^>]*(?:src|href)\s*=\s*["']?(?:https?:)?//""", re.I
)


def run_cli(*argv: str) -> tuple[int, str, str]:
    """The runner's command line in this process: exit status, stdout, stderr."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        rc = runner_main([str(a) for a in argv])
    return rc, out.getvalue(), err.getvalue()


@pytest.fixture(autouse=True)
def stable_library(monkeypatch: pytest.MonkeyPatch) -> None:
    """Others edit the package while tests run: keep the library part of the cache key fixed."""
    monkeypatch.setattr(cache, "library_hash", lambda: "library-under-test")


@pytest.fixture(scope="module")
def ok_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int, str, str]:
    """ok.ipynb run once with n=6 and tags x,y: (reports root, exit status, stdout, stderr)."""
    root = tmp_path_factory.mktemp("reports")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(cache, "library_hash", lambda: "library-under-test")
        rc, out, err = run_cli("run", OK, "-p", "n", "6", "-p", "tags", "x,y", "--reports-dir", root)
    return root, rc, out, err


@pytest.mark.slow
def test_run_writes_one_folder_with_report_notebook_results_and_manifest(ok_run: tuple) -> None:
    root, rc, out, err = ok_run
    folder = root / "ok" / "n-6_tags-x+y"
    assert rc == 0, err
    assert out.strip().splitlines()[-1] == str(folder / "report.html")
    assert sorted(p.name for p in folder.iterdir()) == [
        "notebook.ipynb",
        "report.html",
        "results.json",
        "run.json",
    ]
    run = json.loads((folder / "run.json").read_text())
    assert run["parameters"]["n"] == 6 and run["parameters"]["tags"] == ["x", "y"]
    assert run["parameters"]["deadweight"] == 0.25
    assert run["overrides"] == {"n": 6, "tags": ["x", "y"]}
    assert run["status"] == "ok" and run["slug"] == "n-6_tags-x+y"
    assert set(run["git"]) == {"commit", "dirty"}
    assert run["data_manifest"] == run["cache_key"]["data_manifest"]
    assert {"python", "ccresearch", "papermill", "nbconvert"} <= set(run["versions"])
    assert run["duration_s"] > 0 and run["start"] <= run["end"]
    results = json.loads((folder / "results.json").read_text())
    assert results["total"] == pytest.approx(1.5 * 21 * 0.75)
    assert results["details"] == {"values": [1.5, 3.0, 4.5, 6.0, 7.5, 9.0], "label": "demo"}
    assert run["headline"] == {"total": pytest.approx(23.625), "n_bars": 6}
    assert results["kernel_python"] == sys.executable  # the kernel is the project's interpreter
    executed = json.loads((folder / "notebook.ipynb").read_text())
    assert executed["metadata"]["papermill"]["parameters"]["n"] == 6


@pytest.mark.slow
def test_report_hides_code_embeds_figure_and_requests_nothing_external(ok_run: tuple) -> None:
    root = ok_run[0]
    page = (root / "ok" / "n-6_tags-x+y" / "report.html").read_text()
    assert "plt.subplots" not in page and "ccresearch.record(" not in page  # code hidden
    assert 'src="data:image/png;base64,' in page  # the figure, embedded
    assert EXTERNAL.search(page) is None
    assert "cdnjs" not in page and "require.min.js" not in page
    assert 'name="viewport"' in page
    assert "recorded:" not in page and "vnd.ccresearch.results" not in page  # record() outputs excluded
    footer = page[page.index('<footer class="ccresearch-run">') :]
    run = json.loads((root / "ok" / "n-6_tags-x+y" / "run.json").read_text())
    assert run["run_id"] in footer and run["data_manifest"] in footer and "papermill" in footer
    assert '<th>tags</th><td><code>["x", "y"]</code>' in html.unescape(footer)


@pytest.mark.slow
def test_unchanged_run_is_cached_and_force_runs_again(ok_run: tuple) -> None:
    root = ok_run[0]
    run_json = root / "ok" / "n-6_tags-x+y" / "run.json"
    first_id = json.loads(run_json.read_text())["run_id"]
    rc, out, err = run_cli("run", OK, "-p", "tags", "x,y", "-p", "n", "6", "--reports-dir", root)
    assert rc == 0 and "cached" in err
    assert out.strip().splitlines()[-1] == str(run_json.parent / "report.html")
    assert json.loads(run_json.read_text())["run_id"] == first_id
    rc, out, err = run_cli("run", OK, "-p", "tags", "x,y", "-p", "n", "6", "--reports-dir", root, "--force")
    assert rc == 0 and "cached" not in err
    assert json.loads(run_json.read_text())["run_id"] != first_id


@pytest.mark.slow
def test_failing_cell_exits_1_names_cell_and_keeps_last_report(tmp_path: Path) -> None:
    notebook, root = tmp_path / "demo.ipynb", tmp_path / "reports"
    shutil.copy(FIXTURES / "no_parameters.ipynb", notebook)
    rc, _, _ = run_cli("run", notebook, "--reports-dir", root)
    assert rc == 0
    folder = root / "demo" / "default"
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    shutil.copy(FIXTURES / "broken.ipynb", notebook)  # the notebook is edited and now fails
    rc, _out, err = run_cli("run", notebook, "--reports-dir", root)
    assert rc == 1
    assert "cell 2, id cell-2 ('# this cell fails on purpose')" in err
    assert "ValueError: deliberate failure with n=4" in err
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before  # last good report untouched
    failed = root / "_failed" / "demo" / "default"
    partial = json.loads((failed / "notebook.failed.ipynb").read_text())
    outputs = [o for c in partial["cells"] for o in c.get("outputs", [])]
    assert any(o.get("ename") == "ValueError" for o in outputs)
    assert json.loads((failed / "run.json").read_text())["status"] == "failed"
    assert [p.name for p in (root / "demo").iterdir()] == ["default"]  # no temporary folders left


@pytest.mark.slow
def test_region_parameter_is_injected_as_canonical_code(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ccresearch.sources import regions

    codes = {"oost-groningen": "CR01", "zuid-limburg": "CR39", "cr39": "CR39"}

    def resolve_region(value: str) -> str:
        if value.lower() not in codes:
            raise InputError("unknown region", value=value)
        return codes[value.lower()]

    monkeypatch.setattr(regions, "resolve_region", resolve_region)
    monkeypatch.setattr(domains, "jobs_years", lambda: (2010, 2024))
    notebook = FIXTURES / "region_parameters.ipynb"
    rc, _out, err = run_cli("run", notebook, "-p", "region", "Oost-Groningen", "--reports-dir", tmp_path)
    assert rc == 0, err
    folder = tmp_path / "region_parameters" / "region-CR01"
    assert json.loads((folder / "results.json").read_text()) == {"region": "CR01", "span": 10}


def test_sweep_rejects_bad_grid_value_before_any_run(tmp_path: Path) -> None:
    rc, _, err = run_cli("sweep", OK, "--grid", "n=2,3,x", "--grid", "style=bar", "--reports-dir", tmp_path)
    assert rc == 2 and "'x'" in err and "'n'" in err
    rc, _, err = run_cli("sweep", OK, "--grid", "stlye=bar", "--reports-dir", tmp_path)
    assert rc == 2 and "did you mean 'style'" in err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.slow
def test_sweep_runs_every_combination_in_parallel_processes(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "ccresearch", "sweep", str(OK), "--grid", "n=2,3", "--grid", "style=bar,line",
         "-p", "show_table", "false", "-j", "2", "--reports-dir", str(tmp_path)],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    slugs = sorted(p.name for p in (tmp_path / "ok").iterdir() if p.name != "_sweeps")
    assert slugs == ["n-2_show_table-false", "n-2_style-line_show_table-false", "n-3_show_table-false",
                     "n-3_style-line_show_table-false"]  # fmt: skip
    table = done.stdout.strip().splitlines()
    assert table[-1] == "4 runs: 4 ran, 0 cached, 0 failed"
    assert any(line.startswith("ok") and "n-3_style-line" in line and "total=6.75" in line for line in table)
    assert "runs:" in done.stderr  # the progress bar goes to stderr
    pids = {json.loads((tmp_path / "ok" / s / "run.json").read_text())["run_id"] for s in slugs}
    assert len(pids) == 4
    (summary,) = (tmp_path / "ok" / "_sweeps").iterdir()  # the comparison page, linked from the index
    assert f"comparison: {summary / 'index.html'}" in done.stderr
    assert (summary / "index.html").read_text().count('<tr><th scope="row"') == 4
    assert len((summary / "summary.csv").read_text().splitlines()) == 5
    assert f"ok/_sweeps/{summary.name}/index.html" in (tmp_path / "index.html").read_text()


@pytest.mark.slow
def test_sweep_runs_on_dask_cluster(tmp_path: Path) -> None:
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        host="127.0.0.1", n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        rc, out, err = run_cli(
            "sweep",
            OK,
            "--grid",
            "n=2,3",
            "--scheduler",
            cluster.scheduler_address,
            "--reports-dir",
            tmp_path,
        )
    assert rc == 0, err
    assert sorted(p.name for p in (tmp_path / "ok").iterdir()) == ["_sweeps", "n-2", "n-3"]
    assert out.strip().splitlines()[-1] == "2 runs: 2 ran, 0 cached, 0 failed"


@pytest.mark.slow
def test_reports_runs_numbered_notebooks_writes_index_and_second_call_is_cached(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ccresearch.build import pipeline

    builds: list[int] = []  # the build runs in this process, once per call, before planning
    monkeypatch.setattr(pipeline, "ensure_built", lambda *a, **k: builds.append(1))
    notebooks, root = tmp_path / "notebooks", tmp_path / "reports"
    notebooks.mkdir()
    shutil.copy(OK, notebooks / "01_ok.ipynb")
    shutil.copy(FIXTURES / "no_parameters.ipynb", notebooks / "02_plain.ipynb")
    shutil.copy(FIXTURES / "broken.ipynb", notebooks / "scratch.ipynb")  # not numbered: not run
    argv = ("reports", "--notebooks-dir", notebooks, "--reports-dir", root, "-j", "1")
    rc, out, err = run_cli(*argv)
    assert rc == 0, err
    assert builds == [1]
    index = root / "index.html"
    assert out.strip().splitlines()[-1] == str(index)
    assert sorted(p.name for p in root.iterdir()) == ["01_ok", "02_plain", "index.en.html", "index.html"]
    page = index.read_text()
    assert 'href="01_ok/default/report.html"' in page and 'href="02_plain/default/report.html"' in page
    assert "answer: 42" in page and "total: 11,2" in page  # Dutch number format, 3 digits
    assert "total: 11.2" in (root / "index.en.html").read_text()
    assert EXTERNAL.search(page) is None and 'name="viewport"' in page
    rc, out, err = run_cli(*argv)
    assert rc == 0 and builds == [1, 1]
    assert "0 ran, 2 cached, 0 failed" in err


# --- index and sweep comparison pages, from synthetic run.json files (no kernel) --------------------------

SYNTHETIC_MANIFEST = "current-manifest"


def _fake_run(root: Path, stem: str, slug: str, **run: object) -> None:
    """A run folder as the runner leaves it (synthetic values, for the index only)."""
    folder = root / stem / slug
    folder.mkdir(parents=True)
    (folder / "report.html").write_text("<!DOCTYPE html><title>r</title>", encoding="utf-8")
    data = {"stem": stem, "slug": slug, "status": "ok", "data_manifest": SYNTHETIC_MANIFEST,
            "start": "2026-12-01T10:00:00Z", "end": "2026-12-01T10:00:05Z", **run}  # fmt: skip
    (folder / "run.json").write_text(json.dumps(data), encoding="utf-8")


@pytest.fixture
def fake_reports(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    from ccresearch.runner import index

    monkeypatch.setattr(index, "manifest_hash", lambda: SYNTHETIC_MANIFEST, raising=False)
    monkeypatch.setattr(cache, "manifest_hash", lambda: SYNTHETIC_MANIFEST)
    root = tmp_path / "reports"
    _fake_run(
        root, "03_regional", "region-CR29",
        overrides={"region": "CR29", "deadweight": 0.25, "language": "nl"},
        parameters={"region": "CR29", "deadweight": 0.25, "language": "nl"},
        headline={"jobs": {"value": 1234.0, "low": 900.0, "high": None, "unit": "banen"}, "p": 0.05},
        report={"title": "Banengroei per regio", "subtitle": "", "language": "nl",
                "headline": [{"key": "jobs", "label": "Extra banen", "text": "1.234 banen"}]},
    )  # fmt: skip
    _fake_run(
        root, "03_regional", "region-CR23", overrides={"region": "CR23"}, parameters={"region": "CR23"},
        headline={"jobs": {"value": 50.5, "low": 10.0, "high": 80.0, "unit": "banen"}},
        data_manifest="older-manifest", end="2026-11-20T09:30:00Z",
    )  # fmt: skip
    failed = root / "_failed" / "03_regional" / "region-CR01"
    failed.mkdir(parents=True)
    (failed / "run.json").write_text(json.dumps({
        "stem": "03_regional", "slug": "region-CR01", "status": "failed", "overrides": {"region": "CR01"},
        "error": "cell 4 <b>boom</b>", "end": "2026-12-01T11:00:00Z"}), encoding="utf-8")  # fmt: skip
    return root


def test_index_in_dutch_and_english_with_titles_words_headline_status_and_older_data(
    fake_reports: Path,
) -> None:
    from ccresearch.runner.index import write_index

    nl_page = write_index(fake_reports)
    assert nl_page.name == "index.html"
    nl, en = nl_page.read_text(), (fake_reports / "index.en.html").read_text()
    assert '<html lang="nl">' in nl and '<html lang="en">' in en
    assert 'href="index.en.html"' in nl and 'href="index.html"' in en
    assert "Banengroei per regio" in nl and "Banengroei per regio" in en  # the run's own language
    assert "regio: Groot-Rijnmond (CR29)" in nl and "region: Groot-Rijnmond (CR29)" in en
    assert "meeneemeffect: 25%" in nl and "taal: Nederlands" in nl
    assert "Extra banen: 1.234 banen" in nl  # the report's formatted headline, in its language
    assert '<td lang="nl"><ul class="params"><li>Extra banen: 1.234 banen' in en  # as the report says
    assert "50,5 banen (10,0 tot 80,0)" in nl
    assert "geslaagd" in nl and "mislukt" in nl and "failed" in en
    assert "cell 4 &lt;b&gt;boom&lt;/b&gt;" in nl and "<b>boom" not in nl  # escaped
    assert nl.count("gemaakt met oudere gegevens") == 1 and en.count("made on older data") == 1
    assert "1-12-2026 10:00 UTC" in nl and "2026-12-01 10:00 UTC" in en
    assert '<th scope="col">' in nl and '<th scope="row">' in nl
    assert EXTERNAL.search(nl) is None and "<script" not in nl
    heads = re.findall(r"<h([1-6])", nl)
    assert heads[0] == "1" and all(int(b) - int(a) <= 1 for a, b in itertools.pairwise(heads))


def test_sweep_writes_sortable_comparison_and_csv_linked_from_index(
    fake_reports: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ccresearch.runner.execute import RunPlan, RunResult
    from ccresearch.runner.index import write_index
    from ccresearch.runner.summary import write_sweep_summary

    plans = [
        RunPlan(Path("03_regional.ipynb"), "03_regional", {"region": c}, {"region": c}, f"region-{c}", fake_reports)
        for c in ("CR29", "CR23", "CR01")
    ]  # fmt: skip
    results = [
        RunResult("03_regional", f"region-{c}", {"region": c}, s, "", error="boom" if s == "failed" else None)
        for c, s in (("CR29", "ok"), ("CR23", "cached"), ("CR01", "failed"))
    ]  # fmt: skip
    page = write_sweep_summary(plans, results, {"region": ["CR29", "CR23", "CR01"]})
    again = write_sweep_summary(plans, results, {"region": ["CR29", "CR23", "CR01"]})
    assert page == again  # the same sweep updates its page
    assert page.parent.parent.name == "_sweeps" and page.name == "index.html"
    nl, en = page.read_text(), (page.parent / "index.en.html").read_text()
    assert '<html lang="nl">' in nl and '<html lang="en">' in en
    assert "Groot-Rijnmond (CR29)" in nl and "Groot-Amsterdam (CR23)" in nl and "Oost-Groningen (CR01)" in nl
    assert "1.234 banen (900 tot –)" in nl and "50,5 banen (10,0 tot 80,0)" in nl
    assert nl.count('<button type="button"') == 4  # region, jobs, p, status: each header sorts
    assert 'data-sort="1234.0"' in nl and 'href="../../region-CR29/report.html"' in nl
    assert "<script>" in nl and EXTERNAL.search(nl) is None
    rows = list(csv.DictReader(io.StringIO((page.parent / "summary.csv").read_text())))
    assert [r["region"] for r in rows] == ["CR29", "CR23", "CR01"]
    assert rows[0]["region_name"] == "Groot-Rijnmond" and rows[0]["jobs"] == "1234.0"
    assert rows[0]["jobs_low"] == "900.0" and rows[0]["jobs_high"] == "" and rows[0]["jobs_unit"] == "banen"
    assert rows[2]["status"] == "failed" and rows[2]["error"] == "boom"
    index = write_index(fake_reports).read_text()
    assert f'href="03_regional/_sweeps/{page.parent.name}/index.html"' in index


def test_index_of_fifty_runs_is_rewritten_in_under_a_fifth_of_a_second(fake_reports: Path) -> None:
    import time

    from ccresearch.runner.index import write_index

    for i in range(50):
        _fake_run(fake_reports, "01_many", f"n-{i}", overrides={"region": "CR39", "n": i},
                  headline={"jobs": {"value": i * 10.5, "low": i, "high": i * 20, "unit": "banen"}})  # fmt: skip
    write_index(fake_reports)  # warm: region names read once per process
    times = []
    for _ in range(3):  # best of three: other jobs share the machine
        start = time.perf_counter()
        write_index(fake_reports)
        times.append(time.perf_counter() - start)
    assert min(times) < 0.2


@pytest.mark.slow
def test_comparison_page_sorts_by_click_and_keyboard_and_fits_a_phone(
    fake_reports: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    chromium = Path("/usr/bin/chromium")
    if not chromium.exists():
        pytest.skip("needs the Debian chromium package")
    playwright = pytest.importorskip("playwright.sync_api")
    from ccresearch.runner.execute import RunPlan, RunResult
    from ccresearch.runner.index import write_index
    from ccresearch.runner.summary import write_sweep_summary

    plans = [
        RunPlan(Path("03_regional.ipynb"), "03_regional", {"region": c}, {"region": c}, f"region-{c}", fake_reports)
        for c in ("CR29", "CR23", "CR01")
    ]  # fmt: skip
    results = [RunResult("03_regional", p.slug, p.values, "ok", "") for p in plans[:2]]
    results.append(RunResult("03_regional", "region-CR01", {"region": "CR01"}, "failed", "", error="boom"))
    page = write_sweep_summary(plans, results, {"region": ["CR29", "CR23", "CR01"]})
    index = write_index(fake_reports)
    args = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--no-first-run",
    ]
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(chromium), args=args)
        try:
            for url in (page.as_uri(), page.with_name("index.en.html").as_uri(), index.as_uri()):
                phone = browser.new_page(viewport={"width": 375, "height": 740})
                errors: list[str] = []
                phone.on("pageerror", lambda e, errors=errors: errors.append(str(e)))
                phone.on(
                    "console", lambda m, errors=errors: errors.append(m.text) if m.type == "error" else None
                )
                phone.goto(url)
                overflow = phone.evaluate("document.documentElement.scrollWidth - window.innerWidth")
                assert overflow <= 0 and errors == [], (url, overflow, errors)
                phone.close()
            tab = browser.new_page(viewport={"width": 1000, "height": 700})
            tab.goto(page.as_uri())
            first_cells = "Array.from(document.querySelectorAll('tbody tr')).map(r => r.cells[0].innerText)"
            jobs = tab.locator("thead button").nth(1)
            jobs.click()  # jobs ascending: 50.5, 1234, then the failed run (no value) last
            assert tab.evaluate(first_cells) == [
                "Groot-Amsterdam (CR23)", "Groot-Rijnmond (CR29)", "Oost-Groningen (CR01)"
            ]  # fmt: skip
            assert tab.locator("thead th").nth(1).get_attribute("aria-sort") == "ascending"
            jobs.focus()
            tab.keyboard.press("Enter")  # a button: the keyboard sorts too
            assert tab.evaluate(first_cells)[0] == "Groot-Rijnmond (CR29)"
            assert tab.locator("thead th").nth(1).get_attribute("aria-sort") == "descending"
            tab.locator("thead button").first.click()  # by region name
            assert tab.evaluate(first_cells) == sorted(tab.evaluate(first_cells))
        finally:
            browser.close()


PAPERMILL = Path(__file__).parent / "fixtures" / "papermill"


@pytest.mark.slow
def test_papermill_notebook_with_untyped_parameter_runs_as_papermill_runs_it(tmp_path: Path) -> None:
    rc, out, err = run_cli(
        "run", PAPERMILL / "simple_execute.ipynb", "-p", "msg", "hello there", "--reports-dir", tmp_path
    )
    assert rc == 0, err
    folder = Path(out.strip().splitlines()[-1]).parent
    executed = json.loads((folder / "notebook.ipynb").read_text())
    assert executed["metadata"]["papermill"]["parameters"] == {"msg": "hello there"}
    injected = [c for c in executed["cells"] if "injected-parameters" in c["metadata"].get("tags", [])]
    assert len(injected) == 1 and 'msg = "hello there"' in "".join(injected[0]["source"])
    tags = [c["metadata"].get("tags", []) for c in executed["cells"]]
    assert tags.index(["injected-parameters"]) == tags.index(["parameters"]) + 1  # right after, as papermill
    printed = ["".join(o.get("text", "")) for c in executed["cells"] for o in c.get("outputs", [])]
    assert "hello there\n" in printed
    rc, out, err = run_cli(
        "run", PAPERMILL / "simple_execute.ipynb", "-p", "msg", "[1, 2]", "--reports-dir", tmp_path
    )
    assert rc == 0, err
    executed = json.loads((Path(out.strip().splitlines()[-1]).parent / "notebook.ipynb").read_text())
    assert executed["metadata"]["papermill"]["parameters"] == {"msg": [1, 2]}  # a YAML literal


@pytest.mark.slow
def test_papermill_broken_notebook_names_the_failing_cell(tmp_path: Path) -> None:
    rc, _out, err = run_cli("run", PAPERMILL / "broken1.ipynb", "--reports-dir", tmp_path)
    assert rc == 1
    assert "broken1: cell 6 ('assert False') failed: AssertionError" in err
