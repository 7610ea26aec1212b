"""Classic shift-share: a region's job change split into national growth, industry mix and regional shift.

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
they convert with :func:`region_sector_table` at ``level``. A region may be given by code or by name (from
the table's ``region_name`` column), matched ignoring case and accents.
"""

from __future__ import annotations

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

__all__ = ["ShiftShareResult", "region_sector_table", "shift_share", "shift_share_all"]


@dataclass(repr=False)
class ShiftShareResult(ResultDisplay):
    """Shift-share of one region between two years.

    Attributes:
        region: region code.
        start_year, end_year: the two years compared.
        by_sector: one row per sector: ``jobs_start, jobs_end, national_growth_rate, sector_growth_rate,
            regional_growth_rate, national, industry_mix, regional, actual``.
        national_growth_rate: growth of all jobs in the reference (sum over the table's regions).
    """

    region: str
    start_year: int
    end_year: int
    by_sector: pd.DataFrame
    national_growth_rate: float
    caveats: list[str] = field(default_factory=list)

    def summary(self, sector: str | None = None) -> dict[str, float]:
        """``national, industry_mix, regional, actual`` for one sector, or summed over all (``None``)."""
        cols = [*COMPONENTS, "actual"]
        if sector is None:
            values = self.by_sector[cols].sum()
        else:
            if sector not in self.by_sector.index:
                raise ParameterError(
                    "sector not in the shift-share table",
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


def region_sector_table(jobs: pd.DataFrame, level: str = "corop") -> pd.DataFrame:
    """Long table region x sector x year for shift-share: columns ``region_code, sector, year, jobs``.

    Input: the loaders' regional jobs table (``ccresearch.load_regional_jobs()``; columns ``region_code,
    region_level, sector, year, jobs``, and ``region_name`` if present, which is carried along). The sectors
    are the single-letter SBI sections present for every region and year at ``level``, plus ``rest`` =
    total - sum(sections) when ``total`` is available and the difference is not zero everywhere. With only
    ``total`` and ``N`` this gives ``N`` and ``rest``; with the full CBS table it gives the sections A-U (and a
    small ``rest`` from rounding). Only years in which every region has every sector are kept, so the
    national reference (sum over the regions) covers the same units in every year. Rows of other levels
    (e.g. CR99, ``unclassified``; country rows) are left out.
    """
    rows = level_rows(jobs, level)
    names = None
    if "region_name" in rows.columns:
        names = rows.dropna(subset=["region_name"]).groupby("region_code")["region_name"].first()
    rows = rows[["region_code", "sector", "year", "jobs"]].copy()
    rows["year"] = rows["year"].astype(int)
    n_regions = rows["region_code"].nunique()
    sections = sorted(s for s in rows["sector"].unique() if _is_section(s))
    complete = [
        s
        for s in sections
        if rows[rows["sector"] == s].groupby("year")["region_code"].nunique().min() == n_regions
    ]
    has_total = TOTAL_SECTOR in set(rows["sector"])
    if not complete and not has_total:
        raise InputError(
            "no sector usable for shift-share",
            field="sector",
            value=sorted(rows["sector"].unique()),
            expected="single-letter SBI sections and/or 'total' for every region",
        )
    wide = rows[rows["sector"].isin([*complete, TOTAL_SECTOR])].pivot_table(
        index=["region_code", "year"], columns="sector", values="jobs", aggfunc="first"
    )
    wide = wide.dropna(how="any")
    counts = wide.reset_index().groupby("year")["region_code"].nunique()
    keep_years = counts[counts == n_regions].index
    wide = wide[wide.index.get_level_values("year").isin(keep_years)]
    if has_total:
        rest = wide[TOTAL_SECTOR] - (wide[complete].sum(axis=1) if complete else 0.0)
        wide = wide.drop(columns=TOTAL_SECTOR)
        if not complete or (rest.abs() > 1e-9).any():
            wide[REST_SECTOR] = rest
    long = wide.rename_axis(columns="sector").stack().rename("jobs").reset_index()
    out = (
        long[["region_code", "sector", "year", "jobs"]]
        .sort_values(["region_code", "sector", "year"])
        .reset_index(drop=True)
    )
    if names is not None:
        out.attrs["unit_names"] = {str(k): str(v) for k, v in names.items()}
    return out


def _as_sector_table(table: pd.DataFrame, level: str) -> pd.DataFrame:
    """The shift-share long table: converted from the loaders' table when it has ``region_level``."""
    if "region_level" in table.columns:
        return region_sector_table(table, level=level)
    return table


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


def _cube(table: pd.DataFrame, start_year: int, end_year: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Region x sector matrices of jobs in the start and end year (missing cells -> error)."""
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
    if start.isna().any().any() or end.isna().any().any():
        where = start.isna() | end.isna()
        region = where.any(axis=1).idxmax()
        sector = where.loc[region].idxmax()
        raise InputError(
            "shift-share needs every region and sector in both years",
            field="jobs",
            value=(region, sector),
            expected=f"jobs in {start_year} and {end_year}",
        )
    return start.astype(float), end.astype(float)


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
            loaders' regional jobs table (converted at ``level``); the national reference is its sum over
            regions.
        region: region code or name present in the table.
        start_year, end_year: the two years compared.
        caveats: text to carry in the result (e.g. ``ccresearch.regional.caveats(sector)``).
        level: the region level used when ``table`` is the loaders' table.
    """
    names = _names(table)
    table = _as_sector_table(table, level)
    names = names or _names(table)
    start, end = _cube(table, start_year, end_year)
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
    return ShiftShareResult(
        region=region,
        start_year=int(start_year),
        end_year=int(end_year),
        by_sector=by_sector,
        national_growth_rate=g,
        caveats=list(caveats or []),
    )


def shift_share_all(
    table: pd.DataFrame, start_year: int, end_year: int, sector: str | None = None, *, level: str = "corop"
) -> pd.DataFrame:
    """Shift-share components for every region of the table: index region, columns
    ``national, industry_mix, regional, actual`` (one sector, or summed over sectors when ``None``).
    ``table`` as in :func:`shift_share` (the loaders' table is converted at ``level``)."""
    table = _as_sector_table(table, level)
    start, end = _cube(table, start_year, end_year)
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
    out.index.name = "region_code"
    return out
