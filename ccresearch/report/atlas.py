"""The atlas report (notebook 04): every COROP region on maps of the Netherlands, as a ranking and as a table.

Maps are drawn from the CBS COROP boundaries (2024, generalised, RD New) with shapely polygons and matplotlib;
the highlighted region (Zuid-Limburg by default) is outlined. Every word comes from the catalogue (``atlas.*``).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from markupsafe import Markup

from ccresearch.analysis.atlas import AtlasResult
from ccresearch.report import numbers as num
from ccresearch.report.citations import glossary_section, sources_section
from ccresearch.report.document import Column, Document
from ccresearch.report.style import HIGHLIGHT, MUTED, PALETTE

GLOSSARY = ("corop", "sbi", "jobs", "index", "did", "synthetic_control", "placebo", "interval")
LITERATURE = ("dunn-1960", "conley-taber-2011", "abadie-diamond-hainmueller-2010")


def _polygons(geometry: Any) -> list[Any]:
    return list(geometry.geoms) if geometry.geom_type == "MultiPolygon" else [geometry]


def _draw_map(ax: Any, boundaries: pd.DataFrame, values: pd.Series, highlight: str | None, label: str, language: str,
              kind: str = "percent") -> None:  # fmt: skip
    """A choropleth of ``values`` (by region code) on ``ax``; diverging colours around 0; the highlight outlined."""
    import matplotlib as mpl
    from matplotlib.patches import PathPatch
    from matplotlib.path import Path as MplPath

    finite = values[np.isfinite(values)]
    # the colour scale covers nine in ten regions; the rest take the end colours (the bar's arrows say so)
    bound = float(np.nanquantile(np.abs(finite), 0.9)) if len(finite) else 1.0
    bound = bound if bound > 0 else 1.0
    norm = mpl.colors.TwoSlopeNorm(vmin=-bound, vcenter=0.0, vmax=bound)
    cmap = mpl.colormaps["RdBu"]
    for row in boundaries.itertuples(index=False):
        value = values.get(row.region_code, np.nan)
        colour = cmap(norm(value)) if np.isfinite(value) else "#eeeeee"
        for poly in _polygons(row.geometry):
            rings = [np.asarray(poly.exterior.coords), *(np.asarray(r.coords) for r in poly.interiors)]
            path = MplPath.make_compound_path(*(MplPath(r, closed=True) for r in rings))
            edge, width = ("black", 2.0) if row.region_code == highlight else ("white", 0.5)
            ax.add_patch(PathPatch(path, facecolor=colour, edgecolor=edge, linewidth=width))
    ax.autoscale_view()
    ax.set_aspect("equal")
    ax.set_axis_off()
    bar = ax.figure.colorbar(mpl.cm.ScalarMappable(norm=norm, cmap=cmap), ax=ax, shrink=0.7, extend="both")
    bar.set_label(label)
    bar.ax.yaxis.set_major_formatter(num.tick_formatter(language, kind, 0))


def _draw_ranking(ax: Any, regions: pd.DataFrame, language: str, xlabel: str) -> None:
    """Each region's DiD estimate with its interval, sorted; the highlighted region in colour."""
    order = regions.sort_values("did_estimate").reset_index(drop=True)
    y = np.arange(len(order))
    colours = [HIGHLIGHT if h else PALETTE[0] for h in order["highlight"]]
    ax.hlines(y, order["did_low"], order["did_high"], colors=colours, linewidth=1.6, alpha=0.7)
    ax.scatter(order["did_estimate"], y, c=colours, s=14, zorder=3)
    ax.axvline(0.0, color=MUTED, linewidth=1)
    ax.set_yticks(y, order["region_name"], fontsize=7)
    ax.set_xlabel(xlabel)
    ax.grid(axis="y", visible=False)


