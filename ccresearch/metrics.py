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
import textwrap
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from .errors import ParameterError
from .figures import Interval

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
    "describe_interval",
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


def interval_of(fact: pd.Series | Any) -> Interval:
    """The interval a fact row stands for (its ``low``, ``value`` and ``high``)."""
    return Interval(float(fact["low"]), float(fact["value"]), float(fact["high"]))


# --- cited quantities ---------------------------------------------------------------------------------------


def _merge(*groups: Iterable[str]) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for group in groups:
        for item in group:
            seen.setdefault(item, None)
    return tuple(seen)


def _short(x: float) -> str:
    if math.isinf(x):
        return "∞" if x > 0 else "-∞"
    return f"{x:,.0f}" if float(x).is_integer() else f"{x:,.4g}"


@dataclass(frozen=True)
class Cited:
    """An interval with the facts and sources it was computed from, and the formula that computed it.

    ``Cited`` values combine with ``+ - * /`` (with each other or with plain numbers); the bounds follow
    :class:`~ccresearch.figures.Interval` arithmetic and the provenance is the union of the operands'.
    """

    interval: Interval
    fact_ids: tuple[str, ...] = ()
    source_ids: tuple[str, ...] = ()
    formula: str = ""
    period: str = ""

    @classmethod
    def of(cls, fact: pd.Series | Any) -> Cited:
        """A fact row as a cited interval; the formula is the figure as written, ``period`` its period text."""
        period = fact["period_text"] if isinstance(fact["period_text"], str) else ""
        return cls(
            interval_of(fact),
            (str(fact["fact_id"]),),
            (str(fact["source_id"]),),
            str(fact["value_text"]),
            period,
        )

    @classmethod
    def count(cls, rows: pd.DataFrame, what: str) -> Cited:
        """The number of ``rows`` (e.g. the companies that each gave an amount), cited to those rows."""
        return cls(
            Interval.exact(float(len(rows))),
            tuple(str(x) for x in rows["fact_id"]),
            _merge(str(x) for x in rows["source_id"]),
            f"{len(rows)} {what}",
        )

    @property
    def low(self) -> float:
        """Lowest value the inputs allow."""
        return self.interval.low

    @property
    def value(self) -> float:
        """The value computed from the stated figures."""
        return self.interval.value

    @property
    def high(self) -> float:
        """Highest value the inputs allow (``inf`` when open)."""
        return self.interval.high

    def _combine(self, other: Cited | float, op: str, result: Interval, swap: bool = False) -> Cited:
        if isinstance(other, Cited):
            o_facts, o_sources, o_text = other.fact_ids, other.source_ids, other.formula
        else:
            o_facts, o_sources, o_text = (), (), _short(float(other))
        if swap:
            return Cited(
                result,
                _merge(o_facts, self.fact_ids),
                _merge(o_sources, self.source_ids),
                f"({o_text} {op} {self.formula})",
            )
        return Cited(
            result,
            _merge(self.fact_ids, o_facts),
            _merge(self.source_ids, o_sources),
            f"({self.formula} {op} {o_text})",
        )

    @staticmethod
    def _iv(other: Cited | float) -> Interval | float:
        return other.interval if isinstance(other, Cited) else other

    def __add__(self, other: Cited | float) -> Cited:
        return self._combine(other, "+", self.interval + self._iv(other))

    def __radd__(self, other: float) -> Cited:
        return self._combine(other, "+", self._iv(other) + self.interval, swap=True)

    def __sub__(self, other: Cited | float) -> Cited:
        return self._combine(other, "-", self.interval - self._iv(other))

    def __rsub__(self, other: float) -> Cited:
        return self._combine(other, "-", self._iv(other) - self.interval, swap=True)

    def __mul__(self, other: Cited | float) -> Cited:
        return self._combine(other, "×", self.interval * self._iv(other))

    def __rmul__(self, other: float) -> Cited:
        return self._combine(other, "×", self._iv(other) * self.interval, swap=True)

    def __truediv__(self, other: Cited | float) -> Cited:
        return self._combine(other, "/", self.interval / self._iv(other))

    def __rtruediv__(self, other: float) -> Cited:
        return self._combine(other, "/", self._iv(other) / self.interval, swap=True)


def cited_sum(items: Sequence[Cited]) -> Cited:
    """The sum of cited quantities, with the formula ``a + b + c`` (not nested)."""
    if not items:
        raise ValueError("cited_sum needs at least one quantity")
    total = items[0]
    for item in items[1:]:
        total = total + item
    return Cited(
        total.interval, total.fact_ids, total.source_ids, "(" + " + ".join(i.formula for i in items) + ")"
    )


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
    intervals = {(float(r.low), float(r.value), float(r.high)) for r in found.itertuples(index=False)}
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

    def text(self, language: Language = "en", decimals: int = 0) -> str:
        """The ratio in words, e.g. ``€921``, ``at least €2,661`` or ``at most 50%``."""
        return describe_interval(self.interval, language, kind=kind_of(self.unit), decimals=decimals)


