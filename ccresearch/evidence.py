"""The evidence base: sources, facts (one row per figure per source), harmonisation, conflicts, coverage.

Reads ``data/raw/sources.csv``, ``data/raw/measures.csv``, ``data/raw/mappings/*.csv`` and
``data/raw/facts/*.csv``; parses every figure as written into an interval; maps names as written to
canonical ids; and finds where sources (or one source with itself) disagree. Every problem is an
:class:`~ccresearch.errors.InputError` naming file, row, field, value and what was expected; nothing
is dropped silently.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .cbs import read_csv_checked
from .errors import InputError
from .figures import Interval

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


@dataclass
class Evidence:
    """The assembled evidence base and what the build noticed on the way."""

    sources: pd.DataFrame
    facts: pd.DataFrame
    events: pd.DataFrame
    conflicts: pd.DataFrame
    coverage: pd.DataFrame
    unused_mappings: list[dict[str, Any]]


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
    from .parse import FigureParseError, parse_date

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
    from .regions import regions

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

    from .parse import FigureParseError, parse_figure
    from .regions import regions

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
    from .parse import FigureParseError, parse_date, parse_period

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

    from .regions import regions

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


CONFLICT_COLUMNS = [
    "conflict_id",
    "kind",
    "entity",
    "entity_name",
    "measure",
    "region_code",
    "fact_id_a",
    "source_id_a",
    "value_text_a",
    "low_a",
    "value_a",
    "high_a",
    "period_a",
    "fact_id_b",
    "source_id_b",
    "value_text_b",
    "low_b",
    "value_b",
    "high_b",
    "period_b",
    "same_source",
    "intervals_overlap",
    "explanation",
]


def _periods_overlap(a: Any, b: Any) -> bool:
    import pandas as pd

    if any(pd.isna(x) for x in (a.period_start, a.period_end, b.period_start, b.period_end)):
        return False
    return a.period_start <= b.period_end and b.period_start <= a.period_end


def _period_text(r: Any) -> str:
    import pandas as pd

    if pd.isna(r.period_start):
        return "undated"
    s, e = r.period_start.date().isoformat(), r.period_end.date().isoformat()
    return s if s == e else f"{s}..{e}"


def find_conflicts(
    facts: pd.DataFrame,
    identities: list[dict[str, Any]] | None = None,
    events: pd.DataFrame | None = None,
    noted: list[dict[str, Any]] | None = None,
) -> pd.DataFrame:
    """Pairs of figures on the same entity, measure, region and overlapping period whose intervals do not
    overlap (``kind='disagreement'``); accounting identities whose stated values do not add up
    (``kind='identity'``, with ``intervals_overlap`` telling whether the qualifiers could absorb it); and the
    same event of the same entity dated differently by two sources (``kind='date'``); plus the conflicts a
    researcher recorded by hand (``kind='noted'``, see :func:`noted_conflicts`)."""
    import pandas as pd

    from .figures import interval_sum

    rows: list[dict[str, Any]] = list(noted or [])
    if events is not None and len(events):
        for _, group in events.groupby(["entity", "event"], sort=True):
            for a, b in itertools.combinations(list(group.itertuples(index=False)), 2):
                if a.date_start <= b.date_end and b.date_start <= a.date_end:
                    continue
                rows.append(_date_conflict_row(a, b))
    keyed = facts.assign(_region=facts["region_code"].fillna(""))
    for _, group in keyed.groupby(["entity", "measure", "unit", "_region"], sort=True):
        recs = list(group.itertuples(index=False))
        for a, b in itertools.combinations(recs, 2):
            if not _periods_overlap(a, b):
                continue
            ia, ib = Interval(a.low, a.value, a.high), Interval(b.low, b.value, b.high)
            if ia.overlaps(ib):
                continue
            rows.append(_conflict_row("disagreement", a, b, a.fact_id, b.fact_id, ia, ib, False, ""))
    for ident in identities or []:
        sub = facts[facts["entity"] == ident["entity"]]
        for _, per_source in sub.groupby("source_id", sort=True):
            totals = per_source[per_source["measure"] == ident["total"]]
            for total in totals.itertuples(index=False):
                parts = []
                for measure in ident["parts"]:
                    cands = [
                        p
                        for p in per_source[per_source["measure"] == measure].itertuples(index=False)
                        if _periods_overlap(p, total)
                    ]
                    if len(cands) != 1:
                        break
                    parts.append(cands[0])
                else:
                    it = Interval(total.low, total.value, total.high)
                    ip = interval_sum(Interval(p.low, p.value, p.high) for p in parts)
                    if math.isclose(it.value, ip.value, rel_tol=1e-9):
                        continue
                    texts = " + ".join(p.value_text for p in parts)
                    pseudo = parts[0]._replace(
                        fact_id="+".join(p.fact_id for p in parts),
                        value_text=texts,
                        measure=" + ".join(ident["parts"]),
                    )
                    explanation = (
                        f"{ident['identity_id']}: {ident['total']} = {' + '.join(ident['parts'])}; "
                        f"stated {it.value:g} vs parts {ip.value:g}"
                        + (
                            " (within the qualifiers' intervals)"
                            if it.overlaps(ip)
                            else " (outside the intervals)"
                        )
                    )
                    rows.append(
                        _conflict_row(
                            "identity",
                            total,
                            pseudo,
                            total.fact_id,
                            pseudo.fact_id,
                            it,
                            ip,
                            it.overlaps(ip),
                            explanation,
                        )
                    )
    frame = pd.DataFrame.from_records(rows, columns=CONFLICT_COLUMNS)
    frame = frame.sort_values(["kind", "entity", "measure", "fact_id_a", "fact_id_b"]).reset_index(drop=True)
    frame["conflict_id"] = [f"c{i + 1:03d}" for i in range(len(frame))]
    return frame


def noted_conflicts(raw: Path, facts: pd.DataFrame, events: pd.DataFrame) -> list[dict[str, Any]]:
    """Conflicts a researcher recorded by hand in ``noted_conflicts.csv`` (kind ``noted``): two facts or events,
    named by id, that disagree in a way the build cannot see (different periods, definitions or wording)."""
    path = raw / "noted_conflicts.csv"
    if not path.exists():
        return []
    frame = read_csv_checked(path, required=NOTED_COLUMNS, allowed=NOTED_COLUMNS)
    _unique(frame, "note_id", file=path)
    by_id = {r.fact_id: r for r in facts.itertuples(index=False)}
    dated = {r.event_id: r for r in events.itertuples(index=False)}
    rows = []
    for row, rec in _rows(frame):
        items = []
        for column in ("item_a", "item_b"):
            item = by_id.get(rec[column]) or dated.get(rec[column])
            if item is None:
                raise InputError(
                    "unknown fact or event",
                    file=path,
                    row=row,
                    field=column,
                    value=rec[column],
                    expected="a fact_id in data/raw/facts or an event_id in events.csv",
                )
            items.append(item)
        explanation = _require(
            rec["explanation"], file=path, row=row, field="explanation", expected="why they disagree"
        )
        a, b = items
        if hasattr(a, "event_id") or hasattr(b, "event_id"):
            row_out = _date_conflict_row(a, b)
        else:
            ia, ib = (Interval(x.low, x.value, x.high) for x in (a, b))
            row_out = _conflict_row("noted", a, b, a.fact_id, b.fact_id, ia, ib, ia.overlaps(ib), explanation)
        row_out.update(kind="noted", explanation=f"{rec['note_id']}: {explanation}")
        rows.append(row_out)
    return rows


def _date_conflict_row(a: Any, b: Any) -> dict[str, Any]:
    def span(r: Any) -> str:
        s, e = r.date_start.date().isoformat(), r.date_end.date().isoformat()
        return s if s == e else f"{s}..{e}"

    nan = float("nan")
    return {
        "conflict_id": "",
        "kind": "date",
        "entity": a.entity,
        "entity_name": a.entity_name,
        "measure": a.event,
        "region_code": a.region_code,
        "fact_id_a": a.event_id,
        "source_id_a": a.source_id,
        "value_text_a": a.date_text,
        "low_a": nan,
        "value_a": nan,
        "high_a": nan,
        "period_a": span(a),
        "fact_id_b": b.event_id,
        "source_id_b": b.source_id,
        "value_text_b": b.date_text,
        "low_b": nan,
        "value_b": nan,
        "high_b": nan,
        "period_b": span(b),
        "same_source": a.source_id == b.source_id,
        "intervals_overlap": False,
        "explanation": f"{a.source_id} dates {a.event} {span(a)}, {b.source_id} {span(b)}",
    }


def _conflict_row(
    kind: str, a: Any, b: Any, fa: str, fb: str, ia: Any, ib: Any, overlap: bool, explanation: str
) -> dict[str, Any]:
    if not explanation:
        explanation = f"{a.source_id} says {a.value_text}, {b.source_id} says {b.value_text}"
    return {
        "conflict_id": "",
        "kind": kind,
        "entity": a.entity,
        "entity_name": a.entity_name,
        "measure": a.measure,
        "region_code": a.region_code,
        "fact_id_a": fa,
        "source_id_a": a.source_id,
        "value_text_a": a.value_text,
        "low_a": ia.low,
        "value_a": ia.value,
        "high_a": ia.high,
        "period_a": _period_text(a),
        "fact_id_b": fb,
        "source_id_b": b.source_id,
        "value_text_b": b.value_text,
        "low_b": ib.low,
        "value_b": ib.value,
        "high_b": ib.high,
        "period_b": _period_text(b),
        "same_source": a.source_id == b.source_id,
        "intervals_overlap": overlap,
        "explanation": explanation,
    }


def coverage(facts: pd.DataFrame) -> pd.DataFrame:
    """Which entities have which measures for which years: one row per entity, measure and year."""
    import pandas as pd

    rows = []
    for rec in facts.itertuples(index=False):
        if pd.isna(rec.period_start):
            years: list[int | None] = [None]
        else:
            years = list(range(rec.period_start.year, rec.period_end.year + 1))
        for year in years:
            rows.append(
                (rec.entity, rec.entity_name, rec.entity_kind, rec.measure, year, rec.fact_id, rec.source_id)
            )
    frame = pd.DataFrame(
        rows, columns=["entity", "entity_name", "entity_kind", "measure", "year", "fact_id", "source_id"]
    )
    out = (
        frame.groupby(["entity", "entity_name", "entity_kind", "measure", "year"], dropna=False, sort=True)
        .agg(
            n_facts=("fact_id", "nunique"),
            n_sources=("source_id", "nunique"),
            sources=("source_id", lambda s: ";".join(sorted(set(s)))),
        )
        .reset_index()
    )
    out["year"] = out["year"].astype("Int64")
    return out


def assemble(raw: Path) -> Evidence:
    """Read, validate, parse and harmonise the whole evidence base under ``raw``."""
    sources = load_sources(raw)
    measures = load_measures(raw)
    entities, regions_map = load_mappings(raw)
    facts = load_facts(raw, sources, measures, entities, regions_map)
    events = load_events(raw, sources, entities, regions_map)
    identities = load_identities(raw, measures, entities)
    conflicts = find_conflicts(facts, identities, events, noted_conflicts(raw, facts, events))
    unused = [u for m in [*entities.values(), regions_map] for u in m.unused()]
    return Evidence(sources, facts, events, conflicts, coverage(facts), unused)
