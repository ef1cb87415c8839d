"""A correct new document keeps the suite green: the project is copied to a temporary folder, a sixth
document is added beside the five curated ones as README's "Adding a document" describes (a text of our
own in the seeds folder, its source file with hash, paragraphs and evidence spans), the copy builds and
validates, and then the whole curated-graph layer (`pytest -m curated`) runs against the copy and passes.
A test of that layer that asserted totals or complete lists of rows would fail here."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from lacrdf import ProjectPaths, find_project
from lacrdf.records.texts import locate, paragraphs

from .conftest import ROOT, seeds_dir

SOURCE_ID = "lacrdf-test-be-uy"
TEXT_FILE = "900_lacrdf_test_be_uy.txt"
# Our own sentences (a test text, not a real document): an embassy, a dated visit and a trade figure.
TEXT = """Belgium and Uruguay (a test text of lacrdf)

Belgium has an embassy in Montevideo, the capital of Uruguay.

On 14 May 2019 a trade delegation from Belgium visited Uruguay.

In 2019 the exports of goods from Belgium to Uruguay amounted to 312.4 million euros.
"""
# Each fact: its record fields and, per cited paragraph, the words that state it (spans are located).
FACTS: list[tuple[dict[str, object], dict[int, list[str]]]] = [
    ({"id": "nd-be-emb-montevideo", "kind": "mission", "mission_type": "embassy", "sending": "BE",
      "host": "UY", "seat": "nd-montevideo"},
     {2: ["Belgium has an embassy in Montevideo", "Uruguay"]}),
    ({"id": "nd-be-uy-trade-visit-2019", "kind": "event", "event_type": "visit",
      "title": "Visit of a trade delegation from Belgium to Uruguay", "date": "2019-05-14", "location": "UY",
      "participants": ["BE", "UY"]},
     {3: ["On 14 May 2019 a trade delegation from Belgium visited Uruguay"]}),
    ({"id": "nd-be-uy-exports-2019", "kind": "figure", "figure_type": "trade", "flow": "exports",
      "reporter": "BE", "partner": "UY", "amount": "312.4", "scale": "million", "currency": "EUR",
      "period": "2019", "qualifier": "exact"},
     {4: ["In 2019 the exports of goods from Belgium to Uruguay amounted to 312.4 million euros"]}),
]
PROJECT_PARTS = ("data", "ontology", "shapes", "queries")  # what find_project and a build read
TIMEOUT = 300  # seconds, an upper bound; the curated layer takes about a minute

pytestmark = pytest.mark.skipif(bool(os.environ.get("LACRDF_TEST_PROJECT")),
                                reason="already running on a copy of the project")


def _span(paragraph: str, words: str) -> tuple[int, int]:
    found = locate(paragraph, words)
    assert len(found) == 1, f"{words!r} must occur exactly once in its paragraph, found {found}"
    return found[0]


def _yaml_value(value: object) -> str:
    """Plain words and ids as they are, anything a YAML reader could take for a number or date quoted."""
    if isinstance(value, list):
        return "[" + ", ".join(_yaml_value(v) for v in value) + "]"
    text = str(value)
    return text if re.fullmatch(r"[A-Za-z][\w ()-]*", text) else json.dumps(text)


def source_file(sha256: str, text: str) -> str:
    """The document's data/sources/<id>.yaml, as a contributor writes it (evidence located, not counted)."""
    paras = paragraphs(text)
    lines = ["# A test document of lacrdf: three facts of its own text.",
             "actors:",
             "  - {id: nd-montevideo, type: city, country: UY, name: Montevideo}",
             "source:",
             f"  id: {SOURCE_ID}",
             f"  file: {TEXT_FILE}",
             f"  sha256: {sha256}",
             "  title: Belgium and Uruguay (a test text of lacrdf)",
             "  language: en",
             "facts:"]
    for fields, words in FACTS:
        lines.append(f"  - id: {fields['id']}")
        lines.append(f"    kind: {fields['kind']}")
        lines.append(f"    para: {_yaml_value(list(words)) if len(words) > 1 else next(iter(words))}")
        lines += [f"    {k}: {_yaml_value(v)}" for k, v in fields.items() if k not in ("id", "kind")]
        lines.append("    evidence:")
        for para, phrases in words.items():
            for phrase in phrases:
                start, end = _span(paras[para - 1], phrase)
                lines.append(f"      - {{para: {para}, start: {start}, end: {end}}}")
    return "\n".join(lines) + "\n"


def add_document(root: Path, seeds: Path, curated_seeds: Path) -> None:
    """A copy of the project at ``root`` with the new document, and at ``seeds`` the five curated texts
    (linked) plus the new one."""
    for part in PROJECT_PARTS:
        shutil.copytree(ROOT / part, root / part, ignore=shutil.ignore_patterns(".*"))
    shutil.copy(ROOT / "pyproject.toml", root / "pyproject.toml")
    seeds.mkdir()
    for text in sorted(curated_seeds.glob("*.txt")):
        (seeds / text.name).symlink_to(text)
    (seeds / TEXT_FILE).write_text(TEXT, encoding="utf-8")
    sha = hashlib.sha256((seeds / TEXT_FILE).read_bytes()).hexdigest()
    (root / "data" / "sources" / f"{SOURCE_ID}.yaml").write_text(source_file(sha, TEXT), encoding="utf-8")


def _curated_seeds() -> Path:
    return seeds_dir(find_project(ROOT))


