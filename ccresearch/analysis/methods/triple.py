"""Triple difference (DDD): the treated sector against the same region's other sectors, and against the
comparison regions, so that a shock that hits the whole treated region is not read as a sector effect.

Gruber (1994) compares a treated group with an untreated group within the treated states and the same two
groups in comparison states; Olden & Møen (2022) show that the estimator needs only ONE parallel-trend
assumption: that the gap between the two groups would have moved alike in the treated and the comparison
regions. Here the groups are sectors of a region's economy, on a (region, group, year) panel:

- group ``sector``: the treated sector (any code of the table, e.g. ``N`` for jobs or ``82`` for births);
- group ``rest``: ``within`` - ``sector``; by default ``within="total"``, the rest of the region's economy;
  with ``within="N"`` and ``sector="82"``, the other divisions of N.

Model: y_rgt = a_rt + b_gt + c_rg + beta * D_rgt, with region x year, group x year and region x group fixed
effects and D_rgt = 1 for the treated sector of the treated region from ``treatment_year`` on. y is log of the
value (``outcome="log"``: beta in log points) or its index (``outcome="index"``: base year = 100, beta in
index points). With two groups the region x year effects are removed exactly by the within-region gap
d_rt = y_r,sector,t - y_r,rest,t, and the model becomes a two-way fixed-effects DiD on d_rt:
beta = (change of the treated region's gap, post - pre) - (mean change of the comparison regions' gaps), i.e.
(treated sector, treated region) - (rest, treated region) - [the same for the comparison regions].
The regression therefore runs through :func:`ccresearch.analysis.methods.did.difference_in_differences` on
the gaps, which gives the same inference as the DiD:

- ``p_value``: placebo (permutation) p-value, each comparison region treated in turn in its place;
- ``interval_low``, ``interval_high``: Conley & Taber (2011) interval at ``level`` (default 0.9) from
  those placebo estimates;
- ``p_value_clustered``, ``se_clustered``: standard errors clustered by region, scaled to the three-way
  regression with dummies on the (region, group, year) panel (equal when its small-sample factor counts
  the free parameters, the rank of the design; tested); unreliable with one treated region, like the DiD's.

``did_sector`` and ``did_rest`` are the plain DiD estimates of each group (treated region against the
comparison regions, same outcome); ``estimate = did_sector - did_rest``. A region-wide shock moves both and
cancels; a plain DiD would show it.

References: Gruber, J. (1994), The incidence of mandated maternity benefits, American Economic Review 84(3),
622-641 (``gruber-1994``); Olden, A. & Møen, J. (2022), The triple difference estimator, The Econometrics
Journal 25(3), 531-553 (``olden-moen-2022``); Conley & Taber (2011) (``conley-taber-2011``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from ccresearch.analysis.methods._units import resolve_unit, resolve_units
from ccresearch.core.result import ResultDisplay
from ccresearch.errors import InputError, ParameterError

__all__ = ["TripleDiffResult", "triple_difference", "triple_panel"]

VALUE_COLUMNS = ("jobs", "births", "value")
GROUPS = ("sector", "rest")

WITHIN_CAVEAT = (
    "The comparison within the region is the rest of the region's economy (or of the aggregate given): an "
    "effect that spills over from the treated sector to the rest of the region (displacement, local "
    "demand) is netted out, and a shock that hits the treated sector alone in the treated region for another "
    "reason is read as an effect."
)
ONE_TREATED_CAVEAT = (
    "Only one treated region: the clustered standard errors rest on the comparison regions alone and are "
    "unreliable (usually too small); rely on the placebo p-value and the Conley-Taber interval."
)


@dataclass(repr=False)
class TripleDiffResult(ResultDisplay):
    """Triple difference of one sector in one region (estimate in log points, or index points).

    ``p_value`` is the placebo (permutation) p-value when placebos were run (else the clustered one);
    ``interval_low``, ``interval_high`` the Conley-Taber interval at ``level``; ``p_value_clustered``,
    ``se_clustered`` rest on standard errors clustered by region. ``data`` holds, per year, the outcome of
    the treated region's sector and rest and the comparison regions' means (``treated_sector, treated_rest,
    donors_sector, donors_rest``) and the gaps (``treated_gap, donors_gap``).
    """

    treated: str
    sector: str
    within: str
    treatment_year: int
    start_year: int
    end_year: int
    donors: list[str]
    estimate: float
    p_value: float
    interval_low: float
    interval_high: float
    level: float
    p_value_clustered: float
    se_clustered: float
    did_sector: float
    did_rest: float
    n_obs: int
    outcome: str
    value: str
    data: pd.DataFrame
    placebo_estimates: pd.Series | None = None
    placebo_p_value: float | None = None
    base_year: int | None = None
    left_out_regions: list[str] = field(default_factory=list)
    caveats: list[str] = field(default_factory=list)

    @property
    def p_value_placebo(self) -> float | None:
        """Permutation p-value over the comparison regions (same as ``placebo_p_value``)."""
        return self.placebo_p_value

    def _headline(self) -> tuple[str, str, list[tuple[str, Any]]]:
        return (
            "triple difference",
            f"{self.treated} {self.sector} from {self.treatment_year}",
            [
                ("estimate", self.estimate),
                (f"interval {self.level:.0%}", (self.interval_low, self.interval_high)),
                ("p_value_placebo", self.placebo_p_value),
                ("p_value_clustered", self.p_value_clustered),
                ("did_sector", self.did_sector),
                ("donors", len(self.donors)),
            ],
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-able summary."""
        return {
            "method": "triple difference (region x year, group x year, region x group fixed effects)",
            "treated": self.treated,
            "sector": self.sector,
            "within": self.within,
            "treatment_year": int(self.treatment_year),
            "start_year": int(self.start_year),
            "end_year": int(self.end_year),
            "base_year": None if self.base_year is None else int(self.base_year),
            "donors": list(self.donors),
            "left_out_regions": list(self.left_out_regions),
            "outcome": self.outcome,
            "value": self.value,
            "estimate": float(self.estimate),
            "interval": {
                "low": _finite_or_none(self.interval_low),
                "high": _finite_or_none(self.interval_high),
            },
            "level": float(self.level),
            "p_value": _finite_or_none(self.p_value),
            "placebo_p_value": None if self.placebo_p_value is None else float(self.placebo_p_value),
            "p_value_clustered": _finite_or_none(self.p_value_clustered),
            "se_clustered": _finite_or_none(self.se_clustered),
            "did_sector": float(self.did_sector),
            "did_rest": float(self.did_rest),
            "n_obs": int(self.n_obs),
            "caveats": list(self.caveats),
        }


