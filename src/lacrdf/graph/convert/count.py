"""count: the converter of CountRecord (see lacrdf.records.kinds.count for the record)."""

from __future__ import annotations

from collections.abc import Iterable

from lacrdf.graph.terms import Context, Emit, Out, integer
from lacrdf.records.kinds.count import QUALIFIER_WORDS, CountRecord


def convert(rec: CountRecord, ctx: Context) -> Iterable[Emit]:
    out = Out(ctx, ctx.fact(rec.id))
    lac = ctx.lac
    of = f" of {rec.out_of}" if rec.out_of else ""
    number = f"{QUALIFIER_WORDS[rec.qualifier]}{rec.count}{of}"
    out.label(f"{ctx.label(rec.subject)}: {rec.counted}: {number}", "counted")
    out.refs(lac.subject, rec.subject, "subject")
    out.text(lac.countedThing, rec.counted, "counted")
    out.add(lac["count"], integer(rec.count), "count")
    out.add(lac.outOf, integer(rec.out_of) if rec.out_of is not None else None, "out_of")
    out.concept(lac.countQualifier, "qualifier", rec.qualifier, "qualifier")
    out.refs(lac.scope, rec.scope, "scope")
    out.refs(lac.counterpart, rec.counterparts, "counterparts")
    out.refs(lac.relatedTo, rec.related_to, "related_to")
    out.date(lac.asOf, rec.as_of, "as_of")
    return out.items

