"""How far the regional effect depends on choices: intervals, robustness checks and a specification curve.

:func:`sensitivity` takes a :class:`~ccresearch.analysis.regional.RegionalAnalysis` and adds what a reader
needs to judge its effect (numbers and tables only; the report writes and draws):

- penalised synthetic control (Abadie & L'Hour 2021), whose weights are unique where the plain method has
  many exact fits, with its conformal interval and placebo test;
- intervals of the average post-treatment effect of every method, at one ``level`` (default 90%):
  synthetic control by conformal inference (Chernozhukov, Wuthrich & Zhu 2021), per post year and for the
  average; DiD and synthetic DiD (Arkhangelsky et al. 2021) from their placebo distributions (Conley & Taber
  2011);
- the range of the average post gap over the synthetic-control weightings that fit the pre-period equally well
  (when the pre-period is short, the weights, and so the effect, are not pinned down);
- leave-one-out over the donors with weight; an in-time placebo (a fake treatment year inside the
  pre-period);
- the minimum detectable effect of the design, from the placebo distribution, in jobs and in index points;
- a specification curve: the estimate and interval of DiD and synthetic control for every start year (from
  the data's first year to two years before treatment) and both outcomes (index and jobs), synthetic DiD for
  the report's own specification, and synthetic control without each donor with weight; all in jobs, so that
  estimates of different outcomes can be set side by side.

Jobs are the sector's jobs in the treated region. An effect in index points is converted at the region's
base-year jobs (``gap x jobs / 100``); a DiD effect in log points at ``(exp(b) - 1) x jobs``. The conversions
are monotone, so an interval converts end by end.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd

if TYPE_CHECKING:
    from ccresearch.analysis.regional import RegionalAnalysis

__all__ = ["METHODS", "SPEC_COLUMNS", "Sensitivity", "effect_interval_jobs", "sensitivity", "to_jobs"]

METHODS = ("did", "synth", "penalised", "sdid")
SPEC_COLUMNS = (
    "method",
    "outcome",
    "start_year",
    "variant",
    "estimate",
    "interval_low",
    "interval_high",
    "estimate_jobs",
    "low_jobs",
    "high_jobs",
    "baseline",
)


def to_jobs(value: float, outcome: str, base_jobs: float, *, log: bool = False) -> float:
    """An effect in outcome units as jobs at ``base_jobs`` (index points x jobs / 100; log points as
    ``(exp(b) - 1) x jobs``; jobs unchanged). Infinite ends stay infinite, NaN stays NaN."""
    value = float(value)
    if not math.isfinite(value):
        return value
    if log:
        return (math.exp(value) - 1.0) * base_jobs
    if outcome == "index":
        return value * base_jobs / 100.0
    return value


def _json(x: Any) -> float | None:
    try:
        x = float(x)
    except (TypeError, ValueError):
        return None
    return x if math.isfinite(x) else None


@dataclass(repr=False)
class Sensitivity:
    """Intervals, robustness checks and the specification curve of one regional analysis (see module).

    Attributes:
        level: coverage of every interval (e.g. 0.9).
        base_jobs: the sector's jobs in the treated region in the base year (for conversions to jobs).
        conformal: :class:`~ccresearch.analysis.methods.conformal.ConformalResult` of the synthetic control.
        sdid: :class:`~ccresearch.analysis.methods.sdid.SDiDResult`.
        penalised: penalised synthetic control (Abadie & L'Hour 2021, penalty by pre-period cross-validation;
            :func:`~ccresearch.analysis.methods.penalised.penalised_synthetic_control`), its conformal intervals
            (``penalised_conformal``) and placebo test (``penalised_placebo``).
        gap_range: :class:`~ccresearch.analysis.methods.robustness.GapRangeResult`.
        leave_one_out: :class:`~ccresearch.analysis.methods.robustness.LeaveOneOutResult`.
        in_time: placebo test with ``fake_year`` as treatment year on the pre-period (None when the
            pre-period is too short: it needs two years before the fake year).
        mde: minimum detectable effect: ``{"synth": {"outcome", "jobs", "index"}, "did": {...}}``.
        specifications: one row per estimate (columns :data:`SPEC_COLUMNS`).
    """

    level: float
    outcome: str
    base_jobs: float
    conformal: Any
    sdid: Any
    penalised: Any
    penalised_conformal: Any
    penalised_placebo: Any
    gap_range: Any
    leave_one_out: Any
    in_time: Any
    fake_year: int | None
    mde: dict[str, dict[str, float]]
    specifications: pd.DataFrame
    caveats: list[str] = field(default_factory=list)

    def jobs(self, value: float) -> float:
        """A value in the analysis's outcome units as jobs."""
        return to_jobs(value, self.outcome, self.base_jobs)

    def conformal_by_year(self) -> pd.DataFrame:
        """Per post year: ``year, estimate, interval_low, interval_high`` (outcome units) and the same in jobs."""
        t = self.conformal.by_year.reset_index()
        for col, new in (
            ("estimate", "estimate_jobs"),
            ("interval_low", "low_jobs"),
            ("interval_high", "high_jobs"),
        ):
            t[new] = [self.jobs(v) for v in t[col]]
        return t

    def spec_range(self) -> tuple[float, float]:
        """Lowest and highest estimate (jobs) over the specification curve."""
        e = self.specifications["estimate_jobs"]
        return float(e.min()), float(e.max())

    def share_positive(self) -> float:
        """Share of the specifications whose estimate is above zero."""
        e = self.specifications["estimate_jobs"]
        return float((e > 0).mean())

    def share_excluding_zero(self) -> float:
        """Share of the specifications with an interval that excludes zero (among those with an interval)."""
        s = self.specifications.dropna(subset=["low_jobs", "high_jobs"])
        if s.empty:
            return math.nan
        return float(((s["low_jobs"] > 0) | (s["high_jobs"] < 0)).mean())

    def to_dict(self) -> dict[str, Any]:
        """JSON-able summary (infinite interval ends become None: unbounded)."""
        in_time = None
        if self.in_time is not None:
            gaps = self.in_time.gaps
            post = gaps.index >= self.fake_year
            in_time = {
                "fake_year": int(self.fake_year),
                "mean_gap": _json(gaps.loc[post, self.in_time.treated].mean()),
                "p_value": _json(self.in_time.p_value),
            }
        low, high = self.spec_range()
        pen = self.penalised
        return {
            "level": self.level,
            "penalised": {
                "method": "penalised synthetic control (Abadie & L'Hour 2021), penalty by pre-period cross-validation",
                "penalty": _json(pen.penalty),
                "estimate": _json(self.penalised_conformal.estimate),
                "interval": {
                    "low": _json(self.penalised_conformal.interval_low),
                    "high": _json(self.penalised_conformal.interval_high),
                },
                "p_value": _json(self.penalised_placebo.p_value),
                "pre_rmspe": _json(pen.pre_rmspe),
                "weights": {str(k): float(v) for k, v in pen.weights.items() if v > 0.001},
            },
            "gap_range": {
                "low": _json(self.gap_range.low),
                "high": _json(self.gap_range.high),
                "low_jobs": _json(self.jobs(self.gap_range.low)),
                "high_jobs": _json(self.jobs(self.gap_range.high)),
                "unique": bool(self.gap_range.unique),
            },
            "leave_one_out": {
                "low": _json(self.leave_one_out.gap_range[0]),
                "high": _json(self.leave_one_out.gap_range[1]),
                "dropped": [str(d) for d in self.leave_one_out.table.index],
            },
            "in_time_placebo": in_time,
            "minimum_detectable_effect": {
                k: {n: _json(v) for n, v in d.items()} for k, d in self.mde.items()
            },
            "specifications": {
                "n": len(self.specifications),
                "estimate_jobs_low": _json(low),
                "estimate_jobs_high": _json(high),
                "share_positive": _json(self.share_positive()),
                "share_interval_excludes_zero": _json(self.share_excluding_zero()),
            },
        }


