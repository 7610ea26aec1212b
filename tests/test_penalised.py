"""Penalised synthetic control (Abadie & L'Hour 2021): the solver, the rule for lambda, uniqueness on the real
COROP panel, the placebo test and conformal intervals with it, and parity with pysyncon's PenalizedSynth."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import Bounds, LinearConstraint, linprog, minimize

from ccresearch.analysis.methods import conformal_intervals, placebo_test, synthetic_control
from ccresearch.analysis.methods._synth_solver import (
    closest_donor_optimum,
    penalised_weights,
    predictor_scale,
    simplex_least_squares,
    simplex_qp,
)
from ccresearch.analysis.methods.penalised import (
    PENALTY_GRID,
    choose_penalty,
    penalised_synthetic_control,
    validation_split,
)
from ccresearch.analysis.methods.synth import BASQUE, basque_inputs
from ccresearch.errors import ParameterError
from ccresearch.paths import shared_dir
from ccresearch.sources.reference import read_basque

COROP_CSV = "data/cbs/83582NED/cbs_83582NED_corop_banen_total_N_2010_2024_wide.csv"


@pytest.fixture(scope="module")
def corop() -> pd.DataFrame:
    """Real COROP panel, section N jobs (CBS 83582NED) as an index 2014 = 100, 2010-2024, CR01..CR40."""
    wide = pd.read_csv(shared_dir() / COROP_CSV, dtype={"sbi_key": str})
    rows = wide[(wide["sbi_key"] == "410200") & wide["regio_code"].str.match(r"^CR(0[1-9]|[1-3][0-9]|40)$")]
    panel = rows.set_index("regio_code")[[c for c in wide.columns if c.isdigit()]].T.astype(float)
    panel.index = panel.index.astype(int)
    return panel / panel.loc[2014] * 100.0


def objective(X1, X0, w, lam):
    A = X0 - X1[:, None]
    r = A @ w
    return float(r @ r + lam * w @ np.einsum("ij,ij->j", A, A))


def slsqp_penalised(X1, X0, lam, start):
    A = X0 - X1[:, None]
    H = A.T @ A
    c = lam * np.diag(H)
    n = len(c)
    res = minimize(
        lambda x: x @ H @ x + c @ x,
        start,
        jac=lambda x: 2 * H @ x + c,
        method="SLSQP",
        bounds=Bounds(0, 1),
        constraints=LinearConstraint(np.ones(n), 1, 1),
        options={"maxiter": 2000, "ftol": 1e-16},
    )
    return res.x


# ------------------------------------------------------------------------------------------- the solver


def test_simplex_qp_is_never_worse_than_slsqp_on_random_problems():
    rng = np.random.default_rng(1)
    for trial in range(80):
        m, n = int(rng.integers(2, 12)), int(rng.integers(2, 30))
        A = rng.normal(0, rng.uniform(0.1, 30), (m, n))
        H = A.T @ A
        c = (trial % 2) * rng.uniform(0, 1, n) * np.diag(H)
        w = simplex_qp(H, c)
        assert w.min() >= 0 and w.sum() == pytest.approx(1, abs=1e-12)
        ref = slsqp_penalised(np.zeros(m), A, 0.0, np.full(n, 1 / n)) if not c.any() else None
        f = lambda x, H=H, c=c: x @ H @ x + c @ x  # noqa: E731
        x0 = np.full(n, 1 / n)
        res = minimize(
            f,
            x0,
            jac=lambda x, H=H, c=c: 2 * H @ x + c,
            method="SLSQP",
            bounds=Bounds(0, 1),
            constraints=LinearConstraint(np.ones(n), 1, 1),
            options={"maxiter": 2000, "ftol": 1e-16},
        )
        scale = np.abs(np.diag(H)).max()
        assert f(w) <= f(res.x) + 1e-9 * scale
        if ref is not None:
            assert f(w) <= f(simplex_least_squares(A)) + 1e-9 * scale


def test_penalty_limits_are_the_closest_donor_exact_fit_and_the_nearest_neighbour():
    # target (5, 5) inside a square of donors; (4, 4) and (6, 6) are the closest donors
    X0 = np.array([[0.0, 10.0, 0.0, 10.0, 4.0, 6.0], [0.0, 0.0, 10.0, 10.0, 4.0, 6.0]])
    X1 = np.array([5.0, 5.0])
    small = penalised_weights(X1, X0, 1e-8)
    A = X0 - X1[:, None]
    assert np.allclose(small, closest_donor_optimum(A, simplex_least_squares(A)), atol=1e-6)
    large = penalised_weights(np.array([4.2, 4.1]), X0, 1e4)
    assert large[4] == pytest.approx(1.0, abs=1e-3)


# ------------------------------------------------------------------------------------- the rule for lambda


def test_the_rule_holds_out_the_last_third_of_the_fitting_years():
    assert [validation_split(n) for n in (2, 3, 5, 10, 19)] == [1, 1, 2, 3, 6]


def test_the_rule_picks_the_grid_lambda_with_the_smallest_held_out_error(corop):
    res = synthetic_control(corop, "CR39", 2015, penalty="cv")
    cv = res.penalty_cv
    assert list(cv.index) == pytest.approx(list(PENALTY_GRID))
    assert res.penalty == pytest.approx(cv.index[int(np.argmin(cv.to_numpy()))])
    assert res.penalty_rule.startswith("pre-period cross-validation")
    # the same on arrays
    Y = corop[["CR39", *[c for c in corop.columns if c != "CR39"]]].to_numpy()
    lam, curve = choose_penalty(Y, range(5))
    assert lam == res.penalty and np.allclose(curve.to_numpy(), cv.to_numpy())


def test_the_rule_never_looks_at_the_post_period(corop):
    shifted = corop.copy()
    shifted.loc[shifted.index >= 2015, "CR39"] += 25.0
    shifted.loc[shifted.index >= 2015, "CR18"] -= 10.0
    a = synthetic_control(corop, "CR39", 2015, penalty="cv")
    b = synthetic_control(shifted, "CR39", 2015, penalty="cv")
    assert a.penalty == b.penalty
    pd.testing.assert_series_equal(a.weights, b.weights)


# ----------------------------------------------------------------------------- uniqueness on the COROP panel


def test_on_the_corop_panel_the_plain_fit_is_not_unique_but_the_penalised_one_is(corop):
    treated, pre = "CR39", list(range(2010, 2015))
    donors = [c for c in corop.columns if c != treated]
    X1, X0 = corop.loc[pre, treated].to_numpy(), corop.loc[pre, donors].to_numpy()
    # plain: the pre-period is fitted exactly by weightings far apart (two LPs over the exact fits)
    A_eq = np.vstack([X0, np.ones(len(donors))])
    b_eq = np.append(X1, 1.0)
    post = corop.loc[2015:, donors].mean().to_numpy()
    lo = linprog(post, A_eq=A_eq, b_eq=b_eq, bounds=(0, None), method="highs")
    hi = linprog(-post, A_eq=A_eq, b_eq=b_eq, bounds=(0, None), method="highs")
    assert lo.status == 0 and hi.status == 0
    assert np.abs(lo.x - hi.x).max() > 0.1
    # penalised, with the lambda of the rule: the same weights from two starting points and from SLSQP
    lam = synthetic_control(corop, treated, 2015, penalty="cv").penalty
    w_vertex = penalised_weights(X1, X0, lam)
    w_uniform = penalised_weights(X1, X0, lam, start=np.full(len(donors), 1 / len(donors)))
    w_other = penalised_weights(X1, X0, lam, start=hi.x)
    w_slsqp = slsqp_penalised(X1, X0, lam, lo.x)
    assert np.abs(w_vertex - w_uniform).max() < 1e-6
    assert np.abs(w_vertex - w_other).max() < 1e-6
    assert np.abs(w_vertex - w_slsqp).max() < 1e-3
    assert objective(X1, X0, w_vertex, lam) <= objective(X1, X0, w_slsqp, lam) + 1e-9
    # and the public API gives them, whatever the donors' order
    res = synthetic_control(corop, treated, 2015, penalty=lam)
    back = synthetic_control(corop, treated, 2015, penalty=lam, donors=list(reversed(donors)))
    assert np.abs(res.weights.reindex(donors).to_numpy() - w_vertex).max() < 1e-6
    pd.testing.assert_series_equal(res.weights.sort_index(), back.weights.sort_index(), atol=1e-6)


# ------------------------------------------------------------------------------------------------ the API


def test_result_reports_weights_lambda_path_rmspe_and_mean_post_gap(corop):
    res = penalised_synthetic_control(corop, "CR39", 2015)
    assert res.penalty > 0 and res.penalty_cv is not None
    assert (res.weights >= 0).all() and res.weights.sum() == pytest.approx(1.0)
    assert list(res.path.columns) == ["treated", "synthetic", "gap"]
    assert res.mean_post_gap == pytest.approx(res.path.loc[2015:, "gap"].mean())
    assert res.pre_rmspe > 0 and math.isfinite(res.post_rmspe)
    d = res.to_dict()
    json.dumps(d)
    assert d["penalty"] == res.penalty and d["penalty_rule"] == res.penalty_rule
    plain = synthetic_control(corop, "CR39", 2015)
    assert plain.penalty is None and plain.to_dict()["penalty"] is None


def test_placebo_test_and_conformal_intervals_run_with_the_penalty(corop):
    pl = placebo_test(corop, "CR39", 2015, penalty="cv", precision=0.1)
    assert pl.result.penalty > 0 and pl.n_units == 40
    assert 1 / 40 <= pl.p_value <= 1
    # every placebo unit uses the treated unit's lambda
    donors = [c for c in corop.columns if c not in ("CR01", "CR39")]
    refit = synthetic_control(corop, "CR01", 2015, donors=donors, penalty=pl.result.penalty)
    assert pl.pre_rmspe["CR01"] == pytest.approx(refit.pre_rmspe, rel=1e-9)
    ci = conformal_intervals(corop, "CR39", 2015, penalty="cv", years=[], n_grid=41)
    assert ci.estimate == pytest.approx(pl.result.mean_post_gap)
    assert ci.interval_low <= ci.estimate <= ci.interval_high


@pytest.mark.parametrize("penalty", [-1.0, math.nan, "loo", [0.1]])
def test_bad_penalty_is_refused(corop, penalty):
    with pytest.raises(ParameterError) as err:
        synthetic_control(corop, "CR39", 2015, penalty=penalty)
    assert err.value.field == "penalty"


def test_basque_penalised_weights_of_pysyncons_parity_test():
    # pysyncon's tests/test_penalized_basque.py: identity V, lambda 0.01, Spain among the candidates:
    # Cantabria 0.241, Cataluna 0.759 (its tolerance 0.025)
    panel, predictors = basque_inputs(read_basque(), include_spain=True)
    res = synthetic_control(
        panel, BASQUE, 1970, pre_years=range(1960, 1970), predictors=predictors, v=np.ones(14), penalty=0.01
    )
    assert res.weights["Cataluna"] == pytest.approx(0.759, abs=0.001)
    assert res.weights["Cantabria"] == pytest.approx(0.241, abs=0.001)
    assert res.weights.iloc[2:].sum() < 1e-6


@pytest.mark.slow  # pysyncon fits
@pytest.mark.parametrize("lam", [0.001, 0.01, 0.1, 1.0])
def test_same_weights_as_pysyncons_penalized_synth(lam):
    from pysyncon import PenalizedSynth

    panel, predictors = basque_inputs(read_basque(), include_spain=True)
    donors = [c for c in predictors.columns if c != BASQUE]
    ref = PenalizedSynth()
    ref.fit(X0=predictors[donors], X1=predictors[BASQUE], lambda_=lam)
    w_ref = np.asarray(ref.W, dtype=float)
    res = synthetic_control(
        panel, BASQUE, 1970, pre_years=range(1960, 1970), predictors=predictors, v=np.ones(14), penalty=lam
    )
    w = res.weights.reindex(donors).to_numpy()
    X1, X0 = predictors[BASQUE].to_numpy(), predictors[donors].to_numpy()
    sd = predictor_scale(X1, X0)
    ours = objective(X1 / sd, X0 / sd[:, None], w, lam)
    theirs = objective(X1 / sd, X0 / sd[:, None], w_ref, lam)
    assert np.abs(w - w_ref).max() < 1e-3 or ours <= theirs
    assert ours <= theirs + 1e-9
