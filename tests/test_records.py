"""The record loader: every file in tests/data/valid loads, converts and validates; every file in
tests/data/invalid fails with exactly the error line written in its first-line comment."""

from __future__ import annotations

from pathlib import Path

import pytest

from lacrdf import Namespaces, ProjectPaths, build_dataset
from lacrdf.checks.shacl import validate_dataset
from lacrdf.checks.shapes import load_shapes, shapes_files
from lacrdf.errors import RecordErrors
from lacrdf.graph.dataset import load_ontology
from lacrdf.records.loader import load_project

from .conftest import DATA

VALID = sorted((DATA / "valid").glob("*.yaml"))
INVALID = sorted((DATA / "invalid").glob("*.yaml"))


def expected_error(path: Path) -> str:
    first = path.read_bytes().split(b"\n", 1)[0].decode("ascii")
    assert first.startswith("# error: "), f"{path} must start with '# error: <expected line>'"
    return first[len("# error: "):]


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.name)
def test_valid_file_loads_converts_and_validates(path: Path, paths: ProjectPaths) -> None:
    project = load_project([paths.data / "actors", path], root=paths.root)
    ds = build_dataset(project, ontology=load_ontology(paths.ontology_dir, Namespaces()))
    report = validate_dataset(ds, load_shapes(shapes_files(paths.shapes_dir)))
    assert report.conforms(), [r for r in report.results if r.severity == "violation"]


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.name)
def test_invalid_file_gives_its_located_error(path: Path, paths: ProjectPaths) -> None:
    with pytest.raises(RecordErrors) as info:
        build_dataset(load_project([paths.data / "actors", path], root=paths.root))
    assert info.value.render() == expected_error(path)


def test_all_errors_of_a_run_are_reported(paths: ProjectPaths) -> None:
    files = [DATA / "invalid" / "bad-date.yaml", DATA / "invalid" / "bad-bool.yaml"]
    with pytest.raises(RecordErrors) as info:
        load_project([paths.data / "actors", *files], root=paths.root)
    assert [e.file for e in info.value.errors] == ["tests/data/invalid/bad-bool.yaml",
                                                   "tests/data/invalid/bad-date.yaml"]


def test_every_kind_is_exercised_by_the_valid_data() -> None:
    from lacrdf.records.kinds import KINDS

    text = (DATA / "valid" / "all-kinds.yaml").read_text(encoding="utf-8")
    for name in KINDS:
        assert f"kind: {name}" in text, f"tests/data/valid/all-kinds.yaml has no '{name}' record"


def test_record_positions_point_at_values(paths: ProjectPaths) -> None:
    project = load_project([paths.data / "actors", DATA / "valid" / "all-kinds.yaml"], root=paths.root)
    fig = project.facts["t-figure"]
    origin = fig.field_origin("amount")
    line = (DATA / "valid" / "all-kinds.yaml").read_text(encoding="utf-8").splitlines()[origin.line - 1]
    assert line[origin.column - 1:].startswith('"411.25"')
