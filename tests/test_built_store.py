"""The built store as the hub: build once, every command reads it; stale inputs are noticed; incremental
builds equal clean ones; users run their own SPARQL. The toolkit's own fixture: a synthetic project."""

from __future__ import annotations

import ast
import json
import random
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from lacrdf import pipeline
from lacrdf.cli import main
from lacrdf.config import ProjectPaths
from lacrdf.records.synth import write_corpus

from .conftest import ROOT

SRC = ROOT / "src" / "lacrdf"


def make_project(root: Path, facts: int = 300, per_file: int = 60, seed: int = 1) -> ProjectPaths:
    """A project of its own: the repository's ontology, shapes and queries, a synthetic corpus as data/."""
    root.mkdir(parents=True)
    for part in ("ontology", "shapes", "queries"):
        shutil.copytree(ROOT / part, root / part)
    write_corpus(root / "data", facts=facts, seed=seed, facts_per_file=per_file)
    return ProjectPaths(root)


@pytest.fixture()
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> ProjectPaths:
    paths = make_project(tmp_path / "proj")
    monkeypatch.setenv("LACRDF_HOME", str(paths.root))
    monkeypatch.delenv("LACRDF_DIST", raising=False)
    monkeypatch.chdir(paths.root)
    return paths


def dumps(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file() and p.name != "manifest.json"}


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "lacrdf.cli", *args], capture_output=True, text=True, check=False)


def first_figure(paths: ProjectPaths) -> tuple[Path, str, str]:
    """A source file, the id of its first figure and that figure's amount as written."""
    for path in sorted((paths.data / "sources").glob("*.yaml")):
        match = re.search(r'\{id: (\S+-figure-\d+), kind: figure,.*? amount: "([0-9.]+)"', path.read_text())
        if match:
            return path, match.group(1), match.group(2)
    raise AssertionError("the synthetic corpus has no figure")


# ---------------------------------------------------------------------------------------------- the build

def test_build_writes_a_store_and_a_manifest_of_every_input(project: ProjectPaths) -> None:
    result = pipeline.build(project)
    assert result.graph is not None
    dist = project.dist
    assert dist.is_symlink() and (dist / "store" / "CURRENT").is_file()
    manifest = json.loads((dist / "manifest.json").read_text())
    records = sorted(str(p.relative_to(project.root)) for p in project.data.rglob("*.yaml"))
    assert sorted(manifest["inputs"]["records"]) == records
    assert set(manifest["inputs"]["ontology"]) == {"ontology/lacrdf.ttl", "ontology/concepts.ttl"}
    assert set(manifest["inputs"]["shapes"]) == {str(p.relative_to(project.root))
                                                 for p in (project.root / "shapes").glob("*.ttl")}
    assert all(re.fullmatch(r"[0-9a-f]{64}", d) for kind in manifest["inputs"].values() for d in kind.values())
    assert manifest["base"] == "https://w3id.org/lacrdf/"
    assert manifest["counts"]["facts"] == 300
    assert manifest["counts"]["quads"] == len(result.graph.store)
    assert manifest["dumps"]["lacrdf.nq"]["bytes"] == (dist / "lacrdf.nq").stat().st_size


def test_the_dumps_hold_exactly_what_the_store_holds(project: ProjectPaths) -> None:
    import pyoxigraph as ox

    result = pipeline.build(project)
    assert result.graph is not None
    everything = set(result.graph.store.quads_for_pattern(None, None, None, None))
    onto = ox.NamedNode("https://w3id.org/lacrdf/graph/ontology")
    data = {q.triple for q in everything if q.graph_name != onto}
    for name, fmt in (("nq", ox.RdfFormat.N_QUADS), ("trig", ox.RdfFormat.TRIG)):
        parsed = list(ox.parse(path=str(project.dist / f"lacrdf.{name}"), format=fmt))
        assert len(parsed) == len(everything) and set(parsed) == everything, name
    for name, fmt in (("nt", ox.RdfFormat.N_TRIPLES), ("ttl", ox.RdfFormat.TURTLE), ("rdf", ox.RdfFormat.RDF_XML),
                      ("jsonld", ox.RdfFormat.JSON_LD)):
        parsed = [q.triple for q in ox.parse(path=str(project.dist / f"lacrdf.{name}"), format=fmt)]
        assert len(parsed) == len(data) and set(parsed) == data, f"{name}: not the union of the data graphs"


