"""IRIs: stable when unrelated data is added, all under one configurable base."""

from __future__ import annotations

import pyoxigraph as ox

from lacrdf import Dataset, ProjectPaths, make_dataset

from .conftest import DATA


def subjects(ds: Dataset) -> set[str]:
    return {q.subject.value for q in ds.data_quads()}


def test_iris_do_not_change_when_unrelated_data_is_added(paths: ProjectPaths, dataset: Dataset) -> None:
    alone = make_dataset(paths, [paths.data / "actors", paths.data / "sources" / "belgium-fps-lac.yaml"])
    assert subjects(alone) <= subjects(dataset)
    belgian = {q for q in alone.quads if q.graph_name.value.endswith("/graph/source/be-fps-lac")}
    assert belgian <= set(dataset.quads)


def test_one_configurable_base(paths: ProjectPaths) -> None:
    base = "https://example.org/lac/"
    ds = make_dataset(paths, [paths.data / "actors", DATA / "valid" / "all-kinds.yaml"], base=base)
    iris = {t.value for q in ds.quads for t in (q.subject, q.predicate, q.object, q.graph_name)
            if isinstance(t, ox.NamedNode)}
    assert not any(i.startswith("https://w3id.org/lacrdf/") for i in iris)
    ours = {i for i in iris if i.startswith(base)}
    assert any(i.startswith(base + "ontology#") for i in ours)
    assert any(i.startswith(base + "id/state/") for i in ours)
    assert any(i.startswith(base + "graph/source/") for i in ours)
    assert any(i.startswith(base + "concept/") for i in ours)
