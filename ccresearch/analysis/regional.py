"""Regional jobs: from the tidy CBS jobs table to the panels and tables the methods need.

Input is the tidy regional jobs table (``ccresearch.load_regional_jobs()``) with the columns
``region_code, region_name, region_level, sbi_key, sbi_label, sector, year, jobs, source_table``;
``jobs`` is an absolute count (the CBS unit "x 1 000" already multiplied out).

Conventions used throughout (and stated in the notebooks):

- The national reference is the SUM OF THE REGIONS AT THE CHOSEN LEVEL (COROP by default). CBS row CR99
  ("niet indeelbaar", jobs not classifiable to a region) has ``region_level == "unclassified"`` and is left
  out: it is absent in table 83582NED for 2012-2018 and grows from 3.7k (2010) to 27.6k (2024) total jobs, so
  adding it where present would put an artificial break in the national series. Country rows (NL01) are not
  used for the same reason: the reference must be the same set of units in every year.
- Sectors: with only ``total`` and ``N`` in the table the sectors are ``N`` and ``rest`` = total - N. With a full
  table (all SBI sections, one letter each) the sections are used, plus ``rest`` = total - sum of sections
  when that is not exactly zero (CBS rounds each cell to 100 jobs). Aggregates such as ``M-N`` are never
  mixed with their parts. No CBS codes or sector letters are hard-coded.

Contents: panels and tables (:func:`panel`, :func:`netherlands`, :func:`region_sector_table`); facts about
the data that the report's caveats state, computed from the data (:func:`agency_share`, :func:`unclassified`,
:func:`provisional_years`); the whole analysis of one region (:func:`analyse_region` -> :class:`RegionalAnalysis`,
with shift-share, DiD, event study with its placebo band (:func:`event_study_placebos`) and synthetic control
with placebos, fits closer than the CBS rounding counting as exact (:func:`rounding_floor`; :func:`synth_ratios`
for the placebo ratios with a rounding floor); stated jobs targets set against the data (:func:`target_facts`,
:func:`target_check`). The case (which entities carry the targets, which cells give the agency share) is data:
the ``regional`` section of ``cases.yaml``. No words and no drawing here: the report (``ccresearch.report.regional``)
writes and draws.
"""

from __future__ import annotations

import functools
import re
import warnings
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from ccresearch.analysis.methods.shiftshare import level_rows, region_sector_table  # the method owns them
from ccresearch.analysis.sensitivity import effect_interval_jobs
from ccresearch.errors import InputError, ParameterError

REQUIRED_COLUMNS = ("region_code", "region_level", "sector", "year", "jobs")
# CBS publishes regional jobs in thousands with one decimal: each cell is rounded to 100 jobs, so its
# rounding error is uniform on +-50 jobs, with root mean square 50 / sqrt(3) jobs.
CBS_ROUNDING_STEP = 100.0  # jobs; a table's own step is in its ``precision`` column (births: 5)
CBS_ROUNDING_RMSE_JOBS = CBS_ROUNDING_STEP / 2 / 3**0.5
MEASURES = ("jobs", "births")  # the counts notebook 03 can analyse: CBS 83582NED jobs, 83631NED births
REST_SECTOR = "rest"
TOTAL_SECTOR = "total"

__all__ = [
    "MEASURES",
    "REST_SECTOR",
    "TOTAL_SECTOR",
    "AgencyShare",
    "RegionalAnalysis",
    "Unclassified",
    "agency_share",
    "analyse_region",
    "case",
    "event_study_placebos",
    "later_claims",
    "measure_table",
    "netherlands",
    "outcome_table",
    "panel",
    "provisional_years",
    "region_codes",
    "region_sector_table",
    "rounding_floor",
    "synth_p_value",
    "synth_ratios",
    "target_check",
    "target_facts",
    "target_region",
    "unclassified",
    "zero_counts",
]


def _check_columns(jobs: pd.DataFrame, columns: Iterable[str] = REQUIRED_COLUMNS) -> None:
    missing = [c for c in columns if c not in jobs.columns]
    if missing:
        raise InputError(
            "regional jobs table lacks columns",
            field=", ".join(missing),
            value=sorted(map(str, jobs.columns)),
            expected=f"columns {', '.join(columns)} (see ccresearch.load_regional_jobs)",
        )


def _select(jobs: pd.DataFrame, *, level: str, sector: str | None = None) -> pd.DataFrame:
    _check_columns(jobs)
    rows = level_rows(jobs, level)  # the level's rows, checked (one figure per region, sector and year)
    if sector is not None:
        chosen = rows[rows["sector"] == sector]
        if chosen.empty:
            available = sorted(jobs.loc[jobs["region_level"] == level, "sector"].dropna().unique())
            raise ParameterError(
                f"no rows for this sector at level {level!r}",
                field="sector",
                value=sector,
                expected=f"one of {available}",
            )
        rows = chosen
    return rows


def measure_table(measure: str = "jobs", table: pd.DataFrame | None = None) -> pd.DataFrame:
    """The tidy table of ``measure`` (``jobs``: :func:`ccresearch.load_regional_jobs`; ``births``:
    :func:`ccresearch.load_regional_births`) with its count in the column ``jobs``, the name the regional
    methods read, and its ``precision`` (CBS rounding step) kept. ``table`` is used instead of loading."""
    if measure not in MEASURES:
        raise ParameterError(
            "unknown measure", field="measure", value=measure, expected=f"one of {list(MEASURES)}"
        )
    if table is None:
        from ccresearch.build import loaders

        table = loaders.load_regional_jobs() if measure == "jobs" else loaders.load_regional_births()
    if measure != "jobs" and measure in table.columns:
        table = table.rename(columns={measure: "jobs"})
    return table


def precision_of(table: pd.DataFrame, sector: str, level: str = "corop") -> float:
    """The CBS rounding step of ``sector`` at ``level`` from the table's ``precision`` column (100 jobs when the
    table has none, as in the two-row transcription)."""
    if "precision" not in table.columns:
        return CBS_ROUNDING_STEP
    from ccresearch.build.loaders import measure_precision  # the coarsest step of the rows (one rule)

    rows = table[(table["sector"] == sector) & (table["region_level"] == level)]
    return measure_precision(rows) if rows["precision"].notna().any() else CBS_ROUNDING_STEP


def region_codes(jobs: pd.DataFrame, level: str = "corop") -> list[str]:
    """Sorted region codes present at ``level`` (e.g. the 40 COROP codes CR01-CR40)."""
    return sorted(_select(jobs, level=level)["region_code"].unique())


