"""``bib add``: import .bib, .ris and CSL-JSON entries into ``sources.bib`` — appended at the end, every existing
byte kept, duplicates reported instead of added.

May import: everything below ``partnergraph.librarian`` and the other librarian modules.
"""

from __future__ import annotations

import datetime
import re
from contextlib import nullcontext
from dataclasses import replace
from pathlib import Path

from ..core.text import control_char
from ..files.bibtex import Source, parse_bibtex_text
from .bibcheck import isbn_ok, issn_ok
from .bibimport import keeps_own_key, key_for, status_fields
from .dedupe import DedupeIndex, normalise_doi, record_from_source
from .edit import AddRow, Plan, apply, parse_sources, writing
from .importers import read_import

__all__ = [
    "add_entries",
]

#: an imported key worth keeping as an alias: a citation key, not a URI or a Zotero item id
_ALIAS = re.compile(r"[A-Za-z][A-Za-z0-9_:.+-]{0,80}")


def add_entries(files: list[str | Path], data=None, *, dry_run: bool = False, lock_timeout: float = 30.0,
                progress=None) -> Plan:
    """Import .bib/.ris/CSL-JSON files into ``sources.bib``: new entries are appended at the end, every
    existing byte stays as it was. Each imported entry gets one :class:`AddRow`. ``progress``, when given, is
    called with the list of entries to check and returns a context manager yielding them (``click.progressbar``)."""
    imports = [read_import(f) for f in files]  # read (and fail on unreadable files) before locking
    with writing(data, dry_run=dry_run, lock_timeout=lock_timeout) as d:
        sources = parse_sources(d)
        taken = {s.key.lower() for s in sources}
        known = {k.strip().lower(): s for s in sources for k in [s.key, *s.get("ids").split(",")] if k.strip()}
        index = DedupeIndex([record_from_source(s) for s in sources])
        plan = Plan(d)
        pending = [(imp, e) for imp in imports for e in imp.entries]
        # decode every imported entry once for names, years, titles: from the import file's own parse where that is
        # what parsing the entry's text gives (read_bib), the rest in one batch parse of their texts
        probe = "\n".join(e.text(f"pgimport{i}x") for i, (_, e) in enumerate(pending) if e.source is None)
        decoded = {s.key: s for s in parse_bibtex_text(probe).sources} if probe else {}
        decoded.update((f"pgimport{i}x", e.source) for i, (_, e) in enumerate(pending) if e.source is not None)
        texts: list[str] = []
        for imp in imports:
            for line, key, reason in imp.skipped:
                plan.rows.append(AddRow(str(imp.path), line, "skipped", key, reason, imp.unit))
        with progress(pending) if progress else nullcontext(pending) as checked:
            for i, (imp, e) in enumerate(checked):
                src = decoded.get(f"pgimport{i}x")
                where, unit = str(imp.path), imp.unit
                if src is None:
                    plan.rows.append(AddRow(where, e.line, "skipped", e.key or "", "the entry does not convert to "
                                            "valid BibTeX (unbalanced braces or a bad field?)", unit))
                    continue
                bad_char = control_char(e.entry_type + "".join(n + v for n, v in e.fields))  # what text() holds
                if bad_char:
                    plan.rows.append(AddRow(where, e.line, "skipped", e.key or "", "a field holds a control "
                                            f"character ({bad_char})", unit))
                    continue
                same = known.get((e.key or "").lower())
                if same is not None and _fields(same) == _fields(src):  # an exported entry coming back as it was
                    plan.rows.append(AddRow(where, e.line, "duplicate", same.key, "same key and fields", unit))
                    continue
                if not (src.title or src.authors or src.editors or src.get("doi") or src.get("isbn")) and not (
                        src.get("status") and src.get("note")):  # unless partnergraph's own entry for a work
                    # known only by what its note says (a reference known by its number in a review)
                    plan.rows.append(AddRow(where, e.line, "skipped", e.key or "", "no title, author, DOI or ISBN: "
                                            "nothing to identify the work by", unit))
                    continue
                if e.key:
                    known.setdefault(e.key.lower(), src)
                key = e.key if e.key and keeps_own_key(e.key, src, taken) else key_for(src, taken)
                rec = record_from_source(Source(key, src.entry_type, src.fields, 0, 0, src.authors, src.editors))
                found = index.matches(rec)
                dup = next((m for m in found if m.kind == "duplicate"), None)
                if dup is not None:
                    plan.rows.append(AddRow(where, e.line, "duplicate", dup.key_b, dup.reason, unit))
                    continue
                details = []
                alias: tuple[tuple[str, str], ...] = ()
                if e.key and e.key != key:
                    details.append(f"key {e.key} → {key} (pattern)")
                    if _ALIAS.fullmatch(e.key) and "ids" not in e.names():
                        alias = (("ids", "{" + e.key + "}"),)  # the old key stays citable (biblatex, JabRef, BBT)
                details.extend(f"{m.reason.split(':')[0]} of {m.key_b}" for m in found if m.kind == "version")
                details.extend(f"may be the incomplete entry {k} (same name and year): check, then 'bib merge'"
                               for k in index.possible(rec))
                details.extend(e.notes)
                bad = _identifier_problems(src)
                if bad:  # written where bib lint does not reject it, and said so: nothing lost, nothing rejected
                    e = replace(e, fields=tuple((n + "unchecked" if n in bad else n, v) for n, v in e.fields))
                    details.extend(f"{why}: kept as {n}unchecked" for n, why in bad.items())
                extra = alias + status_fields(e)
                missing = dict(extra).get("missing")
                if missing:
                    details.append("incomplete: missing " + missing.strip("{}"))
                texts.append(e.text(key, extra))
                taken.add(key.lower())
                index.add(rec)
                plan.rows.append(AddRow(where, e.line, "added", key, "; ".join(details), unit))
        if texts:
            old = d.sources_bytes.decode("utf-8")
            nl = "\r\n" if old.count("\r\n") * 2 > old.count("\n") else "\n"  # the file's own line ends
            sep = "" if old.endswith("\n") or not old else nl
            plan.sources = (old + sep + (nl + nl.join(texts)).replace("\r\n", "\n").replace("\n", nl)).encode("utf-8")
        apply(plan, dry_run=dry_run)
    return plan


