"""One error family: the library raises these, only the CLI turns them into messages and exit codes."""

from __future__ import annotations

import errno as _errno
from pathlib import Path

__all__ = [
    "AmbiguousError",
    "FileAccessError",
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
    "file_error",
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


class FileAccessError(PartnergraphError, OSError):
    """A file or folder cannot be read or written: its permissions, a read-only or full disk, a directory where
    a file belongs. Still an ``OSError`` (code that tolerates a failed write, such as the cache, keeps doing so)."""

    def __init__(self, message: str, hint: str | None = None, errno: int | None = None):
        PartnergraphError.__init__(self, message, hint)
        self.errno = errno


_REASONS = {
    _errno.EACCES: "permission denied", _errno.EPERM: "permission denied", _errno.EROFS: "read-only file system",
    _errno.ENOSPC: "no space left on the disk", _errno.EDQUOT: "disk quota exceeded",
    _errno.EISDIR: "is a directory, not a file", _errno.ENOTDIR: "is not a directory",
    _errno.ENOENT: "no such file or directory", _errno.EFBIG: "file too large",
}


def file_error(exc: OSError, path: str | Path, action: str = "read") -> FileAccessError:
    """An ``OSError`` met while reading or writing ``path`` as one line naming the path, with what to do."""
    code = exc.errno
    reason = _REASONS.get(code, (exc.strerror or str(exc)).lower()) if code is not None else str(exc)
    folder = Path(path).absolute().parent if action == "write" else Path(path).absolute()
    hints = {
        _errno.EACCES: f"check the permissions of {folder}: you need to be able to {action} there",
        _errno.EPERM: f"check the permissions of {folder}: you need to be able to {action} there",
        _errno.EROFS: "write somewhere writable (give -o FILE, or copy the data and give --data DIR)",
        _errno.ENOSPC: "free some disk space and run the command again (nothing was changed)",
        _errno.EDQUOT: "free some disk space and run the command again (nothing was changed)",
        _errno.EISDIR: f"{path} must be a file: move the directory away or name another file",
        _errno.ENOTDIR: "check the path",
        _errno.ENOENT: "check the path",
    }
    hint = hints.get(code, "check the path and the disk") if code is not None else "check the path and the disk"
    return FileAccessError(f"{path}: cannot {action}: {reason}", hint=hint, errno=code)
