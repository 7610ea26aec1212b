"""Penalised synthetic control (Abadie & L'Hour 2021, JASA, "A Penalized Synthetic Control Estimator for
Disaggregated Data"), with the penalty chosen by a stated rule.

The weights minimise, on the simplex (``W >= 0``, ``sum(W) = 1``),

    ||X1 - X0 W||^2 + lambda * sum_j W_j ||X1 - X0_j||^2

(norms weighted by the predictor weights V; for outcome lags, the pre-period outcomes themselves, V = I).
The first term is the usual synthetic-control fit, the second charges each donor its own distance from the
treated unit. For lambda > 0 the solution is unique and sparse when the donors are in general position
(Abadie & L'Hour, Theorem 1), even when many weightings fit the pre-period exactly, as with 5 pre-years and
39 COROP donors; lambda -> 0 gives the closest-donor exact fit the plain method already picks, lambda -> inf
nearest-neighbour matching.

The rule for lambda (``penalty="cv"``, :func:`choose_penalty`): pre-period cross-validation over units.
The last third of the fitting years (at least one, rounded: 2 of 5, 3 of 10) is held out; for each lambda
of :data:`PENALTY_GRID` and for every unit in turn (the treated unit and each donor, each fitted from the
other donors, never from the treated unit), the weights are fitted to the remaining (training) years and
their squared prediction error over the held-out years is summed; the lambda with the smallest total is
taken (ties go to the larger lambda, the sparser fit). With covariates as predictors (which do not depend
on a split of the years) the weights are fitted to the predictors and the error is measured over all the
fitting years. The post-period is never used, so the rule cannot be tuned to the effect. The placebo test
and the conformal intervals use the lambda chosen for the treated unit for every refit.

What it cannot show: the penalty trades fit for resemblance of the donors; a larger lambda can fit the
pre-period worse (the pre-RMSPE is reported); it does not make a short pre-period informative, it only
makes the choice among equally good fits reproducible and favours donors close to the treated unit.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ccresearch.analysis.methods._synth_solver import penalised_weights
from ccresearch.errors import ParameterError

if TYPE_CHECKING:
    from ccresearch.analysis.methods.synth import SynthResult

__all__ = ["PENALTY_GRID", "RULE", "choose_penalty", "penalised_synthetic_control", "validation_split"]

#: the rule by which ``penalty="cv"`` sets lambda, as reported in results
RULE = (
    "pre-period cross-validation over units: last third of the fitting years held out (outcome lags), "
    "lambda minimising the summed held-out squared error of the treated unit and every donor"
)

#: the lambdas searched by ``penalty="cv"``: 1e-4 to 10, five per decade
PENALTY_GRID: tuple[float, ...] = tuple(float(x) for x in np.geomspace(1e-4, 10.0, 26))


def validation_split(n_fit_years: int) -> int:
    """Number of fitting years held out by the rule: a third, rounded, at least 1 (2 of 5, 3 of 10)."""
    return max(1, math.floor(n_fit_years / 3 + 0.5))


def _cv_error(
    Y: np.ndarray,
    X: np.ndarray | None,
    train_rows: np.ndarray,
    val_rows: np.ndarray,
    grid: Sequence[float],
    v: np.ndarray | None,
) -> np.ndarray:
    """Summed held-out squared error per lambda; column 0 of ``Y``/``X`` is the treated unit, never a donor."""
    n = Y.shape[1]
    total = np.zeros(len(grid))
    order = np.argsort(grid)[::-1]  # from the largest lambda (a vertex) down, warm-starting each fit
    for u in range(n):
        others = np.array([j for j in range(1, n) if j != u])
        if others.size == 0:
            continue
        if X is None:
            x1, x0 = Y[train_rows, u], Y[np.ix_(train_rows, others)]
        else:
            x1, x0 = X[:, u], X[:, others]
        y1, y0 = Y[val_rows, u], Y[np.ix_(val_rows, others)]
        w = None
        for i in order:
            w = penalised_weights(x1, x0, grid[i], v=v, start=w)
            r = y1 - y0 @ w
            total[i] += float(r @ r)
    return total


def choose_penalty(
    Y: np.ndarray,
    pre_rows: Sequence[int],
    *,
    X: np.ndarray | None = None,
    v: np.ndarray | None = None,
    grid: Iterable[float] | None = None,
) -> tuple[float, pd.Series]:
    """The penalty by the stated rule (module docstring) on arrays.

    Args:
        Y: outcome, years x units, column 0 the treated unit, the others its donors.
        pre_rows: the fitting years' rows of ``Y``.
        X: predictors (k x units, already scaled) or None for outcome lags.
        v: predictor weights for ``X`` (None: equal).
        grid: lambdas to try (default :data:`PENALTY_GRID`).

    Returns:
        (chosen lambda, Series lambda -> summed held-out squared error).
    """
    lams = np.asarray(list(PENALTY_GRID if grid is None else grid), dtype=float)
    if lams.size == 0 or not np.all(np.isfinite(lams)) or (lams <= 0).any():
        raise ParameterError(
            "penalty grid must hold positive numbers",
            field="penalty_grid",
            value=lams.tolist(),
            expected="e.g. numpy.geomspace(1e-4, 10, 26)",
        )
    rows = np.asarray(sorted(int(r) for r in pre_rows))
    if X is None:
        if rows.size < 2:
            raise ParameterError(
                "penalty='cv' with outcome lags needs at least 2 fitting years",
                field="penalty",
                value="cv",
                expected="a number (the penalty itself) or a longer pre-period",
            )
        h = validation_split(rows.size)
        train, val = rows[:-h], rows[-h:]
    else:
        train, val = rows, rows
    err = _cv_error(np.asarray(Y, dtype=float), X, train, val, lams, v)
    best = float(err.min())
    # ties (to 1e-12 relative) go to the larger lambda
    chosen = float(lams[np.flatnonzero(err <= best + 1e-12 * max(best, 1e-300))].max())
    return chosen, pd.Series(err, index=pd.Index(lams, name="penalty"), name="held_out_sse")


def penalised_synthetic_control(
    panel: pd.DataFrame, treated: str, treatment_year: int, *, penalty: float | str = "cv", **kwargs: Any
) -> SynthResult:
    """Penalised synthetic control of one treated unit: :func:`~ccresearch.analysis.methods.synth.
    synthetic_control` with ``penalty`` (``"cv"``: the rule of this module; or a number >= 0).

    Every other argument is that of ``synthetic_control`` (donors, pre_years, predictors, covariates, v).
    Returns a :class:`~ccresearch.analysis.methods.synth.SynthResult` whose ``penalty`` is the lambda used
    and ``penalty_cv`` the cross-validation curve (None when the penalty was given).
    """
    from ccresearch.analysis.methods.synth import synthetic_control

    return synthetic_control(panel, treated, treatment_year, penalty=penalty, **kwargs)
