"""Test profiles: ``make test`` runs everything, ``make test-fast`` leaves out the tests marked slow, and the
guard in conftest.py fails an unmarked test that starts a kernel, a server, a browser or a pysyncon fit."""

from __future__ import annotations

import socket
import subprocess
import sys
import types
from pathlib import Path

import pytest

from ccresearch import paths

guard = sys.modules["conftest"]  # tests/conftest.py, loaded by pytest


@pytest.fixture
def no_trace() -> None:
    """These tests trip the guard on purpose: forget what it saw, so the test itself passes."""
    yield
    guard._state["seen"].clear()


def test_make_help_lists_the_fast_profile_and_it_leaves_out_slow_tests() -> None:
    out = subprocess.run(["make", "-s", "help"], cwd=paths.ROOT, capture_output=True, text=True, check=True)
    assert "make test-fast" in out.stdout and "make test " in out.stdout
    makefile = (paths.ROOT / "Makefile").read_text(encoding="utf-8")
    recipe = makefile[makefile.index("\ntest-fast:") :].split("\n\n")[0]
    assert '-m "not slow"' in recipe and "-n 2" in recipe


@pytest.mark.parametrize(
    ("command", "needle"),
    [
        (["/usr/bin/chromium", "--headless"], "chromium"),
        ([sys.executable, "-m", "jupyterlab", "--no-browser"], "jupyter"),
        ([sys.executable, "-m", "ipykernel_launcher", "-f", "k.json"], "ipykernel"),
        ([sys.executable, "-m", "ccresearch", "sweep", "nb.ipynb"], "ccresearch sweep"),
        ("jupyter lab --no-browser", "jupyter"),
    ],
)
def test_heavy_commands_are_recognised(command: list[str] | str, needle: str) -> None:
    assert needle in (guard.heavy_command(command) or "")


@pytest.mark.parametrize(
    "command",
    [
        ["git", "ls-files"],
        ["make", "-s", "help"],
        [sys.executable, "-m", "ccresearch", "build", "--out", "x"],
        [sys.executable, "-c", "import jupyter_client; print('chromium')"],  # words in code are not programs
    ],
)
def test_light_commands_pass(command: list[str]) -> None:
    assert guard.heavy_command(command) is None


def test_an_unmarked_test_may_not_start_a_kernel(no_trace: None) -> None:
    from jupyter_client.manager import KernelManager

    with pytest.raises(pytest.fail.Exception, match="starts a notebook kernel"):
        KernelManager(kernel_name="python3").start_kernel()
    assert guard._state["seen"]  # seen even if the code under test swallowed the failure


def test_an_unmarked_test_may_not_start_a_browser_or_jupyter(no_trace: None) -> None:
    with pytest.raises(pytest.fail.Exception, match="subprocess of chromium"):
        subprocess.Popen(["chromium", "--headless", "about:blank"])  # refused before anything starts
    with pytest.raises(pytest.fail.Exception, match="subprocess of jupyter"):
        subprocess.run([sys.executable, "-m", "jupyterlab", "--version"], check=False)


def test_an_unmarked_test_may_not_start_a_server(no_trace: None) -> None:
    with socket.socket() as sock, pytest.raises(pytest.fail.Exception, match="starts a server"):
        sock.bind(("127.0.0.1", 0))  # binding alone is allowed (libraries probe for IPv6 so)
        sock.listen()


def test_local_sockets_and_light_subprocesses_are_allowed(tmp_path: Path) -> None:
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(tmp_path / "s"))
        sock.listen()
    done = subprocess.run([sys.executable, "-c", "print(1)"], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "1"


def test_an_unmarked_test_may_not_fit_pysyncon(no_trace: None) -> None:
    fake = types.ModuleType("fake_pysyncon")

    class Synth:
        def fit(self) -> str:
            return "fitted"

    fake.Synth = Synth
    guard._patch_pysyncon(fake)
    with pytest.raises(pytest.fail.Exception, match="fits pysyncon's Synth"):
        Synth().fit()


def test_heavy_modules_are_patched_when_first_imported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_trace: None
) -> None:
    (tmp_path / "guard_probe.py").write_text(
        "class Heavy:\n    def go(self):\n        return 1\n", encoding="utf-8"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "guard_probe", raising=False)
    monkeypatch.setitem(guard._ON_IMPORT, "guard_probe", lambda m: guard._patch(m.Heavy, "go", "goes heavy"))
    import guard_probe  # imported after the hook is set

    with pytest.raises(pytest.fail.Exception, match="goes heavy"):
        guard_probe.Heavy().go()


@pytest.mark.slow
def test_a_slow_test_may_do_heavy_work() -> None:
    guard._forbid("would start a kernel")  # allowed: no failure
    assert guard._state["seen"] == []
