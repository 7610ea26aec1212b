"""Periods and dates as written, relative to a source's date -> first and last day (both inclusive).

See :mod:`ccresearch.parse` for the rules (parts of a year, seasons, rolling and calendar periods).
"""

from __future__ import annotations

import datetime as dt
import re

from ccresearch.errors import ParameterError
from ccresearch.parse.figures import (
    EXPECTED_DATE,
    EXPECTED_PERIOD,
    FigureParseError,
    Lang,
    _check_lang,
    _normalise,
    _word_number,
    german_as_dutch,
)
from ccresearch.parse.german import as_written

_MONTHS = {
    "januari": 1,
    "februari": 2,
    "maart": 3,
    "april": 4,
    "mei": 5,
    "juni": 6,
    "juli": 7,
    "augustus": 8,
    "september": 9,
    "oktober": 10,
    "november": 11,
    "december": 12,
    "january": 1,
    "february": 2,
    "march": 3,
    "may": 5,
    "june": 6,
    "july": 7,
    "august": 8,
    "october": 10,
    "jan": 1,
    "feb": 2,
    "mrt": 3,
    "mar": 3,
    "apr": 4,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "sept": 9,
    "okt": 10,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}
_MONTH_RE = "|".join(sorted(_MONTHS, key=len, reverse=True))
_WEEKDAYS = (
    r"(?:maandag|dinsdag|woensdag|donderdag|vrijdag|zaterdag|zondag|monday|tuesday|wednesday|thursday|friday"
    r"|saturday|sunday),?\s+"
)
_PERIOD_UNITS = {
    "jaar": "years",
    "jaren": "years",
    "year": "years",
    "years": "years",
    "maand": "months",
    "maanden": "months",
    "month": "months",
    "months": "months",
    "week": "weeks",
    "weken": "weeks",
    "weeks": "weeks",
    "dag": "days",
    "dagen": "days",
    "day": "days",
    "days": "days",
}
_UNIT_RE = "|".join(sorted(_PERIOD_UNITS, key=len, reverse=True))
# a period named once, without a count: 'het afgelopen jaar' is 'de afgelopen 1 jaar'
_SINGLE_PERIODS: dict[str, tuple[int, str]] = {
    "jaar": (1, "years"), "year": (1, "years"), "maand": (1, "months"), "month": (1, "months"),
    "week": (1, "weeks"), "dag": (1, "days"), "day": (1, "days"),
    "halfjaar": (6, "months"), "half jaar": (6, "months"), "half-year": (6, "months"), "half year": (6, "months"),
    "decennium": (10, "years"), "decade": (10, "years"),
}  # fmt: skip
_SINGLE_RE = "|".join(sorted(_SINGLE_PERIODS, key=len, reverse=True))
_REL_INTRO = r"(?:(?:in|over|gedurende|during|for|within|binnen|in de loop van|over the course of) )?"
_PAST_SINGLE_RE = re.compile(
    rf"{_REL_INTRO}(?:(?:(?:het|de) )?(?:afgelopen|voorbije)|(?:the )?past|the last) ({_SINGLE_RE})"
)
_COMING_SINGLE_RE = re.compile(
    rf"{_REL_INTRO}(?:(?:(?:het|de) )?(?:komende|aankomende)|(?:the )?(?:coming|upcoming)|the next) ({_SINGLE_RE})"
)
# plural units with no count ('de komende jaren', 'in recent years', 'al jaren') are vague and refused
_PLURAL_PERIODS = (
    "jaren|maanden|weken|dagen|kwartalen|halfjaren|decennia|years|months|weeks|days|quarters|decades"
)
_RELATIVE_WORDS = (
    "afgelopen|voorbije|komende|aankomende|laatste|volgende|vorige|recente|past|coming|upcoming|next|last|recent"
    "|following|previous"
)
_VAGUE_PERIOD_RE = re.compile(
    rf"\b(?:{_RELATIVE_WORDS}) ({_PLURAL_PERIODS})\b|^(?:sinds|al|since|for) ({_PLURAL_PERIODS})$"
    rf"|^({_PLURAL_PERIODS}) (?:geleden|ago|lang)$"
)
_BEGIN = r"(?:begin|aan het begin van|early|beginning of|the beginning of|at the beginning of|start of|the start of)"
_MID = r"(?:medio|midden|halverwege|mid|the middle of|middle of)"
_END = r"(?:eind|einde|eind van|ultimo|late|end of|the end of|at the end of)"

