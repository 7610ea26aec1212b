"""The spend report (notebook 02) in words, tables and figures, from a :class:`~ccresearch.analysis.spend.SpendResult`.

Every word comes from the message catalogue (``spend.*`` in ``messages/<language>.yaml``), every number is
written by :mod:`ccresearch.report.numbers` (Babel). :func:`report` builds the whole :class:`Document`: key
findings first (each claim linked to its table or figure), method, the four cases, what the data cannot show,
the provenance of every ratio, glossary and sources. Intervals are said in words (``minstens € 2.661``,
``hoogstens 50%``, ``€ 900 tot € 1.000``); a missing figure is said to be unknown; a figure without a stated
value (a range, a vague magnitude) is said by its bounds.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Literal

from markupsafe import Markup

from ccresearch.analysis.spend import MonitoringPoint, Ratio, SpendResult
from ccresearch.core.cited import Cited
from ccresearch.core.interval import Interval
from ccresearch.report import numbers as num
from ccresearch.report.citations import glossary_section, sources_section
from ccresearch.report.document import Column, Document
from ccresearch.report.language import Words, check_language, text
from ccresearch.report.style import MUTED, PALETTE, one_axis

if TYPE_CHECKING:
    import pandas as pd

Kind = Literal["money", "count", "share"]
GLOSSARY = (
    "cofinancing",
    "own_share",
    "deadweight",
    "displacement",
    "substitution",
    "additionality",
    "interval",
)
LITERATURE = ("additionality-guide-2014",)

__all__ = ["describe_interval", "kind_of", "period_words", "report"]


# --- numbers in words ---------------------------------------------------------------------------------------


def kind_of(unit: str) -> Kind:
    """How to write numbers of a unit: ``money`` for EUR units, ``share`` for shares, else ``count``."""
    if unit.startswith("EUR"):
        return "money"
    return "share" if unit == "share" else "count"


def _fmt(x: float, language: str, kind: Kind, decimals: int = 0) -> str:
    if kind == "share":
        return num.fmt_percent(x, language, decimals)
    if kind == "money":
        return num.fmt_money(x, language, decimals)
    return num.fmt_number(x, language, decimals)


def describe_interval(
    iv: Interval | Cited | Ratio | None, language: str = "en", *, kind: Kind = "money", decimals: int = 0
) -> str:
    """An interval in words: ``€921``; ``at least €2,661``; ``at most 800``; ``€900 to €1,000``; ``unknown``.

    The stated value comes first when it lies strictly inside both bounds: ``170 (153 to 187)``. Without a
    stated value the bounds alone are said (``30 to 40``, ``at least 500``).
    """
    language = check_language(language)
    if iv is None:
        return text("number.unknown", language)
    if isinstance(iv, Cited | Ratio):
        iv = iv.interval
    value = iv.value

    def f(x: float) -> str:
        return _fmt(x, language, kind, decimals)

    low_open, high_open = math.isinf(iv.low), math.isinf(iv.high)
    if low_open and high_open:
        return (
            text("number.unknown", language) if value is None else text("number.about", language, x=f(value))
        )
    if not low_open and not high_open and f(iv.low) == f(iv.high):
        return f(iv.low)
    at_least = value is None or value == iv.low
    at_most = value is None or value == iv.high
    if high_open:
        if at_least:
            return text("number.at_least", language, x=f(iv.low))
        return f"{f(value)} ({text('number.at_least', language, x=f(iv.low))})"  # type: ignore[arg-type]
    if low_open or (iv.low <= 0 and at_most):
        if at_most:
            return text("number.at_most", language, x=f(iv.high))
        return f"{f(value)} ({text('number.at_most', language, x=f(iv.high))})"  # type: ignore[arg-type]
    between = text("number.range", language, low=f(iv.low), high=f(iv.high))
    if value is None or value in (iv.low, iv.high):
        return between
    return f"{f(value)} ({between})"


def _say(words: Words, q: Interval | Cited | Ratio | None, kind: Kind = "money") -> str:
    return describe_interval(q, words.language, kind=kind)


def _pct(x: float, language: str) -> str:
    return num.fmt_percent(x, language, 0)


def _date_words(date: str | None, language: str) -> str:
    """A source date as written (``2015``, ``2015-03``, ``2015-03-02``) in words; undated in words too."""
    if not date:
        return text("spend.undated", language)
    if len(date) >= 10:
        return num.fmt_date(date[:10], language)
    if len(date) == 7:
        return num.fmt_month(date + "-01", language)
    return date


def period_words(start: Any, end: Any, language: str) -> str:
    """A period in words: ``2020``; ``2018 tot en met 2022``; ``juni 2022``; ``1 mei 2014``; '' when unknown."""
    import pandas as pd

    if pd.isna(start) and pd.isna(end):
        return ""
    if pd.isna(start):
        start = end
    if pd.isna(end):
        end = start
    s, e = pd.Timestamp(start), pd.Timestamp(end)
    whole_years = s.month == 1 and s.day == 1 and e.month == 12 and e.day == 31
    if whole_years:
        if s.year == e.year:
            return str(s.year)
        return text("spend.inflow.period.span", language, start=s.year, end=e.year)
    if s == e:
        return num.fmt_date(s, language)
    if s.day == 1 and (e + pd.Timedelta(days=1)).day == 1 and (s.year, s.month) == (e.year, e.month):
        return num.fmt_month(s.date().isoformat(), language)
    return text(
        "spend.inflow.period.span", language, start=num.fmt_date(s, language), end=num.fmt_date(e, language)
    )


def _up_to(end: Any, language: str) -> str:
    """``up to 2022`` / ``tot juni 2022``: the end of a cumulative count in words."""
    import pandas as pd

    if pd.isna(end):
        return ""
    e = pd.Timestamp(end)
    if e.month == 12 and e.day == 31:
        when = str(e.year)
    elif (e + pd.Timedelta(days=1)).day == 1:
        when = num.fmt_month(e.date().isoformat(), language)
    else:
        when = num.fmt_date(e, language)
    return text("spend.inflow.period.up_to", language, date=when)


# --- small pieces -------------------------------------------------------------------------------------------


def _label(words: Words, ratio: Ratio, titles: dict[str, str]) -> str:
    key = f"spend.ratio.{ratio.definition}"
    source = ratio.name.partition("__")[2]
    return words.text(key, title=titles.get(source, "")) if source else words.text(key)


def _readable(value: Any) -> str:
    """A publisher or title from the sources table, unless it is a transcriber's note in brackets."""
    return (
        value.strip()
        if isinstance(value, str) and value.strip() and not value.strip().startswith("[")
        else ""
    )


