"""The evidence base as a report (notebook 01): sources, coverage, conflicts, events and how exact the figures are.

:func:`report` turns an :class:`ccresearch.analysis.evidence.EvidenceBase` (``ccresearch.summarise_evidence``)
into a :class:`~ccresearch.report.document.Document`. Every word comes from the catalogue (``evidence.*`` keys of
``messages/<language>.yaml``); figures as written and titles stay as the source wrote them, marked with the
source's language. Source ids appear only as links to the source list, and in the provenance annex.
"""

from __future__ import annotations

import datetime as _dt
import math
import textwrap
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from ccresearch.analysis.evidence import QUALIFIERS, UNDATED, VERDICTS, EvidenceBase
from ccresearch.report import numbers as num
from ccresearch.report.citations import glossary_section, sources_section
from ccresearch.report.document import Column, Document, Section
from ccresearch.report.style import HIGHLIGHT, MUTED, colour, one_axis

if TYPE_CHECKING:
    import pandas as pd

GLOSSARY = ("qualifier", "interval", "conflict", "verdict", "period_kind", "undated")
#: where the figures of this report come from (the processed tables of the evidence base)
_SOURCE_KEY = "evidence.source_line"


# --------------------------------------------------------------------------------------------- words


def _is_missing(value: Any) -> bool:
    if value is None:
        return True
    try:
        return bool(value != value)  # NaN, NaT
    except (TypeError, ValueError):
        return False


def entity_words(doc: Document, entity: str, name: Any = None) -> str:
    """The name of an entity in the reader's language (catalogue ``evidence.entity.<id>``, else as named)."""
    key = f"evidence.entity.{entity}"
    if doc.words.has(key):
        return doc.words.text(key)
    return str(name) if isinstance(name, str) and name else str(entity)


def measure_words(doc: Document, measure: str) -> str:
    """What a measure counts, in words (``evidence.measure.<id>``)."""
    key = f"evidence.measure.{measure}"
    return doc.words.text(key) if doc.words.has(key) else doc.words.text("evidence.measure_unknown")


def kind_words(doc: Document, kind: str, *, plural: bool = False) -> str:
    """A source kind in words (``news`` -> ``nieuwsbericht`` / ``nieuwsberichten``)."""
    key = f"evidence.source_kind.{kind}.{'plural' if plural else 'one'}"
    return doc.words.text(key) if doc.words.has(key) else doc.words.text("evidence.source_kind_other")


def date_words(date: Any, language: str) -> str:
    """A source date as written (``2015-03-02``, ``2015-03``, ``2015``) in words; ``undated`` when empty."""
    if not isinstance(date, str) or not date.strip():
        from ccresearch.report.language import text

        return text("source.undated", language)
    date = date.strip()
    if len(date) >= 10:
        return num.fmt_date(date[:10], language)
    if len(date) == 7:
        return num.fmt_month(date + "-01", language)
    return date


def _as_date(value: Any) -> _dt.date | None:
    if _is_missing(value) or value == "":
        return None
    if isinstance(value, str):
        return _dt.date.fromisoformat(value[:10])
    if hasattr(value, "date"):
        return value.date() if not isinstance(value, _dt.date) or isinstance(value, _dt.datetime) else value
    return value


def span_words(start: Any, end: Any, language: str) -> str:
    """A period from ``start`` to ``end`` in words: a day, a month, a year, years, or two dates; an open
    start (a count up to a date) reads "up to ..."; no dates at all reads "no period"."""
    from ccresearch.report.language import text

    s, e = _as_date(start), _as_date(end)
    if s is None and e is None:
        return text("evidence.period.none", language)
    if s is None:
        return text("evidence.period.until", language, date=span_words(e, e, language))
    if e is None:
        return text("evidence.period.since", language, date=span_words(s, s, language))
    if s == e:
        return num.fmt_date(s, language)
    whole_start_month = s.day == 1
    end_of_month = (e + _dt.timedelta(days=1)).day == 1
    if whole_start_month and end_of_month:
        if (s.month, e.month) == (1, 12):
            if s.year == e.year:
                return str(s.year)
            return text("evidence.period.years", language, first=s.year, last=e.year)
        if (s.year, s.month) == (e.year, e.month):
            return num.fmt_month(s, language)
        return text(
            "evidence.period.range",
            language,
            start=num.fmt_month(s, language),
            end=num.fmt_month(e, language),
        )
    return text(
        "evidence.period.range", language, start=num.fmt_date(s, language), end=num.fmt_date(e, language)
    )


def period_text_words(period: Any, language: str) -> str:
    """A conflict's period as stored (``2016-08-01..2016-08-31``, ``2016-04-30``, ``..2016-12-31``) in words."""
    if not isinstance(period, str) or not period.strip() or period.strip() == UNDATED:
        return span_words(None, None, language)
    if ".." in period:
        start, end = period.split("..", 1)
        return span_words(start or None, end or None, language)
    return span_words(period, period, language)


def _number(x: float, unit: Any, language: str) -> str:
    if unit == "EUR":
        return num.fmt_money(x, language)
    if unit == "share":
        return num.fmt_percent(x, language, 0 if abs(float(x) * 100 - round(float(x) * 100)) < 1e-6 else 1)
    decimals = 0 if abs(float(x) - round(float(x))) < 1e-6 else 1
    return num.fmt_number(x, language, decimals)


def unit_words(unit: Any, language: str) -> str:
    """The unit after a number (``persons`` -> ``personen``); empty for euros and shares (in the number)."""
    from ccresearch.report.language import has, text

    if not isinstance(unit, str) or unit in ("", "EUR", "share", "unit", "count"):
        return ""
    key = f"evidence.unit.{unit.replace('/', '_per_')}"
    return text(key, language) if has(key, language) else ""


