"""The questions researchers ask, as functions over the networkx evidence graph returning plain rows.

Each function takes an :class:`~partnergraph.api.EvidenceGraph` first; the same functions are methods of it
(``g.stats()``) and CLI commands (``partnergraph stats``).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from .errors import AmbiguousError, PartnergraphError, UnknownKeyError
from .namespaces import CELLS, CLAIM_KINDS, DIMENSIONS, LEVELS

__all__ = [
    "barriers",
    "benefits",
    "claims",
    "cocited",
    "contested",
    "drivers",
    "evidence",
    "factors",
    "gaps",
    "related",
    "resolve_claim",
    "resolve_source",
    "search",
    "single_source",
    "source_claims",
    "sparql",
    "stats",
    "strength",
    "strength_rule",
    "undirected",
]


@dataclass(frozen=True, slots=True)
class StatRow:
    """One count: ``section`` (sources by type, claims by kind, …), ``item`` and ``count``."""

    section: str
    item: str
    count: int


def stats(g) -> list[StatRow]:
    """Counts of the graph: sources by type and status, claims by kind, evidence links by stance and
    attribution, benefits per quality cell, claim sets and pools.

    >>> import partnergraph as pg
    >>> rows = pg.load().stats()
    >>> sum(r.count for r in rows if r.section == "claims by kind") == sum(
    ...     1 for _, d in pg.load().nx.nodes(data=True) if d["kind"] == "claim")
    True
    """
    nxg = g.nx
    src_type: Counter = Counter()
    src_status: Counter = Counter()
    kinds: Counter = Counter()
    cells: Counter = Counter()
    other: Counter = Counter()
    for _, d in nxg.nodes(data=True):
        k = d["kind"]
        if k == "source":
            src_type[d["entry_type"]] += 1
            src_status[d["status"]] += 1
        elif k == "claim":
            kinds[d["claim_kind"]] += 1
            if d["claim_kind"] == "Benefit":
                for c in d["cells"]:
                    cells[c] += 1
        elif k in ("claim_set", "pool"):
            other[k] += 1
    stance: Counter = Counter()
    attribution: Counter = Counter()
    for _, _, d in nxg.edges(data=True):
        if d["kind"] == "evidences":
            stance[d["stance"]] += 1
            attribution[d["attribution"]] += 1
    rows = [StatRow("totals", "sources", sum(src_type.values())),
            StatRow("totals", "claims", sum(kinds.values())),
            StatRow("totals", "evidence links", sum(stance.values())),
            StatRow("totals", "claim sets", other["claim_set"]),
            StatRow("totals", "pooled evidence bases", other["pool"])]
    rows += [StatRow("sources by type", t, n) for t, n in sorted(src_type.items())]
    rows += [StatRow("sources by status", t, src_status[t]) for t in ("complete", "incomplete", "unidentified")]
    rows += [StatRow("claims by kind", k, kinds[k]) for k in CLAIM_KINDS if kinds[k]]
    rows += [StatRow("evidence links by stance", s, stance[s]) for s in ("supports", "disputes", "qualifies")]
    rows += [StatRow("evidence links by attribution", a, attribution[a]) for a in ("direct", "pooled")]
    rows += [StatRow("benefits per quality cell", _cell_label(c), cells[c]) for c in CELLS]
    return rows


def _cell_label(cell: str) -> str:
    dim = next(d for d in DIMENSIONS if cell.startswith(d))
    return f"{dim.lower()} / {cell[len(dim):].lower()}"


def sparql(g, query: str):
    """SELECT → list of dicts (variable → value as text); ASK → bool; CONSTRUCT/DESCRIBE → list of triples
    (N-Triples terms as text). Project prefixes are declared for you; user values are never pasted into
    queries by partnergraph itself."""
    import pyoxigraph as ox

    from .store import run_sparql

    if g.endpoint:
        from .remote import remote_query

        return remote_query(g.endpoint, query)
    res = run_sparql(g.rdf, query)
    if isinstance(res, ox.QueryBoolean):
        return bool(res)
    if isinstance(res, ox.QuerySolutions):
        names = [v.value for v in res.variables]
        return [{n: (sol[n].value if sol[n] is not None else None) for n in names} for sol in res]
    return [(str(t.subject), str(t.predicate), str(t.object)) for t in res]


LEVEL_NAMES = tuple(lv.lower() for lv in LEVELS)
DIMENSION_NAMES = tuple(d.lower() for d in DIMENSIONS)


# --- shared helpers ------------------------------------------------------------------------------------------

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


# --- claims and benefits -------------------------------------------------------------------------------------

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


def claims(g, kind: str | tuple[str, ...] | None = None) -> list[ClaimRow]:
    """Every claim (or those of ``kind``: a claim kind such as ``"Barrier"``, or a tuple of kinds), with its
    cells, distinct sources direct and pooled, stance mix and reviews; ordered by kind, then id.

    >>> import partnergraph as pg
    >>> g = pg.load()
    >>> len(g.claims("Barrier")) == sum(1 for _, d in g.nx.nodes(data=True) if d.get("claim_kind") == "Barrier")
    True
    """
    kinds = _kinds(kind)
    order = {k: i for i, k in enumerate(CLAIM_KINDS)}
    rows = [_claim_row(g.nx, c) for c in _claims(g.nx, kinds)]
    return sorted(rows, key=lambda r: (order[r.kind], r.claim))


def benefits(g, dimension: str | None = None, level: str | None = None) -> list[ClaimRow]:
    """Benefits, optionally in one ``dimension`` (economy, efficiency, effectiveness, equity) and/or ``level``
    (input, output, outcome) of the quality category; a benefit in several cells is listed once.

    Raises :class:`~partnergraph.errors.PartnergraphError` naming the choices for an unknown dimension or level.

    >>> import partnergraph as pg
    >>> rows = pg.load().benefits(dimension="equity")
    >>> all(any(c.startswith("Equity") for c in r.cells) for r in rows)
    True
    """
    dim = _choice(dimension, DIMENSION_NAMES, "dimension")
    lvl = _choice(level, LEVEL_NAMES, "level")

    def fits(cell: str) -> bool:
        d = next(x for x in DIMENSIONS if cell.startswith(x))
        return (dim is None or d.lower() == dim) and (lvl is None or cell[len(d):].lower() == lvl)

    return [r for r in claims(g, "Benefit") if any(fits(c) for c in r.cells)]


def drivers(g) -> list[ClaimRow]:
    """Drivers (why organisations enter into partnership), same shape as :func:`claims`."""
    return claims(g, "Driver")


def barriers(g) -> list[ClaimRow]:
    """Barriers to partnership working, same shape as :func:`claims`."""
    return claims(g, "Barrier")


def factors(g) -> list[ClaimRow]:
    """Critical success factors and principles, same shape as :func:`claims`."""
    return claims(g, ("CriticalSuccessFactor", "Principle"))


# --- finding a claim or a source by id or words --------------------------------------------------------------

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
    import re

    if not (text.startswith(kind + ":") or re.fullmatch(r"[A-Za-z0-9_.]+(-[A-Za-z0-9_.]+)+", text)):
        return
    from difflib import get_close_matches

    ids = [n for n, d in nxg.nodes(data=True) if d["kind"] == kind]
    near = [_bare(n) for n in get_close_matches(name, ids, n=5, cutoff=0.75)]
    hint = f"did you mean: {', '.join(near)}" if near else f"list them with `partnergraph {kind}s`" \
        if kind == "claim" else "see data/sources.bib for the keys"
    raise UnknownKeyError(None, None, f"no {kind} with id '{_bare(name)}'", hint=hint)


def resolve_claim(g, claim: str) -> str:
    """The node name (``claim:ID``) of a claim given by id (``claim:ID`` or ``ID``) or by words of its label.

    Raises :class:`~partnergraph.errors.AmbiguousError` listing the candidates when the words fit several
    claims about equally, :class:`~partnergraph.errors.UnknownKeyError` when they fit none.

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


