"""Events: visits, consultations, meetings, forums, summits and ministerial meetings, with who took part,
where, when, and the documents they produced."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import ClassVar, Literal

from ..records import ActorRef, FactRecord, FactRef, Ref
from ..values import PartialDate
from ..vocab import W3C
from . import Kind
from .base import Context, Emit, Out, boolean, integer

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


def convert(rec: EventRecord, ctx: Context) -> Iterable[Emit]:
    out = Out(ctx, ctx.fact(rec.id))
    lac = ctx.lac
    out.label(rec.title, "title")
    out.concept(lac.eventType, "event-type", rec.event_type, "event_type")
    out.date(lac.date, rec.date, "date")
    out.date(lac.endDate, rec.end_date, "end_date")
    out.refs(lac.location, rec.location, "location")
    out.add(lac.online, boolean(rec.online) if rec.online is not None else None, "online")
    out.refs(lac.participant, rec.participants, "participants")
    out.refs(lac.headedBy, rec.headed_by, "headed_by")
    out.refs(lac.hostedBy, rec.hosted_by, "hosted_by")
    out.refs(lac.organizer, rec.organizers, "organizers")
    out.refs(lac.supporter, rec.supporters, "supporters")
    out.refs(lac.partOf, rec.part_of, "part_of")
    out.add(lac.ordinal, integer(rec.ordinal) if rec.ordinal is not None else None, "ordinal")
    out.refs(W3C.PROV_GENERATED, rec.outcomes, "outcomes")
    return out.items


def check(rec: EventRecord) -> tuple[str, str] | None:
    if rec.date and rec.end_date and rec.end_date < rec.date:
        return "end_date", "end_date is before date"
    return None


KIND = Kind("event", EventRecord, convert, lambda r: "Event",
            "a visit, consultation, meeting, forum, summit or ministerial meeting", check)  # type: ignore[arg-type]
