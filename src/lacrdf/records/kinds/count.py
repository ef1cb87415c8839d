"""Counted statements ("relations with 31 of 33 states", "BRI documents with 19 countries"): one node with
the count, the scope and what is counted, instead of invented one-by-one facts."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar, Literal

from lacrdf.records.kinds import Kind
from lacrdf.records.model import ActorRef, FactRecord, Ref
from lacrdf.values import PartialDate

Qualifier = Literal["exact", "more-than", "nearly", "about", "at-least"]
QUALIFIER_WORDS = {"exact": "", "more-than": "more than ", "nearly": "nearly ", "about": "about ",
                   "at-least": "at least "}
"""How a qualifier reads before its number, wherever the number is shown ("more than 3000")."""


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


def check(rec: CountRecord) -> tuple[str, str] | None:
    if rec.out_of is not None and rec.count > rec.out_of:
        return "count", f"count {rec.count} is larger than out_of {rec.out_of}"
    return None


KIND = Kind("count", CountRecord, lambda r: "CountStatement",
            "a stated count (how many states, treaties, documents...)", check)  # type: ignore[arg-type]
