"""Shared fixtures: a private cache per test session, the bundled data, and small data directories."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"

#: a one-theme framework for the tiny data directory (claim:trust coded to theme:confidence, alt label "trust")
TINY_THEMES = """@prefix pg: <https://w3id.org/partnergraph/ns#> .
@prefix claim: <https://w3id.org/partnergraph/id/claim/> .
@prefix theme: <https://w3id.org/partnergraph/id/theme/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .

theme:mine a skos:ConceptScheme ; rdfs:label "my framework" ; pg:assertedBy pg:Curators .
theme:group-people a skos:Concept, pg:ThemeGroup ; skos:prefLabel "People"@en ;
    skos:scopeNote "How the people in partner organisations get on."@en ;
    skos:inScheme theme:mine ; skos:topConceptOf theme:mine .
theme:confidence a skos:Concept, pg:Theme ; skos:prefLabel "Confidence in each other"@en ;
    skos:altLabel "trust"@en ; skos:scopeNote "Whether partners can rely on one another's word."@en ;
    skos:broader theme:group-people ; skos:inScheme theme:mine .
claim:trust pg:theme theme:confidence .
"""

MUST_RUN = {"seeds": "PARTNERGRAPH_SEEDS", "browser": "PARTNERGRAPH_REQUIRE_BROWSER",
            "server": "PARTNERGRAPH_REQUIRE_SERVERS"}


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """In CI (the variables set by .ci/run) a seeds, browser or server test that skips is a failure: a missing
    Oxigraph or Virtuoso fails the shared-store tests when PARTNERGRAPH_REQUIRE_SERVERS is set."""
    outcome = yield
    report = outcome.get_result()
    if report.skipped and not hasattr(report, "wasxfail"):
        for mark, env in MUST_RUN.items():
            if item.get_closest_marker(mark) and os.environ.get(env):
                report.outcome = "failed"
                report.longrepr = f"{mark} test skipped although {env} is set: {report.longrepr}"


@pytest.fixture(autouse=True, scope="session")
def _private_cache(tmp_path_factory):
    """Never touch the user's cache: every test session gets its own."""
    old = os.environ.get("PARTNERGRAPH_CACHE")
    os.environ["PARTNERGRAPH_CACHE"] = str(tmp_path_factory.mktemp("cache"))
    yield
    if old is None:
        os.environ.pop("PARTNERGRAPH_CACHE", None)
    else:
        os.environ["PARTNERGRAPH_CACHE"] = old


@pytest.fixture(scope="session")
def sparql_servers(tmp_path_factory):
    """Start a real SPARQL server of a kind on first use (``get("oxigraph")`` / ``get("virtuoso")``), one per test
    session, each in its own directory on free loopback ports; all stopped at the end (see tests/servers.py)."""
    from servers import STARTERS, ServerUnavailable

    started: dict = {}

    def get(kind: str):
        if kind not in started:
            for _attempt in range(3):  # a free port taken meanwhile (by another test worker): start again
                try:
                    started[kind] = STARTERS[kind](tmp_path_factory.mktemp(kind))
                    break
                except ServerUnavailable as exc:
                    started[kind] = exc
                    break
                except RuntimeError as exc:  # remembered after the last attempt: not retried by later tests
                    started[kind] = exc
        got = started[kind]
        if isinstance(got, ServerUnavailable):
            pytest.skip(str(got))
        if isinstance(got, Exception):
            pytest.fail(f"{kind} did not start: {got}")
        return got

    yield get
    for s in started.values():
        if not isinstance(s, Exception):
            s.stop()


@pytest.fixture(params=["oxigraph", "virtuoso"])
def sparql_server(request, sparql_servers):
    """A real SPARQL server (Oxigraph, then Virtuoso) holding no partnergraph graph."""
    server = sparql_servers(request.param)
    server.wipe()
    return server


@pytest.fixture(scope="session")
def bundled():
    """The bundled corpus, loaded once."""
    import partnergraph as pg

    return pg.load(DATA)


@pytest.fixture(scope="session")
def seed_raw(bundled) -> dict[str, str]:
    """Seed key → the seed's raw text (skipped without ``PARTNERGRAPH_SEEDS``)."""
    from seedtexts import read_seeds

    return read_seeds(bundled)


@pytest.fixture(scope="session")
def seeds(seed_raw) -> dict[str, str]:
    """Seed key → folded text, for every source that is a seed document."""
    from seedtexts import fold

    return {k: fold(v) for k, v in seed_raw.items()}


@pytest.fixture
def data_copy(tmp_path) -> Path:
    """A writable copy of the bundled data directory."""
    dest = tmp_path / "data"
    shutil.copytree(DATA, dest)
    return dest


