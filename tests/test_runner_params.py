"""Parameter schema, coercion, domain checks and slugs: no kernel is started in this module."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ccresearch.cli import main as runner_main
from ccresearch.errors import InputError, ParameterError
from ccresearch.runner import cache, domains
from ccresearch.runner.params import ParamType, coerce, parse_parameters, read_schema, resolve_values

FIXTURES = Path(__file__).parent / "fixtures" / "notebooks"
OK = FIXTURES / "ok.ipynb"
REGIONS = FIXTURES / "region_parameters.ipynb"


@pytest.fixture
def fake_regions(monkeypatch: pytest.MonkeyPatch) -> None:
    """Region lookups against a two-region synthetic table, jobs data 2010-2024."""
    from ccresearch.sources import regions

    table = {"cr39": "CR39", "zuid-limburg": "CR39", "cr01": "CR01", "oost-groningen": "CR01", "cr02": "CR02"}

    def resolve_region(value: str) -> str:
        try:
            return table[value.strip().lower()]
        except KeyError:
            raise InputError(
                "unknown region; did you mean Zuid-Limburg (CR39)?", field="region", value=value
            ) from None

    monkeypatch.setattr(regions, "resolve_region", resolve_region)
    monkeypatch.setattr(domains, "jobs_years", lambda: (2010, 2024))


def test_schema_lists_every_parameter_with_type_default_and_help() -> None:
    schema = read_schema(OK)
    assert schema.names() == ["n", "scale", "label", "style", "show_table", "tags", "note", "deadweight"]
    by_name = {p.name: p for p in schema.parameters}
    assert str(by_name["style"].type) == 'Literal["bar", "line"]'
    assert by_name["style"].type.choices == ("bar", "line")
    assert str(by_name["note"].type) == "str | None"
    assert by_name["note"].default is None
    assert by_name["tags"].default == ["a", "b"]
    assert by_name["scale"].default == 1.5
    assert by_name["n"].help == "number of bars"


def test_notebook_without_parameters_cell_has_empty_schema() -> None:
    assert read_schema(FIXTURES / "no_parameters.ipynb").parameters == []


def test_parse_handles_optional_typing_forms_and_hash_inside_strings() -> None:
    src = (
        "import typing\nfrom typing import Optional\n"
        "a: Optional[int] = None  # maybe a number\n"
        "b: typing.Literal[1, 2] = 2  # one or two\n"
        'c: str = "x # not a comment"  # real help\n'
        "d = 0.5  # inferred float\n"
    )
    params = {p.name: p for p in parse_parameters(src)}
    assert params["a"].type == ParamType("int", optional=True)
    assert params["b"].type.choices == (1, 2)
    assert params["c"].default == "x # not a comment"
    assert params["c"].help == "real help"
    assert params["d"].type.kind == "float"


@pytest.mark.parametrize(
    ("src", "fragment"),
    [
        ("x: dict = {}  # no\n", "unsupported parameter type"),
        ("x: int = 'a'  # mismatch\n", "default does not match"),
        ("x: int = compute()  # call\n", "default is not a literal"),
        ("print('hello')\n", "unsupported statement"),
    ],
)
def test_bad_parameters_cell_is_rejected_with_line(src: str, fragment: str) -> None:
    with pytest.raises(ParameterError, match=fragment) as info:
        parse_parameters(src, notebook="nb.ipynb")
    assert info.value.row == 1


def test_values_are_coerced_to_declared_types() -> None:
    schema = read_schema(OK)
    values = resolve_values(
        schema,
        {"n": "7", "scale": "2", "show_table": "false", "tags": "x, y", "note": "none", "style": "line"},
        check_domains=False,
    )
    assert values["n"] == 7 and isinstance(values["n"], int)
    assert values["scale"] == 2.0 and isinstance(values["scale"], float)
    assert values["show_table"] is False
    assert values["tags"] == ["x", "y"]
    assert values["note"] is None
    assert values["style"] == "line"


def test_yaml_typed_values_are_accepted_and_checked() -> None:
    schema = read_schema(OK)
    values = resolve_values(schema, {"n": 5, "scale": 3, "tags": ["p"]}, check_domains=False)
    assert values["n"] == 5 and values["scale"] == 3.0 and values["tags"] == ["p"]
    with pytest.raises(ParameterError, match="wrong type"):
        resolve_values(schema, {"n": 2.5}, check_domains=False)


def test_unknown_name_suggests_close_match() -> None:
    with pytest.raises(ParameterError) as info:
        resolve_values(read_schema(OK), {"scael": "2"})
    text = str(info.value)
    assert "scael" in text and "did you mean 'scale'" in text and "deadweight" in text


@pytest.mark.parametrize(
    ("name", "value", "fragment"),
    [
        ("n", "3.5", "whole number"),
        ("show_table", "maybe", "true or false"),
        ("style", "lines", "did you mean 'line'"),
        ("scale", "inf", "finite"),
        ("deadweight", "1.2", "up to (not including) 1"),
    ],
)
def test_wrong_value_names_parameter_value_and_allowed(name: str, value: str, fragment: str) -> None:
    with pytest.raises(ParameterError) as info:
        resolve_values(read_schema(OK), {name: value})
    text = str(info.value)
    assert f"'{name}'" in text and value in text and fragment in text


def test_coerce_optional_literal_and_json_list() -> None:
    schema = read_schema(OK)
    assert coerce(schema.get("tags"), '["a,b", "c"]') == ["a,b", "c"]
    assert coerce(schema.get("note"), "hello") == "hello"


def test_region_values_are_normalised_to_codes(fake_regions: None) -> None:
    values = resolve_values(read_schema(REGIONS), {"region": "Zuid-Limburg"})
    assert values["region"] == "CR39"


def test_donor_list_is_resolved_and_checked(fake_regions: None) -> None:
    assert domains.check_value("donors", ["cr01", "cr02"]) == ["CR01", "CR02"]
    with pytest.raises(ParameterError, match="listed twice"):
        domains.check_value("donors", ["cr01", "Oost-Groningen"])
    with pytest.raises(ParameterError, match="donor pool"):
        domains.check_cross({"treated": "CR01", "donors": ["CR01", "CR02"]})
    with pytest.raises(ParameterError, match="other than region=CR02"):
        domains.check_cross({"region": "CR02", "donors": ["CR01", "CR02"]})
    domains.check_cross({"treated": "CR03", "region": "CR02", "donors": ["CR01", "CR02"]})


def test_unknown_region_is_rejected_with_suggestion(fake_regions: None) -> None:
    with pytest.raises(ParameterError) as info:
        resolve_values(read_schema(REGIONS), {"region": "Zuid-Limburgg"})
    assert "Zuid-Limburgg" in str(info.value) and "did you mean Zuid-Limburg" in str(info.value)


def test_years_must_lie_inside_jobs_data_and_in_order(fake_regions: None) -> None:
    schema = read_schema(REGIONS)
    with pytest.raises(ParameterError, match="2010 to 2024"):
        resolve_values(schema, {"start_year": "2005"})
    with pytest.raises(ParameterError, match=r"from 2018 on \(start_year=2016"):
        resolve_values(schema, {"start_year": "2016"})
    with pytest.raises(ParameterError, match="up to end_year=2012"):
        resolve_values(schema, {"end_year": "2012"})
    assert resolve_values(schema, {"treatment_year": "2020"})["treatment_year"] == 2020


def test_share_language_and_since_year_domains() -> None:
    assert domains.check_value("retention_share", 0.4) == 0.4
    with pytest.raises(ParameterError, match="0 to 1"):
        domains.check_value("retention_share", -0.1)
    with pytest.raises(ParameterError, match="en or nl"):
        domains.check_value("language", "de")
    with pytest.raises(ParameterError, match="1990"):
        domains.check_value("since_year", 1980)
    assert domains.check_value("unrelated", 123) == 123


def test_gross_to_net_shares_stop_below_one() -> None:
    assert domains.check_value("deadweight", 0.99) == 0.99
    assert domains.check_value("substitution", 0) == 0
    with pytest.raises(ParameterError, match="not including"):
        domains.check_value("displacement", 1.0)
    assert domains.check_value("retention_share", 1.0) == 1.0  # an ordinary share may be 1


def test_too_few_donors_or_pre_years_never_start_a_kernel() -> None:
    with pytest.raises(ParameterError, match="at least 2 regions"):
        domains.check_value("donors", ["CR38"])
    with pytest.raises(ParameterError, match="at least 2 years after the start year"):
        domains.check_cross({"start_year": 2014, "treatment_year": 2015, "end_year": 2024})
    domains.check_cross({"start_year": 2013, "treatment_year": 2015, "end_year": 2016})


def test_region_parameters_need_regional_jobs_data() -> None:
    assert domains.check_value("region", "Zuid-Limburg") == "CR39"
    with pytest.raises(ParameterError, match="no regional jobs data for GM0935"):
        domains.check_value("region", "Maastricht")
    with pytest.raises(ParameterError, match="not a region to compare"):
        domains.check_value("region", "NL01")
    with pytest.raises(ParameterError, match="not a region to compare"):
        domains.check_value("donors", ["CR01", "CR99"])


def test_slug_is_default_readable_and_bounded() -> None:
    assert cache.make_slug({}) == "default"
    assert cache.make_slug({"region": "CR39", "deadweight": 0.3}) == "region-CR39_deadweight-0.3"
    assert cache.make_slug({"donors": ["CR01", "CR02"], "flag": False}) == "donors-CR01+CR02_flag-false"
    assert cache.make_slug({"label": "a b/c"}) == "label-a-b-c"
    long = {"donors": [f"CR{i:02d}" for i in range(1, 41)]}
    slug = cache.make_slug(long)
    assert len(slug) <= cache.SLUG_MAX and slug == cache.make_slug(dict(long))
    assert slug != cache.make_slug({"donors": [f"CR{i:02d}" for i in range(1, 40)]})


def test_params_command_prints_table_and_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert runner_main(["params", str(OK)]) == 0
    table = capsys.readouterr().out
    assert "deadweight" in table and 'Literal["bar", "line"]' in table and "number of bars" in table
    assert runner_main(["params", str(OK), "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows[3] == {"name": "style", "type": 'Literal["bar", "line"]', "default": "bar",
                       "choices": ["bar", "line"], "help": "kind of chart"}  # fmt: skip


def test_parameters_file_is_validated(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "params.yaml"
    bad.write_text("n: 3\nstlye: line\n", encoding="utf-8")
    assert runner_main(["run", str(OK), "-f", str(bad), "--reports-dir", str(tmp_path / "r")]) == 2
    err = capsys.readouterr().err
    assert "stlye" in err and "did you mean 'style'" in err
    assert not (tmp_path / "r").exists()


def test_wrong_parameter_exits_2_fast_without_kernel(tmp_path: Path) -> None:
    code = (
        "import sys\nfrom ccresearch.cli import main\n"
        f"rc = main(['run', {str(OK)!r}, '-p', 'n', 'three', '--reports-dir', {str(tmp_path)!r}])\n"
        "heavy = [m for m in ('pandas', 'papermill', 'nbconvert', 'jupyter_client', 'nbclient') if m in sys.modules]\n"
        "print(rc, heavy)\n"
    )
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=30, check=False
    )
    elapsed = time.perf_counter() - start
    assert done.stdout.strip() == "2 []", done.stderr
    assert "'n'" in done.stderr and "'three'" in done.stderr and "whole number" in done.stderr
    assert elapsed < 2.0
    assert list(tmp_path.iterdir()) == []
