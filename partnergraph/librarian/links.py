"""``link``, ``unlink`` and ``claim add``: the librarian's edits of ``claims.ttl`` (evidence links and claims),
written sorted and stable.

May import: everything below ``partnergraph.librarian`` and the other librarian modules.

>>> QUOTE_LIMIT
500
"""

from __future__ import annotations

import difflib
import re

from ..core.errors import AmbiguousError, IntegrityError, PartnergraphError, UnknownKeyError
from ..core.namespaces import CELLS, CITO, CLAIM_KINDS, OA, PG, PGID, PROV, STANCES
from ..core.text import check_argument
from ..files.claims import load_claims
from ..files.turtle import find_subject_line
from .bibimport import ascii_fold
from .edit import (
    SOURCE_NS,
    ChangeRow,
    Plan,
    apply,
    canonical_note,
    evidence_links,
    find_claim_iri,
    parse_sources,
    strip_prefix,
    text_of,
    uri,
    writing,
)

__all__ = [
    "QUOTE_LIMIT",
    "STANCE_CHARACTERISATION",
    "add_claim",
    "link",
    "unlink",
]

QUOTE_LIMIT = 500


STANCE_CHARACTERISATION = {"Supports": "citesAsEvidence", "Disputes": "citesAsEvidence", "Qualifies": "citesAsEvidence"}


def link(claim: str, key: str, stance: str, data=None, *, locator: str = "", quote: str = "", via: str = "",
         citing: str = "", dry_run: bool = False, lock_timeout: float = 30.0) -> Plan:
    """Add an evidence link: source ``key`` (or ``pool:ID``, a pooled link) is evidence for ``claim``.

    ``citing`` is the review that makes the attribution (default: the review the claim is derived from);
    ``quote`` is the review's exact words (at most :data:`QUOTE_LIMIT` characters); ``via`` the work through
    which the review cites it. Rejects an unknown claim or key, a duplicate link and a conflicting stance."""
    import rdflib

    for name, value in (("CLAIM", claim), ("KEY", key), ("--locator", locator), ("--quote", quote),
                        ("--via", via), ("--citing", citing)):
        check_argument(name, value)
    st = stance.strip().capitalize()
    st = {"Support": "Supports", "Dispute": "Disputes", "Qualify": "Qualifies"}.get(st, st)
    if st not in STANCES:
        raise PartnergraphError(f"unknown stance '{stance}'", hint="use supports, disputes or qualifies")
    if quote and len(quote) > QUOTE_LIMIT:
        raise PartnergraphError(f"the quote is {len(quote)} characters; the limit is {QUOTE_LIMIT}",
                                hint="quote the review's key words only (short quotes: the seeds are copyrighted)")
    with writing(data, dry_run=dry_run, lock_timeout=lock_timeout) as d:
        keys = {s.key for s in parse_sources(d)}
        claims = load_claims(d)
        g = claims.graph
        claim_iri = find_claim_iri(claims, claim, d)
        pooled = key.startswith("pool:")
        if pooled:
            cited = PGID + "pool/" + key[5:]
            if (uri(cited), rdflib.RDF.type, uri(PG + "PooledEvidenceBase")) not in g:
                raise UnknownKeyError(d.claims_path, None, f"no pooled evidence base '{key}'")
            if quote:
                raise PartnergraphError("a pooled evidence link has no quote",
                                        hint="the review quotes no words for a pooled link; leave out --quote")
        else:
            for k, what in ((key, "source"), (via, "--via source"), (citing, "--citing review")):
                if k and k not in keys:
                    close = difflib.get_close_matches(k, sorted(keys), n=3)
                    raise UnknownKeyError(d.sources_path, None, f"no {what} with key '{k}'",
                                          hint=("did you mean " + ", ".join(close) + "?") if close else
                                          "add it first with 'partnergraph bib add FILE'")
            cited = SOURCE_NS + key
        if not citing:
            derived = sorted(str(o) for o in g.objects(uri(claim_iri), uri(PROV + "wasDerivedFrom")))
            if len(derived) != 1:
                raise AmbiguousError(f"claim {claim_iri.rsplit('/', 1)[-1]} is derived from {len(derived)} "
                                     "reviews; say which one cites the source",
                                     hint="add --citing REVIEWKEY (one of: " +
                                     ", ".join(x.rsplit('/', 1)[-1] for x in derived) + ")")
            citing_iri = derived[0]
        else:
            citing_iri = SOURCE_NS + citing
        via_iri = SOURCE_NS + via if via else ""
        for e, _ in evidence_links(g, claim_iri):
            same = (text_of(g, e, CITO + "hasCitedEntity") == cited
                    and text_of(g, e, CITO + "hasCitingEntity") == citing_iri
                    and text_of(g, e, PG + "via") == via_iri)
            if not same:
                continue
            eid = str(e).rsplit("/", 1)[-1]
            old_stance = text_of(g, e, PG + "stance").rsplit("#", 1)[-1]

            line = find_subject_line(d.claims_text(), str(e))
            if old_stance != st:
                raise IntegrityError(d.claims_path, line, f"evidence:{eid} already links {key} to this claim "
                                     f"with stance {old_stance.lower()}",
                                     hint=f"unlink it first ('partnergraph unlink {eid}') to change the stance")
            if text_of(g, e, PG + "locator") == locator:
                raise IntegrityError(d.claims_path, line, f"duplicate link: evidence:{eid} already links {key} "
                                     f"to claim {claim_iri.rsplit('/', 1)[-1]}",
                                     hint="give a different --locator if the review cites it a second time")
        eid = _next_evidence_id(g)
        e = uri(PGID + "evidence/" + eid)
        g.add((e, rdflib.RDF.type, uri(PG + "EvidenceLink")))
        g.add((e, uri(PG + "aboutClaim"), uri(claim_iri)))
        g.add((e, uri(CITO + "hasCitingEntity"), uri(citing_iri)))
        g.add((e, uri(CITO + "hasCitedEntity"), uri(cited)))
        g.add((e, uri(CITO + "hasCitationCharacterization"), uri(CITO + STANCE_CHARACTERISATION[st])))
        g.add((e, uri(PG + "stance"), uri(PG + st)))
        g.add((e, uri(PG + "attribution"), uri(PG + ("Pooled" if pooled else "Direct"))))
        if locator:
            g.add((e, uri(PG + "locator"), rdflib.Literal(locator)))
        if via_iri:
            g.add((e, uri(PG + "via"), uri(via_iri)))
        if quote:
            q, sel = rdflib.BNode(), rdflib.BNode()
            g.add((e, uri(PG + "quote"), q))
            g.add((q, rdflib.RDF.type, uri(OA + "SpecificResource")))
            g.add((q, uri(OA + "hasSource"), uri(citing_iri)))
            g.add((q, uri(OA + "hasSelector"), sel))
            g.add((sel, rdflib.RDF.type, uri(OA + "TextQuoteSelector")))
            g.add((sel, uri(OA + "exact"), rdflib.Literal(quote)))
        new = claims.dump()
        plan = Plan(d, claims=new)
        plan.notes += canonical_note(claims, d, new)
        plan.rows.append(ChangeRow("link", "evidence:" + eid, f"{key} {st.lower()} claim:"
                                   f"{claim_iri.rsplit('/', 1)[-1]} (cited in {citing_iri.rsplit('/', 1)[-1]})"))
        apply(plan, dry_run=dry_run)
    return plan


