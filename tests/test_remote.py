"""The shared store: a real Oxigraph server on loopback answers every question as the embedded store does, and a
server that is down, failing or silent gives a StoreError naming the URL, never a traceback or a partial write."""

from __future__ import annotations

import http.server
import inspect
import shutil
import socket
import subprocess
import threading
import time
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import DATA, snapshot

pytestmark = pytest.mark.server

BENEFITS_IN_CELL = """
SELECT ?claim ?label ?source WHERE {
  ?claim a pg:Benefit ; rdfs:label ?label ; pg:qualityCategory pg:EfficiencyOutput .
  ?e pg:aboutClaim ?claim ; cito:hasCitedEntity ?source .
} ORDER BY ?claim ?source"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A fresh Oxigraph server (the ``oxigraph`` package) on a free loopback port; yields its URL."""
    exe = shutil.which("oxigraph")
    if exe is None:
        pytest.skip("the Oxigraph server is not installed (pip install oxigraph)")
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    proc = subprocess.Popen([exe, "serve", "--location", str(tmp_path_factory.mktemp("oxigraph")),
                             "--bind", f"127.0.0.1:{port}"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 20
    while True:
        try:
            urllib.request.urlopen(url + "/query?query=ASK%7B%7D", timeout=1).read()
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                raise RuntimeError(f"oxigraph did not start: {proc.stderr.read().decode(errors='replace')}")
            time.sleep(0.1)
    yield url
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture(scope="module")
def pushed(server):
    """The server holding the bundled corpus."""
    from partnergraph.graph.loader import push

    push(DATA, server)
    return server


@pytest.fixture(scope="module")
def remote(pushed):
    import partnergraph as pg

    return pg.load(store=pushed)


@pytest.fixture(scope="module")
def local():
    import partnergraph as pg

    return pg.load(DATA)


# ---------------------------------------------------------------- same answers as the embedded store
def test_push_writes_one_named_graph_per_file(server, local):
    from partnergraph.graph.loader import push
    from partnergraph.store.embedded import GRAPH_CLAIMS, GRAPH_ONTOLOGY, GRAPH_SOURCES, GRAPH_THEMES

    rows = push(DATA, server)
    expected = {g: len(list(local.rdf.quads_for_pattern(None, None, None, _named(g))))
                for g in (GRAPH_SOURCES, GRAPH_CLAIMS, GRAPH_ONTOLOGY, GRAPH_THEMES)}
    assert {r.graph: r.triples for r in rows} == expected
    assert [Path(r.file).name for r in rows] == ["sources.bib", "claims.ttl", "ontology.ttl", "themes.ttl"]


def _named(iri):
    import pyoxigraph as ox

    return ox.NamedNode(iri)


def test_push_twice_replaces_rather_than_adds(pushed, local):
    from partnergraph.graph.loader import push
    from partnergraph.store.remote import remote_query

    push(DATA, pushed)
    n = remote_query(pushed, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")[0]["n"]
    assert int(n) == len(local.rdf)


def test_remote_graph_is_the_embedded_graph(remote, local):
    assert remote.endpoint is not None
    assert dict(remote.nx.nodes(data=True)) == dict(local.nx.nodes(data=True))
    assert sorted(remote.nx.edges(keys=True, data=True), key=repr) == sorted(
        local.nx.edges(keys=True, data=True), key=repr)


def _no_arg_questions():
    from partnergraph.questions import catalog as queries

    for name in queries.__all__:
        params = list(inspect.signature(getattr(queries, name)).parameters.values())[1:]
        if all(p.default is not inspect.Parameter.empty or p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
               for p in params):
            yield name


@pytest.mark.parametrize("name", list(_no_arg_questions()))
def test_every_question_answers_the_same(remote, local, name):
    assert getattr(remote, name)() == getattr(local, name)()


@pytest.mark.parametrize("query", [
    pytest.param(BENEFITS_IN_CELL, id="select-benefits-in-cell"),
    pytest.param("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g", id="graphs"),
    pytest.param("SELECT ?kind (COUNT(?c) AS ?n) WHERE { ?c a ?kind . ?kind rdfs:subClassOf pg:Claim } "
                 "GROUP BY ?kind ORDER BY ?kind", id="claims-by-kind-needs-ontology"),
    pytest.param("SELECT ?s ?year WHERE { ?s pg:bibtexKey ?k . OPTIONAL { ?s dcterms:issued ?year } } "
                 "ORDER BY ?s", id="optional-unbound"),
    pytest.param("ASK { ?c a pg:Benefit }", id="ask-true"),
    pytest.param("ASK { ?c a pg:NoSuchClass }", id="ask-false"),
])
def test_sparql_answers_the_same(remote, local, query):
    got, want = remote.sparql(query), local.sparql(query)
    assert got == want
    if isinstance(want, list):
        assert want, "the query should find something in the bundled data"


def test_construct_answers_the_same_triples(remote, local):
    q = "CONSTRUCT { ?c a pg:Benefit ; pg:qualityCategory ?cell } WHERE { ?c a pg:Benefit ; pg:qualityCategory ?cell }"
    got, want = remote.sparql(q), local.sparql(q)
    assert want and sorted(got) == sorted(want)


def test_cli_reads_from_the_store(pushed, monkeypatch):
    from partnergraph.cli import main

    runner = CliRunner()
    home = runner.invoke(main, ["stats", "--data", str(DATA), "--format", "csv"])
    away = runner.invoke(main, ["stats", "--store", pushed, "--format", "csv"])
    monkeypatch.setenv("PARTNERGRAPH_STORE", pushed)
    env = runner.invoke(main, ["sparql", BENEFITS_IN_CELL, "--format", "json"])
    monkeypatch.delenv("PARTNERGRAPH_STORE")
    env_home = runner.invoke(main, ["sparql", BENEFITS_IN_CELL, "--format", "json", "--data", str(DATA)])
    assert home.exit_code == away.exit_code == env.exit_code == 0, away.output + env.output
    assert away.output == home.output
    assert env.output == env_home.output


def test_cli_push_and_pull(pushed, data_copy):
    from partnergraph.cli import main

    runner = CliRunner()
    before = snapshot(data_copy)
    res = runner.invoke(main, ["push", "--data", str(data_copy), "--store", pushed, "--format", "json"])
    assert res.exit_code == 0, res.output
    res = runner.invoke(main, ["pull", "--data", str(data_copy), "--store", pushed, "--format", "json"])
    assert res.exit_code == 0, res.output
    assert '"unchanged"' in res.output and '"kept"' in res.output
    assert snapshot(data_copy) == before


def test_pull_is_sorted_and_stable(pushed, data_copy):
    """Pulling what was pushed gives back claims.ttl byte for byte (it is written sorted and stable)."""
    from partnergraph.store.remote import pull

    (data_copy / "claims.ttl").write_text("# my header\n\n", encoding="utf-8")
    rows = pull(pushed, data_copy)
    assert [r.action for r in rows] == ["written", "unchanged", "kept"]  # themes.ttl too comes back byte for byte
    body = (DATA / "claims.ttl").read_text(encoding="utf-8")
    body = body[body.index("@prefix"):]
    assert (data_copy / "claims.ttl").read_text(encoding="utf-8") == "# my header\n\n" + body
    assert (data_copy / "sources.bib").read_bytes() == (DATA / "sources.bib").read_bytes()


def test_pull_into_an_empty_folder_gives_the_same_graph(pushed, tmp_path, local):
    import partnergraph as pg
    from partnergraph.store.remote import pull

    rows = pull(pushed, tmp_path / "fresh")
    assert [Path(r.file).name for r in rows] == ["claims.ttl", "themes.ttl", "sources.bib"]
    assert [r.action for r in rows] == ["written", "written", "written"]
    fresh = pg.load(tmp_path / "fresh", cache=False)
    assert fresh.stats() == local.stats()
    assert sorted(fresh.nx.edges(keys=True)) == sorted(local.nx.edges(keys=True))


def test_push_refuses_bad_data_and_sends_nothing(pushed, data_copy, local):
    from partnergraph.core.errors import ClaimSyntaxError
    from partnergraph.graph.loader import push
    from partnergraph.store.remote import remote_query

    (data_copy / "claims.ttl").write_text("claim:x a pg:Benefit", encoding="utf-8")
    with pytest.raises(ClaimSyntaxError):
        push(data_copy, pushed)
    n = remote_query(pushed, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")[0]["n"]
    assert int(n) == len(local.rdf)


def test_a_rejected_query_is_a_query_error(pushed):
    from partnergraph.core.errors import QueryError
    from partnergraph.store.remote import remote_query

    with pytest.raises(QueryError, match=pushed):
        remote_query(pushed, "SELEC ?x WHERE { }")


# ---------------------------------------------------------------- a store that is down, failing or silent
class _Failing(http.server.BaseHTTPRequestHandler):
    def _fail(self):
        body = b"storage is on fire"
        self.send_response(500)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_PUT = _fail

    def log_message(self, *args):
        pass


@pytest.fixture
def failing():
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Failing)
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    yield f"http://127.0.0.1:{srv.server_address[1]}"
    srv.shutdown()
    srv.server_close()


@pytest.fixture
def silent():
    """A socket that accepts connections and never answers."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen(8)
    yield f"http://127.0.0.1:{s.getsockname()[1]}"
    s.close()


@pytest.fixture
def closed():
    return f"http://127.0.0.1:{_free_port()}"


def _calls(url, folder):
    from partnergraph.graph import loader
    from partnergraph.store import remote

    return {
        "load": lambda: loader.load_remote(url, timeout=0.5),
        "query": lambda: remote.remote_query(url, "ASK {}", timeout=0.5),
        "push": lambda: loader.push(folder, url, timeout=0.5),
        "pull": lambda: remote.pull(url, folder, timeout=0.5),
    }


@pytest.mark.parametrize("call", ["load", "query", "push", "pull"])
@pytest.mark.parametrize("kind, words", [
    pytest.param("closed", "cannot reach", id="server-down"),
    pytest.param("failing", "500", id="error-response"),
    pytest.param("silent", "no answer within 0.5 s", id="timeout"),
])
def test_store_failures_name_the_url_and_change_nothing(request, data_copy, kind, words, call):
    from partnergraph.core.errors import StoreError

    url = request.getfixturevalue(kind)
    before = snapshot(data_copy)
    with pytest.raises(StoreError) as err:
        _calls(url, data_copy)[call]()
    assert url in err.value.message and words in err.value.message
    assert err.value.hint
    assert snapshot(data_copy) == before


def test_cli_store_failure_is_one_error_line(closed):
    from partnergraph.cli import main

    res = CliRunner().invoke(main, ["stats", "--store", closed])
    assert res.exit_code == 1
    assert res.output.startswith(f"Error: {closed}/query: cannot reach the store")
    assert "Traceback" not in res.output


def test_push_without_a_store_is_a_usage_error(monkeypatch):
    from partnergraph.cli import main

    monkeypatch.delenv("PARTNERGRAPH_STORE", raising=False)
    res = CliRunner().invoke(main, ["push"])
    assert res.exit_code == 2 and "--store" in res.output


def test_credentials_never_appear_in_errors(closed):
    from partnergraph.core.errors import StoreError
    from partnergraph.store.remote import remote_query

    with pytest.raises(StoreError) as err:
        remote_query(closed.replace("http://", "http://alice:s3cret@"), "ASK {}", timeout=0.5)
    assert "s3cret" not in err.value.message and closed in err.value.message


@pytest.mark.parametrize("url, query, graph_store", [
    pytest.param("http://h:7878", "http://h:7878/query", "http://h:7878/store", id="oxigraph-root"),
    pytest.param("http://h:7878/query", "http://h:7878/query", "http://h:7878/store", id="oxigraph-query"),
    pytest.param("http://h:3030/ds/sparql", "http://h:3030/ds/sparql", "http://h:3030/ds/data", id="fuseki"),
    pytest.param("http://h:3030/ds/query", "http://h:3030/ds/query", "http://h:3030/ds/data", id="fuseki-query"),
    pytest.param("http://h:8890/sparql", "http://h:8890/sparql", "http://h:8890/sparql-graph-crud", id="virtuoso"),
    pytest.param("http://h:3030/ds", "http://h:3030/ds", "http://h:3030/ds", id="dataset-url"),
])
def test_endpoints_from_one_url(url, query, graph_store):
    from partnergraph.store.remote import endpoints

    ep = endpoints(url)
    assert (ep.query, ep.graph_store) == (query, graph_store)


@pytest.mark.parametrize("url", [
    pytest.param("ftp://h/sparql", id="not-http"),
    pytest.param("127.0.0.1:7878", id="no-scheme"),
])
def test_bad_store_urls(url):
    from partnergraph.core.errors import StoreError
    from partnergraph.store.remote import endpoints

    with pytest.raises(StoreError, match="not an http"):
        endpoints(url)
