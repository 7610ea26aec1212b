"""Spend against outcomes: cost ratios as intervals, with the facts they come from (typed results, no words).

Every number here comes from the facts table (:func:`ccresearch.load_facts`); nothing is typed in, and the case
definitions (canonical ids, measures, the planned-participant measures, the Customer Service Valley region and
year, the inflow programmes) are data: the ``spend`` section of ``ccresearch/analysis/cases.yaml``. The pieces:

- :func:`select`, :func:`find`, :func:`select_all`: one fact (or none, or all) by entity and measure, with an
  error that names the entity and measure (and what the entity does have) when the selection is not unique.
- :class:`Cited`: an :class:`~ccresearch.core.interval.Interval` with the fact ids and source ids it was
  computed from and a formula; ``+ - * /`` keep bounds and provenance.
- :class:`Ratio`: a named cost ratio with ``low``/``value``/``high``/``unit``/``sources``; ``to_dict()`` is what
  ``ccresearch.record`` writes (infinite bounds become JSON null there).
- :func:`cost_per`, :func:`additionality`, :func:`net_cost`, :func:`sensitivity`: the arithmetic, including
  the gross-to-net adjustment for deadweight, displacement and substitution.
- :func:`analyse` (``ccresearch.analyse_spend``): the four cases of notebook 02 in one :class:`SpendResult`.

Gross to net (the standard multiplicative additionality adjustment, as in the Additionality Guide of the Homes
and Communities Agency, leaving out leakage and multiplier effects)::

    additional jobs = gross jobs * (1 - deadweight) * (1 - displacement) * (1 - substitution)
    net cost per additional job = gross cost per job / ((1 - deadweight) * (1 - displacement) * (1 - substitution))

The three shares are assumptions of the reader (parameters), never figures from a source. A stated value may
be missing (``Interval.value is None`` for ranges and vague magnitudes): every computation here then works on
the bounds alone.
"""

from __future__ import annotations

import datetime as _dt
import functools
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from ccresearch.core.cited import Cited, _merge, _short, cited_sum, interval_of
from ccresearch.core.interval import Interval
from ccresearch.errors import InputError, ParameterError

if TYPE_CHECKING:
    import pandas as pd

Outcome = Literal["planned", "realised"]
CASES_FILE = Path(__file__).resolve().parent / "cases.yaml"
PER_PARTICIPANT = "EUR/participant"
PER_JOB = "EUR/job"

__all__ = [
    "Cited",
    "FactSelectionError",
    "InflowCase",
    "MonitoringPoint",
    "NationalSeries",
    "Outcome",
    "Ratio",
    "SectorPlanCase",
    "SpendResult",
    "ValleyCase",
    "additionality",
    "analyse",
    "analyse_spend",
    "cases",
    "cite",
    "cite_optional",
    "cost_per",
    "find",
    "interval_of",
    "national_series",
    "net_cost",
    "select",
    "select_all",
    "sensitivity",
]


class FactSelectionError(LookupError):
    """No fact, or more than one, where exactly one was asked for; the message names entity and measure."""


# --- case definitions (data) ---------------------------------------------------------------------------------


@functools.cache
def _read_cases(path: Path) -> dict[str, Any]:
    import yaml

    if not path.exists():
        raise InputError("case definitions missing", file=path, expected="a YAML file with a 'spend' section")
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict) or not isinstance(data.get("spend"), dict):
        raise InputError(
            "no 'spend' section", file=path, field="spend", expected="a mapping of the spend cases"
        )
    return data["spend"]


def cases(path: Path | None = None) -> dict[str, Any]:
    """The ``spend`` section of ``cases.yaml`` (read once per process)."""
    return _read_cases(path or CASES_FILE)


def case_value(spend: Mapping[str, Any], dotted: str, path: Path | None = None) -> Any:
    """``spend[a][b]...`` for ``"a.b"``; a missing key is an :class:`InputError` naming the file and key."""
    node: Any = spend
    for part in dotted.split("."):
        if not isinstance(node, Mapping) or part not in node or node[part] in (None, "", []):
            raise InputError(
                "case definition missing",
                file=path or CASES_FILE,
                field=f"spend.{dotted}",
                expected="the key with a canonical id, a measure name or a list of them",
            )
        node = node[part]
    return node


def _interval_key(row: Any) -> tuple[float, float | None, float]:
    value = getattr(row, "value", None)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        value = None
    return (float(row.low), None if value is None else float(value), float(row.high))


# --- selecting facts ----------------------------------------------------------------------------------------


def select_all(
    facts: pd.DataFrame,
    entity: str,
    measure: str,
    *,
    source_id: str | None = None,
    year: int | None = None,
    per: str | None = None,
    region_code: str | None = None,
) -> pd.DataFrame:
    """All facts on ``entity`` and ``measure`` (optionally: one source, a year, ``per`` or a region code).

    ``year`` keeps facts whose period includes that calendar year. Sorted by period start, then fact id.
    """
    mask = (facts["entity"] == entity) & (facts["measure"] == measure)
    if source_id is not None:
        mask &= facts["source_id"] == source_id
    if per is not None:
        mask &= facts["per"].fillna("") == per
    if region_code is not None:
        mask &= facts["region_code"].fillna("") == region_code
    out = facts[mask]
    if year is not None:
        start = out["period_start"].dt.year
        end = out["period_end"].dt.year
        out = out[(start <= year) & (year <= end)]
    return out.sort_values(["period_start", "fact_id"], na_position="last")