def _finite_or_none(value: Any) -> float | None:
    value = float(value)
    return value if np.isfinite(value) else None


def _value_column(data: pd.DataFrame, value: str | None) -> str:
    if value is not None:
        if value not in data.columns:
            raise InputError(
                "value column not in the table",
                field="value",
                value=value,
                expected=f"one of the table's columns {sorted(map(str, data.columns))}",
            )
        return value
    found = [c for c in VALUE_COLUMNS if c in data.columns]
    if len(found) != 1:
        raise InputError(
            "cannot tell which column holds the values" if found else "table has no value column",
            field="value",
            value=found or sorted(map(str, data.columns)),
            expected=f"exactly one of {', '.join(VALUE_COLUMNS)}, or value= naming the column",
        )
    return found[0]


def triple_panel(
    data: pd.DataFrame,
    sector: str,
    within: str = "total",
    *,
    value: str | None = None,
    region_level: str = "corop",
) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, str], str]:
    """The two group panels (year x region) of values: ``sector`` and ``rest = within - sector``.

    ``data``: the loaders' long table (``region_code, region_level, sector, year`` and a value column such as
    ``jobs`` or ``births``; rows at ``region_level`` are used) or a long panel without ``region_level``
    (``region_code, sector, year, <value>``). Returns ``(sector_panel, rest_panel, names, value_column)``;
    cells missing in the table (suppressed) are NaN. Raises InputError for missing columns or duplicate rows.
    """
    if not isinstance(data, pd.DataFrame):
        raise ParameterError("data must be a DataFrame", field="data", value=type(data).__name__)
    column = _value_column(data, value)
    needed = ["region_code", "sector", "year", column]
    missing = [c for c in needed if c not in data.columns]
    if missing:
        raise InputError(
            "table lacks columns for the triple difference",
            field=", ".join(missing),
            value=sorted(map(str, data.columns)),
            expected=f"columns {', '.join(needed)} (e.g. ccresearch.load_regional_jobs())",
        )
    rows = data
    if "region_level" in data.columns:
        rows = data[data["region_level"] == region_level]
        if rows.empty:
            raise ParameterError(
                "no rows at this region level",
                field="region_level",
                value=region_level,
                expected=f"one of {sorted(data['region_level'].dropna().unique())}",
            )
    if str(sector) == str(within):
        raise ParameterError(
            "the treated sector and the aggregate it is compared within are the same",
            field="within",
            value=within,
            expected="an aggregate holding the treated sector, e.g. 'total' (or 'N' for division 82)",
        )
    codes = set(rows["sector"].astype(str))
    for name, code in (("sector", sector), ("within", within)):
        if str(code) not in codes:
            raise ParameterError(
                f"{name} not in the table",
                field=name,
                value=code,
                expected=f"one of {sorted(codes)}",
            )
    rows = rows[rows["sector"].astype(str).isin([str(sector), str(within)])].dropna(subset=[column])
    dup = rows.duplicated(["region_code", "sector", "year"], keep=False)
    if dup.any():
        first = rows[dup].iloc[0]
        raise InputError(
            "more than one value for one region, sector and year",
            field=column,
            value=(first["region_code"], first["sector"], int(first["year"])),
            expected="one row per region_code, sector and year",
        )
    wide = rows.assign(year=rows["year"].astype(int), sector=rows["sector"].astype(str)).pivot_table(
        index="year", columns=["sector", "region_code"], values=column, aggfunc="first"
    )
    regions = sorted(rows["region_code"].astype(str).unique())
    sec = wide[str(sector)].reindex(columns=regions).astype(float)
    tot = wide[str(within)].reindex(columns=regions).astype(float)
    sec, tot = sec.align(tot, join="outer")
    names: dict[str, str] = {}
    if "region_name" in rows.columns:
        pairs = rows.dropna(subset=["region_name"]).groupby("region_code")["region_name"].first()
        names = {str(k): str(v) for k, v in pairs.items()}
    return sec, tot - sec, names, column


