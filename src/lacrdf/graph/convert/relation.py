"""relation: the converter of RelationRecord (see lacrdf.records.kinds.relation for the record)."""

from __future__ import annotations

from collections.abc import Iterable

from lacrdf.graph.terms import Context, Emit, Out
from lacrdf.records.kinds.relation import RelationRecord


def convert(rec: RelationRecord, ctx: Context) -> Iterable[Emit]:
    out = Out(ctx, ctx.fact(rec.id))
    names = " – ".join(ctx.label(p) for p in rec.parties)
    out.label(f"Diplomatic relations {names} ({rec.status})", "parties")
    out.refs(ctx.lac.party, rec.parties, "parties")
    out.concept(ctx.lac.relationStatus, "relation-status", rec.status, "status")
    out.date(ctx.lac.date, rec.date, "date")
    out.text(ctx.lac.assessment, rec.assessment, "assessment")
    return out.items

