"""A second real store: Virtuoso 7.2.5 (Debian's virtuoso-opensource), started by the test on loopback
with a database of its own. `lacrdf publish` puts the curated build into it by the Graph Store Protocol;
then every stored query, with every example parameter of its header, must give through
`lacrdf query --endpoint` the same rows in the same order as a local run."""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from lacrdf import BuiltGraph, find_project, open_graph
from lacrdf.cli import main
from lacrdf.errors import RemoteError
from lacrdf.graph.queries import Results, StoredQuery, parse_stored_query, run_local
from lacrdf.publish.remote import run_remote

from .conftest import PROJECT, ROOT
from .virtuoso import Virtuoso, VirtuosoError

pytestmark = pytest.mark.curated  # publishes and queries the project's build through the CLI


def example_params(query: StoredQuery) -> list[dict[str, str]]:
    """The parameter sets a query's header shows: none (the defaults), each value a '# param:' line
    gives after 'e.g.' ('e.g. xi-jinping or BY' gives two), and the '--param's of its '# example:'."""
    found: list[dict[str, str]] = [{}]
    for param in query.params:
        match = re.search(r"\be\.g\.\s+(.+)$", param.description)
        if match:
            found += [{param.name: value} for value in re.split(r",?\s+or\s+|,\s+", match.group(1).strip())]
    words = shlex.split(query.example or "")
    found.append(dict(words[i + 1].split("=", 1) for i, word in enumerate(words[:-1]) if word == "--param"))
    unique: list[dict[str, str]] = []
    for params in found:
        if params not in unique:
            unique.append(params)
    return unique


CASES = [(query, params) for query in (parse_stored_query(p) for p in sorted((ROOT / "queries").glob("*.rq")))
         for params in example_params(query)]
CASE_IDS = [query.name + "".join(f"[{k}={v}]" for k, v in params.items()) for query, params in CASES]


def sql_text(text: str) -> str:
    """The text inside a single-quoted SQL string literal."""
    return text.replace("'", "''")


@dataclass(frozen=True)
class Published:
    server: Virtuoso
    graphs: dict[str, int]  # graph IRI -> triples, as `lacrdf publish` read them back


PRIVATE = "http://www.openlinksw.com/schemas/virtrdf#PrivateGraphs"
"""Virtuoso's graph group of private graphs: graphs in it are hidden from users without permission."""


def configure(server: Virtuoso) -> None:
    """What a Virtuoso needs before `lacrdf publish` and `lacrdf query --endpoint` (README, "Tested
    stores"): the Graph Store endpoint writes as the SPARQL user, which may only read by default; and
    the default graph of a query without FROM is every graph Virtuoso holds, its own system graphs
    (virtrdf#, ...) included, so those are made private and anonymous queries see only the published
    graphs: their union is the default graph, as in a local run. (Restricting the default graph instead,
    by default-graph-uri, a graph group or DB.DBA.SYS_SPARQL_HOST defines, makes Virtuoso 7.2.5 answer
    some `rdfs:subClassOf*` paths wrongly.)"""
    server.isql('grant SPARQL_UPDATE to "SPARQL";')
    own = run_remote(server.query_url, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }", 30)
    hide = " ".join(f"DB.DBA.RDF_GRAPH_GROUP_INS('{PRIVATE}', '{sql_text(r['g'].value)}');" for r in own.rows)
    server.isql(f"DB.DBA.RDF_GRAPH_GROUP_CREATE('{PRIVATE}', 1); {hide} "
                "DB.DBA.RDF_DEFAULT_USER_PERMS_SET('nobody', 0, 1);")


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory: pytest.TempPathFactory, session_dist: Path) -> Iterator[Published | str]:
    """Virtuoso with the curated build published, or the one line saying why there is none (each test
    then fails with it: a missing store is a failure, never a skip)."""
    with Virtuoso(tmp_path_factory.mktemp("virtuoso")) as server:
        try:
            server.start()
            configure(server)
            with pytest.MonkeyPatch.context() as patch:
                patch.chdir(PROJECT)
                result = CliRunner().invoke(main, ["publish", "--store", server.store_url])
            if result.exit_code != 0:
                first = (result.stderr or result.output or "no output").splitlines()[0]
                raise VirtuosoError(f"lacrdf publish to Virtuoso exited {result.exit_code}: {first}")
        except (VirtuosoError, RemoteError) as exc:
            yield str(exc)
            return
        lines = re.finditer(r"^<([^>]+)>\s+(\d+) triples", result.stdout, re.M)
        graphs = {line.group(1): int(line.group(2)) for line in lines}
        yield Published(server, graphs)