def _describe_selection(
    facts: pd.DataFrame, entity: str, measure: str, filters: dict[str, Any], found: pd.DataFrame
) -> str:
    where = ", ".join(f"{k}={v!r}" for k, v in filters.items() if v is not None)
    head = f"entity {entity!r}, measure {measure!r}" + (f" ({where})" if where else "")
    if len(found):
        listing = "; ".join(
            f"{r.fact_id} from {r.source_id}: {r.value_text!r}" for r in found.itertuples(index=False)
        )
        return f"{len(found)} facts for {head}, expected one: {listing}"
    known = facts.loc[facts["entity"] == entity, "measure"]
    if known.empty:
        return f"no fact for {head}: the facts table has no entity {entity!r}"
    return f"no fact for {head}; measures known for {entity!r}: {', '.join(sorted(set(known)))}"


def find(
    facts: pd.DataFrame,
    entity: str,
    measure: str,
    *,
    source_id: str | None = None,
    year: int | None = None,
    per: str | None = None,
    region_code: str | None = None,
) -> pd.Series | None:
    """The one fact on ``entity`` and ``measure``, or None when there is none (missing stays missing).

    Raises :class:`FactSelectionError` when more than one fact matches.
    """
    found = select_all(
        facts, entity, measure, source_id=source_id, year=year, per=per, region_code=region_code
    )
    if len(found) > 1:
        raise FactSelectionError(
            _describe_selection(
                facts,
                entity,
                measure,
                {"source_id": source_id, "year": year, "per": per, "region_code": region_code},
                found,
            )
        )
    return None if found.empty else found.iloc[0]


def select(
    facts: pd.DataFrame,
    entity: str,
    measure: str,
    *,
    source_id: str | None = None,
    year: int | None = None,
    per: str | None = None,
    region_code: str | None = None,
) -> pd.Series:
    """Exactly one fact on ``entity`` and ``measure``; :class:`FactSelectionError` names them otherwise."""
    found = select_all(
        facts, entity, measure, source_id=source_id, year=year, per=per, region_code=region_code
    )
    if len(found) != 1:
        raise FactSelectionError(
            _describe_selection(
                facts,
                entity,
                measure,
                {"source_id": source_id, "year": year, "per": per, "region_code": region_code},
                found,
            )
        )
    return found.iloc[0]


# --- cited facts --------------------------------------------------------------------------------


def cite(facts: pd.DataFrame, entity: str, measure: str, **filters: Any) -> Cited:
    """:func:`select` one fact and return it as a :class:`Cited` interval."""
    return Cited.of(select(facts, entity, measure, **filters))


def cite_optional(facts: pd.DataFrame, entity: str, measure: str, **filters: Any) -> Cited | None:
    """:func:`find` one fact as a :class:`Cited` interval, or None when no source gives it."""
    fact = find(facts, entity, measure, **filters)
    return None if fact is None else Cited.of(fact)


def cite_agreed(facts: pd.DataFrame, entity: str, measure: str, **filters: Any) -> Cited:
    """Every fact on ``entity`` and ``measure`` when all of them state the same interval, cited to all.

    Raises :class:`FactSelectionError` when there is none, or when the sources disagree (then the choice
    between them is the reader's, and the conflict is listed in the evidence base).
    """
    found = select_all(facts, entity, measure, **filters)
    if found.empty:
        raise FactSelectionError(_describe_selection(facts, entity, measure, filters, found))
    intervals = {_interval_key(r) for r in found.itertuples(index=False)}
    if len(intervals) > 1:
        listing = "; ".join(
            f"{r.fact_id} from {r.source_id}: {r.value_text!r}" for r in found.itertuples(index=False)
        )
        raise FactSelectionError(
            f"sources disagree on entity {entity!r}, measure {measure!r}: {listing}; select one source"
        )
    first = found.iloc[0]
    texts = list(dict.fromkeys(str(t) for t in found["value_text"]))
    periods = list(dict.fromkeys(str(t) for t in found["period_text"] if isinstance(t, str) and t))
    return Cited(
        interval_of(first),
        tuple(str(x) for x in found["fact_id"]),
        _merge(str(x) for x in found["source_id"]),
        texts[0],
        periods[0] if len(periods) == 1 else "",
    )


def period_years(fact: pd.Series | Any) -> float:
    """Length of a fact's period in years: whole years when the period is whole years, else days / 365.25.

    ``de komende drie jaren`` from 2 March 2015 runs to 1 March 2018: 3 years.
    """
    import pandas as pd

    start, end = fact["period_start"], fact["period_end"]
    if pd.isna(start) or pd.isna(end):
        raise FactSelectionError(
            f"fact {fact['fact_id']} ({fact['entity']}, {fact['measure']}) has no period to count years in"
        )
    start, stop = pd.Timestamp(start), pd.Timestamp(end) + pd.Timedelta(days=1)
    n = stop.year - start.year
    if n > 0 and start + pd.DateOffset(years=n) == stop:
        return float(n)
    return (stop - start).days / 365.25


