"""The regional job-growth report (notebook 03): every word, number, figure and table of the analysis.

:func:`report` turns a :class:`ccresearch.analysis.regional.RegionalAnalysis` into a
:class:`ccresearch.report.document.Document` in one language. Words come from the message catalogue
(``regional.*`` and ``glossary.*``), numbers from :mod:`ccresearch.report.numbers` (jobs at the data's precision:
CBS rounds to 100), figures are single-panel ``draw(fig)`` functions legible at 4 inches wide.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
from markupsafe import Markup, escape

from ccresearch.analysis.regional import TOTAL_SECTOR, RegionalAnalysis
from ccresearch.analysis.sensitivity import effect_interval_jobs, to_jobs
from ccresearch.report import numbers as num
from ccresearch.report.citations import glossary_section, sources_section
from ccresearch.report.document import Column, Document
from ccresearch.report.language import Language, Words
from ccresearch.report.style import HIGHLIGHT, MUTED, colour, one_axis

CBS_TABLES = ("83582NED", "83583NED")
LITERATURE = (
    "dunn-1960",
    "abadie-gardeazabal-2003",
    "abadie-diamond-hainmueller-2010",
    "conley-taber-2011",
    "ferman-pinto-2019",
    "chernozhukov-wuthrich-zhu-2021",
    "abadie-lhour-2021",
    "arkhangelsky-2021",
    "simonsohn-simmons-nelson-2020",
    "gruber-1994",
    "olden-moen-2022",
    "mackinnon-webb-2018",
)
GLOSSARY = (
    "corop",
    "sbi",
    "jobs",
    "index",
    "shift_share",
    "did",
    "event_study",
    "synthetic_control",
    "rmspe",
    "placebo",
    "interval",
    "conformal",
    "specification_curve",
    "mde",
)

__all__ = ["report"]


class _Ctx:
    """What every part of the report needs: the result, the document, the words, a few formatters."""

    def __init__(self, a: RegionalAnalysis, doc: Document) -> None:
        self.a, self.doc, self.w = a, doc, doc.words
        self.lang: Language = doc.language

    # numbers --------------------------------------------------------------------------------------------
    def jobs(self, x: Any, sign: bool = False) -> str:
        """Jobs at the data's precision (CBS: 100); a change that rounds to zero gets no sign."""
        zero = x is not None and np.isfinite(float(x)) and num.round_to(float(x), self.a.precision_jobs) == 0
        return num.fmt_rounded(x, self.lang, self.a.precision_jobs, sign=sign and not zero)

    def pct(self, x: Any, decimals: int = 1, sign: bool = False) -> str:
        return num.fmt_percent(x, self.lang, decimals, sign=sign)

    def n(self, x: Any, decimals: int = 1, sign: bool = False) -> str:
        return num.fmt_number(x, self.lang, decimals, sign=sign)

    def p(self, x: Any, decimals: int = 2) -> str:
        """A p-value (``< 0,001``, the ``<`` kept with its number by a no-break space)."""
        return num.fmt_p(x, self.lang, decimals).replace("< ", "<\u00a0")

    def effect(self, x: Any, sign: bool = True) -> str:
        """An effect in outcome units: log points with 3 decimals, index points with 1."""
        return self.n(x, 3 if self.a.log else 1, sign=sign)

    def between(self, low: Any, high: Any) -> Markup:
        """An interval of jobs in words: 'between A and B jobs', or its open forms when an end is unbounded."""
        lo_ok = low is not None and np.isfinite(float(low))
        hi_ok = high is not None and np.isfinite(float(high))
        if lo_ok and hi_ok:
            return self.said("interval.both", low=self.jobs(low, sign=True), high=self.jobs(high, sign=True))
        if hi_ok:
            return self.said("interval.no_low", high=self.jobs(high, sign=True))
        if lo_ok:
            return self.said("interval.no_high", low=self.jobs(low, sign=True))
        return self.said("interval.none")

    def end(self, x: Any, sign: bool = True) -> str:
        """One end of an interval in jobs, or a dash-free word when it is unbounded."""
        if x is None or not np.isfinite(float(x)):
            return self.txt("interval.open_end")
        return self.jobs(x, sign=sign)

    def year(self, y: int) -> str:
        """A year, with ``*`` when CBS's figure for it is provisional."""
        return f"{int(y)}*" if int(y) in self.a.provisional_years else str(int(y))

    # words ----------------------------------------------------------------------------------------------
    @property
    def name(self) -> str:
        return self.a.region_name

    def sector_words(self) -> str:
        s = self.a.sector
        key = f"regional.sector.{s}"
        if s in ("N", TOTAL_SECTOR, "82") and self.w.has(key):
            return self.w.text(key)
        return self.w.text("regional.sector.other", sector=s)

    def sector_short(self) -> str:
        s = self.a.sector
        key = {"N": "N", TOTAL_SECTOR: "total"}.get(s)
        return (
            self.w.text(f"regional.sector_short.{key}")
            if key
            else self.w.text("regional.sector_short.other", sector=s)
        )

    def shift_sector(self, sector: str) -> str:
        if sector == "rest":
            return self.w.text("regional.shift_share.rest")
        return self.w.text("regional.shift_share.section", sector=sector)

    def unit(self) -> str:
        """The unit of an effect: log points or index points."""
        return self.w.text("regional.unit.log_points" if self.a.log else "regional.unit.index_points")

    def outcome_unit(self) -> str:
        """The unit of the outcome the methods use: index points or jobs."""
        return self.w.text(
            "regional.unit.index_points" if self.a.outcome == "index" else "regional.unit.jobs"
        )

    def outcome_words(self) -> str:
        """The outcome in running text: ``index (2014 = 100)`` or ``number of jobs``."""
        if self.a.outcome == "index":
            return self.w.text("regional.outcome.index", base=self.a.base_year)
        return self.w.text("regional.outcome.jobs")

    def outcome_label(self) -> str:
        if self.a.outcome == "index":
            return self.w.text("regional.axis.index", base=self.a.base_year)
        return self.w.text("regional.axis.jobs")

    def effect_label(self) -> str:
        return self.w.text("regional.axis.effect", unit=self.unit())

    def source(self, *tables: str) -> Markup:
        """The Source line of a figure or table: the CBS tables, each linked to the source list."""
        links = [
            self.doc.cite(f"cbs-{t}", self.w.text("regional.source.cbs_table", table=t))
            for t in tables or (self.a.data_table,)
        ]
        return Markup("; ").join(links)

    def said(self, key: str, **values: Any) -> Markup:
        return self.w(f"regional.{key}", **values)

    def txt(self, key: str, **values: Any) -> str:
        return self.w.text(f"regional.{key}", **values)


# words of the jobs report that name the count, and what they become for another measure (the catalogue's
# ``regional.<measure>.<key>`` entries replace whole messages where more than the noun changes)
_NOUNS = {
    ("births", "nl"): (
        ("banenindex", "index van de oprichtingen"),
        ("Banen", "Oprichtingen"),
        ("banen", "oprichtingen"),
    ),
    ("births", "en"): (("Jobs", "Births"), ("jobs", "births")),
}


