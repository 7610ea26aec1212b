"""Plain JSON data from numbers, numpy/pandas values, dates, dataclasses and nested containers."""

from __future__ import annotations

import dataclasses
import datetime as _dt
import math
from collections.abc import Mapping
from typing import Any


def to_json(value: Any, *, name: str = "value") -> Any:
    """``value`` as plain JSON data: numpy/pandas scalars and arrays, dates, dataclasses, nested containers.

    NaN and infinities become ``None`` (JSON has no such numbers). Anything else raises ``TypeError``
    naming the recorded key, so nothing is silently turned into a string.
    """
    if value is None or isinstance(value, bool | str):
        return value
    if type(value).__name__ in ("NAType", "NaTType"):  # pandas missing values (NaT is also a datetime)
        return None
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, Mapping):
        return {str(k): to_json(v, name=f"{name}.{k}") for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(value, key=str) if isinstance(value, set | frozenset) else value
        return [to_json(v, name=f"{name}[{i}]") for i, v in enumerate(items)]
    if isinstance(value, _dt.datetime | _dt.date):
        return value.isoformat()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return to_json(dataclasses.asdict(value), name=name)
    type_name = f"{type(value).__module__}.{type(value).__qualname__}"
    if type_name.startswith(("numpy.", "pandas.")):
        if hasattr(value, "isoformat"):  # pandas.Timestamp, numpy datetime via pandas
            return value.isoformat()
        if hasattr(value, "to_dict") and not hasattr(value, "item"):  # pandas Series / DataFrame
            return to_json(value.to_dict(), name=name)
        if hasattr(value, "tolist"):  # numpy arrays and numpy scalars
            return to_json(value.tolist(), name=name)
        if hasattr(value, "item"):
            return to_json(value.item(), name=name)
    raise TypeError(
        f"record(): {name!r} has a value of type {type_name} that cannot be written to results.json; "
        "expected a number, string, bool, None, date, list or dict of those (numpy/pandas scalars are fine)"
    )
