"""``bib rename`` and ``bib merge``: change a citation key, or fold one entry into another, in ``sources.bib`` and
every reference in ``claims.ttl``, both files committed in one step.

May import: everything below ``partnergraph.librarian`` and the other librarian modules.
"""

from __future__ import annotations

import difflib
import re

from ..core.errors import IntegrityError, PartnergraphError, UnknownKeyError
from ..core.namespaces import CITO, PG
from ..files.bibfields import (
    delete_field,
    entry_span,
    field_spans,
    field_value,
    line_offsets,
    rename_in_header,
    replace_key_in_list,
    set_field,
    splice,
)
from ..files.bibtex import Source
from ..files.claims import Claims, load_claims
from .bibimport import KEY_RULE
from .edit import (
    SOURCE_NS,
    ChangeRow,
    Plan,
    apply,
    canonical_note,
    evidence_links,
    parse_sources,
    repoint_claims,
    text_of,
    writing,
)

__all__ = [
    "KEY_FIELDS",
    "merge",
    "rename_key",
]

KEY_FIELDS = ("citedin", "crossref", "xref")


#: a field named in ``missing`` is supplied by any of these (BibLaTeX names, a report's issuer as publisher)
_SATISFIED_BY = {"publisher": ("publisher", "institution", "organization", "school"), "year": ("year", "date"),
                 "journal": ("journal", "journaltitle"), "address": ("address", "location")}


def _repoint_bib(text: str, sources: list[Source], old: str, new: str | None, skip: set[str]) -> tuple[list, list]:
    """Edits repointing ``citedin``/``crossref``/``xref`` from ``old`` to ``new`` in every entry (but ``skip``)."""
    offsets = line_offsets(text)
    edits, rows = [], []
    for s in sources:
        if s.key in skip:
            continue
        raw = s.raw
        changed = raw
        for name in KEY_FIELDS:
            v = field_value(changed, name)
            if v is not None and old in [p.strip() for p in v.strip("{}\"").split(",")]:
                nv = replace_key_in_list(v, old, new)
                changed = set_field(changed, name, nv) if nv != "{}" else delete_field(changed, name)
        if changed != raw:
            start, end = entry_span(text, offsets, s)
            edits.append((start, end, changed))
            rows.append(ChangeRow("repoint", s.key, f"{old} → {new}" if new else f"dropped {old}"))
    return edits, rows


# ---------------------------------------------------------------- rename and merge
def _source_or_fail(sources: list[Source], key: str, d) -> Source:
    for s in sources:
        if s.key == key:
            return s
    close = difflib.get_close_matches(key, [s.key for s in sources], n=3)
    raise UnknownKeyError(d.sources_path, None, f"no source with key '{key}'",
                          hint=("did you mean " + ", ".join(close) + "?") if close else "run 'partnergraph bib "
                          "lint' or look the key up in sources.bib")


def _repoint_claims_file(plan: Plan, old: str, new: str) -> Claims:
    """Make every reference to source ``old`` in claims.ttl name ``new``; the new text goes into ``plan``."""
    d = plan.data
    claims = load_claims(d)
    n = repoint_claims(claims, SOURCE_NS + old, SOURCE_NS + new)
    if n:
        plan.claims = claims.dump()
        plan.notes += canonical_note(claims, d, plan.claims, n)
    plan.rows.append(ChangeRow("repoint", d.claims_path.name, f"{n} triple(s) now name source:{new}"))
    return claims


def rename_key(old: str, new: str, data=None, *, dry_run: bool = False, lock_timeout: float = 30.0) -> Plan:
    """Change citation key ``old`` to ``new`` in sources.bib (the entry and every ``citedin``/``crossref``)
    and every reference in claims.ttl, both files committed in one step."""
    if not re.fullmatch(r"[A-Za-z0-9_:.+/-]+", new):
        raise PartnergraphError(f"'{new}' is not a usable citation key",
                                hint="use lowercase ASCII letters and digits (the key pattern: surnameyear)")
    with writing(data, dry_run=dry_run, lock_timeout=lock_timeout) as d:
        sources = parse_sources(d)
        s = _source_or_fail(sources, old, d)
        if new.lower() in {x.key.lower() for x in sources}:
            clash = next(x for x in sources if x.key.lower() == new.lower())
            raise IntegrityError(d.sources_path, clash.line, f"key '{new}' is already taken by an entry",
                                 hint=f"to fold {old} into it, run 'partnergraph bib merge {clash.key} {old}'")
        text = d.sources_text()
        offsets = line_offsets(text)
        start, end = entry_span(text, offsets, s)
        edits = [(start, end, rename_in_header(s.raw, old, new))]
        plan = Plan(d)
        plan.rows.append(ChangeRow("rename", old, f"→ {new} ({d.sources_path.name}:{s.line})"))
        more, rows = _repoint_bib(text, sources, old, new, {old})
        edits += more
        plan.rows += rows
        plan.sources = splice(text, edits).encode("utf-8")
        _repoint_claims_file(plan, old, new)
        if not KEY_RULE.match(new):
            plan.notes.append(f"'{new}' does not follow the key pattern (lowercase ASCII letters and digits)")
        apply(plan, dry_run=dry_run)
    return plan


