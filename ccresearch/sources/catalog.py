"""The raw inputs and their sidecars: origin, licence, date retrieved and sha256 of every raw file.

Each raw file ``NAME`` has a sidecar ``NAME.meta.yaml`` beside it::

    origin: shared/data/cbs/83582NED/... (CBS StatLine table 83582NED)
    licence: CBS open data, CC BY 4.0
    retrieved: 2026-11-24
    sha256: 612a4e...
    description: one line on what the file holds

A file that carries no metadata of its own (a long CBS CSV: codes and numbers only) may say how to read it
in optional fields (``SIDECAR_OPTIONAL_FIELDS``): ``measure`` (the project's name of the value, e.g.
``jobs``), ``unit`` (as CBS states it, e.g. ``x 1 000``), ``decimals`` (published decimals), ``rounded_to``
(the step CBS rounds to, in the unit, when coarser than the decimals, e.g. ``5``) and ``code_lists`` (the
table under ``cbs/`` whose code lists name the file's codes). The readers check their values.

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
SIDECAR_OPTIONAL_FIELDS = ("measure", "unit", "decimals", "rounded_to", "code_lists")
_ALL_FIELDS = SIDECAR_FIELDS + SIDECAR_OPTIONAL_FIELDS
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
    measure: str = ""
    unit: str = ""
    decimals: str = ""
    rounded_to: str = ""
    code_lists: str = ""

    def written(self) -> dict[str, str]:
        """The fields as written to the YAML file: the five always, the optional ones when given."""
        fields = asdict(self)
        return {k: fields[k] for k in _ALL_FIELDS if k in SIDECAR_FIELDS or fields[k]}


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
            expected=f"a sidecar {side.name} with {', '.join(SIDECAR_FIELDS[:4])}",
            mend=f"run ccresearch sidecar {path} --origin TEXT --licence TEXT",
        )
    try:
        data = yaml.safe_load(side.read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise InputError(
            f"sidecar is not valid YAML: {exc}",
            file=side,
            mend="fix the YAML, or delete it and run ccresearch sidecar",
        ) from exc
    if not isinstance(data, dict):
        raise InputError(
            "sidecar is not a mapping",
            file=side,
            value=data,
            expected="key: value lines",
            mend="write one 'field: value' per line",
        )
    for key in SIDECAR_FIELDS[:4]:
        if not str(data.get(key) or "").strip():
            raise InputError(
                "sidecar lacks a field",
                file=side,
                field=key,
                expected="a non-empty value",
                mend=f"run ccresearch sidecar FILE --{key} TEXT"
                if key != "sha256"
                else "run ccresearch sidecar FILE",
            )
    unknown = sorted(set(data) - set(_ALL_FIELDS))
    if unknown:
        raise InputError(
            "sidecar has unknown fields",
            file=side,
            value=unknown,
            expected=f"{list(SIDECAR_FIELDS)}, optionally {list(SIDECAR_OPTIONAL_FIELDS)}",
            mend="remove or rename the unknown fields",
        )
    return Sidecar(**{k: _text(data.get(k)) for k in _ALL_FIELDS})


def _text(value: object) -> str:
    """A YAML scalar as text; 0 stays '0', only an absent value is empty."""
    return "" if value is None else str(value)


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
            mend=f"if the change is intended, refresh the sidecar: ccresearch sidecar {path}",
        )
    return sidecar


def verify_all(raw: Path) -> dict[str, Sidecar]:
    """Verify every raw file below ``raw``; returns relative path -> sidecar. Orphan sidecars are errors."""
    result: dict[str, Sidecar] = {}
    changed: list[tuple[Path, ChecksumMismatch]] = []
    for path in data_files(raw):
        try:
            result[path.relative_to(raw).as_posix()] = verify(path)
        except ChecksumMismatch as exc:
            changed.append((path, exc))
    if changed:
        names = [p.relative_to(raw).as_posix() for p, _ in changed]
        first_path, first = changed[0]
        command = "ccresearch sidecar " + " ".join(str(p) for p, _ in changed)
        raise ChecksumMismatch(
            f"checksum mismatch in {len(changed)} file(s), changed since their sidecars were written: "
            + ", ".join(names),
            file=first_path,
            field="sha256",
            value=first.value,
            expected=first.expected,
            mend=f"if every change is intended, refresh the sidecars: {command}",
        )
    for side in sorted(raw.rglob("*" + SIDECAR_SUFFIX)):
        if is_hidden(side, raw):
            continue
        target = side.with_name(side.name[: -len(SIDECAR_SUFFIX)])
        if not target.exists():
            raise InputError(
                "sidecar without its data file",
                file=side,
                expected=f"a file {target.name}",
                mend="restore the data file, or delete the sidecar",
            )
    return result


SIDECAR_TEXT_FIELDS = ("origin", "licence", "retrieved", "description")


def write_sidecar(
    path: Path,
    *,
    origin: str | None = None,
    licence: str | None = None,
    retrieved: str | None = None,
    description: str | None = None,
    replace: bool = False,
    extra: dict[str, str] | None = None,
) -> Sidecar:
    """Write or refresh the sidecar of ``path``: sha256 recomputed, other fields kept unless given.

    ``extra`` sets optional fields (``SIDECAR_OPTIONAL_FIELDS``); optional fields already recorded are kept.

    A given field that differs from the one already recorded is refused unless ``replace`` is True: a
    refreshed checksum must not silently rewrite provenance. :func:`sidecar_changes` says what changes.
    """
    import yaml

    side = sidecar_path(path)
    old = _old_fields(side)
    extra = dict(extra or {})
    unknown = sorted(set(extra) - set(SIDECAR_OPTIONAL_FIELDS))
    if unknown:
        raise InputError(
            "not an optional sidecar field",
            file=side,
            field=unknown[0],
            expected=f"one of {list(SIDECAR_OPTIONAL_FIELDS)}",
            mend="write the standard fields with their own options (--origin, --licence, ...)",
        )
    given = {
        "origin": origin,
        "licence": licence,
        "retrieved": retrieved,
        "description": description,
        **extra,
    }
    if not replace:
        for key, value in given.items():
            before = str(old.get(key) or "")
            if value is not None and before and str(value) != before:
                raise InputError(
                    "the sidecar already records a different value",
                    file=side,
                    field=key,
                    value=str(value),
                    expected=f"the recorded {key} {before!r}, or --replace to overwrite it",
                    mend=f"leave out --{key} to keep it, or add --replace to change it",
                )
    fields = {
        "origin": origin or old.get("origin"),
        "licence": licence or old.get("licence"),
        "retrieved": str(retrieved or old.get("retrieved") or dt.date.today().isoformat()),
        "sha256": sha256_of(path),
        "description": description or old.get("description") or "",
        **{k: extra.get(k, old.get(k, "")) for k in SIDECAR_OPTIONAL_FIELDS},
    }
    for key in ("origin", "licence"):
        if not fields[key]:
            raise InputError(
                "a new sidecar needs this field",
                file=side,
                field=key,
                expected=f"--{key} TEXT",
                mend=f"run ccresearch sidecar {path} --{key} TEXT",
            )
    sidecar = Sidecar(**{k: str(v) for k, v in fields.items()})
    atomic.write_text(side, yaml.safe_dump(sidecar.written(), sort_keys=False, allow_unicode=True))
    return sidecar


def _old_fields(side: Path) -> dict[str, str]:
    import yaml

    if not side.exists():
        return {}
    try:
        data = yaml.safe_load(side.read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise InputError(
            f"sidecar is not valid YAML: {exc}", file=side, mend="fix or delete the sidecar"
        ) from exc
    return {k: str(v) for k, v in data.items() if v is not None} if isinstance(data, dict) else {}


def sidecar_changes(before: dict[str, str], after: Sidecar) -> list[tuple[str, str, str]]:
    """(field, old, new) for every field whose value differs between an old sidecar and a new one."""
    new = asdict(after)
    return [
        (k, str(before.get(k) or ""), str(new[k]))
        for k in _ALL_FIELDS
        if str(before.get(k) or "") != str(new[k])
    ]


def read_sidecar_fields(path: Path) -> dict[str, str]:
    """The fields recorded in the sidecar of ``path`` (empty when it has none), without checking them."""
    return _old_fields(sidecar_path(path))
