"""The shared store: one graph on a SPARQL 1.1 endpoint that a whole team reads and writes (DESIGN §5).

``--store URL`` (or ``PARTNERGRAPH_STORE``) points every command at an endpoint instead of the files. Reads use
the SPARQL Query protocol only: :func:`fetch_graph` fetches the triples with one CONSTRUCT (from which
:func:`partnergraph.graph.loader.load_remote` builds the same networkx graph as the files give);
:func:`remote_query` runs a query on the server. :func:`partnergraph.graph.loader.push` uploads a data directory
with the Graph Store Protocol (one named graph per file, each replaced in one ``PUT``); :func:`pull` writes
``claims.ttl`` back, sorted and stable.

May import: ``partnergraph.files``, ``partnergraph.core`` and :mod:`partnergraph.store.embedded`.

The URL may be an Oxigraph server (``http://127.0.0.1:7878``, queries at ``/query``, graph store at ``/store``),
or any query endpoint (``…/query``, ``…/sparql``); see :func:`endpoints` and ``docs/teams.md``.

Only the standard library talks HTTP (``urllib``), every request has a timeout, and every failure — server down,
slow, or answering with an error — becomes a :class:`~partnergraph.core.errors.StoreError` naming the URL. Nothing is
written to a data directory until everything it needs has been fetched.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from ..core.errors import PartnergraphError, QueryError, StoreError
from ..core.namespaces import BIBO, DCTERMS, FOAF, PG, RDF, RDFS, prefix_block
from ..files.atomic import write_atomic_bytes
from ..files.datadir import CLAIMS_FILE, SOURCES_FILE, THEMES_FILE, default_data_dir
from ..files.turtle import serialize
from .embedded import GRAPH_CLAIMS, GRAPH_ONTOLOGY, GRAPH_SOURCES, GRAPH_THEMES

__all__ = [
    "DEFAULT_TIMEOUT",
    "GRAPH_FILES",
    "Endpoints",
    "GraphPush",
    "PullResult",
    "bibtex_from_ntriples",
    "endpoints",
    "fetch_graph",
    "pull",
    "remote_query",
    "store_timeout",
]

DEFAULT_TIMEOUT = 30.0
#: the named graphs ``push`` writes, one per file
GRAPH_FILES = ("sources", "claims", "ontology")
_ACCEPT = "application/sparql-results+json, application/n-triples;q=0.9, text/plain;q=0.1"


@dataclass(frozen=True, slots=True)
class Endpoints:
    """Where to send each kind of request for one ``--store URL``."""

    url: str
    query: str
    update: str
    graph_store: str


def endpoints(url: str, graph_store: str | None = None) -> Endpoints:
    """Work out the query, update and Graph Store URLs from the one URL a user gives.

    >>> endpoints("http://127.0.0.1:7878").graph_store                 # Oxigraph server
    'http://127.0.0.1:7878/store'
    >>> endpoints("http://127.0.0.1:7878/query").update
    'http://127.0.0.1:7878/update'
    >>> endpoints("http://localhost:3030/team/sparql").graph_store     # Jena Fuseki dataset
    'http://localhost:3030/team/data'
    >>> endpoints("http://localhost:8890/sparql").graph_store          # Virtuoso
    'http://localhost:8890/sparql-graph-crud'
    """
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise StoreError(f"{url}: not an http(s) URL of a SPARQL endpoint",
                         hint="give --store http://HOST:PORT (Oxigraph) or the endpoint's …/query or …/sparql URL")
    path = parts.path.rstrip("/")
    base = urllib.parse.urlunsplit((parts.scheme, parts.netloc, "", "", ""))
    if path == "":                                   # an Oxigraph server's root
        query, update, gsp = base + "/query", base + "/update", base + "/store"
    elif path == "/query":                           # Oxigraph's query endpoint
        query, update, gsp = url, base + "/update", base + "/store"
    elif path == "/sparql":                          # Virtuoso: query and update on one URL
        query, update, gsp = url, url, base + "/sparql-graph-crud"
    elif path.endswith(("/query", "/sparql")):       # Fuseki: /DATASET/query or /DATASET/sparql
        ds = base + path.rsplit("/", 1)[0]
        query, update, gsp = url, ds + "/update", ds + "/data"
    else:                                            # a dataset URL (Fuseki answers every protocol there)
        query = update = gsp = base + path
    return Endpoints(url, query, update, graph_store or gsp)


# ---------------------------------------------------------------- HTTP
def store_timeout(timeout: float | None = None) -> float:
    """Seconds to wait for the store: ``timeout`` if given, else ``$PARTNERGRAPH_STORE_TIMEOUT``, else 30."""
    if timeout is not None:
        return float(timeout)
    env = os.environ.get("PARTNERGRAPH_STORE_TIMEOUT", "")
    try:
        seconds = float(env) if env else DEFAULT_TIMEOUT
    except ValueError:
        raise StoreError(f"PARTNERGRAPH_STORE_TIMEOUT={env!r} is not a number of seconds") from None
    if not 0 < seconds < float("inf"):
        raise StoreError(f"PARTNERGRAPH_STORE_TIMEOUT={env!r} is not a time limit",
                         hint="give a number of seconds above 0")
    return seconds


def _open(req: urllib.request.Request, url: str, timeout: float | None, opener) -> tuple[bytes, str]:
    """Send ``req``; return ``(body, content type)``; every failure becomes a :class:`StoreError` naming ``url``."""
    timeout = store_timeout(timeout)
    slow = StoreError(f"{url}: no answer within {timeout:g} s",
                      hint="the server is slow or stuck; try again, or raise PARTNERGRAPH_STORE_TIMEOUT (seconds)")
    try:
        with opener.open(req, timeout=timeout) as resp:
            return resp.read(), resp.headers.get("Content-Type", "")
    except urllib.error.HTTPError as exc:
        try:
            detail = exc.read().decode("utf-8", "replace").strip()
        except OSError:  # the body of an error is a courtesy
            detail = ""
        raise _http_error(url, exc.code, exc.reason, " ".join(detail.split())[:300]) from None
    except TimeoutError:
        raise slow from None
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, TimeoutError):
            raise slow from None
        raise StoreError(f"{url}: cannot reach the store ({exc.reason})",
                         hint="is the server running? (e.g. 'oxigraph serve --location DIR "
                              "--bind 127.0.0.1:7878')") from None
    except (OSError, ValueError, http.client.HTTPException) as exc:  # reset mid-answer, bad status line, …
        raise StoreError(f"{url}: request failed ({type(exc).__name__}: {exc})",
                         hint="check the URL and that the server is running") from None


def _http_error(url: str, code: int, reason: str, detail: str) -> PartnergraphError:
    msg = f"{url}: the store answered {code} {reason}" + (f": {detail}" if detail else "")
    if code == 400:
        return QueryError(msg, hint="the server rejected the query; check its syntax")
    if code in (401, 403):
        return StoreError(msg, hint="the store needs credentials: give them in the URL (http://USER:PASS@HOST/…)")
    if code == 404:
        return StoreError(msg, hint="check the endpoint path (see docs/teams.md for each server's URLs)")
    return StoreError(msg, hint="see the server's log")


def _split_userinfo(url: str) -> tuple[str, str | None, str]:
    """``http://u:p@host/x`` → (``http://host/x``, ``u``, ``p``): credentials never appear in messages."""
    parts = urllib.parse.urlsplit(url)
    if not parts.username:
        return url, None, ""
    netloc = (parts.hostname or "") + (f":{parts.port}" if parts.port else "")
    shown = urllib.parse.urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))
    return shown, urllib.parse.unquote(parts.username), urllib.parse.unquote(parts.password or "")


