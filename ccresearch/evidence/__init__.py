"""The evidence base: sources, facts (one row per figure per source), harmonisation, conflicts, coverage.

- :mod:`.tables`: reading and validating sources, measures, mappings, facts, events, persons and identities;
- :mod:`.conflicts`: where sources disagree (values, sums, dates, and conflicts noted by hand);
- :mod:`.coverage`: which entities have which measures for which years.

:func:`assemble` runs them all on a raw folder. Every problem is an
:class:`~ccresearch.errors.InputError` naming file, row, field, value and what was expected.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ccresearch.evidence.conflicts import find_conflicts, noted_conflicts
from ccresearch.evidence.coverage import coverage
from ccresearch.evidence.tables import (
    load_events,
    load_facts,
    load_identities,
    load_mappings,
    load_measures,
    load_persons,
    load_sources,
)

if TYPE_CHECKING:
    import pandas as pd


@dataclass
class Evidence:
    """The assembled evidence base and what the build noticed on the way."""

    sources: pd.DataFrame
    facts: pd.DataFrame
    events: pd.DataFrame
    persons: pd.DataFrame
    conflicts: pd.DataFrame
    coverage: pd.DataFrame
    unused_mappings: list[dict[str, Any]]


def assemble(raw: Path) -> Evidence:
    """Read, validate, parse and harmonise the whole evidence base under ``raw``."""
    sources = load_sources(raw)
    measures = load_measures(raw)
    entities, regions_map = load_mappings(raw)
    facts = load_facts(raw, sources, measures, entities, regions_map)
    events = load_events(raw, sources, entities, regions_map)
    persons = load_persons(raw, sources, entities)
    identities = load_identities(raw, measures, entities)
    conflicts = find_conflicts(facts, identities, events, noted_conflicts(raw, facts, events, persons))
    unused = [u for m in [*entities.values(), regions_map] for u in m.unused()]
    return Evidence(sources, facts, events, persons, conflicts, coverage(facts), unused)
