"""Real SPARQL servers and misbehaving stand-ins on loopback, for the shared-store tests.

- :func:`start_oxigraph` runs the Oxigraph server (the ``oxigraph`` package of the test extra) and
  :func:`start_virtuoso` OpenLink Virtuoso 7 (Debian's ``virtuoso-opensource``, installed by ``.ci/run``), each in a
  private directory on free loopback ports, bounded in time, stopped with SIGTERM. Virtuoso gets its own
  ``virtuoso.ini``, made from the packaged one (so its limits are Debian's, ``ResultSetMaxRows = 10000`` included)
  with the files moved into the directory, and a fresh ``dba`` password; reads are anonymous, writes go to the
  Digest-authenticated ``/sparql-auth`` and ``/sparql-graph-crud-auth``.
- :class:`StandIn` is an HTTP server that answers every request in one bad way (an HTML page, garbage, nothing,
  one byte at a time, an endless body, a refusal of every credential) and counts what it sent.
- :class:`FaultyProxy` sits in front of a real server and breaks the requests a rule picks (answers 503 instead,
  or forwards and then hangs up before the answer), to test what a half-done push leaves behind.

Nothing here imports partnergraph: the tests that use it drive the CLI.
"""

from __future__ import annotations

import http.client
import http.server
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import threading
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

PGID = "https://w3id.org/partnergraph/id/"
PACKAGED_VIRTUOSO_INI = Path("/etc/virtuoso-opensource-7/virtuoso.ini")
VIRTUOSO_VSP = Path("/var/lib/virtuoso-opensource-7/vsp")
START_TIMEOUT = {"oxigraph": 30.0, "virtuoso": 180.0}


class ServerUnavailable(RuntimeError):
    """The server's program is not installed (the test is skipped, or fails under PARTNERGRAPH_REQUIRE_SERVERS)."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    """One running server: ``url`` is what ``--store`` gets (with the write credentials, for Virtuoso)."""

    kind: str
    url: str
    shown: str                     # the URL without credentials, as messages must name it
    query_url: str
    update_url: str
    auth: tuple[str, str] | None
    proc: subprocess.Popen
    folder: Path
    log: Path
    started_in: float = 0.0
    extra: dict = field(default_factory=dict)

    # -- raw SPARQL, independent of partnergraph, for what the tests assert about the server
    def _open(self, url: str, data: bytes, headers: dict, timeout: float = 60.0) -> bytes:
        handlers = []
        if self.auth:
            mgr = urllib.request.HTTPPasswordMgrWithDefaultRealm()
            mgr.add_password(None, url, *self.auth)
            handlers = [urllib.request.HTTPDigestAuthHandler(mgr), urllib.request.HTTPBasicAuthHandler(mgr)]
        req = urllib.request.Request(url, data=data, headers=headers, method="POST")
        with urllib.request.build_opener(*handlers).open(req, timeout=timeout) as resp:
            return resp.read()

    def select(self, query: str) -> list[dict]:
        """SELECT rows as ``{variable: value}`` (form POST: the one way both servers answer)."""
        body = self._open(self.query_url, urllib.parse.urlencode({"query": query}).encode(),
                          {"Accept": "application/sparql-results+json",
                           "Content-Type": "application/x-www-form-urlencoded"})
        doc = json.loads(body)
        return [{k: v["value"] for k, v in b.items()} for b in doc["results"]["bindings"]]

    def ask(self, query: str) -> bool:
        body = self._open(self.query_url, urllib.parse.urlencode({"query": query}).encode(),
                          {"Accept": "application/sparql-results+json",
                           "Content-Type": "application/x-www-form-urlencoded"})
        return bool(json.loads(body)["boolean"])

    def update(self, text: str) -> None:
        self._open(self.update_url, urllib.parse.urlencode({"update": text}).encode(),
                   {"Content-Type": "application/x-www-form-urlencoded"})

    def graphs(self) -> dict[str, int]:
        """Triples per named graph whose IRI is partnergraph's (``https://w3id.org/partnergraph/id/…``)."""
        rows = self.select(f'SELECT ?g (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} '
                           f'FILTER(STRSTARTS(STR(?g), "{PGID}")) }} GROUP BY ?g')
        return {r["g"]: int(r["n"]) for r in rows}

    def wipe(self) -> None:
        """Drop every partnergraph graph (the server's own graphs, e.g. Virtuoso's system graphs, stay)."""
        for g in self.graphs():
            self.update(f"DROP SILENT GRAPH <{g}>")
        assert not self.graphs(), "the server still holds partnergraph graphs after a wipe"

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)