def cited_years(fact: pd.Series | Any) -> Cited:
    """The length of a fact's period in years as a cited quantity (``3 years ('de komende drie jaren')``)."""
    n = period_years(fact)
    label = fact["period_text"] if isinstance(fact["period_text"], str) else "period"
    return Cited(
        Interval.exact(n),
        (str(fact["fact_id"]),),
        (str(fact["source_id"]),),
        f"{_short(n)} years ({label!r})",
    )


# --- ratios -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Ratio:
    """A named cost ratio: an interval with its unit, the sources of its inputs and how it was computed.

    ``name`` is a stable id (``sectorplan_grant_per_planned_participant``); a ratio of one source has the
    source id after ``__`` (``national_cofinancing_per_planned_participant__seo-quickscan-1``), and
    :attr:`definition` is the part before it. ``value`` is None when no input states a point value.
    """

    name: str
    low: float
    value: float | None
    high: float
    unit: str
    sources: tuple[str, ...] = ()
    facts: tuple[str, ...] = ()
    formula: str = ""

    @classmethod
    def from_cited(cls, name: str, cited: Cited, unit: str) -> Ratio:
        """A ratio from a computed :class:`Cited` quantity."""
        iv = cited.interval
        return cls(name, iv.low, iv.value, iv.high, unit, cited.source_ids, cited.fact_ids, cited.formula)

    @property
    def definition(self) -> str:
        """The ratio's definition id: the name without a ``__<source id>`` suffix."""
        return self.name.partition("__")[0]

    @property
    def interval(self) -> Interval:
        """The ratio as an :class:`~ccresearch.core.interval.Interval`."""
        return Interval(self.low, self.value, self.high)  # type: ignore[arg-type]

    @property
    def open_low(self) -> bool:
        """True when the lower bound is unknown (minus infinity)."""
        return math.isinf(self.low)

    @property
    def open_high(self) -> bool:
        """True when no source bounds the ratio from above (``high`` is infinite)."""
        return math.isinf(self.high)

    def to_dict(self) -> dict[str, Any]:
        """``low``, ``value``, ``high`` (``inf`` stays a float; ``record`` writes it as null), unit, sources."""
        return {
            "low": self.low,
            "value": self.value,
            "high": self.high,
            "unit": self.unit,
            "sources": list(self.sources),
            "facts": list(self.facts),
            "formula": self.formula,
        }

    def __repr__(self) -> str:
        return f"Ratio({self.name}: {Interval.fmt(self.interval, '.4g')} {self.unit})"


def cost_per(amount: Interval | float, count: Interval | float) -> Interval:
    """Amount per unit of ``count`` as an interval (bounds follow the qualifiers of both inputs)."""
    a = amount if isinstance(amount, Interval) else Interval.exact(float(amount))
    return a / count


def _check_share(name: str, x: float) -> float:
    x = float(x)
    if not 0.0 <= x < 1.0 or math.isnan(x):
        raise ParameterError(
            "share out of range"
            if x != 1.0
            else "a share of 1 leaves no additional jobs (unbounded net cost)",
            field=name,
            value=x,
            expected="a share from 0 up to (not including) 1",
        )
    return x


def additionality(deadweight: float = 0.0, displacement: float = 0.0, substitution: float = 0.0) -> float:
    """Share of gross outcomes that are additional: ``(1 - deadweight) * (1 - displacement) * (1 - substitution)``."""
    dw = _check_share("deadweight", deadweight)
    dp = _check_share("displacement", displacement)
    sb = _check_share("substitution", substitution)
    return (1.0 - dw) * (1.0 - dp) * (1.0 - sb)


def net_cost(
    gross: Interval | Cited | float,
    deadweight: float = 0.0,
    displacement: float = 0.0,
    substitution: float = 0.0,
) -> Any:
    """Cost per additional outcome: ``gross / ((1 - deadweight) * (1 - displacement) * (1 - substitution))``.

    Returns the same kind as ``gross`` (an Interval, a Cited or a float). Shares must be in ``[0, 1)``;
    deadweight 0.5 doubles the cost per additional job.
    """
    factor = additionality(deadweight, displacement, substitution)
    if isinstance(gross, Cited):
        shares = f"(1 - {deadweight:g}) × (1 - {displacement:g}) × (1 - {substitution:g})"
        return Cited(
            gross.interval / factor, gross.fact_ids, gross.source_ids, f"{gross.formula} / ({shares})"
        )
    if isinstance(gross, Interval):
        return gross / factor
    return float(gross) / factor


SENSITIVITY_COLUMNS = ("assumption", "share", "low", "value", "high")


