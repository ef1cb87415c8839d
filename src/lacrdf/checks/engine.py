"""A fast SHACL engine for lacrdf's shapes: SHACL Core constraints compiled to SPARQL on pyoxigraph.

Every constraint of a targeted shape becomes one SPARQL query over the dataset's store that finds the
focus nodes which *may* violate it: a cheap test that is sound (a focus node it lets pass conforms) and
almost always exact. Each candidate is then judged in Python. The judge follows the SHACL spec (checked
against the W3C core test suite by tests/test_shacl_suite.py) and, where the spec leaves room (messages,
comparisons of ill-typed values), pySHACL, so that on lacrdf's shapes the results equal
``validate_pyshacl``'s (tests/test_engine_diff.py) except where pySHACL departs from the spec: sh:datatype
follows the XSD 1.1 lexical spaces (year 0000 is a year) and values are reported exactly as written.

A pyoxigraph store rewrites some literals (``"01"^^xsd:integer`` is stored as ``"1"``, ``"1e3"^^xsd:double``
as ``"1000"``, ``xsd:byte`` as ``xsd:integer``); given the quads as written (a ``Dataset`` keeps them), the
engine judges and reports those instead. (lacrdf's own records convert to literals a store keeps as they
are, so a build, which validates its store, loses nothing.) SHACL Core is supported except recursive shapes and the
SPARQL-based features; a shape using those raises ``UnsupportedShape`` naming the feature."""

from __future__ import annotations

import itertools
import logging
import os
import re
import warnings
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pyoxigraph as ox
import rdflib
from rdflib.namespace import NamespaceManager

from lacrdf.checks.results import PathTree, RawResult, path_text
from lacrdf.checks.shapes import shape_name
from lacrdf.errors import InputError
from lacrdf.graph.dataset import Dataset
from lacrdf.progress import SILENT, Reporter

SH = "http://www.w3.org/ns/shacl#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = ox.NamedNode(RDF + "type")

COMPONENTS = {
    "minCount": "MinCountConstraintComponent", "maxCount": "MaxCountConstraintComponent",
    "datatype": "DatatypeConstraintComponent", "class": "ClassConstraintComponent",
    "nodeKind": "NodeKindConstraintComponent", "pattern": "PatternConstraintComponent",
    "minInclusive": "MinInclusiveConstraintComponent", "maxInclusive": "MaxInclusiveConstraintComponent",
    "minExclusive": "MinExclusiveConstraintComponent", "maxExclusive": "MaxExclusiveConstraintComponent",
    "minLength": "MinLengthConstraintComponent", "maxLength": "MaxLengthConstraintComponent",
    "languageIn": "LanguageInConstraintComponent", "uniqueLang": "UniqueLangConstraintComponent",
    "equals": "EqualsConstraintComponent", "disjoint": "DisjointConstraintComponent",
    "lessThan": "LessThanConstraintComponent", "lessThanOrEquals": "LessThanOrEqualsConstraintComponent",
    "node": "NodeConstraintComponent", "not": "NotConstraintComponent", "and": "AndConstraintComponent",
    "or": "OrConstraintComponent", "xone": "XoneConstraintComponent", "hasValue": "HasValueConstraintComponent",
    "in": "InConstraintComponent", "closed": "ClosedConstraintComponent",
    "qualifiedMinCount": "QualifiedMinCountConstraintComponent",
    "qualifiedMaxCount": "QualifiedMaxCountConstraintComponent",
}
_TARGETS = {"targetClass", "targetNode", "targetSubjectsOf", "targetObjectsOf"}
# parameters read with the constraint they belong to (sh:flags with sh:pattern, ...), or not constraints
_SHAPE_KEYS = {"path", "property", "severity", "message", "deactivated", "flags", "ignoredProperties",
               "qualifiedValueShape", "qualifiedValueShapesDisjoint", "qualifiedMinCount", "qualifiedMaxCount",
               *_TARGETS}
_DOC_KEYS = {"name", "description", "order", "group", "defaultValue"}
# constraints whose parameter may have several values, each a constraint of its own
_MULTI = {"class", "datatype", "node", "not", "and", "or", "xone", "hasValue", "equals", "disjoint", "lessThan",
          "lessThanOrEquals", "pattern"}
_SEVERITIES = {SH + "Violation": "violation", SH + "Warning": "warning", SH + "Info": "info"}
_FOCUS_LEVEL = {"minCount", "maxCount", "uniqueLang", "lessThanOrEquals", "lessThan", "qualifiedMinCount",
                "qualifiedMaxCount"}
# constraints evaluated on all the value nodes at once (each result names the focus node, or no value)
_ALL_VALUES = _FOCUS_LEVEL | {"hasValue", "equals", "disjoint"}
# constraints a store's rewriting of literals (see the module docstring) can change the verdict of
_LEXICAL_KINDS = {"datatype", "pattern", "minLength", "maxLength", "minCount", "maxCount", "in", "hasValue",
                  "equals", "disjoint", "closed"}
_COMPARISONS = {"minInclusive": ">=", "maxInclusive": "<=", "minExclusive": ">", "maxExclusive": "<"}


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
    """A node shape (``path`` None) or a property shape: ``path`` is its IRI or, for any other SHACL path,
    the path's SPARQL text (``sparql`` is the SPARQL path either way)."""

    node: rdflib.term.Node
    name: str
    path: str | None
    targets: tuple[str, ...]
    severity: str
    messages: tuple[str, ...]
    constraints: list[Constraint] = field(default_factory=list)
    properties: list[Shape] = field(default_factory=list)
    sparql: str | None = None
    simple: bool = True
    nullable: bool = False  # the path may have length zero: the focus node is one of its values
    nodes: tuple[ox.NamedNode | ox.Literal, ...] = ()  # sh:targetNode
    subjects_of: tuple[str, ...] = ()
    objects_of: tuple[str, ...] = ()

    @property
    def targeted(self) -> bool:
        return bool(self.targets or self.nodes or self.subjects_of or self.objects_of)


