"""Words and figures of the spend report (notebook 02): cost ratios in words, tables and charts."""

from __future__ import annotations

import math
import textwrap
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, Literal

from ccresearch.analysis.spend import (
    INFLOW_MEASURES,
    INFLOW_PROGRAMMES,
    MonitoringPoint,
    Ratio,
)
from ccresearch.core.cited import Cited
from ccresearch.core.interval import Interval

if TYPE_CHECKING:
    import pandas as pd

Language = Literal["en", "nl"]


_WORDS: dict[str, dict[str, str]] = {
    "en": {
        "at_least": "at least",
        "at_most": "at most",
        "to": "to",
        "about": "about",
        "unknown": "unknown",
        "undated": "undated",
        "unbounded": "no upper bound (open)",
        "ratio": "Ratio",
        "value": "Stated value",
        "low": "Low",
        "high": "High",
        "unit": "Unit",
        "formula": "Computation",
        "sources": "Sources",
    },
    "nl": {
        "at_least": "minstens",
        "at_most": "hoogstens",
        "to": "tot",
        "about": "ongeveer",
        "unknown": "onbekend",
        "undated": "ongedateerd",
        "unbounded": "geen bovengrens (open)",
        "ratio": "Kengetal",
        "value": "Genoemde waarde",
        "low": "Laag",
        "high": "Hoog",
        "unit": "Eenheid",
        "formula": "Berekening",
        "sources": "Bronnen",
    },
}


def word(key: str, language: Language = "en") -> str:
    """A word of the reports in English or Dutch (``unknown``, ``at least``...)."""
    return _WORDS[language][key]


Kind = Literal["money", "count", "share"]


def _fmt_value(x: float, language: Language, kind: Kind = "money", decimals: int = 0) -> str:
    from ccresearch.report.plots import fmt_eur, fmt_num, fmt_pct

    if kind == "share":
        return fmt_pct(x, decimals, language)
    return fmt_eur(x, language, decimals) if kind == "money" else fmt_num(x, decimals, language)


def kind_of(unit: str) -> Kind:
    """How to write numbers of a unit: ``money`` for EUR units, ``share`` for shares, else ``count``."""
    if unit.startswith("EUR"):
        return "money"
    return "share" if unit == "share" else "count"


def describe_interval(
    iv: Interval | Cited | None, language: Language = "en", *, kind: Kind = "money", decimals: int = 0
) -> str:
    """An interval in words: ``€921``; ``at least €2,661``; ``€900 to €1,000``; ``unknown`` for None.

    The stated value is given first when it differs from both bounds: ``€950 (€900 to €1,000)``.
    """
    if iv is None:
        return word("unknown", language)
    if isinstance(iv, Cited):
        iv = iv.interval
    w = _WORDS[language]

    def f(x: float) -> str:
        return _fmt_value(x, language, kind, decimals)

    if iv.value is None:  # a range or vague magnitude: the bounds only
        if math.isinf(iv.high):
            return f"{w['at_least']} {f(iv.low)}"
        return f(iv.low) if f(iv.low) == f(iv.high) else f"{f(iv.low)} {w['to']} {f(iv.high)}"
    if iv.is_exact or f(iv.low) == f(iv.high):
        return f(iv.value)
    if math.isinf(iv.high) and iv.low == iv.value:
        return f"{w['at_least']} {f(iv.low)}"
    if iv.high == iv.value and iv.low <= 0 and not math.isinf(iv.low):
        return f"{w['at_most']} {f(iv.high)}"
    if math.isinf(iv.high):
        return f"{f(iv.value)} ({w['at_least']} {f(iv.low)})"
    if iv.value in (iv.low, iv.high):
        return f"{f(iv.low)} {w['to']} {f(iv.high)}"
    return f"{f(iv.value)} ({f(iv.low)} {w['to']} {f(iv.high)})"


def ratios_table(ratios: Iterable[Ratio], language: Language = "en") -> pd.DataFrame:
    """One row per ratio: label, stated value, low, high (as text, open bounds in words), unit, sources."""
    import pandas as pd

    words = _WORDS[language]
    rows = []
    for r in ratios:
        kind = kind_of(r.unit)
        rows.append(
            {
                words["ratio"]: r.label_in(language),
                words["value"]: _fmt_value(r.value, language, kind),
                words["low"]: _fmt_value(r.low, language, kind) if not r.open_low else words["unbounded"],
                words["high"]: _fmt_value(r.high, language, kind) if not r.open_high else words["unbounded"],
                words["unit"]: r.unit,
                words["formula"]: r.formula,
                words["sources"]: ", ".join(r.sources),
            }
        )
    return pd.DataFrame(rows)


# --- arithmetic ---------------------------------------------------------------------------------------------


def report_label(title: str) -> str:
    """A short axis label for a monitoring report: ``Quickscan 4``, ``Tussenevaluatie 2017``."""
    for noise in (" evaluatie sectorplannen", " evaluation sector plans", " sectorplannen"):
        title = title.replace(noise, "")
    return title.strip()