def sensitivity(
    gross: Interval | Cited,
    deadweight: float = 0.0,
    displacement: float = 0.0,
    substitution: float = 0.0,
    shares: Sequence[float] | None = None,
) -> pd.DataFrame:
    """Net cost per additional outcome as each share varies over ``shares`` while the other two stay put.

    Columns: ``assumption`` (the share that varies), ``share``, ``low``, ``value`` (NaN without a stated
    value), ``high``. With the other two shares at 0 the three curves coincide (each is ``gross / (1 - share)``).
    """
    import numpy as np
    import pandas as pd

    grid = list(shares) if shares is not None else [float(x) for x in np.round(np.arange(0.0, 0.91, 0.05), 2)]
    base = {"deadweight": deadweight, "displacement": displacement, "substitution": substitution}
    iv = gross.interval if isinstance(gross, Cited) else gross
    rows = []
    for name in base:
        for s in grid:
            net = net_cost(iv, **{**base, name: s})
            value = math.nan if net.value is None else net.value
            rows.append({"assumption": name, "share": s, "low": net.low, "value": value, "high": net.high})
    return pd.DataFrame(rows, columns=list(SENSITIVITY_COLUMNS))


def _check_outcome(outcome: str) -> Outcome:
    if outcome not in ("planned", "realised"):
        raise ParameterError(
            "unknown outcome", field="outcome", value=outcome, expected="'planned' or 'realised'"
        )
    return outcome  # type: ignore[return-value]


def _source_dates(sources: pd.DataFrame | None) -> dict[str, str]:
    if sources is None:
        return {}
    return {
        str(s): str(d) if isinstance(d, str) and d else ""
        for s, d in zip(sources["source_id"], sources["date"], strict=True)
    }


def _date_of(text: str | None) -> _dt.date | None:
    """The first day a source date as written stands for (``2015``, ``2015-03``, ``2015-03-02``), or None."""
    if not text:
        return None
    parts = [int(p) for p in str(text)[:10].split("-")]
    return _dt.date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)


# --- case 1: the contact-centre sector plan -----------------------------------------------------------------


@dataclass(frozen=True)
class SectorPlanCase:
    """The contact-centre sector plan: money asked, granted and spent in total, against planned outcomes.

    ``people`` bounds the number of different people behind the planned participants: at least the largest
    single count (hires, certificates and education places may be the same people), at most their sum.
    ``grant_date`` and ``total_cost_date`` are the dates of the sources of the grant and of the total cost
    (the own share subtracts one from the other); ``days_apart`` the days between them (None if undated).
    """

    applied: Cited
    granted: Cited
    total_cost: Cited
    own_share: Cited
    planned: dict[str, Cited]
    planned_total: Cited
    people: Interval
    grant_per_person: Interval
    realised: Cited | None
    ratios: dict[str, Ratio]
    per_participant: tuple[str, ...]
    grant_date: str | None = None
    total_cost_date: str | None = None

    @property
    def days_apart(self) -> int | None:
        """Days between the source of the total cost and the source of the grant (None when either is undated)."""
        a, b = _date_of(self.total_cost_date), _date_of(self.grant_date)
        return None if a is None or b is None else abs((b - a).days)

    def __repr__(self) -> str:
        return f"SectorPlanCase({len(self.ratios)} ratios, {_short(self.planned_total.value or 0)} planned)"


_PLAN_RATIO = {
    "grant": "sectorplan_grant_per_planned_participant",
    "own_share": "sectorplan_own_share_per_planned_participant",
    "total_cost": "sectorplan_total_cost_per_planned_participant",
    "applied": "sectorplan_applied_per_planned_participant",
}


def sectorplan_case(
    facts: pd.DataFrame, sources: pd.DataFrame | None = None, spec: Mapping[str, Any] | None = None
) -> SectorPlanCase:
    """The sector plan's ratios: grant, own share (total cost - grant) and total cost per planned participant.

    Planned participants are the sum of the factsheet's planned hires, certificates and education places
    (``spend.sectorplan.planned`` in cases.yaml). No source gives realised participants; ``realised`` is None.
    """
    spend = spec or cases()
    c = functools.partial(case_value, spend)
    plan, applicant = c("sectorplan.plan"), c("sectorplan.applicant")
    applied = cite(facts, applicant, c("sectorplan.applied"))
    granted = cite(facts, applicant, c("sectorplan.granted"))
    total = cite(facts, plan, c("sectorplan.total_cost"))
    own = total - granted
    planned = {m: cite(facts, plan, m) for m in c("sectorplan.planned")}
    planned_total = cited_sum(list(planned.values()))
    largest = max(p.low for p in planned.values())
    people = Interval(largest, planned_total.value, planned_total.high)  # type: ignore[arg-type]
    realised = cite_optional(facts, plan, c("sectorplan.realised"))
    order = []
    for key in c("sectorplan.per_participant"):
        if key not in _PLAN_RATIO:
            raise InputError(
                "unknown ratio",
                file=CASES_FILE,
                field="spend.sectorplan.per_participant",
                value=key,
                expected=" | ".join(_PLAN_RATIO),
            )
        order.append(_PLAN_RATIO[key])
    computed = {
        _PLAN_RATIO["grant"]: (granted / planned_total, PER_PARTICIPANT),
        _PLAN_RATIO["own_share"]: (own / planned_total, PER_PARTICIPANT),
        _PLAN_RATIO["total_cost"]: (total / planned_total, PER_PARTICIPANT),
        _PLAN_RATIO["applied"]: (applied / planned_total, PER_PARTICIPANT),
        "sectorplan_grant_share_of_total_cost": (granted / total, "share"),
        "sectorplan_grant_share_of_applied": (granted / applied, "share"),
    }
    ratios = {name: Ratio.from_cited(name, q, unit) for name, (q, unit) in computed.items()}
    dates = _source_dates(sources)
    return SectorPlanCase(
        applied,
        granted,
        total,
        own,
        planned,
        planned_total,
        people,
        granted.interval / people,
        realised,
        ratios,
        tuple(order),
        dates.get(granted.source_ids[0]) or None,
        dates.get(total.source_ids[0]) or None,
    )


