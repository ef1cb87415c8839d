"""A real SPARQL 1.1 server for the dataset, safe by default: an Oxigraph server process on a private
loopback port (the build's store read-only, or a loaded copy), behind a guarding proxy (proxy.py, rules in
guard.py) on ``host:port``. ``OxigraphServer`` is a context manager (used by ``lacrdf serve`` and by the
tests); ``serve`` keeps it running until Ctrl-C, SIGTERM or SIGHUP."""

from __future__ import annotations

import ctypes
import errno
import functools
import http.client
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType, TracebackType
from typing import Any

from lacrdf.errors import InputError, LacrdfError
from lacrdf.graph.dataset import Dataset
from lacrdf.graph.store import BuiltGraph
from lacrdf.publish.guard import MAX_BODY, MAX_UPLOAD, QUERY_TIMEOUT, Policy
from lacrdf.publish.proxy import GuardedProxy

READY_TIMEOUT = 30.0  # seconds to wait for the server to answer; loading happens before, so this is generous
STOP_TIMEOUT = 10.0  # seconds between SIGTERM and SIGKILL
CRASH_BUDGET = 3  # Oxigraph exits by itself (e.g. killed for memory) restarted within CRASH_WINDOW seconds
CRASH_WINDOW = 60.0
PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
WATCHDOG = Path(__file__).with_name("watchdog.py")
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
    """An Oxigraph server process holding the dataset (every named graph, ontology graph included), behind
    a guarding proxy (proxy.py) that is the only thing listening on ``host:port``.

    ``with OxigraphServer(ds) as server: ...`` loads, starts, and waits until the server answers; on exit it
    stops the process and removes the temporary folders it made. ``store_dir`` keeps the store in that folder
    (its previous contents are replaced by the dataset); by default the store is temporary.

    Safe by default: read-only (``writable=True`` accepts updates and Graph Store writes, never from another
    site's page); each request ends within ``query_timeout`` seconds, a runaway query by a restart of the
    Oxigraph process; no SERVICE or LOAD to hosts not in ``allow_service``; only requests naming this server
    (its address, loopback names or ``public_names``); bodies up to ``max_body`` bytes (``max_upload`` for
    Graph Store uploads). The Oxigraph process and the temporary folder end with this process, even when it
    is killed: the child dies with its parent thread (Linux) and a watchdog process removes the folder."""

    def __init__(self, dataset_or_nquads_path: Dataset | BuiltGraph | Path | str, *, host: str = "127.0.0.1",
                 port: int = 0, store_dir: Path | str | None = None, union_default_graph: bool = True,
                 writable: bool = False, query_timeout: float = QUERY_TIMEOUT, allow_service: Iterable[str] = (),
                 public_names: Iterable[str] = (), max_body: int = MAX_BODY, max_upload: int = MAX_UPLOAD) -> None:
        self.source = dataset_or_nquads_path
        self.host = host
        self.requested_port = port
        self.store_dir = Path(store_dir) if store_dir is not None else None
        self.union_default_graph = union_default_graph
        try:
            self.policy = Policy(writable=writable, query_timeout=query_timeout,
                                 allow_service=tuple(allow_service), public_names=tuple(public_names),
                                 max_body=max_body, max_upload=max_upload)
        except ValueError as exc:
            raise InputError(str(exc)) from None
        self.port = 0
        self.restarts = 0  # how many times a runaway request had the Oxigraph process restarted
        self._tmp: Path | None = None
        self._log: Path | None = None
        self._process: subprocess.Popen[bytes] | None = None
        self._backend_port = 0
        self._generation = 0
        self._restart_wanted = False
        self._stopping = False
        self._changed = threading.Condition()
        self._ready = threading.Event()
        self._ended = threading.Event()
        self._exit_code = 0
        self._failure: BaseException | None = None
        self._supervisor: threading.Thread | None = None
        self._proxy: GuardedProxy | None = None
        self._serving: threading.Thread | None = None
        self._watchdog: _Watchdog | None = None

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

    @property
    def writable(self) -> bool:
        return self.policy.writable

    @property
    def process(self) -> subprocess.Popen[bytes] | None:
        """The Oxigraph process now running (a new one after each restart)."""
        return self._process

    # -- life cycle ------------------------------------------------------------------------------------------
    def __enter__(self) -> OxigraphServer:
        self.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    def start(self) -> None:
        binary = find_oxigraph()
        self._reset()
        self._tmp = Path(tempfile.mkdtemp(prefix="lacrdf-oxigraph-"))
        self._log = self._tmp / "oxigraph.log"
        try:
            # first, so that a kill during a long load leaves nothing behind either
            self._watchdog = _Watchdog(self._tmp, binary)
            # the public port before the load: a port in use is reported at once, and nobody can take it
            self._proxy = self._listen()
            self.port = self._proxy.port
            store, verb = self._store(binary)
            self._supervisor = threading.Thread(target=self._supervise, args=(binary, store, verb),
                                                name="lacrdf-oxigraph", daemon=True)
            self._supervisor.start()
            if not self._ready.wait(READY_TIMEOUT + 10):
                raise ServerError(f"the Oxigraph server did not start within {READY_TIMEOUT:.0f} s")
            if self._failure is not None:
                raise self._failure
            self._serving = threading.Thread(target=self._proxy.serve_forever, kwargs={"poll_interval": 0.2},
                                             name="lacrdf-proxy", daemon=True)
            self._serving.start()
        except BaseException:
            self.stop()
            raise

    def _reset(self) -> None:
        self._generation, self._restart_wanted, self._stopping, self._failure = 0, False, False, None
        self._ready.clear()
        self._ended.clear()

    def _listen(self) -> GuardedProxy:
        try:
            return GuardedProxy((self.host, self.requested_port), self.policy, self, error_log=self._log)
        except OSError as exc:
            where = f"{self.host}:{self.requested_port}"
            if exc.errno == errno.EADDRINUSE:
                raise InputError(f"{where} is already in use; choose another --port (0 picks a free one)") from None
            raise InputError(f"cannot listen on {where}: {exc.strerror or exc}") from None

    def _store(self, binary: Path) -> tuple[Path, str]:
        """The store to serve and the Oxigraph verb that serves it."""
        if isinstance(self.source, BuiltGraph) and not self.writable:
            # the build's own store, opened read-only: nothing to load, and several servers may share it
            return self.source.store_path, "serve-read-only"
        store = self._prepare_store(binary)
        self._load(binary, store)
        return store, "serve" if self.writable else "serve-read-only"

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
        elif isinstance(self.source, BuiltGraph):
            data = self.source.folder / "lacrdf.nq"  # a writable copy of the build: its own N-Quads dump
            fmt = ["--format", "nq"]
        else:
            data = Path(self.source)
            if not data.is_file():
                raise InputError(f"{data}: no such N-Quads file")
            fmt = ["--format", "nq"] if data.suffix == ".nq" else []
        self._run(binary, ["load", "--location", str(store), "--file", str(data), *fmt],
                  f"cannot load {data.name} into the Oxigraph store")

    def _run(self, binary: Path, args: list[str], what: str) -> None:
        process = self._popen([str(binary), *args], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT)
        try:
            output, _ = process.communicate(timeout=600)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()
            raise ServerError(f"{what}: 'oxigraph {args[0]}' took more than 600 s") from None
        finally:
            self._reaped(process)
        if process.returncode != 0:
            raise ServerError(f"{what}: {_error_line(output.decode('utf-8', 'replace'))}")

    def _popen(self, args: list[str], **options: Any) -> subprocess.Popen[bytes]:
        """A child that dies with the thread that starts it (Linux), announced to the watchdog."""
        process = subprocess.Popen(args, env=_child_env(), preexec_fn=_dies_with_parent(), **options)
        if self._watchdog is not None:
            self._watchdog.tell("pid", process.pid)
        return process

    def _reaped(self, process: subprocess.Popen[bytes]) -> None:
        process.wait()
        if self._watchdog is not None:
            self._watchdog.tell("gone", process.pid)

    # -- the Oxigraph process: started, restarted and stopped by one thread ---------------------------------
    # (one long-lived thread, because a child's parent-death signal fires when the thread that forked it ends)
    def _supervise(self, binary: Path, store: Path, verb: str) -> None:
        try:
            self._spawn(binary, store, verb)
        except BaseException as exc:  # noqa: BLE001 - handed to start(), which raises it
            self._failure = exc
            self._ready.set()
            return
        self._ready.set()
        crashes: list[float] = []
        while True:
            with self._changed:
                self._changed.wait_for(lambda: self._stopping or self._restart_wanted, timeout=0.1)
                stopping, restart = self._stopping, self._restart_wanted
            process = self._process
            if stopping or process is None:
                break
            if restart:
                _kill(process)
                self._reaped(process)
            else:
                code = process.poll()
                if code is None:
                    continue
                self._reaped(process)
                now = time.monotonic()
                crashes = [t for t in crashes if now - t < CRASH_WINDOW] + [now]
                # stopped by a signal meant for us all (Ctrl-C in the terminal), or crashing again and again
                if -code in _STOP_SIGNALS or len(crashes) > CRASH_BUDGET:
                    self._end(code)
                    return
                with self._changed:
                    self._restart_wanted = True  # requests wait for the new process
            try:
                self._spawn(binary, store, verb)
            except Exception as exc:  # noqa: BLE001 - serving ends, and wait() reports it
                self._failure = exc
                self._end(1)
                return
            with self._changed:
                self._restart_wanted = False
                self._generation += 1
                self._changed.notify_all()
        process = self._process
        if process is not None:
            _terminate(process)
            self._reaped(process)
        self._end(0)

    def _spawn(self, binary: Path, store: Path, verb: str) -> None:
        """Start Oxigraph on a private loopback port and wait until it answers."""
        assert self._log is not None
        for attempt in range(3):
            port = free_port("127.0.0.1")
            args = [str(binary), verb, "--location", str(store), "--bind", f"127.0.0.1:{port}"]
            if self.union_default_graph:
                args.append("--union-default-graph")
            offset = self._log.stat().st_size if self._log.exists() else 0
            with open(self._log, "ab") as log:
                # stdin closed, output to a file: a full pipe can never block the server
                process = self._popen(args, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
            with self._changed:
                self._process = process
            deadline = time.monotonic() + READY_TIMEOUT
            while time.monotonic() < deadline and not self._stopping:
                code = process.poll()
                if code is not None:
                    self._reaped(process)
                    with open(self._log, "rb") as log:
                        log.seek(offset)
                        message = _error_line(log.read().decode("utf-8", "replace"))
                    if "in use" in message and attempt < 2:
                        break  # someone took the port between our check and Oxigraph's bind: pick another
                    raise ServerError(f"the Oxigraph server stopped at start (exit code {code}): {message}")
                if _answers(port):
                    with self._changed:
                        self._backend_port = port
                        self._changed.notify_all()
                    return
                time.sleep(0.05)
            else:
                if self._stopping:
                    return
                _kill(process)
                self._reaped(process)
                raise ServerError(f"the Oxigraph server did not answer on 127.0.0.1:{port} within "
                                  f"{READY_TIMEOUT:.0f} s")
        raise ServerError("the Oxigraph server found no free port on 127.0.0.1")

    def _end(self, code: int) -> None:
        with self._changed:
            self._exit_code = code
            self._backend_port = 0
            self._ended.set()
            self._changed.notify_all()

    # -- what the proxy calls ------------------------------------------------------------------------------
    def backend(self, wait: float = READY_TIMEOUT) -> tuple[int, int] | None:
        """(private port, generation) of the running Oxigraph process, waiting out a restart (at most
        ``wait`` seconds); None if there is none."""
        with self._changed:
            self._changed.wait_for(lambda: not self._restart_wanted or self._stopping or self._ended.is_set(),
                                   timeout=wait)
            if self._stopping or self._ended.is_set() or self._restart_wanted or not self._backend_port:
                return None
            return self._backend_port, self._generation

    def stop_runaway(self, generation: int) -> None:
        """Kill the Oxigraph process a request timed out on and start a new one on the same store (once,
        however many requests timed out on it)."""
        with self._changed:
            if generation != self._generation or self._restart_wanted or self._stopping or self._ended.is_set():
                return
            self._restart_wanted = True
            self.restarts += 1
            self._changed.notify_all()

    # -- stopping ------------------------------------------------------------------------------------------
    def stop(self) -> None:
        """Stop the proxy and the server (SIGTERM, then SIGKILL if it lingers); remove the temporary folders."""
        proxy, self._proxy = self._proxy, None
        if proxy is not None:
            if self._serving is not None:
                proxy.shutdown()
                self._serving = None
            proxy.server_close()
        with self._changed:
            self._stopping = True
            self._changed.notify_all()
        supervisor, self._supervisor = self._supervisor, None
        if supervisor is not None and supervisor is not threading.current_thread():
            supervisor.join(2 * STOP_TIMEOUT + READY_TIMEOUT)
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            _terminate(process)
            self._reaped(process)
        self.port = 0
        self._backend_port = 0
        watchdog, self._watchdog = self._watchdog, None
        if self._tmp is not None:
            shutil.rmtree(self._tmp, ignore_errors=True)
            self._tmp = None
        if watchdog is not None:
            watchdog.close()

    def wait(self) -> int:
        """Block until the server ends by itself (not by a restart); its exit code."""
        if not self.port:
            raise ServerError("the Oxigraph server is not running")
        while not self._ended.wait(0.5):
            pass
        if self._failure is not None:
            raise self._failure
        return self._exit_code

    def log_tail(self) -> str:
        if self._log is None or not self._log.is_file():
            return ""
        return _error_line(self._log.read_text("utf-8", "replace"))


class _Watchdog:
    """The watchdog process (watchdog.py) of this server: told each child's pid, it kills the children and
    removes the temporary folder when this process is gone, however it ended."""

    def __init__(self, folder: Path, binary: Path) -> None:
        self.process: subprocess.Popen[bytes] | None = None
        self._pipe = None
        self._lock = threading.Lock()
        if os.name == "nt":
            return
        read_end, write_end = os.pipe()  # both ends are not inherited by other children
        try:
            self.process = subprocess.Popen([sys.executable, "-I", "-S", str(WATCHDOG), str(folder), str(binary)],
                                            stdin=read_end, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                            start_new_session=True)
        except OSError:
            os.close(write_end)
            raise
        finally:
            os.close(read_end)
        self._pipe = os.fdopen(write_end, "wb", buffering=0)

    def tell(self, word: str, pid: int) -> None:
        with self._lock:
            if self._pipe is not None:
                try:
                    self._pipe.write(f"{word} {pid}\n".encode())
                except OSError:
                    pass

    def close(self) -> None:
        with self._lock:
            pipe, self._pipe = self._pipe, None
        if pipe is not None:
            pipe.close()
        if self.process is not None:
            try:
                self.process.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(STOP_TIMEOUT)


@functools.cache
def _prctl() -> Any:
    try:
        function = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    function.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong]
    function.restype = ctypes.c_int
    return function


