"""Stored queries: each parses under a strict parser, has a documented header, binds parameters as
inert RDF terms, and returns the expected rows on the curated data (the rows of curated facts, by id:
another document adds rows beside them, never changes them)."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from lacrdf import Dataset, Namespaces, ProjectPaths
from lacrdf.errors import QueryError
from lacrdf.graph.queries import QueryParam, bind, check_syntax, get_query, list_queries, parse_stored_query, run_local

from .conftest import ROOT

QUERY_FILES = sorted((ROOT / "queries").glob("*.rq"))
NS = Namespaces()


@pytest.fixture(scope="module")
def resolve(project):  # type: ignore[no-untyped-def]
    from lacrdf.graph.terms import Context

    return Context(NS, project.actors, project.facts).resolve_actor


def rows(ds: Dataset, paths: ProjectPaths, name: str, resolve=None, **params: str) -> list[tuple[str | None, ...]]:  # type: ignore[no-untyped-def]
    text = bind(get_query(paths.queries_dir, name), params, NS, resolve)
    res = run_local(ds.store, text)
    return [tuple(r.get(v).value if r.get(v) is not None else None for v in res.variables)  # type: ignore[union-attr]
            for r in res.rows]


def test_at_least_eight_stored_queries() -> None:
    assert len(QUERY_FILES) >= 8


@pytest.mark.parametrize("path", QUERY_FILES, ids=lambda p: p.stem)
def test_query_parses_and_documents_itself(path: Path) -> None:
    from lacrdf.graph.queries import parse_stored_query

    q = parse_stored_query(path)
    assert q.title and q.description and q.example and q.example.startswith(f"lacrdf query {q.name}")
    text = bind(q, {}, NS)
    check_syntax(text, NS)
    for p in q.params:
        assert f"?{p.name}" in text, f"parameter {p.name} is not used by {path.name}"


@pytest.mark.parametrize("path", QUERY_FILES, ids=lambda p: p.stem)
def test_query_runs_on_the_curated_data(path: Path, dataset: Dataset) -> None:
    from lacrdf.graph.queries import parse_stored_query

    res = run_local(dataset.store, bind(parse_stored_query(path), {}, NS))
    assert res.variables


def by_fact(got: list[tuple[str | None, ...]], project) -> dict[str, list[tuple[str | None, ...]]]:  # type: ignore[no-untyped-def]
    """Rows keyed by the record id of the fact in their last column, for the facts of the project."""
    out: dict[str, list[tuple[str | None, ...]]] = {}
    for row in got:
        out.setdefault((row[-1] or "").rsplit("/", 1)[-1], []).append(row[:-1])
    return {fact: r for fact, r in out.items() if fact in project.facts}


def sort_keys(row: tuple[str | None, ...], *columns: int) -> tuple[str, ...]:
    return tuple(row[c] or "" for c in columns)


def test_missions_of_belgium(dataset: Dataset, paths: ProjectPaths, project) -> None:  # type: ignore[no-untyped-def]
    got = rows(dataset, paths, "missions-by-host", sending="BE")
    missions = by_fact(got, project)
    expected = {
        "be-emb-buenos-aires": ("Belgium", "embassy", "Argentina", "Buenos Aires", "be-fps-lac", "11"),
        "be-cg-rio-de-janeiro": ("Belgium", "consulate general", "Brazil", "Rio de Janeiro", "be-fps-lac", "11"),
        "be-cg-sao-paulo": ("Belgium", "consulate general", "Brazil", "Sao Paulo", "be-fps-lac", "11"),
        "be-emb-brasilia": ("Belgium", "embassy", "Brazil", "Brasilia", "be-fps-lac", "11"),
        "be-emb-santiago": ("Belgium", "embassy", "Chile", "Santiago", "be-fps-lac", "11"),
        "be-emb-bogota": ("Belgium", "embassy", "Colombia", "Bogota", "be-fps-lac", "11"),
        "be-emb-havana": ("Belgium", "embassy", "Cuba", "Havana", "be-fps-lac", "11"),
        "be-emb-kingston": ("Belgium", "embassy", "Jamaica", "Kingston", "be-fps-lac", "11"),
        "be-emb-panama": ("Belgium", "embassy", "Panama", "Panama", "be-fps-lac", "11"),
        "be-emb-lima": ("Belgium", "embassy", "Peru", "Lima", "be-fps-lac", "11"),
    }
    assert {m: missions.get(m) for m in expected} == {m: [row] for m, row in expected.items()}
    assert {m for m, r in missions.items() if r[0][4] == "be-fps-lac"} == expected.keys(), "be-fps-lac states ten"
    # in the query's order (sending state, host, type, seat), whatever other documents add
    assert got == sorted(got, key=lambda r: sort_keys(r, 0, 2, 1, 3, 6))


def test_belgian_trade_figures(dataset: Dataset, paths: ProjectPaths, resolve, project) -> None:  # type: ignore[no-untyped-def]
    got = rows(dataset, paths, "trade-figures", resolve, reporter="BE")
    figures = {f: [(r[0], r[1], r[3], r[4], r[5], r[6], r[7], r[8], r[11]) for r in rs]
               for f, rs in by_fact(got, project).items()}
    expected = {
        "be-lac-exports-2020":
            ("Belgium", "Latin America and the Caribbean", "exports", "exact", "5523100000", "EUR", "6", "2020", "1.5"),
        "be-lac-imports-2020":
            ("Belgium", "Latin America and the Caribbean", "imports", "exact", "5032900000", "EUR", "6", "2020", "1.4"),
    }
    assert {f: figures.get(f) for f in expected} == {f: [row] for f, row in expected.items()}
    assert {f for f in figures if project.facts[f].source == "be-fps-lac"} == expected.keys()


def test_facts_by_source_lists_every_belgian_fact(dataset: Dataset, paths: ProjectPaths,
                                                  project) -> None:  # type: ignore[no-untyped-def]
    got = rows(dataset, paths, "facts-by-source", source="be-fps-lac")  # one row per cited paragraph
    assert len(got) == sum(len(f.para) for f in project.facts_of("be-fps-lac"))
    assert {r[0] for r in got} <= {str(p) for f in project.facts_of("be-fps-lac") for p in f.para}


def test_parameters_are_bound_as_inert_terms(dataset: Dataset, paths: ProjectPaths) -> None:
    q = get_query(paths.queries_dir, "facts-by-source")
    before = len(dataset.store)
    for evil in ['x" } ; DELETE WHERE { ?s ?p ?o } #', "x> } DROP ALL <y", "\\u0022 }", "a}b"]:
        with pytest.raises(QueryError):
            bind(q, {"source": evil}, NS)
    param = QueryParam("v", "string", "a string")
    evil = 'x" } DELETE WHERE { ?s ?p ?o } # \\u0022 >'
    text = bind(get_query(paths.queries_dir, "facts-by-source"), {}, NS)
    assert "DELETE" not in text
    from lacrdf.graph.queries import make_term

    term = make_term(param, evil, NS)
    assert isinstance(term, ox.Literal) and term.value == evil
    res = dataset.store.query(f"SELECT ?x WHERE {{ VALUES ?x {{ {term} }} }}")
    assert [s["x"].value for s in res] == [evil]  # type: ignore[index]
    assert len(dataset.store) == before


def test_unknown_parameter_and_query_are_refused(paths: ProjectPaths) -> None:
    q = get_query(paths.queries_dir, "missions-by-host")
    with pytest.raises(QueryError, match="no parameter 'host'"):
        bind(q, {"host": "BE"}, NS)
    with pytest.raises(QueryError, match="ISO 3166-1"):
        bind(q, {"sending": "Belgium"}, NS)
    with pytest.raises(QueryError, match="no stored query"):
        get_query(paths.queries_dir, "nope")


def test_every_query_file_is_listed(paths: ProjectPaths) -> None:
    assert [q.name for q in list_queries(paths.queries_dir)] == [p.stem for p in QUERY_FILES]


# --- source and paragraph of every row; facts-about; events' organisers -------------------------------

# a curated fact each stored query lists, by id, with the parameters that reach it (actors, which cite no
# paragraph, by a curated actor)
KNOWN_FACT = {
    "actors": ({}, "EC"),
    "agreements": ({"party": "EC"}, "by-ec-documents-2012"),
    "companies": ({"country": "EC"}, "by-belorusneft-ec"),
    "events": ({"participant": "EC"}, "by-ec-lukashenko-visit-2012"),
    "facts-about": ({"actor": "EC"}, "cn-aiib-ec"),
    "facts-by-source": ({"source": "be-fps-lac"}, "be-emb-lima"),
    "memberships": ({"organization": "aiib"}, "cn-aiib-ec"),
    "missions-by-host": ({"sending": "BY"}, "by-emb-in-ec"),
    "missions-in-state": ({"host": "EC"}, "by-emb-in-ec"),
    "outcomes": ({}, "cn-bri-special-declaration"),
    "persons": ({"person": "evgeny-shestakov"}, "by-shestakov-post-2018-02"),
    "programmes": ({"party": "CU"}, "by-cu-credit-support"),
    "relations": ({"party": "BE"}, "be-embassies-count"),
    "trade-figures": ({"reporter": "BE"}, "be-lac-exports-2020"),
}


def named_rows(ds: Dataset, paths: ProjectPaths, name: str, resolve=None,  # type: ignore[no-untyped-def]
               **params: str) -> list[dict[str, str]]:
    res = run_local(ds.store, bind(get_query(paths.queries_dir, name), params, NS, resolve))
    return [{v: t.value for v, t in r.items()} for r in res.rows]


@pytest.mark.parametrize("path", QUERY_FILES, ids=lambda p: p.stem)
def test_every_query_gives_the_source_and_paragraph(path: Path, dataset: Dataset, paths: ProjectPaths,
                                                    project, resolve) -> None:  # type: ignore[no-untyped-def]
    assert path.stem in KNOWN_FACT, f"add a curated fact that {path.name} lists to KNOWN_FACT"
    params, known = KNOWN_FACT[path.stem]
    got = named_rows(dataset, paths, path.stem, resolve, **params)
    last = parse_stored_query(path).text.split("SELECT", 1)[1].split("\n", 1)[0].split()[-1].lstrip("?")
    mine = [r for r in got if r.get(last, "").rsplit("/", 1)[-1] == known]
    assert mine, f"{path.stem} does not list {known}"
    cited = {(r.get("source"), r.get("paragraph")) for r in mine}
    if known in project.actors:  # an actor's record cites no paragraph
        assert cited == {(None, None)}
        return
    fact = project.facts[known]
    source = f"{NS.resources}source/{fact.source}" if path.stem == "facts-by-source" else fact.source
    # one row per paragraph the fact cites (and per participant, party... as before)
    assert cited == {(source, str(p)) for p in fact.para}


def test_facts_about_ecuador(dataset: Dataset, paths: ProjectPaths, project, resolve) -> None:  # type: ignore[no-untyped-def]
    got = named_rows(dataset, paths, "facts-about", resolve, actor="EC")
    facts = {}
    for r in got:
        facts.setdefault(r["fact"].rsplit("/", 1)[-1], set()).add((r["role"], r["kind"], r["source"], r["paragraph"]))
    org, lac = "http://www.w3.org/ns/org#", NS.terms
    expected = {
        "cn-aiib-ec": {(org + "member", "membership", "cn-mfa-cai-wei", "14")},
        "by-emb-in-ec": {(lac + "hostState", "embassy", "by-mfa-latin-america", "4"),
                         (lac + "hostState", "embassy", "by-mfa-latin-america", "33")},
        "by-hc-of-ec": {(lac + "sendingState", "honorary consulate", "by-mfa-latin-america", "5")},
        # an event in Ecuador that Ecuador took part in: both roles
        "by-ec-lukashenko-visit-2012": {(lac + "location", "event", "by-mfa-latin-america", "26"),
                                        (lac + "participant", "event", "by-mfa-latin-america", "26")},
    }
    assert {f: facts.get(f) for f in expected} == expected
    assert all(r["actorName"] == "Ecuador" for r in got)
    row = next(r for r in got if r["fact"].endswith("/by-ec-documents-2012"))
    assert (row["label"], row["date"]) == ("Documents signed during the 2012 presidential visit to Ecuador", "2012-06")


def test_events_name_their_organisers_and_supporters(dataset: Dataset, paths: ProjectPaths,
                                                     project) -> None:  # type: ignore[no-untyped-def]
    event = project.facts["eclac-celac-china-forums"]
    got = [r for r in named_rows(dataset, paths, "events") if r["event"].endswith("/eclac-celac-china-forums")]
    organisers = {r["organizerName"] for r in got if "organizerName" in r}
    supporters = {r["supporterName"] for r in got if "supporterName" in r}
    assert "Economic Commission for Latin America and the Caribbean" in organisers
    assert organisers == {project.actors[a].label("en") for a in event.organizers}
    assert supporters == {project.actors[a].label("en") for a in event.supporters}
    # one actor a row, never an organiser and a supporter in the same row
    assert all(sum(k in r for k in ("participantName", "organizerName", "supporterName")) <= 1 for r in got)
    assert {r["paragraph"] for r in got} == {str(p) for p in event.para}
