"""A fast SHACL engine for lacrdf's shapes: SHACL Core constraints compiled to SPARQL on pyoxigraph.

Every constraint of a targeted shape becomes one SPARQL query over the dataset's store that finds the
focus nodes which *may* violate it: a cheap test that is sound (a focus node it lets pass conforms) and
almost always exact. Each candidate is then judged in Python the way pySHACL judges it (value nodes as
rdflib terms, its datatype, comparison and message rules), so the results equal ``validate_pyshacl``'s
(focus, path, value, shape, constraint, severity and message). Only the SHACL Core features used by
shapes/ are supported; a shape using anything else raises ``UnsupportedShape`` naming it."""

from __future__ import annotations

import datetime as dt
import itertools
import logging
import os
import re
import warnings
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pyoxigraph as ox
import rdflib
from rdflib.namespace import NamespaceManager

from lacrdf.checks.results import RawResult
from lacrdf.checks.shapes import shape_name
from lacrdf.errors import InputError
from lacrdf.graph.dataset import Dataset
from lacrdf.progress import SILENT, Reporter

SH = "http://www.w3.org/ns/shacl#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = ox.NamedNode(RDF + "type")

COMPONENTS = {
    "minCount": "MinCountConstraintComponent", "maxCount": "MaxCountConstraintComponent",
    "datatype": "DatatypeConstraintComponent", "class": "ClassConstraintComponent",
    "pattern": "PatternConstraintComponent", "minInclusive": "MinInclusiveConstraintComponent",
    "maxInclusive": "MaxInclusiveConstraintComponent", "languageIn": "LanguageInConstraintComponent",
    "uniqueLang": "UniqueLangConstraintComponent", "lessThanOrEquals": "LessThanOrEqualsConstraintComponent",
    "node": "NodeConstraintComponent", "or": "OrConstraintComponent", "xone": "XoneConstraintComponent",
}
_SHAPE_KEYS = {"targetClass", "path", "property", "severity", "message"}
_DOC_KEYS = {"name", "description", "order", "group"}
_SEVERITIES = {SH + "Violation": "violation", SH + "Warning": "warning", SH + "Info": "info"}
_FOCUS_LEVEL = {"minCount", "maxCount", "uniqueLang", "lessThanOrEquals"}


class UnsupportedShape(InputError):
    """The shapes use a SHACL feature this engine does not implement (use the pyshacl engine)."""


@dataclass(frozen=True, slots=True)
class Constraint:
    """One constraint parameter of a shape, parsed (``param``) and as written (``node``)."""

    kind: str
    param: Any
    node: rdflib.term.Node

    @property
    def component(self) -> str:
        return SH + COMPONENTS[self.kind]


@dataclass(eq=False)
class Shape:
    """A node shape (``path`` None) or a property shape with an IRI path."""

    node: rdflib.term.Node
    name: str
    path: str | None
    targets: tuple[str, ...]
    severity: str
    messages: tuple[str, ...]
    constraints: list[Constraint] = field(default_factory=list)
    properties: list[Shape] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------- compile

