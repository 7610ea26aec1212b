"""Data flows one way: the runner builds the processed data in its own process before planning, kernels only
read it, and the cache key names the manifest and the raw inputs of the data a run reads.

The kernel tests work on a private copy of data/raw (``CCRESEARCH_RAW``) with processed data and reports in
temporary folders, so a corrected raw figure never touches the project's data.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import re
import shutil
import threading
import time
from pathlib import Path

import pytest

from ccresearch import atomic, fingerprint, paths
from ccresearch.build import loaders, pipeline
from ccresearch.cli import main as cli_main
from ccresearch.errors import InputError, ParameterError
from ccresearch.runner import cache, execute, sweep
from ccresearch.sources.catalog import write_sidecar

FIXTURES = Path(__file__).parent / "fixtures" / "notebooks"
LOADS_DATA = FIXTURES / "loads_data.ipynb"
OK = FIXTURES / "ok.ipynb"


def run_cli(*argv: object) -> tuple[int, str, str]:
    """The command line in this process: exit status, stdout, stderr."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        rc = cli_main([str(a) for a in argv])
    return rc, out.getvalue(), err.getvalue()


@pytest.fixture
def private_data(raw_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    """A copy of data/raw, an empty processed folder and a reports folder, all under tmp_path."""
    processed, reports = tmp_path / "processed", tmp_path / "reports"
    monkeypatch.setenv("CCRESEARCH_RAW", str(raw_copy))
    monkeypatch.setenv("CCRESEARCH_PROCESSED", str(processed))
    monkeypatch.setenv("CCRESEARCH_REPORTS", str(reports))
    monkeypatch.delenv(loaders.READ_ONLY_ENV, raising=False)
    loaders._checked.clear()
    return {"raw": raw_copy, "processed": processed, "reports": reports}


def correct_first_fact(raw: Path) -> tuple[str, str, str, str]:
    """Change the figure of the first fact of the first facts file (a digit up by one), refresh its sidecar.

    Returns (fact_id, old value as written, new value as written, the file's path under data/raw).
    """
    path = sorted((raw / "facts").glob("*.csv"))[0]
    with open(path, encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        fields, rows = list(reader.fieldnames or []), list(reader)
    old = rows[0]["value_text"]
    digit = re.search(r"\d", old)
    assert digit, old
    new = old[: digit.start()] + str((int(digit.group()) + 1) % 10) + old[digit.end() :]
    rows[0]["value_text"] = new
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    write_sidecar(path)
    return rows[0]["fact_id"], old, new, path.relative_to(raw).as_posix()


# --- kernels (slow) ------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_a_corrected_raw_figure_reruns_the_report_with_the_new_value(private_data: dict[str, Path]) -> None:
    raw, processed, reports = private_data["raw"], private_data["processed"], private_data["reports"]
    fact_id = sorted((raw / "facts").glob("*.csv"))[0]
    with open(fact_id, encoding="utf-8", newline="") as handle:
        first = next(csv.DictReader(handle))
    argv = ("run", LOADS_DATA, "-p", "fact_id", first["fact_id"], "--reports-dir", reports)
    rc, out, err = run_cli(*argv)
    assert rc == 0, err
    folder = Path(out.strip().splitlines()[-1]).parent
    assert (processed / "manifest.json").is_file()  # built by this process, before the kernel started
    results = json.loads((folder / "results.json").read_text(encoding="utf-8"))
    assert results["fact"]["value_text"] == first["value_text"]
    run1 = json.loads((folder / "run.json").read_text(encoding="utf-8"))

    fid, old, new, rel = correct_first_fact(raw)
    assert fid == first["fact_id"] and old == first["value_text"] and new != old
    rc, out, err = run_cli(*argv)
    assert rc == 0, err
    assert "cached" not in err  # before the fix: "cached: nothing changed" and the old report
    run2 = json.loads((folder / "run.json").read_text(encoding="utf-8"))
    assert run2["status"] == "ok" and run2["run_id"] != run1["run_id"]
    results = json.loads((folder / "results.json").read_text(encoding="utf-8"))
    assert results["fact"]["value_text"] == new
    # the run names the data it read: the manifest and the sha256 of every raw input
    manifest = json.loads((processed / "manifest.json").read_text(encoding="utf-8"))
    assert run2["data"]["inputs"] == manifest["inputs"]
    assert run2["data"]["inputs"][rel] == fingerprint.sha256_of(raw / rel) != run1["data"]["inputs"][rel]
    assert run2["cache_key"]["raw_inputs"] != run1["cache_key"]["raw_inputs"]
    assert run2["cache_key"]["data_manifest"] == run2["data_manifest"] == run2["data"]["manifest"]
    rc, _, err = run_cli(*argv)  # nothing changed now: cached
    assert rc == 0 and "cached" in err


@pytest.mark.slow
def test_kernels_of_runs_never_build(private_data: dict[str, Path], tmp_path: Path) -> None:
    raw, processed, reports = private_data["raw"], private_data["processed"], private_data["reports"]
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    shutil.copy(LOADS_DATA, notebooks / "01_loads_data.ipynb")
    pipeline.build(raw, processed)
    correct_first_fact(raw)  # the data is now stale
    before = {p.name: p.read_bytes() for p in processed.iterdir()}
    results, _index = sweep.run_all_notebooks(
        notebooks_dir=notebooks, reports_root=reports, jobs=1, build=False, progress=False
    )
    [result] = results
    assert result.status == "failed"
    assert "out of date" in (result.error or "") and loaders.READ_ONLY_ENV in (result.error or "")
    assert {p.name: p.read_bytes() for p in processed.iterdir()} == before  # the kernel wrote nothing
    results, _index = sweep.run_all_notebooks(
        notebooks_dir=notebooks, reports_root=reports, jobs=1, progress=False
    )
    assert [r.status for r in results] == ["ok"]
    assert not pipeline.is_stale(raw, processed)


# --- the parent builds before planning (no kernels) ----------------------------------------------------------


def test_plan_run_builds_first_and_a_raw_change_changes_the_key_and_stops_read_only_loads(
    private_data: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    raw, processed = private_data["raw"], private_data["processed"]
    first = execute.plan_run(OK, {"n": 3})  # builds: the processed folder was empty
    manifest = processed / "manifest.json"
    assert manifest.is_file()
    assert first.cache_key["data_manifest"] == cache.short_hash(manifest.read_bytes(), 16)
    inputs = json.loads(manifest.read_text(encoding="utf-8"))["inputs"]
    assert cache.data_identity()["inputs"] == inputs
    assert first.cache_key["raw_inputs"] == cache.data_identity()["raw_inputs"] != "missing"
    # an earlier successful run of this plan is reusable...
    first.folder.mkdir(parents=True)
    for name in ("report.html", "results.json"):
        (first.folder / name).write_text("{}", encoding="utf-8")
    run = {"status": "ok", "cache_key": first.cache_key}
    (first.folder / "run.json").write_text(json.dumps(run), encoding="utf-8")
    assert execute.cached_result(first) is not None

    fact_id, _old, new, _rel = correct_first_fact(raw)  # ...until a raw figure is corrected
    monkeypatch.setenv(loaders.READ_ONLY_ENV, "1")  # a kernel of a run: stale data is an error, not a build
    before = manifest.read_bytes()
    with pytest.raises(InputError, match="out of date"):
        loaders.load_facts()
    assert manifest.read_bytes() == before
    monkeypatch.delenv(loaders.READ_ONLY_ENV)  # JupyterLab: no variable, the loader builds on first load
    facts = loaders.load_facts()
    assert facts.loc[facts.fact_id == fact_id, "value_text"].iloc[0] == new
    assert execute.cached_result(first) is None  # a plan made before the rebuild is not served as cached
    second = execute.plan_run(OK, {"n": 3})
    assert second.cache_key["raw_inputs"] != first.cache_key["raw_inputs"]
    assert second.cache_key["data_manifest"] != first.cache_key["data_manifest"]
    same = {k for k in first.cache_key if k not in {"raw_inputs", "data_manifest"}}
    assert {k: second.cache_key[k] for k in same} == {k: first.cache_key[k] for k in same}
    monkeypatch.setenv(loaders.READ_ONLY_ENV, "1")  # current again: read-only loads work
    assert len(loaders.load_facts()) == len(facts)


def test_bad_parameter_types_fail_before_any_build(private_data: dict[str, Path]) -> None:
    with pytest.raises(ParameterError, match="'three'"):
        execute.plan_run(OK, {"n": "three"})
    with pytest.raises(ParameterError):
        sweep.plan_sweep(OK, {"n": ["2", "x"]})
    assert not private_data["processed"].exists()


def test_sweep_builds_once_before_planning(processed_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    real = pipeline.ensure_built
    monkeypatch.setattr(pipeline, "ensure_built", lambda *a, **k: calls.append(1) or real(*a, **k))
    plans = sweep.plan_sweep(OK, {"n": ["2", "3"], "style": ["bar", "line"]})
    assert len(plans) == 4 and calls == [1]
    assert {p.cache_key["data_manifest"] for p in plans} == {cache.manifest_hash(processed_dir)}


def test_reports_builds_in_this_process_before_planning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    order: list[str] = []
    monkeypatch.setattr(sweep, "prepare_data", lambda: order.append("build"))
    real_plan = sweep.plan_run
    monkeypatch.setattr(sweep, "plan_run", lambda *a, **k: order.append("plan") or real_plan(*a, **k))
    monkeypatch.setattr(sweep, "run_plans", lambda plans, **k: order.append("run") or [])
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    shutil.copy(OK, notebooks / "01_ok.ipynb")
    shutil.copy(OK, notebooks / "02_ok.ipynb")
    sweep.run_all_notebooks(notebooks_dir=notebooks, reports_root=tmp_path / "r", progress=False)
    assert order == ["build", "plan", "plan", "run"]
    order.clear()
    sweep.run_all_notebooks(notebooks_dir=notebooks, reports_root=tmp_path / "r", build=False, progress=False)
    assert order == ["plan", "plan", "run"]


def test_domains_read_the_data_built_in_the_parent(
    processed_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    notebook = FIXTURES / "region_parameters.ipynb"
    plan = execute.plan_run(notebook, {"start_year": 2011})  # the session's data, built
    assert plan.values["start_year"] == 2011
    with pytest.raises(ParameterError, match="year outside the regional data"):
        execute.plan_run(notebook, {"start_year": 1900})
    monkeypatch.setenv("CCRESEARCH_PROCESSED", str(tmp_path / "not-built"))
    with pytest.raises(ParameterError, match="not been built"):  # no build: a clear error, no guess
        execute.plan_run(notebook, {"start_year": 2011}, build=False)


def test_kernels_are_started_read_only() -> None:
    import inspect

    assert "READ_ONLY_ENV" in inspect.getsource(execute._kernel)
    assert loaders.READ_ONLY_ENV == "CCRESEARCH_READ_ONLY_DATA"


# --- the loaders under CCRESEARCH_READ_ONLY_DATA ---------------------------------------------------------------


def test_read_only_loader_refuses_missing_data_and_writes_nothing(
    private_data: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(loaders.READ_ONLY_ENV, "1")
    with pytest.raises(InputError) as err:
        loaders.load_facts()
    assert "missing" in err.value.problem and "ccresearch build" in (err.value.expected or "")
    assert loaders.READ_ONLY_ENV in str(err.value)
    assert not private_data["processed"].exists()


@pytest.mark.parametrize(("value", "expected"), [("1", True), ("true", True), ("", False), ("0", False)])
def test_read_only_switch(value: str, expected: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(loaders.READ_ONLY_ENV, value)
    assert loaders.read_only() is expected


# --- staleness covers every module; the lock is re-entrant ---------------------------------------------------------


def test_a_new_module_changes_the_library_hash(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    package = tmp_path / "ccresearch"
    shutil.copytree(paths.PACKAGE_DIR, package, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(paths, "PACKAGE_DIR", package)
    fingerprint.library_hash.cache_clear()
    try:
        before = fingerprint.library_hash()
        (package / "analysis" / "new_method.py").write_text('"""A new module."""\n', encoding="utf-8")
        fingerprint.library_hash.cache_clear()
        added = fingerprint.library_hash()
        (package / "analysis" / "new_method.py").rename(package / "analysis" / "renamed.py")
        fingerprint.library_hash.cache_clear()
        renamed = fingerprint.library_hash()
        assert len({before, added, renamed}) == 3
        assert pipeline.code_hash() == renamed
    finally:
        fingerprint.library_hash.cache_clear()


def test_a_new_module_makes_the_build_stale(
    raw_dir: Path, processed_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert not pipeline.is_stale(raw_dir, processed_dir)
    monkeypatch.setattr(pipeline, "code_hash", lambda: "a-library-with-one-more-module")
    assert pipeline.is_stale(raw_dir, processed_dir)


def test_lock_is_reentrant_in_a_thread_and_exclusive_across_threads(tmp_path: Path) -> None:
    target = tmp_path / "out"
    entered = threading.Event()

    def other() -> None:
        with atomic.locked(target):
            entered.set()

    with atomic.locked(target), atomic.locked(target):  # the holder may lock again
        thread = threading.Thread(target=other)
        thread.start()
        time.sleep(0.2)
        assert not entered.is_set()  # another thread waits
    thread.join(timeout=10)
    assert entered.is_set()
    assert (tmp_path / ".out.lock").exists()
