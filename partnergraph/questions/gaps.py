"""Where the evidence is thin: the gap matrix (4 Es x input/output/outcome), claims resting on one source, claims
with no direct evidence (contested claims: :mod:`partnergraph.questions.debates`).

May import: ``partnergraph.graph`` and everything below it, and :mod:`partnergraph.questions.common`.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import index as _index
from .claims import claims
from .common import ClaimRow, _kinds

__all__ = [
    "GapCell",
    "gaps",
    "single_source",
    "undirected",
]


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
    return [GapCell(*t) for t in _index.gap_rows(g)]


def single_source(g, kind: str | tuple[str, ...] | None = None) -> list[ClaimRow]:
    """Claims resting on exactly one distinct source (direct and pooled counted together).

    >>> import partnergraph as pg
    >>> all(r.sources_direct + r.sources_pooled == 1 for r in pg.load().single_source())
    True
    """
    kinds = _kinds(kind)
    return [ClaimRow(*t[:10]) for t in _index.claim_rows(g) if (kinds is None or t[1] in kinds) and t[10] == 1]


def undirected(g, kind: str | tuple[str, ...] | None = None, unevidenced: bool = True) -> list[ClaimRow]:
    """Claims no source evidences directly: those evidenced only through pooled evidence bases and (with
    ``unevidenced``, the default) those with no evidence link at all, resting on the review's own words.

    >>> import partnergraph as pg
    >>> all(r.sources_direct == 0 for r in pg.load().undirected())
    True
    """
    return [r for r in claims(g, kind) if r.sources_direct == 0 and (unevidenced or r.sources_pooled)]