class _Compiler:
    """Reads the shapes graph into Shape objects, refusing what the engine cannot evaluate exactly."""

    def __init__(self, graph: rdflib.Graph) -> None:
        self.g = graph
        self.done: dict[rdflib.term.Node, Shape] = {}
        self.stack: list[rdflib.term.Node] = []

    def label(self, node: rdflib.term.Node) -> str:
        return shape_name(node, self.g) or str(node)

    def fail(self, node: rdflib.term.Node, what: str) -> UnsupportedShape:
        return UnsupportedShape(f"shape {self.label(node)}: {what} is not supported by the oxigraph engine "
                                "(use --engine pyshacl)")

    def shape(self, node: rdflib.term.Node, nested: bool = False) -> Shape:
        if node in self.stack:
            raise self.fail(node, "a recursive shape reference")
        if node in self.done:
            shape = self.done[node]
        else:
            self.stack.append(node)
            try:
                shape = self._read(node)
            finally:
                self.stack.pop()
            self.done[node] = shape
        if nested:
            self._check_nested(shape)
        return shape

    def _check_nested(self, shape: Shape) -> None:
        # pySHACL lets a non-violation shape "conform" inside sh:node/sh:or/sh:xone despite its results;
        # rather than copy that corner, such shapes are refused there.
        if shape.severity != "violation":
            raise self.fail(shape.node, f"sh:severity {shape.severity} inside sh:node, sh:or or sh:xone")
        for prop in shape.properties:
            self._check_nested(prop)

    def _one(self, node: rdflib.term.Node, key: str) -> rdflib.term.Node | None:
        values = list(self.g.objects(node, rdflib.URIRef(SH + key)))
        if len(values) > 1:
            raise self.fail(node, f"more than one sh:{key}")
        return values[0] if values else None

    def _read(self, node: rdflib.term.Node) -> Shape:
        g = self.g
        for t in g.objects(node, rdflib.RDF.type):
            if t in (rdflib.RDFS.Class, rdflib.OWL.Class):
                raise self.fail(node, "an implicit class target (a shape that is also a class)")
        path_node = self._one(node, "path")
        if path_node is not None and not isinstance(path_node, rdflib.URIRef):
            raise self.fail(node, "sh:path other than a single IRI")
        targets = []
        for t in g.objects(node, rdflib.URIRef(SH + "targetClass")):
            if not isinstance(t, rdflib.URIRef):
                raise self.fail(node, "sh:targetClass that is not an IRI")
            targets.append(str(t))
        sev_node = self._one(node, "severity")
        if sev_node is not None and str(sev_node) not in _SEVERITIES:
            raise self.fail(node, f"sh:severity {sev_node}")
        severity = _SEVERITIES[str(sev_node)] if sev_node is not None else "violation"
        messages = tuple(str(m) for m in g.objects(node, rdflib.URIRef(SH + "message")))
        shape = Shape(node, shape_name(node, g), str(path_node) if path_node is not None else None,
                      tuple(sorted(targets)), severity, messages)
        for pred in sorted({p for p in g.predicates(node) if str(p).startswith(SH)}, key=str):
            key = str(pred)[len(SH):]
            if key in _SHAPE_KEYS or key in _DOC_KEYS:
                continue
            if key not in COMPONENTS:
                raise self.fail(node, f"sh:{key}")
            obj = self._one(node, key)
            assert obj is not None
            shape.constraints.append(Constraint(key, self._param(node, key, obj), obj))
            if shape.path is None and key in _FOCUS_LEVEL:
                raise self.fail(node, f"sh:{key} on a node shape")
        for prop in sorted(g.objects(node, rdflib.URIRef(SH + "property")), key=str):
            child = self.shape(prop)
            if child.path is None:
                raise self.fail(prop, "sh:property pointing to a shape without sh:path")
            shape.properties.append(child)
        return shape

    def _param(self, node: rdflib.term.Node, key: str, obj: rdflib.term.Node) -> Any:
        if key in ("minCount", "maxCount"):
            if not isinstance(obj, rdflib.Literal) or not isinstance(obj.value, int) or obj.value < 0:
                raise self.fail(node, f"sh:{key} {obj} (not a non-negative integer)")
            return int(obj.value)
        if key in ("datatype", "class", "lessThanOrEquals"):
            if not isinstance(obj, rdflib.URIRef):
                raise self.fail(node, f"sh:{key} that is not an IRI")
            return str(obj)
        if key == "pattern":
            if self._one(node, "flags") is not None:
                raise self.fail(node, "sh:flags")
            if not isinstance(obj, rdflib.Literal):
                raise self.fail(node, "sh:pattern that is not a literal")
            return str(obj.value) if obj.value is not None and len(obj.value) > 1 else str(obj)
        if key in ("minInclusive", "maxInclusive"):
            if not isinstance(obj, rdflib.Literal):
                raise self.fail(node, f"sh:{key} that is not a literal")
            return obj
        if key == "languageIn":
            langs = []
            for item in self.g.items(obj):
                if not isinstance(item, rdflib.Literal) or not isinstance(item.value, str):
                    raise self.fail(node, "sh:languageIn with an item that is not a string")
                langs.append(str(item.value).lower())
            return tuple(langs)
        if key == "uniqueLang":
            if not isinstance(obj, rdflib.Literal) or not isinstance(obj.value, bool):
                raise self.fail(node, "sh:uniqueLang that is not a boolean")
            return bool(obj.value)
        if key == "node":
            return self.shape(obj, nested=True)
        # sh:or / sh:xone: a list of shapes
        members = list(self.g.items(obj))
        if not members:
            raise self.fail(node, f"sh:{key} with an empty or broken list")
        return tuple(self.shape(m, nested=True) for m in members)

    def targeted(self) -> list[Shape]:
        """Every shape the graph declares (read, so unsupported features fail), those with targets first."""
        nodes = set(self.g.subjects(rdflib.URIRef(SH + "targetClass"), None))
        for cls in ("NodeShape", "PropertyShape"):
            nodes.update(self.g.subjects(rdflib.RDF.type, rdflib.URIRef(SH + cls)))
        for pred in self.g.predicates():
            key = str(pred)[len(SH):] if str(pred).startswith(SH) else None
            if key and key.startswith("target") and key != "targetClass":
                raise self.fail(next(self.g.subjects(pred, None)), f"sh:{key}")
        shapes = [self.shape(n) for n in sorted(nodes, key=str)]
        return sorted((s for s in shapes if s.targets), key=lambda s: s.name)