def panel(
    jobs: pd.DataFrame,
    sector: str = "N",
    level: str = "corop",
    outcome: Literal["jobs", "index"] = "jobs",
    base_year: int | None = None,
    years: Iterable[int] | tuple[int, int] | None = None,
) -> pd.DataFrame:
    """Year x region table of one sector: absolute jobs, or an index (= 100 in ``base_year``).

    Args:
        jobs: the tidy regional jobs table.
        sector: the ``sector`` value to use (e.g. ``"N"``, ``"total"``).
        level: the ``region_level`` (``"corop"``; a full table may also hold ``"gemeente"``, ``"provincie"``).
        outcome: ``"jobs"`` (absolute count) or ``"index"`` (each region = 100 in ``base_year``).
        base_year: required for ``outcome="index"``; callers pass the year before treatment.
        years: a tuple ``(first, last)`` (inclusive) or a list of years to keep.

    Returns:
        DataFrame with index ``year`` (int) and one column per region code, sorted. Regions with a missing
        year inside the window are left out with a warning naming them, so the panel is balanced.
    """
    rows = _select(jobs, level=level, sector=sector)
    wide = rows.pivot(index="year", columns="region_code", values="jobs").sort_index()
    wide.index = wide.index.astype(int)
    wide.index.name = "year"
    wide.columns.name = "region_code"
    wide = wide[sorted(wide.columns)]
    if years is not None:
        wanted = _year_list(years)
        absent = [y for y in wanted if y not in wide.index]
        if absent:
            raise ParameterError(
                "years outside the data",
                field="years",
                value=absent,
                expected=f"years between {wide.index.min()} and {wide.index.max()}",
            )
        wide = wide.loc[wanted]
    incomplete = [str(c) for c in wide.columns[wide.isna().any()]]
    if incomplete:
        warnings.warn(
            f"panel: {len(incomplete)} region(s) left out for missing years in the window: "
            + ", ".join(incomplete[:10])
            + (" ..." if len(incomplete) > 10 else ""),
            stacklevel=2,
        )
        wide = wide.drop(columns=incomplete)
    if outcome == "jobs":
        return wide.astype(float)
    if outcome != "index":
        raise ParameterError("unknown outcome", field="outcome", value=outcome, expected="'jobs' or 'index'")
    if base_year is None:
        raise ParameterError(
            "an index needs a base year", field="base_year", value=None, expected="a year in the panel"
        )
    if base_year not in wide.index:
        raise ParameterError(
            "base year outside the panel",
            field="base_year",
            value=base_year,
            expected=f"a year between {wide.index.min()} and {wide.index.max()}",
        )
    base = wide.loc[base_year]
    zero = base[base == 0]
    if not zero.empty:
        raise InputError(
            "cannot index a region with zero jobs in the base year",
            field="jobs",
            value=list(zero.index),
            expected="jobs > 0 in the base year",
        )
    return (wide / base * 100.0).astype(float)


def _year_list(years: Iterable[int] | tuple[int, int]) -> list[int]:
    """A tuple ``(first, last)`` is an inclusive range; any other iterable is an explicit list of years."""
    if isinstance(years, tuple) and len(years) == 2:
        return list(range(int(years[0]), int(years[1]) + 1))
    return [int(y) for y in years]


def netherlands(
    jobs: pd.DataFrame,
    sector: str = "N",
    level: str = "corop",
    outcome: Literal["jobs", "index"] = "jobs",
    base_year: int | None = None,
    years: Iterable[int] | tuple[int, int] | None = None,
) -> pd.Series:
    """The national series of one sector: the sum over all regions at ``level`` (CR99 excluded).

    Same arguments as :func:`panel`; an index is 100 in ``base_year``.
    """
    wide = panel(jobs, sector=sector, level=level, outcome="jobs", years=years)
    total = wide.sum(axis=1).rename("NL")
    if outcome == "index":
        if base_year is None or base_year not in total.index:
            raise ParameterError(
                "an index needs a base year in the series",
                field="base_year",
                value=base_year,
                expected=f"a year between {total.index.min()} and {total.index.max()}",
            )
        total = total / total.loc[base_year] * 100.0
    return total


# --- the case definition (ccresearch/analysis/cases.yaml, section ``regional``) --------------------------

CASES = Path(__file__).resolve().parent / "cases.yaml"


@functools.cache
def case() -> dict[str, Any]:
    """The ``regional`` section of ``cases.yaml``: target entities and measures, the agency-share cells."""
    import yaml

    data = yaml.safe_load(CASES.read_text(encoding="utf-8")) or {}
    section = data.get("regional") or {}
    for key in ("target", "agency_share", "status_table"):
        if key not in section:
            raise InputError(
                "case definition lacks a key",
                file=CASES,
                field=f"regional.{key}",
                expected="see the file's comments",
            )
    return section


# --- facts about the data that the caveats state, computed from the data ---------------------------------


@dataclass(frozen=True)
class AgencyShare:
    """Jobs of one SBI division within its section, nationally, in one year (from the national CBS table)."""

    division: str
    section: str
    year: int
    division_jobs: float
    section_jobs: float
    table: str

    @property
    def share(self) -> float:
        """The division's jobs as a share of the section's."""
        return self.division_jobs / self.section_jobs


@dataclass(frozen=True)
class Unclassified:
    """Jobs CBS cannot assign to a region (row CR99 of the regional table): years present and absent."""

    years_present: tuple[int, ...]
    years_absent: tuple[int, ...]
    first_year: int | None
    first_jobs: float | None
    last_year: int | None
    last_jobs: float | None


def agency_share(jobs: pd.DataFrame, definition: dict[str, Any] | None = None) -> AgencyShare | None:
    """The share of the division (employment agencies, SBI 78) in its section (N), nationally, in the latest
    year with both figures; None when the table holds no such rows. The cells are named in ``cases.yaml``."""
    d = definition or case()["agency_share"]
    rows = jobs[(jobs["region_code"] == d["region"]) & jobs["sector"].isin([d["division"], d["section"]])]
    if "source_table" in rows.columns:
        rows = rows[rows["source_table"] == d["table"]]
    wide = rows.pivot_table(index="year", columns="sector", values="jobs", aggfunc="first")
    if d["division"] not in wide.columns or d["section"] not in wide.columns:
        return None
    wide = wide.dropna(subset=[d["division"], d["section"]])
    if wide.empty:
        return None
    year = int(wide.index.max())
    return AgencyShare(
        division=str(d["division"]),
        section=str(d["section"]),
        year=year,
        division_jobs=float(wide.loc[year, d["division"]]),
        section_jobs=float(wide.loc[year, d["section"]]),
        table=str(d["table"]),
    )


