"""``lacrdf diff``: two builds of a small copy of the project (the actors and the Belgian document), the
second edited (a fact removed, one added, an amount and a date changed, an actor added), compared as
folders and as git revisions of a throw-away repository; the report is exact, sorted and byte-identical."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from lacrdf import find_project, pipeline
from lacrdf.cli import main

from .conftest import ROOT

ID = "https://w3id.org/lacrdf/id/"
SOURCE = "belgium-fps-lac.yaml"
ADDED_FACT = """  - id: t-diff-added-position
    kind: position
    para: 4
    stance: assesses
    topic: an added test position
    about: [lac]
    evidence:
      - {para: 4, start: 0, end: 149}
"""
ADDED_ACTOR = """  - id: t-diff-body
    type: government-body
    country: BE
    name: Foreign Affairs
"""


def edit(text: str) -> str:
    """The change under test; each replacement must hit (the test says so if the data moved)."""

    def replace(old: str, new: str) -> None:
        nonlocal text
        assert text.count(old) >= 1, f"{SOURCE} no longer holds {old!r}: update tests/test_diff.py"
        text = text.replace(old, new, 1)

    start, end = text.index("  - id: be-emb-bogota\n"), text.index("  - id: be-emb-brasilia\n")
    text = text[:start] + text[end:]  # removed: the embassy in Bogota
    replace("facts:\n", "facts:\n" + ADDED_FACT)  # added: a position
    replace('amount: "5032.9"', 'amount: "5100"')  # changed: the imports figure's amount
    exports = text.index("  - id: be-lac-exports-2020\n")
    text = text[:exports] + text[exports:].replace('period: "2020"', 'period: "2019"', 1)  # and the exports' date
    replace("    name: Foreign Trade Agency\n", "    name: Foreign Trade Agency\n" + ADDED_ACTOR)
    return text


def write_project_subset(folder: Path, edited: bool) -> Path:
    """data/actors/ and the Belgian document (edited or not) under ``folder/data``."""
    data = folder / "data"
    shutil.copytree(ROOT / "data" / "actors", data / "actors")
    (data / "sources").mkdir()
    text = (ROOT / "data" / "sources" / SOURCE).read_text(encoding="utf-8")
    (data / "sources" / SOURCE).write_text(edit(text) if edited else text, encoding="utf-8")
    return data


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    tmp = tmp_path_factory.mktemp("diff")
    paths = find_project(ROOT)
    out = []
    for name, edited in (("old", False), ("new", True)):
        data = write_project_subset(tmp / f"{name}-records", edited)
        result = pipeline.build(paths, [data], out=tmp / name)
        assert result.graph is not None, f"the {name} subset does not conform"
        out.append(tmp / name)
    return out[0], out[1]


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["diff", *args])
    return result.exit_code, result.stdout, result.stderr


def diff_json(old: Path | str, new: Path | str, *flags: str) -> dict:  # type: ignore[type-arg]
    code, out, err = run(str(old), str(new), *flags, "--format", "json")
    assert code == 0, err
    return json.loads(out)  # type: ignore[no-any-return]


IMPORTS_LABEL = "Belgium – Latin America and the Caribbean: trade imports {} million EUR 2020"


def test_json_lists_the_exact_added_removed_and_changed_facts(builds: tuple[Path, Path]) -> None:
    report = diff_json(*builds)
    assert list(report)[:3] == ["added", "removed", "changed"]
    assert [(e["fact"], e["source"], e["paragraphs"], e["evidence"]) for e in report["added"]] == [
        (ID + "position/t-diff-added-position", "be-fps-lac", [4], [{"para": 4, "start": 0, "end": 149}])]
    added = report["added"][0]
    assert added["types"] == ["lac:Position"]
    assert added["fields"]["lac:stance"] == ["<concept/stance/assesses>"]
    assert added["fields"]["evidence"] == ["4:0-149"]
    assert [(e["fact"], e["source"], e["paragraphs"], e["evidence"]) for e in report["removed"]] == [
        (ID + "mission/be-emb-bogota", "be-fps-lac", [11],
         [{"para": 11, "start": 0, "end": 101}, {"para": 11, "start": 103, "end": 109}])]
    assert report["removed"][0]["fields"]["lac:seat"] == ["<id/city/bogota>"]
    changed = {e["fact"]: e for e in report["changed"]}
    assert list(changed) == [ID + "figure/be-lac-exports-2020", ID + "figure/be-lac-imports-2020"]
    exports, imports = changed.values()
    assert (imports["source"], imports["paragraphs"]) == ("be-fps-lac", [13])
    assert imports["evidence"] == [{"para": 13, "start": 0, "end": 135}, {"para": 13, "start": 260, "end": 290}]
    assert imports["changes"] == [
        {"property": "amount.schema:value", "old": ['"5032900000"^^xsd:decimal'], "new": ['"5100000000"^^xsd:decimal']},
        {"property": "rdfs:label", "old": [json.dumps(IMPORTS_LABEL.format("5032.9"), ensure_ascii=False) + "@en"],
         "new": [json.dumps(IMPORTS_LABEL.format("5100"), ensure_ascii=False) + "@en"]}]
    assert [c["property"] for c in exports["changes"]] == ["lac:date", "rdfs:label"]
    assert exports["changes"][0] == {"property": "lac:date", "old": ['"2020"^^xsd:gYear'], "new": ['"2019"^^xsd:gYear']}
    assert [(e["actor"], e["source"]) for e in report["actors"]["added"]] == [(ID + "body/t-diff-body", "actors")]
    assert report["actors"]["removed"] == report["actors"]["changed"] == []
    assert report["other"] == []
    assert report["summary"] == {"facts": {"added": 1, "removed": 1, "changed": 2},
                                 "actors": {"added": 1, "removed": 0, "changed": 0},
                                 "other_triples": {"added": 0, "removed": 0}}


def test_markdown_is_a_pull_request_comment(builds: tuple[Path, Path]) -> None:
    code, out, _ = run(*map(str, builds), "--format", "markdown")
    assert code == 0
    lines = out.splitlines()
    assert lines[:2] == ["<!-- lacrdf-diff -->", "## lacrdf diff"]
    assert ("**Facts:** 1 added, 1 removed, 2 changed · **Actors:** 1 added, 0 removed, 0 changed · "
            "**Other triples:** 0 added, 0 removed") in lines
    assert "### be-fps-lac" in lines and "### actors" in lines
    rows = [line for line in lines if line.startswith("| ")]
    assert any(r.startswith("| added | `<id/position/t-diff-added-position>` | `lac:Position` |") and "| 4 | 4:0-149 |"
               in r for r in rows)
    assert any(r.startswith("| removed | `<id/mission/be-emb-bogota>` | `lac:Embassy` |")
               and r.endswith("| 11 | 11:0-101, 11:103-109 |") for r in rows)
    assert ("| `<id/figure/be-lac-imports-2020>` | `amount.schema:value` | `\"5032900000\"^^xsd:decimal` "
            "| `\"5100000000\"^^xsd:decimal` |") in rows
    assert "| `<id/figure/be-lac-exports-2020>` | `lac:date` | `\"2020\"^^xsd:gYear` | `\"2019\"^^xsd:gYear` |" in rows
    assert any(r.startswith("| added | `<id/body/t-diff-body>` | `lac:GovernmentBody` | Foreign Affairs |")
               for r in rows)


def test_text_is_the_default(builds: tuple[Path, Path]) -> None:
    code, out, _ = run(*map(str, builds))
    assert code == 0
    assert "facts: 1 added, 1 removed, 2 changed; actors: 1 added, 0 removed, 0 changed" in out
    assert "  + <id/position/t-diff-added-position> lac:Position" in out
    assert "  - <id/mission/be-emb-bogota> lac:Embassy \"Embassy of Belgium in Bogota\"" in out
    assert "      cited: be-fps-lac, paragraph 11, evidence 11:0-101, 11:103-109" in out
    assert '      amount.schema:value: "5032900000"^^xsd:decimal -> "5100000000"^^xsd:decimal' in out
    assert "  + <id/body/t-diff-body> lac:GovernmentBody \"Foreign Affairs\"" in out


def test_output_is_byte_identical_across_runs_and_hash_seeds(builds: tuple[Path, Path]) -> None:
    for fmt in ("text", "markdown", "json"):
        first, second = run(*map(str, builds), "--format", fmt)[1], run(*map(str, builds), "--format", fmt)[1]
        assert first == second, fmt
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    proc = subprocess.run([sys.executable, "-m", "lacrdf.cli", "diff", *map(str, builds), "--format", "markdown"],
                          capture_output=True, env=env, cwd=ROOT, check=True)
    assert proc.stdout.decode("utf-8") == run(*map(str, builds), "--format", "markdown")[1]


def test_a_build_against_itself_has_no_differences(builds: tuple[Path, Path]) -> None:
    report = diff_json(builds[0], builds[0])
    assert report["added"] == report["removed"] == report["changed"] == report["other"] == []
    assert run(str(builds[0]), str(builds[0]))[1].endswith("no fact, actor or other triple differs\n")


def test_bad_input_is_one_line_and_exit_2(builds: tuple[Path, Path], tmp_path: Path) -> None:
    (tmp_path / "not-a-build").mkdir()
    for args in ([str(tmp_path / "not-a-build"), str(builds[1])], [str(builds[0]), str(tmp_path / "missing")],
                 [str(builds[0])]):
        code, out, err = run(*args)
        assert code == 2, args
        assert out == "" and len(err.splitlines()) == 1 and "Traceback" not in err, err
    assert ": not a lacrdf build" in run(str(tmp_path / "not-a-build"), str(builds[1]))[2]
    assert ": no such build folder" in run(str(builds[0]), str(tmp_path / "missing"))[2]


# ---------------------------------------------------------------------------------------------- --rev

def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=lacrdf tests", "-c", "user.email=tests@example.invalid",
                    "-c", "commit.gpgsign=false", *args], cwd=repo, check=True, capture_output=True)


@pytest.fixture()
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A throw-away git repository: the project's subset at commit 1, the edit at commit 2 (HEAD)."""
    if shutil.which("git") is None:
        pytest.fail("git is not installed: --rev needs it (apt-get install git)")
    root = tmp_path / "repo"
    root.mkdir()
    for name in ("ontology", "shapes"):
        shutil.copytree(ROOT / name, root / name)
    paths = find_project(ROOT)
    if paths.seeds.is_dir():  # the texts beside the repository, as ../shared/seeds is beside the project
        (tmp_path / "shared").mkdir()
        (tmp_path / "shared" / "seeds").symlink_to(paths.seeds.resolve())
    write_project_subset(root, edited=False)
    git(root, "init", "-q")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "before")
    source = root / "data" / "sources" / SOURCE
    source.write_text(edit(source.read_text(encoding="utf-8")), encoding="utf-8")
    git(root, "commit", "-q", "-a", "-m", "after")
    monkeypatch.chdir(root)
    monkeypatch.setenv("LACRDF_DIST", str(tmp_path / "worktree-dist"))
    monkeypatch.delenv("LACRDF_HOME", raising=False)
    temp = tmp_path / "temp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    return root


def entries(report: dict) -> dict:  # type: ignore[type-arg]
    return {key: report[key] for key in ("added", "removed", "changed", "actors", "other")}


def test_rev_builds_two_revisions_and_reports_what_the_commit_did(repo: Path, builds: tuple[Path, Path]) -> None:
    report = diff_json("HEAD~1", "HEAD", "--rev", "-q")
    assert entries(report) == entries(diff_json(*builds))
    assert report["old"].startswith("HEAD~1 (") and report["new"].startswith("HEAD (")
    assert not list(Path(tempfile.gettempdir()).iterdir()), "the temporary builds were not removed"
    # one revision against the working tree (here: HEAD's content), built into the default build
    code, out, _ = run("--rev", "HEAD~1", "-q", "--format", "text")
    assert code == 0 and out.startswith("lacrdf diff: HEAD~1 (") and "-> working tree" in out.splitlines()[0]
    code, out, err = run("--rev", "no-such-revision", "HEAD")
    assert (code, out, err) == (2, "", "unknown revision 'no-such-revision' (git rev-parse found no commit of "
                                       "that name)\n")
