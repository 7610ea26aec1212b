"""German figures (``lang="de"``): number words, qualifiers, shares and the German number format."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from ccresearch.parse import FigureParseError, parse_figure, parse_period
from ccresearch.parse.figures import APPROX_TOLERANCE as T
from ccresearch.parse.german import german_number
from ccresearch.parse.periods import UnanchoredPeriod

INF = math.inf

_UNITS = ["", "ein", "zwei", "drei", "vier", "fünf", "sechs", "sieben", "acht", "neun"]
_TEENS = [
    "zehn",
    "elf",
    "zwölf",
    "dreizehn",
    "vierzehn",
    "fünfzehn",
    "sechzehn",
    "siebzehn",
    "achtzehn",
    "neunzehn",
]
_TENS = ["", "", "zwanzig", "dreißig", "vierzig", "fünfzig", "sechzig", "siebzig", "achtzig", "neunzig"]


def _german_below_100(n: int) -> str:
    """The German word for ``1 <= n < 100``, written here independently of the parser (a test oracle)."""
    if n < 10:
        return "eins" if n == 1 else _UNITS[n]
    if n < 20:
        return _TEENS[n - 10]
    tens, unit = divmod(n, 10)
    return _TENS[tens] if unit == 0 else f"{_UNITS[unit]}und{_TENS[tens]}"


def _german_below_1000(n: int, one: str = "ein") -> str:
    hundreds, rest = divmod(n, 100)
    head = "" if hundreds == 0 else f"{_UNITS[hundreds] if hundreds > 1 else one}hundert"
    return head + (_german_below_100(rest) if rest else "")


def german_word(n: int, one: str = "ein") -> str:
    """``0 < n < 10**6`` as one German word (``380`` -> ``dreihundertachtzig``); ``one`` is '' or 'ein'."""
    thousands, rest = divmod(n, 1000)
    head = "" if thousands == 0 else f"{_german_below_1000(thousands, one) if thousands > 1 else one}tausend"
    return head + (_german_below_1000(rest, one) if rest else "")


@pytest.mark.parametrize(
    ("text", "low", "value", "high", "qualifier", "unit"),
    [
        # as written in the Mercedes-Benz sources (radio700, 10 February 2023)
        ("rund 380", 380 * (1 - T), 380, 380 * (1 + T), "approximate", None),
        ("ein Viertel", 0.25, 0.25, 0.25, "exact", "share"),
        ("die Hälfte", 0.5, 0.5, 0.5, "exact", "share"),
        ("ein Drittel", 1 / 3, 1 / 3, 1 / 3, "exact", "share"),
        ("zwei Drittel", 2 / 3, 2 / 3, 2 / 3, "exact", "share"),
        ("drei Viertel", 0.75, 0.75, 0.75, "exact", "share"),
        ("dreiviertel", 0.75, 0.75, 0.75, "exact", "share"),
        ("fast die Hälfte", 0, 0.5, 0.5, "upper_bound", "share"),
        ("mehr als die Hälfte", 0.5, 0.5, INF, "lower_bound", "share"),
        ("über 1.300", 1300, 1300, INF, "lower_bound", None),
        ("gut 400 Stellen", 400, 400, INF, "lower_bound", None),
        ("knapp 400", 0, 400, 400, "upper_bound", None),
        ("unter 400", 0, 400, 400, "upper_bound", None),
        ("etwa 2,5 Millionen Euro", 2.5e6 * (1 - T), 2.5e6, 2.5e6 * (1 + T), "approximate", "EUR"),
        ("rund 2,5 Mio. Euro", 2.5e6 * (1 - T), 2.5e6, 2.5e6 * (1 + T), "approximate", "EUR"),
        ("gegen 500", 450, 500, 550, "approximate", None),
        ("rund dreizehnhundert", 1170, 1300, 1430, "approximate", None),
        ("dreihundertachtzig Mitarbeiter", 380, 380, 380, "exact", None),
        ("einundzwanzig", 21, 21, 21, "exact", None),
        ("zweieinhalb Millionen", 2.5e6, 2.5e6, 2.5e6, "exact", None),
        ("eineinhalb Jahre", 1.5, 1.5, 1.5, "exact", "years"),
        ("fünfundneunzig Prozent", 0.95, 0.95, 0.95, "exact", "share"),
        ("zwischen 30 und 40 Prozent", 0.3, None, 0.4, "range", "share"),
        ("30 bis 40", 30, None, 40, "range", None),
        ("Hunderte", 200, None, 900, "approximate", None),
        ("null", 0, 0, 0, "exact", None),
    ],
)
def test_german_figure_parses_to_expected_interval(
    text: str, low: float, value: float | None, high: float, qualifier: str, unit: str | None
) -> None:
    fig = parse_figure(text, lang="de")
    assert fig.text == text
    assert fig.qualifier == qualifier and fig.unit == unit
    assert (fig.low, fig.high) == pytest.approx((low, high))
    assert fig.value == (None if value is None else pytest.approx(value))


@pytest.mark.parametrize(
    "text", ["einige", "viele Stellen", "rund", "dreihundertachtzigzig", "zwei und drei"]
)
def test_german_text_that_is_not_one_figure_names_the_text_as_written(text: str) -> None:
    with pytest.raises(FigureParseError) as info:
        parse_figure(text, lang="de")
    assert info.value.value == text  # the German as written, not its Dutch reading
    assert repr(text) in str(info.value)


def test_german_periods_read_through_the_dutch_words() -> None:
    ref = dt.date(2023, 2, 10)
    assert parse_period("dieses Jahr", ref, lang="de") == (dt.date(2023, 1, 1), dt.date(2023, 12, 31))
    assert parse_period("die nächsten zwei Jahre", ref, lang="de") == (ref, dt.date(2025, 2, 9))
    assert parse_period("Mitte Juni 2014", ref, lang="de") == (dt.date(2014, 6, 15), dt.date(2014, 6, 15))
    with pytest.raises(UnanchoredPeriod) as info:
        parse_period("für zwei Jahre", ref, lang="de")  # a length of time, like 'voor twee jaar'
    assert info.value.value == "für zwei Jahre"


# ---------------------------------------------------------------------------------------------------------------
# properties


@given(n=st.integers(1, 10**6 - 1), one=st.sampled_from(["", "ein"]), upper=st.booleans())
def test_german_number_word_parses_back_to_its_value(n: int, one: str, upper: bool) -> None:
    word = german_word(n, one)
    assume(word)  # '' for n = 1000 written without 'ein'
    assume(not word.startswith("eins") or n == 1)  # 'eins' only stands alone
    written = word.capitalize() if upper else word
    assert german_number(written) == n
    fig = parse_figure(written, lang="de")
    assert (fig.value, fig.qualifier) == (n, "exact")


@given(n=st.integers(11, 19), rest=st.integers(0, 99))
def test_german_hundreds_counted_from_eleven_to_nineteen(n: int, rest: int) -> None:
    # 'dreizehnhundert' (1300), as 'zo'n dertienhonderd' in Dutch
    word = _TEENS[n - 10] + "hundert" + (_german_below_100(rest) if rest else "")
    assert parse_figure(word, lang="de").value == n * 100 + rest


def _group(digits: str) -> str:
    head = len(digits) % 3 or 3
    return ".".join([digits[:head]] + [digits[i : i + 3] for i in range(head, len(digits), 3)])


@given(
    whole=st.integers(0, 10**12), decimals=st.text(alphabet="0123456789", max_size=4), grouped=st.booleans()
)
def test_german_number_format_dots_group_and_comma_is_the_decimal_sign(
    whole: int, decimals: str, grouped: bool
) -> None:
    # '1.300' and '2,5': German writes numbers as Dutch does; '2,500' alone is refused as ambiguous
    assume(not (1 <= whole <= 999 and len(decimals) == 3))
    text = (_group(str(whole)) if grouped else str(whole)) + ("," + decimals if decimals else "")
    fig = parse_figure(text, lang="de")
    assert fig.value == float(Decimal(f"{whole}.{decimals or '0'}"))
    assert fig.interval.is_exact


_FAMILIES_DE = {
    "lower_bound": ["über", "Über", "mehr als", "mindestens", "wenigstens", "gut", "ab"],
    "upper_bound": [
        "fast",
        "knapp",
        "beinahe",
        "höchstens",
        "maximal",
        "bis zu",
        "weniger als",
        "unter",
        "nahezu",
    ],
    "approximate": ["rund", "Rund", "etwa", "ungefähr", "circa", "ca.", "zirka", "gegen", "annähernd"],
}


def _bounds(qualifier: str, x: float) -> tuple[float, float]:
    return {"lower_bound": (x, INF), "upper_bound": (0, x), "approximate": (x * (1 - T), x * (1 + T))}[
        qualifier
    ]


@given(
    qualifier=st.sampled_from(sorted(_FAMILIES_DE)),
    data=st.data(),
    x=st.integers(1, 10**9),
    noun=st.sampled_from(["", " Stellen", " Mitarbeiter", " Euro", " Beschäftigte"]),
)
def test_german_qualifier_sets_qualifier_and_bounds(
    qualifier: str, data: st.DataObject, x: int, noun: str
) -> None:
    word = data.draw(st.sampled_from(_FAMILIES_DE[qualifier]))
    fig = parse_figure(f"{word} {_group(str(x))}{noun}", lang="de")
    assert fig.qualifier == qualifier
    assert fig.value == x
    assert (fig.low, fig.high) == pytest.approx(_bounds(qualifier, x))


@given(
    parts=st.integers(1, 9),
    whole=st.sampled_from(
        [("Drittel", 3), ("Viertel", 4), ("Fünftel", 5), ("Sechstel", 6), ("Achtel", 8), ("Zehntel", 10)]
    ),
    qualifier=st.sampled_from(["", "rund ", "über ", "fast "]),
)
def test_german_fractions_are_shares(parts: int, whole: tuple[str, int], qualifier: str) -> None:
    noun, d = whole
    assume(parts < d)
    fig = parse_figure(f"{qualifier}{'ein' if parts == 1 else _UNITS[parts]} {noun}", lang="de")
    assert fig.unit == "share"
    assert fig.value == pytest.approx(parts / d)
    assert fig.low <= parts / d <= fig.high


@given(text=st.text(max_size=40))
def test_any_german_text_gives_a_figure_or_a_figure_parse_error(text: str) -> None:
    try:
        fig = parse_figure(text, lang="de")
    except FigureParseError as err:
        assert err.value == text
    else:
        assert fig.low <= fig.high