def unclassified(jobs: pd.DataFrame, years: Iterable[int], sector: str = TOTAL_SECTOR) -> Unclassified:
    """Years in which the regional table has jobs not classifiable to a region (``unclassified`` rows)."""
    wanted = sorted(int(y) for y in years)
    rows = jobs[(jobs["region_level"] == "unclassified") & (jobs["sector"] == sector)].dropna(subset=["jobs"])
    series = rows.groupby("year")["jobs"].sum()
    series.index = series.index.astype(int)
    present = tuple(y for y in wanted if y in series.index)
    absent = tuple(y for y in wanted if y not in series.index)
    first, last = (present[0], present[-1]) if present else (None, None)
    return Unclassified(
        years_present=present,
        years_absent=absent,
        first_year=first,
        first_jobs=None if first is None else float(series.loc[first]),
        last_year=last,
        last_jobs=None if last is None else float(series.loc[last]),
    )


def provisional_years(status: pd.DataFrame, table: str) -> tuple[int, ...]:
    """Years of ``table`` that the status file marks provisional (also "provisional (likely)")."""
    rows = status[(status["table_id"] == table) & status["status"].str.startswith("provisional")]
    return tuple(sorted(int(y) for y in rows["period"]))


def event_study_placebos(panel: pd.DataFrame, treated: str, reference_year: int, log: bool) -> pd.DataFrame:
    """Event-study coefficients of every unit, computed from the panel: year x unit.

    The coefficient of a unit in a year is its change since the reference year minus the mean change of its
    comparison units (for the treated unit: all donors; for a donor: the other donors, never the treated one).
    On a balanced panel this equals the two-way fixed-effects event-study coefficient; the spread of the donors'
    coefficients is the placebo band of the treated region's coefficient.
    """
    values = np.log(panel) if log else panel
    change = values - values.loc[reference_year]
    donors = [c for c in panel.columns if c != treated]
    out = {treated: change[treated] - change[donors].mean(axis=1)}
    total = change[donors].sum(axis=1)
    n = len(donors)
    for unit in donors:
        out[unit] = change[unit] - (total - change[unit]) / (n - 1) if n > 1 else change[unit] * np.nan
    frame = pd.DataFrame(out)[[treated, *donors]]
    frame.index.name = "year"
    return frame


# --- the whole analysis of one region (what notebook 03 shows) -----------------------------------------

#: ids of the caveats the report states (words in the report's catalogue, figures from the result)
CAVEATS_N = ("no_call_centre_code", "sector_n_proxy", "agency_share", "agency_workers")
CAVEATS_TOTAL = ("total_not_specific",)
CAVEATS_OTHER = ("sector_not_specific",)
CAVEATS_ALL = ("december_count", "provisional", "national_reference", "rounding", "one_treated_region")
CAVEATS_BIRTHS = (
    "births_not_jobs",
    "no_call_centre_code",
    "births_rounding",
    "provisional",
    "one_treated_region",
)
CAVEATS_BIRTHS_82 = (
    "births_not_jobs",
    "division_82_proxy",
    "births_rounding",
    "provisional",
    "one_treated_region",
)

DID_STATISTICS = (
    "estimate",
    "se",
    "p_value_clustered",
    "placebo_p_value",
    "pretrend_f",
    "pretrend_p_value_clustered",
    "pretrend_placebo_p_value",
)


