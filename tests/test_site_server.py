"""`lacrdf serve --site` is safe and robust: each finding of a probe of the old server is a test here. A
symbolic link out of the folder gives 404; idle and slow clients are cut off; over-long names give 404 and
over-long request lines 414, and the server keeps answering; a burst of connects is queued, not retried;
keep-alive is as fast as a fresh connection; q=0 refuses a type that has parameters, in the Python reading
of Accept and in the Apache/nginx regex alike; clients that hang up leave one log line and no traceback.

Every server here runs on a small hand-made site on loopback; every loop is bounded."""

from __future__ import annotations

import http.client
import random
import re
import shutil
import socket
import statistics
import struct
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from lacrdf.publish.site import server as site_server
from lacrdf.publish.site.conneg import accept_pattern, accepted_types, choose_variant

from .test_site import serving as site_serving

TURTLE = "<https://w3id.org/lacrdf/id/state/BE> a <https://w3id.org/lacrdf/ontology#SovereignState> .\n"
SECRET = "TOP SECRET: outside the site folder\n"
BIG = 4 * 1024 * 1024
LOG_LINE = re.compile(r"127\.0\.0\.1 (GET|HEAD|-) \S+ \d{3} \d+")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small site laid out as `lacrdf site` does: `site` is a link to the build folder. Inside it, links
    that point out of the folder (a file, a folder, /etc, a negotiated variant) and one that stays in."""
    base = tmp_path_factory.mktemp("served")
    build = base / ".site.lacrdf" / "sites" / "b1"
    (build / "id/state").mkdir(parents=True)
    (build / "dist").mkdir()
    (build / "index.html").write_text("<!DOCTYPE html><title>home</title><h1>Home</h1>\n")
    (build / "id/state/BE.html").write_text("<!DOCTYPE html><title>Belgium</title><h1>Belgium</h1>\n")
    (build / "id/state/BE.ttl").write_text(TURTLE)
    (build / "dist/big.nt").write_bytes(b"#" * (BIG - 1) + b"\n")
    (base / "secret.txt").write_text(SECRET)
    (base / "outside").mkdir()
    (base / "outside/index.html").write_text(SECRET)
    (build / "id/leak.txt").symlink_to(base / "secret.txt")
    (build / "id/state/XX.ttl").symlink_to("../../../../../secret.txt")  # relative, and negotiated
    (build / "id/state/XX.html").write_text("<h1>XX</h1>\n")
    (build / "id/out").symlink_to(base / "outside")
    (build / "id/etc").symlink_to("/etc")
    (build / "home.html").symlink_to("index.html")  # a link that stays inside: served
    (base / "site").symlink_to(".site.lacrdf/sites/b1")
    return base / "site"


@contextmanager
def serving(site_dir: Path, **options: Any) -> Iterator[tuple[str, int]]:
    """tests/test_site.py's serve_site thread, as (host, port) for raw sockets."""
    with site_serving(site_dir, **options) as url:
        yield "127.0.0.1", int(url.rsplit(":", 1)[1])


@pytest.fixture(scope="module")
def address(site: Path) -> Iterator[tuple[str, int]]:
    with serving(site) as where:
        yield where


def fetch(address: tuple[str, int], path: str, accept: str | None = None) -> tuple[int, dict[str, str], bytes]:
    conn = http.client.HTTPConnection(*address, timeout=10)
    try:
        conn.request("GET", path, headers={"Accept": accept} if accept else {})
        resp = conn.getresponse()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
    finally:
        conn.close()


def raw_exchange(address: tuple[str, int], request: bytes) -> bytes:
    """Send ``request`` as it is and read until the server closes (or 10 s pass)."""
    with socket.create_connection(address, timeout=10) as sock:
        sock.sendall(request)
        chunks: list[bytes] = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
        return b"".join(chunks)


# --- symbolic links out of the folder --------------------------------------------------------------------

