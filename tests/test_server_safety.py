"""`lacrdf serve` is safe by default: each finding of a probe of the old server is a test here. Updates are
refused unless --writable, and even then never from another site's page; a runaway query is answered 503
and its work really stops (the Oxigraph process is restarted, its CPU time stops growing); SERVICE and LOAD
reach no host the operator did not name; a foreign Host gets 421; a large body gets 413 before it is read;
and a SIGKILLed `lacrdf serve` leaves no Oxigraph process and no temporary folder behind."""

from __future__ import annotations

import http.client
import json
import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import requests

from lacrdf import ProjectPaths, open_graph
from lacrdf.graph.store import BuiltGraph
from lacrdf.publish.guard import (
    Policy,
    Refused,
    cross_site_write,
    host_allowed,
    parse_size,
    refuse_other_hosts,
    unescape_codepoints,
)
from lacrdf.publish.server import OxigraphServer, find_oxigraph

from .conftest import PROJECT

WAIT = 30.0  # upper bound for any wait in this file
CROSS_JOIN = "WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
TRIPLE = "<http://example.org/csrf> <http://example.org/p> <http://example.org/o>"
ASK_TRIPLE = f"ASK {{ {TRIPLE} }}"
JSON = {"Accept": "application/sparql-results+json"}


# -- helpers ------------------------------------------------------------------------------------------------

def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process, from /proc/<pid>/stat."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _busy(pid: int) -> bool:
    try:
        return cpu_seconds(pid) > 0.1
    except OSError:  # already killed at the deadline: the wait below reports it
        return False


def running(pid: int) -> bool:
    """Whether the process exists and is not a zombie."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def wait_until(condition, what: str, limit: float = WAIT) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + limit
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"{what} within {limit} s")
        time.sleep(0.05)


def ask(server: OxigraphServer, query: str) -> bool:
    response = requests.post(server.query_url, data={"query": query}, headers=JSON, timeout=WAIT)
    response.raise_for_status()
    return bool(response.json()["boolean"])


def raw_request(port: int, head: str, body: bytes = b"") -> tuple[int, bytes]:
    """Send a request byte for byte (headers requests would fix up); the status and body of the answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=WAIT) as sock:
        sock.sendall(head.replace("\n", "\r\n").encode("latin-1") + b"\r\n" + body)
        response = http.client.HTTPResponse(sock)
        response.begin()
        return response.status, response.read()


class Canary:
    """A SPARQL endpoint that counts the connections made to it: a refused SERVICE or LOAD never arrives."""

    def __init__(self) -> None:
        self.hits = 0
        canary = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                canary.hits += 1
                body = json.dumps({"head": {"vars": ["x"]}, "results": {"bindings": [
                    {"x": {"type": "literal", "value": "from the canary"}}]}}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/sparql-results+json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_POST = do_GET

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}/sparql"

    def __enter__(self) -> Canary:
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


# -- fixtures -----------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def built(paths: ProjectPaths) -> BuiltGraph:
    return open_graph(paths)


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("safety") / "small.nq"
    data.write_text("<http://example.org/s> <http://example.org/p> \"a foreign service\" <http://example.org/g> .\n")
    return data


@pytest.fixture(scope="module")
def canary() -> Iterator[Canary]:
    with Canary() as endpoint:
        yield endpoint


@pytest.fixture(scope="module")
def guarded(built: BuiltGraph) -> Iterator[OxigraphServer]:
    """What `lacrdf serve` starts: the build's store, every option at its default."""
    with OxigraphServer(built) as server:
        yield server


@pytest.fixture(scope="module")
def writable(small: Path, canary: Canary) -> Iterator[OxigraphServer]:
    with OxigraphServer(small, writable=True, public_names=["sparql.example.org"],
                        allow_service=[f"127.0.0.1:{canary.port}"]) as server:
        yield server


# -- 1. read-only by default; cross-site writes refused even when writable ---------------------------------