# --- case 2: all sector plans, one point per national monitoring report --------------------------------------

#: how an undated report was put in order: by its facts' period, by its title next to a dated report of the
#: same series (before or after it), or last (nothing to go by)
Placement = Literal["date", "period", "title_before", "title_after", "last"]
MISSING_WORDS = {
    "cofinancing": "co-financing",
    "intended": "intended participants",
    "realised": "realised participants",
}


@dataclass(frozen=True)
class MonitoringPoint:
    """One national monitoring report: co-financing, intended and realised participants, and the ratio.

    ``missing`` lists what the source lacks for the ratio (codes ``cofinancing``, ``intended``, ``realised``);
    ``placement`` says how the report was put in order, ``neighbour`` the dated report it was placed next to.
    """

    source_id: str
    title: str
    date: str | None
    cofinancing: Cited | None
    intended: Cited | None
    realised: Cited | None
    outcome: Outcome
    ratio: Ratio | None
    missing: tuple[str, ...] = ()
    placement: Placement = "date"
    neighbour: str | None = None

    @property
    def denominator(self) -> Cited | None:
        """The participant count divided by (intended for ``planned``, realised for ``realised``)."""
        return self.intended if self.outcome == "planned" else self.realised

    @property
    def record_reason(self) -> str:
        """Why the ratio is unknown, for the results file ('' when it is known): ``not in this source: ...``."""
        if not self.missing:
            return ""
        return "not in this source: " + ", ".join(MISSING_WORDS[m] for m in self.missing)

    def __repr__(self) -> str:
        ratio = "unknown" if self.ratio is None else Interval.fmt(self.ratio.interval, ".4g")
        return f"MonitoringPoint({self.source_id}, {self.date or 'undated'}, {ratio})"


@dataclass(frozen=True)
class Fall:
    """A later report states fewer realised participants than an earlier one (stated values; without one, the
    later's upper and the earlier's lower bound): the reports may count differently."""

    earlier: str
    later: str
    earlier_count: Interval
    later_count: Interval


@dataclass(frozen=True)
class NationalSeries:
    """The monitoring reports of the national scheme in date order, with their ratios and caveats."""

    outcome: Outcome
    points: tuple[MonitoringPoint, ...]
    falls: tuple[Fall, ...] = ()

    def __iter__(self) -> Any:
        return iter(self.points)

    def __len__(self) -> int:
        return len(self.points)

    @property
    def known(self) -> tuple[MonitoringPoint, ...]:
        """The reports that give both numbers of the ratio."""
        return tuple(p for p in self.points if p.ratio is not None)

    @property
    def placed(self) -> tuple[MonitoringPoint, ...]:
        """The undated reports, each with how it was placed."""
        return tuple(p for p in self.points if p.placement != "date")

    @property
    def source_ids(self) -> tuple[str, ...]:
        """The reports' source ids in order."""
        return tuple(p.source_id for p in self.points)

    def __repr__(self) -> str:
        return f"NationalSeries({self.outcome}, {len(self.points)} reports, {len(self.known)} with a ratio)"


def _title_series(title: str) -> tuple[str, float | None]:
    """A title's series (digits as ``#``, lower case) and its first number: ``Quickscan 1 ...`` -> 1."""
    norm = re.sub(r"\s+", " ", title.lower()).strip()
    numbers = re.findall(r"\d+", norm)
    return re.sub(r"\d+", "#", norm), float(numbers[0]) if numbers else None


def _order_reports(
    ids: Sequence[str], titles: Mapping[str, str], dates: Mapping[str, str], periods: Mapping[str, Any]
) -> list[tuple[str, Placement, str | None]]:
    """Reports in date order; an undated one by its facts' period, else next to its title's series, else last."""
    placed: dict[str, tuple[tuple[Any, ...], Placement, str | None]] = {}
    for sid in ids:
        d = _date_of(dates.get(sid))
        if d is not None:
            placed[sid] = ((d, 0, 0.0), "date", None)
        elif periods.get(sid) is not None:
            placed[sid] = ((periods[sid], 0, 0.0), "period", None)
    for sid in ids:
        if sid in placed:
            continue
        series, number = _title_series(titles.get(sid, ""))
        siblings = []
        for other, (key, how, _) in placed.items():
            o_series, o_number = _title_series(titles.get(other, ""))
            if how == "date" and o_series == series and number is not None and o_number is not None:
                siblings.append((o_number, key[0], other))
        before = [s for s in siblings if s[0] < number] if number is not None else []
        after = [s for s in siblings if s[0] > number] if number is not None else []
        if before:
            _, date, other = max(before)
            placed[sid] = ((date, 1, number), "title_after", other)
        elif after:
            _, date, other = min(after)
            placed[sid] = ((date, -1, number), "title_before", other)
        else:
            placed[sid] = ((_dt.date.max, 0, 0.0), "last", None)
    order = sorted(ids, key=lambda s: (placed[s][0], s))
    return [(s, placed[s][1], placed[s][2]) for s in order]


