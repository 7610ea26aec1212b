"""Load the processed tables as DataFrames, without the caller knowing any path.

Each loader builds the data first when it is missing or stale (cheap when it is up to date), so a
researcher in JupyterLab can simply write::

    import ccresearch
    facts = ccresearch.load_facts()
    jobs = ccresearch.load_regional_jobs()
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ccresearch import paths

if TYPE_CHECKING:
    import pandas as pd


def _load(name: str, processed: Path | None = None, *, build: bool = True) -> pd.DataFrame:
    import pandas as pd

    from ccresearch.build.pipeline import ensure_built

    if build and processed is None:
        ensure_built()
    return pd.read_parquet((processed or paths.processed_dir()) / f"{name}.parquet")


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
    """Jobs of employees by region, SBI section and year, as absolute counts (CBS x 1 000 multiplied out)."""
    return _load("regional_jobs", processed)


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

