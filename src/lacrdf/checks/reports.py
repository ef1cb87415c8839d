"""Renderings of a validation report: text, JSON, SHACL Turtle (sh:ValidationReport), JUnit XML and GitHub
workflow annotations. All render the same sorted list of results."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Sequence
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

from lacrdf.checks.results import ValidationReport, ValidationResult
from lacrdf.errors import RecordError, RecordErrors, escape_controls

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


def detail_lines(r: ValidationResult, depth: int = 1) -> list[str]:
    """The results that explain ``r`` (sh:detail), one indented line each, below its own line."""
    return [ln for d in r.details for ln in ("  " * depth + "detail: " + line_of(d), *detail_lines(d, depth + 1))]


def render_text(report: ValidationReport, threshold: str) -> str:
    lines = [ln for r in report.results for ln in (line_of(r), *detail_lines(r))]
    lines.append(_summary(report, threshold))
    return "\n".join(lines) + "\n"


def _as_dict(r: ValidationResult) -> dict[str, object]:
    return {
        "file": r.origin.file if r.origin else None, "line": r.origin.line if r.origin else None,
        "column": r.origin.column if r.origin else None, "record": r.record, "field": r.field,
        "severity": r.severity, "message": r.message, "focus": r.focus, "path": r.path, "value": r.value,
        "shape": r.shape, "constraint": r.constraint, "details": [_as_dict(d) for d in r.details],
    }


def render_json(report: ValidationReport, threshold: str) -> str:
    # conforms: SHACL's sh:conforms (no result at all); passes: no result at or above threshold (exit code 0)
    doc = {"conforms": report.shacl_conforms, "passes": report.conforms(threshold), "threshold": threshold,
           "counts": {"record_errors": 0, **report.counts()}, "record_errors": [],
           "results": [_as_dict(r) for r in report.results]}
    return json.dumps(doc, indent=1, ensure_ascii=False) + "\n"


def render_turtle(report: ValidationReport, threshold: str) -> str:
    """A standard sh:ValidationReport. sh:conforms is SHACL's (true only with no result at all, whatever
    ``threshold``); result nodes get IRIs numbered in report order, the results that explain one are its
    sh:detail; blank nodes only stand for an anonymous shape and the parts of a path that is not an IRI,
    labelled after their result (the same report is the same text)."""
    base = "urn:lacrdf:validation:"
    rep = ox.NamedNode(base + "report")
    t: list[ox.Triple] = []
    N = ox.NamedNode
    rdf_type = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
    add = _adder(t)
    add(rep, rdf_type, N(SH + "ValidationReport"))
    add(rep, SH + "conforms", ox.Literal("true" if report.shacl_conforms else "false",
                                         datatype=N("http://www.w3.org/2001/XMLSchema#boolean")))
    for i, r in enumerate(report.results, 1):
        node = N(f"{base}result/{i}")
        add(rep, SH + "result", node)
        _turtle_result(t, node, r)
    return ox.serialize(t, format=ox.RdfFormat.TURTLE, prefixes={"sh": SH}).decode("utf-8")


def _adder(t: list[ox.Triple]) -> Callable[[ox.NamedNode | ox.BlankNode, str, ox.NamedNode | ox.BlankNode | ox.Literal],
                                           None]:
    def add(s: ox.NamedNode | ox.BlankNode, p: str, o: ox.NamedNode | ox.BlankNode | ox.Literal) -> None:
        t.append(ox.Triple(s, ox.NamedNode(p), o))
    return add


def _turtle_result(t: list[ox.Triple], node: ox.NamedNode, r: ValidationResult) -> None:
    """The triples of one sh:ValidationResult at ``node``, and of its details below it."""
    from lacrdf.checks.results import SEVERITIES, is_complex_path

    N = ox.NamedNode
    add = _adder(t)
    tag = node.value.rsplit(":", 1)[-1].replace("/", "-")  # result-3-detail-1
    add(node, "http://www.w3.org/1999/02/22-rdf-syntax-ns#type", N(SH + "ValidationResult"))
    add(node, SH + "focusNode", _value_term(r.focus))
    if is_complex_path(r.path):
        try:
            add(node, SH + "resultPath", _path_node(t, r.path or "", tag))
        except ValueError:  # a path an engine could not read back ("(complex path)")
            pass
    elif r.path and isinstance(_value_term(r.path), ox.NamedNode):
        add(node, SH + "resultPath", N(r.path))
    add(node, SH + "resultSeverity", N(SH + r.severity.capitalize()) if r.severity in SEVERITIES else N(r.severity))
    add(node, SH + "sourceConstraintComponent", N(r.constraint))
    shape = _value_term(r.shape)  # an IRI, or a name such as "ex:Shape / ex:path" for a blank shape
    add(node, SH + "sourceShape", shape if isinstance(shape, ox.NamedNode) else ox.BlankNode(f"{tag}-shape"))
    if r.message:
        add(node, SH + "resultMessage", ox.Literal(r.message))
    if r.value is not None:
        add(node, SH + "value", _value_term(r.value))
    if r.origin:
        add(node, "http://www.w3.org/2000/01/rdf-schema#comment",
            ox.Literal(f"{r.origin}" + (f" field {r.field}" if r.field else "")))
    for j, d in enumerate(r.details, 1):
        child = N(f"{node.value}/detail/{j}")
        add(node, SH + "detail", child)
        _turtle_result(t, child, d)


def _path_node(t: list[ox.Triple], text: str, tag: str) -> ox.NamedNode | ox.BlankNode:
    """The SHACL path (blank nodes and lists) of a result's ``path_text``, blank nodes labelled ``tag-path-N``."""
    from lacrdf.checks.results import parse_path

    rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
    add = _adder(t)
    count = iter(range(1, 10**6))

    def blank() -> ox.BlankNode:
        return ox.BlankNode(f"{tag}-path-{next(count)}")

    def build(tree: tuple[object, ...]) -> ox.NamedNode | ox.BlankNode:
        kind, arg = tree
        if kind == "iri":
            return ox.NamedNode(str(arg))
        node = blank()
        if kind in ("seq", "alt"):
            items = [build(x) for x in arg]  # type: ignore[attr-defined]
            head: ox.NamedNode | ox.BlankNode = ox.NamedNode(rdf + "nil")
            for item in reversed(items):
                cell = blank()
                add(cell, rdf + "first", item)
                add(cell, rdf + "rest", head)
                head = cell
            if kind == "seq":
                return head
            add(node, SH + "alternativePath", head)
            return node
        add(node, SH + ("inversePath" if kind == "inv" else f"{kind}Path"), build(arg))  # type: ignore[arg-type]
        return node

    return build(parse_path(text))