def national_series(
    facts: pd.DataFrame,
    outcome: Outcome = "planned",
    sources: pd.DataFrame | None = None,
    spec: Mapping[str, Any] | None = None,
) -> NationalSeries:
    """Co-financing per participant of all sector plans, one point per national monitoring report.

    The reports are every source with co-financing or participant figures on the national scheme (cases.yaml
    ``spend.national``), so a new report in data/raw joins the series without a code change. They are in date
    order; an undated one is placed by its facts' period, else by its title next to a dated report of the same
    series (``Quickscan 1`` before ``Quickscan 2``), else last; :attr:`MonitoringPoint.placement` says which.
    ``outcome='planned'`` divides by the intended participants, ``'realised'`` by those reached so far. Where a
    report gives no co-financing or no such count, the ratio is None (unknown), never filled in.
    """
    import pandas as pd

    outcome = _check_outcome(outcome)
    spend = spec or cases()
    c = functools.partial(case_value, spend)
    scheme = c("national.scheme")
    measures = {k: c(f"national.{k}") for k in ("cofinancing", "intended", "realised")}
    rows = facts[(facts["entity"] == scheme) & facts["measure"].isin(list(measures.values()))]
    ids = list(dict.fromkeys(str(s) for s in rows["source_id"]))
    titles: dict[str, str] = {}
    dates = _source_dates(sources)
    if sources is not None:
        titles = {str(s): str(t) for s, t in zip(sources["source_id"], sources["title"], strict=True)}
    periods = {}
    for sid, group in rows.groupby("source_id"):
        start = group["period_start"].dropna()
        periods[str(sid)] = pd.Timestamp(start.min()).date() if len(start) else None
    points = []
    for sid, how, neighbour in _order_reports(ids, titles, dates, periods):
        cited = {k: cite_optional(facts, scheme, m, source_id=sid) for k, m in measures.items()}
        denominator = cited["intended"] if outcome == "planned" else cited["realised"]
        missing = tuple(
            k
            for k, v in (
                ("cofinancing", cited["cofinancing"]),
                ("intended" if outcome == "planned" else "realised", denominator),
            )
            if v is None
        )
        ratio = None
        if not missing:
            ratio = Ratio.from_cited(
                f"national_cofinancing_per_{outcome}_participant__{sid}",
                cited["cofinancing"] / denominator,  # type: ignore[operator]
                PER_PARTICIPANT,
            )
        points.append(
            MonitoringPoint(
                sid,
                titles.get(sid, sid),
                dates.get(sid) or None,
                cited["cofinancing"],
                cited["intended"],
                cited["realised"],
                outcome,
                ratio,
                missing,
                how,
                neighbour,
            )
        )
    falls = []
    counted = [p for p in points if p.realised is not None]
    for i, later in enumerate(counted):
        for earlier in counted[:i]:
            a, b = earlier.realised.interval, later.realised.interval  # type: ignore[union-attr]
            stated_later = b.high if b.value is None else b.value
            stated_earlier = a.low if a.value is None else a.value
            if stated_later < stated_earlier:
                falls.append(Fall(earlier.source_id, later.source_id, a, b))
    return NationalSeries(outcome, tuple(points), tuple(falls))


# --- case 3: Customer Service Valley ----------------------------------------------------------------------


@dataclass(frozen=True)
class ValleyCase:
    """Customer Service Valley: public and private money against the promised extra jobs.

    ``companies`` counts the companies that each state a yearly contribution (``contributions`` by name); the
    sources give no period for the companies' money, so the municipality's period (``public_years``) is assumed.
    """

    public: Cited
    public_years: Cited
    contributions: dict[str, Cited]
    companies: Cited
    per_company_per_year: Cited
    private: Cited
    total: Cited
    jobs_now: Cited
    jobs_target: Cited
    extra_jobs: Cited
    ratios: dict[str, Ratio]
    region: str = ""
    year: int = 0

    def __repr__(self) -> str:
        return f"ValleyCase({len(self.ratios)} ratios, {_short(self.extra_jobs.value or 0)} promised jobs)"


