"""The evidence base: sources, facts (one row per figure per source), harmonisation, conflicts, coverage.

Reads ``data/raw/sources.csv``, ``data/raw/measures.csv``, ``data/raw/mappings/*.csv`` and
``data/raw/facts/*.csv``; parses every figure as written into an interval; maps names as written to
canonical ids; and finds where sources (or one source with itself) disagree. Every problem is an
:class:`~ccresearch.errors.InputError` naming file, row, field, value and what was expected; nothing
is dropped silently.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ccresearch.errors import InputError
from ccresearch.sources.csvfile import read_csv_checked

if TYPE_CHECKING:
    import pandas as pd

SOURCE_COLUMNS = ["source_id", "publisher", "title", "date", "address", "language", "kind", "author", "note"]
SOURCE_KINDS = {
    "news",
    "press_release",
    "government",
    "evaluation",
    "factsheet",
    "industry",
    "reference",
    "statistics",
}
LANGUAGES = {"nl", "en"}
FACT_COLUMNS = [
    "fact_id",
    "source_id",
    "entity",
    "measure",
    "value_text",
    "unit",
    "period_text",
    "period_start",
    "period_end",
    "region",
    "note",
]
MEASURE_COLUMNS = ["measure", "unit", "kind", "description"]
MAPPING_COLUMNS = ["name_as_written", "canonical_id", "canonical_name", "note"]
ENTITY_MAPPINGS = ("organisations", "programmes", "sectors")
NOTED_COLUMNS = ["note_id", "item_a", "item_b", "explanation"]
EVENT_COLUMNS = [
    "event_id",
    "source_id",
    "entity",
    "event",
    "date_text",
    "date_start",
    "date_end",
    "region",
    "note",
]
IDENTITY_COLUMNS = ["identity_id", "entity", "total_measure", "part_measures", "note"]
# the unit a parsed figure implies -> the declared units it may stand in
_UNIT_FAMILIES = {
    "EUR": ("EUR",),
    "share": ("share",),
    "years": ("years",),
    "months": ("months",),
    "weeks": ("weeks",),
    "days": ("days",),
    "hours": ("hours",),
}
OUTPUT_FACT_COLUMNS = [
    "fact_id",
    "source_id",
    "entity",
    "entity_name",
    "entity_kind",
    "measure",
    "value_text",
    "value",
    "low",
    "high",
    "qualifier",
    "unit",
    "per",
    "period_start",
    "period_end",
    "period_text",
    "region_code",
    "note",
    "file",
    "row",
]


@dataclass
class Mapping:
    """Names as written -> canonical ids, with a record of which rows were used."""

    kind: str
    file: Path
    rows: dict[str, tuple[str, str, int]]  # name -> (canonical id, canonical name, row)
    used: set[str] = field(default_factory=set)

    def lookup(self, name: str) -> tuple[str, str] | None:
        hit = self.rows.get(name.strip())
        if hit is None:
            return None
        self.used.add(name.strip())
        return hit[0], hit[1]

    def unused(self) -> list[dict[str, Any]]:
        return [
            {"mapping": self.kind, "file": self.file.name, "row": r, "name_as_written": n, "canonical_id": c}
            for n, (c, _, r) in sorted(self.rows.items())
            if n not in self.used
        ]


def _rows(frame: pd.DataFrame) -> list[tuple[int, dict[str, str]]]:
    """(row number as in the file: header is row 1, first data row is 2, dict of stripped strings)."""
    return [
        (i + 2, {k: str(v).strip() for k, v in rec.items()}) for i, rec in enumerate(frame.to_dict("records"))
    ]


def _require(value: str, *, file: Path, row: int, field: str, expected: str) -> str:
    if not value:
        raise InputError(
            "empty required field", file=file, row=row, field=field, value=value, expected=expected
        )
    return value


def _unique(
    frame: pd.DataFrame, column: str, *, file: Path, seen: dict[str, tuple[Path, int]] | None = None
) -> None:
    seen = {} if seen is None else seen
    for row, rec in _rows(frame):
        key = rec[column]
        if key in seen:
            first_file, first_row = seen[key]
            raise InputError(
                "duplicate id",
                file=file,
                row=row,
                field=column,
                value=key,
                expected=f"a unique {column} (already used in {first_file.name} row {first_row})",
            )
        seen[key] = (file, row)


def _iso_date(text: str, *, file: Path, row: int, field: str) -> tuple[dt.date, dt.date]:
    from ccresearch.parse import FigureParseError, parse_date

    try:
        return parse_date(text)
    except FigureParseError as exc:
        raise InputError(
            "malformed date",
            file=file,
            row=row,
            field=field,
            value=text,
            expected="YYYY-MM-DD, YYYY-MM or YYYY",
        ) from exc


def load_sources(raw: Path) -> pd.DataFrame:
    """The sources table, validated: unique ids, known kinds and languages, dates as written."""
    path = raw / "sources.csv"
    frame = read_csv_checked(path, required=SOURCE_COLUMNS, allowed=SOURCE_COLUMNS)
    _unique(frame, "source_id", file=path)
    for row, rec in _rows(frame):
        _require(rec["source_id"], file=path, row=row, field="source_id", expected="a short slug")
        _require(rec["publisher"], file=path, row=row, field="publisher", expected="who published it")
        _require(rec["title"], file=path, row=row, field="title", expected="the title as published")
        if rec["language"] not in LANGUAGES:
            raise InputError(
                "unknown language",
                file=path,
                row=row,
                field="language",
                value=rec["language"],
                expected="nl or en",
            )
        if rec["kind"] not in SOURCE_KINDS:
            raise InputError(
                "unknown kind",
                file=path,
                row=row,
                field="kind",
                value=rec["kind"],
                expected=sorted(SOURCE_KINDS),
            )
        if rec["date"]:
            _iso_date(rec["date"], file=path, row=row, field="date")
    return frame.sort_values("source_id").reset_index(drop=True)


def load_measures(raw: Path) -> dict[str, dict[str, str]]:
    """The controlled vocabulary of measures: measure -> {unit, kind, description}."""
    path = raw / "measures.csv"
    frame = read_csv_checked(path, required=MEASURE_COLUMNS, allowed=MEASURE_COLUMNS)
    _unique(frame, "measure", file=path)
    return {rec["measure"]: rec for _, rec in _rows(frame)}


def load_mappings(raw: Path) -> tuple[dict[str, Mapping], Mapping]:
    """Entity mappings (organisations, programmes, sectors) and the region mapping."""
    from ccresearch.sources.regions import regions

    known_regions = regions(raw)
    entity: dict[str, Mapping] = {}
    owner: dict[str, tuple[Path, int]] = {}
    for kind in (*ENTITY_MAPPINGS, "regions"):
        path = raw / "mappings" / f"{kind}.csv"
        if not path.exists():
            raise InputError("mapping file missing", file=path, expected=f"columns {MAPPING_COLUMNS}")
        frame = read_csv_checked(path, required=MAPPING_COLUMNS, allowed=MAPPING_COLUMNS)
        rows: dict[str, tuple[str, str, int]] = {}
        for row, rec in _rows(frame):
            name = _require(
                rec["name_as_written"], file=path, row=row, field="name_as_written", expected="a name"
            )
            canon = _require(rec["canonical_id"], file=path, row=row, field="canonical_id", expected="an id")
            if kind == "regions" and canon not in known_regions:
                raise InputError(
                    "unknown region code",
                    file=path,
                    row=row,
                    field="canonical_id",
                    value=canon,
                    expected="a CBS region code in data/raw/regions (GMxxxx, CRxx, PVxx, NL01)",
                )
            if kind != "regions":
                if name in owner:
                    other, other_row = owner[name]
                    raise InputError(
                        "name mapped twice",
                        file=path,
                        row=row,
                        field="name_as_written",
                        value=name,
                        expected=f"one mapping per name (also in {other.name} row {other_row})",
                    )
                owner[name] = (path, row)
            elif name in rows:
                raise InputError("name mapped twice", file=path, row=row, field="name_as_written", value=name)
            display = rec["canonical_name"] or (known_regions[canon].name if kind == "regions" else canon)
            rows[name] = (canon, display, row)
        entity[kind] = Mapping(kind, path, rows)
    region_mapping = entity.pop("regions")
    return entity, region_mapping


def _unit_ok(parsed: str | None, declared: str) -> bool:
    """Whether a figure as parsed fits the declared unit. A plain number may stand for an amount in euros
    (the measure carries the currency: `900.000`), but never for a share (`80` is not 80%)."""
    if parsed is None:
        return not declared.startswith("share")
    family = _UNIT_FAMILIES.get(parsed, (parsed,))
    return declared.split("/")[0] in family


def load_facts(
    raw: Path,
    sources: pd.DataFrame,
    measures: dict[str, dict[str, str]],
    entities: dict[str, Mapping],
    regions_map: Mapping,
) -> pd.DataFrame:
    """Every facts file parsed, mapped and validated into one table (one row per figure per source)."""
    import pandas as pd

    from ccresearch.parse import FigureParseError, parse_figure
    from ccresearch.sources.regions import regions

    known_regions = regions(raw)
    source_of = {rec["source_id"]: rec for _, rec in _rows(sources)}
    files = sorted((raw / "facts").glob("*.csv"))
    if not files:
        raise InputError("no facts files", file=raw / "facts", expected="one or more CSV files of facts")
    records: list[dict[str, Any]] = []
    seen: dict[str, tuple[Path, int]] = {}
    unmapped: list[tuple[Path, int, str, str]] = []
    for path in files:
        frame = read_csv_checked(path, required=FACT_COLUMNS, allowed=FACT_COLUMNS)
        _unique(frame, "fact_id", file=path, seen=seen)
        for row, rec in _rows(frame):
            where = {"file": path, "row": row}
            _require(rec["fact_id"], **where, field="fact_id", expected="a unique id")
            source = source_of.get(rec["source_id"])
            if source is None:
                raise InputError(
                    "unknown source",
                    **where,
                    field="source_id",
                    value=rec["source_id"],
                    expected="an id in sources.csv",
                )
            measure = measures.get(rec["measure"])
            if measure is None:
                raise InputError(
                    "unknown measure",
                    **where,
                    field="measure",
                    value=rec["measure"],
                    expected="a measure in measures.csv",
                )
            if rec["unit"] != measure["unit"]:
                raise InputError(
                    "unit differs from the measure's unit",
                    **where,
                    field="unit",
                    value=rec["unit"],
                    expected=f"{measure['unit']} (measures.csv, {rec['measure']})",
                )
            hit = _map_entity(rec["entity"], entities)
            if hit is None:
                unmapped.append((path, row, "entity", rec["entity"]))
                continue
            region_code = None
            if rec["region"]:
                region_code = _map_region(rec["region"], regions_map, known_regions)
                if region_code is None:
                    unmapped.append((path, row, "region", rec["region"]))
                    continue
            if rec["value_text"].lstrip().startswith(("-", "−", "min ")):
                raise InputError(
                    "negative figure",
                    **where,
                    field="value_text",
                    value=rec["value_text"],
                    expected="a count or amount >= 0",
                )
            try:
                figure = parse_figure(rec["value_text"], lang=source["language"])
            except FigureParseError as exc:
                raise InputError(
                    exc.problem, **where, field="value_text", value=rec["value_text"], expected=exc.expected
                ) from exc
            if not _unit_ok(figure.unit, rec["unit"]):
                raise InputError(
                    f"the figure reads as {figure.unit or 'a plain number'}",
                    **where,
                    field="unit",
                    value=rec["unit"],
                    expected=f"a unit that fits '{rec['value_text']}'",
                )
            if figure.interval.low < 0 or figure.interval.value < 0:
                raise InputError(
                    "negative figure",
                    **where,
                    field="value_text",
                    value=rec["value_text"],
                    expected="a count or amount >= 0",
                )
            start, end = _period(rec, source, where)
            records.append(
                {
                    "fact_id": rec["fact_id"],
                    "source_id": rec["source_id"],
                    "entity": hit[0],
                    "entity_name": hit[1],
                    "entity_kind": hit[2],
                    "measure": rec["measure"],
                    "value_text": rec["value_text"],
                    "value": figure.interval.value,
                    "low": figure.interval.low,
                    "high": figure.interval.high,
                    "qualifier": figure.qualifier,
                    "unit": rec["unit"],
                    "per": figure.per,
                    "period_start": start,
                    "period_end": end,
                    "period_text": rec["period_text"] or None,
                    "region_code": region_code,
                    "note": rec["note"] or None,
                    "file": path.relative_to(raw).as_posix(),
                    "row": row,
                }
            )
    if unmapped:
        path, row, what, name = unmapped[0]
        listing = "; ".join(f"{p.name} row {r} {w} {n!r}" for p, r, w, n in unmapped[:20])
        raise InputError(
            f"{len(unmapped)} name(s) without a mapping ({listing})",
            file=path,
            row=row,
            field=what,
            value=name,
            expected=f"a row in data/raw/mappings/{'regions' if what == 'region' else '{organisations,programmes,sectors}'}.csv",
        )
    facts = pd.DataFrame.from_records(records, columns=OUTPUT_FACT_COLUMNS)
    for col in ("period_start", "period_end"):
        facts[col] = pd.to_datetime(facts[col])
    return facts.sort_values("fact_id").reset_index(drop=True)


def _period(
    rec: dict[str, str], source: dict[str, str], where: dict[str, Any]
) -> tuple[dt.date | None, dt.date | None]:
    """Period of a fact: explicit dates, else the period text relative to the source date, else the source date."""
    from ccresearch.parse import FigureParseError, parse_date, parse_period

    start = end = None
    if rec["period_start"] or rec["period_end"]:
        if rec["period_start"]:
            start = _iso_date(rec["period_start"], **where, field="period_start")[0]
        if rec["period_end"]:
            end = _iso_date(rec["period_end"], **where, field="period_end")[1]
        start = start or end
        end = end or start
    elif rec["period_text"]:
        if not source["date"]:
            raise InputError(
                "a relative period needs a dated source",
                **where,
                field="period_text",
                value=rec["period_text"],
                expected="explicit period_start/period_end, or a date in sources.csv",
            )
        ref = parse_date(source["date"])
        try:
            start, end = parse_period(rec["period_text"], ref, lang=source["language"])
        except FigureParseError as exc:
            raise InputError(
                exc.problem, **where, field="period_text", value=rec["period_text"], expected=exc.expected
            ) from exc
    elif source["date"]:
        start, end = parse_date(source["date"])
    if start and end and end < start:
        raise InputError(
            "period ends before it starts",
            **where,
            field="period_end",
            value=str(end),
            expected=f"a date on or after {start}",
        )
    return start, end


def _map_entity(name: str, entities: dict[str, Mapping]) -> tuple[str, str, str] | None:
    for kind, mapping in entities.items():
        hit = mapping.lookup(name)
        if hit:
            return hit[0], hit[1], kind.rstrip("s")
    return None


def _map_region(name: str, regions_map: Mapping, known: dict[str, Any]) -> str | None:
    hit = regions_map.lookup(name)
    if hit:
        return hit[0]
    return name.upper() if name.upper() in known else None


def load_events(
    raw: Path, sources: pd.DataFrame, entities: dict[str, Mapping], regions_map: Mapping
) -> pd.DataFrame:
    """Dated events (a programme started, an application was submitted), one row per date per source.

    Dates are kept apart from the facts because a date is not a quantity: ``30 april`` is not the number 30.
    """
    import pandas as pd

    from ccresearch.sources.regions import regions

    path = raw / "events.csv"
    columns = [
        "event_id",
        "source_id",
        "entity",
        "entity_name",
        "entity_kind",
        "event",
        "date_text",
        "date_start",
        "date_end",
        "region_code",
        "note",
        "file",
        "row",
    ]
    if not path.exists():
        return pd.DataFrame(columns=columns)
    known = regions(raw)
    source_ids = set(sources["source_id"])
    frame = read_csv_checked(path, required=EVENT_COLUMNS, allowed=EVENT_COLUMNS)
    _unique(frame, "event_id", file=path)
    records = []
    for row, rec in _rows(frame):
        where = {"file": path, "row": row}
        _require(rec["event_id"], **where, field="event_id", expected="a unique id")
        _require(rec["event"], **where, field="event", expected="what happened, snake_case")
        if rec["source_id"] not in source_ids:
            raise InputError(
                "unknown source",
                **where,
                field="source_id",
                value=rec["source_id"],
                expected="an id in sources.csv",
            )
        hit = _map_entity(rec["entity"], entities)
        if hit is None:
            raise InputError(
                "name without a mapping",
                **where,
                field="entity",
                value=rec["entity"],
                expected="a row in data/raw/mappings/{organisations,programmes,sectors}.csv",
            )
        region_code = None
        if rec["region"]:
            region_code = _map_region(rec["region"], regions_map, known)
            if region_code is None:
                raise InputError(
                    "name without a mapping",
                    **where,
                    field="region",
                    value=rec["region"],
                    expected="a row in data/raw/mappings/regions.csv or a CBS region code",
                )
        start = _iso_date(
            _require(rec["date_start"], **where, field="date_start", expected="a date"),
            **where,
            field="date_start",
        )[0]
        end = _iso_date(rec["date_end"] or rec["date_start"], **where, field="date_end")[1]
        if end < start:
            raise InputError(
                "event ends before it starts",
                **where,
                field="date_end",
                value=rec["date_end"],
                expected=f"a date on or after {start}",
            )
        records.append(
            {
                "event_id": rec["event_id"],
                "source_id": rec["source_id"],
                "entity": hit[0],
                "entity_name": hit[1],
                "entity_kind": hit[2],
                "event": rec["event"],
                "date_text": rec["date_text"],
                "date_start": start,
                "date_end": end,
                "region_code": region_code,
                "note": rec["note"] or None,
                "file": path.relative_to(raw).as_posix(),
                "row": row,
            }
        )
    events = pd.DataFrame.from_records(records, columns=columns)
    for col in ("date_start", "date_end"):
        events[col] = pd.to_datetime(events[col])
    return events.sort_values("event_id").reset_index(drop=True)


def load_identities(
    raw: Path, measures: dict[str, dict[str, str]], entities: dict[str, Mapping]
) -> list[dict[str, Any]]:
    """Accounting identities to check (total = sum of parts), by canonical entity id."""
    path = raw / "mappings" / "identities.csv"
    if not path.exists():
        return []
    frame = read_csv_checked(path, required=IDENTITY_COLUMNS, allowed=IDENTITY_COLUMNS)
    canon = {c for m in entities.values() for c, _, _ in m.rows.values()}
    out = []
    for row, rec in _rows(frame):
        parts = [p.strip() for p in rec["part_measures"].split(";") if p.strip()]
        for name, value in [("total_measure", rec["total_measure"]), *[("part_measures", p) for p in parts]]:
            if value not in measures:
                raise InputError(
                    "unknown measure",
                    file=path,
                    row=row,
                    field=name,
                    value=value,
                    expected="a measure in measures.csv",
                )
        entity = rec["entity"]
        if entity not in canon:
            hit = _map_entity(entity, entities)
            if hit is None:
                raise InputError(
                    "unknown entity",
                    file=path,
                    row=row,
                    field="entity",
                    value=entity,
                    expected="a canonical id or mapped name",
                )
            entity = hit[0]
        out.append(
            {
                "identity_id": rec["identity_id"],
                "entity": entity,
                "total": rec["total_measure"],
                "parts": parts,
            }
        )
    return out
