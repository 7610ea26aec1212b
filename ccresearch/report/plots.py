"""The house style for figures and tables in every notebook and report.

- :func:`use_house_style` once per notebook: seaborn theme, readable sizes, a colour-blind-safe palette.
- :func:`figure` for a new figure with one or more axes and an optional title.
- :func:`caption` adds a numbered caption and a "Source:" line under a figure; :func:`table_caption` does the
  same for a table (pandas Styler or a markdown table) shown with IPython.display.
- :func:`fmt_int`, :func:`fmt_num`, :func:`fmt_eur`, :func:`fmt_pct` format numbers in English
  (``1,234.5``, default) or Dutch (``1.234,5``): pass ``language="nl"``.

>>> fmt_int(1234567)
'1,234,567'
>>> fmt_num(1234.5, 1, language="nl")
'1.234,5'
>>> fmt_eur(1800000, language="nl")
'€ 1.800.000'
>>> fmt_pct(0.1234, 1)
'12.3%'
"""

from __future__ import annotations

import math
from typing import Any, Literal

Language = Literal["en", "nl"]

DEFAULT_SOURCE = "Bron: CBS, tabel 83582NED"
PALETTE = "colorblind"
_LABELS = {
    "en": {"figure": "Figure", "table": "Table", "source": "Source"},
    "nl": {"figure": "Figuur", "table": "Tabel", "source": "Bron"},
}

__all__ = [
    "DEFAULT_SOURCE",
    "caption",
    "figure",
    "fmt_eur",
    "fmt_int",
    "fmt_num",
    "fmt_pct",
    "table_caption",
    "use_house_style",
]


def _check_language(language: str) -> str:
    if language not in _LABELS:
        from ccresearch.errors import ParameterError

        raise ParameterError("unknown language", field="language", value=language, expected="'en' or 'nl'")
    return language


# --- numbers ------------------------------------------------------------------------------------------


def fmt_num(x: float | int | None, decimals: int = 0, language: Language = "en", sign: bool = False) -> str:
    """A number with thousands separators: ``1,234.5`` (en) or ``1.234,5`` (nl); ``-`` for missing values.

    ``sign=True`` writes ``+`` before positive numbers (for changes).
    """
    _check_language(language)
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return "-"
    text = f"{float(x):{'+' if sign else ''},.{decimals}f}"
    if language == "nl":
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text


def fmt_int(x: float | int | None, language: Language = "en", sign: bool = False) -> str:
    """A whole number with thousands separators: ``1,235`` (en) or ``1.235`` (nl)."""
    return fmt_num(x, 0, language, sign)


def fmt_eur(x: float | int | None, language: Language = "en", decimals: int = 0) -> str:
    """An amount in euros: ``€1,800,000`` (en) or ``€ 1.800.000`` (nl)."""
    text = fmt_num(x, decimals, language)
    if text == "-":
        return text
    return f"€ {text}" if language == "nl" else f"€{text}"


def fmt_pct(x: float | None, decimals: int = 1, language: Language = "en", sign: bool = False) -> str:
    """A share as a percentage: ``0.1234`` -> ``12.3%`` (en) or ``12,3%`` (nl)."""
    if x is None or not math.isfinite(float(x)):
        return "-"
    return fmt_num(100.0 * float(x), decimals, language, sign) + "%"


# --- figures ------------------------------------------------------------------------------------------


def use_house_style(font_scale: float = 1.1) -> None:
    """Apply the house style: seaborn whitegrid theme, readable sizes, colour-blind palette."""
    import matplotlib as mpl
    import seaborn as sns

    sns.set_theme(style="whitegrid", context="notebook", palette=PALETTE, font_scale=font_scale)
    mpl.rcParams.update(
        {
            "figure.figsize": (8.0, 4.5),
            "figure.dpi": 110,
            "savefig.dpi": 150,
            "savefig.bbox": "tight",
            "axes.titleweight": "bold",
            "axes.titlesize": "medium",
            "axes.spines.top": False,
            "axes.spines.right": False,
            "legend.frameon": False,
        }
    )