# ---------------------------------------------------------------------------------------------- SPARQL

def _iri(value: str) -> str:
    return str(ox.NamedNode(value))


def _lit(value: str) -> str:
    return str(ox.Literal(value))


def _ok(expr: str) -> str:
    """A boolean test that never errors: an error (unbound, wrong type) counts as 'not certainly ok'."""
    return f"COALESCE({expr}, false)"


# Lexical forms that rdflib certainly parses into a value of the right Python type (else: judged in Python).
_LEXICAL = {
    XSD + "integer": "^[+-]?[0-9]+$",
    XSD + "decimal": "^[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)$",
    XSD + "boolean": "^(true|false)$",
    XSD + "date": "^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])$",
}
# Datatypes rdflib has no converter for: any literal of that datatype passes pySHACL's check.
_UNCHECKED = {XSD + "gYear", XSD + "gYearMonth"}
_SPECIAL = {XSD + "string", RDF + "langString", RDFS + "Literal", RDFS + "Datatype"}


class _Sparql:
    """Builds the candidate queries and the sound 'certainly conforms' / 'certainly fails' tests."""

    def __init__(self, subclasses: Any) -> None:
        self._n = itertools.count()
        self.subclasses = subclasses

    def var(self) -> str:
        return f"?_v{next(self._n)}"

    def is_a(self, x: str, cls: str) -> str:
        t = self.var()
        classes = ", ".join(_iri(c) for c in sorted(self.subclasses(cls)))
        return f"EXISTS {{ {x} {_iri(RDF + 'type')} {t} FILTER({t} IN ({classes})) }}"

    def ok_value(self, c: Constraint, x: str) -> str:
        """True only if value node ``x`` certainly passes the value-level constraint ``c``."""
        k, p = c.kind, c.param
        if k == "datatype":
            if p == XSD + "string":
                return _ok(f"isLiteral({x}) && datatype({x}) = {_iri(p)}")
            if p == RDF + "langString":
                return _ok(f"isLiteral({x}) && lang({x}) != \"\"")
            if p in _UNCHECKED:
                return _ok(f"isLiteral({x}) && datatype({x}) = {_iri(p)}")
            if p in _LEXICAL:
                # year 0000 is refused by Python's date type, hence by rdflib
                year0 = f" && !STRSTARTS(STR({x}), \"0000\")" if p == XSD + "date" else ""
                return _ok(f"isLiteral({x}) && datatype({x}) = {_iri(p)} && "
                           f"REGEX(STR({x}), {_lit(_LEXICAL[p])}){year0}")
            return "false"
        if k == "class":
            return self.is_a(x, p)
        if k == "pattern":
            return _ok(f"(isIRI({x}) || isLiteral({x})) && REGEX(STR({x}), {_lit(p)})")
        if k in ("minInclusive", "maxInclusive"):
            if not isinstance(p.value, (int, Decimal, float)) or isinstance(p.value, bool):
                return "false"
            op = ">=" if k == "minInclusive" else "<="
            return _ok(f"isNumeric({x}) && {x} {op} {p.n3()}")
        if k == "languageIn":
            if not p:
                return "false"
            tests = " || ".join(f"langMatches(lang({x}), {_lit(lang)})" for lang in p)
            return _ok(f"isLiteral({x}) && ({tests})")
        if k == "node":
            return self.conforms(p, x)
        if k == "or":
            return "(" + " || ".join(self.conforms(m, x) for m in p) + ")"
        if k == "xone":
            alternatives = []
            for i, m in enumerate(p):
                others = [self.fails(o, x) for j, o in enumerate(p) if j != i]
                alternatives.append("(" + " && ".join([self.conforms(m, x), *others]) + ")")
            return "(" + " || ".join(alternatives) + ")"
        raise AssertionError(k)  # pragma: no cover - focus-level kinds never get here

    def ok_focus(self, shape: Shape, c: Constraint, f: str) -> str:
        """True only if focus ``f`` certainly passes constraint ``c`` of ``shape``."""
        if shape.path is None:
            return self.ok_value(c, f)
        p = _iri(shape.path)
        y, z = self.var(), self.var()
        if c.kind == "minCount":
            if c.param == 0:
                return "true"
            if c.param == 1:
                return f"EXISTS {{ {f} {p} {y} }}"
            if c.param == 2:
                return f"EXISTS {{ {f} {p} {y}, {z} FILTER(!sameTerm({y}, {z})) }}"
            return "false"
        if c.kind == "maxCount":
            if c.param == 0:
                return f"NOT EXISTS {{ {f} {p} {y} }}"
            if c.param == 1:
                return f"NOT EXISTS {{ {f} {p} {y}, {z} FILTER(!sameTerm({y}, {z})) }}"
            return "false"
        if c.kind == "uniqueLang":
            return "true" if not c.param else f"NOT EXISTS {{ {f} {p} {y}, {z} FILTER({self.same_lang(y, z)}) }}"
        if c.kind == "lessThanOrEquals":
            return f"NOT EXISTS {{ {f} {p} {y} . {f} {_iri(c.param)} {z} FILTER(!{_ok(f'{y} <= {z}')}) }}"
        return f"NOT EXISTS {{ {f} {p} {y} FILTER(!{self.ok_value(c, y)}) }}"

    @staticmethod
    def same_lang(a: str, b: str) -> str:
        return _ok(f"isLiteral({a}) && isLiteral({b}) && !sameTerm({a}, {b}) && lang({a}) != \"\" && "
                   f"LCASE(lang({a})) = LCASE(lang({b}))")

    def conforms(self, shape: Shape, x: str) -> str:
        """True only if ``x`` certainly conforms to ``shape``."""
        tests = [self.ok_focus(shape, c, x) for c in shape.constraints]
        for prop in shape.properties:
            if shape.path is None:
                tests.append(self.conforms(prop, x))
            else:
                y = self.var()
                tests.append(f"NOT EXISTS {{ {x} {_iri(shape.path)} {y} FILTER(!{self.conforms(prop, y)}) }}")
        return "(" + " && ".join(tests) + ")" if tests else "true"

    def fails(self, shape: Shape, x: str) -> str:
        """True only if ``x`` certainly does not conform to ``shape`` (used by sh:xone)."""
        tests = []
        for c in shape.constraints:
            if shape.path is not None and c.kind == "minCount" and c.param > 0:
                tests.append(f"NOT EXISTS {{ {x} {_iri(shape.path)} {self.var()} }}")
            elif shape.path is None and c.kind == "datatype" and c.param not in _SPECIAL:
                tests.append(_ok(f"!isLiteral({x}) || datatype({x}) != {_iri(c.param)}"))
            elif shape.path is None and c.kind == "class":
                tests.append(f"!{self.is_a(x, c.param)}")
        return "(" + " || ".join(tests) + ")" if tests else "false"

    def candidates(self, shape: Shape, c: Constraint, focus: str) -> str | None:
        """A query of the focus nodes (``?this``) that may violate ``c``; None if none can."""
        head = f"SELECT DISTINCT ?this WHERE {{ {focus}"
        if shape.path is None:
            return f"{head} FILTER(!{self.ok_value(c, '?this')}) }}"
        p = _iri(shape.path)
        if c.kind == "minCount":
            if c.param == 0:
                return None
            if c.param == 1:
                return f"{head} FILTER NOT EXISTS {{ ?this {p} ?v }} }}"
            return (f"SELECT ?this WHERE {{ {focus} OPTIONAL {{ ?this {p} ?v }} }} GROUP BY ?this "
                    f"HAVING (COUNT(DISTINCT ?v) < {c.param})")
        if c.kind == "maxCount":
            return (f"SELECT ?this WHERE {{ {focus} ?this {p} ?v }} GROUP BY ?this "
                    f"HAVING (COUNT(DISTINCT ?v) > {c.param})")
        if c.kind == "uniqueLang":
            if not c.param:
                return None
            return f"{head} ?this {p} ?a . ?this {p} ?b FILTER({self.same_lang('?a', '?b')}) }}"
        if c.kind == "lessThanOrEquals":
            return f"{head} ?this {p} ?v . ?this {_iri(c.param)} ?o FILTER(!{_ok('?v <= ?o')}) }}"
        return f"{head} ?this {p} ?v FILTER(!{self.ok_value(c, '?v')}) }}"