# --- evidence of one claim -----------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class EvidenceRow:
    """One source evidencing a claim, as a review attributes it.

    ``source`` is a BibTeX key (or ``pool:ID`` for a pooled evidence base not expanded); ``citation`` the short
    citation; ``citing`` the review making the attribution; ``via`` the work through which the review cites it
    (a secondary citation), if any; ``pool`` the pooled evidence base the source is listed in, if any.
    """

    claim: str
    evidence: str
    source: str
    citation: str
    authors: tuple[str, ...]
    year: str
    title: str
    stance: str
    attribution: str
    locator: str
    quote: str
    citing: str
    via: str
    pool: str


def _source_fields(nxg, node: str) -> tuple[str, tuple[str, ...], str, str]:
    d = nxg.nodes[node]
    if d["kind"] == "pool":
        n = len(_pool_members(nxg, node))
        return f"pooled: {d['label']} ({n} sources)", (), "", d["label"]
    return d["label"] or d["key"], tuple(d["authors"]), d["year"], d["title"]


def evidence(g, claim: str, expand: bool = False) -> list[EvidenceRow]:
    """Each source evidencing ``claim`` (id or words, see :func:`resolve_claim`): citation, stance,
    attribution, locator, quote, the citing review and any intermediate work. With ``expand``, a pooled
    evidence base is replaced by one row per member source (``pool`` names the base).

    >>> import partnergraph as pg
    >>> g = pg.load()
    >>> {r.source for r in g.evidence("s000-studies-21-benefit")} >= {"kharicha2004", "dowling2004"}
    True
    """
    nxg = g.nx
    c = resolve_claim(g, claim)
    rows = []
    for u, e in _links(nxg, c):
        is_pool = nxg.nodes[u]["kind"] == "pool"
        members = _pool_members(nxg, u) if (is_pool and expand) else [u]
        for m in members:
            rows.append(EvidenceRow(_bare(c), e["evidence"], _bare(m), *_source_fields(nxg, m), e["stance"],
                                    e["attribution"], e["locator"], e["quote"], e["citing"], e["via"],
                                    u if is_pool else ""))
    return rows


