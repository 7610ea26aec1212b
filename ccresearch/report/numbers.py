"""Numbers, money, percentages, p-values and dates as a reader of each language writes them (Babel).

Dutch (``nl_NL``): ``1.234,5``, ``€ 1.800.000``, ``12,3%``; English (``en_GB``): ``1,234.5``, ``€1,800,000``,
``12.3%``. No hand-written rules: Babel's CLDR data decides separators and symbols. A missing or infinite value
is written as the catalogue's ``number.missing`` (a dash). Counts of jobs are rounded to the data's precision
first (CBS rounds regional jobs to 100): :func:`fmt_rounded`.
"""

from __future__ import annotations

import datetime as _dt
import math
from typing import Any

from babel import dates as _dates
from babel import numbers as _numbers

from ccresearch.report.language import LOCALES, check_language, text


def _locale(language: str) -> str:
    return LOCALES[check_language(language)]


def _missing(x: Any) -> bool:
    if x is None:
        return True
    try:
        return not math.isfinite(float(x))
    except (TypeError, ValueError):
        return True


def missing(language: str) -> str:
    """How a missing number is written (a dash, from the catalogue)."""
    return text("number.missing", language)


def fmt_number(x: Any, language: str, decimals: int = 0, *, sign: bool = False) -> str:
    """A number with the language's separators and exactly ``decimals`` decimals; ``+`` for gains if ``sign``."""
    if _missing(x):
        return missing(language)
    pattern = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
    if sign:
        pattern = f"+{pattern};-{pattern}"
    value = round(float(x), decimals)
    if value == 0:
        value = 0.0  # no "-0"
    return _numbers.format_decimal(value, format=pattern, locale=_locale(language))


def fmt_int(x: Any, language: str, *, sign: bool = False) -> str:
    """A whole number (rounded) with thousands separators."""
    return fmt_number(x, language, 0, sign=sign)


def round_to(x: float, precision: float) -> float:
    """``x`` rounded to a multiple of ``precision`` (e.g. 100 jobs: CBS's rounding)."""
    return round(float(x) / precision) * precision


def fmt_rounded(x: Any, language: str, precision: float = 100, *, sign: bool = False) -> str:
    """A count rounded to ``precision`` first (``4712`` -> ``4,700`` / ``4.700``): no false precision."""
    if _missing(x):
        return missing(language)
    return fmt_number(round_to(float(x), precision), language, 0, sign=sign)


def fmt_money(x: Any, language: str, decimals: int = 0) -> str:
    """An amount in euros: ``€ 1.800.000`` (nl) or ``€1,800,000`` (en)."""
    if _missing(x):
        return missing(language)
    pattern = "¤\u00a0#,##0" if language == "nl" else "¤#,##0"
    if decimals > 0:
        pattern += "." + "0" * decimals
    return _numbers.format_currency(
        round(float(x), decimals), "EUR", format=pattern, locale=_locale(language), currency_digits=False
    )


def fmt_percent(share: Any, language: str, decimals: int = 1, *, sign: bool = False) -> str:
    """A share as a percentage: ``0.1234`` -> ``12,3%`` (nl) / ``12.3%`` (en)."""
    if _missing(share):
        return missing(language)
    pattern = "#,##0" + ("." + "0" * decimals if decimals > 0 else "") + "%"
    if sign:
        pattern = f"+{pattern};-{pattern}"
    return _numbers.format_percent(
        round(float(share), decimals + 2), format=pattern, locale=_locale(language)
    )


def fmt_p(p: Any, language: str, decimals: int = 3) -> str:
    """A p-value: ``< 0,001`` below one in a thousand (never ``0.000``), else ``decimals`` decimals."""
    if _missing(p):
        return missing(language)
    floor = 10.0**-decimals
    if float(p) < floor:
        return "< " + fmt_number(floor, language, decimals)
    return fmt_number(p, language, decimals)


def fmt_date(value: Any, language: str, fmt: str = "long") -> str:
    """A date: ``1 mei 2014`` (nl, long) / ``1 May 2014`` (en); ``medium`` abbreviates the month."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return missing(language)
    if (hasattr(value, "date") and not isinstance(value, _dt.date)) or isinstance(value, _dt.datetime):
        value = value.date()
    elif isinstance(value, str):
        value = _dt.date.fromisoformat(value[:10])
    return _dates.format_date(value, format=fmt, locale=_locale(language))


def fmt_month(value: Any, language: str) -> str:
    """A month and year: ``maart 2015`` / ``March 2015``."""
    if isinstance(value, str):
        value = _dt.date.fromisoformat(value[:10])
    return _dates.format_date(value, format="LLLL y", locale=_locale(language))


def tick_formatter(language: str, kind: str = "number", decimals: int = 0) -> Any:
    """A matplotlib tick formatter writing numbers as the language does (``kind``: number, percent, money)."""
    from matplotlib.ticker import FuncFormatter

    def fmt(x: float, _pos: int | None = None) -> str:
        if kind == "percent":
            return fmt_percent(x, language, decimals)
        if kind == "money":
            return fmt_money(x, language, decimals)
        return fmt_number(x, language, decimals)

    return FuncFormatter(fmt)
