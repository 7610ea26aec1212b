"""Every report and both index pages as a reader sees them, in headless Chromium (Debian's package).

Each notebook runs with its defaults in both languages. Then, at 1280 and 375 px wide: axe-core finds no critical
and no serious violation; headings go down one level at a time; nothing but links, buttons and scrolling tables
takes a tab stop; no text overflows outside a scrolling table and no number is broken over two lines; the page's
language is the report's. Strings planted in the raw data show as text and their script never runs. The PDF of a
report holds its title and a figure caption.
"""

from __future__ import annotations

import itertools
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ccresearch.paths import ROOT

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]  # fmt: skip
WIDTHS = (1280, 375)
PLANTED = "<script>window.__planted = 1</script><b>planted</b>"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs the Debian chromium package"),
]


def _ccresearch(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ccresearch", *args],
        capture_output=True,
        text=True,
        timeout=900,
        env=env,
        check=False,
    )


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``ccresearch reports`` (every notebook, both languages) into a temporary folder."""
    import os

    root = tmp_path_factory.mktemp("reader")
    env = {
        **os.environ,
        "CCRESEARCH_PROCESSED": str(root / "processed"),
        "CCRESEARCH_REPORTS": str(root / "reports"),
    }
    done = _ccresearch("reports", "-j", "2", env=env)
    assert done.returncode == 0, done.stderr[-3000:]
    return root / "reports"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    playwright = pytest.importorskip("playwright.sync_api")
    with playwright.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def _pages(root: Path) -> list[Path]:
    pages = sorted(root.glob("*/*/report.html"))
    return [root / "index.html", root / "index.en.html", *pages]


READER_CHECKS = """() => {
  const out = {lang: document.documentElement.lang, overflow: [], broken: [], tabstops: [], headings: []};
  const vw = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth > vw + 1) out.overflow.push('page ' + document.documentElement.scrollWidth);
  for (const el of document.querySelectorAll('body *')) {
    if (!el.childNodes.length || el.closest('.table-scroll, svg, picture, script, style')) continue;
    const hasText = Array.from(el.childNodes).some(n => n.nodeType === 3 && n.textContent.trim());
    if (!hasText) continue;
    const r = el.getBoundingClientRect();
    if (r.width && r.right > vw + 1) out.overflow.push(el.tagName + ': ' + el.textContent.trim().slice(0, 40));
  }
  for (const el of document.querySelectorAll('td.num, th.num')) {
    const range = document.createRange(); range.selectNodeContents(el);
    const lines = new Set(Array.from(range.getClientRects()).map(r => Math.round(r.top)));
    if (lines.size > 1) out.broken.push(el.textContent.trim());
  }
  const focusable = 'a[href], button, input, select, textarea, summary, [tabindex]';
  for (const el of document.querySelectorAll(focusable)) {
    if (el.tabIndex < 0 || el.closest('[hidden]')) continue;
    const interactive = el.matches('a[href], button, input, select, textarea, summary');
    const scrolls = el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1;
    if (!interactive && !scrolls) out.tabstops.push(el.tagName + '.' + el.className);
  }
  out.headings = Array.from(document.querySelectorAll('h1, h2, h3, h4, h5, h6')).map(h => +h.tagName[1]);
  return out;
}"""


def _open(browser: Any, path: Path, width: int) -> tuple[Any, list[str]]:
    page = browser.new_page(viewport={"width": width, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: None if r.url.startswith(("file://", "data:")) else errors.append(r.url))
    page.goto(path.as_uri(), wait_until="load")
    return page, errors


def test_every_report_in_both_languages_is_there(reports: Path) -> None:
    languages = {}
    for run in reports.glob("*/*/run.json"):
        import json

        meta = json.loads(run.read_text(encoding="utf-8"))
        languages.setdefault(meta["stem"], set()).add((meta.get("report") or {}).get("language"))
    stems = {p.stem for p in (ROOT / "notebooks").glob("[0-9]*.ipynb")}
    assert set(languages) == stems
    assert all(langs == {"nl", "en"} for langs in languages.values()), languages


@pytest.mark.parametrize("width", WIDTHS)
def test_reports_read_well_at_desktop_and_phone_width(reports: Path, browser: Any, width: int) -> None:
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    problems: list[str] = []
    for path in _pages(reports):
        page, errors = _open(browser, path, width)
        name = path.relative_to(reports).as_posix()
        facts = page.evaluate(READER_CHECKS)
        results = axe.run(page)
        bad = [v for v in results.response["violations"] if v["impact"] in ("critical", "serious")]
        problems += [f"{name}: axe {v['id']} ({v['impact']}): {v['nodes'][0]['target']}" for v in bad]
        problems += [f"{name}: {e}" for e in errors]
        problems += [f"{name}: overflows: {o}" for o in facts["overflow"][:3]]
        problems += [f"{name}: number broken: {b}" for b in facts["broken"][:3]]
        problems += [f"{name}: needless tab stop: {t}" for t in facts["tabstops"][:3]]
        levels = facts["headings"]
        if levels.count(1) != 1 or any(b - a > 1 for a, b in itertools.pairwise(levels)):
            problems.append(f"{name}: headings out of order: {levels}")
        if path.name == "report.html":
            import json

            run = json.loads((path.parent / "run.json").read_text(encoding="utf-8"))
            if facts["lang"] != run["report"]["language"]:
                problems.append(
                    f"{name}: <html lang={facts['lang']}> for a {run['report']['language']} report"
                )
        page.close()
    assert problems == []


def test_planted_markup_shows_as_text_and_its_script_never_runs(tmp_path: Path, browser: Any) -> None:
    import csv
    import os

    raw = tmp_path / "raw"
    shutil.copytree(ROOT / "data" / "raw", raw)
    path = raw / "sources.csv"
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    rows[0]["title"] = PLANTED
    rows[1]["publisher"] = PLANTED
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    from ccresearch.sources.catalog import write_sidecar

    write_sidecar(path)
    env = {
        **os.environ,
        "CCRESEARCH_RAW": str(raw),
        "CCRESEARCH_PROCESSED": str(tmp_path / "processed"),
        "CCRESEARCH_REPORTS": str(tmp_path / "reports"),
    }
    for nb in ("01", "02"):
        done = _ccresearch("run", str(next((ROOT / "notebooks").glob(f"{nb}_*.ipynb"))), env=env)
        assert done.returncode == 0, done.stderr[-3000:]
    for report in sorted((tmp_path / "reports").glob("*/*/report.html")):
        page, errors = _open(browser, report, 1280)
        assert page.evaluate("() => window.__planted") is None
        text = page.evaluate("() => document.body.innerText")
        assert "<b>planted</b>" in text or "planted" not in text, report
        assert page.evaluate("() => document.querySelectorAll('b').length") == 0
        assert errors == []
        page.close()


def test_a_report_prints_to_pdf_with_its_title_and_a_caption(reports: Path) -> None:
    from pypdf import PdfReader

    from ccresearch.runner.pdf import write_pdf

    html = next(p for p in sorted(reports.glob("03_*/*/report.html")))
    pdf = write_pdf(html, html.with_suffix(".pdf"))
    text = "\n".join(page.extract_text() for page in PdfReader(pdf).pages)
    import json

    meta = json.loads((html.parent / "run.json").read_text(encoding="utf-8"))["report"]
    assert meta["title"].split()[0] in text
    label = "Figuur 1." if meta["language"] == "nl" else "Figure 1."
    assert label in text
    assert " / " in text  # page numbers from the print stylesheet


def test_reports_are_light_without_their_images(reports: Path) -> None:
    import re

    heavy = {}
    for path in sorted(reports.glob("*/*/report.html")):
        html = path.read_text(encoding="utf-8")
        assert "jp-" not in html, path  # no JupyterLab stylesheet
        size = len(re.sub(r"data:image/[a-z+]+;base64,[A-Za-z0-9+/=]+", "", html).encode())
        if size > 150_000:
            heavy[path.relative_to(reports).as_posix()] = size
    assert heavy == {}