class MeasureWords(Words):
    """The catalogue for the report of one measure: for ``births``, ``regional.births.<key>`` where the catalogue
    has it, else the jobs wording with the count's noun replaced (banen -> oprichtingen, jobs -> births)."""

    def __init__(self, language: str, measure: str = "jobs") -> None:
        super().__init__(language)
        self.measure = measure

    def _pick(self, key: str) -> tuple[str, bool]:
        if self.measure == "jobs" or not key.startswith("regional."):
            return key, False
        own = f"regional.{self.measure}.{key.removeprefix('regional.')}"
        return (own, False) if self.has(own) else (key, True)

    def _swap(self, text: str) -> str:
        for old, new in _NOUNS.get((self.measure, self.language), ()):
            text = re.sub(rf"\b{old}\b", new, text)
        return text

    def text(self, key: str, /, **values: Any) -> str:
        """Plain text of ``key`` for this measure."""
        chosen, swap = self._pick(key)
        out = super().text(chosen, **values)
        return self._swap(out) if swap else out

    def __call__(self, key: str, /, **values: Any) -> Markup:
        """Safe HTML of ``key`` for this measure (the noun replaced in the escaped text)."""
        chosen, swap = self._pick(key)
        out = super().__call__(chosen, **values)
        return Markup(self._swap(str(out))) if swap else out


class _Later:
    """A block written when the document renders: its links to figures and tables are numbered by then."""

    def __init__(self, write: Callable[[], Markup], tag: str = "p") -> None:
        self.write, self.tag = write, tag

    def render(self, doc: Document) -> Markup:
        return Markup("<{t}>{v}</{t}>").format(t=Markup(self.tag), v=self.write())


def _later_paragraph(section: Any, write: Callable[[], Markup]) -> None:
    section.add(_Later(write))


def _later_bullets(section: Any, write: Callable[[], list[Markup]]) -> None:
    section.add(_Later(lambda: Markup("").join(Markup("<li>{}</li>").format(i) for i in write()), tag="ul"))


# ------------------------------------------------------------------------------------------------ drawing


def _years_axis(ax: Any, c: _Ctx, years: Any) -> None:
    """Integer year ticks (every other year when many), provisional years with ``*``."""
    from matplotlib.ticker import FixedLocator, FuncFormatter

    years = [int(y) for y in years]
    narrow = ax.figure.get_figwidth() < 5
    step = (4 if narrow else 2) if len(years) > 8 else 1
    ticks = years[::step] if years[-1] in years[::step] else [*years[::step], years[-1]]
    if len(ticks) > 1 and ticks[-1] - ticks[-2] < step:
        ticks = [*ticks[:-2], ticks[-1]]
    ax.xaxis.set_major_locator(FixedLocator(ticks))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _p=None: c.year(round(x))))
    ax.set_xlabel(c.txt("axis.year"))


def _treatment_line(ax: Any, c: _Ctx) -> None:
    ax.axvline(c.a.treatment_year - 0.5, color="0.35", linestyle=":", linewidth=1.2)


def _legend(fig: Any, ax: Any) -> None:
    """The legend below the axis, so that it never hides a line at narrow widths."""
    handles, labels = ax.get_legend_handles_labels()
    if handles:
        fig.legend(handles, labels, loc="outside lower center", ncols=1, frameon=False)


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _draw_trends(c: _Ctx) -> Callable[[Any], None]:
    t = c.a.trends()

    def draw(fig: Any) -> None:
        ax = one_axis(fig)
        ax.fill_between(
            t.index,
            t["donors_p10"],
            t["donors_p90"],
            color=MUTED,
            alpha=0.25,
            lw=0,
            label=c.txt("trends.band"),
        )
        ax.plot(t.index, t["donors_mean"], color=MUTED, lw=1.5, ls="--", label=c.txt("trends.donors_mean"))
        ax.plot(t.index, t["netherlands"], color=colour(0), lw=1.8, label=c.txt("trends.netherlands"))
        ax.plot(t.index, t["region"], color=HIGHLIGHT, lw=2.4, marker="o", ms=3.5, label=c.name)
        _treatment_line(ax, c)
        _years_axis(ax, c, t.index)
        ax.set_ylabel(c.txt("axis.index", base=c.a.base_year))
        ax.yaxis.set_major_formatter(num.tick_formatter(c.lang))
        _legend(fig, ax)

    return draw


_COMPONENTS = ("national", "industry_mix", "regional", "actual")


def _draw_shift_share(c: _Ctx) -> Callable[[Any], None]:
    values = c.a.summary()["shift_share"]

    def draw(fig: Any) -> None:
        ax = one_axis(fig)
        labels = [c.txt(f"shift_share.component.{k}") for k in _COMPONENTS]
        heights = [float(values[k]) for k in _COMPONENTS]
        colours = [colour(0), colour(4), HIGHLIGHT, "0.35"]
        y = np.arange(len(labels))[::-1]
        ax.barh(y, heights, color=colours, height=0.6)
        ax.set_yticks(y, labels)
        ax.axvline(0, color="0.2", lw=0.8)
        span = max(abs(h) for h in heights) or 1.0
        for yi, h in zip(y, heights, strict=True):
            ax.annotate(
                c.jobs(h, sign=True),
                (h, yi),
                xytext=(4 if h >= 0 else -4, 0),
                textcoords="offset points",
                ha="left" if h >= 0 else "right",
                va="center",
                fontsize="small",
            )
        ax.set_xlim(-1.35 * span if min(heights) < 0 else -0.05 * span, 1.35 * span)
        ax.set_xlabel(c.txt("axis.jobs_change"))
        ax.xaxis.set_major_formatter(num.tick_formatter(c.lang))
        ax.grid(axis="y", visible=False)

    return draw


def _draw_did(c: _Ctx) -> Callable[[Any], None]:
    data = c.a.did.data
    log = c.a.log

    def draw(fig: Any) -> None:
        ax = one_axis(fig)
        ax.plot(
            data.index,
            data["donors_mean"],
            color=MUTED,
            lw=1.8,
            ls="--",
            marker="s",
            ms=3,
            label=c.txt("did.donors_mean", n=len(c.a.donors)),
        )
        ax.plot(data.index, data["treated"], color=HIGHLIGHT, lw=2.4, marker="o", ms=3.5, label=c.name)
        _treatment_line(ax, c)
        _years_axis(ax, c, data.index)
        ax.set_ylabel(c.txt("axis.log_jobs") if log else c.outcome_label())
        ax.yaxis.set_major_formatter(num.tick_formatter(c.lang, decimals=1 if log else 0))
        _legend(fig, ax)

    return draw


def _draw_event_study(c: _Ctx) -> Callable[[Any], None]:
    band = c.a.event_band()

    def draw(fig: Any) -> None:
        ax = one_axis(fig)
        ax.fill_between(
            band["year"],
            band["placebo_low"],
            band["placebo_high"],
            color=MUTED,
            alpha=0.3,
            lw=0,
            label=c.txt("event.band"),
        )
        ax.plot(band["year"], band["coef"], color=HIGHLIGHT, lw=1.2, marker="o", ms=5, label=c.name)
        ax.axhline(0, color="0.2", lw=0.8)
        _treatment_line(ax, c)
        _years_axis(ax, c, band["year"])
        ax.set_ylabel(c.effect_label())
        ax.yaxis.set_major_formatter(num.tick_formatter(c.lang, decimals=2 if c.a.log else 0))
        _legend(fig, ax)

    return draw


def _draw_synth(c: _Ctx) -> Callable[[Any], None]:
    path = c.a.synth.path

    def draw(fig: Any) -> None:
        ax = one_axis(fig)
        ax.plot(path.index, path["synthetic"], color=colour(0), lw=2, ls="--", label=c.txt("synth.synthetic"))
        ax.plot(path.index, path["treated"], color=HIGHLIGHT, lw=2.4, marker="o", ms=3.5, label=c.name)
        _treatment_line(ax, c)
        _years_axis(ax, c, path.index)
        ax.set_ylabel(c.outcome_label())
        ax.yaxis.set_major_formatter(num.tick_formatter(c.lang))
        _legend(fig, ax)

    return draw


