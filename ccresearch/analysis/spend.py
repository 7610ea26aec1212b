"""Spend against outcomes: cost ratios as intervals, with the facts they come from.

Every number here comes from the facts table (:func:`ccresearch.load_facts`); nothing is typed in. The pieces:

- :func:`select`, :func:`find`, :func:`select_all`: one fact (or none, or all) by entity and measure, with an
  error that names the entity and measure (and what the entity does have) when the selection is not unique.
- :class:`Cited`: an :class:`~ccresearch.figures.Interval` together with the fact ids and source ids it was
  computed from and a readable formula; ``+ - * /`` keep bounds and provenance.
- :class:`Ratio`: a named cost ratio with ``low``/``value``/``high``/``unit``/``sources``; ``to_dict()`` is
  what ``ccresearch.record`` writes (infinite bounds become JSON null there).
- :func:`cost_per`, :func:`additionality`, :func:`net_cost`, :func:`sensitivity`: the arithmetic, including
  the gross-to-net adjustment for deadweight, displacement and substitution.

Gross to net (the standard multiplicative additionality adjustment, as in the UK Additionality Guide of
English Partnerships / the Homes and Communities Agency, leaving out leakage and multiplier effects)::

    additional jobs = gross jobs * (1 - deadweight) * (1 - displacement) * (1 - substitution)
    net cost per additional job = gross cost per job / ((1 - deadweight) * (1 - displacement) * (1 - substitution))

The three shares are assumptions of the reader (parameters), never figures from a source.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from ccresearch.core.cited import Cited, _merge, _short, cited_sum, interval_of
from ccresearch.core.interval import Interval
from ccresearch.errors import ParameterError

if TYPE_CHECKING:
    import pandas as pd

Outcome = Literal["planned", "realised"]
Language = Literal["en", "nl"]

__all__ = [
    "Cited",
    "FactSelectionError",
    "Outcome",
    "Ratio",
    "additionality",
    "cite",
    "cite_optional",
    "cost_per",
    "find",
    "interval_of",
    "net_cost",
    "select",
    "select_all",
    "sensitivity",
]


class FactSelectionError(LookupError):
    """No fact, or more than one, where exactly one was asked for; the message names entity and measure."""


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
    intervals = {
        (float(r.low), None if math.isnan(float(r.value)) else float(r.value), float(r.high))
        for r in found.itertuples(index=False)
    }
    if len(intervals) > 1:
        listing = "; ".join(
            f"{r.fact_id} from {r.source_id}: {r.value_text!r}" for r in found.itertuples(index=False)
        )
        raise FactSelectionError(
            f"sources disagree on entity {entity!r}, measure {measure!r}: {listing}; select one source"
        )
    first = found.iloc[0]
    texts = list(dict.fromkeys(str(t) for t in found["value_text"]))
    return Cited(
        interval_of(first),
        tuple(str(x) for x in found["fact_id"]),
        _merge(str(x) for x in found["source_id"]),
        texts[0],
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
    """A named cost ratio: an interval with its unit, the sources of its inputs and how it was computed."""

    name: str
    low: float
    value: float
    high: float
    unit: str
    sources: tuple[str, ...] = ()
    facts: tuple[str, ...] = ()
    formula: str = ""
    label: str = ""
    label_nl: str = ""

    @classmethod
    def from_cited(cls, name: str, cited: Cited, unit: str, label: str = "", label_nl: str = "") -> Ratio:
        """A ratio from a computed :class:`Cited` quantity (``label``: English, ``label_nl``: Dutch)."""
        iv = cited.interval
        return cls(
            name,
            iv.low,
            iv.value,
            iv.high,
            unit,
            cited.source_ids,
            cited.fact_ids,
            cited.formula,
            label,
            label_nl,
        )

    def label_in(self, language: Language = "en") -> str:
        """The readable label in English or Dutch (falls back to the English label, then the name)."""
        if language == "nl" and self.label_nl:
            return self.label_nl
        return self.label or self.name

    @property
    def interval(self) -> Interval:
        """The ratio as an :class:`~ccresearch.figures.Interval`."""
        return Interval(self.low, self.value, self.high)

    @property
    def open_low(self) -> bool:
        """True when the lower bound is unknown (minus infinity)."""
        return math.isinf(self.low)

    @property
    def open_high(self) -> bool:
        """True when no source bounds the ratio from above (``high`` is infinite)."""
        return math.isinf(self.high)

    def to_dict(self) -> dict[str, Any]:
        """``low``, ``value``, ``high`` (``inf`` stays a float here; ``record`` writes it as null), unit, sources."""
        return {
            "low": self.low,
            "value": self.value,
            "high": self.high,
            "unit": self.unit,
            "sources": list(self.sources),
            "facts": list(self.facts),
            "formula": self.formula,
        }


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


def sensitivity(
    gross: Interval | Cited,
    deadweight: float = 0.0,
    displacement: float = 0.0,
    substitution: float = 0.0,
    shares: Sequence[float] | None = None,
) -> pd.DataFrame:
    """Net cost per additional outcome as each share varies over ``shares`` while the other two stay put.

    Columns: ``assumption`` (the share that varies), ``share``, ``low``, ``value``, ``high``. With the other
    two shares at 0 the three curves coincide (each is ``gross / (1 - share)``).
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
            rows.append(
                {"assumption": name, "share": s, "low": net.low, "value": net.value, "high": net.high}
            )
    return pd.DataFrame(rows)


