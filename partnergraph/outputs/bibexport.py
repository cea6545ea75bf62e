"""Bibliography export: selected entries of ``sources.bib`` as BibTeX (the entries' own text, byte for byte),
BibLaTeX (types and fields renamed as biblatex names them), RIS (as Zotero reads it) or CSL-JSON.

The BibTeX → CSL mapping here is the one the formatted references use too: editors, a chapter's book and its
editors, a report's number and institution, a thesis's kind and university, a web page's access date, series,
organisations as literal names. What RIS or CSL-JSON has no place for (the project's fields, ``and others``,
``howpublished`` …) goes in the note as ``tex.NAME: value`` lines (:func:`extra_fields`), which ``bib add``
reads back: every entry comes back whole.

>>> from partnergraph.files.bibtex import parse_bibtex_text
>>> s = parse_bibtex_text('@techreport{a, author = {{Audit Commission}}, title = {T}, institution = {AC},'
...                       ' number = {7}, year = 1998}').sources[0]
>>> item = csl_item(s)
>>> item["type"], item["author"], item["publisher"], item["number"]
('report', [{'literal': 'Audit Commission'}], 'AC', '7')
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from contextlib import nullcontext

from ..files.bibtex import Person, Source, split_people

__all__ = [
    "BIB_FORMATS",
    "CSL_TYPES",
    "RIS_TYPES",
    "CARRIES",
    "EXTRA_PREFIX",
    "ROUND_TRIP_TYPES",
    "csl_item",
    "export_sources",
    "extra_fields",
    "to_biblatex",
    "to_bibtex",
    "to_csljson",
    "to_ris",
]

BIB_FORMATS = ("bibtex", "biblatex", "ris", "csljson")
CSL_TYPES = {"article": "article-journal", "book": "book", "incollection": "chapter", "inbook": "chapter",
             "inproceedings": "paper-conference", "conference": "paper-conference", "proceedings": "book",
             "techreport": "report", "report": "report", "phdthesis": "thesis", "mastersthesis": "thesis",
             "thesis": "thesis", "online": "webpage", "manual": "report", "unpublished": "manuscript",
             "misc": "document", "booklet": "pamphlet"}
RIS_TYPES = {"article": "JOUR", "book": "BOOK", "incollection": "CHAP", "inbook": "CHAP",
             "inproceedings": "CPAPER", "conference": "CPAPER", "proceedings": "CONF", "techreport": "RPRT",
             "report": "RPRT", "phdthesis": "THES", "mastersthesis": "THES", "thesis": "THES", "online": "ELEC",
             "unpublished": "UNPB", "manual": "RPRT", "misc": "GEN"}
_BIBLATEX_TYPES = {"techreport": ("report", "techreport"), "phdthesis": ("thesis", "phdthesis"),
                   "mastersthesis": ("thesis", "mathesis"), "conference": ("inproceedings", "")}
_MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
_BIBLATEX_FIELDS = {"journal": "journaltitle", "address": "location", "school": "institution"}


def _names(people: tuple[Person, ...]) -> list[dict]:
    out: list[dict] = []
    for p in people:
        if p.organisation or not p.given:
            out.append({"literal": p.family} if p.organisation else {"family": p.family})
            continue
        family, _, suffix = p.family.partition(", ")
        d = {"family": family, "given": p.given}
        if suffix:
            d["suffix"] = suffix
        out.append(d)
    return out


def _date(text: str) -> dict | None:
    m = re.fullmatch(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", text.strip())
    if not m:
        return {"literal": text} if text.strip() else None
    return {"date-parts": [[int(x) for x in m.groups() if x]]}


def csl_item(s: Source) -> dict:
    """One source as a CSL-JSON item (``id`` and ``citation-key`` are the key)."""
    f = s.fields
    ctype = CSL_TYPES.get(s.entry_type, "document")
    if ctype == "document" and f.get("url") and not f.get("publisher"):
        ctype = "webpage"
    if s.entry_type == "misc" and f.get("type", "").lower() == "act":
        ctype = "legislation"
    item: dict = {"id": s.key, "citation-key": s.key, "type": ctype}
    if s.entry_type == "article" and not (f.get("volume") or f.get("number") or f.get("pages")):
        ctype = item["type"] = "article-magazine"  # no volume, issue or pages: a magazine or newspaper piece
    if s.authors:
        item["author"] = _names(s.authors)

    if s.editors:
        item["editor"] = _names(s.editors)
    for bib, csl in (("translator", "translator"), ("bookauthor", "container-author")):
        if f.get(bib):
            item[csl] = _names(split_people(f[bib])[0])
    container = f.get("journal") or f.get("journaltitle") or f.get("booktitle")
    pairs = (("title", "title"), ("volume", "volume"), ("edition", "edition"), ("series", "collection-title"),
             ("doi", "DOI"), ("url", "URL"), ("isbn", "ISBN"), ("issn", "ISSN"), ("abstract", "abstract"),
             ("language", "language"), ("shorttitle", "title-short"), ("chapter", "chapter-number"),
             ("eventtitle", "event-title"), ("keywords", "keyword"))
    for bib, csl in pairs:
        if f.get(bib):
            item[csl] = f[bib]
    if container:
        item["container-title"] = container
    if f.get("number"):
        item["issue" if ctype == "article-journal" else "number"] = f["number"]
    if f.get("pages"):
        item["page"] = f["pages"].replace("\u2013", "-").replace("--", "-")
    publisher = f.get("publisher") or f.get("institution") or f.get("school") or f.get("organization")
    if publisher:
        item["publisher"] = publisher
    place = f.get("address") or f.get("location")
    if place:
        item["publisher-place"] = place
    if f.get("type") and ctype != "legislation":
        item["genre"] = f["type"]
    elif ctype == "thesis":
        item["genre"] = "PhD thesis" if s.entry_type == "phdthesis" else "Master's thesis" if \
            s.entry_type == "mastersthesis" else "Thesis"
    issued = _date(f.get("date", "")) if f.get("date") else _date(s.year) if s.year else None
    month = _MONTHS.index(f["month"][:3].lower()) + 1 if f.get("month", "")[:3].lower() in _MONTHS else 0
    if issued and month and "date-parts" in issued and len(issued["date-parts"][0]) == 1:
        issued["date-parts"][0].append(month)
        if f.get("day", "").isdigit():
            issued["date-parts"][0].append(int(f["day"]))
    if issued:
        item["issued"] = issued
    if f.get("urldate"):
        accessed = _date(f["urldate"])
        if accessed:
            item["accessed"] = accessed
    if f.get("note"):
        item["note"] = f["note"]
    return item


# ---------------------------------------------------------------- what a format cannot carry
#: the prefix of a note line that carries a field the format has no place for (``tex.seedfile: 000_ab.txt``):
#: Better BibTeX's convention for Zotero's Extra field, which Zotero fills from CSL-JSON's ``note``; ``bib add``
#: reads such lines back into fields
EXTRA_PREFIX = "tex."
#: entry types that come back as themselves from RIS and CSL-JSON (others are noted as ``tex.entrytype``)
ROUND_TRIP_TYPES = frozenset({"article", "book", "incollection", "inproceedings", "techreport", "phdthesis",
                              "unpublished", "misc"})
_BOTH = {"author", "editor", "title", "year", "month", "day", "date", "volume", "edition", "doi", "url",
         "urldate", "abstract", "language", "shorttitle", "pages", "note", "keywords", "series", "type"}
#: the fields each format carries in its own tags or variables (publisher, container, number and identifiers
#: are decided per entry: see :func:`extra_fields`)
CARRIES = {"ris": frozenset(_BOTH | {"address"}),
           "csljson": frozenset(_BOTH | {"address", "translator", "bookauthor", "chapter", "eventtitle", "isbn",
                                         "issn", "number"})}
_PUBLISHERS = ("publisher", "institution", "school", "organization")


def _publisher_back(entry_type: str) -> str:
    return "institution" if entry_type == "techreport" else "school" if entry_type == "phdthesis" else "publisher"


def extra_fields(s: Source, to: str) -> list[tuple[str, str]]:
    """The fields of ``s`` that format ``to`` (``ris`` or ``csljson``) has no place for, or would bring back
    under another name: written as ``tex.NAME: value`` note lines, so the entry comes back whole. The author
    list's "and others" is ``tex.andothers: author`` (neither format can mark it)."""
    f = s.fields
    native = set(CARRIES[to])
    used = next((n for n in _PUBLISHERS[:3 if to == "ris" else 4] if f.get(n)), None)
    if used is not None and used == _publisher_back(s.entry_type):
        native.add(used)
    container = next((n for n in ("journal", "journaltitle", "booktitle") if f.get(n)), None)
    if container == "journal" and s.entry_type == "article" or \
            container == "booktitle" and s.entry_type in ("incollection", "inproceedings"):
        native.add(container)
    if to == "ris":
        native.add("number")  # IS, or a report's SN (its number, as Zotero writes it)
        sn = None if s.entry_type == "techreport" else "issn" if f.get("issn") else "isbn" if f.get("isbn") else None
        if sn and sn == ("isbn" if s.entry_type in ("book", "incollection") or _isbn_like(f[sn]) else "issn"):
            native.add(sn)  # one SN: read back as an ISBN for a book or an ISBN-like number, else an ISSN
        if f.get("type") and s.entry_type == "misc" and f["type"].lower() == "act":
            native.discard("type")  # written as M3 only for a thesis or report; an Act's type goes as a line
    if s.entry_type == "misc" and f.get("type", "").lower() == "act" and to == "csljson":
        native.add("type")
    out = [(k, v) for k, v in f.items() if k not in native]
    if s.entry_type not in ROUND_TRIP_TYPES:
        out.insert(0, ("entrytype", s.entry_type))
    if s.et_al:
        out.append(("andothers", "author"))
    return out