def _die_with_parent() -> None:
    """In the child, before exec: get SIGTERM when the test process dies, however it dies (Linux)."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _wait_until_up(proc: subprocess.Popen, probe: str, timeout: float, log: Path, kind: str) -> float:
    t0 = time.monotonic()
    while True:
        try:
            with urllib.request.urlopen(probe, timeout=2) as resp:
                resp.read()
                return time.monotonic() - t0
        except OSError:
            pass
        if proc.poll() is not None:
            raise RuntimeError(f"{kind} exited with status {proc.returncode} while starting:\n{_tail(log)}")
        if time.monotonic() - t0 > timeout:
            proc.kill()
            proc.wait(timeout=10)
            raise RuntimeError(f"{kind} did not answer within {timeout:g} s:\n{_tail(log)}")
        time.sleep(0.1)


def _tail(path: Path, n: int = 30) -> str:
    try:
        return "\n".join(path.read_text(encoding="utf-8", errors="replace").splitlines()[-n:])
    except OSError:
        return "(no log)"


# ---------------------------------------------------------------- Oxigraph
def start_oxigraph(folder: Path, *, timeout: float | None = None) -> Server:
    """The Oxigraph server persisting to ``folder`` on a free loopback port. URL: its root."""
    exe = shutil.which("oxigraph")
    if exe is None:
        raise ServerUnavailable("the Oxigraph server is not installed (pip install oxigraph)")
    folder.mkdir(parents=True, exist_ok=True)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = folder / "oxigraph.log"
    with log.open("wb") as out:
        proc = subprocess.Popen([exe, "serve", "--location", str(folder / "db"), "--bind", f"127.0.0.1:{port}"],
                                stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                preexec_fn=_die_with_parent)
    took = _wait_until_up(proc, base + "/query?query=ASK%7B%7D", timeout or START_TIMEOUT["oxigraph"], log,
                          "oxigraph")
    return Server("oxigraph", base, base, base + "/query", base + "/update", None, proc, folder, log, took)


# ---------------------------------------------------------------- Virtuoso
_MINIMAL_VIRTUOSO_INI = """[Database]
DatabaseFile = virtuoso.db
ErrorLogFile = virtuoso.log
LockFile = virtuoso.lck
TransactionFile = virtuoso.trx
xa_persistent_file = virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = virtuoso-temp.db
TransactionFile = virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = 1111
DisableUnixSocket = 1
MaxClientConnections = 10
CheckpointInterval = 60
CaseMode = 2
DirsAllowed = .
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000

[HTTPServer]
ServerPort = 8890
MaxClientConnections = 10
ServerThreads = 10
Charset = UTF-8

