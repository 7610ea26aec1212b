"""Notebook 03 (regional job growth) is thin (parameters, one analysis call, the report, a record), runs for the
default and another region and records sound numbers; the house style (ccresearch.report.plots) formats numbers
and captions figures."""

from __future__ import annotations

import ast
import math
from pathlib import Path

import matplotlib
import nbformat
import pytest

from ccresearch import paths
from ccresearch.errors import ParameterError
from ccresearch.runner.results import RESULTS_MIME

matplotlib.use("Agg")

NOTEBOOK = "03_regional_job_growth.ipynb"


def run_notebook(tmp_path: Path, **parameters) -> tuple[dict, nbformat.NotebookNode]:
    """Execute the notebook with papermill (in-process, kernel python3); return recorded results and the notebook."""
    papermill = pytest.importorskip("papermill")
    out = tmp_path / NOTEBOOK
    papermill.execute_notebook(
        str(paths.notebooks_dir() / NOTEBOOK),
        str(out),
        parameters=parameters,
        kernel_name="python3",
        progress_bar=False,
        cwd=str(tmp_path),
    )
    nb = nbformat.read(out, as_version=4)
    results: dict = {}
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            if RESULTS_MIME in output.get("data", {}):
                results.update(output["data"][RESULTS_MIME])
    return results, nb


def assert_no_missing_numbers(value, path="results"):
    """No NaN or None, except at the end of an interval, where None (JSON) means unbounded on that side."""
    if value is None and path.endswith((".interval.low", ".interval.high")):
        return
    if isinstance(value, dict):
        for k, v in value.items():
            assert_no_missing_numbers(v, f"{path}.{k}")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            assert_no_missing_numbers(v, f"{path}[{i}]")
    else:
        assert value is not None, f"{path} is missing (NaN or infinity when recorded)"
        if isinstance(value, float):
            assert math.isfinite(value), path


def assert_sound(results: dict) -> None:
    assert_no_missing_numbers(results)
    ss = results["shift_share"]
    assert ss["national"] + ss["industry_mix"] + ss["regional"] == pytest.approx(ss["actual"], abs=1e-6)
    assert set(results["did"]) >= {
        "estimate",
        "interval",
        "se_clustered",
        "p_value",
        "pretrend_p_value_clustered",
    }
    synth = results["synth"]
    assert set(synth) >= {"weights", "pre_rmspe", "post_pre_ratio", "p_value"}
    assert sum(synth["weights"].values()) == pytest.approx(1.0, abs=1e-6)
    assert all(w >= -1e-12 for w in synth["weights"].values())
    assert 0 < synth["p_value"] <= 1