def test_updates_and_graph_store_writes_are_refused_by_default(small: Path) -> None:
    # the old server ran 'oxigraph serve' on a loaded copy, and took this update from anyone
    with OxigraphServer(small) as server:
        assert not server.writable
        attempts = [
            requests.post(server.url + "/update", data=f"INSERT DATA {{ {TRIPLE} }}", timeout=WAIT,
                          headers={"Content-Type": "application/sparql-update"}),
            requests.post(server.url + "/update", data={"update": f"INSERT DATA {{ {TRIPLE} }}"}, timeout=WAIT),
            requests.post(server.url + "/sparql", data={"update": f"INSERT DATA {{ {TRIPLE} }}"}, timeout=WAIT),
            requests.put(server.store_url, params={"default": ""}, data=f"{TRIPLE} .\n", timeout=WAIT,
                         headers={"Content-Type": "application/n-triples"}),
            requests.delete(server.store_url, params={"graph": "http://example.org/g"}, timeout=WAIT),
        ]
        for response in attempts:
            assert response.status_code == 403, response.text
            assert "read-only" in response.text and "--writable" in response.text
        assert not ask(server, ASK_TRIPLE)
        assert ask(server, "ASK { GRAPH <http://example.org/g> { ?s ?p ?o } }")
        assert server.process is not None
        assert Path(f"/proc/{server.process.pid}/cmdline").read_bytes().split(b"\0")[1] == b"serve-read-only"


FORM_POST = {"Content-Type": "application/x-www-form-urlencoded"}


@pytest.mark.parametrize(("headers", "body"), [
    # what a form on another site posts: a form content type, the other site's Origin
    ({**FORM_POST, "Origin": "http://evil.example", "Sec-Fetch-Site": "cross-site"}, "form"),
    # an older browser (no Sec-Fetch-Site), or a privacy setting that sends Origin: null
    ({**FORM_POST, "Origin": "null"}, "form"),
    # no Origin at all: a form content type must prove where it comes from
    (FORM_POST, "form"),
    ({"Content-Type": "text/plain"}, "text"),
    ({"Content-Type": "multipart/form-data; boundary=x"}, "multipart"),
    # a SPARQL content type cannot come from a form, but the browser still says where it comes from
    ({"Content-Type": "application/sparql-update", "Sec-Fetch-Site": "same-site"}, "text"),
    ({"Content-Type": "application/sparql-update", "Origin": "http://127.0.0.1.evil.example"}, "text"),
], ids=["cross-site-form", "origin-null", "form-without-origin", "text-plain", "multipart", "same-site",
        "foreign-origin"])
def test_cross_site_update_is_refused_even_when_writable(headers: dict[str, str], body: str,
                                                          writable: OxigraphServer) -> None:
    update = f"INSERT DATA {{ {TRIPLE} }}"
    data = {"form": "update=" + requests.utils.quote(update), "text": update,
            "multipart": f'--x\r\nContent-Disposition: form-data; name="update"\r\n\r\n{update}\r\n--x--\r\n'}[body]
    for path in ("/update", "/sparql"):
        response = requests.post(writable.url + path, data=data.encode(), headers=headers, timeout=WAIT)
        # at /sparql a text/plain or multipart body is not even an update: 415, unsupported
        expected = (403, 415) if path == "/sparql" and body in ("text", "multipart") and "Origin" not in headers \
            and "Sec-Fetch-Site" not in headers else (403,)
        assert response.status_code in expected, (path, response.status_code, response.text)
    graph_store = requests.post(writable.store_url, params={"default": ""}, data=f"{TRIPLE} .\n".encode(),
                                headers=headers, timeout=WAIT)
    assert graph_store.status_code == 403, graph_store.text
    assert not ask(writable, ASK_TRIPLE)