[SPARQL]
ResultSetMaxRows = 10000
MaxQueryCostEstimationTime = 400
MaxQueryExecutionTime = 60
"""


def virtuoso_ini(template: str, folder: Path, sql_port: int, http_port: int) -> str:
    """``template`` (a virtuoso.ini) with every file in ``folder`` and both listeners on 127.0.0.1."""
    out, section = [], ""
    for line in template.splitlines():
        m = re.match(r"\s*\[(.+?)\]", line)
        if m:
            section = m.group(1).strip().lower()
            out.append(line)
            continue
        kv = re.match(r"(\s*)([A-Za-z_0-9]+)(\s*=\s*)([^;]*?)(\s*(;.*)?)$", line)
        if not kv or line.lstrip().startswith(";"):
            out.append(line)
            continue
        key, value = kv.group(2), kv.group(4)
        k = key.lower()
        if section in ("database", "tempdatabase") and k in ("databasefile", "errorlogfile", "lockfile",
                                                             "transactionfile", "xa_persistent_file"):
            value = str(folder / Path(value).name)
        elif section == "parameters" and k == "serverport":
            value = f"127.0.0.1:{sql_port}"
        elif section == "parameters" and k == "dirsallowed":
            value = f"., {folder}"
        elif section == "httpserver" and k == "serverport":
            value = f"127.0.0.1:{http_port}"
        elif section == "httpserver" and k == "serverroot" and not Path(value).is_dir():
            value = str(folder)
        elif section == "uriqa" and k == "defaulthost":
            value = f"127.0.0.1:{http_port}"
        elif section == "striping" and k.startswith("segment"):
            continue
        out.append(f"{kv.group(1)}{key}{kv.group(3)}{value}")
    return "\n".join(out) + "\n"


def start_virtuoso(folder: Path, *, timeout: float | None = None, password: str | None = None) -> Server:
    """Virtuoso 7 with its database in ``folder``, on free loopback ports, ``dba``'s password set to a fresh one.
    URL: ``http://dba:PASSWORD@127.0.0.1:PORT/sparql`` (reads anonymous, writes authenticated)."""
    exe, isql = shutil.which("virtuoso-t"), shutil.which("isql-vt")
    if exe is None or isql is None:
        raise ServerUnavailable("Virtuoso is not installed (apt-get install virtuoso-opensource)")
    folder.mkdir(parents=True, exist_ok=True)
    sql_port, http_port = free_port(), free_port()
    template = (PACKAGED_VIRTUOSO_INI.read_text(encoding="utf-8", errors="replace")
                if PACKAGED_VIRTUOSO_INI.exists() else _MINIMAL_VIRTUOSO_INI)
    ini = folder / "virtuoso.ini"
    ini.write_text(virtuoso_ini(template, folder, sql_port, http_port), encoding="utf-8")
    log = folder / "virtuoso.log"
    with (folder / "stdout.log").open("wb") as out:
        proc = subprocess.Popen([exe, "+foreground", "+configfile", str(ini)], cwd=folder, stdout=out,
                                stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, preexec_fn=_die_with_parent)
    base = f"http://127.0.0.1:{http_port}"
    took = _wait_until_up(proc, base + "/sparql?query=ASK%7B%7D", timeout or START_TIMEOUT["virtuoso"], log,
                          "virtuoso")
    password = password or "pg" + secrets.token_hex(6)  # letters and digits: isql takes it unquoted
    done = subprocess.run([isql, f"127.0.0.1:{sql_port}", "dba", "dba", f"exec=set password dba {password};"],
                          capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    if done.returncode != 0 or "Error" in done.stdout + done.stderr:
        proc.kill()
        raise RuntimeError(f"could not set Virtuoso's dba password: {done.stdout}{done.stderr}")
    netloc = f"dba:{password}@127.0.0.1:{http_port}"
    return Server("virtuoso", f"http://{netloc}/sparql", base + "/sparql", base + "/sparql", base + "/sparql-auth",
                  ("dba", password), proc, folder, log, took, {"sql_port": sql_port, "password": password})


STARTERS = {"oxigraph": start_oxigraph, "virtuoso": start_virtuoso}


# ---------------------------------------------------------------- stand-ins
class StandIn:
    """An HTTP server on loopback that answers every request in one bad way.

    ``behaviour``: ``html`` (200, a web page), ``garbage`` (200, bytes that are no SPARQL answer, typed as JSON
    results), ``empty`` (200, no body), ``drip`` (the whole answer, status line included, one byte every
    ``drip`` seconds, for ever), ``huge`` (200 with ``Content-Length`` of 10 GB, then zeros as fast as the
    client takes them), ``endless`` (the same without a length: a body that never ends), ``auth`` (401 to every
    request, challenging Basic and Digest), ``accept-all`` (200 and nothing to every request: a server that
    acknowledges writes and keeps nothing). ``sent`` counts the bytes it wrote; ``requests`` what it was asked.
    """

    def __init__(self, behaviour: str, *, drip: float = 0.25):
        self.behaviour = behaviour
        self.drip = drip
        self.sent = 0
        self.requests: list[tuple[str, str, dict]] = []
        self._stop = threading.Event()
        self._lock = threading.Lock()
        stand_in = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _any(self):
                n = int(self.headers.get("Content-Length") or 0)
                if n:
                    self.rfile.read(n)
                with stand_in._lock:
                    stand_in.requests.append((self.command, self.path, dict(self.headers)))
                stand_in.answer(self)

            do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _any

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self._thread.start()

    def _write(self, h, data: bytes) -> None:
        h.wfile.write(data)
        h.wfile.flush()
        with self._lock:
            self.sent += len(data)

    def answer(self, h) -> None:
        b = self.behaviour
        try:
            if b == "html":
                body = (b"<!DOCTYPE html><html><head><title>Welcome</title></head><body><h1>It works!</h1>"
                        b"<p>This is the default web page of this server.</p></body></html>")
                self._fixed(h, 200, "text/html; charset=utf-8", body)
            elif b == "garbage":
                self._fixed(h, 200, "application/sparql-results+json", b"\x00\xff{ this is not json ]]")
            elif b == "empty":
                self._fixed(h, 200, "application/sparql-results+json", b"")
            elif b == "accept-all":
                self._fixed(h, 200, "text/plain", b"")
            elif b == "auth":
                body = b"Unauthorized"
                h.send_response(401)
                h.send_header("WWW-Authenticate", 'Digest realm="sparql", nonce="' + secrets.token_hex(8)
                              + '", qop="auth", algorithm="MD5"')
                h.send_header("WWW-Authenticate", 'Basic realm="sparql"')
                h.send_header("Content-Type", "text/plain")
                h.send_header("Content-Length", str(len(body)))
                h.end_headers()
                self._write(h, body)
            elif b == "drip":
                text = (b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\n"
                        b"Content-Length: 100000\r\n\r\n" + b" " * 100000)
                for i in range(len(text)):
                    if self._stop.wait(self.drip):
                        return
                    self._write(h, text[i:i + 1])
            elif b in ("huge", "endless"):
                h.send_response(200)
                h.send_header("Content-Type", "application/n-triples")
                if b == "huge":
                    h.send_header("Content-Length", str(10 * 1024 ** 3))
                else:
                    h.send_header("Connection", "close")
                h.end_headers()
                chunk = b"<urn:a> <urn:b> \"" + b"0" * 65000 + b"\" .\n"
                while not self._stop.is_set():
                    self._write(h, chunk)
            else:
                raise ValueError(b)
        except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError):
            pass

    def _fixed(self, h, code: int, ctype: str, body: bytes) -> None:
        h.send_response(code)
        h.send_header("Content-Type", ctype)
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        self._write(h, body)

    def close(self) -> None:
        self._stop.set()
        self.httpd.shutdown()
        self.httpd.server_close()