# ---------------------------------------------------------------------------------------------- judging

def to_rdflib(term: Any) -> rdflib.term.Node:
    """The rdflib term pySHACL would see for a pyoxigraph term (rdflib normalises some lexical forms)."""
    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return rdflib.BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return rdflib.Literal(term.value, lang=term.language)
        if term.datatype.value == XSD + "string":
            return rdflib.Literal(term.value)
        return rdflib.Literal(term.value, datatype=rdflib.URIRef(term.datatype.value))
    raise UnsupportedShape(f"cannot validate the term {term!r}")


@contextmanager
def _quiet_rdflib() -> Iterator[None]:
    """rdflib logs a traceback for every ill-typed literal it converts; the judge only wants the verdict."""
    logger = logging.getLogger("rdflib.term")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        logger.setLevel(level)


def _text(node: rdflib.term.Node | None) -> str | None:
    """Terms as in RawResult: N-Triples-like ``n3()`` for literals, the plain string otherwise."""
    if node is None:
        return None
    if isinstance(node, rdflib.Literal):
        return node.n3()
    return str(node)


def _actual_datatype(value: rdflib.Literal, rule: str) -> bool:
    v = value.value
    checks: dict[str, Any] = {
        XSD + "string": (str, bytes), RDF + "langString": (str, bytes), XSD + "integer": int,
        XSD + "float": float, XSD + "decimal": Decimal, XSD + "boolean": bool, XSD + "date": dt.date,
        XSD + "time": dt.time, XSD + "dateTime": dt.datetime,
    }
    return isinstance(v, checks[rule]) if rule in checks else True