def test_a_link_out_of_the_folder_is_never_followed(address: tuple[str, int]) -> None:
    for path, accept in (("/id/leak.txt", None), ("/id/etc/passwd", None), ("/id/etc/hostname", None),
                         ("/id/out/", None), ("/id/out/index.html", None), ("/id/state/XX", "text/turtle"),
                         ("/id/state/XX.ttl", None)):
        status, _, body = fetch(address, path, accept)
        assert status == 404, (path, accept)
        assert b"TOP SECRET" not in body and b"root:" not in body, path
    # the folder itself is a link (resolved once at start), and a link that stays inside is followed
    assert fetch(address, "/")[0] == 200
    assert fetch(address, "/home.html")[2].startswith(b"<!DOCTYPE html><title>home")
    assert fetch(address, "/id/state/XX", "text/html")[2] == b"<h1>XX</h1>\n"
    status, headers, body = fetch(address, "/id/state/BE", "text/turtle")
    assert (status, headers["content-type"], body) == (200, "text/turtle; charset=utf-8", TURTLE.encode())


# --- idle and slow clients ---------------------------------------------------------------------------------

def _seconds_until_closed(sock: socket.socket, trickle: bytes = b"", every: float = 0.3,
                          bound: float = 10.0) -> tuple[float, bytes]:
    """Seconds until the server closes ``sock`` (sending ``trickle`` one byte every ``every`` seconds
    meanwhile), and what it sent; fails after ``bound`` seconds."""
    start = time.monotonic()
    received = b""
    sock.settimeout(every)
    pending = iter(trickle)
    while time.monotonic() - start < bound:
        byte = next(pending, None)
        if byte is not None:
            try:
                sock.sendall(bytes([byte]))
            except OSError:  # reset: the server is gone
                break
        try:
            chunk = sock.recv(65536)
        except TimeoutError:
            continue
        except ConnectionResetError:
            break
        if not chunk:
            break
        received += chunk
    else:
        raise AssertionError(f"the server still holds the connection after {bound} s")
    return time.monotonic() - start, received


def test_idle_and_slow_clients_are_disconnected(site: Path) -> None:
    """The same mechanism as `serve --site`'s 10 s of silence and 20 s for a request's headers, shortened."""
    with serving(site, idle_timeout=1.0, header_timeout=2.0) as address:
        with socket.create_connection(address) as idle:  # says nothing at all
            took, _ = _seconds_until_closed(idle)
        assert 0.8 < took < 1.0 + 1.5
        with socket.create_connection(address) as loris:  # a byte every 0.3 s: never idle for 1 s
            took, answer = _seconds_until_closed(loris, b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 100,
                                                 every=0.3)
        assert 1.8 < took < 2.0 + 1.5 and answer.startswith(b"HTTP/1.1 408 ")
        with socket.create_connection(address) as kept:  # a kept-alive connection that goes quiet
            kept.sendall(b"GET /index.html HTTP/1.1\r\nHost: x\r\n\r\n")
            took, answer = _seconds_until_closed(kept)
        assert answer.startswith(b"HTTP/1.1 200 ") and took < 1.0 + 1.5
        assert fetch(address, "/")[0] == 200
    assert (site_server.IDLE_TIMEOUT, site_server.HEADER_TIMEOUT) == (10.0, 20.0)


# --- over-long names and request lines ------------------------------------------------------------------------

def test_long_names_give_404_and_long_request_lines_414(address: tuple[str, int]) -> None:
    for path, accept in (("/" + "a" * 300, None), ("/id/state/" + "a" * 300, "text/turtle"),
                         ("/id/state/" + "b" * 253, "text/turtle"),  # fits, but not with ".ttl" after it
                         ("/id/" + "%C3%A9" * 200, None),  # 400 bytes once decoded
                         ("/id/" + "c/" * 2500, None)):  # short names, but longer than PATH_MAX
        status, _, body = fetch(address, path, accept)
        assert status == 404 and b"Not found" in body, path[:40]
    answer = raw_exchange(address, b"GET /" + b"d" * 9000 + b" HTTP/1.1\r\nHost: x\r\n\r\n")
    assert answer.startswith(b"HTTP/1.1 414 ") and b"Traceback" not in answer
    assert fetch(address, "/id/state/BE", "text/turtle")[0] == 200  # still answering


# --- bursts of connects ------------------------------------------------------------------------------------

