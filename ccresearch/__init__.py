"""ccresearch: tidy, cited data and methods for research on the Dutch contact-centre sector.

Importing the package is cheap: the public names below are loaded on first use, so
``import ccresearch`` stays fast and pandas, statsmodels and friends are only imported when needed.

>>> import ccresearch
>>> facts = ccresearch.load_facts()          # doctest: +SKIP
"""

from __future__ import annotations

import importlib
from typing import Any

from ccresearch._version import __version__ as __version__

# public name -> module that defines it (relative to this package)
_EXPORTS: dict[str, str] = {
    # data access (the processed tables; built first when missing or stale)
    "load_facts": "build.loaders",
    "load_events": "build.loaders",
    "load_sources": "build.loaders",
    "load_conflicts": "build.loaders",
    "load_regional_jobs": "build.loaders",
    "load_regional_births": "build.loaders",
    "measure_precision": "build.loaders",
    "load_regions": "build.loaders",
    "load_coverage": "build.loaders",
    "load_reference_panel": "build.loaders",
    "load_boundaries": "build.loaders",
    # figures as written -> intervals
    "parse_figure": "parse",
    "parse_period": "parse",
    "parse_date": "parse",
    "Figure": "parse",
    "FigureParseError": "parse",
    "Interval": "core.interval",
    "interval_sum": "core.interval",
    "Cited": "core.cited",
    # notebook results
    "record": "runner.results",
    # spend against outcomes (cost ratios as intervals)
    "Ratio": "analysis.spend",
    "cost_per": "analysis.spend",
    "net_cost": "analysis.spend",
    "analyse_spend": "analysis.spend",
    # regional job growth (methods and the analysis of one region)
    "analyse_region": "analysis.regional",
    "atlas": "analysis.atlas",
    "summarise_evidence": "analysis.evidence",
    "shift_share": "analysis.methods.shiftshare",
    "difference_in_differences": "analysis.methods.did",
    "event_study": "analysis.methods.did",
    "synthetic_control": "analysis.methods.synth",
    "placebo_test": "analysis.methods.synth",
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