def interval_words(low: Any, value: Any, high: Any, unit: Any, language: str) -> str:
    """What a figure allows, in words: ``1.800.000``, ``minstens € 1.800.000``, ``1.440 tot 1.760``."""
    from ccresearch.report.language import text

    def finite(x: Any) -> bool:
        return not _is_missing(x) and math.isfinite(float(x))

    if not finite(low) and not finite(high):
        return text("number.unknown", language)
    if finite(low) and finite(high) and float(low) == float(high):
        words = _number(low, unit, language)
    elif finite(low) and not finite(high):
        words = text("number.at_least", language, x=_number(low, unit, language))
    elif (finite(high) and (not finite(low) or float(low) == 0) and not finite(value)) or (
        finite(high) and float(low) == 0 and finite(value) and float(value) == float(high)
    ):
        words = text("number.at_most", language, x=_number(high, unit, language))
    else:
        words = text(
            "number.range", language, low=_number(low, unit, language), high=_number(high, unit, language)
        )
    after = unit_words(unit, language)
    return f"{words} {after}" if after else words


def _quoted(text: Any, language: Any) -> Markup:
    """A figure or date as the source wrote it, in quotation marks, marked with the source's language."""
    lang = language if isinstance(language, str) and language else "nl"
    return Markup('<q lang="{}">{}</q>').format(lang, "" if _is_missing(text) else str(text))


def _data_text(value: Any) -> Any:
    """A name or title from the data; a bracketed editorial note (``[title not in the transcription]``) is the
    project's own note, written in English, and is marked so."""
    if isinstance(value, str) and value.startswith("[") and value.endswith("]"):
        return Markup('<span lang="en">{}</span>').format(value)
    return "" if _is_missing(value) else value


def _title(value: Any, language: Any) -> Markup:
    """A source title as published, in its own language (a bracketed note as the project's note)."""
    if isinstance(value, str) and value.startswith("[") and value.endswith("]"):
        return _data_text(value)
    return Markup('<cite lang="{}">{}</cite>').format(language or "nl", "" if _is_missing(value) else value)


def _cite_source(doc: Document, sources: pd.DataFrame, source_id: str) -> Markup:
    """``Publisher (date)`` linked to the source's entry in the source list."""
    row = sources.loc[source_id] if source_id in sources.index else None
    if row is None:
        return doc.cite(source_id, doc.words.text("evidence.unknown_source"))
    label = doc.words(
        "evidence.cite",
        publisher=_data_text(row.get("publisher", "")),
        date=date_words(row.get("date"), doc.language),
    )
    return doc.cite(source_id, label)


def _source_language(sources: pd.DataFrame, source_id: str) -> str:
    if source_id in sources.index and isinstance(sources.loc[source_id].get("language"), str):
        return sources.loc[source_id]["language"] or "nl"
    return "nl"


# --------------------------------------------------------------------------------------------- figures


def _text(value: Any) -> str:
    """A string from the data, or "" when missing."""
    return value.strip() if isinstance(value, str) else ""


def _put(frame: pd.DataFrame, name: str, values: list[Any]) -> None:
    """Set a column of cells as objects (so links and quoted text stay safe HTML, not plain strings)."""
    import pandas as pd

    frame[name] = pd.Series(values, dtype=object, index=frame.index)


def _frame(rows: list[dict[str, Any]], columns: list[str]) -> pd.DataFrame:
    """A table of cells kept as objects (see :func:`_put`)."""
    import pandas as pd

    return pd.DataFrame({c: pd.Series([r.get(c) for r in rows], dtype=object) for c in columns})


def _wrap(text: str, width: int) -> str:
    return "\n".join(textwrap.wrap(text, width)) or text


def draw_coverage(matrix: pd.DataFrame, labels: list[str], language: str) -> Any:
    """A draw function: a heatmap of entities (rows) by year (columns). Wide: the count written in each cell;
    narrow (phones): colours only, the scale below. Cells without figures stay blank (no figure is not a
    figure of 0)."""

    def draw(fig: Any) -> None:
        import numpy as np

        ax = one_axis(fig)
        values = matrix.to_numpy(dtype=float)
        narrow = fig.get_figwidth() < 5
        masked = np.ma.masked_where(values == 0, values)
        image = ax.imshow(masked, aspect="auto", cmap="Blues", vmin=0, vmax=max(1.0, values.max()))
        columns = list(matrix.columns)
        ticks = [j for j, c in enumerate(columns) if not narrow or c == UNDATED or int(c) % 2 == 0]
        ax.set_xticks(ticks)
        ax.set_xticklabels(
            [
                num_text("evidence.coverage.undated", language) if columns[j] == UNDATED else columns[j]
                for j in ticks
            ],
            rotation=90,
            fontsize=8,
        )
        ax.set_yticks(range(matrix.shape[0]))
        ax.set_yticklabels([_wrap(lab, 20 if narrow else 34) for lab in labels], fontsize=8)
        ax.grid(False)
        ax.set_xticks(np.arange(-0.5, matrix.shape[1]), minor=True)
        ax.set_yticks(np.arange(-0.5, matrix.shape[0]), minor=True)
        ax.grid(which="minor", color="white", linewidth=0.8)
        ax.tick_params(which="minor", length=0)
        if not narrow:
            for (i, j), v in np.ndenumerate(values):
                if v:
                    ax.text(
                        j,
                        i,
                        num.fmt_int(v, language),
                        ha="center",
                        va="center",
                        fontsize=7,
                        color="white" if v > values.max() / 2 else "black",
                    )
        ax.set_xlabel(num_text("evidence.coverage.x_label", language))
        if narrow:
            bar = fig.colorbar(
                image, ax=ax, orientation="horizontal", location="bottom", shrink=0.8, aspect=30
            )
        else:
            bar = fig.colorbar(image, ax=ax, shrink=0.6, pad=0.02)
        bar.set_label(num_text("evidence.coverage.legend", language))

    return draw


def _row_labels(ax: Any, labels: list[str], narrow: bool) -> None:
    """Name each row: beside the axis when wide; above its row across the whole width when narrow (phones),
    so the drawing keeps the width of the screen."""
    ax.set_yticks(range(len(labels)))
    if narrow:
        ax.set_yticklabels([""] * len(labels))
        ax.tick_params(axis="y", length=0)
        for i, label in enumerate(labels):
            ax.text(
                0.0,
                i - 0.28,
                _wrap(label, 58),
                transform=ax.get_yaxis_transform(),
                fontsize=8,
                va="bottom",
                ha="left",
                linespacing=1.1,
            )
    else:
        ax.set_yticklabels([_wrap(lab, 44) for lab in labels], fontsize=8)
    ax.set_ylim(len(labels) - 0.5, -1.0 if narrow else -0.5)


