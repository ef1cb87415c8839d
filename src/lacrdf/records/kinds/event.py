"""Events: visits, consultations, meetings, forums, summits and ministerial meetings, with who took part,
where, when, and the documents they produced."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar, Literal

from lacrdf.records.kinds import Kind
from lacrdf.records.model import ActorRef, FactRecord, FactRef, Ref
from lacrdf.values import PartialDate

EventType = Literal[
    "official-visit", "working-visit", "visit", "state-visit", "consultations", "meeting", "forum", "summit",
    "ministerial-meeting", "joint-commission-meeting", "business-forum", "conference", "telephone-call",
]


@dataclass(frozen=True, slots=True, kw_only=True)
class EventRecord(FactRecord):
    KIND: ClassVar[str] = "event"
    SEGMENT: ClassVar[str] = "event"
    event_type: EventType
    title: str
    theme: str | None = field(default=None, metadata={"doc": "the event's theme, in a few words of our own"})
    date: PartialDate | None = None
    end_date: PartialDate | None = None
    location: ActorRef | None = field(default=None, metadata={"actor_types": ("city", "state", "region")})
    online: bool | None = None
    participants: tuple[ActorRef, ...] = ()
    headed_by: tuple[ActorRef, ...] = ()
    hosted_by: ActorRef | None = None
    organizers: tuple[ActorRef, ...] = ()
    supporters: tuple[ActorRef, ...] = ()
    part_of: Ref | None = None
    ordinal: int | None = field(default=None, metadata={"min": 1})
    outcomes: tuple[FactRef, ...] = field(default=(), metadata={"fact_kinds": ("agreement", "programme", "body")})


def check(rec: EventRecord) -> tuple[str, str] | None:
    if rec.date and rec.end_date and rec.end_date < rec.date:
        return "end_date", "end_date is before date"
    return None


KIND = Kind("event", EventRecord, lambda r: "Event",
            "a visit, consultation, meeting, forum, summit or ministerial meeting", check)  # type: ignore[arg-type]