def _request(url: str, *, method: str = "GET", data: bytes | None = None, headers: dict | None = None,
             timeout: float | None = None, shown: str | None = None) -> tuple[bytes, str]:
    """One HTTP request; credentials in the URL answer Basic or Digest authentication. Errors name ``shown``
    (default: ``url``), never the credentials."""
    plain, user, password = _split_userinfo(url)
    handlers = []
    if user is not None:
        mgr = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        mgr.add_password(None, plain, user, password)
        handlers = [urllib.request.HTTPBasicAuthHandler(mgr), urllib.request.HTTPDigestAuthHandler(mgr)]
    req = urllib.request.Request(plain, data=data, method=method, headers=headers or {})
    return _open(req, _split_userinfo(shown)[0] if shown else plain, timeout, urllib.request.build_opener(*handlers))


# ---------------------------------------------------------------- queries
def remote_query(url: str, query: str, *, timeout: float | None = None):
    """Run SPARQL on the endpoint at ``url`` with the project prefixes declared.

    Returns the shapes of :func:`partnergraph.questions.claims.sparql`: SELECT → list of dicts (variable → value
    as text, ``None`` when unbound); ASK → bool; CONSTRUCT/DESCRIBE → list of ``(s, p, o)`` N-Triples terms as text.
    Raises :class:`StoreError` (server down, slow, failing) or :class:`QueryError` (the server rejected the query).
    """
    ep = endpoints(url)
    try:
        body, ctype = _post_query(ep, prefix_block() + query, _ACCEPT, timeout)
    except QueryError as exc:  # the server counts lines from the prefixes partnergraph declared
        shift = prefix_block().count("\n")
        msg = re.sub(r"\b(line |at )(\d+)([:, ])", lambda m: f"{m.group(1)}{max(1, int(m.group(2)) - shift)}"
                     f"{m.group(3)}", exc.message)
        raise QueryError(msg, hint=exc.hint) from None
    ctype = ctype.split(";")[0].strip().lower()
    if ctype in ("application/sparql-results+json", "application/json"):
        try:
            doc = json.loads(body)
        except ValueError:
            raise StoreError(f"{ep.query}: the answer is not valid SPARQL JSON results") from None
        if "boolean" in doc:
            return bool(doc["boolean"])
        names = doc.get("head", {}).get("vars", [])
        return [{n: (b[n]["value"] if n in b else None) for n in names}
                for b in doc.get("results", {}).get("bindings", [])]
    triples = _parse_ntriples(body, ep.query)
    return [(str(s), str(p), str(o)) for s, p, o in triples]