def test_same_origin_updates_work_when_writable(writable: OxigraphServer) -> None:
    own = f"http://127.0.0.1:{writable.port}"
    # a command-line client: a SPARQL content type, no Origin
    done = requests.post(writable.url + "/update", data=f"INSERT DATA {{ {TRIPLE} }}", timeout=WAIT,
                         headers={"Content-Type": "application/sparql-update"})
    assert done.status_code in (200, 204), done.text
    assert ask(writable, ASK_TRIPLE)
    # the query page served by this server (YASGUI) posts a form, with its own Origin
    other = TRIPLE.replace("/o>", "/o2>")
    done = requests.post(writable.url + "/sparql", data={"update": f"INSERT DATA {{ {other} }}"}, timeout=WAIT,
                         headers={"Origin": own, "Sec-Fetch-Site": "same-origin"})
    assert done.status_code in (200, 204), done.text
    assert ask(writable, f"ASK {{ {other} }}")
    # the Graph Store Protocol, as 'lacrdf publish' uses it
    put = requests.put(writable.store_url, params={"graph": "http://example.org/put"}, timeout=WAIT,
                       data=f"{TRIPLE} .\n", headers={"Content-Type": "application/n-triples"})
    assert put.status_code in (200, 201, 204), put.text
    assert ask(writable, f"ASK {{ GRAPH <http://example.org/put> {{ {TRIPLE} }} }}")
    requests.post(writable.url + "/update", data="DELETE DATA { " + TRIPLE + " . " + other + " }", timeout=WAIT,
                  headers={"Content-Type": "application/sparql-update"}).raise_for_status()


def test_cross_site_rule_by_itself() -> None:
    policy = Policy(writable=True, public_names=("sparql.example.org",))

    def reason(content_type: str, **headers: str) -> str | None:
        message = Message()
        for key, value in headers.items():
            message[key.replace("_", "-")] = value
        return cross_site_write(message, content_type, policy, "127.0.0.1", 7878)

    assert reason("application/sparql-update") is None
    assert reason("application/x-www-form-urlencoded", Origin="http://localhost:7878") is None
    assert reason("application/x-www-form-urlencoded", Origin="https://sparql.example.org") is None
    assert reason("application/x-www-form-urlencoded", Origin="http://localhost:7879")
    assert reason("application/x-www-form-urlencoded", Origin="http://localhost:7878", Sec_Fetch_Site="cross-site")
    assert reason("application/x-www-form-urlencoded")
    assert reason("")


# -- 2. a runaway query is stopped: 503 to the client, and Oxigraph's CPU is freed --------------------------

def test_runaway_query_is_answered_503_and_its_cpu_freed(built: BuiltGraph) -> None:
    timeout = 2.0
    with OxigraphServer(built, query_timeout=timeout) as server:
        assert server.process is not None
        first = server.process.pid
        answers: queue.Queue[requests.Response] = queue.Queue()
        started = time.monotonic()
        threading.Thread(target=lambda: answers.put(requests.post(
            server.query_url, data={"query": f"SELECT (COUNT(*) AS ?n) {CROSS_JOIN}"}, timeout=WAIT)),
            daemon=True).start()
        # the query keeps Oxigraph busy (no output until the count is done, so no write would ever fail)
        wait_until(lambda: _busy(first), "the cross join did not keep Oxigraph busy", timeout)
        answer = answers.get(timeout=WAIT)
        took = time.monotonic() - started
        assert answer.status_code == 503 and "--query-timeout" in answer.text, answer.text
        assert timeout <= took < timeout + 5, took
        # the process that ran the query is gone, and the new one is idle
        wait_until(lambda: not running(first), "the Oxigraph process of the runaway query did not end")
        wait_until(lambda: server.process is not None and server.process.pid != first and server.backend(),
                   "no new Oxigraph process answered")
        second = server.process.pid  # type: ignore[union-attr]
        before = cpu_seconds(second)
        time.sleep(1.0)
        assert cpu_seconds(second) - before < 0.2
        assert server.restarts == 1
        # the same store, answering again
        assert ask(server, "ASK { GRAPH ?g { ?s ?p ?o } }")

        # a result that streams (SELECT *) is cut off at the deadline: the client sees an incomplete
        # answer (no final chunk), never a short one that looks whole, and the work stops as well
        started = time.monotonic()
        with pytest.raises(requests.exceptions.ChunkedEncodingError), requests.post(
                server.query_url, data={"query": f"SELECT * {CROSS_JOIN}"}, timeout=WAIT, stream=True) as streamed:
            assert streamed.status_code == 200
            for _ in streamed.iter_content(1 << 16):
                pass
        assert time.monotonic() - started < timeout + 5
        wait_until(lambda: not running(second), "the Oxigraph process of the streaming query did not end")
        assert ask(server, "ASK { GRAPH ?g { ?s ?p ?o } }")
        assert server.restarts == 2


