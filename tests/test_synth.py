"""Synthetic control: exact solver, known weights in constructed panels, parity with pysyncon, Basque weights."""

from __future__ import annotations

import json
import math

import matplotlib
import numpy as np
import pandas as pd
import pytest
from scipy.optimize import Bounds, LinearConstraint, minimize

from ccresearch.analysis.methods.synth import (
    BASQUE,
    basque_inputs,
    closest_donor_optimum,
    fit_synth,
    placebo_test,
    simplex_least_squares,
    synthetic_control,
)
from ccresearch.errors import InputError, ParameterError
from ccresearch.paths import shared_dir
from ccresearch.report import methods as rm
from ccresearch.sources.reference import read_basque

matplotlib.use("Agg")
import matplotlib.pyplot as plt

COROP_CSV = "data/cbs/83582NED/cbs_83582NED_corop_banen_total_N_2010_2024_wide.csv"


def synthetic_panel(effect: float = 0.0, seed: int = 3) -> pd.DataFrame:
    """Constructed panel 2000-2014: treated T = 0.7 A + 0.3 B exactly before 2010, plus ``effect`` from 2010.

    The other donors D1..D6 are shifted well away from T, so the true weights are the only exact fit.
    """
    rng = np.random.default_rng(seed)
    years = np.arange(2000, 2015)
    base = 100 + np.cumsum(rng.normal(0, 2, (len(years), 8)), axis=0)
    frame = pd.DataFrame(
        base, index=pd.Index(years, name="year"), columns=["A", "B", *[f"D{i}" for i in range(6)]]
    )
    frame[["D0", "D1", "D2"]] += 25.0
    frame[["D3", "D4", "D5"]] -= 25.0
    frame.insert(0, "T", 0.7 * frame["A"] + 0.3 * frame["B"] + effect * (years >= 2010))
    return frame


def synthetic_covariates(seed: int = 5) -> tuple[np.ndarray, ...]:
    """Constructed predictors and outcomes where the treated unit is 0.6 D0 + 0.4 D1 in both."""
    rng = np.random.default_rng(seed)
    X0 = rng.normal(50, 10, (4, 8))
    Z0 = rng.normal(100, 5, (6, 8))
    w = np.zeros(8)
    w[:2] = [0.6, 0.4]
    return X0 @ w, X0, Z0 @ w, Z0, w


def slsqp_simplex(A: np.ndarray) -> np.ndarray:
    n = A.shape[1]
    H = A.T @ A
    res = minimize(
        lambda x: x @ H @ x,
        np.full(n, 1 / n),
        jac=lambda x: 2 * H @ x,
        method="SLSQP",
        bounds=Bounds(0, 1),
        constraints=LinearConstraint(np.ones(n), 1, 1),
        options={"maxiter": 1000, "ftol": 1e-15},
    )
    return res.x


def pysyncon_fit(X1, X0, Z1, Z0):
    """pysyncon's Synth (Nelder-Mead from equal V) on matrices; returns (weights, outcome MSPE)."""
    from pysyncon import Synth

    cols = [f"u{i}" for i in range(X0.shape[1])]
    synth = Synth()
    synth.fit(
        X0=pd.DataFrame(X0, columns=cols),
        X1=pd.Series(X1, name="treated"),
        Z0=pd.DataFrame(Z0, columns=cols),
        Z1=pd.Series(Z1, name="treated"),
        optim_method="Nelder-Mead",
        optim_initial="equal",
    )
    return np.asarray(synth.W), float(synth.loss_V)


def corop_panel() -> pd.DataFrame:
    wide = pd.read_csv(shared_dir() / COROP_CSV, dtype={"sbi_key": str})
    rows = wide[
        (wide["sbi_key"] == "410200")
        & (wide["regio_code"] != "CR99")
        & wide["regio_code"].str.startswith("CR")
    ]
    panel = rows.set_index("regio_code")[[c for c in wide.columns if c.isdigit()]].T.astype(float)
    panel.index = panel.index.astype(int)
    return panel / panel.loc[2014] * 100.0


# ------------------------------------------------------------------------------------------ the solver


