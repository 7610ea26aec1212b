"""CBS StatLine tables: download through ``cbsodata`` (codes kept), read what is on disk, tidy regional jobs.

On disk a table lives in ``data/raw/cbs/<TABLE_ID>/`` either as the parts of an OData v3 download
(``TypedDataSet``, ``DataProperties``, ``TableInfos``/``Metadata``, one code list per dimension; as ``.json``
written by :func:`fetch_table` or ``.parquet`` as recorded by others, optionally with a prefix such as
``statline-bq_cbs.v3.83583NED_``) or as a transcribed wide CSV (``*_wide.csv``: ``sbi_key, sbi_label,
regio_code, <year>...``). Codes come back space-padded from CBS (``"CR39  "``): they are stripped.
Periods ``2019JJ00`` are years; the unit ``x 1 000`` is multiplied out.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ccresearch import paths
from ccresearch.errors import InputError
from ccresearch.sources.csvfile import read_csv_checked

if TYPE_CHECKING:
    import pandas as pd

CBS_LICENCE = "CBS open data, CC BY 4.0 (Bron: CBS)"
CBS_FEED = "https://opendata.cbs.nl/ODataFeed/odata/{table}/"
TABLE_ID = re.compile(r"^[0-9]{5}[A-Z]{3}$")
YEAR_PERIOD = re.compile(r"^(\d{4})JJ00$")
# unit of the jobs measure in transcribed wide files, which carry no metadata of their own
WIDE_UNITS = {"83582NED": "x 1 000"}
JOBS_MEASURE = "BanenVanWerknemersInDecember_1"
TOTAL_SBI = "T001081"
_UNIT_FACTORS = {"x 1 000": 1_000.0, "x 1000": 1_000.0, "x 1 000 000": 1_000_000.0, "aantal": 1.0, "": 1.0}


@dataclass
class ODataTable:
    """One CBS table as downloaded: observations, measure properties, code lists and table info."""

    table_id: str
    data: pd.DataFrame
    properties: pd.DataFrame
    dimensions: dict[str, pd.DataFrame] = field(default_factory=dict)
    info: dict[str, Any] = field(default_factory=dict)

    def unit(self, measure: str) -> str:
        """Unit of a measure as CBS states it (e.g. ``'x 1 000'``)."""
        row = self.properties[self.properties["Key"].str.strip() == measure]
        if row.empty:
            raise InputError("measure not in DataProperties", field="Key", value=measure)
        return str(row["Unit"].iloc[0] or "").strip()


def unit_factor(unit: str, *, file: Path | None = None) -> float:
    """Multiplier that turns a CBS unit into an absolute count (``'x 1 000'`` -> 1000)."""
    key = " ".join(unit.split())
    if key not in _UNIT_FACTORS:
        raise InputError(
            "unknown CBS unit", file=file, field="Unit", value=unit, expected=list(_UNIT_FACTORS)
        )
    return _UNIT_FACTORS[key]


def strip_codes(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Strip CBS space padding from code columns (``'CR39  '`` -> ``'CR39'``)."""
    out = frame.copy()
    for col in columns:
        out[col] = out[col].astype("string").str.strip()
    return out


def _part_name(path: Path, table_id: str) -> str:
    stem = path.name.split(".")[0] if path.suffix == ".json" and path.name.count(".") == 1 else path.stem
    # recorded names carry a prefix: statline-bq_cbs.v3.83583NED_TypedDataSet.parquet
    marker = f"{table_id}_"
    return stem.split(marker, 1)[1] if marker in stem else stem


def _read_part(path: Path) -> Any:
    import pandas as pd

    if path.suffix == ".parquet":
        return pd.read_parquet(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"not a UTF-8 JSON file: {exc}", file=path) from exc
    if isinstance(data, dict) and "value" in data:
        data = data["value"]
    return pd.DataFrame(data) if isinstance(data, list) else data