# --- what one source evidences -------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class SourceClaimRow:
    """A claim a source evidences: directly, or as a member of a pooled evidence base (``pool``)."""

    source: str
    claim: str
    kind: str
    label: str
    stance: str
    attribution: str
    locator: str
    citing: str
    pool: str
    evidence: str


def source_claims(g, source: str, kind: str | tuple[str, ...] | None = None) -> list[SourceClaimRow]:
    """What ``source`` (BibTeX key or words, see :func:`resolve_source`) evidences, with stance and locator;
    direct links first, then claims reached through the pooled evidence bases it is a member of.

    >>> import partnergraph as pg
    >>> g = pg.load()
    >>> {"s000-studies-21-benefit", "s000-studies-6-no-benefit"} <= {r.claim for r in g.source_claims("Kharicha")}
    True
    """
    nxg = g.nx
    s = resolve_source(g, source)
    kinds = _kinds(kind)
    rows = []
    pools = sorted(v for _, v, k in nxg.out_edges(s, keys=True) if k == "pooled_in")
    for node in [s, *pools]:
        for _, c, e in sorted(nxg.out_edges(node, data=True), key=lambda x: (x[1], x[2].get("evidence", ""))):
            if e["kind"] != "evidences":
                continue
            d = nxg.nodes[c]
            if kinds is None or d["claim_kind"] in kinds:
                rows.append(SourceClaimRow(_bare(s), _bare(c), d["claim_kind"], d["label"], e["stance"],
                                           e["attribution"], e["locator"], e["citing"],
                                           node if node != s else "", e["evidence"]))
    return rows


