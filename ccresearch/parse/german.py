"""German number words and the qualifiers the shared German vocabulary lacks, written as Dutch.

German figures are read through the Dutch parser (:func:`ccresearch.parse.figures.german_as_dutch`). That
vocabulary maps whole words one to one; German writes its number words as one compound (``dreihundertachtzig``,
``dreizehnhundert``, ``einundzwanzig``, ``zweieinhalb``), so :func:`german_words_as_dutch` first rewrites each
compound as the Dutch number word with the same value (``driehonderdtachtig``, ``duizenddriehonderd``,
``eenentwintig``, ``tweeënhalf``), which the Dutch parser reads as a word (so ``drei Viertel`` stays a share).

Qualifiers added here (German usage, same policies as the Dutch ones):

- lower bound: ``gut`` (``gut 400``: a good 400), ``wenigstens``, ``mehr als``/``über`` are in the shared list;
- upper bound: ``unter`` (``unter 400``), ``nahezu``, ``weniger als``/``fast``/``knapp`` are in the shared list;
- approximate: ``gegen`` (``gegen 500``: towards 500), ``annähernd``, ``etwa``/``rund``/``circa`` are shared.

This module imports nothing from :mod:`ccresearch.parse.figures` (that module calls it).
"""

from __future__ import annotations

import re
from typing import TypeVar

from ccresearch.errors import InputError

E = TypeVar("E", bound=InputError)

__all__ = ["as_written", "german_number", "german_words_as_dutch"]

# fmt: off
_DE_UNITS = {"ein": 1, "eins": 1, "eine": 1, "zwei": 2, "zwo": 2, "drei": 3, "vier": 4, "fünf": 5, "sechs": 6,
             "sieben": 7, "acht": 8, "neun": 9}
_DE_TEENS = {"zehn": 10, "elf": 11, "zwölf": 12, "dreizehn": 13, "vierzehn": 14, "fünfzehn": 15, "sechzehn": 16,
             "siebzehn": 17, "achtzehn": 18, "neunzehn": 19}
_DE_TENS = {"zwanzig": 20, "dreißig": 30, "dreissig": 30, "vierzig": 40, "fünfzig": 50, "sechzig": 60,
            "siebzig": 70, "achtzig": 80, "neunzig": 90}
_NL_UNITS = ("nul", "een", "twee", "drie", "vier", "vijf", "zes", "zeven", "acht", "negen")
_NL_TEENS = ("tien", "elf", "twaalf", "dertien", "veertien", "vijftien", "zestien", "zeventien", "achttien",
             "negentien")
_NL_TENS = ("", "", "twintig", "dertig", "veertig", "vijftig", "zestig", "zeventig", "tachtig", "negentig")
# German words that are not number words, as the Dutch vocabulary writes them
_DE_WORDS = {"gut": "ruim", "gute": "ruim", "wenigstens": "minstens", "unter": "minder dan", "nahezu": "nagenoeg",
             "gegen": "omstreeks", "annähernd": "ongeveer", "null": "nul", "anderthalb": "anderhalf",
             "eineinhalb": "anderhalf", "einhalb": "half", "halb": "half", "halbe": "halve",
             "dreiviertel": "drie kwart", "den": "de", "dem": "de", "für": "voor", "dieses": "dit",
             "diesem": "dit", "nächste": "komende", "kommende": "komende", "letzte": "afgelopen",
             "vergangene": "afgelopen", "fünftel": "vijfde", "sechstel": "zesde", "achtel": "achtste", "zehntel": "tiende"}
# fmt: on

_UNIT_ALT = "|".join(sorted(_DE_UNITS, key=len, reverse=True))
_TEEN_ALT = "|".join(sorted(_DE_TEENS, key=len, reverse=True))
_TENS_ALT = "|".join(sorted(_DE_TENS, key=len, reverse=True))
_BELOW_100 = rf"(?:(?:{_UNIT_ALT})und(?:{_TENS_ALT})|{_TENS_ALT}|{_TEEN_ALT}|{_UNIT_ALT})"
_BELOW_1000 = rf"(?:(?:{_UNIT_ALT}|{_TEEN_ALT})?hundert(?:und)?{_BELOW_100}?|{_BELOW_100})"
_NUMBER_WORD = rf"(?:(?:{_BELOW_1000})?tausend(?:und)?(?:{_BELOW_1000})?|{_BELOW_1000})"
_WORD_RE = re.compile(
    rf"(?<!\w)({_NUMBER_WORD}(?:einhalb)?|{'|'.join(sorted(_DE_WORDS, key=len, reverse=True))})(?!\w)",
    re.IGNORECASE,
)


