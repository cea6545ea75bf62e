"""HTTP for the shared store: one request bounded as a whole, an answer bounded in size, credentials never shown.

:func:`send` makes one HTTP request with the standard library (``http.client``) and returns an :class:`Answer`.

- **One deadline for the whole request.** A socket timeout bounds each read, so a server that sends one byte a
  second keeps a reader busy for ever; here a watchdog closes the connection when the request's time is up —
  whether it is connecting, sending, waiting for the status line, the headers or the body.
- **A size limit** on the answer: an announced ``Content-Length`` above it is refused before the body is read; a
  body without one is read in blocks and refused as soon as it passes the limit.
- **Credentials** from the URL's user info (``http://USER:PASSWORD@host/…``) or given apart answer a Basic or
  Digest challenge (RFC 7617, RFC 7616: MD5, MD5-sess, SHA-256); each request keeps its own authentication
  state. Messages name the URL without them.

Every failure raises :class:`~partnergraph.errors.StoreError` (or :class:`~partnergraph.errors.QueryError` for
an HTTP 400) whose message is one line naming the URL.
"""

from __future__ import annotations

import hashlib
import http.client
import math
import os
import re
import secrets
import socket
import threading
import time
import urllib.parse
from base64 import b64encode
from dataclasses import dataclass

from ..core.errors import PartnergraphError, QueryError, StoreError

__all__ = ["DEFAULT_MAX_BYTES", "DEFAULT_TIMEOUT", "Answer", "Limits", "http_error", "human_bytes", "send",
           "split_credentials"]

DEFAULT_TIMEOUT = 30.0
DEFAULT_MAX_BYTES = 250_000_000
_BLOCK = 1 << 16


@dataclass(frozen=True, slots=True)
class Limits:
    """How long one request may take in all (seconds) and how large its answer may be (bytes)."""

    timeout: float = DEFAULT_TIMEOUT
    max_bytes: int = DEFAULT_MAX_BYTES

    @classmethod
    def from_env(cls, timeout: float | None = None, max_bytes: int | None = None) -> Limits:
        """``timeout``/``max_bytes`` if given, else ``$PARTNERGRAPH_STORE_TIMEOUT`` / ``$PARTNERGRAPH_STORE_MAX_BYTES``,
        else 30 s and 250 MB. A value that is no positive finite number is refused.

        >>> Limits.from_env(5, 1000)
        Limits(timeout=5.0, max_bytes=1000)
        """
        return cls(_positive("PARTNERGRAPH_STORE_TIMEOUT", timeout, DEFAULT_TIMEOUT, float),
                   int(_positive("PARTNERGRAPH_STORE_MAX_BYTES", max_bytes, DEFAULT_MAX_BYTES, int)))


def _positive(name: str, given, default, kind):
    raw = given if given is not None else os.environ.get(name, "")
    if raw in ("", None):
        return kind(default)
    try:
        value = kind(raw)
    except (TypeError, ValueError):
        value = None
    if value is None or not math.isfinite(value) or value <= 0:
        what = "a number of seconds" if kind is float else "a number of bytes"
        raise StoreError(f"{name}={raw!r} is not {what} above 0",
                         hint=f"set {name} to a positive number, e.g. {name}={kind(default)}")
    return value


@dataclass(frozen=True, slots=True)
class Answer:
    """An HTTP answer read whole (within the limits)."""

    status: int
    reason: str
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def content_type(self) -> str:
        """The media type, lower case, without parameters (``''`` when the server named none)."""
        return (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()


def split_credentials(url: str) -> tuple[str, tuple[str, str] | None]:
    """``http://u:p@host/x`` → (``http://host/x``, (``u``, ``p``)): what may be shown, and the credentials.

    >>> split_credentials("http://alice:s%40cret@127.0.0.1:8890/sparql")
    ('http://127.0.0.1:8890/sparql', ('alice', 's@cret'))
    >>> split_credentials("http://127.0.0.1:7878")
    ('http://127.0.0.1:7878', None)
    """
    parts = urllib.parse.urlsplit(url)
    if parts.username is None and parts.password is None:
        return url, None
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    netloc = host + (f":{parts.port}" if parts.port else "")
    shown = urllib.parse.urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))
    return shown, (urllib.parse.unquote(parts.username or ""), urllib.parse.unquote(parts.password or ""))


