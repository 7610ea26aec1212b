"""Errors that tell the user exactly what is wrong with an input, and where."""

from __future__ import annotations

from pathlib import Path
from typing import Any


class InputError(Exception):
    """Bad input: names the file, row, field, the value found, what was expected and (``mend``) how to mend it.

    Every part is optional, so the same error serves files, parameters and single values.
    The command line turns it into exit status 2.
    """

    def __init__(
        self,
        problem: str,
        *,
        file: str | Path | None = None,
        row: int | None = None,
        field: str | None = None,
        value: Any = None,
        expected: str | None = None,
        mend: str | None = None,
    ) -> None:
        self.problem = problem
        self.file = str(file) if file is not None else None
        self.row = row
        self.field = field
        self.value = value
        self.expected = expected
        self.mend = mend
        super().__init__(self.describe())

    def describe(self) -> str:
        """One readable line: where, what was found, what was expected."""
        where = []
        if self.file is not None:
            where.append(self.file)
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.field is not None:
            where.append(f"field '{self.field}'")
        text = ": ".join([", ".join(where), self.problem]) if where else self.problem
        if self.value is not None:
            text += f"; found {self.value!r}"
        if self.expected is not None:
            text += f"; expected {self.expected}"
        if self.mend is not None:
            text += f"; to mend: {self.mend}"
        return text


class ChecksumMismatch(InputError):
    """A raw file's bytes no longer match the sha256 recorded in its sidecar."""


class ParameterError(InputError):
    """A notebook parameter that is unknown, of the wrong type or outside its domain."""
