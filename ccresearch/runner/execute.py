"""One notebook run: validate parameters -> papermill (fresh kernel) -> HTML + results.json + run.json.

Each run gets its own folder ``reports/<notebook-stem>/<parameter-slug>/``. The notebook executes into a
temporary folder beside the target, with its own working directory for the kernel; only when every cell
succeeded is the temporary folder swapped in, so a failing run leaves the last good report untouched and
keeps its partial notebook in ``reports/_failed/<stem>/<slug>/notebook.failed.ipynb``.

:func:`plan_run` is cheap (no pandas, papermill or nbconvert): bad parameters fail there, before any kernel.

Data flows one way: :func:`plan_run` brings the processed data up to date in this process (a build when it is
missing or stale) before it computes the cache key, so the key and ``run.json`` name the manifest, and the raw
inputs, of the data the run reads. Kernels start with ``CCRESEARCH_READ_ONLY_DATA=1`` and never build.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import functools
import json
import os
import platform
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ccresearch import atomic, paths
from ccresearch._version import __version__
from ccresearch.build.loaders import READ_ONLY_ENV
from ccresearch.runner import cache
from ccresearch.runner.params import load_notebook_json, overrides, read_schema, resolve_values
from ccresearch.runner.results import headline

KERNEL_NAME = "python3"
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"
FAILED_DIR = "_failed"
RUN_FILES = ("report.html", "notebook.ipynb", "results.json", "run.json")
VERSION_PACKAGES = (
    "numpy", "pandas", "scipy", "statsmodels", "matplotlib", "seaborn", "pysyncon",
    "papermill", "nbconvert", "nbclient", "ipykernel",
)  # fmt: skip


@dataclass
class RunPlan:
    """A validated run, ready to execute anywhere that sees the same files (picklable)."""

    notebook: Path
    stem: str
    values: dict[str, Any]
    overrides: dict[str, Any]
    slug: str
    reports_root: Path
    cache_key: dict[str, str] = field(default_factory=dict)
    pdf: bool = False  # also print report.pdf beside report.html

    @property
    def folder(self) -> Path:
        """The run's folder: reports/<stem>/<slug>."""
        return self.reports_root / self.stem / self.slug

    @property
    def failed_folder(self) -> Path:
        """Where the partial notebook of a failed run is kept."""
        return self.reports_root / FAILED_DIR / self.stem / self.slug


@dataclass
class RunResult:
    """What happened to one run: status ``ok``, ``cached`` or ``failed``."""

    notebook: str
    slug: str
    parameters: dict[str, Any]
    status: str
    folder: str
    report: str | None = None
    duration_s: float = 0.0
    headline: dict[str, Any] = field(default_factory=dict)
    error: str | None = None
    run_id: str = ""

    def as_dict(self) -> dict[str, Any]:
        """Plain dictionary (JSON-ready)."""
        return asdict(self)


class RunFailed(Exception):
    """A cell failed: the message names the cell (index and first line) and the error."""


def plan_run(
    notebook: str | Path,
    given: Mapping[str, Any] | None = None,
    *,
    reports_root: str | Path | None = None,
    check_domains: bool = True,
    build: bool = True,
) -> RunPlan:
    """Validate ``given`` against the notebook's parameters and work out the run's folder and cache key.

    Names and types are checked first; then (``build``) the processed data is brought up to date in this
    process (:func:`prepare_data`); then the values are checked against their domains, which read the data.
    Raises :class:`~ccresearch.errors.ParameterError` for unknown names, wrong types or values outside
    their domain (before any build for the first two). Imports nothing heavy when the data is current.
    """
    notebook = Path(notebook).resolve()
    schema = read_schema(notebook)
    values = resolve_values(schema, dict(given or {}), check_domains=False)
    if build:
        prepare_data()
    if check_domains:
        values = resolve_values(schema, dict(given or {}), check_domains=True)
    changed = overrides(schema, values)
    root = Path(reports_root).resolve() if reports_root is not None else paths.reports_dir()
    plan = RunPlan(notebook, notebook.stem, values, changed, cache.make_slug(changed), root)
    plan.cache_key = cache.cache_key(load_notebook_json(notebook), values)
    return plan


