"""One home for language: the ``Language`` type and the message catalogues (one YAML file per language).

Every word a reader sees comes from ``ccresearch/report/messages/<language>.yaml``, looked up by key
(``text("figure.label", "nl")`` -> ``"Figuur"``). Keys are dotted paths into the YAML mapping. A message may
hold ``{name}`` placeholders, filled from keyword arguments, and ``**bold**`` emphasis. :func:`text` gives plain
text (axis labels, alt text, CSV headers); :func:`message` gives HTML-safe :class:`markupsafe.Markup`: the
message is escaped first, then the values are escaped as they are put in, so a string from the data can never
become markup. Values that are already ``Markup`` (a link built by the report layer) go in as they are.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any, Literal, get_args

from markupsafe import Markup, escape

from ccresearch.errors import ParameterError

Language = Literal["nl", "en"]
LANGUAGES: tuple[str, ...] = get_args(Language)
#: Babel locale of each report language
LOCALES: dict[str, str] = {"nl": "nl_NL", "en": "en_GB"}
CATALOGUE_DIR = Path(__file__).resolve().parent / "messages"
_BOLD = re.compile(r"\*\*(.+?)\*\*")

#: keys looked up in this interpreter (the catalogue test adds them to the keys found in the source)
USED: set[str] = set()


def check_language(language: Any) -> Language:
    """``language`` if it is a report language, else :class:`ParameterError` naming the choices."""
    if language not in LANGUAGES:
        raise ParameterError(
            "unknown report language", field="language", value=language, expected=" or ".join(LANGUAGES)
        )
    return language  # type: ignore[return-value]


def _flatten(data: Any, prefix: str = "") -> dict[str, str]:
    out: dict[str, str] = {}
    if isinstance(data, dict):
        for key, value in data.items():
            out.update(_flatten(value, f"{prefix}{key}."))
    else:
        out[prefix[:-1]] = "" if data is None else str(data)
    return out


@functools.cache
def catalogue(language: str) -> dict[str, str]:
    """Every message of ``language`` by dotted key (read once per process)."""
    import yaml

    check_language(language)
    path = CATALOGUE_DIR / f"{language}.yaml"
    return _flatten(yaml.safe_load(path.read_text(encoding="utf-8")) or {})


def has(key: str, language: str) -> bool:
    """Whether the catalogue of ``language`` has ``key``."""
    return key in catalogue(language)


def _template(key: str, language: str) -> str:
    messages = catalogue(language)
    if key not in messages:
        raise KeyError(
            f"message {key!r} is missing from the {language} catalogue ({CATALOGUE_DIR.name}/{language}.yaml)"
        )
    USED.add(key)
    return messages[key]


def text(key: str, language: str, /, **values: Any) -> str:
    """The message ``key`` in ``language`` as plain text, placeholders filled (``**`` marks dropped)."""
    template = _BOLD.sub(r"\1", _template(key, language))
    return template.format_map({k: str(v) for k, v in values.items()}) if values else template


def message(key: str, language: str, /, **values: Any) -> Markup:
    """The message ``key`` in ``language`` as safe HTML: escaped, ``**bold**`` as <strong>, values escaped."""
    template = _BOLD.sub(r"<strong>\1</strong>", str(escape(_template(key, language))))
    return Markup(template).format(**values) if values else Markup(template)


class Words:
    """The catalogue bound to one language: ``w = Words("nl"); w.text("figure.label")``."""

    def __init__(self, language: str) -> None:
        self.language: Language = check_language(language)

    def text(self, key: str, /, **values: Any) -> str:
        """Plain text of ``key`` (see :func:`text`)."""
        return text(key, self.language, **values)

    def __call__(self, key: str, /, **values: Any) -> Markup:
        """Safe HTML of ``key`` (see :func:`message`)."""
        return message(key, self.language, **values)

    def has(self, key: str) -> bool:
        """Whether the catalogue has ``key``."""
        return has(key, self.language)