def _post_query(ep: Endpoints, query: str, accept: str, timeout: float | None) -> tuple[bytes, str]:
    """POST a query whose dataset is partnergraph's named graphs: their merge is the default graph (as the
    embedded store's union default graph) and each is also a named graph, so ``GRAPH ?g`` works as at home."""
    graphs = (GRAPH_SOURCES, GRAPH_CLAIMS, GRAPH_ONTOLOGY, GRAPH_THEMES)
    params = urllib.parse.urlencode([("default-graph-uri", g) for g in graphs]
                                    + [("named-graph-uri", g) for g in graphs])
    url = ep.query + ("&" if "?" in ep.query else "?") + params
    return _request(url, method="POST", data=query.encode("utf-8"), timeout=timeout, shown=ep.query,
                    headers={"Content-Type": "application/sparql-query; charset=utf-8", "Accept": accept})


def _parse_ntriples(body: bytes, url: str):
    import pyoxigraph as ox

    try:
        return [(t.subject, t.predicate, t.object) for t in ox.parse(body, format=ox.RdfFormat.N_TRIPLES)]
    except SyntaxError as exc:
        raise StoreError(f"{url}: the answer is not N-Triples ({exc})",
                         hint="the endpoint must answer CONSTRUCT with application/n-triples") from None


_Q_ALL = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"


def fetch_graph(url: str, graph: str | None = None, *, timeout: float | None = None) -> bytes:
    """N-Triples of one named graph (``graph`` IRI), or of all of partnergraph's graphs (``None``)."""
    ep = endpoints(url)
    if graph is None:
        q = _Q_ALL
    else:
        q = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {_iri_ref(graph)} {{ ?s ?p ?o }} }}"
    body, ctype = _post_query(ep, q, "application/n-triples", timeout)
    if "n-triples" not in ctype and "text/plain" not in ctype:
        raise StoreError(f"{ep.query}: answered CONSTRUCT with {ctype or 'no content type'}, not N-Triples",
                         hint="the endpoint must support application/n-triples")
    return body