def test_simplex_solver_never_worse_than_slsqp_on_random_problems():
    rng = np.random.default_rng(0)
    for trial in range(60):
        m, n = int(rng.integers(2, 12)), int(rng.integers(2, 30))
        C = rng.normal(100, rng.uniform(0.1, 30), (m, n))
        b = C @ rng.dirichlet(np.full(n, 0.3)) if trial % 3 == 0 else rng.normal(100, 20, m)
        A = C - b[:, None]
        w = simplex_least_squares(A)
        assert w.min() >= 0 and w.sum() == pytest.approx(1, abs=1e-12)
        ours, ref = np.sum((A @ w) ** 2), np.sum((A @ slsqp_simplex(A)) ** 2)
        assert ours <= ref * (1 + 1e-9) + 1e-12


def test_simplex_solver_finds_an_exact_interior_combination():
    C = np.array([[0.0, 10.0, 0.0, 10.0], [0.0, 0.0, 10.0, 10.0]])
    w = simplex_least_squares(C - np.array([[3.0], [4.0]]))
    assert np.allclose(C @ w, [3.0, 4.0], atol=1e-10)


def test_among_exact_fits_the_closest_donors_are_chosen():
    # target (5, 5): corners of a square reproduce it in many ways; (4, 4) and (6, 6) are the closest donors
    C = np.array([[0.0, 10.0, 0.0, 10.0, 4.0, 6.0], [0.0, 0.0, 10.0, 10.0, 4.0, 6.0]])
    A = C - np.array([[5.0], [5.0]])
    w = closest_donor_optimum(A, simplex_least_squares(A))
    assert np.allclose(w, [0, 0, 0, 0, 0.5, 0.5], atol=1e-9)


def test_exact_fit_weights_do_not_depend_on_donor_order():
    panel = corop_panel()
    forward = synthetic_control(panel, "CR39", 2015)
    backward = synthetic_control(panel, "CR39", 2015, donors=list(reversed(forward.weights.index)))
    assert forward.exact_fit
    pd.testing.assert_series_equal(
        forward.weights.sort_index(), backward.weights.sort_index(), atol=1e-9, check_exact=False
    )


# ------------------------------------------------------------------- known weights, against pysyncon


@pytest.mark.slow  # a pysyncon fit
def test_outcome_lag_fit_recovers_known_weights_and_pysyncon_does_not_beat_it():
    panel = synthetic_panel()
    res = synthetic_control(panel, "T", 2010)
    assert res.weights["A"] == pytest.approx(0.7, abs=1e-6)
    assert res.weights["B"] == pytest.approx(0.3, abs=1e-6)
    assert res.pre_rmspe == 0.0
    pre = panel.loc[:2009]
    donors = list(panel.columns[1:])
    w_py, loss_py = pysyncon_fit(
        pre["T"].to_numpy(), pre[donors].to_numpy(), pre["T"].to_numpy(), pre[donors].to_numpy()
    )
    assert w_py[0] == pytest.approx(0.7, abs=0.02) and w_py[1] == pytest.approx(0.3, abs=0.02)
    assert res.pre_rmspe**2 <= loss_py


@pytest.mark.slow  # a pysyncon fit
def test_covariate_fit_recovers_known_weights_and_matches_or_beats_pysyncon_loss():
    X1, X0, Z1, Z0, w_true = synthetic_covariates()
    fit = fit_synth(X1, X0, Z1, Z0)
    assert np.allclose(fit.weights, w_true, atol=1e-4)
    w_py, loss_py = pysyncon_fit(X1, X0, Z1, Z0)
    assert np.allclose(w_py, w_true, atol=0.02)
    assert fit.loss <= loss_py + 1e-12
    assert fit.v.min() >= 0 and fit.v.sum() == pytest.approx(1.0)


@pytest.mark.slow  # a pysyncon fit
def test_covariate_fit_beats_pysyncon_when_no_exact_combination_exists():
    rng = np.random.default_rng(11)
    X0, Z0 = rng.normal(50, 10, (5, 10)), rng.normal(100, 5, (8, 10))
    X1, Z1 = rng.normal(50, 10, 5), rng.normal(100, 5, 8)
    fit = fit_synth(X1, X0, Z1, Z0)
    _, loss_py = pysyncon_fit(X1, X0, Z1, Z0)
    assert fit.loss <= loss_py * (1 + 1e-9)


