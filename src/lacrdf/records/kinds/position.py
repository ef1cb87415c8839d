"""Positions a source states as its own or another actor's view ("X supports...", "X condemns...").
The provenance says who said it; the topic is our own short wording, never the source's sentence."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar, Literal

from lacrdf.records.kinds import Kind
from lacrdf.records.model import ActorRef, FactRecord
from lacrdf.values import PartialDate


@dataclass(frozen=True, slots=True, kw_only=True)
class PositionRecord(FactRecord):
    KIND: ClassVar[str] = "position"
    SEGMENT: ClassVar[str] = "position"
    holder: ActorRef | None = field(default=None, metadata={
        "doc": "who holds the view; leave out when it is the source's own view (its publisher or author)"})
    stance: Literal["supports", "opposes", "condemns", "welcomes", "recognises", "congratulates", "estimates",
                    "assesses", "raises-concern"]
    topic: str
    about: tuple[ActorRef, ...] = ()
    date: PartialDate | None = None


KIND = Kind("position", PositionRecord, lambda r: "Position",
            "a position or claim a source attributes to an actor")  # type: ignore[arg-type]
