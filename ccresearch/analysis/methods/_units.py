"""Units given by code or by name, and the data's precision carried by a panel.

Panels have one column per unit CODE. A panel may carry the units' names in ``panel.attrs["unit_names"]``
(``{code: name}``, set by the regional layer); a unit may then be given by its name, matched ignoring case,
accents and surrounding spaces. ``panel.attrs["precision"]`` (one number, or ``{unit: number}``, in outcome
units: the data's rounding) is the default precision of the synthetic-control methods.
"""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import pandas as pd

from ccresearch.errors import ParameterError

__all__ = ["normalise_name", "panel_precision", "resolve_unit", "resolve_units", "unit_names"]


def normalise_name(text: Any) -> str:
    """Lower case, accents removed, spaces collapsed: the key names are matched on."""
    decomposed = unicodedata.normalize("NFKD", str(text))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.casefold().split())


def unit_names(panel: pd.DataFrame | None) -> dict[str, str]:
    """``{code: name}`` from ``panel.attrs["unit_names"]`` (empty when not set)."""
    if panel is None:
        return {}
    names = panel.attrs.get("unit_names") or {}
    if not isinstance(names, Mapping):
        raise ParameterError(
            "panel.attrs['unit_names'] must map unit codes to names",
            field="unit_names",
            value=type(names).__name__,
            expected="a dict {code: name}",
        )
    return {str(k): str(v) for k, v in names.items()}


def resolve_unit(
    unit: Any,
    codes: Sequence[Any],
    names: Mapping[str, str] | None = None,
    *,
    field: str = "unit",
    label: str = "unit",
) -> Any:
    """The code of ``unit``: itself when it is a code, else the code whose name matches it.

    Raises ``ParameterError`` naming the closest codes or names when nothing matches.
    """
    code_list = list(codes)
    if unit in code_list:
        return unit
    by_text = {str(c): c for c in code_list}
    if str(unit) in by_text:
        return by_text[str(unit)]
    key = normalise_name(unit)
    code_keys = {normalise_name(c): c for c in code_list}
    if key in code_keys:
        return code_keys[key]
    names = dict(names or {})
    matches = [c for c in code_list if str(c) in names and normalise_name(names[str(c)]) == key]
    if len(matches) == 1:
        return matches[0]
    candidates = {
        normalise_name(names.get(str(c), c)): f"{names[str(c)]} ({c})" if str(c) in names else str(c)
        for c in code_list
    }
    candidates.update(
        {normalise_name(c): str(c) if str(c) not in names else f"{names[str(c)]} ({c})" for c in code_list}
    )
    close = difflib.get_close_matches(key, list(candidates), n=3, cutoff=0.5)
    if len(matches) > 1:
        raise ParameterError(
            "unit name matches more than one unit",
            field=field,
            value=unit,
            expected=f"one of the codes {[str(m) for m in matches]}",
        )
    hint = [candidates[c] for c in close] or [candidates[c] for c in list(candidates)[:5]]
    raise ParameterError(
        f"{label} not in the panel (neither a code nor a name)",
        field=field,
        value=unit,
        expected=f"a unit code or name; closest: {', '.join(hint)}",
    )


def resolve_units(
    units: Iterable[Any] | None,
    codes: Sequence[Any],
    names: Mapping[str, str] | None = None,
    *,
    field: str,
    label: str = "unit",
) -> list[Any] | None:
    """:func:`resolve_unit` for each of ``units`` (``None`` stays ``None``)."""
    if units is None:
        return None
    if isinstance(units, str):
        units = [units]
    return [resolve_unit(u, codes, names, field=field, label=label) for u in units]


def panel_precision(panel: pd.DataFrame, precision: Any) -> Any:
    """``precision`` if given, else ``panel.attrs["precision"]`` (a number or ``{unit: number}``), else None."""
    if precision is not None:
        return precision
    value = panel.attrs.get("precision")
    if value is None:
        return None
    if isinstance(value, Mapping):
        return pd.Series({k: float(v) for k, v in value.items()}, dtype=float)
    if isinstance(value, pd.Series):
        return value
    return float(value)