def _isbn_like(value: str) -> bool:  # as the RIS reader decides an SN is an ISBN
    digits = re.sub(r"[^0-9Xx]", "", value)
    return len(digits) in (10, 13) and not re.fullmatch(r"\d{4}-\d{3}[\dXx]", value.strip())


def _extra_lines(s: Source, to: str) -> list[str]:
    return [f"{EXTRA_PREFIX}{k}: {v}" for k, v in extra_fields(s, to)]


def to_bibtex(sources: Iterable[Source]) -> str:
    """The entries as ``sources.bib`` has them (every byte of each entry)."""
    return "\n".join(s.raw.strip() + "\n" for s in sources)


def to_biblatex(sources: Iterable[Source]) -> str:
    """The entries with biblatex's types and field names (``journaltitle``, ``location``, ``@report`` …)."""
    out = []
    for s in sources:
        raw = s.raw.strip()
        new_type, subtype = _BIBLATEX_TYPES.get(s.entry_type, (s.entry_type, ""))
        raw = re.sub(r"^@\s*\w+", "@" + new_type, raw, count=1)
        for old, new in _BIBLATEX_FIELDS.items():
            if new not in s.fields:
                raw = re.sub(rf"(?m)^(\s*){old}(\s*=)", rf"\g<1>{new}\g<2>", raw, count=1)
        if subtype and "type" not in s.fields:
            raw = re.sub(r"^(@\w+\{[^,\n]+,)", rf"\1\n  type = {{{subtype}}},", raw, count=1)
        out.append(raw + "\n")
    return "\n".join(out)


