"""Checked CSV reading: every error names the file (and the line, where there is one)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ccresearch.errors import InputError

if TYPE_CHECKING:
    import pandas as pd


def read_csv_checked(path: Path, *, required: list[str], allowed: list[str] | None = None) -> pd.DataFrame:
    """Read a UTF-8 CSV as strings; missing or extra columns are input errors naming the file."""
    import pandas as pd

    raw = path.read_bytes()
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError(
            "file is not UTF-8",
            file=path,
            row=line,
            value=raw[exc.start : exc.start + 4],
            expected="UTF-8 text",
        ) from exc
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise InputError("missing column", file=path, field=missing[0], expected=f"columns {required}")
    if allowed is not None:
        extra = [c for c in frame.columns if c not in allowed]
        if extra:
            raise InputError(
                "unexpected column", file=path, field=extra[0], expected=f"only columns {allowed}"
            )
    return frame