def prepare_data() -> Any:
    """Bring the processed data up to date in this process (build when missing or stale; locked).

    Called before planning by :func:`plan_run`, :func:`~ccresearch.runner.sweep.plan_sweep` and
    :func:`~ccresearch.runner.sweep.run_all_notebooks`; returns the build report, or None when up to date.
    """
    from ccresearch.build.pipeline import ensure_built

    return ensure_built()


def current_key(plan: RunPlan) -> dict[str, str]:
    """The plan's cache key with its data parts read now (the data may have been rebuilt since planning)."""
    return {**plan.cache_key, **cache.data_key()}


def cached_result(plan: RunPlan) -> RunResult | None:
    """The earlier run for this plan if it can be reused (same cache key, succeeded), else None."""
    if plan.pdf and not (plan.folder / "report.pdf").is_file():
        return None  # asked for a PDF the earlier run did not print
    run = cache.cached_run(plan.folder, current_key(plan))
    if run is None:
        return None
    return RunResult(
        notebook=plan.stem,
        slug=plan.slug,
        parameters=plan.values,
        status="cached",
        folder=str(plan.folder),
        report=str(plan.folder / "report.html"),
        duration_s=float(run.get("duration_s", 0.0)),
        headline=run.get("headline", {}),
        run_id=run.get("run_id", ""),
    )


def _utc_now() -> _dt.datetime:
    return _dt.datetime.now(_dt.UTC)


def _iso(moment: _dt.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def git_state() -> dict[str, Any]:
    """Commit of the checkout and whether tracked files have uncommitted changes (``unknown`` outside git)."""

    def git(*args: str) -> str | None:
        try:
            done = subprocess.run(
                ["git", "-C", str(paths.ROOT), *args], capture_output=True, text=True, timeout=10, check=False
            )
        except (OSError, subprocess.TimeoutExpired):
            return None
        return done.stdout.strip() if done.returncode == 0 else None

    commit = git("rev-parse", "HEAD")
    status = git("status", "--porcelain", "--untracked-files=no")
    return {"commit": commit or "none", "dirty": bool(status) if status is not None else None}


@functools.lru_cache(maxsize=1)
def package_versions() -> dict[str, str]:
    """Versions of Python, ccresearch and the packages a report depends on."""
    from importlib import metadata

    out = {"python": platform.python_version(), "ccresearch": __version__}
    for name in VERSION_PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return out


def _display_path(path: Path) -> str:
    try:
        return path.relative_to(paths.ROOT).as_posix()
    except ValueError:
        return path.name


def _import_papermill() -> Any:
    import logging

    # papermill infers parameter names itself and warns about Literal / X | None ones; we validated already
    logging.getLogger("papermill").setLevel(logging.ERROR)
    # jsonschema builds an IRI grammar with lark when the optional ``rfc3987_syntax`` is installed, which
    # costs ~1.5 s on every start; notebook validation never uses those formats, so skip that import.
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]
    import papermill

    return papermill


def _cell_message(exc: Any, nb_path: Path, plan: RunPlan) -> str:
    """``cell 4 ('x = load(...)'): ValueError: ...`` with the index in the original notebook."""
    index = getattr(exc, "cell_index", None)
    source = getattr(exc, "source", "") or ""
    original = load_notebook_json(plan.notebook).get("cells", [])
    cell_id = None
    for i, cell in enumerate(original):  # map back to the notebook as written (no injected cell)
        text = cell.get("source", "")
        if ("".join(text) if isinstance(text, list) else text) == source:
            index, cell_id = i, cell.get("id")
            break
    first = next((line.strip() for line in source.splitlines() if line.strip()), "")
    if len(first) > 80:
        first = first[:77] + "..."
    error = f"{getattr(exc, 'ename', type(exc).__name__)}: {getattr(exc, 'evalue', exc)}"
    named = f"cell {index}, id {cell_id}" if cell_id else f"cell {index}"
    return f"{plan.stem}: {named} ({first!r}) failed: {error}"


