"""SHACL validation of a built dataset, with every result traced back to the YAML record and field that
produced the offending triple. The graphs given to the engine are fresh copies: validation never changes
the dataset or the shapes."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
import rdflib
from rdflib.namespace import RDF, SH

from .dataset import Dataset, TripleOrigin
from .errors import InputError
from .records import Origin

SEVERITIES = ("info", "warning", "violation")
_SEVERITY_OF = {SH.Info: "info", SH.Warning: "warning", SH.Violation: "violation"}


@dataclass(frozen=True, slots=True, order=True)
class ValidationResult:
    """One SHACL result, with the place in the records it comes from (when known)."""

    origin: Origin | None
    severity: str
    focus: str
    path: str | None
    value: str | None
    shape: str
    constraint: str
    message: str
    record: str | None = None
    field: str | None = None

    def sort_key(self) -> tuple[str, int, int, str, str, str, str]:
        o = self.origin
        return (o.file if o else "~", o.line if o else 0, o.column if o else 0, self.focus, self.path or "",
                self.constraint, self.value or "")


@dataclass(frozen=True)
class ValidationReport:
    """Sorted results plus what was validated; ``conforms(threshold)`` decides the exit code."""

    results: tuple[ValidationResult, ...]
    shapes: tuple[str, ...] = field(default=())

    def at_least(self, threshold: str) -> list[ValidationResult]:
        rank = SEVERITIES.index(threshold)
        return [r for r in self.results if SEVERITIES.index(r.severity) >= rank]

    def conforms(self, threshold: str = "violation") -> bool:
        return not self.at_least(threshold)

    def counts(self) -> dict[str, int]:
        out = dict.fromkeys(SEVERITIES, 0)
        for r in self.results:
            out[r.severity] += 1
        return out


def load_shapes(paths: Sequence[Path]) -> rdflib.Graph:
    """Parse the shapes files strictly (pyoxigraph) and hand rdflib an equal graph."""
    graph = rdflib.Graph()
    for path in paths:
        try:
            text = path.read_bytes()
            triples = ox.parse(text, format=ox.RdfFormat.TURTLE, base_iri=path.resolve().as_uri())
            nt = ox.serialize(list(triples), format=ox.RdfFormat.N_TRIPLES)
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


def to_rdflib(quads: Iterable[ox.Quad]) -> rdflib.Graph:
    """The union of the quads as an rdflib graph (through canonical N-Triples)."""
    nt = ox.serialize([q.triple for q in quads], format=ox.RdfFormat.N_TRIPLES)
    graph = rdflib.Graph()
    graph.parse(data=nt, format="nt")
    return graph


def _term(node: rdflib.term.Node | None) -> str | None:
    if node is None:
        return None
    if isinstance(node, rdflib.Literal):
        return node.n3()
    return str(node)


def _to_ox(node: rdflib.term.Node) -> ox.NamedNode | ox.Literal | ox.BlankNode:
    if isinstance(node, rdflib.URIRef):
        return ox.NamedNode(str(node))
    if isinstance(node, rdflib.Literal):
        if node.language:
            return ox.Literal(str(node), language=node.language)
        return ox.Literal(str(node), datatype=ox.NamedNode(str(node.datatype)) if node.datatype else None)
    return ox.BlankNode(str(node))


def _locate(ds: Dataset, focus: rdflib.term.Node, path: rdflib.term.Node | None,
            value: rdflib.term.Node | None, fields_of: dict[str, str]) -> TripleOrigin | None:
    if isinstance(focus, rdflib.URIRef) and isinstance(path, rdflib.URIRef) and value is not None:
        try:
            triple = ox.Triple(ox.NamedNode(str(focus)), ox.NamedNode(str(path)), _to_ox(value))
        except (ValueError, TypeError):
            triple = None
        if triple is not None and triple in ds.origins:
            return ds.origins[triple]
    if isinstance(focus, rdflib.URIRef):
        base = ds.subject_origins.get(ox.NamedNode(str(focus)))
        if base is not None and isinstance(path, rdflib.URIRef):
            return TripleOrigin(base.record, fields_of.get(str(path), base.field), base.origin)
        return base
    return None


def validate_pyshacl(ds: Dataset, shapes: rdflib.Graph) -> list[tuple[rdflib.Graph, rdflib.term.Node]]:
    from pyshacl import validate

    # The ontology goes in with the data: sh:class needs the class hierarchy and the concept schemes.
    data = to_rdflib(ds.quads)
    shapes_copy = rdflib.Graph()
    for t in shapes:
        shapes_copy.add(t)
    _, report_graph, _ = validate(data, shacl_graph=shapes_copy, inference="none",
                                  abort_on_first=False, allow_warnings=True, advanced=True, inplace=False)
    return [(report_graph, r) for r in report_graph.subjects(RDF.type, SH.ValidationResult)]


def validate_dataset(ds: Dataset, shapes: rdflib.Graph, shape_names: Sequence[str] = ()) -> ValidationReport:
    """Run SHACL over the data graphs (with the ontology for class hierarchy) and locate each result."""
    fields_of: dict[str, str] = {}
    for triple, origin in sorted(ds.origins.items(), key=lambda kv: str(kv[0])):
        fields_of.setdefault(triple.predicate.value, origin.field)
    results = []
    for graph, node in validate_pyshacl(ds, shapes):
        focus = graph.value(node, SH.focusNode)
        path = graph.value(node, SH.resultPath)
        value = graph.value(node, SH.value)
        severity = _SEVERITY_OF.get(graph.value(node, SH.resultSeverity), "violation")  # type: ignore[arg-type]
        messages = sorted(str(m) for m in graph.objects(node, SH.resultMessage))
        shape = graph.value(node, SH.sourceShape)
        constraint = graph.value(node, SH.sourceConstraintComponent)
        where = _locate(ds, focus, path, value, fields_of)  # type: ignore[arg-type]
        results.append(ValidationResult(
            origin=where.origin if where else None,
            severity=severity,
            focus=_term(focus) or "",
            path=_term(path) if not isinstance(path, rdflib.BNode) else "(complex path)",
            value=_term(value),
            shape=_shape_name(graph, shape, shapes),
            constraint=_term(constraint) or "",
            message=messages[0] if messages else "",
            record=where.record if where else None,
            field=where.field if where else None,
        ))
    ordered = tuple(sorted(set(results), key=ValidationResult.sort_key))
    return ValidationReport(ordered, tuple(shape_names))


def _shape_name(report: rdflib.Graph, shape: rdflib.term.Node | None, shapes: rdflib.Graph) -> str:
    """A stable name for the shape: its IRI, or for a blank property shape the node shape that holds it
    plus the property path."""
    if shape is None:
        return ""
    if isinstance(shape, rdflib.URIRef):
        return str(shape)
    for parent in shapes.subjects(SH.property, shape):
        path = shapes.value(shape, SH.path)
        return f"{parent} / {path}" if isinstance(parent, rdflib.URIRef) else str(path)
    path = report.value(shape, SH.path) or shapes.value(shape, SH.path)
    return f"(property shape on {path})" if path is not None else "(anonymous shape)"
