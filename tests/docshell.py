"""``partnergraph`` for the docs' transcripts, started once and forked per command (tests/test_doc_examples.py).

A fresh ``partnergraph`` process spends most of a second importing click, rdflib and networkx; the docs run
about a hundred commands. ``serve SOCKET`` imports the CLI once and listens on a Unix socket; ``client SOCKET
ARGS…`` (the ``partnergraph`` on the transcripts' PATH, run by ``python -S -E``: the standard library only) hands
it its terminal (file descriptors 0, 1, 2), folder, environment and arguments. The server forks a child that takes
them over — the same terminal, so the CLI sees what a user's terminal gives it — runs the command as the console
script does and sends back its exit status, which the client exits with. A client that goes away takes its
child with it; stopping the server (SIGTERM) ends every child still running, and the server stops by itself
when the process that started it is gone.
"""

from __future__ import annotations

import json
import os
import select
import signal
import socket
import sys


def _run(conn: socket.socket, request: dict, fds: list[int]) -> int:
    """In the forked child: become the command the client stands for, run it, return its exit status."""
    import atexit
    import io

    for target, fd in zip((0, 1, 2), fds, strict=True):
        os.dup2(fd, target)
        os.close(fd)
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    # what a fresh interpreter builds on these descriptors (the harness sets LC_ALL=C.UTF-8, PYTHONUNBUFFERED=1)
    sys.stdin = io.TextIOWrapper(io.BufferedReader(io.FileIO(0, "r", closefd=False)), encoding="utf-8")
    sys.stdout = io.TextIOWrapper(io.FileIO(1, "w", closefd=False), encoding="utf-8", write_through=True)
    sys.stderr = io.TextIOWrapper(io.FileIO(2, "w", closefd=False), encoding="utf-8",
                                  errors="backslashreplace", write_through=True)
    sys.argv = ["partnergraph", *request["args"]]
    code = 0
    try:
        from partnergraph.cli import main

        main(args=request["args"], prog_name="partnergraph")
    except SystemExit as e:
        code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
        if not isinstance(e.code, int | None):
            print(e.code, file=sys.stderr)
    except BaseException:  # what the interpreter prints for an uncaught exception, and its status
        import traceback

        traceback.print_exc()
        code = 1
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a pipe closed early, a stream the command closed
            pass
    atexit._run_exitfuncs()
    return code


def serve(path: str, parent: int) -> None:
    import partnergraph.cli  # noqa: F401  (what every command needs, imported once)

    # what the commands import lazily: the graph, the RDF, the bibliography, the maps' and the charts' libraries
    for name in ("networkx", "rdflib", "pyoxigraph", "bibtexparser", "jinja2", "pyvis.network", "matplotlib.figure"):
        try:
            __import__(name)
        except ImportError:
            pass
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path)
    listener.listen(16)
    children: dict[int, socket.socket] = {}

    def stop(*_):
        for pid in children:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        os._exit(0)

    signal.signal(signal.SIGTERM, stop)
    while True:
        ready, _, _ = select.select([listener, *children.values()], [], [], 0.5)
        if os.getppid() != parent:  # the test run is gone without stopping us
            stop()
        while children:  # reap
            pid, _ = os.waitpid(-1, os.WNOHANG)
            if pid == 0:
                break
            children.pop(pid).close()
        for sock in ready:
            if sock is listener:
                conn, _ = listener.accept()
                message, fds, _, _ = socket.recv_fds(conn, 1 << 20, 3)
                request = json.loads(message)
                pid = os.fork()
                if pid == 0:
                    listener.close()
                    for other in children.values():
                        other.close()
                    code = _run(conn, request, fds)
                    try:
                        conn.sendall(f"{code}\n".encode())
                    except OSError:
                        pass
                    os._exit(code)
                for fd in fds:
                    os.close(fd)
                children[pid] = conn
            else:  # the client went away (or has its status): its child goes too
                for pid, conn in list(children.items()):
                    if conn is sock:
                        try:
                            os.kill(pid, signal.SIGKILL)
                        except ProcessLookupError:
                            pass


def client(path: str, args: list[str]) -> int:
    conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    conn.connect(path)
    request = {"args": args, "cwd": os.getcwd(), "env": dict(os.environ)}
    socket.send_fds(conn, [json.dumps(request).encode()], [0, 1, 2])
    answer = b""
    while not answer.endswith(b"\n") and (chunk := conn.recv(64)):  # the status, not the end of the connection:
        answer += chunk                                              # the server holds it until it reaps the child
    return int(answer) if answer.endswith(b"\n") else 1


if __name__ == "__main__":
    if sys.argv[1] == "serve":
        serve(sys.argv[2], int(sys.argv[3]))  # the pid of the process that started it
    else:
        sys.exit(client(sys.argv[2], sys.argv[3:]))
