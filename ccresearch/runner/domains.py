"""Domain checks for notebook parameters, keyed by parameter NAME, so notebooks never repeat them.

- ``region``, ``treated``: a region that exists and has regional jobs data, normalised to its canonical code
  (:func:`ccresearch.sources.regions.resolve_region`, :func:`jobs_regions`); ``donors``: a list of
  such regions.
- ``start_year``, ``end_year``, ``treatment_year``: inside the years of the regional jobs data
  (:func:`jobs_years`); ``since_year``: 1990 up to the current year.
- ``deadweight``, ``displacement``, ``substitution``: 0 up to (not including) 1 (gross-to-net shares: at 1 nothing
  is additional); any name ending in ``_share``: 0 to 1.
- ``language``: en or nl.
- ``measure``: a count of the regional data (``jobs``: CBS 83582NED; ``births``: establishment births, 83631NED);
  the data years above are then those of that table. ``sector``: an SBI code the chosen table holds at COROP level
  (e.g. N, M-N, total; births: total, N, 77-82), checked against the processed data.
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
FIRST_PLAUSIBLE_YEAR = 1990
MIN_DONORS = 2  # comparison regions: a DiD with clustered errors and placebo ranks needs several
MIN_PRE_YEARS = 2  # years before the treatment year: the pre-trend test needs two


def _regions() -> Any:
    from ccresearch.sources import regions

    return regions


def _fold(text: str) -> str:
    """A name folded for comparison: accents, case, hyphens and spaces do not count."""
    import re
    import unicodedata

    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[\s\-–_/'.]+", " ", plain).strip().casefold()


def _label(code: str) -> str:
    table = _regions().regions()
    return f"{table[code].name} ({code})" if code in table else code


def _corop_of(code: str) -> str | None:
    """The COROP region a gemeente lies in, or None."""
    try:
        return next((c for c in _regions().ancestors(code) if c.startswith("CR")), None)
    except KeyError:
        return None


def region_hint(value: str, code: str | None = None) -> str:
    """Closest regions with data for a region name or code that was refused, in words (or '').

    ``code`` is the region ``value`` resolved to, when it exists but has no jobs data: a gemeente is pointed
    to the COROP region it lies in, a provincie to its COROP regions. Otherwise names that contain the text,
    or are close to it, are offered (gemeenten with their COROP region).
    """
    table = _regions().regions()
    usable = sorted(
        c for c in jobs_regions() if c in table and table[c].level not in {"country", "unclassified"}
    )
    if code is not None and code in table:
        region = table[code]
        if region.level == "gemeente":
            corop = _corop_of(code)
            if corop:
                return f"{region.name} is a gemeente in COROP region {_label(corop)}: use -p NAME {corop}"
        children = [c for c in usable if table[c].parent == code]
        if children:
            return f"{region.name} ({region.level}) holds {', '.join(_label(c) for c in children)}"
    import difflib

    key = _fold(str(value))
    if not key:
        return ""
    found: list[str] = []

    def offer(c: str) -> None:
        if c in found:
            return
        if table[c].level == "gemeente":
            corop = _corop_of(c)
            if corop is None or (usable and corop not in usable):
                return
        elif c not in usable:
            return
        found.append(c)

    candidates = [c for c in table if table[c].level in ("corop", "gemeente", "provincie")]
    names = {c: _fold(table[c].name) for c in candidates}
    for c in candidates:  # whole words inside a longer name: Rijnmond -> Groot-Rijnmond
        if len(key) >= 3 and (f" {key} " in f" {names[c]} " or (len(key) >= 5 and key in names[c])):
            offer(c)
    by_name: dict[str, list[str]] = {}
    for c, n in names.items():
        by_name.setdefault(n, []).append(c)
    for close in difflib.get_close_matches(key, list(by_name), n=5, cutoff=0.7):
        for c in sorted(
            by_name[close], key=lambda c: ("corop", "gemeente", "provincie").index(table[c].level)
        ):
            offer(c)
    if not found:
        return ""

    def closeness(c: str) -> float:
        whole = f" {key} " in f" {names[c]} "
        return (1.0 if whole else 0.0) + difflib.SequenceMatcher(None, key, names[c]).ratio()

    words = []
    for c in sorted(found, key=lambda c: (-closeness(c), table[c].level != "corop", table[c].name))[:4]:
        if table[c].level == "gemeente":
            corop = _corop_of(c)
            words.append(f"{table[c].name} (gemeente {c}, in COROP region {_label(corop)})")
        elif table[c].level == "provincie":
            children = [k for k in usable if table[k].parent == c]
            words.append(f"{_label(c)}, provincie" + (f" holding {', '.join(children)}" if children else ""))
        else:
            words.append(_label(c))
    return "did you mean " + "; ".join(words) + "?"


def _resolve_region(name: str, value: str, where: str | None) -> str:
    try:
        code = str(_regions().resolve_region(value))
    except ParameterError:
        raise
    except InputError as exc:
        hint = region_hint(value)
        problem = exc.problem.split(";")[0] if hint else exc.problem
        raise ParameterError(
            f"{problem}; {hint}".replace("NAME", name) if hint else problem,
            file=where,
            field=name,
            value=value,
            expected=(exc.expected or "a CBS region code or name, e.g. CR39 or Zuid-Limburg")
            + "; `ccresearch regions` lists them",
        ) from None
    table = _regions().regions()
    if table[code].level in {"country", "unclassified"}:
        raise ParameterError(
            f"{code} ({table[code].name}) is not a region to compare",
            file=where,
            field=name,
            value=value,
            expected="a COROP region (or a gemeente/provincie where the jobs data has them), e.g. CR39; "
            "`ccresearch regions` lists them",
        )
    with_data = jobs_regions()
    if with_data and code not in with_data:
        levels = sorted({table[c].level for c in with_data if c in table} - {"country", "unclassified"})
        hint = region_hint(value, code).replace("NAME", name)
        raise ParameterError(
            f"no regional jobs data for {code} ({_regions().region_name(code)})"
            + (f"; {hint}" if hint else ""),
            file=where,
            field=name,
            value=value,
            expected=f"a region with jobs data: levels {', '.join(levels)} (e.g. CR39, Zuid-Limburg); "
            "`ccresearch regions` lists them",
        )
    return code


def region_rows(all_levels: bool = False) -> list[dict[str, Any]]:
    """The regions a region parameter accepts: code, name, level and the years of jobs data.

    With ``all_levels`` every known region (gemeenten and provincies too; those without data have no years).
    """
    table = _regions().regions()
    years: dict[str, list[int]] = {}
    try:
        from ccresearch.build.loaders import load_regional_jobs

        jobs = load_regional_jobs()
        have = jobs[jobs["jobs"].notna()]
        for code, group in have.groupby("region_code"):
            years[str(code)] = sorted({int(y) for y in group["year"]})
    except Exception:  # no processed data: regions without years
        years = {}
    rows: list[dict[str, Any]] = []
    for code, region in table.items():
        if region.level in {"country", "unclassified"}:
            continue
        got = years.get(code, [])
        if not got and not all_levels:
            continue
        span = list(range(got[0], got[-1] + 1)) if got else []
        rows.append(
            {
                "code": code,
                "name": region.name,
                "level": region.level,
                "first_year": got[0] if got else None,
                "last_year": got[-1] if got else None,
                "missing_years": [y for y in span if y not in got],
                "in": _corop_of(code) if region.level == "gemeente" else None,
            }
        )
    return rows


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


MEASURE_TABLES = {"jobs": "regional_jobs", "births": "regional_births"}


def measure_years(measure: str = "jobs") -> tuple[int, int]:
    """First and last year of the regional table of ``measure`` (from the processed data's manifest)."""
    if measure == "jobs":
        return jobs_years()
    from ccresearch.build.loaders import data_summary

    years = data_summary().get(f"{MEASURE_TABLES[measure]}_years")
    if not years:
        raise ParameterError(
            "the processed data has not been built yet",
            expected="run `ccresearch build` (run, sweep and reports build it first)",
        )
    return int(years[0]), int(years[1])


def measure_sectors(measure: str = "jobs", level: str = "corop") -> list[str]:
    """The SBI codes (``sector`` values) the regional table of ``measure`` holds at ``level``, sorted."""
    from ccresearch.build import loaders

    table = loaders.load_regional_jobs() if measure == "jobs" else loaders.load_regional_births()
    return sorted(str(x) for x in table.loc[table["region_level"] == level, "sector"].dropna().unique())


def _check_measure_sector(values: Mapping[str, Any], where: str | None) -> None:
    measure = values.get("measure", "jobs")
    if measure not in MEASURE_TABLES:
        raise ParameterError(
            "unknown measure",
            file=where,
            field="measure",
            value=measure,
            expected=" or ".join(MEASURE_TABLES),
        )
    sector = values.get("sector")
    if not isinstance(sector, str) or "region" not in values:
        return
    sectors = measure_sectors(measure)
    if sector not in sectors:
        raise ParameterError(
            f"no {measure} data for this sector at COROP level",
            file=where,
            field="sector",
            value=sector,
            expected=f"an SBI code of the {measure} table: {', '.join(sectors)}",
        )


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
        or name in ("measure", "sector")
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
                "year outside the regional data",
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
        from ccresearch.report.language import LANGUAGES  # the one list of report languages

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
            years_cache.append(measure_years(str(values.get("measure", "jobs"))))
        return years_cache[0]

    try:
        _check_measure_sector(values, Path(notebook).name if notebook is not None else None)
    except ParameterError as exc:
        name = exc.field or ""
        if name not in given and "(the notebook's default)" not in exc.problem:
            exc.problem += " (the notebook's default)"
            exc.args = (exc.describe(),)
        raise

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