def _value_term(text: str) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """A term of a result (see RawResult): an N-Triples literal, ``_:label`` or an IRI."""
    if text.startswith('"'):
        try:
            obj = next(iter(ox.parse(f"<urn:s> <urn:p> {text} .", format=ox.RdfFormat.N_TRIPLES))).object
            if isinstance(obj, ox.Literal):
                return obj
        except (SyntaxError, StopIteration):
            pass
        return ox.Literal(text)
    if text.startswith("_:"):
        return ox.BlankNode(text[2:]) if text[2:] else ox.BlankNode()
    try:
        return ox.NamedNode(text)
    except ValueError:
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
        loc = "" if not r.origin else (f" file={r.origin.file},line={r.origin.line},col={r.origin.column}"
                                       if r.origin.line else f" file={r.origin.file}")
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


# ---------------------------------------------------------------------------------------------- record errors
# When records are wrong, nothing is validated: every format then reports the record errors (all of them,
# sorted by file and line), so a CI job always gets a report it can read and annotate, never an empty file.

RECORD_CHECK = "https://w3id.org/lacrdf/checks#"


def _record_dict(e: RecordError) -> dict[str, object]:
    return {"file": e.file, "line": e.line, "column": e.column, "record": e.record, "field": e.field,
            "message": e.message, "hint": e.hint, "text": e.render()}


def _record_summary(errors: Sequence[RecordError]) -> str:
    files = len({e.file for e in errors})
    return (f"{len(errors)} record error{'s' if len(errors) != 1 else ''} in {files} file{'s' if files != 1 else ''}: "
            "nothing was validated (exit 2)")