def national_table(
    points: Sequence[MonitoringPoint], sources: pd.DataFrame, language: Language = "en"
) -> pd.DataFrame:
    """The national series as a readable table: report, date, co-financing, participants, ratio or why unknown."""
    import pandas as pd

    by_id = sources.set_index("source_id")
    nl = language == "nl"
    rows = []
    for p in points:
        src = by_id.loc[p.source_id]
        rows.append(
            {
                ("Rapport" if nl else "Report"): f"{src['publisher']}: {src['title']}",
                ("Datum" if nl else "Date"): src["date"]
                if isinstance(src["date"], str) and src["date"]
                else word("undated", language),
                ("Cofinanciering" if nl else "Co-financing"): describe_interval(p.cofinancing, language),
                ("Beoogde deelnemers" if nl else "Intended participants"): describe_interval(
                    p.intended, language, kind="count"
                ),
                ("Gerealiseerde deelnemers" if nl else "Realised participants"): describe_interval(
                    p.realised, language, kind="count"
                ),
                ("Per deelnemer" if nl else "Per participant"): p.ratio.text(language)
                if p.ratio
                else p.missing_reason(language),
                ("Bron" if nl else "Source"): p.source_id,
            }
        )
    return pd.DataFrame(rows)


def inflow_programmes(facts: pd.DataFrame, language: Language = "en") -> pd.DataFrame:
    """The 2022 inflow programmes: participants, pass, placement and retention rates, and spend.

    Each cell lists the figures as written with their measure and period (several may apply); a cell no
    source fills says "unknown". Spend is any amount in euros on the programme or its organisation:
    "unknown" when no source gives one (none is estimated).
    """
    import pandas as pd

    nl = language == "nl"
    unknown = word("unknown", language)
    cols = {
        "participants": "Deelnemers" if nl else "Participants",
        "pass": "Slagingspercentage" if nl else "Pass rate",
        "placement": "Plaatsing" if nl else "Placement rate",
        "retention": "Behoud" if nl else "Retention",
        "spend": "Uitgaven" if nl else "Spend",
    }
    rows = []
    for label, entities in INFLOW_PROGRAMMES.items():
        mine = facts[facts["entity"].isin(entities)]
        row: dict[str, Any] = {("Programma" if nl else "Programme"): label}
        for key, measures in INFLOW_MEASURES.items():
            hits = mine[mine["measure"].isin(measures)].sort_values(["period_start", "fact_id"])
            row[cols[key]] = "; ".join(_fact_phrase(r, language) for _, r in hits.iterrows()) or unknown
        spend = mine[mine["unit"].astype(str).str.startswith("EUR")]
        row[cols["spend"]] = "; ".join(_fact_phrase(r, language) for _, r in spend.iterrows()) or unknown
        row[("Bronnen" if nl else "Sources")] = ", ".join(sorted(set(mine["source_id"]))) or "-"
        rows.append(row)
    return pd.DataFrame(rows)


_MEASURE_WORDS = {
    "people_trained": ("trained", "opgeleid"),
    "people_trained_and_placed": ("trained and placed", "opgeleid en geplaatst"),
    "placements": ("placed", "geplaatst"),
    "target_group_staff_share": (
        "of staff came through inflow programmes",
        "van het personeel via instroomprogramma's",
    ),
    "employees": ("staff in total", "medewerkers in totaal"),
    "pass_rate": ("passed the exam", "geslaagd"),
    "diploma_and_job_rate": ("diploma and job", "diploma en baan"),
    "retention_rate_target": (
        "retention target, met so far per the provider",
        "doel voor behoud, tot nu toe gehaald volgens de aanbieder",
    ),
}


def _fact_phrase(fact: pd.Series, language: Language) -> str:
    """``'zo'n 170' trained (de afgelopen vier jaar)``: the figure as written, what it counts, its period."""
    import pandas as pd

    what = _MEASURE_WORDS.get(str(fact["measure"]), (str(fact["measure"]),) * 2)[0 if language == "en" else 1]
    when = fact["period_text"] if isinstance(fact["period_text"], str) else ""
    if not when and pd.notna(fact["period_start"]) and fact["period_start"].year == fact["period_end"].year:
        when = str(fact["period_start"].year)
    return f"{fact['value_text']} {what}" + (f" ({when})" if when else "")


def _open_arrow(ax: Any, y: float, x_from: float, x_to: float, color: str) -> None:
    """An arrow from the last known value to the axis edge: the bound is open (no source caps it)."""
    ax.annotate(
        "",
        xy=(x_to, y),
        xytext=(x_from, y),
        arrowprops={"arrowstyle": "->", "color": color, "lw": 1.5, "linestyle": "--"},
    )


