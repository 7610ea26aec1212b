"""The conflict ledger: where sources (or one source with itself) disagree, with a kind, a verdict and a reason.

Every row has a ``kind`` (what disagrees) and a ``verdict`` (what the disagreement amounts to):

- kinds: ``values`` (two figures on the same entity, measure, region and period), ``sum`` (a total and the sum
  of its parts, see ``mappings/identities.csv``), ``dates`` (one event dated twice), ``names`` and ``scope``
  (only noted by hand: the build cannot see that two names or two definitions differ);
- verdicts: ``incompatible`` (the intervals, or the date spans, share no point), ``compatible`` (the stated
  values differ but lie within each other's qualifier intervals), ``same_term`` (one term written two ways) and
  ``different_scope`` (the figures count different things). The build decides the first two from the intervals;
  a researcher decides the last two in ``noted_conflicts.csv``.

A noted row that names the same two items as a detected conflict overrides its kind, verdict and reason (the
row keeps ``detected`` True and gets the ``note_id``). Every row keeps both figures. ``conflict_id`` is built
from the two item ids (``f004-04/f004-05+f004-06``), so it does not change when other conflicts come or go.
"""

from __future__ import annotations

import itertools
import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ccresearch.core.cited import interval_of
from ccresearch.core.interval import Interval
from ccresearch.errors import InputError
from ccresearch.evidence.tables import CONFLICT_KINDS, NOTED_COLUMNS, VERDICTS, _require, _rows, _unique
from ccresearch.sources.csvfile import read_csv_checked

if TYPE_CHECKING:
    import pandas as pd


CONFLICT_COLUMNS = [
    "conflict_id",
    "kind",
    "verdict",
    "reason",
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
    "detected",
    "note_id",
]


def _periods_overlap(a: Any, b: Any) -> bool:
    """Both periods known and sharing a day (a cumulative count with an open start runs from the beginning)."""
    import pandas as pd

    if any(pd.isna(x) for x in (a.period_end, b.period_end)):
        return False
    a_start = a.period_start if not pd.isna(a.period_start) else pd.Timestamp.min
    b_start = b.period_start if not pd.isna(b.period_start) else pd.Timestamp.min
    return a_start <= b.period_end and b_start <= a.period_end


def _period_text(r: Any) -> str:
    import pandas as pd

    if pd.isna(r.period_end):
        return "undated"
    e = r.period_end.date().isoformat()
    if pd.isna(r.period_start):
        return f"..{e}"
    s = r.period_start.date().isoformat()
    return s if s == e else f"{s}..{e}"


def _fmt(iv: Interval) -> str:
    return iv.fmt(",.6g")


