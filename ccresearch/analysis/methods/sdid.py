"""Synthetic difference-in-differences (Arkhangelsky, Athey, Hirshberg, Imbens & Wager 2021), one treated unit.

Unit weights omega (simplex, with an intercept, ridge-penalised by zeta^2 T0 with
zeta = (T_post)^(1/4) x the standard deviation of the donors' first differences in the pre-period) match the
treated unit's pre-period path up to a constant; time weights lambda (simplex, with an intercept) match the
donors' post-period mean by a weighted pre-period mean. The estimate is the weighted DiD

    tau = (mean_post y_1 - sum_t lambda_t y_1t) - sum_j omega_j (mean_post y_j - sum_t lambda_t y_jt).

Inference with one treated unit is by placebos (each donor treated in its place, the others as donors): the
headline ``p_value`` is the permutation p-value of |tau|, the interval the Conley-Taber interval from the
placebo estimates (as for :func:`~ccresearch.analysis.methods.did.difference_in_differences`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ccresearch.analysis.methods._synth_solver import simplex_least_squares
from ccresearch.analysis.methods.did import conley_taber_interval
from ccresearch.analysis.methods.synth import _check_inputs
from ccresearch.core.result import ResultDisplay

__all__ = ["SDiDResult", "synthetic_did"]


@dataclass(frozen=True, repr=False)
class SDiDResult(ResultDisplay):
    """Synthetic DiD estimate of one treated unit with placebo inference."""

    treated: str
    treatment_year: int
    estimate: float
    unit_weights: pd.Series
    time_weights: pd.Series
    placebo_estimates: pd.Series
    p_value: float
    interval_low: float
    interval_high: float
    level: float

    @property
    def p_value_placebo(self) -> float:
        """Permutation p-value of |estimate| among the placebo estimates (the headline ``p_value``)."""
        return self.p_value

    def _headline(self) -> tuple[str, str, list[tuple[str, Any]]]:
        return (
            "synthetic difference-in-differences",
            f"{self.treated} from {self.treatment_year}",
            [
                ("estimate", self.estimate),
                (f"interval {self.level:.0%}", (self.interval_low, self.interval_high)),
                ("p_value_placebo", self.p_value),
            ],
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-able summary."""
        return {
            "method": "synthetic difference-in-differences (Arkhangelsky et al. 2021)",
            "treated": str(self.treated),
            "treatment_year": int(self.treatment_year),
            "estimate": float(self.estimate),
            "interval": {"low": _json(self.interval_low), "high": _json(self.interval_high)},
            "level": float(self.level),
            "p_value": float(self.p_value),
            "unit_weights": {str(k): float(v) for k, v in self.unit_weights.items() if v > 0.001},
            "time_weights": {str(int(k)): float(v) for k, v in self.time_weights.items() if v > 0.001},
        }


def _json(x: float) -> float | None:
    return float(x) if math.isfinite(x) else None


def _sdid(
    y1: np.ndarray, y0: np.ndarray, pre: np.ndarray, post: np.ndarray
) -> tuple[float, np.ndarray, np.ndarray]:
    """(tau, omega over donors, lambda over pre-years) on arrays: y1 (T,), y0 (T, J)."""
    z0, z1 = y0[pre], y1[pre]
    n_pre, n_post = int(pre.sum()), int(post.sum())
    diffs = np.diff(z0, axis=0)
    sigma = float(diffs.std(ddof=1)) if diffs.size > 1 else 0.0
    zeta = n_post**0.25 * sigma
    # unit weights: intercept by demeaning over the pre-years, ridge rows sqrt(zeta^2 T0) I
    c = z0 - z0.mean(axis=0)
    b = z1 - z1.mean()
    ridge = math.sqrt(zeta**2 * n_pre) * np.eye(y0.shape[1])
    omega = simplex_least_squares(np.vstack([c - b[:, None], ridge]))
    # time weights: rows donors, columns pre-years; intercept by demeaning over donors; tiny ridge
    target = y0[post].mean(axis=0)
    m = z0.T - z0.T.mean(axis=0)
    t = target - target.mean()
    small = math.sqrt((1e-6 * sigma) ** 2 * y0.shape[1]) * np.eye(n_pre)
    lam = simplex_least_squares(np.vstack([m - t[:, None], small]))
    treated_change = float(y1[post].mean() - lam @ z1)
    donor_change = y0[post].mean(axis=0) - lam @ z0
    return treated_change - float(omega @ donor_change), omega, lam


def synthetic_did(
    panel: pd.DataFrame,
    treated: str,
    treatment_year: int,
    *,
    donors: Sequence[str] | None = None,
    level: float = 0.9,
) -> SDiDResult:
    """Synthetic DiD of ``treated`` from ``treatment_year`` with placebo p-value and interval (see module)."""
    treated, donor_list, pre_list = _check_inputs(panel, treated, treatment_year, donors, None, None)
    years = np.array([int(y) for y in panel.index])
    pre = np.isin(years, pre_list)
    post = years >= treatment_year
    y1 = panel[treated].to_numpy(dtype=float)
    y0 = panel[donor_list].to_numpy(dtype=float)
    tau, omega, lam = _sdid(y1, y0, pre, post)
    placebos = {}
    if len(donor_list) >= 3:
        for j, donor in enumerate(donor_list):
            others = [i for i in range(len(donor_list)) if i != j]
            placebos[donor] = _sdid(y0[:, j], y0[:, others], pre, post)[0]
    placebo = pd.Series(placebos, name="placebo_estimate", dtype=float)
    values = np.abs(placebo.to_numpy())
    p_value = float((np.sum(values >= abs(tau) * (1 - 1e-12)) + 1) / (len(values) + 1))
    low, high = conley_taber_interval(tau, placebo, level) if len(placebo) else (-math.inf, math.inf)
    return SDiDResult(
        treated=str(treated),
        treatment_year=int(treatment_year),
        estimate=float(tau),
        unit_weights=pd.Series(omega, index=pd.Index(donor_list, name="donor"), name="weight"),
        time_weights=pd.Series(lam, index=pd.Index(years[pre], name="year"), name="weight"),
        placebo_estimates=placebo,
        p_value=p_value,
        interval_low=low,
        interval_high=high,
        level=float(level),
    )