_Span = tuple[dt.date, dt.date]

# parts of a year: quarters, halves and (meteorological) seasons
_ORDINALS = {
    "eerste": 1, "1e": 1, "1ste": 1, "first": 1, "1st": 1,
    "tweede": 2, "2e": 2, "2de": 2, "second": 2, "2nd": 2,
    "derde": 3, "3e": 3, "3de": 3, "third": 3, "3rd": 3,
    "vierde": 4, "4e": 4, "4de": 4, "fourth": 4, "4th": 4,
    "laatste": 0, "last": 0,  # the last quarter or half: only with a written year
}  # fmt: skip
_ORD_RE = "|".join(sorted(_ORDINALS, key=len, reverse=True))
_SEASONS = {
    "voorjaar": 3, "lente": 3, "spring": 3,
    "zomer": 6, "summer": 6,
    "najaar": 9, "herfst": 9, "autumn": 9, "fall": 9,
    "winter": 12,
}  # fmt: skip
_SEASON_RE = "|".join(sorted(_SEASONS, key=len, reverse=True))
_ART = r"(?:(?:het|de|the) )?"
_QUARTER_WORD = r"(?:kwartaal|quarter|kw\.?|qtr\.?)"
_HALF_WORD = r"(?:halfjaar|half jaar|half-year|half year|helft|half)"
_REL_YEARS = {
    "dit": 0, "this": 0, "het huidige": 0, "the current": 0,
    "vorig": -1, "vorige": -1, "last": -1, "the previous": -1,
    "volgend": 1, "volgende": 1, "next": 1,
}  # fmt: skip
_REL_YEAR_RE = "|".join(sorted(_REL_YEARS, key=len, reverse=True))
# the year after a part: ' 2015', ' van 2015', ' of 2015', '-2015', '/2015', ' van dit jaar', ' of last year';
# ' van het jaar' / ' of the year' name no year (the source date's year, as with no year at all)
_YEAR_TAIL = (
    rf"(?:(?: (?:(?:van|in|uit|of) )?(?:het jaar |the year )?|\s*[-/]\s*)(\d{{4}})"
    rf"| (?:van|in|uit|of) ({_REL_YEAR_RE}) (?:jaar|year)| van het jaar| of the year)?"
)