def test_a_burst_of_connects_is_queued_not_retried(address: tuple[str, int]) -> None:
    """With a backlog of 5, connects past the accept queue lose their SYN and retry after 1 s."""
    waits: list[float] = []
    open_sockets: list[socket.socket] = []
    try:
        for _ in range(300):
            start = time.perf_counter()
            open_sockets.append(socket.create_connection(address, timeout=5))
            waits.append(time.perf_counter() - start)
    finally:
        for sock in open_sockets:
            sock.close()
    assert max(waits) < 0.5, f"{sum(w > 0.5 for w in waits)} of 300 connects waited, up to {max(waits):.2f} s"
    assert fetch(address, "/")[0] == 200


# --- keep-alive ---------------------------------------------------------------------------------------------

def test_keep_alive_is_as_fast_as_a_fresh_connection(address: tuple[str, int]) -> None:
    def timed(conn: http.client.HTTPConnection) -> float:
        start = time.perf_counter()
        conn.request("GET", "/id/state/BE", headers={"Accept": "text/turtle"})
        resp = conn.getresponse()
        assert resp.status == 200 and resp.read() == TURTLE.encode()
        return time.perf_counter() - start

    fresh: list[float] = []
    for _ in range(25):
        conn = http.client.HTTPConnection(*address, timeout=10)
        conn.connect()  # the handshake is not what is compared
        fresh.append(timed(conn))
        conn.close()
    conn = http.client.HTTPConnection(*address, timeout=10)
    kept = [timed(conn) for _ in range(25)]
    conn.close()
    fresh_ms, kept_ms = statistics.median(fresh) * 1000, statistics.median(kept) * 1000
    assert kept_ms < max(3 * fresh_ms, fresh_ms + 5), f"keep-alive {kept_ms:.1f} ms, fresh {fresh_ms:.1f} ms"


# --- q=0 with media-type parameters ---------------------------------------------------------------------------

PARAMETER_CASES = {
    "text/turtle;level=1;q=0": "html",
    "text/turtle; level=1 ; q=0.000, text/html": "html",
    'text/turtle;profile="a,b;q=1";q=0': "html",
    "text/turtle;level=1": "ttl",
    "text/turtle;level=1;q=0.5": "ttl",
    "text/turtle;q=0.001": "ttl",
    "text/turtle;q=0;ext=1": "html",  # the first q is the weight; parameters after it are ignored
    'application/x;p="a,text/turtle,b"': "html",  # a comma inside a quoted string separates nothing
    "text/turtle;level=1;Q=0,application/ld+json;charset=utf-8": "jsonld",
    "text/turtle;": "ttl",
    " text/turtle ; ; level=1 , text/html": "ttl",
}


def test_q0_refuses_a_type_that_has_parameters(address: tuple[str, int]) -> None:
    for accept, ext in PARAMETER_CASES.items():
        assert choose_variant(accept) == ext, accept
        matches = re.search(accept_pattern("text/turtle"), accept, re.IGNORECASE) is not None
        assert matches == (ext == "ttl"), accept
    status, headers, body = fetch(address, "/id/state/BE", "text/turtle;level=1;q=0, text/html")
    assert status == 200 and headers["content-type"].startswith("text/html") and b"<h1>Belgium</h1>" in body
    status, headers, _ = fetch(address, "/id/state/BE", "text/turtle;level=1")
    assert status == 200 and headers["content-type"].startswith("text/turtle")


def _accept_headers(count: int) -> list[str]:
    """Accept headers built at random from the pieces that matter: types, parameters, weights, quotes,
    backslashes, commas and spaces in every place."""
    types = ["text/turtle", "TEXT/Turtle", "text/turtlex", "text/html", "application/ld+json", "*/*", "text/*", ""]
    pieces = [" ", "\t", ";", ",", "=", '"', "\\", "q", "Q", "0", "0.", "0.0", "1", "0.5", "level", "a,b", "/",
              ";q=0", ";q=1", ";q=00", ";q=0x", ';q="0"', ";level=1", ';p="a,b"', ';p="a\\"b"', " ; q = 0 "]
    rng = random.Random(9110)
    headers = set()
    while len(headers) < count:
        elements = ["".join([rng.choice(types)] + rng.choices(pieces, k=rng.randint(0, 4)))
                    for _ in range(rng.randint(1, 4))]
        headers.add(rng.choice([",", ", ", " ,"]).join(elements))
    return sorted(headers)


