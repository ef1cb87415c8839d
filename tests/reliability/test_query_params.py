"""Stored-query parameters carrying SPARQL metacharacters are bound as inert terms or refused; the
store is never changed (issue 8, case 10)."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from lacrdf import Dataset, Namespaces, ProjectPaths
from lacrdf.errors import QueryError
from lacrdf.graph.queries import QueryParam, bind, list_queries, make_term, run_local

from ..conftest import ROOT

NS = Namespaces()
EVIL = ['x" } ; DELETE WHERE { ?s ?p ?o } #', "x> } DROP ALL ; SELECT * { <y", "\\u0022 } INSERT DATA { <a> <b> <c> }",
        "}", "BE } UNION { ?s ?p ?o", "'; DROP ALL --", "\u0000", "a\nb"]
QUERIES = list_queries(ROOT / "queries")
CASES = [(q.name, p.name, evil) for q in QUERIES for p in q.params for evil in EVIL]


@pytest.mark.parametrize("query,param,value", CASES, ids=[f"{q}-{p}-{i % len(EVIL)}" for i, (q, p, _) in
                                                          enumerate(CASES)])
def test_metacharacters_are_refused_or_inert(dataset: Dataset, paths: ProjectPaths, query: str, param: str,
                                             value: str) -> None:
    stored = next(q for q in QUERIES if q.name == query)
    before = len(dataset.store)
    try:
        text = bind(stored, {param: value}, NS, lambda a: None)
    except QueryError:
        return  # refused: state codes, source ids, IRIs and actor ids are checked before binding
    result = run_local(dataset.store, text)
    assert isinstance(result.variables, tuple)
    assert len(dataset.store) == before


@pytest.mark.parametrize("value", EVIL)
@pytest.mark.parametrize("kind", ["string", "integer", "year", "date", "iri"])
def test_string_like_terms_stay_literals(kind: str, value: str) -> None:
    param = QueryParam("v", kind, "test")
    try:
        term = make_term(param, value, NS)
    except QueryError:
        assert kind != "string", "a string parameter takes any text"
        return
    assert kind == "string" and isinstance(term, ox.Literal) and term.value == value
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("urn:a"), ox.NamedNode("urn:b"), ox.NamedNode("urn:c")))
    rows = list(store.query(f"SELECT ?v WHERE {{ VALUES ?v {{ {term} }} }}"))
    assert [r["v"].value for r in rows] == [value]  # type: ignore[index]
    assert len(store) == 1
