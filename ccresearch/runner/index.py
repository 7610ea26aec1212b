"""``reports/index.html`` (Dutch) and ``reports/index.en.html`` (English): every run, one self-contained page.

Each row: the report's title in the run's language, the parameters in words (labels, region names), the
headline values with units and intervals, the status and the date. Runs made on other processed data than
the current build (``data_manifest`` in run.json differs from :func:`ccresearch.runner.cache.manifest_hash`)
are marked. Sweep comparison pages (``<stem>/_sweeps/<id>/``) are listed under their notebook.

Reads only the small ``run.json`` and ``sweep.json`` files (no notebook, no pandas), so rewriting the index
takes milliseconds. Every string from a run is escaped.
"""

from __future__ import annotations

import datetime as _dt
import functools
import html
import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import quote

from ccresearch import paths
from ccresearch.atomic import write_text
from ccresearch.report.language import LANGUAGES
from ccresearch.runner.execute import FAILED_DIR

PAGE = {"nl": "index.html", "en": "index.en.html"}
SWEEPS_DIR = "_sweeps"

INDEX_CSS = """
*, *::before, *::after { box-sizing: border-box; }
body { font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0; color: #1a1a1a;
       background: #fff; }
main { max-width: 72rem; margin: 0 auto; padding: 0.75rem; }
h1 { font-size: 1.5rem; margin: 0.5rem 0; }
h2 { font-size: 1.15rem; margin: 1.5rem 0 0.4rem; }
a { color: #0b4f9c; }
a:focus-visible, button:focus-visible { outline: 3px solid #f2a900; outline-offset: 2px; }
.lang { float: right; margin: 0.6rem 0 0 1rem; }
.table-wrap { max-width: 100%; overflow-x: auto; }
table { border-collapse: collapse; width: 100%; }
caption { text-align: left; font-weight: 600; padding: 0.2rem 0; }
th, td { text-align: left; padding: 0.35rem 0.6rem 0.35rem 0; border-bottom: 1px solid #ccc;
         vertical-align: top; overflow-wrap: anywhere; }
thead th { border-bottom: 2px solid #555; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.status-ok, .status-cached { color: #1b5e20; }
.status-failed { color: #a4161a; font-weight: 600; }
.older { display: inline-block; color: #7a4a00; font-size: 0.9em; }
.note { color: #444; font-size: 0.92em; }
ul.params { margin: 0; padding: 0; list-style: none; }
th button { font: inherit; font-weight: 600; background: none; border: 0; padding: 0; color: inherit;
            cursor: pointer; text-align: left; }
th button::after { content: " \\2195"; color: #777; }
th[aria-sort="ascending"] button::after { content: " \\2191"; }
th[aria-sort="descending"] button::after { content: " \\2193"; }
@media (max-width: 40rem) { body { font-size: 15px; } th, td { padding-right: 0.4rem; } }
"""


def word(key: str, language: str, **values: Any) -> str:
    """A reader-facing word of the index or summary pages (catalogue key ``index.<key>``), placeholders filled."""
    from ccresearch.report.language import text

    return text(key if key.startswith("index.") else f"index.{key}", language, **values)


def word_plain(key: str, language: str) -> str:
    """A catalogue word by its full key."""
    from ccresearch.report.language import text

    return text(key, language)


