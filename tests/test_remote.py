"""The real SPARQL server and remote protocols: `lacrdf serve` starts Oxigraph and stops cleanly, every
stored query gives the same rows locally and through the endpoint, `lacrdf publish` puts each graph by the
Graph Store Protocol (re-publishing never duplicates), and failures (400, 415, 500, reset, timeout, server
down) give clear lines, exit code 3, retries only where safe, and an exact account of what was replaced."""

from __future__ import annotations

import base64
import os
import queue
import re
import shlex
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
import requests
from click.testing import CliRunner

from lacrdf import Dataset, Namespaces, ProjectPaths, make_dataset
from lacrdf.cli import main
from lacrdf.errors import InputError, RemoteError
from lacrdf.graph.queries import bind, parse_stored_query, render, run_local
from lacrdf.publish.remote import Auth, PublishError, graph_bodies, publish, run_remote
from lacrdf.publish.server import OxigraphServer, free_port

from .conftest import PROJECT, ROOT
from .fake_store import FakeStore, running

QUERY_FILES = sorted((ROOT / "queries").glob("*.rq"))
NS = Namespaces()
WAIT = 60.0  # upper bound for any wait on a subprocess in this file


@pytest.fixture(scope="module")
def sample(paths: ProjectPaths, tmp_path_factory: pytest.TempPathFactory) -> Dataset:
    """The toolkit's own data for the server and publishing mechanics: a synthetic corpus of three sources
    (so five graphs with the actors and the ontology)."""
    from lacrdf.records.synth import write_corpus

    corpus = tmp_path_factory.mktemp("remote") / "corpus"
    write_corpus(corpus, facts=90, seed=3, facts_per_file=30)
    return make_dataset(paths, [corpus])


@pytest.fixture(scope="module")
def server(dataset: Dataset) -> Iterator[OxigraphServer]:
    with OxigraphServer(dataset) as srv:
        yield srv


@pytest.fixture()
def empty_server(tmp_path: Path) -> Iterator[OxigraphServer]:
    empty = tmp_path / "empty.nq"
    empty.write_bytes(b"")
    with OxigraphServer(empty, writable=True) as srv:
        yield srv


def terms(results) -> list[tuple[str, ...]]:  # type: ignore[no-untyped-def]
    """Rows as tuples of N-Triples terms (the strictest comparison: datatype and language included)."""
    return [tuple(str(r[v]) if v in r else "" for v in results.variables) for r in results.rows]


def graph_counts(ds: Dataset) -> dict[str, int]:
    return dict(sorted(Counter(q.graph_name.value for q in ds.quads).items()))  # type: ignore[union-attr]


def remote_graph_counts(endpoint: str) -> dict[str, int]:
    res = run_remote(endpoint, "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g", 10)
    return dict(sorted((r["g"].value, int(r["n"].value)) for r in res.rows))