def report(result: AtlasResult, *, boundaries: pd.DataFrame | None = None, sources: pd.DataFrame | None = None,
           language: str = "nl") -> Document:  # fmt: skip
    """The atlas as a :class:`Document` in ``language``."""
    from ccresearch.build.loaders import load_boundaries, load_sources

    boundaries = load_boundaries() if boundaries is None else boundaries
    sources = load_sources() if sources is None else sources
    r = result.regions
    doc = Document(language, "", "", stem="04_regional_atlas")
    w = doc.words
    sector = w.text(f"atlas.sector.{'total' if result.sector == 'total' else 'other'}", sector=result.sector)
    doc.title = w.text("atlas.title", sector=sector)
    doc.subtitle = w.text(
        "atlas.subtitle", base=result.base_year, end=result.end_year, treatment=result.treatment_year
    )
    pct = lambda x: num.fmt_percent(x, language, 1, sign=True)  # noqa: E731
    summary = doc.section("summary", w("document.summary"), numbered=False)

    maps = doc.section("maps", w("atlas.maps.title"))
    growth = r.set_index("region_code")["growth_sector"]
    did = r.set_index("region_code")["did_estimate"]
    highlight = r[r["highlight"]]
    name = str(highlight["region_name"].iloc[0]) if len(highlight) else ""
    maps.paragraph(w("atlas.maps.text", nl_growth=pct(result.national_growth_sector), sector=sector))
    maps.add(
        doc.figure(
            "map-growth",
            lambda fig: _draw_map(
                fig.add_subplot(),
                boundaries,
                growth,
                result.highlight,
                w.text("atlas.maps.growth_label"),
                language,
            ),
            w("atlas.maps.growth_caption", sector=sector, base=result.base_year, end=result.end_year),
            alt=w.text(
                "atlas.maps.growth_alt",
                sector=sector,
                high=r.loc[r["growth_sector"].idxmax(), "region_name"],
                high_value=pct(r["growth_sector"].max()),
                low=r.loc[r["growth_sector"].idxmin(), "region_name"],
                low_value=pct(r["growth_sector"].min()),
                name=name,
            ),
            source=doc.cite("cbs-83582NED", w.text("source.statline", table_id="83582NED")),
            height=6.0,
            narrow_height=5.4,
        ),
        doc.figure(
            "map-did",
            lambda fig: _draw_map(
                fig.add_subplot(),
                boundaries,
                did,
                result.highlight,
                w.text("atlas.maps.did_label"),
                language,
                "number",
            ),
            w("atlas.maps.did_caption", treatment=result.treatment_year),
            alt=w.text(
                "atlas.maps.did_alt",
                high=r.loc[r["did_estimate"].idxmax(), "region_name"],
                low=r.loc[r["did_estimate"].idxmin(), "region_name"],
                name=name,
            ),
            source=doc.cite("cbs-83582NED", w.text("source.statline", table_id="83582NED")),
            height=6.0,
            narrow_height=5.4,
        ),
    )

    ranking = doc.section("ranking", w("atlas.ranking.title"))
    excluding = int(((r["did_low"] > 0) | (r["did_high"] < 0)).sum())
    ranking.paragraph(w("atlas.ranking.text", level=num.fmt_percent(result.level, language, 0), n=len(r),
                        excluding=excluding, expected=num.fmt_number((1 - result.level) * len(r), language, 0)))  # fmt: skip
    ranking.add(
        doc.figure(
            "ranking-fig",
            lambda fig: _draw_ranking(fig.add_subplot(), r, language, w.text("atlas.ranking.xlabel")),
            w(
                "atlas.ranking.caption",
                level=num.fmt_percent(result.level, language, 0),
                treatment=result.treatment_year,
            ),
            alt=w.text("atlas.ranking.alt", n=len(r), excluding=excluding, name=name),
            source=doc.cite("cbs-83582NED", w.text("source.statline", table_id="83582NED")),
            height=8.5,
            narrow_height=9.5,
        )
    )

    table = doc.section("table", w("atlas.table.title"))
    frame = r.sort_values("region_name").reset_index(drop=True)
    # Markup cells keep their type only in an object column (pandas 3 would make plain, escaped strings of them)
    frame["did_text"] = pd.Series(
        [
            Markup('{} <span class="unit">({} ; {})</span>').format(
                num.fmt_number(e, language, 1),
                num.fmt_number(lo, language, 1),
                num.fmt_number(hi, language, 1),
            )
            for e, lo, hi in zip(frame["did_estimate"], frame["did_low"], frame["did_high"], strict=True)
        ],
        dtype=object,
    )
    table.add(
        doc.table(
            "regions",
            frame,
            [
                Column("region_name", w.text("atlas.col.region"), row_header=True),
                Column(
                    "jobs_end",
                    w.text("atlas.col.jobs_end", year=result.end_year),
                    w.text("atlas.unit.jobs"),
                    kind="rounded",
                ),
                Column("growth_sector", w.text("atlas.col.growth_sector"), "%", kind="percent", decimals=1),
                Column("growth_other", w.text("atlas.col.growth_other"), "%", kind="percent", decimals=1),
                Column(
                    "ss_industry_mix",
                    w.text("atlas.col.ss_industry_mix"),
                    w.text("atlas.unit.jobs"),
                    kind="rounded",
                ),
                Column(
                    "ss_regional", w.text("atlas.col.ss_regional"), w.text("atlas.unit.jobs"), kind="rounded"
                ),
                Column("did_text", w.text("atlas.col.did"), w.text("atlas.unit.index_points"), kind="number"),
                Column("synth_p_value", w.text("atlas.col.synth_p"), kind="number", decimals=2),
            ],
            w(
                "atlas.table.caption",
                base=result.base_year,
                end=result.end_year,
                level=num.fmt_percent(result.level, language, 0),
            ),
            source=doc.cite("cbs-83582NED", w.text("source.statline", table_id="83582NED")),
        )
    )

    limits = doc.section("limitations", w("document.limitations"))
    limits.bullets([w("atlas.limits.multiple", expected=num.fmt_number((1 - result.level) * len(r), language, 0), n=len(r)),
                    w("atlas.limits.proxy"), w("atlas.limits.rounding"), w("atlas.limits.maps")])  # fmt: skip

    # the summary last: it links to the figures and tables above
    if len(highlight):
        row = highlight.iloc[0]
        rank = int((r["growth_sector"] >= row["growth_sector"]).sum())
        summary.bullets(
            [
                w(
                    "atlas.summary.national",
                    sector=sector,
                    base=result.base_year,
                    end=result.end_year,
                    growth=pct(result.national_growth_sector),
                    other=pct(result.national_growth_other),
                    fig=doc.ref("map-growth"),
                ),
                w(
                    "atlas.summary.highlight",
                    name=row["region_name"],
                    growth=pct(row["growth_sector"]),
                    rank=rank,
                    n=len(r),
                    estimate=num.fmt_number(row["did_estimate"], language, 1),
                    low=num.fmt_number(row["did_low"], language, 1),
                    high=num.fmt_number(row["did_high"], language, 1),
                    fig=doc.ref("ranking-fig"),
                ),
                w(
                    "atlas.summary.excluding",
                    excluding=excluding,
                    n=len(r),
                    level=num.fmt_percent(result.level, language, 0),
                    expected=num.fmt_number((1 - result.level) * len(r), language, 0),
                    table=doc.ref("regions"),
                ),
            ]
        )
    glossary_section(doc, GLOSSARY)
    sources_section(doc, sources, [], cbs_tables=("83582NED",), literature=LITERATURE)
    doc.add_headline("regions", w.text("atlas.headline.regions"), num.fmt_int(len(r), language))
    doc.add_headline("excluding", w.text("atlas.headline.excluding"), num.fmt_int(excluding, language))
    return doc
