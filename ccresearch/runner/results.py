"""Headline numbers of a notebook run: ``ccresearch.record(name, value)`` or ``ccresearch.record(**values)``.

Inside a notebook, :func:`record` displays one output with the MIME type :data:`RESULTS_MIME`. The runner
collects those outputs from the executed notebook into ``results.json`` and leaves them out of the HTML
report, so no side channel (file, environment variable) is needed and the same notebook works unchanged in
JupyterLab, where the output shows as a one-line note.

>>> record("jobs_created", 170)               # doctest: +SKIP
>>> record(headline=0.42, by_year={"2015": 3})  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ccresearch.core.jsonable import to_json

RESULTS_MIME = "application/vnd.ccresearch.results+json"

# everything recorded in this interpreter, in order (for plain-Python use and for tests)
_RECORDED: dict[str, Any] = {}

_MISSING = object()


def record(name: str | None = None, value: Any = _MISSING, /, **values: Any) -> None:
    """Record headline numbers of this run: ``record("jobs", 170)`` or ``record(jobs=170, share=0.3)``.

    Values may be nested dicts and lists; numpy/pandas scalars are converted to JSON. A key ``headline``
    names the number shown in the index and sweep tables (otherwise the first recorded numbers are used).
    Returns nothing, so a ``record(...)`` on the last line of a cell adds no output of its own.
    """
    if name is not None:
        if value is _MISSING:
            raise TypeError("record(name, value): a value is needed after the name")
        if name in values:
            raise TypeError(f"record(): {name!r} given twice")
        values = {name: value, **values}
    elif value is not _MISSING:
        raise TypeError("record(): give a name and a value, or keyword arguments")
    if not values:
        raise TypeError("record(): nothing to record")
    converted = {str(k): to_json(v, name=str(k)) for k, v in values.items()}
    _RECORDED.update(converted)
    _display(converted)


def recorded() -> dict[str, Any]:
    """Everything recorded so far in this interpreter (a copy)."""
    return dict(_RECORDED)


def _display(converted: dict[str, Any]) -> None:
    """Show the values as one output with the results MIME type, when running under IPython."""
    try:
        from IPython import get_ipython
    except ImportError:  # plain Python without IPython
        return
    if get_ipython() is None:
        return
    from IPython.display import display

    note = "recorded: " + ", ".join(converted)
    display({RESULTS_MIME: converted, "text/plain": note}, raw=True)


def headline(results: Mapping[str, Any], *, limit: int = 3) -> dict[str, Any]:
    """The numbers to show for a run in tables: the ``headline`` key if recorded, else the first numbers."""
    if "headline" in results:
        value = results["headline"]
        if isinstance(value, Mapping):
            return {str(k): v for k, v in list(value.items())[:limit]}
        return {"headline": value}
    numbers = {k: v for k, v in results.items() if isinstance(v, int | float) and not isinstance(v, bool)}
    return dict(list(numbers.items())[:limit])