def _part_of_year(s: str, ref_year: int, text: str) -> tuple[int, int, int | None] | None:
    """A quarter, half or season -> (first month, number of months, the year if written), else None.

    A winter needs both its years (``winter 2015/2016``: December 2015 to February 2016). ``laatste kwartaal``
    needs a written year (without one it may mean the most recent quarter).
    """

    def fail(problem: str) -> FigureParseError:
        return FigureParseError(problem, value=text, expected=EXPECTED_PERIOD)

    def year_of(m: re.Match[str], digits: int, word: int) -> int | None:
        if m[digits]:
            return int(m[digits])
        if m[word]:
            return ref_year + _REL_YEARS[m[word]]
        return None

    def ordinal(word: str, parts: int, name: str, year: int | None) -> int:
        n = _ORDINALS[word]
        if n == 0:
            if year is None and not s.endswith(("van het jaar", "of the year")):
                raise fail(f"'{word}' without a year may mean the most recent {name[:-1]}: give the year")
            return parts
        if n > parts:
            raise fail(f"a year has {parts} {name}, not a '{word}' one")
        return n

    def numbered(digit: str, parts: int, name: str) -> int:
        n = int(digit)
        if not 1 <= n <= parts:
            raise fail(f"a year has {parts} {name}, not number {n}")
        return n

    # quarters: 'het derde kwartaal van 2015', 'Q3 2015', '2015Q3', '2015KW03', 'third quarter of 2015'
    if m := re.fullmatch(rf"{_ART}({_ORD_RE}) {_QUARTER_WORD}{_YEAR_TAIL}", s):
        y = year_of(m, 2, 3)
        return 3 * ordinal(m[1], 4, "quarters", y) - 2, 3, y
    if m := re.fullmatch(rf"{_ART}(?:q|{_QUARTER_WORD} ?)0?(\d){_YEAR_TAIL}", s):
        y = year_of(m, 2, 3)
        return 3 * numbered(m[1], 4, "quarters") - 2, 3, y
    if m := re.fullmatch(rf"(\d{{4}}) ?[-/]? ?(?:q|{_QUARTER_WORD} ?)0?(\d)", s):
        return 3 * numbered(m[2], 4, "quarters") - 2, 3, int(m[1])
    # halves: 'de tweede helft van 2016', 'H1 2016', '2016H1', 'first half of 2016', 'eerste halfjaar 2016'
    if m := re.fullmatch(rf"{_ART}({_ORD_RE}) {_HALF_WORD}{_YEAR_TAIL}", s):
        y = year_of(m, 2, 3)
        return 6 * ordinal(m[1], 2, "halves", y) - 5, 6, y
    if m := re.fullmatch(rf"h(\d){_YEAR_TAIL}", s):
        y = year_of(m, 2, 3)
        return 6 * numbered(m[1], 2, "halves") - 5, 6, y
    if m := re.fullmatch(r"(\d{4}) ?[-/]? ?h(\d)", s):
        return 6 * numbered(m[2], 2, "halves") - 5, 6, int(m[1])
    # seasons: 'najaar 2015', 'de zomer van 2015', 'winter 2015/2016', 'winter 2015-16'
    if m := re.fullmatch(rf"{_ART}winter(?: (?:van|of))? (\d{{4}}) ?(?:/|-|op|to|tot) ?(\d{{4}}|\d{{2}})", s):
        first, second = int(m[1]), int(m[2])
        if second != (first + 1 if len(m[2]) == 4 else (first + 1) % 100):
            raise fail(f"a winter spans two consecutive years, not {m[1]} and {m[2]}")
        return 12, 3, first
    if m := re.fullmatch(rf"{_ART}({_SEASON_RE}){_YEAR_TAIL}", s):
        y = year_of(m, 2, 3)
        if m[1] == "winter":
            raise fail(
                "a winter spans two years and 'winter 2015' is read both as 2014/2015 and as 2015/2016: "
                "write both years, as in 'winter 2015/2016'"
            )
        return _SEASONS[m[1]], 3, y
    return None


def _month_end(year: int, month: int) -> dt.date:
    nxt = dt.date(year + 1, 1, 1) if month == 12 else dt.date(year, month + 1, 1)
    return nxt - dt.timedelta(days=1)


def _shift(d: dt.date, n: int, unit: str) -> dt.date:
    """``d`` moved by ``n`` years, months, weeks or days (29 February and 31st clamp to the month's end)."""
    try:
        if unit == "days":
            return d + dt.timedelta(days=n)
        if unit == "weeks":
            return d + dt.timedelta(weeks=n)
        months = n * 12 if unit == "years" else n
        year, month = divmod(d.year * 12 + (d.month - 1) + months, 12)
        return dt.date(year, month + 1, min(d.day, _month_end(year, month + 1).day))
    except (ValueError, OverflowError):
        raise FigureParseError(
            f"{d} moved by {n} {unit} is outside the calendar", value=f"{n} {unit}", expected=EXPECTED_PERIOD
        ) from None


def _make_date(year: int, month: int, day: int, text: str) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError as exc:
        raise FigureParseError(f"not a calendar date ({exc})", value=text, expected=EXPECTED_PERIOD) from None


