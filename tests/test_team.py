"""A team on one graph, for real: the same commands on the files, on an Oxigraph server and on Virtuoso (Debian's
7.2, with its packaged limits), push and pull as two colleagues use them, and what is left when a push breaks.

Everything is driven through the CLI (``partnergraph …`` as a user types it; subprocesses where two colleagues
act at once), and what the server holds is read back with plain SPARQL requests (tests/servers.py), not through
partnergraph. The bundled corpus is pushed once per server (``bundled_on``) for what needs its size (answers
past Virtuoso's 10,000-row cap, the same answers as the files, the round trip of the real data); the tests of
versions, locks, failures and odd data push a small corpus (three sources, two claims, a theme framework), so
that each costs seconds.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import DATA, ROOT, TINY_BIB, TINY_THEMES, TINY_TTL
from servers import PGID, FaultyProxy, pythonpath_env

from partnergraph.cli import main

pytestmark = pytest.mark.server

GRAPH = PGID + "graph/"
DATA_GRAPHS = (GRAPH + "sources", GRAPH + "claims", GRAPH + "ontology", GRAPH + "themes")
PG = "https://w3id.org/partnergraph/ns#"

BENEFITS_IN_CELL = """
SELECT ?claim ?label ?source WHERE {
  ?claim a pg:Benefit ; rdfs:label ?label ; pg:qualityCategory pg:EfficiencyOutput .
  ?e pg:aboutClaim ?claim ; cito:hasCitedEntity ?source .
} ORDER BY ?claim ?source"""


# ---------------------------------------------------------------- helpers
def cli(*args, env=None):
    return CliRunner().invoke(main, [str(a) for a in args], env=env, catch_exceptions=False)


def ok(result):
    assert result.exit_code == 0, f"exit {result.exit_code}\nstdout: {result.stdout}\nstderr: {result.stderr}"
    return result


def refused(result, shown_url: str | None = None, *words: str):
    """Exit 1 with one ``Error:`` line (naming ``shown_url``), perhaps a ``Hint:`` line, and no traceback."""
    text = result.stdout + result.stderr
    assert result.exit_code == 1, f"exit {result.exit_code}\nstdout: {result.stdout}\nstderr: {result.stderr}"
    assert "Traceback" not in text
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1, result.stderr
    other = [line for line in result.stderr.splitlines() if line and not line.startswith(("Error:", "Hint:"))]
    assert not other, f"more than the error and its hint: {result.stderr}"
    if shown_url:
        assert shown_url in errors[0], errors[0]
    for w in words:
        assert re.search(w, errors[0], re.I), f"{w!r} not in {errors[0]!r}"
    return errors[0]


# the tiny framework, with a header comment (pull must keep it) and its own scheme
SMALL_THEMES = "# A small theme framework: the curators' reading of the two claims.\n\n" + TINY_THEMES.replace(
    "theme:mine", "theme:framework").replace('"my framework"', '"a small framework"')
SMALL_SOURCE = "review2004"  # a source of the small corpus, for the claims colleagues add


def copy_data(tmp_path: Path, name: str) -> Path:
    """A copy of the bundled corpus (for what needs its size)."""
    dest = tmp_path / name
    shutil.copytree(DATA, dest)
    return dest


def copy_small(tmp_path: Path, name: str) -> Path:
    """A small valid corpus with a theme framework: every graph a push writes, in a push that takes a second."""
    dest = tmp_path / name
    dest.mkdir(parents=True)
    (dest / "sources.bib").write_text(TINY_BIB, encoding="utf-8")
    (dest / "claims.ttl").write_text(TINY_TTL, encoding="utf-8")
    (dest / "themes.ttl").write_text(SMALL_THEMES, encoding="utf-8")
    return dest


def add_claim(folder: Path, ident: str, label: str, source: str = SMALL_SOURCE) -> None:
    """A colleague's edit: one more Finding at the end of claims.ttl (valid; pull writes it back sorted)."""
    with (folder / "claims.ttl").open("a", encoding="utf-8") as f:
        f.write(f'\nclaim:{ident} a pg:Finding ;\n    rdfs:label "{label}" ;\n'
                f"    prov:wasDerivedFrom source:{source} .\n")


def data_files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())
            if p.is_file() and p.suffix in (".bib", ".ttl")}


def server_has_claim(server, ident: str) -> bool:
    return server.ask(f"ASK {{ GRAPH <{GRAPH}claims> {{ <{PGID}claim/{ident}> ?p ?o }} }}")


