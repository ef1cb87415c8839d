"""post: the converter of PostRecord (see lacrdf.records.kinds.post for the record)."""

from __future__ import annotations

from collections.abc import Iterable

from lacrdf.graph.terms import Context, Emit, Out
from lacrdf.records.kinds.post import PostRecord
from lacrdf.vocab import W3C


def convert(rec: PostRecord, ctx: Context) -> Iterable[Emit]:
    out = Out(ctx, ctx.fact(rec.id))
    out.label(f"{rec.title} ({ctx.label(rec.holder)})", "title")
    out.refs(W3C.ORG_HELD_BY, rec.holder, "holder")
    out.refs(W3C.ORG_POST_IN, rec.organization, "organization")
    out.text(W3C.RDFS_COMMENT, rec.title, "title")
    out.date(ctx.lac.asOf, rec.as_of, "as_of")
    return out.items

