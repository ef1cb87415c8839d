"""The ontology against the code, the data and the shapes: declared terms match vocab.py, every term is
documented in en and es, concept schemes cover every allowed value, and the header carries version and
licence."""

from __future__ import annotations

import typing
from dataclasses import fields

import pyoxigraph as ox
import pytest

from lacrdf import Dataset, ProjectPaths
from lacrdf.records.kinds import KINDS
from lacrdf.vocab import CLASSES, DATATYPE_PROPERTIES, OBJECT_PROPERTIES, TERMS

from .conftest import ROOT

LAC = "https://w3id.org/lacrdf/ontology#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"


@pytest.fixture(scope="module")
def onto() -> ox.Store:
    store = ox.Store()
    for name in ("lacrdf.ttl", "concepts.ttl"):
        store.load(path=str(ROOT / "ontology" / name), format=ox.RdfFormat.TURTLE)
    return store


def declared(store: ox.Store, cls: str) -> set[str]:
    return {t.subject.value[len(LAC):] for t in store.quads_for_pattern(None, ox.NamedNode(RDF + "type"),
                                                                          ox.NamedNode(OWL + cls))
            if t.subject.value.startswith(LAC)}


def test_vocab_module_matches_ontology(onto: ox.Store) -> None:
    assert declared(onto, "Class") == CLASSES
    assert declared(onto, "ObjectProperty") == OBJECT_PROPERTIES
    assert declared(onto, "DatatypeProperty") == DATATYPE_PROPERTIES


@pytest.mark.parametrize("term", sorted(TERMS))
def test_term_has_label_and_comment_in_en_and_es(onto: ox.Store, term: str) -> None:
    for prop in ("label", "comment"):
        langs = {q.object.language for q in onto.quads_for_pattern(ox.NamedNode(LAC + term),
                                                                   ox.NamedNode(RDFS + prop), None)}
        assert {"en", "es"} <= langs, f"lac:{term} lacks rdfs:{prop} in {({'en', 'es'} - langs)}"


def test_ontology_header(onto: ox.Store) -> None:
    header = ox.NamedNode("https://w3id.org/lacrdf/ontology")
    props = {q.predicate.value for q in onto.quads_for_pattern(header, None, None)}
    for p in (OWL + "versionIRI", OWL + "versionInfo", "http://purl.org/dc/terms/license",
              "http://purl.org/dc/terms/creator", "http://purl.org/dc/terms/created",
              "http://purl.org/dc/terms/modified"):
        assert p in props, p


def test_concept_schemes_cover_every_allowed_value(onto: ox.Store) -> None:
    concepts = {q.subject.value for q in onto.quads_for_pattern(
        None, ox.NamedNode(RDF + "type"), ox.NamedNode("http://www.w3.org/2004/02/skos/core#Concept"))}
    from lacrdf.graph.terms import Context

    used = set()
    for kind in KINDS.values():
        hints = typing.get_type_hints(kind.record)
        for f in fields(kind.record):
            hint = hints[f.name]
            args = [a for a in typing.get_args(hint) if a is not type(None)] or [hint]
            for a in args:
                if typing.get_origin(a) is typing.Literal:
                    used.update((f.name, v) for v in typing.get_args(a))
    # every value a converter turns into a concept IRI must be declared
    from lacrdf import Namespaces

    ctx = Context(Namespaces(), {}, {})
    schemes = {"status": ["relation-status", "status"], "qualifier": ["qualifier"],
               "partnership_type": ["partnership-type"], "agreement_type": ["agreement-type"],
               "role": ["role"], "event_type": ["event-type"], "body_type": ["body-type"],
               "programme_type": ["programme-type"], "figure_type": ["figure-type"], "flow": ["flow"],
               "presence_type": ["presence-type"], "stance": ["stance"]}
    for fname, value in used:
        if fname in ("mission_type", "scale"):
            continue  # classes and unit multipliers, not concepts
        assert any(ctx.concept(s, value).value in concepts for s in schemes[fname]), (fname, value)


def test_every_term_used_in_the_data_is_declared(dataset: Dataset, paths: ProjectPaths) -> None:
    known_ns = ("http://www.w3.org/1999/02/22-rdf-syntax-ns#", RDFS, OWL, "http://www.w3.org/ns/prov#",
                "http://www.w3.org/ns/org#", "http://www.w3.org/ns/oa#", "https://schema.org/",
                "http://purl.org/dc/terms/",
                "http://www.w3.org/2004/02/skos/core#")
    onto_terms = {q.subject.value for q in dataset.quads if q.graph_name == dataset.ontology_graph}
    used = {q.predicate.value for q in dataset.data_quads()}
    used |= {q.object.value for q in dataset.data_quads() if q.predicate.value == RDF + "type"}
    for term in sorted(used):
        assert term in onto_terms or term.startswith(known_ns), f"{term} is neither ours nor standard"


def test_no_declared_term_is_unused(dataset: Dataset, paths: ProjectPaths) -> None:
    """Every term is used by the curated data, by the all-kinds test data, or by a shape."""
    from lacrdf import Namespaces, build_dataset
    from lacrdf.records.loader import load_project

    from .conftest import DATA

    sample = build_dataset(load_project([paths.data / "actors", DATA / "valid" / "all-kinds.yaml"],
                                        root=paths.root), Namespaces())
    used = set()
    for quad in [*dataset.data_quads(), *sample.quads]:
        used.update({quad.predicate.value, quad.object.value})
    shapes = (ROOT / "shapes" / "lacrdf-shapes.ttl").read_text(encoding="utf-8")
    for term in sorted(TERMS):
        assert LAC + term in used or f"lac:{term} " in shapes, f"lac:{term} is declared but never used"