def isomorphic_or_diff(a: Path, b: Path) -> str:
    """'' when the two Turtle files hold the same graph (RDFC-1.0 canonical forms equal: rdflib's isomorphism
    test takes half an hour on claims.ttl's 2,000 blank nodes); else what is only on each side (a few triples)."""
    import pyoxigraph as ox

    def canonical(path):
        ds = ox.Dataset(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))
        ds.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
        return {str(q) for q in ds}

    ca, cb = canonical(a), canonical(b)
    if ca == cb:
        return ""
    only_a, only_b = sorted(ca - cb), sorted(cb - ca)
    lines = [f"only in {a.name}: {t}" for t in only_a[:8]] + [f"only in {b.name}: {t}" for t in only_b[:8]]
    return f"{len(only_a)} triples only in {a}, {len(only_b)} only in {b}\n" + "\n".join(lines)


def bib_entries(path: Path) -> dict:
    """Every entry of a BibTeX file, field by field, with the file's macros and comments."""
    import bibtexparser

    lib = bibtexparser.parse_string(path.read_text(encoding="utf-8"))
    assert not lib.failed_blocks, [b.error for b in lib.failed_blocks]
    entries = {e.key: (e.entry_type, {f.key: f.value for f in e.fields}) for e in lib.entries}
    strings = {s.key: s.value for s in lib.strings}
    comments = [c.comment for c in lib.comments]
    return {"entries": entries, "strings": strings, "comments": comments}


def push(folder, server, *extra, env=None):
    return cli("push", "--data", folder, "--store", server.url, "--format", "json", *extra, env=env)


def pull(folder, server, *extra, env=None):
    return cli("pull", "--data", folder, "--store", server.url, "--format", "json", *extra, env=env)


def wait_for(condition, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.05)


