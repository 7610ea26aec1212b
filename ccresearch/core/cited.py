"""A cited value: an interval together with the facts and sources it was computed from, and its formula."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ccresearch.core.interval import Interval

if TYPE_CHECKING:
    import pandas as pd


def interval_of(fact: pd.Series | Any) -> Interval:
    """The interval a fact row stands for (its ``low``, ``value`` and ``high``; a missing value stays None)."""
    value = fact["value"]
    point = None if value is None or (isinstance(value, float) and math.isnan(value)) else float(value)
    return Interval(float(fact["low"]), point, float(fact["high"]))


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
    def value(self) -> float | None:
        """The value computed from the stated figures; None when an input states no point value."""
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