def test_fixed_v_solves_only_the_inner_problem():
    X1, X0, Z1, Z0, w_true = synthetic_covariates()
    fit = fit_synth(X1, X0, Z1, Z0, v=np.ones(4), optimise_v=False)
    assert np.allclose(fit.v, 0.25)
    assert np.allclose(fit.weights, w_true, atol=1e-8)


# ---------------------------------------------------------------------------- published Basque result


def test_basque_published_weights_reproduced_with_the_published_search():
    # Specification of pysyncon's parity test (Spain aggregate among the candidates; it gets weight 0) and the
    # search of R Synth's and pysyncon's examples (Nelder-Mead from equal predictor weights).
    panel, predictors = basque_inputs(read_basque(), include_spain=True)
    res = synthetic_control(
        panel, BASQUE, 1970, pre_years=range(1960, 1970), predictors=predictors, search="equal"
    )
    assert round(res.weights["Cataluna"], 2) == 0.85
    assert round(res.weights["Madrid (Comunidad De)"], 2) == 0.15
    assert res.weights.iloc[2:].sum() < 0.005


def test_basque_wide_search_fits_the_pre_period_better_than_the_published_weights():
    panel, predictors = basque_inputs(read_basque())
    res = synthetic_control(panel, BASQUE, 1970, pre_years=range(1960, 1970), predictors=predictors)
    pre = panel.loc[1960:1969]
    published = 0.851 * pre["Cataluna"] + 0.149 * pre["Madrid (Comunidad De)"]
    published_rmspe = float(np.sqrt(((pre[BASQUE] - published) ** 2).mean()))
    assert res.pre_rmspe < published_rmspe
    assert abs(res.weights.sum() - 1) < 1e-12


def test_basque_wide_search_reaches_what_pysyncons_powell_search_reaches():
    # pysyncon's Powell search from equal V fits Asturias (Basque Country left out) to a pre-RMSPE of 0.0071498
    # (bench/bench_synth.py --pysyncon-searches; 74 s, too slow for a unit test). The gradient searches alone
    # stalled at a kink of the loss, at 0.00957.
    panel, predictors = basque_inputs(read_basque())
    unit = "Principado De Asturias"
    donors = [c for c in panel.columns if c not in (unit, BASQUE)]
    res = synthetic_control(
        panel, unit, 1970, donors=donors, pre_years=range(1960, 1970), predictors=predictors
    )
    assert res.pre_rmspe <= 0.0071498 * 1.01


def test_basque_predictors_match_the_reference_definition():
    _, predictors = basque_inputs(read_basque())
    basque = predictors[BASQUE]
    assert basque["school.illit"] == pytest.approx(39.888465, abs=1e-5)
    assert basque["gdpcap 1960-1969"] == pytest.approx(5.285468, abs=1e-5)
    assert basque["sec.industry 1961-1969"] == pytest.approx(45.082, abs=1e-5)
    assert basque["popdens 1969"] == pytest.approx(246.89, abs=1e-2)
    assert predictors.shape == (14, 17)


# --------------------------------------------------------------------------------- real COROP panel


@pytest.mark.slow  # a pysyncon fit
def test_corop_pre_rmspe_no_worse_than_pysyncon_for_sampled_units():
    from pysyncon import Synth

    panel = corop_panel()
    lags = [2010, 2011, 2012, 2013]  # the 2014 lag is 100 for all units (index base): no information
    for unit in ["CR39", "CR01", "CR24"]:
        donors = [c for c in panel.columns if c not in (unit, "CR39")] if unit != "CR39" else None
        res = synthetic_control(panel, unit, 2015, donors=donors)
        cols = list(res.weights.index)
        synth = Synth()
        synth.fit(
            X0=panel.loc[lags, cols],
            X1=panel.loc[lags, unit],
            Z0=panel.loc[2010:2014, cols],
            Z1=panel.loc[2010:2014, unit],
            optim_method="Nelder-Mead",
            optim_initial="equal",
        )
        assert res.pre_rmspe <= math.sqrt(synth.loss_V) * 1.01 + 1e-9


# ---------------------------------------------------------------------------------------- the API


