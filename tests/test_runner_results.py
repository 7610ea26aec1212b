"""``ccresearch.record``: JSON conversion, headline choice, and the output the runner collects."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import pytest

import ccresearch
from ccresearch.cli.runs import given_parameters
from ccresearch.runner import results
from ccresearch.runner.export import collect_results, strip_external, without_results
from ccresearch.runner.params import read_schema


def test_record_converts_numpy_and_pandas_values_to_json() -> None:
    np = pytest.importorskip("numpy")
    pd = pytest.importorskip("pandas")
    converted = results.to_json(
        {
            "i": np.int64(3),
            "f": np.float32(0.5),
            "arr": np.array([1, 2]),
            "nan": float("nan"),
            "np_nan": np.float64("nan"),
            "when": pd.Timestamp("2024-01-31"),
            "day": dt.date(2020, 5, 1),
            "na": pd.NA,
            "nested": {"t": (1, 2)},
        }
    )
    assert converted == {
        "i": 3, "f": 0.5, "arr": [1, 2], "nan": None, "np_nan": None, "when": "2024-01-31T00:00:00",
        "day": "2020-05-01", "na": None, "nested": {"t": [1, 2]},
    }  # fmt: skip
    assert type(converted["i"]) is int


def test_record_refuses_values_it_cannot_write_naming_the_key() -> None:
    with pytest.raises(TypeError, match=r"'bad\.inner'.*object"):
        results.to_json({"inner": object()}, name="bad")


def test_record_accepts_name_value_or_keywords_and_returns_nothing() -> None:
    assert ccresearch.record("jobs", 170) is None
    assert ccresearch.record(share=0.25, by_year={"2015": 3}) is None
    got = results.recorded()
    assert got["jobs"] == 170 and got["share"] == 0.25 and got["by_year"] == {"2015": 3}
    with pytest.raises(TypeError):
        ccresearch.record("jobs")
    with pytest.raises(TypeError):
        ccresearch.record()


def test_headline_is_the_headline_key_or_the_first_numbers() -> None:
    assert results.headline({"label": "x", "a": 1, "flag": True, "b": 2.5, "c": 3, "d": 4}) == {
        "a": 1, "b": 2.5, "c": 3,
    }  # fmt: skip
    assert results.headline({"a": 1, "headline": 0.42}) == {"headline": 0.42}
    assert results.headline({"a": 1, "headline": {"net_jobs": 120, "cost": 9.5}}) == {
        "net_jobs": 120,
        "cost": 9.5,
    }


def test_runner_collects_record_outputs_and_leaves_them_out_of_the_page() -> None:
    nbformat = pytest.importorskip("nbformat")
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("record(...)")
    cell.outputs = [
        nbformat.v4.new_output(
            "display_data", data={results.RESULTS_MIME: {"a": 1}, "text/plain": "recorded: a"}
        ),
        nbformat.v4.new_output("stream", text="hello\n"),
        nbformat.v4.new_output(
            "display_data", data={results.RESULTS_MIME: {"a": 2, "b": 3}, "text/plain": "x"}
        ),
    ]
    nb.cells.append(cell)
    assert collect_results(nb) == {"a": 2, "b": 3}
    kept = without_results(nb).cells[0].outputs
    assert [o["output_type"] for o in kept] == ["stream"]
    assert len(nb.cells[0].outputs) == 3  # the original is not changed


def test_external_resources_are_stripped_but_links_stay() -> None:
    page = (
        '<script src="https://cdn.example/x.js"></script><link rel="stylesheet" href="//fonts.example/f.css">'
        '<img src="https://img.example/a.png"><style>@import url("https://x/y.css"); b{background:url(http://z/i.png)}'
        '</style><a href="https://www.cbs.nl/">CBS</a><img src="data:image/png;base64,AAA">'
    )
    clean = strip_external(page)
    assert "cdn.example" not in clean and "fonts.example" not in clean and "img.example" not in clean
    assert "https://x/y.css" not in clean and "http://z/i.png" not in clean
    assert '<a href="https://www.cbs.nl/">CBS</a>' in clean and "data:image/png;base64,AAA" in clean


def test_parameters_file_values_are_typed_and_overridden_by_p(tmp_path: Path) -> None:
    import argparse

    params = tmp_path / "p.yaml"
    params.write_text("n: 5\ntags: [p, q]\nshow_table: no\n", encoding="utf-8")
    args = argparse.Namespace(parameters_file=str(params), parameter=[["n", "7"]])
    given = given_parameters(args)
    assert given == {"n": "7", "tags": ["p", "q"], "show_table": False}
    from ccresearch.runner.params import resolve_values

    values = resolve_values(read_schema(Path(__file__).parent / "fixtures" / "notebooks" / "ok.ipynb"), given)
    assert values["n"] == 7 and values["tags"] == ["p", "q"] and values["show_table"] is False
    assert not math.isnan(values["scale"])
