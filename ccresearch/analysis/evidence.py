"""The evidence base in numbers and tables: sources, coverage, conflicts, events, how exact the figures are.

Language-free: every function takes the processed tables (``ccresearch.load_sources()``, ``load_facts()``, ...)
and returns counts or DataFrames with stable column ids; the words are the report's (``report/evidence.py``).

Filters: ``since_year`` leaves out sources published before that year, and with them their figures, events
and the conflicts in which neither side comes from a kept source; undated sources are always kept (their age
is unknown). ``source_kinds`` keeps only sources of those kinds (``news``, ``government``, ...).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ccresearch.errors import ParameterError

if TYPE_CHECKING:
    import pandas as pd

QUALIFIERS: tuple[str, ...] = ("exact", "lower_bound", "upper_bound", "approximate", "range")
VERDICTS: tuple[str, ...] = ("incompatible", "compatible", "same_term", "different_scope")
CONFLICT_KINDS: tuple[str, ...] = ("values", "sum", "dates", "names", "scope")
UNDATED = "undated"
# conflicts of data built before kinds and verdicts: old kind -> (kind, verdict)
_OLD_KINDS = {
    "disagreement": ("values", "incompatible"),
    "identity": ("sum", "incompatible"),
    "date": ("dates", "incompatible"),
    "noted": ("scope", "different_scope"),
}


@dataclass(frozen=True)
class EvidenceSummary:
    """Counts of the evidence base after the filters (``since_year``, ``source_kinds``) were applied."""

    n_sources: int
    n_sources_total: int
    sources_by_kind: dict[str, int]
    n_undated: int
    n_facts: int
    n_facts_total: int
    n_entities: int
    n_measures: int
    qualifiers: dict[str, int]
    conflicts_by_verdict: dict[str, int]
    n_conflicts: int
    n_events: int
    first_year: int | None
    last_year: int | None
    since_year: int | None = None
    source_kinds: tuple[str, ...] | None = None

    @property
    def n_vague(self) -> int:
        """Figures that are not exact (bounds, approximations, ranges)."""
        return sum(n for q, n in self.qualifiers.items() if q != "exact")


# ------------------------------------------------------------------------------------------------ filters


def source_year(date: Any) -> int | None:
    """The year of a source date as written (``2015-03-02``, ``2015-03``, ``2015``); None when undated."""
    if not isinstance(date, str) or not date.strip():
        return None
    return int(date.strip()[:4])


def check_filters(
    since_year: Any = None, source_kinds: Any = None
) -> tuple[int | None, tuple[str, ...] | None]:
    """The filters, checked: ``since_year`` a whole year or None, ``source_kinds`` known kinds or None."""
    from ccresearch.evidence.tables import SOURCE_KINDS

    if since_year is not None and (isinstance(since_year, bool) or not isinstance(since_year, int)):
        raise ParameterError(
            "since_year must be a year", field="since_year", value=since_year, expected="a whole year or None"
        )
    if source_kinds is None:
        return since_year, None
    if isinstance(source_kinds, str):
        source_kinds = [source_kinds]
    kinds = tuple(dict.fromkeys(str(k) for k in source_kinds))
    unknown = [k for k in kinds if k not in SOURCE_KINDS]
    if unknown or not kinds:
        raise ParameterError(
            "unknown source kind",
            field="source_kinds",
            value=unknown[0] if unknown else list(kinds),
            expected="a list of " + " | ".join(sorted(SOURCE_KINDS)) + ", or None for every kind",
        )
    return since_year, kinds


def kept_source_ids(
    sources: pd.DataFrame, *, since_year: int | None = None, source_kinds: Iterable[str] | None = None
) -> set[str]:
    """Ids of the sources kept: dated ``since_year`` or later (undated always kept), of ``source_kinds``."""
    since_year, kinds = check_filters(since_year, source_kinds)
    kept = set()
    for rec in sources.itertuples(index=False):
        year = source_year(rec.date)
        if since_year is not None and year is not None and year < since_year:
            continue
        if kinds is not None and rec.kind not in kinds:
            continue
        kept.add(str(rec.source_id))
    return kept


def _keep(frame: pd.DataFrame, kept: set[str]) -> pd.DataFrame:
    return frame[frame["source_id"].isin(kept)].reset_index(drop=True)


# ------------------------------------------------------------------------------------------------- tables


def sources_table(
    sources: pd.DataFrame,
    facts: pd.DataFrame,
    events: pd.DataFrame | None = None,
    *,
    since_year: int | None = None,
    source_kinds: Iterable[str] | None = None,
) -> pd.DataFrame:
    """The kept sources by date (undated last): id, publisher, title, date, year, kind, language, address,
    number of figures (``n_facts``) and of events (``n_events``)."""
    kept = kept_source_ids(sources, since_year=since_year, source_kinds=source_kinds)
    out = sources[sources["source_id"].isin(kept)].copy()
    out["n_facts"] = out["source_id"].map(facts.groupby("source_id").size()).fillna(0).astype(int)
    n_events = events.groupby("source_id").size() if events is not None and len(events) else {}
    out["n_events"] = out["source_id"].map(n_events).fillna(0).astype(int)
    out["date"] = [d.strip() if isinstance(d, str) else "" for d in out["date"]]
    out["year"] = [source_year(d) for d in out["date"]]
    out["_order"] = [d or "9999" for d in out["date"]]
    out = out.sort_values(["_order", "source_id"]).drop(columns="_order")
    cols = ["source_id", "publisher", "title", "date", "year", "kind", "language", "address"]
    cols = [c for c in cols if c in out.columns] + ["n_facts", "n_events"]
    return out[cols].reset_index(drop=True)


def qualifier_counts(facts: pd.DataFrame) -> pd.DataFrame:
    """How many figures have each qualifier (``qualifier``, ``n``, ``share``): all five, 0 where none; a
    qualifier outside the five is kept too."""
    import pandas as pd

    counts = facts["qualifier"].value_counts()
    order = [*QUALIFIERS, *sorted(set(counts.index) - set(QUALIFIERS))]
    n = [int(counts.get(q, 0)) for q in order]
    total = sum(n)
    return pd.DataFrame({"qualifier": order, "n": n, "share": [x / total if total else 0.0 for x in n]})


def vague_figures(facts: pd.DataFrame) -> pd.DataFrame:
    """The figures that are not exact, with the interval their qualifier allows (``low``, ``high``; ``value``
    is NaN where the source gives no single number), in the order of the facts."""
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
        "period_text",
    ]
    out = facts[facts["qualifier"] != "exact"]
    return out[[c for c in cols if c in out.columns]].reset_index(drop=True)


def _fact_years(rec: Any) -> list[int | None]:
    import pandas as pd

    if pd.isna(rec.period_start):
        return [None]
    end = rec.period_end if not pd.isna(rec.period_end) else rec.period_start
    return list(range(rec.period_start.year, end.year + 1))


def coverage_matrix(facts: pd.DataFrame) -> pd.DataFrame:
    """Entities (index ``entity``) by year (columns ``"2014"``, ..., then ``undated``): how many measures each
    entity has figures on in that year. A figure over a period counts in each of its years; figures without
    a period count under ``undated``. Cells with no figures are 0 (no figure, not a figure of 0)."""
    import pandas as pd

    rows = [(r.entity, r.measure, y) for r in facts.itertuples(index=False) for y in _fact_years(r)]
    frame = pd.DataFrame(rows, columns=["entity", "measure", "year"])
    frame["col"] = [UNDATED if y is None or pd.isna(y) else str(int(y)) for y in frame["year"]]
    matrix = frame.groupby(["entity", "col"])["measure"].nunique().unstack("col", fill_value=0)
    years = sorted(int(c) for c in matrix.columns if c != UNDATED)
    # every year from the first to the last, so a gap in the data shows as a gap
    cols = [str(y) for y in range(years[0], years[-1] + 1)] if years else []
    if UNDATED in matrix.columns:
        cols.append(UNDATED)
    matrix = matrix.reindex(columns=cols, fill_value=0).astype(int)
    matrix.columns.name = "year"
    return matrix


def coverage_table(facts: pd.DataFrame) -> pd.DataFrame:
    """One row per entity and measure: ``years`` (sorted list), ``undated`` (some figure has no period),
    ``n_facts``, ``sources`` (sorted ids)."""
    import pandas as pd

    rows = []
    for (entity, measure), group in facts.groupby(["entity", "measure"], sort=True):
        years = sorted({y for r in group.itertuples(index=False) for y in _fact_years(r) if y is not None})
        rows.append(
            {
                "entity": entity,
                "entity_name": group["entity_name"].iloc[0] if "entity_name" in group else entity,
                "measure": measure,
                "years": years,
                "undated": bool(group["period_start"].isna().any()),
                "n_facts": len(group),
                "sources": sorted(set(group["source_id"])),
            }
        )
    cols = ["entity", "entity_name", "measure", "years", "undated", "n_facts", "sources"]
    return pd.DataFrame(rows, columns=cols)


def _with_verdicts(conflicts: pd.DataFrame) -> pd.DataFrame:
    """Conflicts with ``kind``, ``verdict`` and ``reason`` (older data: mapped from the old kinds)."""
    out = conflicts.copy()
    if "verdict" not in out.columns:
        pairs = [_OLD_KINDS.get(k, ("values", "incompatible")) for k in out["kind"]]
        out["kind"] = [p[0] for p in pairs]
        out["verdict"] = [p[1] for p in pairs]
    if "reason" not in out.columns:
        out["reason"] = out["explanation"] if "explanation" in out.columns else ""
    return out


def conflict_ledger(
    conflicts: pd.DataFrame,
    sources: pd.DataFrame,
    *,
    since_year: int | None = None,
    source_kinds: Iterable[str] | None = None,
) -> pd.DataFrame:
    """The kept conflicts (at least one side from a kept source), grouped by verdict (in the order of
    :data:`VERDICTS`), each with both sides: figure as written, interval, period, source and its publisher,
    date and language (``publisher_a``, ``date_a``, ``language_a``, same for ``_b``)."""
    kept = kept_source_ids(sources, since_year=since_year, source_kinds=source_kinds)
    out = _with_verdicts(conflicts)
    out = out[out["source_id_a"].isin(kept) | out["source_id_b"].isin(kept)].copy()
    by_id = sources.set_index("source_id")
    for side in ("a", "b"):
        ids = out[f"source_id_{side}"]
        for col in ("publisher", "date", "language"):
            values = by_id[col] if col in by_id.columns else {}
            out[f"{col}_{side}"] = [values.get(i, "") if hasattr(values, "get") else "" for i in ids]
    order = {v: i for i, v in enumerate(VERDICTS)}
    out["_order"] = [order.get(v, len(order)) for v in out["verdict"]]
    out = out.sort_values(["_order", "kind", "conflict_id"]).drop(columns="_order")
    return out.reset_index(drop=True)


def timeline(
    events: pd.DataFrame,
    sources: pd.DataFrame,
    *,
    since_year: int | None = None,
    source_kinds: Iterable[str] | None = None,
) -> pd.DataFrame:
    """One row per kept event, by date (undated last): ``event_id``, ``date_start``, ``date_end``,
    ``precision``, ``date_qualifier``, ``entity``, ``entity_name``, ``event_kind``, ``source_id``,
    ``date_text`` (as written)."""
    import pandas as pd

    kept = kept_source_ids(sources, since_year=since_year, source_kinds=source_kinds)
    out = _keep(events, kept).rename(columns={"event": "event_kind"})
    for col, default in (("precision", "day"), ("date_qualifier", "exact"), ("entity_name", None)):
        if col not in out.columns:
            out[col] = out["entity"] if default is None else default
    for col in ("date_start", "date_end"):
        out[col] = pd.to_datetime(out[col])
    cols = [
        "event_id",
        "date_start",
        "date_end",
        "precision",
        "date_qualifier",
        "entity",
        "entity_name",
        "event_kind",
        "source_id",
        "date_text",
    ]
    out = out.sort_values(["date_start", "event_id"], na_position="last")
    return out[cols].reset_index(drop=True)


def data_dictionary(processed_dir: Path | None = None) -> pd.DataFrame:
    """Every field of the processed tables: ``table``, ``field``, ``type``, ``unit``, ``description`` (from
    ``datapackage.json``; without it, names and types from the Parquet files, no descriptions)."""
    import pandas as pd

    from ccresearch import paths

    folder = Path(processed_dir) if processed_dir is not None else paths.processed_dir()
    cols = ["table", "field", "type", "unit", "description"]
    package = folder / "datapackage.json"
    rows: list[dict[str, Any]] = []
    if package.exists():
        data = json.loads(package.read_text(encoding="utf-8"))
        for resource in data.get("resources", []):
            for f in (resource.get("schema") or {}).get("fields", []):
                rows.append(
                    {
                        "table": resource.get("name", ""),
                        "field": f.get("name", ""),
                        "type": f.get("type", ""),
                        "unit": f.get("unit", "") or "",
                        "description": f.get("description", "") or "",
                    }
                )
    else:
        import pyarrow.parquet as pq

        for path in sorted(folder.glob("*.parquet")):
            for f in pq.read_schema(path):
                rows.append(
                    {"table": path.stem, "field": f.name, "type": str(f.type), "unit": "", "description": ""}
                )
    return pd.DataFrame(rows, columns=cols)


# ------------------------------------------------------------------------------------------------ summary


def evidence_summary(
    facts: pd.DataFrame,
    sources: pd.DataFrame,
    conflicts: pd.DataFrame,
    events: pd.DataFrame,
    *,
    since_year: int | None = None,
    source_kinds: Iterable[str] | None = None,
) -> EvidenceSummary:
    """Counts of the kept evidence: sources by kind, undated sources, figures, entities, measures,
    qualifiers, conflicts by verdict, events, the years the figures cover, and the filters applied."""
    since_year, kinds = check_filters(since_year, source_kinds)
    kept = kept_source_ids(sources, since_year=since_year, source_kinds=kinds)
    kept_sources = sources[sources["source_id"].isin(kept)]
    kept_facts = _keep(facts, kept)
    ledger = conflict_ledger(conflicts, sources, since_year=since_year, source_kinds=kinds)
    years = [y for r in kept_facts.itertuples(index=False) for y in _fact_years(r) if y is not None]
    by_kind = kept_sources.groupby("kind").size().sort_values(ascending=False, kind="stable")
    by_verdict = ledger["verdict"].value_counts()
    return EvidenceSummary(
        n_sources=len(kept_sources),
        n_sources_total=len(sources),
        sources_by_kind={str(k): int(v) for k, v in by_kind.items()},
        n_undated=sum(1 for d in kept_sources["date"] if source_year(d) is None),
        n_facts=len(kept_facts),
        n_facts_total=len(facts),
        n_entities=int(kept_facts["entity"].nunique()),
        n_measures=int(kept_facts["measure"].nunique()),
        qualifiers=dict(zip(*qualifier_counts(kept_facts)[["qualifier", "n"]].T.values, strict=True)),
        conflicts_by_verdict={v: int(by_verdict.get(v, 0)) for v in VERDICTS}
        | {str(v): int(n) for v, n in by_verdict.items() if v not in VERDICTS},
        n_conflicts=len(ledger),
        n_events=len(_keep(events, kept)),
        first_year=min(years) if years else None,
        last_year=max(years) if years else None,
        since_year=since_year,
        source_kinds=kinds,
    )


@dataclass
class EvidenceBase:
    """Everything the evidence report shows, language-free: the summary and the tables behind it."""

    summary: EvidenceSummary
    sources: pd.DataFrame
    all_sources: pd.DataFrame
    facts: pd.DataFrame
    coverage: pd.DataFrame
    coverage_table: pd.DataFrame
    conflicts: pd.DataFrame
    events: pd.DataFrame
    qualifiers: pd.DataFrame
    vague: pd.DataFrame
    dictionary: pd.DataFrame
    entity_names: dict[str, str] = field(default_factory=dict)

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
            "filters": {"since_year": s.since_year, "source_kinds": list(s.source_kinds or []) or None},
            "headline": {"sources": s.n_sources, "facts": s.n_facts, "conflicts": s.n_conflicts},
        }


def summarise(
    *,
    since_year: int | None = None,
    source_kinds: Sequence[str] | None = None,
    facts: pd.DataFrame | None = None,
    sources: pd.DataFrame | None = None,
    conflicts: pd.DataFrame | None = None,
    events: pd.DataFrame | None = None,
    processed: Path | None = None,
) -> EvidenceBase:
    """The evidence base after the filters: summary counts and every table of the report. Tables not given
    are loaded from the processed data (``processed``, or the project's, built first when stale)."""
    from ccresearch.build import loaders

    since_year, kinds = check_filters(since_year, source_kinds)
    facts = loaders.load_facts(processed) if facts is None else facts
    sources = loaders.load_sources(processed) if sources is None else sources
    conflicts = loaders.load_conflicts(processed) if conflicts is None else conflicts
    events = loaders.load_events(processed) if events is None else events
    kept = kept_source_ids(sources, since_year=since_year, source_kinds=kinds)
    kept_facts = _keep(facts, kept)
    names = dict(zip(facts["entity"], facts["entity_name"], strict=True)) if "entity_name" in facts else {}
    if "entity_name" in events.columns:
        names.update(zip(events["entity"], events["entity_name"], strict=True))
    return EvidenceBase(
        summary=evidence_summary(
            facts, sources, conflicts, events, since_year=since_year, source_kinds=kinds
        ),
        sources=sources_table(sources, facts, events, since_year=since_year, source_kinds=kinds),
        all_sources=sources,
        facts=kept_facts,
        coverage=coverage_matrix(kept_facts),
        coverage_table=coverage_table(kept_facts),
        conflicts=conflict_ledger(conflicts, sources, since_year=since_year, source_kinds=kinds),
        events=timeline(events, sources, since_year=since_year, source_kinds=kinds),
        qualifiers=qualifier_counts(kept_facts),
        vague=vague_figures(kept_facts),
        dictionary=data_dictionary(processed),
        entity_names={str(k): str(v) for k, v in names.items() if isinstance(v, str)},
    )


#: the name the package facade exports (``ccresearch.summarise_evidence``)
summarise_evidence = summarise
