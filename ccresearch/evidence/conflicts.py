"""Where sources (or one source with itself) disagree: figures, sums, dates, and conflicts noted by hand."""

from __future__ import annotations

import itertools
import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ccresearch.core.interval import Interval
from ccresearch.errors import InputError
from ccresearch.evidence.tables import NOTED_COLUMNS, _require, _rows, _unique
from ccresearch.sources.csvfile import read_csv_checked

if TYPE_CHECKING:
    import pandas as pd


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

    from ccresearch.core.interval import interval_sum

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
