"""Tables for analysts (``lacrdf export --format csv|sqlite``): every fact of the build in exactly one kind
table, its qualifiers and evidence in its row, a Frictionless data package that ``frictionless validate``
accepts (and refuses once a file is corrupted), an SQLite file with foreign keys and full-text search, the
missions by dyad and year under the stated-years rule, byte-identical output, written atomically."""

from __future__ import annotations

import csv
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from lacrdf import pipeline
from lacrdf.cli import main
from lacrdf.config import find_project
from lacrdf.errors import InputError
from lacrdf.graph.store import BuiltGraph
from lacrdf.publish import tables as tables_module
from lacrdf.publish.tables import KIND_TABLES, write_csv, write_sqlite
from tests.conftest import DATA, PROJECT

countrycode = pytest.importorskip("countrycode")

LAC = "https://w3id.org/lacrdf/ontology#"
FRICTIONLESS = Path(sys.executable).with_name("frictionless")


# ---------------------------------------------------------------------------------------------- fixtures

@pytest.fixture(scope="module")
def built() -> BuiltGraph:
    """The curated build (the session's)."""
    return pipeline.open_graph(find_project(PROJECT))


@pytest.fixture(scope="module")
def csv_dir(built: BuiltGraph, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("tables") / "tables"
    write_csv(built, folder)
    return folder


@pytest.fixture(scope="module")
def all_kinds(tmp_path_factory: pytest.TempPathFactory) -> BuiltGraph:
    """The toolkit's own fixture with one record of every kind (a dated source, a mission with 'since')."""
    paths = find_project(PROJECT)
    out = tmp_path_factory.mktemp("all-kinds") / "dist"
    result = pipeline.build(paths, [paths.data / "actors", DATA / "valid" / "all-kinds.yaml"], out=out)
    assert result.graph is not None
    return result.graph


@pytest.fixture(scope="module")
def all_kinds_dir(all_kinds: BuiltGraph, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("all-kinds-tables") / "tables"
    write_csv(all_kinds, folder)
    return folder


def read(folder: Path, name: str) -> list[dict[str, str]]:
    with open(folder / f"{name}.csv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def by_id(folder: Path, name: str, key: str = "fact_id") -> dict[str, dict[str, str]]:
    return {row[key]: row for row in read(folder, name)}


def select(built: BuiltGraph, query: str) -> list[dict[str, str]]:
    solutions = built.store.query(query, use_default_graph_as_union=True)
    names = [v.value for v in solutions.variables]  # type: ignore[union-attr]
    return [{n: sol[n].value for n in names if sol[n] is not None} for sol in solutions]  # type: ignore[union-attr]


def frictionless(package: Path) -> subprocess.CompletedProcess[str]:
    assert FRICTIONLESS.exists(), "frictionless is a test dependency (pip install -e '.[test]')"
    return subprocess.run([str(FRICTIONLESS), "validate", str(package)], capture_output=True, text=True,
                          timeout=120, env={**os.environ, "COLUMNS": "200"})


# ---------------------------------------------------------------------------------------------- CSV

@pytest.mark.curated
def test_every_table_has_its_file_and_header(csv_dir: Path) -> None:
    package = json.loads((csv_dir / "datapackage.json").read_text("utf-8"))
    names = [r["name"] for r in package["resources"]]
    assert {"actors", "sources", "facts", "evidence", "mission_years"} <= set(names)
    assert {spec.name for spec in KIND_TABLES} <= set(names)
    assert sorted(p.name for p in csv_dir.iterdir()) == sorted([*(f"{n}.csv" for n in names), "datapackage.json"])
    for resource in package["resources"]:
        with open(csv_dir / resource["path"], encoding="utf-8", newline="") as handle:
            header = next(csv.reader(handle))
        assert header == [f["name"] for f in resource["schema"]["fields"]], resource["name"]


@pytest.mark.curated
def test_every_fact_is_in_exactly_one_kind_table(built: BuiltGraph, csv_dir: Path) -> None:
    rows = select(built, f"""SELECT ?id WHERE {{ GRAPH ?g {{ ?f a ?c ; <http://purl.org/dc/terms/identifier> ?id }}
                              ?c <http://www.w3.org/2000/01/rdf-schema#subClassOf>* <{LAC}Fact> }}""")
    in_build = [r["id"] for r in rows]
    in_tables = [row["fact_id"] for spec in KIND_TABLES for row in read(csv_dir, spec.name)]
    assert len(in_tables) == len(set(in_tables)) == len(in_build)
    assert set(in_tables) == set(in_build)
    kind_of = {row["fact_id"]: row["kind"] for row in read(csv_dir, "facts")}
    assert set(kind_of) == set(in_build)
    for spec in KIND_TABLES:
        assert all(kind_of[row["fact_id"]] == spec.kind for row in read(csv_dir, spec.name))


@pytest.mark.curated
def test_a_count_keeps_its_qualifier_and_evidence(built: BuiltGraph, csv_dir: Path) -> None:
    row = by_id(csv_dir, "counts")["cn-enterprises-in-lac-count"]
    iri = row["iri"]
    assert row["qualifier"] == "more-than"
    assert row["source_id"] == "cn-mfa-cai-wei" and row["subject_id"] == "CN"
    got = select(built, f"""SELECT ?n ?para ?s ?e WHERE {{ <{iri}> <{LAC}count> ?n ; <{LAC}evidence> ?ev .
        ?ev <http://www.w3.org/ns/oa#hasSource>/<{LAC}paragraphNumber> ?para ;
            <http://www.w3.org/ns/oa#hasSelector> ?sel . ?sel <http://www.w3.org/ns/oa#start> ?s ;
            <http://www.w3.org/ns/oa#end> ?e }}""")
    assert row["count"] == got[0]["n"]
    spans = sorted((int(r["para"]), int(r["s"]), int(r["e"])) for r in got)
    assert row["evidence"] == "; ".join(f"{p}:{s}-{e}" for p, s, e in spans)
    long = sorted((int(r["paragraph"]), int(r["start"]), int(r["end"])) for r in read(csv_dir, "evidence")
                  if r["fact_id"] == "cn-enterprises-in-lac-count")
    assert long == spans
    assert set(row["paragraphs"].split("; ")) >= {str(p) for p, _, _ in spans}


@pytest.mark.curated
def test_a_figure_keeps_amount_unit_and_qualifier(csv_dir: Path) -> None:
    row = by_id(csv_dir, "figures")["be-lac-imports-2020"]
    assert (row["qualifier"], row["currency"], row["period"], row["period_precision"]) == ("exact", "EUR", "2020",
                                                                                         "year")
    assert int(row["unit_multiplier"]) == 6
    assert float(row["amount"]) * 10 ** 6 == float(row["value"])
    assert row["reporter_id"] == "BE" and row["source_id"] == "be-fps-lac"


@pytest.mark.curated
def test_a_mission_row_and_its_actor_links(csv_dir: Path) -> None:
    row = by_id(csv_dir, "missions")["be-emb-lima"]
    assert (row["class"], row["sending_id"], row["source_id"]) == ("Embassy", "BE", "be-fps-lac")
    assert "11" in row["paragraphs"].split("; ")
    links = {(r["role"], r["actor_id"]) for r in read(csv_dir, "fact_actors") if r["fact_id"] == "be-emb-lima"}
    assert ("sending", "BE") in links


@pytest.mark.curated
def test_actors_carry_the_crosswalk_codes(csv_dir: Path) -> None:
    actors = by_id(csv_dir, "actors", "actor_id")
    peru = actors["PE"]
    assert peru["type"] == "state" and peru["label"] == "Peru"
    assert int(peru["cow_number"]) == countrycode.countrycode("PE", origin="iso2c", destination="cown")
    assert peru["cow_code"] == countrycode.countrycode("PE", origin="iso2c", destination="cowc")
    assert peru["fips_10_4"] == countrycode.countrycode("PE", origin="iso2c", destination="fips")
    assert actors["AG"]["gw_number"] == ""  # a micro-state outside the G-W list: no code, not a guess


@pytest.mark.curated
def test_frictionless_accepts_the_package(csv_dir: Path) -> None:
    done = frictionless(csv_dir / "datapackage.json")
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.curated
def test_frictionless_refuses_a_corrupted_package(csv_dir: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken"
    shutil.copytree(csv_dir, broken)
    missions = (broken / "missions.csv").read_text("utf-8").splitlines(keepends=True)
    head = missions[0].split(",")
    cells = next(csv.reader([missions[1]]))
    cells[head.index("sending_id")] = "XX"  # no such actor: a foreign-key error
    missions[1] = ",".join(f'"{c}"' if "," in c else c for c in cells) + "\n"
    (broken / "missions.csv").write_text("".join(missions), "utf-8")
    evidence = (broken / "evidence.csv").read_text("utf-8").splitlines(keepends=True)
    evidence[1] = evidence[1].replace(evidence[1].split(",")[1], "eleven", 1)  # not an integer
    (broken / "evidence.csv").write_text("".join(evidence), "utf-8")
    done = frictionless(broken / "datapackage.json")
    assert done.returncode != 0
    assert "foreign-key" in done.stdout and "type-error" in done.stdout, done.stdout


def test_every_kind_and_column_of_the_toolkit_fixture_validates(all_kinds_dir: Path) -> None:
    assert {row["kind"] for row in read(all_kinds_dir, "facts")} == {spec.kind for spec in KIND_TABLES}
    done = frictionless(all_kinds_dir / "datapackage.json")
    assert done.returncode == 0, done.stdout + done.stderr


# ---------------------------------------------------------------------------------------------- missions by year

def cow(state: str) -> str:
    return str(countrycode.countrycode(state, origin="iso2c", destination="cown"))


def test_dyad_years_are_only_the_stated_years(all_kinds_dir: Path) -> None:
    """t-mission: since 2016, in a source dated 2021-12-03: rows for 2016 and 2021, none in between."""
    rows = [r for r in read(all_kinds_dir, "mission_years") if r["mission_id"] == "t-mission"]
    assert [(r["year"], r["year_basis"]) for r in rows] == [("2016", "since"), ("2021", "source-date")]
    for r in rows:
        assert (r["sender_id"], r["receiver_id"], r["mission_type"]) == ("BY", "UY", "honorary-consulate")
        assert (r["sender_cow_number"], r["receiver_cow_number"]) == (cow("BY"), cow("UY"))
        assert r["source_id"] == "test-all-kinds" and r["paragraphs"] == "1" and r["evidence"] == "1:0-12"
    # a mission with only a seat: the receiver is the seat city's country; only the source's year
    seat = [r for r in read(all_kinds_dir, "mission_years") if r["mission_id"] == "t-mission-seat"]
    assert [(r["receiver_id"], r["year"], r["year_basis"]) for r in seat] == [("PE", "2021", "source-date")]
    dyad = by_id(all_kinds_dir, "mission_dyads", "mission_id")["t-mission-seat"]
    assert (dyad["receiver_basis"], dyad["receiver_cow_number"], dyad["stated_years"]) == ("seat", cow("PE"), "2021")


@pytest.mark.curated
def test_a_curated_mission_without_a_stated_year_has_no_year_row(built: BuiltGraph, csv_dir: Path) -> None:
    dyad = by_id(csv_dir, "mission_dyads", "mission_id")["be-emb-lima"]
    assert (dyad["sender_id"], dyad["receiver_id"], dyad["sender_cow_number"]) == ("BE", "PE", cow("BE"))
    mission = "https://w3id.org/lacrdf/id/mission/be-emb-lima"
    source = "https://w3id.org/lacrdf/id/source/be-fps-lac"
    dated = select(built, f"""SELECT ?d WHERE {{ {{ <{mission}> <{LAC}startDate> ?d }} UNION
                               {{ <{source}> <http://purl.org/dc/terms/issued> ?d }} }}""")
    years = [r for r in read(csv_dir, "mission_years") if r["mission_id"] == "be-emb-lima"]
    assert bool(years) == bool(dated)  # no 'since' and an undated page: no year is invented
    assert dyad["stated_years"] == "; ".join(sorted({d["d"][:4] for d in dated}))


# ---------------------------------------------------------------------------------------------- SQLite

@pytest.mark.curated
def test_sqlite_has_the_tables_keys_and_full_text_search(built: BuiltGraph, csv_dir: Path, tmp_path: Path) -> None:
    path = tmp_path / "lacrdf.sqlite"
    write_sqlite(built, path)
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT count(*) FROM missions").fetchone()[0] == len(read(csv_dir, "missions"))
        assert db.execute("PRAGMA foreign_key_check").fetchall() == []
        fks = {(row[3], row[2]) for row in db.execute("PRAGMA foreign_key_list(missions)")}
        assert ("sending_id", "actors") in fks and ("source_id", "sources") in fks
        found = db.execute("SELECT actor_id FROM actors WHERE rowid IN "
                           "(SELECT rowid FROM actors_fts WHERE actors_fts MATCH 'trinidad')").fetchall()
        assert found == [("TT",)]
        # accents folded: the Spanish name Perú is found by 'peru' too
        es = db.execute("SELECT actor_id FROM actors WHERE rowid IN "
                        "(SELECT rowid FROM actors_fts WHERE actors_fts MATCH 'label_es:peru')").fetchall()
        assert es == [("PE",)]
        names = db.execute("SELECT DISTINCT actor_id FROM actor_names WHERE rowid IN "
                           "(SELECT rowid FROM actor_names_fts WHERE actor_names_fts MATCH 'bolivarian')").fetchall()
        assert ("VE",) in names
        amount = db.execute("SELECT amount, value FROM figures WHERE fact_id = 'be-lac-imports-2020'").fetchone()
        row = by_id(csv_dir, "figures")["be-lac-imports-2020"]
        assert amount == (float(row["amount"]), float(row["value"]))


# ---------------------------------------------------------------------------------------------- bytes, atomicity, CLI

def digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


@pytest.mark.curated
def test_output_is_byte_identical_across_runs_and_hash_seeds(built: BuiltGraph, csv_dir: Path,
                                                             tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    other = tmp_path / "again"
    lacrdf = Path(sys.executable).with_name("lacrdf")
    done = subprocess.run([str(lacrdf), "export", "--format", "csv", "--output", str(other)],
                          capture_output=True, text=True, env=env, cwd=PROJECT, timeout=120)
    assert done.returncode == 0, done.stderr
    assert digests(other) == digests(csv_dir)
    first, second = tmp_path / "a.sqlite", tmp_path / "b.sqlite"
    write_sqlite(built, first)
    done = subprocess.run([str(lacrdf), "export", "--format", "sqlite", "--output", str(second)],
                          capture_output=True, text=True, env=env, cwd=PROJECT, timeout=120)
    assert done.returncode == 0, done.stderr
    assert first.read_bytes() == second.read_bytes()


@pytest.mark.curated
def test_a_failed_export_leaves_the_previous_one_whole(built: BuiltGraph, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "tables"
    write_csv(built, target)
    before = digests(target)
    real = tables_module.csv_bytes
    calls = []

    def failing(table: tables_module.Table) -> bytes:
        calls.append(table.name)
        if len(calls) == 5:
            raise OSError(28, "No space left on device")
        return real(table)

    monkeypatch.setattr(tables_module, "csv_bytes", failing)
    with pytest.raises(OSError):
        write_csv(built, target)
    assert digests(target) == before
    assert [p.name for p in tmp_path.iterdir()] == ["tables"], "no temporary folder is left behind"
    monkeypatch.undo()
    write_csv(built, target)  # a second export replaces the first
    assert digests(target) == before
    assert [p.name for p in tmp_path.iterdir()] == ["tables"]


@pytest.mark.curated
def test_an_export_never_replaces_a_folder_that_is_not_one(built: BuiltGraph, tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine", "utf-8")
    with pytest.raises(InputError, match="does not hold a lacrdf table export"):
        write_csv(built, tmp_path)
    assert (tmp_path / "notes.txt").read_text("utf-8") == "mine"
    with pytest.raises(InputError, match="is a folder"):
        write_sqlite(built, tmp_path)


@pytest.mark.curated
def test_the_cli_writes_both_formats(runner: object, tmp_path: Path) -> None:
    for fmt, target in (("csv", tmp_path / "t"), ("sqlite", tmp_path / "t.sqlite"), ("ttl", tmp_path / "t.ttl")):
        result = runner.invoke(main, ["export", "--format", fmt, "--output", str(target)])  # type: ignore[attr-defined]
        assert result.exit_code == 0, result.output
        assert result.output.startswith(f"wrote {target}")
    assert (tmp_path / "t" / "datapackage.json").is_file() and (tmp_path / "t.ttl").stat().st_size > 0