def _draw_placebo_gaps(c: _Ctx) -> Callable[[Any], None]:
    gaps = c.a.placebo.gaps
    region = c.a.region

    def draw(fig: Any) -> None:
        ax = one_axis(fig)
        first = True
        for unit in gaps.columns:
            if unit == region:
                continue
            ax.plot(
                gaps.index,
                gaps[unit],
                color=MUTED,
                lw=0.8,
                alpha=0.6,
                label=c.txt("synth.placebo_regions") if first else None,
            )
            first = False
        ax.plot(gaps.index, gaps[region], color=HIGHLIGHT, lw=2.4, label=c.name)
        ax.axhline(0, color="0.2", lw=0.8)
        _treatment_line(ax, c)
        _years_axis(ax, c, gaps.index)
        ax.set_ylabel(c.txt("axis.gap", unit=c.outcome_unit()))
        ax.yaxis.set_major_formatter(num.tick_formatter(c.lang))
        _legend(fig, ax)

    return draw


# ------------------------------------------------------------------------------------------------ sections


def _data_section(c: _Ctx) -> None:
    a, w = c.a, c.w
    s = c.doc.section("data", c.said("data.title"))
    s.paragraph(c.said("data.intro", table=c.source(), n=a.jobs.shape[1], start=a.start_year, end=a.end_year))
    items = []
    for cid in a.caveats:
        if cid == "agency_share":
            if a.agency is None:
                continue
            g = a.agency
            items.append(
                c.said(
                    "caveat.agency_share",
                    division=g.division,
                    section=g.section,
                    year=g.year,
                    division_jobs=c.jobs(g.division_jobs),
                    section_jobs=c.jobs(g.section_jobs),
                    share=c.pct(g.share, 0),
                    table=c.source(g.table),
                )
            )
        elif cid == "provisional":
            if not a.provisional_years:
                continue
            years = ", ".join(str(y) for y in a.provisional_years)
            items.append(c.said("caveat.provisional", years=years))
        elif cid == "national_reference":
            u = a.unclassified
            if u is not None and u.years_absent and u.first_year is not None:
                items.append(
                    c.said(
                        "caveat.national_reference",
                        absent_from=u.years_absent[0],
                        absent_to=u.years_absent[-1],
                        first_year=u.first_year,
                        first_jobs=c.jobs(u.first_jobs),
                        last_year=u.last_year,
                        last_jobs=c.jobs(u.last_jobs),
                    )
                )
            else:
                items.append(c.said("caveat.national_reference_plain"))
        elif cid == "sector_not_specific":
            items.append(c.said("caveat.sector_not_specific", sector=a.sector))
        elif cid == "one_treated_region":
            continue  # said where the inference is (DiD section)
        else:
            items.append(c.said(f"caveat.{cid}"))
    s.callout(Markup("<ul>{}</ul>").format(Markup("").join(Markup("<li>{}</li>").format(i) for i in items)))
    frame = a.key_years().assign(year_text=lambda f: [c.year(y) for y in f["year"]])
    columns = [
        Column("year_text", c.txt("table.year"), row_header=True),
        Column("region_jobs", c.name, c.txt("unit.jobs"), kind="rounded", precision=a.precision_jobs),
        Column(
            "netherlands_jobs",
            c.txt("table.netherlands"),
            c.txt("unit.jobs"),
            kind="rounded",
            precision=a.precision_jobs,
        ),
        Column("share", c.txt("table.share_of_nl"), "%", kind="percent", decimals=2),
    ]
    notes = [w("document.provisional_note")] if frame["provisional"].any() else []
    s.add(
        c.doc.table(
            "key-years",
            frame,
            columns,
            c.said("data.table_caption", sector=c.sector_words(), region=c.name),
            source=c.source(),
            notes=notes,
        )
    )


def _trends_section(c: _Ctx) -> None:
    a = c.a
    t = a.trends()
    s = c.doc.section("trends", c.said("trends.title"))
    end = a.end_year
    _later_paragraph(
        s,
        lambda: c.said(
            "trends.text",
            region=c.name,
            base=a.base_year,
            end=c.year(end),
            region_index=c.n(t.loc[end, "region"]),
            nl_index=c.n(t.loc[end, "netherlands"]),
            low=c.n(t.loc[end, "donors_p10"]),
            high=c.n(t.loc[end, "donors_p90"]),
            n=len(a.donors),
            fig=c.doc.ref("trend-lines"),
        ),
    )
    alt = c.txt(
        "trends.alt",
        region=c.name,
        base=a.base_year,
        end=end,
        region_index=c.n(t.loc[end, "region"]),
        nl_index=c.n(t.loc[end, "netherlands"]),
        low=c.n(t.loc[end, "donors_p10"]),
        high=c.n(t.loc[end, "donors_p90"]),
    )
    s.add(
        c.doc.figure(
            "trend-lines",
            _draw_trends(c),
            c.said(
                "trends.caption",
                sector=c.sector_words(),
                region=c.name,
                base=a.base_year,
                n=len(a.donors),
                year=a.treatment_year,
            )
            + _provisional_caption(c),
            alt,
            source=c.source(),
            height=4.6,
            narrow_height=5.2,
        )
    )


def _provisional_caption(c: _Ctx) -> Markup:
    return Markup(" ") + c.w("document.provisional_note") if c.a.provisional_years else Markup("")


def _shift_share_section(c: _Ctx) -> None:
    a = c.a
    ss = a.summary()["shift_share"]
    s = c.doc.section("shift-share", c.said("shift_share.title"))
    s.paragraph(c.said("shift_share.intro"))
    sections = [x for x in a.shift_share.by_sector.index if x != "rest"]
    in_rest = a.shift_share.sections_in_rest
    s.paragraph(
        c.said(
            "shift_share.sectors" if not in_rest else "shift_share.sectors_rest",
            n=len(sections),
            sections=", ".join(sections),
            in_rest=", ".join(in_rest),
        )
    )
    _later_paragraph(
        s,
        lambda: c.said(
            "shift_share.text",
            region=c.name,
            start=ss["start_year"],
            end=c.year(ss["end_year"]),
            actual=c.jobs(ss["actual"], sign=True),
            national=c.jobs(ss["national"], sign=True),
            mix=c.jobs(ss["industry_mix"], sign=True),
            regional=c.jobs(ss["regional"], sign=True),
            fig=c.doc.ref("shift-share-bars"),
            table=c.doc.ref("shift-share-sectors"),
        ),
    )
    alt = c.txt(
        "shift_share.alt",
        region=c.name,
        start=ss["start_year"],
        end=ss["end_year"],
        actual=c.jobs(ss["actual"], sign=True),
        national=c.jobs(ss["national"], sign=True),
        mix=c.jobs(ss["industry_mix"], sign=True),
        regional=c.jobs(ss["regional"], sign=True),
    )
    s.add(
        c.doc.figure(
            "shift-share-bars",
            _draw_shift_share(c),
            c.said(
                "shift_share.caption",
                sector=c.sector_words(),
                region=c.name,
                start=ss["start_year"],
                end=c.year(ss["end_year"]),
                n=a.jobs.shape[1],
            )
            + _provisional_caption(c),
            alt,
            source=c.source(),
            height=3.4,
            narrow_height=3.8,
        )
    )
    table = a.shift_share_table()
    table["sector_text"] = [c.shift_sector(x) for x in table["sector"]]
    jobs = c.txt("unit.jobs")
    p = a.precision_jobs
    columns = [
        Column("sector_text", c.txt("table.sector"), row_header=True),
        Column(
            "jobs_start", c.txt("table.jobs_in", year=ss["start_year"]), jobs, kind="rounded", precision=p
        ),
        Column(
            "jobs_end", c.txt("table.jobs_in", year=c.year(ss["end_year"])), jobs, kind="rounded", precision=p
        ),
        *(
            Column(k, c.txt(f"shift_share.component.{k}"), jobs, kind="rounded", precision=p)
            for k in _COMPONENTS
        ),
    ]
    s.add(
        c.doc.table(
            "shift-share-sectors",
            table,
            columns,
            c.said(
                "shift_share.table_caption", region=c.name, start=ss["start_year"], end=c.year(ss["end_year"])
            ),
            source=c.source(),
            notes=[c.said("shift_share.table_note")],
        )
    )
    _shift_share_years(c, s)


