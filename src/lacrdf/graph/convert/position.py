"""position: the converter of PositionRecord (see lacrdf.records.kinds.position for the record)."""

from __future__ import annotations

from collections.abc import Iterable

from lacrdf.graph.terms import Context, Emit, Out
from lacrdf.records.kinds.position import PositionRecord


def convert(rec: PositionRecord, ctx: Context) -> Iterable[Emit]:
    out = Out(ctx, ctx.fact(rec.id))
    source = ctx.sources.get(rec.source)
    holder = rec.holder or (source.author or source.publisher if source else None)
    # with no holder named and no publisher or author the text names, the claim is the document's own
    who = ctx.label(holder) if holder else (source.title or source.id) if source else "the source"
    out.label(f"{who} {rec.stance.replace('-', ' ')}: {rec.topic}", "topic")
    out.refs(ctx.lac.holder, holder, "holder")
    out.concept(ctx.lac.stance, "stance", rec.stance, "stance")
    out.text(ctx.lac.topic, rec.topic, "topic")
    out.refs(ctx.lac.about, rec.about, "about")
    out.date(ctx.lac.date, rec.date, "date")
    return out.items

