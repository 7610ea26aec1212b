"""Sweep comparison pages: the runs of one sweep side by side, sortable, and the same table as CSV.

Every ``ccresearch sweep`` writes ``reports/<stem>/_sweeps/<sweep-id>/``:

- ``index.html`` (Dutch) and ``index.en.html`` (English): a row per run with the swept parameters in words
  (region names, not codes), each headline value with its interval and unit, and the status; a click on a
  column header (a button, so the keyboard works too) sorts the table. Self-contained: the small sorting
  script is inline, nothing is requested from any host, every string is escaped.
- ``summary.csv``: the same rows with raw values (codes, numbers, interval bounds), for a spreadsheet.
- ``sweep.json``: what the index needs to link the page.

The sweep id is the swept parameter names and a hash of the runs' folders, so running the same sweep again
updates its page instead of adding one.
"""

from __future__ import annotations

import csv
import datetime as _dt
import html
import io
import json
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

from ccresearch.atomic import write_text
from ccresearch.runner.cache import short_hash
from ccresearch.runner.execute import RunPlan, RunResult
from ccresearch.runner.index import (
    INDEX_CSS,
    PAGE,
    SWEEPS_DIR,
    fmt_moment,
    headline_value,
    is_older_data,
    parameter_label,
    parameter_value,
    parameters_in_words,
    report_title,
    word,
)

_UNSAFE = re.compile(r"[^A-Za-z0-9._+-]+")

SORT_SCRIPT = """
(function () {
  var lang = document.documentElement.lang;
  Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), function (table) {
    var heads = table.tHead.rows[0].cells;
    Array.prototype.forEach.call(heads, function (th, col) {
      var button = th.querySelector("button");
      if (!button) { return; }
      button.addEventListener("click", function () {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        Array.prototype.forEach.call(heads, function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = a.cells[col].getAttribute("data-sort") || "";
          var y = b.cells[col].getAttribute("data-sort") || "";
          if (x === "" || y === "") { return (x === "") - (y === ""); }  /* missing values last */
          var nx = Number(x), ny = Number(y);
          var order = (!isNaN(nx) && !isNaN(ny)) ? nx - ny : x.localeCompare(y, lang);
          return ascending ? order : -order;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      });
    });
  });
})();
"""


def sweep_id(grid: Mapping[str, Any], slugs: Sequence[str]) -> str:
    """A stable folder name for a sweep: the swept names and a hash of the runs' folders."""
    names = "-".join(_UNSAFE.sub("-", str(n)) for n in grid) or "runs"
    return f"{names[:60].strip('-.') or 'runs'}-{short_hash(json.dumps(sorted(slugs)), 8)}"


