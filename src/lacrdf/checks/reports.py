"""Renderings of a validation report: text, JSON, SHACL Turtle (sh:ValidationReport), JUnit XML and GitHub
workflow annotations. All render the same sorted list of results."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

from lacrdf.checks.results import ValidationReport, ValidationResult

SH = "http://www.w3.org/ns/shacl#"


def _short(iri: str | None) -> str:
    if not iri:
        return ""
    for ns, p in (("http://www.w3.org/ns/shacl#", "sh:"), ("https://w3id.org/lacrdf/ontology#", "lac:"),
                  ("https://w3id.org/lacrdf/shapes#", "lacsh:"), ("http://www.w3.org/2000/01/rdf-schema#", "rdfs:"),
                  ("http://www.w3.org/2002/07/owl#", "owl:"), ("http://www.w3.org/ns/org#", "org:"),
                  ("https://schema.org/", "schema:"), ("http://www.w3.org/ns/prov#", "prov:"),
                  ("http://purl.org/dc/terms/", "dcterms:"), ("https://w3id.org/lacrdf/lint#", "lint:")):
        iri = iri.replace(ns, p)
    return iri


def _where(r: ValidationResult) -> str:
    head = str(r.origin) if r.origin else "(no record)"
    parts = [head + ":"]
    if r.record:
        parts.append(f"record '{r.record}':")
    if r.field:
        parts.append(f"field '{r.field}':")
    return " ".join(parts)


def line_of(r: ValidationResult) -> str:
    """One line per result: place, severity, message, then shape, constraint and value."""
    value = f", value {r.value}" if r.value is not None else ""
    on = f" on {_short(r.path)}" if r.path else ""
    shape = f"; shape {_short(r.shape)}" if r.shape != r.constraint else ""
    return f"{_where(r)} {r.severity}: {r.message} [{_short(r.constraint)}{on} of {_short(r.focus)}{value}{shape}]"


def _summary(report: ValidationReport, threshold: str) -> str:
    c = report.counts()
    verdict = "conforms" if report.conforms(threshold) else "does not conform"
    return (f"{c['violation']} violations, {c['warning']} warnings, {c['info']} infos: {verdict} "
            f"(--fail-on {threshold})")


def render_text(report: ValidationReport, threshold: str) -> str:
    lines = [line_of(r) for r in report.results]
    lines.append(_summary(report, threshold))
    return "\n".join(lines) + "\n"


def _as_dict(r: ValidationResult) -> dict[str, object]:
    return {
        "file": r.origin.file if r.origin else None, "line": r.origin.line if r.origin else None,
        "column": r.origin.column if r.origin else None, "record": r.record, "field": r.field,
        "severity": r.severity, "message": r.message, "focus": r.focus, "path": r.path, "value": r.value,
        "shape": r.shape, "constraint": r.constraint,
    }


def render_json(report: ValidationReport, threshold: str) -> str:
    doc = {"conforms": report.conforms(threshold), "threshold": threshold, "counts": report.counts(),
           "results": [_as_dict(r) for r in report.results]}
    return json.dumps(doc, indent=1, ensure_ascii=False) + "\n"


def render_turtle(report: ValidationReport, threshold: str) -> str:
    """A standard sh:ValidationReport; result nodes get IRIs numbered in report order (no blank nodes)."""
    base = "urn:lacrdf:validation:"
    rep = ox.NamedNode(base + "report")
    t: list[ox.Triple] = []
    N = ox.NamedNode

    def add(s: ox.NamedNode, p: str, o: ox.NamedNode | ox.Literal) -> None:
        t.append(ox.Triple(s, N(p), o))

    rdf_type = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
    add(rep, rdf_type, N(SH + "ValidationReport"))
    add(rep, SH + "conforms", ox.Literal("true" if report.conforms("violation") else "false",
                                         datatype=N("http://www.w3.org/2001/XMLSchema#boolean")))
    for i, r in enumerate(report.results, 1):
        node = N(f"{base}result/{i}")
        add(rep, SH + "result", node)
        add(node, rdf_type, N(SH + "ValidationResult"))
        add(node, SH + "focusNode", N(r.focus))
        if r.path and r.path.startswith(("http://", "https://")):
            add(node, SH + "resultPath", N(r.path))
        add(node, SH + "resultSeverity", N(SH + r.severity.capitalize()))
        add(node, SH + "sourceConstraintComponent", N(r.constraint))
        if r.shape.startswith(("http://", "https://")) and " " not in r.shape:
            add(node, SH + "sourceShape", N(r.shape))
        if r.message:
            add(node, SH + "resultMessage", ox.Literal(r.message))
        if r.value is not None:
            add(node, SH + "value", _value_term(r.value))
        if r.origin:
            add(node, "http://www.w3.org/2000/01/rdf-schema#comment",
                ox.Literal(f"{r.origin}" + (f" field {r.field}" if r.field else "")))
    return ox.serialize(t, format=ox.RdfFormat.TURTLE, prefixes={"sh": SH}).decode("utf-8")


def _value_term(text: str) -> ox.NamedNode | ox.Literal:
    if text.startswith(("http://", "https://")):
        return ox.NamedNode(text)
    try:
        parsed = list(ox.parse(f"<urn:s> <urn:p> {text} .", format=ox.RdfFormat.N_TRIPLES))
        obj = parsed[0].object
        if isinstance(obj, (ox.NamedNode, ox.Literal)):
            return obj
    except SyntaxError:
        pass
    return ox.Literal(text)


def render_junit(report: ValidationReport, threshold: str) -> str:
    """JUnit XML: one test case per shape; each result at or above the threshold is a failure."""
    from lacrdf.checks.results import SEVERITIES

    rank = SEVERITIES.index(threshold)
    by_shape: dict[str, list[ValidationResult]] = defaultdict(list)
    for r in report.results:
        by_shape[_short(r.shape.split(" / ")[0])].append(r)
    for shape in report.shapes:
        by_shape.setdefault(shape, [])
    failures = sum(1 for r in report.results if SEVERITIES.index(r.severity) >= rank)
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           f'<testsuites name="lacrdf validate" tests="{len(by_shape)}" failures="{failures}">',
           f'  <testsuite name="shacl" tests="{len(by_shape)}" failures="{failures}">']
    for shape in sorted(by_shape):
        out.append(f"    <testcase classname=\"shacl\" name={quoteattr(shape)}>")
        for r in by_shape[shape]:
            if SEVERITIES.index(r.severity) >= rank:
                out.append(f"      <failure message={quoteattr(r.message)} type={quoteattr(r.severity)}>"
                           f"{escape(line_of(r))}</failure>")
            else:
                out.append(f"      <system-out>{escape(line_of(r))}</system-out>")
        out.append("    </testcase>")
    out += ["  </testsuite>", "</testsuites>"]
    return "\n".join(out) + "\n"


def render_github(report: ValidationReport, threshold: str) -> str:
    """GitHub Actions workflow commands: ::error / ::warning / ::notice with file and line."""
    kind = {"violation": "error", "warning": "warning", "info": "notice"}
    lines = []
    for r in report.results:
        loc = f" file={r.origin.file},line={r.origin.line},col={r.origin.column}" if r.origin else ""
        title = f"title=SHACL {_short(r.constraint)}"
        field = f"field '{r.field}': " if r.field else ""
        msg = f"{field}{r.message} (value {r.value})" if r.value else f"{field}{r.message}"
        msg = msg.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        lines.append(f"::{kind[r.severity]}{loc},{title}::{msg}" if loc else f"::{kind[r.severity]} {title}::{msg}")
    lines.append(_summary(report, threshold))
    return "\n".join(lines) + "\n"


RENDERERS: dict[str, Callable[[ValidationReport, str], str]] = {
    "text": render_text, "json": render_json, "turtle": render_turtle, "junit": render_junit,
    "github": render_github,
}


def render_report(report: ValidationReport, fmt: str, threshold: str = "violation") -> str:
    return RENDERERS[fmt](report, threshold)
