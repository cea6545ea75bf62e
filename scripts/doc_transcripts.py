"""Run the console blocks of README.md and docs/*.md as tests/test_doc_examples.py does, and say which commands no
longer print what their page shows; with --write, put what they print today in the page instead.

Usage: python scripts/doc_transcripts.py [--write] [PAGE ...]      (default: every page the tests run)

Only the output of a command that does not match is replaced: a transcript that still matches keeps its ``…``
lines and ``<…>`` spans. A python or pycon block that fails is reported, never rewritten. Check the diff before
committing it: a changed count may be a bug, not drift.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import test_doc_examples as docs  # noqa: E402  (the harness itself: one way to run a page)


def rewrite(page: Path, fixed: list[tuple[docs.Block, docs.Command]]) -> None:
    lines = page.read_text(encoding="utf-8").split("\n")
    for block, command in sorted(fixed, key=lambda bc: (bc[0].line, bc[1].output_at), reverse=True):
        indent = len(lines[block.line - 1]) - len(lines[block.line - 1].lstrip(" "))
        start = block.line - 1 + command.output_at
        end = start + len(command.expected)
        while end > start and not lines[end - 1].strip():  # keep the blank line between two commands
            end -= 1
        lines[start:end] = [" " * indent + line if line else "" for line in command.printed]
    page.write_text("\n".join(lines), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("pages", nargs="*", type=Path)
    parser.add_argument("--write", action="store_true", help="replace the outputs that differ")
    args = parser.parse_args(argv)
    pages = [p.resolve() for p in args.pages] or list(docs.PAGE_BLOCKS)
    wrong = 0
    with tempfile.TemporaryDirectory(prefix="doc-transcripts-") as tmp:
        tmp_dir = Path(tmp)
        (tmp_dir / "cli").mkdir()
        (tmp_dir / "bin").mkdir()
        with docs.forked_cli(tmp_dir / "cli") as sock:
            shims = docs.make_shims(tmp_dir / "bin", sock)
            for n, page in enumerate(pages):
                blocks = [b for b in docs.parse_blocks(page) if b.server is None]
                work_parent = tmp_dir / f"page{n}"
                work_parent.mkdir()
                fixed = []
                for block, command, problem in docs.run_page(blocks, docs.prepare(work_parent), shims):
                    wrong += 1
                    print(problem, end="\n\n")
                    if command is not None:
                        fixed.append((block, command))
                if args.write and fixed:
                    rewrite(page, fixed)
                    print(f"rewrote {len(fixed)} transcript(s) in {page}", file=sys.stderr)
    print(f"{wrong} example(s) differ", file=sys.stderr)
    return 1 if wrong and not args.write else 0


if __name__ == "__main__":
    sys.exit(main())
