"""Many runs: a grid of parameter values (``ccresearch sweep``) and every notebook (``ccresearch reports``).

Every combination is validated before the first run starts. The processed data is brought up to date in this
process before planning (the kernels only read it; see :func:`~ccresearch.runner.execute.plan_run`). Cached
runs are settled in this process; the rest run in parallel worker processes (each its own kernel, temporary
folder and working directory), or on a Dask distributed cluster when a scheduler address is given.
"""

from __future__ import annotations

import itertools
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ccresearch import paths
from ccresearch.errors import ParameterError
from ccresearch.runner.domains import check_value
from ccresearch.runner.execute import RunPlan, RunResult, cached_result, execute_dict, plan_run, prepare_data
from ccresearch.runner.params import coerce, read_schema

NOTEBOOK_PATTERN = "[0-9]*.ipynb"


def parse_grid(specs: Sequence[str]) -> dict[str, list[str]]:
    """``["n=1,2", "region=CR01,CR02"]`` -> ``{"n": ["1", "2"], ...}`` (a repeated name adds values)."""
    grid: dict[str, list[str]] = {}
    for spec in specs:
        name, sep, values = spec.partition("=")
        name = name.strip()
        if not sep or not name or not values.strip():
            raise ParameterError(
                "grid must be NAME=V1,V2,...",
                field="--grid",
                value=spec,
                expected="e.g. --grid region=CR01,CR39",
            )
        grid.setdefault(name, []).extend(v.strip() for v in values.split(",") if v.strip())
    return grid


def plan_sweep(
    notebook: str | Path,
    grid: Mapping[str, Sequence[Any]],
    given: Mapping[str, Any] | None = None,
    *,
    reports_root: str | Path | None = None,
    build: bool = True,
) -> list[RunPlan]:
    """One validated plan per combination of grid values (duplicates after normalisation dropped).

    Every grid value is checked (name and type; then, after the processed data is brought up to date in
    this process when ``build``, its domain) and then every combination (cross-parameter rules) before
    anything runs; the first problem raises :class:`ParameterError`.
    """
    schema = read_schema(notebook)
    given = dict(given or {})
    coerced: list[tuple[str, Any]] = []
    for name, values in grid.items():  # each value on its own first: the clearest message
        param = schema.get(name)
        if name in given:
            raise ParameterError(
                "set both with -p and --grid", field=name, value=given[name], expected="one of the two"
            )
        for raw in values:
            if param.type.kind == "list[str]" and isinstance(raw, str):
                raw = raw.replace("+", ",")
            coerced.append((name, coerce(param, raw, file=schema.notebook)))
    if build:
        prepare_data()  # once, before any domain check or cache key
    for name, value in coerced:
        check_value(name, value, file=schema.notebook)
    names = list(grid)
    plans: list[RunPlan] = []
    seen: set[str] = set()
    for combo in itertools.product(*(grid[n] for n in names)):
        values = dict(given)
        for name, raw in zip(names, combo, strict=True):
            is_list = schema.get(name).type.kind == "list[str]"
            values[name] = raw.replace("+", ",") if is_list and isinstance(raw, str) else raw
        plan = plan_run(notebook, values, reports_root=reports_root, build=False)
        if plan.slug not in seen:
            seen.add(plan.slug)
            plans.append(plan)
    return plans


def _failed(plan: RunPlan, error: str) -> RunResult:
    return RunResult(plan.stem, plan.slug, plan.values, "failed", str(plan.failed_folder), error=error)


def run_plans(
    plans: Sequence[RunPlan],
    *,
    jobs: int = 2,
    force: bool = False,
    scheduler: str | None = None,
    timeout: float | None = None,
    progress: bool = True,
    build: bool = True,
) -> list[RunResult]:
    """Execute the plans (cached ones are reused unless ``force``); results in the order of ``plans``.

    With ``build`` the processed data is first brought up to date in this process (a no-op when the plans
    were just made); a rebuild since planning changes the data part of each cache key, so nothing stale
    is served as cached.
    """
    from tqdm import tqdm

    if build and plans:
        prepare_data()
    results: list[RunResult | None] = [None if force else cached_result(p) for p in plans]
    todo = [i for i, r in enumerate(results) if r is None]
    bar = tqdm(
        total=len(plans), initial=len(plans) - len(todo), unit="run", file=sys.stderr,
        disable=not progress or not plans, desc="runs",
    )  # fmt: skip

    def done(i: int, outcome: dict[str, Any] | BaseException) -> None:
        if isinstance(outcome, BaseException):
            results[i] = _failed(
                plans[i], f"{plans[i].stem}: run crashed: {type(outcome).__name__}: {outcome}"
            )
        else:
            results[i] = RunResult(**outcome)
        bar.set_postfix_str(f"{plans[i].stem} [{plans[i].slug}] {results[i].status}", refresh=False)
        bar.update(1)

    try:
        if not todo:
            pass
        elif scheduler:
            _run_dask(scheduler, plans, todo, done, force=force, timeout=timeout)
        elif jobs <= 1 or len(todo) == 1:
            for i in todo:
                try:
                    done(i, execute_dict(plans[i], force, timeout))
                except Exception as exc:
                    done(i, exc)
        else:
            _run_processes(plans, todo, done, jobs=jobs, force=force, timeout=timeout)
    finally:
        bar.close()
    return [r for r in results if r is not None]


