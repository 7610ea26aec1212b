"""The general synthetic-control API: predictors as outcome lags, covariates over year windows and special
predictors from long or wide tables; custom predictor weights; the two-step training/validation search;
placebo tests and conformal intervals for any specification; published cases (California's Proposition 99,
the Basque Country) reproduced through it."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from ccresearch.analysis.methods import (
    Predictor,
    SynthSpec,
    conformal_intervals,
    placebo_test,
    predictor_table,
    synthetic_control,
)
from ccresearch.analysis.methods._synth_solver import fit_synth
from ccresearch.analysis.methods.synth import BASQUE, basque_inputs, basque_spec
from ccresearch.errors import InputError, ParameterError
from ccresearch.sources.reference import read_basque

FIXTURES = Path(__file__).parent / "fixtures" / "reference"
CALIFORNIA_CSV = FIXTURES / "smoking.csv"

#: Abadie, Diamond & Hainmueller (2010), Table 2
CALIFORNIA_PUBLISHED = {
    "Utah": 0.334,
    "Nevada": 0.234,
    "Montana": 0.199,
    "Colorado": 0.164,
    "Connecticut": 0.069,
}
#: their predictors: ln(income), retail price, share aged 15-24 (1980-1988 means), beer (1984-1988), and
#: cigarette sales in 1975, 1980 and 1988; fitting years 1970-1988
CALIFORNIA_SPEC = [
    ("lnincome", range(1980, 1989), "mean"),
    ("retprice", range(1980, 1989), "mean"),
    ("age15to24", range(1980, 1989), "mean"),
    ("beer", range(1984, 1989), "mean"),
    1975,
    1980,
    1988,
]


@pytest.fixture(scope="module")
def california() -> tuple[pd.DataFrame, pd.DataFrame]:
    """(outcome panel year x state: cigarette packs per capita, long covariate table)."""
    frame = pd.read_csv(CALIFORNIA_CSV)
    frame["year"] = frame["year"].astype(int)
    panel = frame.pivot(index="year", columns="state", values="cigsale")
    return panel, frame.rename(columns={"state": "unit"})


def constructed(seed: int = 2) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Synthetic test data: outcome panel 2000-2011 (units T, D0..D5) and a long covariate table (x, z)
    where T = 0.6 D0 + 0.4 D1 in the outcome and in both covariates, every year."""
    rng = np.random.default_rng(seed)
    years = np.arange(2000, 2012)
    donors = [f"D{i}" for i in range(6)]
    w = np.array([0.6, 0.4, 0, 0, 0, 0])
    out = pd.DataFrame(rng.normal(100, 10, (12, 6)), index=pd.Index(years, name="year"), columns=donors)
    out.insert(0, "T", out.to_numpy() @ w)
    rows = []
    for var in ("x", "z"):
        vals = rng.normal(50, 10, (12, 6))
        full = np.column_stack([vals @ w, vals])
        for i, y in enumerate(years):
            for j, u in enumerate(["T", *donors]):
                rows.append({"unit": u, "year": int(y), "variable": var, "value": full[i, j]})
    long = pd.DataFrame(rows).pivot_table(index=["unit", "year"], columns="variable", values="value")
    return out, long.reset_index()


# --------------------------------------------------------------------------------------------- fixture


def test_the_california_fixture_is_the_file_its_provenance_names():
    readme = (FIXTURES / "README.md").read_text(encoding="utf-8")
    digest = hashlib.sha256(CALIFORNIA_CSV.read_bytes()).hexdigest()
    assert re.search(rf"sha256 \| `{digest}`", readme)
    assert "sdfordham/pysyncon" in readme and "examples/smoking.csv" in readme and "MIT" in readme
    assert "56b0f47e88ff2d87491aeaa2a83ff5e4463dfc34" in readme


# -------------------------------------------------------------------------------------- published cases