def _next_evidence_id(g) -> str:
    import rdflib

    n = 0
    for s in g.subjects(rdflib.RDF.type, uri(PG + "EvidenceLink")):
        m = re.fullmatch(re.escape(PGID) + r"evidence/lib-(\d+)", str(s))
        if m:
            n = max(n, int(m.group(1)))
    return f"lib-{n + 1:04d}"


def _remove_tree(g, node) -> None:
    """Remove ``node``'s triples and, recursively, the blank nodes only it uses."""
    import rdflib

    for _, p, o in list(g.triples((node, None, None))):
        g.remove((node, p, o))
        if isinstance(o, rdflib.BNode) and not any(True for _ in g.triples((None, None, o))):
            _remove_tree(g, o)


def unlink(target: str, key: str | None = None, data=None, *, dry_run: bool = False,
           lock_timeout: float = 30.0) -> Plan:
    """Remove an evidence link, named by its id (``lib-0001`` or ``evidence:lib-0001``) or by CLAIM and KEY
    (which must name exactly one link)."""
    with writing(data, dry_run=dry_run, lock_timeout=lock_timeout) as d:
        claims = load_claims(d)
        g = claims.graph
        if key is None:
            e = uri(PGID + "evidence/" + strip_prefix(strip_prefix(target, "evidence:"), PGID + "evidence/"))
            if (e, uri(PG + "aboutClaim"), None) not in g:
                raise UnknownKeyError(d.claims_path, None, f"no evidence link '{target}'",
                                      hint="name it by id (see 'partnergraph evidence CLAIM') or as CLAIM KEY")
            found = [e]
        else:
            claim_iri = find_claim_iri(claims, target, d)
            cited = PGID + "pool/" + key[5:] if key.startswith("pool:") else SOURCE_NS + key
            found = sorted((e for e, _ in evidence_links(g, claim_iri)
                            if text_of(g, e, CITO + "hasCitedEntity") == cited), key=str)
            if not found:
                raise UnknownKeyError(d.claims_path, None, f"claim {target} has no evidence link to {key}")
            if len(found) > 1:
                raise AmbiguousError(f"claim {target} has {len(found)} links to {key}: " +
                                     ", ".join(str(x).rsplit("/", 1)[-1] for x in found),
                                     hint="unlink one by its id")
        size = len(g)
        _remove_tree(g, found[0])
        new = claims.dump()
        plan = Plan(d, claims=new)
        plan.notes += canonical_note(claims, d, new, size - len(g) + 4)
        plan.rows.append(ChangeRow("unlink", "evidence:" + str(found[0]).rsplit("/", 1)[-1], "removed"))
        apply(plan, dry_run=dry_run)
    return plan