# --- the cases: contact-centre sector plan, all sector plans, Customer Service Valley, inflow programmes -------
# Canonical ids (data/raw/mappings/*.csv) and measure names (data/raw/measures.csv); never figures.

SECTORPLAN = "sectorplan-contactcentersector"
SECTORPLAN_APPLICANT = "ksf"
SECTORPLAN_PLANNED = (
    "planned_hires",
    "planned_certificates",
    "planned_education_places_mbo3",
    "planned_education_places_mbo4_teamleader",
    "planned_education_places_hbo",
)
NATIONAL_SCHEME = "regeling-cofinanciering-sectorplannen"
# The national monitoring reports in publication order (two are undated in sources.csv; their place follows
# their titles: quickscan 1 precedes quickscan 2, the 2018 interim evaluation follows the 2017 one).
NATIONAL_MONITORING = (
    "seo-quickscan-1",
    "seo-2015-03-quickscan-2",
    "seo-2015-09-quickscan-3",
    "seo-2016-08-quickscan-4",
    "kpwi-2018-07-tussenevaluatie-2017",
    "seo-tussenevaluatie-2018",
)
CSV = "customer-service-valley"
CSV_MUNICIPALITY = "gemeente-maastricht"
CSV_SECTOR = "klantcontact"
CSV_REGION = "GM0935"
CSV_YEAR = 2015
# the seed 001 programmes: label -> canonical ids of the programme and the organisation running it
INFLOW_PROGRAMMES: dict[str, tuple[str, ...]] = {
    "Aan Zet (VANAD Academy)": ("aan-zet",),
    "Erkend talent (Ocaro)": ("erkend-talent", "ocaro"),
    "Step2Work and UWV trajectory (Coniche)": ("step2work", "coniche"),
    "ContactCare": ("contactcare",),
    "Olympia Werkvertrouwen": ("olympia-werkvertrouwen",),
    "Ro!Entree": ("ro-entree",),
}
INFLOW_SOURCE = "ziptone-2022-instroom"

_PER = "EUR/participant"
_PER_JOB = "EUR/job"


@dataclass(frozen=True)
class SectorPlanCase:
    """The contact-centre sector plan: money asked, granted and spent in total, against planned outcomes."""

    applied: Cited
    granted: Cited
    total_cost: Cited
    own_share: Cited
    planned: dict[str, Cited]
    planned_total: Cited
    realised: Cited | None
    ratios: dict[str, Ratio]