@pytest.mark.parametrize("search", ["wide", "equal"])
def test_california_published_weights_reproduced_through_the_public_api(california, search):
    panel, covariates = california
    res = synthetic_control(
        panel,
        "California",
        1989,
        pre_years=range(1970, 1989),
        predictors=CALIFORNIA_SPEC,
        covariates=covariates,
        search=search,
    )
    # the same five donors carry the weight, in the published order, each within 0.01 of the paper's
    assert list(res.weights.index[:5]) == list(CALIFORNIA_PUBLISHED)
    for state, weight in CALIFORNIA_PUBLISHED.items():
        assert res.weights[state] == pytest.approx(weight, abs=0.01), state
    assert res.weights.iloc[5:].sum() < 0.005
    assert len(res.predictor_weights) == 7


def test_california_wide_search_fits_better_than_the_published_search(california):
    panel, covariates = california
    kw = {"pre_years": range(1970, 1989), "predictors": CALIFORNIA_SPEC, "covariates": covariates}
    wide = synthetic_control(panel, "California", 1989, **kw)
    equal = synthetic_control(panel, "California", 1989, search="equal", **kw)
    assert wide.pre_rmspe <= equal.pre_rmspe
    # and the paper's own weights fit no better than either
    pre = panel.loc[1970:1988]
    published = sum(w * pre[s] for s, w in CALIFORNIA_PUBLISHED.items())
    assert wide.pre_rmspe <= float(np.sqrt(((pre["California"] - published) ** 2).mean()))


@pytest.mark.slow  # 38 placebo fits with the V search
def test_california_has_the_largest_rmspe_ratio_of_the_39_states(california):
    # Abadie, Diamond & Hainmueller (2010): p = 1/39 = 0.026 for the post/pre RMSPE ratio
    panel, covariates = california
    pl = placebo_test(
        panel,
        "California",
        1989,
        pre_years=range(1970, 1989),
        predictors=CALIFORNIA_SPEC,
        covariates=covariates,
        search="equal",
    )
    assert pl.n_units == 39 and pl.rank == 1
    assert pl.p_value == pytest.approx(1 / 39)


def test_basque_spec_from_the_long_frame_is_the_reference_table_and_reproduces_the_published_weights():
    frame = read_basque()
    panel, predictors = basque_inputs(frame, include_spain=True)
    covariates = frame.rename(columns={"regionname": "unit"})
    table = predictor_table(basque_spec(), panel, covariates)
    assert np.allclose(table.to_numpy(), predictors.to_numpy(), atol=1e-12)
    res = synthetic_control(
        panel,
        BASQUE,
        1970,
        pre_years=range(1960, 1970),
        predictors=basque_spec(),
        covariates=covariates,
        search="equal",
    )
    assert round(res.weights["Cataluna"], 2) == 0.85
    assert round(res.weights["Madrid (Comunidad De)"], 2) == 0.15


# ------------------------------------------------------------------------------------- predictor tables


def test_covariate_windows_skip_missing_years_and_long_wide_and_mapping_agree():
    panel, long = constructed()
    long.loc[(long["unit"] == "D2") & (long["year"] == 2003), "x"] = np.nan
    long = long[~((long["unit"] == "D3") & (long["year"] == 2004))]  # an absent row
    spec = [("x", range(2002, 2006)), ("z", [2005], "median"), Predictor(None, (2001, 2003)), 2004]
    table = predictor_table(spec, panel, long)
    assert list(table.index) == ["x mean 2002-2005", "z 2005", "outcome mean 2001,2003", "outcome 2004"]
    x = long.set_index(["unit", "year"])["x"].unstack(0)
    assert table.loc["x mean 2002-2005", "D2"] == pytest.approx(x.loc[[2002, 2004, 2005], "D2"].mean())
    assert table.loc["x mean 2002-2005", "D3"] == pytest.approx(x.loc[[2002, 2003, 2005], "D3"].mean())
    assert table.loc["outcome mean 2001,2003", "T"] == pytest.approx(panel.loc[[2001, 2003], "T"].mean())
    wide = {v: long.set_index(["unit", "year"])[v].unstack(0) for v in ("x", "z")}
    pd.testing.assert_frame_equal(predictor_table(spec, panel, wide), table)
    multi = pd.concat(wide, axis=1)
    pd.testing.assert_frame_equal(predictor_table(spec, panel, multi), table)
    pd.testing.assert_frame_equal(predictor_table(spec, panel, long.set_index(["unit", "year"])), table)


