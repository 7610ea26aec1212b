"""``report.pdf`` beside ``report.html``: the page printed by headless Chromium with the report's print stylesheet.

Chromium is the browser the tests already use (Debian's ``chromium``; ``CCRESEARCH_CHROMIUM`` names another
binary). It prints A4 with the page numbers of the stylesheet's ``@page`` rules, without its own header and footer.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from ccresearch.atomic import write_bytes
from ccresearch.errors import InputError

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--no-pdf-header-footer", "--run-all-compositor-stages-before-draw",
)  # fmt: skip


def chromium() -> str:
    """The Chromium binary to print with; an error that says how to install one when there is none."""
    named = os.environ.get("CCRESEARCH_CHROMIUM")
    found = named or next((p for p in map(shutil.which, CANDIDATES) if p), None)
    if not found:
        raise InputError(
            "no Chromium to print the PDF with",
            field="--pdf",
            expected="Debian's chromium (apt-get install chromium), or CCRESEARCH_CHROMIUM=/path/to/chrome",
        )
    return found


def write_pdf(html: Path, pdf: Path, *, timeout: float = 120) -> Path:
    """Print ``html`` to ``pdf`` (atomically: a failed print leaves no file); returns ``pdf``."""
    html, pdf = Path(html).resolve(), Path(pdf)
    with tempfile.TemporaryDirectory(prefix="ccresearch-pdf-") as tmp:
        out = Path(tmp) / "report.pdf"
        cmd = [chromium(), *FLAGS, f"--user-data-dir={tmp}/profile", f"--print-to-pdf={out}", html.as_uri()]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
        if done.returncode != 0 or not out.is_file() or out.stat().st_size == 0:
            raise RuntimeError(f"Chromium could not print {html.name}: {done.stderr.strip()[-400:]}")
        write_bytes(pdf, out.read_bytes())
    return pdf
