"""The evidence base as results for a report: a summary, the timeline of events, the conflict ledger, the
sources, coverage and qualifiers. Language-free: stable column ids and codes, never words; the report layer
names and formats them.

Filters are parameters, and every result records the ones applied (``EvidenceSummary.filters``,
``frame.attrs["filters"]``). The defaults keep every source. ``since_year`` keeps the sources published in that
year or later **and every undated source** (its year is unknown, so it is not excluded); ``source_kinds`` keeps
the sources of those kinds. Facts, events and conflicts follow their sources (a conflict is kept when either of
its two sources is kept, and then shows both sides).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "CONFLICT_LEDGER_COLUMNS",
    "TIMELINE_COLUMNS",
    "EvidenceFilters",
    "EvidenceSummary",
    "conflict_ledger",
    "coverage_matrix",
    "data_dictionary",
    "evidence_summary",
    "kept_source_ids",
    "qualifier_counts",
    "source_year",
    "sources_table",
    "timeline",
]

QUALIFIERS = ("exact", "lower_bound", "upper_bound", "approximate", "range")
VERDICTS = ("incompatible", "compatible", "same_term", "different_scope")
CONFLICT_KINDS = ("values", "sum", "dates", "names", "scope")
TIMELINE_COLUMNS = [
    "event_id",
    "date_start",
    "date_end",
    "precision",
    "date_qualifier",
    "entity",
    "entity_name",
    "event_kind",
    "source_id",
    "source_date",
    "date_text",
]
CONFLICT_LEDGER_COLUMNS = [
    "verdict",
    "kind",
    "conflict_id",
    "entity",
    "entity_name",
    "measure",
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
    "detected",
    "note_id",
    "reason",
]
SOURCES_TABLE_COLUMNS = [
    "source_id",
    "date",
    "year",
    "kind",
    "publisher",
    "title",
    "language",
    "address",
    "n_facts",
    "n_events",
]
UNDATED = "undated"


@dataclass(frozen=True)
class EvidenceFilters:
    """The filters applied to the evidence base (None = not filtered)."""

    since_year: int | None = None
    source_kinds: tuple[str, ...] | None = None

    @property
    def active(self) -> bool:
        """True when any filter leaves sources out."""
        return self.since_year is not None or self.source_kinds is not None

    def as_dict(self) -> dict[str, Any]:
        """Plain data, for ``attrs`` and JSON."""
        return {
            "since_year": self.since_year,
            "source_kinds": list(self.source_kinds) if self.source_kinds is not None else None,
            "undated_sources_kept": True,
        }

    def __repr__(self) -> str:
        if not self.active:
            return "EvidenceFilters(none)"
        parts = []
        if self.since_year is not None:
            parts.append(f"since_year={self.since_year}")
        if self.source_kinds is not None:
            parts.append(f"source_kinds={list(self.source_kinds)}")
        return f"EvidenceFilters({', '.join(parts)})"


@dataclass(frozen=True)
class EvidenceSummary:
    """Counts describing the (filtered) evidence base; ``filters`` says what was left out."""

    n_sources: int
    sources_by_kind: dict[str, int]
    n_undated_sources: int
    source_years: tuple[int, int] | None
    n_sources_total: int
    n_facts: int
    n_facts_without_value: int
    n_entities: int
    n_measures: int
    qualifiers: dict[str, int]
    period_kinds: dict[str, int]
    n_conflicts: int
    conflicts_by_verdict: dict[str, int]
    conflicts_by_kind: dict[str, int]
    n_events: int
    events_by_precision: dict[str, int]
    filters: EvidenceFilters = field(default_factory=EvidenceFilters)

    def __repr__(self) -> str:
        return (
            f"EvidenceSummary({self.n_sources}/{self.n_sources_total} sources, {self.n_facts} facts, "
            f"{self.n_events} events, {self.n_conflicts} conflicts, {self.filters!r})"
        )


def _filters(since_year: int | None, source_kinds: Iterable[str] | None) -> EvidenceFilters:
    from ccresearch.errors import ParameterError

    if since_year is not None and (isinstance(since_year, bool) or not isinstance(since_year, int)):
        raise ParameterError(
            "not a year", field="since_year", value=since_year, expected="an integer year or None"
        )
    kinds = None
    if source_kinds is not None:
        if isinstance(source_kinds, str):
            source_kinds = [source_kinds]
        kinds = tuple(sorted({str(k) for k in source_kinds}))
    return EvidenceFilters(since_year, kinds)


def source_year(date: Any) -> int | None:
    """The year of a source date as written (``2015-03-02``, ``2015-03``, ``2015``); None when undated."""
    if not isinstance(date, str) or not date.strip():
        return None
    return int(date.strip()[:4])


def kept_source_ids(
    sources: pd.DataFrame, *, since_year: int | None = None, source_kinds: Iterable[str] | None = None
) -> set[str]:
    """Ids of the sources the filters keep (see the module docstring; the defaults keep every source)."""
    f = _filters(since_year, source_kinds)
    return _kept(sources, f)


def _kept(sources: pd.DataFrame, f: EvidenceFilters) -> set[str]:
    keep = set()
    for r in sources.itertuples(index=False):
        year = source_year(r.date)
        if f.since_year is not None and year is not None and year < f.since_year:
            continue
        if f.source_kinds is not None and r.kind not in f.source_kinds:
            continue
        keep.add(str(r.source_id))
    return keep


def _with_filters(frame: pd.DataFrame, f: EvidenceFilters) -> pd.DataFrame:
    frame.attrs["filters"] = f.as_dict()
    return frame


def _counts(values: Iterable[Any], order: Iterable[str] = ()) -> dict[str, int]:
    """Counts of each value: the known ``order`` first (0 where absent), then any other value, sorted."""
    import pandas as pd

    counts = pd.Series(list(values), dtype=object).dropna().value_counts()
    known = list(order)
    out = {k: int(counts.get(k, 0)) for k in known}
    for k in sorted(set(counts.index) - set(known), key=str):
        out[str(k)] = int(counts[k])
    return out


def evidence_summary(
    facts: pd.DataFrame,
    sources: pd.DataFrame,
    conflicts: pd.DataFrame,
    events: pd.DataFrame,
    *,
    since_year: int | None = None,
    source_kinds: Iterable[str] | None = None,
) -> EvidenceSummary:
    """Counts of the evidence base after the filters: sources (by kind, undated, years), facts (without a value,
    entities, measures, qualifiers, period kinds), conflicts (by verdict and kind) and events (by precision)."""
    f = _filters(since_year, source_kinds)
    keep = _kept(sources, f)
    src = sources[sources["source_id"].isin(keep)]
    fx = facts[facts["source_id"].isin(keep)]
    ev = events[events["source_id"].isin(keep)]
    cf = conflicts[conflicts["source_id_a"].isin(keep) | conflicts["source_id_b"].isin(keep)]
    years = [y for y in (source_year(d) for d in src["date"]) if y is not None]
    return EvidenceSummary(
        n_sources=len(src),
        sources_by_kind=dict(sorted(_counts(src["kind"]).items(), key=lambda kv: (-kv[1], kv[0]))),
        n_undated_sources=len(src) - len(years),
        source_years=(min(years), max(years)) if years else None,
        n_sources_total=len(sources),
        n_facts=len(fx),
        n_facts_without_value=int(fx["value"].isna().sum()),
        n_entities=int(fx["entity"].nunique()),
        n_measures=int(fx["measure"].nunique()),
        qualifiers=_counts(fx["qualifier"], QUALIFIERS),
        period_kinds=_counts(fx["period_kind"], ("stock", "flow", "cumulative", "target"))
        if "period_kind" in fx
        else {},
        n_conflicts=len(cf),
        conflicts_by_verdict=_counts(cf["verdict"], VERDICTS),
        conflicts_by_kind=_counts(cf["kind"], CONFLICT_KINDS),
        n_events=len(ev),
        events_by_precision=_counts(ev["precision"], ("day", "month", "quarter", "half", "year", "span"))
        if "precision" in ev
        else {},
        filters=f,
    )


def timeline(
    events: pd.DataFrame,
    sources: pd.DataFrame,
    *,
    since_year: int | None = None,
    source_kinds: Iterable[str] | None = None,
) -> pd.DataFrame:
    """One row per dated event, earliest first (columns :data:`TIMELINE_COLUMNS`): first and last day the date
    can be, its ``precision`` (day ... year, span) and ``date_qualifier`` (exact, approximate, early, mid, late,
    since), the entity, the ``event_kind``, the source and the date as written."""
    import pandas as pd

    f = _filters(since_year, source_kinds)
    keep = _kept(sources, f)
    dates = dict(zip(sources["source_id"], sources["date"], strict=True))
    ev = events[events["source_id"].isin(keep)].copy()
    ev["event_kind"] = ev["event"]
    ev["source_date"] = [dates.get(s) or None for s in ev["source_id"]]
    for col in ("precision", "date_qualifier"):
        if col not in ev:
            ev[col] = None
    ev = ev.sort_values(["date_start", "date_end", "event_id"])
    out = ev[TIMELINE_COLUMNS].reset_index(drop=True) if len(ev) else pd.DataFrame(columns=TIMELINE_COLUMNS)
    return _with_filters(out, f)


def conflict_ledger(
    conflicts: pd.DataFrame,
    sources: pd.DataFrame,
    *,
    since_year: int | None = None,
    source_kinds: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Every conflict with both sides, grouped by verdict (incompatible, compatible, same_term,
    different_scope, then any other), then by kind and id (columns :data:`CONFLICT_LEDGER_COLUMNS`). A conflict
    is kept when either of its sources is kept."""
    import pandas as pd

    f = _filters(since_year, source_kinds)
    keep = _kept(sources, f)
    cf = conflicts[conflicts["source_id_a"].isin(keep) | conflicts["source_id_b"].isin(keep)].copy()
    for col in CONFLICT_LEDGER_COLUMNS:
        if col not in cf:
            cf[col] = None
    order = {v: i for i, v in enumerate(VERDICTS)}
    kinds = {k: i for i, k in enumerate(CONFLICT_KINDS)}
    cf["_v"] = [order.get(v, len(order)) for v in cf["verdict"]]
    cf["_k"] = [kinds.get(k, len(kinds)) for k in cf["kind"]]
    cf = cf.sort_values(["_v", "verdict", "_k", "conflict_id"])
    out = (
        cf[CONFLICT_LEDGER_COLUMNS].reset_index(drop=True)
        if len(cf)
        else pd.DataFrame(columns=CONFLICT_LEDGER_COLUMNS)
    )
    return _with_filters(out, f)


