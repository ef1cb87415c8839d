"""OWL 2 RL entailments (owlrl) of the data with the ontology, kept in their own named graph
``{base}graph/inferred`` so queries can use them without mixing them into the curated data."""

from __future__ import annotations

import pyoxigraph as ox

from lacrdf.checks.shacl import to_rdflib
from lacrdf.graph.dataset import Dataset

WIKIDATA = "http://www.wikidata.org/entity/"


def inferred_quads(ds: Dataset) -> list[ox.Quad]:
    """New triples about lacrdf resources that OWL 2 RL derives (types from subclasses, superproperties,
    inverse and symmetric properties). Axiomatic triples about the vocabularies themselves, reflexive
    owl:sameAs and literal-typing triples are left out: they say nothing about the data."""
    import owlrl
    from rdflib.term import _toPythonMapping

    graph = to_rdflib(ds.quads)
    before = {(s, p, o) for s, p, o in graph}
    # owlrl's "improved datatypes" rewrite rdflib's global literal conversions and do not fully restore
    # them (gMonthDay literals then look ill-typed to every later rdflib user): keep rdflib's own.
    saved = dict(_toPythonMapping)
    try:
        owlrl.DeductiveClosure(owlrl.OWLRL_Semantics, axiomatic_triples=False, datatype_axioms=False,
                               improved_datatypes=False).expand(graph)
    finally:
        _toPythonMapping.clear()
        _toPythonMapping.update(saved)
    target = ox.NamedNode(ds.ns.graphs + "inferred")
    resources = ds.ns.resources
    known = {q.triple for q in ds.quads}
    out: set[ox.Quad] = set()
    for s, p, o in graph:
        if (s, p, o) in before or not str(s).startswith(resources):
            continue
        if str(p) == "http://www.w3.org/2002/07/owl#sameAs":
            continue  # reflexive or symmetric copies of the Wikidata links
        if str(o).startswith(WIKIDATA):
            continue  # a fact restated with the Wikidata IRI in place of ours (owl:sameAs substitution)
        nt = f"{s.n3()} {p.n3()} {o.n3()} ."
        try:
            triple = next(iter(ox.parse(nt, format=ox.RdfFormat.N_TRIPLES)))
        except SyntaxError:
            continue  # rdflib produced a term pyoxigraph would not accept: not ours to keep
        if triple not in known:
            out.add(ox.Quad(triple.subject, triple.predicate, triple.object, target))
    return sorted(out, key=str)


def with_inferences(ds: Dataset) -> Dataset:
    """The dataset plus its inferred graph (origins unchanged: inferred triples come from no record)."""
    quads = tuple(sorted({*ds.quads, *inferred_quads(ds)}, key=str))
    return Dataset(ds.ns, quads, ds.origins, ds.subject_origins)
