"""event: the converter of EventRecord (see lacrdf.records.kinds.event for the record)."""

from __future__ import annotations

from collections.abc import Iterable

from lacrdf.graph.terms import Context, Emit, Out, boolean, integer
from lacrdf.records.kinds.event import EventRecord
from lacrdf.vocab import W3C


def convert(rec: EventRecord, ctx: Context) -> Iterable[Emit]:
    out = Out(ctx, ctx.fact(rec.id))
    lac = ctx.lac
    out.label(rec.title, "title")
    out.concept(lac.eventType, "event-type", rec.event_type, "event_type")
    out.text(lac.theme, rec.theme, "theme")
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