def shacl_path(graph: rdflib.Graph, node: rdflib.term.Node, depth: int = 0) -> PathTree:
    """The SHACL property path at ``node`` of ``graph`` (see ``PathTree``); ValueError if it is not one."""
    if depth > 32:
        raise ValueError("a path nested too deep")
    if isinstance(node, rdflib.URIRef):
        return ("iri", str(node))
    if not isinstance(node, rdflib.BNode):
        raise ValueError(f"{node} is not a path")
    if graph.value(node, rdflib.RDF.first) is not None:
        items = tuple(shacl_path(graph, i, depth + 1) for i in graph.items(node))
        if len(items) < 2:
            raise ValueError("a sequence path of fewer than two members")
        return ("seq", items)
    found = [(str(p)[len(SH):], o) for p, o in graph.predicate_objects(node) if str(p).startswith(SH)]
    if len(found) != 1:
        raise ValueError("a blank node path with no or several path operators")
    kind, arg = found[0]
    if kind == "alternativePath":
        items = tuple(shacl_path(graph, i, depth + 1) for i in graph.items(arg))
        if len(items) < 2:
            raise ValueError("an alternative path of fewer than two members")
        return ("alt", items)
    if kind == "inversePath":
        return ("inv", shacl_path(graph, arg, depth + 1))
    if kind in ("zeroOrMorePath", "oneOrMorePath", "zeroOrOnePath"):
        return (kind[:-4], shacl_path(graph, arg, depth + 1))
    raise ValueError(f"sh:{kind} is not a path operator")


def shape_label(node: rdflib.term.Node | None, graph: rdflib.Graph) -> str:
    """``shape_name``, except that a blank shape never gets a name that reads as an IRI or holds a blank
    node label: a blank property shape of a blank shape is "(property shape on PATH)", and a path that is
    not an IRI is written as its ``path_text``."""
    if not isinstance(node, rdflib.BNode):
        return shape_name(node, graph)
    path_node = graph.value(node, rdflib.URIRef(SH + "path"))
    try:
        tree = shacl_path(graph, path_node) if path_node is not None else None
    except ValueError:
        tree = None
    path = None if tree is None else tree[1] if tree[0] == "iri" else path_text(tree)
    parents = sorted(graph.subjects(rdflib.URIRef(SH + "property"), node), key=str)
    if path and parents and isinstance(parents[0], rdflib.URIRef):
        return f"{parents[0]} / {path}"
    return f"(property shape on {path})" if path else "(anonymous shape)"


def _nullable(tree: PathTree) -> bool:
    kind, arg = tree
    if kind in ("zeroOrMore", "zeroOrOne"):
        return True
    if kind == "seq":
        return all(_nullable(t) for t in arg)
    if kind == "alt":
        return any(_nullable(t) for t in arg)
    return kind != "iri" and _nullable(arg)


# ---------------------------------------------------------------------------------------------- compile