class FaultyProxy:
    """An HTTP proxy on loopback in front of ``upstream`` (a real server) that breaks chosen requests.

    ``rule(method, path, body) -> None | "fail" | "hangup"``: ``fail`` answers 503 without forwarding;
    ``hangup`` forwards the request (the server does it) and closes the connection before the answer. Each rule
    fires once per :meth:`arm`. ``log`` lists ``(method, path, action)`` for every request seen.
    """

    def __init__(self, upstream: str):
        parts = urllib.parse.urlsplit(upstream)
        self.host, self.port = parts.hostname, parts.port
        self.rule = None
        self.log: list[tuple[str, str, str]] = []
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _any(self):
                n = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(n) if n else b""
                action = proxy._decide(self.command, self.path, body)
                proxy.log.append((self.command, self.path, action or "forward"))
                if action == "fail":
                    msg = b"injected failure"
                    self.send_response(503)
                    self.send_header("Content-Type", "text/plain")
                    self.send_header("Content-Length", str(len(msg)))
                    self.send_header("Connection", "close")
                    self.end_headers()
                    self.wfile.write(msg)
                    self.close_connection = True
                    return
                conn = http.client.HTTPConnection(proxy.host, proxy.port, timeout=300)
                headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "connection")}
                conn.request(self.command, self.path, body=body, headers=headers)
                resp = conn.getresponse()
                data = resp.read()
                conn.close()
                if action == "hangup":
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                self.send_response(resp.status, resp.reason)
                for k, v in resp.getheaders():
                    if k.lower() not in ("content-length", "connection", "transfer-encoding", "keep-alive"):
                        self.send_header(k, v)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PUT = do_DELETE = _any

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.netloc = f"127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def arm(self, rule) -> None:
        self._armed = True
        self.rule = rule

    def _decide(self, method: str, path: str, body: bytes):
        if self.rule is None or not getattr(self, "_armed", False):
            return None
        action = self.rule(method, urllib.parse.unquote_plus(path), urllib.parse.unquote_plus(
            body.decode("utf-8", "replace")))
        if action:
            self._armed = False
        return action

    def url_for(self, server_url: str) -> str:
        """``server_url`` with its host and port replaced by the proxy's (credentials kept)."""
        parts = urllib.parse.urlsplit(server_url)
        creds = parts.netloc.rsplit("@", 1)[0] + "@" if "@" in parts.netloc else ""
        return urllib.parse.urlunsplit((parts.scheme, creds + self.netloc, parts.path, parts.query, ""))

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def pythonpath_env(root: Path, **extra: str) -> dict[str, str]:
    """The environment for a ``python -m partnergraph`` subprocess that runs the code under ``root``."""
    env = dict(os.environ)
    env["PYTHONPATH"] = str(root) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env.update(extra)
    return env
