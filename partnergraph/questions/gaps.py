"""Where the evidence is thin: the gap matrix (4 Es x input/output/outcome), claims resting on one source, claims
with no direct evidence (contested claims: :mod:`partnergraph.questions.debates`).

May import: ``partnergraph.graph`` and everything below it, and :mod:`partnergraph.questions.common`.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..core.namespaces import CELLS, DIMENSIONS
from .claims import claims
from .common import ClaimRow, _bare, _claim_sources, _claims_sources

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
    nxg = g.nx
    rows = []
    for cell in CELLS:
        dim = next(d for d in DIMENSIONS if cell.startswith(d))
        members = sorted(u for u, _, k in nxg.in_edges("cell:" + cell, keys=True) if k == "in_category"
                         and nxg.nodes[u]["claim_kind"] == "Benefit")
        direct, pooled = _claims_sources(nxg, members)
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