def datatype_ok(v: rdflib.term.Node, rule: str) -> bool:
    """pySHACL's sh:datatype test."""
    if not isinstance(v, rdflib.Literal):
        return False
    if v.datatype is not None and str(v.datatype) == rule:
        return False if getattr(v, "ill_typed", None) is True else _actual_datatype(v, rule)
    if rule == RDFS + "Literal":
        return True
    if rule == RDFS + "Datatype" and v.datatype:
        return True
    if v.datatype is None and v.language is None and rule == XSD + "string":
        return _actual_datatype(v, rule)
    if rule == RDF + "langString" and v.language:
        return _actual_datatype(v, rule)
    return False


def _compare(a: rdflib.Literal, b: rdflib.Literal) -> int:
    """pySHACL's compare_literal."""
    if a.eq(b):
        return 0
    if a.value.__class__ in (dt.datetime, dt.time):
        if a.value == b.value:
            return 0
        if a.value > b.value:
            return 1
    elif a > b:
        return 1
    return -1


def range_ok(v: rdflib.term.Node, bound: rdflib.Literal, kind: str) -> bool:
    """pySHACL's sh:minInclusive / sh:maxInclusive test."""
    if not isinstance(v, rdflib.Literal):
        return False
    if isinstance(bound.value, str) != isinstance(v.value, str):
        return False
    try:
        cmp = _compare(v, bound)
    except (TypeError, NotImplementedError):
        return False
    return cmp >= 0 if kind == "minInclusive" else cmp <= 0


def _string_of(v: rdflib.term.Node) -> str:
    if isinstance(v, rdflib.Literal) and v.value is not None and (
            v.datatype is None or str(v.datatype) in (RDF + "langString", XSD + "string")):
        return str(v.value)
    return str(v)


def ltoe_ok(v: rdflib.term.Node, other: rdflib.term.Node) -> bool:
    """pySHACL's sh:lessThanOrEquals test for one pair of values."""
    def plain(node: rdflib.term.Node) -> tuple[Any, bool]:
        if isinstance(node, rdflib.URIRef):
            return str(node), True
        if isinstance(node, rdflib.Literal) and isinstance(node.value, str):
            return node.value, True
        return node, False

    (a, a_str), (b, b_str) = plain(v), plain(other)
    if a_str != b_str:
        return False
    try:
        return bool(a <= b)
    except TypeError:  # not comparable (an ill-typed literal): the comparison is not true (pySHACL crashes)
        return False


