"""``lacrdf serve --site``: a small standard-library HTTP server for a built site, answering each request
with exactly the file the generated Apache and nginx rules would (see conneg.py). Blocking; port 0 picks a
free port; Ctrl-C, SIGTERM, SIGHUP (or the optional ``stop`` event) end it cleanly.

Safe to leave running: it serves no file whose real path is outside the site folder, times out idle and
slow clients, answers over-long requests 414 and over-long names 404, and logs one line per request."""

from __future__ import annotations

import io
import logging
import os
import signal
import socket
import stat
import sys
import threading
import time
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import unquote, urlsplit

from lacrdf.errors import InputError
from lacrdf.publish.site.conneg import resolve

NOT_FOUND = (b'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>Not found</title></head>'
             b"<body><h1>Not found</h1><p>No resource has this IRI. Start from the "
             b'<a href="/">home page</a>.</p></body></html>\n')

IDLE_TIMEOUT = 10.0
"""Seconds a connection may stay silent: waiting for a request, or between two reads or writes."""
HEADER_TIMEOUT = 20.0
"""Seconds from a request's first byte to the end of its headers, however steadily they trickle in."""
LINGER = 2.0
"""Seconds to read and drop what a client still sends after an error answer that closes the connection:
closing with unread input would reset the connection, and the client could lose the answer."""
MAX_REQUEST_LINE = 8190
"""Bytes of the request line (Apache's LimitRequestLine); a longer one is answered 414."""
SMALL_FILE = 64 * 1024
"""Files up to this size go out in the same send as the headers; larger ones by sendfile."""
BACKLOG = max(socket.SOMAXCONN, 128)
"""Connections the kernel queues before accept: a burst of connects must not wait for SYN retries."""

_LOGGER = logging.getLogger(__name__)
_HANG_UPS = (ConnectionError, TimeoutError)
"""What a client that goes away or goes quiet raises: not a fault of the server, so never a traceback."""
_UNPRINTABLE = str.maketrans({c: f"\\x{c:02x}" for c in (*range(0x20), *range(0x7F, 0xA0))})


class _TooSlow(TimeoutError):
    """The request line and headers did not arrive within HEADER_TIMEOUT."""


class _PacedReader(io.RawIOBase):
    """The socket's raw reader, with a deadline: while it is set, each read waits only for the time left,
    so a client sending one byte a second cannot hold a thread past the deadline."""

    def __init__(self, sock: socket.socket, idle: float) -> None:
        super().__init__()
        self._sock = sock
        self._idle = idle
        self.deadline: float | None = None

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self.deadline is None:
            return self._sock.recv_into(buffer)
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise _TooSlow("request headers too slow")
        self._sock.settimeout(min(self._idle, left))
        try:
            return self._sock.recv_into(buffer)
        except TimeoutError:  # too slow in all, or silent mid-request: either way the answer is 408
            raise _TooSlow("request headers too slow") from None


class _SocketWriter(io.BufferedIOBase):
    """Each write is one sendall (http.server writes its 100 Continue through this)."""

    def __init__(self, sock: socket.socket) -> None:
        super().__init__()
        self._sock = sock

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        self._sock.sendall(data)
        return len(data)


def _request_path(target: str) -> str | None:
    """The path, still percent-encoded, of a request target in origin form (``/p?q``) or absolute form
    (``http://host/p``); None for any other form."""
    if target.startswith("/"):
        return target.split("?", 1)[0].split("#", 1)[0]
    if target.lower().startswith(("http://", "https://")):
        return urlsplit(target).path or "/"
    return None


def _drain(sock: socket.socket) -> None:
    """Half-close, then read and drop the client's input for at most LINGER seconds (a lingering close)."""
    deadline = time.monotonic() + LINGER
    try:
        sock.shutdown(socket.SHUT_WR)
        for _ in range(64):  # at most 4 MiB
            left = deadline - time.monotonic()
            if left <= 0:
                return
            sock.settimeout(left)
            if not sock.recv(65536):
                return
    except OSError:  # reset or timed out: nothing more to wait for
        return


def _name_max(root: Path) -> int:
    try:
        return os.pathconf(root, "PC_NAME_MAX")
    except (OSError, ValueError, AttributeError):
        return 255


