"""The Python API: ``pg.load()`` gives an :class:`EvidenceGraph`; its methods are the questions users ask.

Each method calls the question of the same name in :mod:`partnergraph.questions` with the graph first, so
``g.benefits(dimension="equity")`` is ``questions.claims.benefits(g, dimension="equity")`` and the CLI's
``partnergraph benefits --dimension equity``.

May import: every stage below it (``partnergraph.questions``, ``partnergraph.graph``, … ``partnergraph.core``).

>>> import partnergraph as pg
>>> g = pg.load()                       # the bundled data/
>>> g.nx.number_of_nodes() > 0
True
"""

from __future__ import annotations

from pathlib import Path

from .graph.base import LoadedGraph
from .graph.loader import load_graph
from .questions import claims as _claims
from .questions import common as _common
from .questions import debates as _debates
from .questions import gaps as _gaps
from .questions import index as _index
from .questions import search as _search
from .questions import sparql as _sparql
from .questions import strength as _strength
from .questions import themes as _themes
from .questions.claims import CocitedRow, EvidenceRow, RelatedRow, SourceClaimRow, StatRow
from .questions.common import ClaimRow, Kinds
from .questions.debates import ContestedRow, DebateRow, RelationRow
from .questions.gaps import GapCell
from .questions.resolve import Resolution
from .questions.resolve import resolve as _resolve
from .questions.resolve import resolve_theme as _resolve_theme
from .questions.search import SearchRow
from .questions.sparql import SparqlResult
from .questions.strength import StrengthRow
from .questions.themes import (
    ThemeClaimRow,
    ThemeEvidenceRow,
    ThemeGapRow,
    ThemeRow,
    ThemeSourceRow,
    ThemeStrengthRow,
)

__all__ = ["EvidenceGraph", "load"]