# --- gaps ----------------------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class GapCell:
    """One cell of the quality category (4 Es x input/output/outcome).

    ``benefits``: benefits in the cell; ``sources_direct`` / ``sources_pooled``: distinct sources evidencing
    them one by one / through pooled evidence bases; ``sources_total``: distinct sources either way;
    ``direct_share``: ``sources_direct / sources_total`` (0.0 when there are none); ``gap``: no source evidences
    any benefit in the cell (which includes cells with no benefit at all); ``claims``: the benefit ids.
    """

    dimension: str
    level: str
    benefits: int
    sources_direct: int
    sources_pooled: int
    sources_total: int
    direct_share: float
    gap: bool
    claims: tuple[str, ...]


def gaps(g) -> list[GapCell]:
    """The gap matrix: one :class:`GapCell` per cell, economy/input first, equity/outcome last.

    >>> import partnergraph as pg
    >>> cells = pg.load().gaps()
    >>> len(cells), cells[0].dimension, cells[0].level
    (12, 'economy', 'input')
    """
    nxg = g.nx
    rows = []
    for cell in CELLS:
        dim = next(d for d in DIMENSIONS if cell.startswith(d))
        members = sorted(u for u, _, k in nxg.in_edges("cell:" + cell, keys=True) if k == "in_category"
                         and nxg.nodes[u]["claim_kind"] == "Benefit")
        direct: set[str] = set()
        pooled: set[str] = set()
        for c in members:
            dset, pset = _claim_sources(nxg, c)
            direct |= dset
            pooled |= pset
        total = len(direct | pooled)
        rows.append(GapCell(dim.lower(), cell[len(dim):].lower(), len(members), len(direct), len(pooled), total,
                            len(direct) / total if total else 0.0, total == 0,
                            tuple(_bare(c) for c in members)))
    return rows


def single_source(g, kind: str | tuple[str, ...] | None = None) -> list[ClaimRow]:
    """Claims resting on exactly one distinct source (direct and pooled counted together).

    >>> import partnergraph as pg
    >>> all(r.sources_direct + r.sources_pooled == 1 for r in pg.load().single_source())
    True
    """
    nxg = g.nx
    return [r for r in claims(g, kind) if len(set().union(*_claim_sources(nxg, "claim:" + r.claim))) == 1]


def undirected(g, kind: str | tuple[str, ...] | None = None, unevidenced: bool = True) -> list[ClaimRow]:
    """Claims no source evidences directly: those evidenced only through pooled evidence bases and (with
    ``unevidenced``, the default) those with no evidence link at all, resting on the review's own words.

    >>> import partnergraph as pg
    >>> all(r.sources_direct == 0 for r in pg.load().undirected())
    True
    """
    return [r for r in claims(g, kind) if r.sources_direct == 0 and (unevidenced or r.sources_pooled)]


def contested(g, kind: str | tuple[str, ...] | None = None) -> list[ClaimRow]:
    """Claims with supporting evidence and disputing or qualifying evidence both.

    >>> import partnergraph as pg
    >>> all(r.supports and (r.disputes or r.qualifies) for r in pg.load().contested())
    True
    """
    return [r for r in claims(g, kind) if r.supports and (r.disputes or r.qualifies)]


# --- strength ------------------------------------------------------------------------------------------------

NON_EMPIRICAL = ("PolicyGuidance", "Legislation", "ExpertOpinion", "TheoryModel", "Textbook")
RATINGS = ("very low", "low", "moderate", "high")


@dataclass(frozen=True, slots=True)
class StrengthRow:
    """A claim's confidence rating (high, moderate, low, very low) with what it rests on and why."""

    claim: str
    kind: str
    label: str
    rating: str
    sources_direct: int
    sources_pooled: int
    evidence_types: tuple[str, ...]
    supports: int
    disputes: int
    qualifies: int
    reasons: str


