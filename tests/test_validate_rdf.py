"""`lacrdf validate` on RDF that is not records: a file in each of the six formats and what a real SPARQL
endpoint (an Oxigraph server on loopback) holds give the same results as the records they were built from,
in every report format, with the same exit codes; N-Triples and N-Quads results point at the line of the
offending triple; an unreadable file is one located line and exit 2."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from lacrdf import Dataset, Namespaces, ProjectPaths, build_dataset
from lacrdf.checks.shacl import validate_dataset
from lacrdf.checks.shapes import load_shapes, shapes_files
from lacrdf.cli import main
from lacrdf.graph.dataset import load_ontology
from lacrdf.publish.server import OxigraphServer
from lacrdf.records.loader import load_project

from .conftest import DATA, ROOT

KNOWN = DATA / "shacl" / "known-violations.yaml"
FORMATS = {"nt": ox.RdfFormat.N_TRIPLES, "nq": ox.RdfFormat.N_QUADS, "ttl": ox.RdfFormat.TURTLE,
           "trig": ox.RdfFormat.TRIG, "jsonld": ox.RdfFormat.JSON_LD, "rdf": ox.RdfFormat.RDF_XML}
TRIPLE_FORMATS = {"nt", "ttl", "rdf", "jsonld"}


@pytest.fixture(scope="module")
def known(paths: ProjectPaths) -> Dataset:
    """The records with known violations, without the ontology (validate adds the project's)."""
    return build_dataset(load_project([paths.data / "actors", KNOWN], root=paths.root), Namespaces())


def _key(r: dict[str, object]) -> tuple[object, ...]:
    return (r["focus"], r["path"], r["constraint"], r["severity"], r["value"])


@pytest.fixture(scope="module")
def expected(known: Dataset, paths: ProjectPaths) -> list[tuple[object, ...]]:
    with_ontology = build_dataset(load_project([paths.data / "actors", KNOWN], root=paths.root), Namespaces(),
                                  load_ontology(paths.ontology_dir, Namespaces()))
    report = validate_dataset(with_ontology, load_shapes(shapes_files(paths.shapes_dir)))
    found = sorted((r.focus, r.path, r.constraint, r.severity, r.value) for r in report.results)
    assert any(r[3] == "violation" for r in found)
    return found


def _write(ds: Dataset, ext: str, folder: Path) -> Path:
    path = folder / f"known.{ext}"
    items: list[ox.Quad] | list[ox.Triple] = (sorted({q.triple for q in ds.quads}, key=str) if ext in TRIPLE_FORMATS
                                              else list(ds.quads))
    path.write_bytes(ox.serialize(items, format=FORMATS[ext]))
    return path


@pytest.mark.parametrize("ext", sorted(FORMATS))
def test_an_rdf_file_gives_the_results_of_its_records(ext: str, known: Dataset, expected: list[tuple[object, ...]],
                                                      tmp_path: Path, runner: CliRunner) -> None:
    path = _write(known, ext, tmp_path)
    result = runner.invoke(main, ["validate", str(path), "--format", "json"])
    assert result.exit_code == 1, result.output
    doc = json.loads(result.stdout)
    assert sorted(_key(r) for r in doc["results"]) == expected
    lines = path.read_text(encoding="utf-8").splitlines()
    for r in doc["results"]:
        assert r["file"] == str(path)
        if ext in ("nt", "nq"):  # the line of the offending triple, or of the focus node's first triple
            text = lines[r["line"] - 1]
            assert text.startswith(f"<{r['focus']}> "), (r, text)
            if r["value"] is not None and r["path"]:
                assert f"<{r['path']}> " in text and str(r["value"]) in text, (r, text)
        else:
            assert r["line"] == 0  # located by its focus node only


def test_rdf_reports_in_every_format_and_the_exit_codes(known: Dataset, tmp_path: Path, runner: CliRunner) -> None:
    path = _write(known, "nt", tmp_path)
    github = runner.invoke(main, ["validate", str(path), "--format", "github"])
    assert github.exit_code == 1
    assert any(ln.startswith(f"::error file={path},line=") for ln in github.stdout.splitlines())
    ttl = runner.invoke(main, ["validate", str(path), "--format", "turtle"])
    store = ox.Store()
    store.load(ttl.stdout.encode(), format=ox.RdfFormat.TURTLE)
    assert store.query("ASK { ?r <http://www.w3.org/ns/shacl#conforms> false }")
    warned = runner.invoke(main, ["validate", str(path), "--format", "text", "--fail-on", "violation"])
    assert warned.exit_code == 1 and warned.stdout.splitlines()[-1].endswith("does not conform (--fail-on violation)")


def test_the_built_dump_conforms_like_the_records(runner: CliRunner) -> None:
    built = runner.invoke(main, ["build", "-q"])
    assert built.exit_code == 0, built.output
    from lacrdf import find_project
    from lacrdf.pipeline import open_graph

    folder = open_graph(find_project(ROOT), rebuild=False).folder
    as_rdf = runner.invoke(main, ["validate", str(folder / "lacrdf.nq")])
    as_records = runner.invoke(main, ["validate"])
    assert as_rdf.exit_code == as_records.exit_code == 0
    assert as_rdf.stdout.splitlines()[-1] == as_records.stdout.splitlines()[-1]


@pytest.fixture()
def endpoint(known: Dataset) -> Iterator[str]:
    with OxigraphServer(known) as srv:
        yield srv.query_url


def test_an_endpoint_gives_the_results_of_its_records(endpoint: str, expected: list[tuple[object, ...]],
                                                      runner: CliRunner) -> None:
    result = runner.invoke(main, ["validate", "--endpoint", endpoint, "--format", "json"])
    assert result.exit_code == 1, result.output
    doc = json.loads(result.stdout)
    assert sorted(_key(r) for r in doc["results"]) == expected
    assert {r["file"] for r in doc["results"]} == {endpoint}


def test_an_unreachable_endpoint_is_one_line_and_exit_3(runner: CliRunner) -> None:
    from lacrdf.publish.server import free_port

    result = runner.invoke(main, ["validate", "--endpoint", f"http://127.0.0.1:{free_port()}/query"])
    assert result.exit_code == 3 and len(result.output.strip().splitlines()) == 1, result.output


@pytest.mark.parametrize(("name", "body", "where"), [
    ("broken.nt", "<http://a> <http://b> \"x .\n", ":1:"),
    ("broken.ttl", "@prefix : <http://x/> .\n:a :b :c ;\n  :d .\n", ":3:"),
    ("broken.jsonld", "{\"@id\": 5}", ""),
])
def test_an_unreadable_rdf_file_is_one_located_line_and_exit_2(name: str, body: str, where: str, tmp_path: Path,
                                                               runner: CliRunner) -> None:
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    result = runner.invoke(main, ["validate", str(path)])
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"{path}{where}") and "Traceback" not in result.output


def test_input_format_reads_any_file_name(known: Dataset, tmp_path: Path, runner: CliRunner) -> None:
    path = _write(known, "ttl", tmp_path).rename(tmp_path / "known.data")
    assert runner.invoke(main, ["validate", str(path)]).exit_code == 2  # read as records: not YAML records
    assert runner.invoke(main, ["validate", str(path), "--input-format", "turtle"]).exit_code == 1