def _run_processes(plans: Sequence[RunPlan], todo: list[int], done: Any, *, jobs: int, force: bool,
                   timeout: float | None) -> None:  # fmt: skip
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    # fresh interpreters, not forks: forking a process that has threads (a notebook server, a browser
    # driver, the exporter warm-up) can copy a held lock into the child and hang it
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=min(jobs, len(todo)), mp_context=context) as pool:
        futures = {pool.submit(execute_dict, plans[i], force, timeout): i for i in todo}
        for future in as_completed(futures):
            exc = future.exception()
            done(futures[future], exc if exc is not None else future.result())


def _run_dask(address: str, plans: Sequence[RunPlan], todo: list[int], done: Any, *, force: bool,
              timeout: float | None) -> None:  # fmt: skip
    from dask.distributed import Client, as_completed

    with Client(address, timeout=30) as client:
        futures = {client.submit(execute_dict, plans[i], force, timeout, pure=False): i for i in todo}
        for future in as_completed(futures):
            i = futures[future]
            if future.status == "error":
                done(i, future.exception())
            else:
                done(i, future.result())


def format_runs(results: Sequence[RunResult]) -> str:
    """A plain-text table of runs: notebook, parameters (slug), status, duration, headline numbers."""
    rows = [("notebook", "parameters", "status", "seconds", "headline")]
    for r in results:
        head = ", ".join(f"{k}={_short(v)}" for k, v in r.headline.items())
        rows.append((r.notebook, r.slug, r.status, f"{r.duration_s:.1f}", head or (r.error or "")[:60]))
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = ["  ".join(row[i].ljust(widths[i]) for i in range(4)) + "  " + row[4] for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths) + "  --------")
    ok = sum(r.status == "ok" for r in results)
    cached = sum(r.status == "cached" for r in results)
    failed = sum(r.status == "failed" for r in results)
    lines.append(f"{len(results)} runs: {ok} ran, {cached} cached, {failed} failed")
    return "\n".join(line.rstrip() for line in lines)


def _short(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def notebooks_to_run(notebooks_dir: str | Path | None = None) -> list[Path]:
    """The project's analyses: ``[0-9]*.ipynb`` in the notebooks folder, sorted."""
    folder = Path(notebooks_dir) if notebooks_dir is not None else paths.notebooks_dir()
    return sorted(folder.glob(NOTEBOOK_PATTERN))


def report_languages(notebook: Path) -> list[dict[str, Any]]:
    """The parameter sets ``reports`` runs for a notebook: its defaults, once per choice of its ``language``
    parameter (the default language first), or just the defaults when it has none."""
    schema = read_schema(notebook)
    param = next((p for p in schema.parameters if p.name == "language"), None)
    if param is None or param.type.kind != "literal":
        return [{}]
    others = [c for c in param.type.choices if c != param.default]
    return [{}, *({"language": c} for c in others)]


def run_all_notebooks(
    *,
    notebooks_dir: str | Path | None = None,
    reports_root: str | Path | None = None,
    jobs: int = 2,
    force: bool = False,
    build: bool = True,
    timeout: float | None = None,
    progress: bool = True,
    pdf: bool = False,
) -> tuple[list[RunResult], Path]:
    """``ccresearch reports``: build the data if stale, run every notebook with its defaults (in every report
    language the notebook offers), write the index pages. ``pdf`` prints each report to PDF too.

    Returns the runs and the path of ``index.html``.
    """
    from ccresearch.runner.index import write_index

    if build:
        prepare_data()  # in this process, before planning: the kernels only read the data
    root = Path(reports_root).resolve() if reports_root is not None else paths.reports_dir()
    plans: list[RunPlan] = []
    bad: list[RunResult] = []
    for notebook in notebooks_to_run(notebooks_dir):
        for given in report_languages(notebook):
            try:
                plan = plan_run(notebook, given, reports_root=root, build=False)
            except ParameterError as exc:  # a notebook whose defaults are invalid: report it, run the others
                bad.append(
                    RunResult(
                        notebook.stem, "default", {}, "failed", str(root / notebook.stem), error=str(exc)
                    )
                )
                continue
            plan.pdf = pdf
            plans.append(plan)
    results = run_plans(plans, jobs=jobs, force=force, timeout=timeout, progress=progress, build=False) + bad
    return results, write_index(root)