def strength(g, claim: str | None = None, kind: str | tuple[str, ...] | None = None) -> list[StrengthRow]:
    """Confidence in each claim (or in one ``claim``, by id or words), rated from its evidence.

    RULE
    Confidence in a claim is rated high, moderate, low or very low by a rule after GRADE-CERQual
    (Lewin et al. 2018), which judges four components and starts every finding at high confidence,
    going down a level for each serious concern. From the data partnergraph holds:

    - Adequacy (assessed in part): how many distinct sources evidence the claim, and whether the review
      cites them for this claim one by one (direct) or only in a pooled evidence base (a block list of
      sources for a whole table, which does not say which source supports which claim). The richness
      of the data behind each source cannot be assessed.
    - Coherence (assessed in part): whether any evidence link disputes or qualifies the claim. Whether
      the underlying studies agree with each other beyond what the reviews say is not recorded.
    - Methodological limitations (assessed in part): the evidence type of each direct source, where a
      librarian recorded one (most sources have none; an unknown type is not held against a claim).
      The design and conduct of each study are not recorded and cannot be assessed.
    - Relevance (not assessed): how far the contexts of the underlying studies fit the claim is not
      recorded.

    The rule, in this order:

    1. A claim with no evidence link (it rests only on the review's own words) is very low. Stop.
    2. Start at high. Adequacy: count evidence units: each distinct source cited directly in support
       of the claim (a supporting or qualifying link; a disputing source is no support) is one unit;
       all pooled evidence together is one more unit, if any pooled source is not also a direct one.
       3 or more units: no change; 2 units: down one level; 1 unit or none: down two levels.
    3. Methodological limitations: if at least one direct source has a recorded evidence type and
       every recorded type is non-empirical (policy guidance, legislation, expert opinion,
       theory/model, textbook): down one level.
    4. Coherence: any disputing or qualifying link: down one level; down two levels instead if the
       disputing and qualifying links are at least as many as the supporting ones.
    5. Never below very low. Distinct sources are distinct works (BibTeX keys); two reviews citing
       the same work count it once.
    END

    >>> import partnergraph as pg
    >>> row = pg.load().strength("s004a-contract-not-partnership")[0]
    >>> row.rating, row.sources_direct, row.disputes
    ('low', 3, 1)
    """
    nxg = g.nx
    names = [resolve_claim(g, claim)] if claim is not None else _claims(nxg, _kinds(kind))
    order = {k: i for i, k in enumerate(CLAIM_KINDS)}
    rows = [_strength_row(nxg, c) for c in names]
    return sorted(rows, key=lambda r: (order[r.kind], r.claim)) if claim is None else rows


def strength_rule(g=None) -> str:
    """The rule :func:`strength` applies, as written in its docstring (what ``strength --explain`` prints).

    The graph argument is accepted (and ignored) so that ``g.strength_rule()`` works like every question."""
    import inspect

    doc = inspect.getdoc(strength) or ""
    return doc.split("RULE\n", 1)[1].split("\nEND", 1)[0].strip() + "\n"


def _strength_row(nxg, c: str) -> StrengthRow:
    d = nxg.nodes[c]
    direct, pooled = _claim_sources(nxg, c)
    links = _links(nxg, c)
    stance = Counter(e["stance"] for _, e in links)
    types = tuple(sorted({nxg.nodes[s]["evidence_type"] for s in direct if nxg.nodes[s]["evidence_type"]}))
    reasons: list[str] = []
    if not links:
        level = 0
        reasons.append("no evidence link: rests on the review's own words")
    else:
        level = 3
        backing = {u for u, e in links if u in direct and e["stance"] != "disputes"}
        units = len(backing) + (1 if pooled - direct else 0)
        what = f"{len(backing)} direct source(s) in support" + (f" + pooled evidence ({len(pooled)} sources)"
                                                                  if pooled else "")
        drop = 0 if units >= 3 else min(3 - units, 2)
        level -= drop
        reasons.append(f"adequacy: {units} evidence unit(s) ({what})" + (f": -{drop}" if drop else ": no change"))
        if types and all(t in NON_EMPIRICAL for t in types):
            level -= 1
            reasons.append(f"methodological limitations: only non-empirical sources ({', '.join(types)}): -1")
        unknown = sum(1 for s in direct if not nxg.nodes[s]["evidence_type"])
        if unknown:
            reasons.append(f"evidence type not recorded for {unknown} of {len(direct)} direct source(s)")
        against = stance["disputes"] + stance["qualifies"]
        if against:
            drop = 2 if against >= stance["supports"] else 1
            level -= drop
            reasons.append(f"coherence: {stance['disputes']} disputing, {stance['qualifies']} qualifying, "
                           f"{stance['supports']} supporting: -{drop}")
        reasons.append("relevance: not assessed")
    return StrengthRow(_bare(c), d["claim_kind"], d["label"], RATINGS[max(level, 0)], len(direct), len(pooled),
                       types, stance["supports"], stance["disputes"], stance["qualifies"], "; ".join(reasons))


