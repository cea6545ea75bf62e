"""partnergraph: an evidence knowledge graph of the literature on partnership working in health and social care.

>>> import partnergraph as pg
>>> g = pg.load()
>>> isinstance(g, pg.EvidenceGraph)
True

``load`` and ``EvidenceGraph`` are imported when first used, so that a command answered from the answer cache
(``python -m partnergraph``, :mod:`partnergraph.files.answers`) imports nothing that loads the graph; a type
checker reads them from ``__init__.pyi``.
"""

import importlib

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

_FROM_API = ("EvidenceGraph", "load")


def __getattr__(name: str):
    if name in _FROM_API:
        value = getattr(importlib.import_module(".api", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