def _ox_term(node: rdflib.term.Node) -> ox.NamedNode | ox.Literal:
    if isinstance(node, rdflib.URIRef):
        return ox.NamedNode(str(node))
    if isinstance(node, rdflib.Literal):
        if node.language:
            return ox.Literal(str(node), language=node.language)
        return ox.Literal(str(node), datatype=ox.NamedNode(str(node.datatype)) if node.datatype else None)
    raise ValueError(f"{node} is a blank node")


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

    def shape(self, node: rdflib.term.Node) -> Shape:
        if node in self.stack:
            raise self.fail(node, "a recursive shape reference")
        if node not in self.done:
            self.stack.append(node)
            try:
                self.done[node] = self._read(node)
            finally:
                self.stack.pop()
        return self.done[node]

    def _values(self, node: rdflib.term.Node, key: str) -> list[rdflib.term.Node]:
        return sorted(self.g.objects(node, rdflib.URIRef(SH + key)), key=lambda o: (type(o).__name__, str(o)))

    def _one(self, node: rdflib.term.Node, key: str) -> rdflib.term.Node | None:
        values = self._values(node, key)
        if len(values) > 1:
            raise self.fail(node, f"more than one sh:{key}")
        return values[0] if values else None

    def _true(self, node: rdflib.term.Node, key: str) -> bool:
        value = self._one(node, key)
        return isinstance(value, rdflib.Literal) and value.value is True

    def _name(self, node: rdflib.term.Node) -> str:
        return shape_label(node, self.g)

    def _read(self, node: rdflib.term.Node) -> Shape:
        g = self.g
        path_node = self._one(node, "path")
        tree: PathTree | None = None
        if path_node is not None:
            try:
                tree = shacl_path(g, path_node)
            except ValueError as exc:
                raise self.fail(node, f"sh:path ({exc})") from None
        targets: list[str] = []
        for t in self._values(node, "targetClass"):
            if not isinstance(t, rdflib.URIRef):
                raise self.fail(node, "sh:targetClass that is not an IRI")
            targets.append(str(t))
        if isinstance(node, rdflib.URIRef) and self._implicit_class(node):
            targets.append(str(node))
        nodes = []
        for t in self._values(node, "targetNode"):
            if isinstance(t, rdflib.BNode):
                raise self.fail(node, "sh:targetNode that is a blank node")
            nodes.append(_ox_term(t))
        linked: dict[str, list[str]] = {}
        for key in ("targetSubjectsOf", "targetObjectsOf"):
            for t in self._values(node, key):
                if not isinstance(t, rdflib.URIRef):
                    raise self.fail(node, f"sh:{key} that is not an IRI")
                linked.setdefault(key, []).append(str(t))
        sev_node = self._one(node, "severity")
        if sev_node is not None and not isinstance(sev_node, rdflib.URIRef):
            raise self.fail(node, f"sh:severity {sev_node} (not an IRI)")
        severity = _SEVERITIES.get(str(sev_node), str(sev_node)) if sev_node is not None else "violation"
        messages = tuple(sorted(str(m) for m in g.objects(node, rdflib.URIRef(SH + "message"))))
        shape = Shape(node, self._name(node), None, tuple(sorted(set(targets))), severity, messages,
                      nodes=tuple(nodes), subjects_of=tuple(linked.get("targetSubjectsOf", ())),
                      objects_of=tuple(linked.get("targetObjectsOf", ())))
        if tree is not None:
            shape.simple = tree[0] == "iri"
            shape.path = tree[1] if shape.simple else path_text(tree)
            shape.sparql = path_text(tree)
            shape.nullable = _nullable(tree)
        if self._true(node, "deactivated"):
            return shape  # a deactivated shape reports nothing and every node conforms to it
        for pred in sorted({p for p in g.predicates(node) if str(p).startswith(SH)}, key=str):
            key = str(pred)[len(SH):]
            if key in _SHAPE_KEYS or key in _DOC_KEYS:
                continue
            if key.startswith("target"):
                raise self.fail(node, f"sh:{key}")
            if key not in COMPONENTS:
                raise self.fail(node, f"sh:{key}")
            objs = self._values(node, key) if key in _MULTI else [self._one(node, key)]
            for obj in objs:
                assert obj is not None
                constraint = Constraint(key, self._param(node, key, obj), obj)
                if key != "closed" or constraint.param is not None:
                    shape.constraints.append(constraint)
            if shape.path is None and key in _FOCUS_LEVEL:
                raise self.fail(node, f"sh:{key} on a node shape")
        for q in self._values(node, "qualifiedValueShape"):
            shape.constraints.extend(self._qualified(node, q))
        for prop in sorted(g.objects(node, rdflib.URIRef(SH + "property")), key=str):
            child = self.shape(prop)
            if child.path is None:
                raise self.fail(prop, "sh:property pointing to a shape without sh:path")
            shape.properties.append(child)
        return shape

    def _implicit_class(self, node: rdflib.URIRef) -> bool:
        types = set(self.g.objects(node, rdflib.RDF.type))
        shapes = {rdflib.URIRef(SH + "NodeShape"), rdflib.URIRef(SH + "PropertyShape")}
        classes = {rdflib.RDFS.Class, rdflib.OWL.Class}
        classes.update(self.g.transitive_subjects(rdflib.RDFS.subClassOf, rdflib.RDFS.Class))
        return bool(types & shapes) and bool(types & classes)

    def _qualified(self, node: rdflib.term.Node, q: rdflib.term.Node) -> list[Constraint]:
        if self.g.value(node, rdflib.URIRef(SH + "path")) is None:
            raise self.fail(node, "sh:qualifiedValueShape on a node shape")
        shape = self.shape(q)
        siblings: list[Shape] = []
        if self._true(node, "qualifiedValueShapesDisjoint"):
            for parent in self.g.subjects(rdflib.URIRef(SH + "property"), node):
                for other in self.g.objects(parent, rdflib.URIRef(SH + "property")):
                    for oq in self.g.objects(other, rdflib.URIRef(SH + "qualifiedValueShape")):
                        if oq != q:
                            siblings.append(self.shape(oq))
        out = []
        for key in ("qualifiedMinCount", "qualifiedMaxCount"):
            count = self._one(node, key)
            if count is None:
                continue
            if not isinstance(count, rdflib.Literal) or not isinstance(count.value, int):
                raise self.fail(node, f"sh:{key} {count} (not an integer)")
            out.append(Constraint(key, (shape, int(count.value), tuple(siblings)), q))
        return out

    def _list(self, node: rdflib.term.Node, key: str, obj: rdflib.term.Node) -> list[rdflib.term.Node]:
        if obj != rdflib.RDF.nil and self.g.value(obj, rdflib.RDF.first) is None:
            raise self.fail(node, f"sh:{key} that is not a list")
        return list(self.g.items(obj))

    def _param(self, node: rdflib.term.Node, key: str, obj: rdflib.term.Node) -> Any:
        if key in ("minCount", "maxCount", "minLength", "maxLength"):
            if not isinstance(obj, rdflib.Literal) or not isinstance(obj.value, int) or obj.value < 0:
                raise self.fail(node, f"sh:{key} {obj} (not a non-negative integer)")
            return int(obj.value)
        if key in ("datatype", "class", "lessThanOrEquals", "lessThan", "equals", "disjoint", "nodeKind"):
            if not isinstance(obj, rdflib.URIRef):
                raise self.fail(node, f"sh:{key} that is not an IRI")
            return str(obj)
        if key == "pattern":
            if not isinstance(obj, rdflib.Literal):
                raise self.fail(node, "sh:pattern that is not a literal")
            flags = self._one(node, "flags")
            text = str(obj.value) if obj.value is not None and len(obj.value) > 1 else str(obj)
            return text if flags is None else (text, str(flags))
        if key in _COMPARISONS:
            if not isinstance(obj, rdflib.Literal):
                raise self.fail(node, f"sh:{key} that is not a literal")
            return obj
        if key == "languageIn":
            langs = []
            for item in self._list(node, key, obj):
                if not isinstance(item, rdflib.Literal) or not isinstance(item.value, str):
                    raise self.fail(node, "sh:languageIn with an item that is not a string")
                langs.append(str(item.value).lower())
            return tuple(langs)
        if key == "uniqueLang":
            if not isinstance(obj, rdflib.Literal) or not isinstance(obj.value, bool):
                raise self.fail(node, "sh:uniqueLang that is not a boolean")
            return str(obj) == "true"  # the spec's value is true: "1"^^xsd:boolean leaves it inactive
        if key == "hasValue":
            if isinstance(obj, rdflib.BNode):
                raise self.fail(node, "sh:hasValue that is a blank node")
            return obj
        if key == "in":
            items = self._list(node, key, obj)
            if any(isinstance(i, rdflib.BNode) for i in items):
                raise self.fail(node, "sh:in with a blank node")
            return tuple(items)
        if key == "closed":
            if not isinstance(obj, rdflib.Literal) or obj.value is not True:
                return None
            ignored = self._one(node, "ignoredProperties")
            allowed = {str(i) for i in self._list(node, "ignoredProperties", ignored)} if ignored is not None else set()
            for prop in self.g.objects(node, rdflib.URIRef(SH + "property")):
                path = self.g.value(prop, rdflib.URIRef(SH + "path"))
                if isinstance(path, rdflib.URIRef):
                    allowed.add(str(path))
            return frozenset(allowed)
        if key in ("node", "not"):
            return self.shape(obj)
        # sh:and / sh:or / sh:xone: a list of shapes
        members = self._list(node, key, obj)
        if not members:
            raise self.fail(node, f"sh:{key} with an empty or broken list")
        return tuple(self.shape(m) for m in members)

    def targeted(self) -> list[Shape]:
        """Every shape the graph declares (read, so unsupported features fail), those with targets first."""
        nodes: set[rdflib.term.Node] = set()
        for key in _TARGETS:
            nodes.update(self.g.subjects(rdflib.URIRef(SH + key), None))
        for cls in ("NodeShape", "PropertyShape"):
            nodes.update(self.g.subjects(rdflib.RDF.type, rdflib.URIRef(SH + cls)))
        for pred in self.g.predicates():
            key = str(pred)[len(SH):] if str(pred).startswith(SH) else None
            if key and key.startswith("target") and key not in _TARGETS:
                raise self.fail(next(self.g.subjects(pred, None)), f"sh:{key}")
        shapes = [self.shape(n) for n in sorted(nodes, key=str)]
        return sorted((s for s in shapes if s.targeted), key=lambda s: s.name)