def sectorplan_case(facts: pd.DataFrame) -> SectorPlanCase:
    """The sector plan's ratios: grant, own share (total cost - grant) and total cost per planned participant.

    Planned participants are the sum of the factsheet's planned hires, certificates and education places.
    No source gives realised participants for this plan; ``realised`` is then None.
    """
    applied = cite(facts, SECTORPLAN_APPLICANT, "subsidy_applied_eur")
    granted = cite(facts, SECTORPLAN_APPLICANT, "subsidy_granted_eur")
    total = cite(facts, SECTORPLAN, "project_cost_total_eur")
    own = total - granted
    planned = {m: cite(facts, SECTORPLAN, m) for m in SECTORPLAN_PLANNED}
    planned_total = cited_sum(list(planned.values()))
    realised = cite_optional(facts, SECTORPLAN, "participants_realised")
    ratios = {
        r.name: r
        for r in (
            Ratio.from_cited(
                "sectorplan_grant_per_planned_participant",
                granted / planned_total,
                _PER,
                "Ministry's grant per planned participant",
                "Subsidie van het ministerie per geplande deelnemer",
            ),
            Ratio.from_cited(
                "sectorplan_own_share_per_planned_participant",
                own / planned_total,
                _PER,
                "Sector's own share (total cost - grant) per planned participant",
                "Eigen bijdrage sector (totale kosten - subsidie) per geplande deelnemer",
            ),
            Ratio.from_cited(
                "sectorplan_total_cost_per_planned_participant",
                total / planned_total,
                _PER,
                "Total project cost per planned participant",
                "Totale projectkosten per geplande deelnemer",
            ),
            Ratio.from_cited(
                "sectorplan_applied_per_planned_participant",
                applied / planned_total,
                _PER,
                "Subsidy applied for per planned participant",
                "Aangevraagde subsidie per geplande deelnemer",
            ),
            Ratio.from_cited(
                "sectorplan_grant_share_of_total_cost",
                granted / total,
                "share",
                "Grant as a share of total cost",
                "Subsidie als aandeel van de totale kosten",
            ),
            Ratio.from_cited(
                "sectorplan_grant_share_of_applied",
                granted / applied,
                "share",
                "Grant as a share of the amount applied for",
                "Subsidie als aandeel van het aangevraagde bedrag",
            ),
        )
    }
    return SectorPlanCase(applied, granted, total, own, planned, planned_total, realised, ratios)


@dataclass(frozen=True)
class MonitoringPoint:
    """One national monitoring report: co-financing, intended and realised participants, and the ratio."""

    source_id: str
    cofinancing: Cited | None
    intended: Cited | None
    realised: Cited | None
    outcome: Outcome
    ratio: Ratio | None

    @property
    def denominator(self) -> Cited | None:
        """The participant count divided by (intended for ``planned``, realised for ``realised``)."""
        return self.intended if self.outcome == "planned" else self.realised

    def missing_reason(self, language: Language = "en") -> str:
        """Why the ratio is unknown ('' when it is known)."""
        if self.ratio is not None:
            return ""
        what = []
        if self.cofinancing is None:
            what.append("co-financing" if language == "en" else "cofinanciering")
        if self.denominator is None:
            if language == "en":
                what.append("intended participants" if self.outcome == "planned" else "realised participants")
            else:
                what.append("beoogde deelnemers" if self.outcome == "planned" else "gerealiseerde deelnemers")
        head = "not in this source: " if language == "en" else "niet in deze bron: "
        return head + ", ".join(what)


def _check_outcome(outcome: str) -> Outcome:
    if outcome not in ("planned", "realised"):
        raise ParameterError(
            "unknown outcome", field="outcome", value=outcome, expected="'planned' or 'realised'"
        )
    return outcome  # type: ignore[return-value]


def national_series(facts: pd.DataFrame, outcome: Outcome = "planned") -> list[MonitoringPoint]:
    """Co-financing per participant of all sector plans, one point per national monitoring report.

    ``outcome='planned'`` divides by the intended participants, ``'realised'`` by the participants reached so
    far. Where a report gives no co-financing or no such count, the ratio is None (unknown), never filled in.
    Raises :class:`FactSelectionError` when a source outside :data:`NATIONAL_MONITORING` has such figures
    (it would otherwise be left out silently).
    """
    outcome = _check_outcome(outcome)
    measures = ("cofinancing_eur", "participants_intended", "participants_realised")
    scheme = facts[(facts["entity"] == NATIONAL_SCHEME) & facts["measure"].isin(measures)]
    unknown = sorted(set(scheme["source_id"]) - set(NATIONAL_MONITORING))
    if unknown:
        raise FactSelectionError(
            f"sources with national sector-plan figures that are not in NATIONAL_MONITORING: {unknown}"
        )
    points = []
    for source_id in NATIONAL_MONITORING:
        cof = cite_optional(facts, NATIONAL_SCHEME, "cofinancing_eur", source_id=source_id)
        intended = cite_optional(facts, NATIONAL_SCHEME, "participants_intended", source_id=source_id)
        realised = cite_optional(facts, NATIONAL_SCHEME, "participants_realised", source_id=source_id)
        denominator = intended if outcome == "planned" else realised
        ratio = None
        if cof is not None and denominator is not None:
            ratio = Ratio.from_cited(
                f"national_cofinancing_per_{outcome}_participant__{source_id}",
                cof / denominator,
                _PER,
                f"Co-financing per {'intended' if outcome == 'planned' else 'realised'} participant ({source_id})",
                f"Cofinanciering per {'beoogde' if outcome == 'planned' else 'gerealiseerde'} deelnemer ({source_id})",
            )
        points.append(MonitoringPoint(source_id, cof, intended, realised, outcome, ratio))
    return points


