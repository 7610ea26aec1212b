"""Sidecars and checksums of raw files."""

from __future__ import annotations

from pathlib import Path

import pytest

from ccresearch.cli import main
from ccresearch.errors import ChecksumMismatch, InputError
from ccresearch.sources import catalog


def test_every_raw_file_has_a_sidecar_whose_checksum_matches(raw_dir: Path) -> None:
    verified = catalog.verify_all(raw_dir)
    assert "cbs/83582NED/cbs_83582NED_corop_banen_total_N_2010_2024_wide.csv" in verified
    assert "reference/basque.csv" in verified
    for rel, side in verified.items():
        assert side.origin and side.licence and side.retrieved, rel
        assert not side.origin.startswith("/"), f"{rel}: an absolute machine path in the origin"


def test_copied_shared_files_keep_their_published_bytes(raw_dir: Path) -> None:
    # sha256 as listed in the shared SHA256SUMS for the files copied unchanged
    assert catalog.sha256_of(raw_dir / "reference/basque.csv").startswith("7f7f90d7a019")
    assert catalog.sha256_of(
        raw_dir / "cbs/83582NED/cbs_83582NED_corop_banen_total_N_2010_2024_wide.csv"
    ).startswith("612a4e4fee2e")


def test_a_changed_byte_is_a_checksum_mismatch_naming_the_file(raw_copy: Path) -> None:
    target = raw_copy / "reference/basque.csv"
    target.write_bytes(target.read_bytes().replace(b"Cataluna", b"Catalunb", 1))
    with pytest.raises(ChecksumMismatch) as err:
        catalog.verify_all(raw_copy)
    assert err.value.file == str(target)
    assert "7f7f90d7a019" in err.value.expected


def test_a_file_without_sidecar_is_an_error(raw_copy: Path) -> None:
    (raw_copy / "regions/extra.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(InputError, match="no sidecar"):
        catalog.verify_all(raw_copy)


def test_sidecar_command_writes_and_refreshes(tmp_path: Path) -> None:
    data = tmp_path / "figures.csv"
    data.write_text("x\n1\n", encoding="utf-8")
    assert main(["sidecar", str(data)]) == 2  # a new sidecar needs origin and licence
    assert main(["sidecar", str(data), "--origin", "a test", "--licence", "CC0"]) == 0
    first = catalog.read_sidecar(data)
    data.write_text("x\n2\n", encoding="utf-8")
    assert main(["sidecar", str(data)]) == 0
    second = catalog.read_sidecar(data)
    assert second.origin == "a test" and second.sha256 != first.sha256
    assert catalog.verify(data).sha256 == catalog.sha256_of(data)


def test_reading_fields_of_a_sidecar_are_kept_when_it_is_refreshed(tmp_path: Path) -> None:
    data = tmp_path / "long.csv"
    data.write_text("ID,RegioS,Perioden,X_1\n1,CR01,2010JJ00,1.0\n", encoding="utf-8")
    command = ["sidecar", str(data), "--origin", "a test", "--licence", "CC0", "--field", "unit=x 1 000"]
    assert main([*command, "--field", "decimals=0", "--field", "measure=jobs"]) == 0
    side = catalog.read_sidecar(data)
    assert (side.unit, side.decimals, side.measure, side.rounded_to) == ("x 1 000", "0", "jobs", "")
    data.write_text("ID,RegioS,Perioden,X_1\n1,CR01,2010JJ00,2.0\n", encoding="utf-8")
    assert main(["sidecar", str(data)]) == 0
    again = catalog.read_sidecar(data)
    assert (again.unit, again.decimals, again.measure) == (
        "x 1 000",
        "0",
        "jobs",
    ) and again.sha256 != side.sha256
    text = catalog.sidecar_path(data).read_text(encoding="utf-8")
    assert "rounded_to" not in text and "code_lists" not in text  # optional fields written only when given
    assert (
        main(["sidecar", str(data), "--field", "unit=x 1 000 000"]) == 2
    )  # a recorded field is not overwritten
    assert main(["sidecar", str(data), "--field", "colour=red"]) == 2  # not an optional field
    assert main(["sidecar", str(data), "--field", "unit"]) == 2  # not KEY=VALUE


def test_an_unknown_sidecar_field_names_the_optional_ones(tmp_path: Path) -> None:
    data = tmp_path / "figures.csv"
    data.write_text("x\n1\n", encoding="utf-8")
    catalog.write_sidecar(data, origin="a test", licence="CC0")
    side = catalog.sidecar_path(data)
    side.write_text(side.read_text(encoding="utf-8") + "units: x 1 000\n", encoding="utf-8")
    with pytest.raises(InputError, match="unknown fields") as err:
        catalog.read_sidecar(data)
    assert err.value.value == ["units"] and "rounded_to" in err.value.expected
