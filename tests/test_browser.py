"""Reports as a reader sees them: headless Chromium opens the index and every report from file://.

No console errors, no request to anything but file:// (or data: images), every image loaded and visible,
every link of the index opens, and at phone width (375 px) nothing overflows horizontally.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ccresearch.runner.execute import execute, plan_run
from ccresearch.runner.index import write_index

FIXTURES = Path(__file__).parent / "fixtures" / "notebooks"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]  # fmt: skip
PHONE = {"width": 375, "height": 740}

pytestmark = [
    pytest.mark.slow,  # kernels and a browser
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs the Debian chromium package"),
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One headless Chromium for the module."""
    playwright = pytest.importorskip("playwright.sync_api")
    with playwright.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def _make_reports(root: Path, notebooks: list[tuple[Path, dict[str, str]]]) -> Path:
    for notebook, given in notebooks:
        execute(plan_run(notebook, given, reports_root=root))
    return write_index(root)


@pytest.fixture(scope="module")
def fixture_reports(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Reports of the fixture notebooks (two parameter sets, one without parameters, one failed) + index."""
    root = tmp_path_factory.mktemp("reports")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CCRESEARCH_REPORTS", str(root))
        sweep = subprocess.run(
            [sys.executable, "-m", "ccresearch", "sweep", str(FIXTURES / "ok.ipynb"), "--grid", "n=3,9",
             "-p", "style", "line", "-j", "2"],
            capture_output=True, text=True, timeout=120, check=False, env=os.environ.copy(),
        )  # fmt: skip
        assert sweep.returncode == 0, sweep.stderr
        return _make_reports(root, [(FIXTURES / "no_parameters.ipynb", {}), (FIXTURES / "broken.ipynb", {})])


def _open(browser: Any, url: str, *, viewport: dict[str, int] | None = None) -> dict[str, Any]:
    """Load ``url``; what the page did: console errors, foreign requests, images, links, overflow."""
    page = browser.new_page(viewport=viewport or {"width": 1200, "height": 900})
    errors: list[str] = []
    foreign: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("requestfailed", lambda r: errors.append(f"failed: {r.url}"))
    page.on("request", lambda r: None if r.url.startswith(("file://", "data:")) else foreign.append(r.url))
    try:
        page.goto(url, wait_until="load")
        facts = page.evaluate(
            """() => ({
                title: document.title,
                images: Array.from(document.images).map(i => ({
                    src: i.src.slice(0, 40), complete: i.complete, natural: i.naturalWidth,
                    visible: i.getBoundingClientRect().width > 0 && i.getBoundingClientRect().height > 0
                        && getComputedStyle(i).visibility !== 'hidden' && getComputedStyle(i).display !== 'none'})),
                links: Array.from(document.querySelectorAll('a[href]')).map(a => a.href),
                overflow: document.documentElement.scrollWidth - window.innerWidth,
                text: document.body.innerText.slice(0, 4000),
                footer: (document.querySelector('footer.provenance, footer.ccresearch-run') || {innerText: ''}).innerText,
            })"""
        )
    finally:
        page.close()
    return {**facts, "errors": errors, "foreign": foreign}


def _check_reports(browser: Any, index: Path, expected_links: int, with_figure: str = "") -> None:
    facts = _open(browser, index.as_uri())
    assert facts["errors"] == [] and facts["foreign"] == []
    links = [link for link in facts["links"] if link.startswith("file://")]
    assert len(links) == expected_links
    for link in links:
        page = _open(browser, link)
        assert page["errors"] == [], link
        assert page["foreign"] == [], link
        for image in page["images"]:
            assert image["complete"] and image["natural"] > 0 and image["visible"], (link, image)
        if link.endswith("report.html"):
            if with_figure and with_figure in link:
                assert page["images"], f"{link}: no figure"
            footer = page["footer"]
            assert "Parameters" in footer and ("Provenance" in footer or "Herkomst" in footer), link
            phone = _open(browser, link, viewport=PHONE)
            assert phone["overflow"] <= 0, f"{link}: {phone['overflow']} px wider than a phone"
    phone = _open(browser, index.as_uri(), viewport=PHONE)
    assert phone["overflow"] <= 0


def test_fixture_reports_open_cleanly_in_chromium(browser: Any, fixture_reports: Path) -> None:
    # 2 parameter sets of ok.ipynb, no_parameters, the failure details of broken.ipynb, the sweep's
    # comparison page and the English index
    _check_reports(browser, fixture_reports, expected_links=6, with_figure="/ok/")
    index = _open(browser, fixture_reports.as_uri())
    assert "mislukt" in index["text"] and "deliberate failure" in index["text"]
    assert "n: 9" in index["text"] and "style: line" in index["text"]


def test_index_links_are_relative_so_the_folder_can_move(fixture_reports: Path) -> None:
    page = fixture_reports.read_text()
    assert "file://" not in page and str(fixture_reports.parent) not in page


@pytest.mark.slow
def test_project_notebooks_report_cleanly(
    browser: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ccresearch.runner.sweep import notebooks_to_run, run_all_notebooks

    notebooks = notebooks_to_run()
    if not notebooks:
        pytest.skip("no project notebooks yet")
    monkeypatch.setenv("CCRESEARCH_REPORTS", str(tmp_path))
    results, index = run_all_notebooks(reports_root=tmp_path, jobs=2, progress=False)
    failed = [r.error for r in results if r.status == "failed"]
    assert failed == []
    # every notebook in both report languages, and the link to the index in the other language
    _check_reports(browser, index, expected_links=2 * len(notebooks) + 1)