# --- search --------------------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class SearchRow:
    """A fuzzy match: ``score`` (0-100), the claim or source ``id``, its ``label``, the ``field`` that matched
    (claim label, claim quote, evidence quote, source label, source title) and the matched ``text``."""

    score: float
    kind: str
    id: str
    label: str
    field: str
    text: str


def search(g, text: str, limit: int = 20, min_score: float = 70.0) -> list[SearchRow]:
    """Fuzzy search (rapidfuzz) over claim labels, claim quotes, evidence quotes and source citations and
    titles; the best match per claim or source, best first. The score (0-100) is 70% how well each word of
    ``text`` is found in the field (``partial_ratio``, so typos are forgiven) and 30% how well the whole text
    matches (``WRatio``).

    >>> import partnergraph as pg
    >>> pg.load().search("delayed discharge")[0].id
    'claim:s000-ben-reducing-delayed-discharge'
    """
    from rapidfuzz import fuzz, process

    nxg = g.nx
    targets: list[tuple[str, str, str]] = []  # (node, field, text)
    for n, d in nxg.nodes(data=True):
        if d["kind"] == "claim":
            targets.append((n, "claim label", d["label"]))
            if d["quote"] and d["quote"] != d["label"]:
                targets.append((n, "claim quote", d["quote"]))
        elif d["kind"] == "source":
            targets += [(n, f"source {f}", d[f]) for f in ("label", "title") if d[f]]
    for _, v, d in nxg.edges(data=True):
        if d["kind"] == "evidences" and d["quote"]:
            targets.append((v, "evidence quote", d["quote"]))
    q = _words(text)
    if not q:
        return []
    tokens = [t for t in q.split() if len(t) > 2] or q.split()
    processed = [_words(t[2]) for t in targets]
    hits = []
    wholes = process.cdist([q], processed, scorer=fuzz.WRatio)[0]
    for i, (whole, t) in enumerate(zip(wholes, processed, strict=True)):
        # how well each word of the query is found in the text (typos forgiven), then the text as a whole
        cover = sum((fuzz.partial_ratio if len(t) >= len(tok) else fuzz.ratio)(tok, t)
                    for tok in tokens) / len(tokens)
        score = 0.7 * cover + 0.3 * float(whole)
        if score >= min_score:
            hits.append((t, score, i))
    best: dict[str, tuple[float, int]] = {}
    for _, score, i in hits:
        n = targets[i][0]
        if n not in best or score > best[n][0]:
            best[n] = (score, i)
    rows = []
    for n, (score, i) in best.items():
        d = nxg.nodes[n]
        kind = d["claim_kind"] if d["kind"] == "claim" else "source"
        rows.append(SearchRow(round(score, 1), kind, n, d["label"] or d.get("key", ""), targets[i][1],
                              targets[i][2]))
    rows.sort(key=lambda r: (-r.score, len(r.text), r.kind != "source", r.id))
    return rows[:limit]


# --- related claims and co-cited sources ---------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class RelatedRow:
    """A claim connected to the one asked about: ``relation`` (shares sources, shares pooled evidence,
    addresses, addressed by, related, same set), the ``via`` sources or set, and ``shared`` (how many)."""

    relation: str
    claim: str
    kind: str
    label: str
    via: tuple[str, ...]
    shared: int