def _load(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def collect_runs(reports_root: str | Path | None = None) -> list[dict[str, Any]]:
    """Every run under the reports folder (successful and failed), with ``link`` relative to the root."""
    root = Path(reports_root) if reports_root is not None else paths.reports_dir()
    runs: list[dict[str, Any]] = []
    for run_json in sorted(root.glob("*/*/run.json")):
        folder = run_json.parent
        if folder.parent.name.startswith((".", "_")) or folder.name.startswith((".", "_")):
            continue
        run = _load(run_json)
        if run is None or not (folder / "report.html").is_file():
            continue
        run["link"] = f"{quote(folder.parent.name)}/{quote(folder.name)}/report.html"
        run["_key"] = (folder.parent.name, folder.name, 0)
        runs.append(run)
    for run_json in sorted((root / FAILED_DIR).glob("*/*/run.json")):
        run = _load(run_json)
        if run is None:
            continue
        folder = run_json.parent
        run["status"] = "failed"
        run.setdefault("stem", folder.parent.name)
        run["link"] = f"{FAILED_DIR}/{quote(folder.parent.name)}/{quote(folder.name)}/run.json"
        run["_key"] = (folder.parent.name, folder.name, 1)
        runs.append(run)
    runs.sort(key=lambda r: r.pop("_key"))
    return runs


def collect_sweeps(reports_root: str | Path | None = None) -> list[dict[str, Any]]:
    """Every sweep comparison page (from its ``sweep.json``), newest first, with ``link`` relative to the root."""
    root = Path(reports_root) if reports_root is not None else paths.reports_dir()
    sweeps = []
    for sweep_json in root.glob(f"*/{SWEEPS_DIR}/*/sweep.json"):
        sweep = _load(sweep_json)
        folder = sweep_json.parent
        if sweep is None or not (folder / "index.html").is_file():
            continue
        sweep.setdefault("stem", folder.parent.parent.name)
        sweep["link"] = f"{quote(folder.parent.parent.name)}/{SWEEPS_DIR}/{quote(folder.name)}/index.html"
        sweeps.append(sweep)
    sweeps.sort(key=lambda s: str(s.get("created", "")), reverse=True)
    return sweeps


# --- words for values -------------------------------------------------------------------------------------


def fmt_number(value: float | int, language: str) -> str:
    """A number with the language's separators and a sensible number of decimals (no false precision)."""
    if isinstance(value, bool):
        return word("value.true" if value else "value.false", language)
    if isinstance(value, int):
        text = f"{value:,d}"
    else:
        size = abs(value)
        decimals = 0 if size >= 100 else 1 if size >= 10 else 2 if size >= 0.1 or size == 0 else 3
        text = f"{value:,.{decimals}f}"
    if language == "nl":
        text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return text.replace("-", "−")


def _with_unit(text: str, unit: str | None) -> str:
    if not unit:
        return text
    return f"{text}{unit}" if unit == "%" else f"{text} {unit}"


def headline_value(value: Any, language: str) -> tuple[str, float | None]:
    """A headline value in words (``1.234 banen (900 tot 1.500)``) and its number for sorting."""
    if isinstance(value, Mapping):
        central = value.get("value")
        unit = value.get("unit")
        text = _plain_value(central, language)
        low, high = value.get("low"), value.get("high")
        if low is not None or high is not None:
            missing = word("value.missing", language)
            interval = word(
                "value.interval",
                language,
                low=_plain_value(low, language) if low is not None else missing,
                high=_plain_value(high, language) if high is not None else missing,
            )
            text = f"{_with_unit(text, unit)} ({interval})"
        else:
            text = _with_unit(text, unit)
        number = central if isinstance(central, int | float) and not isinstance(central, bool) else None
        return text, number
    number = value if isinstance(value, int | float) and not isinstance(value, bool) else None
    return _plain_value(value, language), number


def _plain_value(value: Any, language: str) -> str:
    if value is None:
        return word("value.none", language)
    if isinstance(value, bool):
        return word("value.true" if value else "value.false", language)
    if isinstance(value, int | float):
        return fmt_number(value, language)
    if isinstance(value, list):
        return ", ".join(_plain_value(v, language) for v in value)
    if isinstance(value, Mapping):
        return ", ".join(f"{k}: {_plain_value(v, language)}" for k, v in value.items())
    return str(value)


def parameter_label(name: str, language: str) -> str:
    """The reader's word for a parameter (``treatment_year`` -> ``startjaar van de maatregel``)."""
    from ccresearch.report.language import has, text

    key = f"parameter.{name}"
    return text(key, language) if has(key, language) else name.replace("_", " ")


def _region_words(code: Any) -> str:
    if not isinstance(code, str):
        return str(code)
    return _region_words_cached(code)


@functools.lru_cache(maxsize=1024)
def _region_words_cached(code: str) -> str:
    try:
        from ccresearch.sources.regions import region_name

        return f"{region_name(code)} ({code})"
    except Exception:  # an unknown code or no region files: the code as written
        return code


def parameter_value(name: str, value: Any, language: str) -> str:
    """A parameter value in words: region names, yes/no, language names, numbers in the language's style."""
    from ccresearch.runner import domains

    if value is None:
        return word("value.none", language)
    if name in domains.REGION_NAMES:
        return _region_words(value)
    if name in domains.REGION_LIST_NAMES and isinstance(value, list):
        return ", ".join(_region_words(v) for v in value)
    if name == "language" and value in LANGUAGES:
        return word_plain(f"language_name.{value}", language)
    if isinstance(value, int) and not isinstance(value, bool) and name.endswith("year"):
        return str(value)
    if domains.is_share(name) and isinstance(value, int | float) and not isinstance(value, bool):
        return fmt_number(100 * value, language).rstrip("0").rstrip(",.") + "%"
    return _plain_value(value, language)


def parameters_in_words(changed: Mapping[str, Any], language: str) -> list[str]:
    """``label: value`` for each parameter that differs from the notebook's default."""
    return [f"{parameter_label(k, language)}: {parameter_value(k, v, language)}" for k, v in changed.items()]


def headline_items(run: Mapping[str, Any], language: str) -> list[tuple[str, str, float | None]]:
    """(label, text, number) of each headline figure of a run.

    Uses the report's own formatted headline (``run.json`` key ``report``, in the run's language) when there
    is one, else formats the raw ``headline`` numbers in ``language``.
    """
    report = run.get("report") if isinstance(run.get("report"), Mapping) else {}
    raw = run.get("headline") if isinstance(run.get("headline"), Mapping) else {}
    formatted = report.get("headline") if isinstance(report.get("headline"), list) else []
    labels = {str(h.get("key")): str(h.get("label", "")) for h in formatted if isinstance(h, Mapping)}
    items: list[tuple[str, str, float | None]] = []
    if formatted:
        for h in formatted:
            if not isinstance(h, Mapping):
                continue
            key = str(h.get("key", ""))
            number = headline_value(raw[key], language)[1] if key in raw else None
            items.append((str(h.get("label") or key), str(h.get("text", "")), number))
        return items
    for key, value in raw.items():
        text, number = headline_value(value, language)
        items.append((labels.get(key) or key.replace("_", " "), text, number))
    return items


def report_title(run: Mapping[str, Any]) -> str:
    """The report's title in the run's language, else the notebook's name."""
    report = run.get("report")
    if isinstance(report, Mapping) and report.get("title"):
        return str(report["title"])
    stem = str(run.get("stem") or run.get("notebook") or "?")
    return stem.replace("_", " ")


def run_language(run: Mapping[str, Any]) -> str | None:
    """The language the run's report is written in (``report.language``, else the ``language`` parameter)."""
    report = run.get("report")
    if isinstance(report, Mapping) and report.get("language") in LANGUAGES:
        return str(report["language"])
    value = (run.get("parameters") or {}).get("language")
    return value if value in LANGUAGES else None


_MOMENT = re.compile(r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})Z")


