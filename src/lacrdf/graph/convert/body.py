"""body: the converter of BodyRecord (see lacrdf.records.kinds.body for the record)."""

from __future__ import annotations

from collections.abc import Iterable

from lacrdf.graph.terms import Context, Emit, Out
from lacrdf.records.kinds.body import BodyRecord


def convert(rec: BodyRecord, ctx: Context) -> Iterable[Emit]:
    out = Out(ctx, ctx.fact(rec.id))
    out.label(rec.name, "name")
    out.concept(ctx.lac.bodyType, "body-type", rec.body_type, "body_type")
    out.refs(ctx.lac.party, rec.parties, "parties")
    out.date(ctx.lac.startDate, rec.established, "established")
    out.refs(ctx.lac.partOf, rec.part_of, "part_of")
    return out.items

