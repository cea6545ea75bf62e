"""The cache folder, and the answer cache: a question asked again of unchanged data, in the same place, by the same
code, is answered with what the command printed the first time, without loading the graph (or importing the
packages that load it).

A command's answer is recorded when it is one of :data:`QUESTIONS` (commands that only read the data and print),
it exits 0 and nothing marks it as unrepeatable (an output file written, a remote store read, binary output): its
stdout and stderr in the order they were written, and every file the data directory read (with its SHA-256) or
looked for and did not find. The entry is found again by a key of everything else an answer can depend on: the
arguments, the working folder, the environment, which streams are terminals (and their width), the interpreter
and its installed packages (the modification times of the ``site-packages`` folders), and the package's own
files (every file of ``partnergraph/``, so any code change empties it). It is played only when every recorded
file still has its recorded hash (and every absent file is still absent); otherwise the command runs in full and
records again.

``PARTNERGRAPH_NO_CACHE`` turns it off, as it turns off the graph cache.

May import: the standard library only (it runs before anything else of a command: see ``partnergraph/__main__``).

>>> "benefits" in QUESTIONS and "bib" not in QUESTIONS
True
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
import os
import sys
from pathlib import Path

__all__ = ["FORMAT", "KEEP", "QUESTIONS", "cache_dir", "key", "note_absent", "note_read", "play", "recording", "taint"]

FORMAT = "1"

#: commands whose answer depends only on the data, the arguments and the environment (no clock, no randomness,
#: no network, nothing written); ``sparql`` is not one (a query may ask for NOW() or RAND())
QUESTIONS = frozenset({"benefits", "claims", "drivers", "barriers", "factors", "evidence", "relations", "gaps",
                       "single-source", "undirected", "contested", "debates", "strength", "search", "related",
                       "cocited", "stats", "themes", "theme"})

_VOLATILE_ENV = frozenset({"_", "OLDPWD", "PWD"})  # set by the shell per command; the working folder is keyed


def cache_dir() -> Path:
    """Where parsed data is cached: ``$PARTNERGRAPH_CACHE`` or the user's cache directory."""
    env = os.environ.get("PARTNERGRAPH_CACHE")
    if env:
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_cache_dir("partnergraph"))


class _Recorder:
    def __init__(self) -> None:
        self.events: list[tuple[int, str]] = []
        self.files: dict[str, str] = {}
        self.tainted = ""


_active: _Recorder | None = None


def note_read(path: str | Path, data: bytes) -> None:
    """The running command read ``data`` from ``path`` (its answer depends on it)."""
    if _active is not None:
        _active.files[os.path.abspath(path)] = hashlib.sha256(data).hexdigest()


def note_absent(path: str | Path) -> None:
    """The running command looked for the file ``path`` and did not find it (its answer depends on that too)."""
    if _active is not None:
        _active.files.setdefault(os.path.abspath(path), "")


def taint(reason: str) -> None:
    """The running command did something an answer from the cache would not repeat (wrote a file, read a remote
    store): its answer is not recorded."""
    if _active is not None and not _active.tainted:
        _active.tainted = reason


def _package_files(root: str) -> list[str]:
    out = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__" and d != "_data")
        out += [os.path.join(folder, f) for f in sorted(files) if not f.endswith((".pyc", ".pyo"))]
    return out


def _terminal(fd: int) -> str:
    try:
        if not os.isatty(fd):
            return "-"
        size = os.get_terminal_size(fd)
        return f"{size.columns}x{size.lines}"
    except OSError:
        return "?"


def key(argv: list[str]) -> str:
    """The cache key of a command line run here and now (everything but the data files it reads)."""
    h = hashlib.sha256()

    def part(text: str) -> None:
        h.update(text.encode("utf-8", "surrogateescape") + b"\0")

    for p in (FORMAT, sys.version, sys.executable, repr(sys.flags), repr(sys.warnoptions), os.getcwd(),
              *(_terminal(fd) for fd in (0, 1, 2)), str(len(argv)), *argv):
        part(p)
    for name, value in sorted(os.environ.items()):
        if name not in _VOLATILE_ENV:
            part(f"{name}={value}")
    for entry in sys.path:  # an install or upgrade changes its folder (the stdlib goes with sys.version)
        if os.path.basename(entry) in ("site-packages", "dist-packages"):
            try:
                part(f"{entry}:{os.stat(entry).st_mtime_ns}")
            except OSError:
                part(entry)
    h.update(_package_digest())
    return h.hexdigest()[:40]


