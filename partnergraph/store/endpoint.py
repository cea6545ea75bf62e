"""One SPARQL 1.1 endpoint as partnergraph talks to it: where each kind of request goes, how it is sent, and what
an answer must look like to be believed.

:func:`endpoints` works out the query, update and Graph Store URLs from the one ``--store URL`` a user gives
(Oxigraph, Fuseki, Virtuoso, any dataset URL). An :class:`Endpoint` sends

- **queries** as a form POST (``application/x-www-form-urlencoded``) by default — the one way every server tried
  answers (Virtuoso 7.2 never answers a direct POST) — or as a GET, or a direct POST
  (``application/sparql-query``), chosen with ``PARTNERGRAPH_STORE_METHOD=form|get|direct``;
- **updates** as a form POST (``update=…``), or a direct POST (``application/sparql-update``) with
  ``PARTNERGRAPH_STORE_METHOD=direct``;
- **Graph Store** requests (``PUT`` of N-Triples) to the Graph Store URL.

Answers are checked before they are used: a web page, an empty body, bytes that are not SPARQL JSON results or
N-Triples, or a SELECT answer the server cut at its row limit (Virtuoso's ``X-SPARQL-MaxRows``) is a
:class:`~partnergraph.errors.StoreError` naming the URL. :meth:`Endpoint.fetch_graph` reads a whole named graph
and pages through it when the server caps CONSTRUCT answers (Virtuoso's ``ResultSetMaxRows`` cuts them at 10,000
triples with no sign but the count).
"""

from __future__ import annotations

import json
import os
import re
import urllib.parse
from dataclasses import dataclass, field

from ..core.errors import StoreError
from .transport import Answer, Limits, send, split_credentials

__all__ = ["METHODS", "Endpoint", "Endpoints", "Rows", "endpoints", "iri_ref", "store_credentials", "store_method"]

METHODS = ("form", "get", "direct")
_JSON = ("application/sparql-results+json", "application/json")
_NT = ("application/n-triples", "text/plain", "application/ntriples", "text/ntriples")


@dataclass(frozen=True, slots=True)
class Endpoints:
    """Where to send each kind of request for one ``--store URL`` (URLs without credentials), and which server
    the URL's shape suggests (``oxigraph``, ``virtuoso``, ``fuseki`` or ``sparql``)."""

    url: str
    query: str
    update: str
    graph_store: str
    kind: str = "sparql"


def endpoints(url: str, graph_store: str | None = None, *, authenticated: bool | None = None) -> Endpoints:
    """Work out the query, update and Graph Store URLs from the one URL a user gives.

    >>> endpoints("http://127.0.0.1:7878").graph_store                 # Oxigraph server
    'http://127.0.0.1:7878/store'
    >>> endpoints("http://127.0.0.1:7878/query").update
    'http://127.0.0.1:7878/update'
    >>> endpoints("http://localhost:3030/team/sparql").graph_store     # Jena Fuseki dataset
    'http://localhost:3030/team/data'
    >>> endpoints("http://localhost:8890/sparql").graph_store          # Virtuoso, anonymous
    'http://localhost:8890/sparql-graph-crud'
    >>> e = endpoints("http://dba:pw@localhost:8890/sparql")           # Virtuoso with credentials: writes
    >>> e.query, e.update, e.graph_store                               # go to its authenticated endpoints
    ('http://localhost:8890/sparql', 'http://localhost:8890/sparql-auth', 'http://localhost:8890/sparql-graph-crud-auth')
    """
    plain, creds = split_credentials(url)
    if authenticated is None:
        authenticated = creds is not None
    parts = urllib.parse.urlsplit(plain)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise StoreError(f"{plain}: not an http(s) URL of a SPARQL endpoint",
                         hint="give --store http://HOST:PORT (Oxigraph) or the endpoint's …/query or …/sparql URL")
    path = parts.path.rstrip("/")
    base = urllib.parse.urlunsplit((parts.scheme, parts.netloc, "", "", ""))
    plain = urllib.parse.urlunsplit((parts.scheme, parts.netloc, parts.path, parts.query, ""))
    kind = "sparql"
    if path == "":                                   # an Oxigraph server's root
        query, update, gsp, kind = base + "/query", base + "/update", base + "/store", "oxigraph"
    elif path == "/query":                           # Oxigraph's query endpoint
        query, update, gsp, kind = plain, base + "/update", base + "/store", "oxigraph"
    elif path == "/sparql":                          # Virtuoso: queries anonymous, writes authenticated
        kind = "virtuoso"
        query = plain
        update = base + ("/sparql-auth" if authenticated else "/sparql")
        gsp = base + ("/sparql-graph-crud-auth" if authenticated else "/sparql-graph-crud")
    elif path == "/sparql-auth":                     # Virtuoso, everything authenticated
        query, update, gsp, kind = plain, plain, base + "/sparql-graph-crud-auth", "virtuoso"
    elif path.endswith(("/query", "/sparql")):       # Fuseki: /DATASET/query or /DATASET/sparql
        ds = base + path.rsplit("/", 1)[0]
        query, update, gsp, kind = plain, ds + "/update", ds + "/data", "fuseki"
    else:                                            # a dataset URL (Fuseki answers every protocol there)
        query = update = gsp = plain
    return Endpoints(base + path if path else base, query, update,
                     split_credentials(graph_store)[0] if graph_store else gsp, kind)


