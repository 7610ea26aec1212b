"""Robustness checks of a synthetic control (and of a DiD) as functions of the same inputs.

- :func:`leave_one_out`: refit without each donor that carries weight; how far the average post-period gap
  moves shows how much the result rests on one donor.
- :func:`in_time_placebo`: a fake treatment year inside the pre-period (only years before the real
  treatment are used): a real-looking 'effect' there warns that the fit does not predict well.
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

__all__ = ["LeaveOneOutResult", "in_time_placebo", "leave_one_out", "minimum_detectable_effect"]


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