def valley_case(
    facts: pd.DataFrame,
    deadweight: float = 0.0,
    displacement: float = 0.0,
    substitution: float = 0.0,
    spec: Mapping[str, Any] | None = None,
) -> ValleyCase:
    """Public and private money of Customer Service Valley per promised extra job, gross and net.

    Public: the municipality's investment over its stated period (all sources must agree). Private: the
    companies that each state a yearly contribution, times that contribution, times the years of the
    municipality's period (the sources give no period for the companies: the covenant's period is assumed).
    Jobs: the target minus the current count, as written for the region and year of cases.yaml.
    """
    spend = spec or cases()
    c = functools.partial(case_value, spend)
    municipality, investment = c("valley.municipality"), c("valley.investment")
    contribution = c("valley.company_contribution")
    region, year = str(c("valley.region")), int(c("valley.year"))
    public = cite_agreed(facts, municipality, investment)
    rows = facts[facts["measure"] == contribution].sort_values("entity")
    if rows.empty:
        raise FactSelectionError(f"no fact with measure {contribution!r} (Customer Service Valley)")
    contributions = {str(r["entity_name"]): Cited.of(r) for _, r in rows.iterrows()}
    amounts = {(x.low, x.value, x.high) for x in contributions.values()}
    if len(amounts) != 1:
        raise FactSelectionError(f"the companies' yearly contributions differ: {sorted(amounts, key=str)}")
    # the years come from the source that also names the companies' yearly amounts (its date is exact)
    company_sources = sorted(set(rows["source_id"]))
    if len(company_sources) != 1:
        raise FactSelectionError(f"the companies' contributions come from several sources: {company_sources}")
    years = cited_years(select(facts, municipality, investment, source_id=company_sources[0]))
    companies = Cited.count(rows, "companies")
    each = next(iter(contributions.values()))
    private = companies * each * years
    total = public + private
    jobs_now = cite_agreed(facts, c("valley.sector"), c("valley.jobs"), year=year, region_code=region)
    jobs_target = cite_agreed(facts, c("valley.sector"), c("valley.jobs_target"), region_code=region)
    extra = jobs_target - jobs_now
    gross = {
        "csv_public_per_promised_job": public / extra,
        "csv_private_per_promised_job": private / extra,
        "csv_total_per_promised_job": total / extra,
    }
    ratios = {name: Ratio.from_cited(name, q, PER_JOB) for name, q in gross.items()}
    for name in ("csv_public_per_promised_job", "csv_total_per_promised_job"):
        net_name = name.replace("per_promised_job", "per_additional_job")
        ratios[net_name] = Ratio.from_cited(
            net_name, net_cost(gross[name], deadweight, displacement, substitution), PER_JOB
        )
    return ValleyCase(
        public,
        years,
        contributions,
        companies,
        each,
        private,
        total,
        jobs_now,
        jobs_target,
        extra,
        ratios,
        region,
        year,
    )


# --- case 4: the inflow programmes -------------------------------------------------------------------------

INFLOW_COLUMNS = (
    "programme",
    "column",
    "fact_id",
    "source_id",
    "measure",
    "value_text",
    "low",
    "value",
    "high",
    "unit",
    "period_kind",
    "period_start",
    "period_end",
    "period_text",
)


@dataclass(frozen=True)
class InflowCase:
    """The inflow programmes: the facts shown per programme and column, and whether any spend is known.

    ``cells`` has one row per fact shown (columns :data:`INFLOW_COLUMNS`; ``column`` is a measure group of
    cases.yaml or ``spend`` for amounts in euros). ``period_kind`` is the facts table's column when it has
    one (stock, flow, cumulative, target), else empty. ``names`` are the entity names of the facts table.
    """

    programmes: tuple[str, ...]
    columns: tuple[str, ...]
    names: dict[str, str]
    cells: pd.DataFrame
    sources: dict[str, tuple[str, ...]]

    @property
    def spend_known(self) -> tuple[str, ...]:
        """The programmes with any amount in euros in the sources."""
        return tuple(sorted(set(self.cells.loc[self.cells["column"] == "spend", "programme"])))

    def __repr__(self) -> str:
        return f"InflowCase({len(self.programmes)} programmes, {len(self.spend_known)} with spend)"


def inflow_case(facts: pd.DataFrame, spec: Mapping[str, Any] | None = None) -> InflowCase:
    """The inflow programmes of cases.yaml: participants, pass, placement and retention rates, and spend.

    Spend is any amount in euros on the programme or its organisation: none when no source gives one (none is
    estimated). Several facts may fill one cell; they are in period order.
    """
    import pandas as pd

    spend = spec or cases()
    programmes = dict(case_value(spend, "inflow.programmes"))
    groups = dict(case_value(spend, "inflow.measures"))
    has_kind = "period_kind" in facts.columns
    rows: list[dict[str, Any]] = []
    names: dict[str, str] = {}
    used: dict[str, tuple[str, ...]] = {}
    for pid, entities in programmes.items():
        mine = facts[facts["entity"].isin(list(entities))]
        first = facts.loc[facts["entity"] == entities[0], "entity_name"]
        names[pid] = str(first.iloc[0]) if len(first) else str(pid)
        used[pid] = tuple(sorted(set(mine["source_id"])))
        picks = [(col, mine[mine["measure"].isin(list(ms))]) for col, ms in groups.items()]
        picks.append(("spend", mine[mine["unit"].astype(str).str.startswith("EUR")]))
        for col, hits in picks:
            for _, r in hits.sort_values(["period_start", "fact_id"], na_position="last").iterrows():
                rows.append(
                    {
                        "programme": pid,
                        "column": col,
                        **{k: r[k] for k in INFLOW_COLUMNS[2:] if k != "period_kind"},
                        "period_kind": str(r["period_kind"])
                        if has_kind and isinstance(r["period_kind"], str)
                        else "",
                    }
                )
    cells = pd.DataFrame(rows, columns=list(INFLOW_COLUMNS))
    return InflowCase(tuple(programmes), (*groups, "spend"), names, cells, used)