def draw_qualifiers(counts: pd.DataFrame, labels: list[str], language: str) -> Any:
    """A draw function: horizontal bars, the number of figures per qualifier, the count at the end of each."""

    def draw(fig: Any) -> None:
        ax = one_axis(fig)
        narrow = fig.get_figwidth() < 5
        names = [_wrap(lab, 14 if narrow else 30) for lab in labels][::-1]
        values = list(counts["n_facts"])[::-1]
        bars = ax.barh(names, values, color=colour(0))
        for bar, v in zip(bars, values, strict=True):
            ax.text(
                bar.get_width(),
                bar.get_y() + bar.get_height() / 2,
                " " + num.fmt_int(v, language),
                va="center",
            )
        ax.set_xlabel(num_text("evidence.exactness.x_label", language))
        ax.xaxis.set_major_formatter(num.tick_formatter(language))
        ax.margins(x=0.15)
        ax.grid(axis="y", visible=False)

    return draw


def draw_intervals(
    vague: pd.DataFrame, labels: list[str], language: str, qualifier_names: dict[str, str] | None = None
) -> Any:
    """A draw function: each vague figure as the interval it allows, relative to the number as written (1 is
    the number; an open upper bound runs off the right edge as an arrow)."""

    def draw(fig: Any) -> None:
        ax = one_axis(fig)
        narrow = fig.get_figwidth() < 5
        right = 2.0
        seen: set[str] = set()
        for i, rec in enumerate(vague.itertuples(index=False)):
            ref = rec.value if not _is_missing(rec.value) and rec.value else (rec.low or rec.high)
            if _is_missing(ref) or not ref:
                continue
            low = rec.low / ref if not _is_missing(rec.low) else 0.0
            high = rec.high / ref if math.isfinite(rec.high) else math.inf
            kind = rec.qualifier
            c = colour(QUALIFIERS.index(kind) if kind in QUALIFIERS else 7)
            name = (qualifier_names or {}).get(kind, kind)
            ax.plot(
                [low, min(high, right)],
                [i, i],
                color=c,
                linewidth=3,
                solid_capstyle="butt",
                label=None if kind in seen else name,
            )
            seen.add(kind)
            if high > right:  # open, or wider than the axis: the line runs on
                ax.annotate(
                    "", xy=(right, i), xytext=(right - 0.15, i), arrowprops={"arrowstyle": "->", "color": c}
                )
            if not _is_missing(rec.value):
                ax.plot([1], [i], marker="|", color="black", markersize=8)
        ax.axvline(1, color=MUTED, linewidth=0.8, linestyle="--")
        _row_labels(ax, labels, narrow)
        ax.set_xlim(0, right + 0.05)
        from matplotlib.ticker import MultipleLocator

        ax.xaxis.set_major_locator(MultipleLocator(0.5))
        ax.xaxis.set_major_formatter(num.tick_formatter(language, decimals=1))
        ax.set_xlabel(num_text("evidence.exactness.interval_x", language))
        ax.grid(axis="y", visible=False)
        if seen:
            fig.legend(loc="outside lower center", ncol=2 if narrow else 4)

    return draw


def draw_timeline(events: pd.DataFrame, labels: list[str], language: str) -> Any:
    """A draw function: one row per event at its date; an exact day is a filled dot, an approximate date or
    a date known only to the month or year a hollow dot on a line across the period it may fall in."""

    def draw(fig: Any) -> None:
        import matplotlib.dates as mdates

        ax = one_axis(fig)
        narrow = fig.get_figwidth() < 5
        exact_seen = vague_seen = False
        for i, rec in enumerate(events.itertuples(index=False)):
            if _is_missing(rec.date_start):
                continue
            start = rec.date_start
            end = rec.date_end if not _is_missing(rec.date_end) else start
            exact = rec.precision == "day" and rec.date_qualifier == "exact" and start == end
            if exact:
                label = None if exact_seen else num_text("evidence.events.legend_exact", language)
                ax.plot([start], [i], "o", color=colour(0), markersize=6, label=label)
                exact_seen = True
            else:
                label = None if vague_seen else num_text("evidence.events.legend_approximate", language)
                ax.plot([start, end], [i, i], color=HIGHLIGHT, linewidth=2)
                ax.plot(
                    [start],
                    [i],
                    "o",
                    markerfacecolor="white",
                    markeredgecolor=HIGHLIGHT,
                    markersize=6,
                    label=label,
                )
                vague_seen = True
        _row_labels(ax, labels, narrow)
        ax.xaxis.set_major_locator(mdates.YearLocator(2 if narrow else 1))
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
        ax.tick_params(axis="x", rotation=90, labelsize=8)
        ax.set_xlabel(num_text("evidence.events.x_label", language))
        ax.grid(axis="y", visible=False)
        if exact_seen or vague_seen:
            fig.legend(loc="outside lower center", ncol=1 if narrow else 2)

    return draw


def num_text(key: str, language: str, **values: Any) -> str:
    """Plain catalogue text (axis labels, legends)."""
    from ccresearch.report.language import text

    return text(key, language, **values)


# ---------------------------------------------------------------------------------------------- sections


def _event_date_words(rec: Any, language: str) -> str:
    """When an event happened, in words, as exact as the source is (``rond 1 augustus 2014``, ``sinds 2004``)."""
    start = _as_date(rec.date_start)
    if start is None:
        return num_text("evidence.events.undated", language)
    precision = rec.precision if isinstance(rec.precision, str) else "day"
    qualifier = rec.date_qualifier if isinstance(rec.date_qualifier, str) else "exact"
    if precision not in ("day", "month", "year"):  # a quarter, a half, a span: the days it may fall on
        when = span_words(start, rec.date_end, language)
        return (
            num_text("evidence.date_qualifier.approximate", language, date=when)
            if qualifier == "approximate"
            else when
        )
    if precision == "year":
        when = str(start.year)
    elif precision == "month":
        when = num.fmt_month(start, language)
    else:
        when = num.fmt_date(start, language)
    key = f"evidence.date_qualifier.{qualifier}"
    from ccresearch.report.language import has

    if qualifier != "exact" and has(key, language):
        return num_text(key, language, date=when)
    return when