def test_result_has_sorted_simplex_weights_path_and_ratio():
    res = synthetic_control(synthetic_panel(effect=6.0), "T", 2010)
    assert list(res.weights) == sorted(res.weights, reverse=True)
    assert (res.weights >= 0).all() and res.weights.sum() == pytest.approx(1.0)
    assert list(res.path.columns) == ["treated", "synthetic", "gap"]
    assert res.path.index[0] == 2000 and res.path.index[-1] == 2014
    assert res.path.loc[2012, "gap"] == pytest.approx(6.0, abs=1e-6)
    assert res.post_rmspe == pytest.approx(6.0, abs=1e-6)
    assert math.isinf(res.post_pre_ratio)


def test_to_dict_is_json_and_keeps_only_weights_above_a_thousandth():
    d = synthetic_control(synthetic_panel(effect=2.0), "T", 2010).to_dict()
    json.dumps(d)
    assert set(d["weights"]) == {"A", "B"}
    assert d["post_pre_ratio"] is None  # infinite: exact pre-period fit
    assert d["pre_years"] == list(range(2000, 2010))


def test_plots_draw_on_the_given_axis():
    res = synthetic_control(synthetic_panel(effect=2.0), "T", 2010)
    fig, (a1, a2, a3) = plt.subplots(1, 3)
    assert rm.synth_paths(res, a1) is a1 and len(a1.lines) >= 3
    assert rm.synth_gap(res, a2) is a2 and len(a2.lines) >= 2
    pl = placebo_test(synthetic_panel(effect=2.0), "T", 2010)
    assert rm.placebo_gaps(pl, a3) is a3 and len(a3.lines) >= 9
    plt.close(fig)


def test_placebo_p_value_counts_the_treated_unit_among_all_units():
    panel = synthetic_panel(effect=30.0)
    panel["T"] += np.where(panel.index < 2010, np.linspace(-0.2, 0.2, 15), 0.0)  # inexact pre-period fit
    pl = placebo_test(panel, "T", 2010)
    assert list(pl.ratios.index) == list(panel.columns)
    assert pl.gaps.shape == (15, 9)
    expected = (pl.ratios >= pl.ratios["T"]).sum() / 9
    assert pl.p_value == pytest.approx(expected)
    assert pl.p_value == pytest.approx(1 / 9)
    assert pl.rank == 1
    json.dumps(pl.to_dict())


def test_fits_within_the_data_precision_are_floored_at_it_so_the_ratio_is_the_optimisers_no_more():
    panel = synthetic_panel(effect=30.0)
    # leftover optimiser error of 1e-4 on an exact fit: without a precision it decides the rank
    panel["T"] += np.where(panel.index < 2010, 1e-4 * np.sin(np.arange(15)), 0.0)
    loose = placebo_test(panel, "T", 2010)
    assert math.isfinite(loose.ratios["T"]) and "T" not in loose.exact_fits
    pl = placebo_test(panel, "T", 2010, precision=1e-3)
    # the pre-RMSPE is floored at the precision: ratio = post / 1e-3, and T counts as fitted exactly
    assert pl.ratios["T"] == pytest.approx(pl.post_rmspe["T"] / 1e-3)
    assert "T" in pl.exact_fits
    assert set(pl.exact_fits) == set(pl.pre_rmspe.index[pl.pre_rmspe <= 1e-3])
    expected = pl.post_rmspe / np.maximum(pl.pre_rmspe, 1e-3)
    assert pl.ratios.to_numpy() == pytest.approx(expected.to_numpy())
    assert pl.p_value == pytest.approx((expected >= expected["T"] * (1 - 1e-12)).sum() / 9)
    # a per-unit precision: only T's counts
    per_unit = pd.Series(0.0, index=panel.columns).mask(panel.columns == "T", 1e-3)
    assert placebo_test(panel, "T", 2010, precision=per_unit).exact_fits == ["T"]
    # the pre- and post-RMSPE themselves are reported as measured
    assert pl.pre_rmspe["T"] == pytest.approx(loose.pre_rmspe["T"]) and pl.pre_rmspe["T"] > 0
    # the default precision comes from the panel
    panel.attrs["precision"] = 1e-3
    assert placebo_test(panel, "T", 2010).p_value == pl.p_value
    panel.attrs["precision"] = {u: (1e-3 if u == "T" else 0.0) for u in panel.columns}
    assert placebo_test(panel, "T", 2010).exact_fits == ["T"]