def merge(keep: str, drop: str, data=None, *, dry_run: bool = False, lock_timeout: float = 30.0) -> Plan:
    """Fold entry ``drop`` into ``keep``: fields ``keep`` lacks are copied over, ``drop``'s key is recorded in
    ``ids``, ``drop`` is removed, and every reference to it (evidence links, pool members, via, citing works,
    ``citedin``) is repointed to ``keep``."""
    if keep == drop:
        raise PartnergraphError("KEEP and DROP are the same key", hint="name two different entries")
    with writing(data, dry_run=dry_run, lock_timeout=lock_timeout) as d:
        sources = parse_sources(d)
        k, x = _source_or_fail(sources, keep, d), _source_or_fail(sources, drop, d)
        text = d.sources_text()
        offsets = line_offsets(text)
        plan = Plan(d)
        raw = k.raw
        have = {s.name for s in field_spans(raw)}
        copied = []
        for s in field_spans(x.raw):
            if s.name in have or s.name in ("status", "missing", "ids"):
                continue
            raw = set_field(raw, s.name, x.raw[s.value_start:s.value_end])
            copied.append(s.name)
            have.add(s.name)
        knote, xnote = field_value(raw, "note"), field_value(x.raw, "note")
        if knote and xnote and knote.strip("{}\"") != xnote.strip("{}\""):
            raw = set_field(raw, "note", "{" + knote.strip("{}\"").rstrip() + f" Merged from {drop}: " +
                            xnote.strip("{}\"") + "}")
            copied.append("note (appended)")
        ids = field_value(raw, "ids")
        raw = set_field(raw, "ids", replace_key_in_list(ids, drop, drop) if ids else "{" + drop + "}")
        missing = field_value(raw, "missing")
        if missing is not None:
            left = [m.strip() for m in missing.strip("{}").split(",")
                    if m.strip() and not any(alt in have for alt in _SATISFIED_BY.get(m.strip(), (m.strip(),)))]
            raw = set_field(raw, "missing", "{" + ", ".join(left) + "}") if left else delete_field(raw, "missing")
            status = (field_value(raw, "status") or "").strip("{}\" ").lower()
            if not left and status == "incomplete":
                raw = set_field(raw, "status", "{complete}")
                copied.append("status → complete (nothing missing)")
        ks, ke = entry_span(text, offsets, k)
        xs, xe = entry_span(text, offsets, x)
        # remove the dropped entry with the blank line that follows it
        while xe < len(text) and text[xe] in " \t":
            xe += 1
        if text[xe:xe + 2] == "\n\n":
            xe += 2
        elif text[xe:xe + 1] == "\n":
            xe += 1
        edits = [(ks, ke, raw), (xs, xe, "")]
        more, rows = _repoint_bib(text, sources, drop, keep, {keep, drop})
        edits += more
        plan.rows.append(ChangeRow("merge", keep, "copied " + (", ".join(copied) or "no fields") +
                                   f" from {drop}; ids += {drop}"))
        plan.rows.append(ChangeRow("remove", drop, f"{d.sources_path.name}:{x.line}"))
        plan.rows += rows
        plan.sources = splice(text, edits).encode("utf-8")
        claims = _repoint_claims_file(plan, drop, keep)
        plan.notes += [f"evidence:{a} and evidence:{b} now say the same (claim, cited and citing work, via, "
                       f"stance, locator): keep one ('partnergraph unlink {b}')" for a, b in _same_links(claims.graph)]
        apply(plan, dry_run=dry_run)
    return plan


def _same_links(g) -> list[tuple[str, str]]:
    """Pairs of evidence links that say the same thing (what a merge can leave behind)."""
    seen: dict[tuple, str] = {}
    out = []
    for e, c in sorted(evidence_links(g), key=lambda x: str(x[0])):
        sig = (str(c),) + tuple(text_of(g, e, p) for p in (CITO + "hasCitedEntity", CITO + "hasCitingEntity",
                                                           PG + "via", PG + "stance", PG + "locator"))
        eid = str(e).rsplit("/", 1)[-1]
        if sig in seen:
            out.append((seen[sig], eid))
        else:
            seen[sig] = eid
    return out