@contextlib.contextmanager
def _kernel(workdir: str) -> Iterator[Any]:
    """A fresh ``python3`` kernel of this interpreter, started now, shut down on exit.

    - working directory: ``workdir`` (one per run, so parallel runs never share one);
    - IPC transport (local sockets; nothing listens on a network port);
    - the inline matplotlib backend whatever the machine sets: ``MPLBACKEND=Agg``, common in CI, would
      silently drop every figure from the report;
    - ``CCRESEARCH_READ_ONLY_DATA=1``: the loaders read the data this process built and never build it.
    """
    from jupyter_client.manager import KernelManager

    km = KernelManager(kernel_name=KERNEL_NAME, transport="ipc")
    km.ip = str(Path(workdir) / "kernel")  # the IPC socket files live in the run's own folder
    env = {**os.environ, "MPLBACKEND": INLINE_BACKEND, READ_ONLY_ENV: "1"}
    try:
        km.start_kernel(cwd=workdir, env=env)
    except Exception as exc:  # no such kernelspec, interpreter missing...
        raise RunFailed(f"kernel {KERNEL_NAME!r} did not start: {type(exc).__name__}: {exc}") from exc
    try:
        yield km
    finally:
        with contextlib.suppress(Exception):
            km.shutdown_kernel(now=True)


def _warm_exporter() -> None:
    from ccresearch.runner.export import warm

    with contextlib.suppress(Exception):  # a problem here shows up again, loudly, at export time
        warm()


