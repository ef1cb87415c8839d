"""A real SPARQL 1.1 server for the dataset: bulk-load it into an Oxigraph store and run ``oxigraph serve``
on loopback as a child process. ``OxigraphServer`` is a context manager (used by ``lacrdf serve`` and by the
tests); ``serve`` keeps it running until Ctrl-C or SIGTERM."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType, TracebackType

from lacrdf.errors import InputError, LacrdfError
from lacrdf.graph.dataset import Dataset
from lacrdf.graph.store import BuiltGraph

READY_TIMEOUT = 30.0  # seconds to wait for the server to answer; loading happens before, so this is generous
STOP_TIMEOUT = 10.0  # seconds between SIGTERM and SIGKILL
INSTALL_HINT = "install it with 'pip install oxigraph' in lacrdf's environment (it is a lacrdf dependency)"


class ServerError(LacrdfError):
    """The Oxigraph server could not be started, or stopped on its own."""


def find_oxigraph() -> Path:
    """The ``oxigraph`` binary: beside the running Python first (the venv's bin), then on PATH."""
    name = "oxigraph.exe" if os.name == "nt" else "oxigraph"
    beside = Path(sys.executable).parent / name
    if beside.is_file() and os.access(beside, os.X_OK):
        return beside
    found = shutil.which("oxigraph")
    if found:
        return Path(found)
    raise InputError(f"the 'oxigraph' server binary was not found beside {sys.executable} or on PATH; "
                     + INSTALL_HINT)


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port nobody listens on right now (the kernel picks it)."""
    with socket.socket(_family(host), socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def port_is_free(host: str, port: int) -> bool:
    with socket.socket(_family(host), socket.SOCK_STREAM) as sock:
        try:
            sock.bind((host, port))
        except OSError:
            return False
        return True


def _family(host: str) -> socket.AddressFamily:
    return socket.AF_INET6 if ":" in host else socket.AF_INET


def _url_host(host: str) -> str:
    """The host to put in URLs: a wildcard bind is reached through loopback."""
    if host in ("0.0.0.0", ""):
        return "127.0.0.1"
    if host == "::":
        return "[::1]"
    return f"[{host}]" if ":" in host else host


def _is_oxigraph_store(folder: Path) -> bool:
    # RocksDB, which Oxigraph uses, always writes these two files
    return (folder / "CURRENT").is_file() and (folder / "IDENTITY").is_file()


class OxigraphServer:
    """An ``oxigraph serve`` process holding the dataset (every named graph, ontology graph included).

    ``with OxigraphServer(ds) as server: ...`` loads, starts, and waits until the server answers; on exit it
    stops the process and removes the temporary folders it made. ``store_dir`` keeps the store in that folder
    (its previous contents are replaced by the dataset); by default the store is temporary."""

    def __init__(self, dataset_or_nquads_path: Dataset | BuiltGraph | Path | str, *, host: str = "127.0.0.1",
                 port: int = 0, store_dir: Path | str | None = None,
                 union_default_graph: bool = True) -> None:
        self.source = dataset_or_nquads_path
        self.host = host
        self.requested_port = port
        self.store_dir = Path(store_dir) if store_dir is not None else None
        self.union_default_graph = union_default_graph
        self.port = 0
        self.process: subprocess.Popen[bytes] | None = None
        self._tmp: Path | None = None
        self._log: Path | None = None

    # -- URLs -----------------------------------------------------------------------------------------------
    @property
    def url(self) -> str:
        if not self.port:
            raise ServerError("the Oxigraph server is not running")
        return f"http://{_url_host(self.host)}:{self.port}"

    @property
    def query_url(self) -> str:
        return self.url + "/query"

    @property
    def store_url(self) -> str:
        return self.url + "/store"

    # -- life cycle ------------------------------------------------------------------------------------------
    def __enter__(self) -> OxigraphServer:
        self.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    def start(self) -> None:
        binary = find_oxigraph()
        if self.requested_port and not port_is_free(self.host, self.requested_port):
            raise InputError(f"{self.host}:{self.requested_port} is already in use; choose another --port "
                             "(0 picks a free one)")
        self._tmp = Path(tempfile.mkdtemp(prefix="lacrdf-oxigraph-"))
        self._log = self._tmp / "oxigraph.log"
        try:
            if isinstance(self.source, BuiltGraph):
                # the build's own store, opened read-only: nothing to load, and several servers may share it
                store = self.source.store_path
            else:
                store = self._prepare_store(binary)
                self._load(binary, store)
            # a port picked by us may be taken by someone else before the server binds it: pick again
            attempts = 1 if self.requested_port else 3
            for attempt in range(attempts):
                self.port = self.requested_port or free_port(self.host)
                if self._launch(binary, store, last=attempt == attempts - 1):
                    return
        except BaseException:
            self.stop()
            raise

    def _prepare_store(self, binary: Path) -> Path:
        assert self._tmp is not None
        if self.store_dir is None:
            return self._tmp / "store"
        folder = self.store_dir
        if folder.exists() and not folder.is_dir():
            raise InputError(f"--store {folder}: not a folder")
        if folder.is_dir() and any(folder.iterdir()):
            if not _is_oxigraph_store(folder):
                raise InputError(f"--store {folder}: the folder is not empty and holds no Oxigraph store; "
                                 "choose a new or empty folder")
            # the store is a copy of the dataset: data from an older build must not linger in it
            self._run(binary, ["update", "--location", str(folder), "--update", "DROP ALL"],
                      f"cannot clear the store in {folder}")
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def _load(self, binary: Path, store: Path) -> None:
        assert self._tmp is not None
        if isinstance(self.source, Dataset):
            from lacrdf.graph.dumps import render  # export imports dataset; keep this module light to import

            data = self._tmp / "dataset.nq"
            data.write_bytes(render(self.source, "nq"))
            fmt = ["--format", "nq"]
        else:
            data = Path(self.source)
            if not data.is_file():
                raise InputError(f"{data}: no such N-Quads file")
            fmt = ["--format", "nq"] if data.suffix == ".nq" else []
        self._run(binary, ["load", "--location", str(store), "--file", str(data), *fmt],
                  f"cannot load {data.name} into the Oxigraph store")

    def _run(self, binary: Path, args: list[str], what: str) -> None:
        try:
            done = subprocess.run([str(binary), *args], capture_output=True, env=_child_env(),
                                  timeout=600, check=False)
        except subprocess.TimeoutExpired:
            raise ServerError(f"{what}: 'oxigraph {args[0]}' took more than 600 s") from None
        if done.returncode != 0:
            raise ServerError(f"{what}: {_error_line(done.stderr.decode('utf-8', 'replace'))}")

    def _launch(self, binary: Path, store: Path, *, last: bool) -> bool:
        """Start ``oxigraph serve`` and wait until it answers. False if the port was taken meanwhile."""
        assert self._log is not None
        verb = "serve-read-only" if isinstance(self.source, BuiltGraph) else "serve"
        args = [str(binary), verb, "--location", str(store), "--bind", f"{self.host}:{self.port}"]
        if self.union_default_graph:
            args.append("--union-default-graph")
        with open(self._log, "wb") as log:
            # stdin closed, output to a file: a full pipe can never block the server
            self.process = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=log,
                                            stderr=subprocess.STDOUT, env=_child_env())
        deadline = time.monotonic() + READY_TIMEOUT
        while time.monotonic() < deadline:
            code = self.process.poll()
            if code is not None:
                message = _error_line(self._log.read_text("utf-8", "replace"))
                self.process = None
                if "in use" in message and not last and not self.requested_port:
                    return False
                if "in use" in message:
                    raise InputError(f"{self.host}:{self.port} is already in use; choose another --port")
                raise ServerError(f"the Oxigraph server stopped at start (exit code {code}): {message}")
            if self._answers():
                return True
            time.sleep(0.05)
        raise ServerError(f"the Oxigraph server did not answer on {self.url} within {READY_TIMEOUT:.0f} s")

    def _answers(self) -> bool:
        try:
            with urllib.request.urlopen(self.url + "/", timeout=2) as response:
                return bool(response.status == 200)
        except (urllib.error.URLError, OSError):
            return False

    def stop(self) -> None:
        """Stop the server (SIGTERM, then SIGKILL if it lingers) and remove the temporary folders."""
        process, self.process = self.process, None
        if process is not None:
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(STOP_TIMEOUT)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait(STOP_TIMEOUT)
        self.port = 0
        if self._tmp is not None:
            shutil.rmtree(self._tmp, ignore_errors=True)
            self._tmp = None

    def wait(self) -> int:
        """Block until the server process ends; its exit code."""
        if self.process is None:
            raise ServerError("the Oxigraph server is not running")
        return self.process.wait()

    def log_tail(self) -> str:
        if self._log is None or not self._log.is_file():
            return ""
        return _error_line(self._log.read_text("utf-8", "replace"))


def _child_env() -> dict[str, str]:
    env = dict(os.environ)
    env["RUST_BACKTRACE"] = "0"  # one "Error: ..." line instead of a Rust backtrace
    return env


def _error_line(output: str) -> str:
    """The most telling line of Oxigraph's output: its ``Error:`` line, else the last line."""
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    for line in lines:
        if line.startswith("Error:"):
            return line[len("Error:"):].strip()
    return lines[-1] if lines else "no output"


class _Stop(Exception):
    """Raised by the SIGTERM/SIGHUP handler to leave the serving loop."""


# how a server that we or the terminal stopped ends; any other exit while serving is a failure
_STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, *((signal.SIGHUP,) if hasattr(signal, "SIGHUP") else ()))


