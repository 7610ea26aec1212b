"""JupyterLab on loopback serves the project's notebooks and runs a kernel that imports ccresearch."""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
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
    """``jupyter lab`` on 127.0.0.1, a free port and a random token, rooted at the repository."""
    port, token = _free_port(), secrets.token_hex(16)
    runtime = tmp_path_factory.mktemp("jupyter-runtime")
    env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(runtime)}
    cmd = [
        sys.executable, "-m", "jupyterlab", "--no-browser", "--ServerApp.ip=127.0.0.1", f"--port={port}",
        f"--ServerApp.token={token}", f"--ServerApp.root_dir={paths.ROOT}", "--ServerApp.port_retries=0",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate", "--LabApp.news_url=",
        "--LabApp.extension_manager=readonly",
    ]  # fmt: skip
    if hasattr(os, "geteuid") and os.geteuid() == 0:  # containers and CI often run as root
        cmd.append("--allow-root")
    log = (runtime / "server.log").open("w")
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env)
    server = Lab(f"http://127.0.0.1:{port}", token)
    try:
        deadline = time.monotonic() + START_LIMIT
        while True:
            try:
                server.request("GET", "/api/status")
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"jupyter lab did not start: {(runtime / 'server.log').read_text()[-2000:]}")
                time.sleep(0.3)
        yield server
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)
        log.close()


def test_lab_lists_the_project_notebooks(lab: Lab) -> None:
    listing = lab.request("GET", "/api/contents/notebooks?content=1")
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
    assert not (paths.ROOT / "scratch-test.ipynb").exists()