def store_method(method: str | None = None) -> str:
    """How queries and updates are sent: ``method``, else ``$PARTNERGRAPH_STORE_METHOD``, else ``form``."""
    value = (method or os.environ.get("PARTNERGRAPH_STORE_METHOD") or "form").strip().lower()
    if value not in METHODS:
        raise StoreError(f"PARTNERGRAPH_STORE_METHOD={value!r} is not one of {', '.join(METHODS)}",
                         hint="form (the default) works with every server tried; get and direct are options")
    return value


def store_credentials(url: str) -> tuple[str, str] | None:
    """Credentials from the URL's user info, else from ``$PARTNERGRAPH_STORE_USER``/``$PARTNERGRAPH_STORE_PASSWORD``."""
    _, creds = split_credentials(url)
    if creds is not None:
        return creds
    user = os.environ.get("PARTNERGRAPH_STORE_USER")
    if user:
        return user, os.environ.get("PARTNERGRAPH_STORE_PASSWORD", "")
    return None


@dataclass(frozen=True, slots=True)
class Rows:
    """A SELECT answer: the variables and, per row, each bound variable's term as a pyoxigraph term."""

    variables: list[str]
    rows: list[dict] = field(default_factory=list)


class Endpoint:
    """A SPARQL endpoint with its limits, request method and credentials (see the module docstring)."""

    def __init__(self, url: str, graph_store: str | None = None, *, limits: Limits | None = None,
                 method: str | None = None, timeout: float | None = None):
        self.credentials = store_credentials(url)
        self.ep = endpoints(url, graph_store, authenticated=self.credentials is not None)
        self.url = self.ep.url
        self.kind = self.ep.kind
        self.limits = limits or Limits.from_env(timeout)
        self.method = store_method(method)
        self.auth_state: dict = {}  # the server's last authentication challenge, answered at once next time
        self.page_cap: int | None = None  # the most triples the server gave in one answer, once it cut one
        if graph_store and split_credentials(graph_store)[1] and self.credentials is None:
            self.credentials = split_credentials(graph_store)[1]

    # ------------------------------------------------------------ raw requests
    def _send(self, url: str, **kw) -> Answer:
        return send(url, limits=self.limits, credentials=self.credentials, auth_state=self.auth_state, **kw)

    def query(self, text: str, accept: str, *, default_graphs=(), named_graphs=()) -> Answer:
        """Send a query (with a dataset: ``default-graph-uri`` and ``named-graph-uri``) the configured way."""
        params = [("default-graph-uri", g) for g in default_graphs] + [("named-graph-uri", g) for g in named_graphs]
        url = self.ep.query
        if self.method == "form":
            body = urllib.parse.urlencode([("query", text), *params]).encode("utf-8")
            return self._send(url, method="POST", body=body, headers={
                "Content-Type": "application/x-www-form-urlencoded; charset=utf-8", "Accept": accept})
        if self.method == "get":
            sep = "&" if "?" in url else "?"
            return self._send(url + sep + urllib.parse.urlencode([("query", text), *params]), method="GET",
                              headers={"Accept": accept}, shown=url)
        sep = "&" if "?" in url else "?"
        full = url + (sep + urllib.parse.urlencode(params) if params else "")
        return self._send(full, method="POST", body=text.encode("utf-8"), shown=url, headers={
            "Content-Type": "application/sparql-query; charset=utf-8", "Accept": accept})

    def update(self, text: str) -> None:
        """Run a SPARQL Update request (the server answers 200 or 204)."""
        if self.method == "direct":
            self._send(self.ep.update, method="POST", body=text.encode("utf-8"),
                       headers={"Content-Type": "application/sparql-update; charset=utf-8"})
        else:
            self._send(self.ep.update, method="POST", body=urllib.parse.urlencode({"update": text}).encode("utf-8"),
                       headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"})

    def put_graph(self, graph: str, ntriples: bytes, *, bulk: bool = False) -> None:
        """Replace named graph ``graph`` with ``ntriples`` (Graph Store Protocol ``PUT``). ``bulk``: on an Oxigraph
        server, load without a transaction (4× faster; for a graph nobody reads yet)."""
        target = self.ep.graph_store + ("&" if "?" in self.ep.graph_store else "?") + urllib.parse.urlencode(
            {"graph": graph})
        if bulk and self.kind == "oxigraph":
            target += "&no_transaction"
        self._send(target, method="PUT", body=ntriples, shown=self.ep.graph_store,
                   headers={"Content-Type": "application/n-triples"})

    # ------------------------------------------------------------ checked answers
    def _believe(self, answer: Answer, wanted: tuple[str, ...], what: str) -> None:
        ctype = answer.content_type
        if not answer.body.strip():
            raise StoreError(f"{self.ep.query}: an empty answer ({answer.status} {answer.reason}, no {what})",
                             hint="is this the SPARQL endpoint's URL (see docs/teams.md)?")
        if ctype in ("text/html", "application/xhtml+xml"):
            raise StoreError(f"{self.ep.query}: answered with a web page ({ctype}), not {what}",
                             hint="is this the SPARQL endpoint's URL (see docs/teams.md)?")
        if ctype and ctype not in wanted:
            raise StoreError(f"{self.ep.query}: answered {ctype}, not {what}",
                             hint="the endpoint must answer with " + " or ".join(wanted[:2]))

    def results(self, answer: Answer) -> dict:
        """The SPARQL JSON results document of ``answer``, checked (see the module docstring)."""
        self._believe(answer, _JSON, "SPARQL results")
        if answer.headers.get("X-SPARQL-MaxRows"):
            cap = answer.headers.get("X-SPARQL-MaxRows")
            raise StoreError(f"{self.ep.query}: the store cut the answer at {cap} rows (its limit on results)",
                             hint="ask for fewer rows (LIMIT/OFFSET), or raise the server's limit (Virtuoso: "
                                  "ResultSetMaxRows in virtuoso.ini [SPARQL])")
        try:
            doc = json.loads(answer.body)
            if not isinstance(doc, dict) or not ("boolean" in doc or isinstance(doc.get("results"), dict)):
                raise ValueError("no 'results' or 'boolean'")
            return doc
        except (ValueError, UnicodeDecodeError) as exc:
            raise StoreError(f"{self.ep.query}: the answer is not SPARQL JSON results ({_short(exc)})",
                             hint="is this the SPARQL endpoint's URL (see docs/teams.md)?") from None

    def select(self, text: str, **dataset) -> Rows:
        """SELECT: the variables and rows of pyoxigraph terms (unbound variables absent from a row)."""
        return self.rows(self.results(self.query(text, "application/sparql-results+json", **dataset)))

    def rows(self, doc: dict) -> Rows:
        """The variables and rows of a SELECT results document."""
        if "boolean" in doc:
            raise StoreError(f"{self.ep.query}: answered a SELECT query with a boolean")
        names = list(doc.get("head", {}).get("vars", []))
        try:
            rows = [{k: _term(v) for k, v in b.items()} for b in doc["results"].get("bindings", [])]
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise StoreError(f"{self.ep.query}: the answer is not SPARQL JSON results ({_short(exc)})") from None
        return Rows(names, rows)

    def ask(self, text: str, **dataset) -> bool:
        doc = self.results(self.query(text, "application/sparql-results+json", **dataset))
        if not isinstance(doc.get("boolean"), bool):
            raise StoreError(f"{self.ep.query}: answered an ASK query without a boolean")
        return doc["boolean"]

    def construct(self, text: str, **dataset) -> list:
        """CONSTRUCT/DESCRIBE: the triples (``pyoxigraph.Triple``), parsed from N-Triples."""
        return self.triples(self.query(text, "application/n-triples, text/plain;q=0.5", **dataset))

    def triples(self, answer: Answer) -> list:
        """The triples of a CONSTRUCT answer, parsed from N-Triples (checked: see the module docstring)."""
        import pyoxigraph as ox

        if not answer.body.strip() and answer.content_type in _NT:
            return []
        self._believe(answer, _NT, "N-Triples")
        try:
            return [ox.Triple(q.subject, q.predicate, q.object)
                    for q in ox.parse(answer.body, format=ox.RdfFormat.N_TRIPLES)]
        except SyntaxError as exc:
            raise StoreError(f"{self.ep.query}: the answer is not N-Triples ({_short(exc)})",
                             hint="the endpoint must answer CONSTRUCT with application/n-triples") from None

    # ------------------------------------------------------------ whole graphs
    def count_graphs(self, graphs) -> dict[str, int]:
        """Triples in each of ``graphs`` (0 for a graph the store does not hold)."""
        graphs = list(graphs)
        if not graphs:
            return {}
        # one counting sub-select per graph: Virtuoso takes 2 s over VALUES ?g { … } GRAPH ?g, 0.05 s this way
        got = self.select("SELECT ?g ?n WHERE { " + " UNION ".join(
            f"{{ SELECT ({iri_ref(g)} AS ?g) (COUNT(*) AS ?n) WHERE {{ GRAPH {iri_ref(g)} {{ ?s ?p ?o }} }} }}"
            for g in graphs) + " }")
        out = dict.fromkeys(graphs, 0)
        for r in got.rows:
            if "g" in r and "n" in r:
                out[r["g"].value] = _int(r["n"], self.ep.query)
        return out

    def fetch_graph(self, graph: str, expected: int | None = None) -> list:
        """Every triple of named graph ``graph``: one CONSTRUCT, then pages of the size the server let through
        when it held back part of the graph (``expected``: the count, asked for if not given)."""
        g = iri_ref(graph)
        if expected is None:
            expected = self.count_graphs([graph])[graph]
        if self.page_cap is None or expected <= self.page_cap:
            triples = self.construct(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {g} {{ ?s ?p ?o }} }}")
            got = len(set(triples))
            if got == expected:
                return triples
            if got > expected or got == 0:
                raise StoreError(f"{self.ep.query}: graph <{graph}> came back with {got} triples, the store "
                                 f"counts {expected}", hint="the graph changed while it was read; try again")
            self.page_cap = got  # the server's cap on an answer: larger graphs are read in pages at once
        page = self.page_cap
        seen: set = set()
        offset = 0
        while offset < expected:
            part = self.construct(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ {{ SELECT ?s ?p ?o WHERE {{ GRAPH {g} "
                                  f"{{ ?s ?p ?o }} }} ORDER BY ?s ?p ?o }} }} OFFSET {offset} LIMIT {page}")
            if not part:
                break
            seen.update(part)
            offset += page
        if len(seen) != expected:
            raise StoreError(f"{self.ep.query}: read {len(seen)} of the {expected} triples of <{graph}> in pages of "
                             f"{page}", hint="the store caps answers and its pages were not stable; raise its limit "
                                             "(Virtuoso: ResultSetMaxRows in virtuoso.ini [SPARQL])")
        return list(seen)


def iri_ref(iri: str) -> str:
    """``<iri>`` for a query, refusing what cannot be an IRI (nothing from the data is pasted into SPARQL unchecked).

    >>> iri_ref("https://w3id.org/partnergraph/id/graph/claims")
    '<https://w3id.org/partnergraph/id/graph/claims>'
    """
    if not iri or re.search(r'[\x00-\x20<>"{}|^`\\]', iri):
        raise ValueError(f"not an IRI: {iri!r}")
    return f"<{iri}>"


def _term(binding: dict):
    import pyoxigraph as ox

    t = binding["type"]
    v = binding["value"]
    if t == "uri":
        return ox.NamedNode(v)
    if t == "bnode":
        return ox.BlankNode(re.sub(r"[^A-Za-z0-9_]", "_", v) or "b")
    if t in ("literal", "typed-literal"):
        if "xml:lang" in binding:
            return ox.Literal(v, language=binding["xml:lang"])
        if binding.get("datatype"):
            return ox.Literal(v, datatype=ox.NamedNode(binding["datatype"]))
        return ox.Literal(v)
    raise ValueError(f"unknown term type {t!r}")


def _int(term, url: str) -> int:
    try:
        return int(term.value)
    except (AttributeError, ValueError):
        raise StoreError(f"{url}: a count came back as {term!r}, not a number") from None


def _short(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:200] or type(exc).__name__


