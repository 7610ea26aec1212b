"""Atomic writes: a file or a folder appears complete or not at all; one lock per output.

Every writer of outputs (the build, the runner, the CBS download, the index) goes through these helpers, so a
crash or a failing step never leaves a half-written file or folder where a reader looks.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import secrets
import shutil
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path


def write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder and a rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def write_text(path: Path, text: str, encoding: str = "utf-8") -> None:
    """Write ``text`` to ``path`` atomically (see :func:`write_bytes`)."""
    write_bytes(path, text.encode(encoding))


def replace_dir(src: Path, dst: Path, *, attempts: int = 5) -> None:
    """Move the finished folder ``src`` to ``dst``, replacing ``dst`` if it exists.

    ``dst`` is renamed aside first and removed only after ``src`` is in place; if the move fails the old folder
    is put back. A concurrent writer that swaps in between makes this try again (up to ``attempts`` times).
    """
    src, dst = Path(src), Path(dst)
    dst.parent.mkdir(parents=True, exist_ok=True)
    for _ in range(attempts):
        old = None
        if dst.exists():
            old = dst.parent / f".old-{dst.name}-{secrets.token_hex(4)}"
            try:
                os.rename(dst, old)
            except FileNotFoundError:
                old = None
        try:
            os.rename(src, dst)
        except OSError:
            if old is not None and not dst.exists():
                os.rename(old, dst)
            continue
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
        return
    raise OSError(f"could not move {src} to {dst}")


@contextlib.contextmanager
def staging_dir(parent: Path, prefix: str) -> Iterator[Path]:
    """A new hidden temporary folder under ``parent`` (removed on exit unless it was moved away)."""
    parent = Path(parent)
    parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{prefix}.", dir=parent))
    try:
        yield tmp
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


_HELD: dict[tuple[str, int], int] = {}  # (lock file, thread) -> depth: locked() is re-entrant per thread


@contextlib.contextmanager
def locked(target: Path) -> Iterator[None]:
    """Hold an exclusive lock for ``target`` (a hidden ``.NAME.lock`` file beside it) while the block runs.

    Other processes (and other threads) wait; the thread that holds the lock may take it again, so a function
    that locks can call another that locks the same target.
    """
    target = Path(target)
    lock_file = target.parent / f".{target.name}.lock"
    key = (str(lock_file), threading.get_ident())
    if _HELD.get(key):
        _HELD[key] += 1
        try:
            yield
        finally:
            _HELD[key] -= 1
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_file, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        _HELD[key] = 1
        try:
            yield
        finally:
            del _HELD[key]
            fcntl.flock(handle, fcntl.LOCK_UN)