def figure(
    n: int = 1,
    title: str | None = None,
    *,
    ncols: int | None = None,
    width: float = 8.0,
    height: float = 4.5,
    sharex: bool = False,
    sharey: bool = False,
) -> tuple[Any, Any]:
    """A new figure with ``n`` axes (in one row unless ``ncols`` is given) and an optional title.

    Returns ``(fig, ax)`` for ``n == 1``, else ``(fig, axes)`` with a flat array of axes. The figure uses
    a constrained layout, so the caption added by :func:`caption` has room below it.
    """
    import matplotlib.pyplot as plt

    if n < 1:
        raise ValueError("figure(n): n must be at least 1")
    ncols = ncols or n
    nrows = math.ceil(n / ncols)
    fig, axes = plt.subplots(
        nrows,
        ncols,
        figsize=(width * (1 if ncols == 1 else min(ncols, 2) * 0.75), height * nrows),
        sharex=sharex,
        sharey=sharey,
        squeeze=False,
        layout="constrained",
    )
    flat = axes.ravel()
    for extra in flat[n:]:
        extra.set_visible(False)
    if title:
        fig.suptitle(title, fontweight="bold")
    return fig, (flat[0] if n == 1 else flat[:n])


def caption(
    fig_or_ax: Any,
    number: int,
    text: str,
    source: str | None = DEFAULT_SOURCE,
    language: Language = "en",
) -> Any:
    """Add "Figure <number>. <text>" and a "Source:" line under the figure; returns the figure.

    ``source`` is written after "Source:" (en) or "Bron:" (nl); a leading "Bron:" or "Source:" in the
    given text is not repeated. ``source=None`` leaves the line out (e.g. for constructed examples).
    """
    _check_language(language)
    fig = _figure_of(fig_or_ax)
    labels = _LABELS[language]
    lines = [f"{labels['figure']} {number}. {text}"]
    if source:
        lines.append(f"{labels['source']}: {_strip_source_prefix(source)}")
    fig.supxlabel("\n".join(lines), x=0.0, ha="left", fontsize="small", wrap=True)
    return fig


def _figure_of(fig_or_ax: Any) -> Any:
    """The figure of a figure, an axis or an array of axes."""
    if hasattr(fig_or_ax, "savefig"):
        return fig_or_ax
    if hasattr(fig_or_ax, "get_figure"):
        return fig_or_ax.get_figure()
    return _figure_of(next(iter(getattr(fig_or_ax, "flat", fig_or_ax))))


def _strip_source_prefix(source: str) -> str:
    for prefix in ("Bron:", "Source:", "bron:", "source:"):
        if source.startswith(prefix):
            return source[len(prefix) :].strip()
    return source.strip()


def table_caption(
    table: Any,
    number: int,
    text: str,
    source: str | None = DEFAULT_SOURCE,
    language: Language = "en",
    display: bool = True,
) -> Any:
    """Show a table with "Table <number>. <text>" above it and a "Source:" line below it.

    ``table`` may be a pandas DataFrame (rendered with a Styler), a Styler, or a markdown string. With
    ``display=True`` (default) the table is shown and None returned (so a notebook cell does not show it
    twice); with ``display=False`` the captioned object (a Styler or an ``IPython.display.Markdown``) is
    returned instead.
    """
    _check_language(language)
    labels = _LABELS[language]
    head = f"{labels['table']} {number}. {text}"
    foot = f"{labels['source']}: {_strip_source_prefix(source)}" if source else ""
    if isinstance(table, str):
        from IPython.display import Markdown

        shown: Any = Markdown(f"**{head}**\n\n{table}\n\n" + (f"*{foot}*" if foot else ""))
    else:
        styler = table.style if hasattr(table, "style") and not hasattr(table, "set_caption") else table
        shown = styler.set_caption(head + (f"<br><small>{foot}</small>" if foot else "")).set_table_styles(
            [{"selector": "caption", "props": [("caption-side", "top"), ("text-align", "left")]}],
            overwrite=False,
        )
    if not display:
        return shown
    from IPython.display import display as _display

    _display(shown)
    return None
