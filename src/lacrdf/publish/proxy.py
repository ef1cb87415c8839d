"""The HTTP front of ``lacrdf serve``: a small reverse proxy that applies guard.py's rules to each request
and forwards what passes to the Oxigraph process on a private loopback port, within a deadline. When a
request outlives it, the proxy answers 503 and has the Oxigraph process killed and restarted, since
Oxigraph cannot cancel a running query; that is what really frees the CPU."""

from __future__ import annotations

import http.client
import re
import socket
import socketserver
import sys
import time
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Protocol

from lacrdf.publish.guard import (
    FORM,
    SPARQL_QUERY,
    SPARQL_UPDATE,
    Policy,
    Refused,
    cross_site_write,
    form_fields,
    host_allowed,
    media_type,
    refuse_other_hosts,
)

CLIENT_TIMEOUT = 30.0  # seconds a client may pause while sending its request (slow clients hold a thread)
BUFFER = 1 << 20  # a response up to this size is sent whole, with Content-Length; a longer one is streamed
CHUNK = 64 * 1024
STATIC_PATHS = frozenset({"/", "/yasgui.min.css", "/yasgui.min.js", "/logo.svg"})
SPARQL_PATHS = frozenset({"/query", "/update", "/sparql"})
HOP_BY_HOP = frozenset({"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer",
                        "transfer-encoding", "upgrade", "expect", "content-length", "host"})
OWN_RESPONSE_HEADERS = HOP_BY_HOP | {"server", "date"}  # send_response() writes these two itself
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class Backend(Protocol):
    """The Oxigraph process the proxy forwards to (OxigraphServer)."""

    def backend(self, wait: float) -> tuple[int, int] | None:
        """(private port, generation) of the running process, waiting out a restart for at most ``wait``
        seconds; None if there is none."""

    def stop_runaway(self, generation: int) -> None:
        """Kill the process of that generation and start a new one on the same store."""


class _Timeout(Exception):
    """The request's deadline passed."""


class _ClientGone(Exception):
    """The client stopped sending its request body."""


class GuardedProxy(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self, address: tuple[str, int], policy: Policy, backend: Backend,
                 error_log: Path | None = None) -> None:
        self.address_family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
        self.policy = policy
        self.backend = backend
        self.bind_host = address[0]
        self.error_log = error_log
        super().__init__(address, _Handler)

    def handle_error(self, request: object, client_address: object) -> None:
        """A request that failed in a way the handler did not expect: into the error log, not the terminal
        (a client that resets its connection is not worth a traceback)."""
        error = sys.exc_info()[1]
        if isinstance(error, OSError) or self.error_log is None:
            return
        with open(self.error_log, "a", encoding="utf-8") as log:
            log.write(f"lacrdf proxy: request from {client_address}:\n{traceback.format_exc()}")

    def server_bind(self) -> None:
        # HTTPServer.server_bind would look up the host's FQDN, which may wait on DNS; the name is not used
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = str(self.server_address[0]), int(self.server_address[1])

    @property
    def port(self) -> int:
        return int(self.server_address[1])