_BIBLATEX_NAMES = {"journaltitle": "journal", "location": "address"}
_BIBLATEX_SUBTYPES = {"techreport", "phdthesis", "mathesis"}  # @report/@thesis's type, as biblatex writes them


def _fields(src: Source) -> dict[str, str]:
    """The fields that say an entry is the one exported (biblatex's names read as BibTeX's; not ``ids``)."""
    return {_BIBLATEX_NAMES.get(k, k): v for k, v in src.fields.items()
            if k != "ids" and not (k == "type" and v in _BIBLATEX_SUBTYPES)}


def _identifier_problems(src: Source) -> dict[str, str]:
    """What ``bib lint`` would call an error in an imported entry's DOI/ISBN/ISSN/year: {field: problem}."""
    out: dict[str, str] = {}
    if src.get("doi") and not _DOI.fullmatch(normalise_doi(src.get("doi"))):
        out["doi"] = f"check the DOI '{src.get('doi')}'"
    isbns = [i.strip() for i in _ISBN_SEP.split(src.get("isbn")) if i.strip()]
    if any(not isbn_ok(i) for i in isbns):
        out["isbn"] = "check the ISBN '" + "', '".join(i for i in isbns if not isbn_ok(i)) + "'"
    issns = [i for i in _ISSN_SEP.split(src.get("issn")) if i.strip()]
    if any(not issn_ok(i) for i in issns):
        out["issn"] = "check the ISSN '" + "', '".join(i for i in issns if not issn_ok(i)) + "'"
    year = src.fields.get("year", "")
    if year and not (_YEAR.fullmatch(year) and 1450 <= int(year) <= datetime.date.today().year + 1):
        out["year"] = f"year '{year}' is not a plausible four-digit year"
    return out


_DOI = re.compile(r"10\.\d{4,9}/\S+")
_ISBN_SEP = re.compile(r"[;,]\s*|\s+(?=\d{9})")
_ISSN_SEP = re.compile(r"[;,\s]+")
_YEAR = re.compile(r"\d{4}")