def _outcome(values: pd.DataFrame, outcome: str, base_year: int) -> pd.DataFrame:
    if outcome == "log":
        return np.log(values)
    return values / values.loc[base_year] * 100.0


def triple_difference(
    data: pd.DataFrame,
    treated: str,
    sector: str,
    treatment_year: int,
    start_year: int | None = None,
    end_year: int | None = None,
    donors: Iterable[str] | None = None,
    *,
    within: str = "total",
    value: str | None = None,
    outcome: Literal["log", "index"] = "log",
    base_year: int | None = None,
    region_level: str = "corop",
    placebo: bool = True,
    level: float = 0.9,
    unit_size: pd.Series | dict[str, float] | None = None,
) -> TripleDiffResult:
    """Triple difference of ``sector`` in ``treated`` from ``treatment_year`` (Gruber 1994; Olden & Møen 2022).

    Args:
        data: the loaders' long table (``ccresearch.load_regional_jobs()`` or the births table) or a long
            panel ``region_code, sector, year, <value>`` (see :func:`triple_panel`).
        treated: the treated region, code or name.
        sector: the treated sector, any code in the table (``N``, ``M``, ``82``, ...).
        treatment_year: first treated year.
        start_year, end_year: the years used (default: all years in which the treated region has both
            groups).
        donors: comparison regions (codes or names); ``None`` = every other region at ``region_level`` with
            both groups in every year used (regions with a suppressed cell are left out and named in
            ``left_out_regions``). Given donors must be complete.
        within: the aggregate that holds ``sector``; the comparison group is ``within - sector``.
        value: the value column (default: the one of ``jobs``, ``births``, ``value`` present).
        outcome: ``"log"`` (log points) or ``"index"`` (``base_year`` = 100 for each group and region).
        base_year: base of the index (default ``treatment_year - 1``).
        region_level: the level of the loaders' table used.
        placebo: run the placebos (each comparison region treated in turn) for ``p_value`` and the interval.
        level: coverage of the Conley-Taber interval.
        unit_size: region -> size for Ferman & Pinto's correction of the placebo distribution (as in the DiD).

    Returns a :class:`TripleDiffResult`.
    """
    from scipy import stats

    from ccresearch.analysis.methods.did import difference_in_differences

    if outcome not in ("log", "index"):
        raise ParameterError("unknown outcome", field="outcome", value=outcome, expected="'log' or 'index'")
    sec, rest, names, column = triple_panel(data, sector, within, value=value, region_level=region_level)
    codes = list(sec.columns)
    treated = resolve_unit(treated, codes, names, field="treated", label="treated region")
    donor_list = resolve_units(donors, codes, names, field="donors", label="comparison region")
    have = sec[treated].notna() & rest[treated].notna()
    first = int(sec.index[have].min()) if have.any() else None
    last = int(sec.index[have].max()) if have.any() else None
    if first is None:
        raise InputError(
            "treated region has no year with both the sector and the rest",
            field=column,
            value=(treated, sector, within),
            expected=f"values of {sector} and {within} for {treated}",
        )
    start = first if start_year is None else int(start_year)
    end = last if end_year is None else int(end_year)
    treatment_year = int(treatment_year)
    base = treatment_year - 1 if base_year is None else int(base_year)
    if not (start < treatment_year <= end) or not (start <= base <= end):
        raise ParameterError(
            "years do not fit: the treatment year needs a year before it and one from it on, and the base "
            "year must be in the window",
            field="start_year, treatment_year, end_year",
            value=(start, treatment_year, end),
            expected=f"start_year < treatment_year <= end_year within {first}..{last}",
        )
    years = [y for y in sec.index if start <= y <= end]
    window_sec, window_rest = sec.loc[years], rest.loc[years]
    gaps_treated = [y for y in years if not (have.loc[y])]
    if len(years) != end - start + 1 or gaps_treated:
        raise InputError(
            "treated region lacks the sector or the rest in some years",
            field=column,
            value=(treated, gaps_treated or sorted(set(range(start, end + 1)) - set(years))),
            expected=f"values of {sector} and {within} in every year {start}..{end}",
        )
    if outcome == "log":
        bad_value = ((window_sec <= 0) | (window_rest <= 0)).any()
    else:
        bad_value = (window_sec.loc[base] <= 0) | (window_rest.loc[base] <= 0)
    complete = window_sec.notna().all() & window_rest.notna().all()
    usable = complete & ~bad_value
    for code in [treated, *(donor_list or [])]:
        if not usable[code]:
            reason = "missing (suppressed) cells" if not complete[code] else "values <= 0 (log or index base)"
            raise ParameterError(
                f"region not usable for the triple difference: {reason}",
                field="treated" if code == treated else "donors",
                value=code,
                expected=f"positive values of {sector} and {within} - {sector} in every year {start}..{end}",
            )
    if donor_list is None:
        donor_list = [c for c in codes if c != treated and usable[c]]
        left_out = [c for c in codes if c != treated and not usable[c]]
    else:
        left_out = []
    units = [treated, *donor_list]
    y_sec = _outcome(window_sec[units], outcome, base)
    y_rest = _outcome(window_rest[units], outcome, base)
    gap = (y_sec - y_rest).rename_axis(index="year", columns="region")
    gap.attrs["unit_names"] = {u: names.get(u, u) for u in units}
    did = difference_in_differences(
        gap,
        treated,
        treatment_year,
        donor_list,
        log=False,
        outcome=f"{outcome} gap {sector} - ({within} - {sector})",
        placebo=placebo,
        level=level,
        unit_size=unit_size,
    )
    # the regression on the gaps equals the three-way regression on the (region, group, year) panel with
    # 2n rows: same residual degrees of freedom, cluster scores halved; only the (N - 1) factor differs
    n = len(years) * len(units)
    se = float(did.se) * math.sqrt((2 * n - 1) / (n - 1))
    p_clustered = float(2 * stats.t.sf(abs(did.estimate / se), len(units) - 1)) if se > 0 else float("nan")
    post = np.asarray(years) >= treatment_year
    change_sec = y_sec[post].mean() - y_sec[~post].mean()
    change_rest = y_rest[post].mean() - y_rest[~post].mean()
    did_sector = float(change_sec[treated] - change_sec[donor_list].mean())
    did_rest = float(change_rest[treated] - change_rest[donor_list].mean())
    table = pd.DataFrame(
        {
            "treated_sector": y_sec[treated],
            "treated_rest": y_rest[treated],
            "donors_sector": y_sec[donor_list].mean(axis=1),
            "donors_rest": y_rest[donor_list].mean(axis=1),
        }
    )
    table["treated_gap"] = table["treated_sector"] - table["treated_rest"]
    table["donors_gap"] = table["donors_sector"] - table["donors_rest"]
    table.index.name = "year"
    caveats = [ONE_TREATED_CAVEAT, WITHIN_CAVEAT]
    if outcome == "log":
        caveats.append("The outcome is in logs: the estimate is in log points (about 100 x estimate %).")
    return TripleDiffResult(
        treated=str(treated),
        sector=str(sector),
        within=str(within),
        treatment_year=treatment_year,
        start_year=start,
        end_year=end,
        donors=[str(d) for d in donor_list],
        estimate=float(did.estimate),
        p_value=float(did.p_value) if placebo else p_clustered,
        interval_low=float(did.interval_low),
        interval_high=float(did.interval_high),
        level=float(level),
        p_value_clustered=p_clustered,
        se_clustered=se,
        did_sector=did_sector,
        did_rest=did_rest,
        n_obs=2 * n,
        outcome=outcome,
        value=column,
        data=table,
        placebo_estimates=did.placebo_estimates,
        placebo_p_value=did.placebo_p_value,
        base_year=base if outcome == "index" else None,
        left_out_regions=[str(c) for c in left_out],
        caveats=caveats,
    )
