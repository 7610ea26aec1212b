"""Content hashes: of one file, and of the whole library's source (what decides whether outputs are stale)."""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

from ccresearch import paths
from ccresearch._version import __version__


def sha256_of(path: Path) -> str:
    """Hex sha256 of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@functools.lru_cache(maxsize=1)
def library_hash() -> str:
    """sha256 (16 hex digits) of every source file of the package (modules and the message catalogues).

    No list of modules: a module added, split or renamed changes the hash like any edit does.
    """
    digest = hashlib.sha256(__version__.encode())
    for path in sorted(paths.PACKAGE_DIR.rglob("*")):
        if path.suffix not in {".py", ".yaml", ".yml", ".css", ".j2"} or "__pycache__" in path.parts:
            continue
        digest.update(path.relative_to(paths.PACKAGE_DIR).as_posix().encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]