def _source_text(result: SpendResult, source_id: str, language: str) -> str:
    row = (
        result.sources.set_index("source_id").loc[source_id]
        if source_id in set(result.sources["source_id"])
        else None
    )
    if row is None:
        return source_id
    name = _readable(row["publisher"]) or _readable(row["title"]) or source_id
    return text("spend.source_date", language, publisher=name, date=_date_words(row["date"], language))


def _sources_line(doc: Document, result: SpendResult, ids: Sequence[str]) -> Markup:
    links = [doc.cite(s, _source_text(result, s, doc.language)) for s in dict.fromkeys(ids)]
    return Markup("; ").join(links)


def _join(words: Words, items: Sequence[str]) -> str:
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return words.text("spend.list_sep").join(items[:-1]) + f" {words.text('spend.and')} " + items[-1]


def _bound_cell(words: Words, x: float | None, *, high: bool = False) -> Any:
    """A bound or stated value for a table: the number, or words for an open bound or no stated value."""
    if x is None:
        return words.text("spend.no_value")
    if math.isinf(x):
        return words.text("spend.open" if high else "spend.open_low")
    return float(x)  # a number: the table writes it, the CSV copy keeps it


# --- figures ------------------------------------------------------------------------------------------------


def _wrap_chars(fig: Any) -> int:
    """Characters of a label line that fit the figure's width at the house font size."""
    return max(28, int(fig.get_figwidth() * 10))


