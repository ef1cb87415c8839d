"""Stored queries: each parses under a strict parser, has a documented header, binds parameters as
inert RDF terms, and returns the expected rows on the curated data."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from lacrdf import Dataset, Namespaces, ProjectPaths
from lacrdf.errors import QueryError
from lacrdf.graph.queries import QueryParam, bind, check_syntax, get_query, list_queries, run_local

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


def test_missions_of_belgium(dataset: Dataset, paths: ProjectPaths) -> None:
    got = [(r[0], r[1], r[2], r[3], r[5]) for r in rows(dataset, paths, "missions-by-host", sending="BE")]
    assert got == [
        ("Belgium", "embassy", "Argentina", "Buenos Aires", "11"),
        ("Belgium", "consulate general", "Brazil", "Rio de Janeiro", "11"),
        ("Belgium", "consulate general", "Brazil", "Sao Paulo", "11"),
        ("Belgium", "embassy", "Brazil", "Brasilia", "11"),
        ("Belgium", "embassy", "Chile", "Santiago", "11"),
        ("Belgium", "embassy", "Colombia", "Bogota", "11"),
        ("Belgium", "embassy", "Cuba", "Havana", "11"),
        ("Belgium", "embassy", "Jamaica", "Kingston", "11"),
        ("Belgium", "embassy", "Panama", "Panama", "11"),
        ("Belgium", "embassy", "Peru", "Lima", "11"),
    ]


def test_belgian_trade_figures(dataset: Dataset, paths: ProjectPaths, resolve) -> None:  # type: ignore[no-untyped-def]
    got = [(r[0], r[1], r[3], r[4], r[5], r[6], r[7], r[8], r[11]) for r in
           rows(dataset, paths, "trade-figures", resolve, reporter="BE")]
    assert got == [
        ("Belgium", "Latin America and the Caribbean", "exports", "exact", "5523100000", "EUR", "6", "2020", "1.5"),
        ("Belgium", "Latin America and the Caribbean", "imports", "exact", "5032900000", "EUR", "6", "2020", "1.4"),
    ]


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