def _ref(doc: Document, *keys: str) -> Any:
    """A link to the first of ``keys`` the document has (a figure is left out when there is nothing to draw)."""
    for key in keys:
        try:
            doc.kind_of(key)
        except KeyError:
            continue
        return doc.ref(key)
    raise KeyError(f"none of {keys} is in the document")


def _summary(doc: Document, result: EvidenceBase, section: Section) -> None:
    w, s, lang = doc.words, result.summary, doc.language
    n = lambda x: num.fmt_int(x, lang)  # noqa: E731
    kinds = ", ".join(
        w.text("evidence.summary.kind_count", n=n(v), kind=kind_words(doc, k, plural=v != 1))
        for k, v in s.sources_by_kind.items()
    )
    bullets = [
        w(
            "evidence.summary.sources",
            n=n(s.n_sources),
            kinds=kinds or w.text("evidence.summary.none"),
            undated=n(s.n_undated_sources),
            ref=doc.ref("sources-table"),
        ),
    ]
    years = _years_with_figures(result)
    if years:
        bullets.append(
            w(
                "evidence.summary.facts",
                n=n(s.n_facts),
                entities=n(s.n_entities),
                measures=n(s.n_measures),
                first=years[0],
                last=years[-1],
                ref=_ref(doc, "coverage-figure", "coverage-table"),
            )
        )
    else:
        bullets.append(w("evidence.summary.facts_undated", n=n(s.n_facts), ref=doc.ref("coverage-table")))
    verdicts = "; ".join(
        w.text(f"evidence.summary.verdict_count.{v}", n=n(s.conflicts_by_verdict.get(v, 0))) for v in VERDICTS
    )
    bullets.append(
        w("evidence.summary.conflicts", n=n(s.n_conflicts), verdicts=verdicts, ref=doc.ref("conflicts"))
    )
    bullets.append(
        w("evidence.summary.events", n=n(s.n_events), ref=_ref(doc, "events-figure", "events-table"))
    )
    q = s.qualifiers
    share = q.get("exact", 0) / s.n_facts if s.n_facts else 0.0
    bullets.append(
        w(
            "evidence.summary.exactness",
            exact=n(q.get("exact", 0)),
            total=n(s.n_facts),
            share=num.fmt_percent(share, lang, 0),
            lower=n(q.get("lower_bound", 0)),
            upper=n(q.get("upper_bound", 0)),
            approximate=n(q.get("approximate", 0)),
            range=n(q.get("range", 0)),
            ref=doc.ref("qualifier-figure"),
            ref_intervals=_ref(doc, "intervals-figure", "qualifier-table"),
        )
    )
    bullets.append(filters_words(doc, result))
    section.bullets(bullets)


def _years_with_figures(result: EvidenceBase) -> list[int]:
    """The years some kept figure covers (from the coverage matrix), in order."""
    return sorted(int(c) for c in result.coverage.columns if c != UNDATED and result.coverage[c].sum() > 0)


def full_years(matrix: pd.DataFrame) -> pd.DataFrame:
    """The coverage matrix with every year from the first to the last (0 where no figure), so that a gap in
    the data shows as a gap; ``undated`` stays last."""
    years = sorted(int(c) for c in matrix.columns if c != UNDATED)
    cols = [str(y) for y in range(years[0], years[-1] + 1)] if years else []
    if UNDATED in matrix.columns:
        cols.append(UNDATED)
    return matrix.reindex(columns=cols, fill_value=0)


def filters_words(doc: Document, result: EvidenceBase) -> Markup:
    """The filters applied, in words (which sources are in this report and how many were left out)."""
    w, s, lang = doc.words, result.summary, doc.language
    f = s.filters
    if f.since_year is None and f.source_kinds is None:
        return w("evidence.filters.none", n=num.fmt_int(s.n_sources, lang))
    parts = []
    if f.since_year is not None:
        parts.append(w.text("evidence.filters.since", year=f.since_year))
    if f.source_kinds is not None:
        kinds = ", ".join(kind_words(doc, k, plural=True) for k in f.source_kinds)
        parts.append(w.text("evidence.filters.kinds", kinds=kinds))
    return w(
        "evidence.filters.some",
        filters="; ".join(parts),
        left_out=num.fmt_int(s.n_sources_total - s.n_sources, lang),
        total=num.fmt_int(s.n_sources_total, lang),
        facts_left_out=num.fmt_int(result.n_facts_total - s.n_facts, lang),
    )


def _method(doc: Document) -> None:
    w = doc.words
    section = doc.section("method", w("evidence.method.title"))
    section.paragraph(w("evidence.method.sources"))
    section.paragraph(w("evidence.method.qualifiers"))
    section.bullets(w(f"evidence.qualifier.{q}.rule") for q in QUALIFIERS)
    section.paragraph(w("evidence.method.conflicts"))
    section.bullets(
        Markup("<strong>{}</strong>: {}").format(
            w(f"evidence.verdict.{v}.title"), w(f"evidence.verdict.{v}.definition")
        )
        for v in VERDICTS
    )
    section.paragraph(w("evidence.method.kinds"))
    section.bullets(w(f"evidence.conflict_kind.{k}") for k in ("values", "sum", "dates", "names", "scope"))
    section.paragraph(w("evidence.method.filters"))


def _sources(doc: Document, result: EvidenceBase, source_line: str) -> None:
    w, lang = doc.words, doc.language
    section = doc.section("sources-overview", w("evidence.sources.title"))
    section.paragraph(w("evidence.sources.intro", n=num.fmt_int(len(result.sources), lang)))
    frame = result.sources.copy()
    _put(
        frame,
        "title_link",
        [doc.cite(r.source_id, _title(r.title, r.language)) for r in frame.itertuples(index=False)],
    )
    _put(frame, "publisher", [_data_text(p) for p in frame["publisher"]])
    _put(frame, "kind_words", [kind_words(doc, k) for k in frame["kind"]])
    _put(frame, "date_words", [date_words(d, lang) for d in frame["date"]])
    columns = [
        Column("publisher", w.text("evidence.sources.publisher"), row_header=True),
        Column("title_link", w.text("evidence.sources.title_col")),
        Column("kind_words", w.text("evidence.sources.kind")),
        Column("date_words", w.text("evidence.sources.date")),
        Column(
            "n_facts", w.text("evidence.sources.n_facts"), unit=w.text("evidence.units_count"), kind="int"
        ),
        Column(
            "n_events", w.text("evidence.sources.n_events"), unit=w.text("evidence.units_count"), kind="int"
        ),
    ]
    section.add(doc.table("sources-table", frame, columns, w("evidence.sources.caption"), source=source_line))