def run_cli_process(*args, env_extra=None, timeout=240) -> subprocess.Popen:
    env = pythonpath_env(ROOT, **(env_extra or {}))
    return subprocess.Popen([sys.executable, "-m", "partnergraph", *map(str, args)], env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


# ---------------------------------------------------------------- 1. protocol fit: the same answers everywhere
# Through the CLI, on each server: the commands that read the whole graph (each reads the store again: a few,
# since the graph itself is compared below) and SPARQL of every form, which runs on the server.
SAME_ANSWERS = {
    "stats": ["stats"],
    "strength": ["strength"],
    "themes": ["themes"],
    "sparql-select": ["sparql", BENEFITS_IN_CELL],
    "sparql-graphs": ["sparql", "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"],
    "sparql-needs-ontology": ["sparql", "SELECT ?kind (COUNT(?c) AS ?n) WHERE { ?c a ?kind . "
                                        "?kind rdfs:subClassOf pg:Claim } GROUP BY ?kind ORDER BY ?kind"],
    "sparql-optional": ["sparql", "SELECT ?s ?year WHERE { ?s pg:bibtexKey ?k . OPTIONAL { ?s dcterms:issued ?year } }"
                                  " ORDER BY ?s"],
    "sparql-not-exists": ["sparql", "SELECT ?c WHERE { ?c a pg:Benefit FILTER NOT EXISTS { ?e pg:aboutClaim ?c ; "
                                    "pg:attribution pg:Direct } } ORDER BY ?c"],
    "sparql-themes": ["sparql", "SELECT ?theme (COUNT(?c) AS ?n) WHERE { ?c pg:theme ?theme } GROUP BY ?theme "
                                "ORDER BY ?theme"],
    "sparql-ask-true": ["sparql", "ASK { ?c a pg:Benefit }"],
    "sparql-ask-false": ["sparql", "ASK { ?c a pg:NoSuchClass }"],
    "sparql-construct": ["sparql", "CONSTRUCT { ?c a pg:Benefit ; pg:qualityCategory ?cell } "
                                   "WHERE { ?c a pg:Benefit ; pg:qualityCategory ?cell }"],
    "sparql-names": ["sparql", "SELECT ?key ?name WHERE { ?s pg:bibtexKey ?key ; dcterms:creator ?a . "
                               "?a foaf:name ?name } ORDER BY ?key ?name"],
}
_files_answers: dict[str, object] = {}


def files_answer(name):
    if name not in _files_answers:
        r = cli(*SAME_ANSWERS[name], "--data", DATA, "--format", "json")
        _files_answers[name] = (r.exit_code, r.stdout)
    return _files_answers[name]


@pytest.fixture(scope="module")
def bundled_on(sparql_servers, tmp_path_factory):
    """``bundled_on(kind)``: that server holding the bundled corpus (pushed again only when a test changed it)."""
    pushed: dict[str, dict] = {}

    def get(kind):
        server = sparql_servers(kind)
        if pushed.get(kind) != server.graphs():
            server.wipe()
            ok(push(copy_data(tmp_path_factory.mktemp("bundled"), "data"), server))
            pushed[kind] = server.graphs()
        return server

    return get


@pytest.fixture(scope="module")
def local_graph():
    import partnergraph as pg

    return pg.load(DATA)


def _no_arg_questions():
    import inspect

    from partnergraph.questions import catalog

    for name in catalog.__all__:
        params = list(inspect.signature(getattr(catalog, name)).parameters.values())[1:]
        if all(p.default is not inspect.Parameter.empty or p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
               for p in params):
            yield name


@pytest.mark.parametrize("kind", ["oxigraph", "virtuoso"])
def test_the_graph_read_from_the_store_is_the_graph_of_the_files(bundled_on, local_graph, kind):
    """Every node and edge with its attributes, and so every question of the catalogue, as from the files."""
    import partnergraph as pg

    server = bundled_on(kind)
    remote = pg.load(store=server.url)
    assert remote.endpoint == server.url
    assert dict(remote.nx.nodes(data=True)) == dict(local_graph.nx.nodes(data=True))
    assert sorted(remote.nx.edges(keys=True, data=True), key=repr) == sorted(
        local_graph.nx.edges(keys=True, data=True), key=repr)
    assert any(d["kind"] == "theme" for _, d in remote.nx.nodes(data=True))
    questions = list(_no_arg_questions())
    assert len(questions) > 5
    differ = [q for q in questions if getattr(remote, q)() != getattr(local_graph, q)()]
    assert not differ, differ


@pytest.mark.parametrize("kind", ["oxigraph", "virtuoso"])
def test_same_answers_as_the_files(bundled_on, kind):
    server = bundled_on(kind)
    wrong = []
    for name, args in SAME_ANSWERS.items():
        code, want = files_answer(name)
        assert want not in ("", "[]\n"), f"{name}: the command should find something in the bundled data"
        got = cli(*args, "--store", server.url, "--format", "json")
        out = got.stdout
        if name == "sparql-construct":  # N-Triples: the order of the lines means nothing
            out, want = sorted(out.splitlines()), sorted(want.splitlines())
        if (got.exit_code, out) != (code, want):
            wrong.append(f"{name}: exit {got.exit_code} {got.stderr[:300]}")
    assert not wrong, wrong


@pytest.mark.parametrize("kind", ["oxigraph", "virtuoso"])
def test_a_large_answer_is_whole_or_refused_never_cut(bundled_on, kind):
    """14,696 claim triples: more than Virtuoso's packaged ResultSetMaxRows (10,000)."""
    server = bundled_on(kind)
    q = "SELECT ?s ?p ?o WHERE { GRAPH <" + GRAPH + "claims> { ?s ?p ?o } }"
    want = json.loads(ok(cli("sparql", q, "--data", DATA, "--format", "json")).stdout)
    assert len(want) > 10000
    got = cli("sparql", q, "--store", server.url, "--format", "json")
    if got.exit_code == 0:
        assert len(json.loads(got.stdout)) == len(want)
    else:
        refused(got, server.shown, "10000|limit|cut|rows")


@pytest.mark.parametrize("kind", ["oxigraph", "virtuoso"])
def test_every_request_method_reads_the_same(bundled_on, kind, monkeypatch):
    """Queries go as a form POST by default; GET works on both servers; a direct POST where the server takes it."""
    server = bundled_on(kind)
    _, want = files_answer("stats")
    methods = ["get"] + (["direct"] if kind == "oxigraph" else [])  # form: test_same_answers_as_the_files
    for method in methods:
        got = cli("stats", "--store", server.url, "--format", "json", env={"PARTNERGRAPH_STORE_METHOD": method})
        assert (got.exit_code, got.stdout) == (0, want), (method, got.stderr)


def test_virtuoso_direct_post_is_bounded_not_a_hang(sparql_servers):
    """Virtuoso 7.2 never answers a query sent as a direct POST: asked for it anyway, the timeout ends it."""
    server = sparql_servers("virtuoso")
    t0 = time.monotonic()
    got = cli("sparql", "ASK {}", "--store", server.url, env={"PARTNERGRAPH_STORE_METHOD": "direct",
                                                              "PARTNERGRAPH_STORE_TIMEOUT": "2"})
    assert time.monotonic() - t0 < 30
    refused(got, server.shown, "within 2 s")


# ---------------------------------------------------------------- 3. lossless round trip
@pytest.mark.parametrize("kind", ["oxigraph", "virtuoso"])
def test_push_then_pull_into_an_empty_folder_gives_the_same_files(bundled_on, kind, tmp_path):
    server = bundled_on(kind)  # the bundled corpus, pushed
    here, fresh = DATA, tmp_path / "fresh"
    rows = json.loads(ok(pull(fresh, server)).stdout)
    assert [(Path(r["file"]).name, r["action"]) for r in rows] == [
        ("claims.ttl", "written"), ("sources.bib", "written"), ("themes.ttl", "written")]
    assert bib_entries(fresh / "sources.bib") == bib_entries(here / "sources.bib")
    assert (fresh / "sources.bib").read_bytes() == (here / "sources.bib").read_bytes()
    for name in ("claims.ttl", "themes.ttl"):
        assert isomorphic_or_diff(here / name, fresh / name) == ""
        assert (fresh / name).read_bytes() == (here / name).read_bytes()
    # what the round trip must not change: every strength rating (19 differed when evidence types were lost)
    assert cli("strength", "--data", fresh, "--format", "json").stdout == cli(
        "strength", "--data", here, "--format", "json").stdout
    report = json.loads(ok(cli("validate", "--data", fresh, "--no-shacl", "--format", "json")).stdout)
    assert not [f for f in report if f["severity"] == "error"]


HOSTILE_BIB = r"""
@string{hsc = {Health and Social Care in the Community}}

@comment{A comment block, kept as written: { braces } and 100% of it.}

@article{namescheck2024,
  author       = {{World Health Organization} and M{\"u}ller, J{\"o}rg},
  editor       = {Smith, Jane and O'Brien, Seán},
  title        = {Whose names a store shows},
  journal      = {Journal of Integrated Care},
  year         = {2024},
  status       = {complete}
}

@article{roundtrip2024,
  author       = {M{\"u}ller, J{\"o}rg and {World Health Organization} and others},
  editor       = {Smith, Jane and O'Brien, Seán},
  title        = {Braces {DNA}, \emph{emphasis}, 100\% of \LaTeX{} and “quotes” — 😀},
  journal      = hsc # { (online)},
  year         = {2024},
  month        = mar,
  pages        = {12--34},
  evidencetype = {qualitative case study},
  keywords     = {trust; pooled budgets},
  x-zotero-key = {ABCD1234},
  abstract     = {ABSTRACT},
  status       = {complete}
}
""".replace("ABSTRACT", "A long abstract with a line\nbreak and tabs\t. " * 400)

HOSTILE_TTL = """
claim:roundtrip-a a pg:Finding ;
    rdfs:label "Quote \\"x\\", back\\\\slash, emoji 😀, accents é ø, a tab\\tand a line\\nbreak" ;
    rdfs:comment "Commentaire"@fr, "Colour"@en-GB ;
    rdfs:seeAlso [ rdfs:label "nested" ; rdfs:seeAlso [ rdfs:label "deeper" ] ] ;
    pg:where "Table 2" ;
    prov:wasDerivedFrom source:roundtrip2024 .

claim:roundtrip-b a pg:Argument ;
    rdfs:label "An argument" ;
    rdfs:seeAlso ( claim:roundtrip-a claim:roundtrip-b "third" ) ;
    prov:wasDerivedFrom source:roundtrip2024 .
"""


def test_a_round_trip_keeps_odd_but_valid_data(sparql_server, tmp_path):
    """Macros, comments, fields partnergraph does not map, LaTeX, non-BMP text, an 18 KB field (the file's text is
    stored in parts), blank nodes two deep, an RDF list and language tags all come back: sources.bib byte for
    byte, claims.ttl as the same graph."""
    here = copy_small(tmp_path, "here")
    with (here / "sources.bib").open("a", encoding="utf-8") as f:
        f.write(HOSTILE_BIB)
    with (here / "claims.ttl").open("a", encoding="utf-8") as f:
        f.write(HOSTILE_TTL)
    ok(cli("stats", "--data", here, "--format", "json"))  # the data is valid as it stands
    ok(push(here, sparql_server))
    fresh = tmp_path / "fresh"
    ok(pull(fresh, sparql_server))
    assert (fresh / "sources.bib").read_bytes() == (here / "sources.bib").read_bytes()
    assert isomorphic_or_diff(here / "claims.ttl", fresh / "claims.ttl") == ""


def test_a_change_the_store_would_make_is_refused_before_anything_is_replaced(sparql_server, tmp_path):
    """Both servers rewrite "01"^^xsd:integer as "1": the push reads back what the server holds, sees that the
    graph would change, and leaves the previous data in place."""
    here = copy_small(tmp_path, "here")
    ok(push(here, sparql_server))
    before = sparql_server.graphs()
    with (here / "claims.ttl").open("a", encoding="utf-8") as f:
        f.write('\nclaim:numbered a pg:Finding ;\n    rdfs:label "Numbered" ;\n'
                '    pg:position "01"^^<http://www.w3.org/2001/XMLSchema#integer> ;\n'
                "    prov:wasDerivedFrom source:review2004 .\n")
    refused(push(here, sparql_server), sparql_server.shown, "01")
    assert sparql_server.graphs() == before
    assert not server_has_claim(sparql_server, "numbered")


def test_names_of_authors_editors_publishers_and_journals_are_on_the_server(sparql_server, tmp_path):
    """A user of the server sees who wrote, edited and published a work and where it appeared (foaf:name)."""
    here = copy_small(tmp_path, "here")
    with (here / "sources.bib").open("a", encoding="utf-8") as f:
        f.write(HOSTILE_BIB)
    ok(push(here, sparql_server))
    src = f"<{PGID}source/namescheck2024>"
    names = {}
    for role, path in (("author", "dcterms:creator"), ("editor", "bibo:editor"), ("journal", "dcterms:isPartOf")):
        rows = sparql_server.select(
            "PREFIX dcterms: <http://purl.org/dc/terms/> PREFIX bibo: <http://purl.org/ontology/bibo/> "
            "PREFIX foaf: <http://xmlns.com/foaf/0.1/> "
            f"SELECT ?name FROM <{GRAPH}sources> WHERE {{ {src} {path} ?x . ?x foaf:name ?name }} ORDER BY ?name")
        names[role] = [r["name"] for r in rows]
    assert "World Health Organization" in names["author"] and any("Müller" in n for n in names["author"])
    assert any("Smith" in n for n in names["editor"]) and any("O'Brien" in n for n in names["editor"])
    assert names["journal"] == ["Journal of Integrated Care"]
    rows = sparql_server.select(
        "PREFIX dcterms: <http://purl.org/dc/terms/> PREFIX foaf: <http://xmlns.com/foaf/0.1/> "
        f"SELECT ?name FROM <{GRAPH}sources> WHERE {{ <{PGID}source/gray1989> dcterms:publisher ?p . "
        "?p foaf:name ?name }")
    assert [r["name"] for r in rows] == ["Jossey-Bass"]


# ---------------------------------------------------------------- 4. discoverable data
def _doc_sparql_blocks() -> list[str]:
    text = (ROOT / "docs" / "teams.md").read_text(encoding="utf-8")
    return re.findall(r"```sparql\n(.*?)```", text, re.S)


@pytest.mark.parametrize("kind", ["oxigraph", "virtuoso"])
def test_a_generic_client_finds_the_data_as_the_docs_say(bundled_on, kind):
    """docs/teams.md shows how any SPARQL client finds the data: the named graphs listed on the server, and a
    query over their union; run as a plain client sends them (no partnergraph, no protocol extras)."""
    server = bundled_on(kind)
    blocks = _doc_sparql_blocks()
    listing = [b for b in blocks if f"<{GRAPH}version>" in b]
    union = [b for b in blocks if all(f"FROM <{g}>" in b for g in DATA_GRAPHS)]
    assert listing and union, "docs/teams.md should show the graph listing and a query over the union"
    for q in listing:
        rows = server.select(q)
        named = {v for r in rows for v in r.values()}
        assert set(DATA_GRAPHS) <= named, rows
    for q in union:
        got = server.select(q)
        want = json.loads(ok(cli("sparql", q, "--data", DATA, "--format", "json")).stdout)
        assert got and [{k: str(v) for k, v in r.items() if v is not None} for r in want] == got


def test_the_store_records_its_version_in_its_own_graph(sparql_server, tmp_path):
    here = copy_small(tmp_path, "here")
    ok(push(here, sparql_server))
    graphs = sparql_server.graphs()
    assert GRAPH + "version" in graphs
    first = sparql_server.select(f"SELECT ?p ?o WHERE {{ GRAPH <{GRAPH}version> {{ ?s ?p ?o }} }}")
    add_claim(here, "team-version-check", "Version check")
    ok(push(here, sparql_server))
    second = sparql_server.select(f"SELECT ?p ?o WHERE {{ GRAPH <{GRAPH}version> {{ ?s ?p ?o }} }}")
    assert first != second
    assert any("modified" in r["p"] or "created" in r["p"] for r in second)


# ---------------------------------------------------------------- 2. no lost update
def test_a_stale_push_is_refused_and_force_overwrites_knowingly(sparql_server, tmp_path):
    origin = copy_small(tmp_path, "origin")
    ok(push(origin, sparql_server))
    alice, bob = tmp_path / "alice", tmp_path / "bob"
    ok(pull(alice, sparql_server))
    ok(pull(bob, sparql_server))
    add_claim(bob, "team-bob", "Bob's finding")
    ok(push(bob, sparql_server))
    add_claim(alice, "team-alice", "Alice's finding")
    alice_before = data_files(alice)
    refused(push(alice, sparql_server), sparql_server.shown, "changed|since")
    assert server_has_claim(sparql_server, "team-bob") and not server_has_claim(sparql_server, "team-alice")
    assert data_files(alice) == alice_before
    # pull --dry-run shows what Bob changed and writes nothing
    dry = ok(pull(alice, sparql_server, "--dry-run"))
    assert "Bob's finding" in dry.stdout and "Alice's finding" in dry.stdout
    assert data_files(alice) == alice_before
    # pull refuses to overwrite Alice's own unpushed change
    refused(pull(alice, sparql_server), sparql_server.shown, "changed|not on the store|local")
    assert data_files(alice) == alice_before
    # and --force overwrites Bob's change, knowingly
    ok(push(alice, sparql_server, "--force"))
    assert server_has_claim(sparql_server, "team-alice") and not server_has_claim(sparql_server, "team-bob")


def test_a_copy_that_never_pulled_does_not_overwrite_a_store(sparql_server, tmp_path):
    ok(push(copy_small(tmp_path, "first"), sparql_server))
    other = copy_small(tmp_path, "other")
    add_claim(other, "team-other", "Other")
    refused(push(other, sparql_server), sparql_server.shown)
    assert not server_has_claim(sparql_server, "team-other")


def test_pushing_what_the_store_holds_changes_nothing(sparql_server, tmp_path):
    here = copy_small(tmp_path, "here")
    ok(push(here, sparql_server))
    version = sparql_server.select(f"SELECT ?p ?o WHERE {{ GRAPH <{GRAPH}version> {{ ?s ?p ?o }} }} ORDER BY ?p ?o")
    ok(push(here, sparql_server))
    ok(pull(here, sparql_server))
    assert sparql_server.select(
        f"SELECT ?p ?o WHERE {{ GRAPH <{GRAPH}version> {{ ?s ?p ?o }} }} ORDER BY ?p ?o") == version
    assert data_files(here) == data_files(copy_small(tmp_path, "original"))


@pytest.mark.parametrize("pushers", [2, 3])
def test_concurrent_pushes_one_wins_the_others_are_refused_nothing_is_lost(sparql_server, tmp_path, pushers):
    origin = copy_small(tmp_path, "origin")
    ok(push(origin, sparql_server))
    copies = []
    for i in range(pushers):
        c = tmp_path / f"colleague{i}"
        ok(pull(c, sparql_server))
        add_claim(c, f"team-concurrent-{i}", f"Concurrent finding {i}")
        copies.append(c)
    before = [data_files(c) for c in copies]
    # every push reads the store's version, then all go on at once (each waits at that point for a signal)
    gates = [tmp_path / f"gate{i}" for i in range(pushers)]
    for g in gates:
        g.mkdir()
    procs = [run_cli_process("push", "--data", c, "--store", sparql_server.url, "--format", "json",
                             env_extra={"PARTNERGRAPH_TEST_PAUSE_PUSH_CHECKED": str(g)})
             for c, g in zip(copies, gates, strict=True)]
    wait_for(lambda: all((g / "reached").exists() or p.poll() is not None for g, p in zip(gates, procs,
                                                                                          strict=True)))
    for g in gates:
        (g / "go").touch()
    outs = [p.communicate(timeout=300) for p in procs]
    codes = [p.returncode for p in procs]
    assert sorted(codes) == [0] + [1] * (pushers - 1), list(zip(codes, outs, strict=True))
    for (_, err), code in zip(outs, codes, strict=True):
        assert "Traceback" not in err
        if code == 1:
            assert err.startswith("Error:") and sparql_server.shown in err.splitlines()[0], err
    winner = codes.index(0)
    # the store holds the winner's data, whole; every loser still has its own change in its files
    for i in range(pushers):
        assert server_has_claim(sparql_server, f"team-concurrent-{i}") == (i == winner)
        assert data_files(copies[i]) == before[i]
    fresh = tmp_path / "fresh"
    ok(pull(fresh, sparql_server))
    assert isomorphic_or_diff(copies[winner] / "claims.ttl", fresh / "claims.ttl") == ""


def test_a_push_that_paused_after_checking_is_refused_when_another_landed(sparql_server, tmp_path):
    """The lost update at its narrowest: Alice checks the store's version, Bob's whole push lands, Alice goes on."""
    origin = copy_small(tmp_path, "origin")
    ok(push(origin, sparql_server))
    alice, bob = tmp_path / "alice", tmp_path / "bob"
    ok(pull(alice, sparql_server))
    ok(pull(bob, sparql_server))
    add_claim(alice, "team-slow-alice", "Slow Alice")
    add_claim(bob, "team-quick-bob", "Quick Bob")
    gate = tmp_path / "gate"
    gate.mkdir()
    slow = run_cli_process("push", "--data", alice, "--store", sparql_server.url,
                           env_extra={"PARTNERGRAPH_TEST_PAUSE_PUSH_CHECKED": str(gate)})
    wait_for(lambda: (gate / "reached").exists() or slow.poll() is not None)
    assert slow.poll() is None, slow.communicate()
    ok(push(bob, sparql_server))
    (gate / "go").touch()
    _, s_err = slow.communicate(timeout=300)
    assert slow.returncode == 1 and s_err.startswith("Error:") and "another push landed" in s_err, s_err
    assert server_has_claim(sparql_server, "team-quick-bob") and not server_has_claim(sparql_server,
                                                                                       "team-slow-alice")
    assert "Slow Alice" in (alice / "claims.ttl").read_text(encoding="utf-8")


# ---------------------------------------------------------------- 2. all or nothing
@pytest.fixture
def proxied(sparql_server):
    proxy = FaultyProxy(sparql_server.shown)
    yield sparql_server, proxy
    proxy.close()


def _is_staging_claims_write(method, path, body):
    return method in ("PUT", "POST") and "staging" in (path + body) and "claims" in (path + body)


def _is_switch(method, path, body):
    return method == "POST" and f"<{GRAPH}claims>" in body and "DELETE" in body.upper()


@pytest.mark.parametrize("rule, what", [
    pytest.param(_is_staging_claims_write, "fail", id="claims-upload-fails"),
    pytest.param(_is_switch, "fail", id="switch-fails"),
])
def test_a_failed_push_leaves_the_previous_data_whole_and_says_so(proxied, tmp_path, rule, what):
    server, proxy = proxied
    store = proxy.url_for(server.url)
    origin = copy_small(tmp_path, "origin")
    ok(cli("push", "--data", origin, "--store", store))
    before = server.graphs()
    stats_before = ok(cli("stats", "--store", server.url, "--format", "json")).stdout
    add_claim(origin, "team-half", "Half-done")
    proxy.arm(lambda m, p, b: what if rule(m, p, b) else None)
    res = cli("push", "--data", origin, "--store", store)
    err = refused(res, None, "not changed|unchanged|previous|nothing")
    assert any(a == what for _, _, a in proxy.log), "the rule never fired: the test tests nothing"
    assert "injected" in err or "503" in err
    # the store holds the previous version, whole (no staging left): every reader works, pull gives the old files
    assert not server_has_claim(server, "team-half")
    assert server.graphs() == before
    assert ok(cli("stats", "--store", server.url, "--format", "json")).stdout == stats_before
    fresh = tmp_path / "fresh"
    ok(pull(fresh, server))
    assert isomorphic_or_diff(copy_small(tmp_path, "original") / "claims.ttl", fresh / "claims.ttl") == ""
    report = json.loads(ok(cli("validate", "--data", fresh, "--no-shacl", "--format", "json")).stdout)
    assert not [f for f in report if f["severity"] == "error"]
    # and the same copy pushes normally once the server is reachable again (the same store by another URL)
    ok(push(origin, server))
    assert server_has_claim(server, "team-half")


def test_a_push_whose_answer_is_lost_finds_out_by_reading_back(proxied, tmp_path):
    """The switch reaches the server but its answer never comes back: the push reads what the server holds."""
    server, proxy = proxied
    origin = copy_small(tmp_path, "origin")
    ok(push(origin, server))  # pushed by one URL; the proxy is another URL of the same store
    add_claim(origin, "team-lost-answer", "Lost answer")
    proxy.arm(lambda m, p, b: "hangup" if _is_switch(m, p, b) else None)
    res = cli("push", "--data", origin, "--store", proxy.url_for(server.url), "--format", "json")
    assert any(a == "hangup" for _, _, a in proxy.log), "the rule never fired: the test tests nothing"
    ok(res)
    assert server_has_claim(server, "team-lost-answer")
    add_claim(origin, "team-after-lost-answer", "After")
    ok(push(origin, server))  # the copy knows it is up to date: no --force needed


def test_readers_never_see_a_half_switched_store(sparql_server, tmp_path):
    """While pushes alternate between two versions, every read gives one of them whole."""
    a = copy_small(tmp_path, "a")
    ok(push(a, sparql_server))
    stats_a = ok(cli("stats", "--store", sparql_server.url, "--format", "json")).stdout
    b = tmp_path / "b"
    ok(pull(b, sparql_server))
    with (b / "claims.ttl").open("a", encoding="utf-8") as f:
        for i in range(200):
            f.write(f'\nclaim:team-bulk-{i} a pg:Finding ;\n    rdfs:label "Bulk {i}" ;\n'
                    "    prov:wasDerivedFrom source:review2004 .\n")
    stats_b = ok(cli("stats", "--data", b, "--format", "json")).stdout
    writer = run_cli_process("push", "--data", b, "--store", sparql_server.url)
    seen = set()
    while writer.poll() is None:
        r = cli("stats", "--store", sparql_server.url, "--format", "json")
        if r.exit_code == 0:
            seen.add(r.stdout)
    writer.communicate(timeout=300)
    assert writer.returncode == 0
    seen.add(ok(cli("stats", "--store", sparql_server.url, "--format", "json")).stdout)
    assert seen <= {stats_a, stats_b} and stats_b in seen


def test_virtuoso_refuses_a_wrong_password_in_one_line(sparql_servers, tmp_path):
    server = sparql_servers("virtuoso")
    server.wipe()
    here = copy_small(tmp_path, "here")
    ok(push(here, server))
    add_claim(here, "team-wrong-password", "Wrong password")
    wrong = server.url.replace(server.extra["password"], "not-the-password")
    for res in (cli("push", "--data", here, "--store", wrong),
                cli("stats", "--store", wrong.replace("/sparql", "/sparql-auth"))):
        line = refused(res, None, "401|credentials|refused")
        assert "not-the-password" not in res.stdout + res.stderr and "dba:" not in res.stdout + res.stderr
        assert server.extra["password"] not in res.stdout + res.stderr
        assert "127.0.0.1" in line
    assert not server_has_claim(server, "team-wrong-password")


# ---------------------------------------------------------------- progress on a terminal
class _Recorder:
    """A ``progress`` that records each bar: its total and what it was advanced by."""

    def __init__(self):
        self.bars: list[list[int]] = []

    def __call__(self, total):
        import contextlib

        bar = [total]
        self.bars.append(bar)
        return contextlib.nullcontext(bar.append)


def test_push_and_pull_tell_a_progress_bar_every_triple_they_move(sparql_servers, tmp_path):
    from partnergraph.graph.loader import push as api_push
    from partnergraph.store.pull import pull as api_pull

    server = sparql_servers("oxigraph")
    server.wipe()
    here = copy_small(tmp_path, "here")
    reading, sending = _Recorder(), _Recorder()
    api_push(here, server.url, progress=reading, sending=sending)
    written = sum(server.graphs().values()) - server.graphs().get(GRAPH + "lock", 0)
    assert reading.bars == [] and len(sending.bars) == 1  # an empty store: nothing to read, everything written
    assert sending.bars[0][0] == sum(sending.bars[0][1:]) == written
    add_claim(here, "team-progress", "Progress")
    reading, sending = _Recorder(), _Recorder()
    api_push(here, server.url, progress=reading, sending=sending)
    (total, *steps), = reading.bars
    assert 0 < total == sum(steps) < written  # only the graphs that changed are read again
    (total, *steps), = sending.bars
    assert 0 < total == sum(steps) < written
    reading = _Recorder()
    api_pull(server.url, tmp_path / "fresh", progress=reading)
    (total, *steps), = reading.bars
    assert total == sum(steps) == sum(n for g, n in server.graphs().items() if not g.endswith("/version"))


def test_the_progress_bar_is_drawn_on_a_terminal_only_and_for_a_few_hundred_entries():
    import io

    from partnergraph.cli.library import PROGRESS_MIN
    from partnergraph.cli.store import TRIPLES_PER_ENTRY, triples_bar

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    big = PROGRESS_MIN * TRIPLES_PER_ENTRY
    for stream, total, drawn in ((Terminal(), big, True), (Terminal(), big - 1, False), (io.StringIO(), big, False)):
        with triples_bar("Reading the store", stream)(total) as advance:
            advance(total // 2)
            advance(total - total // 2)
        text = stream.getvalue()
        assert ("Reading the store" in text and f"{total}/{total}" in text) == drawn, (total, text)
        assert drawn or text == ""
