"""The data directory: ``sources.bib``, ``claims.ttl`` and the theme framework (``themes.ttl``, or the file given with
``--themes``; none at all is fine) read once as bytes and text, the bundled vocabulary (``ontology.ttl``,
``shapes.ttl``, ``themes-shapes.ttl``), and the cache key of what is parsed from them.

May import: ``partnergraph.core`` and the other ``partnergraph.files`` modules.
"""

from __future__ import annotations

import errno
import functools
import hashlib
import os
import time
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from ..core.errors import DataDirError, EncodingError, file_error
from . import answers
from .atomic import JOURNAL, _pause, locked

__all__ = [
    "CACHE_FORMAT",
    "CACHE_SHAPERS",
    "CLAIMS_FILE",
    "NO_THEMES",
    "SOURCES_FILE",
    "THEMES_FILE",
    "DataDir",
    "bundled_data_dir",
    "default_data_dir",
    "is_installed_copy",
    "ontology_text",
    "read_text",
    "shapes_text",
    "shapes_texts",
    "themes_shapes_text",
]


def read_text(path: Path) -> str:
    """Read a data file as UTF-8, or raise an :class:`EncodingError` naming the line of the first bad byte."""
    data = path.read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise EncodingError(path, line, f"invalid UTF-8 (byte 0x{data[exc.start]:02x})",
                            hint="save the file as UTF-8") from None


SOURCES_FILE = "sources.bib"


CLAIMS_FILE = "claims.ttl"


THEMES_FILE = "themes.ttl"
#: ``--themes none``: load no theme framework even if the data directory has a ``themes.ttl``
NO_THEMES = "none"


CACHE_FORMAT = "6"
#: the files (relative to the package) whose code shapes what the cache holds: a change to any invalidates it
CACHE_SHAPERS = ("core/namespaces.py", "core/text.py", "files/bibtex.py", "files/datadir.py", "store/bibrdf.py",
                 "store/embedded.py", "store/rules.py", "graph/build.py", "graph/synthesis.py", "graph/themes.py",
                 "graph/loader.py", "questions/common.py", "questions/index.py",
                 "questions/themerows.py", "ontology.ttl")


def default_data_dir() -> Path:
    """The data a command reads when not told: ``./data`` when the working folder has one, else the bundled
    corpus (the checkout's ``data/``, or the copy an installed package carries in ``partnergraph/_data``)."""
    here = Path("data")  # as the user knows it: messages name data/sources.bib, not an absolute path
    if (here / SOURCES_FILE).is_file():
        return here
    answers.note_absent(here / SOURCES_FILE)
    return bundled_data_dir()


def bundled_data_dir() -> Path:
    """The bundled corpus: the checkout's ``data/`` beside the package, or the installed package's copy."""
    checkout = Path(__file__).resolve().parents[2] / "data"
    if (checkout / SOURCES_FILE).is_file():
        return checkout
    return Path(__file__).resolve().parents[1] / "_data"


def is_installed_copy(path: str | Path) -> bool:
    """Whether ``path`` is the corpus inside an installed package (not a folder a librarian should write)."""
    try:
        return Path(path).resolve() == (Path(__file__).resolve().parents[1] / "_data").resolve()
    except OSError:
        return False


def ontology_text() -> str:
    return resources.files("partnergraph").joinpath("ontology.ttl").read_text(encoding="utf-8")


def shapes_text() -> str:
    return resources.files("partnergraph").joinpath("shapes.ttl").read_text(encoding="utf-8")


def shapes_texts() -> list[str]:
    """Every SHACL shapes file of the package (``shapes.ttl`` and any other ``*shapes.ttl`` beside it)."""
    root = resources.files("partnergraph")
    names = sorted(f.name for f in root.iterdir() if f.name.endswith("shapes.ttl"))
    return [root.joinpath(n).read_text(encoding="utf-8") for n in names]


def themes_shapes_text() -> str:
    """The SHACL shapes of a theme framework (``partnergraph/themes-shapes.ttl``, one of :func:`shapes_texts`)."""
    return resources.files("partnergraph").joinpath("themes-shapes.ttl").read_text(encoding="utf-8")