def _coverage(doc: Document, result: EvidenceBase, source_line: str) -> None:
    w, lang = doc.words, doc.language
    section = doc.section("coverage", w("evidence.coverage.title"))
    matrix = full_years(result.coverage)
    names = {e: entity_words(doc, e, result.entity_names.get(e)) for e in matrix.index}
    if len(matrix):
        order = sorted(matrix.index, key=lambda e: names[e].lower())
        matrix = matrix.loc[order]
        labels = [names[e] for e in matrix.index]
        years = [c for c in matrix.columns if c != UNDATED]
        flat = matrix.stack()
        top_entity, top_year = flat.idxmax()
        alt = w.text(
            "evidence.coverage.alt",
            entities=num.fmt_int(len(matrix), lang),
            first=years[0] if years else "",
            last=years[-1] if years else "",
            top=names[top_entity],
            top_n=num.fmt_int(flat.max(), lang),
            top_year=top_year if top_year != UNDATED else w.text("evidence.coverage.undated"),
            undated=num.fmt_int(int((matrix.get(UNDATED, 0) > 0).sum()) if UNDATED in matrix else 0, lang),
        )
        section.add(
            doc.figure(
                "coverage-figure",
                draw_coverage(matrix, labels, lang),
                w("evidence.coverage.caption"),
                alt,
                source=source_line,
                height=max(3.6, 0.28 * len(matrix) + 1.6),
                narrow_height=max(3.6, 0.3 * len(matrix) + 2.6),
            )
        )
    table = result.coverage_table.copy()
    _put(
        table,
        "entity_words",
        [entity_words(doc, e, n) for e, n in zip(table["entity"], table["entity_name"], strict=True)],
    )
    _put(table, "measure_words", [measure_words(doc, m) for m in table["measure"]])
    _put(
        table,
        "years_words",
        [
            ", ".join([*_spans(ys), *([w.text("evidence.coverage.undated")] if u else [])])
            for ys, u in zip(table["years"], table["undated"], strict=True)
        ],
    )
    _put(
        table,
        "source_links",
        [
            Markup("; ").join(
                _cite_source(doc, result.all_sources.set_index("source_id", drop=False), s) for s in ids
            )
            for ids in table["sources"]
        ],
    )
    table = table.sort_values(["entity_words", "measure_words"], key=lambda c: c.str.lower())
    columns = [
        Column("entity_words", w.text("evidence.coverage.entity"), row_header=True),
        Column("measure_words", w.text("evidence.coverage.measure")),
        Column("years_words", w.text("evidence.coverage.years")),
        Column(
            "n_facts", w.text("evidence.coverage.n_facts"), unit=w.text("evidence.units_count"), kind="int"
        ),
        Column("source_links", w.text("evidence.coverage.sources")),
    ]
    section.add(
        doc.table("coverage-table", table, columns, w("evidence.coverage.table_caption"), source=source_line)
    )
    # the introduction refers to the table, so it is written once the table is in the document
    section.blocks.insert(
        0, Markup("<p>{}</p>").format(w("evidence.coverage.intro", ref=doc.ref("coverage-table")))
    )


def _spans(years: Iterable[int]) -> list[str]:
    spans: list[list[int]] = []
    for y in years:
        if spans and y == spans[-1][1] + 1:
            spans[-1][1] = y
        else:
            spans.append([y, y])
    return [f"{a}–{b}" if a != b else str(a) for a, b in spans]


def _reason(doc: Document, c: Any) -> Markup:
    """Why a pair is a conflict with its verdict, in words: what is compared, then the test that found it
    (detected) or the verdict's definition and where the project's note is (noted by hand)."""
    w = doc.words
    kind_key = f"evidence.conflict_kind_short.{c.kind}"
    what = w(kind_key) if w.has(kind_key) else Markup("")
    definition_key = f"evidence.verdict.{c.verdict}.definition"
    definition = w(definition_key) if w.has(definition_key) else w("evidence.verdict_other")
    detected = getattr(c, "detected", True)
    if detected is False or detected == 0:
        why = w("evidence.conflicts.noted")
    else:
        key = f"evidence.reason.{c.kind}.{c.verdict}"
        why = w(key) if w.has(key) else definition
    return Markup("{} {}").format(what, why) if what else why


def _what_words(doc: Document, measure: str) -> str:
    """A conflict's measure in words: a measure of figures, or the kind of event two dates are for."""
    if doc.words.has(f"evidence.measure.{measure}"):
        return measure_words(doc, measure)
    return _event_measure(doc, measure)


def _conflicts(doc: Document, result: EvidenceBase) -> None:
    w, lang = doc.words, doc.language
    section = doc.section("conflicts", w("evidence.conflicts.title"))
    section.paragraph(w("evidence.conflicts.intro", n=num.fmt_int(len(result.conflicts), lang)))
    by_id = result.all_sources.set_index("source_id", drop=False)
    ledger = result.conflicts
    for verdict in [*VERDICTS, *sorted(set(ledger["verdict"]) - set(VERDICTS))]:
        group = ledger[ledger["verdict"] == verdict]
        title_key = f"evidence.verdict.{verdict}.title"
        title = w(title_key) if w.has(title_key) else w("evidence.verdict_other")
        section.add(Markup("<h3>{}</h3>").format(title))
        if w.has(f"evidence.verdict.{verdict}.definition"):
            section.paragraph(w(f"evidence.verdict.{verdict}.definition"))
        if group.empty:
            section.paragraph(w("evidence.conflicts.none"))
            continue
        rows = []
        for c in group.itertuples(index=False):
            measure = _what_words(doc, c.measure)
            rows.append(
                {
                    "what": Markup("{}: {}").format(entity_words(doc, c.entity, c.entity_name), measure),
                    "a": _side(doc, by_id, c, "a", result.units.get(c.measure)),
                    "b": _side(doc, by_id, c, "b", result.units.get(c.measure)),
                    "reason": _reason(doc, c),
                }
            )

        columns = [
            Column("what", w.text("evidence.conflicts.what"), row_header=True),
            Column("a", w.text("evidence.conflicts.side_a")),
            Column("b", w.text("evidence.conflicts.side_b")),
            Column("reason", w.text("evidence.conflicts.reason")),
        ]
        section.add(
            doc.table(
                f"conflicts-{verdict}",
                _frame(rows, [c.id for c in columns]),
                columns,
                w("evidence.conflicts.caption", verdict=title),
                source=w("evidence.conflicts.source"),
            )
        )


