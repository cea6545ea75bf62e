"""The librarian's work on ``data/``: importing entries (:mod:`.bibimport`, :mod:`.add`), finding duplicates
(:mod:`.dedupe`), read-only checks and the worklist (:mod:`.bibcheck`), renaming and merging keys
(:mod:`.keys`), evidence links and claims (:mod:`.links`); what every write shares is in :mod:`.edit`.
The writes are the only code that changes the data files.

May import: ``partnergraph.questions`` and everything below it (not ``partnergraph.outputs``).

>>> from partnergraph import librarian
>>> librarian.QUOTE_LIMIT
500
"""

from .add import add_entries
from .bibcheck import DuplicateRow, LintFinding, TodoRow, duplicates, isbn_ok, issn_ok, lint, todo
from .edit import AddRow, ChangeRow, Plan
from .keys import merge, rename_key
from .links import QUOTE_LIMIT, add_claim, link, unlink

__all__ = [
    "QUOTE_LIMIT",
    "AddRow",
    "ChangeRow",
    "DuplicateRow",
    "LintFinding",
    "Plan",
    "TodoRow",
    "add_claim",
    "add_entries",
    "duplicates",
    "isbn_ok",
    "issn_ok",
    "link",
    "lint",
    "merge",
    "rename_key",
    "todo",
    "unlink",
]
