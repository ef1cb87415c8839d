"""Validation that CI can act on: every report format on data with known violations (exact counts and
file:line), thresholds and exit codes, and validation leaving its inputs unchanged."""

from __future__ import annotations

import hashlib
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from lacrdf import Namespaces, ProjectPaths, build_dataset
from lacrdf.checks.reports import render_report
from lacrdf.checks.results import ValidationReport
from lacrdf.checks.shacl import validate_dataset
from lacrdf.checks.shapes import load_shapes, shapes_files
from lacrdf.cli import main
from lacrdf.graph.dataset import load_ontology
from lacrdf.records.loader import load_project

from .conftest import DATA

KNOWN = DATA / "shacl" / "known-violations.yaml"
FILE = "tests/data/shacl/known-violations.yaml"
EXPECTED_VIOLATIONS = [(FILE, 5, "wikidata"), (FILE, 6, "country"), (FILE, 25, "share_of_total")]


@pytest.fixture(scope="module")
def known(paths: ProjectPaths) -> ValidationReport:
    project = load_project([paths.data / "actors", KNOWN], root=paths.root)
    ds = build_dataset(project, Namespaces(), load_ontology(paths.ontology_dir, Namespaces()))
    return validate_dataset(ds, load_shapes(shapes_files(paths.shapes_dir)))


def test_results_point_at_file_line_and_field(known: ValidationReport) -> None:
    got = [(r.origin.file, r.origin.line, r.field) for r in known.results
           if r.severity == "violation" and r.origin]
    assert got == EXPECTED_VIOLATIONS
    assert known.counts()["violation"] == 3
    info = [r for r in known.results if r.severity == "info" and r.origin and r.origin.file == FILE]
    assert [(r.origin.line, r.field) for r in info] == [(7, "wikidata")]


def test_text_format(known: ValidationReport) -> None:
    lines = render_report(known, "text").splitlines()
    mine = [ln for ln in lines if ln.startswith(FILE) and " violation: " in ln]
    assert [ln.split(": ")[0] for ln in mine] == [f"{f}:{line}:{col}" for f, line, col in
                                                    ((FILE, 5, 10), (FILE, 6, 10), (FILE, 25, 21))]
    assert "value \"150\"^^<http://www.w3.org/2001/XMLSchema#decimal>" in mine[2]
    assert lines[-1].startswith("3 violations, 0 warnings,")
    assert lines[-1].endswith("does not conform (--fail-on violation)")


def test_json_format(known: ValidationReport) -> None:
    doc = json.loads(render_report(known, "json"))
    assert doc["conforms"] is False and doc["counts"]["violation"] == 3
    got = [(r["file"], r["line"], r["field"]) for r in doc["results"] if r["severity"] == "violation"]
    assert got == EXPECTED_VIOLATIONS
    assert {r["constraint"].rsplit("#", 1)[1] for r in doc["results"] if r["severity"] == "violation"} == {
        "MinCountConstraintComponent", "MaxInclusiveConstraintComponent"}


def test_turtle_format_is_a_shacl_report(known: ValidationReport) -> None:
    text = render_report(known, "turtle")
    store = ox.Store()
    store.load(text.encode(), format=ox.RdfFormat.TURTLE)
    sh = "http://www.w3.org/ns/shacl#"
    ask = store.query(f"ASK {{ ?r a <{sh}ValidationReport> ; <{sh}conforms> false }}")
    assert bool(ask)
    rows = list(store.query(
        f"SELECT ?res WHERE {{ ?r <{sh}result> ?res . ?res <{sh}resultSeverity> <{sh}Violation> }}"))
    assert len(rows) == 3
    assert len(list(store.query(f"SELECT ?res WHERE {{ ?r <{sh}result> ?res }}"))) == len(known.results)


def test_junit_format(known: ValidationReport) -> None:
    root = ET.fromstring(render_report(known, "junit"))
    suite = root.find("testsuite")
    assert suite is not None and suite.get("failures") == "3"
    failing = {case.get("name"): len(case.findall("failure")) for case in suite.iter("testcase")
               if case.findall("failure")}
    assert failing == {"lacsh:StateShape": 1, "lacsh:CityShape": 1, "lacsh:FigureShape": 1}
    texts = [f.text or "" for f in suite.iter("failure")]
    assert any(t.startswith(f"{FILE}:25:21:") for t in texts)
    with_info = ET.fromstring(render_report(known, "junit", "info")).find("testsuite")
    expected = known.counts()["violation"] + known.counts()["info"]
    assert with_info is not None and int(with_info.get("failures") or 0) == expected