def _event_measure(doc: Document, kind: str) -> str:
    """An event kind in words (``evidence.event_kind.<kind>``)."""
    key = f"evidence.event_kind.{kind}"
    return doc.words.text(key) if doc.words.has(key) else doc.words.text("evidence.event_kind_other")


def _side(doc: Document, by_id: pd.DataFrame, c: Any, side: str, unit: str | None = None) -> Markup:
    """One side of a conflict: the figure as written, what it allows, the period and the source (linked)."""
    lang = doc.language
    get = lambda col: getattr(c, f"{col}_{side}", None)  # noqa: E731
    source_id = get("source_id")
    figure = _quoted(get("value_text"), _source_language(by_id, source_id))
    low, value, high = get("low"), get("value"), get("high")
    allows = (
        interval_words(low, value, high, unit, lang) if not (_is_missing(low) and _is_missing(high)) else None
    )
    return doc.words(
        "evidence.conflicts.side" if allows else "evidence.conflicts.side_no_interval",
        figure=figure,
        allows=allows or "",
        period=period_text_words(get("period"), lang),
        source=_cite_source(doc, by_id, source_id),
    )


def _events(doc: Document, result: EvidenceBase, source_line: str) -> None:
    w, lang = doc.words, doc.language
    section = doc.section("events", w("evidence.events.title"))
    events = result.events
    by_id = result.all_sources.set_index("source_id", drop=False)
    labels = [
        w.text(
            "evidence.events.label",
            event=_event_measure(doc, r.event_kind),
            entity=entity_words(doc, r.entity, r.entity_name),
        )
        for r in events.itertuples(index=False)
    ]
    dated = events.dropna(subset=["date_start"])
    n_vague = int(
        sum(
            1
            for r in dated.itertuples(index=False)
            if not (r.precision == "day" and r.date_qualifier == "exact" and r.date_start == r.date_end)
        )
    )
    section.paragraph(
        w("evidence.events.intro", n=num.fmt_int(len(events), lang), vague=num.fmt_int(n_vague, lang))
    )
    if len(dated):
        alt = w.text(
            "evidence.events.alt",
            n=num.fmt_int(len(dated), lang),
            first=num.fmt_date(dated["date_start"].min(), lang),
            last=num.fmt_date(dated["date_start"].max(), lang),
            vague=num.fmt_int(n_vague, lang),
        )
        section.add(
            doc.figure(
                "events-figure",
                draw_timeline(events, labels, lang),
                w("evidence.events.caption"),
                alt,
                source=source_line,
                height=max(3.0, 0.32 * len(events) + 1.6),
                narrow_height=max(3.6, 0.55 * len(events) + 2.0),
            )
        )
    frame = events.copy()
    _put(frame, "when", [_event_date_words(r, lang) for r in events.itertuples(index=False)])
    _put(
        frame,
        "as_written",
        [
            _quoted(t, _source_language(by_id, s))
            for t, s in zip(events["date_text"], events["source_id"], strict=True)
        ],
    )
    _put(frame, "event_words", [_event_measure(doc, k) for k in events["event_kind"]])
    _put(
        frame,
        "entity_words",
        [entity_words(doc, e, n) for e, n in zip(events["entity"], events["entity_name"], strict=True)],
    )
    _put(frame, "source_link", [_cite_source(doc, by_id, s) for s in events["source_id"]])
    columns = [
        Column("when", w.text("evidence.events.when"), row_header=True),
        Column("as_written", w.text("evidence.events.as_written")),
        Column("event_words", w.text("evidence.events.event")),
        Column("entity_words", w.text("evidence.events.entity")),
        Column("source_link", w.text("evidence.events.source")),
    ]
    section.add(
        doc.table("events-table", frame, columns, w("evidence.events.table_caption"), source=source_line)
    )


