"""What a check reports: a SHACL engine's raw results, results traced back to the records, and the sorted
report every output format renders. Also the text form of a SHACL property path that results carry."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rdflib.namespace import SH

from lacrdf.records.model import Origin

SEVERITIES = ("info", "warning", "violation")

_SEVERITY_OF = {SH.Info: "info", SH.Warning: "warning", SH.Violation: "violation"}


def severity_rank(severity: str) -> int:
    """The rank of a severity for thresholds. A severity outside SHACL's three (a shape may name any IRI)
    ranks as a violation: a result nobody knows how to weigh never lets a threshold pass."""
    return SEVERITIES.index(severity) if severity in SEVERITIES else len(SEVERITIES) - 1


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
    details: tuple[ValidationResult, ...] = ()
    """The results that explain this one (sh:detail): those of the shape an sh:node value fails."""

    def sort_key(self) -> tuple[str, int, int, str, str, str, str]:
        o = self.origin
        return (o.file if o else "~", o.line if o else 0, o.column if o else 0, self.focus, self.path or "",
                self.constraint, self.value or "")

@dataclass(frozen=True)
class ValidationReport:
    """Sorted results plus what was validated. Two verdicts: ``shacl_conforms`` is sh:conforms as SHACL
    defines it (no result at all, whatever its severity); ``conforms(threshold)`` decides the exit code
    (no result at or above the threshold)."""

    results: tuple[ValidationResult, ...]
    shapes: tuple[str, ...] = field(default=())

    def at_least(self, threshold: str) -> list[ValidationResult]:
        rank = SEVERITIES.index(threshold)
        return [r for r in self.results if severity_rank(r.severity) >= rank]

    def conforms(self, threshold: str = "violation") -> bool:
        return not self.at_least(threshold)

    @property
    def shacl_conforms(self) -> bool:
        """sh:conforms of the SHACL report: true only when there is no result, of any severity."""
        return not self.results

    def counts(self) -> dict[str, int]:
        """Results per severity (a severity outside the three is counted as a violation)."""
        out = dict.fromkeys(SEVERITIES, 0)
        for r in self.results:
            out[SEVERITIES[severity_rank(r.severity)]] += 1
        return out

@dataclass(frozen=True, slots=True)
class RawResult:
    """What a SHACL engine reports for one result, before it is traced back to a record.

    Terms are N-Triples strings for literals (``"1"^^<...#integer>``), exactly as the data writes them,
    ``_:label`` for blank nodes and plain IRIs otherwise; ``path`` is an IRI or, for any other SHACL path,
    its ``path_text``; ``shape`` is the stable shape name (see ``shape_name``); ``severity`` is
    ``violation``, ``warning``, ``info`` or the IRI of another severity; ``details`` are the results
    that explain this one (sh:detail)."""

    focus: str
    path: str | None
    value: str | None
    shape: str
    constraint: str
    severity: str
    message: str
    details: tuple[RawResult, ...] = ()


# ------------------------------------------------------------------------------------ property paths

PathTree = tuple[Any, ...]
"""A SHACL property path: ("iri", IRI), ("seq", (trees)), ("alt", (trees)), ("inv", tree), or
("zeroOrMore" | "oneOrMore" | "zeroOrOne", tree)."""

_MODS = {"zeroOrMore": "*", "oneOrMore": "+", "zeroOrOne": "?"}


def path_text(tree: PathTree) -> str:
    """The path as a SPARQL 1.1 property path with full IRIs (``(<p> / ^<q>)``, ``(<p> | <q>)*``): the
    text results carry for a path that is not a single IRI, and the path the engine queries."""
    kind, arg = tree
    if kind == "iri":
        return f"<{arg}>"
    if kind in ("seq", "alt"):
        return "(" + (" / " if kind == "seq" else " | ").join(path_text(t) for t in arg) + ")"
    atom = path_text(arg) if arg[0] in ("iri", "seq", "alt") else f"({path_text(arg)})"
    return "^" + atom if kind == "inv" else atom + _MODS[kind]


def is_complex_path(path: str | None) -> bool:
    """True for a ``path_text`` (a result path that is not a single IRI)."""
    return path is not None and path.startswith(("<", "(", "^"))


def parse_path(text: str) -> PathTree:
    """The inverse of ``path_text``."""
    pos = 0

    def peek() -> str:
        nonlocal pos
        while pos < len(text) and text[pos] == " ":
            pos += 1
        return text[pos] if pos < len(text) else ""

    def atom() -> PathTree:
        nonlocal pos
        if peek() == "<":
            end = text.index(">", pos)
            iri, pos = text[pos + 1:end], end + 1
            return ("iri", iri)
        if peek() != "(":
            raise ValueError(f"not a path: {text!r}")
        pos += 1
        items, sep = [elt()], ""
        while peek() in ("/", "|"):
            sep = text[pos]
            pos += 1
            items.append(elt())
        if peek() != ")":
            raise ValueError(f"not a path: {text!r}")
        pos += 1
        if len(items) == 1:
            return items[0]
        return ("seq" if sep == "/" else "alt", tuple(items))

    def elt() -> PathTree:
        nonlocal pos
        if peek() == "^":
            pos += 1
            return ("inv", atom())
        tree = atom()
        mod = peek()
        for kind, sign in _MODS.items():
            if mod == sign:
                pos += 1
                return (kind, tree)
        return tree

    tree = elt()
    if peek():
        raise ValueError(f"not a path: {text!r}")
    return tree