def test_a_unit_without_any_value_in_a_window_is_refused_naming_predictor_and_unit():
    panel, long = constructed()
    long.loc[(long["unit"] == "D4") & long["year"].between(2002, 2005), "x"] = np.nan
    with pytest.raises(InputError, match=r"x mean 2002-2005 for unit D4") as err:
        synthetic_control(panel, "T", 2008, predictors=[("x", range(2002, 2006)), 2001], covariates=long)
    assert err.value.field == "x mean 2002-2005"


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"predictors": [("nope", [2001])]}, "predictors"),
        ({"predictors": [("x", [])]}, "predictors"),
        ({"predictors": [("x", [2001], "mode")]}, "predictors"),
        ({"predictors": ["x"]}, "predictors"),
        ({"predictors": [("x", [2001])], "v": [1.0, 2.0]}, "v"),
        ({"predictors": [("x", [2001])], "v": [-1.0]}, "v"),
        ({"v": [1.0]}, "v"),
        ({"covariates": "table"}, "covariates"),
    ],
)
def test_bad_specifications_are_refused_naming_the_field(kwargs, field):
    panel, long = constructed()
    kwargs = {"covariates": long, **kwargs} if "predictors" in kwargs else kwargs
    with pytest.raises(ParameterError) as err:
        synthetic_control(panel, "T", 2008, **kwargs)
    assert err.value.field == field


# ------------------------------------------------------------------------------ custom V and the two-step


def test_covariate_spec_recovers_the_known_weights():
    panel, long = constructed()
    spec = [("x", range(2000, 2004)), ("x", range(2004, 2008)), ("z", [2007]), *range(2000, 2008)]
    res = synthetic_control(panel, "T", 2008, predictors=spec, covariates=long)
    assert res.weights["D0"] == pytest.approx(0.6, abs=1e-6)
    assert res.weights["D1"] == pytest.approx(0.4, abs=1e-6)
    assert res.predictors == "covariates" and len(res.predictor_weights) == 11


def test_custom_predictor_weights_skip_the_search():
    panel, predictors = basque_inputs(read_basque())
    v = np.arange(1.0, 15.0)
    res = synthetic_control(panel, BASQUE, 1970, pre_years=range(1960, 1970), predictors=predictors, v=v)
    assert res.predictor_weights.to_numpy() == pytest.approx(v / v.sum())
    donors = list(panel.columns.drop(BASQUE))
    pre = panel.loc[1960:1969]
    fit = fit_synth(
        predictors[BASQUE].to_numpy(),
        predictors[donors].to_numpy(),
        pre[BASQUE].to_numpy(),
        pre[donors].to_numpy(),
        v=v,
        optimise_v=False,
    )
    assert res.weights.reindex(donors).to_numpy() == pytest.approx(fit.weights, abs=1e-12)
    # a Series is matched by predictor name, whatever its order
    named = pd.Series(v, index=predictors.index).iloc[::-1]
    again = synthetic_control(
        panel, BASQUE, 1970, pre_years=range(1960, 1970), predictors=predictors, v=named
    )
    pd.testing.assert_series_equal(again.weights, res.weights)
    # the same V inside a SynthSpec
    spec = SynthSpec(basque_spec().predictors, v=tuple(v))
    frame = read_basque().rename(columns={"regionname": "unit"})
    third = synthetic_control(
        panel, BASQUE, 1970, pre_years=range(1960, 1970), predictors=spec, covariates=frame
    )
    assert third.weights.reindex(donors).to_numpy() == pytest.approx(fit.weights, abs=1e-9)