def draw_ratio_ranges(ax: Any, ratios: Sequence[Ratio], language: Language = "en") -> Any:
    """Each ratio as a dot at its stated value with a line over its range; an open bound as a dashed arrow.

    The axis ends a little beyond the largest finite number; an open upper bound runs into the edge with an
    arrow and the words "no upper bound".
    """
    finite = [x for r in ratios for x in (r.low, r.value, r.high) if x is not None and math.isfinite(x)]
    right = max(finite) * 1.35 if finite else 1.0
    color = "#0072B2"
    labels = []
    for i, r in enumerate(ratios):
        y = len(ratios) - 1 - i
        labels.append((y, textwrap.fill(r.label_in(language), 38)))
        lo = r.low if math.isfinite(r.low) else 0.0
        hi = r.high if math.isfinite(r.high) else right
        if not r.interval.is_exact:
            ax.plot([lo, min(hi, right)], [y, y], color=color, lw=3, alpha=0.35, solid_capstyle="butt")
        if r.value is not None:
            ax.plot([r.value], [y], "o", color=color)
        if r.open_high:
            _open_arrow(ax, y, r.value if r.value is not None else lo, right, color)
            ax.text(right, y + 0.18, word("unbounded", language), ha="right", va="bottom", fontsize="x-small")
        text = r.text(language)
        ax.text(
            r.value if r.value is not None else (lo + min(hi, right)) / 2,
            y - 0.22,
            text,
            ha="center",
            va="top",
            fontsize="x-small",
        )
    ax.set_yticks([y for y, _ in labels], [t for _, t in labels])
    ax.set_ylim(-0.7, len(ratios) - 0.4)
    ax.set_xlim(0, right)
    ax.set_xlabel("euro" if ratios and kind_of(ratios[0].unit) == "money" else "")
    return ax


def draw_national_series(
    ax: Any, points: Sequence[MonitoringPoint], labels: Sequence[str], language: Language = "en"
) -> Any:
    """Co-financing per participant per monitoring report: dots with range bars; "unknown" where no ratio."""
    color = "#D55E00"
    xs = list(range(len(points)))
    finite = [
        x
        for p in points
        if p.ratio
        for x in (p.ratio.low, p.ratio.value, p.ratio.high)
        if x is not None and math.isfinite(x)
    ]
    top = max(finite) * 1.25 if finite else 1.0
    for x, p in zip(xs, points, strict=True):
        if p.ratio is None:
            ax.text(
                x,
                top * 0.04,
                word("unknown", language),
                ha="center",
                va="bottom",
                fontsize="small",
                color="grey",
                rotation=90,
            )
            continue
        r = p.ratio
        lo = r.low if math.isfinite(r.low) else 0.0
        hi = r.high if math.isfinite(r.high) else top
        ax.plot([x, x], [lo, hi], color=color, lw=3, alpha=0.35)
        if r.value is None:  # no stated value: the range bar alone
            continue
        ax.plot([x], [r.value], "o", color=color)
        if r.open_high:
            _open_arrow(
                ax, x, r.value, top, color
            )  # pragma: no cover - vertical open bounds do not occur yet
        ax.text(x + 0.08, r.value, _fmt_value(r.value, language), va="center", fontsize="x-small")
    known = [
        (x, p.ratio.value) for x, p in zip(xs, points, strict=True) if p.ratio and p.ratio.value is not None
    ]
    if len(known) > 1:
        ax.plot([k[0] for k in known], [k[1] for k in known], color=color, lw=1, alpha=0.6)
    ax.set_xticks(xs, labels, rotation=20, ha="right", fontsize="small")
    ax.set_ylim(0, top)
    ax.set_ylabel("euro per participant" if language == "en" else "euro per deelnemer")
    return ax


def draw_sensitivity(
    ax: Any, frame: pd.DataFrame, current: float | None = None, language: Language = "en"
) -> Any:
    """Net cost per additional job as each share varies (the others at their chosen values); a dotted line
    marks the net cost at the chosen values."""
    names = {
        "deadweight": ("deadweight", "deadweight"),
        "displacement": ("displacement", "verdringing"),
        "substitution": ("substitution", "substitutie"),
    }
    styles = {"deadweight": "-", "displacement": "--", "substitution": ":"}
    colors = {"deadweight": "#009E73", "displacement": "#CC79A7", "substitution": "#E69F00"}
    for name, group in frame.groupby("assumption", sort=False):
        label = names.get(str(name), (str(name),) * 2)[0 if language == "en" else 1]
        ax.plot(
            group["share"],
            group["value"],
            styles.get(str(name), "-"),
            color=colors.get(str(name)),
            lw=2,
            label=label,
        )
        if (group["low"] != group["high"]).any():
            ax.fill_between(
                group["share"], group["low"], group["high"], alpha=0.12, color=colors.get(str(name))
            )
    if current is not None:
        ax.axhline(current, color="grey", lw=1, ls=":")
    ax.set_xlabel("share (0 to 1)" if language == "en" else "aandeel (0 tot 1)")
    ax.set_ylabel("euro per additional job" if language == "en" else "euro per extra baan")
    ax.set_ylim(0, None)
    ax.legend()
    return ax