# -- 3. SERVICE and LOAD reach only the hosts the operator names --------------------------------------------

@pytest.mark.parametrize("query", [
    "SELECT * WHERE { SERVICE <{url}> { ?x ?y ?z } }",
    "select * where { service silent <{url}> { ?x ?y ?z } }",
    "PREFIX c: <{url}> SELECT * WHERE { SERVICE c: { ?x ?y ?z } }",
    "SELECT * WHERE { BIND(<{url}> AS ?e) SERVICE ?e { ?x ?y ?z } }",
    "SELECT * WHERE { \\u0053ERVICE <{url}> { ?x ?y ?z } }",
    "SELECT * WHERE { ?s ?p ?o FILTER(?o < 3) SERVICE <{url}> { ?x ?y ?z } } # \"service\"",
], ids=["plain", "lower-case-silent", "prefixed-name", "variable", "codepoint-escape", "after-a-less-than"])
def test_service_to_another_host_is_refused(query: str, guarded: OxigraphServer, canary: Canary) -> None:
    text = query.replace("{url}", canary.url)
    for response in (
        requests.get(guarded.query_url, params={"query": text}, timeout=WAIT),
        requests.post(guarded.query_url, data={"query": text}, timeout=WAIT),
        requests.post(guarded.url + "/sparql", data=text.encode(), timeout=WAIT,
                      headers={"Content-Type": "application/sparql-query"}),
    ):
        assert response.status_code == 400, response.text
        assert "SERVICE" in response.text and "refused" in response.text
    assert canary.hits == 0


def test_load_and_service_in_updates_are_refused(guarded: OxigraphServer, writable: OxigraphServer,
                                                 canary: Canary) -> None:
    load = "LOAD <http://192.0.2.1/data.ttl>"
    # read-only: refused as an update, before anything else
    response = requests.post(guarded.url + "/update", data=load, timeout=WAIT,
                             headers={"Content-Type": "application/sparql-update"})
    assert response.status_code == 403
    for update in (load, "INSERT { ?x ?y ?z } WHERE { SERVICE <http://192.0.2.1/sparql> { ?x ?y ?z } }"):
        response = requests.post(writable.url + "/update", data=update, timeout=WAIT,
                                 headers={"Content-Type": "application/sparql-update"})
        assert response.status_code == 400, response.text
        assert "192.0.2.1" in response.text and "--allow-service" in response.text
        assert f"only to 127.0.0.1:{canary.port}" in response.text


def test_allowed_service_host_is_reached(writable: OxigraphServer, canary: Canary) -> None:
    hits = canary.hits
    query = f"SELECT ?x WHERE {{ SERVICE <{canary.url}> {{ ?x ?y ?z }} }}"
    response = requests.post(writable.query_url, data={"query": query}, headers=JSON, timeout=WAIT)
    assert response.status_code == 200, response.text
    assert response.json()["results"]["bindings"] == [{"x": {"type": "literal", "value": "from the canary"}}]
    assert canary.hits == hits + 1


def test_the_word_service_elsewhere_is_not_refused(writable: OxigraphServer) -> None:
    # in a literal, a variable, a prefixed name and a comment: no SERVICE keyword, so no refusal
    query = ('PREFIX service: <http://example.org/> SELECT ?service WHERE { ?service service:p ?o '
             'FILTER(CONTAINS(?o, "service")) } # SERVICE <http://192.0.2.1/>')
    response = requests.post(writable.query_url, data={"query": query}, headers=JSON, timeout=WAIT)
    assert response.status_code == 200, response.text
    assert len(response.json()["results"]["bindings"]) == 1