def _shift_share_years(c: _Ctx, s: Any) -> None:
    """How the components move with the start year (the end year fixed)."""
    a = c.a
    years = a.shift_share_years
    if years is None or years["regional"].notna().sum() < 2:
        return
    shown = years.dropna(subset=["regional"])
    end = int(shown["end_year"].iloc[0])
    _later_paragraph(
        s,
        lambda: c.said(
            "shift_share.years_text",
            first=int(shown["start_year"].min()),
            last=int(shown["start_year"].max()),
            end=c.year(end),
            low=c.jobs(shown["regional"].min(), sign=True),
            high=c.jobs(shown["regional"].max(), sign=True),
            mix_low=c.jobs(shown["industry_mix"].min(), sign=True),
            mix_high=c.jobs(shown["industry_mix"].max(), sign=True),
            base=a.base_year,
            fig=c.doc.ref("shift-share-years"),
        ),
    )
    alt = c.txt(
        "shift_share.years_alt",
        region=c.name,
        first=int(shown["start_year"].min()),
        last=int(shown["start_year"].max()),
        end=end,
        low=c.jobs(shown["regional"].min(), sign=True),
        high=c.jobs(shown["regional"].max(), sign=True),
    )
    s.add(
        c.doc.figure(
            "shift-share-years",
            _draw_shift_share_years(c, shown),
            c.said("shift_share.years_caption", region=c.name, sector=c.sector_words(), end=c.year(end))
            + _provisional_caption(c),
            alt,
            source=c.source(),
            height=4.2,
            narrow_height=4.8,
        )
    )


def _draw_shift_share_years(c: _Ctx, years: pd.DataFrame) -> Callable[[Any], None]:
    styles = {
        "national": (colour(0), "--", "s"),
        "industry_mix": (colour(4), "-.", "^"),
        "regional": (HIGHLIGHT, "-", "o"),
        "actual": ("0.35", ":", "D"),
    }

    def draw(fig: Any) -> None:
        ax = one_axis(fig)
        for key, (col, ls, marker) in styles.items():
            ax.plot(
                years["start_year"],
                years[key],
                color=col,
                ls=ls,
                marker=marker,
                ms=3.5,
                lw=2.2 if key == "regional" else 1.6,
                label=c.txt(f"shift_share.component.{key}"),
            )
        ax.axvline(c.a.base_year, color=MUTED, lw=1.0, ls=":")
        ax.axhline(0, color="0.2", lw=0.8)
        _years_axis(ax, c, years["start_year"])
        ax.set_xlabel(c.txt("shift_share.start_year"))
        ax.set_ylabel(c.txt("axis.jobs_change"))
        ax.yaxis.set_major_formatter(num.tick_formatter(c.lang))
        _legend(fig, ax)

    return draw


def _did_section(c: _Ctx) -> None:
    a = c.a
    d, e = a.did, a.event_study
    band = a.event_band()
    s = c.doc.section("did", c.said("did.title"))
    s.paragraph(c.said("did.intro", n=len(a.donors)))
    s.callout(
        c.said("did.one_region", n=len(a.donors), smallest=c.p(1 / (len(a.donors) + 1), 3)), kind="warning"
    )
    _later_paragraph(
        s,
        lambda: c.said(
            "did.text",
            region=c.name,
            year=a.treatment_year,
            estimate=c.effect(d.estimate),
            unit=c.unit(),
            placebo_p=c.p(d.placebo_p_value),
            clustered_p=c.p(d.p_value_clustered, 3),
            pretrend_placebo_p=c.p(e.pretrend_placebo_p_value),
            pretrend_p=c.p(e.pretrend_p_value, 3),
            fig=c.doc.ref("did-paths"),
            table=c.doc.ref("did-statistics"),
        ),
    )
    last = a.end_year
    alt = c.txt(
        "did.alt", region=c.name, n=len(a.donors), year=a.treatment_year, start=a.start_year, end=last
    )
    s.add(
        c.doc.figure(
            "did-paths",
            _draw_did(c),
            c.said(
                "did.caption",
                region=c.name,
                n=len(a.donors),
                outcome=c.txt("axis.log_jobs") if a.log else c.outcome_label(),
                year=a.treatment_year,
            )
            + _provisional_caption(c),
            alt,
            source=c.source(),
            height=4.2,
            narrow_height=4.8,
        )
    )
    post = band[band["year"] >= a.treatment_year]
    outside = int(((post["coef"] < post["placebo_low"]) | (post["coef"] > post["placebo_high"])).sum())
    ci_width = (band["ci_high"] - band["ci_low"]).replace(0, np.nan)
    placebo_width = (band["placebo_high"] - band["placebo_low"]).replace(0, np.nan)
    ratio = float((placebo_width / ci_width).median())
    _later_paragraph(
        s,
        lambda: c.said(
            "event.text" if outside else "event.text_inside",
            region=c.name,
            ref=a.base_year,
            outside=outside,
            n_post=len(post),
            ratio=c.n(ratio, 1),
            fig=c.doc.ref("event-study"),
        ),
    )
    alt = c.txt(
        "event.alt",
        region=c.name,
        ref=a.base_year,
        outside=outside,
        n_post=len(post),
        start=int(band["year"].min()),
        end=int(band["year"].max()),
    )
    s.add(
        c.doc.figure(
            "event-study",
            _draw_event_study(c),
            c.said("event.caption", region=c.name, ref=a.base_year, n=len(a.donors), unit=c.unit())
            + _provisional_caption(c),
            alt,
            source=c.source(),
            height=4.2,
            narrow_height=4.8,
        )
    )
    table = a.did_table()
    formatted = []
    for stat, value in zip(table["statistic"], table["value"], strict=True):
        if "p_value" in stat:
            formatted.append(escape(c.p(value, 3)))
        elif stat == "pretrend_f":
            formatted.append(escape(c.n(value, 1)))
        else:
            formatted.append(escape(c.effect(value, sign=stat == "estimate")))
    table = table.assign(
        label=[c.txt(f"did.statistic.{k}") for k in table["statistic"]],
        text=pd.Series(formatted, index=table.index, dtype=object),
    )
    columns = [
        Column("label", c.txt("table.statistic"), row_header=True),
        Column("text", c.txt("table.value"), kind="number"),
    ]
    s.add(
        c.doc.table(
            "did-statistics",
            table,
            columns,
            c.said("did.table_caption", region=c.name, sector=c.sector_words(), unit=c.unit()),
            source=c.source(),
            notes=[c.said("did.table_note")],
        )
    )
    if a.triple is not None:
        t = a.triple
        base = float(a.jobs.loc[a.base_year, a.region])
        s.paragraph(
            c.said(
                "did.triple",
                region=c.name,
                sector=c.sector_short(),
                estimate=c.effect(t.estimate),
                unit=c.unit(),
                jobs=c.jobs(to_jobs(t.estimate, a.outcome, base, log=a.log), sign=True),
                between=c.between(
                    to_jobs(t.interval_low, a.outcome, base, log=a.log),
                    to_jobs(t.interval_high, a.outcome, base, log=a.log),
                ),
                level=c.pct(t.level, 0),
                p=c.p(t.p_value),
                did_sector=c.effect(t.did_sector),
                did_rest=c.effect(t.did_rest),
            )
        )


