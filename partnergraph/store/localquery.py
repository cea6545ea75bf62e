"""What a query run on local files may do: no ``SERVICE`` (no request to another machine), a bounded size and
nesting, and a time limit.

The query is read token by token as the SPARQL grammar reads it — comments, strings, IRIs, variables and
prefixed names are tokens of their own — so ``SERVICE`` is found exactly where it is the keyword, never inside
a string, an IRI or a name. SPARQL's codepoint escapes (``\\u0053ERVICE``) are decoded first, as the
specification says they are processed before parsing. A property test checks that this agrees with rdflib's
parsed algebra (``tests/test_properties.py``).

>>> scan("SELECT * WHERE { ?s rdfs:label 'SERVICE' }").service
False
>>> scan("SELECT * WHERE { service <http://example.org/sparql> { ?s ?p ?o } }").service
True
>>> scan("SELECT * WHERE " + "{ " * 3 + "?s ?p ?o" + " }" * 3).depth
3
"""

from __future__ import annotations

import math
import os
import re
import threading
from dataclasses import dataclass
from typing import Any

from ..core.errors import PartnergraphError, QueryError
from .embedded import run_sparql

__all__ = ["DEFAULT_TIMEOUT", "MAX_DEPTH", "MAX_QUERY_CHARS", "MAX_TERMS", "MAX_VALUES", "QueryShape", "check",
           "query_timeout", "run_local_query", "scan"]

#: nesting of ``{ ( [`` beyond which the store's recursive parser may overflow its stack (5,000 does)
MAX_DEPTH = 200
#: terms (variables, IRIs, names, literals) outside VALUES blocks: about a thousand triple patterns; the
#: store's join planner takes minutes on a few hundred disjoint ones (the time limit stops those)
MAX_TERMS = 3000
MAX_QUERY_CHARS = 1_000_000
#: values in an answer (rows × columns): beyond this the answer would take gigabytes
MAX_VALUES = 1_000_000
DEFAULT_TIMEOUT = 30.0

_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_TOKEN = re.compile(r"""
    (?P<ws>\s+)
  | (?P<comment>\#[^\n\r]*)
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<long>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\")
  | (?P<string>'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*")
  | (?P<var>[?$]\w*)
  | (?P<pname>[^\W\d_][\w.\-]*:[\w.:%\-\\]*|:[\w.:%\-\\]*|_:[\w.\-]*)
  | (?P<word>[^\W\d_]\w*)
  | (?P<number>[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)
  | (?P<open>[{(\[])
  | (?P<close>[})\]])
  | (?P<other>.)
""", re.X | re.S)


@dataclass(frozen=True, slots=True)
class QueryShape:
    """What :func:`scan` found: a ``SERVICE`` keyword, the deepest nesting and the number of terms."""

    service: bool
    depth: int
    terms: int
    chars: int


def _unescape(text: str) -> str:
    def repl(m: re.Match) -> str:
        code = int(m.group(1) or m.group(2), 16)
        return chr(code) if code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else m.group(0)

    return _ESCAPE.sub(repl, text)


def scan(query: str) -> QueryShape:
    """Read ``query`` token by token and report its shape (see :class:`QueryShape`)."""
    text = _unescape(query)
    service = False
    depth = deepest = terms = 0
    values_depth: int | None = None  # inside VALUES { … }: its terms are data, not patterns
    pending_values = False
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup
        if kind in ("ws", "comment"):
            continue
        tok = m.group()
        if kind == "word":
            upper = tok.upper()
            if upper == "SERVICE":
                service = True
            pending_values = upper == "VALUES"
            if upper not in ("A", "UNDEF", "TRUE", "FALSE"):
                continue
        if kind == "open":
            depth += 1
            deepest = max(deepest, depth)
            if pending_values and tok == "{" and values_depth is None:
                values_depth, pending_values = depth, False
            continue
        if kind == "close":
            if values_depth is not None and depth == values_depth and tok == "}":
                values_depth = None
            depth = max(0, depth - 1)
            continue
        if kind in ("iri", "long", "string", "var", "pname", "number", "word") and values_depth is None:
            if kind != "var" or not pending_values:
                terms += 1
    return QueryShape(service, deepest, terms, len(query))


