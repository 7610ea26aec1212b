"""``make lab`` on loopback serves the project's notebooks and runs a kernel that imports ccresearch."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import ccresearch
from ccresearch import paths

pytestmark = pytest.mark.slow  # a JupyterLab server and a kernel

START_LIMIT = 60.0  # seconds for the server to answer
EXECUTE_LIMIT = 60.0  # seconds for the kernel to start and run one cell


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Lab:
    """A running JupyterLab server: base URL and token."""

    def __init__(self, url: str, token: str) -> None:
        self.url, self.token = url, token
        self.log: Path | None = None

    def request(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.url + path, data=data, method=method)
        req.add_header("Authorization", f"token {self.token}")
        req.add_header("Content-Type", "application/json")
        with urllib.request.urlopen(req, timeout=20) as response:
            text = response.read()
        return json.loads(text) if text else None


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    """``make lab`` as an analyst types it (on a free port), with no display and no browser.

    The venv is this interpreter's (``STAMP=`` skips the install step), so the test never creates one.
    As root (containers, CI) the target must add ``--allow-root`` itself.
    """
    make = shutil.which("make")
    if make is None:
        pytest.skip("make is not installed")
    port = _free_port()
    runtime = tmp_path_factory.mktemp("jupyter-runtime")
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "BROWSER")}
    env["JUPYTER_RUNTIME_DIR"] = str(runtime)
    cmd = [make, "--no-print-directory", "-C", str(paths.ROOT), "lab", "STAMP=",
           f"BIN={Path(sys.executable).parent}", f"LAB_PORT={port}"]  # fmt: skip
    log_path = runtime / "server.log"
    log = log_path.open("w")
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    try:
        deadline = time.monotonic() + START_LIMIT
        url = None
        while url is None:
            match = re.search(r"JupyterLab: (http://\S+)", log_path.read_text())
            if match:
                url = match.group(1)
            elif proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"make lab printed no URL: {log_path.read_text()[-2000:]}")
            else:
                time.sleep(0.2)
        parsed = urllib.parse.urlsplit(url)
        assert parsed.hostname == "127.0.0.1" and parsed.port == port and parsed.path == "/lab"
        token = urllib.parse.parse_qs(parsed.query)["token"][0]
        assert len(token) >= 32
        server = Lab(f"http://127.0.0.1:{port}", token)
        while True:
            try:
                server.request("GET", "/api/status")
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"make lab did not serve: {log_path.read_text()[-2000:]}")
                time.sleep(0.3)
        with urllib.request.urlopen(url, timeout=20) as response:  # the printed URL itself opens the lab
            assert response.status == 200 and b"JupyterLab" in response.read()
        server.log = log_path
        yield server
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=5)
        log.close()


def test_make_lab_runs_headless_and_as_root(lab: Lab) -> None:
    assert lab.log is not None
    text = lab.log.read_text()
    assert "Use --allow-root" not in text  # as root the target passes the flag itself
    assert lab.request("GET", "/api/status")["started"]


def test_lab_lists_the_project_notebooks(lab: Lab) -> None:
    listing = lab.request("GET", "/api/contents?content=1")  # served from notebooks/
    assert listing["type"] == "directory"
    served = sorted(item["name"] for item in listing["content"] if item["type"] == "notebook")
    assert served == sorted(p.name for p in paths.notebooks_dir().glob("*.ipynb"))


async def _execute(lab: Lab, kernel_id: str, code: str) -> str:
    from tornado.httpclient import HTTPRequest
    from tornado.websocket import websocket_connect

    ws_url = lab.url.replace("http://", "ws://") + f"/api/kernels/{kernel_id}/channels?token={lab.token}"
    conn = await websocket_connect(HTTPRequest(ws_url, headers={"Authorization": f"token {lab.token}"}))
    msg_id, session = uuid.uuid4().hex, uuid.uuid4().hex
    message = {
        "header": {"msg_id": msg_id, "username": "test", "session": session, "msg_type": "execute_request",
                   "version": "5.3", "date": ""},
        "parent_header": {}, "metadata": {}, "buffers": [], "channel": "shell",
        "content": {"code": code, "silent": False, "store_history": False, "user_expressions": {},
                    "allow_stdin": False, "stop_on_error": True},
    }  # fmt: skip
    await conn.write_message(json.dumps(message))
    out: list[str] = []
    try:
        while True:
            raw = await conn.read_message()
            assert raw is not None, "kernel websocket closed"
            msg = json.loads(raw)
            if msg.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind = msg["msg_type"]
            if kind == "stream":
                out.append(msg["content"]["text"])
            elif kind == "error":
                out.append(f"{msg['content']['ename']}: {msg['content']['evalue']}")
            elif kind == "status" and msg["content"]["execution_state"] == "idle":
                return "".join(out)
    finally:
        conn.close()


def test_lab_kernel_imports_ccresearch(lab: Lab) -> None:
    session = lab.request(
        "POST", "/api/sessions",
        {"path": "scratch-test.ipynb", "type": "notebook", "name": "", "kernel": {"name": "python3"}},
    )  # fmt: skip
    kernel_id = session["kernel"]["id"]
    try:
        code = "import sys, ccresearch; print(ccresearch.__version__); print(sys.executable)"
        text = asyncio.run(asyncio.wait_for(_execute(lab, kernel_id, code), EXECUTE_LIMIT))
    finally:
        lab.request("DELETE", f"/api/sessions/{session['id']}")
    version, executable = text.strip().splitlines()
    assert version == ccresearch.__version__
    assert Path(executable).parent == Path(sys.executable).parent  # the project's interpreter
    assert not (paths.notebooks_dir() / "scratch-test.ipynb").exists()
