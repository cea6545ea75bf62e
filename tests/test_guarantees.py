"""docs/guarantees.md names, for every promise, the test that proves it: every named test exists, and every
promise names one."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "guarantees.md"
NAMED = re.compile(r"`(tests/[\w/]+\.py)::(\w+)`")


def test_every_named_test_exists():
    named = NAMED.findall(DOC.read_text(encoding="utf-8"))
    assert len(named) >= 20
    missing = [f"{f}::{t}" for f, t in named
               if not (ROOT / f).exists() or not re.search(rf"^def {t}\(", (ROOT / f).read_text(encoding="utf-8"),
                                                            re.M)]
    assert missing == []


def test_every_promise_names_a_test():
    text = DOC.read_text(encoding="utf-8")
    promises = re.split(r"\n(?=- )", text.split("\n## ", 1)[1])
    bullets = [p for p in promises if p.startswith("- ")]
    assert len(bullets) >= 10
    assert [b[:60] for b in bullets if not NAMED.search(b)] == []


def test_the_readme_points_to_the_guarantees():
    assert "docs/guarantees.md" in (ROOT / "README.md").read_text(encoding="utf-8")
