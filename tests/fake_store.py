"""A tiny scripted Graph Store Protocol and SPARQL server for failure tests: it answers each request to a
graph as its plan says (store it, 400, 415, 500, reset the connection, stay silent past the client's
timeout, store it and still answer 500 or reset, store only half of it or a changed copy, or answer an
error page that echoes the credentials) and records every request it saw, so tests can check retries,
methods, credentials and what the client reports."""

from __future__ import annotations

import socket
import struct
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

ACTIONS = ("ok", "400", "401-echo", "415", "500", "reset", "silent",
           "500-after-store", "reset-after-store", "half", "alter", "echo")
"""What a PUT can meet. "500-after-store" and "reset-after-store" store the graph, then answer 500 or reset
the connection; "half" stores the first half of the body's lines and "alter" the body with its last triple
replaced by another (both answer success); "echo" answers ``echo_status`` with ``echo(authorization)``."""

ALTERED = b'<http://example.org/altered> <http://example.org/by> "the fake store" .\n'
"""The triple "alter" stores in place of the body's last one."""


@dataclass(frozen=True)
class Seen:
    method: str
    path: str
    graph: str | None
    content_type: str | None
    authorization: str | None


@dataclass
class FakeStore:
    """``plan`` maps a graph IRI to the actions for its successive PUTs ("ok" once the list runs out);
    ``query_action`` says how /query answers: "html", "500", "silent" or "json"; ``read_action`` how a
    GET of a graph does: "ok" or "500"."""

    plan: dict[str, list[str]] = field(default_factory=dict)
    query_action: str = "json"
    read_action: str = "ok"  # "500": every GET of a graph fails
    silence: float = 1.0  # how long a "silent" request holds the connection
    echo: Callable[[str], str] = lambda authorization: f"bad credentials: {authorization}"
    echo_status: int = 400  # the status of an "echo" answer
    graphs: dict[str, bytes] = field(default_factory=dict)
    seen: list[Seen] = field(default_factory=list)
    url: str = ""
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def store_url(self) -> str:
        return self.url + "/store"

    @property
    def query_url(self) -> str:
        return self.url + "/query"

    def methods(self) -> set[str]:
        return {s.method for s in self.seen}

    def puts(self, graph: str) -> int:
        return sum(1 for s in self.seen if s.method == "PUT" and s.graph == graph)

    def next_action(self, graph: str) -> str:
        with self.lock:
            steps = self.plan.get(graph, [])
            return steps.pop(0) if steps else "ok"


def _handler(fake: FakeStore) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:  # keep test output clean
            pass

        def _record(self) -> str | None:
            parts = urlsplit(self.path)
            graph = parse_qs(parts.query).get("graph", [None])[0]
            with fake.lock:
                fake.seen.append(Seen(self.command, parts.path, graph, self.headers.get("Content-Type"),
                                      self.headers.get("Authorization")))
            return graph

        def _body(self) -> bytes:
            return self.rfile.read(int(self.headers.get("Content-Length") or 0))

        def _answer(self, code: int, body: bytes = b"", content_type: str = "text/plain") -> None:
            self.send_response(code)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _reset(self) -> None:
            # SO_LINGER with a zero timeout makes close() send RST: the client sees a connection reset
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
            self.close_connection = True

        def do_PUT(self) -> None:
            graph = self._record()
            body = self._body()
            action = fake.next_action(graph or "")
            if action == "ok":
                with fake.lock:
                    created = graph not in fake.graphs
                    fake.graphs[graph or ""] = body
                self._answer(201 if created else 204)
            elif action in ("500-after-store", "reset-after-store", "half", "alter"):
                lines = body.splitlines(keepends=True)
                stored = {"half": b"".join(lines[: len(lines) // 2]),
                          "alter": b"".join(lines[:-1]) + ALTERED}.get(action, body)
                with fake.lock:
                    created = graph not in fake.graphs
                    fake.graphs[graph or ""] = stored
                if action == "500-after-store":
                    self._answer(500, b"internal error after the commit")
                elif action == "reset-after-store":
                    self._reset()
                else:
                    self._answer(201 if created else 204)
            elif action == "echo":
                self._answer(fake.echo_status, fake.echo(self.headers.get("Authorization") or "").encode())
            elif action == "reset":
                self._reset()
            elif action == "silent":
                time.sleep(fake.silence)
                self.close_connection = True
            elif action == "401-echo":
                # a careless server that echoes the credentials it was sent
                self._answer(401, f"bad credentials: {self.headers.get('Authorization')}".encode())
            else:
                self._answer(int(action), f"refused by the fake store ({action})".encode())

        def do_GET(self) -> None:
            graph = self._record()
            if urlsplit(self.path).path == "/query":
                self._query()
                return
            with fake.lock:
                body = fake.graphs.get(graph or "")
            if fake.read_action == "500":
                self._answer(500, b"read failed")
            elif body is None:
                self._answer(404, b"no such graph")
            else:
                self._answer(200, body, "application/n-triples")

        def do_POST(self) -> None:
            self._record()
            self._body()
            if urlsplit(self.path).path == "/query":
                self._query()
            else:
                self._answer(405, b"this fake store does not accept POST")

        def _query(self) -> None:
            if fake.query_action == "html":
                self._answer(200, b"<html><body>Welcome!</body></html>", "text/html")
            elif fake.query_action == "500":
                self._answer(500, b"the engine ran out of memory")
            elif fake.query_action == "silent":
                time.sleep(fake.silence)
                self.close_connection = True
            else:
                self._answer(200, b'{"head": {"vars": ["x"]}, "results": {"bindings": []}}',
                             "application/sparql-results+json")

    return Handler


@contextmanager
def running(fake: FakeStore) -> Iterator[FakeStore]:
    """Serve ``fake`` on a free loopback port for the duration of the block."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(fake))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
