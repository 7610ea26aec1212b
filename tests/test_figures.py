"""Interval arithmetic keeps the bounds: every result on points inside the operands lies inside the result."""

from __future__ import annotations

import math
import operator

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ccresearch.core.interval import Interval, interval_sum

INF = math.inf
_finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)


@st.composite
def intervals(draw: st.DrawFn, unbounded: bool = True) -> Interval:
    """Random intervals of any sign, sometimes unbounded on one or both sides."""
    low, value, high = sorted(draw(_finite) for _ in range(3))
    if unbounded and draw(st.integers(0, 3)) == 0:
        low = -INF
    if unbounded and draw(st.integers(0, 3)) == 0:
        high = INF
    return Interval(low, value, high)


@st.composite
def interval_with_point(draw: st.DrawFn, unbounded: bool = True) -> tuple[Interval, float]:
    """An interval and a finite point inside it."""
    iv = draw(intervals(unbounded))
    lo = iv.low if math.isfinite(iv.low) else iv.value - 1e6
    hi = iv.high if math.isfinite(iv.high) else iv.value + 1e6
    return iv, draw(st.floats(min_value=lo, max_value=hi))


@st.composite
def divisor_with_point(draw: st.DrawFn) -> tuple[Interval, float]:
    """An interval that excludes 0 (all positive or all negative, maybe unbounded) and a point inside it."""
    magnitude = st.floats(min_value=1e-3, max_value=1e6)
    low, value, high = sorted(draw(magnitude) for _ in range(3))
    if draw(st.integers(0, 3)) == 0:
        high = INF
    x = draw(st.floats(min_value=low, max_value=high if math.isfinite(high) else value + 1e6))
    iv = Interval(low, value, high)
    return (-iv, -x) if draw(st.booleans()) else (iv, x)


_OPS = {"+": operator.add, "-": operator.sub, "*": operator.mul}


@pytest.mark.parametrize("symbol", sorted(_OPS))
@given(a=interval_with_point(), b=interval_with_point())
def test_operation_on_points_lies_inside_operation_on_intervals(
    symbol: str, a: tuple[Interval, float], b: tuple[Interval, float]
) -> None:
    op = _OPS[symbol]
    (ia, xa), (ib, xb) = a, b
    result = op(ia, ib)
    assert result.low <= result.value <= result.high
    assert result.contains(op(xa, xb))
    assert result.contains(op(ia.value, ib.value))


@given(a=interval_with_point(), b=divisor_with_point())
def test_division_on_points_lies_inside_division_of_intervals(
    a: tuple[Interval, float], b: tuple[Interval, float]
) -> None:
    (ia, xa), (ib, xb) = a, b
    result = ia / ib
    assert result.low <= result.value <= result.high
    assert result.contains(xa / xb)


@pytest.mark.parametrize("symbol", sorted(_OPS))
@given(a=interval_with_point(), k=_finite)
def test_operations_with_a_plain_number_work_in_both_orders(
    symbol: str, a: tuple[Interval, float], k: float
) -> None:
    op = _OPS[symbol]
    iv, x = a
    assert op(iv, k).contains(op(x, k))
    assert op(k, iv).contains(op(k, x))
    assert op(iv, k) == op(iv, Interval.exact(k))


@given(a=interval_with_point(), k=_finite)
def test_number_divided_by_interval_and_interval_by_number(a: tuple[Interval, float], k: float) -> None:
    iv, x = a
    if abs(k) > 1e-3:
        assert (iv / k).contains(x / k)
    if iv.low > 1e-3 or iv.high < -1e-3:
        assert (k / iv).contains(k / x)


@given(a=intervals(), b=intervals())
def test_subtraction_is_addition_of_the_negation(a: Interval, b: Interval) -> None:
    assert a - b == a + (-b)


@given(items=st.lists(interval_with_point(), max_size=8))
def test_interval_sum_holds_the_sum_of_points(items: list[tuple[Interval, float]]) -> None:
    total = interval_sum(iv for iv, _ in items)
    assert total.low <= total.value <= total.high
    assert total.contains(math.fsum(x for _, x in items))


def test_interval_sum_of_nothing_is_exactly_zero() -> None:
    assert interval_sum([]) == Interval.exact(0)


def test_interval_sum_accepts_plain_numbers_and_keeps_an_open_bound() -> None:
    total = interval_sum([Interval(1.8e6, 1.8e6, INF), 15_000, Interval(0, 800, 800)])
    assert total == Interval(1_815_000, 1_815_800, INF)


def test_zero_times_unbounded_is_zero_for_the_bounds() -> None:
    assert Interval.exact(0) * Interval(1, 2, INF) == Interval.exact(0)
    assert Interval(0, 1, 1) * Interval(1, 2, INF) == Interval(0, 2, INF)
    assert Interval.exact(2) * Interval(1, 1, INF) == Interval(2, 2, INF)


def test_multiplication_of_mixed_signs_takes_min_and_max_of_corners() -> None:
    assert Interval(-2, 1, 3) * Interval(-5, -1, 4) == Interval(-15, -1, 12)


def test_division_by_unbounded_interval_reaches_zero() -> None:
    assert Interval(2, 2, 3) / Interval(1, 2, INF) == Interval(0, 1, 3)
    assert Interval(1, 2, INF) / Interval(1, 2, INF) == Interval(0, 1, INF)