def test_service_rule_by_itself() -> None:
    policy = Policy(allow_service=("query.wikidata.org", "127.0.0.1:8890"))
    refuse_other_hosts("SELECT * { SERVICE <https://query.wikidata.org/sparql> {} }", update=False, policy=policy)
    refuse_other_hosts("SELECT * { SERVICE <http://127.0.0.1:8890/sparql> {} }", update=False, policy=policy)
    for text in ("SELECT * { SERVICE <http://127.0.0.1:8891/sparql> {} }",
                 "SELECT * { SERVICE <sparql> {} }",
                 "SELECT * { SERVICE <file:///etc/passwd> {} }",
                 "SELECT * { \\U00000053ERVICE <http://evil.example/> {} }",
                 "SELECT * { SERVICE <http://evil.example/> {",  # cannot be parsed, so cannot be checked
                 "SELECT * { SERVICE <http://query.wikidata.org.evil.example/> {} }"):
        with pytest.raises(Refused) as info:
            refuse_other_hosts(text, update=False, policy=policy)
        assert info.value.status == 400
    with pytest.raises(Refused):
        refuse_other_hosts("LOAD <http://evil.example/x.ttl>", update=True, policy=policy)
    assert unescape_codepoints("\\u0041SK \\u00e9 \\uZZZZ") == "ASK \u00e9 \\uZZZZ"


# -- 4. the Host header must name this server (DNS rebinding) ------------------------------------------------

def test_foreign_host_is_misdirected(guarded: OxigraphServer, writable: OxigraphServer) -> None:
    port = guarded.port
    query = "/query?query=ASK%7B%7D"
    for host in ("evil.example", f"evil.example:{port}", f"127.0.0.1:{port + 1}", "127.0.0.1"):
        status, body = raw_request(port, f"GET {query} HTTP/1.1\nHost: {host}\n")
        assert status == 421, (host, body)
        assert b"--public-name" in body
    status, _ = raw_request(port, f"GET {query} HTTP/1.1\n")
    assert status == 400
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", f"LOCALHOST.:{port}", f"[::1]:{port}"):
        status, body = raw_request(port, f"GET {query} HTTP/1.1\nHost: {host}\nAccept: application/json\n")
        assert status == 200, (host, body)
    # a name the operator gave (--public-name), on any port, as behind a TLS proxy
    for host in ("sparql.example.org", "sparql.example.org:443"):
        status, _ = raw_request(writable.port, f"GET {query} HTTP/1.1\nHost: {host}\n")
        assert status == 200, host
    assert host_allowed("sparql.example.org", Policy(public_names=("sparql.example.org",)), "127.0.0.1", 7878)
    assert not host_allowed("example.org", Policy(public_names=("sparql.example.org",)), "127.0.0.1", 7878)


# -- 5. a large body is refused before it is read ------------------------------------------------------------

def test_large_body_gets_413_without_being_sent(guarded: OxigraphServer) -> None:
    size = 93 * 1024 * 1024
    head = (f"POST /query HTTP/1.1\nHost: 127.0.0.1:{guarded.port}\nContent-Type: application/sparql-query\n"
            f"Content-Length: {size}\n")
    status, body = raw_request(guarded.port, head)  # headers only: the answer comes without the body
    assert status == 413 and b"--max-body" in body, body
    status, body = raw_request(guarded.port, head + "Expect: 100-continue\n")  # curl asks first
    assert status == 413
    status, body = raw_request(guarded.port, head.replace(str(size), "0") + "Transfer-Encoding: chunked\n",
                               b"0\r\n\r\n")
    assert status == 411
    # a body at the limit is fine
    text = "ASK {}" + " " * (1024 * 1024 - 6)
    response = requests.post(guarded.query_url, data=text.encode(), timeout=WAIT,
                             headers={"Content-Type": "application/sparql-query", **JSON})
    assert response.status_code == 200 and response.json()["boolean"] is True
    assert parse_size("1MiB") == 1024 * 1024