def test_the_regex_reads_accept_as_the_parser_does() -> None:
    """accept_pattern (Apache, nginx) and accepted_types (serve --site) agree on every header, in Python's
    regex engine and, where grep -P is there, in PCRE's; pathological headers take no time in either."""
    headers = _accept_headers(3000)
    for media_type in ("text/turtle", "text/html", "application/ld+json"):
        pattern = re.compile(accept_pattern(media_type), re.IGNORECASE | re.ASCII)
        want = [media_type in accepted_types(h) for h in headers]
        assert [pattern.search(h) is not None for h in headers] == want, media_type
        assert 0 < sum(want) < len(headers)
        grep = shutil.which("grep")
        if grep and subprocess.run([grep, "-P", "x"], input=b"x\n", capture_output=True).returncode == 0:
            out = subprocess.run([grep, "-P", "-i", "-n", accept_pattern(media_type)], capture_output=True,
                                 input=("\n".join(headers) + "\n").encode("latin-1")).stdout.decode("latin-1")
            assert {int(line.split(":", 1)[0]) - 1 for line in out.splitlines()} == {
                i for i, ok in enumerate(want) if ok}, media_type
    pattern = re.compile(accept_pattern("text/turtle"), re.IGNORECASE)
    for header in ("text/html;" + " " * 30_000 + "x", "a," * 30_000 + "text/turtle;q=0", ";" * 60_000 + '"',
                   "text/turtle;" + "a=b;" * 15_000 + 'q="', "x;p=" + '"a"' * 20_000):
        start = time.perf_counter()
        pattern.search(header)
        accepted_types(header)
        assert time.perf_counter() - start < 0.5, header[:30]


# --- hang-ups and the log -----------------------------------------------------------------------------------

def _hang_up(address: tuple[str, int], request: bytes, read: int = 0) -> None:
    """Send ``request``, read ``read`` bytes, and reset the connection (SO_LINGER 0)."""
    sock = socket.create_connection(address, timeout=10)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    try:
        sock.sendall(request)
        if read:
            sock.recv(read)
    finally:
        sock.close()


def test_clients_that_hang_up_leave_one_log_line_and_no_traceback(site: Path, capfd: pytest.CaptureFixture[str],
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    lines: list[str] = []
    with serving(site, log=lines.append) as address:
        big = b"GET /dist/big.nt HTTP/1.1\r\nHost: x\r\n\r\n"
        for i in range(1, 21):  # each reads part of the answer first, so the server surely writes into a reset
            _hang_up(address, big, read=1000 * i)
        _hang_up(address, big)  # gone before the answer, perhaps before the request is read
        _hang_up(address, b"GET /dist/big.nt HT")  # mid request line
        _hang_up(address, big + big)  # pipelined, then gone
        deadline = time.monotonic() + 10
        while len(lines) < 20 and time.monotonic() < deadline:  # each is logged when its write fails
            time.sleep(0.05)
        assert fetch(address, "/index.html")[0] == 200
        time.sleep(0.2)
        out, err = capfd.readouterr()
        assert "Traceback" not in out + err and "Error" not in out + err, err[-2000:]
        # a hang-up is logged when its write fails, which may come after this answer's line
        assert f"127.0.0.1 GET /index.html 200 {len((site / 'index.html').read_bytes())}" in lines
        assert all(LOG_LINE.fullmatch(line) for line in lines), lines
        assert sum(line.startswith("127.0.0.1 GET /dist/big.nt 200 ") for line in lines) >= 20

        # a fault of the server itself: a bare 500 to the client, one line in the log, no traceback
        def broken(*args: object) -> None:
            raise RuntimeError("the secret detail")

        monkeypatch.setattr(site_server, "resolve", broken)
        lines.clear()
        status, _, body = fetch(address, "/id/state/BE")
        assert status == 500 and b"Traceback" not in body and b"secret detail" not in body
        time.sleep(0.2)
        mine = [line for line in lines if "/dist/big.nt" not in line]  # a late hang-up may still log
        assert mine == ["127.0.0.1 error: RuntimeError: the secret detail", "127.0.0.1 GET /id/state/BE 500 " +
                        str(len(body))]
    out, err = capfd.readouterr()
    assert "Traceback" not in out + err and "Error" not in out + err, err[-2000:]
