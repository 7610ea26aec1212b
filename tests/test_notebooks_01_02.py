"""Notebooks 01 (evidence base) and 02 (spend vs outcomes) run end to end and record what they should.

Each notebook runs in a fresh python3 kernel through papermill, on processed data built once per session
into a temporary folder (``CCRESEARCH_PROCESSED`` tells the kernel where). The recorded numbers are read
back from the executed notebook: ``ccresearch.record`` writes them as outputs with the results MIME type.
"""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import Any

import pytest

from ccresearch import paths
from ccresearch.runner.results import RESULTS_MIME

pytestmark = pytest.mark.slow

NB01 = paths.notebooks_dir() / "01_evidence_base.ipynb"
NB02 = paths.notebooks_dir() / "02_spend_vs_outcomes.ipynb"


def _execute(notebook: Path, out_dir: Path, parameters: dict[str, Any] | None = None) -> dict[str, Any]:
    """Run ``notebook`` with papermill and return everything it recorded (merged in order)."""
    logging.getLogger("papermill").setLevel(logging.ERROR)
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]  # skip a slow optional import
    import papermill as pm

    out = out_dir / f"{notebook.stem}.ipynb"
    nb = pm.execute_notebook(
        str(notebook),
        str(out),
        parameters=parameters or None,
        kernel_name="python3",
        cwd=str(out_dir),
        progress_bar=False,
        log_output=False,
    )
    results: dict[str, Any] = {}
    for cell in nb["cells"]:
        for output in cell.get("outputs", []) or []:
            data = output.get("data", {}) or {}
            if RESULTS_MIME in data:
                value = data[RESULTS_MIME]
                results.update(json.loads(value) if isinstance(value, str) else value)
    return results


@pytest.fixture(scope="module")
def kernel_env(processed_dir: Path) -> Any:
    """The kernel reads the session's processed data and draws inline."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CCRESEARCH_PROCESSED", str(processed_dir))
        mp.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
        yield


@pytest.fixture(scope="module")
def run(kernel_env: Any, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """``run(notebook, **parameters)`` -> recorded results; each parameter set runs once per module."""
    cache: dict[tuple, dict[str, Any]] = {}

    def _run(notebook: Path, **parameters: Any) -> dict[str, Any]:
        key = (notebook.name, repr(sorted(parameters.items())))  # lists as values are fine
        if key not in cache:
            cache[key] = _execute(notebook, tmp_path_factory.mktemp(notebook.stem), parameters)
        return cache[key]

    return _run


def _ratio(results: dict[str, Any], name: str) -> dict[str, Any]:
    return results["cost_ratios"][name]


# --- 02: spend against outcomes -----------------------------------------------------------------------------


def test_02_records_the_sector_plan_grant_per_planned_participant(run: Any) -> None:
    r = _ratio(run(NB02), "sectorplan_grant_per_planned_participant")
    assert r["low"] == r["value"] == r["high"] == pytest.approx(900_000 / (183 + 740 + 29 + 6 + 19))
    assert r["value"] == pytest.approx(921.187, abs=1e-3)
    assert r["unit"] == "EUR/participant"
    assert set(r["sources"]) == {"innofunding-2014-10-03-sectorplan", "factsheet-2014-09-26-sectorplan"}


def test_02_records_open_upper_bounds_as_null(run: Any) -> None:
    own = _ratio(run(NB02), "sectorplan_own_share_per_planned_participant")
    assert own["low"] == pytest.approx((3_500_000 - 900_000) / 977)
    assert own["high"] is None  # 'ruim € 3,5 miljoen': no upper bound
    assert "cf-2014-05-19-sectorplan" in own["sources"]


def test_02_records_customer_service_valley_cost_per_promised_job(run: Any) -> None:
    results = run(NB02)
    assert _ratio(results, "csv_public_per_promised_job")["value"] == pytest.approx(300_000 / 1_000)
    assert _ratio(results, "csv_private_per_promised_job")["value"] == pytest.approx(3 * 15_000 * 3 / 1_000)
    total = _ratio(results, "csv_total_per_promised_job")
    assert total["value"] == pytest.approx(435.0)
    assert set(total["sources"]) >= {"cf-2015-03-02-csv"}


def test_02_deadweight_one_half_doubles_net_cost_per_job(run: Any) -> None:
    gross = _ratio(run(NB02), "csv_total_per_additional_job")["value"]
    net = _ratio(run(NB02, outcome="realised", deadweight=0.5), "csv_total_per_additional_job")["value"]
    assert net == pytest.approx(2 * gross)


def test_02_outcome_switches_the_national_denominator(run: Any) -> None:
    qs4 = "seo-2016-08-quickscan-4"
    planned = run(NB02)["cost_ratios"]
    realised = run(NB02, outcome="realised", deadweight=0.5)["cost_ratios"]
    assert planned[f"national_cofinancing_per_planned_participant__{qs4}"]["value"] == pytest.approx(
        325e6 / 382_231
    )
    assert realised[f"national_cofinancing_per_realised_participant__{qs4}"]["value"] == pytest.approx(
        325e6 / 268_413
    )
    missing = realised["national_cofinancing_per_realised_participant__seo-quickscan-1"]
    assert missing["value"] is None and "realised participants" in missing["missing"]


# --- 01: the evidence base ----------------------------------------------------------------------------------


def test_01_counts_sources_facts_and_qualifiers_of_the_evidence_base(run: Any, processed_dir: Path) -> None:
    import pandas as pd

    facts = pd.read_parquet(processed_dir / "facts.parquet")
    sources = pd.read_parquet(processed_dir / "sources.parquet")
    results = run(NB01)
    assert results["n_sources"] == len(sources)
    assert results["n_facts"] == len(facts)
    assert results["qualifiers"] == {q: int((facts["qualifier"] == q).sum()) for q in results["qualifiers"]}
    assert sum(results["qualifiers"].values()) == len(facts)


def test_01_since_year_leaves_out_older_sources_and_their_facts(run: Any, processed_dir: Path) -> None:
    import pandas as pd

    sources = pd.read_parquet(processed_dir / "sources.parquet")
    facts = pd.read_parquet(processed_dir / "facts.parquet")
    older = {
        s for s, d in zip(sources["source_id"], sources["date"], strict=True) if d and int(str(d)[:4]) < 2016
    }
    results = run(NB01, since_year=2016, language="nl")
    assert results["n_sources"] == len(sources) - len(older)
    assert results["n_facts"] == int((~facts["source_id"].isin(older)).sum())


def test_01_keeps_every_source_by_default_and_records_the_filters(run: Any, processed_dir: Path) -> None:
    import pandas as pd

    sources = pd.read_parquet(processed_dir / "sources.parquet")
    conflicts = pd.read_parquet(processed_dir / "conflicts.parquet")
    events = pd.read_parquet(processed_dir / "events.parquet")
    results = run(NB01)
    assert results["n_sources"] == len(sources)  # undated and old sources included
    assert results["n_conflicts"] == len(conflicts)
    assert results["n_events"] == len(events)
    assert results["filters"]["since_year"] is None and results["filters"]["source_kinds"] is None
    assert sum(results["conflicts_by_verdict"].values()) == results["n_conflicts"]


def test_01_source_kinds_keeps_only_those_kinds(run: Any, processed_dir: Path) -> None:
    import pandas as pd

    sources = pd.read_parquet(processed_dir / "sources.parquet")
    results = run(NB01, source_kinds=["news", "evaluation"], language="en")
    assert results["n_sources"] == int(sources["kind"].isin(["news", "evaluation"]).sum())
    assert results["filters"]["source_kinds"] == ["evaluation", "news"]