def ratios_table(ratios: Iterable[Ratio], language: Language = "en") -> pd.DataFrame:
    """One row per ratio: label, stated value, low, high (as text, open bounds in words), unit, sources."""
    import pandas as pd

    words = _WORDS[language]
    rows = []
    for r in ratios:
        kind = kind_of(r.unit)
        rows.append(
            {
                words["ratio"]: r.label_in(language),
                words["value"]: _fmt_value(r.value, language, kind),
                words["low"]: _fmt_value(r.low, language, kind) if not r.open_low else words["unbounded"],
                words["high"]: _fmt_value(r.high, language, kind) if not r.open_high else words["unbounded"],
                words["unit"]: r.unit,
                words["formula"]: r.formula,
                words["sources"]: ", ".join(r.sources),
            }
        )
    return pd.DataFrame(rows)


# --- arithmetic ---------------------------------------------------------------------------------------------


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


# --- words --------------------------------------------------------------------------------------------------

_WORDS: dict[str, dict[str, str]] = {
    "en": {
        "at_least": "at least",
        "at_most": "at most",
        "to": "to",
        "about": "about",
        "unknown": "unknown",
        "undated": "undated",
        "unbounded": "no upper bound (open)",
        "ratio": "Ratio",
        "value": "Stated value",
        "low": "Low",
        "high": "High",
        "unit": "Unit",
        "formula": "Computation",
        "sources": "Sources",
    },
    "nl": {
        "at_least": "minstens",
        "at_most": "hoogstens",
        "to": "tot",
        "about": "ongeveer",
        "unknown": "onbekend",
        "undated": "ongedateerd",
        "unbounded": "geen bovengrens (open)",
        "ratio": "Kengetal",
        "value": "Genoemde waarde",
        "low": "Laag",
        "high": "Hoog",
        "unit": "Eenheid",
        "formula": "Berekening",
        "sources": "Bronnen",
    },
}


def word(key: str, language: Language = "en") -> str:
    """A word of the reports in English or Dutch (``unknown``, ``at least``...)."""
    return _WORDS[language][key]


Kind = Literal["money", "count", "share"]


def _fmt_value(x: float, language: Language, kind: Kind = "money", decimals: int = 0) -> str:
    from .plots import fmt_eur, fmt_num, fmt_pct

    if kind == "share":
        return fmt_pct(x, decimals, language)
    return fmt_eur(x, language, decimals) if kind == "money" else fmt_num(x, decimals, language)


def kind_of(unit: str) -> Kind:
    """How to write numbers of a unit: ``money`` for EUR units, ``share`` for shares, else ``count``."""
    if unit.startswith("EUR"):
        return "money"
    return "share" if unit == "share" else "count"


def describe_interval(
    iv: Interval | Cited | None, language: Language = "en", *, kind: Kind = "money", decimals: int = 0
) -> str:
    """An interval in words: ``€921``; ``at least €2,661``; ``€900 to €1,000``; ``unknown`` for None.

    The stated value is given first when it differs from both bounds: ``€950 (€900 to €1,000)``.
    """
    if iv is None:
        return word("unknown", language)
    if isinstance(iv, Cited):
        iv = iv.interval
    w = _WORDS[language]

    def f(x: float) -> str:
        return _fmt_value(x, language, kind, decimals)

    if iv.is_exact or f(iv.low) == f(iv.high):
        return f(iv.value)
    if math.isinf(iv.high) and iv.low == iv.value:
        return f"{w['at_least']} {f(iv.low)}"
    if iv.high == iv.value and iv.low <= 0 and not math.isinf(iv.low):
        return f"{w['at_most']} {f(iv.high)}"
    if math.isinf(iv.high):
        return f"{f(iv.value)} ({w['at_least']} {f(iv.low)})"
    if iv.value in (iv.low, iv.high):
        return f"{f(iv.low)} {w['to']} {f(iv.high)}"
    return f"{f(iv.value)} ({f(iv.low)} {w['to']} {f(iv.high)})"


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


def report_label(title: str) -> str:
    """A short axis label for a monitoring report: ``Quickscan 4``, ``Tussenevaluatie 2017``."""
    for noise in (" evaluatie sectorplannen", " evaluation sector plans", " sectorplannen"):
        title = title.replace(noise, "")
    return title.strip()