@dataclass
class RegionalAnalysis:
    """Every result of the regional job-growth analysis of one region and sector: numbers and tables, no words.

    Built by :func:`analyse_region`. ``synth`` and ``placebo`` come from
    :mod:`ccresearch.analysis.methods.synth` and are ``None`` when synthetic control was not asked for.
    Tables have stable column ids; names of regions are in ``unit_names``.
    """

    region: str
    sector: str
    treatment_year: int
    start_year: int
    end_year: int
    outcome: str
    base_year: int
    donors: list[str]
    jobs: pd.DataFrame  # year x region, absolute jobs of the sector (all regions at the level)
    panel: pd.DataFrame  # year x [region, *donors], the outcome the methods use
    netherlands: pd.Series  # year -> national jobs of the sector (sum of the regions)
    shift_share: Any
    did: Any
    event_study: Any
    synth: Any = None
    placebo: Any = None
    synth_inference: pd.DataFrame | None = None  # unit -> pre/post RMSPE, floor, ratio (see synth_ratios)
    event_placebos: pd.DataFrame | None = None  # year x unit: event-study coefficient of each unit
    sensitivity: Any = None  # intervals, robustness, specification curve (ccresearch.analysis.sensitivity)
    shift_share_years: pd.DataFrame | None = None  # shift-share components by start year (to end_year)
    triple: Any = None  # triple difference: the sector against the rest of the region (methods.triple)
    level: str = "corop"
    unit_names: dict[str, str] = field(default_factory=dict)
    precision_jobs: float = 100.0  # CBS rounds each cell to 100 jobs (births: 5)
    measure: str = "jobs"  # the count analysed: jobs (83582NED) or establishment births (83631NED)
    excluded: tuple[str, ...] = ()  # regions left out: a zero count where the outcome needs a positive one
    provisional_years: tuple[int, ...] = ()
    data_table: str = "83582NED"
    agency: AgencyShare | None = None
    unclassified: Unclassified | None = None
    target_facts: pd.DataFrame = field(default_factory=pd.DataFrame)
    targets: pd.DataFrame = field(default_factory=pd.DataFrame)
    later: pd.DataFrame = field(default_factory=pd.DataFrame)
    target_region: str | None = None
    sources: pd.DataFrame = field(default_factory=pd.DataFrame)
    caveats: tuple[str, ...] = ()

    # names ------------------------------------------------------------------------------------------------
    @property
    def region_name(self) -> str:
        """The name of the region (its code when no name is known)."""
        return self.name(self.region)

    def name(self, code: str) -> str:
        """The name of a region code (the code when no name is known)."""
        return self.unit_names.get(code, code)

    @property
    def log(self) -> bool:
        """True when the DiD models log jobs (outcome ``jobs``), False for the index."""
        return self.outcome == "jobs"

    # tables -----------------------------------------------------------------------------------------------
    def trends(self) -> pd.DataFrame:
        """Index (= 100 in the base year) of the region, the Netherlands and the donors (mean, 10th and 90th
        percentile). Columns ``region, netherlands, donors_mean, donors_p10, donors_p90``; index ``year``."""
        jobs = self.jobs
        index = jobs / jobs.loc[self.base_year] * 100.0
        nl = self.netherlands / self.netherlands.loc[self.base_year] * 100.0
        out = pd.DataFrame(
            {
                "region": index[self.region],
                "netherlands": nl,
                "donors_mean": index[self.donors].mean(axis=1),
                "donors_p10": index[self.donors].quantile(0.10, axis=1),
                "donors_p90": index[self.donors].quantile(0.90, axis=1),
            }
        )
        return out.loc[self.start_year : self.end_year]

    def key_years(self) -> pd.DataFrame:
        """Jobs of the sector in the region and the Netherlands in the key years, and the region's share.

        Columns ``year, region_jobs, netherlands_jobs, share, provisional``."""
        years = sorted({self.start_year, self.base_year, self.treatment_year, self.end_year})
        out = pd.DataFrame(
            {
                "year": years,
                "region_jobs": [float(self.jobs.loc[y, self.region]) for y in years],
                "netherlands_jobs": [float(self.netherlands.loc[y]) for y in years],
            }
        )
        out["share"] = out["region_jobs"] / out["netherlands_jobs"]
        out["provisional"] = out["year"].isin(self.provisional_years)
        return out

    def shift_share_table(self) -> pd.DataFrame:
        """Shift-share by sector: ``sector, jobs_start, jobs_end, national, industry_mix, regional, actual``."""
        cols = ["jobs_start", "jobs_end", "national", "industry_mix", "regional", "actual"]
        table = self.shift_share.by_sector[cols].reset_index()
        return table.rename(columns={table.columns[0]: "sector"})

    def did_table(self) -> pd.DataFrame:
        """DiD estimate with clustered and placebo inference and both pre-trend tests: ``statistic, value``
        (statistic ids in :data:`DID_STATISTICS`)."""
        d, e = self.did, self.event_study
        values = {
            "estimate": d.estimate,
            "se": d.se,
            "p_value_clustered": d.p_value_clustered,
            "placebo_p_value": d.placebo_p_value,
            "pretrend_f": e.pretrend_f,
            "pretrend_p_value_clustered": e.pretrend_p_value,
            "pretrend_placebo_p_value": e.pretrend_placebo_p_value,
        }
        return pd.DataFrame(
            {"statistic": list(DID_STATISTICS), "value": [float(values[k]) for k in DID_STATISTICS]}
        )

    def event_band(self, low: float = 0.05, high: float = 0.95) -> pd.DataFrame:
        """Event-study coefficients with the placebo band: ``year, coef, placebo_low, placebo_high, ci_low,
        ci_high, placebo_share`` (share of placebo regions whose coefficient is at least as far from zero)."""
        c = self.event_study.coefficients.set_index("year")
        placebos = self.event_placebos.drop(columns=[self.region])
        own = self.event_placebos[self.region]
        far = placebos.abs().ge(own.abs() - 1e-12, axis=0).sum(axis=1)
        out = pd.DataFrame(
            {
                "year": c.index.astype(int),
                "coef": c["coef"].to_numpy(),
                "placebo_low": placebos.quantile(low, axis=1).reindex(c.index).to_numpy(),
                "placebo_high": placebos.quantile(high, axis=1).reindex(c.index).to_numpy(),
                "ci_low": c["ci_low"].to_numpy(),
                "ci_high": c["ci_high"].to_numpy(),
                "placebo_share": (far / placebos.shape[1]).reindex(c.index).to_numpy(),
            }
        )
        return out.sort_values("year").reset_index(drop=True)

    def weights_table(self, threshold: float = 0.01) -> pd.DataFrame:
        """Synthetic-control donor weights above ``threshold``, largest first: ``code, name, weight``."""
        if self.synth is None:
            return pd.DataFrame(columns=["code", "name", "weight"])
        w = self.synth.weights
        w = w[w > threshold].sort_values(ascending=False)
        return pd.DataFrame(
            {"code": list(w.index), "name": [self.name(c) for c in w.index], "weight": w.to_numpy()}
        )

    def synth_post_gap(self) -> float:
        """Mean synthetic-control gap over the years from the treatment year (outcome units)."""
        path = self.synth.path
        return float(path.loc[path.index >= self.treatment_year, "gap"].mean())

    def synth_gap_jobs(self, year: int) -> float:
        """The synthetic-control gap in ``year`` in jobs (an index gap is scaled by base-year jobs)."""
        if self.synth is None:
            raise ParameterError("no synthetic control in this analysis", field="synth", value=None)
        gap = float(self.synth.path.loc[year, "gap"])
        if self.outcome == "index":
            gap *= float(self.jobs.loc[self.base_year, self.region]) / 100.0
        return gap

    # numbers to record --------------------------------------------------------------------------------------
    def summary(self) -> dict[str, Any]:
        """Headline numbers: shift_share, did (with event study pre-trend) and synth."""
        change = float(self.jobs.loc[self.end_year, self.region] - self.jobs.loc[self.base_year, self.region])
        out: dict[str, Any] = {
            "region": self.region,
            "sector": self.sector,
            "measure": self.measure,
            "treatment_year": self.treatment_year,
            "outcome": self.outcome,
            # the change of the count (jobs or births) from the base year to the end year
            "change": {"start_year": self.base_year, "end_year": self.end_year, "value": change},
            "did": {
                "estimate": self.did.estimate,
                # the headline p-value is the placebo (permutation) p-value; the others are named for what they are
                "p_value": self.did.p_value,
                "interval": {"low": self.did.interval_low, "high": self.did.interval_high},
                "level": self.did.level,
                "se_clustered": self.did.se,
                "p_value_clustered": self.did.p_value_clustered,
                "placebo_p_value": self.did.placebo_p_value,
                "pretrend_p_value_clustered": self.event_study.pretrend_p_value,
                "pretrend_placebo_p_value": self.event_study.pretrend_placebo_p_value,
                "log": self.log,
            },
        }
        if self.synth is not None:
            inference = self.synth_inference
            out["synth"] = {
                "weights": {str(k): float(v) for k, v in self.synth.weights.items()},
                "pre_rmspe": float(self.synth.pre_rmspe),
                "post_rmspe": float(self.synth.post_rmspe),
                "pre_rmspe_floor": float(inference.loc[self.region, "pre_rmspe_floor"]),
                "post_pre_ratio": float(inference.loc[self.region, "ratio"]),
                # permutation p-value of the post/pre RMSPE ratio, pre-RMSPE floored at the CBS rounding
                "p_value": float(self.placebo.p_value),
                "n_units": len(inference),
                "n_exact_pre_fits": len(self.placebo.exact_fits),
                "exact_pre_fit": self.region in self.placebo.exact_fits,
                "estimate": self.synth_post_gap(),
            }
        if self.shift_share is not None:
            ss = self.shift_share.summary(None if self.sector == TOTAL_SECTOR else self.sector)
            out["shift_share"] = {
                **ss,
                "start_year": self.shift_share.start_year,
                "end_year": self.shift_share.end_year,
            }
        if self.excluded:
            out["excluded_regions"] = list(self.excluded)
        if self.triple is not None:
            t = self.triple
            out["triple"] = {
                "estimate": t.estimate,
                "interval": {"low": t.interval_low, "high": t.interval_high},
                "level": t.level,
                # placebo (permutation) p-value over the comparison regions; clustered SEs named as such
                "p_value": t.p_value,
                "p_value_clustered": t.p_value_clustered,
                "did_sector": t.did_sector,
                "did_rest": t.did_rest,
                "within": t.within,
                "outcome": t.outcome,
                "left_out_regions": list(t.left_out_regions),
            }
        if self.shift_share_years is not None and "shift_share" in out:
            years = self.shift_share_years.dropna(subset=["regional"])
            out["shift_share"]["regional_by_start_year"] = {
                "low": float(years["regional"].min()) if len(years) else None,
                "high": float(years["regional"].max()) if len(years) else None,
                "start_years": [int(y) for y in years["start_year"]],
            }
        sens = self.sensitivity
        if sens is not None:
            conformal = sens.conformal.to_dict()
            # conformal inference (Chernozhukov, Wuthrich & Zhu 2021), by test inversion; None = unbounded
            out["synth"]["interval"] = conformal["interval"]
            out["synth"]["level"] = conformal["level"]
            out["synth"]["interval_by_year"] = conformal["by_year"]
            out["synth"]["interval_method"] = "conformal (Chernozhukov, Wuthrich & Zhu 2021)"
            sd = sens.sdid
            out["sdid"] = {
                "estimate": sd.estimate,
                "interval": {"low": sd.interval_low, "high": sd.interval_high},
                "level": sd.level,
                "p_value": sd.p_value,
            }
            out["robustness"] = sens.to_dict()
            effects = {}
            for method in ("did", "synth", "sdid"):
                est, low, high = effect_interval_jobs(sens, method)
                effects[method] = {"estimate": est, "interval": {"low": low, "high": high}}
            out["effects_jobs"] = effects  # average effect per year from the treatment year, in jobs
        return out

    def to_dict(self) -> dict[str, Any]:
        """JSON-able: the summary plus years, donors and caveat ids (NaN becomes None)."""
        out = {
            **self.summary(),
            "start_year": self.start_year,
            "end_year": self.end_year,
            "base_year": self.base_year,
            "donors": list(self.donors),
            "provisional_years": list(self.provisional_years),
            "caveats": list(self.caveats),
        }
        return _json_safe(out)

    def record(self) -> dict[str, Any]:
        """What notebook 03 records (language-free): region, sector, shift_share, did, synth and a headline."""
        s = self.summary()
        out: dict[str, Any] = {
            "region": self.region,
            "sector": self.sector,
            "measure": self.measure,
            "change": s["change"],
            "did": s["did"],
        }
        headline = {
            "jobs_change" if self.measure == "jobs" else f"{self.measure}_change": s["change"]["value"],
            "did_placebo_p_value": s["did"]["placebo_p_value"],
        }
        if "synth" in s:
            out["synth"] = s["synth"]
            headline["synth_placebo_p_value"] = s["synth"]["p_value"]
        for key in ("shift_share", "excluded_regions", "sdid", "triple", "robustness", "effects_jobs"):
            if key in s:
                out[key] = s[key]
        out["headline"] = headline
        return _json_safe(out)

    def __repr__(self) -> str:
        s = self.summary()
        synth = f", synth p={s['synth']['p_value']:.2f}" if "synth" in s else ""
        return (
            f"RegionalAnalysis({self.region} {self.region_name!r}, sector {self.sector}, "
            f"{self.start_year}-{self.end_year}, treatment {self.treatment_year}, {len(self.donors)} donors: "
            f"{self.measure} change {s['change']['value']:+,.0f}, DiD {self.did.estimate:+.3g} "
            f"(placebo p={self.did.placebo_p_value:.2f}){synth})"
        )

    def _repr_html_(self) -> str:
        from html import escape

        s = self.summary()
        rows = [
            ("region", f"{self.region} {self.region_name}"),
            ("sector", self.sector),
            ("years", f"{self.start_year}-{self.end_year}, treatment {self.treatment_year}"),
            ("donors", str(len(self.donors))),
            ("change", f"{s['change']['value']:+,.0f} {self.measure}"),
            ("did.estimate", f"{self.did.estimate:+.4g}"),
            ("did.placebo_p_value", f"{self.did.placebo_p_value:.3f}"),
        ]
        if "synth" in s:
            rows.append(("synth.p_value", f"{s['synth']['p_value']:.3f}"))
        body = "".join(f"<tr><th>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in rows)
        return f"<table><caption>RegionalAnalysis</caption>{body}</table>"


def _json_safe(value: Any) -> Any:
    """Nested dicts/lists with numpy scalars as Python numbers and NaN/infinity as None."""
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not np.isfinite(value):
        return None
    return value


def _resolve(value: str, level: str, what: str) -> str:
    """A region code from a code or a name (``Zuid-Limburg`` -> ``CR39``). An unknown code is left to the panel
    check (which names the codes with data); an unknown name is a ParameterError with close matches."""
    from ccresearch.sources.regions import resolve_region

    text = str(value).strip()
    try:
        return resolve_region(text, level=level)
    except (InputError, KeyError, OSError) as err:
        if re.fullmatch(r"[A-Za-z]{2}\d+", text):
            return text.upper()
        raise ParameterError(
            "unknown region", field=what, value=value, expected=f"a {level} code or name ({err})"
        ) from err


def _names(jobs: pd.DataFrame, codes: Iterable[str]) -> dict[str, str]:
    """Region names: from the jobs table's ``region_name`` where it holds one, else from the region files."""
    from ccresearch.sources.regions import region_name

    known: dict[str, str] = {}
    if "region_name" in jobs.columns:
        pairs = jobs[["region_code", "region_name"]].drop_duplicates("region_code")
        known = {
            str(c): str(n)
            for c, n in zip(pairs["region_code"], pairs["region_name"], strict=True)
            if isinstance(n, str) and n.strip() and n != c
        }
    out = {}
    for code in codes:
        if code in known:
            out[code] = known[code]
            continue
        try:
            out[code] = region_name(code)
        except (KeyError, OSError, InputError):
            out[code] = code
    return out


def analyse_region(
    region: str,
    sector: str = "N",
    treatment_year: int = 2015,
    start_year: int | None = None,
    end_year: int | None = None,
    donors: Iterable[str] | None = None,
    outcome: Literal["jobs", "index"] = "index",
    level: str = "corop",
    synth: bool = True,
    robustness: bool = True,
    measure: Literal["jobs", "births"] = "jobs",
    *,
    jobs: pd.DataFrame | None = None,
    facts: pd.DataFrame | None = None,
    sources: pd.DataFrame | None = None,
    status: pd.DataFrame | None = None,
) -> RegionalAnalysis:
    """Shift-share, DiD, event study, synthetic control with placebos and the stated targets for one region.

    ``region`` and ``donors`` are codes or names (``"Zuid-Limburg"`` = ``"CR39"``). The tables (``jobs``:
    :func:`ccresearch.load_regional_jobs`; ``facts``, ``sources``: the evidence base; ``status``: the status of
    CBS periods) are loaded when not given. The base year (index = 100, shift-share start, event-study
    reference) is ``treatment_year - 1``; the shift-share runs from the base year to ``end_year``.
    ``donors=None`` uses every other region at ``level``. DiD and event study model log jobs when
    ``outcome="jobs"`` and the index otherwise. ``robustness`` (with ``synth``) adds the intervals, robustness
    checks and the specification curve of :func:`ccresearch.analysis.sensitivity.sensitivity`.
    """
    from ccresearch.analysis.methods.did import difference_in_differences, event_study
    from ccresearch.analysis.methods.shiftshare import shift_share, shift_share_by_start_year
    from ccresearch.analysis.methods.triple import triple_difference

    if isinstance(region, pd.DataFrame):
        raise ParameterError(
            "the jobs table is now a keyword argument",
            field="region",
            value="a DataFrame",
            expected="analyse_region(region, ..., jobs=table), or leave jobs out to load it",
        )
    jobs = measure_table(measure, jobs)
    region = _resolve(region, level, "region")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # regions with a suppressed cell are left out of the panel
        all_jobs = panel(jobs, sector=sector, level=level, outcome="jobs")
    step = precision_of(jobs, sector, level)
    first, last = int(all_jobs.index.min()), int(all_jobs.index.max())
    start_year = first if start_year is None else int(start_year)
    end_year = last if end_year is None else int(end_year)
    base_year = int(treatment_year) - 1
    if not (first <= start_year < base_year < treatment_year <= end_year <= last):
        raise ParameterError(
            "years do not fit the data (the pre-trend test needs two years before the treatment year)",
            field="start_year, treatment_year, end_year",
            value=(start_year, treatment_year, end_year),
            expected=f"{first} <= start_year <= treatment_year - 2 and treatment_year <= end_year <= {last}",
        )
    window = all_jobs.loc[start_year:end_year]
    if region not in window.columns:
        raise ParameterError(
            f"region has no complete {sector} series at level {level!r}",
            field="region",
            value=region,
            expected=f"one of {list(window.columns)}",
        )
    donor_list = (
        [c for c in window.columns if c != region]
        if donors is None
        else [_resolve(d, level, "donors") for d in donors]
    )
    unknown = [d for d in donor_list if d not in window.columns or d == region]
    if unknown or not donor_list:
        raise ParameterError(
            "comparison regions not usable",
            field="donors",
            value=unknown or donor_list,
            expected=f"region codes or names at level {level!r} other than {region}",
        )
    if outcome not in ("jobs", "index"):
        raise ParameterError("unknown outcome", field="outcome", value=outcome, expected="'jobs' or 'index'")
    # a zero count cannot be indexed (base year) nor logged (any year): such regions are left out, and named
    excluded = tuple(zero_counts(window[[region, *donor_list]], outcome, base_year))
    if region in excluded:
        raise ParameterError(
            f"the region has a zero {measure} count where the outcome needs a positive one",
            field="region",
            value=region,
            expected=f"a region with {measure} above zero in {base_year} (index) or in every year (jobs "
            "outcome), or another sector",
        )
    donor_list = [d for d in donor_list if d not in excluded]
    units = [region, *donor_list]
    log = outcome == "jobs"
    names = _names(jobs, list(all_jobs.columns))
    outcome_panel = outcome_table(window[units], outcome, base_year, step, names)
    floor = outcome_panel.attrs["precision"]
    # the loaders' table, converted for the two years compared (a section suppressed in either goes to rest)
    ss = ss_years = None
    if measure == "jobs":  # births are published for N and its divisions only: no section structure
        ss = shift_share(jobs, region, base_year, end_year, level=level)
        ss_sector = None if sector == TOTAL_SECTOR else sector
        ss_years = shift_share_by_start_year(
            jobs, region, range(first, end_year), end_year, ss_sector, level=level
        )
    triple = None
    within = _within(jobs, sector, level, start_year, end_year)
    if sector != TOTAL_SECTOR and within is not None:
        # the sector against the rest of the same region's economy, with the comparison regions
        triple = triple_difference(
            jobs,
            region,
            sector,
            treatment_year,
            start_year,
            end_year,
            donor_list,
            within=within,
            outcome="log" if log else "index",
            base_year=base_year,
            region_level=level,
        )
    did = difference_in_differences(outcome_panel, region, treatment_year, log=log, outcome=outcome)
    es = event_study(outcome_panel, region, treatment_year, log=log, outcome=outcome)
    placebos = event_study_placebos(outcome_panel, region, base_year, log)
    synth_result = placebo_result = inference = None
    if synth:
        from ccresearch.analysis.methods.synth import placebo_test

        # fits closer than the CBS rounding count as exact, so that the p-value does not depend on which of
        # many exact solutions the optimiser returns; the placebo test fits the treated region first
        placebo_result = placebo_test(
            outcome_panel, treated=region, treatment_year=treatment_year, precision=floor
        )
        synth_result = placebo_result.result
        inference = synth_ratios(placebo_result, window.loc[base_year], outcome, step)
    definition = case()
    if status is None:
        from ccresearch.build.loaders import load_cbs_status

        status = load_cbs_status()
    if facts is None:
        from ccresearch.build.loaders import load_facts

        facts = load_facts()
    stated = target_facts(facts)
    if sources is None:
        from ccresearch.build.loaders import load_sources

        sources = load_sources()
    if measure != "jobs":
        stated = stated.iloc[0:0]  # the stated targets are jobs: nothing to set against births
    used = sources[sources["source_id"].isin(set(stated["source_id"]))] if "source_id" in sources else sources
    tables = jobs.loc[(jobs["region_level"] == level) & (jobs["sector"] == sector), "source_table"]
    data_table = str(tables.mode().iloc[0]) if len(tables) else str(definition["status_table"])
    if measure == "jobs":
        caveat_ids = (
            CAVEATS_N if sector == "N" else CAVEATS_TOTAL if sector == TOTAL_SECTOR else CAVEATS_OTHER
        ) + CAVEATS_ALL
    else:
        caveat_ids = CAVEATS_BIRTHS_82 if sector == "82" else CAVEATS_BIRTHS
    result = RegionalAnalysis(
        region=region,
        sector=sector,
        treatment_year=int(treatment_year),
        start_year=start_year,
        end_year=end_year,
        outcome=outcome,
        base_year=base_year,
        donors=donor_list,
        jobs=all_jobs,
        panel=outcome_panel,
        netherlands=netherlands(jobs, sector=sector, level=level),
        shift_share=ss,
        did=did,
        event_study=es,
        synth=synth_result,
        placebo=placebo_result,
        synth_inference=inference,
        event_placebos=placebos,
        shift_share_years=ss_years,
        triple=triple,
        level=level,
        unit_names=names,
        precision_jobs=step,
        measure=measure,
        excluded=excluded,
        provisional_years=tuple(
            y for y in provisional_years(status, data_table) if start_year <= y <= end_year
        ),
        data_table=data_table,
        agency=agency_share(jobs, definition["agency_share"])
        if sector == "N" and measure == "jobs"
        else None,
        unclassified=unclassified(jobs, range(start_year, end_year + 1)),
        target_facts=stated,
        target_region=target_region(stated),
        sources=used.reset_index(drop=True),
        caveats=caveat_ids,
    )
    if synth and robustness:
        from ccresearch.analysis.sensitivity import sensitivity

        result.sensitivity = sensitivity(result)
    result.targets = target_check(result, stated)
    result.later = later_claims(result, stated)
    return result


def _within(jobs: pd.DataFrame, sector: str, level: str, start_year: int, end_year: int) -> str | None:
    """What the sector is compared with inside its region for the triple difference: the region's total when the
    table has it in every year of the window; for a division (a numeric SBI code, e.g. 82) without that, its
    section N when present in every year (the births table holds N and its divisions 77-82 only); else None."""
    rows = jobs[(jobs["region_level"] == level) & jobs["year"].between(start_year, end_year)]
    years = set(range(start_year, end_year + 1))
    for candidate in (TOTAL_SECTOR, "N"):
        if candidate == sector or (candidate == "N" and not str(sector).isdigit()):
            continue
        if years <= set(rows.loc[rows["sector"] == candidate, "year"]):
            return candidate
    return None


def zero_counts(counts: pd.DataFrame, outcome: str, base_year: int) -> list[str]:
    """Regions (columns of a year x region count table) whose count is zero where the outcome needs a positive
    one: in the base year for an index, in any year for log jobs."""
    zero = counts.loc[base_year] <= 0 if outcome == "index" else (counts <= 0).any()
    return [str(u) for u in counts.columns[zero.to_numpy()]]


def outcome_table(
    counts: pd.DataFrame, outcome: str, base_year: int, step: float, names: dict[str, str]
) -> pd.DataFrame:
    """The panel the methods read, from a year x region count table: the counts (``jobs``) or an index (= 100 in
    ``base_year``), with ``attrs`` ``unit_names``, ``precision`` (the rounding floor of one cell in outcome units,
    :func:`rounding_floor`) and ``unit_size`` (base-year counts: the spread of placebo DiD estimates grows as
    regions get smaller, and Ferman & Pinto's correction rescales each placebo to the treated region's size)."""
    units = [str(u) for u in counts.columns]
    out = counts / counts.loc[base_year] * 100.0 if outcome == "index" else counts.copy()
    out.attrs["unit_names"] = {u: names.get(u, u) for u in units}
    out.attrs["precision"] = rounding_floor(counts.loc[base_year], outcome, units, step)
    out.attrs["unit_size"] = counts.loc[base_year, units].astype(float)
    return out


def rounding_floor(
    base_jobs: pd.Series, outcome: str, units: list[str], step: float = CBS_ROUNDING_STEP
) -> pd.Series:
    """Root mean square CBS rounding error of one cell, per unit, in outcome units.

    ``jobs``: 28.9 jobs (rounding to 100 is uniform on +-50); ``index``: 100 x 28.9 / the unit's jobs in the
    base year; ``log``: 28.9 / base jobs.
    """
    base = base_jobs.reindex(units).astype(float)
    rmse = float(step) / 2 / 3**0.5  # rounding to ``step`` is uniform on +-step/2
    if outcome == "jobs":
        return pd.Series(rmse, index=units, name="pre_rmspe_floor")
    if outcome == "index":
        return (100.0 * rmse / base).rename("pre_rmspe_floor")
    return (rmse / base).rename("pre_rmspe_floor")


def synth_ratios(
    placebo: Any, base_jobs: pd.Series, outcome: str, step: float = CBS_ROUNDING_STEP
) -> pd.DataFrame:
    """Post/pre RMSPE ratios of the placebo test with the pre-RMSPE floored at the CBS rounding error.

    With a short pre-period (2010-2014) and many donors, a synthetic control often matches a region
    exactly before treatment (pre-RMSPE 0 or 1e-13): the ratio is then infinite or set by floating-point
    noise, and so is the permutation p-value. A fit closer than the rounding of the CBS figures (100 jobs
    per cell) is not a real fit, so the ratio here divides by ``max(pre_rmspe, floor)``, with ``floor`` the
    root mean square rounding error of one cell in outcome units (jobs: 28.9 jobs; index: 100 x 28.9 /
    jobs in the base year of that unit; log jobs: 28.9 / base jobs).

    Returns a DataFrame indexed by unit: ``pre_rmspe, post_rmspe, pre_rmspe_floor, ratio``.
    """
    units = list(placebo.ratios.index)
    floor = rounding_floor(base_jobs, outcome, units, step)
    pre = placebo.pre_rmspe.reindex(units).astype(float)
    post = placebo.post_rmspe.reindex(units).astype(float)
    ratio = post / np.maximum(pre, floor)
    return pd.DataFrame({"pre_rmspe": pre, "post_rmspe": post, "pre_rmspe_floor": floor, "ratio": ratio})


def synth_p_value(ratios: pd.DataFrame, treated: str) -> float:
    """Permutation p-value: share of units (treated included) whose floored ratio is at least the treated's."""
    r = ratios["ratio"]
    return float((r >= r[treated] - 1e-12 * abs(r[treated])).sum() / len(r))


# --- a stated jobs target set against the data --------------------------------------------------------


def _fact_year(value: Any) -> int | None:
    """The year of a fact's period bound (``2015``, ``"2015"``, ``"2015-03-01"``, a Timestamp), or None."""
    if value is None or (isinstance(value, float) and not np.isfinite(value)) or value is pd.NaT:
        return None
    year = getattr(value, "year", None)
    if isinstance(year, int):
        return year
    text = str(value).strip()
    if len(text) >= 4 and text[:4].isdigit():
        return int(text[:4])
    return None


def _corop_of(code: Any) -> str | None:
    """The COROP region of a region code (itself for a COROP code), or None when unknown or missing."""
    if not isinstance(code, str) or not code.strip():
        return None
    from ccresearch.sources.regions import ancestors, normalise_code

    code = normalise_code(code)
    if code.startswith("CR"):
        return code
    try:
        return next((c for c in ancestors(code) if c.startswith("CR")), None)
    except KeyError:
        return None


def target_facts(
    facts: pd.DataFrame, entities: Iterable[str] | None = None, measures: Iterable[str] | None = None
) -> pd.DataFrame:
    """Jobs figures and jobs targets of ``entities`` from the facts table, with ``year`` and ``corop``.

    ``entities`` and ``measures`` default to the case definition (``cases.yaml``, ``regional.target``).

    ``year`` is the year of ``period_end`` (else ``period_start``): the year a target is due or a count
    refers to. ``corop`` is the COROP region of ``region_code`` (GM0935 -> CR39), empty when the source
    names no region. Rows keep ``source_id`` and ``value_text`` (the figure as written) for citation.
    """
    needed = ("source_id", "entity", "measure", "value_text", "value", "period_start", "period_end")
    _check_columns(facts, needed)
    target = case()["target"]
    entities = list(target["entities"] if entities is None else entities)
    measures = list([target["count_measure"], target["target_measure"]] if measures is None else measures)
    rows = facts[facts["entity"].isin(entities) & facts["measure"].isin(measures)].copy()
    rows["year"] = [
        _fact_year(end) if _fact_year(end) is not None else _fact_year(start)
        for start, end in zip(rows["period_start"], rows["period_end"], strict=True)
    ]
    region = rows["region_code"] if "region_code" in rows.columns else pd.Series(None, index=rows.index)
    rows["corop"] = [_corop_of(c) for c in region]
    return rows.sort_values(["measure", "year", "source_id"]).reset_index(drop=True)


def target_region(facts: pd.DataFrame) -> str | None:
    """The COROP region the jobs targets in ``facts`` (from :func:`target_facts`) refer to, if one."""
    regions = set(facts.loc[facts["measure"] == case()["target"]["target_measure"], "corop"].dropna())
    return regions.pop() if len(regions) == 1 else None


def target_check(analysis: RegionalAnalysis, facts: pd.DataFrame) -> pd.DataFrame:
    """Each stated jobs target set against the region's sector jobs: one row per target in ``facts``.

    ``facts`` come from :func:`target_facts`; rows tied to another COROP region are left out, and rows
    that name no region count for the region the targets name (:func:`target_region`). The baseline
    of a target is the stated ``jobs`` figure of the same source (else of the same entity) in the year before
    the target is due, earliest first. Columns: ``source_id, value_text, baseline_jobs, baseline_year,
    target_jobs, target_year, promised_change, sector_jobs_baseline, sector_jobs_target, promised_share``
    (promised change / sector jobs in the baseline year), ``observed_change`` (sector jobs, target year
    minus baseline year), ``synth_gap_jobs`` (synthetic-control gap in the target year, in jobs) and
    ``placebo_gap_jobs_p90`` (90th percentile of the placebo regions' absolute gaps that year, scaled to
    the region's size: an effect smaller than this does not stand out). Empty when nothing applies.
    """
    a = analysis
    # a source that names no region speaks of the programme's region (the one its targets name)
    corop = facts["corop"].fillna(target_region(facts) or "")
    usable = facts[(corop == a.region) & facts["value"].notna()]
    usable = usable[usable["year"].notna()]
    count_measure, target_measure = case()["target"]["count_measure"], case()["target"]["target_measure"]
    jobs_rows = usable[usable["measure"] == count_measure]
    series = a.jobs[a.region]
    rows = []
    for _, target in usable[usable["measure"] == target_measure].iterrows():
        t_year = int(target["year"])
        same_source = jobs_rows[
            (jobs_rows["source_id"] == target["source_id"]) & (jobs_rows["year"] < t_year)
        ]
        same_entity = jobs_rows[(jobs_rows["entity"] == target["entity"]) & (jobs_rows["year"] < t_year)]
        candidates = same_source if not same_source.empty else same_entity
        if candidates.empty:
            continue
        base = candidates.sort_values(["year", "source_id"]).iloc[0]
        b_year = int(base["year"])
        if b_year not in series.index or t_year not in series.index:
            continue
        jobs_b, jobs_t = float(series.loc[b_year]), float(series.loc[t_year])
        promised = float(target["value"]) - float(base["value"])
        rows.append(
            {
                "source_id": target["source_id"],
                "value_text": target["value_text"],
                "baseline_jobs": float(base["value"]),
                "baseline_year": b_year,
                "target_jobs": float(target["value"]),
                "target_year": t_year,
                "promised_change": promised,
                "sector_jobs_baseline": jobs_b,
                "sector_jobs_target": jobs_t,
                "promised_share": promised / jobs_b,
                "observed_change": jobs_t - jobs_b,
                "synth_gap_jobs": _synth_gap_jobs(a, t_year),
                "placebo_gap_jobs_p90": _placebo_gap_jobs_p90(a, t_year),
            }
        )
    if not rows:
        return pd.DataFrame(rows)
    out = pd.DataFrame(rows)
    # the same baseline and target stated by several sources: one row, all sources named
    keys = ["baseline_jobs", "baseline_year", "target_jobs", "target_year"]
    merged = out.groupby(keys, as_index=False, sort=True).agg(
        {
            "source_id": lambda ids: ", ".join(sorted(set(ids))),
            "value_text": "first",
            **{c: "first" for c in out.columns if c not in (*keys, "source_id", "value_text")},
        }
    )
    return merged[out.columns].reset_index(drop=True)


def later_claims(analysis: RegionalAnalysis, facts: pd.DataFrame) -> pd.DataFrame:
    """Stated jobs figures for the region dated after the treatment year (e.g. a news claim), with the
    sector's jobs in that year where the data have it (``sector_jobs``)."""
    corop = facts["corop"].fillna(target_region(facts) or "")
    rows = facts[
        (corop == analysis.region)
        & (facts["measure"] == case()["target"]["count_measure"])
        & (facts["year"] > analysis.treatment_year)
    ].copy()
    series = analysis.jobs[analysis.region]
    rows["sector_jobs"] = [float(series.get(int(y), np.nan)) for y in rows["year"]]
    return rows.reset_index(drop=True)


def _synth_gap_jobs(a: RegionalAnalysis, year: int) -> float:
    if a.synth is None or year not in a.synth.path.index:
        return float("nan")
    return a.synth_gap_jobs(year)


def _placebo_gap_jobs_p90(a: RegionalAnalysis, year: int) -> float:
    if a.placebo is None or year not in a.placebo.gaps.index:
        return float("nan")
    gaps = a.placebo.gaps.drop(columns=[a.region], errors="ignore").loc[year].abs()
    size = float(a.jobs.loc[a.base_year, a.region])
    if a.outcome == "index":
        in_jobs = gaps / 100.0 * size
    else:  # jobs: each placebo's gap as a share of its own size, applied to the region's size
        in_jobs = gaps / a.jobs.loc[a.base_year, gaps.index] * size
    return float(in_jobs.quantile(0.9))