def read_table(folder: Path, table_id: str | None = None) -> ODataTable:
    """Read a downloaded OData table from ``folder`` (json or parquet parts); the id defaults to its name."""
    import pandas as pd

    table_id = table_id or folder.name
    parts: dict[str, Any] = {}
    for path in sorted(folder.iterdir()):
        if path.suffix in {".json", ".parquet"}:
            parts[_part_name(path, table_id)] = _read_part(path)
    data = parts.pop("TypedDataSet", None)
    if data is None:
        data = parts.pop("UntypedDataSet", None)
    if data is None or "DataProperties" not in parts:
        raise InputError(
            "incomplete CBS table",
            file=folder,
            expected="TypedDataSet (or UntypedDataSet) and DataProperties parts",
        )
    properties = parts.pop("DataProperties")
    info_part = parts.pop("TableInfos", None)
    if info_part is None:
        info_part = parts.pop("Metadata", {})
    if isinstance(info_part, pd.DataFrame):
        info_part = info_part.iloc[0].to_dict() if len(info_part) else {}
    dims = [str(k).strip() for k, t in zip(properties["Key"], properties["Type"], strict=True)]
    types = dict(zip(dims, properties["Type"], strict=True))
    dimensions = {
        name: strip_codes(frame, ["Key"])
        for name, frame in parts.items()
        if isinstance(frame, pd.DataFrame) and "Key" in frame and "Dimension" in str(types.get(name, ""))
    }
    code_cols = [c for c in data.columns if "Dimension" in str(types.get(c, ""))]
    return ODataTable(table_id, strip_codes(data, code_cols), properties, dimensions, dict(info_part))


def _sector_code(key: str, label: str) -> str:
    if key == TOTAL_SBI:
        return "total"
    return label.split()[0] if label.split() else key


def _region_level(code: str) -> str:
    if code == "CR99":
        return "unclassified"
    return {"NL": "country", "PV": "provincie", "CR": "corop", "GM": "gemeente", "LD": "landsdeel"}.get(
        code[:2], "other"
    )


def _period_year(period: str, *, file: Path) -> int | None:
    match = YEAR_PERIOD.match(str(period).strip())
    return int(match.group(1)) if match else None


def jobs_from_wide(path: Path) -> pd.DataFrame:
    """Tidy regional jobs from a transcribed wide CSV (one column per year, unit from WIDE_UNITS)."""
    import pandas as pd

    table_id = path.parent.name
    frame = read_csv_checked(path, required=["sbi_key", "sbi_label", "regio_code"])
    years = [c for c in frame.columns if c not in {"sbi_key", "sbi_label", "regio_code"}]
    for c in years:
        if not c.isdigit():
            raise InputError("unexpected column", file=path, field=c, expected="a year such as 2019")
    factor = unit_factor(WIDE_UNITS.get(table_id, ""), file=path)
    long = frame.melt(id_vars=["sbi_key", "sbi_label", "regio_code"], var_name="year", value_name="value")
    long = long[long["value"].astype("string").str.strip().fillna("") != ""]
    values = pd.to_numeric(long["value"], errors="coerce")
    bad = long[values.isna()]
    if not bad.empty:
        first = bad.index[0]
        raise InputError(
            "malformed number",
            file=path,
            row=int(first % len(frame)) + 2,
            field=str(bad.loc[first, "year"]),
            value=bad.loc[first, "value"],
            expected="a number such as 47.7",
        )
    return _jobs_frame(
        region=long["regio_code"].str.strip(),
        sbi_key=long["sbi_key"].str.strip(),
        sbi_label=long["sbi_label"].str.strip(),
        year=long["year"].astype(int),
        jobs=values * factor,
        source_table=table_id,
    )


