"""The RDF a resource's IRI returns: its own triples, the triples of nodes folded into it (a figure's
amount), the facts that point at it (their link, type and label), and the labels of the resources it
links to, in Turtle, JSON-LD, N-Triples and RDF/XML,
sorted so the bytes are the same on every build."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping

import pyoxigraph as ox

from lacrdf.graph.dumps import jsonld_document
from lacrdf.publish.site.index import LABEL_PREDICATES, SiteIndex, tv
from lacrdf.publish.site.layout import RDF_VARIANTS
from lacrdf.vocab import W3C


def description(index: SiteIndex, iri: str) -> list[ox.Triple]:
    """The triples published for one resource."""
    own = list(index.triples_of(iri))
    folded = [node.value for node in index.values(iri, index.lac + "amount") if isinstance(node, ox.NamedNode)]
    for node in folded:
        own.extend(index.triples_of(node))
    # the facts that point at it (Ecuador's page lists its facts: so does EC.ttl), as the page shows them
    incoming = [t for t in index.incoming.get(iri, []) if index.is_fact(tv(t.subject))]
    triples = set(own) | set(incoming)
    for fact in {tv(t.subject) for t in incoming}:
        triples.update(lt for lt in index.triples_of(fact) if lt.predicate.value in LABEL_PREDICATES
                       or lt.predicate == W3C.RDF_TYPE)
    for t in own:
        if isinstance(t.object, ox.NamedNode) and t.object.value != iri:
            triples.update(lt for lt in index.triples_of(t.object.value)
                           if lt.predicate.value in LABEL_PREDICATES)
    return sorted(triples, key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))


def serialize(triples: Iterable[ox.Triple], ext: str, prefixes: Mapping[str, str]) -> bytes:
    """One RDF variant of a list of sorted triples (ext as in RDF_VARIANTS)."""
    triples = list(triples)
    if ext == "jsonld":
        doc = jsonld_document(triples, prefixes)
        return (json.dumps(doc, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
    fmt = next(v.format for v in RDF_VARIANTS if v.ext == ext)
    if fmt == ox.RdfFormat.N_TRIPLES:
        data = ox.serialize(triples, format=fmt)
    else:
        data = ox.serialize(triples, format=fmt, prefixes=dict(prefixes))
    assert data is not None  # serialize returns the bytes when no output is given
    return data


def rdf_files(path: str, triples: list[ox.Triple], prefixes: Mapping[str, str]) -> dict[str, bytes]:
    """``{path}.{ext}`` for every RDF variant."""
    return {f"{path}.{v.ext}": serialize(triples, v.ext, prefixes) for v in RDF_VARIANTS}