def test_github_format(known: ValidationReport) -> None:
    lines = render_report(known, "github").splitlines()
    errors = [ln for ln in lines if ln.startswith("::error ")]
    assert [ln.split(",title=")[0] for ln in errors] == [
        f"::error file={FILE},line=5,col=10", f"::error file={FILE},line=6,col=10",
        f"::error file={FILE},line=25,col=21"]
    assert all("::" in ln[2:] for ln in errors)
    assert sum(1 for ln in lines if ln.startswith("::notice ")) == known.counts()["info"]


@pytest.mark.parametrize("fail_on,code", [("violation", 1), ("warning", 1), ("info", 1)])
def test_cli_exit_code_on_known_violations(fail_on: str, code: int, monkeypatch: pytest.MonkeyPatch,
                                           paths: ProjectPaths) -> None:
    monkeypatch.chdir(paths.root)
    result = CliRunner().invoke(main, ["validate", str(KNOWN), "--fail-on", fail_on, "--format", "json"])
    assert result.exit_code == code
    assert json.loads(result.output)["counts"]["violation"] == 3


def test_threshold_decides_exit_code_on_clean_data(monkeypatch: pytest.MonkeyPatch, paths: ProjectPaths) -> None:
    monkeypatch.chdir(paths.root)
    runner = CliRunner()
    assert runner.invoke(main, ["validate", "--fail-on", "violation"]).exit_code == 0
    assert runner.invoke(main, ["validate", "--fail-on", "warning"]).exit_code == 0
    assert runner.invoke(main, ["validate", "--fail-on", "info"]).exit_code == 1  # organisations without Wikidata


def test_broken_shapes_exit_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, paths: ProjectPaths) -> None:
    import shutil

    for part in ("data", "ontology", "queries"):
        shutil.copytree(paths.root / part, tmp_path / part)
    (tmp_path / "shapes").mkdir()
    (tmp_path / "shapes" / "broken.ttl").write_text("@prefix sh: <http://www.w3.org/ns/shacl#> .\nthis is not turtle\n")
    monkeypatch.setenv("LACRDF_HOME", str(tmp_path))
    result = CliRunner().invoke(main, ["validate"])
    assert result.exit_code == 2
    assert "broken.ttl" in result.output and "Traceback" not in result.output


def test_typo_in_a_record_gives_one_line_with_the_fix(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                      paths: ProjectPaths) -> None:
    monkeypatch.chdir(paths.root)
    src = (DATA / "valid" / "all-kinds.yaml").read_text(encoding="utf-8")
    typo = src.replace("mission_type: embassy, sending: BE, seat: lima",
                       "mision_type: embassy, sending: BE, seat: lima")
    assert typo != src
    bad = tmp_path / "belgium-typo.yaml"
    bad.write_text(typo, encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(bad)])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1
    line_no = next(i for i, ln in enumerate(typo.splitlines(), 1) if "mision_type" in ln)
    assert lines[0].startswith(f"{bad}:{line_no}:")
    assert "field 'mision_type': unknown field 'mision_type' (did you mean 'mission_type'?)" in lines[0]


def _graph_digest(graph) -> str:  # type: ignore[no-untyped-def]
    lines = sorted(graph.serialize(format="nt").splitlines())
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def _digest(quads) -> str:  # type: ignore[no-untyped-def]
    return hashlib.sha256("\n".join(sorted(str(q) for q in quads)).encode()).hexdigest()


def test_validation_does_not_change_data_or_shapes(paths: ProjectPaths, dataset) -> None:  # type: ignore[no-untyped-def]
    shapes = load_shapes(shapes_files(paths.shapes_dir))
    shapes_before = _graph_digest(shapes)
    shapes_len = len(shapes)
    data_before = _digest(dataset.quads)
    store_before = _digest(dataset.store)
    validate_dataset(dataset, shapes)
    assert _digest(dataset.quads) == data_before
    assert _digest(dataset.store) == store_before
    assert len(shapes) == shapes_len
    assert _graph_digest(shapes) == shapes_before


# --- record errors in every format ----------------------------------------------------------------------

