"""``lacrdf serve --site``: a small standard-library HTTP server for a built site, answering each request
with exactly the file the generated Apache and nginx rules would (see conneg.py). Blocking; port 0 picks a
free port; Ctrl-C, SIGTERM, SIGHUP (or the optional ``stop`` event) end it cleanly."""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from lacrdf.errors import InputError
from lacrdf.publish.site.conneg import resolve

NOT_FOUND = (b'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>Not found</title></head>'
             b"<body><h1>Not found</h1><p>No resource has this IRI. Start from the "
             b'<a href="/">home page</a>.</p></body></html>\n')


def _handler(root: Path, log: Callable[[str], None] | None) -> type[BaseHTTPRequestHandler]:
    class SiteHandler(BaseHTTPRequestHandler):
        server_version = "lacrdf-site"
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:  # noqa: N802 - the name http.server looks up
            self._answer(body=True)

        def do_HEAD(self) -> None:  # noqa: N802
            self._answer(body=False)

        def _answer(self, body: bool) -> None:
            found = resolve(root, urlsplit(self.path).path, self.headers.get("Accept"))
            if found is None:
                self._send(HTTPStatus.NOT_FOUND, "text/html; charset=utf-8", NOT_FOUND, body, vary=False)
                return
            try:
                data = found.file.read_bytes()
            except OSError:
                self._send(HTTPStatus.NOT_FOUND, "text/html; charset=utf-8", NOT_FOUND, body, vary=False)
                return
            self._send(HTTPStatus.OK, found.media_type, data, body, vary=found.negotiated)

        def _send(self, status: HTTPStatus, media_type: str, data: bytes, body: bool, vary: bool) -> None:
            self.send_response(status)
            self.send_header("Content-Type", media_type)
            self.send_header("Content-Length", str(len(data)))
            if vary:
                self.send_header("Vary", "Accept")
            self.end_headers()
            if body:
                self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - base class signature
            if log is not None:
                message: str = format % args
                log(f"{self.address_string()} {message}")

    return SiteHandler


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def serve_site(site_dir: Path, *, host: str, port: int, on_ready: Callable[[str], None],
               stop: threading.Event | None = None, log: Callable[[str], None] | None = None) -> None:
    """Serve ``site_dir`` until Ctrl-C or until ``stop`` is set; ``on_ready`` gets the base URL once the
    socket listens. Requests are logged to ``log`` if given (the library prints nothing)."""
    root = site_dir.resolve()
    if not (root / "index.html").is_file():
        raise InputError(f"{site_dir}: not a lacrdf site (no index.html); run 'lacrdf site --out {site_dir}' first")
    try:
        server = _Server((host, port), _handler(root, log))
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
