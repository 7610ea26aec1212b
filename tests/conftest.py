"""Shared fixtures: the raw data folder and a fresh copy of it for tests that break things."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ccresearch import paths


@pytest.fixture(scope="session")
def raw_dir() -> Path:
    """The project's real raw folder (read-only in tests)."""
    return paths.raw_dir()


@pytest.fixture
def raw_copy(tmp_path: Path, raw_dir: Path) -> Path:
    """A private copy of data/raw that a test may damage."""
    target = tmp_path / "raw"
    shutil.copytree(raw_dir, target)
    return target


@pytest.fixture(scope="session")
def processed_dir(tmp_path_factory: pytest.TempPathFactory, raw_dir: Path) -> Path:
    """Processed data built once per test session into a temporary folder."""
    from ccresearch.build import build

    out = tmp_path_factory.mktemp("processed") / "processed"
    build(raw_dir, out)
    return out