def test_commands_read_the_store_and_notice_stale_inputs(project: ProjectPaths) -> None:
    path, fact, amount = first_figure(project)
    assert run("build").returncode == 0
    query = (f'SELECT ?v WHERE {{ <https://w3id.org/lacrdf/id/figure/{fact}> '
             f'<https://w3id.org/lacrdf/ontology#amount>/<https://schema.org/value> ?v }}')
    fresh = run("sparql", query, "--format", "csv")
    assert fresh.returncode == 0 and fresh.stderr == "", fresh.stderr
    before = fresh.stdout.splitlines()[1]

    new_amount = "12345.6"
    path.write_text(path.read_text().replace(f'amount: "{amount}"', f'amount: "{new_amount}"', 1))
    refused = run("sparql", query, "--no-build")
    assert refused.returncode == 2
    assert refused.stderr.strip() == (f"dist/ is out of date ({path.relative_to(project.root)} changed); run "
                                      "'lacrdf build' or drop --no-build")
    rebuilt = run("sparql", query, "--format", "csv")
    assert rebuilt.returncode == 0
    changed = path.relative_to(project.root)
    assert rebuilt.stderr.strip() == f"lacrdf: dist/ is out of date ({changed} changed); rebuilding"
    after = rebuilt.stdout.splitlines()[1]
    # the value is stored exactly, in units (the stated amount times its scale)
    assert after != before and after.replace(".", "").rstrip("0").startswith("123456"), (before, after)
    again = run("sparql", query, "--format", "csv")
    assert again.stderr == "" and again.stdout == rebuilt.stdout, "a current build answers without rebuilding"


def test_a_touched_but_unchanged_file_is_not_a_change(project: ProjectPaths) -> None:
    assert run("build").returncode == 0
    path = next((project.data / "sources").glob("*.yaml"))
    path.write_bytes(path.read_bytes())  # new mtime, same content
    result = run("stats")
    assert result.returncode == 0 and result.stderr == ""


def test_ontology_and_shapes_are_inputs_too(project: ProjectPaths) -> None:
    assert run("build").returncode == 0
    shapes = next((project.root / "shapes").glob("*.ttl"))
    shapes.write_text(shapes.read_text() + "\n# a comment\n")
    result = run("stats", "--no-build")
    assert result.returncode == 2 and f"{shapes.relative_to(project.root)} changed" in result.stderr


def test_data_and_base_build_into_their_own_folder(project: ProjectPaths) -> None:
    assert run("build").returncode == 0
    default = (project.dist / "lacrdf.nq").read_bytes()
    result = run("sparql", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "--base", "https://example.org/x/")
    assert result.returncode == 0, result.stderr
    assert "is out of date" in result.stderr and ".lacrdf-out/" in result.stderr
    assert (project.dist / "lacrdf.nq").read_bytes() == default, "another base never overwrites dist/"
    built = [p for p in (project.root / ".lacrdf-out").iterdir() if not p.name.startswith(".")]
    assert len(built) == 1 and b"https://example.org/x/" in (built[0] / "lacrdf.nq").read_bytes()


# ---------------------------------------------------------------------------------------------- own queries

@pytest.fixture()
def built(project: ProjectPaths) -> ProjectPaths:
    pipeline.build(project)
    return project