THREE_MISTAKES = """\
source: {id: r-src, file: r.txt, sha256: 0000000000000000000000000000000000000000000000000000000000000000, language: en}
facts:
  - {id: r-1, kind: mission, para: 1, sending: BE, host: UR, mission_type: embassy}
  - {id: r-2, kind: figure, para: 1, figure_type: trade, reporter: BE, amount: "312,4", currency: EUR}
  - {id: r-3, kind: relation, para: 1, parties: [BE, PE], statu: resumed}
"""
EXPECTED_RECORD_ERRORS = [(3, "r-1", "host"), (4, "r-2", "amount"), (5, "r-3", "statu")]


def _record_errors_in(fmt: str, out: str) -> list[tuple[int, str, str]]:
    """(line, record, field) of each record error a report in ``fmt`` carries, read the way its consumer
    reads it."""
    if fmt == "json":
        doc = json.loads(out)
        assert doc["conforms"] is False and doc["results"] == []
        assert doc["counts"]["record_errors"] == len(doc["record_errors"])
        return [(e["line"], e["record"], e["field"]) for e in doc["record_errors"]]
    if fmt == "junit":
        cases = ET.fromstring(out).findall(".//testcase")
        assert all(c.find("failure") is not None for c in cases)  # a failing test case per error
        return [(int(c.get("line", "0")), *c.get("name", "").split()[1:3]) for c in cases]  # type: ignore[misc]
    if fmt == "github":
        found = []
        for line in out.splitlines()[:-1]:
            assert line.startswith("::error file="), line
            props, msg = line[len("::error "):].split("::", 1)
            kv = dict(p.split("=", 1) for p in props.split(","))
            assert kv["file"].endswith("/bad.yaml") and kv["title"] == "lacrdf record error"
            found.append((int(kv["line"]), msg.split("'")[1], msg.split("'")[3]))
        return found
    if fmt == "turtle":
        sh = "http://www.w3.org/ns/shacl#"
        store = ox.Store()
        store.load(out.encode(), format=ox.RdfFormat.TURTLE)
        conforms = [q.object.value for q in store.quads_for_pattern(None, ox.NamedNode(sh + "conforms"), None)]
        assert conforms == ["false"]
        rows = []
        for q in store.quads_for_pattern(None, ox.NamedNode(sh + "focusNode"), None):
            comment = next(store.quads_for_pattern(q.subject, ox.NamedNode(
                "http://www.w3.org/2000/01/rdf-schema#comment"), None)).object.value
            place, _, field = comment.split(" ", 2)[0], None, comment.split(" ")[-1]
            rows.append((int(place.split(":")[1]), q.object.value.rsplit(":", 1)[1], field))
        return sorted(rows)
    lines = out.splitlines()
    assert lines[-1] == "3 record errors in 1 file"
    return [(int(ln.split(":")[1]), ln.split("'")[1], ln.split("'")[3]) for ln in lines[:-1]]


@pytest.mark.parametrize("fmt", ["text", "json", "turtle", "junit", "github"])
def test_record_errors_are_reported_in_every_format(fmt: str, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """Never an empty report: the three mistakes, each at its line, in every format, and exit 2."""
    (tmp_path / "bad.yaml").write_text(THREE_MISTAKES, encoding="utf-8")
    from .conftest import ROOT

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("LACRDF_HOME", str(ROOT))
    result = CliRunner().invoke(main, ["validate", "bad.yaml", "--format", fmt])
    assert result.exit_code == 2, result.output
    assert result.stdout.strip(), "an empty report"
    assert "Traceback" not in result.output
    assert _record_errors_in(fmt, result.stdout) == EXPECTED_RECORD_ERRORS


def test_record_error_lines_escape_control_characters(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from lacrdf.errors import RecordError, RecordErrors

    errors = RecordErrors([RecordError("a.yaml", 1, 1, "bad value 'x\ny\u2028z\r'", field="f")])
    assert errors.render() == "a.yaml:1:1: field 'f': bad value 'x\\ny\\u2028z\\r'"


def test_record_errors_are_capped_with_the_count_of_the_rest() -> None:
    from lacrdf.errors import MAX_SHOWN, RecordError, RecordErrors

    errors = RecordErrors([RecordError("a.yaml", n, 1, "wrong") for n in range(1, MAX_SHOWN + 8)])
    lines = errors.render().splitlines()
    assert len(lines) == MAX_SHOWN + 2
    assert lines[MAX_SHOWN] == "... and 7 more (lacrdf validate --format json lists all)"
    assert lines[-1] == f"{MAX_SHOWN + 7} record errors in 1 file"
    assert [ln.split(":")[1] for ln in lines[:MAX_SHOWN]] == [str(n) for n in range(1, MAX_SHOWN + 1)]