_PACKAGE: list[bytes] = []


def _package_digest() -> bytes:
    """A hash of every file of the package, names and contents (once per process: the code that runs is fixed)."""
    if not _PACKAGE:
        h = hashlib.sha256()
        for path in _package_files(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))):
            h.update(path.encode("utf-8", "surrogateescape") + b"\0")
            with open(path, "rb") as fh:
                h.update(hashlib.sha256(fh.read()).digest())
        _PACKAGE.append(h.digest())
    return _PACKAGE[0]


def _entry_path(argv: list[str]) -> Path | None:
    if not argv or argv[0] not in QUESTIONS or os.environ.get("PARTNERGRAPH_NO_CACHE") is not None:
        return None
    return cache_dir() / "answers" / key(argv)


def _still_true(files: dict[str, str]) -> bool:
    for path, digest in files.items():
        try:
            with open(path, "rb") as fh:
                data = fh.read()
        except FileNotFoundError:
            if digest:
                return False
            continue
        except OSError:
            return False
        if not digest or hashlib.sha256(data).hexdigest() != digest:
            return False
    return True


def play(argv: list[str]) -> int | None:
    """Print the recorded answer to ``argv`` and return its exit status, or ``None`` (nothing recorded that is
    still true: run the command)."""
    path = _entry_path(argv)
    if path is None:
        return None
    try:
        files, events, status = marshal.loads(path.read_bytes())
    except (OSError, ValueError, EOFError, TypeError):
        return None  # no entry, or a damaged one: run the command
    if not _still_true(files):
        return None
    streams = {1: sys.stdout, 2: sys.stderr}
    try:
        for fd, text in events:
            streams[fd].write(text)
            streams[fd].flush()
    except BrokenPipeError:  # as the command does (cli.common.Group)
        sys.stderr.close()
        return 0
    return status


class _Tee:
    """A text stream that writes through to ``stream`` and records what it wrote."""

    def __init__(self, stream, fd: int, rec: _Recorder) -> None:
        self._stream, self._fd, self._rec = stream, fd, rec

    def write(self, s):
        try:
            n = self._stream.write(s)
        except TypeError:
            raise
        except BaseException:
            taint("a write failed")
            raise
        if isinstance(s, str):
            if s:
                self._rec.events.append((self._fd, s))
        elif s:
            taint("binary output")
        return n

    def writelines(self, lines) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        try:
            self._stream.flush()
        except BaseException:
            taint("a write failed")
            raise

    @property
    def buffer(self):
        taint("binary output")
        return self._stream.buffer

    def __getattr__(self, name):
        return getattr(self._stream, name)


@contextlib.contextmanager
def recording(argv: list[str]):
    """Run a command inside: when it is a question and exits 0 (``SystemExit(0)``, or returns) unmarked, its
    answer is written to the cache for :func:`play`."""
    global _active
    path = _entry_path(argv)
    if path is None or _active is not None:
        yield
        return
    rec = _Recorder()
    out, err = sys.stdout, sys.stderr
    _active, sys.stdout, sys.stderr = rec, _Tee(out, 1, rec), _Tee(err, 2, rec)
    status: object = 0
    try:
        yield
    except SystemExit as exc:
        status = 0 if exc.code is None else exc.code
        raise
    except BaseException:
        status = "an exception"
        raise
    finally:
        _active, sys.stdout, sys.stderr = None, out, err
        if status == 0:
            _store(path, rec)


#: answers kept: past this many, the least recently written are removed (most are stale after an edit anyway)
KEEP = 256


def _store(path: Path, rec: _Recorder) -> None:
    if rec.tainted or not rec.files:
        return  # nothing read from a data directory: not an answer about data files
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        tmp.write_bytes(marshal.dumps((rec.files, tuple(rec.events), 0)))
        os.replace(tmp, path)
        entries = os.listdir(path.parent)
        if len(entries) > KEEP:
            _prune(path.parent, entries)
    except OSError:
        pass  # a read-only cache only costs speed


def _prune(folder: Path, names: list[str]) -> None:
    aged = []
    for name in names:
        with contextlib.suppress(OSError):
            aged.append((os.stat(folder / name).st_mtime_ns, name))
    for _, name in sorted(aged)[: len(aged) - KEEP * 3 // 4]:
        with contextlib.suppress(OSError):
            os.unlink(folder / name)