def draw_ranges(
    fig: Any, rows: Sequence[tuple[str, Interval | None]], language: str, kind: Kind, xlabel: str
) -> Any:
    """One row per ratio, top to bottom: its label above, a dot at the stated value, a bar over its range.

    An open upper bound runs into the right edge as a dashed arrow with the words "no upper bound"; a row
    without a ratio says "unknown". Labels sit above the bars, so the figure reads at 4 inches wide.
    """
    ax = one_axis(fig)
    color = PALETTE[0]
    finite = [
        x
        for _, iv in rows
        if iv is not None
        for x in (iv.low, iv.value, iv.high)
        if x is not None and math.isfinite(x)
    ]
    right = max(finite) * 1.3 if finite else 1.0
    width = _wrap_chars(fig)
    n = len(rows)
    for i, (label, iv) in enumerate(rows):
        y = n - 1 - i
        ax.text(0, y + 0.28, textwrap.fill(label, width), ha="left", va="bottom", fontsize="medium")
        if iv is None:
            ax.text(
                0,
                y,
                text("spend.figure.unknown", language),
                ha="left",
                va="center",
                fontsize="small",
                color=MUTED,
            )
            continue
        lo = iv.low if math.isfinite(iv.low) else 0.0
        hi = iv.high if math.isfinite(iv.high) else right
        if not (iv.value is not None and iv.low == iv.value == iv.high):
            ax.plot([lo, hi], [y, y], color=color, lw=4, alpha=0.35, solid_capstyle="butt")
        point = iv.value if iv.value is not None else None
        if point is not None:
            ax.plot([point], [y], "o", color=color)
        if math.isinf(iv.high):
            start = point if point is not None else lo
            ax.annotate(
                "",
                xy=(right, y),
                xytext=(start, y),
                arrowprops={"arrowstyle": "->", "color": color, "lw": 1.5, "linestyle": "--"},
            )
        said = describe_interval(iv, language, kind=kind)
        anchor = point if point is not None else lo
        ax.text(anchor, y - 0.18, said, ha="left", va="top", fontsize="small")
    ax.set_yticks([])
    ax.set_ylim(-0.7, n - 0.4)
    ax.set_xlim(0, right)
    ax.grid(axis="y", visible=False)
    ax.xaxis.set_major_formatter(num.tick_formatter(language, "money" if kind == "money" else "number"))
    ax.set_xlabel(xlabel)
    for side in ("left",):
        ax.spines[side].set_visible(False)
    ax.tick_params(axis="x", labelsize="small")
    return ax


def _ranges_alt(words: Words, rows: Sequence[tuple[str, Interval | None]], kind: Kind) -> str:
    known = [(label, iv) for label, iv in rows if iv is not None]
    if not known:
        return words.text("spend.figure.alt_unknown", n=num.fmt_int(len(rows), words.language))
    label, iv = max(known, key=lambda r: r[1].value if r[1].value is not None else r[1].low)
    alt = words.text(
        "spend.figure.alt_ranges",
        n=num.fmt_int(len(rows), words.language),
        label=label,
        value=describe_interval(iv, words.language, kind=kind),
    )
    missing = len(rows) - len(known)
    if missing:
        alt += " " + words.text("spend.figure.alt_unknown", n=num.fmt_int(missing, words.language))
    return alt


def draw_sensitivity(fig: Any, frame: pd.DataFrame, current: float | None, language: str) -> Any:
    """Net cost per additional job as each share varies (the others at their chosen values); a dotted line
    marks the net cost at the chosen values."""
    ax = one_axis(fig)
    names = {
        "deadweight": "glossary.deadweight.term",
        "displacement": "glossary.displacement.term",
        "substitution": "glossary.substitution.term",
    }
    styles = {"deadweight": "-", "displacement": "--", "substitution": ":"}
    colors = {"deadweight": PALETTE[2], "displacement": PALETTE[3], "substitution": PALETTE[4]}
    for name, group in frame.groupby("assumption", sort=False):
        key = str(name)
        line = group["value"].where(group["value"].notna(), group["low"])
        ax.plot(
            group["share"],
            line,
            styles.get(key, "-"),
            color=colors.get(key),
            lw=2,
            label=text(names[key], language),
        )
        if (group["low"] != group["high"]).any():
            ax.fill_between(
                group["share"],
                group["low"],
                group["high"].where(group["high"].abs() != math.inf),
                alpha=0.12,
                color=colors.get(key),
            )
    if current is not None:
        ax.axhline(current, color="grey", lw=1, ls=":")
    ax.set_xlabel(text("spend.valley.sens_x", language))
    ax.set_ylabel(text("spend.valley.sens_y", language))
    ax.xaxis.set_major_formatter(num.tick_formatter(language, "percent", 0))
    ax.yaxis.set_major_formatter(num.tick_formatter(language, "money"))
    ax.set_ylim(0, None)
    ax.legend(loc="upper left")
    return ax


# --- the report ---------------------------------------------------------------------------------------------


