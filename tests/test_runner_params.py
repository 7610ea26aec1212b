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
        ("x: int = 'a'  # mismatch\n", "default does not match"),
        ("x: list[str] = [1]  # mismatch\n", "default does not match"),
    ],
)
def test_bad_parameters_cell_is_rejected_with_line(src: str, fragment: str) -> None:
    with pytest.raises(ParameterError, match=fragment) as info:
        parse_parameters(src, notebook="nb.ipynb")
    assert info.value.row == 1


def test_cells_papermill_accepts_are_read_as_papermill_reads_them() -> None:
    src = (
        "x: dict = {}  # unchecked annotation\n"
        "y: int = compute()  # computed\n"
        "print('hello')\n"
        "z = None\n"
        "w = [1, 2]  # numbers\n"
        "= 2\n"
    )
    notes: list[str] = []
    params = {p.name: p for p in parse_parameters(src, notebook="nb.ipynb", notes=notes)}
    assert list(params) == ["x", "y", "z", "w"]
    assert params["x"].type == ParamType("any", declared="dict") and params["x"].default == {}
    assert params["y"].type.kind == "int" and params["y"].computed == "compute()"
    assert params["z"].type.kind == "any" and params["w"].type.kind == "any"
    assert any("line 3" in n and "not a parameter" in n for n in notes)
    assert any("line 6 is not valid Python" in n for n in notes)


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
    with pytest.raises(ParameterError, match="nl or en"):
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


def test_region_parameters_need_regional_jobs_data(
    processed_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(
        "CCRESEARCH_PROCESSED", str(processed_dir)
    )  # which regions have data: the built tables
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


PAPERMILL = Path(__file__).parent / "fixtures" / "papermill"


def test_papermill_complex_parameters_is_read_like_papermill_inspects_it() -> None:
    papermill = pytest.importorskip("papermill")
    schema = read_schema(PAPERMILL / "complex_parameters.ipynb")
    inspected = papermill.inspect_notebook(str(PAPERMILL / "complex_parameters.ipynb"))
    ours = {p.name: p for p in schema.parameters}
    assert set(inspected) <= set(ours)  # papermill's four, plus the computed `d = a == 3`
    for name, info in inspected.items():
        assert ours[name].help == info["help"]
        default = ours[name].default
        assert str(default).replace(" ", "") == info["default"].replace(" ", "").replace("'", "'")
    assert str(ours["msg"].type) == "any" and str(ours["c"].type) == "any (NoneType)"
    assert ours["a"].type.kind == "float" and ours["b"].type.kind == "list[str]"
    assert ours["d"].computed == "a == 3"
    assert any("line 14" in n for n in schema.notes)
    values = resolve_values(schema, {"msg": "3", "c": "[1, two]"})
    assert values["msg"] == 3 and values["c"] == [1, "two"] and "d" not in values


def test_untyped_parameter_reads_yaml_literal_and_raw_text_stays_text() -> None:
    from ccresearch.runner.params import RawText

    schema = read_schema(PAPERMILL / "simple_execute.ipynb")
    msg = schema.get("msg")
    assert msg.type.kind == "any" and msg.default is None
    assert coerce(msg, "None") is None and coerce(msg, "True") is True
    assert coerce(msg, "2.5") == 2.5 and coerce(msg, "{a: 1}") == {"a": 1}
    assert coerce(msg, "hello world") == "hello world"
    assert coerce(msg, "2024-01-01") == "2024-01-01"  # a YAML date is not JSON: kept as text
    assert coerce(msg, RawText("3")) == "3"


def test_params_says_what_any_and_computed_mean(capsys: pytest.CaptureFixture[str]) -> None:
    assert runner_main(["params", str(PAPERMILL / "complex_parameters.ipynb")]) == 0
    out = capsys.readouterr().out
    assert "any (NoneType)" in out and "YAML literal" in out and "computed: a == 3" in out
    assert "line 14 is not valid Python" in out


def test_cli_parameter_options_work_as_in_papermill() -> None:
    import argparse
    import base64

    from ccresearch.cli import make_parser
    from ccresearch.cli.runs import given_parameters

    encoded = base64.b64encode(b"n: 8\nlabel: from b").decode()
    args = make_parser().parse_args(
        ["run", str(OK), "-y", "n: 5\nnote: '7'", "-b", encoded, "-p", "n", "6", "-r", "label", "007"]
    )
    assert isinstance(args, argparse.Namespace)
    given = given_parameters(args)
    assert given == {"n": "6", "note": "7", "label": "007"}
    values = resolve_values(read_schema(OK), given, check_domains=False)
    assert values["n"] == 6 and values["label"] == "007" and values["note"] == "7"


@pytest.mark.slow  # a `ccresearch run` subprocess (it stops at argparse, but the guard cannot know)
@pytest.mark.parametrize("option", ["-p", "-r"])
def test_parameter_without_value_gets_one_line_hint(option: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "ccresearch", "run", str(OK), option, "n"],
        capture_output=True, text=True, timeout=30, check=False,
    )  # fmt: skip
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and f"{option} needs a name and a value, e.g. {option} region CR39" in lines[0]


