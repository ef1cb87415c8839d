"""``lacrdf lint``: checks of the ontology and the stored queries, reported like validation results.

Ontology: every lacrdf term declared in vocab.py is declared in the ontology and the other way round, has
rdfs:label and rdfs:comment in en and es, and is used by the data or the shapes; the ontology header has
owl:versionIRI, owl:versionInfo, dcterms:license, creator, created and modified; every class or property
the data and shapes use is ours or from a standard vocabulary. Queries: every .rq has its header and
parses with pyoxigraph's strict SPARQL parser. ``--reasoner`` adds a HermiT (OWL 2 DL) consistency and
satisfiability check."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox

from lacrdf.checks.results import ValidationReport, ValidationResult
from lacrdf.config import Namespaces, ProjectPaths
from lacrdf.errors import LacrdfError
from lacrdf.graph.dataset import Dataset
from lacrdf.graph.queries import bind, check_syntax, parse_stored_query
from lacrdf.records.model import Origin
from lacrdf.vocab import CLASSES, DATATYPE_PROPERTIES, OBJECT_PROPERTIES

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
DCT = "http://purl.org/dc/terms/"
STANDARD = (RDF, RDFS, OWL, "http://www.w3.org/ns/prov#", "http://www.w3.org/ns/org#", "http://www.w3.org/ns/oa#",
            "https://schema.org/",
            DCT, "http://www.w3.org/2004/02/skos/core#", "http://www.w3.org/ns/shacl#",
            "http://www.w3.org/2001/XMLSchema#", "http://purl.org/linked-data/cube#",
            "http://purl.org/vocab/vann/")
LINT = "https://w3id.org/lacrdf/lint#"


def _finding(check: str, message: str, focus: str, origin: Origin | None, severity: str = "violation"
             ) -> ValidationResult:
    return ValidationResult(origin=origin, severity=severity, focus=focus, path=None, value=None,
                            shape=LINT + check, constraint=LINT + check, message=message)


def _line_of(path: Path, display: str, needle: str) -> Origin:
    """Where ``needle`` (a CURIE like lac:Embassy) is first defined in a Turtle file (line 1 if absent)."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if re.match(rf"^{re.escape(needle)}\s", line):
            return Origin(display, number)
    return Origin(display, 1)