def report(result: SpendResult, *, language: str = "nl") -> Document:
    """The whole spend report as a :class:`Document` in ``language`` (``nl`` or ``en``)."""
    language = check_language(language)
    w = Words(language)
    doc = Document(language, w.text("spend.title"), w.text("spend.subtitle"), stem="02_spend_vs_outcomes")
    titles = {
        str(s): str(t) for s, t in zip(result.sources["source_id"], result.sources["title"], strict=True)
    }
    summary = doc.section("summary", w("document.summary"), numbered=False)
    _method(doc, w, result)
    _sector_plan(doc, w, result, titles)
    _national(doc, w, result, titles)
    _valley(doc, w, result, titles)
    _inflow(doc, w, result)
    _limitations(doc, w)
    _annex(doc, w, result, titles)
    glossary_section(doc, GLOSSARY)
    sources_section(doc, result.sources, list(result.sources["source_id"]), literature=LITERATURE)
    _summary(doc, w, result, summary)
    grant = result.plan.ratios["sectorplan_grant_per_planned_participant"]
    net = result.valley.ratios["csv_total_per_additional_job"]
    doc.add_headline(grant.name, w.text("spend.headline.grant"), _say(w, grant))
    doc.add_headline(net.name, w.text("spend.headline.valley"), _say(w, net))
    return doc


def _who(w: Words, outcome: str) -> str:
    return w.text(f"spend.outcome.{outcome}")


def _summary(doc: Document, w: Words, result: SpendResult, section: Any) -> None:
    plan, valley, national = result.plan, result.valley, result.national
    r = plan.ratios
    lang = w.language
    items = [
        w(
            "spend.summary.plan",
            granted=_say(w, plan.granted),
            applied=_say(w, plan.applied),
            share=_say(w, r["sectorplan_grant_share_of_applied"], "share"),
            total=_say(w, plan.total_cost),
            planned=_say(w, plan.planned_total, "count"),
            grant=_say(w, r["sectorplan_grant_per_planned_participant"]),
            own=_say(w, r["sectorplan_own_share_per_planned_participant"]),
            whole=_say(w, r["sectorplan_total_cost_per_planned_participant"]),
            ref=Markup("{}, {}").format(doc.ref("plan_ratios"), doc.ref("plan_figure")),
        ),
        w(
            "spend.summary.people",
            planned=_say(w, plan.planned_total, "count"),
            people=_say(w, plan.people, "count"),
            per_person=_say(w, plan.grant_per_person),
            ref=doc.ref("plan_people"),
        ),
    ]
    known = national.known
    who = _who(w, national.outcome)
    ref = Markup("{}, {}").format(doc.ref("national_table"), doc.ref("national_figure"))
    if known:
        first, last = known[0], known[-1]
        items.append(
            w(
                "spend.summary.national",
                who=who,
                first=_say(w, first.ratio),
                first_title=first.title,
                last=_say(w, last.ratio),
                last_title=last.title,
                n_known=num.fmt_int(len(known), lang),
                n_missing=num.fmt_int(len(national.points) - len(known), lang),
                n=num.fmt_int(len(national.points), lang),
                ref=ref,
            )
        )
    else:
        items.append(
            w("spend.summary.national_none", who=who, n=num.fmt_int(len(national.points), lang), ref=ref)
        )
    items.append(
        w(
            "spend.summary.valley",
            public=_say(w, valley.public),
            private=_say(w, valley.private),
            companies=_say(w, valley.companies, "count"),
            each=_say(w, valley.per_company_per_year),
            years=_say(w, valley.public_years, "count"),
            jobs=_say(w, valley.extra_jobs, "count"),
            gross=_say(w, valley.ratios["csv_total_per_promised_job"]),
            net=_say(w, valley.ratios["csv_total_per_additional_job"]),
            dw=_pct(result.deadweight, lang),
            dp=_pct(result.displacement, lang),
            sb=_pct(result.substitution, lang),
            ref=Markup("{}, {}").format(doc.ref("valley_table"), doc.ref("valley_sensitivity")),
        )
    )
    items.append(
        w(
            "spend.summary.inflow",
            n=num.fmt_int(len(result.inflow.programmes), lang),
            n_spend=num.fmt_int(len(result.inflow.spend_known), lang),
            ref=doc.ref("inflow_table"),
        )
    )
    section.bullets(items)


