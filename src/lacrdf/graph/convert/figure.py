"""figure: the converter of FigureRecord (see lacrdf.records.kinds.figure for the record)."""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox

from lacrdf.graph.terms import Context, Emit, Out, decimal, integer, string
from lacrdf.records.kinds.count import QUALIFIER_WORDS
from lacrdf.records.kinds.figure import SCALES, FigureRecord, exact_value
from lacrdf.vocab import W3C


def convert(rec: FigureRecord, ctx: Context) -> Iterable[Emit]:
    subject = ctx.fact(rec.id)
    amount = ox.NamedNode(subject.value + "/amount")
    out = Out(ctx, subject)
    lac = ctx.lac
    what = rec.currency or rec.unit or ""
    scale = "" if rec.scale == "one" else f" {rec.scale}"
    flow = f" {rec.flow}" if rec.flow else ""
    partner = f" – {ctx.label(rec.partner)}" if rec.partner else ""
    when = rec.period or (f"{rec.period_start}/{rec.period_end}" if rec.period_start else "")
    out.label(f"{ctx.label(rec.reporter)}{partner}: {rec.figure_type.replace('-', ' ')}{flow} "
              f"{QUALIFIER_WORDS[rec.qualifier]}{rec.amount}{scale} {what} {when}".replace("  ", " ").strip(), "amount")
    out.concept(lac.figureType, "figure-type", rec.figure_type, "figure_type")
    out.concept(lac.flow, "flow", rec.flow, "flow")
    out.refs(lac.reporter, rec.reporter, "reporter")
    out.refs(lac.partner, rec.partner, "partner")
    out.add(lac.amount, amount, "amount")
    out.add(W3C.RDF_TYPE, W3C.SCHEMA_MONETARY_AMOUNT if rec.currency else W3C.SCHEMA_QUANTITATIVE_VALUE,
            "amount", amount)
    out.add(W3C.SCHEMA_VALUE, decimal(exact_value(rec)), "amount", amount)
    out.add(lac.unitMultiplier, integer(SCALES[rec.scale]), "scale", amount)
    out.add(W3C.SCHEMA_CURRENCY, string(rec.currency) if rec.currency else None, "currency", amount)
    out.add(W3C.SCHEMA_UNIT_TEXT, ox.Literal(rec.unit, language="en") if rec.unit else None, "unit", amount)
    out.date(lac.date, rec.period, "period")
    out.date(lac.periodStart, rec.period_start, "period_start")
    out.date(lac.periodEnd, rec.period_end, "period_end")
    out.concept(lac.valueQualifier, "qualifier", rec.qualifier, "qualifier")
    out.add(lac.shareOfTotal, decimal(rec.share_of_total) if rec.share_of_total is not None else None,
            "share_of_total")
    out.add(lac.changePercent, decimal(rec.change_percent) if rec.change_percent is not None else None,
            "change_percent")
    out.refs(lac.statisticsSource, rec.statistics_source, "statistics_source")
    out.refs(lac.relatedTo, rec.related_to, "related_to")
    return out.items