def national_table(
    points: Sequence[MonitoringPoint], sources: pd.DataFrame, language: Language = "en"
) -> pd.DataFrame:
    """The national series as a readable table: report, date, co-financing, participants, ratio or why unknown."""
    import pandas as pd

    by_id = sources.set_index("source_id")
    nl = language == "nl"
    rows = []
    for p in points:
        src = by_id.loc[p.source_id]
        rows.append(
            {
                ("Rapport" if nl else "Report"): f"{src['publisher']}: {src['title']}",
                ("Datum" if nl else "Date"): src["date"]
                if isinstance(src["date"], str) and src["date"]
                else word("undated", language),
                ("Cofinanciering" if nl else "Co-financing"): describe_interval(p.cofinancing, language),
                ("Beoogde deelnemers" if nl else "Intended participants"): describe_interval(
                    p.intended, language, kind="count"
                ),
                ("Gerealiseerde deelnemers" if nl else "Realised participants"): describe_interval(
                    p.realised, language, kind="count"
                ),
                ("Per deelnemer" if nl else "Per participant"): p.ratio.text(language)
                if p.ratio
                else p.missing_reason(language),
                ("Bron" if nl else "Source"): p.source_id,
            }
        )
    return pd.DataFrame(rows)


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


def inflow_programmes(facts: pd.DataFrame, language: Language = "en") -> pd.DataFrame:
    """The 2022 inflow programmes: participants, pass, placement and retention rates, and spend.

    Each cell lists the figures as written with their measure and period (several may apply); a cell no
    source fills says "unknown". Spend is any amount in euros on the programme or its organisation:
    "unknown" when no source gives one (none is estimated).
    """
    import pandas as pd

    nl = language == "nl"
    unknown = word("unknown", language)
    cols = {
        "participants": "Deelnemers" if nl else "Participants",
        "pass": "Slagingspercentage" if nl else "Pass rate",
        "placement": "Plaatsing" if nl else "Placement rate",
        "retention": "Behoud" if nl else "Retention",
        "spend": "Uitgaven" if nl else "Spend",
    }
    rows = []
    for label, entities in INFLOW_PROGRAMMES.items():
        mine = facts[facts["entity"].isin(entities)]
        row: dict[str, Any] = {("Programma" if nl else "Programme"): label}
        for key, measures in INFLOW_MEASURES.items():
            hits = mine[mine["measure"].isin(measures)].sort_values(["period_start", "fact_id"])
            row[cols[key]] = "; ".join(_fact_phrase(r, language) for _, r in hits.iterrows()) or unknown
        spend = mine[mine["unit"].astype(str).str.startswith("EUR")]
        row[cols["spend"]] = "; ".join(_fact_phrase(r, language) for _, r in spend.iterrows()) or unknown
        row[("Bronnen" if nl else "Sources")] = ", ".join(sorted(set(mine["source_id"]))) or "-"
        rows.append(row)
    return pd.DataFrame(rows)


_MEASURE_WORDS = {
    "people_trained": ("trained", "opgeleid"),
    "people_trained_and_placed": ("trained and placed", "opgeleid en geplaatst"),
    "placements": ("placed", "geplaatst"),
    "target_group_staff_share": (
        "of staff came through inflow programmes",
        "van het personeel via instroomprogramma's",
    ),
    "employees": ("staff in total", "medewerkers in totaal"),
    "pass_rate": ("passed the exam", "geslaagd"),
    "diploma_and_job_rate": ("diploma and job", "diploma en baan"),
    "retention_rate_target": (
        "retention target, met so far per the provider",
        "doel voor behoud, tot nu toe gehaald volgens de aanbieder",
    ),
}


def _fact_phrase(fact: pd.Series, language: Language) -> str:
    """``'zo'n 170' trained (de afgelopen vier jaar)``: the figure as written, what it counts, its period."""
    import pandas as pd

    what = _MEASURE_WORDS.get(str(fact["measure"]), (str(fact["measure"]),) * 2)[0 if language == "en" else 1]
    when = fact["period_text"] if isinstance(fact["period_text"], str) else ""
    if not when and pd.notna(fact["period_start"]) and fact["period_start"].year == fact["period_end"].year:
        when = str(fact["period_start"].year)
    return f"{fact['value_text']} {what}" + (f" ({when})" if when else "")


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


# --- figures (drawn on an axis the caller gives; no plt.show) -----------------------------------------------


def _open_arrow(ax: Any, y: float, x_from: float, x_to: float, color: str) -> None:
    """An arrow from the last known value to the axis edge: the bound is open (no source caps it)."""
    ax.annotate(
        "",
        xy=(x_to, y),
        xytext=(x_from, y),
        arrowprops={"arrowstyle": "->", "color": color, "lw": 1.5, "linestyle": "--"},
    )