def _synth_section(c: _Ctx) -> None:
    a = c.a
    s = c.doc.section("synth", c.said("synth.title"))
    s.paragraph(c.said("synth.intro"))
    if a.synth is None:
        s.paragraph(c.said("synth.not_run"))
        return
    sy = a.summary()["synth"]
    unit = c.outcome_unit()
    gap = a.synth_post_gap()
    top = a.weights_table(0.05)
    donors = ", ".join(f"{n} ({c.n(wt, 2)})" for n, wt in zip(top["name"], top["weight"], strict=True))
    _later_paragraph(
        s,
        lambda: c.said(
            "synth.fit",
            region=c.name,
            donors=donors,
            table=c.doc.ref("synth-weights"),
            fig=c.doc.ref("synth-paths"),
        ),
    )
    alt = c.txt("synth.alt", region=c.name, year=a.treatment_year, gap=c.n(gap, 1, sign=True), unit=unit)
    s.add(
        c.doc.figure(
            "synth-paths",
            _draw_synth(c),
            c.said("synth.caption", region=c.name, outcome=c.outcome_words(), year=a.treatment_year)
            + _provisional_caption(c),
            alt,
            source=c.source(),
            height=4.2,
            narrow_height=4.8,
        )
    )
    gaps = a.placebo.gaps
    post = gaps.loc[gaps.index >= a.treatment_year]
    wider = int((post.drop(columns=[a.region]).abs().max() >= post[a.region].abs().max()).sum())
    alt = c.txt("synth.placebo_alt", region=c.name, n=gaps.shape[1] - 1, wider=wider, year=a.treatment_year)
    s.add(
        c.doc.figure(
            "placebo-gaps",
            _draw_placebo_gaps(c),
            c.said(
                "synth.placebo_caption", region=c.name, n=gaps.shape[1] - 1, unit=unit, year=a.treatment_year
            )
            + _provisional_caption(c),
            alt,
            source=c.source(),
            height=4.2,
            narrow_height=4.8,
        )
    )
    bullets = [
        c.said(
            "synth.pre_fit",
            pre=c.n(sy["pre_rmspe"], 3),
            floor=c.n(sy["pre_rmspe_floor"], 3),
            unit=unit,
            exact=sy["n_exact_pre_fits"],
            n=sy["n_units"],
            year=a.treatment_year,
        ),
        c.said(
            "synth.post",
            year=a.treatment_year,
            gap=c.n(gap, 2, sign=True),
            unit=unit,
            post=c.n(sy["post_rmspe"], 2),
            ratio=c.n(sy["post_pre_ratio"], 1),
        ),
        c.said(
            "synth.p_value",
            p=c.p(sy["p_value"], 3),
            n=sy["n_units"],
            region=c.name,
            smallest=c.p(1 / sy["n_units"], 3),
            fig=c.doc.ref("placebo-gaps"),
        ),
    ]
    if sy["exact_pre_fit"]:
        bullets.append(c.said("synth.exact", region=c.name))
    s.bullets(bullets)
    weights = a.weights_table(0.01)
    weights["region_text"] = [
        f"{n} ({code})" for n, code in zip(weights["name"], weights["code"], strict=True)
    ]
    columns = [
        Column("region_text", c.txt("table.region"), row_header=True),
        Column("weight", c.txt("table.weight"), kind="number", decimals=3),
    ]
    s.add(
        c.doc.table(
            "synth-weights",
            weights,
            columns,
            c.said("synth.table_caption", region=c.name),
            source=c.source(),
        )
    )
    if a.sensitivity is not None:
        _synth_intervals(c, s)


def _synth_intervals(c: _Ctx, s: Any) -> None:
    """Conformal intervals (average and per year) and the range over equally good weightings."""
    a, sens = c.a, c.a.sensitivity
    unit = c.outcome_unit()
    level = c.pct(sens.level, 0)
    conf = sens.conformal
    n_pre = a.treatment_year - a.start_year
    by_year = sens.conformal_by_year()
    bounded = np.isfinite(by_year["low_jobs"]) | np.isfinite(by_year["high_jobs"])
    bullets = [
        c.said(
            "synth.conformal",
            level=level,
            year=a.treatment_year,
            estimate=c.jobs(sens.jobs(conf.estimate), sign=True),
            between=c.between(sens.jobs(conf.interval_low), sens.jobs(conf.interval_high)),
        )
    ]
    if not bounded.any():
        bullets.append(
            c.said("synth.conformal_years_open", level=level, n_pre=n_pre, smallest=c.p(1 / (n_pre + 1), 3))
        )
    pen, pconf = sens.penalised, sens.penalised_conformal
    top = pen.weights[pen.weights > 0.05].sort_values(ascending=False)
    bullets.append(
        c.said(
            "synth.penalised",
            penalty=c.n(pen.penalty, 3),
            donors=", ".join(f"{a.name(k)} ({c.n(v, 2)})" for k, v in top.items()),
            estimate=c.jobs(sens.jobs(pconf.estimate), sign=True),
            between=c.between(sens.jobs(pconf.interval_low), sens.jobs(pconf.interval_high)),
            level=level,
            p=c.p(sens.penalised_placebo.p_value),
        )
    )
    g = sens.gap_range
    if g.unique:
        bullets.append(c.said("synth.gap_unique", year=a.treatment_year))
    else:
        bullets.append(
            c.said(
                "synth.gap_range",
                year=a.treatment_year,
                low=c.n(g.low, 1, sign=True),
                high=c.n(g.high, 1, sign=True),
                unit=unit,
                low_jobs=c.jobs(sens.jobs(g.low), sign=True),
                high_jobs=c.jobs(sens.jobs(g.high), sign=True),
                gap=c.n(g.estimate, 1, sign=True),
            )
        )
    s.bullets(bullets)
    table = by_year.assign(
        year_text=[c.year(y) for y in by_year["year"]],
        gap_text=pd.Series([escape(c.jobs(v, sign=True)) for v in by_year["estimate_jobs"]], dtype=object),
        low_text=pd.Series([escape(c.end(v)) for v in by_year["low_jobs"]], dtype=object),
        high_text=pd.Series([escape(c.end(v)) for v in by_year["high_jobs"]], dtype=object),
    )
    columns = [
        Column("year_text", c.txt("table.year"), row_header=True),
        Column("gap_text", c.txt("synth.col.gap"), kind="number"),
        Column("low_text", c.txt("synth.col.low", level=level), kind="number"),
        Column("high_text", c.txt("synth.col.high", level=level), kind="number"),
    ]
    s.add(
        c.doc.table(
            "synth-conformal",
            table,
            columns,
            c.said("synth.conformal_caption", region=c.name, level=level),
            source=c.source(),
            notes=[c.said("synth.conformal_note")],
        )
    )