def render_record_errors(errors: Sequence[RecordError], fmt: str, threshold: str = "violation") -> str:
    """Record errors in the report format ``fmt``; the text format shows at most MAX_SHOWN lines and the
    count of the rest (the other formats carry all of them)."""
    errors = sorted(errors, key=lambda e: (e.file, e.line, e.column, e.message))
    if fmt == "text":  # as every other command prints them: one line each, capped, with a summary
        return RecordErrors(errors).render() + "\n"
    if fmt == "json":
        doc = {"conforms": False, "passes": False, "threshold": threshold,
               "counts": {"record_errors": len(errors), "violation": 0, "warning": 0, "info": 0},
               "record_errors": [_record_dict(e) for e in errors], "results": []}
        return json.dumps(doc, indent=1, ensure_ascii=False) + "\n"
    if fmt == "turtle":
        return _record_turtle(errors)
    if fmt == "junit":
        out = ['<?xml version="1.0" encoding="UTF-8"?>',
               f'<testsuites name="lacrdf validate" tests="{len(errors)}" failures="{len(errors)}">',
               f'  <testsuite name="records" tests="{len(errors)}" failures="{len(errors)}">']
        for e in errors:
            name = f"{e.file}:{e.line}:{e.column}" + (f" {e.record}" if e.record else "") + (
                f" {e.field}" if e.field else "")
            out.append(f'    <testcase classname="records" name={quoteattr(name)} file={quoteattr(e.file)} '
                       f'line="{e.line}">')
            out.append(f"      <failure message={quoteattr(escape_controls(e.message))} type=\"record error\">"
                       f"{escape(escape_controls(e.render()))}</failure>")
            out.append("    </testcase>")
        out += ["  </testsuite>", "</testsuites>"]
        return "\n".join(out) + "\n"
    if fmt == "github":
        lines = []
        for e in errors:
            text = (f"record '{e.record}': " if e.record else "") + (f"field '{e.field}': " if e.field else "")
            text += e.message + (f" ({e.hint})" if e.hint else "")
            text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
            loc = f"file={_gh_property(e.file)},line={e.line},col={e.column}"
            lines.append(f"::error {loc},title=lacrdf record error::{text}")
        lines.append(_record_summary(errors))
        return "\n".join(lines) + "\n"
    raise ValueError(f"unknown report format {fmt!r}")  # pragma: no cover - click restricts the choice


def _gh_property(text: str) -> str:
    """A workflow-command property value: %, CR, LF, ':' and ',' escaped as GitHub documents."""
    return (text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A").replace(":", "%3A")
            .replace(",", "%2C"))


def _record_turtle(errors: Sequence[RecordError]) -> str:
    """A sh:ValidationReport that does not conform, one result per record error: the shapes could not be
    applied, so each result names lacrdf's record check as its source (not a SHACL shape) and the
    record (or file) as its focus; the place is in rdfs:comment, as for SHACL results."""
    from urllib.parse import quote

    N = ox.NamedNode
    rdf_type = N("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    base = "urn:lacrdf:validation:"
    rep = N(base + "report")
    t = [ox.Triple(rep, rdf_type, N(SH + "ValidationReport")),
         ox.Triple(rep, N(SH + "conforms"), ox.Literal("false", datatype=N("http://www.w3.org/2001/XMLSchema#boolean")))]
    for i, e in enumerate(errors, 1):
        node = N(f"{base}record-error/{i}")
        focus = N(f"urn:lacrdf:record:{quote(e.record, safe='')}" if e.record else
                  f"urn:lacrdf:file:{quote(e.file, safe='/')}")
        t.insert(1 + i, ox.Triple(rep, N(SH + "result"), node))
        t += [ox.Triple(node, rdf_type, N(SH + "ValidationResult")),
              ox.Triple(node, N(SH + "focusNode"), focus),
              ox.Triple(node, N(SH + "resultSeverity"), N(SH + "Violation")),
              ox.Triple(node, N(SH + "sourceConstraintComponent"), N(RECORD_CHECK + "RecordCheck")),
              ox.Triple(node, N(SH + "sourceShape"), N(RECORD_CHECK + "records")),
              ox.Triple(node, N(SH + "resultMessage"),
                        ox.Literal(e.message + (f" ({e.hint})" if e.hint else ""))),
              ox.Triple(node, N("http://www.w3.org/2000/01/rdf-schema#comment"),
                        ox.Literal(f"{e.file}:{e.line}:{e.column}" + (f" field {e.field}" if e.field else "")))]
    return ox.serialize(t, format=ox.RdfFormat.TURTLE, prefixes={"sh": SH}).decode("utf-8")

