"""Synthetic control (Abadie & Gardeazabal 2003; Abadie, Diamond & Hainmueller 2010) with in-space placebos.

A synthetic control is a weighted average of donor units (weights non-negative, summing to one) chosen so
that it tracks the treated unit before the treatment year; the gap after it is read as the effect.

What it can show: whether the treated unit departs from a convex combination of comparable units that
matched it before treatment, and how unusual that departure is among the donors (placebo test).

What it cannot show:

- With one treated unit there is no sampling distribution: inference rests entirely on the placebo test,
  whose p-value cannot be smaller than 1 / (number of units), e.g. 1/40 = 0.025 for 40 COROP regions.
- With a short pre-period (e.g. 5 years) a close pre-treatment fit is easy to reach by chance and says little
  about the counterfactual; a poor fit (large pre-RMSPE) makes the post-period gap uninterpretable.
- Few pre-years and many donors (e.g. 5 years, of which the index base year is 100 for everyone, and 39
  donors) make exact pre-period fits common: a unit inside the donors' convex hull is reproduced exactly by
  many different weight vectors, which agree before treatment and disagree after it. Then the weights and
  the post-period gap are one arbitrary choice among many, the pre-RMSPE is 0, the post/pre ratio infinite,
  and the ratio p-value of such a unit is just the share of exactly fitted units
  (:attr:`SynthResult.exact_fit`, :attr:`PlaceboResult.exact_fits`). Restrict the donors or lengthen the
  pre-period before reading anything into such a fit.
- The treated unit must lie (nearly) inside the convex hull of the donors; weights cannot extrapolate.
- Spill-overs to donors, or shocks hitting the treated unit alone in the same year, are not separated from
  the effect.

Specification used by :func:`synthetic_control` by default: the predictors are the outcome in each
pre-period year (outcome lags) and the fit minimises the pre-period mean squared prediction error. With
these predictors Abadie's nested problem (predictor weights V outside, donor weights W inside) has the same
optimum as the simplex-constrained least-squares problem, which is solved exactly here; when several weight
vectors reach that optimum (always so for an exact fit) the one using the donors closest to the treated unit is
taken (see :func:`ccresearch.methods._synth_solver.closest_donor_optimum`). With other
predictors (``predictors=``) the nested problem is searched (see :func:`fit_synth`).

Other specifications (``predictors=``): any mix of outcome lags (years), covariates averaged over year
windows (missing years skipped) and special predictors (a variable in given years), from a long or wide
covariate table (``covariates=``, see :func:`predictor_table` and :class:`Predictor`); custom predictor
weights (``v=``); the two-step search of Abadie, Diamond & Hainmueller (2015), V chosen on a training period
and W fitted on the validation period (:class:`SynthSpec`). The nested problem is then searched (see
:func:`fit_synth`). ``penalty=`` gives the penalised synthetic control of Abadie & L'Hour (2021)
(:mod:`ccresearch.analysis.methods.penalised`), whose weights are unique where the plain ones are not. The
placebo test and the conformal intervals accept every such specification. California's Proposition 99
(Abadie, Diamond & Hainmueller 2010) and the Basque case reproduce through this API (tests/test_synth_api.py).

Which set-up reproduces the published Basque weights (Abadie & Gardeazabal 2003: Cataluna 0.851, Madrid
0.149; pre-period RMSPE 0.094): the Spain aggregate among the candidate donors
(``basque_inputs(frame, include_spain=True)``, as in pysyncon's parity test; it gets weight 0) and
``search="equal"`` (one Nelder-Mead search from equal predictor weights, the search of R Synth's and
pysyncon's examples). The Spain aggregate matters although it gets no weight: it enters the standard
deviations by which the predictors are scaled and so the path of the search; without it the same search
stops at Cataluna 0.64, Cantabria 0.26, Madrid 0.10 (pre-RMSPE 0.40). The default ``search="wide"`` differs
on purpose: the outer problem has many local optima, and the wide search finds predictor weights with a
lower pre-period loss than the published ones (pre-RMSPE 0.066 with or without Spain: Cataluna 0.63,
Baleares 0.22, Madrid 0.15, with almost all of V on GDP per capita; tested), so it is the better fit by the
method's own criterion, at the price of not reproducing the published weights. For California the wide and
the published search both reproduce the published weights to within 0.01.

Inference: the headline is the placebo p-value of the post/pre RMSPE ratio with the pre-RMSPE floored at
the data's precision (:func:`placebo_test`); intervals for the effect per post year and on average come
from conformal inference (:mod:`ccresearch.analysis.methods.conformal`).
"""

from __future__ import annotations

import math
import multiprocessing
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple

import numpy as np
import pandas as pd

from ccresearch.analysis.methods._synth_solver import (
    SynthFit,
    closest_donor_optimum,
    fit_synth,
    penalised_weights,
    predictor_scale,
    simplex_least_squares,
)
from ccresearch.analysis.methods._units import panel_precision, resolve_unit, resolve_units, unit_names
from ccresearch.core.result import ResultDisplay
from ccresearch.errors import InputError, ParameterError

__all__ = [
    "BASQUE",
    "PlaceboResult",
    "Predictor",
    "SynthFit",
    "SynthResult",
    "SynthSpec",
    "basque_inputs",
    "basque_spec",
    "fit_synth",
    "placebo_test",
    "predictor_table",
    "simplex_least_squares",
    "synthetic_control",
]

Search = Literal["wide", "equal"]

#: weights at or below this are left out of ``to_dict`` (they are numerically zero or negligible)
REPORT_THRESHOLD = 0.001


# ----------------------------------------------------------------------------------------------- results


