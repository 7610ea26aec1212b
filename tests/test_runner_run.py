"""Running fixture notebooks: report folders, HTML, cache, failures, sweeps, Dask and the index page."""

from __future__ import annotations

import contextlib
import html
import io
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
    assert "cell 2 ('# this cell fails on purpose')" in err
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
    slugs = sorted(p.name for p in (tmp_path / "ok").iterdir())
    assert slugs == ["n-2_show_table-false", "n-2_style-line_show_table-false", "n-3_show_table-false",
                     "n-3_style-line_show_table-false"]  # fmt: skip
    table = done.stdout.strip().splitlines()
    assert table[-1] == "4 runs: 4 ran, 0 cached, 0 failed"
    assert any(line.startswith("ok") and "n-3_style-line" in line and "total=6.75" in line for line in table)
    assert "runs:" in done.stderr  # the progress bar goes to stderr
    pids = {json.loads((tmp_path / "ok" / s / "run.json").read_text())["run_id"] for s in slugs}
    assert len(pids) == 4


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
    assert sorted(p.name for p in (tmp_path / "ok").iterdir()) == ["n-2", "n-3"]
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
    assert sorted(p.name for p in root.iterdir()) == ["01_ok", "02_plain", "index.html"]
    page = index.read_text()
    assert 'href="01_ok/default/report.html"' in page and 'href="02_plain/default/report.html"' in page
    assert "answer = 42" in page and "total = 11.25" in page
    assert EXTERNAL.search(page) is None and 'name="viewport"' in page
    rc, out, err = run_cli(*argv)
    assert rc == 0 and builds == [1, 1]
    assert "0 ran, 2 cached, 0 failed" in err
