"""Load the processed tables as DataFrames, without the caller knowing any path.

Each loader builds the data first when it is missing or stale (cheap when it is up to date), so a
researcher in JupyterLab can simply write::

    import ccresearch
    facts = ccresearch.load_facts()
    jobs = ccresearch.load_regional_jobs()

Data flows one way: the kernels of ``ccresearch run``, ``sweep`` and ``reports`` never build. The runner
brings ``data/processed`` up to date in its own process before it plans, and starts every kernel with
``CCRESEARCH_READ_ONLY_DATA=1``; under that variable a loader that finds the data missing or stale raises
:class:`~ccresearch.errors.InputError` instead of writing ``data/``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from ccresearch import paths
from ccresearch.errors import InputError

if TYPE_CHECKING:
    import pandas as pd

READ_ONLY_ENV = "CCRESEARCH_READ_ONLY_DATA"
_checked: set[tuple[str, int, int]] = set()  # read-only mode: (manifest, mtime, size) found up to date


def read_only() -> bool:
    """Whether this process may only read the processed data (set by the runner for its kernels)."""
    return os.environ.get(READ_ONLY_ENV, "").strip().lower() not in {"", "0", "false", "no"}


def require_current(raw: Path | None = None, out: Path | None = None) -> None:
    """Raise :class:`InputError` unless the processed data exists and is up to date with ``data/raw``.

    Checks once per process for a given manifest (its path, modification time and size).
    """
    from ccresearch.build.pipeline import is_stale, manifest_path

    out = (out or paths.processed_dir()).resolve()
    manifest = manifest_path(out)
    try:
        stat = manifest.stat()
    except OSError:
        stale, key = True, None
    else:
        key = (str(manifest), stat.st_mtime_ns, stat.st_size)
        stale = key not in _checked and is_stale(raw, out)
    if stale:
        problem = "the processed data is missing" if key is None else "the processed data is out of date"
        raise InputError(
            f"{problem} (data/raw changed since the last build, or the library did)"
            if key is not None
            else problem,
            file=out,
            expected=f"`ccresearch build` first ({READ_ONLY_ENV} is set: a notebook run by `ccresearch run`, "
            "`sweep` or `reports` reads the data its parent process built and never builds it; those "
            "commands build first, unless `reports --no-build`)",
        )
    _checked.add(key)  # type: ignore[arg-type]


def _load(name: str, processed: Path | None = None, *, build: bool = True) -> pd.DataFrame:
    import pandas as pd

    if build and processed is None:
        if read_only():
            require_current()
        else:
            from ccresearch.build.pipeline import ensure_built

            ensure_built()
    frame = pd.read_parquet((processed or paths.processed_dir()) / f"{name}.parquet")
    frame.attrs = {}  # a table built before attrs were kept out of the parquet metadata
    return frame


def load_facts(processed: Path | None = None) -> pd.DataFrame:
    """One row per figure per source: entity, measure, the expression as written, its interval, period, region."""
    return _load("facts", processed)


def load_events(processed: Path | None = None) -> pd.DataFrame:
    """Dated events per source (a programme started, an application was submitted), dates as written."""
    return _load("events", processed)


def load_sources(processed: Path | None = None) -> pd.DataFrame:
    """Every source: id, publisher, title, date, address, language, kind."""
    return _load("sources", processed)


def load_conflicts(processed: Path | None = None) -> pd.DataFrame:
    """Pairs of figures that disagree (intervals that do not overlap), and identities that do not add up."""
    return _load("conflicts", processed)


def load_coverage(processed: Path | None = None) -> pd.DataFrame:
    """Which entities have which measures for which years."""
    return _load("coverage", processed)


def load_regional_jobs(processed: Path | None = None) -> pd.DataFrame:
    """Jobs of employees by region, SBI code and year, as absolute counts (CBS x 1 000 multiplied out).

    Columns ``region_code, region_name, region_level, sbi_key, sbi_label, sector, year, jobs, source_table,
    precision``; ``sector`` is ``total``, a section (``N``), a section group (``M-N``) or, nationally, a
    division (``82``). Blank (unpublished) cells are absent rows, counted in the build report.
    """
    return _load("regional_jobs", processed)


def load_regional_births(processed: Path | None = None) -> pd.DataFrame:
    """Establishment births (CBS 83631NED, counts rounded to 5) by region, SBI code and year.

    Columns as :func:`load_regional_jobs` with ``births`` for ``jobs``; sectors ``total`` (from 2015), ``N``
    and the divisions ``77`` ... ``82``. Blank cells are absent rows, counted in the build report.
    """
    return _load("regional_births", processed)


def measure_precision(table: str | pd.DataFrame = "regional_jobs", processed: Path | None = None) -> float:
    """The rounding step of a regional table's figures (``regional_jobs``: 100 jobs; ``regional_births``: 5),
    from its ``precision`` column: the coarsest step of its rows (an InputError when the table has none)."""
    frame = _load(table, processed) if isinstance(table, str) else table
    steps = frame["precision"].dropna().unique() if "precision" in frame.columns else []
    if not len(steps):
        raise InputError(
            "the table has no rounding step",
            field="precision",
            expected="a regional table (regional_jobs, regional_births) with a precision column",
        )
    return float(max(steps))


def load_regions(processed: Path | None = None) -> pd.DataFrame:
    """Every region code with name, level, and its COROP and provincie where known."""
    return _load("regions", processed)


def load_boundaries(processed: Path | None = None) -> pd.DataFrame:
    """Region boundaries for maps (COROP 2024, generalised, RD New metres): region_code, region_name, geometry
    (shapely polygons)."""
    from shapely import wkt

    frame = _load("boundaries", processed)
    return frame.assign(geometry=[wkt.loads(g) for g in frame["geometry_wkt"]]).drop(columns="geometry_wkt")


def load_reference_panel(name: str = "basque") -> pd.DataFrame:
    """A reference panel from ``data/raw/reference`` (``basque``: Abadie & Gardeazabal 2003, long format)."""
    from ccresearch.errors import ParameterError
    from ccresearch.sources.reference import read_basque

    if name != "basque":
        raise ParameterError("unknown reference panel", field="name", value=name, expected="'basque'")
    return read_basque()


def data_summary(processed: Path | None = None) -> dict:
    """The summary of the processed data (years and regions of the regional jobs, counts) from its manifest.

    Empty when the data has not been built; the runner builds it before planning runs.
    """
    import json

    manifest = (processed or paths.processed_dir()) / "manifest.json"
    try:
        return json.loads(manifest.read_text(encoding="utf-8")).get("summary", {})
    except (OSError, ValueError):
        return {}


def load_cbs_status(raw: Path | None = None) -> pd.DataFrame:
    """The status of CBS periods as the sources state it (``data/raw/cbs/status.csv``, checksum verified).

    Columns ``table_id, period, status, source``; ``period`` is the year (int), ``status`` is ``final``,
    ``provisional`` or ``provisional (likely)``. The build's CBS reader does not read this file (it reads
    ``*_wide.csv`` and OData folders only).
    """
    from ccresearch.errors import InputError
    from ccresearch.sources.catalog import verify
    from ccresearch.sources.csvfile import read_csv_checked

    path = (raw or paths.raw_dir()) / "cbs" / "status.csv"
    verify(path)
    columns = ["table_id", "period", "status", "source"]
    frame = read_csv_checked(path, required=columns, allowed=columns)
    statuses = ("final", "provisional", "provisional (likely)")
    for i, row in frame.iterrows():
        if row["status"] not in statuses:
            raise InputError(
                "unknown status",
                file=path,
                row=int(i) + 2,
                field="status",
                value=row["status"],
                expected=" or ".join(statuses),
            )
        if not row["period"].isdigit():
            raise InputError(
                "period is not a year",
                file=path,
                row=int(i) + 2,
                field="period",
                value=row["period"],
                expected="a year such as 2024",
            )
    return frame.assign(period=frame["period"].astype(int))
