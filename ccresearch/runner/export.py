"""Executed notebook -> one self-contained HTML page for readers.

nbconvert's HTMLExporter (in-process, lab template) with the code and prompts hidden, figures embedded as
base64 PNG, and a small template on top that drops every script the lab template loads from the web
(require.js, MathJax, mermaid, widgets), adds CSS for phone-width screens and a footer with the run's
parameters and provenance. A final pass removes any remaining external script, stylesheet, image or frame
source, so opening the page makes no request to another host.
"""

from __future__ import annotations

import copy
import functools
import html
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ccresearch.runner.results import RESULTS_MIME

TEMPLATE_FILE = "ccresearch_report.html.j2"

# extends the lab template; blocks named as in nbconvert's lab/index.html.j2
_TEMPLATE = r"""
{%- extends 'lab/index.html.j2' -%}
{%- block html_head_js_requirejs -%}{%- endblock html_head_js_requirejs -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}
{%- block extra_css -%}
<style type="text/css">
{{ resources.ccresearch_css }}
</style>
{%- endblock extra_css -%}
{%- block data_javascript scoped -%}
<div class="ccresearch-omitted">(interactive output omitted from this report)</div>
{%- endblock data_javascript -%}
{%- block body_footer -%}
{{ resources.ccresearch_footer }}
</main>
</body>
{%- endblock body_footer -%}
"""

REPORT_CSS = """
html, body { max-width: 100%; }
body.jp-Notebook { margin: 0; padding: 0; }
main { max-width: 60rem; margin: 0 auto; padding: 0.75rem; box-sizing: border-box; }
.jp-Cell, .jp-Cell-outputWrapper, .jp-OutputArea, .jp-OutputArea-child, .jp-OutputArea-output {
  min-width: 0; max-width: 100%; box-sizing: border-box; }
.jp-OutputArea-prompt, .jp-InputPrompt, .jp-OutputPrompt { display: none; }
img, svg, video, canvas { max-width: 100%; height: auto; }
table { display: block; max-width: 100%; overflow-x: auto; border-collapse: collapse; }
pre { white-space: pre-wrap; overflow-wrap: anywhere; }
.jp-RenderedHTMLCommon { padding-right: 0; }
.ccresearch-omitted { font-style: italic; color: #666; }
footer.ccresearch-run { margin-top: 2rem; padding-top: 0.75rem; border-top: 1px solid #ccc;
  font: 0.85rem/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #333; }
footer.ccresearch-run h2 { font-size: 1rem; margin: 0.5rem 0; }
footer.ccresearch-run table { font-size: 0.8rem; }
footer.ccresearch-run th, footer.ccresearch-run td { text-align: left; padding: 0.15rem 0.6rem 0.15rem 0;
  vertical-align: top; border: 0; }
footer.ccresearch-run code { overflow-wrap: anywhere; }
"""

# a tag (with its element for scripts/iframes) that would fetch something from another host
_EXTERNAL = r"""(?:https?:)?//[^"'\s>]+"""
_EXTERNAL_SCRIPT = re.compile(
    r"<script\b[^>]*\bsrc\s*=\s*[\"']" + _EXTERNAL + r"[\"'][^>]*>.*?</script\s*>", re.IGNORECASE | re.DOTALL
)
_EXTERNAL_FRAME = re.compile(
    r"<iframe\b[^>]*\bsrc\s*=\s*[\"']" + _EXTERNAL + r"[\"'][^>]*>.*?</iframe\s*>", re.IGNORECASE | re.DOTALL
)
_EXTERNAL_LINK = re.compile(r"<link\b[^>]*\bhref\s*=\s*[\"']" + _EXTERNAL + r"[\"'][^>]*>", re.IGNORECASE)
_EXTERNAL_SRC = re.compile(
    r"(<(?:img|source|audio|video|embed)\b[^>]*\bsrc\s*=\s*)([\"'])" + _EXTERNAL + r"\2", re.IGNORECASE
)
_CSS_IMPORT = re.compile(r"@import\s+(?:url\()?\s*[\"']?" + _EXTERNAL + r"[\"']?\)?\s*;?", re.IGNORECASE)
_CSS_URL = re.compile(r"url\(\s*[\"']?" + _EXTERNAL + r"[\"']?\s*\)", re.IGNORECASE)


def strip_external(page: str) -> str:
    """``page`` without anything that loads from another host (scripts, stylesheets, images, frames, CSS urls).

    Plain links (``<a href>``) stay: following a link is the reader's choice, not a request on opening.
    """
    page = _EXTERNAL_SCRIPT.sub("", page)
    page = _EXTERNAL_FRAME.sub("", page)
    page = _EXTERNAL_LINK.sub("", page)
    page = _EXTERNAL_SRC.sub(r'\1\2\2 data-ccresearch="external image removed"', page)
    page = _CSS_IMPORT.sub("", page)
    return _CSS_URL.sub("none", page)


@functools.lru_cache(maxsize=1)
def _exporter() -> Any:
    """One warm HTMLExporter per process (building the template environment costs a few tenths of a second)."""
    import jinja2
    from nbconvert import HTMLExporter

    return HTMLExporter(
        template_name="lab",
        template_file=TEMPLATE_FILE,
        extra_loaders=[jinja2.DictLoader({TEMPLATE_FILE: _TEMPLATE})],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        embed_images=True,
    )


