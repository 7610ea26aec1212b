"""Shared fixtures: the raw data folder and a fresh copy of it for tests that break things."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from hypothesis import settings

from ccresearch import paths

# Property tests: no per-example deadline (a busy 2-core machine makes timings noisy). Under CI the examples
# are derandomised, so a run on a fresh clone is repeatable; locally each run explores new examples.
settings.register_profile("dev", deadline=None)
settings.register_profile("ci", deadline=None, derandomize=True, print_blob=True)
settings.load_profile("ci" if os.environ.get("CI") else "dev")


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
    from ccresearch.build.pipeline import build

    out = tmp_path_factory.mktemp("processed") / "processed"
    build(raw_dir, out)
    return out
