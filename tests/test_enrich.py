"""`lacrdf enrich --wikidata`: names of the actors in other languages, fetched from a local stand-in for
the Wikidata Query Service (never the internet), kept in their own named graph with PROV-O provenance,
written deterministically and atomically; failures are one line, exit 3, nothing written; a build adds the
graph to the store and the graph-keeping dumps, and a build without it is byte-identical to before."""

from __future__ import annotations

import json
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from lacrdf import Project, ProjectPaths, pipeline
from lacrdf.cli import main
from lacrdf.errors import InputError
from lacrdf.graph.store import StaleBuild
from lacrdf.publish.enrich import (
    BATCH_SIZE,
    WIKIDATA_SPARQL,
    batches,
    curated_labels,
    enrich_wikidata,
    label_query,
    wikidata_links,
)
from lacrdf.publish.server import free_port

from .conftest import ROOT

WD = "http://www.wikidata.org/entity/"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
ALT = "http://www.w3.org/2004/02/skos/core#altLabel"
PROV = "http://www.w3.org/ns/prov#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD_DATETIME = "http://www.w3.org/2001/XMLSchema#dateTime"
GRAPH = "https://w3id.org/lacrdf/graph/enrich/wikidata"
EPOCH = "1700000000"  # 2023-11-14T22:13:20Z
WHEN = "2023-11-14T22:13:20Z"
ASKED = ("en", "es", "pt", "fr")


# ---------------------------------------------------------------------------------------------- stand-in

@dataclass
class StandIn:
    """A SPARQL 1.1 endpoint on 127.0.0.1 answering from a small pyoxigraph store, or failing as told."""

    store: ox.Store
    mode: str = "ok"  # "ok", "500" or "silent"
    seen: list[dict[str, str]] = field(default_factory=list)
    url: str = ""


@pytest.fixture(scope="module")
def links(project: Project) -> list:  # type: ignore[type-arg]
    """Three actors with Wikidata ids: two states and, if there is one, an organisation."""
    found = wikidata_links(project)
    states = [link for link in found if "/id/state/" in link.actor][:2]
    others = [link for link in found if "/id/state/" not in link.actor][:1]
    return states + others


def fixture_store(links: list, project: Project) -> ox.Store:  # type: ignore[type-arg]
    """Labels of the items in en, es, pt, fr and de (which is not asked for), one label equal to a curated
    label, and an item nobody asked about."""
    store = ox.Store()
    label = ox.NamedNode(RDFS_LABEL)
    curated = curated_labels(project)
    for link in links:
        item = ox.NamedNode(WD + link.item)
        for lang in (*ASKED, "de"):
            store.add(ox.Quad(item, label, ox.Literal(f"{link.item} name in {lang}", language=lang)))
    first = links[0]
    text, lang = sorted(label for label in curated[first.actor] if label[1] in ASKED)[0]
    store.add(ox.Quad(ox.NamedNode(WD + first.item), label, ox.Literal(text, language=lang)))
    store.add(ox.Quad(ox.NamedNode(WD + "Q1"), label, ox.Literal("universe", language="en")))
    return store


@pytest.fixture()
def endpoint(links: list, project: Project) -> Iterator[StandIn]:  # type: ignore[type-arg]
    standin = StandIn(fixture_store(links, project))

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def answer(self, query: str) -> None:
            standin.seen.append({"method": self.command, "accept": self.headers.get("Accept", ""),
                                 "agent": self.headers.get("User-Agent", ""),
                                 "type": self.headers.get("Content-Type", ""), "query": query})
            if standin.mode == "silent":
                threading.Event().wait(2.0)
                return
            if standin.mode == "500":
                body, status, ctype = b"<html><body>Internal failure of the stand-in</body></html>", 500, "text/html"
            else:
                body = standin.store.query(query).serialize(format=ox.QueryResultsFormat.JSON)  # type: ignore[union-attr]
                status, ctype = 200, "application/sparql-results+json"
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:  # noqa: N802
            self.answer(parse_qs(urlsplit(self.path).query).get("query", [""])[0])

        def do_POST(self) -> None:  # noqa: N802
            length = int(self.headers.get("Content-Length", "0"))
            self.answer(parse_qs(self.rfile.read(length).decode("utf-8")).get("query", [""])[0])

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    standin.url = f"http://127.0.0.1:{server.server_address[1]}/sparql"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield standin
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture()
def few(monkeypatch: pytest.MonkeyPatch, links: list) -> None:  # type: ignore[type-arg]
    """The CLI asks about the three fixture actors only (keeps the expected output small and exact)."""
    import lacrdf.publish.enrich as enrich_module

    monkeypatch.setattr(enrich_module, "wikidata_links", lambda project: tuple(links))