def test_decimal_comma_is_refused_with_the_number_to_write() -> None:
    with pytest.raises(ParameterError) as info:
        resolve_values(read_schema(OK), {"deadweight": "0,25"}, check_domains=False)
    text = str(info.value)
    assert "decimal comma" in text and "-p deadweight 0.25" in text


def test_choices_ignore_case() -> None:
    schema = read_schema(OK)
    assert coerce(schema.get("style"), "LINE") == "line"
    assert coerce(schema.get("style"), "Bar") == "bar"


def test_notebook_by_path_stem_or_number(tmp_path: Path) -> None:
    from ccresearch.runner.params import resolve_notebook

    for name in ("01_first.ipynb", "02_second.ipynb", "12_twelfth.ipynb"):
        (tmp_path / name).write_text("{}", encoding="utf-8")
    assert resolve_notebook("02", tmp_path).name == "02_second.ipynb"
    assert resolve_notebook("2", tmp_path).name == "02_second.ipynb"
    assert resolve_notebook("12", tmp_path).name == "12_twelfth.ipynb"
    assert resolve_notebook("01_first", tmp_path).name == "01_first.ipynb"
    assert resolve_notebook("02_second.ipynb", tmp_path).name == "02_second.ipynb"
    assert resolve_notebook(OK, tmp_path) == OK
    with pytest.raises(ParameterError) as info:
        resolve_notebook("07", tmp_path)
    assert "01_first, 02_second, 12_twelfth" in str(info.value)


def test_project_notebook_by_number_on_the_command_line(capsys: pytest.CaptureFixture[str]) -> None:
    from ccresearch import paths

    first = sorted(paths.notebooks_dir().glob("[0-9]*.ipynb"))[0]
    assert runner_main(["params", first.name[:2]]) == 0
    by_number = capsys.readouterr().out
    assert runner_main(["params", str(first)]) == 0
    assert capsys.readouterr().out == by_number


@pytest.fixture
def corop_data(monkeypatch: pytest.MonkeyPatch) -> None:
    """Real region files; jobs data for the 40 COROP regions (as the processed data has)."""
    from ccresearch.sources import regions

    monkeypatch.setattr(domains, "jobs_regions", lambda: frozenset(regions.corop_codes()))


@pytest.mark.parametrize(
    ("value", "fragments"),
    [
        ("Rijnmond", ["Groot-Rijnmond (CR29)"]),
        ("Amsterdam", ["gemeente in COROP region Groot-Amsterdam (CR23)", "-p region CR23"]),
        ("Amsterdm", ["Amsterdam (gemeente GM0363, in COROP region Groot-Amsterdam (CR23))"]),
        ("Limburg", ["Noord-Limburg (CR37)", "Zuid-Limburg (CR39)"]),
        ("xyzzy", ["ccresearch regions"]),
    ],
)
def test_wrong_region_gets_closest_names_and_corop_of_gemeente(
    corop_data: None, value: str, fragments: list[str]
) -> None:
    with pytest.raises(ParameterError) as info:
        domains.check_value("region", value)
    text = str(info.value)
    for fragment in fragments:
        assert fragment in text, text


