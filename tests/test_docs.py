"""Docs are tested: every command has help and is shown in the README or docs/; docstring examples run."""

from __future__ import annotations

import doctest
import importlib
import pkgutil
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

import partnergraph
from partnergraph.cli import main

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))


def all_commands(group: click.Group, prefix: tuple[str, ...] = ()):
    for name, cmd in sorted(group.commands.items()):
        yield (*prefix, name), cmd
        if isinstance(cmd, click.Group):
            yield from all_commands(cmd, (*prefix, name))


COMMANDS = list(all_commands(main))


@pytest.mark.parametrize("path, cmd", COMMANDS, ids=[" ".join(p) for p, _ in COMMANDS])
def test_every_command_has_help_and_is_documented(path, cmd):
    r = CliRunner().invoke(main, [*path, "--help"])
    assert r.exit_code == 0
    assert (cmd.help or "").strip(), f"'{' '.join(path)}' has no help text"
    text = "\n".join(p.read_text(encoding="utf-8") for p in DOCS if p.exists())
    assert f"partnergraph {' '.join(path)}" in text, f"'partnergraph {' '.join(path)}' is not in the docs"


MODULES = sorted(m.name for m in pkgutil.walk_packages(partnergraph.__path__, "partnergraph.")
                 if not m.name.endswith("__main__"))


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0