class _Handler(BaseHTTPRequestHandler):
    server: GuardedProxy
    protocol_version = "HTTP/1.1"
    timeout = CLIENT_TIMEOUT
    _unread = 0  # bytes of the request body not read yet

    def version_string(self) -> str:
        return "lacrdf"

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's name
        """Quiet: ``lacrdf serve`` prints its URLs and nothing per request."""

    # every method goes through the same checks; Oxigraph answers the ones it does not know (405)
    def do_GET(self) -> None:
        self._handle()

    do_HEAD = do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = do_QUERY = do_GET

    def handle_expect_100(self) -> bool:
        """Refuse a too large or misdirected body before the client sends it (curl waits for this)."""
        try:
            self._check_head()
        except Refused as refusal:
            self._unread = 0  # the client waits for this answer before it sends the body
            self._refuse(refusal)
            return False
        return super().handle_expect_100()

    # -- checks -------------------------------------------------------------------------------------------
    @property
    def _policy(self) -> Policy:
        return self.server.policy

    def _route(self) -> tuple[str, str]:
        path, _, query = self.path.partition("?")
        return path, query

    def _check_head(self) -> int:
        """Checks on the request line and headers alone; the body's length."""
        policy, path = self._policy, self._route()[0]
        announced = self.headers.get("Content-Length", "").strip()
        self._unread = int(announced) if _DIGITS.fullmatch(announced) else 0
        hosts = self.headers.get_all("Host") or []
        if len(hosts) != 1:
            raise Refused(400, "a request needs exactly one Host header")
        if not host_allowed(hosts[0], policy, self.server.bind_host, self.server.port):
            raise Refused(421, f"this server does not answer for the host {hosts[0].strip()!r} (the operator can "
                          "add a name with 'lacrdf serve --public-name NAME')")
        if path not in STATIC_PATHS and path not in SPARQL_PATHS and not path.startswith("/store"):
            raise Refused(404, f"no such endpoint: {path} (the SPARQL endpoint is /query)")
        if self.headers.get_all("Transfer-Encoding"):
            raise Refused(411, "send the request body with a Content-Length, not chunked")
        lengths = self.headers.get_all("Content-Length") or []
        if len(lengths) > 1 or (lengths and not _DIGITS.fullmatch(lengths[0].strip())):
            raise Refused(400, "a request needs at most one valid Content-Length header")
        length = int(lengths[0]) if lengths else 0
        upload = self._is_store_write(path)
        if (upload or (path == "/update" and self.command not in READ_METHODS)) and not policy.writable:
            raise Refused(403, _read_only())
        limit, option = (policy.max_upload, "--max-upload") if upload else (policy.max_body, "--max-body")
        if length > limit:
            raise Refused(413, f"the request body has {length} bytes; this server takes at most {limit} ({option})")
        return length

    def _is_store_write(self, path: str) -> bool:
        return path.startswith("/store") and self.command not in READ_METHODS

    def _check_sparql(self, path: str, url_query: str, body: bytes) -> bool:
        """Refuse SERVICE/LOAD to other hosts in every text Oxigraph could read from this request; whether
        it is an update."""
        content_type = media_type(self.headers.get("Content-Type"))
        if len(self.headers.get_all("Content-Type") or []) > 1:
            raise Refused(400, "a request needs at most one Content-Type header")
        fields = form_fields(url_query.encode("latin-1", "replace"))
        is_update = path == "/update" and self.command not in READ_METHODS
        if self.command in ("POST", "QUERY") and path in SPARQL_PATHS:
            if content_type == FORM:
                fields += form_fields(body)
            elif content_type == SPARQL_QUERY and path != "/update":
                refuse_other_hosts(body.decode("utf-8", "replace"), update=False, policy=self._policy)
            elif content_type == SPARQL_UPDATE and path != "/query" and self.command == "POST":
                refuse_other_hosts(body.decode("utf-8", "replace"), update=True, policy=self._policy)
                is_update = True
            else:
                # a type the checks cannot read is not passed on: Oxigraph might read it some other way
                raise Refused(415, f"unsupported Content-Type {content_type or '(none)'}: send a query as "
                              f"{SPARQL_QUERY} or {FORM}, an update as {SPARQL_UPDATE}")
        for key, value in fields:
            if key == "query":
                refuse_other_hosts(value, update=False, policy=self._policy)
            elif key == "update":
                refuse_other_hosts(value, update=True, policy=self._policy)
                is_update = is_update or (path == "/sparql" and self.command == "POST")
        return is_update

    # -- the exchange -------------------------------------------------------------------------------------
    def _handle(self) -> None:
        started = time.monotonic()
        try:
            length = self._check_head()
            path, url_query = self._route()
            store_write = self._is_store_write(path)
            # a write by its path and method is checked before its body is read; at /sparql, a form or
            # content type makes it one
            known_write = store_write or (path == "/update" and self.command not in READ_METHODS)
            if known_write:
                self._refuse_cross_site()
            body = b"" if store_write else self._read_body(length)
            is_update = path in SPARQL_PATHS and self._check_sparql(path, url_query, body)
            if is_update and not known_write:
                if not self._policy.writable:
                    raise Refused(403, _read_only())
                self._refuse_cross_site()
            self._forward(body, length if store_write else None, started + self._policy.query_timeout)
        except Refused as refusal:
            self._refuse(refusal)
        except (ConnectionError, TimeoutError):
            self.close_connection = True  # the client went away or stalled; nothing to answer

    def _refuse_cross_site(self) -> None:
        reason = cross_site_write(self.headers, media_type(self.headers.get("Content-Type")), self._policy,
                                  self.server.bind_host, self.server.port)
        if reason:
            raise Refused(403, reason)

    def _read_body(self, length: int) -> bytes:
        body = self.rfile.read(length) if length else b""
        self._unread = 0
        if len(body) != length:
            self.close_connection = True
            raise ConnectionError("the client sent less than its Content-Length")
        return body

    def _forward(self, body: bytes, stream_length: int | None, deadline: float) -> None:
        current = self.server.backend.backend(_left(deadline))
        if current is None:
            raise Refused(503, "the SPARQL server is not running")
        port, generation = current
        upstream = http.client.HTTPConnection("127.0.0.1", port, timeout=_left(deadline))
        try:
            try:
                self._send(upstream, body, stream_length, deadline)
            except _ClientGone:
                self.close_connection = True  # closing the upstream connection abandons the request
                return
            except ValueError as exc:  # a header value or path http.client will not send (CR/LF, spaces)
                raise Refused(400, f"invalid request: {exc}") from None
            except (_Timeout, TimeoutError):
                # still sending: Oxigraph has not started the work, closing the connection abandons it
                raise Refused(503, _timed_out(self._policy, restarted=False)) from None
            except (OSError, http.client.HTTPException):
                # the process was restarted (another request's query ran out of time) or stopped
                raise Refused(503, _restarted()) from None
            try:
                response = self._response(upstream, deadline)
            except _Timeout:
                self.server.backend.stop_runaway(generation)
                raise Refused(503, _timed_out(self._policy)) from None
            except (OSError, http.client.HTTPException):
                raise Refused(503, _restarted()) from None
            self._relay(response, upstream, deadline, generation)
        finally:
            upstream.close()

    def _send(self, upstream: http.client.HTTPConnection, body: bytes, stream_length: int | None,
              deadline: float) -> None:
        upstream.putrequest(self.command, self.path, skip_host=True, skip_accept_encoding=True)
        upstream.putheader("Host", self.headers["Host"])
        for key, value in self.headers.items():
            if key.lower() not in HOP_BY_HOP:
                upstream.putheader(key, value)
        length = stream_length if stream_length is not None else len(body)
        if length or self.command not in READ_METHODS:
            upstream.putheader("Content-Length", str(length))
        upstream.endheaders()
        if stream_length is not None:
            self._stream_body(upstream, stream_length, deadline)
        elif body:
            _set_timeout(upstream, deadline)
            upstream.send(body)

    def _stream_body(self, upstream: http.client.HTTPConnection, length: int, deadline: float) -> None:
        left = length
        while left:
            try:
                chunk = self.rfile.read(min(CHUNK, left))
            except OSError:  # reset, or silent for CLIENT_TIMEOUT
                chunk = b""
            if not chunk:
                raise _ClientGone
            _set_timeout(upstream, deadline)
            upstream.send(chunk)
            left -= len(chunk)
            self._unread = left

    def _response(self, upstream: http.client.HTTPConnection, deadline: float) -> http.client.HTTPResponse:
        _set_timeout(upstream, deadline)
        try:
            return upstream.getresponse()
        except TimeoutError:
            raise _Timeout from None

    def _relay(self, response: http.client.HTTPResponse, upstream: http.client.HTTPConnection, deadline: float,
               generation: int) -> None:
        """Send Oxigraph's answer on: whole if short, else streamed in chunks."""
        status, reason = response.status, response.reason
        headers = [(k, v) for k, v in response.getheaders() if k.lower() not in OWN_RESPONSE_HEADERS]
        if self.command == "HEAD" or status in (204, 304) or 100 <= status < 200:
            self.send_response(status, reason)
            for key, value in response.getheaders():
                if key.lower() == "content-length" or key.lower() not in OWN_RESPONSE_HEADERS:
                    self.send_header(key, value)
            self.end_headers()
            return
        buffered = bytearray()
        complete = False
        try:
            while len(buffered) < BUFFER:
                chunk = _read(response, upstream, deadline)
                if not chunk:
                    complete = True
                    break
                buffered += chunk
        except _Timeout:
            self.server.backend.stop_runaway(generation)
            raise Refused(503, _timed_out(self._policy)) from None
        except (OSError, http.client.HTTPException):
            raise Refused(503, _restarted()) from None
        self.send_response(status, reason)
        for key, value in headers:
            self.send_header(key, value)
        if complete:
            self.send_header("Content-Length", str(len(buffered)))
            self.end_headers()
            self.wfile.write(buffered)
            return
        chunked = self.request_version != "HTTP/1.0"
        if chunked:
            self.send_header("Transfer-Encoding", "chunked")
        else:
            self.close_connection = True
        self.end_headers()
        client_gone = False
        chunk = bytes(buffered)
        try:
            while chunk:
                if not client_gone:
                    try:
                        self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk) if chunked else chunk)
                    except OSError:
                        # keep reading, discarding, until the answer ends or the deadline: the work
                        # behind it must stop either way
                        client_gone = True
                chunk = _read(response, upstream, deadline)
        except _Timeout:
            # too late for a status: the connection closes without the last chunk, so the client sees an
            # incomplete answer, never a short one that looks whole
            self.server.backend.stop_runaway(generation)
            self.close_connection = True
            return
        except (OSError, http.client.HTTPException):
            self.close_connection = True
            return
        if client_gone:
            self.close_connection = True
        elif chunked:
            self.wfile.write(b"0\r\n\r\n")

    def _refuse(self, refusal: Refused) -> None:
        """Answer with the refusal's status and line, and close: what is left of the request is not read."""
        body = (refusal.message + "\n").encode("utf-8")
        self.close_connection = True
        try:
            self.send_response(refusal.status)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Connection", "close")
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)
            self.wfile.flush()
        except OSError:
            return
        if getattr(self, "_unread", 0):
            _drain(self.connection)