def human_bytes(n: int) -> str:
    """
    >>> human_bytes(1_000_000), human_bytes(250_000_000), human_bytes(1500), human_bytes(10 * 1024 ** 3)
    ('1 MB', '250 MB', '1.5 kB', '10.7 GB')
    """
    for unit, size in (("GB", 10 ** 9), ("MB", 10 ** 6), ("kB", 10 ** 3)):
        if n >= size:
            text = f"{n / size:.1f}".rstrip("0").rstrip(".")
            return f"{text} {unit}"
    return f"{n} bytes"


class _Expired(Exception):
    pass


class _TooLarge(Exception):
    def __init__(self, size: int | None):
        self.size = size


def send(url: str, *, method: str = "GET", body: bytes | None = None, headers: dict | None = None,
         limits: Limits | None = None, credentials: tuple[str, str] | None = None, shown: str | None = None,
         accept_status=(200, 201, 204), auth_state: dict | None = None) -> Answer:
    """One HTTP request to ``url`` (its user info, or ``credentials``, answer an authentication challenge).

    Returns the :class:`Answer` when its status is in ``accept_status``; raises :class:`StoreError` otherwise,
    and when the server cannot be reached, takes longer than ``limits.timeout`` in all, or answers with more
    than ``limits.max_bytes``. Messages name ``shown`` (default: ``url`` without its credentials).

    ``auth_state`` (a dict kept by the caller for one server) remembers the last challenge: the next request
    answers it at once (Digest with the next nonce count), so that a large body is not sent to be refused — a
    server that refuses it before reading it (Virtuoso) closes the connection while it is still being sent.
    """
    limits = limits or Limits.from_env()
    plain, from_url = split_credentials(url)
    creds = credentials or from_url
    name = split_credentials(shown)[0] if shown else plain
    deadline = time.monotonic() + limits.timeout
    headers = dict(headers or {})
    first = headers
    if creds is not None and auth_state and auth_state.get("challenge"):
        auth_state["nc"] = auth_state.get("nc", 1) + 1
        early = _answer_challenge(auth_state["challenge"], creds, method, plain, auth_state["nc"])
        if early:
            first = {**headers, "Authorization": early}
    answer = _attempt(plain, method, body, first, limits, deadline, name)
    if answer.status == 401 and creds is not None:
        auth = _authorization(answer, creds, method, plain, auth_state)
        if auth is not None:
            answer = _attempt(plain, method, body, {**headers, "Authorization": auth}, limits, deadline, name)
            if answer.status == 401:
                raise StoreError(f"{name}: the store refused the credentials (401 {answer.reason})",
                                 hint="check the user name and password (given in the URL as "
                                      "http://USER:PASSWORD@HOST/… or in PARTNERGRAPH_STORE_USER and "
                                      "PARTNERGRAPH_STORE_PASSWORD)")
    if answer.status in accept_status:
        return answer
    raise http_error(name, answer)


def http_error(name: str, answer: Answer) -> PartnergraphError:
    """The error for an answer whose status says the request failed: one line, the server's words shortened."""
    code, reason = answer.status, answer.reason
    detail = ""
    if answer.content_type not in ("text/html", "application/xhtml+xml"):
        detail = " ".join(answer.body[:2000].decode("utf-8", "replace").split())
    else:
        m = re.search(rb"<(?:xmp|pre|h3|title)[^>]*>(.*?)</", answer.body[:20000], re.S | re.I)
        if m:
            detail = " ".join(m.group(1).decode("utf-8", "replace").split())
    detail = detail[:300]
    msg = f"{name}: the store answered {code} {reason}".rstrip() + (f": {detail}" if detail else "")
    if code == 400:
        return QueryError(msg, hint="the server rejected the request; check the query's syntax")
    if code == 401:
        return StoreError(msg, hint="the store needs credentials: give them in the URL (http://USER:PASSWORD@HOST/…) "
                                    "or in PARTNERGRAPH_STORE_USER and PARTNERGRAPH_STORE_PASSWORD")
    if code == 403:
        return StoreError(msg, hint="the store does not let this user do that (for Virtuoso writes, see "
                                    "docs/teams.md)")
    if code == 404:
        return StoreError(msg, hint="check the endpoint path (docs/teams.md lists each server's URLs)")
    if code in (405, 415):
        return StoreError(msg, hint="the endpoint does not take this kind of request: see docs/teams.md for "
                                    "PARTNERGRAPH_STORE_METHOD and --graph-store")
    return StoreError(msg, hint="see the server's log; nothing was changed by a request that failed")