def check(query: str, *, allow_service: bool = False) -> QueryShape:
    """Refuse a query a local store must not run: ``SERVICE`` (unless ``allow_service``), or one too large or
    nested too deep for the store's parser. Raises :class:`~partnergraph.core.errors.QueryError`."""
    shape = scan(query)
    if shape.service and not allow_service:
        raise QueryError("the query uses SERVICE, which would send a request to another machine; local queries "
                         "make no network request",
                         hint="pass --allow-service (API: allow_service=True) to let a query you trust do so")
    if shape.chars > MAX_QUERY_CHARS:
        raise QueryError(f"the query is too large ({shape.chars:,} characters; the limit is {MAX_QUERY_CHARS:,})")
    if shape.depth > MAX_DEPTH:
        raise QueryError(f"the query nests groups {shape.depth} deep; the limit is {MAX_DEPTH}",
                         hint="flatten the nested { } groups")
    if shape.terms > MAX_TERMS:
        raise QueryError(f"the query is too large: {shape.terms:,} terms (about {shape.terms // 3:,} triple "
                         f"patterns); the limit is {MAX_TERMS:,}", hint="split it into smaller queries")
    return shape


def query_timeout(timeout: float | None = None) -> float:
    """Seconds a local query may run: ``timeout`` if given, else ``$PARTNERGRAPH_QUERY_TIMEOUT``, else 30."""
    if timeout is None:
        env = os.environ.get("PARTNERGRAPH_QUERY_TIMEOUT", "").strip()
        if not env:
            return DEFAULT_TIMEOUT
        try:
            timeout = float(env)
        except ValueError:
            raise QueryError(f"PARTNERGRAPH_QUERY_TIMEOUT={env!r} is not a number of seconds") from None
        what = "PARTNERGRAPH_QUERY_TIMEOUT"
    else:
        what = "--timeout"
    if not (timeout > 0 and math.isfinite(timeout)):
        raise QueryError(f"{what}={timeout:g} is not a time limit", hint="give a number of seconds above 0")
    return timeout


def _materialise(res) -> Any:
    import pyoxigraph as ox

    if isinstance(res, ox.QueryBoolean):
        return bool(res)
    if isinstance(res, ox.QuerySolutions):
        names = [v.value for v in res.variables]
        budget = MAX_VALUES // max(1, len(names))
        rows: list[dict[str, str | None]] = []
        for sol in res:
            if len(rows) >= budget:
                raise QueryError(f"the answer has more than {budget:,} rows (of {len(names)} values each)",
                                 hint="add LIMIT, or narrow the patterns")
            rows.append({n: (sol[n].value if sol[n] is not None else None) for n in names})
        return rows
    triples: list[tuple[str, str, str]] = []
    for t in res:
        if len(triples) * 3 >= MAX_VALUES:
            raise QueryError(f"the answer has more than {MAX_VALUES // 3:,} triples", hint="add LIMIT")
        triples.append((str(t.subject), str(t.predicate), str(t.object)))
    return triples


def run_local_query(store, query: str, *, allow_service: bool = False, timeout: float | None = None) -> Any:
    """Run a user's SPARQL query on a local store, guarded (:func:`check`) and within a time limit: evaluated in a
    worker thread (pyoxigraph releases the GIL) that the caller stops waiting for at the deadline.

    SELECT → list of dicts; ASK → bool; CONSTRUCT/DESCRIBE → list of (s, p, o) N-Triples terms as text.
    """
    check(query, allow_service=allow_service)
    seconds = query_timeout(timeout)
    outcome: dict[str, Any] = {}

    def work() -> None:
        res = None
        try:
            res = run_sparql(store, query)
            outcome["value"] = _materialise(res)
        except PartnergraphError as exc:
            outcome["error"] = type(exc)(exc.message, hint=exc.hint)
        except (OSError, ValueError, RuntimeError, SyntaxError) as exc:
            outcome["error"] = QueryError(f"SPARQL query failed: {' '.join(str(exc).split())[:300]}")
        except BaseException as exc:  # noqa: BLE001 - handed on below, without the frames that hold the results
            outcome["error"] = RuntimeError(f"{type(exc).__name__}: {exc}")
        finally:
            del res  # pyoxigraph's results belong to this thread: they must be dropped here

    worker = threading.Thread(target=work, name="partnergraph-query", daemon=True)
    worker.start()
    worker.join(seconds)
    if worker.is_alive():  # it runs on until the process ends; the store it holds stays alive with it
        raise QueryError(f"the query ran past the time limit of {seconds:g} s",
                         hint="narrow it (LIMIT, more specific patterns), or raise --timeout / "
                              "PARTNERGRAPH_QUERY_TIMEOUT (seconds)")
    exc = outcome.get("error")
    if exc is None:
        return outcome["value"]
    raise exc