def _count(word: str, lang: Lang, text: str) -> int:
    """A whole positive number of periods, in digits or words."""
    if word.isascii() and word.isdigit():
        n = int(word)
    else:
        x = _word_number(word, lang)
        if x is None:
            x = _word_number(word, "en" if lang == "nl" else "nl")
        if x is None or x != x.to_integral_value():
            raise FigureParseError(f"'{word}' is not a whole number", value=text, expected=EXPECTED_PERIOD)
        n = int(x)
    if n <= 0:
        raise FigureParseError("a period of zero length", value=text, expected=EXPECTED_PERIOD)
    return n


def _point(s: str, ref: dt.date, text: str, year: int | None = None) -> tuple[dt.date, dt.date, bool] | None:
    """A date or partial date (day, month, year, begin/medio/eind of one) -> (start, end, year_was_written)."""
    s = re.sub(_WEEKDAYS, "", s.strip())
    jl = re.search(r"\s+(?:jongstleden|jl|j\.l)\.?$", s)
    if jl:
        s = s[: jl.start()]
    default_year = year if year is not None else ref.year

    def fix_year(d: dt.date) -> dt.date:
        if jl and d > ref:
            return d.replace(year=d.year - 1)
        return d

    if m := re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", s):
        d = _make_date(int(m[1]), int(m[2]), int(m[3]), text)
        return d, d, True
    if m := re.fullmatch(r"(\d{4})-(\d{1,2})", s):
        y, mo = int(m[1]), int(m[2])
        if not 1 <= mo <= 12:
            raise FigureParseError(f"no month {mo}", value=text, expected=EXPECTED_PERIOD)
        return dt.date(y, mo, 1), _month_end(y, mo), True
    if m := re.fullmatch(r"(\d{1,2})-(\d{1,2})-(\d{4})", s):
        d = _make_date(int(m[3]), int(m[2]), int(m[1]), text)
        return d, d, True
    if m := re.fullmatch(r"\d{4}", s):
        y = int(s)
        return dt.date(y, 1, 1), dt.date(y, 12, 31), True
    if m := re.fullmatch(rf"(\d{{1,2}})\s+({_MONTH_RE})(?:\s+(\d{{4}}))?", s):
        d = _make_date(int(m[3]) if m[3] else default_year, _MONTHS[m[2]], int(m[1]), text)
        d = fix_year(d) if not m[3] else d
        return d, d, bool(m[3])
    if m := re.fullmatch(rf"({_MONTH_RE})\s+(\d{{1,2}}),?\s+(\d{{4}})", s):
        d = _make_date(int(m[3]), _MONTHS[m[1]], int(m[2]), text)
        return d, d, True
    if m := re.fullmatch(rf"({_MONTH_RE})(?:\s+(\d{{4}}))?", s):
        y, mo = (int(m[2]) if m[2] else default_year), _MONTHS[m[1]]
        start = fix_year(dt.date(y, mo, 1)) if not m[2] else dt.date(y, mo, 1)
        return start, _month_end(start.year, mo), bool(m[2])
    for pattern, kind in ((_BEGIN, "begin"), (_MID, "mid"), (_END, "end")):
        if m := re.fullmatch(rf"{pattern}\s+({_MONTH_RE})(?:\s+(\d{{4}}))?", s):
            y, mo = (int(m[2]) if m[2] else default_year), _MONTHS[m[1]]
            day = {"begin": 1, "mid": 15, "end": _month_end(y, mo).day}[kind]
            d = dt.date(y, mo, day)
            return d, d, bool(m[2])
        if m := re.fullmatch(rf"{pattern}\s+(\d{{4}})", s):
            y = int(m[1])
            spans = {
                "begin": (dt.date(y, 1, 1), dt.date(y, 3, 31)),
                "mid": (dt.date(y, 6, 1), dt.date(y, 7, 31)),
                "end": (dt.date(y, 10, 1), dt.date(y, 12, 31)),
            }
            return (*spans[kind], True)
    if part := _part_of_year(s, ref.year, text):
        month, months, written = part
        start = _make_date(written if written is not None else default_year, month, 1, text)
        if written is None:
            start = fix_year(start)
        last = _shift(start, months - 1, "months")
        return start, _month_end(last.year, last.month), written is not None
    return None


