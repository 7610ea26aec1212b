"""Every location the project uses, anchored on the package, never on the working directory.

Environment variables override the defaults, so that tests and analysts can point the library at another
raw folder, processed folder or reports folder without touching code:

- ``CCRESEARCH_RAW``: raw inputs (default ``<repo>/data/raw``)
- ``CCRESEARCH_PROCESSED``: processed outputs (default ``<repo>/data/processed``)
- ``CCRESEARCH_REPORTS``: reports (default ``<repo>/reports``)
- ``CCRESEARCH_SHARED``: the shared reference folder beside the checkout (default ``<repo>/../shared``)
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
ROOT = PACKAGE_DIR.parent
NOTEBOOKS = ROOT / "notebooks"


def _env_path(name: str, default: Path) -> Path:
    value = os.environ.get(name)
    return Path(value).resolve() if value else default


def raw_dir() -> Path:
    """Folder of the immutable raw inputs."""
    return _env_path("CCRESEARCH_RAW", ROOT / "data" / "raw")


def processed_dir() -> Path:
    """Folder of the generated tables (parquet, csv, manifest.json)."""
    return _env_path("CCRESEARCH_PROCESSED", ROOT / "data" / "processed")


def reports_dir() -> Path:
    """Folder of the generated reports (one sub-folder per notebook and parameter set)."""
    return _env_path("CCRESEARCH_REPORTS", ROOT / "reports")


def shared_dir() -> Path:
    """The shared reference folder that sits beside the checkout."""
    return _env_path("CCRESEARCH_SHARED", ROOT.parent / "shared")


def notebooks_dir() -> Path:
    """Folder of the project's notebooks."""
    return NOTEBOOKS
