"""Helpers every question shares: naming claims and sources by id or by words, the evidence of a claim, the
rows of a claim listing.

May import: ``partnergraph.graph`` and everything below it.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from difflib import get_close_matches

from ..core.errors import AmbiguousError, PartnergraphError, UnknownKeyError
from ..core.namespaces import CLAIM_KINDS, DIMENSIONS, LEVELS

__all__ = [
    "DIMENSION_NAMES",
    "LEVEL_NAMES",
    "ClaimRow",
    "Kinds",
    "resolve_claim",
    "resolve_source",
]

#: a ``kind`` argument: one claim kind (``"Benefit"``, ``"barrier"``), several, or ``None`` for all
Kinds = str | tuple[str, ...] | None
LEVEL_NAMES = tuple(lv.lower() for lv in LEVELS)


DIMENSION_NAMES = tuple(d.lower() for d in DIMENSIONS)


def _bare(name: str) -> str:
    """``claim:x`` → ``x``; ``source:gray1989`` → ``gray1989`` (pools keep their ``pool:`` prefix)."""
    for p in ("claim:", "source:"):
        if name.startswith(p):
            return name[len(p):]
    return name


def _links(nxg, claim: str) -> list[tuple[str, dict]]:
    """The evidence links into ``claim`` as (evidencing node, edge data), in evidence-id order."""
    out = [(u, d) for u, _, d in nxg.in_edges(claim, data=True) if d["kind"] == "evidences"]
    return sorted(out, key=lambda x: (x[1]["evidence"], x[0]))


def _pool_members(nxg, pool: str) -> list[str]:
    return sorted(u for u, _, k in nxg.in_edges(pool, keys=True) if k == "pooled_in")


def _claim_sources(nxg, claim: str) -> tuple[set[str], set[str]]:
    """Distinct sources evidencing ``claim`` directly, and distinct sources reached through pools."""
    direct: set[str] = set()
    pooled: set[str] = set()
    for u, _ in _links(nxg, claim):
        if nxg.nodes[u]["kind"] == "pool":
            pooled.update(_pool_members(nxg, u))
        else:
            direct.add(u)
    return direct, pooled


def _claims_sources(nxg, claims) -> tuple[set[str], set[str]]:
    """Distinct sources evidencing any of ``claims`` directly, and distinct sources reached through pools (a
    source can be in both)."""
    direct: set[str] = set()
    pooled: set[str] = set()
    for c in claims:
        dset, pset = _claim_sources(nxg, c)
        direct |= dset
        pooled |= pset
    return direct, pooled


def _claims(nxg, kinds=None) -> list[str]:
    return sorted(n for n, d in nxg.nodes(data=True)
                  if d["kind"] == "claim" and (kinds is None or d["claim_kind"] in kinds))


def _choice(value: str | None, choices: tuple[str, ...], what: str) -> str | None:
    if value is None:
        return None
    v = value.strip().lower()
    if v not in choices:
        raise PartnergraphError(f"unknown {what} '{value}'", hint=f"choose one of: {', '.join(choices)}")
    return v


def _kinds(kind) -> tuple[str, ...] | None:
    if kind is None:
        return None
    names = (kind,) if isinstance(kind, str) else tuple(kind)
    by_lower = {k.lower(): k for k in CLAIM_KINDS}
    out = []
    for k in names:
        if k.lower() not in by_lower:
            raise PartnergraphError(f"unknown claim kind '{k}'", hint=f"choose from: {', '.join(CLAIM_KINDS)}")
        out.append(by_lower[k.lower()])
    return tuple(out)


@dataclass(frozen=True, slots=True)
class ClaimRow:
    """A claim with a summary of its evidence.

    ``sources_direct``: distinct sources cited for it one by one; ``sources_pooled``: distinct sources in the
    pooled evidence bases cited for it (a review's block list of sources for a whole table); ``supports``,
    ``disputes``, ``qualifies``: evidence links by stance; ``reviews``: the reviews that state or cite it.
    """

    claim: str
    kind: str
    label: str
    cells: tuple[str, ...]
    sources_direct: int
    sources_pooled: int
    supports: int
    disputes: int
    qualifies: int
    reviews: tuple[str, ...]


def _claim_row(nxg, claim: str) -> ClaimRow:
    d = nxg.nodes[claim]
    direct, pooled = _claim_sources(nxg, claim)
    links = _links(nxg, claim)
    stance = Counter(e["stance"] for _, e in links)
    reviews = set(d["derived_from"]) | {e["citing"] for _, e in links if e["citing"]}
    return ClaimRow(_bare(claim), d["claim_kind"], d["label"], tuple(d["cells"]), len(direct), len(pooled),
                    stance["supports"], stance["disputes"], stance["qualifies"], tuple(sorted(reviews)))


def _words(text: str) -> str:
    from rapidfuzz import utils

    return utils.default_process(text)


def _pick(query: str, choices: dict[str, str], what: str, hint: str, prefiltered: bool = False) -> str:
    """Resolve words to one node: labels containing every word first, else fuzzy; a clear winner or an error."""
    from rapidfuzz import fuzz, process

    q = _words(query)
    if not q:
        raise UnknownKeyError(None, None, f"no {what} given", hint=hint)
    processed = {n: _words(t) for n, t in choices.items()}
    exact = [n for n, t in processed.items() if t == q]
    if len(exact) == 1:
        return exact[0]
    tokens = q.split()
    pool = {n: choices[n] for n, t in processed.items() if all(tok in t for tok in tokens)} or choices
    cutoff = 0 if (prefiltered or pool is not choices) else 85
    ranked = process.extract(query, pool, scorer=fuzz.WRatio, processor=_words, limit=None, score_cutoff=cutoff)
    ranked.sort(key=lambda r: (-r[1], r[2]))
    if not ranked:
        raise UnknownKeyError(None, None, f"no {what} matches '{query}'", hint=hint)
    if len(ranked) == 1 or ranked[0][1] - ranked[1][1] >= 8:
        return ranked[0][2]
    top = ranked[0][1]
    close = [r for r in ranked if top - r[1] < 8][:10]
    width = max(len(_bare(n)) for _, _, n in close)
    listing = "".join(f"\n  {_bare(n).ljust(width)}  {_short(label)}" for label, _, n in close)
    more = len([r for r in ranked if top - r[1] < 8]) - len(close)
    raise AmbiguousError(f"'{query}' fits {len(close) + more} {what}s about equally:{listing}"
                         + (f"\n  … and {more} more" if more else ""), hint=f"give the {what} id, or more words")


def _short(text: str, n: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


def _not_an_id(nxg, text: str, kind: str, name: str) -> None:
    """Text written as an id (``claim:x``, or one word with a hyphen) that names nothing: say so, with the
    nearest ids, rather than guessing from its letters."""
    if not (text.startswith(kind + ":") or re.fullmatch(r"[A-Za-z0-9_.]+(-[A-Za-z0-9_.]+)+", text)):
        return

    ids = [n for n, d in nxg.nodes(data=True) if d["kind"] == kind]
    near = [_bare(n) for n in get_close_matches(name, ids, n=5, cutoff=0.75)]
    hint = f"did you mean: {', '.join(near)}" if near else f"list them with `partnergraph {kind}s`" \
        if kind == "claim" else "see data/sources.bib for the keys"
    raise UnknownKeyError(None, None, f"no {kind} with id '{_bare(name)}'", hint=hint)


def resolve_claim(g, claim: str) -> str:
    """The node name (``claim:ID``) of a claim given by id (``claim:ID`` or ``ID``) or by words of its label.

    Raises :class:`~partnergraph.core.errors.AmbiguousError` listing the candidates when the words fit several
    claims about equally, :class:`~partnergraph.core.errors.UnknownKeyError` when they fit none.

    >>> import partnergraph as pg
    >>> pg.load().resolve_claim("delayed discharge")
    'claim:s000-ben-reducing-delayed-discharge'
    """
    nxg = g.nx
    text = claim.strip()
    for name in (text, "claim:" + text):
        if nxg.nodes.get(name, {}).get("kind") == "claim":
            return name
    _not_an_id(nxg, text, "claim", "claim:" + text.removeprefix("claim:"))
    labels = {n: d["label"] for n, d in nxg.nodes(data=True) if d["kind"] == "claim"}
    return _pick(text, labels, "claim", "give a claim id (see `partnergraph claims`) or try "
                                        f"`partnergraph search \"{text}\"`")


def resolve_source(g, source: str) -> str:
    """The node name (``source:KEY``) of a source given by its BibTeX key or by words (author, year, title).

    >>> import partnergraph as pg
    >>> pg.load().resolve_source("Kharicha")
    'source:kharicha2004'
    """
    nxg = g.nx
    text = source.strip()
    for name in (text, "source:" + text):
        if nxg.nodes.get(name, {}).get("kind") == "source":
            return name
    _not_an_id(nxg, text, "source", "source:" + text.removeprefix("source:"))
    sources = {n: d for n, d in nxg.nodes(data=True) if d["kind"] == "source"}
    labels = {n: d["label"] or d["key"] for n, d in sources.items()}
    q = _words(text).split()
    # names first (key, authors, year), then the short citation and title: "wildridge" is the review itself,
    # not every reference "of wildridgereview"
    for fields in (("key", "authors", "year"), ("key", "authors", "year", "label", "title")):
        hay = {n: _words(" ".join(" ".join(d[f]) if f == "authors" else d[f] for f in fields))
               for n, d in sources.items()}
        hits = [n for n, t in hay.items() if q and all(tok in t for tok in q)]
        if hits:
            break
    if len(hits) == 1:
        return hits[0]
    return _pick(text, {n: labels[n] for n in hits} or labels, "source",
                 "give a BibTeX key from data/sources.bib, or more words (author and year)", prefiltered=bool(hits))