@dataclass(slots=True)
class DataDir:
    """The files of one data directory, read once (bytes and text), with their content hash.

    ``themes_path`` is the theme framework loaded with the data: the directory's ``themes.ttl`` when there is one,
    the file given as ``themes``, or ``None`` (no framework: every command still works, without themes).
    """

    path: Path
    sources_path: Path
    claims_path: Path
    sources_bytes: bytes = field(repr=False)
    claims_bytes: bytes = field(repr=False)
    themes_path: Path | None = None
    themes_bytes: bytes = field(default=b"", repr=False)

    @classmethod
    def open(cls, path: str | Path | None, themes: str | Path | None = None) -> DataDir:
        """Open a data directory (default: the bundled one). ``themes``: a theme framework file to use instead of
        the directory's ``themes.ttl``, or ``"none"`` for no framework."""
        p = Path(path) if path is not None else default_data_dir()
        if not p.exists():
            raise DataDirError(f"{p}: data directory does not exist",
                               hint="give --data DIR with sources.bib and claims.ttl")
        if not p.is_dir():
            raise DataDirError(f"{p}: not a directory", hint="give --data DIR with sources.bib and claims.ttl")
        sp, cp = p / SOURCES_FILE, p / CLAIMS_FILE
        try:
            os.listdir(p)
        except OSError as exc:
            raise file_error(exc, p) from None
        for f in (sp, cp):
            if not f.exists():
                raise DataDirError(f"{f}: missing", hint=f"a data directory holds {SOURCES_FILE} and {CLAIMS_FILE}")
            if f.is_dir():
                raise file_error(IsADirectoryError(errno.EISDIR, "Is a directory"), f)
        try:
            sources, claims = _read_one_commit(p, sp, cp)
        except OSError as exc:
            raise file_error(exc, exc.filename or p) from None
        tp = _themes_path(p, themes)
        try:
            tb = tp.read_bytes() if tp else b""
        except OSError as exc:
            raise file_error(exc, tp or p) from None
        answers.note_read(sp, sources)
        answers.note_read(cp, claims)
        if tp is not None:
            answers.note_read(tp, tb)
        return cls(p, sp, cp, sources, claims, tp, tb)

    def digest(self) -> str:
        """Cache key: the data files' bytes plus the code and vocabulary that shape what is cached."""
        h = hashlib.sha256()
        themes = b"T" + self.themes_bytes if self.themes_path else b"-"
        for part in (CACHE_FORMAT.encode(), _code_fingerprint(), self.sources_bytes, b"\0", self.claims_bytes,
                     b"\0", themes):
            h.update(part)
        return h.hexdigest()[:32]

    def sources_text(self) -> str:
        text = read_text(self.sources_path) if _bad_utf8(self.sources_bytes) else self.sources_bytes.decode()
        return text.removeprefix("\ufeff")  # a byte order mark is no part of the text

    def claims_text(self) -> str:
        text = read_text(self.claims_path) if _bad_utf8(self.claims_bytes) else self.claims_bytes.decode()
        return text.removeprefix("\ufeff")

    def themes_text(self) -> str:
        """The theme framework's Turtle (``""`` when there is none)."""
        if self.themes_path is None:
            return ""
        text = read_text(self.themes_path) if _bad_utf8(self.themes_bytes) else self.themes_bytes.decode()
        return text.removeprefix("\ufeff")


def _complete_interrupted_write(p: Path) -> None:
    """A librarian's write of both files was interrupted between its renames (or is under way): taking the
    writers' lock completes it (or waits for the writer)."""
    try:
        with locked(p, 30.0):
            pass
    except OSError as exc:
        raise DataDirError(f"{p / JOURNAL}: an interrupted write to both data files could not be "
                           f"completed ({exc.strerror})",
                           hint="run the command again where the data directory is writable") from None


def _same_file(fh, path: Path) -> bool:
    a, b = os.fstat(fh.fileno()), os.stat(path)
    return (a.st_ino, a.st_dev, a.st_size, a.st_mtime_ns) == (b.st_ino, b.st_dev, b.st_size, b.st_mtime_ns)


def _read_one_commit(p: Path, sp: Path, cp: Path) -> tuple[bytes, bytes]:
    """Both data files as one commit left them, never one file of a write and the other of the one before.

    Writers replace files (never change them in place) and hold a journal while they rename two: so when, after
    opening both files, there is no journal and each name still points at the file that was opened, the two
    open files were the current pair at one moment. Otherwise read again (a write takes a moment)."""
    for attempt in range(50):
        if (p / JOURNAL).exists():
            _complete_interrupted_write(p)
        with open(sp, "rb") as fs:
            _pause("AFTER_READ_SOURCES")
            with open(cp, "rb") as fc:
                if not (p / JOURNAL).exists() and _same_file(fs, sp) and _same_file(fc, cp):
                    return fs.read(), fc.read()
        time.sleep(min(0.2, 0.01 * attempt))
    with locked(p, 30.0):  # a directory rewritten without pause: read under the writers' lock
        return sp.read_bytes(), cp.read_bytes()


def _themes_path(data: Path, themes: str | Path | None) -> Path | None:
    if themes is None:
        default = data / THEMES_FILE
        if default.is_file():
            return default
        answers.note_absent(default)
        return None
    if str(themes) == NO_THEMES:
        return None
    t = Path(themes)
    hint = f"give --themes FILE (a theme framework in Turtle, like data/{THEMES_FILE}) or --themes {NO_THEMES}"
    if not t.exists():
        raise DataDirError(f"{t}: themes file does not exist", hint=hint)
    if not t.is_file():
        raise DataDirError(f"{t}: the themes file is not a file", hint=hint)
    return t


@functools.lru_cache(maxsize=1)
def _code_fingerprint() -> bytes:
    """A hash of every module that shapes what the cache holds (the parsed bibliography, the triples, the
    networkx graph, the cache's own format) and of the vocabulary."""
    package = Path(__file__).resolve().parents[1]
    h = hashlib.sha256()
    for name in CACHE_SHAPERS:
        h.update((package / name).read_bytes())
    return h.digest()


def _bad_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
        return False
    except UnicodeDecodeError:
        return True