_METHOD_COLOURS = {"did": 0, "synth": 1, "penalised": 3, "sdid": 2}


def _draw_spec_curve(c: _Ctx) -> Callable[[Any], None]:
    specs = c.a.sensitivity.specifications.sort_values("estimate_jobs").reset_index(drop=True)
    target = _promised_change(c)

    def draw(fig: Any) -> None:
        ax = one_axis(fig)
        ends = pd.concat([specs["low_jobs"], specs["high_jobs"]]).to_numpy(dtype=float)
        ends = ends[np.isfinite(ends)]
        points = [*specs["estimate_jobs"], 0.0, *([target] if target is not None else [])]
        # the axis shows the estimates and most interval ends; ends beyond it are drawn to the edge with a mark
        lo = min(min(points), float(np.percentile(ends, 10)) if len(ends) else min(points))
        hi = max(max(points), float(np.percentile(ends, 90)) if len(ends) else max(points))
        span = (hi - lo) or 1.0
        bottom, top = lo - 0.08 * span, hi + 0.08 * span
        if target is not None:
            ax.axhline(target, color=MUTED, lw=1.2, ls=":", label=c.txt("robust.target_line"))
        x = np.arange(1, len(specs) + 1)
        for method, index in _METHOD_COLOURS.items():
            rows = specs[specs["method"] == method]
            if rows.empty:
                continue
            xs = x[rows.index]
            low = rows["low_jobs"].clip(lower=bottom).fillna(rows["estimate_jobs"])
            high = rows["high_jobs"].clip(upper=top).fillna(rows["estimate_jobs"])
            ax.vlines(xs, low, high, color=colour(index), lw=1.4, alpha=0.7)
            cut_low = rows["low_jobs"] < bottom
            cut_high = rows["high_jobs"] > top
            ax.plot(x[rows.index[cut_low]], [bottom] * int(cut_low.sum()), "v", color=colour(index), ms=5)
            ax.plot(x[rows.index[cut_high]], [top] * int(cut_high.sum()), "^", color=colour(index), ms=5)
            ax.plot(
                xs,
                rows["estimate_jobs"],
                "o",
                color=colour(index),
                ms=4,
                label=c.txt(f"robust.method.{method}"),
            )
            base = rows[rows["baseline"]]
            ax.plot(x[base.index], base["estimate_jobs"], "o", color=HIGHLIGHT, ms=8, mfc="none", mew=1.6)
        ax.axhline(0, color="0.2", lw=0.8)
        ax.set_ylim(bottom, top)
        ax.set_xlim(0, len(specs) + 1)
        ax.set_xlabel(c.txt("robust.xlabel"))
        ax.set_ylabel(c.txt("robust.ylabel"))
        ax.yaxis.set_major_formatter(num.tick_formatter(c.lang))
        _legend(fig, ax)

    return draw


def _promised_change(c: _Ctx) -> float | None:
    if c.a.targets.empty:
        return None
    return float(c.a.targets.sort_values("target_year").iloc[-1]["promised_change"])


def _robustness_section(c: _Ctx) -> None:
    a, doc = c.a, c.doc
    sens = a.sensitivity
    if sens is None:
        return
    s = doc.section("robustness", c.said("robust.title"))
    specs = sens.specifications
    level = c.pct(sens.level, 0)
    starts = sorted(specs["start_year"].unique())
    _later_paragraph(
        s,
        lambda: c.said(
            "robust.intro",
            n=len(specs),
            first=int(starts[0]),
            last=int(starts[-1]),
            level=level,
            fig=doc.ref("spec-curve"),
        ),
    )
    low, high = sens.spec_range()
    with_interval = specs.dropna(subset=["low_jobs", "high_jobs"])
    excluding = int(((with_interval["low_jobs"] > 0) | (with_interval["high_jobs"] < 0)).sum())
    positive = int((specs["estimate_jobs"] > 0).sum())
    alt = c.txt(
        "robust.alt",
        n=len(specs),
        low=c.jobs(low, sign=True),
        high=c.jobs(high, sign=True),
        positive=positive,
        excluding=excluding,
        n_interval=len(with_interval),
    )
    s.add(
        doc.figure(
            "spec-curve",
            _draw_spec_curve(c),
            c.said("robust.caption", region=c.name, n=len(specs), level=level),
            alt,
            source=c.source(),
            height=4.2,
            narrow_height=5.0,
        )
    )
    bullets = [
        c.said(
            "robust.range",
            n=len(specs),
            low=c.jobs(low, sign=True),
            high=c.jobs(high, sign=True),
            positive=positive,
            excluding=excluding,
            n_interval=len(with_interval),
            level=level,
        )
    ]
    loo = sens.leave_one_out
    if len(loo.table):
        dropped = loo.table["mean_post_gap"]
        worst = str(dropped.sub(loo.full.mean_post_gap).abs().idxmax())
        bullets.append(
            c.said(
                "robust.loo",
                n=len(loo.table),
                low=c.jobs(sens.jobs(loo.gap_range[0]), sign=True),
                high=c.jobs(sens.jobs(loo.gap_range[1]), sign=True),
                donor=a.name(worst),
                moved=c.jobs(sens.jobs(float(dropped[worst])), sign=True),
            )
        )
    if sens.in_time is not None:
        gaps = sens.in_time.gaps
        fake = sens.fake_year
        gap = float(gaps.loc[gaps.index >= fake, a.region].mean())
        bullets.append(
            c.said(
                "robust.in_time",
                fake=fake,
                year=a.treatment_year,
                gap=c.jobs(sens.jobs(gap), sign=True),
                p=c.p(sens.in_time.p_value),
            )
        )
    else:
        bullets.append(c.said("robust.in_time_short"))
    sd = sens.sdid
    bullets.append(
        c.said(
            "robust.sdid",
            estimate=c.jobs(sens.jobs(sd.estimate), sign=True),
            between=c.between(sens.jobs(sd.interval_low), sens.jobs(sd.interval_high)),
            level=level,
            p=c.p(sd.p_value),
        )
    )
    bullets.append(_mde_words(c))
    s.bullets(bullets)

    def cell(v: float) -> Markup:
        return escape(c.txt("robust.no_interval") if pd.isna(v) else c.end(v))

    def markup(values: list[Markup]) -> pd.Series:
        return pd.Series(values, index=specs.index, dtype=object)

    table = specs.assign(
        method_text=[c.txt(f"robust.method.{m}") for m in specs["method"]],
        outcome_text=[c.txt(f"robust.outcome.{o}") for o in specs["outcome"]],
        start_text=[str(int(y)) for y in specs["start_year"]],
        variant_text=[_variant_words(c, r) for _, r in specs.iterrows()],
        estimate_text=markup([escape(c.jobs(v, sign=True)) for v in specs["estimate_jobs"]]),
        low_text=markup([cell(v) for v in specs["low_jobs"]]),
        high_text=markup([cell(v) for v in specs["high_jobs"]]),
    )
    columns = [
        Column("method_text", c.txt("robust.col.method"), row_header=True),
        Column("outcome_text", c.txt("robust.col.outcome")),
        Column("start_text", c.txt("robust.col.start")),
        Column("variant_text", c.txt("robust.col.variant")),
        Column("estimate_text", c.txt("robust.col.estimate"), kind="number"),
        Column("low_text", c.txt("synth.col.low", level=level), kind="number"),
        Column("high_text", c.txt("synth.col.high", level=level), kind="number"),
    ]
    s.add(
        doc.table(
            "spec-table",
            table,
            columns,
            c.said("robust.table_caption", region=c.name, level=level),
            source=c.source(),
        )
    )


