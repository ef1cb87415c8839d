"""SHACL validation of a built dataset, with every result traced back to the YAML record and field that
produced the offending triple. The graphs given to the engine are fresh copies: validation never changes
the dataset or the shapes."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager

import pyoxigraph as ox
import rdflib
from rdflib.namespace import RDF, SH

from lacrdf.checks.results import _SEVERITY_OF, RawResult, ValidationReport, ValidationResult
from lacrdf.errors import InputError
from lacrdf.graph.dataset import Dataset, TripleOrigin


@contextmanager
def literals_as_written() -> Iterator[None]:
    """rdflib normalises the lexical form of the literals it parses ("yes"^^xsd:boolean becomes "false",
    "1e3"^^xsd:double "1000.0"); results must show the values as the data writes them."""
    before = rdflib.NORMALIZE_LITERALS
    rdflib.NORMALIZE_LITERALS = False
    try:
        yield
    finally:
        rdflib.NORMALIZE_LITERALS = before


def to_rdflib(quads: Iterable[ox.Quad]) -> rdflib.Graph:
    """The union of the quads as an rdflib graph (through N-Triples), literals as written."""
    nt = ox.serialize([q.triple for q in quads], format=ox.RdfFormat.N_TRIPLES)
    graph = rdflib.Graph()
    with literals_as_written():
        graph.parse(data=nt, format="nt")
    return graph


def _term(node: rdflib.term.Node | None) -> str | None:
    if node is None:
        return None
    if isinstance(node, rdflib.Literal):
        return node.n3()
    if isinstance(node, rdflib.BNode):
        return f"_:{node}"
    return str(node)


def _path(graph: rdflib.Graph, node: rdflib.term.Node | None) -> str | None:
    from lacrdf.checks.engine import shacl_path
    from lacrdf.checks.results import path_text

    if node is None or isinstance(node, rdflib.URIRef):
        return _term(node)
    try:
        return path_text(shacl_path(graph, node))
    except ValueError:
        return "(complex path)"


def pyshacl_results(graph: rdflib.Graph, shapes: rdflib.Graph) -> list[RawResult]:
    """The results of a SHACL report graph (those of each sh:ValidationReport, their sh:detail nested)."""
    from lacrdf.checks.engine import shape_label

    def read(node: rdflib.term.Node, depth: int) -> RawResult:
        messages = sorted(str(m) for m in graph.objects(node, SH.resultMessage))
        severity = graph.value(node, SH.resultSeverity)
        details = [read(d, depth + 1) for d in graph.objects(node, SH.detail)] if depth < 16 else []
        return RawResult(
            focus=_term(graph.value(node, SH.focusNode)) or "",
            path=_path(graph, graph.value(node, SH.resultPath)),
            value=_term(graph.value(node, SH.value)),
            shape=shape_label(graph.value(node, SH.sourceShape), shapes),
            constraint=_term(graph.value(node, SH.sourceConstraintComponent)) or "",
            severity=_SEVERITY_OF.get(severity, str(severity)) if severity is not None else "violation",  # type: ignore[call-overload]
            message=messages[0] if messages else "",
            details=tuple(sorted(details, key=lambda r: (r.focus, r.path or "", r.value or "", r.constraint,
                                                         r.shape, r.message))),
        )

    return [read(node, 0) for report in graph.subjects(RDF.type, SH.ValidationReport)
            for node in graph.objects(report, SH.result)]




ENGINES = ("oxigraph", "pyshacl")
"""oxigraph: SHACL Core compiled to SPARQL on the dataset's pyoxigraph store (lacrdf.shacl_sparql), the
default; pyshacl: the reference implementation. tests/test_engine_diff.py checks they give the same
results."""


def validate_pyshacl(quads: Dataset | Iterable[ox.Quad], shapes: rdflib.Graph) -> list[RawResult]:
    """pySHACL on fresh copies of the data (with the ontology) and of the shapes graph."""
    from pyshacl import validate

    # The ontology goes in with the data: sh:class needs the class hierarchy and the concept schemes.
    data = to_rdflib(quads.quads if isinstance(quads, Dataset) else quads)
    shapes_copy = rdflib.Graph()
    for t in shapes:
        shapes_copy.add(t)
    with literals_as_written():
        _, graph, _ = validate(data, shacl_graph=shapes_copy, inference="none", abort_on_first=False,
                               allow_warnings=True, advanced=True, inplace=False)
    # only the report's own results: those under sh:detail explain an sh:node result, they are not results
    return pyshacl_results(graph, shapes)


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


def _locate(ds: Dataset, raw: RawResult, fields_of: Mapping[str, str],
            sp_index: Mapping[tuple[str, str], TripleOrigin]) -> TripleOrigin | None:
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


Locate = Callable[[RawResult], TripleOrigin | None]


def dataset_locator(ds: Dataset) -> Locate:
    """Trace results to the records of an in-memory dataset (it keeps the origin of every triple)."""
    fields_of: dict[str, str] = {}
    for triple, origin in ds.origins.items():  # insertion order is record order: deterministic
        fields_of.setdefault(triple.predicate.value, origin.field)
    index: dict[tuple[str, str], TripleOrigin] | None = None

    def locate(raw: RawResult) -> TripleOrigin | None:
        nonlocal index
        if index is None:
            index = _by_subject_predicate(ds)
        return _locate(ds, raw, fields_of, index)

    return locate


def validate_dataset(ds: Dataset, shapes: rdflib.Graph, shape_names: Sequence[str] = (),
                     engine: str = "oxigraph") -> ValidationReport:
    """Run SHACL over the data graphs (with the ontology for class hierarchy) and locate each result."""
    if engine not in ENGINES:
        raise InputError(f"unknown validation engine '{engine}'; choose one of {', '.join(ENGINES)}")
    if engine == "oxigraph":
        from lacrdf.checks.engine import validate_oxigraph

        raws = validate_oxigraph(ds, shapes)
    else:
        raws = validate_pyshacl(ds.quads, shapes)
    return located_report(raws, dataset_locator(ds), shape_names)


def store_results(store: ox.Store, shapes: rdflib.Graph, engine: str = "oxigraph",
                  context_graph: str | None = None) -> list[RawResult]:
    """The raw SHACL results of a store; nodes typed only in ``context_graph`` are not focus nodes (the
    oxigraph engine only)."""
    if engine not in ENGINES:
        raise InputError(f"unknown validation engine '{engine}'; choose one of {', '.join(ENGINES)}")
    if engine == "oxigraph":
        from lacrdf.checks.engine import validate_oxigraph

        return validate_oxigraph(store, shapes, context_graph=context_graph)
    return validate_pyshacl(store.quads_for_pattern(None, None, None, None), shapes)


def validate_store(store: ox.Store, shapes: rdflib.Graph, locate: Locate, shape_names: Sequence[str] = (),
                   engine: str = "oxigraph") -> ValidationReport:
    """The same on a store, tracing results with ``locate``."""
    return located_report(store_results(store, shapes, engine), locate, shape_names)


def located_result(raw: RawResult, locate: Locate) -> ValidationResult:
    """A raw result with the record place of itself and of each of its details."""
    where = locate(raw)
    details = [located_result(d, locate) for d in raw.details]
    return ValidationResult(
        origin=where.origin if where else None, severity=raw.severity, focus=raw.focus, path=raw.path,
        value=raw.value, shape=raw.shape, constraint=raw.constraint, message=raw.message,
        record=where.record if where else None, field=where.field if where else None,
        details=tuple(sorted(details, key=_order)),
    )


def _order(r: ValidationResult) -> tuple[object, ...]:
    """A total order of results (the report's sort key, then what tells two results at one place apart)."""
    return (*r.sort_key(), r.shape, r.severity, r.message, tuple(_order(d) for d in r.details))


def located_report(raws: Iterable[RawResult], locate: Locate, shape_names: Sequence[str] = ()) -> ValidationReport:
    """The results traced to the records, sorted; a multiset, as SHACL's results are (two validations of
    one node that fail alike are two results)."""
    results = [located_result(raw, locate) for raw in raws]
    ordered = tuple(sorted(results, key=_order))
    return ValidationReport(ordered, tuple(shape_names))