def fmt_moment(text: Any, language: str) -> str:
    """``2026-12-01T20:30:00Z`` -> ``1-12-2026 20:30 UTC`` (nl) / ``2026-12-01 20:30 UTC`` (en)."""
    match = _MOMENT.fullmatch(str(text or ""))
    if match is None:
        return str(text or "")
    moment = _dt.datetime(*(int(g) for g in match.groups()))
    if language == "nl":
        return f"{moment.day}-{moment.month}-{moment.year} {moment:%H:%M} UTC"
    return f"{moment:%Y-%m-%d %H:%M} UTC"


def is_older_data(run: Mapping[str, Any], current_manifest: str) -> bool:
    """Whether a run was made on other processed data than the current build."""
    made_on = run.get("data_manifest")
    return bool(made_on) and current_manifest != "missing" and made_on != current_manifest


# --- the page ---------------------------------------------------------------------------------------------


def _status_cell(run: Mapping[str, Any], language: str, older: bool) -> str:
    esc = html.escape
    status = str(run.get("status", "unknown"))
    key = f"status.{status}" if status in ("ok", "cached", "failed") else "status.unknown"
    cell = f'<span class="status-{esc(status)}">{esc(word(key, language))}</span>'
    if older:
        cell += f'<br><span class="older">{esc(word("index.older_data", language))}</span>'
    return cell


def _row(run: Mapping[str, Any], language: str, current_manifest: str) -> str:
    esc = html.escape
    status = str(run.get("status", "unknown"))
    older = is_older_data(run, current_manifest)
    title = report_title(run)
    lang = run_language(run)
    lang_attr = f' lang="{esc(lang)}"' if lang and lang != language else ""
    link = f'<a href="{esc(str(run["link"]))}"{lang_attr}>{esc(title)}</a>'
    if status == "failed":
        link = f'{esc(title)}<br><a href="{esc(str(run["link"]))}">{esc(word("index.failure_details", language))}</a>'
    changed = run.get("overrides") if isinstance(run.get("overrides"), Mapping) else {}
    words = parameters_in_words(changed, language) if changed else [word("params.defaults", language)]
    params = '<ul class="params">' + "".join(f"<li>{esc(w)}</li>" for w in words) + "</ul>"
    head_attr = ""
    if status == "failed":
        head = esc(str(run.get("error", "")))
    else:
        items = headline_items(run, language)
        if isinstance(run.get("report"), Mapping) and run["report"].get("headline") and lang_attr:
            head_attr = lang_attr
        head = (
            '<ul class="params">'
            + "".join(f"<li>{esc(label)}: {esc(text)}</li>" for label, text, _n in items)
            + "</ul>"
            if items
            else esc(word("value.missing", language))
        )
    date = esc(fmt_moment(run.get("end") or run.get("start"), language))
    return (
        f'<tr><th scope="row">{link}</th><td>{params}</td><td{head_attr}>{head}</td>'
        f"<td>{_status_cell(run, language, older)}</td><td>{date}</td></tr>"
    )


