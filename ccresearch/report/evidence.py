"""The evidence base as a report: sources, coverage, conflicts side by side, and how exact the figures are.

Helpers for ``notebooks/01_evidence_base.ipynb`` (and any report that lists or cites sources). Each takes the
processed tables (:func:`ccresearch.load_sources`, :func:`~ccresearch.load_facts`, ...) and returns a tidy
DataFrame or draws on an axis it is given; nothing here reads files or types in a figure.

``since_year`` leaves out what is older: sources published before that year, the facts of those sources, the
conflicts in which both figures come from such sources, and coverage years before it. Undated sources
are kept (their age is unknown) and shown as undated.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    import pandas as pd

Language = Literal["en", "nl"]

QUALIFIERS = ("exact", "lower_bound", "upper_bound", "approximate", "range")
_QUALIFIER_WORDS = {
    "en": {
        "exact": "exact",
        "lower_bound": "lower bound ('ruim', 'meer dan')",
        "upper_bound": "upper bound ('bijna', 'maximaal')",
        "approximate": "approximate ('zo'n', 'circa')",
        "range": "range ('30-40')",
    },
    "nl": {
        "exact": "exact",
        "lower_bound": "ondergrens ('ruim', 'meer dan')",
        "upper_bound": "bovengrens ('bijna', 'maximaal')",
        "approximate": "ongeveer ('zo'n', 'circa')",
        "range": "bereik ('30-40')",
    },
}
_COLUMNS = {
    "en": {
        "source_id": "Source id",
        "publisher": "Publisher",
        "title": "Title",
        "date": "Date",
        "kind": "Kind",
        "address": "Address",
        "n_facts": "Figures",
        "qualifier": "Qualifier",
        "share": "Share",
        "entity": "Entity",
        "measure": "Measure",
        "years": "Years",
        "n_sources": "Sources",
        "kind_conflict": "Kind",
        "figure_a": "Figure A",
        "period_a": "Period A",
        "cited_a": "Source A",
        "figure_b": "Figure B",
        "period_b": "Period B",
        "cited_b": "Source B",
        "explanation": "Explanation",
        "undated": "undated",
        "no_address": "no address",
    },
    "nl": {
        "source_id": "Bron-id",
        "publisher": "Uitgever",
        "title": "Titel",
        "date": "Datum",
        "kind": "Soort",
        "address": "Adres",
        "n_facts": "Cijfers",
        "qualifier": "Kwalificatie",
        "share": "Aandeel",
        "entity": "Eenheid",
        "measure": "Maat",
        "years": "Jaren",
        "n_sources": "Bronnen",
        "kind_conflict": "Soort",
        "figure_a": "Cijfer A",
        "period_a": "Periode A",
        "cited_a": "Bron A",
        "figure_b": "Cijfer B",
        "period_b": "Periode B",
        "cited_b": "Bron B",
        "explanation": "Toelichting",
        "undated": "ongedateerd",
        "no_address": "geen adres",
    },
}


def _words(language: Language) -> dict[str, str]:
    if language not in _COLUMNS:
        from ccresearch.errors import ParameterError

        raise ParameterError("unknown language", field="language", value=language, expected="'en' or 'nl'")
    return _COLUMNS[language]


def source_year(date: Any) -> int | None:
    """The year of a source date as written (``2015-03-02``, ``2015-03``, ``2015``); None when undated."""
    if not isinstance(date, str) or not date.strip():
        return None
    return int(date.strip()[:4])


def kept_source_ids(sources: pd.DataFrame, since_year: int) -> set[str]:
    """Ids of the sources dated ``since_year`` or later, and of every undated source."""
    return {
        str(r.source_id)
        for r in sources.itertuples(index=False)
        if (y := source_year(r.date)) is None or y >= since_year
    }


def citation(source: pd.Series | Any, language: Language = "en") -> str:
    """``Publisher, "Title", date, address`` (the date as written, or "undated"; the address when known)."""
    w = _words(language)
    get = source.get if hasattr(source, "get") else lambda k: getattr(source, k, None)
    date = get("date") if isinstance(get("date"), str) and get("date") else w["undated"]
    address = get("address") if isinstance(get("address"), str) and get("address") else w["no_address"]
    return f'{get("publisher")}, "{get("title")}", {date}, {address}'


def sources_table(
    sources: pd.DataFrame, facts: pd.DataFrame, since_year: int, language: Language = "en"
) -> pd.DataFrame:
    """Every kept source with its date, kind, publisher, title, address and its number of figures."""
    w = _words(language)
    keep = kept_source_ids(sources, since_year)
    counts = facts.groupby("source_id").size()
    out = sources[sources["source_id"].isin(keep)].copy()
    out["n_facts"] = out["source_id"].map(counts).fillna(0).astype(int)
    out["date"] = [d if isinstance(d, str) and d else w["undated"] for d in out["date"]]
    out["address"] = [a if isinstance(a, str) and a else w["no_address"] for a in out["address"]]
    out["_order"] = [d if d != w["undated"] else "9999" for d in out["date"]]
    out = out.sort_values(["_order", "source_id"])
    cols = ["source_id", "date", "kind", "publisher", "title", "n_facts", "address"]
    return out[cols].rename(columns={c: w[c] for c in cols}).reset_index(drop=True)


def facts_since(facts: pd.DataFrame, sources: pd.DataFrame, since_year: int) -> pd.DataFrame:
    """The facts whose source is kept by ``since_year`` (see :func:`kept_source_ids`)."""
    return facts[facts["source_id"].isin(kept_source_ids(sources, since_year))]


def sources_by_kind(sources: pd.DataFrame, since_year: int) -> pd.Series:
    """Number of kept sources per kind, largest first."""
    kept = sources[sources["source_id"].isin(kept_source_ids(sources, since_year))]
    return kept.groupby("kind").size().sort_values(ascending=False)


def qualifier_counts(facts: pd.DataFrame, language: Language = "en") -> pd.DataFrame:
    """How many figures are exact, lower bounds, upper bounds, approximate or ranges (count and share).

    Every qualifier appears, with 0 where no figure has it; a qualifier outside the known five is kept too.
    """
    import pandas as pd

    w = _words(language)
    counts = facts["qualifier"].value_counts()
    order = [*QUALIFIERS, *sorted(set(counts.index) - set(QUALIFIERS))]
    n = [int(counts.get(q, 0)) for q in order]
    total = sum(n)
    return pd.DataFrame(
        {
            "qualifier": order,
            w["qualifier"]: [_QUALIFIER_WORDS[language].get(q, q) for q in order],
            w["n_facts"]: n,
            w["share"]: [x / total if total else 0.0 for x in n],
        }
    )


def coverage_matrix(coverage: pd.DataFrame, since_year: int, language: Language = "en") -> pd.DataFrame:
    """Entities (rows) by year (columns): how many measures each entity has figures on in that year.

    Figures without a period are counted in an "undated" column. Years before ``since_year`` are left out.
    """
    import pandas as pd

    w = _words(language)
    cov = coverage[coverage["year"].isna() | (coverage["year"] >= since_year)].copy()
    cov["col"] = [w["undated"] if pd.isna(y) else str(int(y)) for y in cov["year"]]
    cov["row"] = cov["entity_name"]
    matrix = cov.groupby(["row", "col"])["measure"].nunique().unstack("col", fill_value=0)
    cols = sorted(c for c in matrix.columns if c != w["undated"])
    if w["undated"] in matrix.columns:
        cols.append(w["undated"])
    matrix = matrix[cols]
    matrix.index.name = w["entity"]
    matrix.columns.name = w["years"]
    return matrix


def coverage_table(coverage: pd.DataFrame, since_year: int, language: Language = "en") -> pd.DataFrame:
    """One row per entity and measure: the years with figures (as spans) and the sources giving them."""
    w = _words(language)
    cov = coverage[coverage["year"].isna() | (coverage["year"] >= since_year)]
    rows = []
    for (name, measure), group in cov.groupby(["entity_name", "measure"], sort=True):
        years = sorted(int(y) for y in group["year"].dropna())
        spans = _spans(years) + ([w["undated"]] if group["year"].isna().any() else [])
        srcs = sorted({s for text in group["sources"] for s in str(text).split(";") if s})
        rows.append(
            {
                w["entity"]: name,
                w["measure"]: measure,
                w["years"]: ", ".join(spans),
                w["n_sources"]: ", ".join(srcs),
            }
        )
    import pandas as pd

    return pd.DataFrame(rows)


def _spans(years: list[int]) -> list[str]:
    spans: list[list[int]] = []
    for y in years:
        if spans and y == spans[-1][1] + 1:
            spans[-1][1] = y
        else:
            spans.append([y, y])
    return [f"{a}-{b}" if a != b else str(a) for a, b in spans]


def conflicts_side_by_side(
    conflicts: pd.DataFrame, sources: pd.DataFrame, since_year: int, language: Language = "en"
) -> pd.DataFrame:
    """Every conflict with both figures as written, their periods and full citations, side by side.

    A conflict is kept when at least one of its two sources is kept by ``since_year``.
    """
    w = _words(language)
    by_id = sources.set_index("source_id")
    keep = kept_source_ids(sources, since_year)
    rows = []
    for c in conflicts.itertuples(index=False):
        if c.source_id_a not in keep and c.source_id_b not in keep:
            continue
        rows.append(
            {
                "conflict_id": c.conflict_id,
                w["kind_conflict"]: c.kind,
                w["entity"]: c.entity_name,
                w["measure"]: c.measure,
                w["figure_a"]: c.value_text_a,
                w["period_a"]: c.period_a,
                w["cited_a"]: citation(by_id.loc[c.source_id_a], language),
                w["figure_b"]: c.value_text_b,
                w["period_b"]: c.period_b,
                w["cited_b"]: citation(by_id.loc[c.source_id_b], language),
                w["explanation"]: c.explanation,
            }
        )
    import pandas as pd

    return pd.DataFrame(rows)


def conflicts_markdown(side_by_side: pd.DataFrame, language: Language = "en") -> str:
    """Each conflict of :func:`conflicts_side_by_side` as a heading and a two-column table (A | B)."""
    w = _words(language)
    blocks = []
    for _, c in side_by_side.iterrows():
        head = (
            f"**{c['conflict_id']}** ({c[w['kind_conflict']]}): {c[w['entity']]}, `{c[w['measure']]}`"
            f"<br>{c[w['explanation']]}"
        )
        rows = [
            ("", "A", "B"),
            (w["figure_a"][:-2], f"`{c[w['figure_a']]}`", f"`{c[w['figure_b']]}`"),
            (w["period_a"][:-2], c[w["period_a"]], c[w["period_b"]]),
            (w["cited_a"][:-2], c[w["cited_a"]], c[w["cited_b"]]),
        ]
        table = "\n".join(
            ["| " + " | ".join(rows[0]) + " |", "|---|---|---|"]
            + ["| " + " | ".join(str(x).replace("|", "\\|") for x in r) + " |" for r in rows[1:]]
        )
        blocks.append(head + "\n\n" + table)
    return "\n\n".join(blocks)


def source_list_markdown(
    sources: pd.DataFrame, ids: Iterable[str] | None = None, language: Language = "en"
) -> str:
    """A markdown list of sources (all, or the given ids in that order) with their full citations."""
    chosen = (
        sources if ids is None else sources.set_index("source_id").loc[list(dict.fromkeys(ids))].reset_index()
    )
    return "\n".join(f"- `{r['source_id']}`: {citation(r, language)}" for _, r in chosen.iterrows())


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


# --- figures ------------------------------------------------------------------------------------------------


def draw_coverage_heatmap(ax: Any, matrix: pd.DataFrame, language: Language = "en") -> Any:
    """Entities by year, shaded by the number of measures with figures; the count written in each cell.

    Cells without figures stay blank (no figure is not a figure of 0).
    """
    import seaborn as sns

    label = "measures with figures" if language == "en" else "maten met cijfers"
    sns.heatmap(
        matrix,
        mask=matrix == 0,
        ax=ax,
        cmap="Blues",
        annot=True,
        fmt="d",
        cbar_kws={"label": label},
        linewidths=0.5,
        linecolor="white",
        annot_kws={"fontsize": 7},
    )
    ax.set_facecolor("white")
    ax.grid(False)
    ax.set_xlabel(matrix.columns.name or "")
    ax.set_ylabel("")
    ax.tick_params(axis="y", labelsize=8)
    ax.tick_params(axis="x", labelsize=8, rotation=90)
    return ax


def draw_qualifier_bars(ax: Any, counts: pd.DataFrame, language: Language = "en") -> Any:
    """Horizontal bars: the number of figures per qualifier, with the count at the end of each bar."""
    w = _words(language)
    labels = list(counts[w["qualifier"]])[::-1]
    values = list(counts[w["n_facts"]])[::-1]
    bars = ax.barh(labels, values, color="#0072B2")
    for bar, v in zip(bars, values, strict=True):
        ax.text(bar.get_width(), bar.get_y() + bar.get_height() / 2, f" {v}", va="center", fontsize="small")
    ax.set_xlabel("number of figures" if language == "en" else "aantal cijfers")
    ax.margins(x=0.12)
    return ax


def source_line(sources: pd.DataFrame, ids: Iterable[str], language: Language = "en") -> str:
    """A short "Source:" line for a caption: ``Publisher (date) [id]; ...`` for the given ids, in order."""
    w = _words(language)
    by_id = sources.set_index("source_id")
    parts = []
    for sid in dict.fromkeys(ids):
        if sid not in by_id.index:
            parts.append(sid)
            continue
        r = by_id.loc[sid]
        date = r["date"] if isinstance(r["date"], str) and r["date"] else w["undated"]
        parts.append(f"{r['publisher']} ({date}) [{sid}]")
    return "; ".join(parts)