class EvidenceGraph(LoadedGraph):
    """One loaded data directory (or endpoint) and the questions asked of it.

    ``nx`` is the networkx ``MultiDiGraph`` (:mod:`partnergraph.graph.build` says what its nodes and edges are),
    ``rdf`` the pyoxigraph store (loaded lazily from the cache when a warm command does not need it), ``data``
    the :class:`~partnergraph.files.datadir.DataDir` (``None`` for an endpoint), ``endpoint`` its URL or ``None``.
    Every method returns plain rows (frozen dataclasses) that :func:`partnergraph.outputs.formats.render` prints.
    ``kind`` arguments take a claim kind (``"Benefit"``, ``"barrier"``) or a tuple of them; a claim or a source
    is named by id (``"claim:x"``, ``"x"``, a BibTeX key) or by words of its label.
    """

    # ---------------------------------------------------------------- overview
    def stats(self) -> list[StatRow]:
        """Counts: sources by type and status, claims by kind, evidence links by stance and attribution,
        benefits per quality cell, claim sets and pools.

        >>> rows = load().stats()
        >>> [r.item for r in rows if r.section == "totals"][:3]
        ['sources', 'claims', 'evidence links']
        """
        return _claims.stats(self)

    def sparql(self, query: str, *, allow_service: bool = False, timeout: float | None = None) -> SparqlResult:
        """Run a SPARQL query with the project prefixes declared (on the server for an endpoint).
        SELECT → list of dicts (variable → value as text, ``None`` when unbound); ASK → bool;
        CONSTRUCT/DESCRIBE → list of ``(s, p, o)`` N-Triples terms as text. On local files ``SERVICE`` is refused
        unless ``allow_service``, and the query stops after ``timeout`` seconds (default 30, or
        ``$PARTNERGRAPH_QUERY_TIMEOUT``).

        >>> load().sparql("ASK { ?c a pg:Benefit }")
        True
        >>> row = load().sparql("SELECT ?c WHERE { ?c a pg:Barrier } LIMIT 1")[0]
        >>> sorted(row)
        ['c']
        """
        return _sparql.sparql(self, query, allow_service=allow_service, timeout=timeout)

    # ---------------------------------------------------------------- claims
    def claims(self, kind: Kinds = None) -> list[ClaimRow]:
        """Claims (of ``kind``, or all) with their evidence summary: cells, distinct sources direct and pooled,
        stance counts, reviews.

        >>> {r.kind for r in load().claims(kind="Barrier")}
        {'Barrier'}
        """
        return _claims.claims(self, kind)

    def benefits(self, dimension: str | None = None, level: str | None = None) -> list[ClaimRow]:
        """Benefits, optionally only those in a cell of ``dimension`` (economy, efficiency, effectiveness,
        equity) and/or ``level`` (input, output, outcome).

        >>> rows = load().benefits(dimension="equity")
        >>> rows[0].kind, all(any(c.startswith("Equity") for c in r.cells) for r in rows)
        ('Benefit', True)
        """
        return _claims.benefits(self, dimension, level)

    def drivers(self) -> list[ClaimRow]:
        """Drivers: why organisations enter into partnership (``claims(kind="Driver")``).

        >>> {r.kind for r in load().drivers()}
        {'Driver'}
        """
        return _claims.drivers(self)

    def barriers(self) -> list[ClaimRow]:
        """Barriers to partnership working (``claims(kind="Barrier")``).

        >>> {r.kind for r in load().barriers()}
        {'Barrier'}
        """
        return _claims.barriers(self)

    def factors(self) -> list[ClaimRow]:
        """Critical success factors and principles of partnership working.

        >>> sorted({r.kind for r in load().factors()})
        ['CriticalSuccessFactor', 'Principle']
        """
        return _claims.factors(self)

    def resolve_claim(self, claim: str) -> str:
        """The node name (``claim:ID``) of a claim named by id or by words of its label; words that fit
        several claims raise :class:`~partnergraph.core.errors.AmbiguousError` listing them.

        >>> load().resolve_claim("s000-ben-reducing-delayed-discharge")
        'claim:s000-ben-reducing-delayed-discharge'
        """
        return _common.resolve_claim(self, claim)

    def resolve_source(self, source: str) -> str:
        """The node name (``source:KEY``) of a source named by BibTeX key or by words of its citation.

        >>> load().resolve_source("gray1989")
        'source:gray1989'
        """
        return _common.resolve_source(self, source)

    # ---------------------------------------------------------------- evidence
    def evidence(self, claim: str, expand: bool = False) -> list[EvidenceRow]:
        """Each source evidencing ``claim``: citation, stance, attribution, locator, quote, the citing review
        and any intermediate work; with ``expand``, a pooled evidence base is listed member by member.

        >>> rows = load().evidence("contract will tend not")
        >>> sorted({r.stance for r in rows})
        ['disputes', 'supports']
        """
        return _claims.evidence(self, claim, expand)

    def source_claims(self, source: str, kind: Kinds = None) -> list[SourceClaimRow]:
        """What one source evidences, directly and through the pooled evidence bases it belongs to.

        >>> rows = load().source_claims("gray1989")
        >>> len(rows) > 0
        True
        """
        return _claims.source_claims(self, source, kind)

    def related(self, claim: str) -> list[RelatedRow]:
        """Claims connected to ``claim``: sharing a source or a pooled base, barriers it addresses (and claims
        addressing it), ``skos:related`` claims and siblings in its claim sets.

        >>> [r.claim for r in load().related("s004b-csf-surmounting-boundaries") if r.relation == "addresses"]
        ['s004b-bar-boundary-failure']
        """
        return _claims.related(self, claim)

    def cocited(self, pooled: bool = False, min_shared: int = 1, limit: int | None = None) -> list[CocitedRow]:
        """Pairs of sources that evidence the same claims, most shared claims first (with ``pooled``, every
        member of a pool evidences every claim its pool does).

        >>> rows = load().cocited(limit=2)
        >>> len(rows), rows[0].shared >= rows[1].shared
        (2, True)
        """
        return _claims.cocited(self, pooled, min_shared, limit)

    # ---------------------------------------------------------------- gaps
    def gaps(self) -> list[GapCell]:
        """The gap matrix: one cell per E x level (economy/input first, equity/outcome last) with its benefits
        and distinct sources; a cell no source evidences is a gap.

        >>> cells = load().gaps()
        >>> len(cells), cells[0].dimension, cells[0].level
        (12, 'economy', 'input')
        """
        return _gaps.gaps(self)

    def single_source(self, kind: Kinds = None) -> list[ClaimRow]:
        """Claims that rest on exactly one distinct source (direct and pooled counted together).

        >>> all(r.sources_direct + r.sources_pooled == 1 for r in load().single_source())
        True
        """
        return _gaps.single_source(self, kind)

    def undirected(self, kind: Kinds = None, unevidenced: bool = True) -> list[ClaimRow]:
        """Claims no source evidences directly (only pooled, or — with ``unevidenced`` — not at all).

        >>> all(r.sources_direct == 0 for r in load().undirected())
        True
        """
        return _gaps.undirected(self, kind, unevidenced)

    def contested(self, kind: Kinds = None) -> list[ContestedRow]:
        """Claims that something contests: a disputing or qualifying evidence link, or a claim that challenges
        or qualifies them (directly or through their claim set); each row lists every challenger with the works
        behind it, who makes the connection and the quote.

        >>> rows = load().contested("Benefit")
        >>> all(r.disputes or r.qualifies or r.challenged or r.qualified for r in rows)
        True
        """
        return _debates.contested(self, kind)

    # ---------------------------------------------------------------- debates
    def relations(self, claim: str) -> list[RelationRow]:
        """The claims that challenge, qualify or support ``claim`` (direction ``in``) and those it bears on
        itself (``out``), with who makes each connection (a review's words, or the curators' reason).

        >>> rows = load().relations("s000-arg-not-enough-known")
        >>> any(r.direction == "out" and r.other == "set:s000-benefits-table-000" for r in rows)
        True
        """
        return _debates.relations(self, claim)

    def debates(self, debate: str | None = None) -> list[DebateRow]:
        """The debates of the corpus (or one, by id): each with its two sides, the claims that state them and
        the works behind those claims.

        >>> [d.debate for d in load().debates()][:2]
        ['added-value', 'good-in-itself']
        """
        return _debates.debates(self, debate)

    # ---------------------------------------------------------------- strength
    def strength(self, claim: str | None = None, kind: Kinds = None) -> list[StrengthRow]:
        """Confidence in each claim (or in ``claim``): high, moderate, low or very low, with the reasons
        (the rule: :meth:`strength_rule`, docs/strength.md).

        >>> row = load().strength("s004a-contract-not-partnership")[0]
        >>> row.rating in ("high", "moderate", "low", "very low")
        True
        """
        return _strength.strength(self, claim, kind)

    def strength_rule(self) -> str:
        """The rule :meth:`strength` applies, as ``strength --explain`` prints it.

        >>> "Adequacy" in load().strength_rule()
        True
        """
        return _strength.strength_rule(self)

    # ---------------------------------------------------------------- themes
    def themes(self, group: str | None = None) -> list[ThemeRow]:
        """Every theme of the framework (or of one ``group``): its claims, the reviews that state it, its distinct
        sources — a work cited by two reviews counts once — direct and pooled, the stance mix, contested or not.

        >>> next(r for r in load().themes() if r.theme == "shared-vision").independent_reviews
        4
        """
        return _themes.themes(self, group)

    def theme(self, theme: str) -> list[ThemeClaimRow]:
        """The claims of ``theme`` (its id, label, an alternative label, or words), review by review.

        >>> {r.claim for r in load().theme("trust")} >= {"s004b-csf-trust", "s001-networks-trust"}
        True
        """
        return _themes.theme(self, theme)

    def theme_evidence(self, theme: str, expand: bool = False) -> list[ThemeEvidenceRow]:
        """Every evidence link of the claims of ``theme``, grouped by citing review, with locators and quotes;
        ``cited_by`` and ``citations`` say how often each work is cited for the theme.

        >>> rows = load().theme_evidence("pooled budgets")
        >>> len({r.review for r in rows}) >= 3
        True
        """
        return _themes.theme_evidence(self, theme, expand)

    def theme_sources(self, theme: str) -> list[ThemeSourceRow]:
        """The distinct works behind ``theme``, each once, with every citation of it listed.

        >>> rows = load().theme_sources("trust")
        >>> len(rows) == len({r.source for r in rows})
        True
        """
        return _themes.theme_sources(self, theme)

    def theme_strength(self, theme: str | None = None) -> list[ThemeStrengthRow]:
        """Confidence in each theme (or in ``theme``) across its claims and reviews, with the reasons (the rule:
        :meth:`theme_strength_rule`).

        >>> load().theme_strength("trust")[0].rating in ("high", "moderate", "low", "very low")
        True
        """
        return _themes.theme_strength(self, theme)

    def theme_strength_rule(self) -> str:
        """The rule :meth:`theme_strength` applies, as ``strength --theme --explain`` prints it.

        >>> "across reviews" in load().theme_strength_rule()
        True
        """
        return _themes.theme_strength_rule(self)

    def theme_gaps(self, by: str = "review") -> list[ThemeGapRow]:
        """The theme matrix: every theme against every review (``by="review"``) or claim kind (``by="kind"``),
        with the claims and distinct sources of each cell and where a theme is thin.

        >>> cells = load().theme_gaps(by="kind")
        >>> {c.column for c in cells} >= {"Benefit", "Barrier"}
        True
        """
        return _themes.theme_gaps(self, by)

    def resolve_theme(self, theme: str) -> str:
        """The node name (``theme:ID``) of a theme named by id, label, alternative label or words.

        >>> load().resolve_theme("pooled budgets")
        'theme:pooled-budgets'
        """
        return _resolve_theme(self, theme)

    def resolve(self, text: str, what: str = "claim", themes: bool = True) -> Resolution:
        """What words name: a theme first when they name one, else a claim (or, with ``what="source"``, a
        source), with the other nodes they fit — what the CLI prints on stderr.

        >>> r = load().resolve("shared vision")
        >>> r.kind, r.id
        ('theme', 'shared-vision')
        """
        return _resolve(self, text, what, themes)

    # ---------------------------------------------------------------- search
    def search(self, text: str, limit: int = 20, min_score: float = 70.0) -> list[SearchRow]:
        """Fuzzy search over claim labels and quotes, evidence quotes and source citations and titles; the best
        match per claim or source, best first (score 0-100).

        >>> load().search("delayed discharge")[0].id
        'claim:s000-ben-reducing-delayed-discharge'
        """
        return _search.search(self, text, limit, min_score)


def load(data: str | Path | None = None, *, store: str | None = None, cache: bool = True,
         themes: str | Path | None = None) -> EvidenceGraph:
    """Load a data directory (default: the bundled ``data/``) or a SPARQL endpoint (``store=URL``).

    ``themes`` replaces the directory's theme framework (``themes.ttl``) with another file, or with none
    (``themes="none"``); without ``themes.ttl`` and without ``themes`` the graph simply has no themes.

    A second load of unchanged files reads the networkx graph from the cache and does not parse again.
    Raises :class:`~partnergraph.core.errors.PartnergraphError` subclasses naming file and line on bad input.

    >>> g = load()
    >>> isinstance(g, EvidenceGraph), g.endpoint
    (True, None)
    """
    g = load_graph(data, store=store, cache=cache, cls=EvidenceGraph, themes=themes)
    assert isinstance(g, EvidenceGraph)
    if g.cache_folder is not None and g.nx_loaded:  # parsed and cached just now: the claim index goes beside it
        _index.save(g)
    return g
