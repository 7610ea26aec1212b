"""CBS region codes (GMxxxx gemeente, CRxx COROP, PVxx provincie, NL01), names and hierarchy.

Read from ``data/raw/regions`` with the standard library only, so that parameter checks stay fast
(no pandas import). The hierarchy is gemeente -> COROP -> provincie -> NL01 where a source gives the
link; COROP -> provincie is known only for Limburg (CR37-CR39 -> PV31) and is missing elsewhere.
"""

from __future__ import annotations

import csv
import difflib
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ccresearch import paths
from ccresearch.errors import InputError

LEVELS = ("country", "provincie", "corop", "gemeente", "unclassified")
CODE_PATTERN = re.compile(r"^(NL\d{2}|PV\d{2}|CR\d{2}|GM\d{4})$")
WONINGWAARDERING = "regions/woningwaardering_corop.generated.csv"
REFERENCE = "regions/regions_reference.csv"
LIMBURG = "regions/limburg_gemeenten_corop_from_woningwaardering.csv"


@dataclass(frozen=True)
class Region:
    """One region: CBS code, name, level and the code of the region that contains it (or None)."""

    code: str
    name: str
    level: str
    parent: str | None


def normalise_code(value: str) -> str:
    """Strip CBS padding and case: ``'CR39  '`` -> ``'CR39'``."""
    return value.strip().upper()


def _key(name: str) -> str:
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[\s\-–_/']+", " ", text).strip().casefold()


def _read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@lru_cache(maxsize=8)
def _table(raw: Path) -> dict[str, Region]:
    regions: dict[str, Region] = {}
    reference = _read_csv(raw / REFERENCE)
    parent_of = {r["region_code"]: (r["parent_code"] or None) for r in reference}
    for row in _read_csv(raw / WONINGWAARDERING):
        corop = "CR" + row["COROP-gebiedcode"].strip().zfill(2)
        gemeente = "GM" + row["Gemeentecode"].strip().zfill(4)
        regions[corop] = Region(corop, row["COROP-gebied"].strip(), "corop", parent_of.get(corop))
        regions[gemeente] = Region(gemeente, row["Gemeente"].strip(), "gemeente", corop)
    for row in reference:
        code = row["region_code"]
        regions[code] = Region(code, row["region_name"], row["level"], row["parent_code"] or None)
    # cross-check the Limburg file against the generated mapping: a disagreement is an input error
    for i, row in enumerate(_read_csv(raw / LIMBURG), start=2):
        known = regions.get(row["GM_code"])
        if known is None or known.parent != row["COROP_code"]:
            raise InputError(
                "Limburg gemeente disagrees with the woonplaats mapping",
                file=raw / LIMBURG,
                row=i,
                field="COROP_code",
                value=row["COROP_code"],
                expected=f"{known.parent if known else 'a known gemeente code'}",
            )
    return dict(sorted(regions.items()))


def regions(raw: Path | None = None) -> dict[str, Region]:
    """All known regions by code."""
    return _table((raw or paths.raw_dir()).resolve())


def corop_codes(raw: Path | None = None) -> list[str]:
    """The 40 COROP codes, CR01..CR40."""
    return [c for c, r in regions(raw).items() if r.level == "corop"]


def region_name(code: str, raw: Path | None = None) -> str:
    """Name of a region code (padding stripped)."""
    return regions(raw)[normalise_code(code)].name


def ancestors(code: str, raw: Path | None = None) -> list[str]:
    """Codes of the regions that contain ``code``, nearest first (gemeente -> COROP -> provincie -> NL01)."""
    table = regions(raw)
    out: list[str] = []
    current = table[normalise_code(code)].parent
    while current and current in table and current not in out:
        out.append(current)
        current = table[current].parent
    return out


def resolve_region(value: str, *, level: str | None = None, raw: Path | None = None) -> str:
    """The canonical CBS code for a region code or name (``'Zuid-Limburg'`` -> ``'CR39'``).

    A name shared by several levels (``Utrecht`` is a gemeente, a COROP region and a provincie) resolves to
    the COROP region, the level of the project's regional data; pass ``level`` or a code for another level.
    Raises InputError naming the value, with close matches, when nothing fits.
    """
    table = regions(raw)
    if level is not None and level not in LEVELS:
        raise InputError("unknown region level", field="level", value=level, expected=f"one of {LEVELS}")
    allowed = {c: r for c, r in table.items() if level is None or r.level == level}
    text = str(value).strip()
    code = normalise_code(text)
    if code in allowed:
        return code
    matches = [c for c, r in allowed.items() if _key(r.name) == _key(text)]
    if len(matches) > 1:
        corop = [c for c in matches if table[c].level == "corop"]
        if len(corop) == 1:
            return corop[0]
        raise InputError(
            "ambiguous region name",
            field="region",
            value=value,
            expected="one of the codes " + ", ".join(f"{c} ({table[c].level})" for c in matches),
        )
    if matches:
        return matches[0]
    names = {f"{r.name} ({c})": c for c, r in allowed.items()}
    close = difflib.get_close_matches(text, list(names) + list(allowed), n=3, cutoff=0.6)
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    what = f"a {level} region" if level else "a region"
    raise InputError(
        f"unknown region{hint}",
        field="region",
        value=value,
        expected=f"{what} code (e.g. CR39, GM0935, PV31, NL01) or name (e.g. Zuid-Limburg)",
    )
