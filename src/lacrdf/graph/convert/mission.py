"""mission: the converter of MissionRecord (see lacrdf.records.kinds.mission for the record)."""

from __future__ import annotations

from collections.abc import Iterable

from lacrdf.graph.terms import Context, Emit, Out
from lacrdf.records.kinds.mission import _NAME, MissionRecord


def convert(rec: MissionRecord, ctx: Context) -> Iterable[Emit]:
    out = Out(ctx, ctx.fact(rec.id))
    lac = ctx.lac
    where = ctx.label(rec.seat or rec.host or "")
    out.label(f"{_NAME[rec.mission_type]} of {ctx.label(rec.sending)} in {where}", "mission_type")
    out.refs(lac.sendingState, rec.sending, "sending")
    out.refs(lac.hostState, rec.host, "host")
    out.refs(lac.seat, rec.seat, "seat")
    out.refs(lac.jurisdiction, rec.jurisdiction, "jurisdiction")
    out.date(lac.startDate, rec.since, "since")
    return out.items

