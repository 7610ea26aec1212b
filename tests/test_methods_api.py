"""The methods package as a whole: its listing, short displays, units by name, loaders' tables, purity, and
headline inference on the real COROP panel (built from the raw data in a temporary folder)."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import ccresearch.analysis.methods as methods
from ccresearch.analysis import regional
from ccresearch.analysis.methods import (
    difference_in_differences,
    event_study,
    placebo_test,
    shift_share,
    shift_share_all,
    synthetic_control,
)
from ccresearch.errors import ParameterError

METHODS_DIR = Path(methods.__file__).parent


@pytest.fixture(scope="module")
def jobs(processed_dir: Path) -> pd.DataFrame:
    from ccresearch.build.loaders import load_regional_jobs

    return load_regional_jobs(processed_dir)


@pytest.fixture(scope="module")
def corop(jobs: pd.DataFrame) -> pd.DataFrame:
    """Real COROP panel of section N jobs as an index (2014 = 100), with names and the CBS rounding attached."""
    window = regional.panel(jobs, sector="N", outcome="jobs")
    panel = window / window.loc[2014] * 100.0
    names = jobs[jobs["region_level"] == "corop"].groupby("region_code")["region_name"].first()
    panel.attrs["unit_names"] = {str(k): str(v) for k, v in names.items()}
    floor = regional.rounding_floor(window.loc[2014], "index", list(panel.columns))
    panel.attrs["precision"] = {str(k): float(v) for k, v in floor.items()}
    return panel


# ---------------------------------------------------------------------------------------------- listing


def test_the_package_lists_its_methods():
    listed = dir(methods)
    for name in (
        "shift_share",
        "shift_share_all",
        "difference_in_differences",
        "event_study",
        "synthetic_control",
        "placebo_test",
        "region_sector_table",
        "SynthSpec",
        "Predictor",
        "predictor_table",
        "penalised_synthetic_control",
        "choose_penalty",
        "conformal_intervals",
    ):
        assert name in listed and name in methods.__all__
        assert callable(getattr(methods, name))
    with pytest.raises(AttributeError):
        methods.no_such_method  # noqa: B018


def test_methods_read_no_files_draw_nothing_and_import_no_higher_layer():
    banned_modules = ("ccresearch.paths", "ccresearch.sources", "ccresearch.build", "ccresearch.report")
    banned_calls = {"open", "read_csv", "read_parquet", "to_csv", "to_parquet", "savefig", "write_text"}
    for path in METHODS_DIR.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom | ast.Import):
                names = (
                    [node.module or ""] if isinstance(node, ast.ImportFrom) else [a.name for a in node.names]
                )
                for name in names:
                    assert not name.startswith(banned_modules), (path.name, name)
                    assert not name.startswith("matplotlib"), (path.name, name)
            if isinstance(node, ast.Call):
                func = node.func
                called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                assert called not in banned_calls, (path.name, called)


# ---------------------------------------------------------------------------------------------- display


def test_every_result_has_a_short_repr_and_an_escaped_html_table(corop, jobs):
    results = [
        shift_share(jobs, "CR39", 2014, 2019),
        difference_in_differences(corop, "CR39", 2015),
        event_study(corop, "CR39", 2015),
        synthetic_control(corop, "CR39", 2015),
        placebo_test(corop, "CR39", 2015),
    ]
    for res in results:
        text = repr(res)
        assert 1 <= len(text.splitlines()) <= 3, text
        assert "DataFrame" not in text and "\n\n" not in text and len(text) < 400
        html = res._repr_html_()
        assert html.startswith("<table>") and html.count("<tr>") <= 8
    # strings from data are escaped
    panel = corop.rename(columns={"CR39": "<b>CR39</b>"})
    html = synthetic_control(panel, "<b>CR39</b>", 2015)._repr_html_()
    assert "<b>CR39" not in html and "&lt;b&gt;CR39" in html


# ----------------------------------------------------------------------------------------- units by name


def test_units_are_accepted_by_name_ignoring_case_and_accents(corop):
    name = corop.attrs["unit_names"]["CR39"]
    by_code = placebo_test(corop, "CR39", 2015)
    by_name = placebo_test(corop, name.upper(), 2015)
    assert by_name.treated == "CR39" and by_name.p_value == by_code.p_value
    did = difference_in_differences(corop, f"  {name.lower()} ", 2015, placebo=False)
    assert did.treated == "CR39"
    # accents are ignored: "Twénte" finds Twente
    assert synthetic_control(corop, "Twénte", 2015).treated == "CR12"


def test_an_unknown_name_is_refused_naming_the_closest(corop):
    name = corop.attrs["unit_names"]["CR39"]
    with pytest.raises(ParameterError) as err:
        placebo_test(corop, name[:-2] + "xx", 2015)
    assert err.value.field == "treated" and name in str(err.value)
    with pytest.raises(ParameterError) as err:
        difference_in_differences(corop, "CR39", 2015, donors=["CR01", "Nowhere at all"])
    assert err.value.field == "donors"


# ----------------------------------------------------------------------------------------- loaders' tables


def test_shift_share_takes_the_loaders_table_directly(jobs):
    direct = shift_share(jobs, "CR39", 2014, 2019)
    converted = shift_share(regional.region_sector_table(jobs, years=(2014, 2019)), "CR39", 2014, 2019)
    pd.testing.assert_frame_equal(direct.by_sector, converted.by_sector)
    name = jobs.loc[jobs["region_code"] == "CR39", "region_name"].iloc[0]
    assert shift_share(jobs, name.lower(), 2014, 2019).region == "CR39"
    everyone = shift_share_all(jobs, 2014, 2019)
    assert everyone.loc["CR39", "actual"] == pytest.approx(direct.totals["actual"])
    assert regional.region_sector_table is methods.region_sector_table


# -------------------------------------------------------------------------------------- default precision


def test_placebo_precision_defaults_to_the_panels(corop):
    floor = pd.Series(corop.attrs["precision"])
    explicit = placebo_test(corop, "CR39", 2015, precision=floor)
    default = placebo_test(corop, "CR39", 2015)
    assert default.p_value == explicit.p_value
    bare = corop.copy()
    bare.attrs = {}
    assert placebo_test(bare, "CR39", 2015, precision=floor).p_value == default.p_value


# ------------------------------------------------------------------------- headline inference responds


def test_synth_p_value_on_the_real_panel_falls_when_an_effect_is_added(corop):
    p_values = []
    for effect in (0.0, 5.0, 15.0, 30.0):  # index points added to Zuid-Limburg from 2015 on
        shifted = corop.copy()
        shifted.loc[shifted.index >= 2015, "CR39"] += effect
        p_values.append(placebo_test(shifted, "CR39", 2015).p_value)
    assert p_values[0] > p_values[1] > p_values[2] > p_values[3]
    assert p_values[3] == pytest.approx(1 / corop.shape[1])
    # the same p-value as the regional layer's floored ratios
    base = placebo_test(corop, "CR39", 2015)
    window = pd.Series(corop.attrs["precision"]).reindex(base.ratios.index)
    assert base.ratios.to_numpy() == pytest.approx(
        (base.post_rmspe / np.maximum(base.pre_rmspe, window)).to_numpy()
    )


def test_synth_p_values_take_the_full_range_when_every_unit_is_treated_in_turn(corop):
    n = corop.shape[1]
    p_values = np.array([placebo_test(corop, unit, 2015).p_value for unit in corop.columns])
    assert p_values.min() == pytest.approx(1 / n)
    assert p_values.max() > 0.9
    assert len(np.unique(np.round(p_values * n))) >= n // 2  # many distinct ranks, not one big tie


def test_did_headline_is_the_placebo_p_value_and_clustered_is_named(corop):
    res = difference_in_differences(corop, "CR39", 2015)
    assert res.p_value == res.placebo_p_value == res.p_value_placebo
    assert 0 < res.p_value_clustered < 1 and res.p_value_clustered != res.p_value
    out = res.to_dict()
    json.dumps(out)
    assert out["p_value"] == res.p_value and out["p_value_clustered"] == res.p_value_clustered
