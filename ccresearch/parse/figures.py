"""Dutch (and English) figures as written -> :class:`~ccresearch.figures.Interval` with qualifier, unit and rate.

``parse_figure("ruim € 1,8 miljoen")`` gives low 1.8e6, value 1.8e6, high inf, unit EUR; ``parse_period`` turns
``de komende drie jaren`` into dates relative to the source's date; ``parse_date`` reads partial ISO dates.

Policies (what a qualifier means):

- **No qualifier** -> ``exact``: low == value == high.
- **Lower bound** (``ruim``, ``meer dan``, ``minstens``, ``ten minste``, ``minimaal``, ``vanaf``; English ``over``,
  ``more than``, ``at least``; a trailing ``+``): low = value = x, high = +inf. Sources that say "ruim" rarely mean
  more than a few per cent above x, but they give no upper limit, so none is invented.
- **Upper bound** (``bijna``, ``nagenoeg``, ``maximaal``, ``hooguit``, ``minder dan``, ``binnen``, a leading
  ``tot``; English ``almost``, ``nearly``, ``up to``, ``within``): value = high = x, low = 0. **Every quantity in
  this project is non-negative** (counts, euros, shares, durations), so 0 is the natural lower limit.
  ``binnen 24 uur`` (within 24 hours) is an upper bound: the time taken is at most 24 hours.
- **Approximate** (``zo'n``, ``circa``, ``ca.``, ``ongeveer``, ``rond``, ``naar schatting``; English ``about``,
  ``around``, ``approximately``, ``some``): low = x * (1 - tolerance), high = x * (1 + tolerance) with
  :data:`APPROX_TOLERANCE` = 0.10 unless the caller passes another ``tolerance``. Why 10%: an approximate figure
  in a news text is usually rounded to one or two significant digits (``zo'n 170``, ``zo'n 1.600``,
  ``zo'n 6000``); rounding to one significant digit with a leading digit of 5 or more is off by at most 10%, two
  significant digits by at most about 3%, so 10% covers the rounding with some room for the writer's own
  imprecision. It is a parameter, not a finding: analyses should vary it in their robustness section.
- An approximate qualifier combined with a bound (``naar schatting ruim 500``) keeps the bound.
- **Range** (``zes tot tien``, ``30-40``, ``30 – 40``, ``een tot twee``, ``tussen 30 en 40``, ``twee of
  drie``, ``40%-50%``, ``€5.000-€6.000``): low and high as stated, **no value** (``value`` is None: the source
  states no point, and a midpoint would be invented). A unit written on one
  number only (``40-50%``, ``40%-50``) holds for both; two different units (``40%-50 euro``) raise. With an
  approximate qualifier (``zo'n zes tot tien``) the range is widened by the tolerance on both sides. A bound
  qualifier with a range is refused (it is unclear).
- **Collective words** are vague magnitudes, not numbers: ``tientallen`` (tens) -> [20, 90], ``honderden`` ->
  [200, 900], ``duizenden`` -> [2.000, 9.000] and so on, **no value**, qualifier ``approximate``: "two to
  nine times the unit" is how the words read; a source that says ``tientallen`` gave no more precision.
  ``een paar``, ``enkele``, ``diverse`` are not figures and raise.
- **Shares** are fractions: ``99,9%`` -> 0.999, ``80 procent`` -> 0.8, ``zeven op de tien`` -> 0.7. A lower
  bound on a share stays open (``ruim 80 procent`` -> [0.8, inf]): percentages of growth can exceed 100.

German (``lang="de"``) is read through the Dutch vocabulary (:func:`german_as_dutch`): ``rund 380`` is
``rond 380``, ``ein Viertel`` is ``een kwart``; German writes numbers the Dutch way.

Number formats: with ``lang="nl"`` ``.`` groups thousands and ``,`` is the decimal sign (``1,8``, ``300.000``);
with ``lang="en"`` the other way round (``395,265``). A number whose only separator is followed by exactly three
digits (``395,265`` in Dutch, ``1.500`` in English) is refused unless a scale word or a percent sign makes the
reading clear: it is the tell-tale of a figure parsed in the wrong language, and guessing would silently be off
by a factor of 1000.

Periods (:func:`parse_period`, first and last day both inclusive):

- **Parts of a year.** Quarters (``Q3 2015``, ``3e kwartaal 2015``, ``het derde kwartaal van 2015``, ``third
  quarter of 2015``, ``2015Q3``, CBS's ``2015KW03``) run from the first day of their first month to the last day
  of their third. Halves (``eerste helft 2016``, ``H1 2016``, ``het tweede halfjaar``, ``first half of 2016``)
  are January-June and July-December. ``het laatste kwartaal`` / ``the last half`` need a written year.
- **Seasons are meteorological** (as weather services such as the KNMI count them; never astronomical):
  ``voorjaar``/``lente``/``spring`` = March-May, ``zomer``/``summer`` = June-August, ``najaar``/``herfst``/
  ``autumn``/``fall`` = September-November, ``winter`` = December of one year to February of the next. A winter
  must name both years (``winter 2015/2016``, ``winter 2015-16``): ``winter 2015`` is read both as 2014/2015 and
  as 2015/2016, and one reading is not guessed.
- **No written year**: a month, quarter, half or season without a year (``medio juni``, ``Q3``, ``het derde
  kwartaal``, ``de zomer``) lies in the year of the source date; with ``jl``/``jongstleden`` the latest one that
  has started by the source date.
- **Rolling periods** end or start on the source date: ``de afgelopen vier jaar`` -> (ref - 4 years, ref), ``de
  komende drie jaren`` -> (ref, ref + 3 years - 1 day). Without a count the unit is taken once: ``het afgelopen
  jaar`` = ``de afgelopen 1 jaar``, ``de komende maand`` = ``de komende 1 maand``, ``the past year``, ``het
  afgelopen halfjaar`` (6 months), ``the past decade`` (10 years). A plural without a count (``de komende
  jaren``, ``de afgelopen maanden``, ``in recent years``, ``al jaren``) is vague and raises: no count is guessed.
  ``het afgelopen kwartaal`` raises too: it may be the last calendar quarter or the three months before the
  source date.
- **Calendar periods**: ``dit jaar``, ``vorig jaar``, ``last year``, ``dit kwartaal``, ``vorige maand``, ``next
  month`` are the whole calendar year, quarter or month that holds the source date, or the one before or after.
  ``last year`` (a calendar year) and ``the last year`` (the past twelve months) differ, as in English usage.

Words: a short known list of words may come before the number (qualifiers, ``de``, ``komende``, ``in``, verbs
such as ``verdubbeld tot``); any words may follow it (``bedrijven``, ``deelnemers``, ``per jaar``), but a second
number after the figure that does not form a range raises, as does a text with no number at all.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from ccresearch.core.interval import Interval
from ccresearch.errors import InputError, ParameterError
from ccresearch.parse.german import as_written, german_words_as_dutch

__all__ = ["APPROX_TOLERANCE", "Figure", "FigureParseError", "parse_figure"]

APPROX_TOLERANCE: float = 0.10
"""Relative half-width of an approximate figure (``zo'n 170`` -> [153, 187]); see the module docstring."""

EXPECTED_FIGURE = "a Dutch figure such as 'ruim € 1,8 miljoen', '30-40', 'zo'n zes procent'"
EXPECTED_PERIOD = (
    "a period such as 'de komende drie jaren', 'het afgelopen jaar', 'in 2020', '2014-2015', 'medio juni', "
    "'per 1 juli', '1 mei 2014 tot en met 30 april 2016', 'sinds 2004', 'begin 2007', 'eind maart 2015', "
    "'Q3 2015', 'het derde kwartaal van 2015', 'eerste helft 2016', 'najaar 2015', 'winter 2015/2016'"
)
EXPECTED_DATE = "an ISO date 'YYYY-MM-DD', a month 'YYYY-MM' or a year 'YYYY'"

Qualifier = Literal["exact", "lower_bound", "upper_bound", "approximate", "range"]
Lang = Literal["nl", "en"]


class FigureParseError(InputError):
    """A figure, period or date as written that cannot be read; ``value`` is the text, ``expected`` a hint."""

    def __init__(
        self, problem: str, *, value: object = None, expected: str | None = EXPECTED_FIGURE, **where
    ):
        super().__init__(problem, value=value, expected=expected, **where)


@dataclass(frozen=True)
class Figure:
    """A figure as written and what it means: interval, qualifier, unit and rate period.

    ``unit`` as the text states it: ``EUR``, ``share`` (a fraction), ``years``, ``months``, ``weeks``, ``days``,
    ``hours``, or None for a plain count. ``per`` is the rate period (``year``, ``month``, ``week``, ``day``,
    ``hour``) of ``€15.000 per jaar`` or ``vier dagen per week``, else None.
    """

    text: str
    interval: Interval
    qualifier: Qualifier
    unit: str | None = None
    per: str | None = None

    @property
    def low(self) -> float:
        """Lowest value the text allows."""
        return self.interval.low

    @property
    def value(self) -> float | None:
        """The stated value; None for a range or a vague magnitude (no point stated)."""
        return self.interval.value

    @property
    def high(self) -> float:
        """Highest value the text allows (``inf`` when unbounded)."""
        return self.interval.high


# ----------------------------------------------------------------------------------------------------------------
# vocabulary (phrases separated by '|'; multi-word phrases allowed)


def _phrases(text: str) -> tuple[str, ...]:
    return tuple(p.strip() for p in text.split("|") if p.strip())


_QUALIFIERS: dict[str, dict[str, tuple[str, ...]]] = {
    "nl": {
        "lower": _phrases(
            "ruim | ruimschoots | meer dan | minstens | ten minste | tenminste | minimaal | op zijn minst | dik | zeker"
            "| een dikke | een ruime | boven de | vanaf | niet minder dan | minimum | langer dan | groter dan | hoger dan"
            "| ouder dan"
        ),
        "upper": _phrases(
            "bijna | nagenoeg | maximaal | hooguit | minder dan | ten hoogste | hoogstens | niet meer dan | krap"
            "| een kleine | tot | tot en met | t/m | binnen | onder de | maximum | max | korter dan | kleiner dan"
            "| lager dan | jonger dan"
        ),
        "approx": _phrases(
            "zo'n | circa | ca | ongeveer | rond | rondom | rond de | naar schatting | geschat | omstreeks"
            "| plusminus | ± | ~ | om en nabij | om en nabij de | grofweg | ruwweg | pakweg | zowat | zo ongeveer"
            "| bij benadering | globaal"
        ),
    },
    "en": {
        "lower": _phrases(
            "over | more than | at least | in excess of | upwards of | no fewer than | no less than | well over"
            "| above | a minimum of | minimum | longer than | larger than | greater than | higher than | older than"
        ),
        "upper": _phrases(
            "almost | nearly | up to | less than | fewer than | at most | no more than | under | below | within"
            "| a maximum of | maximum | max | just under | shorter than | smaller than | lower than | younger than"
        ),
        "approx": _phrases(
            "about | around | approximately | approx | some | roughly | circa | ca | c | an estimated | estimated"
            "| close to | ± | ~"
        ),
    },
}

# words before the number that carry no quantity
_LEADING = {
    "nl": _phrases(
        "de | het | in | na | gedurende | voor | sinds | komende | afgelopen | voorbije | laatste | volgende"
        "| eerste | in totaal | totaal | samen | al | nu | inmiddels | momenteel | nog | elk | ieder | van | er"
        "| zijn | is"
    ),
    "en": _phrases(
        "the | a | in | for | during | since | next | past | last | coming | first | a total of | total | in total"
        "| each | now | currently | already | from"
    ),
}
_RANGE_INTRO = {"nl": "tussen", "en": "between"}
_VERBS = {
    "nl": _phrases(
        "verdubbeld | verdrievoudigd | gehalveerd | gestegen | gegroeid | gedaald | toegenomen | afgenomen"
        "| groeien | groeit | stijgen | stijgt | dalen | daalt"
    ),
    "en": _phrases(
        "doubled | tripled | halved | rose | risen | grew | grown | fell | fallen | increased | decreased | grow"
        "| rise | fall"
    ),
}
_VERB_TARGET = {"nl": ("tot", "naar"), "en": ("to",)}

_RANGE_SEPS = {
    "nl": _phrases("tot en met | t/m | tot | - | à | a | of"),
    "en": _phrases("to | - | or | through"),
}
_RANGE_AND = {"nl": "en", "en": "and"}
_RATIO = {"nl": ("op", "de"), "en": ("out", "of")}

_CURRENCY = frozenset(_phrases("€ | euro | eur | euro's | euros"))
_SHARE = frozenset(_phrases("% | procent | percent | pct | procentpunt | procentpunten"))
_SHARE_PHRASES = {"nl": (), "en": (("per", "cent"), ("percentage", "points"), ("percentage", "point"))}

# fmt: off
_SCALES: dict[str, dict[str, int]] = {
    "nl": {"honderd": 100, "duizend": 10**3, "miljoen": 10**6, "mln": 10**6, "miljard": 10**9, "mld": 10**9,
           "mrd": 10**9},
    "en": {"hundred": 100, "thousand": 10**3, "million": 10**6, "mln": 10**6, "mn": 10**6, "m": 10**6,
           "billion": 10**9, "bn": 10**9, "mld": 10**9},
}
# after a collective word: 'tientallen miljoenen', 'hundreds of thousands'
_PLURAL_SCALES: dict[str, dict[str, int]] = {
    "nl": {"duizenden": 10**3, "miljoenen": 10**6, "miljarden": 10**9},
    "en": {"thousands": 10**3, "millions": 10**6, "billions": 10**9},
}
# vague magnitudes -> (low, high): 'two to nine times' the unit the word names
_COLLECTIVES: dict[str, dict[str, tuple[int, int]]] = {
    "nl": {"tientallen": (20, 90), "honderden": (200, 900), "duizenden": (2_000, 9_000),
           "tienduizenden": (20_000, 90_000), "honderdduizenden": (200_000, 900_000),
           "miljoenen": (2 * 10**6, 9 * 10**6)},
    "en": {"tens": (20, 90), "dozens": (24, 96), "hundreds": (200, 900), "thousands": (2_000, 9_000),
           "millions": (2 * 10**6, 9 * 10**6)},
}
# fraction nouns after a number: 'twee derde' = 2/3, 'een kwart' = 1/4 (a share); 'de helft' alone = 1/2
_FRACTIONS: dict[str, dict[str, int]] = {
    "nl": {"helft": 2, "derde": 3, "kwart": 4, "vierde": 4, "vijfde": 5, "zesde": 6, "achtste": 8, "tiende": 10},
    "en": {"half": 2, "halves": 2, "third": 3, "thirds": 3, "quarter": 4, "quarters": 4, "fifth": 5,
           "fifths": 5, "tenth": 10, "tenths": 10},
}
_HALF_ALONE = {"nl": "helft", "en": "half"}
_TIME_UNITS: dict[str, dict[str, str]] = {
    "nl": {"jaar": "years", "jaren": "years", "maand": "months", "maanden": "months", "week": "weeks",
           "weken": "weeks", "dag": "days", "dagen": "days", "uur": "hours", "uren": "hours"},
    "en": {"year": "years", "years": "years", "month": "months", "months": "months", "week": "weeks",
           "weeks": "weeks", "day": "days", "days": "days", "hour": "hours", "hours": "hours"},
}
# 'per jaar', 'a year' -> rate period
_RATE_PERIODS = {"jaar": "year", "year": "year", "annum": "year", "maand": "month", "month": "month",
                 "week": "week", "dag": "day", "day": "day", "uur": "hour", "hour": "hour"}
_RATE_WORDS = {"jaarlijks": "year", "maandelijks": "month", "wekelijks": "week", "dagelijks": "day",
               "annually": "year", "yearly": "year", "monthly": "month", "weekly": "week", "daily": "day"}
# number words
_NL_UNITS = {"nul": 0, "een": 1, "één": 1, "eén": 1, "twee": 2, "drie": 3, "vier": 4, "vijf": 5, "zes": 6,
             "zeven": 7, "acht": 8, "negen": 9}
_NL_TEENS = {"tien": 10, "elf": 11, "twaalf": 12, "dertien": 13, "veertien": 14, "vijftien": 15, "zestien": 16,
             "zeventien": 17, "achttien": 18, "negentien": 19}
_NL_TENS = {"twintig": 20, "dertig": 30, "veertig": 40, "vijftig": 50, "zestig": 60, "zeventig": 70,
            "tachtig": 80, "negentig": 90}
_EN_UNITS = {"zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
             "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
             "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19}
_EN_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
            "ninety": 90}
# fmt: on
_VAGUE_QUANTIFIERS = frozenset(
    _phrases("vele | enkele | many | several")
)  # only directly before a collective
_NOT_NUMBERS = frozenset(
    _phrases(
        "paar | aantal | handvol | heleboel | hoop | enkele | diverse | meerdere | verschillende | vele | veel"
        "| weinig | few | several | many | numerous | various"
    )
)
_NL_COMPOUND = re.compile(
    r"(een|één|eén|twee|drie|vier|vijf|zes|zeven|acht|negen)(?:en|ën)(" + "|".join(_NL_TENS) + ")"
)
_NL_HALF = re.compile(r"(een|één|twee|drie|vier|vijf|zes|zeven|acht|negen|tien)(?:en|ën)half")
_ARTICLES = frozenset(
    {"een", "one", "a", "an"}
)  # number words that are also articles: allowed after the figure

_NUMBER_RE = {
    "nl": re.compile(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?", re.ASCII),
    "en": re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?", re.ASCII),
}
_AMBIGUOUS_RE = {
    "nl": re.compile(r"[1-9]\d{0,2},\d{3}", re.ASCII),
    "en": re.compile(r"[1-9]\d{0,2}\.\d{3}", re.ASCII),
}
_LANG_NAME = {"nl": "Dutch", "en": "English"}

_CHAR_MAP = str.maketrans(
    {
        "\u2019": "'",
        "\u2018": "'",
        "\u02bc": "'",
        "`": "'",
        "\u00b4": "'",
        "\u2013": "-",
        "\u2014": "-",
        "\u2212": "-",
        "\u2010": "-",
        "\u2011": "-",
        "\u00a0": " ",
        "\u202f": " ",
        "\u2009": " ",
        "\u2007": " ",
    }
)


# ----------------------------------------------------------------------------------------------------------------
# number words


def _nl_below_100(w: str) -> int | None:
    for table in (_NL_UNITS, _NL_TEENS, _NL_TENS):
        if w in table:
            return table[w]
    m = _NL_COMPOUND.fullmatch(w)
    if m:
        return _NL_UNITS[m.group(1)] + _NL_TENS[m.group(2)]
    return None


def _nl_below_1000(w: str, teens: bool = False) -> int | None:
    """A Dutch number word below 1000; with ``teens`` also the hundreds counted from 11 to 19
    (``dertienhonderd`` = 1300), as Dutch writes numbers from 1100 to 1999."""
    if "honderd" not in w:
        return _nl_below_100(w)
    left, _, right = w.partition("honderd")
    hundreds = 1 if left == "" else _nl_below_100(left)
    rest = 0 if right == "" else _nl_below_100(right.removeprefix("en") if right != "en" else right)
    if hundreds is None or rest is None or not (1 <= hundreds <= 9 or (teens and 11 <= hundreds <= 19)):
        return None
    return hundreds * 100 + rest


def _nl_word(w: str) -> Decimal | None:
    """Value of a Dutch number word (``vijf``, ``tweeëntwintig``, ``vijfduizend``, ``tweeënhalf``), else None."""
    if w in ("anderhalf", "anderhalve"):
        return Decimal("1.5")
    if w in ("half", "halve"):
        return Decimal("0.5")
    m = _NL_HALF.fullmatch(w)
    if m:
        base = _nl_below_100(m.group(1))
        return Decimal(base) + Decimal("0.5") if base is not None else None
    if "duizend" in w:
        left, _, right = w.partition("duizend")
        thousands = 1 if left == "" else _nl_below_1000(left)
        rest = 0 if right == "" else _nl_below_1000(right)
        if thousands is None or rest is None or thousands == 0:
            return None
        return Decimal(thousands * 1000 + rest)
    n = _nl_below_1000(w, teens=True)
    return Decimal(n) if n is not None else None


def _en_word(w: str) -> Decimal | None:
    """Value of an English number word (``seven``, ``twenty-five``), else None."""
    if w in _EN_UNITS:
        return Decimal(_EN_UNITS[w])
    if w in _EN_TENS:
        return Decimal(_EN_TENS[w])
    tens, sep, unit = w.partition("-")
    if sep and tens in _EN_TENS and unit in _EN_UNITS and 1 <= _EN_UNITS[unit] <= 9:
        return Decimal(_EN_TENS[tens] + _EN_UNITS[unit])
    if w == "half":
        return Decimal("0.5")
    return None


def _word_number(w: str, lang: Lang) -> Decimal | None:
    return _nl_word(w) if lang == "nl" else _en_word(w)


# ----------------------------------------------------------------------------------------------------------------
# tokens


def _normalise(text: str) -> str:
    s = unicodedata.normalize("NFC", text).translate(_CHAR_MAP).lower()
    return re.sub(r"\s+", " ", s).strip()


# a dash between a unit or scale word and the next number: '40%-50%' is a range like '40 % - 50 %'
_UNIT_DASH_RE = re.compile(
    r"(%|\b(?:"
    + "|".join(
        sorted(
            {re.escape(w) for w in _CURRENCY | _SHARE if w not in ("€", "%")}
            | {re.escape(w) for table in (_SCALES, _TIME_UNITS) for words in table.values() for w in words},
            key=len,
            reverse=True,
        )
    )
    + r"))\s*-\s*(?=[€\d])"
)


def _tokenise(text: str, lang: Lang) -> list[str]:
    s = _normalise(text)
    s = re.sub(r"[\"“”„«»()\[\]{}]", " ", s)
    s = re.sub(r"/\s*(jaar|maand|week|dag|uur|year|month|day|hour)\b", r" per \1", s)
    for symbol in ("€", "%", "±", "~"):
        s = s.replace(symbol, f" {symbol} ")
    s = re.sub(r"(?<=\d)(?:\+|-?plus(?:sers?)?\b)", " + ", s)  # 500+, 55-plussers
    s = re.sub(r"(?<=\d)\s*-\s*(?=[€\d])", " - ", s)  # 30-40, 5.000-€ 6.000
    s = _UNIT_DASH_RE.sub(r"\1 - ", s)  # 40%-50%, 5 procent-6 procent, 2 miljoen-3 miljoen
    s = re.sub(r"(?<=\d)(?=[a-z])", " ", s)  # 354mln -> 354 mln
    # a hyphen before a fraction word: 'one-quarter', 'twee-derde' are 'one quarter', 'twee derde'
    fractions = "|".join(sorted(_FRACTIONS[lang], key=len, reverse=True))
    s = re.sub(rf"(?<=[a-zë])-(?=(?:{fractions})\b)", " ", s)
    tokens = []
    for tok in s.split():
        tok = tok.rstrip(".,;:!?").strip("'")
        if tok.endswith("'s") and tok != "euro's":
            tok = tok[:-2]
        if tok:
            tokens.append(tok)
    return tokens


def _match_phrase(tokens: list[str], i: int, phrases: tuple[str, ...]) -> int:
    """Length in tokens of the longest phrase that starts at ``tokens[i]``, or 0."""
    best = 0
    for phrase in phrases:
        words = phrase.split()
        if len(words) > best and tokens[i : i + len(words)] == words:
            best = len(words)
    return best


# ----------------------------------------------------------------------------------------------------------------
# the figure parser


@dataclass
class _Term:
    low: Decimal
    value: Decimal
    high: Decimal
    raw: str
    kind: Literal["number", "word", "collective"]
    factor: int = 1
    unit: str | None = None
    plus: bool = False


class _FigureParser:
    def __init__(self, text: str, lang: Lang) -> None:
        self.text = text
        self.lang = lang
        self.tokens = _tokenise(text, lang)
        self.i = 0
        self.currency = False

    def fail(self, problem: str) -> FigureParseError:
        return FigureParseError(problem, value=self.text, expected=EXPECTED_FIGURE)

    def peek(self, k: int = 0) -> str | None:
        j = self.i + k
        return self.tokens[j] if j < len(self.tokens) else None

    # a number, a number word or a collective word, with its scale, currency and unit
    def term(self) -> _Term | None:
        lang = self.lang
        start = self.i
        while self.peek() in _CURRENCY:
            self.currency = True
            self.i += 1
        tok = self.peek()
        if tok is None:
            self.i = start
            return None
        term: _Term
        if tok in _VAGUE_QUANTIFIERS and self.peek(1) in _COLLECTIVES[lang]:
            self.i += 1
            tok = self.peek()
        if tok == _HALF_ALONE[lang] and (lang == "nl" or self.peek(1) == "of"):
            # 'de helft', 'meer dan de helft', 'half of': one half, a share
            self.i += 1 if lang == "nl" else 2
            half = Decimal("0.5")
            return _Term(half, half, half, tok, "word", unit="fraction")
        if _NUMBER_RE[lang].fullmatch(tok):
            x = _to_decimal(tok, lang)
            term = _Term(x, x, x, tok, "number")
        elif tok in _COLLECTIVES[lang]:
            lo, hi = _COLLECTIVES[lang][tok]
            term = _Term(Decimal(lo), (Decimal(lo) + Decimal(hi)) / 2, Decimal(hi), tok, "collective")
        else:
            x = _word_number(tok, lang)
            if x is None:
                if tok[0].isdigit():
                    raise self.fail(f"'{tok}' is not a number written the {_LANG_NAME[lang]} way")
                self.i = start
                return None
            if tok in ("een", "a", "an", "one") and self.peek(1) in ("half", "halve"):
                self.i += 1
                x = Decimal("0.5")
            term = _Term(x, x, x, tok, "word")
        self.i += 1
        if tok in ("een", "a") and self.peek() in _NOT_NUMBERS:
            raise self.fail(f"'{tok} {self.peek()}' is not a number")
        # 'twee en een half', 'two and a half'
        if term.kind != "collective" and self.tokens[self.i : self.i + 3] in (
            ["en", "een", "half"],
            ["and", "a", "half"],
        ):
            self.i += 3
            term.low = term.value = term.high = term.value + Decimal("0.5")
        if self.peek() == "+":
            term.plus = True
            self.i += 1
        self._scales(term)
        while self.peek() in _CURRENCY:
            self.currency = True
            self.i += 1
        self._unit(term)
        return term

    def _scales(self, term: _Term) -> None:
        lang = self.lang
        factor = 1
        while True:
            tok = self.peek()
            if term.kind == "collective":
                if tok == "of" and lang == "en" and self.peek(1) in _PLURAL_SCALES[lang]:
                    self.i += 1
                    tok = self.peek()
                if tok in _PLURAL_SCALES[lang]:
                    factor *= _PLURAL_SCALES[lang][tok]
                    self.i += 1
                    continue
            elif tok in _SCALES[lang]:
                factor *= _SCALES[lang][tok]
                self.i += 1
                continue
            break
        if factor != 1:
            term.factor = factor
            term.low, term.value, term.high = (x * factor for x in (term.low, term.value, term.high))

    def _unit(self, term: _Term) -> None:
        tok = self.peek()
        if tok is None:
            return
        if tok in _FRACTIONS[self.lang] and term.kind == "word" and term.factor == 1:
            # 'twee derde', 'een kwart', 'three quarters': the number counts parts of a whole
            d = Decimal(_FRACTIONS[self.lang][tok])
            self.i += 1
            term.low, term.value, term.high = (x / d for x in (term.low, term.value, term.high))
            term.unit = "fraction"
            return
        for phrase in _SHARE_PHRASES[self.lang]:
            if tuple(self.tokens[self.i : self.i + len(phrase)]) == phrase:
                self.i += len(phrase)
                term.unit = "share"
                return
        if tok in _SHARE:
            self.i += 1
            term.unit = "share"
        elif tok in _TIME_UNITS[self.lang]:
            self.i += 1
            term.unit = _TIME_UNITS[self.lang][tok]

    def parse(self, tolerance: float) -> Figure:
        lang = self.lang
        tokens = self.tokens
        if not tokens:
            raise self.fail("empty text: no figure")
        families: set[str] = set()
        per: set[str] = set()
        range_intro = False
        # words before the number
        while self.i < len(tokens):
            best, fam = 0, ""
            for family, phrases in _QUALIFIERS[lang].items():
                n = _match_phrase(tokens, self.i, phrases)
                if n > best:
                    best, fam = n, family
            n_lead = _match_phrase(tokens, self.i, _LEADING[lang])
            n_rate = _match_phrase(tokens, self.i, tuple(_RATE_WORDS))
            if best and best >= n_lead:
                families.add(fam)
                self.i += best
            elif n_rate:
                per.add(_RATE_WORDS[" ".join(tokens[self.i : self.i + n_rate])])
                self.i += n_rate
            elif n_lead:
                self.i += n_lead
            elif tokens[self.i] == _RANGE_INTRO[lang]:
                range_intro = True
                self.i += 1
            elif tokens[self.i] in _VERBS[lang]:
                self.i += 1
                if self.peek() in _VERB_TARGET[lang]:
                    self.i += 1
            elif tokens[self.i] in _CURRENCY:
                self.currency = True
                self.i += 1
            else:
                break
        if self.i >= len(tokens):
            raise self.fail("no number found")
        first = self.term()
        if first is None:
            tok = tokens[self.i]
            if tok in _NOT_NUMBERS:
                raise self.fail(f"'{tok}' is not a number")
            raise self.fail(f"unexpected word '{tok}' before the number")
        second: _Term | None = None
        ratio = False
        # ratio: 'zeven op de tien', 'seven out of ten'
        pair = _RATIO[lang]
        if tuple(tokens[self.i : self.i + 2]) == pair:
            save = self.i
            self.i += 2
            second = self.term()
            if second is None:
                self.i = save
            else:
                ratio = True
        if second is None:
            seps = _RANGE_SEPS[lang] + ((_RANGE_AND[lang],) if range_intro else ())
            n = _match_phrase(tokens, self.i, seps) if self.i < len(tokens) else 0
            if n:
                save = self.i
                self.i += n
                second = self.term()
                if second is None:
                    self.i = save
        elif range_intro:
            raise self.fail("'tussen'/'between' needs two numbers joined by 'en'/'and'")
        # everything after the figure: any words, a rate period, but no second number
        j = self.i
        while j < len(tokens):
            tok = tokens[j]
            nxt = tokens[j + 1] if j + 1 < len(tokens) else None
            if tok in ("per", "a", "an") and nxt in _RATE_PERIODS:
                per.add(_RATE_PERIODS[nxt])
                j += 2
                continue
            if tok in _RATE_WORDS:
                per.add(_RATE_WORDS[tok])
            elif (
                any(c.isdigit() for c in tok)
                or tok in _COLLECTIVES[lang]
                or (tok not in _ARTICLES and _word_number(tok, lang) is not None)
            ):
                raise self.fail(f"a second number '{tok}' that does not form a range with the first")
            j += 1
        if len(per) > 1:
            raise self.fail(f"conflicting rate periods {sorted(per)}")
        return self._figure(first, second, ratio, families, per.pop() if per else None, tolerance)

    def _figure(
        self,
        first: _Term,
        second: _Term | None,
        ratio: bool,
        families: set[str],
        per: str | None,
        tolerance: float,
    ) -> Figure:
        if first.plus:
            families.add("lower")
        if second is not None and second.plus:
            raise self.fail("'+' after the second number of a range")
        if {"lower", "upper"} <= families:
            raise self.fail("both a lower-bound and an upper-bound qualifier")
        units = {t.unit for t in (first, second) if t is not None and t.unit is not None}
        if self.currency:
            units.add("EUR")
        if len(units) > 1:
            raise self.fail(f"conflicting units {sorted(units)}")
        unit = units.pop() if units else None
        fraction = unit == "fraction"  # 'twee derde': already a share, not a percentage
        if fraction:
            unit = "share"
        for t in (first, second):
            if (
                t is not None
                and t.kind == "number"
                and t.factor == 1
                and t.unit != "share"
                and _AMBIGUOUS_RE[self.lang].fullmatch(t.raw)
            ):
                other = "en" if self.lang == "nl" else "nl"
                raise self.fail(
                    f"'{t.raw}' is ambiguous: read the {_LANG_NAME[self.lang]} way it has three decimals; "
                    f"if the source writes numbers the {_LANG_NAME[other]} way, parse it with lang='{other}'"
                )
        if ratio:
            assert second is not None
            if first.kind == "collective" or second.kind == "collective" or first.unit or second.unit:
                raise self.fail("a ratio 'x op de y' needs two plain numbers")
            if second.value == 0 or first.value > second.value:
                raise self.fail("a ratio 'x op de y' needs 0 <= x <= y and y > 0")
            x = first.value / second.value
            first, second, unit = _Term(x, x, x, first.raw, "number"), None, "share"
        share = Decimal(100) if unit == "share" and not (ratio or fraction) else Decimal(1)
        if second is not None:
            if first.kind == "collective" or second.kind == "collective":
                raise self.fail("a range between vague words such as 'tientallen'")
            if families & {"lower", "upper"}:
                raise self.fail("a lower- or upper-bound qualifier before a range")
            lo, hi = first.value, second.value
            if second.factor != 1 and first.factor == 1:
                lo *= second.factor  # '1,5 tot 2 miljoen': the scale word covers both numbers
            if lo > hi:
                raise self.fail(f"a range whose first number is larger than the second ({lo} > {hi})")
            lo, hi = float(lo / share), float(hi / share)
            # a range states no point: the interval has no value (no midpoint is invented)
            if "approx" in families:
                return Figure(self.text, _widen(lo, None, hi, tolerance), "range", unit, per)
            return Figure(self.text, Interval(lo, None, hi), "range", unit, per)
        if first.kind == "collective":
            if families & {"lower", "upper"}:
                raise self.fail(f"a lower- or upper-bound qualifier before the vague word '{first.raw}'")
            lo, hi = (float(v / share) for v in (first.low, first.high))
            # a vague magnitude states no point: only its bounds
            return Figure(self.text, Interval(lo, None, hi), "approximate", unit, per)
        x = float(first.value / share)
        if "lower" in families:
            return Figure(self.text, Interval(x, x, math.inf), "lower_bound", unit, per)
        if "upper" in families:
            return Figure(self.text, Interval(0.0, x, x), "upper_bound", unit, per)
        if "approx" in families:
            return Figure(self.text, _widen(x, x, x, tolerance), "approximate", unit, per)
        return Figure(self.text, Interval.exact(x), "exact", unit, per)


def _widen(lo: float, mid: float | None, hi: float, tolerance: float) -> Interval:
    return Interval(max(0.0, lo * (1 - tolerance)), mid, hi * (1 + tolerance))


def _to_decimal(tok: str, lang: Lang) -> Decimal:
    """A number token written the Dutch (``1.234,5``) or English (``1,234.5``) way as a Decimal."""
    if lang == "nl":
        return Decimal(tok.replace(".", "").replace(",", "."))
    return Decimal(tok.replace(",", ""))


def _check_lang(lang: str) -> Lang:
    if lang not in ("nl", "en"):
        raise ParameterError("unknown language", field="lang", value=lang, expected="'nl', 'en' or 'de'")
    return lang  # type: ignore[return-value]


# German figures and periods are read through the Dutch vocabulary: German writes numbers as Dutch does
# (``1.300``, ``1,5``), and its qualifiers, number words and units map one to one onto Dutch ones.
_GERMAN = {
    "mehr als": "meer dan", "weniger als": "minder dan", "bis zu": "maximaal", "zwischen": "tussen",
    "rund": "rond", "etwa": "ongeveer", "ungefähr": "ongeveer", "zirka": "circa", "schätzungsweise": "naar schatting",
    "über": "ruim", "mindestens": "minstens", "fast": "bijna", "knapp": "bijna", "beinahe": "bijna",
    "höchstens": "hooguit", "maximal": "maximaal", "bis": "tot", "und": "en", "oder": "of",
    "ein": "een", "eine": "een", "einen": "een", "einem": "een", "eins": "een", "zwei": "twee", "drei": "drie",
    "fünf": "vijf", "sechs": "zes", "sieben": "zeven", "neun": "negen", "zehn": "tien", "elf": "elf",
    "zwölf": "twaalf", "zwanzig": "twintig", "dreißig": "dertig", "vierzig": "veertig", "fünfzig": "vijftig",
    "hundert": "honderd", "tausend": "duizend", "million": "miljoen", "millionen": "miljoen",
    "milliarde": "miljard", "milliarden": "miljard", "mio": "mln", "mrd": "mld",
    "viertel": "kwart", "drittel": "derde", "hälfte": "helft", "die": "de", "der": "de", "das": "het",
    "dutzende": "tientallen", "hunderte": "honderden", "tausende": "duizenden", "einige": "enkele",
    "mehrere": "meerdere", "viele": "vele", "prozent": "procent",
    "jahr": "jaar", "jahre": "jaar", "jahren": "jaar", "monat": "maand", "monate": "maanden", "monaten": "maanden",
    "woche": "week", "wochen": "weken", "tag": "dag", "tage": "dagen", "tagen": "dagen", "stunde": "uur",
    "stunden": "uur", "pro": "per", "seit": "sinds", "ab": "vanaf", "im": "in", "anfang": "begin",
    "ende": "eind", "mitte": "medio", "letzten": "afgelopen", "vergangenen": "afgelopen", "nächsten": "komende",
    "kommenden": "komende", "januar": "januari", "februar": "februari", "märz": "maart", "mai": "mei",
    "juni": "juni", "juli": "juli", "oktober": "oktober", "dezember": "december",
}  # fmt: skip
_GERMAN_RE = re.compile(
    r"(?<![\w])(" + "|".join(re.escape(k) for k in sorted(_GERMAN, key=len, reverse=True)) + r")(?![\w])",
    re.IGNORECASE,
)


def german_as_dutch(text: str) -> str:
    """A German figure or period in Dutch words (``rund 380`` -> ``rond 380``, ``ein Viertel`` -> ``een kwart``)."""
    return _GERMAN_RE.sub(lambda m: _GERMAN[m[1].lower()], german_words_as_dutch(text))


def parse_figure(text: str, *, lang: str = "nl", tolerance: float = APPROX_TOLERANCE) -> Figure:
    """Read a figure as written (``ruim € 1,8 miljoen``, ``30-40``, ``zo'n zes procent``) into a :class:`Figure`.

    Raises :class:`FigureParseError` when the text holds no number, two unrelated numbers, an ambiguous number
    or words that cannot be read; see the module docstring for what each qualifier means.
    """
    if lang == "de":
        try:
            fig = parse_figure(
                german_as_dutch(text) if isinstance(text, str) else text, lang="nl", tolerance=tolerance
            )
        except FigureParseError as err:
            raise as_written(err, text) from None
        return Figure(text, fig.interval, fig.qualifier, fig.unit, fig.per)
    language = _check_lang(lang)
    if (
        isinstance(tolerance, bool)
        or not isinstance(tolerance, int | float)
        or not math.isfinite(tolerance)
        or not 0 <= tolerance < 1
    ):
        raise ParameterError(
            "tolerance out of range", field="tolerance", value=tolerance, expected="a number with 0 <= t < 1"
        )
    if not isinstance(text, str):
        raise FigureParseError("not a text", value=text, expected=EXPECTED_FIGURE)
    return _FigureParser(text, language).parse(float(tolerance))