@functools.lru_cache(maxsize=1)
def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _write_json(path: Path, data: Any) -> None:
    atomic.write_text(path, json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def execute(plan: RunPlan, *, force: bool = False, timeout: float | None = None) -> RunResult:
    """Run the plan (or reuse the cached run unless ``force``); never raises for a failing notebook.

    A failed run returns status ``failed`` with ``error`` naming the cell; the previous report stays.
    The data is not built here (the planner did that); the kernel refuses data that is missing or stale.
    """
    data = cache.data_identity()
    key = {**plan.cache_key, "data_manifest": data["manifest"], "raw_inputs": data["raw_inputs"]}
    if not force:
        hit = cached_result(plan)
        if hit is not None:
            return hit
    run_id = f"{_utc_now():%Y%m%dT%H%M%SZ}-{secrets.token_hex(3)}"
    stem_dir = plan.reports_root / plan.stem
    start = _utc_now()
    t0 = time.perf_counter()
    run: dict[str, Any] = {
        "run_id": run_id,
        "notebook": _display_path(plan.notebook),
        "stem": plan.stem,
        "slug": plan.slug,
        "parameters": plan.values,
        "overrides": plan.overrides,
        "status": "running",
        "kernel": KERNEL_NAME,
    }
    data_record = {
        "manifest": data["manifest"],
        "raw_inputs": data["raw_inputs"],
        "processed": _display_path(paths.processed_dir()),
        "inputs": data["inputs"],
    }
    try:
        with atomic.staging_dir(stem_dir, f"tmp-{plan.slug}") as tmp:
            return _execute_in(plan, tmp, run, data_record, key, start, t0, timeout)
    finally:
        with contextlib.suppress(OSError):  # a first run that failed leaves no empty folder behind
            stem_dir.rmdir()


def _execute_in(
    plan: RunPlan,
    tmp: Path,
    run: dict[str, Any],
    data: dict[str, Any],
    key: dict[str, str],
    start: _dt.datetime,
    t0: float,
    timeout: float | None,
) -> RunResult:
    """Execute into the staging folder ``tmp``; swap it in on success, keep the partial notebook if not."""
    stem_dir = plan.reports_root / plan.stem
    out_nb = tmp / "notebook.ipynb"
    os.chmod(tmp, 0o777 & ~_umask())
    try:
        with tempfile.TemporaryDirectory(prefix="ccresearch-cwd-") as workdir, _kernel(workdir) as km:
            # while the kernel boots: import papermill here and warm the HTML exporter in a thread
            warm = threading.Thread(target=_warm_exporter, name="ccresearch-warm-exporter", daemon=True)
            warm.start()
            pm = _import_papermill()
            try:
                nb = pm.execute_notebook(
                    str(plan.notebook),
                    str(out_nb),
                    parameters=plan.values if plan.values else None,
                    kernel_name=KERNEL_NAME,
                    km=km,
                    cwd=workdir,
                    progress_bar=False,
                    log_output=False,
                    request_save_on_cell_execute=False,
                    execution_timeout=timeout,
                )
            except pm.PapermillExecutionError as exc:
                raise RunFailed(_cell_message(exc, out_nb, plan)) from exc
            except Exception as exc:  # kernel died, timeout, unreadable notebook...
                raise RunFailed(f"{plan.stem}: run failed: {type(exc).__name__}: {exc}") from exc
        warm.join()
        from ccresearch.runner.export import collect_results, export

        results = collect_results(nb)
        end = _utc_now()
        run.update(
            status="ok",
            cache_key=key,
            data_manifest=key["data_manifest"],
            data=data,
            git=git_state(),
            versions=package_versions(),
            start=_iso(start),
            end=_iso(end),
            duration_s=round(time.perf_counter() - t0, 3),
            headline=headline(results),
        )
        title = plan.stem if plan.slug == "default" else f"{plan.stem} ({plan.slug})"
        page = export(nb, run, title=title)
        if page.report is not None:
            run["report"] = page.report
        for rel, data in page.files.items():
            (tmp / rel).parent.mkdir(parents=True, exist_ok=True)
            (tmp / rel).write_bytes(data)
        (tmp / "report.html").write_text(page.html, encoding="utf-8")
        if plan.pdf:
            from ccresearch.runner.pdf import write_pdf

            try:
                write_pdf(tmp / "report.html", tmp / "report.pdf")
            except (RuntimeError, OSError, subprocess.TimeoutExpired) as exc:
                raise RunFailed(f"{plan.stem}: the PDF could not be printed: {exc}") from exc
        _write_json(tmp / "results.json", results)
        _write_json(tmp / "run.json", run)
        atomic.replace_dir(tmp, plan.folder)
        shutil.rmtree(plan.failed_folder, ignore_errors=True)
        return RunResult(
            notebook=plan.stem,
            slug=plan.slug,
            parameters=plan.values,
            status="ok",
            folder=str(plan.folder),
            report=str(plan.folder / "report.html"),
            duration_s=run["duration_s"],
            headline=run["headline"],
            run_id=run["run_id"],
        )
    except RunFailed as exc:
        end = _utc_now()
        run.update(
            status="failed",
            error=str(exc),
            git=git_state(),
            versions=package_versions(),
            data_manifest=key.get("data_manifest", "unknown"),
            data=data,
            start=_iso(start),
            end=_iso(end),
            duration_s=round(time.perf_counter() - t0, 3),
        )
        with atomic.staging_dir(stem_dir, f"failed-{plan.slug}") as failed:
            os.chmod(failed, 0o777 & ~_umask())
            if out_nb.exists():
                os.replace(out_nb, failed / "notebook.failed.ipynb")
            _write_json(failed / "run.json", run)
            atomic.replace_dir(failed, plan.failed_folder)
        return RunResult(
            notebook=plan.stem,
            slug=plan.slug,
            parameters=plan.values,
            status="failed",
            folder=str(plan.failed_folder),
            duration_s=run["duration_s"],
            error=str(exc),
            run_id=run["run_id"],
        )


def execute_dict(plan: RunPlan, force: bool = False, timeout: float | None = None) -> dict[str, Any]:
    """:func:`execute` returning a plain dictionary (for process pools and Dask workers)."""
    return execute(plan, force=force, timeout=timeout).as_dict()
