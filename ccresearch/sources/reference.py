"""Reference panels for validating methods against published results (read from ``data/raw/reference``)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ccresearch.errors import InputError
from ccresearch.paths import raw_dir

#: columns of the Basque panel (Abadie & Gardeazabal 2003) that the published specification uses
BASQUE_COLUMNS = (
    "regionname", "year", "gdpcap", "school.illit", "school.prim", "school.med", "school.high",
    "school.post.high", "invest", "sec.agriculture", "sec.energy", "sec.industry", "sec.construction",
    "sec.services.venta", "sec.services.nonventa", "popdens",
)  # fmt: skip


def read_basque(path: Path | None = None) -> pd.DataFrame:
    """The Basque reference panel (long: regionno, regionname, year, gdpcap, predictors).

    Reads ``path``, by default ``<raw>/reference/basque.csv``.
    """
    path = path or raw_dir() / "reference" / "basque.csv"
    frame = pd.read_csv(path)
    missing = sorted(set(BASQUE_COLUMNS) - set(frame.columns))
    if missing:
        raise InputError(
            "Basque panel lacks columns",
            file=path,
            field=", ".join(missing),
            expected="the columns of the Synth/pysyncon basque.csv",
        )
    return frame