def run_enrich(runner: CliRunner, url: str, output: Path, *extra: str):  # type: ignore[no-untyped-def]
    return runner.invoke(main, ["enrich", "--wikidata", url, "--output", str(output), *extra])


def quads_of(path: Path) -> list[ox.Quad]:
    return list(ox.parse(path=str(path), format=ox.RdfFormat.TRIG))


# ---------------------------------------------------------------------------------------------- the query

def test_the_query_asks_for_four_languages_of_the_given_items_only(links: list, project: Project) -> None:  # type: ignore[type-arg]
    store = fixture_store(links, project)
    assert any(q.object.language == "de" for q in store)  # type: ignore[union-attr]
    query = label_query([link.item for link in links])
    rows = list(store.query(query))  # type: ignore[arg-type]
    assert rows, "the query finds the fixture's labels"
    assert {row["label"].language for row in rows} == set(ASKED)  # type: ignore[index,union-attr]
    assert {row["item"].value for row in rows} == {WD + link.item for link in links}  # type: ignore[index,union-attr]
    assert query.count("SELECT") == 1 and "VALUES ?item" in query


def test_long_id_lists_are_batched() -> None:
    items = [f"Q{n}" for n in range(1, 451)]
    parts = batches(items)
    assert [len(p) for p in parts] == [BATCH_SIZE, BATCH_SIZE, 50]
    assert [i for p in parts for i in p] == items
    assert "wd:Q450" in label_query(parts[-1]) and "wd:Q1 " not in label_query(parts[-1])


def test_ids_come_from_the_actor_records(project: Project) -> None:
    found = wikidata_links(project)
    expected = {(rec.wikidata, rec.id) for rec in project.actors.values() if rec.wikidata}
    assert {(link.item, link.actor.rsplit("/", 1)[1]) for link in found} == expected
    assert all(link.actor.startswith("https://w3id.org/lacrdf/id/") for link in found)


