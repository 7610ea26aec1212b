"""The atlas (notebook 04): every COROP region in one table, the same numbers as the one-region analysis."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from ccresearch.analysis.atlas import atlas
from ccresearch.build.loaders import load_boundaries, load_regional_jobs, load_sources


@pytest.fixture(scope="module")
def tables(processed_dir: Path) -> dict[str, pd.DataFrame]:
    return {
        "jobs": load_regional_jobs(processed_dir),
        "boundaries": load_boundaries(processed_dir),
        "sources": load_sources(processed_dir),
    }


@pytest.fixture(scope="module")
def result(tables: dict[str, pd.DataFrame]):  # type: ignore[no-untyped-def]
    return atlas(tables["jobs"], highlight="Zuid-Limburg", synth=False)


def test_every_corop_region_is_a_row_and_the_highlight_is_resolved(result) -> None:  # type: ignore[no-untyped-def]
    r = result.regions
    assert len(r) == 40 and r["region_code"].is_unique and result.highlight == "CR39"
    assert r.loc[r["highlight"], "region_code"].tolist() == ["CR39"]


def test_shift_share_components_add_up_and_growth_matches_the_jobs(result, tables) -> None:  # type: ignore[no-untyped-def]
    r = result.regions.set_index("region_code")
    parts = r["ss_national"] + r["ss_industry_mix"] + r["ss_regional"]
    assert (parts - r["ss_actual"]).abs().max() < 1e-6
    assert r.loc["CR39", "growth_sector"] == pytest.approx(
        r.loc["CR39", "jobs_end"] / r.loc["CR39", "jobs_base"] - 1
    )
    assert r.loc["CR39", "ss_actual"] == pytest.approx(r.loc["CR39", "jobs_end"] - r.loc["CR39", "jobs_base"])


def test_the_did_estimate_is_the_one_region_analysis_with_its_interval(result, tables) -> None:  # type: ignore[no-untyped-def]
    from ccresearch.analysis.regional import analyse_region

    one = analyse_region("CR39", jobs=tables["jobs"], synth=False)
    row = result.regions.set_index("region_code").loc["CR39"]
    assert row["did_estimate"] == pytest.approx(one.did.estimate)
    assert row["did_low"] < row["did_estimate"] < row["did_high"]
    assert 1 / 40 <= row["did_p_value"] <= 1


def test_the_report_draws_maps_and_is_dutch_or_english(result, tables) -> None:  # type: ignore[no-untyped-def]
    from ccresearch.report import atlas as present

    for language, word in (("nl", "Kaarten van Nederland"), ("en", "Maps of the Netherlands")):
        doc = present.report(
            result, boundaries=tables["boundaries"], sources=tables["sources"], language=language
        )
        html = doc.html()
        assert word in html and html.count('<figure id="fig-') == 3
        assert "Zuid-Limburg" in html and "CR39" not in html.split("<h1>")[1].split("</h1>")[0]