def _notebooks_script():
    """scripts/notebooks.py as a module (it runs and tidies the notebooks; the tests use the same code)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("notebooks_script", ROOT / "scripts" / "notebooks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def execute_notebook(path: Path, cwd: Path | None = None):
    """Run a notebook top to bottom in a fresh ``python3`` kernel started in an empty temporary folder (not the
    repository, not notebooks/: the notebooks must find the bundled data through the package), tidied as
    scripts/notebooks.py writes it."""
    return _notebooks_script().execute(path, cwd)


def assert_notebook_current(path: Path, executed) -> None:
    """The outputs committed in ``path`` are those of a fresh run, up to what legitimately varies (temporary
    folder names, memory addresses, timings, a PNG's bytes: scripts/notebooks.py ``VARIES`` and ``comparable``)."""
    import nbformat

    script = _notebooks_script()
    committed = nbformat.read(path, as_version=4)
    assert [c.source for c in committed.cells] == [c.source for c in executed.cells]
    assert script.comparable(committed) == script.comparable(executed), (
        f"{path.name}: the committed outputs are stale; run python scripts/notebooks.py")
    raw = json.loads(path.read_text(encoding="utf-8"))
    code = [c for c in raw["cells"] if c["cell_type"] == "code"]
    assert [c["execution_count"] for c in code] == list(range(1, len(code) + 1))
    assert not any("execution" in c["metadata"] for c in raw["cells"]), "execution timings are not committed"
    assert raw["metadata"]["language_info"] == {"name": "python"} and raw["metadata"]["kernelspec"]["name"] == "python3"


def notebook_problems(nb) -> list[str]:
    """Errors and anything written to stderr (warnings included) by a run."""
    found = []
    for cell in nb.cells:
        for o in cell.get("outputs", []):
            if o["output_type"] == "error":
                found.append(f"{o['ename']}: {o['evalue']}")
            elif o["output_type"] == "stream" and o["name"] == "stderr":
                found.append(o["text"])
    return found


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file's bytes under ``folder`` (to assert that nothing changed)."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


TINY_BIB = """@book{gray1989,
  author = {Gray, Barbara},
  title = {Collaborating: Finding Common Ground for Multiparty Problems},
  publisher = {Jossey-Bass},
  year = {1989},
  status = {complete}
}

@techreport{auditcommission1998,
  author = {{Audit Commission}},
  title = {A Fruitful Partnership: Effective Partnership Working},
  institution = {Audit Commission},
  year = {1998},
  status = {complete}
}

@article{review2004,
  author = {Wildridge, Valerie and Childs, Sue},
  title = {How to create successful partnerships---a review of the literature},
  status = {incomplete},
  missing = {journal, year}
}
"""

TINY_TTL = """@prefix pg: <https://w3id.org/partnergraph/ns#> .
@prefix source: <https://w3id.org/partnergraph/id/source/> .
@prefix claim: <https://w3id.org/partnergraph/id/claim/> .
@prefix evidence: <https://w3id.org/partnergraph/id/evidence/> .
@prefix pool: <https://w3id.org/partnergraph/id/pool/> .
@prefix set: <https://w3id.org/partnergraph/id/set/> .
@prefix cito: <http://purl.org/spar/cito/> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix oa: <http://www.w3.org/ns/oa#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .

claim:shared-resources a pg:Benefit ;
    rdfs:label "Shared resources" ;
    pg:qualityCategory pg:EconomyInput ;
    prov:wasDerivedFrom source:review2004 .

claim:trust a pg:CriticalSuccessFactor ;
    rdfs:label "Develop and maintain trust" ;
    prov:wasDerivedFrom source:review2004 .

evidence:e1 a pg:EvidenceLink ;
    pg:aboutClaim claim:trust ;
    cito:hasCitingEntity source:review2004 ;
    cito:hasCitedEntity source:gray1989 ;
    pg:stance pg:Supports ;
    pg:attribution pg:Direct ;
    pg:locator "p.11" ;
    pg:quote [ a oa:SpecificResource ; oa:hasSource source:review2004 ;
               oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact "trust is essential" ] ] .

pool:p1 a pg:PooledEvidenceBase ;
    rdfs:label "Sources of the benefits table" ;
    dcterms:source source:review2004 ;
    prov:hadMember source:gray1989, source:auditcommission1998 .

evidence:e2 a pg:EvidenceLink ;
    pg:aboutClaim claim:shared-resources ;
    cito:hasCitingEntity source:review2004 ;
    cito:hasCitedEntity pool:p1 ;
    pg:stance pg:Supports ;
    pg:attribution pg:Pooled .

set:factors a pg:ClaimSet ;
    rdfs:label "Factors" ;
    skos:member claim:trust .
"""


@pytest.fixture
def tiny(tmp_path) -> Path:
    """A tiny valid data directory: 3 sources, 2 claims, one direct and one pooled link."""
    d = tmp_path / "tiny"
    d.mkdir()
    (d / "sources.bib").write_text(TINY_BIB, encoding="utf-8")
    (d / "claims.ttl").write_text(TINY_TTL, encoding="utf-8")
    return d