def _exactness(doc: Document, result: EvidenceBase, source_line: str) -> None:
    w, lang = doc.words, doc.language
    section = doc.section("exactness", w("evidence.exactness.title"))
    counts = result.qualifiers.copy()
    labels = [
        w.text(f"evidence.qualifier.{q}.name") if w.has(f"evidence.qualifier.{q}.name") else q
        for q in counts["qualifier"]
    ]
    counts["label"] = labels
    _put(
        counts,
        "examples",
        [
            w(f"evidence.qualifier.{q}.examples") if w.has(f"evidence.qualifier.{q}.examples") else ""
            for q in counts["qualifier"]
        ],
    )
    section.paragraph(w("evidence.exactness.intro", ref=doc.ref("method")))
    columns = [
        Column("label", w.text("evidence.exactness.qualifier"), row_header=True),
        Column("examples", w.text("evidence.exactness.examples")),
        Column("n_facts", w.text("evidence.exactness.n"), unit=w.text("evidence.units_count"), kind="int"),
        Column("share", w.text("evidence.exactness.share"), unit="%", kind="percent", decimals=1),
    ]
    section.add(
        doc.table(
            "qualifier-table", counts, columns, w("evidence.exactness.table_caption"), source=source_line
        )
    )
    top = counts.sort_values("n_facts", ascending=False).iloc[0] if len(counts) else None
    alt = w.text(
        "evidence.exactness.alt",
        total=num.fmt_int(counts["n_facts"].sum(), lang),
        top=top["label"] if top is not None else "",
        top_n=num.fmt_int(top["n_facts"] if top is not None else 0, lang),
        vague=num.fmt_int(len(result.vague), lang),
    )
    section.add(
        doc.figure(
            "qualifier-figure",
            draw_qualifiers(counts, labels, lang),
            w("evidence.exactness.caption"),
            alt,
            source=source_line,
            height=3.2,
            narrow_height=3.6,
        )
    )
    vague = result.vague
    if vague.empty:
        section.paragraph(w("evidence.exactness.no_vague"))
        return
    by_id = result.all_sources.set_index("source_id", drop=False)
    vlabels = [
        w.text(
            "evidence.exactness.interval_label",
            figure=str(r.value_text),
            what=measure_words(doc, r.measure),
        )
        for r in vague.itertuples(index=False)
    ]
    alt = w.text(
        "evidence.exactness.interval_alt",
        n=num.fmt_int(len(vague), lang),
        open=num.fmt_int(int((~vague["high"].map(lambda x: math.isfinite(x))).sum()), lang),
    )
    intro_at = len(section.blocks)
    section.add(
        doc.figure(
            "intervals-figure",
            draw_intervals(vague, vlabels, lang, dict(zip(counts["qualifier"], labels, strict=True))),
            w("evidence.exactness.interval_caption"),
            alt,
            source=source_line,
            height=max(3.0, 0.34 * len(vague) + 1.2),
            narrow_height=max(3.6, 0.5 * len(vague) + 1.2),
        )
    )
    frame = vague.copy()
    _put(
        frame,
        "figure",
        [
            _quoted(t, _source_language(by_id, s))
            for t, s in zip(vague["value_text"], vague["source_id"], strict=True)
        ],
    )
    _put(
        frame,
        "qualifier_words",
        [
            w.text(f"evidence.qualifier.{q}.name") if w.has(f"evidence.qualifier.{q}.name") else q
            for q in vague["qualifier"]
        ],
    )
    _put(
        frame,
        "allows",
        [interval_words(r.low, r.value, r.high, r.unit, lang) for r in vague.itertuples(index=False)],
    )
    _put(
        frame,
        "what",
        [
            Markup("{}: {}").format(entity_words(doc, r.entity, r.entity_name), measure_words(doc, r.measure))
            for r in vague.itertuples(index=False)
        ],
    )
    _put(
        frame,
        "period_words",
        [span_words(r.period_start, r.period_end, lang) for r in vague.itertuples(index=False)],
    )
    if "period_kind" in result.facts.columns:
        kinds = dict(zip(result.facts["fact_id"], result.facts["period_kind"], strict=True))
        _put(
            frame,
            "period_kind_words",
            [
                w.text(f"evidence.period_kind.{kinds.get(f)}")
                if w.has(f"evidence.period_kind.{kinds.get(f)}")
                else ""
                for f in vague["fact_id"]
            ],
        )
    _put(frame, "source_link", [_cite_source(doc, by_id, s) for s in vague["source_id"]])
    columns = [
        Column("what", w.text("evidence.exactness.what"), row_header=True),
        Column("figure", w.text("evidence.exactness.as_written")),
        Column("qualifier_words", w.text("evidence.exactness.qualifier")),
        Column("allows", w.text("evidence.exactness.allows")),
        Column("period_words", w.text("evidence.exactness.period")),
        *(
            [Column("period_kind_words", w.text("evidence.exactness.period_kind"))]
            if "period_kind_words" in frame.columns
            else []
        ),
        Column("source_link", w.text("evidence.exactness.source")),
    ]
    section.add(
        doc.table(
            "intervals-table", frame, columns, w("evidence.exactness.intervals_caption"), source=source_line
        )
    )
    intro = w("evidence.exactness.intervals_intro", ref=doc.ref("intervals-table"))
    section.blocks.insert(intro_at, Markup("<p>{}</p>").format(intro))


def _limitations(doc: Document) -> None:
    w = doc.words
    section = doc.section("limitations", w("document.limitations"))
    section.bullets(
        w(f"evidence.limitations.{k}")
        for k in ("transcribed", "news", "qualifiers", "coverage", "undated", "reasons")
    )


def _annex(doc: Document, result: EvidenceBase) -> None:
    w = doc.words
    section = doc.section("dictionary", w("evidence.annex.dictionary_title"))
    section.paragraph(w("evidence.annex.dictionary_intro"))
    dictionary = result.dictionary.copy()
    columns = [
        Column("table", w.text("evidence.annex.table")),
        Column("field", w.text("evidence.annex.field"), row_header=True),
        Column("type", w.text("evidence.annex.type")),
        Column("unit", w.text("evidence.annex.unit")),
        Column("description", w.text("evidence.annex.description")),
    ]
    _put(dictionary, "field", [Markup("<code>{}</code>").format(f) for f in dictionary["field"]])
    _put(dictionary, "table", [Markup("<code>{}</code>").format(f) for f in dictionary["table"]])
    _put(
        dictionary,
        "description",
        [
            Markup('<span lang="en">{}</span>').format(d) if _text(d) else ""
            for d in dictionary["description"]
        ],
    )
    # units are codes (EUR, share) or, for some fields, a note in English
    _put(
        dictionary,
        "unit",
        [Markup('<span lang="en">{}</span>').format(u) if _text(u) else "" for u in dictionary["unit"]],
    )
    section.add(doc.table("dictionary-table", dictionary, columns, w("evidence.annex.dictionary_caption")))

    section = doc.section("provenance-annex", w("evidence.annex.provenance_title"))
    section.paragraph(w("evidence.annex.provenance_intro"))
    by_id = result.all_sources.set_index("source_id", drop=False)
    rows = []
    for c in result.conflicts.itertuples(index=False):
        rows.append(
            {
                "conflict_id": Markup("<code>{}</code>").format(c.conflict_id),
                "verdict": w.text(f"evidence.verdict.{c.verdict}.title")
                if w.has(f"evidence.verdict.{c.verdict}.title")
                else c.verdict,
                "items": Markup("<code>{}</code> · <code>{}</code>").format(c.fact_id_a, c.fact_id_b),
                "sources": Markup("{} · {}").format(doc.cite(c.source_id_a), doc.cite(c.source_id_b)),
                "note": Markup('<span lang="en">{}</span>').format(c.reason)
                if isinstance(c.reason, str) and c.reason
                else "",
            }
        )

    columns = [
        Column("conflict_id", w.text("evidence.annex.conflict_id"), row_header=True),
        Column("verdict", w.text("evidence.annex.verdict")),
        Column("items", w.text("evidence.annex.items")),
        Column("sources", w.text("evidence.annex.source_ids")),
        Column("note", w.text("evidence.annex.note")),
    ]
    section.add(
        doc.table(
            "provenance-conflicts",
            _frame(rows, [c.id for c in columns]),
            columns,
            w("evidence.annex.conflicts_caption"),
        )
    )
    vague = result.vague
    facts = result.facts.set_index("fact_id", drop=False)
    rows = []
    for r in vague.itertuples(index=False):
        rec = facts.loc[r.fact_id] if r.fact_id in facts.index else None
        rows.append(
            {
                "fact_id": Markup("<code>{}</code>").format(r.fact_id),
                "figure": _quoted(r.value_text, _source_language(by_id, r.source_id)),
                "source": doc.cite(r.source_id),
                "file": Markup("<code>{}</code>").format(rec["file"])
                if rec is not None and "file" in rec
                else "",
                "row": int(rec["row"])
                if rec is not None and "row" in rec and not _is_missing(rec["row"])
                else None,
            }
        )
    for e in result.events.itertuples(index=False):
        rows.append(
            {
                "fact_id": Markup("<code>{}</code>").format(e.event_id),
                "figure": _quoted(e.date_text, _source_language(by_id, e.source_id)),
                "source": doc.cite(e.source_id),
                "file": Markup("<code>{}</code>").format(e.file) if _text(getattr(e, "file", None)) else "",
                "row": None if _is_missing(getattr(e, "row", None)) else int(e.row),
            }
        )
    columns = [
        Column("fact_id", w.text("evidence.annex.fact_id"), row_header=True),
        Column("figure", w.text("evidence.annex.as_written")),
        Column("source", w.text("evidence.annex.source_ids")),
        Column("file", w.text("evidence.annex.file")),
        Column("row", w.text("evidence.annex.row"), kind="int"),
    ]
    section.add(
        doc.table(
            "provenance-items",
            _frame(rows, [c.id for c in columns]),
            columns,
            w("evidence.annex.items_caption"),
        )
    )


