"""`lacrdf lint`, the OWL 2 DL reasoner check and --infer."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from lacrdf import Dataset, ProjectPaths, make_dataset
from lacrdf.checks.lint import lint
from lacrdf.checks.reasoner import reasoner_input, run_hermit
from lacrdf.cli import main

from .conftest import DATA


@pytest.fixture(scope="module")
def sample(paths: ProjectPaths) -> Dataset:
    """The toolkit's own data: one record of every kind (tests/data/valid/all-kinds.yaml)."""
    return make_dataset(paths, [paths.data / "actors", DATA / "valid" / "all-kinds.yaml"])


def test_lint_passes_on_the_project(dataset: Dataset, paths: ProjectPaths) -> None:
    report = lint(dataset, paths)
    assert report.counts()["violation"] == 0, [r.message for r in report.results]


def test_reasoner_finds_ontology_and_data_consistent(dataset: Dataset) -> None:
    assert shutil.which("java"), "Java is needed for HermiT; run 'make system-deps'"
    assert run_hermit(dataset) == []


def test_reasoner_detects_an_inconsistency(sample: Dataset) -> None:
    import pyoxigraph as ox

    assert run_hermit(sample) == []
    # lac:Fact and lac:Actor are disjoint: a mission typed as a state must make the data inconsistent.
    mission = ox.NamedNode(sample.ns.resources + "mission/t-mission")
    assert any(q.subject == mission for q in sample.quads)
    bad = ox.Quad(mission, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                  ox.NamedNode(sample.ns.terms + "SovereignState"), sample.graphs[0])
    broken = Dataset(sample.ns, tuple(sorted({*sample.quads, bad}, key=str)), sample.origins,
                     sample.subject_origins)
    problems = run_hermit(broken)
    assert problems and "inconsistent" in problems[0][1]


def test_reasoner_input_drops_only_non_owl2_datatypes(sample: Dataset) -> None:
    kept = reasoner_input(sample)
    dropped = len(sample.triples(include_ontology=True)) - len(kept)
    assert dropped > 0
    assert not any(getattr(t.object, "datatype", None) is not None and
                   t.object.datatype.value.endswith(("#gYear", "#gYearMonth", "#date")) for t in kept)


def _copy_project(paths: ProjectPaths, tmp: Path) -> Path:
    for part in ("data", "ontology", "queries", "shapes"):
        shutil.copytree(paths.root / part, tmp / part)
    return tmp


def test_lint_reports_a_broken_query_and_an_undocumented_term(paths: ProjectPaths, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    root = _copy_project(paths, tmp_path)
    (root / "queries" / "broken.rq").write_text(
        "# title: Broken\n# description: does not parse\n# example: lacrdf query broken\nSELECT ?x WHERE { ?x ?y }\n")
    onto = (root / "ontology" / "lacrdf.ttl").read_text(encoding="utf-8")
    onto = onto.replace('"Un Estado soberano, identificado por sus códigos ISO 3166-1."@es', '"x"@fr')
    (root / "ontology" / "lacrdf.ttl").write_text(onto, encoding="utf-8")
    monkeypatch.setenv("LACRDF_HOME", str(root))
    result = CliRunner().invoke(main, ["lint", "--format", "json"])
    assert result.exit_code == 1, result.output
    doc = json.loads(result.output)
    messages = {(r["file"], r["message"]) for r in doc["results"] if r["severity"] == "violation"}
    assert any(f == "queries/broken.rq" and m.startswith("SPARQL syntax error") for f, m in messages)
    assert any(f == "ontology/lacrdf.ttl" and m.startswith("lac:SovereignState has no rdfs:comment in es")
               for f, m in messages)


@pytest.mark.curated
def test_lint_github_format(runner: CliRunner) -> None:
    result = runner.invoke(main, ["lint", "--format", "github"])
    assert result.exit_code == 0
    assert result.output.splitlines()[-1].startswith("0 violations")


def test_infer_adds_a_separate_graph(paths: ProjectPaths, sample: Dataset) -> None:
    inferred = make_dataset(paths, [paths.data / "actors", DATA / "valid" / "all-kinds.yaml"], infer=True)
    graph = sample.ns.graphs + "inferred"
    extra = [q for q in inferred.quads if q.graph_name.value == graph]
    assert extra, "OWL 2 RL should derive superclass types"
    # the asserted graphs are exactly the same
    assert [q for q in inferred.quads if q.graph_name.value != graph] == list(sample.quads)
    # the mission is an honorary consulate; RL adds its superclasses lac:DiplomaticMission and lac:Fact
    types = {q.object.value for q in extra if q.subject.value.endswith("/mission/t-mission")}
    assert {sample.ns.terms + "DiplomaticMission", sample.ns.terms + "Fact"} <= types
    assert not any(q.object.value.startswith("http://www.wikidata.org/") for q in extra)


def test_infer_leaves_rdflib_literal_conversion_unchanged(sample: Dataset) -> None:
    from rdflib.term import _toPythonMapping

    from lacrdf.checks.infer import inferred_quads

    before = dict(_toPythonMapping)
    inferred_quads(sample)
    assert dict(_toPythonMapping) == before
