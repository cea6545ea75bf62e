"""Print what the transcripts of docs/teams.md print today, run as tests/test_team_docs.py runs them (real
Oxigraph and Virtuoso servers on loopback), or write it into the docs: for when the data or the output changes.

    python scripts/team_transcripts.py            # print every transcript block, in order
    python scripts/team_transcripts.py --write    # put today's output into docs/teams.md (times, versions → ...)
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from servers import STARTERS  # noqa: E402
from test_team_docs import DATA, DOC, MARK, SETUP, run_block  # noqa: E402

VARIES = [(re.compile(r"\d{8}T\d{6}Z-[0-9a-f]{12}"), "..."),          # a version id
          (re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"), "...")]     # a time stamp


def elide(line: str) -> str:
    for pattern, mark in VARIES:
        line = pattern.sub(mark, line)
    return line


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--write", action="store_true", help="write the output into docs/teams.md")
    args = ap.parse_args()
    text = DOC.read_text(encoding="utf-8")
    work = Path(tempfile.mkdtemp(prefix="pg-transcripts-"))
    started: dict = {}
    new_blocks = []
    try:
        for n, m in enumerate(MARK.finditer(text)):
            kind, block = m.group(1), m.group(2)
            if kind not in started:
                started[kind] = STARTERS[kind](work / kind)
            server = started[kind]
            server.wipe()
            folder = work / f"block{n}"
            folder.mkdir()
            shutil.copytree(DATA, folder / "data")
            (folder / "data" / ".partnergraph-store").unlink(missing_ok=True)
            out = []
            for cmd, expected, actual in run_block(kind, block, server, folder):
                out.append(f"$ {cmd}")
                out.extend(expected if SETUP.match(cmd) else [elide(x) for x in actual])
            new_blocks.append((m.start(2), m.end(2), "\n".join(out) + "\n"))
            if not args.write:
                print(f"======== {kind} transcript at docs/teams.md line {text[:m.start()].count(chr(10)) + 1}")
                print("\n".join(out))
    finally:
        for s in started.values():
            s.stop()
        shutil.rmtree(work, ignore_errors=True)
    if args.write:
        for start, end, body in reversed(new_blocks):
            text = text[:start] + body + text[end:]
        DOC.write_text(text, encoding="utf-8")
        print(f"wrote {len(new_blocks)} transcripts into {DOC}")


if __name__ == "__main__":
    main()