def _handler(root: Path, log: Callable[[str], None], idle: float,
             header_time: float) -> type[BaseHTTPRequestHandler]:
    name_max = _name_max(root)

    class SiteHandler(BaseHTTPRequestHandler):
        server_version = "lacrdf-site"
        protocol_version = "HTTP/1.1"

        def setup(self) -> None:
            self.connection = self.request
            self.connection.settimeout(idle)
            # every response goes out in whole sendalls; without Nagle the last one is not held back
            # waiting for the client's delayed ACK of the one before (40 ms per keep-alive request)
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self._reader = _PacedReader(self.connection, idle)
            self.rfile = io.BufferedReader(self._reader)
            self.wfile = _SocketWriter(self.connection)
            self._linger = False

        def finish(self) -> None:
            if self._linger:
                _drain(self.connection)
            super().finish()

        def handle_one_request(self) -> None:
            self._status: int | None = None
            self._body_bytes = 0
            self.command, self.path, self.requestline = "", "", ""  # for the log line, if the request is bad
            try:
                self._read_and_answer()
            except _TooSlow:
                self._error(HTTPStatus.REQUEST_TIMEOUT)
            except _HANG_UPS:
                self.close_connection = True
            except Exception as exc:  # a bug: one log line here, a bare 500 to the client
                self.close_connection = True  # what was read of the request, and what was sent, is unknown
                log(f"{self._client()} error: {type(exc).__name__}: {exc}".translate(_UNPRINTABLE))
                _LOGGER.debug("while answering %r", self.requestline, exc_info=True)
                if self._status is None:
                    self._error(HTTPStatus.INTERNAL_SERVER_ERROR)
            finally:
                if self._status is not None:
                    line = f"{self._client()} {self.command or '-'} {self.path or '-'}"[:600]
                    log(f"{line.translate(_UNPRINTABLE)} {self._status} {self._body_bytes}")

        def _read_and_answer(self) -> None:
            self._reader.deadline = None
            self.connection.settimeout(idle)
            if not self.rfile.peek(1):  # the client closed a kept-alive connection
                self.close_connection = True
                return
            self._reader.deadline = time.monotonic() + header_time
            self.raw_requestline = self.rfile.readline(MAX_REQUEST_LINE + 1)
            if len(self.raw_requestline) > MAX_REQUEST_LINE:
                self._error(HTTPStatus.REQUEST_URI_TOO_LONG)
                return
            if not self.raw_requestline.endswith(b"\n"):  # the client hung up mid-line
                self.close_connection = True
                return
            if not self.parse_request():  # it has answered the error
                return
            self._reader.deadline = None
            self.connection.settimeout(idle)
            if self.headers.get("Content-Length", "").strip() not in ("", "0") or "Transfer-Encoding" in self.headers:
                # a body is never read, so it must not be read as the next request
                self.close_connection = self._linger = True
            if self.command not in ("GET", "HEAD"):
                self._error(HTTPStatus.NOT_IMPLEMENTED, allow=True)
                return
            self._answer(body=self.command == "GET")

        def _answer(self, body: bool) -> None:
            path = _request_path(self.path)
            if path is None:
                self._error(HTTPStatus.BAD_REQUEST)
                return
            if any(len(part.encode("utf-8", "surrogateescape")) > name_max for part in unquote(path).split("/")):
                self._not_found(body)  # no file can have this name; the file system would refuse to look
                return
            try:
                found = resolve(root, path, self.headers.get("Accept"))
            except (OSError, ValueError):  # ENAMETOOLONG for a long path, or a name the OS refuses
                found = None
            if found is None:
                self._not_found(body)
                return
            real = Path(os.path.realpath(found.file))
            if not real.is_relative_to(root):  # a symbolic link out of the folder
                self._not_found(body)
                return
            try:
                file = real.open("rb")
            except OSError:
                self._not_found(body)
                return
            with file:
                self._send_file(file, found.media_type, body, vary=found.negotiated)

        def _send_file(self, file: BinaryIO, media_type: str, body: bool, vary: bool) -> None:
            info = os.fstat(file.fileno())
            if not stat.S_ISREG(info.st_mode):
                self._not_found(body)
                return
            if info.st_size <= SMALL_FILE:
                self._send(HTTPStatus.OK, media_type, file.read(), body, vary=vary)
                return
            head = self._head(HTTPStatus.OK, media_type, info.st_size, vary=vary)
            self.connection.sendall(head)
            if body:
                sent = self.connection.sendfile(file, 0, info.st_size)
                self._body_bytes = sent
                if sent != info.st_size:  # the file shrank under us: the length we promised is wrong
                    self.close_connection = True

        def _not_found(self, body: bool) -> None:
            self._send(HTTPStatus.NOT_FOUND, "text/html; charset=utf-8", NOT_FOUND, body, vary=False)

        def _error(self, status: HTTPStatus, allow: bool = False) -> None:
            """A small page for an error, and the connection closed: the rest of the request may be unread."""
            self._linger = self.close_connection = True
            page = (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{status.value} '
                    f"{status.phrase}</title></head><body><h1>{status.phrase}</h1></body></html>\n").encode()
            try:
                self._send(status, "text/html; charset=utf-8", page, self.command != "HEAD", vary=False,
                           extra={"Allow": "GET, HEAD"} if allow else None)
            except _HANG_UPS:
                self.close_connection = True

        def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
            """parse_request's errors (400, 431, 505, ...), as our own small page: no echo of the request."""
            self._error(HTTPStatus(code))

        def _head(self, status: HTTPStatus, media_type: str, length: int, vary: bool,
                  extra: dict[str, str] | None = None) -> bytes:
            self._status = status.value
            lines = [f"HTTP/1.1 {status.value} {status.phrase}", f"Server: {self.version_string()}",
                     f"Date: {self.date_time_string()}", f"Content-Type: {media_type}", f"Content-Length: {length}"]
            if vary:
                lines.append("Vary: Accept")
            lines += [f"{name}: {value}" for name, value in (extra or {}).items()]
            if self.close_connection:
                lines.append("Connection: close")
            return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")

        def _send(self, status: HTTPStatus, media_type: str, data: bytes, body: bool, vary: bool,
                  extra: dict[str, str] | None = None) -> None:
            head = self._head(status, media_type, len(data), vary, extra)
            self.connection.sendall(head + data if body else head)  # one send: see setup
            self._body_bytes = len(data) if body else 0

        def _client(self) -> str:
            return str(self.client_address[0])

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - base class signature
            """http.server's own lines (parse_request's): ours are written by handle_one_request."""

    return SiteHandler


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = BACKLOG

    def __init__(self, address: tuple[str, int], handler: type[BaseHTTPRequestHandler],
                 log: Callable[[str], None]) -> None:
        self._log = log
        super().__init__(address, handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A failure outside a request (in setup or finish): one line, no traceback; none for a hang-up."""
        exc = sys.exc_info()[1]
        if isinstance(exc, _HANG_UPS):
            return
        self._log(f"{client_address[0]} error: {type(exc).__name__}: {exc}".translate(_UNPRINTABLE))


def serve_site(site_dir: Path, *, host: str, port: int, on_ready: Callable[[str], None],
               stop: threading.Event | None = None, log: Callable[[str], None] | None = None,
               idle_timeout: float = IDLE_TIMEOUT, header_timeout: float = HEADER_TIMEOUT) -> None:
    """Serve ``site_dir`` until Ctrl-C or until ``stop`` is set; ``on_ready`` gets the base URL once the
    socket listens. One line per request (client, method, path, status, body bytes) goes to ``log`` if
    given, else to the ``lacrdf.publish.site.server`` logger at INFO (the library prints nothing).

    ``site_dir`` is resolved once, here: it is normally a symbolic link to the current build, and the
    server keeps serving that build. A connection silent for ``idle_timeout`` seconds is closed; a request
    whose line and headers take longer than ``header_timeout`` seconds is answered 408."""
    root = site_dir.resolve()
    if not (root / "index.html").is_file():
        raise InputError(f"{site_dir}: not a lacrdf site (no index.html); run 'lacrdf site --out {site_dir}' first")
    write_log = log if log is not None else _LOGGER.info
    try:
        server = _Server((host, port), _handler(root, write_log, idle_timeout, header_timeout), write_log)
    except OSError as exc:
        raise InputError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    previous = _stop_on_signals()
    try:
        bound_host, bound_port = str(server.server_address[0]), int(server.server_address[1])
        shown = f"[{bound_host}]" if ":" in bound_host else bound_host
        if stop is not None:
            threading.Thread(target=_stop_when_set, args=(server, stop), daemon=True).start()
        on_ready(f"http://{shown}:{bound_port}")
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _stop_on_signals() -> dict[int, Any]:
    """SIGTERM and SIGHUP end the server as Ctrl-C does (only the main thread may set handlers)."""
    if threading.current_thread() is not threading.main_thread():
        return {}
    wanted = [getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name)]
    return {signum: signal.signal(signum, _interrupt) for signum in wanted}


def _stop_when_set(server: ThreadingHTTPServer, stop: threading.Event) -> None:
    stop.wait()
    server.shutdown()
