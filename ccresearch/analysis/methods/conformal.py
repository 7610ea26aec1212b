"""Conformal intervals for synthetic-control effects (Chernozhukov, Wuthrich & Zhu 2021), by test inversion.

For a hypothesised effect theta, the treated unit's post-period outcome is reduced by theta, the synthetic
control is refitted on the pre-period AND the post-period years under test (under the null the adjusted
outcome has no effect, so every period may be used for the fit), and the residuals u_t of that fit are
compared over time:

- per post year t: the fit uses the pre-years and t; the p-value is the share of those periods s with
  |u_s| >= |u_t| (the i.i.d. permutation test over time; with T0 pre-years it cannot be below 1/(T0+1)).
- the average effect (a constant theta in every post year): the fit uses every pre- and post-year; the
  statistic is the mean |u_t| over the post years; the p-value is the share of the T moving-block
  (cyclic) permutations of the residuals whose statistic is at least the observed one (smallest 1/T).

The interval at ``level`` runs from the lowest to the highest grid value whose p-value exceeds 1 - level
(the hull of the confidence set on the grid). Where the set reaches an end of the grid, that end is reported as infinite (the data cannot
bound it: e.g. the per-year interval with 5 pre-years at level 0.9, since 1/6 > 0.1).

What it can show: the effects consistent with the treated unit's residuals being exchangeable over time.
What it cannot show: it assumes the residuals of the refitted synthetic control are (weakly) stationary and
exchangeable over time; with a short pre-period it is wide or unbounded.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ccresearch.analysis.methods._synth_solver import penalised_weights, simplex_least_squares
from ccresearch.analysis.methods.synth import (
    PredictorLike,
    Search,
    SynthResult,
    SynthSpec,
    _check_inputs,
    _fit_arrays,
    _prepare,
    _result,
)
from ccresearch.core.result import ResultDisplay
from ccresearch.errors import ParameterError

__all__ = ["ConformalResult", "conformal_intervals", "conformal_p_value"]


@dataclass(frozen=True, repr=False)
class ConformalResult(ResultDisplay):
    """Conformal intervals of a synthetic-control effect.

    Attributes:
        treated, treatment_year: as in :class:`~ccresearch.analysis.methods.synth.SynthResult`.
        estimate: the average post-period gap of the synthetic control (the average effect).
        interval_low, interval_high: the interval of the average effect at ``level`` (inf: unbounded).
        level: coverage, e.g. 0.9.
        by_year: index year: ``estimate`` (the gap), ``interval_low``, ``interval_high``.
        grid_step: spacing of the grid searched (the intervals' resolution).
    """

    treated: str
    treatment_year: int
    estimate: float
    interval_low: float
    interval_high: float
    level: float
    by_year: pd.DataFrame
    grid_step: float

    def _headline(self) -> tuple[str, str, list[tuple[str, Any]]]:
        return (
            "synthetic control, conformal intervals",
            f"{self.treated} from {self.treatment_year}",
            [
                ("average effect", self.estimate),
                (f"interval {self.level:.0%}", (self.interval_low, self.interval_high)),
                ("post years", len(self.by_year)),
                ("grid step", self.grid_step),
            ],
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-able: ``{"estimate", "interval": {"low", "high"}, "level", "by_year": {...}}``."""
        return {
            "method": "synthetic control, conformal inference (Chernozhukov, Wuthrich & Zhu 2021)",
            "treated": str(self.treated),
            "treatment_year": int(self.treatment_year),
            "estimate": float(self.estimate),
            "interval": {"low": _json(self.interval_low), "high": _json(self.interval_high)},
            "level": float(self.level),
            "grid_step": float(self.grid_step),
            "by_year": {
                str(int(y)): {
                    "estimate": float(r["estimate"]),
                    "interval": {"low": _json(r["interval_low"]), "high": _json(r["interval_high"])},
                }
                for y, r in self.by_year.iterrows()
            },
        }


def _json(x: float) -> float | None:
    return float(x) if math.isfinite(x) else None


class _Refit:
    """Residuals of the synthetic control refitted on given periods, by the specification of the main fit.

    Outcome lags: the weights are refitted to the outcome in the given rows (the plain fit or, with a
    penalty, the penalised one with the main fit's lambda), warm-started per row set. Covariates: with the
    predictor weights V fixed (given, from the two-step search, whose training and validation years are all
    pre-period, or the penalised rule's) W depends on the predictors only and is computed once; otherwise V
    is searched anew on the given rows, as in the main fit.
    """

    def __init__(
        self,
        y1: np.ndarray,
        y0: np.ndarray,
        x1,
        x0,
        search: Search,
        main: SynthResult | None = None,
        fixed_v: np.ndarray | None = None,
    ) -> None:
        self.y1, self.y0, self.x1, self.x0, self.search = y1, y0, x1, x0, search
        self.penalty = None if main is None else main.penalty
        self.fixed_v = fixed_v
        self._start: dict[tuple[int, ...], np.ndarray] = {}
        self._w: np.ndarray | None = None

    def residuals(self, rows: np.ndarray, adjusted: np.ndarray) -> np.ndarray:
        z0 = self.y0[rows]
        if self.x1 is None:
            key = tuple(rows.tolist())
            if self.penalty:
                w = penalised_weights(adjusted, z0, self.penalty, start=self._start.get(key))
            else:
                w = simplex_least_squares(z0 - adjusted[:, None], start=self._start.get(key))
            self._start[key] = w
        elif self.fixed_v is not None:
            if self._w is None:
                mask = np.ones(len(rows), dtype=bool)
                self._w = _fit_arrays(
                    adjusted, z0, mask, self.x1, self.x0, self.search, v=self.fixed_v, penalty=self.penalty
                ).weights
            w = self._w
        else:
            mask = np.ones(len(rows), dtype=bool)
            w = _fit_arrays(adjusted, z0, mask, self.x1, self.x0, self.search, penalty=self.penalty).weights
        return adjusted - z0 @ w


def _cyclic_p_value(u: np.ndarray, post: np.ndarray) -> float:
    """Share of cyclic shifts of the residuals whose mean |u| over the post positions is >= the observed."""
    a = np.abs(u)
    n = len(a)
    stats = np.array([a[(np.flatnonzero(post) - k) % n].mean() for k in range(n)])
    observed = stats[0]
    return float(np.mean(stats >= observed * (1 - 1e-12)))


def _rank_p_value(u: np.ndarray, last: int) -> float:
    a = np.abs(u)
    return float(np.mean(a >= a[last] * (1 - 1e-12)))


def conformal_p_value(
    panel: pd.DataFrame,
    treated: str,
    treatment_year: int,
    effect: float | Sequence[float] = 0.0,
    *,
    year: int | None = None,
    donors: Sequence[str] | None = None,
    pre_years: Iterable[int] | None = None,
    predictors: pd.DataFrame | SynthSpec | Sequence[PredictorLike] | None = None,
    search: Search = "wide",
    covariates: Any = None,
    v: Any = None,
    penalty: float | str | None = None,
) -> float:
    """Conformal p-value of the null 'the effect is ``effect``' (every post year, or ``year`` alone)."""
    table, opts = _prepare(panel, predictors, covariates, v, penalty)
    treated, donor_list, pre = _check_inputs(panel, treated, treatment_year, donors, pre_years, table)
    main = None
    if opts.penalty is not None or opts.training is not None:
        main = _result(panel, treated, treatment_year, donor_list, pre, table, search, opts)
    refit, years = _refit(panel, treated, donor_list, table, search, main, opts)
    return _p_value(refit, years, pre, treatment_year, year, float(np.mean(effect)))


def _refit(panel, treated, donors, predictors, search, main=None, opts=None) -> tuple[_Refit, np.ndarray]:
    years = np.array([int(y) for y in panel.index])
    y1 = panel[treated].to_numpy(dtype=float)
    y0 = panel[donors].to_numpy(dtype=float)
    x1 = None if predictors is None else predictors[treated].to_numpy(dtype=float)
    x0 = None if predictors is None else predictors[donors].to_numpy(dtype=float)
    fixed_v = None
    if predictors is not None and opts is not None:
        if opts.v is not None:
            fixed_v = opts.v
        elif main is not None and (opts.training is not None or opts.penalty == "cv"):
            fixed_v = main.predictor_weights.to_numpy()
    return _Refit(y1, y0, x1, x0, search, main, fixed_v), years


def _p_value(
    refit: _Refit, years: np.ndarray, pre: list[int], treatment_year: int, year, theta: float
) -> float:
    pre_rows = np.flatnonzero(np.isin(years, pre))
    if year is not None:
        t = int(np.flatnonzero(years == int(year))[0])
        rows = np.append(pre_rows, t)
        adjusted = refit.y1[rows].copy()
        adjusted[-1] -= theta
        return _rank_p_value(refit.residuals(rows, adjusted), len(rows) - 1)
    post_rows = np.flatnonzero(years >= treatment_year)
    rows = np.concatenate([pre_rows, post_rows])
    post = np.isin(rows, post_rows)
    adjusted = refit.y1[rows] - theta * post
    return _cyclic_p_value(refit.residuals(rows, adjusted), post)


def _invert(p_of, grid: np.ndarray, alpha: float) -> tuple[float, float]:
    """Lowest and highest grid value whose p-value exceeds alpha (the hull of the confidence set on the grid);
    an end at the edge of the grid is reported as infinite; (nan, nan) when every value is rejected."""
    return _hull(np.array([p_of(th) > alpha for th in grid]), grid)


def _fixed_residuals(refit: _Refit, rows: np.ndarray) -> np.ndarray | None:
    """Residuals of the treated unit in ``rows`` when W does not depend on the outcome (V fixed), else None."""
    if refit.x1 is None or refit.fixed_v is None:
        return None
    if refit._w is None:
        mask = np.ones(len(rows), dtype=bool)
        refit._w = _fit_arrays(
            refit.y1[rows],
            refit.y0[rows],
            mask,
            refit.x1,
            refit.x0,
            refit.search,
            v=refit.fixed_v,
            penalty=refit.penalty,
        ).weights
    return refit.y1[rows] - refit.y0[rows] @ refit._w


def _year_accepted(u_pre: np.ndarray, gap: float, thetas: np.ndarray, alpha: float) -> np.ndarray:
    """Per-year test of every theta at once (W fixed): the rank of |gap - theta| among the pre-period |u|."""
    own = np.abs(gap - thetas)
    count = 1 + (np.abs(u_pre)[None, :] >= own[:, None] * (1 - 1e-12)).sum(axis=1)
    return count / (len(u_pre) + 1) > alpha


def _average_accepted(u0: np.ndarray, post: np.ndarray, thetas: np.ndarray, alpha: float) -> np.ndarray:
    """Average-effect test of every theta at once (W fixed): the cyclic permutation p-value of each."""
    n = len(u0)
    a = np.abs(u0[None, :] - thetas[:, None] * post[None, :])  # grid x periods
    shifts = (np.flatnonzero(post)[None, :] - np.arange(n)[:, None]) % n  # shift x post positions
    stats = a[:, shifts].mean(axis=2)  # grid x shift
    return np.mean(stats >= stats[:, :1] * (1 - 1e-12), axis=1) > alpha


def _hull(accepted: np.ndarray, grid: np.ndarray) -> tuple[float, float]:
    if not accepted.any():
        return math.nan, math.nan
    idx = np.flatnonzero(accepted)
    low = -math.inf if idx[0] == 0 else float(grid[idx[0]])
    high = math.inf if idx[-1] == len(grid) - 1 else float(grid[idx[-1]])
    return low, high


def conformal_intervals(
    panel: pd.DataFrame,
    treated: str,
    treatment_year: int,
    *,
    level: float = 0.9,
    donors: Sequence[str] | None = None,
    pre_years: Iterable[int] | None = None,
    predictors: pd.DataFrame | SynthSpec | Sequence[PredictorLike] | None = None,
    search: Search = "wide",
    grid: Sequence[float] | None = None,
    n_grid: int = 201,
    years: Iterable[int] | None = None,
    covariates: Any = None,
    v: Any = None,
    penalty: float | str | None = None,
) -> ConformalResult:
    """Conformal intervals for the effect in each post year and for the average post-period effect.

    Args:
        panel, treated, treatment_year, donors, pre_years, predictors, search, covariates, v, penalty: as in
            :func:`~ccresearch.analysis.methods.synth.synthetic_control` (names accepted): any specification
            (outcome lags, covariates, custom V, the two-step search, the penalised method). Each refit
            under a hypothesised effect uses the same specification (with a penalty, the lambda chosen for
            the main fit; with V fixed by ``v``, the two-step search or the penalised rule, W depends on the
            predictors only, so the refit keeps it).
        level: coverage of the intervals (default 0.9).
        grid: the effects to test, in outcome units, as offsets from each estimate (one grid for every
            year and for the average; sorted). Default: ``n_grid`` points spanning the estimate +- 10 x the
            larger of the post-period gaps' spread and the pre-RMSPE.
        n_grid: points of the default grid.
        years: post years to give intervals for (default: every post year).
    """
    if not 0 < level < 1:
        raise ParameterError("level must be between 0 and 1", field="level", value=level, expected="e.g. 0.9")
    table, opts = _prepare(panel, predictors, covariates, v, penalty)
    treated, donor_list, pre = _check_inputs(panel, treated, treatment_year, donors, pre_years, table)
    main = _result(panel, treated, treatment_year, donor_list, pre, table, search, opts)
    refit, all_years = _refit(panel, treated, donor_list, table, search, main, opts)
    gaps = main.path["gap"]
    post_years = [y for y in main.post_years if years is None or y in set(int(v) for v in years)]
    if grid is None:
        spread = max(float(gaps.loc[main.post_years].std(ddof=0)), main.pre_rmspe, 1e-9)
        offsets = np.linspace(-10 * spread, 10 * spread, int(n_grid))
    else:
        offsets = np.sort(np.asarray(list(grid), dtype=float))
    if len(offsets) < 3:
        raise ParameterError("grid too small", field="grid", value=len(offsets), expected="at least 3 points")
    step = float(np.min(np.diff(offsets)))
    alpha = 1 - level
    rows = []
    # the per-year p-value is a rank among the pre-years and the year: never below 1 / (T0 + 1)
    per_year_bounded = 1.0 / (len(pre) + 1) <= alpha
    pre_rows = np.flatnonzero(np.isin(all_years, pre))
    post_rows = np.flatnonzero(all_years >= treatment_year)
    fixed = _fixed_residuals(refit, np.arange(len(all_years)))
    for year in post_years:
        est = float(gaps.loc[year])
        if per_year_bounded and fixed is not None:
            t = int(np.flatnonzero(all_years == int(year))[0])
            low, high = _hull(_year_accepted(fixed[pre_rows], fixed[t], est + offsets, alpha), est + offsets)
        elif per_year_bounded:
            low, high = _invert(
                lambda th, y=year: _p_value(refit, all_years, pre, treatment_year, y, th),
                est + offsets,
                alpha,
            )
        else:
            low, high = -math.inf, math.inf
        rows.append({"year": int(year), "estimate": est, "interval_low": low, "interval_high": high})
    by_year = pd.DataFrame(rows, columns=["year", "estimate", "interval_low", "interval_high"]).set_index(
        "year"
    )
    estimate = float(gaps.loc[main.post_years].mean())
    if fixed is not None:
        rows_all = np.concatenate([pre_rows, post_rows])
        post = np.isin(rows_all, post_rows).astype(float)
        accepted = _average_accepted(fixed[rows_all], post, estimate + offsets, alpha)
        low, high = _hull(accepted, estimate + offsets)
    else:
        low, high = _invert(
            lambda th: _p_value(refit, all_years, pre, treatment_year, None, th),
            estimate + offsets,
            alpha,
        )
    return ConformalResult(
        treated=str(treated),
        treatment_year=int(treatment_year),
        estimate=estimate,
        interval_low=low,
        interval_high=high,
        level=float(level),
        by_year=by_year,
        grid_step=step,
    )
