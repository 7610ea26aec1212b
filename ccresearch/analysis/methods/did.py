"""Difference-in-differences and event study for one treated region against comparison regions.

Both use ordinary least squares (statsmodels, ``cov_type="cluster"``) with region and year fixed effects on a
balanced panel (year x region, e.g. from :func:`ccresearch.regional.panel`), standard errors clustered by
region. The fixed effects are absorbed by two-way demeaning, with the degrees-of-freedom factor set as for
the regression with dummies; a test checks equality with the dummy regression to 1e-9.

- DiD:          y_rt = a_r + l_t + beta * D_rt,  D_rt = 1 for the treated region from ``treatment_year`` on.
- Event study:  y_rt = a_r + l_t + sum_{k != -1} b_k * 1[r treated, t - treatment_year = k]; the reference
  year is ``treatment_year - 1``. ``pretrend_p_value`` is the joint Wald test (F form) that all b_k with
  k < -1 are zero.

With ONE treated region, clustered standard errors are unreliable (they are driven by the comparison
regions only and tend to be too small; Conley and Taber 2011; MacKinnon and Webb 2018). They are reported
because they are asked for, with that caveat, and named as such (``se``/``p_value_clustered``/
``ci_low``, ``ci_high``). The headline inference is by permutation over the comparison regions:

- ``p_value`` (= ``p_value_placebo``): the share of all regions, the treated one included, whose absolute
  estimate with that region treated in its place is at least the treated one's (smallest value 1/N).
- ``interval_low``, ``interval_high``: the Conley & Taber (2011) interval: the set of effects a for which
  ``estimate - a`` lies between the (1 - level)/2 and (1 + level)/2 quantiles of the placebo estimates.
  Where the spread of the placebo estimates depends on unit size (small regions are noisier in index or log
  terms), pass ``unit_size`` (or set ``panel.attrs["unit_size"]``): the placebo estimates are then rescaled
  to the treated unit's size by Ferman & Pinto's (2019) correction, modelling var(estimate_j) = A + B / size_j.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ccresearch.analysis.methods._units import resolve_unit, resolve_units, unit_names
from ccresearch.core.result import ResultDisplay
from ccresearch.errors import ParameterError

ONE_CLUSTER_CAVEAT = (
    "Only one treated region: clustered standard errors rest on the comparison regions alone and are "
    "unreliable (usually too small); rely on the placebo p-value, which ranks the treated estimate among "
    "estimates with each comparison region treated in its place."
)

__all__ = [
    "DiDResult",
    "EventStudyResult",
    "conley_taber_interval",
    "difference_in_differences",
    "event_study",
    "prepare_panel",
]


@dataclass(repr=False)
class DiDResult(ResultDisplay):
    """Two-way fixed-effects DiD of one treated region (estimate in outcome units; log points if ``log``).

    ``p_value`` is the placebo (permutation) p-value when placebos were run (else the clustered one, and
    ``placebo_p_value`` is None); ``p_value_clustered``, ``se``, ``ci_low``, ``ci_high`` rest on clustered
    standard errors; ``interval_low``, ``interval_high`` are the Conley-Taber interval at ``level``.
    """

    treated: str
    treatment_year: int
    donors: list[str]
    estimate: float
    se: float
    p_value: float
    ci_low: float
    ci_high: float
    n_obs: int
    n_clusters: int
    outcome: str
    log: bool
    data: pd.DataFrame  # year x [treated, donors_mean]: the outcome used
    placebo_estimates: pd.Series | None = None  # region -> estimate with that region treated
    placebo_p_value: float | None = None
    caveats: list[str] = field(default_factory=list)
    p_value_clustered: float = float("nan")
    interval_low: float = float("nan")
    interval_high: float = float("nan")
    level: float = 0.9

    @property
    def p_value_placebo(self) -> float | None:
        """Permutation p-value over the comparison regions (same as ``placebo_p_value``)."""
        return self.placebo_p_value

    @property
    def se_clustered(self) -> float:
        """Standard error clustered by region (unreliable with one treated region)."""
        return self.se

    def _headline(self) -> tuple[str, str, list[tuple[str, Any]]]:
        return (
            "difference-in-differences",
            f"{self.treated} from {self.treatment_year}",
            [
                ("estimate", self.estimate),
                (f"interval {self.level:.0%}", (self.interval_low, self.interval_high)),
                ("p_value_placebo", self.placebo_p_value),
                ("p_value_clustered", self.p_value_clustered),
                ("donors", len(self.donors)),
            ],
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-able summary."""
        return {
            "method": "difference-in-differences (two-way fixed effects)",
            "treated": self.treated,
            "treatment_year": int(self.treatment_year),
            "donors": list(self.donors),
            "outcome": self.outcome,
            "log": bool(self.log),
            "estimate": float(self.estimate),
            "interval": {
                "low": _finite_or_none(self.interval_low),
                "high": _finite_or_none(self.interval_high),
            },
            "level": float(self.level),
            "p_value": _finite_or_none(self.p_value),
            "p_value_clustered": _finite_or_none(self.p_value_clustered),
            "se": float(self.se),
            "ci_low": float(self.ci_low),
            "ci_high": float(self.ci_high),
            "n_obs": int(self.n_obs),
            "n_clusters": int(self.n_clusters),
            "placebo_p_value": None if self.placebo_p_value is None else float(self.placebo_p_value),
            "caveats": list(self.caveats),
        }


