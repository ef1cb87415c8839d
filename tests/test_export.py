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
from lacrdf.export import FORMATS, atomic_write_many, render
from lacrdf.pipeline import dist_files

from .conftest import ROOT

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
    first = doc["@graph"][0]
    assert "@id" in first and any(k.startswith(("lac:", "rdfs:", "dcterms:")) for k in first)


def test_decimals_are_written_in_one_canonical_form(dataset: Dataset) -> None:
    for fmt in FORMATS:
        text = render(dataset, fmt).decode("utf-8")
        assert "5032900000" in text, fmt
        assert "5032900000.0" not in text and "5.0329E9" not in text.upper(), fmt


def _build_in(tmp: Path, seed: str) -> dict[str, bytes]:
    out = tmp / f"dist-{seed}"
    env = {**os.environ, "PYTHONHASHSEED": seed}
    subprocess.run([sys.executable, "-m", "lacrdf.cli", "build", "--out", str(out)], cwd=ROOT, env=env,
                   check=True, capture_output=True)
    return {p.name: p.read_bytes() for p in sorted(out.iterdir())}


def test_build_is_byte_identical_across_hash_seeds(tmp_path: Path) -> None:
    first = _build_in(tmp_path, "1")
    second = _build_in(tmp_path, "4242")
    assert sorted(first) == sorted(second)
    assert len(first) >= 6
    for name in first:
        assert first[name] == second[name], f"{name} differs between runs"


def test_failed_write_leaves_previous_files(tmp_path: Path, dataset: Dataset, paths: ProjectPaths,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    atomic_write_many({tmp_path / n: b for n, b in dist_files(dataset, paths, ["ttl", "nt"]).items()})
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    calls = {"n": 0}
    real_fdopen = os.fdopen

    class FailingFile:
        def __init__(self, handle):  # type: ignore[no-untyped-def]
            self.handle = handle

        def __enter__(self):  # type: ignore[no-untyped-def]
            return self

        def __exit__(self, *exc):  # type: ignore[no-untyped-def]
            self.handle.close()

        def write(self, data: bytes) -> int:
            calls["n"] += 1
            if calls["n"] == 2:
                raise OSError(28, "No space left on device")
            return self.handle.write(data)  # type: ignore[no-any-return]

        def flush(self) -> None:
            self.handle.flush()

        def fileno(self) -> int:
            return self.handle.fileno()  # type: ignore[no-any-return]

    monkeypatch.setattr(os, "fdopen", lambda fd, mode: FailingFile(real_fdopen(fd, mode)))
    with pytest.raises(OSError):
        atomic_write_many({tmp_path / n: b for n, b in dist_files(dataset, paths, ["ttl", "nt", "jsonld"]).items()})
    after = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    assert after == before, "a failed build changed or left files behind"


def test_atomic_write_creates_readable_files(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "x.ttl"
    atomic_write_many({target: b"<urn:a> <urn:b> <urn:c> .\n"})
    assert target.read_bytes() == b"<urn:a> <urn:b> <urn:c> .\n"
    assert target.stat().st_mode & 0o044, "exported files must be readable by others (web servers)"
