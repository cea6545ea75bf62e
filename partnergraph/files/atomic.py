"""Safe writes to disk: atomic replacement of one file, the librarian's locked two-file commit with its journal,
and the cache folder.

How writes stay safe (DESIGN §6, §7):

* **Atomic.** Each new file is written to a temporary file next to it, fsync'd, then renamed over the old
  one. When both data files change, a small journal names the prepared files before the first rename; a crash
  between the two renames is rolled forward by the next write (old or new, never torn, never half-renamed).
* **Locked.** Writers take an exclusive lock with `filelock <https://py-filelock.readthedocs.io>`_ (tox-dev's
  cross-platform lock, used by pip and virtualenv): on Linux and macOS its descriptor lock on the data directory
  itself (``flock``; no lock file, released by the kernel when a writer dies), on Windows a ``FileLock`` on
  ``.partnergraph.lock`` in the data directory (an empty file, harmless when left behind). A second writer waits
  (``lock_timeout`` seconds) and then fails with a clear message.
* **Modes kept.** A replaced file keeps its permission bits and (where the process may set them) its owner and
  group; a new file gets the ordinary mode the umask allows.

May import: ``partnergraph.core`` (and filelock, lazily), :mod:`.answers` (the cache folder).

>>> JOURNAL
'.partnergraph-journal'
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
import tempfile
import time
from pathlib import Path

from ..core.errors import LockError, file_error
from .answers import cache_dir

__all__ = [
    "JOURNAL",
    "NEW_SUFFIX",
    "cache_dir",
    "commit",
    "keep_mode",
    "locked",
    "recover",
    "write_atomic_bytes",
]

JOURNAL = ".partnergraph-journal"
LOCK_FILE = ".partnergraph.lock"  # only where a directory cannot be locked itself (Windows)


NEW_SUFFIX = ".partnergraph-new"


# ---------------------------------------------------------------- lock, journal, atomic commit
def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _pause(name: str) -> None:
    """Test hook: ``PARTNERGRAPH_TEST_PAUSE_<NAME>=SECONDS`` sleeps at that point of a commit (crash tests)."""
    value = os.environ.get("PARTNERGRAPH_TEST_PAUSE_" + name)
    if value:
        time.sleep(float(value))


@contextlib.contextmanager
def locked(path: str | Path, timeout: float = 30.0):
    """Hold an exclusive lock on data directory ``path`` (see the module's notes).

    Waits up to ``timeout`` seconds for another writer, then raises :class:`LockError`."""
    import filelock

    path = Path(path)
    busy = LockError(f"{path}: another partnergraph process is writing this data directory (waited {timeout:g} s)",
                     hint="try again when it has finished (nothing was changed)")
    if not hasattr(os, "O_DIRECTORY"):  # Windows: a directory has no descriptor to lock
        lock = filelock.FileLock(str(path / LOCK_FILE), timeout=timeout)
        try:
            lock.acquire()
        except filelock.Timeout:
            raise busy from None
        except OSError as exc:
            raise LockError(f"{path}: cannot lock the data directory ({exc.strerror})") from None
        try:
            recover(path)
            yield
        finally:
            lock.release()
        return
    try:
        fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    except OSError as exc:
        raise LockError(f"{path}: cannot open the data directory to lock it ({exc.strerror})") from None
    try:
        deadline = time.monotonic() + timeout
        while not filelock.lock_descriptor(fd, blocking=False):
            if time.monotonic() >= deadline:
                raise busy from None
            time.sleep(0.05)
        recover(path)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock


def recover(path: str | Path) -> list[str]:
    """Finish or discard an interrupted commit in ``path`` (call with the lock held). Returns what it did."""
    path = Path(path)
    done: list[str] = []
    journal = path / JOURNAL
    if journal.exists():
        try:
            names = json.loads(journal.read_text(encoding="utf-8"))["files"]
        except (ValueError, KeyError, OSError):
            names = []
        for name in names:
            tmp = path / _tmp_name(name)
            if tmp.exists():
                os.replace(tmp, path / name)
                done.append(f"completed the interrupted write of {name}")
        journal.unlink(missing_ok=True)
        _fsync_dir(path)
    for tmp in path.glob(".*" + NEW_SUFFIX):
        tmp.unlink(missing_ok=True)
        done.append(f"removed the unfinished {tmp.name}")
    for tmp in path.glob(JOURNAL + ".tmp"):
        tmp.unlink(missing_ok=True)
    return done


def _tmp_name(name: str) -> str:
    """The prepared new version of data file ``name`` (hidden, next to it)."""
    return "." + name + NEW_SUFFIX


def _write_synced(path: Path, data: bytes, like: Path | None = None) -> None:
    with open(path, "wb") as fh:
        fh.write(data)
        fh.flush()
        if like is not None:
            keep_mode(fh.fileno(), like)
        os.fsync(fh.fileno())


def keep_mode(fd: int, like: Path) -> None:
    """Give the file open as ``fd`` the permission bits, owner and group of ``like`` (the file it replaces), or
    the ordinary mode the umask allows when there is none. An owner the process may not set is left as it is."""
    try:
        st = os.stat(like)
    except FileNotFoundError:
        if os.chmod in os.supports_fd:
            os.chmod(fd, 0o666 & ~_umask())
        return
    if hasattr(os, "fchown"):
        for uid, gid in ((st.st_uid, st.st_gid), (-1, st.st_gid)):
            try:
                os.fchown(fd, uid, gid)
                break
            except OSError:
                continue
    if os.chmod in os.supports_fd:  # (Windows has only a read-only flag, and no descriptor chmod)
        os.chmod(fd, stat.S_IMODE(st.st_mode))


def commit(path: Path, files: dict[str, bytes]) -> None:
    """Replace ``files`` (name → bytes) in data directory ``path`` atomically (call with the lock held)."""
    if not files:
        return
    try:
        for name, data in files.items():
            _write_synced(path / _tmp_name(name), data, like=path / name)
    except OSError as exc:  # nothing renamed yet: the data files are as they were
        for name in files:
            with contextlib.suppress(OSError):
                (path / _tmp_name(name)).unlink(missing_ok=True)
        raise file_error(exc, path / next(iter(files)), "write") from None
    if len(files) > 1:
        _write_synced(path / (JOURNAL + ".tmp"), json.dumps({"files": sorted(files)}).encode())
        os.replace(path / (JOURNAL + ".tmp"), path / JOURNAL)
    _fsync_dir(path)
    _pause("BEFORE_RENAME")
    for i, name in enumerate(sorted(files)):
        if i:
            _pause("BETWEEN_RENAMES")
        os.replace(path / _tmp_name(name), path / name)
    _fsync_dir(path)
    if len(files) > 1:
        (path / JOURNAL).unlink(missing_ok=True)
        _fsync_dir(path)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_atomic_bytes(path: Path, data: bytes, *, durable: bool | None = None) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder, fsync'd, then renamed.

    ``durable=False`` skips the fsync; by default it is skipped only inside :func:`cache_dir` (a cache entry
    damaged by a crash is rebuilt, never trusted; at 100k sources the fsync of the cache costs a second).
    """
    if durable is None:
        durable = not _inside(path, cache_dir())
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix="." + path.name + ".", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise file_error(exc, path, "write") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            keep_mode(fh.fileno(), path)  # as the file it replaces, or an ordinary file (not mkstemp's 0600)
            if durable:
                os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException as exc:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        if isinstance(exc, OSError) and not isinstance(exc, FileNotFoundError):
            raise file_error(exc, path, "write") from None
        raise


def _inside(path: Path, folder: Path) -> bool:
    try:
        return Path(path).resolve().is_relative_to(Path(folder).resolve())
    except OSError:
        return False
