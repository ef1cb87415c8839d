"""Publishing right: the home page's schema.org Dataset for dataset search engines, counts that agree with
`lacrdf stats` and with SPARQL, a resource's RDF that includes the facts pointing at it, a readable dataset
page, the advertised endpoint, CITATION.cff (valid CFF 1.2.0), and a reproducible release checked by
`sha256sum -c`."""

from __future__ import annotations

import html
import json
import re
import subprocess
import tarfile
import zipfile
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from lacrdf import Dataset, ProjectPaths
from lacrdf.cli import main

from .conftest import ROOT
from .test_site import built_site

ID = "https://w3id.org/lacrdf/id/"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, dataset: Dataset, paths: ProjectPaths) -> Path:
    return built_site(tmp_path_factory, dataset, paths)[0]


def _jsonld(page: str) -> dict[str, object]:
    found = re.search(r'<script type="application/ld\+json">\n(.*?)\n</script>', page, re.S)
    assert found, "no JSON-LD block"
    return json.loads(found.group(1))


def test_home_page_describes_the_dataset_for_search_engines(site: Path, dataset: Dataset) -> None:
    doc = _jsonld((site / "index.html").read_text(encoding="utf-8"))
    assert doc["@context"] == "https://schema.org/" and doc["@type"] == "Dataset"
    for key in ("name", "description", "license", "version", "distribution", "temporalCoverage",
                "spatialCoverage", "creator"):
        assert doc.get(key), key
    downloads = {d["contentUrl"].rsplit("/", 1)[-1]: d for d in doc["distribution"]}  # type: ignore[union-attr]
    assert {"lacrdf.ttl", "lacrdf.nq", "lacrdf.jsonld"} <= set(downloads)
    for name, d in downloads.items():
        assert d["contentSize"] == f"{(site / 'dist' / name).stat().st_size} B"
    start, end = str(doc["temporalCoverage"]).split("/")
    years = {q.object.value[:4] for q in dataset.quads if q.predicate.value.startswith(dataset.ns.terms)
             and isinstance(q.object, ox.Literal) and "date" in q.object.datatype.value.lower()
             or (isinstance(q.object, ox.Literal) and q.object.datatype.value.endswith("#gYear"))}
    assert start == min(years) and end == max(years)


def test_facts_per_source_on_the_home_page_agree_with_stats(site: Path, runner: CliRunner) -> None:
    stats = json.loads(runner.invoke(main, ["stats", "--format", "json"]).stdout)
    per_source = {row["source"]: row["facts"] for row in stats if "source" in row}
    page = (site / "index.html").read_text(encoding="utf-8")
    table = page[page.index("<h2>Source documents</h2>"):]
    table = table[:table.index("</table>")]
    shown = {}
    for row in re.findall(r"<tr><td><a href=\"id/source/([^\"]+)\.html\">.*?</td>.*?<td>(\d+)</td></tr>", table):
        shown[row[0]] = int(row[1])
    assert shown and all(shown[s] == per_source[s] for s in shown), (shown, per_source)


def test_ontology_page_counts_instances_of_subclasses(site: Path, dataset: Dataset) -> None:
    page = (site / "ontology.html").read_text(encoding="utf-8")
    section = page[page.index('<section id="DiplomaticMission">'):]
    section = section[:section.index("</section>")]
    found = re.search(r"(\d+) instances", section)
    assert found
    query = ("SELECT (COUNT(DISTINCT ?m) AS ?n) WHERE { ?m a/rdfs:subClassOf* lac:DiplomaticMission }")
    rows = list(dataset.store.query(query, prefixes={"lac": dataset.ns.terms,
                                                       "rdfs": "http://www.w3.org/2000/01/rdf-schema#"},
                                    use_default_graph_as_union=True))
    assert int(found.group(1)) == int(rows[0][0].value) > 0


def test_a_resources_rdf_includes_the_facts_that_point_at_it(site: Path) -> None:
    page = (site / "id/state/EC.html").read_text(encoding="utf-8")
    facts = page[page.index("<h2>Facts"):]
    facts = facts[:facts.index("</ul>\n")] if "<h2>" not in facts[5:] else facts[:facts.index("<h2>", 5)]
    listed = set(re.findall(r'<li><a href="\.\./([a-z-]+/[^"]+)\.html">', facts))
    triples = list(ox.parse(path=str(site / "id/state/EC.ttl"), format=ox.RdfFormat.TURTLE))
    pointing = {t.subject.value[len(ID):] for t in triples if t.object == ox.NamedNode(ID + "state/EC")}
    assert listed and listed <= pointing, listed - pointing