def _dies_with_parent() -> Callable[[], None] | None:
    """A preexec_fn asking Linux to SIGKILL the child when the thread that started it ends (however this
    process ends); None elsewhere, where the watchdog alone cleans up."""
    prctl = _prctl() if sys.platform.startswith("linux") else None
    if prctl is None:
        return None
    parent = os.getpid()

    def preexec() -> None:
        prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
        if os.getppid() != parent:  # the parent died before the request took effect
            os._exit(1)

    return preexec


def _answers(port: int) -> bool:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
    try:
        connection.request("GET", "/")
        return connection.getresponse().status == 200
    except (OSError, http.client.HTTPException):
        return False
    finally:
        connection.close()


def _kill(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.kill()
    process.wait(STOP_TIMEOUT)


def _terminate(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            _kill(process)


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
          writable: bool = False, query_timeout: float = QUERY_TIMEOUT, allow_service: Iterable[str] = (),
          public_names: Iterable[str] = (), max_body: int = MAX_BODY, max_upload: int = MAX_UPLOAD,
          on_ready: Callable[[str], None] = lambda url: None) -> None:
    """Serve the dataset over SPARQL 1.1 until Ctrl-C, SIGTERM or SIGHUP; then stop the server and return.
    The options are OxigraphServer's; by default the server is read-only."""
    with _stop_signals_end_serving():
        try:
            with OxigraphServer(ds, host=host, port=port, store_dir=store_dir, writable=writable,
                                query_timeout=query_timeout, allow_service=allow_service,
                                public_names=public_names, max_body=max_body, max_upload=max_upload) as server:
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