class UnanchoredPeriod(FigureParseError):
    """A length of time without a date (``voor twee jaar``, ``in drie jaar tijd``): it is not anchored at the
    source date, because the source does not say when it starts."""


_RANGE_SEP_RE = re.compile(r"\s+(tot en met|t/m|tot|through|thru|to|until|till|en|and)\s+|\s*(-)\s*")


def _range(s: str, ref: dt.date, text: str, between: bool) -> _Span | None:
    """``X tot en met Y``, ``X - Y``, ``X tot Y`` (Y exclusive), ``2014 en 2015`` (consecutive years)."""
    for m in _RANGE_SEP_RE.finditer(s):
        sep = m.group(1) or m.group(2)
        left, right = s[: m.start()].strip(), s[m.end() :].strip()
        if not left or not right:
            continue
        b = _point(right, ref, text)
        if b is None:
            continue
        a = _point(left, ref, text)
        if a is not None and not a[2] and b[2]:
            a = _point(left, ref, text, year=b[0].year)
        if a is None:
            continue
        consecutive_years = (
            re.fullmatch(r"\d{4}", left) and re.fullmatch(r"\d{4}", right) and int(right) == int(left) + 1
        )
        if sep in ("en", "and") and not between and not consecutive_years:
            continue  # 'in 2014 en 2015': only two consecutive whole years make one period
        start = a[0]
        end = b[0] - dt.timedelta(days=1) if sep == "tot" else b[1]
        if start > end:
            raise FigureParseError(
                "a period that ends before it starts", value=text, expected=EXPECTED_PERIOD
            )
        return start, end
    return None


def parse_period(text: str, ref: dt.date | tuple[dt.date, dt.date], *, lang: str = "nl") -> _Span:
    """Read a period as written into (first day, last day), both inclusive, relative to the source date ``ref``.

    ``de komende drie jaren`` -> (ref, ref + 3 years - 1 day); ``de afgelopen vier jaar`` -> (ref - 4 years, ref);
    ``2014-2015`` -> 1 Jan 2014 .. 31 Dec 2015; ``medio juni`` -> 15 June of ref's year; ``per 1 juli`` -> that
    day; ``sinds 2004`` -> (1 Jan 2004, ref); ``drie jaar geleden`` -> the day three years before ref;
    ``begin 2007`` -> the first quarter, ``eind 2007`` the last quarter, ``medio 2007`` June and July;
    ``begin``/``medio``/``eind`` of a month -> its 1st / 15th / last day. ``X tot Y`` ends the day before Y
    begins (Dutch ``tot`` excludes Y), ``X tot en met Y`` and ``X - Y`` include Y. Quarters (``Q3 2015``,
    ``het derde kwartaal``), halves (``eerste helft 2016``, ``H1 2016``), meteorological seasons (``najaar
    2015``, ``winter 2015/2016``) and count-less rolling periods (``het afgelopen jaar``) follow the policies in
    the module docstring; ``de komende jaren`` (no count) raises.

    ``ref`` may also be a (first, last) pair, as :func:`parse_date` gives for a source dated only ``2022`` or
    ``2015-03``: the result then spans the readings for both ends, so an unknown day widens the period
    instead of being guessed.
    Raises :class:`FigureParseError` on anything else (``in een paar jaar`` is not a figure).
    """
    if lang == "de" and isinstance(text, str):
        try:
            return parse_period(german_as_dutch(text), ref, lang="nl")
        except FigureParseError as err:
            raise as_written(err, text) from None
    language = _check_lang(lang)
    if not isinstance(text, str):
        raise FigureParseError("not a text", value=text, expected=EXPECTED_PERIOD)
    if isinstance(ref, tuple) and len(ref) == 2:
        first, last = (_check_ref(r) for r in ref)
        if first > last:
            raise ParameterError(
                "ref ends before it starts", field="ref", value=ref, expected="(first, last)"
            )
        a, b = _parse_period(text, first, language), _parse_period(text, last, language)
        return min(a[0], b[0]), max(a[1], b[1])
    return _parse_period(text, _check_ref(ref), language)