def _iri_ref(iri: str) -> str:
    if any(c in iri for c in '<>"{}|^`\\ \n'):
        raise ValueError(f"not an IRI: {iri!r}")
    return f"<{iri}>"


# ---------------------------------------------------------------- push and pull
@dataclass(frozen=True, slots=True)
class GraphPush:
    """One named graph written by :func:`push`: which file it came from, its IRI and how many triples."""

    file: str
    graph: str
    triples: int


@dataclass(frozen=True, slots=True)
class PullResult:
    """What :func:`pull` did to one file: ``written``, ``unchanged`` or ``kept`` (the file is the source of truth)."""

    file: str
    action: str
    triples: int


def pull(url: str, data: str | Path | None = None, *, timeout: float | None = None) -> list[PullResult]:
    """Write the endpoint's claims back to ``DIR/claims.ttl`` and its theme framework, if it holds one, to
    ``DIR/themes.ttl`` (sorted, stable Turtle, each file's header comment kept). ``sources.bib`` stays the source of truth for the bibliography and is never overwritten: it is
    written from the store only when the folder has none (a fresh checkout), with the fields the RDF keeps.

    Everything is fetched and checked before anything is written; each file is replaced atomically.
    """
    import rdflib
    from rdflib.plugins.parsers.ntriples import ParseError


    folder = Path(data) if data is not None else default_data_dir()
    if folder.exists() and not folder.is_dir():
        raise StoreError(f"{folder}: not a directory", hint="give --data DIR")
    claims_nt = fetch_graph(url, GRAPH_CLAIMS, timeout=timeout)
    themes_nt = fetch_graph(url, GRAPH_THEMES, timeout=timeout)
    bib_path, claims_path = folder / SOURCES_FILE, folder / CLAIMS_FILE
    sources_nt = None if bib_path.exists() else fetch_graph(url, GRAPH_SOURCES, timeout=timeout)
    g = rdflib.Graph()
    try:
        g.parse(data=claims_nt.decode("utf-8"), format="nt")
    except (ParseError, ValueError) as exc:
        raise StoreError(f"{url}: the claims graph is not valid N-Triples ({exc})") from None
    if len(g) == 0:
        raise StoreError(f"{url}: the store holds no claims graph <{GRAPH_CLAIMS}>",
                         hint="upload the data first: partnergraph push --data DIR --store URL")
    claims_bytes = (_header(claims_path) + serialize(g)).encode("utf-8")
    themes = rdflib.Graph()
    try:
        themes.parse(data=themes_nt.decode("utf-8"), format="nt")
    except (ParseError, ValueError) as exc:
        raise StoreError(f"{url}: the themes graph is not valid N-Triples ({exc})") from None
    themes_path = folder / THEMES_FILE
    bib_bytes = None
    if sources_nt is not None:
        bib_bytes = bibtex_from_ntriples(sources_nt).encode("utf-8")
    results = []
    folder.mkdir(parents=True, exist_ok=True)
    if claims_path.exists() and claims_path.read_bytes() == claims_bytes:
        results.append(PullResult(str(claims_path), "unchanged", len(g)))
    else:
        write_atomic_bytes(claims_path, claims_bytes)
        results.append(PullResult(str(claims_path), "written", len(g)))
    if len(themes):  # a store without a theme framework leaves the folder's themes.ttl as it is
        themes_bytes = (_header(themes_path) + serialize(themes)).encode("utf-8")
        if themes_path.exists() and themes_path.read_bytes() == themes_bytes:
            results.append(PullResult(str(themes_path), "unchanged", len(themes)))
        else:
            write_atomic_bytes(themes_path, themes_bytes)
            results.append(PullResult(str(themes_path), "written", len(themes)))
    if bib_bytes is None:
        results.append(PullResult(str(bib_path), "kept", 0))
    else:
        assert sources_nt is not None  # bib_bytes were made from it
        write_atomic_bytes(bib_path, bib_bytes)
        results.append(PullResult(str(bib_path), "written", sources_nt.count(b"\n")))
    return results


