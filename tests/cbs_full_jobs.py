"""The whole CBS table 83582NED (28 SBI codes by COROP region, 2010-2024) from the shared folder, shaped like the
loaders' regional jobs table, for tests of the methods on real data (None when the file is absent)."""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd

from ccresearch import paths

FULL = "data/cbs/83582NED_full/83582NED_corop.csv"
# code titles as in the shared data README (code list of table 83583NED)
SECTOR_OF_CODE = {
    "T001081": "total", "301000": "A", "300003": "B-F", "300002": "B-E", "305700": "B", "307500": "C",
    "346600": "D", "348000": "E", "350000": "F", "300007": "G-N", "300006": "G-I", "354200": "G",
    "383100": "H", "389100": "I", "391600": "J", "396300": "K", "402000": "L", "300010": "M-N",
    "403300": "M", "410200": "N", "300013": "O-U", "300012": "O-Q", "417400": "O", "419000": "P",
    "422400": "Q", "300014": "R-U", "428100": "R", "435500": "S",
}  # fmt: skip


def full_jobs() -> pd.DataFrame | None:
    """The full table as ``region_code, region_name, region_level, sbi_key, sector, year, jobs, source_table``
    (jobs absolute; blank cells are NaN), or None when the shared file is not there."""
    frame = _full_jobs()
    return None if frame is None else frame.copy()


@functools.lru_cache(maxsize=1)
def _full_jobs() -> pd.DataFrame | None:
    path = paths.shared_dir() / FULL
    if not path.exists():
        return None
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    value = raw["BanenVanWerknemersInDecember_1"].str.strip().replace("", np.nan)
    out = pd.DataFrame(
        {
            "region_code": raw["RegioS"].str.strip(),
            "sbi_key": raw["BedrijfstakkenBranchesSBI2008"].str.strip(),
            "year": raw["Perioden"].str[:4].astype(int),
            "jobs": (pd.to_numeric(value) * 1000.0).round(0),  # thousands with one decimal -> whole jobs
        }
    )
    out["sector"] = out["sbi_key"].map(SECTOR_OF_CODE)
    if out["sector"].isna().any():
        raise ValueError(
            f"unknown SBI code in {FULL}: {sorted(out.loc[out['sector'].isna(), 'sbi_key'].unique())}"
        )
    out["region_name"] = out["region_code"]
    out["region_level"] = np.where(out["region_code"] == "CR99", "unclassified", "corop")
    out["source_table"] = "83582NED"
    return out


BIRTHS = "data/cbs/83631NED_partial/83631NED_corop_T001081_N_77-82.csv"
SECTOR_OF_BIRTHS_CODE = {
    "T001081": "total", "410200": "N", "410300": "77", "412700": "78", "413700": "79", "414300": "80",
    "415000": "81", "415900": "82",
}  # fmt: skip


def births() -> pd.DataFrame | None:
    """CBS 83631NED establishment births (the blocks total, N, 77-82) by COROP region, shaped like the loaders'
    births table (``births`` column; blank cells NaN; CR98 and CR99 not at level ``corop``), or None."""
    frame = _births()
    return None if frame is None else frame.copy()


@functools.lru_cache(maxsize=1)
def _births() -> pd.DataFrame | None:
    path = paths.shared_dir() / BIRTHS
    if not path.exists():
        return None
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    value = raw["OprichtingenVanVestigingen_1"].str.strip().replace("", np.nan)
    out = pd.DataFrame(
        {
            "region_code": raw["RegioS"].str.strip(),
            "sector": raw["BedrijfstakkenBranchesSBI2008"].str.strip().map(SECTOR_OF_BIRTHS_CODE),
            "year": raw["Perioden"].str[:4].astype(int),
            "births": pd.to_numeric(value),
        }
    )
    out["region_level"] = np.where(out["region_code"].isin(["CR98", "CR99"]), "unclassified", "corop")
    return out
