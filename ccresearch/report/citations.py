"""Citations: the source list of a report (every source id links to its entry), CBS tables, methods literature.

Sources of figures come from the evidence base (``ccresearch.load_sources()``); CBS tables and the methods
literature from ``bibliography.yaml`` beside this module (publications, not figures), the CBS retrieval date from
the sidecars of the raw CBS files. What is not known is said in plain words (``undated``, ``no web address``).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from markupsafe import Markup

from ccresearch.report import numbers as num
from ccresearch.report.document import Document, Section, slug

BIBLIOGRAPHY = Path(__file__).resolve().parent / "bibliography.yaml"


@functools.lru_cache(maxsize=1)
def bibliography() -> dict[str, Any]:
    """The publications of ``bibliography.yaml``: ``{"cbs": {table_id: {...}}, "literature": {key: text}}``."""
    import yaml

    return yaml.safe_load(BIBLIOGRAPHY.read_text(encoding="utf-8"))


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _date_text(date: str, language: str) -> str:
    """A source date as written (``2015``, ``2015-03``, ``2015-03-02``) in the reader's words."""
    if len(date) == 10:
        return num.fmt_date(date, language)
    if len(date) == 7:
        return num.fmt_month(date + "-01", language)
    return date


def source_entry(doc: Document, source: Any) -> Markup:
    """One entry of the source list: publisher, "title" (in its own language), date, address."""
    w = doc.words
    get = source.get if hasattr(source, "get") else lambda k: getattr(source, k, None)
    date = _text(get("date"))
    address = _text(get("address"))
    lang = _text(get("language")) or doc.language
    title = Markup('<cite lang="{}">{}</cite>').format(lang, _text(get("title")))
    parts = [
        Markup("{}").format(_text(get("publisher"))),
        title,
        _date_text(date, doc.language) if date else w("source.undated"),
    ]
    parts.append(Markup('<a href="{0}">{0}</a>').format(address) if address else w("source.no_address"))
    return Markup('<li id="src-{}">{}</li>').format(slug(str(get("source_id"))), Markup(", ").join(parts))


def cbs_entry(doc: Document, table_id: str, raw: Path | None = None) -> Markup:
    """A CBS StatLine table: id, title, retrieval date (from the raw files' sidecar) and link."""
    w = doc.words
    info = bibliography()["cbs"][table_id]
    retrieved = _cbs_retrieved(table_id, raw)
    parts = [
        w("source.statline", table_id=table_id),
        Markup('<cite lang="nl">{}</cite>').format(info["title"]),
        w("source.retrieved", date=num.fmt_date(retrieved, doc.language))
        if retrieved
        else w("source.undated"),
        Markup('<a href="{0}">{0}</a>').format(info["address"]),
        w("source.licence", licence=info["licence"]),
    ]
    return Markup('<li id="src-{}">{}</li>').format(slug(f"cbs-{table_id}"), Markup(", ").join(parts))


def _cbs_retrieved(table_id: str, raw: Path | None) -> str | None:
    from ccresearch import paths
    from ccresearch.sources.catalog import read_sidecar

    folder = (raw or paths.raw_dir()) / "cbs" / table_id
    for data_file in sorted(p for p in folder.glob("*") if p.is_file() and not p.name.endswith(".meta.yaml")):
        try:
            return read_sidecar(data_file).retrieved
        except Exception:  # a file without a readable sidecar: the build refuses it anyway
            continue
    return None


def sources_section(
    doc: Document,
    sources: Any,
    ids: Iterable[str],
    *,
    cbs_tables: Iterable[str] = (),
    literature: Iterable[str] = (),
) -> Section:
    """The "Sources" section: the evidence sources ``ids`` (in order), CBS tables, then the methods literature."""
    w = doc.words
    section = doc.section("sources", w("document.sources"), numbered=False)
    by_id = sources.set_index("source_id", drop=False)
    items = [source_entry(doc, by_id.loc[i]) for i in dict.fromkeys(ids) if i in by_id.index]
    items += [cbs_entry(doc, t) for t in cbs_tables]
    if items:
        section.add(Markup('<ol class="sources">{}</ol>').format(Markup("").join(items)))
    refs = [bibliography()["literature"][k] for k in literature]
    if refs:
        section.add(Markup("<h3>{}</h3>").format(w("document.methods_literature")))
        section.add(
            Markup('<ol class="sources">{}</ol>').format(
                Markup("").join(
                    Markup('<li id="lit-{}">{}</li>').format(k, r)
                    for k, r in zip(literature, refs, strict=False)
                )
            )
        )
    return section


def glossary_section(doc: Document, terms: Iterable[str]) -> Section:
    """The glossary ("Begrippen"): each term's name and definition from the catalogue (``glossary.<term>``)."""
    w = doc.words
    section = doc.section("glossary", w("document.glossary"), numbered=False)
    section.definitions((w(f"glossary.{t}.term"), w(f"glossary.{t}.definition")) for t in terms)
    return section