@dataclass(frozen=True, repr=False)
class SynthResult(ResultDisplay):
    """One synthetic control fit.

    Attributes:
        treated: the treated unit.
        treatment_year: first year counted as treated (post-period = years >= it).
        weights: donor -> weight (non-negative, sum 1), sorted descending; all donors, zeros included.
        pre_rmspe: root mean squared gap over ``pre_years`` (the years the fit minimises).
        post_rmspe: root mean squared gap over the years >= ``treatment_year``.
        post_pre_ratio: post_rmspe / pre_rmspe (inf when the pre-period fit is exact).
        path: index year (every panel year), columns ``treated``, ``synthetic``, ``gap`` (treated - synthetic).
        pre_years: the fitting years.
        predictor_weights: V over the predictors (sum 1). For outcome lags: the V under which Abadie's inner
            loss equals the pre-period MSPE (proportional to each year's variance over units).
        predictors: ``"outcome lags"`` or ``"covariates"``.
        penalty: lambda of the penalised synthetic control (Abadie & L'Hour 2021), None for the plain one.
        penalty_rule: how ``penalty`` was set: ``"given"`` or the cross-validation rule
            (:mod:`ccresearch.analysis.methods.penalised`); None for the plain method.
        penalty_cv: lambda -> summed held-out squared error of that rule (None unless it ran).
    """

    treated: str
    treatment_year: int
    weights: pd.Series
    pre_rmspe: float
    post_rmspe: float
    post_pre_ratio: float
    path: pd.DataFrame
    pre_years: tuple[int, ...]
    predictor_weights: pd.Series
    predictors: str
    penalty: float | None = None
    penalty_rule: str | None = None
    penalty_cv: pd.Series | None = field(default=None, repr=False)

    @property
    def exact_fit(self) -> bool:
        """True when the pre-period is reproduced exactly (pre-RMSPE 0): the ratio is then infinite, and with
        few pre-years and many donors this says more about the design than about the unit."""
        return self.pre_rmspe == 0.0

    @property
    def post_years(self) -> list[int]:
        """Years counted as post-treatment."""
        return [int(y) for y in self.path.index if y >= self.treatment_year]

    @property
    def mean_post_gap(self) -> float:
        """Average treated-minus-synthetic gap over the post-period (the average effect estimate)."""
        post = self.path.loc[self.path.index >= self.treatment_year, "gap"]
        return float(post.mean()) if len(post) else math.nan

    def _headline(self) -> tuple[str, str, list[tuple[str, Any]]]:
        top = self.weights[self.weights > REPORT_THRESHOLD].head(3)
        return (
            "synthetic control",
            f"{self.treated} from {self.treatment_year}",
            [
                ("mean_post_gap", self.mean_post_gap),
                ("pre_rmspe", self.pre_rmspe),
                ("post_rmspe", self.post_rmspe),
                ("top weights", ", ".join(f"{k} {v:.2f}" for k, v in top.items())),
            ],
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-able summary: weights above 0.001, RMSPEs, ratio, years, post-period mean gap."""
        post = self.path.loc[self.path.index >= self.treatment_year, "gap"]
        return {
            "treated": str(self.treated),
            "treatment_year": int(self.treatment_year),
            "weights": {str(k): float(v) for k, v in self.weights.items() if v > REPORT_THRESHOLD},
            "pre_rmspe": float(self.pre_rmspe),
            "post_rmspe": float(self.post_rmspe),
            "post_pre_ratio": _json_float(self.post_pre_ratio),
            "exact_fit": self.exact_fit,
            "mean_post_gap": float(post.mean()) if len(post) else None,
            "pre_years": [int(y) for y in self.pre_years],
            "post_years": self.post_years,
            "n_donors": len(self.weights),
            "predictors": self.predictors,
            "penalty": None if self.penalty is None else float(self.penalty),
            "penalty_rule": self.penalty_rule,
        }


@dataclass(frozen=True, repr=False)
class PlaceboResult(ResultDisplay):
    """In-space placebo test: the same fit with each donor in turn as the 'treated' unit.

    Each placebo unit's donors are the other donors (the real treated unit is never a donor). The
    permutation p-value is the share of all units, the treated one included, whose post/pre RMSPE ratio is
    at least the treated unit's; its smallest possible value is 1 / n_units. The pre-RMSPE in the ratio is
    floored at ``precision`` (the data's own precision, e.g. its rounding): ``post_rmspe / max(pre_rmspe,
    precision)``. A fit closer than the data's precision is no better than one at the precision, so the ratio
    of an exactly fitted unit is still finite and a real post-period departure raises it: an effect added to
    the treated unit after the treatment year lowers the p-value even when its pre-period fit is exact. It
    also makes the p-value a property of the data and the specification, not of the optimiser (which of many
    exact weight vectors a solver returns changes the pre-RMSPE below the floor, not the ratio). Without a
    precision (0) an exact fit has an infinite ratio and ties at the top.

    Attributes:
        treated, treatment_year: as in :class:`SynthResult`.
        p_value: permutation p-value of the floored RMSPE ratio as above (also ``p_value_rmspe_ratio``).
        ratios: unit -> post / max(pre, precision) RMSPE ratio (treated first, then the donors in order).
        pre_rmspe, post_rmspe: unit -> RMSPE before (fitting years) and after the treatment year.
        gaps: DataFrame year x unit of treated-minus-synthetic gaps.
        result: the fit of the real treated unit.
        precision: unit -> floor of the pre-RMSPE in the ratio (0 where not given; floating-point noise of an
            exact fit always counts as exact).
    """

    treated: str
    treatment_year: int
    p_value: float
    ratios: pd.Series
    pre_rmspe: pd.Series
    post_rmspe: pd.Series
    gaps: pd.DataFrame
    result: SynthResult = field(repr=False)
    precision: pd.Series | None = field(default=None, repr=False)

    @property
    def rank(self) -> int:
        """Rank of the treated unit's ratio among all units (1 = largest)."""
        return int((self.ratios >= self.ratios[self.treated]).sum())

    @property
    def exact_fits(self) -> list[str]:
        """Units whose pre-period is reproduced exactly (to within ``precision``).

        Many exact fits mean the pre-period is too short for the number of donors (e.g. 5 years, 39 donors):
        the weights, and so the post-period gap, of those units are one choice among many.
        """
        prec = self.precision if self.precision is not None else pd.Series(0.0, index=self.pre_rmspe.index)
        return [str(u) for u, v in self.pre_rmspe.items() if v <= prec[u]]

    @property
    def p_value_rmspe_ratio(self) -> float:
        """The headline p-value: permutation p-value of the floored post/pre RMSPE ratio."""
        return self.p_value

    @property
    def n_units(self) -> int:
        """Units ranked: the treated one and every placebo."""
        return len(self.ratios)

    def _headline(self) -> tuple[str, str, list[tuple[str, Any]]]:
        return (
            "synthetic control placebo test",
            f"{self.treated} from {self.treatment_year}",
            [
                ("p_value_rmspe_ratio", self.p_value),
                ("rank", f"{self.rank} of {self.n_units}"),
                ("mean_post_gap", self.result.mean_post_gap),
                ("pre_rmspe", self.result.pre_rmspe),
                ("exact fits", len(self.exact_fits)),
            ],
        )

    @property
    def p_value_post_rmspe(self) -> float:
        """Share of units whose post-period RMSPE is at least the treated unit's (ignores pre-period fit)."""
        return float((self.post_rmspe >= self.post_rmspe[self.treated]).sum() / len(self.post_rmspe))

    def p_value_excluding(self, max_pre_mspe_factor: float) -> float:
        """p-value after dropping placebos whose pre-period MSPE exceeds ``factor`` x the treated unit's.

        Abadie, Diamond & Hainmueller (2010) use factors such as 20, 5 and 2: placebos that were never fitted
        well say nothing about how unusual the treated unit's post-period gap is.
        """
        mspe = self.pre_rmspe**2
        keep = mspe <= max_pre_mspe_factor * mspe[self.treated]
        ratios = self.ratios[keep]
        return float((ratios >= ratios[self.treated]).sum() / len(ratios))

    def to_dict(self) -> dict[str, Any]:
        """JSON-able summary: p-value, rank, number of units, per-unit ratio and pre-RMSPE."""
        return {
            "treated": str(self.treated),
            "treatment_year": int(self.treatment_year),
            "p_value": float(self.p_value),
            "p_value_statistic": "post/pre RMSPE ratio, pre-RMSPE floored at the data's precision",
            "rank": self.rank,
            "n_units": len(self.ratios),
            "exact_fits": self.exact_fits,
            "p_value_post_rmspe": self.p_value_post_rmspe,
            "ratios": {str(k): _json_float(v) for k, v in self.ratios.items()},
            "pre_rmspe": {str(k): float(v) for k, v in self.pre_rmspe.items()},
        }


def _json_float(x: float) -> float | None:
    return float(x) if math.isfinite(x) else None


# ----------------------------------------------------------------------------------------- specification


@dataclass(frozen=True)
class Predictor:
    """One predictor: ``variable`` summarised over ``years`` by ``op`` (missing years skipped).

    ``variable`` None is the panel's outcome (``Predictor(None, (1975,))`` is the outcome lag 1975); a name
    is a column of the covariate table passed as ``covariates=``. ``op``: ``"mean"`` (default) or
    ``"median"``. A covariate averaged over a window (``("gdpcap", range(1960, 1970))``) and a "special
    predictor" (a variable in given years, ``("popdens", [1969])``) are both predictors of this kind.
    """

    variable: str | None
    years: tuple[int, ...]
    op: Literal["mean", "median"] = "mean"

    def __post_init__(self) -> None:
        years = (self.years,) if isinstance(self.years, int | np.integer) else tuple(self.years)
        years = tuple(int(y) for y in years)
        if not years:
            raise ParameterError(
                "a predictor needs at least one year",
                field="predictors",
                value=self.variable,
                expected="e.g. ('gdpcap', range(1960, 1970), 'mean')",
            )
        if self.op not in ("mean", "median"):
            raise ParameterError(
                "unknown predictor operation",
                field="predictors",
                value=self.op,
                expected="'mean' or 'median'",
            )
        object.__setattr__(self, "years", years)

    @property
    def label(self) -> str:
        """Name of the predictor, e.g. ``outcome 1975`` or ``gdpcap mean 1960-1969``."""
        ys = self.years
        if len(ys) == 1:
            when = str(ys[0])
        elif list(ys) == list(range(ys[0], ys[-1] + 1)):
            when = f"{ys[0]}-{ys[-1]}"
        else:
            when = ",".join(map(str, ys))
        name = "outcome" if self.variable is None else self.variable
        return f"{name} {when}" if len(ys) == 1 else f"{name} {self.op} {when}"


#: what a predictor may be given as: a year (outcome lag), a :class:`Predictor`, or
#: ``(variable, years[, op])`` with variable None for the outcome
PredictorLike = int | Predictor | tuple


def as_predictor(item: PredictorLike) -> Predictor:
    """A :class:`Predictor` from a year (outcome lag), a ``(variable, years[, op])`` tuple or a Predictor."""
    if isinstance(item, Predictor):
        return item
    if isinstance(item, int | np.integer) and not isinstance(item, bool):
        return Predictor(None, (int(item),))
    if isinstance(item, tuple) and len(item) in (2, 3) and (item[0] is None or isinstance(item[0], str)):
        return Predictor(item[0], item[1], *(item[2:] or ()))
    raise ParameterError(
        "cannot read a predictor",
        field="predictors",
        value=repr(item),
        expected="a year (outcome lag), (variable, years) or (variable, years, 'mean'), or a Predictor",
    )


@dataclass(frozen=True)
class SynthSpec:
    """A synthetic-control specification: predictors, optional predictor weights, optional two-step search.

    Attributes:
        predictors: the predictors W is fitted to (years = outcome lags, tuples, :class:`Predictor`).
        v: custom predictor weights V (one per predictor, >= 0; normalised to sum 1): no V search.
        training_predictors: with ``validation_years``, the two-step search of Abadie, Diamond & Hainmueller
            (2015): V is chosen with these predictors (measured in a training period) to minimise the
            outcome's MSPE over ``validation_years``; W is then fitted to ``predictors`` (the same variables
            measured in the validation period) with that V, and its pre-period fit is reported over the
            fitting years. Must list as many predictors as ``predictors``, in the same order.
        validation_years: see ``training_predictors``.
    """

    predictors: tuple[Predictor, ...]
    v: tuple[float, ...] | None = None
    training_predictors: tuple[Predictor, ...] | None = None
    validation_years: tuple[int, ...] | None = None

    def __post_init__(self) -> None:
        preds = tuple(as_predictor(p) for p in self.predictors)
        if not preds:
            raise ParameterError(
                "a specification needs predictors",
                field="predictors",
                value=[],
                expected="at least one predictor",
            )
        object.__setattr__(self, "predictors", preds)
        if self.v is not None:
            v = tuple(float(x) for x in self.v)
            _check_v(np.asarray(v), len(preds))
            object.__setattr__(self, "v", v)
        if (self.training_predictors is None) != (self.validation_years is None):
            raise ParameterError(
                "the two-step search needs both training predictors and validation years",
                field="training_predictors" if self.training_predictors is None else "validation_years",
                value=None,
                expected="both, or neither",
            )
        if self.training_predictors is not None:
            train = tuple(as_predictor(p) for p in self.training_predictors)
            if len(train) != len(preds):
                raise ParameterError(
                    "training and validation predictors differ in number",
                    field="training_predictors",
                    value=len(train),
                    expected=f"{len(preds)} predictors, the same variables in the same order",
                )
            if self.v is not None:
                raise ParameterError(
                    "custom predictor weights and a two-step search exclude each other",
                    field="v",
                    value=list(self.v),
                    expected="either v or training_predictors/validation_years",
                )
            object.__setattr__(self, "training_predictors", train)
            object.__setattr__(self, "validation_years", tuple(int(y) for y in self.validation_years))


def _check_v(v: np.ndarray, k: int) -> None:
    if v.shape != (k,) or not np.all(np.isfinite(v)) or (v < 0).any() or v.sum() <= 0:
        raise ParameterError(
            "predictor weights must be one non-negative number per predictor, not all 0",
            field="v",
            value=v.tolist(),
            expected=f"{k} numbers >= 0",
        )


def _covariate_frames(covariates: Any) -> Any:
    """A function variable -> DataFrame year x unit, from a long table or a wide one (see predictor_table)."""
    if covariates is None:
        return None
    if isinstance(covariates, Mapping):
        return lambda var: covariates.get(var)
    if isinstance(covariates, pd.DataFrame):
        frame = covariates
        if isinstance(frame.columns, pd.MultiIndex) and frame.columns.nlevels == 2:  # wide: (variable, unit)
            variables = set(frame.columns.get_level_values(0))
            return lambda var: frame[var] if var in variables else None
        if not isinstance(frame.index, pd.MultiIndex):
            if not {"unit", "year"} <= set(frame.columns):
                raise ParameterError(
                    "cannot read the covariate table",
                    field="covariates",
                    value=list(frame.columns[:6]),
                    expected="a long table with columns 'unit' and 'year' (or index (unit, year)), "
                    "a table with columns (variable, unit) and index year, or {variable: year x unit}",
                )
            frame = frame.set_index(["unit", "year"])
        if frame.index.nlevels != 2:
            raise ParameterError(
                "cannot read the covariate table",
                field="covariates",
                value=list(frame.index.names),
                expected="index (unit, year)",
            )
        frame = frame.copy()
        frame.index = frame.index.set_levels(frame.index.levels[1].astype(int), level=1)
        if frame.index.has_duplicates:
            dup = frame.index[frame.index.duplicated()][0]
            raise InputError(
                "covariate table has duplicate (unit, year) rows",
                field="covariates",
                value=str(dup),
                expected="one row per unit and year",
            )
        cache: dict[str, pd.DataFrame] = {}

        def get(var: str) -> pd.DataFrame | None:
            if var not in frame.columns:
                return None
            if var not in cache:
                cache[var] = pd.to_numeric(frame[var], errors="coerce").unstack(level=0)
            return cache[var]

        return get
    raise ParameterError(
        "cannot read the covariate table",
        field="covariates",
        value=type(covariates).__name__,
        expected="DataFrame or {variable: DataFrame}",
    )


def predictor_table(
    predictors: Sequence[PredictorLike] | SynthSpec,
    panel: pd.DataFrame,
    covariates: pd.DataFrame | Mapping[str, pd.DataFrame] | None = None,
    *,
    units: Sequence[str] | None = None,
) -> pd.DataFrame:
    """The predictor table (index predictor labels, columns units) of a specification.

    Each predictor is its variable's ``op`` (mean or median) over its years, skipping missing years (absent
    or NaN); a unit with no value in any of the years gets NaN, which the fitting functions refuse naming
    the predictor and unit. The outcome (variable None) comes from ``panel`` (index year, columns units);
    other variables from ``covariates``: a long table with columns ``unit``, ``year`` and one column per
    variable (or index (unit, year)), a wide table with columns (variable, unit) and index year, or a
    mapping ``{variable: DataFrame year x unit}``.
    """
    items = predictors.predictors if isinstance(predictors, SynthSpec) else predictors
    preds = [as_predictor(p) for p in items]
    cols = list(panel.columns) if units is None else list(units)
    get = _covariate_frames(covariates)
    rows, labels = [], []
    for p in preds:
        if p.variable is None:
            frame = panel
        else:
            frame = None if get is None else get(p.variable)
            if frame is None:
                raise ParameterError(
                    "predictor variable not in the covariate table",
                    field="predictors",
                    value=p.variable,
                    expected="a covariate column (pass covariates=), or None for the outcome",
                )
        years = pd.Index([int(y) for y in frame.index])
        block = frame.set_axis(years, axis=0).reindex(index=list(p.years), columns=cols).astype(float)
        rows.append(block.mean() if p.op == "mean" else block.median())
        label, n = p.label, 2
        while label in labels:
            label, n = f"{p.label} #{n}", n + 1
        labels.append(label)
    table = pd.DataFrame(rows, index=pd.Index(labels, name="predictor"), columns=cols)
    return table


class _Options(NamedTuple):
    """Resolved options of a fit beyond the predictor table."""

    v: np.ndarray | None = None
    training: pd.DataFrame | None = None
    validation: tuple[int, ...] | None = None
    penalty: float | str | None = None
    penalty_grid: tuple[float, ...] | None = None


_PLAIN = _Options()


def _prepare(
    panel: pd.DataFrame,
    predictors: Any,
    covariates: Any,
    v: Any,
    penalty: Any,
    penalty_grid: Any = None,
) -> tuple[pd.DataFrame | None, _Options]:
    """The predictor table and options from the public arguments (spec objects, lists, tables)."""
    training = validation = None
    if predictors is None or isinstance(predictors, pd.DataFrame):
        table = predictors
        if covariates is not None and predictors is None:
            raise ParameterError(
                "covariates given without predictors",
                field="covariates",
                value="covariates",
                expected="predictors=[(variable, years, 'mean'), ...] naming the covariates to use",
            )
    else:
        spec = predictors if isinstance(predictors, SynthSpec) else SynthSpec(tuple(predictors))
        table = predictor_table(spec, panel, covariates)
        if spec.v is not None:
            if v is not None:
                raise ParameterError(
                    "predictor weights given twice",
                    field="v",
                    value=list(np.asarray(v, dtype=float)),
                    expected="v in the SynthSpec or as an argument, not both",
                )
            v = spec.v
        if spec.training_predictors is not None:
            training = predictor_table(spec.training_predictors, panel, covariates)
            validation = spec.validation_years
    v_arr = None
    if v is not None:
        if table is None:
            raise ParameterError(
                "predictor weights need predictors",
                field="v",
                value=list(np.asarray(v, dtype=float)),
                expected="predictors= as well (outcome lags by default are fitted exactly, without V)",
            )
        if isinstance(v, pd.Series):
            v = v.reindex(table.index).to_numpy(dtype=float)
        v_arr = np.asarray(v, dtype=float)
        _check_v(v_arr, len(table))
        v_arr = v_arr / v_arr.sum()
    if penalty is not None and not (isinstance(penalty, str) and penalty == "cv"):
        try:
            ok = math.isfinite(float(penalty)) and float(penalty) >= 0
        except (TypeError, ValueError):
            ok = False
        if not ok:
            raise ParameterError(
                "penalty must be 'cv' or a number >= 0",
                field="penalty",
                value=repr(penalty),
                expected="'cv' (the stated rule), a lambda such as 0.01, or None (plain synthetic control)",
            )
        penalty = float(penalty)
    grid = None if penalty_grid is None else tuple(float(x) for x in penalty_grid)
    return table, _Options(v_arr, training, validation, penalty, grid)


# ------------------------------------------------------------------------------------------- validation


def _check_inputs(
    panel: pd.DataFrame,
    treated: str,
    treatment_year: int,
    donors: Sequence[str] | None,
    pre_years: Iterable[int] | None,
    predictors: pd.DataFrame | None,
) -> tuple[str, list[str], list[int]]:
    if not isinstance(panel, pd.DataFrame):
        raise ParameterError(
            "panel must be a DataFrame",
            field="panel",
            value=type(panel).__name__,
            expected="DataFrame: index year, columns unit ids",
        )
    if panel.index.has_duplicates or panel.columns.has_duplicates:
        raise InputError(
            "panel has duplicate years or units",
            field="panel",
            value=[*panel.index[panel.index.duplicated()], *panel.columns[panel.columns.duplicated()]],
            expected="one row per year and one column per unit",
        )
    names = unit_names(panel)
    codes = list(panel.columns)
    if treated not in codes and names:
        treated = resolve_unit(treated, codes, names, field="treated", label="treated unit")
    if donors is not None and names:
        donors = resolve_units(donors, codes, names, field="donors", label="donor")
    if treated not in panel.columns:
        raise ParameterError(
            "treated unit not in the panel",
            field="treated",
            value=treated,
            expected=f"one of the panel columns ({', '.join(map(str, panel.columns[:5]))}, ...)",
        )
    years = [int(y) for y in panel.index]
    if treatment_year not in years or treatment_year <= min(years):
        raise ParameterError(
            "treatment year must be a panel year after the first",
            field="treatment_year",
            value=treatment_year,
            expected=f"a year in {min(years) + 1}..{max(years)}",
        )
    if donors is None:
        donor_list = [c for c in panel.columns if c != treated]
    else:
        donor_list = list(donors)
        unknown = [d for d in donor_list if d not in panel.columns]
        if unknown:
            raise ParameterError(
                "donors not in the panel", field="donors", value=unknown, expected="panel column names"
            )
        if treated in donor_list:
            raise ParameterError(
                "the treated unit cannot be its own donor",
                field="donors",
                value=treated,
                expected="donors other than the treated unit",
            )
        if len(set(donor_list)) != len(donor_list):
            raise ParameterError("duplicate donors", field="donors", value=donor_list, expected="unique ids")
    if not donor_list:
        raise ParameterError("no donors", field="donors", value=[], expected="at least one donor unit")
    if pre_years is None:
        pre = [y for y in years if y < treatment_year]
    else:
        pre = sorted(int(y) for y in pre_years)
        bad = [y for y in pre if y not in years or y >= treatment_year]
        if bad or not pre:
            raise ParameterError(
                "pre-period years must be panel years before the treatment year",
                field="pre_years",
                value=bad or pre,
                expected=f"years in {min(years)}..{treatment_year - 1}",
            )
    units = [treated, *donor_list]
    values = panel[units].to_numpy(dtype=float)
    if not np.isfinite(values).all():
        r, c = np.argwhere(~np.isfinite(values))[0]
        raise InputError(
            f"missing or non-finite outcome for unit {units[c]} in year {years[r]}",
            row=years[r],
            field=str(units[c]),
            value=str(values[r, c]),
            expected="a number for every year of the treated unit and of every donor",
        )
    if predictors is not None:
        missing = [u for u in units if u not in predictors.columns]
        if missing:
            raise ParameterError(
                "predictors lack units",
                field="predictors",
                value=missing,
                expected="one column per unit (index = predictor names)",
            )
        pv = predictors[units].to_numpy(dtype=float)
        if not np.isfinite(pv).all():
            r, c = np.argwhere(~np.isfinite(pv))[0]
            raise InputError(
                f"missing predictor {predictors.index[r]} for unit {units[c]}",
                field=str(predictors.index[r]),
                value=str(pv[r, c]),
                expected="a number for every predictor and unit (a value in at least one of the "
                "predictor's years; missing years are skipped)",
            )
    return treated, donor_list, pre


# ------------------------------------------------------------------------------------------------ core


def _fit_arrays(
    y1: np.ndarray,
    y0: np.ndarray,
    pre_mask: np.ndarray,
    x1: np.ndarray | None,
    x0: np.ndarray | None,
    search: Search,
    *,
    v: np.ndarray | None = None,
    t1: np.ndarray | None = None,
    t0: np.ndarray | None = None,
    val_mask: np.ndarray | None = None,
    penalty: float | None = None,
) -> SynthFit:
    """Fit on arrays: y1 (years,), y0 (years, donors); predictors x1 (k,), x0 (k, donors) or outcome lags.

    ``v``: fixed predictor weights; ``t1``/``t0`` with ``val_mask``: training predictors of the two-step
    search (V chosen on them against the outcome in the validation years); ``penalty``: lambda of the
    penalised synthetic control (None or 0: the plain method).
    """
    z1, z0 = y1[pre_mask], y0[pre_mask]
    if x1 is None:
        if penalty:
            w = penalised_weights(z1, z0, penalty)
        else:
            w = closest_donor_optimum(z0 - z1[:, None], simplex_least_squares(z0 - z1[:, None]))
        sd = predictor_scale(z1, z0)
        vv = sd**2 / (sd**2).sum()
        r = z1 - z0 @ w
        return SynthFit(w, vv, float(r @ r) / len(r))
    if t1 is not None:
        v = fit_synth(t1, t0, y1[val_mask], y0[val_mask], search=search).v
    if v is None:
        fit = fit_synth(x1, x0, z1, z0, search=search)
        if not penalty:
            return fit
        v = fit.v
    elif not penalty:
        return fit_synth(x1, x0, z1, z0, v=v, optimise_v=False)
    sd = predictor_scale(x1, x0)
    w = penalised_weights(x1 / sd, x0 / sd[:, None], penalty, v=v)
    r = z1 - z0 @ w
    return SynthFit(w, np.asarray(v, dtype=float) / np.sum(v), float(r @ r) / len(r))


def _rmspe(gap: np.ndarray) -> float:
    return float(np.sqrt(np.mean(gap**2))) if len(gap) else math.nan


#: a pre-period RMSPE below this share of the treated unit's pre-period RMS level counts as an exact fit (0)
EXACT_FIT_TOLERANCE = 1e-9


def _summarise(y1: np.ndarray, y0: np.ndarray, w: np.ndarray, pre_mask: np.ndarray, post_mask: np.ndarray):
    synthetic = y0 @ w
    gap = y1 - synthetic
    pre, post = _rmspe(gap[pre_mask]), _rmspe(gap[post_mask])
    if pre <= EXACT_FIT_TOLERANCE * max(_rmspe(y1[pre_mask]), 1e-300):
        pre = 0.0  # rounding noise of an exact fit must not decide the ratio's rank
    ratio = post / pre if pre > 0 else math.inf
    return synthetic, gap, pre, post, ratio


def _training(
    opts: _Options, panel: pd.DataFrame, units: list[str], years: np.ndarray, treated: str, donors: list[str]
):
    """Training predictor arrays (treated, donors) and the validation mask of the two-step search."""
    if opts.training is None:
        return None, None, None
    table = opts.training
    bad = [(str(i), u) for u in units for i in table.index if not np.isfinite(float(table.loc[i, u]))]
    if bad:
        raise InputError(
            f"missing training predictor {bad[0][0]} for unit {bad[0][1]}",
            field=bad[0][0],
            value="NaN",
            expected="a value in at least one of the predictor's years (missing years are skipped)",
        )
    val = [int(y) for y in opts.validation]
    wrong = [y for y in val if y not in set(years.tolist())]
    if wrong:
        raise ParameterError(
            "validation years must be panel years",
            field="validation_years",
            value=wrong,
            expected=f"years in {years.min()}..{years.max()}",
        )
    return (
        table[treated].to_numpy(dtype=float),
        table[donors].to_numpy(dtype=float),
        np.isin(years, val),
    )


def _result(
    panel: pd.DataFrame,
    treated: str,
    treatment_year: int,
    donors: list[str],
    pre: list[int],
    predictors: pd.DataFrame | None,
    search: Search,
    opts: _Options = _PLAIN,
) -> SynthResult:
    years = np.array([int(y) for y in panel.index])
    pre_mask = np.isin(years, pre)
    post_mask = years >= treatment_year
    y1 = panel[treated].to_numpy(dtype=float)
    y0 = panel[donors].to_numpy(dtype=float)
    if predictors is None:
        x1 = x0 = None
        names = [f"outcome {y}" for y in pre]
    else:
        x1 = predictors[treated].to_numpy(dtype=float)
        x0 = predictors[donors].to_numpy(dtype=float)
        names = [str(i) for i in predictors.index]
    t1, t0, val_mask = _training(opts, panel, [treated, *donors], years, treated, donors)
    kw = {"v": opts.v, "t1": t1, "t0": t0, "val_mask": val_mask}
    penalty, rule, cv = opts.penalty, None, None
    if penalty == "cv":
        from ccresearch.analysis.methods.penalised import RULE, choose_penalty

        Y = np.column_stack([y1, y0])
        if x1 is None:
            X = v_cv = None
        else:
            plain = _fit_arrays(y1, y0, pre_mask, x1, x0, search, **kw)
            X = np.column_stack([x1, x0])
            X = X / predictor_scale(x1, x0)[:, None]
            v_cv = plain.v
        penalty, cv = choose_penalty(Y, np.flatnonzero(pre_mask), X=X, v=v_cv, grid=opts.penalty_grid)
        rule = RULE
        if v_cv is not None:
            kw["v"], kw["t1"] = v_cv, None  # the V of the plain fit, as in the rule
    elif penalty is not None:
        rule = "given"
    fit = _fit_arrays(y1, y0, pre_mask, x1, x0, search, penalty=penalty, **kw)
    synthetic, gap, pre_rmspe, post_rmspe, ratio = _summarise(y1, y0, fit.weights, pre_mask, post_mask)
    weights = pd.Series(fit.weights, index=pd.Index(donors, name="donor"), name="weight")
    weights = weights.iloc[np.argsort(-weights.to_numpy(), kind="stable")]
    path = pd.DataFrame(
        {"treated": y1, "synthetic": synthetic, "gap": gap}, index=pd.Index(years, name="year")
    )
    return SynthResult(
        treated=treated,
        treatment_year=int(treatment_year),
        weights=weights,
        pre_rmspe=pre_rmspe,
        post_rmspe=post_rmspe,
        post_pre_ratio=ratio,
        path=path,
        pre_years=tuple(pre),
        predictor_weights=pd.Series(fit.v, index=pd.Index(names, name="predictor"), name="v"),
        predictors="outcome lags" if predictors is None else "covariates",
        penalty=None if penalty is None else float(penalty),
        penalty_rule=rule,
        penalty_cv=cv,
    )


def synthetic_control(
    panel: pd.DataFrame,
    treated: str,
    treatment_year: int,
    *,
    donors: Sequence[str] | None = None,
    pre_years: Iterable[int] | None = None,
    predictors: pd.DataFrame | SynthSpec | Sequence[PredictorLike] | None = None,
    search: Search = "wide",
    covariates: pd.DataFrame | Mapping[str, pd.DataFrame] | None = None,
    v: Sequence[float] | pd.Series | None = None,
    penalty: float | Literal["cv"] | None = None,
    penalty_grid: Iterable[float] | None = None,
) -> SynthResult:
    """Fit a synthetic control for one treated unit.

    Args:
        panel: index year (int), columns unit ids, values the outcome; no missing values in the treated
            unit's or the donors' columns (``InputError`` naming unit and year otherwise).
        treated: the treated unit (a column of ``panel``).
        treatment_year: first treated year; the post-period is every panel year >= it.
        donors: candidate donors (default: every other column).
        pre_years: the fitting years (default: every panel year before ``treatment_year``). The pre-RMSPE is
            measured over these years, and V is chosen to minimise the outcome's MSPE over them.
        predictors: default None: the outcome in each pre-year, solved exactly (no V search). Otherwise any
            of: a table (index predictor names, columns unit ids, e.g. from :func:`basque_inputs`); a list
            mixing outcome lags (years), covariates over year windows (``("gdpcap", range(1960, 1970),
            "mean")``, missing years skipped) and special predictors (a variable in given years,
            ``("popdens", [1969])``), see :class:`Predictor`; or a :class:`SynthSpec` (predictors plus
            custom V or the two-step training/validation search).
        search: how the predictor weights V are searched when they are: ``"wide"`` (default, best of
            several gradient searches and a Powell search) or ``"equal"`` (one Nelder-Mead search from
            equal V, the search of R Synth's and pysyncon's examples); see :func:`fit_synth`.
        covariates: the table the predictors' variables come from (see :func:`predictor_table`: long, with
            columns unit, year and one per variable; or wide).
        v: custom predictor weights (one per predictor; a Series is matched by predictor name): W is then
            fitted with this V, no search.
        penalty: None (default): the plain synthetic control. ``"cv"``: penalised synthetic control
            (Abadie & L'Hour 2021) with lambda chosen by pre-period cross-validation over units
            (:mod:`ccresearch.analysis.methods.penalised`); a number: that lambda. With covariates, V is
            that of the plain fit (or ``v``) and the penalised W is fitted with it.
        penalty_grid: the lambdas ``"cv"`` searches (default ``penalised.PENALTY_GRID``).

    Which set-up reproduces the published Basque weights (Abadie & Gardeazabal 2003: Cataluna 0.85,
    Madrid 0.15): ``basque_inputs(frame, include_spain=True)`` (the Spain aggregate among the candidate
    donors, as in pysyncon's parity test; it gets weight 0 but enters the predictors' scaling and so the
    search's path), ``pre_years=range(1960, 1970)`` and ``search="equal"``. The default ``search="wide"``
    finds predictor weights with a lower pre-period loss than the published ones (RMSPE 0.066 against
    0.094; the outer problem has many local optima), so it is the better fit by the method's own criterion,
    and gives other weights (Cataluna 0.63, Baleares 0.22, Madrid 0.15; tested in tests/test_synth.py).
    California's published weights (Abadie, Diamond & Hainmueller 2010) come out with either search.

    Returns:
        :class:`SynthResult`.
    """
    table, opts = _prepare(panel, predictors, covariates, v, penalty, penalty_grid)
    treated, donor_list, pre = _check_inputs(panel, treated, treatment_year, donors, pre_years, table)
    return _result(panel, treated, treatment_year, donor_list, pre, table, search, opts)


def _placebo_one(args: tuple) -> tuple[np.ndarray, float, float, float]:
    y1, y0, pre_mask, post_mask, x1, x0, search, kw = args
    fit = _fit_arrays(y1, y0, pre_mask, x1, x0, search, **kw)
    _, gap, pre, post, ratio = _summarise(y1, y0, fit.weights, pre_mask, post_mask)
    return gap, pre, post, ratio


def placebo_test(
    panel: pd.DataFrame,
    treated: str,
    treatment_year: int,
    *,
    donors: Sequence[str] | None = None,
    pre_years: Iterable[int] | None = None,
    predictors: pd.DataFrame | SynthSpec | Sequence[PredictorLike] | None = None,
    search: Search = "wide",
    n_jobs: int = 1,
    precision: float | pd.Series | None = None,
    covariates: pd.DataFrame | Mapping[str, pd.DataFrame] | None = None,
    v: Sequence[float] | pd.Series | None = None,
    penalty: float | Literal["cv"] | None = None,
    penalty_grid: Iterable[float] | None = None,
) -> PlaceboResult:
    """In-space placebo test: refit with every donor as the 'treated' unit and rank the post/pre RMSPE ratios.

    Same arguments as :func:`synthetic_control` (any specification: outcome lags, covariates, special
    predictors, custom V, the two-step search, the penalised method); every placebo unit is fitted by the
    same specification, with the other donors as its donors (V searched anew for each unit, as for the
    treated one; a penalised fit uses the lambda chosen for the treated unit). ``n_jobs`` > 1 runs the
    placebo fits in that many processes when ``predictors`` are given (-1 = all cores); outcome-lag fits
    take well under a millisecond each, so they always run in this process.

    ``precision`` (one number, or a Series unit -> number, in outcome units): the floor of the pre-RMSPE in
    the ratio, ``post / max(pre, precision)``. Default: ``panel.attrs["precision"]`` (a number or
    ``{unit: number}``; the regional layer sets it to the data's rounding error, CBS rounding jobs to 100),
    else 0. A fit closer than the data's precision is not a real fit; without the floor an exact fit has an
    infinite ratio, ties at the top whatever its post-period gap, and the ranks of such units are set by
    which of many exact solutions the optimiser returns. Treated and donors may be given by name when the
    panel carries ``panel.attrs["unit_names"]``.

    The published Basque result (weights Cataluna 0.85, Madrid 0.15) comes from ``search="equal"`` with the
    Spain aggregate among the candidates (see :func:`synthetic_control`); the default ``"wide"`` search fits
    every placebo unit at least as well as pysyncon's default search (bench/bench_synth.py), which changes
    the ranks and so the p-value.

    The p-value answers: if the treatment had no effect, how often would a unit chosen at random show a
    post/pre ratio at least as large as the treated unit's? It is not a sampling p-value, and with J donors
    it cannot be below 1 / (J + 1).
    """
    table, opts = _prepare(panel, predictors, covariates, v, penalty, penalty_grid)
    treated, donor_list, pre = _check_inputs(panel, treated, treatment_year, donors, pre_years, table)
    workers = multiprocessing.cpu_count() if n_jobs == -1 else max(1, int(n_jobs))
    parallel = workers > 1 and len(donor_list) > 1 and table is not None
    pool = ProcessPoolExecutor(max_workers=min(workers, len(donor_list) + 1)) if parallel else None
    try:
        return _placebo(panel, treated, treatment_year, donor_list, pre, table, search, opts, precision, pool)
    finally:
        if pool is not None:
            pool.shutdown()


def _placebo(panel, treated, treatment_year, donor_list, pre, table, search, opts, precision, pool):
    if pool is not None and opts.penalty != "cv":
        # the treated unit's fit runs beside the placebo fits (it does not decide them)
        main_future = pool.submit(
            _result, panel, treated, treatment_year, donor_list, pre, table, search, opts
        )
        main = None
    else:
        main_future, main = (
            None,
            _result(panel, treated, treatment_year, donor_list, pre, table, search, opts),
        )
    years = np.array([int(y) for y in panel.index])
    pre_mask = np.isin(years, pre)
    post_mask = years >= treatment_year
    values = panel[donor_list].to_numpy(dtype=float)
    xs = None if table is None else table[donor_list].to_numpy(dtype=float)
    _, ts, val_mask = _training(opts, panel, [treated, *donor_list], years, treated, donor_list)
    v_fixed, penalty = opts.v, opts.penalty
    if opts.penalty == "cv":
        penalty = main.penalty  # every placebo unit uses the treated unit's lambda
        if table is not None:
            v_fixed = main.predictor_weights.to_numpy()  # the rule fixes V at the plain fit's
            ts = None
    tasks = []
    for j in range(len(donor_list)):
        others = [i for i in range(len(donor_list)) if i != j]
        x1 = None if xs is None else xs[:, j]
        x0 = None if xs is None else xs[:, others]
        kw = {"v": v_fixed, "penalty": penalty}
        if ts is not None:
            kw.update(t1=ts[:, j], t0=ts[:, others], val_mask=val_mask)
        tasks.append((values[:, j], values[:, others], pre_mask, post_mask, x1, x0, search, kw))
    outputs = list(pool.map(_placebo_one, tasks)) if pool is not None else [_placebo_one(t) for t in tasks]
    if main is None:
        main = main_future.result()
    units = [treated, *donor_list]
    gaps = pd.DataFrame(
        np.column_stack([main.path["gap"].to_numpy(), *[o[0] for o in outputs]]),
        index=pd.Index(years, name="year"),
        columns=pd.Index(units, name="unit"),
    )
    pre_r = pd.Series([main.pre_rmspe, *[o[1] for o in outputs]], index=gaps.columns, name="pre_rmspe")
    post_r = pd.Series([main.post_rmspe, *[o[2] for o in outputs]], index=gaps.columns, name="post_rmspe")
    prec = _precision(panel_precision(panel, precision), units)
    ratios = floored_ratios(pre_r, post_r, prec)
    p_value = rank_p_value(ratios, treated)
    return PlaceboResult(
        treated=treated,
        treatment_year=int(treatment_year),
        p_value=p_value,
        ratios=ratios,
        pre_rmspe=pre_r,
        post_rmspe=post_r,
        gaps=gaps,
        result=main,
        precision=prec,
    )


def floored_ratios(pre_rmspe: pd.Series, post_rmspe: pd.Series, precision: pd.Series) -> pd.Series:
    """``post / max(pre, precision)`` per unit; infinite where both the pre-RMSPE and the precision are 0."""
    floor = np.maximum(
        pre_rmspe.to_numpy(dtype=float), precision.reindex(pre_rmspe.index).to_numpy(dtype=float)
    )
    post = post_rmspe.to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(floor > 0, post / np.where(floor > 0, floor, 1.0), math.inf)
    return pd.Series(ratio, index=pre_rmspe.index, name="ratio")


def rank_p_value(statistic: pd.Series, treated: Any) -> float:
    """Share of units whose statistic is at least the treated unit's (ties within 1e-12 relative count)."""
    values = statistic.to_numpy(dtype=float)
    own = float(statistic[treated])
    tol = 0.0 if math.isinf(own) else 1e-12 * abs(own)
    return float(np.sum(values >= own - tol) / len(values))


def _precision(precision: float | pd.Series | None, units: list[str]) -> pd.Series:
    """``precision`` as a non-negative Series over ``units`` (0 where not given)."""
    if precision is None:
        return pd.Series(0.0, index=units, name="precision")
    if isinstance(precision, pd.Series):
        prec = precision.reindex(units)
        missing = [u for u in units if pd.isna(prec.get(u))]
        if missing:
            raise ParameterError(
                "precision missing for some units",
                field="precision",
                value=missing,
                expected="a number per unit",
            )
    else:
        prec = pd.Series(float(precision), index=units)
    prec = prec.astype(float).rename("precision")
    bad = prec[~np.isfinite(prec.to_numpy()) | (prec.to_numpy() < 0)]
    if len(bad):
        raise ParameterError(
            "precision must be finite and non-negative",
            field="precision",
            value={str(k): float(v) for k, v in bad.items()},
            expected="numbers >= 0 in outcome units",
        )
    return prec


# ------------------------------------------------------------------------------ Basque reference case

#: the treated unit of Abadie & Gardeazabal (2003) in the reference panel
BASQUE = "Basque Country (Pais Vasco)"
_SPAIN = "Spain (Espana)"
#: predictors averaged over 1964-1969 (the specification shared with the benchmark against pysyncon)
BASQUE_MEAN_PREDICTORS = [
    "school.illit",
    "school.prim",
    "school.med",
    "school.high",
    "school.post.high",
    "invest",
]
#: sector shares averaged over 1961, 1963, ..., 1969
BASQUE_SECTORS = [
    "sec.agriculture",
    "sec.energy",
    "sec.industry",
    "sec.construction",
    "sec.services.venta",
    "sec.services.nonventa",
]


def basque_inputs(frame: pd.DataFrame, *, include_spain: bool = False) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Outcome panel and predictor table of Abadie & Gardeazabal (2003), as in R Synth's and pysyncon's examples.

    Predictors: school.illit..school.post.high and invest averaged over 1964-1969, GDP per capita averaged over
    1960-1969, the six sector shares averaged over 1961, 1963, ..., 1969 (the years with data), population
    density 1969. Fit years (``pre_years``) 1960-1969; treatment year 1970.

    Args:
        frame: the long panel from :func:`read_basque`.
        include_spain: keep the Spain aggregate (regionno 1) as a candidate donor, as pysyncon's own parity
            test does; Abadie & Gardeazabal and R Synth's example leave it out (it contains the treated unit).

    Returns:
        (panel: year x region GDP per capita 1955-1997, predictors: predictor x region).
    """
    rows = frame if include_spain else frame[frame["regionname"] != _SPAIN]
    panel = rows.pivot(index="year", columns="regionname", values="gdpcap").sort_index()
    panel.index = panel.index.astype(int)
    panel.index.name = "year"
    years = rows["year"].astype(int)
    by = rows.groupby("regionname")
    parts = {
        **{
            c: rows[years.between(1964, 1969)].groupby("regionname")[c].mean() for c in BASQUE_MEAN_PREDICTORS
        },
        "gdpcap 1960-1969": rows[years.between(1960, 1969)].groupby("regionname")["gdpcap"].mean(),
        **{
            f"{c} 1961-1969": rows[years.isin(range(1961, 1970, 2))].groupby("regionname")[c].mean()
            for c in BASQUE_SECTORS
        },
        "popdens 1969": rows[years == 1969].groupby("regionname")["popdens"].mean(),
    }
    predictors = pd.DataFrame(parts).T[list(by.groups)]
    predictors.index.name = "predictor"
    return panel, predictors


def basque_spec() -> SynthSpec:
    """The Basque specification of :func:`basque_inputs` as a :class:`SynthSpec` for the long reference
    frame (``covariates=frame.rename(columns={"regionname": "unit"})``): the same 14 predictors."""
    return SynthSpec(
        (
            *[(c, range(1964, 1970), "mean") for c in BASQUE_MEAN_PREDICTORS],
            ("gdpcap", range(1960, 1970), "mean"),
            *[(c, range(1961, 1970, 2), "mean") for c in BASQUE_SECTORS],
            ("popdens", [1969], "mean"),
        )
    )
