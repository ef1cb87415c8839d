"""presence: the converter of PresenceRecord (see lacrdf.records.kinds.presence for the record)."""

from __future__ import annotations

from collections.abc import Iterable

from lacrdf.graph.terms import Context, Emit, Out
from lacrdf.records.kinds.presence import PresenceRecord


def convert(rec: PresenceRecord, ctx: Context) -> Iterable[Emit]:
    out = Out(ctx, ctx.fact(rec.id))
    lac = ctx.lac
    out.label(f"{ctx.label(rec.company)}: {rec.presence_type.replace('-', ' ')} in {ctx.label(rec.country)}",
              "presence_type")
    out.refs(lac.company, rec.company, "company")
    out.concept(lac.presenceType, "presence-type", rec.presence_type, "presence_type")
    out.refs(lac.operatesIn, rec.country, "country")
    out.date(lac.startDate, rec.since, "since")
    out.refs(lac.party, rec.partners, "partners")
    out.text(lac.activity, rec.activity, "activity")
    return out.items

