"""Exports: every format re-parses with pyoxigraph (a strict, independent parser) into exactly the built
triples/quads, output is byte-identical across runs and PYTHONHASHSEED values, and a failed write leaves
the previous files intact."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from lacrdf import Dataset, ProjectPaths
from lacrdf.graph.dumps import FORMATS, atomic_write_many, render

from .conftest import DATA, ROOT

PARSERS = {"ttl": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES, "jsonld": ox.RdfFormat.JSON_LD,
           "xml": ox.RdfFormat.RDF_XML, "trig": ox.RdfFormat.TRIG, "nq": ox.RdfFormat.N_QUADS}


def canonical(items) -> list[str]:  # type: ignore[no-untyped-def]
    return sorted({str(x) for x in items})


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_export_reparses_to_the_same_graph(dataset: Dataset, fmt: str) -> None:
    payload = render(dataset, fmt)
    parsed = list(ox.parse(payload, format=PARSERS[fmt]))
    if FORMATS[fmt].quads:
        assert canonical(parsed) == canonical(dataset.quads)
    else:
        assert canonical(parsed) == canonical(dataset.triples())


def test_rdflib_reads_the_exports_too(dataset: Dataset) -> None:
    import rdflib

    expected = len(dataset.triples())
    for fmt, rdflib_fmt in (("ttl", "turtle"), ("jsonld", "json-ld"), ("xml", "xml"), ("nt", "nt")):
        g = rdflib.Graph()
        g.parse(data=render(dataset, fmt).decode("utf-8"), format=rdflib_fmt)
        assert len(g) == expected, fmt


def test_jsonld_has_a_context_and_compact_terms(dataset: Dataset) -> None:
    import json

    doc = json.loads(render(dataset, "jsonld"))
    assert doc["@context"]["lac"] == "https://w3id.org/lacrdf/ontology#"
    assert all("@id" in node for node in doc["@graph"])
    assert any(k.startswith(("lac:", "rdfs:", "dcterms:")) for node in doc["@graph"] for k in node)


def test_decimals_are_written_in_one_canonical_form(dataset: Dataset) -> None:
    for fmt in FORMATS:
        text = render(dataset, fmt).decode("utf-8")
        assert "5032900000" in text, fmt
        assert "5032900000.0" not in text and "5.0329E9" not in text.upper(), fmt


def _build_in(tmp: Path, corpus: Path, seed: str) -> dict[str, bytes]:
    out = tmp / f"dist-{seed}"
    env = {**os.environ, "PYTHONHASHSEED": seed}
    subprocess.run([sys.executable, "-m", "lacrdf.cli", "build", "--data", str(corpus), "--out", str(out)],
                   cwd=ROOT, env=env, check=True, capture_output=True)
    return {p.name: p.read_bytes() for p in sorted(out.iterdir()) if p.is_file()}


def test_build_is_byte_identical_across_hash_seeds(tmp_path: Path) -> None:
    from lacrdf.records.synth import write_corpus

    corpus = tmp_path / "corpus"  # the toolkit's own data: a synthetic corpus of every kind
    write_corpus(corpus, facts=300, seed=5, facts_per_file=60)
    first = _build_in(tmp_path, corpus, "1")
    second = _build_in(tmp_path, corpus, "4242")
    assert sorted(first) == sorted(second)
    assert len(first) >= 6
    for name in first:
        assert first[name] == second[name], f"{name} differs between runs"


def test_failed_write_leaves_the_previous_build(tmp_path: Path, paths: ProjectPaths,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    from lacrdf import pipeline
    from lacrdf.graph import dumps

    out = tmp_path / "dist"
    data = [paths.data / "actors", DATA / "valid" / "all-kinds.yaml"]  # the toolkit's own fixture
    pipeline.build(paths, data, out=out, formats=["ttl", "nt"])
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    real = dumps.write_from_chunks

    def full_disk(folder, ns, formats, chunks):  # type: ignore[no-untyped-def]
        real(folder, ns, formats[:1], chunks)  # the first dump is written, then the disk is full
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(dumps, "write_from_chunks", full_disk)
    with pytest.raises(OSError):
        pipeline.build(paths, data, out=out, formats=["ttl", "nt", "jsonld"])
    after = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    assert after == before, "a failed build changed the current output"
    builds = tmp_path / ".dist.lacrdf" / "builds"
    assert not list(builds.glob("*.partial")), "a failed build left its half-written folder"


def test_atomic_write_creates_readable_files(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "x.ttl"
    atomic_write_many({target: b"<urn:a> <urn:b> <urn:c> .\n"})
    assert target.read_bytes() == b"<urn:a> <urn:b> <urn:c> .\n"
    assert target.stat().st_mode & 0o044, "exported files must be readable by others (web servers)"