# -- 6. nothing outlives `lacrdf serve`, SIGKILL included; 7. it says where it listens and how ----------------

def test_sigkill_leaves_no_oxigraph_and_no_temporary_store() -> None:
    proc = subprocess.Popen([sys.executable, "-m", "lacrdf.cli", "serve", "--writable", "--query-timeout", "9"],
                            cwd=PROJECT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONUNBUFFERED": "1"})
    lines: queue.Queue[str] = queue.Queue()
    stdout = proc.stdout
    assert stdout is not None
    threading.Thread(target=lambda: [lines.put(line) for line in stdout], daemon=True).start()
    try:
        try:
            ready, limits = lines.get(timeout=60), lines.get(timeout=WAIT)
        except queue.Empty:
            pytest.fail("'lacrdf serve' printed no ready lines")
        url = ready.split()[2].removesuffix("/query")
        port = int(url.rsplit(":", 1)[1])
        assert ready == (f"SPARQL endpoint: {url}/query  (writable: updates at {url}/update, Graph Store at "
                         f"{url}/store; query page: {url}/)\n")
        assert url.startswith("http://127.0.0.1:")  # loopback by default
        assert limits == ("limits: 9 s per request (--query-timeout), 1 MiB per body (--max-body); SERVICE and "
                          "LOAD to no other host (--allow-service); Host: this server's address only (--public-name)\n")
        children = [int(p) for task in Path(f"/proc/{proc.pid}/task").iterdir()
                    for p in (task / "children").read_text().split()]
        binary = os.path.realpath(find_oxigraph())
        oxigraph = [p for p in children if os.path.realpath(f"/proc/{p}/exe") == binary]
        watchdog = [p for p in children if p not in oxigraph]
        assert len(oxigraph) == 1 and len(watchdog) == 1, children
        folder = Path(Path(f"/proc/{watchdog[0]}/cmdline").read_bytes().split(b"\0")[-3].decode())
        assert (folder / "store" / "CURRENT").is_file(), "--writable serves a temporary copy of the store"
        assert requests.get(url + "/", timeout=WAIT).status_code == 200

        proc.send_signal(signal.SIGKILL)
        proc.wait(WAIT)
        wait_until(lambda: not running(oxigraph[0]), "the Oxigraph process outlived 'lacrdf serve'")
        wait_until(lambda: not folder.exists(), "the temporary store outlived 'lacrdf serve'")
        wait_until(lambda: not running(watchdog[0]), "the watchdog did not end")
        with pytest.raises(requests.exceptions.ConnectionError):
            requests.get(url + "/", timeout=5)
        assert port
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(WAIT)


# -- 8. the browser query page is Oxigraph's YASGUI, served by the server itself ------------------------------

def test_query_page_and_its_scripts_come_from_the_server(guarded: OxigraphServer) -> None:
    page = requests.get(guarded.url + "/", timeout=WAIT)
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    assert '<script src="./yasgui.min.js">' in page.text and "https://" not in page.text
    for asset in ("/yasgui.min.js", "/yasgui.min.css", "/logo.svg"):
        assert requests.get(guarded.url + asset, timeout=WAIT).status_code == 200, asset
    assert requests.get(guarded.url + "/nothing-here", timeout=WAIT).status_code == 404


def test_serve_options_are_checked_before_anything_starts(runner) -> None:  # type: ignore[no-untyped-def]
    from lacrdf.cli import main

    result = runner.invoke(main, ["serve", "--max-body", "lots"])
    assert result.exit_code == 2 and "'lots' is not a size such as 1048576, 512KiB or 1MiB" in result.output
    result = runner.invoke(main, ["serve", "--query-timeout", "0"])
    assert result.exit_code == 2
    help_text = runner.invoke(main, ["serve", "--help"]).output
    for option in ("--writable", "--query-timeout", "--allow-service", "--public-name", "--max-body",
                   "--max-upload"):
        assert option in help_text
