"""The report layer's core: message catalogues, Babel number formats, the document and the page."""

from __future__ import annotations

import ast
import json
import re
import string

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from markupsafe import Markup

from ccresearch.errors import ParameterError
from ccresearch.paths import PACKAGE_DIR, ROOT
from ccresearch.report import numbers as num
from ccresearch.report.document import Column, Document
from ccresearch.report.language import LANGUAGES, catalogue, message, text
from ccresearch.report.page import page

# ------------------------------------------------------------------------------------------- catalogues


def _placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_every_key_has_every_language_with_the_same_placeholders() -> None:
    nl, en = catalogue("nl"), catalogue("en")
    assert sorted(set(nl) - set(en)) == [], "keys only in nl.yaml"
    assert sorted(set(en) - set(nl)) == [], "keys only in en.yaml"
    differing = {k: (nl[k], en[k]) for k in nl if _placeholders(nl[k]) != _placeholders(en[k])}
    assert differing == {}
    empty = [f"{lang}:{k}" for lang in LANGUAGES for k, v in catalogue(lang).items() if not v.strip()]
    assert empty == []


def _key_patterns() -> tuple[set[str], list[re.Pattern[str]]]:
    """Literal strings and f-string shapes in the package and the notebooks (the places keys are used)."""
    literals: set[str] = set()
    patterns: list[re.Pattern[str]] = []
    sources = [p.read_text(encoding="utf-8") for p in PACKAGE_DIR.rglob("*.py")]
    for nb in (ROOT / "notebooks").glob("*.ipynb"):
        cells = json.loads(nb.read_text(encoding="utf-8"))["cells"]
        sources += ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]
    for source in sources:
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                literals.add(node.value)
            elif isinstance(node, ast.JoinedStr):
                parts = [
                    re.escape(v.value) if isinstance(v, ast.Constant) else r"[\w.\-]+" for v in node.values
                ]
                patterns.append(re.compile("".join(parts)))
    return literals, patterns


def test_no_catalogue_key_is_unused() -> None:
    literals, patterns = _key_patterns()
    unused = [
        key
        for key in catalogue("en")
        if key not in literals
        and not any(p.fullmatch(key) for p in patterns)
        # a placeholder section a report has not filled yet holds only its title
        and not key.endswith(".title")
    ]
    assert unused == []


def test_a_missing_key_names_the_key_and_the_catalogue() -> None:
    with pytest.raises(KeyError, match=r"no\.such\.key.*nl\.yaml"):
        text("no.such.key", "nl")


def test_an_unknown_language_is_refused_with_the_choices() -> None:
    with pytest.raises(ParameterError) as err:
        text("figure.label", "de")
    assert err.value.field == "language" and "nl" in (err.value.expected or "")


def test_message_escapes_values_and_keeps_its_own_emphasis() -> None:
    out = message("number.at_least", "en", x="<script>alert(1)</script>")
    assert "<script>" not in out and "&lt;script&gt;" in out
    assert isinstance(out, Markup)
    linked = message("number.at_least", "nl", x=Markup('<a href="#x">x</a>'))
    assert '<a href="#x">x</a>' in linked


# ------------------------------------------------------------------------------------------- numbers


@pytest.mark.parametrize(
    ("value", "nl", "en"),
    [(1234.5, "1.234,5", "1,234.5"), (0.0, "0,0", "0.0"), (-2.25, "-2,3", "-2.3")],
)
def test_numbers_follow_the_language(value: float, nl: str, en: str) -> None:
    assert num.fmt_number(value, "nl", 1).replace("\u2212", "-") in (nl, nl.replace("2,3", "2,2"))
    assert num.fmt_number(value, "en", 1).replace("\u2212", "-") in (en, en.replace("2.3", "2.2"))


def test_money_percent_p_and_rounding() -> None:
    assert (
        num.fmt_money(1_800_000, "nl") == "€\xa01.800.000" or num.fmt_money(1_800_000, "nl") == "€ 1.800.000"
    )
    assert num.fmt_money(1_800_000, "en") == "€1,800,000"
    assert num.fmt_percent(0.1234, "nl") == "12,3%"
    assert num.fmt_percent(0.1234, "en") == "12.3%"
    assert num.fmt_p(0.0001, "nl") == "< 0,001" and num.fmt_p(0.0001, "en") == "< 0.001"
    assert num.fmt_p(0.25, "en") == "0.250"
    assert num.fmt_rounded(4712, "en", sign=True) == "+4,700"
    assert num.fmt_rounded(10151, "nl") == "10.200"
    assert num.fmt_number(float("nan"), "nl") == text("number.missing", "nl")
    assert (
        num.fmt_date("2014-05-01", "nl") == "1 mei 2014" and num.fmt_date("2014-05-01", "en") == "1 May 2014"
    )


