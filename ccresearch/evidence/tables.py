"""The evidence base: sources, facts (one row per figure per source), harmonisation, conflicts, coverage.

Reads ``data/raw/sources.csv``, ``data/raw/measures.csv``, ``data/raw/mappings/*.csv`` and
``data/raw/facts/*.csv``; parses every figure as written into an interval; maps names as written to
canonical ids; and finds where sources (or one source with itself) disagree. Every problem is an
:class:`~ccresearch.errors.InputError` naming file, row, field, value and what was expected; nothing
is dropped silently.
"""

from __future__ import annotations

import datetime as dt
import math
import re
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
    "research",
}
LANGUAGES = {"nl", "en", "de"}
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
    "period_kind",
    "region",
    "note",
]
# what a fact's period is: a count at a date, over a period, up to a date, or a value to reach by a date
PERIOD_KINDS = ("stock", "flow", "cumulative", "target")
# period_text for a figure about an earlier time the source does not name: its period is missing
DATE_NOT_STATED = "date not stated"
MEASURE_COLUMNS = ["measure", "unit", "kind", "min", "max", "description"]
EVENT_KIND_COLUMNS = ["event_kind", "description"]
MAPPING_COLUMNS = ["name_as_written", "canonical_id", "canonical_name", "note"]
ENTITY_MAPPINGS = ("organisations", "programmes", "sectors")
NOTED_COLUMNS = ["note_id", "item_a", "item_b", "kind", "verdict", "explanation"]
CONFLICT_KINDS = ("values", "sum", "dates", "names", "scope")
VERDICTS = ("incompatible", "compatible", "same_term", "different_scope")
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
PERSON_COLUMNS = ["person_id", "source_id", "entity", "role", "name_as_written", "note"]
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
    "period_kind",
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
            "empty required field",
            file=file,
            row=row,
            field=field,
            value=value,
            expected=expected,
            mend="fill in the field (see data/raw/templates for an example row)",
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
                mend="give the row an id of its own",
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
            mend="write the date as the source gives it: 2015-03-02, 2015-03 or 2015",
        ) from exc


def _check_source(rec: dict[str, str], known: bool, where: dict[str, Any]) -> None:
    """An InputError naming the row when its ``source_id`` is not in sources.csv."""
    if not known:
        raise InputError(
            "unknown source",
            **where,
            field="source_id",
            value=rec["source_id"],
            expected="an id in sources.csv",
            mend="add the source to sources.csv or correct the id",
        )


def _mapped_entity(
    rec: dict[str, str], entities: dict[str, Mapping], where: dict[str, Any], *, mend: str
) -> Any:
    """The canonical entity of the row's ``entity`` name; an InputError naming the row when it has no mapping."""
    hit = _map_entity(rec["entity"], entities)
    if hit is None:
        raise InputError(
            "name without a mapping",
            **where,
            field="entity",
            value=rec["entity"],
            expected="a row in data/raw/mappings/{organisations,programmes,sectors}.csv",
            mend=mend,
        )
    return hit


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
                expected="nl, en or de",
                mend="write the language of the source: nl, en or de",
            )
        if rec["kind"] not in SOURCE_KINDS:
            raise InputError(
                "unknown kind",
                file=path,
                row=row,
                field="kind",
                value=rec["kind"],
                expected=sorted(SOURCE_KINDS),
                mend="use one of the listed kinds (see data/raw/README.md, sources)",
            )
        if rec["date"]:
            _iso_date(rec["date"], file=path, row=row, field="date")
    return frame.sort_values("source_id").reset_index(drop=True)


def load_measures(raw: Path) -> dict[str, dict[str, str]]:
    """The controlled vocabulary of measures: measure -> {unit, kind, description}."""
    path = raw / "measures.csv"
    frame = read_csv_checked(path, required=MEASURE_COLUMNS, allowed=MEASURE_COLUMNS)
    _unique(frame, "measure", file=path)
    out: dict[str, dict[str, Any]] = {}
    for row, rec in _rows(frame):
        bounds = {}
        for name, default in (("min", -math.inf), ("max", math.inf)):
            text = rec[name]
            try:
                bounds[name] = float(text) if text else default
            except ValueError:
                raise InputError(
                    "not a number",
                    file=path,
                    row=row,
                    field=name,
                    value=text,
                    expected="a plain number such as 0 or 1900, or empty for no bound",
                    mend=f"write the plausible {name}imum of {rec['measure']} as digits, or leave it empty",
                ) from None
            if math.isnan(bounds[name]):
                raise InputError(
                    "not a number",
                    file=path,
                    row=row,
                    field=name,
                    value=text,
                    mend="write a plain number, or leave it empty for no bound",
                )
        if bounds["min"] > bounds["max"]:
            raise InputError(
                "minimum above maximum",
                file=path,
                row=row,
                field="min",
                value=rec["min"],
                expected=f"a number <= max ({rec['max']})",
                mend="swap min and max",
            )
        out[rec["measure"]] = {**rec, "min_value": bounds["min"], "max_value": bounds["max"]}
    return out


