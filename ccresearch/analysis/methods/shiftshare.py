"""Classic shift-share (Dunn 1960): a region's job change split into national growth, industry mix and
regional shift.

For region r, sector i, start year 0 and end year 1, with E the jobs and N the national reference:

- national growth  NS_i = E_ri0 * g,            g   = N_1 / N_0 - 1 (all sectors)
- industry mix     IM_i = E_ri0 * (g_i - g),    g_i = N_i1 / N_i0 - 1
- regional shift   RS_i = E_ri0 * (g_ri - g_i), so NS_i + IM_i + RS_i = E_ri1 - E_ri0 exactly.

The regional shift is computed as the actual change minus the other two, so the identity holds by
construction (to floating-point precision, about 1e-12 of the job counts), also when a sector has no jobs.
A sector with no national jobs in the start year has no growth rate: its industry mix is zero and all of
its change is regional shift. The national reference is the sum over ALL regions of
the table given (see :func:`region_sector_table` for how CR99 and the sectors are handled); no region codes
or sectors are hard-coded, so the full CBS table runs through the same code.

:func:`shift_share` and :func:`shift_share_all` accept either the long table ``region_code, sector, year,
jobs`` or the loaders' regional jobs table (``ccresearch.load_regional_jobs()``: with ``region_level``), which
they convert with :func:`region_sector_table` at ``level`` for the two years compared. With the full CBS
table the industry mix comes from the single-letter SBI sections (never the section groups, never
``total``) plus ``rest`` = total - sections; a section suppressed in a region in the start or end year stays
in that region's ``rest`` and the national reference of each section counts only its published cells
(:func:`region_sector_table` gives the rule; the result names the sections affected). A region may be
given by code or by name (from the table's ``region_name`` column), matched ignoring case and accents.
:func:`shift_share_by_start_year` gives the components over a range of start years.

Reference: Dunn, E. S. (1960), A statistical and analytical technique for regional analysis, Papers of the
Regional Science Association 6, 97-112 (bibliography key ``dunn-1960``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ccresearch.analysis.methods._units import resolve_unit
from ccresearch.core.result import ResultDisplay
from ccresearch.errors import InputError, ParameterError

COMPONENTS = ("national", "industry_mix", "regional")
REST_SECTOR = "rest"
TOTAL_SECTOR = "total"

__all__ = [
    "ShiftShareResult",
    "region_sector_table",
    "shift_share",
    "shift_share_all",
    "shift_share_by_start_year",
]


@dataclass(repr=False)
class ShiftShareResult(ResultDisplay):
    """Shift-share of one region between two years.

    Attributes:
        region: region code.
        start_year, end_year: the two years compared.
        by_sector: one row per sector: ``jobs_start, jobs_end, national_growth_rate, sector_growth_rate,
            regional_growth_rate, national, industry_mix, regional, actual``.
        national_growth_rate: growth of all jobs in the reference (sum over the table's regions).
        suppressed: section -> regions whose cell was not in the table in the start and end year (suppressed
            CBS cells, kept in those regions' ``rest`` by :func:`region_sector_table`); the national
            reference of the section leaves these regions out.
        left_out: sections left out for every region (held for some regions only, see
            :func:`region_sector_table`); their jobs are in ``rest``.
    """

    region: str
    start_year: int
    end_year: int
    by_sector: pd.DataFrame
    national_growth_rate: float
    caveats: list[str] = field(default_factory=list)
    suppressed: dict[str, list[str]] = field(default_factory=dict)
    left_out: list[str] = field(default_factory=list)

    @property
    def sections_in_rest(self) -> list[str]:
        """The sections whose jobs in this region are counted in ``rest`` (suppressed here, or left out)."""
        here = {s for s, regions in self.suppressed.items() if self.region in regions}
        return sorted(here | set(self.left_out))

    def summary(self, sector: str | None = None) -> dict[str, float]:
        """``national, industry_mix, regional, actual`` for one sector, or summed over all (``None``)."""
        cols = [*COMPONENTS, "actual"]
        if sector is None:
            values = self.by_sector[cols].sum()
        else:
            if sector not in self.by_sector.index:
                in_rest = sector in self.sections_in_rest
                raise ParameterError(
                    "sector has no published jobs for this region in the start or end year: its jobs are "
                    f"counted in {REST_SECTOR!r}"
                    if in_rest
                    else "sector not in the shift-share table",
                    field="sector",
                    value=sector,
                    expected=f"one of {list(self.by_sector.index)}",
                )
            values = self.by_sector.loc[sector, cols]
        return {c: float(values[c]) for c in cols}

    @property
    def totals(self) -> dict[str, float]:
        """Components summed over all sectors (the region's total job change)."""
        return self.summary(None)

    def _headline(self) -> tuple[str, str, list[tuple[str, Any]]]:
        t = self.totals
        items = [
            ("years", f"{self.start_year}-{self.end_year}"),
            *((k, t[k]) for k in ("actual", *COMPONENTS)),
        ]
        return "shift-share", str(self.region), items

    def to_dict(self) -> dict[str, Any]:
        """JSON-able summary."""
        return {
            "method": "shift-share",
            "region": self.region,
            "start_year": int(self.start_year),
            "end_year": int(self.end_year),
            "national_growth_rate": float(self.national_growth_rate),
            "totals": self.totals,
            "by_sector": {
                str(s): {k: float(v) for k, v in row.items()} for s, row in self.by_sector.iterrows()
            },
            "caveats": list(self.caveats),
            "sections_in_rest": self.sections_in_rest,
            "suppressed": {k: list(v) for k, v in self.suppressed.items()},
            "left_out": list(self.left_out),
        }


def _is_section(sector: Any) -> bool:
    """True for a single SBI section letter (A-U), not for aggregates like ``M-N`` or ``total``."""
    return isinstance(sector, str) and len(sector) == 1 and sector.isalpha() and sector.isupper()


_LOADER_COLUMNS = ("region_code", "region_level", "sector", "year", "jobs")


def level_rows(jobs: pd.DataFrame, level: str = "corop") -> pd.DataFrame:
    """The rows of the loaders' jobs table at one region ``level``, with a value, one per region, sector and year.

    Raises InputError for missing columns or a region, sector and year given twice, ParameterError for a level
    the table does not have.
    """
    missing = [c for c in _LOADER_COLUMNS if c not in jobs.columns]
    if missing:
        raise InputError(
            "regional jobs table lacks columns",
            field=", ".join(missing),
            value=sorted(map(str, jobs.columns)),
            expected=f"columns {', '.join(_LOADER_COLUMNS)} (see ccresearch.load_regional_jobs)",
        )
    rows = jobs[jobs["region_level"] == level]
    if rows.empty:
        raise ParameterError(
            "no rows at this region level",
            field="level",
            value=level,
            expected=f"one of {sorted(jobs['region_level'].dropna().unique())}",
        )
    rows = rows.dropna(subset=["jobs"])
    dup = rows.duplicated(["region_code", "sector", "year"], keep=False)
    if dup.any():
        first = rows[dup].iloc[0]
        raise InputError(
            "more than one jobs figure for one region, sector and year",
            row=int(rows[dup].index[0]) if isinstance(rows.index, pd.RangeIndex) else None,
            field="jobs",
            value=(first["region_code"], first["sector"], int(first["year"])),
            expected="one row per region_code, sector and year",
        )
    return rows


def region_sector_table(
    jobs: pd.DataFrame, level: str = "corop", years: Iterable[int] | None = None
) -> pd.DataFrame:
    """Long table region x sector x year for shift-share: columns ``region_code, sector, year, jobs``.

    Input: the loaders' regional jobs table (``ccresearch.load_regional_jobs()``; columns ``region_code,
    region_level, sector, year, jobs``, and ``region_name`` if present, which is carried along), at
    ``level``; ``years`` limits the table to those years (default: all). Rows of other levels (e.g. CR99,
    ``unclassified``; country rows) are left out, so the national reference is the sum over the level's
    regions.

    Sectors: only single-letter SBI sections (A-U) are used, never aggregates such as ``B-F`` or ``M-N`` and
    never ``total``, so no job is counted twice. With ``total`` in the table the rule is:

    1. *Structure*: the sections the table holds for EVERY region (a published value in at least one of
       its years). A section held for some regions only (a partial transcription, or a section suppressed in
       a region in every year) is left out for all regions.
    2. *Suppressed cells*: a section without a published value for a region in any of ``years`` (a blank,
       suppressed CBS cell) is left out for that region in all of ``years``: its jobs stay in that region's
       ``rest``. The national reference of a section (its sum over regions) thus counts only the regions
       where it is published in every year used, like for like.
    3. ``rest`` = total - sum of the region's sections kept: CBS rounding of the cells (each rounded to
       100 jobs), sections T and U (not published by region), and the cells of rules 1 and 2. It is added
       when it is not zero everywhere (always with only ``total`` and ``N``: then the sectors are ``N`` and
       ``rest`` as before).

    Only years in which every region has ``total`` are kept. Without ``total`` there is no ``rest``: a
    section is then used only when it is published for every region in every year kept.

    What was left out is reported in ``attrs``: ``attrs["suppressed"]`` = {section: [regions]} (rule 2, the
    cells moved into ``rest``), ``attrs["left_out"]`` = [sections] (rule 1, or incomplete without total).
    :func:`shift_share` reports both per region.
    """
    rows = level_rows(jobs, level)
    names = None
    if "region_name" in rows.columns:
        names = rows.dropna(subset=["region_name"]).groupby("region_code")["region_name"].first()
    rows = rows[["region_code", "sector", "year", "jobs"]].copy()
    rows["year"] = rows["year"].astype(int)
    regions = sorted(rows["region_code"].unique())
    n_regions = len(regions)
    sections = sorted(s for s in rows["sector"].unique() if _is_section(s))
    per_sector = rows.groupby("sector")["region_code"].nunique()
    held = [s for s in sections if per_sector.get(s, 0) == n_regions]
    if years is not None:
        wanted = sorted({int(y) for y in years})
        absent = [y for y in wanted if y not in set(rows["year"])]
        if absent:
            raise ParameterError(
                "year not in the jobs table",
                field="years",
                value=absent,
                expected=f"years in {sorted(rows['year'].unique())}",
            )
        rows = rows[rows["year"].isin(wanted)]
    has_total = TOTAL_SECTOR in set(rows["sector"])
    suppressed: dict[str, list[str]] = {}
    rows = _without_attrs(rows)
    if has_total:
        wide = _wide(rows[rows["sector"].isin([*held, TOTAL_SECTOR])])
        wide = wide[wide[TOTAL_SECTOR].notna()]
        counts = wide.reset_index().groupby("year")["region_code"].nunique()
        wide = wide[wide.index.get_level_values("year").isin(counts[counts == n_regions].index)]
        if wide.empty:
            raise InputError(
                "no year in which every region has a total",
                field="jobs",
                value=level,
                expected="the sector 'total' for every region in at least one year",
            )
        present = [s for s in held if s in wide.columns]
        sec = wide[present].astype(float)
        gaps = sec.isna().groupby(level="region_code").any()  # region x section: a blank in a year used
        for s in present:
            if gaps[s].any():
                suppressed[s] = sorted(map(str, gaps.index[gaps[s]]))
        sec = sec.mask(gaps.reindex(sec.index.get_level_values("region_code")).to_numpy())
        used = [s for s in present if sec[s].notna().any()]
        out_wide = sec[used].copy()
        rest = wide[TOTAL_SECTOR].astype(float) - sec[used].sum(axis=1, skipna=True)
        if not used or (rest.abs() > 1e-9).any():
            out_wide[REST_SECTOR] = rest
        left_out = [s for s in sections if s not in used]
    else:
        complete = [
            s
            for s in held
            if rows[rows["sector"] == s].groupby("year")["region_code"].nunique().min() == n_regions
        ]
        if not complete:
            raise InputError(
                "no sector usable for shift-share",
                field="sector",
                value=sorted(rows["sector"].unique()),
                expected="single-letter SBI sections and/or 'total' for every region",
            )
        out_wide = _wide(rows[rows["sector"].isin(complete)])
        out_wide = out_wide.dropna(how="any")
        counts = out_wide.reset_index().groupby("year")["region_code"].nunique()
        out_wide = out_wide[out_wide.index.get_level_values("year").isin(counts[counts == n_regions].index)]
        left_out = [s for s in sections if s not in complete]
    long = out_wide.rename_axis(columns="sector").stack().dropna().rename("jobs").reset_index()
    out = (
        long[["region_code", "sector", "year", "jobs"]]
        .sort_values(["region_code", "sector", "year"])
        .reset_index(drop=True)
    )
    if names is not None:
        out.attrs["unit_names"] = {str(k): str(v) for k, v in names.items()}
    out.attrs["suppressed"] = suppressed
    out.attrs["left_out"] = left_out
    return out


def _as_sector_table(table: pd.DataFrame, level: str, years: Iterable[int] | None = None) -> pd.DataFrame:
    """The shift-share long table: converted from the loaders' table (at ``level``, for ``years``) when it
    has ``region_level``."""
    if "region_level" in table.columns:
        return region_sector_table(table, level=level, years=years)
    return table


def _wide(rows: pd.DataFrame) -> pd.DataFrame:
    """(region, year) x sector of the first value per cell, rows and columns with no value dropped (as
    ``pivot_table(aggfunc="first")``, without its cost)."""
    first = rows[rows["jobs"].notna()].drop_duplicates(["region_code", "year", "sector"])
    wide = first.set_index(["region_code", "year", "sector"])["jobs"].unstack("sector")
    wide.columns.name = "sector"
    return wide.dropna(how="all").dropna(axis=1, how="all").sort_index()


def _without_attrs(table: pd.DataFrame) -> pd.DataFrame:
    out = table.copy(deep=False)
    out.attrs = {}
    return out


def _names(table: pd.DataFrame) -> dict[str, str]:
    names = dict(table.attrs.get("unit_names") or {})
    if not names and "region_name" in table.columns:
        pairs = table.dropna(subset=["region_name"]).groupby("region_code")["region_name"].first()
        names = {str(k): str(v) for k, v in pairs.items()}
    return names


def _check_table(table: pd.DataFrame) -> None:
    missing = [c for c in ("region_code", "sector", "year", "jobs") if c not in table.columns]
    if missing:
        raise InputError(
            "shift-share table lacks columns",
            field=", ".join(missing),
            value=sorted(map(str, table.columns)),
            expected="a long table region_code, sector, year, jobs (region_sector_table), or the loaders' "
            "regional jobs table",
        )


def _cube(
    table: pd.DataFrame, start_year: int, end_year: int
) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, list[str]]]:
    """Region x sector matrices of jobs in the start and end year, and the cells absent in both years.

    A cell absent in both years (a section left in a region's ``rest`` by :func:`region_sector_table`, or a
    sector a region does not have) counts as zero jobs, so it adds nothing to the national reference; a cell
    present in one year only is an error."""
    _check_table(table)
    if start_year >= end_year:
        raise ParameterError(
            "start year must come before end year",
            field="start_year",
            value=(start_year, end_year),
            expected="start_year < end_year",
        )
    out = []
    for year in (start_year, end_year):
        rows = table[table["year"] == year]
        if rows.empty:
            raise ParameterError(
                "year not in the shift-share table",
                field="year",
                value=year,
                expected=f"one of {sorted(table['year'].unique())}",
            )
        out.append(rows.pivot_table(index="region_code", columns="sector", values="jobs", aggfunc="sum"))
    start, end = out
    start, end = start.align(end, join="outer")
    both = start.isna() & end.isna()
    one = start.isna() ^ end.isna()
    if one.any().any():
        region = one.any(axis=1).idxmax()
        sector = one.loc[region].idxmax()
        raise InputError(
            "shift-share needs every region and sector in both years",
            field="jobs",
            value=(region, sector),
            expected=f"jobs in {start_year} and {end_year}",
        )
    absent = {
        str(sector): sorted(map(str, both.index[both[sector]]))
        for sector in both.columns
        if both[sector].any()
    }
    return start.fillna(0.0).astype(float), end.fillna(0.0).astype(float), absent


def _decompose(start: pd.DataFrame, end: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, float]:
    """Component matrices (region x sector) for all regions at once."""
    nat0 = start.sum(axis=0)
    nat1 = end.sum(axis=0)
    total0 = float(nat0.sum())
    if total0 == 0:
        raise InputError("national reference has zero jobs in the start year", field="jobs", value=0)
    g = float(nat1.sum()) / total0 - 1.0
    with np.errstate(divide="ignore", invalid="ignore"):
        g_i = (nat1 / nat0 - 1.0).where(nat0 != 0, 0.0)
    actual = end - start
    national = start * g
    industry_mix = start.mul(g_i - g, axis=1)
    regional = actual - national - industry_mix
    return actual, pd.concat({"national": national, "industry_mix": industry_mix, "regional": regional}), g


def shift_share(
    table: pd.DataFrame,
    region: str,
    start_year: int,
    end_year: int,
    caveats: list[str] | None = None,
    *,
    level: str = "corop",
) -> ShiftShareResult:
    """Shift-share of ``region`` between ``start_year`` and ``end_year``.

    Args:
        table: long table ``region_code, sector, year, jobs`` (e.g. from :func:`region_sector_table`), or the
            loaders' regional jobs table, converted at ``level`` for the two years compared (so a section
            goes to a region's ``rest`` only when it is suppressed there in the start or end year); the
            national reference is its sum over regions.
        region: region code or name present in the table.
        start_year, end_year: the two years compared.
        caveats: text to carry in the result (e.g. ``ccresearch.regional.caveats(sector)``).
        level: the region level used when ``table`` is the loaders' table.
    """
    names = _names(table)
    table = _as_sector_table(table, level, (start_year, end_year))
    names = names or _names(table)
    left_out = [str(s) for s in table.attrs.get("left_out", [])]
    table = _without_attrs(table)  # pandas deep-copies attrs on every operation: keep them out of the sums
    start, end, absent = _cube(table, start_year, end_year)
    region = resolve_unit(region, list(start.index), names, field="region", label="region")
    nat0, nat1 = start.sum(axis=0), end.sum(axis=0)
    actual, comps, g = _decompose(start, end)
    with np.errstate(divide="ignore", invalid="ignore"):
        g_i = (nat1 / nat0 - 1.0).where(nat0 != 0, 0.0)
        g_r = (end.loc[region] / start.loc[region] - 1.0).where(start.loc[region] != 0, np.nan)
    by_sector = pd.DataFrame(
        {
            "jobs_start": start.loc[region],
            "jobs_end": end.loc[region],
            "national_growth_rate": g,
            "sector_growth_rate": g_i,
            "regional_growth_rate": g_r,
            "national": comps.loc["national"].loc[region],
            "industry_mix": comps.loc["industry_mix"].loc[region],
            "regional": comps.loc["regional"].loc[region],
            "actual": actual.loc[region],
        }
    )
    by_sector.index.name = "sector"
    by_sector = by_sector.drop(index=[s for s, regions in absent.items() if region in regions])
    return ShiftShareResult(
        region=region,
        start_year=int(start_year),
        end_year=int(end_year),
        by_sector=by_sector,
        national_growth_rate=g,
        caveats=list(caveats or []),
        suppressed=absent,
        left_out=left_out,
    )


def shift_share_all(
    table: pd.DataFrame, start_year: int, end_year: int, sector: str | None = None, *, level: str = "corop"
) -> pd.DataFrame:
    """Shift-share components for every region of the table: index region, columns
    ``national, industry_mix, regional, actual`` (one sector, or summed over sectors when ``None``).
    ``table`` as in :func:`shift_share` (the loaders' table is converted at ``level``)."""
    table = _as_sector_table(table, level, (start_year, end_year))
    start, end, absent = _cube(table, start_year, end_year)
    actual, comps, _ = _decompose(start, end)
    frames = {name: comps.loc[name] for name in COMPONENTS}
    frames["actual"] = actual
    if sector is None:
        out = pd.DataFrame({k: v.sum(axis=1) for k, v in frames.items()})
    else:
        if sector not in start.columns:
            raise ParameterError(
                "sector not in the shift-share table",
                field="sector",
                value=sector,
                expected=f"one of {list(start.columns)}",
            )
        out = pd.DataFrame({k: v[sector] for k, v in frames.items()})
        out.loc[out.index.isin(absent.get(str(sector), [])), :] = np.nan  # suppressed there: in rest
    out.index.name = "region_code"
    return out


BY_START_YEAR_COLUMNS = (
    "start_year",
    "end_year",
    "national",
    "industry_mix",
    "regional",
    "actual",
    "jobs_start",
    "jobs_end",
    "national_growth_rate",
    "sections_in_rest",
    "sections_suppressed",
)


def shift_share_by_start_year(
    table: pd.DataFrame,
    region: str,
    start_years: Iterable[int],
    end_year: int,
    sector: str | None = None,
    *,
    level: str = "corop",
) -> pd.DataFrame:
    """Shift-share components of ``region`` from each of ``start_years`` to ``end_year`` (Dunn 1960).

    One :func:`shift_share` per start year, so each start year follows the same rules (with the loaders'
    table, the suppressed cells of that start year and of ``end_year`` go to ``rest``). Returns one row per
    start year, sorted, with columns ``start_year, end_year, national, industry_mix, regional, actual,
    jobs_start, jobs_end, national_growth_rate, sections_in_rest, sections_suppressed``
    (``sections_in_rest``: the region's sections counted in its ``rest``; ``sections_suppressed``: the
    sections whose national reference leaves out a region with a suppressed cell; comma-separated, "" if
    none): for the region's whole economy (``sector=None``: summed over
    the sectors) or for one sector. For a sector suppressed in the region in a start year the row is NaN
    (its jobs are in ``rest`` then). ``national + industry_mix + regional == actual`` in every row.
    """
    years = sorted({int(y) for y in start_years})
    if not years:
        raise ParameterError("no start year given", field="start_years", value=[], expected="e.g. 2010..2023")
    late = [y for y in years if y >= int(end_year)]
    if late:
        raise ParameterError(
            "start years must come before the end year",
            field="start_years",
            value=late,
            expected=f"years before {int(end_year)}",
        )
    if "region_level" in table.columns:  # the loaders' table: its level's rows and the years used, once
        wanted = {*years, int(end_year)}
        table = _without_attrs(table[(table["region_level"] == level) & table["year"].isin(wanted)])
    rows = []
    for year in years:
        res = shift_share(table, region, year, int(end_year), level=level)
        row: dict[str, Any] = {"start_year": year, "end_year": int(end_year)}
        if sector is None:
            row.update(res.totals)
            row["jobs_start"] = float(res.by_sector["jobs_start"].sum())
            row["jobs_end"] = float(res.by_sector["jobs_end"].sum())
        elif sector in res.by_sector.index:
            row.update(res.summary(sector))
            row["jobs_start"] = float(res.by_sector.loc[sector, "jobs_start"])
            row["jobs_end"] = float(res.by_sector.loc[sector, "jobs_end"])
        elif sector in res.sections_in_rest:
            row.update(dict.fromkeys([*COMPONENTS, "actual", "jobs_start", "jobs_end"], np.nan))
        else:
            res.summary(sector)  # raises: sector not in the table
        row["national_growth_rate"] = float(res.national_growth_rate)
        row["sections_in_rest"] = ", ".join(res.sections_in_rest)
        row["sections_suppressed"] = ", ".join(sorted(res.suppressed))
        rows.append(row)
    out = pd.DataFrame(rows, columns=list(BY_START_YEAR_COLUMNS))
    out.attrs["region"] = res.region
    out.attrs["sector"] = sector
    return out
