"""Bibliography export: selected entries of ``sources.bib`` as BibTeX (the entries' own text, byte for byte),
BibLaTeX (types and fields renamed as biblatex names them), RIS (as Zotero reads it) or CSL-JSON.

The BibTeX → CSL mapping here is the one the formatted references use too: editors, a chapter's book and its
editors, a report's number and institution, a thesis's kind and university, a web page's access date, series,
organisations as literal names, ``and others`` kept (CSL has no "et al." marker: it is noted in ``note``).

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

from ..files.bibtex import Person, Source, split_people

__all__ = [
    "BIB_FORMATS",
    "CSL_TYPES",
    "RIS_TYPES",
    "csl_item",
    "export_sources",
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
    if s.et_al:
        item["note"] = (f.get("note", "") + "; " if f.get("note") else "") + "and others (et al.)"
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
    if f.get("note") and "note" not in item:
        item["note"] = f["note"]
    return item


def to_bibtex(sources: list[Source]) -> str:
    """The entries as ``sources.bib`` has them (every byte of each entry)."""
    return "\n".join(s.raw.strip() + "\n" for s in sources)


def to_biblatex(sources: list[Source]) -> str:
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


def to_csljson(sources: list[Source]) -> str:
    """A CSL-JSON list (UTF-8, indented), one item per source."""
    return json.dumps([csl_item(s) for s in sources], ensure_ascii=False, indent=2) + "\n"


def to_ris(sources: list[Source]) -> str:
    """RIS records as Zotero and EndNote read them (``ID`` is the citation key)."""
    import rispy

    records = []
    for s in sources:
        f = s.fields
        ty = RIS_TYPES.get(s.entry_type, "GEN")
        r: dict = {"type_of_reference": ty, "id": s.key}

        def people(ps: tuple[Person, ...]) -> list[str]:
            return [p.family if p.organisation or not p.given else f"{p.family}, {p.given}" for p in ps]

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
            r["issn" if ty == "RPRT" and not f.get("issn") else "number"] = f["number"]
        if f.get("issn") and "issn" not in r:
            r["issn"] = f["issn"]
        if f.get("isbn") and "issn" not in r:
            r["issn"] = f["isbn"]
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
        if f.get("type") and ty == "THES":
            r["type_of_work"] = f["type"]
        if f.get("url"):
            r["urls"] = [f["url"]]
        if f.get("urldate"):
            r["access_date"] = f["urldate"]
        if f.get("note"):
            r["notes"] = [f["note"]]
        if f.get("keywords"):
            r["keywords"] = [k.strip() for k in f["keywords"].split(",") if k.strip()]
        records.append(r)
    return re.sub(r"(?m)^\d+\.\n", "", rispy.dumps(records))  # rispy numbers records; RIS does not


def export_sources(sources: list[Source], to: str) -> str:
    """The sources in one of :data:`BIB_FORMATS`."""
    return {"bibtex": to_bibtex, "biblatex": to_biblatex, "ris": to_ris, "csljson": to_csljson}[to](sources)
