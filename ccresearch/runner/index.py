"""``reports/index.html``: every run found under the reports folder, one self-contained page.

Reads only the small ``run.json`` files (no notebook, no pandas), so rewriting the index is instant.
"""

from __future__ import annotations

import datetime as _dt
import html
import json
from pathlib import Path
from typing import Any
from urllib.parse import quote

from ccresearch import atomic, paths
from ccresearch.runner.execute import FAILED_DIR

INDEX_CSS = """
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0; color: #222; }
main { max-width: 70rem; margin: 0 auto; padding: 0.75rem; box-sizing: border-box; }
h1 { font-size: 1.4rem; }
.table-wrap { max-width: 100%; overflow-x: auto; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 0.3rem 0.6rem 0.3rem 0; border-bottom: 1px solid #ddd; vertical-align: top; }
td code { font-size: 0.85em; overflow-wrap: anywhere; }
.status-ok, .status-cached { color: #1b5e20; }
.status-failed { color: #b71c1c; font-weight: bold; }
.note { color: #555; font-size: 0.9em; }
@media (max-width: 640px) {  /* phones: one card per run instead of a wide table */
  table, tbody, tr, td { display: block; width: 100%; box-sizing: border-box; }
  thead { display: none; }
  tr { border-bottom: 1px solid #bbb; padding: 0.4rem 0; }
  td { border: 0; padding: 0.1rem 0; }
  td::before { content: attr(data-label) ": "; font-weight: 600; }
}
"""


def _load(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
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
        run["link"] = f"{FAILED_DIR}/{quote(folder.parent.name)}/{quote(folder.name)}/run.json"
        run["_key"] = (folder.parent.name, folder.name, 1)
        runs.append(run)
    runs.sort(key=lambda r: r.pop("_key"))
    return runs


def _params_text(run: dict[str, Any]) -> str:
    changed = run.get("overrides") or {}
    if not changed:
        return "defaults"
    return ", ".join(f"{k}={json.dumps(v, ensure_ascii=False)}" for k, v in changed.items())


def _number(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:,.4g}"
    return json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value


def render_index(runs: list[dict[str, Any]]) -> str:
    """The index page for ``runs`` (from :func:`collect_runs`)."""
    esc = html.escape
    rows = []
    for run in runs:
        status = run.get("status", "unknown")
        head = "; ".join(f"{k} = {_number(v)}" for k, v in (run.get("headline") or {}).items())
        if status == "failed":
            head = run.get("error", "")
        label = "report" if status != "failed" else "failure details"
        rows.append(
            "<tr>"
            f'<td data-label="Notebook">{esc(run.get("stem", ""))}</td>'
            f'<td data-label="Parameters"><code>{esc(_params_text(run))}</code></td>'
            f'<td data-label="Status" class="status-{esc(status)}">{esc(status)}</td>'
            f'<td data-label="Date (UTC)">{esc(run.get("start", ""))}</td>'
            f'<td data-label="Duration">{float(run.get("duration_s", 0)):.1f} s</td>'
            f'<td data-label="Headline">{esc(head)}</td>'
            f'<td data-label="Link"><a href="{esc(run["link"])}">{label}</a></td>'
            "</tr>"
        )
    body = (
        "\n".join(rows) or '<tr><td colspan="7">No runs yet: run <code>ccresearch reports</code>.</td></tr>'
    )
    generated = _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>ccresearch reports</title>
<style>{INDEX_CSS}</style>
</head>
<body>
<main>
<h1>ccresearch reports</h1>
<p class="note">{len(runs)} runs; generated {esc(generated)}.</p>
<div class="table-wrap">
<table>
<thead><tr><th>Notebook</th><th>Parameters</th><th>Status</th><th>Date (UTC)</th><th>Duration</th>
<th>Headline</th><th>Link</th></tr></thead>
<tbody>
{body}
</tbody>
</table>
</div>
</main>
</body>
</html>
"""


def write_index(reports_root: str | Path | None = None) -> Path:
    """Write ``index.html`` in the reports folder (atomically) and return its path."""
    root = Path(reports_root) if reports_root is not None else paths.reports_dir()
    root.mkdir(parents=True, exist_ok=True)
    target = root / "index.html"
    atomic.write_text(target, render_index(collect_runs(root)))
    return target
