"""Region codes, names and hierarchy."""

from __future__ import annotations

from pathlib import Path

import pytest

from ccresearch.errors import InputError
from ccresearch.sources import regions


def test_all_forty_corop_regions_have_codes_and_names(raw_dir: Path) -> None:
    codes = regions.corop_codes(raw_dir)
    assert codes == [f"CR{i:02d}" for i in range(1, 41)]
    assert regions.region_name("CR39", raw_dir) == "Zuid-Limburg"
    assert regions.region_name("CR23", raw_dir) == "Groot-Amsterdam"
    assert regions.region_name("CR40", raw_dir) == "Flevoland"


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("Maastricht", "GM0935"),
        ("Zuid-Limburg", "CR39"),
        ("zuid limburg", "CR39"),
        ("Limburg", "PV31"),
        ("CR39  ", "CR39"),
        ("cr39", "CR39"),
        ("Nederland", "NL01"),
        ("Utrecht", "CR17"),  # gemeente, COROP and provincie share the name: COROP wins, documented
    ],
)
def test_resolve_region_accepts_codes_and_names(written: str, code: str, raw_dir: Path) -> None:
    assert regions.resolve_region(written, raw=raw_dir) == code


def test_resolve_region_with_a_level_picks_that_level(raw_dir: Path) -> None:
    assert regions.resolve_region("Utrecht", level="gemeente", raw=raw_dir) == "GM0344"
    assert regions.resolve_region("Utrecht", level="provincie", raw=raw_dir) == "PV26"
    with pytest.raises(InputError, match="unknown region"):
        regions.resolve_region("GM0935", level="corop", raw=raw_dir)


def test_unknown_region_suggests_the_close_match(raw_dir: Path) -> None:
    with pytest.raises(InputError) as err:
        regions.resolve_region("Zuid Limbrug", raw=raw_dir)
    assert "Zuid-Limburg (CR39)" in str(err.value)
    assert err.value.value == "Zuid Limbrug"


def test_limburg_hierarchy_runs_gemeente_corop_provincie_country(raw_dir: Path) -> None:
    assert regions.ancestors("GM0935", raw_dir) == ["CR39", "PV31", "NL01"]
    limburg = [
        c
        for c, r in regions.regions(raw_dir).items()
        if r.level == "gemeente" and "PV31" in regions.ancestors(c, raw_dir)
    ]
    assert len(limburg) == 31
    # outside Limburg the COROP -> provincie link has no source here: missing, not guessed
    assert regions.ancestors("CR17", raw_dir) == []


def test_limburg_file_that_disagrees_with_the_mapping_is_an_input_error(raw_copy: Path) -> None:
    path = raw_copy / regions.LIMBURG
    text = path.read_text(encoding="utf-8").replace("GM0935,Maastricht,CR39", "GM0935,Maastricht,CR38")
    path.write_text(text, encoding="utf-8")
    regions._table.cache_clear()
    with pytest.raises(InputError) as err:
        regions.regions(raw_copy)
    assert err.value.field == "COROP_code" and err.value.value == "CR38"


def test_jobs_years_come_from_the_processed_data(
    processed_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ccresearch.runner import domains

    monkeypatch.setenv("CCRESEARCH_PROCESSED", str(processed_dir))
    assert domains.jobs_years() == (2010, 2024)
    assert "CR39" in domains.jobs_regions() and "CR99" in domains.jobs_regions()