def _header(path: Path) -> str:
    """The comment lines a Turtle file starts with (kept when the file is rewritten from the store)."""
    if not path.exists():
        return ""
    lines = []
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines(keepends=True):
        if not line.startswith("#") and line.strip():
            break
        lines.append(line)
    return "".join(lines)


def bibtex_from_ntriples(body: bytes) -> str:
    """A plain ``sources.bib`` rebuilt from the sources graph (for a folder that has none): key, type, title,
    year, authors, container, DOI, URL, status, missing fields, note and the other fields partnergraph keeps."""
    import pyoxigraph as ox


    by_s: dict[str, dict[str, list]] = {}
    for t in ox.parse(body, format=ox.RdfFormat.N_TRIPLES):
        by_s.setdefault(str(t.subject), {}).setdefault(t.predicate.value, []).append(t.object)

    def one(s, p):
        v = by_s.get(s, {}).get(p)
        return v[0].value if v else ""

    out = ["% sources.bib written by 'partnergraph pull' from the shared store (no local file existed).\n"]
    for s, props in sorted(by_s.items(), key=lambda kv: one(kv[0], PG + "bibtexKey")):
        key = one(s, PG + "bibtexKey")
        if not key:
            continue
        fields: list[tuple[str, str]] = []
        seq = props.get(BIBO + "authorList")
        if seq:
            seq_s = str(seq[0])
            members = sorted(((int(p.rsplit("_", 1)[1]), o[0]) for p, o in by_s.get(seq_s, {}).items()
                              if p.startswith(RDF + "_")), key=lambda x: x[0])
            names = []
            for _, a in members:
                name = one(str(a), FOAF + "name")
                org = any(o.value == FOAF + "Organization" for o in by_s.get(str(a), {}).get(RDF + "type", []))
                names.append("{" + name + "}" if org else name)
            if one(s, PG + "etAl") == "true":
                names.append("others")
            fields.append(("author", " and ".join(names)))
        fields.append(("title", one(s, DCTERMS + "title")))
        fields.append(("year", one(s, DCTERMS + "issued")))
        for part in props.get(DCTERMS + "isPartOf", []):
            field_name = "booktitle" if str(part).endswith("/book>") else "journal"
            fields.append((field_name, one(str(part), DCTERMS + "title")))
        pub = props.get(DCTERMS + "publisher")
        if pub:
            fields.append(("publisher", one(str(pub[0]), FOAF + "name")))
        for name, pred in (("volume", BIBO + "volume"), ("number", BIBO + "issue"), ("pages", BIBO + "pages"),
                           ("doi", BIBO + "doi"), ("url", BIBO + "uri"), ("isbn", BIBO + "isbn"),
                           ("issn", BIBO + "issn"), ("edition", BIBO + "edition"), ("chapter", BIBO + "chapter"),
                           ("address", PG + "place"), ("howpublished", PG + "howPublished"),
                           ("note", RDFS + "comment"), ("refnumber", PG + "refNumber"),
                           ("seedfile", PG + "seedFile")):
            fields.append((name, one(s, pred)))
        fields.append(("status", one(s, PG + "status").rsplit("#", 1)[-1].lower()))
        missing = [o.value for o in props.get(PG + "missingField", [])]
        fields.append(("missing", ", ".join(missing)))
        vias = [o.value.rsplit("/", 1)[-1] for o in props.get(PG + "asCitedIn", [])]
        fields.append(("citedin", ", ".join(vias)))
        for extra in props.get(PG + "extraField", []):
            k, _, v = extra.value.partition("=")
            fields.append((k, v))
        body_lines = [f"  {k:<12} = {{{_bib_escape(v)}}}" for k, v in fields if v]
        out.append(f"@{one(s, PG + 'bibtexType') or 'misc'}{{{key},\n" + ",\n".join(body_lines) + "\n}\n")
    return "\n".join(out)


def _bib_escape(value: str) -> str:
    out = []
    depth = 0
    for ch in value:
        if ch == "{":
            depth += 1
        elif ch == "}":
            if depth == 0:
                out.append("\\}")
                continue
            depth -= 1
        out.append(ch)
    text = "".join(out)
    return text + "}" * depth if depth else text
