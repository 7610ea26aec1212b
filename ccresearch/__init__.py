"""ccresearch: tidy, cited data and methods for research on the Dutch contact-centre sector.

Importing the package is cheap: the public names below are loaded on first use, so
``import ccresearch`` stays fast and pandas, statsmodels and friends are only imported when needed.

>>> import ccresearch
>>> facts = ccresearch.load_facts()          # doctest: +SKIP
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

# public name -> module that defines it (relative to this package)
_EXPORTS: dict[str, str] = {
    # data access (evidence base)
    "load_facts": "data",
    "load_events": "data",
    "load_sources": "data",
    "load_conflicts": "data",
    "load_regional_jobs": "data",
    "load_regions": "data",
    "load_coverage": "data",
    # figures as written -> intervals
    "parse_figure": "parse",
    "parse_period": "parse",
    "parse_date": "parse",
    "Figure": "parse",
    "FigureParseError": "parse",
    "Interval": "figures",
    "interval_sum": "figures",
    # notebook results
    "record": "results",
    # spend against outcomes (cost ratios as intervals)
    "Ratio": "metrics",
    "Cited": "metrics",
    "cost_per": "metrics",
    "net_cost": "metrics",
    # regional job growth (methods and the analysis of one region)
    "analyse_region": "regional",
    "shift_share": "methods.shiftshare",
    "difference_in_differences": "methods.did",
    "event_study": "methods.did",
    "synthetic_control": "methods.synth",
    "placebo_test": "methods.synth",
}

__all__ = sorted([*_EXPORTS, "__version__"])


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'ccresearch' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
