"""partnergraph: an evidence knowledge graph of the literature on partnership working in health and social care.

>>> import partnergraph as pg
>>> g = pg.load()
>>> isinstance(g, pg.EvidenceGraph)
True
"""

from .api import EvidenceGraph, load
from .core.errors import (
    AmbiguousError,
    ClaimSyntaxError,
    DataDirError,
    EncodingError,
    IntegrityError,
    PartnergraphError,
    QueryError,
    SourceParseError,
    StoreError,
    UnknownKeyError,
)

__version__ = "0.1.0"

__all__ = [
    "AmbiguousError",
    "ClaimSyntaxError",
    "DataDirError",
    "EncodingError",
    "EvidenceGraph",
    "IntegrityError",
    "PartnergraphError",
    "QueryError",
    "SourceParseError",
    "StoreError",
    "UnknownKeyError",
    "__version__",
    "load",
]