# --- the whole analysis ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SpendResult:
    """Everything notebook 02 shows: the four cases, the gross-to-net factor and its sensitivity, the sources.

    ``sources`` holds the rows of the sources table the cases use (in order of use), so a presenter needs
    nothing else. :meth:`to_record` is what the notebook records (language-free numbers and ids).
    """

    outcome: Outcome
    deadweight: float
    displacement: float
    substitution: float
    factor: float
    plan: SectorPlanCase
    national: NationalSeries
    valley: ValleyCase
    inflow: InflowCase
    sensitivity: pd.DataFrame
    sources: pd.DataFrame = field(repr=False)

    def ratios(self) -> dict[str, Ratio]:
        """Every computed ratio by name (sector plan, Customer Service Valley, national series)."""
        out = {**self.plan.ratios, **self.valley.ratios}
        out.update({p.ratio.name: p.ratio for p in self.national.points if p.ratio is not None})
        return out

    def to_record(self) -> dict[str, Any]:
        """``cost_ratios`` (each with low, value, high, unit, sources; a missing one with the reason),
        ``additionality_factor`` and the ``headline`` numbers, for ``ccresearch.record``."""
        cost_ratios = {
            r.name: r.to_dict() for r in [*self.plan.ratios.values(), *self.valley.ratios.values()]
        }
        for p in self.national.points:
            name = f"national_cofinancing_per_{self.outcome}_participant__{p.source_id}"
            cost_ratios[name] = (
                p.ratio.to_dict()
                if p.ratio
                else missing_ratio(PER_PARTICIPANT, [p.source_id], p.record_reason)
            )
        return {
            "cost_ratios": cost_ratios,
            "additionality_factor": self.factor,
            "headline": {
                "sectorplan_grant_per_planned_participant": self.plan.ratios[
                    "sectorplan_grant_per_planned_participant"
                ].value,
                "csv_total_per_additional_job": self.valley.ratios["csv_total_per_additional_job"].value,
            },
        }

    def __repr__(self) -> str:
        grant = self.plan.ratios["sectorplan_grant_per_planned_participant"]
        return (
            f"SpendResult(outcome={self.outcome}, factor={self.factor:.3g}, grant per planned participant "
            f"{Interval.fmt(grant.interval, '.6g')}, {len(self.national.points)} monitoring reports, "
            f"{len(self.inflow.programmes)} inflow programmes)"
        )

    def _repr_html_(self) -> str:
        from html import escape

        return f"<code>{escape(repr(self))}</code>"


def analyse(
    facts: pd.DataFrame | None = None,
    sources: pd.DataFrame | None = None,
    *,
    outcome: Outcome = "planned",
    deadweight: float = 0.0,
    displacement: float = 0.0,
    substitution: float = 0.0,
    spec: Mapping[str, Any] | None = None,
) -> SpendResult:
    """Spend against outcomes: the sector plan, the national series, Customer Service Valley, inflow programmes.

    ``facts`` and ``sources`` default to the processed tables (:func:`ccresearch.load_facts`, ``load_sources``).
    """
    if facts is None or sources is None:
        from ccresearch.build import loaders

        facts = loaders.load_facts() if facts is None else facts
        sources = loaders.load_sources() if sources is None else sources
    outcome = _check_outcome(outcome)
    factor = additionality(deadweight, displacement, substitution)
    plan = sectorplan_case(facts, sources, spec)
    national = national_series(facts, outcome, sources, spec)
    valley = valley_case(facts, deadweight, displacement, substitution, spec)
    inflow = inflow_case(facts, spec)
    gross = valley.ratios["csv_total_per_promised_job"].interval
    sens = sensitivity(gross, deadweight, displacement, substitution)
    used: list[str] = []
    for q in [
        plan.applied,
        plan.granted,
        plan.total_cost,
        plan.planned_total,
        valley.total,
        valley.extra_jobs,
    ]:
        used.extend(q.source_ids)
    used.extend(national.source_ids)
    for ids in inflow.sources.values():
        used.extend(ids)
    order = list(dict.fromkeys(used))
    by_id = sources.set_index("source_id", drop=False)
    used_sources = by_id.loc[[s for s in order if s in by_id.index]].reset_index(drop=True)
    return SpendResult(
        outcome,
        deadweight,
        displacement,
        substitution,
        factor,
        plan,
        national,
        valley,
        inflow,
        sens,
        used_sources,
    )


analyse_spend = analyse


def missing_ratio(unit: str, sources: Sequence[str], reason: str) -> dict[str, Any]:
    """A ratio no source allows computing, for ``record``: null bounds, the reason and the sources seen."""
    return {
        "low": None,
        "value": None,
        "high": None,
        "unit": unit,
        "sources": list(sources),
        "missing": reason,
    }