def _variant_words(c: _Ctx, row: pd.Series) -> str:
    variant = str(row["variant"])
    if variant.startswith("without:"):
        return c.txt("robust.variant.without", region=c.a.name(variant.split(":", 1)[1]))
    if variant == "baseline":
        return c.txt("robust.variant.baseline")
    other_start = int(row["start_year"]) != c.a.start_year
    other_outcome = row["outcome"] != c.a.outcome
    key = "both" if other_start and other_outcome else "start" if other_start else "outcome"
    return c.txt(f"robust.variant.{key}")


def _mde_words(c: _Ctx) -> Markup:
    sens = c.a.sensitivity
    m = sens.mde.get("synth") or sens.mde.get("did")
    promised = _promised_change(c)
    values = {
        "level": c.pct(sens.level, 0),
        "jobs": c.jobs(m["jobs"]),
        "index": c.n(m["index"], 1),
        "region": c.name,
        "ref": c.doc.ref("placebo-gaps"),
    }
    if promised is None:
        return c.said("robust.mde", **values)
    return c.said("robust.mde_target", **values, promised=num.fmt_int(promised, c.lang, sign=True))


def _entity_words(c: _Ctx, entity: str, fallback: Any) -> str:
    key = f"regional.entity.{entity}"
    if c.w.has(key):
        return c.w.text(key)
    return str(fallback) if isinstance(fallback, str) else entity


def _target_section(c: _Ctx) -> None:
    a = c.a
    doc = c.doc
    s = doc.section("target", c.said("target.title"))
    _later_paragraph(s, lambda: c.said("target.intro", table=doc.ref("stated-figures")))
    facts = a.target_facts
    rows = []
    for _, f in facts.iterrows():
        region = f["corop"] if isinstance(f["corop"], str) else None
        rows.append(
            {
                "source": doc.cite(f["source_id"], _source_label(a, f["source_id"])),
                "entity": _entity_words(c, f["entity"], f.get("entity_name")),
                "measure": c.txt(
                    f"target.measure.{'target' if f['measure'] == _target_measure() else 'count'}"
                ),
                "as_written": f["value_text"],
                "value": f["value"],
                "year": "" if pd.isna(f["year"]) else str(int(f["year"])),
                "region": a.name(region) if region else c.txt("target.no_region"),
            }
        )
    frame = pd.DataFrame(
        rows, columns=["source", "entity", "measure", "as_written", "value", "year", "region"]
    )
    frame["source"] = pd.Series(
        [r["source"] for r in rows], index=frame.index, dtype=object
    )  # links stay links
    columns = [
        Column("source", c.txt("table.source"), row_header=True),
        Column("entity", c.txt("table.entity")),
        Column("measure", c.txt("table.measure")),
        Column("as_written", c.txt("table.as_written")),
        Column("value", c.txt("table.read_as"), c.txt("unit.jobs"), kind="int"),
        Column("year", c.txt("table.year")),
        Column("region", c.txt("table.region")),
    ]
    s.add(
        doc.table(
            "stated-figures",
            frame,
            columns,
            c.said("target.stated_caption"),
            source=c.said("target.stated_source"),
        )
    )
    check = a.targets
    where = a.target_region
    if check.empty:
        if where and where != a.region:
            s.paragraph(c.said("target.elsewhere", where=a.name(where), code=where, region=c.name))
        else:
            s.paragraph(c.said("target.none"))
        return
    items = []
    for _, row in check.iterrows():
        sources = Markup(", ").join(
            doc.cite(sid.strip(), _source_label(a, sid.strip())) for sid in str(row["source_id"]).split(",")
        )
        items.append(
            c.said(
                "target.row",
                written=row["value_text"],
                sources=sources,
                baseline=num.fmt_int(row["baseline_jobs"], c.lang),
                baseline_year=row["baseline_year"],
                target=num.fmt_int(row["target_jobs"], c.lang),
                target_year=row["target_year"],
                promised=num.fmt_int(row["promised_change"], c.lang, sign=True),
                share=c.pct(row["promised_share"]),
                sector_jobs=c.jobs(row["sector_jobs_baseline"]),
                sector=c.sector_short(),
                region=c.name,
                observed=c.jobs(row["observed_change"], sign=True),
                gap=c.jobs(row["synth_gap_jobs"], sign=True),
                p90=c.jobs(row["placebo_gap_jobs_p90"]),
            )
        )
    for _, claim in a.later.iterrows():
        bounds = Markup("")
        low, high = claim.get("low"), claim.get("high")
        if low is not None and high is not None and np.isfinite(low) and np.isfinite(high):
            bounds = c.said("target.read_as", low=num.fmt_int(low, c.lang), high=num.fmt_int(high, c.lang))
        items.append(
            c.said(
                "target.later",
                written=claim["value_text"],
                source=doc.cite(claim["source_id"], _source_label(a, claim["source_id"])),
                year=int(claim["year"]),
                bounds=bounds,
                sector=c.sector_short(),
                region=c.name,
                jobs=c.jobs(claim["sector_jobs"]),
            )
        )
    smallest = float(check["placebo_gap_jobs_p90"].min())
    promised = float(check["promised_change"].max())
    if smallest > promised:
        items.append(c.said("target.too_small", promised=num.fmt_int(promised, c.lang), p90=c.jobs(smallest)))
    s.bullets(items)
    frame = check.assign(
        written=[f"{v}" for v in check["value_text"]],
        years=[f"{b}–{c.year(t)}" for b, t in zip(check["baseline_year"], check["target_year"], strict=True)],
    )
    jobs = c.txt("unit.jobs")
    p = a.precision_jobs
    columns = [
        Column("years", c.txt("table.period"), row_header=True),
        Column("promised_change", c.txt("target.col.promised"), jobs, kind="int"),
        Column(
            "promised_share",
            c.txt("target.col.share", sector=c.sector_short()),
            "%",
            kind="percent",
            decimals=1,
        ),
        Column(
            "observed_change",
            c.txt("target.col.observed", sector=c.sector_short()),
            jobs,
            kind="rounded",
            precision=p,
        ),
        Column("synth_gap_jobs", c.txt("target.col.gap"), jobs, kind="rounded", precision=p),
        Column("placebo_gap_jobs_p90", c.txt("target.col.p90"), jobs, kind="rounded", precision=p),
    ]
    notes = (
        [c.w("document.provisional_note")]
        if any(int(t) in a.provisional_years for t in check["target_year"])
        else []
    )
    s.add(
        doc.table(
            "target-check",
            frame,
            columns,
            c.said("target.check_caption", region=c.name),
            source=c.source(),
            notes=notes,
        )
    )


def _target_measure() -> str:
    from ccresearch.analysis.regional import case

    return str(case()["target"]["target_measure"])


def _source_label(a: RegionalAnalysis, source_id: str) -> str:
    """A short reader's label of a source: publisher and year."""
    rows = a.sources[a.sources["source_id"] == source_id] if "source_id" in a.sources else a.sources.iloc[0:0]
    if rows.empty:
        return source_id
    r = rows.iloc[0]
    publisher = r.get("publisher") if isinstance(r.get("publisher"), str) else ""
    date = r.get("date") if isinstance(r.get("date"), str) else ""
    return ", ".join(x for x in (publisher.strip(), date[:4]) if x) or source_id