def lint_ontology(ds: Dataset, paths: ProjectPaths) -> list[ValidationResult]:
    ns = ds.ns
    onto_file = paths.ontology_dir / "lacrdf.ttl"
    display = "ontology/lacrdf.ttl"
    onto = [q.triple for q in ds.quads if q.graph_name == ds.ontology_graph]
    out: list[ValidationResult] = []
    declared: dict[str, set[str]] = {"Class": set(), "ObjectProperty": set(), "DatatypeProperty": set()}
    for t in onto:
        if t.predicate.value == RDF + "type" and t.subject.value.startswith(ns.terms):
            kind = t.object.value[len(OWL):] if t.object.value.startswith(OWL) else ""
            if kind in declared:
                declared[kind].add(t.subject.value[len(ns.terms):])
    expected = {"Class": CLASSES, "ObjectProperty": OBJECT_PROPERTIES, "DatatypeProperty": DATATYPE_PROPERTIES}
    for kind, names in expected.items():
        for name in sorted(names - declared[kind]):
            out.append(_finding("declared", f"lac:{name} is in vocab.py but not declared as owl:{kind}",
                                ns.terms + name, Origin(display, 1)))
        for name in sorted(declared[kind] - names):
            out.append(_finding("declared", f"lac:{name} is declared as owl:{kind} but not in vocab.py",
                                ns.terms + name, _line_of(onto_file, display, f"lac:{name}")))
    langs: dict[tuple[str, str], set[str]] = {}
    for t in onto:
        if t.predicate.value in (RDFS + "label", RDFS + "comment") and isinstance(t.object, ox.Literal):
            langs.setdefault((t.subject.value, t.predicate.value), set()).add(t.object.language or "")
    for kind in declared.values():
        for name in sorted(kind):
            iri = ns.terms + name
            for prop in ("label", "comment"):
                missing = {"en", "es"} - langs.get((iri, RDFS + prop), set())
                if missing:
                    out.append(_finding("documented", f"lac:{name} has no rdfs:{prop} in "
                                        f"{', '.join(sorted(missing))}", iri,
                                        _line_of(onto_file, display, f"lac:{name}")))
    header = ns.ontology
    have = {t.predicate.value for t in onto if t.subject.value == header}
    for prop in (OWL + "versionIRI", OWL + "versionInfo", DCT + "license", DCT + "creator", DCT + "created",
                 DCT + "modified"):
        if prop not in have:
            out.append(_finding("header", f"the ontology header lacks {_curie(prop)}", header, Origin(display, 1)))
    used = {q.predicate.value for q in ds.data_quads()}
    used |= {q.object.value for q in ds.data_quads() if q.predicate.value == RDF + "type"}
    shapes_text = "\n".join(p.read_text(encoding="utf-8") for p in sorted(paths.shapes_dir.glob("*.ttl")))
    all_declared = {ns.terms + n for names in declared.values() for n in names}
    for term in sorted(used):
        if term.startswith(ns.terms) and term not in all_declared:
            out.append(_finding("known-term", f"{_curie(term, ns)} is used by the data but not declared",
                                term, Origin(display, 1)))
        elif not term.startswith((ns.terms, *STANDARD)):
            out.append(_finding("known-term", f"{term} is neither a lacrdf term nor from a standard vocabulary",
                                term, Origin(display, 1)))
    for names in declared.values():
        for name in sorted(names):
            iri = ns.terms + name
            in_data = iri in used or any(q.object.value == iri for q in ds.data_quads())
            if not in_data and f"lac:{name} " not in shapes_text:
                out.append(_finding("used", f"lac:{name} is declared but used by neither the data nor the shapes",
                                    iri, _line_of(onto_file, display, f"lac:{name}"), severity="warning"))
    return out


def _curie(iri: str, ns: Namespaces | None = None) -> str:
    if ns and iri.startswith(ns.terms):
        return "lac:" + iri[len(ns.terms):]
    for prefix, base in (("owl:", OWL), ("dcterms:", DCT)):
        if iri.startswith(base):
            return prefix + iri[len(base):]
    return iri


def lint_queries(paths: ProjectPaths, ns: Namespaces) -> list[ValidationResult]:
    out = []
    for path in sorted(paths.queries_dir.glob("*.rq")):
        display = f"queries/{path.name}"
        try:
            query = parse_stored_query(path)
            # the file as written (header comments included), so the line is the file's
            check_syntax(query.text, ns, where=display)
            check_syntax(bind(query, {}, ns), ns, where=display)
        except LacrdfError as exc:
            message = str(exc).splitlines()[0]
            match = re.match(rf"^{re.escape(display)}:(\d+):\d+: (.*)$", message)
            line = int(match.group(1)) if match else 1
            out.append(_finding("query-syntax", match.group(2) if match else message, path.resolve().as_uri(),
                                Origin(display, line)))
    return out


def reasoner_check(ds: Dataset) -> list[ValidationResult]:
    """HermiT through owlready2: the ontology is consistent and every class is satisfiable."""
    from lacrdf.checks.reasoner import run_hermit

    return [_finding("reasoner", message, focus, Origin("ontology/lacrdf.ttl", 1))
            for focus, message in run_hermit(ds)]


def lint(ds: Dataset, paths: ProjectPaths, *, reasoner: bool = False) -> ValidationReport:
    findings: Iterable[ValidationResult] = [*lint_ontology(ds, paths), *lint_queries(paths, ds.ns)]
    if reasoner:
        findings = [*findings, *reasoner_check(ds)]
    return ValidationReport(tuple(sorted(set(findings), key=ValidationResult.sort_key)))