def test_an_effect_added_after_treatment_lowers_the_p_value_even_with_an_exact_fit():
    # T is an exact combination of A and B before 2010: a ratio without a floor would be infinite either way
    no_effect = placebo_test(synthetic_panel(effect=0.0), "T", 2010, precision=0.5)
    effect = placebo_test(synthetic_panel(effect=30.0), "T", 2010, precision=0.5)
    assert "T" in no_effect.exact_fits and "T" in effect.exact_fits
    assert effect.p_value < no_effect.p_value
    assert effect.p_value == pytest.approx(1 / 9)


@pytest.mark.parametrize(
    ("precision", "needle"),
    [(-1.0, "non-negative"), (math.nan, "non-negative"), (pd.Series({"T": 0.1}), "missing")],
)
def test_bad_precision_is_refused_naming_the_units(precision, needle):
    with pytest.raises(ParameterError, match=needle) as err:
        placebo_test(synthetic_panel(), "T", 2010, precision=precision)
    assert err.value.field == "precision"


def test_placebo_units_never_use_the_treated_unit_as_donor():
    panel = synthetic_panel(effect=30.0)
    pl = placebo_test(panel, "T", 2010)
    # A is 'treated' in one placebo; T (= 0.7 A + 0.3 B) would fit it well but must not be a donor
    refit = synthetic_control(panel, "A", 2010, donors=[c for c in panel.columns if c not in ("A", "T")])
    assert pl.pre_rmspe["A"] == pytest.approx(refit.pre_rmspe)


def test_placebo_in_processes_equals_serial():
    panel, predictors = basque_inputs(read_basque())
    donors = ["Cataluna", "Madrid (Comunidad De)", "Aragon", "Navarra (Comunidad Foral De)", "Rioja (La)"]
    kw = {"donors": donors, "pre_years": range(1960, 1970), "predictors": predictors, "search": "equal"}
    serial = placebo_test(panel, BASQUE, 1970, **kw)
    parallel = placebo_test(panel, BASQUE, 1970, n_jobs=2, **kw)
    pd.testing.assert_series_equal(serial.pre_rmspe, parallel.pre_rmspe)
    assert serial.p_value == parallel.p_value


def test_missing_outcome_names_unit_and_year():
    panel = synthetic_panel()
    panel.loc[2003, "D2"] = np.nan
    with pytest.raises(InputError, match=r"D2 in year 2003"):
        synthetic_control(panel, "T", 2010)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"treated": "X"}, "treated"),
        ({"treatment_year": 2000}, "treatment_year"),
        ({"donors": ["A", "T"]}, "donors"),
        ({"donors": ["Q"]}, "donors"),
        ({"pre_years": [2011]}, "pre_years"),
    ],
)
def test_bad_parameters_name_the_field(kwargs, field):
    args = {"treated": "T", "treatment_year": 2010, **kwargs}
    with pytest.raises(ParameterError) as err:
        synthetic_control(synthetic_panel(), args.pop("treated"), args.pop("treatment_year"), **args)
    assert err.value.field == field


def test_the_documented_basque_set_ups_give_what_the_docstring_says():
    # synth.py's module docstring: without the Spain aggregate the published search stops elsewhere; the
    # wide search fits the pre-period better than the published weights, with or without Spain
    frame = read_basque()
    kw = {"pre_years": range(1960, 1970)}
    panel, predictors = basque_inputs(frame)
    equal = synthetic_control(panel, BASQUE, 1970, predictors=predictors, search="equal", **kw)
    assert round(equal.weights["Cataluna"], 2) == 0.64 and round(equal.weights["Cantabria"], 2) == 0.26
    assert round(equal.pre_rmspe, 2) == 0.40
    for spain in (False, True):
        panel, predictors = basque_inputs(frame, include_spain=spain)
        wide = synthetic_control(panel, BASQUE, 1970, predictors=predictors, **kw)
        assert round(wide.pre_rmspe, 3) == 0.066 or round(wide.pre_rmspe, 3) == 0.065
        assert list(wide.weights.index[:3]) == ["Cataluna", "Baleares (Islas)", "Madrid (Comunidad De)"]
        assert wide.predictor_weights.idxmax() == "gdpcap 1960-1969" and wide.predictor_weights.max() > 0.95