def find_conflicts(
    facts: pd.DataFrame,
    identities: list[dict[str, Any]] | None = None,
    events: pd.DataFrame | None = None,
    noted: list[dict[str, Any]] | None = None,
) -> pd.DataFrame:
    """The conflict ledger (see the module docstring): detected value, sum and date conflicts, with the noted
    rows from :func:`noted_conflicts` overriding or adding to them."""
    import pandas as pd

    from ccresearch.core.interval import interval_sum

    rows: list[dict[str, Any]] = []
    if events is not None and len(events):
        for _, group in events.groupby(["entity", "event"], sort=True):
            for a, b in itertools.combinations(list(group.itertuples(index=False)), 2):
                if a.date_start <= b.date_end and b.date_start <= a.date_end:
                    continue
                rows.append(_date_conflict_row(a, b))
    keyed = facts.assign(
        _region=facts["region_code"].fillna(""),
        _kind=facts.get("period_kind", "stock"),
    )
    for (*_, kind), group in keyed.groupby(["entity", "measure", "unit", "_region", "_kind"], sort=True):
        recs = list(group.itertuples(index=False))
        for a, b in itertools.combinations(recs, 2):
            ia, ib = interval_of(a._asdict()), interval_of(b._asdict())
            if kind == "cumulative":
                fall = _cumulative_fall(a, b, ia, ib)
                if fall is not None:
                    rows.append(fall)
                    continue
                if not _same_end(a, b):
                    continue  # counts up to different dates: a later count may be larger
            elif not _periods_overlap(a, b):
                continue
            overlap = ia.overlaps(ib)
            if overlap and (ia.value is None or ib.value is None or math.isclose(ia.value, ib.value)):
                continue  # no stated disagreement
            verdict = "compatible" if overlap else "incompatible"
            reason = (
                f"{a.source_id} says {a.value_text} ({_fmt(ia)}), {b.source_id} says {b.value_text} "
                f"({_fmt(ib)}): "
                + (
                    "the stated values differ, but each lies within the other's interval"
                    if overlap
                    else "the intervals share no value"
                )
            )
            rows.append(_conflict_row("values", verdict, reason, a, b, a.fact_id, b.fact_id, ia, ib, overlap))
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
                    it = interval_of(total._asdict())
                    ip = interval_sum(interval_of(p._asdict()) for p in parts)
                    overlap = it.overlaps(ip)
                    if it.value is not None and ip.value is not None:
                        if math.isclose(it.value, ip.value, rel_tol=1e-9):
                            continue
                    elif overlap:
                        continue  # a vague side: nothing stated disagrees
                    texts = " + ".join(p.value_text for p in parts)
                    pseudo = parts[0]._replace(
                        fact_id="+".join(p.fact_id for p in parts),
                        value_text=texts,
                        measure=" + ".join(ident["parts"]),
                    )
                    verdict = "compatible" if overlap else "incompatible"
                    reason = (
                        f"{ident['identity_id']}: {ident['total']} = {' + '.join(ident['parts'])}; stated "
                        f"{total.value_text} ({_fmt(it)}) vs parts {texts} ({_fmt(ip)}): "
                        + (
                            "the parts do not add up to the stated total, but within the qualifiers' intervals"
                            if overlap
                            else "the parts do not add up, even within the qualifiers' intervals"
                        )
                    )
                    rows.append(
                        _conflict_row(
                            "sum",
                            verdict,
                            reason,
                            total,
                            pseudo,
                            total.fact_id,
                            pseudo.fact_id,
                            it,
                            ip,
                            overlap,
                        )
                    )
    by_pair = {frozenset((r["fact_id_a"], r["fact_id_b"])): r for r in rows}
    for note in noted or []:
        pair = frozenset((note["fact_id_a"], note["fact_id_b"]))
        hit = by_pair.get(pair)
        if hit is not None:
            hit.update(
                kind=note["kind"], verdict=note["verdict"], reason=note["reason"], note_id=note["note_id"]
            )
        else:
            rows.append(note)
            by_pair[pair] = note
    for r in rows:
        r["conflict_id"] = f"{r['fact_id_a']}/{r['fact_id_b']}"
    frame = pd.DataFrame.from_records(rows, columns=CONFLICT_COLUMNS)
    order = {v: i for i, v in enumerate(VERDICTS)}
    frame = (
        frame.assign(_v=frame["verdict"].map(order))
        .sort_values(["_v", "kind", "conflict_id"])
        .drop(columns="_v")
        .reset_index(drop=True)
    )
    return frame


def _same_end(a: Any, b: Any) -> bool:
    import pandas as pd

    return not pd.isna(a.period_end) and not pd.isna(b.period_end) and a.period_end == b.period_end


def _cumulative_fall(a: Any, b: Any, ia: Interval, ib: Interval) -> dict[str, Any] | None:
    """A conflict row when a cumulative count up to a later date is below one up to an earlier date (every
    value the later interval allows is below every value of the earlier one); else None."""
    import pandas as pd

    if pd.isna(a.period_end) or pd.isna(b.period_end) or a.period_end == b.period_end:
        return None
    (early, ie), (late, il) = sorted([(a, ia), (b, ib)], key=lambda x: x[0].period_end)
    if il.high >= ie.low:
        return None
    reason = (
        f"a cumulative count falls: {early.source_id} says {early.value_text} ({_fmt(ie)}) up to "
        f"{early.period_end.date().isoformat()}, {late.source_id} says {late.value_text} ({_fmt(il)}) up to "
        f"{late.period_end.date().isoformat()}"
    )
    return _conflict_row("values", "incompatible", reason, a, b, a.fact_id, b.fact_id, ia, ib, False)


