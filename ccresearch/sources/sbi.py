"""The SBI 2008 hierarchy of the codes in a CBS table, derived from their labels, and the sums it implies.

A CBS label starts with its SBI code: a section letter (``N``), a range of sections (``B-F``; the total
``A-U``), a division (``82``) or a range of divisions (``69-71``). Section letters are in SBI order, so
``B-F`` covers B, C, D, E and F; ``69-71`` covers 69, 70 and 71. Which divisions make up a section is not
in the labels: it comes from ``data/raw/cbs/sbi2008_divisions.csv`` (``section,division,source``; only
what a source states). No CBS key is named here.

For every code, its parts are the codes of the same table that lie inside it and inside no other such
code (``A-U``: ``A``, ``B-F``, ``G-N``, ``O-U``). When the parts cover the code the relation is an equality
(``B-F = B-E + F``); when they do not (``R-U`` holds R, S, T, U but T and U are not published) it is an
inequality (``R-U >= R + S``). :func:`check_sums` checks every relation in every region-year where the
code and all its parts have a value, with a tolerance of half a rounding step per term (the ``precision``
column); region-years with a blank or absent term are counted as not checkable.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ccresearch.errors import InputError

if TYPE_CHECKING:
    import pandas as pd

DIVISIONS_FILE = "cbs/sbi2008_divisions.csv"
_LETTERS = re.compile(r"^([A-Z])(?:-([A-Z]))?$")
_DIGITS = re.compile(r"^(\d{2})(?:-(\d{2}))?$")
_EPS = 1e-6
WARNINGS_PER_RELATION = 20  # beyond-tolerance region-years listed per relation (all are counted)


@dataclass(frozen=True)
class Extent:
    """What an SBI code covers: section letters, or divisions (two-digit numbers as text)."""

    code: str
    letters: frozenset[str] = frozenset()
    divisions: frozenset[str] = frozenset()


def extent(label: str) -> Extent | None:
    """The extent of the SBI code a CBS label starts with (``'B-F Nijverheid en energie'`` -> B..F); None
    when the label starts with no SBI code."""
    code = label.split()[0] if label.split() else ""
    letters = _LETTERS.match(code)
    if letters:
        first, last = letters.group(1), letters.group(2) or letters.group(1)
        span = string.ascii_uppercase[
            string.ascii_uppercase.index(first) : string.ascii_uppercase.index(last) + 1
        ]
        return Extent(code, letters=frozenset(span)) if span else None
    digits = _DIGITS.match(code)
    if digits:
        first, last = int(digits.group(1)), int(digits.group(2) or digits.group(1))
        return (
            Extent(code, divisions=frozenset(f"{d:02d}" for d in range(first, last + 1)))
            if first <= last
            else None
        )
    return None


def read_divisions(raw: Path) -> dict[str, str]:
    """Division -> section from ``data/raw/cbs/sbi2008_divisions.csv`` (empty when the file is absent)."""
    from ccresearch.sources.csvfile import read_csv_checked

    path = raw / DIVISIONS_FILE
    if not path.exists():
        return {}
    columns = ["section", "division", "source"]
    frame = read_csv_checked(path, required=columns, allowed=columns)
    out: dict[str, str] = {}
    for i, row in frame.iterrows():
        section, division = row["section"].strip(), row["division"].strip()
        problem = None
        if not re.fullmatch(r"[A-Z]", section):
            problem, field, value, expected = "not a section letter", "section", section, "one letter, e.g. N"
        elif not re.fullmatch(r"\d{2}", division):
            problem, field, value, expected = "not a division", "division", division, "two digits, e.g. 82"
        elif division in out:
            problem, field, value, expected = (
                "division listed twice",
                "division",
                division,
                "each division once",
            )
        elif not row["source"].strip():
            problem, field, value, expected = (
                "no source",
                "source",
                "",
                "where the division's section is stated",
            )
        if problem:
            raise InputError(problem, file=path, row=int(i) + 2, field=field, value=value, expected=expected)
        out[division] = section
    return out


@dataclass(frozen=True)
class Relation:
    """An SBI code and its parts: ``total = sum(parts)`` when ``complete``, else ``total >= sum(parts)``."""

    total: str
    parts: tuple[str, ...]
    complete: bool
    text: str


def _inside(q: Extent, p: Extent, section_of: dict[str, str]) -> bool:
    """True when code ``q`` lies strictly inside code ``p``."""
    if p.letters:
        if q.letters:
            return q.letters < p.letters
        return bool(q.divisions) and all(section_of.get(d) in p.letters for d in q.divisions)
    return not q.letters and q.divisions < p.divisions


def _overlap(a: Extent, b: Extent, section_of: dict[str, str]) -> bool:
    if a.letters and b.letters:
        return bool(a.letters & b.letters)
    if a.divisions and b.divisions:
        return bool(a.divisions & b.divisions)
    letters, divisions = (a, b) if a.letters else (b, a)
    return any(section_of.get(d) in letters.letters for d in divisions.divisions)


def _order(e: Extent, section_of: dict[str, str]) -> tuple[str, str, int]:
    letter = min(e.letters) if e.letters else min(section_of.get(d, "~") for d in e.divisions)
    return (letter, min(e.divisions) if e.divisions else "", -len(e.letters) - len(e.divisions))


def relations(labels: dict[str, str], section_of: dict[str, str]) -> list[Relation]:
    """Every relation between the codes of one table (key -> label), in SBI order of the total.

    Codes whose label starts with no SBI code take part in none; a code whose parts overlap one another
    (which nested CBS codes never do) gets no relation rather than a double count.
    """
    extents = {k: e for k, lbl in labels.items() if (e := extent(lbl)) is not None}
    out = []
    for key, p in sorted(extents.items(), key=lambda kv: _order(kv[1], section_of)):
        inner = {k: q for k, q in extents.items() if k != key and _inside(q, p, section_of)}
        parts = {
            k: q
            for k, q in inner.items()
            if not any(_inside(q, r, section_of) for j, r in inner.items() if j != k)
        }
        if not parts:
            continue
        ordered = sorted(parts, key=lambda k: _order(parts[k], section_of))
        if any(
            _overlap(parts[a], parts[b], section_of) for i, a in enumerate(ordered) for b in ordered[i + 1 :]
        ):
            continue
        if p.letters:
            covered = set().union(*(q.letters for q in parts.values()))
            held = set().union(*(q.divisions for q in parts.values()))
            for letter in p.letters - covered:
                of_section = {d for d, s in section_of.items() if s == letter}
                if of_section and of_section <= held:
                    covered.add(letter)
            complete = covered == set(p.letters)
        else:
            complete = set().union(*(q.divisions for q in parts.values())) == set(p.divisions)
        text = f"{p.code} {'=' if complete else '>='} " + " + ".join(parts[k].code for k in ordered)
        out.append(Relation(key, tuple(ordered), complete, text))
    return out


def check_sums(
    cells: pd.DataFrame, measure: str, section_of: dict[str, str]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Check every SBI relation of every source table in ``cells`` (blank cells as missing values).

    Returns one summary per relation (region-years checked, exact, within rounding, beyond rounding, not
    checkable, largest residual) and the region-years beyond rounding (warnings; at most
    ``WARNINGS_PER_RELATION`` listed per relation, all counted). For an inequality ``exact`` counts the
    region-years where it holds without any rounding allowance.
    """
    summaries: list[dict[str, Any]] = []
    warnings: list[dict[str, Any]] = []
    for table, group in cells.groupby("source_table", sort=True):
        labels = dict(zip(group["sbi_key"], group["sbi_label"].fillna(""), strict=True))
        rels = relations(labels, section_of)
        if not rels:
            continue
        index = ["region_code", "year"]
        values = group.pivot(index=index, columns="sbi_key", values=measure)
        steps = group.pivot(index=index, columns="sbi_key", values="precision")
        rows = group.assign(_one=1).pivot(index=index, columns="sbi_key", values="_one")
        for rel in rels:
            terms = [rel.total, *rel.parts]
            involved = rows[terms].notna().any(axis=1)
            full = values[terms].notna().all(axis=1) & involved
            v = values.loc[full, terms]
            residual = (v[rel.total] - v[list(rel.parts)].sum(axis=1)).round(6)
            tolerance = (0.5 * steps.loc[full, terms].sum(axis=1)).round(6)
            if rel.complete:
                exact = residual.abs() <= _EPS
                within = ~exact & (residual.abs() <= tolerance + _EPS)
            else:
                exact = residual >= -_EPS
                within = ~exact & (residual >= -tolerance - _EPS)
            beyond = ~exact & ~within
            largest = residual.abs().idxmax() if len(residual) else None
            smallest = residual.idxmin() if len(residual) else None
            summary = {
                "measure": measure,
                "source_table": str(table),
                "relation": rel.text,
                "kind": "=" if rel.complete else ">=",
                "total": rel.total,
                "parts": list(rel.parts),
                "checked": int(full.sum()),
                "exact": int(exact.sum()),
                "within_tolerance": int(within.sum()),
                "beyond_tolerance": int(beyond.sum()),
                "not_checkable": int((involved & ~full).sum()),
                "largest_residual": float(residual[largest]) if largest is not None else 0.0,
                "largest_residual_at": f"{largest[0]} {int(largest[1])}" if largest is not None else "",
                "smallest_residual": float(residual[smallest]) if smallest is not None else 0.0,
                "smallest_residual_at": f"{smallest[0]} {int(smallest[1])}" if smallest is not None else "",
                "tolerance": float(tolerance.max()) if len(tolerance) else 0.0,
            }
            summaries.append(summary)
            for region, year in list(residual[beyond].index)[:WARNINGS_PER_RELATION]:
                warnings.append(
                    {
                        "measure": measure,
                        "source_table": str(table),
                        "relation": rel.text,
                        "region_code": str(region),
                        "year": int(year),
                        "residual": float(residual[(region, year)]),
                        "tolerance": float(tolerance[(region, year)]),
                    }
                )
    return summaries, warnings