@dataclass(frozen=True)
class ValleyCase:
    """Customer Service Valley: public and private money against the promised extra jobs."""

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


def valley_case(
    facts: pd.DataFrame, deadweight: float = 0.0, displacement: float = 0.0, substitution: float = 0.0
) -> ValleyCase:
    """Public and private money of Customer Service Valley per promised extra job, gross and net.

    Public: the municipality's investment over its stated period (all sources must agree). Private: the
    companies that each state a yearly contribution, times that contribution, times the years of the
    municipality's period (the sources give no period for the companies: the covenant's period is assumed).
    Jobs: the target minus the current count, as written for the Maastricht area in 2015.
    """
    public = cite_agreed(facts, CSV_MUNICIPALITY, "municipal_investment_eur")
    rows = facts[facts["measure"] == "company_contribution_eur_per_year"].sort_values("entity")
    if rows.empty:
        raise FactSelectionError(
            "no fact with measure 'company_contribution_eur_per_year' (Customer Service Valley)"
        )
    contributions = {str(r["entity_name"]): Cited.of(r) for _, r in rows.iterrows()}
    amounts = {(c.low, c.value, c.high) for c in contributions.values()}
    if len(amounts) != 1:
        raise FactSelectionError(f"the companies' yearly contributions differ: {sorted(amounts)}")
    # the years come from the source that also names the companies' yearly amounts (its date is exact)
    company_sources = sorted(set(rows["source_id"]))
    if len(company_sources) != 1:
        raise FactSelectionError(f"the companies' contributions come from several sources: {company_sources}")
    years = cited_years(
        select(facts, CSV_MUNICIPALITY, "municipal_investment_eur", source_id=company_sources[0])
    )
    companies = Cited.count(rows, "companies")
    each = next(iter(contributions.values()))
    private = companies * each * years
    total = public + private
    jobs_now = cite_agreed(facts, CSV_SECTOR, "jobs", year=CSV_YEAR, region_code=CSV_REGION)
    jobs_target = cite_agreed(facts, CSV_SECTOR, "jobs_target", region_code=CSV_REGION)
    extra = jobs_target - jobs_now
    gross = {
        "csv_public_per_promised_job": (public / extra, "Public money", "Publiek geld"),
        "csv_private_per_promised_job": (private / extra, "Private money", "Privaat geld"),
        "csv_total_per_promised_job": (total / extra, "Public and private money", "Publiek en privaat geld"),
    }
    ratios = {
        name: Ratio.from_cited(
            name, c, _PER_JOB, f"{en} per promised extra job", f"{nl} per beloofde extra baan"
        )
        for name, (c, en, nl) in gross.items()
    }
    for name, (c, en, nl) in list(gross.items()):
        if name == "csv_private_per_promised_job":
            continue
        net_name = name.replace("per_promised_job", "per_additional_job")
        ratios[net_name] = Ratio.from_cited(
            net_name,
            net_cost(c, deadweight, displacement, substitution),
            _PER_JOB,
            f"{en} per additional job (net of deadweight, displacement, substitution)",
            f"{nl} per additionele baan (na deadweight, verdringing, substitutie)",
        )
    return ValleyCase(
        public, years, contributions, companies, each, private, total, jobs_now, jobs_target, extra, ratios
    )


INFLOW_MEASURES: dict[str, tuple[str, ...]] = {
    "participants": (
        "people_trained",
        "people_trained_and_placed",
        "placements",
        "target_group_staff_share",
        "employees",
    ),
    "pass": ("pass_rate",),
    "placement": ("diploma_and_job_rate",),
    "retention": ("retention_rate_target",),
}


def missing_ratio(unit: str, sources: Iterable[str], reason: str) -> dict[str, Any]:
    """A ratio no source allows computing, for ``record``: null bounds, the reason and the sources seen."""
    return {
        "low": None,
        "value": None,
        "high": None,
        "unit": unit,
        "sources": list(sources),
        "missing": reason,
    }