def noted_conflicts(
    raw: Path, facts: pd.DataFrame, events: pd.DataFrame, persons: pd.DataFrame | None = None
) -> list[dict[str, Any]]:
    """Conflicts a researcher recorded in ``noted_conflicts.csv``: two facts, events or persons named by id,
    the kind of disagreement, the verdict and the reason in words (``explanation``)."""
    path = raw / "noted_conflicts.csv"
    if not path.exists():
        return []
    frame = read_csv_checked(path, required=NOTED_COLUMNS, allowed=NOTED_COLUMNS)
    _unique(frame, "note_id", file=path)
    by_id = {r.fact_id: r for r in facts.itertuples(index=False)}
    dated = {r.event_id: r for r in events.itertuples(index=False)}
    named = {r.person_id: r for r in persons.itertuples(index=False)} if persons is not None else {}
    rows = []
    for row, rec in _rows(frame):
        where = {"file": path, "row": row}
        items = []
        for column in ("item_a", "item_b"):
            item = by_id.get(rec[column]) or dated.get(rec[column]) or named.get(rec[column])
            if item is None:
                raise InputError(
                    "unknown fact, event or person",
                    **where,
                    field=column,
                    value=rec[column],
                    expected="a fact_id in data/raw/facts, an event_id in events.csv or a person_id in persons.csv",
                    mend="correct the id, or add the fact, event or person first",
                )
            items.append(item)
        for column, allowed in (("kind", CONFLICT_KINDS), ("verdict", VERDICTS)):
            if rec[column] not in allowed:
                raise InputError(
                    f"unknown conflict {column}",
                    **where,
                    field=column,
                    value=rec[column],
                    expected=" | ".join(allowed),
                    mend="see data/raw/README.md (noted conflicts) for what each one means",
                )
        explanation = _require(
            rec["explanation"], **where, field="explanation", expected="the reason in words"
        )
        a, b = items
        if _item_kind(a) != _item_kind(b):
            raise InputError(
                f"a noted conflict pairs a {_item_kind(a)} with a {_item_kind(b)}",
                **where,
                field="item_b",
                value=rec["item_b"],
                expected="two fact ids, two event ids or two person ids",
                mend="name two items of the same kind",
            )
        if hasattr(a, "event_id"):
            row_out = _date_conflict_row(a, b)
        elif hasattr(a, "person_id"):
            row_out = _name_conflict_row(a, b)
        else:
            ia, ib = interval_of(a._asdict()), interval_of(b._asdict())
            row_out = _conflict_row(
                rec["kind"], rec["verdict"], explanation, a, b, a.fact_id, b.fact_id, ia, ib, ia.overlaps(ib)
            )
        row_out.update(
            kind=rec["kind"],
            verdict=rec["verdict"],
            reason=explanation,
            detected=False,
            note_id=rec["note_id"],
        )
        rows.append(row_out)
    return rows


def _item_kind(item: Any) -> str:
    return "event" if hasattr(item, "event_id") else "person" if hasattr(item, "person_id") else "fact"


def _name_conflict_row(a: Any, b: Any) -> dict[str, Any]:
    nan = float("nan")
    return {
        "conflict_id": "",
        "kind": "names",
        "verdict": "incompatible",
        "reason": f"{a.source_id} names {a.name_as_written!r}, {b.source_id} {b.name_as_written!r}",
        "entity": a.entity,
        "entity_name": a.entity_name,
        "measure": a.role,
        "region_code": None,
        "fact_id_a": a.person_id,
        "source_id_a": a.source_id,
        "value_text_a": a.name_as_written,
        "low_a": nan,
        "value_a": nan,
        "high_a": nan,
        "period_a": None,
        "fact_id_b": b.person_id,
        "source_id_b": b.source_id,
        "value_text_b": b.name_as_written,
        "low_b": nan,
        "value_b": nan,
        "high_b": nan,
        "period_b": None,
        "same_source": a.source_id == b.source_id,
        "intervals_overlap": False,
        "detected": False,
        "note_id": None,
    }


def _date_conflict_row(a: Any, b: Any) -> dict[str, Any]:
    def span(r: Any) -> str:
        s, e = r.date_start.date().isoformat(), r.date_end.date().isoformat()
        return s if s == e else f"{s}..{e}"

    overlap = bool(a.date_start <= b.date_end and b.date_start <= a.date_end)
    nan = float("nan")
    return {
        "conflict_id": "",
        "kind": "dates",
        "verdict": "compatible" if overlap else "incompatible",
        "reason": f"{a.source_id} dates {a.event} {a.date_text!r} ({span(a)}), {b.source_id} "
        f"{b.date_text!r} ({span(b)}): " + ("the spans overlap" if overlap else "the dates share no day"),
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
        "intervals_overlap": overlap,
        "detected": True,
        "note_id": None,
    }


def _nan_if_none(x: float | None) -> float:
    return float("nan") if x is None else x


def _conflict_row(
    kind: str,
    verdict: str,
    reason: str,
    a: Any,
    b: Any,
    fa: str,
    fb: str,
    ia: Interval,
    ib: Interval,
    overlap: bool,
) -> dict[str, Any]:
    return {
        "conflict_id": "",
        "kind": kind,
        "verdict": verdict,
        "reason": reason,
        "entity": a.entity,
        "entity_name": a.entity_name,
        "measure": a.measure,
        "region_code": a.region_code,
        "fact_id_a": fa,
        "source_id_a": a.source_id,
        "value_text_a": a.value_text,
        "low_a": ia.low,
        "value_a": _nan_if_none(ia.value),
        "high_a": ia.high,
        "period_a": _period_text(a),
        "fact_id_b": fb,
        "source_id_b": b.source_id,
        "value_text_b": b.value_text,
        "low_b": ib.low,
        "value_b": _nan_if_none(ib.value),
        "high_b": ib.high,
        "period_b": _period_text(b),
        "same_source": a.source_id == b.source_id,
        "intervals_overlap": overlap,
        "detected": True,
        "note_id": None,
    }
