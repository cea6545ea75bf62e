"""Every question and the rows they return, in one place: ``__all__`` lists the questions, each of which is also
a method of :class:`partnergraph.api.EvidenceGraph` (a test checks both ways). A new question family adds its
functions here and a method there.

May import: the ``partnergraph.questions`` modules.

>>> "gaps" in __all__ and all(callable(globals()[name]) for name in __all__)
True
"""

from __future__ import annotations

from .claims import (
    CocitedRow,
    EvidenceRow,
    RelatedRow,
    SourceClaimRow,
    StatRow,
    barriers,
    benefits,
    claims,
    cocited,
    drivers,
    evidence,
    factors,
    related,
    source_claims,
    stats,
)
from .common import ClaimRow, resolve_claim, resolve_source
from .debates import (
    Challenger,
    ContestedRow,
    DebateRow,
    DebateSide,
    Position,
    RelationRow,
    contested,
    debates,
    relations,
)
from .gaps import GapCell, gaps, single_source, undirected
from .resolve import Resolution, resolve, resolve_theme
from .search import SearchRow, search
from .sparql import sparql
from .strength import StrengthRow, strength, strength_rule
from .themes import (
    ThemeClaimRow,
    ThemeEvidenceRow,
    ThemeGapRow,
    ThemeRow,
    ThemeSourceRow,
    ThemeStrengthRow,
    theme,
    theme_evidence,
    theme_gaps,
    theme_sources,
    theme_strength,
    theme_strength_rule,
    themes,
)

#: the questions (each also a method of :class:`partnergraph.api.EvidenceGraph`)
__all__ = [
    "barriers",
    "benefits",
    "claims",
    "cocited",
    "contested",
    "debates",
    "drivers",
    "evidence",
    "factors",
    "gaps",
    "related",
    "relations",
    "resolve",
    "resolve_claim",
    "resolve_source",
    "resolve_theme",
    "search",
    "single_source",
    "source_claims",
    "sparql",
    "stats",
    "strength",
    "strength_rule",
    "theme",
    "theme_evidence",
    "theme_gaps",
    "theme_sources",
    "theme_strength",
    "theme_strength_rule",
    "themes",
    "undirected",
]
#: the rows the questions return (frozen dataclasses)
ROWS = (Challenger, ClaimRow, CocitedRow, ContestedRow, DebateRow, DebateSide, EvidenceRow, GapCell, Position,
        RelatedRow, RelationRow, Resolution, SearchRow, SourceClaimRow, StatRow, StrengthRow, ThemeClaimRow,
        ThemeEvidenceRow, ThemeGapRow, ThemeRow, ThemeSourceRow, ThemeStrengthRow)