def ready(virtuoso: Published | str) -> Published:
    if isinstance(virtuoso, str):
        pytest.fail(virtuoso, pytrace=False)
    return virtuoso


@pytest.fixture(scope="module")
def built() -> BuiltGraph:
    return open_graph(find_project(PROJECT))


def count(rows: Results, key: str = "n") -> int:
    return int(rows.rows[0][key].value)


def test_publish_reads_back_every_graph(virtuoso: Published | str, built: BuiltGraph) -> None:
    published = ready(virtuoso)
    local = {g.value: sum(1 for _ in built.store.quads_for_pattern(None, None, None, g)) for g in built.graphs()}
    assert published.graphs == local
    # an anonymous query sees the published graphs and nothing else: Virtuoso's own graphs are private
    in_virtuoso = run_remote(published.server.query_url,
                             "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g", 30)
    assert {r["g"].value: int(r["n"].value) for r in in_virtuoso.rows} == local


def test_default_graph_is_the_union_of_the_published_graphs(virtuoso: Published | str, built: BuiltGraph) -> None:
    published = ready(virtuoso)
    for text in ("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
                 "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?type }"):
        assert count(run_remote(published.server.query_url, text, 30)) == count(run_local(built.store, text)), text


def test_digest_only_graph_store_endpoint_is_one_line_and_exit_3(virtuoso: Published | str,
                                                                 runner: CliRunner) -> None:
    """Virtuoso's authenticated Graph Store endpoint wants HTTP digest authentication; lacrdf sends basic
    auth or a bearer token, so the answer is 401 and nothing is written."""
    published = ready(virtuoso)
    store = published.server.store_url + "-auth"
    result = runner.invoke(main, ["publish", "--store", store, "--user", "dba", "--retries", "0"],
                           env={"LACRDF_PASSWORD": published.server.password})
    assert result.exit_code == 3
    assert "HTTP 401 Unauthorized" in result.stderr.splitlines()[0]
    assert published.server.password not in result.output


def run_json(runner: CliRunner, query: StoredQuery, params: dict[str, str], *extra: str) -> dict[str, Any]:
    args = ["query", query.name, "--format", "json", *extra]
    for name, value in params.items():
        args += ["--param", f"{name}={value}"]
    result = runner.invoke(main, args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)  # type: ignore[no-any-return]


@pytest.mark.parametrize(("query", "params"), CASES, ids=CASE_IDS)
def test_stored_query_same_rows_and_order_on_virtuoso(query: StoredQuery, params: dict[str, str],
                                                      virtuoso: Published | str, runner: CliRunner) -> None:
    published = ready(virtuoso)
    local = run_json(runner, query, params)
    remote = run_json(runner, query, params, "--endpoint", published.server.query_url)
    # both are lacrdf's rendering of pyoxigraph terms: equal JSON is the same terms (datatype and
    # language included) in the same order
    assert remote["head"] == local["head"]
    got, expected = remote["results"]["bindings"], local["results"]["bindings"]
    assert sorted(map(canonical, got)) == sorted(map(canonical, expected)), \
        f"different rows: {len(got)} on Virtuoso, {len(expected)} locally"
    for number, (mine, theirs) in enumerate(zip(got, expected, strict=True), 1):
        assert mine == theirs, (f"same rows, another order: row {number} is {canonical(mine)} on Virtuoso "
                                f"and {canonical(theirs)} locally")


def canonical(binding: dict[str, Any]) -> str:
    return json.dumps(binding, sort_keys=True, ensure_ascii=False)


@pytest.mark.parametrize(("query", "params"), CASES, ids=CASE_IDS)
def test_stored_query_order_is_total(query: StoredQuery, params: dict[str, str], runner: CliRunner) -> None:
    """Rows that tie on every ORDER BY key are the same row, so no store may order them its own way
    (a mission cited in two paragraphs gives two rows that differ only in ?paragraph)."""
    order = re.search(r"(?is)\bORDER\s+BY\s+(.*)$", query.text)
    assert order, f"{query.name}.rq has no ORDER BY"
    keys = re.findall(r"\?(\w+)", order.group(1))
    rows: dict[str, set[str]] = {}
    for binding in run_json(runner, query, params)["results"]["bindings"]:
        key = json.dumps([binding.get(k) for k in keys], sort_keys=True)
        rows.setdefault(key, set()).add(json.dumps(binding, sort_keys=True))
    ties = [sorted(tied) for tied in rows.values() if len(tied) > 1]
    assert not ties, f"{query.name}.rq: rows that differ but tie on ORDER BY {order.group(1).strip()}: {ties[0]}"
