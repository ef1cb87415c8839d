"""programme: the converter of ProgrammeRecord (see lacrdf.records.kinds.programme for the record)."""

from __future__ import annotations

from collections.abc import Iterable

from lacrdf.graph.terms import Context, Emit, Out, string
from lacrdf.records.kinds.programme import ProgrammeRecord


def convert(rec: ProgrammeRecord, ctx: Context) -> Iterable[Emit]:
    out = Out(ctx, ctx.fact(rec.id))
    lac = ctx.lac
    out.label(rec.name, "name")
    out.concept(lac.programmeType, "programme-type", rec.programme_type, "programme_type")
    if rec.acronym:
        out.add(lac.acronym, string(rec.acronym), "acronym")
    out.refs(lac.party, rec.parties, "parties")
    out.refs(lac.funder, rec.funder, "funder")
    out.date(lac.startDate, rec.start, "start")
    out.date(lac.endDate, rec.end, "end")
    out.text(lac.topic, rec.topic, "topic")
    out.refs(lac.partOf, rec.part_of, "part_of")
    return out.items

