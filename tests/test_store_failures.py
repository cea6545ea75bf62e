"""Endpoints that are down, slow, answer garbage, answer too much or refuse the credentials: each is one ``Error:``
line naming the URL (never the credentials), exit 1, no traceback, nothing written — the CLI against local
stand-ins (tests/servers.py)."""

from __future__ import annotations

import resource
import subprocess
import sys
import time

import pytest
from click.testing import CliRunner
from conftest import ROOT, snapshot
from servers import StandIn, free_port, pythonpath_env

from partnergraph.cli import main

pytestmark = pytest.mark.server

CALLS = {
    "stats": lambda url, d: ["stats", "--store", url, "--format", "json"],
    "sparql": lambda url, d: ["sparql", "SELECT ?s WHERE { ?s ?p ?o } LIMIT 1", "--store", url, "--format", "json"],
    "pull": lambda url, d: ["pull", "--store", url, "--data", str(d), "--format", "json"],
    "push": lambda url, d: ["push", "--store", url, "--data", str(d), "--format", "json"],
}


def one_error_line(code: int, stdout: str, stderr: str, url: str, *words: str) -> str:
    assert code == 1, f"exit {code}\nstdout: {stdout}\nstderr: {stderr}"
    assert "Traceback" not in stdout + stderr
    lines = [line for line in stderr.splitlines() if line]
    errors = [line for line in lines if line.startswith("Error:")]
    assert len(errors) == 1 and all(line.startswith(("Error:", "Hint:")) for line in lines), stderr
    assert url in errors[0], errors[0]
    for w in words:
        assert w.lower() in errors[0].lower(), f"{w!r} not in {errors[0]!r}"
    return errors[0]


@pytest.fixture
def standin(request):
    servers = []

    def make(behaviour, **kw):
        s = StandIn(behaviour, **kw)
        servers.append(s)
        return s

    yield make
    for s in servers:
        s.close()


@pytest.mark.parametrize("call", list(CALLS))
@pytest.mark.parametrize("behaviour, words", [
    pytest.param("html", ["html"], id="html-page"),
    pytest.param("garbage", ["not"], id="garbage"),
    pytest.param("empty", ["empty"], id="empty-200"),
    pytest.param("accept-all", [], id="acknowledges-everything-keeps-nothing"),
])
def test_an_answer_that_is_no_sparql_answer_is_refused(standin, tiny, call, behaviour, words):
    s = standin(behaviour)
    before = snapshot(tiny)
    r = CliRunner().invoke(main, CALLS[call](s.url, tiny))
    one_error_line(r.exit_code, r.stdout, r.stderr, s.url, *words)
    assert snapshot(tiny) == before
    assert s.requests, "the stand-in was never asked"


@pytest.mark.parametrize("call", list(CALLS))
def test_an_unreachable_store(tiny, call):
    url = f"http://127.0.0.1:{free_port()}"
    before = snapshot(tiny)
    r = CliRunner().invoke(main, CALLS[call](url, tiny))
    one_error_line(r.exit_code, r.stdout, r.stderr, url, "cannot reach")
    assert snapshot(tiny) == before


def _run_bounded(args, env_extra, wall: float, mem_gib: float = 3.0):
    """Run the CLI in a subprocess that cannot outlive ``wall`` seconds nor take more than ``mem_gib`` GiB."""
    def limit():
        cap = int(mem_gib * 1024 ** 3)
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))

    t0 = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "partnergraph", *args], env=pythonpath_env(ROOT, **env_extra),
                          capture_output=True, text=True, timeout=wall, preexec_fn=limit)
    return done, time.monotonic() - t0


@pytest.mark.parametrize("call", list(CALLS))
def test_a_server_that_drips_one_byte_at_a_time_is_bounded_by_the_timeout(standin, tiny, call):
    """The timeout bounds the whole request (status line, headers and body), not each read."""
    s = standin("drip", drip=0.2)
    before = snapshot(tiny)
    done, took = _run_bounded(CALLS[call](s.url, tiny), {"PARTNERGRAPH_STORE_TIMEOUT": "1"}, wall=60)
    one_error_line(done.returncode, done.stdout, done.stderr, s.url, "within 1 s")
    assert s.sent > 0
    assert snapshot(tiny) == before


@pytest.mark.parametrize("call", ["stats", "pull", "sparql"])
@pytest.mark.parametrize("behaviour", ["huge", "endless"])
def test_an_oversized_answer_is_refused_without_reading_it_whole(standin, tiny, call, behaviour):
    """A 10 GB answer (announced, or a body that never ends) stops at the size limit: the stand-in gets to send
    little more than the limit before the client hangs up."""
    s = standin(behaviour)
    before = snapshot(tiny)
    done, took = _run_bounded(CALLS[call](s.url, tiny), {"PARTNERGRAPH_STORE_MAX_BYTES": "1000000",
                                                              "PARTNERGRAPH_STORE_TIMEOUT": "20"}, wall=60)
    one_error_line(done.returncode, done.stdout, done.stderr, s.url, "1 MB")
    assert s.sent < 64 * 1024 ** 2, f"the client read {s.sent} bytes of an answer it should have refused"
    assert snapshot(tiny) == before


@pytest.mark.parametrize("call", list(CALLS))
@pytest.mark.parametrize("where", ["url", "env"])
def test_refused_credentials_are_one_line_and_never_printed(standin, tiny, monkeypatch, call, where):
    s = standin("auth")
    url = s.url.replace("http://", "http://alice:s3cret-pw@") if where == "url" else s.url
    env = {"PARTNERGRAPH_STORE_USER": "alice", "PARTNERGRAPH_STORE_PASSWORD": "s3cret-pw"} if where == "env" else {}
    before = snapshot(tiny)
    r = CliRunner().invoke(main, CALLS[call](url, tiny), env=env)
    line = one_error_line(r.exit_code, r.stdout, r.stderr, s.url, "401")
    assert "s3cret-pw" not in r.stdout + r.stderr and "alice" not in r.stdout + r.stderr, line
    assert any("Authorization" in h for _, _, h in s.requests), "the credentials were never offered"
    assert snapshot(tiny) == before


@pytest.mark.parametrize("value", ["0", "-1", "soon", "nan", "inf"])
def test_a_timeout_that_is_no_number_of_seconds_is_refused(value):
    r = CliRunner().invoke(main, ["stats", "--store", "http://127.0.0.1:9"], env={"PARTNERGRAPH_STORE_TIMEOUT": value})
    assert r.exit_code == 1 and r.stderr.startswith("Error:") and "PARTNERGRAPH_STORE_TIMEOUT" in r.stderr
