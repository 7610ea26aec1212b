"""Domain checks for notebook parameters, keyed by parameter NAME, so notebooks never repeat them.

- ``region``, ``treated``: a region that exists and has regional jobs data, normalised to its canonical code
  (:func:`ccresearch.sources.regions.resolve_region`, :func:`jobs_regions`); ``donors``: a list of
  such regions.
- ``start_year``, ``end_year``, ``treatment_year``: inside the years of the regional jobs data
  (:func:`jobs_years`); ``since_year``: 1990 up to the current year.
- ``deadweight``, ``displacement``, ``substitution``: 0 up to (not including) 1 (gross-to-net shares: at 1 nothing
  is additional); any name ending in ``_share``: 0 to 1.
- ``language``: en or nl.
- across parameters, where present: ``start_year + 2 <= treatment_year <= end_year`` (the pre-trend test needs
  two years before treatment); the treated region is not in the donor pool (the treated region is ``treated``,
  or ``region`` in a notebook without ``treated``). ``donors`` holds at least two regions.

Region lookups import :mod:`ccresearch.regions` only when a region parameter is present.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from ccresearch.errors import InputError, ParameterError

REGION_NAMES = frozenset({"region", "treated"})
REGION_LIST_NAMES = frozenset({"donors"})
DATA_YEAR_NAMES = frozenset({"start_year", "end_year", "treatment_year"})
SHARE_NAMES = frozenset({"deadweight", "displacement", "substitution"})
LANGUAGES = ("en", "nl")
FIRST_PLAUSIBLE_YEAR = 1990
MIN_DONORS = 2  # comparison regions: a DiD with clustered errors and placebo ranks needs several
MIN_PRE_YEARS = 2  # years before the treatment year: the pre-trend test needs two


def _regions() -> Any:
    from ccresearch.sources import regions

    return regions


def _resolve_region(name: str, value: str, where: str | None) -> str:
    try:
        code = str(_regions().resolve_region(value))
    except ParameterError:
        raise
    except InputError as exc:
        raise ParameterError(
            exc.problem,
            file=where,
            field=name,
            value=value,
            expected=exc.expected or "a CBS region code or name, e.g. CR39 or Zuid-Limburg",
        ) from None
    table = _regions().regions()
    if table[code].level in {"country", "unclassified"}:
        raise ParameterError(
            f"{code} ({table[code].name}) is not a region to compare",
            file=where,
            field=name,
            value=value,
            expected="a COROP region (or a gemeente/provincie where the jobs data has them), e.g. CR39",
        )
    with_data = jobs_regions()
    if with_data and code not in with_data:
        levels = sorted({table[c].level for c in with_data if c in table} - {"country", "unclassified"})
        raise ParameterError(
            f"no regional jobs data for {code} ({_regions().region_name(code)})",
            file=where,
            field=name,
            value=value,
            expected=f"a region with jobs data: levels {', '.join(levels)} (e.g. CR39, Zuid-Limburg)",
        )
    return code


def jobs_regions() -> frozenset[str]:
    """Codes of the regions that have regional jobs data (from the processed data's manifest)."""
    from ccresearch.build.loaders import data_summary

    return frozenset(data_summary().get("regional_jobs_regions", []))


def jobs_years() -> tuple[int, int]:
    """First and last year of the regional jobs data (from the processed data's manifest)."""
    from ccresearch.build.loaders import data_summary

    years = data_summary().get("regional_jobs_years")
    if not years:
        raise ParameterError(
            "the processed data has not been built yet",
            expected="run `ccresearch build` (run, sweep and reports build it first)",
        )
    return int(years[0]), int(years[1])


def is_share(name: str) -> bool:
    """Whether ``name`` is a share parameter (0..1)."""
    return name in SHARE_NAMES or name.endswith("_share")


def has_domain(name: str) -> bool:
    """Whether the library checks the values of a parameter called ``name``."""
    return (
        name in REGION_NAMES
        or name in REGION_LIST_NAMES
        or name in DATA_YEAR_NAMES
        or name == "since_year"
        or name == "language"
        or is_share(name)
    )


def check_value(
    name: str, value: Any, *, file: str | Path | None = None, years: Callable[[], Any] | None = None
) -> Any:
    """``value`` checked against the domain of parameter ``name`` and normalised (regions -> codes).

    ``None`` (an optional parameter left empty) passes. Raises :class:`ParameterError` otherwise.
    """
    where = Path(file).name if file is not None else None
    if value is None:
        return None
    if name in REGION_NAMES and isinstance(value, str):
        return _resolve_region(name, value, where)
    if name in REGION_LIST_NAMES and isinstance(value, list):
        codes = [_resolve_region(name, str(v), where) for v in value]
        dupes = sorted({c for c in codes if codes.count(c) > 1})
        if dupes:
            raise ParameterError(
                "region listed twice",
                file=where,
                field=name,
                value=value,
                expected=f"each region once ({dupes})",
            )
        if len(codes) < MIN_DONORS:
            raise ParameterError(
                "too few comparison regions",
                file=where,
                field=name,
                value=value,
                expected=f"at least {MIN_DONORS} regions (or leave it empty for all other COROP regions)",
            )
        return codes
    if name in DATA_YEAR_NAMES and isinstance(value, int):
        first, last = (years or jobs_years)()
        if not first <= value <= last:
            raise ParameterError(
                "year outside the regional jobs data",
                file=where,
                field=name,
                value=value,
                expected=f"a year from {first} to {last}",
            )
        return value
    if name == "since_year" and isinstance(value, int):
        this_year = _dt.date.today().year
        if not FIRST_PLAUSIBLE_YEAR <= value <= this_year:
            raise ParameterError(
                "implausible year",
                file=where,
                field=name,
                value=value,
                expected=f"a year from {FIRST_PLAUSIBLE_YEAR} to {this_year}",
            )
        return value
    if name in SHARE_NAMES and isinstance(value, int | float) and not isinstance(value, bool):
        if not 0 <= value < 1:
            raise ParameterError(
                "share outside [0, 1)",
                file=where,
                field=name,
                value=value,
                expected="a share from 0 up to (not including) 1: at 1 no job would be additional",
            )
        return value
    if is_share(name) and isinstance(value, int | float) and not isinstance(value, bool):
        if not 0 <= value <= 1:
            raise ParameterError(
                "share outside 0..1",
                file=where,
                field=name,
                value=value,
                expected="a share from 0 to 1 (e.g. 0.25 for 25%)",
            )
        return value
    if name == "language" and isinstance(value, str):
        if value not in LANGUAGES:
            raise ParameterError(
                "unsupported language", file=where, field=name, value=value, expected=" or ".join(LANGUAGES)
            )
        return value
    return value


def check_cross(values: Mapping[str, Any], *, file: str | Path | None = None) -> None:
    """Rules across parameters: ``start_year + 2 <= treatment_year <= end_year``; treated region not a donor."""
    where = Path(file).name if file is not None else None
    start, treat, end = (values.get(k) for k in ("start_year", "treatment_year", "end_year"))
    if isinstance(start, int) and isinstance(treat, int) and not treat - start >= MIN_PRE_YEARS:
        raise ParameterError(
            f"treatment year must come at least {MIN_PRE_YEARS} years after the start year",
            file=where,
            field="treatment_year",
            value=treat,
            expected=f"a year from {start + MIN_PRE_YEARS} on (start_year={start}; the pre-trend test needs "
            f"{MIN_PRE_YEARS} years before treatment)",
        )
    if isinstance(treat, int) and isinstance(end, int) and not treat <= end:
        raise ParameterError(
            "treatment year must not be after the end year",
            file=where,
            field="treatment_year",
            value=treat,
            expected=f"a year up to end_year={end}",
        )
    if isinstance(start, int) and isinstance(end, int) and not start < end:
        raise ParameterError(
            "end year must come after the start year",
            file=where,
            field="end_year",
            value=end,
            expected=f"a year after start_year={start}",
        )
    donors = values.get("donors")
    treated_name = (
        "treated" if "treated" in values else "region"
    )  # `region` is the treated unit if no `treated`
    treated = values.get(treated_name)
    if isinstance(treated, str) and isinstance(donors, list) and treated in donors:
        raise ParameterError(
            "the treated region is also in the donor pool",
            file=where,
            field="donors",
            value=donors,
            expected=f"regions other than {treated_name}={treated}",
        )


def check_all(
    values: Mapping[str, Any], *, notebook: str | Path | None = None, given: Iterable[str] = ()
) -> dict[str, Any]:
    """Every value checked and normalised, then the cross-parameter rules; returns the normalised values.

    ``given`` names the values set by the user (the others are defaults); errors on defaults say so.
    """
    given = set(given)
    out: dict[str, Any] = {}
    years_cache: list[Any] = []

    def years() -> Any:
        if not years_cache:
            years_cache.append(jobs_years())
        return years_cache[0]

    for name, value in values.items():
        try:
            out[name] = check_value(name, value, file=notebook, years=years)
        except ParameterError as exc:
            if name not in given and "(the notebook's default)" not in exc.problem:
                exc.problem += " (the notebook's default)"
                exc.args = (exc.describe(),)
            raise
    check_cross(out, file=notebook)
    return out
