"""The ``partnergraph`` command line: thin — it parses options, calls the API and formats the output.

The click group :data:`main`, with every command registered on it, is :mod:`.app` (the group and the shared
options are in :mod:`.common`; the commands for each kind of user live in :mod:`.research` (with :mod:`.themes`),
:mod:`.review`, :mod:`.library` and :mod:`.store`). It is imported here when first used (``from partnergraph.cli
import main``), so that :mod:`.quick` — the listing questions answered from the claim index, without click — can
be imported by ``python -m partnergraph`` on its own.

May import: everything (the CLI is the top stage).
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = ["Progress", "main"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        value = getattr(importlib.import_module(".app", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