def _sweep_item(sweep: Mapping[str, Any], language: str) -> str:
    esc = html.escape
    grid = sweep.get("grid") if isinstance(sweep.get("grid"), Mapping) else {}
    what = ", ".join(parameter_label(str(k), language) for k in grid) or str(sweep.get("id", ""))
    text = word(
        "index.sweep_link",
        language,
        what=what,
        runs=len(sweep.get("slugs") or []),
        date=fmt_moment(sweep.get("created"), language),
    )
    return f'<li><a href="{esc(str(sweep["link"]))}">{esc(text)}</a></li>'


def render_index(
    runs: list[dict[str, Any]],
    language: str = "nl",
    *,
    sweeps: list[dict[str, Any]] | None = None,
    current_manifest: str | None = None,
) -> str:
    """The index page in ``language`` for ``runs`` (from :func:`collect_runs`) and ``sweeps``."""
    from ccresearch.runner.cache import manifest_hash

    esc = html.escape
    current = current_manifest if current_manifest is not None else manifest_hash()
    sweeps = sweeps or []
    by_stem: dict[str, list[dict[str, Any]]] = {}
    for run in runs:
        by_stem.setdefault(str(run.get("stem", "?")), []).append(run)
    for sweep in sweeps:
        by_stem.setdefault(str(sweep.get("stem", "?")), [])
    sections = []
    for stem in sorted(by_stem):
        stem_runs = by_stem[stem]
        titles = [report_title(r) for r in stem_runs if r.get("status") != "failed"]
        heading = titles[0] if titles else stem.replace("_", " ")
        part = [f'<section aria-labelledby="h-{esc(stem)}">', f'<h2 id="h-{esc(stem)}">{esc(heading)}</h2>']
        if stem_runs:
            head = "".join(
                f'<th scope="col">{esc(word(k, language))}</th>'
                for k in ("col.report", "col.parameters", "col.headline", "col.status", "col.date")
            )
            rows = "\n".join(_row(r, language, current) for r in stem_runs)
            part.append(
                '<div class="table-wrap"><table>'
                f'<caption class="visually-hidden">{esc(word("index.caption", language, notebook=heading))}'
                f"</caption><thead><tr>{head}</tr></thead><tbody>\n{rows}\n</tbody></table></div>"
            )
        stem_sweeps = [s for s in sweeps if s.get("stem") == stem]
        if stem_sweeps:
            part.append(f"<h3>{esc(word('index.sweeps', language, notebook=heading))}</h3>")
            part.append("<ul>" + "".join(_sweep_item(s, language) for s in stem_sweeps) + "</ul>")
        if any(is_older_data(r, current) for r in stem_runs):
            part.append(f'<p class="note">{esc(word("index.older_data_note", language))}</p>')
        part.append("</section>")
        sections.append("\n".join(part))
    body = "\n".join(sections) or f"<p>{esc(word('index.empty', language))}</p>"
    other = "en" if language == "nl" else "nl"
    generated = fmt_moment(_dt.datetime.now(_dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"), language)
    intro = word(
        "index.intro",
        language,
        runs=len(runs),
        notebooks=len({r.get("stem") for r in runs}),
        generated=generated,
    )
    return f"""<!DOCTYPE html>
<html lang="{language}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(word("index.title", language))} – ccresearch</title>
<link rel="alternate" hreflang="{other}" href="{PAGE[other]}">
<style>{INDEX_CSS}
.visually-hidden {{ position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0);
  white-space: nowrap; }}</style>
</head>
<body>
<main>
<p class="lang"><a href="{PAGE[other]}" hreflang="{other}" lang="{other}">{esc(word("index.other_language", language))}</a></p>
<h1>{esc(word("index.title", language))}</h1>
<p class="note">{esc(intro)}</p>
{body}
</main>
</body>
</html>
"""


def write_index(reports_root: str | Path | None = None) -> Path:
    """Write ``index.html`` (Dutch) and ``index.en.html`` (English) in the reports folder; returns the first."""
    from ccresearch.runner.cache import manifest_hash

    root = Path(reports_root) if reports_root is not None else paths.reports_dir()
    root.mkdir(parents=True, exist_ok=True)
    runs, sweeps, current = collect_runs(root), collect_sweeps(root), manifest_hash()
    for language in ("en", "nl"):
        page = render_index(runs, language, sweeps=sweeps, current_manifest=current)
        write_text(root / PAGE[language], page)
    return root / PAGE["nl"]