def load_event_kinds(raw: Path) -> dict[str, str]:
    """The closed list of event kinds (``event_kinds.csv``): kind -> description."""
    path = raw / "event_kinds.csv"
    if not path.exists():
        raise InputError(
            "event kinds file missing",
            file=path,
            expected=f"columns {EVENT_KIND_COLUMNS}",
            mend="create data/raw/event_kinds.csv with one row per kind used in events.csv",
        )
    frame = read_csv_checked(path, required=EVENT_KIND_COLUMNS, allowed=EVENT_KIND_COLUMNS)
    _unique(frame, "event_kind", file=path)
    out = {}
    for row, rec in _rows(frame):
        _require(rec["event_kind"], file=path, row=row, field="event_kind", expected="a snake_case kind")
        _require(rec["description"], file=path, row=row, field="description", expected="what the kind means")
        out[rec["event_kind"]] = rec["description"]
    return out


def load_mappings(raw: Path) -> tuple[dict[str, Mapping], Mapping]:
    """Entity mappings (organisations, programmes, sectors) and the region mapping."""
    from ccresearch.sources.regions import regions

    known_regions = regions(raw)
    entity: dict[str, Mapping] = {}
    owner: dict[str, tuple[Path, int]] = {}
    for kind in (*ENTITY_MAPPINGS, "regions"):
        path = raw / "mappings" / f"{kind}.csv"
        if not path.exists():
            raise InputError(
                "mapping file missing",
                file=path,
                expected=f"columns {MAPPING_COLUMNS}",
                mend="create the mapping file from its columns",
            )
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
                    mend="use a code listed in data/raw/regions/regions_reference.csv",
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
                        mend="keep one row for the name",
                    )
                owner[name] = (path, row)
            elif name in rows:
                raise InputError(
                    "name mapped twice",
                    file=path,
                    row=row,
                    field="name_as_written",
                    value=name,
                    mend="keep one row for the name",
                )
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
        raise InputError(
            "no facts files",
            file=raw / "facts",
            expected="one or more CSV files of facts",
            mend="add a facts file from data/raw/templates/facts.csv",
        )
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
                    mend="add the source to sources.csv or correct the id",
                )
            measure = measures.get(rec["measure"])
            if measure is None:
                raise InputError(
                    "unknown measure",
                    **where,
                    field="measure",
                    value=rec["measure"],
                    expected="a measure in measures.csv",
                    mend="use a measure listed in measures.csv, or add the new measure there with its unit",
                )
            if rec["unit"] != measure["unit"]:
                raise InputError(
                    "unit differs from the measure's unit",
                    **where,
                    field="unit",
                    value=rec["unit"],
                    expected=f"{measure['unit']} (measures.csv, {rec['measure']})",
                    mend="write the measure's unit, or choose the measure that has this unit",
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
                    mend="write the size of the figure without a sign; a fall belongs in the measure's name or the note",
                )
            try:
                figure = parse_figure(rec["value_text"], lang=source["language"])
            except FigureParseError as exc:
                raise InputError(
                    exc.problem,
                    **where,
                    field="value_text",
                    value=rec["value_text"],
                    expected=exc.expected,
                    mend="write the figure exactly as the source does (data/raw/README.md, value_text)",
                ) from exc
            if not _unit_ok(figure.unit, rec["unit"]):
                raise InputError(
                    f"the figure reads as {figure.unit or 'a plain number'}",
                    **where,
                    field="unit",
                    value=rec["unit"],
                    expected=f"a unit that fits '{rec['value_text']}'",
                    mend="set unit to what the figure states (a percentage is share), or choose another measure",
                )
            if figure.interval.low < 0 or (figure.interval.value or 0) < 0:
                raise InputError(
                    "negative figure",
                    **where,
                    field="value_text",
                    value=rec["value_text"],
                    expected="a count or amount >= 0",
                    mend="write the size of the figure without a sign; a fall belongs in the measure's name or the note",
                )
            _check_range(figure.interval, measure, rec, where)
            kind = rec["period_kind"]
            if kind not in PERIOD_KINDS:
                raise InputError(
                    "unknown period kind",
                    **where,
                    field="period_kind",
                    value=kind,
                    expected=" | ".join(PERIOD_KINDS),
                    mend="stock = a count at a date, flow = over a period, cumulative = a count up to a date, "
                    "target = a value to reach by a date",
                )
            start, end = _period(rec, source, where, kind)
            records.append(
                {
                    "fact_id": rec["fact_id"],
                    "source_id": rec["source_id"],
                    "entity": hit[0],
                    "entity_name": hit[1],
                    "entity_kind": hit[2],
                    "measure": rec["measure"],
                    "value_text": rec["value_text"],
                    "value": math.nan if figure.interval.value is None else figure.interval.value,
                    "low": figure.interval.low,
                    "high": figure.interval.high,
                    "qualifier": figure.qualifier,
                    "unit": rec["unit"],
                    "per": figure.per,
                    "period_start": start,
                    "period_end": end,
                    "period_kind": kind,
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
            mend="add a row name_as_written,canonical_id,canonical_name,note for each name to the mapping file",
        )
    facts = pd.DataFrame.from_records(records, columns=OUTPUT_FACT_COLUMNS)
    for col in ("period_start", "period_end"):
        facts[col] = pd.to_datetime(facts[col])
    return facts.sort_values("fact_id").reset_index(drop=True)


def _check_range(interval: Any, measure: dict[str, Any], rec: dict[str, str], where: dict[str, Any]) -> None:
    """Refuse a figure outside its measure's plausible range (``min``/``max`` in measures.csv)."""
    lo, hi = measure["min_value"], measure["max_value"]
    if math.isinf(lo) and math.isinf(hi):
        return
    value = interval.value
    outside = (value is not None and not lo <= value <= hi) or interval.low > hi or interval.high < lo
    if outside:
        shown = "" if value is None else f" (reads as {value:g})"
        raise InputError(
            f"implausible value for {rec['measure']}{shown}",
            **where,
            field="value_text",
            value=rec["value_text"],
            expected=f"a value from {_bound(lo)} to {_bound(hi)} {measure['unit']} (measures.csv min/max)",
            mend="check the figure against the source (a year written as a duration, a unit off by a "
            "factor); if the source really says it, widen min/max of the measure in measures.csv",
        )


def _bound(x: float) -> str:
    return "-inf" if x == -math.inf else "inf" if x == math.inf else f"{x:g}"


# words that state where a period starts ('sinds 2004', 'de afgelopen vier jaar', '2014-2016')
_STATES_START = re.compile(
    r"\b(sinds|vanaf|van|tussen|since|from|between|afgelopen|voorbije|past|last|tot en met|t/m|tot|to|until)\b"
    r"|\d\s*[-–]\s*\d"
)


def _period(
    rec: dict[str, str], source: dict[str, str], where: dict[str, Any], kind: str = "stock"
) -> tuple[dt.date | None, dt.date | None]:
    """Period of a fact: explicit dates, else the period text relative to the source date, else the source date.

    Without dates or text a ``stock`` is counted at the source date; a ``cumulative`` count runs up to it, from
    a start the source states, else an open (missing) start; a ``flow`` or ``target`` has no period then. A length of time without a date (``voor twee jaar``) leaves the period unknown:
    nothing is anchored at the source date that the source does not anchor there.
    """
    from ccresearch.parse import FigureParseError, UnanchoredPeriod, parse_date, parse_period

    cumulative = kind == "cumulative"
    start = end = None
    if rec["period_start"] or rec["period_end"]:
        if rec["period_start"]:
            start = _iso_date(rec["period_start"], **where, field="period_start")[0]
        if rec["period_end"]:
            end = _iso_date(rec["period_end"], **where, field="period_end")[1]
        if not cumulative:
            start = start or end
        end = end or start
    elif rec["period_text"].strip().lower() == DATE_NOT_STATED:
        return None, None  # a figure for an earlier time the source does not name
    elif rec["period_text"]:
        try:
            if source["date"]:
                start, end = parse_period(
                    rec["period_text"], parse_date(source["date"]), lang=source["language"]
                )
            else:
                # an undated source: a period written in dates reads the same from any date; a relative
                # one ('in drie jaar') has no anchor, so the period is unknown
                early = parse_period(rec["period_text"], dt.date(1900, 1, 1), lang=source["language"])
                late = parse_period(rec["period_text"], dt.date(2099, 12, 31), lang=source["language"])
                if early != late:
                    return None, None
                start, end = early
        except UnanchoredPeriod:
            return None, None
        except FigureParseError as exc:
            raise InputError(
                exc.problem,
                **where,
                field="period_text",
                value=rec["period_text"],
                expected=exc.expected,
                mend="write period_start/period_end from the source, or rephrase period_text as the source "
                "dates it",
            ) from exc
        if cumulative and not _STATES_START.search(rec["period_text"].lower()):
            start = None  # 'in 2016': counted up to 2016; the start is not stated
    elif source["date"] and kind in ("stock", "cumulative"):
        # a stock is counted at the source date, a cumulative count up to it (from an open start); a flow or
        # a target without a stated period has none: the source date is not its period
        start, end = parse_date(source["date"])
        if cumulative:
            start = None
    if start and end and end < start:
        raise InputError(
            "period ends before it starts",
            **where,
            field="period_end",
            value=str(end),
            expected=f"a date on or after {start}",
            mend="swap period_start and period_end, or correct the date",
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


_APPROX_DATE = re.compile(r"^(?:rond|rondom|omstreeks|circa|ca\.?|ongeveer|around|about|approximately)\s+")
_PART_DATE = {
    "early": re.compile(r"^(?:begin|early|beginning of|start of|aan het begin van)\b"),
    "mid": re.compile(r"^(?:medio|half|midden|mid)\b"),
    "late": re.compile(r"^(?:eind|einde|late|end of|at the end of|aan het eind van)\b"),
    "since": re.compile(r"^(?:sinds|vanaf|since|from)\b"),
}
EVENT_QUALIFIERS = ("exact", "approximate", "early", "mid", "late", "since")
EVENT_PRECISIONS = ("day", "month", "quarter", "half", "year", "span")


def date_qualifier(date_text: str) -> str:
    """How a date as written qualifies itself: ``rond 1 augustus`` is approximate, ``begin 2007`` early."""
    text = date_text.strip().lower()
    if _APPROX_DATE.match(text):
        return "approximate"
    for name, pattern in _PART_DATE.items():
        if pattern.match(text):
            return name
    return "exact"


def date_precision(start: dt.date, end: dt.date) -> str:
    """The calendar unit a date span covers: a day, a month, a quarter, a half year, a year, or a span."""
    if start == end:
        return "day"
    if start.day == 1 and (end + dt.timedelta(days=1)).day == 1:
        months = (end.year - start.year) * 12 + end.month - start.month + 1
        if months == 1:
            return "month"
        if months == 3 and start.month in (1, 4, 7, 10):
            return "quarter"
        if months == 6 and start.month in (1, 7):
            return "half"
        if months == 12 and start.month == 1:
            return "year"
    return "span"


def load_events(
    raw: Path,
    sources: pd.DataFrame,
    entities: dict[str, Mapping],
    regions_map: Mapping,
    event_kinds: dict[str, str] | None = None,
) -> pd.DataFrame:
    """Dated events (a programme started, an application was submitted), one row per date per source.

    Dates are kept apart from the facts because a date is not a quantity: ``30 april`` is not the number 30.
    Each event's kind must be in ``event_kinds.csv``. Empty ``date_start`` is read from ``date_text`` relative to
    the source date (``begin 2007`` -> the first quarter). ``date_qualifier`` keeps what the text says of the
    date (``rond`` -> approximate; ``begin``/``medio``/``eind`` -> early/mid/late) and ``precision`` the
    calendar unit the span covers (day, month, quarter, half, year, span), so a timeline can show both.
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
        "precision",
        "date_qualifier",
        "region_code",
        "note",
        "file",
        "row",
    ]
    if not path.exists():
        return pd.DataFrame(columns=columns)
    known = regions(raw)
    kinds = load_event_kinds(raw) if event_kinds is None else event_kinds
    source_of = {rec["source_id"]: rec for _, rec in _rows(sources)}
    frame = read_csv_checked(path, required=EVENT_COLUMNS, allowed=EVENT_COLUMNS)
    _unique(frame, "event_id", file=path)
    records = []
    for row, rec in _rows(frame):
        where = {"file": path, "row": row}
        _require(rec["event_id"], **where, field="event_id", expected="a unique id")
        _require(rec["event"], **where, field="event", expected="what happened, snake_case")
        if rec["event"] not in kinds:
            raise InputError(
                "unknown event kind",
                **where,
                field="event",
                value=rec["event"],
                expected=f"a kind in event_kinds.csv ({', '.join(sorted(kinds))})",
                mend="use one of the listed kinds, or add the new kind with a description to "
                "data/raw/event_kinds.csv",
            )
        source = source_of.get(rec["source_id"])
        _check_source(rec, source is not None, where)
        hit = _mapped_entity(
            rec, entities, where, mend="add the name as written to the mapping file named above"
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
                    mend="add the name as written to the mapping file named above",
                )
        if rec["date_start"]:
            start = _iso_date(rec["date_start"], **where, field="date_start")[0]
            end = _iso_date(rec["date_end"] or rec["date_start"], **where, field="date_end")[1]
        else:
            start, end = _event_dates(rec, source, where)
        if end < start:
            raise InputError(
                "event ends before it starts",
                **where,
                field="date_end",
                value=rec["date_end"],
                expected=f"a date on or after {start}",
                mend="swap date_start and date_end, or correct the date",
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
                "precision": date_precision(start, end),
                "date_qualifier": date_qualifier(rec["date_text"]),
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


def _event_dates(
    rec: dict[str, str], source: dict[str, str], where: dict[str, Any]
) -> tuple[dt.date, dt.date]:
    """An event's first and last day read from its date as written, relative to the source date."""
    from ccresearch.parse import FigureParseError, parse_date, parse_period

    text = _APPROX_DATE.sub("", rec["date_text"].strip().lower())
    mend = "write date_start (and date_end) as YYYY-MM-DD, YYYY-MM or YYYY from the source"
    if not text:
        raise InputError("empty required field", **where, field="date_start", expected="a date", mend=mend)
    if not source["date"] and not re.search(r"\d{4}", text):
        raise InputError(
            "a date without a year needs a dated source",
            **where,
            field="date_text",
            value=rec["date_text"],
            expected="a year in date_text, or date_start",
            mend=mend,
        )
    year = re.search(r"\d{4}", text)
    ref = parse_date(source["date"] or (year[0] if year else ""))
    try:
        return parse_period(text, ref, lang=source["language"])
    except FigureParseError as exc:
        raise InputError(
            exc.problem, **where, field="date_text", value=rec["date_text"], expected=exc.expected, mend=mend
        ) from exc


def load_persons(raw: Path, sources: pd.DataFrame, entities: dict[str, Mapping]) -> pd.DataFrame:
    """People named by the sources (``persons.csv``), one row per name as written per source, so that two
    sources naming different people for one role can be recorded as a conflict of names."""
    import pandas as pd

    path = raw / "persons.csv"
    columns = [
        "person_id",
        "source_id",
        "entity",
        "entity_name",
        "entity_kind",
        "role",
        "name_as_written",
        "note",
        "file",
        "row",
    ]
    if not path.exists():
        return pd.DataFrame(columns=columns)
    frame = read_csv_checked(path, required=PERSON_COLUMNS, allowed=PERSON_COLUMNS)
    _unique(frame, "person_id", file=path)
    source_ids = set(sources["source_id"])
    records = []
    for row, rec in _rows(frame):
        where = {"file": path, "row": row}
        _require(rec["person_id"], **where, field="person_id", expected="a unique id")
        _require(rec["role"], **where, field="role", expected="the person's role as the source gives it")
        _require(rec["name_as_written"], **where, field="name_as_written", expected="the name as written")
        _check_source(rec, rec["source_id"] in source_ids, where)
        hit = _mapped_entity(
            rec, entities, where, mend="add the name to the mapping, or use a name already mapped"
        )
        records.append(
            {
                "person_id": rec["person_id"],
                "source_id": rec["source_id"],
                "entity": hit[0],
                "entity_name": hit[1],
                "entity_kind": hit[2],
                "role": rec["role"],
                "name_as_written": rec["name_as_written"],
                "note": rec["note"] or None,
                "file": path.relative_to(raw).as_posix(),
                "row": row,
            }
        )
    return pd.DataFrame.from_records(records, columns=columns).sort_values("person_id").reset_index(drop=True)


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
                    mend="use a measure listed in measures.csv, or add the new measure there with its unit",
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
                    mend="use a canonical id, or a name mapped in data/raw/mappings",
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
