"""Shared fixtures (the raw data folder, a copy of it to break, processed data in a temporary folder) and the
guard of the fast test profile.

Profiles: ``make test`` runs everything; ``make test-fast`` (``pytest -m "not slow"``) leaves out every test
marked ``@pytest.mark.slow``. A test that starts a notebook kernel, a JupyterLab or other server, a browser or
a pysyncon fit must carry that mark: the guard below fails any unmarked test that does, so the fast profile
stays fast.
"""

from __future__ import annotations

import functools
import importlib.abc
import os
import shutil
import socket
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

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


@pytest.fixture(scope="session", autouse=True)
def session_processed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Tests never write the checkout's ``data/processed``: ``CCRESEARCH_PROCESSED`` points at a temporary folder
    for the whole session (kernels inherit it). Nothing is built until something asks for the data."""
    out = tmp_path_factory.mktemp("data") / "processed"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CCRESEARCH_PROCESSED", str(out))
        yield out


@pytest.fixture(scope="session")
def processed_dir(session_processed: Path, raw_dir: Path) -> Path:
    """Processed data built once per test session into the session's temporary folder."""
    from ccresearch.build.pipeline import ensure_built

    ensure_built(raw_dir, session_processed)
    return session_processed


# --- the guard of the fast profile ---------------------------------------------------------------------------

SLOW_HINT = (
    "mark it @pytest.mark.slow (the fast profile, make test-fast, runs no kernels, servers or browsers)"
)
_HEAVY_PROGRAMS = ("chromium", "chrome", "jupyter", "ipykernel", "playwright")
_KERNEL_COMMANDS = {"run", "sweep", "reports"}  # `python -m ccresearch run ...` starts kernels
_state: dict[str, Any] = {"test": None, "slow": True, "seen": [], "reported": False}


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """Before any fixture of the test is set up (module fixtures too): may this test do heavy work?"""
    _state.update(test=item.nodeid, slow=item.get_closest_marker("slow") is not None, seen=[], reported=False)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """Note when the guard's failure already failed the test (so the fixture below does not report it twice)."""
    report = yield
    if report.failed and call.excinfo is not None and SLOW_HINT in str(call.excinfo.value):
        _state["reported"] = True
    return report


@pytest.fixture(autouse=True)
def fast_profile_guard(request: pytest.FixtureRequest) -> Iterator[None]:
    """Fail a test not marked slow that started a kernel, a server, a browser or a pysyncon fit, even when
    the code under test caught the guard's exception (the patches are installed once, at import)."""
    yield
    seen = list(_state["seen"])
    _state["seen"].clear()
    if seen and not _state["reported"]:
        pytest.fail(f"{request.node.nodeid}: {seen[0]}; {SLOW_HINT}", pytrace=False)


def _forbid(what: str) -> None:
    """Called by every guarded entry point: fail unless the running test is marked slow."""
    if _state["slow"] or _state["test"] is None:
        return
    message = f"a test not marked slow {what}"
    _state["seen"].append(message)
    pytest.fail(f"{_state['test']}: {message}; {SLOW_HINT}", pytrace=False)


def _guarded(original: Callable[..., Any], what: str | Callable[..., str | None]) -> Callable[..., Any]:
    @functools.wraps(original)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        reason = what(*args, **kwargs) if callable(what) else what
        if reason:
            _forbid(reason)
        return original(*args, **kwargs)

    wrapper.__ccresearch_guard__ = True  # type: ignore[attr-defined]
    return wrapper


def heavy_command(args: Any) -> str | None:
    """Why running the command ``args`` is heavy work (a browser, JupyterLab, a kernel, a runner command)."""
    if isinstance(args, str | bytes | os.PathLike):
        words = os.fsdecode(args).split() if isinstance(args, str | bytes) else [os.fsdecode(args)]
    else:
        words = [os.fsdecode(a) for a in args]
    if not words:
        return None
    programs = [Path(words[0]).name]
    modules = [words[i + 1] for i in range(len(words) - 1) if words[i] == "-m"]
    for program in _HEAVY_PROGRAMS:
        if any(program in name for name in programs + modules):
            return f"starts a subprocess of {program} ({' '.join(words)[:120]})"
    for i, word in enumerate(words[:-2]):
        if word == "-m" and words[i + 1] == "ccresearch" and words[i + 2] in _KERNEL_COMMANDS:
            return f"runs `ccresearch {words[i + 2]}` in a subprocess (notebook kernels)"
    return None


def _popen_reason(_self: Any, *args: Any, **kwargs: Any) -> str | None:
    command = args[0] if args else kwargs.get("args")
    return heavy_command(command) if command is not None else None


def _listen_reason(sock: socket.socket, *_: Any) -> str | None:
    # listen, not bind: libraries bind a socket to probe for IPv6 (urllib3 does at import); servers listen
    if sock.family in (socket.AF_INET, socket.AF_INET6):
        return f"starts a server (listens on {sock.getsockname()!r})"
    return None


def _patch(owner: Any, name: str, what: str | Callable[..., str | None]) -> None:
    original = getattr(owner, name, None)
    if original is None or getattr(original, "__ccresearch_guard__", False):
        return
    setattr(owner, name, _guarded(original, what))


def _patch_kernel_manager(module: Any) -> None:
    for name in ("KernelManager", "AsyncKernelManager"):
        if hasattr(module, name):
            _patch(getattr(module, name), "start_kernel", "starts a notebook kernel")


def _patch_pysyncon(module: Any) -> None:
    for name in ("Synth", "AugSynth", "PenalizedSynth", "RobustSynth"):
        if hasattr(module, name):
            _patch(getattr(module, name), "fit", f"fits pysyncon's {name}")


# heavy modules are patched when first imported (importing pysyncon in every session would cost seconds)
_ON_IMPORT: dict[str, Callable[[Any], None]] = {
    "jupyter_client.manager": _patch_kernel_manager,
    "pysyncon": _patch_pysyncon,
}


class _PatchOnImport(importlib.abc.MetaPathFinder):
    """Finds nothing itself: lets the other finders find a module of ``_ON_IMPORT`` and patches it once loaded."""

    def find_spec(self, fullname: str, path: Any, target: Any = None) -> Any:
        patch = _ON_IMPORT.get(fullname)
        if patch is None:
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(fullname, path, target)
            if spec is None:
                continue
            exec_module = getattr(spec.loader, "exec_module", None)
            if exec_module is not None:

                def exec_and_patch(module: Any, _exec: Callable[[Any], None] = exec_module) -> None:
                    _exec(module)
                    patch(module)

                spec.loader.exec_module = exec_and_patch  # this module's own loader object
            return spec
        return None


def _install_guard() -> None:
    _patch(subprocess.Popen, "__init__", _popen_reason)
    _patch(socket.socket, "listen", _listen_reason)
    for name, patch in _ON_IMPORT.items():
        if name in sys.modules:
            patch(sys.modules[name])
    if not any(isinstance(f, _PatchOnImport) for f in sys.meta_path):
        sys.meta_path.insert(0, _PatchOnImport())


_install_guard()