# ---------------------------------------------------------------------------------------------- XSD 1.1

_YEAR = r"(?P<y>-?(?:[1-9][0-9]{3,}|0[0-9]{3}))"
_MONTH = r"(?P<m>0[1-9]|1[0-2])"
_DAY = r"(?P<d>0[1-9]|[12][0-9]|3[01])"
_TZ = r"(?:Z|[+-](?:(?:0[0-9]|1[0-3]):[0-5][0-9]|14:00))"
_TIME = r"(?:(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\.[0-9]+)?|24:00:00(?:\.0+)?)"
_DECIMAL = r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)"
_FLOAT = rf"(?:{_DECIMAL}(?:[eE][+-]?[0-9]+)?|[+-]?INF|NaN)"
_DAYTIME = r"(?:[0-9]+D)?(?:T(?=[0-9])(?:[0-9]+H)?(?:[0-9]+M)?(?:[0-9]+(?:\.[0-9]+)?S)?)?"
_NAME_START = "A-Z_a-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c\u200d\u2070-\u218f" \
              "\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd"
_NAME_CHAR = _NAME_START + r"\-.0-9\u00b7\u0300-\u036f\u203f-\u2040"
_XSD_LEXICAL = {name: re.compile(rf"(?:{rx})\Z") for name, rx in {
    "string": r"[^\x00-\x08\x0b\x0c\x0e-\x1f]*", "anyURI": r"[^\x00-\x08\x0b\x0c\x0e-\x1f]*",
    "normalizedString": r"[^\r\n\t]*", "token": r"(?:[^\s]+(?: [^\s]+)*)?",
    "language": r"[a-zA-Z]{1,8}(?:-[a-zA-Z0-9]{1,8})*",
    "NMTOKEN": rf"[:{_NAME_CHAR}]+", "Name": rf"[:{_NAME_START}][:{_NAME_CHAR}]*",
    "NCName": rf"[{_NAME_START}][{_NAME_CHAR}]*",
    "boolean": r"true|false|1|0", "decimal": _DECIMAL, "integer": r"[+-]?[0-9]+",
    "float": _FLOAT, "double": _FLOAT,
    "duration": rf"-?P(?=[0-9]|T[0-9])(?:[0-9]+Y)?(?:[0-9]+M)?{_DAYTIME}",
    "dayTimeDuration": rf"-?P(?=[0-9]|T[0-9]){_DAYTIME}", "yearMonthDuration": r"-?P(?=[0-9])(?:[0-9]+Y)?(?:[0-9]+M)?",
    "dateTime": rf"{_YEAR}-{_MONTH}-{_DAY}T{_TIME}{_TZ}?", "dateTimeStamp": rf"{_YEAR}-{_MONTH}-{_DAY}T{_TIME}{_TZ}",
    "date": rf"{_YEAR}-{_MONTH}-{_DAY}{_TZ}?", "time": rf"{_TIME}{_TZ}?",
    "gYear": rf"{_YEAR}{_TZ}?", "gYearMonth": rf"{_YEAR}-{_MONTH}{_TZ}?", "gMonth": rf"--{_MONTH}{_TZ}?",
    "gDay": rf"---{_DAY}{_TZ}?", "gMonthDay": rf"--{_MONTH}-{_DAY}{_TZ}?",
    "hexBinary": r"(?:[0-9a-fA-F]{2})*",
    "base64Binary": r"(?:(?:[A-Za-z0-9+/] ?){4})*(?:(?:[A-Za-z0-9+/] ?){2}[AEIMQUYcgkosw048] ?=|"
                    r"(?:[A-Za-z0-9+/] ?)[AQgw] ?= ?=)?",
}.items()}
_XSD_LEXICAL.update({name: _XSD_LEXICAL["integer"] for name in (
    "nonPositiveInteger", "negativeInteger", "long", "int", "short", "byte", "nonNegativeInteger",
    "unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte", "positiveInteger")})
_XSD_RANGES = {
    "nonPositiveInteger": (None, 0), "negativeInteger": (None, -1), "long": (-2**63, 2**63 - 1),
    "int": (-2**31, 2**31 - 1), "short": (-2**15, 2**15 - 1), "byte": (-128, 127), "nonNegativeInteger": (0, None),
    "unsignedLong": (0, 2**64 - 1), "unsignedInt": (0, 2**32 - 1), "unsignedShort": (0, 2**16 - 1),
    "unsignedByte": (0, 255), "positiveInteger": (1, None),
}
_DAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def xsd_lexical_ok(lexical: str, datatype: str) -> bool | None:
    """Whether ``lexical`` is in the XSD 1.1 lexical space of ``datatype`` (None: not an XSD datatype
    this checks). XSD 1.1 has a year 0000 (1 BCE, a leap year) and years beyond 9999."""
    if not datatype.startswith(XSD):
        return None
    name = datatype[len(XSD):]
    rx = _XSD_LEXICAL.get(name)
    if rx is None:
        return None
    match = rx.match(lexical)
    if match is None:
        return False
    if name in _XSD_RANGES:
        low, high = _XSD_RANGES[name]
        value = int(lexical)
        return (low is None or value >= low) and (high is None or value <= high)
    groups = match.groupdict()
    if groups.get("d") and groups.get("m"):
        month, day = int(groups["m"]), int(groups["d"])
        if day > _DAYS[month - 1]:
            return False
        if month == 2 and day == 29 and groups.get("y"):
            year = int(groups["y"])
            return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    return True


# ---------------------------------------------------------------------------------------------- SPARQL

def _iri(value: str) -> str:
    return str(ox.NamedNode(value))


def _lit(value: str) -> str:
    return str(ox.Literal(value))


def _ok(expr: str) -> str:
    """A boolean test that never errors: an error (unbound, wrong type) counts as 'not certainly ok'."""
    return f"COALESCE({expr}, false)"


# Lexical forms certainly in the XSD 1.1 lexical space of their datatype (others: judged in Python).
_LEXICAL = {
    XSD + "integer": "^[+-]?[0-9]+$",
    XSD + "decimal": "^[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)$",
    XSD + "boolean": "^(true|false)$",
    XSD + "date": "^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])$",
    XSD + "gYear": "^[0-9]{4}$",
    XSD + "gYearMonth": "^[0-9]{4}-(0[1-9]|1[0-2])$",
    XSD + "gMonthDay": "^--(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])$",
}


