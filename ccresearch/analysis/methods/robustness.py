"""Robustness checks of a synthetic control (and of a DiD) as functions of the same inputs.

- :func:`leave_one_out`: refit without each donor that carries weight; how far the average post-period gap
  moves shows how much the result rests on one donor.
- :func:`in_time_placebo`: a fake treatment year inside the pre-period (only years before the real
  treatment are used): a real-looking 'effect' there warns that the fit does not predict well.
- :func:`post_gap_range`: when many weightings fit the pre-period equally well, the range of the average
  post-period gap over them (two linear programmes).
- :func:`minimum_detectable_effect`: the size of a constant post-period effect the design can tell apart
  from chance, read off the placebo distribution (in outcome units; the regional layer converts to jobs).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ccresearch.analysis.methods.synth import (
    REPORT_THRESHOLD,
    PlaceboResult,
    Search,
    SynthResult,
    _check_inputs,
    placebo_test,
    synthetic_control,
)
from ccresearch.core.result import ResultDisplay
from ccresearch.errors import ParameterError

__all__ = [
    "GapRangeResult",
    "LeaveOneOutResult",
    "in_time_placebo",
    "leave_one_out",
    "minimum_detectable_effect",
    "post_gap_range",
]


@dataclass(frozen=True, repr=False)
class LeaveOneOutResult(ResultDisplay):
    """Leave-one-out refits over the donors with weight.

    Attributes:
        full: the fit with every donor.
        table: index dropped donor: ``weight`` (in the full fit), ``pre_rmspe``, ``post_rmspe``,
            ``mean_post_gap`` of the refit without it.
    """

    full: SynthResult
    table: pd.DataFrame

    @property
    def gap_range(self) -> tuple[float, float]:
        """Lowest and highest average post-period gap over the full fit and every leave-one-out refit."""
        values = [self.full.mean_post_gap, *self.table["mean_post_gap"].tolist()]
        return float(min(values)), float(max(values))

    def _headline(self) -> tuple[str, str, list[tuple[str, Any]]]:
        return (
            "synthetic control, leave one donor out",
            f"{self.full.treated} from {self.full.treatment_year}",
            [
                ("mean_post_gap", self.full.mean_post_gap),
                ("range over refits", self.gap_range),
                ("donors dropped", len(self.table)),
            ],
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-able summary."""
        return {
            "method": "synthetic control, leave one donor out",
            "treated": str(self.full.treated),
            "estimate": float(self.full.mean_post_gap),
            "range": {"low": self.gap_range[0], "high": self.gap_range[1]},
            "refits": {str(k): {c: float(v) for c, v in row.items()} for k, row in self.table.iterrows()},
        }


def leave_one_out(
    panel: pd.DataFrame,
    treated: str,
    treatment_year: int,
    *,
    donors: Sequence[str] | None = None,
    pre_years: Iterable[int] | None = None,
    predictors: pd.DataFrame | None = None,
    search: Search = "wide",
    threshold: float = REPORT_THRESHOLD,
) -> LeaveOneOutResult:
    """Refit the synthetic control without each donor whose weight exceeds ``threshold``."""
    treated, donor_list, _ = _check_inputs(panel, treated, treatment_year, donors, pre_years, predictors)
    kwargs = {"pre_years": pre_years, "predictors": predictors, "search": search}
    full = synthetic_control(panel, treated, treatment_year, donors=donor_list, **kwargs)
    rows = {}
    for donor, weight in full.weights.items():
        if weight <= threshold or len(donor_list) < 2:
            continue
        others = [d for d in donor_list if d != donor]
        refit = synthetic_control(panel, treated, treatment_year, donors=others, **kwargs)
        rows[donor] = {
            "weight": float(weight),
            "pre_rmspe": refit.pre_rmspe,
            "post_rmspe": refit.post_rmspe,
            "mean_post_gap": refit.mean_post_gap,
        }
    table = pd.DataFrame.from_dict(
        rows, orient="index", columns=["weight", "pre_rmspe", "post_rmspe", "mean_post_gap"]
    )
    table.index.name = "dropped"
    return LeaveOneOutResult(full=full, table=table)


def in_time_placebo(
    panel: pd.DataFrame,
    treated: str,
    treatment_year: int,
    fake_year: int,
    *,
    donors: Sequence[str] | None = None,
    predictors: pd.DataFrame | None = None,
    search: Search = "wide",
    precision: float | pd.Series | None = None,
) -> PlaceboResult:
    """Placebo test with a fake treatment year inside the pre-period, on the years before the real one.

    Only panel years before ``treatment_year`` are used; ``fake_year`` must leave at least one year before
    it. The predictors, if given, must describe the years before ``fake_year`` (the caller's choice).
    """
    years = [int(y) for y in panel.index]
    if not (min(years) < int(fake_year) < int(treatment_year)):
        raise ParameterError(
            "the fake treatment year must lie inside the pre-period",
            field="fake_year",
            value=fake_year,
            expected=f"a year in {min(years) + 1}..{int(treatment_year) - 1}",
        )
    before = panel.loc[[y for y in panel.index if int(y) < int(treatment_year)]]
    before.attrs = dict(panel.attrs)
    return placebo_test(
        before,
        treated,
        int(fake_year),
        donors=donors,
        predictors=predictors,
        search=search,
        precision=precision,
    )