def refused(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except ConnectionRefusedError:
        return True
    return False


def example(command: str, runner: CliRunner) -> list[str]:
    result = runner.invoke(main, [command, "--help"])
    match = re.search(r"Example: lacrdf (.+)", result.output)
    assert match, f"'lacrdf {command} --help' has no Example line"
    return shlex.split(match.group(1))


# -- lacrdf serve -------------------------------------------------------------------------------------------

def _child_pids(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_serve_command_answers_and_stops_cleanly(stop: signal.Signals, dataset: Dataset,
                                                  runner: CliRunner) -> None:
    port = free_port()
    args = [a.replace("7878", str(port)) for a in example("serve", runner)]
    assert args == ["serve", "--port", str(port)]
    proc = subprocess.Popen([sys.executable, "-m", "lacrdf.cli", *args], cwd=PROJECT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    lines: queue.Queue[str] = queue.Queue()
    stdout = proc.stdout
    assert stdout is not None
    # a reader thread, so waiting for the ready line is bounded by a queue timeout
    threading.Thread(target=lambda: [lines.put(line) for line in stdout], daemon=True).start()
    try:
        try:
            ready = lines.get(timeout=WAIT)
        except queue.Empty:
            pytest.fail(f"'lacrdf serve' printed no ready line within {WAIT} s")
        url = f"http://127.0.0.1:{port}"
        assert ready == f"SPARQL endpoint: {url}/query  (read-only; query page: {url}/)\n"
        assert remote_graph_counts(url + "/query") == graph_counts(dataset)
        # a query without GRAPH sees the union of the named graphs (--union-default-graph), as local runs do
        union = run_remote(url + "/query", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", 10)
        assert int(union.rows[0]["n"].value) == len(set(q.triple for q in dataset.quads))
        oxigraph_pids = _child_pids(proc.pid)
        proc.send_signal(stop)
        assert proc.wait(WAIT) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(WAIT)
    stderr = proc.stderr.read()  # type: ignore[union-attr]
    assert "Traceback" not in stderr and stderr == "", stderr
    assert refused(port), "the port still answers after 'lacrdf serve' stopped"
    for pid in oxigraph_pids:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)


def test_server_cleans_up_and_frees_its_port(sample: Dataset) -> None:
    with OxigraphServer(sample) as srv:
        port = srv.port
        tmp = srv._tmp
        assert tmp is not None and tmp.is_dir()
        assert requests.get(srv.url + "/", timeout=5).status_code == 200
    assert refused(port)
    assert not tmp.exists()


def test_store_dir_is_kept_and_replaced_on_restart(sample: Dataset, tmp_path: Path) -> None:
    store = tmp_path / "store"
    with OxigraphServer(sample, store_dir=store, writable=True) as srv:
        requests.put(srv.store_url, params={"graph": "http://example.org/stale"}, timeout=5,
                     data=b"<http://example.org/a> <http://example.org/b> <http://example.org/c> .\n",
                     headers={"Content-Type": "application/n-triples"}).raise_for_status()
    assert (store / "CURRENT").is_file()
    with OxigraphServer(sample, store_dir=store) as srv:
        assert remote_graph_counts(srv.query_url) == graph_counts(sample)  # the stale graph is gone


def test_store_dir_that_is_not_a_store_is_refused(sample: Dataset, tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(InputError, match="not empty and holds no Oxigraph store"):
        OxigraphServer(sample, store_dir=tmp_path).start()
    assert (tmp_path / "notes.txt").read_text() == "mine"


def test_port_in_use_is_an_input_error(sample: Dataset) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(InputError, match=f"127.0.0.1:{port} is already in use"):
            OxigraphServer(sample, port=port).start()


def test_missing_binary_says_how_to_install(sample: Dataset, monkeypatch: pytest.MonkeyPatch,
                                            tmp_path: Path) -> None:
    monkeypatch.setattr(sys, "executable", str(tmp_path / "python"))
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(InputError, match="'oxigraph' server binary was not found.*pip install oxigraph"):
        OxigraphServer(sample).start()


# -- lacrdf query --endpoint ------------------------------------------------------------------------------

@pytest.mark.parametrize("path", QUERY_FILES, ids=lambda p: p.stem)
def test_stored_query_same_rows_locally_and_remotely(path: Path, dataset: Dataset,
                                                     server: OxigraphServer) -> None:
    text = bind(parse_stored_query(path), {}, NS)
    local = run_local(dataset.store, text)
    remote = run_remote(server.query_url, text, 10)
    assert remote.variables == local.variables
    assert terms(remote) == terms(local)
    for fmt in ("table", "csv", "tsv", "json"):
        assert render(remote, fmt, NS.prefixes()) == render(local, fmt, NS.prefixes())


def test_ask_query_same_locally_and_remotely(dataset: Dataset, server: OxigraphServer) -> None:
    text = "ASK { ?s a ?type }"
    assert terms(run_remote(server.query_url, text, 10)) == terms(run_local(dataset.store, text)) == \
        [('"true"^^<http://www.w3.org/2001/XMLSchema#boolean>',)]


@pytest.mark.parametrize("fmt", ["table", "json"])
def test_query_command_with_endpoint_prints_what_a_local_run_prints(fmt: str, runner: CliRunner,
                                                                   server: OxigraphServer) -> None:
    args = ["query", "missions-by-host", "--param", "sending=BE", "--format", fmt]
    local = runner.invoke(main, args)
    remote = runner.invoke(main, [*args, "--endpoint", server.query_url])
    assert local.exit_code == 0 and remote.exit_code == 0, local.output + remote.output
    assert remote.stdout == local.stdout
    assert "Buenos Aires" in remote.stdout


def test_endpoint_down_is_one_line_and_exit_3(runner: CliRunner) -> None:
    port = free_port()
    result = runner.invoke(main, ["query", "actors", "--endpoint", f"http://127.0.0.1:{port}/query"])
    assert result.exit_code == 3
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f"endpoint http://127.0.0.1:{port}/query: connection refused (is the server running?)"]


def test_bad_query_gives_the_servers_http_400(server: OxigraphServer) -> None:
    with pytest.raises(RemoteError) as info:
        run_remote(server.query_url, "SELECT ?x WHERE { ?x", 10)
    message = str(info.value)
    assert message.startswith(f"endpoint {server.query_url}: HTTP 400 Bad Request: ")
    assert "\n" not in message


@pytest.mark.parametrize(("action", "expected"), [
    ("html", "the answer is not SPARQL JSON results (got text/html)"),
    ("500", "HTTP 500 Internal Server Error: the engine ran out of memory"),
    ("silent", "no answer within 0.3 s (--timeout)"),
])
def test_endpoint_failures_are_one_remote_error_line(action: str, expected: str) -> None:
    with running(FakeStore(query_action=action)) as fake:
        started = time.monotonic()
        with pytest.raises(RemoteError) as info:
            run_remote(fake.query_url, "SELECT * WHERE { ?s ?p ?o }", 0.3)
        assert time.monotonic() - started < 5
    message = str(info.value)
    assert message.startswith(f"endpoint {fake.query_url}: ") and expected in message
    assert "\n" not in message and info.value.exit_code == 3


def test_endpoint_timeout_through_the_cli_exits_3(runner: CliRunner) -> None:
    with running(FakeStore(query_action="silent")) as fake:
        result = runner.invoke(main, ["query", "actors", "--endpoint", fake.query_url, "--timeout", "0.3"])
    assert result.exit_code == 3
    assert result.stderr.splitlines() == [f"endpoint {fake.query_url}: no answer within 0.3 s (--timeout)"]


def test_endpoint_must_be_an_http_url(runner: CliRunner) -> None:
    result = runner.invoke(main, ["query", "actors", "--endpoint", "ftp://user:pw@example.org/q"])
    assert result.exit_code == 2
    assert "pw" not in result.output
    assert result.stderr.splitlines() == [
        "endpoint 'ftp://example.org/q' is not an http(s) URL such as http://127.0.0.1:7878/query"]


# -- lacrdf publish against a real server ---------------------------------------------------------------

def test_publish_then_republish_gives_the_same_counts(dataset: Dataset, empty_server: OxigraphServer,
                                                      runner: CliRunner) -> None:
    expected = graph_counts(dataset)
    report = publish(dataset, empty_server.store_url, auth=Auth(), timeout=10, retries=0)
    assert {g.graph: g.stored for g in report.graphs} == expected
    assert {g.graph: g.sent for g in report.graphs} == expected
    assert remote_graph_counts(empty_server.query_url) == expected
    # a stray triple in one graph is replaced, not merged; nothing is duplicated by a second publish
    actors = NS.graphs + "actors"
    requests.post(empty_server.store_url, params={"graph": actors}, timeout=5,
                  data=b"<http://example.org/a> <http://example.org/b> <http://example.org/c> .\n",
                  headers={"Content-Type": "application/n-triples"}).raise_for_status()
    assert remote_graph_counts(empty_server.query_url)[actors] == expected[actors] + 1
    args = [a.replace("http://127.0.0.1:7878/store", empty_server.store_url)
            for a in example("publish", runner)]
    assert args == ["publish", "--store", empty_server.store_url]
    result = runner.invoke(main, args)
    assert result.exit_code == 0, result.output
    assert remote_graph_counts(empty_server.query_url) == expected
    lines = result.stdout.splitlines()
    assert len(lines) == len(expected) + 1
    for line, (graph, count) in zip(lines[:-1], expected.items(), strict=True):
        assert re.fullmatch(rf"<{re.escape(graph)}>\s+{count} triples", line), line
    total = sum(expected.values())
    assert lines[-1] == (f"published {len(expected)} graphs ({total} triples) to {empty_server.store_url}; "
                         f"read back {total} triples")


def test_published_graphs_equal_the_dataset(sample: Dataset, empty_server: OxigraphServer) -> None:
    publish(sample, empty_server.store_url, auth=Auth(), timeout=10, retries=0)
    for graph in sample.graphs:
        got = requests.get(empty_server.store_url, params={"graph": graph.value}, timeout=5,
                           headers={"Accept": "application/n-triples"})
        stored = {q.triple for q in ox.parse(got.content, format=ox.RdfFormat.N_TRIPLES)}
        assert stored == {q.triple for q in sample.quads if q.graph_name == graph}


def test_graph_prefix_renames_the_graphs(sample: Dataset, empty_server: OxigraphServer) -> None:
    prefix = "http://example.org/lac/"
    report = publish(sample, empty_server.store_url, graph_prefix=prefix, auth=Auth(), timeout=10, retries=0)
    expected = {prefix + g[len(NS.graphs):]: n for g, n in graph_counts(sample).items()}
    assert {g.graph: g.stored for g in report.graphs} == expected
    assert remote_graph_counts(empty_server.query_url) == expected


def test_graph_prefix_must_be_an_iri(sample: Dataset) -> None:
    with pytest.raises(InputError, match="--graph-prefix"):
        publish(sample, "http://127.0.0.1:9/store", graph_prefix="not an iri ", auth=Auth(), timeout=1,
                retries=0)


# -- lacrdf publish against a failing store ---------------------------------------------------------------

def _stored_equals_sent(fake: FakeStore, ds: Dataset, graphs: list[str]) -> None:
    bodies = {g.value: body for g, (body, _) in graph_bodies(ds).items()}
    assert sorted(fake.graphs) == sorted(graphs)
    for graph in graphs:
        # the CLI sends the build's store order, an in-memory dataset its sorted order: the same triples
        assert sorted(fake.graphs[graph].splitlines()) == sorted(bodies[graph].splitlines())


@pytest.mark.parametrize(("plan", "puts", "status", "reason"), [
    (["400"], 1, "not replaced", "PUT: HTTP 400 Bad Request: refused by the fake store (400)"),
    (["415"], 1, "not replaced", "PUT: HTTP 415 Unsupported Media Type: refused by the fake store (415)"),
    (["500"] * 3, 3, "not replaced",
     "PUT: HTTP 500 Internal Server Error: refused by the fake store (500) (after 3 attempts)"),
    (["reset"] * 3, 3, "unknown", "PUT: connection reset by the server (after 3 attempts)"),
    (["silent"] * 3, 3, "unknown", "PUT: no answer within 0.3 s (--timeout) (after 3 attempts)"),
], ids=["400", "415", "500", "reset", "timeout"])
def test_failed_put_reports_exactly_what_was_replaced(plan: list[str], puts: int, status: str, reason: str,
                                                      sample: Dataset) -> None:
    graphs = [g.value for g in sample.graphs]
    failing = graphs[2]
    with running(FakeStore(plan={failing: list(plan)}, silence=1.0)) as fake:
        with pytest.raises(PublishError) as info:
            publish(sample, fake.store_url, auth=Auth(), timeout=0.3, retries=2, backoff=0.01)
    err = info.value
    assert err.exit_code == 3
    assert err.replaced == graphs[:2]
    assert err.status[failing] == status
    assert [g for g in graphs[3:] if err.status[g] != "not replaced"] == []
    assert fake.puts(failing) == puts
    assert all(fake.puts(g) == 1 for g in graphs[:2]) and all(fake.puts(g) == 0 for g in graphs[3:])
    assert "POST" not in fake.methods()
    _stored_equals_sent(fake, sample, graphs[:2])
    lines = str(err).splitlines()
    assert lines[0] == f"publish to {fake.store_url} failed at graph <{failing}>: {reason}"
    assert lines[1:-1] == [f"{err.status[g].ljust(12)}  <{g}>" for g in graphs]
    assert lines[-1].startswith("publish incomplete: 2 replaced, ")


@pytest.mark.parametrize("first", ["500", "reset", "silent"])
def test_passing_failures_are_retried_until_published(first: str, sample: Dataset) -> None:
    graphs = [g.value for g in sample.graphs]
    with running(FakeStore(plan={graphs[2]: [first]}, silence=1.0)) as fake:
        report = publish(sample, fake.store_url, auth=Auth(), timeout=0.3, retries=2, backoff=0.01)
    assert fake.puts(graphs[2]) == 2
    assert "POST" not in fake.methods()
    assert {g.graph: g.stored for g in report.graphs} == graph_counts(sample)
    _stored_equals_sent(fake, sample, graphs)


def test_failed_read_back_says_every_graph_was_replaced(sample: Dataset) -> None:
    graphs = [g.value for g in sample.graphs]
    with running(FakeStore(read_action="500")) as fake:
        with pytest.raises(PublishError) as info:
            publish(sample, fake.store_url, auth=Auth(), timeout=1, retries=1, backoff=0.01)
    assert info.value.replaced == graphs
    assert sum(1 for s in fake.seen if s.method == "GET") == 2  # the first graph's read, retried once
    lines = str(info.value).splitlines()
    assert lines[0] == (f"every graph was replaced on {fake.store_url}, but reading back <{graphs[0]}> failed: "
                        "GET: HTTP 500 Internal Server Error: read failed (after 2 attempts)")
    assert lines[-1] == f"all {len(graphs)} graphs were replaced, but the read-back did not finish"
    _stored_equals_sent(fake, sample, graphs)


def test_failed_publish_through_the_cli_exits_3(dataset: Dataset, runner: CliRunner) -> None:
    graphs = [g.value for g in dataset.graphs]
    with running(FakeStore(plan={graphs[1]: ["500", "500"]})) as fake:
        result = runner.invoke(main, ["publish", "--store", fake.store_url, "--retries", "1"])
    assert result.exit_code == 3
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines[0] == (f"publish to {fake.store_url} failed at graph <{graphs[1]}>: PUT: HTTP 500 Internal "
                        "Server Error: refused by the fake store (500) (after 2 attempts)")
    assert lines[1] == f"replaced      <{graphs[0]}>"
    assert lines[2:-1] == [f"not replaced  <{g}>" for g in graphs[1:]]
    assert lines[-1] == (f"publish incomplete: 1 replaced, {len(graphs) - 1} not replaced "
                         f"of {len(graphs)} graphs")
    _stored_equals_sent(fake, dataset, graphs[:1])


def test_publish_to_a_server_that_is_down_exits_3(runner: CliRunner) -> None:
    port = free_port()
    result = runner.invoke(main, ["publish", "--store", f"http://127.0.0.1:{port}/store", "--retries", "0"])
    assert result.exit_code == 3
    lines = result.stderr.splitlines()
    assert lines[0].endswith(": PUT: connection refused (is the server running?)")
    assert all(line.startswith("not replaced  <") for line in lines[1:-1])
    assert "Traceback" not in result.output


# -- credentials --------------------------------------------------------------------------------------------

def test_basic_auth_arrives_and_is_never_printed(runner: CliRunner, dataset: Dataset) -> None:
    password = "s3cret-Pa55"
    encoded = base64.b64encode(f"alice:{password}".encode()).decode()
    with running(FakeStore()) as fake:
        ok = runner.invoke(main, ["publish", "--store", fake.store_url, "--user", "alice"],
                           env={"LACRDF_PASSWORD": password})
    assert ok.exit_code == 0, ok.output
    assert {s.authorization for s in fake.seen} == {f"Basic {encoded}"}
    graphs = [g.value for g in dataset.graphs]
    with running(FakeStore(plan={graphs[0]: ["401-echo"]})) as fake:
        failed = runner.invoke(main, ["publish", "--store", fake.store_url, "--user", "alice"],
                               env={"LACRDF_PASSWORD": password})
    assert failed.exit_code == 3
    assert "HTTP 401 Unauthorized: bad credentials: Basic ***" in failed.stderr
    for result in (ok, failed):
        assert password not in result.output and encoded not in result.output


def test_bearer_token_arrives_and_is_never_printed(runner: CliRunner, dataset: Dataset) -> None:
    token = "tok-8f2e9a71c0"
    with running(FakeStore(plan={dataset.graphs[-1].value: ["401-echo"]})) as fake:
        result = runner.invoke(main, ["publish", "--store", fake.store_url, "--token-env", "LAC_TOKEN"],
                               env={"LAC_TOKEN": token})
    assert {s.authorization for s in fake.seen} == {f"Bearer {token}"}
    assert result.exit_code == 3
    assert "bad credentials: Bearer ***" in result.stderr
    assert token not in result.output


def test_credentials_are_hidden_from_repr_and_urls(sample: Dataset) -> None:
    auth = Auth("alice", "pw-123456", "tok-abcdef")
    assert "pw-123456" not in repr(auth) and "tok-abcdef" not in str(auth)
    port = free_port()
    with pytest.raises(PublishError) as info:
        publish(sample, f"http://bob:hunter22@127.0.0.1:{port}/store", auth=auth, timeout=1, retries=0)
    assert "hunter22" not in str(info.value) and "bob" not in str(info.value)


def test_user_without_password_is_refused(runner: CliRunner) -> None:
    result = runner.invoke(main, ["publish", "--store", "http://127.0.0.1:9/store", "--user", "alice",
                                  "--password-env", "LACRDF_TEST_UNSET"], env={"LACRDF_TEST_UNSET": None})
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "--user alice needs a password in the environment variable named by --password-env "
        "(default LACRDF_PASSWORD)"]