def test_sparql_select_ask_construct_in_every_format(built: ProjectPaths) -> None:
    r = CliRunner()
    count = r.invoke(main, ["sparql", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "--format", "json"])
    assert count.exit_code == 0, count.output
    n = int(json.loads(count.output)["results"]["bindings"][0]["n"]["value"])
    assert n > 5000
    ask = r.invoke(main, ["sparql", "ASK { ?s a <https://w3id.org/lacrdf/ontology#Embassy> }", "--format", "csv"])
    assert ask.output.splitlines() == ["result", "true"]
    construct = "CONSTRUCT { ?m a ?c } WHERE { ?m a ?c . ?c <http://www.w3.org/2000/01/rdf-schema#subClassOf>* " \
                "<https://w3id.org/lacrdf/ontology#DiplomaticMission> }"
    import pyoxigraph as ox

    parsed = {}
    for fmt, rdf in (("ttl", ox.RdfFormat.TURTLE), ("nt", ox.RdfFormat.N_TRIPLES), ("jsonld", ox.RdfFormat.JSON_LD)):
        out = r.invoke(main, ["sparql", construct, "--format", fmt])
        assert out.exit_code == 0, out.output
        parsed[fmt] = set(ox.parse(out.output.encode(), format=rdf))
    assert parsed["ttl"] == parsed["nt"] == parsed["jsonld"] and len(parsed["nt"]) > 10
    wrong = r.invoke(main, ["sparql", construct, "--format", "csv"])
    assert wrong.exit_code == 2 and "does not fit a CONSTRUCT query" in wrong.output


def test_sparql_params_are_bound_by_values_never_spliced(built: ProjectPaths) -> None:
    r = CliRunner()
    text = "SELECT ?s WHERE { ?s <http://purl.org/dc/terms/identifier> ?id }"
    hit = r.invoke(main, ["sparql", text, "--param", "id=sy-org-1", "--format", "csv"])
    assert hit.exit_code == 0 and hit.output.splitlines()[1:] == ["https://w3id.org/lacrdf/id/org/sy-org-1"]
    evil = r.invoke(main, ["sparql", text, "--param", 'id=x" } ?s ?p ?o { "', "--format", "csv"])
    assert evil.exit_code == 0 and evil.output.splitlines() == ["s"], "an injected pattern matched something"
    iri = r.invoke(main, ["sparql", "SELECT ?c WHERE { ?s a ?c }", "--param", "s=<https://w3id.org/lacrdf/id/state/BE>",
                          "--format", "csv"])
    assert "https://w3id.org/lacrdf/ontology#SovereignState" in iri.output.splitlines()
    bad = r.invoke(main, ["sparql", text, "--param", "id=<not an iri>"])
    assert bad.exit_code == 2 and "parameter 'id'" in bad.output


def test_sparql_from_a_file_stdin_and_limit(built: ProjectPaths, tmp_path: Path) -> None:
    q = tmp_path / "elsewhere" / "q.rq"
    q.parent.mkdir()
    q.write_text("SELECT ?s WHERE { ?s a <https://w3id.org/lacrdf/ontology#SovereignState> } ORDER BY ?s\n")
    r = CliRunner()
    from_file = r.invoke(main, ["sparql", "--file", str(q), "--format", "csv", "--limit", "3"])
    assert from_file.exit_code == 0 and len(from_file.output.splitlines()) == 4
    from_stdin = r.invoke(main, ["sparql", "-", "--format", "csv", "--limit", "3"], input=q.read_text())
    assert from_stdin.output == from_file.output


def test_a_syntax_error_is_one_line_with_line_and_column(built: ProjectPaths) -> None:
    result = CliRunner().invoke(main, ["sparql", "SELECT ?x\nWHERE {\n  ?x ?y\n}"])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and re.match(r"query:4:\d+: SPARQL syntax error: \S", lines[0]), lines


