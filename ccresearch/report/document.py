"""A report as a document: numbered sections, figures and tables with real captions, links between them.

A presenter (``report/evidence.py``, ``report/spend.py``, ``report/regional.py``) builds a :class:`Document`
from an analysis result; the notebook calls :meth:`Document.show`. The document renders to HTML fragments:

- figures are ``<figure>`` with the image (PNG at twice its display size, and a narrower drawing for phones) and a
  ``<figcaption>`` holding the number, the caption and the Source line as text; the alt text says what it shows;
- tables are ``<figure class="table">`` with a caption, a real ``<table>`` (column headers with units, numbers
  right-aligned and never broken) and a link to the same table as CSV;
- :meth:`Document.ref` makes a link to a figure, table or section whose number is known only when the whole
  document is rendered; :meth:`Document.cite` links a source id to its entry in the source list.

Everything from data is escaped (:mod:`markupsafe`): a title with ``<script>`` in it shows as text.
"""

from __future__ import annotations

import base64
import io
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup, escape

from ccresearch.report import numbers as num
from ccresearch.report.language import Words

REPORT_MIME = "application/vnd.ccresearch.report+json"
#: display width of a figure in CSS pixels per inch of matplotlib figure size
CSS_PX_PER_INCH = 100
WIDE_INCHES = 7.2
NARROW_INCHES = 4.0
NARROW_MEDIA = "(max-width: 560px)"
_SLUG = re.compile(r"[^a-z0-9]+")


def slug(text: str) -> str:
    """An id for HTML anchors: lower case letters, digits and dashes."""
    return _SLUG.sub("-", str(text).lower()).strip("-") or "x"


def _safe(value: Any) -> Markup:
    return value if isinstance(value, Markup) else escape("" if value is None else str(value))


# ------------------------------------------------------------------------------------------------ blocks


@dataclass
class Column:
    """A table column: stable ``id`` (the DataFrame column), reader's ``label``, ``unit``, how to write cells.

    ``kind``: ``text``, ``number`` (``decimals``), ``int``, ``rounded`` (to ``precision``), ``money``,
    ``percent`` (a share; ``decimals``), ``p`` (a p-value), ``date``. ``row_header`` marks the column that
    names each row.
    """

    id: str
    label: str
    unit: str | None = None
    kind: str = "text"
    decimals: int = 0
    precision: float = 100
    row_header: bool = False

    @property
    def numeric(self) -> bool:
        """Whether the cells are numbers (right-aligned, never broken)."""
        return self.kind not in ("text", "date")

    def cell(self, value: Any, language: str) -> Markup:
        """The cell as safe HTML."""
        if isinstance(value, Markup):
            return value
        kind = self.kind
        if kind == "text":
            return _safe(value)
        if kind == "date":
            return _safe(num.fmt_date(value, language) if value is not None and value == value else "")
        formatted = {
            "number": lambda v: num.fmt_number(v, language, self.decimals),
            "int": lambda v: num.fmt_int(v, language),
            "rounded": lambda v: num.fmt_rounded(v, language, self.precision),
            "money": lambda v: num.fmt_money(v, language, self.decimals),
            "percent": lambda v: num.fmt_percent(v, language, self.decimals),
            "p": lambda v: num.fmt_p(v, language),
        }[kind](value)
        return _safe(formatted)

    def csv(self, value: Any) -> Any:
        """The cell for the CSV copy (numbers stay numbers; Markup becomes its text)."""
        if isinstance(value, Markup):
            return value.striptags()
        return value


@dataclass
class Figure:
    """A figure drawn by ``draw(fig)`` on a fresh matplotlib figure (twice: wide, and narrow for phones)."""

    key: str
    draw: Callable[[Any], Any]
    caption: Any
    alt: str
    source: Any = None
    height: float = 4.2
    narrow_height: float | None = None
    kind: str = "figure"

    def render(self, doc: Document) -> Markup:
        number = doc.number(self.key)
        w = doc.words
        wide = _png(self.draw, WIDE_INCHES, self.height, doc.language)
        narrow = _png(self.draw, NARROW_INCHES, self.narrow_height or max(self.height, 3.6), doc.language)
        width_px = int(WIDE_INCHES * CSS_PX_PER_INCH)
        height_px = int(self.height * CSS_PX_PER_INCH)
        label = w("figure.caption", label=w.text("figure.label"), number=number)
        source = Markup(' <span class="source">{} {}</span>').format(w("figure.source"), _safe(self.source))
        return Markup(
            '<figure id="{anchor}" class="figure">'
            '<picture><source media="{media}" srcset="data:image/png;base64,{narrow}">'
            '<img src="data:image/png;base64,{wide}" alt="{alt}" width="{wpx}" height="{hpx}"></picture>'
            '<figcaption><span class="label">{label}</span> {caption}{source}</figcaption></figure>'
        ).format(
            anchor=doc.anchor(self.key),
            media=NARROW_MEDIA,
            narrow=narrow,
            wide=wide,
            alt=self.alt,
            wpx=width_px,
            hpx=height_px,
            label=label,
            caption=_safe(self.caption),
            source=source if self.source else Markup(""),
        )


