"""The CLI through click's CliRunner: every command's help ends with an Example line that runs, exit
codes are the documented ones, and a bad record gives one located line, no traceback, nothing written."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner

from lacrdf.cli import main

from .conftest import DATA, ROOT

COMMANDS = sorted(main.commands)
# serve runs until stopped and publish needs a store: their examples run in tests/test_remote.py.
RUNNABLE = [c for c in COMMANDS if c not in ("serve", "publish")]


def example_of(command: str, runner: CliRunner) -> str:
    result = runner.invoke(main, [command, "--help"])
    assert result.exit_code == 0, result.output
    match = re.search(r"Example: (lacrdf .+)", result.output)
    assert match, f"'lacrdf {command} --help' has no 'Example:' line"
    return match.group(1).strip()


@pytest.mark.parametrize("command", COMMANDS)
def test_help_has_an_example(command: str, runner: CliRunner) -> None:
    assert example_of(command, runner).startswith(f"lacrdf {command}")


@pytest.mark.parametrize("command", RUNNABLE)
def test_help_example_runs(command: str, runner: CliRunner, tmp_path: Path) -> None:
    args = shlex.split(example_of(command, runner))[1:]
    # outputs of the examples go to a temporary folder, not into the repository
    args = args[:1] + [str(tmp_path / Path(a).name) if a.startswith("dist/") or a in ("dist", "site", "synth-small")
                       or prev == "--out" else a for prev, a in zip(args, args[1:], strict=False)]
    result = runner.invoke(main, args)
    assert result.exit_code == 0, f"{args}: {result.output}"


def test_readme_documents_every_command() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for command in COMMANDS:
        assert f"lacrdf {command}" in readme, f"README.md does not show 'lacrdf {command}'"


FIXTURE_DATA = ["--data", str(ROOT / "data" / "actors"), "--data", str(DATA / "valid" / "all-kinds.yaml")]


def test_build_writes_every_format(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "dist"
    assert runner.invoke(main, ["build", *FIXTURE_DATA, "--out", str(out)]).exit_code == 0
    names = sorted(p.name for p in out.iterdir())
    assert names == ["lacrdf.jsonld", "lacrdf.nq", "lacrdf.nt", "lacrdf.rdf", "lacrdf.trig", "lacrdf.ttl",
                     "manifest.json", "ontology.ttl", "store", "void.ttl"]
    assert out.is_symlink(), "the output is a link to the build folder, switched in one step"


def test_bad_record_gives_one_located_line_and_exit_2(runner: CliRunner, tmp_path: Path) -> None:
    bad = DATA / "invalid" / "unknown-actor.yaml"
    result = runner.invoke(main, ["build", "--data", str(ROOT / "data" / "actors"), "--data", str(bad),
                                  "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    lines = [ln for ln in result.output.splitlines() if ln.strip()]
    assert lines == ["tests/data/invalid/unknown-actor.yaml:4:83: record 't-emb': field 'host': "
                     "unknown actor 'peru' (did you mean 'PE'?)"]
    assert "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


@pytest.mark.curated
def test_validate_exit_codes(runner: CliRunner) -> None:
    ok = runner.invoke(main, ["validate"])
    assert ok.exit_code == 0, ok.output
    assert ok.output.splitlines()[-1].startswith("0 violations")
    strict = runner.invoke(main, ["validate", "--fail-on", "info"])
    assert strict.exit_code == 1
    missing = runner.invoke(main, ["validate", "no/such/file.yaml"])
    assert missing.exit_code == 2 and "no such file" in missing.output


@pytest.mark.curated
def test_query_formats(runner: CliRunner) -> None:
    import csv
    import io
    import json

    table = runner.invoke(main, ["query", "trade-figures", "--param", "reporter=BE"])
    assert table.exit_code == 0, table.output
    as_csv = runner.invoke(main, ["query", "trade-figures", "--param", "reporter=BE", "--format", "csv"])
    rows = list(csv.reader(io.StringIO(as_csv.output)))
    assert rows[0][:3] == ["reporterName", "partnerName", "type"] and rows[0][-1] == "figure"
    as_json = json.loads(runner.invoke(main, ["query", "trade-figures", "--param", "reporter=BE",
                                              "--format", "json"]).output)
    bindings = as_json["results"]["bindings"]
    # the three formats give the same rows; among them Belgium's two figures of 2020, by id
    assert table.output.splitlines()[-1] == f"({len(rows) - 1} rows)" and len(bindings) == len(rows) - 1
    assert [b["figure"]["value"] for b in bindings] == [r[-1] for r in rows[1:]]
    by_id = {r[-1].rsplit("/", 1)[-1]: r for r in rows[1:]}
    assert by_id["be-lac-exports-2020"][3:6] == ["exports", "exact", "5523100000"]
    assert by_id["be-lac-imports-2020"][3:6] == ["imports", "exact", "5032900000"]
    assert all(b["value"]["datatype"].endswith("#decimal") for b in bindings)


def test_query_errors_are_one_line(runner: CliRunner) -> None:
    for args, needle in ((["query", "nope"], "no stored query 'nope'"),
                         (["query", "missions-by-host", "--param", "sending=Belgum"], "did you mean Belgium (BE)"),
                         (["query", "missions-by-host", "--param", "oops"], "NAME=VALUE")):
        result = runner.invoke(main, args)
        assert result.exit_code == 2 and needle in result.output and "Traceback" not in result.output


@pytest.mark.curated
def test_stats_counts_facts_per_source(runner: CliRunner, project) -> None:  # type: ignore[no-untyped-def]
    import json

    result = runner.invoke(main, ["stats", "--format", "json"])
    assert result.exit_code == 0
    rows = {r["source"]: r for r in json.loads(result.output)}
    for source in project.sources:
        assert rows[source]["facts"] == len(project.facts_of(source))
        assert rows[source]["triples"] > rows[source]["facts"]
    assert rows["total"]["facts"] == len(project.facts)


def test_readme_documents_every_record_field() -> None:
    from lacrdf.records.kinds import KINDS
    from lacrdf.records.loader import record_fields
    from lacrdf.records.model import ActorRecord, SourceRecord

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in KINDS:
        assert f"`kind: {name}`" in readme, f"README.md has no table for kind '{name}'"
    for cls in (ActorRecord, SourceRecord, *(k.record for k in KINDS.values())):
        for field, *_ in record_fields(cls):
            assert f"| `{field}` |" in readme, f"README.md does not document field '{field}' of {cls.__name__}"


def test_progress_is_shown_only_to_a_person(monkeypatch: pytest.MonkeyPatch, runner: CliRunner,
                                            tmp_path: Path) -> None:
    import sys

    from lacrdf.progress import SILENT, Bar, for_terminal

    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)
    assert isinstance(for_terminal(quiet=False), Bar)
    assert for_terminal(quiet=True) is SILENT
    monkeypatch.setenv("CI", "true")
    assert for_terminal(quiet=False) is SILENT
    assert list(Bar().track(iter(range(5)), "test", 5)) == [0, 1, 2, 3, 4]
    result = runner.invoke(main, ["build", *FIXTURE_DATA, "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "loading records" not in result.output
