"""One error family: the library raises these, only the CLI turns them into messages and exit codes."""

from __future__ import annotations

from pathlib import Path

__all__ = [
    "AmbiguousError",
    "ClaimSyntaxError",
    "DataDirError",
    "EncodingError",
    "IntegrityError",
    "LocatedError",
    "LockError",
    "PartnergraphError",
    "QueryError",
    "SourceParseError",
    "StoreError",
    "UnknownKeyError",
    "where",
]


class PartnergraphError(Exception):
    """Base of every expected partnergraph error.

    ``message`` says what is wrong (naming the file and line where there is one); ``hint`` says what to do.
    """

    exit_code = 1

    def __init__(self, message: str, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message


def where(path: str | Path | None, line: int | None = None, column: int | None = None) -> str:
    """Format a location as ``file:line:column`` (1-based), leaving out what is unknown."""
    if path is None:
        return ""
    text = str(path)
    if line is not None:
        text += f":{line}"
        if column is not None:
            text += f":{column}"
    return text


class LocatedError(PartnergraphError):
    """An error at a place in a file (1-based line and column); ``iri`` and ``rule`` say what breaks which rule
    of the data when the place is still to be found."""

    iri: str | None = None
    rule: str = ""

    def __init__(self, path, line=None, message="", hint=None, column=None):
        self.path, self.line, self.column = path, line, column
        loc = where(path, line, column)
        super().__init__(f"{loc}: {message}" if loc else message, hint)


class DataDirError(PartnergraphError):
    """The data directory or one of its files is missing or unreadable."""


class SourceParseError(LocatedError):
    """data/sources.bib (or an imported bibliography) cannot be read."""


class ClaimSyntaxError(LocatedError):
    """data/claims.ttl is not valid Turtle."""


class EncodingError(LocatedError):
    """A data file is not valid UTF-8."""


class UnknownKeyError(LocatedError):
    """A claim, source, pool or set named by the user or the data does not exist."""


class AmbiguousError(PartnergraphError):
    """Words given for a claim or source match more than one."""


class IntegrityError(LocatedError):
    """The data breaks a rule that spans files or a SHACL shape."""


class StoreError(PartnergraphError):
    """A SPARQL endpoint is down, slow or answered with an error."""


class QueryError(PartnergraphError):
    """A SPARQL query is malformed."""


class LockError(PartnergraphError):
    """Another partnergraph process is writing the data directory."""
