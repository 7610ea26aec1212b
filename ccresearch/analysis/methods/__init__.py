"""Methods for regional policy evaluation; each returns a tidy result object and draws on a given axis.

- ``shiftshare``: classic shift-share (national growth, industry mix, regional shift) between two years.
- ``did``: difference-in-differences with region and year fixed effects and region-clustered standard
  errors, plus an event study (leads and lags) with a joint test of the pre-treatment coefficients.
- ``synth``: synthetic control and in-space placebo tests.

Import from the submodules, e.g. ``from ccresearch.methods.shiftshare import shift_share``.
"""