_DIGITS = re.compile(r"[0-9]{1,18}")


def _read(response: http.client.HTTPResponse, upstream: http.client.HTTPConnection, deadline: float) -> bytes:
    _set_timeout(upstream, deadline)
    try:
        return response.read1(CHUNK)
    except TimeoutError:
        raise _Timeout from None


def _left(deadline: float) -> float:
    return max(0.001, deadline - time.monotonic())


def _set_timeout(upstream: http.client.HTTPConnection, deadline: float) -> None:
    left = deadline - time.monotonic()
    if left <= 0:
        raise _Timeout
    if upstream.sock is not None:
        upstream.sock.settimeout(left)


def _drain(connection: socket.socket) -> None:
    """After a 413: stop sending, and read (a bounded amount, for a bounded time) what the client is still
    sending, so that closing does not reset the connection before the client has read the answer."""
    try:
        connection.shutdown(socket.SHUT_WR)
        connection.settimeout(0.5)
        for _ in range(16):
            if not connection.recv(CHUNK):
                break
    except OSError:
        pass


def _read_only() -> str:
    return ("this SPARQL server is read-only: updates and Graph Store writes are refused "
            "(start it with 'lacrdf serve --writable' to accept them)")


def _restarted() -> str:
    return "the SPARQL server restarted while answering (another request ran out of time); send it again"


def _timed_out(policy: Policy, restarted: bool = True) -> str:
    line = f"the request took longer than {policy.query_timeout:g} s (--query-timeout) and was stopped"
    return line + ("; the server restarted to free the CPU" if restarted else "")
