"""The atlas of regions: every COROP region's job growth, shift-share components and effect estimates at once.

One table with a row per region (stable column ids, no words) for the atlas report (notebook 04): the growth of
the chosen sector and of the other sectors from the year before treatment to the last year, the shift-share
components of the sector's change (national growth, industry mix, regional shift), and each region's
difference-in-differences estimate (treated in turn against all other regions) with an interval from the
distribution of placebo estimates (Conley & Taber 2011), plus the synthetic-control gap and its placebo p-value.

What it cannot show: 40 regions each tested against the others is 40 tests: some intervals exclude zero by chance
(at 90%, about four in forty); an estimate is a difference from the other regions, not an effect of any
particular programme; the sector is a CBS section (N is a broad proxy for call centres).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ccresearch.errors import ParameterError

LEVEL = 0.90
COLUMNS = (
    "region_code", "region_name", "jobs_base", "jobs_end", "growth_sector", "growth_other", "ss_national",
    "ss_industry_mix", "ss_regional", "ss_actual", "did_estimate", "did_low", "did_high", "did_p_value",
    "synth_gap", "synth_p_value", "highlight",
)  # fmt: skip


@dataclass
class AtlasResult:
    """Every region of the level in one table (``regions``, columns :data:`COLUMNS`), with the settings used."""

    sector: str
    treatment_year: int
    base_year: int
    start_year: int
    end_year: int
    highlight: str | None
    regions: pd.DataFrame
    national_growth_sector: float
    national_growth_other: float
    level: float = LEVEL
    provisional_years: list[int] = field(default_factory=list)

    def record(self) -> dict[str, Any]:
        """Language-free headline values for ``results.json``."""
        r = self.regions
        excluding_zero = int(((r["did_low"] > 0) | (r["did_high"] < 0)).sum())
        out: dict[str, Any] = {
            "sector": self.sector,
            "treatment_year": self.treatment_year,
            "n_regions": len(r),
            "national_growth_sector": self.national_growth_sector,
            "did_intervals_excluding_zero": excluding_zero,
            "level": self.level,
        }
        if self.highlight is not None and self.highlight in set(r["region_code"]):
            row = r.set_index("region_code").loc[self.highlight]
            out["highlight"] = {
                "region": self.highlight,
                "growth_sector": float(row["growth_sector"]),
                "did": {
                    "estimate": float(row["did_estimate"]),
                    "interval": {"low": float(row["did_low"]), "high": float(row["did_high"])},
                },
                "rank_growth": int((r["growth_sector"] >= row["growth_sector"]).sum()),
            }
        out["headline"] = {
            "regions": len(r),
            "did intervals excluding 0": excluding_zero,
        }
        return out

    def __repr__(self) -> str:
        return (
            f"AtlasResult(sector {self.sector}, {self.base_year}-{self.end_year}, {len(self.regions)} regions, "
            f"national growth {self.national_growth_sector:+.1%})"
        )

    def _repr_html_(self) -> str:
        return self.regions.head(40).to_html(index=False, float_format=lambda x: f"{x:,.3f}")


def atlas(
    jobs: pd.DataFrame | None = None,
    *,
    sector: str = "N",
    treatment_year: int = 2015,
    start_year: int | None = None,
    end_year: int | None = None,
    highlight: str | None = "CR39",
    level: str = "corop",
    synth: bool = True,
) -> AtlasResult:
    """The atlas table for every region at ``level`` (the loaders' jobs table is read when not given).

    The index outcome (= 100 in the year before treatment) is used for the effect estimates, so that regions of
    every size compare; the shift-share runs in jobs from the year before treatment to ``end_year``.
    """
    from ccresearch.analysis import regional
    from ccresearch.analysis.methods.did import difference_in_differences
    from ccresearch.analysis.methods.shiftshare import shift_share_all
    from ccresearch.analysis.methods.synth import placebo_test
    from ccresearch.sources.regions import resolve_region

    if jobs is None:
        from ccresearch.build.loaders import load_regional_jobs

        jobs = load_regional_jobs()
    if highlight is not None:
        highlight = resolve_region(highlight, level=level)
    sector_jobs = regional.panel(jobs, sector=sector, level=level, outcome="jobs")
    total_jobs = regional.panel(jobs, sector=regional.TOTAL_SECTOR, level=level, outcome="jobs")
    first, last = int(sector_jobs.index.min()), int(sector_jobs.index.max())
    start_year = first if start_year is None else int(start_year)
    end_year = last if end_year is None else int(end_year)
    base_year = int(treatment_year) - 1
    if not (first <= start_year < base_year < treatment_year <= end_year <= last):
        raise ParameterError(
            "years do not fit the data",
            field="start_year, treatment_year, end_year",
            value=(start_year, treatment_year, end_year),
            expected=f"{first} <= start_year <= treatment_year - 2 and treatment_year <= end_year <= {last}",
        )
    codes = [c for c in sector_jobs.columns if c in total_jobs.columns]
    window = sector_jobs.loc[start_year:end_year, codes]
    other = (total_jobs.loc[start_year:end_year, codes] - window).astype(float)
    index = window / window.loc[base_year] * 100.0
    ss = shift_share_all(
        jobs, base_year, end_year, sector=sector if sector != regional.TOTAL_SECTOR else None, level=level
    )
    names = jobs.drop_duplicates("region_code").set_index("region_code")["region_name"]
    precision = regional.rounding_floor(window.loc[base_year], "index", codes)
    rows = []
    for code in codes:
        # Conley & Taber's interval from the placebo estimates (the method computes it)
        did = difference_in_differences(index, code, treatment_year, log=False, outcome="index", level=LEVEL)
        low, high = did.interval_low, did.interval_high
        gap = p_synth = np.nan
        if synth:
            test = placebo_test(index, treated=code, treatment_year=treatment_year, precision=precision)
            post = test.result.path.loc[test.result.path.index >= treatment_year, "gap"]
            gap, p_synth = float(post.mean()), float(test.p_value)
        rows.append(
            {
                "region_code": code,
                "region_name": str(names.get(code, code)),
                "jobs_base": float(window.loc[base_year, code]),
                "jobs_end": float(window.loc[end_year, code]),
                "growth_sector": float(window.loc[end_year, code] / window.loc[base_year, code] - 1),
                "growth_other": float(other.loc[end_year, code] / other.loc[base_year, code] - 1),
                "ss_national": float(ss.loc[code, "national"]),
                "ss_industry_mix": float(ss.loc[code, "industry_mix"]),
                "ss_regional": float(ss.loc[code, "regional"]),
                "ss_actual": float(ss.loc[code, "actual"]),
                "did_estimate": float(did.estimate),
                "did_low": low,
                "did_high": high,
                "did_p_value": float(did.placebo_p_value) if did.placebo_p_value is not None else np.nan,
                "synth_gap": gap,
                "synth_p_value": p_synth,
                "highlight": code == highlight,
            }
        )
    regions = pd.DataFrame(rows, columns=list(COLUMNS))
    nat_sector = window.sum(axis=1)
    nat_other = other.sum(axis=1)
    return AtlasResult(
        sector=sector,
        treatment_year=int(treatment_year),
        base_year=base_year,
        start_year=start_year,
        end_year=end_year,
        highlight=highlight,
        regions=regions,
        national_growth_sector=float(nat_sector.loc[end_year] / nat_sector.loc[base_year] - 1),
        national_growth_other=float(nat_other.loc[end_year] / nat_other.loc[base_year] - 1),
    )
