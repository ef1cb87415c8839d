"""Synthetic corpora (``lacrdf synth``): deterministic for a seed, in the record format of data/, every
kind present, and a generated corpus loads, converts and validates with no violation."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from lacrdf import Dataset, ProjectPaths, make_dataset, validate
from lacrdf.cli import main
from lacrdf.errors import InputError
from lacrdf.records.kinds import KINDS
from lacrdf.records.synth import MARKER, facts_for_triples, write_corpus


def files_of(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("synth") / "corpus"
    write_corpus(out, facts=260, seed=7, facts_per_file=100)
    return out


@pytest.fixture(scope="module")
def synth_dataset(corpus: Path, paths: ProjectPaths) -> Dataset:
    return make_dataset(paths, [corpus])


def test_same_seed_gives_byte_identical_files(corpus: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    write_corpus(again, facts=260, seed=7, facts_per_file=100)
    assert files_of(again) == files_of(corpus)


def test_another_seed_gives_other_files(corpus: Path, tmp_path: Path) -> None:
    other = tmp_path / "other"
    write_corpus(other, facts=260, seed=8, facts_per_file=100)
    a, b = files_of(corpus), files_of(other)
    assert a.keys() == b.keys()
    assert [name for name in a if a[name] != b[name] and name != MARKER]


def test_layout_is_actors_and_sources(corpus: Path) -> None:
    names = sorted(files_of(corpus))
    assert [n for n in names if n.startswith("sources/")] == [f"sources/synth-0000{i}.yaml" for i in (1, 2, 3)]
    assert "actors/state.yaml" in names and "actors/person.yaml" in names
    first = (corpus / "sources" / "synth-00001.yaml").read_text(encoding="utf-8")
    assert "\nsource:\n  id: sy-source-00001\n" in first and "\nfacts:\n  - {id: sy00001-" in first


def test_every_kind_and_actor_type_appears(corpus: Path, paths: ProjectPaths) -> None:
    from lacrdf import load_records

    project = load_records(paths, [corpus])
    assert {type(f).KIND for f in project.facts.values()} == set(KINDS)  # type: ignore[attr-defined]
    assert {a.type for a in project.actors.values()} == {
        "state", "organization", "region", "city", "government-body", "person", "company", "political-party"}
    assert len(project.facts) == 260 and len(project.sources) == 3
    # every fact cites a paragraph and some cite two
    assert all(f.para for f in project.facts.values())
    assert any(len(f.para) == 2 for f in project.facts.values())
    events = [f for f in project.facts.values() if type(f).KIND == "event"]  # type: ignore[attr-defined]
    assert any(e.participants for e in events)  # type: ignore[attr-defined]


def test_corpus_builds_and_validates_without_violations(synth_dataset: Dataset, paths: ProjectPaths) -> None:
    report = validate(synth_dataset, paths)
    counts = report.counts()
    assert counts["violation"] == 0 and counts["warning"] == 0, [r for r in report.results
                                                                  if r.severity != "info"][:5]
    # organisations without a Wikidata link give info results, as in the curated data
    assert counts["info"] > 0


def test_size_estimate_holds(synth_dataset: Dataset) -> None:
    # the benchmark picks --facts for 10k/100k/1M quads with this estimate
    assert 0.75 < facts_for_triples(len(synth_dataset.quads)) / 260 < 1.25


def test_refuses_a_folder_with_other_files(tmp_path: Path) -> None:
    (tmp_path / "keep.txt").write_text("mine")
    with pytest.raises(InputError, match="not an empty folder"):
        write_corpus(tmp_path, facts=10, seed=0)
    assert [p.name for p in tmp_path.iterdir()] == ["keep.txt"]


def test_replaces_an_earlier_corpus_atomically(tmp_path: Path) -> None:
    out = tmp_path / "c"
    write_corpus(out, facts=30, seed=1)
    write_corpus(out, facts=20, seed=2)
    assert (out / MARKER).read_text().strip() == '{"facts": 20, "seed": 2}'
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c"]  # no temporary folder left behind


def test_cli_writes_and_reports(tmp_path: Path) -> None:
    out = tmp_path / "small"
    result = CliRunner().invoke(main, ["synth", "--facts", "40", "--out", str(out), "--seed", "3"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("wrote 9 files") and "40 facts in 1 sources" in result.output
    again = CliRunner().invoke(main, ["synth", "--facts", "40", "--out", str(tmp_path), "--seed", "3"])
    assert again.exit_code == 2 and "not an empty folder" in again.output


class Recording:
    """A progress Reporter that remembers what it was told."""

    def __init__(self) -> None:
        self.tracked: list[tuple[str, int, int]] = []

    def track(self, items, label: str, total: int):  # type: ignore[no-untyped-def]
        n = 0
        for item in items:
            n += 1
            yield item
        self.tracked.append((label, total, n))

    def step(self, label: str) -> None:
        self.tracked.append((label, 0, 0))


def test_progress_is_reported_per_file(tmp_path: Path) -> None:
    progress = Recording()
    report = write_corpus(tmp_path / "p", facts=30, seed=0, progress=progress)
    assert progress.tracked == [("writing corpus", report.files + 1, report.files + 1)]  # with the marker
