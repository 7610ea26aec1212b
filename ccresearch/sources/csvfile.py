"""Checked CSV reading: every error names the file (and the line, where there is one)."""

from __future__ import annotations

import io
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
    _check_shape(path, raw.decode("utf-8"))
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as exc:
        raise InputError(
            f"not a readable CSV file ({exc})",
            file=path,
            expected="comma-separated UTF-8 text with a header row",
            mend="open the file in a text editor and check its quotes and commas",
        ) from exc
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise InputError(
            "missing column",
            file=path,
            row=1,
            field=missing[0],
            expected=f"columns {required}",
            mend=f"add the column '{missing[0]}' to the header (see data/raw/templates)",
        )
    if allowed is not None:
        extra = [c for c in frame.columns if c not in allowed]
        if extra:
            raise InputError(
                "unexpected column",
                file=path,
                row=1,
                field=extra[0],
                expected=f"only columns {allowed}",
                mend=f"remove the column '{extra[0]}' or correct its name",
            )
    return frame


def _check_shape(path: Path, text: str) -> None:
    """Every record has as many fields as the header, and quotes are closed; else an error naming the line."""
    import csv

    if not text.strip():
        raise InputError("empty file", file=path, expected="a header row and data rows")
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    header: list[str] | None = None
    start = 1  # the line a record starts on (a quoted field may span lines)
    try:
        for record in reader:
            line, start = start, reader.line_num + 1
            if header is None:
                header = record
                if len(set(header)) != len(header):
                    dup = next(c for c in header if header.count(c) > 1)
                    raise InputError(
                        "column named twice",
                        file=path,
                        row=1,
                        field=dup,
                        expected="each column once",
                        mend=f"remove or rename the second '{dup}'",
                    )
                continue
            if not record:  # a blank line: pandas skips it too
                continue
            if len(record) != len(header):
                more = len(record) > len(header)
                raise InputError(
                    f"wrong number of fields: {len(record)} where the header has {len(header)}",
                    file=path,
                    row=line,
                    value=",".join(record)
                    if len(",".join(record)) <= 160
                    else ",".join(record)[:157] + "...",
                    expected=f"{len(header)} comma-separated fields ({', '.join(header)})",
                    mend=(
                        'put double quotes around a field that holds a comma ("ruim € 1,8 miljoen")'
                        if more
                        else "add the missing fields (leave them empty between commas: a,,b)"
                    ),
                )
    except csv.Error as exc:
        raise InputError(
            f"malformed CSV ({exc})",
            file=path,
            row=start,
            expected="fields separated by commas, quotes closed",
            mend='close the quote, and write a quote inside a quoted field as two quotes ("")',
        ) from exc
