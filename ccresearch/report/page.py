"""The reader's HTML page around a report: title block, links, the report's parts, provenance footer, CSS.

One self-contained file: only the CSS the report uses (no JupyterLab stylesheet), no script or font from any
host, a print stylesheet for A4 with page numbers. Every string from data or parameters is escaped.
"""

from __future__ import annotations

import datetime as _dt
import json
from collections.abc import Iterable, Mapping
from typing import Any

from markupsafe import Markup

from ccresearch.report import numbers as num
from ccresearch.report.language import Words

CSS = """
:root { --ink: #1f1f1f; --muted: #555; --rule: #d0d0d0; --accent: #0b5394; --bg-note: #f4f6f8; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; color: var(--ink); background: #fff;
  font: 17px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
.page { max-width: 46rem; margin: 0 auto; padding: 0.75rem 1rem 2rem; box-sizing: border-box; }
a { color: var(--accent); text-decoration: underline; text-underline-offset: 0.15em; }
a:focus-visible, [tabindex]:focus-visible { outline: 3px solid #e69f00; outline-offset: 2px; }
.skip { position: absolute; left: -999px; top: 0; }
.skip:focus { left: 0.5rem; top: 0.5rem; background: #fff; padding: 0.25rem 0.5rem; z-index: 2; }
nav.site { font-size: 0.9rem; display: flex; flex-wrap: wrap; gap: 0.25rem 1rem; padding: 0.25rem 0 0.5rem;
  border-bottom: 1px solid var(--rule); }
h1 { font-size: 1.75rem; line-height: 1.2; margin: 1rem 0 0.4rem; }
h2 { font-size: 1.3rem; line-height: 1.25; margin: 2rem 0 0.6rem; break-after: avoid; }
h3 { font-size: 1.1rem; margin: 1.4rem 0 0.4rem; break-after: avoid; }
.subtitle { font-size: 1.1rem; color: var(--muted); margin: 0 0 0.5rem; }
.title-meta, .cite { font-size: 0.9rem; color: var(--muted); margin: 0.2rem 0; }
.secno { color: var(--muted); font-weight: normal; }
nav.toc { background: var(--bg-note); padding: 0.5rem 1rem; margin: 1rem 0; }
nav.toc h2 { font-size: 1rem; margin: 0.3rem 0; }
nav.toc ol { margin: 0.2rem 0 0.4rem; padding-left: 0; list-style: none; }
p, li, dd { overflow-wrap: break-word; hyphens: auto; }
.callout { background: var(--bg-note); border-left: 4px solid var(--accent); padding: 0.5rem 0.9rem; margin: 1rem 0; }
.callout-caveat { border-left-color: #b45f06; }
figure { margin: 1.5rem 0; break-inside: avoid; }
figure.figure img { display: block; width: 100%; max-width: 720px; height: auto; }
figcaption { font-size: 0.92rem; margin-top: 0.4rem; }
figure.table figcaption { margin: 0 0 0.4rem; }
figcaption .label { font-weight: 600; }
figcaption .source, .table-note { color: var(--muted); }
.table-scroll { max-width: 100%; overflow-x: auto; }
table { border-collapse: collapse; font-size: 0.9rem; min-width: 60%; }
th, td { text-align: left; vertical-align: top; padding: 0.3rem 0.6rem 0.3rem 0; border-bottom: 1px solid var(--rule);
  overflow-wrap: normal; word-break: normal; hyphens: manual; }
thead th { border-bottom: 2px solid var(--ink); vertical-align: bottom; }
th.num, td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
.unit { font-weight: normal; color: var(--muted); white-space: nowrap; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0);
  white-space: nowrap; }
dl dt { font-weight: 600; margin-top: 0.6rem; }
dl dd { margin: 0.1rem 0 0 1rem; }
ol.sources li { margin-bottom: 0.4rem; }
footer.provenance { margin-top: 2.5rem; padding-top: 0.75rem; border-top: 1px solid var(--rule); font-size: 0.85rem;
  color: #333; }
footer.provenance h2 { font-size: 1rem; margin: 0.6rem 0 0.3rem; }
footer.provenance th, footer.provenance td { font-size: 0.85rem; border: 0; padding: 0.1rem 0.8rem 0.1rem 0; }
footer.provenance code { overflow-wrap: anywhere; white-space: normal; }
@media (max-width: 560px) { body { font-size: 16px; } h1 { font-size: 1.45rem; } .page { padding: 0.5rem 0.75rem; } }
@page { size: A4; margin: 18mm 16mm 20mm;
  @bottom-center { content: counter(page) " / " counter(pages); font-size: 9pt; color: #555; } }
@media print {
  body { font-size: 10.5pt; } .page { max-width: none; padding: 0; } nav.site, .skip, a.csv { display: none; }
  a { color: inherit; text-decoration: none; } .table-scroll { overflow: visible; }
  table { font-size: 8.5pt; width: 100%; } th, td { overflow-wrap: anywhere; white-space: normal; }
  tr, figure, .callout { break-inside: avoid; } h2, h3, figcaption { break-after: avoid; }
  nav.toc { break-after: page; }
}
"""