def _check_ref(ref: object) -> dt.date:
    if isinstance(ref, dt.datetime):
        return ref.date()
    if not isinstance(ref, dt.date):
        raise ParameterError(
            "ref must be a date", field="ref", value=ref, expected="a datetime.date or a (first, last) pair"
        )
    return ref


def _parse_period(text: str, ref: dt.date, language: Lang) -> _Span:
    s = _normalise(text)
    s = re.sub(r"[()\[\]\"“”]", " ", s)
    s = re.sub(r"\bmid-", "mid ", s)
    s = re.sub(r"\s+", " ", s).strip().rstrip(".,;:")

    def fail(problem: str) -> FigureParseError:
        return FigureParseError(problem, value=text, expected=EXPECTED_PERIOD)

    if not s:
        raise fail("empty text: no period")
    if re.search(r"(?<!\d)0000(?!\d)", s):
        raise fail("the calendar has no year 0")
    if m := re.search(r"\b(een paar|een aantal|enkele|meerdere|a few|several|some|paar|few)\b", s):
        raise fail(f"'{m[1]}' is not a number")
    if m := _VAGUE_PERIOD_RE.search(s):
        raise fail(
            f"'{m[0]}' gives no number of {m[1] or m[2] or m[3]}: a vague period is not read "
            "(a count is needed, as in 'de komende drie jaren')"
        )
    if m := re.fullmatch(
        rf"{_REL_INTRO}(?:(?:het|de|the) )?(?:afgelopen|voorbije|komende|past|coming|next) (kwartaal|quarter)",
        s,
    ):
        raise fail(
            f"'{m[0]}' may be a calendar quarter or three months from the source date: write 'vorig kwartaal', "
            "'dit kwartaal' or a count of months"
        )
    if m := _PAST_SINGLE_RE.fullmatch(s):
        n, unit = _SINGLE_PERIODS[m[1]]
        return _shift(ref, -n, unit), ref
    if m := _COMING_SINGLE_RE.fullmatch(s):
        n, unit = _SINGLE_PERIODS[m[1]]
        return ref, _shift(ref, n, unit) - dt.timedelta(days=1)
    n_unit = rf"(\S+) ({_UNIT_RE})"
    if m := re.fullmatch(
        rf"(?:(?:in |during |over |for |gedurende |binnen )?(?:de |the ))?"
        rf"(?:komende|volgende|aankomende|next|coming|following) {n_unit}",
        s,
    ) or (m := re.fullmatch(rf"(?:in|binnen|binnen nu en|within) {n_unit}", s)):
        n, unit = _count(m[1], language, text), _PERIOD_UNITS[m[2]]
        return ref, _shift(ref, n, unit) - dt.timedelta(days=1)
    if m := re.fullmatch(rf"(?:voor|for|in) (?:de duur van |a period of )?{n_unit}(?: tijd| time)?", s):
        _count(m[1], language, text)  # a malformed count is still a malformed count
        raise UnanchoredPeriod(
            f"'{text}' is a length of time, not a dated period: the text does not say when it starts",
            value=text,
            expected="period_start/period_end where the source dates it; else the period stays unknown",
        )
    if m := re.fullmatch(
        rf"(?:(?:in |over |during |for )?(?:de |the ))?(?:afgelopen|voorbije|laatste|past|last) {n_unit}", s
    ) or (m := re.fullmatch(rf"(?:sinds|since|al) {n_unit}", s)):
        n, unit = _count(m[1], language, text), _PERIOD_UNITS[m[2]]
        return _shift(ref, -n, unit), ref
    if m := re.fullmatch(rf"(?:over|in|within) {n_unit} (?:van nu|from now)", s) or (
        m := re.fullmatch(rf"over {n_unit}", s)
    ):
        # 'over twee jaar' (two years from now): the day that many years after the source date
        d = _shift(ref, _count(m[1], language, text), _PERIOD_UNITS[m[2]])
        return d, d
    if m := re.fullmatch(rf"{n_unit} (?:geleden|ago)", s):
        d = _shift(ref, -_count(m[1], language, text), _PERIOD_UNITS[m[2]])
        return d, d
    if m := re.fullmatch(
        r"(dit jaar|this year|dit kwartaal|this quarter|deze maand|this month)"
        r" (?:per|tot en met|t/m|up to|through|until|tot|to) (.+)",
        s,
    ):
        # 'dit jaar (per medio juni)': from the start of the calendar period up to the date written
        size = 12 if "jaar" in m[1] or "year" in m[1] else 3 if "kwartaal" in m[1] or "quarter" in m[1] else 1
        start = dt.date(ref.year, (ref.month - 1) // size * size + 1, 1)
        p = _point(m[2], ref, text)
        if p is None:
            raise fail(f"cannot read the end '{m[2]}'")
        exclusive = re.search(r" (?:tot|to|until) ", f" {s[len(m[1]) :]} ") and not re.search(
            r"tot en met", s
        )
        end = p[0] - dt.timedelta(days=1) if exclusive else p[1]
        if end < start:
            raise fail("a period that ends before it starts")
        return start, end
    if m := re.fullmatch(
        r"(dit|deze|this|het huidige|de huidige|vorig|vorige|last|volgend|volgende|next)"
        r" (jaar|year|kwartaal|quarter|maand|month)",
        s,
    ):
        # the calendar year, quarter or month that holds ref, or the one before or after it
        size = {"jaar": 12, "year": 12, "kwartaal": 3, "quarter": 3}.get(m[2], 1)
        offset = {"vorig": -1, "vorige": -1, "last": -1, "volgend": 1, "volgende": 1, "next": 1}.get(m[1], 0)
        start = _shift(dt.date(ref.year, (ref.month - 1) // size * size + 1, 1), offset * size, "months")
        last = _shift(start, size - 1, "months")
        return start, _month_end(last.year, last.month)
    if m := re.fullmatch(r"(?:sinds|vanaf|since|from) (.+)", s):
        p = _point(m[1], ref, text) or _range(m[1], ref, text, False)
        if p is None:
            raise fail(f"cannot read the start '{m[1]}'")
        if p[0] > ref:
            raise fail("a 'since' period that starts after the source date")
        return p[0], ref
    # strip words that introduce a period but carry no date
    s = re.sub(
        r"^(?:(?:in|over|gedurende|during|op|on|per|as of|as at|in the period|the period|in de periode|de periode"
        r"|periode|looptijd)\s+)+",
        "",
        s,
    )
    between = False
    if m := re.fullmatch(r"(?:van|from|tussen|between) (.+)", s):
        between = s.startswith(("tussen", "between"))
        s = m[1]
    p = _point(s, ref, text)
    if p is not None:
        return p[0], p[1]
    r = _range(s, ref, text, between)
    if r is not None:
        return r
    raise fail("not a period I can read")


def parse_date(text: str) -> _Span:
    """A partial ISO date as sources give it -> (first day, last day): ``2015-03-02``, ``2015-03``, ``2015``."""
    if not isinstance(text, str):
        raise FigureParseError("not a text", value=text, expected=EXPECTED_DATE)
    s = text.strip()
    if m := re.fullmatch(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", s):
        y = int(m[1])
        try:
            if m[3]:
                d = dt.date(y, int(m[2]), int(m[3]))
                return d, d
            if m[2]:
                mo = int(m[2])
                return dt.date(y, mo, 1), _month_end(y, mo)
            return dt.date(y, 1, 1), dt.date(y, 12, 31)
        except ValueError as exc:
            raise FigureParseError(
                f"not a calendar date ({exc})", value=text, expected=EXPECTED_DATE
            ) from None
    raise FigureParseError("not a partial ISO date", value=text, expected=EXPECTED_DATE)
