"""Methods for regional policy evaluation: pure functions of tables, each returning a typed result.

- ``shiftshare``: classic shift-share (national growth, industry mix, regional shift) between two years;
  accepts the loaders' regional jobs table directly (:func:`region_sector_table`).
- ``did``: difference-in-differences with region and year fixed effects; headline inference is the placebo
  (permutation) p-value and a Conley-Taber interval; clustered standard errors are kept and named as such.
- ``triple``: triple difference: the treated sector against the same region's other sectors and the comparison
  regions (region x year, group x year, region x group fixed effects); placebo p-value and Conley-Taber interval.
- ``synth``: synthetic control (any mix of outcome lags, covariates over year windows and special
  predictors; custom predictor weights; the two-step training/validation search), in-space placebo tests,
  conformal intervals and robustness checks; ``penalised``: penalised synthetic control (Abadie & L'Hour
  2021) with the penalty chosen by pre-period cross-validation.

Every method is importable from here (``from ccresearch.analysis.methods import placebo_test``); the
submodules are imported on first use. Units may be given by code or, when the panel carries
``panel.attrs["unit_names"]``, by name.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS: dict[str, str] = {
    # shift-share
    "ShiftShareResult": "shiftshare",
    "region_sector_table": "shiftshare",
    "shift_share": "shiftshare",
    "shift_share_all": "shiftshare",
    "shift_share_by_start_year": "shiftshare",
    # difference-in-differences
    "DiDResult": "did",
    "EventStudyResult": "did",
    "conley_taber_interval": "did",
    "difference_in_differences": "did",
    "event_study": "did",
    # triple difference (sector within region, against comparison regions)
    "TripleDiffResult": "triple",
    "triple_difference": "triple",
    "triple_panel": "triple",
    # synthetic control
    "PlaceboResult": "synth",
    "Predictor": "synth",
    "SynthResult": "synth",
    "SynthSpec": "synth",
    "placebo_test": "synth",
    "predictor_table": "synth",
    "synthetic_control": "synth",
    # penalised synthetic control (Abadie & L'Hour 2021)
    "choose_penalty": "penalised",
    "penalised_synthetic_control": "penalised",
    # conformal intervals for synthetic control
    "ConformalResult": "conformal",
    "conformal_intervals": "conformal",
    "conformal_p_value": "conformal",
    # synthetic difference-in-differences
    "SDiDResult": "sdid",
    "synthetic_did": "sdid",
    # robustness
    "GapRangeResult": "robustness",
    "LeaveOneOutResult": "robustness",
    "post_gap_range": "robustness",
    "in_time_placebo": "robustness",
    "leave_one_out": "robustness",
    "minimum_detectable_effect": "robustness",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*__all__, *(n for n in globals() if n.startswith("__"))})
