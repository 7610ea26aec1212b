"""The raw inputs and their sidecars: origin, licence, date retrieved and sha256 of every raw file.

Each raw file ``NAME`` has a sidecar ``NAME.meta.yaml`` beside it::

    origin: shared/data/cbs/83582NED/... (CBS StatLine table 83582NED)
    licence: CBS open data, CC BY 4.0
    retrieved: 2026-11-24
    sha256: 612a4e...
    description: one line on what the file holds

The build verifies every checksum before it reads anything and stops with :class:`ChecksumMismatch`
naming the file when the bytes changed. ``ccresearch sidecar FILE`` writes or refreshes a sidecar.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from pathlib import Path

from ccresearch import atomic
from ccresearch.errors import ChecksumMismatch, InputError
from ccresearch.fingerprint import sha256_of

SIDECAR_SUFFIX = ".meta.yaml"
SIDECAR_FIELDS = ("origin", "licence", "retrieved", "sha256", "description")
# files in data/raw that are documentation, not data: they need no sidecar
_NOT_DATA = {"README.md", ".gitkeep"}


@dataclass(frozen=True)
class Sidecar:
    """Provenance of one raw file."""

    origin: str
    licence: str
    retrieved: str
    sha256: str
    description: str = ""


def sidecar_path(path: Path) -> Path:
    """Where the sidecar of ``path`` lives."""
    return path.with_name(path.name + SIDECAR_SUFFIX)


def is_data_file(path: Path) -> bool:
    """True for a raw data file (not a sidecar, not documentation, not a hidden file)."""
    return (
        path.is_file()
        and not path.name.endswith(SIDECAR_SUFFIX)
        and path.name not in _NOT_DATA
        and not any(part.startswith(".") for part in path.parts[-1:])
    )


def is_hidden(path: Path, root: Path) -> bool:
    """True for a path that is, or lies under, a hidden name below ``root`` (temporary downloads, old
    copies): those are never raw data."""
    return any(part.startswith(".") for part in path.relative_to(root).parts)


def data_files(raw: Path) -> list[Path]:
    """Every raw data file below ``raw``, sorted (deterministic order); hidden folders are not raw data."""
    return sorted(p for p in raw.rglob("*") if is_data_file(p) and not is_hidden(p, raw))


def read_sidecar(path: Path) -> Sidecar:
    """Read and check the sidecar of raw file ``path``."""
    import yaml

    side = sidecar_path(path)
    if not side.exists():
        raise InputError(
            "raw file has no sidecar",
            file=path,
            expected=f"a sidecar {side.name} with {', '.join(SIDECAR_FIELDS[:4])} (ccresearch sidecar FILE)",
        )
    try:
        data = yaml.safe_load(side.read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise InputError(f"sidecar is not valid YAML: {exc}", file=side) from exc
    if not isinstance(data, dict):
        raise InputError("sidecar is not a mapping", file=side, value=data, expected="key: value lines")
    for key in SIDECAR_FIELDS[:4]:
        if not str(data.get(key) or "").strip():
            raise InputError("sidecar lacks a field", file=side, field=key, expected="a non-empty value")
    unknown = sorted(set(data) - set(SIDECAR_FIELDS))
    if unknown:
        raise InputError(
            "sidecar has unknown fields", file=side, value=unknown, expected=list(SIDECAR_FIELDS)
        )
    return Sidecar(**{k: str(data.get(k) or "") for k in SIDECAR_FIELDS})


def verify(path: Path) -> Sidecar:
    """Check one raw file against its sidecar; raise ChecksumMismatch naming the file when bytes changed."""
    sidecar = read_sidecar(path)
    actual = sha256_of(path)
    if actual != sidecar.sha256.lower():
        raise ChecksumMismatch(
            "checksum mismatch: the file changed since its sidecar was written",
            file=path,
            field="sha256",
            value=actual,
            expected=f"{sidecar.sha256} (as recorded in {sidecar_path(path).name})",
        )
    return sidecar


def verify_all(raw: Path) -> dict[str, Sidecar]:
    """Verify every raw file below ``raw``; returns relative path -> sidecar. Orphan sidecars are errors."""
    result: dict[str, Sidecar] = {}
    for path in data_files(raw):
        result[path.relative_to(raw).as_posix()] = verify(path)
    for side in sorted(raw.rglob("*" + SIDECAR_SUFFIX)):
        if is_hidden(side, raw):
            continue
        target = side.with_name(side.name[: -len(SIDECAR_SUFFIX)])
        if not target.exists():
            raise InputError("sidecar without its data file", file=side, expected=f"a file {target.name}")
    return result


def write_sidecar(
    path: Path,
    *,
    origin: str | None = None,
    licence: str | None = None,
    retrieved: str | None = None,
    description: str | None = None,
) -> Sidecar:
    """Write or refresh the sidecar of ``path``: sha256 recomputed, other fields kept unless given."""
    import yaml

    old: dict[str, str] = {}
    side = sidecar_path(path)
    if side.exists():
        old = yaml.safe_load(side.read_text(encoding="utf-8")) or {}
    fields = {
        "origin": origin or old.get("origin"),
        "licence": licence or old.get("licence"),
        "retrieved": str(retrieved or old.get("retrieved") or dt.date.today().isoformat()),
        "sha256": sha256_of(path),
        "description": description or old.get("description") or "",
    }
    for key in ("origin", "licence"):
        if not fields[key]:
            raise InputError("a new sidecar needs this field", file=side, field=key, expected=f"--{key} TEXT")
    sidecar = Sidecar(**fields)  # type: ignore[arg-type]
    atomic.write_text(side, yaml.safe_dump(asdict(sidecar), sort_keys=False, allow_unicode=True))
    return sidecar