def related(g, claim: str) -> list[RelatedRow]:
    """What else the graph connects to ``claim`` (id or words): claims sharing a direct source or a pooled
    evidence base with it, barriers it addresses (and claims addressing it), ``skos:related`` claims, and
    siblings in its claim sets.

    >>> import partnergraph as pg
    >>> [r.claim for r in pg.load().related("s004b-csf-surmounting-boundaries") if r.relation == "addresses"]
    ['s004b-bar-boundary-failure']
    """
    nxg = g.nx
    c = resolve_claim(g, claim)
    rows: list[RelatedRow] = []

    def row(relation: str, other: str, via) -> RelatedRow:
        d = nxg.nodes[other]
        return RelatedRow(relation, _bare(other), d["claim_kind"], d["label"], tuple(sorted(via)), len(via))

    shared: dict[str, set[str]] = {}
    pools: dict[str, set[str]] = {}
    for u, _ in _links(nxg, c):
        target = pools if nxg.nodes[u]["kind"] == "pool" else shared
        for _, other, e in nxg.out_edges(u, data=True):
            if e["kind"] == "evidences" and other != c:
                target.setdefault(other, set()).add(_bare(u))
    rows += sorted((row("shares sources", o, v) for o, v in shared.items()), key=lambda r: (-r.shared, r.claim))
    rows += sorted((row("shares pooled evidence", o, v) for o, v in pools.items()), key=lambda r: r.claim)
    for rel, edges in (("addresses", nxg.out_edges(c, keys=True)), ("addressed by", nxg.in_edges(c, keys=True))):
        for a, b, k in sorted(edges):
            if k == "addresses":
                rows.append(row(rel, b if rel == "addresses" else a, ()))
    rel_nodes = {b for _, b, k in nxg.out_edges(c, keys=True) if k == "related"}
    rel_nodes |= {a for a, _, k in nxg.in_edges(c, keys=True) if k == "related"}
    rows += [row("related", o, ()) for o in sorted(rel_nodes) if nxg.nodes[o]["kind"] == "claim"]
    for _, s, k in sorted(nxg.out_edges(c, keys=True)):
        if k != "member_of":
            continue
        sibs = sorted((d["position"], m) for m, _, d in nxg.in_edges(s, data=True)
                      if d["kind"] == "member_of" and m != c and nxg.nodes[m]["kind"] == "claim")
        rows += [row("same set", m, (s[4:],)) for _, m in sibs]
    return rows


@dataclass(frozen=True, slots=True)
class CocitedRow:
    """Two sources evidencing the same claims: ``shared`` claims (listed in ``claims``)."""

    source_a: str
    citation_a: str
    source_b: str
    citation_b: str
    shared: int
    claims: tuple[str, ...]


def cocited(g, pooled: bool = False, min_shared: int = 1, limit: int | None = None) -> list[CocitedRow]:
    """Pairs of sources that evidence the same claims, most shared claims first. Direct evidence only unless
    ``pooled`` (pool members then count as evidencing every claim their pool evidences).

    >>> import partnergraph as pg
    >>> top = pg.load().cocited()[0]
    >>> top.shared == len(top.claims) >= 2
    True
    """
    from itertools import combinations

    nxg = g.nx
    together: dict[tuple[str, str], set[str]] = {}
    for c in _claims(nxg):
        direct, pool = _claim_sources(nxg, c)
        for a, b in combinations(sorted(direct | pool if pooled else direct), 2):
            together.setdefault((a, b), set()).add(_bare(c))
    rows = [CocitedRow(_bare(a), nxg.nodes[a]["label"], _bare(b), nxg.nodes[b]["label"], len(cs),
                       tuple(sorted(cs)))
            for (a, b), cs in together.items() if len(cs) >= min_shared]
    rows.sort(key=lambda r: (-r.shared, r.source_a, r.source_b))
    return rows[:limit] if limit else rows
