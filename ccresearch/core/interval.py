"""Intervals: a stated figure together with the lowest and highest values it can mean.

A figure as a source writes it (``ruim € 1,8 miljoen``, ``bijna 800``, ``zo'n 170``) is not a point: the qualifier
says which values it allows. :class:`Interval` carries the stated value and both bounds, and its arithmetic keeps
the bounds, so a cost per participant computed from two qualified figures says how uncertain it is.

Conventions:

- ``low <= value <= high`` always; ``value`` (the stated figure) is finite, an unbounded side is
  ``math.inf`` / ``-math.inf``. ``low`` is never ``+inf`` and ``high`` never ``-inf``.
- ``value`` is ``None`` when the source states no point: a range (``30-40``, ``zes tot tien``) or a vague
  magnitude (``tientallen``) is only its bounds, and no midpoint is invented. Arithmetic keeps ``None``: a
  result computed from any operand without a value has no value either (its bounds are still exact).
- ``+``, ``-``, ``*`` and ``/`` take an Interval or a plain number on either side and return the smallest
  interval that holds every result of the operation on points of the operands (the min and max over the corner
  results), for intervals of any sign.
- ``0 * inf`` is taken as ``0`` when computing bounds: the bounds are limits of finite values, and a factor that
  is exactly 0 gives 0 whatever the other finite factor is. Likewise a finite bound divided by an infinite bound
  gives 0 (and ``inf / inf`` gives 0, the limit along the corner that the reciprocal convention implies).
- Division by an interval that contains 0 raises :class:`ZeroDivisionError`: the quotient would be unbounded on
  both sides or undefined, and silently returning ``(-inf, inf)`` would hide the problem.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from numbers import Real

__all__ = ["Interval", "interval_sum"]


def _mul(a: float, b: float) -> float:
    """Product of two bounds with the interval convention ``0 * inf == 0``."""
    if a == 0 or b == 0:
        return 0.0
    return a * b


def _div(a: float, b: float) -> float:
    """Quotient of two bounds, ``b != 0``; anything divided by an infinite bound is 0."""
    if math.isinf(b):
        return 0.0
    return a / b


def _num(x: float, spec: str) -> str:
    """One bound or value for display; infinities as the sign and ``∞``."""
    if math.isinf(x):
        return "∞" if x > 0 else "-∞"
    if spec:
        return format(x, spec)
    if x.is_integer() and abs(x) < 1e15:
        return str(int(x))
    return format(x, ".6g")


@dataclass(frozen=True, slots=True)
class Interval:
    """A stated value with a lower and an upper bound; arithmetic on it keeps the bounds.

    >>> Interval(1.8e6, 1.8e6, math.inf) + 15_000
    Interval(low=1815000.0, value=1815000.0, high=inf)
    """

    low: float
    value: float | None
    high: float

    def __post_init__(self) -> None:
        for name in ("low", "value", "high"):
            x = getattr(self, name)
            if name == "value" and x is None:
                continue
            if isinstance(x, bool) or not isinstance(x, Real | Decimal):
                raise TypeError(f"Interval.{name} must be a real number, got {x!r}")
            x = float(x)
            if math.isnan(x):
                raise ValueError(f"Interval.{name} is NaN")
            object.__setattr__(self, name, x)
        if self.low > self.high:
            raise ValueError(f"Interval needs low <= high, got low={self.low}, high={self.high}")
        if (math.isinf(self.low) and self.low > 0) or (math.isinf(self.high) and self.high < 0):
            raise ValueError(f"Interval bounds point the wrong way: low={self.low}, high={self.high}")
        if self.value is None:
            return
        if math.isinf(self.value):
            raise ValueError(f"Interval.value must be finite, got {self.value}")
        if not self.low <= self.value <= self.high:
            raise ValueError(
                f"Interval needs low <= value <= high, got low={self.low}, value={self.value}, high={self.high}"
            )

    # construction --------------------------------------------------------------------------------------------
    @classmethod
    def exact(cls, x: float) -> Interval:
        """A figure without uncertainty: low == value == high == x."""
        return cls(x, x, x)

    @classmethod
    def between(cls, low: float, high: float, value: float | None = None) -> Interval:
        """An interval from its bounds; without ``value`` it has none (no midpoint is invented)."""
        return cls(low, value, high)

    @property
    def has_value(self) -> bool:
        """True when the interval carries a stated point value."""
        return self.value is not None

    # properties ----------------------------------------------------------------------------------------------
    @property
    def width(self) -> float:
        """``high - low`` (``inf`` when a side is unbounded)."""
        return self.high - self.low

    @property
    def is_exact(self) -> bool:
        """True when low, value and high are the same number."""
        return self.value is not None and self.low == self.value == self.high

    def contains(self, x: float | Interval) -> bool:
        """True when the number (or every point of the interval) ``x`` lies within the bounds."""
        if isinstance(x, Interval):
            return self.low <= x.low and x.high <= self.high
        return self.low <= x <= self.high

    def overlaps(self, other: Interval | float) -> bool:
        """True when the two intervals share at least one point."""
        o = _coerce(other)
        if o is None:
            raise TypeError(f"cannot compare an Interval with {other!r}")
        return self.low <= o.high and o.low <= self.high

    def scale(self, k: float) -> Interval:
        """The interval multiplied by the number ``k`` (a negative ``k`` swaps the bounds)."""
        return self * k

    # arithmetic ----------------------------------------------------------------------------------------------
    def __neg__(self) -> Interval:
        return Interval(-self.high, None if self.value is None else -self.value, -self.low)

    def __pos__(self) -> Interval:
        return self

    def __add__(self, other: Interval | float) -> Interval:
        o = _coerce(other)
        if o is None:
            return NotImplemented
        return Interval(self.low + o.low, _op(self.value, o.value, float.__add__), self.high + o.high)

    __radd__ = __add__

    def __sub__(self, other: Interval | float) -> Interval:
        o = _coerce(other)
        if o is None:
            return NotImplemented
        return Interval(self.low - o.high, _op(self.value, o.value, float.__sub__), self.high - o.low)

    def __rsub__(self, other: Interval | float) -> Interval:
        o = _coerce(other)
        if o is None:
            return NotImplemented
        return o - self

    def __mul__(self, other: Interval | float) -> Interval:
        o = _coerce(other)
        if o is None:
            return NotImplemented
        corners = [_mul(a, b) for a in (self.low, self.high) for b in (o.low, o.high)]
        return Interval(min(corners), _op(self.value, o.value, _mul), max(corners))

    __rmul__ = __mul__

    def __truediv__(self, other: Interval | float) -> Interval:
        o = _coerce(other)
        if o is None:
            return NotImplemented
        if o.low <= 0 <= o.high:
            raise ZeroDivisionError(
                f"cannot divide by the interval [{_num(o.low, '')}, {_num(o.high, '')}]: it contains 0, "
                "so the quotient is unbounded"
            )
        corners = [_div(a, b) for a in (self.low, self.high) for b in (o.low, o.high)]
        return Interval(min(corners), _op(self.value, o.value, float.__truediv__), max(corners))

    def __rtruediv__(self, other: Interval | float) -> Interval:
        o = _coerce(other)
        if o is None:
            return NotImplemented
        return o / self

    # display -------------------------------------------------------------------------------------------------
    def fmt(self, spec: str = "") -> str:
        """Readable text: ``'800'`` when exact, ``'800 [0, 800]'`` with bounds, ``'[30, 40]'`` without a value;
        ``spec`` formats each number."""
        if self.is_exact:
            return _num(self.value, spec)  # type: ignore[arg-type]
        if self.value is None:
            return f"[{_num(self.low, spec)}, {_num(self.high, spec)}]"
        return f"{_num(self.value, spec)} [{_num(self.low, spec)}, {_num(self.high, spec)}]"

    def __format__(self, spec: str) -> str:
        return self.fmt(spec)

    def __str__(self) -> str:
        return self.fmt()


def _op(a: float | None, b: float | None, op: Callable[[float, float], float]) -> float | None:
    """A value computed from two values; None when either has none."""
    if a is None or b is None:
        return None
    return op(float(a), float(b))


def _coerce(other: object) -> Interval | None:
    """An Interval from an Interval or a real number; None for anything else."""
    if isinstance(other, Interval):
        return other
    if isinstance(other, bool) or not isinstance(other, Real | Decimal):
        return None
    return Interval.exact(float(other))


def interval_sum(items: Iterable[Interval | float]) -> Interval:
    """Sum of intervals (or numbers), bound by bound with ``math.fsum``; the empty sum is exactly 0; without
    a value when any item has none."""
    lows: list[float] = []
    values: list[float] = []
    no_value = False
    highs: list[float] = []
    for item in items:
        iv = _coerce(item)
        if iv is None:
            raise TypeError(f"interval_sum needs Intervals or numbers, got {item!r}")
        lows.append(iv.low)
        if iv.value is None:
            no_value = True
        else:
            values.append(iv.value)
        highs.append(iv.high)
    return Interval(math.fsum(lows), None if no_value else math.fsum(values), math.fsum(highs))