class _Stringify:
    """pySHACL's stringify_node for messages, with rdflib's default prefixes (as pySHACL sees them)."""

    def __init__(self, shapes: rdflib.Graph) -> None:
        self.shapes = shapes
        self.nsm = NamespaceManager(rdflib.Graph())
        self.nsm.bind("sh", rdflib.URIRef(SH), override=False, replace=False)

    def __call__(self, node: rdflib.term.Node, graph: rdflib.Graph | None = None, depth: int = 0) -> str:
        if isinstance(node, rdflib.Literal):
            return self.literal(node)
        if isinstance(node, rdflib.BNode):
            return self.blank(node, graph if graph is not None else self.shapes, depth + 1)
        if isinstance(node, rdflib.URIRef):
            try:
                return node.n3(namespace_manager=self.nsm)
            except Exception:  # noqa: BLE001 - pySHACL falls back to the plain IRI the same way
                return str(node)
        return str(node)

    def literal(self, node: rdflib.Literal) -> str:
        value = None if node.value is None else str(node.value)
        lexical = str(node)
        if value is not None and value.find(" object at 0x") > 0:
            value = value[: value.find(" object at 0x")]
        text = f'"{lexical}" = {value}' if value is not None and value != lexical else f'"{lexical}"'
        lang = f", lang={node.language}" if node.language else ""
        dtype = f", datatype={self(node.datatype)}" if node.datatype else ""
        return f"Literal({text}{lang}{dtype})"

    def blank(self, node: rdflib.BNode, graph: rdflib.Graph, depth: int) -> str:
        if depth >= 12:
            return "<http://recursion.too.deep>"
        predicates = list(graph.predicates(node))
        if not predicates:
            return "[ ]"
        if rdflib.RDF.first in predicates:
            return "( {} )".format(" ".join(self(i, graph, depth) for i in graph.items(node)))
        parts: dict[str, str] = {}
        for p in predicates:
            objs = sorted(self(o, graph, depth) for o in graph.objects(node, p))
            if objs:
                parts[p.n3(namespace_manager=self.nsm)] = ", ".join(objs)
        inner = " ; ".join(f"{p} {o}" for p, o in sorted(parts.items()))
        return f"[ {inner} ]"


