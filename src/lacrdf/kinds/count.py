"""Counted statements ("relations with 31 of 33 states", "BRI documents with 19 countries"): one node with
the count, the scope and what is counted, instead of invented one-by-one facts."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import ClassVar, Literal

from ..records import ActorRef, FactRecord, Ref
from ..values import PartialDate
from . import Kind
from .base import Context, Emit, Out, integer

Qualifier = Literal["exact", "more-than", "nearly", "about", "at-least"]


@dataclass(frozen=True, slots=True, kw_only=True)
class CountRecord(FactRecord):
    KIND: ClassVar[str] = "count"
    SEGMENT: ClassVar[str] = "count"
    subject: ActorRef
    counted: str = field(metadata={"doc": "what is counted, in a few words of our own"})
    count: int = field(metadata={"min": 0})
    out_of: int | None = field(default=None, metadata={"min": 1})
    qualifier: Qualifier = "exact"
    scope: ActorRef | None = None
    counterparts: tuple[ActorRef, ...] = ()
    related_to: Ref | None = None
    as_of: PartialDate | None = None


def convert(rec: CountRecord, ctx: Context) -> Iterable[Emit]:
    out = Out(ctx, ctx.fact(rec.id))
    lac = ctx.lac
    of = f" of {rec.out_of}" if rec.out_of else ""
    out.label(f"{ctx.label(rec.subject)}: {rec.counted}: {rec.count}{of}", "counted")
    out.refs(lac.subject, rec.subject, "subject")
    out.text(lac.countedThing, rec.counted, "counted")
    out.add(lac["count"], integer(rec.count), "count")
    out.add(lac.outOf, integer(rec.out_of) if rec.out_of is not None else None, "out_of")
    out.concept(lac.countQualifier, "qualifier", rec.qualifier, "qualifier")
    out.refs(lac.scope, rec.scope, "scope")
    out.refs(lac.counterpart, rec.counterparts, "counterparts")
    out.refs(lac.relatedTo, rec.related_to, "related_to")
    out.date(lac.asOf, rec.as_of, "as_of")
    return out.items


def check(rec: CountRecord) -> tuple[str, str] | None:
    if rec.out_of is not None and rec.count > rec.out_of:
        return "count", f"count {rec.count} is larger than out_of {rec.out_of}"
    return None


KIND = Kind("count", CountRecord, convert, lambda r: "CountStatement",
            "a stated count (how many states, treaties, documents...)", check)  # type: ignore[arg-type]