def test_region_rows_list_code_name_level_and_years(monkeypatch: pytest.MonkeyPatch) -> None:
    pd = pytest.importorskip("pandas")
    from ccresearch.build import loaders

    jobs = pd.DataFrame(
        {
            "region_code": ["CR39", "CR39", "CR39", "CR01"],
            "year": [2010, 2011, 2013, 2012],
            "jobs": [1.0, 2.0, 3.0, None],
        }
    )  # fmt: skip  (synthetic: only the years matter)
    monkeypatch.setattr(loaders, "load_regional_jobs", lambda: jobs)
    rows = {r["code"]: r for r in domains.region_rows()}
    assert list(rows) == ["CR39"]
    assert rows["CR39"]["name"] == "Zuid-Limburg" and rows["CR39"]["level"] == "corop"
    assert (rows["CR39"]["first_year"], rows["CR39"]["last_year"], rows["CR39"]["missing_years"]) == (
        2010, 2013, [2012],
    )  # fmt: skip
    every = {r["code"]: r for r in domains.region_rows(all_levels=True)}
    assert every["GM0363"]["in"] == "CR23" and every["GM0363"]["first_year"] is None


def test_regions_command_prints_the_table(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [{"code": "CR39", "name": "Zuid-Limburg", "level": "corop", "first_year": 2010, "last_year": 2024,
             "missing_years": [], "in": None}]  # fmt: skip
    monkeypatch.setattr(domains, "region_rows", lambda all_levels=False: rows)
    assert runner_main(["regions"]) == 0
    out = capsys.readouterr().out
    assert "CR39  Zuid-Limburg  corop  2010-2024" in out
    assert runner_main(["params", str(REGIONS), "--choices", "region"]) == 0
    assert "Zuid-Limburg" in capsys.readouterr().out
    assert runner_main(["params", str(OK), "--choices", "style"]) == 0
    assert capsys.readouterr().out.split() == ["bar", "line"]


def test_install_metadata_is_the_form_setuptools_does_not_warn_about() -> None:
    import tomllib

    from ccresearch import paths

    meta = tomllib.loads((paths.ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert isinstance(meta["project"]["license"], str)  # an SPDX expression, not the deprecated table
    assert not any("License ::" in c for c in meta["project"].get("classifiers", []))
    assert any(r.startswith("setuptools>=77") for r in meta["build-system"]["requires"])


try:
    from hypothesis import given as _given
    from hypothesis import strategies as st
except ImportError:  # pragma: no cover
    _given = None


if _given is not None:

    @_given(st.floats(allow_nan=False, allow_infinity=False))
    def test_float_text_round_trips(x: float) -> None:
        param = read_schema(OK).get("scale")
        assert coerce(param, repr(x)) == x

    @_given(st.integers(min_value=0, max_value=10**6), st.integers(min_value=0, max_value=10**6))
    def test_decimal_comma_always_gets_the_dotted_hint(whole: int, fraction: int) -> None:
        param = read_schema(OK).get("scale")
        with pytest.raises(ParameterError) as info:
            coerce(param, f"{whole},{fraction}")
        assert f"{whole}.{fraction}" in str(info.value)

    @_given(
        st.recursive(
            st.none() | st.booleans() | st.integers() | st.text(max_size=8),
            lambda inner: st.lists(inner, max_size=3),
            max_leaves=6,
        )
    )
    def test_any_value_from_yaml_mapping_round_trips(value: object) -> None:
        import yaml

        from ccresearch.cli.runs import _yaml_mapping

        param = read_schema(PAPERMILL / "simple_execute.ipynb").get("msg")
        given = _yaml_mapping(yaml.safe_dump({"msg": value}), source="-y")
        assert coerce(param, given["msg"]) == value
