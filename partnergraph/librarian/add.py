"""``bib add``: import .bib, .ris and CSL-JSON entries into ``sources.bib`` — appended at the end, every existing
byte kept, duplicates reported instead of added.

May import: everything below ``partnergraph.librarian`` and the other librarian modules.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..files.bibtex import Source, parse_bibtex_text
from .bibcheck import isbn_ok, issn_ok
from .bibimport import keeps_own_key, key_for, read_import, status_fields
from .dedupe import DedupeIndex, normalise_doi, record_from_source
from .edit import AddRow, Plan, apply, parse_sources, writing

__all__ = [
    "add_entries",
]


def add_entries(files: list[str | Path], data=None, *, dry_run: bool = False, lock_timeout: float = 30.0) -> Plan:
    """Import .bib/.ris/CSL-JSON files into ``sources.bib``: new entries are appended at the end, every
    existing byte stays as it was. Each imported entry gets one :class:`AddRow`."""
    imports = [read_import(f) for f in files]  # read (and fail on unreadable files) before locking
    with writing(data, dry_run=dry_run, lock_timeout=lock_timeout) as d:
        sources = parse_sources(d)
        taken = {s.key.lower() for s in sources}
        index = DedupeIndex([record_from_source(s) for s in sources])
        plan = Plan(d)
        pending = [(imp, e) for imp in imports for e in imp.entries]
        # decode every imported entry once (a batch parse) for names, years, titles
        probe = "\n".join(e.text(f"pgimport{i}x") for i, (_, e) in enumerate(pending))
        decoded = {s.key: s for s in parse_bibtex_text(probe).sources}
        texts: list[str] = []
        for imp in imports:
            for line, key, reason in imp.skipped:
                plan.rows.append(AddRow(str(imp.path), line, "skipped", key, reason))
        for i, (imp, e) in enumerate(pending):
            src = decoded.get(f"pgimport{i}x")
            where = str(imp.path)
            if src is None:
                plan.rows.append(AddRow(where, e.line, "skipped", e.key or "", "the entry does not convert to "
                                        "valid BibTeX (unbalanced braces or a bad field?)"))
                continue
            if not (src.title or src.authors or src.editors or src.get("doi") or src.get("isbn")):
                plan.rows.append(AddRow(where, e.line, "skipped", e.key or "", "no title, author, DOI or ISBN: "
                                        "nothing to identify the work by"))
                continue
            key = e.key if e.key and keeps_own_key(e.key, src, taken) else key_for(src, taken)
            rec = record_from_source(Source(key, src.entry_type, src.fields, 0, 0, src.authors, src.editors))
            found = index.matches(rec)
            dup = next((m for m in found if m.kind == "duplicate"), None)
            if dup is not None:
                plan.rows.append(AddRow(where, e.line, "duplicate", dup.key_b, dup.reason))
                continue
            details = []
            if e.key and e.key != key:
                details.append(f"key {e.key} → {key} (pattern)")
            details.extend(f"{m.reason.split(':')[0]} of {m.key_b}" for m in found if m.kind == "version")
            details.extend(f"may be the incomplete entry {k} (same name and year): check, then 'bib merge'"
                           for k in index.possible(rec))
            details.extend(e.notes)
            details.extend(_identifier_problems(src))
            extra = status_fields(e)
            if extra and extra[0][1] == "{incomplete}":
                details.append("incomplete: missing " + extra[1][1].strip("{}"))
            texts.append(e.text(key, extra))
            taken.add(key.lower())
            index.add(rec)
            plan.rows.append(AddRow(where, e.line, "added", key, "; ".join(details)))
        if texts:
            old = d.sources_bytes.decode("utf-8")
            sep = "" if old.endswith("\n") or not old else "\n"
            plan.sources = (old + sep + "\n" + "\n".join(texts)).encode("utf-8")
        apply(plan, dry_run=dry_run)
    return plan


def _identifier_problems(src: Source) -> list[str]:
    """What ``bib lint`` would call an error in an imported entry's DOI/ISBN/ISSN (reported, not fatal)."""
    out = []
    if src.get("doi") and not re.fullmatch(r"10\.\d{4,9}/\S+", normalise_doi(src.get("doi"))):
        out.append(f"check the DOI '{src.get('doi')}'")
    out += [f"check the ISBN '{i.strip()}'" for i in re.split(r"[;,]\s*", src.get("isbn")) if i.strip()
            and not isbn_ok(i)]
    out += [f"check the ISSN '{i}'" for i in re.split(r"[;,\s]+", src.get("issn")) if i.strip() and not issn_ok(i)]
    return out