def _limitations_section(c: _Ctx) -> None:
    a = c.a
    s = c.doc.section("limitations", c.w("document.limitations"))
    items = []
    if a.sector == "N":
        items.append(c.said("limits.proxy"))
    if a.measure == "births":
        items.append(c.said("limits.births"))
    if a.excluded:
        items.append(c.said("limits.excluded", regions=", ".join(a.name(r) for r in a.excluded)))
    items.append(c.said("limits.one_region", smallest=c.p(1 / (len(a.donors) + 1), 3)))
    items.append(
        c.said("limits.pre_years", n=a.base_year - a.start_year + 1, start=a.start_year, end=a.base_year)
    )
    items.append(c.said("limits.other_events"))
    if a.measure == "jobs":
        items.append(c.said("limits.programme_counts"))
    if a.provisional_years:
        items.append(c.said("limits.provisional", years=", ".join(str(y) for y in a.provisional_years)))
    s.bullets(items)


def _summary(c: _Ctx, s: Any) -> None:
    a, doc = c.a, c.doc
    j0, j1 = float(a.jobs.loc[a.base_year, a.region]), float(a.jobs.loc[a.end_year, a.region])
    n0, n1 = float(a.netherlands.loc[a.base_year]), float(a.netherlands.loc[a.end_year])
    summary = a.summary()
    ss = summary.get("shift_share")
    items = [
        c.said(
            "summary.jobs",
            sector=_capital(c.sector_words()),
            region=c.name,
            base=a.base_year,
            end=c.year(a.end_year),
            j0=c.jobs(j0),
            j1=c.jobs(j1),
            change=c.pct(j1 / j0 - 1, 1, sign=True),
            nl_change=c.pct(n1 / n0 - 1, 1, sign=True),
            ref=doc.ref("trend-lines"),
        ),
        None
        if a.shift_share is None
        else c.said(
            "summary.shift_share",
            start=ss["start_year"],
            end=c.year(ss["end_year"]),
            actual=c.jobs(ss["actual"], sign=True),
            national=c.jobs(ss["national"], sign=True),
            mix=c.jobs(ss["industry_mix"], sign=True),
            regional=c.jobs(ss["regional"], sign=True),
            ref=doc.ref("shift-share-bars"),
        ),
        _summary_did(c),
    ]
    synth_p = None
    if a.synth is not None:
        sy = a.summary()["synth"]
        synth_p = sy["p_value"]
        items.append(_summary_synth(c, sy))
    if a.sensitivity is not None:
        low, high = a.sensitivity.spec_range()
        items.append(
            c.said(
                "summary.robust",
                n=len(a.sensitivity.specifications),
                low=c.jobs(low, sign=True),
                high=c.jobs(high, sign=True),
                ref=doc.ref("spec-curve"),
            )
        )
    if not a.targets.empty:
        t = a.targets.sort_values("target_year").iloc[-1]
        key = (
            "summary.target_hidden" if t["placebo_gap_jobs_p90"] > t["promised_change"] else "summary.target"
        )
        items.append(
            c.said(
                key,
                baseline=num.fmt_int(t["baseline_jobs"], c.lang),
                target=num.fmt_int(t["target_jobs"], c.lang),
                year=t["target_year"],
                promised=num.fmt_int(t["promised_change"], c.lang, sign=True),
                share=c.pct(t["promised_share"]),
                sector=c.sector_short(),
                p90=c.jobs(t["placebo_gap_jobs_p90"]),
                ref=doc.ref("target-check"),
            )
        )
    if a.sensitivity is not None:
        items.append(_mde_words(c))
    quiet = (a.did.placebo_p_value or 1) > 0.1 and (synth_p is None or synth_p > 0.1)
    items.append(c.said("summary.reading_quiet" if quiet else "summary.reading_stands_out", region=c.name))
    s.bullets([i for i in items if i is not None])
    key = "jobs_change" if a.measure == "jobs" else f"{a.measure}_change"
    doc.add_headline(key, c.txt("headline.jobs_change"), c.jobs(summary["change"]["value"], sign=True))
    doc.add_headline("did_placebo_p_value", c.txt("headline.did_p"), c.p(a.did.placebo_p_value))
    if synth_p is not None:
        doc.add_headline("synth_placebo_p_value", c.txt("headline.synth_p"), c.p(synth_p))


def _summary_did(c: _Ctx) -> Markup:
    a = c.a
    values = {
        "year": a.treatment_year,
        "n": len(a.donors),
        "placebo_p": c.p(a.did.placebo_p_value),
        "ref": c.doc.ref("did-statistics"),
        "fig": c.doc.ref("event-study"),
    }
    if a.sensitivity is None:
        return c.said(
            "summary.did",
            estimate=c.effect(a.did.estimate),
            unit=c.unit(),
            clustered_p=c.p(a.did.p_value_clustered, 3),
            **values,
        )
    est, low, high = effect_interval_jobs(a.sensitivity, "did")
    return c.said(
        "summary.did_interval",
        estimate=c.jobs(est, sign=True),
        between=c.between(low, high),
        level=c.pct(a.sensitivity.level, 0),
        **values,
    )


def _summary_synth(c: _Ctx, sy: dict[str, Any]) -> Markup:
    a = c.a
    values = {
        "year": a.treatment_year,
        "p": c.p(sy["p_value"]),
        "n": sy["n_units"],
        "exact": sy["n_exact_pre_fits"],
        "ref": c.doc.ref("placebo-gaps"),
    }
    if a.sensitivity is None:
        return c.said(
            "summary.synth", gap=c.n(a.synth_post_gap(), 1, sign=True), unit=c.outcome_unit(), **values
        )
    est, low, high = effect_interval_jobs(a.sensitivity, "synth")
    return c.said(
        "summary.synth_interval",
        estimate=c.jobs(est, sign=True),
        between=c.between(low, high),
        level=c.pct(a.sensitivity.level, 0),
        **values,
    )


def report(result: RegionalAnalysis, language: str = "nl") -> Document:
    """The whole report of one regional analysis in ``language`` (``nl`` or ``en``)."""
    w = Words(language)
    a = result
    outcome = (
        w.text("regional.outcome.index", base=a.base_year)
        if a.outcome == "index"
        else w.text("regional.outcome.jobs")
    )
    w = MeasureWords(language, a.measure)
    doc = Document(
        w.language,
        w.text("regional.title", region=a.region_name, year=a.treatment_year),
        "",
        stem="03_regional_job_growth",
    )
    doc.words = w
    c = _Ctx(a, doc)
    doc.subtitle = w.text(
        "regional.subtitle",
        region=a.region_name,
        code=a.region,
        sector=c.sector_words(),
        start=a.start_year,
        end=a.end_year,
        year=a.treatment_year,
        n=len(a.donors),
        outcome=outcome,
    )
    summary = doc.section("summary", w("document.summary"), numbered=False)
    _data_section(c)
    _trends_section(c)
    if a.shift_share is not None:
        _shift_share_section(c)
    _did_section(c)
    _synth_section(c)
    _robustness_section(c)
    if a.measure == "jobs":  # the stated targets are jobs
        _target_section(c)
    _limitations_section(c)
    _summary(c, summary)
    glossary_section(doc, GLOSSARY)
    ids = list(a.sources["source_id"]) if "source_id" in a.sources else []
    sources_section(
        doc,
        a.sources if ids else pd.DataFrame(columns=["source_id"]),
        ids,
        cbs_tables=tuple(
            dict.fromkeys([a.data_table, *CBS_TABLES[1:]] if a.measure == "jobs" else [a.data_table])
        ),
        literature=LITERATURE,
    )
    return doc