# only keep the scroll region in the tab order when it really scrolls (no needless tab stops)
SCRIPT = (
    "(function(){function f(){document.querySelectorAll('.table-scroll').forEach(function(e){"
    "e.tabIndex=e.scrollWidth>e.clientWidth+1?0:-1;});}f();addEventListener('resize',f);})();"
)


def _minified(css: str) -> str:
    """The stylesheet without the whitespace a browser does not need (a report carries it on every page)."""
    import re

    css = re.sub(r"\s+", " ", css)
    return re.sub(r"\s*([{};,>])\s*", r"\1", css).strip()


def _code(value: Any) -> Markup:
    return Markup("<code>{}</code>").format(
        value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    )


def _run_date(run: Mapping[str, Any] | None) -> _dt.date:
    start = (run or {}).get("start")
    if isinstance(start, str) and len(start) >= 10:
        return _dt.date.fromisoformat(start[:10])
    return _dt.date.today()


def title_block(meta: Mapping[str, Any], run: Mapping[str, Any] | None = None) -> Markup:
    """Title, subtitle (the parameters in words), date and commit, and how to cite."""
    w = Words(meta["language"])
    date = num.fmt_date(_run_date(run), w.language)
    git = (run or {}).get("git") or {}
    commit = str(git.get("commit") or "")[:12]
    bits = [w("document.made_on", date=date)]
    if commit:
        bits.append(
            w("document.commit", commit=commit)
            + (Markup(" ") + w("document.uncommitted") if git.get("dirty") else "")
        )
    cite = w("document.cite_as", title=meta["title"], date=date, commit=commit or "–")
    return Markup(
        '<header class="title-block"><h1>{title}</h1>{subtitle}<p class="title-meta">{meta}</p>'
        '<p class="cite"><strong>{how}:</strong> {cite}</p></header>'
    ).format(
        title=meta["title"],
        subtitle=Markup('<p class="subtitle">{}</p>').format(meta["subtitle"])
        if meta.get("subtitle")
        else Markup(""),
        meta=Markup(" · ").join(bits),
        how=w("document.how_to_cite"),
        cite=cite,
    )


def footer(run: Mapping[str, Any], language: str) -> Markup:
    """Parameters and provenance of the run (from its run.json)."""
    w = Words(language)
    params = run.get("parameters") or {}
    rows = Markup("").join(
        Markup('<tr><th scope="row">{}</th><td>{}</td></tr>').format(k, _code(v)) for k, v in params.items()
    ) or Markup('<tr><td colspan="2">{}</td></tr>').format(w("document.no_parameters"))
    git = run.get("git") or {}
    commit = str(git.get("commit", "")) + (
        " (" + w.text("document.uncommitted") + ")" if git.get("dirty") else ""
    )
    versions = ", ".join(f"{k} {v}" for k, v in (run.get("versions") or {}).items())
    prov = [
        ("document.run_id", run.get("run_id", "")),
        ("document.notebook_file", run.get("notebook", "")),
        ("document.started", run.get("start", "")),
        (
            "document.duration",
            w.text("document.duration_value", seconds=num.fmt_number(run.get("duration_s", 0), language, 1)),
        ),
        ("document.git_commit", commit),
        ("document.data_manifest", run.get("data_manifest", "")),
        ("document.versions", versions),
    ]
    prov_rows = Markup("").join(
        Markup('<tr><th scope="row">{}</th><td>{}</td></tr>').format(w(k), _code(str(v))) for k, v in prov
    )
    return Markup(
        '<footer class="provenance"><h2>{ph}</h2><table>{rows}</table><h2>{vh}</h2><table>{prov}</table></footer>'
    ).format(ph=w("document.parameters"), rows=rows, vh=w("document.provenance"), prov=prov_rows)


def site_nav(language: str, *, index_href: str, files: Iterable[tuple[str, str]]) -> Markup:
    """Links back to the index and to the run's files."""
    w = Words(language)
    links = [Markup('<a href="{}">{}</a>').format(index_href, w("document.back_to_index"))]
    links += [Markup('<a href="{}">{}</a>').format(href, w(key)) for key, href in files]
    return Markup('<nav class="site" aria-label="{}">{}</nav>').format(
        w.text("document.files"), Markup("").join(links)
    )


def page(
    meta: Mapping[str, Any],
    parts: Iterable[str],
    run: Mapping[str, Any],
    *,
    index_href: str,
    files: Iterable[tuple[str, str]] = (),
) -> str:
    """The whole self-contained report page."""
    language = meta["language"]
    body = Markup("").join(Markup(p) for p in parts)
    return "<!DOCTYPE html>\n" + str(
        Markup(
            '<html lang="{lang}"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            "<title>{title}</title><style>{css}</style></head><body>"
            '<a class="skip" href="#main">{skip}</a><div class="page">{nav}<main id="main">{title_block}{body}</main>'
            "{footer}</div><script>{script}</script></body></html>\n"
        ).format(
            lang=language,
            title=meta["title"],
            css=Markup(CSS),
            skip=Words(language)("document.skip"),
            nav=site_nav(language, index_href=index_href, files=files),
            title_block=title_block(meta, run),
            body=body,
            footer=footer(run, language),
            script=Markup(SCRIPT),
        )
    )
