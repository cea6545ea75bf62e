"""A theme's row and the helpers every theme question shares (its claims, the reviews behind them, its distinct
works, what contests it): used by :mod:`partnergraph.questions.themes` and, to index every theme's row once,
by :mod:`partnergraph.questions.index`.

May import: ``partnergraph.core`` and :mod:`partnergraph.questions.common`.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from .common import _claims_sources, _links

__all__ = ["ThemeRow"]


def _themes(nxg) -> list[str]:
    return sorted(n for n, d in nxg.nodes(data=True) if d["kind"] == "theme")


def _theme_claims(nxg, t: str) -> list[str]:
    return sorted(u for u, _, k in nxg.in_edges(t, keys=True) if k == "in_theme")


def _reviews_of(nxg) -> dict[str, str]:
    """Review document → the review it is a version of: documents that state a common claim (the two versions of
    the briefing chapter) are one review; every other document is its own."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            x = parent[x]
        return x

    for _, d in nxg.nodes(data=True):
        if d["kind"] == "claim" and d["derived_from"]:
            docs = sorted(d["derived_from"])
            root = find(docs[0])
            for other in docs[1:]:
                parent[find(other)] = root
    return {doc: find(doc) for doc in parent}


def _sources(nxg, claims: list[str]) -> tuple[set[str], set[str]]:
    """Distinct works cited directly for any of ``claims``, and those reached only through pooled bases."""
    direct, pooled = _claims_sources(nxg, claims)
    return direct, pooled - direct


def _challenges(nxg, claims: list[str]) -> set[str]:
    """Relations (claim-to-claim, ``relates`` edges) that challenge or qualify any of ``claims``."""
    return {k for c in claims for _, _, k, e in nxg.in_edges(c, keys=True, data=True)
            if e.get("kind") == "relates" and e.get("relation") in ("challenges", "qualifies")}


def _contested(nxg, c: str) -> bool:
    d = nxg.nodes[c]
    if d.get("contested"):
        return True
    return any(e["stance"] in ("disputes", "qualifies") for _, e in _links(nxg, c)) or bool(_challenges(nxg, [c]))



@dataclass(frozen=True, slots=True)
class ThemeRow:
    """One theme of the framework and what stands behind it.

    ``claims``: claims assigned to it; ``reviews``: the review documents those claims come from;
    ``independent_reviews``: how many reviews that is when versions of one document (sharing claims) count once;
    ``sources``: distinct works evidencing any of its claims — a work cited by two reviews, or for two claims,
    counts once — ``sources_direct`` of them cited one by one, ``sources_pooled`` only in pooled evidence bases;
    ``supports`` / ``disputes`` / ``qualifies``: evidence links by stance; ``challenged``: claim-to-claim
    relations that challenge or qualify its claims; ``contested``: any claim of it is contested.
    """

    theme: str
    label: str
    group: str
    claims: int
    reviews: tuple[str, ...]
    independent_reviews: int
    sources: int
    sources_direct: int
    sources_pooled: int
    supports: int
    disputes: int
    qualifies: int
    challenged: int
    contested: bool


def _theme_row(nxg, t: str, review_of: dict[str, str]) -> ThemeRow:
    d = nxg.nodes[t]
    claims = _theme_claims(nxg, t)
    direct, pooled = _sources(nxg, claims)
    stance = Counter(e["stance"] for c in claims for _, e in _links(nxg, c))
    docs = sorted({r for c in claims for r in nxg.nodes[c]["derived_from"]})
    return ThemeRow(t[6:], d["label"], d["group_label"], len(claims), tuple(docs),
                    len({review_of.get(r, r) for r in docs}), len(direct | pooled), len(direct), len(pooled),
                    stance["supports"], stance["disputes"], stance["qualifies"], len(_challenges(nxg, claims)),
                    any(_contested(nxg, c) for c in claims))