def test_dry_run_sends_nothing(runner: CliRunner, endpoint: StandIn) -> None:
    result = runner.invoke(main, ["enrich", "--wikidata", endpoint.url, "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "VALUES ?item" in result.output and endpoint.seen == []


def test_without_a_value_the_flag_means_the_wikidata_query_service(runner: CliRunner) -> None:
    result = runner.invoke(main, ["enrich", "--wikidata", "--dry-run"])  # --dry-run: nothing is sent
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == f"# request 1 to {WIKIDATA_SPARQL}"


# ---------------------------------------------------------------------------------------------- the file

def test_enrich_writes_the_labels_in_their_own_graph_with_provenance(
        runner: CliRunner, endpoint: StandIn, links: list, project: Project, few: None,  # type: ignore[type-arg]
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    out = tmp_path / "enrich" / "wikidata.trig"
    result = run_enrich(runner, endpoint.url, out)
    assert result.exit_code == 0, result.output
    assert result.stdout == (f"12 labels (en, es, fr, pt) for 3 of 3 actors with a Wikidata id, from "
                             f"{endpoint.url} (1 request; 1 equal to a curated label left out); wrote {out}\n")
    [seen] = endpoint.seen
    assert seen["method"] == "POST" and seen["type"].startswith("application/x-www-form-urlencoded")
    assert seen["accept"] == "application/sparql-results+json"
    assert seen["agent"].startswith("lacrdf/") and "https://w3id.org/lacrdf/" in seen["agent"]

    quads = quads_of(out)
    assert {q.graph_name.value for q in quads} == {GRAPH}, "one named graph, nothing in any other"  # type: ignore[union-attr]
    labels = {(q.subject.value, q.object.value, q.object.language) for q in quads  # type: ignore[union-attr]
              if q.predicate.value == ALT}
    assert labels == {(link.actor, f"{link.item} name in {lang}", lang) for link in links for lang in ASKED}
    assert not any("universe" in str(q) or "name in de" in str(q) for q in quads)

    def objects(s: str, p: str) -> set[str]:
        return {str(q.object) for q in quads if q.subject.value == s and q.predicate.value == p}

    [activity] = [q.object.value for q in quads if q.subject.value == GRAPH and q.predicate.value == PROV +  # type: ignore[union-attr]
                  "wasGeneratedBy"]
    assert objects(GRAPH, PROV + "wasDerivedFrom") == {f"<{endpoint.url}>"}
    assert objects(GRAPH, RDF_TYPE) == {f"<{PROV}Entity>"}
    assert f"<{PROV}Activity>" in objects(activity, RDF_TYPE)
    assert objects(activity, PROV + "startedAtTime") == {f'"{WHEN}"^^<{XSD_DATETIME}>'}
    assert objects(activity, PROV + "endedAtTime") == {f'"{WHEN}"^^<{XSD_DATETIME}>'}
    used = objects(activity, PROV + "used")
    assert f"<{endpoint.url}>" in used and len(used) == 2
    [query_entity] = [u[1:-1] for u in used if u != f"<{endpoint.url}>"]
    assert objects(query_entity, RDF_TYPE) == {f"<{PROV}Entity>"}
    [value] = [q.object.value for q in quads if q.subject.value == query_entity and q.predicate.value == PROV + "value"]
    assert value == seen["query"], "the provenance holds the very query that was sent"
    assert objects(endpoint.url, RDF_TYPE) == {f"<{PROV}Entity>"}


def test_same_answers_same_bytes(runner: CliRunner, endpoint: StandIn, few: None, tmp_path: Path,
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    first, second = tmp_path / "a.trig", tmp_path / "b.trig"
    assert run_enrich(runner, endpoint.url, first).exit_code == 0
    assert run_enrich(runner, endpoint.url, second).exit_code == 0
    assert first.read_bytes() == second.read_bytes()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(EPOCH) + 60))
    third = tmp_path / "c.trig"
    assert run_enrich(runner, endpoint.url, third).exit_code == 0
    assert third.read_bytes() != first.read_bytes(), "the time of the fetch is in the file"


def test_without_source_date_epoch_the_times_are_real(runner: CliRunner, endpoint: StandIn, few: None,
                                                      tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from datetime import datetime, timezone

    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    out = tmp_path / "w.trig"
    before = datetime.now(timezone.utc).replace(microsecond=0)
    assert run_enrich(runner, endpoint.url, out).exit_code == 0
    after = datetime.now(timezone.utc)
    times = [datetime.fromisoformat(q.object.value.replace("Z", "+00:00")) for q in quads_of(out)
             if q.predicate.value in (PROV + "startedAtTime", PROV + "endedAtTime")]
    assert len(times) == 2 and all(before <= t <= after for t in times), (before, times, after)


def test_batched_requests_give_the_same_labels_and_each_query_is_recorded(
        endpoint: StandIn, project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    one = enrich_wikidata(project, endpoint.url, tmp_path / "one.trig")
    assert one.requests == 1
    endpoint.seen.clear()
    many = enrich_wikidata(project, endpoint.url, tmp_path / "many.trig", batch_size=20)
    items = len({link.item for link in wikidata_links(project)})
    assert many.requests == len(endpoint.seen) == -(-items // 20) > 1
    assert many.fetch.labels == one.fetch.labels
    quads = quads_of(tmp_path / "many.trig")
    values = sorted(q.object.value for q in quads if q.predicate.value == PROV + "value")
    assert values == sorted(seen["query"] for seen in endpoint.seen)


# ---------------------------------------------------------------------------------------------- failures

def assert_failed_cleanly(result, old: Path, previous: bytes, needle: str) -> None:  # type: ignore[no-untyped-def]
    assert result.exit_code == 3, result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("lacrdf: ") and lines[0].endswith(f"; {old} not written"), lines[0]
    assert needle in lines[0], lines[0]
    assert "Traceback" not in result.output and result.stdout == ""
    assert old.read_bytes() == previous, "the previous file is kept as it was"
    assert sorted(p.name for p in old.parent.iterdir()) == [old.name], "no temporary file is left behind"


def test_an_unreachable_endpoint_writes_nothing(runner: CliRunner, few: None, tmp_path: Path) -> None:
    old = tmp_path / "enrich" / "wikidata.trig"
    old.parent.mkdir()
    old.write_bytes(b"# the previous enrichment\n")
    url = f"http://127.0.0.1:{free_port()}/sparql"
    result = run_enrich(runner, url, old)
    assert_failed_cleanly(result, old, b"# the previous enrichment\n", f"cannot reach {url}: connection refused")


def test_an_http_error_writes_nothing(runner: CliRunner, endpoint: StandIn, few: None, tmp_path: Path) -> None:
    endpoint.mode = "500"
    old = tmp_path / "out" / "wikidata.trig"
    old.parent.mkdir()
    old.write_bytes(b"previous")
    result = run_enrich(runner, endpoint.url, old)
    assert_failed_cleanly(result, old, b"previous", "HTTP 500 Internal Server Error: Internal failure of the stand-in")


def test_a_silent_endpoint_times_out(runner: CliRunner, endpoint: StandIn, few: None, tmp_path: Path) -> None:
    endpoint.mode = "silent"
    old = tmp_path / "out" / "wikidata.trig"
    old.parent.mkdir()
    old.write_bytes(b"previous")
    result = run_enrich(runner, endpoint.url, old, "--timeout", "0.3")
    assert_failed_cleanly(result, old, b"previous", f"no answer from {endpoint.url} within 0.3 s (--timeout)")


def test_a_missing_source_is_a_usage_error(runner: CliRunner) -> None:
    result = runner.invoke(main, ["enrich"])
    assert result.exit_code == 2 and "--wikidata" in result.output


# ---------------------------------------------------------------------------------------------- the build

def copy_project(root: Path) -> ProjectPaths:
    root.mkdir(parents=True)
    for part in ("data", "ontology", "shapes", "queries"):
        shutil.copytree(ROOT / part, root / part)
    return ProjectPaths(root)


def dumps(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file() and p.name != "manifest.json"}


def test_a_build_adds_the_enrichment_graph_and_nothing_else(
        endpoint: StandIn, links: list, project: Project, tmp_path: Path,  # type: ignore[type-arg]
        monkeypatch: pytest.MonkeyPatch) -> None:
    from lacrdf.graph.stats import compute_stats

    paths = copy_project(tmp_path / "proj")
    monkeypatch.setenv("LACRDF_HOME", str(paths.root))
    monkeypatch.setenv("LACRDF_DIST", str(paths.root / "dist"))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    monkeypatch.chdir(paths.root)

    plain = pipeline.build(paths)
    assert plain.graph is not None
    before = dumps(paths.dist)
    plain_stats = compute_stats(plain.graph)
    assert GRAPH not in {g.value for g in plain.graph.graphs()}

    file = paths.enrich / "wikidata.trig"
    report = enrich_wikidata(project, endpoint.url, file, timeout=10)
    assert len(report.fetch.labels) > 0
    written = set(quads_of(file))
    with pytest.raises(StaleBuild, match="enrich/wikidata.trig was added"):
        pipeline.open_graph(paths, rebuild=False)

    enriched = pipeline.build(paths)
    assert enriched.graph is not None and "replaced the enrichment graphs" in enriched.how
    assert enriched.report.counts() == plain.report.counts(), "SHACL finds nothing new in the enrichment graph"
    store = enriched.graph.store
    assert set(store.quads_for_pattern(None, None, None, ox.NamedNode(GRAPH))) == written, "the file, unchanged"
    for quad in written:
        if quad.predicate.value == ALT:
            graphs = {q.graph_name for q in store.quads_for_pattern(quad.subject, quad.predicate, quad.object, None)}
            assert graphs == {ox.NamedNode(GRAPH)}, f"{quad} also sits in a curated graph"
    everything = set(store.quads_for_pattern(None, None, None, None))
    after = dumps(paths.dist)
    for name, fmt in (("lacrdf.trig", ox.RdfFormat.TRIG), ("lacrdf.nq", ox.RdfFormat.N_QUADS)):
        assert set(ox.parse(after[name], format=fmt)) == everything, name
    for name in ("lacrdf.ttl", "lacrdf.nt", "lacrdf.jsonld", "lacrdf.rdf", "ontology.ttl"):
        assert after[name] == before[name], f"{name} holds the curated data only"
    manifest = json.loads((paths.dist / "manifest.json").read_text())
    assert list(manifest["inputs"]["enrich"]) == ["enrich/wikidata.trig"]
    assert manifest["counts"]["quads"] == len(store)
    assert b"enrich/wikidata.trig" in after["void.ttl"]
    rows = {r["source"]: r for r in compute_stats(enriched.graph)}
    assert rows["enrich/wikidata"]["triples"] == len(written)
    assert rows["total"] == {r["source"]: r for r in plain_stats}["total"]

    clean = pipeline.build(paths, out=tmp_path / "clean")
    assert clean.graph is not None and clean.how.startswith("bulk load")
    assert dumps(tmp_path / "clean") == after, "an incremental build equals a clean one"

    # a changed file makes the build stale; the graph is replaced whole
    changed = file.read_text(encoding="utf-8").replace(f"{links[1].item} name in es", "otro nombre")
    file.write_text(changed, encoding="utf-8")
    with pytest.raises(StaleBuild, match="enrich/wikidata.trig changed"):
        pipeline.open_graph(paths, rebuild=False)
    rebuilt = pipeline.build(paths)
    assert rebuilt.graph is not None
    labels = {q.object.value for q in rebuilt.graph.store.quads_for_pattern(None, ox.NamedNode(ALT), None,
                                                                            ox.NamedNode(GRAPH))}
    assert "otro nombre" in labels and f"{links[1].item} name in es" not in labels

    # another base moves the graph along with everything else
    other = pipeline.build(paths, base="https://example.org/x/")
    assert other.graph is not None
    assert "https://example.org/x/graph/enrich/wikidata" in {g.value for g in other.graph.graphs()}

    # without the file, the build is what it was before
    file.unlink()
    again = pipeline.build(paths)
    assert again.graph is not None
    assert dumps(paths.dist) == before, "a build without enrichment is byte-identical to one before it"
    assert GRAPH not in {g.value for g in again.graph.graphs()}
    manifest = json.loads((paths.dist / "manifest.json").read_text())
    assert "enrich" not in manifest["inputs"] and "enrichment_key" not in manifest


def test_an_enrichment_file_never_writes_into_a_curated_graph(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    paths = copy_project(tmp_path / "proj")
    monkeypatch.setenv("LACRDF_HOME", str(paths.root))
    monkeypatch.setenv("LACRDF_DIST", str(paths.root / "dist"))
    paths.enrich.mkdir()
    bad = paths.enrich / "bad.trig"
    for text, needle in (
            ('<https://w3id.org/lacrdf/graph/actors> { <https://w3id.org/lacrdf/id/state/BR> '
             '<http://www.w3.org/2004/02/skos/core#altLabel> "Brasil"@pt . }', "is not under"),
            ('<https://w3id.org/lacrdf/id/state/BR> <http://www.w3.org/2004/02/skos/core#altLabel> "Brasil"@pt .',
             "outside any named graph"),
            ('<https://w3id.org/lacrdf/graph/enrich/x> { [] <http://www.w3.org/2004/02/skos/core#altLabel> "B"@pt . }',
             "blank node")):
        bad.write_text(text, encoding="utf-8")
        with pytest.raises(InputError, match=needle):
            pipeline.build(paths)
        assert not paths.dist.exists(), "nothing was switched"