def draw_ratio_ranges(ax: Any, ratios: Sequence[Ratio], language: Language = "en") -> Any:
    """Each ratio as a dot at its stated value with a line over its range; an open bound as a dashed arrow.

    The axis ends a little beyond the largest finite number; an open upper bound runs into the edge with an
    arrow and the words "no upper bound".
    """
    finite = [x for r in ratios for x in (r.low, r.value, r.high) if math.isfinite(x)]
    right = max(finite) * 1.35 if finite else 1.0
    color = "#0072B2"
    labels = []
    for i, r in enumerate(ratios):
        y = len(ratios) - 1 - i
        labels.append((y, textwrap.fill(r.label_in(language), 38)))
        lo = r.low if math.isfinite(r.low) else 0.0
        hi = r.high if math.isfinite(r.high) else right
        if not r.interval.is_exact:
            ax.plot([lo, min(hi, right)], [y, y], color=color, lw=3, alpha=0.35, solid_capstyle="butt")
        ax.plot([r.value], [y], "o", color=color)
        if r.open_high:
            _open_arrow(ax, y, r.value, right, color)
            ax.text(right, y + 0.18, word("unbounded", language), ha="right", va="bottom", fontsize="x-small")
        text = r.text(language)
        ax.text(r.value, y - 0.22, text, ha="center", va="top", fontsize="x-small")
    ax.set_yticks([y for y, _ in labels], [t for _, t in labels])
    ax.set_ylim(-0.7, len(ratios) - 0.4)
    ax.set_xlim(0, right)
    ax.set_xlabel("euro" if ratios and kind_of(ratios[0].unit) == "money" else "")
    return ax


def draw_national_series(
    ax: Any, points: Sequence[MonitoringPoint], labels: Sequence[str], language: Language = "en"
) -> Any:
    """Co-financing per participant per monitoring report: dots with range bars; "unknown" where no ratio."""
    color = "#D55E00"
    xs = list(range(len(points)))
    finite = [
        x for p in points if p.ratio for x in (p.ratio.low, p.ratio.value, p.ratio.high) if math.isfinite(x)
    ]
    top = max(finite) * 1.25 if finite else 1.0
    for x, p in zip(xs, points, strict=True):
        if p.ratio is None:
            ax.text(
                x,
                top * 0.04,
                word("unknown", language),
                ha="center",
                va="bottom",
                fontsize="small",
                color="grey",
                rotation=90,
            )
            continue
        r = p.ratio
        lo = r.low if math.isfinite(r.low) else 0.0
        hi = r.high if math.isfinite(r.high) else top
        ax.plot([x, x], [lo, hi], color=color, lw=3, alpha=0.35)
        ax.plot([x], [r.value], "o", color=color)
        if r.open_high:
            _open_arrow(
                ax, x, r.value, top, color
            )  # pragma: no cover - vertical open bounds do not occur yet
        ax.text(x + 0.08, r.value, _fmt_value(r.value, language), va="center", fontsize="x-small")
    known = [(x, p.ratio.value) for x, p in zip(xs, points, strict=True) if p.ratio]
    if len(known) > 1:
        ax.plot([k[0] for k in known], [k[1] for k in known], color=color, lw=1, alpha=0.6)
    ax.set_xticks(xs, labels, rotation=20, ha="right", fontsize="small")
    ax.set_ylim(0, top)
    ax.set_ylabel("euro per participant" if language == "en" else "euro per deelnemer")
    return ax


def draw_sensitivity(
    ax: Any, frame: pd.DataFrame, current: float | None = None, language: Language = "en"
) -> Any:
    """Net cost per additional job as each share varies (the others at their chosen values); a dotted line
    marks the net cost at the chosen values."""
    names = {
        "deadweight": ("deadweight", "deadweight"),
        "displacement": ("displacement", "verdringing"),
        "substitution": ("substitution", "substitutie"),
    }
    styles = {"deadweight": "-", "displacement": "--", "substitution": ":"}
    colors = {"deadweight": "#009E73", "displacement": "#CC79A7", "substitution": "#E69F00"}
    for name, group in frame.groupby("assumption", sort=False):
        label = names.get(str(name), (str(name),) * 2)[0 if language == "en" else 1]
        ax.plot(
            group["share"],
            group["value"],
            styles.get(str(name), "-"),
            color=colors.get(str(name)),
            lw=2,
            label=label,
        )
        if (group["low"] != group["high"]).any():
            ax.fill_between(
                group["share"], group["low"], group["high"], alpha=0.12, color=colors.get(str(name))
            )
    if current is not None:
        ax.axhline(current, color="grey", lw=1, ls=":")
    ax.set_xlabel("share (0 to 1)" if language == "en" else "aandeel (0 tot 1)")
    ax.set_ylabel("euro per additional job" if language == "en" else "euro per extra baan")
    ax.set_ylim(0, None)
    ax.legend()
    return ax
