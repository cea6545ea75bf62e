"""The shared store through the Python API, on a real Oxigraph server on loopback: what a push writes, what a pull
gives back, and a server that is down, failing or silent gives a StoreError naming the URL, never a traceback or
a partial write. (The same answers as the files, on Oxigraph and Virtuoso: tests/test_team.py.)"""

from __future__ import annotations

import http.server
import json
import shutil
import socket
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import DATA, snapshot
from servers import ServerUnavailable, free_port, start_oxigraph

pytestmark = pytest.mark.server

BENEFITS_IN_CELL = """
SELECT ?claim ?label ?source WHERE {
  ?claim a pg:Benefit ; rdfs:label ?label ; pg:qualityCategory pg:EfficiencyOutput .
  ?e pg:aboutClaim ?claim ; cito:hasCitedEntity ?source .
} ORDER BY ?claim ?source"""


def _free_port() -> int:
    return free_port()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A fresh Oxigraph server (the ``oxigraph`` package) on a free loopback port, for this module alone."""
    try:
        srv = start_oxigraph(tmp_path_factory.mktemp("oxigraph"))
    except ServerUnavailable as exc:
        pytest.skip(str(exc))
    yield srv.url
    srv.stop()


@pytest.fixture(scope="module")
def bundled_copy(tmp_path_factory):
    """A copy of the bundled data: a push records what it pushed in the folder, never in data/ itself."""
    dest = tmp_path_factory.mktemp("bundled") / "data"
    shutil.copytree(DATA, dest)
    return dest


@pytest.fixture(scope="module")
def pushed(server, bundled_copy):
    """The server holding the bundled corpus."""
    from partnergraph.graph.loader import push

    push(bundled_copy, server)
    return server


@pytest.fixture(scope="module")
def local():
    import partnergraph as pg

    return pg.load(DATA)


# ---------------------------------------------------------------- same answers as the embedded store
def test_push_writes_one_named_graph_per_file(server, local, bundled_copy):
    from partnergraph.graph.loader import push
    from partnergraph.store.embedded import GRAPH_CLAIMS, GRAPH_ONTOLOGY, GRAPH_SOURCES, GRAPH_THEMES

    rows = push(bundled_copy, server).rows
    expected = {g: len(list(local.rdf.quads_for_pattern(None, None, None, _named(g))))
                for g in (GRAPH_SOURCES, GRAPH_CLAIMS, GRAPH_ONTOLOGY, GRAPH_THEMES)}
    assert {r.graph: r.triples for r in rows} == expected
    assert [Path(r.file).name for r in rows] == ["sources.bib", "claims.ttl", "themes.ttl", "ontology.ttl"]


def _named(iri):
    import pyoxigraph as ox

    return ox.NamedNode(iri)


def test_push_twice_replaces_rather_than_adds(pushed, local, bundled_copy):
    from partnergraph.graph.loader import push
    from partnergraph.store.remote import remote_query

    push(bundled_copy, pushed)
    n = remote_query(pushed, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")[0]["n"]
    assert int(n) == len(local.rdf)


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


def test_cli_push_and_pull(pushed, bundled_copy):
    from partnergraph.cli import main

    runner = CliRunner()
    before = snapshot(bundled_copy)
    res = runner.invoke(main, ["push", "--data", str(bundled_copy), "--store", pushed, "--format", "json"])
    assert res.exit_code == 0, res.output
    res = runner.invoke(main, ["pull", "--data", str(bundled_copy), "--store", pushed, "--format", "json"])
    assert res.exit_code == 0, res.output
    assert [(Path(r["file"]).name, r["action"]) for r in json.loads(res.stdout)] == [
        ("claims.ttl", "unchanged"), ("sources.bib", "unchanged"), ("themes.ttl", "unchanged")]
    assert snapshot(bundled_copy) == before


def test_pull_keeps_a_local_change_unless_forced(pushed, bundled_copy):
    """A file changed here since the last push is not overwritten; --force takes the store's, byte for byte."""
    from partnergraph.core.errors import StoreError
    from partnergraph.store.pull import pull

    claims = bundled_copy / "claims.ttl"
    original = claims.read_bytes()
    claims.write_text("# my header\n\n" + original.decode("utf-8"), encoding="utf-8")
    with pytest.raises(StoreError, match="changed here since the last pull or push"):
        pull(pushed, bundled_copy)
    assert claims.read_bytes() != original
    plan = pull(pushed, bundled_copy, force=True)
    assert [r.action for r in plan.rows] == ["written", "unchanged", "unchanged"]
    assert claims.read_bytes() == original == (DATA / "claims.ttl").read_bytes()


def test_pull_into_an_empty_folder_gives_the_same_graph(pushed, tmp_path, local):
    import partnergraph as pg
    from partnergraph.store.pull import pull

    rows = pull(pushed, tmp_path / "fresh").rows
    assert [(Path(r.file).name, r.action) for r in rows] == [
        ("claims.ttl", "written"), ("sources.bib", "written"), ("themes.ttl", "written")]
    assert (tmp_path / "fresh" / "themes.ttl").read_bytes() == (DATA / "themes.ttl").read_bytes()
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
    from partnergraph.store.pull import pull

    return {
        "load": lambda: loader.load_remote(url, timeout=0.5),
        "query": lambda: remote.remote_query(url, "ASK {}", timeout=0.5),
        "push": lambda: loader.push(folder, url, timeout=0.5),
        "pull": lambda: pull(url, folder, timeout=0.5),
    }


@pytest.mark.parametrize("call", ["load", "query", "push", "pull"])
@pytest.mark.parametrize("kind, words", [
    pytest.param("closed", "cannot reach", id="server-down"),
    pytest.param("failing", "500", id="error-response"),
    pytest.param("silent", "no complete answer within 0.5 s", id="timeout"),
])
def test_store_failures_name_the_url_and_change_nothing(request, tiny, kind, words, call):
    from partnergraph.core.errors import StoreError

    url = request.getfixturevalue(kind)
    before = snapshot(tiny)
    with pytest.raises(StoreError) as err:
        _calls(url, tiny)[call]()
    assert url in err.value.message and words in err.value.message
    assert err.value.hint
    assert snapshot(tiny) == before


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
    from partnergraph.store.endpoint import endpoints

    ep = endpoints(url)
    assert (ep.query, ep.graph_store) == (query, graph_store)


@pytest.mark.parametrize("url", [
    pytest.param("ftp://h/sparql", id="not-http"),
    pytest.param("127.0.0.1:7878", id="no-scheme"),
])
def test_bad_store_urls(url):
    from partnergraph.core.errors import StoreError
    from partnergraph.store.endpoint import endpoints

    with pytest.raises(StoreError, match="not an http"):
        endpoints(url)
