"""The SHACL shapes: reading them strictly, and naming a shape stably for reports."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pyoxigraph as ox
import rdflib
from rdflib.namespace import RDF, SH

from lacrdf.config import DEFAULT_BASE, Namespaces
from lacrdf.errors import InputError


def load_shapes(paths: Sequence[Path], ns: Namespaces | None = None) -> rdflib.Graph:
    """Parse the shapes files strictly (pyoxigraph) and hand rdflib an equal graph; with ``ns``, the
    shapes' lacrdf IRIs move to its base, as the ontology and the data do."""
    graph = rdflib.Graph()
    for path in paths:
        try:
            text = path.read_bytes()
            triples = list(ox.parse(text, format=ox.RdfFormat.TURTLE, base_iri=path.resolve().as_uri()))
            if ns is not None and ns.base != DEFAULT_BASE:
                triples = [ox.Triple(*(ox.NamedNode(ns.rebase(t.value)) if isinstance(t, ox.NamedNode) else t
                                       for t in (tr.subject, tr.predicate, tr.object))) for tr in triples]
            nt = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
        except (OSError, SyntaxError, ValueError) as exc:
            raise InputError(f"{path}: cannot read the shapes: {exc}") from None
        graph.parse(data=nt, format="nt")
    if not any(graph.triples((None, RDF.type, SH.NodeShape))):
        raise InputError(f"no sh:NodeShape in {', '.join(map(str, paths))}")
    return graph

def shapes_files(shapes_dir: Path) -> list[Path]:
    files = sorted(shapes_dir.glob("*.ttl"))
    if not files:
        raise InputError(f"no shapes (*.ttl) in {shapes_dir}")
    return files

def shape_name(shape: rdflib.term.Node | None, shapes: rdflib.Graph) -> str:
    """A stable name for the shape: its IRI, or for a blank property shape the node shape that holds it
    plus the property path."""
    if shape is None:
        return ""
    if isinstance(shape, rdflib.URIRef):
        return str(shape)
    for parent in shapes.subjects(SH.property, shape):
        path = shapes.value(shape, SH.path)
        return f"{parent} / {path}" if isinstance(parent, rdflib.URIRef) else str(path)
    path = shapes.value(shape, SH.path)
    return f"(property shape on {path})" if path is not None else "(anonymous shape)"
