"""What every converter shares: the naming context (IRIs of actors, facts, concepts, terms) and the
``Emit`` tuple, a triple plus the record field it comes from (kept so validation can point at the line)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

import pyoxigraph as ox

from lacrdf.config import Namespaces
from lacrdf.records.model import ActorRecord, FactRecord, SourceRecord
from lacrdf.values import XSD, PartialDate, canonical_decimal
from lacrdf.vocab import W3C, Vocabulary

Term = ox.NamedNode | ox.Literal


class Emit(NamedTuple):
    """One triple and the record field it was made from."""

    subject: ox.NamedNode
    predicate: ox.NamedNode
    object: Term
    field: str


ACTOR_SEGMENTS = {
    "state": "state", "organization": "org", "region": "region", "city": "city",
    "government-body": "body", "person": "person", "company": "company", "political-party": "party",
}

XSD_STRING = ox.NamedNode(XSD + "string")
XSD_INTEGER = ox.NamedNode(XSD + "integer")
XSD_DECIMAL = ox.NamedNode(XSD + "decimal")
XSD_BOOLEAN = ox.NamedNode(XSD + "boolean")


@dataclass(frozen=True)
class Context:
    """Everything a converter may look up: it never reads files or mutates anything."""

    ns: Namespaces
    actors: Mapping[str, ActorRecord]
    facts: Mapping[str, FactRecord | str]
    """Fact records by id, or just their IRI segments (what an incremental build keeps of other files)."""
    sources: Mapping[str, SourceRecord] = field(default_factory=dict)
    lac: Vocabulary = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "lac", Vocabulary(self.ns.terms))

    def actor(self, actor_id: str) -> ox.NamedNode:
        rec = self.actors[actor_id]
        return ox.NamedNode(f"{self.ns.resources}{ACTOR_SEGMENTS[rec.type]}/{actor_id}")

    def fact(self, fact_id: str) -> ox.NamedNode:
        rec = self.facts[fact_id]
        segment = rec if isinstance(rec, str) else type(rec).SEGMENT  # type: ignore[attr-defined]
        return ox.NamedNode(f"{self.ns.resources}{segment}/{fact_id}")

    def resolve_actor(self, actor_id: str) -> str | None:
        """The IRI of an actor id, or None if there is no such actor (for query parameters)."""
        return self.actor(actor_id).value if actor_id in self.actors else None

    def ref(self, ref_id: str) -> ox.NamedNode:
        return self.fact(ref_id) if ref_id in self.facts else self.actor(ref_id)

    def source(self, source_id: str) -> ox.NamedNode:
        return ox.NamedNode(f"{self.ns.resources}source/{source_id}")

    def locator(self, source_id: str, para: int) -> ox.NamedNode:
        return ox.NamedNode(f"{self.ns.resources}source/{source_id}/paragraph/{para}")

    def concept(self, scheme: str, value: str) -> ox.NamedNode:
        return ox.NamedNode(f"{self.ns.concepts}{scheme}/{value}")

    def graph(self, name: str) -> ox.NamedNode:
        return ox.NamedNode(f"{self.ns.graphs}{name}")

    def label(self, ref_id: str, lang: str = "en") -> str:
        if ref_id in self.actors:
            return self.actors[ref_id].label(lang)
        return ref_id


def text(value: str, lang: str = "en") -> ox.Literal:
    return ox.Literal(value, language=lang)


def date(value: PartialDate) -> ox.Literal:
    return ox.Literal(value.lexical, datatype=ox.NamedNode(value.datatype))


def integer(value: int) -> ox.Literal:
    return ox.Literal(str(value), datatype=XSD_INTEGER)


def decimal(value: Decimal) -> ox.Literal:
    return ox.Literal(canonical_decimal(value), datatype=XSD_DECIMAL)


def boolean(value: bool) -> ox.Literal:
    return ox.Literal("true" if value else "false", datatype=XSD_BOOLEAN)


def string(value: str) -> ox.Literal:
    return ox.Literal(value)


class Out:
    """Collects the Emit tuples of one subject; every helper skips None so converters stay flat."""

    def __init__(self, ctx: Context, subject: ox.NamedNode) -> None:
        self.ctx = ctx
        self.subject = subject
        self.items: list[Emit] = []

    def add(self, predicate: ox.NamedNode, obj: Term | None, fieldname: str,
            subject: ox.NamedNode | None = None) -> None:
        if obj is not None:
            self.items.append(Emit(subject or self.subject, predicate, obj, fieldname))

    def refs(self, predicate: ox.NamedNode, ids: Iterable[str] | str | None, fieldname: str) -> None:
        if ids is None:
            return
        for ref_id in (ids,) if isinstance(ids, str) else ids:
            self.add(predicate, self.ctx.ref(ref_id), fieldname)

    def date(self, predicate: ox.NamedNode, value: PartialDate | None, fieldname: str) -> None:
        if value is not None:
            self.add(predicate, date(value), fieldname)

    def concept(self, predicate: ox.NamedNode, scheme: str, value: str | None, fieldname: str) -> None:
        if value is not None:
            self.add(predicate, self.ctx.concept(scheme, value), fieldname)

    def label(self, value: str, fieldname: str) -> None:
        self.add(W3C.RDFS_LABEL, text(value, "en"), fieldname)

    def text(self, predicate: ox.NamedNode, value: str | None, fieldname: str, lang: str = "en") -> None:
        if value is not None:
            self.add(predicate, text(value, lang), fieldname)


Converter = Callable[[FactRecord, Context], Iterable[Emit]]


def tv(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> str:
    """The value of a term (an IRI, blank node id or literal); lacrdf makes no RDF-star triples."""
    return str(term) if isinstance(term, ox.Triple) else term.value