def _cited_ids(result: EvidenceBase) -> list[str]:
    ids = list(result.sources["source_id"])
    ids += list(result.conflicts["source_id_a"]) + list(result.conflicts["source_id_b"])
    return list(dict.fromkeys(ids))


def report(result: EvidenceBase, *, language: str = "nl") -> Document:
    """The evidence-base report of ``result`` in ``language``: summary, method, sources, coverage, conflicts by
    verdict, events, how exact the figures are, limitations, glossary, sources, data dictionary, provenance."""
    doc = Document(language, "", stem="01_evidence_base")
    w = doc.words
    doc.title = w.text("evidence.title")
    doc.subtitle = w.text("evidence.subtitle")
    source_line = w.text(_SOURCE_KEY)
    summary = doc.section("summary", w("document.summary"), numbered=False)
    _method(doc)
    _sources(doc, result, source_line)
    _coverage(doc, result, source_line)
    _conflicts(doc, result)
    _events(doc, result, source_line)
    _exactness(doc, result, source_line)
    _limitations(doc)
    _summary(doc, result, summary)
    glossary_section(doc, GLOSSARY)
    sources_section(doc, result.all_sources, _cited_ids(result))
    _annex(doc, result)
    s = result.summary
    doc.add_headline("sources", w.text("evidence.headline.sources"), num.fmt_int(s.n_sources, language))
    doc.add_headline("facts", w.text("evidence.headline.facts"), num.fmt_int(s.n_facts, language))
    doc.add_headline("conflicts", w.text("evidence.headline.conflicts"), num.fmt_int(s.n_conflicts, language))
    return doc


# ------------------------------------------------------------------------ older helpers (notebook 02 uses them)


def citation(source: Any, language: str = "en") -> str:
    """``Publisher, "Title", date, address`` (the date as written, or "undated"; the address when known)."""
    from ccresearch.report.language import text

    get = source.get if hasattr(source, "get") else lambda k: getattr(source, k, None)
    date = get("date") if isinstance(get("date"), str) and get("date") else text("source.undated", language)
    address = get("address")
    address = address if isinstance(address, str) and address else text("source.no_address", language)
    return f'{get("publisher")}, "{get("title")}", {date}, {address}'


def source_list_markdown(
    sources: pd.DataFrame, ids: Iterable[str] | None = None, language: str = "en"
) -> str:
    """A markdown list of sources (all, or the given ids in that order) with their full citations."""
    chosen = (
        sources if ids is None else sources.set_index("source_id").loc[list(dict.fromkeys(ids))].reset_index()
    )
    return "\n".join(f"- `{r['source_id']}`: {citation(r, language)}" for _, r in chosen.iterrows())


def source_line(sources: pd.DataFrame, ids: Iterable[str], language: str = "en") -> str:
    """A short "Source:" line for a caption: ``Publisher (date) [id]; ...`` for the given ids, in order."""
    from ccresearch.report.language import text

    by_id = sources.set_index("source_id")
    parts = []
    for sid in dict.fromkeys(ids):
        if sid not in by_id.index:
            parts.append(sid)
            continue
        r = by_id.loc[sid]
        date = r["date"] if isinstance(r["date"], str) and r["date"] else text("source.undated", language)
        parts.append(f"{r['publisher']} ({date}) [{sid}]")
    return "; ".join(parts)


def styled(frame: pd.DataFrame, formats: dict[str, Any] | None = None) -> Any:
    """A table for a report: no row index, text left-aligned at the top of its cell, optional formats."""
    styler = frame.style.hide(axis="index").set_properties(
        **{"text-align": "left", "vertical-align": "top", "overflow-wrap": "anywhere"}
    )
    styler = styler.set_table_styles([{"selector": "th", "props": [("text-align", "left")]}], overwrite=False)
    return styler.format(formats) if formats else styler


def markdown_table(frame: pd.DataFrame, formats: dict[str, Any] | None = None) -> str:
    """A DataFrame as a GitHub-style markdown table (cells formatted by ``formats``: column -> function)."""
    formats = formats or {}

    def cell(col: str, x: Any) -> str:
        text = formats[col](x) if col in formats else ("" if x is None else str(x))
        return text.replace("|", "\\|").replace("\n", " ")

    head = "| " + " | ".join(str(c) for c in frame.columns) + " |"
    rule = "|" + "|".join("---" for _ in frame.columns) + "|"
    body = [
        "| " + " | ".join(cell(c, v) for c, v in zip(frame.columns, row, strict=True)) + " |"
        for row in frame.itertuples(index=False)
    ]
    return "\n".join([head, rule, *body])