@given(st.floats(min_value=-1e9, max_value=1e9, allow_nan=False), st.integers(min_value=0, max_value=3))
def test_dutch_and_english_numbers_read_back_to_the_same_value(x: float, decimals: int) -> None:
    nl = num.fmt_number(x, "nl", decimals).replace("\u2212", "-")
    en = num.fmt_number(x, "en", decimals).replace("\u2212", "-")
    assert float(nl.replace(".", "").replace(",", ".")) == pytest.approx(float(en.replace(",", "")))
    assert abs(float(en.replace(",", "")) - x) <= 0.5 * 10**-decimals + 1e-6 * abs(x)


# ------------------------------------------------------------------------------------------- document


def _document(language: str = "nl") -> Document:
    doc = Document(language, "Titel <b>vet</b>", "ondertitel")
    summary = doc.section("summary", doc.words("document.summary"), numbered=False)
    body = doc.section("body", "Resultaten")

    def draw(fig: object) -> None:
        ax = fig.add_subplot()  # type: ignore[attr-defined]
        ax.plot([2010, 2020], [100, 110])

    body.add(
        doc.figure("trend", draw, "Index <i>x</i>", alt="Een stijgende lijn van 100 naar 110", source="CBS")
    )
    frame = pd.DataFrame({"name": ["<script>alert(1)</script>", "Zuid-Limburg"], "jobs": [4712.0, 25512.0]})
    body.add(
        doc.table(
            "jobs",
            frame,
            [Column("name", "Regio", row_header=True), Column("jobs", "Banen", "aantal", kind="rounded")],
            "Banen",
        )
    )
    summary.bullets([doc.words("number.range", low=doc.ref("trend"), high=doc.ref("jobs"))])
    return doc


def test_figures_and_tables_are_numbered_captioned_and_linked() -> None:
    html = _document().html()
    assert html.count("<figure") == 2 and html.count("<figcaption") == 2
    assert 'alt="Een stijgende lijn van 100 naar 110"' in html
    assert '<a href="#fig-trend">figuur 1</a> tot <a href="#tab-jobs">tabel 1</a>' in html
    assert '<th scope="col" class="num">Banen <span class="unit">(aantal)</span></th>' in html
    assert ">4.700<" in html and ">25.500<" in html
    assert '<nav class="toc"' in html and 'href="#sec-body"' in html


def test_strings_from_data_are_text_not_markup() -> None:
    html = _document().html()
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<b>vet</b>" not in html and "<i>x</i>" not in html


def test_table_csv_keeps_numbers_and_labels_units() -> None:
    doc = _document()
    csv = doc.tables()[0].csv().splitlines()
    assert csv[0] == "Regio,Banen (aantal)" and csv[2] == "Zuid-Limburg,25512.0"


def test_page_has_the_language_title_and_only_its_own_css() -> None:
    doc = _document("en")
    parts = [str(doc.render_toc()), *(str(h) for _, h in doc.render_sections())]
    html = page(doc.meta(), parts, {"parameters": {"region": "<CR39>"}}, index_href="../../index.en.html")
    assert html.startswith('<!DOCTYPE html>\n<html lang="en">')
    assert "<title>Titel &lt;b&gt;vet&lt;/b&gt;</title>" in html
    assert "&lt;CR39&gt;" in html and "jp-" not in html
    assert "All reports" in html and 'href="../../index.en.html"' in html
    without_images = re.sub(r"data:image/png;base64,[A-Za-z0-9+/=]+", "", html)
    assert len(without_images.encode()) < 150_000


def test_duplicate_block_keys_are_refused() -> None:
    doc = _document()
    doc.sections[1].add(doc.table("jobs", pd.DataFrame({"a": [1]}), [Column("a", "A")], "again"))
    with pytest.raises(ValueError, match="jobs"):
        doc.html()


def _prose_literals(source: str) -> list[str]:
    """String literals that read like sentences (eight words or more, a full stop), docstrings left out."""
    tree = ast.parse(source)
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.FunctionDef | ast.ClassDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
        and len(re.findall(r"[A-Za-z]{3,}", node.value)) >= 8
        and "." in node.value
        and not node.value.lstrip().startswith(("<", "(", "\n", ":root"))
    ]


def test_report_modules_hold_no_prose_the_catalogue_holds_it() -> None:
    offenders = [
        f"{path.name}: {literal[:60]!r}"
        for path in sorted((PACKAGE_DIR / "report").glob("*.py"))
        for literal in _prose_literals(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_the_prose_check_finds_a_planted_sentence() -> None:
    planted = 'x = "This sentence is reader prose that belongs in the catalogue, not in code."'
    assert _prose_literals(planted) and not _prose_literals('"""A docstring with many words in it, fine."""')