@pytest.fixture(scope="module")
def with_document(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(project, seeds folder): the copy with the new document."""
    base = tmp_path_factory.mktemp("new-document")
    add_document(base / "project", base / "seeds", _curated_seeds())
    return base / "project", base / "seeds"


def _env(root: Path, seeds: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("LACRDF_HOME", "LACRDF_DIST", "LACRDF_TEST_PROJECT")}
    return {**env, "LACRDF_SEEDS": str(seeds), **extra}


def _lacrdf(root: Path, seeds: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "lacrdf.cli", *args], cwd=root, env=_env(root, seeds),
                          capture_output=True, text=True, timeout=TIMEOUT, check=False)


def curated_layer(root: Path, seeds: Path, out: Path, *args: str) -> tuple[subprocess.CompletedProcess[str],
                                                                           ET.Element]:
    """``pytest -m curated ARGS`` with the project at ``root``: the completed run and its JUnit test suite."""
    report = out / "curated.xml"
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-m", "curated", "-q", f"--basetemp={out / 'pytest'}",
         f"--junitxml={report}", *args],
        cwd=ROOT, env=_env(root, seeds, LACRDF_TEST_PROJECT=str(root)), capture_output=True, text=True,
        timeout=TIMEOUT, check=False)
    suite = ET.parse(report).getroot().find("testsuite") if report.is_file() else None
    assert suite is not None, (done.stdout + done.stderr)[-6000:]
    return done, suite


def test_the_new_document_builds_and_validates(with_document: tuple[Path, Path]) -> None:
    root, seeds = with_document
    built = _lacrdf(root, seeds, "build")
    assert built.returncode == 0, built.stdout + built.stderr
    validated = _lacrdf(root, seeds, "validate")
    assert validated.returncode == 0, validated.stdout + validated.stderr
    assert validated.stdout.splitlines()[-1].startswith("0 violations, 0 warnings")
    # the copy's graph holds the new facts beside the curated ones
    shown = _lacrdf(root, seeds, "show", "nd-be-emb-montevideo")
    assert shown.returncode == 0 and "Montevideo" in shown.stdout, shown.stdout + shown.stderr
    stats = json.loads(_lacrdf(root, seeds, "stats", "--format", "json", "--no-build").stdout)
    assert {r["source"]: r["facts"] for r in stats}[SOURCE_ID] == len(FACTS)
    assert {"be-fps-lac", "by-mfa-latin-america", "eu-regio-celac", "eclac-news-2021-10-13",
            "cn-mfa-cai-wei"} <= {r["source"] for r in stats}


def test_the_curated_layer_passes_with_the_new_document(with_document: tuple[Path, Path], tmp_path: Path) -> None:
    root, seeds = with_document
    done, suite = curated_layer(root, seeds, tmp_path, "-x", "tests")
    tail = (done.stdout + done.stderr)[-6000:]
    assert done.returncode == 0, tail
    assert (suite.get("failures"), suite.get("errors"), suite.get("skipped")) == ("0", "0", "0"), tail
    ran = {f"{case.get('classname')}::{case.get('name')}" for case in suite.iter("testcase")}
    for test in ("tests.test_curation::test_every_document_is_curated",
                 "tests.test_queries::test_missions_of_belgium",
                 "tests.test_queries::test_belgian_trade_figures",
                 "tests.test_cli::test_query_formats"):
        assert test in ran, f"{test} is not in the curated layer"
    # the layer read the copy: its session build lists the new document among its inputs
    manifest = json.loads((tmp_path / "pytest" / "session-dist0" / "dist" / "manifest.json").read_text())
    assert f"data/sources/{SOURCE_ID}.yaml" in manifest["inputs"]["records"]


def test_a_wrong_curated_fact_still_turns_the_layer_red(tmp_path: Path) -> None:
    """The control: the same copy with one curated amount changed (be-lac-imports-2020, stated as 5,032.9
    million euros in paragraph 13) fails, of the stored-query tests, exactly the one that names the fact."""
    root, seeds = tmp_path / "project", tmp_path / "seeds"
    add_document(root, seeds, _curated_seeds())
    belgium = root / "data" / "sources" / "belgium-fps-lac.yaml"
    text = belgium.read_text(encoding="utf-8")
    assert text.count('amount: "5032.9"') == 1
    belgium.write_text(text.replace('amount: "5032.9"', 'amount: "5032.8"'), encoding="utf-8")
    (tmp_path / "run").mkdir()
    done, suite = curated_layer(root, seeds, tmp_path / "run", "tests/test_queries.py")
    failed = {case.get("name") for case in suite.iter("testcase") if case.find("failure") is not None}
    assert done.returncode == 1 and failed == {"test_belgian_trade_figures"}, (done.stdout + done.stderr)[-3000:]


def test_the_document_is_written_as_the_readme_says(with_document: tuple[Path, Path]) -> None:
    """The generator itself: every span holds the words it was located from, in a cited paragraph."""
    root, seeds = with_document
    from lacrdf import load_records
    from lacrdf.records.texts import check_against_texts, check_evidence

    paths = ProjectPaths(root)
    project = load_records(paths, [root / "data"])
    assert check_against_texts(project, seeds) == [] and check_evidence(project, seeds, required=True) == []
    paras = paragraphs(TEXT)
    for fields, words in FACTS:
        fact = project.facts[str(fields["id"])]
        assert {paras[s.para - 1][s.start:s.end] for s in fact.evidence} == {w for ws in words.values() for w in ws}
