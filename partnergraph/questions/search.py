"""Fuzzy search (rapidfuzz) over claim labels and quotes, evidence quotes and source citations and titles.

May import: ``partnergraph.graph`` and everything below it, and :mod:`partnergraph.questions.common`.
"""

from __future__ import annotations

from dataclasses import dataclass

from .common import _words

__all__ = [
    "SearchRow",
    "search",
]


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