def jobs_from_odata(table: ODataTable, *, folder: Path) -> pd.DataFrame:
    """Tidy jobs from an OData table: regional when it has ``RegioS``, else national (NL01)."""
    import pandas as pd

    data = table.data
    if JOBS_MEASURE not in data.columns or "BedrijfstakkenBranchesSBI2008" not in data.columns:
        return _jobs_frame()
    factor = unit_factor(table.unit(JOBS_MEASURE), file=folder)
    keep = pd.Series(True, index=data.index)
    # keep the total category of every other dimension (CBS totals have keys starting with 'T00')
    for dim in table.dimensions:
        if dim in {"BedrijfstakkenBranchesSBI2008", "RegioS", "Perioden"} or dim not in data.columns:
            continue
        keep &= data[dim].str.startswith("T00")
    data = data[keep]
    years = data["Perioden"].map(lambda p: _period_year(p, file=folder))
    data = data[years.notna()]
    years = years[years.notna()].astype(int)
    labels = table.dimensions.get("BedrijfstakkenBranchesSBI2008")
    label_of = (
        dict(zip(labels["Key"], labels["Title"].str.strip(), strict=True)) if labels is not None else {}
    )
    region = data["RegioS"] if "RegioS" in data.columns else pd.Series("NL01", index=data.index)
    regio = table.dimensions.get("RegioS")
    names = (
        dict(zip(regio["Key"], regio["Title"].astype(str).str.strip(), strict=True))
        if regio is not None
        else {}
    )
    values = pd.to_numeric(data[JOBS_MEASURE], errors="coerce").astype("float64")
    decimals = table.properties.loc[table.properties["Key"].str.strip() == JOBS_MEASURE, "Decimals"]
    if len(decimals) and pd.notna(decimals.iloc[0]):
        values = values.round(int(decimals.iloc[0]))  # recorded floats carry float32 noise (7888.200195)
    return _jobs_frame(
        region=region,
        region_name=pd.Series([names.get(str(c), "") for c in region], index=region.index, dtype=object),
        sbi_key=data["BedrijfstakkenBranchesSBI2008"],
        sbi_label=data["BedrijfstakkenBranchesSBI2008"].map(label_of).fillna(""),
        year=years,
        jobs=values * factor,
        source_table=table.table_id,
    )


JOBS_COLUMNS = [
    "region_code",
    "region_name",
    "region_level",
    "sbi_key",
    "sbi_label",
    "sector",
    "year",
    "jobs",
    "source_table",
]


def _jobs_frame(**cols: Any) -> pd.DataFrame:
    import pandas as pd

    if not cols:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in JOBS_COLUMNS})
    frame = pd.DataFrame(
        {
            "region_code": cols["region"].astype(str).str.strip().values,
            "sbi_key": cols["sbi_key"].astype(str).str.strip().values,
            "sbi_label": cols["sbi_label"].astype(str).str.strip().values,
            "year": cols["year"].values,
            "jobs": cols["jobs"].values,
        }
    )
    frame["source_table"] = cols["source_table"]
    frame["sector"] = [
        _sector_code(k, lbl) for k, lbl in zip(frame["sbi_key"], frame["sbi_label"], strict=True)
    ]
    frame["region_level"] = frame["region_code"].map(_region_level)
    frame["region_name"] = cols["region_name"].values if "region_name" in cols else ""
    return frame[JOBS_COLUMNS]