def sources_table(
    sources: pd.DataFrame,
    facts: pd.DataFrame | None = None,
    events: pd.DataFrame | None = None,
    *,
    since_year: int | None = None,
    source_kinds: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Every kept source, dated ones first by date then undated ones, with its number of facts and events
    (columns :data:`SOURCES_TABLE_COLUMNS`; ``year`` is missing for an undated source)."""
    f = _filters(since_year, source_kinds)
    keep = _kept(sources, f)
    out = sources[sources["source_id"].isin(keep)].copy()
    n_facts = facts.groupby("source_id").size() if facts is not None else None
    n_events = events.groupby("source_id").size() if events is not None and len(events) else None
    out["n_facts"] = out["source_id"].map(n_facts).fillna(0).astype(int) if n_facts is not None else 0
    out["n_events"] = out["source_id"].map(n_events).fillna(0).astype(int) if n_events is not None else 0
    out["year"] = [source_year(d) for d in out["date"]]
    out["year"] = out["year"].astype("Int64")
    out["date"] = [d if isinstance(d, str) and d else None for d in out["date"]]
    out["address"] = [a if isinstance(a, str) and a else None for a in out["address"]]
    out["_undated"] = out["date"].isna()
    out = out.sort_values(["_undated", "date", "source_id"], na_position="last")
    return _with_filters(out[SOURCES_TABLE_COLUMNS].reset_index(drop=True), f)


def coverage_matrix(
    facts: pd.DataFrame,
    sources: pd.DataFrame | None = None,
    *,
    since_year: int | None = None,
    source_kinds: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Entities (rows, by entity id) by year (columns ``"2014"``, ``"2015"``, ... then ``"undated"``): the number
    of facts whose period touches that year. A cumulative count with an open start counts in its last year
    only; a fact without a period counts as ``undated``. Filters need ``sources``."""
    import pandas as pd

    f = _filters(since_year, source_kinds)
    fx = facts
    if sources is not None:
        fx = facts[facts["source_id"].isin(_kept(sources, f))]
    elif f.active:
        from ccresearch.errors import ParameterError

        raise ParameterError(
            "filters need the sources table", field="sources", expected="the sources DataFrame"
        )
    rows = []
    for r in fx.itertuples(index=False):
        if pd.isna(r.period_end):
            rows.append((r.entity, UNDATED, r.fact_id))
            continue
        first = r.period_end.year if pd.isna(r.period_start) else r.period_start.year
        rows.extend((r.entity, str(y), r.fact_id) for y in range(first, r.period_end.year + 1))
    long = pd.DataFrame(rows, columns=["entity", "year", "fact_id"])
    if long.empty:
        return _with_filters(pd.DataFrame(index=pd.Index([], name="entity")), f)
    matrix = long.groupby(["entity", "year"])["fact_id"].nunique().unstack("year", fill_value=0)
    cols = sorted(c for c in matrix.columns if c != UNDATED)
    if UNDATED in matrix.columns:
        cols.append(UNDATED)
    matrix = matrix[cols].astype(int)
    matrix.columns.name = "year"
    matrix.index.name = "entity"
    return _with_filters(matrix, f)


def qualifier_counts(facts: pd.DataFrame) -> pd.DataFrame:
    """One row per qualifier (the five known ones first, 0 where absent): ``n_facts``, ``share`` of all facts
    and ``n_without_value`` (figures whose source states no point value)."""
    import pandas as pd

    counts = _counts(facts["qualifier"], QUALIFIERS)
    no_value = facts[facts["value"].isna()].groupby("qualifier").size()
    total = sum(counts.values())
    return pd.DataFrame(
        {
            "qualifier": list(counts),
            "n_facts": list(counts.values()),
            "share": [n / total if total else 0.0 for n in counts.values()],
            "n_without_value": [int(no_value.get(q, 0)) for q in counts],
        }
    )


def data_dictionary(processed_dir: Path | None = None) -> pd.DataFrame:
    """One row per field of every processed table (``table, field, type, unit, description``), read from
    ``datapackage.json``; with no folder given, the project's processed data (built first when stale)."""
    import pandas as pd

    from ccresearch import paths

    if processed_dir is None:
        from ccresearch.build.pipeline import ensure_built

        ensure_built()
    folder = Path(processed_dir) if processed_dir is not None else paths.processed_dir()
    path = folder / "datapackage.json"
    if not path.exists():
        from ccresearch.errors import InputError

        raise InputError(
            "no data package", file=path, expected="datapackage.json", mend="run ccresearch build"
        )
    package = json.loads(path.read_text(encoding="utf-8"))
    rows = [
        {
            "table": res["name"],
            "field": fld["name"],
            "type": fld["type"],
            "unit": fld.get("unit"),
            "description": fld.get("description"),
        }
        for res in package["resources"]
        for fld in res["schema"]["fields"]
    ]
    return pd.DataFrame(rows, columns=["table", "field", "type", "unit", "description"])


# ---------------------------------------------------------------------------------------------------------
# The report's one call (notebook 01): every table above, after the same filters, in one language-free result.


def coverage_table(facts: pd.DataFrame) -> pd.DataFrame:
    """One row per entity and measure (columns ``entity, entity_name, measure, years, undated, n_facts,
    sources``): the years its facts touch (sorted list; a cumulative count with an open start counts in its
    last year only), whether some fact has no period, and the ids of the sources giving them."""
    import pandas as pd

    cols = ["entity", "entity_name", "measure", "years", "undated", "n_facts", "sources"]
    rows = []
    for (entity, measure), group in facts.groupby(["entity", "measure"], sort=True):
        years: set[int] = set()
        undated = False
        for r in group.itertuples(index=False):
            if pd.isna(r.period_end):
                undated = True
                continue
            first = r.period_end.year if pd.isna(r.period_start) else r.period_start.year
            years.update(range(first, r.period_end.year + 1))
        rows.append(
            {
                "entity": entity,
                "entity_name": group["entity_name"].iloc[0] if "entity_name" in group else entity,
                "measure": measure,
                "years": sorted(years),
                "undated": undated,
                "n_facts": len(group),
                "sources": sorted(set(group["source_id"])),
            }
        )
    return pd.DataFrame(rows, columns=cols)


def vague_figures(facts: pd.DataFrame) -> pd.DataFrame:
    """The facts that are not exact, in order, with the interval their qualifier allows (``low``, ``high``;
    ``value`` is NaN where the source states no single number)."""
    cols = [
        "fact_id",
        "source_id",
        "entity",
        "entity_name",
        "measure",
        "value_text",
        "qualifier",
        "low",
        "value",
        "high",
        "unit",
        "period_start",
        "period_end",
        "period_kind",
        "period_text",
        "file",
        "row",
    ]
    out = facts[facts["qualifier"] != "exact"]
    return out[[c for c in cols if c in out.columns]].reset_index(drop=True)


def _with_rows(frame: pd.DataFrame, events: pd.DataFrame) -> pd.DataFrame:
    """The timeline with the raw ``file`` and ``row`` of each event (for the provenance annex)."""
    for col in ("file", "row"):
        if col in events:
            frame[col] = frame["event_id"].map(dict(zip(events["event_id"], events[col], strict=True)))
    return frame


@dataclass
class EvidenceBase:
    """Everything the evidence report shows, language-free: the summary and the tables behind it (all after
    the same filters; ``all_sources`` is the unfiltered source list, for citing both sides of a conflict)."""

    summary: EvidenceSummary
    sources: pd.DataFrame
    all_sources: pd.DataFrame
    facts: pd.DataFrame
    n_facts_total: int
    coverage: pd.DataFrame
    coverage_table: pd.DataFrame
    conflicts: pd.DataFrame
    events: pd.DataFrame
    qualifiers: pd.DataFrame
    vague: pd.DataFrame
    dictionary: pd.DataFrame
    entity_names: dict[str, str] = field(default_factory=dict)
    #: the unit of each measure (from the facts), to write both sides of a conflict in it
    units: dict[str, str] = field(default_factory=dict)

    @property
    def filters(self) -> EvidenceFilters:
        """The filters applied."""
        return self.summary.filters

    def record(self) -> dict[str, Any]:
        """The language-free numbers a run records (``ccresearch.record(**result.record())``)."""
        s = self.summary
        return {
            "n_sources": s.n_sources,
            "n_facts": s.n_facts,
            "n_conflicts": s.n_conflicts,
            "n_events": s.n_events,
            "qualifiers": {k: int(v) for k, v in s.qualifiers.items()},
            "conflicts_by_verdict": dict(s.conflicts_by_verdict),
            "filters": s.filters.as_dict(),
            "headline": {"sources": s.n_sources, "facts": s.n_facts, "conflicts": s.n_conflicts},
        }


def summarise(
    *,
    since_year: int | None = None,
    source_kinds: Iterable[str] | None = None,
    facts: pd.DataFrame | None = None,
    sources: pd.DataFrame | None = None,
    conflicts: pd.DataFrame | None = None,
    events: pd.DataFrame | None = None,
    processed: Path | None = None,
) -> EvidenceBase:
    """The evidence base after the filters: the summary and every table of the report. Tables not given are
    loaded from the processed data (``processed``, or the project's, built first when stale)."""
    from ccresearch.build import loaders
    from ccresearch.errors import ParameterError
    from ccresearch.evidence.tables import SOURCE_KINDS

    f = _filters(since_year, source_kinds)
    unknown = sorted(set(f.source_kinds or ()) - set(SOURCE_KINDS))
    if unknown:
        raise ParameterError(
            "unknown source kind",
            field="source_kinds",
            value=unknown[0],
            expected="a list of " + ", ".join(sorted(SOURCE_KINDS)) + "; or None for every kind",
        )
    facts = loaders.load_facts(processed) if facts is None else facts
    sources = loaders.load_sources(processed) if sources is None else sources
    conflicts = loaders.load_conflicts(processed) if conflicts is None else conflicts
    events = loaders.load_events(processed) if events is None else events
    kw: dict[str, Any] = {"since_year": f.since_year, "source_kinds": f.source_kinds}
    kept_facts = facts[facts["source_id"].isin(_kept(sources, f))].reset_index(drop=True)
    names: dict[str, str] = {}
    for frame in (facts, events):
        if "entity_name" in frame:
            names.update((str(e), str(n)) for e, n in zip(frame["entity"], frame["entity_name"], strict=True))
    return EvidenceBase(
        summary=evidence_summary(facts, sources, conflicts, events, **kw),
        sources=sources_table(sources, facts, events, **kw),
        all_sources=sources,
        facts=kept_facts,
        n_facts_total=len(facts),
        coverage=coverage_matrix(facts, sources, **kw),
        coverage_table=coverage_table(kept_facts),
        conflicts=conflict_ledger(conflicts, sources, **kw),
        events=_with_rows(timeline(events, sources, **kw), events),
        qualifiers=qualifier_counts(kept_facts),
        vague=vague_figures(kept_facts),
        dictionary=data_dictionary(processed),
        entity_names=names,
        units={
            str(m): str(u) for m, u in zip(facts["measure"], facts["unit"], strict=True) if isinstance(u, str)
        }
        if "unit" in facts
        else {},
    )


#: the name the package facade exports (``ccresearch.summarise_evidence``)
summarise_evidence = summarise