class _Sparql:
    """Builds the candidate queries and the sound 'certainly conforms' / 'certainly fails' tests.

    ``altered`` holds the predicates of triples whose literal the store rewrote: constraints whose verdict
    depends on the exact term (``_LEXICAL_KINDS``) are then left to the judge, which sees the term as
    written."""

    def __init__(self, subclasses: Any, altered: frozenset[str] = frozenset()) -> None:
        self._n = itertools.count()
        self.subclasses = subclasses
        self.altered = altered

    def var(self) -> str:
        return f"?_v{next(self._n)}"

    def is_a(self, x: str, cls: str) -> str:
        t = self.var()
        classes = ", ".join(_iri(c) for c in sorted(self.subclasses(cls)))
        return f"EXISTS {{ {x} {_iri(RDF + 'type')} {t} FILTER({t} IN ({classes})) }}"

    def _judge_only(self, shape: Shape, c: Constraint | None) -> bool:
        """True if only the judge can decide ``c`` of a property shape (None: its property shapes)."""
        if shape.path is not None and not shape.simple:
            return True
        if c is None or c.kind not in _LEXICAL_KINDS or not self.altered:
            return False
        return shape.path is None or shape.path in self.altered

    def ok_value(self, c: Constraint, x: str, exact: bool = False) -> str:
        """True only if value node ``x`` certainly passes the value-level constraint ``c`` (``exact``: the
        store holds ``x`` as written)."""
        k, p = c.kind, c.param
        if self.altered and not exact and k in _LEXICAL_KINDS:
            return "false"
        if k == "datatype":
            if p == XSD + "string":
                return _ok(f"isLiteral({x}) && datatype({x}) = {_iri(p)}")
            if p == RDF + "langString":
                return _ok(f"isLiteral({x}) && lang({x}) != \"\"")
            if p in _LEXICAL:
                return _ok(f"isLiteral({x}) && datatype({x}) = {_iri(p)} && REGEX(STR({x}), {_lit(_LEXICAL[p])})")
            if xsd_lexical_ok("", p) is None and p != RDF + "langString":  # a datatype with no lexical check
                return _ok(f"isLiteral({x}) && datatype({x}) = {_iri(p)}")
            return "false"
        if k == "class":
            return self.is_a(x, p)
        if k == "pattern" and isinstance(p, str):
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
        return "false"  # the other constraints are judged in Python for every value

    def ok_focus(self, shape: Shape, c: Constraint, f: str) -> str:
        """True only if focus ``f`` certainly passes constraint ``c`` of ``shape``."""
        if shape.path is None:
            return self.ok_value(c, f)
        if self._judge_only(shape, c):
            return "false"
        p = shape.sparql
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
        if c.kind in _ALL_VALUES:
            return "false"
        return f"NOT EXISTS {{ {f} {p} {y} FILTER(!{self.ok_value(c, y, exact=True)}) }}"

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
            elif self._judge_only(shape, None):
                tests.append("false")
            else:
                y = self.var()
                tests.append(f"NOT EXISTS {{ {x} {shape.sparql} {y} FILTER(!{self.conforms(prop, y)}) }}")
        return "(" + " && ".join(tests) + ")" if tests else "true"

    def fails(self, shape: Shape, x: str) -> str:
        """True only if ``x`` certainly does not conform to ``shape`` (used by sh:xone)."""
        tests = []
        for c in shape.constraints:
            if shape.path is not None and shape.simple and c.kind == "minCount" and c.param > 0:
                tests.append(f"NOT EXISTS {{ {x} {shape.sparql} {self.var()} }}")
            elif shape.path is None and c.kind == "datatype" and not self.altered:
                tests.append(_ok(f"!isLiteral({x}) || datatype({x}) != {_iri(c.param)}"))
            elif shape.path is None and c.kind == "class":
                tests.append(f"!{self.is_a(x, c.param)}")
        return "(" + " || ".join(tests) + ")" if tests else "false"

    def candidates(self, shape: Shape, c: Constraint, focus: str) -> str | None:
        """A query of the focus nodes (``?this``) that may violate ``c``; None if none can."""
        head = f"SELECT DISTINCT ?this WHERE {{ {focus}"
        if shape.path is None:
            return f"{head} FILTER(!{self.ok_value(c, '?this')}) }}"
        if self._judge_only(shape, c):
            return f"{head} }}"
        p = shape.sparql
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
        if c.kind in _ALL_VALUES:
            return f"{head} }}"
        return f"{head} ?this {p} ?v FILTER(!{self.ok_value(c, '?v', exact=True)}) }}"


# ---------------------------------------------------------------------------------------------- judging

def to_rdflib(term: Any) -> rdflib.term.Node:
    """The rdflib term for a pyoxigraph term, its lexical form kept as written (not normalised)."""
    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return rdflib.BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return rdflib.Literal(term.value, lang=term.language, normalize=False)
        if term.datatype.value == XSD + "string":
            return rdflib.Literal(term.value, normalize=False)
        return rdflib.Literal(term.value, datatype=rdflib.URIRef(term.datatype.value), normalize=False)
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
    """Terms as in RawResult: N-Triples-like ``n3()`` for literals, ``_:label`` for blank nodes, the plain
    IRI otherwise."""
    if node is None:
        return None
    if isinstance(node, rdflib.Literal):
        return node.n3()
    if isinstance(node, rdflib.BNode):
        return f"_:{node}"
    return str(node)


def datatype_ok(v: rdflib.term.Node, rule: str) -> bool:
    """sh:datatype: a literal of datatype ``rule`` whose lexical form is in the datatype's XSD 1.1 lexical
    space (for the XSD datatypes ``xsd_lexical_ok`` knows; any lexical form for the others)."""
    if not isinstance(v, rdflib.Literal):
        return False
    actual = str(v.datatype) if v.datatype else RDF + "langString" if v.language else XSD + "string"
    if actual != rule:
        return False
    if rule == RDF + "langString":
        return bool(v.language)
    return xsd_lexical_ok(str(v), rule) is not False