class _Judge:
    """Exact, pySHACL-equal evaluation of one shape or constraint at one focus node, on the store."""

    def __init__(self, store: ox.Store, shapes: rdflib.Graph, subclasses: Any) -> None:
        self.store = store
        self.shapes = shapes
        self.subclasses = subclasses
        self.text = _Stringify(shapes)
        self._patterns: dict[str, re.Pattern[str]] = {}

    def values(self, focus: ox.NamedNode | ox.Literal, path: str) -> list[tuple[Any, rdflib.term.Node]]:
        if isinstance(focus, ox.Literal):
            return []
        seen: dict[rdflib.term.Node, Any] = {}
        for q in self.store.quads_for_pattern(focus, ox.NamedNode(path), None, None):
            seen.setdefault(to_rdflib(q.object), q.object)
        return [(o, r) for r, o in seen.items()]

    def is_a(self, v: Any, cls: str) -> bool:
        if isinstance(v, ox.Literal):
            return False
        classes = self.subclasses(cls)
        return any(isinstance(q.object, ox.NamedNode) and q.object.value in classes
                   for q in self.store.quads_for_pattern(v, RDF_TYPE, None, None))

    def validate(self, shape: Shape, focus: Any) -> list[RawResult]:
        """Every result of ``shape`` at ``focus`` (a pyoxigraph term), nested results included."""
        out: list[RawResult] = []
        for c in shape.constraints:
            out.extend(self.check(shape, c, focus))
        for prop in shape.properties:
            if shape.path is None:
                out.extend(self.validate(prop, focus))
            else:
                for v, _ in self.values(focus, shape.path):
                    out.extend(self.validate(prop, v))
        return out

    def conforms(self, shape: Shape, focus: Any) -> bool:
        return not self.validate(shape, focus)

    def check(self, shape: Shape, c: Constraint, focus: Any) -> list[RawResult]:
        """The results of one constraint at one focus node."""
        with _quiet_rdflib():
            f = to_rdflib(focus)
            values = [(focus, f)] if shape.path is None else self.values(focus, shape.path)
            return list(self._check(shape, c, focus, f, values))

    def _result(self, shape: Shape, c: Constraint, f: rdflib.term.Node, v: rdflib.term.Node | None) -> RawResult:
        message = sorted(shape.messages)[0] if shape.messages else self.message(shape, c, f, v)
        return RawResult(focus=_text(f) or "", path=shape.path, value=_text(v), shape=shape.name,
                         constraint=c.component, severity=shape.severity, message=message)

    def _check(self, shape: Shape, c: Constraint, focus: Any, f: rdflib.term.Node,
               values: list[tuple[Any, rdflib.term.Node]]) -> Iterable[RawResult]:
        k, p = c.kind, c.param
        if k == "minCount":
            if len(values) < p:
                yield self._result(shape, c, f, None)
        elif k == "maxCount":
            if len(values) > p:
                yield self._result(shape, c, f, None)
        elif k == "uniqueLang":
            seen: set[str] = set()
            dupes: set[str] = set()
            for _, v in values:
                if p and isinstance(v, rdflib.Literal) and v.language:
                    lang = str(v.language).lower()
                    (dupes if lang in seen else seen).add(lang)
            for _ in sorted(dupes):
                yield self._result(shape, c, f, None)
        elif k == "lessThanOrEquals":
            others = [r for _, r in self.values(focus, p)]
            for _, v in values:
                if isinstance(v, rdflib.BNode):
                    raise UnsupportedShape("sh:lessThanOrEquals on a blank node")
                for o in others:
                    if not ltoe_ok(v, o):
                        yield self._result(shape, c, f, v)
        elif k == "node":
            for ov, v in values:
                nested = self.validate(p, ov)
                if nested:
                    yield self._result(shape, c, f, v)
                    yield from nested
        else:
            for ov, v in values:
                if not self.value_ok(c, ov, v):
                    yield self._result(shape, c, f, v)

    def value_ok(self, c: Constraint, ov: Any, v: rdflib.term.Node) -> bool:
        k, p = c.kind, c.param
        if k == "datatype":
            return datatype_ok(v, p)
        if k == "class":
            return not isinstance(v, rdflib.Literal) and self.is_a(ov, p)
        if k == "pattern":
            if isinstance(v, rdflib.BNode):
                return False
            regex = self._patterns.get(p) or self._patterns.setdefault(p, re.compile(p))
            return regex.search(_string_of(v)) is not None
        if k in ("minInclusive", "maxInclusive"):
            if isinstance(v, rdflib.BNode):
                return False
            return range_ok(v, p, k)
        if k == "languageIn":
            if not isinstance(v, rdflib.Literal) or not v.language:
                return False
            lang = str(v.language).lower()
            return "*" in p or lang in p or lang.split("-")[0] in p
        if k == "or":
            return any(self.conforms(m, ov) for m in p)
        if k == "xone":
            return sum(1 for m in p if self.conforms(m, ov)) == 1
        raise AssertionError(k)  # pragma: no cover

    def message(self, shape: Shape, c: Constraint, f: rdflib.term.Node, v: rdflib.term.Node | None) -> str:
        """pySHACL's generic message for a constraint without sh:message."""
        s, k = self.text, c.kind
        path = s(rdflib.URIRef(shape.path)) if shape.path else None
        where = f"{s(f)}->{path}" if path else s(f)
        if k == "minCount":
            return f"Less than {c.param} values on {where}"
        if k == "maxCount":
            return f"More than {c.param} values on {where}"
        if k == "datatype":
            return f"Value is not Literal with datatype {s(c.node)}"
        if k == "class":
            return f"Value does not have class {s(c.node)}"
        if k == "pattern":
            return f"Value does not match pattern '{c.node.value if isinstance(c.node, rdflib.Literal) else c.node}'"
        if k == "minInclusive":
            return f"Value is not >= {s(c.node)}"
        if k == "maxInclusive":
            return f"Value is not <= {s(c.node)}"
        if k == "languageIn":
            return f"String language is not in {s(c.node)}"
        if k == "uniqueLang":
            return "More than one String shares the same Language"
        if k == "lessThanOrEquals":
            return f"Value of {s(f)}->{s(rdflib.URIRef(c.param))} <= {s(v) if v is not None else None}"
        if k == "node":
            return f"Value does not conform to Shape {s(c.node)}. See details for more information."
        members = " , ".join(s(m) for m in self.shapes.items(c.node))
        which = "one or more shapes" if k == "or" else "exactly one shape"
        return f"Node {s(v) if v is not None else None} must conform to {which} in {members}"


