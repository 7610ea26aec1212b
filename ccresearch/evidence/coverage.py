"""Which entities have which measures for which years."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd


def coverage(facts: pd.DataFrame) -> pd.DataFrame:
    """Which entities have which measures for which years: one row per entity, measure and year (year missing
    for a fact without a period)."""
    import pandas as pd

    rows = []
    for rec in facts.itertuples(index=False):
        if pd.isna(rec.period_end):
            years: list[int | None] = [None]
        else:  # a cumulative count with an open start counts in the year it runs up to
            first = rec.period_end.year if pd.isna(rec.period_start) else rec.period_start.year
            years = list(range(first, rec.period_end.year + 1))
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