def test_committed_notebook_has_no_outputs_and_a_tagged_parameters_cell():
    nb = nbformat.read(paths.notebooks_dir() / NOTEBOOK, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert "parameters" in code[0].metadata.get("tags", [])
    assert all(not c.outputs and c.execution_count is None for c in code)
    for name in (
        "region: str",
        'measure: Literal["jobs", "births"]',
        "sector: str",
        "treatment_year: int",
        "donors: list[str] | None",
        "outcome:",
        'language: Literal["nl", "en"] = "nl"',
    ):
        assert name in code[0].source


def test_notebook_is_thin_one_analysis_call_and_no_prose_in_code():
    nb = nbformat.read(paths.notebooks_dir() / NOTEBOOK, as_version=4)
    code = [c.source for c in nb.cells if c.cell_type == "code"]
    lines = [
        line for src in code for line in src.splitlines() if line.strip() and not line.strip().startswith("#")
    ]
    assert len(lines) <= 60
    body = "\n".join(code[1:])
    assert body.count("analyse_region(") == 1
    assert "present.report(result, language=language)" in body and "doc.show()" in body
    assert "ccresearch.record(**result.record())" in body
    # no prose assembled in notebook code: the only string literals are in the parameters cell
    strings = [
        n.value for n in ast.walk(ast.parse(body)) if isinstance(n, ast.Constant) and isinstance(n.value, str)
    ]
    assert strings == []


def _html_outputs(nb) -> str:
    return "\n".join(
        "".join(o["data"]["text/html"])
        if isinstance(o["data"]["text/html"], list)
        else o["data"]["text/html"]
        for c in nb.cells
        for o in c.get("outputs", [])
        if "text/html" in o.get("data", {})
    )


@pytest.mark.slow
def test_default_run_zuid_limburg_n_records_shift_share_did_and_synth(tmp_path):
    results, nb = run_notebook(tmp_path)
    assert_sound(results)
    assert results["region"] == "CR39" and results["sector"] == "N"
    assert results["shift_share"]["actual"] == pytest.approx(29_700 - 27_200)
    assert set(results["headline"]) == {"jobs_change", "did_placebo_p_value", "synth_placebo_p_value"}
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors
    html = _html_outputs(nb)
    # the target section found the evidence base's figures (the default report is Dutch)
    assert "De doelstelling van Customer Service Valley" in html and "zo&#39;n 6000" in html
    # captions are in the figures (figcaption), not in markdown: the old test checked "Figure 4." was not in
    # markdown outputs; now the notebook has no markdown outputs at all
    assert not [o for c in nb.cells for o in c.get("outputs", []) if "text/markdown" in o.get("data", {})]
    assert html.count("<figcaption") >= 6


@pytest.mark.slow
def test_run_for_utrecht_by_name_total_jobs_resolves_the_region(tmp_path):
    results, nb = run_notebook(tmp_path, region="Utrecht", sector="total", outcome="jobs", language="en")
    assert_sound(results)
    assert results["region"] == "CR17" and results["sector"] == "total"
    assert results["did"]["log"] is True
    assert "Job growth in Utrecht after 2015" in _html_outputs(nb)


# --- house style (moved from the old hand-written formatters and matplotlib captions to Babel and <figcaption>)


def test_number_formats_in_english_and_dutch():
    from ccresearch.report import numbers

    assert numbers.fmt_int(1234567, "en") == "1,234,567"
    assert numbers.fmt_int(1234567, "nl") == "1.234.567"
    assert numbers.fmt_number(1234.5, "nl", 1) == "1.234,5"
    assert numbers.fmt_number(-0.25, "en", 2).replace("\u2212", "-") == "-0.25"
    assert numbers.fmt_int(2500, "en", sign=True) == "+2,500"
    assert numbers.fmt_money(1_800_000, "en") == "€1,800,000"
    assert numbers.fmt_money(1_800_000, "nl") == "€\u00a01.800.000"
    assert numbers.fmt_percent(0.999, "nl", 1) == "99,9%"
    assert numbers.fmt_percent(float("nan"), "en") == "–" and numbers.fmt_int(None, "en") == "–"
    with pytest.raises(ParameterError, match="language"):
        numbers.fmt_int(1, "de")


def test_caption_adds_numbered_caption_and_source_line():
    from ccresearch.report.document import Document

    for language, label, source in (("en", "Figure 1.", "Source:"), ("nl", "Figuur 1.", "Bron:")):
        doc = Document(language, "t")
        doc.section("s", "S").add(
            doc.figure(
                "jobs",
                lambda fig: fig.add_subplot().plot([1, 2]),
                "Jobs by year.",
                alt="a line",
                source="CBS",
            )
        )
        html = doc.html()
        assert (
            f'<span class="label">{label}</span> Jobs by year. <span class="source">{source} CBS</span>'
            in html
        )


def test_table_caption_puts_number_above_and_source_below():
    import pandas as pd

    from ccresearch.report.document import Column, Document

    doc = Document("en", "t")
    doc.section("s", "S").add(
        doc.table(
            "jobs", pd.DataFrame({"jobs": [1.0]}), [Column("jobs", "Jobs", kind="int")], "Jobs.", source="CBS"
        )
    )
    html = doc.html()
    caption, table = html.index("<figcaption"), html.index("<table")
    assert caption < table and 'Table 1.</span> Jobs. <span class="source">Source: CBS' in html
