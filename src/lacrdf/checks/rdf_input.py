"""Validating RDF that is not records: files in any of the six formats (Turtle, N-Triples, N-Quads, TriG,
JSON-LD, RDF/XML) and what a SPARQL endpoint holds, against the same shapes, with the same reports.

Results are located by line where the format has one statement per line (N-Triples, N-Quads: the line of
the triple, else of the focus node's first triple), and by focus node otherwise (line 0: the file only)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from lacrdf.checks.results import RawResult
from lacrdf.errors import InputError
from lacrdf.graph.dataset import TripleOrigin
from lacrdf.records.model import Origin

FORMATS: dict[str, ox.RdfFormat] = {
    "turtle": ox.RdfFormat.TURTLE, "ntriples": ox.RdfFormat.N_TRIPLES, "nquads": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG, "jsonld": ox.RdfFormat.JSON_LD, "rdfxml": ox.RdfFormat.RDF_XML,
}
EXTENSIONS: dict[str, str] = {
    ".ttl": "turtle", ".turtle": "turtle", ".nt": "ntriples", ".nq": "nquads", ".trig": "trig",
    ".jsonld": "jsonld", ".json": "jsonld", ".rdf": "rdfxml", ".owl": "rdfxml", ".xml": "rdfxml",
}
LINE_FORMATS = ("ntriples", "nquads")
MAX_BYTES = 2 * 1024 * 1024 * 1024


def is_rdf(path: Path) -> bool:
    return path.suffix.lower() in EXTENSIONS


def format_of(path: Path, given: str | None) -> str:
    if given:
        return given
    name = EXTENSIONS.get(path.suffix.lower())
    if name is None:
        raise InputError(f"{path}: cannot tell the RDF format from the extension; give --input-format "
                         f"({', '.join(FORMATS)})")
    return name


@dataclass
class RdfInput:
    """The quads read (as written, before the store canonicalises literals) and where each triple is."""

    quads: list[ox.Quad]
    lines: dict[tuple[str, ox.Triple], int]
    first_of: dict[tuple[str, str], tuple[str, int]]
    files_of: dict[str, str]

    def locate(self, raw: RawResult) -> TripleOrigin | None:
        focus, path, value = raw.focus, raw.path, raw.value
        if path and value is not None:
            try:
                obj = _term(value)
                triple = ox.Triple(ox.NamedNode(focus), ox.NamedNode(path), obj) if obj is not None else None
            except ValueError:
                triple = None
            if triple is not None:
                for file in sorted({f for f, _ in self.lines}):
                    line = self.lines.get((file, triple))
                    if line:
                        return TripleOrigin("", "", Origin(file, line, 1))
        for key in ((focus, path or ""), (focus, "")):
            if key in self.first_of:
                file, line = self.first_of[key]
                return TripleOrigin("", "", Origin(file, line, 1 if line else 0))
        return None


def _term(text: str) -> ox.NamedNode | ox.Literal | None:
    if not text.startswith('"'):
        return ox.NamedNode(text)
    try:
        obj = next(iter(ox.parse(f"<urn:s> <urn:p> {text} .", format=ox.RdfFormat.N_TRIPLES))).object
    except (SyntaxError, StopIteration):
        return None
    return obj if isinstance(obj, ox.Literal) else None


def read_rdf_files(paths: Sequence[Path], given: str | None = None) -> RdfInput:
    """Parse every file (one located line per unreadable file, all of them reported at once)."""
    quads: list[ox.Quad] = []
    lines: dict[tuple[str, ox.Triple], int] = {}
    first_of: dict[tuple[str, str], tuple[str, int]] = {}
    errors: list[str] = []
    for path in paths:
        shown = str(path)
        fmt = format_of(path, given)
        try:
            if path.stat().st_size > MAX_BYTES:
                errors.append(f"{shown}: larger than {MAX_BYTES} bytes")
                continue
            found = list(ox.parse(path=str(path), format=FORMATS[fmt]))
        except SyntaxError as exc:
            where = f"{exc.args[1][1]}:{exc.args[1][2]}:" if len(exc.args) > 1 and exc.args[1] else ""
            message = str(exc.args[0]) if exc.args else str(exc)
            errors.append(f"{shown}:{where} not {fmt}: {message}")
            continue
        except (OSError, ValueError) as exc:
            errors.append(f"{shown}: cannot read: {getattr(exc, 'strerror', None) or exc}")
            continue
        numbers = _statement_lines(path) if fmt in LINE_FORMATS else None
        for i, item in enumerate(found):
            quad = item if isinstance(item, ox.Quad) else ox.Quad(item.subject, item.predicate, item.object)
            quads.append(quad)
            line = numbers[i] if numbers is not None and i < len(numbers) else 0
            lines.setdefault((shown, quad.triple), line)
            subject = quad.subject.value if isinstance(quad.subject, ox.NamedNode) else str(quad.subject)
            first_of.setdefault((subject, quad.predicate.value), (shown, line))
            first_of.setdefault((subject, ""), (shown, line))
    if errors:
        raise InputError("\n".join(errors))
    return RdfInput(quads, lines, first_of, {})


def _statement_lines(path: Path) -> list[int]:
    """The line of each statement of an N-Triples/N-Quads file (one per line; blank and comment lines
    hold none), in the order the parser yields them."""
    out = []
    with path.open("rb") as f:
        for n, raw in enumerate(f, 1):
            text = raw.strip()
            if text and not text.startswith(b"#"):
                out.append(n)
    return out


ENDPOINT_QUERY = "CONSTRUCT { ?s ?p ?o } WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }"
"""What an endpoint is asked for: every triple of its default graph and of its named graphs."""


def from_endpoint(url: str, triples: Iterable[ox.Triple]) -> RdfInput:
    """The triples an endpoint answered to ENDPOINT_QUERY; results are located by focus node."""
    quads = [ox.Quad(t.subject, t.predicate, t.object) for t in triples]
    first_of: dict[tuple[str, str], tuple[str, int]] = {}
    for q in quads:
        subject = q.subject.value if isinstance(q.subject, ox.NamedNode) else str(q.subject)
        first_of.setdefault((subject, q.predicate.value), (url, 0))
        first_of.setdefault((subject, ""), (url, 0))
    return RdfInput(quads, {}, first_of, {})


def store_of(data: RdfInput, ontology: Iterable[ox.Quad]) -> ox.Store:
    """The quads as read plus the project's ontology (for the class hierarchy sh:class relies on), in an
    in-memory store."""
    store = ox.Store()
    store.extend(data.quads)
    store.extend(ontology)
    return store


def validate_rdf(data: RdfInput, shapes: object, ontology: Sequence[ox.Quad], engine: str = "oxigraph",
                 shape_names: Sequence[str] = ()) -> object:
    """The ValidationReport of RDF read from files or an endpoint (with the ontology beside it)."""
    from lacrdf.checks.shacl import ENGINES, located_report, validate_pyshacl

    if engine not in ENGINES:
        raise InputError(f"unknown validation engine '{engine}'; choose one of {', '.join(ENGINES)}")
    if engine == "oxigraph":
        from lacrdf.checks.engine import validate_oxigraph

        raws = validate_oxigraph(store_of(data, ontology), shapes, written=[*data.quads, *ontology])  # type: ignore[arg-type]
    else:
        raws = validate_pyshacl([*data.quads, *ontology], shapes)  # type: ignore[arg-type]
    return located_report(raws, data.locate, shape_names)