def to_csljson(sources: Iterable[Source]) -> str:
    """A CSL-JSON list (UTF-8, indented), one item per source; what CSL has no variable for is in ``note``, one
    ``tex.NAME: value`` line each (:func:`extra_fields`)."""
    items = []
    for s in sources:
        item = csl_item(s)
        lines = ([item["note"]] if item.get("note") else []) + _extra_lines(s, "csljson")
        if lines:
            item["note"] = "\n".join(lines)
        items.append(item)
    return json.dumps(items, ensure_ascii=False, indent=2) + "\n"


def to_ris(sources: Iterable[Source]) -> str:
    """RIS records as Zotero and EndNote read them (``ID`` is the citation key)."""
    import rispy

    records = []
    for s in sources:
        f = s.fields
        ty = RIS_TYPES.get(s.entry_type, "GEN")
        r: dict = {"type_of_reference": ty, "id": s.key}

        def people(ps: tuple[Person, ...]) -> list[str]:
            # a family name alone ends with a comma ("Keele,"): without one, a reader takes it for an organisation
            return [p.family if p.organisation else f"{p.family}, {p.given}" if p.given else p.family + ","
                    for p in ps]

        if s.authors:
            r["authors"] = people(s.authors)
        if s.editors:
            r["secondary_authors"] = people(s.editors)
        if s.title:
            r["title"] = s.title
        container = f.get("journal") or f.get("journaltitle") or f.get("booktitle")
        if container:
            r["secondary_title"] = container
        if f.get("series"):
            r["tertiary_title"] = f["series"]
        if s.year:
            r["year"] = s.year
        if f.get("date"):
            r["date"] = f["date"].replace("-", "/")
        elif s.year and f.get("month", "")[:3].lower() in _MONTHS:
            r["date"] = f"{s.year}/{_MONTHS.index(f['month'][:3].lower()) + 1:02d}/" + (
                f"{int(f['day']):02d}" if f.get("day", "").isdigit() else "")
        for bib, ris in (("volume", "volume"), ("edition", "edition"), ("doi", "doi"), ("abstract", "abstract"),
                         ("language", "language"), ("shorttitle", "short_title")):
            if f.get(bib):
                r[ris] = f[bib]
        if f.get("number"):
            r["issn" if ty == "RPRT" else "number"] = f["number"]  # a report's SN is its number (Zotero)
        if ty != "RPRT" and (f.get("issn") or f.get("isbn")):
            r["issn"] = f.get("issn") or f["isbn"]
        pages = f.get("pages", "").replace("\u2013", "-").replace("--", "-")
        if pages:
            sp, _, ep = pages.partition("-")
            r["start_page"] = sp.strip()
            if ep.strip():
                r["end_page"] = ep.strip()
        publisher = f.get("publisher") or f.get("institution") or f.get("school")
        if publisher:
            r["publisher"] = publisher
        if f.get("address") or f.get("location"):
            r["place_published"] = f.get("address") or f.get("location")
        if f.get("type") and not (s.entry_type == "misc" and f["type"].lower() == "act"):
            r["type_of_work"] = f["type"]
        if f.get("url"):
            r["urls"] = [f["url"]]
        if f.get("urldate"):
            r["access_date"] = f["urldate"]
        notes = ([f["note"]] if f.get("note") else []) + _extra_lines(s, "ris")
        if notes:
            r["notes"] = notes
        if f.get("keywords"):
            r["keywords"] = [k.strip() for k in f["keywords"].split(",") if k.strip()]
        records.append(r)
    return re.sub(r"(?m)^\d+\.\n", "", rispy.dumps(records))  # rispy numbers records; RIS does not


def export_sources(sources: list[Source], to: str, progress=None) -> str:
    """The sources in one of :data:`BIB_FORMATS`. ``progress``, when given, is called with the list of sources
    and returns a context manager yielding them as each is converted (``click.progressbar``)."""
    convert = {"bibtex": to_bibtex, "biblatex": to_biblatex, "ris": to_ris, "csljson": to_csljson}[to]
    with progress(sources) if progress else nullcontext(sources) as each:
        return convert(each)
