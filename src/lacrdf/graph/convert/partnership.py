"""partnership: the converter of PartnershipRecord (see lacrdf.records.kinds.partnership for the record)."""

from __future__ import annotations

from collections.abc import Iterable

from lacrdf.graph.terms import Context, Emit, Out
from lacrdf.records.kinds.partnership import PartnershipRecord


def convert(rec: PartnershipRecord, ctx: Context) -> Iterable[Emit]:
    out = Out(ctx, ctx.fact(rec.id))
    kind = rec.partnership_type.replace("-", " ")
    out.label(f"{kind.capitalize()} partnership: {' – '.join(ctx.label(p) for p in rec.parties)}", "parties")
    out.refs(ctx.lac.party, rec.parties, "parties")
    out.concept(ctx.lac.partnershipType, "partnership-type", rec.partnership_type, "partnership_type")
    out.date(ctx.lac.startDate, rec.since, "since")
    return out.items