def regional_jobs(raw: Path | None = None) -> pd.DataFrame:
    """All jobs tables under ``raw/cbs`` (sub-folders included) as one tidy table, region names added, sorted.

    Where two inputs give the same cell (region, section, year), one is kept, in this order: a download with
    regions (OData with ``RegioS``), a national download, a transcription (wide CSV). How many cells overlapped
    and how many of them differ is kept in ``frame.attrs["overlaps"]`` for the build report, never silently.
    Region names come from ``data/raw/regions``, else from the download's own code list.
    """
    import pandas as pd

    from ccresearch.sources.catalog import is_hidden
    from ccresearch.sources.regions import regions

    raw = raw or paths.raw_dir()
    root = raw / "cbs"
    frames = []
    folders = sorted({p.parent for p in root.rglob("*DataProperties.*") if not is_hidden(p, root)})
    for folder in folders:
        table = read_table(folder)
        rank = 0 if "RegioS" in table.data.columns else 1
        frames.append(jobs_from_odata(table, folder=folder).assign(_rank=rank, _origin="download"))
    for path in sorted(p for p in root.rglob("*_wide.csv") if not is_hidden(p, root)):
        frames.append(jobs_from_wide(path).assign(_rank=2, _origin="transcription"))
    jobs = pd.concat([f for f in frames if len(f)], ignore_index=True)
    known = regions(raw)
    jobs["region_name"] = [
        known[c].name if c in known else n
        for c, n in zip(jobs["region_code"], jobs["region_name"], strict=True)
    ]
    unknown = sorted(set(jobs.loc[jobs["region_name"] == "", "region_code"]))
    if unknown:
        raise InputError(
            "region code in CBS data that no code list names",
            file=root,
            value=unknown[:5],
            expected="codes in data/raw/regions or in the download's RegioS list",
        )
    cell = ["region_code", "sbi_key", "year"]
    jobs = jobs.sort_values(["_rank", "source_table"], kind="stable")
    first = ~jobs.duplicated(cell, keep="first")
    kept, dropped = jobs[first], jobs[~first]
    overlaps = []
    if len(dropped):
        both = dropped.merge(
            kept[[*cell, "jobs", "source_table", "_origin"]], on=cell, suffixes=("", "_kept")
        )
        keys = ["source_table", "_origin", "source_table_kept", "_origin_kept"]
        for (table, origin, table_kept, origin_kept), group in both.groupby(keys, sort=True):
            differ = (group["jobs"] - group["jobs_kept"]).abs()
            overlaps.append(
                {
                    "dropped": f"{table} ({origin})",
                    "kept": f"{table_kept} ({origin_kept})",
                    "cells": len(group),
                    "cells_that_differ": int((differ > 1e-6).sum()),
                    "largest_difference": float(differ.max()),
                }
            )
    jobs = kept.drop(columns=["_rank", "_origin"])
    jobs["year"] = jobs["year"].astype("int64")
    jobs["jobs"] = jobs["jobs"].astype("float64").round(6)
    jobs = jobs.sort_values(["region_code", "sbi_key", "year"]).reset_index(drop=True)
    jobs.attrs["overlaps"] = overlaps
    return jobs


@dataclass(frozen=True)
class SumCheck:
    """COROP rows + CR99 against the national total for one section and year."""

    sbi_key: str
    year: int
    corop_sum: float
    unclassified: float | None
    national: float | None
    difference: float | None
    tolerance: float
    status: str  # ok | mismatch | no_unclassified | no_national


def check_national_sums(jobs: pd.DataFrame) -> list[SumCheck]:
    """Check that COROP rows plus CR99 sum to NL01 (within rounding) where both exist.

    Each published value is rounded to 0.1 thousand, so the tolerance is half that per summed value.
    Years without CR99 or without a national figure are reported with their status, not skipped.
    """
    checks: list[SumCheck] = []
    corop = jobs[jobs["region_level"] == "corop"]
    for (sbi, year), group in corop.groupby(["sbi_key", "year"], sort=True):
        if group["region_code"].nunique() < 40:
            continue  # a section published for some COROP regions only (M, M-N): no total to check
        cr99 = jobs[(jobs.region_code == "CR99") & (jobs.sbi_key == sbi) & (jobs.year == year)]["jobs"]
        nl = jobs[(jobs.region_code == "NL01") & (jobs.sbi_key == sbi) & (jobs.year == year)]["jobs"]
        total = float(group["jobs"].sum())
        unclassified = float(cr99.iloc[0]) if len(cr99) else None
        national = float(nl.iloc[0]) if len(nl) else None
        tolerance = 50.0 * (len(group) + 2)
        if unclassified is None:
            status, diff = "no_unclassified", None
        elif national is None:
            status, diff = "no_national", None
        else:
            diff = round(total + unclassified - national, 6)
            status = "ok" if abs(diff) <= tolerance else "mismatch"
        checks.append(SumCheck(str(sbi), int(year), total, unclassified, national, diff, tolerance, status))
    return checks
