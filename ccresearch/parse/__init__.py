"""Dutch (and English) figures and periods as written -> intervals and dates.

- :mod:`.figures`: ``parse_figure("ruim € 1,8 miljoen")`` -> :class:`Figure` (interval, qualifier, unit, rate);
  the module docstring states what every qualifier means.
- :mod:`.periods`: ``parse_period("de komende drie jaren", ref=...)`` -> first and last day; ``parse_date``.
"""

from ccresearch.core.interval import Interval, interval_sum
from ccresearch.parse.figures import APPROX_TOLERANCE, Figure, FigureParseError, parse_figure
from ccresearch.parse.periods import UnanchoredPeriod, parse_date, parse_period

__all__ = [
    "APPROX_TOLERANCE",
    "Figure",
    "FigureParseError",
    "Interval",
    "UnanchoredPeriod",
    "interval_sum",
    "parse_date",
    "parse_figure",
    "parse_period",
]