def _lang_matches(lang: str, ranges: tuple[str, ...]) -> bool:
    """SPARQL's langMatches (RFC 4647 basic filtering) against any of the ranges."""
    lang = lang.lower()
    return any((r == "*" and lang) or lang == r or lang.startswith(r + "-") for r in ranges)


def _node_kind_ok(v: rdflib.term.Node, kind: str) -> bool:
    name = ("BlankNode" if isinstance(v, rdflib.BNode) else "IRI" if isinstance(v, rdflib.URIRef) else "Literal")
    allowed = {"BlankNode": {"BlankNode"}, "IRI": {"IRI"}, "Literal": {"Literal"},
               "BlankNodeOrIRI": {"BlankNode", "IRI"}, "BlankNodeOrLiteral": {"BlankNode", "Literal"},
               "IRIOrLiteral": {"IRI", "Literal"}}.get(kind[len(SH):] if kind.startswith(SH) else "", set())
    return name in allowed


def _string_of(v: rdflib.term.Node) -> str:
    if isinstance(v, rdflib.Literal) and v.value is not None and (
            v.datatype is None or str(v.datatype) in (RDF + "langString", XSD + "string")):
        return str(v.value)
    return str(v)


_FLAGS = {"i": re.IGNORECASE, "m": re.MULTILINE, "s": re.DOTALL, "x": re.VERBOSE}


def _regex(param: str | tuple[str, str]) -> re.Pattern[str]:
    """sh:pattern with its sh:flags (XPath flags: i, m, s, x, and q for a pattern taken literally)."""
    text, flags = (param, "") if isinstance(param, str) else param
    if "q" in flags:
        text = re.escape(text)
    value = 0
    for f in flags:
        value |= _FLAGS.get(f, 0)
    return re.compile(text, value)


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


Originals = Mapping[tuple[Any, ox.NamedNode, ox.Literal], tuple[ox.Literal, ...]]


def _result_key(r: RawResult) -> tuple[str, str, str, str, str, str]:
    return (r.focus, r.path or "", r.value or "", r.constraint, r.shape, r.message)