def minimum_detectable_effect(result: Any, level: float = 0.9) -> float:
    """Smallest constant effect the design tells apart from chance at ``level``, in outcome units.

    From a :class:`~ccresearch.analysis.methods.synth.PlaceboResult`: the ``level`` quantile of the absolute
    average post-period gaps of the placebo units (an effect of that size is larger than all but a share
    1 - level of the gaps that arise with no effect). From a DiD result with placebo estimates: the same
    quantile of the absolute placebo estimates. NaN with fewer than two placebos.
    """
    if not 0 < level < 1:
        raise ParameterError("level must be between 0 and 1", field="level", value=level, expected="e.g. 0.9")
    if isinstance(result, PlaceboResult):
        post = result.gaps.index >= result.treatment_year
        values = result.gaps.loc[post].drop(columns=[result.treated]).mean().abs().to_numpy()
    elif getattr(result, "placebo_estimates", None) is not None:
        values = np.abs(np.asarray(result.placebo_estimates, dtype=float))
    else:
        raise ParameterError(
            "no placebo distribution in this result",
            field="result",
            value=type(result).__name__,
            expected="a PlaceboResult, or a DiD result run with placebo=True",
        )
    values = values[np.isfinite(values)]
    if len(values) < 2:
        return math.nan
    return float(np.quantile(values, level))


@dataclass(frozen=True, repr=False)
class GapRangeResult(ResultDisplay):
    """Range of the average post-period gap over every donor weighting that fits the pre-period equally well.

    Attributes:
        treated, treatment_year: as in :class:`~ccresearch.analysis.methods.synth.SynthResult`.
        estimate: the average post-period gap of the chosen fit.
        low, high: the smallest and largest average post-period gap over the simplex points whose pre-period
            fitted values are within ``tolerance`` of the optimum's in every fitting year.
        tolerance: that tolerance, in outcome units.
        weights_low, weights_high: the weightings reaching ``low`` and ``high``.
    """

    treated: str
    treatment_year: int
    estimate: float
    low: float
    high: float
    tolerance: float
    weights_low: pd.Series
    weights_high: pd.Series

    @property
    def unique(self) -> bool:
        """True when the equally good fits agree on the average post-period gap (to 1e-6 of its scale)."""
        return self.high - self.low <= 1e-6 * max(1.0, abs(self.estimate))

    def _headline(self) -> tuple[str, str, list[tuple[str, Any]]]:
        return (
            "synthetic control, range over equally good fits",
            f"{self.treated} from {self.treatment_year}",
            [
                ("mean_post_gap", self.estimate),
                ("range", (self.low, self.high)),
                ("tolerance", self.tolerance),
            ],
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-able summary."""
        return {
            "method": "synthetic control, range of the average post gap over equally good fits",
            "treated": str(self.treated),
            "estimate": float(self.estimate),
            "range": {"low": float(self.low), "high": float(self.high)},
            "tolerance": float(self.tolerance),
        }


def post_gap_range(
    panel: pd.DataFrame,
    treated: str,
    treatment_year: int,
    *,
    donors: Sequence[str] | None = None,
    pre_years: Iterable[int] | None = None,
    tolerance: float | None = None,
) -> GapRangeResult:
    """Smallest and largest average post-period gap over the weightings with the same pre-period fit.

    Outcome-lag specification (the default of :func:`synthetic_control`). The least-squares fit on the
    simplex has unique fitted values; every simplex point reproducing them (to ``tolerance`` per fitting year,
    default: the treated unit's precision from ``panel.attrs["precision"]``, else 1e-9 of the outcome's
    scale) fits equally well. Two linear programmes find the extremes of the average post-period gap over
    that set. A wide range means the pre-period cannot tell the weightings, and so the effect, apart.
    """
    from scipy.optimize import linprog

    from ccresearch.analysis.methods._units import panel_precision

    treated, donor_list, pre = _check_inputs(panel, treated, treatment_year, donors, pre_years, None)
    full = synthetic_control(panel, treated, treatment_year, donors=donor_list, pre_years=pre)
    years = np.array([int(y) for y in panel.index])
    pre_rows = np.isin(years, pre)
    post_rows = years >= treatment_year
    y0 = panel[donor_list].to_numpy(dtype=float)
    y1 = panel[treated].to_numpy(dtype=float)
    w_star = full.weights.reindex(donor_list).to_numpy()
    fitted = y0[pre_rows] @ w_star
    if tolerance is None:
        prec = panel_precision(panel, None)
        if isinstance(prec, pd.Series):
            prec = float(prec.get(treated, 0.0))
        tolerance = float(prec) if prec else 1e-9 * max(1.0, float(np.abs(y1[pre_rows]).max()))
    tolerance = max(float(tolerance), 1e-12 * max(1.0, float(np.abs(y1[pre_rows]).max())))
    c = y0[post_rows].mean(axis=0)  # mean synthetic post outcome per unit of weight
    a_ub = np.vstack([y0[pre_rows], -y0[pre_rows]])
    b_ub = np.concatenate([fitted + tolerance, -(fitted - tolerance)])
    n = len(donor_list)
    bounds = [(0.0, None)] * n
    target = float(y1[post_rows].mean())
    out = {}
    for sign, name in ((1.0, "high"), (-1.0, "low")):  # high gap = lowest synthetic, and vice versa
        res = linprog(sign * c, A_ub=a_ub, b_ub=b_ub, A_eq=np.ones((1, n)), b_eq=[1.0], bounds=bounds)
        w = res.x if res.success else w_star
        out[name] = (
            target - float(c @ w),
            pd.Series(w, index=pd.Index(donor_list, name="donor"), name="weight"),
        )
    return GapRangeResult(
        treated=str(treated),
        treatment_year=int(treatment_year),
        estimate=full.mean_post_gap,
        low=min(out["low"][0], full.mean_post_gap),
        high=max(out["high"][0], full.mean_post_gap),
        tolerance=float(tolerance),
        weights_low=out["low"][1],
        weights_high=out["high"][1],
    )