def _estimates(
    panel: pd.DataFrame,
    region: str,
    treatment_year: int,
    outcome: str,
    level: float,
    base_jobs: float,
    *,
    conformal_grid: int,
    with_sdid: bool = True,
    did: Any = None,
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Every method's average effect and interval on one panel (rows of the specification curve); synthetic DiD
    (40 placebo fits of two weightings each) only when ``with_sdid``."""
    from ccresearch.analysis.methods.conformal import conformal_intervals
    from ccresearch.analysis.methods.did import difference_in_differences
    from ccresearch.analysis.methods.sdid import synthetic_did

    log = outcome == "jobs"
    if did is None:  # the analysis's own DiD is passed in for its own panel at its level
        did = difference_in_differences(panel, region, treatment_year, log=log, outcome=outcome, level=level)
    conformal = conformal_intervals(panel, region, treatment_year, level=level, n_grid=conformal_grid)
    sdid = synthetic_did(panel, region, treatment_year, level=level) if with_sdid else None
    found = [
        ("did", did.estimate, did.interval_low, did.interval_high, log),
        ("synth", conformal.estimate, conformal.interval_low, conformal.interval_high, False),
    ]
    penalised = penalised_conformal = penalised_placebo = None
    if with_sdid:  # the report's own set-up: penalised synthetic control too (Abadie & L'Hour 2021)
        from ccresearch.analysis.methods.penalised import penalised_synthetic_control
        from ccresearch.analysis.methods.synth import placebo_test

        penalised = penalised_synthetic_control(panel, region, treatment_year)
        penalised_conformal = conformal_intervals(
            panel, region, treatment_year, level=level, n_grid=conformal_grid, penalty=penalised.penalty
        )
        penalised_placebo = placebo_test(
            panel, region, treatment_year, penalty=penalised.penalty, precision=panel.attrs.get("precision")
        )
        found.append(
            (
                "penalised",
                penalised_conformal.estimate,
                penalised_conformal.interval_low,
                penalised_conformal.interval_high,
                False,
            )
        )
    if sdid is not None:
        found.append(("sdid", sdid.estimate, sdid.interval_low, sdid.interval_high, False))
    rows = []
    for method, est, low, high, is_log in found:
        rows.append(
            {
                "method": method,
                "outcome": outcome,
                "estimate": float(est),
                "interval_low": float(low),
                "interval_high": float(high),
                "estimate_jobs": to_jobs(est, outcome, base_jobs, log=is_log),
                "low_jobs": to_jobs(low, outcome, base_jobs, log=is_log),
                "high_jobs": to_jobs(high, outcome, base_jobs, log=is_log),
            }
        )
    return rows, {
        "did": did,
        "conformal": conformal,
        "sdid": sdid,
        "penalised": penalised,
        "penalised_conformal": penalised_conformal,
        "penalised_placebo": penalised_placebo,
    }


def _outcome_panel(a: RegionalAnalysis, start_year: int, outcome: str) -> pd.DataFrame | None:
    """The panel of a variant; donors with a zero count where the outcome needs a positive one are left out
    (None when the treated region has one)."""
    from ccresearch.analysis.regional import outcome_table, zero_counts

    window = a.jobs.loc[start_year : a.end_year, [a.region, *a.donors]]
    zero = zero_counts(window, outcome, a.base_year)
    if a.region in zero:
        return None
    units = [u for u in window.columns if u not in zero]
    return outcome_table(window[units], outcome, a.base_year, a.precision_jobs, a.unit_names)


def sensitivity(
    a: RegionalAnalysis,
    *,
    level: float = 0.9,
    start_years: list[int] | None = None,
    outcomes: tuple[str, ...] = ("index", "jobs"),
    conformal_grid: int = 121,
    variant_grid: int = 61,
    sdid_variants: bool = False,
) -> Sensitivity:
    """Intervals, robustness checks and the specification curve of ``a`` (see module docstring).

    ``start_years`` default: every year from the data's first year to ``treatment_year - 2`` (so that each
    variant keeps at least two pre-treatment years); ``outcomes``: the outcomes of the curve. The conformal
    interval of the report's own specification is searched on ``conformal_grid`` points, those of the variants
    on ``variant_grid``; synthetic DiD runs on the report's specification only unless ``sdid_variants``.
    """
    from ccresearch.analysis.methods.robustness import (
        in_time_placebo,
        leave_one_out,
        minimum_detectable_effect,
        post_gap_range,
    )
    from ccresearch.errors import ParameterError

    if not 0 < level < 1:
        raise ParameterError("level must be between 0 and 1", field="level", value=level, expected="e.g. 0.9")
    base_jobs = float(a.jobs.loc[a.base_year, a.region])
    first = int(a.jobs.index.min())
    if start_years is None:
        start_years = list(range(first, a.treatment_year - 1))
    start_years = sorted({int(y) for y in start_years} | {a.start_year})
    bad = [y for y in start_years if not first <= y <= a.treatment_year - 2]
    if bad:
        raise ParameterError(
            "start years outside the data or too close to the treatment year",
            field="start_years",
            value=bad,
            expected=f"years from {first} to {a.treatment_year - 2}",
        )
    rows: list[dict[str, Any]] = []
    baseline: dict[str, Any] = {}
    for outcome in dict.fromkeys([a.outcome, *outcomes]):
        for start in start_years:
            panel = (
                a.panel
                if (outcome == a.outcome and start == a.start_year)
                else _outcome_panel(a, start, outcome)
            )
            is_base = outcome == a.outcome and start == a.start_year
            if panel is None:
                continue  # the treated region has a zero count where this outcome needs a positive one
            found, fitted = _estimates(
                panel,
                a.region,
                a.treatment_year,
                outcome,
                level,
                base_jobs,
                conformal_grid=conformal_grid if is_base else variant_grid,
                with_sdid=is_base or sdid_variants,
                did=a.did if is_base and a.did.level == level else None,
            )
            if is_base:
                baseline = fitted
            for r in found:
                rows.append({**r, "start_year": start, "variant": "baseline" if is_base else "start_outcome",
                             "baseline": is_base})  # fmt: skip
    loo = leave_one_out(a.panel, a.region, a.treatment_year)
    for donor, r in loo.table.iterrows():
        est = float(r["mean_post_gap"])
        rows.append(
            {
                "method": "synth",
                "outcome": a.outcome,
                "start_year": a.start_year,
                "variant": f"without:{donor}",
                "estimate": est,
                "interval_low": math.nan,
                "interval_high": math.nan,
                "estimate_jobs": to_jobs(est, a.outcome, base_jobs),
                "low_jobs": math.nan,
                "high_jobs": math.nan,
                "baseline": False,
            }
        )
    specs = pd.DataFrame(rows, columns=list(SPEC_COLUMNS))
    gap_range = post_gap_range(a.panel, a.region, a.treatment_year)
    pre_years = [int(y) for y in a.panel.index if int(y) < a.treatment_year]
    fake_year = pre_years[len(pre_years) // 2] if len(pre_years) >= 4 else None
    in_time = None
    if fake_year is not None:
        in_time = in_time_placebo(
            a.panel, a.region, a.treatment_year, fake_year, precision=a.panel.attrs.get("precision")
        )
    mde: dict[str, dict[str, float]] = {}
    sources = {"synth": (a.placebo, False), "did": (baseline["did"], a.log)}
    for name, (result, is_log) in sources.items():
        if result is None:
            continue
        value = minimum_detectable_effect(result, level)
        jobs = to_jobs(value, a.outcome, base_jobs, log=is_log)
        mde[name] = {"outcome": value, "jobs": jobs, "index": 100.0 * jobs / base_jobs}
    return Sensitivity(
        level=float(level),
        outcome=a.outcome,
        base_jobs=base_jobs,
        conformal=baseline["conformal"],
        sdid=baseline["sdid"],
        penalised=baseline["penalised"],
        penalised_conformal=baseline["penalised_conformal"],
        penalised_placebo=baseline["penalised_placebo"],
        gap_range=gap_range,
        leave_one_out=loo,
        in_time=in_time,
        fake_year=fake_year,
        mde=mde,
        specifications=specs,
    )


def effect_interval_jobs(s: Sensitivity, method: str) -> tuple[float, float, float]:
    """(estimate, low, high) in jobs of ``method``'s baseline specification."""
    row = s.specifications[(s.specifications["baseline"]) & (s.specifications["method"] == method)]
    if row.empty:
        return (math.nan, math.nan, math.nan)
    r = row.iloc[0]
    return float(r["estimate_jobs"]), float(r["low_jobs"]), float(r["high_jobs"])