class _Judge:
    """Exact evaluation of one shape or constraint at one focus node, on the store (with the literals as
    written, ``originals``)."""

    def __init__(self, store: ox.Store, shapes: rdflib.Graph, subclasses: Any, originals: Originals) -> None:
        self.store = store
        self.shapes = shapes
        self.subclasses = subclasses
        self.originals = originals
        self.text = _Stringify(shapes)
        self._patterns: dict[Any, re.Pattern[str]] = {}
        self._compared: dict[tuple[Any, str, Any], bool] = {}

    def objects(self, focus: Any, predicate: ox.NamedNode) -> list[tuple[Any, rdflib.term.Node]]:
        """The distinct objects of ``focus`` by ``predicate`` as written: (pyoxigraph term, rdflib term)."""
        if isinstance(focus, ox.Literal):
            return []
        seen: dict[rdflib.term.Node, Any] = {}
        for q in self.store.quads_for_pattern(focus, predicate, None, None):
            for o in self.written(focus, predicate, q.object):
                seen.setdefault(to_rdflib(o), o)
        return [(o, r) for r, o in seen.items()]

    def written(self, s: Any, p: ox.NamedNode, o: Any) -> tuple[Any, ...]:
        if self.originals and isinstance(o, ox.Literal):
            return self.originals.get((s, p, o), (o,))
        return (o,)

    def values(self, focus: Any, shape: Shape) -> list[tuple[Any, rdflib.term.Node]]:
        """The value nodes of ``shape`` at ``focus``."""
        if shape.path is None:
            return [(focus, to_rdflib(focus))]
        if shape.simple:
            return self.objects(focus, ox.NamedNode(shape.path))
        # values of a complex path come from the store as it holds them (the last triple is not known)
        rows = self.store.query(f"SELECT ?f ?v WHERE {{ ?f {shape.sparql} ?v }}", use_default_graph_as_union=True,
                                substitutions={ox.Variable("f"): focus})
        seen: dict[rdflib.term.Node, Any] = {}
        if shape.nullable:  # a zero-length path reaches the focus node, in the graph or not
            seen[to_rdflib(focus)] = focus
        for row in rows:  # type: ignore[union-attr]
            seen.setdefault(to_rdflib(row["v"]), row["v"])
        return [(o, r) for r, o in seen.items()]

    def is_a(self, v: Any, cls: str) -> bool:
        if isinstance(v, ox.Literal):
            return False
        classes = self.subclasses(cls)
        return any(isinstance(q.object, ox.NamedNode) and q.object.value in classes
                   for q in self.store.quads_for_pattern(v, RDF_TYPE, None, None))

    def compare(self, a: Any, op: str, b: Any) -> bool:
        """SPARQL's ``a op b`` (false when the terms cannot be compared)."""
        key = (a, op, b)
        if key not in self._compared:
            if isinstance(a, ox.BlankNode) or isinstance(b, ox.BlankNode):
                self._compared[key] = False
            else:
                rows = list(self.store.query(f"SELECT ?a ?b ((?a {op} ?b) AS ?r) WHERE {{}}",
                                             substitutions={ox.Variable("a"): a, ox.Variable("b"): b}))
                r = rows[0]["r"] if rows else None  # type: ignore[index]
                self._compared[key] = isinstance(r, ox.Literal) and r.value == "true"
        return self._compared[key]

    def validate(self, shape: Shape, focus: Any) -> list[RawResult]:
        """Every result of ``shape`` at ``focus`` (a pyoxigraph term), nested results included."""
        out: list[RawResult] = []
        for c in shape.constraints:
            out.extend(self.check(shape, c, focus))
        for prop in shape.properties:
            if shape.path is None:
                out.extend(self.validate(prop, focus))
            else:
                for v, _ in self.values(focus, shape):
                    out.extend(self.validate(prop, v))
        return out

    def conforms(self, shape: Shape, focus: Any) -> bool:
        return not self.validate(shape, focus)

    def check(self, shape: Shape, c: Constraint, focus: Any) -> list[RawResult]:
        """The results of one constraint at one focus node."""
        with _quiet_rdflib():
            f = to_rdflib(focus)
            return list(self._check(shape, c, focus, f, self.values(focus, shape)))

    def _result(self, shape: Shape, c: Constraint, f: rdflib.term.Node, v: rdflib.term.Node | None,
                path: str | None = None, details: Iterable[RawResult] = (),
                other: rdflib.term.Node | None = None) -> RawResult:
        message = shape.messages[0] if shape.messages else self.message(shape, c, f, v, other)
        return RawResult(focus=_text(f) or "", path=path or shape.path, value=_text(v), shape=shape.name,
                         constraint=c.component, severity=shape.severity, message=message,
                         details=tuple(sorted(details, key=_result_key)))

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
        elif k in ("lessThanOrEquals", "lessThan"):
            op = "<=" if k == "lessThanOrEquals" else "<"
            others = self.objects(focus, ox.NamedNode(p))
            for ov, v in values:
                for oo, o in others:
                    if not self.compare(ov, op, oo):
                        yield self._result(shape, c, f, v, other=o)
        elif k in ("equals", "disjoint"):
            others = {r: o for o, r in self.objects(focus, ox.NamedNode(p))}
            mine = {v for _, v in values}
            if k == "disjoint":
                yield from (self._result(shape, c, f, v) for v in sorted(mine & set(others), key=str))
            else:
                yield from (self._result(shape, c, f, v) for v in sorted(mine ^ set(others), key=str))
        elif k == "hasValue":
            if p not in {v for _, v in values}:
                yield self._result(shape, c, f, None)
        elif k in ("qualifiedMinCount", "qualifiedMaxCount"):
            qshape, count, siblings = p
            n = sum(1 for ov, _ in values if self.conforms(qshape, ov)
                    and not any(self.conforms(s, ov) for s in siblings))
            if (n < count) if k == "qualifiedMinCount" else (n > count):
                yield self._result(shape, c, f, None)
        elif k == "closed":
            for ov, _v in values:
                if isinstance(ov, ox.Literal):
                    continue
                for q in self.store.quads_for_pattern(ov, None, None, None):
                    if q.predicate.value not in p:
                        for o in self.written(ov, q.predicate, q.object):
                            yield self._result(shape, c, to_rdflib(ov), to_rdflib(o), path=q.predicate.value)
        elif k == "node":
            for ov, v in values:
                nested = self.validate(p, ov)
                if nested:
                    yield self._result(shape, c, f, v, details=nested)
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
        if k == "nodeKind":
            return _node_kind_ok(v, p)
        if k == "pattern":
            if isinstance(v, rdflib.BNode):
                return False
            regex = self._patterns.get(p) or self._patterns.setdefault(p, _regex(p))
            return regex.search(_string_of(v)) is not None
        if k in _COMPARISONS:
            return self.compare(ov, _COMPARISONS[k], _ox_term(p))
        if k in ("minLength", "maxLength"):
            if isinstance(v, rdflib.BNode):
                return False
            return len(str(v)) >= p if k == "minLength" else len(str(v)) <= p
        if k == "languageIn":
            return isinstance(v, rdflib.Literal) and bool(v.language) and _lang_matches(str(v.language), p)
        if k == "in":
            return v in p
        if k == "not":
            return not self.conforms(p, ov)
        if k == "and":
            return all(self.conforms(m, ov) for m in p)
        if k == "or":
            return any(self.conforms(m, ov) for m in p)
        if k == "xone":
            return sum(1 for m in p if self.conforms(m, ov)) == 1
        raise AssertionError(k)  # pragma: no cover

    def message(self, shape: Shape, c: Constraint, f: rdflib.term.Node, v: rdflib.term.Node | None,
                other: rdflib.term.Node | None = None) -> str:
        """pySHACL's generic message for a constraint without sh:message (``other``: the value of
        sh:lessThan's property that ``v`` is compared with)."""
        s, k = self.text, c.kind
        path = (s(rdflib.URIRef(shape.path)) if shape.simple else shape.path) if shape.path else None
        where = f"{s(f)}->{path}" if path else s(f)
        value = s(v) if v is not None else None
        if k == "minCount":
            return f"Less than {c.param} values on {where}"
        if k == "maxCount":
            return f"More than {c.param} values on {where}"
        if k == "datatype":
            return f"Value is not Literal with datatype {s(c.node)}"
        if k == "class":
            return f"Value does not have class {s(c.node)}"
        if k == "nodeKind":
            return f"Value is not of Node Kind {s(c.node)}"
        if k == "pattern":
            return f"Value does not match pattern '{c.node.value if isinstance(c.node, rdflib.Literal) else c.node}'"
        if k in _COMPARISONS:
            return f"Value is not {_COMPARISONS[k]} {s(c.node)}"
        if k in ("minLength", "maxLength"):
            return f"String length not {'>=' if k == 'minLength' else '<='} {c.param}"
        if k == "languageIn":
            return f"String language is not in {s(c.node)}"
        if k == "uniqueLang":
            return "More than one String shares the same Language"
        if k == "lessThanOrEquals":
            return f"Value of {s(f)}->{s(rdflib.URIRef(c.param))} <= {value}"
        if k == "lessThan":  # one result per pair of values: the message names both
            return f"Value {value} of {where} is not < {s(other) if other is not None else None}, a value of " \
                   f"{s(f)}->{s(rdflib.URIRef(c.param))}"
        if k == "equals":
            return f"Value of {where} != {value}"
        if k == "disjoint":
            return f"Value of {where} == {value}"
        if k == "hasValue":
            return f"Value {s(c.node)} is not among the values of {where}"
        if k == "in":
            return f"Value {value} not in list {s(c.node)}"
        if k == "closed":
            return f"Node {s(f)} is closed. It cannot have value: {value}"
        if k in ("qualifiedMinCount", "qualifiedMaxCount"):
            which = "Less" if k == "qualifiedMinCount" else "More"
            return f"Focus node {s(f)} does not conform to the qualified value shape: {which} than {c.param[1]} " \
                   f"values conform to {s(c.node)}"
        if k == "node":
            return f"Value does not conform to Shape {s(c.node)}. See details for more information."
        if k == "not":
            return f"Node {value} conforms to shape {s(c.node)}"
        members = " , ".join(s(m) for m in self.shapes.items(c.node))
        which = {"or": "one or more shapes", "xone": "exactly one shape", "and": "all shapes"}[k]
        return f"Node {value} must conform to {which} in {members}"


# ---------------------------------------------------------------------------------------------- driver