def test_query_runs_a_stored_query_file_from_any_folder(built: ProjectPaths, tmp_path: Path) -> None:
    mine = tmp_path / "mine.rq"
    mine.write_text("# title: States\n# description: every state\n# param: code string ISO code\n"
                    "SELECT ?s WHERE { ?s <https://w3id.org/lacrdf/ontology#iso3166Alpha2> ?code }\n")
    result = CliRunner().invoke(main, ["query", str(mine), "--param", "code=BE", "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == ["s", "https://w3id.org/lacrdf/id/state/BE"]
    missing = CliRunner().invoke(main, ["query", str(tmp_path / "nope.rq")])
    assert missing.exit_code == 2 and "no such query file" in missing.output


def test_several_processes_read_one_build_at_once(built: ProjectPaths) -> None:
    text = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    procs = [subprocess.Popen([sys.executable, "-m", "lacrdf.cli", "sparql", text, "--format", "csv",
                               "--no-build"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(4)]
    outs = [p.communicate(timeout=60) for p in procs]
    assert all(p.returncode == 0 for p in procs), [e for _, e in outs]
    assert len({o for o, _ in outs}) == 1


# ---------------------------------------------------------------------------------------------- incremental

def _edit(paths: ProjectPaths, rng: random.Random) -> str:
    """One random edit of the corpus: an amount, an actor's name, a removed fact, a new file, a removed file."""
    sources = sorted((paths.data / "sources").glob("*.yaml"))
    kind = rng.choice(["amount", "actor", "drop-fact", "add-file", "drop-file"])
    if kind == "amount":
        path = rng.choice(sources)
        text = path.read_text()
        amounts = re.findall(r'amount: "([0-9.]+)"', text)
        if amounts:
            old = rng.choice(amounts)
            path.write_text(text.replace(f'amount: "{old}"', f'amount: "{rng.randint(1, 99999)}.5"', 1))
    elif kind == "actor":
        path = paths.data / "actors" / "organization.yaml"
        text = path.read_text()
        path.write_text(re.sub(r"(name: \"?)([A-Z])", lambda m: m.group(1) + "Renamed " + m.group(2), text, count=1))
    elif kind == "drop-fact":
        path = rng.choice(sources)
        lines = path.read_text().splitlines(keepends=True)
        facts = [i for i, line in enumerate(lines) if line.startswith("  - {id: ") and "kind: position" in line]
        if facts:
            del lines[rng.choice(facts)]
            path.write_text("".join(lines))
    elif kind == "add-file":
        src = rng.choice(sources)
        text = src.read_text()
        n = rng.randint(100, 999)
        text = re.sub(r"\bsy(\d{5})-", f"sy{n}x-", text).replace("id: sy-source-", f"id: sy-source-x{n}-")
        (src.parent / f"added-{n}.yaml").write_text(text)
    elif len(sources) > 2:
        rng.choice(sources).unlink()
    return kind


def test_incremental_builds_equal_clean_builds_after_random_edits(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LACRDF_DIST", raising=False)
    paths = make_project(tmp_path / "proj", facts=600, per_file=60)
    first = pipeline.build(paths)
    assert first.how == "bulk load; validated all"
    rng = random.Random(7)
    for round_ in range(5):
        done = [_edit(paths, rng) for _ in range(rng.randint(1, 2))]
        incremental = pipeline.build(paths)
        clean = pipeline.build(paths, out=tmp_path / f"clean-{round_}")
        assert incremental.graph is not None and clean.graph is not None
        assert dumps(paths.dist) == dumps(tmp_path / f"clean-{round_}"), f"round {round_} ({done}) differs"
        assert incremental.report.results == clean.report.results, "validating the changed files only differs"
        shutil.rmtree(tmp_path / f".clean-{round_}.lacrdf")
        (tmp_path / f"clean-{round_}").unlink()
    assert incremental.how.startswith("updated"), incremental.how


def test_an_incremental_build_validates_the_changed_file_and_keeps_the_others_results(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LACRDF_DIST", raising=False)
    paths = make_project(tmp_path / "proj", facts=600, per_file=60)
    orgs = paths.data / "actors" / "organization.yaml"
    orgs.write_text(re.sub(r"wikidata: \S+", "", orgs.read_text(), count=1))  # an info result in another file
    first = pipeline.build(paths)
    infos = set(first.report.results)
    assert infos and {r.severity for r in infos} == {"info"}, infos
    path, _, amount = first_figure(paths)
    path.write_text(path.read_text().replace(f'amount: "{amount}"', 'amount: "3.5"', 1))
    result = pipeline.build(paths)
    assert result.graph is not None and result.how.endswith("validated 1 changed files"), result.how
    assert set(result.report.results) == infos, "the unchanged actors file's results were not kept"


def test_changing_one_file_converts_that_file_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LACRDF_DIST", raising=False)
    paths = make_project(tmp_path / "proj", facts=600, per_file=60)
    pipeline.build(paths)
    path, _, amount = first_figure(paths)
    path.write_text(path.read_text().replace(f'amount: "{amount}"', 'amount: "1.5"', 1))
    result = pipeline.build(paths)
    files = len(list(paths.data.rglob("*.yaml")))
    assert result.how == f"updated 1 of {files} record files; validated 1 changed files"


def test_changing_an_actor_reconverts_the_files_that_reference_it(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    from lacrdf.graph.build import Cache, convert_files
    from lacrdf.graph.store import Target, current_build

    monkeypatch.delenv("LACRDF_DIST", raising=False)
    paths = make_project(tmp_path / "proj", facts=600, per_file=60)
    pipeline.build(paths)
    target = Target.of(paths)
    manifest = current_build(target).manifest  # type: ignore[union-attr]
    person = paths.data / "actors" / "person.yaml"
    first_id = re.search(r"id: (sy-person-\d+)", person.read_text()).group(1)  # type: ignore[union-attr]
    person.write_text(re.sub(r"(name: \"?)", r"\1Dr ", person.read_text(), count=1))
    conv = convert_files(target.data, paths.root, target.ns, Cache(target.state / "cache"), manifest["files"], None)
    referencing = {str(p.relative_to(paths.root)) for p in (paths.data / "sources").glob("*.yaml")
                   if re.search(rf"\b{first_id}\b", p.read_text())}
    assert referencing, "the synthetic corpus references its first person"
    assert set(conv.converted) == referencing | {"data/actors/person.yaml"}


# ---------------------------------------------------------------------------------------------- faults

def test_a_killed_build_leaves_the_previous_build_and_is_cleaned_next_time(project: ProjectPaths) -> None:
    assert run("build").returncode == 0
    before = dumps(project.dist)
    path, _, amount = first_figure(project)
    path.write_text(path.read_text().replace(f'amount: "{amount}"', 'amount: "2.5"', 1))
    proc = subprocess.Popen([sys.executable, "-c", "import os, lacrdf.pipeline as p, lacrdf.graph.dumps as d\n"
                             "def die(*a, **k): os._exit(9)\n"
                             "d.write_from_chunks = die\np.build()\n"], cwd=project.root)
    assert proc.wait(60) == 9
    assert dumps(project.dist) == before, "a killed build changed the current output"
    builds = project.root / ".dist.lacrdf" / "builds"
    assert list(builds.glob("*.partial")), "the killed build's folder is there to be cleaned"
    assert run("build").returncode == 0
    assert not list(builds.glob("*.partial"))
    assert dumps(project.dist) != before


# ---------------------------------------------------------------------------------------------- layout

STAGES = ["records", "graph", "checks", "publish"]


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.add(node.module)
        elif isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
    return {m for m in out if m.startswith("lacrdf.")}


@pytest.mark.parametrize("stage", STAGES)
def test_no_stage_reaches_back_up_the_pipeline(stage: str) -> None:
    later = STAGES[STAGES.index(stage) + 1:] + ["pipeline", "cli"]
    for path in sorted((SRC / stage).rglob("*.py")):
        for module in _imports(path):
            part = module.split(".")[1]
            assert part not in later, f"{path.relative_to(SRC)} imports {module}, a later stage"


def test_no_import_cycles_between_modules() -> None:
    graph: dict[str, set[str]] = {}
    for path in SRC.rglob("*.py"):
        rel = path.relative_to(SRC.parent).with_suffix("")
        name = ".".join(rel.parts[:-1] if rel.name == "__init__" else rel.parts)
        graph[name] = {m for m in _imports(path) if m != name}
    seen: dict[str, int] = {}

    def visit(node: str, stack: list[str]) -> None:
        seen[node] = 1
        for nxt in sorted(graph.get(node, ())):
            if nxt not in graph:
                continue
            if seen.get(nxt) == 1:
                cycle = stack[stack.index(nxt):] + [nxt] if nxt in stack else [node, nxt]
                raise AssertionError(f"import cycle: {' -> '.join(cycle)}")
            if nxt not in seen:
                visit(nxt, [*stack, nxt])
        seen[node] = 2

    for module in sorted(graph):
        if module not in seen:
            visit(module, [module])