def _method(doc: Document, w: Words, result: SpendResult) -> None:
    lang = w.language
    other = "realised" if result.outcome == "planned" else "planned"
    guide = Markup('<a href="#lit-additionality-guide-2014">{}</a>').format("HCA 2014")
    n_recorded = len(result.to_record()["cost_ratios"])
    section = doc.section("method", w("spend.method.title"))
    section.bullets(
        [
            w("spend.method.intervals"),
            w("spend.method.views"),
            w("spend.method.outcome", who=_who(w, result.outcome), other=_who(w, other)),
            w(
                "spend.method.net",
                guide=guide,
                dw=_pct(result.deadweight, lang),
                dp=_pct(result.displacement, lang),
                sb=_pct(result.substitution, lang),
                factor=num.fmt_percent(result.factor, lang, 1),
            ),
            w("spend.method.record", n=num.fmt_int(n_recorded, lang)),
        ]
    )


def _ratio_frame(w: Words, ratios: Sequence[Ratio], titles: dict[str, str]) -> pd.DataFrame:

    rows = []
    for r in ratios:
        rows.append(
            {
                "ratio": _label(w, r, titles),
                "low": _bound_cell(w, r.low),
                "value": _bound_cell(w, r.value),
                "high": _bound_cell(w, r.high, high=True),
            }
        )
    return _frame(rows, ["ratio", "low", "value", "high"])


def _ratio_columns(w: Words) -> list[Column]:
    """Ratio, low, stated value, high: the numbers in euros (the caption says per what); open bounds in words."""
    return [
        Column("ratio", w.text("spend.col.ratio"), row_header=True),
        Column("low", w.text("spend.col.low"), w.text("spend.unit.eur"), kind="money"),
        Column("value", w.text("spend.col.value"), w.text("spend.unit.eur"), kind="money"),
        Column("high", w.text("spend.col.high"), w.text("spend.unit.eur"), kind="money"),
    ]


