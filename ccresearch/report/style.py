"""The house style of every figure: readable sizes, a colour-blind-safe palette, no chart junk.

Figures are drawn on a matplotlib figure the document gives (:class:`ccresearch.report.document.Figure`), so
the style is applied there; :func:`apply_house_style` may also be called in JupyterLab before drawing by hand.
"""

from __future__ import annotations

from typing import Any

#: the colour-blind-safe palette (Okabe-Ito order as seaborn's "colorblind")
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000"]
HIGHLIGHT = "#D55E00"
MUTED = "#8C8C8C"
_APPLIED = False


def apply_house_style() -> None:
    """Set matplotlib's defaults to the house style (once per process)."""
    global _APPLIED
    if _APPLIED:
        return
    import matplotlib as mpl
    from cycler import cycler

    mpl.rcParams.update(
        {
            "font.size": 11,
            "axes.titlesize": 12,
            "axes.titleweight": "bold",
            "axes.labelsize": 11,
            "xtick.labelsize": 10,
            "ytick.labelsize": 10,
            "legend.fontsize": 10,
            "legend.frameon": False,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.grid": True,
            "grid.color": "#DDDDDD",
            "grid.linewidth": 0.6,
            "axes.axisbelow": True,
            "axes.prop_cycle": cycler(color=PALETTE),
            "figure.dpi": 100,
            "svg.fonttype": "none",
        }
    )
    _APPLIED = True


def colour(i: int) -> str:
    """The ``i``-th colour of the palette."""
    return PALETTE[i % len(PALETTE)]


def one_axis(fig: Any) -> Any:
    """The single axis of a figure (created on first use)."""
    return fig.axes[0] if fig.axes else fig.add_subplot()