def _stored(literals: Iterable[ox.Literal]) -> dict[ox.Literal, ox.Literal]:
    """Each literal -> the literal a pyoxigraph store holds for it."""
    distinct = sorted(set(literals), key=str)
    scratch = ox.Store()
    pred = ox.NamedNode("urn:lacrdf:value")
    scratch.extend(ox.Quad(ox.NamedNode(f"urn:lacrdf:{i}"), pred, lit) for i, lit in enumerate(distinct))
    return {distinct[int(q.subject.value.rsplit(":", 1)[1])]: q.object for q in scratch}  # type: ignore[misc]


def originals_of(quads: Iterable[ox.Quad]) -> dict[tuple[Any, ox.NamedNode, ox.Literal], tuple[ox.Literal, ...]]:
    """(subject, predicate, literal as a store holds it) -> the literals as written, for the triples whose
    literal a pyoxigraph store rewrites (or that it merges with another)."""
    written = [(q.subject, q.predicate, q.object) for q in quads if isinstance(q.object, ox.Literal)
               and not q.object.language and q.object.datatype.value != XSD + "string"]
    stored = _stored(o for _, _, o in written)
    groups: dict[tuple[Any, ox.NamedNode, ox.Literal], set[ox.Literal]] = defaultdict(set)
    for s, p, o in written:
        groups[(s, p, stored[o])].add(o)  # type: ignore[index]
    return {key: tuple(sorted(group, key=str)) for key, group in groups.items() if group != {key[2]}}


class _Engine:
    def __init__(self, store: ox.Store, shapes: rdflib.Graph, originals: Originals | None = None) -> None:
        self.store = store
        self._subclasses: dict[str, frozenset[str]] = {}
        originals = originals or {}
        self.sparql = _Sparql(self.subclasses, frozenset(p.value for _, p, _ in originals))
        self.judge = _Judge(store, shapes, self.subclasses, originals)
        self.queries = 0
        self.written_focus: dict[Any, tuple[ox.Literal, ...]] = {}

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
        """A group pattern binding ``?this`` to each focus node of the shape's targets."""
        parts = []
        if shape.targets:
            classes = sorted(set().union(*(self.subclasses(c) for c in shape.targets)))
            values = " ".join(_iri(c) for c in classes)
            typed = f"?this {_iri(RDF + 'type')} ?_class"
            if context_graph is not None:  # nodes typed only in the context graph are not focus nodes
                typed = f"GRAPH ?_g {{ {typed} }} FILTER(?_g != {_iri(context_graph)})"
            parts.append(f"VALUES ?_class {{ {values} }} {typed}")
        if shape.nodes:
            parts.append(f"VALUES ?this {{ {' '.join(str(n) for n in shape.nodes)} }}")
        parts.extend(f"?this {_iri(p)} ?_o" for p in shape.subjects_of)
        parts.extend(f"?_s {_iri(p)} ?this" for p in shape.objects_of)
        union = " UNION ".join(f"{{ {p} }}" for p in parts)
        return f"{{ SELECT DISTINCT ?this WHERE {{ {union} }} }}"

    def tasks(self, shape: Shape, focus: str) -> Iterator[tuple[Shape, Constraint | None, str]]:
        """(shape, constraint, focus pattern) of every constraint to check, property shapes included; a
        None constraint: the property shapes of a property shape, judged at each of its values at each
        focus node (a value reached from two focus nodes is validated, and reported, twice)."""
        for c in shape.constraints:
            yield shape, c, focus
        if shape.path is not None and shape.properties:
            yield shape, None, focus
            return
        for prop in shape.properties:
            yield from self.tasks(prop, focus)

    def focus_as_written(self, shapes: Iterable[Shape]) -> None:
        """The sh:targetNode literals as the shapes write them (a query returns them as a store holds them)."""
        literals = [n for shape in shapes for n in shape.nodes if isinstance(n, ox.Literal)]
        written: dict[Any, set[ox.Literal]] = defaultdict(set)
        for lit, stored in _stored(literals).items():
            written[stored].add(lit)
        self.written_focus = {k: tuple(sorted(v, key=str)) for k, v in written.items()}

    def query_focus(self, text: str) -> list[Any]:
        return [n for node in self.query(text) for n in self.written_focus.get(node, (node,))]

    def check(self, task: tuple[Shape, Constraint | None, str]) -> list[RawResult]:
        """One candidate query, then the exact judgement of each candidate."""
        shape, c, focus = task
        if c is None:
            with _quiet_rdflib():
                return [r for node in self.query_focus(f"SELECT DISTINCT ?this WHERE {{ {focus} }}")
                        for v, _ in self.judge.values(node, shape) for prop in shape.properties
                        for r in self.judge.validate(prop, v)]
        query = self.sparql.candidates(shape, c, focus)
        if query is None:
            return []
        return [r for node in self.query_focus(query) for r in self.judge.check(shape, c, node)]


def validate_oxigraph(ds: Dataset | ox.Store, shapes: rdflib.Graph, *, progress: Reporter = SILENT,
                      workers: int | None = None, context_graph: str | None = None,
                      written: Iterable[ox.Quad] | None = None) -> list[RawResult]:
    """SHACL validation of the dataset (all graphs, the ontology's class hierarchy included) on its
    pyoxigraph store, sorted. ``progress`` tracks the targeted shapes.

    ``written`` are the quads as written (default: a Dataset's own quads), so that literals the store
    rewrites are judged and reported as the data writes them.

    The constraints are checked by ``workers`` threads (default: up to 2, one per core): pyoxigraph
    evaluates a query without holding the GIL, and the results do not depend on the order.

    ``context_graph`` names a graph whose nodes are context only (the types of what an incremental build's
    changed files reference): its triples are seen, but a node typed only there is not a focus node."""
    targeted = _Compiler(shapes).targeted()
    if written is None and isinstance(ds, Dataset):
        written = ds.quads
    originals = originals_of(written) if written is not None else {}
    engine = _Engine(ds if isinstance(ds, ox.Store) else ds.store, shapes, originals)
    engine.focus_as_written(targeted)
    tasks = [t for shape in targeted for t in engine.tasks(shape, engine.focus_of(shape, context_graph))]
    results: list[RawResult] = []  # a multiset: the spec's one result per failing constraint and node
    count = workers or min(2, os.cpu_count() or 1)
    if count <= 1:
        for task in progress.track(tasks, "validating (oxigraph)", len(tasks)):
            results.extend(engine.check(task))
    else:
        with ThreadPoolExecutor(count) as pool:
            for found in progress.track(pool.map(engine.check, tasks), "validating (oxigraph)", len(tasks)):
                results.extend(found)
    return sorted(results, key=_result_key)