def warm() -> None:
    """Import nbconvert and build the exporter now (e.g. in a thread while a kernel runs)."""
    _exporter()


def without_results(nb: Any) -> Any:
    """A copy of the notebook without the outputs of ``ccresearch.record`` (they belong in results.json)."""
    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        if cell.get("cell_type") == "code":
            cell["outputs"] = [o for o in cell.get("outputs", []) if RESULTS_MIME not in o.get("data", {})]
    return nb


def collect_results(nb: Any) -> dict[str, Any]:
    """Everything ``ccresearch.record`` displayed in an executed notebook, merged in order."""
    results: dict[str, Any] = {}
    for cell in nb.get("cells", []):
        for output in cell.get("outputs", []) or []:
            data = output.get("data", {}) or {}
            if RESULTS_MIME in data:
                value = data[RESULTS_MIME]
                if isinstance(value, str):  # some writers keep JSON outputs as text
                    value = json.loads(value)
                results.update(value)
    return results


def _fmt(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def footer_html(run: Mapping[str, Any]) -> str:
    """The report footer: the run's parameters and provenance, from its run.json dictionary."""
    esc = html.escape
    params = run.get("parameters", {})
    rows = (
        "".join(f"<tr><th>{esc(k)}</th><td><code>{esc(_fmt(v))}</code></td></tr>" for k, v in params.items())
        or '<tr><td colspan="2">none (the notebook has no parameters)</td></tr>'
    )
    git = run.get("git", {})
    commit = git.get("commit", "unknown") + (" (uncommitted changes)" if git.get("dirty") else "")
    versions = ", ".join(f"{k} {v}" for k, v in run.get("versions", {}).items())
    prov = [
        ("Run", run.get("run_id", "")),
        ("Notebook", run.get("notebook", "")),
        ("Date (UTC)", run.get("start", "")),
        ("Duration", f"{run.get('duration_s', 0):.1f} s"),
        ("Git commit", commit),
        ("Data manifest", run.get("data_manifest", "")),
        ("Versions", versions),
    ]
    prov_rows = "".join(f"<tr><th>{esc(k)}</th><td><code>{esc(str(v))}</code></td></tr>" for k, v in prov)
    return (
        '<footer class="ccresearch-run">'
        f"<h2>Parameters</h2><table>{rows}</table>"
        f"<h2>Provenance</h2><table>{prov_rows}</table>"
        "</footer>"
    )


def export_html(nb: Any, run: Mapping[str, Any], *, title: str) -> str:
    """The reader's HTML page of an executed notebook (code hidden, self-contained, footer from ``run``)."""
    exporter = _exporter()
    resources = {
        "metadata": {"name": title},
        "ccresearch_css": REPORT_CSS,
        "ccresearch_footer": footer_html(run),
    }
    body, _ = exporter.from_notebook_node(without_results(nb), resources=resources)
    return strip_external(body)


@dataclass
class Export:
    """What the exporter made of an executed notebook: the page, files to write beside it, report metadata."""

    html: str
    files: dict[str, bytes] = field(default_factory=dict)
    report: dict[str, Any] | None = None


def report_meta(nb: Any) -> dict[str, Any] | None:
    """The metadata a ccresearch report displayed (title, language, headline, tables), or None."""
    from ccresearch.report.document import REPORT_MIME

    for cell in nb.get("cells", []):
        for output in cell.get("outputs", []) or []:
            data = output.get("data", {}) or {}
            if REPORT_MIME in data:
                value = data[REPORT_MIME]
                return json.loads(value) if isinstance(value, str) else dict(value)
    return None


def _report_parts(nb: Any) -> list[str]:
    """The HTML parts a report displayed, in order, without its title block (the page makes that)."""
    parts = []
    for cell in nb.get("cells", []):
        for output in cell.get("outputs", []) or []:
            part = ((output.get("metadata") or {}).get("ccresearch") or {}).get("part")
            html_text = (output.get("data") or {}).get("text/html")
            if part is None or part == "title" or html_text is None:
                continue
            parts.append("".join(html_text) if isinstance(html_text, list) else html_text)
    return parts


def export(nb: Any, run: Mapping[str, Any], *, title: str) -> Export:
    """The page of an executed notebook: a ccresearch report becomes the light report page (with its tables as
    CSV files beside it); any other notebook goes through nbconvert with its code hidden."""
    meta = report_meta(nb)
    if meta is None:
        return Export(export_html(nb, run, title=title))
    from ccresearch.report.page import page

    index = "../../index.html" if meta.get("language") == "nl" else "../../index.en.html"
    files = {f"tables/{t['anchor']}.csv": t["csv"].encode("utf-8") for t in meta.get("tables", [])}
    links = [
        ("document.notebook", "notebook.ipynb"),
        ("document.results", "results.json"),
        ("document.run", "run.json"),
    ]
    html_page = page(meta, _report_parts(nb), run, index_href=index, files=links)
    report = {k: meta.get(k) for k in ("title", "subtitle", "language", "headline")}
    return Export(strip_external(html_page), files, report)
