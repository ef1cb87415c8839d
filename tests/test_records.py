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
    first = path.read_bytes().lstrip(b"\xef\xbb\xbf").split(b"\n", 1)[0].decode("utf-8")
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
    # sorted by file and line; both files declare the source t-src, which is reported too
    assert [e.file for e in info.value.errors] == sorted(e.file for e in info.value.errors)
    assert {e.file for e in info.value.errors} == {"tests/data/invalid/bad-bool.yaml",
                                                   "tests/data/invalid/bad-date.yaml"}
    assert any("duplicate id 't-src'" in e.message for e in info.value.errors)


FIVE_MISTAKES = """\
source: {id: m-src, file: m.txt, sha256: 0000000000000000000000000000000000000000000000000000000000000000, language: en}
facts:
  - {id: m-1, kind: mission, para: 1, sending: BE, host: UR, mission_type: embassy}
  - {id: m-2, kind: figure, para: x, figure_type: trade, reporter: BE, amount: "312,4", currency: EUR}
  - {id: m-3, kind: relation, para: 2, parties: [BE, PE], status: resumd}
  - {id: BE, kind: relation, para: 2, parties: [BE, PE], status: resumed}
"""
ONE_MORE = """\
actors:
  - {id: m-city, type: city, name: M, country: BEL}
"""


def test_every_mistake_of_every_file_in_one_run(paths: ProjectPaths, tmp_path: Path) -> None:
    """A file with five mistakes and another with one: six lines, sorted by file and line, in one run."""
    (tmp_path / "a.yaml").write_text(FIVE_MISTAKES, encoding="utf-8")
    (tmp_path / "b.yaml").write_text(ONE_MORE, encoding="utf-8")
    with pytest.raises(RecordErrors) as info:
        load_project([paths.data / "actors", tmp_path], root=tmp_path)
    got = [(e.file, e.line, e.field, e.message, e.hint) for e in info.value.errors]
    states = next(e.message for e in info.value.errors if e.record == "BE").split("(at ")[1].split(":")[0]
    assert states.endswith("data/actors/states.yaml")
    assert got == [
        ("a.yaml", 3, "host", "unknown actor 'UR': not an ISO 3166-1 alpha-2 code", "did you mean 'UY'?"),
        ("a.yaml", 4, "para", "'x' is not a whole number (ASCII digits 0-9)", None),
        ("a.yaml", 4, "amount", "'312,4' is not a decimal number (a decimal comma: write 312.4); write digits "
         "with an optional '.' part", None),
        ("a.yaml", 5, "status", "'resumd' is not one of the allowed values; did you mean 'resumed'? allowed: "
         "established, resumed, maintained", None),
        ("a.yaml", 6, "id", f"id 'BE' is already the id of an actor (at {states}:117:5)",
         "give the fact another id"),
        ("b.yaml", 2, "country", "unknown actor 'BEL': not an ISO 3166-1 alpha-2 code", "did you mean 'BE'?"),
    ]


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