def test_two_step_search_chooses_v_on_the_training_period_and_fits_w_on_the_validation_period(california):
    # Abadie, Diamond & Hainmueller (2015): V from predictors measured in a training period, against the
    # outcome in a validation period; then W from the same predictors measured in the validation period
    panel, covariates = california
    train_vars = [
        ("retprice", range(1972, 1980)),
        ("age15to24", range(1972, 1980)),
        ("lnincome", range(1972, 1980)),
    ]
    val_vars = [
        ("retprice", range(1980, 1989)),
        ("age15to24", range(1980, 1989)),
        ("lnincome", range(1980, 1989)),
    ]
    spec = SynthSpec(
        predictors=(*val_vars, 1980, 1988),
        training_predictors=(*train_vars, 1972, 1979),
        validation_years=tuple(range(1980, 1989)),
    )
    res = synthetic_control(
        panel, "California", 1989, pre_years=range(1970, 1989), predictors=spec, covariates=covariates
    )
    donors = list(panel.columns.drop("California"))
    train = predictor_table(spec.training_predictors, panel, covariates)
    val = predictor_table(spec.predictors, panel, covariates)
    zv = panel.loc[1980:1988]
    v = fit_synth(
        train["California"].to_numpy(),
        train[donors].to_numpy(),
        zv["California"].to_numpy(),
        zv[donors].to_numpy(),
    ).v
    assert res.predictor_weights.to_numpy() == pytest.approx(v, abs=1e-12)
    z = panel.loc[1970:1988]
    w = fit_synth(
        val["California"].to_numpy(),
        val[donors].to_numpy(),
        z["California"].to_numpy(),
        z[donors].to_numpy(),
        v=v,
        optimise_v=False,
    ).weights
    assert res.weights.reindex(donors).to_numpy() == pytest.approx(w, abs=1e-12)
    assert res.pre_years == tuple(range(1970, 1989))


def test_two_step_needs_both_parts_of_the_same_length():
    with pytest.raises(ParameterError) as err:
        SynthSpec(predictors=(2001,), training_predictors=(2000,))
    assert err.value.field == "validation_years"
    with pytest.raises(ParameterError) as err:
        SynthSpec(predictors=(2001, 2002), training_predictors=(2000,), validation_years=(2001,))
    assert err.value.field == "training_predictors"


# --------------------------------------------------------------------- inference for any specification


def test_placebo_test_and_conformal_intervals_for_a_covariate_spec():
    panel, long = constructed()
    panel["T"] += np.random.default_rng(7).normal(0, 1.0, len(panel))  # no exact fit
    panel.loc[panel.index >= 2008, "T"] += 30.0
    spec = SynthSpec(predictors=(("x", range(2000, 2008)), ("z", [2007]), 2006), v=(1.0, 1.0, 1.0))
    pl = placebo_test(panel, "T", 2008, predictors=spec, covariates=long)
    assert pl.n_units == 7 and pl.rank == 1 and pl.p_value == pytest.approx(1 / 7)
    # a placebo unit is fitted by the same specification with the other donors
    refit = synthetic_control(
        panel, "D2", 2008, donors=["D0", "D1", "D3", "D4", "D5"], predictors=spec, covariates=long
    )
    assert pl.pre_rmspe["D2"] == pytest.approx(refit.pre_rmspe)
    ci = conformal_intervals(panel, "T", 2008, predictors=spec, covariates=long, years=[], n_grid=81)
    assert ci.estimate == pytest.approx(pl.result.mean_post_gap)
    assert ci.interval_low <= ci.estimate <= ci.interval_high
    assert np.isfinite(ci.interval_low) and np.isfinite(ci.interval_high) and ci.interval_low > 0


def test_placebo_test_of_the_two_step_spec_refits_every_unit_by_it(california):
    panel, covariates = california
    donors = ["Utah", "Nevada", "Montana", "Colorado", "Connecticut", "Idaho", "Kansas"]
    spec = SynthSpec(
        predictors=(("retprice", range(1980, 1989)), 1980, 1988),
        training_predictors=(("retprice", range(1972, 1980)), 1972, 1979),
        validation_years=tuple(range(1980, 1989)),
    )
    kw = {"pre_years": range(1970, 1989), "predictors": spec, "covariates": covariates}
    pl = placebo_test(panel, "California", 1989, donors=donors, **kw)
    refit = synthetic_control(panel, "Idaho", 1989, donors=[d for d in donors if d != "Idaho"], **kw)
    assert pl.pre_rmspe["Idaho"] == pytest.approx(refit.pre_rmspe)
    assert pl.n_units == 8