def _below_100(w: str) -> int | None:
    for table in (_DE_UNITS, _DE_TEENS, _DE_TENS):
        if w in table:
            return table[w]
    unit, sep, tens = w.partition("und")
    if sep and unit in _DE_UNITS and tens in _DE_TENS and unit not in ("eins", "eine"):
        return _DE_UNITS[unit] + _DE_TENS[tens]
    return None


def _below_1000(w: str) -> int | None:
    if "hundert" not in w:
        return _below_100(w)
    left, _, right = w.partition("hundert")
    hundreds = 1 if left == "" else _DE_UNITS.get(left, _DE_TEENS.get(left))
    right = right.removeprefix("und") if right not in ("und",) else right
    rest = 0 if right == "" else _below_100(right)
    if hundreds is None or rest is None or left in ("eins", "eine"):
        return None
    return hundreds * 100 + rest


def german_number(word: str) -> int | None:
    """Value of a German number word below a million (``dreihundertachtzig`` -> 380), else None."""
    w = word.lower()
    if "tausend" in w:
        left, _, right = w.partition("tausend")
        thousands = 1 if left == "" else _below_1000(left)
        right = right.removeprefix("und")
        rest = 0 if right == "" else _below_1000(right)
        if thousands is None or rest is None or left in ("eins", "eine") or rest >= 1000 or thousands >= 1000:
            return None
        return thousands * 1000 + rest
    return _below_1000(w)


def _dutch_below_1000(n: int) -> str:
    hundreds, rest = divmod(n, 100)
    head = "" if hundreds == 0 else ("" if hundreds == 1 else _NL_UNITS[hundreds]) + "honderd"
    if rest == 0:
        return head or "nul"
    if rest < 10:
        tail = _NL_UNITS[rest]
    elif rest < 20:
        tail = _NL_TEENS[rest - 10]
    else:
        tens, unit = divmod(rest, 10)
        tail = (
            _NL_TENS[tens]
            if unit == 0
            else _NL_UNITS[unit] + ("ën" if unit in (2, 3) else "en") + _NL_TENS[tens]
        )
    return head + tail


def _dutch(n: int) -> str:
    """A Dutch number word for ``0 <= n < 10**6`` as the Dutch parser reads it (``1300`` -> ``duizenddriehonderd``)."""
    thousands, rest = divmod(n, 1000)
    if thousands == 0:
        return _dutch_below_1000(rest)
    head = ("" if thousands == 1 else _dutch_below_1000(thousands)) + "duizend"
    return head + (_dutch_below_1000(rest) if rest else "")


def _replace(match: re.Match[str]) -> str:
    word = match[1]
    low = word.lower()
    if low in _DE_WORDS:
        return _DE_WORDS[low]
    half = low.endswith("einhalb") and low not in ("einhalb", "eineinhalb")
    n = german_number(low.removesuffix("einhalb") if half else low)
    if n is None or (half and n > 10):
        return word
    if half:
        return _dutch(n) + ("ënhalf" if n in (2, 3) else "enhalf")
    if low in _DE_UNITS or low in ("zehn", "elf", "zwölf", "hundert", "tausend"):
        return word  # a plain word: the shared vocabulary maps it (and 'ein' as an article)
    return _dutch(n)


def german_words_as_dutch(text: str) -> str:
    """German compound number words and extra qualifiers in Dutch (``gut dreihundertachtzig`` ->
    ``ruim driehonderdtachtig``); everything else is left for the shared German vocabulary."""
    return _WORD_RE.sub(_replace, text)


def as_written(err: E, text: object) -> E:
    """``err`` (raised on the Dutch reading of a German ``text``) naming the text as the source wrote it."""
    read = err.value
    err.value = text
    if read != text:
        err.problem = f"{err.problem} (German read through the Dutch words as {read!r})"
    err.args = (err.describe(),)
    return err