def _slug(text: str, words: int = 6) -> str:
    toks = [ascii_fold(w) for w in re.findall(r"[^\W_]+", text)]
    return "-".join(t for t in toks if t)[:48].strip("-") or "claim"


def add_claim(kind: str, label: str, derived_from: str, data=None, *, cells: tuple[str, ...] = (),
              claim_id: str = "", where: str = "", dry_run: bool = False, lock_timeout: float = 30.0) -> Plan:
    """Add a claim of ``kind`` with ``label``, derived from review ``derived_from``; benefits need cells."""
    import rdflib

    for name, value in (("--label", label), ("--where", where), ("--derived-from", derived_from),
                        ("--id", claim_id)):
        check_argument(name, value)
    kinds = {k.lower(): k for k in CLAIM_KINDS}
    k = kinds.get(re.sub(r"[\s_-]+", "", kind).lower())
    if k is None:
        raise PartnergraphError(f"unknown claim kind '{kind}'", hint="one of: " + ", ".join(CLAIM_KINDS))
    cellmap = {c.lower(): c for c in CELLS}
    cs = []
    for c in cells:
        cc = cellmap.get(re.sub(r"[\s_:-]+", "", strip_prefix(c, "pg:")).lower())
        if cc is None:
            raise PartnergraphError(f"unknown quality cell '{c}'", hint="one of: " + ", ".join(CELLS))
        cs.append(cc)
    if k == "Benefit" and not cs:
        raise PartnergraphError("a benefit needs at least one quality cell",
                                hint="add --cell, e.g. --cell EfficiencyOutput")
    if cs and k != "Benefit":
        raise PartnergraphError("only benefits have quality cells", hint="leave out --cell")
    if not label.strip():
        raise PartnergraphError("the label is empty", hint="give the claim's short text as the review words it")
    with writing(data, dry_run=dry_run, lock_timeout=lock_timeout) as d:
        keys = {s.key for s in parse_sources(d)}
        if derived_from not in keys:
            raise UnknownKeyError(d.sources_path, None, f"no source with key '{derived_from}'",
                                  hint="--derived-from names the review the claim comes from")
        claims = load_claims(d)
        g = claims.graph
        base = claim_id or _slug(label)
        if not re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9_.-]*", base):
            raise PartnergraphError(f"'{base}' is not a usable claim id", hint="use letters, digits, '-' and '_'")
        cid, n = base, 1
        while (uri(PGID + "claim/" + cid), None, None) in g:
            if claim_id:
                raise IntegrityError(d.claims_path, None, f"claim '{cid}' already exists", hint="choose another --id")
            n += 1
            cid = f"{base}-{n}"
        c = uri(PGID + "claim/" + cid)
        g.add((c, rdflib.RDF.type, uri(PG + k)))
        g.add((c, rdflib.RDFS.label, rdflib.Literal(label.strip())))
        g.add((c, uri(PROV + "wasDerivedFrom"), uri(SOURCE_NS + derived_from)))
        for cc in cs:
            g.add((c, uri(PG + "qualityCategory"), uri(PG + cc)))
        if cs:
            g.add((c, uri(PG + "categorisedBy"), uri(PG + "CuratorAssigned")))
        if where:
            g.add((c, uri(PG + "where"), rdflib.Literal(where)))
        new = claims.dump()
        plan = Plan(d, claims=new)
        plan.notes += canonical_note(claims, d, new)
        plan.rows.append(ChangeRow("claim", "claim:" + cid, f"{k}: {label.strip()[:60]}"))
        apply(plan, dry_run=dry_run)
    return plan