@contextmanager
def _stop_signals_end_serving() -> Iterator[None]:
    """While inside, SIGTERM and SIGHUP end serving as Ctrl-C does (only the main thread may set handlers)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: FrameType | None) -> None:
        raise _Stop

    caught = [s for s in _STOP_SIGNALS if s != signal.SIGINT]
    previous = {s: signal.signal(s, handler) for s in caught}
    try:
        yield
    finally:
        for s, old in previous.items():
            signal.signal(s, old)


def serve(ds: Dataset | BuiltGraph, *, host: str = "127.0.0.1", port: int = 0, store_dir: Path | None = None,
          on_ready: Callable[[str], None] = lambda url: None) -> None:
    """Serve the dataset over SPARQL 1.1 until Ctrl-C, SIGTERM or SIGHUP; then stop the server and return."""
    with _stop_signals_end_serving():
        try:
            with OxigraphServer(ds, host=host, port=port, store_dir=store_dir) as server:
                on_ready(server.url)
                code = server.wait()
                # Ctrl-C in a terminal reaches the server too (same process group), and may end it first
                if -code in _STOP_SIGNALS:
                    return
                raise ServerError(f"the Oxigraph server stopped by itself (exit code {code}): "
                                  f"{server.log_tail()}")
        except (KeyboardInterrupt, _Stop):
            # the with-block has stopped the server already; an interrupt is how serving normally ends
            return