def _run_json(plan: RunPlan, result: RunResult | None) -> dict[str, Any]:
    folder = plan.failed_folder if result is not None and result.status == "failed" else plan.folder
    try:
        run = json.loads((folder / "run.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        run = {}
    if not isinstance(run, dict):
        run = {}
    run.setdefault("stem", plan.stem)
    run.setdefault("slug", plan.slug)
    run.setdefault("parameters", plan.values)
    run.setdefault("overrides", plan.overrides)
    if result is not None:
        run["status"] = result.status
        if result.error:
            run["error"] = result.error
        if result.headline and not run.get("headline"):
            run["headline"] = result.headline
    return run


def _headline_keys(runs: Sequence[Mapping[str, Any]]) -> list[str]:
    keys: list[str] = []
    for run in runs:
        for key in run.get("headline") or {}:
            if key not in keys:
                keys.append(key)
    return keys


def _headline_labels(runs: Sequence[Mapping[str, Any]], language: str) -> dict[str, str]:
    labels: dict[str, str] = {}
    for run in runs:
        report = run.get("report") if isinstance(run.get("report"), Mapping) else {}
        if report.get("language") != language:
            continue
        for item in report.get("headline") or []:
            if isinstance(item, Mapping) and item.get("key") and item.get("label"):
                labels.setdefault(str(item["key"]), str(item["label"]))
    return labels


def _sort_key(value: Any) -> str:
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, int | float):
        return repr(float(value))
    return "" if value is None else str(value)


def render_summary(
    runs: Sequence[Mapping[str, Any]],
    grid_names: Sequence[str],
    language: str,
    *,
    created: str,
    current_manifest: str,
) -> str:
    """The comparison page in ``language`` for ``runs`` (run.json dicts with ``link`` to each report)."""
    esc = html.escape
    stem = str(runs[0].get("stem", "")) if runs else ""
    titles = [report_title(r) for r in runs if r.get("status") != "failed"]
    title = word("sweep.title", language, title=titles[0] if titles else stem.replace("_", " "))
    keys = _headline_keys(runs)
    labels = _headline_labels(runs, language)
    columns = [parameter_label(n, language) for n in grid_names]
    columns += [labels.get(k) or k.replace("_", " ") for k in keys]
    columns.append(word("col.status", language))
    head = "".join(
        f'<th scope="col"><button type="button" aria-label="{esc(word("sweep.sort", language, column=c))}">'
        f"{esc(c)}</button></th>"
        for c in columns
    )
    rows = []
    for run in runs:
        params = run.get("parameters") if isinstance(run.get("parameters"), Mapping) else {}
        cells = []
        for i, name in enumerate(grid_names):
            value = params.get(name)
            text = esc(parameter_value(name, value, language))
            if i == 0:
                link = run.get("link")
                inner = f'<a href="{esc(str(link))}">{text}</a>' if link else text
                cell_words = parameter_value(name, value, language)
                sort = value if isinstance(value, int | float) else cell_words
                cells.append(f'<th scope="row" data-sort="{esc(_sort_key(sort))}">{inner}</th>')
            else:
                sort = value if isinstance(value, int | float) else parameter_value(name, value, language)
                cells.append(f'<td data-sort="{esc(_sort_key(sort))}">{text}</td>')
        raw = run.get("headline") if isinstance(run.get("headline"), Mapping) else {}
        for key in keys:
            if key in raw and run.get("status") != "failed":
                text, number = headline_value(raw[key], language)
                cells.append(f'<td class="num" data-sort="{esc(_sort_key(number))}">{esc(text)}</td>')
            else:
                cells.append(f'<td class="num" data-sort="">{esc(word("value.missing", language))}</td>')
        status = str(run.get("status", "unknown"))
        key = f"status.{status}" if status in ("ok", "cached", "failed") else "status.unknown"
        status_html = f'<span class="status-{esc(status)}">{esc(word(key, language))}</span>'
        if status == "failed" and run.get("error"):
            status_html += f"<br>{esc(str(run['error']))}"
        if is_older_data(run, current_manifest):
            status_html += f'<br><span class="older">{esc(word("index.older_data", language))}</span>'
        cells.append(f'<td data-sort="{esc(word(key, language))}">{status_html}</td>')
        rows.append("<tr>" + "".join(cells) + "</tr>")
    fixed = {}
    if runs:
        first = runs[0].get("overrides") if isinstance(runs[0].get("overrides"), Mapping) else {}
        fixed = {k: v for k, v in first.items() if k not in grid_names}
    fixed_words = parameters_in_words(fixed, language)
    fixed_html = (
        f'<p class="note">{esc(word("sweep.fixed", language, settings="; ".join(fixed_words)))}</p>'
        if fixed_words
        else ""
    )
    intro = word(
        "sweep.intro",
        language,
        runs=len(runs),
        notebook=stem.replace("_", " "),
        date=fmt_moment(created, language),
    )
    other = "en" if language == "nl" else "nl"
    return f"""<!DOCTYPE html>
<html lang="{language}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(title)}</title>
<style>{INDEX_CSS}
.visually-hidden {{ position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0);
  white-space: nowrap; }}</style>
</head>
<body>
<main>
<p class="lang"><a href="{PAGE[other]}" hreflang="{other}" lang="{other}">{esc(word("index.other_language", language))}</a></p>
<p><a href="../../../{PAGE[language]}">{esc(word("sweep.back", language))}</a></p>
<h1>{esc(title)}</h1>
<p class="note">{esc(intro)}</p>
{fixed_html}
<p><a href="summary.csv" download>{esc(word("sweep.csv", language))}</a></p>
<div class="table-wrap">
<table class="sortable">
<caption class="visually-hidden">{esc(word("sweep.caption", language))}</caption>
<thead><tr>{head}</tr></thead>
<tbody>
{chr(10).join(rows)}
</tbody>
</table>
</div>
</main>
<script>{SORT_SCRIPT}</script>
</body>
</html>
"""


def summary_csv(runs: Sequence[Mapping[str, Any]], grid_names: Sequence[str]) -> str:
    """The comparison as CSV: raw parameter values (and region names), headline values with bounds."""
    from ccresearch.runner import domains
    from ccresearch.runner.index import _region_words

    keys = _headline_keys(runs)
    header = ["run", "status"]
    for name in grid_names:
        header.append(name)
        if name in domains.REGION_NAMES:
            header.append(f"{name}_name")
    for key in keys:
        header += [key, f"{key}_low", f"{key}_high", f"{key}_unit"]
    header += ["data_manifest", "end", "report", "error"]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for run in runs:
        params = run.get("parameters") if isinstance(run.get("parameters"), Mapping) else {}
        row: list[Any] = [run.get("slug", ""), run.get("status", "")]
        for name in grid_names:
            value = params.get(name)
            row.append(
                "+".join(map(str, value)) if isinstance(value, list) else ("" if value is None else value)
            )
            if name in domains.REGION_NAMES:
                row.append(_region_words(value).rsplit(" (", 1)[0] if value else "")
        raw = run.get("headline") if isinstance(run.get("headline"), Mapping) else {}
        for key in keys:
            value = raw.get(key)
            if isinstance(value, Mapping):
                row += [value.get("value"), value.get("low"), value.get("high"), value.get("unit")]
            else:
                row += [value, None, None, None]
        row += [run.get("data_manifest", ""), run.get("end", ""), run.get("link", ""), run.get("error", "")]
        writer.writerow(["" if v is None else v for v in row])
    return out.getvalue()


def write_sweep_summary(
    plans: Sequence[RunPlan], results: Sequence[RunResult], grid: Mapping[str, Any]
) -> Path:
    """Write the comparison pages, CSV and sweep.json of one sweep; returns the Dutch page's path."""
    from ccresearch.runner.cache import manifest_hash

    if not plans:
        raise ValueError("a sweep without runs has nothing to compare")
    by_slug = {r.slug: r for r in results}
    stem, root = plans[0].stem, plans[0].reports_root
    ident = sweep_id(grid, [p.slug for p in plans])
    folder = root / stem / SWEEPS_DIR / ident
    runs = []
    for plan in plans:
        result = by_slug.get(plan.slug)
        run = _run_json(plan, result)
        if run.get("status") == "failed":
            run["link"] = f"../../../_failed/{quote(plan.stem)}/{quote(plan.slug)}/run.json"
        else:
            run["link"] = f"../../{quote(plan.slug)}/report.html"
        runs.append(run)
    created = _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    names = list(grid)
    current = manifest_hash()
    for language in ("en", "nl"):
        page = render_summary(runs, names, language, created=created, current_manifest=current)
        write_text(folder / PAGE[language], page)
    write_text(folder / "summary.csv", summary_csv(runs, names))
    meta = {
        "id": ident,
        "stem": stem,
        "grid": {n: list(grid[n]) for n in names},
        "slugs": [p.slug for p in plans],
        "created": created,
        "statuses": {s: sum(r.get("status") == s for r in runs) for s in ("ok", "cached", "failed")},
    }
    write_text(folder / "sweep.json", json.dumps(meta, indent=2, ensure_ascii=False) + "\n")
    return folder / PAGE["nl"]