# ---------------------------------------------------------------------------------------------- driver

class _Engine:
    def __init__(self, store: ox.Store, shapes: rdflib.Graph) -> None:
        self.store = store
        self._subclasses: dict[str, frozenset[str]] = {}
        self.sparql = _Sparql(self.subclasses)
        self.judge = _Judge(store, shapes, self.subclasses)
        self.queries = 0

    def subclasses(self, cls: str) -> frozenset[str]:
        """``cls`` and every class below it (rdfs:subClassOf*), from the data and ontology graphs."""
        if cls not in self._subclasses:
            rows = self.query(f"SELECT DISTINCT ?c WHERE {{ ?c <{RDFS}subClassOf>* {_iri(cls)} }}")
            self._subclasses[cls] = frozenset({cls} | {r.value for r in rows})
        return self._subclasses[cls]

    def query(self, text: str) -> list[Any]:
        self.queries += 1
        try:
            solutions = self.store.query(text, use_default_graph_as_union=True)
        except SyntaxError as exc:  # pragma: no cover - a bug in the compiler, not in the data
            raise UnsupportedShape(f"the oxigraph engine built a bad query: {exc}\n{text}") from None
        return [s[0] for s in solutions]  # type: ignore[union-attr]

    def focus_of(self, shape: Shape, context_graph: str | None = None) -> str:
        classes = sorted(set().union(*(self.subclasses(c) for c in shape.targets)))
        values = " ".join(_iri(c) for c in classes)
        typed = f"?this {_iri(RDF + 'type')} ?_class"
        if context_graph is not None:  # nodes typed only in the context graph are not focus nodes
            typed = f"GRAPH ?_g {{ {typed} }} FILTER(?_g != {_iri(context_graph)})"
        return f"{{ SELECT DISTINCT ?this WHERE {{ VALUES ?_class {{ {values} }} {typed} }} }}"

    def tasks(self, shape: Shape, focus: str) -> Iterator[tuple[Shape, Constraint, str]]:
        """(shape, constraint, focus pattern) of every constraint to check, property shapes included."""
        for c in shape.constraints:
            yield shape, c, focus
        for prop in shape.properties:
            if shape.path is None:
                yield from self.tasks(prop, focus)
            else:
                outer = self.sparql.var()
                inner = (f"{{ SELECT DISTINCT ?this WHERE {{ {focus.replace('?this', outer)} "
                         f"{outer} {_iri(shape.path)} ?this }} }}")
                yield from self.tasks(prop, inner)

    def check(self, task: tuple[Shape, Constraint, str]) -> list[RawResult]:
        """One candidate query, then the exact judgement of each candidate."""
        shape, c, focus = task
        query = self.sparql.candidates(shape, c, focus)
        if query is None:
            return []
        return [r for node in self.query(query) for r in self.judge.check(shape, c, node)]


def validate_oxigraph(ds: Dataset | ox.Store, shapes: rdflib.Graph, *, progress: Reporter = SILENT,
                      workers: int | None = None, context_graph: str | None = None) -> list[RawResult]:
    """SHACL validation of the dataset (all graphs, the ontology's class hierarchy included) on its
    pyoxigraph store; the same results as ``lacrdf.validate.validate_pyshacl``, sorted. ``progress``
    tracks the targeted shapes.

    The constraints are checked by ``workers`` threads (default: up to 2, one per core): pyoxigraph
    evaluates a query without holding the GIL, and the results do not depend on the order.

    ``context_graph`` names a graph whose nodes are context only (the types of what an incremental build's
    changed files reference): its triples are seen, but a node typed only there is not a focus node."""
    targeted = _Compiler(shapes).targeted()
    engine = _Engine(ds if isinstance(ds, ox.Store) else ds.store, shapes)
    tasks = [t for shape in targeted for t in engine.tasks(shape, engine.focus_of(shape, context_graph))]
    results: set[RawResult] = set()
    count = workers or min(2, os.cpu_count() or 1)
    if count <= 1:
        for task in progress.track(tasks, "validating (oxigraph)", len(tasks)):
            results.update(engine.check(task))
    else:
        with ThreadPoolExecutor(count) as pool:
            for found in progress.track(pool.map(engine.check, tasks), "validating (oxigraph)", len(tasks)):
                results.update(found)
    return sorted(results, key=lambda r: (r.focus, r.path or "", r.value or "", r.constraint, r.shape,
                                          r.message))
