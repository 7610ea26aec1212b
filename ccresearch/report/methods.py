"""Figures of the methods' results, drawn on an axis the caller gives (the results themselves never draw)."""

from __future__ import annotations

from typing import Any

from ccresearch.analysis.methods.did import DiDResult, EventStudyResult
from ccresearch.analysis.methods.shiftshare import COMPONENTS, ShiftShareResult
from ccresearch.analysis.methods.synth import PlaceboResult, SynthResult


def _palette() -> list[Any]:
    import seaborn as sns

    return list(sns.color_palette("colorblind"))


def did_paths(result: DiDResult, ax: Any, labels: tuple[str, str] | None = None) -> Any:
    """The treated region and the mean of the comparison regions, with the treatment year marked."""
    treated_label, donors_label = labels or (
        result.treated,
        f"mean of {len(result.donors)} comparison regions",
    )
    ax.plot(result.data.index, result.data["treated"], marker="o", label=treated_label)
    ax.plot(result.data.index, result.data["donors_mean"], marker="s", linestyle="--", label=donors_label)
    ax.axvline(result.treatment_year - 0.5, color="0.4", linestyle=":", linewidth=1)
    ax.set_xlabel("year")
    ax.set_ylabel(result.outcome + (" (log)" if result.log else ""))
    ax.legend()
    return ax


def event_study_coefficients(result: EventStudyResult, ax: Any) -> Any:
    """Coefficients with 95% intervals by year; zero line; reference year marked."""
    c = result.coefficients
    ax.errorbar(
        c["year"],
        c["coef"],
        yerr=[c["coef"] - c["ci_low"], c["ci_high"] - c["coef"]],
        fmt="o",
        capsize=3,
    )
    ax.axhline(0, color="0.2", linewidth=0.8)
    ax.axvline(result.treatment_year - 0.5, color="0.4", linestyle=":", linewidth=1)
    ax.set_xlabel(f"year (reference: {result.treatment_year - 1})")
    ax.set_ylabel("effect on " + result.outcome + (" (log points)" if result.log else ""))
    return ax


def shift_share_bars(
    result: ShiftShareResult, ax: Any, sector: str | None = None, language: str = "en"
) -> Any:
    """Bar chart of the three components and the actual change (jobs) on ``ax``."""
    values = result.summary(sector)
    labels = {
        "en": ["National growth", "Industry mix", "Regional shift", "Actual change"],
        "nl": ["Nationale groei", "Sectorstructuur", "Regionale component", "Werkelijke verandering"],
    }[language]
    heights = [values[c] for c in (*COMPONENTS, "actual")]
    palette = _palette()
    colours = [palette[0], palette[1], palette[2], "0.35"]
    bars = ax.bar(labels, heights, color=colours)
    ax.axhline(0, color="0.2", linewidth=0.8)
    for bar, h in zip(bars, heights, strict=True):
        ax.annotate(
            f"{h:+,.0f}",
            (bar.get_x() + bar.get_width() / 2, h),
            ha="center",
            va="bottom" if h >= 0 else "top",
            fontsize="small",
        )
    ax.set_ylabel("jobs" if language == "en" else "banen")
    what = "all sectors" if sector is None else f"sector {sector}"
    ax.set_title(f"{result.region}, {what}: {result.start_year}-{result.end_year}")
    return ax


def synth_paths(result: SynthResult, ax: Any, *, treated_label: str | None = None) -> Any:
    """Treated and synthetic paths with a dashed line at the treatment year, on ``ax``; returns ``ax``."""
    years = result.path.index
    ax.plot(years, result.path["treated"], color="C0", lw=2, label=treated_label or str(result.treated))
    ax.plot(years, result.path["synthetic"], color="C1", lw=2, ls="--", label="synthetic control")
    ax.axvline(result.treatment_year - 0.5, color="0.4", ls=":", lw=1)
    ax.set_xlabel("year")
    ax.legend(frameon=False)
    return ax


def synth_gap(result: SynthResult, ax: Any) -> Any:
    """Gap (treated - synthetic) with a zero line and the treatment year marked, on ``ax``; returns ``ax``."""
    ax.plot(result.path.index, result.path["gap"], color="C0", lw=2, label=f"{result.treated} - synthetic")
    ax.axhline(0.0, color="0.3", lw=0.8)
    ax.axvline(result.treatment_year - 0.5, color="0.4", ls=":", lw=1)
    ax.set_xlabel("year")
    ax.set_ylabel("gap")
    return ax


def placebo_gaps(result: PlaceboResult, ax: Any, *, max_pre_mspe_factor: float | None = None) -> Any:
    """Placebo gaps in grey, the treated unit's gap in colour, treatment year marked; returns ``ax``."""
    gaps = result.gaps
    if max_pre_mspe_factor is not None:
        mspe = result.pre_rmspe**2
        gaps = gaps.loc[:, mspe <= max_pre_mspe_factor * mspe[result.treated]]
    for unit in gaps.columns:
        if unit != result.treated:
            ax.plot(gaps.index, gaps[unit], color="0.6", lw=0.8, alpha=0.7)
    ax.plot(gaps.index, gaps[result.treated], color="C3", lw=2.2, label=str(result.treated))
    ax.axhline(0.0, color="0.3", lw=0.8)
    ax.axvline(result.treatment_year - 0.5, color="0.4", ls=":", lw=1)
    ax.set_xlabel("year")
    ax.set_ylabel("gap (unit - synthetic)")
    ax.legend(frameon=False)
    return ax