def _attempt(url: str, method: str, body: bytes | None, headers: dict, limits: Limits, deadline: float,
             name: str) -> Answer:
    parts = urllib.parse.urlsplit(url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise _slow(name, limits)
    cls = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    try:
        conn = cls(parts.hostname or "", parts.port, timeout=remaining)
    except (ValueError, http.client.InvalidURL) as exc:
        raise StoreError(f"{name}: not a URL partnergraph can use ({exc})") from None
    expired = threading.Event()

    def expire():
        expired.set()
        sock = conn.sock
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    watchdog = threading.Timer(remaining, expire)
    watchdog.daemon = True
    watchdog.start()
    try:
        try:
            conn.request(method, target, body=body, headers=headers)
        except (BrokenPipeError, ConnectionResetError):
            if expired.is_set():
                raise
            # the server answered before reading the whole body (a refusal, often 401) and closed: read it
        resp = conn.getresponse()
        answer = _read(resp, limits, deadline)
        if expired.is_set():
            raise _Expired
        return answer
    except _TooLarge as exc:
        size = f" ({human_bytes(exc.size)} announced)" if exc.size else ""
        raise StoreError(f"{name}: the answer is larger than the {human_bytes(limits.max_bytes)} limit{size}; "
                         f"nothing was read past it",
                         hint="ask for less, or raise PARTNERGRAPH_STORE_MAX_BYTES (bytes)") from None
    except _Expired:
        raise _slow(name, limits) from None
    except (OSError, http.client.HTTPException, ValueError) as exc:
        if expired.is_set() or isinstance(exc, TimeoutError):
            raise _slow(name, limits) from None
        if isinstance(exc, ConnectionRefusedError) or isinstance(getattr(exc, "__cause__", None),
                                                                   ConnectionRefusedError):
            raise StoreError(f"{name}: cannot reach the store ({_why(exc)})",
                             hint="is the server running? (e.g. 'oxigraph serve --location DIR "
                                  "--bind 127.0.0.1:7878')") from None
        if isinstance(exc, socket.gaierror):
            raise StoreError(f"{name}: cannot reach the store (unknown host: {_why(exc)})",
                             hint="check the host name in the URL") from None
        if isinstance(exc, (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError,
                            http.client.IncompleteRead)):
            raise StoreError(f"{name}: the store closed the connection before answering in full ({_why(exc)})",
                             hint="see the server's log; it may have stopped, or it refuses requests this large"
                             ) from None
        if isinstance(exc, OSError) and not isinstance(exc, http.client.HTTPException):
            raise StoreError(f"{name}: cannot reach the store ({_why(exc)})",
                             hint="is the server running, and is the URL right?") from None
        raise StoreError(f"{name}: the answer is not HTTP ({_why(exc)})",
                         hint="is this the SPARQL endpoint's URL (see docs/teams.md)?") from None
    finally:
        watchdog.cancel()
        conn.close()


def _why(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text[:200]


def _slow(name: str, limits: Limits) -> StoreError:
    return StoreError(f"{name}: no complete answer within {limits.timeout:g} s",
                      hint="the server is slow or stuck; try again, or raise PARTNERGRAPH_STORE_TIMEOUT (seconds)")


def _read(resp: http.client.HTTPResponse, limits: Limits, deadline: float) -> Answer:
    length = resp.getheader("Content-Length")
    if length is not None:
        try:
            announced = int(length)
        except ValueError:
            announced = None
        if announced is not None and announced > limits.max_bytes:
            raise _TooLarge(announced)
    chunks, size = [], 0
    while True:
        if time.monotonic() > deadline:
            raise _Expired
        block = resp.read1(_BLOCK) if hasattr(resp, "read1") else resp.read(_BLOCK)
        if not block:
            break
        size += len(block)
        if size > limits.max_bytes:
            raise _TooLarge(None)
        chunks.append(block)
    return Answer(resp.status, resp.reason or "", resp.headers, b"".join(chunks))


# ---------------------------------------------------------------- authentication
def _challenges(answer: Answer) -> list[tuple[str, dict[str, str]]]:
    out = []
    for value in answer.headers.get_all("WWW-Authenticate") or []:
        for m in re.finditer(r"(Basic|Digest)\s+((?:[A-Za-z0-9_-]+\s*=\s*(?:\"(?:[^\"\\]|\\.)*\"|[^,\s]*)\s*,?\s*)*)",
                             value, re.I):
            params = {k.lower(): v.strip('"').replace('\\"', '"')
                      for k, v in re.findall(r"([A-Za-z0-9_-]+)\s*=\s*(\"(?:[^\"\\]|\\.)*\"|[^,\s]*)", m.group(2))}
            out.append((m.group(1).lower(), params))
    return out


def _authorization(answer: Answer, creds: tuple[str, str], method: str, url: str,
                   state: dict | None = None) -> str | None:
    """The ``Authorization`` header answering the server's challenge (Digest preferred to Basic); the challenge
    is remembered in ``state``."""
    challenges = _challenges(answer)
    chosen = next(((s, p) for s, p in challenges if s == "digest" and p.get("nonce")), None) or next(
        ((s, p) for s, p in challenges if s == "basic"), None)
    if chosen is None:
        return None
    if state is not None:
        state["challenge"], state["nc"] = chosen, 1
    return _answer_challenge(chosen, creds, method, url, 1)


def _answer_challenge(challenge: tuple[str, dict], creds: tuple[str, str], method: str, url: str,
                      nc: int) -> str | None:
    scheme, params = challenge
    user, password = creds
    if scheme == "digest":
        return _digest(params, user, password, method, url, nc)
    if scheme == "basic":
        return "Basic " + b64encode(f"{user}:{password}".encode()).decode("ascii")
    return None


def _digest(p: dict[str, str], user: str, password: str, method: str, url: str, nc_count: int = 1) -> str:
    algorithm = p.get("algorithm", "MD5")
    base = algorithm.upper().removesuffix("-SESS")
    hasher = {"MD5": hashlib.md5, "SHA-256": hashlib.sha256}.get(base, hashlib.md5)

    def h(text: str) -> str:
        return hasher(text.encode("utf-8")).hexdigest()

    parts = urllib.parse.urlsplit(url)
    uri = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    realm, nonce = p.get("realm", ""), p["nonce"]
    cnonce, nc = secrets.token_hex(8), f"{nc_count:08x}"
    ha1 = h(f"{user}:{realm}:{password}")
    if algorithm.upper().endswith("-SESS"):
        ha1 = h(f"{ha1}:{nonce}:{cnonce}")
    ha2 = h(f"{method}:{uri}")
    qops = [q.strip() for q in p.get("qop", "").split(",") if q.strip()]
    if "auth" in qops:
        response = h(f"{ha1}:{nonce}:{nc}:{cnonce}:auth:{ha2}")
        extra = f', qop=auth, nc={nc}, cnonce="{cnonce}"'
    else:
        response = h(f"{ha1}:{nonce}:{ha2}")
        extra = ""
    fields = (f'Digest username="{user}", realm="{realm}", nonce="{nonce}", uri="{uri}", '
              f'response="{response}", algorithm={algorithm}{extra}')
    if "opaque" in p:
        fields += f', opaque="{p["opaque"]}"'
    return fields