def _frame(rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> pd.DataFrame:
    """A table frame of objects (pandas would turn Markup cells, links and escaped words, into plain str)."""
    import pandas as pd

    def keep(v: Any) -> Any:  # "€ 921" never breaks after the euro sign
        return v.replace("€ ", "€\u00a0") if isinstance(v, str) and not isinstance(v, Markup) else v

    return pd.DataFrame(
        [{k: keep(v) for k, v in r.items()} for r in rows], columns=list(columns), dtype=object
    )


def _cells(frame: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """Wrap already-written cells as Markup-escaped text, so numeric columns keep their alignment."""
    import pandas as pd
    from markupsafe import escape

    out = frame.copy()
    for col in columns:
        out[col] = pd.Series(
            [escape(v) if isinstance(v, str) else v for v in out[col]], index=out.index, dtype=object
        )
    return out


def _sector_plan(doc: Document, w: Words, result: SpendResult, titles: dict[str, str]) -> None:

    plan = result.plan
    lang = w.language
    section = doc.section("plan", w("spend.plan.title"))
    money = [
        ("applied", plan.applied),
        ("granted", plan.granted),
        ("total_cost", plan.total_cost),
        ("own_share", plan.own_share),
    ]
    money_frame = _frame(
        [
            {
                "item": w.text(f"spend.plan.row.{key}"),
                "written": q.formula + (f" ({q.period})" if q.period else ""),
                "amount": _say(w, q),
                "sources": _sources_line(doc, result, q.source_ids),
            }
            for key, q in money
        ],
        ["item", "written", "amount", "sources"],
    )
    section.add(
        doc.table(
            "plan_money",
            money_frame,
            [
                Column("item", w.text("spend.col.item"), row_header=True),
                Column("written", w.text("spend.col.written")),
                Column("amount", w.text("spend.col.amount"), w.text("spend.unit.eur")),
                Column("sources", w.text("spend.col.sources")),
            ],
            w("spend.plan.money_caption"),
            source=_sources_line(doc, result, [s for _, q in money for s in q.source_ids]),
        )
    )
    if plan.grant_date and plan.total_cost_date and plan.days_apart is not None:
        section.callout(
            w(
                "spend.plan.dates_caveat",
                grant_source=_source_text(result, plan.granted.source_ids[0], lang),
                cost_source=_source_text(result, plan.total_cost.source_ids[0], lang),
                days=num.fmt_int(plan.days_apart, lang),
            ),
            kind="caveat",
        )
    else:
        section.callout(
            w(
                "spend.plan.dates_unknown",
                grant_source=_source_text(result, plan.granted.source_ids[0], lang),
                cost_source=_source_text(result, plan.total_cost.source_ids[0], lang),
            ),
            kind="caveat",
        )
    people = [(w.text(f"spend.plan.measure.{m}"), q) for m, q in plan.planned.items()]
    people.append((w.text("spend.plan.row.planned_total"), plan.planned_total))
    people_frame = _people_frame(doc, w, result, people)
    section.add(
        doc.table(
            "plan_people",
            people_frame,
            [
                Column("item", w.text("spend.col.item"), row_header=True),
                Column("written", w.text("spend.col.written")),
                Column("count", w.text("spend.col.count"), w.text("spend.unit.persons"), kind="number"),
                Column("sources", w.text("spend.col.sources")),
            ],
            w("spend.plan.people_caption"),
            source=_sources_line(doc, result, plan.planned_total.source_ids),
        )
    )
    parts = _join(
        w,
        [
            w.text("spend.plan.part", n=_say(w, q, "count"), what=w.text(f"spend.plan.part_word.{m}"))
            for m, q in plan.planned.items()
        ],
    )
    section.callout(
        w(
            "spend.plan.people_caveat",
            planned=_say(w, plan.planned_total, "count"),
            parts=parts,
            largest=num.fmt_int(plan.people.low, lang),
            per_person=_say(w, plan.grant_per_person),
        ),
        kind="caveat",
    )
    if plan.realised is None:
        section.paragraph(w("spend.plan.no_realised"))
    ratios = [plan.ratios[k] for k in plan.per_participant]
    section.add(
        doc.table(
            "plan_ratios",
            _cells(_ratio_frame(w, ratios, titles), ["low", "value", "high"]),
            _ratio_columns(w),
            w("spend.plan.ratios_caption"),
            source=_sources_line(doc, result, [s for r in ratios for s in r.sources]),
        )
    )
    rows = [(_label(w, r, titles), r.interval) for r in ratios]
    section.add(
        doc.figure(
            "plan_figure",
            lambda fig: draw_ranges(fig, rows, lang, "money", w.text("spend.figure.axis_participant")),
            w("spend.plan.figure_caption"),
            alt=_ranges_alt(w, rows, "money"),
            source=_sources_line(doc, result, [s for r in ratios for s in r.sources]),
            height=0.95 * len(rows) + 1.0,
            narrow_height=1.25 * len(rows) + 1.0,
        )
    )


def _people_frame(
    doc: Document, w: Words, result: SpendResult, people: Sequence[tuple[str, Cited]]
) -> pd.DataFrame:

    rows = []
    for label, q in people:
        exact = q.interval.is_exact
        rows.append(
            {
                "item": label,
                "written": q.formula.strip("()"),
                "count": num.fmt_int(q.value, w.language) if exact else _say(w, q, "count"),
                "sources": _sources_line(doc, result, q.source_ids),
            }
        )
    frame = _frame(rows, ["item", "written", "count", "sources"])
    return _cells(frame, ["count"])


def _national(doc: Document, w: Words, result: SpendResult, titles: dict[str, str]) -> None:

    national = result.national
    lang = w.language
    who = _who(w, national.outcome)
    section = doc.section("national", w("spend.national.title"))
    section.paragraph(w("spend.national.derived", n=num.fmt_int(len(national.points), lang)))

    def ratio_cell(p: MonitoringPoint) -> str:
        if p.ratio is not None:
            return _say(w, p.ratio)
        what = _join(w, [w.text(f"spend.national.missing_what.{m}") for m in p.missing])
        return w.text("spend.national.missing", what=what)

    frame = _frame(
        [
            {
                "report": doc.cite(p.source_id, p.title),
                "date": _date_words(p.date, lang),
                "cofinancing": _say(w, p.cofinancing),
                "intended": _say(w, p.intended, "count"),
                "realised": _say(w, p.realised, "count"),
                "ratio": ratio_cell(p),
            }
            for p in national.points
        ],
        ["report", "date", "cofinancing", "intended", "realised", "ratio"],
    )
    c = "spend.national.col."
    section.add(
        doc.table(
            "national_table",
            frame,
            [
                Column("report", w.text(c + "report"), row_header=True),
                Column("date", w.text(c + "date")),
                Column("cofinancing", w.text(c + "cofinancing"), w.text("spend.unit.eur")),
                Column("intended", w.text(c + "intended"), w.text("spend.unit.persons")),
                Column("realised", w.text(c + "realised"), w.text("spend.unit.persons")),
                Column("ratio", w.text(c + "ratio"), w.text("spend.unit.eur_participant")),
            ],
            w("spend.national.caption", who=who),
            source=_sources_line(doc, result, national.source_ids),
        )
    )
    rows = [(p.title, p.ratio.interval if p.ratio else None) for p in national.points]
    section.add(
        doc.figure(
            "national_figure",
            lambda fig: draw_ranges(fig, rows, lang, "money", w.text("spend.figure.axis_participant")),
            w("spend.national.figure_caption", who=who),
            alt=_ranges_alt(w, rows, "money"),
            source=_sources_line(doc, result, national.source_ids),
            height=0.8 * len(rows) + 1.0,
            narrow_height=1.05 * len(rows) + 1.0,
        )
    )
    for p in national.placed:
        how = w.text(f"spend.national.how.{p.placement}", other=titles.get(p.neighbour or "", ""))
        section.callout(w("spend.national.placed", title=p.title, how=how), kind="caveat")
    for fall in national.falls:
        section.callout(
            w(
                "spend.national.fall",
                later=titles.get(fall.later, fall.later),
                later_count=_say(w, fall.later_count, "count"),
                earlier_count=_say(w, fall.earlier_count, "count"),
                earlier=titles.get(fall.earlier, fall.earlier),
            ),
            kind="caveat",
        )


def _valley(doc: Document, w: Words, result: SpendResult, titles: dict[str, str]) -> None:
    v = result.valley
    lang = w.language
    years = _say(w, v.public_years, "count")
    section = doc.section("valley", w("spend.valley.title"))
    period = next((f.period for f in [v.public] if f.period), "") or ""
    section.bullets(
        [
            w("spend.valley.public", public=_say(w, v.public), years=years, period=period),
            w(
                "spend.valley.private",
                companies=_say(w, v.companies, "count"),
                names=_join(w, list(v.contributions)),
                each=_say(w, v.per_company_per_year),
                years=years,
                private=_say(w, v.private),
            ),
            w(
                "spend.valley.total",
                public=_say(w, v.public),
                private=_say(w, v.private),
                total=_say(w, v.total),
            ),
            w(
                "spend.valley.jobs",
                target=_say(w, v.jobs_target, "count"),
                now=_say(w, v.jobs_now, "count"),
                year=v.year,
                extra=_say(w, v.extra_jobs, "count"),
            ),
        ]
    )
    ratios = list(v.ratios.values())
    sources = [s for r in ratios for s in r.sources]
    section.add(
        doc.table(
            "valley_table",
            _cells(_ratio_frame(w, ratios, titles), ["low", "value", "high"]),
            _ratio_columns(w),
            w("spend.valley.caption"),
            source=_sources_line(doc, result, sources),
        )
    )
    rows = [(_label(w, r, titles), r.interval) for r in ratios]
    section.add(
        doc.figure(
            "valley_figure",
            lambda fig: draw_ranges(fig, rows, lang, "money", w.text("spend.figure.axis_job")),
            w("spend.valley.figure_caption"),
            alt=_ranges_alt(w, rows, "money"),
            source=_sources_line(doc, result, sources),
            height=0.85 * len(rows) + 1.0,
            narrow_height=1.15 * len(rows) + 1.0,
        )
    )
    sens = result.sensitivity
    current = v.ratios["csv_total_per_additional_job"]
    gross = v.ratios["csv_total_per_promised_job"]
    values = sens["value"].where(sens["value"].notna(), sens["low"])
    alt = w.text(
        "spend.valley.sens_alt",
        lo=_pct(float(sens["share"].min()), lang),
        hi=_pct(float(sens["share"].max()), lang),
        start=num.fmt_money(float(values.min()), lang),
        end=num.fmt_money(float(values.max()), lang),
        current=_say(w, current),
    )
    section.add(
        doc.figure(
            "valley_sensitivity",
            lambda fig: draw_sensitivity(
                fig, sens, current.value if current.value is not None else current.low, lang
            ),
            w("spend.valley.sens_caption"),
            alt=alt,
            source=_sources_line(doc, result, gross.sources),
            height=4.0,
            narrow_height=3.8,
        )
    )


def _fact_phrase(w: Words, fact: Any) -> str:
    """``‘zo'n 170’ opgeleid (2018 tot en met 2022)``: the figure as written, what it counts, its period.

    A cumulative count (``period_kind``) is said to run up to its end date; another fact's period is said only
    when the source states one (its ``period_text``), never the year the source appeared in.
    """
    lang = w.language
    measure = str(fact["measure"])
    key = f"spend.inflow.measure.{measure}"
    what = w.text(key) if w.has(key) else w.text("spend.inflow.measure.other")
    figure = f"‘{fact['value_text']}’"
    kind = fact["period_kind"] if isinstance(fact["period_kind"], str) else ""
    period = ""
    if kind == "cumulative":
        period = _up_to(fact["period_end"], lang)
    elif isinstance(fact["period_text"], str) and fact["period_text"].strip():
        period = period_words(fact["period_start"], fact["period_end"], lang) or f"‘{fact['period_text']}’"
    if period:
        return w.text("spend.inflow.phrase_period", figure=figure, what=what, period=period)
    return w.text("spend.inflow.phrase", figure=figure, what=what)


def _inflow(doc: Document, w: Words, result: SpendResult) -> None:

    inflow = result.inflow
    unknown = w.text("number.unknown")
    section = doc.section("inflow", w("spend.inflow.title"))
    rows = []
    for pid in inflow.programmes:
        key = f"spend.inflow.programme.{pid}"
        row: dict[str, Any] = {"programme": w.text(key) if w.has(key) else inflow.names[pid]}
        mine = inflow.cells[inflow.cells["programme"] == pid]
        for col in inflow.columns:
            hits = mine[mine["column"] == col]
            row[col] = "; ".join(_fact_phrase(w, r) for _, r in hits.iterrows()) or unknown
        ids = inflow.sources.get(pid, ())
        row["sources"] = _sources_line(doc, result, ids) if ids else unknown
        rows.append(row)
    frame = _frame(rows, ["programme", *inflow.columns, "sources"])
    units = {
        "participants": "spend.unit.as_written",
        "pass": "spend.unit.share",
        "placement": "spend.unit.share",
    }
    units |= {"retention": "spend.unit.share", "spend": "spend.unit.eur"}
    columns = [Column("programme", w.text("spend.inflow.col.programme"), row_header=True)]
    for col in inflow.columns:
        label_key = f"spend.inflow.col.{col}"
        columns.append(
            Column(
                col,
                w.text(label_key) if w.has(label_key) else col,
                w.text(units.get(col, "spend.unit.as_written")),
            )
        )
    columns.append(Column("sources", w.text("spend.inflow.col.sources")))
    all_ids = [s for ids in inflow.sources.values() for s in ids]
    section.add(
        doc.table(
            "inflow_table",
            frame,
            columns,
            w("spend.inflow.caption"),
            source=_sources_line(doc, result, all_ids),
        )
    )
    if inflow.spend_known:
        section.paragraph(w("spend.inflow.some_spend", n=num.fmt_int(len(inflow.spend_known), w.language)))
    else:
        section.paragraph(w("spend.inflow.no_spend"))


def _limitations(doc: Document, w: Words) -> None:
    section = doc.section("limitations", w("document.limitations"))
    section.bullets(
        [w(f"spend.limitations.{k}") for k in ("planned", "cofinancing", "scope", "people", "net", "causal")]
    )


def _annex(doc: Document, w: Words, result: SpendResult, titles: dict[str, str]) -> None:

    section = doc.section("annex", w("spend.annex.title"))
    section.paragraph(w("spend.annex.intro"))
    ratios = list(result.ratios().values())
    frame = _frame(
        [
            {
                "ratio": _label(w, r, titles),
                "formula": r.formula,
                "facts": ", ".join(r.facts),
                "sources": _sources_line(doc, result, r.sources),
            }
            for r in ratios
        ],
        ["ratio", "formula", "facts", "sources"],
    )
    section.add(
        doc.table(
            "annex_table",
            frame,
            [
                Column("ratio", w.text("spend.col.ratio"), row_header=True),
                Column("formula", w.text("spend.col.formula"), w.text("spend.unit.as_written")),
                Column("facts", w.text("spend.col.facts")),
                Column("sources", w.text("spend.col.sources")),
            ],
            w("spend.annex.caption"),
            source=_sources_line(doc, result, [s for r in ratios for s in r.sources]),
        )
    )