def test_division_by_interval_containing_zero_raises_zero_division() -> None:
    with pytest.raises(ZeroDivisionError, match="contains 0"):
        Interval(1, 2, 3) / Interval(0, 800, 800)
    with pytest.raises(ZeroDivisionError):
        5 / Interval(-1, 1, 2)
    with pytest.raises(ZeroDivisionError):
        Interval(1, 2, 3) / 0


def test_cost_per_participant_keeps_both_bounds() -> None:
    cost = Interval(1.8e6, 1.8e6, INF)  # ruim 1,8 miljoen euro
    participants = Interval(153, 170, 187)  # zo'n 170
    per_head = cost / participants
    assert per_head.value == pytest.approx(1.8e6 / 170)
    assert per_head.low == pytest.approx(1.8e6 / 187)
    assert per_head.high == INF


def test_construction_rejects_disordered_nan_and_infinite_value() -> None:
    with pytest.raises(ValueError, match="low <= value <= high"):
        Interval(2, 1, 3)
    with pytest.raises(ValueError, match="NaN"):
        Interval(0, math.nan, 1)
    with pytest.raises(ValueError, match="finite"):
        Interval(0, INF, INF)
    with pytest.raises(TypeError):
        Interval("1", 1, 1)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Interval(True, 1, 1)


def test_fields_are_floats_and_interval_is_frozen_and_hashable() -> None:
    iv = Interval(1, 2, 3)
    assert all(type(x) is float for x in (iv.low, iv.value, iv.high))
    with pytest.raises(AttributeError):
        iv.low = 0  # type: ignore[misc]
    assert {iv, Interval(1.0, 2.0, 3.0)} == {iv}


def test_helpers_exact_between_width_contains_overlaps_scale() -> None:
    assert Interval.exact(5).is_exact and Interval.exact(5).width == 0
    # no midpoint is invented: between() without a value has none
    assert Interval.between(30, 40) == Interval(30, None, 40)
    assert Interval.between(30, 40).value is None and not Interval.between(30, 40).has_value
    assert Interval.between(1, INF, value=2).width == INF
    assert Interval.between(1, INF).value is None
    with pytest.raises(ValueError):
        Interval(INF, None, INF)
    iv = Interval(153, 170, 187)
    assert not iv.is_exact
    assert iv.width == 34
    assert iv.contains(153) and iv.contains(187) and not iv.contains(188)
    assert iv.contains(Interval(160, 170, 180)) and not iv.contains(Interval(100, 170, 180))
    assert iv.overlaps(Interval(187, 200, 300)) and not iv.overlaps(Interval(188, 200, 300))
    assert iv.overlaps(170)
    assert iv.scale(-2) == Interval(-374, -340, -306)


def test_arithmetic_with_unsupported_types_is_a_type_error() -> None:
    with pytest.raises(TypeError):
        Interval(1, 2, 3) + "4"  # type: ignore[operator]
    with pytest.raises(TypeError):
        interval_sum([Interval(1, 2, 3), "4"])  # type: ignore[list-item]


def test_display_shows_exact_values_plainly_and_bounds_in_brackets() -> None:
    assert str(Interval.exact(800)) == "800"
    assert str(Interval(0, 800, 800)) == "800 [0, 800]"
    assert str(Interval(1.8e6, 1.8e6, INF)) == "1800000 [1800000, ∞]"
    assert f"{Interval(153, 170, 187.5):.1f}" == "170.0 [153.0, 187.5]"
    assert Interval(-INF, 0.999, 1).fmt(".1%") == "99.9% [-∞, 100.0%]"


# intervals without a value: a range or a vague magnitude states no point


@pytest.mark.parametrize("symbol", ["+", "-", "*"])
@given(a=interval_with_point(), b=interval_with_point())
def test_an_operand_without_a_value_gives_a_result_without_one(
    symbol: str, a: tuple[Interval, float], b: tuple[Interval, float]
) -> None:
    (ia, xa), (ib, xb) = a, b
    vague = Interval(ia.low, None, ia.high)
    result = _OPS[symbol](vague, ib)
    assert result.value is None
    assert _OPS[symbol](ib, vague).value is None
    exact = _OPS[symbol](ia, ib)
    assert (result.low, result.high) == (exact.low, exact.high)  # the bounds are unchanged
    point = _OPS[symbol](xa, xb)
    assert (
        result.low <= point <= result.high
        or math.isclose(point, result.low)
        or math.isclose(point, result.high)
    )


def test_interval_without_value_sums_divides_and_displays_its_bounds() -> None:
    tens = Interval(20, None, 90)
    assert interval_sum([tens, Interval.exact(10)]) == Interval(30, None, 100)
    assert interval_sum([Interval.exact(1), 2]).value == 3
    assert (tens / 2) == Interval(10, None, 45)
    assert (-tens) == Interval(-90, None, -20)
    assert str(tens) == "[20, 90]" and f"{tens:.1f}" == "[20.0, 90.0]"
    assert not tens.is_exact and tens.overlaps(Interval.exact(50)) and tens.contains(Interval(30, None, 40))
    with pytest.raises(ValueError):
        Interval(90, None, 20)
