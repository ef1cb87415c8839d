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


@dataclass(frozen=True, slots=True)
class RawResult:
    """What a SHACL engine reports for one result, before it is traced back to a record.

    Terms are N-Triples strings for literals (``"1"^^<...#integer>``) and plain IRIs otherwise; ``shape``
    is the stable shape name (see ``shape_name``)."""

    focus: str
    path: str | None
    value: str | None
    shape: str
    constraint: str
    severity: str
    message: str


ENGINES = ("oxigraph", "pyshacl")
"""oxigraph: SHACL Core compiled to SPARQL on the dataset's pyoxigraph store (lacrdf.shacl_sparql), the
default; pyshacl: the reference implementation. tests/test_engine_diff.py checks they give the same
results."""


def validate_pyshacl(ds: Dataset, shapes: rdflib.Graph) -> list[RawResult]:
    """pySHACL on fresh copies of the data (with the ontology) and of the shapes graph."""
    from pyshacl import validate

    # The ontology goes in with the data: sh:class needs the class hierarchy and the concept schemes.
    data = to_rdflib(ds.quads)
    shapes_copy = rdflib.Graph()
    for t in shapes:
        shapes_copy.add(t)
    _, graph, _ = validate(data, shacl_graph=shapes_copy, inference="none", abort_on_first=False,
                           allow_warnings=True, advanced=True, inplace=False)
    out = []
    for node in graph.subjects(RDF.type, SH.ValidationResult):
        path = graph.value(node, SH.resultPath)
        messages = sorted(str(m) for m in graph.objects(node, SH.resultMessage))
        out.append(RawResult(
            focus=_term(graph.value(node, SH.focusNode)) or "",
            path=_term(path) if not isinstance(path, rdflib.BNode) else "(complex path)",
            value=_term(graph.value(node, SH.value)),
            shape=shape_name(graph.value(node, SH.sourceShape), shapes),
            constraint=_term(graph.value(node, SH.sourceConstraintComponent)) or "",
            severity=_SEVERITY_OF.get(graph.value(node, SH.resultSeverity), "violation"),  # type: ignore[arg-type]
            message=messages[0] if messages else "",
        ))
    return out


def _parse_term(text: str | None) -> ox.NamedNode | ox.Literal | None:
    if text is None:
        return None
    if not text.startswith('"'):
        try:
            return ox.NamedNode(text)
        except ValueError:
            return None
    try:
        obj = next(iter(ox.parse(f"<urn:s> <urn:p> {text} .", format=ox.RdfFormat.N_TRIPLES))).object
    except (SyntaxError, StopIteration):
        return None
    return obj if isinstance(obj, ox.Literal) else None


def _by_subject_predicate(ds: Dataset) -> dict[tuple[str, str], TripleOrigin]:
    """The first origin of any triple with a given subject and predicate (for results with no value,
    such as a missing language, the field that holds the other values is the place to fix)."""
    index: dict[tuple[str, str], TripleOrigin] = {}
    for triple, origin in ds.origins.items():  # insertion order is record order: deterministic
        index.setdefault((triple.subject.value, triple.predicate.value), origin)
    return index


def _locate(ds: Dataset, raw: RawResult, fields_of: dict[str, str],
            sp_index: dict[tuple[str, str], TripleOrigin]) -> TripleOrigin | None:
    value = _parse_term(raw.value)
    if raw.path and raw.path.startswith(("http://", "https://")) and value is not None:
        try:
            triple = ox.Triple(ox.NamedNode(raw.focus), ox.NamedNode(raw.path), value)
        except ValueError:
            triple = None
        if triple is not None and triple in ds.origins:
            return ds.origins[triple]
    if raw.path and (raw.focus, raw.path) in sp_index:
        return sp_index[(raw.focus, raw.path)]
    try:
        focus = ox.NamedNode(raw.focus)
    except ValueError:
        return None
    base = ds.subject_origins.get(focus)
    if base is not None and raw.path and raw.path in fields_of:
        return TripleOrigin(base.record, fields_of[raw.path], base.origin)
    return base


def validate_dataset(ds: Dataset, shapes: rdflib.Graph, shape_names: Sequence[str] = (),
                     engine: str = "oxigraph") -> ValidationReport:
    """Run SHACL over the data graphs (with the ontology for class hierarchy) and locate each result."""
    fields_of: dict[str, str] = {}
    for triple, origin in ds.origins.items():  # insertion order is record order: deterministic
        fields_of.setdefault(triple.predicate.value, origin.field)
    if engine not in ENGINES:
        raise InputError(f"unknown validation engine '{engine}'; choose one of {', '.join(ENGINES)}")
    if engine == "oxigraph":
        from .shacl_sparql import validate_oxigraph

        raws = validate_oxigraph(ds, shapes)
    else:
        raws = validate_pyshacl(ds, shapes)
    sp_index = _by_subject_predicate(ds) if raws else {}
    results = []
    for raw in raws:
        where = _locate(ds, raw, fields_of, sp_index)
        results.append(ValidationResult(
            origin=where.origin if where else None, severity=raw.severity, focus=raw.focus, path=raw.path,
            value=raw.value, shape=raw.shape, constraint=raw.constraint, message=raw.message,
            record=where.record if where else None, field=where.field if where else None,
        ))
    ordered = tuple(sorted(set(results), key=ValidationResult.sort_key))
    return ValidationReport(ordered, tuple(shape_names))


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
