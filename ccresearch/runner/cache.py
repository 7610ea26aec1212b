"""Run identity: the folder slug of a parameter set and the cache key of a run.

A run is skipped (reported as cached) when the notebook's cells, the parameters, the processed-data manifest
(which lists the sha256 of every raw input, so any change under ``data/raw`` counts once the data is rebuilt),
the raw inputs it names and the library source are unchanged since the last successful run in the same folder.
The runner rebuilds stale data before it computes a key, so the key names the data the run will read.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ccresearch import paths
from ccresearch.fingerprint import library_hash

SLUG_MAX = 80
_UNSAFE = re.compile(r"[^A-Za-z0-9._+-]+")


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def short_hash(text: str | bytes, n: int = 8) -> str:
    """The first ``n`` hex digits of the sha256 of ``text``."""
    data = text.encode("utf-8") if isinstance(text, str) else text
    return hashlib.sha256(data).hexdigest()[:n]


def _slug_value(value: Any) -> str:
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "+".join(_slug_value(v) for v in value) or "empty"
    text = _UNSAFE.sub("-", str(value)).strip("-.")
    return text or "x"


def make_slug(overrides: Mapping[str, Any]) -> str:
    """Readable, stable folder name of a parameter set: ``default`` or ``name-value_name-value``.

    Only the values that differ from the defaults count; long slugs are cut and end in a short hash of the
    full parameter set, so different sets never share a folder.
    """
    if not overrides:
        return "default"
    slug = "_".join(f"{_UNSAFE.sub('-', name)}-{_slug_value(v)}" for name, v in overrides.items())
    if len(slug) > SLUG_MAX or slug.startswith((".", "_")):
        slug = slug[: SLUG_MAX - 9].rstrip("-_.+") + "-" + short_hash(_canonical(dict(overrides)))
    return slug.lstrip("._") or short_hash(_canonical(dict(overrides)))


def notebook_hash(nb: Mapping[str, Any]) -> str:
    """Hash of what a notebook computes: its cells' types and sources (outputs and metadata ignored)."""
    cells = []
    for cell in nb.get("cells", []):
        src = cell.get("source", "")
        cells.append([cell.get("cell_type"), "".join(src) if isinstance(src, list) else src])
    return short_hash(_canonical(cells), 16)


def manifest_hash(processed: Path | None = None) -> str:
    """sha256 (16 hex digits) of the processed-data manifest, or ``"missing"``."""
    return str(data_identity(processed)["manifest"])


def data_identity(processed: Path | None = None) -> dict[str, Any]:
    """The data a run reads, from the manifest of the processed folder.

    ``manifest``: hash of ``manifest.json``; ``raw_inputs``: hash of the raw inputs it lists; ``inputs``: each
    raw file (path under ``data/raw``) with its sha256. ``"missing"`` hashes and no inputs when not built.
    """
    folder = processed if processed is not None else paths.processed_dir()
    try:
        data = (folder / "manifest.json").read_bytes()
    except FileNotFoundError:
        return {"manifest": "missing", "raw_inputs": "missing", "inputs": {}}
    try:
        inputs = json.loads(data).get("inputs", {})
    except (ValueError, AttributeError):
        inputs = {}
    return {
        "manifest": short_hash(data, 16),
        "raw_inputs": short_hash(_canonical(inputs), 16),
        "inputs": inputs if isinstance(inputs, dict) else {},
    }


def data_key(processed: Path | None = None) -> dict[str, str]:
    """The data parts of a cache key: ``data_manifest`` and ``raw_inputs``."""
    data = data_identity(processed)
    return {"data_manifest": str(data["manifest"]), "raw_inputs": str(data["raw_inputs"])}


def cache_key(
    nb: Mapping[str, Any], values: Mapping[str, Any], *, manifest: str | None = None
) -> dict[str, str]:
    """The parts that decide whether a run can be reused (all short hashes).

    ``manifest`` replaces the hash of the manifest (tests); by default both data parts come from
    :func:`data_key`.
    """
    data = data_key()
    if manifest is not None:
        data["data_manifest"] = manifest
    return {
        "notebook": notebook_hash(nb),
        "parameters": short_hash(_canonical(dict(values)), 16),
        **data,
        "library": library_hash(),
    }


def cached_run(folder: Path, key: Mapping[str, str]) -> dict[str, Any] | None:
    """The run.json of a reusable earlier run in ``folder`` (same key, succeeded, report present), or None."""
    try:
        run = json.loads((folder / "run.json").read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return None
    if run.get("status") != "ok" or run.get("cache_key") != dict(key):
        return None
    if not (folder / "report.html").is_file() or not (folder / "results.json").is_file():
        return None
    return run