def test_the_dataset_page_is_readable_and_linked_from_every_page(site: Path) -> None:
    page = (site / "void.html").read_text(encoding="utf-8")
    assert "<h1>The dataset and its distributions</h1>" in page
    assert "void:sparqlEndpoint" not in page and "SPARQL endpoint" in page
    assert 'href="void.html">Dataset</a>' in (site / "index.html").read_text(encoding="utf-8")


def test_site_advertises_the_endpoint_it_is_given(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "s"
    # the actors alone: a --data build of its own, not the one test_site's CLI test expects to make
    result = runner.invoke(main, ["site", "--out", str(out), "--data", "data/actors", "--sparql-endpoint",
                                  "https://sparql.example.org/lacrdf"])
    assert result.exit_code == 0, result.output
    void = list(ox.parse(path=str(out / "void.ttl"), format=ox.RdfFormat.TURTLE))
    endpoints = {t.object.value for t in void if t.predicate.value == "http://rdfs.org/ns/void#sparqlEndpoint"}
    assert endpoints == {"https://sparql.example.org/lacrdf"}
    assert "https://sparql.example.org/lacrdf" in html.unescape((out / "void.html").read_text(encoding="utf-8"))
    bad = runner.invoke(main, ["site", "--out", str(out), "--sparql-endpoint", "not an iri"])
    assert bad.exit_code == 2 and "Traceback" not in bad.output


def test_citation_cff_is_valid_cff_1_2(tmp_path: Path) -> None:
    """Validated against the CFF 1.2.0 JSON schema that cffconvert ships (fetched from PyPI here)."""
    import sys

    import jsonschema
    import yaml

    got = subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary", ":all:",
                          "--dest", str(tmp_path), "cffconvert==2.0.0"], capture_output=True, text=True,
                         timeout=300)
    if got.returncode != 0:
        pytest.fail(f"cannot fetch cffconvert's CFF schema from PyPI: {got.stderr.strip().splitlines()[-1:]}")
    wheel = next(tmp_path.glob("cffconvert-*.whl"))
    with zipfile.ZipFile(wheel) as z:
        schema = json.loads(z.read("cffconvert/schemas/1.2.0/schema.json"))
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    jsonschema.validate(cff, schema)
    from lacrdf import __version__

    assert cff["version"] == __version__ and cff["license"] == "CC0-1.0"
    broken = {k: v for k, v in cff.items() if k != "authors"}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, schema)


def test_a_release_is_reproducible_and_checked_by_sha256sum(runner: CliRunner, tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    for folder in (first, second):
        result = runner.invoke(main, ["release", "--out", str(folder), "--version", "9.9.9-test"])
        assert result.exit_code == 0, result.output
    archive = first / "lacrdf-9.9.9-test.tar.gz"
    assert archive.read_bytes() == (second / archive.name).read_bytes()
    check = subprocess.run(["sha256sum", "-c", "lacrdf-9.9.9-test.SHA256SUMS"], cwd=first, capture_output=True,
                           text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    with tarfile.open(archive) as tar:
        names = sorted(tar.getnames())
        tar.extractall(tmp_path / "x", filter="data")
    assert "lacrdf-9.9.9-test/lacrdf.nq" in names and "lacrdf-9.9.9-test/CITATION.cff" in names
    inner = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=tmp_path / "x" / "lacrdf-9.9.9-test",
                           capture_output=True, text=True)
    assert inner.returncode == 0 and inner.stdout.count(": OK") == len(names) - 1, inner.stdout
    (first / archive.name).write_bytes(b"tampered")
    assert subprocess.run(["sha256sum", "-c", "lacrdf-9.9.9-test.SHA256SUMS"], cwd=first,
                          capture_output=True).returncode != 0
    again = runner.invoke(main, ["release", "--out", str(first), "--version", "9.9.9-test"])
    assert again.exit_code == 2 and "never replaced" in again.output