@dataclass(repr=False)
class EventStudyResult(ResultDisplay):
    """Event-study coefficients (relative to ``treatment_year - 1``) and the joint pre-trend test."""

    treated: str
    treatment_year: int
    donors: list[str]
    coefficients: pd.DataFrame  # index rel_year: year, coef, se, p_value, ci_low, ci_high
    pretrend_f: float
    pretrend_p_value: float
    n_pre: int
    outcome: str
    log: bool
    pretrend_placebo_p_value: float = float("nan")
    caveats: list[str] = field(default_factory=list)

    @property
    def pretrend_p_value_clustered(self) -> float:
        """The joint F test of the pre-treatment coefficients with clustered errors (``pretrend_p_value``)."""
        return self.pretrend_p_value

    def _headline(self) -> tuple[str, str, list[tuple[str, Any]]]:
        post = self.coefficients[self.coefficients.index >= 0]["coef"]
        return (
            "event study",
            f"{self.treated} from {self.treatment_year}",
            [
                ("mean post coef", float(post.mean()) if len(post) else None),
                ("pretrend_placebo_p_value", self.pretrend_placebo_p_value),
                ("pretrend_p_value_clustered", self.pretrend_p_value),
                ("years", len(self.coefficients)),
            ],
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-able summary."""
        return {
            "method": "event study (two-way fixed effects, SE clustered by region)",
            "treated": self.treated,
            "treatment_year": int(self.treatment_year),
            "reference_year": int(self.treatment_year - 1),
            "donors": list(self.donors),
            "outcome": self.outcome,
            "log": bool(self.log),
            "pretrend_f": _finite_or_none(self.pretrend_f),
            "pretrend_p_value": _finite_or_none(self.pretrend_p_value),
            "pretrend_placebo_p_value": _finite_or_none(self.pretrend_placebo_p_value),
            "n_pre": int(self.n_pre),
            "coefficients": {
                str(int(k)): {c: _finite_or_none(v) for c, v in row.items()}
                for k, row in self.coefficients.iterrows()
            },
            "caveats": list(self.caveats),
        }


def _finite_or_none(value: Any) -> float | None:
    value = float(value)
    return value if np.isfinite(value) else None


def _resolve(panel: pd.DataFrame, treated: Any, donors: Iterable[Any] | None) -> tuple[Any, list[Any] | None]:
    """Codes of ``treated`` and ``donors`` given by code or by name (``panel.attrs["unit_names"]``)."""
    if not isinstance(panel, pd.DataFrame):
        raise ParameterError(
            "panel must be a DataFrame", field="panel", value=type(panel).__name__, expected="year x region"
        )
    names = unit_names(panel)
    codes = list(panel.columns)
    if treated not in codes:
        treated = resolve_unit(treated, codes, names, field="treated", label="treated region")
    return treated, resolve_units(donors, codes, names, field="donors", label="comparison region")


MIN_DONORS = 2  # the fewest comparison regions a DiD with clustered errors and placebos can use


def prepare_panel(
    panel: pd.DataFrame,
    treated: str,
    treatment_year: int,
    donors: Iterable[str] | None = None,
    log: bool = False,
) -> tuple[pd.DataFrame, list[str]]:
    """Check the panel and return the long frame (region, year, y, treated) and the donor list.

    ``treated`` and ``donors`` may be codes or, with ``panel.attrs["unit_names"]``, names."""
    treated, donors = _resolve(panel, treated, donors)
    if treated not in panel.columns:
        raise ParameterError(
            "treated region not in the panel",
            field="treated",
            value=treated,
            expected=f"one of {list(panel.columns)}",
        )
    donor_list = [c for c in panel.columns if c != treated] if donors is None else [str(d) for d in donors]
    unknown = [d for d in donor_list if d not in panel.columns or d == treated]
    if unknown or len(donor_list) < MIN_DONORS:
        raise ParameterError(
            "comparison regions not usable",
            field="donors",
            value=unknown or donor_list,
            expected=f"at least {MIN_DONORS} region codes in the panel, other than the treated region "
            "(with one, the regression has no degrees of freedom left and there is nothing to rank placebos against)",
        )
    years = panel.index.astype(int)
    if not (years.min() < treatment_year <= years.max()):
        raise ParameterError(
            "treatment year needs at least one year before it and one from it on in the panel",
            field="treatment_year",
            value=treatment_year,
            expected=f"a year in {years.min() + 1}..{years.max()}",
        )
    wide = panel[[treated, *donor_list]].astype(float)
    if wide.isna().any().any():
        bad = wide.columns[wide.isna().any()].tolist()
        raise ParameterError(
            "panel has missing values", field="panel", value=bad, expected="a balanced panel"
        )
    if log:
        if (wide <= 0).any().any():
            bad = wide.columns[(wide <= 0).any()].tolist()
            raise ParameterError(
                "log of a non-positive outcome", field="panel", value=bad, expected="values > 0"
            )
        wide = np.log(wide)
    wide.index = years
    long = wide.rename_axis(index="year", columns="region").stack().rename("y").reset_index()
    long["is_treated"] = (long["region"] == treated).astype(float)
    return long, donor_list


@dataclass
class _TwoWayFit:
    """Coefficients of interest from OLS with region and year fixed effects, SE clustered by region."""

    params: pd.Series
    cov: pd.DataFrame
    nobs: int
    n_clusters: int

    @property
    def bse(self) -> pd.Series:
        return pd.Series(np.sqrt(np.diag(self.cov)), index=self.params.index)

    @property
    def df(self) -> int:
        return self.n_clusters - 1  # statsmodels' inference df for cluster covariance with use_t

    @property
    def pvalues(self) -> pd.Series:
        from scipy import stats

        return pd.Series(2 * stats.t.sf(np.abs(self.params / self.bse), self.df), index=self.params.index)

    def conf_int(self, alpha: float = 0.05) -> pd.DataFrame:
        from scipy import stats

        q = stats.t.ppf(1 - alpha / 2, self.df)
        return pd.DataFrame({0: self.params - q * self.bse, 1: self.params + q * self.bse})

    def f_test_zero(self, names: list[str]) -> tuple[float, float]:
        """Joint Wald test (F form, denominator df = clusters - 1) that ``names`` are all zero."""
        from scipy import stats

        b = self.params[names].to_numpy()
        v = self.cov.loc[names, names].to_numpy()
        f_value = float(b @ np.linalg.pinv(v) @ b) / len(names)
        return f_value, float(stats.f.sf(f_value, len(names), self.df))


def _demean_two_way(values: pd.DataFrame, region: pd.Series, year: pd.Series) -> pd.DataFrame:
    """Remove region and year means (exact for a balanced panel)."""
    return (
        values
        - values.groupby(region.to_numpy()).transform("mean")
        - values.groupby(year.to_numpy()).transform("mean")
        + values.mean()
    )


def _fit(long: pd.DataFrame, regressors: list[str]) -> _TwoWayFit:
    """OLS of y on ``regressors`` with region and year fixed effects, SE clustered by region.

    The fixed effects are absorbed by two-way demeaning (Frisch-Waugh-Lovell; exact on a balanced panel),
    then statsmodels OLS with ``cov_type="cluster"`` runs on the demeaned data. Its small-sample factor
    (N - 1) / (N - K) is rescaled to count the absorbed fixed effects in K, so coefficients, standard errors,
    p-values and F tests equal those of the regression with region and year dummies (tested). Absorbing
    keeps the design small: the dummy regression is slow when the BLAS threads of a busy machine compete.
    """
    import statsmodels.api as sm

    data = _demean_two_way(long[["y", *regressors]].astype(float), long["region"], long["year"])
    groups = pd.factorize(long["region"])[0]
    with warnings.catch_warnings():
        # statsmodels may warn that the cluster covariance is not full rank with few clusters: stated
        warnings.simplefilter("ignore")
        fit = sm.OLS(data["y"], data[regressors]).fit(cov_type="cluster", cov_kwds={"groups": groups})
    n = len(long)
    k_small = len(regressors)
    k_full = k_small + long["region"].nunique() + long["year"].nunique() - 1
    scale = (n - k_small) / (n - k_full)
    cov = pd.DataFrame(fit.cov_params(), index=regressors, columns=regressors) * scale
    return _TwoWayFit(params=fit.params.copy(), cov=cov, nobs=n, n_clusters=int(groups.max()) + 1)


def _did_estimate(long: pd.DataFrame, treatment_year: int) -> Any:
    long = long.assign(post_treated=long["is_treated"] * (long["year"] >= treatment_year))
    return _fit(long, ["post_treated"])


def difference_in_differences(
    panel: pd.DataFrame,
    treated: str,
    treatment_year: int,
    donors: Iterable[str] | None = None,
    log: bool = False,
    outcome: str = "jobs",
    placebo: bool = True,
    alpha: float = 0.05,
    *,
    level: float = 0.9,
    unit_size: pd.Series | dict[str, float] | None = None,
) -> DiDResult:
    """Two-way fixed-effects DiD of ``treated`` against ``donors`` (default: all other columns).

    Args:
        panel: year x region outcome table (balanced).
        treated: the treated region's column (code, or name with ``panel.attrs["unit_names"]``).
        treatment_year: first treated year.
        donors: comparison regions; ``None`` = all other columns.
        log: take logs of the outcome first (for absolute jobs; the estimate is then in log points).
        outcome: name of the outcome, for labels.
        placebo: also estimate with each donor as the treated region (against the other donors): the
            headline ``p_value`` and the Conley-Taber interval come from these placebo estimates.
        alpha: for the clustered confidence interval ``ci_low, ci_high``.
        level: coverage of the Conley-Taber interval ``interval_low, interval_high`` (default 0.9).
        unit_size: region -> size (e.g. jobs in the base year), for Ferman & Pinto's correction of the
            placebo distribution; default ``panel.attrs.get("unit_size")``; None = no correction.
    """
    treated, donors = _resolve(panel, treated, donors)
    long, donor_list = prepare_panel(panel, treated, treatment_year, donors, log)
    fit = _did_estimate(long, treatment_year)
    ci = fit.conf_int(alpha=alpha).loc["post_treated"]
    estimate = float(fit.params["post_treated"])
    p_clustered = float(fit.pvalues["post_treated"])
    placebo_estimates = None
    placebo_p = None
    low = high = float("nan")
    if placebo:
        placebo_estimates = _placebo_estimates(panel, treated, treatment_year, donor_list, log)
        sizes = unit_size if unit_size is not None else panel.attrs.get("unit_size")
        scaled = _size_corrected(placebo_estimates, treated, sizes)
        values = np.abs(scaled.to_numpy())
        placebo_p = float((np.sum(values >= abs(estimate) - 1e-12) + 1) / (len(values) + 1))
        low, high = conley_taber_interval(estimate, scaled, level)
    wide = long.pivot(index="year", columns="region", values="y")
    data = pd.DataFrame({"treated": wide[treated], "donors_mean": wide[donor_list].mean(axis=1)})
    caveats = [ONE_CLUSTER_CAVEAT]
    if log:
        caveats.append("The outcome is log jobs: the estimate is in log points (about 100 x estimate %).")
    return DiDResult(
        treated=treated,
        treatment_year=int(treatment_year),
        donors=donor_list,
        estimate=estimate,
        se=float(fit.bse["post_treated"]),
        p_value=p_clustered if placebo_p is None else placebo_p,
        ci_low=float(ci.iloc[0]),
        ci_high=float(ci.iloc[1]),
        n_obs=int(fit.nobs),
        n_clusters=len(donor_list) + 1,
        outcome=outcome,
        log=log,
        data=data,
        placebo_estimates=placebo_estimates,
        placebo_p_value=placebo_p,
        caveats=caveats,
        p_value_clustered=p_clustered,
        interval_low=low,
        interval_high=high,
        level=float(level),
    )


def conley_taber_interval(
    estimate: float, placebo_estimates: pd.Series, level: float = 0.9
) -> tuple[float, float]:
    """Conley & Taber (2011) interval: the effects a with ``estimate - a`` inside the placebo quantiles.

    ``placebo_estimates`` are the estimates with each comparison region treated in its place (under no
    effect they show how far an estimate strays by chance). Returns ``(low, high)`` =
    ``(estimate - q_hi, estimate - q_lo)`` with q the empirical (1 -/+ level)/2 quantiles (linear
    interpolation); (-inf, inf) when there are too few placebos for that level.
    """
    if not 0 < level < 1:
        raise ParameterError("level must be between 0 and 1", field="level", value=level, expected="e.g. 0.9")
    values = np.sort(np.asarray(placebo_estimates, dtype=float))
    values = values[np.isfinite(values)]
    tail = (1 - level) / 2
    if len(values) < 2 or tail * (len(values) + 1) < 1:
        return -math.inf, math.inf
    q_lo, q_hi = np.quantile(values, [tail, 1 - tail])
    return float(estimate - q_hi), float(estimate - q_lo)


def _size_corrected(
    estimates: pd.Series, treated: str, sizes: pd.Series | dict[str, float] | None
) -> pd.Series:
    """Placebo estimates rescaled to the treated unit's size (Ferman & Pinto 2019); unchanged without sizes.

    Fits var(estimate_j) = A + B / size_j by least squares of the squared placebo estimates on 1 / size_j,
    then multiplies each placebo estimate by sqrt(var_treated / var_j).
    """
    if sizes is None or len(estimates) < 3:
        return estimates
    size = pd.Series(sizes, dtype=float)
    units = [*estimates.index, treated]
    missing = [u for u in units if u not in size.index or not np.isfinite(size[u]) or size[u] <= 0]
    if missing:
        raise ParameterError(
            "unit size missing or not positive for some regions",
            field="unit_size",
            value=missing,
            expected="a positive size (e.g. base-year jobs) for the treated region and every comparison region",
        )
    inv = 1.0 / size.reindex(estimates.index).to_numpy()
    sq = estimates.to_numpy() ** 2
    design = np.column_stack([np.ones_like(inv), inv])
    (a, b), *_ = np.linalg.lstsq(design, sq, rcond=None)
    floor = max(float(sq.mean()) * 1e-3, 1e-300)
    var = np.maximum(a + b * inv, floor)
    var_treated = max(a + b / float(size[treated]), floor)
    return pd.Series(
        estimates.to_numpy() * np.sqrt(var_treated / var), index=estimates.index, name=estimates.name
    )


def _placebo_estimates(
    panel: pd.DataFrame, treated: str, treatment_year: int, donors: list[str], log: bool
) -> pd.Series:
    """Point estimates with each donor treated in turn (against the other donors, the real one left out).

    The two-way fixed-effects DiD point estimate with one treated unit equals the treated unit's
    post-minus-pre change minus the donors' mean change, so it is computed directly (no regression).
    """
    wide = panel[donors].astype(float)
    if log:
        wide = np.log(wide)
    years = panel.index.astype(int)
    post = years >= treatment_year
    change = wide[post].mean() - wide[~post].mean()
    n = len(donors)
    out = {d: float(change[d] - (change.sum() - change[d]) / (n - 1)) for d in donors} if n > 1 else {}
    return pd.Series(out, name="placebo_estimate", dtype=float)


def event_study(
    panel: pd.DataFrame,
    treated: str,
    treatment_year: int,
    donors: Iterable[str] | None = None,
    log: bool = False,
    outcome: str = "jobs",
    alpha: float = 0.05,
) -> EventStudyResult:
    """Event study of ``treated``: one coefficient per year relative to ``treatment_year - 1``.

    ``pretrend_p_value`` is the joint F test that all coefficients before the reference year are zero
    (NaN when there is no year before the reference year). With one treated region that test uses
    clustered standard errors that leave out the treated region's own noise, so it rejects too often;
    ``pretrend_placebo_p_value`` ranks the treated region's mean squared pre-treatment coefficient among the
    same statistic for each comparison region treated in its place (against the other comparison regions).
    """
    treated, donors = _resolve(panel, treated, donors)
    long, donor_list = prepare_panel(panel, treated, treatment_year, donors, log)
    years = sorted(long["year"].unique())
    ref = treatment_year - 1
    if ref not in years:
        raise ParameterError(
            "the reference year (treatment_year - 1) must be in the panel",
            field="treatment_year",
            value=treatment_year,
            expected=f"a year in {years[0] + 1}..{years[-1]}",
        )
    names = {}
    for year in years:
        if year == ref:
            continue
        k = year - treatment_year
        name = f"ev_m{-k}" if k < 0 else f"ev_p{k}"
        names[name] = year
        long[name] = long["is_treated"] * (long["year"] == year)
    fit = _fit(long, list(names))
    ci = fit.conf_int(alpha=alpha)
    rows = []
    for name, year in names.items():
        rows.append(
            {
                "rel_year": year - treatment_year,
                "year": year,
                "coef": float(fit.params[name]),
                "se": float(fit.bse[name]),
                "p_value": float(fit.pvalues[name]),
                "ci_low": float(ci.loc[name].iloc[0]),
                "ci_high": float(ci.loc[name].iloc[1]),
            }
        )
    rows.append(
        {
            "rel_year": -1,
            "year": ref,
            "coef": 0.0,
            "se": 0.0,
            "p_value": np.nan,
            "ci_low": 0.0,
            "ci_high": 0.0,
        }
    )
    coefs = pd.DataFrame(rows).set_index("rel_year").sort_index()
    pre = [n for n, y in names.items() if y < ref]
    if pre:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            f_value, p_value = fit.f_test_zero(pre)
    else:
        f_value = p_value = float("nan")
    placebo_p = _pretrend_placebo_p_value(
        long, treated, donor_list, [y for y in names.values() if y < ref], ref
    )
    caveats = [
        ONE_CLUSTER_CAVEAT,
        "The clustered pre-trend F test ignores the treated region's own year-to-year noise and rejects "
        "parallel pre-trends too often; compare it with the placebo pre-trend p-value.",
    ]
    if not pre:
        caveats.append("No year before the reference year: the pre-trend test cannot be run.")
    return EventStudyResult(
        treated=treated,
        treatment_year=int(treatment_year),
        donors=donor_list,
        coefficients=coefs,
        pretrend_f=f_value,
        pretrend_p_value=p_value,
        n_pre=len(pre),
        outcome=outcome,
        log=log,
        pretrend_placebo_p_value=placebo_p,
        caveats=caveats,
    )


def _pretrend_placebo_p_value(
    long: pd.DataFrame, treated: str, donors: list[str], pre_years: list[int], ref: int
) -> float:
    """Rank of the treated region's mean squared pre-treatment coefficient among placebo regions.

    With one treated unit in a balanced panel, the event-study coefficient for year k is the unit's change
    from the reference year minus the mean change of the comparison units, so it is computed directly.
    """
    if not pre_years or len(donors) < 2:
        return float("nan")
    wide = long.pivot(index="year", columns="region", values="y")
    change = wide.loc[pre_years] - wide.loc[ref]  # years x regions: change against the reference year

    def stat(unit: str, others: list[str]) -> float:
        return float(((change[unit] - change[others].mean(axis=1)) ** 2).mean())

    observed = stat(treated, donors)
    placebos = np.array([stat(d, [o for o in donors if o != d]) for d in donors])
    return float((np.sum(placebos >= observed - 1e-12) + 1) / (len(placebos) + 1))
