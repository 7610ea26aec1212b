"""Shared behaviour of method results: a short ``repr`` and a small HTML table for JupyterLab.

A result class mixes in :class:`ResultDisplay` and implements ``_headline()``, returning the method's name,
the unit it is about and a few headline numbers. ``repr(result)`` is then one to three lines, never a
DataFrame; ``result._repr_html_()`` is a two-column table in which every string is escaped.
"""

from __future__ import annotations

import html
import math
from typing import Any

__all__ = ["ResultDisplay", "format_value"]


def format_value(value: Any) -> str:
    """A headline value as short text: floats to 4 significant digits, None as '-', sequences shortened."""
    if value is None:
        return "-"
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return f"{value:.4g}"
    if isinstance(value, tuple | list):
        parts = [format_value(v) for v in value[:4]]
        if len(value) > 4:
            parts.append(f"... ({len(value)})")
        return "[" + ", ".join(parts) + "]"
    text = str(value)
    return text if len(text) <= 60 else text[:57] + "..."


class ResultDisplay:
    """Mixin: ``__repr__`` (one to three lines) and ``_repr_html_`` (a small table) from ``_headline()``."""

    def _headline(self) -> tuple[str, str, list[tuple[str, Any]]]:  # pragma: no cover - overridden
        """(method, unit, [(label, value), ...]) for display."""
        raise NotImplementedError

    def __repr__(self) -> str:
        method, unit, items = self._headline()
        head = f"{type(self).__name__}({method}; {unit})"
        lines = [head]
        line = ""
        for label, value in items:
            part = f"{label}={format_value(value)}"
            if line and len(line) + len(part) + 2 > 100:
                lines.append("  " + line)
                line = ""
                if len(lines) == 3:
                    break
            line = f"{line}, {part}" if line else part
        else:
            if line:
                lines.append("  " + line)
        return "\n".join(lines[:3])

    def _repr_html_(self) -> str:
        method, unit, items = self._headline()
        rows = "".join(
            f"<tr><th style='text-align:left'>{html.escape(str(label))}</th>"
            f"<td style='text-align:right'>{html.escape(format_value(value))}</td></tr>"
            for label, value in items
        )
        caption = f"{html.escape(type(self).__name__)}: {html.escape(method)}; {html.escape(str(unit))}"
        return f"<table><caption style='text-align:left'>{caption}</caption>{rows}</table>"
