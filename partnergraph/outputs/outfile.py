"""Writing an output file (a map, a page, a chart, an export): atomically, readable as the user's umask allows.

>>> import tempfile, os
>>> p = write_file(os.path.join(tempfile.mkdtemp(), "x.txt"), b"hello")
>>> p.read_bytes()
b'hello'
"""

from __future__ import annotations

import os
from pathlib import Path

from ..files.atomic import write_atomic_bytes

__all__ = ["write_file"]


def write_file(path: str | Path, data: bytes) -> Path:
    """Write an output file atomically (temp file + rename), readable as the user's umask allows (the temp
    file alone would leave it private, mode 0600)."""
    path = Path(path)
    write_atomic_bytes(path, data)
    mask = os.umask(0)
    os.umask(mask)
    os.chmod(path, 0o666 & ~mask)
    return path