def _localise_ticks(fig: Any, language: str) -> None:
    """Tick labels in the reader's number format, where the drawing left matplotlib's default formatter.

    Years stay years (no thousands separator); other ticks get as few decimals as write them exactly.
    """
    import numpy as np
    from matplotlib.ticker import FuncFormatter, ScalarFormatter

    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            if not isinstance(axis.get_major_formatter(), ScalarFormatter):
                continue
            ticks = np.asarray(axis.get_majorticklocs(), dtype=float)
            finite = ticks[np.isfinite(ticks)]
            if (
                finite.size
                and np.allclose(finite, np.round(finite))
                and finite.min() >= 1800
                and finite.max() <= 2200
            ):
                axis.set_major_formatter(FuncFormatter(lambda x, _p: f"{x:.0f}"))
                continue
            decimals = next((d for d in range(5) if np.allclose(np.round(finite, d), finite, atol=1e-9)), 4)
            axis.set_major_formatter(FuncFormatter(lambda x, _p, d=decimals: num.fmt_number(x, language, d)))


def _png(draw: Callable[[Any], Any], width: float, height: float, language: str = "en") -> str:
    """Draw on a new figure of ``width`` x ``height`` inches; PNG at twice the display size, base64."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.figure import Figure as MplFigure

    from ccresearch.report.style import apply_house_style

    apply_house_style()
    fig = MplFigure(figsize=(width, height), layout="constrained")
    draw(fig)
    _localise_ticks(fig, language)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=2 * CSS_PX_PER_INCH, metadata={"Software": None})
    return base64.b64encode(buffer.getvalue()).decode("ascii")


@dataclass
class Table:
    """A captioned table of ``frame`` (columns by stable id) shown through ``columns``."""

    key: str
    frame: Any
    columns: Sequence[Column]
    caption: Any
    source: Any = None
    notes: Sequence[Any] = ()
    kind: str = "table"

    def render(self, doc: Document) -> Markup:
        number = doc.number(self.key)
        w = doc.words
        lang = doc.language
        head = []
        for col in self.columns:
            unit = Markup(' <span class="unit">({})</span>').format(col.unit) if col.unit else Markup("")
            cls = ' class="num"' if col.numeric else ""
            head.append(Markup('<th scope="col"{}>{}{}</th>').format(Markup(cls), col.label, unit))
        rows = []
        for record in self.frame.to_dict("records"):
            cells = []
            for col in self.columns:
                tag = "th" if col.row_header else "td"
                attrs = ""  # a <th> that starts a body row heads that row (HTML's own rule; no scope needed)
                if col.numeric:
                    attrs += ' class="num"'
                cells.append(
                    Markup("<{t}{a}>{v}</{t}>").format(
                        t=Markup(tag), a=Markup(attrs), v=col.cell(record.get(col.id), lang)
                    )
                )
            rows.append(Markup("<tr>{}</tr>").format(Markup("").join(cells)))
        if not rows:
            rows.append(
                Markup('<tr><td colspan="{}">{}</td></tr>').format(len(self.columns), w("table.empty"))
            )
        label = Markup("{} {}.").format(w.text("table.label"), number)
        source = (
            Markup(' <span class="source">{} {}</span>').format(w("table.source"), _safe(self.source))
            if self.source
            else Markup("")
        )
        notes = Markup("").join(Markup('<p class="table-note">{}</p>').format(_safe(n)) for n in self.notes)
        csv_link = Markup(' <a class="csv" href="{href}">{text}</a>').format(
            href=f"tables/{doc.anchor(self.key)}.csv", text=w("table.csv")
        )
        return Markup(
            '<figure id="{anchor}" class="table"><figcaption id="{anchor}-c"><span class="label">{label}</span> '
            "{caption}{source}{csv}</figcaption>"
            # the page's script gives the region a tab stop only when it scrolls (no needless tab stops)
            '<div class="table-scroll" role="region" aria-labelledby="{anchor}-c">'
            '<table aria-labelledby="{anchor}-c">'
            "<thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table></div>{notes}</figure>"
        ).format(
            anchor=doc.anchor(self.key),
            label=label,
            caption=_safe(self.caption),
            source=source,
            csv=csv_link if doc.table_csv_links else Markup(""),
            head=Markup("").join(head),
            rows=Markup("").join(rows),
            notes=notes,
        )

    def csv(self) -> str:
        """The table as CSV: a header of labels (with units) and the unformatted values."""
        import csv

        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow([f"{c.label} ({c.unit})" if c.unit else c.label for c in self.columns])
        for record in self.frame.to_dict("records"):
            writer.writerow([c.csv(record.get(c.id)) for c in self.columns])
        return out.getvalue()


@dataclass
class Section:
    """A numbered section (``numbered=False`` for the summary, glossary and sources)."""

    key: str
    title: Any
    blocks: list[Any] = field(default_factory=list)
    numbered: bool = True

    def add(self, *blocks: Any) -> Section:
        """Append paragraphs (Markup or text), figures, tables or other blocks; returns the section."""
        self.blocks.extend(blocks)
        return self

    def paragraph(self, content: Any) -> Section:
        """Append one paragraph."""
        return self.add(Markup("<p>{}</p>").format(_safe(content)))

    def bullets(self, items: Iterable[Any]) -> Section:
        """Append a bulleted list."""
        lis = Markup("").join(Markup("<li>{}</li>").format(_safe(i)) for i in items)
        return self.add(Markup("<ul>{}</ul>").format(lis))

    def callout(self, content: Any, kind: str = "note") -> Section:
        """Append a highlighted box (caveats, notes)."""
        return self.add(Markup('<aside class="callout callout-{}">{}</aside>').format(kind, _safe(content)))

    def definitions(self, items: Iterable[tuple[Any, Any]]) -> Section:
        """Append a definition list (glossary)."""
        body = Markup("").join(
            Markup('<dt id="{}">{}</dt><dd>{}</dd>').format("term-" + slug(str(t)), _safe(t), _safe(d))
            for t, d in items
        )
        return self.add(Markup("<dl>{}</dl>").format(body))


class Ref:
    """A link to a figure, table or section, numbered when the document renders."""

    def __init__(self, doc: Document, key: str, capital: bool = False) -> None:
        self.doc, self.key, self.capital = doc, key, capital

    def __html__(self) -> Markup:
        doc = self.doc
        kind, number = doc.kind_of(self.key), doc.number(self.key)
        text = f"{number}" if kind == "section" else doc.words.text(f"document.see_{kind}", number=number)
        if self.capital:
            text = text[:1].upper() + text[1:]
        return Markup('<a href="#{}">{}</a>').format(doc.anchor(self.key), text)

    def __str__(self) -> str:
        return Markup(self.__html__()).striptags()


# ---------------------------------------------------------------------------------------------- document


class Document:
    """A whole report: title, subtitle, sections; numbering and links resolved at render time."""

    def __init__(self, language: str, title: str, subtitle: str = "", *, stem: str = "") -> None:
        self.words = Words(language)
        self.language = self.words.language
        self.title = title
        self.subtitle = subtitle
        self.stem = stem
        self.sections: list[Section] = []
        self.headline: list[dict[str, str]] = []
        self.table_csv_links = True
        self._numbers: dict[str, tuple[str, int]] = {}

    # building -----------------------------------------------------------------------------------------
    def section(self, key: str, title: Any, *, numbered: bool = True) -> Section:
        """A new section appended to the document."""
        section = Section(key, title, numbered=numbered)
        self.sections.append(section)
        return section

    def figure(self, key: str, draw: Callable[[Any], Any], caption: Any, alt: str, **kw: Any) -> Figure:
        """A figure block (add it to a section)."""
        return Figure(key, draw, caption, alt, **kw)

    def table(self, key: str, frame: Any, columns: Sequence[Column], caption: Any, **kw: Any) -> Table:
        """A table block (add it to a section)."""
        return Table(key, frame, columns, caption, **kw)

    def ref(self, key: str, *, capital: bool = False) -> Ref:
        """A link to the figure, table or section ``key``; refer only to blocks already added (a summary that
        refers to later figures is filled in after them: sections are objects, so create it first, fill it last)."""
        return Ref(self, key, capital)

    def cite(self, source_id: str, text: Any = None) -> Markup:
        """A link from a source id (or ``text``) to its entry in the source list."""
        return Markup('<a href="#src-{}">{}</a>').format(
            slug(source_id), _safe(text if text is not None else source_id)
        )

    def add_headline(self, key: str, label: str, value_text: str) -> None:
        """A headline number for the index page (label and value as the reader reads them)."""
        self.headline.append({"key": key, "label": label, "text": value_text})

    # numbering ----------------------------------------------------------------------------------------
    def _number_all(self) -> None:
        self._numbers = {}
        counts = {"figure": 0, "table": 0, "section": 0}
        for section in self.sections:
            if section.numbered:
                counts["section"] += 1
                self._numbers[section.key] = ("section", counts["section"])
            for block in section.blocks:
                kind = getattr(block, "kind", None)
                if kind in ("figure", "table"):
                    counts[kind] += 1
                    if block.key in self._numbers:
                        raise ValueError(f"two blocks with the key {block.key!r}")
                    self._numbers[block.key] = (kind, counts[kind])

    def kind_of(self, key: str) -> str:
        """``figure``, ``table`` or ``section``."""
        if key not in self._numbers:  # blocks may have been added since the last numbering
            self._number_all()
        if key not in self._numbers:
            raise KeyError(f"no figure, table or numbered section with the key {key!r}")
        return self._numbers[key][0]

    def number(self, key: str) -> int:
        """The number of a figure, table or section."""
        self.kind_of(key)
        return self._numbers[key][1]

    def anchor(self, key: str) -> str:
        """The HTML id of a block or section."""
        kind = self._numbers.get(key, ("section", 0))[0] if self._numbers else "section"
        prefix = {"figure": "fig", "table": "tab", "section": "sec"}[kind]
        return f"{prefix}-{slug(key)}"

    # rendering ----------------------------------------------------------------------------------------
    def render_sections(self) -> list[tuple[str, Markup]]:
        """``(key, html)`` of every section, numbered."""
        self._number_all()
        out = []
        for section in self.sections:
            if section.numbered:
                head = Markup('<h2 id="{a}"><span class="secno">{n}</span> {t}</h2>').format(
                    a=self.anchor(section.key), n=self.number(section.key), t=_safe(section.title)
                )
            else:
                head = Markup('<h2 id="{a}">{t}</h2>').format(
                    a=f"sec-{slug(section.key)}", t=_safe(section.title)
                )
            body = Markup("").join(
                b.render(self) if hasattr(b, "render") else _safe(b) for b in section.blocks
            )
            out.append(
                (
                    section.key,
                    Markup('<section aria-labelledby="{a}">{h}{b}</section>').format(
                        a=self.anchor(section.key) if section.numbered else f"sec-{slug(section.key)}",
                        h=head,
                        b=body,
                    ),
                )
            )
        return out

    def render_toc(self) -> Markup:
        """The table of contents: a ``<nav>`` of links to the sections."""
        self._number_all()
        items = []
        for s in self.sections:
            if s.numbered:
                items.append(
                    Markup('<li><a href="#{}">{} {}</a></li>').format(
                        self.anchor(s.key), self.number(s.key), _safe(s.title)
                    )
                )
            else:
                items.append(Markup('<li><a href="#sec-{}">{}</a></li>').format(slug(s.key), _safe(s.title)))
        return Markup(
            '<nav class="toc" aria-labelledby="toc-h"><h2 id="toc-h">{}</h2><ol>{}</ol></nav>'
        ).format(self.words("document.contents"), Markup("").join(items))

    def render_title(self, run: dict[str, Any] | None = None) -> Markup:
        """The title block: title, subtitle, date and commit (from ``run`` when exported), how to cite."""
        from ccresearch.report.page import title_block

        return title_block(self.meta(), run)

    def tables(self) -> list[Table]:
        """Every table block, in order."""
        return [b for s in self.sections for b in s.blocks if getattr(b, "kind", None) == "table"]

    def meta(self) -> dict[str, Any]:
        """What the exporter and the index need: title, subtitle, language, headline, tables as CSV."""
        self._number_all()
        return {
            "title": self.title,
            "subtitle": self.subtitle,
            "language": self.language,
            "stem": self.stem,
            "headline": list(self.headline),
            "tables": [
                {"key": t.key, "anchor": self.anchor(t.key), "number": self.number(t.key), "csv": t.csv()}
                for t in self.tables()
            ],
        }

    def html(self) -> str:
        """The body of the report as one HTML fragment (title block, contents, sections)."""
        parts = [self.render_title(), self.render_toc(), *(h for _, h in self.render_sections())]
        return str(Markup("").join(parts))

    def show(self) -> None:
        """Display the report in a notebook: metadata for the exporter, the title block, contents, sections."""
        from IPython.display import display

        display({REPORT_MIME: self.meta(), "text/plain": self.title}, raw=True)
        parts = [("title", self.render_title()), ("toc", self.render_toc()), *self.render_sections()]
        for key, part in parts:
            display({"text/html": str(part)}, raw=True, metadata={"ccresearch": {"part": key}})

    def _repr_html_(self) -> str:
        return self.html()

    def __repr__(self) -> str:
        return f"Document({self.title!r}, {self.language}, {len(self.sections)} sections)"
